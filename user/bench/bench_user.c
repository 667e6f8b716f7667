// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmark operations of kunit/bench/bench.c in user space, counted in
 * instructions by callgrind instead of timed: deterministic numbers for
 * regression tracking. Only our side runs here (io-pgtable-arm and the AMD
 * io_pgtable are kernel-only code).
 *
 * Each measured operation is bracketed by CALLGRIND_ZERO_STATS and
 * CALLGRIND_DUMP_STATS_AT("fmt,row,op,calls"); scripts/bench_callgrind.py
 * divides each dump by its number of calls. Outside callgrind the client
 * requests do nothing and the suite only checks the translations.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <valgrind/callgrind.h>

#include "bench/ours.h"

static void bench_user_dump(const char *fmt, const struct bench_row *row,
			    const char *op, unsigned int calls)
{
	char desc[96];

	/* Formatting the name is not the operation's: not counted */
	CALLGRIND_TOGGLE_COLLECT;
	snprintf(desc, sizeof(desc), "%s,%s,%s,%u", fmt, row->name, op, calls);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(desc);
}

static void bench_user_row(struct kunit *test, const char *fmt,
			   struct bench_side *ours, u64 *floor, unsigned int r)
{
	const struct bench_row *row = &bench_rows[r];
	size_t entries = bench_row_entries(row);
	unsigned int rep, i;
	int ret = 0;

	/* The first repetition warms up: tables allocated as in steady state */
	for (rep = 0; rep != 2; rep++) {
		CALLGRIND_ZERO_STATS;
		for (i = 0; i != row->batch; i++)
			ret |= bench_map(ours, bench_row_iova(r, i),
					 bench_row_paddr(r, i), bench_row_len(row),
					 BENCH_PROT);
		if (rep)
			bench_user_dump(fmt, row, "map", row->batch);
		KUNIT_ASSERT_EQ(test, ret, 0);

		for (i = 0; i != row->batch; i++) {
			unsigned long iova = bench_row_iova(r, i);
			u64 last = bench_row_len(row) - 1;

			KUNIT_ASSERT_EQ(test, ours->iova_to_phys(ours, iova),
					bench_row_paddr(r, i));
			KUNIT_ASSERT_EQ(test,
					ours->iova_to_phys(ours, iova + last),
					bench_row_paddr(r, i) + last);
		}

		if (rep && r == BENCH_ROW_1G_4K) {
			unsigned long lookups[BENCH_LOOKUPS];
			phys_addr_t sum = 0;

			bench_lookups_fill(lookups);
			CALLGRIND_ZERO_STATS;
			for (i = 0; i != BENCH_LOOKUPS; i++)
				sum += ours->iova_to_phys(ours, lookups[i]);
			bench_user_dump(fmt, row, "iova_to_phys",
					BENCH_LOOKUPS);
			KUNIT_EXPECT_EQ(test, sum, bench_lookups_want(lookups));
		}

		CALLGRIND_ZERO_STATS;
		for (i = 0; i != row->batch; i++)
			KUNIT_ASSERT_EQ(test,
					bench_unmap(ours, bench_row_iova(r, i),
						    bench_row_len(row)),
					bench_row_len(row));
		if (rep)
			bench_user_dump(fmt, row, "unmap", row->batch);
	}

	CALLGRIND_ZERO_STATS;
	for (i = 0; i != row->batch; i++)
		memset64(floor, bench_row_paddr(r, i) | 0x403, entries);
	bench_user_dump(fmt, row, "floor", row->batch);
}

static void bench_user_fmt(struct kunit *test, bool amd)
{
	const char *fmt = amd ? "amdv1" : "armv8_4k";
	struct bench_side ours;
	unsigned int r;
	u64 *floor;

	floor = kunit_kcalloc(test,
			      bench_row_entries(&bench_rows[BENCH_ROW_1G_4K]),
			      sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, floor);
	KUNIT_ASSERT_EQ(test, bench_ours_init(&ours, amd), 0);
	for (r = 0; r != ARRAY_SIZE(bench_rows); r++)
		if (amd || bench_row_in_arm(r))
			bench_user_row(test, fmt, &ours, floor, r);
	bench_ours_deinit(&ours, amd);
}

/*
 * read_and_clear_dirty of bench_dirty_rows[], as kunit/bench/bench.c times
 * it, on a table with dirty tracking: made dirty (or not) with the same
 * decoder, read whole with a NULL iova_bitmap, checked before and after.
 */
static void bench_user_dirty(struct kunit *test, const char *fmt, bool amd)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	struct bench_side ours;
	unsigned int r;

	KUNIT_ASSERT_EQ(test, bench_ours_init_cfg(&ours, amd, true), 0);
	for (r = 0; r != ARRAY_SIZE(bench_dirty_rows); r++) {
		const struct bench_dirty_row *d = &bench_dirty_rows[r];
		u64 len = bench_row_len(&d->row);
		u64 pgsz = 1ULL << d->row.pgsz_lg2;
		u64 want = d->all ? len : 0;
		unsigned long start, end;
		int ret;

		KUNIT_ASSERT_EQ(test,
				bench_map(&ours, BENCH_DIRTY_IOVA,
					  bench_pa(BENCH_DIRTY_IOVA, pgsz), len,
					  BENCH_PROT), 0);
		KUNIT_ASSERT_EQ(test,
				bench_dirty_clear(&ours, BENCH_DIRTY_IOVA, len),
				0);
		KUNIT_ASSERT_EQ(test, amd ? bench_ours_amd_dirty(&ours, false) :
					    bench_ours_arm_dirty(&ours, false),
				0);
		KUNIT_ASSERT_EQ(test, amd ? bench_ours_amd_dirty(&ours, d->all) :
					    bench_ours_arm_dirty(&ours, d->all),
				want);
		KUNIT_ASSERT_EQ(test,
				bench_dirty_reported(&ours, BENCH_DIRTY_IOVA,
						     len, pgsz),
				want);

		CALLGRIND_ZERO_STATS;
		iommu_dirty_bitmap_init(&dirty, NULL, &gather);
		ret = ours.read_and_clear_dirty(&ours, BENCH_DIRTY_IOVA, len, 0,
						&dirty);
		start = gather.start;
		end = gather.end;
		ours.iotlb_sync(&ours, &gather);
		bench_user_dump(fmt, &d->row, "read_and_clear_dirty", 1);

		KUNIT_EXPECT_EQ(test, ret, 0);
		if (d->all) {
			KUNIT_EXPECT_EQ(test, start, BENCH_DIRTY_IOVA);
			KUNIT_EXPECT_EQ(test, end, BENCH_DIRTY_IOVA + len - 1);
		} else {
			KUNIT_EXPECT_LT(test, end, start);
		}
		KUNIT_EXPECT_EQ(test, amd ? bench_ours_amd_dirty(&ours, false) :
					    bench_ours_arm_dirty(&ours, false),
				0);
		KUNIT_ASSERT_EQ(test,
				bench_unmap(&ours, BENCH_DIRTY_IOVA, len), len);
	}
	bench_ours_deinit(&ours, amd);
}

static void bench_user_armv8_4k(struct kunit *test)
{
	bench_user_fmt(test, false);
}

static void bench_user_amdv1(struct kunit *test)
{
	bench_user_fmt(test, true);
}

static void bench_user_armv8_4k_dirty(struct kunit *test)
{
	bench_user_dirty(test, "armv8_4k", false);
}

static void bench_user_amdv1_dirty(struct kunit *test)
{
	bench_user_dirty(test, "amdv1", true);
}

static struct kunit_case bench_user_cases[] = {
	KUNIT_CASE(bench_user_armv8_4k),
	KUNIT_CASE(bench_user_amdv1),
	KUNIT_CASE(bench_user_armv8_4k_dirty),
	KUNIT_CASE(bench_user_amdv1_dirty),
	{}
};

static struct kunit_suite bench_user_suite = {
	.name = "iommu_pt_bench_user",
	.test_cases = bench_user_cases,
};

kunit_test_suite(bench_user_suite);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: read_and_clear_dirty read in chunks, templated per
 * format.
 *
 * iommufd reads dirty state in pieces: one read per area, over a bitmap
 * whose ends the user chooses and which may start or end inside a leaf.
 * The contract (include/linux/generic_pt/iommu.h): every dirty leaf the
 * range touches is reported, clipped to the range, and it is cleared only
 * when all of it lies inside the range, so no chunking ever loses dirty
 * state.
 *
 * A table gets two leaves of every page size of the configuration (as
 * contiguous runs where the format has them), and cuts make some of them
 * smaller. A walker model (the test, storing like the hardware does) sets
 * the dirty bit of one item or of every item of random leaves, and the
 * range is read in chunks of random length and alignment, or in chunks
 * that each start one granule into a leaf. A model of the leaves, taken
 * from the table with the reference decoder of the format's personality,
 * says what every read must report (the hull of the dirty parts inside the
 * chunk, which is what the gather of the dirty bitmap collects) and which
 * leaves it may clear; after every read the dirty bits in the table must
 * be exactly those of the model.
 *
 * Uses the reference walk helpers of kunit/suites/cut.h.
 */
#ifndef __GENERIC_PT_KUNIT_DIRTY_H
#define __GENERIC_PT_KUNIT_DIRTY_H

#define KPT_DIRTY_MAX_LEAVES 1024
/* Leaves up to this size are also cut, which makes many smaller ones */
#define KPT_DIRTY_CUT_MAX_LG2 24
#define KPT_DIRTY_ROUNDS 16
#define KPT_DIRTY_SEED (KPT_SEED ^ 0x6469727479ULL)

#ifdef pt_entry_write_is_dirty

/* One leaf of the model: where it is and whether it is dirty */
struct kpt_dirty_leaf {
	u64 va;
	u64 last;
	void *table;
	unsigned int index;
	unsigned int nitems;
	bool dirty;
};

#ifndef __KERNEL__
/*
 * User space only: the records of one read, as the dirty bitmap gets them
 * (user/include/linux/iommu.h). The kernel's iova_bitmap pins the pages of
 * a user buffer, which a KUnit thread does not have, so the kernel build
 * checks the hull of the records (the gather) only.
 */
#define KPT_DIRTY_MAX_RUNS (KPT_DIRTY_MAX_LEAVES + 1)

struct kpt_dirty_runs {
	unsigned int n;
	bool overflow;
	u64 va[KPT_DIRTY_MAX_RUNS];
	u64 last[KPT_DIRTY_MAX_RUNS];
};

struct kpt_dirty_records {
	struct iova_bitmap bitmap;
	struct kpt_dirty_runs got;
	struct kpt_dirty_runs want;
};
#endif

struct kpt_dirty {
	struct kunit *test;
	const struct kpt_cfg *cfg;
	struct kpt_ctx *ctx;
	u64 lo;
	u64 hi;
	u64 top_pa;
	unsigned int top_level;
	u64 seed;
	unsigned int n;
	bool overflow;
	unsigned int reads;
	unsigned int errors;
	struct kpt_dirty_leaf leaf[KPT_DIRTY_MAX_LEAVES];
#ifndef __KERNEL__
	struct kpt_dirty_records rec;
#endif
};

#ifndef __KERNEL__
static void kpt_dirty_run_add(struct kpt_dirty_runs *r, u64 va, u64 last)
{
	if (r->n == KPT_DIRTY_MAX_RUNS) {
		r->overflow = true;
		return;
	}
	r->va[r->n] = va;
	r->last[r->n] = last;
	r->n++;
}

static void kpt_dirty_record(struct iova_bitmap *bitmap, unsigned long iova,
			     size_t length)
{
	struct kpt_dirty_records *rec =
		container_of(bitmap, struct kpt_dirty_records, bitmap);

	kpt_dirty_run_add(&rec->got, iova, iova + length - 1);
}

/* Sort by first IOVA; merge adjacent and overlapping runs with @merge */
static void kpt_dirty_runs_sort(struct kpt_dirty_runs *r, bool merge)
{
	unsigned int i, j, n = 0;

	for (i = 1; i < r->n; i++)
		for (j = i; j && r->va[j - 1] > r->va[j]; j--) {
			swap(r->va[j - 1], r->va[j]);
			swap(r->last[j - 1], r->last[j]);
		}
	if (!merge)
		return;
	for (i = 0; i < r->n; i++) {
		if (n && r->va[i] <= r->last[n - 1] + 1) {
			r->last[n - 1] = max(r->last[n - 1], r->last[i]);
			continue;
		}
		r->va[n] = r->va[i];
		r->last[n] = r->last[i];
		n++;
	}
	r->n = n;
}

/*
 * The records of the read of [a, b] set exactly the dirty bytes inside it,
 * the parts of the dirty leaves there, and each run of adjacent dirty
 * leaves is one record: read_and_clear_dirty coalesces them.
 */
static void kpt_dirty_check_records(struct kpt_dirty *d, u64 a, u64 b)
{
	struct kpt_dirty_records *rec = &d->rec;
	unsigned int i;

	if (rec->got.overflow || rec->want.overflow) {
		KUNIT_FAIL(d->test, "%s: read of [%llx, %llx]: too many records",
			   d->cfg->name, a, b);
		d->errors++;
		return;
	}
	kpt_dirty_runs_sort(&rec->got, false);
	kpt_dirty_runs_sort(&rec->want, true);
	for (i = 0; i != max(rec->got.n, rec->want.n); i++) {
		if (i < rec->got.n && i < rec->want.n &&
		    rec->got.va[i] == rec->want.va[i] &&
		    rec->got.last[i] == rec->want.last[i])
			continue;
		KUNIT_FAIL(d->test,
			   "%s: read of [%llx, %llx]: record %u of %u is [%llx, %llx], want %u of %u: [%llx, %llx]",
			   d->cfg->name, a, b, i, rec->got.n,
			   i < rec->got.n ? rec->got.va[i] : 0,
			   i < rec->got.n ? rec->got.last[i] : 0, i,
			   rec->want.n, i < rec->want.n ? rec->want.va[i] : 0,
			   i < rec->want.n ? rec->want.last[i] : 0);
		d->errors++;
		return;
	}
}
#endif

/* Whether any item of the leaf has the dirty bit, in table memory */
static bool kpt_dirty_in_table(const struct kpt_dirty_leaf *l)
{
	unsigned int i;

	for (i = 0; i != l->nitems; i++)
		if (kpt_ref_dirty(kpt_cut_read(l->table, l->index + i)))
			return true;
	return false;
}

/* Every leaf inside [lo, hi], as the hardware decodes the words */
static void kpt_dirty_collect(struct kpt_dirty *d, unsigned int level,
			      void *table, u64 va)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int i, items = 1U << (level == d->top_level ?
				       kpt_ref_top_items_lg2(d->cfg, level) :
				       kpt_ref_items_lg2(level));
	struct kpt_ref_entry ent;

	for (i = 0; i < items; i += max(ent.nitems, 1U)) {
		u64 item_va = va + ((u64)i << isz_lg2);

		ent.nitems = 1;
		if (isz_lg2 + ilog2(items) > 64 && (i >> (64 - isz_lg2)))
			break;
		if (level == d->top_level)
			item_va = kpt_ref_va_of(d->cfg, item_va);
		if (item_va + kpt_max(isz_lg2) < d->lo || item_va > d->hi)
			continue;
		kpt_ref_hw_decode(level, kpt_cut_read(table, i), &ent);
		if (ent.type == KPT_REF_TABLE) {
			kpt_dirty_collect(d, level - 1, phys_to_virt(ent.oa),
					  item_va);
			continue;
		}
		if (ent.type != KPT_REF_LEAF)
			continue;
		if (d->n == KPT_DIRTY_MAX_LEAVES) {
			d->overflow = true;
			return;
		}
		/* The word of any item tells the size; start at the first */
		i &= ~(ent.nitems - 1);
		d->leaf[d->n].va = item_va & ~kpt_max(ent.size_lg2);
		d->leaf[d->n].last = d->leaf[d->n].va + kpt_max(ent.size_lg2);
		d->leaf[d->n].table = table;
		d->leaf[d->n].index = i;
		d->leaf[d->n].nitems = ent.nitems;
		/* Where map presets the dirty state, as the table has it */
		d->leaf[d->n].dirty = kpt_dirty_in_table(&d->leaf[d->n]);
		d->n++;
	}
}

/* The walker writes through the leaf: one item's bit, or every item's */
static void kpt_dirty_touch(struct kpt_dirty *d, struct kpt_dirty_leaf *l)
{
	unsigned int i;

	if (l->nitems > 1 && kpt_rand(&d->seed) & 1) {
		i = kpt_rand_range(&d->seed, 0, l->nitems - 1);
		kpt_cut_touch(l->table, l->index + i);
	} else {
		for (i = 0; i != l->nitems; i++)
			kpt_cut_touch(l->table, l->index + i);
	}
	l->dirty = true;
}

/* One read of [a, b], checked against the model, which it then updates */
static void kpt_dirty_read(struct kpt_dirty *d, u64 a, u64 b,
			   unsigned long flags)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap bitmap;
	struct iova_bitmap *records = NULL;
	u64 want_start = U64_MAX, want_end = 0;
	unsigned int i;
	int ret;

#ifndef __KERNEL__
	d->rec.bitmap.set = kpt_dirty_record;
	d->rec.got.n = 0;
	d->rec.got.overflow = false;
	d->rec.want.n = 0;
	d->rec.want.overflow = false;
	records = &d->rec.bitmap;
#endif
	for (i = 0; i != d->n; i++) {
		const struct kpt_dirty_leaf *l = &d->leaf[i];

		if (!l->dirty || l->last < a || l->va > b)
			continue;
		want_start = min(want_start, max(l->va, a));
		want_end = max(want_end, min(l->last, b));
#ifndef __KERNEL__
		kpt_dirty_run_add(&d->rec.want, max(l->va, a), min(l->last, b));
#endif
	}

	d->reads++;
	iommu_dirty_bitmap_init(&bitmap, records, &gather);
	ret = KPT_OP(read_and_clear_dirty)(kpt_domain(d->ctx), a, b - a + 1,
					   flags, &bitmap);
#ifndef __KERNEL__
	kpt_dirty_check_records(d, a, b);
#endif
	KUNIT_EXPECT_EQ_MSG(d->test, ret, 0, "%s: read of [%llx, %llx]",
			    d->cfg->name, a, b);
	if (want_start > want_end) {
		if (gather.start <= gather.end) {
			KUNIT_FAIL(d->test,
				   "%s: read of [%llx, %llx] reported [%llx, %llx], nothing is dirty there",
				   d->cfg->name, a, b, (u64)gather.start,
				   (u64)gather.end);
			d->errors++;
		}
	} else if (gather.start != want_start || gather.end != want_end) {
		KUNIT_FAIL(d->test,
			   "%s: read of [%llx, %llx] reported [%llx, %llx], dirty there: [%llx, %llx]",
			   d->cfg->name, a, b, (u64)gather.start,
			   (u64)gather.end, want_start, want_end);
		d->errors++;
	}

	/* Cleared: the leaves wholly inside, unless told not to */
	for (i = 0; i != d->n; i++) {
		struct kpt_dirty_leaf *l = &d->leaf[i];

		if (!(flags & IOMMU_DIRTY_NO_CLEAR) && l->va >= a &&
		    l->last <= b)
			l->dirty = false;
	}
	for (i = 0; i != d->n; i++) {
		struct kpt_dirty_leaf *l = &d->leaf[i];
		bool now = kpt_dirty_in_table(l);

		if (now == l->dirty)
			continue;
		if (d->errors++ < 4)
			KUNIT_FAIL(d->test,
				   "%s: after a read of [%llx, %llx]%s, leaf [%llx, %llx] is %s, want %s",
				   d->cfg->name, a, b,
				   flags & IOMMU_DIRTY_NO_CLEAR ?
					   " (no clear)" : "",
				   l->va, l->last, now ? "dirty" : "clean",
				   l->dirty ? "dirty (dirty state lost)" :
					      "clean");
		/* Report each lost leaf once */
		l->dirty = now;
	}
}

/* Read all of [lo, hi] in chunks starting at the sorted points @pts */
static void kpt_dirty_chunks(struct kpt_dirty *d, u64 *pts, unsigned int n,
			     unsigned long flags)
{
	u64 a = d->lo;
	unsigned int i;

	for (i = 0; i <= n; i++) {
		u64 b = i == n ? d->hi : pts[i] - 1;

		if (b < a || (i < n && pts[i] <= a))
			continue;
		kpt_dirty_read(d, a, b, flags);
		a = b + 1;
	}
}

/* Sort the few chunk points */
static void kpt_dirty_sort(u64 *pts, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j && pts[j - 1] > pts[j]; j--)
			swap(pts[j - 1], pts[j]);
}

/* The leaves: two of every size, the second of each cut at a random granule */
static void kpt_dirty_fill(struct kpt_dirty *d)
{
	const struct kpt_cfg *cfg = d->cfg;
	struct kpt_span spans[KPT_MAX_SPANS];
	u64 sizes = kpt_ref_pgsize_bitmap(cfg);
	u64 g = d->ctx->min_pgsize;
	unsigned int lg2;

	kpt_ref_spans(cfg, spans);
	d->lo = U64_MAX;
	d->hi = 0;
	for (lg2 = 0; lg2 != 64; lg2++) {
		u64 size = BIT_ULL(lg2);
		/* [2 size, 4 size) at an OA aligned to the size only */
		u64 va = spans[0].first + 2 * size;
		u64 pa = 3 * size;
		int ret;

		if (!(sizes & size) || lg2 + 2 > spans[0].lg2 ||
		    lg2 + 3 > cfg->oasz_lg2)
			continue;
		if (kpt_map_ok(d->ctx, va, pa, 2 * size,
			       IOMMU_READ | IOMMU_WRITE))
			continue;
		d->lo = min(d->lo, va);
		d->hi = max(d->hi, va + 2 * size - 1);
		if (size == g || lg2 > KPT_DIRTY_CUT_MAX_LG2)
			continue;
		ret = KPT_OP(cut_mapping)(&d->ctx->table.iommu,
					  va + size + g *
					  kpt_rand_range(&d->seed, 1,
							 kpt_div(size, g) - 1),
					  GFP_KERNEL);
		KUNIT_EXPECT_EQ_MSG(d->test, ret, 0, "%s: cut of a 2^%u leaf",
				    cfg->name, lg2);
	}
}

static void kpt_dirty_test_chunks(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	u64 pts[12];
	struct kpt_dirty *d;
	unsigned int round, i, n;
	unsigned long flags;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->test = test;
	d->cfg = cfg;
	d->seed = KPT_DIRTY_SEED;
	d->ctx = kpt_ctx_new(test, cfg);
	kpt_dirty_fill(d);
	KUNIT_ASSERT_LT(test, d->lo, d->hi);
	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&d->ctx->table, &d->top_pa,
					  &d->top_level), 0);
	kpt_dirty_collect(d, d->top_level, phys_to_virt(d->top_pa), 0);
	KUNIT_ASSERT_FALSE(test, d->overflow);

	for (round = 0; round != KPT_DIRTY_ROUNDS && d->errors < 4; round++) {
		for (i = 0; i != d->n; i++)
			if (!(kpt_rand(&d->seed) % 3))
				kpt_dirty_touch(d, &d->leaf[i]);
		flags = kpt_rand(&d->seed) % 5 ? 0 : IOMMU_DIRTY_NO_CLEAR;
		if (round % 4 == 3) {
			/* Chunks that start a granule into a leaf */
			for (i = 0; i < d->n; i += d->n / 8 + 1) {
				const struct kpt_dirty_leaf *l = &d->leaf[i];
				u64 g = d->ctx->min_pgsize;

				if (l->last - l->va < g) {
					kpt_dirty_read(d, l->va, l->last, flags);
					continue;
				}
				kpt_dirty_read(d, l->va + g, l->last, flags);
				kpt_dirty_read(d, l->va, l->va + g - 1, flags);
			}
			continue;
		}
		/* Random granules, so random lengths and alignments */
		n = kpt_rand_range(&d->seed, 1, ARRAY_SIZE(pts));
		for (i = 0; i != n; i++)
			pts[i] = d->lo + d->ctx->min_pgsize *
				 kpt_rand_range(&d->seed, 1,
						kpt_div(d->hi - d->lo,
							d->ctx->min_pgsize));
		kpt_dirty_sort(pts, n);
		kpt_dirty_chunks(d, pts, n, flags);
	}

	/* One read of everything reports all that is dirty and clears it */
	kpt_dirty_read(d, d->lo, d->hi, 0);
	for (i = 0; i != d->n; i++)
		KUNIT_EXPECT_FALSE(test, kpt_dirty_in_table(&d->leaf[i]));
	kunit_info(test, "%s: %u leaves, %u reads", cfg->name, d->n,
		   d->reads);
	kpt_ctx_free(d->ctx);
	kfree(d);
}

static struct kunit_case kpt_dirty_cases[] = {
	KUNIT_CASE(kpt_dirty_test_chunks),
	{}
};
#else
static void kpt_dirty_test_chunks(struct kunit *test)
{
	kunit_skip(test, "the format has no dirty tracking");
}

static struct kunit_case kpt_dirty_cases[] = {
	KUNIT_CASE(kpt_dirty_test_chunks),
	{}
};
#endif

static int kpt_dirty_init(struct kunit *test)
{
	if (!kpt_any_cfg_fits_ulong())
		kunit_skip(test, "needs 64-bit IOVAs");
	if (!kpt_cut_cfg())
		kunit_skip(test, "no configuration that cuts every leaf");
	if (!kpt_ref_has_dirty(kpt_cut_cfg()))
		kunit_skip(test, "the configuration keeps no dirty state");
	return 0;
}

static struct kunit_suite kpt_dirty_suite = {
	.name = KPT_SUITE_NAME("dirty"),
	.init = kpt_dirty_init,
	.test_cases = kpt_dirty_cases,
};

kunit_test_suite(kpt_dirty_suite);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of Generic PT against the kernel tree's own page tables, run as
 * a KUnit suite on UML, where kernel code runs natively on the host CPU:
 *
 *  - armv8_4k (ARM LPAE stage 1, 4K granule) against io-pgtable-arm
 *    ARM_64_LPAE_S1;
 *  - amdv1 against the AMD v1 io_pgtable.c (kunit/bench/amd_v612.c);
 *  - a memset64() of as many 64-bit entries as the map writes, the floor;
 *  - read_and_clear_dirty of 1 GiB, on a second pair of tables set up for
 *    dirty tracking (io-pgtable-arm with IO_PGTABLE_QUIRK_ARM_HD and ours
 *    with PT_FEAT_ARMV8_DBM; AMD v1 always tracks it).
 *
 * Every side is driven as the iommu core drives a domain (kunit/bench/bench.h).
 * The sides take turns inside every repetition, in a rotating order, so the
 * noise of the machine falls on all of them alike; the medians and the 10th
 * and 90th percentiles are printed as "iommu_pt_bench:" lines that
 * scripts/bench_report.py turns into a table, a CSV file and a chart.
 *
 * After every map both sides must translate the mapped ranges to the same
 * physical addresses, and after every unmap to nothing; anything else fails
 * the test, so a broken path is never timed.
 */
#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/generic_pt/iommu.h>

#include "../../../iommu-pages.h"
#include "bench.h"
#include "ours.h"
#include "amd_v612.h"

static unsigned int reps = 41;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Repetitions of every row (the median is reported)");

/* The floor's memset64() is repeated this many times more than the batch */
#define BENCH_FLOOR_REPEAT 16

/*
 * The clock. UML's clocksource counts in units of 256 ns, too coarse for
 * single operations: on an x86 host the TSC is read directly and converted
 * with a calibration against ktime at the start.
 */
#ifdef CONFIG_UML_X86
static u64 bench_tsc_cal_cycles, bench_tsc_cal_ns;

static inline u64 bench_clock(void)
{
	u32 lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

static void bench_clock_calibrate(void)
{
	u64 c0, c1, t0, t1;

	t0 = ktime_get_ns();
	c0 = bench_clock();
	do {
		t1 = ktime_get_ns();
	} while (t1 - t0 < 20 * NSEC_PER_MSEC);
	c1 = bench_clock();
	bench_tsc_cal_cycles = c1 - c0;
	bench_tsc_cal_ns = t1 - t0;
	pr_info("iommu_pt_bench: clocksource,tsc,%llu cycles in %llu ns\n",
		bench_tsc_cal_cycles, bench_tsc_cal_ns);
}

/* Picoseconds of a clock interval */
static u64 bench_clock_ps(u64 delta)
{
	return div64_u64(delta * bench_tsc_cal_ns * 1000,
			 bench_tsc_cal_cycles);
}
#else
static inline u64 bench_clock(void)
{
	return ktime_get_ns();
}

static void bench_clock_calibrate(void)
{
	pr_info("iommu_pt_bench: clocksource,ktime,1 ns\n");
}

static u64 bench_clock_ps(u64 delta)
{
	return delta * 1000;
}
#endif

enum { BENCH_OURS, BENCH_THEIRS, BENCH_FLOOR, BENCH_NSIDES };
static const char *const bench_side_names[] = { "ours", "theirs", "floor" };

/* io-pgtable-arm, set up as arm-smmu-v3 sets up a stage 1 domain */
struct bench_arm {
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops *ops;
};

static struct bench_arm *bench_arm(struct bench_side *side)
{
	return side->priv;
}

/* arm-smmu-v3 only records the page in the gather here */
static void bench_arm_tlb_add_page(struct iommu_iotlb_gather *gather,
				   unsigned long iova, size_t granule,
				   void *cookie)
{
	iommu_iotlb_gather_add_range(gather, iova, granule);
}

static const struct iommu_flush_ops bench_arm_flush_ops = {
	.tlb_add_page = bench_arm_tlb_add_page,
};

static int bench_arm_map_pages(struct bench_side *side, unsigned long iova,
			       phys_addr_t paddr, size_t pgsize,
			       size_t pgcount, int prot, gfp_t gfp,
			       size_t *mapped)
{
	struct io_pgtable_ops *ops = bench_arm(side)->ops;

	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, gfp,
			      mapped);
}

static size_t bench_arm_unmap_pages(struct bench_side *side,
				    unsigned long iova, size_t pgsize,
				    size_t pgcount,
				    struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = bench_arm(side)->ops;

	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

static phys_addr_t bench_arm_iova_to_phys(struct bench_side *side,
					  unsigned long iova)
{
	struct io_pgtable_ops *ops = bench_arm(side)->ops;

	return ops->iova_to_phys(ops, iova);
}

/* arm_smmu_read_and_clear_dirty(): the page table's walk */
static int bench_arm_read_and_clear_dirty(struct bench_side *side,
					  unsigned long iova, size_t size,
					  unsigned long flags,
					  struct iommu_dirty_bitmap *dirty)
{
	struct io_pgtable_ops *ops = bench_arm(side)->ops;

	if (!ops->read_and_clear_dirty)
		return -EOPNOTSUPP;
	return ops->read_and_clear_dirty(ops, iova, size, flags, dirty);
}

/*
 * With @hd, as arm-smmu-v3 sets up a domain allocated with dirty tracking
 * on an SMMU with HTTU: IO_PGTABLE_QUIRK_ARM_HD (CD.HD set)
 */
static int bench_arm_init(struct bench_side *side, bool hd)
{
	struct bench_arm *arm;

	arm = kzalloc(sizeof(*arm), GFP_KERNEL);
	if (!arm)
		return -ENOMEM;
	arm->cfg = (struct io_pgtable_cfg) {
		.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		.ias = 48,
		.oas = 48,
		.coherent_walk = true,
		.tlb = &bench_arm_flush_ops,
		.quirks = hd ? IO_PGTABLE_QUIRK_ARM_HD : 0,
	};
	arm->ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &arm->cfg, arm);
	if (!arm->ops) {
		kfree(arm);
		return -ENOMEM;
	}
	side->name = "theirs";
	side->priv = arm;
	side->pgsize_bitmap = arm->cfg.pgsize_bitmap;
	side->map_pages = bench_arm_map_pages;
	side->unmap_pages = bench_arm_unmap_pages;
	side->iova_to_phys = bench_arm_iova_to_phys;
	side->iotlb_sync = bench_iotlb_sync;
	side->read_and_clear_dirty = bench_arm_read_and_clear_dirty;
	return 0;
}

static void bench_arm_deinit(struct bench_side *side)
{
	free_io_pgtable_ops(bench_arm(side)->ops);
	kfree(bench_arm(side));
}

/*
 * Count the tables of an LPAE stage 1 4K-granule walk from lookup level
 * @lvl (0 to 3), decoding descriptors from the ARM ARM rather than with
 * io-pgtable-arm: bits 1:0 = 0b11 below level 3 point at a table whose
 * address is bits 47:12.
 */
static size_t bench_arm_count_tables(const u64 *table, unsigned int lvl)
{
	size_t n = 1;
	unsigned int i;

	if (lvl == 3)
		return n;
	for (i = 0; i != 512; i++) {
		u64 d = READ_ONCE(table[i]);

		if ((d & 3) == 3)
			n += bench_arm_count_tables(phys_to_virt(d & GENMASK_ULL(47, 12)),
						    lvl + 1);
	}
	return n;
}

/* 48-bit IAS with 4K granule: the walk starts at level 0, TTBR0 */
static size_t bench_arm_table_bytes(struct bench_side *side)
{
	u64 ttbr = bench_arm(side)->cfg.arm_lpae_s1_cfg.ttbr;

	return bench_arm_count_tables(phys_to_virt(ttbr & GENMASK_ULL(47, 12)),
				      0) * SZ_4K;
}

/* Ours, with the same decoders as theirs */
static size_t bench_ours_arm_bytes(struct bench_side *side)
{
	struct pt_iommu_armv8_hw_info info;

	pt_iommu_armv8_4k_hw_info(&bench_ours(side)->armv8, &info);
	return bench_arm_count_tables(phys_to_virt(info.ttbr &
						   GENMASK_ULL(47, 12)),
				      0) * SZ_4K;
}

static size_t bench_ours_amd_bytes(struct bench_side *side)
{
	struct pt_iommu_amdv1_hw_info info;

	pt_iommu_amdv1_hw_info(&bench_ours(side)->amdv1, &info);
	return bench_amd_count_tables(phys_to_virt(info.host_pt_root),
				      info.mode) * SZ_4K;
}

/* Dirty bytes of io-pgtable-arm's table from TTBR0 (bench_arm_dirty()) */
static u64 bench_arm_theirs_dirty(struct bench_side *side, bool set)
{
	u64 ttbr = bench_arm(side)->cfg.arm_lpae_s1_cfg.ttbr;

	return bench_arm_dirty(phys_to_virt(ttbr & GENMASK_ULL(47, 12)), 0, set);
}

/* Bytes of table memory of one side, counted from its root */
typedef size_t (*bench_bytes_fn)(struct bench_side *side);
/* Dirty bytes of a side's table, writable leaves made dirty first if @set */
typedef u64 (*bench_dirty_fn)(struct bench_side *side, bool set);

struct bench_fmt {
	const char *name;
	bool amd;
	struct bench_side sides[2];
	bench_bytes_fn table_bytes[2];
};

struct bench_ctx {
	struct kunit *test;
	struct bench_fmt *fmt;
	u64 *floor;
	/* per repetition, picoseconds per operation */
	u64 *samples[BENCH_NSIDES][8];
	unsigned long *lookups;
	phys_addr_t lookups_want;
};

/*
 * Sample slots of a row: map, unmap, iova_to_phys, map's read-only walk
 * alone and a map that needs it (see bench_time_walk()); and of the rows of
 * bench_use_rows[]: a map, unmap and sync of one page (see bench_time_dma())
 * and a cut against an unmap and remap (see bench_time_cut()); and of the
 * rows of bench_dirty_rows[]: read_and_clear_dirty (see bench_time_dirty())
 */
enum {
	BENCH_MAP, BENCH_UNMAP, BENCH_LOOKUP, BENCH_PRECHECK, BENCH_MAP_WALK,
	BENCH_DMA, BENCH_CUT, BENCH_DIRTY
};

static const char *const bench_op_names[] = { "map", "unmap", "iova_to_phys",
					      "walk", "map+walk",
					      "map+unmap+sync",
					      "cut (theirs: unmap+remap)",
					      "read_and_clear_dirty" };

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_print(struct bench_ctx *ctx, const struct bench_row *row,
			unsigned int op, unsigned int side, size_t entries)
{
	u64 *s = ctx->samples[side][op];
	u64 med, lo, hi;

	sort(s, reps, sizeof(*s), bench_cmp_u64, NULL);
	med = s[reps / 2];
	lo = s[reps / 10];
	hi = s[reps - 1 - reps / 10];
	pr_info("iommu_pt_bench: time,%s,%s,%s,%s,%zu,%llu.%03llu,%llu.%03llu,%llu.%03llu,%u\n",
		ctx->fmt->name, row->name, bench_op_names[op],
		bench_side_names[side], entries, med / 1000, med % 1000,
		lo / 1000, lo % 1000, hi / 1000, hi % 1000, reps);
}

/* Picoseconds per operation of a batch that took @delta clock units */
static u64 bench_ps(u64 delta, unsigned int nops)
{
	return div_u64(bench_clock_ps(delta), nops);
}

static u64 bench_time_map(struct bench_ctx *ctx, unsigned int r,
			  unsigned int side)
{
	const struct bench_row *row = &bench_rows[r];
	size_t entries = bench_row_entries(row);
	u64 pattern = bench_row_paddr(r, 0) | 0x403;
	unsigned int i, n = row->batch;
	u64 t0, t1;
	int ret = 0;

	if (side == BENCH_FLOOR)
		n *= BENCH_FLOOR_REPEAT;
	t0 = bench_clock();
	for (i = 0; i != n; i++) {
		if (side == BENCH_FLOOR)
			memset64(ctx->floor, pattern, entries);
		else
			ret |= bench_map(&ctx->fmt->sides[side],
					 bench_row_iova(r, i),
					 bench_row_paddr(r, i),
					 bench_row_len(row), BENCH_PROT);
	}
	t1 = bench_clock();
	KUNIT_EXPECT_EQ_MSG(ctx->test, ret, 0, "%s %s: map failed",
			    ctx->fmt->name, row->name);
	return bench_ps(t1 - t0, n);
}

static u64 bench_time_unmap(struct bench_ctx *ctx, unsigned int r,
			    unsigned int side)
{
	const struct bench_row *row = &bench_rows[r];
	size_t entries = bench_row_entries(row);
	bool short_unmap = false;
	unsigned int i, n = row->batch;
	u64 t0, t1;

	if (side == BENCH_FLOOR)
		n *= BENCH_FLOOR_REPEAT;
	t0 = bench_clock();
	for (i = 0; i != n; i++) {
		if (side == BENCH_FLOOR)
			memset64(ctx->floor, 0, entries);
		else
			short_unmap |= bench_unmap(&ctx->fmt->sides[side],
						   bench_row_iova(r, i),
						   bench_row_len(row)) !=
				       bench_row_len(row);
	}
	t1 = bench_clock();
	KUNIT_EXPECT_FALSE_MSG(ctx->test, short_unmap, "%s %s: short unmap",
			       ctx->fmt->name, row->name);
	return bench_ps(t1 - t0, n);
}

/*
 * The cost of map's read-only walk, which refuses an overlap before anything
 * is written. A map checks each level before writing to it instead when that
 * is enough (one table item passed through, or all items empty); a range
 * across two existing leaf tables needs the walk. On such a range, with
 * pages mapped just outside it to keep both tables:
 *  - "map+walk": a map that needs the walk, then maps;
 *  - "walk": the same with its last page mapped: the walk covers the whole
 *    range and refuses it with -EADDRINUSE, having written nothing.
 */
struct bench_walk {
	unsigned long iova;
	unsigned long guard[2];
	u64 len;
	u64 pgsz;
};

static void bench_walk_setup(struct bench_ctx *ctx, unsigned int r,
			     struct bench_walk *w)
{
	const struct bench_row *row = &bench_rows[r];
	/* The IOVA span of the table holding such pages: 512 of them */
	u64 span = 512ULL << row->pgsz_lg2;
	unsigned long base = bench_row_iova(r, row->batch);
	unsigned int i, side;

	w->pgsz = 1ULL << row->pgsz_lg2;
	w->len = bench_row_len(row);
	w->iova = base + span - w->len / 2;
	w->guard[0] = base;
	w->guard[1] = base + 2 * span - w->pgsz;
	/* On both sides, so that their table memory compares like for like */
	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		for (i = 0; i != ARRAY_SIZE(w->guard); i++)
			KUNIT_EXPECT_EQ(ctx->test,
					bench_map(&ctx->fmt->sides[side],
						  w->guard[i],
						  bench_pa(w->guard[i], w->pgsz),
						  w->pgsz, BENCH_PROT), 0);
}

static void bench_walk_teardown(struct bench_ctx *ctx, struct bench_walk *w)
{
	unsigned int i, side;

	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		for (i = 0; i != ARRAY_SIZE(w->guard); i++)
			KUNIT_EXPECT_EQ(ctx->test,
					bench_unmap(&ctx->fmt->sides[side],
						    w->guard[i], w->pgsz),
					w->pgsz);
}

static void bench_time_walk(struct bench_ctx *ctx, struct bench_walk *w,
			    unsigned int slot)
{
	struct bench_side *ours = &ctx->fmt->sides[BENCH_OURS];
	unsigned long last = w->iova + w->len - w->pgsz;
	phys_addr_t pa = bench_pa(w->iova, w->pgsz);
	u64 t0, t1;
	int ret;

	KUNIT_EXPECT_EQ(ctx->test,
			bench_map(ours, last, pa + w->len - w->pgsz, w->pgsz,
				  BENCH_PROT), 0);
	t0 = bench_clock();
	ret = bench_map(ours, w->iova, pa, w->len, BENCH_PROT);
	t1 = bench_clock();
	KUNIT_EXPECT_EQ(ctx->test, ret, -EADDRINUSE);
	ctx->samples[BENCH_OURS][BENCH_PRECHECK][slot] = bench_clock_ps(t1 - t0);
	KUNIT_EXPECT_EQ(ctx->test, bench_unmap(ours, last, w->pgsz), w->pgsz);

	t0 = bench_clock();
	ret = bench_map(ours, w->iova, pa, w->len, BENCH_PROT);
	t1 = bench_clock();
	KUNIT_EXPECT_EQ(ctx->test, ret, 0);
	ctx->samples[BENCH_OURS][BENCH_MAP_WALK][slot] = bench_clock_ps(t1 - t0);
	KUNIT_EXPECT_EQ(ctx->test, ours->iova_to_phys(ours, last + 8),
			pa + w->len - w->pgsz + 8);
	KUNIT_EXPECT_EQ(ctx->test, bench_unmap(ours, w->iova, w->len), w->len);
}

static u64 bench_time_lookups(struct bench_ctx *ctx, unsigned int side)
{
	struct bench_side *s = &ctx->fmt->sides[side];
	phys_addr_t sum = 0;
	unsigned int i;
	u64 t0, t1;

	t0 = bench_clock();
	for (i = 0; i != BENCH_LOOKUPS; i++)
		sum += s->iova_to_phys(s, ctx->lookups[i]);
	t1 = bench_clock();
	KUNIT_EXPECT_EQ_MSG(ctx->test, sum, ctx->lookups_want,
			    "%s: %s lookups", ctx->fmt->name,
			    bench_side_names[side]);
	return bench_ps(t1 - t0, BENCH_LOOKUPS);
}

/*
 * Both sides translate the first, last and a middle page of every range of
 * the batch to the expected address, or nothing when @mapped is false.
 */
static bool bench_check(struct bench_ctx *ctx, unsigned int r, bool mapped)
{
	const struct bench_row *row = &bench_rows[r];
	u64 pgsz = 1ULL << row->pgsz_lg2;
	unsigned int i, side, k;

	for (i = 0; i != row->batch; i++) {
		u64 offs[] = { 0, (row->count / 2) * pgsz + pgsz / 2 + 8,
			       bench_row_len(row) - 1 };

		for (k = 0; k != ARRAY_SIZE(offs); k++) {
			unsigned long iova = bench_row_iova(r, i) + offs[k];
			phys_addr_t want = mapped ?
				bench_row_paddr(r, i) + offs[k] : 0;

			for (side = BENCH_OURS; side <= BENCH_THEIRS; side++) {
				struct bench_side *s = &ctx->fmt->sides[side];
				phys_addr_t got = s->iova_to_phys(s, iova);

				if (got == want)
					continue;
				KUNIT_FAIL(ctx->test,
					   "%s %s: %s translates %#lx to %pa, not %pa",
					   ctx->fmt->name, row->name, s->name,
					   iova, &got, &want);
				return false;
			}
		}
	}
	return true;
}

static void bench_mem(struct bench_ctx *ctx, const struct bench_row *row,
		      const char *when)
{
	struct bench_fmt *fmt = ctx->fmt;

	pr_info("iommu_pt_bench: mem,%s,%s,%s,%zu,%zu\n", fmt->name,
		row->name, when,
		fmt->table_bytes[BENCH_OURS](&fmt->sides[BENCH_OURS]),
		fmt->table_bytes[BENCH_THEIRS](&fmt->sides[BENCH_THEIRS]));
}

static void bench_row(struct bench_ctx *ctx, unsigned int r)
{
	const struct bench_row *row = &bench_rows[r];
	bool lookups = r == BENCH_ROW_1G_4K;
	bool precheck = row->count > 1 && row->count <= 256;
	struct bench_walk walk;
	unsigned int rep, k, side;

	if (precheck)
		bench_walk_setup(ctx, r, &walk);
	bench_mem(ctx, row, "before");
	/* One repetition more, the first, to warm up and not counted */
	for (rep = 0; rep <= reps; rep++) {
		unsigned int slot = rep ? rep - 1 : 0;

		for (k = 0; k != BENCH_NSIDES; k++) {
			side = (k + rep) % BENCH_NSIDES;
			ctx->samples[side][BENCH_MAP][slot] =
				bench_time_map(ctx, r, side);
		}
		if (!bench_check(ctx, r, true))
			return;
		if (!rep)
			bench_mem(ctx, row, "mapped");
		for (k = 0; lookups && k != 2; k++) {
			side = (k + rep) % 2;
			ctx->samples[side][BENCH_LOOKUP][slot] =
				bench_time_lookups(ctx, side);
		}
		for (k = 0; k != BENCH_NSIDES; k++) {
			side = (k + rep) % BENCH_NSIDES;
			ctx->samples[side][BENCH_UNMAP][slot] =
				bench_time_unmap(ctx, r, side);
		}
		if (!bench_check(ctx, r, false))
			return;
		if (!rep)
			bench_mem(ctx, row, "unmapped");
		if (precheck)
			bench_time_walk(ctx, &walk, slot);
	}
	if (precheck)
		bench_walk_teardown(ctx, &walk);

	for (side = 0; side != BENCH_NSIDES; side++) {
		bench_print(ctx, row, BENCH_MAP, side, bench_row_entries(row));
		bench_print(ctx, row, BENCH_UNMAP, side,
			    bench_row_entries(row));
	}
	if (lookups) {
		bench_print(ctx, row, BENCH_LOOKUP, BENCH_OURS, 1);
		bench_print(ctx, row, BENCH_LOOKUP, BENCH_THEIRS, 1);
	}
	if (precheck) {
		bench_print(ctx, row, BENCH_MAP_WALK, BENCH_OURS,
			    bench_row_entries(row));
		bench_print(ctx, row, BENCH_PRECHECK, BENCH_OURS,
			    bench_row_entries(row));
	}
}

/*
 * Rows for what users run, in the 64 GiB window after bench_rows[]:
 *
 *  - "dma": the DMA API under iommu.strict=1, per I/O: iommu_map() of one
 *    buffer, iommu_unmap() and the IOTLB sync, on the batch's ranges of one
 *    leaf table in turn (its tables stay: nothing is allocated in the loop);
 *  - "cut": a leaf cut at a 4K boundary past its middle, so that both sides
 *    of the cut can be unmapped on their own. Ours is cut_mapping, which is
 *    hitless; theirs is what a driver on the 6.12 table does instead, and
 *    which is not: unmap the leaf and map the two parts again (iommu_map()
 *    choosing the page sizes). Both are restored, untimed, after each
 *    repetition. The 64K row cuts a contiguous run (AMD v1's 64K page,
 *    armv8's contiguous hint; io-pgtable-arm maps the range as 16 pages).
 */
struct bench_use_row {
	struct bench_row row;
	unsigned int op;
};

static const struct bench_use_row bench_use_rows[] = {
	{ { "1 x 4K dma", 12, 1, 64, 12 }, BENCH_DMA },
	{ { "1 x 64K dma", 16, 1, 64, 12 }, BENCH_DMA },
	{ { "cut 1G at 4K", 30, 1, 1, 30 }, BENCH_CUT },
	{ { "cut 2M at 4K", 21, 1, 8, 21 }, BENCH_CUT },
	{ { "cut 64K at 4K", 16, 1, 8, 12 }, BENCH_CUT },
};

/* Row @u's range @i: 4 GiB apart from the next row's, 1G-aligned */
static unsigned long bench_use_iova(unsigned int u, unsigned int i)
{
	return ((unsigned long)ARRAY_SIZE(bench_rows) << BENCH_WINDOW_LG2) +
	       ((unsigned long)u << 32) +
	       i * 2 * bench_row_len(&bench_use_rows[u].row);
}

/* Where a cut of row @u's range @i falls: a 4K page past its middle */
static unsigned long bench_use_cut(unsigned int u, unsigned int i)
{
	return bench_use_iova(u, i) + bench_row_len(&bench_use_rows[u].row) / 2 +
	       SZ_4K;
}

static u64 bench_time_dma(struct bench_ctx *ctx, unsigned int u,
			  unsigned int side)
{
	const struct bench_row *row = &bench_use_rows[u].row;
	struct bench_side *s = &ctx->fmt->sides[side];
	u64 len = bench_row_len(row), t0, t1;
	unsigned int i;
	bool bad = false;

	t0 = bench_clock();
	for (i = 0; i != row->batch; i++) {
		unsigned long iova = bench_use_iova(u, i);

		bad |= bench_map(s, iova, bench_pa(iova, len), len,
				 BENCH_PROT) != 0;
		bad |= bench_unmap(s, iova, len) != len;
	}
	t1 = bench_clock();
	KUNIT_EXPECT_FALSE_MSG(ctx->test, bad, "%s %s: %s failed",
			       ctx->fmt->name, row->name, s->name);
	return bench_ps(t1 - t0, row->batch);
}

/* Map every range of cut row @u whole, on both sides */
static bool bench_cut_setup(struct bench_ctx *ctx, unsigned int u)
{
	const struct bench_row *row = &bench_use_rows[u].row;
	u64 len = bench_row_len(row);
	unsigned int i, side;
	int ret = 0;

	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		for (i = 0; i != row->batch; i++)
			ret |= bench_map(&ctx->fmt->sides[side],
					 bench_use_iova(u, i),
					 bench_pa(bench_use_iova(u, i), len),
					 len, BENCH_PROT);
	KUNIT_EXPECT_EQ_MSG(ctx->test, ret, 0, "%s %s: setup", ctx->fmt->name,
			    row->name);
	return !ret;
}

static void bench_cut_teardown(struct bench_ctx *ctx, unsigned int u)
{
	const struct bench_row *row = &bench_use_rows[u].row;
	u64 len = bench_row_len(row);
	unsigned int i, side;

	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		for (i = 0; i != row->batch; i++)
			KUNIT_EXPECT_EQ(ctx->test,
					bench_unmap(&ctx->fmt->sides[side],
						    bench_use_iova(u, i), len),
					len);
}

/*
 * Both sides still translate the bytes on each side of every cut, and then
 * get their whole leaves back (untimed): unmapped whole, mapped again.
 */
static bool bench_cut_restore(struct bench_ctx *ctx, unsigned int u)
{
	const struct bench_row *row = &bench_use_rows[u].row;
	u64 len = bench_row_len(row);
	unsigned int i, side;
	bool bad = false;

	for (i = 0; i != row->batch; i++) {
		unsigned long iova = bench_use_iova(u, i);
		unsigned long cut = bench_use_cut(u, i);
		phys_addr_t pa = bench_pa(iova, len);

		for (side = BENCH_OURS; side <= BENCH_THEIRS; side++) {
			struct bench_side *s = &ctx->fmt->sides[side];

			bad |= s->iova_to_phys(s, cut - 1) != pa + (cut - 1 - iova);
			bad |= s->iova_to_phys(s, cut) != pa + (cut - iova);
			bad |= bench_unmap(s, iova, len) != len;
			bad |= bench_map(s, iova, pa, len, BENCH_PROT) != 0;
		}
	}
	KUNIT_EXPECT_FALSE_MSG(ctx->test, bad, "%s %s: wrong after the cut",
			       ctx->fmt->name, row->name);
	return !bad;
}

static int bench_ours_cut(struct bench_ctx *ctx, unsigned long iova)
{
	struct pt_iommu *iommu = &bench_ours(&ctx->fmt->sides[BENCH_OURS])->iommu;

	if (ctx->fmt->amd)
		return pt_iommu_amdv1_cut_mapping(iommu, iova, GFP_KERNEL);
	return pt_iommu_armv8_4k_cut_mapping(iommu, iova, GFP_KERNEL);
}

static u64 bench_time_cut(struct bench_ctx *ctx, unsigned int u,
			  unsigned int side)
{
	const struct bench_row *row = &bench_use_rows[u].row;
	struct bench_side *s = &ctx->fmt->sides[side];
	u64 len = bench_row_len(row), t0, t1;
	unsigned int i;
	int ret = 0;

	t0 = bench_clock();
	for (i = 0; i != row->batch; i++) {
		unsigned long iova = bench_use_iova(u, i);
		unsigned long cut = bench_use_cut(u, i);
		phys_addr_t pa = bench_pa(iova, len);

		if (side == BENCH_OURS) {
			ret |= bench_ours_cut(ctx, cut);
			continue;
		}
		ret |= bench_unmap(s, iova, len) != len;
		ret |= bench_map(s, iova, pa, cut - iova, BENCH_PROT);
		ret |= bench_map(s, cut, pa + (cut - iova), iova + len - cut,
				 BENCH_PROT);
	}
	t1 = bench_clock();
	KUNIT_EXPECT_EQ_MSG(ctx->test, ret, 0, "%s %s: %s failed",
			    ctx->fmt->name, row->name, s->name);
	return bench_ps(t1 - t0, row->batch);
}

static void bench_use_row(struct bench_ctx *ctx, unsigned int u)
{
	const struct bench_use_row *use = &bench_use_rows[u];
	unsigned int rep, k, side, nsides = 2;

	if (use->op == BENCH_CUT && !bench_cut_setup(ctx, u))
		return;
	for (rep = 0; rep <= reps; rep++) {
		unsigned int slot = rep ? rep - 1 : 0;

		for (k = 0; k != nsides; k++) {
			side = (k + rep) % nsides;
			ctx->samples[side][use->op][slot] =
				use->op == BENCH_DMA ?
					bench_time_dma(ctx, u, side) :
					bench_time_cut(ctx, u, side);
		}
		if (use->op == BENCH_CUT && !bench_cut_restore(ctx, u))
			return;
	}
	if (use->op == BENCH_CUT)
		bench_cut_teardown(ctx, u);
	for (side = BENCH_OURS; side != nsides; side++)
		bench_print(ctx, &use->row, use->op, side,
			    bench_row_entries(&use->row));
}

/*
 * read_and_clear_dirty, on a pair of tables of their own set up as for a
 * domain allocated with dirty tracking (ours with PT_FEAT_ARMV8_DBM and the
 * dirty_ops, io-pgtable-arm with IO_PGTABLE_QUIRK_ARM_HD; AMD v1 as for the
 * other rows): 1 GiB mapped as 4K or as 2M leaves, each an odd multiple of
 * its page size as in bench_rows[], with every leaf dirty or none.
 *
 * A call is what iommufd's iopt_clear_dirty_data() does for one area: an
 * iommu_dirty_bitmap with a NULL iova_bitmap over a gather, the domain's
 * read_and_clear_dirty over the whole range, then iommu_iotlb_sync() (the
 * driver's flush, nothing here). iommu_dirty_bitmap_record() skips a NULL
 * bitmap and adds each dirty range to the gather. Reading a bitmap for user
 * space (IOMMU_HWPT_GET_DIRTY_BITMAP) makes the same call per iova_bitmap
 * chunk with a bitmap, whose iova_bitmap_set() is left out here: it pins
 * the pages of a user buffer (iova_bitmap_alloc()), which a KUnit thread
 * has not, and costs every side the same, one call per dirty leaf (6.12's
 * AMD v1 records a page at a time, which here is a leaf).
 *
 * After the map, untimed, both tables are read and cleared once, as iommufd
 * does when dirty tracking is turned on: io-pgtable-arm with HD maps a
 * writable leaf writable-dirty (DBM with AP[2] clear), ours clean. The dirt
 * is the walker's: before each repetition, untimed, every writable leaf of
 * both tables is made dirty in table memory with the same decoder
 * (bench_arm_dirty(), bench_amd_dirty() in bench.h). Checked, so that the
 * timed reads did the work: the dirty bytes in both tables before (1 GiB or
 * none) and after (none) each read; the range the read gathered (all of
 * it, or nothing); and, once per row, the bytes each side reports, read
 * leaf by leaf with IOMMU_DIRTY_NO_CLEAR (each read's gather holds what it
 * reported), which must be the same on both sides.
 */
static u64 bench_time_dirty(struct bench_ctx *ctx,
			    const struct bench_dirty_row *d,
			    unsigned int side, bool *bad)
{
	struct bench_side *s = &ctx->fmt->sides[side];
	u64 len = bench_row_len(&d->row), t0, t1;
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	unsigned long start, end;
	bool wrong;
	int ret;

	t0 = bench_clock();
	iommu_dirty_bitmap_init(&dirty, NULL, &gather);
	ret = s->read_and_clear_dirty(s, BENCH_DIRTY_IOVA, len, 0, &dirty);
	start = gather.start;
	end = gather.end;
	s->iotlb_sync(s, &gather);
	t1 = bench_clock();
	/* All of the range gathered, or nothing (start > end) */
	if (d->all)
		wrong = start != BENCH_DIRTY_IOVA ||
			end != BENCH_DIRTY_IOVA + len - 1;
	else
		wrong = end >= start;
	if (ret || wrong) {
		KUNIT_FAIL(ctx->test,
			   "%s %s: %s read returned %d, gathered %#lx-%#lx",
			   ctx->fmt->name, d->row.name, s->name, ret, start,
			   end);
		*bad = true;
	}
	return bench_clock_ps(t1 - t0);
}

/*
 * Dirty bytes in both tables, every writable leaf made dirty first if @set:
 * false with a failure unless both hold @want
 */
static bool bench_dirty_state(struct bench_ctx *ctx,
			      const struct bench_dirty_row *d,
			      const bench_dirty_fn *fn, bool set, u64 want,
			      const char *when)
{
	unsigned int side;
	bool ok = true;

	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++) {
		u64 got = fn[side](&ctx->fmt->sides[side], set);

		if (got == want)
			continue;
		KUNIT_FAIL(ctx->test, "%s %s: %s has %llu dirty bytes %s, not %llu",
			   ctx->fmt->name, d->row.name, bench_side_names[side],
			   got, when, want);
		ok = false;
	}
	return ok;
}

/* What both sides report, leaf by leaf: the same, and @want */
static bool bench_dirty_check_reported(struct bench_ctx *ctx,
				       const struct bench_dirty_row *d, u64 want)
{
	u64 len = bench_row_len(&d->row), pgsz = 1ULL << d->row.pgsz_lg2;
	u64 ours, theirs;

	ours = bench_dirty_reported(&ctx->fmt->sides[BENCH_OURS],
				    BENCH_DIRTY_IOVA, len, pgsz);
	theirs = bench_dirty_reported(&ctx->fmt->sides[BENCH_THEIRS],
				      BENCH_DIRTY_IOVA, len, pgsz);
	if (ours == theirs && ours == want)
		return true;
	KUNIT_FAIL(ctx->test,
		   "%s %s: ours reports %llu dirty bytes, theirs %llu, not %llu",
		   ctx->fmt->name, d->row.name, ours, theirs, want);
	return false;
}

static void bench_dirty_row(struct bench_ctx *ctx, const bench_dirty_fn *fn,
			    unsigned int dr)
{
	const struct bench_dirty_row *d = &bench_dirty_rows[dr];
	u64 len = bench_row_len(&d->row), pgsz = 1ULL << d->row.pgsz_lg2;
	u64 want = d->all ? len : 0;
	unsigned int rep, k, side;
	bool bad = false;

	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++) {
		struct bench_side *s = &ctx->fmt->sides[side];

		bad |= bench_map(s, BENCH_DIRTY_IOVA,
				 bench_pa(BENCH_DIRTY_IOVA, pgsz), len,
				 BENCH_PROT) != 0;
		bad |= bench_dirty_clear(s, BENCH_DIRTY_IOVA, len) != 0;
	}
	KUNIT_EXPECT_FALSE_MSG(ctx->test, bad, "%s %s: map or first clear failed",
			       ctx->fmt->name, d->row.name);
	if (!bad)
		bad = !bench_dirty_state(ctx, d, fn, false, 0,
					 "once tracking is on");
	for (rep = 0; !bad && rep <= reps; rep++) {
		unsigned int slot = rep ? rep - 1 : 0;

		if (!bench_dirty_state(ctx, d, fn, d->all, want,
				       "before the read"))
			break;
		if (!rep && !bench_dirty_check_reported(ctx, d, want)) {
			bad = true;
			break;
		}
		for (k = 0; k != 2; k++) {
			side = (k + rep) % 2;
			ctx->samples[side][BENCH_DIRTY][slot] =
				bench_time_dirty(ctx, d, side, &bad);
		}
		if (!bench_dirty_state(ctx, d, fn, false, 0, "after the read"))
			bad = true;
	}
	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		KUNIT_EXPECT_EQ(ctx->test,
				bench_unmap(&ctx->fmt->sides[side],
					    BENCH_DIRTY_IOVA, len),
				len);
	if (bad || rep <= reps)
		return;
	for (side = BENCH_OURS; side <= BENCH_THEIRS; side++)
		bench_print(ctx, &d->row, BENCH_DIRTY, side,
			    bench_row_entries(&d->row));
}

/* Set up the dirty-tracking pair of tables of the format and run its rows */
static void bench_dirty(struct bench_ctx *ctx)
{
	static const bench_dirty_fn arm_fn[] = { bench_ours_arm_dirty,
						 bench_arm_theirs_dirty };
	static const bench_dirty_fn amd_fn[] = { bench_ours_amd_dirty,
						 bench_amd_v612_dirty };
	struct bench_fmt *fmt = ctx->fmt;
	struct bench_fmt dfmt = { .name = fmt->name, .amd = fmt->amd };
	unsigned int r;
	int ret;

	ret = bench_ours_init_cfg(&dfmt.sides[BENCH_OURS], fmt->amd, true);
	KUNIT_ASSERT_EQ(ctx->test, ret, 0);
	ret = fmt->amd ? bench_amd_v612_init(&dfmt.sides[BENCH_THEIRS]) :
			 bench_arm_init(&dfmt.sides[BENCH_THEIRS], true);
	if (ret) {
		bench_ours_deinit(&dfmt.sides[BENCH_OURS], fmt->amd);
		KUNIT_FAIL(ctx->test, "%s: dirty-tracking table allocation failed",
			   fmt->name);
		return;
	}
	ctx->fmt = &dfmt;
	for (r = 0; r != ARRAY_SIZE(bench_dirty_rows); r++)
		bench_dirty_row(ctx, fmt->amd ? amd_fn : arm_fn, r);
	ctx->fmt = fmt;
	if (fmt->amd)
		bench_amd_v612_deinit(&dfmt.sides[BENCH_THEIRS]);
	else
		bench_arm_deinit(&dfmt.sides[BENCH_THEIRS]);
	bench_ours_deinit(&dfmt.sides[BENCH_OURS], fmt->amd);
}

static void bench_run(struct kunit *test, struct bench_fmt *fmt)
{
	struct bench_ctx ctx = { .test = test, .fmt = fmt };
	unsigned int r, side, op;
	u64 t0, t1;

	KUNIT_ASSERT_GE(test, reps, 1);
	ctx.floor = kunit_kzalloc(test, sizeof(u64) *
				  bench_row_entries(&bench_rows[BENCH_ROW_1G_4K]),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx.floor);
	for (side = 0; side != BENCH_NSIDES; side++) {
		for (op = 0; op != ARRAY_SIZE(ctx.samples[0]); op++) {
			ctx.samples[side][op] =
				kunit_kcalloc(test, reps, sizeof(u64),
					      GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, ctx.samples[side][op]);
		}
	}

	/* Random 4K-aligned IOVAs and offsets inside the 1 GiB 4K mapping */
	ctx.lookups = kunit_kcalloc(test, BENCH_LOOKUPS, sizeof(*ctx.lookups),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx.lookups);
	bench_lookups_fill(ctx.lookups);
	ctx.lookups_want = bench_lookups_want(ctx.lookups);

	/* What reading the clock twice costs, to read small rows with */
	bench_clock_calibrate();
	t0 = bench_clock();
	t1 = bench_clock();
	pr_info("iommu_pt_bench: clock,%s,%llu\n", fmt->name,
		div_u64(bench_clock_ps(t1 - t0), 1000));

	for (r = 0; r != ARRAY_SIZE(bench_rows); r++) {
		if (!fmt->amd && !bench_row_in_arm(r))
			continue;
		bench_row(&ctx, r);
	}
	for (r = 0; r != ARRAY_SIZE(bench_use_rows); r++)
		bench_use_row(&ctx, r);
	bench_dirty(&ctx);
}

static void bench_armv8_4k(struct kunit *test)
{
	struct bench_fmt fmt = {
		.name = "armv8_4k",
		.table_bytes = { bench_ours_arm_bytes, bench_arm_table_bytes },
	};

	KUNIT_ASSERT_EQ(test, bench_ours_init(&fmt.sides[BENCH_OURS], false),
			0);
	if (bench_arm_init(&fmt.sides[BENCH_THEIRS], false)) {
		bench_ours_deinit(&fmt.sides[BENCH_OURS], false);
		KUNIT_FAIL(test, "io-pgtable-arm allocation failed");
		return;
	}
	bench_run(test, &fmt);
	bench_arm_deinit(&fmt.sides[BENCH_THEIRS]);
	bench_ours_deinit(&fmt.sides[BENCH_OURS], false);
}

static void bench_amdv1(struct kunit *test)
{
	struct bench_fmt fmt = {
		.name = "amdv1",
		.amd = true,
		.table_bytes = { bench_ours_amd_bytes,
				 bench_amd_v612_table_bytes },
	};

	KUNIT_ASSERT_EQ(test, bench_ours_init(&fmt.sides[BENCH_OURS], true), 0);
	if (bench_amd_v612_init(&fmt.sides[BENCH_THEIRS])) {
		bench_ours_deinit(&fmt.sides[BENCH_OURS], true);
		KUNIT_FAIL(test, "AMD v1 io_pgtable allocation failed");
		return;
	}
	bench_run(test, &fmt);
	bench_amd_v612_deinit(&fmt.sides[BENCH_THEIRS]);
	bench_ours_deinit(&fmt.sides[BENCH_OURS], true);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE_SLOW(bench_armv8_4k),
	KUNIT_CASE_SLOW(bench_amdv1),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "iommu_pt_bench",
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic PT benchmark against io-pgtable-arm and AMD v1");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

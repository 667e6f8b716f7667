/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: the cut_mapping suite, templated per format.
 *
 * The contract (include/linux/generic_pt/iommu.h): afterwards no leaf
 * crosses the cut and each side has the page sizes a map of that side alone
 * would have; every single store keeps every IOVA translating to the same
 * address with the same attributes; a failure changes nothing the walker can
 * see; the dirty bits of the cut leaf go to every entry that replaces it.
 *
 * Every large and contiguous page size of the format up to KPT_CUT_MAX_LG2,
 * and the natural size of every level above, is cut at the first and last
 * boundary of each smaller size, at each power of two and at seeded random
 * points. The result is read with the reference decoder of the format's
 * personality and compared with fresh maps of each side. The hitless tests
 * install the store hook (CONFIG_IOMMU_PT_STORE_HOOK) and, after every store
 * the engine makes, translate a sample of IOVAs the way the hardware would.
 *
 * Besides what kunit/common.h lists, the personality provides:
 *
 *   kpt_ref_hw_decode(level, word, ent)
 *			one raw word as the hardware reads it while
 *			translating a single IOVA: a leaf's size from that
 *			word alone, the other items of a contiguous leaf not
 *			looked at, the bits the hardware sets (A, D) allowed.
 *			For a table entry ent->prot is the IOMMU_READ /
 *			IOMMU_WRITE / IOMMU_CACHE it lets through.
 *   KPT_REF_DIRTY	the dirty bit the hardware sets in a leaf, 0 if none;
 *			or, for a walker that keeps dirty state otherwise
 *			(ARM DBM clears AP[2]), all of:
 *   kpt_ref_has_dirty(cfg)	whether a table of @cfg keeps dirty state
 *   kpt_ref_dirty(word)	whether the leaf word says written
 *   kpt_ref_mark_dirty(word)	the word after the walker's first write
 *   kpt_ref_mark_clean(word)	the word with the dirty state cleared
 *   KPT_REF_DIRTY_PROT	the prot a leaf the walker can make dirty is
 *			mapped with, and which map leaves clean
 *
 * and optionally
 *
 *   kpt_ref_size_change(cfg)
 *			whether a table of @cfg re-sizes contiguous leaves
 *			in place (PT_FEAT_OA_SIZE_CHANGE); by default when the
 *			format has contiguous leaves at all
 *   kpt_ref_table_xchg(cfg)
 *			whether a table of @cfg replaces a leaf by a table
 *			without break-before-make (PT_FEAT_OA_TABLE_XCHG);
 *			by default always
 *
 * The cuts of large pages are made in the lower IOVA span; every span gets
 * one in kpt_cut_test_errors().
 */
#ifndef __GENERIC_PT_KUNIT_CUT_H
#define __GENERIC_PT_KUNIT_CUT_H

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>

/* Sizes up to this are all cut; above it only the natural size of a level */
#define KPT_CUT_MAX_LG2 31
/* Seeded random cut points per leaf */
#define KPT_CUT_NRAND 4
/* Cut points of one leaf: up to three per bit, and the random ones */
#define KPT_CUT_MAX_POINTS (3 * 64 + KPT_CUT_NRAND)
/* IOVAs the store hook translates */
#define KPT_CUT_MAX_SAMPLES 400
#define KPT_CUT_SEED (KPT_SEED ^ 0x637574ULL)

/* Dirty state as one bit the walker sets, unless the personality says */
#ifndef kpt_ref_dirty
static inline bool kpt_ref_has_dirty(const struct kpt_cfg *cfg)
{
	return KPT_REF_DIRTY;
}

static inline bool kpt_ref_dirty(u64 word)
{
	return word & KPT_REF_DIRTY;
}

static inline u64 kpt_ref_mark_dirty(u64 word)
{
	return word | KPT_REF_DIRTY;
}

static inline u64 kpt_ref_mark_clean(u64 word)
{
	return word & ~(u64)KPT_REF_DIRTY;
}

/* Read-only: no format presets the dirty bit then */
#define KPT_REF_DIRTY_PROT IOMMU_READ
#endif

/* The function tested, with the signature of the contract */
static_assert(__same_type(&KPT_OP(cut_mapping),
			  int (*)(struct pt_iommu *iommu_table,
				  dma_addr_t cut_iova, gfp_t gfp)));

/* Whether some level has more than one leaf size: contiguous leaves */
static bool kpt_cut_has_contig(const struct kpt_cfg *cfg)
{
	unsigned int level;

	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++)
		if (hweight64(kpt_ref_level_sizes(cfg, level)) > 1)
			return true;
	return false;
}

#ifndef kpt_ref_size_change
#define kpt_ref_size_change(cfg) kpt_cut_has_contig(cfg)
#endif

#ifndef kpt_ref_table_xchg
static inline bool kpt_cut_table_xchg_always(const struct kpt_cfg *cfg)
{
	return true;
}

#define kpt_ref_table_xchg kpt_cut_table_xchg_always
#endif

/*
 * The configuration the cuts are made in: one that can cut every leaf, with
 * the most page sizes, not a dynamic top.
 */
static const struct kpt_cfg *kpt_cut_cfg(void)
{
	const struct kpt_cfg *best = NULL;
	unsigned int i;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];

		/* With one leaf size there is no leaf to turn into a table */
		if (cfg->dyn_start_levels ||
		    (!kpt_ref_table_xchg(cfg) &&
		     hweight64(kpt_ref_pgsize_bitmap(cfg)) > 1) ||
		    (kpt_cut_has_contig(cfg) && !kpt_ref_size_change(cfg)))
			continue;
		if (!best || hweight64(kpt_ref_pgsize_bitmap(cfg)) >
				     hweight64(kpt_ref_pgsize_bitmap(best)))
			best = cfg;
	}
	return best;
}

/* The sizes cut: all up to KPT_CUT_MAX_LG2, natural ones above */
static bool kpt_cut_size_tested(const struct kpt_cfg *cfg,
				unsigned int size_lg2)
{
	u64 sizes = kpt_ref_pgsize_bitmap(cfg);

	if (!(sizes & BIT_ULL(size_lg2)) || !(sizes & kpt_max(size_lg2)))
		return false;
	return size_lg2 <= KPT_CUT_MAX_LG2 ||
	       size_lg2 == kpt_ref_item_lg2(kpt_ref_size_level(cfg, size_lg2));
}

/* One leaf being cut, and where */
struct kpt_cut {
	struct kunit *test;
	const struct kpt_cfg *cfg;
	struct kpt_ctx *ctx;
	u64 va;
	u64 pa;
	u64 size;
	u64 cut;
	u64 granule;
	unsigned int size_lg2;
	unsigned int level;
	unsigned int prot;
	u64 top_pa;
	unsigned int top_level;
	u64 seed;
	char desc[128];
};

/*
 * A leaf of 2^size_lg2 at 3 * size (or size when that does not fit) into
 * the @span'th IOVA span of the table, at a patterned OA. False if the size
 * cannot be placed there.
 */
static bool kpt_cut_setup_span(struct kpt_cut *c, struct kunit *test,
			       const struct kpt_cfg *cfg, unsigned int span,
			       unsigned int size_lg2, unsigned int prot)
{
	struct kpt_span spans[KPT_MAX_SPANS];

	memset(c, 0, sizeof(*c));
	c->test = test;
	c->cfg = cfg;
	c->size_lg2 = size_lg2;
	c->size = BIT_ULL(size_lg2);
	c->level = kpt_ref_size_level(cfg, size_lg2);
	c->prot = prot;
	c->seed = KPT_CUT_SEED + size_lg2;
	if (span >= kpt_ref_spans(cfg, spans))
		return false;
	if (size_lg2 + 2 <= spans[span].lg2)
		c->va = spans[span].first + 3 * c->size;
	else if (size_lg2 + 1 <= spans[span].lg2)
		c->va = spans[span].first + c->size;
	else
		return false;
	c->pa = 0x000a5a5a5a5a5000ULL & kpt_max(cfg->oasz_lg2) &
		~(c->size - 1);
	if (!c->pa)
		c->pa = kpt_max(cfg->oasz_lg2) & ~(c->size - 1);
	return true;
}

static bool kpt_cut_setup(struct kpt_cut *c, struct kunit *test,
			  const struct kpt_cfg *cfg, unsigned int size_lg2,
			  unsigned int prot)
{
	return kpt_cut_setup_span(c, test, cfg, 0, size_lg2, prot);
}

/*
 * Set up a cut of a leaf of 2^size_lg2 with a new table, when that size is
 * one the cut suites test: false to skip the size.
 */
static bool kpt_cut_start(struct kpt_cut *c, struct kunit *test,
			  const struct kpt_cfg *cfg, unsigned int size_lg2,
			  unsigned int prot)
{
	if (!kpt_cut_size_tested(cfg, size_lg2) ||
	    !kpt_cut_setup(c, test, cfg, size_lg2, prot))
		return false;
	c->ctx = kpt_ctx_new(test, cfg);
	c->granule = c->ctx->min_pgsize;
	return true;
}

/* Whether the table can map @iova at all */
static bool kpt_cut_valid(const struct kpt_cut *c, u64 iova)
{
	return kpt_span_of(c->cfg, iova, iova) >= 0;
}

static void kpt_cut_at(struct kpt_cut *c, u64 cut)
{
	c->cut = cut;
	snprintf(c->desc, sizeof(c->desc), "%s: 2^%u leaf at %llx cut at %llx",
		 c->cfg->name, c->size_lg2, c->va, cut);
}

static int kpt_cut_do(struct kpt_cut *c, u64 cut)
{
	return KPT_OP(cut_mapping)(&c->ctx->table.iommu, cut, GFP_KERNEL);
}

/* The top as the driver programs it; the cut never changes it */
static void kpt_cut_get_top(struct kpt_cut *c)
{
	int ret = kpt_fmt_top(&c->ctx->table, &c->top_pa, &c->top_level);

	KUNIT_ASSERT_EQ_MSG(c->test, ret, 0, "%s: hw_info", c->cfg->name);
}

/*
 * The points to cut a leaf at: the first and last boundary of every smaller
 * page size, every power of two, seeded random granules.
 */
static unsigned int kpt_cut_points(struct kpt_cut *c, u64 *pts)
{
	u64 sizes = kpt_ref_pgsize_bitmap(c->cfg);
	unsigned int k, n = 0;

	for (k = ilog2(c->granule); k != c->size_lg2; k++) {
		pts[n++] = c->va + BIT_ULL(k);
		if (sizes & BIT_ULL(k))
			pts[n++] = c->va + c->size - BIT_ULL(k);
	}
	for (k = 0; k != KPT_CUT_NRAND; k++)
		pts[n++] = c->va + c->granule *
			   kpt_rand_range(&c->seed, 1,
					  kpt_div(c->size, c->granule) - 1);
	return n;
}

/* A few of them for the costlier tests: ends, middle, random */
static unsigned int kpt_cut_few_points(struct kpt_cut *c, u64 *pts)
{
	u64 sizes = kpt_ref_pgsize_bitmap(c->cfg) & kpt_max(c->size_lg2);
	unsigned int n = 0;

	pts[n++] = c->va + c->granule;
	pts[n++] = c->va + c->size - c->granule;
	pts[n++] = c->va + c->size / 2;
	/* The first boundary of the largest smaller size */
	pts[n++] = c->va + BIT_ULL(fls64(sizes) - 1);
	pts[n++] = c->va + c->granule *
		   kpt_rand_range(&c->seed, 1, kpt_div(c->size, c->granule) - 1);
	return n;
}

/* The reference translation, as the hardware walks */

struct kpt_cut_tr {
	u64 oa;
	unsigned int prot;
	unsigned int size_lg2;
	bool mapped;
	bool dirty;
	bool bad;
};

/* The words a translation read: a store elsewhere cannot change it */
struct kpt_cut_path {
	unsigned int n;
	struct {
		void *table;
		unsigned int index;
	} step[KPT_REF_MAX_LEVEL + 1];
};

static u64 kpt_cut_read(const void *table, unsigned int index)
{
	return kpt_le_to_cpu(READ_ONCE(((const kpt_le_word *)table)[index]));
}

/* A store as the hardware makes it: the engine's store hook does not run */
static void kpt_cut_write(void *table, unsigned int index, u64 value)
{
	WRITE_ONCE(((kpt_le_word *)table)[index], kpt_cpu_to_le(value));
}

/* The walker writes through item @index */
static void kpt_cut_touch(void *table, unsigned int index)
{
	kpt_cut_write(table, index,
		      kpt_ref_mark_dirty(kpt_cut_read(table, index)));
}

static void kpt_cut_xlate(const struct kpt_cfg *cfg, u64 top_pa,
			  unsigned int top_level, u64 va,
			  struct kpt_cut_tr *tr, struct kpt_cut_path *path)
{
	unsigned int allow = ~0U;
	struct kpt_ref_entry ent;
	u64 pa = top_pa;
	int level;

	memset(tr, 0, sizeof(*tr));
	if (path)
		path->n = 0;
	for (level = top_level; level >= 0; level--) {
		unsigned int isz_lg2 = kpt_ref_item_lg2(level);
		void *table = phys_to_virt(pa);
		unsigned int index;

		index = (isz_lg2 >= 64 ? 0 : va >> isz_lg2) &
			kpt_max(level == top_level ?
					kpt_ref_top_items_lg2(cfg, level) :
					kpt_ref_items_lg2(level));
		if (path) {
			path->step[path->n].table = table;
			path->step[path->n].index = index;
			path->n++;
		}
		kpt_ref_hw_decode(level, kpt_cut_read(table, index), &ent);
		switch (ent.type) {
		case KPT_REF_EMPTY:
			return;
		case KPT_REF_TABLE:
			allow &= ent.prot;
			pa = ent.oa;
			continue;
		case KPT_REF_LEAF:
			tr->mapped = true;
			tr->oa = ent.oa + (va & kpt_max(ent.size_lg2));
			tr->prot = ent.prot & allow;
			tr->size_lg2 = ent.size_lg2;
			tr->dirty = kpt_ref_dirty(ent.raw);
			return;
		default:
			tr->bad = true;
			return;
		}
	}
	tr->bad = true;
}

/* Translate @iova with the engine and the reference walk */
static void kpt_cut_probe(struct kpt_cut *c, u64 iova, bool mapped)
{
	u64 want = mapped ? c->pa + (iova - c->va) : 0;
	struct kpt_cut_tr tr;

	kpt_cut_xlate(c->cfg, c->top_pa, c->top_level, iova, &tr, NULL);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_phys(c->ctx, iova), want,
			    "%s: iova_to_phys(%llx)", c->desc, iova);
	KUNIT_EXPECT_FALSE_MSG(c->test, tr.bad, "%s: walk of %llx", c->desc,
			       iova);
	KUNIT_EXPECT_EQ_MSG(c->test, tr.mapped, mapped, "%s: walk of %llx",
			    c->desc, iova);
	if (!mapped || !tr.mapped)
		return;
	KUNIT_EXPECT_EQ_MSG(c->test, tr.oa, want, "%s: walk of %llx", c->desc,
			    iova);
	KUNIT_EXPECT_EQ_MSG(c->test, tr.prot, kpt_ref_prot_norm(c->prot),
			    "%s: walk of %llx", c->desc, iova);
}

/* Both ends and both sides of the cut, around it at every size, random */
static void kpt_cut_probe_all(struct kpt_cut *c)
{
	u64 end = c->va + c->size;
	unsigned int k;

	kpt_cut_get_top(c);
	kpt_cut_probe(c, c->va, true);
	kpt_cut_probe(c, end - 1, true);
	if (kpt_cut_valid(c, c->va - 1))
		kpt_cut_probe(c, c->va - 1, false);
	if (kpt_cut_valid(c, end))
		kpt_cut_probe(c, end, false);
	for (k = 0; k < c->size_lg2; k++) {
		if (c->cut - c->va >= BIT_ULL(k))
			kpt_cut_probe(c, c->cut - BIT_ULL(k), true);
		if (end - c->cut > BIT_ULL(k))
			kpt_cut_probe(c, c->cut + BIT_ULL(k), true);
	}
	kpt_cut_probe(c, c->cut, true);
	for (k = 0; k != 8; k++)
		kpt_cut_probe(c, kpt_rand_range(&c->seed, c->va, end - 1),
			      true);
}

/* Leaf size histograms of each side, and every leaf where it should be */

struct kpt_cut_hist {
	struct kpt_cut *c;
	/* Nothing may be mapped in [hole, hole_end) */
	u64 hole;
	u64 hole_end;
	unsigned int nbad;
	unsigned int left[64];
	unsigned int right[64];
};

static void kpt_cut_hist_leaf(struct kpt_walk *walk,
			      const struct kpt_leaf *leaf)
{
	struct kpt_cut_hist *h = walk->priv;
	struct kpt_cut *c = h->c;
	u64 last = leaf->va + kpt_max(leaf->size_lg2);
	const char *why = NULL;

	if (leaf->va < c->va || last > c->va + c->size - 1)
		why = "outside the mapping";
	else if (last >= h->hole && leaf->va < h->hole_end)
		why = "in the unmapped part";
	else if (leaf->oa != c->pa + (leaf->va - c->va))
		why = "wrong output address";
	else if (leaf->prot != (kpt_ref_prot_norm(c->prot)))
		why = "wrong permissions";
	else if (leaf->va < c->cut && last >= c->cut)
		why = "crosses the cut";
	if (why) {
		if (h->nbad++ < 4)
			KUNIT_FAIL(c->test,
				   "%s: leaf of 2^%u at %llx oa %llx prot %x: %s",
				   c->desc, leaf->size_lg2, leaf->va, leaf->oa,
				   leaf->prot, why);
		return;
	}
	if (leaf->va < c->cut)
		h->left[leaf->size_lg2]++;
	else
		h->right[leaf->size_lg2]++;
}

/* The leaf sizes a map of [va, va + len) alone makes in a fresh table */
static void kpt_cut_fresh(struct kpt_cut *c, u64 va, u64 len,
			  unsigned int *by_size)
{
	struct kpt_walk walk = {};
	struct kpt_ctx *ctx;

	memset(by_size, 0, 64 * sizeof(*by_size));
	if (!len)
		return;
	ctx = kpt_ctx_new(c->test, c->cfg);
	if (!kpt_map_ok(ctx, va, c->pa + (va - c->va), len, c->prot)) {
		kpt_walk(ctx, &walk);
		memcpy(by_size, walk.by_size, 64 * sizeof(*by_size));
	}
	kpt_ctx_free(ctx);
}

static void kpt_cut_cmp_hist(struct kpt_cut *c, const char *side,
			     const unsigned int *got, const unsigned int *want)
{
	unsigned int k;

	for (k = 0; k != 64; k++) {
		if (got[k] == want[k])
			continue;
		KUNIT_FAIL(c->test,
			   "%s: %s: %u leaves of 2^%u, a fresh map has %u",
			   c->desc, side, got[k], k, want[k]);
		return;
	}
}

/*
 * The table holds [va, lo_end) and [hi, va + size), cut at lo_end and hi
 * (c->cut is hi, or lo_end when there is no hole): each part has the leaves
 * of a fresh map of it, every leaf maps its IOVAs to the right place.
 */
static void kpt_cut_check_parts(struct kpt_cut *c, u64 lo_end, u64 hi)
{
	struct kpt_cut_hist *h = kzalloc(sizeof(*h), GFP_KERNEL);
	unsigned int fresh[64];
	struct kpt_walk walk = {
		.leaf_fn = kpt_cut_hist_leaf,
	};
	u64 saved_cut = c->cut;

	KUNIT_ASSERT_NOT_NULL(c->test, h);
	h->c = c;
	h->hole = lo_end;
	h->hole_end = hi;
	c->cut = hi;
	walk.priv = h;
	kpt_walk(c->ctx, &walk);
	c->cut = saved_cut;
	KUNIT_EXPECT_EQ_MSG(c->test, walk.leaf_bytes,
			    c->size - (hi - lo_end), "%s: bytes mapped",
			    c->desc);
	kpt_cut_fresh(c, c->va, lo_end - c->va, fresh);
	kpt_cut_cmp_hist(c, "below the cut", h->left, fresh);
	kpt_cut_fresh(c, hi, c->va + c->size - hi, fresh);
	kpt_cut_cmp_hist(c, "above the cut", h->right, fresh);
	kfree(h);
}

/* Map the leaf: one leaf of its size, whatever pgsize */
static bool kpt_cut_map_leaf(struct kpt_cut *c)
{
	struct kpt_walk walk = {};
	size_t mapped = 0;
	int ret;

	ret = kpt_map(c->ctx, c->va, c->pa, c->size, 1, c->prot, &mapped);
	KUNIT_EXPECT_EQ_MSG(c->test, ret, 0, "%s: map", c->desc);
	if (ret)
		return false;
	kpt_walk(c->ctx, &walk);
	KUNIT_EXPECT_EQ_MSG(c->test, walk.nleaves, 1, "%s: map", c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, walk.by_size[c->size_lg2], 1,
			    "%s: map", c->desc);
	return walk.nleaves == 1 && walk.by_size[c->size_lg2] == 1;
}

/*
 * Unmap both sides, each with its exact length, then the whole leaf again
 * to free the tables the cut made: the table is back as after the map.
 */
static void kpt_cut_unmap_sides(struct kpt_cut *c, bool low_first,
				int tables)
{
	u64 low = c->cut - c->va, high = c->va + c->size - c->cut;

	if (low_first)
		KUNIT_EXPECT_EQ_MSG(c->test, kpt_unmap(c->ctx, c->va, low), low,
				    "%s: unmap below", c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_unmap(c->ctx, c->cut, high), high,
			    "%s: unmap above", c->desc);
	if (!low_first)
		KUNIT_EXPECT_EQ_MSG(c->test, kpt_unmap(c->ctx, c->va, low), low,
				    "%s: unmap below", c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_unmap(c->ctx, c->va, c->size), 0,
			    "%s: unmap of nothing", c->desc);
	kpt_check_empty(c->ctx, c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, atomic_read(&c->ctx->hooks.tables),
			    tables, "%s: tables after unmap", c->desc);
}

/* Tables the cut must add, see kpt_ref_cut_new_tables() */
static int kpt_cut_new_tables(const struct kpt_cut *c)
{
	return kpt_ref_cut_new_tables(c->cfg, c->va, c->pa, c->size_lg2,
				      c->cut);
}

/* Cut, check, cut again (no change), unmap each side */
static void kpt_cut_one(struct kpt_cut *c, unsigned int n)
{
	struct kpt_snap *before, *after;
	int tables;
	int ret;

	if (!kpt_cut_map_leaf(c))
		return;
	tables = atomic_read(&c->ctx->hooks.tables);

	/* The start of the leaf is a boundary already */
	before = kpt_snap_take(c->ctx);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_do(c, c->va), 0, "%s", c->desc);
	after = kpt_snap_take(c->ctx);
	kpt_snap_check(c->ctx, before, after, "cut at the start of a leaf");
	kpt_snap_put(before);
	kpt_snap_put(after);

	ret = kpt_cut_do(c, c->cut);
	KUNIT_EXPECT_EQ_MSG(c->test, ret, 0, "%s", c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, atomic_read(&c->ctx->hooks.tables),
			    tables + kpt_cut_new_tables(c), "%s: new tables",
			    c->desc);
	kpt_cut_check_parts(c, c->cut, c->cut);
	kpt_cut_probe_all(c);

	/* Now the cut is a boundary */
	before = kpt_snap_take(c->ctx);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_do(c, c->cut), 0, "%s: again",
			    c->desc);
	after = kpt_snap_take(c->ctx);
	kpt_snap_check(c->ctx, before, after, "second cut at the same point");
	kpt_snap_put(before);
	kpt_snap_put(after);

	kpt_cut_unmap_sides(c, n % 2, tables);
}

/* Every size, every cut point: translations, leaf sizes, unmap */
static void kpt_cut_test_sizes(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	u64 *pts = kcalloc(KPT_CUT_MAX_POINTS, sizeof(*pts), GFP_KERNEL);
	unsigned int size_lg2, i, n, cuts = 0, sizes = 0;
	struct kpt_cut c;

	KUNIT_ASSERT_NOT_NULL(test, pts);
	if (hweight64(kpt_ref_pgsize_bitmap(cfg)) < 2) {
		kfree(pts);
		kunit_skip(test, "%s: one leaf size, no leaf to cut",
			   cfg->name);
	}
	for (size_lg2 = 0; size_lg2 != 64; size_lg2++) {
		if (!kpt_cut_start(&c, test, cfg, size_lg2,
				   kpt_prots[size_lg2 % ARRAY_SIZE(kpt_prots)]))
			continue;
		n = kpt_cut_points(&c, pts);
		for (i = 0; i != n; i++, cuts++) {
			kpt_cut_at(&c, pts[i]);
			kpt_cut_one(&c, i);
		}
		kpt_ctx_free(c.ctx);
		sizes++;
	}
	kfree(pts);
	KUNIT_EXPECT_GT(test, sizes, 1);
	kunit_info(test, "%s: %u cuts of %u leaf sizes", cfg->name, cuts,
		   sizes);
}

/* Refusals: holes, misalignment, out of range, missing features */

static void kpt_cut_refused(struct kpt_cut *c, u64 cut, int err,
			    const char *what)
{
	struct kpt_snap *before = kpt_snap_take(c->ctx), *after;
	int tables = atomic_read(&c->ctx->hooks.tables);

	KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_do(c, cut), err,
			    "%s: %s at %llx", c->cfg->name, what, cut);
	after = kpt_snap_take(c->ctx);
	kpt_snap_check(c->ctx, before, after, what);
	KUNIT_EXPECT_EQ_MSG(c->test, atomic_read(&c->ctx->hooks.tables),
			    tables, "%s: %s", c->cfg->name, what);
	kpt_snap_put(before);
	kpt_snap_put(after);
}

static void kpt_cut_errors_cfg(struct kunit *test, const struct kpt_cfg *cfg)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int size_lg2, nspans, i;
	unsigned int *features, saved;
	struct kpt_cut c, c2;
	size_t mapped;
	u64 iova;

	/* The largest size up to a level 1 item that fits */
	for (size_lg2 = kpt_ref_item_lg2(1); size_lg2; size_lg2--)
		if ((kpt_ref_pgsize_bitmap(cfg) & BIT_ULL(size_lg2)) &&
		    kpt_cut_setup(&c, test, cfg, size_lg2,
				  IOMMU_READ | IOMMU_WRITE))
			break;
	KUNIT_ASSERT_NE_MSG(test, size_lg2, 0, "%s: no size", cfg->name);
	c.ctx = kpt_ctx_new(test, cfg);
	c.granule = c.ctx->min_pgsize;
	/* Inside the leaf; its start where the leaf is one page */
	kpt_cut_at(&c, c.va + ALIGN_DOWN(c.size / 2, c.granule));
	features = &c.ctx->table.iommu.common.features;

	/*
	 * A leaf becomes a table, and a contiguous leaf is re-sized, where
	 * the configuration tolerates it; re-sizing needs contiguity
	 */
	KUNIT_EXPECT_EQ_MSG(test, !!(*features & BIT(PT_FEAT_OA_TABLE_XCHG)),
			    !!kpt_ref_table_xchg(cfg), "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, !!(*features & BIT(PT_FEAT_OA_SIZE_CHANGE)),
			    !!kpt_ref_size_change(cfg), "%s", cfg->name);
	KUNIT_EXPECT_TRUE_MSG(test,
			      kpt_cut_has_contig(cfg) ||
				      !(*features & BIT(PT_FEAT_OA_SIZE_CHANGE)),
			      "%s: nothing to re-size", cfg->name);

	/* Nothing mapped: both ends of every span, and just outside them */
	kpt_cut_refused(&c, c.cut, -ENOENT, "empty table");
	nspans = kpt_ref_spans(cfg, spans);
	for (i = 0; i != nspans; i++) {
		kpt_cut_refused(&c, spans[i].first, -ENOENT,
				"start of the IOVA span");
		iova = spans[i].last & ~(c.granule - 1);
		kpt_cut_refused(&c, iova, -ENOENT, "end of the IOVA span");
		iova = spans[i].last + 1;
		if (iova)
			kpt_cut_refused(&c, iova,
					kpt_cut_valid(&c, iova) ? -ENOENT :
								  -ERANGE,
					"after the IOVA span");
		iova = spans[i].first - c.granule;
		if (spans[i].first)
			kpt_cut_refused(&c, iova,
					kpt_cut_valid(&c, iova) ? -ENOENT :
								  -ERANGE,
					"before the IOVA span");
	}
	iova = U64_MAX & ~(c.granule - 1);
	kpt_cut_refused(&c, iova, kpt_cut_valid(&c, iova) ? -ENOENT : -ERANGE,
			"end of the 64-bit space");

	if (!kpt_cut_map_leaf(&c))
		goto out;
	kpt_cut_refused(&c, c.cut + 1, -EINVAL, "unaligned");
	kpt_cut_refused(&c, c.cut + c.granule / 2, -EINVAL, "unaligned");
	kpt_cut_refused(&c, c.va, 0, "start of a leaf");
	kpt_cut_refused(&c, c.va - c.granule, -ENOENT, "hole below");
	for (i = 1; i != 3; i++) {
		iova = c.va + i * c.size;
		kpt_cut_refused(&c, iova,
				kpt_cut_valid(&c, iova) ? -ENOENT : -ERANGE,
				"hole above");
	}

	/*
	 * Replacing a leaf by a table is refused without OA_TABLE_XCHG (a cut
	 * inside an item of level 0 is always at an item boundary)
	 */
	if (BIT_ULL(kpt_ref_item_lg2(c.level)) > c.granule) {
		saved = *features;
		*features &= ~BIT(PT_FEAT_OA_TABLE_XCHG);
		kpt_cut_refused(&c, c.va + c.granule, -EOPNOTSUPP,
				"leaf to table without PT_FEAT_OA_TABLE_XCHG");
		*features = saved;
		/* And so it is where the configuration does not tolerate it */
		if (!kpt_ref_table_xchg(cfg))
			kpt_cut_refused(&c, c.va + c.granule, -EOPNOTSUPP,
					"leaf to table: the configuration needs break-before-make");
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(c.ctx, c.va, c.size), c.size);

	/* Two leaves: the boundary between them is one already */
	if (!kpt_cut_valid(&c, c.va + 2 * c.size - 1))
		goto small;
	mapped = 0;
	KUNIT_EXPECT_EQ_MSG(test,
			    kpt_map(c.ctx, c.va, c.pa, c.size, 2, c.prot,
				    &mapped),
			    0, "%s: two leaves", cfg->name);
	kpt_cut_refused(&c, c.va + c.size, 0, "boundary of two leaves");
	KUNIT_EXPECT_EQ(test, kpt_unmap(c.ctx, c.va, 2 * c.size),
			2 * c.size);

small:
	/* Small pages only, in a table: every granule is a boundary */
	mapped = 0;
	KUNIT_EXPECT_EQ(test,
			kpt_map(c.ctx, c.va, c.pa + c.granule, c.granule, 4,
				c.prot, &mapped),
			0);
	kpt_cut_refused(&c, c.va + c.granule, 0, "smallest pages");
	kpt_cut_refused(&c, c.va + 8 * c.granule, -ENOENT,
			"hole in a table");
	KUNIT_EXPECT_EQ(test, kpt_unmap(c.ctx, c.va, 4 * c.granule),
			4 * c.granule);

	/*
	 * Re-sizing a contiguous leaf is refused without OA_SIZE_CHANGE. Two
	 * items of level 1: cut between them no table is needed, cut inside
	 * one both features are.
	 */
	if (kpt_cut_has_contig(cfg) &&
	    kpt_cut_setup(&c2, test, cfg, kpt_ref_item_lg2(1) + 1,
			  IOMMU_READ) &&
	    c2.level == 1) {
		c2.ctx = c.ctx;
		c2.granule = c.granule;
		kpt_cut_at(&c2, c2.va + c2.size / 2);
		if (!kpt_cut_map_leaf(&c2))
			goto out;
		saved = *features;
		if (!kpt_ref_size_change(cfg))
			kpt_cut_refused(&c2, c2.cut, -EOPNOTSUPP,
					"contiguous leaf: the configuration needs break-before-make");
		*features &= ~BIT(PT_FEAT_OA_SIZE_CHANGE);
		kpt_cut_refused(&c2, c2.cut, -EOPNOTSUPP,
				"contiguous leaf without PT_FEAT_OA_SIZE_CHANGE");
		kpt_cut_refused(&c2, c2.cut + c2.granule, -EOPNOTSUPP,
				"contiguous leaf without PT_FEAT_OA_SIZE_CHANGE");
		*features |= BIT(PT_FEAT_OA_SIZE_CHANGE);
		*features &= ~BIT(PT_FEAT_OA_TABLE_XCHG);
		kpt_cut_refused(&c2, c2.cut + c2.granule, -EOPNOTSUPP,
				"contiguous leaf without PT_FEAT_OA_TABLE_XCHG");
		KUNIT_EXPECT_EQ_MSG(test, kpt_cut_do(&c2, c2.cut), 0,
				    "%s: item boundary without PT_FEAT_OA_TABLE_XCHG",
				    c2.desc);
		*features = saved;
		KUNIT_EXPECT_EQ(test, kpt_unmap(c.ctx, c2.va, c2.size / 2),
				c2.size / 2);
		KUNIT_EXPECT_EQ(test, kpt_unmap(c.ctx, c2.cut, c2.size / 2),
				c2.size / 2);
	}
	/* A cut in every other span, the upper half of a sign extended one */
	for (i = 1; i != nspans; i++) {
		if (!kpt_cut_setup_span(&c2, test, cfg, i, c.size_lg2,
					c.prot))
			continue;
		c2.ctx = c.ctx;
		c2.granule = c.granule;
		kpt_cut_at(&c2, c2.va + c2.size - c2.granule);
		kpt_cut_one(&c2, i);
	}
out:
	kpt_ctx_free(c.ctx);
}

static void kpt_cut_test_errors(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		kpt_cut_errors_cfg(test, &kpt_cfgs[i]);
}

/* Allocation failures: each one leaves everything as it was */
static void kpt_cut_test_enomem(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	unsigned int size_lg2, i, n, fail, cuts = 0;
	u64 pts[8];
	struct kpt_cut c;

	for (size_lg2 = 0; size_lg2 != 64; size_lg2++) {
		if (!kpt_cut_start(&c, test, cfg, size_lg2, IOMMU_READ))
			continue;
		n = kpt_cut_few_points(&c, pts);
		for (i = 0; i != n; i++) {
			struct kpt_snap *before, *after;
			int tables, expect;
			int ret = 0;

			kpt_cut_at(&c, pts[i]);
			if (!kpt_cut_map_leaf(&c))
				continue;
			tables = atomic_read(&c.ctx->hooks.tables);
			expect = kpt_cut_new_tables(&c);
			before = kpt_snap_take(c.ctx);
			for (fail = 1; fail <= expect + 1; fail++, cuts++) {
				c.ctx->hooks.fail_alloc = fail;
				ret = kpt_cut_do(&c, c.cut);
				c.ctx->hooks.fail_alloc = 0;
				if (!ret)
					break;
				KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM,
						    "%s: allocation %u fails",
						    c.desc, fail);
				KUNIT_EXPECT_EQ_MSG(test,
						    atomic_read(&c.ctx->hooks.tables),
						    tables,
						    "%s: allocation %u fails",
						    c.desc, fail);
				after = kpt_snap_take(c.ctx);
				if (!kpt_snap_check(c.ctx, before, after,
						    "failed cut"))
					KUNIT_FAIL(test,
						   "%s: allocation %u failed",
						   c.desc, fail);
				kpt_snap_put(after);
			}
			kpt_snap_put(before);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: no failure",
					    c.desc);
			KUNIT_EXPECT_EQ_MSG(test, fail, expect + 1,
					    "%s: allocations", c.desc);
			KUNIT_EXPECT_EQ_MSG(test,
					    atomic_read(&c.ctx->hooks.tables),
					    tables + expect, "%s: tables",
					    c.desc);
			if (!ret)
				kpt_cut_check_parts(&c, c.cut, c.cut);
			kpt_cut_unmap_sides(&c, true, tables);
		}
		kpt_ctx_free(c.ctx);
	}
	kunit_info(test, "%s: %u failed or passing cuts", cfg->name, cuts);
}

/* Hitless: the store hook translates a sample of IOVAs after each store */

struct kpt_cut_sample {
	u64 va;
	struct kpt_cut_tr want;
	struct kpt_cut_path path;
};

struct kpt_cut_watch {
	const struct kpt_cfg *cfg;
	u64 top_pa;
	unsigned int top_level;
	unsigned int n;
	unsigned long stores;
	/* Stores into a word some sampled translation reads */
	unsigned long visible;
	/* The first store that changed a translation, and how */
	unsigned long bad_store;
	u64 bad_va;
	struct kpt_cut_tr bad_was;
	struct kpt_cut_tr bad_now;
	/*
	 * Act as the hardware writing to inject_va right after store number
	 * inject_at (counting visible stores only if inject_visible): set the
	 * dirty bit of the item translating it.
	 */
	unsigned long inject_at;
	bool inject_visible;
	bool injected;
	u64 inject_va;
	struct kpt_cut_sample s[KPT_CUT_MAX_SAMPLES];
};

#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
static bool kpt_cut_on_path(const struct kpt_cut_path *path,
			    const void *table, unsigned int index)
{
	unsigned int i;

	for (i = 0; i != path->n; i++)
		if (path->step[i].table == table &&
		    path->step[i].index == index)
			return true;
	return false;
}

/*
 * The same translation; a dirty bit may appear (the run of a contiguous
 * leaf is dirty as a whole) but must not go.
 */
static bool kpt_cut_same(const struct kpt_cut_tr *was,
			 const struct kpt_cut_tr *now)
{
	if (now->bad || was->mapped != now->mapped)
		return false;
	return !was->mapped ||
	       (was->oa == now->oa && was->prot == now->prot &&
		(!was->dirty || now->dirty));
}

/* Re-translate the samples reading (table, index) */
static bool kpt_cut_watch_update(struct kpt_cut_watch *w, const void *table,
				 unsigned int index)
{
	bool visible = false;
	unsigned int i;

	for (i = 0; i != w->n; i++) {
		struct kpt_cut_sample *s = &w->s[i];
		struct kpt_cut_tr now;

		if (!kpt_cut_on_path(&s->path, table, index))
			continue;
		visible = true;
		kpt_cut_xlate(w->cfg, w->top_pa, w->top_level, s->va, &now,
			      &s->path);
		if (!w->bad_store && !kpt_cut_same(&s->want, &now)) {
			w->bad_store = w->stores;
			w->bad_va = s->va;
			w->bad_was = s->want;
			w->bad_now = now;
		}
		if (now.mapped && now.dirty)
			s->want.dirty = true;
	}
	return visible;
}

/* The dirty bit of the item the walker uses for inject_va */
static void kpt_cut_inject(struct kpt_cut_watch *w)
{
	struct kpt_cut_path path;
	struct kpt_cut_tr tr;
	unsigned int index;
	void *table;

	w->injected = true;
	kpt_cut_xlate(w->cfg, w->top_pa, w->top_level, w->inject_va, &tr,
		      &path);
	if (!tr.mapped)
		return;
	table = path.step[path.n - 1].table;
	index = path.step[path.n - 1].index;
	kpt_cut_touch(table, index);
	kpt_cut_watch_update(w, table, index);
}

/* Runs after every store of the engine: reads memory, never calls it */
static void kpt_cut_store_hook(void *priv, struct pt_table_p *table,
			       unsigned int index)
{
	struct kpt_cut_watch *w = priv;

	/* Allocations and barriers change no translation */
	if (index >= PT_STORE_HOOK_ALLOC)
		return;
	w->stores++;
	if (kpt_cut_watch_update(w, table, index))
		w->visible++;
	if (w->inject_at && !w->injected &&
	    (w->inject_visible ? w->visible : w->stores) == w->inject_at)
		kpt_cut_inject(w);
}

static void kpt_cut_unhook(void *unused)
{
	pt_store_hook_set(NULL, NULL);
}

/* The hook is global: removed at the end of the case whatever happens */
static void kpt_cut_hook(struct kunit *test, struct kpt_cut_watch *w)
{
	pt_store_hook_set(kpt_cut_store_hook, w);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kpt_cut_unhook, NULL),
			0);
}

static void kpt_cut_unhook_now(struct kunit *test)
{
	kunit_release_action(test, kpt_cut_unhook, NULL);
}
#else
static void kpt_cut_hook(struct kunit *test, struct kpt_cut_watch *w)
{
}

static void kpt_cut_unhook_now(struct kunit *test)
{
}
#endif

static void kpt_cut_need_hook(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK))
		kunit_skip(test, "needs CONFIG_IOMMU_PT_STORE_HOOK");
}

static void kpt_cut_need_dirty(struct kunit *test, const struct kpt_cfg *cfg)
{
	if (!cfg || !kpt_ref_has_dirty(cfg))
		kunit_skip(test, "the walker of the format keeps no dirty state");
	kpt_cut_need_hook(test);
}

static void kpt_cut_watch_add(struct kpt_cut *c, struct kpt_cut_watch *w,
			      u64 iova)
{
	if (w->n != KPT_CUT_MAX_SAMPLES && kpt_cut_valid(c, iova))
		w->s[w->n++].va = iova;
}

/*
 * Samples: both neighbours of the leaf, its ends, both sides of the cut at
 * every power of two, one in every item of a contiguous leaf, random ones.
 * Their translations now are what every store must keep.
 */
static void kpt_cut_watch_init(struct kpt_cut *c, struct kpt_cut_watch *w)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(c->level);
	u64 end = c->va + c->size, item;
	unsigned int i, k;

	memset(w, 0, offsetof(struct kpt_cut_watch, s));
	kpt_cut_get_top(c);
	w->cfg = c->cfg;
	w->top_pa = c->top_pa;
	w->top_level = c->top_level;
	kpt_cut_watch_add(c, w, c->va - 1);
	kpt_cut_watch_add(c, w, end);
	kpt_cut_watch_add(c, w, c->va);
	kpt_cut_watch_add(c, w, end - 1);
	kpt_cut_watch_add(c, w, c->cut);
	kpt_cut_watch_add(c, w, c->cut - 1);
	for (k = ilog2(c->granule); k < c->size_lg2; k++) {
		if (c->cut - c->va > BIT_ULL(k))
			kpt_cut_watch_add(c, w, c->cut - BIT_ULL(k) - 1);
		if (end - c->cut > BIT_ULL(k))
			kpt_cut_watch_add(c, w, c->cut + BIT_ULL(k));
	}
	for (item = c->va; item != end; item += BIT_ULL(isz_lg2))
		kpt_cut_watch_add(c, w,
				  item + kpt_rand_range(&c->seed, 0,
							kpt_max(isz_lg2)));
	for (i = 0; i != 32; i++)
		kpt_cut_watch_add(c, w, kpt_rand_range(&c->seed, c->va,
						       end - 1));

	for (i = 0; i != w->n; i++) {
		struct kpt_cut_sample *s = &w->s[i];
		bool mapped = s->va >= c->va && s->va < end;

		kpt_cut_xlate(w->cfg, w->top_pa, w->top_level, s->va, &s->want,
			      &s->path);
		KUNIT_EXPECT_EQ_MSG(c->test, s->want.mapped, mapped,
				    "%s: before the cut, %llx", c->desc,
				    s->va);
		if (mapped)
			KUNIT_EXPECT_EQ_MSG(c->test, s->want.oa,
					    c->pa + (s->va - c->va),
					    "%s: before the cut, %llx",
					    c->desc, s->va);
	}
}

static int kpt_cut_watched(struct kpt_cut *c, struct kpt_cut_watch *w)
{
	int ret;

	kpt_cut_hook(c->test, w);
	ret = kpt_cut_do(c, c->cut);
	kpt_cut_unhook_now(c->test);
	return ret;
}

static void kpt_cut_watch_report(struct kpt_cut *c, struct kpt_cut_watch *w)
{
	if (!w->bad_store)
		return;
	KUNIT_FAIL(c->test,
		   "%s: store %lu of %lu changed IOVA %llx from %s oa %llx prot %x dirty %d to %s oa %llx prot %x dirty %d",
		   c->desc, w->bad_store, w->stores, w->bad_va,
		   w->bad_was.mapped ? "mapped" : "unmapped", w->bad_was.oa,
		   w->bad_was.prot, w->bad_was.dirty,
		   w->bad_now.bad	  ? "bad entry" :
		   w->bad_now.mapped ? "mapped" :
				       "unmapped",
		   w->bad_now.oa, w->bad_now.prot, w->bad_now.dirty);
}

static void kpt_cut_test_hitless(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	struct kpt_cut_watch *w;
	unsigned long stores = 0;
	unsigned int size_lg2, i, n, cuts = 0;
	u64 pts[8];
	struct kpt_cut c;

	kpt_cut_need_hook(test);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (size_lg2 = 0; size_lg2 != 64; size_lg2++) {
		if (!kpt_cut_start(&c, test, cfg, size_lg2,
				   kpt_prots[size_lg2 % ARRAY_SIZE(kpt_prots)]))
			continue;
		n = kpt_cut_few_points(&c, pts);
		for (i = 0; i != n; i++, cuts++) {
			int tables;

			kpt_cut_at(&c, pts[i]);
			if (!kpt_cut_map_leaf(&c))
				continue;
			tables = atomic_read(&c.ctx->hooks.tables);
			kpt_cut_watch_init(&c, w);
			KUNIT_EXPECT_EQ_MSG(test, kpt_cut_watched(&c, w), 0,
					    "%s", c.desc);
			kpt_cut_watch_report(&c, w);
			KUNIT_EXPECT_GT_MSG(test, w->visible, 0, "%s",
					    c.desc);
			stores += w->stores;
			kpt_cut_check_parts(&c, c.cut, c.cut);

			/* Cutting at a boundary stores nothing */
			kpt_cut_watch_init(&c, w);
			KUNIT_EXPECT_EQ(test, kpt_cut_watched(&c, w), 0);
			KUNIT_EXPECT_EQ_MSG(test, w->stores, 0, "%s: again",
					    c.desc);
			kpt_cut_unmap_sides(&c, i % 2, tables);
		}
		kpt_ctx_free(c.ctx);
	}
	kfree(w);
	kunit_info(test, "%s: %u cuts, %lu stores checked", cfg->name, cuts,
		   stores);
}

/* Dirty bits */

/* Set the dirty bit of the item translating @iova, or of its whole leaf */
static void kpt_cut_set_dirty(struct kpt_cut *c, u64 iova, bool whole)
{
	struct kpt_cut_path path;
	struct kpt_cut_tr tr;
	unsigned int level, index, nitems, i;
	void *table;

	kpt_cut_xlate(c->cfg, c->top_pa, c->top_level, iova, &tr, &path);
	KUNIT_ASSERT_TRUE_MSG(c->test, tr.mapped, "%s: %llx", c->desc, iova);
	level = c->top_level + 1 - path.n;
	table = path.step[path.n - 1].table;
	index = path.step[path.n - 1].index;
	nitems = 1;
	if (whole) {
		nitems = 1U << (tr.size_lg2 - kpt_ref_item_lg2(level));
		index &= ~(nitems - 1);
	}
	for (i = 0; i != nitems; i++)
		kpt_cut_touch(table, index + i);
}

/*
 * The dirty bits as the reference decoder reads them over the whole table:
 * the dirty IOVA ranges merged, the first clean leaf item. With @clear the
 * bits are cleared too, as a read-and-clear would.
 */
struct kpt_cut_dirty {
	const struct kpt_cfg *cfg;
	unsigned int top_level;
	bool clear;
	unsigned int nranges;
	u64 start;
	u64 end;
	unsigned int nbad;
	unsigned int nclean;
	u64 clean_va;
};

static void kpt_cut_dirty_walk(struct kpt_cut_dirty *d, unsigned int level,
			       void *table, u64 va)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int i, items = 1U << (level == d->top_level ?
				       kpt_ref_top_items_lg2(d->cfg, level) :
				       kpt_ref_items_lg2(level));
	struct kpt_ref_entry ent;

	for (i = 0; i != items; i++) {
		u64 item_va = va + ((u64)i << isz_lg2);

		if (isz_lg2 + ilog2(items) > 64 && (i >> (64 - isz_lg2)))
			break;
		/* The IOVA is the position's, sign extended at the top */
		if (level == d->top_level)
			item_va = kpt_ref_va_of(d->cfg, item_va);
		kpt_ref_hw_decode(level, kpt_cut_read(table, i), &ent);
		if (ent.type == KPT_REF_EMPTY)
			continue;
		if (ent.type == KPT_REF_TABLE) {
			kpt_cut_dirty_walk(d, level - 1, phys_to_virt(ent.oa),
					   item_va);
			continue;
		}
		if (ent.type != KPT_REF_LEAF) {
			d->nbad++;
			continue;
		}
		if (!kpt_ref_dirty(ent.raw)) {
			if (!d->nclean++)
				d->clean_va = item_va;
			continue;
		}
		if (d->clear)
			kpt_cut_write(table, i, kpt_ref_mark_clean(ent.raw));
		if (d->nranges && d->end == item_va) {
			d->end += BIT_ULL(isz_lg2);
			continue;
		}
		d->nranges++;
		d->start = item_va;
		d->end = item_va + BIT_ULL(isz_lg2);
	}
}

static void kpt_cut_dirty_scan(struct kpt_cut *c, struct kpt_cut_dirty *d,
			       bool clear)
{
	memset(d, 0, sizeof(*d));
	kpt_cut_get_top(c);
	d->cfg = c->cfg;
	d->top_level = c->top_level;
	d->clear = clear;
	kpt_cut_dirty_walk(d, c->top_level, phys_to_virt(c->top_pa), 0);
	KUNIT_EXPECT_EQ_MSG(c->test, d->nbad, 0, "%s: bad entries", c->desc);
}

#ifdef pt_entry_write_is_dirty
/* The engine's read-and-clear over the leaf: @dirty all of it, or nothing */
static void kpt_cut_read_and_clear(struct kpt_cut *c, bool dirty)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap bitmap;
	struct kpt_cut_dirty d;
	unsigned int i;

	for (i = 0; i != 2; i++, dirty = false) {
		iommu_dirty_bitmap_init(&bitmap, NULL, &gather);
		KUNIT_EXPECT_EQ(c->test,
				KPT_OP(read_and_clear_dirty)(kpt_domain(c->ctx),
							     c->va, c->size, 0,
							     &bitmap),
				0);
		if (dirty) {
			KUNIT_EXPECT_EQ_MSG(c->test, (u64)gather.start, c->va,
					    "%s: read_and_clear_dirty",
					    c->desc);
			KUNIT_EXPECT_EQ_MSG(c->test, (u64)gather.end,
					    c->va + c->size - 1,
					    "%s: read_and_clear_dirty",
					    c->desc);
		} else {
			KUNIT_EXPECT_GT_MSG(c->test, gather.start, gather.end,
					    "%s: read_and_clear_dirty %u",
					    c->desc, i);
		}
	}
	/* All cleared */
	kpt_cut_dirty_scan(c, &d, false);
	KUNIT_EXPECT_EQ_MSG(c->test, d.nranges, 0,
			    "%s: dirty at %llx after read_and_clear_dirty",
			    c->desc, d.start);
}
#else
/*
 * The format has no read_and_clear_dirty: clear with the reference decoder
 * so that it accepts the entries again.
 */
static void kpt_cut_read_and_clear(struct kpt_cut *c, bool dirty)
{
	kpt_cut_dirty_scan(c, &(struct kpt_cut_dirty){}, true);
}
#endif

enum kpt_cut_dirty_mode {
	/* No dirty bit: none may appear */
	KPT_CUT_CLEAN,
	/* Every item of the leaf */
	KPT_CUT_ALL,
	/* One item of a contiguous leaf: the first, the last, the cut one */
	KPT_CUT_FIRST,
	KPT_CUT_LAST,
	KPT_CUT_AT_CUT,
	KPT_CUT_NMODES,
};

static void kpt_cut_dirty_one(struct kpt_cut *c, struct kpt_cut_watch *w,
			      enum kpt_cut_dirty_mode mode)
{
	struct kpt_cut_dirty d;
	int tables;

	if (!kpt_cut_map_leaf(c))
		return;
	tables = atomic_read(&c->ctx->hooks.tables);
	kpt_cut_get_top(c);
	if (mode == KPT_CUT_ALL)
		kpt_cut_set_dirty(c, c->va, true);
	else if (mode == KPT_CUT_FIRST)
		kpt_cut_set_dirty(c, c->va, false);
	else if (mode == KPT_CUT_LAST)
		kpt_cut_set_dirty(c, c->va + c->size - 1, false);
	else if (mode == KPT_CUT_AT_CUT)
		kpt_cut_set_dirty(c, c->cut, false);

	kpt_cut_watch_init(c, w);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_watched(c, w), 0, "%s dirty %u",
			    c->desc, mode);
	kpt_cut_watch_report(c, w);

	kpt_cut_dirty_scan(c, &d, false);
	if (mode == KPT_CUT_CLEAN) {
		KUNIT_EXPECT_EQ_MSG(c->test, d.nranges, 0,
				    "%s: dirty bits appeared", c->desc);
	} else {
		KUNIT_EXPECT_EQ_MSG(c->test, d.nclean, 0,
				    "%s dirty %u: clean item at %llx",
				    c->desc, mode, d.clean_va);
		KUNIT_EXPECT_EQ_MSG(c->test, d.nranges, 1, "%s dirty %u",
				    c->desc, mode);
		KUNIT_EXPECT_EQ_MSG(c->test, d.start, c->va, "%s dirty %u",
				    c->desc, mode);
		KUNIT_EXPECT_EQ_MSG(c->test, d.end, c->va + c->size,
				    "%s dirty %u", c->desc, mode);
	}
	kpt_cut_read_and_clear(c, mode != KPT_CUT_CLEAN);

	/* Cleared: the reference decoder accepts every entry again */
	kpt_cut_check_parts(c, c->cut, c->cut);
	kpt_cut_unmap_sides(c, true, tables);
}

static void kpt_cut_test_dirty(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	unsigned int size_lg2, i, n, mode, cuts = 0;
	struct kpt_cut_watch *w;
	u64 pts[8];
	struct kpt_cut c;

	kpt_cut_need_dirty(test, cfg);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (size_lg2 = 0; size_lg2 != 64; size_lg2++) {
		if (!kpt_cut_start(&c, test, cfg, size_lg2,
				   KPT_REF_DIRTY_PROT))
			continue;
		n = kpt_cut_few_points(&c, pts);
		for (i = 0; i != n; i++) {
			kpt_cut_at(&c, pts[i]);
			for (mode = 0; mode != KPT_CUT_NMODES; mode++, cuts++) {
				/* One item is all of a leaf that is not contiguous */
				if (mode > KPT_CUT_ALL &&
				    c.size_lg2 == kpt_ref_item_lg2(c.level))
					break;
				kpt_cut_dirty_one(&c, w, mode);
			}
		}
		kpt_ctx_free(c.ctx);
	}
	kfree(w);
	kunit_info(test, "%s: %u cuts", cfg->name, cuts);
}

/*
 * The walker sets a dirty bit while the cut runs: before the new table is
 * swapped in (the swap must fail and the cut start again), or on an item of
 * a contiguous leaf not re-written yet. The bit must not be lost.
 */
static bool kpt_cut_race_one(struct kpt_cut *c, struct kpt_cut_watch *w,
			     unsigned long at, bool visible, u64 iova)
{
	struct kpt_cut_tr tr;
	int tables;

	if (!kpt_cut_map_leaf(c))
		return false;
	tables = atomic_read(&c->ctx->hooks.tables);
	kpt_cut_watch_init(c, w);
	w->inject_at = at;
	w->inject_visible = visible;
	w->inject_va = iova;
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_watched(c, w), 0, "%s", c->desc);
	kpt_cut_watch_report(c, w);
	KUNIT_EXPECT_TRUE_MSG(c->test, w->injected, "%s: %lu stores",
			      c->desc, w->stores);
	kpt_cut_xlate(c->cfg, c->top_pa, c->top_level, iova, &tr, NULL);
	KUNIT_EXPECT_TRUE_MSG(c->test, tr.mapped && tr.dirty,
			      "%s: dirty bit the walker set on %llx after store %lu%s lost",
			      c->desc, iova, at,
			      visible ? " (counting visible ones)" : "");
	kpt_cut_dirty_scan(c, &(struct kpt_cut_dirty){}, true);
	kpt_cut_check_parts(c, c->cut, c->cut);
	kpt_cut_unmap_sides(c, true, tables);
	return !w->bad_store && tr.mapped && tr.dirty;
}

static void kpt_cut_test_dirty_race(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	unsigned int size_lg2, isz_lg2, failed = 0;
	struct kpt_cut_watch *w;
	struct kpt_cut c;

	kpt_cut_need_dirty(test, cfg);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	/* A few failures tell enough */
	for (size_lg2 = 0; size_lg2 != 64 && failed < 3; size_lg2++) {
		if (!kpt_cut_start(&c, test, cfg, size_lg2,
				   KPT_REF_DIRTY_PROT))
			continue;
		isz_lg2 = kpt_ref_item_lg2(c.level);

		/*
		 * Inside the last item: dirtied at the first store, before
		 * the new table is swapped in.
		 */
		if (BIT_ULL(isz_lg2) > c.granule) {
			kpt_cut_at(&c, c.va + c.size - BIT_ULL(isz_lg2) +
					       c.granule);
			failed += !kpt_cut_race_one(&c, w, 1, false, c.cut);
		}
		if (c.size_lg2 == isz_lg2)
			goto next;
		/* Between two items: the last dirtied at the first re-write */
		kpt_cut_at(&c, c.va + BIT_ULL(isz_lg2));
		failed += !kpt_cut_race_one(&c, w, 1, false,
					    c.va + c.size - 1);
		/* Inside the first item: the last dirtied once the table is in */
		if (BIT_ULL(isz_lg2) > c.granule) {
			kpt_cut_at(&c, c.va + c.granule);
			failed += !kpt_cut_race_one(&c, w, 1, true,
						    c.va + c.size - 1);
		}
next:
		kpt_ctx_free(c.ctx);
	}
	kfree(w);
}

/*
 * The iommufd area split: an area mapped with large pages is cut at both
 * ends of an inner range, which is then unmapped; the outer parts keep
 * translating, with the leaves fresh maps of them would have. Then again
 * inside what is left below.
 */
static void kpt_cut_split(struct kpt_cut *c, u64 s, u64 e)
{
	struct kpt_cut_tr tr;
	u64 lo = c->va, hi = c->va + c->size;

	snprintf(c->desc, sizeof(c->desc),
		 "%s: area %llx-%llx split out %llx-%llx", c->cfg->name, lo,
		 hi, s, e);
	if (s != lo)
		KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_do(c, s), 0,
				    "%s: cut at the start", c->desc);
	if (e != hi)
		KUNIT_EXPECT_EQ_MSG(c->test, kpt_cut_do(c, e), 0,
				    "%s: cut at the end", c->desc);
	KUNIT_EXPECT_EQ_MSG(c->test, kpt_unmap(c->ctx, s, e - s), e - s,
			    "%s: unmap", c->desc);
	c->cut = s;
	kpt_cut_check_parts(c, s, e);
	kpt_cut_get_top(c);
	if (s != lo)
		kpt_cut_probe(c, s - 1, true);
	if (e != hi)
		kpt_cut_probe(c, e, true);
	kpt_cut_xlate(c->cfg, c->top_pa, c->top_level, s, &tr, NULL);
	KUNIT_EXPECT_FALSE_MSG(c->test, tr.mapped, "%s", c->desc);
	kpt_cut_xlate(c->cfg, c->top_pa, c->top_level, e - 1, &tr, NULL);
	KUNIT_EXPECT_FALSE_MSG(c->test, tr.mapped, "%s", c->desc);
}

/* A granule in [lo, hi], often aligned to a random page size */
static u64 kpt_cut_rand_point(struct kpt_cut *c, u64 lo, u64 hi)
{
	u64 sizes = kpt_ref_pgsize_bitmap(c->cfg) & kpt_max(c->size_lg2);
	u64 p = c->granule * kpt_rand_range(&c->seed, kpt_div(lo, c->granule),
					    kpt_div(hi, c->granule));
	unsigned int k = kpt_rand_range(&c->seed, 0, 63);

	if ((sizes & BIT_ULL(k)) && ALIGN(p, BIT_ULL(k)) <= hi)
		p = ALIGN(p, BIT_ULL(k));
	return p;
}

static void kpt_cut_test_area_split(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	struct kpt_span spans[KPT_MAX_SPANS];
	u64 sizes, big, second;
	unsigned int i;
	struct kpt_cut c;

	/* Four of the big size fit the first span (small on a 32-bit kernel) */
	kpt_ref_spans(cfg, spans);
	sizes = kpt_ref_pgsize_bitmap(cfg) &
		kpt_max(min_t(unsigned int, KPT_CUT_MAX_LG2 + 1,
			      spans[0].lg2 - 2));
	big = BIT_ULL(fls64(sizes) - 1);
	second = sizes & (big - 1) ? BIT_ULL(fls64(sizes & (big - 1)) - 1) : 0;
	if (!second)
		kunit_skip(test, "%s: one leaf size, no area of mixed sizes",
			   cfg->name);

	for (i = 0; i != 24; i++) {
		u64 s, e, s2 = 0, e2 = 0;
		struct kpt_walk walk = {};

		/* An area of mixed sizes: 2 big, 3 of the next, 5 granules */
		KUNIT_ASSERT_TRUE(test, kpt_cut_setup(&c, test, cfg,
						      ilog2(big) + 2,
						      IOMMU_READ |
						      IOMMU_WRITE));
		c.seed += i;
		c.ctx = kpt_ctx_new(test, cfg);
		c.granule = c.ctx->min_pgsize;
		c.size = 2 * big + 3 * second + 5 * c.granule;
		if (kpt_map_ok(c.ctx, c.va, c.pa, c.size, c.prot))
			goto next;

		s = kpt_cut_rand_point(&c, c.va, c.va + c.size - c.granule);
		e = kpt_cut_rand_point(&c, s + c.granule, c.va + c.size);
		kpt_cut_split(&c, s, e);
		/* Split what is below again, if there is room */
		if (s - c.va >= 2 * c.granule) {
			s2 = kpt_cut_rand_point(&c, c.va, s - 2 * c.granule);
			e2 = kpt_cut_rand_point(&c, s2 + c.granule,
						s - c.granule);
			KUNIT_EXPECT_EQ(test, kpt_cut_do(&c, s2), 0);
			KUNIT_EXPECT_EQ(test, kpt_cut_do(&c, e2), 0);
			KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(c.ctx, s2, e2 - s2),
					    e2 - s2, "%s: second split %llx-%llx",
					    c.desc, s2, e2);
			if (s2 != c.va)
				kpt_cut_probe(&c, s2 - 1, true);
			kpt_cut_probe(&c, e2, true);
			kpt_cut_probe(&c, s - 1, true);
			kpt_cut_probe(&c, s2, false);
			kpt_cut_probe(&c, e2 - 1, false);
		}
		/* What is left is all there, and all goes */
		kpt_walk(c.ctx, &walk);
		KUNIT_EXPECT_EQ_MSG(test, walk.leaf_bytes,
				    c.size - (e - s) - (e2 - s2), "%s",
				    c.desc);
		KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(c.ctx, c.va, c.size),
				    walk.leaf_bytes, "%s", c.desc);
		kpt_check_empty(c.ctx, c.desc);
next:
		kpt_ctx_free(c.ctx);
	}
}

/*
 * Concurrency: one thread maps, cuts and unmaps large leaves while others
 * map and unmap disjoint ranges in the same tables, or in tables sharing
 * the level above. No thread may see a lost or wrong translation.
 */

#define KPT_CUT_WORKERS 3
#define KPT_CUT_CYCLES 400
#define KPT_CUT_WORKER_OPS 100000

struct kpt_cut_conc;

struct kpt_cut_thread {
	struct kpt_cut_conc *cc;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
	u64 base;
	u64 len;
	u64 seed;
	bool owns_table;
	unsigned long ops;
	unsigned int errors;
	const char *what;
	u64 err_va;
	u64 err_got;
	u64 err_want;
};

struct kpt_cut_conc {
	struct kpt_ctx *ctx;
	u64 top_pa;
	unsigned int top_level;
	unsigned int nleaves;
	unsigned int leaf_lg2[2];
	u64 leaf_va[2];
	u64 leaf_pa[2];
	atomic_t started;
	atomic_t stop;
	struct kpt_cut_thread t[KPT_CUT_WORKERS + 1];
};

static void kpt_cut_thread_err(struct kpt_cut_thread *t, const char *what,
			       u64 va, u64 got, u64 want)
{
	if (t->errors++)
		return;
	t->what = what;
	t->err_va = va;
	t->err_got = got;
	t->err_want = want;
}

/* The OA of an IOVA of the threads: as aligned, in the upper half */
static u64 kpt_cut_thread_pa(const struct kpt_cfg *cfg, u64 va)
{
	return va ^ BIT_ULL(cfg->oasz_lg2 - 1);
}

/* map and unmap without KUnit checks, which belong to the main thread */
static int kpt_cut_thread_map(struct kpt_ctx *ctx, u64 va, u64 pa, u64 len)
{
	size_t mapped = 0;
	int ret;

	ret = KPT_OP(map_pages)(kpt_domain(ctx), va, pa, ctx->min_pgsize,
				kpt_div(len, ctx->min_pgsize),
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL, &mapped);
	if (!ret && mapped != len)
		return -EIO;
	return ret;
}

static u64 kpt_cut_thread_unmap(struct kpt_ctx *ctx, u64 va, u64 len)
{
	struct iommu_iotlb_gather gather;
	u64 unmapped;

	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(ctx), va, ctx->min_pgsize,
				       kpt_div(len, ctx->min_pgsize), &gather);
	kpt_gather_free(ctx, &gather);
	return unmapped;
}

static void kpt_cut_thread_check(struct kpt_cut_thread *t, u64 va, u64 want)
{
	struct kpt_cut_conc *cc = t->cc;
	u64 got = kpt_phys(cc->ctx, va);
	struct kpt_cut_tr tr;

	if (got != want)
		kpt_cut_thread_err(t, "iova_to_phys", va, got, want);
	kpt_cut_xlate(cc->ctx->cfg, cc->top_pa, cc->top_level, va, &tr,
		      NULL);
	if (tr.bad || tr.mapped != !!want || (want && tr.oa != want))
		kpt_cut_thread_err(t, "reference walk", va, tr.oa, want);
}

/* Returns once stopped, as kernel threads must */
static int kpt_cut_thread_end(struct kpt_cut_thread *t)
{
	complete(&t->done);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

static int kpt_cut_cutter(void *arg)
{
	struct kpt_cut_thread *t = arg;
	struct kpt_cut_conc *cc = t->cc;
	struct kpt_ctx *ctx = cc->ctx;
	u64 g = ctx->min_pgsize;
	unsigned int cycle, i;

	/* Cut only while the others run */
	while (atomic_read(&cc->started) != KPT_CUT_WORKERS &&
	       !atomic_read(&cc->stop))
		usleep_range(100, 200);
	for (cycle = 0; cycle != KPT_CUT_CYCLES && !t->errors; cycle++) {
		unsigned int which = cycle % cc->nleaves;
		u64 size = BIT_ULL(cc->leaf_lg2[which]);
		u64 va = cc->leaf_va[which], pa = cc->leaf_pa[which];
		u64 cut[4] = { va, 0, 0, va + size };
		int ret;

		if (kpt_cut_thread_map(ctx, va, pa, size)) {
			kpt_cut_thread_err(t, "map", va, 0, pa);
			break;
		}
		cut[1] = va + g * kpt_rand_range(&t->seed, 1, kpt_div(size, g) - 1);
		cut[2] = va + g * kpt_rand_range(&t->seed, 1, kpt_div(size, g) - 1);
		if (cut[1] > cut[2])
			swap(cut[1], cut[2]);
		for (i = 1; i != 3; i++) {
			ret = KPT_OP(cut_mapping)(&ctx->table.iommu, cut[i],
						  GFP_KERNEL);
			if (ret)
				kpt_cut_thread_err(t, "cut", cut[i], ret, 0);
			kpt_cut_thread_check(t, cut[i] - 1,
					     pa + cut[i] - 1 - va);
			kpt_cut_thread_check(t, cut[i], pa + cut[i] - va);
		}
		for (i = 0; i != 4; i++) {
			u64 iova = va + g * kpt_rand_range(&t->seed, 0,
							   kpt_div(size, g) - 1);

			kpt_cut_thread_check(t, iova, pa + iova - va);
		}
		/* Each piece unmaps exactly, in a random order */
		for (i = 0; i != 3; i++) {
			unsigned int p = (i + cycle) % 3;
			u64 len = cut[p + 1] - cut[p];

			if (len && kpt_cut_thread_unmap(ctx, cut[p], len) !=
					   len)
				kpt_cut_thread_err(t, "unmap", cut[p], 0, len);
		}
		/* The tables the cuts made */
		kpt_cut_thread_unmap(ctx, va, size);
		kpt_cut_thread_check(t, cut[1], 0);
		t->ops++;
		cond_resched();
	}
	return kpt_cut_thread_end(t);
}

static int kpt_cut_worker(void *arg)
{
	struct kpt_cut_thread *t = arg;
	struct kpt_cut_conc *cc = t->cc;
	struct kpt_ctx *ctx = cc->ctx;
	u64 g = ctx->min_pgsize;
	u64 big = BIT_ULL(kpt_ref_item_lg2(1));

	atomic_inc(&cc->started);
	do {
		/* Granules, or level 1 items at their alignment */
		bool large = kpt_rand(&t->seed) & 1;
		u64 unit = large ? big : g;
		u64 len = unit * kpt_rand_range(&t->seed, 1, large ? 2 : 40);
		u64 va = t->base + unit * kpt_rand_range(&t->seed, 0,
							 kpt_div(t->len - len, unit));
		u64 pa = kpt_cut_thread_pa(cc->ctx->cfg, va);

		if (kpt_cut_thread_map(ctx, va, pa, len)) {
			kpt_cut_thread_err(t, "map", va, 0, pa);
			break;
		}
		kpt_cut_thread_check(t, va, pa);
		kpt_cut_thread_check(t, va + len - 1, pa + len - 1);
		if (kpt_cut_thread_unmap(ctx, va, len) != len)
			kpt_cut_thread_err(t, "unmap", va, 0, len);
		kpt_cut_thread_check(t, va, 0);
		/* Free its table so that the next map installs it again */
		if (t->owns_table && !(t->ops % 8))
			kpt_cut_thread_unmap(ctx, t->base, t->len);
		t->ops++;
		cond_resched();
	} while (!atomic_read(&cc->stop) && t->ops != KPT_CUT_WORKER_OPS &&
		 !t->errors);
	return kpt_cut_thread_end(t);
}

static void kpt_cut_test_concurrent(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_cut_cfg();
	unsigned int t1_lg2 = kpt_ref_table_lg2(1);
	u64 sizes = kpt_ref_level_sizes(cfg, 1) & kpt_max(t1_lg2 - 2);
	struct kpt_span spans[KPT_MAX_SPANS];
	struct kpt_walk walk = {};
	struct kpt_cut_conc *cc;
	bool wide;
	u64 t1, base;
	unsigned int i;

	/*
	 * Wide: eight level 1 tables fit in the lower span, the threads use
	 * the fifth and sixth. Else they share the first.
	 */
	kpt_ref_spans(cfg, spans);
	if (!sizes || t1_lg2 > spans[0].lg2 || t1_lg2 + 1 >= cfg->oasz_lg2)
		kunit_skip(test, "%s: no level 1 leaves or tables", cfg->name);
	wide = t1_lg2 + 3 <= min_t(unsigned int, spans[0].lg2,
				   cfg->oasz_lg2 - 1);
	t1 = BIT_ULL(t1_lg2);
	base = wide ? 4 * t1 : 0;
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cc);
	cc->ctx = kpt_ctx_new(test, cfg);
	atomic_set(&cc->started, 0);
	atomic_set(&cc->stop, 0);

	/*
	 * The cutter: a leaf of level 1 in the first quarter of the level 1
	 * table at base and, when wide, a level 2 leaf two items above if
	 * level 2 holds leaves. Workers 1 and 2 share that level 1 table.
	 * Worker 3 has, when wide, the next one, in the same level 2 table,
	 * which it frees now and then; else the second quarter.
	 */
	cc->leaf_lg2[0] = fls64(sizes) - 1;
	cc->leaf_va[0] = base;
	cc->nleaves = 1;
	if (wide && (kpt_ref_level_sizes(cfg, 2) & BIT_ULL(t1_lg2))) {
		cc->leaf_lg2[1] = t1_lg2;
		cc->leaf_va[1] = base + 2 * t1;
		cc->nleaves = 2;
	}
	for (i = 0; i != cc->nleaves; i++)
		cc->leaf_pa[i] = kpt_cut_thread_pa(cfg, cc->leaf_va[i]);
	cc->t[1].base = base + t1 / 2;
	cc->t[1].len = t1 / 4;
	cc->t[2].base = base + 3 * t1 / 4;
	cc->t[2].len = t1 / 4;
	cc->t[3].base = wide ? base + t1 : base + t1 / 4;
	cc->t[3].len = wide ? t1 : t1 / 4;
	cc->t[3].owns_table = wide;
	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&cc->ctx->table, &cc->top_pa,
					  &cc->top_level), 0);

	for (i = 0; i != ARRAY_SIZE(cc->t); i++) {
		struct kpt_cut_thread *t = &cc->t[i];

		t->cc = cc;
		t->id = i;
		t->seed = KPT_CUT_SEED + 100 + i;
		init_completion(&t->done);
		t->task = kthread_run(i ? kpt_cut_worker : kpt_cut_cutter, t,
				      "kpt-cut-%u", i);
		if (IS_ERR(t->task)) {
			KUNIT_FAIL(test, "kthread_run: %ld",
				   PTR_ERR(t->task));
			t->task = NULL;
			atomic_set(&cc->stop, 1);
		}
	}
	/* Bounded: the cutter does its cycles, then the workers stop */
	if (cc->t[0].task &&
	    !wait_for_completion_timeout(&cc->t[0].done, 120 * HZ))
		KUNIT_FAIL(test, "cutter timed out");
	atomic_set(&cc->stop, 1);
	for (i = 0; i != ARRAY_SIZE(cc->t); i++) {
		struct kpt_cut_thread *t = &cc->t[i];

		if (!t->task)
			continue;
		if (i && !wait_for_completion_timeout(&t->done, 60 * HZ))
			KUNIT_FAIL(test, "thread %u timed out", i);
		kthread_stop(t->task);
		KUNIT_EXPECT_EQ_MSG(test, t->errors, 0,
				    "thread %u: %s at %llx: %llx, want %llx",
				    i, t->what, t->err_va, t->err_got,
				    t->err_want);
		KUNIT_EXPECT_GT_MSG(test, t->ops, 0, "thread %u", i);
	}
	KUNIT_EXPECT_EQ(test, cc->t[0].ops, KPT_CUT_CYCLES);
	kunit_info(test, "%s: %lu cut cycles, %lu + %lu + %lu map/unmap",
		   cfg->name, cc->t[0].ops, cc->t[1].ops, cc->t[2].ops,
		   cc->t[3].ops);

	kpt_walk(cc->ctx, &walk);
	KUNIT_EXPECT_EQ(test, walk.nleaves, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&cc->ctx->hooks.tables),
			walk.ntables);
	kpt_ctx_free(cc->ctx);
	kfree(cc);
}

static int kpt_cut_init(struct kunit *test)
{
	if (!kpt_any_cfg_fits_ulong())
		kunit_skip(test, "needs 64-bit IOVAs");
	if (!kpt_cut_cfg())
		kunit_skip(test, "no configuration to cut in");
	return 0;
}

static struct kunit_case kpt_cut_cases[] = {
	KUNIT_CASE(kpt_cut_test_errors),
	KUNIT_CASE(kpt_cut_test_sizes),
	KUNIT_CASE(kpt_cut_test_enomem),
	KUNIT_CASE(kpt_cut_test_hitless),
	KUNIT_CASE(kpt_cut_test_dirty),
	KUNIT_CASE(kpt_cut_test_dirty_race),
	KUNIT_CASE(kpt_cut_test_area_split),
	KUNIT_CASE_SLOW(kpt_cut_test_concurrent),
	{}
};

static struct kunit_suite kpt_cut_suite = {
	.name = KPT_SUITE_NAME("cut"),
	.init = kpt_cut_init,
	.test_cases = kpt_cut_cases,
};

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: IOMMU level suite, templated per format.
 *
 * Calls the exported pt_iommu_<fmt>_* functions and checks what they did by
 * walking the table memory with the reference decoder of the format's test
 * personality, starting from the top the driver would program
 * (kpt_fmt_top()), and by comparing with independent models: the greedy
 * decomposition of a range into page sizes, and a list of mapped intervals
 * for the random differential test.
 */
#ifndef __GENERIC_PT_KUNIT_IOMMU_H
#define __GENERIC_PT_KUNIT_IOMMU_H

#include <linux/io.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#include "../../../iommu-pages.h"

/* A format without the engine's full-table note (see kunit/common.h) */
#ifndef KPT_REF_TABLE_FULL_BIT
#define KPT_REF_TABLE_FULL_BIT 0
#endif

/* Seed of the random differential test; override with -DKPT_SEED= */
/*
 * Features a table with PT_FEAT_DMA_INCOHERENT refuses (ARM hardware dirty
 * state): the suites that make a configuration incoherent drop them
 */
#ifndef KPT_REF_COHERENT_FEATURES
#define KPT_REF_COHERENT_FEATURES 0
#endif

/* @features of a configuration, for an incoherent walker */
static inline unsigned int kpt_incoherent_features(unsigned int features)
{
	return (features & ~(unsigned int)KPT_REF_COHERENT_FEATURES) |
	       BIT(PT_FEAT_DMA_INCOHERENT);
}

#ifndef KPT_SEED
#define KPT_SEED 0x47656e6572696350ULL
#endif

/* Reference model of the table geometry */

/* The span holding all of [va, last], or -1 */
static int kpt_span_of(const struct kpt_cfg *cfg, u64 va, u64 last)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int n = kpt_ref_spans(cfg, spans);
	unsigned int i;

	if (last < va)
		return -1;
	for (i = 0; i != n; i++)
		if (va >= spans[i].first && last <= spans[i].last)
			return i;
	return -1;
}

/*
 * Whether every IOVA a table of @cfg can map fits the iommu API's unsigned
 * long. On a 32-bit kernel only configurations of at most 32-bit IOVAs do
 * (ARMv7s without MediaTek's 34-bit extension, the 32-bit ARM LPAE and DART
 * ones, AMD v1's small ones): the suites run those and skip the others,
 * whose IOVAs the API cannot name (kpt_drv_test_iova_type checks that they
 * are refused).
 */
static bool kpt_cfg_fits_ulong(const struct kpt_cfg *cfg)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int n = kpt_ref_spans(cfg, spans);

	return spans[n - 1].last <= ULONG_MAX;
}

/* The first configuration from @i on that fits, or ARRAY_SIZE(kpt_cfgs) */
static unsigned int kpt_next_cfg(unsigned int i)
{
	while (i != ARRAY_SIZE(kpt_cfgs) && !kpt_cfg_fits_ulong(&kpt_cfgs[i]))
		i++;
	return i;
}

/* Each configuration of the format that fits the iommu API */
#define kpt_for_each_cfg(i)                                   \
	for ((i) = kpt_next_cfg(0); (i) != ARRAY_SIZE(kpt_cfgs); \
	     (i) = kpt_next_cfg((i) + 1))

/* Whether any configuration does; the suites skip without one */
static bool kpt_any_cfg_fits_ulong(void)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		return true;
	return false;
}

/*
 * The length a span is unmapped in: all of it, or half where its size does
 * not fit size_t (2^64; 2^32 on a 32-bit kernel)
 */
static u64 kpt_span_piece(const struct kpt_span *span)
{
	return BIT_ULL(min_t(unsigned int, span->lg2, BITS_PER_LONG - 1));
}

/* Every leaf size a table of @cfg can store: its page size bitmap */
static u64 kpt_ref_pgsize_bitmap(const struct kpt_cfg *cfg)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int level;
	u64 sizes = 0;

	kpt_ref_spans(cfg, spans);
	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++)
		sizes |= kpt_ref_level_sizes(cfg, level);
	/* Nothing as large as a whole span of the IOVA space */
	return sizes & kpt_max(spans[0].lg2) & ULONG_MAX;
}

/* The level a leaf of 2^size_lg2 lives at */
static unsigned int kpt_ref_size_level(const struct kpt_cfg *cfg,
				       unsigned int size_lg2)
{
	unsigned int level;

	for (level = KPT_REF_MAX_LEVEL; level; level--)
		if (kpt_ref_level_sizes(cfg, level) & BIT_ULL(size_lg2))
			break;
	return level;
}

/* log2 of the IOVA span of a whole table at @level */
static unsigned int kpt_ref_table_lg2(unsigned int level)
{
	return kpt_ref_item_lg2(level) + kpt_ref_items_lg2(level);
}

/*
 * log2 of the items of the top table of a table of @cfg when the top is at
 * @level. A personality whose top differs from a lower table of the level
 * (fewer items, or several tables concatenated) provides its own.
 */
#ifndef kpt_ref_top_items_lg2
static unsigned int kpt_ref_top_items_lg2(const struct kpt_cfg *cfg,
					  unsigned int level)
{
	return kpt_ref_items_lg2(level);
}
#endif

/* The test context: one table and what the driver ops saw */

struct kpt_ctx {
	struct kunit *test;
	const struct kpt_cfg *cfg;
	struct KPT_TABLE table;
	struct pt_iommu_test_hooks hooks;
	struct pt_iommu_driver_ops drv_ops;
	/* What get_top_lock returns, the engine holds it over change_top */
	spinlock_t top_lock;
	unsigned int change_top_calls;
	unsigned int top_lock_calls;
	u64 change_top_pa;
	unsigned int change_top_level;
	bool change_top_mismatch;
	u64 min_pgsize;
	/* The driver flushes a map asked for, see kpt_iotlb_sync() */
	spinlock_t sync_lock;
	unsigned int iotlb_syncs;
	unsigned int synced_tables;
	u64 synced_first;
	u64 synced_last;
	/* For the test using the context */
	void *priv;
};

static struct iommu_domain *kpt_domain(struct kpt_ctx *ctx)
{
	return &ctx->table.iommu.domain;
}

static struct kpt_ctx *kpt_ctx_of(struct pt_iommu *iommu_table)
{
	return container_of(iommu_table, struct kpt_ctx, table.iommu);
}

static void kpt_change_top(struct pt_iommu *iommu_table, phys_addr_t top_pa,
			   unsigned int top_level)
{
	struct kpt_ctx *ctx = kpt_ctx_of(iommu_table);
	unsigned int level;
	u64 pa;

	ctx->change_top_calls++;
	/*
	 * The hardware is told first: maps read the top without the lock, so
	 * until the driver has switched to the new top they must still see
	 * the old one (the one the driver was told last), or a map beyond the
	 * old reach could return while the device cannot translate it.
	 */
	if (kpt_fmt_top(&ctx->table, &pa, &level) || pa == top_pa ||
	    level >= top_level ||
	    (ctx->change_top_calls > 1 && (pa != ctx->change_top_pa ||
					   level != ctx->change_top_level)))
		ctx->change_top_mismatch = true;
	ctx->change_top_pa = top_pa;
	ctx->change_top_level = top_level;
}

static spinlock_t *kpt_get_top_lock(struct pt_iommu *iommu_table)
{
	struct kpt_ctx *ctx = kpt_ctx_of(iommu_table);

	ctx->top_lock_calls++;
	return &ctx->top_lock;
}

static void kpt_iotlb_sync(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *gather);

/*
 * The driver's domain ops, as far as the table calls them: map hands the
 * empty tables it replaces by a leaf to iotlb_sync().
 */
static const struct iommu_domain_ops kpt_domain_ops = {
	.iotlb_sync = kpt_iotlb_sync,
};

/* A context with its hooks and driver ops, not initialised */
static struct kpt_ctx *kpt_ctx_alloc(struct kunit *test,
				     const struct kpt_cfg *cfg)
{
	struct kpt_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	ctx->cfg = cfg;
	spin_lock_init(&ctx->top_lock);
	spin_lock_init(&ctx->sync_lock);
	ctx->drv_ops.change_top = kpt_change_top;
	ctx->drv_ops.get_top_lock = kpt_get_top_lock;
	ctx->table.iommu.test = &ctx->hooks;
	ctx->table.iommu.domain.ops = &kpt_domain_ops;
	ctx->hooks.sme_mask = cfg->sme_mask;
	kpt_ref_select(cfg);
	return ctx;
}

static struct kpt_ctx *kpt_ctx_new(struct kunit *test,
				   const struct kpt_cfg *cfg)
{
	struct kpt_ctx *ctx = kpt_ctx_alloc(test, cfg);
	int ret;

	ret = kpt_fmt_init(&ctx->table, cfg, &ctx->drv_ops);
	if (ret)
		kfree(ctx);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: init", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables), 1,
			    "%s: tables after init", cfg->name);
	ctx->min_pgsize = kpt_domain(ctx)->pgsize_bitmap &
			  -kpt_domain(ctx)->pgsize_bitmap;
	KUNIT_EXPECT_NE(test, ctx->min_pgsize, 0);
	if (!ctx->min_pgsize)
		ctx->min_pgsize = 1;
	return ctx;
}

/* deinit must free every table the table still owns */
static void kpt_ctx_free(struct kpt_ctx *ctx)
{
	KPT_OP(deinit)(&ctx->table.iommu);
	KUNIT_EXPECT_EQ_MSG(ctx->test, atomic_read(&ctx->hooks.tables), 0,
			    "%s: tables left after deinit", ctx->cfg->name);
	/* A second deinit finds nothing to do */
	KPT_OP(deinit)(&ctx->table.iommu);
	KUNIT_EXPECT_EQ(ctx->test, atomic_read(&ctx->hooks.tables), 0);
	kfree(ctx);
}

/*
 * The tests ask for IOVAs and lengths of the table's whole space, u64s. The
 * iommu API takes an unsigned long IOVA and a size_t count, 32 bits on a
 * 32-bit kernel, where such a call cannot be made: kpt_map(), kpt_unmap()
 * and kpt_phys() then answer what the library answers for an IOVA beyond
 * unsigned long (a dma_addr_t one: -ERANGE, nothing unmapped, no
 * translation) or a length beyond SIZE_MAX (-EOVERFLOW), without calling
 * it. kpt_drv_test_iova_type checks that the library does, through the
 * iommu core. On a 64-bit kernel every value fits.
 */
static bool kpt_api_can_name(u64 va, u64 count)
{
	return va <= ULONG_MAX && count <= SIZE_MAX;
}

static int kpt_map(struct kpt_ctx *ctx, u64 va, u64 pa, u64 pgsize,
		   u64 pgcount, unsigned int prot, size_t *mapped)
{
	if (!kpt_api_can_name(va, pgcount))
		return pgcount > SIZE_MAX ? -EOVERFLOW : -ERANGE;
	return KPT_OP(map_pages)(kpt_domain(ctx), va, pa, pgsize, pgcount,
				 prot, GFP_KERNEL, mapped);
}

/* Map [va, va + len) in pages of the smallest size, expecting success */
static int kpt_map_ok(struct kpt_ctx *ctx, u64 va, u64 pa, u64 len,
		      unsigned int prot)
{
	size_t mapped = 0;
	int ret;

	ret = kpt_map(ctx, va, pa, ctx->min_pgsize, kpt_div(len, ctx->min_pgsize),
		      prot, &mapped);
	KUNIT_EXPECT_EQ_MSG(ctx->test, ret, 0,
			    "%s: map va %llx pa %llx len %llx", ctx->cfg->name,
			    va, pa, len);
	if (!ret)
		KUNIT_EXPECT_EQ_MSG(ctx->test, mapped, len,
				    "%s: mapped bytes of va %llx len %llx",
				    ctx->cfg->name, va, len);
	return ret;
}

static u64 kpt_phys(struct kpt_ctx *ctx, u64 va)
{
	if (!kpt_api_can_name(va, 1))
		return 0;
	return KPT_OP(iova_to_phys)(kpt_domain(ctx), va);
}

static unsigned int kpt_count_list(struct list_head *head)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/* What the driver's iotlb_sync does: free the tables after the flush */
static unsigned int kpt_gather_free(struct kpt_ctx *ctx,
				    struct iommu_iotlb_gather *gather)
{
	unsigned int n = kpt_count_list(&gather->freelist);

	atomic_sub(n, &ctx->hooks.tables);
	iommu_put_pages_list(&gather->freelist);
	return n;
}

/*
 * The driver's flush of what a map replaced: the gather holds the IOVA
 * span of the empty tables that left the walk, which are freed after it.
 */
static void kpt_iotlb_sync(struct iommu_domain *domain,
			   struct iommu_iotlb_gather *gather)
{
	struct kpt_ctx *ctx = container_of(domain, struct kpt_ctx,
					   table.iommu.domain);
	unsigned int freed = kpt_gather_free(ctx, gather);

	/* Concurrent maps of disjoint ranges may flush at the same time */
	spin_lock(&ctx->sync_lock);
	ctx->iotlb_syncs++;
	ctx->synced_first = gather->start;
	ctx->synced_last = gather->end;
	ctx->synced_tables += freed;
	spin_unlock(&ctx->sync_lock);
}

/*
 * Unmap with one unmap_pages call; the gather stays inside the range (the
 * gather suite checks that it covers exactly what went)
 */
static u64 kpt_unmap(struct kpt_ctx *ctx, u64 va, u64 len)
{
	struct iommu_iotlb_gather gather;
	size_t unmapped;

	if (!kpt_api_can_name(va, kpt_div(len, ctx->min_pgsize)))
		return 0;
	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(ctx), va, ctx->min_pgsize,
				       kpt_div(len, ctx->min_pgsize), &gather);
	if (unmapped) {
		KUNIT_EXPECT_GE_MSG(ctx->test, (u64)gather.start, va,
				    "%s: gather of unmap %llx+%llx",
				    ctx->cfg->name, va, len);
		KUNIT_EXPECT_LE_MSG(ctx->test, (u64)gather.end, va + len - 1,
				    "%s: gather of unmap %llx+%llx",
				    ctx->cfg->name, va, len);
		KUNIT_EXPECT_LE(ctx->test, (u64)gather.start, (u64)gather.end);
	}
	kpt_gather_free(ctx, &gather);
	return unmapped;
}

/* The reference walk */

struct kpt_leaf {
	u64 va;
	u64 oa;
	unsigned int size_lg2;
	unsigned int level;
	unsigned int prot;
};

/* Apple DART 4K maps 1G in 4K pages: 512 leaf tables */
#define KPT_SNAP_MAX 1024

/* A copy of every reachable table, in walk order */
struct kpt_snap {
	unsigned int n;
	bool overflow;
	struct {
		u64 pa;
		u64 va;
		unsigned int level;
		unsigned int items;
		kpt_le_word *words;
	} t[KPT_SNAP_MAX];
};

struct kpt_walk;
typedef void (*kpt_leaf_fn_t)(struct kpt_walk *walk,
			      const struct kpt_leaf *leaf);

struct kpt_walk {
	struct kunit *test;
	const struct kpt_cfg *cfg;
	kpt_leaf_fn_t leaf_fn;
	void *priv;
	struct kpt_snap *snap;
	unsigned int top_level;
	u64 top_pa;
	unsigned int ntables;
	unsigned int nleaves;
	unsigned int nbad;
	unsigned int nfull;
	unsigned int by_size[64];
	u64 leaf_bytes;
};

static void kpt_walk_bad(struct kpt_walk *walk, unsigned int level,
			 unsigned int index, u64 va, u64 word, const char *why)
{
	if (walk->nbad++ < 4)
		KUNIT_FAIL(walk->test,
			   "%s: level %u item %u (va %llx) word %016llx: %s",
			   walk->cfg->name, level, index, va, word, why);
}

static void kpt_snap_add(struct kpt_walk *walk, unsigned int level, u64 pa,
			 u64 va, const void *table, unsigned int items)
{
	struct kpt_snap *snap = walk->snap;
	kpt_le_word *words;

	if (snap->n == KPT_SNAP_MAX) {
		snap->overflow = true;
		return;
	}
	words = kmalloc_array(items, sizeof(*words), GFP_KERNEL);
	if (!words) {
		snap->overflow = true;
		return;
	}
	memcpy(words, table, items * sizeof(*words));
	snap->t[snap->n].pa = pa;
	snap->t[snap->n].va = va;
	snap->t[snap->n].level = level;
	snap->t[snap->n].items = items;
	snap->t[snap->n].words = words;
	snap->n++;
}

static void kpt_snap_free(struct kpt_snap *snap)
{
	unsigned int i;

	for (i = 0; i != snap->n; i++)
		kfree(snap->t[i].words);
	snap->n = 0;
	snap->overflow = false;
}

static void kpt_walk_table(struct kpt_walk *walk, unsigned int level, u64 pa,
			   u64 va)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	const struct kpt_cfg *cfg = walk->cfg;
	unsigned int items = 1U << (level == walk->top_level ?
				    kpt_ref_top_items_lg2(cfg, level) :
				    kpt_ref_items_lg2(level));
	const void *table = phys_to_virt(pa);
	struct kpt_ref_entry ent;
	struct kpt_leaf leaf;
	unsigned int i;

	walk->ntables++;
	if (walk->snap)
		kpt_snap_add(walk, level, pa, va, table, items);

	for (i = 0; i < items; i += max(ent.nitems, 1U)) {
		u64 item_va = kpt_ref_va_of(cfg, va + ((u64)i << isz_lg2));

		kpt_ref_decode(table, level, i, &ent);
		if (ent.type == KPT_REF_EMPTY)
			continue;
		if (kpt_ref_table_lg2(level) > 64 && (i >> (64 - isz_lg2))) {
			kpt_walk_bad(walk, level, i, item_va, ent.raw,
				     "entry beyond the 64-bit IOVA space");
			continue;
		}
		if (ent.type == KPT_REF_BAD) {
			kpt_walk_bad(walk, level, i, item_va, ent.raw, ent.why);
			ent.nitems = 1;
			continue;
		}
		if (ent.type == KPT_REF_TABLE) {
			u64 bytes = walk->leaf_bytes;

			kpt_walk_table(walk, level - 1, ent.oa, item_va);
			/* The note that all of it is mapped must be true */
			if (ent.full) {
				walk->nfull++;
				if (walk->leaf_bytes - bytes != BIT_ULL(isz_lg2))
					kpt_walk_bad(walk, level, i, item_va,
						     ent.raw,
						     "marked full, has holes");
			}
			continue;
		}

		if (kpt_span_of(cfg, item_va,
				item_va + kpt_max(ent.size_lg2)) < 0)
			kpt_walk_bad(walk, level, i, item_va, ent.raw,
				     "leaf outside the IOVA space");
		if (!(kpt_ref_level_sizes(cfg, level) & BIT_ULL(ent.size_lg2)))
			kpt_walk_bad(walk, level, i, item_va, ent.raw,
				     "leaf size the configuration does not have");
		if ((ent.oa + kpt_max(ent.size_lg2)) >> cfg->oasz_lg2)
			kpt_walk_bad(walk, level, i, item_va, ent.raw,
				     "leaf beyond max_oasz_lg2");
		walk->nleaves++;
		walk->by_size[ent.size_lg2]++;
		walk->leaf_bytes += BIT_ULL(ent.size_lg2);
		if (walk->leaf_fn) {
			leaf.va = item_va;
			leaf.oa = ent.oa;
			leaf.size_lg2 = ent.size_lg2;
			leaf.level = level;
			leaf.prot = ent.prot;
			walk->leaf_fn(walk, &leaf);
		}
	}
}

/*
 * Walk every table reachable from the top as the hardware would see it.
 * Fills @walk (zeroed by the caller except leaf_fn, priv and snap).
 */
static void kpt_walk_table_of(struct kunit *test, const struct kpt_cfg *cfg,
			      struct KPT_TABLE *table, struct kpt_walk *walk)
{
	struct pt_iommu_info info;
	int ret;

	walk->test = test;
	walk->cfg = cfg;
	kpt_ref_select(cfg);
	ret = kpt_fmt_top(table, &walk->top_pa, &walk->top_level);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: hw_info", cfg->name);
	KPT_OP(get_info)(&table->iommu, &info);
	KUNIT_EXPECT_EQ_MSG(test, info.top_level, walk->top_level,
			    "%s: get_info and hw_info disagree", cfg->name);
	kpt_walk_table(walk, walk->top_level, walk->top_pa, 0);
	KUNIT_EXPECT_EQ_MSG(test, walk->nbad, 0, "%s: bad entries", cfg->name);
}

static void kpt_walk(struct kpt_ctx *ctx, struct kpt_walk *walk)
{
	kpt_walk_table_of(ctx->test, ctx->cfg, &ctx->table, walk);
}

/* Snapshot the table memory reachable from the top */
static struct kpt_snap *kpt_snap_take(struct kpt_ctx *ctx)
{
	struct kpt_snap *snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	struct kpt_walk walk = {};

	KUNIT_ASSERT_NOT_NULL(ctx->test, snap);
	walk.snap = snap;
	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_FALSE_MSG(ctx->test, snap->overflow,
			       "%s: too many tables to snapshot",
			       ctx->cfg->name);
	return snap;
}

static void kpt_snap_put(struct kpt_snap *snap)
{
	kpt_snap_free(snap);
	kfree(snap);
}

/* The same tables, at the same places, holding the same bytes */
static bool kpt_snap_check(struct kpt_ctx *ctx, const struct kpt_snap *a,
			   const struct kpt_snap *b, const char *what)
{
	struct kunit *test = ctx->test;
	unsigned int i, j;

	if (a->n != b->n) {
		KUNIT_FAIL(test, "%s: %s: %u tables reachable, was %u",
			   ctx->cfg->name, what, b->n, a->n);
		return false;
	}
	for (i = 0; i != a->n; i++) {
		if (a->t[i].pa != b->t[i].pa ||
		    a->t[i].level != b->t[i].level) {
			KUNIT_FAIL(test,
				   "%s: %s: table %u is %llx level %u, was %llx level %u",
				   ctx->cfg->name, what, i, b->t[i].pa,
				   b->t[i].level, a->t[i].pa, a->t[i].level);
			return false;
		}
		for (j = 0; j != a->t[i].items; j++) {
			if (a->t[i].words[j] == b->t[i].words[j])
				continue;
			KUNIT_FAIL(test,
				   "%s: %s: level %u table %llx item %u is %016llx, was %016llx",
				   ctx->cfg->name, what, a->t[i].level,
				   a->t[i].pa, j, kpt_le_to_cpu(b->t[i].words[j]),
				   kpt_le_to_cpu(a->t[i].words[j]));
			return false;
		}
	}
	return true;
}

/* The greedy decomposition of a range into the format's page sizes */

struct kpt_piece {
	u64 va;
	u64 pa;
	unsigned int size_lg2;
};

/*
 * Split [va, va + len) mapped at pa: at each step the largest of @sizes that
 * divides both addresses and fits what is left. Calls @fn for every piece
 * unless NULL. Return: the number of pieces.
 */
static unsigned int kpt_greedy_sizes(u64 sizes, u64 va, u64 pa, u64 len,
				     unsigned int *by_size,
				     void (*fn)(void *arg,
						const struct kpt_piece *piece),
				     void *arg)
{
	struct kpt_piece piece;
	unsigned int n = 0;
	int s;

	while (len) {
		for (s = 63; s >= 0; s--) {
			if (!(sizes & BIT_ULL(s)))
				continue;
			if (((va | pa) & kpt_max(s)) == 0 &&
			    BIT_ULL(s) <= len)
				break;
		}
		if (s < 0)
			return UINT_MAX;
		piece.va = va;
		piece.pa = pa;
		piece.size_lg2 = s;
		if (by_size)
			by_size[s]++;
		if (fn)
			fn(arg, &piece);
		va += BIT_ULL(s);
		pa += BIT_ULL(s);
		len -= BIT_ULL(s);
		n++;
	}
	return n;
}

/* The same with every size of the format */
static unsigned int kpt_greedy(const struct kpt_cfg *cfg, u64 va, u64 pa,
			       u64 len, unsigned int *by_size,
			       void (*fn)(void *arg,
					  const struct kpt_piece *piece),
			       void *arg)
{
	return kpt_greedy_sizes(kpt_ref_pgsize_bitmap(cfg), va, pa, len,
				by_size, fn, arg);
}

/*
 * log2 of the size of the leaf translating @va, read with the reference
 * decoder from the top the driver programs; 0 where nothing is mapped.
 */
static unsigned int kpt_leaf_lg2_at(struct kpt_ctx *ctx, u64 va)
{
	struct kpt_ref_entry ent;
	unsigned int level, index, items_lg2, isz_lg2;
	u64 pa;

	if (kpt_fmt_top(&ctx->table, &pa, &level))
		return 0;
	items_lg2 = kpt_ref_top_items_lg2(ctx->cfg, level);
	for (;;) {
		isz_lg2 = kpt_ref_item_lg2(level);
		index = isz_lg2 >= 64 ? 0 : (va >> isz_lg2) & kpt_max(items_lg2);
		kpt_ref_decode(phys_to_virt(pa), level, index & ~0U, &ent);
		if (ent.type == KPT_REF_LEAF)
			return ent.size_lg2;
		if (ent.type != KPT_REF_TABLE || !level)
			return 0;
		pa = ent.oa;
		level--;
		items_lg2 = kpt_ref_items_lg2(level);
	}
}

struct kpt_piece_sizes {
	struct kpt_ctx *ctx;
	unsigned int bad;
	u64 bad_va;
	unsigned int got;
	unsigned int want;
};

static void kpt_check_piece_size(void *arg, const struct kpt_piece *piece)
{
	struct kpt_piece_sizes *ps = arg;
	unsigned int got = kpt_leaf_lg2_at(ps->ctx, piece->va);

	if (got == piece->size_lg2 || ps->bad++)
		return;
	ps->bad_va = piece->va;
	ps->got = got;
	ps->want = piece->size_lg2;
}

/* Distinct tables needed to hold a set of leaves, see kpt_tables_add() */
struct kpt_tables {
	const struct kpt_cfg *cfg;
	unsigned int top_level;
	unsigned int n;
	bool overflow;
	struct {
		unsigned int level;
		u64 index;
	} t[1024];
};

static void kpt_tables_add_one(struct kpt_tables *tables, unsigned int level,
			       u64 va)
{
	unsigned int tlg2 = kpt_ref_table_lg2(level);
	u64 index;
	unsigned int i;

	/* Sign extension bits are not an index of the top; one top table */
	va &= kpt_max(tables->cfg->vasz_lg2);
	index = tlg2 >= 64 || level == tables->top_level ? 0 : va >> tlg2;

	for (i = 0; i != tables->n; i++)
		if (tables->t[i].level == level && tables->t[i].index == index)
			return;
	if (tables->n == ARRAY_SIZE(tables->t)) {
		tables->overflow = true;
		return;
	}
	tables->t[tables->n].level = level;
	tables->t[tables->n].index = index;
	tables->n++;
}

/* The tables on the path from the top to a leaf of @level at @va */
static void kpt_tables_add(struct kpt_tables *tables, unsigned int level,
			   u64 va)
{
	for (; level <= tables->top_level; level++)
		kpt_tables_add_one(tables, level, va);
}

static void kpt_tables_add_piece(void *arg, const struct kpt_piece *piece)
{
	struct kpt_tables *tables = arg;

	kpt_tables_add(tables, kpt_ref_size_level(tables->cfg,
						  piece->size_lg2),
		       piece->va);
}

/*
 * The tables a cut at @cut of the leaf of 2^size_lg2 at @va (output address
 * @pa) must add: those that the greedy decomposition of each side needs and
 * the leaf did not. Usually one per level whose items the cut falls in; an
 * item of a contiguous leaf that no leaf of its level fits alone (AMD v1's
 * 512G) needs a table of its own.
 */
static int kpt_ref_cut_new_tables(const struct kpt_cfg *cfg, u64 va, u64 pa,
				  unsigned int size_lg2, u64 cut)
{
	struct kpt_tables *before = kzalloc(sizeof(*before), GFP_KERNEL);
	struct kpt_tables *after = kzalloc(sizeof(*after), GFP_KERNEL);
	u64 size = BIT_ULL(size_lg2);
	int n = -1;

	if (!before || !after)
		goto out;
	/* Only the difference counts: any top above the leaf will do */
	before->cfg = cfg;
	before->top_level = KPT_REF_MAX_LEVEL;
	*after = *before;
	kpt_tables_add(before, kpt_ref_size_level(cfg, size_lg2), va);
	kpt_greedy(cfg, va, pa, cut - va, NULL, kpt_tables_add_piece, after);
	kpt_greedy(cfg, cut, pa + (cut - va), va + size - cut, NULL,
		   kpt_tables_add_piece, after);
	if (!before->overflow && !after->overflow)
		n = after->n - before->n;
out:
	kfree(before);
	kfree(after);
	return n;
}

/* Tests */

static void kpt_check_empty(struct kpt_ctx *ctx, const char *what)
{
	struct kpt_walk walk = {};

	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ_MSG(ctx->test, walk.nleaves, 0, "%s: %s",
			    ctx->cfg->name, what);
}

/* Geometry and top of a new table; every init error */
static void kpt_test_init(struct kunit *test)
{
	struct pt_iommu_info info;
	struct kpt_walk walk;
	struct kpt_ctx *ctx;
	unsigned int i;
	int ret;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int levels = kpt_ref_levels(cfg);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(cfg, spans);
		struct iommu_domain *domain;
		unsigned int s;

		ctx = kpt_ctx_new(test, cfg);
		domain = kpt_domain(ctx);
		KPT_OP(get_info)(&ctx->table.iommu, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.pgsize_bitmap,
				    kpt_ref_pgsize_bitmap(cfg), "%s",
				    cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, (u64)domain->pgsize_bitmap,
				    kpt_ref_pgsize_bitmap(cfg), "%s",
				    cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, info.top_level, levels - 1, "%s",
				    cfg->name);
		KUNIT_EXPECT_EQ(test, info.max_vasz_lg2, cfg->vasz_lg2);
		KUNIT_EXPECT_EQ(test, info.max_oasz_lg2, cfg->oasz_lg2);
		/* The aperture can only show one span, the lowest */
		KUNIT_EXPECT_EQ(test, (u64)domain->geometry.aperture_start,
				spans[0].first);
		KUNIT_EXPECT_EQ_MSG(test, (u64)domain->geometry.aperture_end,
				    spans[0].last, "%s", cfg->name);
		KUNIT_EXPECT_TRUE(test, domain->geometry.force_aperture);

		memset(&walk, 0, sizeof(walk));
		kpt_walk(ctx, &walk);
		KUNIT_EXPECT_EQ_MSG(test, walk.top_level, levels - 1, "%s",
				    cfg->name);
		KUNIT_EXPECT_EQ(test, walk.ntables, 1);
		KUNIT_EXPECT_EQ(test, walk.nleaves, 0);
		for (s = 0; s != nspans; s++) {
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, spans[s].first), 0);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, spans[s].last), 0);
		}
		kpt_ctx_free(ctx);
	}

	for (i = 0; i != ARRAY_SIZE(kpt_bad_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_bad_cfgs[i];

		ctx = kpt_ctx_alloc(test, cfg);
		ret = kpt_fmt_init(&ctx->table, cfg, &ctx->drv_ops);
		KUNIT_EXPECT_EQ_MSG(test, ret, cfg->err, "%s", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables), 0,
				    "%s", cfg->name);
		/* deinit after a failed init is safe */
		if (ret)
			KPT_OP(deinit)(&ctx->table.iommu);
		kpt_ctx_free(ctx);
	}

	/* No memory for the top table */
	ctx = kpt_ctx_alloc(test, &kpt_cfgs[0]);
	ctx->hooks.fail_alloc = 1;
	ret = kpt_fmt_init(&ctx->table, &kpt_cfgs[0], &ctx->drv_ops);
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), 0);
	kpt_ctx_free(ctx);
}

/*
 * What the driver owns stays as it set it: its ops, the walking device and
 * the node, set on the table before init (init once copied NULL and 0 over
 * them from the configuration, and a dynamic top then failed). init fills
 * the domain type only when the driver left it 0, refuses one that is not
 * a paging type, keeps a page size bitmap the driver narrowed first (the
 * format's sizes among it), and refuses one the format has none of: every
 * refusal -EINVAL, with nothing allocated.
 */
static int kpt_init_with(struct kunit *test, const struct kpt_cfg *cfg,
			 unsigned int type, unsigned long pgsizes,
			 unsigned long *got_pgsizes, unsigned int *got_type)
{
	struct kpt_ctx *ctx = kpt_ctx_alloc(test, cfg);
	struct iommu_domain *domain = kpt_domain(ctx);
	int ret;

	domain->type = type;
	domain->pgsize_bitmap = pgsizes;
	ret = kpt_fmt_init(&ctx->table, cfg, &ctx->drv_ops);
	*got_pgsizes = domain->pgsize_bitmap;
	*got_type = domain->type;
	if (ret)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables), 0,
				    "%s: tables left by a refused init",
				    cfg->name);
	kpt_ctx_free(ctx);
	return ret;
}

static void kpt_test_init_driver_fields(struct kunit *test)
{
	unsigned long all, narrow, got;
	unsigned int i, type;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_ctx *ctx = kpt_ctx_alloc(test, cfg);
		struct pt_iommu *iommu = &ctx->table.iommu;
		size_t mapped = 0;
		int ret;

		/* kpt_fmt_init() sets the driver's fields on the table */
		ret = kpt_fmt_init(&ctx->table, cfg, &ctx->drv_ops);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s", cfg->name);
		KUNIT_EXPECT_PTR_EQ(test, iommu->driver_ops, &ctx->drv_ops);
		KUNIT_EXPECT_EQ(test, iommu->nid, NUMA_NO_NODE);
		KUNIT_EXPECT_EQ(test, iommu->domain.type,
				IOMMU_DOMAIN_UNMANAGED);
		all = iommu->domain.pgsize_bitmap;
		/* A dynamic top grows with the ops the driver set */
		if (cfg->dyn_start_levels) {
			ret = kpt_map(ctx, kpt_max(cfg->vasz_lg2) & ~0xfffffULL,
				      0x100000, all & -all, 1, IOMMU_READ,
				      &mapped);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s", cfg->name);
			KUNIT_EXPECT_GT(test, ctx->change_top_calls, 0);
		}
		kpt_ctx_free(ctx);

		/* A type the driver chose stays; not paging is refused */
		KUNIT_EXPECT_EQ(test, kpt_init_with(test, cfg, IOMMU_DOMAIN_DMA,
						    0, &got, &type), 0);
		KUNIT_EXPECT_EQ(test, type, IOMMU_DOMAIN_DMA);
		KUNIT_EXPECT_EQ(test,
				kpt_init_with(test, cfg, IOMMU_DOMAIN_IDENTITY,
					      0, &got, &type),
				-EINVAL);

		/* Sizes narrowed before init are kept, within the format's */
		narrow = (all & -all) | (all & ~(all - 1) << 1) | BIT(1);
		KUNIT_EXPECT_EQ(test, kpt_init_with(test, cfg, 0, narrow, &got,
						    &type), 0);
		KUNIT_EXPECT_EQ_MSG(test, got, narrow & all, "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, kpt_init_with(test, cfg, 0, BIT(1), &got,
						    &type),
				-EINVAL);
	}
}

struct kpt_one_leaf {
	struct kpt_leaf leaf;
	unsigned int n;
};

static void kpt_record_leaf(struct kpt_walk *walk, const struct kpt_leaf *leaf)
{
	struct kpt_one_leaf *one = walk->priv;

	if (!one->n++)
		one->leaf = *leaf;
}

/* One page of 2^size_lg2 at va: map, check, translate, unmap */
static void kpt_one_page(struct kpt_ctx *ctx, u64 va, u64 pa,
			 unsigned int size_lg2, unsigned int prot,
			 bool small_pgsize)
{
	struct kunit *test = ctx->test;
	const char *name = ctx->cfg->name;
	u64 size = BIT_ULL(size_lg2);
	u64 pgsize = small_pgsize ? ctx->min_pgsize : size;
	struct kpt_one_leaf one = {};
	struct kpt_walk walk = {};
	size_t mapped = 0;
	int ret;

	ret = kpt_map(ctx, va, pa, pgsize, kpt_div(size, pgsize), prot, &mapped);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: map va %llx size_lg2 %u", name,
			    va, size_lg2);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, mapped, size);

	/* Exactly one leaf of that size whatever pgsize was */
	walk.leaf_fn = kpt_record_leaf;
	walk.priv = &one;
	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ_MSG(test, one.n, 1,
			    "%s: leaves for va %llx size_lg2 %u", name, va,
			    size_lg2);
	KUNIT_EXPECT_EQ_MSG(test, one.leaf.va, va, "%s: size_lg2 %u", name,
			    size_lg2);
	KUNIT_EXPECT_EQ_MSG(test, one.leaf.oa, pa, "%s: size_lg2 %u", name,
			    size_lg2);
	KUNIT_EXPECT_EQ_MSG(test, one.leaf.size_lg2, size_lg2,
			    "%s: va %llx", name, va);
	KUNIT_EXPECT_EQ_MSG(test, one.leaf.prot, kpt_ref_prot_norm(prot),
			    "%s: va %llx", name, va);

	/* Every byte of it translates, its neighbours do not */
	if (pa)
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), pa);
	KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va + size / 2), pa + size / 2,
			    "%s: va %llx size_lg2 %u", name, va, size_lg2);
	KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va + size - 1), pa + size - 1,
			    "%s: va %llx size_lg2 %u", name, va, size_lg2);
	/* Also where that is outside the IOVA space */
	if (va)
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va - 1), 0);
	if (va + size)
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size), 0);

	KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(ctx, va, size), size,
			    "%s: unmap va %llx size_lg2 %u", name, va,
			    size_lg2);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size / 2), 0);
	kpt_check_empty(ctx, "after unmapping one page");
}

/*
 * Every page size: at the first, a middle and the last aligned IOVA of a
 * table of the level holding that size, and at the bottom and the top of the
 * span, in every span of the IOVA space.
 */
static void kpt_each_size_span(struct kpt_ctx *ctx,
			       const struct kpt_span *span,
			       unsigned int size_lg2, unsigned int *n)
{
	const struct kpt_cfg *cfg = ctx->cfg;
	unsigned int level = kpt_ref_size_level(cfg, size_lg2);
	unsigned int tlg2 = kpt_ref_table_lg2(level);
	u64 size = BIT_ULL(size_lg2);
	u64 oa_mask = kpt_max(cfg->oasz_lg2) & ~(size - 1);
	u64 base, vas[5], pa;
	unsigned int j;

	/* The second table of the level if there is one */
	base = span->first + (tlg2 < span->lg2 ? BIT_ULL(tlg2) : 0);
	tlg2 = min_t(unsigned int, tlg2, span->lg2);
	vas[0] = base;
	vas[1] = base + kpt_max(tlg2 - 1) + 1;
	vas[2] = base + kpt_max(tlg2) - size + 1;
	vas[3] = span->last - size + 1;
	vas[4] = span->first;

	for (j = 0; j != ARRAY_SIZE(vas); j++, (*n)++) {
		/*
		 * A grown top keeps its first top table at IOVA 0, a page of
		 * a higher level cannot be there.
		 */
		if (cfg->dyn_start_levels && !vas[j] &&
		    level >= cfg->dyn_start_levels - 1)
			continue;
		/* Alternate the highest and a patterned OA */
		pa = *n % 2 ? oa_mask : 0x000a5a5a5a5a5000ULL & oa_mask;
		kpt_one_page(ctx, vas[j], pa, size_lg2,
			     kpt_prots[*n % ARRAY_SIZE(kpt_prots)],
			     *n % 3 == 0);
	}
}

static void kpt_each_size(struct kunit *test, const struct kpt_cfg *cfg,
			  unsigned int size_lg2, unsigned int *n)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int s, nspans = kpt_ref_spans(cfg, spans);

	for (s = 0; s != nspans; s++)
		kpt_each_size_span(ctx, &spans[s], size_lg2, n);
	kpt_ctx_free(ctx);
}

static void kpt_test_map_each_size(struct kunit *test)
{
	unsigned int i, size_lg2, n = 0;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 sizes = kpt_ref_pgsize_bitmap(cfg);

		for (size_lg2 = 0; size_lg2 != 64; size_lg2++)
			if (sizes & BIT_ULL(size_lg2))
				kpt_each_size(test, cfg, size_lg2, &n);
	}
}

/* Ranges for the decomposition tests, for a table of @cfg */
struct kpt_range {
	u64 va;
	u64 pa;
	u64 len;
};

/*
 * The smallest page and two larger ones, of levels 1 and 2, of a 4K
 * granule. A personality with a larger granule defines them as its granule,
 * its level 1 page and a larger page; the addresses and lengths of the tests
 * are written in these units and scale with them.
 */
#ifndef KPT_SZ_4K
#define KPT_SZ_4K 0x1000ULL
#define KPT_SZ_2M 0x200000ULL
#define KPT_SZ_1G 0x40000000ULL
#endif

/* At most 7 ranges in each span */
#define KPT_MAX_RANGES (7 * KPT_MAX_SPANS)

/* The ranges of kpt_ranges() in one span */
static unsigned int kpt_ranges_span(const struct kpt_cfg *cfg,
				    const struct kpt_span *span,
				    struct kpt_range *r)
{
	struct kpt_range all[7];
	unsigned int i, n = 0;
	u64 top_len;

	/* Offsets from the start of the span; the PAs are absolute */

	/* Small pages, 2M pages, a 1G page and 2M pages, small pages */
	all[0].va = 3 * KPT_SZ_1G - KPT_SZ_2M - 3 * KPT_SZ_4K;
	all[0].pa = all[0].va + 4 * KPT_SZ_1G;
	all[0].len = 3 * KPT_SZ_4K + KPT_SZ_2M + KPT_SZ_1G +
		     3 * KPT_SZ_2M + 5 * KPT_SZ_4K;
	/* The same, with the PA only 2M aligned where the VA is 1G aligned */
	all[1] = all[0];
	all[1].pa += KPT_SZ_2M;
	/* Low alignments: the contiguous sizes of the smallest levels */
	all[2].va = 0x12345 * KPT_SZ_4K;
	all[2].pa = all[2].va + BIT_ULL(35);
	all[2].len = 0x73 * KPT_SZ_4K;
	/* Across a boundary of the third level */
	all[3].va = BIT_ULL(kpt_ref_table_lg2(2)) - KPT_SZ_1G - KPT_SZ_2M -
		    KPT_SZ_4K;
	all[3].pa = all[3].va;
	all[3].len = KPT_SZ_4K + KPT_SZ_2M + 2 * KPT_SZ_1G + KPT_SZ_2M +
		     KPT_SZ_4K;
	/* Up to the last byte of the span */
	if (span->lg2 > ilog2(KPT_SZ_1G) + 1)
		top_len = KPT_SZ_1G + KPT_SZ_2M + 3 * KPT_SZ_4K;
	else
		top_len = BIT_ULL(span->lg2 - 1) + 3 * KPT_SZ_4K;
	all[4].va = kpt_max(span->lg2) - top_len + 1;
	all[4].pa = kpt_max(cfg->oasz_lg2) - top_len + 1;
	all[4].len = top_len;
	/* Small ranges for small tables */
	all[5].va = 3 * KPT_SZ_4K;
	all[5].pa = 0x80000000ULL + 3 * KPT_SZ_4K;
	all[5].len = 0x15 * KPT_SZ_4K;
	all[6].va = KPT_SZ_4K;
	all[6].pa = 0x7ff * KPT_SZ_4K;
	all[6].len = 0x1fe * KPT_SZ_4K;

	for (i = 0; i != ARRAY_SIZE(all); i++) {
		if ((all[i].va + all[i].len - 1) > kpt_max(span->lg2) ||
		    all[i].va + all[i].len - 1 < all[i].va ||
		    all[i].pa + all[i].len - 1 < all[i].pa ||
		    (all[i].pa + all[i].len - 1) > kpt_max(cfg->oasz_lg2))
			continue;
		r[n] = all[i];
		r[n].va += span->first;
		n++;
	}
	return n;
}

/* Ranges for the decomposition tests, those of the lowest span first */
static unsigned int kpt_ranges(const struct kpt_cfg *cfg,
			       struct kpt_range *r)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int s, nspans = kpt_ref_spans(cfg, spans);
	unsigned int n = 0;

	for (s = 0; s != nspans; s++)
		n += kpt_ranges_span(cfg, &spans[s], r + n);
	return n;
}

struct kpt_piece_check {
	struct kpt_ctx *ctx;
	unsigned int bad;
};

static void kpt_check_piece(void *arg, const struct kpt_piece *piece)
{
	struct kpt_piece_check *pc = arg;
	struct kpt_ctx *ctx = pc->ctx;
	u64 last = piece->va + BIT_ULL(piece->size_lg2) - 1;

	if (kpt_phys(ctx, last) != piece->pa + BIT_ULL(piece->size_lg2) - 1 ||
	    (piece->pa && kpt_phys(ctx, piece->va) != piece->pa)) {
		if (!pc->bad++)
			KUNIT_FAIL(ctx->test,
				   "%s: iova_to_phys(%llx) of a %u piece at pa %llx",
				   ctx->cfg->name, piece->va, piece->size_lg2,
				   piece->pa);
	}
}

/* The largest pgsize usable for the map call of a range */
static u64 kpt_largest_pgsize(struct kpt_ctx *ctx, const struct kpt_range *r)
{
	u64 sizes = kpt_domain(ctx)->pgsize_bitmap;
	u64 align = r->va | r->pa | r->len;
	int s;

	for (s = 63; s > 0; s--)
		if ((sizes & BIT_ULL(s)) && !(align & kpt_max(s)))
			return BIT_ULL(s);
	return ctx->min_pgsize;
}

/*
 * One map call over many pages uses the largest sizes it can: the leaves of
 * each size are those of the greedy decomposition, and there is no table
 * more than they need.
 */
static void kpt_decompose(struct kunit *test, const struct kpt_cfg *cfg,
			  const struct kpt_range *r, unsigned int idx,
			  bool largest_pgsize)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	struct kpt_piece_check pc = { .ctx = ctx };
	unsigned int expect[64] = {};
	struct kpt_tables *tables;
	struct kpt_walk walk = {};
	size_t mapped = 0;
	unsigned int s;
	u64 pgsize;
	int ret;

	pgsize = largest_pgsize ? kpt_largest_pgsize(ctx, r) : ctx->min_pgsize;
	ret = kpt_map(ctx, r->va, r->pa, pgsize, kpt_div(r->len, pgsize), IOMMU_READ,
		      &mapped);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: range %u", cfg->name, idx);
	KUNIT_EXPECT_EQ(test, mapped, r->len);

	kpt_walk(ctx, &walk);
	kpt_greedy(cfg, r->va, r->pa, r->len, expect, NULL, NULL);
	for (s = 0; s != 64; s++)
		KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], expect[s],
				    "%s: range %u: leaves of size_lg2 %u",
				    cfg->name, idx, s);
	KUNIT_EXPECT_EQ(test, walk.leaf_bytes, r->len);

	tables = kzalloc(sizeof(*tables), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tables);
	tables->cfg = cfg;
	tables->top_level = walk.top_level;
	kpt_greedy(cfg, r->va, r->pa, r->len, NULL, kpt_tables_add_piece,
		   tables);
	/* A grown top keeps the first top at index 0 */
	if (cfg->dyn_start_levels)
		kpt_tables_add(tables, cfg->dyn_start_levels - 1, 0);
	KUNIT_EXPECT_FALSE(test, tables->overflow);
	KUNIT_EXPECT_EQ_MSG(test, walk.ntables, tables->n, "%s: range %u",
			    cfg->name, idx);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), tables->n);
	kfree(tables);

	kpt_greedy(cfg, r->va, r->pa, r->len, NULL, kpt_check_piece, &pc);

	KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(ctx, r->va, r->len), r->len,
			    "%s: range %u", cfg->name, idx);
	kpt_check_empty(ctx, "after unmap");
	kpt_ctx_free(ctx);
}

static void kpt_test_map_decompose(struct kunit *test)
{
	struct kpt_range ranges[KPT_MAX_RANGES];
	unsigned int i, j;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int n = kpt_ranges(cfg, ranges);

		for (j = 0; j != n; j++) {
			kpt_decompose(test, cfg, &ranges[j], j, false);
			kpt_decompose(test, cfg, &ranges[j], j, true);
		}
	}
}

/* A map call with @prot that must fail and change nothing */
/*
 * Small pages mapped and unmapped one call at a time leave their emptied
 * tables behind (unmap frees a table only when its range covers all of
 * it). A later map where a larger leaf fits must still write that leaf:
 * the empty tables are cleared from their entries, given to the driver's
 * iotlb_sync() with the span they covered, and freed by it, before the
 * leaf is written. Afterwards an unmap of part of the leaf unmaps nothing.
 */
static void kpt_replace_one(struct kpt_ctx *ctx, unsigned int size_lg2)
{
	struct kunit *test = ctx->test;
	u64 g = ctx->min_pgsize, size = BIT_ULL(size_lg2);
	u64 va = 2 * size, pa = size, step = BIT_ULL(kpt_ref_item_lg2(1));
	unsigned int syncs = ctx->iotlb_syncs, freed = ctx->synced_tables;
	unsigned int expect[64] = {};
	struct kpt_walk walk = {};
	int tables, s;
	u64 off;

	tables = atomic_read(&ctx->hooks.tables);
	/* A page in every level 1 item, each unmapped by its own call */
	for (off = 0; off < size; off += step) {
		if (kpt_map_ok(ctx, va + off + g, 5 * g, g, IOMMU_READ))
			return;
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va + off + g, g), g);
	}
	memset(&walk, 0, sizeof(walk));
	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ(test, walk.nleaves, 0);
	KUNIT_EXPECT_GT_MSG(test, atomic_read(&ctx->hooks.tables), tables,
			    "%s: the history left no empty table",
			    ctx->cfg->name);

	kpt_map_ok(ctx, va, pa, size, IOMMU_READ | IOMMU_WRITE);
	memset(&walk, 0, sizeof(walk));
	kpt_walk(ctx, &walk);
	kpt_greedy(ctx->cfg, va, pa, size, expect, NULL, NULL);
	for (s = 0; s != 64; s++)
		KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], expect[s],
				    "%s: 2^%u map over empty tables: leaves of 2^%d",
				    ctx->cfg->name, size_lg2, s);
	/* Every empty table went, through one flush of their span */
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables), walk.ntables,
			    "%s: 2^%u: tables", ctx->cfg->name, size_lg2);
	KUNIT_EXPECT_EQ(test, ctx->iotlb_syncs, syncs + 1);
	KUNIT_EXPECT_GT(test, ctx->synced_tables, freed);
	KUNIT_EXPECT_EQ(test, ctx->synced_first, va);
	KUNIT_EXPECT_EQ(test, ctx->synced_last, va + size - 1);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size - 1), pa + size - 1);

	/* The whole leaf or nothing: unmap never splits it */
	if (walk.by_size[size_lg2] == 1)
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size / 2), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
	/* A map with nothing to replace does not call the driver */
	syncs = ctx->iotlb_syncs;
	kpt_map_ok(ctx, va, pa, size, IOMMU_READ);
	KUNIT_EXPECT_EQ(test, ctx->iotlb_syncs, syncs);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
}

static void kpt_test_map_replaces_empty(struct kunit *test)
{
	unsigned int i, level;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		u64 sizes = kpt_domain(ctx)->pgsize_bitmap;

		kpt_ref_spans(cfg, spans);
		/* The natural sizes of levels 1 and 2, where the span has room */
		for (level = 1; level <= 2 && level <= KPT_REF_MAX_LEVEL;
		     level++) {
			unsigned int lg2 = kpt_ref_item_lg2(level);

			if (!(sizes & BIT_ULL(lg2)) || lg2 + 2 > spans[0].lg2 ||
			    lg2 + 1 > cfg->oasz_lg2 || lg2 > 31)
				continue;
			kpt_replace_one(ctx, lg2);
		}
		kpt_check_empty(ctx, "after the replacing maps");
		kpt_ctx_free(ctx);
	}
}

/*
 * A driver may allow fewer page sizes than the format has, and narrows
 * &iommu_domain.pgsize_bitmap after init (6.12: amd_iommu=nohugepages, AMD
 * v2_pgsizes_only): map and cut then write only those sizes, the largest of
 * them the alignment allows.
 */
static void kpt_sizes_check(struct kpt_ctx *ctx, u64 sizes, u64 va, u64 pa,
			    u64 len, u64 cut, const char *what)
{
	unsigned int expect[64] = {};
	struct kpt_walk walk = {};
	unsigned int s;

	kpt_walk(ctx, &walk);
	if (cut) {
		kpt_greedy_sizes(sizes, va, pa, cut - va, expect, NULL, NULL);
		kpt_greedy_sizes(sizes, cut, pa + cut - va, va + len - cut,
				 expect, NULL, NULL);
	} else {
		kpt_greedy_sizes(sizes, va, pa, len, expect, NULL, NULL);
	}
	for (s = 0; s != 64; s++)
		KUNIT_EXPECT_EQ_MSG(ctx->test, walk.by_size[s], expect[s],
				    "%s: %s with sizes %llx of [%llx, +%llx) at %llx: leaves of 2^%u",
				    ctx->cfg->name, what, sizes, va, len, pa, s);
	KUNIT_EXPECT_EQ(ctx->test, walk.leaf_bytes, len);
}

/* A fresh table whose driver allows only @sizes */
static struct kpt_ctx *kpt_sizes_ctx(struct kunit *test,
				     const struct kpt_cfg *cfg, u64 sizes)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);

	kpt_domain(ctx)->pgsize_bitmap = sizes;
	return ctx;
}

static void kpt_driver_sizes(struct kunit *test, const struct kpt_cfg *cfg,
			     u64 sizes)
{
	struct kpt_range ranges[KPT_MAX_RANGES];
	unsigned int n = kpt_ranges(cfg, ranges);
	struct kpt_span spans[KPT_MAX_SPANS];
	struct kpt_ctx *ctx;
	unsigned int i;
	u64 big, va, cap, len;
	int ret;

	/*
	 * At most 2048 leaves of the largest allowed size: the choice of sizes
	 * shows in the first and last ones, and 2^18 4K leaves of a 1G range
	 * take a minute under QEMU TCG.
	 */
	cap = 2048 * BIT_ULL(fls64(sizes) - 1);
	for (i = 0; i != n; i++) {
		len = min(ranges[i].len, cap);
		ctx = kpt_sizes_ctx(test, cfg, sizes);
		if (!kpt_map_ok(ctx, ranges[i].va, ranges[i].pa, len,
				IOMMU_READ))
			kpt_sizes_check(ctx, sizes, ranges[i].va, ranges[i].pa,
					len, 0, "map");
		kpt_ctx_free(ctx);
	}

	/* A cut of the largest allowed size up to 2^31 */
	ctx = kpt_sizes_ctx(test, cfg, sizes);
	kpt_ref_spans(cfg, spans);
	big = sizes & kpt_max(min(32U, spans[0].lg2 - 2));
	big = BIT_ULL(fls64(big) - 1);
	va = spans[0].first + 2 * big;
	if (big > ctx->min_pgsize &&
	    !kpt_map_ok(ctx, va, big, big, IOMMU_READ)) {
		ret = KPT_OP(cut_mapping)(&ctx->table.iommu,
					  va + 3 * ctx->min_pgsize,
					  GFP_KERNEL);
		KUNIT_EXPECT_TRUE_MSG(test, !ret || ret == -EOPNOTSUPP,
				      "%s: cut: %d", cfg->name, ret);
		kpt_sizes_check(ctx, sizes, va, big, big,
				ret ? 0 : va + 3 * ctx->min_pgsize, "cut");
	}
	kpt_ctx_free(ctx);
}

static void kpt_test_map_driver_sizes(struct kunit *test)
{
	u64 seed = KPT_SEED ^ 0x73697a6573ULL;
	unsigned int i, level, k;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 all = kpt_ref_pgsize_bitmap(cfg);
		u64 min = all & -all;
		u64 natural = 0;

		/* Only the smallest page: amd_iommu=nohugepages */
		kpt_driver_sizes(test, cfg, min);
		/* The natural size of each level, no contiguous sizes */
		for (level = 0; level <= KPT_REF_MAX_LEVEL; level++)
			natural |= BIT_ULL(kpt_ref_item_lg2(level)) & all;
		kpt_driver_sizes(test, cfg, natural);
		/* Random subsets */
		for (k = 0; k != 4; k++)
			kpt_driver_sizes(test, cfg, (kpt_rand(&seed) & all) | min);
	}
}

static void kpt_map_fails_prot(struct kpt_ctx *ctx,
			       const struct kpt_snap *before, u64 va, u64 pa,
			       u64 pgsize, u64 pgcount, unsigned int prot,
			       int err, int err2, const char *what)
{
	struct kunit *test = ctx->test;
	unsigned int tables = atomic_read(&ctx->hooks.tables);
	unsigned int calls = ctx->change_top_calls;
	struct kpt_snap *after;
	size_t mapped = 0;
	u64 len;
	int ret;

	ret = kpt_map(ctx, va, pa, pgsize, pgcount, prot, &mapped);
	/*
	 * A range the iommu API can name that wraps past the top of unsigned
	 * long is refused for that first (4G on a 32-bit kernel)
	 */
	if (ret == -EOVERFLOW && va <= ULONG_MAX && pgcount &&
	    !check_mul_overflow(pgsize, pgcount, &len) &&
	    len - 1 > ULONG_MAX - va)
		err2 = -EOVERFLOW;
	if (ret != err && ret != err2)
		KUNIT_FAIL(test,
			   "%s: %s: map va %llx pa %llx pgsize %llx pgcount %llx returned %d, expected %d",
			   ctx->cfg->name, what, va, pa, pgsize, pgcount, ret,
			   err);
	KUNIT_EXPECT_EQ_MSG(test, mapped, 0, "%s: %s", ctx->cfg->name, what);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables), tables,
			    "%s: %s", ctx->cfg->name, what);
	KUNIT_EXPECT_EQ_MSG(test, ctx->change_top_calls, calls, "%s: %s",
			    ctx->cfg->name, what);
	after = kpt_snap_take(ctx);
	kpt_snap_check(ctx, before, after, what);
	kpt_snap_put(after);
}

/* A map call that must fail and change nothing */
static void kpt_map_fails(struct kpt_ctx *ctx, const struct kpt_snap *before,
			  u64 va, u64 pa, u64 pgsize, u64 pgcount, int err,
			  int err2, const char *what)
{
	kpt_map_fails_prot(ctx, before, va, pa, pgsize, pgcount, IOMMU_READ,
			   err, err2, what);
}

/* The large page of the error tests: 2M or 1G, or what a small span has */
static u64 kpt_errors_big(const struct kpt_span *span)
{
	return BIT_ULL(span->lg2 > 31 ? 30 : span->lg2 - 2);
}

/* The IOVA of the last granule of a span */
static u64 kpt_errors_top(const struct kpt_span *span)
{
	return span->last - KPT_SZ_4K + 1;
}

/* What the error tests of a span fail against */
static void kpt_errors_map_span(struct kpt_ctx *ctx,
				const struct kpt_span *span)
{
	u64 big = kpt_errors_big(span), base = span->first;
	u64 k4 = ctx->min_pgsize;

	/* 8K at 0x2000, a 2M or 1G page, the last page of the span */
	kpt_map_ok(ctx, base + 2 * k4, 0x100 * k4, 2 * k4, IOMMU_READ);
	kpt_map_ok(ctx, base + big, big + 0x40000000ULL, big, IOMMU_WRITE);
	kpt_map_ok(ctx, kpt_errors_top(span), 0x7000000, k4, IOMMU_WRITE);
}

/* Every error in one span, with every span mapped as in @before */
static void kpt_errors_span(struct kpt_ctx *ctx, const struct kpt_span *span,
			    const struct kpt_snap *before)
{
	u64 sizes = kpt_domain(ctx)->pgsize_bitmap;
	u64 big = kpt_errors_big(span), base = span->first;
	u64 top = kpt_errors_top(span);
	u64 k4 = ctx->min_pgsize;
	u64 pa_off = 0x40000000ULL;

	kpt_map_fails(ctx, before, base + 2 * k4, 0x100 * k4, k4, 2,
		      -EADDRINUSE, -EADDRINUSE, "same range");
	kpt_map_fails(ctx, before, base, 0x200000, k4, 3, -EADDRINUSE,
		      -EADDRINUSE, "partial overlap at the end");
	kpt_map_fails(ctx, before, base + 3 * k4, 0x200000, k4, 8,
		      -EADDRINUSE, -EADDRINUSE,
		      "partial overlap at the start");
	kpt_map_fails(ctx, before, base + 4 * k4, 0x300000, k4,
		      kpt_div(big - 4 * k4, k4) + 1, -EADDRINUSE, -EADDRINUSE,
		      "overlap after new tables");
	kpt_map_fails(ctx, before, base + big + k4, 5 * k4, k4, 1,
		      -EADDRINUSE, -EADDRINUSE, "inside a large page");
	kpt_map_fails(ctx, before, base + big - big / 2, pa_off, k4,
		      kpt_div(2 * big, k4), -EADDRINUSE, -EADDRINUSE,
		      "over a large page");
	kpt_map_fails(ctx, before, top - k4, 6 * k4, k4, 2, -EADDRINUSE,
		      -EADDRINUSE, "top of the span");

	kpt_map_fails(ctx, before, base + 0x10800, 0x10000, k4, 1, -EINVAL,
		      -EINVAL, "misaligned iova");
	kpt_map_fails(ctx, before, base + 0x13 * k4, 0x14 * k4, 2 * k4, 1,
		      -EINVAL, -EINVAL, "iova not aligned to pgsize");
	kpt_map_fails(ctx, before, base + 0x10000, 0x10800, k4, 1, -EINVAL,
		      -EINVAL, "misaligned paddr");
	kpt_map_fails(ctx, before, base + 0x14 * k4, 0x13 * k4, 2 * k4, 1,
		      -EINVAL, -EINVAL, "paddr not aligned to pgsize");
	kpt_map_fails(ctx, before, base + 0x10000, 0x10000, k4 / 2, 2,
		      -EINVAL, -EINVAL, "pgsize below the granule");
	kpt_map_fails(ctx, before, base + 0x30000, 0x30000, 3 * k4, 1,
		      -EINVAL, -EINVAL, "pgsize not a power of two");
	kpt_map_fails(ctx, before, base + 0x10000, 0x10000, 0, 1, -EINVAL,
		      -EINVAL, "pgsize zero");
	if (fls64(sizes) < 64)
		kpt_map_fails(ctx, before, base, 0, BIT_ULL(fls64(sizes)), 1,
			      -EINVAL, -EINVAL, "pgsize above the largest");
	kpt_map_fails(ctx, before, base + 0x10000, 0x10000, k4, 0, -EINVAL,
		      -EINVAL, "zero length");
	if (kpt_ref_prot_err(0))
		kpt_map_fails_prot(ctx, before, base + 0x10000, 0x10000, k4,
				   1, 0, kpt_ref_prot_err(0),
				   kpt_ref_prot_err(0),
				   "neither read nor write");

	if (span->last != U64_MAX) {
		u64 end = span->last + 1;

		kpt_map_fails(ctx, before, end, 0x10000, k4, 1, -ERANGE,
			      -ERANGE, "beyond the span");
		kpt_map_fails(ctx, before, end - 2 * k4, 0x10000, k4, 4,
			      -ERANGE, -ERANGE, "across the end of the span");
		kpt_map_fails(ctx, before, base + BIT_ULL(span->lg2 - 1), 0,
			      BIT_ULL(span->lg2 - 1), 2, -ERANGE, -EINVAL,
			      "all of the span and more");
	}
	if (span->first) {
		kpt_map_fails(ctx, before, base - k4, 0x10000, k4, 1, -ERANGE,
			      -ERANGE, "below the span");
		kpt_map_fails(ctx, before, base - 2 * k4, 0x10000, k4, 4,
			      -ERANGE, -ERANGE,
			      "across the start of the span");
	}
	if (ctx->cfg->oasz_lg2 < 64) {
		u64 end = BIT_ULL(ctx->cfg->oasz_lg2);

		kpt_map_fails(ctx, before, base + 0x10000, end, k4, 1, -ERANGE,
			      -ERANGE, "beyond max OA");
		kpt_map_fails(ctx, before, base + 0x10000, end - k4, k4, 2,
			      -ERANGE, -ERANGE, "across max OA");
	}
	if (span->last == U64_MAX)
		kpt_map_fails(ctx, before, top, 0x10000, k4, 2, -EOVERFLOW,
			      -EOVERFLOW,
			      "wraps past the top of the IOVA space");
	kpt_map_fails(ctx, before, base + 0x10000, 0x10000, k4,
		      kpt_div(U64_MAX, k4) + 1, -EOVERFLOW, -EOVERFLOW,
		      "length overflows");
	kpt_map_fails(ctx, before, base + 0x10000, U64_MAX - k4 + 1, k4, 2,
		      -EOVERFLOW, -ERANGE, "paddr wraps");
}

/* Every error returns its errno and leaves the table memory untouched */
static void kpt_test_map_errors(struct kunit *test)
{
	unsigned int i, s;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(cfg, spans);
		u64 k4 = ctx->min_pgsize;
		struct kpt_snap *before;

		/* A dynamic top refuses an overlap before growing */
		if (cfg->dyn_start_levels) {
			unsigned int start = cfg->dyn_start_levels;
			u64 edge = BIT_ULL(kpt_ref_table_lg2(start - 1));

			kpt_map_ok(ctx, edge - k4, 0x1000, k4, IOMMU_READ);
			before = kpt_snap_take(ctx);
			kpt_map_fails(ctx, before, edge - 2 * k4, 0x2000, k4, 4,
				      -EADDRINUSE, -EADDRINUSE,
				      "overlap across the top");
			kpt_snap_put(before);
			KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, edge - k4, k4),
					k4);
		}

		/* Every span mapped, so that an error in one spares all */
		for (s = 0; s != nspans; s++)
			kpt_errors_map_span(ctx, &spans[s]);
		before = kpt_snap_take(ctx);
		for (s = 0; s != nspans; s++)
			kpt_errors_span(ctx, &spans[s], before);
		kpt_snap_put(before);

		/* Still all there */
		for (s = 0; s != nspans; s++) {
			u64 big = kpt_errors_big(&spans[s]);
			u64 base = spans[s].first;

			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, base + 4 * k4 - 1),
					0x100 * k4 + 2 * k4 - 1);
			KUNIT_EXPECT_EQ(test,
					kpt_phys(ctx, base + big + big - 1),
					big + 0x40000000ULL + big - 1);
			KUNIT_EXPECT_EQ(test,
					kpt_phys(ctx,
						 kpt_errors_top(&spans[s]) + 5),
					0x7000005ULL);
		}
		kpt_ctx_free(ctx);
	}
}

struct kpt_prefix {
	u64 va;
	u64 pa;
	u64 mapped;
	unsigned int bad;
};

static void kpt_check_prefix(struct kpt_walk *walk, const struct kpt_leaf *leaf)
{
	struct kpt_prefix *p = walk->priv;

	if (leaf->va < p->va ||
	    leaf->va + BIT_ULL(leaf->size_lg2) - 1 > p->va + p->mapped - 1 ||
	    leaf->oa != p->pa + (leaf->va - p->va)) {
		if (!p->bad++)
			KUNIT_FAIL(walk->test,
				   "%s: leaf va %llx size_lg2 %u outside the %llx reported mapped at %llx",
				   walk->cfg->name, leaf->va, leaf->size_lg2,
				   p->mapped, p->va);
	}
}

/* Out of memory part way: what is reported mapped is all that is mapped */
static void kpt_test_map_enomem(struct kunit *test)
{
	unsigned int i, j, fail;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int s, nspans = kpt_ref_spans(cfg, spans);
		struct kpt_range r[2 * KPT_MAX_SPANS];
		unsigned int n = 0;

		for (s = 0; s != nspans; s++) {
			if (spans[s].lg2 > ilog2(KPT_SZ_1G) + 1 &&
			    cfg->oasz_lg2 > ilog2(KPT_SZ_1G) + 1) {
				r[n].va = spans[s].first + KPT_SZ_1G -
					  2 * KPT_SZ_4K;
				r[n].pa = KPT_SZ_1G - 2 * KPT_SZ_4K + KPT_SZ_1G;
				r[n].len = 3 * KPT_SZ_4K + KPT_SZ_2M;
				n++;
			}
			/* Needs the most tables, and a dynamic top to grow */
			r[n].va = spans[s].last - 2 * KPT_SZ_4K + 1;
			r[n].pa = 0x10000;
			r[n].len = 2 * KPT_SZ_4K;
			n++;
		}

		for (j = 0; j != n; j++) {
			for (fail = 1; fail != 16; fail++) {
				struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
				struct kpt_prefix p = {
					.va = r[j].va,
					.pa = r[j].pa,
				};
				struct kpt_walk walk = {
					.leaf_fn = kpt_check_prefix,
					.priv = &p,
				};
				size_t mapped = 0;
				int ret;

				ctx->hooks.fail_alloc = fail;
				ret = kpt_map(ctx, r[j].va, r[j].pa,
					      ctx->min_pgsize,
					      kpt_div(r[j].len, ctx->min_pgsize),
					      IOMMU_READ, &mapped);
				ctx->hooks.fail_alloc = 0;
				p.mapped = mapped;
				kpt_walk(ctx, &walk);
				KUNIT_EXPECT_EQ_MSG(test, walk.leaf_bytes,
						    (u64)mapped,
						    "%s: range %u fail %u",
						    cfg->name, j, fail);
				KUNIT_EXPECT_EQ(test,
						atomic_read(&ctx->hooks.tables),
						walk.ntables);
				if (mapped < r[j].len)
					KUNIT_EXPECT_EQ(test,
							kpt_phys(ctx,
								 r[j].va +
								 r[j].len - 1),
							0);
				kpt_ctx_free(ctx);
				if (!ret) {
					KUNIT_EXPECT_EQ(test, mapped, r[j].len);
					break;
				}
				KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM,
						    "%s: range %u fail %u",
						    cfg->name, j, fail);
			}
			KUNIT_EXPECT_NE(test, fail, 16);
		}
	}
}

/*
 * A leaf of 2^size_lg2 near the top of a span is never split. In a new
 * table: an emptied lower table stays where a larger page would go.
 */
static void kpt_unmap_no_split(struct kunit *test, const struct kpt_cfg *cfg,
			       const struct kpt_span *span,
			       unsigned int size_lg2)
{
	u64 size = BIT_ULL(size_lg2);
	struct kpt_ctx *ctx;
	u64 va, pa, k4;

	ctx = kpt_ctx_new(test, cfg);
	k4 = ctx->min_pgsize;
	/* Not at IOVA 0, see kpt_test_map_each_size() */
	va = span->last - 2 * size + 1;
	if (va == span->first)
		va += size;
	pa = kpt_max(cfg->oasz_lg2) & ~(size - 1);
	if (kpt_map_ok(ctx, va, pa, size, IOMMU_READ)) {
		kpt_ctx_free(ctx);
		return;
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, k4), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va + size - k4, k4), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size / 2), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va + size / 2, size / 2), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va - k4, size), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va + k4, size), 0);
	KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va + size - 1), pa + size - 1,
			    "%s: va %llx size_lg2 %u", cfg->name, va,
			    size_lg2);
	KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(ctx, va, size), size,
			    "%s: va %llx size_lg2 %u", cfg->name, va,
			    size_lg2);
	kpt_check_empty(ctx, "after the no-split unmaps");
	kpt_ctx_free(ctx);
}

/*
 * From the start of a span: 8K then a 2M page from 2M - 8K, a hole, 12K at
 * 6M and a 2M page at 8M; unmap stops at leaves it would have to split.
 */
static void kpt_unmap_stops(struct kpt_ctx *ctx, const struct kpt_span *span)
{
	struct kunit *test = ctx->test;
	u64 m2 = KPT_SZ_2M, k4 = ctx->min_pgsize;
	u64 base = span->first;

	/* A format with one leaf size (Apple DART) has no leaf to stop at */
	if (hweight_long(kpt_domain(ctx)->pgsize_bitmap) < 2)
		return;
	kpt_map_ok(ctx, base + m2 - 2 * k4, m2 - 2 * k4, m2 + 2 * k4,
		   IOMMU_READ);
	kpt_map_ok(ctx, base + 3 * m2, 5 * m2, 3 * k4, IOMMU_READ);
	kpt_map_ok(ctx, base + 4 * m2, 4 * m2, m2, IOMMU_READ);

	/* Stops at the 2M page that extends past the range */
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base + m2 - 2 * k4, m2 / 2),
			2 * k4);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, base + m2), m2);
	/* Unmapped space is skipped */
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base, m2 - 2 * k4), 0);
	/* Stops at a page that started before the range */
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base + 4 * m2 + k4, m2 - k4), 0);
	/* The hole is skipped, the rest counted exactly */
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base + m2, 3 * m2),
			m2 + 3 * k4);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, base + 3 * m2), 0);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, base + 4 * m2 + 5), 4 * m2 + 5);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base + 4 * m2, m2), m2);
	/* Nothing left to unmap */
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base, 8 * m2), 0);
	kpt_check_empty(ctx, "after the stop tests");
}

/* unmap returns exact byte counts, never splits and stops at a leaf */
static void kpt_test_unmap(struct kunit *test)
{
	unsigned int i, s, size_lg2;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 sizes = kpt_ref_pgsize_bitmap(cfg);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(cfg, spans);
		struct kpt_ctx *ctx;

		for (s = 0; s != nspans; s++) {
			for (size_lg2 = 0; size_lg2 != 64; size_lg2++) {
				u64 size = BIT_ULL(size_lg2);

				if (!(sizes & size) ||
				    size == (sizes & -sizes))
					continue;
				kpt_unmap_no_split(test, cfg, &spans[s],
						   size_lg2);
			}
		}

		ctx = kpt_ctx_new(test, cfg);
		for (s = 0; s != nspans; s++)
			if (spans[s].lg2 > ilog2(KPT_SZ_2M) + 3)
				kpt_unmap_stops(ctx, &spans[s]);
		kpt_ctx_free(ctx);
	}
}

/* The table memory a page of a gather free list holds */
static u64 kpt_page_pa(struct page *page)
{
	return virt_to_phys(page_address(page));
}

/*
 * One unmap_pages call; then every table on the gather's free list must be a
 * table that was reachable in @before (and not the top), must not be
 * reachable any more, and its IOVA span must be inside the gather's range:
 * the driver flushes exactly that range before freeing the tables.
 */
static u64 kpt_unmap_freeing(struct kpt_ctx *ctx, const struct kpt_snap *before,
			     u64 va, u64 len, unsigned int *nfreed)
{
	struct kunit *test = ctx->test;
	struct iommu_iotlb_gather gather;
	struct kpt_snap *after;
	struct list_head *pos;
	size_t unmapped;
	unsigned int i;

	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(ctx), va, ctx->min_pgsize,
				       kpt_div(len, ctx->min_pgsize), &gather);
	after = kpt_snap_take(ctx);

	list_for_each(pos, &gather.freelist) {
		u64 pa = kpt_page_pa(list_entry(pos, struct page, lru));
		bool found = false;

		for (i = 1; i < before->n; i++) {
			u64 span;

			if (before->t[i].pa != pa)
				continue;
			found = true;
			span = kpt_max(kpt_ref_table_lg2(before->t[i].level));
			if (gather.start > before->t[i].va ||
			    gather.end < before->t[i].va + span)
				KUNIT_FAIL(test,
					   "%s: freed level %u table of %llx..%llx outside the flushed %llx..%llx",
					   ctx->cfg->name, before->t[i].level,
					   before->t[i].va,
					   before->t[i].va + span,
					   (u64)gather.start, (u64)gather.end);
			break;
		}
		KUNIT_EXPECT_TRUE_MSG(test, found,
				      "%s: freed a table that was not below the top",
				      ctx->cfg->name);
		for (i = 0; i < after->n; i++)
			KUNIT_EXPECT_NE_MSG(test, after->t[i].pa, pa,
					    "%s: freed a table still in use",
					    ctx->cfg->name);
	}
	kpt_snap_put(after);
	*nfreed = kpt_gather_free(ctx, &gather);
	return unmapped;
}

/*
 * Unmapping whole table spans frees the tables under them through the
 * gather; afterwards only the top is left.
 */
static void kpt_test_unmap_free_tables(struct kunit *test)
{
	struct kpt_range ranges[KPT_MAX_RANGES];
	unsigned int i, j;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		unsigned int n = kpt_ranges(cfg, ranges);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int s, nspans = kpt_ref_spans(cfg, spans);
		unsigned int nfreed, total_freed = 0;
		struct kpt_snap *before;
		struct kpt_walk walk = {};
		u64 total = 0, unmapped = 0;

		/* Pairwise disjoint except 0 and 1, and 5 and 6 */
		for (j = 0; j != n; j++) {
			size_t mapped = 0;

			if (kpt_map(ctx, ranges[j].va, ranges[j].pa,
				    ctx->min_pgsize,
				    kpt_div(ranges[j].len, ctx->min_pgsize),
				    IOMMU_READ, &mapped) == 0)
				total += ranges[j].len;
		}
		before = kpt_snap_take(ctx);
		if (kpt_ref_levels(cfg) > 1)
			KUNIT_EXPECT_GT(test, before->n, 1);

		/* Each span whole, in pieces that fit size_t */
		for (s = 0; s != nspans; s++) {
			u64 piece = kpt_span_piece(&spans[s]);
			u64 va = spans[s].first;

			do {
				unmapped += kpt_unmap_freeing(ctx, before, va,
							      piece, &nfreed);
				total_freed += nfreed;
				va += piece;
			} while (va - 1 != spans[s].last);
		}
		KUNIT_EXPECT_EQ_MSG(test, unmapped, total, "%s", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, total_freed, before->n - 1, "%s",
				    cfg->name);
		kpt_walk(ctx, &walk);
		KUNIT_EXPECT_EQ_MSG(test, walk.ntables, 1, "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, walk.nleaves, 0);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), 1);
		kpt_snap_put(before);
		kpt_ctx_free(ctx);
	}
}

/* How many table entries the walk found marked full, each checked true */
static unsigned int kpt_full_count(struct kpt_ctx *ctx)
{
	struct kpt_walk walk = {};

	kpt_walk(ctx, &walk);
	return walk.nfull;
}

/*
 * Map [va, va + len) in pages of the smallest size from a physical address
 * that is an odd multiple of it (nothing larger fits); return the marks.
 */
static unsigned int kpt_full_map(struct kpt_ctx *ctx, u64 va, u64 len)
{
	kpt_map_ok(ctx, va, ctx->min_pgsize, len, IOMMU_READ | IOMMU_WRITE);
	return kpt_full_count(ctx);
}

/* One unmap, expecting @expect bytes */
static void kpt_full_unmap(struct kpt_ctx *ctx, u64 va, u64 len, u64 expect,
			   const char *what)
{
	KUNIT_EXPECT_EQ_MSG(ctx->test, kpt_unmap(ctx, va, len), expect,
			    "%s: %s: unmap %llx+%llx", ctx->cfg->name, what, va,
			    len);
}

static int kpt_full_tables(struct kpt_ctx *ctx)
{
	return atomic_read(&ctx->hooks.tables);
}

/*
 * After unmapping all that was mapped: no leaf left, and the @nfreed tables
 * the unmaps covered freed since the map left @tables allocated
 */
static void kpt_full_empty(struct kpt_ctx *ctx, int tables, int nfreed,
			   const char *what)
{
	kpt_check_empty(ctx, what);
	KUNIT_EXPECT_EQ_MSG(ctx->test, kpt_full_tables(ctx), tables - nfreed,
			    "%s: tables %s", ctx->cfg->name, what);
}

/*
 * Map [va, va + big) (a level 2 item, @nlow marked leaf tables under its
 * mark), unmap [part, part + len) inside one leaf table, then the rest:
 * the upper mark and that table's must be gone in between
 */
static void kpt_full_part(struct kpt_ctx *ctx, u64 va, u64 big, u64 part,
			  u64 len, unsigned int nlow, const char *what)
{
	int tables;

	kpt_full_map(ctx, va, big);
	tables = kpt_full_tables(ctx);
	kpt_full_unmap(ctx, part, len, len, what);
	KUNIT_EXPECT_EQ_MSG(ctx->test, kpt_full_count(ctx), nlow - 1,
			    "%s: marks after %s", ctx->cfg->name, what);
	kpt_full_unmap(ctx, va, big, big - len, what);
	kpt_full_empty(ctx, tables, 1 + nlow, what);
}

/*
 * A table that one map filled is marked full and an unmap covering it counts
 * its span without reading it and frees it. Any unmap of part of it must
 * drop the mark on every level above, whichever way the unmap reaches it,
 * or the next unmap of the whole would count the holes: the exact byte
 * counts below catch that, every walk checks that each mark is true, and
 * the table count that the tables under a mark are freed all the same.
 */
static void kpt_test_unmap_full(struct kunit *test)
{
	unsigned int t1 = kpt_ref_item_lg2(1);
	unsigned int t2 = kpt_ref_item_lg2(2);
	/* The level 2 case maps at most 2^18 pages, once */
	bool want_upper = t2 - kpt_ref_item_lg2(0) <= 18;
	bool upper_done = false;
	unsigned int i;

	if (!KPT_REF_TABLE_FULL_BIT)
		kunit_skip(test, "the format has no full-table note");

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int nlow = BIT(t2 - t1);
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_ctx *ctx;
		u64 va, tbl, pg, big;
		int tables;

		kpt_ref_spans(cfg, spans);
		if (kpt_ref_levels(cfg) < 2 || spans[0].lg2 < t1 + 1)
			continue;
		ctx = kpt_ctx_new(test, cfg);
		va = spans[0].first;
		tbl = BIT_ULL(t1);
		pg = ctx->min_pgsize;

		KUNIT_EXPECT_EQ_MSG(test, kpt_full_map(ctx, va, tbl), 1,
				    "%s: one leaf table mapped", cfg->name);
		tables = kpt_full_tables(ctx);
		kpt_full_unmap(ctx, va, tbl, tbl, "whole");
		kpt_full_empty(ctx, tables, 1, "after the whole unmap");

		/* One page: the walk passes through one item per level */
		kpt_full_map(ctx, va, tbl);
		tables = kpt_full_tables(ctx);
		kpt_full_unmap(ctx, va + tbl / 2, pg, pg, "one page");
		KUNIT_EXPECT_EQ_MSG(test, kpt_full_count(ctx), 0,
				    "%s: after one page", cfg->name);
		kpt_full_unmap(ctx, va, tbl, tbl - pg, "rest after one page");
		kpt_full_empty(ctx, tables, 1, "after the rest");

		/* Two pages across two tables: neither item is covered */
		KUNIT_EXPECT_EQ_MSG(test, kpt_full_map(ctx, va, 2 * tbl), 2,
				    "%s: two leaf tables", cfg->name);
		tables = kpt_full_tables(ctx);
		kpt_full_unmap(ctx, va + tbl - pg, 2 * pg, 2 * pg,
			       "across the boundary");
		KUNIT_EXPECT_EQ_MSG(test, kpt_full_count(ctx), 0,
				    "%s: after the boundary", cfg->name);
		kpt_full_unmap(ctx, va, 2 * tbl, 2 * tbl - 2 * pg,
			       "rest after the boundary");
		kpt_full_empty(ctx, tables, 2, "after the two tables");

		/* A level above: the marks on the upper entry and below it */
		big = BIT_ULL(t2);
		if (!upper_done && want_upper && kpt_ref_levels(cfg) >= 3 &&
		    spans[0].lg2 > t2) {
			upper_done = true;
			KUNIT_EXPECT_EQ_MSG(test, kpt_full_map(ctx, va, big),
					    1 + nlow, "%s: a level 2 item",
					    cfg->name);
			tables = kpt_full_tables(ctx);
			kpt_full_unmap(ctx, va, big, big, "level 2 whole");
			kpt_full_empty(ctx, tables, 1 + nlow,
				       "after level 2 whole");

			/* The last page: the upper and one lower mark go */
			kpt_full_part(ctx, va, big, va + big - pg, pg, nlow,
				      "level 2, last page");
			/*
			 * A whole marked leaf table inside the marked item:
			 * freed unread, while the upper mark must go
			 */
			kpt_full_part(ctx, va, big, va, tbl, nlow,
				      "level 2, first table");
		}
		kpt_ctx_free(ctx);
	}
	if (want_upper)
		KUNIT_EXPECT_TRUE_MSG(test, upper_done,
				      "no configuration for the level 2 case");
}

/*
 * The gather range covers every leaf unmapped, also after a hole, and the
 * span of every table freed, also when no leaf was left in it.
 */
static void kpt_unmap_gather_span(struct kpt_ctx *ctx,
				  const struct kpt_span *span)
{
	struct kunit *test = ctx->test;
	const char *name = ctx->cfg->name;
	u64 m2 = KPT_SZ_2M, k4 = ctx->min_pgsize;
	struct iommu_iotlb_gather gather;
	u64 base = span->first;
	struct kpt_snap *before;
	unsigned int nfreed;
	size_t unmapped;

	/* A hole, then a 2M page */
	kpt_map_ok(ctx, base + m2, m2, m2, IOMMU_READ);
	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(ctx), base, k4, kpt_div(2 * m2, k4),
				       &gather);
	KUNIT_EXPECT_EQ(test, unmapped, m2);
	KUNIT_EXPECT_LE_MSG(test, (u64)gather.start, base + m2,
			    "%s: flush range %lx..%lx misses the unmapped %llx..%llx",
			    name, gather.start, gather.end, base + m2,
			    base + 2 * m2 - 1);
	KUNIT_EXPECT_GE_MSG(test, (u64)gather.end, base + 2 * m2 - 1,
			    "%s: flush range %lx..%lx misses the unmapped %llx..%llx",
			    name, gather.start, gather.end, base + m2,
			    base + 2 * m2 - 1);
	kpt_gather_free(ctx, &gather);

	/* A table left empty by an earlier unmap, then freed */
	kpt_map_ok(ctx, base + 2 * m2 + k4, 0x10000, k4, IOMMU_READ);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, base + 2 * m2 + k4, k4), k4);
	before = kpt_snap_take(ctx);
	KUNIT_EXPECT_EQ(test,
			kpt_unmap_freeing(ctx, before, base + 2 * m2, m2,
					  &nfreed),
			0);
	kpt_snap_put(before);
}

static void kpt_test_unmap_gather(struct kunit *test)
{
	unsigned int i, s;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(cfg, spans);
		struct kpt_ctx *ctx;

		if (cfg->vasz_lg2 <= ilog2(KPT_SZ_2M) + 3)
			continue;
		ctx = kpt_ctx_new(test, cfg);
		for (s = 0; s != nspans; s++)
			kpt_unmap_gather_span(ctx, &spans[s]);
		kpt_ctx_free(ctx);
	}
}

/* deinit frees every table, also with tables waiting on a gather list */
static void kpt_test_deinit(struct kunit *test)
{
	struct kpt_range ranges[KPT_MAX_RANGES];
	unsigned int i, j;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		unsigned int n = kpt_ranges(cfg, ranges);
		struct kpt_span spans[KPT_MAX_SPANS];
		struct iommu_iotlb_gather gather;
		unsigned int pending;
		u64 k4 = ctx->min_pgsize;

		kpt_ref_spans(cfg, spans);

		for (j = 0; j != n; j++) {
			size_t mapped = 0;

			kpt_map(ctx, ranges[j].va, ranges[j].pa, k4,
				kpt_div(ranges[j].len, k4), IOMMU_READ, &mapped);
		}
		/*
		 * Frees the tables under the lower half of the lowest span,
		 * not yet given back; the rest stays mapped.
		 */
		iommu_iotlb_gather_init(&gather);
		KPT_OP(unmap_pages)(kpt_domain(ctx), spans[0].first, k4,
				    kpt_div(BIT_ULL(spans[0].lg2 - 1), k4), &gather);
		pending = kpt_count_list(&gather.freelist);

		KPT_OP(deinit)(&ctx->table.iommu);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ctx->hooks.tables),
				    pending, "%s", cfg->name);
		kpt_gather_free(ctx, &gather);
		kpt_ctx_free(ctx);
	}
}

/* The top a dynamic table has now, checked from three sides */
static void kpt_check_top(struct kpt_ctx *ctx, unsigned int level)
{
	struct kunit *test = ctx->test;
	struct pt_iommu_info info;
	unsigned int hw_level;
	u64 pa;

	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &pa, &hw_level), 0);
	KPT_OP(get_info)(&ctx->table.iommu, &info);
	KUNIT_EXPECT_EQ_MSG(test, hw_level, level, "%s", ctx->cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.top_level, level, "%s",
			    ctx->cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, ctx->change_top_pa, pa, "%s",
			    ctx->cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, ctx->change_top_level, level, "%s",
			    ctx->cfg->name);
	KUNIT_EXPECT_FALSE(test, ctx->change_top_mismatch);
	KUNIT_EXPECT_GE(test, ctx->top_lock_calls, ctx->change_top_calls);
}

/* Follow item 0 down from the top to @level: the tables a top grew from */
static u64 kpt_follow_first(struct kpt_ctx *ctx, unsigned int to_level)
{
	struct kpt_ref_entry ent;
	unsigned int level;
	u64 pa;

	KUNIT_ASSERT_EQ(ctx->test, kpt_fmt_top(&ctx->table, &pa, &level), 0);
	for (; level > to_level; level--) {
		kpt_ref_decode(phys_to_virt(pa), level, 0, &ent);
		KUNIT_ASSERT_EQ_MSG(ctx->test, ent.type, KPT_REF_TABLE,
				    "%s: item 0 of level %u", ctx->cfg->name,
				    level);
		pa = ent.oa;
	}
	return pa;
}

/* A dynamic top grows one level at a time and then several at once */
/* Skip the calling test when no configuration has a dynamic top */
static void kpt_skip_without_dynamic_top(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		if (kpt_cfgs[i].dyn_start_levels)
			return;
	kunit_skip(test, "no configuration with a dynamic top");
}

static void kpt_test_dynamic_top(struct kunit *test)
{
	unsigned int i, level;

	kpt_skip_without_dynamic_top(test);

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int start = cfg->dyn_start_levels;
		unsigned int max_level = kpt_ref_levels(&(struct kpt_cfg){
			.vasz_lg2 = cfg->vasz_lg2 }) - 1;
		u64 k4, first_pa, top = kpt_max(cfg->vasz_lg2) - 0xfff;
		unsigned int calls;
		struct kpt_walk walk;
		struct kpt_ctx *ctx;
		u64 prev_pa;

		if (!start)
			continue;
		ctx = kpt_ctx_new(test, cfg);
		k4 = ctx->min_pgsize;
		kpt_map_ok(ctx, 0x1000, 0xabc000, k4, IOMMU_READ);
		KUNIT_EXPECT_EQ(test, ctx->change_top_calls, 0);
		first_pa = kpt_follow_first(ctx, start - 1);

		/*
		 * One level at a time up to two below the largest top, each
		 * by a map of a page on either side of the old top's end.
		 */
		for (level = start; level + 2 <= max_level; level++) {
			u64 va = BIT_ULL(kpt_ref_table_lg2(level - 1));
			u64 pa = 0x200000 + level * 0x10000;

			prev_pa = kpt_follow_first(ctx, level - 1);
			calls = ctx->change_top_calls;
			kpt_map_ok(ctx, va - k4, pa, 2 * k4, IOMMU_WRITE);
			KUNIT_EXPECT_EQ_MSG(test, ctx->change_top_calls,
					    calls + 1, "%s: grow to level %u",
					    cfg->name, level);
			kpt_check_top(ctx, level);
			/* The old top is item 0 of the new one */
			KUNIT_EXPECT_EQ(test, kpt_follow_first(ctx, level - 1),
					prev_pa);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 0x1234), 0xabc234);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va - k4 + 8),
					pa + 8);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + 8),
					pa + k4 + 8);
		}

		/* The last two levels in one map at the top of the space */
		calls = ctx->change_top_calls;
		kpt_map_ok(ctx, top - k4, 0x300000, 2 * k4, IOMMU_READ);
		KUNIT_EXPECT_GE(test, ctx->change_top_calls, calls + 1);
		kpt_check_top(ctx, max_level);
		KUNIT_EXPECT_EQ(test, kpt_follow_first(ctx, start - 1),
				first_pa);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 0x1234), 0xabc234);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, top + 0xfff), 0x301fff);

		memset(&walk, 0, sizeof(walk));
		kpt_walk(ctx, &walk);
		KUNIT_EXPECT_EQ(test, walk.top_level, max_level);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables),
				walk.ntables);
		KUNIT_EXPECT_EQ(test, walk.leaf_bytes,
				(u64)(2 * (max_level - start) + 1) * k4);

		/* No further growth, and nothing beyond max VA */
		calls = ctx->change_top_calls;
		kpt_map_ok(ctx, top - 4 * k4, 0x400000, k4, IOMMU_READ);
		if (cfg->vasz_lg2 < 64) {
			size_t mapped = 0;

			KUNIT_EXPECT_EQ(test,
					kpt_map(ctx, top + k4, 0, k4, 1,
						IOMMU_READ, &mapped),
					-ERANGE);
		}
		KUNIT_EXPECT_EQ(test, ctx->change_top_calls, calls);
		kpt_ctx_free(ctx);
	}
}

/*
 * Publication order: the device must see a table complete before it can
 * reach it. Every store that makes a table reachable (a table entry in a
 * reachable table pointing at one that was not, or a new top given to the
 * driver) must come after a device barrier (pt_publish_barrier()) that
 * comes after the zeroing of that table and after every store into it and
 * into the tables below it. The store hook reports stores, allocations and
 * barriers in order; the check replays them against the table tree read
 * with the hardware decoder afterwards.
 */

/* A 64K granule cut stores 8192 items, so many more than that */
#define KPT_PUB_MAX_EVENTS 65536
#define KPT_PUB_MAX_TABLES 128
/* An event of the log: the driver was given a new top */
#define KPT_PUB_TOP (PT_STORE_HOOK_ALLOC - 1)

struct kpt_pub_event {
	void *table;
	unsigned int index;
	u64 word;
};

struct kpt_pub {
	struct kpt_ctx *ctx;
	unsigned int n;
	bool overflow;
	struct kpt_pub_event *ev;
	/* The tree afterwards: each table's level and parent (-1 for none) */
	unsigned int ntables;
	void *table[KPT_PUB_MAX_TABLES];
	int parent[KPT_PUB_MAX_TABLES];
	bool published[KPT_PUB_MAX_TABLES];
	int touched[KPT_PUB_MAX_TABLES];
	/* The tables reachable before the operation */
	unsigned int nbefore;
	void *before[KPT_PUB_MAX_TABLES];
	unsigned int checked;
};

static void kpt_pub_log(struct kpt_pub *pub, void *table, unsigned int index,
			u64 word)
{
	if (pub->n == KPT_PUB_MAX_EVENTS) {
		pub->overflow = true;
		return;
	}
	pub->ev[pub->n].table = table;
	pub->ev[pub->n].index = index;
	pub->ev[pub->n].word = word;
	pub->n++;
}

#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
static void kpt_pub_hook(void *priv, struct pt_table_p *table,
			 unsigned int index)
{
	u64 word = 0;

	if (index < PT_STORE_HOOK_ALLOC)
		word = kpt_word(table, index);
	kpt_pub_log(priv, table, index, word);
}

static void kpt_pub_unhook(void *unused)
{
	pt_store_hook_set(NULL, NULL);
}
#endif

static struct kpt_pub *kpt_pub_of(struct pt_iommu *iommu_table)
{
	return kpt_ctx_of(iommu_table)->priv;
}

static void kpt_pub_change_top(struct pt_iommu *iommu_table,
			       phys_addr_t top_pa, unsigned int top_level)
{
	kpt_pub_log(kpt_pub_of(iommu_table), phys_to_virt(top_pa), KPT_PUB_TOP,
		    0);
	kpt_change_top(iommu_table, top_pa, top_level);
}

static int kpt_pub_find(struct kpt_pub *pub, const void *table)
{
	unsigned int i;

	for (i = 0; i != pub->ntables; i++)
		if (pub->table[i] == table)
			return i;
	return -1;
}

/* The tree as the hardware reads it now */
static void kpt_pub_tree(struct kpt_pub *pub, const struct kpt_cfg *cfg,
			 unsigned int level, void *table, int parent,
			 unsigned int top_level)
{
	unsigned int i, items = 1U << (level == top_level ?
				       kpt_ref_top_items_lg2(cfg, level) :
				       kpt_ref_items_lg2(level));
	struct kpt_ref_entry ent;
	int me;

	if (pub->ntables == KPT_PUB_MAX_TABLES) {
		pub->overflow = true;
		return;
	}
	me = pub->ntables++;
	pub->table[me] = table;
	pub->parent[me] = parent;
	if (!level)
		return;
	for (i = 0; i != items; i++) {
		if (kpt_ref_table_lg2(level) > 64 &&
		    (i >> (64 - kpt_ref_item_lg2(level))))
			break;
		kpt_ref_hw_decode(level, kpt_word(table, i), &ent);
		if (ent.type == KPT_REF_TABLE)
			kpt_pub_tree(pub, cfg, level - 1, phys_to_virt(ent.oa),
				     me, top_level);
	}
}

static bool kpt_pub_below(struct kpt_pub *pub, int t, int root)
{
	for (; t >= 0; t = pub->parent[t])
		if (t == root)
			return true;
	return false;
}

/* Read the tree as the hardware would now */
static void kpt_pub_read_tree(struct kpt_pub *pub, unsigned int *top_level)
{
	struct kpt_ctx *ctx = pub->ctx;
	u64 top_pa;

	KUNIT_ASSERT_EQ(ctx->test,
			kpt_fmt_top(&ctx->table, &top_pa, top_level), 0);
	pub->ntables = 0;
	kpt_pub_tree(pub, ctx->cfg, *top_level, phys_to_virt(top_pa), -1,
		     *top_level);
	KUNIT_ASSERT_FALSE(ctx->test, pub->overflow);
}

/* Before an operation: what is reachable, and an empty log */
static void kpt_pub_begin(struct kpt_pub *pub)
{
	unsigned int top_level;

	kpt_pub_read_tree(pub, &top_level);
	pub->nbefore = pub->ntables;
	memcpy(pub->before, pub->table, sizeof(pub->before));
	pub->n = 0;
}

static int kpt_pub_level(struct kpt_pub *pub, int t, unsigned int top_level)
{
	int level = top_level;

	for (t = pub->parent[t]; t >= 0; t = pub->parent[t])
		level--;
	return level;
}

/* Replay the events of the operation against the tree read after it */
static void kpt_pub_check(struct kpt_pub *pub, const char *what)
{
	struct kpt_ctx *ctx = pub->ctx;
	struct kunit *test = ctx->test;
	unsigned int e, i, top_level;
	int barrier = -1;

	kpt_pub_read_tree(pub, &top_level);
	for (i = 0; i != pub->ntables; i++) {
		unsigned int j;

		pub->touched[i] = -1;
		pub->published[i] = false;
		for (j = 0; j != pub->nbefore; j++)
			if (pub->before[j] == pub->table[i])
				pub->published[i] = true;
	}

	for (e = 0; e != pub->n; e++) {
		struct kpt_pub_event *ev = &pub->ev[e];
		int t = kpt_pub_find(pub, ev->table), x;
		struct kpt_ref_entry ent;
		int newest = -1;

		if (ev->index == PT_STORE_HOOK_BARRIER) {
			barrier = e;
			continue;
		}
		if (t < 0)
			continue;
		if (ev->index == KPT_PUB_TOP) {
			x = t;
		} else {
			pub->touched[t] = e;
			/* A store into a table not reachable yet publishes nothing */
			if (ev->index == PT_STORE_HOOK_ALLOC || !pub->published[t])
				continue;
			kpt_ref_hw_decode(kpt_pub_level(pub, t, top_level),
					  ev->word, &ent);
			if (ent.type != KPT_REF_TABLE)
				continue;
			x = kpt_pub_find(pub, phys_to_virt(ent.oa));
		}
		if (x < 0 || pub->published[x])
			continue;
		/* X and everything below it become reachable now */
		for (i = 0; i != pub->ntables; i++) {
			/* Not allocated yet: made reachable later */
			if (pub->touched[i] < 0 || !kpt_pub_below(pub, i, x))
				continue;
			newest = max(newest, pub->touched[i]);
			pub->published[i] = true;
		}
		pub->checked++;
		KUNIT_EXPECT_GT_MSG(test, barrier, newest,
				    "%s: %s: table %llx made reachable (event %u) with no device barrier after its last store or zeroing (event %d)",
				    ctx->cfg->name, what,
				    (u64)virt_to_phys(pub->table[x]), e, newest);
	}
	pub->n = 0;
}

static void kpt_test_publish_order(struct kunit *test)
{
#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
	unsigned int i, step;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_pub_event *ev;
		struct kpt_ctx *ctx;
		struct kpt_pub *pub;
		u64 big, va;
		int ret;

		pub = kzalloc(sizeof(*pub), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pub);
		ev = kvcalloc(KPT_PUB_MAX_EVENTS, sizeof(*ev), GFP_KERNEL);
		if (!ev)
			kfree(pub);
		KUNIT_ASSERT_NOT_NULL(test, ev);
		pub->ev = ev;
		ctx = kpt_ctx_alloc(test, cfg);
		ctx->drv_ops.change_top = kpt_pub_change_top;
		ctx->priv = pub;
		pub->ctx = ctx;
		ret = kpt_fmt_init(&ctx->table, cfg, &ctx->drv_ops);
		KUNIT_ASSERT_EQ(test, ret, 0);
		ctx->min_pgsize = kpt_domain(ctx)->pgsize_bitmap &
				  -kpt_domain(ctx)->pgsize_bitmap;
		kpt_ref_spans(cfg, spans);
		/* The largest page smaller than half the lower span */
		big = kpt_domain(ctx)->pgsize_bitmap &
		      kpt_max(min(spans[0].lg2 - 2, 40U));
		big = big ? BIT_ULL(fls64(big) - 1) : 0;

		pt_store_hook_set(kpt_pub_hook, pub);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test, kpt_pub_unhook,
							  NULL), 0);
		for (step = 0; step != 3; step++) {
			if (step == 2) {
				/* A large leaf, cut: a private sub-tree */
				va = spans[0].first + 2 * big;
				if (big <= ctx->min_pgsize ||
				    kpt_map_ok(ctx, va, big, big, IOMMU_READ))
					continue;
			}
			kpt_pub_begin(pub);
			if (step == 0) {
				/* New tables down to the smallest page */
				va = spans[0].first + 7 * ctx->min_pgsize;
				kpt_map_ok(ctx, va, 3 * ctx->min_pgsize,
					   ctx->min_pgsize, IOMMU_READ);
			} else if (step == 1) {
				/* The last page: a dynamic top grows */
				va = spans[0].last + 1 - ctx->min_pgsize;
				kpt_map_ok(ctx, va, 5 * ctx->min_pgsize,
					   ctx->min_pgsize, IOMMU_READ);
			} else {
				ret = KPT_OP(cut_mapping)(&ctx->table.iommu,
							  va + ctx->min_pgsize,
							  GFP_KERNEL);
				KUNIT_EXPECT_TRUE_MSG(test,
						      !ret || ret == -EOPNOTSUPP,
						      "%s: cut: %d", cfg->name,
						      ret);
			}
			kpt_pub_check(pub, step == 0 ? "map" :
					   step == 1 ? "map at the top" : "cut");
		}
		kunit_release_action(test, kpt_pub_unhook, NULL);
		kunit_info(test, "%s: %u tables made reachable", cfg->name,
			   pub->checked);
		/* A table of one level has nothing to make reachable */
		if (kpt_ref_levels(cfg) > 1)
			KUNIT_EXPECT_GT(test, pub->checked, 0);
		kpt_ctx_free(ctx);
		kvfree(pub->ev);
		kfree(pub);
	}
#else
	kunit_skip(test, "needs CONFIG_IOMMU_PT_STORE_HOOK");
#endif
}

/* The edges of the IOVA space */

#define KPT_EDGE_MAX_LEAVES (2 * KPT_MAX_SPANS)

struct kpt_edge_leaves {
	unsigned int n;
	struct kpt_leaf leaf[KPT_EDGE_MAX_LEAVES];
};

static void kpt_edge_record(struct kpt_walk *walk, const struct kpt_leaf *leaf)
{
	struct kpt_edge_leaves *leaves = walk->priv;

	if (leaves->n < KPT_EDGE_MAX_LEAVES)
		leaves->leaf[leaves->n] = *leaf;
	leaves->n++;
}

/* An unmap that must unmap nothing and leave the table memory as it was */
static void kpt_unmap_nothing(struct kpt_ctx *ctx,
			      const struct kpt_snap *before, u64 va, u64 len,
			      const char *what)
{
	unsigned int tables = atomic_read(&ctx->hooks.tables);
	struct kpt_snap *after;

	KUNIT_EXPECT_EQ_MSG(ctx->test, kpt_unmap(ctx, va, len), 0,
			    "%s: %s: unmap va %llx len %llx", ctx->cfg->name,
			    what, va, len);
	KUNIT_EXPECT_EQ_MSG(ctx->test, atomic_read(&ctx->hooks.tables),
			    tables, "%s: %s", ctx->cfg->name, what);
	after = kpt_snap_take(ctx);
	kpt_snap_check(ctx, before, after, what);
	kpt_snap_put(after);
}

/* One IOVA outside every span: refused, untranslated, nothing to unmap */
static void kpt_edge_outside(struct kpt_ctx *ctx,
			     const struct kpt_snap *before, u64 va)
{
	struct kunit *test = ctx->test;
	u64 k4 = ctx->min_pgsize;

	KUNIT_EXPECT_LT_MSG(test, kpt_span_of(ctx->cfg, va, va), 0,
			    "%s: va %llx", ctx->cfg->name, va);
	kpt_map_fails(ctx, before, va, 0x10000, k4, 1, -ERANGE, -ERANGE,
		      "map outside the IOVA space");
	KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va), 0, "%s: va %llx",
			    ctx->cfg->name, va);
	KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va + k4 - 1), 0,
			    "%s: va %llx", ctx->cfg->name, va + k4 - 1);
	kpt_unmap_nothing(ctx, before, va, k4, "unmap outside the IOVA space");
}

/* The first, a middle and the last granule of [first, last] */
static void kpt_edge_gap(struct kpt_ctx *ctx, const struct kpt_snap *before,
			 u64 first, u64 last)
{
	u64 mask = ~(ctx->min_pgsize - 1);

	kpt_edge_outside(ctx, before, first);
	kpt_edge_outside(ctx, before, (first / 2 + last / 2) & mask);
	kpt_edge_outside(ctx, before, last & mask);
}

/*
 * The first and the last granule of every span mapped at once (for a sign
 * extended IOVA: the lowest and highest canonical addresses of each half)
 * are where the reference walk finds them and translate. Every IOVA outside
 * the spans is refused with -ERANGE, translates to 0 and unmaps nothing; so
 * is every range touching or crossing the end of a span; the table memory
 * stays byte for byte the same.
 */
static void kpt_va_edges(struct kunit *test, const struct kpt_cfg *cfg)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int nspans = kpt_ref_spans(cfg, spans);
	struct kpt_edge_leaves leaves = {};
	struct kpt_walk walk = {
		.leaf_fn = kpt_edge_record,
		.priv = &leaves,
	};
	u64 k4 = ctx->min_pgsize, va[KPT_EDGE_MAX_LEAVES];
	struct kpt_snap *before;
	unsigned int s, j, n = 0;

	for (s = 0; s != nspans; s++) {
		va[n++] = spans[s].first;
		va[n++] = spans[s].last - k4 + 1;
	}
	/* PA 1M apart, 1M + 4K from the top of the OA */
	for (j = 0; j != n; j++)
		kpt_map_ok(ctx, va[j], kpt_max(cfg->oasz_lg2) + 1 - (j + 1) *
			   0x100000ULL - k4, k4,
			   kpt_prots[j % ARRAY_SIZE(kpt_prots)]);

	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ_MSG(test, leaves.n, n, "%s: leaves", cfg->name);
	for (j = 0; j != min(n, leaves.n); j++) {
		u64 pa = kpt_max(cfg->oasz_lg2) + 1 - (j + 1) * 0x100000ULL -
			 k4;

		/* The walk goes from the lowest IOVA up */
		KUNIT_EXPECT_EQ_MSG(test, leaves.leaf[j].va, va[j], "%s",
				    cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, leaves.leaf[j].oa, pa,
				    "%s: va %llx", cfg->name, va[j]);
		KUNIT_EXPECT_EQ_MSG(test, leaves.leaf[j].size_lg2,
				    (unsigned int)__ffs64(k4), "%s: va %llx",
				    cfg->name, va[j]);
		KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va[j]), pa,
				    "%s: va %llx", cfg->name, va[j]);
		KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, va[j] + k4 - 1),
				    pa + k4 - 1, "%s: va %llx", cfg->name,
				    va[j]);
	}
	for (s = 0; s != nspans; s++) {
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, spans[s].first + k4), 0);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, spans[s].last - k4), 0);
	}

	before = kpt_snap_take(ctx);
	/* Every hole, and above the last span */
	for (s = 0; s != nspans; s++) {
		if (s + 1 != nspans)
			kpt_edge_gap(ctx, before, spans[s].last + 1,
				     spans[s + 1].first - 1);
		else if (spans[s].last != U64_MAX)
			kpt_edge_gap(ctx, before, spans[s].last + 1, U64_MAX);
	}
	if (spans[0].first)
		kpt_edge_gap(ctx, before, 0, spans[0].first - 1);

	/* Ranges touching or crossing the ends of a span */
	for (s = 0; s != nspans; s++) {
		u64 last = spans[s].last;

		if (last != U64_MAX) {
			kpt_map_fails(ctx, before, last + 1 - 2 * k4, 0x10000,
				      k4, 4, -ERANGE, -ERANGE,
				      "across the end of a span");
			kpt_map_fails(ctx, before, last + 1 - k4, 0x10000, k4,
				      2, -ERANGE, -ERANGE,
				      "from the last granule of a span");
			kpt_map_fails(ctx, before, last + 1 - 2 * k4, 0x10000,
				      k4, 3, -ERANGE, -ERANGE,
				      "from a free granule across the end");
			kpt_unmap_nothing(ctx, before, last + 1 - k4, 2 * k4,
					  "unmap across the end of a span");
		}
		if (spans[s].first) {
			u64 first = spans[s].first;

			kpt_map_fails(ctx, before, first - k4, 0x10000, k4, 2,
				      -ERANGE, -ERANGE,
				      "across the start of a span");
			kpt_map_fails(ctx, before, first - 2 * k4, 0x10000,
				      k4, 2, -ERANGE, -ERANGE,
				      "up to the start of a span");
			kpt_unmap_nothing(ctx, before, first - k4, 2 * k4,
					  "unmap across the start of a span");
		}
		/* From the top of this span to the bottom of the next */
		if (s + 1 != nspans) {
			u64 len = spans[s + 1].first - last + 2 * k4 - 1;

			kpt_map_fails(ctx, before, last + 1 - k4, 0, k4,
				      kpt_div(len, k4), -ERANGE, -ERANGE,
				      "from one span to the next");
			kpt_unmap_nothing(ctx, before, last + 1 - k4, len,
					  "unmap from one span to the next");
		}
	}
	kpt_snap_put(before);

	/* Each ends where it was mapped, nothing more to unmap */
	for (j = 0; j != n; j++)
		KUNIT_EXPECT_EQ_MSG(test, kpt_unmap(ctx, va[j], k4), k4,
				    "%s: va %llx", cfg->name, va[j]);
	kpt_check_empty(ctx, "after unmapping the edges");
	kpt_ctx_free(ctx);
}

static void kpt_test_va_edges(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		kpt_va_edges(test, &kpt_cfgs[i]);
}

/* Random differential test against a list of mapped intervals */

#define KPT_RND_MAX_IV 160
/*
 * Operations per configuration (CONFIG_IOMMU_PT_KUNIT_RANDOM_OPS); a
 * personality with many configurations may use fewer.
 */
#ifndef KPT_RND_OPS
#define KPT_RND_OPS CONFIG_IOMMU_PT_KUNIT_RANDOM_OPS
#endif
/*
 * Kconfig's range (100 and up, two fifths for the ARM formats); a build that
 * got the option wrong (user/Makefile once defined every symbol as 1) would
 * otherwise run a test of one operation and pass
 */
static_assert(KPT_RND_OPS >= 40);
#define KPT_RND_CHECK_EVERY 1000

struct kpt_iv {
	u64 va;
	u64 last;
	u64 pa;
	unsigned int prot;
};

struct kpt_rnd {
	struct kpt_ctx *ctx;
	u64 seed;
	u64 state;
	unsigned int op;
	bool failed;
	struct kpt_iv *iv;
	unsigned int n;
	unsigned int zone_lg2;
	unsigned int nzones;
	u64 zones[3 * KPT_MAX_SPANS];
	unsigned int bad_leaves;
	/* What the run did, to show it did something */
	unsigned int maps;
	unsigned int overlaps;
	unsigned int unmaps;
	unsigned int max_n;
	u64 max_leaves;
};

/* Index of the first interval whose last byte is at or after @va */
static unsigned int kpt_rnd_find(const struct kpt_rnd *r, u64 va)
{
	unsigned int lo = 0, hi = r->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (r->iv[mid].last < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool kpt_rnd_overlaps(const struct kpt_rnd *r, u64 va, u64 last)
{
	unsigned int i = kpt_rnd_find(r, va);

	return i < r->n && r->iv[i].va <= last;
}

static u64 kpt_rnd_phys(const struct kpt_rnd *r, u64 va)
{
	unsigned int i = kpt_rnd_find(r, va);

	if (i < r->n && r->iv[i].va <= va)
		return r->iv[i].pa + (va - r->iv[i].va);
	return 0;
}

static void kpt_rnd_fail(struct kpt_rnd *r, const char *what, u64 va,
			 u64 len, u64 got, u64 expect)
{
	KUNIT_FAIL(r->ctx->test,
		   "%s: seed %llx op %u: %s va %llx len %llx: got %llx expected %llx",
		   r->ctx->cfg->name, r->seed, r->op, what, va, len, got,
		   expect);
	r->failed = true;
}

static u64 kpt_rnd(struct kpt_rnd *r, u64 lo, u64 hi)
{
	return kpt_rand_range(&r->state, lo, hi);
}

/* A random log2 in [lo, hi], both clamped to what a zone allows */
static unsigned int kpt_rnd_lg2(struct kpt_rnd *r, unsigned int lo,
				unsigned int hi)
{
	unsigned int top = r->zone_lg2 - 3;

	return kpt_rnd(r, min(lo, top), min(hi, top));
}

/*
 * A random range in a random zone. The pa is congruent to the va modulo
 * 2^p, p a little below the alignment of the length, so that a range never
 * needs more than a few hundred leaves.
 */
static void kpt_rnd_range(struct kpt_rnd *r, u64 *va, u64 *pa, u64 *len)
{
	const struct kpt_cfg *cfg = r->ctx->cfg;
	unsigned int min_lg2 = __ffs64(r->ctx->min_pgsize);
	unsigned int a, p, roll = kpt_rnd(r, 0, 99);
	u64 zone = r->zones[kpt_rnd(r, 0, r->nzones - 1)];
	u64 off;

	if (roll < 50)
		a = kpt_rnd_lg2(r, min_lg2, min_lg2 + 4);
	else if (roll < 85)
		a = kpt_rnd_lg2(r, min_lg2 + 5, min_lg2 + 13);
	else
		a = kpt_rnd_lg2(r, min_lg2 + 14, r->zone_lg2);
	*len = kpt_rnd(r, 1, 4) << a;
	if (!kpt_rnd(r, 0, 3))
		*len += kpt_rnd(r, 1, 3) << min_lg2;

	off = kpt_rand(&r->state) & kpt_max(r->zone_lg2) & ~kpt_max(a);
	if (!kpt_rnd(r, 0, 3))
		off += kpt_rnd(r, 1, 7) << min_lg2;
	if (off + *len > BIT_ULL(r->zone_lg2))
		off = (BIT_ULL(r->zone_lg2) - *len) & ~kpt_max(min_lg2);
	*va = zone + off;

	p = a;
	if (!kpt_rnd(r, 0, 3))
		p -= min_t(unsigned int, a - min_lg2, kpt_rnd(r, 1, 5));
	*pa = kpt_rnd(r, 1, (BIT_ULL(cfg->oasz_lg2) - *len - BIT_ULL(p)) >> p)
		      << p;
	*pa += *va & kpt_max(p);
}

static void kpt_rnd_map(struct kpt_rnd *r)
{
	struct kpt_ctx *ctx = r->ctx;
	u64 va, pa, len, pgsize, sizes, last;
	unsigned int prot = kpt_prots[kpt_rnd(r, 0, ARRAY_SIZE(kpt_prots) - 1)];
	struct kpt_piece_sizes ps = {};
	unsigned int i, k;
	size_t mapped = 0;
	int expect, ret;

	kpt_rnd_range(r, &va, &pa, &len);
	/* Sometimes start inside an existing mapping */
	if (r->n && !kpt_rnd(r, 0, 4)) {
		const struct kpt_iv *iv = &r->iv[kpt_rnd(r, 0, r->n - 1)];

		va = iv->va + (kpt_rnd(r, 0, iv->last - iv->va) &
			       ~(ctx->min_pgsize - 1));
		pa = ctx->min_pgsize;
		if (kpt_span_of(ctx->cfg, va, va + len - 1) < 0)
			return;
	}
	last = va + len - 1;
	expect = kpt_rnd_overlaps(r, va, last) ? -EADDRINUSE : 0;
	if (!expect && r->n == KPT_RND_MAX_IV)
		return;

	/* Any pgsize of the bitmap that divides the addresses and length */
	sizes = kpt_domain(ctx)->pgsize_bitmap &
		kpt_max(min_t(unsigned int, __ffs64(va | pa | len), 63) + 1);
	k = kpt_rnd(r, 0, hweight64(sizes) - 1);
	for (pgsize = sizes & -sizes; k--; pgsize = sizes & -sizes)
		sizes &= ~pgsize;

	ret = kpt_map(ctx, va, pa, pgsize, kpt_div(len, pgsize), prot, &mapped);
	if (ret != expect)
		return kpt_rnd_fail(r, "map errno", va, len, ret, expect);
	if (mapped != (ret ? 0 : len))
		return kpt_rnd_fail(r, "map bytes", va, len, mapped,
				    ret ? 0 : len);
	if (ret) {
		r->overlaps++;
		return;
	}
	r->maps++;

	/* The leaves a fresh table would get, whatever the history */
	ps.ctx = ctx;
	kpt_greedy_sizes(kpt_domain(ctx)->pgsize_bitmap, va, pa, len, NULL,
			 kpt_check_piece_size, &ps);
	if (ps.bad)
		return kpt_rnd_fail(r, "map: leaf size at the first wrong one",
				    ps.bad_va, len, ps.got, ps.want);

	i = kpt_rnd_find(r, va);
	memmove(&r->iv[i + 1], &r->iv[i], (r->n - i) * sizeof(r->iv[0]));
	r->iv[i].va = va;
	r->iv[i].last = last;
	r->iv[i].pa = pa;
	r->iv[i].prot = kpt_ref_prot_norm(prot);
	r->n++;
	r->max_n = max(r->max_n, r->n);
}

/* Unmap whole earlier map calls, and the holes between them */
static void kpt_rnd_unmap(struct kpt_rnd *r)
{
	unsigned int i, j, k;
	u64 va, last, expect = 0, got;

	if (!r->n)
		return;
	i = kpt_rnd(r, 0, r->n - 1);
	j = min_t(unsigned int, r->n - 1, i + kpt_rnd(r, 0, 2));
	/* Not across a hole of the IOVA space */
	while (kpt_span_of(r->ctx->cfg, r->iv[i].va, r->iv[j].last) < 0)
		j--;
	va = r->iv[i].va;
	last = r->iv[j].last;
	for (k = i; k <= j; k++)
		expect += r->iv[k].last - r->iv[k].va + 1;

	got = kpt_unmap(r->ctx, va, last - va + 1);
	if (got != expect)
		return kpt_rnd_fail(r, "unmap bytes", va, last - va + 1, got,
				    expect);
	for (k = i; k <= j; k++) {
		got = kpt_phys(r->ctx, r->iv[k].last);
		if (got)
			return kpt_rnd_fail(r, "iova_to_phys after unmap",
					    r->iv[k].last, 1, got, 0);
	}
	memmove(&r->iv[i], &r->iv[j + 1], (r->n - j - 1) * sizeof(r->iv[0]));
	r->n -= j - i + 1;
	r->unmaps++;
}

/* Unmap a range holding nothing */
static void kpt_rnd_unmap_hole(struct kpt_rnd *r)
{
	u64 va, pa, len, got;

	kpt_rnd_range(r, &va, &pa, &len);
	if (kpt_rnd_overlaps(r, va, va + len - 1))
		return;
	got = kpt_unmap(r->ctx, va, len);
	if (got)
		kpt_rnd_fail(r, "unmap of a hole", va, len, got, 0);
}

static void kpt_rnd_probe(struct kpt_rnd *r)
{
	u64 va, got, expect;

	if (r->n && kpt_rnd(r, 0, 1)) {
		const struct kpt_iv *iv = &r->iv[kpt_rnd(r, 0, r->n - 1)];

		va = kpt_rnd(r, iv->va, iv->last);
	} else {
		va = r->zones[kpt_rnd(r, 0, r->nzones - 1)] +
		     (kpt_rand(&r->state) & kpt_max(r->zone_lg2));
	}
	expect = kpt_rnd_phys(r, va);
	got = kpt_phys(r->ctx, va);
	if (got != expect)
		kpt_rnd_fail(r, "iova_to_phys", va, 1, got, expect);
}

static void kpt_rnd_check_leaf(struct kpt_walk *walk,
			       const struct kpt_leaf *leaf)
{
	struct kpt_rnd *r = walk->priv;
	u64 last = leaf->va + kpt_max(leaf->size_lg2);
	unsigned int i = kpt_rnd_find(r, leaf->va);

	if (i < r->n && r->iv[i].va <= leaf->va && last <= r->iv[i].last &&
	    leaf->oa == r->iv[i].pa + (leaf->va - r->iv[i].va) &&
	    leaf->prot == r->iv[i].prot)
		return;
	if (!r->bad_leaves++)
		kpt_rnd_fail(r, "leaf not in the model", leaf->va,
			     BIT_ULL(leaf->size_lg2), leaf->oa,
			     kpt_rnd_phys(r, leaf->va));
}

/* Every leaf belongs to the model and together they cover all of it */
static void kpt_rnd_check_all(struct kpt_rnd *r)
{
	struct kpt_walk walk = {
		.leaf_fn = kpt_rnd_check_leaf,
		.priv = r,
	};
	u64 bytes = 0;
	unsigned int i;

	kpt_walk(r->ctx, &walk);
	r->max_leaves = max_t(u64, r->max_leaves, walk.nleaves);
	for (i = 0; i != r->n; i++)
		bytes += r->iv[i].last - r->iv[i].va + 1;
	if (walk.leaf_bytes != bytes)
		kpt_rnd_fail(r, "mapped bytes", 0, 0, walk.leaf_bytes, bytes);
	if (atomic_read(&r->ctx->hooks.tables) != walk.ntables)
		kpt_rnd_fail(r, "allocated tables", 0, 0,
			     atomic_read(&r->ctx->hooks.tables),
			     walk.ntables);
	if (walk.nbad)
		r->failed = true;
}

static void kpt_rnd_run(struct kunit *test, const struct kpt_cfg *cfg,
			u64 seed, unsigned int nops)
{
	struct kpt_rnd *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int i, nspans;
	u64 total = 0;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->iv = kcalloc(KPT_RND_MAX_IV + 1, sizeof(r->iv[0]), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->iv);
	r->ctx = kpt_ctx_new(test, cfg);
	r->seed = seed;
	r->state = seed;

	/*
	 * In every span: the bottom, across the top of the first levels, and
	 * the top.
	 */
	nspans = kpt_ref_spans(cfg, spans);
	r->zone_lg2 = min(34U, cfg->oasz_lg2 - 2U);
	for (i = 0; i != nspans; i++)
		r->zone_lg2 = min(r->zone_lg2, spans[i].lg2 - 2);
	for (i = 0; i != nspans; i++) {
		r->zones[r->nzones++] = spans[i].first;
		if (spans[i].lg2 > 40)
			r->zones[r->nzones++] = spans[i].first + BIT_ULL(39) -
						BIT_ULL(r->zone_lg2 - 1);
		r->zones[r->nzones++] = spans[i].last - kpt_max(r->zone_lg2);
	}

	for (r->op = 0; r->op != nops && !r->failed; r->op++) {
		unsigned int roll = kpt_rnd(r, 0, 99);

		if (roll < 50)
			kpt_rnd_map(r);
		else if (roll < 66)
			kpt_rnd_unmap(r);
		else if (roll < 70)
			kpt_rnd_unmap_hole(r);
		else
			kpt_rnd_probe(r);
		if (r->op % KPT_RND_CHECK_EVERY == 0)
			kpt_rnd_check_all(r);
	}
	if (!r->failed)
		kpt_rnd_check_all(r);

	/* Unmap every zone: exactly what the model holds goes */
	for (i = 0; i != r->n; i++)
		total += r->iv[i].last - r->iv[i].va + 1;
	for (i = 0; i != r->nzones; i++)
		total -= kpt_unmap(r->ctx, r->zones[i],
				   BIT_ULL(r->zone_lg2));
	KUNIT_EXPECT_EQ_MSG(test, total, 0, "%s: seed %llx", cfg->name, seed);
	kunit_info(test,
		   "%s: seed %llx: %u ops, %u maps, %u overlaps, %u unmaps, up to %u mappings and %llu leaves",
		   cfg->name, seed, r->op, r->maps, r->overlaps, r->unmaps,
		   r->max_n, r->max_leaves);
	kpt_check_empty(r->ctx, "after unmapping every zone");

	kpt_ctx_free(r->ctx);
	kfree(r->iv);
	kfree(r);
}

static void kpt_test_random(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		kpt_rnd_run(test, &kpt_cfgs[i], KPT_SEED + i,
			    KPT_RND_OPS);
}

static int kpt_iommu_init(struct kunit *test)
{
	if (!kpt_any_cfg_fits_ulong())
		kunit_skip(test, "needs 64-bit IOVAs");
	return 0;
}

/*
 * The format-specific suites, whose cases use the configurations of wide
 * IOVA spaces by name: a 64-bit kernel only
 */
static int __maybe_unused kpt_iommu64_init(struct kunit *test)
{
	if (BITS_PER_LONG < 64)
		kunit_skip(test, "needs 64-bit IOVAs");
	return 0;
}

static struct kunit_case kpt_iommu_cases[] = {
	KUNIT_CASE(kpt_test_init),
	KUNIT_CASE(kpt_test_init_driver_fields),
	KUNIT_CASE(kpt_test_map_each_size),
	KUNIT_CASE(kpt_test_map_decompose),
	KUNIT_CASE(kpt_test_map_replaces_empty),
	KUNIT_CASE(kpt_test_map_driver_sizes),
	KUNIT_CASE(kpt_test_map_errors),
	KUNIT_CASE(kpt_test_map_enomem),
	KUNIT_CASE(kpt_test_unmap),
	KUNIT_CASE(kpt_test_unmap_free_tables),
	KUNIT_CASE(kpt_test_unmap_full),
	KUNIT_CASE(kpt_test_unmap_gather),
	KUNIT_CASE(kpt_test_deinit),
	KUNIT_CASE(kpt_test_dynamic_top),
	KUNIT_CASE(kpt_test_publish_order),
	KUNIT_CASE(kpt_test_va_edges),
	KUNIT_CASE(kpt_test_random),
	{}
};

static struct kunit_suite kpt_iommu_suite = {
	.name = KPT_SUITE_NAME("iommu"),
	.init = kpt_iommu_init,
	.test_cases = kpt_iommu_cases,
};

#endif

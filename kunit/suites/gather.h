/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: the IOTLB gather, checked against a driver model that
 * keeps its own TLB and walk cache; templated per format.
 *
 * The contract (Documentation/generic_pt.rst, "Flushing"): after unmap,
 * cut or map, and the flushes the gather asked for, the IOMMU holds no
 * stale translation and no pointer to freed table memory, and no flush
 * covers more than what the operation touched. A driver flushes the range
 * of the gather from its TLB, and from its walk cache only when the
 * freelist is not empty (a leaf-only invalidation otherwise); it frees the
 * freelist after that.
 *
 * Before every operation a walker reading the tables with the reference
 * decoder of the format's personality fills the model: every leaf of the
 * test area goes into the TLB, every table pointer into the walk cache
 * (the most an IOMMU can cache). The same walk is the snapshot the test
 * compares with afterwards: a leaf whose translation changed, or a table
 * no longer on the walk of its span, was touched; the flushes must cover
 * all of that (the model finds no stale entry) and stay inside the hull of
 * it. With PT_FEAT_FLUSH_RANGE_NO_GAPS several unmaps share one gather, as
 * the iommu core's do, and no flush may span an untouched gap between two
 * of them. The suite reports the ratio of bytes flushed to bytes touched.
 *
 * The model also takes the level hint of the gather as a driver that passes
 * one does (pt_iommu_gather_leaf_lg2()): with one leaf level named and no
 * table freed, its invalidation drops only the TLB entries of that level
 * (an SMMUv3 TLBI with a TTL hint leaves the others). Every level at which
 * something changed must be named (in &iommu_iotlb_gather.pgsize: the item
 * size of a leaf, and for a table that left the walk the size of the entry
 * that pointed at it), and no level at which nothing did.
 *
 * Uses kpt_cut_xlate() of kunit/suites/cut.h, the reference translation.
 */
#ifndef __GENERIC_PT_KUNIT_GATHER_H
#define __GENERIC_PT_KUNIT_GATHER_H

#define KPT_GM_OPS 160
#define KPT_GM_MAX_TABLES 2048
#define KPT_GM_MAX_SYNCS 8
#define KPT_GM_SEED (KPT_SEED ^ 0x676174686572ULL)

/* A cached leaf translation, or a cached table pointer */
struct kpt_gm_entry {
	u64 va;
	u64 last;
	/* Leaf: its output address; table: the table's virtual address */
	u64 oa;
	void *table;
	/* Leaf: the level of its items; table: the level of the table */
	unsigned int level;
	bool cached;
	/* The operation (1, 2) of a sequence that changed it first, or 0 */
	unsigned int op;
};

struct kpt_gm {
	struct kunit *test;
	struct kpt_cfg cfg;
	struct kpt_ctx *ctx;
	u64 lo;
	u64 hi;
	u64 seed;
	struct kpt_gm_entry *tlb;
	unsigned int ntlb;
	unsigned int max_tlb;
	struct kpt_gm_entry wc[KPT_GM_MAX_TABLES];
	unsigned int nwc;
	bool overflow;
	/* The flushes of one operation */
	struct {
		u64 start;
		u64 end;
		bool tables;
		/* The gather's size bits, and those of what changed inside */
		u64 sizes;
		u64 changed;
	} sync[KPT_GM_MAX_SYNCS];
	unsigned int nsync;
	unsigned int errors;
	u64 flushed;
	u64 touched;
	unsigned int ops;
	unsigned int table_flushes;
	unsigned int leaf_hints;
};

static void kpt_gm_fail(struct kpt_gm *gm, const char *what, u64 va, u64 last)
{
	if (gm->errors++ < 6)
		KUNIT_FAIL(gm->test, "%s: op %u: %s [%llx, %llx]", gm->cfg.name,
			   gm->ops, what, va, last);
}

/* The walker: every leaf and table pointer of [lo, hi] */
static void kpt_gm_walk(struct kpt_gm *gm, unsigned int level, void *table,
			u64 va, unsigned int top_level)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int i, items = 1U << (level == top_level ?
				       kpt_ref_top_items_lg2(&gm->cfg, level) :
				       kpt_ref_items_lg2(level));
	struct kpt_ref_entry ent;
	struct kpt_gm_entry *e;

	for (i = 0; i < items; i += max(ent.nitems, 1U)) {
		u64 item_va = va + ((u64)i << isz_lg2);

		ent.nitems = 1;
		if (isz_lg2 + ilog2(items) > 64 && (i >> (64 - isz_lg2)))
			break;
		if (level == top_level)
			item_va = kpt_ref_va_of(&gm->cfg, item_va);
		if (item_va + kpt_max(isz_lg2) < gm->lo || item_va > gm->hi)
			continue;
		kpt_ref_hw_decode(level, kpt_cut_read(table, i), &ent);
		if (ent.type == KPT_REF_TABLE) {
			if (gm->nwc == KPT_GM_MAX_TABLES) {
				gm->overflow = true;
				return;
			}
			e = &gm->wc[gm->nwc++];
			*e = (struct kpt_gm_entry){
				.va = item_va,
				.last = item_va + kpt_max(isz_lg2),
				.table = phys_to_virt(ent.oa),
				.level = level - 1,
				.cached = true,
			};
			kpt_gm_walk(gm, level - 1, e->table, item_va,
				    top_level);
			continue;
		}
		if (ent.type != KPT_REF_LEAF)
			continue;
		if (gm->ntlb == gm->max_tlb) {
			gm->overflow = true;
			return;
		}
		i &= ~(ent.nitems - 1);
		e = &gm->tlb[gm->ntlb++];
		*e = (struct kpt_gm_entry){
			.va = item_va & ~kpt_max(ent.size_lg2),
			.last = (item_va & ~kpt_max(ent.size_lg2)) +
				kpt_max(ent.size_lg2),
			.oa = ent.oa,
			.level = level,
			.cached = true,
		};
	}
}

static void kpt_gm_fill(struct kpt_gm *gm)
{
	unsigned int top_level;
	u64 top_pa;

	gm->ntlb = 0;
	gm->nwc = 0;
	gm->nsync = 0;
	KUNIT_ASSERT_EQ(gm->test, kpt_fmt_top(&gm->ctx->table, &top_pa,
					      &top_level), 0);
	kpt_gm_walk(gm, top_level, phys_to_virt(top_pa), 0, top_level);
	KUNIT_ASSERT_FALSE_MSG(gm->test, gm->overflow,
			       "%s: the test area has too many entries",
			       gm->cfg.name);
}

/* Whether @table is on the freelist of @gather */
static bool kpt_gm_freed(struct iommu_iotlb_gather *gather, void *table)
{
	struct page *page;

	list_for_each_entry(page, &gather->freelist, lru)
		if (page_address(page) == table)
			return true;
	return false;
}

/*
 * The driver: invalidate the TLB over the range, only the entries of the
 * level the gather names if it names one, and the walk cache too when
 * tables left the walk; then free them
 */
static void kpt_gm_iotlb_sync(struct iommu_domain *domain,
			      struct iommu_iotlb_gather *gather)
{
	struct kpt_ctx *ctx = container_of(domain, struct kpt_ctx,
					   table.iommu.domain);
	struct kpt_gm *gm = ctx->priv;
	unsigned int hint = pt_iommu_gather_leaf_lg2(gather);
	bool tables = !list_empty(&gather->freelist);
	u64 start = gather->start, end = gather->end;
	unsigned int i;

	if (start > end) {
		if (tables)
			kpt_gm_fail(gm, "tables freed with no range to flush",
				    start, end);
		kpt_gather_free(ctx, gather);
		return;
	}
	if (gm->nsync == KPT_GM_MAX_SYNCS)
		kpt_gm_fail(gm, "too many flushes for one operation", start,
			    end);
	else
		gm->sync[gm->nsync++] = (typeof(gm->sync[0])){
			start, end, tables, gather->pgsize };
	gm->flushed += end - start + 1;
	gm->table_flushes += tables;
	gm->leaf_hints += !!hint;
	for (i = 0; i != gm->ntlb; i++)
		if (gm->tlb[i].last >= start && gm->tlb[i].va <= end &&
		    (!hint || kpt_ref_item_lg2(gm->tlb[i].level) == hint))
			gm->tlb[i].cached = false;
	for (i = 0; i != gm->nwc; i++) {
		struct kpt_gm_entry *e = &gm->wc[i];

		if (tables && e->last >= start && e->va <= end)
			e->cached = false;
		if (e->cached && kpt_gm_freed(gather, e->table))
			kpt_gm_fail(gm, "the walk cache keeps a freed table for",
				    e->va, e->last);
	}
	kpt_gather_free(ctx, gather);
}

static const struct iommu_domain_ops kpt_gm_domain_ops = {
	.iotlb_sync = kpt_gm_iotlb_sync,
};

/* Whether the table of a walk cache entry is still where the walk goes */
static bool kpt_gm_wc_ok(struct kpt_gm *gm, const struct kpt_gm_entry *e,
			 u64 va, unsigned int top_level, u64 top_pa)
{
	struct kpt_cut_path path;
	struct kpt_cut_tr tr;
	unsigned int j = top_level - e->level;

	kpt_cut_xlate(&gm->cfg, top_pa, top_level, va, &tr, &path);
	return e->level < top_level && j < path.n &&
	       path.step[j].table == e->table;
}

/*
 * Compare the snapshot with the tables now: what changed since, not
 * changed by an earlier operation of the sequence, changed in @op
 */
static void kpt_gm_diff(struct kpt_gm *gm, unsigned int op)
{
	struct kpt_cut_tr a, b;
	unsigned int top_level, i;
	u64 top_pa;

	KUNIT_ASSERT_EQ(gm->test, kpt_fmt_top(&gm->ctx->table, &top_pa,
					      &top_level), 0);
	for (i = 0; i != gm->ntlb; i++) {
		struct kpt_gm_entry *e = &gm->tlb[i];

		if (e->op)
			continue;
		kpt_cut_xlate(&gm->cfg, top_pa, top_level, e->va, &a, NULL);
		kpt_cut_xlate(&gm->cfg, top_pa, top_level, e->last, &b, NULL);
		if (!a.mapped || !b.mapped || a.oa != e->oa ||
		    b.oa != e->oa + (e->last - e->va))
			e->op = op;
	}
	for (i = 0; i != gm->nwc; i++) {
		struct kpt_gm_entry *e = &gm->wc[i];

		if (!e->op &&
		    (!kpt_gm_wc_ok(gm, e, e->va, top_level, top_pa) ||
		     !kpt_gm_wc_ok(gm, e, e->last, top_level, top_pa)))
			e->op = op;
	}
}

/*
 * After the operations and their flushes (@nops in one gather, the last
 * not diffed yet): what the model still caches is what the tables say,
 * every flush stays inside the hull of what changed and covers each thing
 * that changed, and with PT_FEAT_FLUSH_RANGE_NO_GAPS no flush spans the
 * gap between what two operations changed.
 */
static void kpt_gm_check(struct kpt_gm *gm, unsigned int nops)
{
	u64 first = U64_MAX, last = 0, union_end = 0, touched = 0;
	u64 op_first[3] = { U64_MAX, U64_MAX, U64_MAX };
	u64 op_last[3] = {};
	unsigned int i, j;

	kpt_gm_diff(gm, nops);
	for (i = 0; i != gm->ntlb; i++)
		if (gm->tlb[i].op && gm->tlb[i].cached)
			kpt_gm_fail(gm, "stale TLB entry", gm->tlb[i].va,
				    gm->tlb[i].last);
	for (i = 0; i != gm->nwc; i++)
		if (gm->wc[i].op && gm->wc[i].cached)
			kpt_gm_fail(gm, "stale walk cache entry", gm->wc[i].va,
				    gm->wc[i].last);

	/*
	 * The touched IOVAs: both lists are in IOVA order, tables before
	 * what they hold, so one pass over each merges the union
	 */
	for (i = 0, j = 0; i != gm->ntlb || j != gm->nwc;) {
		struct kpt_gm_entry *e;
		unsigned int k;
		u64 size;

		if (j == gm->nwc ||
		    (i != gm->ntlb && gm->tlb[i].va < gm->wc[j].va)) {
			e = &gm->tlb[i++];
			size = BIT_ULL(kpt_ref_item_lg2(e->level));
		} else {
			e = &gm->wc[j++];
			/* The entry that pointed at the table */
			size = BIT_ULL(kpt_ref_item_lg2(e->level + 1));
		}
		if (!e->op)
			continue;
		first = min(first, e->va);
		last = max(last, e->last);
		op_first[e->op] = min(op_first[e->op], e->va);
		op_last[e->op] = max(op_last[e->op], e->last);
		if (!touched || e->va > union_end) {
			touched += e->last - e->va + 1;
			union_end = e->last;
		} else if (e->last > union_end) {
			touched += e->last - union_end;
			union_end = e->last;
		}
		for (k = 0; k != gm->nsync; k++)
			if (gm->sync[k].start <= e->va &&
			    gm->sync[k].end >= e->last)
				break;
		if (k == gm->nsync) {
			kpt_gm_fail(gm, "no one flush covers the change",
				    e->va, e->last);
			continue;
		}
		gm->sync[k].changed |= size;
		/*
		 * The level of what changed is named; below a table that left
		 * (and so with every level invalidated), leaves may not be.
		 */
		if (!(gm->sync[k].sizes & size) &&
		    (e->table || !gm->sync[k].tables))
			kpt_gm_fail(gm, "the gather names no level for the change",
				    e->va, e->last);
	}
	gm->touched += touched;

	for (i = 0; i != gm->nsync; i++)
		if (gm->sync[i].sizes & ~gm->sync[i].changed)
			kpt_gm_fail(gm, "the gather names a level where nothing changed",
				    gm->sync[i].start, gm->sync[i].end);

	for (i = 0; i != gm->nsync; i++) {
		u64 s = gm->sync[i].start, t = gm->sync[i].end;

		if (s < first || t > last)
			kpt_gm_fail(gm, "flush beyond what changed", s, t);
		if (nops == 1 && (s != first || t != last))
			kpt_gm_fail(gm, "flush not the hull of what changed",
				    s, t);
		/* Two apart, each flushed on its own */
		if (nops == 2 &&
		    pt_feature(&gm->ctx->table.iommu.common,
			       PT_FEAT_FLUSH_RANGE_NO_GAPS) &&
		    op_first[1] <= op_last[1] && op_first[2] <= op_last[2] &&
		    (op_last[1] + 1 < op_first[2] ||
		     op_last[2] + 1 < op_first[1]) &&
		    s <= op_last[1] && t >= op_first[1] &&
		    s <= op_last[2] && t >= op_first[2])
			kpt_gm_fail(gm, "no gaps: flush across an untouched gap",
				    s, t);
	}
}

/* A random granule-aligned range of the area, up to @max_len */
static void kpt_gm_range(struct kpt_gm *gm, u64 max_len, u64 *va, u64 *len)
{
	u64 g = gm->ctx->min_pgsize;
	u64 n = kpt_div(gm->hi - gm->lo + 1, g);
	u64 start = kpt_rand_range(&gm->seed, 0, n - 1);
	u64 count = kpt_rand_range(&gm->seed, 1, kpt_div(max_len, g));
	u64 big = BIT_ULL(kpt_ref_item_lg2(1));

	/* Often aligned to whole tables, which unmap frees */
	if (!(kpt_mod(kpt_rand(&gm->seed), 3)) && kpt_div(big, g) < n) {
		start &= ~(kpt_div(big, g) - 1);
		count = kpt_div(big, g) * kpt_rand_range(&gm->seed, 1, 2);
	}
	count = min(count, n - start);
	*va = gm->lo + start * g;
	*len = count * g;
}

static void kpt_gm_map(struct kpt_gm *gm)
{
	u64 va, len, pa;
	size_t mapped = 0;

	kpt_gm_range(gm, BIT_ULL(kpt_ref_item_lg2(1) + 1), &va, &len);
	/* The OA keeps the IOVA's alignment, so large leaves fit */
	pa = (va - gm->lo) + BIT_ULL(gm->cfg.oasz_lg2 - 1);
	kpt_map(gm->ctx, va, pa, gm->ctx->min_pgsize,
		kpt_div(len, gm->ctx->min_pgsize), IOMMU_READ | IOMMU_WRITE, &mapped);
	kpt_gm_check(gm, 1);
}

static void kpt_gm_unmap(struct kpt_gm *gm, unsigned int n)
{
	struct iommu_iotlb_gather gather;
	unsigned int i;
	u64 va, len;

	/* Several unmaps into one gather, as the iommu core does */
	iommu_iotlb_gather_init(&gather);
	for (i = 0; i != n; i++) {
		if (i)
			kpt_gm_diff(gm, i);
		kpt_gm_range(gm, BIT_ULL(kpt_ref_item_lg2(1) + 1), &va, &len);
		KPT_OP(unmap_pages)(kpt_domain(gm->ctx), va,
				    gm->ctx->min_pgsize,
				    kpt_div(len, gm->ctx->min_pgsize), &gather);
	}
	iommu_iotlb_sync(kpt_domain(gm->ctx), &gather);
	kpt_gm_check(gm, n);
}

static void kpt_gm_cut(struct kpt_gm *gm)
{
	u64 va, len;

	kpt_gm_range(gm, gm->ctx->min_pgsize, &va, &len);
	/* Hitless: nothing to flush, whether it cuts or refuses */
	KPT_OP(cut_mapping)(&gm->ctx->table.iommu, va, GFP_KERNEL);
	kpt_gm_check(gm, 1);
}

static void kpt_gm_run(struct kunit *test, const struct kpt_cfg *cfg,
		       unsigned int flush_feature)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int big_lg2 = kpt_ref_item_lg2(1);
	struct kpt_gm_entry *tlb;
	struct kpt_gm *gm;
	u64 area;

	gm = kvcalloc(1, sizeof(*gm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, gm);
	gm->test = test;
	gm->cfg = *cfg;
	gm->cfg.features |= BIT(flush_feature);
	gm->seed = KPT_GM_SEED;
	kpt_ref_spans(&gm->cfg, spans);
	/* Four tables of the lowest level, in the first level 2 item */
	area = min_t(u64, 4 * BIT_ULL(big_lg2), BIT_ULL(spans[0].lg2 - 1));
	gm->lo = spans[0].first;
	gm->hi = gm->lo + area - 1;
	gm->ctx = kpt_ctx_new(test, &gm->cfg);
	gm->ctx->priv = gm;
	gm->ctx->table.iommu.domain.ops = &kpt_gm_domain_ops;
	gm->max_tlb = kpt_div(area, gm->ctx->min_pgsize) + 1;
	tlb = kvcalloc(gm->max_tlb, sizeof(*gm->tlb), GFP_KERNEL);
	if (!tlb) {
		kpt_ctx_free(gm->ctx);
		kvfree(gm);
	}
	KUNIT_ASSERT_NOT_NULL(test, tlb);
	gm->tlb = tlb;

	for (gm->ops = 0; gm->ops != KPT_GM_OPS && gm->errors < 6;
	     gm->ops++) {
		unsigned int what = kpt_rand(&gm->seed) % 8;

		kpt_gm_fill(gm);
		if (what < 4)
			kpt_gm_map(gm);
		else if (what < 6)
			kpt_gm_unmap(gm, 1);
		else if (what < 7)
			kpt_gm_unmap(gm, 2);
		else
			kpt_gm_cut(gm);
	}
	/* Everything goes, and every table with it */
	kpt_gm_fill(gm);
	{
		struct iommu_iotlb_gather gather;

		iommu_iotlb_gather_init(&gather);
		KPT_OP(unmap_pages)(kpt_domain(gm->ctx), gm->lo,
				    gm->ctx->min_pgsize,
				    kpt_div(area, gm->ctx->min_pgsize), &gather);
		iommu_iotlb_sync(kpt_domain(gm->ctx), &gather);
	}
	kpt_gm_check(gm, 1);

	kunit_info(test,
		   "%s%s: %u operations, %u flushes of tables, %u of one leaf level; flushed %llu bytes for %llu touched: over-flush %llu.%03llu",
		   cfg->name,
		   flush_feature == PT_FEAT_FLUSH_RANGE_NO_GAPS ? " no gaps" :
								   "",
		   gm->ops, gm->table_flushes, gm->leaf_hints, gm->flushed,
		   gm->touched,
		   gm->touched ? kpt_div(gm->flushed, gm->touched) : 0,
		   gm->touched ?
			   kpt_div(kpt_mod(gm->flushed, gm->touched) * 1000,
				   gm->touched) : 0);
	kpt_ctx_free(gm->ctx);
	kvfree(gm->tlb);
	kvfree(gm);
}

static void kpt_gm_test_range(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		kpt_gm_run(test, &kpt_cfgs[i], PT_FEAT_FLUSH_RANGE);
}

static void kpt_gm_test_no_gaps(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		kpt_gm_run(test, &kpt_cfgs[i], PT_FEAT_FLUSH_RANGE_NO_GAPS);
}

/* The two flush choices exclude each other */
static void kpt_gm_test_both(struct kunit *test)
{
	struct kpt_cfg cfg = kpt_cfgs[0];
	struct kpt_ctx *ctx;

	cfg.features |= BIT(PT_FEAT_FLUSH_RANGE) |
			BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS);
	ctx = kpt_ctx_alloc(test, &cfg);
	KUNIT_EXPECT_EQ(test, kpt_fmt_init(&ctx->table, &cfg, &ctx->drv_ops),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), 0);
	kfree(ctx);
}

static struct kunit_case kpt_gm_cases[] = {
	KUNIT_CASE(kpt_gm_test_range),
	KUNIT_CASE(kpt_gm_test_no_gaps),
	KUNIT_CASE(kpt_gm_test_both),
	{}
};

/*
 * Its IOVAs (four lowest level tables from IOVA 0, at most 2G with the 64K
 * granule) stay below 4G: it runs on a 32-bit kernel too.
 */
static struct kunit_suite kpt_gm_suite = {
	.name = KPT_SUITE_NAME("gather"),
	.test_cases = kpt_gm_cases,
};

kunit_test_suite(kpt_gm_suite);

#endif

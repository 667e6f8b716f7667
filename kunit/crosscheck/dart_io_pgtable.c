// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-check of the Apple DART formats against the code they replace:
 * 6.12's io-pgtable-dart (APPLE_DART and APPLE_DART2), built where the kernel
 * has CONFIG_IOMMU_IO_PGTABLE_DART: arm64, and x86_64 and s390 with
 * COMPILE_TEST (kunit/configs/<arch>.kunitconfig).
 *
 * For both generations, both granules and one to four TTBRs, both tables get
 * the same maps with the same prot, called the way the iommu core calls
 * map_pages and unmap_pages. Both must give the same number of TTBRs. Then at
 * every page of every range both tables are walked from the TTBRs their
 * driver would program, by a walker of this file written from the walk of
 * io-pgtable-dart.c (a TTBR by the IOVA bits above L1, an L1 entry, an L2
 * entry), and must agree on the output address, every bit of the page entry
 * but the intended difference, the non-address bits of the L1 entry, and
 * iova_to_phys; the holes around the ranges must be unmapped in both.
 * Sub-ranges are unmapped in both and everything compared again.
 *
 * The one intended difference is bit 1 of v2 pages (XC_DART_V2_NO_CACHE).
 *
 * Not in the user-space build: it has no io-pgtable-dart (user/Makefile).
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/generic_pt/iommu.h>
#include <linux/io.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "common.h"

/* Entry bits, as io-pgtable-dart.c names them */
#define XC_DART_VALID BIT_ULL(0)
#define XC_DART_V1_ADDR GENMASK_ULL(35, 12)
#define XC_DART_V2_ADDR GENMASK_ULL(37, 10)
#define XC_DART_V2_SHIFT 4
/*
 * Intended difference: 6.12's dart_init_pte() sets SP_DIS (bit 1) on every
 * page of both generations, and bit 1 of a v2 page is NO_CACHE, so every v2
 * page is non-cacheable there, IOMMU_CACHE or not (later kernels set SP_DIS
 * on v1 pages only). The format sets NO_CACHE on v2 pages mapped without
 * IOMMU_CACHE only; xc_compare() checks that it does, and that io-pgtable
 * sets it on all.
 */
#define XC_DART_V2_NO_CACHE BIT_ULL(1)

struct xc_gran {
	unsigned int lg2;
	int (*init)(struct pt_iommu_dart *table,
		    const struct pt_iommu_dart_cfg *cfg, gfp_t gfp);
	void (*hw_info)(struct pt_iommu_dart *table,
			struct pt_iommu_dart_hw_info *info);
	struct iommu_domain_ops ops;
	void (*deinit)(struct pt_iommu *table);
};

#define XC_GRAN(fmt, g)                                        \
	{                                                      \
		.lg2 = g,                                      \
		.init = pt_iommu_##fmt##_init,                 \
		.hw_info = pt_iommu_##fmt##_hw_info,           \
		.ops = { IOMMU_PT_DOMAIN_OPS(fmt) },           \
		.deinit = pt_iommu_##fmt##_deinit,             \
	}

static const struct xc_gran xc_grans[] = {
	XC_GRAN(dart, 14),
	XC_GRAN(dart_4k, 12),
};

struct xc_cfg {
	const char *name;
	u8 granule_lg2;
	bool v2;
	u8 ias;
	u8 oas;
};

/*
 * apple-dart's t8020 (v1) and t6000 (v2) tables (16K, 32-bit IOVA, one
 * TTBR); wider IOVAs as a t8110 may report them (two and four TTBRs); and
 * v1 with the 4K granule, where 32 bits need four TTBRs. io-pgtable-dart
 * takes an OA of 36 or 42 bits only.
 */
static const struct xc_cfg xc_cfgs[] = {
	{ "16k-v1-ias32-oas36", 14, false, 32, 36 },
	{ "16k-v2-ias32-oas42", 14, true, 32, 42 },
	{ "16k-v2-ias36-oas42", 14, true, 36, 42 },
	{ "16k-v2-ias37-oas42", 14, true, 37, 42 },
	{ "16k-v2-ias38-oas42", 14, true, 38, 42 },
	{ "16k-v1-ias36-oas36", 14, false, 36, 36 },
	{ "4k-v1-ias32-oas36", 12, false, 32, 36 },
};

static void xc_cfg_desc(const struct xc_cfg *cfg, char *desc)
{
	strscpy(desc, cfg->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xc_cfgs, xc_cfgs, xc_cfg_desc);

/*
 * The TTBRs of one side. Table memory is little-endian (ours) or in CPU
 * order (io-pgtable-dart stores dart_iopte as it is).
 */
struct xc_top {
	u64 ttbr[4];
	unsigned int n;
	bool le;
};

/* What a walk of one IOVA finds */
struct xc_leaf {
	bool found;
	u64 l1;
	u64 word;
	u64 oa;
};

struct xc_ctx {
	struct xc_sides xs;
	const struct xc_cfg *cfg;
	const struct xc_gran *gran;
	struct pt_iommu_dart ours;
	struct io_pgtable_cfg io_cfg;
	struct xc_top top[2];
	/* What the comparisons saw: pages, by TTBR; masked NO_CACHE bits */
	unsigned int pages[4];
	unsigned int no_cache;
};

static u64 xc_addr(const struct xc_cfg *cfg, u64 word)
{
	if (cfg->v2)
		return (word & XC_DART_V2_ADDR) << XC_DART_V2_SHIFT;
	return word & XC_DART_V1_ADDR;
}

static u64 xc_addr_bits(const struct xc_cfg *cfg)
{
	return cfg->v2 ? XC_DART_V2_ADDR : XC_DART_V1_ADDR;
}

static u64 xc_read(const struct xc_top *top, u64 table_pa, unsigned int idx)
{
	void *table = phys_to_virt(table_pa);

	if (top->le)
		return le64_to_cpu(((__le64 *)table)[idx]);
	return ((u64 *)table)[idx];
}

/* The TTBR an IOVA goes through (dart_get_table()) */
static unsigned int xc_ttbr_of(const struct xc_cfg *cfg, u64 iova)
{
	return iova >> (3 * cfg->granule_lg2 - 6);
}

/*
 * Translate @iova as the DART does: the TTBR by the bits above L1, the L1
 * entry, the L2 entry; VALID says present at both levels.
 */
static void xc_walk(const struct xc_cfg *cfg, const struct xc_top *top,
		    u64 iova, struct xc_leaf *leaf)
{
	unsigned int g = cfg->granule_lg2, bits = g - 3;
	unsigned int tbl = xc_ttbr_of(cfg, iova);
	u64 l1, l2;

	memset(leaf, 0, sizeof(*leaf));
	if (tbl >= top->n)
		return;
	l1 = xc_read(top, top->ttbr[tbl], (iova >> (g + bits)) & GENMASK(bits - 1, 0));
	if (!(l1 & XC_DART_VALID))
		return;
	l2 = xc_read(top, xc_addr(cfg, l1), (iova >> g) & GENMASK(bits - 1, 0));
	if (!(l2 & XC_DART_VALID))
		return;
	leaf->found = true;
	leaf->l1 = l1;
	leaf->word = l2;
	leaf->oa = xc_addr(cfg, l2);
}

/*
 * The TTBRs both drivers would program: as many on both sides, each a
 * granule aligned table; the unused ones zero in the format's hw_info.
 */
static void xc_check_ttbrs(struct xc_ctx *ctx)
{
	const struct io_pgtable_cfg *io = &ctx->io_cfg;
	const struct xc_cfg *cfg = ctx->cfg;
	struct kunit *test = ctx->xs.test;
	struct pt_iommu_dart_hw_info info;
	unsigned int i;

	ctx->gran->hw_info(&ctx->ours, &info);
	KUNIT_EXPECT_EQ_MSG(test, info.n_ttbrs, io->apple_dart_cfg.n_ttbrs,
			    "%s: TTBRs", cfg->name);
	KUNIT_ASSERT_GE(test, info.n_ttbrs, 1);
	KUNIT_ASSERT_LE(test, info.n_ttbrs, 4);
	KUNIT_ASSERT_LE(test, io->apple_dart_cfg.n_ttbrs, 4);
	ctx->top[XC_OURS] = (struct xc_top){ .n = info.n_ttbrs, .le = true };
	ctx->top[XC_IO] = (struct xc_top){ .n = io->apple_dart_cfg.n_ttbrs };
	for (i = 0; i != 4; i++) {
		if (i >= info.n_ttbrs) {
			KUNIT_EXPECT_EQ(test, info.ttbr[i], 0);
			continue;
		}
		KUNIT_EXPECT_NE(test, info.ttbr[i], 0);
		KUNIT_EXPECT_EQ(test, info.ttbr[i] & (BIT_ULL(cfg->granule_lg2) - 1),
				0);
		ctx->top[XC_OURS].ttbr[i] = info.ttbr[i];
	}
	for (i = 0; i != ctx->top[XC_IO].n; i++)
		ctx->top[XC_IO].ttbr[i] = io->apple_dart_cfg.ttbr[i];
}

static void xc_ctx_init(struct kunit *test, struct xc_ctx *ctx)
{
	const struct xc_cfg *cfg = test->param_value;
	struct pt_iommu_dart_cfg ours_cfg = {};
	struct device *dev;
	unsigned int i;
	int ret;

	ctx->xs.test = test;
	ctx->xs.name = cfg->name;
	ctx->xs.domain = &ctx->ours.iommu.domain;
	ctx->cfg = cfg;
	for (i = 0; i != ARRAY_SIZE(xc_grans); i++)
		if (xc_grans[i].lg2 == cfg->granule_lg2)
			ctx->gran = &xc_grans[i];
	KUNIT_ASSERT_NOT_NULL(test, ctx->gran);
	ctx->xs.ours = &ctx->gran->ops;

	dev = kunit_device_register(test, "generic_pt_xc_dart");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	/* What apple_dart_finalize_domain() hands io-pgtable */
	ctx->io_cfg = (struct io_pgtable_cfg){
		.pgsize_bitmap = BIT_ULL(cfg->granule_lg2),
		.ias = cfg->ias,
		.oas = cfg->oas,
		.coherent_walk = true,
		.tlb = &xc_flush_ops,
		.iommu_dev = dev,
	};
	ctx->xs.io = alloc_io_pgtable_ops(cfg->v2 ? APPLE_DART2 : APPLE_DART,
					  &ctx->io_cfg, ctx);
	KUNIT_ASSERT_NOT_NULL_MSG(test, ctx->xs.io, "%s: io-pgtable", cfg->name);
	ctx->xs.bitmap[XC_IO] = ctx->io_cfg.pgsize_bitmap;

	ours_cfg.common.max_vasz_lg2 = cfg->ias;
	ours_cfg.common.max_oasz_lg2 = cfg->oas;
	if (cfg->v2)
		ours_cfg.common.features = BIT(PT_FEAT_DART_V2);
	ctx->ours.iommu.nid = NUMA_NO_NODE;
	ret = ctx->gran->init(&ctx->ours, &ours_cfg, GFP_KERNEL);
	if (ret) {
		free_io_pgtable_ops(ctx->xs.io);
		ctx->xs.io = NULL;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: generic_pt init", cfg->name);
	ctx->xs.bitmap[XC_OURS] = ctx->xs.domain->pgsize_bitmap;
	/* One page size on both sides: the granule */
	KUNIT_EXPECT_EQ(test, ctx->xs.bitmap[XC_OURS], ctx->xs.bitmap[XC_IO]);
	KUNIT_EXPECT_EQ(test, ctx->xs.bitmap[XC_OURS], BIT_ULL(cfg->granule_lg2));
	/* The aperture apple-dart gives the domain */
	KUNIT_EXPECT_EQ(test, (u64)ctx->xs.domain->geometry.aperture_end,
			(u64)DMA_BIT_MASK(cfg->ias));
	xc_check_ttbrs(ctx);
}

static void xc_ctx_free(struct xc_ctx *ctx)
{
	if (ctx->xs.io)
		free_io_pgtable_ops(ctx->xs.io);
	ctx->gran->deinit(&ctx->ours.iommu);
}

/*
 * Compare both tables over [va, va + len), which maps pa + (iova - va) with
 * @prot except in holes: at every page the address, every bit of the page
 * entry but the intended difference, the L1 entry but its address, and
 * iova_to_phys at its first, middle and last byte. Returns the bytes
 * unmapped in both.
 */
static u64 xc_compare(struct xc_ctx *ctx, u64 va, u64 pa, u64 len, int prot)
{
	const struct xc_cfg *cfg = ctx->cfg;
	u64 page = BIT_ULL(cfg->granule_lg2), holes = 0, iova;
	u64 mask = ~(cfg->v2 ? XC_DART_V2_NO_CACHE : 0);
	u64 addr = xc_addr_bits(cfg);
	struct xc_leaf leaf[2];
	unsigned int side;

	for (iova = va; iova < va + len; iova += page) {
		u64 want = pa + (iova - va);

		for (side = 0; side != 2; side++)
			xc_walk(cfg, &ctx->top[side], iova, &leaf[side]);
		if (!leaf[XC_OURS].found && !leaf[XC_IO].found) {
			for (side = 0; side != 2; side++)
				if (xc_phys(&ctx->xs, side, iova))
					xc_report(&ctx->xs, "%s: iova_to_phys(%llx) of a hole",
						  xc_side_name[side], iova);
			holes += page;
			continue;
		}
		if (leaf[XC_OURS].found != leaf[XC_IO].found) {
			xc_report(&ctx->xs, "iova %llx mapped by %s only", iova,
				  xc_side_name[leaf[XC_IO].found]);
			continue;
		}
		ctx->pages[xc_ttbr_of(cfg, iova)]++;
		for (side = 0; side != 2; side++)
			if (leaf[side].oa != want)
				xc_report(&ctx->xs, "%s: iova %llx translates to %llx, not %llx",
					  xc_side_name[side], iova,
					  leaf[side].oa, want);
		if ((leaf[XC_OURS].word ^ leaf[XC_IO].word) & mask)
			xc_report(&ctx->xs, "iova %llx: page %016llx, io-pgtable %016llx",
				  iova, leaf[XC_OURS].word, leaf[XC_IO].word);
		if ((leaf[XC_OURS].l1 ^ leaf[XC_IO].l1) & ~addr)
			xc_report(&ctx->xs, "iova %llx: L1 entry %016llx, io-pgtable %016llx",
				  iova, leaf[XC_OURS].l1, leaf[XC_IO].l1);
		/* The masked bit: see XC_DART_V2_NO_CACHE */
		if (cfg->v2) {
			if (!(leaf[XC_IO].word & XC_DART_V2_NO_CACHE))
				xc_report(&ctx->xs, "iova %llx: io-pgtable page without bit 1",
					  iova);
			if (!(leaf[XC_OURS].word & XC_DART_V2_NO_CACHE) !=
			    !!(prot & IOMMU_CACHE))
				xc_report(&ctx->xs, "iova %llx: NO_CACHE %016llx with prot %x",
					  iova, leaf[XC_OURS].word, prot);
			if ((leaf[XC_OURS].word ^ leaf[XC_IO].word) &
			    XC_DART_V2_NO_CACHE)
				ctx->no_cache++;
		}
		xc_check_phys(&ctx->xs, iova, page, va, pa);
	}
	return holes;
}

/* Both tables have nothing at @iova */
static void xc_expect_hole(struct xc_ctx *ctx, u64 iova)
{
	struct xc_leaf leaf;
	unsigned int side;

	for (side = 0; side != 2; side++) {
		xc_walk(ctx->cfg, &ctx->top[side], iova, &leaf);
		if (leaf.found || xc_phys(&ctx->xs, side, iova))
			xc_report(&ctx->xs, "%s: iova %llx outside every range is mapped",
				  xc_side_name[side], iova);
	}
}

static void xc_unmap_both(struct xc_ctx *ctx, struct xc_range *r, u64 off,
			  u64 len)
{
	unsigned int side;

	for (side = 0; side != 2; side++)
		KUNIT_EXPECT_EQ_MSG(ctx->xs.test,
				    xc_unmap(&ctx->xs, side, r->va + off, len), len,
				    "%s: %s: unmap %llx+%llx", ctx->cfg->name,
				    xc_side_name[side], r->va + off, len);
	r->holes += len;
}

enum {
	XC_R_PAGES,	/* a few pages inside one L2 table */
	XC_R_L2,	/* across L2 tables: an L1 entry's span and more */
	XC_R_HIGH_PA,	/* up to the top of the output space */
	XC_R_TTBR,	/* across the boundary of two TTBRs, if there are */
	XC_R_TOP_VA,	/* up to the last IOVA */
	XC_NR_RANGES,
};

/* The ranges of a configuration; one that does not fit is left out */
static void xc_ranges(struct xc_ctx *ctx, struct xc_range *r)
{
	const struct xc_cfg *cfg = ctx->cfg;
	u64 p = BIT_ULL(cfg->granule_lg2);
	u64 l1 = BIT_ULL(2 * cfg->granule_lg2 - 3);
	u64 ttbr_span = BIT_ULL(3 * cfg->granule_lg2 - 6);
	u64 top = BIT_ULL(cfg->ias), oa_top = BIT_ULL(cfg->oas);
	unsigned int i;

	memset(r, 0, sizeof(*r) * XC_NR_RANGES);
	r[XC_R_PAGES] = (struct xc_range){ 5 * p, 77 * p, 40 * p, IOMMU_READ };
	r[XC_R_L2] = (struct xc_range){ 3 * l1 - 7 * p, 9 * l1 + 3 * p,
					2 * l1 + 13 * p,
					IOMMU_READ | IOMMU_WRITE |
						IOMMU_CACHE };
	r[XC_R_HIGH_PA] = (struct xc_range){ 7 * l1 - 2 * p,
					     oa_top - 5 * p, 5 * p,
					     IOMMU_WRITE | IOMMU_NOEXEC };
	if (top > ttbr_span)
		r[XC_R_TTBR] = (struct xc_range){ ttbr_span - 6 * p,
						  ttbr_span + 11 * p, 12 * p,
						  IOMMU_READ | IOMMU_MMIO };
	r[XC_R_TOP_VA] = (struct xc_range){ top - 9 * p, 31 * l1, 9 * p,
					    IOMMU_READ | IOMMU_WRITE |
						    IOMMU_PRIV };
	for (i = 0; i != XC_NR_RANGES; i++)
		if (r[i].pa + r[i].len > oa_top)
			r[i].len = 0;
}

static void xc_compare_all(struct xc_ctx *ctx, struct xc_range *r,
			   const char *when)
{
	u64 p = BIT_ULL(ctx->cfg->granule_lg2);
	unsigned int i;

	for (i = 0; i != XC_NR_RANGES; i++) {
		if (!r[i].len)
			continue;
		KUNIT_EXPECT_EQ_MSG(ctx->xs.test,
				    xc_compare(ctx, r[i].va, r[i].pa, r[i].len,
					       r[i].prot),
				    r[i].holes, "%s: range %u %s: bytes unmapped",
				    ctx->cfg->name, i, when);
		if (r[i].va)
			xc_expect_hole(ctx, r[i].va - p);
		if (r[i].va + r[i].len < BIT_ULL(ctx->cfg->ias))
			xc_expect_hole(ctx, r[i].va + r[i].len);
	}
}

/*
 * Ranges inside an L2 table, across L2 tables, at the top of the output
 * space, across TTBRs and at the last IOVA: map in both, compare, unmap
 * sub-ranges (a page, a run across an L2 table boundary, a whole L2 table's
 * span, the start of a range) and compare again.
 */
static void xc_test_ranges(struct kunit *test)
{
	struct xc_range r[XC_NR_RANGES];
	struct xc_ctx *ctx;
	unsigned int i, n = 0;
	u64 p, l1;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);
	p = BIT_ULL(ctx->cfg->granule_lg2);
	l1 = BIT_ULL(2 * ctx->cfg->granule_lg2 - 3);

	xc_ranges(ctx, r);
	for (i = 0; i != XC_NR_RANGES; i++) {
		if (!r[i].len)
			continue;
		xc_map_both(&ctx->xs, &r[i]);
		n++;
	}
	KUNIT_EXPECT_GE(test, n, 4);
	xc_compare_all(ctx, r, "after map");

	xc_unmap_both(ctx, &r[XC_R_PAGES], 17 * p, p);
	xc_unmap_both(ctx, &r[XC_R_L2], 4 * p, 6 * p);
	xc_unmap_both(ctx, &r[XC_R_L2], 7 * p + l1, l1);
	if (r[XC_R_TTBR].len)
		xc_unmap_both(ctx, &r[XC_R_TTBR], 4 * p, 4 * p);
	xc_unmap_both(ctx, &r[XC_R_TOP_VA], 0, 2 * p);
	xc_compare_all(ctx, r, "after partial unmaps");

	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/*
	 * Pages were seen through the first, second and last TTBR, and bit 1
	 * was masked on v2
	 */
	KUNIT_EXPECT_GT(test, ctx->pages[0], 0);
	KUNIT_EXPECT_GT(test, ctx->pages[ctx->top[XC_OURS].n - 1], 0);
	if (ctx->top[XC_OURS].n > 1)
		KUNIT_EXPECT_GT(test, ctx->pages[1], 0);
	KUNIT_EXPECT_EQ(test, !!ctx->no_cache, ctx->cfg->v2);
	xc_ctx_free(ctx);
}

/*
 * Every prot combination on a page, and the errno of a prot neither side
 * can map (neither read nor write).
 */
static void xc_test_prot(struct kunit *test)
{
	static const int flags[] = { IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE,
				     IOMMU_NOEXEC, IOMMU_MMIO, IOMMU_PRIV };
	unsigned int combo, i, side, n = 0;
	struct xc_ctx *ctx;
	int prot;
	u64 p;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);
	p = BIT_ULL(ctx->cfg->granule_lg2);

	for (combo = 0; combo != BIT(ARRAY_SIZE(flags)); combo++) {
		u64 va = (2 * combo + 1) * p, pa = (3 * combo + 5) * p;

		prot = 0;
		for (i = 0; i != ARRAY_SIZE(flags); i++)
			if (combo & BIT(i))
				prot |= flags[i];
		if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
			for (side = 0; side != 2; side++)
				KUNIT_EXPECT_EQ_MSG(test,
						    xc_map(&ctx->xs, side, va, pa, p,
							   prot),
						    -EINVAL, "%s: prot %x",
						    xc_side_name[side], prot);
			xc_expect_hole(ctx, va);
			continue;
		}
		for (side = 0; side != 2; side++)
			KUNIT_EXPECT_EQ(test, xc_map(&ctx->xs, side, va, pa, p, prot),
					0);
		xc_compare(ctx, va, pa, p, prot);
		n++;
	}
	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/* Every combination with READ or WRITE; half of them without CACHE */
	KUNIT_EXPECT_EQ(test, n, 48);
	KUNIT_EXPECT_EQ(test, ctx->pages[0], 48);
	KUNIT_EXPECT_EQ(test, ctx->no_cache, ctx->cfg->v2 ? 24 : 0);
	xc_ctx_free(ctx);
}

static struct kunit_case xc_cases[] = {
	KUNIT_CASE_PARAM(xc_test_ranges, xc_cfgs_gen_params),
	KUNIT_CASE_PARAM(xc_test_prot, xc_cfgs_gen_params),
	{}
};

static struct kunit_suite xc_suite = {
	.name = "generic_pt_dart_io_pgtable",
	.test_cases = xc_cases,
};

kunit_test_suites(&xc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit cross-check of the Generic PT Apple DART formats against io-pgtable-dart");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

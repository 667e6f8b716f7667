// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-check of the ARMv7 short-descriptor format against the code it
 * replaces: 6.12's io-pgtable-arm-v7s (ARM_V7S), built where the kernel has
 * CONFIG_IOMMU_IO_PGTABLE_ARMV7S: arm and arm64, and x86_64 and s390 with
 * COMPILE_TEST (kunit/configs/<arch>.kunitconfig).
 *
 * For each configuration (Qualcomm's plain one, NS, no permissions, and
 * MediaTek's 35-bit output addresses with a 32 or 34-bit IOVA), both tables
 * get the same maps with the same prot, called the way the iommu core calls
 * map_pages and unmap_pages. Then at every leaf of every range both tables
 * are walked from the TTBR their driver would program, by a walker of this
 * file written from the ARM Architecture Reference Manual (ARMv7-A/R,
 * "Short-descriptor translation table format"), and must agree on the leaf
 * level and size, the output address, every descriptor bit and
 * iova_to_phys; the holes around the ranges must be unmapped in both.
 * Whole leaves and parts of supersections and large pages are unmapped in
 * both and everything compared again.
 *
 * There is no intended difference in a leaf descriptor: io-pgtable-arm-v7s
 * writes supersections and large pages itself, as the format does. The
 * intended differences are elsewhere, each with its reason:
 * - Partial unmap of a section: 6.12's arm_v7s_split_blk_unmap() writes
 *   the pages of the new table without their output address (the address
 *   of the section is never added to the prot bits), so the rest of the
 *   section translates to the wrong place; upstream removed the split
 *   after 6.12. The format never splits in unmap (cut_mapping does, and
 *   iommufd cuts first), so the tests do not unmap part of a section.
 * - IO_PGTABLE_QUIRK_ARM_MTK_TTBR_EXT (tables above 4G, their address bits
 *   34:32 in a table descriptor's bits 9, 4, 5) is not offered: the format
 *   allocates every table below 4G, which the same hardware walks too. The
 *   "mtk-ttbr-ext" configuration gives io-pgtable the quirk and the format
 *   MediaTek's leaf bits only; the walker follows either table descriptor.
 * - Table memory is little-endian (the format) or in CPU order
 *   (io-pgtable-arm-v7s); they differ on a big-endian host (s390), where
 *   an SMMU walking io-pgtable's tables would read them byte-swapped.
 *
 * Not in the user-space build: it has no io-pgtable-arm-v7s (user/Makefile).
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/generic_pt/iommu.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "common.h"

/* Descriptor fields (ARM ARM B3.5.1), for the walker and the messages */
#define XC_TYPE GENMASK(1, 0)
#define XC_L1_PAGETABLE 1
#define XC_L1_PT_ADDR GENMASK(31, 10)
#define XC_L1_SUPER BIT(18)
#define XC_L1_SECTION_ADDR GENMASK(31, 20)
#define XC_L1_SUPER_ADDR GENMASK(31, 24)
#define XC_L2_LARGE 1
#define XC_L2_SMALL_ADDR GENMASK(31, 12)
#define XC_L2_LARGE_ADDR GENMASK(31, 16)
/* MediaTek: output (and with TTBR_EXT table) address bits 32, 33, 34 */
#define XC_MTK_PA32 BIT(9)
#define XC_MTK_PA33 BIT(4)
#define XC_MTK_PA34 BIT(5)

struct xc_cfg {
	const char *name;
	u8 ias;
	u8 oas;
	/* io-pgtable quirks; the format's features follow from them */
	unsigned long quirks;
};

#define XC_NS IO_PGTABLE_QUIRK_ARM_NS
#define XC_NP IO_PGTABLE_QUIRK_NO_PERMS
#define XC_MTK IO_PGTABLE_QUIRK_ARM_MTK_EXT
#define XC_TTBR_EXT IO_PGTABLE_QUIRK_ARM_MTK_TTBR_EXT

/*
 * Qualcomm's arm-smmu (no quirk); NS and NO_PERMS alone; what mtk_iommu
 * asks for (NS, NO_PERMS, MTK_EXT: 4GB mode with a 33-bit output, and 35
 * bits), its 34-bit IOVA (IOVA_34_EN, no NS) and TTBR_EXT.
 */
static const struct xc_cfg xc_cfgs[] = {
	{ "ias32-oas32", 32, 32, 0 },
	{ "ns", 32, 32, XC_NS },
	{ "noperms", 32, 32, XC_NP },
	{ "mtk-oas33", 32, 33, XC_NS | XC_NP | XC_MTK },
	{ "mtk-oas35", 32, 35, XC_NS | XC_NP | XC_MTK },
	{ "mtk-ias34-oas35", 34, 35, XC_NP | XC_MTK },
	{ "mtk-ttbr-ext", 32, 35, XC_NS | XC_NP | XC_MTK | XC_TTBR_EXT },
};

static void xc_cfg_desc(const struct xc_cfg *cfg, char *desc)
{
	strscpy(desc, cfg->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xc_cfgs, xc_cfgs, xc_cfg_desc);

/* Where a walk starts: the level 1 table, the input size, the byte order */
struct xc_top {
	u64 pa;
	unsigned int ias;
	bool le;
	/* Table descriptors carry address bits 34:32 (TTBR_EXT) */
	bool mtk_tables;
	/* Leaves carry output address bits 34:32 (MTK_EXT) */
	bool mtk;
};

/* What a walk of one IOVA finds */
struct xc_leaf {
	bool found;
	u32 word;
	/* 1: first level (section, supersection), 2: second level */
	unsigned int level;
	unsigned int size_lg2;
	u64 oa;
};

struct xc_ctx {
	struct xc_sides xs;
	const struct xc_cfg *cfg;
	struct pt_iommu_armv7s ours;
	struct io_pgtable_cfg io_cfg;
	struct xc_top top[2];
	/* What the comparisons saw: leaves by size (4K, 64K, 1M, 16M) */
	unsigned int leaves[25];
	/* Leaves with output address bits above 31 */
	unsigned int high;
};

static u64 xc_region(const struct xc_ctx *ctx)
{
	return BIT_ULL(ctx->cfg->ias - 4);
}

static u64 xc_mtk_addr(u32 word)
{
	return (word & XC_MTK_PA32 ? BIT_ULL(32) : 0) |
	       (word & XC_MTK_PA33 ? BIT_ULL(33) : 0) |
	       (word & XC_MTK_PA34 ? BIT_ULL(34) : 0);
}

static u32 xc_read(const struct xc_top *top, u64 table_pa, unsigned int idx)
{
	void *table = phys_to_virt(table_pa);

	if (top->le)
		return le32_to_cpu(((__le32 *)table)[idx]);
	return ((u32 *)table)[idx];
}

/*
 * Translate @iova as the SMMU would, from @top: the first-level index is
 * IOVA bits ias-1:20 (TTBCR.N = 0), the second-level one bits 19:12.
 */
static void xc_walk(const struct xc_top *top, u64 iova, struct xc_leaf *leaf)
{
	u64 mtk, table_pa;
	u32 word;

	memset(leaf, 0, sizeof(*leaf));
	word = xc_read(top, top->pa,
		       (iova >> 20) & (BIT_ULL(top->ias - 20) - 1));
	if (!(word & XC_TYPE))
		return;
	mtk = top->mtk ? xc_mtk_addr(word) : 0;
	if (FIELD_GET(XC_TYPE, word) != XC_L1_PAGETABLE) {
		leaf->found = true;
		leaf->word = word;
		leaf->level = 1;
		if (word & XC_L1_SUPER) {
			leaf->size_lg2 = 24;
			leaf->oa = (word & XC_L1_SUPER_ADDR) | mtk;
		} else {
			leaf->size_lg2 = 20;
			leaf->oa = (word & XC_L1_SECTION_ADDR) | mtk;
		}
		return;
	}
	table_pa = word & XC_L1_PT_ADDR;
	if (top->mtk_tables)
		table_pa |= xc_mtk_addr(word);
	word = xc_read(top, table_pa, (iova >> 12) & 0xff);
	if (!(word & XC_TYPE))
		return;
	mtk = top->mtk ? xc_mtk_addr(word) : 0;
	leaf->found = true;
	leaf->word = word;
	leaf->level = 2;
	if (FIELD_GET(XC_TYPE, word) == XC_L2_LARGE) {
		leaf->size_lg2 = 16;
		leaf->oa = (word & XC_L2_LARGE_ADDR) | mtk;
	} else {
		leaf->size_lg2 = 12;
		leaf->oa = (word & XC_L2_SMALL_ADDR) | mtk;
	}
}

/* Names of the descriptor fields in @diff, for the messages */
static void xc_fields(u32 diff, unsigned int level, char *buf, size_t len)
{
	static const struct {
		u32 mask;
		const char *l1;
		const char *l2;
	} fields[] = {
		{ GENMASK(1, 0), "type/PXN", "type/XN" },
		{ BIT(2), "B", "B" },
		{ BIT(3), "C", "C" },
		{ BIT(4), "XN/PA33", "AP[0]/PA33" },
		{ BIT(5), "domain/PA34", "AP[1]/PA34" },
		{ GENMASK(8, 6), "domain", "TEX" },
		{ BIT(9), "IMP/PA32", "AP[2]/PA32" },
		{ BIT(10), "AP[0]", "S" },
		{ BIT(11), "AP[1]", "nG" },
		{ GENMASK(14, 12), "TEX", "address/large TEX" },
		{ BIT(15), "AP[2]", "address/large XN" },
		{ BIT(16), "S", "address" },
		{ BIT(17), "nG", "address" },
		{ BIT(18), "supersection", "address" },
		{ BIT(19), "NS", "address" },
		{ GENMASK(31, 20), "address", "address" },
	};
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i != ARRAY_SIZE(fields); i++)
		if (diff & fields[i].mask)
			n += scnprintf(buf + n, len - n, "%s%s", n ? " " : "",
				       level == 1 ? fields[i].l1 :
						    fields[i].l2);
}

/*
 * The level 1 table from TTBR0: bits 31:14 (the table is 16K aligned, 64K
 * with a 34-bit IOVA); with MediaTek's extension bits 2:0 are address bits
 * 34:32 and bits 13:3 are zero.
 */
static u64 xc_ttbr_table(const struct xc_cfg *cfg, u32 ttbr)
{
	u64 pa = ttbr & GENMASK(31, 14);

	if (cfg->quirks & XC_MTK)
		pa |= (u64)(ttbr & 7) << 32;
	return pa;
}

/*
 * The registers both drivers would program must be the same, but for the
 * table's address: TTBR's attribute bits (S, NOS, IRGN, RGN), TTBCR, PRRR
 * and NMRR.
 */
static void xc_check_regs(struct xc_ctx *ctx)
{
	const struct io_pgtable_cfg *io = &ctx->io_cfg;
	const struct xc_cfg *cfg = ctx->cfg;
	struct pt_iommu_armv7s_hw_info info = {};
	struct kunit *test = ctx->xs.test;
	u32 attrs = cfg->quirks & XC_MTK ? GENMASK(13, 3) : GENMASK(13, 0);
	bool mtk = cfg->quirks & XC_MTK;

	pt_iommu_armv7s_hw_info(&ctx->ours, &info);
	KUNIT_EXPECT_EQ_MSG(test, info.ttbr & attrs,
			    io->arm_v7s_cfg.ttbr & attrs, "%s: TTBR", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.tcr, io->arm_v7s_cfg.tcr, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.prrr, io->arm_v7s_cfg.prrr, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.nmrr, io->arm_v7s_cfg.nmrr, "%s",
			    cfg->name);

	ctx->top[XC_OURS] = (struct xc_top){
		.pa = xc_ttbr_table(cfg, info.ttbr), .ias = cfg->ias,
		.le = true, .mtk = mtk,
	};
	ctx->top[XC_IO] = (struct xc_top){
		.pa = xc_ttbr_table(cfg, io->arm_v7s_cfg.ttbr),
		.ias = cfg->ias, .mtk = mtk,
		.mtk_tables = cfg->quirks & XC_TTBR_EXT,
	};
	/* The format's tables are below 4G whatever the configuration */
	KUNIT_EXPECT_LT(test, ctx->top[XC_OURS].pa, BIT_ULL(32));
	KUNIT_EXPECT_EQ(test, ctx->top[XC_OURS].pa,
			(u64)virt_to_phys((void *)(ctx->ours.iommu.common.top_of_table &
					  ~(uintptr_t)PT_TOP_LEVEL_MASK)));
}

static const struct iommu_domain_ops xc_armv7s_ops = {
	IOMMU_PT_DOMAIN_OPS(armv7s),
};

static void xc_ctx_init(struct kunit *test, struct xc_ctx *ctx)
{
	const struct xc_cfg *cfg = test->param_value;
	struct pt_iommu_armv7s_cfg ours_cfg = {};
	u64 all = SZ_4K | SZ_64K | SZ_1M | SZ_16M;
	struct device *dev;
	int ret;

	ctx->xs.test = test;
	ctx->xs.name = cfg->name;
	ctx->xs.domain = &ctx->ours.iommu.domain;
	ctx->cfg = cfg;
	ctx->xs.ours = &xc_armv7s_ops;
	dev = kunit_device_register(test, "generic_pt_xc_v7s");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	/* SZ_16M in the bitmap asks io-pgtable-arm-v7s for supersections */
	ctx->io_cfg = (struct io_pgtable_cfg){
		.quirks = cfg->quirks,
		.pgsize_bitmap = all,
		.ias = cfg->ias,
		.oas = cfg->oas,
		.coherent_walk = true,
		.tlb = &xc_flush_ops,
		.iommu_dev = dev,
	};
	ctx->xs.io = alloc_io_pgtable_ops(ARM_V7S, &ctx->io_cfg, ctx);
	KUNIT_ASSERT_NOT_NULL_MSG(test, ctx->xs.io, "%s: io-pgtable", cfg->name);
	ctx->xs.bitmap[XC_IO] = ctx->io_cfg.pgsize_bitmap;

	ours_cfg.common.max_vasz_lg2 = cfg->ias;
	ours_cfg.common.max_oasz_lg2 = cfg->oas;
	if (cfg->quirks & XC_NS)
		ours_cfg.common.features |= BIT(PT_FEAT_ARMV7S_NS);
	if (cfg->quirks & XC_NP)
		ours_cfg.common.features |= BIT(PT_FEAT_ARMV7S_NO_PERMS);
	if (cfg->quirks & XC_MTK)
		ours_cfg.common.features |= BIT(PT_FEAT_ARMV7S_MTK_EXT);
	ctx->ours.iommu.nid = NUMA_NO_NODE;
	ret = pt_iommu_armv7s_init(&ctx->ours, &ours_cfg, GFP_KERNEL);
	if (ret) {
		free_io_pgtable_ops(ctx->xs.io);
		ctx->xs.io = NULL;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: generic_pt init", cfg->name);
	ctx->xs.bitmap[XC_OURS] = ctx->xs.domain->pgsize_bitmap;

	/* The same four sizes, within the IOVA space */
	KUNIT_EXPECT_EQ_MSG(test, ctx->xs.bitmap[XC_IO], all, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, ctx->xs.bitmap[XC_OURS], all, "%s", cfg->name);
	xc_check_regs(ctx);
}

static void xc_ctx_free(struct xc_ctx *ctx)
{
	if (ctx->xs.io)
		free_io_pgtable_ops(ctx->xs.io);
	pt_iommu_armv7s_deinit(&ctx->ours.iommu);
}

/*
 * Compare both tables over [va, va + len), which maps pa + (iova - va)
 * except in holes: at every leaf, the level and size, the address, every
 * descriptor bit, and iova_to_phys at its first, middle and last byte
 * within the range. Returns the bytes unmapped in both.
 */
static u64 xc_compare(struct xc_ctx *ctx, u64 va, u64 pa, u64 len)
{
	u64 iova = va, end = va + len, holes = 0, step;
	struct xc_leaf leaf[2];
	unsigned int side;
	char fields[128];

	while (iova < end) {
		u64 want = pa + (iova - va);

		for (side = 0; side != 2; side++)
			xc_walk(&ctx->top[side], iova, &leaf[side]);
		step = SZ_4K;
		if (!leaf[XC_OURS].found && !leaf[XC_IO].found) {
			for (side = 0; side != 2; side++)
				if (xc_phys(&ctx->xs, side, iova))
					xc_report(&ctx->xs, "%s: iova_to_phys(%llx) of a hole",
						  xc_side_name[side], iova);
			holes += step;
			iova += step;
			continue;
		}
		if (leaf[XC_OURS].found != leaf[XC_IO].found) {
			xc_report(&ctx->xs, "iova %llx mapped by %s only", iova,
				  xc_side_name[leaf[XC_IO].found]);
			iova += step;
			continue;
		}
		for (side = 0; side != 2; side++) {
			struct xc_leaf *l = &leaf[side];
			u64 off = iova & (BIT_ULL(l->size_lg2) - 1);

			if (l->oa & (BIT_ULL(l->size_lg2) - 1))
				xc_report(&ctx->xs,
					  "%s: iova %llx word %08x: OA bits below the size",
					  xc_side_name[side], iova, l->word);
			if (l->oa + off != want)
				xc_report(&ctx->xs, "%s: iova %llx translates to %llx, not %llx",
					  xc_side_name[side], iova, l->oa + off,
					  want);
		}
		ctx->leaves[leaf[XC_IO].size_lg2]++;
		if (leaf[XC_IO].oa >> 32)
			ctx->high++;
		if (leaf[XC_OURS].level != leaf[XC_IO].level ||
		    leaf[XC_OURS].size_lg2 != leaf[XC_IO].size_lg2)
			xc_report(&ctx->xs, "iova %llx: 2^%u at level %u, io-pgtable 2^%u at %u",
				  iova, leaf[XC_OURS].size_lg2,
				  leaf[XC_OURS].level, leaf[XC_IO].size_lg2,
				  leaf[XC_IO].level);
		else if (leaf[XC_OURS].word != leaf[XC_IO].word) {
			xc_fields(leaf[XC_OURS].word ^ leaf[XC_IO].word,
				  leaf[XC_IO].level, fields, sizeof(fields));
			xc_report(&ctx->xs, "iova %llx: %08x, io-pgtable %08x: %s",
				  iova, leaf[XC_OURS].word, leaf[XC_IO].word,
				  fields);
		}

		/* The rest of the smaller leaf, within the range */
		step = BIT_ULL(min(leaf[XC_OURS].size_lg2,
				   leaf[XC_IO].size_lg2));
		step = min(step - (iova & (step - 1)), end - iova);
		xc_check_phys(&ctx->xs, iova, step, va, pa);
		iova += step;
	}
	return holes;
}

/* Both tables have nothing at @iova */
static void xc_expect_hole(struct xc_ctx *ctx, u64 iova)
{
	struct xc_leaf leaf;
	unsigned int side;

	for (side = 0; side != 2; side++) {
		xc_walk(&ctx->top[side], iova, &leaf);
		if (leaf.found || xc_phys(&ctx->xs, side, iova))
			xc_report(&ctx->xs, "%s: iova %llx outside every range is mapped",
				  xc_side_name[side], iova);
	}
}

/*
 * Unmap [iova, iova + len) of a range in both: whole leaves, or a section
 * of a supersection and pages of a large page, which io-pgtable-arm-v7s
 * splits in place (arm_v7s_split_cont(), which keeps the addresses). The
 * format never splits in unmap, so it is cut at both ends first.
 */
static void xc_unmap_both(struct xc_ctx *ctx, struct xc_range *r, u64 off,
			  u64 len)
{
	u64 iova = r->va + off;
	unsigned int side;

	KUNIT_EXPECT_EQ(ctx->xs.test,
			pt_iommu_armv7s_cut_mapping(&ctx->ours.iommu, iova,
						    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(ctx->xs.test,
			pt_iommu_armv7s_cut_mapping(&ctx->ours.iommu,
						    iova + len, GFP_KERNEL),
			0);
	for (side = 0; side != 2; side++)
		KUNIT_EXPECT_EQ_MSG(ctx->xs.test, xc_unmap(&ctx->xs, side, iova, len),
				    len, "%s: %s: unmap %llx+%llx",
				    ctx->cfg->name, xc_side_name[side], iova,
				    len);
	r->holes += len;
}

enum {
	XC_R_PAGES,	/* pages only: IOVA and PA differ below 64K */
	XC_R_SECTIONS,	/* pages, two sections, a large page and a page */
	XC_R_SKEW,	/* the same with the PA a page off: pages only */
	XC_R_SUPER,	/* around a supersection */
	XC_R_SUPER_SKEW, /* the same with the PA a section off */
	XC_R_HIGH_PA,	/* near the top of the output space */
	XC_R_RUNS,	/* large pages */
	XC_R_PA33,	/* output address bit 33 (or 32) alone (MediaTek) */
	XC_R_PA34_32,	/* output address bits 34 and 32 (MediaTek) */
	XC_R_TOP_VA,	/* up to the last IOVA */
	XC_NR_RANGES,
};

/*
 * The ranges of a configuration, each in its own sixteenth of the IOVA
 * space; a range that does not fit the configuration is left out.
 */
static void xc_ranges(struct xc_ctx *ctx, struct xc_range *r)
{
	const struct xc_cfg *cfg = ctx->cfg;
	u64 p = SZ_4K, s = SZ_1M, big = SZ_16M;
	u64 region = xc_region(ctx);
	unsigned int i;

	memset(r, 0, sizeof(*r) * XC_NR_RANGES);
	r[XC_R_PAGES] = (struct xc_range){ 5 * p, 77 * p, 40 * p, IOMMU_READ };
	r[XC_R_SECTIONS].va = 4 * s - 3 * p;
	r[XC_R_SECTIONS].pa = r[XC_R_SECTIONS].va + 8 * s;
	r[XC_R_SECTIONS].len = 3 * p + 2 * s + 17 * p;
	r[XC_R_SECTIONS].prot = IOMMU_READ | IOMMU_WRITE;
	r[XC_R_SKEW] = r[XC_R_SECTIONS];
	r[XC_R_SKEW].pa += p;
	r[XC_R_SKEW].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	r[XC_R_SUPER].va = big - s - p;
	r[XC_R_SUPER].pa = 2 * big + r[XC_R_SUPER].va;
	r[XC_R_SUPER].len = p + s + big + s + p;
	r[XC_R_SUPER].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE |
			     IOMMU_NOEXEC;
	r[XC_R_SUPER_SKEW] = r[XC_R_SUPER];
	r[XC_R_SUPER_SKEW].pa += s;
	r[XC_R_SUPER_SKEW].prot = IOMMU_READ | IOMMU_MMIO;
	r[XC_R_HIGH_PA].va = big - 2 * p;
	r[XC_R_HIGH_PA].pa = BIT_ULL(cfg->oas) - 2 * big - 2 * p;
	r[XC_R_HIGH_PA].len = 2 * p + big + 3 * p;
	r[XC_R_HIGH_PA].prot = IOMMU_READ | IOMMU_PRIV | IOMMU_NOEXEC;
	/* Inside one section, which is never partly unmapped (see above) */
	r[XC_R_RUNS] = (struct xc_range){ 0x110 * p, 0x310 * p, 0x80 * p,
					  IOMMU_WRITE };
	if (cfg->oas > 32) {
		r[XC_R_PA33].va = big - 17 * p;
		/* Bit 32 alone where the output space ends at bit 33 */
		r[XC_R_PA33].pa = BIT_ULL(cfg->oas > 33 ? 33 : 32) +
				  r[XC_R_PA33].va;
		r[XC_R_PA33].len = 17 * p + big + s + 16 * p + p;
		r[XC_R_PA33].prot = IOMMU_READ | IOMMU_WRITE;
		r[XC_R_PA34_32] = r[XC_R_PA33];
		r[XC_R_PA34_32].pa = BIT_ULL(34) + BIT_ULL(32) +
				     r[XC_R_PA33].va;
		r[XC_R_PA34_32].prot = IOMMU_READ | IOMMU_CACHE;
	}
	r[XC_R_TOP_VA].va = region - s - 3 * p;
	r[XC_R_TOP_VA].pa = 8 * s - 3 * p;
	r[XC_R_TOP_VA].len = s + 3 * p;
	r[XC_R_TOP_VA].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO |
			      IOMMU_CACHE | IOMMU_PRIV;

	for (i = 0; i != XC_NR_RANGES; i++) {
		/* Skipped: too large for the output space */
		if (r[i].pa + r[i].len > BIT_ULL(cfg->oas)) {
			r[i].len = 0;
			continue;
		}
		r[i].va += (i == XC_R_TOP_VA ? 15 : i) * region;
	}
}

static void xc_compare_all(struct xc_ctx *ctx, struct xc_range *r,
			   const char *when)
{
	unsigned int i;

	for (i = 0; i != XC_NR_RANGES; i++) {
		if (!r[i].len)
			continue;
		KUNIT_EXPECT_EQ_MSG(ctx->xs.test,
				    xc_compare(ctx, r[i].va, r[i].pa, r[i].len),
				    r[i].holes, "%s: range %u %s: bytes unmapped",
				    ctx->cfg->name, i, when);
		xc_expect_hole(ctx, r[i].va - SZ_4K);
		if (r[i].va + r[i].len < BIT_ULL(ctx->cfg->ias))
			xc_expect_hole(ctx, r[i].va + r[i].len);
	}
}

/*
 * The spread of sizes, alignments and prot: map in both, compare, unmap
 * sub-ranges (a whole section, a page out of a large page, the start of a
 * range, pages out of large pages, a section out of a supersection) and
 * compare again.
 */
static void xc_test_ranges(struct kunit *test)
{
	struct xc_range r[XC_NR_RANGES];
	u64 p = SZ_4K, s = SZ_1M;
	struct xc_ctx *ctx;
	unsigned int i, n = 0;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);

	xc_ranges(ctx, r);
	for (i = 0; i != XC_NR_RANGES; i++) {
		if (!r[i].len)
			continue;
		xc_map_both(&ctx->xs, &r[i]);
		n++;
	}
	KUNIT_EXPECT_GE(test, n, 8);
	xc_compare_all(ctx, r, "after map");

	/* The first section whole; a page out of the large page after */
	xc_unmap_both(ctx, &r[XC_R_SECTIONS], 3 * p, s);
	xc_unmap_both(ctx, &r[XC_R_SECTIONS], 3 * p + 2 * s + 7 * p, p);
	xc_unmap_both(ctx, &r[XC_R_SKEW], 0, 3 * p);
	xc_unmap_both(ctx, &r[XC_R_RUNS], 0x21 * p, 5 * p);
	/* A section out of the supersection */
	xc_unmap_both(ctx, &r[XC_R_SUPER], p + s + 3 * s, s);
	xc_compare_all(ctx, r, "after partial unmaps");

	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/* Every leaf size was compared, and above 4G where there is some */
	KUNIT_EXPECT_GT(test, ctx->leaves[12], 0);
	KUNIT_EXPECT_GT(test, ctx->leaves[16], 0);
	KUNIT_EXPECT_GT(test, ctx->leaves[20], 0);
	KUNIT_EXPECT_GT(test, ctx->leaves[24], 0);
	KUNIT_EXPECT_EQ(test, !!ctx->high, ctx->cfg->oas > 32);
	xc_ctx_free(ctx);
}

/*
 * Every prot combination, on a page and on a section, and the errno of a
 * prot neither can map (neither read nor write).
 */
static void xc_test_prot(struct kunit *test)
{
	static const int flags[] = { IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE,
				     IOMMU_NOEXEC, IOMMU_MMIO, IOMMU_PRIV };
	unsigned int combo, i, side, n = 0;
	struct xc_ctx *ctx;
	u64 region;
	int prot;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);
	region = xc_region(ctx);

	for (combo = 0; combo != BIT(ARRAY_SIZE(flags)); combo++) {
		u64 page_va = (2 * combo + 1) * SZ_4K;
		u64 section_va = region + combo * SZ_1M;
		/* Above 4G where the output space has it */
		u64 pa = (combo + 3) * SZ_1M +
			 (ctx->cfg->oas > 32 ? BIT_ULL(32) : 0);

		prot = 0;
		for (i = 0; i != ARRAY_SIZE(flags); i++)
			if (combo & BIT(i))
				prot |= flags[i];
		if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
			for (side = 0; side != 2; side++)
				KUNIT_EXPECT_EQ_MSG(test,
						    xc_map(&ctx->xs, side, page_va,
							   pa, SZ_4K, prot),
						    -EINVAL, "%s: prot %x",
						    xc_side_name[side], prot);
			xc_expect_hole(ctx, page_va);
			continue;
		}
		for (side = 0; side != 2; side++) {
			KUNIT_EXPECT_EQ(test,
					xc_map(&ctx->xs, side, page_va, pa, SZ_4K,
					       prot),
					0);
			KUNIT_EXPECT_EQ(test,
					xc_map(&ctx->xs, side, section_va, pa,
					       SZ_1M, prot),
					0);
		}
		xc_compare(ctx, page_va, pa, SZ_4K);
		xc_compare(ctx, section_va, pa, SZ_1M);
		n++;
	}
	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/* Every combination with READ or WRITE, on a page and a section */
	KUNIT_EXPECT_EQ(test, n, 48);
	KUNIT_EXPECT_EQ(test, ctx->leaves[12], 48);
	KUNIT_EXPECT_EQ(test, ctx->leaves[20], 48);
	xc_ctx_free(ctx);
}

static struct kunit_case xc_cases[] = {
	KUNIT_CASE_PARAM(xc_test_ranges, xc_cfgs_gen_params),
	KUNIT_CASE_PARAM(xc_test_prot, xc_cfgs_gen_params),
	{}
};

static struct kunit_suite xc_suite = {
	.name = "generic_pt_armv7s_io_pgtable",
	.test_cases = xc_cases,
};

kunit_test_suites(&xc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit cross-check of the Generic PT ARMv7s format against io-pgtable-arm-v7s");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-check of the ARM VMSAv8-64 formats against the code they replace:
 * 6.12's io-pgtable-arm (ARM_64_LPAE_S1 and ARM_64_LPAE_S2), built where the
 * kernel has CONFIG_IOMMU_IO_PGTABLE_LPAE: arm64, and x86_64 and s390 with
 * COMPILE_TEST (kunit/configs/<arch>.kunitconfig).
 *
 * For each granule, stage and a few input / output sizes, both tables get
 * the same maps with the same prot, called the way the iommu core calls
 * map_pages and unmap_pages (the largest page size that the alignment
 * allows, in runs that stop where a larger size becomes possible). Then at
 * every leaf of every range both tables are walked from the registers their
 * driver would program, by a walker of this file written from the Arm ARM,
 * and must agree on the leaf level, the output address, every descriptor
 * bit and iova_to_phys; the holes around the ranges must be unmapped in
 * both. Sub-ranges are unmapped in both and everything compared again.
 *
 * The intended differences are masked where they are compared, each with
 * its reason (XC_INTENDED_DIFF, xc_check_regs(), xc_check_sizes()).
 *
 * Not in the user-space build: it has no io-pgtable-arm (user/Makefile).
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/generic_pt/iommu.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "common.h"

/* Descriptor fields (Arm ARM D8.3), for the walker and the messages */
#define XC_VALID BIT_ULL(0)
#define XC_TYPE GENMASK_ULL(1, 0)
#define XC_TYPE_TABLE_PAGE 3
#define XC_ADDR_51_48 GENMASK_ULL(15, 12)
#define XC_CONTIG BIT_ULL(52)
#define XC_XN0 BIT_ULL(53)

/*
 * Descriptor bits that differ on purpose:
 * - the Contiguous bit: the format sets it on aligned runs of entries,
 *   io-pgtable-arm never does. Each entry of a run still holds its own
 *   address and the attributes io-pgtable-arm gives the same entry.
 * - stage 2 XN[0] (bit 53): for IOMMU_NOEXEC io-pgtable-arm writes
 *   XN[1:0] = 0b11, which with FEAT_XNX lets EL1 execute; the format writes
 *   0b10, execute-never at every EL with or without FEAT_XNX, as KVM's
 *   stage 2 does. At stage 1 bit 53 is PXN and must agree.
 */
#define XC_INTENDED_DIFF(s2) (XC_CONTIG | ((s2) ? XC_XN0 : 0))

struct xc_gran {
	unsigned int lg2;
	int (*init)(struct pt_iommu_armv8 *table,
		    const struct pt_iommu_armv8_cfg *cfg, gfp_t gfp);
	void (*hw_info)(struct pt_iommu_armv8 *table,
			struct pt_iommu_armv8_hw_info *info);
	struct iommu_domain_ops ops;
	int (*cut_mapping)(struct pt_iommu *table, dma_addr_t cut_iova,
			   gfp_t gfp);
	void (*deinit)(struct pt_iommu *table);
};

#define XC_GRAN(fmt, g)                                  \
	{                                                \
		.lg2 = g,                                \
		.init = pt_iommu_##fmt##_init,           \
		.hw_info = pt_iommu_##fmt##_hw_info,     \
		.ops = { IOMMU_PT_DOMAIN_OPS(fmt) },     \
		.cut_mapping = pt_iommu_##fmt##_cut_mapping, \
		.deinit = pt_iommu_##fmt##_deinit,       \
	}

/* The granules this kernel has; a built-in test cannot call a module */
static const struct xc_gran xc_grans[] = {
#if IS_REACHABLE(CONFIG_IOMMU_PT_ARMV8_4K)
	XC_GRAN(armv8_4k, 12),
#endif
#if IS_REACHABLE(CONFIG_IOMMU_PT_ARMV8_16K)
	XC_GRAN(armv8_16k, 14),
#endif
#if IS_REACHABLE(CONFIG_IOMMU_PT_ARMV8_64K)
	XC_GRAN(armv8_64k, 16),
#endif
};

struct xc_cfg {
	const char *name;
	u8 granule_lg2;
	bool s2;
	u8 ias;
	u8 oas;
};

/*
 * Stage 1 and 2 of each granule; stage 2 with concatenated tops (4K ias40,
 * 16K ias48); the 64K granule with a 52-bit OA (4T blocks, address bits
 * 51:48) and without, and with a 52-bit IAS (io-pgtable-arm allows ias up
 * to 52 with 64K: T0SZ 12, a walk from lookup level 1 with 1024 entries,
 * SL0 2 at stage 2).
 */
static const struct xc_cfg xc_cfgs[] = {
	{ "4k-s1-ias48-oas48", 12, false, 48, 48 },
	{ "4k-s1-ias39-oas40", 12, false, 39, 40 },
	{ "4k-s2-ias48-oas48", 12, true, 48, 48 },
	{ "4k-s2-ias40-oas40", 12, true, 40, 40 },
	{ "16k-s1-ias48-oas48", 14, false, 48, 48 },
	{ "16k-s1-ias36-oas40", 14, false, 36, 40 },
	{ "16k-s2-ias48-oas48", 14, true, 48, 48 },
	{ "64k-s1-ias48-oas52", 16, false, 48, 52 },
	{ "64k-s1-ias48-oas48", 16, false, 48, 48 },
	{ "64k-s2-ias48-oas52", 16, true, 48, 52 },
	{ "64k-s2-ias40-oas44", 16, true, 40, 44 },
	{ "64k-s1-ias52-oas52", 16, false, 52, 52 },
	{ "64k-s2-ias52-oas52", 16, true, 52, 52 },
};

static void xc_cfg_desc(const struct xc_cfg *cfg, char *desc)
{
	strscpy(desc, cfg->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xc_cfgs, xc_cfgs, xc_cfg_desc);

/* Where a walk starts: the top table, its lookup level, the input size */
struct xc_top {
	u64 pa;
	unsigned int start;
	unsigned int ias;
	/*
	 * Table memory is little-endian (ours) or in CPU order (io-pgtable).
	 * Intended difference, seen on s390: io-pgtable-arm stores CPU order
	 * and arm-smmu-v3 sets CD.ENDI / STE.S2ENDI on a big-endian kernel;
	 * the format always stores little-endian, so a driver using it leaves
	 * them clear.
	 */
	bool le;
};

/* What a walk of one IOVA finds */
struct xc_leaf {
	bool found;
	const char *bad;
	u64 word;
	unsigned int level;
	unsigned int size_lg2;
	u64 oa;
};

struct xc_ctx {
	struct xc_sides xs;
	const struct xc_cfg *cfg;
	const struct xc_gran *gran;
	struct pt_iommu_armv8 ours;
	struct io_pgtable_cfg io_cfg;
	struct xc_top top[2];
	/* What the comparisons saw: leaves by lookup level, masked bits */
	unsigned int leaves[4];
	unsigned int contig;
	unsigned int xn0;
};

/*
 * The range of IOVAs one test range lives in: 16 of them, in the IOVAs the
 * iommu API can name (an unsigned long: the first 4G on a 32-bit kernel)
 */
static u64 xc_region(const struct xc_ctx *ctx)
{
	return BIT_ULL(min_t(unsigned int, ctx->cfg->ias, BITS_PER_LONG) - 4);
}

static unsigned int xc_item_lg2(unsigned int g, unsigned int lookup_level)
{
	return g + (3 - lookup_level) * (g - 3);
}

/* The first lookup level of a walk of @ias bits starting with one table */
static unsigned int xc_start_s1(unsigned int g, unsigned int ias)
{
	unsigned int start = 3;

	while (start && xc_item_lg2(g, start) + (g - 3) < ias)
		start--;
	return start;
}

/* VTCR.SL0 to the first lookup level: 4K counts from 2, others from 3 */
static unsigned int xc_start_s2(unsigned int g, unsigned int sl0)
{
	return (g == 12 ? 2 : 3) - sl0;
}

static u64 xc_desc_addr(unsigned int g, u64 word)
{
	u64 addr = word & GENMASK_ULL(47, g);

	if (g == 16)
		addr |= FIELD_GET(XC_ADDR_51_48, word) << 48;
	return addr;
}

static u64 xc_read(const struct xc_top *top, u64 table_pa, unsigned int idx)
{
	void *table = phys_to_virt(table_pa);

	if (top->le)
		return le64_to_cpu(((__le64 *)table)[idx]);
	return ((u64 *)table)[idx];
}

/* Where the blocks are (without FEAT_LPA2), by granule and lookup level */
static bool xc_block_ok(unsigned int g, unsigned int level)
{
	if (g == 12)
		return level == 1 || level == 2;
	/* FEAT_LPA: xc_check_sizes() checks the configurations using them */
	if (g == 16 && level == 1)
		return true;
	return level == 2;
}

/* Translate @iova as an SMMU would, from @top */
static void xc_walk(unsigned int g, const struct xc_top *top, u64 iova,
		    struct xc_leaf *leaf)
{
	u64 table_pa = top->pa, word;
	unsigned int level, shift, bits, idx;

	memset(leaf, 0, sizeof(*leaf));
	for (level = top->start; level <= 3; level++) {
		shift = xc_item_lg2(g, level);
		bits = level == top->start ? top->ias - shift : g - 3;
		idx = (iova >> shift) & (BIT_ULL(bits) - 1);
		word = xc_read(top, table_pa, idx);
		if (!(word & XC_VALID))
			return;
		if (level != 3 &&
		    FIELD_GET(XC_TYPE, word) == XC_TYPE_TABLE_PAGE) {
			table_pa = xc_desc_addr(g, word);
			continue;
		}
		leaf->found = true;
		leaf->word = word;
		leaf->level = level;
		leaf->size_lg2 = shift;
		leaf->oa = xc_desc_addr(g, word) & ~(BIT_ULL(shift) - 1);
		if (level == 3 ?
			    FIELD_GET(XC_TYPE, word) != XC_TYPE_TABLE_PAGE :
			    !xc_block_ok(g, level))
			leaf->bad = "reserved descriptor (a fault)";
		else if (xc_desc_addr(g, word) & (BIT_ULL(shift) - 1))
			leaf->bad = "address bits below the block size";
		return;
	}
}

/* Names of the descriptor fields in @diff, for the messages */
static void xc_fields(u64 diff, bool s2, char *buf, size_t len)
{
	static const struct {
		u64 mask;
		const char *s1;
		const char *s2;
	} fields[] = {
		{ GENMASK_ULL(1, 0), "type", "type" },
		{ GENMASK_ULL(4, 2), "AttrIndx", "MemAttr[2:0]" },
		{ BIT_ULL(5), "NS", "MemAttr[3]" },
		{ GENMASK_ULL(7, 6), "AP[2:1]", "S2AP" },
		{ GENMASK_ULL(9, 8), "SH", "SH" },
		{ BIT_ULL(10), "AF", "AF" },
		{ BIT_ULL(11), "nG", "bit 11" },
		{ GENMASK_ULL(50, 12), "address", "address" },
		{ BIT_ULL(51), "DBM", "DBM" },
		{ BIT_ULL(52), "Contiguous", "Contiguous" },
		{ BIT_ULL(53), "PXN", "XN[0]" },
		{ BIT_ULL(54), "UXN", "XN[1]" },
		{ GENMASK_ULL(63, 55), "software/PBHA", "software/PBHA" },
	};
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i != ARRAY_SIZE(fields); i++)
		if (diff & fields[i].mask)
			n += scnprintf(buf + n, len - n, "%s%s", n ? " " : "",
				       s2 ? fields[i].s2 : fields[i].s1);
}

/*
 * The registers both drivers would program must describe the same walk.
 * Intended difference: io-pgtable-arm's stage 1 MAIR also has attribute 3
 * (inner non-cacheable, outer write-back), which arm_lpae_prot_to_pte() of
 * 6.12 never selects; the format uses attributes 0 to 2 only, with the same
 * values, and leaves 3 to 7 zero.
 */
static void xc_check_regs(struct xc_ctx *ctx)
{
	const struct io_pgtable_cfg *io = &ctx->io_cfg;
	struct kunit *test = ctx->xs.test;
	const struct xc_cfg *cfg = ctx->cfg;
	struct pt_iommu_armv8_hw_info info, io_info = {};
	unsigned int g = cfg->granule_lg2;

	ctx->gran->hw_info(&ctx->ours, &info);
	/* io-pgtable-arm's TCR / VTCR fields, in the format's structure */
	if (cfg->s2) {
		io_info.ttbr = io->arm_lpae_s2_cfg.vttbr;
		io_info.tsz = io->arm_lpae_s2_cfg.vtcr.tsz;
		io_info.sl0 = io->arm_lpae_s2_cfg.vtcr.sl;
		io_info.tg = io->arm_lpae_s2_cfg.vtcr.tg;
		io_info.ps = io->arm_lpae_s2_cfg.vtcr.ps;
		io_info.sh = io->arm_lpae_s2_cfg.vtcr.sh;
		io_info.irgn = io->arm_lpae_s2_cfg.vtcr.irgn;
		io_info.orgn = io->arm_lpae_s2_cfg.vtcr.orgn;
	} else {
		io_info.ttbr = io->arm_lpae_s1_cfg.ttbr;
		io_info.tsz = io->arm_lpae_s1_cfg.tcr.tsz;
		io_info.tg = io->arm_lpae_s1_cfg.tcr.tg;
		io_info.ps = io->arm_lpae_s1_cfg.tcr.ips;
		io_info.sh = io->arm_lpae_s1_cfg.tcr.sh;
		io_info.irgn = io->arm_lpae_s1_cfg.tcr.irgn;
		io_info.orgn = io->arm_lpae_s1_cfg.tcr.orgn;
		/* Attributes 0 to 2, see above */
		io_info.mair = io->arm_lpae_s1_cfg.mair & GENMASK_ULL(23, 0);
	}
	KUNIT_EXPECT_EQ_MSG(test, info.tsz, io_info.tsz, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.sl0, io_info.sl0, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.tg, io_info.tg, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.ps, io_info.ps, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.sh, io_info.sh, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.irgn, io_info.irgn, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.orgn, io_info.orgn, "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.mair, io_info.mair, "%s", cfg->name);
	KUNIT_EXPECT_NE(test, info.ttbr, 0);
	KUNIT_EXPECT_NE(test, io_info.ttbr, 0);

	/* Where a walk of each starts, from those registers */
	ctx->top[XC_OURS] = (struct xc_top){
		.pa = info.ttbr, .ias = 64 - info.tsz, .le = true,
		.start = cfg->s2 ? xc_start_s2(g, info.sl0) :
				   xc_start_s1(g, 64 - info.tsz),
	};
	ctx->top[XC_IO] = (struct xc_top){
		.pa = io_info.ttbr, .ias = 64 - io_info.tsz,
		.start = cfg->s2 ? xc_start_s2(g, io_info.sl0) :
				   xc_start_s1(g, 64 - io_info.tsz),
	};
	KUNIT_EXPECT_EQ(test, ctx->top[XC_OURS].ias, cfg->ias);
}

/* The contiguous sizes (Arm ARM D8.6.1) of each granule, 4T aside */
static u64 xc_contig_sizes(unsigned int g)
{
	if (g == 12)
		return SZ_64K | SZ_32M | BIT_ULL(34);
	if (g == 14)
		return SZ_2M | SZ_1G;
	return SZ_2M | BIT_ULL(34);
}

/*
 * The page sizes: io-pgtable-arm's leaves (4T with the 64K granule only
 * when oas > 48, and never where unsigned long, the type of both bitmaps,
 * has 32 bits) are the format's; the format also offers its contiguous
 * runs (intended: io-pgtable-arm has no contiguous hint), nothing else.
 */
static void xc_check_sizes(struct xc_ctx *ctx)
{
	struct kunit *test = ctx->xs.test;
	const struct xc_cfg *cfg = ctx->cfg;
	u64 in_ias = GENMASK_ULL(cfg->ias - 1, 0);
	u64 ours = ctx->xs.bitmap[XC_OURS], io = ctx->xs.bitmap[XC_IO] & in_ias;

	KUNIT_EXPECT_EQ_MSG(test, io & ~ours, 0, "%s: sizes only io-pgtable has",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, ours & ~io & ~xc_contig_sizes(cfg->granule_lg2),
			    0, "%s: sizes only generic_pt has", cfg->name);
	if (cfg->granule_lg2 == 16)
		KUNIT_EXPECT_EQ_MSG(test, !!(ours & BIT_ULL(42)),
				    cfg->oas > 48 && cfg->ias > 42 &&
				    BITS_PER_LONG == 64,
				    "%s: 4T blocks", cfg->name);
}

static void xc_ctx_init(struct kunit *test, struct xc_ctx *ctx)
{
	const struct xc_cfg *cfg = test->param_value;
	struct pt_iommu_armv8_cfg ours_cfg = {};
	unsigned int g = cfg->granule_lg2, i;
	struct device *dev;
	int ret;

	ctx->xs.test = test;
	ctx->xs.name = cfg->name;
	ctx->xs.domain = &ctx->ours.iommu.domain;
	ctx->cfg = cfg;
	for (i = 0; i != ARRAY_SIZE(xc_grans); i++)
		if (xc_grans[i].lg2 == g)
			ctx->gran = &xc_grans[i];
	if (!ctx->gran)
		kunit_skip(test, "the %uK granule is not reachable here",
			   1U << (g - 10));
	ctx->xs.ours = &ctx->gran->ops;

	dev = kunit_device_register(test, "generic_pt_xc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	ctx->io_cfg = (struct io_pgtable_cfg){
		.pgsize_bitmap = g == 12 ? SZ_4K | SZ_2M | SZ_1G :
				 g == 14 ? SZ_16K | SZ_32M :
					   SZ_64K | SZ_512M | BIT_ULL(42),
		.ias = cfg->ias,
		.oas = cfg->oas,
		.coherent_walk = true,
		.tlb = &xc_flush_ops,
		.iommu_dev = dev,
	};
	ctx->xs.io = alloc_io_pgtable_ops(cfg->s2 ? ARM_64_LPAE_S2 :
						 ARM_64_LPAE_S1,
				       &ctx->io_cfg, ctx);
	KUNIT_ASSERT_NOT_NULL_MSG(test, ctx->xs.io, "%s: io-pgtable", cfg->name);
	/* io-pgtable-arm keeps the sizes of the granule it chose */
	ctx->xs.bitmap[XC_IO] = ctx->io_cfg.pgsize_bitmap;
	KUNIT_EXPECT_EQ(test, ctx->xs.bitmap[XC_IO] & -ctx->xs.bitmap[XC_IO],
			BIT_ULL(g));

	ours_cfg.common.max_vasz_lg2 = cfg->ias;
	ours_cfg.common.max_oasz_lg2 = cfg->oas;
	/*
	 * BBM level 2 lets a cut re-size contiguous runs and turn blocks into
	 * tables; it changes no descriptor, only what cut_mapping may do (see
	 * xc_unmap_both(), whose cuts need both).
	 */
	ours_cfg.common.features = BIT(PT_FEAT_ARMV8_BBML2);
	if (cfg->s2)
		ours_cfg.common.features |= BIT(PT_FEAT_ARMV8_S2);
	ctx->ours.iommu.nid = NUMA_NO_NODE;
	ret = ctx->gran->init(&ctx->ours, &ours_cfg, GFP_KERNEL);
	if (ret) {
		free_io_pgtable_ops(ctx->xs.io);
		ctx->xs.io = NULL;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: generic_pt init", cfg->name);
	ctx->xs.bitmap[XC_OURS] = ctx->xs.domain->pgsize_bitmap;

	xc_check_regs(ctx);
	xc_check_sizes(ctx);
}

static void xc_ctx_free(struct xc_ctx *ctx)
{
	if (ctx->xs.io)
		free_io_pgtable_ops(ctx->xs.io);
	ctx->gran->deinit(&ctx->ours.iommu);
}

/*
 * Compare both tables over [va, va + len), which maps pa + (iova - va)
 * except in holes: at every leaf, the level, the address, every bit but
 * the intended differences, and iova_to_phys at its first, middle and last
 * byte within the range. Returns the bytes unmapped in both.
 */
static u64 xc_compare(struct xc_ctx *ctx, u64 va, u64 pa, u64 len)
{
	const struct xc_cfg *cfg = ctx->cfg;
	unsigned int g = cfg->granule_lg2;
	u64 mask = ~XC_INTENDED_DIFF(cfg->s2);
	u64 iova = va, end = va + len, holes = 0, step;
	struct xc_leaf leaf[2];
	unsigned int side;
	char fields[96];

	while (iova < end) {
		u64 want = pa + (iova - va);

		for (side = 0; side != 2; side++)
			xc_walk(g, &ctx->top[side], iova, &leaf[side]);
		step = BIT_ULL(g);
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

			if (l->bad)
				xc_report(&ctx->xs, "%s: iova %llx word %016llx: %s",
					  xc_side_name[side], iova, l->word,
					  l->bad);
			if (l->oa + (iova & (BIT_ULL(l->size_lg2) - 1)) != want)
				xc_report(&ctx->xs, "%s: iova %llx translates to %llx, not %llx",
					  xc_side_name[side], iova,
					  l->oa + (iova &
						   (BIT_ULL(l->size_lg2) - 1)),
					  want);
		}
		ctx->leaves[leaf[XC_IO].level]++;
		if (leaf[XC_OURS].word & XC_CONTIG)
			ctx->contig++;
		if (cfg->s2 && (leaf[XC_OURS].word ^ leaf[XC_IO].word) & XC_XN0)
			ctx->xn0++;
		if (leaf[XC_OURS].level != leaf[XC_IO].level)
			xc_report(&ctx->xs, "iova %llx: leaf level %u, io-pgtable %u",
				  iova, leaf[XC_OURS].level, leaf[XC_IO].level);
		if ((leaf[XC_OURS].word ^ leaf[XC_IO].word) & mask) {
			xc_fields((leaf[XC_OURS].word ^ leaf[XC_IO].word) &
					  mask,
				  cfg->s2, fields, sizeof(fields));
			xc_report(&ctx->xs, "iova %llx: %016llx, io-pgtable %016llx: %s",
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
		xc_walk(ctx->cfg->granule_lg2, &ctx->top[side], iova, &leaf);
		if (leaf.found || xc_phys(&ctx->xs, side, iova))
			xc_report(&ctx->xs, "%s: iova %llx outside every range is mapped",
				  xc_side_name[side], iova);
	}
}

/*
 * Unmap [iova, iova + len) of a range in both. io-pgtable-arm splits a
 * block it unmaps part of; the format never splits in unmap (intended:
 * that is cut_mapping's job, and iommufd cuts before a partial unmap), so
 * it is cut at both ends first.
 */
static void xc_unmap_both(struct xc_ctx *ctx, struct xc_range *r, u64 off,
			  u64 len)
{
	u64 iova = r->va + off;
	unsigned int side;

	KUNIT_EXPECT_EQ(ctx->xs.test,
			ctx->gran->cut_mapping(&ctx->ours.iommu, iova,
					       GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(ctx->xs.test,
			ctx->gran->cut_mapping(&ctx->ours.iommu, iova + len,
					       GFP_KERNEL), 0);
	for (side = 0; side != 2; side++)
		KUNIT_EXPECT_EQ_MSG(ctx->xs.test, xc_unmap(&ctx->xs, side, iova, len),
				    len, "%s: %s: unmap %llx+%llx",
				    ctx->cfg->name, xc_side_name[side], iova,
				    len);
	r->holes += len;
}

enum {
	XC_R_PAGES,	/* pages only: IOVA and PA differ below a block */
	XC_R_BLOCK,	/* pages, two level 1 blocks, pages */
	XC_R_SKEW,	/* the same with the PA a page off: pages only */
	XC_R_BIG,	/* around a large leaf (1G, 4T) or large run */
	XC_R_BIG_SKEW,	/* the same with the PA a block off */
	XC_R_HIGH_PA,	/* near the top of the output space */
	XC_R_RUNS,	/* aligned page runs */
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
	u64 p = BIT_ULL(cfg->granule_lg2);
	u64 b1 = BIT_ULL(xc_item_lg2(cfg->granule_lg2, 2));
	u64 b2 = BIT_ULL(xc_item_lg2(cfg->granule_lg2, 1));
	u64 region = xc_region(ctx), big;
	unsigned int i;

	/* The large leaf: a level 2 block, else a run of 32 blocks */
	big = ctx->xs.bitmap[XC_IO] & b2 ? b2 : 32 * b1;

	memset(r, 0, sizeof(*r) * XC_NR_RANGES);
	r[XC_R_PAGES] = (struct xc_range){ 5 * p, 77 * p, 40 * p, IOMMU_READ };
	r[XC_R_BLOCK].va = 4 * b1 - 3 * p;
	r[XC_R_BLOCK].pa = r[XC_R_BLOCK].va + 8 * b1;
	r[XC_R_BLOCK].len = 3 * p + 2 * b1 + 17 * p;
	r[XC_R_BLOCK].prot = IOMMU_READ | IOMMU_WRITE;
	r[XC_R_SKEW] = r[XC_R_BLOCK];
	r[XC_R_SKEW].pa += p;
	r[XC_R_SKEW].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	r[XC_R_BIG].va = big - b1 - p;
	r[XC_R_BIG].pa = 2 * big + r[XC_R_BIG].va;
	r[XC_R_BIG].len = p + b1 + big + b1 + p;
	r[XC_R_BIG].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE |
			   IOMMU_NOEXEC;
	r[XC_R_BIG_SKEW] = r[XC_R_BIG];
	r[XC_R_BIG_SKEW].pa += b1;
	r[XC_R_BIG_SKEW].prot = IOMMU_READ | IOMMU_MMIO;
	r[XC_R_HIGH_PA].va = b1 - 2 * p;
	r[XC_R_HIGH_PA].pa = BIT_ULL(cfg->oas) - 4 * b1 + b1 - 2 * p;
	r[XC_R_HIGH_PA].len = 2 * p + b1 + 3 * p;
	r[XC_R_HIGH_PA].prot = IOMMU_READ | IOMMU_PRIV | IOMMU_NOEXEC;
	r[XC_R_RUNS] = (struct xc_range){ 0x100 * p, 0x300 * p, 0x180 * p,
					  IOMMU_WRITE };
	r[XC_R_TOP_VA].va = region - b1 - 3 * p;
	r[XC_R_TOP_VA].pa = 8 * b1 - 3 * p;
	r[XC_R_TOP_VA].len = b1 + 3 * p;
	r[XC_R_TOP_VA].prot = IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO |
			      IOMMU_CACHE | IOMMU_PRIV;

	for (i = 0; i != XC_NR_RANGES; i++) {
		/* Skipped: too large for the region or the output space */
		if (r[i].va + r[i].len > region ||
		    r[i].pa + r[i].len > BIT_ULL(cfg->oas)) {
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
		xc_expect_hole(ctx, r[i].va - BIT_ULL(ctx->cfg->granule_lg2));
		if (r[i].va + r[i].len < BIT_ULL(ctx->cfg->ias))
			xc_expect_hole(ctx, r[i].va + r[i].len);
	}
}

/*
 * The spread of sizes, alignments and prot: map in both, compare, unmap
 * sub-ranges (a whole block, a page out of a block, pages out of a run, a
 * block out of a large leaf, the start of a range) and compare again.
 */
static void xc_test_ranges(struct kunit *test)
{
	struct xc_range r[XC_NR_RANGES];
	struct xc_ctx *ctx;
	bool nx = false;
	u64 p, b1;
	unsigned int i, n = 0;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);
	p = BIT_ULL(ctx->cfg->granule_lg2);
	b1 = BIT_ULL(xc_item_lg2(ctx->cfg->granule_lg2, 2));

	xc_ranges(ctx, r);
	for (i = 0; i != XC_NR_RANGES; i++) {
		if (!r[i].len)
			continue;
		xc_map_both(&ctx->xs, &r[i]);
		nx |= !!(r[i].prot & IOMMU_NOEXEC);
		n++;
	}
	/* In the 4G of a 32-bit kernel only pages, runs and high PAs fit */
	KUNIT_EXPECT_GE(test, n, BITS_PER_LONG == 64 ? 5 : 3);
	xc_compare_all(ctx, r, "after map");

	if (r[XC_R_BLOCK].len) {
		/* The first block whole, a page out of the second */
		xc_unmap_both(ctx, &r[XC_R_BLOCK], 3 * p, b1);
		xc_unmap_both(ctx, &r[XC_R_BLOCK], 3 * p + b1 + 7 * p, p);
	}
	if (r[XC_R_SKEW].len)
		xc_unmap_both(ctx, &r[XC_R_SKEW], 0, 3 * p);
	if (r[XC_R_RUNS].len)
		xc_unmap_both(ctx, &r[XC_R_RUNS], 0x21 * p, 5 * p);
	if (r[XC_R_BIG].len)
		xc_unmap_both(ctx, &r[XC_R_BIG], p + b1 + 3 * b1, b1);
	xc_compare_all(ctx, r, "after partial unmaps");

	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/*
	 * The ranges reached pages, level 1 blocks, the level 2 blocks where
	 * there are some (1G, 4T) and the large range fits (not in the 4G of
	 * a 32-bit kernel) and the format's runs; and the masked differences
	 * were there to mask.
	 */
	KUNIT_EXPECT_GT(test, ctx->leaves[3], 0);
	KUNIT_EXPECT_GT(test, ctx->leaves[2], 0);
	KUNIT_EXPECT_EQ_MSG(test, !!ctx->leaves[1],
			    !!(ctx->xs.bitmap[XC_IO] &
			       BIT_ULL(xc_item_lg2(ctx->cfg->granule_lg2, 1))) &&
			    (r[XC_R_BIG].len || r[XC_R_BIG_SKEW].len),
			    "%s: level 2 blocks", ctx->cfg->name);
	KUNIT_EXPECT_GT(test, ctx->contig, 0);
	/* Stage 2 XN where a range had IOMMU_NOEXEC (none fit in 4G of 64K) */
	KUNIT_EXPECT_EQ(test, !!ctx->xn0, ctx->cfg->s2 && nx);
	xc_ctx_free(ctx);
}

/*
 * Every prot combination, on a page and on a level 1 block, and the errno
 * of a prot neither stage can map (neither read nor write).
 */
static void xc_test_prot(struct kunit *test)
{
	static const int flags[] = { IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE,
				     IOMMU_NOEXEC, IOMMU_MMIO, IOMMU_PRIV };
	unsigned int combo, i, side, n = 0, nx = 0;
	struct xc_ctx *ctx;
	u64 p, b1, region;
	int prot;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	xc_ctx_init(test, ctx);
	p = BIT_ULL(ctx->cfg->granule_lg2);
	b1 = BIT_ULL(xc_item_lg2(ctx->cfg->granule_lg2, 2));
	region = xc_region(ctx);

	for (combo = 0; combo != BIT(ARRAY_SIZE(flags)); combo++) {
		u64 page_va = (2 * combo + 1) * p;
		u64 block_va = region + combo * b1;
		u64 pa = (combo + 3) * b1;

		prot = 0;
		for (i = 0; i != ARRAY_SIZE(flags); i++)
			if (combo & BIT(i))
				prot |= flags[i];
		if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
			for (side = 0; side != 2; side++)
				KUNIT_EXPECT_EQ_MSG(test,
						    xc_map(&ctx->xs, side, page_va,
							   pa, p, prot),
						    -EINVAL, "%s: prot %x",
						    xc_side_name[side], prot);
			xc_expect_hole(ctx, page_va);
			continue;
		}
		for (side = 0; side != 2; side++)
			KUNIT_EXPECT_EQ(test,
					xc_map(&ctx->xs, side, page_va, pa, p, prot),
					0);
		xc_compare(ctx, page_va, pa, p);
		nx += !!(prot & IOMMU_NOEXEC);
		if (block_va + b1 > 2 * region ||
		    pa + b1 > BIT_ULL(ctx->cfg->oas))
			continue;
		for (side = 0; side != 2; side++)
			KUNIT_EXPECT_EQ(test,
					xc_map(&ctx->xs, side, block_va, pa, b1,
					       prot),
					0);
		xc_compare(ctx, block_va, pa, b1);
		nx += !!(prot & IOMMU_NOEXEC);
		n++;
	}
	KUNIT_EXPECT_EQ(test, ctx->xs.reports, 0);
	/*
	 * Every combination with READ or WRITE, on a block too; the region of
	 * a 32-bit kernel (256M) holds fewer blocks, and none of 512M
	 */
	if (BITS_PER_LONG == 64)
		KUNIT_EXPECT_EQ(test, n, 48);
	KUNIT_EXPECT_EQ(test, ctx->leaves[3], 48);
	KUNIT_EXPECT_EQ(test, ctx->leaves[2], n);
	/* Half of them with IOMMU_NOEXEC (24 on 64-bit), page and block */
	KUNIT_EXPECT_EQ(test, ctx->xn0, ctx->cfg->s2 ? nx : 0);
	xc_ctx_free(ctx);
}

static struct kunit_case xc_cases[] = {
	KUNIT_CASE_PARAM(xc_test_ranges, xc_cfgs_gen_params),
	KUNIT_CASE_PARAM(xc_test_prot, xc_cfgs_gen_params),
	{}
};

static struct kunit_suite xc_suite = {
	.name = "generic_pt_armv8_io_pgtable",
	.test_cases = xc_cases,
};

kunit_test_suites(&xc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit cross-check of the Generic PT ARM formats against io-pgtable-arm");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

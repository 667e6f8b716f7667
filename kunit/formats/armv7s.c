// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the ARMv7 short-descriptor page table.
 *
 * The test personality below encodes and decodes entries from the ARM
 * Architecture Reference Manual (ARMv7-A/R), "Short-descriptor translation
 * table format descriptors" (first-level: fault, page table, section,
 * supersection; second-level: fault, large page, small page), with TEX
 * remap and the simplified access permission model (SCTLR.TRE = AFE = 1),
 * and from the 6.12 io-pgtable-arm-v7s for what that driver writes for the
 * IOMMU prot flags and where MediaTek puts output address bits 34:32. It
 * does not use fmt/armv7s.h, so that the suites check the engine against
 * an independent reading of the format.
 */
#define PT_FMT armv7s

#include "fmt/armv7s.h"
#include "generic_pt/pt_iter.h"
/* 32-bit descriptors */
#define KPT_REF_WORD_SIZE 4
#include "../common.h"

/* Descriptor bits as the ARM ARM numbers them */
#define V7T_TYPE 0x3u
/* First level */
#define V7T_L1_PAGETABLE 0x1u
#define V7T_L1_PT_NS BIT_ULL(3)
#define V7T_L1_PT_ADDR 0xfffffc00ULL
#define V7T_L1_SECTION 0x2u		/* bit 1 set, bit 0 PXN (never set) */
#define V7T_L1_B BIT_ULL(2)
#define V7T_L1_C BIT_ULL(3)
#define V7T_L1_XN BIT_ULL(4)
#define V7T_L1_DOMAIN GENMASK_ULL(8, 5)
#define V7T_L1_IMP BIT_ULL(9)
#define V7T_L1_AP0 BIT_ULL(10)
#define V7T_L1_AP1 BIT_ULL(11)
#define V7T_L1_TEX GENMASK_ULL(14, 12)
#define V7T_L1_AP2 BIT_ULL(15)
#define V7T_L1_S BIT_ULL(16)
#define V7T_L1_NG BIT_ULL(17)
#define V7T_L1_SUPER BIT_ULL(18)
#define V7T_L1_NS BIT_ULL(19)
#define V7T_L1_SECTION_ADDR 0xfff00000ULL
#define V7T_L1_SUPER_ADDR 0xff000000ULL
/* Second level */
#define V7T_L2_LARGE 0x1u
#define V7T_L2_SMALL 0x2u		/* bit 1 set, bit 0 XN */
#define V7T_L2_SMALL_XN BIT_ULL(0)
#define V7T_L2_B BIT_ULL(2)
#define V7T_L2_C BIT_ULL(3)
#define V7T_L2_AP0 BIT_ULL(4)
#define V7T_L2_AP1 BIT_ULL(5)
#define V7T_L2_SMALL_TEX GENMASK_ULL(8, 6)
#define V7T_L2_AP2 BIT_ULL(9)
#define V7T_L2_S BIT_ULL(10)
#define V7T_L2_NG BIT_ULL(11)
#define V7T_L2_LARGE_TEX GENMASK_ULL(14, 12)
#define V7T_L2_LARGE_XN BIT_ULL(15)
#define V7T_L2_SMALL_ADDR 0xfffff000ULL
#define V7T_L2_LARGE_ADDR 0xffff0000ULL
/* MediaTek (io-pgtable-arm-v7s's IO_PGTABLE_QUIRK_ARM_MTK_EXT) */
#define V7T_MTK_PA32 BIT_ULL(9)
#define V7T_MTK_PA33 BIT_ULL(4)
#define V7T_MTK_PA34 BIT_ULL(5)

/* Engine level 0 is the second-level table, 1 the first-level table */
#define KPT_REF_MAX_LEVEL 1
#define KPT_REF_PROT_MASK                                              \
	(IOMMU_READ | IOMMU_WRITE | IOMMU_PRIV | IOMMU_NOEXEC | IOMMU_MMIO | \
	 IOMMU_CACHE)
/* The SMMU sets nothing in a descriptor (no hardware access flag) */
#define KPT_REF_HW_LEAF_BITS 0
#define KPT_REF_HW_KEPT_BITS 0
/* No dirty state */
#define KPT_REF_DIRTY 0

static struct {
	bool ns;
	bool perms;
	bool mtk;
	unsigned int vasz_lg2;
} kpt_v7;

static void kpt_v7_select(const struct kpt_cfg *cfg)
{
	kpt_v7.ns = cfg->features & BIT(PT_FEAT_ARMV7S_NS);
	kpt_v7.perms = !(cfg->features & BIT(PT_FEAT_ARMV7S_NO_PERMS));
	kpt_v7.mtk = cfg->features & BIT(PT_FEAT_ARMV7S_MTK_EXT);
	kpt_v7.vasz_lg2 = cfg->vasz_lg2 ? cfg->vasz_lg2 : 32;
}

#define kpt_ref_select kpt_v7_select

/* A small page is 4K, a section 1M */
static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return level ? 20 : 12;
}

/* 256 second-level entries; 4096 first-level (more with a wider IOVA) */
static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return level ? (kpt_v7.vasz_lg2 ? kpt_v7.vasz_lg2 : 32) - 20 : 8;
}

/* Each level has its page and a 16-entry one: 64K, 16M */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	return BIT_ULL(kpt_ref_item_lg2(level)) |
	       BIT_ULL(kpt_ref_item_lg2(level) + 4);
}

static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	return 2;
}

static unsigned int kpt_ref_top_items_lg2_cfg(const struct kpt_cfg *cfg,
					      unsigned int level)
{
	return level ? cfg->vasz_lg2 - 20 : 8;
}

#define kpt_ref_top_items_lg2 kpt_ref_top_items_lg2_cfg

static unsigned int kpt_ref_spans(const struct kpt_cfg *cfg,
				  struct kpt_span *spans)
{
	spans[0].first = 0;
	spans[0].last = kpt_max(cfg->vasz_lg2);
	spans[0].lg2 = cfg->vasz_lg2;
	return 1;
}

static u64 kpt_ref_va_of(const struct kpt_cfg *cfg, u64 va)
{
	return va;
}

/*
 * What io-pgtable-arm-v7s writes for @prot, as a section has it: nG and S
 * always; TEX[0] (normal memory through the remap) unless MMIO; with
 * permissions AP[0] (the access flag), AP[1] unless privileged, AP[2] when
 * read-only and XN for no-exec; B for MMIO, B and C for cacheable; NS with
 * the non-secure feature.
 */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	u64 bits = V7T_L1_NG | V7T_L1_S;

	if (!(prot & IOMMU_MMIO))
		bits |= FIELD_PREP(V7T_L1_TEX, 1);
	if (kpt_v7.perms) {
		bits |= V7T_L1_AP0;
		if (!(prot & IOMMU_PRIV))
			bits |= V7T_L1_AP1;
		if (!(prot & IOMMU_WRITE))
			bits |= V7T_L1_AP2;
		if (prot & IOMMU_NOEXEC)
			bits |= V7T_L1_XN;
	}
	if (prot & IOMMU_MMIO)
		bits |= V7T_L1_B;
	else if (prot & IOMMU_CACHE)
		bits |= V7T_L1_B | V7T_L1_C;
	if (kpt_v7.ns)
		bits |= V7T_L1_NS;
	return bits;
}

static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

/*
 * Every mapping is readable; without permissions every one is writable and
 * executable and none privileged-only
 */
static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	unsigned int norm = IOMMU_READ;

	if (kpt_v7.perms)
		norm |= prot & (IOMMU_WRITE | IOMMU_PRIV | IOMMU_NOEXEC);
	else
		norm |= IOMMU_WRITE;
	if (prot & IOMMU_MMIO)
		norm |= IOMMU_MMIO;
	else
		norm |= prot & IOMMU_CACHE;
	return norm;
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

static u64 kpt_v7_mtk_oa(u64 word)
{
	return (word & V7T_MTK_PA32 ? BIT_ULL(32) : 0) |
	       (word & V7T_MTK_PA33 ? BIT_ULL(33) : 0) |
	       (word & V7T_MTK_PA34 ? BIT_ULL(34) : 0);
}

static u64 kpt_v7_mtk_bits(u64 oa)
{
	return (oa & BIT_ULL(32) ? V7T_MTK_PA32 : 0) |
	       (oa & BIT_ULL(33) ? V7T_MTK_PA33 : 0) |
	       (oa & BIT_ULL(34) ? V7T_MTK_PA34 : 0);
}

/*
 * The attributes of a leaf, in section positions: B, C, XN, AP, TEX, S,
 * nG (and NS, sections only). @tex and @xn come from where the descriptor
 * has them.
 */
static const char *kpt_v7_prot(u64 b, u64 c, u64 xn, u64 ap0, u64 ap1,
			       u64 ap2, unsigned int tex, u64 s, u64 ng,
			       unsigned int *prot)
{
	*prot = IOMMU_READ;
	if (!s || !ng)
		return "not shareable and non-global";
	if (kpt_v7.perms) {
		if (!ap0)
			return "access flag clear";
		if (!ap2)
			*prot |= IOMMU_WRITE;
		if (!ap1)
			*prot |= IOMMU_PRIV;
		if (xn)
			*prot |= IOMMU_NOEXEC;
	} else {
		*prot |= IOMMU_WRITE;
		if (ap0 || ap1 || ap2 || xn)
			return "permission bits without permissions";
	}
	if (tex == 0) {
		if (!b || c)
			return "device memory not B alone";
		*prot |= IOMMU_MMIO;
	} else if (tex == 1) {
		if (b && c)
			*prot |= IOMMU_CACHE;
		else if (b || c)
			return "normal memory neither WB nor NC";
	} else {
		return "TEX neither 0 nor 1";
	}
	return NULL;
}

/*
 * One descriptor as the walker reads it. @strict: also what only the
 * engine's choices rule out (domain, IMP, PXN, NS as configured).
 */
static void kpt_v7_decode(unsigned int level, u64 word,
			  struct kpt_ref_entry *ent, bool strict)
{
	u64 mtk = kpt_v7.mtk ? kpt_v7_mtk_oa(word) : 0;
	const char *why;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (word >> 32)
		return kpt_ref_bad(ent, "bits above 31");
	if (!(word & V7T_TYPE)) {
		if (word && strict)
			return kpt_ref_bad(ent, "fault entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level) {
		if ((word & V7T_TYPE) == V7T_L1_PAGETABLE) {
			if (strict &&
			    (word & ~(V7T_L1_PT_ADDR | V7T_L1_PT_NS)) !=
				    V7T_L1_PAGETABLE)
				return kpt_ref_bad(ent, "page table entry bits");
			if (strict && !(word & V7T_L1_PT_NS) != !kpt_v7.ns)
				return kpt_ref_bad(ent, "NSTable not as set");
			ent->type = KPT_REF_TABLE;
			ent->oa = word & V7T_L1_PT_ADDR;
			ent->prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE |
				    IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_PRIV;
			return;
		}
		if ((word & V7T_TYPE) != V7T_L1_SECTION)
			return kpt_ref_bad(ent, "PXN set");
		if (strict && (word & V7T_L1_DOMAIN & ~(kpt_v7.mtk ?
							V7T_MTK_PA34 : 0)))
			return kpt_ref_bad(ent, "domain not 0");
		if (strict && (word & V7T_L1_IMP & ~(kpt_v7.mtk ?
						     V7T_MTK_PA32 : 0)))
			return kpt_ref_bad(ent, "IMP set");
		if (strict && !(word & V7T_L1_NS) != !kpt_v7.ns)
			return kpt_ref_bad(ent, "NS not as set");
		why = kpt_v7_prot(word & V7T_L1_B, word & V7T_L1_C,
				  kpt_v7.mtk ? 0 : word & V7T_L1_XN,
				  word & V7T_L1_AP0, word & V7T_L1_AP1,
				  word & V7T_L1_AP2,
				  FIELD_GET(V7T_L1_TEX, word), word & V7T_L1_S,
				  word & V7T_L1_NG, &ent->prot);
		if (why)
			return kpt_ref_bad(ent, why);
		if (word & V7T_L1_SUPER) {
			/* Extended base address bits 23:20, 8:5: not used */
			if (strict && (word & GENMASK_ULL(23, 20)))
				return kpt_ref_bad(ent, "supersection base 35:32");
			ent->size_lg2 = 24;
			ent->nitems = 16;
			ent->oa = (word & V7T_L1_SUPER_ADDR) | mtk;
		} else {
			ent->size_lg2 = 20;
			ent->oa = (word & V7T_L1_SECTION_ADDR) | mtk;
		}
		ent->type = KPT_REF_LEAF;
		return;
	}
	if ((word & V7T_TYPE) == V7T_L2_LARGE) {
		if (strict && (word & GENMASK_ULL(8, 6)))
			return kpt_ref_bad(ent, "large page bits 8:6");
		why = kpt_v7_prot(word & V7T_L2_B, word & V7T_L2_C,
				  word & V7T_L2_LARGE_XN,
				  kpt_v7.mtk ? 0 : word & V7T_L2_AP0,
				  kpt_v7.mtk ? 0 : word & V7T_L2_AP1,
				  kpt_v7.mtk ? 0 : word & V7T_L2_AP2,
				  FIELD_GET(V7T_L2_LARGE_TEX, word),
				  word & V7T_L2_S, word & V7T_L2_NG,
				  &ent->prot);
		if (why)
			return kpt_ref_bad(ent, why);
		ent->size_lg2 = 16;
		ent->nitems = 16;
		ent->oa = (word & V7T_L2_LARGE_ADDR) | mtk;
		ent->type = KPT_REF_LEAF;
		return;
	}
	why = kpt_v7_prot(word & V7T_L2_B, word & V7T_L2_C,
			  word & V7T_L2_SMALL_XN,
			  kpt_v7.mtk ? 0 : word & V7T_L2_AP0,
			  kpt_v7.mtk ? 0 : word & V7T_L2_AP1,
			  kpt_v7.mtk ? 0 : word & V7T_L2_AP2,
			  FIELD_GET(V7T_L2_SMALL_TEX, word), word & V7T_L2_S,
			  word & V7T_L2_NG, &ent->prot);
	if (why)
		return kpt_ref_bad(ent, why);
	ent->size_lg2 = 12;
	ent->oa = (word & V7T_L2_SMALL_ADDR) | mtk;
	ent->type = KPT_REF_LEAF;
}

static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	kpt_v7_decode(level, kpt_word(table, index), ent, true);
}

static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	kpt_v7_decode(level, word, ent, false);
}

/* Every item of a supersection or large page is the same word */
static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	u64 s = kpt_ref_prot_bits(prot);
	u64 word;

	if (level) {
		word = V7T_L1_SECTION | s;
		word |= size_lg2 == 24 ? V7T_L1_SUPER | (oa & V7T_L1_SUPER_ADDR) :
					 oa & V7T_L1_SECTION_ADDR;
	} else {
		/* A page's attributes: bits 17:10 of a section to 11:4 */
		u64 ap = (s & (V7T_L1_AP0 | V7T_L1_AP1)) >> 6 |
			 (s & V7T_L1_AP2) >> 6 | (s & V7T_L1_S) >> 6 |
			 (s & V7T_L1_NG) >> 6;
		unsigned int tex = FIELD_GET(V7T_L1_TEX, s);

		word = ap | (s & (V7T_L1_B | V7T_L1_C));
		if (size_lg2 == 16) {
			word |= V7T_L2_LARGE | FIELD_PREP(V7T_L2_LARGE_TEX, tex) |
				(oa & V7T_L2_LARGE_ADDR);
			if (s & V7T_L1_XN)
				word |= V7T_L2_LARGE_XN;
		} else {
			word |= V7T_L2_SMALL | FIELD_PREP(V7T_L2_SMALL_TEX, tex) |
				(oa & V7T_L2_SMALL_ADDR);
			if (s & V7T_L1_XN)
				word |= V7T_L2_SMALL_XN;
		}
	}
	if (kpt_v7.mtk)
		word |= kpt_v7_mtk_bits(oa);
	return word;
}

static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return V7T_L1_PAGETABLE | table_pa | (kpt_v7.ns ? V7T_L1_PT_NS : 0);
}

/* 32-bit, 1K aligned table addresses */
static const u64 kpt_ref_table_pas[] = {
	0x400, 0xfffffc00ULL, 0x12345400ULL,
};

#define kpt_ref_table_pas kpt_ref_table_pas

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_armv7s_cfg v7_cfg = {
		.common = {
			.features = cfg->features,
			.max_vasz_lg2 = cfg->vasz_lg2,
			.max_oasz_lg2 = cfg->oasz_lg2,
		},
	};

	table->iommu.driver_ops = cfg->no_driver_ops ? NULL : ops;
	table->iommu.nid = NUMA_NO_NODE;
	if (cfg->dyn_start_levels)
		v7_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return pt_iommu_armv7s_init(table, &v7_cfg, GFP_KERNEL);
}

/*
 * The top from TTBR0: bits 31:14 the first-level table (16K aligned with
 * TTBCR.N = 0); MediaTek's bits 2:0 are address bits 34:32
 */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_armv7s_hw_info info = {};

	pt_iommu_armv7s_hw_info(table, &info);
	if (info.tcr)
		return -EINVAL;
	*top_pa = info.ttbr & GENMASK(31, 14);
	if (kpt_v7.mtk)
		*top_pa |= (u64)(info.ttbr & 7) << 32;
	*top_level = 1;
	return 0;
}

static const unsigned int kpt_fmt_prots[] = {
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO,
	IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_PRIV,
};

static const unsigned int kpt_prots[] = {
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ,
	IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_CACHE | IOMMU_PRIV,
};

#define KPT_V7_NS BIT(PT_FEAT_ARMV7S_NS)
#define KPT_V7_NP BIT(PT_FEAT_ARMV7S_NO_PERMS)
#define KPT_V7_MTK BIT(PT_FEAT_ARMV7S_MTK_EXT)

static const struct kpt_cfg kpt_cfgs[] = {
	/* The first: the cut suite runs on it (Qualcomm's arm-smmu) */
	{ .name = "va32-oa32", .vasz_lg2 = 32, .oasz_lg2 = 32 },
	/* MediaTek: NS, no permissions, 4GB mode and 35-bit output */
	{ .name = "mtk-oa35", .vasz_lg2 = 32, .oasz_lg2 = 35,
	  .features = KPT_V7_NS | KPT_V7_NP | KPT_V7_MTK },
	{ .name = "mtk-oa33", .vasz_lg2 = 32, .oasz_lg2 = 33,
	  .features = KPT_V7_NS | KPT_V7_NP | KPT_V7_MTK },
	{ .name = "ns-noperms", .vasz_lg2 = 32, .oasz_lg2 = 32,
	  .features = KPT_V7_NS | KPT_V7_NP },
	/* MediaTek's 34-bit IOVA (IOVA_34_EN): 16384 level 1 entries */
	{ .name = "mtk-va34-oa35", .vasz_lg2 = 34, .oasz_lg2 = 35,
	  .features = KPT_V7_NP | KPT_V7_MTK },
};

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "va31", .vasz_lg2 = 31, .oasz_lg2 = 32, .err = -EINVAL },
	{ .name = "va33", .vasz_lg2 = 33, .oasz_lg2 = 32, .err = -EINVAL },
	{ .name = "oa33", .vasz_lg2 = 32, .oasz_lg2 = 33, .err = -EINVAL },
	{ .name = "mtk-oa36", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .features = KPT_V7_NP | KPT_V7_MTK, .err = -EINVAL },
	{ .name = "mtk-va35", .vasz_lg2 = 35, .oasz_lg2 = 35,
	  .features = KPT_V7_NP | KPT_V7_MTK, .err = -EINVAL },
	/* MediaTek's address bits are permission bits otherwise */
	{ .name = "mtk-perms", .vasz_lg2 = 32, .oasz_lg2 = 35,
	  .features = KPT_V7_MTK, .err = -EINVAL },
	{ .name = "dyn", .vasz_lg2 = 32, .oasz_lg2 = 32,
	  .dyn_start_levels = 1, .err = -EOPNOTSUPP },
	{ .name = "sign-extend", .vasz_lg2 = 32, .oasz_lg2 = 32,
	  .features = BIT(PT_FEAT_SIGN_EXTEND), .err = -EOPNOTSUPP },
};

static const struct kpt_cfg kpt_doc_cfgs[] = {
	{ .name = "va32", .vasz_lg2 = 32, .oasz_lg2 = 32 },
};

/* 32 bits, and MediaTek's 33 (4GB mode) and 35 */
static const u8 kpt_fmt_oaszs[] = { 35, 33, 32 };

#define kpt_fmt_oaszs kpt_fmt_oaszs

static bool kpt_v7_oasz_ok(const struct kpt_cfg *cfg, unsigned int oasz_lg2)
{
	return oasz_lg2 == 32 || (cfg->features & KPT_V7_MTK);
}

#define kpt_ref_oasz_ok kpt_v7_oasz_ok

/* The only level 1 table is the top: 16K (64K with a 34-bit IOVA) */
static unsigned int kpt_v7_table_mem_lg2(unsigned int level)
{
	return level ? kpt_ref_items_lg2(1) + 2 : 10;
}

#define kpt_ref_table_mem_lg2 kpt_v7_table_mem_lg2

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/*
 * Every table is below 4G (32-bit table pointers): the format allocates
 * with GFP_DMA32. Map something in every 1M section of a 64M range, then
 * walk the table from TTBR: every table address fits in 32 bits and the
 * top one is what TTBR says.
 */
static void kpt_v7_test_tables_below_4g(struct kunit *test)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, &kpt_cfgs[0]);
	struct pt_iommu_armv7s_hw_info info = {};
	void *top;
	unsigned int i, ntables = 0;
	u64 top_pa;
	unsigned int top_level;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	for (i = 0; i != 64; i++)
		kpt_map_ok(ctx, (u64)i << 20, 0x80000000ULL + ((u64)i << 20),
			   KPT_SZ_4K, IOMMU_READ);
	pt_iommu_armv7s_hw_info(&ctx->table, &info);
	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &top_pa, &top_level),
			0);
	top = (void *)(ctx->table.iommu.common.top_of_table &
		       ~(uintptr_t)PT_TOP_LEVEL_MASK);
	KUNIT_EXPECT_EQ(test, (u64)virt_to_phys(top), top_pa);
	KUNIT_EXPECT_LT(test, (u64)virt_to_phys(top), BIT_ULL(32));
	for (i = 0; i != 4096; i++) {
		u64 word = kpt_word(top, i);

		if ((word & V7T_TYPE) != V7T_L1_PAGETABLE)
			continue;
		ntables++;
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, (u64)i << 20),
				0x80000000ULL + ((u64)i << 20));
	}
	KUNIT_EXPECT_EQ(test, ntables, 64);
	kpt_ctx_free(ctx);
}

/*
 * Register values as io-pgtable-arm-v7s computes them: TTBR with S, NOS
 * and write-back walks for a coherent walker; TTBCR 0; the TEX remap of
 * index 1 (device) and 4, 7 (normal)
 */
static void kpt_v7_test_regs(struct kunit *test)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, &kpt_cfgs[0]);
	struct pt_iommu_armv7s_hw_info info = {};

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	pt_iommu_armv7s_hw_info(&ctx->table, &info);
	KUNIT_EXPECT_EQ(test, info.ttbr & 0x3fff, 0x6a);
	KUNIT_EXPECT_EQ(test, info.tcr, 0);
	KUNIT_EXPECT_EQ(test, info.prrr, 0x800b8204);
	KUNIT_EXPECT_EQ(test, info.nmrr, 0x40004000);
	kpt_ctx_free(ctx);
}

static struct kunit_case kpt_v7_cases[] = {
	KUNIT_CASE(kpt_v7_test_tables_below_4g),
	KUNIT_CASE(kpt_v7_test_regs),
	{}
};

static struct kunit_suite kpt_v7_suite = {
	.name = KPT_SUITE_NAME("v7s"),
	.init = kpt_iommu_init,
	.test_cases = kpt_v7_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_v7_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT ARMv7 short-descriptor page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

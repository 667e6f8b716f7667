/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ARMv7 short-descriptor page table format (VMSAv7 with TEX remap and the
 * simplified access permission model, AFE = 1), as 6.12's
 * io-pgtable-arm-v7s gives it to MediaTek and Qualcomm SMMUs.
 *
 * 32-bit entries, two levels. Level 1 (our level 1) is one table of 4096
 * entries covering 1M each (16384 with MediaTek's 34-bit IOVA): a table
 * entry, a section (1M) or a supersection (16M: 16 identical consecutive
 * entries, bit 18 set). Level 2 (our level 0) tables have 256 entries of
 * 4K, 1K of memory each: small pages (4K) and large pages (64K: 16
 * identical consecutive entries, whose TEX and XN bits sit elsewhere).
 *
 * Table pointers are 32 bits (TTBR and table entries), so every table is
 * allocated below 4G with GFP_DMA32 (PT_TABLE_GFP), as io-pgtable-arm-v7s
 * does with its DMA32 slab cache and pages. A level 2 table takes a whole
 * page here (see __table_alloc() in iommu_pt.h).
 */
#ifndef __GENERIC_PT_FMT_ARMV7S_H
#define __GENERIC_PT_FMT_ARMV7S_H

#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/generic_pt/iommu.h>

/* Table memory is an array of 32-bit words */
#define PT_ITEM_WORD_SIZE 4

/* The features pt_iommu_fmt_init() accepts from the driver */
#define ARMV7SPT_CFG_FEATURES \
	(BIT(PT_FEAT_ARMV7S_NS) | BIT(PT_FEAT_ARMV7S_NO_PERMS) | \
	 BIT(PT_FEAT_ARMV7S_MTK_EXT) | BIT(PT_FEAT_DMA_INCOHERENT))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(ARMV7SPT_CFG_FEATURES | BIT(PT_FEAT_OA_TABLE_XCHG) | \
	 BIT(PT_FEAT_OA_SIZE_CHANGE))

#include "../generic_pt/pt_defs.h"

enum {
	PT_MAX_TOP_LEVEL = 1,
	PT_GRANULE_LG2SZ = 12,
	/* A level 2 table: 256 entries of 4 bytes */
	PT_TABLEMEM_LG2SZ = 10,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 35,
};

#ifdef CONFIG_ZONE_DMA32
#define PT_TABLE_GFP GFP_DMA32
#else
#define PT_TABLE_GFP GFP_DMA
#endif

/* Descriptor type, bits 1:0 */
#define ARMV7S_TYPE GENMASK_ULL(1, 0)
#define ARMV7S_L1_TYPE_TABLE 1		/* level 1: page table */
#define ARMV7S_L1_TYPE_SECTION BIT_ULL(1)	/* level 1: bit 1, (super)section */
#define ARMV7S_L2_TYPE_LARGE 1		/* level 2: 01 large page */
#define ARMV7S_L2_TYPE_SMALL BIT_ULL(1)	/* level 2: 1x small page, bit 0 XN */

/* Level 1 */
#define ARMV7S_L1_TABLE_ADDR GENMASK_ULL(31, 10)
#define ARMV7S_L1_NS_TABLE BIT_ULL(3)
#define ARMV7S_L1_B BIT_ULL(2)
#define ARMV7S_L1_C BIT_ULL(3)
#define ARMV7S_L1_XN BIT_ULL(4)
#define ARMV7S_L1_ATTR_SHIFT 10		/* AP[1:0], TEX, AP[2], S, nG */
#define ARMV7S_L1_SUPER BIT_ULL(18)
#define ARMV7S_L1_NS BIT_ULL(19)
#define ARMV7S_L1_SECTION_ADDR GENMASK_ULL(31, 20)
#define ARMV7S_L1_SUPER_ADDR GENMASK_ULL(31, 24)

/* Level 2 */
#define ARMV7S_L2_B BIT_ULL(2)
#define ARMV7S_L2_C BIT_ULL(3)
#define ARMV7S_L2_SMALL_XN BIT_ULL(0)
#define ARMV7S_L2_ATTR_SHIFT 4		/* AP[1:0], TEX, AP[2], S, nG */
#define ARMV7S_L2_LARGE_TEX GENMASK_ULL(14, 12)
#define ARMV7S_L2_LARGE_XN BIT_ULL(15)
#define ARMV7S_L2_SMALL_ADDR GENMASK_ULL(31, 12)
#define ARMV7S_L2_LARGE_ADDR GENMASK_ULL(31, 16)

/*
 * The 8 attribute bits that have the same order at both levels (bits 17:10
 * of a section, 11:4 of a small page): AP[0] (the access flag with AFE),
 * AP[1] (unprivileged), TEX[2:0], AP[2] (read-only), S and nG
 */
#define ARMV7S_ATTR_AP0 BIT_ULL(0)
#define ARMV7S_ATTR_AP1 BIT_ULL(1)
#define ARMV7S_ATTR_TEX GENMASK_ULL(4, 2)
#define ARMV7S_ATTR_AP2 BIT_ULL(5)
#define ARMV7S_ATTR_S BIT_ULL(6)
#define ARMV7S_ATTR_NG BIT_ULL(7)
#define ARMV7S_ATTR GENMASK_ULL(7, 0)
/* A small page's TEX, which a large page moves to bits 14:12 */
#define ARMV7S_L2_SMALL_TEX (ARMV7S_ATTR_TEX << ARMV7S_L2_ATTR_SHIFT)

/* MediaTek: output address bits 32, 33, 34 in entry bits 9, 4, 5 */
#define ARMV7S_MTK_PA32 BIT_ULL(9)
#define ARMV7S_MTK_PA33 BIT_ULL(4)
#define ARMV7S_MTK_PA34 BIT_ULL(5)

/*
 * pt_write_attrs.descriptor_bits holds the attributes of a leaf as a
 * section has them (B, C, XN, bits 17:10 and NS, no address or type), at
 * either level: a page takes them from there.
 */
#define ARMV7S_DESC_ATTRS                                                 \
	(ARMV7S_L1_B | ARMV7S_L1_C | ARMV7S_L1_XN | ARMV7S_L1_NS |        \
	 (ARMV7S_ATTR << ARMV7S_L1_ATTR_SHIFT))

/* A small page is 4K, a section 1M */
static __always_inline unsigned int
armv7spt_table_item_lg2sz(const struct pt_state *pts)
{
	return pts->level ? 20 : PT_GRANULE_LG2SZ;
}

#define pt_table_item_lg2sz armv7spt_table_item_lg2sz

static __always_inline unsigned int
armv7spt_num_items_lg2(const struct pt_state *pts)
{
	/* Level 1 resolves the IOVA bits above the 1M of a section */
	if (pts->level == 1)
		return pts->range->common->max_vasz_lg2 - 20;
	return PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE);
}

#define pt_num_items_lg2 armv7spt_num_items_lg2

/* 4K and 64K at level 2, 1M and 16M at level 1 */
static __always_inline u64 armv7spt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);

	return BIT_ULL(isz_lg2) | BIT_ULL(isz_lg2 + 4);
}

#define pt_possible_sizes armv7spt_possible_sizes

static __always_inline enum pt_entry_type
armv7spt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & ARMV7S_TYPE))
		return PT_ENTRY_EMPTY;
	if (pts->level == 1 &&
	    FIELD_GET(ARMV7S_TYPE, entry) == ARMV7S_L1_TYPE_TABLE)
		return PT_ENTRY_TABLE;
	return PT_ENTRY_OA;
}

#define pt_load_entry_raw armv7spt_load_entry_raw

static __always_inline bool armv7spt_is_contig(unsigned int level, u64 entry)
{
	if (level == 1)
		return entry & ARMV7S_L1_SUPER;
	return FIELD_GET(ARMV7S_TYPE, entry) == ARMV7S_L2_TYPE_LARGE;
}

static __always_inline unsigned int
armv7spt_entry_num_contig_lg2(const struct pt_state *pts)
{
	return armv7spt_is_contig(pts->level, pts->entry) ? 4 : 0;
}

#define pt_entry_num_contig_lg2 armv7spt_entry_num_contig_lg2

static __always_inline pt_oaddr_t armv7spt_mtk_oa(u64 entry)
{
	pt_oaddr_t oa = 0;

	if (entry & ARMV7S_MTK_PA32)
		oa |= BIT_ULL(32);
	if (entry & ARMV7S_MTK_PA33)
		oa |= BIT_ULL(33);
	if (entry & ARMV7S_MTK_PA34)
		oa |= BIT_ULL(34);
	return oa;
}

static __always_inline u64 armv7spt_mtk_bits(pt_oaddr_t oa)
{
	u64 bits = 0;

	if (oa & BIT_ULL(32))
		bits |= ARMV7S_MTK_PA32;
	if (oa & BIT_ULL(33))
		bits |= ARMV7S_MTK_PA33;
	if (oa & BIT_ULL(34))
		bits |= ARMV7S_MTK_PA34;
	return bits;
}

static __always_inline pt_oaddr_t armv7spt_entry_oa(const struct pt_state *pts)
{
	pt_oaddr_t oa;

	if (pts->level == 1)
		oa = pts->entry & ((pts->entry & ARMV7S_L1_SUPER) ?
					   ARMV7S_L1_SUPER_ADDR :
					   ARMV7S_L1_SECTION_ADDR);
	else
		oa = pts->entry & (armv7spt_is_contig(0, pts->entry) ?
					   ARMV7S_L2_LARGE_ADDR :
					   ARMV7S_L2_SMALL_ADDR);
	if (pts_feature(pts, PT_FEAT_ARMV7S_MTK_EXT))
		oa |= armv7spt_mtk_oa(pts->entry);
	return oa;
}

#define pt_entry_oa armv7spt_entry_oa

static __always_inline pt_oaddr_t armv7spt_table_pa(const struct pt_state *pts)
{
	return pts->entry & ARMV7S_L1_TABLE_ADDR;
}

#define pt_table_pa armv7spt_table_pa

/*
 * Every item of a supersection or large page is the same word, holding the
 * address of the whole leaf (the architecture's replicated entries)
 */
static __always_inline u64
armv7spt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
			unsigned int oasz_lg2,
			const struct pt_write_attrs *attrs, unsigned int i)
{
	u64 desc = attrs->descriptor_bits;
	bool contig = oasz_lg2 != pt_table_item_lg2sz(pts);
	u64 entry;

	if (pts->level == 1) {
		entry = ARMV7S_L1_TYPE_SECTION | desc;
		if (contig)
			entry |= ARMV7S_L1_SUPER |
				 (oa & ARMV7S_L1_SUPER_ADDR);
		else
			entry |= oa & ARMV7S_L1_SECTION_ADDR;
	} else {
		u64 attr = ((desc >> ARMV7S_L1_ATTR_SHIFT) & ARMV7S_ATTR)
			   << ARMV7S_L2_ATTR_SHIFT;

		entry = desc & (ARMV7S_L1_B | ARMV7S_L1_C);
		if (contig) {
			entry |= ARMV7S_L2_TYPE_LARGE |
				 (attr & ~ARMV7S_L2_SMALL_TEX) |
				 FIELD_PREP(ARMV7S_L2_LARGE_TEX,
					    FIELD_GET(ARMV7S_L2_SMALL_TEX,
						      attr)) |
				 (oa & ARMV7S_L2_LARGE_ADDR);
			if (desc & ARMV7S_L1_XN)
				entry |= ARMV7S_L2_LARGE_XN;
		} else {
			entry |= ARMV7S_L2_TYPE_SMALL | attr |
				 (oa & ARMV7S_L2_SMALL_ADDR);
			if (desc & ARMV7S_L1_XN)
				entry |= ARMV7S_L2_SMALL_XN;
		}
	}
	if (pts_feature(pts, PT_FEAT_ARMV7S_MTK_EXT))
		entry |= armv7spt_mtk_bits(oa);
	return entry;
}

#define pt_leaf_item_word armv7spt_leaf_item_word

/*
 * Inside each 4G of output addresses the word is the address in place
 * (MediaTek's bits 34:32 elsewhere); the items of a run are identical.
 */
#define PT_LEAF_OA_LINEAR_LG2 32

static __always_inline bool
armv7spt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		       const struct pt_write_attrs *attrs)
{
	u64 entry = ARMV7S_L1_TYPE_TABLE | (table_pa & ARMV7S_L1_TABLE_ADDR);

	/* PT_TABLE_GFP keeps tables where a 32-bit pointer reaches them */
	PT_WARN_ON(table_pa != (table_pa & ARMV7S_L1_TABLE_ADDR));
	if (pts_feature(pts, PT_FEAT_ARMV7S_NS))
		entry |= ARMV7S_L1_NS_TABLE;
	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table armv7spt_install_table

static __always_inline void
armv7spt_attr_from_entry(const struct pt_state *pts,
			 struct pt_write_attrs *attrs)
{
	bool mtk = pts_feature(pts, PT_FEAT_ARMV7S_MTK_EXT);
	u64 entry = pts->entry;
	u64 attr, desc;

	if (pts->level == 1) {
		desc = entry & ARMV7S_DESC_ATTRS;
		/* MediaTek's bit 33 is where XN is, never both */
		if (mtk)
			desc &= ~ARMV7S_L1_XN;
		attrs->descriptor_bits = desc;
		return;
	}
	desc = entry & (ARMV7S_L2_B | ARMV7S_L2_C);
	attr = (entry >> ARMV7S_L2_ATTR_SHIFT) & ARMV7S_ATTR;
	if (armv7spt_is_contig(0, entry)) {
		attr &= ~ARMV7S_ATTR_TEX;
		attr |= FIELD_PREP(ARMV7S_ATTR_TEX,
				   FIELD_GET(ARMV7S_L2_LARGE_TEX, entry));
		if (entry & ARMV7S_L2_LARGE_XN)
			desc |= ARMV7S_L1_XN;
	} else if (entry & ARMV7S_L2_SMALL_XN) {
		desc |= ARMV7S_L1_XN;
	}
	/* A page is non-secure through its table entry's NSTable */
	if (pts_feature(pts, PT_FEAT_ARMV7S_NS))
		desc |= ARMV7S_L1_NS;
	/* MediaTek's bits 33, 34, 32 are AP[0], AP[1], AP[2] of a page */
	if (mtk)
		attr &= ~(ARMV7S_ATTR_AP0 | ARMV7S_ATTR_AP1 | ARMV7S_ATTR_AP2);
	attrs->descriptor_bits = desc | attr << ARMV7S_L1_ATTR_SHIFT;
}

#define pt_attr_from_entry armv7spt_attr_from_entry

/* What io-pgtable-arm-v7s's arm_v7s_prot_to_pte() writes */
static inline int armv7spt_iommu_set_prot(struct pt_common *common,
					  struct pt_write_attrs *attrs,
					  unsigned int iommu_prot)
{
	bool perms = !pt_feature(common, PT_FEAT_ARMV7S_NO_PERMS);
	u64 attr = ARMV7S_ATTR_NG | ARMV7S_ATTR_S;
	u64 desc = 0;

	/* Every mapping is readable; nothing to map without either */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	/* TEX[0] selects the normal memory type of the TEX remap (PRRR) */
	if (!(iommu_prot & IOMMU_MMIO))
		attr |= FIELD_PREP(ARMV7S_ATTR_TEX, 1);
	if (perms) {
		attr |= ARMV7S_ATTR_AP0;
		if (!(iommu_prot & IOMMU_PRIV))
			attr |= ARMV7S_ATTR_AP1;
		if (!(iommu_prot & IOMMU_WRITE))
			attr |= ARMV7S_ATTR_AP2;
		if (iommu_prot & IOMMU_NOEXEC)
			desc |= ARMV7S_L1_XN;
	}
	if (iommu_prot & IOMMU_MMIO)
		desc |= ARMV7S_L1_B;
	else if (iommu_prot & IOMMU_CACHE)
		desc |= ARMV7S_L1_B | ARMV7S_L1_C;
	/* Sections only; a page takes NS from its table entry's NSTable */
	if (pt_feature(common, PT_FEAT_ARMV7S_NS))
		desc |= ARMV7S_L1_NS;
	attrs->descriptor_bits = desc | attr << ARMV7S_L1_ATTR_SHIFT;
	return 0;
}

#define pt_iommu_set_prot armv7spt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int armv7spt_iommu_fmt_init(struct pt_iommu_armv7s *table,
					  const struct pt_iommu_armv7s_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;
	unsigned int features = cfg->common.features;
	bool mtk = features & BIT(PT_FEAT_ARMV7S_MTK_EXT);

	if (features & ~ARMV7SPT_CFG_FEATURES)
		return -EOPNOTSUPP;
	/* MediaTek's address bits are AP and XN bits otherwise */
	if (mtk && !(features & BIT(PT_FEAT_ARMV7S_NO_PERMS)))
		return -EINVAL;
	if (cfg->common.max_vasz_lg2 < 32 ||
	    cfg->common.max_vasz_lg2 > (mtk ? 34 : 32))
		return -EINVAL;
	if (cfg->common.max_oasz_lg2 < 32 ||
	    cfg->common.max_oasz_lg2 > (mtk ? 35 : 32))
		return -EINVAL;

	common->max_vasz_lg2 = cfg->common.max_vasz_lg2;
	common->max_oasz_lg2 = cfg->common.max_oasz_lg2;
	/*
	 * io-pgtable-arm-v7s splits a section with one cmpxchg of a table
	 * and a supersection or large page by re-writing its 16 entries in
	 * place, without break-before-make; a cut does the same.
	 */
	common->features = features | BIT(PT_FEAT_OA_TABLE_XCHG) |
			   BIT(PT_FEAT_OA_SIZE_CHANGE);
	return 1;
}

#define pt_iommu_fmt_init armv7spt_iommu_fmt_init

/* Register values, as io-pgtable-arm-v7s computes them */
#define ARMV7S_TTBR_S BIT(1)
#define ARMV7S_TTBR_NOS BIT(5)
#define ARMV7S_TTBR_IRGN_WBWA BIT(6)	/* IRGN[0] in bit 6, IRGN[1] in bit 0 */
#define ARMV7S_TTBR_ORGN_WBWA BIT(3)	/* RGN = 01 in bits 4:3 */
#define ARMV7S_PRRR_TR(n, type) ((type) << ((n) * 2))
#define ARMV7S_PRRR_DEVICE 1
#define ARMV7S_PRRR_NORMAL 2
#define ARMV7S_PRRR_DS0 BIT(16)
#define ARMV7S_PRRR_DS1 BIT(17)
#define ARMV7S_PRRR_NS1 BIT(19)
#define ARMV7S_PRRR_NOS(n) BIT((n) + 24)
#define ARMV7S_NMRR_WBWA 1
#define ARMV7S_NMRR_IR(n, attr) ((attr) << ((n) * 2))
#define ARMV7S_NMRR_OR(n, attr) ((attr) << ((n) * 2 + 16))

static inline void
armv7spt_iommu_fmt_hw_info(struct pt_iommu_armv7s *table, phys_addr_t top_pa,
			   unsigned int top_level,
			   struct pt_iommu_armv7s_hw_info *info)
{
	u64 pa = top_pa;

	if (pt_feature(&table->iommu.common, PT_FEAT_ARMV7S_MTK_EXT)) {
		info->ttbr = lower_32_bits(pa) | upper_32_bits(pa);
	} else {
		info->ttbr = lower_32_bits(pa) | ARMV7S_TTBR_S;
		if (!pt_feature(&table->iommu.common, PT_FEAT_DMA_INCOHERENT))
			info->ttbr |= ARMV7S_TTBR_NOS | ARMV7S_TTBR_IRGN_WBWA |
				      ARMV7S_TTBR_ORGN_WBWA;
	}
	info->tcr = 0;
	/* TEX remap: index 1 (TEX[0] clear) device, 4 and 7 normal memory */
	info->prrr = ARMV7S_PRRR_TR(1, ARMV7S_PRRR_DEVICE) |
		     ARMV7S_PRRR_TR(4, ARMV7S_PRRR_NORMAL) |
		     ARMV7S_PRRR_TR(7, ARMV7S_PRRR_NORMAL) | ARMV7S_PRRR_DS0 |
		     ARMV7S_PRRR_DS1 | ARMV7S_PRRR_NS1 | ARMV7S_PRRR_NOS(7);
	info->nmrr = ARMV7S_NMRR_IR(7, ARMV7S_NMRR_WBWA) |
		     ARMV7S_NMRR_OR(7, ARMV7S_NMRR_WBWA);
}

#define pt_iommu_fmt_hw_info armv7spt_iommu_fmt_hw_info

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ARM VMSAv8-64 long descriptor page tables (LPAE), as walked by ARM SMMUs,
 * stage 1 and stage 2, with a 4K, 16K or 64K granule.
 *
 * The instantiating file defines ARMV8_GRANULE_LG2SZ (12, 14 or 16). A table
 * is one granule of 64-bit little-endian descriptors; levels here count from
 * the leaf-most, so level n is the architecture's lookup level 3 - n.
 *
 * Descriptors: bit 0 valid; bits 1:0 are 0b11 for a table at levels 1-3 and
 * for a page at level 0, 0b01 for a block. Output address bits 47 down to the
 * leaf size; with the 64K granule and a 52-bit output address, OA bits 51:48
 * are in descriptor bits 15:12, and lookup level 1 has 4T blocks (FEAT_LPA).
 * Bit 52 is the contiguous hint: a run of 16, 32 or 128 aligned entries (by
 * granule and level) mapping one aligned output range, each entry still
 * holding its own address.
 */
#ifndef __GENERIC_PT_FMT_ARMV8_H
#define __GENERIC_PT_FMT_ARMV8_H

#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define ARMV8PT_CFG_FEATURES \
	(BIT(PT_FEAT_ARMV8_S2) | BIT(PT_FEAT_ARMV8_BBML1) | \
	 BIT(PT_FEAT_ARMV8_BBML2) | BIT(PT_FEAT_ARMV8_DBM) | \
	 BIT(PT_FEAT_DMA_INCOHERENT))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(ARMV8PT_CFG_FEATURES | BIT(PT_FEAT_OA_SIZE_CHANGE) | \
	 BIT(PT_FEAT_OA_TABLE_XCHG))

#include "../generic_pt/pt_defs.h"

#if ARMV8_GRANULE_LG2SZ != 12 && ARMV8_GRANULE_LG2SZ != 14 && \
	ARMV8_GRANULE_LG2SZ != 16
#error "ARMV8_GRANULE_LG2SZ must be 12, 14 or 16"
#endif

enum {
	PT_MAX_TOP_LEVEL = 3,
	PT_GRANULE_LG2SZ = ARMV8_GRANULE_LG2SZ,
	PT_TABLEMEM_LG2SZ = ARMV8_GRANULE_LG2SZ,
	ARMV8PT_ITEMS_LG2 = ARMV8_GRANULE_LG2SZ - 3,
	/* Stage 2 may concatenate up to 16 tables at the top */
	ARMV8PT_MAX_CONCAT_LG2 = 4,
};

/* Descriptor bits, from the Arm ARM (D8, VMSAv8-64 translation tables) */
#define ARMV8PT_FMT_VALID BIT_ULL(0)
#define ARMV8PT_FMT_TYPE GENMASK_ULL(1, 0)
#define ARMV8PT_FMT_TYPE_BLOCK 1
#define ARMV8PT_FMT_TYPE_TABLE_PAGE 3
#define ARMV8PT_FMT_OA GENMASK_ULL(47, 12)
#define ARMV8PT_FMT_OA52 GENMASK_ULL(15, 12)
#define ARMV8PT_FMT_CONTIG BIT_ULL(52)
/* Dirty Bit Modifier: the walker may clear AP[2] (stage 1) on a write */
#define ARMV8PT_FMT_DBM BIT_ULL(51)
/* Lower and upper leaf attributes carried over when a leaf is re-written */
#define ARMV8PT_FMT_LEAF_ATTRS (GENMASK_ULL(11, 2) | GENMASK_ULL(54, 51))

/* Stage 1 */
#define ARMV8PT_FMT_ATTRINDX GENMASK_ULL(4, 2)
#define ARMV8PT_FMT_AP_UNPRIV BIT_ULL(6)
#define ARMV8PT_FMT_AP_RDONLY BIT_ULL(7)
#define ARMV8PT_FMT_SH GENMASK_ULL(9, 8)
#define ARMV8PT_FMT_AF BIT_ULL(10)
#define ARMV8PT_FMT_NG BIT_ULL(11)
#define ARMV8PT_FMT_PXN BIT_ULL(53)
#define ARMV8PT_FMT_UXN BIT_ULL(54)
/* Stage 2 */
#define ARMV8PT_FMT_S2_MEMATTR GENMASK_ULL(5, 2)
#define ARMV8PT_FMT_S2_AP_READ BIT_ULL(6)
#define ARMV8PT_FMT_S2_AP_WRITE BIT_ULL(7)
/*
 * XN[1] alone: execute-never at every EL. With FEAT_XNX, XN[1:0] = 0b11
 * (what io-pgtable-arm writes) would let EL1 execute; without it XN[0] is
 * RES0. KVM's stage 2 (KVM_PTE_LEAF_ATTR_HI_S2_XN) also uses bit 54 only.
 */
#define ARMV8PT_FMT_S2_XN BIT_ULL(54)

/* Shareability and the MAIR indexes / stage 2 memory types used */
#define ARMV8PT_SH_OS 2
#define ARMV8PT_SH_IS 3
#define ARMV8PT_MAIR_IDX_NC 0
#define ARMV8PT_MAIR_IDX_WBWA 1
#define ARMV8PT_MAIR_IDX_DEV 2
#define ARMV8PT_MAIR_NC 0x44
#define ARMV8PT_MAIR_WBWA 0xff
#define ARMV8PT_MAIR_DEV 0x04
#define ARMV8PT_S2_MEMATTR_DEV 0x1
#define ARMV8PT_S2_MEMATTR_NC 0x5
#define ARMV8PT_S2_MEMATTR_WB 0xf

static __always_inline unsigned int
armv8pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ + ARMV8PT_ITEMS_LG2 * pts->level;
}

#define pt_table_item_lg2sz armv8pt_table_item_lg2sz

/*
 * The top table holds exactly what the IOVA size needs: fewer items than a
 * granule, or up to 16 concatenated granules for stage 2.
 */
static __always_inline unsigned int
armv8pt_num_items_lg2(const struct pt_state *pts)
{
	if (pts->level == pts->range->top_level)
		return pts->range->common->max_vasz_lg2 -
		       armv8pt_table_item_lg2sz(pts);
	return ARMV8PT_ITEMS_LG2;
}

#define pt_num_items_lg2 armv8pt_num_items_lg2

/*
 * Block levels without FEAT_LPA2: 4K 2M and 1G, 16K 32M, 64K 512M. With the
 * 64K granule, FEAT_LPA adds 4T blocks at lookup level 1 (our level 2). A
 * configuration with a 52-bit output address is how the caller says the
 * SMMU has FEAT_LPA, as 6.12's io-pgtable-arm offers 4T only when oas > 48.
 */
static __always_inline bool armv8pt_can_have_leaf(const struct pt_state *pts)
{
	if (pts->level == 0)
		return true;
	if (PT_GRANULE_LG2SZ == 12)
		return pts->level <= 2;
	if (PT_GRANULE_LG2SZ == 16 && pts->level == 2)
		return pts->range->common->max_oasz_lg2 > 48;
	return pts->level == 1;
}

#define pt_can_have_leaf armv8pt_can_have_leaf

/* log2 of the entries of a contiguous run at a level, 0 for none */
static __always_inline unsigned int armv8pt_contig_lg2(unsigned int level)
{
	/*
	 * No run of 4T blocks: the kernel tree (io-pgtable-arm, the arm64 MMU
	 * and KVM code) has contiguous sizes for the 64K granule at lookup
	 * levels 2 and 3 only, and nothing there establishes a Contiguous bit
	 * for the FEAT_LPA level 1 blocks. Never set, the hint is also ignored
	 * when read back at this level.
	 */
	if (PT_GRANULE_LG2SZ == 16 && level == 2)
		return 0;
	/* 4K: 16 entries; 16K: 128 pages or 32 blocks; 64K: 32 entries */
	if (PT_GRANULE_LG2SZ == 12)
		return 4;
	if (PT_GRANULE_LG2SZ == 14 && level == 0)
		return 7;
	return 5;
}

static __always_inline u64 armv8pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = armv8pt_table_item_lg2sz(pts);
	unsigned int contig_lg2 = armv8pt_contig_lg2(pts->level);
	unsigned int oasz_lg2 = pts->range->common->max_oasz_lg2;
	u64 sizes = 0;

	if (!armv8pt_can_have_leaf(pts))
		return 0;
	if (isz_lg2 <= oasz_lg2)
		sizes |= BIT_ULL(isz_lg2);
	if (contig_lg2 && isz_lg2 + contig_lg2 <= oasz_lg2)
		sizes |= BIT_ULL(isz_lg2 + contig_lg2);
	return sizes;
}

#define pt_possible_sizes armv8pt_possible_sizes

static __always_inline enum pt_entry_type
armv8pt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & ARMV8PT_FMT_VALID))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 ||
	    FIELD_GET(ARMV8PT_FMT_TYPE, entry) == ARMV8PT_FMT_TYPE_BLOCK)
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw armv8pt_load_entry_raw

/* The output address field of a descriptor, 52-bit layout included */
static __always_inline pt_oaddr_t armv8pt_desc_oa(u64 entry)
{
	pt_oaddr_t oa = entry & ARMV8PT_FMT_OA;

	if (PT_GRANULE_LG2SZ == 16)
		oa = (oa & ~ARMV8PT_FMT_OA52) |
		     ((pt_oaddr_t)FIELD_GET(ARMV8PT_FMT_OA52, entry) << 48);
	return oa;
}

static __always_inline u64 armv8pt_oa_desc(pt_oaddr_t oa)
{
	u64 entry = oa & ARMV8PT_FMT_OA;

	if (PT_GRANULE_LG2SZ == 16)
		entry |= FIELD_PREP(ARMV8PT_FMT_OA52, oa >> 48);
	return entry;
}

static __always_inline unsigned int
armv8pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	if (!(pts->entry & ARMV8PT_FMT_CONTIG))
		return 0;
	return armv8pt_contig_lg2(pts->level);
}

#define pt_entry_num_contig_lg2 armv8pt_entry_num_contig_lg2

/* A page (level 0) or block descriptor without the Contiguous bit */
static __always_inline struct pt_word_test
armv8pt_plain_leaf_test(const struct pt_state *pts)
{
	if (pts->level == 0)
		return (struct pt_word_test){
			.mask = ARMV8PT_FMT_VALID | ARMV8PT_FMT_CONTIG,
			.value = ARMV8PT_FMT_VALID,
		};
	return (struct pt_word_test){
		.mask = ARMV8PT_FMT_TYPE | ARMV8PT_FMT_CONTIG,
		.value = FIELD_PREP(ARMV8PT_FMT_TYPE, ARMV8PT_FMT_TYPE_BLOCK),
	};
}

#define pt_plain_leaf_test armv8pt_plain_leaf_test

/*
 * Dirty state with PT_FEAT_ARMV8_DBM (Arm ARM D8.4.6, hardware management
 * of the dirty state; SMMUv3 HTTU): a leaf with DBM is writable whatever
 * AP[2] says; AP[2] set means writable-clean, and the walker clears it with
 * an atomic update on the first write. Any item of a contiguous run may be
 * the one it wrote through.
 */
static __always_inline bool armv8pt_item_dirty(u64 entry)
{
	return (entry & (ARMV8PT_FMT_DBM | ARMV8PT_FMT_AP_RDONLY)) ==
	       ARMV8PT_FMT_DBM;
}

static __always_inline bool
armv8pt_entry_write_is_dirty(const struct pt_state *pts)
{
	return armv8pt_item_dirty(pts->entry);
}

#define pt_entry_write_is_dirty armv8pt_entry_write_is_dirty

static __always_inline void armv8pt_entry_make_write_clean(struct pt_state *pts)
{
	unsigned int nc_lg2 = armv8pt_entry_num_contig_lg2(pts);
	unsigned int first = log2_set_mod(pts->index, 0, nc_lg2);
	unsigned int i;

	if (!nc_lg2) {
		pt_table_update_bits_from(pts->table, pts->index, pts->entry,
					  0, ARMV8PT_FMT_AP_RDONLY);
		return;
	}
	for (i = first; i != first + (1U << nc_lg2); i++)
		pt_table_update_bits_from(pts->table, i,
					  pt_table_read(pts->table, i), 0,
					  ARMV8PT_FMT_AP_RDONLY);
}

#define pt_entry_make_write_clean armv8pt_entry_make_write_clean

/* Only a stage 1 table with DBM has dirty state to read */
static __always_inline bool
armv8pt_dirty_supported(const struct pt_common *common)
{
	return pt_feature(common, PT_FEAT_ARMV8_DBM);
}

#define pt_dirty_supported armv8pt_dirty_supported

static __always_inline pt_oaddr_t armv8pt_entry_oa(const struct pt_state *pts)
{
	return oalog2_set_mod(armv8pt_desc_oa(pts->entry), 0,
			      armv8pt_table_item_lg2sz(pts) +
				      armv8pt_entry_num_contig_lg2(pts));
}

#define pt_entry_oa armv8pt_entry_oa

static __always_inline pt_oaddr_t armv8pt_table_pa(const struct pt_state *pts)
{
	return armv8pt_desc_oa(pts->entry);
}

#define pt_table_pa armv8pt_table_pa

/* Every entry of a contiguous run holds its own output address */
static __always_inline u64
armv8pt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
		       unsigned int oasz_lg2,
		       const struct pt_write_attrs *attrs, unsigned int i)
{
	unsigned int isz_lg2 = armv8pt_table_item_lg2sz(pts);
	u64 entry = attrs->descriptor_bits | ARMV8PT_FMT_VALID;

	entry |= FIELD_PREP(ARMV8PT_FMT_TYPE,
			    pts->level == 0 ? ARMV8PT_FMT_TYPE_TABLE_PAGE :
					      ARMV8PT_FMT_TYPE_BLOCK);
	if (oasz_lg2 != isz_lg2)
		entry |= ARMV8PT_FMT_CONTIG;
	return entry | armv8pt_oa_desc(oa + ((pt_oaddr_t)i << isz_lg2));
}

#define pt_leaf_item_word armv8pt_leaf_item_word

/*
 * The OA field is the OA in place, except that the 64K granule moves OA bits
 * 51:48 down to bits 15:12: linear only below each 2^48 boundary there.
 */
#define PT_LEAF_OA_LINEAR_LG2 (PT_GRANULE_LG2SZ == 16 ? 48 : 64)

static __always_inline bool
armv8pt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		      const struct pt_write_attrs *attrs)
{
	u64 entry = FIELD_PREP(ARMV8PT_FMT_TYPE, ARMV8PT_FMT_TYPE_TABLE_PAGE) |
		    armv8pt_oa_desc(table_pa);

	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table armv8pt_install_table

/*
 * The software bits budget of a table descriptor: the bits the walker
 * ignores at both stages whatever the features (Arm ARM D8.3.1.1, the
 * VMSAv8-64 Table descriptor fields) are 58:53, 51, 11 and 7:2. Not bit 52
 * (the Protected attribute with PnCH), 10 (the table Access flag with
 * FEAT_HAFT), 9:8 (address bits 51:50 with TCR.DS), 62:59 (hierarchical
 * permissions, or PBHA / indirect permissions) nor 63 (NSTable).
 *
 * The engine uses two: PT_TABLE_SYNC_BIT, bit 55 as io-pgtable-arm's
 * ARM_LPAE_PTE_SW_SYNC, and PT_TABLE_FULL_BIT, bit 56. Leaves have no
 * software bit of the engine's. pt_load_entry_raw() classifies by bits
 * 1:0 and pt_table_pa() takes the address bits only, so both ignore them.
 */
#define ARMV8PT_FMT_TABLE_IGNORED \
	(GENMASK_ULL(58, 53) | BIT_ULL(51) | BIT_ULL(11) | GENMASK_ULL(7, 2))
#define PT_TABLE_SYNC_BIT BIT_ULL(55)
#define PT_TABLE_FULL_BIT BIT_ULL(56)
static_assert(!(PT_TABLE_SYNC_BIT & ~ARMV8PT_FMT_TABLE_IGNORED));
static_assert(!(PT_TABLE_FULL_BIT & ~ARMV8PT_FMT_TABLE_IGNORED));

static __always_inline void
armv8pt_attr_from_entry(const struct pt_state *pts,
			struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry & ARMV8PT_FMT_LEAF_ATTRS &
				 ~ARMV8PT_FMT_CONTIG &
				 ~(PT_GRANULE_LG2SZ == 16 ? ARMV8PT_FMT_OA52 : 0);
}

#define pt_attr_from_entry armv8pt_attr_from_entry

/*
 * Fold the attributes of another item of a leaf into @attrs. The walker
 * marks a DBM leaf dirty by clearing AP[2], so AP[2] stays set only if it
 * is set in every item; the other bits the walker sets (AF) are ORed.
 */
static __always_inline void armv8pt_attr_merge(const struct pt_common *common,
					       struct pt_write_attrs *attrs,
					       const struct pt_write_attrs *item)
{
	u64 a = attrs->descriptor_bits;
	u64 b = item->descriptor_bits;

	attrs->descriptor_bits = a | b;
	if ((a | b) & ARMV8PT_FMT_DBM)
		attrs->descriptor_bits &= ~ARMV8PT_FMT_AP_RDONLY |
					  (a & b);
}

#define pt_attr_merge armv8pt_attr_merge

static inline int armv8pt_iommu_set_prot(struct pt_common *common,
					 struct pt_write_attrs *attrs,
					 unsigned int iommu_prot)
{
	bool cache = iommu_prot & IOMMU_CACHE;
	u64 bits = ARMV8PT_FMT_AF;

	/* Neither stage can map a page that can be neither read nor written */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;

	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		if (iommu_prot & IOMMU_READ)
			bits |= ARMV8PT_FMT_S2_AP_READ;
		if (iommu_prot & IOMMU_WRITE)
			bits |= ARMV8PT_FMT_S2_AP_WRITE;
		bits |= FIELD_PREP(ARMV8PT_FMT_S2_MEMATTR,
				   iommu_prot & IOMMU_MMIO ?
					   ARMV8PT_S2_MEMATTR_DEV :
				   cache ? ARMV8PT_S2_MEMATTR_WB :
					   ARMV8PT_S2_MEMATTR_NC);
		if (iommu_prot & IOMMU_NOEXEC)
			bits |= ARMV8PT_FMT_S2_XN;
	} else {
		/* Translations are per ASID */
		bits |= ARMV8PT_FMT_NG;
		/*
		 * With hardware dirty state a writable leaf starts
		 * writable-clean: DBM with AP[2] set, which the SMMU clears
		 * on the first write (6.12's io-pgtable-arm instead starts it
		 * writable-dirty, AP[2] clear).
		 */
		if (!(iommu_prot & IOMMU_WRITE))
			bits |= ARMV8PT_FMT_AP_RDONLY;
		else if (pt_feature(common, PT_FEAT_ARMV8_DBM))
			bits |= ARMV8PT_FMT_DBM | ARMV8PT_FMT_AP_RDONLY;
		if (!(iommu_prot & IOMMU_PRIV))
			bits |= ARMV8PT_FMT_AP_UNPRIV;
		bits |= FIELD_PREP(ARMV8PT_FMT_ATTRINDX,
				   iommu_prot & IOMMU_MMIO ?
					   ARMV8PT_MAIR_IDX_DEV :
				   cache ? ARMV8PT_MAIR_IDX_WBWA :
					   ARMV8PT_MAIR_IDX_NC);
		if (iommu_prot & IOMMU_NOEXEC)
			bits |= ARMV8PT_FMT_PXN | ARMV8PT_FMT_UXN;
	}
	bits |= FIELD_PREP(ARMV8PT_FMT_SH,
			   cache ? ARMV8PT_SH_IS : ARMV8PT_SH_OS);
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot armv8pt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int armv8pt_iommu_fmt_init(struct pt_iommu_armv8 *table,
					 const struct pt_iommu_armv8_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;
	unsigned int vasz_lg2 = cfg->common.max_vasz_lg2;
	unsigned int oasz_lg2 = cfg->common.max_oasz_lg2;
	unsigned int max_oasz_lg2 = PT_GRANULE_LG2SZ == 16 ? 52 : 48;
	/*
	 * With the 64K granule the input may have up to 52 bits: FEAT_LVA at
	 * stage 1 (SMMU_IDR5.VAX), a 52-bit IPA (FEAT_LPA) at stage 2; T0SZ
	 * goes down to 12 and lookup level 1 resolves up to 10 bits. 6.12's
	 * io-pgtable-arm accepts ias up to 52 with 64K too (max_addr_bits in
	 * arm_lpae_restrict_pgsizes()). The 4K and 16K granules would need
	 * FEAT_LPA2's descriptors: 48.
	 */
	unsigned int max_vasz_lg2 = PT_GRANULE_LG2SZ == 16 ? 52 : 48;
	unsigned int top_level;

	if (vasz_lg2 < 32 || vasz_lg2 > max_vasz_lg2 || oasz_lg2 < 32 ||
	    oasz_lg2 > max_oasz_lg2)
		return -EINVAL;
	if (cfg->common.features & ~ARMV8PT_CFG_FEATURES)
		return -EOPNOTSUPP;
	/*
	 * Hardware dirty state: stage 1 only, as 6.12's io-pgtable-arm and
	 * arm-smmu-v3 offer it, and only for a walker that snoops the CPU
	 * caches (HTTU updates descriptors with coherent atomics)
	 */
	if ((cfg->common.features & BIT(PT_FEAT_ARMV8_DBM)) &&
	    (cfg->common.features &
	     (BIT(PT_FEAT_ARMV8_S2) | BIT(PT_FEAT_DMA_INCOHERENT))))
		return -EOPNOTSUPP;

	common->max_vasz_lg2 = vasz_lg2;
	common->max_oasz_lg2 = oasz_lg2;
	/*
	 * What a cut may change without break-before-make depends on the
	 * SMMU's level of support (SMMU_IDR3.BBML, SMMUv3 spec 3.21.1):
	 * level 1 tolerates a change to only the Contiguous bit, so runs are
	 * re-sized in place; turning a block into a table still needs
	 * break-before-make or the nT bit with a TLB invalidation between two
	 * stores, which one store cannot give. Level 2 tolerates any change of
	 * translation size: a block is swapped for an equivalent table too.
	 * Level 0 tolerates neither, and such cuts are refused.
	 */
	common->features = cfg->common.features;
	if (pt_feature(common, PT_FEAT_ARMV8_BBML1) ||
	    pt_feature(common, PT_FEAT_ARMV8_BBML2))
		common->features |= BIT(PT_FEAT_OA_SIZE_CHANGE);
	if (pt_feature(common, PT_FEAT_ARMV8_BBML2))
		common->features |= BIT(PT_FEAT_OA_TABLE_XCHG);

	top_level = DIV_ROUND_UP(vasz_lg2 - PT_GRANULE_LG2SZ,
				 ARMV8PT_ITEMS_LG2) - 1;
	/*
	 * Stage 2 starting at lookup level 0 with at most 16 entries: start
	 * at level 1 with concatenated tables instead, one walk step less.
	 */
	if (pt_feature(common, PT_FEAT_ARMV8_S2) && top_level == 3 &&
	    vasz_lg2 - (PT_GRANULE_LG2SZ + ARMV8PT_ITEMS_LG2 * 3) <=
		    ARMV8PT_MAX_CONCAT_LG2)
		top_level = 2;
	return top_level;
}

#define pt_iommu_fmt_init armv8pt_iommu_fmt_init

/* TCR.IPS / VTCR.PS encoding of the smallest size holding oasz_lg2 bits */
static __always_inline u8 armv8pt_ips(unsigned int oasz_lg2)
{
	static const u8 sizes[] = { 32, 36, 40, 42, 44, 48, 52 };
	u8 i;

	for (i = 0; i != ARRAY_SIZE(sizes) - 1; i++)
		if (oasz_lg2 <= sizes[i])
			break;
	return i;
}

static inline void
armv8pt_iommu_fmt_hw_info(struct pt_iommu_armv8 *table, phys_addr_t top_pa,
			  unsigned int top_level,
			  struct pt_iommu_armv8_hw_info *info)
{
	struct pt_common *common = &table->iommu.common;
	bool coherent = !pt_feature(common, PT_FEAT_DMA_INCOHERENT);
	unsigned int start_level = 3 - top_level;

	memset(info, 0, sizeof(*info));
	info->ttbr = top_pa;
	info->tsz = 64 - common->max_vasz_lg2;
	/* TG0: 4K 0, 64K 1, 16K 2 */
	info->tg = PT_GRANULE_LG2SZ == 12 ? 0 : PT_GRANULE_LG2SZ == 16 ? 1 : 2;
	info->ps = armv8pt_ips(common->max_oasz_lg2);
	/* A coherent walker reads write-back cacheable, inner shareable */
	info->sh = coherent ? ARMV8PT_SH_IS : ARMV8PT_SH_OS;
	info->irgn = coherent ? 1 : 0;
	info->orgn = coherent ? 1 : 0;
	if (pt_feature(common, PT_FEAT_ARMV8_S2)) {
		/* SL0 counts differently for the 4K granule */
		info->sl0 = ~(start_level + (PT_GRANULE_LG2SZ == 12)) & 3;
	} else {
		info->mair = (u64)ARMV8PT_MAIR_NC << (8 * ARMV8PT_MAIR_IDX_NC) |
			     (u64)ARMV8PT_MAIR_WBWA
				     << (8 * ARMV8PT_MAIR_IDX_WBWA) |
			     (u64)ARMV8PT_MAIR_DEV << (8 * ARMV8PT_MAIR_IDX_DEV);
	}
}

#define pt_iommu_fmt_hw_info armv8pt_iommu_fmt_hw_info

/* The granule instantiations share the structures */
#define PT_FMT_TABLE pt_iommu_armv8
#define PT_FMT_CFG pt_iommu_armv8_cfg
#define PT_FMT_HW_INFO pt_iommu_armv8_hw_info

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Apple DART (Device Address Resolution Table) page tables, as 6.12's
 * io-pgtable-dart.c writes them and apple-dart.c programs them on Apple
 * silicon: DART v1 (t8020, M1) and DART v2 (t6000 and t8110, M1 Pro/Max/Ultra
 * and M2).
 *
 * The including file defines DART_GRANULE_LG2SZ: 14 (16K, every DART of
 * apple-dart.c) or 12 (4K, DART v1 only: a v2 entry drops address bits 13:12,
 * so neither a 4K page nor a 4K table can be described).
 *
 * The DART walks two levels of tables of one granule each: an L1 table, whose
 * entries point to L2 tables, and an L2 table whose entries are pages of the
 * granule. There are no block mappings: io-pgtable-dart maps exactly one size
 * (pgsize_bitmap is the granule alone) and only ever writes table entries in
 * L1, so the engine's level 1 has no leaf and level 0 only the granule.
 *
 * Above L1 the DART has no table in memory but up to four TTBR registers per
 * stream, selected by the IOVA bits above what one L1 table resolves
 * (io-pgtable-dart's "tbl" index): with 16K, bits 37:36; with 4K, bits 31:30.
 * The format models them as a top table at level 1 made of the L1 tables of
 * every TTBR, allocated together and contiguous, the way ARM stage 2
 * concatenates its top tables: TTBR i is the top's address plus i granules,
 * and the index the DART computes from the TTBR number and the L1 index is the
 * index into the concatenated table. hw_info gives the TTBR addresses. Every
 * TTBR is then valid from init on and never changes, as with io-pgtable-dart,
 * which allocates the L1 table of every TTBR at init. (A top level whose table
 * is the TTBR array itself, with the L1 tables below it allocated on the first
 * map, would change what the driver must program after attach.) With fewer
 * IOVA bits than one L1 table resolves (16K and a 32-bit IOVA: 128 entries)
 * the top is a single L1 table of which the low entries are used.
 *
 * Entry layouts (io-pgtable-dart.c's APPLE_DART*_ definitions):
 *
 *   both      bit 0 VALID; leaves: SUBPAGE_START 63:52 = 0 and SUBPAGE_END
 *	       51:40 = 0xfff (the whole page accessible)
 *   v1        address bits 35:12 in place (36-bit OA); leaves: bit 8
 *	       NO_READ, bit 7 NO_WRITE, bit 1 SP_DIS (sub-page protection off)
 *   v2        address bits 41:14 in bits 37:10 (address >> 4, 42-bit OA);
 *	       leaves: bit 3 NO_READ, bit 2 NO_WRITE, bit 1 NO_CACHE
 *
 * A table entry is the address and VALID. Both generations deny rather than
 * grant: a leaf has its NO_ bits set for what the prot does not allow.
 * 6.12 sets bit 1 (SP_DIS) on every leaf of both generations, which on v2 is
 * NO_CACHE, so every v2 leaf is non-cacheable there whatever IOMMU_CACHE
 * says; later kernels set SP_DIS on v1 only. This format does the same:
 * SP_DIS on v1, NO_CACHE on v2 leaves mapped without IOMMU_CACHE.
 *
 * Nothing says which table entry bits the DART ignores, so the engine keeps no
 * software bits in them (no PT_TABLE_FULL_BIT, PT_TABLE_SYNC_BIT), and the
 * DART has no dirty or access state.
 */
#ifndef __GENERIC_PT_FMT_DART_H
#define __GENERIC_PT_FMT_DART_H

#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define DARTPT_CFG_FEATURES \
	(BIT(PT_FEAT_DART_V2) | BIT(PT_FEAT_DMA_INCOHERENT))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES DARTPT_CFG_FEATURES

#include "../generic_pt/pt_defs.h"

#if DART_GRANULE_LG2SZ != 12 && DART_GRANULE_LG2SZ != 14
#error "DART_GRANULE_LG2SZ must be 12 or 14"
#endif

enum {
	/* Level 1 is L1 (and the TTBRs), level 0 is L2 */
	PT_MAX_TOP_LEVEL = 1,
	PT_GRANULE_LG2SZ = DART_GRANULE_LG2SZ,
	PT_TABLEMEM_LG2SZ = DART_GRANULE_LG2SZ,
	DARTPT_ITEMS_LG2 = DART_GRANULE_LG2SZ - 3,
	/* Up to 4 TTBRs: 4 concatenated L1 tables */
	DARTPT_MAX_TTBRS_LG2 = 2,
	DARTPT_V1_MAX_OA_LG2 = 36,
	DARTPT_V2_MAX_OA_LG2 = 42,
};

#define DARTPT_FMT_VALID BIT_ULL(0)
#define DARTPT_FMT_SUBPAGE_START GENMASK_ULL(63, 52)
#define DARTPT_FMT_SUBPAGE_END GENMASK_ULL(51, 40)
/* DART v1 */
#define DARTPT_FMT_V1_OA GENMASK_ULL(35, 12)
#define DARTPT_FMT_V1_NO_READ BIT_ULL(8)
#define DARTPT_FMT_V1_NO_WRITE BIT_ULL(7)
#define DARTPT_FMT_V1_SP_DIS BIT_ULL(1)
/* DART v2: the address shifted right by 4 */
#define DARTPT_FMT_V2_OA GENMASK_ULL(37, 10)
#define DARTPT_FMT_V2_OA_SHIFT 4
#define DARTPT_FMT_V2_NO_READ BIT_ULL(3)
#define DARTPT_FMT_V2_NO_WRITE BIT_ULL(2)
#define DARTPT_FMT_V2_NO_CACHE BIT_ULL(1)

/* Whether the table has the v2 layout: a constant false with 4K */
static __always_inline bool dartpt_v2(const struct pt_common *common)
{
	return PT_GRANULE_LG2SZ == 14 && pt_feature(common, PT_FEAT_DART_V2);
}

static __always_inline u64 dartpt_oa_to_word(const struct pt_common *common,
					     pt_oaddr_t oa)
{
	if (dartpt_v2(common))
		return (oa >> DARTPT_FMT_V2_OA_SHIFT) & DARTPT_FMT_V2_OA;
	return oa & DARTPT_FMT_V1_OA;
}

static __always_inline pt_oaddr_t
dartpt_word_to_oa(const struct pt_common *common, u64 entry)
{
	if (dartpt_v2(common))
		return (pt_oaddr_t)(entry & DARTPT_FMT_V2_OA)
		       << DARTPT_FMT_V2_OA_SHIFT;
	return entry & DARTPT_FMT_V1_OA;
}

static __always_inline unsigned int
dartpt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ + DARTPT_ITEMS_LG2 * pts->level;
}

#define pt_table_item_lg2sz dartpt_table_item_lg2sz

/*
 * The top holds what the IOVA size needs: fewer items than an L1 table, or
 * the L1 tables of 2 or 4 TTBRs
 */
static __always_inline unsigned int
dartpt_num_items_lg2(const struct pt_state *pts)
{
	if (pts->level == pts->range->top_level)
		return pts->range->common->max_vasz_lg2 -
		       dartpt_table_item_lg2sz(pts);
	return DARTPT_ITEMS_LG2;
}

#define pt_num_items_lg2 dartpt_num_items_lg2

/* Pages in L2 only */
static __always_inline bool dartpt_can_have_leaf(const struct pt_state *pts)
{
	return pts->level == 0;
}

#define pt_can_have_leaf dartpt_can_have_leaf

static __always_inline enum pt_entry_type
dartpt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & DARTPT_FMT_VALID))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0)
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw dartpt_load_entry_raw

static __always_inline pt_oaddr_t dartpt_entry_oa(const struct pt_state *pts)
{
	return dartpt_word_to_oa(pts->range->common, pts->entry);
}

#define pt_entry_oa dartpt_entry_oa

static __always_inline pt_oaddr_t dartpt_table_pa(const struct pt_state *pts)
{
	return dartpt_word_to_oa(pts->range->common, pts->entry);
}

#define pt_table_pa dartpt_table_pa

static __always_inline u64
dartpt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
		      unsigned int oasz_lg2, const struct pt_write_attrs *attrs,
		      unsigned int i)
{
	return attrs->descriptor_bits | dartpt_oa_to_word(pts->range->common, oa);
}

#define pt_leaf_item_word dartpt_leaf_item_word

/*
 * The address field is linear in the output address for both layouts (in
 * place, or shifted right by 4), so consecutive pages differ by a constant
 */
#define PT_LEAF_OA_LINEAR_LG2 64

static __always_inline bool
dartpt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		     const struct pt_write_attrs *attrs)
{
	u64 entry = dartpt_oa_to_word(pts->range->common, table_pa) |
		    DARTPT_FMT_VALID;

	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table dartpt_install_table

/* Every bit but the address: VALID, the sub-page fields, the NO_ bits */
static __always_inline void
dartpt_attr_from_entry(const struct pt_state *pts, struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits =
		pts->entry & ~(dartpt_v2(pts->range->common) ?
				       DARTPT_FMT_V2_OA : DARTPT_FMT_V1_OA);
}

#define pt_attr_from_entry dartpt_attr_from_entry

static inline int dartpt_iommu_set_prot(struct pt_common *common,
					struct pt_write_attrs *attrs,
					unsigned int iommu_prot)
{
	/* The whole page: sub-pages 0 to 0xfff */
	u64 bits = DARTPT_FMT_VALID |
		   FIELD_PREP(DARTPT_FMT_SUBPAGE_START, 0) |
		   FIELD_PREP(DARTPT_FMT_SUBPAGE_END, 0xfff);

	/* As io-pgtable-dart: a page neither readable nor writable is refused */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (dartpt_v2(common)) {
		if (!(iommu_prot & IOMMU_READ))
			bits |= DARTPT_FMT_V2_NO_READ;
		if (!(iommu_prot & IOMMU_WRITE))
			bits |= DARTPT_FMT_V2_NO_WRITE;
		if (!(iommu_prot & IOMMU_CACHE))
			bits |= DARTPT_FMT_V2_NO_CACHE;
	} else {
		bits |= DARTPT_FMT_V1_SP_DIS;
		if (!(iommu_prot & IOMMU_READ))
			bits |= DARTPT_FMT_V1_NO_READ;
		if (!(iommu_prot & IOMMU_WRITE))
			bits |= DARTPT_FMT_V1_NO_WRITE;
	}
	/* IOMMU_NOEXEC, IOMMU_MMIO and IOMMU_PRIV have no encoding */
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot dartpt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int dartpt_iommu_fmt_init(struct pt_iommu_dart *table,
					const struct pt_iommu_dart_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;
	unsigned int vasz_lg2 = cfg->common.max_vasz_lg2;
	unsigned int oasz_lg2 = cfg->common.max_oasz_lg2;
	bool v2 = cfg->common.features & BIT(PT_FEAT_DART_V2);

	if (cfg->common.features & ~DARTPT_CFG_FEATURES)
		return -EOPNOTSUPP;
	/* A v2 entry has no address bits 13:12 */
	if (v2 && PT_GRANULE_LG2SZ != 14)
		return -EOPNOTSUPP;
	if (oasz_lg2 < 32 ||
	    oasz_lg2 > (v2 ? DARTPT_V2_MAX_OA_LG2 : DARTPT_V1_MAX_OA_LG2))
		return -EINVAL;
	/*
	 * apple-dart gives 32 bits (t8020, t6000) or what the t8110 reports,
	 * and io-pgtable-dart refuses more IOVA than output address bits and
	 * more than 4 TTBRs
	 */
	if (vasz_lg2 < 32 || vasz_lg2 > oasz_lg2 ||
	    vasz_lg2 > PT_GRANULE_LG2SZ + 2 * DARTPT_ITEMS_LG2 +
			       DARTPT_MAX_TTBRS_LG2)
		return -EINVAL;

	common->max_vasz_lg2 = vasz_lg2;
	common->max_oasz_lg2 = oasz_lg2;
	common->features = cfg->common.features;
	return 1;
}

#define pt_iommu_fmt_init dartpt_iommu_fmt_init

static inline void
dartpt_iommu_fmt_hw_info(struct pt_iommu_dart *table, phys_addr_t top_pa,
			 unsigned int top_level,
			 struct pt_iommu_dart_hw_info *info)
{
	unsigned int top_lg2 = table->iommu.common.max_vasz_lg2 -
			       (PT_GRANULE_LG2SZ + DARTPT_ITEMS_LG2);
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->n_ttbrs = 1;
	if (top_lg2 > DARTPT_ITEMS_LG2)
		info->n_ttbrs = 1U << (top_lg2 - DARTPT_ITEMS_LG2);
	for (i = 0; i != info->n_ttbrs; i++)
		info->ttbr[i] = top_pa + ((u64)i << PT_TABLEMEM_LG2SZ);
}

#define pt_iommu_fmt_hw_info dartpt_iommu_fmt_hw_info

/* The granule instantiations share the structures */
#define PT_FMT_TABLE pt_iommu_dart
#define PT_FMT_CFG pt_iommu_dart_cfg
#define PT_FMT_HW_INFO pt_iommu_dart_hw_info

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD IOMMU v1 (host) page table format.
 *
 * Up to six levels of 512 64-bit entries. Every entry has a 3-bit Next Level
 * field: in a table entry it is the hardware level (1 to 6) of the table
 * pointed at, in a leaf it is 0 for a page of the level's natural size, or 7
 * for a page of a larger power of two size, up to 256 items. Such a page is
 * written into every item it spans and its size is encoded in the address
 * field: the bits from 12 up to size_lg2 - 2 are ones and bit size_lg2 - 1 is
 * zero. Hardware level n is level n - 1 here.
 *
 * The IOVA is the full 64 bits with no sign extension; the output address
 * field is bits 51:12.
 *
 * With PT_AMDV1_MOCK defined before this header (fmt/iommu_amdv1_mock.c),
 * the same format has a 2K granule instead, for iommufd's selftest mock
 * domain (MOCK_IO_PAGE_SIZE is PAGE_SIZE / 2): level 0 items are 2K, level 1
 * items 1M, and so on. No hardware walks it. Table memory stays 4K (512
 * items) and table entries hold the table's address as the hardware
 * format does, but a leaf holds its output address shifted left by one
 * (AMDV1PT_OA_SHIFT), so that bit 11 of a 2K aligned address lands in the
 * address field above the Next Level bits; the output address has 51 bits.
 */
#ifndef __GENERIC_PT_FMT_AMDV1_H
#define __GENERIC_PT_FMT_AMDV1_H

#include <linux/bitfield.h>
#include <linux/container_of.h>
#include <linux/iommu.h>
#include <linux/mem_encrypt.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define AMDV1PT_CFG_FEATURES \
	(BIT(PT_FEAT_DYNAMIC_TOP) | BIT(PT_FEAT_DMA_INCOHERENT) | \
	 BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) | BIT(PT_FEAT_AMDV1_SME))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(AMDV1PT_CFG_FEATURES | BIT(PT_FEAT_OA_TABLE_XCHG) | \
	 BIT(PT_FEAT_OA_SIZE_CHANGE))

#include "../generic_pt/pt_defs.h"

enum {
	PT_MAX_TOP_LEVEL = 5,
#ifdef PT_AMDV1_MOCK
	PT_GRANULE_LG2SZ = 11,
	AMDV1PT_OA_SHIFT = 1,
#else
	PT_GRANULE_LG2SZ = 12,
	AMDV1PT_OA_SHIFT = 0,
#endif
	PT_TABLEMEM_LG2SZ = 12,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52 - AMDV1PT_OA_SHIFT,
	PT_MAX_VA_ADDRESS_LG2 = 64,
	/* Items a variable size page may span, as log2 */
	AMDV1PT_MAX_CONTIG_LG2 = 8,
	/*
	 * The largest page: smaller than the 52-bit output address space, as
	 * 6.12's AMD_IOMMU_PGSIZES has it (GENMASK_ULL(51, 12) ^ SZ_512G).
	 */
	AMDV1PT_MAX_PAGE_LG2 = 51,
	/*
	 * 512G pages do not work because of a hardware erratum (the comment
	 * of AMD_IOMMU_PGSIZES in drivers/iommu/amd/amd_iommu_types.h): the
	 * format never offers or writes one, a 512G range is two 256G pages.
	 */
	AMDV1PT_ERRATUM_512G_LG2 = 39,
};

/* Entry bits, from the AMD I/O Virtualization Technology specification */
#define AMDV1PT_FMT_PR BIT_ULL(0)
#define AMDV1PT_FMT_A BIT_ULL(5)
#define AMDV1PT_FMT_D BIT_ULL(6)
#define AMDV1PT_FMT_NEXT_LEVEL GENMASK_ULL(11, 9)
#define AMDV1PT_FMT_OA GENMASK_ULL(51, 12)
#define AMDV1PT_FMT_U BIT_ULL(59)
#define AMDV1PT_FMT_FC BIT_ULL(60)
#define AMDV1PT_FMT_IR BIT_ULL(61)
#define AMDV1PT_FMT_IW BIT_ULL(62)

/* Next Level values of leaves */
#define AMDV1PT_FMT_NL_DEFAULT 0
#define AMDV1PT_FMT_NL_SIZE 7

/*
 * No software bits budget: no bit of a PDE could be confirmed as ignored by
 * the IOMMU from the specification, and 6.12's amd_iommu_types.h names
 * none, so PT_TABLE_FULL_BIT and PT_TABLE_SYNC_BIT keep their default of
 * none (0) and the engine does without those notes here.
 */

/* What a leaf carries over when it is re-written: permissions and dirty */
#define AMDV1PT_LEAF_ATTRS                                     \
	(AMDV1PT_FMT_D | AMDV1PT_FMT_U | AMDV1PT_FMT_FC |       \
	 AMDV1PT_FMT_IR | AMDV1PT_FMT_IW)

/*
 * The memory encryption mask (the SME C-bit) that, with PT_FEAT_AMDV1_SME,
 * every table pointer and leaf address carries, as 6.12's driver writes
 * them with __sme_set() (iommu_virt_to_phys() for table pointers and the
 * DTE root, and every PTE of iommu_v1_map_pages()); decoding removes it
 * again. sme_me_mask in production; a test build may inject one through
 * the test hooks, UML and QEMU having no SME.
 */
static __always_inline u64 amdv1pt_sme(const struct pt_common *common)
{
	if (!pt_feature(common, PT_FEAT_AMDV1_SME))
		return 0;
#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST)
	{
		const struct pt_iommu *iommu =
			container_of(common, struct pt_iommu, common);

		if (iommu->test && iommu->test->sme_mask)
			return iommu->test->sme_mask;
	}
#endif
	return __sme_set(0ULL);
}

/* Every level has 512 items of 8 bytes; level 0 items are 4K (mock: 2K) */
static __always_inline unsigned int
amdv1pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(sizeof(u64))) * pts->level;
}

#define pt_table_item_lg2sz amdv1pt_table_item_lg2sz

static __always_inline enum pt_entry_type
amdv1pt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);
	unsigned int nl;

	pts->entry = entry;
	if (!(entry & AMDV1PT_FMT_PR))
		return PT_ENTRY_EMPTY;
	nl = FIELD_GET(AMDV1PT_FMT_NEXT_LEVEL, entry);
	if (pts->level == 0 || nl == AMDV1PT_FMT_NL_DEFAULT ||
	    nl == AMDV1PT_FMT_NL_SIZE)
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw amdv1pt_load_entry_raw

static __always_inline unsigned int
amdv1pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	u64 entry = pts->entry;
	unsigned int size_lg2;

	if (FIELD_GET(AMDV1PT_FMT_NEXT_LEVEL, entry) != AMDV1PT_FMT_NL_SIZE)
		return 0;
	/*
	 * The lowest zero bit of the output address is size_lg2 - 1; the
	 * address field starts at the granule (shifted with the mock).
	 */
	size_lg2 = oaffz(FIELD_GET(AMDV1PT_FMT_OA, entry)) +
		   PT_GRANULE_LG2SZ + 1;
	return size_lg2 - pt_table_item_lg2sz(pts);
}

#define pt_entry_num_contig_lg2 amdv1pt_entry_num_contig_lg2

/* Present with Next Level 0: a page of the level's item size */
static __always_inline struct pt_word_test
amdv1pt_plain_leaf_test(const struct pt_state *pts)
{
	return (struct pt_word_test){
		.mask = AMDV1PT_FMT_PR | AMDV1PT_FMT_NEXT_LEVEL,
		.value = AMDV1PT_FMT_PR |
			 FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL,
				    AMDV1PT_FMT_NL_DEFAULT),
	};
}

#define pt_plain_leaf_test amdv1pt_plain_leaf_test

/*
 * The walker sets D in the item it used: the engine tests every item of a
 * run (AMD IOMMU specification, 2.2.3.2 Host Dirty Support)
 */
static __always_inline bool
amdv1pt_entry_write_is_dirty(const struct pt_state *pts)
{
	return pts->entry & AMDV1PT_FMT_D;
}

#define pt_entry_write_is_dirty amdv1pt_entry_write_is_dirty

static __always_inline void amdv1pt_entry_make_write_clean(struct pt_state *pts)
{
	unsigned int nc_lg2 = amdv1pt_entry_num_contig_lg2(pts);
	unsigned int first = log2_set_mod(pts->index, 0, nc_lg2);
	unsigned int i;

	if (!nc_lg2) {
		pt_table_update_bits_from(pts->table, pts->index, pts->entry,
					  AMDV1PT_FMT_D, 0);
		return;
	}
	for (i = first; i != first + (1U << nc_lg2); i++)
		pt_table_update_bits_from(pts->table, i,
					  pt_table_read(pts->table, i),
					  AMDV1PT_FMT_D, 0);
}

#define pt_entry_make_write_clean amdv1pt_entry_make_write_clean

/* What the walker does on a write through the item at pts->index */
static __always_inline void amdv1pt_entry_make_write_dirty(struct pt_state *pts)
{
	pt_table_update_bits(pts->table, pts->index, AMDV1PT_FMT_D,
			     AMDV1PT_FMT_D);
}

#define pt_entry_make_write_dirty amdv1pt_entry_make_write_dirty

static __always_inline pt_oaddr_t amdv1pt_entry_oa(const struct pt_state *pts)
{
	u64 oa = (pts->entry & AMDV1PT_FMT_OA &
		  ~amdv1pt_sme(pts->range->common)) >> AMDV1PT_OA_SHIFT;

	return oalog2_set_mod(oa, 0,
			      pt_table_item_lg2sz(pts) +
				      amdv1pt_entry_num_contig_lg2(pts));
}

#define pt_entry_oa amdv1pt_entry_oa

static __always_inline pt_oaddr_t amdv1pt_table_pa(const struct pt_state *pts)
{
	return pts->entry & AMDV1PT_FMT_OA & ~amdv1pt_sme(pts->range->common);
}

#define pt_table_pa amdv1pt_table_pa

/*
 * The item size times 2^0 to 2^8, up to the output address size and 2^51,
 * without 512G: level 3 (512G items) has 1T to 128T pages only.
 */
static __always_inline u64 amdv1pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned int max_lg2 = min3(isz_lg2 + AMDV1PT_MAX_CONTIG_LG2,
				    (unsigned int)pts->range->common->max_oasz_lg2,
				    (unsigned int)AMDV1PT_MAX_PAGE_LG2);

	if (isz_lg2 > max_lg2)
		return 0;
	return GENMASK_ULL(max_lg2, isz_lg2) &
	       ~BIT_ULL(AMDV1PT_ERRATUM_512G_LG2);
}

#define pt_possible_sizes amdv1pt_possible_sizes

/*
 * A leaf fits where a size does: not at level 5 (2^57 items), nor at a level
 * whose items are larger than the output address space or 2^51
 */
static __always_inline bool amdv1pt_can_have_leaf(const struct pt_state *pts)
{
	return amdv1pt_possible_sizes(pts);
}

#define pt_can_have_leaf amdv1pt_can_have_leaf

/* Every item of a variable size page holds the same word */
static __always_inline u64
amdv1pt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
		       unsigned int oasz_lg2,
		       const struct pt_write_attrs *attrs, unsigned int i)
{
	u64 entry = AMDV1PT_FMT_PR | attrs->descriptor_bits;
	u64 sme = amdv1pt_sme(pts->range->common);

	/* The mask is above the size bits, every OA is below it */
	if (oasz_lg2 == pt_table_item_lg2sz(pts))
		return entry |
		       FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL,
				  AMDV1PT_FMT_NL_DEFAULT) |
		       (((oa << AMDV1PT_OA_SHIFT) | sme) & AMDV1PT_FMT_OA);
	return entry |
	       FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL, AMDV1PT_FMT_NL_SIZE) |
	       ((((oa | oalog2_to_max_int(oasz_lg2 - 1)) << AMDV1PT_OA_SHIFT) |
		 sme) & AMDV1PT_FMT_OA);
}

#define pt_leaf_item_word amdv1pt_leaf_item_word

/* The OA is in place; the items of a contiguous run are all the same */
#define PT_LEAF_OA_LINEAR_LG2 64

static __always_inline bool
amdv1pt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		      const struct pt_write_attrs *attrs)
{
	/*
	 * Permissions are the AND of every level, so a table entry grants
	 * everything and the leaf decides.
	 */
	u64 entry = AMDV1PT_FMT_PR | AMDV1PT_FMT_IR | AMDV1PT_FMT_IW |
		    FIELD_PREP(AMDV1PT_FMT_NEXT_LEVEL, pts->level) |
		    ((table_pa | amdv1pt_sme(pts->range->common)) &
		     AMDV1PT_FMT_OA);

	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table amdv1pt_install_table

static __always_inline void
amdv1pt_attr_from_entry(const struct pt_state *pts,
			struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry & AMDV1PT_LEAF_ATTRS;
}

#define pt_attr_from_entry amdv1pt_attr_from_entry

static inline int amdv1pt_iommu_set_prot(struct pt_common *common,
					 struct pt_write_attrs *attrs,
					 unsigned int iommu_prot)
{
	u64 bits = 0;

	/*
	 * A present leaf that allows neither reads nor writes serves no one;
	 * refused like the other formats (and 6.12's iommu_v1_map_pages()).
	 */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (iommu_prot & IOMMU_READ)
		bits |= AMDV1PT_FMT_IR;
	if (iommu_prot & IOMMU_WRITE)
		bits |= AMDV1PT_FMT_IW;
	/*
	 * Force Coherent: the access snoops whatever the device asks for. On
	 * every leaf with PT_FEAT_AMDV1_FORCE_COHERENCE, which a driver's
	 * enforce_cache_coherency relies on; else as IOMMU_CACHE asks.
	 */
	if ((iommu_prot & IOMMU_CACHE) ||
	    pt_feature(common, PT_FEAT_AMDV1_FORCE_COHERENCE))
		bits |= AMDV1PT_FMT_FC;
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot amdv1pt_iommu_set_prot

/* Format specific part of init. Return: the level of the first top table */
static inline int amdv1pt_iommu_fmt_init(struct pt_iommu_amdv1 *table,
					 const struct pt_iommu_amdv1_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;
	unsigned int vasz_lg2 = cfg->common.max_vasz_lg2;
	unsigned int levels;

	if (vasz_lg2 < 21 || vasz_lg2 > PT_MAX_VA_ADDRESS_LG2 ||
	    cfg->common.max_oasz_lg2 < 32 ||
	    cfg->common.max_oasz_lg2 > PT_MAX_OUTPUT_ADDRESS_LG2)
		return -EINVAL;
	if (cfg->common.features & ~AMDV1PT_CFG_FEATURES)
		return -EOPNOTSUPP;

	common->max_vasz_lg2 = vasz_lg2;
	common->max_oasz_lg2 = cfg->common.max_oasz_lg2;
	/*
	 * The IOMMU tolerates a leaf replaced by a table mapping the same
	 * addresses, and variable size pages changing size, without
	 * break-before-make.
	 */
	common->features = cfg->common.features | BIT(PT_FEAT_OA_TABLE_XCHG) |
			   BIT(PT_FEAT_OA_SIZE_CHANGE);
	/*
	 * The encryption mask is an address bit above every output address
	 * (an SME host's C-bit is above its reduced physical address space):
	 * else it could not be told from the address, nor the size of a Next
	 * Level 7 page from it.
	 */
	if (amdv1pt_sme(common) &
	    (~AMDV1PT_FMT_OA | oalog2_to_max_int(common->max_oasz_lg2)))
		return -EINVAL;

	/* Levels needed to cover the whole IOVA space */
	levels = DIV_ROUND_UP(vasz_lg2 - PT_GRANULE_LG2SZ,
			      PT_TABLEMEM_LG2SZ - ilog2(sizeof(u64)));
	if (pt_feature(common, PT_FEAT_DYNAMIC_TOP)) {
		if (cfg->starting_level < 1 || cfg->starting_level > 6)
			return -EINVAL;
		levels = min(levels, cfg->starting_level);
	}
	return levels - 1;
}

#define pt_iommu_fmt_init amdv1pt_iommu_fmt_init

static inline void
amdv1pt_iommu_fmt_hw_info(struct pt_iommu_amdv1 *table, phys_addr_t top_pa,
			  unsigned int top_level,
			  struct pt_iommu_amdv1_hw_info *info)
{
	info->host_pt_root = top_pa | amdv1pt_sme(&table->iommu.common);
	info->mode = top_level + 1;
}

#define pt_iommu_fmt_hw_info amdv1pt_iommu_fmt_hw_info

#endif

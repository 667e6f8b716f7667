/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-d second-stage page table format (called second-level in the
 * VT-d specification before revision 3.2), as the intel-iommu driver uses it
 * for paging domains in legacy and scalable mode.
 *
 * 3, 4 or 5 levels (39-, 48- or 57-bit IOVA) of 512 entries, no sign
 * extension. Leaves are 4K (level 0), and where the unit reports them in
 * CAP_REG.SLLPS, 2M (level 1, PS set) and 1G (level 2, PS set). There is no
 * present bit: an entry is present when it grants read or write (or
 * execute, which the format never sets). Output addresses are bits 51:12,
 * limited to the unit's host address width. Accessed (bit 8) and dirty
 * (bit 9) exist only on a unit with second-stage A/D support
 * (PT_FEAT_VTDSS_SSADS); elsewhere the format leaves them zero, as the 6.12
 * intel-iommu driver writes second-stage entries.
 */
#ifndef __GENERIC_PT_FMT_VTDSS_H
#define __GENERIC_PT_FMT_VTDSS_H

#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define VTDSSPT_CFG_FEATURES \
	(BIT(PT_FEAT_VTDSS_2M_PAGES) | BIT(PT_FEAT_VTDSS_1G_PAGES) | \
	 BIT(PT_FEAT_VTDSS_FORCE_COHERENCE) | BIT(PT_FEAT_VTDSS_SSADS) | \
	 BIT(PT_FEAT_DMA_INCOHERENT))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(VTDSSPT_CFG_FEATURES | BIT(PT_FEAT_OA_TABLE_XCHG))

#include "../generic_pt/pt_defs.h"

enum {
	PT_MAX_TOP_LEVEL = 4,
	PT_GRANULE_LG2SZ = 12,
	PT_TABLEMEM_LG2SZ = 12,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52,
};

/*
 * Entry bits, from the VT-d specification's second-stage paging entry
 * formats (SS-PML5E, SS-PML4E, SS-PDPE, SS-PDE, SS-PTE)
 */
#define VTDSS_FMT_R BIT_ULL(0)		/* Read */
#define VTDSS_FMT_W BIT_ULL(1)		/* Write */
#define VTDSS_FMT_X BIT_ULL(2)		/* Execute; never written here */
#define VTDSS_FMT_PS BIT_ULL(7)		/* Page size: a PDPE or PDE maps a page */
#define VTDSS_FMT_A BIT_ULL(8)		/* Accessed, set by a unit with A/D on */
#define VTDSS_FMT_D BIT_ULL(9)		/* Dirty, leaves only, likewise */
#define VTDSS_FMT_SNP BIT_ULL(11)	/* Snoop, leaves, with ECAP_REG.SC */
#define VTDSS_FMT_OA GENMASK_ULL(51, 12)

/* What a leaf carries over when it is re-written: permissions, A, D, SNP */
#define VTDSS_LEAF_ATTRS \
	(VTDSS_FMT_R | VTDSS_FMT_W | VTDSS_FMT_A | VTDSS_FMT_D | VTDSS_FMT_SNP)

/* Every level has 512 items of 8 bytes; level 0 items are 4K */
static __always_inline unsigned int
vtdsspt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(sizeof(u64))) * pts->level;
}

#define pt_table_item_lg2sz vtdsspt_table_item_lg2sz

static __always_inline enum pt_entry_type
vtdsspt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & (VTDSS_FMT_R | VTDSS_FMT_W)))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 || (pts->level <= 2 && (entry & VTDSS_FMT_PS)))
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw vtdsspt_load_entry_raw

/*
 * R, and PS above level 0; no leaf above level 2. A write-only leaf fails
 * the test and is classified as usual.
 */
static __always_inline struct pt_word_test
vtdsspt_plain_leaf_test(const struct pt_state *pts)
{
	if (pts->level == 0)
		return (struct pt_word_test){ .mask = VTDSS_FMT_R,
					      .value = VTDSS_FMT_R };
	if (pts->level > 2)
		return (struct pt_word_test){};
	return (struct pt_word_test){
		.mask = VTDSS_FMT_R | VTDSS_FMT_PS,
		.value = VTDSS_FMT_R | VTDSS_FMT_PS,
	};
}

#define pt_plain_leaf_test vtdsspt_plain_leaf_test

static __always_inline pt_oaddr_t vtdsspt_entry_oa(const struct pt_state *pts)
{
	return oalog2_set_mod(pts->entry & VTDSS_FMT_OA, 0,
			      pt_table_item_lg2sz(pts));
}

#define pt_entry_oa vtdsspt_entry_oa

static __always_inline pt_oaddr_t vtdsspt_table_pa(const struct pt_state *pts)
{
	return pts->entry & VTDSS_FMT_OA;
}

#define pt_table_pa vtdsspt_table_pa

/* Level 1 and 2 leaves only where the unit has them (SLLPS) */
static __always_inline bool vtdsspt_can_have_leaf(const struct pt_state *pts)
{
	switch (pts->level) {
	case 0:
		return true;
	case 1:
		return pts_feature(pts, PT_FEAT_VTDSS_2M_PAGES);
	case 2:
		return pts_feature(pts, PT_FEAT_VTDSS_1G_PAGES);
	default:
		return false;
	}
}

#define pt_can_have_leaf vtdsspt_can_have_leaf

static __always_inline u64
vtdsspt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
		       unsigned int oasz_lg2,
		       const struct pt_write_attrs *attrs, unsigned int i)
{
	u64 entry = attrs->descriptor_bits | (oa & VTDSS_FMT_OA);

	if (pts->level != 0)
		entry |= VTDSS_FMT_PS;
	return entry;
}

#define pt_leaf_item_word vtdsspt_leaf_item_word

/* The OA is in place */
#define PT_LEAF_OA_LINEAR_LG2 64

static __always_inline bool
vtdsspt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		      const struct pt_write_attrs *attrs)
{
	/*
	 * Access rights are the intersection of every level: a table entry
	 * grants read and write, the leaf decides. With A/D tracking A is
	 * preset so that the unit has nothing to write back here.
	 */
	u64 entry = VTDSS_FMT_R | VTDSS_FMT_W | (table_pa & VTDSS_FMT_OA);

	if (pts_feature(pts, PT_FEAT_VTDSS_SSADS))
		entry |= VTDSS_FMT_A;
	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table vtdsspt_install_table

/*
 * The software bits budget of an entry that references a table: the
 * specification's non-leaf entries ignore bits 6:3, 10:9, 61:52 and 63
 * (bit 7 must be 0, bit 8 is A where the unit tracks accesses, bit 11 and
 * bit 62 are reserved). The engine uses bits 9 and 10: PT_TABLE_FULL_BIT
 * and PT_TABLE_SYNC_BIT. pt_load_entry_raw() classifies by R, W and PS and
 * pt_table_pa() takes the address bits only, so both ignore them. Leaves
 * have no software bit of the engine's (their bit 9 is D).
 */
#define VTDSS_FMT_TABLE_IGNORED (BIT_ULL(9) | BIT_ULL(10))
#define PT_TABLE_FULL_BIT BIT_ULL(9)
#define PT_TABLE_SYNC_BIT BIT_ULL(10)
static_assert(!(PT_TABLE_FULL_BIT & ~VTDSS_FMT_TABLE_IGNORED));
static_assert(!(PT_TABLE_SYNC_BIT & ~VTDSS_FMT_TABLE_IGNORED));

static __always_inline void
vtdsspt_attr_from_entry(const struct pt_state *pts,
			struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry & VTDSS_LEAF_ATTRS;
}

#define pt_attr_from_entry vtdsspt_attr_from_entry

/*
 * Dirty tracking: a unit with second-stage access/dirty tracking enabled
 * (ECAP_REG.SSADS, SSADE in the scalable-mode PASID entry) sets D in the
 * leaf it translated a write with. Clearing it races only with the unit
 * setting it again, so it is an atomic update of that bit.
 */
static __always_inline bool
vtdsspt_entry_write_is_dirty(const struct pt_state *pts)
{
	return pts->entry & VTDSS_FMT_D;
}

#define pt_entry_write_is_dirty vtdsspt_entry_write_is_dirty

static __always_inline void vtdsspt_entry_make_write_clean(struct pt_state *pts)
{
	pt_table_update_bits_from(pts->table, pts->index, pts->entry,
				  VTDSS_FMT_D, 0);
}

#define pt_entry_make_write_clean vtdsspt_entry_make_write_clean

/* Only a unit with second-stage A/D support keeps dirty state */
static __always_inline bool
vtdsspt_dirty_supported(const struct pt_common *common)
{
	return pt_feature(common, PT_FEAT_VTDSS_SSADS);
}

#define pt_dirty_supported vtdsspt_dirty_supported

static inline int vtdsspt_iommu_set_prot(struct pt_common *common,
					 struct pt_write_attrs *attrs,
					 unsigned int iommu_prot)
{
	u64 bits = 0;

	/* R = W = 0 is a non-present entry: nothing to map */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (iommu_prot & IOMMU_READ)
		bits |= VTDSS_FMT_R;
	if (iommu_prot & IOMMU_WRITE)
		bits |= VTDSS_FMT_W;
	/*
	 * SNP makes the unit snoop whatever the request says; it is reserved
	 * without Snoop Control, so only the feature sets it, on every leaf
	 * (IOMMU_CACHE does not, as in 6.12). IOMMU_NOEXEC needs nothing: X is
	 * never set. IOMMU_MMIO has no encoding in the second stage (the
	 * memory type comes from the first stage or the host).
	 */
	if (pt_feature(common, PT_FEAT_VTDSS_FORCE_COHERENCE))
		bits |= VTDSS_FMT_SNP;
	/*
	 * A is preset where the unit tracks accesses, so it never writes it
	 * back; D is left clear, the unit sets it on the first write, and a
	 * fresh mapping reads clean as on AMD v1.
	 */
	if (pt_feature(common, PT_FEAT_VTDSS_SSADS))
		bits |= VTDSS_FMT_A;
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot vtdsspt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int vtdsspt_iommu_fmt_init(struct pt_iommu_vtdss *table,
					 const struct pt_iommu_vtdss_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;

	if (cfg->common.max_oasz_lg2 < 32 ||
	    cfg->common.max_oasz_lg2 > PT_MAX_OUTPUT_ADDRESS_LG2)
		return -EINVAL;
	if (cfg->common.features & ~VTDSSPT_CFG_FEATURES)
		return -EOPNOTSUPP;
	/*
	 * The unit's A/D updates need coherent page walks (6.12 offers
	 * dirty tracking only with ECAP_REG.SMPWC too), and the CPU could not
	 * read them back from an incoherent table anyway
	 */
	if ((cfg->common.features & BIT(PT_FEAT_VTDSS_SSADS)) &&
	    (cfg->common.features & BIT(PT_FEAT_DMA_INCOHERENT)))
		return -EOPNOTSUPP;

	common->max_oasz_lg2 = cfg->common.max_oasz_lg2;
	/* A large page may be replaced by a table mapping the same addresses */
	common->features = cfg->common.features | BIT(PT_FEAT_OA_TABLE_XCHG);
	/* The adjusted guest address widths of SAGAW: 39, 48 and 57 bits */
	switch (cfg->common.max_vasz_lg2) {
	case 39:
		common->max_vasz_lg2 = 39;
		return 2;
	case 48:
		common->max_vasz_lg2 = 48;
		return 3;
	case 57:
		common->max_vasz_lg2 = 57;
		return 4;
	default:
		return -EINVAL;
	}
}

#define pt_iommu_fmt_init vtdsspt_iommu_fmt_init

static inline void
vtdsspt_iommu_fmt_hw_info(struct pt_iommu_vtdss *table, phys_addr_t top_pa,
			  unsigned int top_level,
			  struct pt_iommu_vtdss_hw_info *info)
{
	info->ssptptr = top_pa;
	/* AW of a context entry, SAW of a PASID entry: 1, 2, 3 for 3-5 levels */
	info->aw = top_level - 1;
}

#define pt_iommu_fmt_hw_info vtdsspt_iommu_fmt_hw_info

#endif

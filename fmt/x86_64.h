/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86-64 page table format, as walked by Intel VT-d first-stage translation
 * and by AMD IOMMU v2 page tables.
 *
 * 4 levels (48-bit IOVA) or 5 levels (57-bit IOVA) of 512 entries. The IOVA
 * is canonical: sign extended from its top bit, both halves usable. Leaves
 * are 4K (level 0), 2M (level 1, PS set) and, where the hardware has them,
 * 1G (level 2, PS set). Output addresses are bits 51:12; in a large page bit
 * 12 is the PAT bit, so the address starts at the page size.
 */
#ifndef __GENERIC_PT_FMT_X86_64_H
#define __GENERIC_PT_FMT_X86_64_H

#include <linux/bitfield.h>
#include <linux/container_of.h>
#include <linux/iommu.h>
#include <linux/mem_encrypt.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define X86_64PT_CFG_FEATURES \
	(BIT(PT_FEAT_X86_64_1G_PAGES) | BIT(PT_FEAT_X86_64_XD) | \
	 BIT(PT_FEAT_X86_64_SME) | BIT(PT_FEAT_DMA_INCOHERENT) | \
	 BIT(PT_FEAT_SIGN_EXTEND))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(X86_64PT_CFG_FEATURES | BIT(PT_FEAT_OA_TABLE_XCHG))

#include "../generic_pt/pt_defs.h"

enum {
	PT_MAX_TOP_LEVEL = 4,
	PT_GRANULE_LG2SZ = 12,
	PT_TABLEMEM_LG2SZ = 12,
	PT_MAX_OUTPUT_ADDRESS_LG2 = 52,
};

/* Entry bits, from the Intel SDM volume 3 paging chapter */
#define X86_64_FMT_P BIT_ULL(0)
#define X86_64_FMT_RW BIT_ULL(1)
#define X86_64_FMT_US BIT_ULL(2)
#define X86_64_FMT_PWT BIT_ULL(3)
#define X86_64_FMT_PCD BIT_ULL(4)
#define X86_64_FMT_A BIT_ULL(5)
#define X86_64_FMT_D BIT_ULL(6)
#define X86_64_FMT_PS BIT_ULL(7)
#define X86_64_FMT_OA GENMASK_ULL(51, 12)
#define X86_64_FMT_XD BIT_ULL(63)

#define X86_64_LEAF_ATTRS                                                 \
	(X86_64_FMT_RW | X86_64_FMT_US | X86_64_FMT_PWT | X86_64_FMT_PCD | \
	 X86_64_FMT_A | X86_64_FMT_D | X86_64_FMT_XD)

/*
 * The memory encryption mask (the SME C-bit) that, with PT_FEAT_X86_64_SME,
 * every table pointer and page address carries, as 6.12's AMD v2 tables
 * are written (io_pgtable_v2.c: iommu_virt_to_phys() for tables and the
 * GCR3 root, __sme_set() for every page); decoding removes it again.
 * sme_me_mask in production; a test build may inject one through the test
 * hooks, UML and QEMU having no SME.
 */
static __always_inline u64 x86_64pt_sme(const struct pt_common *common)
{
	if (!pt_feature(common, PT_FEAT_X86_64_SME))
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

/* Every level has 512 items of 8 bytes; level 0 items are 4K */
static __always_inline unsigned int
x86_64pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(sizeof(u64))) * pts->level;
}

#define pt_table_item_lg2sz x86_64pt_table_item_lg2sz

static __always_inline enum pt_entry_type
x86_64pt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & X86_64_FMT_P))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 || (pts->level <= 2 && (entry & X86_64_FMT_PS)))
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw x86_64pt_load_entry_raw

/* P, and PS above level 0; no leaf above level 2 */
static __always_inline struct pt_word_test
x86_64pt_plain_leaf_test(const struct pt_state *pts)
{
	if (pts->level == 0)
		return (struct pt_word_test){ .mask = X86_64_FMT_P,
					      .value = X86_64_FMT_P };
	if (pts->level > 2)
		return (struct pt_word_test){};
	return (struct pt_word_test){
		.mask = X86_64_FMT_P | X86_64_FMT_PS,
		.value = X86_64_FMT_P | X86_64_FMT_PS,
	};
}

#define pt_plain_leaf_test x86_64pt_plain_leaf_test

static __always_inline pt_oaddr_t x86_64pt_entry_oa(const struct pt_state *pts)
{
	return oalog2_set_mod(pts->entry & X86_64_FMT_OA &
				      ~x86_64pt_sme(pts->range->common),
			      0, pt_table_item_lg2sz(pts));
}

#define pt_entry_oa x86_64pt_entry_oa

static __always_inline pt_oaddr_t x86_64pt_table_pa(const struct pt_state *pts)
{
	return pts->entry & X86_64_FMT_OA & ~x86_64pt_sme(pts->range->common);
}

#define pt_table_pa x86_64pt_table_pa

/*
 * The walker sets D (bit 6 of a leaf) on the first write through it (Intel
 * SDM paging, VT-d first stage; AMD IOMMU v2 tables alike)
 */
static __always_inline bool
x86_64pt_entry_write_is_dirty(const struct pt_state *pts)
{
	return pts->entry & X86_64_FMT_D;
}

#define pt_entry_write_is_dirty x86_64pt_entry_write_is_dirty

static __always_inline void
x86_64pt_entry_make_write_clean(struct pt_state *pts)
{
	pt_table_update_bits_from(pts->table, pts->index, pts->entry,
				  X86_64_FMT_D, 0);
}

#define pt_entry_make_write_clean x86_64pt_entry_make_write_clean

static __always_inline bool x86_64pt_can_have_leaf(const struct pt_state *pts)
{
	if (pts->level == 2)
		return pts_feature(pts, PT_FEAT_X86_64_1G_PAGES);
	return pts->level <= 1;
}

#define pt_can_have_leaf x86_64pt_can_have_leaf

static __always_inline u64
x86_64pt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
			unsigned int oasz_lg2,
			const struct pt_write_attrs *attrs, unsigned int i)
{
	u64 entry = X86_64_FMT_P | attrs->descriptor_bits |
		    ((oa | x86_64pt_sme(pts->range->common)) & X86_64_FMT_OA);

	if (pts->level != 0)
		entry |= X86_64_FMT_PS;
	return entry;
}

#define pt_leaf_item_word x86_64pt_leaf_item_word

/* The OA is in place */
#define PT_LEAF_OA_LINEAR_LG2 64

static __always_inline bool
x86_64pt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
		       const struct pt_write_attrs *attrs)
{
	/*
	 * Access rights are the intersection of every level: a table entry
	 * allows writes and user access, the leaf decides. A is set so the
	 * walker has nothing to write back.
	 */
	u64 entry = X86_64_FMT_P | X86_64_FMT_RW | X86_64_FMT_US |
		    X86_64_FMT_A |
		    ((table_pa | x86_64pt_sme(pts->range->common)) &
		     X86_64_FMT_OA);

	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table x86_64pt_install_table

/*
 * The software bits budget of an entry that references a table: bits 9 and
 * 11, which every walker of the format ignores. The Intel SDM's PML5E,
 * PML4E, PDPTE and PDE referencing a table ignore bits 6, 11:8 and 62:52
 * (bit 11 is the restart bit of HLAT paging, which only the CPU's VMX
 * uses); AMD64 long mode leaves bits 11:9 to software (AVL) in every
 * entry. Not bit 10: VT-d first stage sets it (EA, Extended-Accessed)
 * where the PASID entry enables EAFE. Not 62:52, which the AMD IOMMU's v2
 * walker is not confirmed to ignore.
 *
 * The engine uses both: PT_TABLE_FULL_BIT (bit 9) and PT_TABLE_SYNC_BIT
 * (bit 11). Leaves have no software bit of the engine's.
 * pt_load_entry_raw() classifies by P and PS and pt_table_pa() takes the
 * address bits only, so both ignore them.
 */
#define X86_64_FMT_TABLE_IGNORED (BIT_ULL(9) | BIT_ULL(11))
#define PT_TABLE_FULL_BIT BIT_ULL(9)
#define PT_TABLE_SYNC_BIT BIT_ULL(11)
static_assert(!(PT_TABLE_FULL_BIT & ~X86_64_FMT_TABLE_IGNORED));
static_assert(!(PT_TABLE_SYNC_BIT & ~X86_64_FMT_TABLE_IGNORED));

static __always_inline void
x86_64pt_attr_from_entry(const struct pt_state *pts,
			 struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry & X86_64_LEAF_ATTRS;
}

#define pt_attr_from_entry x86_64pt_attr_from_entry

static inline int x86_64pt_iommu_set_prot(struct pt_common *common,
					  struct pt_write_attrs *attrs,
					  unsigned int iommu_prot)
{
	/* US: the IOMMU checks DMA as a user access. A is preset. */
	u64 bits = X86_64_FMT_US | X86_64_FMT_A;

	/* A present entry is always readable; refuse what cannot be written */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	/* D is preset on writable pages, as the IOMMU drivers do */
	if (iommu_prot & IOMMU_WRITE)
		bits |= X86_64_FMT_RW | X86_64_FMT_D;
	/*
	 * XD is execute-disable only where the driver enabled it (NXE in the
	 * VT-d PASID entry, the GCR3 context of AMD v2), which
	 * PT_FEAT_X86_64_XD says; elsewhere bit 63 is reserved, a walk through
	 * it faults, and IOMMU_NOEXEC is accepted without it as in 6.12.
	 */
	if ((iommu_prot & IOMMU_NOEXEC) &&
	    pt_feature(common, PT_FEAT_X86_64_XD))
		bits |= X86_64_FMT_XD;
	/* Uncached (PAT entry 3 with the default PAT) for device memory */
	if (iommu_prot & IOMMU_MMIO)
		bits |= X86_64_FMT_PWT | X86_64_FMT_PCD;
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot x86_64pt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int x86_64pt_iommu_fmt_init(struct pt_iommu_x86_64 *table,
					  const struct pt_iommu_x86_64_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;

	if (cfg->common.max_oasz_lg2 < 32 ||
	    cfg->common.max_oasz_lg2 > PT_MAX_OUTPUT_ADDRESS_LG2)
		return -EINVAL;
	/* Always sign extended; asking for it explicitly is fine */
	if (cfg->common.features & ~X86_64PT_CFG_FEATURES)
		return -EOPNOTSUPP;

	common->max_oasz_lg2 = cfg->common.max_oasz_lg2;
	/* A large page may be replaced by a table mapping the same addresses */
	common->features = cfg->common.features | BIT(PT_FEAT_SIGN_EXTEND) |
			   BIT(PT_FEAT_OA_TABLE_XCHG);
	/*
	 * The encryption mask is an address bit above every output address
	 * (an SME host's C-bit is above its reduced physical address space),
	 * else it could not be told from the address.
	 */
	if (x86_64pt_sme(common) &
	    (~X86_64_FMT_OA | oalog2_to_max_int(common->max_oasz_lg2)))
		return -EINVAL;
	switch (cfg->common.max_vasz_lg2) {
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

#define pt_iommu_fmt_init x86_64pt_iommu_fmt_init

static inline void
x86_64pt_iommu_fmt_hw_info(struct pt_iommu_x86_64 *table, phys_addr_t top_pa,
			   unsigned int top_level,
			   struct pt_iommu_x86_64_hw_info *info)
{
	info->root_pa = top_pa | x86_64pt_sme(&table->iommu.common);
	info->levels = top_level + 1;
}

#define pt_iommu_fmt_hw_info x86_64pt_iommu_fmt_hw_info

#endif

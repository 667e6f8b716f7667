/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RISC-V Sv39, Sv48 and Sv57 page tables, as the RISC-V IOMMU walks them
 * for first-stage translation (the iosatp of a device or process context).
 *
 * 3, 4 or 5 levels of 512 entries; the IOVA is sign extended from its top
 * bit (bits 63 down to 39, 48 or 57 equal to the top bit, else a fault),
 * both halves usable. A valid entry (V) with R, W and X all clear points to
 * the next table; with any of them set it is a leaf, at any level: 4K, 2M,
 * 1G, 512G (Sv48 and Sv57) and 256T (Sv57). The physical page number is
 * in bits 53:10, so output addresses have up to 56 bits. With Svnapot a
 * 4K entry with N (bit 63) set and PPN[3:0] = 0b1000 is one of 16 entries
 * mapping a naturally aligned 64K range, the contiguous hint of this
 * format; with Svpbmt bits 62:61 override the memory type.
 */
#ifndef __GENERIC_PT_FMT_RISCV64_H
#define __GENERIC_PT_FMT_RISCV64_H

#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/generic_pt/iommu.h>

/* The features pt_iommu_fmt_init() accepts from the driver */
#define RISCV64PT_CFG_FEATURES \
	(BIT(PT_FEAT_RISCV64_SVNAPOT_64K) | BIT(PT_FEAT_RISCV64_SVPBMT) | \
	 BIT(PT_FEAT_RISCV64_HWAD) | BIT(PT_FEAT_DMA_INCOHERENT) | \
	 BIT(PT_FEAT_SIGN_EXTEND))
/* ... and those it sets itself: all a table can have, see pt_feature() */
#define PT_SUPPORTED_FEATURES \
	(RISCV64PT_CFG_FEATURES | BIT(PT_FEAT_OA_TABLE_XCHG) | \
	 BIT(PT_FEAT_OA_SIZE_CHANGE))

#include "../generic_pt/pt_defs.h"

enum {
	PT_MAX_TOP_LEVEL = 4,
	PT_GRANULE_LG2SZ = 12,
	PT_TABLEMEM_LG2SZ = 12,
	/* PPN bits 53:10 hold physical address bits 55:12 */
	PT_MAX_OUTPUT_ADDRESS_LG2 = 56,
	/* A 64K NAPOT run is 16 entries of 4K */
	RISCV64PT_NAPOT_LG2 = 4,
};

/*
 * Entry bits, from the RISC-V privileged specification ("Sv39", "Sv48",
 * "Sv57", "Svnapot", "Svpbmt") and arch/riscv/include/asm/pgtable-bits.h
 */
#define RISCV64PT_FMT_V BIT_ULL(0)	/* Valid */
#define RISCV64PT_FMT_R BIT_ULL(1)	/* Readable */
#define RISCV64PT_FMT_W BIT_ULL(2)	/* Writable (needs R) */
#define RISCV64PT_FMT_X BIT_ULL(3)	/* Executable */
#define RISCV64PT_FMT_U BIT_ULL(4)	/* User: unprivileged requests */
#define RISCV64PT_FMT_G BIT_ULL(5)	/* Global; never written here */
#define RISCV64PT_FMT_A BIT_ULL(6)	/* Accessed */
#define RISCV64PT_FMT_D BIT_ULL(7)	/* Dirty */
#define RISCV64PT_FMT_RSW GENMASK_ULL(9, 8)	/* Left to software */
#define RISCV64PT_FMT_PPN GENMASK_ULL(53, 10)
#define RISCV64PT_FMT_PBMT GENMASK_ULL(62, 61)	/* Svpbmt, leaves */
#define RISCV64PT_FMT_N BIT_ULL(63)	/* Svnapot, 4K leaves */

/* Svpbmt memory types: the PMA's, non-cacheable, I/O */
#define RISCV64PT_PBMT_PMA 0
#define RISCV64PT_PBMT_NC 1
#define RISCV64PT_PBMT_IO 2

#define RISCV64PT_FMT_LEAF_PERM \
	(RISCV64PT_FMT_R | RISCV64PT_FMT_W | RISCV64PT_FMT_X)
/* What a leaf carries over when it is re-written */
#define RISCV64PT_LEAF_ATTRS                                       \
	(RISCV64PT_FMT_LEAF_PERM | RISCV64PT_FMT_U | RISCV64PT_FMT_A | \
	 RISCV64PT_FMT_D | RISCV64PT_FMT_PBMT)

/* Every level has 512 items of 8 bytes; level 0 items are 4K */
static __always_inline unsigned int
riscv64pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(sizeof(u64))) * pts->level;
}

#define pt_table_item_lg2sz riscv64pt_table_item_lg2sz

/*
 * A leaf has R, W or X; a valid entry with none of them points to a table.
 * At level 0 there is no table to point to (the walker faults on such an
 * entry, which the engine never writes): it is taken as a leaf so that
 * nothing descends below the last level.
 */
static __always_inline enum pt_entry_type
riscv64pt_load_entry_raw(struct pt_state *pts)
{
	u64 entry = pt_table_read(pts->table, pts->index);

	pts->entry = entry;
	if (!(entry & RISCV64PT_FMT_V))
		return PT_ENTRY_EMPTY;
	if (pts->level == 0 || (entry & RISCV64PT_FMT_LEAF_PERM))
		return PT_ENTRY_OA;
	return PT_ENTRY_TABLE;
}

#define pt_load_entry_raw riscv64pt_load_entry_raw

/* A NAPOT run only at level 0, and only of 64K: the one Svnapot defines */
static __always_inline unsigned int
riscv64pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	if (pts->level == 0 && (pts->entry & RISCV64PT_FMT_N))
		return RISCV64PT_NAPOT_LG2;
	return 0;
}

#define pt_entry_num_contig_lg2 riscv64pt_entry_num_contig_lg2

/*
 * V and R without N. A leaf that is not readable (execute-only, which the
 * format does not write) fails the test and is classified as usual.
 */
static __always_inline struct pt_word_test
riscv64pt_plain_leaf_test(const struct pt_state *pts)
{
	return (struct pt_word_test){
		.mask = RISCV64PT_FMT_V | RISCV64PT_FMT_R | RISCV64PT_FMT_N,
		.value = RISCV64PT_FMT_V | RISCV64PT_FMT_R,
	};
}

#define pt_plain_leaf_test riscv64pt_plain_leaf_test

static __always_inline pt_oaddr_t riscv64pt_ppn_pa(u64 entry)
{
	return (pt_oaddr_t)FIELD_GET(RISCV64PT_FMT_PPN, entry)
	       << PT_GRANULE_LG2SZ;
}

/* PPN[3:0] of a NAPOT run is its size, not an address: cleared here */
static __always_inline pt_oaddr_t
riscv64pt_entry_oa(const struct pt_state *pts)
{
	return oalog2_set_mod(riscv64pt_ppn_pa(pts->entry), 0,
			      pt_table_item_lg2sz(pts) +
				      riscv64pt_entry_num_contig_lg2(pts));
}

#define pt_entry_oa riscv64pt_entry_oa

static __always_inline pt_oaddr_t
riscv64pt_table_pa(const struct pt_state *pts)
{
	return riscv64pt_ppn_pa(pts->entry);
}

#define pt_table_pa riscv64pt_table_pa

/*
 * 4K and, with Svnapot, 64K at level 0; the item size at every other level
 * the table has (512G only from Sv48 on, 256T only in Sv57)
 */
static __always_inline u64 riscv64pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned int oasz_lg2 = pts->range->common->max_oasz_lg2;
	u64 sizes = 0;

	if (isz_lg2 >= pts->range->common->max_vasz_lg2)
		return 0;
	if (isz_lg2 <= oasz_lg2)
		sizes |= BIT_ULL(isz_lg2);
	if (pts->level == 0 &&
	    pts_feature(pts, PT_FEAT_RISCV64_SVNAPOT_64K) &&
	    isz_lg2 + RISCV64PT_NAPOT_LG2 <= oasz_lg2)
		sizes |= BIT_ULL(isz_lg2 + RISCV64PT_NAPOT_LG2);
	return sizes;
}

#define pt_possible_sizes riscv64pt_possible_sizes

static __always_inline bool riscv64pt_can_have_leaf(const struct pt_state *pts)
{
	return riscv64pt_possible_sizes(pts);
}

#define pt_can_have_leaf riscv64pt_can_have_leaf

/*
 * Every entry of a NAPOT run holds the same word: N, and the PPN of the run
 * with PPN[3:0] = 0b1000, which the walker replaces by VPN[0][3:0].
 */
static __always_inline u64
riscv64pt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
			 unsigned int oasz_lg2,
			 const struct pt_write_attrs *attrs, unsigned int i)
{
	u64 ppn = oa >> PT_GRANULE_LG2SZ;

	if (oasz_lg2 != pt_table_item_lg2sz(pts))
		ppn |= BIT_ULL(RISCV64PT_NAPOT_LG2 - 1);
	return RISCV64PT_FMT_V | attrs->descriptor_bits |
	       FIELD_PREP(RISCV64PT_FMT_PPN, ppn) |
	       (oasz_lg2 != pt_table_item_lg2sz(pts) ? RISCV64PT_FMT_N : 0);
}

#define pt_leaf_item_word riscv64pt_leaf_item_word

/* The PPN is the OA in place; the entries of a NAPOT run are all the same */
#define PT_LEAF_OA_LINEAR_LG2 64

/*
 * A pointer to the next table: V and the PPN. The D, A and U bits of a
 * non-leaf entry are reserved (software must clear them), and so are N
 * and PBMT.
 */
static __always_inline bool
riscv64pt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
			const struct pt_write_attrs *attrs)
{
	u64 entry = RISCV64PT_FMT_V |
		    FIELD_PREP(RISCV64PT_FMT_PPN, table_pa >> PT_GRANULE_LG2SZ);

	if (!pt_table_cmpxchg(pts->table, pts->index, pts->entry, entry))
		return false;
	pts->entry = entry;
	return true;
}

#define pt_install_table riscv64pt_install_table

/*
 * The software bits budget: RSW, bits 9:8 of every entry, which the
 * specification reserves for supervisor software and every walker
 * ignores. The engine uses both in entries that point to tables:
 * PT_TABLE_FULL_BIT (bit 8) and PT_TABLE_SYNC_BIT (bit 9). Leaves have no
 * software bit of the engine's. pt_load_entry_raw() classifies by V, R, W
 * and X and pt_table_pa() takes the PPN only, so both ignore them.
 */
#define PT_TABLE_FULL_BIT BIT_ULL(8)
#define PT_TABLE_SYNC_BIT BIT_ULL(9)
static_assert(!(PT_TABLE_FULL_BIT & ~RISCV64PT_FMT_RSW));
static_assert(!(PT_TABLE_SYNC_BIT & ~RISCV64PT_FMT_RSW));

static __always_inline void
riscv64pt_attr_from_entry(const struct pt_state *pts,
			  struct pt_write_attrs *attrs)
{
	attrs->descriptor_bits = pts->entry & RISCV64PT_LEAF_ATTRS;
}

#define pt_attr_from_entry riscv64pt_attr_from_entry

/*
 * Dirty tracking, with PT_FEAT_RISCV64_HWAD only: the IOMMU sets D (with an
 * atomic update) in the entry it translated a write through; for a NAPOT
 * run that may be any of its 16 entries, so all are tested and cleared.
 */
static __always_inline bool
riscv64pt_entry_write_is_dirty(const struct pt_state *pts)
{
	return pts->entry & RISCV64PT_FMT_D;
}

#define pt_entry_write_is_dirty riscv64pt_entry_write_is_dirty

static __always_inline void
riscv64pt_entry_make_write_clean(struct pt_state *pts)
{
	unsigned int nc_lg2 = riscv64pt_entry_num_contig_lg2(pts);
	unsigned int first = log2_set_mod(pts->index, 0, nc_lg2);
	unsigned int i;

	if (!nc_lg2) {
		pt_table_update_bits_from(pts->table, pts->index, pts->entry,
					  RISCV64PT_FMT_D, 0);
		return;
	}
	for (i = first; i != first + (1U << nc_lg2); i++)
		pt_table_update_bits_from(pts->table, i,
					  pt_table_read(pts->table, i),
					  RISCV64PT_FMT_D, 0);
}

#define pt_entry_make_write_clean riscv64pt_entry_make_write_clean

/*
 * Without hardware A/D updates D is preset on every writable leaf (the
 * IOMMU faults a write through a leaf without D), so there is nothing to
 * read; clearing it would make the next write fault.
 */
static __always_inline bool
riscv64pt_dirty_supported(const struct pt_common *common)
{
	return pt_feature(common, PT_FEAT_RISCV64_HWAD);
}

#define pt_dirty_supported riscv64pt_dirty_supported

static inline int riscv64pt_iommu_set_prot(struct pt_common *common,
					   struct pt_write_attrs *attrs,
					   unsigned int iommu_prot)
{
	/*
	 * A is preset: without hardware A/D updates the IOMMU faults on a
	 * leaf without it, with them there is then nothing to write back.
	 */
	u64 bits = RISCV64PT_FMT_R | RISCV64PT_FMT_A;
	unsigned int pbmt = RISCV64PT_PBMT_PMA;

	/*
	 * Every leaf is readable: W without R is a reserved encoding, and a
	 * page neither readable nor writable is not mapped at all.
	 */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (iommu_prot & IOMMU_WRITE) {
		bits |= RISCV64PT_FMT_W;
		/*
		 * Without hardware A/D updates D is preset, else a write
		 * faults; with them the IOMMU sets it on the first write,
		 * and a new leaf reads clean.
		 */
		if (!pt_feature(common, PT_FEAT_RISCV64_HWAD))
			bits |= RISCV64PT_FMT_D;
	}
	if (!(iommu_prot & IOMMU_NOEXEC))
		bits |= RISCV64PT_FMT_X;
	/* Requests without the privileged mode are U-mode accesses */
	if (!(iommu_prot & IOMMU_PRIV))
		bits |= RISCV64PT_FMT_U;
	/*
	 * Svpbmt, where the IOMMU has it (capabilities.Svpbmt): I/O for
	 * IOMMU_MMIO, non-cacheable for a device the DMA API maps without
	 * IOMMU_CACHE (not coherent), the PMA's type for coherent DMA. Bits
	 * 62:61 are reserved otherwise: the prot is then only R, W, X, U.
	 */
	if (pt_feature(common, PT_FEAT_RISCV64_SVPBMT)) {
		if (iommu_prot & IOMMU_MMIO)
			pbmt = RISCV64PT_PBMT_IO;
		else if (!(iommu_prot & IOMMU_CACHE))
			pbmt = RISCV64PT_PBMT_NC;
		bits |= FIELD_PREP(RISCV64PT_FMT_PBMT, pbmt);
	}
	attrs->descriptor_bits = bits;
	return 0;
}

#define pt_iommu_set_prot riscv64pt_iommu_set_prot

/* Format specific part of init. Return: the level of the top table */
static inline int
riscv64pt_iommu_fmt_init(struct pt_iommu_riscv64 *table,
			 const struct pt_iommu_riscv64_cfg *cfg)
{
	struct pt_common *common = &table->iommu.common;

	if (cfg->common.max_oasz_lg2 < 32 ||
	    cfg->common.max_oasz_lg2 > PT_MAX_OUTPUT_ADDRESS_LG2)
		return -EINVAL;
	/* Always sign extended; asking for it explicitly is fine */
	if (cfg->common.features & ~RISCV64PT_CFG_FEATURES)
		return -EOPNOTSUPP;
	/*
	 * The IOMMU's atomic A/D updates need a walker coherent with the
	 * CPU, which could not read them back from an incoherent table
	 */
	if ((cfg->common.features & BIT(PT_FEAT_RISCV64_HWAD)) &&
	    (cfg->common.features & BIT(PT_FEAT_DMA_INCOHERENT)))
		return -EOPNOTSUPP;

	common->max_oasz_lg2 = cfg->common.max_oasz_lg2;
	/*
	 * A leaf may become a table mapping the same addresses, and a NAPOT
	 * run 16 entries of 4K or back, one store at a time: the
	 * specification has no break-before-make, an inconsistency between
	 * the old and new entries only picks one of two translations, and
	 * here both are the same ("benign", in the Svnapot chapter's words).
	 */
	common->features = cfg->common.features | BIT(PT_FEAT_SIGN_EXTEND) |
			   BIT(PT_FEAT_OA_TABLE_XCHG);
	if (pt_feature(common, PT_FEAT_RISCV64_SVNAPOT_64K))
		common->features |= BIT(PT_FEAT_OA_SIZE_CHANGE);
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

#define pt_iommu_fmt_init riscv64pt_iommu_fmt_init

static inline void
riscv64pt_iommu_fmt_hw_info(struct pt_iommu_riscv64 *table, phys_addr_t top_pa,
			    unsigned int top_level,
			    struct pt_iommu_riscv64_hw_info *info)
{
	info->ppn = top_pa >> PT_GRANULE_LG2SZ;
	/* Sv39 is 8, Sv48 9, Sv57 10: 3, 4 and 5 levels */
	info->mode = top_level + 6;
}

#define pt_iommu_fmt_hw_info riscv64pt_iommu_fmt_hw_info

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the x86-64 page table (VT-d first stage, AMD v2).
 *
 * The test personality below encodes and decodes entries from the Intel
 * SDM, volume 3A, chapter "Paging", sections on 4-level and 5-level paging
 * (the same facts as arch/x86/include/asm/pgtable_types.h and the AMD v2
 * and VT-d first-stage drivers), not from fmt/x86_64.h, so that the suites
 * check the engine against an independent reading of the format.
 */
#define PT_FMT x86_64

#include "fmt/x86_64.h"
#include "generic_pt/pt_iter.h"
#include "../common.h"

/* Bits of a paging-structure entry, as the SDM numbers them */
#define X86T_P BIT_ULL(0)	/* Present */
#define X86T_RW BIT_ULL(1)	/* Read/write: writes allowed */
#define X86T_US BIT_ULL(2)	/* User/supervisor: user accesses allowed */
#define X86T_PWT BIT_ULL(3)	/* Page-level write-through */
#define X86T_PCD BIT_ULL(4)	/* Page-level cache disable */
#define X86T_A BIT_ULL(5)	/* Accessed */
#define X86T_D BIT_ULL(6)	/* Dirty, in an entry that maps a page */
#define X86T_PS BIT_ULL(7)	/* Page size, in a PDPTE or PDE: maps a page */
#define X86T_PAT_PTE BIT_ULL(7)	/* PAT, in a PTE (the 4K page entry) */
#define X86T_G BIT_ULL(8)	/* Global, in an entry that maps a page */
/*
 * The bits of an entry referencing a table that every walker of the format
 * ignores: 9 and 11. The SDM's PML5E, PML4E, PDPTE and PDE referencing a
 * table ignore bits 6, 11:8 and 62:52 (bit 11 is the restart bit of HLAT
 * paging, a CPU mode only; bit 7 of a PML4E or PML5E is reserved); the
 * AMD64 long mode formats leave bits 11:9 to software (AVL) and 62:52. But
 * VT-d first stage sets EA (Extended-Accessed, bit 10) where the PASID
 * entry enables it (EAFE), and the AMD IOMMU's v2 walker is only confirmed
 * to ignore AVL.
 */
#define X86T_TABLE_IGNORED (BIT_ULL(9) | BIT_ULL(11))
/*
 * The engine's software bits there: bit 9 notes everything below is mapped
 * (PT_TABLE_FULL_BIT), bit 11 that the entry was pushed to an incoherent
 * walker (PT_TABLE_SYNC_BIT).
 */
#define X86T_TABLE_SW_FULL BIT_ULL(9)
#define X86T_TABLE_SW_SYNC BIT_ULL(11)
static_assert(!(X86T_TABLE_SW_FULL & ~X86T_TABLE_IGNORED));
static_assert(!(X86T_TABLE_SW_SYNC & ~X86T_TABLE_IGNORED));
#define KPT_REF_TABLE_FULL_BIT X86T_TABLE_SW_FULL
#define KPT_REF_TABLE_SYNC_BIT X86T_TABLE_SW_SYNC
#define X86T_PAT_LARGE BIT_ULL(12)	/* PAT, in a PDPTE or PDE with PS */
#define X86T_XD BIT_ULL(63)	/* Execute disable */
/* Physical address bits (up to MAXPHYADDR 52) */
#define X86T_ADDR_4K GENMASK_ULL(51, 12)	/* PTE, and every table */
#define X86T_ADDR_2M GENMASK_ULL(51, 21)	/* PDE with PS */
#define X86T_ADDR_1G GENMASK_ULL(51, 30)	/* PDPTE with PS */

/* 512 entries of 8 bytes; 4-level paging has 48-bit, 5-level 57-bit VAs */
#define X86T_PAGE_LG2 12
#define X86T_LEVEL_BITS 9
#define X86T_VA_4LEVEL 48
#define X86T_VA_5LEVEL 57

/*
 * Engine level 0 is the PT (4K pages), 1 the PD (2M pages with PS), 2 the
 * PDPT (1G pages with PS, where the hardware has them), 3 the PML4 and 4 the
 * PML5.
 */
#define KPT_REF_MAX_LEVEL 4
#define KPT_REF_PROT_MASK \
	(IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO)
/*
 * The IOMMU sets A and D as it walks; D is what a re-written entry must not
 * lose (A is preset in every entry anyway).
 */
#define KPT_REF_HW_LEAF_BITS (X86T_A | X86T_D)
#define KPT_REF_HW_KEPT_BITS X86T_D

/*
 * What the configuration under test changes in the encoding, see
 * kpt_ref_select(). XD: bit 63 is execute-disable only where the walker has
 * it enabled (VT-d: NXE in the PASID entry, "the Execute-Disable (XD) field
 * is reserved" otherwise; AMD v2 likewise), which PT_FEAT_X86_64_XD says;
 * without it the bit is reserved and IOMMU_NOEXEC sets nothing. SME: with
 * PT_FEAT_X86_64_SME every table pointer and page address carries the
 * memory encryption mask, as 6.12's AMD v2 tables do (io_pgtable_v2.c:
 * iommu_virt_to_phys() for tables, __sme_set() in set_pte_attr()), here
 * the one the test injects, and so does the root.
 */
static struct {
	bool xd;
	u64 sme;
} kpt_x86;

static void kpt_x86_select(const struct kpt_cfg *cfg)
{
	bool xd = cfg->features & BIT(PT_FEAT_X86_64_XD);
	u64 sme = cfg->features & BIT(PT_FEAT_X86_64_SME) ? cfg->sme_mask : 0;

	if (kpt_x86.xd != xd)
		kpt_x86.xd = xd;
	if (kpt_x86.sme != sme)
		kpt_x86.sme = sme;
}

/* @addr without the encryption mask; false if it should be there and is not */
static bool kpt_x86_unmask(u64 *addr)
{
	if ((*addr & kpt_x86.sme) != kpt_x86.sme)
		return false;
	*addr &= ~kpt_x86.sme;
	return true;
}

#define kpt_ref_select kpt_x86_select

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return X86T_PAGE_LG2 + X86T_LEVEL_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return X86T_LEVEL_BITS;
}

/* The address bits of a page mapped at @level */
static u64 kpt_ref_page_addr_mask(unsigned int level)
{
	switch (level) {
	case 0:
		return X86T_ADDR_4K;
	case 1:
		return X86T_ADDR_2M;
	default:
		return X86T_ADDR_1G;
	}
}

/* 4K in a PT, 2M in a PD, 1G in a PDPT if the hardware has 1G pages */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	unsigned int size_lg2 = kpt_ref_item_lg2(level);

	if (level > 2 ||
	    (level == 2 && !(cfg->features & BIT(PT_FEAT_X86_64_1G_PAGES))) ||
	    size_lg2 > cfg->oasz_lg2)
		return 0;
	return BIT_ULL(size_lg2);
}

/* 4-level paging for a 48-bit IOVA, 5-level paging for a 57-bit one */
static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	switch (cfg->vasz_lg2) {
	case X86T_VA_4LEVEL:
		return 4;
	case X86T_VA_5LEVEL:
		return 5;
	default:
		return 0;
	}
}

/*
 * Canonical addresses: bits 63 down to the top bit of the VA all equal. The
 * lower half is [0, 2^(vasz - 1)), the upper half the same size below 2^64.
 */
static unsigned int kpt_ref_spans(const struct kpt_cfg *cfg,
				  struct kpt_span *spans)
{
	unsigned int half_lg2 = cfg->vasz_lg2 - 1;

	spans[0].first = 0;
	spans[0].last = kpt_max(half_lg2);
	spans[0].lg2 = half_lg2;
	spans[1].first = ~kpt_max(half_lg2);
	spans[1].last = U64_MAX;
	spans[1].lg2 = half_lg2;
	return 2;
}

/* The walker sign extends the VA from its top bit */
static u64 kpt_ref_va_of(const struct kpt_cfg *cfg, u64 va)
{
	u64 low = kpt_max(cfg->vasz_lg2);

	va &= low;
	if (va & BIT_ULL(cfg->vasz_lg2 - 1))
		va |= ~low;
	return va;
}

/* Attribute bits of a page, as the IOMMU drivers write them */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	/* DMA is checked as a user access; A preset, nothing to write back */
	u64 bits = X86T_US | X86T_A;

	/* D preset too on a writable page */
	if (prot & IOMMU_WRITE)
		bits |= X86T_RW | X86T_D;
	if ((prot & IOMMU_NOEXEC) && kpt_x86.xd)
		bits |= X86T_XD;
	/* PAT entry 3 (PCD, PWT), UC with the power-on PAT */
	if (prot & IOMMU_MMIO)
		bits |= X86T_PWT | X86T_PCD;
	return bits;
}

/* A present entry can always be read: a page neither R nor W is refused */
static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	return IOMMU_READ | (prot & (IOMMU_WRITE | IOMMU_MMIO)) |
	       (kpt_x86.xd ? prot & IOMMU_NOEXEC : 0);
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

/* Decode the entry at @index of a table of engine level @level */
static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	u64 word = kpt_word(table, index);
	u64 allowed, addr;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };

	if (!(word & X86T_P)) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "non-present entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}

	if (level && !(word & X86T_PS)) {
		/* A PML5E, PML4E, PDPTE or PDE referencing a table */
		addr = word & X86T_ADDR_4K;
		if ((word & ~(X86T_TABLE_SW_FULL | X86T_TABLE_SW_SYNC)) !=
		    (X86T_P | X86T_RW | X86T_US | X86T_A | addr))
			return kpt_ref_bad(ent, "table entry bits");
		if (!kpt_x86_unmask(&addr))
			return kpt_ref_bad(ent,
					   "table address without the encryption mask");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		ent->full = word & X86T_TABLE_SW_FULL;
		ent->sync = word & X86T_TABLE_SW_SYNC;
		return;
	}
	if (level > 2)
		return kpt_ref_bad(ent, "PS set in a PML4E or PML5E");

	/*
	 * A page: a PTE, or a PDE or PDPTE with PS. The engine never writes
	 * PAT or G, and below the address of a large page there are only the
	 * PAT bit and reserved bits.
	 */
	addr = word & kpt_ref_page_addr_mask(level);
	allowed = X86T_P | X86T_RW | X86T_US | X86T_PWT | X86T_PCD | X86T_A |
		  X86T_D | X86T_XD | addr;
	if (level)
		allowed |= X86T_PS;
	if (word & ~allowed)
		return kpt_ref_bad(ent, "page bits the engine never writes");
	if (!(word & X86T_US) || !(word & X86T_A))
		return kpt_ref_bad(ent, "page without US and A");
	if (!(word & X86T_RW) != !(word & X86T_D))
		return kpt_ref_bad(ent, "D not preset exactly on writable pages");
	if (!(word & X86T_PWT) != !(word & X86T_PCD))
		return kpt_ref_bad(ent, "cache bits neither WB nor UC");
	if ((word & X86T_XD) && !kpt_x86.xd)
		return kpt_ref_bad(ent, "XD set where it is reserved");
	if (!kpt_x86_unmask(&addr))
		return kpt_ref_bad(ent, "page address without the encryption mask");

	ent->type = KPT_REF_LEAF;
	ent->oa = addr;
	ent->size_lg2 = kpt_ref_item_lg2(level);
	ent->prot = IOMMU_READ;
	if (word & X86T_RW)
		ent->prot |= IOMMU_WRITE;
	if (word & X86T_XD)
		ent->prot |= IOMMU_NOEXEC;
	if (word & X86T_PCD)
		ent->prot |= IOMMU_MMIO;
}

/* The word a page of 2^size_lg2 bytes at @oa must be written as */
static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	u64 word = X86T_P | kpt_ref_prot_bits(prot) | oa | kpt_x86.sme;

	if (level)
		word |= X86T_PS;
	return word;
}

/*
 * A table entry: rights are the intersection of every level, so it allows
 * everything and the page decides; A preset.
 */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return X86T_P | X86T_RW | X86T_US | X86T_A | table_pa | kpt_x86.sme;
}

/* The cut suite: the dirty bit, and one word as the IOMMU reads it */
#define KPT_REF_DIRTY X86T_D

/*
 * What the walker makes of the one entry it reads at a level while
 * translating an IOVA. A table entry (PS clear above the PT) lets writes
 * through with R/W set and nothing without U/S (DMA is a user access); its
 * XD is not modelled, the engine never sets it and kpt_ref_decode() checks
 * table entries bit for bit. A page: a PTE, or a PDE or PDPTE with PS, its
 * address above its size (bit 12 of a large page is PAT). A and D allowed.
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & X86T_P)) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level && !(word & X86T_PS)) {
		ent->type = KPT_REF_TABLE;
		ent->oa = word & X86T_ADDR_4K;
		if (!kpt_x86_unmask(&ent->oa))
			return kpt_ref_bad(ent, "without the encryption mask");
		ent->prot = IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_CACHE;
		if (word & X86T_RW)
			ent->prot |= IOMMU_WRITE;
		if (!(word & X86T_US))
			ent->prot = 0;
		return;
	}
	if (level > 2)
		return kpt_ref_bad(ent, "PS set in a PML4E or PML5E");
	ent->type = KPT_REF_LEAF;
	ent->oa = word & kpt_ref_page_addr_mask(level);
	/* The memory controller takes the encryption bit, the rest is PA */
	if (!kpt_x86_unmask(&ent->oa))
		return kpt_ref_bad(ent, "without the encryption mask");
	ent->size_lg2 = kpt_ref_item_lg2(level);
	if ((word & X86T_XD) && !kpt_x86.xd)
		return kpt_ref_bad(ent, "XD set where it is reserved: a fault");
	ent->prot = IOMMU_READ;
	if (word & X86T_RW)
		ent->prot |= IOMMU_WRITE;
	if (word & X86T_XD)
		ent->prot |= IOMMU_NOEXEC;
	if (word & X86T_PCD)
		ent->prot |= IOMMU_MMIO;
	if (!(word & X86T_US))
		ent->prot = 0;
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_x86_64_cfg x86_cfg = {
		.common = {
			.features = cfg->features,
			.max_vasz_lg2 = cfg->vasz_lg2,
			.max_oasz_lg2 = cfg->oasz_lg2,
		},
	};

	/* What the driver hands the table, set on it before init */
	table->iommu.driver_ops = cfg->no_driver_ops ? NULL : ops;
	table->iommu.nid = NUMA_NO_NODE;

	if (cfg->dyn_start_levels)
		x86_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return pt_iommu_x86_64_init(table, &x86_cfg, GFP_KERNEL);
}

/* The top from what the driver programs: root table and paging levels */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_x86_64_hw_info info = {};

	pt_iommu_x86_64_hw_info(table, &info);
	if ((info.levels != 4 && info.levels != 5) ||
	    (info.root_pa & ~X86T_ADDR_4K) ||
	    (info.root_pa & kpt_x86.sme) != kpt_x86.sme)
		return -EINVAL;
	*top_pa = info.root_pa & ~kpt_x86.sme;
	*top_level = info.levels - 1;
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
	IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO,
	IOMMU_WRITE | IOMMU_MMIO,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
};

#define KPT_X86_1G BIT(PT_FEAT_X86_64_1G_PAGES)

static const struct kpt_cfg kpt_cfgs[] = {
	{ .name = "4lvl-1g", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = KPT_X86_1G },
	{ .name = "4lvl-oa46", .vasz_lg2 = 48, .oasz_lg2 = 46 },
	{ .name = "5lvl-1g-oa40-xd", .vasz_lg2 = 57, .oasz_lg2 = 40,
	  .features = KPT_X86_1G | BIT(PT_FEAT_X86_64_XD) },
	{ .name = "5lvl", .vasz_lg2 = 57, .oasz_lg2 = 52 },
	/* AMD v2 on an SME host: the C-bit above the physical addresses */
	{ .name = "4lvl-1g-xd-sme47", .vasz_lg2 = 48, .oasz_lg2 = 46,
	  .features = KPT_X86_1G | BIT(PT_FEAT_X86_64_XD) |
		      BIT(PT_FEAT_X86_64_SME),
	  .sme_mask = BIT_ULL(47) },
	{ .name = "5lvl-sme51", .vasz_lg2 = 57, .oasz_lg2 = 48,
	  .features = BIT(PT_FEAT_X86_64_SME), .sme_mask = BIT_ULL(51) },
};

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "va47", .vasz_lg2 = 47, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va49", .vasz_lg2 = 49, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va56", .vasz_lg2 = 56, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va64", .vasz_lg2 = 64, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "oa31", .vasz_lg2 = 48, .oasz_lg2 = 31, .err = -EINVAL },
	{ .name = "oa53", .vasz_lg2 = 57, .oasz_lg2 = 53, .err = -EINVAL },
	{ .name = "dyn", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .dyn_start_levels = 4, .err = -EOPNOTSUPP },
	/* No contiguous pages to re-size in place */
	{ .name = "oa-size-change", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_OA_SIZE_CHANGE), .err = -EOPNOTSUPP },
	/* The encryption mask must be an address bit above every OA */
	{ .name = "sme-in-oa", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_X86_64_SME), .sme_mask = BIT_ULL(47),
	  .err = -EINVAL },
	{ .name = "sme-above-field", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = BIT(PT_FEAT_X86_64_SME), .sme_mask = BIT_ULL(52),
	  .err = -EINVAL },
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
	{ .name = "1g", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .features = KPT_X86_1G },
	{ .name = "no-1g", .vasz_lg2 = 57, .oasz_lg2 = 52 },
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/*
 * Canonical addresses written out: the indices the SDM takes from a VA
 * (bits 56:48 for the PML5, 47:39 the PML4, 38:30 the PDPT, 29:21 the PD,
 * 20:12 the PT) at the lowest and highest canonical addresses of each half,
 * and what lies just outside them.
 */
struct kpt_x86_addr {
	u64 va;
	unsigned int index[5];
};

struct kpt_x86_paging {
	const struct kpt_cfg *cfg;
	u64 lower_last;
	u64 upper_first;
	struct kpt_x86_addr mapped[4];
	u64 outside[4];
};

static const struct kpt_x86_paging kpt_x86_pagings[] = {
	{
		.cfg = &kpt_cfgs[0],
		.lower_last = 0x00007fffffffffffULL,
		.upper_first = 0xffff800000000000ULL,
		/* Indices from the PT up to the PML4 */
		.mapped = {
			{ 0x0000000000000000ULL, { 0, 0, 0, 0 } },
			{ 0x00007ffffffff000ULL, { 511, 511, 511, 255 } },
			{ 0xffff800000000000ULL, { 0, 0, 0, 256 } },
			{ 0xfffffffffffff000ULL, { 511, 511, 511, 511 } },
		},
		.outside = {
			0x0000800000000000ULL, 0xffff7ffffffff000ULL,
			0x8000000000000000ULL, 0x00ff000000000000ULL,
		},
	},
	{
		.cfg = &kpt_cfgs[3],
		.lower_last = 0x00ffffffffffffffULL,
		.upper_first = 0xff00000000000000ULL,
		/* Indices from the PT up to the PML5 */
		.mapped = {
			{ 0x0000000000000000ULL, { 0, 0, 0, 0, 0 } },
			{ 0x00fffffffffff000ULL, { 511, 511, 511, 511, 255 } },
			{ 0xff00000000000000ULL, { 0, 0, 0, 0, 256 } },
			{ 0xfffffffffffff000ULL, { 511, 511, 511, 511, 511 } },
		},
		.outside = {
			0x0100000000000000ULL, 0xfefffffffffff000ULL,
			0x8000000000000000ULL, 0x7ffffffffffff000ULL,
		},
	},
};

/* Follow the written-out indices from the root down to the 4K page */
static void kpt_x86_follow(struct kpt_ctx *ctx, const struct kpt_x86_addr *a,
			   u64 pa)
{
	struct kunit *test = ctx->test;
	unsigned int level;
	u64 table_pa, word;

	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &table_pa, &level), 0);
	for (; level; level--) {
		word = kpt_word(phys_to_virt(table_pa), a->index[level]);
		KUNIT_EXPECT_EQ_MSG(test, word & (X86T_P | X86T_PS), X86T_P,
				    "%s: va %llx level %u index %u: %016llx",
				    ctx->cfg->name, a->va, level,
				    a->index[level], word);
		if ((word & (X86T_P | X86T_PS)) != X86T_P)
			return;
		table_pa = word & X86T_ADDR_4K;
	}
	word = kpt_word(phys_to_virt(table_pa), a->index[0]);
	KUNIT_EXPECT_EQ_MSG(test, word & (X86T_P | X86T_ADDR_4K), X86T_P | pa,
			    "%s: va %llx: PTE %016llx", ctx->cfg->name, a->va,
			    word);
}

static void kpt_x86_test_canonical(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i != ARRAY_SIZE(kpt_x86_pagings); i++) {
		const struct kpt_x86_paging *pg = &kpt_x86_pagings[i];
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_ctx *ctx;
		struct kpt_snap *before;

		/* The personality's spans are the canonical halves */
		KUNIT_ASSERT_EQ(test, kpt_ref_spans(pg->cfg, spans), 2);
		KUNIT_EXPECT_EQ(test, spans[0].first, 0);
		KUNIT_EXPECT_EQ(test, spans[0].last, pg->lower_last);
		KUNIT_EXPECT_EQ(test, spans[1].first, pg->upper_first);
		KUNIT_EXPECT_EQ(test, spans[1].last, U64_MAX);

		ctx = kpt_ctx_new(test, pg->cfg);
		for (j = 0; j != ARRAY_SIZE(pg->mapped); j++)
			kpt_map_ok(ctx, pg->mapped[j].va, 0x1000000 + j * 0x1000,
				   KPT_SZ_4K, IOMMU_READ | IOMMU_WRITE);
		for (j = 0; j != ARRAY_SIZE(pg->mapped); j++) {
			kpt_x86_follow(ctx, &pg->mapped[j],
				       0x1000000 + j * 0x1000);
			KUNIT_EXPECT_EQ(test,
					kpt_phys(ctx, pg->mapped[j].va + 0xabc),
					0x1000abcULL + j * 0x1000);
		}

		before = kpt_snap_take(ctx);
		for (j = 0; j != ARRAY_SIZE(pg->outside); j++) {
			u64 va = pg->outside[j];

			kpt_map_fails(ctx, before, va, 0x2000000, KPT_SZ_4K, 1,
				      -ERANGE, -ERANGE, "non-canonical");
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), 0);
			kpt_unmap_nothing(ctx, before, va, KPT_SZ_4K,
					  "unmap non-canonical");
		}
		/* Touching the hole from either side */
		kpt_map_fails(ctx, before, pg->lower_last + 1 - KPT_SZ_4K,
			      0x2000000, KPT_SZ_4K, 2, -ERANGE, -ERANGE,
			      "lower half into the hole");
		kpt_map_fails(ctx, before, pg->upper_first - KPT_SZ_4K,
			      0x2000000, KPT_SZ_4K, 2, -ERANGE, -ERANGE,
			      "hole into the upper half");
		kpt_snap_put(before);
		kpt_ctx_free(ctx);
	}
}

/*
 * Bits the engine never writes but the SDM defines: the walker ignores bits
 * 11:9 and 62:52 of every entry (software may use them), bit 7 of a PTE is
 * PAT not PS, and bit 12 of a large page is PAT, not an address bit.
 */
static void kpt_x86_test_foreign_bits(struct kunit *test)
{
	static const u64 ignored = GENMASK_ULL(11, 9) | GENMASK_ULL(62, 52);
	static const struct {
		unsigned int level;
		u64 word;
		u64 oa;
	} pages[] = {
		{ 0, X86T_P | X86T_PAT_PTE | 0x123456789000ULL,
		  0x123456789000ULL },
		{ 1, X86T_P | X86T_PS | X86T_PAT_LARGE | 0x123456600000ULL,
		  0x123456600000ULL },
		{ 2, X86T_P | X86T_PS | X86T_PAT_LARGE | 0x000fffffc0000000ULL,
		  0x000fffffc0000000ULL },
	};
	struct kpt_fmt fmt;
	unsigned int i, level;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, &kpt_cfgs[0], 52), 0);
	for (i = 0; i != ARRAY_SIZE(pages); i++) {
		((__le64 *)fmt.buf)[3] = cpu_to_le64(pages[i].word | ignored);
		kpt_fmt_at(&fmt, pages[i].level, 3);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_OA, "level %u", pages[i].level);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt.pts), pages[i].oa,
				    "level %u", pages[i].level);
		KUNIT_EXPECT_EQ(test, pt_entry_oa_lg2sz(&fmt.pts),
				kpt_ref_item_lg2(pages[i].level));
	}
	/* Ignored bits in a table entry do not move the table */
	for (level = 1; level <= KPT_REF_MAX_LEVEL; level++) {
		((__le64 *)fmt.buf)[5] = cpu_to_le64(X86T_P | X86T_RW |
						     0x000ffffffffff000ULL |
						     ignored);
		kpt_fmt_at(&fmt, level, 5);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_TABLE, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test, pt_table_pa(&fmt.pts),
				    0x000ffffffffff000ULL, "level %u", level);
	}
	kfree(fmt.buf);
}

/*
 * XD: IOMMU_NOEXEC sets bit 63 only with PT_FEAT_X86_64_XD; without it the
 * prot is accepted and the bit, reserved for the walker, stays clear.
 */
static void kpt_x86_test_xd(struct kunit *test)
{
	static const unsigned int prots[] = {
		IOMMU_READ | IOMMU_NOEXEC,
		IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
		IOMMU_READ | IOMMU_WRITE,
	};
	unsigned int xd, i;

	for (xd = 0; xd != 2; xd++) {
		struct kpt_cfg cfg = {
			.name = xd ? "4lvl-1g-xd" : "4lvl-1g",
			.vasz_lg2 = 48,
			.oasz_lg2 = 52,
			.features = KPT_X86_1G |
				    (xd ? BIT(PT_FEAT_X86_64_XD) : 0),
		};
		struct kpt_ctx *ctx = kpt_ctx_new(test, &cfg);

		for (i = 0; i != ARRAY_SIZE(prots); i++) {
			u64 size = i == 1 ? KPT_SZ_2M : KPT_SZ_4K;
			u64 va = KPT_SZ_1G * (i + 1), pa = KPT_SZ_1G * (i + 4);
			bool want = xd && (prots[i] & IOMMU_NOEXEC);
			struct kpt_x86_addr a = { .va = va };
			unsigned int level, top;
			u64 table_pa, word;

			kpt_map_ok(ctx, va, pa, size, prots[i]);
			/* Down to the leaf, the indices as the SDM takes them */
			KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &table_pa,
							  &top), 0);
			for (level = 0; level <= top; level++)
				a.index[level] =
					(va >> kpt_ref_item_lg2(level)) & 511;
			for (level = top;; level--) {
				word = kpt_word(phys_to_virt(table_pa),
						a.index[level]);
				if (!level || (word & X86T_PS))
					break;
				table_pa = word & X86T_ADDR_4K;
			}
			KUNIT_EXPECT_EQ_MSG(test, !!(word & X86T_XD), want,
					    "%s: prot %x: leaf %016llx",
					    cfg.name, prots[i], word);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size - 1),
					pa + size - 1);
			KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
		}
		kpt_ctx_free(ctx);
	}
}

/*
 * Memory encryption (SME, AMD v2): with PT_FEAT_X86_64_SME every table
 * pointer and page holds the mask in memory, and so does the root; every
 * operation and iova_to_phys work on the plain addresses. (Every walk of
 * the suites also checks the mask through the reference decoder.)
 */
static void kpt_x86_test_sme(struct kunit *test)
{
	unsigned int i, j, k, tested = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 pa = kpt_max(cfg->oasz_lg2) & ~(KPT_SZ_1G - 1);
		struct pt_iommu_x86_64_hw_info info;
		unsigned int words = 0;
		struct kpt_snap *snap;
		struct kpt_ctx *ctx;

		if (!(cfg->features & BIT(PT_FEAT_X86_64_SME)))
			continue;
		ctx = kpt_ctx_new(test, cfg);
		/* A page, a 2M page, 1G (or 2M pages), and the upper half */
		kpt_map_ok(ctx, KPT_SZ_1G, pa, KPT_SZ_4K, IOMMU_READ);
		kpt_map_ok(ctx, KPT_SZ_1G + KPT_SZ_2M, pa + KPT_SZ_2M,
			   KPT_SZ_2M, IOMMU_READ | IOMMU_WRITE);
		kpt_map_ok(ctx, 2 * KPT_SZ_1G, pa - KPT_SZ_1G, KPT_SZ_1G,
			   IOMMU_READ | IOMMU_NOEXEC);
		kpt_map_ok(ctx, -KPT_SZ_2M, pa, KPT_SZ_2M, IOMMU_WRITE);

		pt_iommu_x86_64_hw_info(&ctx->table, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.root_pa & cfg->sme_mask,
				    cfg->sme_mask, "%s: root %llx", cfg->name,
				    info.root_pa);
		snap = kpt_snap_take(ctx);
		for (j = 0; j != snap->n; j++) {
			for (k = 0; k != snap->t[j].items; k++) {
				u64 word = le64_to_cpu(snap->t[j].words[k]);

				if (!word)
					continue;
				words++;
				KUNIT_EXPECT_EQ_MSG(test, word & cfg->sme_mask,
						    cfg->sme_mask,
						    "%s: level %u item %u: %016llx",
						    cfg->name,
						    snap->t[j].level, k, word);
			}
		}
		kpt_snap_put(snap);
		KUNIT_EXPECT_GT(test, words, 5);

		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, KPT_SZ_1G + 0x123),
				pa + 0x123);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, KPT_SZ_1G + 2 * KPT_SZ_2M - 1),
				pa + 2 * KPT_SZ_2M - 1);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 3 * KPT_SZ_1G - 1), pa - 1);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, -1ULL), pa + KPT_SZ_2M - 1);
		/* A cut keeps the mask in what it writes */
		KUNIT_EXPECT_EQ(test,
				KPT_OP(cut_mapping)(&ctx->table.iommu,
						    2 * KPT_SZ_1G + KPT_SZ_4K,
						    GFP_KERNEL),
				0);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 2 * KPT_SZ_1G + KPT_SZ_4K),
				pa - KPT_SZ_1G + KPT_SZ_4K);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, KPT_SZ_1G, 2 * KPT_SZ_1G),
				KPT_SZ_4K + KPT_SZ_2M + KPT_SZ_1G);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, -KPT_SZ_2M, KPT_SZ_2M),
				KPT_SZ_2M);
		kpt_check_empty(ctx, "after the SME maps");
		kpt_ctx_free(ctx);
		tested++;
	}
	KUNIT_EXPECT_GT(test, tested, 1);
}

static struct kunit_case kpt_x86_cases[] = {
	KUNIT_CASE(kpt_x86_test_canonical),
	KUNIT_CASE(kpt_x86_test_foreign_bits),
	KUNIT_CASE(kpt_x86_test_xd),
	KUNIT_CASE(kpt_x86_test_sme),
	{}
};

static struct kunit_suite kpt_x86_suite = {
	.name = KPT_SUITE_NAME("canonical"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_x86_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_x86_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT x86-64 page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

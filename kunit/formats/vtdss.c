// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the Intel VT-d second-stage page table.
 *
 * The test personality below encodes and decodes entries from the VT-d
 * architecture specification, chapter "Translation Structure Formats",
 * second-stage paging entries (SS-PML5E to SS-PTE; "second-level" in
 * revisions before 3.2), and section "Second-Stage Translation" for which
 * widths and levels go together, not from fmt/vtdss.h, so that the suites
 * check the engine against an independent reading of the format.
 */
#define PT_FMT vtdss

#include "fmt/vtdss.h"
#include "generic_pt/pt_iter.h"
#include "../common.h"

/* Bits of a second-stage paging entry, as the specification numbers them */
#define VTDT_R BIT_ULL(0)	/* Read permission */
#define VTDT_W BIT_ULL(1)	/* Write permission */
#define VTDT_X BIT_ULL(2)	/* Execute, for requests with execute set */
#define VTDT_EMT GENMASK_ULL(5, 3)	/* Extended memory type, leaves */
#define VTDT_IPAT BIT_ULL(6)	/* Ignore PAT, leaves */
#define VTDT_PS BIT_ULL(7)	/* Page size, in a PDPE or PDE: maps a page */
#define VTDT_A BIT_ULL(8)	/* Accessed, where A/D tracking is on */
#define VTDT_D BIT_ULL(9)	/* Dirty, leaves, where A/D tracking is on */
#define VTDT_SNP BIT_ULL(11)	/* Snoop, leaves, with Snoop Control */
/*
 * The bits of an entry referencing a table that the walker ignores: 6:3,
 * 10:9, 61:52 and 63 (7 must be zero, 8 is A, 11 and 62 are reserved).
 * The engine's software bits there: bit 9 notes everything below is mapped
 * (PT_TABLE_FULL_BIT), bit 10 that the entry was pushed to an incoherent
 * walker (PT_TABLE_SYNC_BIT).
 */
#define VTDT_TABLE_IGNORED                                          \
	(GENMASK_ULL(6, 3) | GENMASK_ULL(10, 9) | GENMASK_ULL(61, 52) | \
	 BIT_ULL(63))
#define VTDT_TABLE_SW_FULL BIT_ULL(9)
#define VTDT_TABLE_SW_SYNC BIT_ULL(10)
static_assert(!(VTDT_TABLE_SW_FULL & ~VTDT_TABLE_IGNORED));
static_assert(!(VTDT_TABLE_SW_SYNC & ~VTDT_TABLE_IGNORED));
#define KPT_REF_TABLE_FULL_BIT VTDT_TABLE_SW_FULL
#define KPT_REF_TABLE_SYNC_BIT VTDT_TABLE_SW_SYNC
/* A leaf's ignored bits: 10, 61:52 and 63 (and 7 in an SS-PTE) */
#define VTDT_LEAF_IGNORED (BIT_ULL(10) | GENMASK_ULL(61, 52) | BIT_ULL(63))
/* Address bits, up to a host address width of 52 */
#define VTDT_ADDR_4K GENMASK_ULL(51, 12)	/* SS-PTE, and every table */
#define VTDT_ADDR_2M GENMASK_ULL(51, 21)	/* SS-PDE with PS */
#define VTDT_ADDR_1G GENMASK_ULL(51, 30)	/* SS-PDPE with PS */

#define VTDT_PAGE_LG2 12
#define VTDT_LEVEL_BITS 9

/*
 * Engine level 0 is the SS-PT (4K pages), 1 the SS-PD (2M pages), 2 the
 * SS-PDPT (1G pages), 3 the SS-PML4 and 4 the SS-PML5.
 */
#define KPT_REF_MAX_LEVEL 4
#define KPT_REF_PROT_MASK (IOMMU_READ | IOMMU_WRITE)
/*
 * A unit with access/dirty tracking sets A and D; both are kept when a leaf
 * is re-written (A is preset there anyway).
 */
#define KPT_REF_HW_LEAF_BITS (VTDT_A | VTDT_D)
#define KPT_REF_HW_KEPT_BITS (VTDT_A | VTDT_D)

/*
 * What the configuration under test changes in the encoding: with
 * PT_FEAT_VTDSS_FORCE_COHERENCE every leaf has SNP, without it bit 11 is
 * reserved (a unit without Snoop Control) and never set. With
 * PT_FEAT_VTDSS_SSADS (ECAP_REG.SSADS, SSADE in the PASID entry) bit 8 is
 * A, preset in every entry, and bit 9 of a leaf is D, which the unit sets
 * on a write; without it both are ignored and the engine leaves them zero,
 * as the 6.12 driver does.
 */
static struct {
	bool snp;
	bool ssads;
} kpt_vtd;

static void kpt_vtd_select(const struct kpt_cfg *cfg)
{
	bool snp = cfg->features & BIT(PT_FEAT_VTDSS_FORCE_COHERENCE);
	bool ssads = cfg->features & BIT(PT_FEAT_VTDSS_SSADS);

	if (kpt_vtd.snp != snp)
		kpt_vtd.snp = snp;
	if (kpt_vtd.ssads != ssads)
		kpt_vtd.ssads = ssads;
}

#define kpt_ref_select kpt_vtd_select

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return VTDT_PAGE_LG2 + VTDT_LEVEL_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return VTDT_LEVEL_BITS;
}

static u64 kpt_ref_page_addr_mask(unsigned int level)
{
	switch (level) {
	case 0:
		return VTDT_ADDR_4K;
	case 1:
		return VTDT_ADDR_2M;
	default:
		return VTDT_ADDR_1G;
	}
}

/* 4K always; 2M and 1G as CAP_REG.SLLPS bits 0 and 1 say */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	unsigned int size_lg2 = kpt_ref_item_lg2(level);
	bool has;

	switch (level) {
	case 0:
		has = true;
		break;
	case 1:
		has = cfg->features & BIT(PT_FEAT_VTDSS_2M_PAGES);
		break;
	case 2:
		has = cfg->features & BIT(PT_FEAT_VTDSS_1G_PAGES);
		break;
	default:
		has = false;
	}
	if (!has || size_lg2 > cfg->oasz_lg2)
		return 0;
	return BIT_ULL(size_lg2);
}

/* SAGAW: 3-level for 39 bits, 4-level for 48 and 5-level for 57 */
static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	switch (cfg->vasz_lg2) {
	case 39:
		return 3;
	case 48:
		return 4;
	case 57:
		return 5;
	default:
		return 0;
	}
}

/* Zero-extended: the input address is below 2^AGAW */
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
 * Leaf bits for @prot: R and W as asked, SNP and A (preset, D left for the
 * unit) by the features
 */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	u64 bits = kpt_vtd.ssads ? VTDT_A : 0;

	if (prot & IOMMU_READ)
		bits |= VTDT_R;
	if (prot & IOMMU_WRITE)
		bits |= VTDT_W;
	if (kpt_vtd.snp)
		bits |= VTDT_SNP;
	return bits;
}

/* R = W = 0 is not present: such a page is refused */
static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE);
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

	if (!(word & (VTDT_R | VTDT_W | VTDT_X))) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "non-present entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (word & VTDT_X)
		return kpt_ref_bad(ent, "X set: never written");

	if (level && !(word & VTDT_PS)) {
		/*
		 * An entry referencing a table: R, W, and A with A/D
		 * tracking, nothing else
		 */
		addr = word & VTDT_ADDR_4K;
		if ((word & ~(VTDT_TABLE_SW_FULL | VTDT_TABLE_SW_SYNC)) !=
		    (VTDT_R | VTDT_W | (kpt_vtd.ssads ? VTDT_A : 0) | addr))
			return kpt_ref_bad(ent, "table entry bits");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		ent->full = word & VTDT_TABLE_SW_FULL;
		ent->sync = word & VTDT_TABLE_SW_SYNC;
		return;
	}
	if (level > 2)
		return kpt_ref_bad(ent, "PS set in an SS-PML4E or SS-PML5E");

	/*
	 * A page: an SS-PTE, or an SS-PDE or SS-PDPE with PS. Below the
	 * address of a large page the bits are reserved. The engine writes no
	 * memory type (EMT, IPAT) and no TM.
	 */
	addr = word & kpt_ref_page_addr_mask(level);
	allowed = VTDT_R | VTDT_W | VTDT_A | VTDT_D | VTDT_SNP | addr;
	if (level)
		allowed |= VTDT_PS;
	if (word & ~allowed)
		return kpt_ref_bad(ent, "page bits the engine never writes");
	if (!(word & VTDT_A) != !kpt_vtd.ssads)
		return kpt_ref_bad(ent, "A not preset exactly with A/D tracking");
	if ((word & VTDT_D) && !kpt_vtd.ssads)
		return kpt_ref_bad(ent, "D without A/D tracking");
	if (!(word & VTDT_SNP) != !kpt_vtd.snp)
		return kpt_ref_bad(ent, "SNP not as the configuration says");

	ent->type = KPT_REF_LEAF;
	ent->oa = addr;
	ent->size_lg2 = kpt_ref_item_lg2(level);
	if (word & VTDT_R)
		ent->prot |= IOMMU_READ;
	if (word & VTDT_W)
		ent->prot |= IOMMU_WRITE;
}

/* The word a page of 2^size_lg2 bytes at @oa must be written as */
static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	u64 word = kpt_ref_prot_bits(prot) | oa;

	if (level)
		word |= VTDT_PS;
	return word;
}

/*
 * A table entry grants read and write, the page decides; A preset with A/D
 * tracking
 */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return VTDT_R | VTDT_W | (kpt_vtd.ssads ? VTDT_A : 0) | table_pa;
}

/*
 * The cut and dirty suites: the dirty bit, which only a table of a unit
 * with A/D tracking keeps; map writes every leaf clean, writable or not.
 */
#define KPT_REF_DIRTY VTDT_D

static inline bool kpt_ref_has_dirty(const struct kpt_cfg *cfg)
{
	return cfg->features & BIT(PT_FEAT_VTDSS_SSADS);
}

static inline bool kpt_ref_dirty(u64 word)
{
	return word & VTDT_D;
}

#define kpt_ref_dirty kpt_ref_dirty

static inline u64 kpt_ref_mark_dirty(u64 word)
{
	return word | VTDT_D;
}

static inline u64 kpt_ref_mark_clean(u64 word)
{
	return word & ~VTDT_D;
}

#define KPT_REF_DIRTY_PROT (IOMMU_READ | IOMMU_WRITE)
/* A/D tracking needs a coherent walker: the format refuses it otherwise */
#define KPT_REF_COHERENT_FEATURES BIT(PT_FEAT_VTDSS_SSADS)

/*
 * What the unit makes of the one entry it reads at a level while
 * translating an IOVA (no execute requests). Not present without R and W;
 * a table entry's R and W are ANDed with the levels below; a page is an
 * SS-PTE, or an SS-PDE or SS-PDPE with PS, its address above its size. A
 * and D may be set; the ignored bits are ignored.
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & (VTDT_R | VTDT_W))) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level && !(word & VTDT_PS)) {
		ent->type = KPT_REF_TABLE;
		ent->oa = word & VTDT_ADDR_4K;
		ent->prot = IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_CACHE;
		if (word & VTDT_R)
			ent->prot |= IOMMU_READ;
		if (word & VTDT_W)
			ent->prot |= IOMMU_WRITE;
		return;
	}
	if (level > 2)
		return kpt_ref_bad(ent, "PS set in an SS-PML4E or SS-PML5E");
	if (word & (level ? kpt_ref_page_addr_mask(0) &
				    ~kpt_ref_page_addr_mask(level) : 0))
		return kpt_ref_bad(ent, "reserved bits below the page address");
	ent->type = KPT_REF_LEAF;
	ent->oa = word & kpt_ref_page_addr_mask(level);
	ent->size_lg2 = kpt_ref_item_lg2(level);
	if (word & VTDT_R)
		ent->prot |= IOMMU_READ;
	if (word & VTDT_W)
		ent->prot |= IOMMU_WRITE;
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_vtdss_cfg vtd_cfg = {
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
		vtd_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return pt_iommu_vtdss_init(table, &vtd_cfg, GFP_KERNEL);
}

/* The top from what the driver programs: SSPTPTR and AW (levels - 2) */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_vtdss_hw_info info = {};

	pt_iommu_vtdss_hw_info(table, &info);
	if (info.aw < 1 || info.aw > 3 || (info.ssptptr & ~VTDT_ADDR_4K))
		return -EINVAL;
	*top_pa = info.ssptptr;
	*top_level = info.aw + 1;
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
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_CACHE,
};

#define KPT_VTD_2M BIT(PT_FEAT_VTDSS_2M_PAGES)
#define KPT_VTD_1G BIT(PT_FEAT_VTDSS_1G_PAGES)
#define KPT_VTD_SC BIT(PT_FEAT_VTDSS_FORCE_COHERENCE)
#define KPT_VTD_AD BIT(PT_FEAT_VTDSS_SSADS)

static const struct kpt_cfg kpt_cfgs[] = {
	/* The first: the cut and dirty suites run on it */
	{ .name = "4lvl-2m-1g-ad", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M | KPT_VTD_1G | KPT_VTD_AD },
	{ .name = "3lvl-2m-oa39", .vasz_lg2 = 39, .oasz_lg2 = 39,
	  .features = KPT_VTD_2M },
	{ .name = "5lvl-2m-1g-sc-oa46", .vasz_lg2 = 57, .oasz_lg2 = 46,
	  .features = KPT_VTD_2M | KPT_VTD_1G | KPT_VTD_SC },
	{ .name = "5lvl-2m-1g-sc-ad", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M | KPT_VTD_1G | KPT_VTD_SC | KPT_VTD_AD },
	/*
	 * 2M pages only. A unit without large pages (SLLPS 0) is not here:
	 * the generic suites need a leaf at level 1, which every other format
	 * has, see kpt_vtd_test_4k_only()
	 */
	{ .name = "4lvl-2m-oa48", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = KPT_VTD_2M },
	{ .name = "3lvl-2m-sc", .vasz_lg2 = 39, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M | KPT_VTD_SC },
};

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "va38", .vasz_lg2 = 38, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va47", .vasz_lg2 = 47, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va64", .vasz_lg2 = 64, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "oa31", .vasz_lg2 = 48, .oasz_lg2 = 31, .err = -EINVAL },
	{ .name = "oa53", .vasz_lg2 = 57, .oasz_lg2 = 53, .err = -EINVAL },
	/* The driver chooses the levels; no growing top */
	{ .name = "dyn", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .dyn_start_levels = 4, .err = -EOPNOTSUPP },
	/* Zero-extended IOVA, no contiguous pages */
	{ .name = "sign-extend", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_SIGN_EXTEND), .err = -EOPNOTSUPP },
	{ .name = "oa-size-change", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_OA_SIZE_CHANGE), .err = -EOPNOTSUPP },
	/* A/D updates need a coherent walker (ECAP_REG.SMPWC) */
	{ .name = "ssads-incoherent", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M | KPT_VTD_AD | BIT(PT_FEAT_DMA_INCOHERENT),
	  .err = -EOPNOTSUPP },
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
	{ .name = "2m-1g", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M | KPT_VTD_1G },
	{ .name = "2m", .vasz_lg2 = 57, .oasz_lg2 = 52,
	  .features = KPT_VTD_2M },
	{ .name = "4k", .vasz_lg2 = 57, .oasz_lg2 = 52 },
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/*
 * Presence: no present bit, an entry is present when it grants read or
 * write. A word with address, PS and ignored bits but neither R nor W is
 * empty at every level; W alone is a page.
 */
static void kpt_vtd_test_present(struct kunit *test)
{
	u64 junk = VTDT_PS | VTDT_A | VTDT_D | VTDT_SNP | VTDT_EMT |
		   0x000ffffffffff000ULL | VTDT_LEAF_IGNORED;
	struct kpt_fmt fmt;
	unsigned int level;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, &kpt_cfgs[0], 52), 0);
	for (level = 0; level <= 2; level++) {
		((__le64 *)fmt.buf)[7] = cpu_to_le64(junk);
		kpt_fmt_at(&fmt, level, 7);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_EMPTY, "level %u", level);
		((__le64 *)fmt.buf)[7] =
			cpu_to_le64(VTDT_W | (level ? VTDT_PS : 0) |
				    0x0000123440000000ULL);
		kpt_fmt_at(&fmt, level, 7);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_OA, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt.pts),
				    0x0000123440000000ULL, "level %u", level);
	}
	kfree(fmt.buf);
}

/*
 * Bits the engine never writes but the specification defines: a leaf's
 * ignored bits, EMT and IPAT do not move its address; a table entry's
 * ignored bits (the engine's software bits among them) do not move the
 * table.
 */
static void kpt_vtd_test_foreign_bits(struct kunit *test)
{
	static const struct {
		unsigned int level;
		u64 word;
		u64 oa;
	} pages[] = {
		{ 0, VTDT_R | VTDT_EMT | VTDT_IPAT | BIT_ULL(7) |
			     0x000123456789a000ULL,
		  0x000123456789a000ULL },
		{ 1, VTDT_R | VTDT_PS | VTDT_EMT | 0x000fffffffe00000ULL,
		  0x000fffffffe00000ULL },
		{ 2, VTDT_W | VTDT_PS | VTDT_IPAT | 0x0000000040000000ULL,
		  0x0000000040000000ULL },
	};
	struct kpt_fmt fmt;
	unsigned int i, level;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, &kpt_cfgs[0], 52), 0);
	for (i = 0; i != ARRAY_SIZE(pages); i++) {
		((__le64 *)fmt.buf)[3] =
			cpu_to_le64(pages[i].word | VTDT_LEAF_IGNORED);
		kpt_fmt_at(&fmt, pages[i].level, 3);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_OA, "level %u", pages[i].level);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt.pts), pages[i].oa,
				    "level %u", pages[i].level);
		KUNIT_EXPECT_EQ(test, pt_entry_oa_lg2sz(&fmt.pts),
				kpt_ref_item_lg2(pages[i].level));
	}
	for (level = 1; level <= KPT_REF_MAX_LEVEL; level++) {
		((__le64 *)fmt.buf)[5] = cpu_to_le64(VTDT_R |
						     0x000ffffffffff000ULL |
						     VTDT_TABLE_IGNORED);
		kpt_fmt_at(&fmt, level, 5);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_TABLE, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test, pt_table_pa(&fmt.pts),
				    0x000ffffffffff000ULL, "level %u", level);
	}
	kfree(fmt.buf);
}

/*
 * SNP: on every leaf with PT_FEAT_VTDSS_FORCE_COHERENCE whatever the prot,
 * on none without it (bit 11 is reserved on a unit without Snoop Control),
 * IOMMU_CACHE or not; never on a table entry. Read from the raw words.
 */
static void kpt_vtd_test_snoop(struct kunit *test)
{
	static const unsigned int prots[] = {
		IOMMU_READ, IOMMU_WRITE | IOMMU_CACHE,
		IOMMU_READ | IOMMU_WRITE,
	};
	unsigned int c, i;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		bool snp = cfg->features & KPT_VTD_SC;
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		u64 top_pa, word;
		unsigned int top_level, level;

		KUNIT_ASSERT_NOT_NULL(test, ctx);
		for (i = 0; i != ARRAY_SIZE(prots); i++)
			kpt_map_ok(ctx, (u64)i * KPT_SZ_4K,
				   0x40000000 + (u64)i * KPT_SZ_4K, KPT_SZ_4K,
				   prots[i]);
		KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &top_pa,
						  &top_level), 0);
		for (level = top_level; level; level--) {
			word = kpt_word(phys_to_virt(top_pa), 0);
			KUNIT_EXPECT_FALSE_MSG(test, word & VTDT_SNP,
					       "%s: table entry %016llx",
					       cfg->name, word);
			top_pa = word & VTDT_ADDR_4K;
		}
		for (i = 0; i != ARRAY_SIZE(prots); i++) {
			word = kpt_word(phys_to_virt(top_pa), i);
			KUNIT_EXPECT_EQ_MSG(test, !!(word & VTDT_SNP), snp,
					    "%s: page %u %016llx", cfg->name, i,
					    word);
		}
		kpt_ctx_free(ctx);
	}
}

/* hw_info: AW 1, 2, 3 for 3, 4, 5 levels, whatever the features */
static void kpt_vtd_test_aw(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		struct pt_iommu_vtdss_hw_info info = {};

		KUNIT_ASSERT_NOT_NULL(test, ctx);
		pt_iommu_vtdss_hw_info(&ctx->table, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.aw, cfg->vasz_lg2 == 39 ? 1 :
						   cfg->vasz_lg2 == 48 ? 2 : 3,
				    "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, info.ssptptr & (KPT_SZ_4K - 1), 0);
		kpt_ctx_free(ctx);
	}
}

/*
 * Dirty state only with A/D tracking (PT_FEAT_VTDSS_SSADS): without it
 * read_and_clear_dirty is refused and changes nothing; with it a fresh
 * writable mapping reads clean (D is the unit's to set, as on AMD v1).
 */
static void kpt_vtd_test_dirty_feature(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		bool ad = cfg->features & KPT_VTD_AD;
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		struct iommu_iotlb_gather gather;
		struct iommu_dirty_bitmap bitmap;
		int ret;

		kpt_map_ok(ctx, KPT_SZ_2M, KPT_SZ_2M, 2 * KPT_SZ_2M,
			   IOMMU_READ | IOMMU_WRITE);
		iommu_dirty_bitmap_init(&bitmap, NULL, &gather);
		ret = KPT_OP(read_and_clear_dirty)(kpt_domain(ctx), KPT_SZ_2M,
						   2 * KPT_SZ_2M, 0, &bitmap);
		KUNIT_EXPECT_EQ_MSG(test, ret, ad ? 0 : -EOPNOTSUPP, "%s",
				    cfg->name);
		KUNIT_EXPECT_GT_MSG(test, (u64)gather.start, (u64)gather.end,
				    "%s: reported dirty", cfg->name);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, KPT_SZ_2M, 2 * KPT_SZ_2M),
				2 * KPT_SZ_2M);
		kpt_ctx_free(ctx);
	}
}

/*
 * A unit without large pages (CAP_REG.SLLPS 0, or a driver that turns them
 * off): the generic suites write their ranges in 2M and 1G units and expect
 * a leaf at level 1, so this configuration is checked here. The page size
 * bitmap is 4K alone; 4M at 2M aligned IOVA and PA is written as 1024
 * SS-PTEs under SS-PDEs that reference tables, never an SS-PDE with PS; a
 * 2M page is refused; cuts at page boundaries change nothing and one
 * inside a page is refused.
 */
static const struct kpt_cfg kpt_vtd_4k_cfg = {
	.name = "4lvl-4k-oa48", .vasz_lg2 = 48, .oasz_lg2 = 48,
};

static void kpt_vtd_test_4k_only(struct kunit *test)
{
	const u64 va = KPT_SZ_1G - KPT_SZ_2M, pa = 3 * KPT_SZ_1G;
	const u64 len = 2 * KPT_SZ_2M;
	struct kpt_ctx *ctx = kpt_ctx_new(test, &kpt_vtd_4k_cfg);
	struct kpt_walk walk = {};
	size_t mapped = 0;
	unsigned int s;

	KUNIT_EXPECT_EQ(test, (u64)kpt_domain(ctx)->pgsize_bitmap, KPT_SZ_4K);
	KUNIT_EXPECT_EQ(test, kpt_map(ctx, va + len, pa + len, KPT_SZ_2M, 1,
				      IOMMU_READ, &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, mapped, 0);
	kpt_map_ok(ctx, va, pa, len, IOMMU_READ | IOMMU_WRITE);

	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ(test, walk.nbad, 0);
	KUNIT_EXPECT_EQ(test, walk.by_size[ilog2(KPT_SZ_4K)],
			len / KPT_SZ_4K);
	for (s = 0; s != 64; s++)
		if (s != ilog2(KPT_SZ_4K))
			KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], 0,
					    "leaves of 2^%u", s);
	KUNIT_EXPECT_EQ(test, walk.leaf_bytes, len);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + KPT_SZ_2M + 5),
			pa + KPT_SZ_2M + 5);

	KUNIT_EXPECT_EQ(test, KPT_OP(cut_mapping)(&ctx->table.iommu,
						  va + KPT_SZ_2M, GFP_KERNEL),
			0);
	KUNIT_EXPECT_EQ(test, KPT_OP(cut_mapping)(&ctx->table.iommu,
						  va + 3 * KPT_SZ_4K,
						  GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, KPT_OP(cut_mapping)(&ctx->table.iommu,
						  va + KPT_SZ_4K / 2,
						  GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), walk.ntables);

	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, len), len);
	kpt_check_empty(ctx, "after the unmap");
	kpt_ctx_free(ctx);
}

static struct kunit_case kpt_vtd_cases[] = {
	KUNIT_CASE(kpt_vtd_test_present),
	KUNIT_CASE(kpt_vtd_test_foreign_bits),
	KUNIT_CASE(kpt_vtd_test_snoop),
	KUNIT_CASE(kpt_vtd_test_aw),
	KUNIT_CASE(kpt_vtd_test_4k_only),
	KUNIT_CASE(kpt_vtd_test_dirty_feature),
	{}
};

static struct kunit_suite kpt_vtd_suite = {
	.name = KPT_SUITE_NAME("vtd"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_vtd_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_vtd_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT VT-d second-stage page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

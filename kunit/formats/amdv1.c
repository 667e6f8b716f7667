// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the AMD IOMMU v1 page table.
 *
 * The test personality below encodes and decodes entries from the AMD I/O
 * Virtualization Technology (IOMMU) Specification, section "I/O Page
 * Tables" (the same facts as drivers/iommu/amd/amd_iommu_types.h), not from
 * fmt/amdv1.h, so that the suites check the engine against an independent
 * reading of the format.
 */
#define PT_FMT amdv1

#include "fmt/amdv1.h"
#include "generic_pt/pt_iter.h"
#include "../common.h"

/* Fields of an I/O page table entry, as the specification numbers them */
#define AMDT_PR BIT_ULL(0)	/* Present */
#define AMDT_A BIT_ULL(5)	/* Accessed, set by the IOMMU */
#define AMDT_D BIT_ULL(6)	/* Dirty, set by the IOMMU */
#define AMDT_NL_SHIFT 9		/* Next Level, bits 11:9 */
#define AMDT_NL_MASK (7ULL << AMDT_NL_SHIFT)
#define AMDT_ADDR_MASK GENMASK_ULL(51, 12)	/* Address, bits 51:12 */
#define AMDT_U BIT_ULL(59)	/* Attribute override */
#define AMDT_FC BIT_ULL(60)	/* Force Coherent */
#define AMDT_IR BIT_ULL(61)	/* Read permission */
#define AMDT_IW BIT_ULL(62)	/* Write permission */

/*
 * No bit of a table entry (PDE) is left for the engine's software notes
 * (KPT_REF_TABLE_FULL_BIT, KPT_REF_TABLE_SYNC_BIT): none could be confirmed
 * as ignored by the IOMMU from the specification, and 6.12's
 * amd_iommu_types.h names none.
 */

/* Next Level of a leaf: a page of the level's size, or of the encoded size */
#define AMDT_NL_PAGE 0
#define AMDT_NL_SIZED 7

/* 512 entries of 8 bytes, 4K pages, hardware levels 1 to 6, 52-bit OA */
#define AMDT_PAGE_LG2 12
#define AMDT_LEVEL_BITS 9
#define AMDT_HW_LEVELS 6
#define AMDT_OA_LG2 52
/* A sized page spans up to 2^8 entries of its level */
#define AMDT_SIZED_MAX_LG2 8
/*
 * Page sizes the driver must never use, from 6.12's AMD_IOMMU_PGSIZES
 * (GENMASK_ULL(51, 12) ^ SZ_512G, drivers/iommu/amd/amd_iommu_types.h):
 * 512G pages do not work because of a hardware bug, and no page may be as
 * large as the 52-bit physical address space, so 2^51 is the largest.
 */
#define AMDT_ERRATUM_LG2 39
#define AMDT_MAX_PAGE_LG2 51

/* Engine levels 0..5 are hardware levels 1..6; level 0 holds 4K pages */
#define KPT_REF_MAX_LEVEL (AMDT_HW_LEVELS - 1)
#define KPT_REF_PROT_MASK (IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)
/* What the IOMMU itself may set in a leaf, and what of it a re-write keeps */
#define KPT_REF_HW_LEAF_BITS (AMDT_A | AMDT_D)
#define KPT_REF_HW_KEPT_BITS AMDT_D

/*
 * What the configuration under test changes in the encoding, see
 * kpt_ref_select(): with PT_FEAT_AMDV1_FORCE_COHERENCE every leaf has FC,
 * as 6.12's driver writes it on every PTE; with PT_FEAT_AMDV1_SME every
 * table pointer and every leaf address carries the memory encryption mask
 * (6.12: iommu_virt_to_phys() and __sme_set() in io_pgtable.c), here the
 * one the test injects, and so does the root in the DTE.
 */
static struct {
	bool force_fc;
	u64 sme;
} kpt_amd;

static void kpt_amd_select(const struct kpt_cfg *cfg)
{
	bool force_fc = cfg->features & BIT(PT_FEAT_AMDV1_FORCE_COHERENCE);
	u64 sme = cfg->features & BIT(PT_FEAT_AMDV1_SME) ? cfg->sme_mask : 0;

	if (kpt_amd.force_fc != force_fc)
		kpt_amd.force_fc = force_fc;
	if (kpt_amd.sme != sme)
		kpt_amd.sme = sme;
}

/*
 * The address an entry points at, without the encryption mask; false if
 * the mask should be there and is not
 */
static bool kpt_amd_addr(u64 word, u64 *addr)
{
	*addr = word & AMDT_ADDR_MASK;
	if ((*addr & kpt_amd.sme) != kpt_amd.sme)
		return false;
	*addr &= ~kpt_amd.sme;
	return true;
}

#define kpt_ref_select kpt_amd_select

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return AMDT_PAGE_LG2 + AMDT_LEVEL_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return AMDT_LEVEL_BITS;
}

/*
 * A level holds pages of its item size times 2^0 .. 2^8 within the OA, up
 * to 2^51 and never 512G: a 512G page would be a level 3 page of the
 * level's own size, so level 3 has 1T to 128T only.
 */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	unsigned int limit = min_t(unsigned int, cfg->oasz_lg2,
				   AMDT_MAX_PAGE_LG2);
	u64 sizes = 0;
	unsigned int k;

	for (k = 0; k <= AMDT_SIZED_MAX_LG2; k++)
		if (kpt_ref_item_lg2(level) + k <= limit)
			sizes |= BIT_ULL(kpt_ref_item_lg2(level) + k);
	return sizes & ~BIT_ULL(AMDT_ERRATUM_LG2);
}

/* Levels init must build: enough for the VA, or the dynamic start */
static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	unsigned int levels = 1;

	while (kpt_ref_item_lg2(levels - 1) + AMDT_LEVEL_BITS < cfg->vasz_lg2)
		levels++;
	if (cfg->dyn_start_levels && cfg->dyn_start_levels < levels)
		levels = cfg->dyn_start_levels;
	return levels;
}

/* The IOVA is not sign extended: one span from 0 */
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

static unsigned int kpt_ref_prot_from_bits(u64 word)
{
	unsigned int prot = 0;

	if (word & AMDT_IR)
		prot |= IOMMU_READ;
	if (word & AMDT_IW)
		prot |= IOMMU_WRITE;
	if (word & AMDT_FC)
		prot |= IOMMU_CACHE;
	return prot;
}

static u64 kpt_ref_prot_bits(unsigned int prot)
{
	u64 bits = 0;

	if (prot & IOMMU_READ)
		bits |= AMDT_IR;
	if (prot & IOMMU_WRITE)
		bits |= AMDT_IW;
	if ((prot & IOMMU_CACHE) || kpt_amd.force_fc)
		bits |= AMDT_FC;
	return bits;
}

/*
 * IR and IW are independent, but a present leaf that allows neither is of
 * no use: 6.12's iommu_v1_map_pages() refuses a prot without
 * IOMMU_PROT_IR or IOMMU_PROT_IW with -EINVAL, as the other formats do.
 */
static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

/* FC (reported as IOMMU_CACHE) on every leaf where it is forced */
static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	return (prot & KPT_REF_PROT_MASK) | (kpt_amd.force_fc ? IOMMU_CACHE : 0);
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

static u64 kpt_ref_table_word(unsigned int level, u64 table_pa);

/* Decode the entry at @index of a table of engine level @level */
static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	u64 word = kpt_word(table, index);
	unsigned int nl = (word & AMDT_NL_MASK) >> AMDT_NL_SHIFT;
	unsigned int bit, i;
	u64 addr;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };

	if (!(word & AMDT_PR)) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "non-present entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}

	if (!kpt_amd_addr(word, &addr))
		return kpt_ref_bad(ent, "address without the encryption mask");
	if (nl != AMDT_NL_PAGE && nl != AMDT_NL_SIZED) {
		/* A table's NL is the hardware level of the lower table */
		if (level == 0)
			return kpt_ref_bad(ent, "table entry in a 4K table");
		if (nl != level)
			return kpt_ref_bad(ent, "table entry with a wrong NL");
		if (word != kpt_ref_table_word(level, addr))
			return kpt_ref_bad(ent, "table entry bits");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		return;
	}

	/* A leaf; the engine writes no A, D or U bits */
	if (word & ~(AMDT_PR | AMDT_NL_MASK | AMDT_ADDR_MASK | AMDT_IR |
		     AMDT_IW | AMDT_FC))
		return kpt_ref_bad(ent, "unexpected leaf bits");
	ent->prot = kpt_ref_prot_from_bits(word);

	if (nl == AMDT_NL_PAGE) {
		ent->size_lg2 = isz_lg2;
		ent->oa = addr;
		if (isz_lg2 > AMDT_MAX_PAGE_LG2)
			return kpt_ref_bad(ent, "page as large as the OA");
		if (isz_lg2 == AMDT_ERRATUM_LG2)
			return kpt_ref_bad(ent, "512G page (erratum)");
		if (addr & kpt_max(isz_lg2))
			return kpt_ref_bad(ent, "misaligned page address");
		ent->type = KPT_REF_LEAF;
		return;
	}

	/* NL 7: the lowest zero address bit is bit size_lg2 - 1 */
	for (bit = AMDT_PAGE_LG2; bit < AMDT_OA_LG2 && (addr & BIT_ULL(bit));
	     bit++)
		;
	if (bit >= AMDT_OA_LG2)
		return kpt_ref_bad(ent, "sized page without a size");
	ent->size_lg2 = bit + 1;
	ent->oa = addr & ~kpt_max(ent->size_lg2);
	if (ent->size_lg2 <= isz_lg2 ||
	    ent->size_lg2 > isz_lg2 + AMDT_SIZED_MAX_LG2)
		return kpt_ref_bad(ent, "sized page of another level's size");
	if (ent->size_lg2 > AMDT_MAX_PAGE_LG2)
		return kpt_ref_bad(ent, "sized page as large as the OA");
	ent->nitems = 1U << (ent->size_lg2 - isz_lg2);
	if (index % ent->nitems)
		return kpt_ref_bad(ent, "sized page not aligned in its table");
	/* Every entry the page spans holds the same word */
	for (i = 1; i < ent->nitems; i++)
		if (kpt_word(table, index + i) != word)
			return kpt_ref_bad(ent, "sized page replica differs");
	ent->type = KPT_REF_LEAF;
}

/* The word a leaf of 2^size_lg2 bytes at @oa must be written as */
static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	u64 word = AMDT_PR | kpt_ref_prot_bits(prot) | oa | kpt_amd.sme;
	unsigned int bit;

	if (size_lg2 == kpt_ref_item_lg2(level))
		return word | ((u64)AMDT_NL_PAGE << AMDT_NL_SHIFT);

	word |= (u64)AMDT_NL_SIZED << AMDT_NL_SHIFT;
	/* Bits 12 .. size_lg2 - 2 are ones, bit size_lg2 - 1 stays zero */
	for (bit = AMDT_PAGE_LG2; bit + 2 <= size_lg2; bit++)
		word |= BIT_ULL(bit);
	return word;
}

/*
 * The word of a table entry at engine level @level: it points at a table of
 * engine level @level - 1, which is hardware level @level.
 */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return AMDT_PR | AMDT_IR | AMDT_IW | ((u64)level << AMDT_NL_SHIFT) |
	       table_pa | kpt_amd.sme;
}

/* The cut suite: the dirty bit, and one word as the IOMMU reads it */
#define KPT_REF_DIRTY AMDT_D

/*
 * What the IOMMU makes of the one word it reads at a level while
 * translating an IOVA: a table (NL is the hardware level of the table below,
 * IR and IW are ANDed with the leaf's), a page of the level's size (NL 0) or
 * a page whose size is encoded in its address (NL 7). The other replicas of
 * an NL 7 page are not looked at, A and D may be set.
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int nl = (word & AMDT_NL_MASK) >> AMDT_NL_SHIFT;
	unsigned int bit;
	u64 addr;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & AMDT_PR)) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	/* The memory controller takes the encryption bit, the rest is PA */
	if (!kpt_amd_addr(word, &addr))
		return kpt_ref_bad(ent, "address without the encryption mask");
	if (nl != AMDT_NL_PAGE && nl != AMDT_NL_SIZED) {
		if (level == 0 || nl != level)
			return kpt_ref_bad(ent, "table entry with a wrong NL");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		ent->prot = kpt_ref_prot_from_bits(word) | IOMMU_CACHE;
		return;
	}
	ent->prot = kpt_ref_prot_from_bits(word);
	ent->size_lg2 = isz_lg2;
	if (nl == AMDT_NL_SIZED) {
		for (bit = AMDT_PAGE_LG2;
		     bit < AMDT_OA_LG2 && (addr & BIT_ULL(bit)); bit++)
			;
		ent->size_lg2 = bit + 1;
		if (bit >= AMDT_OA_LG2 || ent->size_lg2 <= isz_lg2 ||
		    ent->size_lg2 > isz_lg2 + AMDT_SIZED_MAX_LG2)
			return kpt_ref_bad(ent, "sized page of a wrong size");
		ent->nitems = 1U << (ent->size_lg2 - isz_lg2);
	}
	ent->oa = addr & ~kpt_max(ent->size_lg2);
	ent->type = KPT_REF_LEAF;
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_amdv1_cfg amd_cfg = {
		.common = {
			.features = cfg->features,
			.max_vasz_lg2 = cfg->vasz_lg2,
			.max_oasz_lg2 = cfg->oasz_lg2,
		},
	};

	/* What the driver hands the table, set on it before init */
	table->iommu.driver_ops = cfg->no_driver_ops ? NULL : ops;
	table->iommu.nid = NUMA_NO_NODE;

	if (cfg->dyn_start_levels) {
		amd_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
		amd_cfg.starting_level = cfg->dyn_start_levels;
	}
	return pt_iommu_amdv1_init(table, &amd_cfg, GFP_KERNEL);
}

/* The top from the DTE fields: root pointer and paging mode (levels) */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_amdv1_hw_info info = {};

	pt_iommu_amdv1_hw_info(table, &info);
	if (info.mode < 1 || info.mode > AMDT_HW_LEVELS ||
	    (info.host_pt_root & ~AMDT_ADDR_MASK) ||
	    (info.host_pt_root & kpt_amd.sme) != kpt_amd.sme)
		return -EINVAL;
	*top_pa = info.host_pt_root & ~kpt_amd.sme;
	*top_level = info.mode - 1;
	return 0;
}

static const unsigned int kpt_fmt_prots[] = {
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_CACHE,
};

static const unsigned int kpt_prots[] = {
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ,
	IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
};

static const struct kpt_cfg kpt_cfgs[] = {
	{ .name = "va64", .vasz_lg2 = 64, .oasz_lg2 = 52 },
	/* As 6.12's driver: three levels growing, FC on every leaf */
	{ .name = "va64-dyn3-fc", .vasz_lg2 = 64, .oasz_lg2 = 52,
	  .dyn_start_levels = 3,
	  .features = BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) },
	{ .name = "va48-oa44", .vasz_lg2 = 48, .oasz_lg2 = 44 },
	{ .name = "va40-oa40-dyn1", .vasz_lg2 = 40, .oasz_lg2 = 40,
	  .dyn_start_levels = 1 },
	{ .name = "va21-oa32", .vasz_lg2 = 21, .oasz_lg2 = 32 },
	/*
	 * An SME host: the C-bit (the mask) above the physical addresses, at
	 * 47 or 51 as CPUID 0x8000001F reports it on EPYC parts
	 */
	{ .name = "va57-oa46-sme47-fc", .vasz_lg2 = 57, .oasz_lg2 = 46,
	  .features = BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) |
		      BIT(PT_FEAT_AMDV1_SME),
	  .sme_mask = BIT_ULL(47) },
	{ .name = "va48-oa48-dyn2-sme51", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .dyn_start_levels = 2, .features = BIT(PT_FEAT_AMDV1_SME),
	  .sme_mask = BIT_ULL(51) },
};

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "va20", .vasz_lg2 = 20, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "va65", .vasz_lg2 = 65, .oasz_lg2 = 52, .err = -EINVAL },
	{ .name = "oa31", .vasz_lg2 = 48, .oasz_lg2 = 31, .err = -EINVAL },
	{ .name = "oa53", .vasz_lg2 = 48, .oasz_lg2 = 53, .err = -EINVAL },
	{ .name = "dyn0", .vasz_lg2 = 64, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_DYNAMIC_TOP), .err = -EINVAL },
	{ .name = "dyn7", .vasz_lg2 = 64, .oasz_lg2 = 52,
	  .dyn_start_levels = 7, .err = -EINVAL },
	{ .name = "dyn-no-ops", .vasz_lg2 = 64, .oasz_lg2 = 52,
	  .dyn_start_levels = 3, .no_driver_ops = true, .err = -EINVAL },
	{ .name = "sign-extend", .vasz_lg2 = 48, .oasz_lg2 = 52,
	  .features = BIT(PT_FEAT_SIGN_EXTEND), .err = -EOPNOTSUPP },
	/* The encryption mask must be an address bit above every OA */
	{ .name = "sme-in-oa", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = BIT(PT_FEAT_AMDV1_SME), .sme_mask = BIT_ULL(47),
	  .err = -EINVAL },
	{ .name = "sme-above-field", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = BIT(PT_FEAT_AMDV1_SME), .sme_mask = BIT_ULL(52),
	  .err = -EINVAL },
	{ .name = "sme-below-field", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = BIT(PT_FEAT_AMDV1_SME), .sme_mask = BIT_ULL(11),
	  .err = -EINVAL },
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
	{ .name = "oa52", .vasz_lg2 = 64, .oasz_lg2 = 52 },
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"
#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

/* The AMD suite: the hardware rules the templates do not cover */

/*
 * No 512G page: a 512G map is made of two 256G pages (level 2, Next Level
 * 7), map_pages refuses a 512G pgsize, and the largest page is 2^51, so
 * 2^52 mapped at once is two of them.
 */
static void kpt_amd_test_no_512g(struct kunit *test)
{
	const u64 sz512g = BIT_ULL(AMDT_ERRATUM_LG2);
	unsigned int i, n = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 va = 2 * sz512g, pa = 3 * sz512g;
		struct kpt_walk walk = {};
		struct kpt_snap *before;
		struct kpt_ctx *ctx;

		/* Room for a 512G page at 1T, from 1.5T */
		if (cfg->vasz_lg2 < 41 || cfg->oasz_lg2 < 41)
			continue;
		ctx = kpt_ctx_new(test, cfg);
		KUNIT_EXPECT_FALSE_MSG(test,
				       kpt_domain(ctx)->pgsize_bitmap & sz512g,
				       "%s: 512G in the page size bitmap",
				       cfg->name);
		before = kpt_snap_take(ctx);
		kpt_map_fails(ctx, before, va, pa, sz512g, 1, -EINVAL, -EINVAL,
			      "map_pages with a 512G pgsize");
		kpt_snap_put(before);

		kpt_map_ok(ctx, va, pa, sz512g, IOMMU_READ | IOMMU_WRITE);
		kpt_walk(ctx, &walk);
		KUNIT_EXPECT_EQ_MSG(test, walk.by_size[AMDT_ERRATUM_LG2], 0,
				    "%s: 512G leaves", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, walk.by_size[AMDT_ERRATUM_LG2 - 1], 2,
				    "%s: 256G leaves", cfg->name);
		KUNIT_EXPECT_EQ(test, walk.nleaves, 2);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), pa);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + sz512g - 1),
				pa + sz512g - 1);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, sz512g), sz512g);
		n++;

		/* The largest page is 2^51, never 2^52 */
		if (cfg->vasz_lg2 > AMDT_OA_LG2 + 1 &&
		    cfg->oasz_lg2 == AMDT_OA_LG2) {
			u64 big = BIT_ULL(AMDT_OA_LG2);

			KUNIT_EXPECT_EQ_MSG(test,
					    fls64(kpt_domain(ctx)->pgsize_bitmap),
					    AMDT_MAX_PAGE_LG2 + 1, "%s",
					    cfg->name);
			before = kpt_snap_take(ctx);
			kpt_map_fails(ctx, before, big, 0, big, 1, -EINVAL,
				      -EINVAL, "map_pages with a 2^52 pgsize");
			kpt_snap_put(before);
			kpt_map_ok(ctx, big, 0, big, IOMMU_READ);
			memset(&walk, 0, sizeof(walk));
			kpt_walk(ctx, &walk);
			KUNIT_EXPECT_EQ_MSG(test,
					    walk.by_size[AMDT_MAX_PAGE_LG2], 2,
					    "%s: 2^51 leaves", cfg->name);
			KUNIT_EXPECT_EQ(test, walk.nleaves, 2);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 2 * big - 1),
					big - 1);
			KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, big, big), big);
		}
		kpt_ctx_free(ctx);
	}
	KUNIT_EXPECT_GT(test, n, 0);
}

/*
 * Cutting a 1T to 128T page (Next Level 7 at level 3) at or inside a 512G
 * item: a side left with a single 512G item gets a table of two 256G pages
 * instead, like a fresh map of it (kpt_cut_one() compares each side with
 * one, and every walk refuses a 512G leaf).
 */
static void kpt_amd_test_cut_runs(struct kunit *test)
{
	static const unsigned int sizes[] = { 40, 41, 44, 47 };
	const struct kpt_cfg *cfg = &kpt_cfgs[0];
	const u64 item = BIT_ULL(AMDT_ERRATUM_LG2);
	unsigned int i, j, n = 0;
	struct kpt_cut c;

	for (i = 0; i != ARRAY_SIZE(sizes); i++) {
		u64 size = BIT_ULL(sizes[i]);
		u64 pts[] = { item, item + KPT_SZ_4K, size - item,
			      size - item + KPT_SZ_2M, 3 * item,
			      size / 2 + item, size / 2 - item + KPT_SZ_1G };

		for (j = 0; j != ARRAY_SIZE(pts); j++) {
			if (pts[j] >= size)
				continue;
			KUNIT_ASSERT_TRUE(test,
					  kpt_cut_setup(&c, test, cfg, sizes[i],
							IOMMU_READ |
								IOMMU_WRITE));
			KUNIT_ASSERT_EQ(test, c.level, 3);
			c.ctx = kpt_ctx_new(test, cfg);
			c.granule = c.ctx->min_pgsize;
			kpt_cut_at(&c, c.va + pts[j]);
			kpt_cut_one(&c, j);
			kpt_ctx_free(c.ctx);
			n++;
		}
	}
	kunit_info(test, "%s: %u cuts of level 3 pages", cfg->name, n);
}

/*
 * Force Coherent: with PT_FEAT_AMDV1_FORCE_COHERENCE every leaf has FC
 * whatever the prot, so that a driver's enforce_cache_coherency can rely on
 * it; without it FC follows IOMMU_CACHE. The feature stays in the table's
 * features for the driver to test.
 */
static void kpt_amd_test_force_coherent(struct kunit *test)
{
	static const unsigned int prots[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
		IOMMU_READ | IOMMU_CACHE,
	};
	unsigned int force, i;

	for (force = 0; force != 2; force++) {
		struct kpt_cfg cfg = {
			.name = force ? "va48-fc" : "va48",
			.vasz_lg2 = 48,
			.oasz_lg2 = 52,
			.features = force ?
				BIT(PT_FEAT_AMDV1_FORCE_COHERENCE) : 0,
		};
		struct kpt_ctx *ctx = kpt_ctx_new(test, &cfg);

		KUNIT_EXPECT_EQ(test,
				!!pt_feature(&ctx->table.iommu.common,
					     PT_FEAT_AMDV1_FORCE_COHERENCE),
				force);
		for (i = 0; i != ARRAY_SIZE(prots); i++) {
			unsigned int size = i % 2 ? KPT_SZ_2M : KPT_SZ_4K;
			bool fc = force || (prots[i] & IOMMU_CACHE);
			u64 va = KPT_SZ_1G * (i + 1), pa = KPT_SZ_1G * (i + 2);
			struct kpt_one_leaf one = {};
			struct kpt_walk walk = {
				.leaf_fn = kpt_record_leaf,
				.priv = &one,
			};
			const void *table;
			u64 word, tpa;
			unsigned int level, index;

			kpt_map_ok(ctx, va, pa, size, prots[i]);
			kpt_walk(ctx, &walk);
			KUNIT_EXPECT_EQ_MSG(test, one.n, 1, "%s: prot %x: leaves",
					    cfg.name, prots[i]);
			KUNIT_EXPECT_EQ_MSG(test,
					    !!(one.leaf.prot & IOMMU_CACHE), fc,
					    "%s: prot %x", cfg.name, prots[i]);
			/* The word itself, from the top the driver programs */
			KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &tpa,
							  &level), 0);
			for (; level != one.leaf.level; level--) {
				index = (va >> kpt_ref_item_lg2(level)) & 511;
				word = kpt_word(phys_to_virt(tpa), index);
				tpa = word & AMDT_ADDR_MASK;
			}
			table = phys_to_virt(tpa);
			index = (va >> kpt_ref_item_lg2(level)) & 511;
			word = kpt_word(table, index);
			KUNIT_EXPECT_EQ_MSG(test, !!(word & AMDT_FC), fc,
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
 * Memory encryption (SME): with PT_FEAT_AMDV1_SME every table pointer and
 * every leaf holds the mask in memory, and so does the root in the DTE,
 * as 6.12's driver writes them; every operation and iova_to_phys still
 * work on the plain addresses. (Every walk of the suites also checks the
 * mask, the reference decoder refuses an entry without it.)
 */
static unsigned int kpt_amd_sme_words(struct kunit *test,
				      const struct kpt_cfg *cfg,
				      const struct kpt_snap *snap)
{
	unsigned int i, j, n = 0;

	for (i = 0; i != snap->n; i++) {
		for (j = 0; j != snap->t[i].items; j++) {
			u64 word = le64_to_cpu(snap->t[i].words[j]);

			if (!word)
				continue;
			n++;
			KUNIT_EXPECT_EQ_MSG(test, word & cfg->sme_mask,
					    cfg->sme_mask,
					    "%s: level %u table %llx item %u: %016llx",
					    cfg->name, snap->t[i].level,
					    snap->t[i].pa, j, word);
		}
	}
	return n;
}

static void kpt_amd_test_sme(struct kunit *test)
{
	unsigned int i, tested = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		u64 top = kpt_max(cfg->vasz_lg2) - KPT_SZ_2M + 1;
		u64 pa = kpt_max(cfg->oasz_lg2) & ~(KPT_SZ_1G - 1);
		struct pt_iommu_amdv1_hw_info info;
		struct kpt_snap *snap;
		struct kpt_ctx *ctx;
		unsigned int words;

		if (!(cfg->features & BIT(PT_FEAT_AMDV1_SME)))
			continue;
		ctx = kpt_ctx_new(test, cfg);
		/* Pages, a 64K and a 2M page, a 1G page, and up at the top */
		kpt_map_ok(ctx, KPT_SZ_1G, pa, KPT_SZ_4K, IOMMU_READ);
		kpt_map_ok(ctx, KPT_SZ_1G + 0x10000, pa + 0x10000, 0x10000,
			   IOMMU_WRITE);
		kpt_map_ok(ctx, KPT_SZ_1G + KPT_SZ_2M, pa + KPT_SZ_2M,
			   KPT_SZ_2M, IOMMU_READ | IOMMU_WRITE);
		kpt_map_ok(ctx, 2 * KPT_SZ_1G, pa - KPT_SZ_1G, KPT_SZ_1G,
			   IOMMU_READ);
		kpt_map_ok(ctx, top, pa, KPT_SZ_2M, IOMMU_READ);

		pt_iommu_amdv1_hw_info(&ctx->table, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.host_pt_root & cfg->sme_mask,
				    cfg->sme_mask, "%s: DTE root %llx",
				    cfg->name, info.host_pt_root);
		snap = kpt_snap_take(ctx);
		words = kpt_amd_sme_words(test, cfg, snap);
		kpt_snap_put(snap);
		KUNIT_EXPECT_GT(test, words, 5);

		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, KPT_SZ_1G + 0x123),
				pa + 0x123);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, KPT_SZ_1G + 0x1ffff),
				pa + 0x1ffff);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, KPT_SZ_1G + 2 * KPT_SZ_2M - 1),
				pa + 2 * KPT_SZ_2M - 1);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 3 * KPT_SZ_1G - 1), pa - 1);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, top + 5), pa + 5);
		/* A cut keeps the mask in the leaves and tables it writes */
		KUNIT_EXPECT_EQ(test,
				KPT_OP(cut_mapping)(&ctx->table.iommu,
						    2 * KPT_SZ_1G + KPT_SZ_4K,
						    GFP_KERNEL),
				0);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, 2 * KPT_SZ_1G + KPT_SZ_4K),
				pa - KPT_SZ_1G + KPT_SZ_4K);
		snap = kpt_snap_take(ctx);
		KUNIT_EXPECT_GT(test, kpt_amd_sme_words(test, cfg, snap),
				words);
		kpt_snap_put(snap);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, 0, top),
				KPT_SZ_4K + 0x10000 + KPT_SZ_2M + KPT_SZ_1G);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, top, KPT_SZ_2M), KPT_SZ_2M);
		kpt_ctx_free(ctx);
		tested++;
	}
	KUNIT_EXPECT_GT(test, tested, 1);
}

static struct kunit_case kpt_amd_cases[] = {
	KUNIT_CASE(kpt_amd_test_no_512g),
	KUNIT_CASE(kpt_amd_test_cut_runs),
	KUNIT_CASE(kpt_amd_test_force_coherent),
	KUNIT_CASE(kpt_amd_test_sme),
	{}
};

static struct kunit_suite kpt_amd_suite = {
	.name = KPT_SUITE_NAME("rules"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_amd_cases,
};

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_amd_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT AMD IOMMU v1 page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

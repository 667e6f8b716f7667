/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit test personality of the Apple DART page tables, shared by the test
 * file of each granule.
 *
 * The including file defines PT_FMT (dart or dart_4k) and DART_GRANULE_LG2SZ
 * for the format header, and KPT_DART_GRANULE_LG2 (14 or 12) for this
 * personality.
 *
 * Apple publishes no DART documentation; the reference side is written from
 * what 6.12's drivers/iommu/io-pgtable-dart.c and apple-dart.c say of the
 * hardware: the entry bits (APPLE_DART_PTE_*, APPLE_DART1_*, APPLE_DART2_*),
 * the walk (dart_get_table(), dart_get_l1_index(), dart_get_l2_index(): a
 * TTBR chosen by the IOVA bits above two levels of tables, an L1 table of
 * table entries, an L2 table of pages) and the TTBRs the driver programs
 * (apple_dart_cfg.ttbr[], up to four). It does not use fmt/dart.h. Where it
 * departs from io-pgtable-dart (bit 1 on v2 leaves mapped with IOMMU_CACHE,
 * see KPT_DART_V2_NO_CACHE) it says so; kunit/crosscheck/dart_io_pgtable.c
 * compares whole tables with io-pgtable-dart's where the kernel has it.
 */
#ifndef __GENERIC_PT_KUNIT_DART_H
#define __GENERIC_PT_KUNIT_DART_H

#if KPT_DART_GRANULE_LG2 != 12 && KPT_DART_GRANULE_LG2 != 14
#error "KPT_DART_GRANULE_LG2 must be 12 or 14"
#endif

#include <linux/bitfield.h>

#include "fmt/dart.h"
#include "generic_pt/pt_iter.h"

/* The granules share the table structure */
#define KPT_TABLE pt_iommu_dart

#include "../common.h"

/* Index bits of one table: 11 (16K) or 9 (4K) */
#define DARTT_BITS (KPT_DART_GRANULE_LG2 - 3)
/* io-pgtable-dart's DART_MAX_TABLES: TTBRs per stream */
#define DARTT_MAX_TTBRS 4

/* Both generations */
#define DARTT_VALID BIT_ULL(0)
#define DARTT_SP_START GENMASK_ULL(63, 52)
#define DARTT_SP_END GENMASK_ULL(51, 40)
/* DART v1 (t8020): APPLE_DART1_* */
#define DARTT_V1_ADDR GENMASK_ULL(35, 12)
#define DARTT_V1_NO_READ BIT_ULL(8)
#define DARTT_V1_NO_WRITE BIT_ULL(7)
#define DARTT_V1_SP_DIS BIT_ULL(1)
/* DART v2 (t6000, t8110): APPLE_DART2_*, the address shifted right by 4 */
#define DARTT_V2_ADDR GENMASK_ULL(37, 10)
#define DARTT_V2_SHIFT 4
#define DARTT_V2_NO_READ BIT_ULL(3)
#define DARTT_V2_NO_WRITE BIT_ULL(2)
/*
 * 6.12 writes bit 1 on every leaf of both generations as SP_DIS, and so
 * NO_CACHE on every v2 leaf whatever IOMMU_CACHE says; later kernels write
 * SP_DIS on v1 only and leave NO_CACHE to the prot. The engine does the
 * latter: NO_CACHE exactly on v2 leaves mapped without IOMMU_CACHE.
 */
#define DARTT_V2_NO_CACHE BIT_ULL(1)

/* Engine level 0 is the L2 table (pages), 1 the L1 table (and the TTBRs) */
#define KPT_REF_MAX_LEVEL 1
#define KPT_REF_PROT_MASK (IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)
/* The DART sets no bit in an entry: no access or dirty state */
#define KPT_REF_HW_LEAF_BITS 0ULL
#define KPT_REF_HW_KEPT_BITS 0ULL
#define KPT_REF_DIRTY 0ULL
/*
 * The cut suite: no leaf is larger than an item, so there is nothing to
 * re-size or to turn into a table
 */
static inline bool kpt_dart_table_xchg(const struct kpt_cfg *cfg)
{
	return false;
}

#define kpt_ref_table_xchg kpt_dart_table_xchg

/* The layout of the configuration under test: v2 with PT_FEAT_DART_V2 */
static struct {
	bool v2;
} kpt_dart;

static void kpt_dart_select(const struct kpt_cfg *cfg)
{
	bool v2 = cfg->features & BIT(PT_FEAT_DART_V2);

	if (kpt_dart.v2 != v2)
		kpt_dart.v2 = v2;
}

#define kpt_ref_select kpt_dart_select

/*
 * The suites' 4K / 2M / 1G units: the page, the span of an L1 entry (one L2
 * table) and a larger range
 */
#if KPT_DART_GRANULE_LG2 == 14
#define KPT_SZ_4K 0x4000ULL
#define KPT_SZ_2M 0x2000000ULL
#define KPT_SZ_1G 0x40000000ULL
#endif

/* Output address sizes of the format suite: what both layouts hold */
static const u8 kpt_dart_fmt_oaszs[] = { 36, 34, 32 };

#define kpt_fmt_oaszs kpt_dart_fmt_oaszs

/* Table addresses for the format suite, within 36 bits */
static const u64 kpt_dart_table_pas[] = {
#if KPT_DART_GRANULE_LG2 == 14
	0x4000, 0xfffffc000ULL, 0x12345c000ULL,
#else
	0x1000, 0xffffff000ULL, 0x123456000ULL,
#endif
};

#define kpt_ref_table_pas kpt_dart_table_pas

/* Every level tested by the format suite is a whole table */
#define KPT_FMT_TOP_LEVEL (KPT_REF_MAX_LEVEL + 1)

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return KPT_DART_GRANULE_LG2 + DARTT_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return DARTT_BITS;
}

/* Pages of the granule in L2 only: io-pgtable-dart has no other size */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	if (level || KPT_DART_GRANULE_LG2 > cfg->oasz_lg2)
		return 0;
	return BIT_ULL(KPT_DART_GRANULE_LG2);
}

/* Always L1 and L2 (io-pgtable-dart's DART_LEVELS) */
static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	return 2;
}

/*
 * The TTBRs the IOVA size needs: the bits above what L1 and L2 resolve
 * select one (dart_get_table()), at least one
 */
static unsigned int kpt_dart_n_ttbrs(const struct kpt_cfg *cfg)
{
	int tbl_bits = cfg->vasz_lg2 - kpt_ref_item_lg2(1) - DARTT_BITS;

	return tbl_bits > 0 ? 1U << tbl_bits : 1;
}

/* The top: every IOVA bit above L2, over the concatenated L1 tables */
static unsigned int kpt_dart_top_items_lg2(const struct kpt_cfg *cfg,
					   unsigned int level)
{
	return cfg->vasz_lg2 - kpt_ref_item_lg2(level);
}

#define kpt_ref_top_items_lg2 kpt_dart_top_items_lg2

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

/* The address of an entry and the address bits of an entry */
static u64 kpt_dart_addr(u64 word)
{
	if (kpt_dart.v2)
		return (word & DARTT_V2_ADDR) << DARTT_V2_SHIFT;
	return word & DARTT_V1_ADDR;
}

static u64 kpt_dart_addr_bits(u64 addr)
{
	if (kpt_dart.v2)
		return (addr >> DARTT_V2_SHIFT) & DARTT_V2_ADDR;
	return addr & DARTT_V1_ADDR;
}

/*
 * Leaf bits for @prot (dart_prot_to_pte() and dart_init_pte()): VALID, the
 * sub-page range 0 to 0xfff, SP_DIS on v1, and the NO_ bits for what @prot
 * does not allow
 */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	u64 bits = DARTT_VALID | FIELD_PREP(DARTT_SP_END, 0xfff);

	if (kpt_dart.v2) {
		if (!(prot & IOMMU_READ))
			bits |= DARTT_V2_NO_READ;
		if (!(prot & IOMMU_WRITE))
			bits |= DARTT_V2_NO_WRITE;
		if (!(prot & IOMMU_CACHE))
			bits |= DARTT_V2_NO_CACHE;
	} else {
		bits |= DARTT_V1_SP_DIS;
		if (!(prot & IOMMU_READ))
			bits |= DARTT_V1_NO_READ;
		if (!(prot & IOMMU_WRITE))
			bits |= DARTT_V1_NO_WRITE;
	}
	return bits;
}

/* dart_map_pages(): neither read nor write is -EINVAL */
static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

/* v1 has no cache attribute */
static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE |
		       (kpt_dart.v2 ? IOMMU_CACHE : 0));
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

/* What a leaf word grants */
static unsigned int kpt_dart_leaf_prot(u64 word)
{
	unsigned int prot = 0;

	if (kpt_dart.v2) {
		if (!(word & DARTT_V2_NO_READ))
			prot |= IOMMU_READ;
		if (!(word & DARTT_V2_NO_WRITE))
			prot |= IOMMU_WRITE;
		if (!(word & DARTT_V2_NO_CACHE))
			prot |= IOMMU_CACHE;
	} else {
		if (!(word & DARTT_V1_NO_READ))
			prot |= IOMMU_READ;
		if (!(word & DARTT_V1_NO_WRITE))
			prot |= IOMMU_WRITE;
	}
	return prot;
}

/*
 * A word as the DART reads it translating one IOVA: nothing without VALID;
 * in L1 the address of an L2 table, in L2 a page with its NO_ bits
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & DARTT_VALID)) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level) {
		ent->type = KPT_REF_TABLE;
		ent->oa = kpt_dart_addr(word);
		ent->prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE |
			    IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_PRIV;
		return;
	}
	ent->type = KPT_REF_LEAF;
	ent->oa = kpt_dart_addr(word);
	ent->size_lg2 = KPT_DART_GRANULE_LG2;
	ent->prot = kpt_dart_leaf_prot(word);
}

static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	return kpt_ref_prot_bits(prot) | kpt_dart_addr_bits(oa);
}

/* dart_install_table(): the address and VALID */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return kpt_dart_addr_bits(table_pa) | DARTT_VALID;
}

/* Decode the entry at @index of a table of engine level @level */
static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	u64 word = kpt_word(table, index);
	u64 addr = kpt_dart_addr(word);
	unsigned int prot;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & DARTT_VALID)) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "invalid entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level) {
		if (word != kpt_ref_table_word(level, addr))
			return kpt_ref_bad(ent, "table entry bits");
		if (addr & kpt_max(KPT_DART_GRANULE_LG2))
			return kpt_ref_bad(ent, "table not aligned");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		return;
	}
	/* A page: exactly the bits of the prot it grants */
	prot = kpt_dart_leaf_prot(word);
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)))
		return kpt_ref_bad(ent, "page neither readable nor writable");
	if (addr & kpt_max(KPT_DART_GRANULE_LG2))
		return kpt_ref_bad(ent, "page address not aligned");
	if (word != kpt_ref_leaf_word(0, addr, KPT_DART_GRANULE_LG2, prot))
		return kpt_ref_bad(ent, "page bits the engine never writes");
	ent->type = KPT_REF_LEAF;
	ent->oa = addr;
	ent->size_lg2 = KPT_DART_GRANULE_LG2;
	ent->prot = prot;
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_dart_cfg dart_cfg = {
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
		dart_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return KPT_OP(init)(table, &dart_cfg, GFP_KERNEL);
}

/*
 * The top the suites walk: the L1 table of TTBR 0, which the tables of the
 * other TTBRs must follow, a granule each, for the walk by index to be the
 * DART's walk by TTBR and L1 index (kpt_dart_test_ttbrs() walks by TTBR).
 * At most DARTT_MAX_TTBRS, each aligned to a granule as the TTBR registers
 * need (apple-dart: 4K on t8020 and t6000, 16K on t8110).
 */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_dart_hw_info info = {};
	unsigned int i;

	KPT_OP(hw_info)(table, &info);
	if (!info.n_ttbrs || info.n_ttbrs > DARTT_MAX_TTBRS ||
	    (info.n_ttbrs & (info.n_ttbrs - 1)))
		return -EINVAL;
	for (i = 0; i != DARTT_MAX_TTBRS; i++) {
		if (i >= info.n_ttbrs) {
			if (info.ttbr[i])
				return -EINVAL;
			continue;
		}
		if (info.ttbr[i] & kpt_max(KPT_DART_GRANULE_LG2) ||
		    info.ttbr[i] != info.ttbr[0] +
					    ((u64)i << KPT_DART_GRANULE_LG2))
			return -EINVAL;
	}
	*top_pa = info.ttbr[0];
	*top_level = 1;
	return 0;
}

static const unsigned int kpt_fmt_prots[] = {
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_CACHE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_PRIV | IOMMU_NOEXEC,
};

static const unsigned int kpt_prots[] = {
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_CACHE | IOMMU_NOEXEC,
};

#define KPT_DART_V2 BIT(PT_FEAT_DART_V2)

#if KPT_DART_GRANULE_LG2 == 14
/*
 * apple-dart's t8020 (v1) and t6000 (v2) take 32-bit IOVAs and one TTBR; a
 * t8110 reports its own widths: 36 bits fill one TTBR, 37 and 38 need 2
 * and 4
 */
static const struct kpt_cfg kpt_cfgs[] = {
	/* The first: the cut and dirty suites run on it */
	{ .name = "t6000-v2-ias32-oas42", .vasz_lg2 = 32, .oasz_lg2 = 42,
	  .features = KPT_DART_V2 },
	{ .name = "t8020-v1-ias32-oas36", .vasz_lg2 = 32, .oasz_lg2 = 36 },
	{ .name = "v2-ias36-oas42", .vasz_lg2 = 36, .oasz_lg2 = 42,
	  .features = KPT_DART_V2 },
	{ .name = "v2-ias37-oas40-2ttbr", .vasz_lg2 = 37, .oasz_lg2 = 40,
	  .features = KPT_DART_V2 },
	{ .name = "v2-ias38-oas42-4ttbr", .vasz_lg2 = 38, .oasz_lg2 = 42,
	  .features = KPT_DART_V2 },
	{ .name = "v1-ias36-oas36", .vasz_lg2 = 36, .oasz_lg2 = 36 },
};
#else
/* 4K: 32-bit IOVAs need all 4 TTBRs of 1G each */
static const struct kpt_cfg kpt_cfgs[] = {
	{ .name = "v1-ias32-oas36-4ttbr", .vasz_lg2 = 32, .oasz_lg2 = 36 },
	{ .name = "v1-ias32-oas33-4ttbr", .vasz_lg2 = 32, .oasz_lg2 = 33 },
};
#endif

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "ias31", .vasz_lg2 = 31, .oasz_lg2 = 36, .err = -EINVAL },
	/* More than 4 TTBRs */
	{ .name = "ias-5ttbr",
	  .vasz_lg2 = KPT_DART_GRANULE_LG2 + 2 * DARTT_BITS + 3,
	  .oasz_lg2 = KPT_DART_GRANULE_LG2 == 14 ? 42 : 36,
	  .features = KPT_DART_GRANULE_LG2 == 14 ? KPT_DART_V2 : 0,
	  .err = -EINVAL },
	{ .name = "ias64", .vasz_lg2 = 64, .oasz_lg2 = 36, .err = -EINVAL },
	/* io-pgtable-dart: no more IOVA than output address bits */
	{ .name = "ias33-oas32", .vasz_lg2 = 33, .oasz_lg2 = 32,
	  .err = -EINVAL },
	{ .name = "oas31", .vasz_lg2 = 32, .oasz_lg2 = 31, .err = -EINVAL },
	{ .name = "v1-oas37", .vasz_lg2 = 32, .oasz_lg2 = 37, .err = -EINVAL },
	{ .name = "dyn", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .dyn_start_levels = 1, .err = -EOPNOTSUPP },
	{ .name = "sign-extend", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .features = BIT(PT_FEAT_SIGN_EXTEND), .err = -EOPNOTSUPP },
	{ .name = "oa-size-change", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .features = BIT(PT_FEAT_OA_SIZE_CHANGE), .err = -EOPNOTSUPP },
	{ .name = "oa-table-xchg", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .features = BIT(PT_FEAT_OA_TABLE_XCHG), .err = -EOPNOTSUPP },
	{ .name = "unknown", .vasz_lg2 = 32, .oasz_lg2 = 36,
	  .features = BIT(PT_FEAT_DART_V2 + 1), .err = -EOPNOTSUPP },
#if KPT_DART_GRANULE_LG2 == 14
	{ .name = "v2-oas43", .vasz_lg2 = 32, .oasz_lg2 = 43,
	  .features = KPT_DART_V2, .err = -EINVAL },
#else
	/* A v2 entry has no address bits 13:12 */
	{ .name = "v2-4k", .vasz_lg2 = 32, .oasz_lg2 = 42,
	  .features = KPT_DART_V2, .err = -EOPNOTSUPP },
#endif
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
#if KPT_DART_GRANULE_LG2 == 14
	{ .name = "v2", .vasz_lg2 = 32, .oasz_lg2 = 42,
	  .features = KPT_DART_V2 },
#endif
	{ .name = "v1", .vasz_lg2 = 32, .oasz_lg2 = 36 },
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/* The DART suite: what the templates do not cover */

/*
 * Walk @va the way the DART does from the TTBRs the driver programs
 * (dart_get_table(), dart_get_l1_index(), dart_get_l2_index()): the TTBR
 * by the bits above L1, the L1 entry, the L2 entry. The L2 word, or 0.
 */
static u64 kpt_dart_hw_walk(const struct pt_iommu_dart_hw_info *info, u64 va)
{
	unsigned int tbl = va >> (kpt_ref_item_lg2(1) + DARTT_BITS);
	unsigned int l1 = (va >> kpt_ref_item_lg2(1)) & kpt_max(DARTT_BITS);
	unsigned int l2 = (va >> kpt_ref_item_lg2(0)) & kpt_max(DARTT_BITS);
	struct kpt_ref_entry ent;

	if (tbl >= info->n_ttbrs || !info->ttbr[tbl])
		return 0;
	kpt_ref_hw_decode(1, kpt_word(phys_to_virt(info->ttbr[tbl]), l1),
			  &ent);
	if (ent.type != KPT_REF_TABLE)
		return 0;
	return kpt_word(phys_to_virt(ent.oa), l2);
}

/*
 * The TTBRs: as many as the IOVA size needs (apple_dart_cfg.n_ttbrs), each
 * a granule aligned L1 table, the unused ones 0; a page mapped in the span of
 * each TTBR is found by the DART's walk from that TTBR with the right
 * address and prot, and gone after the unmap.
 */
static void kpt_dart_ttbrs_one(struct kunit *test, const struct kpt_cfg *cfg)
{
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	struct pt_iommu_dart_hw_info info = {};
	const u64 page = BIT_ULL(KPT_DART_GRANULE_LG2);
	unsigned int n = kpt_dart_n_ttbrs(cfg), i;
	u64 ttbr_span = cfg->vasz_lg2 - ilog2(n);
	struct kpt_ref_entry ent;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KPT_OP(hw_info)(&ctx->table, &info);
	KUNIT_EXPECT_EQ_MSG(test, info.n_ttbrs, n, "%s", cfg->name);
	for (i = 0; i != DARTT_MAX_TTBRS; i++) {
		if (i >= n) {
			KUNIT_EXPECT_EQ(test, info.ttbr[i], 0);
			continue;
		}
		KUNIT_EXPECT_EQ(test, info.ttbr[i] & kpt_max(KPT_DART_GRANULE_LG2),
				0);
	}
	for (i = 0; i != n; i++) {
		u64 va = ((u64)i << ttbr_span) + BIT_ULL(ttbr_span - 1) +
			 3 * page;
		u64 pa = kpt_max(cfg->oasz_lg2) & ~kpt_max(KPT_DART_GRANULE_LG2) &
			 ~((u64)i << KPT_DART_GRANULE_LG2);
		unsigned int prot = i & 1 ? IOMMU_READ :
					    IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;

		va &= ~kpt_max(KPT_DART_GRANULE_LG2);
		kpt_map_ok(ctx, va, pa, page, prot);
		kpt_ref_hw_decode(0, kpt_dart_hw_walk(&info, va), &ent);
		KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_LEAF,
				    "%s: TTBR %u va %llx", cfg->name, i, va);
		KUNIT_EXPECT_EQ_MSG(test, ent.oa, pa, "%s: TTBR %u", cfg->name,
				    i);
		KUNIT_EXPECT_EQ_MSG(test, ent.prot, kpt_ref_prot_norm(prot),
				    "%s: TTBR %u", cfg->name, i);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, page), page);
		kpt_ref_hw_decode(0, kpt_dart_hw_walk(&info, va), &ent);
		KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_EMPTY,
				    "%s: TTBR %u after the unmap", cfg->name, i);
	}
	kpt_ctx_free(ctx);
}

static void kpt_dart_test_ttbrs(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		kpt_ref_select(&kpt_cfgs[c]);
		kpt_dart_ttbrs_one(test, &kpt_cfgs[c]);
	}
}

/*
 * Presence is VALID alone: every other bit of a word without it, the
 * engine's page bits included, is an empty entry at both levels; a word
 * with VALID and an address only is a page in L2 and a table in L1.
 */
static void kpt_dart_test_valid(struct kunit *test)
{
	struct kpt_fmt fmt;
	unsigned int c, level;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		if (kpt_fmt_cfg_seen(c))
			continue;
		KUNIT_ASSERT_EQ(test,
				kpt_fmt_setup(test, &fmt, &kpt_cfgs[c],
					      kpt_cfgs[c].oasz_lg2), 0);
		for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
			((__le64 *)fmt.buf)[9] = cpu_to_le64(~DARTT_VALID);
			kpt_fmt_at(&fmt, level, 9);
			KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
					    PT_ENTRY_EMPTY, "level %u", level);
			((__le64 *)fmt.buf)[9] =
				cpu_to_le64(DARTT_VALID |
					    kpt_dart_addr_bits(0x8a5a5c000ULL));
			kpt_fmt_at(&fmt, level, 9);
			KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
					    level ? PT_ENTRY_TABLE : PT_ENTRY_OA,
					    "level %u", level);
			KUNIT_EXPECT_EQ_MSG(test,
					    level ? pt_table_pa(&fmt.pts) :
						    pt_entry_oa(&fmt.pts),
					    0x8a5a5c000ULL, "level %u", level);
		}
		kfree(fmt.buf);
	}
}

/*
 * The address layouts at their widest, which the format suite's 36-bit
 * addresses do not reach on v2: a page and a table at the top of the output
 * address space, read back raw. v1: bits 35:12 in place; v2: bits 41:14 in
 * bits 37:10.
 */
static void kpt_dart_test_wide_oa(struct kunit *test)
{
	const u64 granule_mask = kpt_max(KPT_DART_GRANULE_LG2);
	struct pt_write_attrs attrs = { .gfp = GFP_KERNEL };
	struct kpt_fmt fmt;
	unsigned int c;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		u64 oa = kpt_max(cfg->oasz_lg2) & ~granule_mask;
		u64 expect;

		KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg,
						    cfg->oasz_lg2), 0);
		KUNIT_ASSERT_EQ(test, pt_iommu_set_prot(&fmt.iommu.common,
							&attrs, IOMMU_READ),
				0);
		expect = kpt_dart.v2 ? (oa >> 4) & GENMASK_ULL(37, 10) :
				       oa & GENMASK_ULL(35, 12);
		kpt_fmt_at(&fmt, 0, 1);
		pt_install_leaf_entry(&fmt.pts, oa, KPT_DART_GRANULE_LG2,
				      &attrs);
		KUNIT_EXPECT_EQ_MSG(test,
				    kpt_word(fmt.buf, 1) & ~GENMASK_ULL(9, 0) &
					    ~(DARTT_SP_START | DARTT_SP_END),
				    expect, "%s: page", cfg->name);
		kpt_fmt_at(&fmt, 1, 2);
		KUNIT_EXPECT_TRUE(test, pt_install_table(&fmt.pts, oa, &attrs));
		KUNIT_EXPECT_EQ_MSG(test, kpt_word(fmt.buf, 2),
				    expect | DARTT_VALID, "%s: table",
				    cfg->name);
		kpt_fmt_at(&fmt, 1, 2);
		KUNIT_EXPECT_EQ(test, pt_load_entry_raw(&fmt.pts),
				PT_ENTRY_TABLE);
		KUNIT_EXPECT_EQ(test, pt_table_pa(&fmt.pts), oa);
		kfree(fmt.buf);
	}
}

/*
 * One page size: the page size bitmap is the granule alone, a map of a
 * larger pgsize is refused, and a range of many pages is written as pages
 * under L1 table entries, never anything else.
 */
static void kpt_dart_test_one_size(struct kunit *test)
{
	const struct kpt_cfg *cfg = &kpt_cfgs[0];
	const u64 page = BIT_ULL(KPT_DART_GRANULE_LG2);
	const u64 l1_span = BIT_ULL(kpt_ref_item_lg2(1));
	const u64 va = l1_span - 4 * page, pa = 5 * l1_span;
	const u64 len = l1_span + 8 * page;
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	struct kpt_walk walk = {};
	size_t mapped = 0;
	unsigned int s;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_EXPECT_EQ(test, (u64)kpt_domain(ctx)->pgsize_bitmap, page);
	KUNIT_EXPECT_EQ(test, kpt_map(ctx, 0, 0, 2 * page, 1, IOMMU_READ,
				      &mapped), -EINVAL);
	KUNIT_EXPECT_EQ(test, mapped, 0);
	kpt_map_ok(ctx, va, pa, len, IOMMU_READ | IOMMU_WRITE);
	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ(test, walk.nbad, 0);
	KUNIT_EXPECT_EQ(test, walk.by_size[KPT_DART_GRANULE_LG2], len / page);
	for (s = 0; s != 64; s++)
		if (s != KPT_DART_GRANULE_LG2)
			KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], 0,
					    "leaves of 2^%u", s);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + l1_span + 5),
			pa + l1_span + 5);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, len), len);
	kpt_check_empty(ctx, "after the unmap");
	kpt_ctx_free(ctx);
}

static struct kunit_case kpt_dart_cases[] = {
	KUNIT_CASE(kpt_dart_test_ttbrs),
	KUNIT_CASE(kpt_dart_test_valid),
	KUNIT_CASE(kpt_dart_test_wide_oa),
	KUNIT_CASE(kpt_dart_test_one_size),
	{}
};

static struct kunit_suite kpt_dart_suite = {
	.name = KPT_SUITE_NAME("dart"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_dart_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_dart_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT Apple DART page tables");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif

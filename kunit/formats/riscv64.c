// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the RISC-V Sv39/Sv48/Sv57 page table.
 *
 * The test personality below encodes and decodes entries from the RISC-V
 * privileged specification, chapter "Supervisor-Level ISA" (sections
 * "Sv39", "Sv48", "Sv57" and the address translation process) and the
 * "Svnapot" and "Svpbmt" chapters, and from the RISC-V IOMMU
 * specification for what the IOMMU does with them (A and D without
 * hardware updates, requests as U-mode accesses), not from fmt/riscv64.h,
 * so that the suites check the engine against an independent reading of
 * the format.
 */
#define PT_FMT riscv64

#include "fmt/riscv64.h"
#include "generic_pt/pt_iter.h"
#include "../common.h"

/* Bits of an Sv39/Sv48/Sv57 PTE, as the specification numbers them */
#define RVT_V BIT_ULL(0)
#define RVT_R BIT_ULL(1)
#define RVT_W BIT_ULL(2)
#define RVT_X BIT_ULL(3)
#define RVT_U BIT_ULL(4)
#define RVT_G BIT_ULL(5)
#define RVT_A BIT_ULL(6)
#define RVT_D BIT_ULL(7)
#define RVT_RSW GENMASK_ULL(9, 8)	/* Reserved for supervisor software */
#define RVT_PPN_SHIFT 10
#define RVT_PPN GENMASK_ULL(53, 10)	/* PPN[0] is bits 18:10, ... */
#define RVT_RESERVED GENMASK_ULL(60, 54)	/* Must be zero, else a fault */
#define RVT_PBMT_SHIFT 61
#define RVT_PBMT GENMASK_ULL(62, 61)
#define RVT_N BIT_ULL(63)
/* PBMT values: 0 the PMA's type, 1 NC, 2 IO, 3 reserved */
#define RVT_PBMT_NC BIT_ULL(RVT_PBMT_SHIFT)
#define RVT_PBMT_IO BIT_ULL(RVT_PBMT_SHIFT + 1)
/*
 * The engine's software bits, in RSW of entries that point to tables:
 * bit 8 notes everything below is mapped (PT_TABLE_FULL_BIT), bit 9 that
 * the entry was pushed to an incoherent walker (PT_TABLE_SYNC_BIT).
 */
#define RVT_TABLE_SW_FULL BIT_ULL(8)
#define RVT_TABLE_SW_SYNC BIT_ULL(9)
static_assert(!(RVT_TABLE_SW_FULL & ~RVT_RSW));
static_assert(!(RVT_TABLE_SW_SYNC & ~RVT_RSW));
#define KPT_REF_TABLE_FULL_BIT RVT_TABLE_SW_FULL
#define KPT_REF_TABLE_SYNC_BIT RVT_TABLE_SW_SYNC

#define RVT_PAGE_LG2 12
#define RVT_LEVEL_BITS 9
/* Svnapot: a 64K region, napot_bits 4 of PPN[0], encoded 0b1000 */
#define RVT_NAPOT_BITS 4

/*
 * Engine level i is the specification's level i: 0 holds 4K pages, 1
 * megapages (2M), 2 gigapages (1G), 3 terapages (512G), 4 petapages
 * (256T). Sv39 has levels 0-2, Sv48 0-3, Sv57 0-4.
 */
#define KPT_REF_MAX_LEVEL 4
#define KPT_REF_PROT_MASK                                            \
	(IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_PRIV | IOMMU_MMIO | \
	 IOMMU_CACHE)
/*
 * An IOMMU with hardware A/D updates sets both; a re-written leaf keeps
 * them (A is preset, D preset on writable leaves without the updates).
 */
#define KPT_REF_HW_LEAF_BITS (RVT_A | RVT_D)
#define KPT_REF_HW_KEPT_BITS (RVT_A | RVT_D)

/*
 * What the configuration under test changes in the encoding: Svnapot
 * (64K runs), Svpbmt (bits 62:61 are reserved without it) and hardware
 * A/D updates (D left to the IOMMU rather than preset).
 */
static struct {
	bool napot;
	bool pbmt;
	bool hwad;
} kpt_rv;

static void kpt_rv_select(const struct kpt_cfg *cfg)
{
	bool napot = cfg->features & BIT(PT_FEAT_RISCV64_SVNAPOT_64K);
	bool pbmt = cfg->features & BIT(PT_FEAT_RISCV64_SVPBMT);
	bool hwad = cfg->features & BIT(PT_FEAT_RISCV64_HWAD);

	if (kpt_rv.napot != napot)
		kpt_rv.napot = napot;
	if (kpt_rv.pbmt != pbmt)
		kpt_rv.pbmt = pbmt;
	if (kpt_rv.hwad != hwad)
		kpt_rv.hwad = hwad;
}

#define kpt_ref_select kpt_rv_select

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return RVT_PAGE_LG2 + RVT_LEVEL_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return RVT_LEVEL_BITS;
}

/* Sv39: 3 levels, Sv48: 4, Sv57: 5 */
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

/*
 * Any level may hold a leaf ("a leaf PTE at any level"): the level's
 * size, if the table has that level; plus 64K at level 0 with Svnapot.
 */
static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	unsigned int size_lg2 = kpt_ref_item_lg2(level);
	u64 sizes = 0;

	if (level >= kpt_ref_levels(cfg))
		return 0;
	if (size_lg2 <= cfg->oasz_lg2)
		sizes |= BIT_ULL(size_lg2);
	if (!level && (cfg->features & BIT(PT_FEAT_RISCV64_SVNAPOT_64K)) &&
	    size_lg2 + RVT_NAPOT_BITS <= cfg->oasz_lg2)
		sizes |= BIT_ULL(size_lg2 + RVT_NAPOT_BITS);
	return sizes;
}

/*
 * Bits 63 down to the top VA bit must all equal the top bit: the lower
 * half is [0, 2^(vasz - 1)), the upper one the same size below 2^64.
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

static u64 kpt_ref_va_of(const struct kpt_cfg *cfg, u64 va)
{
	u64 low = kpt_max(cfg->vasz_lg2);

	va &= low;
	if (va & BIT_ULL(cfg->vasz_lg2 - 1))
		va |= ~low;
	return va;
}

/*
 * The leaf bits for @prot, as an IOMMU driver writes them: R always (W
 * without R is reserved), W, X unless IOMMU_NOEXEC, U unless IOMMU_PRIV
 * (a request without privilege is a U-mode access), A always and D on
 * writable leaves (without hardware updates the IOMMU faults otherwise),
 * the memory type with Svpbmt.
 */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	u64 bits = RVT_R | RVT_A;

	if (prot & IOMMU_WRITE)
		bits |= RVT_W | (kpt_rv.hwad ? 0 : RVT_D);
	if (!(prot & IOMMU_NOEXEC))
		bits |= RVT_X;
	if (!(prot & IOMMU_PRIV))
		bits |= RVT_U;
	if (kpt_rv.pbmt) {
		if (prot & IOMMU_MMIO)
			bits |= RVT_PBMT_IO;
		else if (!(prot & IOMMU_CACHE))
			bits |= RVT_PBMT_NC;
	}
	return bits;
}

static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

/* What a leaf decodes to: see kpt_rv_leaf_prot() */
static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	unsigned int norm = IOMMU_READ |
			    (prot & (IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_PRIV));

	if (kpt_rv.pbmt)
		norm |= prot & IOMMU_MMIO ? IOMMU_MMIO : prot & IOMMU_CACHE;
	return norm;
}

static unsigned int kpt_rv_leaf_prot(u64 word)
{
	unsigned int prot = 0;

	if (word & RVT_R)
		prot |= IOMMU_READ;
	if (word & RVT_W)
		prot |= IOMMU_WRITE;
	if (!(word & RVT_X))
		prot |= IOMMU_NOEXEC;
	if (!(word & RVT_U))
		prot |= IOMMU_PRIV;
	if (kpt_rv.pbmt) {
		if ((word & RVT_PBMT) == RVT_PBMT_IO)
			prot |= IOMMU_MMIO;
		else if (!(word & RVT_PBMT))
			prot |= IOMMU_CACHE;
	}
	return prot;
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

static u64 kpt_rv_ppn_pa(u64 word)
{
	return ((word & RVT_PPN) >> RVT_PPN_SHIFT) << RVT_PAGE_LG2;
}

/*
 * What the walker makes of a leaf word at @level, whatever else is in the
 * table: the encodings the specification reserves (a page fault) are bad.
 * Fills size, address (of the first byte of a NAPOT region) and prot.
 */
static void kpt_rv_leaf(unsigned int level, u64 word,
			struct kpt_ref_entry *ent)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	u64 pa = kpt_rv_ppn_pa(word);

	if ((word & (RVT_R | RVT_W)) == RVT_W)
		return kpt_ref_bad(ent, "W without R: reserved");
	if (word & RVT_RESERVED)
		return kpt_ref_bad(ent, "reserved bits 60:54 set");
	if ((word & RVT_PBMT) && !kpt_rv.pbmt)
		return kpt_ref_bad(ent, "PBMT without Svpbmt");
	if ((word & RVT_PBMT) == RVT_PBMT)
		return kpt_ref_bad(ent, "PBMT 3: reserved");
	ent->size_lg2 = isz_lg2;
	if (word & RVT_N) {
		/* Only PPN[0] = x xxxx 1000 is defined, a 64K region */
		if (!kpt_rv.napot)
			return kpt_ref_bad(ent, "N without Svnapot");
		if (level)
			return kpt_ref_bad(ent, "N above level 0: reserved");
		if ((pa >> RVT_PAGE_LG2 & kpt_max(RVT_NAPOT_BITS)) !=
		    BIT_ULL(RVT_NAPOT_BITS - 1))
			return kpt_ref_bad(ent, "NAPOT PPN[0] encoding reserved");
		ent->size_lg2 = isz_lg2 + RVT_NAPOT_BITS;
		ent->nitems = 1U << RVT_NAPOT_BITS;
		pa &= ~kpt_max(ent->size_lg2);
	} else if (pa & kpt_max(isz_lg2)) {
		return kpt_ref_bad(ent, "misaligned superpage");
	}
	/* Without hardware updates the IOMMU faults on A = 0, D = 0 writes */
	if (!kpt_rv.hwad && !(word & RVT_A))
		return kpt_ref_bad(ent, "A clear without hardware A/D updates");
	if (!kpt_rv.hwad && (word & RVT_W) && !(word & RVT_D))
		return kpt_ref_bad(ent,
				   "writable, D clear without hardware A/D updates");
	ent->type = KPT_REF_LEAF;
	ent->oa = pa;
	ent->prot = kpt_rv_leaf_prot(word);
}

/* Decode the entry at @index of a table of engine level @level */
static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	u64 word = kpt_word(table, index);
	unsigned int i;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };

	if (!(word & RVT_V)) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "invalid entry not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (!(word & (RVT_R | RVT_W | RVT_X))) {
		/*
		 * A pointer to the next level: D, A, U reserved (cleared by
		 * software), N and PBMT reserved, G never written
		 */
		if (!level)
			return kpt_ref_bad(ent, "pointer in a level 0 table");
		if (word & ~(RVT_V | RVT_PPN | RVT_TABLE_SW_FULL |
			     RVT_TABLE_SW_SYNC))
			return kpt_ref_bad(ent, "table entry bits");
		ent->type = KPT_REF_TABLE;
		ent->oa = kpt_rv_ppn_pa(word);
		ent->full = word & RVT_TABLE_SW_FULL;
		ent->sync = word & RVT_TABLE_SW_SYNC;
		return;
	}

	kpt_rv_leaf(level, word, ent);
	if (ent->type != KPT_REF_LEAF)
		return;
	/* What the engine never writes in a leaf: G, RSW */
	if (word & (RVT_G | RVT_RSW))
		return kpt_ref_bad(ent, "G or RSW in a leaf");
	if (!(word & RVT_A))
		return kpt_ref_bad(ent, "A not preset");
	if (!(word & RVT_R))
		return kpt_ref_bad(ent, "leaf not readable");
	if (ent->nitems > 1) {
		if (index % ent->nitems)
			return kpt_ref_bad(ent, "NAPOT run not aligned");
		/* The engine writes the same word in each of the 16 */
		for (i = 1; i < ent->nitems; i++)
			if ((kpt_word(table, index + i) & ~RVT_D) !=
			    (word & ~RVT_D))
				return kpt_ref_bad(ent,
						   "NAPOT entries differ");
	}
}

/* The word a leaf of 2^size_lg2 bytes at @oa must be written as */
static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	u64 ppn = oa >> RVT_PAGE_LG2;
	u64 word = RVT_V | kpt_ref_prot_bits(prot);

	if (size_lg2 != kpt_ref_item_lg2(level)) {
		word |= RVT_N;
		ppn |= BIT_ULL(RVT_NAPOT_BITS - 1);
	}
	return word | (ppn << RVT_PPN_SHIFT);
}

/* A pointer: V and the PPN, nothing else */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return RVT_V | ((table_pa >> RVT_PAGE_LG2) << RVT_PPN_SHIFT);
}

/*
 * The cut and dirty suites: D, which only an IOMMU with hardware A/D
 * updates sets; then map writes writable leaves clean.
 */
#define KPT_REF_DIRTY RVT_D

static inline bool kpt_ref_has_dirty(const struct kpt_cfg *cfg)
{
	return cfg->features & BIT(PT_FEAT_RISCV64_HWAD);
}

static inline bool kpt_ref_dirty(u64 word)
{
	return word & RVT_D;
}

#define kpt_ref_dirty kpt_ref_dirty

static inline u64 kpt_ref_mark_dirty(u64 word)
{
	return word | RVT_D;
}

static inline u64 kpt_ref_mark_clean(u64 word)
{
	return word & ~RVT_D;
}

#define KPT_REF_DIRTY_PROT (IOMMU_READ | IOMMU_WRITE)
/* Hardware A/D updates need a coherent walker: refused otherwise */
#define KPT_REF_COHERENT_FEATURES BIT(PT_FEAT_RISCV64_HWAD)

/*
 * What the IOMMU makes of the one entry it reads at a level while
 * translating an IOVA: invalid; a pointer (R = W = X = 0), which restricts
 * nothing; or a leaf, decoded as the specification's process does, a
 * NAPOT leaf from its own word (the others of its region not looked at).
 * A and D may be set.
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & RVT_V)) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (!(word & (RVT_R | RVT_W | RVT_X))) {
		if (!level)
			return kpt_ref_bad(ent, "pointer at level 0: a fault");
		if (word & (RVT_D | RVT_A | RVT_U | RVT_N | RVT_PBMT |
			    RVT_RESERVED))
			return kpt_ref_bad(ent, "reserved pointer bits: a fault");
		ent->type = KPT_REF_TABLE;
		ent->oa = kpt_rv_ppn_pa(word);
		ent->prot = IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC |
			    IOMMU_PRIV | IOMMU_MMIO | IOMMU_CACHE;
		return;
	}
	kpt_rv_leaf(level, word, ent);
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_riscv64_cfg rv_cfg = {
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
		rv_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return pt_iommu_riscv64_init(table, &rv_cfg, GFP_KERNEL);
}

/* The top from iosatp: MODE 8, 9, 10 for Sv39, Sv48, Sv57, and the PPN */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_riscv64_hw_info info = {};

	pt_iommu_riscv64_hw_info(table, &info);
	if (info.mode < 8 || info.mode > 10 || info.ppn >> 44)
		return -EINVAL;
	*top_pa = info.ppn << RVT_PAGE_LG2;
	*top_level = info.mode - 8 + 2;
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
	IOMMU_READ | IOMMU_CACHE | IOMMU_NOEXEC,
};

static const unsigned int kpt_prots[] = {
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ,
	IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_CACHE,
	IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO,
	IOMMU_READ | IOMMU_PRIV,
};

#define KPT_RV_NAPOT BIT(PT_FEAT_RISCV64_SVNAPOT_64K)
#define KPT_RV_PBMT BIT(PT_FEAT_RISCV64_SVPBMT)
#define KPT_RV_HWAD BIT(PT_FEAT_RISCV64_HWAD)

static const struct kpt_cfg kpt_cfgs[] = {
	/* The first with the most sizes: the cut and dirty suites use it */
	{ .name = "sv57-napot-pbmt-hwad", .vasz_lg2 = 57, .oasz_lg2 = 56,
	  .features = KPT_RV_NAPOT | KPT_RV_PBMT | KPT_RV_HWAD },
	{ .name = "sv39-napot", .vasz_lg2 = 39, .oasz_lg2 = 56,
	  .features = KPT_RV_NAPOT },
	{ .name = "sv48-oa44", .vasz_lg2 = 48, .oasz_lg2 = 44 },
	{ .name = "sv48-napot-pbmt-oa40", .vasz_lg2 = 48, .oasz_lg2 = 40,
	  .features = KPT_RV_NAPOT | KPT_RV_PBMT },
	{ .name = "sv39-hwad-oa48", .vasz_lg2 = 39, .oasz_lg2 = 48,
	  .features = KPT_RV_HWAD },
	{ .name = "sv57-napot", .vasz_lg2 = 57, .oasz_lg2 = 56,
	  .features = KPT_RV_NAPOT },
};

static const struct kpt_cfg kpt_bad_cfgs[] = {
	{ .name = "va38", .vasz_lg2 = 38, .oasz_lg2 = 56, .err = -EINVAL },
	{ .name = "va47", .vasz_lg2 = 47, .oasz_lg2 = 56, .err = -EINVAL },
	{ .name = "va64", .vasz_lg2 = 64, .oasz_lg2 = 56, .err = -EINVAL },
	{ .name = "oa31", .vasz_lg2 = 48, .oasz_lg2 = 31, .err = -EINVAL },
	{ .name = "oa57", .vasz_lg2 = 57, .oasz_lg2 = 57, .err = -EINVAL },
	/* The driver picks the mode; no growing top */
	{ .name = "dyn", .vasz_lg2 = 57, .oasz_lg2 = 56,
	  .dyn_start_levels = 4, .err = -EOPNOTSUPP },
	/* The engine decides on re-sizing NAPOT runs itself */
	{ .name = "oa-size-change", .vasz_lg2 = 48, .oasz_lg2 = 56,
	  .features = BIT(PT_FEAT_OA_SIZE_CHANGE), .err = -EOPNOTSUPP },
	/* Hardware A/D updates need a coherent walker */
	{ .name = "hwad-incoherent", .vasz_lg2 = 48, .oasz_lg2 = 56,
	  .features = KPT_RV_HWAD | BIT(PT_FEAT_DMA_INCOHERENT),
	  .err = -EOPNOTSUPP },
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
	{ .name = "sv57-napot", .vasz_lg2 = 57, .oasz_lg2 = 56,
	  .features = KPT_RV_NAPOT },
	{ .name = "sv48", .vasz_lg2 = 48, .oasz_lg2 = 56 },
	{ .name = "sv39-napot", .vasz_lg2 = 39, .oasz_lg2 = 56,
	  .features = KPT_RV_NAPOT },
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/* The word at @va's index of the level @level table, walked from the top */
static u64 kpt_rv_word_at(struct kpt_ctx *ctx, u64 va, unsigned int level,
			  u64 **where)
{
	unsigned int top, l;
	u64 pa, word = 0;

	if (kpt_fmt_top(&ctx->table, &pa, &top))
		return 0;
	for (l = top;; l--) {
		u64 *table = phys_to_virt(pa);
		unsigned int index = (va >> kpt_ref_item_lg2(l)) & 511;

		word = kpt_word(table, index);
		if (where)
			*where = &table[index];
		if (l == level || !(word & RVT_V) ||
		    (word & (RVT_R | RVT_W | RVT_X)))
			return l == level ? word : 0;
		pa = kpt_rv_ppn_pa(word);
	}
}

/*
 * Svnapot as the specification's translation process reads it: a 64K map
 * at 64K aligned IOVA and PA is 16 entries with N and PPN[0][3:0] = 0b1000,
 * and each 4K of it translates to the PPN with PPN[0][3:0] replaced by
 * VPN[0][3:0]. A map of 64K at an IOVA or PA only 4K aligned is 16 plain
 * entries. A cut inside the run leaves no entry with N on either side.
 */
static void kpt_rv_test_napot(struct kunit *test)
{
	const u64 va = 0x12340000ULL, pa = 0x00ab5670000ULL;
	const struct kpt_cfg *cfg = &kpt_cfgs[1];
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	unsigned int j;
	u64 word;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	kpt_map_ok(ctx, va, pa, KPT_SZ_4K * 16, IOMMU_READ | IOMMU_WRITE);
	for (j = 0; j != 16; j++) {
		u64 jva = va + j * KPT_SZ_4K;
		u64 ppn;

		word = kpt_rv_word_at(ctx, jva, 0, NULL);
		KUNIT_EXPECT_TRUE_MSG(test, word & RVT_N, "entry %u %016llx",
				      j, word);
		ppn = (word & RVT_PPN) >> RVT_PPN_SHIFT;
		KUNIT_EXPECT_EQ_MSG(test, ppn & 15, 8, "entry %u %016llx", j,
				    word);
		/* pte.ppn[0][3:0] replaced by vpn[0][3:0] */
		ppn = (ppn & ~15ULL) | ((jva >> RVT_PAGE_LG2) & 15);
		KUNIT_EXPECT_EQ_MSG(test, ppn << RVT_PAGE_LG2,
				    pa + j * KPT_SZ_4K, "entry %u", j);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, jva + 0x123),
				pa + j * KPT_SZ_4K + 0x123);
	}

	/* Cut between entries 4 and 5: all 16 become plain 4K entries */
	KUNIT_EXPECT_EQ(test, KPT_OP(cut_mapping)(&ctx->table.iommu,
						  va + 5 * KPT_SZ_4K,
						  GFP_KERNEL), 0);
	for (j = 0; j != 16; j++) {
		word = kpt_rv_word_at(ctx, va + j * KPT_SZ_4K, 0, NULL);
		KUNIT_EXPECT_FALSE_MSG(test, word & RVT_N,
				       "after the cut: entry %u %016llx", j,
				       word);
		KUNIT_EXPECT_EQ_MSG(test, kpt_rv_ppn_pa(word),
				    pa + j * KPT_SZ_4K, "entry %u", j);
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, 16 * KPT_SZ_4K),
			16 * KPT_SZ_4K);

	/* Only 4K aligned PA: no NAPOT */
	kpt_map_ok(ctx, va, pa + KPT_SZ_4K, 16 * KPT_SZ_4K, IOMMU_READ);
	for (j = 0; j != 16; j++) {
		word = kpt_rv_word_at(ctx, va + j * KPT_SZ_4K, 0, NULL);
		KUNIT_EXPECT_FALSE_MSG(test, word & RVT_N, "entry %u %016llx",
				       j, word);
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, 16 * KPT_SZ_4K),
			16 * KPT_SZ_4K);
	kpt_check_empty(ctx, "after the NAPOT maps");
	kpt_ctx_free(ctx);
}

/*
 * A and D, read from the raw leaves at every level: A on every leaf;
 * without hardware A/D updates D exactly on the writable ones, and
 * read_and_clear_dirty refused; with them D on none, and the dirty read
 * works and reports nothing for a fresh mapping.
 */
static void kpt_rv_test_ad(struct kunit *test)
{
	static const unsigned int prots[] = {
		IOMMU_READ, IOMMU_READ | IOMMU_WRITE, IOMMU_WRITE,
	};
	unsigned int c, i;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		bool hwad = cfg->features & KPT_RV_HWAD;
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		struct iommu_iotlb_gather gather;
		struct iommu_dirty_bitmap bitmap;
		int ret;

		KUNIT_ASSERT_NOT_NULL(test, ctx);
		for (i = 0; i != ARRAY_SIZE(prots); i++) {
			u64 va = KPT_SZ_1G * (i + 1);
			u64 sizes[] = { KPT_SZ_4K, KPT_SZ_2M, KPT_SZ_1G };
			unsigned int level;

			for (level = 0; level != 3; level++) {
				u64 lva = va + (level ? sizes[level] : 0);
				u64 word;

				if (level == 2)
					lva = KPT_SZ_1G * (i + 8);
				kpt_map_ok(ctx, lva, lva, sizes[level],
					   prots[i]);
				word = kpt_rv_word_at(ctx, lva, level, NULL);
				KUNIT_EXPECT_TRUE_MSG(test, word & RVT_A,
						      "%s: %016llx", cfg->name,
						      word);
				KUNIT_EXPECT_EQ_MSG(test, !!(word & RVT_D),
						    !hwad &&
						    (prots[i] & IOMMU_WRITE),
						    "%s: prot %x level %u %016llx",
						    cfg->name, prots[i], level,
						    word);
			}
		}
		iommu_dirty_bitmap_init(&bitmap, NULL, &gather);
		ret = KPT_OP(read_and_clear_dirty)(kpt_domain(ctx), 0,
						   min_t(u64, 16 * KPT_SZ_1G,
							 SIZE_MAX),
						   0, &bitmap);
		KUNIT_EXPECT_EQ_MSG(test, ret, hwad ? 0 : -EOPNOTSUPP, "%s",
				    cfg->name);
		KUNIT_EXPECT_GT_MSG(test, (u64)gather.start, (u64)gather.end,
				    "%s: reported dirty", cfg->name);
		kpt_ctx_free(ctx);
	}
}

/*
 * Svpbmt: IO for IOMMU_MMIO, NC without IOMMU_CACHE, PMA (0) with it;
 * bits 62:61 zero whatever the prot without the feature. Never in a
 * pointer.
 */
static void kpt_rv_test_pbmt(struct kunit *test)
{
	static const struct {
		unsigned int prot;
		u64 pbmt;
	} cases[] = {
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, 0 },
		{ IOMMU_READ | IOMMU_WRITE, RVT_PBMT_NC },
		{ IOMMU_READ | IOMMU_MMIO, RVT_PBMT_IO },
		{ IOMMU_READ | IOMMU_MMIO | IOMMU_CACHE, RVT_PBMT_IO },
	};
	unsigned int c, i;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		bool pbmt = cfg->features & KPT_RV_PBMT;
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);

		KUNIT_ASSERT_NOT_NULL(test, ctx);
		for (i = 0; i != ARRAY_SIZE(cases); i++) {
			u64 va = KPT_SZ_2M * (i + 1);
			u64 want = 0;
			u64 word;

			if (pbmt)
				want = cases[i].pbmt;
			kpt_map_ok(ctx, va, va, KPT_SZ_2M, cases[i].prot);
			word = kpt_rv_word_at(ctx, va, 1, NULL);
			KUNIT_EXPECT_EQ_MSG(test, word & RVT_PBMT, want,
					    "%s: prot %x %016llx", cfg->name,
					    cases[i].prot, word);
			word = kpt_rv_word_at(ctx, va, 2, NULL);
			KUNIT_EXPECT_EQ_MSG(test, word & ~(RVT_PPN | RVT_RSW),
					    RVT_V, "%s: pointer %016llx",
					    cfg->name, word);
		}
		kpt_ctx_free(ctx);
	}
}

/* hw_info: iosatp MODE 8, 9, 10 for Sv39, Sv48, Sv57 and the root's PPN */
static void kpt_rv_test_iosatp(struct kunit *test)
{
	unsigned int c;

	for (c = 0; c != ARRAY_SIZE(kpt_cfgs); c++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[c];
		struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
		struct pt_iommu_riscv64_hw_info info = {};
		struct pt_iommu_info geo;

		KUNIT_ASSERT_NOT_NULL(test, ctx);
		pt_iommu_riscv64_hw_info(&ctx->table, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.mode,
				    cfg->vasz_lg2 == 39 ? 8 :
				    cfg->vasz_lg2 == 48 ? 9 : 10,
				    "%s", cfg->name);
		KPT_OP(get_info)(&ctx->table.iommu, &geo);
		KUNIT_EXPECT_EQ(test, geo.top_level, info.mode - 6);
		kpt_ctx_free(ctx);
	}
}

/*
 * Bits the engine never writes but the specification defines: G and RSW
 * of a leaf, and RSW of a pointer, move nothing; R, W or X alone (X only,
 * R X) make a leaf at every level.
 */
static void kpt_rv_test_foreign_bits(struct kunit *test)
{
	static const struct {
		unsigned int level;
		u64 word;
		u64 oa;
	} pages[] = {
		{ 0, RVT_V | RVT_X | RVT_G | RVT_RSW | (0x123456789ULL << 10),
		  0x123456789000ULL },
		{ 1, RVT_V | RVT_R | RVT_X | RVT_RSW | (0xfffffffe00ULL << 10),
		  0xfffffffe00000ULL },
		{ 4, RVT_V | RVT_R | RVT_G | (0xf000000000ULL << 10),
		  0xf000000000000ULL },
	};
	struct kpt_fmt fmt;
	unsigned int i, level;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, &kpt_cfgs[0], 56), 0);
	for (i = 0; i != ARRAY_SIZE(pages); i++) {
		((__le64 *)fmt.buf)[3] = cpu_to_le64(pages[i].word);
		kpt_fmt_at(&fmt, pages[i].level, 3);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_OA, "level %u", pages[i].level);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt.pts),
				    pages[i].oa,
				    "level %u", pages[i].level);
		KUNIT_EXPECT_EQ(test, pt_entry_oa_lg2sz(&fmt.pts),
				kpt_ref_item_lg2(pages[i].level));
	}
	for (level = 1; level <= KPT_REF_MAX_LEVEL; level++) {
		((__le64 *)fmt.buf)[5] =
			cpu_to_le64(RVT_V | RVT_RSW | (0xfffffffffffULL << 10));
		kpt_fmt_at(&fmt, level, 5);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_TABLE, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test, pt_table_pa(&fmt.pts),
				    0xfffffffffff000ULL, "level %u", level);
	}
	kfree(fmt.buf);
}

static struct kunit_case kpt_rv_cases[] = {
	KUNIT_CASE(kpt_rv_test_napot),
	KUNIT_CASE(kpt_rv_test_ad),
	KUNIT_CASE(kpt_rv_test_pbmt),
	KUNIT_CASE(kpt_rv_test_iosatp),
	KUNIT_CASE(kpt_rv_test_foreign_bits),
	{}
};

static struct kunit_suite kpt_rv_suite = {
	.name = KPT_SUITE_NAME("rv"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_rv_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_rv_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT RISC-V page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

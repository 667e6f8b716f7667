/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit test personality of the ARM VMSAv8-64 page table (long descriptors,
 * "LPAE"), shared by the test file of each granule and stage.
 *
 * The including file defines PT_FMT (armv8_4k, armv8_16k or armv8_64k) and
 * ARMV8_GRANULE_LG2SZ for the format header, and for this personality
 * KPT_ARM_GRANULE_LG2 (12, 14 or 16) and KPT_ARM_STAGE (1 or 2). The suites
 * are named after both: generic_pt_armv8_16k_s2_iommu.
 *
 * The reference side is written from the Arm Architecture Reference Manual
 * for A-profile (DDI 0487), chapter D8: the VMSAv8-64 translation table
 * descriptor formats, the Contiguous bit, stage 1 and stage 2 permissions
 * and memory attributes, concatenated stage 2 tables; and from the TCR_EL1,
 * VTCR_EL2 and MAIR_EL1 descriptions (the same fields are in the SMMUv3
 * context and stream table entries). It does not use fmt/armv8.h. Where the
 * architecture leaves the choice to software (the MAIR indexes, shareability)
 * it follows 6.12's io-pgtable-arm.c, which the format replaces;
 * kpt_arm_test_io_pgtable() checks those choices against the descriptors
 * arm_lpae_prot_to_pte() builds. The one place it departs from it is the
 * stage 2 XN encoding (see ARMT_S2_XN1); kunit/crosscheck/armv8_io_pgtable.c
 * compares whole tables with io-pgtable-arm's where the kernel has it.
 */
#ifndef __GENERIC_PT_KUNIT_ARMV8_H
#define __GENERIC_PT_KUNIT_ARMV8_H

#if KPT_ARM_GRANULE_LG2 != 12 && KPT_ARM_GRANULE_LG2 != 14 && \
	KPT_ARM_GRANULE_LG2 != 16
#error "KPT_ARM_GRANULE_LG2 must be 12, 14 or 16"
#endif
#if KPT_ARM_STAGE != 1 && KPT_ARM_STAGE != 2
#error "KPT_ARM_STAGE must be 1 or 2"
#endif

#include <linux/bitfield.h>

#include "fmt/armv8.h"
#include "generic_pt/pt_iter.h"

/* The granules share the table structure; one set of suites per stage */
#define KPT_TABLE pt_iommu_armv8
#define KPT_SUITE_NAME(what) \
	"generic_pt_" __stringify(PT_FMT) "_s" __stringify(KPT_ARM_STAGE) "_" what

#include "../common.h"

#define KPT_ARM_S2 (KPT_ARM_STAGE == 2)

/* Index bits a table of one granule resolves: 9, 11 or 13 */
#define ARMT_BITS (KPT_ARM_GRANULE_LG2 - 3)

/* Descriptor fields (D8.3, "Translation table descriptor formats") */
#define ARMT_VALID BIT_ULL(0)
#define ARMT_TYPE GENMASK_ULL(1, 0)
/* Bits 1:0: a block at lookup levels 1 and 2 */
#define ARMT_TYPE_BLOCK 1
/* Bits 1:0: a table at lookup levels 0 to 2, a page at lookup level 3 */
#define ARMT_TYPE_TABLE_PAGE 3
/* Output or next-level table address bits 47 down to the granule */
#define ARMT_ADDR GENMASK_ULL(47, KPT_ARM_GRANULE_LG2)
/* 64K granule, 52-bit addresses (FEAT_LPA): address bits 51:48 are here */
#define ARMT_ADDR_51_48 GENMASK_ULL(15, 12)
#define ARMT_CONTIG BIT_ULL(52)
/*
 * Dirty Bit Modifier (D8.4.6, hardware management of dirty state): with
 * hardware dirty state updates enabled (SMMUv3 HTTU, CD.HD), a stage 1
 * leaf with DBM is writable whatever AP[2] says; AP[2] set is
 * writable-clean, and the walker clears it on the first write.
 */
#define ARMT_DBM BIT_ULL(51)
/*
 * The bits of a table descriptor the walker ignores at both stages whatever
 * the features (D8.3.1.1, Table D8-50 and the stage 2 fields): 58:53, 51,
 * 11 and 7:2. Bit 52 is the Protected attribute with PnCH, bit 10 the
 * table Access flag with hardware managed table AF (FEAT_HAFT), bits 9:8
 * address bits 51:50 with TCR.DS, bits 62:59 APTable / XNTable / PXNTable
 * (or PBHA / indirect permissions) and bit 63 NSTable or RES0.
 */
#define ARMT_TABLE_IGNORED \
	(GENMASK_ULL(58, 53) | BIT_ULL(51) | BIT_ULL(11) | GENMASK_ULL(7, 2))
/*
 * The engine's software bits there: bit 55 notes the entry was pushed to an
 * incoherent walker (PT_TABLE_SYNC_BIT; io-pgtable-arm's
 * ARM_LPAE_PTE_SW_SYNC is bit 55 too), bit 56 that everything below is
 * mapped (PT_TABLE_FULL_BIT).
 */
#define ARMT_TABLE_SW_SYNC BIT_ULL(55)
#define ARMT_TABLE_SW_FULL BIT_ULL(56)
static_assert(!(ARMT_TABLE_SW_SYNC & ~ARMT_TABLE_IGNORED));
static_assert(!(ARMT_TABLE_SW_FULL & ~ARMT_TABLE_IGNORED));
#define KPT_REF_TABLE_SYNC_BIT ARMT_TABLE_SW_SYNC
#define KPT_REF_TABLE_FULL_BIT ARMT_TABLE_SW_FULL
/* Both stages */
#define ARMT_SH GENMASK_ULL(9, 8)
#define ARMT_AF BIT_ULL(10)
/* Stage 1 */
#define ARMT_S1_ATTRINDX GENMASK_ULL(4, 2)
#define ARMT_S1_AP1 BIT_ULL(6)	/* AP[1]: EL0 (unprivileged) access too */
#define ARMT_S1_AP2 BIT_ULL(7)	/* AP[2]: read-only */
#define ARMT_S1_NG BIT_ULL(11)
#define ARMT_S1_PXN BIT_ULL(53)
#define ARMT_S1_UXN BIT_ULL(54)
/* Stage 2 */
#define ARMT_S2_MEMATTR GENMASK_ULL(5, 2)
#define ARMT_S2AP_R BIT_ULL(6)	/* S2AP[0]: reads allowed */
#define ARMT_S2AP_W BIT_ULL(7)	/* S2AP[1]: writes allowed */
/*
 * XN[1:0]. Without FEAT_XNX only XN[1] exists (XN[0] is RES0) and means
 * execute-never. With FEAT_XNX, 0b10 is still execute-never at every EL,
 * while 0b01 and 0b11 allow execution at one of EL0 / EL1 only. The engine
 * writes 0b10 for IOMMU_NOEXEC, as KVM's stage 2 does
 * (KVM_PTE_LEAF_ATTR_HI_S2_XN is bit 54); io-pgtable-arm writes 0b11.
 */
#define ARMT_S2_XN0 BIT_ULL(53)
#define ARMT_S2_XN1 BIT_ULL(54)

/* SH[1:0]: outer and inner shareable */
#define ARMT_SH_OS 2
#define ARMT_SH_IS 3

/*
 * MAIR attributes: Device-nGnRE, Normal inner and outer non-cacheable,
 * Normal inner and outer write-back read- and write-allocate; and the MAIR
 * that AttrIndx refers to, with io-pgtable-arm's indexes (0 non-cacheable,
 * 1 write-back, 2 device).
 */
#define ARMT_MAIR_DEV 0x04
#define ARMT_MAIR_NC 0x44
#define ARMT_MAIR_WB 0xff
#define ARMT_MAIR \
	((u64)ARMT_MAIR_NC | (u64)ARMT_MAIR_WB << 8 | (u64)ARMT_MAIR_DEV << 16)

/* Stage 2 MemAttr[3:0] without FEAT_S2FWB: the same three types */
#define ARMT_S2_DEV 0x1
#define ARMT_S2_NC 0x5
#define ARMT_S2_WB 0xf

/*
 * The format's features a configuration of this stage has, and the SMMU's
 * break-before-make level (SMMU_IDR3.BBML; SMMUv3 spec 3.21.1.2 and
 * 3.21.1.3). Level 1: a change to only the Contiguous bit does not lead to
 * a TLB conflict, so a cut may re-size runs in place; a block still needs
 * break-before-make, or the nT bit and a TLB invalidation between two
 * stores, to become a table. Level 2: any change of translation size, a
 * block swapped for an equivalent table included, needs neither.
 */
#define KPT_ARM_STAGE_FEAT (KPT_ARM_S2 ? BIT(PT_FEAT_ARMV8_S2) : 0)
#define KPT_ARM_BBML1 BIT(PT_FEAT_ARMV8_BBML1)
#define KPT_ARM_BBML2 BIT(PT_FEAT_ARMV8_BBML2)
/* Stage 1 hardware dirty state (SMMUv3 HTTU with CD.HD) */
#define KPT_ARM_DBM BIT(PT_FEAT_ARMV8_DBM)

/*
 * Engine level n is lookup level 3 - n. Lookup level 0 is never the top with
 * the 64K granule (its items would map 2^55 bytes), the format still counts
 * it so the geometry is the same for every granule.
 */
#define KPT_REF_MAX_LEVEL 3
#define KPT_REF_PROT_MASK                                                 \
	(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_NOEXEC | IOMMU_MMIO | \
	 (KPT_ARM_S2 ? 0 : IOMMU_PRIV))
/*
 * The SMMU may set AF (hardware access flag update); the engine presets it,
 * so it is in every leaf anyway. Dirty state exists only at stage 1 with
 * PT_FEAT_ARMV8_DBM (kpt_arm.dbm): there the walker clears AP[2] of a
 * leaf with DBM, which is then writable-dirty.
 */
#define KPT_REF_HW_LEAF_BITS ARMT_AF
#define KPT_REF_HW_KEPT_BITS ARMT_AF

static struct {
	bool dbm;
} kpt_arm;

static void kpt_arm_select(const struct kpt_cfg *cfg)
{
	bool dbm = !KPT_ARM_S2 && (cfg->features & BIT(PT_FEAT_ARMV8_DBM));

	if (kpt_arm.dbm != dbm)
		kpt_arm.dbm = dbm;
}

#define kpt_ref_select kpt_arm_select

static inline bool kpt_ref_has_dirty(const struct kpt_cfg *cfg)
{
	return !KPT_ARM_S2 && (cfg->features & BIT(PT_FEAT_ARMV8_DBM));
}

static inline bool kpt_ref_dirty(u64 word)
{
	return !KPT_ARM_S2 && (word & (ARMT_DBM | ARMT_S1_AP2)) == ARMT_DBM;
}

#define kpt_ref_dirty kpt_ref_dirty

/* A write through a leaf without DBM faults, and changes nothing */
static inline u64 kpt_ref_mark_dirty(u64 word)
{
	return word & ARMT_DBM ? word & ~ARMT_S1_AP2 : word;
}

static inline u64 kpt_ref_mark_clean(u64 word)
{
	return word & ARMT_DBM ? word | ARMT_S1_AP2 : word;
}

/* Only a writable leaf has DBM; map writes it clean */
#define KPT_REF_DIRTY_PROT (IOMMU_READ | IOMMU_WRITE)
/* HTTU needs a coherent walker: the format refuses DBM without one */
#define KPT_REF_COHERENT_FEATURES BIT(PT_FEAT_ARMV8_DBM)
/*
 * The cut suite: runs are re-sized in place with BBM level 1 or 2, blocks
 * become tables only with level 2
 */
#define kpt_ref_size_change(cfg) \
	(!!((cfg)->features & (KPT_ARM_BBML1 | KPT_ARM_BBML2)))
#define kpt_ref_table_xchg(cfg) (!!((cfg)->features & KPT_ARM_BBML2))

/*
 * The suites' 4K / 2M / 1G units: the granule, a block of lookup level 2,
 * and a larger leaf (a 1G block or a contiguous run of level 2 blocks).
 */
#if KPT_ARM_GRANULE_LG2 == 14
#define KPT_SZ_4K 0x4000ULL
#define KPT_SZ_2M 0x2000000ULL
#define KPT_SZ_1G 0x40000000ULL
#elif KPT_ARM_GRANULE_LG2 == 16
#define KPT_SZ_4K 0x10000ULL
#define KPT_SZ_2M 0x20000000ULL
#define KPT_SZ_1G 0x400000000ULL
#endif

/*
 * The largest OA and IA: 52 bits with the 64K granule (FEAT_LPA, and
 * FEAT_LVA or a 52-bit IPA), else 48 (52 would need FEAT_LPA2's other
 * descriptor format)
 */
#if KPT_ARM_GRANULE_LG2 == 16
#define KPT_ARM_MAX_OA 52
#define KPT_ARM_MAX_IA 52
#else
#define KPT_ARM_MAX_OA 48
#define KPT_ARM_MAX_IA 48
#endif

/* OA sizes of the format suite: every layout of the output address */
static const u8 kpt_arm_fmt_oaszs[] = {
#if KPT_ARM_GRANULE_LG2 == 16
	52,
#endif
	48, 40, 32,
};

#define kpt_fmt_oaszs kpt_arm_fmt_oaszs

/* Table addresses for the format suite: lowest, highest, patterned */
static const u64 kpt_arm_table_pas[] = {
#if KPT_ARM_GRANULE_LG2 == 12
	0x1000, 0x0000fffffffff000ULL, 0x0000123456789000ULL,
#elif KPT_ARM_GRANULE_LG2 == 14
	0x4000, 0x0000ffffffffc000ULL, 0x000012345678c000ULL,
#else
	0x10000, 0x000fffffffff0000ULL, 0x000a123456780000ULL,
#endif
};

#define kpt_ref_table_pas kpt_arm_table_pas

/*
 * Random operations per configuration: the six files test some twenty
 * configurations between them.
 */
#define KPT_RND_OPS (CONFIG_IOMMU_PT_KUNIT_RANDOM_OPS * 2 / 5)

/* Every level tested by the format suite is a whole granule */
#define KPT_FMT_TOP_LEVEL (KPT_REF_MAX_LEVEL + 1)

/*
 * log2 of the pages and blocks of each engine level, and of their
 * contiguous runs, without FEAT_LPA2 (D8.3, and D8.6.1 "The Contiguous
 * bit"): 4K pages, 2M and 1G blocks, runs of 16 entries at every level;
 * 16K pages and 32M blocks, runs of 128 pages and of 32 blocks; 64K pages
 * and 512M blocks, runs of 32 entries; and with FEAT_LPA, 64K only, 4T
 * blocks at lookup level 1, with no run (nothing in the kernel tree gives a
 * Contiguous bit there, so the engine never sets it). kpt_ref_level_sizes()
 * has the 4T blocks only with a 52-bit OA, how a configuration says the
 * SMMU has FEAT_LPA; the decoders accept them always, as the architecture
 * does with FEAT_LPA.
 */
static const u8 kpt_arm_leaf_lg2[KPT_REF_MAX_LEVEL + 1][2] = {
#if KPT_ARM_GRANULE_LG2 == 12
	{ 12, 16 }, { 21, 25 }, { 30, 34 }, { 0, 0 },
#elif KPT_ARM_GRANULE_LG2 == 14
	{ 14, 21 }, { 25, 30 }, { 0, 0 }, { 0, 0 },
#else
	{ 16, 21 }, { 29, 34 }, { 42, 0 }, { 0, 0 },
#endif
};

/* The 64K granule's FEAT_LPA blocks: lookup level 1, engine level 2 */
#define KPT_ARM_LPA_LEVEL 2
#define KPT_ARM_LPA_OASZ 52

/* TG0 (TCR and VTCR): 4K 0b00, 64K 0b01, 16K 0b10 */
#define ARMT_TG0 \
	(KPT_ARM_GRANULE_LG2 == 12 ? 0 : KPT_ARM_GRANULE_LG2 == 16 ? 1 : 2)

/*
 * VTCR_EL2.SL0 to the lookup level a stage 2 walk starts at, -1 reserved:
 * with the 4K granule 0b00 is level 2, 0b01 level 1, 0b10 level 0 (0b11,
 * level 3, needs FEAT_TTST); with 16K and 64K 0b00 is level 3, 0b01 level 2,
 * 0b10 level 1 (0b11, level 0, needs FEAT_LPA2 with 16K, reserved with 64K).
 */
static const s8 kpt_arm_sl0_level[4] = {
#if KPT_ARM_GRANULE_LG2 == 12
	2, 1, 0, -1,
#else
	3, 2, 1, -1,
#endif
};

static unsigned int kpt_ref_item_lg2(unsigned int level)
{
	return KPT_ARM_GRANULE_LG2 + ARMT_BITS * level;
}

static unsigned int kpt_ref_items_lg2(unsigned int level)
{
	return ARMT_BITS;
}

static u64 kpt_ref_level_sizes(const struct kpt_cfg *cfg, unsigned int level)
{
	u64 sizes = 0;
	unsigned int i;

	for (i = 0; i != 2; i++) {
		unsigned int lg2 = kpt_arm_leaf_lg2[level][i];

		if (KPT_ARM_GRANULE_LG2 == 16 && level == KPT_ARM_LPA_LEVEL &&
		    cfg->oasz_lg2 < KPT_ARM_LPA_OASZ)
			continue;
		if (lg2 && lg2 <= cfg->oasz_lg2)
			sizes |= BIT_ULL(lg2);
	}
	return sizes;
}

/*
 * The lookup level a walk of an @ias bit input address starts at (D8.2):
 * the highest level whose table, resolving ARMT_BITS bits above its items,
 * reaches bit ias - 1; that is what T0SZ selects at stage 1.
 */
static unsigned int kpt_arm_ias_level(unsigned int ias)
{
	unsigned int start = 3;

	while (start && kpt_ref_item_lg2(3 - start) + ARMT_BITS < ias)
		start--;
	return start;
}

/*
 * Stage 2 may start one level lower with up to 16 concatenated tables, and
 * does so (as io-pgtable-arm does) rather than start at level 0 with a table
 * of at most 16 entries: one walk step less.
 */
static unsigned int kpt_arm_start_level(const struct kpt_cfg *cfg)
{
	unsigned int start = kpt_arm_ias_level(cfg->vasz_lg2);

	if (KPT_ARM_S2 && start == 0 &&
	    cfg->vasz_lg2 - kpt_ref_item_lg2(3) <= 4)
		start = 1;
	return start;
}

static unsigned int kpt_ref_levels(const struct kpt_cfg *cfg)
{
	return 4 - kpt_arm_start_level(cfg);
}

/*
 * The top resolves every input address bit above its items: fewer entries
 * than a granule holds, a granule, or 2 to 16 concatenated granules.
 */
static unsigned int kpt_arm_top_items_lg2(const struct kpt_cfg *cfg,
					  unsigned int level)
{
	return cfg->vasz_lg2 - kpt_ref_item_lg2(level);
}

#define kpt_ref_top_items_lg2 kpt_arm_top_items_lg2

/* One span of input addresses from 0, nothing is sign extended */
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

/* The address a descriptor holds, and the address bits of a descriptor */
static u64 kpt_arm_addr(u64 word)
{
	u64 addr = word & ARMT_ADDR;

	if (KPT_ARM_GRANULE_LG2 == 16)
		addr |= (u64)FIELD_GET(ARMT_ADDR_51_48, word) << 48;
	return addr;
}

static u64 kpt_arm_addr_bits(u64 addr)
{
	u64 word = addr & ARMT_ADDR;

	if (KPT_ARM_GRANULE_LG2 == 16)
		word |= FIELD_PREP(ARMT_ADDR_51_48, (addr >> 48) & 0xf);
	return word;
}

/* The AttrIndx whose MAIR attribute is @attr */
static unsigned int kpt_arm_attr_index(u8 attr)
{
	unsigned int i;

	for (i = 0; i != 8; i++)
		if (((ARMT_MAIR >> (8 * i)) & 0xff) == attr)
			break;
	return i;
}

/*
 * Leaf attributes for IOMMU prot flags, as io-pgtable-arm chooses them:
 * AF preset; MMIO is Device-nGnRE, else CACHE Normal write-back, else
 * Normal non-cacheable; inner shareable with CACHE, outer shareable without.
 * Stage 1: not global (per ASID), read-only without WRITE (a page is always
 * readable), EL0 access unless PRIV, NOEXEC sets PXN and UXN. Stage 2: S2AP
 * read and write as asked, NOEXEC sets XN[1] alone (ARMT_S2_XN1).
 */
static u64 kpt_ref_prot_bits(unsigned int prot)
{
	bool cache = prot & IOMMU_CACHE;
	u64 bits = ARMT_AF |
		   FIELD_PREP(ARMT_SH, cache ? ARMT_SH_IS : ARMT_SH_OS);

	if (KPT_ARM_S2) {
		if (prot & IOMMU_READ)
			bits |= ARMT_S2AP_R;
		if (prot & IOMMU_WRITE)
			bits |= ARMT_S2AP_W;
		bits |= FIELD_PREP(ARMT_S2_MEMATTR,
				   prot & IOMMU_MMIO ? ARMT_S2_DEV :
				   cache ? ARMT_S2_WB : ARMT_S2_NC);
		if (prot & IOMMU_NOEXEC)
			bits |= ARMT_S2_XN1;
		return bits;
	}
	bits |= ARMT_S1_NG |
		FIELD_PREP(ARMT_S1_ATTRINDX,
			   kpt_arm_attr_index(prot & IOMMU_MMIO ? ARMT_MAIR_DEV :
					      cache ? ARMT_MAIR_WB :
						      ARMT_MAIR_NC));
	if (!(prot & IOMMU_WRITE))
		bits |= ARMT_S1_AP2;
	else if (kpt_arm.dbm)
		bits |= ARMT_DBM | ARMT_S1_AP2;
	if (!(prot & IOMMU_PRIV))
		bits |= ARMT_S1_AP1;
	if (prot & IOMMU_NOEXEC)
		bits |= ARMT_S1_PXN | ARMT_S1_UXN;
	return bits;
}

/* Neither stage has a use for a page that can be neither read nor written */
static int kpt_ref_prot_err(unsigned int prot)
{
	return prot & (IOMMU_READ | IOMMU_WRITE) ? 0 : -EINVAL;
}

/* Stage 1 cannot express write-only: such a page is readable too */
static unsigned int kpt_ref_prot_norm(unsigned int prot)
{
	prot &= KPT_REF_PROT_MASK;
	if (!KPT_ARM_S2)
		prot |= IOMMU_READ;
	return prot;
}

static void kpt_ref_bad(struct kpt_ref_entry *ent, const char *why)
{
	ent->type = KPT_REF_BAD;
	ent->why = why;
}

/*
 * The IOMMU prot flags of a leaf descriptor, or a reason it is not one the
 * engine writes. The memory type comes from MemAttr, or from the MAIR
 * attribute AttrIndx selects.
 */
static const char *kpt_arm_leaf_prot(u64 word, unsigned int *prot)
{
	unsigned int sh = FIELD_GET(ARMT_SH, word);
	u8 type;

	*prot = 0;
	if (!(word & ARMT_AF))
		return "AF clear: the first access faults";
	if (KPT_ARM_S2) {
		if (word & ARMT_S2AP_R)
			*prot |= IOMMU_READ;
		if (word & ARMT_S2AP_W)
			*prot |= IOMMU_WRITE;
		if (!*prot)
			return "S2AP allows no access";
		if (word & ARMT_S2_XN0)
			return "XN[0] set: with FEAT_XNX, executable at one EL";
		if (word & ARMT_S2_XN1)
			*prot |= IOMMU_NOEXEC;
		switch (FIELD_GET(ARMT_S2_MEMATTR, word)) {
		case ARMT_S2_DEV:
			type = ARMT_MAIR_DEV;
			break;
		case ARMT_S2_NC:
			type = ARMT_MAIR_NC;
			break;
		case ARMT_S2_WB:
			type = ARMT_MAIR_WB;
			break;
		default:
			return "MemAttr of another memory type";
		}
	} else {
		if (!(word & ARMT_S1_NG))
			return "nG clear: a global translation";
		*prot |= IOMMU_READ;
		if (!(word & ARMT_S1_AP2) || (word & ARMT_DBM))
			*prot |= IOMMU_WRITE;
		if (!(word & ARMT_S1_AP1))
			*prot |= IOMMU_PRIV;
		if ((word & (ARMT_S1_PXN | ARMT_S1_UXN)) ==
		    (ARMT_S1_PXN | ARMT_S1_UXN))
			*prot |= IOMMU_NOEXEC;
		else if (word & (ARMT_S1_PXN | ARMT_S1_UXN))
			return "only one of PXN and UXN";
		type = (ARMT_MAIR >>
			(8 * FIELD_GET(ARMT_S1_ATTRINDX, word))) & 0xff;
		if (type != ARMT_MAIR_DEV && type != ARMT_MAIR_NC &&
		    type != ARMT_MAIR_WB)
			return "AttrIndx of no MAIR attribute";
	}
	if (type == ARMT_MAIR_DEV)
		*prot |= IOMMU_MMIO;
	if (sh == ARMT_SH_IS)
		*prot |= IOMMU_CACHE;
	else if (sh != ARMT_SH_OS)
		return "neither inner nor outer shareable";
	if (type == ARMT_MAIR_WB && sh != ARMT_SH_IS)
		return "write-back memory not inner shareable";
	if (type == ARMT_MAIR_NC && sh != ARMT_SH_OS)
		return "non-cacheable memory not outer shareable";
	return NULL;
}

/* Every bit a leaf descriptor of the engine may have, address aside */
#define ARMT_LEAF_BITS                                                  \
	(ARMT_VALID | ARMT_TYPE | ARMT_SH | ARMT_AF | ARMT_CONTIG |     \
	 (KPT_ARM_S2 ? ARMT_S2_MEMATTR | ARMT_S2AP_R | ARMT_S2AP_W |    \
			       ARMT_S2_XN1 :                            \
		       ARMT_S1_ATTRINDX | ARMT_S1_AP1 | ARMT_S1_AP2 |   \
			       ARMT_DBM |                               \
			       ARMT_S1_NG | ARMT_S1_PXN | ARMT_S1_UXN))

/* log2 of the entries of a contiguous run at @level, 0 if none */
static unsigned int kpt_arm_contig_lg2(unsigned int level)
{
	if (!kpt_arm_leaf_lg2[level][1])
		return 0;
	return kpt_arm_leaf_lg2[level][1] - kpt_arm_leaf_lg2[level][0];
}

/*
 * A descriptor as the walker reads it translating one address: bits 1:0,
 * the address, the Contiguous bit of this entry alone. AF may be set by the
 * walker. A table lets through everything: APTable, XNTable and PXNTable
 * are zero.
 */
static void kpt_ref_hw_decode(unsigned int level, u64 word,
			      struct kpt_ref_entry *ent)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	const char *why;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & ARMT_VALID)) {
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level && FIELD_GET(ARMT_TYPE, word) == ARMT_TYPE_TABLE_PAGE) {
		ent->type = KPT_REF_TABLE;
		ent->oa = kpt_arm_addr(word);
		ent->prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE |
			    IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_PRIV;
		return;
	}
	if (level ? !kpt_arm_leaf_lg2[level][0] :
		    FIELD_GET(ARMT_TYPE, word) != ARMT_TYPE_TABLE_PAGE)
		return kpt_ref_bad(ent, "reserved descriptor: a fault");
	why = kpt_arm_leaf_prot(word, &ent->prot);
	if (why)
		return kpt_ref_bad(ent, why);
	ent->size_lg2 = isz_lg2;
	if (word & ARMT_CONTIG) {
		ent->size_lg2 += kpt_arm_contig_lg2(level);
		ent->nitems = 1U << kpt_arm_contig_lg2(level);
	}
	ent->oa = kpt_arm_addr(word) & ~kpt_max(ent->size_lg2);
	ent->type = KPT_REF_LEAF;
}

/* Item @item of a leaf of 2^size_lg2 at @oa: each holds its own address */
static u64 kpt_arm_leaf_item_word(unsigned int level, u64 oa,
				  unsigned int size_lg2, unsigned int prot,
				  unsigned int item)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	u64 word = ARMT_VALID | kpt_ref_prot_bits(prot) |
		   kpt_arm_addr_bits(oa + ((u64)item << isz_lg2));

	word |= FIELD_PREP(ARMT_TYPE, level ? ARMT_TYPE_BLOCK :
					      ARMT_TYPE_TABLE_PAGE);
	if (size_lg2 != isz_lg2)
		word |= ARMT_CONTIG;
	return word;
}

#define kpt_ref_leaf_item_word kpt_arm_leaf_item_word

static u64 kpt_ref_leaf_word(unsigned int level, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	return kpt_arm_leaf_item_word(level, oa, size_lg2, prot, 0);
}

/* The engine writes a table descriptor with no attributes */
static u64 kpt_ref_table_word(unsigned int level, u64 table_pa)
{
	return FIELD_PREP(ARMT_TYPE, ARMT_TYPE_TABLE_PAGE) |
	       kpt_arm_addr_bits(table_pa);
}

/* Decode the entry at @index of a table of engine level @level */
static void kpt_ref_decode(const void *table, unsigned int level,
			   unsigned int index, struct kpt_ref_entry *ent)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	u64 word = kpt_word(table, index);
	u64 addr = kpt_arm_addr(word);
	unsigned int i, n;
	u64 dbm_ap2;

	*ent = (struct kpt_ref_entry){ .raw = word, .nitems = 1 };
	if (!(word & ARMT_VALID)) {
		/* The engine clears entries to zero */
		if (word)
			return kpt_ref_bad(ent, "invalid descriptor not zero");
		ent->type = KPT_REF_EMPTY;
		return;
	}
	if (level && FIELD_GET(ARMT_TYPE, word) == ARMT_TYPE_TABLE_PAGE) {
		if ((word & ~(ARMT_TABLE_SW_FULL | ARMT_TABLE_SW_SYNC)) !=
		    kpt_ref_table_word(level, addr))
			return kpt_ref_bad(ent, "table descriptor bits");
		ent->type = KPT_REF_TABLE;
		ent->oa = addr;
		ent->full = word & ARMT_TABLE_SW_FULL;
		ent->sync = word & ARMT_TABLE_SW_SYNC;
		return;
	}

	/* A page at lookup level 3, a block where the granule has them */
	if (!level && FIELD_GET(ARMT_TYPE, word) != ARMT_TYPE_TABLE_PAGE)
		return kpt_ref_bad(ent, "reserved descriptor at lookup level 3");
	if (level && !kpt_arm_leaf_lg2[level][0])
		return kpt_ref_bad(ent, "block at a level without blocks");
	if (word & ~(ARMT_LEAF_BITS | kpt_arm_addr_bits(U64_MAX)))
		return kpt_ref_bad(ent, "leaf bits the engine never writes");
	if (addr & kpt_max(isz_lg2))
		return kpt_ref_bad(ent, "address bits below the block size");
	ent->why = kpt_arm_leaf_prot(word, &ent->prot);
	if (ent->why)
		return kpt_ref_bad(ent, ent->why);
	ent->oa = addr;
	ent->size_lg2 = isz_lg2;

	if (word & ARMT_CONTIG) {
		/*
		 * An aligned run of entries mapping an aligned range, each
		 * with the next output address and the same attributes.
		 */
		n = 1U << kpt_arm_contig_lg2(level);
		ent->size_lg2 += kpt_arm_contig_lg2(level);
		ent->nitems = n;
		if (index % n)
			return kpt_ref_bad(ent, "contiguous run not aligned");
		if (addr & kpt_max(ent->size_lg2))
			return kpt_ref_bad(ent,
					   "contiguous run OA not aligned");
		/* The walker clears AP[2] of the item it writes through */
		dbm_ap2 = word & ARMT_DBM ? ARMT_S1_AP2 : 0;
		for (i = 1; i != n; i++)
			if ((kpt_word(table, index + i) & ~dbm_ap2) !=
			    ((word & ~kpt_arm_addr_bits(U64_MAX) & ~dbm_ap2) |
			     kpt_arm_addr_bits(addr + ((u64)i << isz_lg2))))
				return kpt_ref_bad(ent,
						   "entry of a contiguous run");
	}
	ent->type = KPT_REF_LEAF;
}

static int kpt_fmt_init(struct KPT_TABLE *table, const struct kpt_cfg *cfg,
			const struct pt_iommu_driver_ops *ops)
{
	struct pt_iommu_armv8_cfg arm_cfg = {
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
		arm_cfg.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
	return KPT_OP(init)(table, &arm_cfg, GFP_KERNEL);
}

/*
 * The top as the SMMU finds it: the granule from TG0, the input size from
 * T0SZ, the start level from T0SZ (stage 1) or SL0 (stage 2), the table at
 * TTB0 / S2TTB aligned to its size (at least 64 bytes).
 */
static int kpt_fmt_top(struct KPT_TABLE *table, u64 *top_pa,
		       unsigned int *top_level)
{
	struct pt_iommu_armv8_hw_info info = {};
	unsigned int ias, start, entries_lg2;

	KPT_OP(hw_info)(table, &info);
	if (info.tg != ARMT_TG0 || info.tsz < 64 - KPT_ARM_MAX_IA ||
	    info.tsz > 32)
		return -EINVAL;
	ias = 64 - info.tsz;
	if (KPT_ARM_S2) {
		if (info.sl0 > 3 || kpt_arm_sl0_level[info.sl0] < 0)
			return -EINVAL;
		start = kpt_arm_sl0_level[info.sl0];
	} else {
		start = kpt_arm_ias_level(ias);
	}
	/* At least one entry, at most 16 concatenated tables at stage 2 */
	if (ias <= kpt_ref_item_lg2(3 - start))
		return -EINVAL;
	entries_lg2 = ias - kpt_ref_item_lg2(3 - start);
	if (entries_lg2 > ARMT_BITS + (KPT_ARM_S2 ? 4 : 0))
		return -EINVAL;
	if (info.ttbr & kpt_max(max(entries_lg2 + 3, 6U)))
		return -EINVAL;
	*top_pa = info.ttbr;
	*top_level = 3 - start;
	return 0;
}

static const unsigned int kpt_fmt_prots[] = {
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO,
	IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO | IOMMU_CACHE,
	IOMMU_READ | IOMMU_PRIV,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_PRIV | IOMMU_NOEXEC,
};

static const unsigned int kpt_prots[] = {
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_NOEXEC | IOMMU_MMIO,
	IOMMU_READ | IOMMU_WRITE | IOMMU_PRIV | IOMMU_CACHE,
};

/*
 * The configurations, and what the Arm ARM says of each: the lookup level
 * the walk starts at, the entries of the top (those of up to 16
 * concatenated tables at stage 2) and, at stage 2, the SL0 selecting it.
 */
struct kpt_arm_expect {
	const char *name;
	u8 start;
	u16 entries;
	u8 sl0;
};

#define KPT_ARM_CFG(n, va, oa, feat)                                   \
	{ .name = n, .vasz_lg2 = va, .oasz_lg2 = oa,                   \
	  .features = KPT_ARM_STAGE_FEAT | (feat) }
#define KPT_ARM_BAD(n, va, oa, feat, e)                                \
	{ .name = n, .vasz_lg2 = va, .oasz_lg2 = oa,                   \
	  .features = KPT_ARM_STAGE_FEAT | (feat), .err = e }

#if KPT_ARM_GRANULE_LG2 == 12 && !KPT_ARM_S2
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas48-bbml2-dbm", 48, 48, KPT_ARM_BBML2 | KPT_ARM_DBM),
	KPT_ARM_CFG("ias39-oas40-bbml1", 39, 40, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias42-oas44-bbml2", 42, 44, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias32-oas40", 32, 40, 0),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	{ "ias48-oas48-bbml2-dbm", 0, 512 },
	{ "ias39-oas40-bbml1", 1, 512 },
	{ "ias42-oas44-bbml2", 0, 8 },
	{ "ias32-oas40", 1, 4 },
};
#elif KPT_ARM_GRANULE_LG2 == 12
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas48-bbml2", 48, 48, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias40-oas40-bbml1", 40, 40, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias42-oas44-bbml2", 42, 44, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias43-oas44", 43, 44, 0),
	KPT_ARM_CFG("ias44-oas48", 44, 48, 0),
	KPT_ARM_CFG("ias32-oas40", 32, 40, 0),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	{ "ias48-oas48-bbml2", 0, 512, 2 },
	/* 2 and 8 concatenated level 1 tables */
	{ "ias40-oas40-bbml1", 1, 1024, 1 },
	{ "ias42-oas44-bbml2", 1, 4096, 1 },
	/* 16 level 1 tables, the most; 32 level 0 entries are too many */
	{ "ias43-oas44", 1, 8192, 1 },
	{ "ias44-oas48", 0, 32, 2 },
	{ "ias32-oas40", 1, 4, 1 },
};
#elif KPT_ARM_GRANULE_LG2 == 14 && !KPT_ARM_S2
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas48-bbml1", 48, 48, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias40-oas40-bbml2-dbm", 40, 40,
		    KPT_ARM_BBML2 | KPT_ARM_DBM),
	KPT_ARM_CFG("ias32-oas40", 32, 40, 0),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	{ "ias48-oas48-bbml1", 0, 2 },
	{ "ias40-oas40-bbml2-dbm", 1, 16 },
	{ "ias32-oas40", 2, 128 },
};
#elif KPT_ARM_GRANULE_LG2 == 14
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas48", 48, 48, 0),
	KPT_ARM_CFG("ias40-oas40-bbml2", 40, 40, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias36-oas40-bbml1", 36, 40, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias32-oas40", 32, 40, 0),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	/* 2 concatenated level 1 tables */
	{ "ias48-oas48", 1, 4096, 2 },
	{ "ias40-oas40-bbml2", 1, 16, 2 },
	{ "ias36-oas40-bbml1", 2, 2048, 1 },
	{ "ias32-oas40", 2, 128, 1 },
};
#elif !KPT_ARM_S2
/*
 * With the 64K granule the input address may have up to 52 bits (FEAT_LVA,
 * the SMMU's IDR5.VAX at stage 1): T0SZ down to 12, lookup level 1 then
 * resolving up to 10 bits.
 */
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas52-bbml2-dbm", 48, 52,
		    KPT_ARM_BBML2 | KPT_ARM_DBM),
	KPT_ARM_CFG("ias42-oas48-bbml1", 42, 48, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias32-oas40", 32, 40, 0),
	KPT_ARM_CFG("ias52-oas52-bbml2", 52, 52, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias50-oas48", 50, 48, 0),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	{ "ias48-oas52-bbml2-dbm", 1, 64 },
	{ "ias42-oas48-bbml1", 2, 8192 },
	{ "ias32-oas40", 2, 8 },
	{ "ias52-oas52-bbml2", 1, 1024 },
	{ "ias50-oas48", 1, 256 },
};
#else
/* A 52-bit IPA (FEAT_LPA): VTCR.T0SZ 12 and SL0 starting at lookup level 1 */
static const struct kpt_cfg kpt_cfgs[] = {
	KPT_ARM_CFG("ias48-oas52-bbml2", 48, 52, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias42-oas48-bbml2", 42, 48, KPT_ARM_BBML2),
	KPT_ARM_CFG("ias40-oas40-bbml1", 40, 40, KPT_ARM_BBML1),
	KPT_ARM_CFG("ias32-oas44", 32, 44, 0),
	KPT_ARM_CFG("ias52-oas52-bbml1", 52, 52, KPT_ARM_BBML1),
};

static const struct kpt_arm_expect kpt_arm_expect[] = {
	{ "ias48-oas52-bbml2", 1, 64, 2 },
	{ "ias42-oas48-bbml2", 2, 8192, 1 },
	{ "ias40-oas40-bbml1", 2, 2048, 1 },
	{ "ias32-oas44", 2, 8, 1 },
	{ "ias52-oas52-bbml1", 1, 1024, 2 },
};
#endif

static_assert(ARRAY_SIZE(kpt_arm_expect) == ARRAY_SIZE(kpt_cfgs));

static const struct kpt_cfg kpt_bad_cfgs[] = {
	KPT_ARM_BAD("ias31", 31, 40, 0, -EINVAL),
	KPT_ARM_BAD("ias-max+1", KPT_ARM_MAX_IA + 1, 48, 0, -EINVAL),
	KPT_ARM_BAD("ias64", 64, 48, 0, -EINVAL),
	KPT_ARM_BAD("oas31", 48, 31, 0, -EINVAL),
	KPT_ARM_BAD("oas-max+1", 48, KPT_ARM_MAX_OA + 1, 0, -EINVAL),
	{ .name = "dyn", .vasz_lg2 = 48, .oasz_lg2 = 48,
	  .features = KPT_ARM_STAGE_FEAT, .dyn_start_levels = 2,
	  .err = -EOPNOTSUPP },
	KPT_ARM_BAD("sign-extend", 48, 48, BIT(PT_FEAT_SIGN_EXTEND),
		    -EOPNOTSUPP),
	/* Asked for with PT_FEAT_ARMV8_BBML2, which says why it is safe */
	KPT_ARM_BAD("oa-size-change", 48, 48, BIT(PT_FEAT_OA_SIZE_CHANGE),
		    -EOPNOTSUPP),
	/* Asked for with a BBM level, which says why it is safe */
	KPT_ARM_BAD("oa-table-xchg", 48, 48, BIT(PT_FEAT_OA_TABLE_XCHG),
		    -EOPNOTSUPP),
	KPT_ARM_BAD("unknown", 48, 48, BIT(PT_FEAT_ARMV8_DBM + 1),
		    -EOPNOTSUPP),
	/* HTTU needs a coherent walker */
	KPT_ARM_BAD("dbm-incoherent", 48, 48,
		    KPT_ARM_DBM | BIT(PT_FEAT_DMA_INCOHERENT), -EOPNOTSUPP),
#if KPT_ARM_S2
	/* Dirty state at stage 2 is not offered, as in 6.12 */
	KPT_ARM_BAD("dbm-s2", 48, 48, KPT_ARM_DBM, -EOPNOTSUPP),
#endif
};

/* The configurations of "Leaf sizes by level" in the documentation */
static const struct kpt_cfg kpt_doc_cfgs[] = {
	KPT_ARM_CFG("oa48", 48, 48, 0),
#if KPT_ARM_GRANULE_LG2 == 16
	KPT_ARM_CFG("oa52", 48, 52, 0),
#endif
};

#include "../suites/fmt.h"
#include "../suites/iommu.h"
#include "../suites/driver.h"

/* The ARM suite: what the templates do not cover */

static const struct kpt_arm_expect *kpt_arm_expect_of(const struct kpt_cfg *cfg)
{
	return &kpt_arm_expect[cfg - kpt_cfgs];
}

/* The index of @va in a table of @level, the top resolving every bit left */
static unsigned int kpt_arm_index(u64 va, unsigned int level, bool top)
{
	u64 index = va >> kpt_ref_item_lg2(level);

	return top ? index : index & kpt_max(ARMT_BITS);
}

/*
 * The table of @level the walk of @va goes through, from the top the driver
 * programs, and the index of @va in it; NULL if there is none.
 */
static void *kpt_arm_table_of(struct kpt_ctx *ctx, u64 va, unsigned int level,
			      unsigned int *index)
{
	struct kpt_ref_entry ent;
	unsigned int top_level, l;
	u64 pa;

	if (kpt_fmt_top(&ctx->table, &pa, &top_level) || level > top_level)
		return NULL;
	for (l = top_level;; l--) {
		*index = kpt_arm_index(va, l, l == top_level);
		if (l == level)
			return phys_to_virt(pa);
		kpt_ref_decode(phys_to_virt(pa), l, *index, &ent);
		if (ent.type != KPT_REF_TABLE)
			return NULL;
		pa = ent.oa;
	}
}

static void kpt_arm_dma_nop(struct pt_iommu_test_hooks *test, void *table,
			    size_t len)
{
}

static void kpt_arm_dma_sync_nop(struct pt_iommu_test_hooks *test,
				 void *table, size_t offset, size_t len)
{
}

/* TCR_EL1.IPS / VTCR_EL2.PS of the output sizes */
static const u8 kpt_arm_ps[][2] = {
	{ 32, 0 }, { 36, 1 }, { 40, 2 }, { 42, 3 }, { 44, 4 }, { 48, 5 },
	{ 52, 6 },
};

/*
 * What an SMMU driver programs for one configuration: T0SZ, TG0, IPS / PS,
 * the walker's cacheability and shareability (inner shareable write-back
 * when coherent, outer shareable non-cacheable otherwise), the MAIR at stage
 * 1 and SL0 at stage 2; and the features the format turns on.
 */
static void kpt_arm_hw_info_one(struct kunit *test, const struct kpt_cfg *cfg,
				bool incoherent)
{
	const struct kpt_arm_expect *exp = kpt_arm_expect_of(cfg);
	struct kpt_cfg icfg = *cfg;
	struct pt_iommu_armv8_hw_info info;
	struct pt_iommu_info pinfo;
	unsigned int features, i, level;
	struct kpt_ctx *ctx;
	uintptr_t top;
	u64 pa;

	if (incoherent)
		icfg.features = kpt_incoherent_features(icfg.features);
	ctx = kpt_ctx_alloc(test, &icfg);
	ctx->hooks.dma_map = kpt_arm_dma_nop;
	ctx->hooks.dma_sync = kpt_arm_dma_sync_nop;
	ctx->hooks.dma_unmap = kpt_arm_dma_nop;
	KUNIT_ASSERT_EQ_MSG(test, kpt_fmt_init(&ctx->table, &icfg, NULL), 0,
			    "%s", cfg->name);

	memset(&info, 0xa5, sizeof(info));
	KPT_OP(hw_info)(&ctx->table, &info);
	top = ctx->table.iommu.common.top_of_table;
	KUNIT_EXPECT_EQ_MSG(test, info.ttbr,
			    (u64)virt_to_phys((void *)(top & ~(uintptr_t)
							      PT_TOP_LEVEL_MASK)),
			    "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.tsz, 64 - cfg->vasz_lg2, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.tg, ARMT_TG0, "%s", cfg->name);
	for (i = 0; i != ARRAY_SIZE(kpt_arm_ps); i++)
		if (kpt_arm_ps[i][0] == cfg->oasz_lg2)
			KUNIT_EXPECT_EQ_MSG(test, info.ps, kpt_arm_ps[i][1],
					    "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.sh,
			    incoherent ? ARMT_SH_OS : ARMT_SH_IS, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.irgn, incoherent ? 0 : 1, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.orgn, incoherent ? 0 : 1, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.mair, KPT_ARM_S2 ? 0 : ARMT_MAIR, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, info.sl0, KPT_ARM_S2 ? exp->sl0 : 0, "%s",
			    cfg->name);

	/* The driver, the hardware and the reference agree on the top */
	KUNIT_EXPECT_EQ_MSG(test, kpt_fmt_top(&ctx->table, &pa, &level), 0,
			    "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, level, 3U - exp->start, "%s", cfg->name);
	KPT_OP(get_info)(&ctx->table.iommu, &pinfo);
	KUNIT_EXPECT_EQ_MSG(test, pinfo.top_level, 3U - exp->start, "%s",
			    cfg->name);

	features = ctx->table.iommu.common.features;
	KUNIT_EXPECT_EQ_MSG(test, !!(features & BIT(PT_FEAT_OA_TABLE_XCHG)),
			    kpt_ref_table_xchg(cfg), "%s", cfg->name);
	KUNIT_EXPECT_EQ_MSG(test, !!(features & BIT(PT_FEAT_OA_SIZE_CHANGE)),
			    kpt_ref_size_change(cfg), "%s", cfg->name);
	KUNIT_EXPECT_EQ(test, !!(features & BIT(PT_FEAT_ARMV8_S2)),
			KPT_ARM_S2);
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_hw_info(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		const struct kpt_arm_expect *exp = &kpt_arm_expect[i];

		/* The reference's geometry against the values written out */
		KUNIT_EXPECT_STREQ(test, exp->name, cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, kpt_arm_start_level(cfg), exp->start,
				    "%s", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test,
				    1U << kpt_arm_top_items_lg2(cfg,
								3 - exp->start),
				    exp->entries, "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, cfg->features & BIT(PT_FEAT_ARMV8_S2),
				KPT_ARM_STAGE_FEAT);
		kpt_arm_hw_info_one(test, cfg, false);
		kpt_arm_hw_info_one(test, cfg, true);
	}
}

/*
 * The top: the first and the last granule of the input space, and the first
 * of each further concatenated table, use the entries the Arm ARM indexes
 * with the input address bits above the top's items; nothing else of the
 * top's memory is written.
 */
static void kpt_arm_top_one(struct kunit *test, const struct kpt_cfg *cfg)
{
	const struct kpt_arm_expect *exp = kpt_arm_expect_of(cfg);
	unsigned int level = 3 - exp->start, n = 0, i, index, top_level;
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	u64 g = ctx->min_pgsize, vas[3], top_pa;
	unsigned int words, used = 0;
	struct kpt_ref_entry ent;
	const void *top;

	vas[n++] = 0;
	vas[n++] = BIT_ULL(cfg->vasz_lg2) - g;
	if (exp->entries > BIT(ARMT_BITS))
		vas[n++] = BIT_ULL(isz_lg2 + ARMT_BITS);
	for (i = 0; i != n; i++)
		kpt_map_ok(ctx, vas[i], 0x40000000ULL + i * g, g, IOMMU_READ);
	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &top_pa, &top_level),
			0);
	KUNIT_ASSERT_EQ(test, top_level, level);
	top = phys_to_virt(top_pa);

	for (i = 0; i != n; i++) {
		index = vas[i] >> isz_lg2;
		kpt_ref_decode(top, level, index, &ent);
		KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_TABLE,
				    "%s: va %llx top entry %u", cfg->name,
				    vas[i], index);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, vas[i] + 7),
				0x40000007ULL + i * g);
	}
	KUNIT_EXPECT_EQ(test, (u64)vas[1] >> isz_lg2, exp->entries - 1ULL);
	words = max_t(unsigned int, exp->entries, BIT(ARMT_BITS));
	for (i = 0; i != words; i++)
		if (kpt_word(top, i))
			used++;
	KUNIT_EXPECT_EQ_MSG(test, used, n, "%s: top entries in use",
			    cfg->name);
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_top(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		kpt_arm_top_one(test, &kpt_cfgs[i]);
}

struct kpt_arm_level_leaves {
	unsigned int level;
	unsigned int contig;
};

static void kpt_arm_count_contig(struct kpt_walk *walk,
				 const struct kpt_leaf *leaf)
{
	struct kpt_arm_level_leaves *l = walk->priv;

	if (leaf->level == l->level &&
	    leaf->size_lg2 != kpt_ref_item_lg2(leaf->level))
		l->contig++;
}

/* Map [va, va + len) at @pa: the leaves are those of the decomposition */
static void kpt_arm_map_greedy(struct kpt_ctx *ctx, u64 va, u64 pa, u64 len,
			       unsigned int level, unsigned int *contig)
{
	struct kpt_arm_level_leaves l = { .level = level };
	struct kpt_walk walk = {
		.leaf_fn = kpt_arm_count_contig,
		.priv = &l,
	};
	unsigned int expect[64] = {}, s;

	kpt_map_ok(ctx, va, pa, len, IOMMU_READ | IOMMU_WRITE);
	kpt_walk(ctx, &walk);
	kpt_greedy(ctx->cfg, va, pa, len, expect, NULL, NULL);
	for (s = 0; s != 64; s++)
		KUNIT_EXPECT_EQ_MSG(ctx->test, walk.by_size[s], expect[s],
				    "%s: va %llx pa %llx len %llx: leaves of size_lg2 %u",
				    ctx->cfg->name, va, pa, len, s);
	*contig = l.contig;
}

/*
 * The contiguous hint at @level: a map that can use it does, with the bit
 * in every entry of the run and each entry holding its own address, and
 * every entry translates; one page off, or the physical address alone one
 * entry off, and it does not.
 */
static void kpt_arm_contig_level(struct kunit *test, const struct kpt_cfg *cfg,
				 unsigned int level)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int run_lg2 = kpt_arm_leaf_lg2[level][1];
	unsigned int n = 1U << (run_lg2 - isz_lg2), i, index, contig;
	unsigned int prot = IOMMU_READ | IOMMU_WRITE;
	u64 run = BIT_ULL(run_lg2), isz = BIT_ULL(isz_lg2);
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	u64 g = ctx->min_pgsize, va = 2 * run, pa, word;
	struct kpt_ref_entry ent;
	const void *table;

	pa = 0x000a5a5a5a5a5a5aULL & kpt_max(cfg->oasz_lg2 - 1) & ~(run - 1);
	if (!pa)
		pa = run;

	kpt_arm_map_greedy(ctx, va, pa, run, level, &contig);
	KUNIT_EXPECT_EQ_MSG(test, contig, 1, "%s: level %u run", cfg->name,
			    level);
	table = kpt_arm_table_of(ctx, va, level, &index);
	KUNIT_ASSERT_NOT_NULL(test, table);
	for (i = 0; i != n; i++) {
		u64 item_va = va + i * isz, item_pa = pa + i * isz;

		word = kpt_word(table, index + i);
		KUNIT_EXPECT_TRUE_MSG(test, word & ARMT_CONTIG,
				      "%s: level %u entry %u: %016llx",
				      cfg->name, level, i, word);
		KUNIT_EXPECT_EQ_MSG(test, kpt_arm_addr(word), item_pa,
				    "%s: level %u entry %u", cfg->name, level,
				    i);
		KUNIT_EXPECT_EQ_MSG(test, word,
				    kpt_ref_leaf_item_word(level, pa, run_lg2,
							   prot, i),
				    "%s: level %u entry %u", cfg->name, level,
				    i);
		/* The walker may translate the run from this entry alone */
		kpt_ref_hw_decode(level, word, &ent);
		KUNIT_EXPECT_EQ(test, ent.type, KPT_REF_LEAF);
		KUNIT_EXPECT_EQ(test, ent.oa + (item_va & (run - 1)), item_pa);
		KUNIT_EXPECT_EQ(test, ent.size_lg2, run_lg2);
		/* And so does iova_to_phys */
		KUNIT_EXPECT_EQ_MSG(test, kpt_phys(ctx, item_va), item_pa,
				    "%s: level %u entry %u", cfg->name, level,
				    i);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, item_va + isz - 1),
				item_pa + isz - 1);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, item_va + (i + 1) * g % isz),
				item_pa + (i + 1) * g % isz);
	}
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va - 1), 0);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + run), 0);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, run), run);
	kpt_check_empty(ctx, "after the contiguous run");
	kpt_ctx_free(ctx);

	/*
	 * Misaligned by one page: no run at this level. Each in a new table,
	 * where no emptied table is left where a block would go.
	 */
	ctx = kpt_ctx_new(test, cfg);
	kpt_arm_map_greedy(ctx, va + g, pa + g, run, level, &contig);
	KUNIT_EXPECT_EQ_MSG(test, contig, 0, "%s: level %u, one page off",
			    cfg->name, level);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + run), pa + run);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va + g, run), run);
	kpt_ctx_free(ctx);
	/* The physical address alone one entry off (a page at level 0) */
	ctx = kpt_ctx_new(test, cfg);
	kpt_arm_map_greedy(ctx, va, pa + isz, run, level, &contig);
	KUNIT_EXPECT_EQ_MSG(test, contig, 0,
			    "%s: level %u, physical address one entry off",
			    cfg->name, level);
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, run), run);
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_contig(struct kunit *test)
{
	unsigned int i, level, tested = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];

		for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
			unsigned int run_lg2 = kpt_arm_leaf_lg2[level][1];

			if (!run_lg2 || run_lg2 + 2 > cfg->vasz_lg2 ||
			    run_lg2 + 2 > cfg->oasz_lg2)
				continue;
			kpt_arm_contig_level(test, cfg, level);
			tested++;
		}
	}
	KUNIT_EXPECT_GT(test, tested, 0);
}

/* The bytes of a table word in memory, as little-endian */
static void kpt_arm_expect_le(struct kunit *test, const void *table,
			      unsigned int index, u64 expect)
{
	const u8 *bytes = (const u8 *)table + 8 * index;
	unsigned int i;

	for (i = 0; i != 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, bytes[i], (u8)(expect >> (8 * i)),
				    "byte %u of %016llx", i, expect);
}

/*
 * Table memory holds little-endian descriptors whatever the CPU: the bytes
 * of a page, of an entry of a contiguous run and of a table descriptor are
 * those of the little-endian encoding (a big-endian host would swap them).
 */
static void kpt_arm_test_le_words(struct kunit *test)
{
	const struct kpt_cfg *cfg = &kpt_cfgs[0];
	unsigned int prot = IOMMU_READ | IOMMU_CACHE;
	unsigned int index, top_level, run_lg2 = kpt_arm_leaf_lg2[0][1];
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	u64 g = ctx->min_pgsize, run = BIT_ULL(run_lg2);
	u64 pa = 0x0000876543210000ULL & ~(run - 1), top_pa;
	u64 va = 0x0000123456780000ULL & kpt_max(cfg->vasz_lg2) & ~(run - 1);
	struct kpt_ref_entry ent;
	const void *table;

	kpt_map_ok(ctx, va, pa, g, prot);
	kpt_map_ok(ctx, va + run, pa + run, run, prot);
	table = kpt_arm_table_of(ctx, va, 0, &index);
	KUNIT_ASSERT_NOT_NULL(test, table);
	kpt_arm_expect_le(test, table, index,
			  kpt_ref_leaf_word(0, pa, kpt_ref_item_lg2(0), prot));
	index += kpt_div(run, g) + 1;
	kpt_arm_expect_le(test, table, index,
			  kpt_ref_leaf_item_word(0, pa + run, run_lg2, prot, 1));

	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &top_pa, &top_level),
			0);
	index = kpt_arm_index(va, top_level, true);
	kpt_ref_decode(phys_to_virt(top_pa), top_level, index, &ent);
	KUNIT_ASSERT_EQ(test, ent.type, KPT_REF_TABLE);
	kpt_arm_expect_le(test, phys_to_virt(top_pa), index,
			  kpt_ref_table_word(top_level, ent.oa));
	kpt_ctx_free(ctx);
}

/*
 * The leaf attributes arm_lpae_prot_to_pte() of 6.12's io-pgtable-arm.c
 * writes (ARM_64_LPAE_S1 and _S2, no quirks), worked out by hand from its
 * ARM_LPAE_PTE_* values: the format must agree, and so must the reference,
 * except in XN[0] at stage 2 (io-pgtable-arm's XN is 0b11, the format
 * writes 0b10, see ARMT_S2_XN1).
 */
static const struct {
	unsigned int prot;
	u64 s1;
	u64 s2;
} kpt_arm_io_pgtable[] = {
	{ IOMMU_READ, 0xec0, 0x654 },
	{ IOMMU_WRITE, 0xe40, 0x694 },
	{ IOMMU_READ | IOMMU_WRITE, 0xe40, 0x6d4 },
	{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, 0xf44, 0x7fc },
	{ IOMMU_READ | IOMMU_MMIO, 0xec8, 0x644 },
	{ IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO | IOMMU_CACHE, 0xf48, 0x7c4 },
	{ IOMMU_READ | IOMMU_WRITE | IOMMU_PRIV, 0xe00, 0x6d4 },
	{ IOMMU_READ | IOMMU_NOEXEC, 0x0060000000000ec0ULL,
	  0x0060000000000654ULL },
	{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_NOEXEC | IOMMU_PRIV,
	  0x0060000000000f04ULL, 0x00600000000007fcULL },
};

/* The first configuration without hardware dirty state, as 6.12's quirks */
static const struct kpt_cfg *kpt_arm_no_dbm_cfg(void)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!(kpt_cfgs[i].features & KPT_ARM_DBM))
			break;
	return &kpt_cfgs[i];
}

static void kpt_arm_test_io_pgtable(struct kunit *test)
{
	const struct kpt_cfg *cfg = kpt_arm_no_dbm_cfg();
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	u64 g = ctx->min_pgsize, va = 0x10000000ULL, pa = 0x20000000ULL;
	struct pt_write_attrs attrs;
	unsigned int i, index;
	const void *table;

	for (i = 0; i != ARRAY_SIZE(kpt_arm_io_pgtable); i++) {
		unsigned int prot = kpt_arm_io_pgtable[i].prot;
		u64 bits = KPT_ARM_S2 ? kpt_arm_io_pgtable[i].s2 :
					kpt_arm_io_pgtable[i].s1;

		if (KPT_ARM_S2 && (prot & IOMMU_NOEXEC)) {
			/* The one intended difference: io-pgtable's 0b11 */
			bits &= ~ARMT_S2_XN0;
		}

		KUNIT_EXPECT_EQ_MSG(test, kpt_ref_prot_bits(prot), bits,
				    "reference, prot %x", prot);
		memset(&attrs, 0, sizeof(attrs));
		KUNIT_ASSERT_EQ(test,
				pt_iommu_set_prot(&ctx->table.iommu.common,
						  &attrs, prot),
				0);
		KUNIT_EXPECT_EQ_MSG(test, attrs.descriptor_bits, bits,
				    "format, prot %x", prot);

		/* And the page map_pages writes: type 0b11, the address */
		kpt_map_ok(ctx, va + i * g, pa + i * g, g, prot);
		table = kpt_arm_table_of(ctx, va + i * g, 0, &index);
		KUNIT_ASSERT_NOT_NULL(test, table);
		KUNIT_EXPECT_EQ_MSG(test, kpt_word(table, index),
				    bits | 3 | (pa + i * g), "page, prot %x",
				    prot);
	}
	kpt_ctx_free(ctx);
}

/*
 * Bits the engine never writes that do not change the translation: the
 * software bits 58:55 and PBHA 62:59 of a leaf, DBM, and the ignored bits
 * of a table descriptor (11:2, 58:51) and its hierarchical attributes
 * (63:59). The format still finds the same address and size.
 */
static void kpt_arm_test_foreign_bits(struct kunit *test)
{
	static const u64 leaf_ignored = GENMASK_ULL(62, 55) | BIT_ULL(51);
	static const u64 table_ignored =
		GENMASK_ULL(11, 2) | GENMASK_ULL(63, 51);
	u64 top = kpt_max(KPT_ARM_GRANULE_LG2 == 16 ? 52 : 48);
	unsigned int level, run_lg2;
	struct kpt_fmt fmt;
	u64 oa, word;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, &kpt_cfgs[0],
					    KPT_ARM_MAX_OA),
			0);
	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
		run_lg2 = kpt_arm_leaf_lg2[level][1];
		if (run_lg2) {
			/* The second entry of a run, read on its own */
			oa = top & ~kpt_max(run_lg2);
			word = kpt_arm_leaf_item_word(level, oa, run_lg2,
						      IOMMU_READ, 1);
			((__le64 *)fmt.buf)[3] =
				cpu_to_le64(word | leaf_ignored);
			kpt_fmt_at(&fmt, level, 3);
			KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
					    PT_ENTRY_OA, "level %u", level);
			KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt.pts), oa,
					    "level %u", level);
			KUNIT_EXPECT_EQ(test, pt_entry_oa_lg2sz(&fmt.pts),
					run_lg2);
		}
		if (!level)
			continue;
		word = kpt_ref_table_word(level,
					  top & ~kpt_max(KPT_ARM_GRANULE_LG2));
		((__le64 *)fmt.buf)[5] = cpu_to_le64(word | table_ignored);
		kpt_fmt_at(&fmt, level, 5);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
				    PT_ENTRY_TABLE, "level %u", level);
		KUNIT_EXPECT_EQ_MSG(test, pt_table_pa(&fmt.pts),
				    kpt_arm_addr(word), "level %u", level);
	}
	kfree(fmt.buf);
}

/*
 * cut_mapping at each break-before-make level of the SMMU (0, 1 or 2): a
 * contiguous run cut at an entry boundary, which changes only Contiguous
 * bits, is re-sized in place from level 1; a block becomes a table (a block
 * cut, or a run cut inside an entry) only at level 2. Else the cut is
 * refused and nothing changes. Afterwards each side has the leaves a map of
 * it alone would get.
 */
static void kpt_arm_cut_one(struct kunit *test, const struct kpt_cfg *cfg,
			    unsigned int level, bool run, unsigned int bbml,
			    u64 off)
{
	struct kpt_cfg c = *cfg;
	unsigned int size_lg2 = kpt_arm_leaf_lg2[level][run];
	u64 size = BIT_ULL(size_lg2), va = 2 * size, pa = 4 * size, cut;
	bool at_entry = !(off & kpt_max(kpt_ref_item_lg2(level)));
	bool ok = bbml == 2 || (bbml == 1 && run && at_entry);
	unsigned int expect[64] = {}, s;
	struct kpt_walk walk = {};
	struct kpt_snap *before, *after;
	struct kpt_ctx *ctx;
	int ret;

	c.features &= ~(KPT_ARM_BBML1 | KPT_ARM_BBML2);
	if (bbml)
		c.features |= bbml == 1 ? KPT_ARM_BBML1 : KPT_ARM_BBML2;
	ctx = kpt_ctx_new(test, &c);
	cut = va + off;
	kpt_map_ok(ctx, va, pa, size, IOMMU_READ);
	before = kpt_snap_take(ctx);
	ret = KPT_OP(cut_mapping)(&ctx->table.iommu, cut, GFP_KERNEL);
	if (!ok) {
		KUNIT_EXPECT_EQ_MSG(test, ret, -EOPNOTSUPP,
				    "%s: BBM level %u: cut of a 2^%u %s at +%llx",
				    c.name, bbml, size_lg2,
				    run ? "run" : "block", off);
		after = kpt_snap_take(ctx);
		kpt_snap_check(ctx, before, after, "refused cut");
		kpt_snap_put(after);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, ret, 0,
				    "%s: BBM level %u: cut of a 2^%u leaf at +%llx",
				    c.name, bbml, size_lg2, off);
		kpt_greedy(&c, va, pa, off, expect, NULL, NULL);
		kpt_greedy(&c, cut, pa + off, size - off, expect, NULL, NULL);
		kpt_walk(ctx, &walk);
		for (s = 0; s != 64; s++)
			KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], expect[s],
					    "%s: 2^%u cut at +%llx: leaves of 2^%u",
					    c.name, size_lg2, off, s);
	}
	kpt_snap_put(before);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, cut - 1), pa + off - 1);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, cut), pa + off);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, off), off);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, cut, size - off),
				size - off);
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), ret ? size : 0);
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_cut(struct kunit *test)
{
	const struct kpt_cfg *cfg = &kpt_cfgs[0];
	u64 g = BIT_ULL(KPT_ARM_GRANULE_LG2);
	unsigned int level, bbml;

	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
		unsigned int isz_lg2 = kpt_ref_item_lg2(level);
		bool run = kpt_arm_leaf_lg2[level][1];
		unsigned int max_lg2 = kpt_arm_leaf_lg2[level][run];

		if (!(kpt_ref_level_sizes(cfg, level) & BIT_ULL(isz_lg2)) ||
		    max_lg2 + 3 > cfg->vasz_lg2 || max_lg2 + 3 > cfg->oasz_lg2)
			continue;
		for (bbml = 0; bbml != 3; bbml++) {
			/* A block into a table: inside its first granule */
			if (level)
				kpt_arm_cut_one(test, cfg, level, false, bbml,
						g);
			/* The 4T blocks have no run */
			if (!run)
				continue;
			/* A run at an entry boundary, and inside an entry */
			kpt_arm_cut_one(test, cfg, level, true, bbml,
					3 * BIT_ULL(isz_lg2));
			if (level)
				kpt_arm_cut_one(test, cfg, level, true, bbml,
						BIT_ULL(isz_lg2) + g);
		}
	}
}

#if KPT_ARM_GRANULE_LG2 == 16
/*
 * 4T blocks (64K granule, FEAT_LPA): with a 52-bit OA a 4T aligned map is
 * one block descriptor at lookup level 1, its address bits 51:48 in bits
 * 15:12, and a map call with a 4T pgsize is accepted; with a smaller OA the
 * same map is made of smaller leaves and a 4T pgsize is refused.
 */
static void kpt_arm_lpa_one(struct kunit *test, const struct kpt_cfg *cfg)
{
	unsigned int level = KPT_ARM_LPA_LEVEL, size_lg2 = 42, index;
	bool lpa = kpt_ref_level_sizes(cfg, level) & BIT_ULL(size_lg2);
	unsigned int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	u64 size = BIT_ULL(size_lg2), va = 2 * size, pa, word;
	struct kpt_walk walk = {};
	struct kpt_ctx *ctx;
	size_t mapped = 0;
	const void *table;

	pa = 0x000a5a5a5a5a5a5aULL & kpt_max(cfg->oasz_lg2) & ~(size - 1);
	ctx = kpt_ctx_new(test, cfg);
	KUNIT_EXPECT_EQ_MSG(test, !!(kpt_domain(ctx)->pgsize_bitmap & size),
			    lpa, "%s: 4T in the page size bitmap", cfg->name);
	kpt_map_ok(ctx, va, pa, size, prot);
	kpt_walk(ctx, &walk);
	KUNIT_EXPECT_EQ_MSG(test, walk.by_size[size_lg2], lpa ? 1 : 0, "%s",
			    cfg->name);
	KUNIT_EXPECT_EQ(test, walk.leaf_bytes, size);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), pa);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + 0x123456789a0ULL),
			pa + 0x123456789a0ULL);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size - 1), pa + size - 1);
	KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size), 0);
	if (lpa) {
		table = kpt_arm_table_of(ctx, va, level, &index);
		KUNIT_ASSERT_NOT_NULL(test, table);
		word = kpt_word(table, index);
		KUNIT_EXPECT_EQ_MSG(test, word,
				    kpt_ref_leaf_word(level, pa, size_lg2, prot),
				    "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, FIELD_GET(ARMT_TYPE, word),
				ARMT_TYPE_BLOCK);
		KUNIT_EXPECT_EQ(test, FIELD_GET(ARMT_ADDR_51_48, word),
				pa >> 48);
		KUNIT_EXPECT_FALSE(test, word & ARMT_CONTIG);
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
	kpt_check_empty(ctx, "after the 4T map");

	/* One 4T page in one call, as the iommu core would ask for it */
	KUNIT_EXPECT_EQ_MSG(test,
			    kpt_map(ctx, va, pa, size, 1, prot, &mapped),
			    lpa ? 0 : -EINVAL, "%s: map_pages(pgsize 4T)",
			    cfg->name);
	KUNIT_EXPECT_EQ(test, mapped, lpa ? size : 0);
	if (lpa) {
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size - 1),
				pa + size - 1);
		/* A 4T block is never split by unmap */
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size / 2), 0);
		KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
	}
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_lpa_blocks(struct kunit *test)
{
	unsigned int i, lpa = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];

		/* Room for a 4T block at 8T */
		if (cfg->vasz_lg2 < 44 || cfg->oasz_lg2 < 44)
			continue;
		kpt_arm_lpa_one(test, cfg);
		if (cfg->oasz_lg2 >= KPT_ARM_LPA_OASZ) {
			struct kpt_cfg c = *cfg;

			/* The same without FEAT_LPA */
			c.oasz_lg2 = 48;
			kpt_arm_lpa_one(test, &c);
			lpa++;
		}
	}
	/* At least one configuration has them */
	KUNIT_EXPECT_GT(test, lpa, 0);
}

/*
 * Leaves of one item at @level whose output addresses cross 2^48: with a
 * 52-bit OA, OA bits 51:48 move to descriptor bits 15:12 there, so the
 * words on the two sides do not follow by one stride. Every word is checked
 * against the reference encoding and every page translated.
 */
static void kpt_arm_oa48_one(struct kunit *test, const struct kpt_cfg *cfg,
			     unsigned int level)
{
	unsigned int size_lg2 = kpt_ref_item_lg2(level), i, index;
	unsigned int prot = IOMMU_READ | IOMMU_WRITE;
	u64 size = BIT_ULL(size_lg2);
	/* No contiguous run: va and pa differ modulo 16 items */
	u64 va = BIT_ULL(cfg->vasz_lg2 - 1) + size;
	u64 pa = BIT_ULL(48) - 3 * size;
	struct kpt_ctx *ctx = kpt_ctx_new(test, cfg);
	const void *table;

	kpt_map_ok(ctx, va, pa, 6 * size, prot);
	for (i = 0; i != 6; i++) {
		u64 ia = va + i * size, oa = pa + i * size;

		table = kpt_arm_table_of(ctx, ia, level, &index);
		KUNIT_ASSERT_NOT_NULL(test, table);
		KUNIT_EXPECT_EQ_MSG(test, kpt_word(table, index),
				    kpt_ref_leaf_word(level, oa, size_lg2,
						      prot),
				    "%s: level %u item %u", cfg->name, level,
				    i);
		KUNIT_EXPECT_EQ(test, kpt_phys(ctx, ia + size - 1),
				oa + size - 1);
	}
	KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, 6 * size), 6 * size);
	kpt_check_empty(ctx, "after the map across 2^48");
	kpt_ctx_free(ctx);
}

static void kpt_arm_test_oa48_runs(struct kunit *test)
{
	unsigned int i, n = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];

		if (cfg->oasz_lg2 <= 48)
			continue;
		kpt_arm_oa48_one(test, cfg, 0);
		kpt_arm_oa48_one(test, cfg, 1);
		n++;
	}
	KUNIT_EXPECT_GT(test, n, 0);
}
#endif

static struct kunit_case kpt_arm_cases[] = {
	KUNIT_CASE(kpt_arm_test_hw_info),
	KUNIT_CASE(kpt_arm_test_top),
	KUNIT_CASE(kpt_arm_test_contig),
	KUNIT_CASE(kpt_arm_test_le_words),
	KUNIT_CASE(kpt_arm_test_io_pgtable),
	KUNIT_CASE(kpt_arm_test_foreign_bits),
	KUNIT_CASE(kpt_arm_test_cut),
#if KPT_ARM_GRANULE_LG2 == 16
	KUNIT_CASE(kpt_arm_test_lpa_blocks),
	KUNIT_CASE(kpt_arm_test_oa48_runs),
#endif
	{}
};

static struct kunit_suite kpt_arm_suite = {
	.name = KPT_SUITE_NAME("arm"),
	.init = kpt_iommu64_init,
	.test_cases = kpt_arm_cases,
};

#include "../suites/cut.h"
#include "../suites/incoherent.h"
#include "../suites/dirty.h"
#include "../suites/gather.h"
#include "../suites/concurrent.h"

kunit_test_suites(&kpt_fmt_suite, &kpt_iommu_suite, &kpt_driver_suite,
		  &kpt_arm_suite, &kpt_cut_suite, &kpt_conc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the Generic PT ARM VMSAv8-64 page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif

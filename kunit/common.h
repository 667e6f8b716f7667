/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: what every format's test personality and the templated
 * suites share.
 *
 * A format's test file (kunit/formats/<fmt>.c) defines PT_FMT, includes its
 * format header, this file, and then provides its personality before
 * including the suite templates of kunit/suites/:
 *
 *   KPT_REF_WORD_SIZE                  optional, before this file: bytes of
 *					a table entry, 8 (the default) or 4
 *   KPT_REF_MAX_LEVEL                  highest level a table may have
 *   kpt_ref_item_lg2(level)            log2 of the IOVA span of one item
 *   kpt_ref_items_lg2(level)           log2 of the number of items of a table
 *   kpt_ref_level_sizes(cfg, level)    bitmap of the leaf sizes of a level
 *					for a table of @cfg (its OA size and
 *					format features)
 *   kpt_ref_levels(cfg)                levels of a freshly initialised table
 *   kpt_ref_spans(cfg, spans)          the IOVA ranges a table of @cfg can
 *					map, lowest first (struct kpt_span);
 *					returns how many (1 to KPT_MAX_SPANS)
 *   kpt_ref_va_of(cfg, va)             the IOVA that the table position
 *					@va (item indices put together from
 *					the top, from bit 0 up) translates:
 *					@va itself, or sign extended
 *   kpt_ref_decode(table, level, index, entry)
 *					read a raw entry from the spec
 *   kpt_ref_leaf_word(level, oa, size_lg2, prot)
 *   kpt_ref_table_word(level, table_pa)
 *					raw words the spec says to expect
 *   kpt_ref_prot_bits(prot)            leaf bits for IOMMU_READ / ...
 *   kpt_ref_prot_err(prot)             the errno mapping with @prot gets
 *					(0 when the format accepts it)
 *   kpt_ref_prot_norm(prot)            what a leaf mapped with @prot grants,
 *					as kpt_ref_decode() reports it
 *   KPT_REF_PROT_MASK                  the IOMMU prot flags the format keeps
 *   KPT_REF_HW_LEAF_BITS               bits the hardware sets in leaves
 *   KPT_REF_HW_KEPT_BITS               those pt_attr_from_entry() keeps
 *   KPT_REF_TABLE_FULL_BIT             optional: the bit of a table entry,
 *					one the walker ignores, that the engine
 *					sets when all below is mapped
 *					(PT_TABLE_FULL_BIT); the decoder
 *					reports it in &kpt_ref_entry.full
 *   KPT_REF_TABLE_SYNC_BIT             optional: another such bit, that the
 *					engine sets once the entry was pushed
 *					to an incoherent walker
 *					(PT_TABLE_SYNC_BIT); the decoder
 *					reports it in &kpt_ref_entry.sync
 *   kpt_fmt_init(table, cfg, ops)      initialise a table for a kpt_cfg
 *   kpt_fmt_top(table, &pa, &level)    the top as the driver would program it
 *   kpt_cfgs[], kpt_bad_cfgs[]         configurations to test; the format
 *					suite runs once for each distinct
 *					&kpt_cfg.features of kpt_cfgs[]
 *   kpt_fmt_prots[], kpt_prots[]       IOMMU prot flags the format and the
 *					IOMMU suites map with; all accepted
 *   kpt_ref_select(cfg)                optional: the configuration whose
 *					encoding the reference models from now
 *					on, when features change it (see
 *					kunit/suites/fmt.h)
 *   kpt_doc_cfgs[]                     the configurations the table "Leaf
 *					sizes by level" of the documentation
 *					lists, by &kpt_cfg.name
 *					(scripts/check_doc_sizes.py)
 *
 * The reference side is written from the hardware specification and never
 * uses the format header's own encoding macros, so that the suites compare
 * the engine with an independent reading of the format.
 */
#ifndef __GENERIC_PT_KUNIT_COMMON_H
#define __GENERIC_PT_KUNIT_COMMON_H

#include <kunit/test.h>
#include <linux/generic_pt/iommu.h>
#include <linux/iommu.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/stringify.h>

#ifndef PT_FMT
#error "Define PT_FMT first"
#endif

#define __KPT_CAT2(a, b) a##b
#define _KPT_CAT2(a, b) __KPT_CAT2(a, b)
#define __KPT_CAT3(a, b, c) a##b##c
#define _KPT_CAT3(a, b, c) __KPT_CAT3(a, b, c)
/* The function under test: KPT_OP(map_pages) is pt_iommu_amdv1_map_pages */
#define KPT_OP(op) _KPT_CAT3(pt_iommu_, PT_FMT, _##op)
/*
 * The format's table structure, struct pt_iommu_amdv1; formats whose
 * instances share one structure define their own.
 */
#ifndef KPT_TABLE
#define KPT_TABLE _KPT_CAT2(pt_iommu_, PT_FMT)
#endif
/*
 * Suite names: KPT_SUITE_NAME("iommu") is "generic_pt_amdv1_iommu". A format
 * tested in several files (one per configuration family) defines its own.
 */
#ifndef KPT_SUITE_NAME
#define KPT_SUITE_NAME(what) "generic_pt_" __stringify(PT_FMT) "_" what
#endif

/**
 * struct kpt_cfg - One table configuration to test
 * @name: For messages
 * @vasz_lg2: max_vasz_lg2 given to init
 * @oasz_lg2: max_oasz_lg2 given to init
 * @dyn_start_levels: 0 for a table built with every level it needs, else
 *	PT_FEAT_DYNAMIC_TOP starting with this many levels
 * @features: Further features requested: format features (for instance
 *	PT_FEAT_X86_64_1G_PAGES), or anything for the init error tests
 * @no_driver_ops: Pass no driver ops (init error tests)
 * @err: The errno init must return (init error tests)
 * @sme_mask: The memory encryption mask the test injects
 *	(&pt_iommu_test_hooks.sme_mask), for a format's SME feature
 */
struct kpt_cfg {
	const char *name;
	u8 vasz_lg2;
	u8 oasz_lg2;
	u8 dyn_start_levels;
	unsigned int features;
	bool no_driver_ops;
	int err;
	u64 sme_mask;
};

/*
 * A range of IOVAs a table can map: all of [0, 2^vasz_lg2), or each half of
 * a sign extended space.
 */
#define KPT_MAX_SPANS 2

/**
 * struct kpt_span - One contiguous range of mappable IOVAs
 * @first: Its first IOVA
 * @last: Its last IOVA
 * @lg2: log2 of its size (up to 64)
 */
struct kpt_span {
	u64 first;
	u64 last;
	unsigned int lg2;
};

enum kpt_ref_type {
	KPT_REF_EMPTY,
	KPT_REF_TABLE,
	KPT_REF_LEAF,
	/* Not something the engine may ever write */
	KPT_REF_BAD,
};

/**
 * struct kpt_ref_entry - An entry as the reference decoder reads it
 * @type: What the raw word is
 * @raw: The raw word, in CPU byte order
 * @oa: Leaf: output address of its first byte; table: the lower table
 * @size_lg2: Leaf: log2 of its size
 * @nitems: Items the entry occupies (a contiguous leaf is replicated)
 * @prot: Leaf: the IOMMU_READ / IOMMU_WRITE / ... flags it grants
 * @why: KPT_REF_BAD: what is wrong with it
 * @full: Table: the software bit saying every IOVA below is mapped is set
 * @sync: Table: the software bit saying the entry was pushed to an
 *	incoherent walker is set
 */
struct kpt_ref_entry {
	enum kpt_ref_type type;
	u64 raw;
	u64 oa;
	unsigned int size_lg2;
	unsigned int nitems;
	unsigned int prot;
	const char *why;
	bool full;
	bool sync;
};

/*
 * Table memory: little-endian words of KPT_REF_WORD_SIZE bytes, which a
 * personality of a format with 32-bit entries defines to 4 before it
 * includes this file; 8 otherwise.
 */
#ifndef KPT_REF_WORD_SIZE
#define KPT_REF_WORD_SIZE 8
#endif
#if KPT_REF_WORD_SIZE == 4
typedef __le32 kpt_le_word;
#define kpt_le_to_cpu(w) ((u64)le32_to_cpu(w))
#define kpt_cpu_to_le(v) cpu_to_le32((u32)(v))
#else
typedef __le64 kpt_le_word;
#define kpt_le_to_cpu(w) le64_to_cpu(w)
#define kpt_cpu_to_le(v) cpu_to_le64(v)
#endif

/* Raw word @index of a table, in CPU byte order */
static inline u64 kpt_word(const void *table, unsigned int index)
{
	return kpt_le_to_cpu(((const kpt_le_word *)table)[index]);
}

/* 2^lg2 - 1 for lg2 up to 64 */
static inline u64 kpt_max(unsigned int lg2)
{
	return lg2 >= 64 ? U64_MAX : BIT_ULL(lg2) - 1;
}

/*
 * a / b and a % b of u64 operands: a 32-bit kernel has no libgcc to divide
 * 64-bit numbers with the / and % operators.
 */
static inline u64 kpt_div(u64 a, u64 b)
{
	return div64_u64(a, b);
}

static inline u64 kpt_mod(u64 a, u64 b)
{
	return a - div64_u64(a, b) * b;
}

/* splitmix64: small, seedable and the same in every build */
static inline u64 kpt_rand(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A random number in [lo, hi] */
static inline u64 kpt_rand_range(u64 *state, u64 lo, u64 hi)
{
	if (hi - lo == U64_MAX)
		return kpt_rand(state);
	return lo + kpt_mod(kpt_rand(state), hi - lo + 1);
}

#endif

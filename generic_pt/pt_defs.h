/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Core definitions of the engine: the address types, the range being worked
 * on, the state of one table position, and the entry types the format
 * decodes entries into.
 *
 * Levels count from the leaf-most table: level 0 holds the smallest pages.
 */
#ifndef __GENERIC_PT_DEFS_H
#define __GENERIC_PT_DEFS_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/generic_pt/common.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>

#include "pt_log2.h"

/* An IOVA; formats narrower than 64 bits still use this type */
typedef u64 pt_vaddr_t;
/* An output (physical) address */
typedef u64 pt_oaddr_t;

/* Table memory is opaque to the engine, only the format decodes it */
struct pt_table_p;

#define PT_VADDR_MAX ((pt_vaddr_t)~(pt_vaddr_t)0)

/* The engine is written for at most this many levels (0 to 5) */
#define PT_MAX_LEVELS 6

enum pt_entry_type {
	PT_ENTRY_EMPTY,
	PT_ENTRY_TABLE,
	/* A leaf: the entry translates to an output address */
	PT_ENTRY_OA,
};

/**
 * struct pt_range - The IOVA span of one operation
 * @common: The table.
 * @top_table: Top table memory, as read once from @common.
 * @va: The current position. Iterators advance it as they go.
 * @last_va: The last IOVA of the span (inclusive, so the top of the 64-bit
 *	space can be represented).
 * @leaf_sizes: The leaf sizes a map or cut may write, a bitmap of sizes as
 *	the page size bitmap: what the caller allows (for an IOMMU table, the
 *	domain's &iommu_domain.pgsize_bitmap). Only operations that choose
 *	leaf sizes set it.
 * @top_level: Level of @top_table.
 * @max_vasz_lg2: log2 of the span the current top table covers.
 */
struct pt_range {
	struct pt_common *common;
	struct pt_table_p *top_table;
	pt_vaddr_t va;
	pt_vaddr_t last_va;
	u64 leaf_sizes;
	u8 top_level;
	u8 max_vasz_lg2;
};

/**
 * struct pt_state - One position in one table
 * @range: The operation's range.
 * @table: The table memory.
 * @table_lower: For a table entry, the lower table's memory.
 * @entry: The raw value loaded from @index, in CPU byte order.
 * @type: What @entry decodes to.
 * @index: The current item.
 * @end_index: One past the last item of this table inside the range.
 * @level: The level of @table.
 */
struct pt_state {
	struct pt_range *range;
	struct pt_table_p *table;
	struct pt_table_p *table_lower;
	u64 entry;
	enum pt_entry_type type;
	unsigned int index;
	unsigned int end_index;
	u8 level;
};

/**
 * struct pt_word_test - A test of a raw table word
 * @mask: The bits tested; 0 for no test
 * @value: What a word passing the test has in them
 */
struct pt_word_test {
	u64 mask;
	u64 value;
};

/**
 * struct pt_write_attrs - What a format writes into new entries
 * @descriptor_bits: Format specific attribute bits for leaves, computed once
 *	per operation from the IOMMU prot flags.
 * @gfp: Allocation flags for new tables.
 */
struct pt_write_attrs {
	u64 descriptor_bits;
	gfp_t gfp;
};

#define PT_WARN_ON(cond) WARN_ON_ONCE(cond)

/*
 * The features a table of the format can have: those its init accepts or
 * sets. A format defines PT_SUPPORTED_FEATURES before it includes this file;
 * the driver's flush choice is added for every format. pt_feature() of any
 * other feature is false at compile time, so its code is left out.
 */
#ifndef PT_SUPPORTED_FEATURES
#define PT_SUPPORTED_FEATURES UINT_MAX
#endif
#define PT_FORMAT_FEATURES                                              \
	((unsigned int)(PT_SUPPORTED_FEATURES) |                       \
	 BIT(PT_FEAT_FLUSH_RANGE) | BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS))

static __always_inline bool pt_feature(const struct pt_common *common,
				       unsigned int feature_nr)
{
	return (PT_FORMAT_FEATURES & BIT(feature_nr)) &&
	       (common->features & BIT(feature_nr));
}

static __always_inline bool pts_feature(const struct pt_state *pts,
					unsigned int feature_nr)
{
	return pt_feature(pts->range->common, feature_nr);
}

/*
 * VA and OA flavours of the log2 helpers. Both types are u64 today; the names
 * say which space a computation is in.
 */
#define log2_to_int(a_lg2) log2_to_int_t(a_lg2)
#define log2_to_max_int(a_lg2) log2_to_max_int_t(a_lg2)
#define log2_div(a, b_lg2) log2_div_t(a, b_lg2)
#define log2_div_eq(a, b, c_lg2) log2_div_eq_t(a, b, c_lg2)
#define log2_mod(a, b_lg2) log2_mod_t(a, b_lg2)
#define log2_set_mod(a, val, b_lg2) log2_set_mod_t(a, val, b_lg2)
#define log2_set_mod_max(a, b_lg2) log2_set_mod_max_t(a, b_lg2)
#define vaffs(a) log2_ffs_t(a)
#define vafls(a) log2_fls_t(a)

#define oalog2_to_int(a_lg2) log2_to_int_t(a_lg2)
#define oalog2_to_max_int(a_lg2) log2_to_max_int_t(a_lg2)
#define oalog2_div(a, b_lg2) log2_div_t(a, b_lg2)
#define oalog2_set_mod(a, val, b_lg2) log2_set_mod_t(a, val, b_lg2)
#define oaffz(a) log2_ffz_t(a)

/*
 * Besides stores, the store hook reports two events in @index: a table
 * allocated and zeroed (@table is its memory) and a device barrier
 * (pt_publish_barrier(), @table NULL).
 */
#define PT_STORE_HOOK_ALLOC (UINT_MAX - 1)
#define PT_STORE_HOOK_BARRIER UINT_MAX

#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
/**
 * typedef pt_store_hook_fn - Test hook run after every store to a table
 * @priv: What pt_store_hook_set() was given
 * @table: The table memory stored to
 * @index: The item stored, or PT_STORE_HOOK_ALLOC / PT_STORE_HOOK_BARRIER
 *
 * The hitless tests use it to walk the table after every single store.
 */
typedef void (*pt_store_hook_fn)(void *priv, struct pt_table_p *table,
				 unsigned int index);
void pt_store_hook_set(pt_store_hook_fn fn, void *priv);
void pt_store_hook_call(struct pt_table_p *table, unsigned int index);
#else
static __always_inline void pt_store_hook_call(struct pt_table_p *table,
					       unsigned int index)
{
}
#endif

/*
 * Make every store so far into table memory, and the zeroing of new
 * tables, visible to the device before any later store: issued before the
 * store that makes a table reachable by the walker (a new table, a sub-tree
 * built privately, a new top). The fully ordered cmpxchg that installs a
 * table is not enough: it orders nothing for a device on !SMP builds, and
 * on arm64 only within the inner shareable domain.
 */
static __always_inline void pt_publish_barrier(void)
{
	dma_wmb();
	pt_store_hook_call(NULL, PT_STORE_HOOK_BARRIER);
}

/*
 * Table memory is an array of little-endian words whatever the CPU's byte
 * order: 64-bit words, or 32-bit ones where the format defines
 * PT_ITEM_WORD_SIZE to 4 before it includes this file (ARMv7 short
 * descriptors). Entries are handled as u64 either way. These are the only
 * accessors of it. The index is an unsigned long so that a loop with a
 * 64-bit counter addresses index + k directly (an unsigned int index + k
 * must wrap at 2^32, one more instruction each).
 */
#ifndef PT_ITEM_WORD_SIZE
#define PT_ITEM_WORD_SIZE 8
#endif
static_assert(PT_ITEM_WORD_SIZE == 4 || PT_ITEM_WORD_SIZE == 8);

#if PT_ITEM_WORD_SIZE == 4
typedef __le32 pt_le_word_t;
#define pt_word_to_cpu(w) ((u64)le32_to_cpu(w))
#define pt_cpu_to_word(v) cpu_to_le32((u32)(v))
#define pt_try_cmpxchg_word(p, oldp, new) \
	try_cmpxchg((u32 __force *)(p), (u32 __force *)(oldp), \
		    (u32 __force)(new))
#else
typedef __le64 pt_le_word_t;
#define pt_word_to_cpu(w) le64_to_cpu(w)
#define pt_cpu_to_word(v) cpu_to_le64(v)
#define pt_try_cmpxchg_word(p, oldp, new) \
	try_cmpxchg64((u64 __force *)(p), (u64 __force *)(oldp), \
		      (u64 __force)(new))
#endif

static __always_inline pt_le_word_t *
pt_table_word(const struct pt_table_p *table, unsigned long index)
{
	return (pt_le_word_t *)table + index;
}

static __always_inline u64 pt_table_read(const struct pt_table_p *table,
					 unsigned long index)
{
	return pt_word_to_cpu(READ_ONCE(*pt_table_word(table, index)));
}

static __always_inline void
pt_table_write(struct pt_table_p *table, unsigned long index, u64 value)
{
	WRITE_ONCE(*pt_table_word(table, index), pt_cpu_to_word(value));
	pt_store_hook_call(table, index);
}

/* Make the eight items from @index empty, each with its own store */
static __always_inline void pt_table_clear8(struct pt_table_p *table,
					    unsigned long index)
{
	pt_table_write(table, index, 0);
	pt_table_write(table, index + 1, 0);
	pt_table_write(table, index + 2, 0);
	pt_table_write(table, index + 3, 0);
	pt_table_write(table, index + 4, 0);
	pt_table_write(table, index + 5, 0);
	pt_table_write(table, index + 6, 0);
	pt_table_write(table, index + 7, 0);
}

/*
 * Replace @old with @new at @index in one atomic store, failing if another
 * thread changed the entry first.
 */
static __always_inline bool
pt_table_cmpxchg(struct pt_table_p *table, unsigned long index, u64 old,
		 u64 new)
{
	pt_le_word_t old_le = pt_cpu_to_word(old);

	if (!pt_try_cmpxchg_word(pt_table_word(table, index), &old_le,
				 pt_cpu_to_word(new)))
		return false;
	pt_store_hook_call(table, index);
	return true;
}

/*
 * Clear @clear and set @set in the word at @index atomically; the walker may
 * change other bits meanwhile.
 */
static __always_inline void pt_table_update_bits(struct pt_table_p *table,
						 unsigned long index,
						 u64 clear, u64 set)
{
	u64 old = pt_table_read(table, index);

	while (!pt_table_cmpxchg(table, index, old, (old & ~clear) | set))
		old = pt_table_read(table, index);
}

/*
 * pt_table_update_bits() for a word the caller read as @old: no store when
 * @old needs no change, else one compare-and-exchange from @old, read again
 * only if the walker changed the word meanwhile.
 */
static __always_inline void pt_table_update_bits_from(struct pt_table_p *table,
						      unsigned long index,
						      u64 old, u64 clear,
						      u64 set)
{
	while (((old & ~clear) | set) != old &&
	       !pt_table_cmpxchg(table, index, old, (old & ~clear) | set))
		old = pt_table_read(table, index);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IOMMU operations of Generic PT, written once against the format hooks.
 *
 * A per-format file defines PT_FMT, includes its format header and then this
 * file, which creates that format's pt_iommu_<fmt>_<op> functions.
 *
 * Concurrency: the caller serialises operations on overlapping IOVA ranges.
 * Operations on disjoint ranges may run at the same time and share tables:
 * tables are installed with a compare-and-exchange and the loser frees its
 * copy, and unmap frees a table only when its range covers all of the table,
 * so no other operation can be inside it.
 */
#ifndef __GENERIC_PT_IOMMU_PT_H
#define __GENERIC_PT_IOMMU_PT_H

#include <linux/dma-mapping.h>
#include <linux/export.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/generic_pt/iommu.h>

#ifdef CONFIG_X86
#include <asm/cacheflush.h>
#endif

#include "../iommu-pages.h"
#include "generic_pt/pt_iter.h"

#ifndef PT_FMT
#error "Define PT_FMT before including this file"
#endif

#define __PT_CONCAT(a, b) a##b
#define _PT_CONCAT(a, b) __PT_CONCAT(a, b)
#define __PT_CONCAT3(a, b, c) a##b##c
#define _PT_CONCAT3(a, b, c) __PT_CONCAT3(a, b, c)
/* Name of a function of this format: NS(map_pages) is pt_iommu_amdv1_map_pages */
#define NS(op) _PT_CONCAT3(pt_iommu_, PT_FMT, _##op)
/* The format's structures; formats sharing them across instances say so */
#ifndef PT_FMT_TABLE
#define PT_FMT_TABLE _PT_CONCAT(pt_iommu_, PT_FMT)
#define PT_FMT_CFG _PT_CONCAT3(pt_iommu_, PT_FMT, _cfg)
#define PT_FMT_HW_INFO _PT_CONCAT3(pt_iommu_, PT_FMT, _hw_info)
#endif

static inline struct pt_iommu *iommu_from_common(struct pt_common *common)
{
	return container_of(common, struct pt_iommu, common);
}

static inline struct pt_iommu *iommu_from_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct pt_iommu, domain);
}

/* Table memory */

static unsigned int table_mem_order(unsigned int lg2sz)
{
	return max_t(int, lg2sz - PAGE_SHIFT, 0);
}

/*
 * Bytes of the top table memory as log2: the top may have fewer items than
 * a lower table (still a whole table is allocated) or more, where a format
 * concatenates tables at the top (ARM stage 2).
 */
static unsigned int top_mem_lg2sz(struct pt_common *common,
				  unsigned int top_level)
{
	struct pt_range range = { .common = common, .top_level = top_level };
	struct pt_state pts = { .range = &range, .level = top_level };

	return max_t(unsigned int, PT_TABLEMEM_LG2SZ,
		     pt_num_items_lg2(&pts) + ilog2(PT_ITEM_WORD_SIZE));
}

static struct pt_iommu_test_hooks *test_hooks(struct pt_iommu *iommu_table)
{
#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST)
	return iommu_table->test;
#else
	return NULL;
#endif
}

static bool table_incoherent(struct pt_iommu *iommu_table)
{
	return pt_feature(&iommu_table->common, PT_FEAT_DMA_INCOHERENT);
}

/*
 * An incoherent walker reads table memory through a streaming DMA mapping to
 * the IOMMU device, made when the table is allocated. Table entries hold CPU
 * physical addresses, so the mapping must not translate.
 *
 * Not on x86: its DMA API does no cache maintenance (every device is taken
 * to snoop), while a VT-d unit without page-walk coherency reads memory
 * behind the CPU caches. There the lines are written back with clflush, as
 * the intel-iommu driver does, and no device is needed.
 */
#ifdef CONFIG_X86
#define PT_INCOHERENT_CLFLUSH true
static void pt_clflush(void *addr, size_t len)
{
	clflush_cache_range(addr, len);
}
#else
#define PT_INCOHERENT_CLFLUSH false
static void pt_clflush(void *addr, size_t len)
{
}
#endif

static int table_dma_map(struct pt_iommu *iommu_table, struct pt_table_p *table,
			 unsigned int lg2sz)
{
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);
	size_t len = 1UL << lg2sz;
	struct device *dev = iommu_table->iommu_device;
	dma_addr_t dma;

	if (test && test->dma_map) {
		test->dma_map(test, table, len);
		return 0;
	}
	if (PT_INCOHERENT_CLFLUSH) {
		pt_clflush(table, len);
		return 0;
	}
	dma = dma_map_single(dev, table, len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		return -ENOMEM;
	if (dma != virt_to_phys(table)) {
		dma_unmap_single(dev, dma, len, DMA_TO_DEVICE);
		return -EINVAL;
	}
	return 0;
}

/*
 * Called when a table leaves the page table. The memory keeps its contents
 * until it is freed, so a walker still using a cached pointer to it until
 * the IOTLB flush reads what it read before.
 */
static void table_dma_unmap(struct pt_iommu *iommu_table,
			    struct pt_table_p *table, unsigned int lg2sz)
{
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);
	size_t len = 1UL << lg2sz;

	if (test && test->dma_unmap) {
		test->dma_unmap(test, table, len);
		return;
	}
	if (PT_INCOHERENT_CLFLUSH)
		return;
	dma_unmap_single(iommu_table->iommu_device, virt_to_phys(table), len,
			 DMA_TO_DEVICE);
}

/* Push items [first, end) of a table to an incoherent walker */
static void table_sync(struct pt_iommu *iommu_table, struct pt_table_p *table,
		       unsigned int first, unsigned int end)
{
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);
	size_t offset = (size_t)first * PT_ITEM_WORD_SIZE;
	size_t len = (size_t)(end - first) * PT_ITEM_WORD_SIZE;

	if (!table_incoherent(iommu_table) || first >= end)
		return;
	if (test && test->dma_sync) {
		test->dma_sync(test, table, offset, len);
		return;
	}
	if (PT_INCOHERENT_CLFLUSH) {
		pt_clflush((u8 *)table + offset, len);
		return;
	}
	dma_sync_single_for_device(iommu_table->iommu_device,
				   virt_to_phys(table) + offset, len,
				   DMA_TO_DEVICE);
}

static struct pt_table_p *__table_alloc(struct pt_iommu *iommu_table,
					unsigned int lg2sz, gfp_t gfp)
{
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);
	void *mem;

	if (test && test->fail_alloc > 0 && --test->fail_alloc == 0)
		return NULL;
	/*
	 * Tables larger than a page are compound, so the put_page() of the
	 * driver's iommu_put_pages_list() releases all of one. A table
	 * smaller than a page (ARMv7s level 2, 1K) takes a whole page: the
	 * gather's freelist links table memory through its struct page.
	 */
	if (table_mem_order(lg2sz))
		gfp |= __GFP_COMP;
	/* Where the format's walker reaches only some memory (32-bit TTBR) */
	gfp |= PT_TABLE_GFP;
	mem = iommu_alloc_pages_node(iommu_table->nid, gfp,
				     table_mem_order(lg2sz));
	if (!mem)
		return NULL;
	/* Zeroed and pushed to the walker before anything can point at it */
	if (table_incoherent(iommu_table) &&
	    table_dma_map(iommu_table, mem, lg2sz)) {
		iommu_free_pages(mem, table_mem_order(lg2sz));
		return NULL;
	}
	if (test)
		atomic_inc(&test->tables);
	pt_store_hook_call(mem, PT_STORE_HOOK_ALLOC);
	return mem;
}

static void __table_free(struct pt_iommu *iommu_table,
			 struct pt_table_p *table, unsigned int lg2sz)
{
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);

	if (table_incoherent(iommu_table))
		table_dma_unmap(iommu_table, table, lg2sz);
	if (test)
		atomic_dec(&test->tables);
	iommu_free_pages(table, table_mem_order(lg2sz));
}

/* A table below the top */
static struct pt_table_p *table_alloc(struct pt_iommu *iommu_table, gfp_t gfp)
{
	return __table_alloc(iommu_table, PT_TABLEMEM_LG2SZ, gfp);
}

static void table_free(struct pt_iommu *iommu_table, struct pt_table_p *table)
{
	__table_free(iommu_table, table, PT_TABLEMEM_LG2SZ);
}

/* Queue a table to be freed by the driver after the IOTLB flush */
static void table_defer_free(struct pt_iommu *iommu_table,
			     struct list_head *free_list,
			     struct pt_table_p *table)
{
	struct page *page = virt_to_page(table);
	unsigned int order = table_mem_order(PT_TABLEMEM_LG2SZ);

	if (table_incoherent(iommu_table))
		table_dma_unmap(iommu_table, table, PT_TABLEMEM_LG2SZ);
	/* iommu_put_pages_list() un-accounts one page per entry of the list */
	if (order) {
		__iommu_free_account(page, order);
		__iommu_alloc_account(page, 0);
	}
	list_add_tail(&page->lru, free_list);
}

/*
 * Items a level function wrote, to be pushed to an incoherent walker once,
 * as one range, when it is done with its table.
 */
struct pt_written {
	unsigned int first;
	unsigned int end;
};

static __always_inline void
pt_note_written(struct pt_written *written, unsigned int first,
		unsigned int nitems)
{
	written->first = min(written->first, first);
	written->end = max(written->end, first + nitems);
}

static __always_inline void pt_sync_written(const struct pt_state *pts,
					    const struct pt_written *written)
{
	struct pt_common *common = pts->range->common;

	if (pt_feature(common, PT_FEAT_DMA_INCOHERENT))
		table_sync(iommu_from_common(common), pts->table,
			   written->first, written->end);
}

#define PT_WRITTEN_INIT { .first = UINT_MAX, .end = 0 }

/*
 * A map goes below the loaded table entry, which it may not have installed:
 * an incoherent walker must be able to follow the entry before the map
 * returns, and the map that installed it pushes it only when its level
 * function ends, which may be after this map is done. So the entry is
 * pushed with what this level function writes, unless PT_TABLE_SYNC_BIT
 * says that was done already.
 */
static __always_inline void pt_note_path(const struct pt_state *pts,
					 struct pt_written *written)
{
	if (pts_feature(pts, PT_FEAT_DMA_INCOHERENT) &&
	    !(PT_TABLE_SYNC_BIT && (pts->entry & PT_TABLE_SYNC_BIT)))
		pt_note_written(written, pts->index, 1);
}

/*
 * Push what a map wrote into a table and the entries it went through, then
 * mark those table entries pushed: only after the push, so that a map that
 * sees the bit knows the walker can follow the entry. A map that failed
 * (@ret) marks nothing: it may have gone through an entry a cut installed,
 * which has no mark, and its error must leave the table memory as it was.
 */
static __always_inline void pt_sync_map_written(struct pt_state *pts,
						const struct pt_written *written,
						int ret)
{
	struct pt_state item = *pts;

	if (!pt_feature(pts->range->common, PT_FEAT_DMA_INCOHERENT))
		return;
	pt_sync_written(pts, written);
	if (!PT_TABLE_SYNC_BIT || ret)
		return;
	for (item.index = written->first; item.index < written->end;
	     item.index++)
		if (pt_load_entry_raw(&item) == PT_ENTRY_TABLE &&
		    !(item.entry & PT_TABLE_SYNC_BIT))
			pt_table_update_bits(item.table, item.index, 0,
					     PT_TABLE_SYNC_BIT);
}

/*
 * PT_TABLE_FULL_BIT on the loaded table entry: every IOVA of its span is
 * mapped. Map sets it where one successful map covered a whole lower table
 * (which it can only do if all of it was empty), unmap clears it before it
 * removes anything below. Clear means not known, so a format without the bit
 * and every path that does not set it stay correct.
 */
static __always_inline bool pt_entry_is_full(const struct pt_state *pts)
{
	return PT_TABLE_FULL_BIT && (pts->entry & PT_TABLE_FULL_BIT);
}

/* Unmap is about to remove something below the loaded table entry */
static __always_inline void pt_entry_clear_full(struct pt_state *pts)
{
	if (!pt_entry_is_full(pts))
		return;
	pt_table_update_bits(pts->table, pts->index, PT_TABLE_FULL_BIT,
			     0);
	pts->entry &= ~PT_TABLE_FULL_BIT;
	pt_sync_written(pts, &(struct pt_written){
		.first = pts->index, .end = pts->index + 1 });
}

/* Read the top and its level, published together in one word */
static __always_inline void pt_read_top(struct pt_common *common,
					struct pt_range *range)
{
	uintptr_t top = READ_ONCE(common->top_of_table);

	range->common = common;
	range->top_table = (struct pt_table_p *)(top & ~PT_TOP_LEVEL_MASK);
	range->top_level = top & PT_TOP_LEVEL_MASK;
	range->max_vasz_lg2 = min_t(unsigned int, common->max_vasz_lg2,
				    pt_top_span_lg2(common, range->top_level));
}

/*
 * Check an IOVA range against the table: -EINVAL for an empty range,
 * -EOVERFLOW when it wraps past the top of unsigned long (the IOVA of the
 * iommu API: 4G on a 32-bit kernel, whatever the table can translate),
 * -ERANGE when it starts beyond unsigned long (a dma_addr_t IOVA of a 32-bit
 * kernel with a 64-bit dma_addr_t) or reaches beyond what the hardware can
 * translate. A range beyond the current top of a dynamic top table is valid;
 * range->max_vasz_lg2 says where the current top ends.
 */
static __always_inline int make_range(struct pt_common *common,
				      struct pt_range *range, u64 iova, u64 len)
{
	u64 last;

	if (!len)
		return -EINVAL;
	if (iova > ULONG_MAX)
		return -ERANGE;
	if (check_add_overflow(iova, len - 1, &last) || last > ULONG_MAX)
		return -EOVERFLOW;
	if (pt_feature(common, PT_FEAT_SIGN_EXTEND)) {
		unsigned int sign_lg2 = common->max_vasz_lg2 - 1;
		u64 top_bits = log2_div(iova, sign_lg2);

		/*
		 * Canonical: every bit from the sign bit up equals the sign
		 * bit, and both ends are in the same half.
		 */
		if (top_bits != log2_div(last, sign_lg2) ||
		    (top_bits != 0 && top_bits != log2_div(U64_MAX, sign_lg2)))
			return -ERANGE;
	} else if (common->max_vasz_lg2 < 64 &&
		   log2_div(last, common->max_vasz_lg2) != 0) {
		return -ERANGE;
	}

	pt_read_top(common, range);
	range->va = iova;
	range->last_va = last;
	return 0;
}

static __always_inline bool range_within_top(const struct pt_range *range)
{
	/* A sign extended table always covers the whole canonical space */
	if (pt_feature(range->common, PT_FEAT_SIGN_EXTEND))
		return true;
	return range->max_vasz_lg2 >= 64 ||
	       log2_div(range->last_va, range->max_vasz_lg2) == 0;
}

/*
 * Nothing is mapped beyond the current top of a dynamic top table: clip the
 * range to it. Return: false when none of the range is below the top.
 */
static bool range_clip_to_top(struct pt_range *range)
{
	if (range_within_top(range))
		return true;
	if (log2_div(range->va, range->max_vasz_lg2))
		return false;
	range->last_va = log2_to_max_int(range->max_vasz_lg2);
	return true;
}

/* iova_to_phys */

static __always_inline int __iova_to_phys(struct pt_range *range, void *arg,
					  unsigned int level,
					  struct pt_table_p *table,
					  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	pt_oaddr_t *res = arg;

	switch (pt_load_entry(&pts)) {
	case PT_ENTRY_OA:
		*res = pt_entry_oa(&pts) +
		       log2_mod(range->va, pt_entry_oa_lg2sz(&pts));
		return 0;
	case PT_ENTRY_TABLE:
		return pt_descend(&pts, arg, descend_fn);
	default:
		return -ENOENT;
	}
}

PT_MAKE_LEVELS(__iova_to_phys_walk, __iova_to_phys);

/*
 * NS(iova_to_phys)() - Translate one IOVA
 * @domain: The domain of the table
 * @iova: Any byte of a mapping
 *
 * Context: May run concurrently with any other operation; the result for an
 * IOVA being changed at the same time is the old or the new translation.
 *
 * Return: the physical address @iova translates to, 0 if it is not mapped.
 */
phys_addr_t NS(iova_to_phys)(struct iommu_domain *domain, dma_addr_t iova)
{
	struct pt_iommu *iommu_table = iommu_from_domain(domain);
	struct pt_range range __uninitialized;
	pt_oaddr_t res;

	if (make_range(&iommu_table->common, &range, iova, 1) ||
	    !range_within_top(&range))
		return 0;
	if (pt_walk_range(&range, __iova_to_phys_walk, &res))
		return 0;
	return res;
}
EXPORT_SYMBOL_NS_GPL(NS(iova_to_phys), GENERIC_PT_IOMMU);

/* leaf_size, set_dirty: what a test sees of the leaf holding an IOVA */

struct pt_iommu_leaf_args {
	u64 size;
	bool set_dirty;
};

static __always_inline int __leaf_at(struct pt_range *range, void *arg,
				     unsigned int level,
				     struct pt_table_p *table,
				     pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu_leaf_args *leaf = arg;

	switch (pt_load_entry(&pts)) {
	case PT_ENTRY_OA:
		leaf->size = log2_to_int(pt_entry_oa_lg2sz(&pts));
#ifdef pt_entry_make_write_dirty
		if (leaf->set_dirty)
			pt_entry_make_write_dirty(&pts);
#endif
		return 0;
	case PT_ENTRY_TABLE:
		return pt_descend(&pts, arg, descend_fn);
	default:
		return -ENOENT;
	}
}

PT_MAKE_LEVELS(__leaf_at_walk, __leaf_at);

static int leaf_at(struct pt_iommu *iommu_table, dma_addr_t iova,
		   struct pt_iommu_leaf_args *leaf)
{
	struct pt_range range __uninitialized;

	if (make_range(&iommu_table->common, &range, iova, 1) ||
	    !range_within_top(&range))
		return -ENOENT;
	return pt_walk_range(&range, __leaf_at_walk, leaf);
}

/*
 * NS(leaf_size)() - Size of the leaf that maps an IOVA
 * @iommu_table: The table
 * @iova: Any byte of a mapping
 *
 * For tests that check which page sizes a map or a cut chose.
 *
 * Return: the bytes the leaf holding @iova maps (a contiguous run counts
 * whole), 0 if @iova is not mapped.
 */
u64 NS(leaf_size)(struct pt_iommu *iommu_table, dma_addr_t iova)
{
	struct pt_iommu_leaf_args leaf = {};

	if (leaf_at(iommu_table, iova, &leaf))
		return 0;
	return leaf.size;
}
EXPORT_SYMBOL_NS_GPL(NS(leaf_size), GENERIC_PT_IOMMU);

#ifdef pt_entry_make_write_dirty
/*
 * NS(set_dirty)() - Do what the walker does on a DMA write
 * @iommu_table: The table
 * @iova: Any byte of a mapping
 *
 * Sets the dirty bit in the item that translates @iova, for tests (the
 * iommufd selftest mock domain) that stand in for a device writing.
 *
 * Return: 0, or -ENOENT if @iova is not mapped.
 */
int NS(set_dirty)(struct pt_iommu *iommu_table, dma_addr_t iova)
{
	struct pt_iommu_leaf_args leaf = { .set_dirty = true };

	return leaf_at(iommu_table, iova, &leaf);
}
EXPORT_SYMBOL_NS_GPL(NS(set_dirty), GENERIC_PT_IOMMU);
#endif

/* map_pages */

struct pt_iommu_map_args {
	struct pt_iommu *iommu_table;
	struct pt_write_attrs attrs;
	pt_oaddr_t oa;
	/* The first IOVA of the map, at oa before anything is mapped */
	pt_vaddr_t va;
	/*
	 * Empty tables where the map wants a leaf: how many, whether to
	 * replace them, the tables to free after the driver's flush and the
	 * IOVA span it must cover.
	 */
	unsigned int replaced;
	bool replace;
	/* The levels of the entries cleared, a bit each (in the padding) */
	u8 flush_levels;
	struct list_head free_list;
	pt_vaddr_t flush_first;
	pt_vaddr_t flush_last;
	/* Building a private sub-tree, pushed whole once it is complete */
	bool private_build;
	/*
	 * Mapping without the read-only walk first: every level checks its
	 * items before writing, see map_check_level().
	 */
	bool optimistic;
};

/* The optimistic map found something: redo it with the read-only walk */
#define PT_MAP_RECHECK 1

/* Only level 0 is known to hold no table entry in every format */
static __always_inline bool level_can_have_tables(const struct pt_state *pts)
{
	return pts->level != 0;
}

/*
 * true when the items of the table in the range are all zero, which is empty
 * in every format; cheaper than classifying each.
 */
static __always_inline bool level_items_all_zero(const struct pt_state *pts)
{
	const struct pt_table_p *table = pts->table;
	unsigned long i = pts->index;
	unsigned long end = pts->end_index;
	u64 a0 = 0, a1 = 0, a2 = 0, a3 = 0;

	/*
	 * Eight loads a step into four accumulators: clang turns one
	 * accumulator into a chain of ORs from memory, a cycle a word
	 */
	for (; i + 8 <= end; i += 8) {
		a0 |= pt_table_read(table, i) | pt_table_read(table, i + 4);
		a1 |= pt_table_read(table, i + 1) | pt_table_read(table, i + 5);
		a2 |= pt_table_read(table, i + 2) | pt_table_read(table, i + 6);
		a3 |= pt_table_read(table, i + 3) | pt_table_read(table, i + 7);
	}
	for (; i < end; i++)
		a0 |= pt_table_read(table, i);
	return !(a0 | a1 | a2 | a3);
}

/* Fail with -EADDRINUSE if anything in the range is mapped */
static __always_inline int __check_empty(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	int ret;

	/* All zero is all empty */
	if (level_items_all_zero(&pts)) {
		pt_advance(&pts, pts.end_index - pts.index);
		return 0;
	}
	/*
	 * A leaf table holds no table to descend into: a plain loop over its
	 * items. The classifying loop below does the same, but measurably
	 * slower (make bench: the ARM 1 GiB map 190 us instead of 121 us).
	 */
	if (level == 0) {
		struct pt_state item = pts;

		for (; item.index < item.end_index; item.index++)
			if (pt_load_entry_raw(&item) != PT_ENTRY_EMPTY)
				return -EADDRINUSE;
		pt_advance(&pts, pts.end_index - pts.index);
		return 0;
	}
	while (pts.index < pts.end_index) {
		switch (pt_load_entry(&pts)) {
		case PT_ENTRY_EMPTY:
			pt_advance(&pts, 1);
			break;
		case PT_ENTRY_TABLE:
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
			pts.index++;
			break;
		default:
			return -EADDRINUSE;
		}
	}
	return 0;
}

PT_MAKE_LEVELS(__check_empty_walk, __check_empty);

/*
 * An empty table that a map replaces by a leaf: what it and the tables
 * below it go through, the driver's flush, before they are freed.
 */
static __always_inline int __defer_free_tables(struct pt_range *range,
					       void *arg, unsigned int level,
					       struct pt_table_p *table,
					       pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu_map_args *map = arg;
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		if (pt_load_entry(&pts) != PT_ENTRY_TABLE)
			continue;
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
		table_defer_free(map->iommu_table, &map->free_list,
				 pts.table_lower);
	}
	return 0;
}

PT_MAKE_LEVELS(__defer_free_tables_walk, __defer_free_tables);

/*
 * The read-only walk before a map that could not be checked level by level:
 * -EADDRINUSE if anything in the range is mapped. It also finds the tables
 * that sit where the map will want a leaf, which can only be empty: an
 * earlier map left them and unmaps of all they held emptied them. Each is
 * counted, and with map->replace cleared from its entry and put on
 * map->free_list with the tables below it, so that the map writes the leaf
 * a fresh table would get. Leaves are chosen exactly as __map_range() does.
 */
static __always_inline int __map_prepare(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_written written = PT_WRITTEN_INIT;
	unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);
	struct pt_iommu_map_args *map = arg;
	/* Sizes above the item's: a contiguous run may start here */
	u64 contig = pt_leaf_sizes(&pts) & ~log2_to_max_int(isz_lg2 + 1);
	unsigned int pgsz_lg2, nitems, i;
	enum pt_entry_type type;
	pt_vaddr_t item_va;
	int ret = 0;

	/* All zero is all empty */
	if (level_items_all_zero(&pts)) {
		pt_advance(&pts, pts.end_index - pts.index);
		return 0;
	}
	/* A leaf table holds no table: only leaves to refuse */
	if (!level_can_have_tables(&pts))
		return __check_empty(range, NULL, level, table, descend_fn);
	while (pts.index < pts.end_index) {
		type = pt_load_entry(&pts);
		if (type == PT_ENTRY_OA) {
			ret = -EADDRINUSE;
			goto out;
		}
		/* An empty item matters only where a contiguous run starts */
		if (type == PT_ENTRY_EMPTY && !contig) {
			pt_advance(&pts, 1);
			continue;
		}
		pgsz_lg2 = pt_compute_best_pgsize(&pts, map->oa +
						  (range->va - map->va));
		if (pgsz_lg2 < isz_lg2) {
			if (type == PT_ENTRY_EMPTY) {
				pt_advance(&pts, 1);
				continue;
			}
			/* No leaf here: the map goes through the table */
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				goto out;
			pts.index++;
			continue;
		}

		/* A leaf of 2^pgsz_lg2 goes at these items */
		item_va = pt_item_va(&pts);
		nitems = 1U << (pgsz_lg2 - isz_lg2);
		for (i = 0; i != nitems; i++, pts.index++) {
			pt_vaddr_t first = item_va + ((pt_vaddr_t)i << isz_lg2);
			struct pt_range below = *range;

			switch (pt_load_entry(&pts)) {
			case PT_ENTRY_EMPTY:
				continue;
			case PT_ENTRY_TABLE:
				/* Each walk below moves below.va: start it anew */
				below.va = first;
				below.last_va = first + log2_to_max_int(isz_lg2);
				ret = __check_empty_walk(&below, NULL, level - 1,
							 pts.table_lower);
				if (ret)
					goto out;
				map->replaced++;
				if (!map->replace)
					continue;
				if (PT_WARN_ON(!pt_table_cmpxchg(pts.table,
								 pts.index,
								 pts.entry,
								 0))) {
					ret = -EINVAL;
					goto out;
				}
				pt_note_written(&written, pts.index, 1);
				below.va = first;
				__defer_free_tables_walk(&below, map, level - 1,
							 pts.table_lower);
				table_defer_free(map->iommu_table,
						 &map->free_list,
						 pts.table_lower);
				map->flush_first = min(map->flush_first, first);
				map->flush_last = max(map->flush_last,
						      below.last_va);
				map->flush_levels |= BIT(level);
				continue;
			default:
				ret = -EADDRINUSE;
				goto out;
			}
		}
		range->va = item_va + ((pt_vaddr_t)nitems << isz_lg2);
	}
out:
	pt_sync_written(&pts, &written);
	return ret;
}

PT_MAKE_LEVELS(__map_prepare_walk, __map_prepare);

/*
 * An optimistic map skips the read-only walk. That is safe as long as it
 * cannot find a mapped item after it wrote something: a level whose items in
 * the range are all empty only leads into new tables, where nothing is
 * mapped, and one whose range is a single table item is only passed
 * through. Anything else (a leaf, or tables among several items) ends the
 * optimistic map here, before anything was written, and the map starts over
 * with the read-only walk.
 */
static __always_inline int map_check_level(const struct pt_state *pts,
					   struct pt_iommu_map_args *map,
					   bool *all_zero)
{
	struct pt_state item = *pts;

	if (level_items_all_zero(pts)) {
		*all_zero = true;
		map->optimistic = false;
		return 0;
	}
	for (; item.index < item.end_index; item.index++) {
		switch (pt_load_entry_raw(&item)) {
		case PT_ENTRY_EMPTY:
			continue;
		case PT_ENTRY_TABLE:
			if (pts->end_index - pts->index == 1)
				return 0;
			fallthrough;
		default:
			return PT_MAP_RECHECK;
		}
	}
	/* Everything below is new: no need to look again */
	map->optimistic = false;
	return 0;
}

/*
 * Install leaves of one item each from pts->index on, for as long as that
 * stays the best size: up to the end of the range in this table, and short
 * of where a larger size (a contiguous run) could start. The first item is
 * empty; the run stops early at an item that is not, which only a table can
 * be, above the leaf level. With @all_zero the caller saw every item of the
 * range in this table zero, so there is nothing to stop at.
 */
static __always_inline void map_item_run(struct pt_state *pts,
					 struct pt_iommu_map_args *map,
					 struct pt_written *written,
					 bool all_zero)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	u64 larger = pt_leaf_sizes(pts) & ~log2_to_max_int(isz_lg2 + 1);
	/* A copy the stores into table memory cannot alias */
	struct pt_write_attrs attrs = map->attrs;
	pt_vaddr_t va = pts->range->va;
	unsigned int first = pts->index;
	unsigned int end = first + pt_range_items(pts);
	pt_oaddr_t oa = map->oa;
	struct pt_state item = *pts;
	u64 word, stride;

	if (larger) {
		unsigned int next_lg2 = vaffs(larger);

		/* Same offset in that size: it fits at its next boundary */
		if (!log2_mod(va ^ oa, next_lg2))
			end = min_t(unsigned int, end,
				    first + log2_div(log2_to_int(next_lg2) -
							     log2_mod(va, next_lg2),
						     isz_lg2));
	}
	/* Stop where the leaf words stop following by one stride */
	if (pt_leaf_linear_items(oa, isz_lg2) < end - first)
		end = first + pt_leaf_linear_items(oa, isz_lg2);
	word = pt_leaf_item_word(pts, oa, isz_lg2, &attrs, 0);
	stride = pt_leaf_item_word(pts, oa + oalog2_to_int(isz_lg2), isz_lg2,
				   &attrs, 0) - word;
	/*
	 * The loops run on a local copy: the stores into table memory could
	 * alias *pts, and would reload its index from memory every item. With
	 * nothing to stop at, four stores a step.
	 */
	if (!level_can_have_tables(&item) || all_zero) {
		unsigned long i = item.index;
		/*
		 * Four words advanced apart: one chain of adds through all
		 * four would cost a cycle a store
		 */
		u64 w0 = word, w1 = word + stride, w2 = w1 + stride;
		u64 w3 = w2 + stride, step = 4 * stride;

		for (; i + 4 <= end; i += 4) {
			pt_table_write(item.table, i, w0);
			pt_table_write(item.table, i + 1, w1);
			pt_table_write(item.table, i + 2, w2);
			pt_table_write(item.table, i + 3, w3);
			w0 += step;
			w1 += step;
			w2 += step;
			w3 += step;
		}
		word = w0;
		item.index = i;
	}
	for (; item.index != end; item.index++, word += stride) {
		if (level_can_have_tables(&item) &&
		    pt_load_entry_raw(&item) != PT_ENTRY_EMPTY)
			break;
		pt_table_write(item.table, item.index, word);
	}
	pts->index = item.index;
	oa += (pt_oaddr_t)(pts->index - first) << isz_lg2;
	pt_note_written(written, first, pts->index - first);
	map->oa = oa;
	pts->range->va = va + ((pt_vaddr_t)(pts->index - first) << isz_lg2);
}

/*
 * The leaf of @nitems items at pts->index is written: move on past it, and
 * with @sync push its items to an incoherent walker
 */
static __always_inline void map_one_leaf_done(struct pt_state *pts,
					      unsigned int nitems, bool sync)
{
	pt_advance(pts, nitems);
	if (sync)
		pt_sync_written(pts, &(struct pt_written){
			.first = pts->index - nitems, .end = pts->index });
}

/*
 * The range is exactly the items of one leaf from pts->index on: one item,
 * or a contiguous run the caller allows at this level, both addresses
 * aligned to it and every item empty. No larger leaf can fit and nothing
 * can be mapped below: write the leaf of @oa directly. The range lies inside
 * this table (pt_range_lowest() stopped here). @sync is false for a table
 * no walker can reach yet.
 * Return: log2 of the leaf's size when it did, 0 when it did not.
 */
static __always_inline unsigned int
map_one_item(struct pt_state *pts, pt_oaddr_t oa,
	     const struct pt_write_attrs *attrs, bool sync)
{
	struct pt_range *range = pts->range;
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	pt_vaddr_t span = range->last_va - range->va;
	u64 sizes = pt_leaf_sizes(pts);
	unsigned int lg2;

	if (span == log2_to_max_int(isz_lg2)) {
		if (log2_mod(range->va | oa, isz_lg2) ||
		    !(sizes & BIT_ULL(isz_lg2)) ||
		    pt_load_entry_raw(pts) != PT_ENTRY_EMPTY)
			return 0;
		pt_table_write(pts->table, pts->index,
			       pt_leaf_item_word(pts, oa, isz_lg2, attrs, 0));
		map_one_leaf_done(pts, 1, sync);
		return isz_lg2;
	}

	/* A contiguous run: sizes above the item's, span is 2^lg2 - 1 */
	sizes &= ~log2_to_max_int(isz_lg2 + 1);
	if (!sizes || (span & (span + 1)))
		return 0;
	lg2 = vafls(span);
	if (lg2 >= 64 || !(sizes & BIT_ULL(lg2)) ||
	    log2_mod(range->va | oa, lg2) ||
	    !pt_items_empty(pts, lg2 - isz_lg2))
		return 0;
	pt_install_leaf_entry(pts, oa, lg2, attrs);
	map_one_leaf_done(pts, 1U << (lg2 - isz_lg2), sync);
	return lg2;
}

/*
 * map_one_item() of a live table with the level a compile time constant in
 * each case: item sizes, leaf sizes and shifts are immediates.
 */
static __always_inline unsigned int
map_one_item_at(struct pt_state *pts, pt_oaddr_t oa,
		const struct pt_write_attrs *attrs, unsigned int level)
{
	if (level > PT_MAX_TOP_LEVEL)
		return 0;
	pts->level = level;
	return map_one_item(pts, oa, attrs, true);
}

static __always_inline unsigned int
map_one_item_any(struct pt_state *pts, pt_oaddr_t oa,
		 const struct pt_write_attrs *attrs)
{
	switch (pts->level) {
	case 0:
		return map_one_item_at(pts, oa, attrs, 0);
	case 1:
		return map_one_item_at(pts, oa, attrs, 1);
	case 2:
		return map_one_item_at(pts, oa, attrs, 2);
	case 3:
		return map_one_item_at(pts, oa, attrs, 3);
	case 4:
		return map_one_item_at(pts, oa, attrs, 4);
	case 5:
		return map_one_item_at(pts, oa, attrs, 5);
	}
	return 0;
}

/* Install a new empty table at an empty entry, or use the one a racer put */
static __always_inline int pt_iommu_new_table(struct pt_state *pts,
					      struct pt_iommu_map_args *map)
{
	struct pt_table_p *table_mem;

	table_mem = table_alloc(map->iommu_table, map->attrs.gfp);
	if (!table_mem)
		return -ENOMEM;
	/* Its zeroing is visible to the device before the entry is */
	pt_publish_barrier();
	if (!pt_install_table(pts, virt_to_phys(table_mem), &map->attrs)) {
		/* Another thread mapping a disjoint range got there first */
		table_free(map->iommu_table, table_mem);
		if (pt_load_entry(pts) != PT_ENTRY_TABLE)
			return -EADDRINUSE;
		return 0;
	}
	pts->type = PT_ENTRY_TABLE;
	pts->table_lower = table_mem;
	return 0;
}

static __always_inline int __map_range(struct pt_range *range, void *arg,
				       unsigned int level,
				       struct pt_table_p *table,
				       pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_written written = PT_WRITTEN_INIT;
	struct pt_iommu_map_args *map = arg;
	bool all_zero = false;
	bool full;
	int ret = 0;

	if (pt_load_pass_through(&pts)) {
		if (map->private_build)
			return pt_descend(&pts, arg, descend_fn);
		pt_note_path(&pts, &written);
		ret = pt_descend(&pts, arg, descend_fn);
		pt_sync_map_written(&pts, &written, ret);
		return ret;
	}

	if (pts.end_index - pts.index == 1) {
		unsigned int lg2 = map_one_item(&pts, map->oa, &map->attrs,
						!map->private_build);

		if (lg2) {
			map->optimistic = false;
			map->oa += oalog2_to_int(lg2);
			return 0;
		}
	}

	if (map->optimistic) {
		ret = map_check_level(&pts, map, &all_zero);
		if (ret)
			return ret;
	}

	while (pts.index < pts.end_index) {
		unsigned int pgsz_lg2 = pt_compute_best_pgsize(&pts, map->oa);

		pt_load_entry(&pts);
		if (pgsz_lg2 && pts.type == PT_ENTRY_EMPTY) {
			unsigned int isz_lg2 = pt_table_item_lg2sz(&pts);
			u64 sizes = pt_leaf_sizes(&pts);

			/*
			 * A contiguous run needs all its items empty; a table
			 * left in one by an earlier operation forces a
			 * smaller size.
			 */
			while (pgsz_lg2 > isz_lg2 &&
			       !pt_items_empty(&pts, pgsz_lg2 - isz_lg2)) {
				sizes &= GENMASK_ULL(pgsz_lg2 - 1, 0);
				pgsz_lg2 = sizes ? fls64(sizes) - 1 : 0;
			}
			if (pgsz_lg2 == isz_lg2) {
				map_item_run(&pts, map, &written, all_zero);
				continue;
			}
			if (pgsz_lg2 > isz_lg2) {
				unsigned int nitems = 1U << (pgsz_lg2 - isz_lg2);

				pt_install_leaf_entry(&pts, map->oa, pgsz_lg2,
						      &map->attrs);
				pt_note_written(&written, pts.index, nitems);
				map->oa += oalog2_to_int(pgsz_lg2);
				pt_advance(&pts, nitems);
				continue;
			}
		}

		/*
		 * A table where a leaf fits can only be empty; the prepare
		 * walk replaces it, which the optimistic map leaves to it.
		 */
		if (pts.type == PT_ENTRY_TABLE && map->optimistic &&
		    pgsz_lg2 >= pt_table_item_lg2sz(&pts))
			return PT_MAP_RECHECK;
		if (pts.type == PT_ENTRY_EMPTY) {
			ret = pt_iommu_new_table(&pts, map);
			if (ret)
				break;
			pt_note_written(&written, pts.index, 1);
		} else if (pts.type != PT_ENTRY_TABLE) {
			ret = -EADDRINUSE;
			break;
		} else if (!map->private_build) {
			pt_note_path(&pts, &written);
		}
		/* Covering all of it, a successful map leaves it full */
		full = PT_TABLE_FULL_BIT && pt_item_fully_covered(&pts);
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			break;
		if (full) {
			pt_table_update_bits(pts.table, pts.index, 0,
					     PT_TABLE_FULL_BIT);
			pt_note_written(&written, pts.index, 1);
		}
		pts.index++;
	}
	/* The lower tables were pushed before this one points at them */
	if (!map->private_build)
		pt_sync_map_written(&pts, &written, ret);
	return ret;
}

PT_MAKE_LEVELS(__map_range_walk, __map_range);

/*
 * Where a map starts: below the levels it only passes through
 * (pt_range_lowest()), except on an incoherent table, where each entry on
 * the way may have to be pushed (pt_note_path()) and the level functions
 * do it from the top.
 */
static __always_inline struct pt_state map_start(struct pt_range *range)
{
	struct pt_state pts;

	if (!pt_feature(range->common, PT_FEAT_DMA_INCOHERENT))
		return pt_range_lowest(range);
	pt_state_start(&pts, range, range->top_level, range->top_table);
	pts.index = log2_mod(log2_div(range->va, pt_table_item_lg2sz(&pts)),
			     pt_num_items_lg2(&pts));
	return pts;
}

/* The item size of each level in @levels, as the gather's pgsize has them */
static noinline u64 map_flush_sizes(struct pt_range *range, u8 levels)
{
	struct pt_state pts = { .range = range };
	u64 sizes = 0;

	for (pts.level = 0; pts.level != PT_MAX_LEVELS; pts.level++)
		if (levels & BIT(pts.level))
			sizes |= BIT_ULL(pt_table_item_lg2sz(&pts));
	return sizes;
}

/*
 * The read-only walk of a map that could not be checked level by level (see
 * __map_prepare()). Empty tables where the map wants a leaf are cleared from
 * their entries and handed to the driver's iotlb_sync() with the IOVA span
 * they covered, which flushes the IOTLB and the walk caches and then frees
 * them, exactly as after an unmap: only then does the map write the leaf,
 * so a walker never sees the leaf while it may still use the old table.
 * A driver without iotlb_sync() keeps the tables and gets smaller leaves.
 */
static int map_prepare(struct pt_iommu *iommu_table, struct pt_range *range,
		       struct pt_iommu_map_args *map)
{
	const struct iommu_domain_ops *ops = iommu_table->domain.ops;
	struct iommu_iotlb_gather gather;
	int ret;

	map->replaced = 0;
	range->va = map->va;
	ret = pt_walk_range(range, __map_prepare_walk, map);
	if (ret || !map->replaced || !ops || !ops->iotlb_sync)
		return ret;

	map->replace = true;
	INIT_LIST_HEAD(&map->free_list);
	map->flush_first = PT_VADDR_MAX;
	map->flush_last = 0;
	map->flush_levels = 0;
	range->va = map->va;
	ret = pt_walk_range(range, __map_prepare_walk, map);
	map->replace = false;
	/* Checked by the first walk, and the caller holds the range */
	PT_WARN_ON(ret);

	iommu_iotlb_gather_init(&gather);
	iommu_iotlb_gather_add_range(&gather, map->flush_first,
				     min_t(u64, map->flush_last -
						map->flush_first,
					   SIZE_MAX - 1) + 1);
	gather.pgsize = map_flush_sizes(range, map->flush_levels);
	list_splice_tail(&map->free_list, &gather.freelist);
	ops->iotlb_sync(&iommu_table->domain, &gather);
	return ret;
}

/* Build the chain of new top tables that puts @range->top_table at index 0 */
static int increase_top(struct pt_iommu *iommu_table, struct pt_range *range,
			struct pt_iommu_map_args *map)
{
	struct pt_common *common = &iommu_table->common;
	const struct pt_iommu_driver_ops *ops = iommu_table->driver_ops;
	struct pt_table_p *new_tables[PT_MAX_LEVELS] = {};
	struct pt_table_p *lower = range->top_table;
	unsigned int old_level = range->top_level;
	unsigned int new_level = range->top_level;
	spinlock_t *lock; /* the driver's, serialising change_top */
	unsigned long flags;
	uintptr_t old_top;
	unsigned int i;
	int ret = 0;

	while (new_level < PT_MAX_TOP_LEVEL &&
	       pt_top_span_lg2(common, new_level) < 64 &&
	       log2_div(range->last_va,
			pt_top_span_lg2(common, new_level)) != 0)
		new_level++;
	if (new_level == range->top_level)
		return -ERANGE;

	for (i = old_level + 1; i <= new_level; i++) {
		struct pt_range tmp = *range;
		struct pt_state pts = { .range = &tmp, .level = i };

		new_tables[i] = table_alloc(iommu_table, map->attrs.gfp);
		if (!new_tables[i]) {
			ret = -ENOMEM;
			goto err_free;
		}
		pts.table = new_tables[i];
		pts.index = 0;
		pt_load_entry_raw(&pts);
		pt_install_table(&pts, virt_to_phys(lower), &map->attrs);
		/* Complete and pushed before it is published */
		table_sync(iommu_table, new_tables[i], 0, 1);
		lower = new_tables[i];
	}

	/*
	 * The hardware first, under the driver's lock: maps read the top
	 * without the lock, so the moment they can see the new top they may
	 * map beyond the old reach, and the device must already be using it.
	 * The old top is item 0 of the new one, so a device still walking the
	 * old top until change_top() flushed it translates as before.
	 * init made sure a dynamic top table has both driver ops.
	 */
	old_top = (uintptr_t)range->top_table | old_level;
	lock = ops->get_top_lock(iommu_table);
	spin_lock_irqsave(lock, flags);
	if (READ_ONCE(common->top_of_table) != old_top) {
		/* Someone else grew it; start over from their top */
		ret = -EAGAIN;
	} else {
		pt_publish_barrier();
		ops->change_top(iommu_table, virt_to_phys(lower), new_level);
		/* A reader of the new top sees the tables it points at */
		smp_store_release(&common->top_of_table,
				  (uintptr_t)lower | new_level);
	}
	spin_unlock_irqrestore(lock, flags);
	pt_read_top(common, range);
	if (ret)
		goto err_free;
	return 0;

err_free:
	for (i = old_level + 1; i <= new_level; i++)
		if (new_tables[i])
			table_free(iommu_table, new_tables[i]);
	return ret;
}

/*
 * NS(map_pages)() - Map a physically contiguous range
 * @domain: The domain of the table
 * @iova: First IOVA, aligned to @pgsize
 * @paddr: First physical address, aligned to @pgsize
 * @pgsize: A size in the table's page size bitmap
 * @pgcount: Number of @pgsize pages; the whole range is mapped with the
 *	largest pages the alignment of @iova and @paddr allows, whatever
 *	@pgsize is
 * @prot: IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE...
 * @gfp: Allocation flags for tables
 * @mapped: Incremented by the bytes mapped, also on failure
 *
 * Context: The caller holds a range lock covering the range.
 *
 * Return: 0 on success; -EINVAL for a zero length, a misaligned address or a
 * size the format cannot store; -EOVERFLOW if the range wraps past the top of
 * unsigned long or is longer than SIZE_MAX; -ERANGE if the range or the
 * physical range is beyond what the table can hold;
 * -EADDRINUSE if any of the range is mapped (nothing is written then);
 * -ENOMEM. What is not reported in @mapped is not mapped.
 */
int NS(map_pages)(struct iommu_domain *domain, unsigned long iova,
		  phys_addr_t paddr, size_t pgsize, size_t pgcount, int prot,
		  gfp_t gfp, size_t *mapped)
{
	struct pt_iommu *iommu_table = iommu_from_domain(domain);
	struct pt_common *common = &iommu_table->common;
	/*
	 * Field by field: an initialiser zeroes all of it first, which GCC
	 * does with "rep stos" when the kernel has no SSE, tens of cycles of
	 * a one-page map.
	 */
	struct pt_iommu_map_args map __uninitialized;
	struct pt_range range __uninitialized;
	struct pt_state pts __uninitialized;
	struct pt_write_attrs attrs;
	unsigned int leaf_lg2;
	bool within_top;
	u64 len;
	u64 last_pa;
	int ret;

	if (!pgsize || !pgcount || !is_power_of_2(pgsize) ||
	    !(domain->pgsize_bitmap & pgsize) || ((iova | paddr) & (pgsize - 1)))
		return -EINVAL;
	/* Past SIZE_MAX, *mapped could not count it (4G on 32-bit) */
	if (check_mul_overflow((u64)pgsize, (u64)pgcount, &len) ||
	    len > SIZE_MAX)
		return -EOVERFLOW;
	if (check_add_overflow((u64)paddr, len - 1, &last_pa))
		return -EOVERFLOW;
	if (common->max_oasz_lg2 < 64 &&
	    oalog2_div(last_pa, common->max_oasz_lg2) != 0)
		return -ERANGE;

	ret = make_range(common, &range, iova, len);
	if (ret)
		return ret;
	/* Only the sizes the driver allows, which it may have narrowed */
	range.leaf_sizes = domain->pgsize_bitmap;
	attrs.gfp = gfp;
	ret = pt_iommu_set_prot(common, &attrs, prot);
	if (ret)
		return ret;

	/* Exactly one leaf into an existing table: no argument block */
	within_top = range_within_top(&range);
	if (within_top) {
		pts = map_start(&range);
		leaf_lg2 = map_one_item_any(&pts, paddr, &attrs);
		if (leaf_lg2) {
			*mapped += oalog2_to_int(leaf_lg2);
			return 0;
		}
	}

	map.iommu_table = iommu_table;
	map.attrs = attrs;
	map.oa = paddr;
	map.va = iova;
	map.replaced = 0;
	map.replace = false;
	map.flush_levels = 0;
	INIT_LIST_HEAD(&map.free_list);
	map.flush_first = PT_VADDR_MAX;
	map.flush_last = 0;
	map.private_build = false;
	map.optimistic = false;

	/*
	 * Refuse an overlap before writing anything: with a walk that checks
	 * each level before writing to it when that is enough, else with a
	 * read-only walk of the whole range first.
	 */
	if (within_top) {
		map.optimistic = true;
		ret = __map_range_walk(&range, &map, pts.level, pts.table);
		if (ret != PT_MAP_RECHECK) {
			*mapped += map.oa - paddr;
			return ret;
		}
		map.optimistic = false;
	} else {
		struct pt_range old_top = range;

		old_top.last_va = min(range.last_va,
				      log2_to_max_int(range.max_vasz_lg2));
		if (range.va <= old_top.last_va) {
			ret = pt_walk_range(&old_top, __check_empty_walk,
					    NULL);
			if (ret)
				return ret;
		}
		if (!pt_feature(common, PT_FEAT_DYNAMIC_TOP))
			return -ERANGE;
		/* A concurrent map may grow it first (-EAGAIN, range re-read) */
		while (!range_within_top(&range)) {
			ret = increase_top(iommu_table, &range, &map);
			if (ret && ret != -EAGAIN)
				return ret;
		}
	}
	ret = map_prepare(iommu_table, &range, &map);
	if (ret)
		return ret;

	range.va = iova;
	pts = map_start(&range);
	ret = __map_range_walk(&range, &map, pts.level, pts.table);
	*mapped += map.oa - paddr;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(NS(map_pages), GENERIC_PT_IOMMU);

/* unmap_pages */

struct pt_unmap_args {
	struct pt_iommu *iommu_table;
	struct list_head free_list;
	pt_vaddr_t unmapped;
	/* The hull of the IOVAs whose leaves or tables left the walk */
	pt_vaddr_t touched_first;
	pt_vaddr_t touched_last;
	/* The item size of each level an entry left at, as a size bitmap */
	u64 touched_sizes;
};

/*
 * [first, last] left the walk, entries of 2^isz_lg2 bytes (leaf items, or
 * the entry of a table that left): the flush must cover it, at that level
 */
static __always_inline void unmap_touched(struct pt_unmap_args *unmap,
					  pt_vaddr_t first, pt_vaddr_t last,
					  unsigned int isz_lg2)
{
	if (first < unmap->touched_first)
		unmap->touched_first = first;
	if (last > unmap->touched_last)
		unmap->touched_last = last;
	unmap->touched_sizes |= BIT_ULL(isz_lg2);
}

/* Returned when a leaf reaches outside the range: unmap stops there */
#define PT_UNMAP_STOP 1

/* The eight words from @i on all pass @leaf, see pt_plain_leaf_test() */
static __always_inline bool plain_leaves8(const struct pt_table_p *table,
					  unsigned long i,
					  const struct pt_word_test leaf)
{
	u64 v = leaf.value;

	return !((((pt_table_read(table, i) ^ v) |
		   (pt_table_read(table, i + 1) ^ v)) |
		  ((pt_table_read(table, i + 2) ^ v) |
		   (pt_table_read(table, i + 3) ^ v)) |
		  ((pt_table_read(table, i + 4) ^ v) |
		   (pt_table_read(table, i + 5) ^ v)) |
		  ((pt_table_read(table, i + 6) ^ v) |
		   (pt_table_read(table, i + 7) ^ v))) &
		 leaf.mask);
}

/*
 * Plain leaves from item->index on, eight words a step with the format's
 * word test, up to @end or the first step that has another word;
 * item->index is moved past them, and with @clear they are cleared.
 * Return: the number of leaves.
 */
static __always_inline unsigned int
unmap_plain_leaves(struct pt_state *item, unsigned int end, const bool clear)
{
	struct pt_word_test leaf = pt_plain_leaf_test(item);
	struct pt_table_p *table = item->table;
	unsigned long i = item->index;
	unsigned int leaves;

	if (!leaf.mask)
		return 0;
	for (; i + 8 <= end && plain_leaves8(table, i, leaf); i += 8)
		if (clear)
			pt_table_clear8(table, i);
	leaves = i - item->index;
	item->index = i;
	return leaves;
}

/*
 * Leaves of one item from item->index on, up to @end or the first item that
 * is something else; empty items are skipped. With @clear each is cleared.
 * Return: the number of leaves.
 */
static __always_inline unsigned int unmap_items(struct pt_state *item,
						unsigned int end,
						const bool clear,
						unsigned int *first_leaf,
						unsigned int *last_leaf)
{
	unsigned int leaves;
	enum pt_entry_type type;

	/*
	 * Plain leaves eight words a step where the format has a word test;
	 * the first step that fails it, and what follows, go through the
	 * classifying loop below.
	 */
	*first_leaf = item->index;
	leaves = unmap_plain_leaves(item, end, clear);
	if (leaves)
		*last_leaf = item->index - 1;
	for (; item->index != end; item->index++) {
		type = pt_load_entry_raw(item);
		if (type == PT_ENTRY_EMPTY)
			continue;
		if (type != PT_ENTRY_OA || pt_entry_num_contig_lg2(item))
			break;
		if (clear)
			pt_clear_entries(item, 0);
		if (!leaves)
			*first_leaf = item->index;
		*last_leaf = item->index;
		leaves++;
	}
	return leaves;
}

/*
 * Unmap the leaves of one item from pts->index on, skipping empty items, up
 * to the end of the range in this table or the first item that is something
 * else. pts->index is such a leaf, wholly inside the range. With @discard
 * the table is freed by the caller and its items are left as they are.
 */
static __always_inline void unmap_item_run(struct pt_state *pts,
					   struct pt_unmap_args *unmap,
					   struct pt_written *written,
					   bool discard)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	pt_vaddr_t va = pts->range->va;
	unsigned int first = pts->index;
	unsigned int end = first + pt_range_items(pts);
	/* A local copy the stores into table memory cannot alias */
	struct pt_state item = *pts;
	unsigned int first_leaf = 0;
	unsigned int last_leaf = 0;
	unsigned int leaves = 0;

	/*
	 * With @discard the caller notes the whole table as touched, it
	 * leaves the walk
	 */
	if (discard && !level_can_have_tables(pts)) {
		/*
		 * A leaf table the caller frees whole: every item is inside
		 * the range, contiguous runs included, so only the mapped
		 * items are counted.
		 */
		leaves = unmap_plain_leaves(&item, end, false);
		for (; item.index != end; item.index++)
			leaves += pt_load_entry_raw(&item) != PT_ENTRY_EMPTY;
	} else if (discard) {
		leaves = unmap_items(&item, end, false, &first_leaf,
				     &last_leaf);
	} else {
		leaves = unmap_items(&item, end, true, &first_leaf,
				     &last_leaf);
		pt_note_written(written, first, item.index - first);
		if (leaves)
			unmap_touched(unmap,
				      va + ((pt_vaddr_t)(first_leaf - first)
					    << isz_lg2),
				      va + ((pt_vaddr_t)(last_leaf - first + 1)
					    << isz_lg2) - 1,
				      isz_lg2);
	}
	pts->index = item.index;
	pts->entry = item.entry;
	unmap->unmapped += (pt_vaddr_t)leaves << isz_lg2;
	pts->range->va = va + ((pt_vaddr_t)(pts->index - first) << isz_lg2);
}

/*
 * Clear the leaf of 2^nc_lg2 items at pts->index, which is the range.
 * Return: log2 of its size.
 */
static __always_inline unsigned int unmap_one_leaf(struct pt_state *pts,
						   unsigned int nc_lg2)
{
	pt_clear_entries(pts, nc_lg2);
	pt_advance(pts, 1U << nc_lg2);
	pt_sync_written(pts, &(struct pt_written){
		.first = pts->index - (1U << nc_lg2), .end = pts->index });
	return pt_table_item_lg2sz(pts) + nc_lg2;
}

/*
 * The range is exactly the leaf at pts->index, of one item or a contiguous
 * run starting there, in a table of more items, so the table stays: clear it
 * directly. The caller accounts for it: the range left the walk, at this
 * level's item size.
 * Return: log2 of the leaf's size when it did, 0 when it did not.
 */
static __always_inline unsigned int unmap_one_item(struct pt_state *pts)
{
	struct pt_range *range = pts->range;
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned int nc_lg2;

	if (range->last_va - range->va == log2_to_max_int(isz_lg2)) {
		if (!pt_num_items_lg2(pts) || log2_mod(range->va, isz_lg2) ||
		    pt_load_entry_raw(pts) != PT_ENTRY_OA ||
		    pt_entry_num_contig_lg2(pts))
			return 0;
		return unmap_one_leaf(pts, 0);
	}
	if (pt_load_entry_raw(pts) != PT_ENTRY_OA)
		return 0;
	nc_lg2 = pt_entry_num_contig_lg2(pts);
	/* The range starts at the run and is exactly its size */
	if (!nc_lg2 || pt_num_items_lg2(pts) <= nc_lg2 ||
	    log2_mod(range->va, isz_lg2 + nc_lg2) ||
	    range->last_va - range->va != log2_to_max_int(isz_lg2 + nc_lg2))
		return 0;
	return unmap_one_leaf(pts, nc_lg2);
}

/*
 * unmap_one_item() with the level a compile time constant in each case;
 * *isz_lg2 gets the item size of the level.
 */
static __always_inline unsigned int
unmap_one_item_at(struct pt_state *pts, unsigned int *isz_lg2,
		  unsigned int level)
{
	if (level > PT_MAX_TOP_LEVEL)
		return 0;
	pts->level = level;
	*isz_lg2 = pt_table_item_lg2sz(pts);
	return unmap_one_item(pts);
}

static __always_inline unsigned int unmap_one_item_any(struct pt_state *pts,
						       unsigned int *isz_lg2)
{
	switch (pts->level) {
	case 0:
		return unmap_one_item_at(pts, isz_lg2, 0);
	case 1:
		return unmap_one_item_at(pts, isz_lg2, 1);
	case 2:
		return unmap_one_item_at(pts, isz_lg2, 2);
	case 3:
		return unmap_one_item_at(pts, isz_lg2, 3);
	case 4:
		return unmap_one_item_at(pts, isz_lg2, 4);
	case 5:
		return unmap_one_item_at(pts, isz_lg2, 5);
	}
	return 0;
}

/*
 * The range covers a table entry with PT_TABLE_FULL_BIT: all of its span is
 * unmapped. A leaf table below is not read at all, a higher one only to find
 * the tables to free.
 */
static __always_inline int unmap_full_table(struct pt_state *pts,
					    struct pt_unmap_args *unmap,
					    pt_level_fn_t descend_fn)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	pt_vaddr_t unmapped = unmap->unmapped + log2_to_int(isz_lg2);
	int ret = 0;

	if (pts->level == 1)
		pts->range->va = pt_item_va(pts) + log2_to_int(isz_lg2);
	else
		ret = pt_descend(pts, unmap, descend_fn);
	unmap->unmapped = unmapped;
	return ret;
}

static __always_inline int __unmap_range(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_written written = PT_WRITTEN_INIT;
	struct pt_unmap_args *unmap = arg;
	unsigned int oasz_lg2;
	unsigned int nitems;
	unsigned int isz_lg2;
	pt_vaddr_t item_va;
	bool discard_lower;
	bool discard;
	int ret = 0;

	if (pt_load_pass_through(&pts)) {
		pt_entry_clear_full(&pts);
		return pt_descend(&pts, arg, descend_fn);
	}

	if (pts.end_index - pts.index == 1) {
		pt_vaddr_t va = range->va, last = range->last_va;
		unsigned int lg2 = unmap_one_item(&pts);

		if (lg2) {
			unmap->unmapped += log2_to_int(lg2);
			unmap_touched(unmap, va, last, pt_table_item_lg2sz(&pts));
			return 0;
		}
	}

	/*
	 * When the range covers this whole (non-top) table the parent frees
	 * it: it only has to be walked to count the bytes and find the lower
	 * tables, its entries can stay as they are until the IOTLB flush.
	 */
	discard = table != range->top_table &&
		  pt_range_covers(range, pt_table_lg2sz(&pts));

	while (pts.index < pts.end_index) {
		switch (pt_load_entry(&pts)) {
		case PT_ENTRY_EMPTY:
			pt_advance(&pts, 1);
			break;
		case PT_ENTRY_TABLE:
			discard_lower = pt_item_fully_covered(&pts);
			item_va = pt_item_va(&pts);
			if (!discard_lower)
				pt_entry_clear_full(&pts);
			if (discard_lower && pt_entry_is_full(&pts))
				ret = unmap_full_table(&pts, unmap, descend_fn);
			else
				ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				goto out;
			/*
			 * The range covers the whole lower table, so no other
			 * operation can be using it: free it after the flush.
			 */
			if (discard_lower) {
				/* The walk caches may hold it for its span */
				isz_lg2 = pt_table_item_lg2sz(&pts);
				unmap_touched(unmap, item_va,
					      item_va +
						      log2_to_max_int(isz_lg2),
					      isz_lg2);
				if (!discard) {
					pt_clear_entries(&pts, 0);
					pt_note_written(&written, pts.index, 1);
				}
				table_defer_free(unmap->iommu_table,
						 &unmap->free_list,
						 pts.table_lower);
			}
			pts.index++;
			break;
		default:
			/* Leaves of one item: a tight loop over all of them */
			if (!pt_entry_num_contig_lg2(&pts) &&
			    !log2_mod(range->va, pt_table_item_lg2sz(&pts)) &&
			    pt_range_items(&pts)) {
				unmap_item_run(&pts, unmap, &written, discard);
				break;
			}
			oasz_lg2 = pt_entry_oa_lg2sz(&pts);
			/* Never split a leaf, stop at one not inside */
			if (log2_mod(range->va, oasz_lg2) ||
			    range->last_va - range->va <
				    log2_to_max_int(oasz_lg2)) {
				ret = PT_UNMAP_STOP;
				goto out;
			}
			nitems = 1U << (oasz_lg2 - pt_table_item_lg2sz(&pts));
			if (!discard) {
				pt_clear_entries(&pts, oasz_lg2 -
						 pt_table_item_lg2sz(&pts));
				pt_note_written(&written, pts.index, nitems);
				unmap_touched(unmap, range->va,
					      range->va +
						      log2_to_max_int(oasz_lg2),
					      pt_table_item_lg2sz(&pts));
			}
			unmap->unmapped += log2_to_int(oasz_lg2);
			pt_advance(&pts, nitems);
			break;
		}
	}
out:
	pt_sync_written(&pts, &written);
	return ret;
}

PT_MAKE_LEVELS(__unmap_range_walk, __unmap_range);

/*
 * [first, last] left the walk at the levels of @sizes (item sizes as a size
 * bitmap): add it to the gather, syncing first with
 * PT_FEAT_FLUSH_RANGE_NO_GAPS when it is disjoint from what is gathered
 */
static __always_inline void unmap_gather(struct iommu_domain *domain,
					 struct iommu_iotlb_gather *gather,
					 pt_vaddr_t first, pt_vaddr_t last,
					 u64 sizes)
{
	struct pt_iommu *iommu_table = iommu_from_domain(domain);
	size_t len = min_t(u64, last - first, SIZE_MAX - 1) + 1;

	if (pt_feature(&iommu_table->common, PT_FEAT_FLUSH_RANGE_NO_GAPS) &&
	    iommu_iotlb_gather_is_disjoint(gather, first, len))
		iommu_iotlb_sync(domain, gather);
	iommu_iotlb_gather_add_range(gather, first, len);
	gather->pgsize |= sizes;
}

/*
 * NS(unmap_pages)() - Unmap the leaves inside a range
 * @domain: The domain of the table
 * @iova: First IOVA
 * @pgsize: Page size, @pgsize * @pgcount is the length of the range
 * @pgcount: Number of pages
 * @iotlb_gather: Collects the IOVA range to flush and the tables to free
 *	after the flush, on &iommu_iotlb_gather.freelist
 *
 * Whole leaves are unmapped, never part of one: unmapping stops at the first
 * leaf that is not entirely inside the range. Holes are skipped. Tables are
 * freed when the range covers all of their IOVA span.
 *
 * The gather gets exactly the hull of what left the walk: from the first
 * IOVA of the first leaf removed (or of the span of the first table
 * unhooked) to the last IOVA of the last one; nothing when nothing was
 * removed. A non-empty freelist says table memory left the walk: the
 * driver invalidates the walk caches (non-leaf) over the range too. With
 * PT_FEAT_FLUSH_RANGE_NO_GAPS a range disjoint from the gathered one first
 * syncs the gather. &iommu_iotlb_gather.pgsize gets the item size of each
 * level an entry left at (pt_iommu_gather_leaf_lg2()).
 *
 * Context: The caller holds a range lock covering the range.
 *
 * Return: the number of bytes unmapped.
 */
size_t NS(unmap_pages)(struct iommu_domain *domain, unsigned long iova,
		       size_t pgsize, size_t pgcount,
		       struct iommu_iotlb_gather *iotlb_gather)
{
	struct pt_iommu *iommu_table = iommu_from_domain(domain);
	/* Set after the one-leaf case, which does without it */
	struct pt_unmap_args unmap __uninitialized;
	struct pt_range range __uninitialized;
	struct pt_state pts __uninitialized;
	unsigned int leaf_lg2, isz_lg2;
	u64 len;

	/* The return value counts at most SIZE_MAX bytes */
	if (check_mul_overflow((u64)pgsize, (u64)pgcount, &len) ||
	    len > SIZE_MAX ||
	    make_range(&iommu_table->common, &range, iova, len))
		return 0;
	if (!range_clip_to_top(&range))
		return 0;

	/*
	 * The flush covers the hull of what left the walk (unmap_touched()):
	 * not the holes before the first leaf and after the last, nor what
	 * follows a stop. Holes between leaves are in the hull.
	 */
	pts = pt_range_lowest(&range);
	/* Exactly one leaf: no argument block, the range is the hull */
	leaf_lg2 = unmap_one_item_any(&pts, &isz_lg2);
	if (leaf_lg2) {
		unmap_gather(domain, iotlb_gather, iova, range.last_va,
			     BIT_ULL(isz_lg2));
		return log2_to_int(leaf_lg2);
	}

	unmap.iommu_table = iommu_table;
	INIT_LIST_HEAD(&unmap.free_list);
	unmap.unmapped = 0;
	unmap.touched_first = PT_VADDR_MAX;
	unmap.touched_last = 0;
	unmap.touched_sizes = 0;
	__unmap_range_walk(&range, &unmap, pts.level, pts.table);
	if (unmap.touched_first <= unmap.touched_last)
		unmap_gather(domain, iotlb_gather, unmap.touched_first,
			     unmap.touched_last, unmap.touched_sizes);
	list_splice_tail(&unmap.free_list, &iotlb_gather->freelist);
	return unmap.unmapped;
}
EXPORT_SYMBOL_NS_GPL(NS(unmap_pages), GENERIC_PT_IOMMU);

/*
 * NS(get_info)() - Describe the table
 * @iommu_table: The table
 * @info: Filled in
 */
void NS(get_info)(struct pt_iommu *iommu_table, struct pt_iommu_info *info)
{
	struct pt_common *common = &iommu_table->common;
	struct pt_range range;

	pt_read_top(common, &range);
	info->pgsize_bitmap = iommu_table->domain.pgsize_bitmap;
	info->top_level = range.top_level;
	info->max_vasz_lg2 = common->max_vasz_lg2;
	info->max_oasz_lg2 = common->max_oasz_lg2;
}
EXPORT_SYMBOL_NS_GPL(NS(get_info), GENERIC_PT_IOMMU);

/* deinit */

static __always_inline int __free_tables(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu *iommu_table = arg;
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		if (pt_load_entry(&pts) != PT_ENTRY_TABLE)
			continue;
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
		table_free(iommu_table, pts.table_lower);
	}
	return 0;
}

PT_MAKE_LEVELS(__free_tables_walk, __free_tables);

/*
 * NS(deinit)() - Free every table
 * @iommu_table: The table
 *
 * Safe on a zeroed structure, before init and after a failed init. No device
 * may be using the table any more.
 */
void NS(deinit)(struct pt_iommu *iommu_table)
{
	struct pt_common *common = &iommu_table->common;
	struct pt_range range;
	unsigned int span_lg2;

	if (!common->top_of_table)
		return;
	pt_read_top(common, &range);
	range.va = 0;
	span_lg2 = min(pt_top_span_lg2(common, range.top_level), 64U);
	range.last_va = log2_to_max_int(span_lg2);
	pt_walk_range(&range, __free_tables_walk, iommu_table);
	__table_free(iommu_table, range.top_table,
		     top_mem_lg2sz(common, range.top_level));
	common->top_of_table = 0;
}
EXPORT_SYMBOL_NS_GPL(NS(deinit), GENERIC_PT_IOMMU);

#ifdef pt_entry_write_is_dirty
/* read_and_clear_dirty */

/*
 * @run_va, @run_last: the dirty bytes found and not reported yet, one run
 * of adjacent IOVA (empty while @run_last < @run_va). Adjacent dirty leaves
 * are reported with one iommu_dirty_bitmap_record() of their union: the
 * bitmap gets the same bits and the gather the same range as with one call
 * a leaf, for one call a run. @sizes: the item size of every level a dirty
 * leaf was found at, for the gather's level hint.
 */
struct pt_iommu_dirty_args {
	struct iommu_dirty_bitmap *dirty;
	unsigned long flags;
	pt_vaddr_t first_va;
	pt_vaddr_t last_va;
	pt_vaddr_t run_va;
	pt_vaddr_t run_last;
	u64 sizes;
};

static __always_inline void pt_dirty_flush(struct pt_iommu_dirty_args *dirty)
{
	if (dirty->run_last < dirty->run_va)
		return;
	iommu_dirty_bitmap_record(dirty->dirty, dirty->run_va,
				  dirty->run_last - dirty->run_va + 1);
	dirty->run_va = 1;
	dirty->run_last = 0;
}

/*
 * Add [va, last], leaves of items of 2^isz_lg2 bytes, to the dirty run,
 * reporting the run first if not adjacent
 */
static __always_inline void pt_dirty_add(struct pt_iommu_dirty_args *dirty,
					 pt_vaddr_t va, pt_vaddr_t last,
					 unsigned int isz_lg2)
{
	dirty->sizes |= BIT_ULL(isz_lg2);
	if (dirty->run_last >= dirty->run_va && va == dirty->run_last + 1) {
		dirty->run_last = last;
		return;
	}
	pt_dirty_flush(dirty);
	dirty->run_va = va;
	dirty->run_last = last;
}

/*
 * After the dirty leaf item at pts->index, a single item wholly inside the
 * range: it and the single item dirty leaves right after it, up to the last
 * item wholly inside the range, in one tight loop that cleans each (unless
 * IOMMU_DIRTY_NO_CLEAR) and adds them to the run as one range.
 */
static __always_inline void pt_dirty_items(struct pt_state *pts,
					   struct pt_iommu_dirty_args *dirty,
					   const bool clear)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned long limit = pts->index + pt_range_items(pts);
	unsigned int start = pts->index;
	pt_vaddr_t va = pts->range->va;
	unsigned long i;

	if (clear)
		pt_entry_make_write_clean(pts);
	/* An unsigned long index: no zero extension in the address */
	for (i = start + 1; i != limit; i++) {
		if (i > UINT_MAX)
			unreachable();
		pts->index = i;
		pts->type = pt_load_entry_raw(pts);
		if (pts->type != PT_ENTRY_OA || pt_entry_num_contig_lg2(pts) ||
		    !pt_entry_write_is_dirty(pts))
			break;
		if (clear)
			pt_entry_make_write_clean(pts);
	}
	pts->index = i;
	pt_dirty_add(dirty, va,
		     va + ((pt_vaddr_t)(pts->index - start) << isz_lg2) - 1,
		     isz_lg2);
	pt_advance_from(pts, start);
}

/*
 * The dirty leaf at pts->index that pt_dirty_items() does not take: a
 * contiguous run, or a leaf the range does not wholly cover. Reports the
 * part inside the range; clears only a leaf wholly inside: the rest of one
 * that sticks out is reported by the read of the range holding it, and must
 * still be dirty then. Out of line, to leave the loops of the caller their
 * registers.
 *
 * Return: the number of items from pts->index to the end of the leaf.
 */
static noinline unsigned int pt_dirty_leaf(struct pt_state *pts,
					   struct pt_iommu_dirty_args *dirty)
{
	unsigned int nc_lg2 = pt_entry_num_contig_lg2(pts);
	unsigned int oasz_lg2 = pt_table_item_lg2sz(pts) + nc_lg2;
	pt_vaddr_t leaf_va = log2_set_mod(pts->range->va, 0, oasz_lg2);
	pt_vaddr_t leaf_last = leaf_va + log2_to_max_int(oasz_lg2);

	if (leaf_va >= dirty->first_va && leaf_last <= dirty->last_va) {
		if (!(dirty->flags & IOMMU_DIRTY_NO_CLEAR))
			pt_entry_make_write_clean(pts);
	} else {
		leaf_va = max(leaf_va, dirty->first_va);
		leaf_last = min(leaf_last, dirty->last_va);
	}
	pt_dirty_add(dirty, leaf_va, leaf_last, pt_table_item_lg2sz(pts));
	return log2_set_mod_max(pts->index, nc_lg2) - pts->index + 1;
}

/*
 * A contiguous run of leaf items at the end of the items [pts->index,
 * pts->end_index) that the loop below sees, holding the item at @index:
 * whether an item of it outside those is dirty. The walker may have written
 * through any item, and the loop tests only those it sees.
 */
static __always_inline bool pt_dirty_edge_run(const struct pt_state *pts,
					      unsigned int index)
{
	struct pt_state item = *pts;
	unsigned int nc_lg2;
	unsigned int first;
	unsigned int i;

	item.index = index;
	if (pt_load_entry_raw(&item) != PT_ENTRY_OA)
		return false;
	nc_lg2 = pt_entry_num_contig_lg2(&item);
	if (!nc_lg2)
		return false;
	first = log2_set_mod(index, 0, nc_lg2);
	for (i = first; i != first + (1U << nc_lg2); i++) {
		if (i >= pts->index && i < pts->end_index)
			continue;
		item.index = i;
		if (pt_load_entry_raw(&item) == PT_ENTRY_OA &&
		    pt_entry_write_is_dirty(&item))
			return true;
	}
	return false;
}

/*
 * The items of one table: a tight loop steps over the empty items and the
 * clean leaf items, testing each item's own dirty state (the walker sets it
 * in whichever item of a contiguous run it used, so any item of a run makes
 * the run dirty); it stops at a table, which it descends into, or at a dirty
 * item, whose whole leaf it reports (clipped to the range) and cleans (when
 * wholly inside) before going on past the leaf. A run at either end of the
 * items inside the range may have items outside it, which the loop does not
 * see: such a run is dealt with first (the first) or last (the last) when
 * any of its items outside is dirty. Nothing to push: an incoherent table
 * is refused.
 */
static __always_inline int __read_and_clear_dirty(struct pt_range *range,
						  void *arg, unsigned int level,
						  struct pt_table_p *table,
						  pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu_dirty_args *dirty = arg;
	unsigned int tail = UINT_MAX;
	enum pt_entry_type type;
	struct pt_state leaf;
	unsigned int start;
	unsigned long i;
	int ret;

	if (pt_dirty_edge_run(&pts, pts.index)) {
		pt_load_entry(&pts);
		leaf = pts;
		pt_advance(&pts, pt_dirty_leaf(&leaf, dirty));
		if (pts.index >= pts.end_index)
			return 0;
	}
	if (pt_dirty_edge_run(&pts, pts.end_index - 1)) {
		leaf = pts;
		leaf.index = pts.end_index - 1;
		pt_load_entry_raw(&leaf);
		tail = log2_set_mod(leaf.index, 0,
				    pt_entry_num_contig_lg2(&leaf));
		pts.end_index = max(pts.index, tail);
	}

	for (;;) {
		start = pts.index;
		/* A contiguous run may have taken the index past the end */
		for (i = start; i < pts.end_index; i++) {
			if (i > UINT_MAX)
				unreachable();
			pts.index = i;
			type = pt_load_entry_raw(&pts);
			if (type == PT_ENTRY_TABLE ||
			    (type == PT_ENTRY_OA &&
			     pt_entry_write_is_dirty(&pts)))
				break;
		}
		pts.index = i;
		pt_advance_from(&pts, start);
		if (pts.index >= pts.end_index)
			break;
		/*
		 * Read again, not to keep the type in a register through the
		 * loop: the walker can only have made the item dirty since.
		 */
		pts.type = pt_load_entry_raw(&pts);

		if (pts.type == PT_ENTRY_TABLE) {
			pts.table_lower = phys_to_virt(pt_table_pa(&pts));
			ret = pt_descend(&pts, arg, descend_fn);
			if (ret)
				return ret;
			pts.index++;
			continue;
		}

		if (!pt_entry_num_contig_lg2(&pts) &&
		    pt_item_fully_covered(&pts)) {
			if (dirty->flags & IOMMU_DIRTY_NO_CLEAR)
				pt_dirty_items(&pts, dirty, false);
			else
				pt_dirty_items(&pts, dirty, true);
			continue;
		}
		leaf = pts;
		pt_advance(&pts, pt_dirty_leaf(&leaf, dirty));
	}
	if (tail != UINT_MAX) {
		/* The loop ended at the first item of the last run */
		pts.index = tail;
		pt_load_entry(&pts);
		leaf = pts;
		pt_dirty_leaf(&leaf, dirty);
	}
	return 0;
}

PT_MAKE_LEVELS(__read_and_clear_dirty_walk, __read_and_clear_dirty);

/*
 * NS(read_and_clear_dirty)() - Report and clear the dirty bits of a range
 * @domain: The domain of the table
 * @iova: First IOVA
 * @size: Length of the range
 * @flags: IOMMU_DIRTY_NO_CLEAR to leave the bits set
 * @dirty: Receives the dirty IOVA ranges, clipped to the range
 *
 * The &iommu_dirty_ops.read_and_clear_dirty signature. Every dirty leaf is
 * reported, clipped to the range, and cleared only when it lies wholly inside
 * the range: dirty state is never lost whatever chunks the caller reads in,
 * a leaf straddling two reads is reported by both. Adjacent dirty leaves are
 * reported with one iommu_dirty_bitmap_record() of the run they make: the
 * same bytes as one record a leaf, for one call a run. The gather of
 * @dirty, if any, gets in &iommu_iotlb_gather.pgsize the item size of each
 * level a dirty leaf was found at (pt_iommu_gather_leaf_lg2()).
 *
 * A table with PT_FEAT_DMA_INCOHERENT is refused: the walker's dirty bit
 * would be written to memory behind the CPU's cached copy of the table,
 * which is mapped for DMA_TO_DEVICE only, so the CPU could read a stale
 * clean entry and clearing it could overwrite the walker's store. Walkers
 * that update dirty bits snoop the CPU caches (SMMUv3 requires coherent
 * walks for HTTU; the AMD IOMMU is always coherent).
 *
 * Return: 0, -EOPNOTSUPP for an incoherent table or one that keeps no dirty
 * state (pt_dirty_supported()), or -EINVAL / -EOVERFLOW / -ERANGE for a
 * bad range.
 */
int NS(read_and_clear_dirty)(struct iommu_domain *domain, unsigned long iova,
			     size_t size, unsigned long flags,
			     struct iommu_dirty_bitmap *dirty)
{
	struct pt_iommu *iommu_table = iommu_from_domain(domain);
	struct pt_iommu_dirty_args args = {
		.dirty = dirty,
		.flags = flags,
	};
	struct pt_range range;
	int ret;

	if (pt_feature(&iommu_table->common, PT_FEAT_DMA_INCOHERENT) ||
	    !pt_dirty_supported(&iommu_table->common))
		return -EOPNOTSUPP;
	ret = make_range(&iommu_table->common, &range, iova, size);
	if (ret)
		return ret;
	if (!range_clip_to_top(&range))
		return 0;
	args.first_va = range.va;
	args.last_va = range.last_va;
	args.run_va = 1;
	ret = pt_walk_range(&range, __read_and_clear_dirty_walk, &args);
	pt_dirty_flush(&args);
	/* The IOTLB must drop the cleaned leaves: at these levels */
	if (dirty->gather)
		dirty->gather->pgsize |= args.sizes;
	return ret;
}
EXPORT_SYMBOL_NS_GPL(NS(read_and_clear_dirty), GENERIC_PT_IOMMU);
#endif

/* cut_mapping */

/*
 * The item of [index, end), a side of a contiguous leaf being cut, that no
 * leaf of this level can hold once alone because the item size itself is
 * not one of pt_leaf_sizes() (AMD v1: a 512G item of a 1T run), so it
 * must become a table. Return: its index, UINT_MAX for none, or
 * UINT_MAX - 1 for more than one, which only sizes a driver left out can
 * cause.
 */
static unsigned int cut_lone_item(const struct pt_state *parent,
				  unsigned int end, pt_vaddr_t va,
				  pt_oaddr_t oa)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(parent);
	struct pt_range range = *parent->range;
	struct pt_state pts = *parent;
	unsigned int lone = UINT_MAX;

	if (pts.index == end)
		return lone;
	pts.range = &range;
	range.va = va;
	range.last_va = va + ((pt_vaddr_t)(end - pts.index) << isz_lg2) - 1;
	while (pts.index < end) {
		unsigned int pgsz_lg2 = pt_compute_best_pgsize(&pts, oa);

		if (pgsz_lg2 < isz_lg2) {
			if (lone != UINT_MAX)
				return UINT_MAX - 1;
			lone = pts.index;
			pgsz_lg2 = isz_lg2;
		}
		oa += oalog2_to_int(pgsz_lg2);
		pt_advance(&pts, 1U << (pgsz_lg2 - isz_lg2));
	}
	return lone;
}

/*
 * Rewrite items [index, end) of a table, which all belong to one leaf being
 * cut, with the best sizes for the span they cover. Every store leaves every
 * item translating as before, so this is hitless where the format allows
 * leaves to change size in place (PT_FEAT_OA_SIZE_CHANGE). The item that no
 * leaf of this level fits (cut_lone_item()) is replaced by @lone, a table
 * built beforehand, which is then consumed (*@lone set to NULL).
 *
 * Each item is replaced with a compare-and-exchange against what it held, so
 * a dirty bit the walker sets meanwhile is never overwritten: the rewrite
 * returns -EAGAIN and is redone with it. Rewriting an item that was already
 * rewritten stores the same value again; one already replaced by its table
 * is left alone.
 */
static int cut_rewrite_items(const struct pt_state *parent, unsigned int end,
			     pt_vaddr_t va, pt_oaddr_t oa,
			     const struct pt_write_attrs *attrs,
			     struct pt_table_p **lone)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(parent);
	struct pt_range range = *parent->range;
	struct pt_state pts = *parent;

	if (pts.index == end)
		return 0;
	pts.range = &range;
	range.va = va;
	range.last_va = va + ((pt_vaddr_t)(end - pts.index) << isz_lg2) - 1;
	while (pts.index < end) {
		unsigned int pgsz_lg2 = pt_compute_best_pgsize(&pts, oa);
		unsigned int nitems;
		unsigned int i;

		if (pgsz_lg2 < isz_lg2) {
			struct pt_state item = pts;

			if (pt_load_entry_raw(&item) != PT_ENTRY_TABLE) {
				if (PT_WARN_ON(!*lone))
					return -EINVAL;
				pt_publish_barrier();
				if (!pt_install_table(&item, virt_to_phys(*lone),
						      attrs))
					return -EAGAIN;
				*lone = NULL;
			}
			oa += oalog2_to_int(isz_lg2);
			pt_advance(&pts, 1);
			continue;
		}
		nitems = 1U << (pgsz_lg2 - isz_lg2);

		for (i = 0; i != nitems; i++) {
			struct pt_state item = pts;
			struct pt_write_attrs cur_attrs;
			struct pt_write_attrs merged;

			item.index += i;
			pt_load_entry_raw(&item);
			pt_attr_from_entry(&item, &cur_attrs);
			/* The walker changed it since @attrs was taken */
			merged = *attrs;
			pt_attr_merge(pts.range->common, &merged, &cur_attrs);
			if (merged.descriptor_bits != attrs->descriptor_bits ||
			    !pt_table_cmpxchg(pts.table, item.index, item.entry,
					      pt_leaf_item_word(&pts, oa,
								pgsz_lg2,
								attrs, i)))
				return -EAGAIN;
		}
		oa += oalog2_to_int(pgsz_lg2);
		pt_advance(&pts, nitems);
	}
	return 0;
}

/*
 * Merge into @attrs the leaf attributes of items [first, end), skipping
 * @skip and the items a cut already replaced by a table (pt_attr_merge())
 */
static void cut_run_attrs(const struct pt_state *pts, unsigned int first,
			  unsigned int end, unsigned int skip,
			  struct pt_write_attrs *attrs)
{
	struct pt_state run = *pts;

	for (run.index = first; run.index != end; run.index++) {
		struct pt_write_attrs item_attrs;

		if (run.index == skip || pt_load_entry_raw(&run) != PT_ENTRY_OA)
			continue;
		pt_attr_from_entry(&run, &item_attrs);
		pt_attr_merge(pts->range->common, attrs, &item_attrs);
	}
}

static __always_inline int __sync_tables(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	int ret;

	for (; pts.index < pts.end_index; pts.index++) {
		if (pt_load_entry(&pts) != PT_ENTRY_TABLE)
			continue;
		ret = pt_descend(&pts, arg, descend_fn);
		if (ret)
			return ret;
	}
	table_sync(arg, table, 0, pts.end_index);
	return 0;
}

PT_MAKE_LEVELS(__sync_tables_walk, __sync_tables);

/* Free a private sub-tree that was never reachable by the walker */
static void cut_free_tree(struct pt_iommu *iommu_table, struct pt_range *range,
			  unsigned int level, struct pt_table_p *table)
{
	range->va = 0;
	range->last_va = PT_VADDR_MAX;
	__free_tables_walk(range, iommu_table, level, table);
	table_free(iommu_table, table);
}

/*
 * Build, privately, the table that replaces the single-item leaf covering
 * [item_va, item_va + item size) at OA item_oa, with the best sizes on each
 * side of cut_va.
 */
static struct pt_table_p *cut_build_table(struct pt_iommu *iommu_table,
					  const struct pt_state *parent,
					  pt_vaddr_t item_va,
					  pt_oaddr_t item_oa, pt_vaddr_t cut_va,
					  const struct pt_write_attrs *attrs)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(parent);
	struct pt_iommu_map_args build = {
		.iommu_table = iommu_table,
		.attrs = *attrs,
		.oa = item_oa,
		.private_build = true,
	};
	struct pt_range range = *parent->range;
	struct pt_table_p *table_mem;
	int ret;

	table_mem = table_alloc(iommu_table, attrs->gfp);
	if (!table_mem)
		return ERR_PTR(-ENOMEM);

	/*
	 * The level functions run on the private table directly: the range
	 * keeps the real top, whose geometry may differ from a lower table's.
	 * A cut_va of item_va builds the whole item as one map would.
	 */
	ret = 0;
	if (cut_va != item_va) {
		range.va = item_va;
		range.last_va = cut_va - 1;
		ret = __map_range_walk(&range, &build, parent->level - 1,
				       table_mem);
	}
	if (!ret) {
		range.va = cut_va;
		range.last_va = item_va + log2_to_max_int(isz_lg2);
		ret = __map_range_walk(&range, &build, parent->level - 1,
				       table_mem);
	}
	if (ret) {
		cut_free_tree(iommu_table, &range, parent->level - 1,
			      table_mem);
		return ERR_PTR(ret);
	}
	/* Complete: push every table of it once, before it is reachable */
	if (table_incoherent(iommu_table)) {
		range.va = 0;
		range.last_va = PT_VADDR_MAX;
		__sync_tables_walk(&range, iommu_table, parent->level - 1,
				   table_mem);
	}
	return table_mem;
}

/*
 * Build the tables for the items of the two sides of a cut run, [first,
 * index) and [right, end), that no leaf of their level fits alone
 * (cut_lone_item()): at most one a side, in @lone[0] and @lone[1].
 */
static int cut_build_lone(struct pt_iommu *iommu_table,
			  const struct pt_state *pts, unsigned int first,
			  unsigned int right, unsigned int end,
			  pt_vaddr_t run_va, pt_oaddr_t run_oa,
			  const struct pt_write_attrs *attrs,
			  struct pt_table_p **lone)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned int from[2] = { first, right };
	unsigned int to[2] = { pts->index, end };
	unsigned int side;

	for (side = 0; side != 2; side++) {
		struct pt_state item = *pts;
		pt_vaddr_t offset;
		unsigned int index;

		item.index = from[side];
		offset = (pt_vaddr_t)(from[side] - first) << isz_lg2;
		index = cut_lone_item(&item, to[side], run_va + offset,
				      run_oa + offset);
		if (index == UINT_MAX)
			continue;
		/* More than one: only sizes a driver left out do that */
		if (index == UINT_MAX - 1 ||
		    !pts_feature(pts, PT_FEAT_OA_TABLE_XCHG))
			return -EOPNOTSUPP;
		offset = (pt_vaddr_t)(index - first) << isz_lg2;
		item.index = index;
		lone[side] = cut_build_table(iommu_table, &item,
					     run_va + offset, run_oa + offset,
					     run_va + offset, attrs);
		if (IS_ERR(lone[side])) {
			int ret = PTR_ERR(lone[side]);

			lone[side] = NULL;
			return ret;
		}
	}
	return 0;
}

/* Free the tables cut_build_lone() built that were not installed */
static void cut_free_lone(struct pt_iommu *iommu_table,
			  const struct pt_state *pts, struct pt_table_p **lone)
{
	unsigned int side;

	for (side = 0; side != 2; side++) {
		struct pt_range range = *pts->range;

		if (lone[side])
			cut_free_tree(iommu_table, &range, pts->level - 1,
				      lone[side]);
		lone[side] = NULL;
	}
}

/* Cut the leaf at pts, which crosses range->va */
static int cut_leaf(struct pt_iommu *iommu_table, struct pt_state *pts,
		    gfp_t gfp)
{
	struct pt_table_p *lone[2] = {};
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);
	unsigned int nc_lg2 = pt_entry_num_contig_lg2(pts);
	pt_vaddr_t cut_va = pts->range->va;
	struct pt_write_attrs attrs = { .gfp = gfp };
	struct pt_table_p *table_mem = NULL;
	struct pt_state run = *pts;
	pt_oaddr_t run_oa = pt_entry_oa(pts);
	pt_vaddr_t run_va = log2_set_mod(cut_va, 0, isz_lg2 + nc_lg2);
	pt_vaddr_t item_va = pt_item_va(pts);
	pt_oaddr_t item_oa = run_oa + (item_va - run_va);
	unsigned int first = log2_set_mod(pts->index, 0, nc_lg2);
	unsigned int end = first + (1U << nc_lg2);
	bool at_item = !log2_mod(cut_va, isz_lg2);
	unsigned int right = at_item ? pts->index : pts->index + 1;
	u64 old_entry = pts->entry;
	int ret;

	/* Refuse before changing anything */
	if (nc_lg2 && !pts_feature(pts, PT_FEAT_OA_SIZE_CHANGE))
		return -EOPNOTSUPP;
	if (!at_item && !pts_feature(pts, PT_FEAT_OA_TABLE_XCHG))
		return -EOPNOTSUPP;

	/*
	 * The attributes of the new entries, with the dirty state of any item
	 * of a contiguous run: the run is one page to the dirty tracking.
	 */
	pt_attr_from_entry(pts, &attrs);
	cut_run_attrs(pts, first, end, end, &attrs);

	/* The items of the run no leaf fits alone, also before any store */
	if (nc_lg2 && !(pt_leaf_sizes(pts) & BIT_ULL(isz_lg2))) {
		ret = cut_build_lone(iommu_table, pts, first, right, end,
				     run_va, run_oa, &attrs, lone);
		if (ret) {
			cut_free_lone(iommu_table, pts, lone);
			return ret;
		}
	}

	if (!at_item) {
		table_mem = cut_build_table(iommu_table, pts, item_va, item_oa,
					    cut_va, &attrs);
		if (IS_ERR(table_mem)) {
			cut_free_lone(iommu_table, pts, lone);
			return PTR_ERR(table_mem);
		}
		/*
		 * One atomic store swaps the leaf for the table mapping the
		 * same addresses. It fails only if the walker set a dirty or
		 * accessed bit meanwhile: start again to carry it.
		 */
		pts->entry = old_entry;
		pt_publish_barrier();
		if (!pt_install_table(pts, virt_to_phys(table_mem), &attrs)) {
			struct pt_range range = *pts->range;

			cut_free_tree(iommu_table, &range, pts->level - 1,
				      table_mem);
			cut_free_lone(iommu_table, pts, lone);
			return -EAGAIN;
		}
	}

	/*
	 * The rest of a contiguous run, each side with its best sizes. A
	 * dirty bit set by the walker on an item of the old run while this
	 * runs makes it start again carrying that bit.
	 */
	while (nc_lg2) {
		run.index = first;
		if (!cut_rewrite_items(&run, pts->index, run_va, run_oa,
				       &attrs, &lone[0])) {
			run.index = right;
			if (!cut_rewrite_items(&run, end,
					       run_va + ((pt_vaddr_t)(right - first)
							 << isz_lg2),
					       run_oa + ((pt_oaddr_t)(right - first)
							 << isz_lg2),
					       &attrs, &lone[1]))
				break;
		}
		cut_run_attrs(pts, first, end, at_item ? end : pts->index,
			      &attrs);
	}
	/* Every table built was installed */
	if (PT_WARN_ON(lone[0] || lone[1]))
		cut_free_lone(iommu_table, pts, lone);
	/* The swapped item and the re-sized run, pushed once */
	table_sync(iommu_table, pts->table, first, end);
	return 0;
}

static __always_inline int __cut_mapping(struct pt_range *range, void *arg,
					 unsigned int level,
					 struct pt_table_p *table,
					 pt_level_fn_t descend_fn)
{
	struct pt_state pts = pt_init(range, level, table);
	struct pt_iommu_map_args *cut = arg;

	switch (pt_load_entry(&pts)) {
	case PT_ENTRY_TABLE:
		return pt_descend(&pts, arg, descend_fn);
	case PT_ENTRY_OA:
		/* Already a leaf boundary */
		if (!log2_mod(range->va, pt_entry_oa_lg2sz(&pts)))
			return 0;
		return cut_leaf(cut->iommu_table, &pts, cut->attrs.gfp);
	default:
		return -ENOENT;
	}
}

PT_MAKE_LEVELS(__cut_mapping_walk, __cut_mapping);

/*
 * NS(cut_mapping)() - Make cut_iova a leaf boundary
 * @iommu_table: The table
 * @cut_iova: The IOVA that must start a leaf afterwards
 * @gfp: Allocation flags for new tables
 *
 * See the contract in include/linux/generic_pt/iommu.h.
 */
int NS(cut_mapping)(struct pt_iommu *iommu_table, dma_addr_t cut_iova,
		    gfp_t gfp)
{
	struct pt_iommu_map_args cut = {
		.iommu_table = iommu_table,
		.attrs.gfp = gfp,
	};
	u64 leaf_sizes = iommu_table->domain.pgsize_bitmap;
	struct pt_range range;
	int ret;

	/* A boundary of the smallest page the driver allows */
	if (!leaf_sizes || log2_mod(cut_iova, vaffs(leaf_sizes)))
		return -EINVAL;
	ret = make_range(&iommu_table->common, &range, cut_iova, 1);
	if (ret)
		return ret;
	range.leaf_sizes = leaf_sizes;
	if (!range_within_top(&range))
		return -ENOENT;
	do {
		range.va = cut_iova;
		ret = pt_walk_range(&range, __cut_mapping_walk, &cut);
	} while (ret == -EAGAIN);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(NS(cut_mapping), GENERIC_PT_IOMMU);

/*
 * NS(domain_cut_mapping)() - &iommu_domain_ops.cut_mapping
 * @domain: The domain of the table
 * @iova: The IOVA that must start a leaf afterwards
 * @gfp: Allocation flags for new tables
 *
 * NS(cut_mapping)() for the iommu core's iommu_cut_mapping().
 */
int NS(domain_cut_mapping)(struct iommu_domain *domain, unsigned long iova,
			   gfp_t gfp)
{
	return NS(cut_mapping)(iommu_from_domain(domain), iova, gfp);
}
EXPORT_SYMBOL_NS_GPL(NS(domain_cut_mapping), GENERIC_PT_IOMMU);

/*
 * NS(init)() - Initialise a table and its iommu_domain geometry
 * @fmt_table: The format structure, zeroed by the caller except for the
 *	fields "DOC: Setting up a table" lets the driver set and the test
 *	hooks
 * @cfg: The hardware configuration
 * @gfp: Allocation flags for the top table
 *
 * Sets &iommu_domain.pgsize_bitmap and the aperture in the domain's geometry.
 *
 * Return: 0, -EINVAL for an impossible configuration, -EOPNOTSUPP for a
 * feature the format does not have, -ENOMEM.
 */
int NS(init)(struct PT_FMT_TABLE *fmt_table, const struct PT_FMT_CFG *cfg,
	     gfp_t gfp)
{
	struct pt_iommu *iommu_table = &fmt_table->iommu;
	const struct pt_iommu_driver_ops *ops = iommu_table->driver_ops;
	struct pt_iommu_test_hooks *test = test_hooks(iommu_table);
	struct pt_common *common = &iommu_table->common;
	struct iommu_domain *domain = &iommu_table->domain;
	struct PT_FMT_CFG fmt_cfg;
	const char *why = NULL;
	struct pt_table_p *top;
	unsigned int vasz_lg2;
	unsigned int flush;
	u64 sizes;
	int top_level;

	memset(common, 0, sizeof(*common));
	/* The driver's flush choice is the engine's, the format never sees it */
	flush = cfg->common.features & (BIT(PT_FEAT_FLUSH_RANGE) |
					BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS));
	if (flush == (BIT(PT_FEAT_FLUSH_RANGE) |
		      BIT(PT_FEAT_FLUSH_RANGE_NO_GAPS))) {
		top_level = -EINVAL;
		goto err;
	}
	fmt_cfg = *cfg;
	fmt_cfg.common.features &= ~flush;
	top_level = pt_iommu_fmt_init(fmt_table, &fmt_cfg);
	if (top_level < 0)
		goto err;
	common->features |= flush;
	/* pt_feature() sees only the features the format declares */
	if (PT_WARN_ON(common->features & ~PT_FORMAT_FEATURES)) {
		top_level = -EINVAL;
		goto err;
	}

	/* The fields the driver owns, set on the table before init */
	if (pt_feature(common, PT_FEAT_DYNAMIC_TOP) &&
	    (!ops || !ops->change_top || !ops->get_top_lock))
		why = "a dynamic top needs driver_ops with change_top and get_top_lock";
	/* An incoherent walker needs the device to DMA map table memory to */
	else if (pt_feature(common, PT_FEAT_DMA_INCOHERENT) &&
		 !PT_INCOHERENT_CLFLUSH && !iommu_table->iommu_device &&
		 !(test && test->dma_map && test->dma_sync && test->dma_unmap))
		why = "an incoherent walker needs iommu_device";
	else if (domain->type && !(domain->type & __IOMMU_DOMAIN_PAGING))
		why = "the domain type is not a paging one";
	if (why) {
		pr_warn("generic_pt " __stringify(PT_FMT) ": init refused: %s\n",
			why);
		top_level = -EINVAL;
		goto err;
	}

	/*
	 * The aperture can only describe one range: for a sign extended table
	 * it is the lower half; the upper half works all the same.
	 */
	vasz_lg2 = common->max_vasz_lg2;
	if (pt_feature(common, PT_FEAT_SIGN_EXTEND))
		vasz_lg2--;
	vasz_lg2 = min_t(unsigned int, vasz_lg2, BITS_PER_LONG);
	sizes = pt_all_possible_sizes(common, PT_MAX_TOP_LEVEL) &
		log2_to_max_int_t(vasz_lg2);
	/* A driver may have narrowed the sizes first */
	if (domain->pgsize_bitmap)
		sizes &= domain->pgsize_bitmap;
	if (!sizes) {
		pr_warn("generic_pt " __stringify(PT_FMT)
			": init refused: the format has none of the page sizes %lx\n",
			domain->pgsize_bitmap);
		top_level = -EINVAL;
		goto err;
	}

	top = __table_alloc(iommu_table, top_mem_lg2sz(common, top_level), gfp);
	if (!top) {
		top_level = -ENOMEM;
		goto err;
	}
	WRITE_ONCE(common->top_of_table, (uintptr_t)top | top_level);

	if (!domain->type)
		domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->pgsize_bitmap = sizes;
	domain->geometry.aperture_start = 0;
	domain->geometry.aperture_end =
		log2_to_max_int_t(min_t(unsigned int, vasz_lg2,
					sizeof(dma_addr_t) * BITS_PER_BYTE));
	domain->geometry.force_aperture = true;
	return 0;

err:
	memset(common, 0, sizeof(*common));
	return top_level;
}
EXPORT_SYMBOL_NS_GPL(NS(init), GENERIC_PT_IOMMU);

/*
 * NS(hw_info)() - What the driver programs into the hardware
 * @fmt_table: The table
 * @info: Filled in with the current top
 */
void NS(hw_info)(struct PT_FMT_TABLE *fmt_table, struct PT_FMT_HW_INFO *info)
{
	struct pt_range range;

	pt_read_top(&fmt_table->iommu.common, &range);
	pt_iommu_fmt_hw_info(fmt_table, virt_to_phys(range.top_table),
			     range.top_level, info);
}
EXPORT_SYMBOL_NS_GPL(NS(hw_info), GENERIC_PT_IOMMU);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Generic PT IOMMU page table");
MODULE_IMPORT_NS(GENERIC_PT_IOMMU);

#endif

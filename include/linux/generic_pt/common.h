/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT: the format independent part of a radix page table.
 *
 * A page table is described by a struct pt_common embedded in a format
 * specific structure. Everything about the encoding of the entries is in the
 * format header under fmt/, the engine only ever sees this structure.
 */
#ifndef __GENERIC_PT_COMMON_H
#define __GENERIC_PT_COMMON_H

#include <linux/types.h>
#include <linux/bits.h>

/**
 * struct pt_common - Format independent description of one page table
 * @top_of_table: Kernel virtual address of the top table with the level of
 *	the top table encoded in the low PT_TOP_LEVEL_BITS bits. Both change
 *	together with one store, so a concurrent walker always sees a matching
 *	pair. Read it with READ_ONCE().
 * @max_oasz_lg2: log2 of the largest output address plus one the table may
 *	produce, from the hardware configuration.
 * @max_vasz_lg2: log2 of the size of the IOVA space the table may map, from
 *	the hardware configuration. With PT_FEAT_SIGN_EXTEND this is the size
 *	of the whole sign extended space.
 * @features: Bitmap of enum pt_features.
 */
struct pt_common {
	uintptr_t top_of_table;
	u8 max_oasz_lg2;
	u8 max_vasz_lg2;
	unsigned int features;
};

/* Number of low bits of @top_of_table that hold the top level */
#define PT_TOP_LEVEL_BITS 3
#define PT_TOP_LEVEL_MASK GENMASK(PT_TOP_LEVEL_BITS - 1, 0)

/**
 * enum pt_features - Optional behaviours of a page table
 * @PT_FEAT_DMA_INCOHERENT: The table walker does not snoop the CPU caches;
 *	table memory is DMA mapped and written back after every change (on
 *	x86, whose DMA API does no cache maintenance, written back with
 *	clflush, unmapped).
 * @PT_FEAT_DYNAMIC_TOP: The table starts with few levels and adds levels on
 *	top when a map needs a larger IOVA. The driver is told through
 *	&pt_iommu_driver_ops.change_top.
 * @PT_FEAT_SIGN_EXTEND: The IOVA is sign extended from its top bit (x86-64
 *	canonical addresses); both halves may be mapped.
 * @PT_FEAT_OA_SIZE_CHANGE: A contiguous leaf may be re-sized in place without
 *	break-before-make.
 * @PT_FEAT_OA_TABLE_XCHG: A leaf may be replaced by a table mapping the same
 *	output addresses with one atomic store, without break-before-make.
 * @PT_FEAT_FLUSH_RANGE: The driver flushes the IOTLB by range and can flush
 *	any range: unmap adds what it touched to the gather, which may then
 *	span holes between what several unmaps touched. The default.
 * @PT_FEAT_FLUSH_RANGE_NO_GAPS: The driver flushes one contiguous range
 *	and must not flush what no operation touched (a range flush of
 *	unrelated IOVAs is costly or wrong for it, as for a paravirtualised
 *	IOMMU that shadows every flushed range): before adding a range
 *	disjoint from the one gathered, unmap syncs the gather
 *	(iommu_iotlb_sync()) so each flush covers touched IOVAs only.
 *	Not with PT_FEAT_FLUSH_RANGE.
 * @PT_FEAT_FMT_START: First bit free for format specific features.
 */
enum pt_features {
	PT_FEAT_DMA_INCOHERENT,
	PT_FEAT_DYNAMIC_TOP,
	PT_FEAT_SIGN_EXTEND,
	PT_FEAT_OA_SIZE_CHANGE,
	PT_FEAT_OA_TABLE_XCHG,
	PT_FEAT_FLUSH_RANGE,
	PT_FEAT_FLUSH_RANGE_NO_GAPS,
	PT_FEAT_FMT_START,
};

#endif

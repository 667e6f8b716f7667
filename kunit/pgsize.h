/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the iommu core splits an iommu_map() / iommu_unmap() range into
 * map_pages / unmap_pages calls, for the tests and the benchmark that call a
 * page table the way the core does (the cross-check against io-pgtable-arm,
 * kunit/bench/bench.h) without going through the core.
 */
#ifndef __GENERIC_PT_KUNIT_PGSIZE_H
#define __GENERIC_PT_KUNIT_PGSIZE_H

#include <linux/bitops.h>
#include <linux/types.h>

/**
 * kpt_core_pgsize() - The next step of a map or unmap, as iommu_pgsize()
 * @bitmap: The domain's page size bitmap
 * @iova: Where the step starts
 * @pa: Its physical address (@iova again for an unmap)
 * @len: Bytes left
 * @count: Set to the number of pages of the step
 *
 * The largest size of @bitmap that the alignment of @iova and @pa and the
 * length allow, for as many pages as fit before the next larger size
 * becomes possible.
 *
 * Return: the page size, 0 (and *@count 0) if no size fits.
 */
static inline u64 kpt_core_pgsize(u64 bitmap, u64 iova, u64 pa, u64 len,
				  u64 *count)
{
	u64 align = iova | pa, sizes, pgsize, larger, next, off;

	sizes = len ? bitmap & GENMASK_ULL(fls64(len) - 1, 0) : 0;
	if (align)
		sizes &= GENMASK_ULL(__ffs64(align), 0);
	if (!sizes) {
		*count = 0;
		return 0;
	}
	pgsize = BIT_ULL(fls64(sizes) - 1);
	*count = len / pgsize;
	larger = bitmap & ~(2 * pgsize - 1);
	if (!larger)
		return pgsize;
	next = BIT_ULL(__ffs64(larger));
	if ((iova ^ pa) & (next - 1))
		return pgsize;
	off = next - (align & (next - 1));
	if (off + next <= len)
		*count = off / pgsize;
	return pgsize;
}

#endif

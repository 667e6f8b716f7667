/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operations of the page table benchmark, shared by the in-kernel
 * benchmark (kunit/bench/bench.c, timed on UML) and the user-space one
 * (user/bench/bench_user.c, instruction counts under callgrind).
 *
 * A page table is driven the way the iommu core drives a domain: a map or an
 * unmap of a range is split into calls of one page size and a count, chosen
 * from the table's page size bitmap and the alignment of the addresses, as
 * iommu_map() and iommu_unmap() do.
 */
#ifndef __GENERIC_PT_KUNIT_BENCH_H
#define __GENERIC_PT_KUNIT_BENCH_H

#include <asm/io.h>
#include <linux/bitops.h>
#include <linux/iommu.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "../pgsize.h"

/**
 * struct bench_side - One page table implementation under test
 * @name: Short name for the reports ("ours", "theirs").
 * @priv: The implementation's own state.
 * @pgsize_bitmap: The page sizes its domain advertises to the iommu core.
 * @map_pages: &iommu_domain_ops.map_pages, as the core calls it.
 * @unmap_pages: &iommu_domain_ops.unmap_pages, as the core calls it.
 * @iova_to_phys: &iommu_domain_ops.iova_to_phys.
 * @iotlb_sync: What the driver does after an unmap: flush (nothing here)
 *	and free the tables on the gather's free list.
 * @read_and_clear_dirty: &iommu_dirty_ops.read_and_clear_dirty, as
 *	iommufd calls it; -EOPNOTSUPP on a table set up without dirty
 *	tracking.
 */
struct bench_side {
	const char *name;
	void *priv;
	unsigned long pgsize_bitmap;
	int (*map_pages)(struct bench_side *side, unsigned long iova,
			 phys_addr_t paddr, size_t pgsize, size_t pgcount,
			 int prot, gfp_t gfp, size_t *mapped);
	size_t (*unmap_pages)(struct bench_side *side, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather);
	phys_addr_t (*iova_to_phys)(struct bench_side *side,
				    unsigned long iova);
	void (*iotlb_sync)(struct bench_side *side,
			   struct iommu_iotlb_gather *gather);
	int (*read_and_clear_dirty)(struct bench_side *side,
				    unsigned long iova, size_t size,
				    unsigned long flags,
				    struct iommu_dirty_bitmap *dirty);
};

/*
 * The drivers' iotlb_sync: the flush (no hardware here), then the tables the
 * unmap put on the gather are freed
 */
static inline void bench_iotlb_sync(struct bench_side *side,
				    struct iommu_iotlb_gather *gather)
{
	iommu_put_pages_list(&gather->freelist);
}

/*
 * iommu_map(): map [iova, iova + size) at paddr, calling again from where
 * the previous call stopped. Return: 0 or an errno
 */
static inline int bench_map(struct bench_side *side, unsigned long iova,
			    phys_addr_t paddr, size_t size, int prot)
{
	while (size) {
		size_t mapped = 0;
		u64 count, pgsize;
		int ret;

		pgsize = kpt_core_pgsize(side->pgsize_bitmap, iova, paddr, size,
					 &count);
		if (!pgsize)
			return -EINVAL;
		ret = side->map_pages(side, iova, paddr, pgsize, count, prot,
				      GFP_KERNEL, &mapped);
		if (ret)
			return ret;
		/* A table may map less than asked (up to a table's end) */
		if (!mapped)
			return -EIO;
		iova += mapped;
		paddr += mapped;
		size -= mapped;
	}
	return 0;
}

/*
 * iommu_unmap(): unmap [iova, iova + size), the page sizes chosen from the
 * IOVA alone, then the driver's iotlb_sync. Return: bytes unmapped.
 */
static inline size_t bench_unmap(struct bench_side *side, unsigned long iova,
				 size_t size)
{
	struct iommu_iotlb_gather gather;
	size_t unmapped = 0;

	iommu_iotlb_gather_init(&gather);
	while (unmapped < size) {
		u64 count, pgsize;
		size_t done;

		pgsize = kpt_core_pgsize(side->pgsize_bitmap, iova, iova,
					 size - unmapped, &count);
		if (!pgsize)
			break;
		done = side->unmap_pages(side, iova, pgsize, count, &gather);
		if (!done)
			break;
		iova += done;
		unmapped += done;
	}
	side->iotlb_sync(side, &gather);
	return unmapped;
}

/**
 * struct bench_row - One benchmarked operation
 * @name: Row name in the reports.
 * @pgsz_lg2: log2 of the page size the range is made of.
 * @count: Number of pages mapped by one map call (one iommu_map()).
 * @batch: Independent calls timed together, each on its own range, to
 *	measure operations shorter than the clock's resolution.
 * @leaf_lg2: log2 of the size of one table item holding such a page, for
 *	the number of entries the floor writes.
 */
struct bench_row {
	const char *name;
	u8 pgsz_lg2;
	u32 count;
	u16 batch;
	u8 leaf_lg2;
};

/*
 * The rows of both formats. Every range is mapped at a physical address that
 * is an odd multiple of the page size, so that neither the core's split nor
 * the table can use a larger page or a contiguous run: "256 x 4K" stores 256
 * 4K leaves on every side.
 */
#define BENCH_ROW_1G_4K 6
static const struct bench_row bench_rows[] = {
	{ "1 x 4K", 12, 1, 64, 12 },
	{ "1 x 64K", 16, 1, 64, 12 },
	{ "1 x 2M", 21, 1, 64, 21 },
	{ "1 x 1G", 30, 1, 16, 30 },
	{ "256 x 4K", 12, 256, 4, 12 },
	{ "256 x 2M", 21, 256, 4, 21 },
	{ "1G in 4K", 12, 262144, 1, 12 },
};

/* Rows of the ARM format: io-pgtable-arm has no 64K page (no contig hint) */
static inline bool bench_row_in_arm(unsigned int row)
{
	return bench_rows[row].pgsz_lg2 != 16;
}

/* Each row uses its own 64 GiB window of IOVA, below 512 GiB (3 levels) */
#define BENCH_WINDOW_LG2 36

/* Bytes one call of the row maps */
static inline u64 bench_row_len(const struct bench_row *row)
{
	return (u64)row->count << row->pgsz_lg2;
}

/* The IOVA of call @i of a batch of row @row */
static inline unsigned long bench_row_iova(unsigned int row, unsigned int i)
{
	return ((unsigned long)row << BENCH_WINDOW_LG2) +
	       i * 2 * bench_row_len(&bench_rows[row]);
}

/*
 * The physical address everything at @iova is mapped to, for pages of
 * @pgsz: an odd multiple of the page size when @iova is aligned to twice it
 */
static inline phys_addr_t bench_pa(unsigned long iova, u64 pgsz)
{
	return ((phys_addr_t)1 << 40) + iova + pgsz;
}

/* Its physical address: an odd multiple of the page size */
static inline phys_addr_t bench_row_paddr(unsigned int row, unsigned int i)
{
	return bench_pa(bench_row_iova(row, i),
			(u64)1 << bench_rows[row].pgsz_lg2);
}

#define BENCH_PROT (IOMMU_READ | IOMMU_WRITE)

/* iova_to_phys: random IOVAs (4K-aligned or not) inside the 1 GiB row */
#define BENCH_LOOKUPS 1024

static inline void bench_lookups_fill(unsigned long *lookups)
{
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 42);
	for (i = 0; i != BENCH_LOOKUPS; i++)
		lookups[i] = bench_row_iova(BENCH_ROW_1G_4K, 0) +
			     (prandom_u32_state(&rnd) % SZ_1G);
}

/* What the lookups must add up to, from the rows' address rule */
static inline phys_addr_t bench_lookups_want(const unsigned long *lookups)
{
	unsigned long base = bench_row_iova(BENCH_ROW_1G_4K, 0);
	phys_addr_t want = 0;
	unsigned int i;

	for (i = 0; i != BENCH_LOOKUPS; i++)
		want += bench_row_paddr(BENCH_ROW_1G_4K, 0) +
			(lookups[i] - base);
	return want;
}

/* Table entries a call of the row writes: the floor's memset64() length */
static inline size_t bench_row_entries(const struct bench_row *row)
{
	return (size_t)row->count << (row->pgsz_lg2 - row->leaf_lg2);
}

/*
 * read_and_clear_dirty rows (see kunit/bench/bench.c): 1 GiB mapped as 4K
 * or as 2M leaves at an odd multiple of the page size, on tables of their
 * own, with every leaf dirty or none; one read of the whole range.
 */
struct bench_dirty_row {
	struct bench_row row;
	bool all;
};

static const struct bench_dirty_row bench_dirty_rows[] = {
	{ { "1G in 4K all dirty", 12, 262144, 1, 12 }, true },
	{ { "1G in 4K none dirty", 12, 262144, 1, 12 }, false },
	{ { "1G in 2M all dirty", 21, 512, 1, 21 }, true },
	{ { "1G in 2M none dirty", 21, 512, 1, 21 }, false },
};

/* Where a dirty row is mapped, one row at a time: 1G-aligned */
#define BENCH_DIRTY_IOVA SZ_4G

/* iopt_clear_dirty_data(): read and clear [iova, iova + len), untimed */
static inline int bench_dirty_clear(struct bench_side *s, unsigned long iova,
				    u64 len)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	int ret;

	iommu_dirty_bitmap_init(&dirty, NULL, &gather);
	ret = s->read_and_clear_dirty(s, iova, len, 0, &dirty);
	s->iotlb_sync(s, &gather);
	return ret;
}

/* Bytes a side reports for [iova, iova + len), one leaf of @pgsz a read */
static inline u64 bench_dirty_reported(struct bench_side *s,
				       unsigned long iova, u64 len, u64 pgsz)
{
	struct iommu_iotlb_gather gather;
	struct iommu_dirty_bitmap dirty;
	u64 off, bytes = 0;

	for (off = 0; off < len; off += pgsz) {
		iommu_dirty_bitmap_init(&dirty, NULL, &gather);
		if (s->read_and_clear_dirty(s, iova + off, pgsz,
					    IOMMU_DIRTY_NO_CLEAR, &dirty))
			return U64_MAX;
		if (gather.end >= gather.start)
			bytes += gather.end - gather.start + 1;
	}
	return bytes;
}

/*
 * The walker's dirty state, set and counted in table memory with decoders
 * written from the specifications (not either side's code), for both sides.
 *
 * ARM stage 1, 4K granule, hardware management of the dirty state (SMMUv3
 * HTTU with CD.HD): a leaf with DBM (bit 51) is writable, and clean while
 * AP[2] (bit 7) is set; the first DMA write through it clears AP[2]. Below
 * a table of lookup level @lvl, with @set, every DBM leaf (a page, bits 1:0
 * 0b11 at level 3, or a block, 0b01 at levels 1 and 2) is made dirty.
 *
 * Return: bytes mapped by dirty leaves (DBM set, AP[2] clear).
 */
#define BENCH_ARM_AP_RDONLY BIT_ULL(7)
#define BENCH_ARM_DBM BIT_ULL(51)

static inline u64 bench_arm_dirty(u64 *table, unsigned int lvl, bool set)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i != 512; i++) {
		u64 d = READ_ONCE(table[i]);
		bool leaf = lvl == 3 ? (d & 3) == 3 : lvl && (d & 3) == 1;

		if (lvl != 3 && (d & 3) == 3) {
			bytes += bench_arm_dirty(phys_to_virt(d & GENMASK_ULL(47, 12)),
						 lvl + 1, set);
			continue;
		}
		if (!leaf || !(d & BENCH_ARM_DBM))
			continue;
		if (set && (d & BENCH_ARM_AP_RDONLY)) {
			d &= ~BENCH_ARM_AP_RDONLY;
			WRITE_ONCE(table[i], d);
		}
		if (!(d & BENCH_ARM_AP_RDONLY))
			bytes += SZ_4K * (1ULL << (9 * (3 - lvl)));
	}
	return bytes;
}

/*
 * AMD IOMMU v1 with host dirty tracking (DTE.HAD): a DMA write through a
 * PTE sets its D bit (bit 6). Below a table of level @hw_level (1 to 6),
 * with @set, every writable leaf (present, bit 0; Next Level, bits 11:9, 0
 * or 7; IW, bit 62) gets D, each PTE of a large page's replicated run too.
 * Tables are entries with Next Level 1 to 6, at bits 51:12.
 *
 * Return: bytes mapped by the leaf PTEs with D set, each counting the span
 * of its own slot (so a replicated run counts whole when all of it is D).
 */
#define BENCH_AMD_PTE_D BIT_ULL(6)
#define BENCH_AMD_PTE_IW BIT_ULL(62)

static inline u64 bench_amd_dirty(u64 *table, unsigned int hw_level, bool set)
{
	u64 slot = SZ_4K * (1ULL << (9 * (hw_level - 1)));
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i != 512; i++) {
		u64 e = READ_ONCE(table[i]);
		unsigned int nl = (e >> 9) & 7;

		if (!(e & 1))
			continue;
		if (nl != 0 && nl != 7) {
			if (nl < hw_level)
				bytes += bench_amd_dirty(phys_to_virt(e & GENMASK_ULL(51, 12)),
							 nl, set);
			continue;
		}
		if (set && (e & BENCH_AMD_PTE_IW) && !(e & BENCH_AMD_PTE_D)) {
			e |= BENCH_AMD_PTE_D;
			WRITE_ONCE(table[i], e);
		}
		if (e & BENCH_AMD_PTE_D)
			bytes += slot;
	}
	return bytes;
}

#endif

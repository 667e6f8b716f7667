// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD IOMMU v1 page table of the kernel tree the project is built in,
 * drivers/iommu/amd/io_pgtable.c, compiled into the benchmark as the
 * reference the AMD v1 format is compared with (AMD_IOMMU itself cannot be
 * enabled on UML). It is set up as the 6.12 AMD driver sets up a v1 domain,
 * and driven through the same glue as the driver's iommu_domain_ops.
 */
/* __sme_set(), which amd_iommu.h gets through the x86 headers only */
#include <linux/mem_encrypt.h>

#include "../../../amd/io_pgtable.c"

#include "amd_v612.h"

/*
 * The driver state and hooks io_pgtable.c uses. The benchmark has no IOMMU:
 * the flushes and the device table update have nothing to do.
 */
unsigned long amd_iommu_pgsize_bitmap = AMD_IOMMU_PGSIZES;

void amd_iommu_domain_flush_pages(struct protection_domain *domain,
				  u64 address, size_t size)
{
}

void amd_iommu_update_and_flush_device_table(struct protection_domain *domain)
{
}

static struct protection_domain *bench_amd_pdom(struct bench_side *side)
{
	return side->priv;
}

/* amd_iommu_map_pages(): IOMMU prot to the AMD driver's prot */
static int bench_amd_map_pages(struct bench_side *side, unsigned long iova,
			       phys_addr_t paddr, size_t pgsize,
			       size_t pgcount, int iommu_prot, gfp_t gfp,
			       size_t *mapped)
{
	struct io_pgtable_ops *ops = &bench_amd_pdom(side)->iop.pgtbl.ops;
	int prot = 0;

	if (iommu_prot & IOMMU_READ)
		prot |= IOMMU_PROT_IR;
	if (iommu_prot & IOMMU_WRITE)
		prot |= IOMMU_PROT_IW;
	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, gfp,
			      mapped);
}

/* amd_iommu_unmap_pages(): the page table, then the gathered range */
static size_t bench_amd_unmap_pages(struct bench_side *side,
				    unsigned long iova, size_t pgsize,
				    size_t pgcount,
				    struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = &bench_amd_pdom(side)->iop.pgtbl.ops;
	size_t r;

	r = ops->unmap_pages(ops, iova, pgsize, pgcount, NULL);
	if (r)
		iommu_iotlb_gather_add_range(gather, iova, r);
	return r;
}

static phys_addr_t bench_amd_iova_to_phys(struct bench_side *side,
					  unsigned long iova)
{
	struct io_pgtable_ops *ops = &bench_amd_pdom(side)->iop.pgtbl.ops;

	return ops->iova_to_phys(ops, iova);
}

/*
 * amd_iommu_read_and_clear_dirty(): a record into an iova_bitmap needs
 * dirty tracking turned on in the domain (under its lock), then the page
 * table's own walk
 */
static int bench_amd_read_and_clear_dirty(struct bench_side *side,
					  unsigned long iova, size_t size,
					  unsigned long flags,
					  struct iommu_dirty_bitmap *dirty)
{
	struct protection_domain *pdom = bench_amd_pdom(side);
	struct io_pgtable_ops *ops = &pdom->iop.pgtbl.ops;
	unsigned long lflags;
	bool off;

	if (!ops->read_and_clear_dirty)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&pdom->lock, lflags);
	off = !pdom->dirty_tracking && dirty->bitmap;
	spin_unlock_irqrestore(&pdom->lock, lflags);
	if (off)
		return -EINVAL;
	return ops->read_and_clear_dirty(ops, iova, size, flags, dirty);
}

/*
 * protection_domain_alloc() for an IOMMU_DOMAIN_UNMANAGED domain: a v1 table
 * through the io-pgtable allocation (alloc_io_pgtable_ops() finds no AMD
 * entry in its table without AMD_IOMMU, so its steps are done here), then
 * the domain's page size bitmap from the table's configuration.
 */
int bench_amd_v612_init(struct bench_side *side)
{
	struct protection_domain *pdom;
	struct io_pgtable *iop;

	pdom = kzalloc(sizeof(*pdom), GFP_KERNEL);
	if (!pdom)
		return -ENOMEM;
	spin_lock_init(&pdom->lock);
	INIT_LIST_HEAD(&pdom->dev_list);
	INIT_LIST_HEAD(&pdom->dev_data_list);
	pdom->iop.pgtbl.cfg.amd.nid = NUMA_NO_NODE;
	pdom->pd_mode = PD_MODE_V1;
	/* As amd_iommu_set_dirty_tracking() leaves it once iommufd turned it on */
	pdom->dirty_tracking = true;

	iop = io_pgtable_amd_iommu_v1_init_fns.alloc(&pdom->iop.pgtbl.cfg,
						      pdom);
	if (!iop) {
		kfree(pdom);
		return -ENOMEM;
	}
	iop->fmt = AMD_IOMMU_V1;
	iop->cookie = pdom;
	pdom->domain.pgsize_bitmap = pdom->iop.pgtbl.cfg.pgsize_bitmap;

	side->name = "theirs";
	side->priv = pdom;
	side->pgsize_bitmap = pdom->domain.pgsize_bitmap;
	side->map_pages = bench_amd_map_pages;
	side->unmap_pages = bench_amd_unmap_pages;
	side->iova_to_phys = bench_amd_iova_to_phys;
	side->iotlb_sync = bench_iotlb_sync;
	side->read_and_clear_dirty = bench_amd_read_and_clear_dirty;
	return 0;
}

void bench_amd_v612_deinit(struct bench_side *side)
{
	struct protection_domain *pdom = bench_amd_pdom(side);

	io_pgtable_amd_iommu_v1_init_fns.free(&pdom->iop.pgtbl);
	kfree(pdom);
}

/*
 * Count the tables below one of level @hw_level (1 to 6) by decoding the
 * entries from the AMD IOMMU specification, not with io_pgtable.c: present
 * (bit 0) with a Next Level (bits 11:9) of 1 to 6 points at a table, whose
 * address is bits 51:12.
 */
size_t bench_amd_count_tables(const u64 *table, unsigned int hw_level)
{
	size_t n = 1;
	unsigned int i;

	if (hw_level == 1)
		return n;
	for (i = 0; i != 512; i++) {
		u64 e = READ_ONCE(table[i]);
		unsigned int nl = (e >> 9) & 7;

		if (!(e & 1) || nl == 0 || nl == 7)
			continue;
		n += bench_amd_count_tables(phys_to_virt(e & GENMASK_ULL(51, 12)),
					    nl);
	}
	return n;
}

/* Bytes of table memory reachable from the root (tables are 4K) */
size_t bench_amd_v612_table_bytes(struct bench_side *side)
{
	struct amd_io_pgtable *pgtable = &bench_amd_pdom(side)->iop;

	return bench_amd_count_tables(pgtable->root, pgtable->mode) * SZ_4K;
}

/*
 * Dirty bytes of the table, every writable leaf made dirty first if @set
 * (bench_amd_dirty())
 */
u64 bench_amd_v612_dirty(struct bench_side *side, bool set)
{
	struct amd_io_pgtable *pgtable = &bench_amd_pdom(side)->iop;

	return bench_amd_dirty(pgtable->root, pgtable->mode, set);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Our side of the benchmark, shared by the kernel (kunit/bench/bench.c) and the
 * user-space (user/bench/bench_user.c) builds: an armv8_4k or amdv1 table
 * set up as a driver would, called through its struct iommu_domain_ops.
 */
#ifndef __GENERIC_PT_KUNIT_BENCH_OURS_H
#define __GENERIC_PT_KUNIT_BENCH_OURS_H

#include <linux/generic_pt/iommu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "../../../iommu-pages.h"
#include "bench.h"

/* Our table, as a driver embeds it */
struct bench_ours {
	union {
		struct pt_iommu iommu;
		struct pt_iommu_armv8 armv8;
		struct pt_iommu_amdv1 amdv1;
	};
	const struct iommu_domain_ops *ops;
	spinlock_t top_lock; /* the driver's lock for change_top */
};

static inline struct bench_ours *bench_ours(struct bench_side *side)
{
	return side->priv;
}

static inline int bench_ours_map_pages(struct bench_side *side, unsigned long iova,
				       phys_addr_t paddr, size_t pgsize,
				       size_t pgcount, int prot, gfp_t gfp,
				       size_t *mapped)
{
	struct bench_ours *ours = bench_ours(side);

	return ours->ops->map_pages(&ours->iommu.domain, iova, paddr, pgsize,
				    pgcount, prot, gfp, mapped);
}

static inline size_t bench_ours_unmap_pages(struct bench_side *side,
					    unsigned long iova, size_t pgsize,
					    size_t pgcount,
					    struct iommu_iotlb_gather *gather)
{
	struct bench_ours *ours = bench_ours(side);

	return ours->ops->unmap_pages(&ours->iommu.domain, iova, pgsize,
				      pgcount, gather);
}

static inline phys_addr_t bench_ours_iova_to_phys(struct bench_side *side,
						  unsigned long iova)
{
	struct bench_ours *ours = bench_ours(side);

	return ours->ops->iova_to_phys(&ours->iommu.domain, iova);
}

/* What the core calls through the dirty_ops of a domain that tracks dirt */
static inline int bench_ours_read_and_clear_dirty(struct bench_side *side,
						  unsigned long iova,
						  size_t size,
						  unsigned long flags,
						  struct iommu_dirty_bitmap *dirty)
{
	struct iommu_domain *domain = &bench_ours(side)->iommu.domain;

	if (!domain->dirty_ops)
		return -EOPNOTSUPP;
	return domain->dirty_ops->read_and_clear_dirty(domain, iova, size,
						       flags, dirty);
}

static inline void bench_ours_change_top(struct pt_iommu *iommu_table,
					 phys_addr_t top_paddr, unsigned int top_level)
{
}

static inline spinlock_t *bench_ours_get_top_lock(struct pt_iommu *iommu_table)
{
	return &container_of(iommu_table, struct bench_ours, iommu)->top_lock;
}

static const struct pt_iommu_driver_ops bench_ours_driver_ops = {
	.change_top = bench_ours_change_top,
	.get_top_lock = bench_ours_get_top_lock,
};

static const struct iommu_domain_ops bench_armv8_4k_ops = {
	IOMMU_PT_DOMAIN_OPS(armv8_4k),
};

static const struct iommu_domain_ops bench_amdv1_ops = {
	IOMMU_PT_DOMAIN_OPS(amdv1),
};

/* A driver's dirty_ops, on domains allocated with dirty tracking */
static const struct iommu_dirty_ops bench_armv8_4k_dirty_ops = {
	IOMMU_PT_DIRTY_OPS(armv8_4k),
};

static const struct iommu_dirty_ops bench_amdv1_dirty_ops = {
	IOMMU_PT_DIRTY_OPS(amdv1),
};

/*
 * Our table as a driver would set it up: coherent walker, 48 or 64 bits.
 * With @dirty, as for a domain allocated with dirty tracking
 * (IOMMU_HWPT_ALLOC_DIRTY_TRACKING): ARM gets PT_FEAT_ARMV8_DBM (the SMMU's
 * HTTU with CD.HD), and both get the dirty_ops.
 */
static inline int bench_ours_init_cfg(struct bench_side *side, bool amd,
				      bool dirty)
{
	struct bench_ours *ours;
	int ret;

	ours = kzalloc(sizeof(*ours), GFP_KERNEL);
	if (!ours)
		return -ENOMEM;
	spin_lock_init(&ours->top_lock);
	if (amd) {
		/* Like the 6.12 driver: 3 levels to start with, growing */
		struct pt_iommu_amdv1_cfg cfg = {
			.common.max_vasz_lg2 = 64,
			.common.max_oasz_lg2 = 52,
			.common.features = BIT(PT_FEAT_DYNAMIC_TOP),
			.starting_level = 3,
		};

		ours->ops = &bench_amdv1_ops;
		ours->amdv1.iommu.driver_ops = &bench_ours_driver_ops;
		ours->amdv1.iommu.nid = NUMA_NO_NODE;
		ret = pt_iommu_amdv1_init(&ours->amdv1, &cfg, GFP_KERNEL);
	} else {
		/*
		 * An SMMU with BBML2, so that the cut rows can split blocks;
		 * map and unmap do not depend on it
		 */
		struct pt_iommu_armv8_cfg cfg = {
			.common.max_vasz_lg2 = 48,
			.common.max_oasz_lg2 = 48,
			.common.features = BIT(PT_FEAT_ARMV8_BBML2) |
					   (dirty ? BIT(PT_FEAT_ARMV8_DBM) : 0),
		};

		ours->ops = &bench_armv8_4k_ops;
		ours->armv8.iommu.nid = NUMA_NO_NODE;
		ret = pt_iommu_armv8_4k_init(&ours->armv8, &cfg, GFP_KERNEL);
	}
	if (ret) {
		kfree(ours);
		return ret;
	}
	side->name = "ours";
	side->priv = ours;
	side->pgsize_bitmap = ours->iommu.domain.pgsize_bitmap;
	side->map_pages = bench_ours_map_pages;
	side->unmap_pages = bench_ours_unmap_pages;
	side->iova_to_phys = bench_ours_iova_to_phys;
	side->iotlb_sync = bench_iotlb_sync;
	side->read_and_clear_dirty = bench_ours_read_and_clear_dirty;
	if (dirty)
		ours->iommu.domain.dirty_ops = amd ? &bench_amdv1_dirty_ops :
						     &bench_armv8_4k_dirty_ops;
	return 0;
}

static inline int bench_ours_init(struct bench_side *side, bool amd)
{
	return bench_ours_init_cfg(side, amd, false);
}

/* Dirty bytes of our table from its root (bench_arm_dirty()) */
static inline u64 bench_ours_arm_dirty(struct bench_side *side, bool set)
{
	struct pt_iommu_armv8_hw_info info;

	pt_iommu_armv8_4k_hw_info(&bench_ours(side)->armv8, &info);
	return bench_arm_dirty(phys_to_virt(info.ttbr & GENMASK_ULL(47, 12)), 0,
			       set);
}

static inline u64 bench_ours_amd_dirty(struct bench_side *side, bool set)
{
	struct pt_iommu_amdv1_hw_info info;

	pt_iommu_amdv1_hw_info(&bench_ours(side)->amdv1, &info);
	return bench_amd_dirty(phys_to_virt(info.host_pt_root), info.mode, set);
}

static inline void bench_ours_deinit(struct bench_side *side, bool amd)
{
	struct bench_ours *ours = bench_ours(side);

	if (amd)
		pt_iommu_amdv1_deinit(&ours->iommu);
	else
		pt_iommu_armv8_4k_deinit(&ours->iommu);
	kfree(ours);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: the driver path, templated per format.
 *
 * A minimal IOMMU driver domain: its struct iommu_domain_ops come from
 * IOMMU_PT_DOMAIN_OPS() plus an iotlb_sync that frees the tables on the
 * gather list after the (pretend) flush, and a free. In the kernel it is
 * driven through the real iommu core, iommu_map(), iommu_unmap() and
 * iommu_iova_to_phys(). User space has no iommu core, so there the test
 * calls the domain ops the way the core does, one call each.
 */
#ifndef __GENERIC_PT_KUNIT_DRIVER_H
#define __GENERIC_PT_KUNIT_DRIVER_H

struct kpt_drv {
	struct KPT_TABLE table;
	struct pt_iommu_test_hooks hooks;
	unsigned int syncs;
	unsigned int freed_tables;
	unsigned int frees;
};

static struct kpt_drv *kpt_drv_of(struct iommu_domain *domain)
{
	return container_of(domain, struct kpt_drv, table.iommu.domain);
}

static void kpt_drv_iotlb_sync(struct iommu_domain *domain,
			       struct iommu_iotlb_gather *gather)
{
	struct kpt_drv *drv = kpt_drv_of(domain);
	unsigned int n = kpt_count_list(&gather->freelist);

	/* A real driver flushes gather->start..end here, then frees */
	drv->syncs++;
	drv->freed_tables += n;
	atomic_sub(n, &drv->hooks.tables);
	iommu_put_pages_list(&gather->freelist);
}

static void kpt_drv_free(struct iommu_domain *domain)
{
	struct kpt_drv *drv = kpt_drv_of(domain);

	KPT_OP(deinit)(&drv->table.iommu);
	drv->frees++;
}

/* Expands PT_FMT before IOMMU_PT_DOMAIN_OPS() pastes it */
#define KPT_DOMAIN_OPS(fmt) IOMMU_PT_DOMAIN_OPS(fmt)

static const struct iommu_domain_ops kpt_drv_ops = {
	KPT_DOMAIN_OPS(PT_FMT),
	.iotlb_sync = kpt_drv_iotlb_sync,
	.free = kpt_drv_free,
};

#ifdef __KERNEL__
static int kpt_drv_map(struct iommu_domain *domain, u64 iova, u64 pa,
		       u64 len, int prot)
{
	return iommu_map(domain, iova, pa, len, prot, GFP_KERNEL);
}

static size_t kpt_drv_unmap(struct iommu_domain *domain, u64 iova, u64 len)
{
	return iommu_unmap(domain, iova, len);
}

static phys_addr_t kpt_drv_phys(struct iommu_domain *domain, u64 iova)
{
	return iommu_iova_to_phys(domain, iova);
}

static void kpt_drv_domain_free(struct iommu_domain *domain)
{
	iommu_domain_free(domain);
}
#else
/* No iommu core in user space: one call of each op, as the core makes */
static int kpt_drv_map(struct iommu_domain *domain, u64 iova, u64 pa,
		       u64 len, int prot)
{
	u64 pgsize = domain->pgsize_bitmap & -domain->pgsize_bitmap;
	size_t mapped = 0;
	int ret;

	ret = domain->ops->map_pages(domain, iova, pa, pgsize, kpt_div(len, pgsize),
				     prot, GFP_KERNEL, &mapped);
	return ret;
}

static size_t kpt_drv_unmap(struct iommu_domain *domain, u64 iova, u64 len)
{
	u64 pgsize = domain->pgsize_bitmap & -domain->pgsize_bitmap;
	struct iommu_iotlb_gather gather;
	size_t unmapped;

	iommu_iotlb_gather_init(&gather);
	unmapped = domain->ops->unmap_pages(domain, iova, pgsize,
					    kpt_div(len, pgsize), &gather);
	domain->ops->iotlb_sync(domain, &gather);
	return unmapped;
}

static phys_addr_t kpt_drv_phys(struct iommu_domain *domain, u64 iova)
{
	return domain->ops->iova_to_phys(domain, iova);
}

static void kpt_drv_domain_free(struct iommu_domain *domain)
{
	domain->ops->free(domain);
}
#endif

/* A driver's domain on a table of @cfg (no dynamic top: no driver ops) */
static struct kpt_drv *kpt_drv_new(struct kunit *test,
				   const struct kpt_cfg *cfg)
{
	struct iommu_domain *domain;
	struct kpt_drv *drv;

	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, drv);
	drv->table.iommu.test = &drv->hooks;
	drv->hooks.sme_mask = cfg->sme_mask;
	domain = &drv->table.iommu.domain;
	domain->type = IOMMU_DOMAIN_UNMANAGED;
	domain->ops = &kpt_drv_ops;
	if (kpt_fmt_init(&drv->table, cfg, NULL)) {
		kfree(drv);
		KUNIT_FAIL_AND_ABORT(test, "%s: init", cfg->name);
	}
	KUNIT_EXPECT_EQ(test, (u64)domain->pgsize_bitmap,
			kpt_ref_pgsize_bitmap(cfg));
	return drv;
}

/*
 * Map, translate and unmap through the core; the leaves are those of the
 * greedy decomposition, the core's iotlb_sync frees the emptied tables and
 * freeing the domain frees the rest.
 */
static void kpt_drv_test_core(struct kunit *test)
{
	const struct kpt_cfg *cfg = &kpt_cfgs[0];
	struct kpt_range ranges[KPT_MAX_RANGES];
	unsigned int n;
	struct iommu_domain *domain;
	struct kpt_walk walk;
	struct kpt_drv *drv;
	unsigned int i, s;
	u64 top_item;

	/* The ranges of kpt_ranges() and the top item need 64 bits */
	if (BITS_PER_LONG < 64)
		kunit_skip(test, "needs 64-bit IOVAs");
	n = kpt_ranges(cfg, ranges);
	drv = kpt_drv_new(test, cfg);
	domain = &drv->table.iommu.domain;

	for (i = 0; i != n; i++) {
		const struct kpt_range *r = &ranges[i];
		unsigned int expect[64] = {};
		unsigned int before = atomic_read(&drv->hooks.tables);

		KUNIT_EXPECT_EQ_MSG(test,
				    kpt_drv_map(domain, r->va, r->pa, r->len,
						IOMMU_READ | IOMMU_WRITE),
				    0, "range %u", i);
		/* An overlapping map fails and the core undoes nothing else */
		KUNIT_EXPECT_EQ(test,
				kpt_drv_map(domain,
					    (r->va + r->len / 2) &
						    ~(KPT_SZ_4K - 1),
					    KPT_SZ_4K, 2 * KPT_SZ_4K,
					    IOMMU_READ),
				-EADDRINUSE);

		memset(&walk, 0, sizeof(walk));
		kpt_walk_table_of(test, cfg, &drv->table, &walk);
		kpt_greedy(cfg, r->va, r->pa, r->len, expect, NULL, NULL);
		for (s = 0; s != 64; s++)
			KUNIT_EXPECT_EQ_MSG(test, walk.by_size[s], expect[s],
					    "range %u: leaves of size_lg2 %u",
					    i, s);
		KUNIT_EXPECT_EQ(test, kpt_drv_phys(domain, r->va + r->len - 1),
				r->pa + r->len - 1);
		KUNIT_EXPECT_EQ(test, kpt_drv_phys(domain, r->va + r->len / 2),
				r->pa + r->len / 2);

		KUNIT_EXPECT_EQ_MSG(test, kpt_drv_unmap(domain, r->va, r->len),
				    r->len, "range %u", i);
		KUNIT_EXPECT_EQ(test, kpt_drv_phys(domain, r->va + r->len / 2),
				0);
		KUNIT_EXPECT_GE(test, atomic_read(&drv->hooks.tables), 1);
		KUNIT_EXPECT_LE(test, atomic_read(&drv->hooks.tables),
				before + 6 * KPT_REF_MAX_LEVEL);
	}
	KUNIT_EXPECT_GT(test, drv->syncs, 0);

	/*
	 * Unmapping the top items from the first to the last the range lies
	 * in frees every table below (one item, but where top items are
	 * small: ARMv7s' 1M, DART's 32M). From IOVA 0, so that the iommu
	 * core unmaps it in one call of the largest page size: from an item
	 * inside, it would take smaller pages up to a 16M boundary and stop
	 * at the first hole
	 */
	KUNIT_EXPECT_EQ(test,
			kpt_drv_map(domain, ranges[0].va, ranges[0].pa,
				    ranges[0].len, IOMMU_READ),
			0);
	top_item = round_up(ranges[0].va + ranges[0].len,
			    BIT_ULL(kpt_ref_item_lg2(kpt_ref_levels(cfg) - 1)));
	KUNIT_EXPECT_EQ(test, kpt_drv_unmap(domain, 0, top_item),
			ranges[0].len);
	memset(&walk, 0, sizeof(walk));
	kpt_walk_table_of(test, cfg, &drv->table, &walk);
	KUNIT_EXPECT_GT(test, drv->freed_tables, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&drv->hooks.tables), walk.ntables);

	/* Freeing the domain frees what is left */
	KUNIT_EXPECT_EQ(test,
			kpt_drv_map(domain, ranges[0].va, ranges[0].pa,
				    ranges[0].len, IOMMU_READ),
			0);
	kpt_drv_domain_free(domain);
	KUNIT_EXPECT_EQ(test, drv->frees, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&drv->hooks.tables), 0);
	kfree(drv);
}

/*
 * The iommu API names an IOVA with an unsigned long and a length with a
 * size_t, while a table translates up to 57 bits and a 64-bit phys_addr_t
 * reaches beyond 4G, on a 32-bit kernel too (ARM LPAE). The page sizes fit
 * in the aperture, which ends at ULONG_MAX at the latest; its last page maps
 * to the last page of the output space and translates back whole. A range
 * past the aperture's end is refused: -EOVERFLOW where that end is ULONG_MAX
 * (every table on a 32-bit kernel), -ERANGE where it is the table's; so is
 * one longer than SIZE_MAX (-EOVERFLOW, and an unmap of it unmaps nothing).
 * An IOVA past the aperture (a dma_addr_t above 4G on a 32-bit kernel)
 * translates to nothing and cannot be cut. What is refused leaves the table
 * as it was.
 */
static void kpt_drv_test_iova_type(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		struct iommu_iotlb_gather gather;
		struct iommu_domain *domain;
		struct kpt_walk walk = {};
		u64 end, pgsize, va, pa;
		struct kpt_drv *drv;
		size_t mapped = 0;
		int err;

		/* A dynamic top needs driver ops; SME bits sit in the OA */
		if (cfg->dyn_start_levels || cfg->sme_mask)
			continue;
		drv = kpt_drv_new(test, cfg);
		domain = &drv->table.iommu.domain;
		end = domain->geometry.aperture_end;
		pgsize = domain->pgsize_bitmap & -domain->pgsize_bitmap;
		KUNIT_EXPECT_LE_MSG(test, end, (u64)ULONG_MAX, "%s", cfg->name);
		KUNIT_EXPECT_LE_MSG(test,
				    BIT_ULL(__fls(domain->pgsize_bitmap)) - 1,
				    end, "%s: largest page", cfg->name);
		va = end - pgsize + 1;
		pa = min_t(u64, kpt_max(cfg->oasz_lg2), (phys_addr_t)-1) &
		     ~(pgsize - 1);
		err = end == ULONG_MAX ? -EOVERFLOW : -ERANGE;

		KUNIT_EXPECT_EQ_MSG(test,
				    kpt_drv_map(domain, va, 0, 2 * pgsize,
						IOMMU_READ),
				    err, "%s: map past %llx", cfg->name, end);
		KUNIT_EXPECT_EQ_MSG(test,
				    domain->ops->map_pages(domain, 0, 0, pgsize,
							   kpt_div(SIZE_MAX, pgsize) + 1,
							   IOMMU_READ,
							   GFP_KERNEL, &mapped),
				    -EOVERFLOW, "%s: map of SIZE_MAX + 1",
				    cfg->name);
		KUNIT_EXPECT_EQ(test, mapped, 0);
		if (end < (dma_addr_t)-1) {
			KUNIT_EXPECT_EQ_MSG(test, kpt_drv_phys(domain, end + 1),
					    0, "%s", cfg->name);
			KUNIT_EXPECT_EQ_MSG(test,
					    KPT_OP(cut_mapping)(&drv->table.iommu,
								end + 1,
								GFP_KERNEL),
					    -ERANGE, "%s: cut past %llx",
					    cfg->name, end);
		}
		kpt_walk_table_of(test, cfg, &drv->table, &walk);
		KUNIT_EXPECT_EQ_MSG(test, walk.nleaves, 0, "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, atomic_read(&drv->hooks.tables), 1);

		/* The last page of the aperture, above 4G in the output */
		KUNIT_EXPECT_EQ_MSG(test,
				    kpt_drv_map(domain, va, pa, pgsize,
						IOMMU_READ | IOMMU_WRITE),
				    0, "%s: map %llx to %llx", cfg->name, va,
				    pa);
		KUNIT_EXPECT_EQ_MSG(test, (u64)kpt_drv_phys(domain, end),
				    pa + pgsize - 1, "%s", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, kpt_drv_unmap(domain, va, 2 * pgsize),
				    0, "%s: unmap past %llx", cfg->name, end);
		iommu_iotlb_gather_init(&gather);
		KUNIT_EXPECT_EQ(test,
				domain->ops->unmap_pages(domain, 0, pgsize,
							 kpt_div(SIZE_MAX, pgsize) + 1,
							 &gather),
				0);
		KUNIT_EXPECT_EQ(test, (u64)kpt_drv_phys(domain, va), pa);
		KUNIT_EXPECT_EQ_MSG(test, kpt_drv_unmap(domain, va, pgsize),
				    pgsize, "%s", cfg->name);
		KUNIT_EXPECT_EQ(test, kpt_drv_phys(domain, end), 0);

		kpt_drv_domain_free(domain);
		KUNIT_EXPECT_EQ(test, atomic_read(&drv->hooks.tables), 0);
		kfree(drv);
	}
}

static struct kunit_case kpt_driver_cases[] = {
	KUNIT_CASE(kpt_drv_test_core),
	KUNIT_CASE(kpt_drv_test_iova_type),
	{}
};

static struct kunit_suite kpt_driver_suite = {
	.name = KPT_SUITE_NAME("driver"),
	.test_cases = kpt_driver_cases,
};

#endif

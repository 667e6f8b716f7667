/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: drivers/iommu/iommu-pages.h of Linux 6.12, the page
 * allocator IOMMU page tables use. The sources reach it as
 * "../iommu-pages.h" through the drivers/iommu/ layout user/Makefile
 * creates in the build directory.
 */
#ifndef __USER_IOMMU_PAGES_H
#define __USER_IOMMU_PAGES_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>

/* The kernel keeps page statistics here; user space has none to keep */
static inline void __iommu_alloc_account(struct page *page, int order)
{
}

static inline void __iommu_free_account(struct page *page, int order)
{
}

static inline struct page *__iommu_alloc_pages(gfp_t gfp, int order)
{
	return alloc_pages(gfp | __GFP_ZERO, order);
}

static inline void __iommu_free_pages(struct page *page, int order)
{
	if (page)
		__free_pages(page, order);
}

static inline void *iommu_alloc_pages_node(int nid, gfp_t gfp, int order)
{
	struct page *page = alloc_pages_node(nid, gfp | __GFP_ZERO, order);

	return page ? page_address(page) : NULL;
}

static inline void *iommu_alloc_pages(gfp_t gfp, int order)
{
	return iommu_alloc_pages_node(NUMA_NO_NODE, gfp, order);
}

static inline void *iommu_alloc_page_node(int nid, gfp_t gfp)
{
	return iommu_alloc_pages_node(nid, gfp, 0);
}

static inline void *iommu_alloc_page(gfp_t gfp)
{
	return iommu_alloc_pages(gfp, 0);
}

static inline void iommu_free_pages(void *virt, int order)
{
	if (virt)
		__iommu_free_pages(virt_to_page(virt), order);
}

static inline void iommu_free_page(void *virt)
{
	iommu_free_pages(virt, 0);
}

/* Free every page queued on @page through struct page's lru */
static inline void iommu_put_pages_list(struct list_head *page)
{
	while (!list_empty(page)) {
		struct page *p = list_entry(page->prev, struct page, lru);

		list_del(&p->lru);
		put_page(p);
	}
}

#endif

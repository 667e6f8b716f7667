/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: pages.
 *
 * A page allocation is page-aligned malloc memory (so AddressSanitizer
 * tracks it). Like the kernel's memory map, every page address ever used
 * has one struct page for good, found by virt_to_page() through a table in
 * user/lib/mm.c, so comparing struct page pointers of freed tables works as
 * in the kernel. struct page keeps its address complemented: a page it
 * points to and that the code under test forgot to free is still reported
 * by LeakSanitizer.
 */
#ifndef __USER_LINUX_MM_H
#define __USER_LINUX_MM_H

#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/numa.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/io.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr) ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGN_DOWN(addr) ALIGN_DOWN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr) IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define MAX_PAGE_ORDER 10

/**
 * struct page - One page of memory
 * @lru: Free for the owner of the page, e.g. to queue it for freeing.
 * @private: Free for the owner of the page.
 * @addr_x: The address of the page, complemented.
 * @head: First page of the allocation the page belongs to, which holds
 *	@order and @refcount.
 * @order: log2 of the number of pages of the allocation.
 * @refcount: References to the allocation; it is freed at zero.
 */
struct page {
	struct list_head lru;
	unsigned long private;
	uintptr_t addr_x;
	struct page *head;
	unsigned int order;
	atomic_t refcount;
};

struct page *user_alloc_pages(gfp_t gfp, unsigned int order);
void user_put_page(struct page *page);
struct page *user_virt_to_page(const void *addr);
/* Number of page allocations not yet freed */
unsigned long user_pages_in_use(void);

static inline void *page_address(const struct page *page)
{
	return (void *)~page->addr_x;
}

static inline struct page *virt_to_page(const void *addr)
{
	return user_virt_to_page(addr);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return virt_to_phys(page_address(page));
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page_to_phys(page) >> PAGE_SHIFT;
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return virt_to_page(phys_to_virt((phys_addr_t)pfn << PAGE_SHIFT));
}

static inline unsigned long virt_to_pfn(const void *addr)
{
	return virt_to_phys(addr) >> PAGE_SHIFT;
}

static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return user_alloc_pages(gfp, order);
}

static inline struct page *alloc_pages_node(int nid, gfp_t gfp,
					    unsigned int order)
{
	return user_alloc_pages(gfp, order);
}

#define alloc_page(gfp) alloc_pages(gfp, 0)

static inline unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

#define __get_free_page(gfp) __get_free_pages(gfp, 0)
#define get_zeroed_page(gfp) __get_free_pages((gfp) | __GFP_ZERO, 0)

static inline void get_page(struct page *page)
{
	atomic_inc(&page->head->refcount);
}

static inline void put_page(struct page *page)
{
	user_put_page(page);
}

static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->head->refcount);
}

/* The order must be the one the pages were allocated with */
static inline void __free_pages(struct page *page, unsigned int order)
{
	WARN_ON(page->head != page || page->order != order);
	user_put_page(page);
}

#define __free_page(page) __free_pages(page, 0)

static inline void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

#define free_page(addr) free_pages(addr, 0)

static inline int numa_node_id(void)
{
	return 0;
}

#endif

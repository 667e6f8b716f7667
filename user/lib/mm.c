// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space compat: the page allocator and the memory map.
 *
 * The memory map is a hash table from page address to struct page. A struct
 * page is created the first time its address is allocated or looked up and
 * is never freed, so virt_to_page() works on any address, also after the
 * page was freed, and always returns the same struct page for it. The table
 * keeps the addresses complemented so LeakSanitizer does not count it as a
 * reference to the pages.
 *
 * Every allocation is mapped below 4G (user_low_map()), whatever its gfp:
 * physical addresses are the user-space virtual ones here, and a format
 * whose table entries hold fewer address bits than a user-space address has
 * must be able to point at its tables, as it can in a kernel whose memory is
 * low (the QEMU guests'). That serves both the formats with short table
 * pointers: Apple DART (36-bit addresses in v1 entries, allocated without a
 * zone flag) and ARMv7s (32-bit TTBR and table entries, allocated with
 * __GFP_DMA32, or __GFP_DMA without ZONE_DMA32, which ask for memory below
 * 4G and get it). The cost: a format that forgets its PT_TABLE_GFP is not
 * caught here (kpt_v7_test_tables_below_4g() passes either way). Pages
 * without a zone flag cannot go above 4G but below 2^36 instead: ASan's
 * shadow takes 2G to 16T on x86-64.
 * Each allocation is a mapping of its own, naturally aligned like the buddy
 * allocator's and unmapped when freed, so a use after free faults.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "user_internal.h"

struct user_page_slot {
	uintptr_t addr_x;	/* ~address, 0 for a free slot */
	struct page *page;
};

static pthread_mutex_t user_mm_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_page_slot *user_slots;
static size_t user_nslots;	/* a power of two */
static size_t user_nused;
static unsigned long user_allocations;

static size_t user_hash(uintptr_t addr, size_t nslots)
{
	u64 h = (u64)(addr >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (nslots - 1);
}

static void user_slot_insert(struct user_page_slot *slots, size_t nslots,
			     uintptr_t addr_x, struct page *page)
{
	size_t i = user_hash(~addr_x, nslots);

	while (slots[i].addr_x)
		i = (i + 1) & (nslots - 1);
	slots[i].addr_x = addr_x;
	slots[i].page = page;
}

static void *user_calloc_or_die(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		perror("calloc");
		abort();
	}
	return p;
}

static void user_slots_grow(void)
{
	size_t nslots = user_nslots ? user_nslots * 2 : 4096;
	struct user_page_slot *slots;
	size_t i;

	slots = user_calloc_or_die(nslots, sizeof(*slots));
	for (i = 0; i != user_nslots; i++)
		if (user_slots[i].addr_x)
			user_slot_insert(slots, nslots, user_slots[i].addr_x,
					 user_slots[i].page);
	free(user_slots);
	user_slots = slots;
	user_nslots = nslots;
}

/* The struct page of the page at @addr, created if needed; lock held */
static struct page *user_memmap(const void *addr)
{
	uintptr_t addr_x = ~((uintptr_t)addr & PAGE_MASK);
	struct page *page;
	size_t i;

	if (user_nslots) {
		for (i = user_hash(~addr_x, user_nslots); user_slots[i].addr_x;
		     i = (i + 1) & (user_nslots - 1))
			if (user_slots[i].addr_x == addr_x)
				return user_slots[i].page;
	}

	if ((user_nused + 1) * 2 > user_nslots)
		user_slots_grow();
	page = user_calloc_or_die(1, sizeof(*page));
	INIT_LIST_HEAD(&page->lru);
	page->addr_x = addr_x;
	page->head = page;
	user_slot_insert(user_slots, user_nslots, addr_x, page);
	user_nused++;
	return page;
}

/* Below 4G, where the kernel maps them with MAP_32BIT (x86-64), else a hint */
#ifdef MAP_32BIT
#define USER_LOW_FLAGS MAP_32BIT
#else
#define USER_LOW_FLAGS 0
#endif
#define USER_LOW_HINT ((void *)0x10000000UL)
#define USER_LOW_LIMIT BIT_ULL(32)

/*
 * @size bytes aligned to @size (a power of two) below USER_LOW_LIMIT, or
 * NULL: twice the size is mapped and what is outside the aligned part
 * unmapped again.
 */
static void *user_low_map(size_t size)
{
	size_t len = size > PAGE_SIZE ? 2 * size : size;
	uintptr_t start, aligned;
	void *mem;

	mem = mmap(USER_LOW_HINT, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | USER_LOW_FLAGS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	start = (uintptr_t)mem;
	if (start + len > USER_LOW_LIMIT) {
		munmap(mem, len);
		fprintf(stderr, "user_alloc_pages: no memory below 4G\n");
		return NULL;
	}
	aligned = (start + size - 1) & ~(uintptr_t)(size - 1);
	if (aligned != start)
		munmap(mem, aligned - start);
	if (aligned + size != start + len)
		munmap((void *)(aligned + size), start + len - aligned - size);
	return (void *)aligned;
}

struct page *user_alloc_pages(gfp_t gfp, unsigned int order)
{
	size_t npages = (size_t)1 << order;
	struct page *head;
	void *mem;
	size_t i;

	if (WARN_ON(order > MAX_PAGE_ORDER))
		return NULL;
	/* Naturally aligned, like the buddy allocator's (ARM 16K/64K tables) */
	mem = user_low_map(npages * PAGE_SIZE);
	if (!mem)
		return NULL;
	/* Pages the caller did not ask to be zeroed hold junk */
	memset(mem, (gfp & __GFP_ZERO) ? 0 : 0x5a, npages * PAGE_SIZE);

	pthread_mutex_lock(&user_mm_lock);
	head = user_memmap(mem);
	for (i = 0; i != npages; i++) {
		struct page *page = user_memmap((u8 *)mem + i * PAGE_SIZE);

		INIT_LIST_HEAD(&page->lru);
		page->private = 0;
		page->head = head;
		page->order = 0;
	}
	head->order = order;
	atomic_set(&head->refcount, 1);
	user_allocations++;
	pthread_mutex_unlock(&user_mm_lock);
	return head;
}

void user_put_page(struct page *page)
{
	struct page *head = page->head;
	int refs = atomic_dec_return(&head->refcount);
	size_t len;

	if (WARN(refs < 0, "put_page() of a free page at %p",
		 page_address(head))) {
		atomic_set(&head->refcount, 0);
		return;
	}
	if (refs)
		return;

	/*
	 * The size read under the lock: once unmapped, another thread may map
	 * the same address and set up its struct pages (under the lock)
	 */
	pthread_mutex_lock(&user_mm_lock);
	user_allocations--;
	len = PAGE_SIZE << head->order;
	pthread_mutex_unlock(&user_mm_lock);
	munmap(page_address(head), len);
}

struct page *user_virt_to_page(const void *addr)
{
	struct page *page;

	pthread_mutex_lock(&user_mm_lock);
	page = user_memmap(addr);
	pthread_mutex_unlock(&user_mm_lock);
	return page;
}

unsigned long user_pages_in_use(void)
{
	unsigned long ret;

	pthread_mutex_lock(&user_mm_lock);
	ret = user_allocations;
	pthread_mutex_unlock(&user_mm_lock);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the user-space compat layer itself.
 *
 * It exists only in the user-space build because what it checks exists only
 * there: the emulated page allocator and virt_to_page(), the byte order,
 * atomic, random and kthread helpers standing in for the kernel's, and that
 * the engine runs on them from several threads at once (the kernel suites
 * cover the engine itself in both builds).
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/generic_pt/iommu.h>
#include <linux/iommu.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <asm/byteorder.h>

#include <iommu-pages.h>

static void harness_test_pages(struct kunit *test)
{
	unsigned long in_use = user_pages_in_use();
	LIST_HEAD(freelist);
	u8 *a, *b;
	int i;

	a = iommu_alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 0);
	b = iommu_alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, user_pages_in_use(), in_use + 2);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(a));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(b));
	KUNIT_EXPECT_NULL(test, memchr_inv(a, 0, PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, memchr_inv(b, 0, 4 * PAGE_SIZE));

	/* Every page of an allocation has its struct page */
	KUNIT_EXPECT_PTR_EQ(test, page_address(virt_to_page(a)), (void *)a);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_page(a + 100), virt_to_page(a));
	for (i = 0; i != 4; i++)
		KUNIT_EXPECT_PTR_EQ(test,
				    page_address(virt_to_page(b + i * PAGE_SIZE)),
				    (void *)(b + i * PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, phys_to_virt(virt_to_phys(a)), (void *)a);

	/* The engine's way to free tables after the flush */
	list_add_tail(&virt_to_page(a)->lru, &freelist);
	iommu_put_pages_list(&freelist);
	KUNIT_EXPECT_TRUE(test, list_empty(&freelist));
	KUNIT_EXPECT_EQ(test, user_pages_in_use(), in_use + 1);
	iommu_free_pages(b, 2);
	KUNIT_EXPECT_EQ(test, user_pages_in_use(), in_use);
}

static void harness_test_gather(struct kunit *test)
{
	struct iommu_iotlb_gather gather;

	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, gather.start, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, gather.end, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&gather.freelist));

	iommu_iotlb_gather_add_range(&gather, SZ_2M, SZ_4K);
	iommu_iotlb_gather_add_range(&gather, SZ_1M, SZ_4K);
	KUNIT_EXPECT_EQ(test, gather.start, SZ_1M);
	KUNIT_EXPECT_EQ(test, gather.end, SZ_2M + SZ_4K - 1);
	KUNIT_EXPECT_FALSE(test, iommu_iotlb_gather_is_disjoint(&gather,
								SZ_2M + SZ_4K,
								SZ_4K));
	KUNIT_EXPECT_TRUE(test, iommu_iotlb_gather_is_disjoint(&gather,
							       SZ_4M, SZ_4K));
}

static void harness_test_byteorder(struct kunit *test)
{
	static const u8 le_bytes[8] = { 0x08, 0x07, 0x06, 0x05,
					0x04, 0x03, 0x02, 0x01 };
	__le64 le = cpu_to_le64(0x0102030405060708ULL);
	__be32 be = cpu_to_be32(0x01020304);

	KUNIT_EXPECT_MEMEQ(test, &le, le_bytes, sizeof(le));
	KUNIT_EXPECT_MEMEQ(test, &be, le_bytes + 4, sizeof(be) - 4);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(le), 0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(be), 0x01020304);
}

static void harness_test_cmpxchg(struct kunit *test)
{
	u64 word = 5, old = 4;
	uintptr_t ptr = 0x1000;
	atomic_t a = ATOMIC_INIT(1);
	int i = 1;

	KUNIT_EXPECT_FALSE(test, try_cmpxchg64(&word, &old, 6));
	KUNIT_EXPECT_EQ(test, old, 5);
	KUNIT_EXPECT_TRUE(test, try_cmpxchg64(&word, &old, 6));
	KUNIT_EXPECT_EQ(test, word, 6);
	KUNIT_EXPECT_EQ(test, cmpxchg(&ptr, 0x1000, 0x2001), 0x1000);
	KUNIT_EXPECT_EQ(test, cmpxchg(&ptr, 0x1000, 0x3000), 0x2001);
	KUNIT_EXPECT_EQ(test, ptr, 0x2001);
	KUNIT_EXPECT_TRUE(test, atomic_try_cmpxchg(&a, &i, 2));
	KUNIT_EXPECT_EQ(test, atomic_inc_return(&a), 3);
	KUNIT_EXPECT_TRUE(test, atomic_sub_and_test(3, &a));
}

static void harness_test_helpers(struct kunit *test)
{
	struct rnd_state a, b;
	unsigned int u = 3;
	u64 sum;

	/* min() accepts a non-negative int constant with an unsigned value */
	KUNIT_EXPECT_EQ(test, min(u, 2), 2);
	KUNIT_EXPECT_EQ(test, max_t(int, -1, 0), 0);
	KUNIT_EXPECT_TRUE(test, check_add_overflow(U64_MAX, 1, &sum));
	KUNIT_EXPECT_FALSE(test, check_mul_overflow((u64)SZ_4K, 3, &sum));
	KUNIT_EXPECT_EQ(test, sum, 3 * SZ_4K);

	/* The same seed draws the same numbers */
	prandom_seed_state(&a, 42);
	prandom_seed_state(&b, 42);
	KUNIT_EXPECT_EQ(test, prandom_u32_state(&a), prandom_u32_state(&b));
	KUNIT_EXPECT_EQ(test, prandom_u32_state(&a), prandom_u32_state(&b));
}

struct harness_kthread {
	struct completion done;
	atomic_t count;
};

static int harness_kthread_fn(void *data)
{
	struct harness_kthread *h = data;

	atomic_inc(&h->count);
	complete(&h->done);
	while (!kthread_should_stop())
		cpu_relax();
	return 7;
}

static void harness_test_kthread(struct kunit *test)
{
	struct harness_kthread h = { .count = ATOMIC_INIT(0) };
	struct task_struct *a, *b;

	init_completion(&h.done);
	a = kthread_run(harness_kthread_fn, &h, "harness-%d", 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	b = kthread_create(harness_kthread_fn, &h, "harness-%d", 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	wait_for_completion(&h.done);
	KUNIT_EXPECT_EQ(test, atomic_read(&h.count), 1);
	KUNIT_EXPECT_EQ(test, kthread_stop(a), 7);
	/* Never woken: the function does not run */
	KUNIT_EXPECT_EQ(test, kthread_stop(b), -EINTR);
	KUNIT_EXPECT_EQ(test, atomic_read(&h.count), 1);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&h.done, 1), 0);
}

/* The engine through the compat layer, from several threads at once */

#define HARNESS_THREADS 4
#define HARNESS_PAGES 64

struct harness_thread {
	struct pt_iommu_amdv1 *table;
	unsigned int index;
	int map_ret;
	size_t unmapped;
	unsigned int bad;
	struct iommu_iotlb_gather gather;
	struct completion done;
};

static void harness_change_top(struct pt_iommu *iommu_table,
			       phys_addr_t top_paddr, unsigned int top_level)
{
}

static const struct pt_iommu_driver_ops harness_driver_ops = {
	.change_top = harness_change_top,
};

/*
 * Each thread maps and unmaps its own 1G region of a 4 level table: they
 * race to install the shared upper tables.
 */
static int harness_thread_fn(void *arg)
{
	struct harness_thread *t = arg;
	struct iommu_domain *domain = &t->table->iommu.domain;
	unsigned long iova = (unsigned long)t->index * SZ_1G + SZ_2M;
	phys_addr_t pa = (phys_addr_t)(t->index + 1) * SZ_1G;
	size_t mapped = 0;
	unsigned int i;

	t->map_ret = pt_iommu_amdv1_map_pages(domain, iova, pa, SZ_4K,
					      HARNESS_PAGES,
					      IOMMU_READ | IOMMU_WRITE,
					      GFP_KERNEL, &mapped);
	for (i = 0; i != HARNESS_PAGES; i++)
		t->bad += pt_iommu_amdv1_iova_to_phys(domain,
						      iova + i * SZ_4K + 8) !=
			  pa + i * SZ_4K + 8;
	t->unmapped = pt_iommu_amdv1_unmap_pages(domain, iova, SZ_4K,
						 HARNESS_PAGES, &t->gather);
	/* Ran: kthread_stop() earlier would have skipped the function */
	complete(&t->done);
	return 0;
}

static void harness_test_amdv1_threads(struct kunit *test)
{
	struct pt_iommu_amdv1_cfg cfg = {
		.common = {
			.max_vasz_lg2 = 48,
			.max_oasz_lg2 = 52,
		},
	};
	struct harness_thread threads[HARNESS_THREADS] = {};
	struct task_struct *tasks[HARNESS_THREADS];
	struct pt_iommu_amdv1 *table;
	struct pt_iommu_info info;
	unsigned int i;

	table = kunit_kzalloc(test, sizeof(*table), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);
	table->iommu.driver_ops = &harness_driver_ops;
	table->iommu.nid = NUMA_NO_NODE;
	KUNIT_ASSERT_EQ(test, pt_iommu_amdv1_init(table, &cfg, GFP_KERNEL), 0);
	pt_iommu_amdv1_get_info(&table->iommu, &info);
	KUNIT_EXPECT_EQ(test, info.top_level, 3);

	for (i = 0; i != HARNESS_THREADS; i++) {
		threads[i].table = table;
		threads[i].index = i;
		iommu_iotlb_gather_init(&threads[i].gather);
		init_completion(&threads[i].done);
		tasks[i] = kthread_create(harness_thread_fn, &threads[i],
					  "harness-%u", i);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tasks[i]);
	}
	for (i = 0; i != HARNESS_THREADS; i++)
		wake_up_process(tasks[i]);
	for (i = 0; i != HARNESS_THREADS; i++) {
		wait_for_completion(&threads[i].done);
		KUNIT_EXPECT_EQ(test, kthread_stop(tasks[i]), 0);
		KUNIT_EXPECT_EQ(test, threads[i].map_ret, 0);
		KUNIT_EXPECT_EQ(test, threads[i].bad, 0);
		KUNIT_EXPECT_EQ(test, threads[i].unmapped,
				HARNESS_PAGES * SZ_4K);
		iommu_put_pages_list(&threads[i].gather.freelist);
	}
	pt_iommu_amdv1_deinit(&table->iommu);
}

static struct kunit_case harness_test_cases[] = {
	KUNIT_CASE(harness_test_pages),
	KUNIT_CASE(harness_test_gather),
	KUNIT_CASE(harness_test_byteorder),
	KUNIT_CASE(harness_test_cmpxchg),
	KUNIT_CASE(harness_test_helpers),
	KUNIT_CASE(harness_test_kthread),
	KUNIT_CASE(harness_test_amdv1_threads),
	{}
};

static struct kunit_suite harness_test_suite = {
	.name = "generic_pt_user_harness",
	.test_cases = harness_test_cases,
};

kunit_test_suites(&harness_test_suite);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * generic_pt_dma_live_cut: iommu_cut_mapping() while a device DMAs through
 * the mapping it cuts, translated by an IOMMU that QEMU emulates (its
 * walker was written by others, from the same specification).
 *
 * The device is QEMU's "edu" PCI device (QEMU's docs/specs/edu.rst): a DMA
 * engine with a 4K buffer of its own at device address 0x40000 that copies
 * between that buffer and a bus address, through the IOMMU like any PCI
 * DMA, 100 ms (QEMU's virtual clock) after the command is written. The
 * suite skips where QEMU has no edu device.
 *
 * The test attaches edu to a paging domain of its own, maps 2M of
 * physically contiguous memory at a 2M-aligned IOVA (one 2M leaf where the
 * domain allows it) and copies 4K pages of it through the device's buffer,
 * checking every byte:
 *
 *  - before any cut, from page 0 to the last page;
 *  - under the cuts: a copy out of a page is started, the mapping is cut at
 *    a 4K boundary while the device's command is pending, and the copy
 *    completes and is copied back to another page; eight times, each cut at
 *    a new boundary, each copy through pages no copy used before;
 *  - after the cuts and a flush of the IOTLB, between pages no copy used
 *    before.
 *
 * live_cut_contig does the same with a 64K run of 4K entries (the
 * contiguous hint of the ARM formats, sixteen next-level-7 entries on AMD
 * v1) mapped at another IOVA: a copy before the cut, a cut at its fourth
 * page under a pending copy, a copy after it. QEMU's SMMUv3 walker reads
 * the hint's entries as 4K pages (the hint only lets a TLB cache the run
 * as one entry); its trace gives the descriptors it read, the hint set on
 * those walked before the cut and clear on those walked after it. AMD-Vi's
 * walker reads the 64K page, then the smaller ones the cut left.
 *
 * Where the domain has no cut_mapping op (live_cut_refused: an SMMU without
 * BBML level 2), the cut must fail with -EOPNOTSUPP and the 2M leaf still
 * translate every page.
 *
 * A copy that faults leaves its destination as it was: every destination
 * is poisoned first and every source holds a pattern of its own, so a
 * fault, a wrong translation or a stale one all fail the data check.
 * The IOVA, physical address and pages of each phase are printed
 * ("DMACUT ..." lines) for the host, which checks QEMU's trace of the
 * translations (scripts/dma_check.py): the pages copied before the cuts
 * went through the 2M leaf, the pages copied after them through leaves that
 * start at or after the cut below them, and no translation faulted.
 *
 * Under TCG a copy is one memcpy of QEMU's main loop while the cut runs on
 * a vCPU, so the window in which a non-hitless cut loses a copy is a few
 * microseconds of a 100 ms period: the test cannot make the two meet at a
 * given store. A cut that clears the leaf before it installs the table is
 * caught when that window is held open long enough for the pending copy to
 * land in it (README, "Real drivers under QEMU's IOMMU walkers").
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

/* edu's registers, in BAR 0 */
#define EDU_REG_ID 0x00		/* 0xRRrr00ed: major, minor, 0xed */
#define EDU_REG_LIVENESS 0x04	/* reads back the complement of a write */
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_RUN BIT(0)	/* set by the driver, cleared when done */
#define EDU_DMA_TO_BUS BIT(1)	/* buffer to bus address; else the reverse */
#define EDU_ID_MAGIC 0xed

#define EDU_BUF 0x40000		/* the buffer, in the device's own space */
/*
 * Bytes a copy moves: a page but its last word, as QEMU 7.2's edu refuses
 * (with a hardware error that stops QEMU) a transfer that ends at the end
 * of its 4K buffer, an off-by-one of its range check.
 */
#define EDU_XFER (SZ_4K - 8)
/* edu masks bus addresses to 28 bits (its "dma_mask" property) */
#define LIVE_CUT_IOVA SZ_128M
#define LIVE_CUT_SIZE SZ_2M
#define LIVE_CUT_PAGES (LIVE_CUT_SIZE / SZ_4K)
#define LIVE_CUT_STEPS 8
/* live_cut_contig: a 64K run at its own 2M-aligned IOVA, cut at page 3 */
#define LIVE_CUT_RUN SZ_64K
#define LIVE_CUT_RUN_IOVA (LIVE_CUT_IOVA + SZ_4M)
#define LIVE_CUT_RUN_CUT 3
#define EDU_TIMEOUT_MS 5000

struct live_cut {
	struct kunit *test;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct iommu_domain *domain;
	struct page *pages;
	u64 *mem;		/* the 2M, as the CPU sees it */
	phys_addr_t phys;
	u64 iova;		/* where the test maps lc->phys */
	size_t size;		/* how much, when mapped */
	bool attached;
	u32 seed;
};

static void edu_start(struct live_cut *lc, u64 src, u64 dst, u32 cmd)
{
	writeq(src, lc->regs + EDU_REG_DMA_SRC);
	writeq(dst, lc->regs + EDU_REG_DMA_DST);
	writeq(EDU_XFER, lc->regs + EDU_REG_DMA_COUNT);
	writeq(cmd | EDU_DMA_RUN, lc->regs + EDU_REG_DMA_CMD);
}

/* Wait for the pending command; false if the device never finished it */
static bool edu_wait(struct live_cut *lc)
{
	unsigned int ms;

	for (ms = 0; ms < EDU_TIMEOUT_MS; ms++) {
		if (!(readq(lc->regs + EDU_REG_DMA_CMD) & EDU_DMA_RUN))
			return true;
		usleep_range(1000, 1200);
	}
	return false;
}

static u64 live_cut_word(u32 seed, unsigned int i)
{
	u64 x = ((u64)seed << 32 | i) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 31);
}

/* A fresh pattern into page @src, poison into page @dst */
static u32 live_cut_fill(struct live_cut *lc, unsigned int src,
			 unsigned int dst)
{
	u64 *s = lc->mem + src * (SZ_4K / 8);
	u64 *d = lc->mem + dst * (SZ_4K / 8);
	u32 seed = ++lc->seed;
	unsigned int i;

	for (i = 0; i < SZ_4K / 8; i++) {
		s[i] = live_cut_word(seed, i);
		d[i] = ~live_cut_word(seed, i);
	}
	return seed;
}

/* Page @dst holds the pattern @seed; else print the first wrong word */
static bool live_cut_check(struct live_cut *lc, unsigned int dst, u32 seed,
			   const char *what)
{
	const u64 *d = lc->mem + dst * (SZ_4K / 8);
	unsigned int i;

	for (i = 0; i < EDU_XFER / 8; i++) {
		if (d[i] == live_cut_word(seed, i))
			continue;
		KUNIT_FAIL(lc->test,
			   "%s: page %u word %u is %#llx, not %#llx%s", what,
			   dst, i, d[i], live_cut_word(seed, i),
			   d[i] == ~live_cut_word(seed, i) ?
			   " (never written: the DMA faulted or was lost)" : "");
		return false;
	}
	return true;
}

static u64 live_cut_iova(struct live_cut *lc, unsigned int page)
{
	return lc->iova + (u64)page * SZ_4K;
}

/*
 * Copy page @src to page @dst through the device's buffer. With @cut, the
 * mapping is cut there while the copy out of @src is pending.
 */
static bool live_cut_copy(struct live_cut *lc, unsigned int src,
			  unsigned int dst, unsigned long cut, const char *what)
{
	u32 seed = live_cut_fill(lc, src, dst);
	int ret;

	edu_start(lc, live_cut_iova(lc, src), EDU_BUF, 0);
	if (cut) {
		ret = iommu_cut_mapping(lc->domain, cut, GFP_KERNEL);
		KUNIT_EXPECT_EQ_MSG(lc->test, ret, 0, "cut at %#lx", cut);
	}
	if (!edu_wait(lc)) {
		KUNIT_FAIL(lc->test, "%s: edu did not finish reading page %u",
			   what, src);
		return false;
	}
	edu_start(lc, EDU_BUF, live_cut_iova(lc, dst), EDU_DMA_TO_BUS);
	if (!edu_wait(lc)) {
		KUNIT_FAIL(lc->test, "%s: edu did not finish writing page %u",
			   what, dst);
		return false;
	}
	return live_cut_check(lc, dst, seed, what);
}

/*
 * @size bytes at @iova, mapped in one call: one leaf of that size where the
 * domain has it
 */
static void live_cut_map(struct live_cut *lc, u64 iova, size_t size)
{
	int ret;

	ret = iommu_map(lc->domain, iova, lc->phys, size,
			IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, GFP_KERNEL);
	KUNIT_ASSERT_EQ(lc->test, ret, 0);
	lc->iova = iova;
	lc->size = size;
	kunit_info(lc->test,
		   "DMACUT map edu %s iova %#llx phys %#llx size %#zx\n",
		   pci_name(lc->pdev), iova, (u64)lc->phys, size);
}

/*
 * edu is bound to a driver of the suite's while it runs: where the IOMMU
 * is described by the device tree (arm64's virt), a PCI device joins its
 * IOMMU group only when a driver probes it.
 */
static struct pci_dev *live_cut_edu;

static int live_cut_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	if (!live_cut_edu)
		live_cut_edu = pci_dev_get(pdev);
	return 0;
}

static void live_cut_remove(struct pci_dev *pdev)
{
	if (live_cut_edu == pdev) {
		pci_dev_put(live_cut_edu);
		live_cut_edu = NULL;
	}
}

static const struct pci_device_id live_cut_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{}
};

static struct pci_driver live_cut_driver = {
	.name = "generic_pt_live_cut",
	.id_table = live_cut_ids,
	.probe = live_cut_probe,
	.remove = live_cut_remove,
};

static int live_cut_suite_init(struct kunit_suite *suite)
{
	return pci_register_driver(&live_cut_driver);
}

static void live_cut_suite_exit(struct kunit_suite *suite)
{
	pci_unregister_driver(&live_cut_driver);
}

static int live_cut_init(struct kunit *test)
{
	struct live_cut *lc;
	u32 id;
	int ret;

	lc = kunit_kzalloc(test, sizeof(*lc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lc);
	lc->test = test;
	test->priv = lc;

	if (!live_cut_edu)
		kunit_skip(test, "no edu device (QEMU's -device edu)");
	lc->pdev = pci_dev_get(live_cut_edu);
	if (!device_iommu_mapped(&lc->pdev->dev))
		kunit_skip(test, "edu is not behind an IOMMU");
	ret = pci_enable_device_mem(lc->pdev);
	KUNIT_ASSERT_EQ(test, ret, 0);
	lc->regs = pci_iomap(lc->pdev, 0, 0);
	KUNIT_ASSERT_NOT_NULL(test, lc->regs);
	id = readl(lc->regs + EDU_REG_ID);
	KUNIT_ASSERT_EQ_MSG(test, id & 0xff, EDU_ID_MAGIC, "edu id %#x", id);
	writel(0x5a5aa5a5, lc->regs + EDU_REG_LIVENESS);
	KUNIT_ASSERT_EQ(test, readl(lc->regs + EDU_REG_LIVENESS), ~0x5a5aa5a5U);

	lc->domain = iommu_paging_domain_alloc(&lc->pdev->dev);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(lc->domain), "domain: %ld",
			       PTR_ERR(lc->domain));
	ret = iommu_attach_device(lc->domain, &lc->pdev->dev);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "attach");
	lc->attached = true;
	pci_set_master(lc->pdev);

	lc->pages = alloc_pages(GFP_KERNEL, get_order(LIVE_CUT_SIZE));
	KUNIT_ASSERT_NOT_NULL(test, lc->pages);
	lc->mem = page_address(lc->pages);
	lc->phys = page_to_phys(lc->pages);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(lc->phys, LIVE_CUT_SIZE));
	return 0;
}

static void live_cut_exit(struct kunit *test)
{
	struct live_cut *lc = test->priv;

	if (!lc || !lc->pdev)
		return;
	if (lc->size)
		iommu_unmap(lc->domain, lc->iova, lc->size);
	if (lc->attached) {
		pci_clear_master(lc->pdev);
		iommu_detach_device(lc->domain, &lc->pdev->dev);
	}
	if (!IS_ERR_OR_NULL(lc->domain))
		iommu_domain_free(lc->domain);
	if (lc->pages)
		__free_pages(lc->pages, get_order(LIVE_CUT_SIZE));
	if (lc->regs) {
		pci_iounmap(lc->pdev, lc->regs);
		pci_disable_device(lc->pdev);
	}
	pci_dev_put(lc->pdev);
}

/*
 * The cases cut at 4K boundaries and copy 4K pages: a domain of 4K pages
 * (the SMMUv3 domains of a 16K or 64K kernel have that granule).
 */
static void live_cut_need_4k(struct live_cut *lc)
{
	unsigned long sizes = lc->domain->pgsize_bitmap;

	if ((sizes & -sizes) != SZ_4K)
		kunit_skip(lc->test, "the domain's smallest page is %#lx",
			   sizes & -sizes);
}

/* The 2M leaf cut at eight 4K boundaries while the device copies through it */
static void live_cut_2m(struct kunit *test)
{
	struct live_cut *lc = test->priv;
	unsigned int k, cut, src, dst, bad = 0;

	if (!iommu_can_cut_mapping(lc->domain))
		kunit_skip(test, "the domain cannot cut");
	live_cut_need_4k(lc);
	KUNIT_ASSERT_TRUE_MSG(test, lc->domain->pgsize_bitmap & SZ_2M,
			      "the domain has no 2M pages (%#lx)",
			      lc->domain->pgsize_bitmap);
	live_cut_map(lc, LIVE_CUT_IOVA, LIVE_CUT_SIZE);

	/* Before: through the 2M leaf */
	kunit_info(test, "DMACUT before 0 %u\n", LIVE_CUT_PAGES - 1);
	KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, 0, LIVE_CUT_PAGES - 1, 0,
					      "before the cuts"));

	/*
	 * Under the cuts: cut k at page 257 + 16 * k (past the middle, an odd
	 * page so that no cut lands on a larger alignment than 4K), each copy
	 * out of the page below its cut and back to the page at it.
	 */
	for (k = 0; k < LIVE_CUT_STEPS; k++) {
		cut = LIVE_CUT_PAGES / 2 + 1 + 16 * k;
		src = cut - 1;
		dst = cut;
		kunit_info(test, "DMACUT cut %u %u %u\n", cut, src, dst);
		if (!live_cut_copy(lc, src, dst, live_cut_iova(lc, cut),
				   "under a cut"))
			bad++;
	}
	KUNIT_EXPECT_EQ(test, bad, 0);

	/* After: the walker reads the leaves the cuts left */
	iommu_flush_iotlb_all(lc->domain);
	for (k = 0; k < LIVE_CUT_STEPS; k++) {
		src = 16 + 8 * k;
		dst = LIVE_CUT_PAGES / 2 + 8 + 16 * k;
		kunit_info(test, "DMACUT after %u %u\n", src, dst);
		KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, src, dst, 0,
						      "after the cuts"));
	}

	/* Each side of every cut unmaps on its own */
	cut = LIVE_CUT_PAGES / 2 + 1;
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, live_cut_iova(lc, cut),
					  SZ_4K * 16), SZ_4K * 16);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(lc->domain,
						 live_cut_iova(lc, cut)), 0);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(lc->domain,
						 live_cut_iova(lc, cut - 1)),
			lc->phys + (cut - 1) * SZ_4K);
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, LIVE_CUT_IOVA,
					  cut * SZ_4K), cut * SZ_4K);
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain,
					  live_cut_iova(lc, cut + 16),
					  LIVE_CUT_SIZE - (cut + 16) * SZ_4K),
			LIVE_CUT_SIZE - (cut + 16) * SZ_4K);
	lc->size = 0;
}

/*
 * A 64K run (the ARM contiguous hint, AMD v1's next-level-7 entries) cut at
 * a 4K boundary while the device copies through it
 */
static void live_cut_contig(struct kunit *test)
{
	struct live_cut *lc = test->priv;
	unsigned int cut = LIVE_CUT_RUN_CUT, last = LIVE_CUT_RUN / SZ_4K - 1;
	unsigned long sizes = lc->domain->pgsize_bitmap;

	if (!iommu_can_cut_mapping(lc->domain))
		kunit_skip(test, "the domain cannot cut");
	live_cut_need_4k(lc);
	if (!(sizes & LIVE_CUT_RUN))
		kunit_skip(test, "no 64K pages (sizes %#lx)", sizes);
	live_cut_map(lc, LIVE_CUT_RUN_IOVA, LIVE_CUT_RUN);

	kunit_info(test, "DMACUT before 0 %u\n", last);
	KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, 0, last, 0,
					      "before the cut"));
	kunit_info(test, "DMACUT cut %u %u %u\n", cut, cut - 1, cut);
	KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, cut - 1, cut,
					      live_cut_iova(lc, cut),
					      "under the cut"));
	iommu_flush_iotlb_all(lc->domain);
	kunit_info(test, "DMACUT after 1 %u\n", last - 2);
	KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, 1, last - 2, 0,
					      "after the cut"));

	/* The run is gone: each side unmaps on its own */
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, live_cut_iova(lc, cut),
					  LIVE_CUT_RUN - cut * SZ_4K),
			LIVE_CUT_RUN - cut * SZ_4K);
	KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(lc->domain,
						 live_cut_iova(lc, cut - 1)),
			lc->phys + (cut - 1) * SZ_4K);
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, LIVE_CUT_RUN_IOVA,
					  cut * SZ_4K), cut * SZ_4K);
	lc->size = 0;
}

/*
 * A domain without the cut_mapping op (an SMMU without BBML level 2, whose
 * block cannot become a table without break-before-make): the cut is
 * refused, and the 2M block still translates every page.
 */
static void live_cut_refused(struct kunit *test)
{
	struct live_cut *lc = test->priv;

	if (iommu_can_cut_mapping(lc->domain))
		kunit_skip(test, "the domain can cut");
	live_cut_need_4k(lc);
	live_cut_map(lc, LIVE_CUT_IOVA, LIVE_CUT_SIZE);
	KUNIT_EXPECT_EQ(test,
			iommu_cut_mapping(lc->domain,
					  live_cut_iova(lc, LIVE_CUT_PAGES / 2 + 1),
					  GFP_KERNEL), -EOPNOTSUPP);
	kunit_info(test, "DMACUT refused %u\n", LIVE_CUT_PAGES / 2 + 1);
	kunit_info(test, "DMACUT before 0 %u\n", LIVE_CUT_PAGES - 1);
	KUNIT_EXPECT_TRUE(test, live_cut_copy(lc, 0, LIVE_CUT_PAGES - 1, 0,
					      "after a refused cut"));
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, live_cut_iova(lc, 1),
					  SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, iommu_unmap(lc->domain, LIVE_CUT_IOVA,
					  LIVE_CUT_SIZE), LIVE_CUT_SIZE);
	lc->size = 0;
}

static struct kunit_case live_cut_cases[] = {
	KUNIT_CASE_SLOW(live_cut_2m),
	KUNIT_CASE_SLOW(live_cut_contig),
	KUNIT_CASE_SLOW(live_cut_refused),
	{}
};

static struct kunit_suite live_cut_suite = {
	.name = "generic_pt_dma_live_cut",
	.suite_init = live_cut_suite_init,
	.suite_exit = live_cut_suite_exit,
	.init = live_cut_init,
	.exit = live_cut_exit,
	.test_cases = live_cut_cases,
};

kunit_test_suites(&live_cut_suite);

MODULE_DESCRIPTION("Generic PT: cut_mapping under live DMA (QEMU edu)");
MODULE_LICENSE("GPL");

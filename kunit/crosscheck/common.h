/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the cross-checks against 6.12's io-pgtable files share: the two
 * page tables under test ("sides"), called as the iommu core calls a
 * domain's map_pages and unmap_pages, and the failure reports. Each
 * cross-check adds its own walker (written from the io-pgtable file it
 * checks against), its configurations and its comparison of the tables.
 *
 * A cross-check embeds struct xc_sides in its context, fills it at init
 * and passes it to the helpers below.
 */
#ifndef __GENERIC_PT_KUNIT_CROSSCHECK_COMMON_H
#define __GENERIC_PT_KUNIT_CROSSCHECK_COMMON_H

#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>

#include "../../../iommu-pages.h"
#include "../pgsize.h"

/* Stop reporting after this many differences in one test */
#define XC_MAX_REPORTS 8

enum xc_side { XC_OURS, XC_IO };

static const char *const xc_side_name[] = { "generic_pt", "io-pgtable" };

/**
 * struct xc_sides - The two page tables a cross-check compares
 * @test: the running test
 * @name: the configuration's name, first in every report
 * @reports: reports so far (XC_MAX_REPORTS are printed)
 * @domain: our table's domain
 * @ours: our format's domain operations (IOMMU_PT_DOMAIN_OPS())
 * @io: the io-pgtable side
 * @bitmap: the page sizes of each side, indexed by enum xc_side
 */
struct xc_sides {
	struct kunit *test;
	const char *name;
	unsigned int reports;
	struct iommu_domain *domain;
	const struct iommu_domain_ops *ours;
	struct io_pgtable_ops *io;
	u64 bitmap[2];
};

static void xc_report(struct xc_sides *xs, const char *fmt, ...)
	__printf(2, 3);

static void xc_report(struct xc_sides *xs, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (xs->reports++ >= XC_MAX_REPORTS)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	KUNIT_FAIL(xs->test, "%s: %pV", xs->name, &vaf);
	va_end(args);
}

static u64 xc_phys(struct xc_sides *xs, enum xc_side side, u64 iova)
{
	if (side == XC_OURS)
		return xs->ours->iova_to_phys(xs->domain, iova);
	return xs->io->iova_to_phys(xs->io, iova);
}

/*
 * Both sides translate the first, middle and last byte of [@iova, @iova +
 * @len), inside a range that maps @va to @pa
 */
static void xc_check_phys(struct xc_sides *xs, u64 iova, u64 len, u64 va,
			  u64 pa)
{
	u64 probe[3] = { iova, iova + len / 2, iova + len - 1 };
	unsigned int i, side;

	for (i = 0; i != ARRAY_SIZE(probe); i++) {
		u64 exp = pa + (probe[i] - va), got;

		for (side = 0; side != 2; side++) {
			got = xc_phys(xs, side, probe[i]);
			if (got != exp)
				xc_report(xs,
					  "%s: iova_to_phys(%llx) is %llx, not %llx",
					  xc_side_name[side], probe[i], got, exp);
		}
	}
}

/* Map like iommu_map(): a map_pages call per step of kpt_core_pgsize() */
static int xc_map(struct xc_sides *xs, enum xc_side side, u64 iova, u64 pa,
		  u64 len, int prot)
{
	u64 pgsize, count;
	size_t mapped;
	int ret;

	while (len) {
		pgsize = kpt_core_pgsize(xs->bitmap[side], iova, pa, len,
					 &count);
		if (!pgsize)
			return -EINVAL;
		mapped = 0;
		if (side == XC_OURS)
			ret = xs->ours->map_pages(xs->domain, iova, pa, pgsize,
						  count, prot, GFP_KERNEL,
						  &mapped);
		else
			ret = xs->io->map_pages(xs->io, iova, pa, pgsize,
						count, prot, GFP_KERNEL,
						&mapped);
		if (ret)
			return ret;
		if (!mapped || mapped > len)
			return -EIO;
		iova += mapped;
		pa += mapped;
		len -= mapped;
	}
	return 0;
}

/* Unmap like iommu_unmap(); the bytes unmapped */
static u64 xc_unmap(struct xc_sides *xs, enum xc_side side, u64 iova,
		    u64 len)
{
	struct iommu_iotlb_gather gather;
	u64 pgsize, count, done = 0;
	size_t n;

	iommu_iotlb_gather_init(&gather);
	while (done < len) {
		pgsize = kpt_core_pgsize(xs->bitmap[side], iova + done,
					 iova + done, len - done, &count);
		if (!pgsize)
			break;
		if (side == XC_OURS)
			n = xs->ours->unmap_pages(xs->domain, iova + done,
						  pgsize, count, &gather);
		else
			n = xs->io->unmap_pages(xs->io, iova + done, pgsize,
						count, &gather);
		if (!n)
			break;
		done += n;
	}
	/* What the driver's iotlb_sync does after the flush */
	iommu_put_pages_list(&gather.freelist);
	return done;
}

/* iommu_flush_ops: a coherent walker with nothing cached to invalidate */
static void xc_tlb_flush_all(void *cookie)
{
}

static void xc_tlb_flush_walk(unsigned long iova, size_t size, size_t granule,
			      void *cookie)
{
}

static void xc_tlb_add_page(struct iommu_iotlb_gather *gather,
			    unsigned long iova, size_t granule, void *cookie)
{
}

static const struct iommu_flush_ops xc_flush_ops = {
	.tlb_flush_all = xc_tlb_flush_all,
	.tlb_flush_walk = xc_tlb_flush_walk,
	.tlb_add_page = xc_tlb_add_page,
};

/**
 * struct xc_range - A range both sides map
 * @va: its first IOVA
 * @pa: its first output address
 * @len: its length in bytes (0: left out)
 * @prot: IOMMU_READ and the rest
 * @holes: bytes the test unmapped inside it
 */
struct xc_range {
	u64 va;
	u64 pa;
	u64 len;
	int prot;
	u64 holes;
};

static void xc_map_both(struct xc_sides *xs, struct xc_range *r)
{
	unsigned int side;
	int ret;

	for (side = 0; side != 2; side++) {
		ret = xc_map(xs, side, r->va, r->pa, r->len, r->prot);
		KUNIT_EXPECT_EQ_MSG(xs->test, ret, 0,
				    "%s: %s: map %llx+%llx at %llx prot %x",
				    xs->name, xc_side_name[side], r->va, r->len,
				    r->pa, r->prot);
	}
}

#endif

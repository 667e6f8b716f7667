/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT for IOMMU drivers.
 *
 * A driver embeds the format structure (for instance struct pt_iommu_amdv1)
 * in its domain, calls the format's init function and points its
 * struct iommu_domain_ops at the format's functions with
 * IOMMU_PT_DOMAIN_OPS(). The iommu core then calls the page table directly.
 */
#ifndef __GENERIC_PT_IOMMU_H
#define __GENERIC_PT_IOMMU_H

#include <linux/bitops.h>
#include <linux/generic_pt/common.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct device;
struct pt_iommu;

/**
 * struct pt_iommu_driver_ops - Calls from the page table into the driver
 * @change_top: Called with the lock returned by @get_top_lock held when a
 *	dynamic top table grows, before any map can use the new top: the
 *	driver writes @top_paddr and @top_level to its device table entries
 *	and flushes them, and only once it returns is the new top published
 *	(hw_info reports the old top until then). The old top stays valid (it
 *	is item 0 of the new one), so a device that still uses it translates
 *	as before.
 * @get_top_lock: Return the driver's lock serialising @change_top against the
 *	driver's own use of the top (attach, detach).
 *
 * Both are required with PT_FEAT_DYNAMIC_TOP; init fails with -EINVAL
 * without them.
 */
struct pt_iommu_driver_ops {
	void (*change_top)(struct pt_iommu *iommu_table, phys_addr_t top_paddr,
			   unsigned int top_level);
	spinlock_t *(*get_top_lock)(struct pt_iommu *iommu_table);
};

/**
 * struct pt_iommu_test_hooks - Test observation points
 * @tables: Number of table memory allocations not yet freed by the page
 *	table itself. Tables handed to the driver in the gather free list are
 *	still counted; the test decrements when it frees them.
 * @fail_alloc: When positive, counts down on every table allocation and the
 *	allocation that brings it to zero fails.
 * @dma_map: With PT_FEAT_DMA_INCOHERENT, replaces the DMA mapping of new
 *	table memory (@len bytes at @table, already zeroed), so a test can
 *	model a walker that sees only what was pushed to it.
 * @dma_sync: Replaces dma_sync_single_for_device() of @len bytes at
 *	@offset in @table.
 * @dma_unmap: Replaces the DMA unmapping of a table leaving the page table.
 * @sme_mask: When non-zero, the memory encryption mask a format with its SME
 *	feature (PT_FEAT_AMDV1_SME, PT_FEAT_X86_64_SME) uses instead of
 *	sme_me_mask, which is 0 on UML and in QEMU; a production build never
 *	reads it.
 *
 * Present only when CONFIG_IOMMU_PT_KUNIT_TEST is enabled.
 */
struct pt_iommu_test_hooks {
	atomic_t tables;
	int fail_alloc;
	void (*dma_map)(struct pt_iommu_test_hooks *test, void *table,
			size_t len);
	void (*dma_sync)(struct pt_iommu_test_hooks *test, void *table,
			 size_t offset, size_t len);
	void (*dma_unmap)(struct pt_iommu_test_hooks *test, void *table,
			  size_t len);
	u64 sme_mask;
};

/**
 * struct pt_iommu - A page table used by an IOMMU
 * @domain: The iommu domain; the iommu core's calls arrive with a pointer to
 *	it and the page table finds itself with container_of(). init sets its
 *	type (if the driver did not), page size bitmap and aperture.
 * @common: The format independent table description, filled by init.
 * @driver_ops: Optional calls into the driver, see struct pt_iommu_driver_ops.
 *	Set by the driver before init; required with PT_FEAT_DYNAMIC_TOP.
 * @iommu_device: The device that walks the table, used for DMA mapping of
 *	table memory when the walker is incoherent. Set by the driver before
 *	init; required with PT_FEAT_DMA_INCOHERENT except on x86, where
 *	table memory is written back with clflush instead.
 * @nid: NUMA node for table memory, NUMA_NO_NODE for any. Set by the driver
 *	before init (a zeroed structure means node 0).
 * @test: Test observation points, see struct pt_iommu_test_hooks.
 *
 * Each field has one owner: the driver sets @driver_ops, @iommu_device and
 * @nid on the table (they are not in the configuration, so there is
 * nothing to disagree with), init owns @common and the domain's geometry.
 * See "DOC: Setting up a table" for the sequence.
 */
struct pt_iommu {
	struct iommu_domain domain;
	struct pt_common common;
	const struct pt_iommu_driver_ops *driver_ops;
	struct device *iommu_device;
	int nid;
#if IS_ENABLED(CONFIG_IOMMU_PT_KUNIT_TEST)
	struct pt_iommu_test_hooks *test;
#endif
};

/**
 * struct pt_iommu_cfg - Configuration common to every format
 * @features: Bitmap of enum pt_features requested; a feature the format
 *	cannot provide makes init fail with -EOPNOTSUPP.
 * @max_vasz_lg2: log2 of the IOVA space the hardware can translate.
 * @max_oasz_lg2: log2 of the output address space the hardware supports.
 *
 * What the hardware can do; what the driver hands the table (its ops, the
 * walking device, the NUMA node) is set on struct pt_iommu itself.
 */
struct pt_iommu_cfg {
	unsigned int features;
	u8 max_vasz_lg2;
	u8 max_oasz_lg2;
};

/**
 * DOC: Setting up a table
 *
 * A driver embeds the format's table structure (struct pt_iommu_amdv1, ...)
 * in its domain and, in this order:
 *
 * 1. zeroes the structure (kzalloc), then sets on the embedded struct
 *    pt_iommu the fields it owns: @driver_ops (for a dynamic top),
 *    @iommu_device (for an incoherent walker) and @nid. It may set
 *    @domain.type (a paging type; init sets IOMMU_DOMAIN_UNMANAGED if it is
 *    0) and may narrow @domain.pgsize_bitmap to the sizes it allows (init
 *    keeps the sizes of the format among them; 0 means all of them).
 * 2. calls pt_iommu_<fmt>_init() with the hardware's configuration. init
 *    refuses, with -EINVAL and a message naming the field, a dynamic top
 *    without both driver ops, an incoherent walker without a device, a
 *    domain type that is not a paging one and a page size bitmap the format
 *    has none of; nothing it refuses is narrowed silently.
 * 3. points @domain.ops at its struct iommu_domain_ops filled with
 *    IOMMU_PT_DOMAIN_OPS() and its own .iotlb_sync and .free (which calls
 *    pt_iommu_<fmt>_deinit()).
 * 4. calls pt_iommu_<fmt>_hw_info() and programs the hardware with it.
 *
 * The page size bitmap may also be narrowed after init: map and cut read it
 * at every call.
 */

/**
 * struct pt_iommu_info - Geometry of an initialised table
 * @pgsize_bitmap: Every leaf size the table can store; the same value is
 *	placed in &iommu_domain.pgsize_bitmap.
 * @top_level: Current level of the top table, 0 being the leaf-most.
 * @max_vasz_lg2: log2 of the mappable IOVA space.
 * @max_oasz_lg2: log2 of the output address space.
 */
struct pt_iommu_info {
	u64 pgsize_bitmap;
	unsigned int top_level;
	u8 max_vasz_lg2;
	u8 max_oasz_lg2;
};

/**
 * DOC: Operations of every format
 *
 * Each format has its own copy of every function, named pt_iommu_<fmt>_<op>.
 * The caller serialises operations on overlapping IOVA ranges; operations on
 * disjoint ranges may run concurrently.
 *
 * pt_iommu_<fmt>_init(table, cfg, gfp): choose the levels from the
 * configuration and allocate the top table; see "DOC: Setting up a table"
 * for what the caller sets first. Sets &iommu_domain.pgsize_bitmap (the
 * format's sizes, within those the driver set, if any), the aperture and,
 * when 0, the domain type. Returns 0, -EINVAL for an impossible
 * configuration or a driver field init needs missing, -EOPNOTSUPP for a
 * feature the format does not have, or -ENOMEM.
 *
 * pt_iommu_<fmt>_map_pages(): the &iommu_domain_ops.map_pages signature. Maps
 * @pgsize * @pgcount bytes with the largest page sizes the alignment of the
 * IOVA and the physical address allow, whatever @pgsize is, among the sizes
 * of &iommu_domain.pgsize_bitmap when the call is made: a driver that allows
 * fewer sizes than the format has (amd_iommu=nohugepages, say) narrows the
 * bitmap after init and gets only those. Returns -EINVAL
 * for a zero length, a misaligned address or a @pgsize not in the page size
 * bitmap, -EOVERFLOW when a range wraps past the top of unsigned long (4G on
 * a 32-bit kernel, where &iommu_domain.geometry ends there too) or is longer
 * than SIZE_MAX, -ERANGE beyond the largest IOVA or physical address,
 * -EADDRINUSE if anything in the range is mapped, -ENOMEM.
 * Only -ENOMEM can leave part of the range mapped, and @mapped says how much.
 * The leaves are those a fresh table would get, whatever the history: where
 * a leaf goes at an entry that holds a table, which can only be empty (an
 * earlier map left it, unmaps emptied it), map clears the entry and calls
 * the driver's &iommu_domain_ops.iotlb_sync with a gather holding the IOVA
 * span of those entries and the tables on &iommu_iotlb_gather.freelist, as
 * after an unmap; the leaf is written once it returns. A domain without
 * iotlb_sync keeps such tables and gets smaller leaves there.
 *
 * pt_iommu_<fmt>_unmap_pages(): the &iommu_domain_ops.unmap_pages signature.
 * Unmaps whole leaves inside the range, never splitting one: it stops at the
 * first leaf not entirely inside the range. Returns the bytes unmapped. Tables
 * whose whole span the range covers go on &iommu_iotlb_gather.freelist; the
 * driver frees them after the IOTLB flush with iommu_put_pages_list().
 * The gather's range grows by exactly the hull of what left the walk: the
 * first IOVA of the first leaf removed (or of the span of the first table
 * unhooked) to the last IOVA of the last one, and not at all when nothing
 * was removed; leading and trailing holes and whatever follows a stop are
 * left out. With PT_FEAT_FLUSH_RANGE_NO_GAPS a hull disjoint from the
 * gathered range first syncs the gather (iommu_iotlb_sync()).
 *
 * pt_iommu_<fmt>_iova_to_phys(): the physical address of any byte of a
 * mapping, 0 where nothing is mapped.
 *
 * pt_iommu_<fmt>_cut_mapping(table, cut_iova, gfp): afterwards no leaf
 * crosses @cut_iova, so that the two parts of an earlier map on each side of
 * it can be unmapped separately, and the page sizes on each side are those
 * two separate maps would have chosen (so only sizes of
 * &iommu_domain.pgsize_bitmap). It is hitless: every store leaves every
 * IOVA translating to the same address with the same attributes. A leaf is
 * replaced by a sub-tree built privately and swapped in with one atomic store
 * (PT_FEAT_OA_TABLE_XCHG); a contiguous leaf is re-sized in place
 * (PT_FEAT_OA_SIZE_CHANGE). Dirty bits of the cut leaf are carried to every
 * entry that replaces it. Returns 0 (also when @cut_iova already starts a
 * leaf), -ENOENT when nothing is mapped at @cut_iova, -EINVAL when it is not
 * aligned to the smallest page of &iommu_domain.pgsize_bitmap, -ERANGE
 * outside the table or beyond unsigned long, -EOPNOTSUPP when the format or
 * configuration needs break-before-make for the change (or the sizes the
 * bitmap allows cannot write the rest of a contiguous leaf with at most one
 * new table a side), or -ENOMEM. On failure nothing the walker can see has
 * changed.
 * Context: the caller holds a range lock covering the whole mapping that
 * contains @cut_iova.
 *
 * pt_iommu_<fmt>_read_and_clear_dirty(): the
 * &iommu_dirty_ops.read_and_clear_dirty signature, for formats whose walker
 * keeps dirty state: AMD v1 (D), x86-64 (D, which map presets on writable
 * leaves as the VT-d and AMD v2 drivers do, so a new writable leaf reads
 * dirty until it is first cleared) and ARM stage 1 with PT_FEAT_ARMV8_DBM
 * (a writable leaf is dirty when the SMMU cleared its AP[2]; map writes it
 * clean). A table that tracks nothing (ARM without PT_FEAT_ARMV8_DBM) gets
 * -EOPNOTSUPP. Every leaf in the range with the dirty bit set
 * (in any item of a contiguous leaf) is reported, clipped to the range. Its
 * dirty bits are cleared, unless IOMMU_DIRTY_NO_CLEAR, only when the whole
 * leaf lies inside the range: a leaf the range cuts through stays dirty, so
 * the read of the rest of it reports it too, and dirty state is never lost
 * whatever chunks the caller reads in. (Reporting past the range is no
 * option: iova_bitmap_set() fails the whole read for a record outside the
 * caller's bitmap.) A table with PT_FEAT_DMA_INCOHERENT gets -EOPNOTSUPP
 * (dirty-setting walkers are coherent; the CPU could read a stale copy of
 * an incoherent table).
 *
 * pt_iommu_<fmt>_get_info(): see struct pt_iommu_info.
 *
 * pt_iommu_<fmt>_leaf_size(table, iova): the bytes of the leaf that maps
 * @iova (a contiguous run counts whole), 0 if nothing does; for tests.
 * pt_iommu_<fmt>_set_dirty(table, iova), for formats with dirty tracking:
 * set the dirty bit as the walker does on a DMA write through @iova;
 * -ENOENT if it is not mapped. For tests that stand in for a device.
 *
 * pt_iommu_<fmt>_deinit(): free every table. Safe on a zeroed structure and
 * after a failed init. No device may use the table any more.
 *
 * pt_iommu_<fmt>_hw_info(): what the driver programs into the hardware to use
 * the table, in the format's struct pt_iommu_<fmt>_hw_info.
 */

/* Declarations shared by every format */
#define IOMMU_PT_DECLARE_OPS(fmt)                                              \
	int pt_iommu_##fmt##_map_pages(struct iommu_domain *domain,            \
				       unsigned long iova, phys_addr_t paddr,  \
				       size_t pgsize, size_t pgcount,          \
				       int prot, gfp_t gfp, size_t *mapped);   \
	size_t pt_iommu_##fmt##_unmap_pages(                                   \
		struct iommu_domain *domain, unsigned long iova,               \
		size_t pgsize, size_t pgcount,                                 \
		struct iommu_iotlb_gather *iotlb_gather);                      \
	phys_addr_t pt_iommu_##fmt##_iova_to_phys(struct iommu_domain *domain, \
						  dma_addr_t iova);            \
	int pt_iommu_##fmt##_cut_mapping(struct pt_iommu *iommu_table,         \
					 dma_addr_t cut_iova, gfp_t gfp);      \
	int pt_iommu_##fmt##_domain_cut_mapping(struct iommu_domain *domain,   \
						unsigned long iova, gfp_t gfp); \
	void pt_iommu_##fmt##_get_info(struct pt_iommu *iommu_table,           \
				       struct pt_iommu_info *info);            \
	u64 pt_iommu_##fmt##_leaf_size(struct pt_iommu *iommu_table,           \
				       dma_addr_t iova);                       \
	void pt_iommu_##fmt##_deinit(struct pt_iommu *iommu_table)

/* Formats whose walker sets a dirty bit have read_and_clear_dirty */
#define IOMMU_PT_DECLARE_DIRTY_OPS(fmt)                                    \
	int pt_iommu_##fmt##_read_and_clear_dirty(                         \
		struct iommu_domain *domain, unsigned long iova,           \
		size_t size, unsigned long flags,                          \
		struct iommu_dirty_bitmap *dirty);                         \
	int pt_iommu_##fmt##_set_dirty(struct pt_iommu *iommu_table,       \
				       dma_addr_t iova)

/**
 * IOMMU_PT_DIRTY_OPS() - Fill struct iommu_dirty_ops for a format
 * @fmt: Format name; one with dirty tracking (amdv1, x86_64, armv8_*, vtdss,
 *	riscv64)
 *
 * The driver adds .set_dirty_tracking, which turns the hardware's dirty bit
 * updates on and off in its device table.
 */
#define IOMMU_PT_DIRTY_OPS(fmt) \
	.read_and_clear_dirty = &pt_iommu_##fmt##_read_and_clear_dirty

/**
 * pt_iommu_gather_leaf_lg2() - The level hint of a gather
 * @gather: A gather the table's operations filled, as the driver's
 *	&iommu_domain_ops.iotlb_sync gets it
 *
 * unmap_pages, read_and_clear_dirty and map_pages (when it replaces empty
 * tables, see IOMMU_PT_DOMAIN_OPS()) set in &iommu_iotlb_gather.pgsize the
 * item size of every level at which an entry they changed lies: a leaf
 * item removed or cleaned (a contiguous run counts as its items), and for
 * a table that left the walk the entry that pointed at it, whose size is
 * the table's span. It is a bitmap of sizes like
 * &iommu_domain.pgsize_bitmap, one bit when one level changed: __ffs() of
 * it is the smallest (a stride that meets every changed entry), __fls()
 * the largest, the highest level that changed (a walk cache holds what
 * left from there down). Several operations into one gather add their
 * bits; iommu_iotlb_sync() clears them with the range. A driver that took
 * pgsize as one granule (6.12's arm-smmu-v3 iotlb_sync) reads it through
 * this helper and __ffs() instead.
 *
 * Return: log2 of that one size when every entry that changed was a leaf
 * item of that size and no table memory left the walk (the freelist is
 * empty): a leaf-only invalidation with that level hint is exact (an SMMUv3
 * TLBI with the leaf flag and TTL from the size, VT-d with IH set). 0
 * otherwise: the driver invalidates entries of every level (TTL 0), and
 * its walk caches too when the freelist is not empty (SMMUv3 without the
 * leaf flag, VT-d with IH clear, AMD with PDE set).
 */
static inline unsigned int
pt_iommu_gather_leaf_lg2(const struct iommu_iotlb_gather *gather)
{
	if (!is_power_of_2(gather->pgsize) || !list_empty(&gather->freelist))
		return 0;
	return __ffs(gather->pgsize);
}

/**
 * IOMMU_PT_DOMAIN_OPS() - Fill struct iommu_domain_ops for a format
 * @fmt: Format name, for instance amdv1
 *
 * Use inside the initialiser of the driver's struct iommu_domain_ops. The
 * driver still provides .free, .iotlb_sync and the attach callbacks.
 * .iotlb_sync flushes the IOTLB for the gathered range and, when
 * &iommu_iotlb_gather.freelist is not empty (table memory left the walk),
 * the walk caches (non-leaf invalidation) for it too; a leaf-only
 * invalidation is enough otherwise. It then frees the pages on the freelist
 * with iommu_put_pages_list(). Besides the iommu core after an unmap,
 * map_pages calls it when it replaces empty tables by a leaf (with a gather
 * that is never queued, so the flush must happen before it returns), and
 * unmap_pages with PT_FEAT_FLUSH_RANGE_NO_GAPS before it adds a disjoint
 * range. .cut_mapping is pt_iommu_<fmt>_cut_mapping() for
 * iommu_cut_mapping(), which needs the cut_mapping op of the patch series in
 * patches/ (the graft applies it); a cut needs no flush: every IOVA keeps
 * its translation and no table memory is freed.
 */
#define IOMMU_PT_DOMAIN_OPS(fmt)                               \
	.map_pages = &pt_iommu_##fmt##_map_pages,              \
	.unmap_pages = &pt_iommu_##fmt##_unmap_pages,          \
	.cut_mapping = &pt_iommu_##fmt##_domain_cut_mapping,   \
	.iova_to_phys = &pt_iommu_##fmt##_iova_to_phys

/**
 * enum pt_amdv1_features - Features of the AMD v1 format
 * @PT_FEAT_AMDV1_FORCE_COHERENCE: Set FC (Force Coherent) in every leaf,
 *	whatever the prot, as 6.12's AMD driver does: every DMA through the
 *	table snoops the CPU caches, and the driver's
 *	&iommu_domain_ops.enforce_cache_coherency can return true (it
 *	returns whether the table has the feature). It is chosen at init:
 *	leaves written before could lack FC, so it cannot be turned on
 *	later. Without it FC follows IOMMU_CACHE.
 * @PT_FEAT_AMDV1_SME: Host memory encryption (SME): every table pointer and
 *	leaf, and the DTE root from hw_info, carries sme_me_mask, as 6.12's
 *	driver writes them with __sme_set(). The mask must lie in the address
 *	field (bits 51:12) at or above @common.max_oasz_lg2, where the C-bit
 *	of an SME host is; init fails with -EINVAL otherwise. A 0 mask (SME
 *	not active) changes nothing.
 */
enum pt_amdv1_features {
	PT_FEAT_AMDV1_FORCE_COHERENCE = PT_FEAT_FMT_START,
	PT_FEAT_AMDV1_SME,
};

/**
 * struct pt_iommu_amdv1 - AMD IOMMU v1 (host) page table
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_amdv1 {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_amdv1_cfg - AMD v1 configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 may be
 *	up to 64 and @common.max_oasz_lg2 up to 52; @common.features may hold
 *	PT_FEAT_DYNAMIC_TOP, PT_FEAT_DMA_INCOHERENT and the AMD v1 features
 *	(enum pt_amdv1_features).
 * @starting_level: Number of levels the table starts with, 1 to 6. With
 *	PT_FEAT_DYNAMIC_TOP the table grows from there up to what
 *	@common.max_vasz_lg2 needs; without it the table is built with enough
 *	levels for @common.max_vasz_lg2 and this is ignored.
 */
struct pt_iommu_amdv1_cfg {
	struct pt_iommu_cfg common;
	unsigned int starting_level;
};

/**
 * struct pt_iommu_amdv1_hw_info - What the driver writes in its DTE
 * @host_pt_root: Physical address of the top table, with the memory
 *	encryption mask under PT_FEAT_AMDV1_SME (the top_paddr that
 *	&pt_iommu_driver_ops.change_top gets is the plain CPU physical
 *	address: __sme_set() it, or call hw_info again).
 * @mode: Paging mode, the number of levels (1 to 6).
 */
struct pt_iommu_amdv1_hw_info {
	u64 host_pt_root;
	u8 mode;
};

IOMMU_PT_DECLARE_OPS(amdv1);
IOMMU_PT_DECLARE_DIRTY_OPS(amdv1);
int pt_iommu_amdv1_init(struct pt_iommu_amdv1 *table,
			const struct pt_iommu_amdv1_cfg *cfg, gfp_t gfp);
void pt_iommu_amdv1_hw_info(struct pt_iommu_amdv1 *table,
			    struct pt_iommu_amdv1_hw_info *info);

/*
 * The AMD v1 format with a 2K granule, for iommufd's selftest mock domain
 * (CONFIG_IOMMU_PT_AMDV1_MOCK): the same structures and operations, 2K items
 * at level 0 and 1M at level 1, a 51-bit output address. No hardware walks
 * it; hw_info is for tests.
 */
IOMMU_PT_DECLARE_OPS(amdv1_mock);
IOMMU_PT_DECLARE_DIRTY_OPS(amdv1_mock);
int pt_iommu_amdv1_mock_init(struct pt_iommu_amdv1 *table,
			     const struct pt_iommu_amdv1_cfg *cfg, gfp_t gfp);
void pt_iommu_amdv1_mock_hw_info(struct pt_iommu_amdv1 *table,
				 struct pt_iommu_amdv1_hw_info *info);

/**
 * enum pt_x86_64_features - Features of the x86-64 format
 * @PT_FEAT_X86_64_1G_PAGES: The walker supports 1G leaves (level 2).
 * @PT_FEAT_X86_64_XD: The walker has execute-disable enabled (VT-d: NXE in
 *	the PASID table entry; AMD v2: enabled in the GCR3 context), so
 *	IOMMU_NOEXEC sets XD (bit 63). Without it bit 63 is reserved to the
 *	walker and IOMMU_NOEXEC is accepted and sets nothing, as in 6.12.
 * @PT_FEAT_X86_64_SME: Host memory encryption (SME, AMD v2): every table
 *	pointer and leaf, and the root from hw_info, carries sme_me_mask, as
 *	6.12's AMD v2 tables are written with __sme_set(). The mask must lie
 *	in the address field (bits 51:12) at or above @common.max_oasz_lg2;
 *	init fails with -EINVAL otherwise. A 0 mask changes nothing.
 */
enum pt_x86_64_features {
	PT_FEAT_X86_64_1G_PAGES = PT_FEAT_FMT_START,
	PT_FEAT_X86_64_XD,
	PT_FEAT_X86_64_SME,
};

/**
 * struct pt_iommu_x86_64 - x86-64 page table (VT-d first stage, AMD v2)
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_x86_64 {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_x86_64_cfg - x86-64 configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 is 48
 *	for 4-level or 57 for 5-level tables; @common.max_oasz_lg2 is up to 52;
 *	@common.features may hold PT_FEAT_DMA_INCOHERENT and the x86-64
 *	features (enum pt_x86_64_features). The IOVA is always sign extended.
 */
struct pt_iommu_x86_64_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_x86_64_hw_info - What the driver programs
 * @root_pa: Physical address of the top table (the first-stage pointer, or
 *	the GCR3 root), with the memory encryption mask under
 *	PT_FEAT_X86_64_SME.
 * @levels: 4 or 5, for the paging mode field.
 */
struct pt_iommu_x86_64_hw_info {
	u64 root_pa;
	u8 levels;
};

IOMMU_PT_DECLARE_OPS(x86_64);
IOMMU_PT_DECLARE_DIRTY_OPS(x86_64);
int pt_iommu_x86_64_init(struct pt_iommu_x86_64 *table,
			 const struct pt_iommu_x86_64_cfg *cfg, gfp_t gfp);
void pt_iommu_x86_64_hw_info(struct pt_iommu_x86_64 *table,
			     struct pt_iommu_x86_64_hw_info *info);

/**
 * enum pt_vtdss_features - Features of the VT-d second-stage format
 * @PT_FEAT_VTDSS_2M_PAGES: The unit has 2M pages (CAP_REG.SLLPS bit 0).
 * @PT_FEAT_VTDSS_1G_PAGES: The unit has 1G pages (CAP_REG.SLLPS bit 1).
 * @PT_FEAT_VTDSS_FORCE_COHERENCE: Set SNP on every leaf, so that every DMA
 *	through the table snoops the CPU caches; only for a unit with Snoop
 *	Control (ECAP_REG.SC), where bit 11 is not reserved. Chosen at init,
 *	like AMD v1's: a driver's &iommu_domain_ops.enforce_cache_coherency
 *	returns whether the table has it.
 * @PT_FEAT_VTDSS_SSADS: The unit has second-stage accessed/dirty support
 *	(ECAP_REG.SSADS, "SLADS" in the 6.12 tree; the driver sets SSADE in
 *	the scalable-mode PASID entry to turn it on): A is preset in every
 *	entry, the unit sets D in the leaves it writes through, and the table
 *	has read_and_clear_dirty. Without it bits 8 and 9 are left zero and
 *	read_and_clear_dirty returns -EOPNOTSUPP. Not with
 *	PT_FEAT_DMA_INCOHERENT (-EOPNOTSUPP at init): the unit's A/D updates
 *	need page-walk coherency (ECAP_REG.SMPWC).
 */
enum pt_vtdss_features {
	PT_FEAT_VTDSS_2M_PAGES = PT_FEAT_FMT_START,
	PT_FEAT_VTDSS_1G_PAGES,
	PT_FEAT_VTDSS_FORCE_COHERENCE,
	PT_FEAT_VTDSS_SSADS,
};

/**
 * struct pt_iommu_vtdss - Intel VT-d second-stage page table
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_vtdss {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_vtdss_cfg - VT-d second-stage configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 is
 *	39, 48 or 57 (3, 4 or 5 levels, as SAGAW allows); @common.max_oasz_lg2
 *	is the host address width, 32 to 52; @common.features may hold
 *	PT_FEAT_DMA_INCOHERENT (a unit without ECAP_REG.C) and the VT-d
 *	features (enum pt_vtdss_features).
 */
struct pt_iommu_vtdss_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_vtdss_hw_info - What the driver programs
 * @ssptptr: Physical address of the top table: the context entry's
 *	second-stage page-table pointer (legacy mode) or the PASID entry's
 *	SSPTPTR (scalable mode).
 * @aw: The address width field of the context entry (AW) or PASID entry
 *	(AW): 1, 2 or 3 for 3, 4 or 5 levels.
 */
struct pt_iommu_vtdss_hw_info {
	u64 ssptptr;
	u8 aw;
};

IOMMU_PT_DECLARE_OPS(vtdss);
IOMMU_PT_DECLARE_DIRTY_OPS(vtdss);
int pt_iommu_vtdss_init(struct pt_iommu_vtdss *table,
			const struct pt_iommu_vtdss_cfg *cfg, gfp_t gfp);
void pt_iommu_vtdss_hw_info(struct pt_iommu_vtdss *table,
			    struct pt_iommu_vtdss_hw_info *info);

/**
 * enum pt_riscv64_features - Features of the RISC-V Sv39/Sv48/Sv57 format
 * @PT_FEAT_RISCV64_SVNAPOT_64K: The walker has Svnapot (which the RISC-V
 *	IOMMU specification makes mandatory): 64K pages as runs of 16 4K
 *	entries with N set and PPN[3:0] = 0b1000, re-sized in place by a cut.
 * @PT_FEAT_RISCV64_SVPBMT: The walker has Svpbmt (the IOMMU's
 *	capabilities.Svpbmt): IOMMU_MMIO leaves get the I/O memory type, leaves
 *	without IOMMU_CACHE the non-cacheable one, the others the PMA's.
 *	Without it bits 62:61 stay zero and IOMMU_MMIO changes nothing.
 * @PT_FEAT_RISCV64_HWAD: The walker updates A and D itself (the IOMMU's
 *	capabilities.AMO_HWAD, with SADE or GADE set in the device context):
 *	map leaves D clear, the IOMMU sets it on the first write, and the
 *	table has read_and_clear_dirty. Without it D is preset on every
 *	writable leaf (the IOMMU faults a write through a leaf without D) and
 *	read_and_clear_dirty returns -EOPNOTSUPP. A is preset either way. Not
 *	with PT_FEAT_DMA_INCOHERENT (-EOPNOTSUPP at init).
 */
enum pt_riscv64_features {
	PT_FEAT_RISCV64_SVNAPOT_64K = PT_FEAT_FMT_START,
	PT_FEAT_RISCV64_SVPBMT,
	PT_FEAT_RISCV64_HWAD,
};

/**
 * struct pt_iommu_riscv64 - RISC-V Sv39, Sv48 or Sv57 page table
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_riscv64 {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_riscv64_cfg - RISC-V page table configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 is
 *	39, 48 or 57 (Sv39, Sv48, Sv57, as the IOMMU's capabilities allow);
 *	@common.max_oasz_lg2 is 32 to 56; @common.features may hold
 *	PT_FEAT_DMA_INCOHERENT and the RISC-V features (enum
 *	pt_riscv64_features). The IOVA is always sign extended, as the
 *	first stage translates it.
 */
struct pt_iommu_riscv64_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_riscv64_hw_info - What the driver programs
 * @ppn: Physical page number of the top table, for the PPN field of the
 *	iosatp (the device context's fsc, or a process context's fsc).
 * @mode: The MODE field of iosatp: 8 (Sv39), 9 (Sv48) or 10 (Sv57).
 */
struct pt_iommu_riscv64_hw_info {
	u64 ppn;
	u8 mode;
};

IOMMU_PT_DECLARE_OPS(riscv64);
IOMMU_PT_DECLARE_DIRTY_OPS(riscv64);
int pt_iommu_riscv64_init(struct pt_iommu_riscv64 *table,
			  const struct pt_iommu_riscv64_cfg *cfg, gfp_t gfp);
void pt_iommu_riscv64_hw_info(struct pt_iommu_riscv64 *table,
			      struct pt_iommu_riscv64_hw_info *info);

/**
 * enum pt_armv7s_features - Features of the ARMv7 short-descriptor format
 * @PT_FEAT_ARMV7S_NS: io-pgtable's IO_PGTABLE_QUIRK_ARM_NS: NSTable in
 *	every table entry and NS in every section and supersection, for an
 *	SMMU that translates non-secure accesses (MediaTek).
 * @PT_FEAT_ARMV7S_NO_PERMS: IO_PGTABLE_QUIRK_NO_PERMS: no access
 *	permission (AP) and no execute-never (XN) bits, for an SMMU that
 *	does not implement them.
 * @PT_FEAT_ARMV7S_MTK_EXT: IO_PGTABLE_QUIRK_ARM_MTK_EXT: output address
 *	bits 32, 33 and 34 in entry bits 9, 4 and 5 of every leaf (MediaTek
 *	4GB mode and beyond), an output size of up to 35 bits and an input
 *	size of up to 34 bits (a level 1 table of up to 16384 entries). Only
 *	with PT_FEAT_ARMV7S_NO_PERMS, whose AP and XN bits those are.
 */
enum pt_armv7s_features {
	PT_FEAT_ARMV7S_NS = PT_FEAT_FMT_START,
	PT_FEAT_ARMV7S_NO_PERMS,
	PT_FEAT_ARMV7S_MTK_EXT,
};

/**
 * struct pt_iommu_armv7s - ARMv7 short-descriptor page table
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_armv7s {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_armv7s_cfg - ARMv7 short-descriptor configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 (the
 *	input size) is 32, or 33 or 34 with PT_FEAT_ARMV7S_MTK_EXT;
 *	@common.max_oasz_lg2 is 32, or 33 to 35 with PT_FEAT_ARMV7S_MTK_EXT;
 *	@common.features may hold the enum pt_armv7s_features and
 *	PT_FEAT_DMA_INCOHERENT. Tables are always allocated below 4G
 *	(GFP_DMA32), so a 32-bit TTBR and table entry reach them.
 */
struct pt_iommu_armv7s_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_armv7s_hw_info - What an SMMU driver programs
 * @ttbr: TTBR0 as io-pgtable-arm-v7s computes it: the level 1 table's
 *	address with S and the walk cacheability (NOS and write-back
 *	write-allocate for a coherent walker, non-cacheable otherwise); with
 *	PT_FEAT_ARMV7S_MTK_EXT the address with bits 34:32 in bits 2:0.
 * @tcr: TTBCR: 0 (N = 0, short descriptors).
 * @prrr: PRRR for the TEX remap of the memory types the leaves use.
 * @nmrr: NMRR, likewise.
 */
struct pt_iommu_armv7s_hw_info {
	u32 ttbr;
	u32 tcr;
	u32 prrr;
	u32 nmrr;
};

IOMMU_PT_DECLARE_OPS(armv7s);
int pt_iommu_armv7s_init(struct pt_iommu_armv7s *table,
			 const struct pt_iommu_armv7s_cfg *cfg, gfp_t gfp);
void pt_iommu_armv7s_hw_info(struct pt_iommu_armv7s *table,
			     struct pt_iommu_armv7s_hw_info *info);

/**
 * enum pt_armv8_features - Features of the ARM VMSAv8-64 formats
 * @PT_FEAT_ARMV8_S2: A stage 2 table (S2AP, MemAttr, concatenated tops);
 *	stage 1 otherwise.
 * @PT_FEAT_ARMV8_BBML2: The SMMU has break-before-make level 2
 *	(SMMU_IDR3.BBML == 2): any change of translation size is made without
 *	break-before-make, so a cut may re-size contiguous runs in place and
 *	replace a block by an equivalent table with one store. Implies what
 *	PT_FEAT_ARMV8_BBML1 allows.
 * @PT_FEAT_ARMV8_BBML1: The SMMU has break-before-make level 1
 *	(SMMU_IDR3.BBML == 1): a change to only the Contiguous bit does not
 *	lead to a TLB conflict, so a cut may re-size contiguous runs in place.
 *	A block still needs break-before-make (or the nT bit and a TLB
 *	invalidation between two stores) to become a table: such cuts are
 *	refused with -EOPNOTSUPP. Without either feature (level 0) both are.
 * @PT_FEAT_ARMV8_DBM: Stage 1 dirty tracking with hardware dirty state
 *	updates (SMMUv3 HTTU with CD.HD set, io-pgtable-arm's
 *	IO_PGTABLE_QUIRK_ARM_HD): every writable leaf carries DBM and starts
 *	writable-clean (AP[2] set); the SMMU clears AP[2] on the first write,
 *	and read_and_clear_dirty() sets it again. Refused with
 *	-EOPNOTSUPP at stage 2 and with PT_FEAT_DMA_INCOHERENT (HTTU needs a
 *	coherent walker).
 */
enum pt_armv8_features {
	PT_FEAT_ARMV8_S2 = PT_FEAT_FMT_START,
	PT_FEAT_ARMV8_BBML2,
	PT_FEAT_ARMV8_BBML1,
	PT_FEAT_ARMV8_DBM,
};

/**
 * struct pt_iommu_armv8 - ARM VMSAv8-64 page table, any granule
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_armv8 {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_armv8_cfg - ARM VMSAv8-64 configuration
 * @common: Configuration common to every format. @common.max_vasz_lg2 (the
 *	input size, IAS) is 32 to 48, or 52 with the 64K granule (FEAT_LVA or
 *	a 52-bit IPA); @common.max_oasz_lg2 (OAS) is 32 to 48, or 52 with the
 *	64K granule; @common.features may hold
 *	PT_FEAT_ARMV8_S2, PT_FEAT_ARMV8_BBML1, PT_FEAT_ARMV8_BBML2,
 *	PT_FEAT_ARMV8_DBM and PT_FEAT_DMA_INCOHERENT.
 */
struct pt_iommu_armv8_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_armv8_hw_info - What an SMMU driver programs
 * @ttbr: Physical address of the top table (TTB0, or S2TTB).
 * @mair: Stage 1: the MAIR value matching the AttrIndx the table uses.
 * @tsz: T0SZ (stage 1) or VTCR.T0SZ (stage 2): 64 - IAS.
 * @sl0: Stage 2: VTCR.SL0, the starting lookup level.
 * @tg: TG0 granule encoding (4K 0, 64K 1, 16K 2).
 * @ps: TCR.IPS / VTCR.PS, the output size encoding.
 * @sh: SH0: inner shareable for a coherent walker, outer otherwise.
 * @irgn: IRGN0: write-back write-allocate (1) when coherent, else 0.
 * @orgn: ORGN0: as @irgn.
 */
struct pt_iommu_armv8_hw_info {
	u64 ttbr;
	u64 mair;
	u8 tsz;
	u8 sl0;
	u8 tg;
	u8 ps;
	u8 sh;
	u8 irgn;
	u8 orgn;
};

#define IOMMU_PT_DECLARE_ARMV8(fmt)                                         \
	IOMMU_PT_DECLARE_OPS(fmt);                                          \
	int pt_iommu_##fmt##_init(struct pt_iommu_armv8 *table,             \
				  const struct pt_iommu_armv8_cfg *cfg,     \
				  gfp_t gfp);                               \
	void pt_iommu_##fmt##_hw_info(struct pt_iommu_armv8 *table,         \
				      struct pt_iommu_armv8_hw_info *info)

IOMMU_PT_DECLARE_ARMV8(armv8_4k);
IOMMU_PT_DECLARE_ARMV8(armv8_16k);
IOMMU_PT_DECLARE_ARMV8(armv8_64k);
/* Stage 1 tables with PT_FEAT_ARMV8_DBM; -EOPNOTSUPP otherwise */
IOMMU_PT_DECLARE_DIRTY_OPS(armv8_4k);
IOMMU_PT_DECLARE_DIRTY_OPS(armv8_16k);
IOMMU_PT_DECLARE_DIRTY_OPS(armv8_64k);

/**
 * enum pt_dart_features - Features of the Apple DART formats
 * @PT_FEAT_DART_V2: The DART v2 entry layout (apple-dart's t6000 and t8110,
 *	io-pgtable's APPLE_DART2): 42-bit output addresses shifted right by 4,
 *	NO_READ, NO_WRITE and NO_CACHE in bits 3:1. Without it the DART v1
 *	layout (t8020, APPLE_DART): 36-bit output addresses in place, NO_READ
 *	and NO_WRITE in bits 8:7, sub-page protection off (bit 1). 16K
 *	granule only (-EOPNOTSUPP with dart_4k).
 */
enum pt_dart_features {
	PT_FEAT_DART_V2 = PT_FEAT_FMT_START,
};

/**
 * struct pt_iommu_dart - Apple DART page table, either granule
 * @iommu: Generic part; its domain is what the driver hands to the core.
 */
struct pt_iommu_dart {
	struct pt_iommu iommu;
};

/**
 * struct pt_iommu_dart_cfg - Apple DART configuration
 * @common: Configuration common to every format. @common.max_oasz_lg2 is 32
 *	to 36 (v1) or 32 to 42 (v2), apple-dart's hw->oas or what a t8110
 *	reports; @common.max_vasz_lg2 is 32 (apple-dart's t8020 and t6000) up
 *	to what 4 TTBRs resolve (38 bits with 16K, 32 with 4K), at most
 *	@common.max_oasz_lg2; @common.features may hold PT_FEAT_DART_V2 and
 *	PT_FEAT_DMA_INCOHERENT.
 */
struct pt_iommu_dart_cfg {
	struct pt_iommu_cfg common;
};

/**
 * struct pt_iommu_dart_hw_info - What apple-dart programs
 * @ttbr: Physical address of the L1 table of each TTBR, as
 *	io_pgtable_cfg.apple_dart_cfg.ttbr[] gives them: TTBR i translates the
 *	IOVAs whose bits above one L1 table's span are i. The driver encodes
 *	them into its TTBR registers (its valid bit, address shift).
 * @n_ttbrs: How many TTBRs the table uses, 1, 2 or 4; the driver clears the
 *	others.
 */
struct pt_iommu_dart_hw_info {
	u64 ttbr[4];
	u8 n_ttbrs;
};

#define IOMMU_PT_DECLARE_DART(fmt)                                      \
	IOMMU_PT_DECLARE_OPS(fmt);                                      \
	int pt_iommu_##fmt##_init(struct pt_iommu_dart *table,          \
				  const struct pt_iommu_dart_cfg *cfg,  \
				  gfp_t gfp);                           \
	void pt_iommu_##fmt##_hw_info(struct pt_iommu_dart *table,      \
				      struct pt_iommu_dart_hw_info *info)

/* The 16K granule (every DART of apple-dart) and the 4K one (v1 only) */
IOMMU_PT_DECLARE_DART(dart);
IOMMU_PT_DECLARE_DART(dart_4k);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic PT fuzzer: one libFuzzer target over every format configuration.
 *
 * An input is a configuration byte, a mode byte and a sequence of
 * operations (map, unmap, cut, iova_to_phys, a walker setting dirty bits,
 * read_and_clear_dirty, an injected allocation failure). Every call is
 * checked against a reference model written here from the contracts of
 * Documentation/generic_pt.rst and include/linux/generic_pt/iommu.h, not
 * from the engine: the model is a sorted list of leaves, each map splits
 * its range into the largest sizes the alignment of IOVA and PA, the length
 * left and the documented size list allow, and a walker written here from
 * the hardware formats' descriptions reads the table memory as the IOMMU
 * would. Checked: return values and errnos, the exact bytes unmapped,
 * translations at the edges of every leaf and gap the call touched, the
 * size of every leaf, table memory unchanged by every failed call, every
 * store of a cut hitless, dirty state, and no table left at deinit.
 *
 * In the two-thread mode two threads work on disjoint windows of one table
 * that share upper tables; after every call that returned, the calling
 * thread checks that the walker (with PT_FEAT_DMA_INCOHERENT: one that
 * reads only what was pushed to it) sees what the call reported.
 *
 * A failed check prints what differs and aborts, which libFuzzer and the
 * replay driver (replay.c) report as a crash.
 */
#include <asm/byteorder.h>
#include <linux/generic_pt/iommu.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <iommu-pages.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pt.h"

/* The ARM formats last: fz_entries_lg2() and fz_cut_refused() test it */
enum fz_fmt {
	FZ_AMDV1,
	FZ_X86_64,
	FZ_VTDSS,
	FZ_RISCV64,
	FZ_ARMV7S,
	FZ_DART16K,
	FZ_DART4K,
	FZ_ARM4K,
	FZ_ARM16K,
	FZ_ARM64K
};

/* What the operations did, for the statistics */
enum {
	FZ_MAP_OK,
	FZ_MAP_ERR,
	FZ_MAP_NOMEM,
	FZ_UNMAP_BYTES,
	FZ_UNMAP_NONE,
	FZ_CUT_SPLIT,
	FZ_CUT_NOP,
	FZ_CUT_ERR,
	FZ_DIRTY_READ,
	FZ_UNMAP_JOINED,
	FZ_MAP_SYNCED,
	FZ_NOUTCOMES
};

static const char *const fz_outcome_names[FZ_NOUTCOMES] = {
	"map ok", "map refused", "map -ENOMEM", "unmap some", "unmap none",
	"cut split", "cut at boundary", "cut refused", "dirty read",
	"unmap into the gather before", "map synced a gather",
};

/**
 * struct fz_cfg - One table configuration the fuzzer can pick
 * @name: For messages
 * @fmt: The format
 * @vasz: max_vasz_lg2
 * @oasz: max_oasz_lg2
 * @dyn: AMD v1: the starting level of a dynamic top, 0 for none
 * @s2: ARM: stage 2
 * @bbml: ARM: the break-before-make level declared (0, 1 or 2)
 * @incoherent: PT_FEAT_DMA_INCOHERENT, with the walker model reading only
 *	what was pushed
 * @g1: x86-64: PT_FEAT_X86_64_1G_PAGES; VT-d second stage:
 *	PT_FEAT_VTDSS_1G_PAGES
 * @m2: VT-d second stage: PT_FEAT_VTDSS_2M_PAGES
 * @ad: VT-d second stage: PT_FEAT_VTDSS_SSADS (A/D, dirty tracking);
 *	RISC-V: PT_FEAT_RISCV64_HWAD (hardware A/D, dirty tracking)
 * @napot: RISC-V: PT_FEAT_RISCV64_SVNAPOT_64K
 * @pbmt: RISC-V: PT_FEAT_RISCV64_SVPBMT
 * @dbm: ARM stage 1: PT_FEAT_ARMV8_DBM (hardware dirty state)
 * @v7ns: ARMv7s: PT_FEAT_ARMV7S_NS
 * @np: ARMv7s: PT_FEAT_ARMV7S_NO_PERMS
 * @mtk: ARMv7s: PT_FEAT_ARMV7S_MTK_EXT (output address bits 34:32)
 * @nogaps: PT_FEAT_FLUSH_RANGE_NO_GAPS rather than PT_FEAT_FLUSH_RANGE
 * @v2: Apple DART: PT_FEAT_DART_V2 (the t6000 / t8110 entry layout)
 */
struct fz_cfg {
	const char *name;
	enum fz_fmt fmt;
	u8 vasz;
	u8 oasz;
	u8 dyn;
	bool s2;
	u8 bbml;
	bool incoherent;
	bool g1;
	bool m2;
	bool ad;
	bool napot;
	bool pbmt;
	bool dbm;
	bool v7ns;
	bool np;
	bool mtk;
	bool nogaps;
	bool v2;
};

static const struct fz_cfg fz_cfgs[] = {
	{ "amdv1-va64", FZ_AMDV1, 64, 52 },
	{ "amdv1-va64-dyn3", FZ_AMDV1, 64, 52, .dyn = 3 },
	{ "amdv1-va48-oa44-inc", FZ_AMDV1, 48, 44, .incoherent = true },
	{ "amdv1-va40-oa40-dyn1-nogaps", FZ_AMDV1, 40, 40, .dyn = 1,
	  .nogaps = true },
	{ "x86-4lvl-1g", FZ_X86_64, 48, 52, .g1 = true },
	{ "x86-5lvl-oa46-inc", FZ_X86_64, 57, 46, .incoherent = true },
	{ "arm4k-s1-48-48-bbml2-dbm", FZ_ARM4K, 48, 48, .bbml = 2,
	  .dbm = true },
	{ "arm4k-s2-40-40-bbml1", FZ_ARM4K, 40, 40, .s2 = true, .bbml = 1 },
	{ "arm4k-s1-39-40-inc", FZ_ARM4K, 39, 40, .incoherent = true },
	{ "arm16k-s1-48-48-bbml2", FZ_ARM16K, 48, 48, .bbml = 2 },
	{ "arm16k-s2-36-40-bbml1-nogaps", FZ_ARM16K, 36, 40, .s2 = true,
	  .bbml = 1, .nogaps = true },
	{ "arm64k-s1-52-52-bbml2-inc", FZ_ARM64K, 52, 52, .bbml = 2,
	  .incoherent = true },
	{ "arm64k-s2-42-48", FZ_ARM64K, 42, 48, .s2 = true },
	{ "arm4k-s1-48-48-bbml2-inc", FZ_ARM4K, 48, 48, .bbml = 2,
	  .incoherent = true },
	{ "x86-4lvl-no1g-nogaps", FZ_X86_64, 48, 40, .nogaps = true },
	{ "arm16k-s1-32-40-dbm", FZ_ARM16K, 32, 40, .dbm = true },
	/* Added last, so the configurations above keep their numbers */
	{ "vtdss-4lvl-2m-1g-ad", FZ_VTDSS, 48, 52, .m2 = true, .g1 = true,
	  .ad = true },
	{ "vtdss-3lvl-2m-oa39-inc", FZ_VTDSS, 39, 39, .m2 = true,
	  .incoherent = true },
	{ "vtdss-5lvl-4k-oa46", FZ_VTDSS, 57, 46 },
	/* Added after the VT-d ones, which keep their numbers */
	{ "riscv-sv48-napot-pbmt-hwad", FZ_RISCV64, 48, 56, .napot = true,
	  .pbmt = true, .ad = true },
	{ "riscv-sv39-napot-oa40-inc", FZ_RISCV64, 39, 40, .napot = true,
	  .incoherent = true },
	{ "riscv-sv57-oa48-nogaps", FZ_RISCV64, 57, 48, .nogaps = true },
	/* Added after the RISC-V ones, which keep their numbers */
	{ "armv7s-va32", FZ_ARMV7S, 32, 32 },
	{ "armv7s-mtk-oa35-ns-inc", FZ_ARMV7S, 32, 35, .v7ns = true,
	  .np = true, .mtk = true, .incoherent = true },
	{ "armv7s-mtk-va34-oa35-nogaps", FZ_ARMV7S, 34, 35, .np = true,
	  .mtk = true, .nogaps = true },
	{ "dart-16k-v2-32-42", FZ_DART16K, 32, 42, .v2 = true },
	{ "dart-16k-v1-32-36-inc", FZ_DART16K, 32, 36, .incoherent = true },
	{ "dart-16k-v2-38-42-4ttbr-nogaps", FZ_DART16K, 38, 42, .v2 = true,
	  .nogaps = true },
	{ "dart-4k-v1-32-36-4ttbr", FZ_DART4K, 32, 36 },
};

#define FZ_NCFGS ARRAY_SIZE(fz_cfgs)
static_assert(ARRAY_SIZE(fz_cfgs) <= 64);
/* The most leaves the model follows; a map needing more is skipped */
#define FZ_LEAF_CAP 2048
#define FZ_MAX_SIZES 64

/* A leaf of the model */
struct fz_leaf {
	u64 va;
	u64 pa;
	u8 lg2;
	u8 dirty;
	u16 prot;
};

struct fz_model {
	struct fz_leaf *l;
	unsigned int n;
};

/* What the walker found for one IOVA */
struct fz_hw {
	int type;		/* 0 nothing mapped, 1 a leaf */
	u64 va;			/* first IOVA of the leaf */
	u64 pa;			/* its first PA */
	unsigned int lg2;
	bool dirty;
	u64 *entry;		/* its first item in table memory (8-byte words) */
	unsigned int nitems;
};

struct fz_shadow {
	struct fz_shadow *next;
	void *table;
	size_t len;
	u64 *copy;
};

#define FZ_SHADOW_BUCKETS 1024

struct fz_ctx {
	const struct fz_cfg *cfg;
	union {
		struct pt_iommu iommu;
		struct pt_iommu_amdv1 amd;
		struct pt_iommu_x86_64 x86;
		struct pt_iommu_vtdss vtd;
		struct pt_iommu_riscv64 rv;
		struct pt_iommu_armv7s v7s;
		struct pt_iommu_armv8 arm;
		struct pt_iommu_dart dart;
	} t;
	struct pt_iommu_test_hooks hooks;
	struct pt_iommu_driver_ops drv_ops;
	/* The driver's lock over change_top (get_top_lock) */
	spinlock_t top_lock;
	struct device dev;
	/* The top the driver was told: table address | level */
	u64 top;
	unsigned int wsz;	/* bytes of a table word: 8, or 4 (ARMv7s) */
	unsigned int g;		/* granule lg2 */
	unsigned int b;		/* index bits of a full table */
	unsigned int top_entries_lg2;
	u64 sizes;		/* documented page sizes */
	u8 size_lg2[FZ_MAX_SIZES];
	unsigned int nsizes;
	u64 minpg;
	bool dirty_ok;
	u64 dirty_bit;		/* the bit the walker sets in a leaf */
	pthread_mutex_t shadow_lock;
	struct fz_shadow *shadow[FZ_SHADOW_BUCKETS];
	/* The mirror of table memory (one thread) */
	struct fz_mirror *mirror[FZ_SHADOW_BUCKETS];
	u64 mirror_top;
	unsigned int ops_since_full;
	/* Hitless check of a cut: the leaf being cut */
	bool cut_armed;
	struct fz_leaf cut_leaf;
	u64 cut_iova;
	bool threaded;
};

unsigned int fuzz_pt_configs(void)
{
	return FZ_NCFGS;
}

const char *fuzz_pt_config_name(unsigned int i)
{
	return fz_cfgs[i % FZ_NCFGS].name;
}

/* Operations run, calls into the engine (checks included), by outcome */
static unsigned long fz_ops_done;
static unsigned long fz_calls;
static unsigned long fz_ops_skipped;
static unsigned long fz_ops_threaded;
static unsigned long fz_outcome[FZ_NOUTCOMES];

unsigned long fuzz_pt_ops(void)
{
	return __atomic_load_n(&fz_ops_done, __ATOMIC_RELAXED);
}

static void fz_count_op(void)
{
	__atomic_fetch_add(&fz_calls, 1, __ATOMIC_RELAXED);
}

/*
 * With FUZZ_PT_TRACE set, every call and its result on stderr (read before
 * the threads start)
 */
static int fz_tracing = -1;

static __printf(1, 2) void fz_trace(const char *fmt, ...)
{
	va_list args;

	if (fz_tracing <= 0)
		return;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
}

static void fz_outcome_add(unsigned int what)
{
	__atomic_fetch_add(&fz_outcome[what], 1, __ATOMIC_RELAXED);
}

static __printf(2, 3) void fz_fail(struct fz_ctx *ctx, const char *fmt, ...)
{
	va_list args;

	fflush(stdout);
	fprintf(stderr, "fuzz_pt: %s: ", ctx->cfg->name);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

static u64 fz_mask(unsigned int lg2)
{
	return lg2 >= 64 ? U64_MAX : BIT_ULL(lg2) - 1;
}

/*
 * With FUZZ_PT_CONFIGS set to parts of configuration names, comma
 * separated ("vtdss", "amdv1-va64,x86"), only the configurations whose
 * name contains one of them run: an input picking another is rejected,
 * which libFuzzer takes as "do not keep it", so a run explores those
 * configurations only. Read once, before any thread starts.
 */
static u64 fz_cfg_on;

static void fz_cfg_select(void)
{
	const char *sel = getenv("FUZZ_PT_CONFIGS");
	unsigned int i;

	if (!sel || !*sel) {
		fz_cfg_on = fz_mask(FZ_NCFGS);
		return;
	}
	while (*sel) {
		size_t n = strcspn(sel, ",");
		char part[64];

		snprintf(part, sizeof(part), "%.*s", (int)n, sel);
		for (i = 0; i != FZ_NCFGS; i++)
			if (n && strstr(fz_cfgs[i].name, part))
				fz_cfg_on |= BIT_ULL(i);
		sel += n + !!sel[n];
	}
	if (!fz_cfg_on) {
		fprintf(stderr, "fuzz_pt: FUZZ_PT_CONFIGS=%s names no configuration\n",
			getenv("FUZZ_PT_CONFIGS"));
		exit(2);
	}
}

/* Geometry, from the documentation of each format */

static unsigned int fz_item_lg2(struct fz_ctx *ctx, unsigned int level)
{
	return ctx->g + ctx->b * level;
}

/* The top the driver was told last; change_top() may run meanwhile */
static u64 fz_top(struct fz_ctx *ctx)
{
	return __atomic_load_n(&ctx->top, __ATOMIC_ACQUIRE);
}

static unsigned int fz_top_level(struct fz_ctx *ctx)
{
	return fz_top(ctx) & 7;
}

/*
 * The top table and its level, from one read of the top: in the two-thread
 * mode a change_top() by the other thread between two reads would pair the
 * old table with the new level (AMD v1 with a dynamic top)
 */
static u64 *fz_top_table(struct fz_ctx *ctx, unsigned int *level)
{
	u64 top = fz_top(ctx);

	*level = top & 7;
	return (u64 *)(uintptr_t)(top & ~7ULL);
}

/* Apple DART: its top is the L1 tables of 1, 2 or 4 TTBRs, one after another */
static bool fz_dart(struct fz_ctx *ctx)
{
	return ctx->cfg->fmt == FZ_DART16K || ctx->cfg->fmt == FZ_DART4K;
}

/* log2 of the entries of the table at @level */
static unsigned int fz_entries_lg2(struct fz_ctx *ctx, unsigned int level)
{
	if (level == fz_top_level(ctx) &&
	    (ctx->cfg->fmt >= FZ_ARM4K || ctx->cfg->fmt == FZ_ARMV7S ||
	     fz_dart(ctx)))
		return ctx->top_entries_lg2;
	return ctx->b;
}

/*
 * ARM: log2 of the entries of a contiguous run at @level ("Leaf sizes by
 * level": 16 entries with 4K; 128 pages or 32 blocks with 16K; 32 with
 * 64K, none for its 4T blocks).
 */
static unsigned int fz_arm_contig(struct fz_ctx *ctx, unsigned int level)
{
	switch (ctx->cfg->fmt) {
	case FZ_ARM4K:
		return 4;
	case FZ_ARM16K:
		return level == 0 ? 7 : 5;
	case FZ_ARM64K:
		return level == 2 ? 0 : 5;
	default:
		return 0;
	}
}

/*
 * The page sizes of the table "Leaf sizes by level", without those above
 * max_oasz_lg2. Not documented, seen in the page size bitmap: no page
 * spans the whole IOVA space either (AMD v1 va40 has no 2^40 page).
 */
static u64 fz_doc_sizes(const struct fz_cfg *cfg)
{
	u64 sizes = 0;
	unsigned int i;

	switch (cfg->fmt) {
	case FZ_AMDV1:
		for (i = 12; i <= min_t(unsigned int, cfg->oasz, 51); i++)
			if (i != 39)
				sizes |= BIT_ULL(i);
		return sizes & fz_mask(cfg->vasz);
	case FZ_X86_64:
		return BIT_ULL(12) | BIT_ULL(21) | (cfg->g1 ? BIT_ULL(30) : 0);
	case FZ_VTDSS:
		return BIT_ULL(12) | (cfg->m2 ? BIT_ULL(21) : 0) |
		       (cfg->g1 ? BIT_ULL(30) : 0);
	case FZ_RISCV64:
		/* A leaf at every level of the mode; 64K with Svnapot */
		sizes = BIT_ULL(12) | BIT_ULL(21) | BIT_ULL(30) |
			(cfg->napot ? BIT_ULL(16) : 0);
		if (cfg->vasz >= 48)
			sizes |= BIT_ULL(39);
		if (cfg->vasz >= 57)
			sizes |= BIT_ULL(48);
		break;
	case FZ_ARMV7S:
		/* Small and large pages, sections and supersections */
		sizes = BIT_ULL(12) | BIT_ULL(16) | BIT_ULL(20) | BIT_ULL(24);
		break;
	case FZ_DART16K:
		/* Pages of the granule only */
		return BIT_ULL(14);
	case FZ_DART4K:
		return BIT_ULL(12);
	case FZ_ARM4K:
		sizes = BIT_ULL(12) | BIT_ULL(16) | BIT_ULL(21) | BIT_ULL(25) |
			BIT_ULL(30) | BIT_ULL(34);
		break;
	case FZ_ARM16K:
		sizes = BIT_ULL(14) | BIT_ULL(21) | BIT_ULL(25) | BIT_ULL(30);
		break;
	case FZ_ARM64K:
		sizes = BIT_ULL(16) | BIT_ULL(21) | BIT_ULL(29) | BIT_ULL(34);
		if (cfg->oasz == 52)
			sizes |= BIT_ULL(42);
		break;
	}
	return sizes & fz_mask(cfg->oasz + 1);
}

/* x86-64 and RISC-V: the IOVA is sign extended from bit vasz - 1 */
static bool fz_sext(struct fz_ctx *ctx)
{
	return ctx->cfg->fmt == FZ_X86_64 || ctx->cfg->fmt == FZ_RISCV64;
}

/* The spans of mappable IOVAs: one, or two halves with sign extension */
static void fz_span(struct fz_ctx *ctx, bool upper, u64 *base,
		    unsigned int *lg2)
{
	if (fz_sext(ctx)) {
		*lg2 = ctx->cfg->vasz - 1;
		*base = upper ? ~fz_mask(*lg2) : 0;
		return;
	}
	*lg2 = ctx->cfg->vasz;
	*base = 0;
}

static bool fz_in_spans(struct fz_ctx *ctx, u64 va, u64 last)
{
	u64 base;
	unsigned int lg2;

	if (last < va)
		return false;
	fz_span(ctx, false, &base, &lg2);
	if (last <= base + fz_mask(lg2))
		return true;
	if (!fz_sext(ctx))
		return false;
	fz_span(ctx, true, &base, &lg2);
	return va >= base;
}

/* Incoherent walker: shadows of table memory, updated by dma_sync only */

static struct fz_ctx *fz_ctx_of_hooks(struct pt_iommu_test_hooks *test)
{
	return container_of(test, struct fz_ctx, hooks);
}

static unsigned int fz_bucket(void *table)
{
	return ((uintptr_t)table >> 12) % FZ_SHADOW_BUCKETS;
}

/*
 * Word @index of table memory or of a copy of it, as memory holds it
 * (little-endian), and in CPU order: 64-bit words, or 32-bit ones (ARMv7s)
 */
static u64 fz_raw(struct fz_ctx *ctx, const void *mem, u64 index)
{
	if (ctx->wsz == 4)
		return __atomic_load_n((const u32 *)mem + index,
				       __ATOMIC_ACQUIRE);
	return __atomic_load_n((const u64 *)mem + index, __ATOMIC_ACQUIRE);
}

static u64 fz_cpu(struct fz_ctx *ctx, u64 raw)
{
	if (ctx->wsz == 4)
		return le32_to_cpu((__force __le32)(u32)raw);
	return le64_to_cpu((__force __le64)raw);
}

static struct fz_shadow *fz_shadow_find(struct fz_ctx *ctx, void *table)
{
	struct fz_shadow *s;

	for (s = ctx->shadow[fz_bucket(table)]; s; s = s->next)
		if (s->table == table)
			return s;
	return NULL;
}

static void fz_dma_map(struct pt_iommu_test_hooks *test, void *table,
		       size_t len)
{
	struct fz_ctx *ctx = fz_ctx_of_hooks(test);
	struct fz_shadow *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	s->copy = calloc(1, len);
	if (!s->copy)
		abort();
	s->table = table;
	s->len = len;
	/* The table is zeroed, and so is what the device sees */
	pthread_mutex_lock(&ctx->shadow_lock);
	if (fz_shadow_find(ctx, table))
		fz_fail(ctx, "table %p DMA mapped twice", table);
	s->next = ctx->shadow[fz_bucket(table)];
	ctx->shadow[fz_bucket(table)] = s;
	pthread_mutex_unlock(&ctx->shadow_lock);
}

static void fz_hitless_check(struct fz_ctx *ctx);

static void fz_dma_sync(struct pt_iommu_test_hooks *test, void *table,
			size_t offset, size_t len)
{
	struct fz_ctx *ctx = fz_ctx_of_hooks(test);
	struct fz_shadow *s;
	size_t i;

	pthread_mutex_lock(&ctx->shadow_lock);
	s = fz_shadow_find(ctx, table);
	if (!s || offset + len > s->len || (offset | len) % ctx->wsz)
		fz_fail(ctx, "sync of %zx+%zx of table %p, mapped %zx", offset,
			len, table, s ? s->len : 0);
	for (i = offset / ctx->wsz; i != (offset + len) / ctx->wsz; i++) {
		if (ctx->wsz == 4)
			((u32 *)s->copy)[i] = fz_raw(ctx, table, i);
		else
			s->copy[i] = fz_raw(ctx, table, i);
	}
	pthread_mutex_unlock(&ctx->shadow_lock);
	fz_hitless_check(ctx);
}

static void fz_dma_unmap(struct pt_iommu_test_hooks *test, void *table,
			 size_t len)
{
	struct fz_ctx *ctx = fz_ctx_of_hooks(test);
	struct fz_shadow **p, *s = NULL;

	pthread_mutex_lock(&ctx->shadow_lock);
	for (p = &ctx->shadow[fz_bucket(table)]; *p; p = &(*p)->next) {
		if ((*p)->table == table) {
			s = *p;
			*p = s->next;
			break;
		}
	}
	pthread_mutex_unlock(&ctx->shadow_lock);
	if (!s)
		fz_fail(ctx, "DMA unmap of table %p never mapped", table);
	free(s->copy);
	free(s);
}

static void fz_shadow_free_all(struct fz_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i != FZ_SHADOW_BUCKETS; i++) {
		while (ctx->shadow[i]) {
			struct fz_shadow *s = ctx->shadow[i];

			ctx->shadow[i] = s->next;
			free(s->copy);
			free(s);
		}
	}
}

/*
 * A word of table memory, read as the device would: once, whole, and
 * ordered before the reads of the table it points at (the device follows
 * the address, which the engine published after the table's contents)
 */
static u64 fz_load(struct fz_ctx *ctx, u64 *table, unsigned int index)
{
	return fz_cpu(ctx, fz_raw(ctx, table, index));
}

/* One word as the walker reads it: table memory, or what was pushed */
static bool fz_read(struct fz_ctx *ctx, u64 *table, unsigned int index,
		    u64 *word)
{
	struct fz_shadow *s;

	if (!ctx->cfg->incoherent) {
		*word = fz_load(ctx, table, index);
		return true;
	}
	/* One thread: nothing maps or unmaps a table meanwhile */
	if (ctx->threaded)
		pthread_mutex_lock(&ctx->shadow_lock);
	s = fz_shadow_find(ctx, table);
	if (s && (index + 1) * ctx->wsz <= s->len)
		*word = fz_cpu(ctx, fz_raw(ctx, s->copy, index));
	if (ctx->threaded)
		pthread_mutex_unlock(&ctx->shadow_lock);
	return s;
}

/*
 * The decoders, from the formats' descriptions: AMD I/O page tables (PR,
 * Next Level 11:9, address 51:12, next level 7 sized pages, D bit 6),
 * x86-64 paging (P, PS at the 2M and 1G levels, address 51:12), ARM
 * VMSAv8-64 descriptors (bits 1:0, Contiguous bit 52, address bits 47:g,
 * with 64K and 52 bits OA 51:48 in bits 15:12).
 */
enum { FZ_E_EMPTY, FZ_E_TABLE, FZ_E_LEAF, FZ_E_BAD };

struct fz_ent {
	int type;
	u64 addr;		/* table, or the leaf's first PA */
	unsigned int lg2;
	unsigned int nitems;	/* items the leaf spans in this table */
	bool dirty;
	const char *why;
};

/*
 * RISC-V Sv39/48/57 (privileged specification, Svnapot, Svpbmt), V known
 * set: a pointer when R, W and X are clear, else a leaf at any level; the
 * PPN in bits 53:10. What the specification reserves (a page fault) is bad,
 * and so is what faults on an IOMMU without hardware A/D updates.
 */
static void fz_decode_riscv64(struct fz_ctx *ctx, unsigned int level, u64 w,
			      struct fz_ent *e)
{
	unsigned int item = fz_item_lg2(ctx, level);
	u64 addr = ((w >> 10) & fz_mask(44)) << 12;
	unsigned int pbmt = (w >> 61) & 3;

	e->type = FZ_E_BAD;
	if (!(w & 0xe)) {
		e->why = "pointer at level 0 or with reserved bits";
		if (level && !(w & ~(GENMASK_ULL(53, 8) | 1))) {
			e->type = FZ_E_TABLE;
			e->addr = addr;
		}
		return;
	}
	e->dirty = w & BIT_ULL(7);
	if ((w & 6) == 4)
		e->why = "W without R";
	else if (w & GENMASK_ULL(60, 54))
		e->why = "reserved bits 60:54";
	else if (pbmt == 3 || (pbmt && !ctx->cfg->pbmt))
		e->why = "PBMT reserved";
	else if (!(w & BIT_ULL(6)))
		e->why = "A clear";
	else if (!ctx->cfg->ad && (w & 4) && !(w & BIT_ULL(7)))
		e->why = "writable, D clear without hardware A/D updates";
	else if ((w & BIT_ULL(63)) &&
		 (level || !ctx->cfg->napot || ((addr >> 12) & 15) != 8))
		e->why = "N: reserved encoding";
	else if (!(w & BIT_ULL(63)) && (addr & fz_mask(item)))
		e->why = "misaligned superpage";
	else
		e->type = FZ_E_LEAF;
	if (w & BIT_ULL(63)) {
		e->lg2 = item + 4;
		e->nitems = 16;
		addr &= ~fz_mask(e->lg2);
	}
	e->addr = addr;
}

/*
 * The 8 attribute bits of an ARMv7s leaf in section order (AP[0], AP[1],
 * TEX[2:0], AP[2], S, nG) and its B, C and XN: bad unless what TEX remap
 * gives a mapping (S and nG set; TEX 0 device memory with B alone, or TEX 1
 * normal memory with B and C both set or both clear) and, with
 * permissions, the access flag AP[0] set; without, no AP or XN bit.
 */
static const char *fz_v7_attrs(struct fz_ctx *ctx, unsigned int attr,
			       bool b, bool c, bool xn)
{
	unsigned int tex = (attr >> 2) & 7;

	if ((attr & 0xc0) != 0xc0)
		return "S or nG clear";
	if (tex > 1)
		return "TEX neither 0 nor 1";
	if (!tex && (!b || c))
		return "device memory not B alone";
	if (tex && b != c)
		return "normal memory neither write-back nor non-cacheable";
	if (ctx->cfg->np)
		return (attr & 0x23) || xn ? "AP or XN without permissions" :
					     NULL;
	return attr & 1 ? NULL : "access flag clear";
}

/*
 * ARMv7 short descriptors (ARM ARM B3.5.1, TEX remap, AFE = 1), bits 1:0
 * known non-zero. Level 1: 01 a page table (address 31:10; NS bit 3 exactly
 * with the NS feature, nothing else), 1x a section or with bit 18 a
 * supersection of 16 identical entries (base bits 23:20 zero); level 0:
 * 01 a large page of 16 identical entries (TEX in 14:12, XN 15), 1x a small
 * page (XN bit 0). With MediaTek's extension bits 9, 4, 5 are output
 * address bits 32, 33, 34 and not IMP, XN or domain (level 1), AP (level
 * 0). Bad also: PXN, a domain or IMP bit, NS not as configured.
 */
static void fz_decode_armv7s(struct fz_ctx *ctx, unsigned int level, u64 w,
			     struct fz_ent *e)
{
	bool mtk = ctx->cfg->mtk;
	u64 hi = mtk ? ((w >> 9) & 1) << 32 | ((w >> 4) & 3) << 33 : 0;
	unsigned int attr;

	e->type = FZ_E_BAD;
	if (w >> 32) {
		e->why = "bits above 31";
		return;
	}
	if (level && (w & 3) == 1) {
		e->why = "page table entry bits";
		if (w & ~(GENMASK_ULL(31, 10) | BIT_ULL(3) | 1))
			return;
		e->why = "NSTable not as configured";
		if (!(w & BIT_ULL(3)) != !ctx->cfg->v7ns)
			return;
		e->type = FZ_E_TABLE;
		e->addr = w & GENMASK_ULL(31, 10);
		return;
	}
	if (level) {
		attr = (w >> 10) & 0xff;
		if (w & 1)
			e->why = "PXN";
		else if (w & (mtk ? GENMASK_ULL(8, 6) : GENMASK_ULL(9, 5)))
			e->why = "domain or IMP set";
		else if (!(w & BIT_ULL(19)) != !ctx->cfg->v7ns)
			e->why = "NS not as configured";
		else if ((w & BIT_ULL(18)) && (w & GENMASK_ULL(23, 20)))
			e->why = "supersection base bits 35:32";
		else
			e->why = fz_v7_attrs(ctx, attr, w & 4, w & 8,
					     !mtk && (w & BIT_ULL(4)));
		if (w & BIT_ULL(18)) {
			e->lg2 = 24;
			e->nitems = 16;
			e->addr = (w & GENMASK_ULL(31, 24)) | hi;
		} else {
			e->addr = (w & GENMASK_ULL(31, 20)) | hi;
		}
	} else if ((w & 3) == 1) {
		/* TEX from bits 14:12; MediaTek's bits are not AP there */
		attr = ((w >> 4) & 0xe3) | ((w >> 12) & 7) << 2;
		if (mtk)
			attr &= ~0x23;
		if (w & GENMASK_ULL(8, 6))
			e->why = "large page bits 8:6";
		else
			e->why = fz_v7_attrs(ctx, attr, w & 4, w & 8,
					     w & BIT_ULL(15));
		e->lg2 = 16;
		e->nitems = 16;
		e->addr = (w & GENMASK_ULL(31, 16)) | hi;
	} else {
		attr = (w >> 4) & 0xff;
		if (mtk)
			attr &= ~0x23;
		e->why = fz_v7_attrs(ctx, attr, w & 4, w & 8, w & 1);
		e->addr = (w & GENMASK_ULL(31, 12)) | hi;
	}
	if (!e->why)
		e->type = FZ_E_LEAF;
}

/*
 * Apple DART (6.12's io-pgtable-dart.c), VALID (bit 0) known set: a table
 * in L1, a page of the granule in L2. v1: address 35:12 in place, NO_READ
 * 8, NO_WRITE 7, SP_DIS 1 on every page; v2: address 41:14 in bits 37:10,
 * NO_READ 3, NO_WRITE 2, NO_CACHE 1. Every page has the sub-page range 0
 * (63:52) to 0xfff (51:40). Bad: any other bit, and a page neither readable
 * nor writable.
 */
static void fz_decode_dart(struct fz_ctx *ctx, unsigned int level, u64 w,
			   struct fz_ent *e)
{
	u64 amask = ctx->cfg->v2 ? GENMASK_ULL(37, 10) : GENMASK_ULL(35, 12);
	u64 prot = ctx->cfg->v2 ? GENMASK_ULL(3, 1) : BIT_ULL(8) | BIT_ULL(7);
	u64 no_rw = ctx->cfg->v2 ? GENMASK_ULL(3, 2) : BIT_ULL(8) | BIT_ULL(7);
	u64 sp = GENMASK_ULL(51, 40) | (ctx->cfg->v2 ? 0 : BIT_ULL(1));

	e->type = FZ_E_BAD;
	e->addr = (w & amask) << (ctx->cfg->v2 ? 4 : 0);
	if (level) {
		e->why = "L1 entry with bits besides VALID and the address";
		if (!(w & ~(amask | 1)))
			e->type = FZ_E_TABLE;
		return;
	}
	if (w & ~(amask | prot | sp | 1))
		e->why = "page bits io-pgtable-dart never writes";
	else if ((w & sp) != sp)
		e->why = "sub-page range not the whole page";
	else if ((w & no_rw) == no_rw)
		e->why = "page neither readable nor writable";
	else
		e->type = FZ_E_LEAF;
}

static void fz_decode(struct fz_ctx *ctx, unsigned int level,
		      unsigned int index, u64 w, struct fz_ent *e)
{
	unsigned int item = fz_item_lg2(ctx, level);
	u64 addr;

	*e = (struct fz_ent){ .nitems = 1, .lg2 = item };
	/*
	 * VT-d second stage has no present bit: R or W; ARMv7s: bits 1:0
	 * not 00 (fault)
	 */
	if (!(w & (ctx->cfg->fmt == FZ_VTDSS ||
		   ctx->cfg->fmt == FZ_ARMV7S ? 3 : 1))) {
		e->type = w ? FZ_E_BAD : FZ_E_EMPTY;
		e->why = "non-present entry not zero";
		return;
	}
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1: {
		unsigned int nl = (w >> 9) & 7;

		addr = w & GENMASK_ULL(51, 12);
		e->dirty = w & BIT_ULL(6);
		if (nl == 0) {
			e->type = FZ_E_LEAF;
			e->addr = addr;
		} else if (nl == 7) {
			unsigned int ones = __builtin_ctzll(~(addr >> 12));

			e->lg2 = 12 + ones + 1;
			e->type = FZ_E_LEAF;
			if (e->lg2 <= item || e->lg2 > item + 8) {
				e->type = FZ_E_BAD;
				e->why = "sized page size";
			}
			e->nitems = 1U << (e->lg2 - item);
			e->addr = addr & ~fz_mask(e->lg2);
		} else {
			e->type = nl == level ? FZ_E_TABLE : FZ_E_BAD;
			e->why = "table entry next level";
			e->addr = addr;
		}
		return;
	}
	case FZ_X86_64:
		addr = w & GENMASK_ULL(51, 12);
		e->dirty = w & BIT_ULL(6);
		if (level == 0 || (level <= 2 && (w & BIT_ULL(7)))) {
			e->type = FZ_E_LEAF;
			e->addr = addr & ~fz_mask(item);
		} else {
			e->type = FZ_E_TABLE;
			e->addr = addr;
		}
		return;
	case FZ_VTDSS:
		/* SS-PTE, SS-PDE or SS-PDPE with PS (bit 7); X never set */
		addr = w & GENMASK_ULL(51, 12);
		if (w & BIT_ULL(2)) {
			e->type = FZ_E_BAD;
			e->why = "X set";
		} else if (level == 0 || (level <= 2 && (w & BIT_ULL(7)))) {
			e->type = FZ_E_LEAF;
			e->addr = addr & ~fz_mask(item);
			e->dirty = w & BIT_ULL(9);
			if (addr & fz_mask(item)) {
				e->type = FZ_E_BAD;
				e->why = "reserved bits below a large page";
			}
		} else if (w & BIT_ULL(7)) {
			e->type = FZ_E_BAD;
			e->why = "PS above an SS-PDPE";
		} else {
			e->type = FZ_E_TABLE;
			e->addr = addr;
		}
		return;
	case FZ_RISCV64:
		fz_decode_riscv64(ctx, level, w, e);
		return;
	case FZ_ARMV7S:
		fz_decode_armv7s(ctx, level, w, e);
		return;
	case FZ_DART16K:
	case FZ_DART4K:
		fz_decode_dart(ctx, level, w, e);
		return;
	default:
		addr = w & GENMASK_ULL(47, ctx->g);
		if (ctx->g == 16)
			addr |= ((w >> 12) & 0xf) << 48;
		if (level == 0 && (w & 3) != 3) {
			e->type = FZ_E_BAD;
			e->why = "level 3 descriptor not a page";
			return;
		}
		if (level != 0 && (w & 3) == 3) {
			e->type = FZ_E_TABLE;
			e->addr = addr;
			return;
		}
		e->type = FZ_E_LEAF;
		/* DBM (bit 51) with AP[2] (bit 7) cleared by the walker */
		e->dirty = ctx->cfg->dbm &&
			   (w & (BIT_ULL(51) | BIT_ULL(7))) == BIT_ULL(51);
		if ((w & BIT_ULL(52)) && fz_arm_contig(ctx, level)) {
			unsigned int c = fz_arm_contig(ctx, level);

			e->nitems = 1U << c;
			e->lg2 = item + c;
			addr -= (u64)(index & (e->nitems - 1)) << item;
		}
		e->addr = addr;
		return;
	}
}

/*
 * Translate @va as the IOMMU would, from the top the driver was told.
 * Returns false with @why set when the walk finds something the format
 * does not allow.
 */
static bool fz_walk(struct fz_ctx *ctx, u64 va, struct fz_hw *hw,
		    const char **why)
{
	u64 top = fz_top(ctx);
	unsigned int level = top & 7;
	u64 *table = (u64 *)(uintptr_t)(top & ~7ULL);
	unsigned int reach = fz_item_lg2(ctx, level) +
			     fz_entries_lg2(ctx, level);

	*hw = (struct fz_hw){};
	if (fz_sext(ctx)) {
		/* Canonical: bits from vasz - 1 up copies of it */
		u64 hi = va >> (ctx->cfg->vasz - 1);

		if (hi != 0 && hi != fz_mask(65 - ctx->cfg->vasz))
			return true;
	} else if (reach < 64 && (va >> reach)) {
		return true;
	}
	for (;;) {
		unsigned int item = fz_item_lg2(ctx, level);
		unsigned int index = (va >> item) &
				     fz_mask(fz_entries_lg2(ctx, level));
		struct fz_ent e;
		u64 w;

		if (!fz_read(ctx, table, index, &w)) {
			*why = "the walker reaches a table never pushed";
			return false;
		}
		fz_decode(ctx, level, index, w, &e);
		if (e.type == FZ_E_EMPTY)
			return true;
		if (e.type == FZ_E_BAD) {
			*why = e.why;
			return false;
		}
		if (e.type == FZ_E_TABLE) {
			if (level == 0) {
				*why = "table entry at level 0";
				return false;
			}
			table = (u64 *)(uintptr_t)e.addr;
			level--;
			continue;
		}
		hw->type = 1;
		hw->lg2 = e.lg2;
		hw->va = va & ~fz_mask(e.lg2);
		hw->pa = e.addr;
		hw->nitems = e.nitems;
		hw->entry = (u64 *)((char *)table +
				    (index & ~(e.nitems - 1)) * ctx->wsz);
		hw->dirty = e.dirty;
		if (e.nitems > 1) {
			/* Dirty in any item */
			unsigned int first = index & ~(e.nitems - 1);
			unsigned int i;

			for (i = 0; i != e.nitems && !hw->dirty; i++) {
				struct fz_ent ie;
				u64 iw;

				if (!fz_read(ctx, table, first + i, &iw))
					continue;
				fz_decode(ctx, level, first + i, iw, &ie);
				hw->dirty = ie.type == FZ_E_LEAF && ie.dirty;
			}
		}
		return true;
	}
}

/*
 * A mirror of table memory: for every table the walker reached, a copy of
 * each item and of what was pushed of it (incoherent walker), as they were
 * after the last call that could change them. After a call that returned
 * success the items its range reaches are copied again; after a call that
 * must change nothing they are compared, as the walker reaches them, so a
 * failed call that changed an item of its range is named at once. A change
 * anywhere else shows in the compare of every table every FZ_FULL_EVERY
 * operations and at the end. (This replaces a copy of the whole table
 * before every call that could fail, which took 3/4 of the time.)
 */
#define FZ_FULL_EVERY 64

struct fz_mirror {
	struct fz_mirror *next;
	u64 *table;
	unsigned int n;
	u64 w[];	/* n items, then n pushed copies when incoherent */
};

static struct fz_mirror *fz_mirror_get(struct fz_ctx *ctx, u64 *table,
				       unsigned int n)
{
	struct fz_mirror **head = &ctx->mirror[fz_bucket(table)], *m;
	unsigned int words = ctx->cfg->incoherent ? 2 * n : n;

	for (m = *head; m; m = m->next)
		if (m->table == table)
			break;
	if (m && m->n >= n)
		return m;
	if (m) {
		/* A freed table's address, now a larger one (a top) */
		struct fz_mirror **p;

		for (p = head; *p != m; p = &(*p)->next)
			;
		*p = m->next;
		free(m);
	}
	m = calloc(1, sizeof(*m) + words * sizeof(u64));
	if (!m)
		abort();
	m->table = table;
	m->n = n;
	m->next = *head;
	*head = m;
	return m;
}

static void fz_mirror_free_all(struct fz_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i != FZ_SHADOW_BUCKETS; i++) {
		while (ctx->mirror[i]) {
			struct fz_mirror *m = ctx->mirror[i];

			ctx->mirror[i] = m->next;
			free(m);
		}
	}
}

/* FZ_MIRROR_SAME: compared equal already, descending */
enum { FZ_MIRROR_COPY, FZ_MIRROR_COMPARE, FZ_MIRROR_SAME };

/*
 * Copy or compare the items of the tables the walker reaches for IOVAs in
 * [a, e], from @table at @level whose first IOVA is @base; a compare fails
 * naming the first item that differs, in the name of @what.
 */
static void fz_mirror_walk(struct fz_ctx *ctx, u64 *table, unsigned int level,
			   u64 base, u64 a, u64 e, int mode, const char *what)
{
	unsigned int item = fz_item_lg2(ctx, level);
	u64 n = 1ULL << fz_entries_lg2(ctx, level);
	struct fz_shadow *sh = NULL;
	struct fz_mirror *m;
	u64 i, i0, i1;
	size_t bytes;

	if (e < base)
		return;
	i0 = a > base ? (a - base) >> item : 0;
	if (i0 >= n)
		return;
	i1 = min(n - 1, (e - base) >> item);
	m = fz_mirror_get(ctx, table, n);
	if (ctx->cfg->incoherent) {
		sh = fz_shadow_find(ctx, table);
		if (!sh || sh->len < n * ctx->wsz)
			fz_fail(ctx, "table %p at level %u reached, not mapped for DMA",
				table, level);
	}
	/*
	 * Leaf tables, and items unchanged, in one go (one thread; 64-bit
	 * words, which the mirror holds as memory does)
	 */
	bytes = (i1 - i0 + 1) * 8;
	if (mode == FZ_MIRROR_COPY && !level && ctx->wsz == 8) {
		memcpy(m->w + i0, table + i0, bytes);
		if (sh)
			memcpy(m->w + n + i0, sh->copy + i0, bytes);
		return;
	}
	if (mode == FZ_MIRROR_COMPARE && ctx->wsz == 8 &&
	    !memcmp(m->w + i0, table + i0, bytes) &&
	    (!sh || !memcmp(m->w + n + i0, sh->copy + i0, bytes))) {
		if (!level)
			return;
		mode = FZ_MIRROR_SAME;
	}
	for (i = i0; i <= i1; i++) {
		/* The mirror holds the words as memory does (little-endian) */
		u64 w = fz_raw(ctx, table, i);
		u64 sw = sh ? fz_raw(ctx, sh->copy, i) : 0;
		u64 s = base + (i << item), ca = a, ce = e;
		struct fz_ent ent;

		if (mode == FZ_MIRROR_COPY) {
			/* A table newly hooked here is copied whole */
			if (m->w[i] != w) {
				ca = s;
				ce = s + fz_mask(item);
			}
			m->w[i] = w;
			if (sh)
				m->w[n + i] = sw;
		} else if (mode == FZ_MIRROR_COMPARE &&
			   (m->w[i] != w || (sh && m->w[n + i] != sw))) {
			bool pushed = m->w[i] == w;

			fz_fail(ctx,
				"%s changed the table: level %u table %p item %llu%s: %llx, was %llx",
				what, level, table, i,
				pushed ? " as pushed to the walker" : "",
				pushed ? sw : w, pushed ? m->w[n + i] : m->w[i]);
		}
		if (!level || !w)
			continue;
		fz_decode(ctx, level, i, fz_cpu(ctx, w), &ent);
		if (ent.type == FZ_E_TABLE)
			fz_mirror_walk(ctx, (u64 *)(uintptr_t)ent.addr,
				       level - 1, s, ca, ce,
				       mode == FZ_MIRROR_COPY ? mode :
				       FZ_MIRROR_COMPARE, what);
	}
}

/* The first IOVA of the top table's first item, for the half holding @va */
static u64 fz_top_base(struct fz_ctx *ctx, u64 va)
{
	if (fz_sext(ctx) && (va >> 63))
		return ~fz_mask(ctx->cfg->vasz);
	return 0;
}

/* Copy or compare what the walker reaches for [a, e] (one half) */
static void fz_mirror_range(struct fz_ctx *ctx, u64 a, u64 e, int mode,
			    const char *what)
{
	unsigned int level;
	u64 *top;

	if (e < a || ctx->threaded)
		return;
	top = fz_top_table(ctx, &level);
	fz_mirror_walk(ctx, top, level, fz_top_base(ctx, a), a, e, mode, what);
}

/* ... for every IOVA */
static void fz_mirror_all(struct fz_ctx *ctx, int mode, const char *what)
{
	u64 base;
	unsigned int lg2;

	fz_span(ctx, false, &base, &lg2);
	fz_mirror_range(ctx, base, base + fz_mask(lg2), mode, what);
	if (fz_sext(ctx)) {
		fz_span(ctx, true, &base, &lg2);
		fz_mirror_range(ctx, base, base + fz_mask(lg2), mode, what);
	}
	ctx->mirror_top = fz_top(ctx);
}

/*
 * Around a call that must change nothing: the top and the count of tables
 * too. @a > @e compares every table.
 */
struct fz_frozen {
	u64 top;
	int tables;
};

static void fz_freeze(struct fz_ctx *ctx, struct fz_frozen *f)
{
	f->top = fz_top(ctx);
	f->tables = atomic_read(&ctx->hooks.tables);
}

static void fz_unchanged(struct fz_ctx *ctx, const struct fz_frozen *f,
			 u64 a, u64 e, const char *what)
{
	if (ctx->threaded)
		return;
	if (fz_top(ctx) != f->top || atomic_read(&ctx->hooks.tables) !=
					     f->tables)
		fz_fail(ctx,
			"%s changed the top (%llx, was %llx) or the tables allocated (%d, were %d)",
			what, fz_top(ctx), f->top,
			atomic_read(&ctx->hooks.tables), f->tables);
	if (a > e)
		fz_mirror_all(ctx, FZ_MIRROR_COMPARE, what);
	else
		fz_mirror_range(ctx, a, e, FZ_MIRROR_COMPARE, what);
}

/* The model */

static struct fz_leaf *fz_find(struct fz_model *m, u64 va, unsigned int *pos)
{
	unsigned int lo = 0, hi = m->n;

	/* First leaf whose last byte is at or above va */
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct fz_leaf *l = &m->l[mid];

		if (l->va + fz_mask(l->lg2) < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	if (lo < m->n && m->l[lo].va <= va)
		return &m->l[lo];
	return NULL;
}

/* The largest documented size the alignment of va and pa and @left allow */
static int fz_best(struct fz_ctx *ctx, u64 va, u64 pa, u64 left)
{
	u64 ok = ctx->sizes;
	u64 align = va | pa;

	if (align)
		ok &= fz_mask(__builtin_ctzll(align) + 1);
	ok &= fz_mask(63 - __builtin_clzll(left) + 1);
	if (!ok)
		return -1;
	return 63 - __builtin_clzll(ok);
}

/* The leaves a fresh table gets for a map, at most @max of them */
static int fz_split(struct fz_ctx *ctx, u64 va, u64 pa, u64 len,
		    unsigned int prot, u8 dirty, struct fz_leaf *out,
		    unsigned int max)
{
	unsigned int n = 0;

	while (len) {
		int lg2 = fz_best(ctx, va, pa, len);

		if (lg2 < 0 || n == max)
			return -1;
		out[n++] = (struct fz_leaf){ .va = va, .pa = pa, .lg2 = lg2,
					     .prot = prot, .dirty = dirty };
		va += BIT_ULL(lg2);
		pa += BIT_ULL(lg2);
		len -= BIT_ULL(lg2);
	}
	return n;
}

static void fz_insert(struct fz_model *m, unsigned int pos,
		      const struct fz_leaf *l, unsigned int n)
{
	memmove(&m->l[pos + n], &m->l[pos], (m->n - pos) * sizeof(*l));
	memcpy(&m->l[pos], l, n * sizeof(*l));
	m->n += n;
}

static void fz_remove(struct fz_model *m, unsigned int pos, unsigned int n)
{
	memmove(&m->l[pos], &m->l[pos + n], (m->n - pos - n) *
		sizeof(m->l[0]));
	m->n -= n;
}

/* Does the table hold the model's leaf @l, as the walker sees it? */
static void fz_check_leaf(struct fz_ctx *ctx, const struct fz_leaf *l)
{
	const char *why = NULL;
	u64 ends[2] = { l->va, l->va + fz_mask(l->lg2) };
	struct fz_hw hw;
	unsigned int i;

	for (i = 0; i != 2; i++) {
		if (!fz_walk(ctx, ends[i], &hw, &why))
			fz_fail(ctx, "walk of %llx: %s", ends[i], why);
		if (hw.type != 1 || hw.va != l->va || hw.lg2 != l->lg2 ||
		    hw.pa != l->pa)
			fz_fail(ctx,
				"iova %llx: the walker finds %s leaf %llx size 2^%u pa %llx, the model leaf %llx size 2^%u pa %llx",
				ends[i], hw.type ? "a" : "no", hw.va, hw.lg2,
				hw.pa, l->va, l->lg2, l->pa);
		if (ctx->dirty_ok && hw.dirty != l->dirty)
			fz_fail(ctx, "leaf %llx size 2^%u is %s, want %s",
				l->va, l->lg2, hw.dirty ? "dirty" : "clean",
				l->dirty ? "dirty (dirty state lost)" :
					   "clean");
	}
}

static phys_addr_t fz_iova_to_phys(struct fz_ctx *ctx, u64 va);

/* Nothing mapped at @va */
static void fz_check_hole(struct fz_ctx *ctx, u64 va)
{
	const char *why = NULL;
	struct fz_hw hw;

	if (!fz_walk(ctx, va, &hw, &why))
		fz_fail(ctx, "walk of %llx: %s", va, why);
	if (hw.type)
		fz_fail(ctx,
			"iova %llx: the walker finds leaf %llx size 2^%u pa %llx where the model has nothing",
			va, hw.va, hw.lg2, hw.pa);
	if (!ctx->threaded && fz_iova_to_phys(ctx, va))
		fz_fail(ctx, "iova_to_phys(%llx) = %llx, nothing is mapped",
			va, (u64)fz_iova_to_phys(ctx, va));
}

/*
 * After a call on [a, b]: every model leaf there and its neighbours, and
 * both ends of every gap between them, as the walker and iova_to_phys see
 * them.
 */
static void fz_check_range(struct fz_ctx *ctx, struct fz_model *m, u64 a,
			   u64 b, u64 win_first, u64 win_last)
{
	unsigned int pos, i;
	u64 gap;

	fz_find(m, a, &pos);
	if (pos)
		pos--;
	gap = pos ? m->l[pos - 1].va + fz_mask(m->l[pos - 1].lg2) + 1 :
		    win_first;
	for (i = pos; i < m->n; i++) {
		const struct fz_leaf *l = &m->l[i];
		u64 last = l->va + fz_mask(l->lg2);

		if (l->va > gap) {
			fz_check_hole(ctx, gap);
			fz_check_hole(ctx, l->va - 1);
		}
		fz_check_leaf(ctx, l);
		if (!ctx->threaded) {
			if (fz_iova_to_phys(ctx, l->va) != l->pa ||
			    fz_iova_to_phys(ctx, last) !=
				    l->pa + fz_mask(l->lg2))
				fz_fail(ctx,
					"iova_to_phys of leaf %llx size 2^%u: %llx, %llx, want pa %llx",
					l->va, l->lg2,
					(u64)fz_iova_to_phys(ctx, l->va),
					(u64)fz_iova_to_phys(ctx, last),
					l->pa);
		}
		gap = last + 1;
		if (l->va > b && i > pos + 1)
			return;
		if (!gap)
			return;
	}
	if (gap && gap <= win_last) {
		fz_check_hole(ctx, gap);
		fz_check_hole(ctx, win_last);
	}
}

/* Every leaf in the table, in IOVA order, against the model */
struct fz_enum {
	struct fz_model *m;
	unsigned int next;
};

static void fz_enum_table(struct fz_ctx *ctx, struct fz_enum *en,
			  u64 *table, unsigned int level, u64 base)
{
	unsigned int n = 1U << fz_entries_lg2(ctx, level);
	unsigned int item = fz_item_lg2(ctx, level);
	struct fz_shadow *sh = NULL;
	unsigned int i;

	if (ctx->cfg->incoherent) {
		/* The walker reads what was pushed (one thread now) */
		sh = fz_shadow_find(ctx, table);
		if (!sh || sh->len < n * ctx->wsz)
			fz_fail(ctx, "table %p at level %u never pushed",
				table, level);
	}
	for (i = 0; i < n; i++) {
		u64 va = base + ((u64)i << item);
		struct fz_ent e;
		struct fz_leaf *l;
		u64 w;

		w = sh ? fz_cpu(ctx, fz_raw(ctx, sh->copy, i)) :
			 fz_load(ctx, table, i);
		if (!w)
			continue;
		fz_decode(ctx, level, i, w, &e);
		if (e.type == FZ_E_EMPTY)
			continue;
		if (e.type == FZ_E_BAD)
			fz_fail(ctx, "entry %u of level %u table: %llx: %s", i,
				level, w, e.why);
		if (e.type == FZ_E_TABLE) {
			fz_enum_table(ctx, en, (u64 *)(uintptr_t)e.addr,
				      level - 1, va);
			continue;
		}
		if (fz_sext(ctx) && (va >> (ctx->cfg->vasz - 1)))
			va |= ~fz_mask(ctx->cfg->vasz);
		if (i & (e.nitems - 1))
			continue;	/* checked at the first item */
		if (en->next >= en->m->n)
			fz_fail(ctx, "leaf %llx size 2^%u pa %llx not in the model",
				va, e.lg2, e.addr);
		l = &en->m->l[en->next++];
		if (l->va != va || l->lg2 != e.lg2 || l->pa != e.addr)
			fz_fail(ctx,
				"the table holds leaf %llx size 2^%u pa %llx, the model %llx size 2^%u pa %llx",
				va, e.lg2, e.addr, l->va, l->lg2, l->pa);
		if (e.nitems > 1) {
			unsigned int k;

			for (k = 1; k != e.nitems; k++) {
				struct fz_ent o;

				if (i + k >= n || !fz_read(ctx, table, i + k,
							   &w))
					fz_fail(ctx, "run at %llx cut short", va);
				fz_decode(ctx, level, i + k, w, &o);
				if (o.type != FZ_E_LEAF || o.lg2 != e.lg2 ||
				    o.addr != e.addr)
					fz_fail(ctx,
						"item %u of the run at %llx differs",
						k, va);
			}
		}
	}
}

static void fz_check_all(struct fz_ctx *ctx, struct fz_model *m)
{
	struct fz_enum en = { .m = m };
	unsigned int level;
	u64 *top = fz_top_table(ctx, &level);

	fz_enum_table(ctx, &en, top, level, 0);
	if (en.next != m->n)
		fz_fail(ctx, "%u leaves in the table, %u in the model",
			en.next, m->n);
}

/* The format's functions */

static int fz_map(struct fz_ctx *ctx, u64 va, u64 pa, u64 pgsize,
		  u64 pgcount, int prot, size_t *mapped)
{
	struct iommu_domain *d = &ctx->t.iommu.domain;

	fz_count_op();
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_map_pages(d, va, pa, pgsize, pgcount,
						prot, GFP_KERNEL, mapped);
	case FZ_X86_64:
		return pt_iommu_x86_64_map_pages(d, va, pa, pgsize, pgcount,
						 prot, GFP_KERNEL, mapped);
	case FZ_VTDSS:
		return pt_iommu_vtdss_map_pages(d, va, pa, pgsize, pgcount,
						prot, GFP_KERNEL, mapped);
	case FZ_RISCV64:
		return pt_iommu_riscv64_map_pages(d, va, pa, pgsize, pgcount,
						  prot, GFP_KERNEL, mapped);
	case FZ_ARMV7S:
		return pt_iommu_armv7s_map_pages(d, va, pa, pgsize, pgcount,
						 prot, GFP_KERNEL, mapped);
	case FZ_DART16K:
		return pt_iommu_dart_map_pages(d, va, pa, pgsize, pgcount,
					       prot, GFP_KERNEL, mapped);
	case FZ_DART4K:
		return pt_iommu_dart_4k_map_pages(d, va, pa, pgsize, pgcount,
						  prot, GFP_KERNEL, mapped);
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_map_pages(d, va, pa, pgsize, pgcount,
						   prot, GFP_KERNEL, mapped);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_map_pages(d, va, pa, pgsize,
						    pgcount, prot, GFP_KERNEL,
						    mapped);
	default:
		return pt_iommu_armv8_64k_map_pages(d, va, pa, pgsize,
						    pgcount, prot, GFP_KERNEL,
						    mapped);
	}
}

static size_t fz_unmap(struct fz_ctx *ctx, u64 va, u64 pgsize, u64 pgcount,
		       struct iommu_iotlb_gather *g)
{
	struct iommu_domain *d = &ctx->t.iommu.domain;

	fz_count_op();
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_X86_64:
		return pt_iommu_x86_64_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_VTDSS:
		return pt_iommu_vtdss_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_RISCV64:
		return pt_iommu_riscv64_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_ARMV7S:
		return pt_iommu_armv7s_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_DART16K:
		return pt_iommu_dart_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_DART4K:
		return pt_iommu_dart_4k_unmap_pages(d, va, pgsize, pgcount, g);
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_unmap_pages(d, va, pgsize, pgcount,
						     g);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_unmap_pages(d, va, pgsize, pgcount,
						      g);
	default:
		return pt_iommu_armv8_64k_unmap_pages(d, va, pgsize, pgcount,
						      g);
	}
}

static phys_addr_t fz_iova_to_phys(struct fz_ctx *ctx, u64 va)
{
	struct iommu_domain *d = &ctx->t.iommu.domain;

	fz_count_op();
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_iova_to_phys(d, va);
	case FZ_X86_64:
		return pt_iommu_x86_64_iova_to_phys(d, va);
	case FZ_VTDSS:
		return pt_iommu_vtdss_iova_to_phys(d, va);
	case FZ_RISCV64:
		return pt_iommu_riscv64_iova_to_phys(d, va);
	case FZ_ARMV7S:
		return pt_iommu_armv7s_iova_to_phys(d, va);
	case FZ_DART16K:
		return pt_iommu_dart_iova_to_phys(d, va);
	case FZ_DART4K:
		return pt_iommu_dart_4k_iova_to_phys(d, va);
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_iova_to_phys(d, va);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_iova_to_phys(d, va);
	default:
		return pt_iommu_armv8_64k_iova_to_phys(d, va);
	}
}

static int fz_cut(struct fz_ctx *ctx, u64 va)
{
	fz_count_op();
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_cut_mapping(&ctx->t.iommu, va,
						  GFP_KERNEL);
	case FZ_X86_64:
		return pt_iommu_x86_64_cut_mapping(&ctx->t.iommu, va,
						   GFP_KERNEL);
	case FZ_VTDSS:
		return pt_iommu_vtdss_cut_mapping(&ctx->t.iommu, va,
						  GFP_KERNEL);
	case FZ_RISCV64:
		return pt_iommu_riscv64_cut_mapping(&ctx->t.iommu, va,
						    GFP_KERNEL);
	case FZ_ARMV7S:
		return pt_iommu_armv7s_cut_mapping(&ctx->t.iommu, va,
						   GFP_KERNEL);
	case FZ_DART16K:
		return pt_iommu_dart_cut_mapping(&ctx->t.iommu, va,
						 GFP_KERNEL);
	case FZ_DART4K:
		return pt_iommu_dart_4k_cut_mapping(&ctx->t.iommu, va,
						    GFP_KERNEL);
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_cut_mapping(&ctx->t.iommu, va,
						     GFP_KERNEL);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_cut_mapping(&ctx->t.iommu, va,
						      GFP_KERNEL);
	default:
		return pt_iommu_armv8_64k_cut_mapping(&ctx->t.iommu, va,
						      GFP_KERNEL);
	}
}

static int fz_read_dirty(struct fz_ctx *ctx, u64 va, u64 len,
			 unsigned long flags, struct iommu_dirty_bitmap *bm)
{
	struct iommu_domain *d = &ctx->t.iommu.domain;

	fz_count_op();
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_read_and_clear_dirty(d, va, len, flags,
							   bm);
	case FZ_X86_64:
		return pt_iommu_x86_64_read_and_clear_dirty(d, va, len, flags,
							    bm);
	case FZ_VTDSS:
		return pt_iommu_vtdss_read_and_clear_dirty(d, va, len, flags,
							   bm);
	case FZ_RISCV64:
		return pt_iommu_riscv64_read_and_clear_dirty(d, va, len, flags,
							     bm);
	case FZ_ARMV7S:
	case FZ_DART16K:
	case FZ_DART4K:
		/* No dirty state: neither format has read_and_clear_dirty */
		return -EOPNOTSUPP;
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_read_and_clear_dirty(d, va, len,
							      flags, bm);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_read_and_clear_dirty(d, va, len,
							       flags, bm);
	default:
		return pt_iommu_armv8_64k_read_and_clear_dirty(d, va, len,
							       flags, bm);
	}
}

static void fz_deinit(struct fz_ctx *ctx)
{
	switch (ctx->cfg->fmt) {
	case FZ_AMDV1:
		return pt_iommu_amdv1_deinit(&ctx->t.iommu);
	case FZ_X86_64:
		return pt_iommu_x86_64_deinit(&ctx->t.iommu);
	case FZ_VTDSS:
		return pt_iommu_vtdss_deinit(&ctx->t.iommu);
	case FZ_RISCV64:
		return pt_iommu_riscv64_deinit(&ctx->t.iommu);
	case FZ_ARMV7S:
		return pt_iommu_armv7s_deinit(&ctx->t.iommu);
	case FZ_DART16K:
		return pt_iommu_dart_deinit(&ctx->t.iommu);
	case FZ_DART4K:
		return pt_iommu_dart_4k_deinit(&ctx->t.iommu);
	case FZ_ARM4K:
		return pt_iommu_armv8_4k_deinit(&ctx->t.iommu);
	case FZ_ARM16K:
		return pt_iommu_armv8_16k_deinit(&ctx->t.iommu);
	default:
		return pt_iommu_armv8_64k_deinit(&ctx->t.iommu);
	}
}

/* The top as the driver programs it, from hw_info */
static u64 fz_hw_top(struct fz_ctx *ctx)
{
	const struct fz_cfg *cfg = ctx->cfg;
	struct pt_iommu_armv8_hw_info arm = {};
	unsigned int level, bits;

	switch (cfg->fmt) {
	case FZ_AMDV1: {
		struct pt_iommu_amdv1_hw_info info = {};

		pt_iommu_amdv1_hw_info(&ctx->t.amd, &info);
		return info.host_pt_root | (info.mode - 1);
	}
	case FZ_X86_64: {
		struct pt_iommu_x86_64_hw_info info = {};

		pt_iommu_x86_64_hw_info(&ctx->t.x86, &info);
		return info.root_pa | (info.levels - 1);
	}
	case FZ_VTDSS: {
		struct pt_iommu_vtdss_hw_info info = {};

		/* AW 1, 2, 3: 3, 4, 5 levels */
		pt_iommu_vtdss_hw_info(&ctx->t.vtd, &info);
		return info.ssptptr | (info.aw + 1);
	}
	case FZ_RISCV64: {
		struct pt_iommu_riscv64_hw_info info = {};

		/* iosatp MODE 8, 9, 10: Sv39, Sv48, Sv57 */
		pt_iommu_riscv64_hw_info(&ctx->t.rv, &info);
		return (info.ppn << 12) | (info.mode - 6);
	}
	case FZ_ARMV7S: {
		struct pt_iommu_armv7s_hw_info info = {};
		u64 pa;

		/*
		 * TTBR0 bits 31:14 with TTBCR.N = 0 (the level 1 table of a
		 * 34-bit IOVA is 64K aligned); MediaTek's bits 2:0 are
		 * address bits 34:32
		 */
		pt_iommu_armv7s_hw_info(&ctx->t.v7s, &info);
		if (info.tcr)
			fz_fail(ctx, "TTBCR %x", info.tcr);
		pa = info.ttbr & GENMASK(31, 14);
		if (cfg->mtk)
			pa |= (u64)(info.ttbr & 7) << 32;
		ctx->top_entries_lg2 = cfg->vasz - 20;
		return pa | 1;
	}
	case FZ_DART16K:
	case FZ_DART4K: {
		struct pt_iommu_dart_hw_info info = {};

		/*
		 * The L1 table of each TTBR, as many as the IOVA bits above
		 * L1 select: walked as one table when they follow each other
		 */
		if (cfg->fmt == FZ_DART16K)
			pt_iommu_dart_hw_info(&ctx->t.dart, &info);
		else
			pt_iommu_dart_4k_hw_info(&ctx->t.dart, &info);
		bits = cfg->vasz - fz_item_lg2(ctx, 1);
		if (info.n_ttbrs !=
		    (bits > ctx->b ? 1U << (bits - ctx->b) : 1))
			fz_fail(ctx, "%u TTBRs", info.n_ttbrs);
		for (level = 1; level < info.n_ttbrs; level++)
			if (info.ttbr[level] !=
			    info.ttbr[0] + (level << ctx->g))
				fz_fail(ctx, "TTBR %u at %llx", level,
					info.ttbr[level]);
		ctx->top_entries_lg2 = bits;
		return info.ttbr[0] | 1;
	}
	case FZ_ARM4K:
		pt_iommu_armv8_4k_hw_info(&ctx->t.arm, &arm);
		break;
	case FZ_ARM16K:
		pt_iommu_armv8_16k_hw_info(&ctx->t.arm, &arm);
		break;
	default:
		pt_iommu_armv8_64k_hw_info(&ctx->t.arm, &arm);
		break;
	}
	if (64 - arm.tsz != cfg->vasz)
		fz_fail(ctx, "T0SZ %u", arm.tsz);
	/*
	 * The walk starts at the level whose table resolves what the levels
	 * below leave of the IAS; stage 2 concatenates up to 16 tables
	 * rather than start with at most 16 entries at lookup level 0.
	 */
	for (level = 0; fz_item_lg2(ctx, level) + ctx->b < cfg->vasz; level++)
		;
	bits = cfg->vasz - fz_item_lg2(ctx, level);
	if (cfg->s2 && level == 3 && bits <= 4) {
		level = 2;
		bits = cfg->vasz - fz_item_lg2(ctx, level);
	}
	ctx->top_entries_lg2 = bits;
	return arm.ttbr | level;
}

static void fz_change_top(struct pt_iommu *iommu_table, phys_addr_t top_pa,
			  unsigned int top_level)
{
	struct fz_ctx *ctx = container_of(iommu_table, struct fz_ctx, t.iommu);

	__atomic_store_n(&ctx->top, top_pa | top_level, __ATOMIC_RELEASE);
}

static spinlock_t *fz_get_top_lock(struct pt_iommu *iommu_table)
{
	struct fz_ctx *ctx = container_of(iommu_table, struct fz_ctx, t.iommu);

	return &ctx->top_lock;
}

/* The driver's flush: free the tables that left the walk */
/*
 * What the driver's iotlb_sync saw from the calls of this thread: the
 * unmap's own gather (synced before a disjoint range joins it with
 * PT_FEAT_FLUSH_RANGE_NO_GAPS), and others (map replacing empty tables)
 */
struct fz_syncs {
	struct iommu_iotlb_gather *unmap_g;
	unsigned int unmap_n;
	unsigned long unmap_start, unmap_end;
	unsigned int other_n;
	unsigned long other_start, other_end;
};

static void fz_free_gather(struct fz_ctx *ctx, struct iommu_iotlb_gather *g)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &g->freelist)
		n++;
	atomic_sub(n, &ctx->hooks.tables);
	iommu_put_pages_list(&g->freelist);
}

static __thread struct fz_syncs fz_syncs;

static void fz_iotlb_sync(struct iommu_domain *domain,
			  struct iommu_iotlb_gather *g)
{
	struct fz_syncs *r = &fz_syncs;

	if (g == r->unmap_g) {
		r->unmap_n++;
		r->unmap_start = g->start;
		r->unmap_end = g->end;
	} else {
		r->other_start = r->other_n ? min(r->other_start, g->start) :
					      g->start;
		r->other_end = r->other_n ? max(r->other_end, g->end) : g->end;
		r->other_n++;
	}
	fz_free_gather(container_of(domain, struct fz_ctx, t.iommu.domain), g);
}

static const struct iommu_domain_ops fz_domain_ops = {
	.iotlb_sync = fz_iotlb_sync,
};

static int fz_init(struct fz_ctx *ctx)
{
	const struct fz_cfg *cfg = ctx->cfg;
	struct pt_iommu_cfg common = {
		.max_vasz_lg2 = cfg->vasz,
		.max_oasz_lg2 = cfg->oasz,
	};
	struct pt_iommu *t = &ctx->t.iommu;
	unsigned int i;
	int ret;

	ctx->wsz = cfg->fmt == FZ_ARMV7S ? 4 : 8;
	t->test = &ctx->hooks;
	t->domain.ops = &fz_domain_ops;
	t->nid = NUMA_NO_NODE;
	spin_lock_init(&ctx->top_lock);
	pthread_mutex_init(&ctx->shadow_lock, NULL);
	ctx->drv_ops.change_top = fz_change_top;
	ctx->drv_ops.get_top_lock = fz_get_top_lock;
	if (cfg->incoherent) {
		common.features |= BIT(PT_FEAT_DMA_INCOHERENT);
		t->iommu_device = &ctx->dev;
		ctx->hooks.dma_map = fz_dma_map;
		ctx->hooks.dma_sync = fz_dma_sync;
		ctx->hooks.dma_unmap = fz_dma_unmap;
	}
	common.features |= BIT(cfg->nogaps ? PT_FEAT_FLUSH_RANGE_NO_GAPS :
			       PT_FEAT_FLUSH_RANGE);
	switch (cfg->fmt) {
	case FZ_AMDV1: {
		struct pt_iommu_amdv1_cfg c = { .common = common };

		ctx->g = 12;
		if (cfg->dyn) {
			c.common.features |= BIT(PT_FEAT_DYNAMIC_TOP);
			c.starting_level = cfg->dyn;
			t->driver_ops = &ctx->drv_ops;
		}
		ctx->b = 9;
		ret = pt_iommu_amdv1_init(&ctx->t.amd, &c, GFP_KERNEL);
		break;
	}
	case FZ_X86_64: {
		struct pt_iommu_x86_64_cfg c = { .common = common };

		if (cfg->g1)
			c.common.features |= BIT(PT_FEAT_X86_64_1G_PAGES);
		ctx->g = 12;
		ctx->b = 9;
		ret = pt_iommu_x86_64_init(&ctx->t.x86, &c, GFP_KERNEL);
		break;
	}
	case FZ_VTDSS: {
		struct pt_iommu_vtdss_cfg c = { .common = common };

		if (cfg->m2)
			c.common.features |= BIT(PT_FEAT_VTDSS_2M_PAGES);
		if (cfg->g1)
			c.common.features |= BIT(PT_FEAT_VTDSS_1G_PAGES);
		if (cfg->ad)
			c.common.features |= BIT(PT_FEAT_VTDSS_SSADS);
		ctx->g = 12;
		ctx->b = 9;
		ret = pt_iommu_vtdss_init(&ctx->t.vtd, &c, GFP_KERNEL);
		break;
	}
	case FZ_RISCV64: {
		struct pt_iommu_riscv64_cfg c = { .common = common };

		if (cfg->napot)
			c.common.features |= BIT(PT_FEAT_RISCV64_SVNAPOT_64K);
		if (cfg->pbmt)
			c.common.features |= BIT(PT_FEAT_RISCV64_SVPBMT);
		if (cfg->ad)
			c.common.features |= BIT(PT_FEAT_RISCV64_HWAD);
		ctx->g = 12;
		ctx->b = 9;
		ret = pt_iommu_riscv64_init(&ctx->t.rv, &c, GFP_KERNEL);
		break;
	}
	case FZ_ARMV7S: {
		struct pt_iommu_armv7s_cfg c = { .common = common };

		if (cfg->v7ns)
			c.common.features |= BIT(PT_FEAT_ARMV7S_NS);
		if (cfg->np)
			c.common.features |= BIT(PT_FEAT_ARMV7S_NO_PERMS);
		if (cfg->mtk)
			c.common.features |= BIT(PT_FEAT_ARMV7S_MTK_EXT);
		/* 256 small pages a level 0 table, 1M a level 1 entry */
		ctx->g = 12;
		ctx->b = 8;
		ret = pt_iommu_armv7s_init(&ctx->t.v7s, &c, GFP_KERNEL);
		break;
	}
	case FZ_DART16K:
	case FZ_DART4K: {
		struct pt_iommu_dart_cfg c = { .common = common };

		if (cfg->v2)
			c.common.features |= BIT(PT_FEAT_DART_V2);
		ctx->g = cfg->fmt == FZ_DART16K ? 14 : 12;
		ctx->b = ctx->g - 3;
		if (cfg->fmt == FZ_DART16K)
			ret = pt_iommu_dart_init(&ctx->t.dart, &c, GFP_KERNEL);
		else
			ret = pt_iommu_dart_4k_init(&ctx->t.dart, &c,
						    GFP_KERNEL);
		break;
	}
	default: {
		struct pt_iommu_armv8_cfg c = { .common = common };

		if (cfg->s2)
			c.common.features |= BIT(PT_FEAT_ARMV8_S2);
		if (cfg->bbml == 1)
			c.common.features |= BIT(PT_FEAT_ARMV8_BBML1);
		if (cfg->bbml == 2)
			c.common.features |= BIT(PT_FEAT_ARMV8_BBML2);
		if (cfg->dbm)
			c.common.features |= BIT(PT_FEAT_ARMV8_DBM);
		ctx->g = cfg->fmt == FZ_ARM4K ? 12 :
			 cfg->fmt == FZ_ARM16K ? 14 : 16;
		ctx->b = ctx->g - 3;
		if (cfg->fmt == FZ_ARM4K)
			ret = pt_iommu_armv8_4k_init(&ctx->t.arm, &c,
						     GFP_KERNEL);
		else if (cfg->fmt == FZ_ARM16K)
			ret = pt_iommu_armv8_16k_init(&ctx->t.arm, &c,
						      GFP_KERNEL);
		else
			ret = pt_iommu_armv8_64k_init(&ctx->t.arm, &c,
						      GFP_KERNEL);
		break;
	}
	}
	if (ret)
		return ret;
	ctx->top = fz_hw_top(ctx);
	ctx->sizes = fz_doc_sizes(cfg);
	if (t->domain.pgsize_bitmap != ctx->sizes)
		fz_fail(ctx, "page sizes %llx, documented %llx",
			(u64)t->domain.pgsize_bitmap, ctx->sizes);
	ctx->minpg = ctx->sizes & -ctx->sizes;
	for (i = 0; i != 64; i++)
		if (ctx->sizes & BIT_ULL(i))
			ctx->size_lg2[ctx->nsizes++] = i;
	/* Dirty state: AMD v1 and x86-64 (D), ARM stage 1 with DBM */
	/*
	 * Dirty state: AMD v1 and x86-64 (D, bit 6), VT-d second stage with
	 * SSADS (D, bit 9), ARM stage 1 with DBM (AP[2] cleared)
	 */
	if (cfg->fmt == FZ_AMDV1 || cfg->fmt == FZ_X86_64)
		ctx->dirty_bit = BIT_ULL(6);
	else if (cfg->fmt == FZ_VTDSS && cfg->ad)
		ctx->dirty_bit = BIT_ULL(9);
	else if (cfg->fmt == FZ_RISCV64 && cfg->ad)
		ctx->dirty_bit = BIT_ULL(7);
	ctx->dirty_ok = ctx->dirty_bit || cfg->dbm;
	return 0;
}

/* The input */

struct fz_in {
	const u8 *p;
	size_t n;
};

static u8 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* Little-endian; two statements, as C leaves the order of calls open */
static u16 fz_u16(struct fz_in *in)
{
	u16 lo = fz_u8(in);

	return lo | (u16)fz_u8(in) << 8;
}

/* One operation, decoded before it runs */
enum {
	FZ_OP_MAP,
	FZ_OP_MAP2,
	FZ_OP_UNMAP,
	FZ_OP_CUT,
	FZ_OP_PROBE,
	FZ_OP_DIRTY_SET,
	FZ_OP_DIRTY_READ,
	FZ_OP_FAIL,
	FZ_NOPS
};

struct fz_addr {
	u8 sel;
	u16 mult;
	u8 off;
};

struct fz_op {
	u8 code;
	u8 code_hi;	/* the bits of the code byte above the code */
	struct fz_addr va;
	struct fz_addr pa;
	u8 count;
	u8 lsel;
	u8 pgsel;
	u8 prot;
};

static void fz_get_addr(struct fz_in *in, struct fz_addr *a)
{
	a->sel = fz_u8(in);
	a->mult = fz_u16(in);
	a->off = fz_u8(in);
}

static void fz_get_op(struct fz_in *in, struct fz_op *op)
{
	u8 c = fz_u8(in);

	*op = (struct fz_op){ .code = c % FZ_NOPS, .code_hi = c / FZ_NOPS };
	fz_get_addr(in, &op->va);
	switch (op->code) {
	case FZ_OP_MAP:
	case FZ_OP_MAP2:
		fz_get_addr(in, &op->pa);
		op->pgsel = fz_u8(in);
		op->prot = fz_u8(in);
		fallthrough;
	case FZ_OP_UNMAP:
	case FZ_OP_DIRTY_READ:
		op->count = fz_u8(in);
		op->lsel = fz_u8(in);
		break;
	default:
		break;
	}
}

/* The window a thread works in */
struct fz_win {
	u64 first;
	u64 last;
	unsigned int lg2;
};

/* An IOVA of the window from its encoding; @wild reaches outside it */
static u64 fz_va(struct fz_ctx *ctx, const struct fz_win *w,
		 const struct fz_addr *a, bool wild)
{
	unsigned int lg2 = ctx->size_lg2[(a->sel & 15) % ctx->nsizes];
	u64 v = ((u64)a->mult << lg2) + (u64)a->off * ctx->minpg;

	switch ((a->sel >> 4) & 3) {
	case 1:
		v = w->last + 1 - (v & fz_mask(w->lg2));
		return v < w->first || v > w->last ? w->first : v;
	case 2:
		if (wild)
			return (u64)a->mult << 48 | (u64)a->off << lg2;
		fallthrough;
	default:
		return w->first + (v & fz_mask(w->lg2));
	}
}

/*
 * An IOVA in or at a leaf of the model, when the encoding asks for one
 * (the top bits of the selector clear) and there is one: cut, unmap and
 * probes at random IOVAs would rarely meet a mapping.
 */
static u64 fz_va_at(struct fz_ctx *ctx, struct fz_model *m,
		    const struct fz_win *w, const struct fz_addr *a, bool wild)
{
	const struct fz_leaf *l;
	u64 off;

	if ((a->sel >> 6) || !m->n)
		return fz_va(ctx, w, a, wild);
	l = &m->l[a->mult % m->n];
	off = (BIT_ULL(l->lg2) >> 8) * a->off;
	if (a->sel & 8)
		off = BIT_ULL(l->lg2) - off;
	return l->va + (off & fz_mask(l->lg2) & ~(ctx->minpg - 1));
}

static const unsigned int fz_prots[] = {
	IOMMU_READ | IOMMU_WRITE,
	IOMMU_READ,
	IOMMU_WRITE,
	IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
	IOMMU_READ | IOMMU_NOEXEC,
	IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO,
	IOMMU_READ | IOMMU_PRIV,
};

/* Room for the leaves of a map or of the two sides of a cut, per thread */
#define FZ_SCRATCH (2 * 64 * 256)
static struct fz_leaf fz_scratch[2][FZ_SCRATCH];

struct fz_thread {
	struct fz_ctx *ctx;
	unsigned int id;
	struct fz_model m;
	struct fz_win win;
	struct fz_op *ops;
	unsigned int nops;
	int fail_next;
	/* The gather of the unmaps before, not flushed yet */
	struct iommu_iotlb_gather g;
	bool gather_pending;
};

/*
 * x86-64, and RISC-V without hardware A/D updates, map writable leaves
 * with D preset; the others clean
 */
static u8 fz_map_dirty(struct fz_ctx *ctx, unsigned int prot)
{
	if (!(prot & IOMMU_WRITE))
		return 0;
	return ctx->cfg->fmt == FZ_X86_64 ||
	       (ctx->cfg->fmt == FZ_RISCV64 && !ctx->cfg->ad);
}

static bool fz_overlaps(struct fz_model *m, u64 a, u64 last)
{
	unsigned int pos;

	fz_find(m, a, &pos);
	return pos < m->n && m->l[pos].va <= last;
}

static void fz_do_map(struct fz_thread *th, const struct fz_op *op)
{
	struct fz_ctx *ctx = th->ctx;
	struct fz_model *m = &th->m;
	bool wild = !ctx->threaded;
	u64 va = fz_va(ctx, &th->win, &op->va, wild);
	unsigned int plg2 = ctx->size_lg2[(op->pa.sel & 15) % ctx->nsizes];
	unsigned int llg2 = ctx->size_lg2[(op->lsel & 15) % ctx->nsizes];
	u64 pa = ((u64)op->pa.mult << plg2) + (u64)op->pa.off * ctx->minpg;
	u64 len = ((u64)op->count << llg2) + (u64)(op->lsel >> 4) * ctx->minpg;
	u64 pgsize = ctx->minpg, pgcount, last = 0;
	struct fz_frozen frozen;
	struct fz_leaf *leaves;
	unsigned int prot = fz_prots[op->prot % ARRAY_SIZE(fz_prots)];
	bool einval = false, eoverflow = false, erange = false;
	bool einuse = false, armed = th->fail_next > 0;
	size_t mapped = 0;
	int n = 0, ret;

	switch (op->pa.sel >> 6) {
	case 0:
	case 3:
		/* Congruent with the IOVA: large pages where it allows */
		pa += va & fz_mask(plg2);
		pa &= fz_mask(ctx->cfg->oasz);
		break;
	case 1:
		pa &= fz_mask(ctx->cfg->oasz);
		break;
	default:
		if (!wild)
			pa &= fz_mask(ctx->cfg->oasz);
		break;
	}
	if (!ctx->threaded && (op->prot & 0xf0) == 0xf0)
		prot = 0;
	if (ctx->threaded) {
		/* Stay in the window */
		if (va + len - 1 > th->win.last || va + len < va)
			len = th->win.last - va + 1;
		len &= ~(ctx->minpg - 1);
		if (!len)
			return;
	}
	if (!ctx->threaded && (op->pgsel & 0x80)) {
		/* What the caller asked, valid or not */
		pgsize = op->pgsel & 0x40 ? 3 * ctx->minpg :
			 BIT_ULL(ctx->size_lg2[op->pgsel % ctx->nsizes]);
	}
	pgcount = len / pgsize;
	len = pgcount * pgsize;

	if (!pgcount || !is_power_of_2(pgsize) || !(ctx->sizes & pgsize) ||
	    ((va | pa) & (pgsize - 1)) || !(prot & (IOMMU_READ | IOMMU_WRITE)))
		einval = true;
	if (len && (va + len - 1 < va || pa + len - 1 < pa))
		eoverflow = true;
	/* A PA beyond the OA size may be named first when the IOVA wraps */
	if (len && pa + len - 1 >= pa && ctx->cfg->oasz < 64 &&
	    (pa + len - 1) >> ctx->cfg->oasz)
		erange = true;
	if (len && !eoverflow) {
		last = va + len - 1;
		if (!fz_in_spans(ctx, va, last) ||
		    ((pa + len - 1) >> ctx->cfg->oasz && ctx->cfg->oasz < 64))
			erange = true;
		else
			einuse = fz_overlaps(m, va, last);
	}
	if (!einval && !eoverflow && !erange && !einuse) {
		if (m->n >= FZ_LEAF_CAP) {
			__atomic_fetch_add(&fz_ops_skipped, 1, __ATOMIC_RELAXED);
			return;
		}
		leaves = fz_scratch[th->id];
		/* At least len over the largest size the alignment allows */
		if ((va | pa) && (len >> min(63, __builtin_ctzll(va | pa))) >
				 FZ_LEAF_CAP - m->n)
			n = -1;
		else
			n = fz_split(ctx, va, pa, len, prot, 0, leaves,
				     FZ_LEAF_CAP - m->n);
		if (n < 0) {
			__atomic_fetch_add(&fz_ops_skipped, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	/* What to compare with, when the call must fail */
	fz_freeze(ctx, &frozen);
	if (!ctx->threaded)
		ctx->hooks.fail_alloc = th->fail_next;
	th->fail_next = 0;
	fz_syncs = (struct fz_syncs){};
	ret = fz_map(ctx, va, pa, pgsize, pgcount, prot, &mapped);
	if (fz_syncs.other_n) {
		/* Replaced empty tables: flushes inside the range only */
		fz_outcome_add(FZ_MAP_SYNCED);
		if (fz_syncs.other_start < va ||
		    fz_syncs.other_end > va + len - 1 ||
		    fz_syncs.other_start > fz_syncs.other_end)
			fz_fail(ctx, "map %llx len %llx flushed [%lx, %lx]",
				va, len, fz_syncs.other_start,
				fz_syncs.other_end);
	}
	fz_trace("map %llx pa %llx pgsize %llx x %llx prot %x: %d mapped %zx\n",
		 va, pa, pgsize, pgcount, prot, ret, mapped);
	if (!ctx->threaded)
		ctx->hooks.fail_alloc = 0;

	if (einval || eoverflow || erange || einuse) {
		if (!((ret == -EINVAL && einval) ||
		      (ret == -EOVERFLOW && eoverflow) ||
		      (ret == -ERANGE && erange) ||
		      (ret == -EADDRINUSE && einuse) ||
		      (ret == -ENOMEM && armed && !mapped)))
			fz_fail(ctx,
				"map %llx pa %llx pgsize %llx x %llu prot %x: %d, want%s%s%s%s",
				va, pa, pgsize, pgcount, prot, ret,
				einval ? " -EINVAL" : "",
				eoverflow ? " -EOVERFLOW" : "",
				erange ? " -ERANGE" : "",
				einuse ? " -EADDRINUSE" : "");
		if (mapped)
			fz_fail(ctx, "failed map %llx reports %zx mapped", va,
				mapped);
		fz_outcome_add(FZ_MAP_ERR);
		if (ret != -ENOMEM && !ctx->threaded) {
			char what[96];

			snprintf(what, sizeof(what), "map %llx failing with %d",
				 va, ret);
			/*
			 * What the walker reaches for its range, where that
			 * lies in the window; the rest at the next compare
			 * of every table
			 */
			fz_unchanged(ctx, &frozen, max(va, th->win.first),
				     len && !eoverflow ?
				     min(va + len - 1, th->win.last) :
				     min(va, th->win.last), what);
		} else if (!ctx->threaded) {
			/* Refused for want of memory: what did it change? */
			fz_mirror_all(ctx, FZ_MIRROR_COPY, NULL);
		}
		return;
	}
	fz_mirror_range(ctx, va, va + len - 1, FZ_MIRROR_COPY, NULL);
	if (ret && !(ret == -ENOMEM && armed))
		fz_fail(ctx, "map %llx pa %llx len %llx prot %x: %d", va, pa,
			len, prot, ret);
	fz_outcome_add(ret ? FZ_MAP_NOMEM : FZ_MAP_OK);
	if (!ret && mapped != len)
		fz_fail(ctx, "map %llx len %llx reports %zx mapped", va, len,
			mapped);
	if (mapped > len || (mapped & (ctx->minpg - 1)))
		fz_fail(ctx, "map %llx len %llx failed reporting %zx mapped",
			va, len, mapped);
	if (mapped) {
		unsigned int pos;

		leaves = fz_scratch[th->id];
		n = fz_split(ctx, va, pa, mapped, prot,
			     fz_map_dirty(ctx, prot), leaves, FZ_LEAF_CAP);
		fz_find(m, va, &pos);
		fz_insert(m, pos, leaves, n);
	}
	fz_check_range(ctx, m, va, last, th->win.first, th->win.last);
}

/*
 * The spans of the tables an unmap of [a, e] unhooks, as the walker finds
 * them before the call: every table entry whose whole span lies inside,
 * grown into the hull [*hs, *he].
 */
static void fz_table_hull(struct fz_ctx *ctx, u64 *table, unsigned int level,
			  u64 base, u64 a, u64 e, u64 *hs, u64 *he)
{
	unsigned int item = fz_item_lg2(ctx, level);
	u64 n = 1ULL << fz_entries_lg2(ctx, level);
	u64 i, i0, i1;

	if (e < base)
		return;
	i0 = a > base ? (a - base) >> item : 0;
	i1 = min(n - 1, (e - base) >> item);
	for (i = i0; i <= i1; i++) {
		u64 s = base + (i << item), last = s + fz_mask(item);
		struct fz_ent ent;

		fz_decode(ctx, level, i, fz_load(ctx, table, i), &ent);
		if (ent.type != FZ_E_TABLE || !level)
			continue;
		if (s >= a && last <= e) {
			*hs = min(*hs, s);
			*he = max(*he, last);
		} else {
			fz_table_hull(ctx, (u64 *)(uintptr_t)ent.addr,
				      level - 1, s, a, e, hs, he);
		}
	}
}

/* Flush what a thread still gathers, from unmaps before */
static void fz_gather_flush(struct fz_thread *th)
{
	if (!th->gather_pending)
		return;
	fz_free_gather(th->ctx, &th->g);
	th->gather_pending = false;
}

static bool fz_gather_empty(const struct iommu_iotlb_gather *g)
{
	return g->start > g->end;
}

static void fz_do_unmap(struct fz_thread *th, const struct fz_op *op,
			u64 *a_out, u64 *len_out)
{
	struct fz_ctx *ctx = th->ctx;
	struct fz_model *m = &th->m;
	u64 va = fz_va_at(ctx, m, &th->win, &op->va, false);
	unsigned int llg2 = ctx->size_lg2[(op->lsel & 15) % ctx->nsizes];
	u64 len = ((u64)op->count << llg2) + (u64)(op->lsel >> 4) * ctx->minpg;
	struct iommu_iotlb_gather *g = &th->g, old;
	u64 want = 0, last, stop, hs = U64_MAX, he = 0;
	unsigned int pos, first, i;
	bool join, merged, none = false;
	size_t got;

	if (va + len - 1 > th->win.last || va + len < va)
		len = th->win.last - va + 1;
	len &= ~(ctx->minpg - 1);
	if (!len)
		len = ctx->minpg;
	last = va + len - 1;
	*a_out = va;
	*len_out = len;

	/* Whole leaves from va on, up to the first that is not inside */
	fz_find(m, va, &pos);
	first = pos;
	stop = last;
	for (i = pos; i < m->n && m->l[i].va <= last; i++) {
		if (m->l[i].va < va || m->l[i].va + fz_mask(m->l[i].lg2) > last) {
			/* Stops there: nothing at all when it starts at va */
			none = m->l[i].va <= va;
			stop = m->l[i].va - 1;
			break;
		}
		want += BIT_ULL(m->l[i].lg2);
		hs = min(hs, m->l[i].va);
		he = max(he, m->l[i].va + fz_mask(m->l[i].lg2));
	}
	/* ... and the tables it covers before the stop */
	if (!none) {
		unsigned int span_lg2, level;
		u64 base = 0, *top;

		fz_span(ctx, va >> 63, &base, &span_lg2);
		if (fz_sext(ctx) && base)
			base = ~fz_mask(ctx->cfg->vasz);
		top = fz_top_table(ctx, &level);
		fz_table_hull(ctx, top, level, base, va, stop, &hs, &he);
	}

	/* Joins what the unmap before it gathered, or starts afresh */
	join = !ctx->threaded && (op->code_hi & 1) && th->gather_pending;
	if (!join) {
		fz_gather_flush(th);
		iommu_iotlb_gather_init(g);
	}
	old = *g;
	fz_syncs = (struct fz_syncs){ .unmap_g = g };
	got = fz_unmap(ctx, va, ctx->minpg, len / ctx->minpg, g);
	fz_syncs.unmap_g = NULL;
	th->gather_pending = true;
	fz_trace("unmap %llx len %llx%s: %zx\n", va, len,
		 join ? " (same gather)" : "", got);
	if (got != want)
		fz_fail(ctx, "unmap %llx len %llx: %zx bytes, want %llx", va,
			len, got, want);

	/* The gather grows by exactly the hull of what left the walk */
	if (hs > he) {
		if (fz_syncs.unmap_n || g->start != old.start ||
		    g->end != old.end)
			fz_fail(ctx,
				"unmap %llx len %llx removed nothing, gather [%lx, %lx] was [%lx, %lx], %u syncs",
				va, len, g->start, g->end, old.start, old.end,
				fz_syncs.unmap_n);
	} else if (fz_gather_empty(&old)) {
		if (fz_syncs.unmap_n || g->start != hs || g->end != he)
			fz_fail(ctx,
				"unmap %llx len %llx gathers [%lx, %lx], want [%llx, %llx] (%u syncs)",
				va, len, g->start, g->end, hs, he,
				fz_syncs.unmap_n);
	} else {
		/*
		 * A second unmap into one gather: the hull of both, or with
		 * NO_GAPS, when a gap lies between them, the first synced
		 * and the second alone. Adjacent ones may go either way.
		 */
		bool gap = he + 1 < old.start || hs > old.end + 1;
		bool touch = he + 1 == old.start || hs == old.end + 1;

		merged = !(ctx->cfg->nogaps && (gap || touch) &&
			   fz_syncs.unmap_n);
		if (merged ? (fz_syncs.unmap_n ||
			      (ctx->cfg->nogaps && gap) ||
			      g->start != min(old.start, (unsigned long)hs) ||
			      g->end != max(old.end, (unsigned long)he)) :
			     (fz_syncs.unmap_n != 1 ||
			      fz_syncs.unmap_start != old.start ||
			      fz_syncs.unmap_end != old.end ||
			      g->start != hs || g->end != he))
			fz_fail(ctx,
				"unmap %llx len %llx into gather [%lx, %lx]: gathers [%lx, %lx] after %u syncs (last [%lx, %lx]), want the hull of [%llx, %llx]%s",
				va, len, old.start, old.end, g->start, g->end,
				fz_syncs.unmap_n, fz_syncs.unmap_start,
				fz_syncs.unmap_end, hs, he,
				ctx->cfg->nogaps ? ", synced first if apart" :
						   "");
	}
	fz_mirror_range(ctx, va, last, FZ_MIRROR_COPY, NULL);
	fz_outcome_add(got ? FZ_UNMAP_BYTES : FZ_UNMAP_NONE);
	if (join)
		fz_outcome_add(FZ_UNMAP_JOINED);
	fz_remove(m, first, i - first);
	fz_check_range(ctx, m, va, last, th->win.first, th->win.last);
}

/* During a cut: after every store, what the walker sees of the leaf */
static void fz_hitless_check(struct fz_ctx *ctx)
{
	const struct fz_leaf *l = &ctx->cut_leaf;
	u64 pts[6];
	unsigned int i;

	if (!ctx->cut_armed)
		return;
	pts[0] = l->va;
	pts[1] = l->va + fz_mask(l->lg2);
	pts[2] = ctx->cut_iova - 1;
	pts[3] = ctx->cut_iova;
	pts[4] = l->va + (ctx->cut_iova - l->va) / 2;
	pts[5] = ctx->cut_iova + (pts[1] - ctx->cut_iova) / 2;
	for (i = 0; i != ARRAY_SIZE(pts); i++) {
		const char *why = NULL;
		struct fz_hw hw;

		if (!fz_walk(ctx, pts[i], &hw, &why))
			fz_fail(ctx, "during the cut at %llx, walk of %llx: %s",
				ctx->cut_iova, pts[i], why);
		if (!hw.type || hw.pa + (pts[i] - hw.va) !=
				l->pa + (pts[i] - l->va))
			fz_fail(ctx,
				"cut at %llx not hitless: iova %llx translates to %llx, want %llx",
				ctx->cut_iova, pts[i],
				hw.type ? hw.pa + (pts[i] - hw.va) : 0,
				l->pa + (pts[i] - l->va));
	}
}

static void fz_store_hook(void *priv, struct pt_table_p *table,
			  unsigned int index)
{
	if (index >= UINT_MAX - 1)
		return;
	fz_hitless_check(priv);
}

/* Does the cut of @l at @c need what the configuration lacks? */
static bool fz_cut_refused(struct fz_ctx *ctx, const struct fz_leaf *l, u64 c)
{
	unsigned int level, item;

	if (ctx->cfg->fmt < FZ_ARM4K)
		return false;
	for (level = 0; fz_item_lg2(ctx, level + 1) <= l->lg2; level++)
		;
	item = fz_item_lg2(ctx, level);
	/* Inside an item: a block or page becomes a table */
	if (c & fz_mask(item))
		return ctx->cfg->bbml < 2;
	/* At an item boundary of a contiguous run: re-sized in place */
	return ctx->cfg->bbml < 1;
}

static void fz_do_cut(struct fz_thread *th, const struct fz_op *op)
{
	struct fz_ctx *ctx = th->ctx;
	struct fz_model *m = &th->m;
	bool wild = !ctx->threaded && (op->va.off & 0x80);
	u64 c = fz_va_at(ctx, m, &th->win, &op->va, !ctx->threaded);
	bool armed = th->fail_next > 0, refused = false;
	int want = 0, ret;
	struct fz_leaf *l, leaf = {}, *parts;
	unsigned int pos;
	struct fz_frozen frozen;
	char what[96];
	u64 ca, ce;
	int n1, n2;

	if (wild)
		c += ctx->minpg / 2;
	if (m->n + 1024 > FZ_LEAF_CAP * 4) {
		__atomic_fetch_add(&fz_ops_skipped, 1, __ATOMIC_RELAXED);
		return;
	}
	l = fz_find(m, c, &pos);
	if (c & (ctx->minpg - 1))
		want = -EINVAL;
	else if (!fz_in_spans(ctx, c, c))
		want = -ERANGE;
	else if (!l)
		want = -ENOENT;
	else if (l->va != c && fz_cut_refused(ctx, l, c))
		refused = true;
	if (l)
		leaf = *l;

	fz_freeze(ctx, &frozen);
	if (!ctx->threaded) {
		if (!want && l && l->va != c) {
			ctx->cut_leaf = leaf;
			ctx->cut_iova = c;
			ctx->cut_armed = true;
			pt_store_hook_set(fz_store_hook, ctx);
		}
	}
	/* One countdown for the table: armed only with one thread */
	if (!ctx->threaded)
		ctx->hooks.fail_alloc = th->fail_next;
	th->fail_next = 0;
	fz_syncs = (struct fz_syncs){};
	ret = fz_cut(ctx, c);
	if (fz_syncs.other_n)
		fz_fail(ctx, "cut at %llx flushed [%lx, %lx]", c,
			fz_syncs.other_start, fz_syncs.other_end);
	fz_trace("cut %llx: %d\n", c, ret);
	if (!ctx->threaded)
		ctx->hooks.fail_alloc = 0;
	if (ctx->cut_armed) {
		pt_store_hook_set(NULL, NULL);
		ctx->cut_armed = false;
	}
	if (refused)
		want = -EOPNOTSUPP;
	if (ret != want && !(ret == -ENOMEM && armed && !want && l &&
			     l->va != c))
		fz_fail(ctx, "cut at %llx (leaf %llx size 2^%u): %d, want %d",
			c, leaf.va, leaf.lg2, ret, want);
	snprintf(what, sizeof(what), "cut at %llx returning %d", c, ret);
	if (ret || l->va == c) {
		/*
		 * Failed, or already a boundary: nothing changes, in the
		 * leaf or at the IOVA (everything, outside the table)
		 */
		ca = l ? l->va : c & ~(ctx->minpg - 1);
		ce = l ? l->va + fz_mask(l->lg2) : ca;
		if (!fz_in_spans(ctx, ca, ce))
			ca = th->win.first, ce = th->win.first;
		fz_unchanged(ctx, &frozen, ca, ce, what);
		fz_outcome_add(ret ? FZ_CUT_ERR : FZ_CUT_NOP);
		return;
	}
	fz_mirror_range(ctx, leaf.va, leaf.va + fz_mask(leaf.lg2),
			FZ_MIRROR_COPY, NULL);
	fz_outcome_add(FZ_CUT_SPLIT);
	/* The leaves two maps of the sides would have chosen */
	parts = fz_scratch[th->id];
	n1 = fz_split(ctx, leaf.va, leaf.pa, c - leaf.va, leaf.prot,
		      leaf.dirty, parts, 64 * 256);
	n2 = fz_split(ctx, c, leaf.pa + (c - leaf.va),
		      leaf.va + fz_mask(leaf.lg2) + 1 - c, leaf.prot,
		      leaf.dirty, parts + n1, 64 * 256);
	if (n1 < 0 || n2 < 0)
		fz_fail(ctx, "model: split of leaf %llx at %llx", leaf.va, c);
	fz_remove(m, pos, 1);
	fz_insert(m, pos, parts, n1 + n2);
	fz_check_range(ctx, m, leaf.va, leaf.va + fz_mask(leaf.lg2),
		       th->win.first, th->win.last);
}

static void fz_do_probe(struct fz_thread *th, const struct fz_op *op)
{
	struct fz_ctx *ctx = th->ctx;
	u64 va = fz_va_at(ctx, &th->m, &th->win, &op->va, !ctx->threaded) +
		 (op->va.off & 0x7f) * 8;
	unsigned int pos;
	struct fz_leaf *l = fz_find(&th->m, va, &pos);
	u64 want = l ? l->pa + (va - l->va) : 0;
	u64 got = fz_iova_to_phys(ctx, va);

	if (got != want)
		fz_fail(ctx, "iova_to_phys(%llx) = %llx, want %llx", va, got,
			want);
}

/* The walker sets the dirty bit of one item or all items of a leaf */
static void fz_do_dirty_set(struct fz_thread *th, const struct fz_op *op)
{
	struct fz_ctx *ctx = th->ctx;
	struct fz_leaf *l;
	const char *why;
	struct fz_hw hw;
	unsigned int i;

	if (!ctx->dirty_ok || ctx->cfg->incoherent || !th->m.n)
		return;
	l = &th->m.l[op->va.mult % th->m.n];
	/* x86-64 and ARM: a DMA write through a read-only leaf faults */
	if (ctx->cfg->fmt != FZ_AMDV1 && !(l->prot & IOMMU_WRITE))
		return;
	if (!fz_walk(ctx, l->va, &hw, &why) || !hw.type)
		fz_fail(ctx, "no leaf at %llx to set dirty", l->va);
	for (i = 0; i != hw.nitems; i++) {
		if (!(op->va.off & 1) && i != op->va.sel % hw.nitems)
			continue;
		if (ctx->cfg->fmt < FZ_ARM4K) {
			/* D: bit 6, or bit 9 on VT-d second stage */
			__atomic_fetch_or(hw.entry + i,
					  (__force u64)cpu_to_le64(ctx->dirty_bit),
					  __ATOMIC_RELAXED);
			continue;
		}
		/* The SMMU clears AP[2] (bit 7) of a DBM (bit 51) entry */
		if (!(fz_load(ctx, hw.entry, i) & BIT_ULL(51)))
			fz_fail(ctx, "writable leaf %llx without DBM", l->va);
		__atomic_fetch_and(hw.entry + i,
				   ~(__force u64)cpu_to_le64(BIT_ULL(7)),
				   __ATOMIC_RELAXED);
	}
	l->dirty = 1;
	fz_mirror_range(ctx, l->va, l->va + fz_mask(l->lg2), FZ_MIRROR_COPY,
			NULL);
}

/*
 * The records of one dirty read, as the dirty bitmap gets them (the
 * user-space iova_bitmap of user/include/linux/iommu.h), one set a thread
 */
#define FZ_REC_CAP (FZ_LEAF_CAP * 4 + 1)

struct fz_records {
	struct iova_bitmap bitmap;
	unsigned int n;
	bool overflow;
	struct {
		u64 va;
		u64 last;
	} r[FZ_REC_CAP];
};

static struct fz_records fz_records_mem[2];

static void fz_record(struct iova_bitmap *bitmap, unsigned long iova,
		      size_t length)
{
	struct fz_records *rec =
		container_of(bitmap, struct fz_records, bitmap);

	if (rec->n == FZ_REC_CAP) {
		rec->overflow = true;
		return;
	}
	rec->r[rec->n].va = iova;
	rec->r[rec->n].last = iova + length - 1;
	rec->n++;
}

/*
 * The records set exactly the dirty bytes of [a, b] (the model's dirty
 * leaves, clipped) and each run of adjacent ones is one record: sorted,
 * they are the runs of the model, one for one.
 */
static void fz_check_records(struct fz_ctx *ctx, struct fz_model *m,
			     struct fz_records *rec, unsigned int pos, u64 a,
			     u64 b)
{
	unsigned int i, j, k = 0;

	if (rec->overflow) {
		fz_fail(ctx, "dirty read [%llx, %llx]: over %u records", a, b,
			FZ_REC_CAP);
		return;
	}
	for (i = 1; i < rec->n; i++)
		for (j = i; j && rec->r[j - 1].va > rec->r[j].va; j--)
			swap(rec->r[j - 1], rec->r[j]);
	for (i = pos; i < m->n && m->l[i].va <= b; i++) {
		u64 va, last;

		if (!m->l[i].dirty)
			continue;
		va = max(m->l[i].va, a);
		last = min(m->l[i].va + fz_mask(m->l[i].lg2), b);
		/* The run: adjacent dirty leaves after this one */
		while (i + 1 < m->n && m->l[i + 1].dirty &&
		       m->l[i + 1].va == last + 1 && last != b) {
			i++;
			last = min(m->l[i].va + fz_mask(m->l[i].lg2), b);
		}
		if (k == rec->n || rec->r[k].va != va ||
		    rec->r[k].last != last) {
			fz_fail(ctx,
				"dirty read [%llx, %llx]: record %u of %u is [%llx, %llx], want [%llx, %llx]",
				a, b, k, rec->n,
				k < rec->n ? rec->r[k].va : 0,
				k < rec->n ? rec->r[k].last : 0, va, last);
			return;
		}
		k++;
	}
	if (k != rec->n)
		fz_fail(ctx,
			"dirty read [%llx, %llx]: %u records, want %u: [%llx, %llx] is clean",
			a, b, rec->n, k, rec->r[k].va, rec->r[k].last);
}

static void fz_do_dirty_read(struct fz_thread *th, const struct fz_op *op)
{
	struct fz_ctx *ctx = th->ctx;
	struct fz_model *m = &th->m;
	u64 a = fz_va_at(ctx, m, &th->win, &op->va, false);
	unsigned int llg2 = ctx->size_lg2[(op->lsel & 15) % ctx->nsizes];
	u64 len = ((u64)op->count << llg2) + (u64)(op->lsel >> 4) * ctx->minpg;
	unsigned long flags = op->va.off & 1 ? IOMMU_DIRTY_NO_CLEAR : 0;
	u64 want_start = U64_MAX, want_end = 0, b;
	struct fz_frozen frozen;
	struct fz_records *rec = &fz_records_mem[th->id];
	struct iommu_iotlb_gather g;
	struct iommu_dirty_bitmap bm;
	unsigned int pos, i;
	int ret;

	if (a + len - 1 > th->win.last || a + len < a)
		len = th->win.last - a + 1;
	if (!len)
		len = ctx->minpg;
	b = a + len - 1;
	fz_find(m, a, &pos);
	for (i = pos; i < m->n && m->l[i].va <= b; i++) {
		if (!m->l[i].dirty)
			continue;
		want_start = min(want_start, max(m->l[i].va, a));
		want_end = max(want_end, min(m->l[i].va +
					     fz_mask(m->l[i].lg2), b));
	}
	fz_freeze(ctx, &frozen);
	rec->bitmap.set = fz_record;
	rec->n = 0;
	rec->overflow = false;
	iommu_dirty_bitmap_init(&bm, &rec->bitmap, &g);
	ret = fz_read_dirty(ctx, a, len, flags, &bm);
	if (ctx->cfg->incoherent || !ctx->dirty_ok) {
		if (ret != -EOPNOTSUPP)
			fz_fail(ctx, "dirty read of a table %s: %d",
				ctx->dirty_ok ? "incoherent" :
						"without dirty state", ret);
		fz_unchanged(ctx, &frozen, a, b, "refused dirty read");
		return;
	}
	if (ret)
		fz_fail(ctx, "dirty read [%llx, %llx]: %d", a, b, ret);
	fz_mirror_range(ctx, a, b, FZ_MIRROR_COPY, NULL);
	fz_outcome_add(FZ_DIRTY_READ);
	if (want_start > want_end ? g.start <= g.end :
	    (g.start != want_start || g.end != want_end))
		fz_fail(ctx,
			"dirty read [%llx, %llx] reported [%lx, %lx], want [%llx, %llx]",
			a, b, g.start, g.end, want_start, want_end);
	fz_check_records(ctx, m, rec, pos, a, b);
	for (i = pos; i < m->n && m->l[i].va <= b; i++)
		if (!(flags & IOMMU_DIRTY_NO_CLEAR) && m->l[i].va >= a &&
		    m->l[i].va + fz_mask(m->l[i].lg2) <= b)
			m->l[i].dirty = 0;
	fz_check_range(ctx, m, a, b, th->win.first, th->win.last);
}

static void fz_run_ops(struct fz_thread *th)
{
	struct fz_ctx *ctx = th->ctx;
	unsigned long warns = user_warn_count();
	char what[64];
	unsigned int i;

	for (i = 0; i != th->nops; i++) {
		const struct fz_op *op = &th->ops[i];
		u64 a, len;

		__atomic_fetch_add(&fz_ops_done, 1, __ATOMIC_RELAXED);
		if (ctx->threaded)
			__atomic_fetch_add(&fz_ops_threaded, 1,
					   __ATOMIC_RELAXED);
		if (op->code != FZ_OP_UNMAP)
			fz_gather_flush(th);
		switch (op->code) {
		case FZ_OP_MAP:
		case FZ_OP_MAP2:
			fz_do_map(th, op);
			break;
		case FZ_OP_UNMAP:
			fz_do_unmap(th, op, &a, &len);
			break;
		case FZ_OP_CUT:
			fz_do_cut(th, op);
			break;
		case FZ_OP_PROBE:
			fz_do_probe(th, op);
			break;
		case FZ_OP_DIRTY_SET:
			if (ctx->threaded)
				fz_do_probe(th, op);
			else
				fz_do_dirty_set(th, op);
			break;
		case FZ_OP_DIRTY_READ:
			if (ctx->threaded)
				fz_do_unmap(th, op, &a, &len);
			else
				fz_do_dirty_read(th, op);
			break;
		case FZ_OP_FAIL:
			if (!ctx->threaded)
				th->fail_next = 1 + op->va.sel % 4;
			fz_trace("fail allocation %d\n", th->fail_next);
			break;
		}
		if (!ctx->threaded && fz_hw_top(ctx) != ctx->top)
			fz_fail(ctx, "hw_info top %llx, the driver was told %llx",
				fz_hw_top(ctx), ctx->top);
		if (!ctx->threaded && fz_top(ctx) != ctx->mirror_top) {
			/* A new top: its first item holds the old one */
			fz_mirror_all(ctx, FZ_MIRROR_COPY, NULL);
		} else if (!ctx->threaded && !(++ctx->ops_since_full %
					       FZ_FULL_EVERY)) {
			snprintf(what, sizeof(what),
				 "an operation before operation %u", i + 1);
			fz_mirror_all(ctx, FZ_MIRROR_COMPARE, what);
		}
		if (user_warn_count() != warns)
			fz_fail(ctx, "WARN in the engine");
	}
	fz_gather_flush(th);
}

static void *fz_thread_fn(void *arg)
{
	fz_run_ops(arg);
	return NULL;
}

/* Merge two threads' models (disjoint windows, first below second) */
static void fz_merge(struct fz_model *into, struct fz_model *a,
		     struct fz_model *b)
{
	memcpy(into->l, a->l, a->n * sizeof(a->l[0]));
	memcpy(into->l + a->n, b->l, b->n * sizeof(b->l[0]));
	into->n = a->n + b->n;
}

/* The models of the two threads and the merged one (one input at a time) */
static struct fz_leaf fz_model_mem[3][FZ_LEAF_CAP * 4];

static void fz_model_alloc(struct fz_model *m, unsigned int i)
{
	m->l = fz_model_mem[i];
	m->n = 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct fz_thread th[2] = {};
	struct fz_ctx *ctx;
	struct fz_op *ops;
	unsigned int nops = 0, i;
	unsigned long pages;
	u8 cfg_sel, mode;
	int ret;

	if (size < 2)
		return 0;
	if (!fz_cfg_on)
		fz_cfg_select();
	if (!(fz_cfg_on & BIT_ULL(data[0] % FZ_NCFGS)))
		return -1;
	pages = user_pages_in_use();
	if (fz_tracing < 0)
		fz_tracing = !!getenv("FUZZ_PT_TRACE");
	cfg_sel = fz_u8(&in);
	mode = fz_u8(&in);
	ctx = calloc(1, sizeof(*ctx));
	ops = calloc(size / 4 + 1, sizeof(*ops));
	if (!ctx || !ops)
		abort();
	ctx->cfg = &fz_cfgs[cfg_sel % FZ_NCFGS];
	ctx->threaded = mode & 1;
	ret = fz_init(ctx);
	if (ret)
		fz_fail(ctx, "init: %d", ret);
	if (atomic_read(&ctx->hooks.tables) != 1)
		fz_fail(ctx, "%d tables after init",
			atomic_read(&ctx->hooks.tables));
	while (in.n && nops < size / 4 + 1)
		fz_get_op(&in, &ops[nops++]);

	for (i = 0; i != 2; i++) {
		th[i].ctx = ctx;
		th[i].id = i;
		fz_model_alloc(&th[i].m, i);
	}
	if (!ctx->threaded) {
		bool upper = mode & 2;

		fz_span(ctx, upper, &th[0].win.first, &th[0].win.lg2);
		th[0].win.last = th[0].win.first + fz_mask(th[0].win.lg2);
		th[0].ops = ops;
		th[0].nops = nops;
		fz_mirror_all(ctx, FZ_MIRROR_COPY, NULL);
		fz_run_ops(&th[0]);
		fz_mirror_all(ctx, FZ_MIRROR_COMPARE, "an operation");
		fz_check_all(ctx, &th[0].m);
	} else {
		struct fz_op *split = calloc(nops + 1, sizeof(*split));
		unsigned int span_lg2, k, n0 = 0;
		struct fz_model all;
		pthread_t tid;
		u64 base;

		if (!split)
			abort();
		fz_span(ctx, mode & 2, &base, &span_lg2);
		/* Windows of 2^k next to each other, sharing upper tables */
		k = ctx->size_lg2[(mode >> 2) % ctx->nsizes] + (mode >> 6);
		k = min(k, span_lg2 - 1);
		base += ((u64)(mode >> 2) << (k + 1)) & fz_mask(span_lg2);
		for (i = 0; i != 2; i++) {
			th[i].win.lg2 = k;
			th[i].win.first = base + ((u64)i << k);
			th[i].win.last = th[i].win.first + fz_mask(k);
		}
		/* Even operations to the first thread, odd to the second */
		for (i = 0; i < nops; i += 2)
			split[n0++] = ops[i];
		th[0].ops = split;
		th[0].nops = n0;
		for (i = 1; i < nops; i += 2)
			ops[i / 2] = ops[i];
		th[1].ops = ops;
		th[1].nops = nops / 2;
		if (pthread_create(&tid, NULL, fz_thread_fn, &th[1]))
			abort();
		fz_run_ops(&th[0]);
		pthread_join(tid, NULL);
		free(split);
		fz_model_alloc(&all, 2);
		fz_merge(&all, &th[0].m, &th[1].m);
		ctx->threaded = false;
		fz_check_all(ctx, &all);
	}

	fz_deinit(ctx);
	if (atomic_read(&ctx->hooks.tables))
		fz_fail(ctx, "%d tables left after deinit",
			atomic_read(&ctx->hooks.tables));
	if (user_pages_in_use() != pages)
		fz_fail(ctx, "%ld pages of table memory leaked",
			(long)(user_pages_in_use() - pages));
	fz_shadow_free_all(ctx);
	fz_mirror_free_all(ctx);
	free(ops);
	free(ctx);
	return 0;
}

/* With FUZZ_PT_STATS set, the operations made, at exit (libFuzzer runs) */
static void __attribute__((destructor)) fz_stats(void)
{
	unsigned int i;

	if (!getenv("FUZZ_PT_STATS"))
		return;
	fprintf(stderr,
		"fuzz_pt: %lu operations, %lu calls, %lu skipped, %lu in the two-thread mode\n",
		fuzz_pt_ops(), fz_calls, fz_ops_skipped, fz_ops_threaded);
	for (i = 0; i != FZ_NOUTCOMES; i++)
		fprintf(stderr, "fuzz_pt:   %s: %lu\n", fz_outcome_names[i],
			fz_outcome[i]);
}

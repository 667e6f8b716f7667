/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: tables walked by a DMA-incoherent IOMMU, templated per
 * format.
 *
 * With PT_FEAT_DMA_INCOHERENT the engine DMA maps every table when it
 * allocates it, pushes what it wrote with one sync per touched table per
 * operation, and DMA unmaps a table before it is freed. The test hooks of
 * struct pt_iommu_test_hooks replace those three calls here with a model of
 * the walker that only sees what was pushed to it:
 *
 * - dma_map copies the table into a new shadow, the device's view of it;
 *   dma_sync copies the synced bytes from CPU memory into the shadow;
 *   dma_unmap takes the shadow away from the device, after which a sync or
 *   a walk of the table is an error.
 * - The device view starts at the top the table was created with, and for a
 *   dynamic top at the top change_top() reported. A table becomes reachable
 *   when an entry of a reachable shadow is synced to point at it, or when it
 *   is reported as the new top; at that moment it must be mapped and its
 *   shadow must hold exactly what the CPU wrote, and so recursively for the
 *   tables below it.
 * - After every operation the device view, read with the reference decoder
 *   of the format's personality, has the same tables holding the same bytes
 *   and the same leaves as the CPU view; every table still mapped is
 *   reachable; no table was synced twice in the operation (a table added on
 *   top of a dynamic top may be: once before it is published, once by the
 *   map that grew the top).
 * - Tables the engine hands back on the gather free list are unmapped, and
 *   deinit unmaps every table.
 *
 * A dynamic top also loses a race: a map grows the top between the
 * building of new top tables and their publication.
 *
 * A last case runs the same operations through the DMA API, with a test
 * device and no hooks: in the kernel where it has one (not UML), and in user
 * space, whose DMA API maps one to one. On arm64 the test device does not
 * snoop, so the engine's syncs do real cache maintenance there.
 */
#ifndef __GENERIC_PT_KUNIT_INCOHERENT_H
#define __GENERIC_PT_KUNIT_INCOHERENT_H

#include <kunit/device.h>
#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/mm.h>
#if defined(__KERNEL__) && IS_ENABLED(CONFIG_HAS_DMA)
#include <linux/dma-map-ops.h>
#endif

/* Distinct table addresses one case may see */
#define KPT_INC_MAX_TABLES 1024
#define KPT_INC_HASH_LG2 8
/*
 * Leaves of one view the end of operation check can compare: a cut of a
 * leaf at its second page leaves up to 511 of each smaller size, 1580 for
 * a RISC-V Sv57 256T leaf with Svnapot
 */
#define KPT_INC_MAX_LEAVES 4096
/* IOVAs the device view must keep translating during an operation */
#define KPT_INC_MAX_SAMPLES 6
/* Errors the hooks keep until the end of the operation reports them */
#define KPT_INC_MAX_MSGS 4
#define KPT_INC_MSG_LEN 192

/* The format's configuration structure, to pass an iommu_device */
#define KPT_INC_FMT_CFG _KPT_CAT2(KPT_TABLE, _cfg)

enum kpt_inc_state {
	KPT_INC_NONE,
	KPT_INC_MAPPED,
	KPT_INC_UNMAPPED,
};

/**
 * struct kpt_inc_tbl - One table memory the engine DMA mapped
 * @cpu: The table as the CPU writes it
 * @shadow: The table as the device reads it; kept after the unmap only to
 *	find what was below it when it leaves the device view
 * @len: Bytes mapped
 * @next: Next in the hash chain, or -1
 * @state: enum kpt_inc_state
 * @level: Its level, known once it is reachable
 * @reachable: In the device view
 * @grown: Published as part of a new top in this operation
 * @op_syncs: Syncs in this operation
 * @op_maps: DMA maps in this operation
 * @gen: The last end of operation walk that reached it
 */
struct kpt_inc_tbl {
	void *cpu;
	kpt_le_word *shadow;
	size_t len;
	int next;
	u8 state;
	u8 level;
	bool reachable;
	bool grown;
	unsigned int op_syncs;
	unsigned int op_maps;
	unsigned int gen;
};

/* An IOVA and where it must translate to */
struct kpt_inc_sample {
	u64 va;
	u64 pa;
};

/* Where an IOVA leads in one view */
struct kpt_inc_hit {
	void *table;
	unsigned int level;
	unsigned int item;
	unsigned int index;
	struct kpt_ref_entry ent;
};

struct kpt_inc {
	/* What the helpers of suites/iommu.h take; the hooks find the model */
	struct kpt_ctx ctx;
	struct kpt_cfg cfg;
	bool incoherent;
	struct kpt_inc_tbl *tbl;
	unsigned int ntbl;
	int hash[1 << KPT_INC_HASH_LG2];
	/* The top the device uses */
	void *top;
	unsigned int top_level;
	char op[96];
	unsigned int gen;
	/* Totals, and those of the current operation */
	unsigned int maps, syncs, unmaps;
	unsigned int op_maps, op_syncs, op_unmaps;
	unsigned int nbad;
	char msg[KPT_INC_MAX_MSGS][KPT_INC_MSG_LEN];
	unsigned int nsamples;
	struct kpt_inc_sample samples[KPT_INC_MAX_SAMPLES];
	/* Leaves of the CPU view [0] and of the device view [1] */
	struct kpt_leaf *leaves[2];
	unsigned int nleaves[2];
	unsigned int nfail;
	/* A map another thread makes just before the next top is published */
	u64 race_va;
	u64 race_pa;
};

static struct kpt_inc *kpt_inc_of_hooks(struct pt_iommu_test_hooks *hooks)
{
	return container_of(hooks, struct kpt_inc, ctx.hooks);
}

static u64 kpt_inc_pa(const void *table)
{
	return virt_to_phys((void *)table);
}

/* Record an error seen inside a hook; the operation's check reports it */
static __printf(2, 3) void kpt_inc_bad(struct kpt_inc *inc, const char *fmt,
				       ...)
{
	va_list args;

	if (inc->nbad < KPT_INC_MAX_MSGS) {
		va_start(args, fmt);
		vsnprintf(inc->msg[inc->nbad], KPT_INC_MSG_LEN, fmt, args);
		va_end(args);
	}
	inc->nbad++;
}

static unsigned int kpt_inc_hash(const void *table)
{
	return ((u64)(uintptr_t)table >> 12) * 0x9e3779b97f4a7c15ULL >>
	       (64 - KPT_INC_HASH_LG2);
}

static struct kpt_inc_tbl *kpt_inc_find(struct kpt_inc *inc,
					const void *table)
{
	int i;

	for (i = inc->hash[kpt_inc_hash(table)]; i >= 0; i = inc->tbl[i].next)
		if (inc->tbl[i].cpu == table)
			return &inc->tbl[i];
	return NULL;
}

static struct kpt_inc_tbl *kpt_inc_add(struct kpt_inc *inc, void *table)
{
	unsigned int h = kpt_inc_hash(table);
	struct kpt_inc_tbl *t;

	if (inc->ntbl == KPT_INC_MAX_TABLES) {
		kpt_inc_bad(inc, "more than %u tables for the model",
			    KPT_INC_MAX_TABLES);
		return NULL;
	}
	t = &inc->tbl[inc->ntbl];
	t->cpu = table;
	t->next = inc->hash[h];
	inc->hash[h] = inc->ntbl++;
	return t;
}

/* Items of the table at @table of @level: the top may have more or fewer */
static unsigned int kpt_inc_items(const struct kpt_inc *inc,
				  const void *table, unsigned int level)
{
	if (table == inc->top)
		return 1U << kpt_ref_top_items_lg2(&inc->cfg, level);
	return 1U << kpt_ref_items_lg2(level);
}

#ifndef KPT_REF_TABLE_SYNC_BIT
#define KPT_REF_TABLE_SYNC_BIT 0
#endif

/*
 * Whether the walker's copy of item @i of a table at @level differs from the
 * CPU's. The engine sets the bit saying a table entry was pushed only after
 * the push, so the walker's copy may lack it: the walker ignores it.
 */
static bool kpt_inc_item_differs(const struct kpt_inc_tbl *t,
				 unsigned int level, unsigned int i)
{
	u64 dev = kpt_le_to_cpu(t->shadow[i]), cpu = kpt_word(t->cpu, i);
	struct kpt_ref_entry ent;

	if (dev == cpu)
		return false;
	if ((dev ^ cpu) != KPT_REF_TABLE_SYNC_BIT || !level)
		return true;
	kpt_ref_decode(t->cpu, level, i, &ent);
	return ent.type != KPT_REF_TABLE;
}

/* The first item where the device view differs from the CPU's, or -1 */
static int kpt_inc_diff(const struct kpt_inc *inc, const struct kpt_inc_tbl *t,
			unsigned int level)
{
	unsigned int i;

	for (i = 0; i != kpt_inc_items(inc, t->cpu, level); i++)
		if (kpt_inc_item_differs(t, level, i))
			return i;
	return -1;
}

/* A table at @level can be decoded from its shadow */
static bool kpt_inc_fits(struct kpt_inc *inc, struct kpt_inc_tbl *t,
			 unsigned int level)
{
	if (t->shadow && KPT_REF_WORD_SIZE * kpt_inc_items(inc, t->cpu, level) <=
			     t->len)
		return true;
	kpt_inc_bad(inc, "level %u table %llx: %zu bytes mapped", level,
		    kpt_inc_pa(t->cpu), t->len);
	return false;
}

/* The table at @table and the tables below it left the device view */
static void kpt_inc_unreach(struct kpt_inc *inc, void *table)
{
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);
	struct kpt_ref_entry ent;
	unsigned int i;

	if (!t || !t->reachable)
		return;
	t->reachable = false;
	if (!t->level || !kpt_inc_fits(inc, t, t->level))
		return;
	for (i = 0; i != kpt_inc_items(inc, t->cpu, t->level); i++) {
		kpt_ref_decode(t->shadow, t->level, i, &ent);
		if (ent.type == KPT_REF_TABLE)
			kpt_inc_unreach(inc, phys_to_virt(ent.oa));
	}
}

/*
 * The table at @table (of @level) became reachable: it must be mapped and
 * hold what the CPU wrote, and so must every table below it that was not
 * reachable already.
 */
static void kpt_inc_reach(struct kpt_inc *inc, void *table,
			  unsigned int level, bool grown)
{
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);
	struct kpt_ref_entry ent;
	unsigned int i;
	int diff;

	if (!t) {
		kpt_inc_bad(inc,
			    "level %u table %llx became reachable, it was never DMA mapped",
			    level, kpt_inc_pa(table));
		return;
	}
	if (t->reachable)
		return;
	if (t->state != KPT_INC_MAPPED) {
		kpt_inc_bad(inc,
			    "level %u table %llx became reachable after its DMA unmap",
			    level, kpt_inc_pa(table));
		return;
	}
	if (!kpt_inc_fits(inc, t, level))
		return;
	diff = kpt_inc_diff(inc, t, level);
	if (diff >= 0)
		kpt_inc_bad(inc,
			    "level %u table %llx became reachable before it was pushed: item %d reads %016llx, the CPU wrote %016llx",
			    level, kpt_inc_pa(table), diff,
			    kpt_le_to_cpu(t->shadow[diff]),
			    kpt_word(t->cpu, diff));
	t->reachable = true;
	t->level = level;
	if (grown && t->op_maps)
		t->grown = true;
	if (!level)
		return;
	for (i = 0; i != kpt_inc_items(inc, t->cpu, level); i++) {
		kpt_ref_decode(t->shadow, level, i, &ent);
		if (ent.type == KPT_REF_TABLE)
			kpt_inc_reach(inc, phys_to_virt(ent.oa), level - 1,
				      grown);
	}
}

/*
 * Translate @va in the device view (@device) or the CPU view, the way the
 * walker does: from the top down, one item per level.
 */
static int kpt_inc_lookup(struct kpt_inc *inc, bool device, u64 va,
			  struct kpt_inc_hit *hit)
{
	unsigned int level = inc->top_level;
	void *table = inc->top;
	struct kpt_inc_tbl *t;
	const void *words;
	unsigned int idx;

	for (;;) {
		words = table;
		if (device) {
			t = kpt_inc_find(inc, table);
			if (!t || t->state != KPT_INC_MAPPED ||
			    !kpt_inc_fits(inc, t, level))
				return -EIO;
			words = t->shadow;
		}
		idx = (va >> kpt_ref_item_lg2(level)) &
		      (kpt_inc_items(inc, table, level) - 1);
		hit->table = table;
		hit->level = level;
		hit->item = idx;
		hit->index = idx;
		kpt_ref_decode(words, level, idx, &hit->ent);
		/* A contiguous leaf is decoded from its first item */
		if (hit->ent.type == KPT_REF_BAD && hit->ent.nitems > 1) {
			hit->index = idx & ~(hit->ent.nitems - 1);
			kpt_ref_decode(words, level, hit->index, &hit->ent);
		}
		switch (hit->ent.type) {
		case KPT_REF_EMPTY:
			return -ENOENT;
		case KPT_REF_TABLE:
			if (!level)
				return -EIO;
			table = phys_to_virt(hit->ent.oa);
			level--;
			break;
		case KPT_REF_LEAF:
			if (idx - hit->index >= hit->ent.nitems)
				return -EIO;
			return 0;
		default:
			return -EIO;
		}
	}
}

/* The samples translate in the device view as they did before */
static void kpt_inc_check_samples(struct kpt_inc *inc)
{
	struct kpt_inc_hit hit;
	unsigned int i;
	u64 pa;
	int ret;

	for (i = 0; i != inc->nsamples; i++) {
		const struct kpt_inc_sample *s = &inc->samples[i];

		ret = kpt_inc_lookup(inc, true, s->va, &hit);
		pa = ret ? 0 : hit.ent.oa + (s->va & kpt_max(hit.ent.size_lg2));
		if (ret || pa != s->pa)
			kpt_inc_bad(inc,
				    "meanwhile the walker translates %llx to %llx (%d), not %llx",
				    s->va, pa, ret, s->pa);
	}
}

/* The hooks: the engine's DMA calls, seen by the walker model */

static void kpt_inc_dma_map(struct pt_iommu_test_hooks *hooks, void *table,
			    size_t len)
{
	struct kpt_inc *inc = kpt_inc_of_hooks(hooks);
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);

	inc->maps++;
	inc->op_maps++;
	if (t && t->state == KPT_INC_MAPPED) {
		kpt_inc_bad(inc, "table %llx DMA mapped twice",
			    kpt_inc_pa(table));
		return;
	}
	if (t && t->reachable)
		kpt_inc_bad(inc,
			    "table memory %llx allocated again while the walker can reach it",
			    kpt_inc_pa(table));
	if (!t)
		t = kpt_inc_add(inc, table);
	if (!t)
		return;
	kfree(t->shadow);
	t->shadow = NULL;
	t->state = KPT_INC_NONE;
	if (!len || len % KPT_REF_WORD_SIZE) {
		kpt_inc_bad(inc, "DMA map of %zu bytes", len);
		return;
	}
	t->shadow = kmalloc(len, GFP_KERNEL);
	if (!t->shadow) {
		kpt_inc_bad(inc, "no memory for a shadow table");
		return;
	}
	memcpy(t->shadow, table, len);
	t->len = len;
	t->state = KPT_INC_MAPPED;
	t->reachable = false;
	t->grown = false;
	/*
	 * A new table in memory freed earlier in the same operation (the
	 * kernel's allocator hands the page straight back): its syncs count
	 * afresh.
	 */
	t->op_syncs = 0;
	t->op_maps++;
}

static void kpt_inc_dma_sync(struct pt_iommu_test_hooks *hooks, void *table,
			     size_t offset, size_t len)
{
	struct kpt_inc *inc = kpt_inc_of_hooks(hooks);
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);
	const kpt_le_word *cpu = table;
	struct kpt_ref_entry ent;
	unsigned int i, first, end;

	inc->syncs++;
	inc->op_syncs++;
	if (!t || t->state == KPT_INC_NONE) {
		kpt_inc_bad(inc, "sync of %llx, never DMA mapped",
			    kpt_inc_pa(table));
		return;
	}
	if (t->state != KPT_INC_MAPPED) {
		kpt_inc_bad(inc, "sync of table %llx after its DMA unmap",
			    kpt_inc_pa(table));
		return;
	}
	if (!len || (offset | len) % KPT_REF_WORD_SIZE || offset > t->len ||
	    len > t->len - offset) {
		kpt_inc_bad(inc, "sync of %zu bytes at %zu of table %llx", len,
			    offset, kpt_inc_pa(table));
		return;
	}
	t->op_syncs++;
	first = offset / KPT_REF_WORD_SIZE;
	end = first + len / KPT_REF_WORD_SIZE;

	/* What the pushed items pointed at leaves the device view... */
	if (t->reachable && t->level)
		for (i = first; i != end; i++) {
			if (t->shadow[i] == cpu[i])
				continue;
			kpt_ref_decode(t->shadow, t->level, i, &ent);
			if (ent.type == KPT_REF_TABLE)
				kpt_inc_unreach(inc, phys_to_virt(ent.oa));
		}
	memcpy(&t->shadow[first], &cpu[first], len);
	/* ...and what they point at now joins it */
	if (t->reachable && t->level)
		for (i = first; i != end; i++) {
			kpt_ref_decode(t->shadow, t->level, i, &ent);
			if (ent.type == KPT_REF_TABLE)
				kpt_inc_reach(inc, phys_to_virt(ent.oa),
					      t->level - 1, false);
		}
	kpt_inc_check_samples(inc);
}

static void kpt_inc_dma_unmap(struct pt_iommu_test_hooks *hooks,
			      void *table, size_t len)
{
	struct kpt_inc *inc = kpt_inc_of_hooks(hooks);
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);

	inc->unmaps++;
	inc->op_unmaps++;
	if (!t || t->state != KPT_INC_MAPPED) {
		kpt_inc_bad(inc, "DMA unmap of %llx, not mapped",
			    kpt_inc_pa(table));
		return;
	}
	if (len != t->len)
		kpt_inc_bad(inc, "DMA unmap of %zu bytes of %llx, mapped %zu",
			    len, kpt_inc_pa(table), t->len);
	t->state = KPT_INC_UNMAPPED;
}

/* The driver is told of a new top: the device uses it from now on */
static void kpt_inc_change_top(struct pt_iommu *iommu_table,
			       phys_addr_t top_pa, unsigned int top_level)
{
	struct kpt_inc *inc = container_of(iommu_table, struct kpt_inc,
					   ctx.table.iommu);

	kpt_change_top(iommu_table, top_pa, top_level);
	inc->top = phys_to_virt(top_pa);
	inc->top_level = top_level;
	kpt_inc_reach(inc, inc->top, top_level, true);
	kpt_inc_check_samples(inc);
}

/*
 * Called by the engine between building new top tables and publishing them:
 * a concurrent map may grow the top right then, and the engine must start
 * over from that top without losing a table.
 */
static spinlock_t *kpt_inc_get_top_lock(struct pt_iommu *iommu_table)
{
	struct kpt_inc *inc = container_of(iommu_table, struct kpt_inc,
					   ctx.table.iommu);
	u64 va = inc->race_va;
	size_t mapped = 0;

	if (va) {
		inc->race_va = 0;
		if (kpt_map(&inc->ctx, va, inc->race_pa, inc->ctx.min_pgsize, 1,
			    IOMMU_READ, &mapped))
			kpt_inc_bad(inc, "the racing map of %llx failed", va);
	}
	return kpt_get_top_lock(iommu_table);
}

/* The end of operation check */

static void kpt_inc_fail_walk(struct kpt_inc *inc, const char *what,
			      unsigned int level, const void *table, int item,
			      u64 word)
{
	if (inc->nfail++ < 4)
		KUNIT_FAIL(inc->ctx.test,
			   "%s: %s: level %u table %llx item %d (%016llx): %s",
			   inc->cfg.name, inc->op, level, kpt_inc_pa(table),
			   item, word, what);
}

static void kpt_inc_add_leaf(struct kpt_inc *inc, unsigned int view,
			     const struct kpt_leaf *leaf)
{
	if (inc->nleaves[view] < KPT_INC_MAX_LEAVES)
		inc->leaves[view][inc->nleaves[view]] = *leaf;
	inc->nleaves[view]++;
}

static void kpt_inc_cpu_leaf(struct kpt_walk *walk,
			     const struct kpt_leaf *leaf)
{
	kpt_inc_add_leaf(walk->priv, 0, leaf);
}

/* Walk the device view as kpt_walk_table() walks the CPU's */
static void kpt_inc_dev_walk(struct kpt_inc *inc, void *table,
			     unsigned int level, u64 va, unsigned int *ntables)
{
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	struct kpt_inc_tbl *t = kpt_inc_find(inc, table);
	struct kpt_ref_entry ent;
	struct kpt_leaf leaf;
	unsigned int i;
	int diff;

	if (!t || t->state != KPT_INC_MAPPED) {
		kpt_inc_fail_walk(inc,
				  t ? "reachable after its DMA unmap" :
				      "reachable, never DMA mapped",
				  level, table, -1, 0);
		return;
	}
	if (t->gen == inc->gen) {
		kpt_inc_fail_walk(inc, "reachable twice", level, table, -1, 0);
		return;
	}
	t->gen = inc->gen;
	(*ntables)++;
	if (!kpt_inc_fits(inc, t, level))
		return;
	if (!t->reachable || t->level != level)
		kpt_inc_fail_walk(inc, "reachable without the model seeing it",
				  level, table, -1, 0);
	diff = kpt_inc_diff(inc, t, level);
	if (diff >= 0)
		kpt_inc_fail_walk(inc, "the walker reads an item not pushed",
				  level, table, diff,
				  kpt_le_to_cpu(t->shadow[diff]));

	for (i = 0; i < kpt_inc_items(inc, table, level);
	     i += max(ent.nitems, 1U)) {
		u64 item_va = kpt_ref_va_of(&inc->cfg,
					    va + ((u64)i << isz_lg2));

		kpt_ref_decode(t->shadow, level, i, &ent);
		switch (ent.type) {
		case KPT_REF_EMPTY:
			break;
		case KPT_REF_TABLE:
			kpt_inc_dev_walk(inc, phys_to_virt(ent.oa), level - 1,
					 item_va, ntables);
			break;
		case KPT_REF_LEAF:
			leaf.va = item_va;
			leaf.oa = ent.oa;
			leaf.size_lg2 = ent.size_lg2;
			leaf.level = level;
			leaf.prot = ent.prot;
			kpt_inc_add_leaf(inc, 1, &leaf);
			break;
		default:
			kpt_inc_fail_walk(inc, ent.why, level, table, i,
					  ent.raw);
			ent.nitems = 1;
			break;
		}
	}
}

static bool kpt_inc_same_leaf(const struct kpt_leaf *a,
			      const struct kpt_leaf *b)
{
	return a->va == b->va && a->oa == b->oa && a->size_lg2 == b->size_lg2 &&
	       a->level == b->level && a->prot == b->prot;
}

/* The device translates exactly as the CPU does */
static void kpt_inc_compare(struct kpt_inc *inc)
{
	struct kunit *test = inc->ctx.test;
	struct kpt_walk walk = { .leaf_fn = kpt_inc_cpu_leaf, .priv = inc };
	const char *name = inc->cfg.name;
	unsigned int i, n, ntables = 0;
	u64 top_pa;
	unsigned int top_level;

	inc->nfail = 0;
	inc->nleaves[0] = 0;
	inc->nleaves[1] = 0;
	inc->gen++;
	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&inc->ctx.table, &top_pa, &top_level),
			0);
	KUNIT_EXPECT_EQ_MSG(test, top_pa, kpt_inc_pa(inc->top),
			    "%s: %s: the driver's top is not the walker's",
			    name, inc->op);
	KUNIT_EXPECT_EQ_MSG(test, top_level, inc->top_level,
			    "%s: %s: the driver's top level is not the walker's",
			    name, inc->op);
	kpt_inc_dev_walk(inc, inc->top, inc->top_level, 0, &ntables);
	kpt_walk(&inc->ctx, &walk);

	KUNIT_EXPECT_EQ_MSG(test, ntables, walk.ntables,
			    "%s: %s: tables the walker and the CPU reach", name,
			    inc->op);
	KUNIT_EXPECT_EQ_MSG(test, inc->nleaves[1], inc->nleaves[0],
			    "%s: %s: leaves the walker and the CPU see", name,
			    inc->op);
	KUNIT_EXPECT_LE_MSG(test, inc->nleaves[0], KPT_INC_MAX_LEAVES,
			    "%s: %s: too many leaves to compare", name,
			    inc->op);
	n = min3(inc->nleaves[0], inc->nleaves[1], KPT_INC_MAX_LEAVES);
	for (i = 0; i != n; i++) {
		const struct kpt_leaf *c = &inc->leaves[0][i];
		const struct kpt_leaf *d = &inc->leaves[1][i];

		if (kpt_inc_same_leaf(c, d))
			continue;
		KUNIT_FAIL(test,
			   "%s: %s: leaf %u: the walker sees va %llx oa %llx size 2^%u prot %x, the CPU va %llx oa %llx size 2^%u prot %x",
			   name, inc->op, i, d->va, d->oa, d->size_lg2,
			   d->prot, c->va, c->oa, c->size_lg2, c->prot);
		break;
	}
}

/* Report what the hooks saw */
static void kpt_inc_report(struct kpt_inc *inc)
{
	unsigned int i;

	for (i = 0; i != min_t(unsigned int, inc->nbad, KPT_INC_MAX_MSGS); i++)
		KUNIT_FAIL(inc->ctx.test, "%s: %s: %s", inc->cfg.name, inc->op,
			   inc->msg[i]);
	if (inc->nbad > KPT_INC_MAX_MSGS)
		KUNIT_FAIL(inc->ctx.test, "%s: %s: and %u more errors",
			   inc->cfg.name, inc->op,
			   inc->nbad - KPT_INC_MAX_MSGS);
	inc->nbad = 0;
}

/* Start counting an operation, described for the messages */
static __printf(2, 3) void kpt_inc_begin(struct kpt_inc *inc,
					 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(inc->op, sizeof(inc->op), fmt, args);
	va_end(args);
}

/*
 * After an operation: the errors the hooks saw, the sync bound, the device
 * view against the CPU's (@compare), and every mapped table in use.
 */
static void kpt_inc_end(struct kpt_inc *inc, bool compare)
{
	struct kunit *test = inc->ctx.test;
	const char *name = inc->cfg.name;
	unsigned int i, nfail = 0;

	kpt_inc_report(inc);
	if (!inc->incoherent) {
		KUNIT_EXPECT_EQ_MSG(test, inc->maps + inc->syncs + inc->unmaps,
				    0, "%s: %s: DMA calls for a coherent walker",
				    name, inc->op);
		return;
	}
	if (compare)
		kpt_inc_compare(inc);

	for (i = 0; i != inc->ntbl; i++) {
		struct kpt_inc_tbl *t = &inc->tbl[i];
		bool reached = compare && t->gen == inc->gen;
		const char *why = NULL;

		if (t->op_syncs > (t->grown ? 2U : 1U))
			why = "pushed more than once";
		else if (compare && t->state == KPT_INC_MAPPED && !reached)
			why = "DMA mapped but not in the table";
		else if (compare && t->reachable != reached)
			why = "left the walker's view unseen by the model";
		if (why && nfail++ < 4)
			KUNIT_FAIL(test,
				   "%s: %s: table %llx %s; %u syncs", name,
				   inc->op, kpt_inc_pa(t->cpu), why,
				   t->op_syncs);
		if (compare)
			t->reachable = reached;
		t->op_syncs = 0;
		t->op_maps = 0;
		t->grown = false;
	}
	inc->op_maps = 0;
	inc->op_syncs = 0;
	inc->op_unmaps = 0;
}

/* Set-up and tear-down */

static void kpt_inc_free(struct kpt_inc *inc)
{
	unsigned int i;

	if (inc->tbl)
		for (i = 0; i != inc->ntbl; i++)
			kfree(inc->tbl[i].shadow);
	kfree(inc->tbl);
	kfree(inc->leaves[0]);
	kfree(inc->leaves[1]);
	kfree(inc);
}

/* Also when a case stops part way: the table and the model go */
static void kpt_inc_release(void *arg)
{
	struct kpt_inc *inc = arg;

	if (inc->ctx.table.iommu.common.top_of_table)
		KPT_OP(deinit)(&inc->ctx.table.iommu);
	kpt_inc_free(inc);
}

static unsigned int kpt_inc_check_freelist(struct kpt_inc *inc,
					   struct iommu_iotlb_gather *gather);

/*
 * The driver's flush of what a map replaced: every table on the list must
 * have left the walker's view and be DMA unmapped. The flush is a
 * break-before-make step: a table written before it may be written again
 * after it in the same operation.
 */
static void kpt_inc_iotlb_sync(struct iommu_domain *domain,
			       struct iommu_iotlb_gather *gather)
{
	struct kpt_inc *inc = container_of(domain, struct kpt_inc,
					   ctx.table.iommu.domain);
	unsigned int i;

	kpt_inc_check_freelist(inc, gather);
	for (i = 0; i != inc->ntbl; i++)
		inc->tbl[i].op_syncs = 0;
	kpt_iotlb_sync(domain, gather);
}

static const struct iommu_domain_ops kpt_inc_domain_ops = {
	.iotlb_sync = kpt_inc_iotlb_sync,
};

/* A table of @cfg, with the walker model when @incoherent */
static struct kpt_inc *kpt_inc_new(struct kunit *test,
				   const struct kpt_cfg *cfg, bool incoherent)
{
	struct kpt_inc *inc = kzalloc(sizeof(*inc), GFP_KERNEL);
	struct kpt_ctx *ctx;
	unsigned int level;
	u64 pa;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, inc);
	inc->tbl = kcalloc(KPT_INC_MAX_TABLES, sizeof(*inc->tbl), GFP_KERNEL);
	inc->leaves[0] = kcalloc(KPT_INC_MAX_LEAVES, sizeof(struct kpt_leaf),
				 GFP_KERNEL);
	inc->leaves[1] = kcalloc(KPT_INC_MAX_LEAVES, sizeof(struct kpt_leaf),
				 GFP_KERNEL);
	ret = kunit_add_action_or_reset(test, kpt_inc_release, inc);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_TRUE(test, inc->tbl && inc->leaves[0] && inc->leaves[1]);
	memset(inc->hash, 0xff, sizeof(inc->hash));
	inc->incoherent = incoherent;
	inc->cfg = *cfg;
	if (incoherent)
		inc->cfg.features = kpt_incoherent_features(inc->cfg.features);
	kpt_inc_begin(inc, "init");

	/* What kpt_ctx_alloc() does, in a context the hooks can find */
	ctx = &inc->ctx;
	ctx->test = test;
	ctx->cfg = &inc->cfg;
	spin_lock_init(&ctx->top_lock);
	spin_lock_init(&ctx->sync_lock);
	ctx->drv_ops.change_top = kpt_inc_change_top;
	ctx->drv_ops.get_top_lock = kpt_inc_get_top_lock;
	ctx->hooks.dma_map = kpt_inc_dma_map;
	ctx->hooks.dma_sync = kpt_inc_dma_sync;
	ctx->hooks.dma_unmap = kpt_inc_dma_unmap;
	ctx->table.iommu.test = &ctx->hooks;
	ctx->table.iommu.domain.ops = &kpt_inc_domain_ops;
	ctx->hooks.sme_mask = inc->cfg.sme_mask;
	kpt_ref_select(&inc->cfg);

	ret = kpt_fmt_init(&ctx->table, &inc->cfg, &ctx->drv_ops);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: init", cfg->name);
	ctx->min_pgsize = kpt_domain(ctx)->pgsize_bitmap &
			  -kpt_domain(ctx)->pgsize_bitmap;
	KUNIT_ASSERT_NE(test, ctx->min_pgsize, 0);

	KUNIT_ASSERT_EQ(test, kpt_fmt_top(&ctx->table, &pa, &level), 0);
	if (incoherent) {
		/* Only the top, mapped and published */
		KUNIT_EXPECT_EQ_MSG(test, inc->maps, 1, "%s: init", cfg->name);
		KUNIT_EXPECT_EQ_MSG(test, inc->syncs, 0, "%s: init",
				    cfg->name);
		inc->top = phys_to_virt(pa);
		inc->top_level = level;
		kpt_inc_reach(inc, inc->top, level, false);
	}
	kpt_inc_end(inc, true);
	return inc;
}

/* deinit unmaps every table and pushes nothing */
static void kpt_inc_deinit(struct kpt_inc *inc)
{
	struct kunit *test = inc->ctx.test;
	unsigned int i, nfail = 0;

	kpt_inc_begin(inc, "deinit");
	KPT_OP(deinit)(&inc->ctx.table.iommu);
	kpt_inc_report(inc);
	KUNIT_EXPECT_EQ_MSG(test, inc->op_syncs, 0, "%s: syncs in deinit",
			    inc->cfg.name);
	KUNIT_EXPECT_EQ_MSG(test, inc->unmaps, inc->maps,
			    "%s: tables DMA unmapped of those mapped",
			    inc->cfg.name);
	for (i = 0; i != inc->ntbl; i++)
		if (inc->tbl[i].state == KPT_INC_MAPPED && nfail++ < 4)
			KUNIT_FAIL(test,
				   "%s: table %llx still DMA mapped after deinit",
				   inc->cfg.name, kpt_inc_pa(inc->tbl[i].cpu));
}

static void kpt_inc_finish(struct kpt_inc *inc)
{
	struct kunit *test = inc->ctx.test;

	kpt_inc_deinit(inc);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&inc->ctx.hooks.tables), 0,
			    "%s: tables left after deinit", inc->cfg.name);
	kunit_release_action(test, kpt_inc_release, inc);
}

/* Operations, each checked when it returns */

static int kpt_inc_map(struct kpt_inc *inc, u64 va, u64 pa, u64 len,
		       unsigned int prot)
{
	int ret;

	kpt_inc_begin(inc, "map %llx+%llx", va, len);
	ret = kpt_map_ok(&inc->ctx, va, pa, len, prot);
	kpt_inc_end(inc, true);
	return ret;
}

/* Every table on the gather list left the walker's view and was unmapped */
static unsigned int kpt_inc_check_freelist(struct kpt_inc *inc,
					   struct iommu_iotlb_gather *gather)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &gather->freelist) {
		void *table = page_address(list_entry(pos, struct page, lru));
		struct kpt_inc_tbl *t = kpt_inc_find(inc, table);

		n++;
		if (t && t->state == KPT_INC_UNMAPPED && !t->reachable)
			continue;
		KUNIT_FAIL(inc->ctx.test,
			   "%s: %s: table %llx on the free list is %s",
			   inc->cfg.name, inc->op, kpt_inc_pa(table),
			   !t ? "unknown" :
			   t->state == KPT_INC_MAPPED ? "still DMA mapped" :
							"still reachable");
	}
	return n;
}

/* Unmap and free the tables after the (pretend) flush */
static u64 kpt_inc_unmap(struct kpt_inc *inc, u64 va, u64 len)
{
	struct kpt_ctx *ctx = &inc->ctx;
	struct iommu_iotlb_gather gather;
	unsigned int nfree;
	unsigned int unmaps;
	size_t unmapped;

	kpt_inc_begin(inc, "unmap %llx+%llx", va, len);
	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(ctx), va, ctx->min_pgsize,
				       kpt_div(len, ctx->min_pgsize), &gather);
	unmaps = inc->op_unmaps;
	kpt_inc_end(inc, true);
	if (inc->incoherent) {
		nfree = kpt_inc_check_freelist(inc, &gather);
		KUNIT_EXPECT_EQ_MSG(ctx->test, unmaps, nfree,
				    "%s: %s: tables DMA unmapped, and freed",
				    inc->cfg.name, inc->op);
	}
	kpt_gather_free(ctx, &gather);
	return unmapped;
}

/* Unmap a whole span, in pieces that fit size_t (kpt_span_piece()) */
static u64 kpt_inc_unmap_span(struct kpt_inc *inc, const struct kpt_span *span)
{
	u64 piece = kpt_span_piece(span), va = span->first, unmapped = 0;

	do {
		unmapped += kpt_inc_unmap(inc, va, piece);
		va += piece;
	} while (va - 1 != span->last);
	return unmapped;
}

/* What a cut did to the tables */
struct kpt_inc_cut_stats {
	unsigned int new_tables;
	unsigned int old_synced;
};

/*
 * Cut at @va. A new sub-tree is mapped table by table, pushed once per
 * table when complete, and then the one parent is pushed once; a failure
 * pushes nothing and unmaps whatever it mapped.
 */
static int kpt_inc_cut(struct kpt_inc *inc, u64 va,
		       struct kpt_inc_cut_stats *st)
{
	struct kunit *test = inc->ctx.test;
	unsigned int i;
	int ret;

	kpt_inc_begin(inc, "cut %llx", va);
	memset(st, 0, sizeof(*st));
	ret = KPT_OP(cut_mapping)(&inc->ctx.table.iommu, va, GFP_KERNEL);
	for (i = 0; i != inc->ntbl; i++) {
		struct kpt_inc_tbl *t = &inc->tbl[i];

		if (t->op_maps && t->state == KPT_INC_MAPPED) {
			st->new_tables++;
			KUNIT_EXPECT_EQ_MSG(test, t->op_syncs, 1,
					    "%s: %s: syncs of new table %llx",
					    inc->cfg.name, inc->op,
					    kpt_inc_pa(t->cpu));
		} else if (t->op_syncs) {
			st->old_synced++;
		}
	}
	if (ret) {
		KUNIT_EXPECT_EQ_MSG(test, inc->op_syncs, 0,
				    "%s: %s: syncs of a failed cut",
				    inc->cfg.name, inc->op);
		KUNIT_EXPECT_EQ_MSG(test, inc->op_unmaps, inc->op_maps,
				    "%s: %s: tables a failed cut left mapped",
				    inc->cfg.name, inc->op);
	} else {
		KUNIT_EXPECT_LE_MSG(test, st->old_synced, 1,
				    "%s: %s: tables in use pushed",
				    inc->cfg.name, inc->op);
		KUNIT_EXPECT_EQ_MSG(test, inc->op_unmaps, 0,
				    "%s: %s: DMA unmaps", inc->cfg.name,
				    inc->op);
	}
	kpt_inc_end(inc, true);
	return ret;
}

static void kpt_inc_set_sample(struct kpt_inc *inc, unsigned int i, u64 va,
			       u64 pa)
{
	inc->samples[i].va = va;
	inc->samples[i].pa = pa;
	inc->nsamples = max(inc->nsamples, i + 1);
}

/* The samples of a leaf being cut at @cut: both ends, the cut, around it */
static void kpt_inc_sample_leaf(struct kpt_inc *inc, u64 va, u64 pa,
				u64 size, u64 cut)
{
	u64 min = inc->ctx.min_pgsize;
	u64 at[KPT_INC_MAX_SAMPLES] = {
		va, va + size - 1, cut, cut - 1,
		min(cut + min, va + size - 1), va + size / 2 + 8,
	};
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(at); i++)
		kpt_inc_set_sample(inc, i, at[i], pa + (at[i] - va));
}

/* A PA for a leaf of @size: a multiple of it that fits the OA */
static u64 kpt_inc_leaf_pa(const struct kpt_inc *inc, u64 size)
{
	if (4 * size - 1 <= kpt_max(inc->cfg.oasz_lg2))
		return 3 * size;
	return 0;
}

/*
 * A format (or configuration) that cannot replace a leaf by a table, or
 * re-size a contiguous leaf, without break-before-make refuses such cuts.
 */
static bool kpt_inc_cut_refused(const struct pt_common *common, int ret)
{
	unsigned int hitless = BIT(PT_FEAT_OA_TABLE_XCHG) |
			       BIT(PT_FEAT_OA_SIZE_CHANGE);

	return ret == -EOPNOTSUPP && (common->features & hitless) != hitless;
}

/* A cut that must succeed with the given new tables and pushes */
static void kpt_inc_cut_ok(struct kpt_inc *inc, u64 va, int new_tables,
			   unsigned int old_synced)
{
	struct kunit *test = inc->ctx.test;
	struct kpt_inc_cut_stats st;
	int ret;

	ret = kpt_inc_cut(inc, va, &st);
	if (kpt_inc_cut_refused(&inc->ctx.table.iommu.common, ret))
		return;
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: cut %llx", inc->cfg.name, va);
	if (new_tables >= 0)
		KUNIT_EXPECT_EQ_MSG(test, st.new_tables, new_tables,
				    "%s: tables a cut at %llx built",
				    inc->cfg.name, va);
	KUNIT_EXPECT_EQ_MSG(test, st.old_synced, old_synced,
			    "%s: tables in use a cut at %llx pushed",
			    inc->cfg.name, va);
}

/* A cut that pushes one table unless @va already starts a leaf */
static void kpt_inc_cut_leaf(struct kpt_inc *inc, u64 va)
{
	struct kpt_inc_hit hit;
	bool boundary;

	KUNIT_ASSERT_EQ(inc->ctx.test, kpt_inc_lookup(inc, false, va, &hit), 0);
	boundary = !(va & kpt_max(hit.ent.size_lg2));
	kpt_inc_cut_ok(inc, va, boundary ? 0 : -1, !boundary);
}

/* Tests */

/*
 * An incoherent table needs a device to map to (or the test hooks); a
 * coherent one never calls them; an incoherent one maps its top at init
 * and unmaps it at deinit.
 */
static void kpt_inc_test_init(struct kunit *test)
{
	unsigned int i;
	int ret, want;

	kpt_for_each_cfg(i) {
		struct kpt_cfg cfg = kpt_cfgs[i];
		struct kpt_inc_cut_stats st;
		struct kpt_ctx *ctx;
		struct kpt_inc *inc;
		u64 bitmap, min, size;

		cfg.features = kpt_incoherent_features(cfg.features);
		/*
		 * Hooks without the DMA calls, then no hooks at all. x86
		 * writes incoherent tables back with clflush and needs no
		 * device; everywhere else the DMA API needs one.
		 */
		want = IS_ENABLED(CONFIG_X86) ? 0 : -EINVAL;
		ctx = kpt_ctx_alloc(test, &cfg);
		ret = kpt_fmt_init(&ctx->table, &cfg, &ctx->drv_ops);
		KUNIT_EXPECT_EQ_MSG(test, ret, want,
				    "%s: incoherent without a device", cfg.name);
		if (ret)
			KUNIT_EXPECT_EQ(test,
					atomic_read(&ctx->hooks.tables), 0);
		KPT_OP(deinit)(&ctx->table.iommu);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->hooks.tables), 0);
		ctx->table.iommu.test = NULL;
		ret = kpt_fmt_init(&ctx->table, &cfg, &ctx->drv_ops);
		KUNIT_EXPECT_EQ_MSG(test, ret, want,
				    "%s: incoherent without a device or hooks",
				    cfg.name);
		if (!ret)
			KPT_OP(deinit)(&ctx->table.iommu);
		kfree(ctx);

		/* A coherent walker: not one DMA call */
		inc = kpt_inc_new(test, &kpt_cfgs[i], false);
		bitmap = kpt_domain(&inc->ctx)->pgsize_bitmap;
		min = inc->ctx.min_pgsize;
		size = (bitmap & ~min) ? __ffs64(bitmap & ~min) : 0;
		size = size && size + 2 <= cfg.vasz_lg2 ? BIT_ULL(size) : min;
		kpt_inc_map(inc, 2 * size, 0, size, IOMMU_READ);
		kpt_inc_cut(inc, 2 * size + min, &st);
		KUNIT_EXPECT_EQ(test, kpt_inc_unmap(inc, 2 * size, size), size);
		kpt_inc_deinit(inc);
		KUNIT_EXPECT_EQ(test, inc->maps + inc->syncs + inc->unmaps, 0);
		kunit_release_action(test, kpt_inc_release, inc);

		/* The top is mapped and published, and unmapped at deinit */
		inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		kpt_inc_deinit(inc);
		KUNIT_EXPECT_EQ(test, inc->maps, 1);
		KUNIT_EXPECT_EQ(test, inc->unmaps, 1);
		KUNIT_EXPECT_EQ(test, inc->syncs, 0);
		kunit_release_action(test, kpt_inc_release, inc);
	}
}

/* A leaf of every size, cut and unmapped; then all of them at once */
static void kpt_inc_test_sizes(struct kunit *test)
{
	unsigned int i, s, lg2;

	kpt_for_each_cfg(i) {
		struct kpt_inc *inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(&kpt_cfgs[i], spans);
		u64 bitmap = kpt_domain(&inc->ctx)->pgsize_bitmap;
		u64 min = inc->ctx.min_pgsize;

		for (s = 0; s != nspans; s++) {
			u64 total = 0;

			for (lg2 = 0; lg2 + 1 <= spans[s].lg2; lg2++) {
				u64 size = BIT_ULL(lg2);
				u64 va = spans[s].first + size;
				u64 pa = kpt_inc_leaf_pa(inc, size);

				if (!(bitmap & size))
					continue;
				kpt_inc_map(inc, va, pa, size,
					    IOMMU_READ | IOMMU_WRITE);
				if (size > min) {
					kpt_inc_sample_leaf(inc, va, pa, size,
							    va + size / 2);
					kpt_inc_cut_leaf(inc, va + size / 2);
				}
				if (size > 2 * min) {
					kpt_inc_sample_leaf(inc, va, pa, size,
							    va + min);
					kpt_inc_cut_leaf(inc, va + min);
				}
				inc->nsamples = 0;
				KUNIT_EXPECT_EQ(test,
						kpt_inc_unmap(inc, va, size),
						size);
			}

			/* Every size at once, then the whole span */
			for (lg2 = 0; lg2 + 1 <= spans[s].lg2; lg2++) {
				u64 size = BIT_ULL(lg2);

				if (!(bitmap & size))
					continue;
				kpt_inc_map(inc, spans[s].first + size,
					    kpt_inc_leaf_pa(inc, size), size,
					    IOMMU_READ);
				total += size;
			}
			KUNIT_EXPECT_EQ(test, kpt_inc_unmap_span(inc, &spans[s]),
					total);
		}
		kpt_inc_finish(inc);
	}
}

/*
 * A range in @span across tables of several levels: its middle is at a
 * boundary of 1G (or half the span), each side reaches 2M plus 68K (or a
 * quarter of the span plus 68K) away, with the PA congruent to the IOVA.
 * A format with one leaf size writes it all in pages: each side then
 * reaches at most a quarter of the leaves the walk compares.
 */
static void kpt_inc_range(const struct kpt_inc *inc,
			  const struct kpt_span *span, u64 *va, u64 *pa,
			  u64 *len, u64 *mid, u64 *near)
{
	u64 half = BIT_ULL(min(30U, span->lg2 - 1));
	u64 d;

	*near = min_t(u64, half / 4, KPT_SZ_2M);
	if (hweight_long(inc->ctx.table.iommu.domain.pgsize_bitmap) < 2)
		*near = min_t(u64, *near,
			      KPT_INC_MAX_LEAVES / 4 * inc->ctx.min_pgsize);
	d = *near + 17 * inc->ctx.min_pgsize;
	*mid = span->first + half;
	*va = *mid - d;
	*len = 2 * d;
	*pa = BIT_ULL(min(inc->cfg.oasz_lg2 - 2, 30)) + (*va - span->first);
}

/* One map across tables, unmapped in three parts; a map failing part way */
static void kpt_inc_test_ranges(struct kunit *test)
{
	unsigned int i, s;

	kpt_for_each_cfg(i) {
		struct kpt_inc *inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		struct kpt_span spans[KPT_MAX_SPANS];
		unsigned int nspans = kpt_ref_spans(&kpt_cfgs[i], spans);
		u64 min = inc->ctx.min_pgsize;

		for (s = 0; s != nspans; s++) {
			u64 va, pa, len, mid, near;
			size_t mapped = 0;
			int ret;

			kpt_inc_range(inc, &spans[s], &va, &pa, &len, &mid,
				      &near);
			kpt_inc_map(inc, va, pa, len, IOMMU_READ | IOMMU_WRITE);
			/* A sample outside each unmap keeps translating */
			kpt_inc_set_sample(inc, 0, va, pa);
			KUNIT_EXPECT_EQ(test,
					kpt_inc_unmap(inc, mid - near,
						      2 * near),
					2 * near);
			kpt_inc_set_sample(inc, 0, va + len - 1, pa + len - 1);
			KUNIT_EXPECT_EQ(test,
					kpt_inc_unmap(inc, va,
						      mid - near - va),
					mid - near - va);
			inc->nsamples = 0;
			KUNIT_EXPECT_EQ(test,
					kpt_inc_unmap_span(inc, &spans[s]),
					mid - near - va);

			/* The third new table fails */
			inc->ctx.hooks.fail_alloc = 3;
			kpt_inc_begin(inc, "map %llx+%llx, out of memory", va,
				      len);
			ret = kpt_map(&inc->ctx, va, pa, min, kpt_div(len, min),
				      IOMMU_READ, &mapped);
			kpt_inc_end(inc, true);
			inc->ctx.hooks.fail_alloc = 0;
			KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM || !ret,
					      "%s: map: %d", inc->cfg.name,
					      ret);
			KUNIT_EXPECT_EQ(test,
					kpt_inc_unmap_span(inc, &spans[s]),
					mapped);
		}
		kpt_inc_finish(inc);
	}
}

/* The highest level whose item size is a page that fits twice in @span */
static unsigned int kpt_inc_big_level(struct kpt_inc *inc,
				      const struct kpt_span *span)
{
	u64 bitmap = kpt_domain(&inc->ctx)->pgsize_bitmap;
	unsigned int level;

	for (level = KPT_REF_MAX_LEVEL; level; level--)
		if ((bitmap & BIT_ULL(kpt_ref_item_lg2(level))) &&
		    kpt_ref_item_lg2(level) + 1 <= span->lg2)
			break;
	return level;
}

/*
 * Cuts that re-size a contiguous leaf in place, that build a sub-tree
 * inside one of its items or of a large leaf, that fail part way, and that
 * have nothing to do.
 */
static void kpt_inc_test_cut(struct kunit *test)
{
	unsigned int i, level;

	kpt_for_each_cfg(i) {
		struct kpt_inc *inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		u64 bitmap = kpt_domain(&inc->ctx)->pgsize_bitmap;
		struct kpt_span spans[KPT_MAX_SPANS];
		u64 min = inc->ctx.min_pgsize;
		struct kpt_inc_cut_stats st;
		struct kpt_snap *before, *after;
		u64 va, pa, size, item, sizes;
		int ret;

		kpt_ref_spans(&kpt_cfgs[i], spans);
		for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
			item = BIT_ULL(kpt_ref_item_lg2(level));
			sizes = kpt_ref_level_sizes(&inc->cfg, level) & bitmap &
				~item & kpt_max(spans[0].lg2 - 1);
			if (!sizes)
				continue;
			size = BIT_ULL(fls64(sizes) - 1);
			va = spans[0].first + size;
			pa = kpt_inc_leaf_pa(inc, size);
			kpt_inc_map(inc, va, pa, size, IOMMU_WRITE);
			/*
			 * In place at an item: nothing new (but the tables of
			 * items no leaf fits alone), one push
			 */
			kpt_inc_sample_leaf(inc, va, pa, size, va + item);
			kpt_inc_cut_ok(inc, va + item,
				       kpt_ref_cut_new_tables(&inc->cfg, va, pa,
							      fls64(size) - 1,
							      va + item),
				       1);
			/* Inside the last item: tables down to level 0 */
			if (level) {
				u64 cut = va + size - item + min;

				kpt_inc_sample_leaf(inc, va, pa, size, cut);
				kpt_inc_cut_ok(inc, cut,
					       kpt_ref_cut_new_tables(&inc->cfg,
								      va, pa,
								      fls64(size) - 1,
								      cut),
					       1);
			}
			inc->nsamples = 0;
			KUNIT_EXPECT_EQ(test, kpt_inc_unmap(inc, va, size),
					size);
		}

		level = kpt_inc_big_level(inc, &spans[0]);
		if (!level) {
			kpt_inc_finish(inc);
			continue;
		}
		size = BIT_ULL(kpt_ref_item_lg2(level));
		va = spans[0].first + size;
		pa = kpt_inc_leaf_pa(inc, size);
		kpt_inc_map(inc, va, pa, size, IOMMU_READ | IOMMU_WRITE);
		kpt_inc_sample_leaf(inc, va, pa, size, va + min);

		/* Out of memory for the first, then the second new table */
		before = kpt_snap_take(&inc->ctx);
		for (inc->ctx.hooks.fail_alloc = 1;
		     inc->ctx.hooks.fail_alloc <= min(level, 2U);
		     inc->ctx.hooks.fail_alloc++) {
			unsigned int fail = inc->ctx.hooks.fail_alloc;

			ret = kpt_inc_cut(inc, va + min, &st);
			inc->ctx.hooks.fail_alloc = fail;
			if (kpt_inc_cut_refused(&inc->ctx.table.iommu.common,
						ret))
				ret = -ENOMEM;
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM,
					    "%s: cut with allocation %u failing",
					    inc->cfg.name, fail);
			after = kpt_snap_take(&inc->ctx);
			kpt_snap_check(&inc->ctx, before, after, "failed cut");
			kpt_snap_put(after);
		}
		inc->ctx.hooks.fail_alloc = 0;
		kpt_snap_put(before);

		kpt_inc_cut_ok(inc, va + min,
			       kpt_ref_cut_new_tables(&inc->cfg, va, pa,
						      fls64(size) - 1,
						      va + min),
			       1);
		/* Already a boundary: nothing to do */
		kpt_inc_cut_ok(inc, va + min, 0, 0);
		kpt_inc_cut_ok(inc, va, 0, 0);
		inc->nsamples = 0;
		/* Nothing mapped there */
		KUNIT_EXPECT_EQ(test, kpt_inc_cut(inc, spans[0].first + min, &st),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, kpt_inc_unmap(inc, va, size), size);
		kpt_inc_finish(inc);
	}
}

/*
 * A dynamic top grows one level at a time and then several at once: once
 * failing part way, once losing the race to a map that grew it by one
 * level meanwhile. The first page keeps translating for the walker.
 */
static void kpt_inc_test_dynamic_top(struct kunit *test)
{
	unsigned int i, level;

	kpt_skip_without_dynamic_top(test);

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int max_level = kpt_ref_levels(&(struct kpt_cfg){
			.vasz_lg2 = cfg->vasz_lg2 }) - 1;
		struct kpt_inc *inc;
		struct kpt_ctx *ctx;
		unsigned int calls;
		size_t mapped = 0;
		u64 min, top, race;
		int ret;

		if (!cfg->dyn_start_levels)
			continue;
		inc = kpt_inc_new(test, cfg, true);
		ctx = &inc->ctx;
		min = ctx->min_pgsize;
		top = kpt_max(cfg->vasz_lg2) - (min - 1);
		kpt_inc_map(inc, min, 0x100000, min, IOMMU_READ);
		kpt_inc_set_sample(inc, 0, min + 8, 0x100008);

		level = cfg->dyn_start_levels;
		for (; level + 2 <= max_level; level++) {
			u64 va = BIT_ULL(kpt_ref_table_lg2(level - 1));

			calls = ctx->change_top_calls;
			kpt_inc_map(inc, va - min, 0x200000 + level * 0x10000,
				    2 * min, IOMMU_WRITE);
			KUNIT_EXPECT_EQ(test, ctx->change_top_calls, calls + 1);
			kpt_check_top(ctx, level);
		}

		/* Several levels at once: the second new table fails */
		calls = ctx->change_top_calls;
		if (level + 1 <= max_level) {
			unsigned int maps, unmaps;

			ctx->hooks.fail_alloc = 2;
			kpt_inc_begin(inc, "map %llx, out of memory", top - min);
			ret = kpt_map(ctx, top - min, 0x300000, min, 2,
				      IOMMU_READ, &mapped);
			maps = inc->op_maps;
			unmaps = inc->op_unmaps;
			kpt_inc_end(inc, true);
			ctx->hooks.fail_alloc = 0;
			KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
			KUNIT_EXPECT_EQ(test, mapped, 0);
			KUNIT_EXPECT_EQ(test, maps, 1);
			KUNIT_EXPECT_EQ(test, unmaps, 1);
			KUNIT_EXPECT_EQ(test, ctx->change_top_calls, calls);
			inc->race_va = BIT_ULL(kpt_ref_table_lg2(level - 1));
			inc->race_pa = 0x500000;
		}
		race = inc->race_va;
		kpt_inc_map(inc, top - min, 0x300000, 2 * min, IOMMU_READ);
		KUNIT_EXPECT_GT(test, ctx->change_top_calls, calls);
		kpt_check_top(ctx, max_level);
		if (race) {
			KUNIT_EXPECT_EQ(test, inc->race_va, 0);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, race + 8),
					0x500008);
		}
		inc->nsamples = 0;
		kpt_inc_finish(inc);
	}
}

/*
 * read_and_clear_dirty refuses an incoherent table: the CPU could read a
 * stale clean copy of an entry the walker made dirty in memory. The dirty
 * bits the walker set stay in memory, nothing is pushed, nothing reported.
 */
static void kpt_inc_test_dirty(struct kunit *test)
{
#if defined(pt_entry_write_is_dirty) && defined(KPT_REF_DIRTY)
	unsigned int i, j;

	kpt_for_each_cfg(i) {
		struct kpt_inc *inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		struct kpt_walk walk = { .leaf_fn = kpt_inc_cpu_leaf,
					 .priv = inc };
		const kpt_le_word d = kpt_cpu_to_le(KPT_REF_DIRTY);
		struct iommu_iotlb_gather gather;
		struct iommu_dirty_bitmap dirty = { .gather = &gather };
		struct kpt_span spans[KPT_MAX_SPANS];
		kpt_le_word *set[16], *shadow[16];
		unsigned int nset = 0, nleaves, k;
		u64 va, pa, len, mid, near;
		int ret;

		kpt_ref_spans(&kpt_cfgs[i], spans);
		kpt_inc_range(inc, &spans[0], &va, &pa, &len, &mid, &near);
		kpt_inc_map(inc, va, pa, len, IOMMU_READ | IOMMU_WRITE);

		/* The walker sets D in the last item of some leaves */
		inc->nleaves[0] = 0;
		kpt_walk(&inc->ctx, &walk);
		nleaves = min(inc->nleaves[0], KPT_INC_MAX_LEAVES);
		for (j = 0; j < nleaves && nset != ARRAY_SIZE(set); j += 3) {
			const struct kpt_leaf *leaf = &inc->leaves[0][j];
			u64 end = leaf->va + kpt_max(leaf->size_lg2);
			struct kpt_inc_hit hit;
			struct kpt_inc_tbl *t;

			if (kpt_inc_lookup(inc, false, end, &hit))
				continue;
			t = kpt_inc_find(inc, hit.table);
			if (!t)
				continue;
			set[nset] = &((kpt_le_word *)hit.table)[hit.item];
			shadow[nset] = &t->shadow[hit.item];
			*set[nset] |= d;
			*shadow[nset++] |= d;
		}
		KUNIT_ASSERT_GT(test, nset, 0);

		kpt_inc_begin(inc, "read dirty %llx+%llx", va, len);
		iommu_iotlb_gather_init(&gather);
		ret = KPT_OP(read_and_clear_dirty)(kpt_domain(&inc->ctx), va,
						   len, 0, &dirty);
		KUNIT_EXPECT_EQ_MSG(test, inc->op_syncs, 0,
				    "%s: a refused read pushed tables",
				    inc->cfg.name);
		/* With the bits still set the decoder rejects leaves */
		kpt_inc_end(inc, false);
		KUNIT_EXPECT_EQ(test, ret, -EOPNOTSUPP);
		KUNIT_EXPECT_EQ(test, (u64)gather.end, 0);
		for (k = 0; k != nset; k++)
			KUNIT_EXPECT_TRUE_MSG(test, *set[k] & d,
					      "%s: dirty bit %u cleared",
					      inc->cfg.name, k);

		/* Clear them by hand (both views) for the checked teardown */
		for (k = 0; k != nset; k++) {
			*set[k] &= ~d;
			*shadow[k] &= ~d;
		}
		KUNIT_EXPECT_EQ(test, kpt_inc_unmap_span(inc, &spans[0]), len);
		kpt_inc_finish(inc);
	}
#else
	kunit_skip(test, "the format has no dirty tracking");
#endif
}

/*
 * deinit with tables still on a gather list: they are unmapped already and
 * deinit leaves them alone; every other table is unmapped.
 */
static void kpt_inc_test_deinit(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i) {
		struct kpt_inc *inc = kpt_inc_new(test, &kpt_cfgs[i], true);
		struct kpt_span spans[KPT_MAX_SPANS];
		struct iommu_iotlb_gather gather;
		u64 va, pa, len, mid, near;
		unsigned int pending;

		kpt_ref_spans(&kpt_cfgs[i], spans);
		kpt_inc_range(inc, &spans[0], &va, &pa, &len, &mid, &near);
		kpt_inc_map(inc, va, pa, len, IOMMU_READ);

		/* Everything below the middle: whole tables go */
		va = spans[0].first;
		kpt_inc_begin(inc, "unmap %llx+%llx, not freed", va, mid - va);
		iommu_iotlb_gather_init(&gather);
		KPT_OP(unmap_pages)(kpt_domain(&inc->ctx), va,
				    inc->ctx.min_pgsize,
				    kpt_div(mid - va, inc->ctx.min_pgsize), &gather);
		kpt_inc_end(inc, true);
		pending = kpt_inc_check_freelist(inc, &gather);

		kpt_inc_deinit(inc);
		KUNIT_EXPECT_EQ(test, atomic_read(&inc->ctx.hooks.tables),
				pending);
		kpt_gather_free(&inc->ctx, &gather);
		kunit_release_action(test, kpt_inc_release, inc);
	}
}

/*
 * The real DMA API: a test device and no hooks. On arm64 the device does
 * not snoop, so the engine's syncs clean the CPU caches for real. UML has no
 * DMA API; user space has a model of it that maps one to one.
 */
static void kpt_inc_test_dma_api(struct kunit *test)
{
#if IS_ENABLED(CONFIG_HAS_DMA) || !defined(__KERNEL__)
	struct device *dev;
	unsigned int i, lg2;

	dev = kunit_device_register(test, "generic-pt-walker");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
#ifdef __KERNEL__
	KUNIT_ASSERT_EQ(test, dma_coerce_mask_and_coherent(dev,
							   DMA_BIT_MASK(64)),
			0);
#if IS_ENABLED(CONFIG_ARM64)
	KUNIT_ASSERT_FALSE_MSG(test, dev_is_dma_coherent(dev),
			       "the walker must not snoop for real maintenance");
#endif
#else
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
#endif

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int features = kpt_incoherent_features(cfg->features);
		struct KPT_INC_FMT_CFG fcfg = {
			.common = {
				.features = features,
				.max_vasz_lg2 = cfg->vasz_lg2,
				.max_oasz_lg2 = cfg->oasz_lg2,
			},
		};
		/* What the reference decodes: the table's own features */
		struct kpt_cfg icfg = *cfg;
		struct kpt_ctx *ctx;
		u64 bitmap, min;
		int ret;

		/* Growing a top needs the format's own configuration */
		if (cfg->dyn_start_levels)
			continue;
		icfg.features = features;
		ctx = kpt_ctx_alloc(test, &icfg);
		ctx->table.iommu.iommu_device = dev;
		ctx->table.iommu.nid = NUMA_NO_NODE;
		ret = KPT_OP(init)(&ctx->table, &fcfg, GFP_KERNEL);
		if (ret)
			kfree(ctx);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s: init", cfg->name);
		bitmap = kpt_domain(ctx)->pgsize_bitmap;
		min = bitmap & -bitmap;
		ctx->min_pgsize = min;

		for (lg2 = 0; lg2 + 2 <= cfg->vasz_lg2 - 1; lg2++) {
			u64 size = BIT_ULL(lg2), va = 2 * size, pa = size;
			struct kpt_walk walk = {};
			int err;

			if (!(bitmap & size) ||
			    2 * size - 1 > kpt_max(cfg->oasz_lg2))
				continue;
			kpt_map_ok(ctx, va, pa, size, IOMMU_READ | IOMMU_WRITE);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va + size - 1),
					pa + size - 1);
			if (size > min) {
				err = KPT_OP(cut_mapping)(&ctx->table.iommu,
							  va + min,
							  GFP_KERNEL);
				if (kpt_inc_cut_refused(&ctx->table.iommu.common,
							err))
					err = 0;
				KUNIT_EXPECT_EQ_MSG(test, err, 0,
						    "%s: cut %llx", cfg->name,
						    va + min);
			}
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), pa);
			if (size > min)
				KUNIT_EXPECT_EQ(test,
						kpt_phys(ctx, va + min + 8),
						pa + min + 8);
			kpt_walk(ctx, &walk);
			KUNIT_EXPECT_EQ(test, walk.leaf_bytes, size);
			KUNIT_EXPECT_EQ(test, kpt_unmap(ctx, va, size), size);
			KUNIT_EXPECT_EQ(test, kpt_phys(ctx, va), 0);
		}
		kpt_ctx_free(ctx);
	}
#else
	kunit_skip(test,
		   "no DMA API (CONFIG_HAS_DMA is off, as on UML); the other cases model the walker with the test hooks");
#endif
}

/*
 * A map replacing emptied tables by a leaf: the cleared entries reach the
 * walker before the driver's flush, the tables leave its view and are DMA
 * unmapped before they are freed, and the leaf is what the walker sees.
 */
static void kpt_inc_test_replace(struct kunit *test)
{
	unsigned int i;

	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int lg2 = kpt_ref_item_lg2(1);
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_inc_hit hit;
		unsigned int syncs;
		struct kpt_inc *inc;
		u64 g, va, step;

		kpt_ref_spans(cfg, spans);
		if (!(kpt_ref_level_sizes(cfg, 1) & BIT_ULL(lg2)) ||
		    lg2 + 2 > spans[0].lg2 || lg2 + 1 > cfg->oasz_lg2)
			continue;
		inc = kpt_inc_new(test, cfg, true);
		g = inc->ctx.min_pgsize;
		va = spans[0].first + BIT_ULL(lg2);
		/* Two pages, unmapped one call each: an empty table stays */
		for (step = 0; step != 2; step++) {
			kpt_inc_map(inc, va + step * g, 3 * g, g, IOMMU_READ);
			KUNIT_EXPECT_EQ(test, kpt_inc_unmap(inc, va + step * g, g),
					g);
		}
		syncs = inc->ctx.iotlb_syncs;
		kpt_inc_map(inc, va, BIT_ULL(lg2), BIT_ULL(lg2), IOMMU_READ);
		KUNIT_EXPECT_EQ_MSG(test, inc->ctx.iotlb_syncs, syncs + 1,
				    "%s: no empty table was replaced", cfg->name);
		KUNIT_EXPECT_EQ(test, kpt_inc_lookup(inc, true, va + g, &hit),
				0);
		KUNIT_EXPECT_EQ(test, hit.ent.size_lg2, lg2);
		KUNIT_EXPECT_EQ(test, kpt_inc_unmap(inc, va, BIT_ULL(lg2)),
				BIT_ULL(lg2));
		kpt_inc_finish(inc);
	}
}

/*
 * Two maps of disjoint ranges meet in a table one of them is installing:
 * the second passes through the entry the first installed but has not
 * pushed yet (it does so when its level function ends). The second must
 * not return before the walker can follow that entry to its leaf. The
 * store hook runs the second map right after the first store of the
 * first, which installs the entry.
 */
struct kpt_inc_nested {
	struct kpt_inc *inc;
	bool armed;
	u64 va;
	u64 pa;
	int ret;
	int lookup;
	u64 got;
};

#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
static void kpt_inc_nested_hook(void *priv, struct pt_table_p *table,
				unsigned int index)
{
	struct kpt_inc_nested *n = priv;
	struct kpt_inc_hit hit;
	size_t mapped = 0;

	if (!n->armed || index >= PT_STORE_HOOK_ALLOC)
		return;
	n->armed = false;
	n->ret = kpt_map(&n->inc->ctx, n->va, n->pa, n->inc->ctx.min_pgsize,
			 1, IOMMU_READ, &mapped);
	/* Returned: the walker translates it */
	n->lookup = kpt_inc_lookup(n->inc, true, n->va, &hit);
	if (!n->lookup)
		n->got = hit.ent.oa + (n->va & kpt_max(hit.ent.size_lg2));
}

static void kpt_inc_nested_unhook(void *unused)
{
	pt_store_hook_set(NULL, NULL);
}
#endif

static void kpt_inc_test_nested_map(struct kunit *test)
{
#if IS_ENABLED(CONFIG_IOMMU_PT_STORE_HOOK)
	struct kpt_inc_nested n = {};
	unsigned int i, t;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kpt_inc_nested_unhook,
							NULL), 0);
	kpt_for_each_cfg(i) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];
		unsigned int top = kpt_ref_levels(cfg) - 1;
		struct kpt_span spans[KPT_MAX_SPANS];
		struct kpt_inc *inc;
		u64 g, va;

		/* A new table below a new table below the top */
		if (top < 2)
			continue;
		kpt_ref_spans(cfg, spans);
		inc = kpt_inc_new(test, cfg, true);
		g = inc->ctx.min_pgsize;
		va = spans[0].first + 5 * g;
		n.inc = inc;
		n.va = va + BIT_ULL(kpt_ref_item_lg2(top - 1));
		n.pa = 7 * g;
		n.armed = true;
		n.got = 0;
		pt_store_hook_set(kpt_inc_nested_hook, &n);
		kpt_map_ok(&inc->ctx, va, 3 * g, g, IOMMU_READ);
		pt_store_hook_set(NULL, NULL);
		KUNIT_EXPECT_FALSE(test, n.armed);
		KUNIT_EXPECT_EQ(test, n.ret, 0);
		KUNIT_EXPECT_EQ_MSG(test, n.lookup, 0,
				    "%s: map of %llx returned while the walker cannot reach it (entry of the other map not pushed)",
				    cfg->name, n.va);
		KUNIT_EXPECT_EQ(test, n.got, n.pa);
		/* Two operations in one: the once per table bound is moot */
		for (t = 0; t != inc->ntbl; t++)
			inc->tbl[t].op_syncs = 0;
		kpt_inc_begin(inc, "map %llx inside the map of %llx", n.va, va);
		kpt_inc_end(inc, true);
		kpt_inc_finish(inc);
	}
#else
	kunit_skip(test, "needs CONFIG_IOMMU_PT_STORE_HOOK");
#endif
}

static struct kunit_case kpt_inc_cases[] = {
	KUNIT_CASE(kpt_inc_test_init),
	KUNIT_CASE(kpt_inc_test_sizes),
	KUNIT_CASE(kpt_inc_test_ranges),
	KUNIT_CASE(kpt_inc_test_cut),
	KUNIT_CASE(kpt_inc_test_dynamic_top),
	KUNIT_CASE(kpt_inc_test_replace),
	KUNIT_CASE(kpt_inc_test_nested_map),
	KUNIT_CASE(kpt_inc_test_dirty),
	KUNIT_CASE(kpt_inc_test_deinit),
	KUNIT_CASE(kpt_inc_test_dma_api),
	{}
};

static struct kunit_suite kpt_inc_suite = {
	.name = KPT_SUITE_NAME("incoherent"),
	.init = kpt_iommu_init,
	.test_cases = kpt_inc_cases,
};

kunit_test_suite(kpt_inc_suite);

#endif

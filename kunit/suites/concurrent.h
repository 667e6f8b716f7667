/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: concurrent callers of one table, templated per format.
 *
 * Operations on disjoint IOVA ranges may run at the same time and share
 * tables (Documentation/generic_pt.rst). Whatever the other callers are
 * doing, once a call returns the device translates what it did: what it
 * mapped, through every table on the path from the top the driver
 * programmed; what it unmapped no longer; what it cut unchanged. Two ways to
 * get that wrong when the callers meet in new tables:
 *
 * - With an incoherent walker (PT_FEAT_DMA_INCOHERENT), a map that finds a
 *   table another thread has just installed writes below it and returns
 *   while the entry pointing at that table is not pushed yet: the walker
 *   cannot reach what the map wrote.
 * - With a dynamic top (PT_FEAT_DYNAMIC_TOP), a map that finds a top another
 *   thread has just published maps above the old top and returns before the
 *   driver was told of the new one (change_top): the device still walks the
 *   old top.
 *
 * Four kernel threads map, cut and unmap disjoint ranges that meet in tables
 * created in the same round, and after every call that returned the calling
 * thread translates what it did as the device would: from the top init
 * reported (hw_info) or the last one change_top() reported, each word read
 * with the personality's kpt_ref_hw_decode(), and with an incoherent walker
 * from a shadow of each table that only the dma_sync hook updates. The
 * model knows nothing of the engine but its hooks.
 *
 * The windows are made wide: in each round one thread, the lead, starts at
 * once and its DMA hooks hold the calls of its first map back (each table
 * it allocates, each push before it copies), the others start a little
 * later, and change_top() busy-waits before it records the new top, under
 * the driver's lock as the engine calls it. The hooks sleep where the
 * engine's context allows, so the first race is caught on one CPU as well;
 * the second needs two, as its window is all under the driver's lock.
 *
 * The cases: the incoherent walker and, as its control, the same with a
 * coherent one; the dynamic top, growing from one level while the threads
 * map above it, with a coherent and with an incoherent walker, and as their
 * control the same maps in a table built with every level at init. The
 * controls cannot hit either race; they pass, so what fails the others is
 * the race.
 */
#ifndef __GENERIC_PT_KUNIT_CONCURRENT_H
#define __GENERIC_PT_KUNIT_CONCURRENT_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define KPT_CONC_THREADS 4
/* Rounds of the fixed top cases, fresh tables of the growing ones */
#define KPT_CONC_ROUNDS 240
#define KPT_CONC_CYCLES 80
/* Levels below the top the rounds create tables at, or a top grows by */
#define KPT_CONC_LEVELS 3
/* map, cut and unmap sequences of each thread in a round */
#define KPT_CONC_ITERS 3
/* Random bytes translated in a range besides its first and last */
#define KPT_CONC_PROBES 4
#define KPT_CONC_MAX_PAGES 16
/* How long the lead's pushes and change_top() wait, in microseconds */
#define KPT_CONC_PUSH_US 100
#define KPT_CONC_TOP_US 200
/* A case starts no round after this long; a round may take this long */
#define KPT_CONC_MAX_SECS 10
#define KPT_CONC_ROUND_SECS 60
#define KPT_CONC_HASH_LG2 8
#define KPT_CONC_MSG_LEN 320
#define KPT_CONC_SEED (KPT_SEED ^ 0x636f6e63ULL)
#define KPT_CONC_PROT (IOMMU_READ | IOMMU_WRITE)

/**
 * struct kpt_conc_mode - What one case runs
 * @incoherent: PT_FEAT_DMA_INCOHERENT, the walker reads the shadows
 * @dynamic: PT_FEAT_DYNAMIC_TOP, each table starting with one level
 * @grow: Each round maps just above the reach of a top one level lower than
 *	the last round's, in a fresh table every KPT_CONC_LEVELS rounds;
 *	otherwise the rounds map in one table, in new tables each round
 */
struct kpt_conc_mode {
	bool incoherent;
	bool dynamic;
	bool grow;
};

/**
 * struct kpt_conc_shadow - What the device reads of one DMA mapped table
 * @next: Next in the hash chain
 * @cpu: The table memory
 * @len: Bytes mapped
 * @words: The table as it was pushed
 */
struct kpt_conc_shadow {
	struct kpt_conc_shadow *next;
	void *cpu;
	size_t len;
	kpt_le_word words[];
};

struct kpt_conc;

/**
 * struct kpt_conc_thread - One thread, or the test's own calls
 * @cc: The case
 * @task: The kernel thread; NULL for the test's own record
 * @go: Completed by the test to start a round, or to stop
 * @done: Completed by the thread at the end of a round
 * @id: Index in &kpt_conc.t
 * @seed: Its random state
 * @slot_va: This round: the first IOVA of the thread's own range
 * @slot_len: This round: its length, a power of two
 * @start_us: This round: how long to wait before the first call
 * @lead: This round: starts at once, holds back the DMA calls of its first
 *	map
 * @slow: Its DMA hooks hold the calls back (written and read only by the
 *	thread itself)
 * @slow_tables: Tables it allocated while @slow
 * @op: The last call, for messages
 * @op_va: Its IOVA
 * @op_len: Its length
 * @maps: Successful maps
 * @cuts: Successful cuts
 * @unmaps: Successful unmaps
 * @probes: Translations checked
 * @push_windows: Maps that returned while a lead held a DMA call back
 * @top_windows: Maps that returned while change_top() was running
 * @errors: Failed checks; only the first is described
 * @msg: The first failure
 */
struct kpt_conc_thread {
	struct kpt_conc *cc;
	struct task_struct *task;
	struct completion go;
	struct completion done;
	unsigned int id;
	u64 seed;
	u64 slot_va;
	u64 slot_len;
	unsigned int start_us;
	bool lead;
	bool slow;
	unsigned int slow_tables;
	const char *op;
	u64 op_va;
	u64 op_len;
	unsigned long maps;
	unsigned long cuts;
	unsigned long unmaps;
	unsigned long probes;
	unsigned long push_windows;
	unsigned long top_windows;
	unsigned int errors;
	char msg[KPT_CONC_MSG_LEN];
};

/**
 * struct kpt_conc - One case: the table, the device model, the threads
 * @ctx: The table and its driver ops; the hooks find the case through it
 * @cfg: The configuration the table is initialised with
 * @mode: What the case runs
 * @can_cut: The configuration cuts every leaf (see kpt_cut_cfg())
 * @levels: Levels the rounds create tables at: 0 to @levels - 1
 * @pgsizes: The page size bitmap
 * @start_min_us: Shortest start delay of the threads that do not lead
 * @start_max_us: Longest one
 * @seed: The test's random state
 * @round: Rounds run
 * @stop: Tells the threads to end
 * @slow_pending: DMA calls a lead is holding back
 * @top_changing: change_top() calls running
 * @dma_calls: DMA hook calls, none expected for a coherent walker
 * @lock: Protects what follows: the device's view
 * @top_pa: The top the device walks from
 * @top_level: Its level
 * @change_tops: change_top() calls
 * @hash: The shadows, by table address
 * @nshadows: Tables DMA mapped
 * @model_errors: Errors the hooks found
 * @model_msg: The first of them
 * @t: The threads, and last the test's own record
 */
struct kpt_conc {
	struct kpt_ctx ctx;
	struct kpt_cfg cfg;
	const struct kpt_conc_mode *mode;
	bool can_cut;
	unsigned int levels;
	u64 pgsizes;
	unsigned int start_min_us;
	unsigned int start_max_us;
	u64 seed;
	unsigned int round;
	atomic_t stop;
	atomic_t slow_pending;
	atomic_t top_changing;
	atomic_t dma_calls;
	/* The device's view: the top and the shadows */
	spinlock_t lock;
	u64 top_pa;
	unsigned int top_level;
	unsigned int change_tops;
	struct kpt_conc_shadow *hash[1 << KPT_CONC_HASH_LG2];
	unsigned int nshadows;
	unsigned int model_errors;
	char model_msg[KPT_CONC_MSG_LEN];
	struct kpt_conc_thread t[KPT_CONC_THREADS + 1];
};

/* The slots below are laid out for four threads */
static_assert(KPT_CONC_THREADS == 4);

/* The output address of an IOVA: aligned alike, in the upper half */
static u64 kpt_conc_pa(const struct kpt_conc *cc, u64 va)
{
	unsigned int lg2 = cc->cfg.oasz_lg2 - 1;

	return (va & kpt_max(lg2)) | BIT_ULL(lg2);
}

/* The device model */

static struct kpt_conc *kpt_conc_of_hooks(struct pt_iommu_test_hooks *hooks)
{
	return container_of(hooks, struct kpt_conc, ctx.hooks);
}

static struct kpt_conc *kpt_conc_of_table(struct pt_iommu *iommu_table)
{
	return container_of(iommu_table, struct kpt_conc, ctx.table.iommu);
}

static unsigned int kpt_conc_hash(const void *table)
{
	return ((u64)(uintptr_t)table >> 12) * 0x9e3779b97f4a7c15ULL >>
	       (64 - KPT_CONC_HASH_LG2);
}

/* Lock held */
static struct kpt_conc_shadow **kpt_conc_slot(struct kpt_conc *cc,
					      const void *table)
{
	struct kpt_conc_shadow **pos = &cc->hash[kpt_conc_hash(table)];

	while (*pos && (*pos)->cpu != table)
		pos = &(*pos)->next;
	return pos;
}

/* Lock held */
static __printf(2, 3) void kpt_conc_model_err(struct kpt_conc *cc,
					      const char *fmt, ...)
{
	va_list args;

	if (cc->model_errors++)
		return;
	va_start(args, fmt);
	vsnprintf(cc->model_msg, sizeof(cc->model_msg), fmt, args);
	va_end(args);
}

/* The thread of this case that is calling, NULL for the test itself */
static struct kpt_conc_thread *kpt_conc_self(struct kpt_conc *cc)
{
	unsigned int i;

	for (i = 0; i != KPT_CONC_THREADS; i++)
		if (cc->t[i].task && cc->t[i].task == current)
			return &cc->t[i];
	return NULL;
}

/*
 * The lead of a round holds a DMA call back, so that the others run while
 * what it installed is not pushed yet. It sleeps where it may, which lets
 * them run on a single CPU too, else busy-waits.
 */
static void kpt_conc_hold(struct kpt_conc *cc, bool may_sleep)
{
	atomic_inc(&cc->slow_pending);
#ifdef __KERNEL__
	if (!may_sleep && !preemptible())
		udelay(KPT_CONC_PUSH_US);
	else
#endif
		usleep_range(KPT_CONC_PUSH_US, KPT_CONC_PUSH_US * 5 / 4);
	atomic_dec(&cc->slow_pending);
}

/*
 * A table is DMA mapped: the device reads what it held then. The engine
 * allocated it just before with the caller's gfp, GFP_KERNEL here, so the
 * hook may sleep too. The lead holds back every table but its first: a map
 * allocates the next table once it installed the one above.
 */
static void kpt_conc_dma_map(struct pt_iommu_test_hooks *hooks, void *table,
			     size_t len)
{
	struct kpt_conc *cc = kpt_conc_of_hooks(hooks);
	struct kpt_conc_thread *t = kpt_conc_self(cc);
	const kpt_le_word *cpu = table;
	struct kpt_conc_shadow *s, **pos;
	size_t i;

	atomic_inc(&cc->dma_calls);
	if (t && t->slow && t->slow_tables++)
		kpt_conc_hold(cc, true);
	s = kmalloc(struct_size(s, words, len / KPT_REF_WORD_SIZE), GFP_KERNEL);
	if (s) {
		s->next = NULL;
		s->cpu = table;
		s->len = len;
		for (i = 0; i != len / KPT_REF_WORD_SIZE; i++)
			s->words[i] = READ_ONCE(cpu[i]);
	}
	spin_lock(&cc->lock);
	pos = kpt_conc_slot(cc, table);
	if (!s || !len || len % KPT_REF_WORD_SIZE) {
		kpt_conc_model_err(cc, "DMA map of %zu bytes at %llx%s", len,
				   (u64)virt_to_phys(table),
				   s ? "" : ": no memory for the model");
	} else if (*pos) {
		kpt_conc_model_err(cc, "table %llx DMA mapped twice",
				   (u64)virt_to_phys(table));
	} else {
		*pos = s;
		s = NULL;
		cc->nshadows++;
	}
	spin_unlock(&cc->lock);
	kfree(s);
}

/*
 * The engine pushes items of a table: the lead of a round waits first, so
 * whatever it has not pushed yet stays unseen for a while. The engine may
 * push with a lock held: the hook sleeps only where that is allowed.
 */
static void kpt_conc_dma_sync(struct pt_iommu_test_hooks *hooks, void *table,
			      size_t offset, size_t len)
{
	struct kpt_conc *cc = kpt_conc_of_hooks(hooks);
	struct kpt_conc_thread *t = kpt_conc_self(cc);
	const kpt_le_word *cpu = table;
	struct kpt_conc_shadow *s;
	size_t i;

	atomic_inc(&cc->dma_calls);
	if (t && t->slow)
		kpt_conc_hold(cc, false);
	spin_lock(&cc->lock);
	s = *kpt_conc_slot(cc, table);
	if (!s)
		kpt_conc_model_err(cc, "push to table %llx, not DMA mapped",
				   (u64)virt_to_phys(table));
	else if (!len || (offset | len) % KPT_REF_WORD_SIZE || offset > s->len ||
		 len > s->len - offset)
		kpt_conc_model_err(cc, "push of %zu bytes at %zu of table %llx",
				   len, offset, (u64)virt_to_phys(table));
	else
		/* Other items may be changing: the words as they are now */
		for (i = offset / KPT_REF_WORD_SIZE; i != (offset + len) / KPT_REF_WORD_SIZE;
		     i++)
			s->words[i] = READ_ONCE(cpu[i]);
	spin_unlock(&cc->lock);
}

/* A table left the page table: the device may not read it any more */
static void kpt_conc_dma_unmap(struct pt_iommu_test_hooks *hooks, void *table,
			       size_t len)
{
	struct kpt_conc *cc = kpt_conc_of_hooks(hooks);
	struct kpt_conc_shadow *s, **pos;

	atomic_inc(&cc->dma_calls);
	spin_lock(&cc->lock);
	pos = kpt_conc_slot(cc, table);
	s = *pos;
	if (!s) {
		kpt_conc_model_err(cc, "DMA unmap of table %llx, not mapped",
				   (u64)virt_to_phys(table));
	} else {
		if (s->len != len)
			kpt_conc_model_err(cc,
					   "DMA unmap of %zu bytes of table %llx, mapped %zu",
					   len, (u64)virt_to_phys(table),
					   s->len);
		*pos = s->next;
		cc->nshadows--;
	}
	spin_unlock(&cc->lock);
	kfree(s);
}

/*
 * The driver is told of a new top, with its lock held: it takes a while to
 * update the device, which walks the old top until then.
 */
static void kpt_conc_change_top(struct pt_iommu *iommu_table,
				phys_addr_t top_pa, unsigned int top_level)
{
	struct kpt_conc *cc = kpt_conc_of_table(iommu_table);

	atomic_inc(&cc->top_changing);
	udelay(KPT_CONC_TOP_US);
	spin_lock(&cc->lock);
	if (top_level <= cc->top_level)
		kpt_conc_model_err(cc, "change_top to level %u from level %u",
				   top_level, cc->top_level);
	cc->top_pa = top_pa;
	cc->top_level = top_level;
	cc->change_tops++;
	spin_unlock(&cc->lock);
	atomic_dec(&cc->top_changing);
}

static spinlock_t *kpt_conc_get_top_lock(struct pt_iommu *iommu_table)
{
	return &kpt_conc_of_table(iommu_table)->ctx.top_lock;
}

static void kpt_conc_free_shadows(struct kpt_conc *cc)
{
	struct kpt_conc_shadow *s;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cc->hash); i++) {
		while ((s = cc->hash[i])) {
			cc->hash[i] = s->next;
			kfree(s);
		}
	}
	cc->nshadows = 0;
}

/* A translation as the device makes it */
struct kpt_conc_tr {
	u64 oa;
	unsigned int prot;
	unsigned int level;
	unsigned int top_level;
	const char *why;
	bool mapped;
	bool beyond;
	bool bad;
};

/* Word @index of a table as the device reads it; lock held */
static bool kpt_conc_read(struct kpt_conc *cc, void *table,
			  unsigned int index, u64 *word)
{
	struct kpt_conc_shadow *s;

	if (!cc->mode->incoherent) {
		*word = kpt_le_to_cpu(READ_ONCE(((kpt_le_word *)table)[index]));
		return true;
	}
	s = *kpt_conc_slot(cc, table);
	if (!s || (index + 1) * KPT_REF_WORD_SIZE > s->len)
		return false;
	*word = kpt_le_to_cpu(s->words[index]);
	return true;
}

/* Translate @va from the device's top, one word per level */
static void kpt_conc_xlate(struct kpt_conc *cc, u64 va, struct kpt_conc_tr *tr)
{
	const struct kpt_cfg *cfg = &cc->cfg;
	unsigned int allow = ~0U, items_lg2, isz_lg2, index;
	struct kpt_ref_entry ent;
	unsigned int level;
	void *table;
	u64 word;

	memset(tr, 0, sizeof(*tr));
	spin_lock(&cc->lock);
	level = cc->top_level;
	tr->top_level = level;
	table = phys_to_virt(cc->top_pa);
	items_lg2 = kpt_ref_top_items_lg2(cfg, level);
	if (kpt_ref_item_lg2(level) + items_lg2 < 64 &&
	    va >> (kpt_ref_item_lg2(level) + items_lg2)) {
		tr->why = "beyond the reach of the top the driver was told";
		tr->beyond = true;
		goto out;
	}
	for (;;) {
		isz_lg2 = kpt_ref_item_lg2(level);
		index = (isz_lg2 >= 64 ? 0 : va >> isz_lg2) & kpt_max(items_lg2);
		if (!kpt_conc_read(cc, table, index, &word)) {
			tr->bad = true;
			tr->why = "a table that is not DMA mapped";
			break;
		}
		kpt_ref_hw_decode(level, word, &ent);
		if (ent.type == KPT_REF_TABLE && level) {
			allow &= ent.prot;
			table = phys_to_virt(ent.oa);
			level--;
			items_lg2 = kpt_ref_items_lg2(level);
			continue;
		}
		if (ent.type == KPT_REF_LEAF) {
			tr->mapped = true;
			tr->oa = ent.oa + (va & kpt_max(ent.size_lg2));
			tr->prot = ent.prot & allow;
		} else if (ent.type == KPT_REF_EMPTY) {
			tr->why = "an empty entry";
		} else {
			tr->bad = true;
			tr->why = ent.type == KPT_REF_TABLE ?
					  "a table entry at level 0" :
					  ent.why;
		}
		break;
	}
out:
	tr->level = level;
	spin_unlock(&cc->lock);
}

/* The checks of a thread, reported by the test at the end */

static __printf(2, 3) void kpt_conc_fail(struct kpt_conc_thread *t,
					 const char *fmt, ...)
{
	va_list args;
	int n;

	if (t->errors++)
		return;
	if (t->id == KPT_CONC_THREADS)
		n = snprintf(t->msg, sizeof(t->msg), "round %u, the test: ",
			     t->cc->round);
	else
		n = snprintf(t->msg, sizeof(t->msg), "round %u, thread %u%s: ",
			     t->cc->round, t->id, t->lead ? " (lead)" : "");
	n += snprintf(t->msg + n, sizeof(t->msg) - n, "%s %llx+%llx: ", t->op,
		      t->op_va, t->op_len);
	n = min_t(int, n, sizeof(t->msg) - 1);
	va_start(args, fmt);
	vsnprintf(t->msg + n, sizeof(t->msg) - n, fmt, args);
	va_end(args);
}

/* @iova must translate to @want, or not at all when @want is 0 */
static void kpt_conc_probe(struct kpt_conc_thread *t, u64 iova, u64 want)
{
	struct kpt_conc *cc = t->cc;
	struct kpt_conc_tr tr;
	u64 cpu;

	if (t->errors)
		return;
	t->probes++;
	kpt_conc_xlate(cc, iova, &tr);
	if (tr.bad)
		return kpt_conc_fail(t,
				     "the walker finds %s translating %llx, at level %u of a top at level %u",
				     tr.why, iova, tr.level, tr.top_level);
	if (want && tr.beyond)
		return kpt_conc_fail(t,
				     "the walker does not translate %llx (want %llx): %s (level %u)",
				     iova, want, tr.why, tr.top_level);
	if (want && !tr.mapped)
		return kpt_conc_fail(t,
				     "the walker does not translate %llx (want %llx): %s at level %u of a top at level %u",
				     iova, want, tr.why, tr.level,
				     tr.top_level);
	if (!want && tr.mapped)
		return kpt_conc_fail(t,
				     "the walker still translates %llx to %llx",
				     iova, tr.oa);
	if (want && (tr.oa != want ||
		     tr.prot != kpt_ref_prot_norm(KPT_CONC_PROT)))
		return kpt_conc_fail(t,
				     "the walker translates %llx to %llx prot %x, want %llx prot %x",
				     iova, tr.oa, tr.prot, want,
				     kpt_ref_prot_norm(KPT_CONC_PROT));
	cpu = kpt_phys(&cc->ctx, iova);
	if (cpu != want)
		kpt_conc_fail(t, "iova_to_phys(%llx) is %llx, want %llx", iova,
			      cpu, want);
}

/* Both ends of [va, va + len) and random bytes: to pa on, or nothing */
static void kpt_conc_probe_range(struct kpt_conc_thread *t, u64 va, u64 len,
				 u64 pa)
{
	unsigned int i;
	u64 off;

	kpt_conc_probe(t, va, pa);
	kpt_conc_probe(t, va + len - 1, pa ? pa + len - 1 : 0);
	for (i = 0; i != KPT_CONC_PROBES; i++) {
		off = kpt_rand_range(&t->seed, 0, len - 1);
		kpt_conc_probe(t, va + off, pa ? pa + off : 0);
	}
}

static void kpt_conc_set_op(struct kpt_conc_thread *t, const char *op, u64 va,
			    u64 len)
{
	t->op = op;
	t->op_va = va;
	t->op_len = len;
}

/* The calls, each checked once it returned */

static int kpt_conc_map(struct kpt_conc_thread *t, u64 va, u64 pgsize,
			u64 pgcount)
{
	struct kpt_conc *cc = t->cc;
	u64 len = pgsize * pgcount;
	size_t mapped = 0;
	int ret;

	kpt_conc_set_op(t, "map", va, len);
	ret = KPT_OP(map_pages)(kpt_domain(&cc->ctx), va, kpt_conc_pa(cc, va),
				pgsize, pgcount, KPT_CONC_PROT, GFP_KERNEL,
				&mapped);
	t->slow = false;
	if (atomic_read(&cc->slow_pending))
		t->push_windows++;
	if (atomic_read(&cc->top_changing))
		t->top_windows++;
	if (ret || mapped != len) {
		kpt_conc_fail(t, "returned %d, mapped %zx", ret, mapped);
		return ret ?: -EIO;
	}
	t->maps++;
	kpt_conc_probe_range(t, va, len, kpt_conc_pa(cc, va));
	return 0;
}

static void kpt_conc_unmap(struct kpt_conc_thread *t, u64 va, u64 len)
{
	struct kpt_conc *cc = t->cc;
	struct iommu_iotlb_gather gather;
	u64 unmapped;

	if (t->errors)
		return;
	kpt_conc_set_op(t, "unmap", va, len);
	iommu_iotlb_gather_init(&gather);
	unmapped = KPT_OP(unmap_pages)(kpt_domain(&cc->ctx), va,
				       cc->ctx.min_pgsize,
				       kpt_div(len, cc->ctx.min_pgsize), &gather);
	kpt_gather_free(&cc->ctx, &gather);
	if (unmapped != len)
		return kpt_conc_fail(t, "unmapped %llx", unmapped);
	t->unmaps++;
	kpt_conc_probe_range(t, va, len, 0);
}

/*
 * Cut [va, va + len), mapped at kpt_conc_pa(va), at @cut: all of it still
 * translates, the bytes around the cut too.
 */
static void kpt_conc_cut(struct kpt_conc_thread *t, u64 va, u64 len, u64 cut)
{
	struct kpt_conc *cc = t->cc;
	u64 pa = kpt_conc_pa(cc, va);
	int ret;

	if (t->errors)
		return;
	kpt_conc_set_op(t, "cut", cut, 0);
	ret = KPT_OP(cut_mapping)(&cc->ctx.table.iommu, cut, GFP_KERNEL);
	if (ret)
		return kpt_conc_fail(t, "returned %d", ret);
	t->cuts++;
	kpt_conc_probe(t, cut - 1, pa + (cut - 1 - va));
	kpt_conc_probe(t, cut, pa + (cut - va));
	kpt_conc_probe_range(t, va, len, pa);
}

/*
 * A random range of the thread's slot: pages of the smallest size, or of
 * a random larger one that fits twice.
 */
static void kpt_conc_pick(struct kpt_conc_thread *t, u64 *va, u64 *pgsize,
			  u64 *pgcount)
{
	struct kpt_conc *cc = t->cc;
	u64 sizes = cc->pgsizes & kpt_max(ilog2(t->slot_len)) &
		    ~cc->ctx.min_pgsize;
	unsigned int k;
	u64 n;

	*pgsize = cc->ctx.min_pgsize;
	if (sizes && (kpt_rand(&t->seed) & 1)) {
		for (k = kpt_rand_range(&t->seed, 0, hweight64(sizes) - 1); k;
		     k--)
			sizes &= sizes - 1;
		*pgsize = sizes & -sizes;
	}
	n = kpt_div(t->slot_len, *pgsize);
	*pgcount = kpt_rand_range(&t->seed, 1,
				  min_t(u64, n, KPT_CONC_MAX_PAGES));
	*va = t->slot_va + *pgsize * kpt_rand_range(&t->seed, 0, n - *pgcount);
}

/* Map, cut where the table can, unmap each side alone */
static void kpt_conc_iter(struct kpt_conc_thread *t)
{
	struct kpt_conc *cc = t->cc;
	u64 g = cc->ctx.min_pgsize;
	u64 va, pgsize, pgcount, len, cut;

	kpt_conc_pick(t, &va, &pgsize, &pgcount);
	len = pgsize * pgcount;
	if (kpt_conc_map(t, va, pgsize, pgcount))
		return;
	if (!cc->can_cut || len == g) {
		kpt_conc_unmap(t, va, len);
		return;
	}
	cut = va + g * kpt_rand_range(&t->seed, 1, kpt_div(len, g) - 1);
	kpt_conc_cut(t, va, len, cut);
	if (kpt_rand(&t->seed) & 1) {
		kpt_conc_unmap(t, va, cut - va);
		kpt_conc_probe_range(t, cut, va + len - cut,
				     kpt_conc_pa(cc, cut));
		kpt_conc_unmap(t, cut, va + len - cut);
	} else {
		kpt_conc_unmap(t, cut, va + len - cut);
		kpt_conc_probe_range(t, va, cut - va, kpt_conc_pa(cc, va));
		kpt_conc_unmap(t, va, cut - va);
	}
}

static int kpt_conc_thread_fn(void *arg)
{
	struct kpt_conc_thread *t = arg;
	struct kpt_conc *cc = t->cc;
	unsigned int i;

	for (;;) {
		wait_for_completion(&t->go);
		if (atomic_read(&cc->stop))
			break;
		t->slow = t->lead && cc->mode->incoherent;
		t->slow_tables = 0;
		if (t->start_us)
			usleep_range(t->start_us, t->start_us * 5 / 4);
		for (i = 0; i != KPT_CONC_ITERS && !t->errors; i++)
			kpt_conc_iter(t);
		t->slow = false;
		complete(&t->done);
	}
	/* Kernel threads return only once stopped */
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/* The test's side */

/* Stop the threads; also when the case ends early */
static void kpt_conc_stop(struct kpt_conc *cc)
{
	unsigned int i;

	atomic_set(&cc->stop, 1);
	for (i = 0; i != KPT_CONC_THREADS; i++)
		if (cc->t[i].task)
			complete(&cc->t[i].go);
	for (i = 0; i != KPT_CONC_THREADS; i++)
		if (cc->t[i].task)
			kthread_stop(cc->t[i].task);
	for (i = 0; i != KPT_CONC_THREADS; i++)
		cc->t[i].task = NULL;
}

static void kpt_conc_release(void *arg)
{
	struct kpt_conc *cc = arg;

	kpt_conc_stop(cc);
	if (cc->ctx.table.iommu.common.top_of_table)
		KPT_OP(deinit)(&cc->ctx.table.iommu);
	kpt_conc_free_shadows(cc);
	kfree(cc);
}

static bool kpt_conc_failed(struct kpt_conc *cc)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cc->t); i++)
		if (cc->t[i].errors)
			return true;
	return cc->model_errors;
}

/* A table of cc->cfg; the device starts with the top hw_info gives */
static bool kpt_conc_table_init(struct kpt_conc *cc)
{
	struct kunit *test = cc->ctx.test;
	unsigned int level;
	u64 pa;
	int ret;

	/* The reference decodes what this configuration encodes */
	kpt_ref_select(&cc->cfg);
	cc->ctx.hooks.sme_mask = cc->cfg.sme_mask;
	ret = kpt_fmt_init(&cc->ctx.table, &cc->cfg, &cc->ctx.drv_ops);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: init", cc->cfg.name);
	if (ret)
		return false;
	cc->pgsizes = kpt_domain(&cc->ctx)->pgsize_bitmap;
	cc->ctx.min_pgsize = cc->pgsizes & -cc->pgsizes;
	ret = kpt_fmt_top(&cc->ctx.table, &pa, &level);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: hw_info", cc->cfg.name);
	spin_lock(&cc->lock);
	cc->top_pa = pa;
	cc->top_level = level;
	spin_unlock(&cc->lock);
	return !ret;
}

/* deinit frees and DMA unmaps every table */
static void kpt_conc_table_fini(struct kpt_conc *cc)
{
	struct kunit *test = cc->ctx.test;
	unsigned int left;

	KPT_OP(deinit)(&cc->ctx.table.iommu);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&cc->ctx.hooks.tables), 0,
			    "%s: tables left after deinit", cc->cfg.name);
	spin_lock(&cc->lock);
	left = cc->nshadows;
	spin_unlock(&cc->lock);
	KUNIT_EXPECT_EQ_MSG(test, left, 0,
			    "%s: tables still DMA mapped after deinit",
			    cc->cfg.name);
	kpt_conc_free_shadows(cc);
	atomic_set(&cc->ctx.hooks.tables, 0);
}

/*
 * The threads' ranges in a round, in item 1 of a table at level h + 1,
 * which is all new and lies just above the reach of a top at level h. Below
 * level 1 they are its quarters. Else threads 0 and 1 share the first leaf
 * table, thread 2 has items 4 to 7 of the level 1 table above it, thread 3
 * a range half way up in the level h table, under another item. Each is
 * aligned to its length.
 */
static void kpt_conc_slots(struct kpt_conc *cc, unsigned int h)
{
	u64 base = BIT_ULL(kpt_ref_table_lg2(h));
	u64 leaf_table = BIT_ULL(kpt_ref_table_lg2(0));
	struct kpt_conc_thread *t = cc->t;
	unsigned int i;

	if (!h) {
		for (i = 0; i != KPT_CONC_THREADS; i++) {
			t[i].slot_va = base + i * (leaf_table / 4);
			t[i].slot_len = leaf_table / 4;
		}
		return;
	}
	t[0].slot_va = base;
	t[0].slot_len = leaf_table / 2;
	t[1].slot_va = base + leaf_table / 2;
	t[1].slot_len = leaf_table / 2;
	t[2].slot_va = base + 4 * leaf_table;
	t[2].slot_len = 4 * leaf_table;
	t[3].slot_va = base + base / 2;
	t[3].slot_len = 4 * leaf_table;
}

/* One round at level h; false when something failed */
static bool kpt_conc_round(struct kpt_conc *cc, unsigned int h)
{
	struct kunit *test = cc->ctx.test;
	unsigned int lead = cc->round % KPT_CONC_THREADS;
	unsigned int i, n;
	bool ok = true;

	kpt_conc_slots(cc, h);
	for (n = 0; n != KPT_CONC_THREADS; n++) {
		struct kpt_conc_thread *t = &cc->t[(lead + n) % KPT_CONC_THREADS];

		t->lead = !n;
		t->start_us = n ? kpt_rand_range(&cc->seed, cc->start_min_us,
						 cc->start_max_us) :
				  0;
	}
	/* The lead first */
	for (n = 0; n != KPT_CONC_THREADS; n++)
		complete(&cc->t[(lead + n) % KPT_CONC_THREADS].go);
	for (i = 0; i != KPT_CONC_THREADS; i++) {
		if (wait_for_completion_timeout(&cc->t[i].done,
						KPT_CONC_ROUND_SECS * HZ))
			continue;
		KUNIT_FAIL(test, "%s: round %u: thread %u timed out",
			   cc->cfg.name, cc->round, i);
		ok = false;
	}
	cc->round++;
	return ok && !kpt_conc_failed(cc);
}

/* How many levels h (from 0) a level h table below the top fits at */
static unsigned int kpt_conc_levels(const struct kpt_cfg *cfg,
				    unsigned int top_level)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int n;

	kpt_ref_spans(cfg, spans);
	for (n = min_t(unsigned int, top_level, KPT_CONC_LEVELS); n; n--)
		if (kpt_ref_table_lg2(n - 1) + 1 <= spans[0].lg2)
			break;
	return n;
}

/* The configuration with a dynamic top, NULL if the format has none */
static const struct kpt_cfg *kpt_conc_dyn_cfg(void)
{
	unsigned int i;

	kpt_for_each_cfg(i)
		if (kpt_cfgs[i].dyn_start_levels)
			return &kpt_cfgs[i];
	return NULL;
}

/* The cut suite's configuration, else the first one with a fixed top */
static const struct kpt_cfg *kpt_conc_fixed_cfg(void)
{
	unsigned int i;

	if (kpt_cut_cfg())
		return kpt_cut_cfg();
	kpt_for_each_cfg(i)
		if (!kpt_cfgs[i].dyn_start_levels)
			return &kpt_cfgs[i];
	return NULL;
}

/* The test's own page at IOVA 0, which keeps translating through it all */
static void kpt_conc_sentinel(struct kpt_conc *cc, bool map)
{
	struct kpt_conc_thread *t = &cc->t[KPT_CONC_THREADS];
	u64 g = cc->ctx.min_pgsize;

	if (map)
		kpt_conc_map(t, 0, g, 1);
	else
		kpt_conc_unmap(t, 0, g);
}

static void kpt_conc_check_sentinel(struct kpt_conc *cc)
{
	struct kpt_conc_thread *t = &cc->t[KPT_CONC_THREADS];

	kpt_conc_set_op(t, "round", 0, cc->ctx.min_pgsize);
	kpt_conc_probe_range(t, 0, cc->ctx.min_pgsize, kpt_conc_pa(cc, 0));
}

/* Fresh tables, each grown a level a round while the threads map above */
static void kpt_conc_run_grow(struct kpt_conc *cc, unsigned long deadline)
{
	struct kunit *test = cc->ctx.test;
	unsigned int cycle, h, level;
	bool ok = true;
	u64 pa;

	for (cycle = 0; cycle != KPT_CONC_CYCLES && ok; cycle++) {
		if (!kpt_conc_table_init(cc))
			return;
		kpt_conc_sentinel(cc, true);
		for (h = 0; h != cc->levels && ok; h++) {
			ok = kpt_conc_round(cc, h);
			kpt_conc_check_sentinel(cc);
			ok = ok && !kpt_conc_failed(cc);
		}
		if (ok && cc->mode->dynamic) {
			/* Grown once a round, told once a level */
			KUNIT_EXPECT_EQ_MSG(test, cc->top_level, cc->levels,
					    "%s: top level after cycle %u",
					    cc->cfg.name, cycle);
			KUNIT_EXPECT_EQ_MSG(test, cc->change_tops,
					    (cycle + 1) * cc->levels,
					    "%s: change_top calls",
					    cc->cfg.name);
		}
		if (ok) {
			KUNIT_EXPECT_EQ(test,
					kpt_fmt_top(&cc->ctx.table, &pa, &level),
					0);
			KUNIT_EXPECT_EQ_MSG(test, pa, cc->top_pa,
					    "%s: hw_info's top is not the device's",
					    cc->cfg.name);
			KUNIT_EXPECT_EQ(test, level, cc->top_level);
		}
		kpt_conc_sentinel(cc, false);
		kpt_conc_table_fini(cc);
		if (time_after(jiffies, deadline))
			break;
	}
}

/*
 * One table; each round the threads meet in new tables at a level that
 * changes from round to round, which the test then frees.
 */
static void kpt_conc_run_fixed(struct kpt_conc *cc, unsigned long deadline)
{
	struct kunit *test = cc->ctx.test;
	struct kpt_conc_thread *t = &cc->t[KPT_CONC_THREADS];
	struct iommu_iotlb_gather gather;
	unsigned int round, h;
	u64 unmapped, va;
	bool ok = true;

	if (!kpt_conc_table_init(cc))
		return;
	kpt_conc_sentinel(cc, true);
	for (round = 0; round != KPT_CONC_ROUNDS && ok; round++) {
		h = round % cc->levels;
		ok = kpt_conc_round(cc, h);
		kpt_conc_check_sentinel(cc);
		/* The whole level h table: it goes, with all below it */
		va = BIT_ULL(kpt_ref_table_lg2(h));
		iommu_iotlb_gather_init(&gather);
		unmapped = KPT_OP(unmap_pages)(kpt_domain(&cc->ctx), va,
					       cc->ctx.min_pgsize,
					       kpt_div(va, cc->ctx.min_pgsize),
					       &gather);
		kpt_gather_free(&cc->ctx, &gather);
		if (ok)
			KUNIT_EXPECT_EQ_MSG(test, unmapped, 0,
					    "%s: left mapped in round %u",
					    cc->cfg.name, round);
		kpt_conc_set_op(t, "unmap of the round's tables", va, va);
		kpt_conc_probe(t, va, 0);
		ok = ok && !kpt_conc_failed(cc);
		if (time_after(jiffies, deadline))
			break;
	}
	kpt_conc_sentinel(cc, false);
	kpt_conc_table_fini(cc);
}

static void kpt_conc_report(struct kunit *test, struct kpt_conc *cc)
{
	unsigned long maps = 0, cuts = 0, unmaps = 0, probes = 0;
	unsigned long push_windows = 0, top_windows = 0;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cc->t); i++) {
		struct kpt_conc_thread *t = &cc->t[i];

		if (t->errors)
			KUNIT_FAIL(test, "%s: %s (%u failed checks)",
				   cc->cfg.name, t->msg, t->errors);
		maps += t->maps;
		cuts += t->cuts;
		unmaps += t->unmaps;
		probes += t->probes;
		push_windows += t->push_windows;
		top_windows += t->top_windows;
	}
	if (cc->model_errors)
		KUNIT_FAIL(test, "%s: %s (%u errors of the DMA calls)",
			   cc->cfg.name, cc->model_msg, cc->model_errors);
	if (!cc->mode->incoherent)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&cc->dma_calls), 0,
				    "%s: DMA calls for a coherent walker",
				    cc->cfg.name);
	if (!cc->mode->dynamic)
		KUNIT_EXPECT_EQ_MSG(test, cc->change_tops, 0,
				    "%s: change_top without a dynamic top",
				    cc->cfg.name);
	kunit_info(test,
		   "%s: %u rounds: %lu maps, %lu cuts, %lu unmaps, %lu translations; %lu maps returned while a lead held a DMA call back, %lu while change_top ran",
		   cc->cfg.name, cc->round, maps, cuts, unmaps, probes,
		   push_windows, top_windows);
}

static void kpt_conc_run(struct kunit *test, const struct kpt_conc_mode *mode)
{
	const struct kpt_cfg *cfg = mode->dynamic ? kpt_conc_dyn_cfg() : NULL;
	struct kpt_cfg whole;
	struct kpt_conc *cc;
	unsigned int i, levels;
	int ret;

	if (mode->dynamic && !cfg)
		kunit_skip(test, "no configuration with a dynamic top");
	/* The control of the growing cases: the same table, built whole */
	if (mode->grow && !cfg)
		cfg = kpt_conc_dyn_cfg();
	if (!cfg)
		cfg = kpt_conc_fixed_cfg();
	if (!cfg)
		kunit_skip(test, "no configuration");
	whole = *cfg;
	whole.dyn_start_levels = 0;
	levels = kpt_conc_levels(cfg, kpt_ref_levels(&whole) - 1);
	if (!levels)
		kunit_skip(test, "%s: a single level, no table to share",
			   cfg->name);

	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cc);
	ret = kunit_add_action_or_reset(test, kpt_conc_release, cc);
	KUNIT_ASSERT_EQ(test, ret, 0);
	cc->cfg = whole;
	if (mode->dynamic)
		cc->cfg.dyn_start_levels = 1;
	if (mode->incoherent)
		cc->cfg.features = kpt_incoherent_features(cc->cfg.features);
	cc->mode = mode;
	cc->levels = levels;
	cc->can_cut = !kpt_cut_has_contig(&cc->cfg) ||
		      kpt_ref_size_change(&cc->cfg);
	cc->seed = KPT_CONC_SEED;
	/* The others start while the lead's pushes or change_top() wait */
	cc->start_min_us = mode->grow ? KPT_CONC_TOP_US / 8 :
					KPT_CONC_PUSH_US / 4;
	cc->start_max_us = mode->grow ? KPT_CONC_TOP_US : 3 * KPT_CONC_PUSH_US;
	if (mode->grow && mode->incoherent)
		cc->start_max_us += 2 * KPT_CONC_PUSH_US;
	atomic_set(&cc->stop, 0);
	atomic_set(&cc->slow_pending, 0);
	atomic_set(&cc->top_changing, 0);
	atomic_set(&cc->dma_calls, 0);
	spin_lock_init(&cc->lock);

	/* What kpt_ctx_alloc() does, in a context the hooks can find */
	cc->ctx.test = test;
	cc->ctx.cfg = &cc->cfg;
	spin_lock_init(&cc->ctx.top_lock);
	spin_lock_init(&cc->ctx.sync_lock);
	cc->ctx.drv_ops.change_top = kpt_conc_change_top;
	cc->ctx.drv_ops.get_top_lock = kpt_conc_get_top_lock;
	cc->ctx.hooks.dma_map = kpt_conc_dma_map;
	cc->ctx.hooks.dma_sync = kpt_conc_dma_sync;
	cc->ctx.hooks.dma_unmap = kpt_conc_dma_unmap;
	cc->ctx.table.iommu.test = &cc->ctx.hooks;
	/* Maps that replace emptied tables flush and free them meanwhile */
	cc->ctx.table.iommu.domain.ops = &kpt_domain_ops;

	for (i = 0; i != ARRAY_SIZE(cc->t); i++) {
		struct kpt_conc_thread *t = &cc->t[i];

		t->cc = cc;
		t->id = i;
		t->seed = KPT_CONC_SEED + 1 + i;
		init_completion(&t->go);
		init_completion(&t->done);
	}
	for (i = 0; i != KPT_CONC_THREADS; i++) {
		struct task_struct *task;

		task = kthread_run(kpt_conc_thread_fn, &cc->t[i],
				   "kpt-conc-%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			kunit_release_action(test, kpt_conc_release, cc);
			return;
		}
		cc->t[i].task = task;
	}

	if (mode->grow)
		kpt_conc_run_grow(cc, jiffies + KPT_CONC_MAX_SECS * HZ);
	else
		kpt_conc_run_fixed(cc, jiffies + KPT_CONC_MAX_SECS * HZ);
	kpt_conc_stop(cc);
	kpt_conc_report(test, cc);
	kunit_release_action(test, kpt_conc_release, cc);
}

/* The control: a coherent walker sees every store at once */
static void kpt_conc_test_coherent(struct kunit *test)
{
	static const struct kpt_conc_mode mode = {};

	kpt_conc_run(test, &mode);
}

static void kpt_conc_test_incoherent(struct kunit *test)
{
	static const struct kpt_conc_mode mode = { .incoherent = true };

	kpt_conc_run(test, &mode);
}

/* The control: the maps of the dynamic top cases, every level built */
static void kpt_conc_test_fixed_top(struct kunit *test)
{
	static const struct kpt_conc_mode mode = { .grow = true };

	kpt_conc_run(test, &mode);
}

static void kpt_conc_test_dynamic_top(struct kunit *test)
{
	static const struct kpt_conc_mode mode = {
		.dynamic = true,
		.grow = true,
	};

	kpt_conc_run(test, &mode);
}

static void kpt_conc_test_dynamic_incoherent(struct kunit *test)
{
	static const struct kpt_conc_mode mode = {
		.incoherent = true,
		.dynamic = true,
		.grow = true,
	};

	kpt_conc_run(test, &mode);
}

static struct kunit_case kpt_conc_cases[] = {
	KUNIT_CASE_SLOW(kpt_conc_test_coherent),
	KUNIT_CASE_SLOW(kpt_conc_test_incoherent),
	KUNIT_CASE_SLOW(kpt_conc_test_fixed_top),
	KUNIT_CASE_SLOW(kpt_conc_test_dynamic_top),
	KUNIT_CASE_SLOW(kpt_conc_test_dynamic_incoherent),
	{}
};

static struct kunit_suite kpt_conc_suite = {
	.name = KPT_SUITE_NAME("concurrent"),
	.init = kpt_iommu_init,
	.test_cases = kpt_conc_cases,
};

#endif

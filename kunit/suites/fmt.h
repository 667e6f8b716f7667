/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT KUnit: format level suite, templated per format.
 *
 * Drives the format header's inline hooks directly on a private table
 * buffer and checks every raw word they write, and every value they decode,
 * against the reference personality of the format (see kunit/common.h).
 */
#ifndef __GENERIC_PT_KUNIT_FMT_H
#define __GENERIC_PT_KUNIT_FMT_H

/*
 * Output address sizes the format suite is run with; a personality whose
 * format has no PT_MAX_OUTPUT_ADDRESS_LG2, or several layouts of the output
 * address, provides its own kpt_fmt_oaszs[].
 */
#ifndef kpt_fmt_oaszs
static const u8 kpt_fmt_oaszs[] = { PT_MAX_OUTPUT_ADDRESS_LG2, 40, 32 };
#endif

/*
 * Whether a configuration can have an output size of kpt_fmt_oaszs[]; a
 * personality whose wider output addresses need a feature (MediaTek's on
 * ARMv7s) provides its own kpt_ref_oasz_ok().
 */
#ifndef kpt_ref_oasz_ok
static bool kpt_ref_oasz_ok(const struct kpt_cfg *cfg, unsigned int oasz_lg2)
{
	return true;
}
#endif

/*
 * log2 of the bytes of a table of @level. A personality whose format has
 * only the top table at a level, larger than the others (ARMv7s' level 1),
 * provides its own kpt_ref_table_mem_lg2().
 */
#ifndef kpt_ref_table_mem_lg2
static unsigned int kpt_ref_table_mem_lg2(unsigned int level)
{
	return PT_TABLEMEM_LG2SZ;
}
#endif

/*
 * The level the suite says its table's top is at. A format whose top table
 * differs from the others (fewer items, concatenated tables) sets it above
 * KPT_REF_MAX_LEVEL, so that every level tested is an ordinary table; its
 * personality tests the top itself.
 */
#ifndef KPT_FMT_TOP_LEVEL
#define KPT_FMT_TOP_LEVEL KPT_REF_MAX_LEVEL
#endif

/* Formats without the engine's software bits in table entries */
#ifndef KPT_REF_TABLE_FULL_BIT
#define KPT_REF_TABLE_FULL_BIT 0
#endif
#ifndef KPT_REF_TABLE_SYNC_BIT
#define KPT_REF_TABLE_SYNC_BIT 0
#endif

/*
 * What the reference encodes and decodes from now on: a personality whose
 * format has features or test settings that change the encoding (for
 * instance the memory encryption mask) defines kpt_ref_select() to note
 * them; the suites call it for the configuration of every table they make
 * and walk.
 */
#ifndef kpt_ref_select
static inline void kpt_ref_select_none(const struct kpt_cfg *cfg)
{
}

#define kpt_ref_select kpt_ref_select_none
#endif

struct kpt_fmt {
	struct kunit *test;
	/* The configuration, with the OA size being tested */
	struct kpt_cfg cfg;
	/* Only the common part is used, but formats may look at the hooks */
	struct pt_iommu iommu;
	struct pt_iommu_test_hooks hooks;
	struct pt_range range;
	struct pt_state pts;
	void *buf;
	unsigned int buf_items;
};

static unsigned int kpt_fmt_max_items(void)
{
	unsigned int level, items = 0;

	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++)
		items = max(items, 1U << kpt_ref_items_lg2(level));
	return items;
}

/*
 * The format hooks only read the format's features from the table, so the
 * suite runs once per distinct feature set of kpt_cfgs[]: true if an earlier
 * configuration had the same.
 */
static bool kpt_fmt_cfg_seen(unsigned int i)
{
	unsigned int j;

	for (j = 0; j != i; j++)
		if (kpt_cfgs[j].features == kpt_cfgs[i].features)
			return true;
	return false;
}

static void kpt_fmt_set_oasz(struct kpt_fmt *fmt, unsigned int oasz_lg2)
{
	fmt->cfg.oasz_lg2 = oasz_lg2;
	fmt->iommu.common.max_oasz_lg2 = oasz_lg2;
}

static int kpt_fmt_setup(struct kunit *test, struct kpt_fmt *fmt,
			 const struct kpt_cfg *cfg, unsigned int oasz_lg2)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->test = test;
	fmt->cfg = *cfg;
	/* First: the reference's geometry may depend on it (ARMv7s' IOVA) */
	kpt_ref_select(cfg);
	fmt->buf_items = kpt_fmt_max_items();
	fmt->buf = kcalloc(fmt->buf_items, KPT_REF_WORD_SIZE, GFP_KERNEL);
	if (!fmt->buf)
		return -ENOMEM;
	fmt->iommu.common.max_vasz_lg2 = cfg->vasz_lg2;
	fmt->iommu.common.features = cfg->features;
	fmt->iommu.test = &fmt->hooks;
	fmt->hooks.sme_mask = cfg->sme_mask;
	kpt_fmt_set_oasz(fmt, oasz_lg2);
	fmt->range.common = &fmt->iommu.common;
	fmt->range.top_level = KPT_FMT_TOP_LEVEL;
	fmt->pts.range = &fmt->range;
	fmt->pts.table = fmt->buf;
	return 0;
}

/*
 * Output addresses of a configuration with a memory encryption mask stay
 * below it: true if addresses of @oasz_lg2 bits can be tested with @cfg.
 */
static bool kpt_fmt_oasz_ok(const struct kpt_cfg *cfg, unsigned int oasz_lg2)
{
	if (!kpt_ref_oasz_ok(cfg, oasz_lg2))
		return false;
	return !cfg->sme_mask ||
	       oasz_lg2 < fls64(cfg->sme_mask & -cfg->sme_mask);
}

static void kpt_fmt_at(struct kpt_fmt *fmt, unsigned int level,
		       unsigned int index)
{
	fmt->pts.level = level;
	fmt->pts.index = index;
	fmt->pts.entry = 0;
}

/*
 * Check the whole buffer: items [start, start + n) hold @word, every other
 * item is zero. Reports the first difference only.
 */
static bool kpt_fmt_check_words(struct kpt_fmt *fmt, unsigned int nitems,
				unsigned int start, unsigned int n, u64 word,
				const char *what)
{
	unsigned int i;

	for (i = 0; i != nitems; i++) {
		u64 expect = (i >= start && i < start + n) ? word : 0;
		u64 got = kpt_word(fmt->buf, i);

		if (got != expect) {
			KUNIT_FAIL(fmt->test,
				   "%s: level %u item %u is %016llx, the spec says %016llx",
				   what, fmt->pts.level, i, got, expect);
			return false;
		}
	}
	return true;
}

/*
 * The word of item @item of a leaf of 2^size_lg2 at @oa. Formats that
 * replicate one word over the items of a contiguous leaf need nothing; a
 * personality whose format gives each item its own address provides
 * kpt_ref_leaf_item_word().
 */
#ifndef kpt_ref_leaf_item_word
static u64 kpt_ref_leaf_item_word(unsigned int level, u64 oa,
				  unsigned int size_lg2, unsigned int prot,
				  unsigned int item)
{
	return kpt_ref_leaf_word(level, oa, size_lg2, prot);
}
#endif

/*
 * Check the whole buffer: the leaf of @n items at @start holds the words of
 * kpt_ref_leaf_item_word(), every other item is zero. Reports the first
 * difference only.
 */
static bool kpt_fmt_check_leaf(struct kpt_fmt *fmt, unsigned int nitems,
			       unsigned int start, unsigned int n, u64 oa,
			       unsigned int size_lg2, unsigned int prot)
{
	unsigned int level = fmt->pts.level;
	unsigned int i;

	for (i = 0; i != nitems; i++) {
		u64 expect = 0;
		u64 got = kpt_word(fmt->buf, i);

		if (i >= start && i < start + n)
			expect = kpt_ref_leaf_item_word(level, oa, size_lg2,
							prot, i - start);
		if (got != expect) {
			KUNIT_FAIL(fmt->test,
				   "leaf: level %u item %u is %016llx, the spec says %016llx",
				   level, i, got, expect);
			return false;
		}
	}
	return true;
}

/* The geometry hooks against the reference, for one feature set */
static void kpt_fmt_geometry(struct kunit *test, const struct kpt_cfg *cfg)
{
	struct kpt_fmt fmt;
	unsigned int level, i;
	u64 sizes;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, 52), 0);
	KUNIT_EXPECT_EQ(test, PT_MAX_TOP_LEVEL, KPT_REF_MAX_LEVEL);
	KUNIT_EXPECT_EQ(test, PT_GRANULE_LG2SZ, kpt_ref_item_lg2(0));
	/*
	 * The engine's software bits in table entries are those the
	 * reference confirmed the walker ignores, and two different ones
	 */
	KUNIT_EXPECT_EQ(test, (u64)PT_TABLE_FULL_BIT,
			(u64)KPT_REF_TABLE_FULL_BIT);
	KUNIT_EXPECT_EQ(test, (u64)PT_TABLE_SYNC_BIT,
			(u64)KPT_REF_TABLE_SYNC_BIT);
	if (PT_TABLE_SYNC_BIT)
		KUNIT_EXPECT_NE(test, (u64)PT_TABLE_SYNC_BIT,
				(u64)PT_TABLE_FULL_BIT);

	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
		kpt_fmt_at(&fmt, level, 0);
		KUNIT_EXPECT_EQ_MSG(test, pt_table_item_lg2sz(&fmt.pts),
				    kpt_ref_item_lg2(level), "level %u",
				    level);
		KUNIT_EXPECT_EQ_MSG(test, pt_num_items_lg2(&fmt.pts),
				    kpt_ref_items_lg2(level), "level %u",
				    level);
		KUNIT_EXPECT_EQ_MSG(test, 1U << pt_num_items_lg2(&fmt.pts),
				    1U << (kpt_ref_table_mem_lg2(level) -
					   ilog2(KPT_REF_WORD_SIZE)),
				    "level %u: table memory", level);
		for (i = 0; i != ARRAY_SIZE(kpt_fmt_oaszs); i++) {
			unsigned int oasz_lg2 = kpt_fmt_oaszs[i];

			kpt_fmt_set_oasz(&fmt, oasz_lg2);
			sizes = kpt_ref_level_sizes(&fmt.cfg, level);
			KUNIT_EXPECT_EQ_MSG(test, pt_possible_sizes(&fmt.pts),
					    sizes, "%s: level %u oasz %u",
					    cfg->name, level, oasz_lg2);
		}
	}
	kfree(fmt.buf);
}

static void kpt_fmt_test_geometry(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!kpt_fmt_cfg_seen(i))
			kpt_fmt_geometry(test, &kpt_cfgs[i]);
}

/*
 * IOMMU prot flags to leaf bits, for one feature set; flags the format does
 * not keep are ignored
 */
static void kpt_fmt_prot(struct kunit *test, const struct kpt_cfg *cfg)
{
	static const unsigned int flags[] = {
		IOMMU_READ, IOMMU_WRITE, IOMMU_CACHE,
		IOMMU_NOEXEC, IOMMU_MMIO, IOMMU_PRIV,
	};
	struct pt_write_attrs attrs;
	struct kpt_fmt fmt;
	unsigned int mask, i;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, cfg->oasz_lg2),
			0);
	for (mask = 0; mask != 1U << ARRAY_SIZE(flags); mask++) {
		unsigned int prot = 0;
		int ret;

		for (i = 0; i != ARRAY_SIZE(flags); i++)
			if (mask & BIT(i))
				prot |= flags[i];
		memset(&attrs, 0, sizeof(attrs));
		ret = pt_iommu_set_prot(&fmt.iommu.common, &attrs, prot);
		KUNIT_EXPECT_EQ_MSG(test, ret, kpt_ref_prot_err(prot),
				    "%s: prot %x", cfg->name, prot);
		if (ret || kpt_ref_prot_err(prot))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, attrs.descriptor_bits,
				    kpt_ref_prot_bits(prot & KPT_REF_PROT_MASK),
				    "%s: prot %x", cfg->name, prot);
	}
	kfree(fmt.buf);
}

static void kpt_fmt_test_prot(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!kpt_fmt_cfg_seen(i))
			kpt_fmt_prot(test, &kpt_cfgs[i]);
}

/* One leaf of 2^size_lg2 at @index: the words, then every way to read it */
static void kpt_fmt_one_leaf(struct kpt_fmt *fmt, unsigned int level,
			     unsigned int index, u64 oa,
			     unsigned int size_lg2, unsigned int prot)
{
	struct kunit *test = fmt->test;
	unsigned int isz_lg2 = kpt_ref_item_lg2(level);
	unsigned int nitems = 1U << (size_lg2 - isz_lg2);
	unsigned int items = 1U << kpt_ref_items_lg2(level);
	struct pt_write_attrs attrs = {}, read_attrs = {};
	struct pt_word_test word_test;
	struct kpt_ref_entry ent;
	unsigned int i;

	memset(fmt->buf, 0, fmt->buf_items * KPT_REF_WORD_SIZE);
	KUNIT_ASSERT_EQ(test, pt_iommu_set_prot(&fmt->iommu.common, &attrs, prot),
			0);
	kpt_fmt_at(fmt, level, index);
	KUNIT_EXPECT_EQ(test, pt_load_entry_raw(&fmt->pts), PT_ENTRY_EMPTY);
	pt_install_leaf_entry(&fmt->pts, oa, size_lg2, &attrs);
	if (!kpt_fmt_check_leaf(fmt, items, index, nitems, oa, size_lg2,
				prot))
		kunit_info(test, "leaf oa %llx size_lg2 %u prot %x", oa,
			   size_lg2, prot);

	kpt_ref_decode(fmt->buf, level, index, &ent);
	KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_LEAF, "%s",
			    ent.why ? ent.why : "");
	KUNIT_EXPECT_EQ(test, ent.oa, oa);
	KUNIT_EXPECT_EQ(test, ent.size_lg2, size_lg2);

	/*
	 * The plain leaf test passes the readable leaves of one item the
	 * format writes (unmap's fast path takes them) and no item of a
	 * contiguous run (unmap must not split one)
	 */
	word_test = pt_plain_leaf_test(&fmt->pts);
	for (i = index; word_test.mask && i != index + nitems; i++) {
		bool passes = (kpt_word(fmt->buf, i) & word_test.mask) ==
			      word_test.value;

		if (nitems > 1)
			KUNIT_EXPECT_FALSE_MSG(test, passes,
					       "level %u item %u of a run",
					       level, i);
		else if (prot & IOMMU_READ)
			KUNIT_EXPECT_TRUE_MSG(test, passes,
					      "level %u item %u prot %x",
					      level, i, prot);
	}
	KUNIT_EXPECT_EQ(test, ent.nitems, nitems);
	KUNIT_EXPECT_EQ(test, ent.prot, kpt_ref_prot_norm(prot));

	/* The engine reads the same leaf from any of its items */
	for (i = index; i != index + nitems; i++) {
		kpt_fmt_at(fmt, level, i);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt->pts),
				    PT_ENTRY_OA, "level %u item %u", level, i);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa(&fmt->pts), oa,
				    "level %u item %u", level, i);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_oa_lg2sz(&fmt->pts),
				    size_lg2, "level %u item %u", level, i);
		KUNIT_EXPECT_EQ_MSG(test, pt_entry_num_contig_lg2(&fmt->pts),
				    size_lg2 - isz_lg2, "level %u item %u",
				    level, i);
		pt_attr_from_entry(&fmt->pts, &read_attrs);
		KUNIT_EXPECT_EQ_MSG(test, read_attrs.descriptor_bits,
				    attrs.descriptor_bits, "level %u item %u",
				    level, i);
	}

	/*
	 * Bits the IOMMU sets (accessed, dirty) change nothing the engine
	 * decodes; of them only those that must survive a re-write of the
	 * entry (dirty) are attributes.
	 */
	for (i = index; i != index + nitems; i++)
		((kpt_le_word *)fmt->buf)[i] =
			kpt_cpu_to_le(kpt_ref_leaf_item_word(level, oa,
							     size_lg2, prot,
							     i - index) |
				      KPT_REF_HW_LEAF_BITS);
	for (i = index; i != index + nitems; i++) {
		kpt_fmt_at(fmt, level, i);
		KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt->pts),
				    PT_ENTRY_OA, "level %u item %u", level, i);
		KUNIT_EXPECT_EQ(test, pt_entry_oa(&fmt->pts), oa);
		KUNIT_EXPECT_EQ(test, pt_entry_oa_lg2sz(&fmt->pts), size_lg2);
		pt_attr_from_entry(&fmt->pts, &read_attrs);
		KUNIT_EXPECT_EQ(test, read_attrs.descriptor_bits,
				attrs.descriptor_bits | KPT_REF_HW_KEPT_BITS);
	}

	/* Clearing the leaf clears every item it spans and nothing else */
	kpt_fmt_at(fmt, level, index);
	pt_load_entry_raw(&fmt->pts);
	pt_clear_entries(&fmt->pts, size_lg2 - isz_lg2);
	kpt_fmt_check_words(fmt, items, 0, 0, 0, "cleared leaf");
}

/*
 * A leaf of 2^size_lg2 at the first, a middle and the last place of a table,
 * at the highest, a patterned and the lowest output address.
 */
static void kpt_fmt_leaf_size(struct kpt_fmt *fmt, unsigned int level,
			      unsigned int size_lg2, unsigned int *n)
{
	unsigned int oasz_lg2 = fmt->iommu.common.max_oasz_lg2;
	unsigned int nitems = 1U << (size_lg2 - kpt_ref_item_lg2(level));
	unsigned int items = 1U << kpt_ref_items_lg2(level);
	unsigned int idx[] = { 0, (items / 2) & ~(nitems - 1), items - nitems };
	u64 mask = kpt_max(oasz_lg2) & ~kpt_max(size_lg2);
	u64 oas[] = { mask, 0x000a5a5a5a5a5a5aULL & mask, 0 };
	unsigned int i, j, prot;

	for (i = 0; i != ARRAY_SIZE(oas); i++) {
		for (j = 0; j != ARRAY_SIZE(idx); j++, (*n)++) {
			prot = kpt_fmt_prots[*n % ARRAY_SIZE(kpt_fmt_prots)];
			kpt_fmt_one_leaf(fmt, level, idx[j], oas[i], size_lg2,
					 prot);
		}
	}
}

/* Every leaf size of every level round-trips through the format hooks */
static void kpt_fmt_leaf(struct kunit *test, const struct kpt_cfg *cfg)
{
	unsigned int oi, level, size_lg2, n = 0;
	struct kpt_fmt fmt;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, 52), 0);
	for (oi = 0; oi != ARRAY_SIZE(kpt_fmt_oaszs); oi++) {
		unsigned int oasz_lg2 = kpt_fmt_oaszs[oi];

		if (!kpt_fmt_oasz_ok(cfg, oasz_lg2))
			continue;
		kpt_fmt_set_oasz(&fmt, oasz_lg2);
		for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
			u64 sizes = kpt_ref_level_sizes(&fmt.cfg, level);

			kpt_fmt_at(&fmt, level, 0);
			KUNIT_EXPECT_EQ(test, pt_possible_sizes(&fmt.pts),
					sizes);
			for (size_lg2 = 0; size_lg2 != 64; size_lg2++)
				if (sizes & BIT_ULL(size_lg2))
					kpt_fmt_leaf_size(&fmt, level, size_lg2,
							  &n);
		}
	}
	kfree(fmt.buf);
}

static void kpt_fmt_test_leaf(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!kpt_fmt_cfg_seen(i))
			kpt_fmt_leaf(test, &kpt_cfgs[i]);
}

/* One table entry at @index of a table of @level */
static void kpt_fmt_one_table(struct kpt_fmt *fmt, unsigned int level,
			      unsigned int index, u64 pa,
			      const struct pt_write_attrs *attrs)
{
	struct kunit *test = fmt->test;
	unsigned int items = 1U << kpt_ref_items_lg2(level);
	u64 word = kpt_ref_table_word(level, pa);
	struct kpt_ref_entry ent;

	memset(fmt->buf, 0, fmt->buf_items * KPT_REF_WORD_SIZE);
	kpt_fmt_at(fmt, level, index);
	KUNIT_EXPECT_EQ(test, pt_load_entry_raw(&fmt->pts), PT_ENTRY_EMPTY);
	KUNIT_EXPECT_TRUE(test, pt_install_table(&fmt->pts, pa, attrs));
	kpt_fmt_check_words(fmt, items, index, 1, word, "table entry");

	kpt_ref_decode(fmt->buf, level, index, &ent);
	KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_TABLE, "%s",
			    ent.why ? ent.why : "");
	KUNIT_EXPECT_EQ(test, ent.oa, pa);

	kpt_fmt_at(fmt, level, index);
	KUNIT_EXPECT_EQ(test, pt_load_entry_raw(&fmt->pts), PT_ENTRY_TABLE);
	KUNIT_EXPECT_EQ(test, pt_table_pa(&fmt->pts), pa);

	/*
	 * The engine's software bits change nothing the format decodes, and
	 * the reference reports them
	 */
	((kpt_le_word *)fmt->buf)[index] =
		kpt_cpu_to_le(word | KPT_REF_TABLE_FULL_BIT |
			    KPT_REF_TABLE_SYNC_BIT);
	kpt_fmt_at(fmt, level, index);
	KUNIT_EXPECT_EQ(test, pt_load_entry_raw(&fmt->pts), PT_ENTRY_TABLE);
	KUNIT_EXPECT_EQ(test, pt_table_pa(&fmt->pts), pa);
	kpt_ref_decode(fmt->buf, level, index, &ent);
	KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_TABLE, "%s",
			    ent.why ? ent.why : "");
	KUNIT_EXPECT_EQ(test, ent.oa, pa);
	KUNIT_EXPECT_EQ(test, ent.full, !!KPT_REF_TABLE_FULL_BIT);
	KUNIT_EXPECT_EQ(test, ent.sync, !!KPT_REF_TABLE_SYNC_BIT);
	((kpt_le_word *)fmt->buf)[index] = kpt_cpu_to_le(word);

	/* A stale expected value loses the exchange */
	fmt->pts.entry = 0;
	KUNIT_EXPECT_FALSE(test, pt_install_table(&fmt->pts, 0x2000, attrs));
	kpt_fmt_check_words(fmt, items, index, 1, word, "lost exchange");

	kpt_fmt_at(fmt, level, index);
	pt_load_entry_raw(&fmt->pts);
	pt_clear_entries(&fmt->pts, 0);
	kpt_fmt_check_words(fmt, items, 0, 0, 0, "cleared table entry");
}

/*
 * Table addresses the table entries are tested with: the lowest, the highest
 * and a patterned one. A personality whose tables are larger or whose table
 * addresses are narrower provides its own kpt_ref_table_pas[].
 */
#ifndef kpt_ref_table_pas
static const u64 kpt_ref_table_pas[] = {
	0x1000, 0x000ffffffffff000ULL, 0x0000123456789000ULL,
};
#endif

/*
 * A table entry at every level that can point to a lower table. The leaf
 * attributes of every prot the format is tested with must not leak into it.
 */
static void kpt_fmt_table(struct kunit *test, const struct kpt_cfg *cfg)
{
	struct pt_write_attrs attrs = { .gfp = GFP_KERNEL };
	unsigned int level, i, j, p;
	struct kpt_fmt fmt;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, 52), 0);
	for (p = 0; p != ARRAY_SIZE(kpt_fmt_prots); p++) {
		KUNIT_ASSERT_EQ(test,
				pt_iommu_set_prot(&fmt.iommu.common, &attrs,
						  kpt_fmt_prots[p]),
				0);
		for (level = 1; level <= KPT_REF_MAX_LEVEL; level++) {
			unsigned int items = 1U << kpt_ref_items_lg2(level);
			unsigned int idx[] = { 0, items - 1, items / 2 + 3 };

			for (i = 0; i != ARRAY_SIZE(kpt_ref_table_pas); i++) {
				u64 pa = kpt_ref_table_pas[i];

				if (!kpt_fmt_oasz_ok(cfg, fls64(pa)))
					continue;
				for (j = 0; j != ARRAY_SIZE(idx); j++)
					kpt_fmt_one_table(&fmt, level, idx[j],
							  pa, &attrs);
			}
		}
	}
	kfree(fmt.buf);
}

static void kpt_fmt_test_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!kpt_fmt_cfg_seen(i))
			kpt_fmt_table(test, &kpt_cfgs[i]);
}

/* The union of the reference's leaf sizes, inside the lowest IOVA span */
static u64 kpt_fmt_ref_pgsizes(const struct kpt_cfg *cfg)
{
	struct kpt_span spans[KPT_MAX_SPANS];
	unsigned int level;
	u64 sizes = 0;

	kpt_ref_spans(cfg, spans);
	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++)
		sizes |= kpt_ref_level_sizes(cfg, level);
	return sizes & kpt_max(spans[0].lg2) & ULONG_MAX;
}

static void kpt_fmt_change_top(struct pt_iommu *iommu_table,
			       phys_addr_t top_paddr, unsigned int top_level)
{
}

static DEFINE_SPINLOCK(kpt_fmt_top_lock);

static spinlock_t *kpt_fmt_get_top_lock(struct pt_iommu *iommu_table)
{
	return &kpt_fmt_top_lock;
}

/* The page size bitmap init gives a table of @cfg; 0 if init fails */
static u64 kpt_fmt_init_pgsizes(struct kunit *test, const struct kpt_cfg *cfg)
{
	static const struct pt_iommu_driver_ops ops = {
		.change_top = kpt_fmt_change_top,
		.get_top_lock = kpt_fmt_get_top_lock,
	};
	struct pt_iommu_test_hooks *hooks;
	struct KPT_TABLE *table;
	u64 sizes = 0;
	int ret;

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	hooks = kzalloc(sizeof(*hooks), GFP_KERNEL);
	if (table && hooks) {
		hooks->sme_mask = cfg->sme_mask;
		table->iommu.test = hooks;
		ret = kpt_fmt_init(table, cfg, &ops);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: init", cfg->name);
		if (!ret)
			sizes = table->iommu.domain.pgsize_bitmap;
		KPT_OP(deinit)(&table->iommu);
	}
	kfree(hooks);
	kfree(table);
	return sizes;
}

/*
 * The size hooks of a configuration with one OA size, at every level, with
 * the table's top above it and at it: a level can hold a leaf exactly when
 * it has a leaf size, and those are the reference's.
 */
static void kpt_fmt_sizes_oasz(struct kunit *test, const struct kpt_cfg *cfg,
			       unsigned int oasz_lg2)
{
	unsigned int level, t;
	struct kpt_fmt fmt;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, oasz_lg2), 0);
	for (level = 0; level <= PT_MAX_TOP_LEVEL; level++) {
		for (t = 0; t != 2; t++) {
			u64 sizes;

			fmt.range.top_level = t ? level : KPT_FMT_TOP_LEVEL;
			kpt_fmt_at(&fmt, level, 0);
			sizes = pt_possible_sizes(&fmt.pts);
			KUNIT_EXPECT_EQ_MSG(test, pt_can_have_leaf(&fmt.pts),
					    sizes != 0,
					    "%s: oasz %u level %u (top %u): pt_can_have_leaf() and pt_possible_sizes() %llx disagree",
					    cfg->name, oasz_lg2, level,
					    fmt.range.top_level, sizes);
			KUNIT_EXPECT_EQ_MSG(test, sizes,
					    kpt_ref_level_sizes(&fmt.cfg, level),
					    "%s: oasz %u level %u", cfg->name,
					    oasz_lg2, level);
		}
	}
	kfree(fmt.buf);
}

/*
 * Every configuration: the size hooks agree with each other and with the
 * reference at every level, and the page size bitmap of a table is the
 * union of the reference's sizes within the IOVA span.
 */
static void kpt_fmt_test_sizes(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_cfgs[i];

		kpt_fmt_sizes_oasz(test, cfg, cfg->oasz_lg2);
		for (j = 0; j != ARRAY_SIZE(kpt_fmt_oaszs); j++)
			kpt_fmt_sizes_oasz(test, cfg, kpt_fmt_oaszs[j]);
		KUNIT_EXPECT_EQ_MSG(test, kpt_fmt_init_pgsizes(test, cfg),
				    kpt_fmt_ref_pgsizes(cfg), "%s: pgsize_bitmap",
				    cfg->name);
	}
}

/*
 * The leaf sizes of the configurations Documentation/generic_pt.rst lists
 * in its table "Leaf sizes by level", as lines scripts/check_doc_sizes.py
 * compares with the table:
 *
 *   generic-pt-sizes: <format> <configuration> <level> 0x<sizes>
 *   generic-pt-pgsize: <format> <configuration> 0x<pgsize_bitmap>
 *
 * Printed from the format's hooks after checking them against the
 * reference, so a stale table, a wrong hook or a wrong reference all fail.
 */
static void kpt_fmt_test_doc_sizes(struct kunit *test)
{
	unsigned int i, level;

	for (i = 0; i != ARRAY_SIZE(kpt_doc_cfgs); i++) {
		const struct kpt_cfg *cfg = &kpt_doc_cfgs[i];
		struct kpt_fmt fmt;
		u64 sizes;

		KUNIT_ASSERT_EQ(test,
				kpt_fmt_setup(test, &fmt, cfg, cfg->oasz_lg2),
				0);
		for (level = 0; level <= PT_MAX_TOP_LEVEL; level++) {
			kpt_fmt_at(&fmt, level, 0);
			sizes = pt_possible_sizes(&fmt.pts);
			KUNIT_EXPECT_EQ_MSG(test, sizes,
					    kpt_ref_level_sizes(cfg, level),
					    "%s: level %u", cfg->name, level);
			kunit_info(test, "generic-pt-sizes: %s %s %u 0x%llx",
				   __stringify(PT_FMT), cfg->name, level,
				   sizes);
		}
		kfree(fmt.buf);
		sizes = kpt_fmt_init_pgsizes(test, cfg);
		KUNIT_EXPECT_EQ_MSG(test, sizes, kpt_fmt_ref_pgsizes(cfg),
				    "%s: pgsize_bitmap", cfg->name);
		kunit_info(test, "generic-pt-pgsize: %s %s 0x%llx",
			   __stringify(PT_FMT), cfg->name, sizes);
	}
}

/*
 * Words that pass pt_plain_leaf_test() at a level, random ones and random
 * ones made to pass, are leaves of one item to the engine's classification
 * (what unmap's fast path stands in for) and to the reference, where the
 * reference finds them valid at all.
 */
static void kpt_fmt_plain_leaf(struct kunit *test, const struct kpt_cfg *cfg,
			       unsigned int *levels)
{
	struct pt_word_test word_test;
	unsigned int level, i, passed;
	struct kpt_ref_entry ent;
	u64 seed = 0x91e4f, word;
	struct kpt_fmt fmt;

	KUNIT_ASSERT_EQ(test, kpt_fmt_setup(test, &fmt, cfg, cfg->oasz_lg2),
			0);
	for (level = 0; level <= KPT_REF_MAX_LEVEL; level++) {
		kpt_fmt_at(&fmt, level, 0);
		word_test = pt_plain_leaf_test(&fmt.pts);
		if (!word_test.mask)
			continue;
		(*levels)++;
		for (i = 0, passed = 0; i != 4096; i++) {
			word = kpt_rand(&seed);
			if (i & 1)
				word = (word & ~word_test.mask) |
				       word_test.value;
			if (KPT_REF_WORD_SIZE == 4)
				word = (u32)word;
			if ((word & word_test.mask) != word_test.value)
				continue;
			passed++;
			((kpt_le_word *)fmt.buf)[1] = kpt_cpu_to_le(word);
			kpt_fmt_at(&fmt, level, 1);
			KUNIT_EXPECT_EQ_MSG(test, pt_load_entry_raw(&fmt.pts),
					    PT_ENTRY_OA, "%s: level %u %016llx",
					    cfg->name, level, word);
			KUNIT_EXPECT_EQ_MSG(test,
					    pt_entry_num_contig_lg2(&fmt.pts),
					    0, "%s: level %u %016llx",
					    cfg->name, level, word);
			kpt_ref_decode(fmt.buf, level, 1, &ent);
			if (ent.type == KPT_REF_BAD)
				continue;
			KUNIT_EXPECT_EQ_MSG(test, ent.type, KPT_REF_LEAF,
					    "%s: level %u %016llx", cfg->name,
					    level, word);
			KUNIT_EXPECT_EQ_MSG(test, ent.nitems, 1,
					    "%s: level %u %016llx", cfg->name,
					    level, word);
		}
		KUNIT_EXPECT_GE(test, passed, 2048);
	}
	kfree(fmt.buf);
}

static void kpt_fmt_test_plain_leaf(struct kunit *test)
{
	unsigned int i, levels = 0;

	for (i = 0; i != ARRAY_SIZE(kpt_cfgs); i++)
		if (!kpt_fmt_cfg_seen(i))
			kpt_fmt_plain_leaf(test, &kpt_cfgs[i], &levels);
	if (!levels)
		kunit_skip(test, "the format has no plain leaf test");
}

static struct kunit_case kpt_fmt_cases[] = {
	KUNIT_CASE(kpt_fmt_test_geometry),
	KUNIT_CASE(kpt_fmt_test_prot),
	KUNIT_CASE(kpt_fmt_test_leaf),
	KUNIT_CASE(kpt_fmt_test_plain_leaf),
	KUNIT_CASE(kpt_fmt_test_table),
	KUNIT_CASE(kpt_fmt_test_sizes),
	KUNIT_CASE(kpt_fmt_test_doc_sizes),
	{}
};

static struct kunit_suite kpt_fmt_suite = {
	.name = KPT_SUITE_NAME("fmt"),
	.test_cases = kpt_fmt_cases,
};

#endif

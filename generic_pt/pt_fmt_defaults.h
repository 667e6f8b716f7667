/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The format hooks, and generic fallbacks for the optional ones.
 *
 * A format header (fmt/<name>.h) includes pt_defs.h and then provides, as
 * static inline functions or macros named exactly as below:
 *
 * Constants (required):
 *   PT_MAX_TOP_LEVEL     highest level a top table may have
 *   PT_GRANULE_LG2SZ     log2 of the smallest page
 *   PT_TABLEMEM_LG2SZ    log2 of the bytes of a (non-top) table
 *
 * Constants (optional, before the format includes pt_defs.h):
 *   PT_ITEM_WORD_SIZE    bytes of one table item, 8 (the default) or 4
 *   PT_SUPPORTED_FEATURES  bitmap of the enum pt_features a table of the
 *			  format can have: what its pt_iommu_fmt_init() accepts
 *			  and sets (default: all). pt_feature() of any other is
 *			  false at compile time; init refuses a table that
 *			  ends up with one (-EINVAL and a warning).
 *
 * Allocation (optional, default below):
 *   PT_TABLE_GFP         gfp flags added to every table allocation, for
 *			  walkers that reach only some memory (GFP_DMA32 for
 *			  32-bit table pointers)
 *
 * Decoding (required):
 *   enum pt_entry_type pt_load_entry_raw(struct pt_state *pts)
 *	read the word at pts->index into pts->entry and classify it
 *   pt_oaddr_t pt_entry_oa(const struct pt_state *pts)
 *	for a leaf: the output address of the first byte of the whole leaf
 *	(of the first item of a contiguous run)
 *   pt_oaddr_t pt_table_pa(const struct pt_state *pts)
 *	for a table entry: physical address of the lower table
 *   void pt_attr_from_entry(const struct pt_state *pts,
 *			     struct pt_write_attrs *attrs)
 *	the leaf attributes, in the form pt_install_leaf_entry() takes
 *
 * Decoding (optional, default below):
 *   struct pt_word_test pt_plain_leaf_test(const struct pt_state *pts)
 *	a test of a raw word that only a leaf of one item at pts->level
 *	passes: a word with (word & mask) == value is one that
 *	pt_load_entry_raw() classifies PT_ENTRY_OA with a
 *	pt_entry_num_contig_lg2() of 0. Words that fail it are classified
 *	as usual, so it may leave out rare leaves, but the leaves the format
 *	writes should pass it. Unmap clears runs of leaves eight words at a
 *	time with it. A mask of 0 (the default) is no test.
 *
 * Encoding (required):
 *   u64 pt_leaf_item_word(const struct pt_state *pts, pt_oaddr_t oa,
 *			   unsigned int oasz_lg2,
 *			   const struct pt_write_attrs *attrs, unsigned int i)
 *	the word of item i of a leaf of 2^oasz_lg2 bytes at output address
 *	oa (i > 0 only for contiguous runs); oasz_lg2 is one of
 *	pt_possible_sizes(). pt_install_leaf_entry() writes the items.
 *   bool pt_install_table(struct pt_state *pts, pt_oaddr_t table_pa,
 *			   const struct pt_write_attrs *attrs)
 *	replace pts->entry by a table entry with one compare-and-exchange;
 *	false if the entry changed meanwhile
 *   int pt_iommu_set_prot(struct pt_common *common,
 *			   struct pt_write_attrs *attrs, unsigned int prot)
 *	IOMMU_READ / IOMMU_WRITE / ... to descriptor bits
 *
 * Encoding (optional, default below):
 *   PT_LEAF_OA_LINEAR_LG2	the leaf words are linear in the output
 *	address inside every aligned 2^PT_LEAF_OA_LINEAR_LG2 block of output
 *	addresses: for items of one size at one level whose output addresses
 *	all lie in one such block, the word of the k-th is
 *	word(oa) + k * (word(oa + 2^isz) - word(oa)), and likewise item i of a
 *	contiguous run is item 0 plus i times (item 1 - item 0). 64 when that
 *	holds for every output address, 0 (the default) when it never does:
 *	every word is then computed through pt_leaf_item_word().
 *
 * Table hint (optional, default below):
 *   PT_TABLE_FULL_BIT	a bit of a table entry that the walker ignores and
 *	leaves to software, or 0 (the default) for none. The engine sets it
 *	on an entry when every IOVA of the entry's span is known to be mapped,
 *	and clears it before it unmaps anything below; an unmap that covers
 *	such an entry counts its span and frees the tables below without
 *	reading their leaves. pt_table_pa() and pt_load_entry_raw() must
 *	ignore it.
 *
 *   PT_TABLE_SYNC_BIT	a second such bit, or 0 (the default): set on a
 *	table entry once it has been pushed to an incoherent walker
 *	(PT_FEAT_DMA_INCOHERENT), so that a map passing through it knows the
 *	walker can follow it; without it every map pushes every entry it
 *	passes through on an incoherent table. pt_table_pa() and
 *	pt_load_entry_raw() must ignore it.
 *
 * Geometry (optional, defaults below):
 *   pt_table_item_lg2sz(pts)	log2 of the IOVA span of one item
 *   pt_num_items_lg2(pts)	log2 of the number of items of the table
 *   pt_can_have_leaf(pts)	whether this level may hold leaves
 *   pt_possible_sizes(pts)	bitmap of the log2 sizes a leaf may have here,
 *				contiguous sizes included
 *   pt_entry_num_contig_lg2(pts) log2 of the items the loaded leaf spans
 *   pt_clear_entries(pts, num_contig_lg2) make items empty
 *
 * Dirty tracking (optional, formats whose walker sets a dirty bit):
 *   bool pt_entry_write_is_dirty(const struct pt_state *pts)
 *	the loaded leaf item, pts->entry alone, has the walker's dirty state:
 *	a test of that word only, run on every leaf item of the range; the
 *	engine treats a contiguous run as dirty when any of its items is
 *   void pt_entry_make_write_clean(struct pt_state *pts)
 *	clear the dirty bit of every item of the loaded leaf (pts->entry is
 *	the word read at pts->index), atomically per item, storing only to
 *	items that are dirty (pt_table_update_bits_from())
 *	Both make the format provide pt_iommu_<fmt>_read_and_clear_dirty().
 *   bool pt_dirty_supported(const struct pt_common *common)
 *	optional, default true: the table keeps dirty state at all (a format
 *	feature may turn it on); read_and_clear_dirty refuses it otherwise
 *
 * Leaf attributes (optional, default below):
 *   void pt_attr_merge(const struct pt_common *common,
 *			struct pt_write_attrs *attrs,
 *			const struct pt_write_attrs *item)
 *	fold the attributes of another item of the same leaf into @attrs so
 *	that the state the walker set in any item (accessed, dirty) is kept;
 *	the default ORs them, for formats whose walker only sets bits
 */
#ifndef __GENERIC_PT_FMT_DEFAULTS_H
#define __GENERIC_PT_FMT_DEFAULTS_H

#ifndef pt_table_item_lg2sz
static __always_inline unsigned int
pt_table_item_lg2sz(const struct pt_state *pts)
{
	return PT_GRANULE_LG2SZ +
	       (PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE)) * pts->level;
}
#endif

#ifndef pt_num_items_lg2
static __always_inline unsigned int pt_num_items_lg2(const struct pt_state *pts)
{
	return PT_TABLEMEM_LG2SZ - ilog2(PT_ITEM_WORD_SIZE);
}
#endif

#ifndef pt_can_have_leaf
static __always_inline bool pt_can_have_leaf(const struct pt_state *pts)
{
	return true;
}
#endif

#ifndef pt_entry_num_contig_lg2
static __always_inline unsigned int
pt_entry_num_contig_lg2(const struct pt_state *pts)
{
	return 0;
}
#endif

#ifndef pt_possible_sizes
static __always_inline u64 pt_possible_sizes(const struct pt_state *pts)
{
	unsigned int isz_lg2 = pt_table_item_lg2sz(pts);

	if (!pt_can_have_leaf(pts) ||
	    isz_lg2 > pts->range->common->max_oasz_lg2)
		return 0;
	return BIT_ULL(isz_lg2);
}
#endif

#ifndef pt_attr_merge
static __always_inline void pt_attr_merge(const struct pt_common *common,
					  struct pt_write_attrs *attrs,
					  const struct pt_write_attrs *item)
{
	attrs->descriptor_bits |= item->descriptor_bits;
}
#endif

#ifndef pt_dirty_supported
static __always_inline bool pt_dirty_supported(const struct pt_common *common)
{
	return true;
}
#endif

#ifndef PT_TABLE_FULL_BIT
#define PT_TABLE_FULL_BIT 0ULL
#endif

#ifndef PT_TABLE_SYNC_BIT
#define PT_TABLE_SYNC_BIT 0ULL
#endif

#ifndef PT_LEAF_OA_LINEAR_LG2
#define PT_LEAF_OA_LINEAR_LG2 0
#endif

#ifndef PT_TABLE_GFP
#define PT_TABLE_GFP 0
#endif

#ifndef pt_plain_leaf_test
static __always_inline struct pt_word_test
pt_plain_leaf_test(const struct pt_state *pts)
{
	return (struct pt_word_test){};
}
#endif

/*
 * How many items of 2^isz_lg2 bytes from @oa (aligned to that) on have leaf
 * words that follow each other by a constant stride, see
 * PT_LEAF_OA_LINEAR_LG2; at least 1.
 */
static __always_inline u64
pt_leaf_linear_items(pt_oaddr_t oa, unsigned int isz_lg2)
{
	if (PT_LEAF_OA_LINEAR_LG2 == 0)
		return 1;
	if (PT_LEAF_OA_LINEAR_LG2 >= 64)
		return U64_MAX;
	return log2_div(log2_to_int(PT_LEAF_OA_LINEAR_LG2) -
				log2_mod(oa, PT_LEAF_OA_LINEAR_LG2),
			isz_lg2);
}

#ifndef pt_install_leaf_entry
/* Write a leaf of 2^oasz_lg2 bytes at pts->index, every item of a run */
static __always_inline void
pt_install_leaf_entry(struct pt_state *pts, pt_oaddr_t oa,
		      unsigned int oasz_lg2, const struct pt_write_attrs *attrs)
{
	unsigned int nitems = 1U << (oasz_lg2 - pt_table_item_lg2sz(pts));
	unsigned int i;

	if (pt_leaf_linear_items(oa, pt_table_item_lg2sz(pts)) >= nitems) {
		u64 word = pt_leaf_item_word(pts, oa, oasz_lg2, attrs, 0);
		u64 stride = pt_leaf_item_word(pts, oa, oasz_lg2, attrs, 1) -
			     word;

		pts->entry = word;
		for (i = 0; i != nitems; i++, word += stride)
			pt_table_write(pts->table, pts->index + i, word);
		return;
	}
	for (i = 0; i != nitems; i++)
		pt_table_write(pts->table, pts->index + i,
			       pt_leaf_item_word(pts, oa, oasz_lg2, attrs, i));
	pts->entry = pt_leaf_item_word(pts, oa, oasz_lg2, attrs, 0);
}
#endif

#ifndef pt_clear_entries
static __always_inline void pt_clear_entries(struct pt_state *pts,
					     unsigned int num_contig_lg2)
{
	struct pt_table_p *table = pts->table;
	unsigned long i = pts->index;
	unsigned long end = i + (1UL << num_contig_lg2);

	/* A run of 8 items or more: eight stores a step */
	if (num_contig_lg2 >= 3) {
		for (; i != end; i += 8)
			pt_table_clear8(table, i);
		return;
	}
	for (; i != end; i++)
		pt_table_write(table, i, 0);
}
#endif

#endif

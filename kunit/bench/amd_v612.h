/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The benchmark's other side for AMD v1 (kunit/bench/amd_v612.c): the 6.12
 * tree's AMD v1 io_pgtable, set up as its driver sets it up and wrapped in
 * a struct bench_side, and a table counter decoding its entries from the
 * specification (also used on ours).
 */
#ifndef __GENERIC_PT_KUNIT_BENCH_AMD_V612_H
#define __GENERIC_PT_KUNIT_BENCH_AMD_V612_H

#include "bench.h"

int bench_amd_v612_init(struct bench_side *side);
void bench_amd_v612_deinit(struct bench_side *side);
size_t bench_amd_v612_table_bytes(struct bench_side *side);
size_t bench_amd_count_tables(const u64 *table, unsigned int hw_level);
u64 bench_amd_v612_dirty(struct bench_side *side, bool set);

#endif

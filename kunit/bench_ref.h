/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference page tables of the benchmark: the kernel tree's own
 * io-pgtable-arm (ARM LPAE stage 1, 4K granule) and AMD v1 io_pgtable, each
 * set up as its driver sets it up and wrapped in a struct bench_side.
 */
#ifndef __GENERIC_PT_KUNIT_BENCH_REF_H
#define __GENERIC_PT_KUNIT_BENCH_REF_H

#include "bench.h"

int bench_amd_v612_init(struct bench_side *side);
void bench_amd_v612_deinit(struct bench_side *side);
size_t bench_amd_v612_table_bytes(struct bench_side *side);

#endif

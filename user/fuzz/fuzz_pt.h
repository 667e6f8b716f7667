/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic PT fuzzer: the entry point libFuzzer calls, and what the replay
 * driver reads back.
 */
#ifndef __GENERIC_PT_FUZZ_PT_H
#define __GENERIC_PT_FUZZ_PT_H

#include <linux/types.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
/* The configurations an input's first byte picks from (modulo the count) */
unsigned int fuzz_pt_configs(void);
const char *fuzz_pt_config_name(unsigned int i);

/* Operations run so far, by every thread */
unsigned long fuzz_pt_ops(void);

/*
 * What the fuzzer uses of the user-space build: the store hook of
 * generic_pt/pt_defs.h (whose other definitions need a format) and the
 * counters of user/lib.
 */
struct pt_table_p;
void pt_store_hook_set(void (*fn)(void *priv, struct pt_table_p *table,
				  unsigned int index),
		       void *priv);
unsigned long user_warn_count(void);
unsigned long user_pages_in_use(void);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The store hook of the test builds: a function run after every store into
 * table memory, so a test can check the translation after each one.
 */
#include <linux/export.h>
#include <linux/types.h>

#include "pt_defs.h"

struct pt_store_hook {
	pt_store_hook_fn fn;
	void *priv;
};

static struct pt_store_hook pt_store_hook;

/**
 * pt_store_hook_set() - Install or remove (@fn NULL) the store hook
 * @fn: Run after every store
 * @priv: Passed to @fn
 *
 * Context: only one test may use the hook at a time.
 */
void pt_store_hook_set(pt_store_hook_fn fn, void *priv)
{
	WRITE_ONCE(pt_store_hook.priv, priv);
	WRITE_ONCE(pt_store_hook.fn, fn);
}
EXPORT_SYMBOL_NS_GPL(pt_store_hook_set, GENERIC_PT_IOMMU);

/**
 * pt_store_hook_call() - Run the store hook, if any
 * @table: The table memory stored to
 * @index: The item stored
 */
void pt_store_hook_call(struct pt_table_p *table, unsigned int index)
{
	pt_store_hook_fn fn = READ_ONCE(pt_store_hook.fn);

	if (fn)
		fn(READ_ONCE(pt_store_hook.priv), table, index);
}
EXPORT_SYMBOL_NS_GPL(pt_store_hook_call, GENERIC_PT_IOMMU);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: __ffs() as the one instruction the kernel's arch bitops
 * use, instead of the C loop of tools/include.
 */
#ifndef _TOOLS_LINUX_ASM_GENERIC_BITOPS___FFS_H_
#define _TOOLS_LINUX_ASM_GENERIC_BITOPS___FFS_H_

/* Index of the lowest set bit; undefined for 0, as in the kernel */
static __always_inline unsigned int __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: __fls() as the one instruction the kernel's arch bitops
 * use, instead of the C loop of tools/include (which would also distort the
 * instruction counts of make bench-user).
 */
#ifndef _ASM_GENERIC_BITOPS___FLS_H_
#define _ASM_GENERIC_BITOPS___FLS_H_

/* Index of the highest set bit; undefined for 0, as in the kernel */
static __always_inline unsigned int generic___fls(unsigned long word)
{
	return 8 * sizeof(word) - 1 - __builtin_clzl(word);
}

#define __fls(word) generic___fls(word)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: fls() with the compiler's count-leading-zeros, instead
 * of the C loop of tools/include.
 */
#ifndef _ASM_GENERIC_BITOPS_FLS_H_
#define _ASM_GENERIC_BITOPS_FLS_H_

/* Highest set bit plus one, 0 for 0 */
static __always_inline int generic_fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

#define fls(x) generic_fls(x)

#endif

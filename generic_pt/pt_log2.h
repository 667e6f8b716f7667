/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integer arithmetic with powers of two given as their log2, on 64-bit
 * values (every VA and OA type of the engine is 64 bits wide). Every helper
 * accepts a log2 of 64 or more, which page tables with a full 64-bit address
 * space need: the "modulo" of such a size is the value itself and the
 * "division" is zero.
 */
#ifndef __GENERIC_PT_LOG2_H
#define __GENERIC_PT_LOG2_H

#include <linux/bitops.h>
#include <linux/types.h>

/* 2^a_lg2 - 1: all bits below a_lg2 set */
static __always_inline u64 log2_to_max_int_t(unsigned int a_lg2)
{
	return a_lg2 >= 64 ? U64_MAX : (1ULL << a_lg2) - 1;
}

/* 2^a_lg2; a_lg2 must be below 64 */
static __always_inline u64 log2_to_int_t(unsigned int a_lg2)
{
	return 1ULL << a_lg2;
}

/* a / 2^b_lg2 */
static __always_inline u64 log2_div_t(u64 a, unsigned int b_lg2)
{
	return b_lg2 >= 64 ? 0 : a >> b_lg2;
}

/* a / 2^c_lg2 == b / 2^c_lg2 */
static __always_inline bool log2_div_eq_t(u64 a, u64 b, unsigned int c_lg2)
{
	return log2_div_t(a ^ b, c_lg2) == 0;
}

/* a % 2^b_lg2 */
static __always_inline u64 log2_mod_t(u64 a, unsigned int b_lg2)
{
	return a & log2_to_max_int_t(b_lg2);
}

/* a with its bits below b_lg2 replaced by val */
static __always_inline u64 log2_set_mod_t(u64 a, u64 val, unsigned int b_lg2)
{
	return (a & ~log2_to_max_int_t(b_lg2)) | val;
}

/* a with its bits below b_lg2 all set */
static __always_inline u64 log2_set_mod_max_t(u64 a, unsigned int b_lg2)
{
	return a | log2_to_max_int_t(b_lg2);
}

/* log2 of the lowest set bit, 64 for zero */
static __always_inline unsigned int log2_ffs_t(u64 a)
{
	return a ? __ffs64(a) : 64;
}

/* log2 of the highest set bit plus one, 0 for zero */
static __always_inline unsigned int log2_fls_t(u64 a)
{
	return fls64(a);
}

/* log2 of the lowest clear bit, 64 when all are set */
static __always_inline unsigned int log2_ffz_t(u64 a)
{
	return log2_ffs_t(~a);
}

#endif

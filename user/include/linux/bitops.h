/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: tools/include's linux/bitops.h plus the helpers it
 * lacks (__ffs64, ror64, ...); ffs() is the C library's. The hweight and
 * find_*_bit functions tools' headers declare are in user/lib/compat.c.
 */
#ifndef __USER_LINUX_BITOPS_H
#define __USER_LINUX_BITOPS_H

#include_next <linux/bitops.h>

/* Index of the lowest set bit of a non-zero 64-bit word */
static __always_inline unsigned int __ffs64(u64 word)
{
	return __builtin_ctzll(word);
}

static inline u64 ror64(u64 word, unsigned int shift)
{
	return (word >> (shift & 63)) | (word << ((-shift) & 63));
}

static inline u64 rol64(u64 word, unsigned int shift)
{
	return (word << (shift & 63)) | (word >> ((-shift) & 63));
}

static inline u32 ror32(u32 word, unsigned int shift)
{
	return (word >> (shift & 31)) | (word << ((-shift) & 31));
}

static __always_inline __s32 sign_extend32(__u32 value, int index)
{
	__u8 shift = 31 - index;

	return (__s32)(value << shift) >> shift;
}

#endif

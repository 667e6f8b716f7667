/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: overflow checked arithmetic.
 *
 * Replaces tools/include's version, which insists on all operands having
 * one type; the kernel's (and these) accept mixed types and report whether
 * the mathematically exact result fits in *d.
 */
#ifndef __USER_LINUX_OVERFLOW_H
#define __USER_LINUX_OVERFLOW_H

#include <stdint.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/types.h>

#define is_signed_type(type) (((type)(-1)) < (type)1)
#define is_unsigned_type(type) (!is_signed_type(type))
#define __type_half_max(type) \
	((type)1 << (8 * sizeof(type) - 1 - is_signed_type(type)))
#define type_max(T) ((T)((__type_half_max(T) - 1) + __type_half_max(T)))
#define type_min(T) ((T)((T)-type_max(T) - (T)1))

static inline bool __must_check __must_check_overflow(bool overflow)
{
	return unlikely(overflow);
}

#define check_add_overflow(a, b, d) \
	__must_check_overflow(__builtin_add_overflow(a, b, d))
#define check_sub_overflow(a, b, d) \
	__must_check_overflow(__builtin_sub_overflow(a, b, d))
#define check_mul_overflow(a, b, d) \
	__must_check_overflow(__builtin_mul_overflow(a, b, d))

#define wrapping_add(type, a, b)                        \
	({                                              \
		type __val;                             \
		__builtin_add_overflow(a, b, &__val);   \
		__val;                                  \
	})
#define wrapping_sub(type, a, b)                        \
	({                                              \
		type __val;                             \
		__builtin_sub_overflow(a, b, &__val);   \
		__val;                                  \
	})

#define overflows_type(n, T)                                   \
	({                                                     \
		typeof(T) __overflow_v;                        \
		__builtin_add_overflow(n, 0, &__overflow_v);   \
	})

static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_add(size_t a, size_t b)
{
	size_t bytes;

	if (check_add_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

static inline size_t __must_check size_sub(size_t a, size_t b)
{
	size_t bytes;

	if (a == SIZE_MAX || b == SIZE_MAX ||
	    check_sub_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b) size_mul(a, b)
#define array3_size(a, b, c) size_mul(size_mul(a, b), c)
#define flex_array_size(p, member, count) \
	size_mul(count, sizeof(*(p)->member))
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) \
	struct_size((type *)NULL, member, count)

#endif

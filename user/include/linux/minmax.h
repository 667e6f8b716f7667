/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: min()/max() with the kernel's (6.12) signedness rule,
 * so that code that builds here also builds in the kernel: both operands
 * must be usable as the same signedness, where a signed expression the
 * compiler proves non-negative and an unsigned type narrower than int count
 * as both. tools/include only has a stricter same-type min().
 */
#ifndef __USER_LINUX_MINMAX_H
#define __USER_LINUX_MINMAX_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/const.h>
#include <linux/types.h>

#define __user_statically_true(x) (__builtin_constant_p(x) && (x))
#define __user_is_signed(ux) (((typeof(ux))-1) < (typeof(ux))1)
#define __user_is_nonneg(ux) __user_statically_true((long long)(ux) >= 0)
/* bit 0: fine for an unsigned comparison, bit 1: for a signed one */
#define __user_sign_use(ux)                           \
	(__user_is_signed(ux) ? 2 + __user_is_nonneg(ux) : \
				1 + 2 * (sizeof(ux) < 4))
#define __user_types_ok(ux, uy) (__user_sign_use(ux) & __user_sign_use(uy))

#define __user_cmp(lt, x, y) (((x) < (y)) == (lt) ? (x) : (y))

#define __user_careful_cmp(lt, name, x, y, ux, uy)                \
	({                                                        \
		__auto_type ux = (x);                             \
		__auto_type uy = (y);                             \
		BUILD_BUG_ON_MSG(!__user_types_ok(ux, uy),        \
				 name "(" #x ", " #y               \
				 ") signedness error");            \
		__user_cmp(lt, ux, uy);                           \
	})

#define min(x, y) \
	__user_careful_cmp(1, "min", x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define max(x, y) \
	__user_careful_cmp(0, "max", x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define umin(x, y) min((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)
#define umax(x, y) max((x) + 0u + 0ul + 0ull, (y) + 0u + 0ul + 0ull)
#define min3(x, y, z) min(min(x, y), z)
#define max3(x, y, z) max(max(x, y), z)

#define __user_cmp_t(lt, type, x, y, ux, uy) \
	({                                   \
		type ux = (x);               \
		type uy = (y);               \
		__user_cmp(lt, ux, uy);      \
	})
#define min_t(type, x, y) \
	__user_cmp_t(1, type, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))
#define max_t(type, x, y) \
	__user_cmp_t(0, type, x, y, __UNIQUE_ID(x_), __UNIQUE_ID(y_))

/* For constant expressions, arguments evaluated more than once */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define clamp(val, lo, hi) min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi) clamp_t(typeof(val), val, lo, hi)

#define swap(a, b)                        \
	do {                              \
		typeof(a) __user_tmp = (a); \
		(a) = (b);                \
		(b) = __user_tmp;         \
	} while (0)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: atomic_t, atomic64_t, atomic_long_t and the cmpxchg
 * family, on the compiler's __atomic builtins.
 *
 * Written here rather than taken from tools/include, whose x86 version is
 * inline assembly for a few operations only and whose generic version lacks
 * try_cmpxchg64(); these work on every host and are understood by the
 * sanitizers. Value returning operations are fully ordered, like the
 * kernel's; the _relaxed/_acquire/_release forms have those orderings.
 */
#ifndef __USER_LINUX_ATOMIC_H
#define __USER_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/barrier.h>

#define __USER_MO __ATOMIC_SEQ_CST

/* Returns the value found at ptr; it equals old when new was stored */
#define __user_cmpxchg(ptr, old, new, mo)                                  \
	({                                                                 \
		typeof(*(ptr)) __old_val = (old);                          \
		__atomic_compare_exchange_n(ptr, &__old_val,               \
					    (typeof(*(ptr)))(new), false,  \
					    mo, __ATOMIC_RELAXED);         \
		__old_val;                                                 \
	})
#define __user_try_cmpxchg(ptr, oldp, new, mo)                      \
	__atomic_compare_exchange_n(ptr, oldp, (typeof(*(ptr)))(new), \
				    false, mo, __ATOMIC_RELAXED)

#define cmpxchg(ptr, old, new) __user_cmpxchg(ptr, old, new, __USER_MO)
#define cmpxchg_relaxed(ptr, old, new) \
	__user_cmpxchg(ptr, old, new, __ATOMIC_RELAXED)
#define cmpxchg_acquire(ptr, old, new) \
	__user_cmpxchg(ptr, old, new, __ATOMIC_ACQUIRE)
#define cmpxchg_release(ptr, old, new) \
	__user_cmpxchg(ptr, old, new, __ATOMIC_RELEASE)
#define cmpxchg64(ptr, old, new)                                  \
	({                                                        \
		BUILD_BUG_ON(sizeof(*(ptr)) != 8);                \
		__user_cmpxchg(ptr, old, new, __USER_MO);         \
	})
#define cmpxchg64_relaxed(ptr, old, new) \
	__user_cmpxchg(ptr, old, new, __ATOMIC_RELAXED)

#define try_cmpxchg(ptr, oldp, new) \
	__user_try_cmpxchg(ptr, oldp, new, __USER_MO)
#define try_cmpxchg_relaxed(ptr, oldp, new) \
	__user_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELAXED)
#define try_cmpxchg_acquire(ptr, oldp, new) \
	__user_try_cmpxchg(ptr, oldp, new, __ATOMIC_ACQUIRE)
#define try_cmpxchg_release(ptr, oldp, new) \
	__user_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELEASE)
#define try_cmpxchg64(ptr, oldp, new)                              \
	({                                                         \
		BUILD_BUG_ON(sizeof(*(ptr)) != 8);                 \
		__user_try_cmpxchg(ptr, oldp, new, __USER_MO);     \
	})
#define try_cmpxchg64_relaxed(ptr, oldp, new) \
	__user_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELAXED)

#define xchg(ptr, new) \
	__atomic_exchange_n(ptr, (typeof(*(ptr)))(new), __USER_MO)
#define xchg_relaxed(ptr, new) \
	__atomic_exchange_n(ptr, (typeof(*(ptr)))(new), __ATOMIC_RELAXED)

/* The operations of one atomic type: atomic_*, atomic64_*, atomic_long_* */
#define __USER_ATOMIC_OPS(pfx, atype, t)                                    \
	static inline t pfx##_read(const atype *v)                          \
	{                                                                   \
		return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);      \
	}                                                                   \
	static inline t pfx##_read_acquire(const atype *v)                  \
	{                                                                   \
		return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);      \
	}                                                                   \
	static inline void pfx##_set(atype *v, t i)                         \
	{                                                                   \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);         \
	}                                                                   \
	static inline void pfx##_set_release(atype *v, t i)                 \
	{                                                                   \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);         \
	}                                                                   \
	static inline void pfx##_add(t i, atype *v)                         \
	{                                                                   \
		__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);       \
	}                                                                   \
	static inline void pfx##_sub(t i, atype *v)                         \
	{                                                                   \
		__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);       \
	}                                                                   \
	static inline void pfx##_inc(atype *v)                              \
	{                                                                   \
		pfx##_add(1, v);                                            \
	}                                                                   \
	static inline void pfx##_dec(atype *v)                              \
	{                                                                   \
		pfx##_sub(1, v);                                            \
	}                                                                   \
	static inline void pfx##_and(t i, atype *v)                         \
	{                                                                   \
		__atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED);       \
	}                                                                   \
	static inline void pfx##_or(t i, atype *v)                          \
	{                                                                   \
		__atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED);        \
	}                                                                   \
	static inline t pfx##_fetch_add(t i, atype *v)                      \
	{                                                                   \
		return __atomic_fetch_add(&v->counter, i, __USER_MO);       \
	}                                                                   \
	static inline t pfx##_fetch_sub(t i, atype *v)                      \
	{                                                                   \
		return __atomic_fetch_sub(&v->counter, i, __USER_MO);       \
	}                                                                   \
	static inline t pfx##_fetch_or(t i, atype *v)                       \
	{                                                                   \
		return __atomic_fetch_or(&v->counter, i, __USER_MO);        \
	}                                                                   \
	static inline t pfx##_fetch_and(t i, atype *v)                      \
	{                                                                   \
		return __atomic_fetch_and(&v->counter, i, __USER_MO);       \
	}                                                                   \
	static inline t pfx##_add_return(t i, atype *v)                     \
	{                                                                   \
		return __atomic_add_fetch(&v->counter, i, __USER_MO);       \
	}                                                                   \
	static inline t pfx##_sub_return(t i, atype *v)                     \
	{                                                                   \
		return __atomic_sub_fetch(&v->counter, i, __USER_MO);       \
	}                                                                   \
	static inline t pfx##_inc_return(atype *v)                          \
	{                                                                   \
		return pfx##_add_return(1, v);                              \
	}                                                                   \
	static inline t pfx##_dec_return(atype *v)                          \
	{                                                                   \
		return pfx##_sub_return(1, v);                              \
	}                                                                   \
	static inline bool pfx##_dec_and_test(atype *v)                     \
	{                                                                   \
		return pfx##_dec_return(v) == 0;                            \
	}                                                                   \
	static inline bool pfx##_inc_and_test(atype *v)                     \
	{                                                                   \
		return pfx##_inc_return(v) == 0;                            \
	}                                                                   \
	static inline bool pfx##_sub_and_test(t i, atype *v)                \
	{                                                                   \
		return pfx##_sub_return(i, v) == 0;                         \
	}                                                                   \
	static inline t pfx##_xchg(atype *v, t new)                         \
	{                                                                   \
		return __atomic_exchange_n(&v->counter, new, __USER_MO);    \
	}                                                                   \
	static inline t pfx##_cmpxchg(atype *v, t old, t new)               \
	{                                                                   \
		return __user_cmpxchg(&v->counter, old, new, __USER_MO);    \
	}                                                                   \
	static inline bool pfx##_try_cmpxchg(atype *v, t *old, t new)       \
	{                                                                   \
		return __user_try_cmpxchg(&v->counter, old, new, __USER_MO); \
	}                                                                   \
	static inline bool pfx##_add_unless(atype *v, t a, t u)             \
	{                                                                   \
		t c = pfx##_read(v);                                        \
		do {                                                        \
			if (c == u)                                         \
				return false;                               \
		} while (!pfx##_try_cmpxchg(v, &c, c + a));                 \
		return true;                                                \
	}                                                                   \
	static inline bool pfx##_inc_not_zero(atype *v)                     \
	{                                                                   \
		return pfx##_add_unless(v, 1, 0);                           \
	}

__USER_ATOMIC_OPS(atomic, atomic_t, int)
__USER_ATOMIC_OPS(atomic64, atomic64_t, s64)
__USER_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef __USER_ATOMIC_OPS

#define ATOMIC_INIT(i) { (i) }
#define ATOMIC64_INIT(i) { (i) }
#define ATOMIC_LONG_INIT(i) { (i) }

#define atomic_cmpxchg_relaxed atomic_cmpxchg
#define atomic_inc_return_relaxed atomic_inc_return
#define atomic_dec_return_relaxed atomic_dec_return
#define atomic64_inc_return_relaxed atomic64_inc_return

#endif

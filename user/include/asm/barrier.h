/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: memory barriers as C11 fences.
 *
 * Written here instead of tools/include's per-architecture inline assembly
 * so that any host works and the sanitizers understand the ordering.
 */
#ifndef __USER_ASM_BARRIER_H
#define __USER_ASM_BARRIER_H

#include <linux/compiler.h>

#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_mb() mb()
#define dma_rmb() rmb()
#define dma_wmb() wmb()
#define smp_mb() mb()
#define smp_rmb() rmb()
#define smp_wmb() wmb()
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()

#define smp_store_release(p, v) \
	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_mb(var, value)        \
	do {                            \
		WRITE_ONCE(var, value); \
		smp_mb();               \
	} while (0)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: linux/kernel.h.
 *
 * Replaces tools/include's kernel.h, whose min()/max() and byte order
 * macros conflict with ours; it gathers the same small headers (most of
 * them from tools/include) the kernel's kernel.h makes available.
 */
#ifndef __USER_LINUX_KERNEL_H
#define __USER_LINUX_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <linux/align.h>
#include <linux/array_size.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/types.h>

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })

#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))
#define upper_16_bits(n) ((u16)((n) >> 16))
#define lower_16_bits(n) ((u16)((n) & 0xffff))

#define PTR_ALIGN(p, a) ((typeof(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a) ((typeof(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define PTR_IF(cond, ptr) ((cond) ? (ptr) : NULL)
#define DIV_ROUND_UP_ULL(ll, d) DIV_ROUND_UP((unsigned long long)(ll), (d))
#define DIV_ROUND_DOWN_ULL(ll, d) ((unsigned long long)(ll) / (d))

static inline void might_sleep(void)
{
}

#define might_sleep_if(cond) do { } while (0)
#define might_fault() do { } while (0)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: get_random_*() from the system's getrandom(). */
#ifndef __USER_LINUX_RANDOM_H
#define __USER_LINUX_RANDOM_H

#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/prandom.h>
#include <linux/types.h>

void get_random_bytes(void *buf, size_t len);
u32 get_random_u32(void);
u64 get_random_u64(void);
/* Uniform in [0, ceil), ceil > 0 */
u32 get_random_u32_below(u32 ceil);

static inline u8 get_random_u8(void)
{
	return (u8)get_random_u32();
}

static inline u16 get_random_u16(void)
{
	return (u16)get_random_u32();
}

static inline unsigned long get_random_long(void)
{
	return (unsigned long)get_random_u64();
}

static inline u32 get_random_u32_above(u32 floor)
{
	return floor + 1 + get_random_u32_below(U32_MAX - floor);
}

static inline u32 get_random_u32_inclusive(u32 floor, u32 ceil)
{
	if (ceil - floor == U32_MAX)
		return get_random_u32();
	return floor + get_random_u32_below(ceil - floor + 1);
}

#endif

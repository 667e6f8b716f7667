/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: delays sleep the calling thread. */
#ifndef __USER_LINUX_DELAY_H
#define __USER_LINUX_DELAY_H

#include <time.h>
#include <linux/types.h>

static inline void __user_sleep_ns(u64 ns)
{
	struct timespec ts = {
		.tv_sec = ns / 1000000000ULL,
		.tv_nsec = ns % 1000000000ULL,
	};

	while (nanosleep(&ts, &ts))
		;
}

static inline void msleep(unsigned int msecs)
{
	__user_sleep_ns((u64)msecs * 1000000);
}

static inline void udelay(unsigned long usecs)
{
	__user_sleep_ns((u64)usecs * 1000);
}

static inline void ndelay(unsigned long nsecs)
{
	__user_sleep_ns(nsecs);
}

static inline void usleep_range(unsigned long min, unsigned long max)
{
	__user_sleep_ns((u64)min * 1000);
}

#define mdelay(n) msleep(n)

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: jiffies tick at 1000 Hz on CLOCK_MONOTONIC. */
#ifndef __USER_LINUX_JIFFIES_H
#define __USER_LINUX_JIFFIES_H

#include <linux/ktime.h>
#include <linux/types.h>

#define HZ 1000
#define MAX_SCHEDULE_TIMEOUT LONG_MAX

#define jiffies ((unsigned long)(ktime_get() / NSEC_PER_MSEC))

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return m;
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return j;
}

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)

#endif

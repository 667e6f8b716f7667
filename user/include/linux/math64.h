/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the 64-bit divisions of the kernel's linux/math64.h
 * that the suites use, on top of tools/include's multiplications.
 */
#ifndef __USER_LINUX_MATH64_H
#define __USER_LINUX_MATH64_H

#include_next <linux/math64.h>
#include <linux/types.h>

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: ARRAY_SIZE(), refusing pointers like the kernel's. */
#ifndef __USER_LINUX_ARRAY_SIZE_H
#define __USER_LINUX_ARRAY_SIZE_H

#include <linux/build_bug.h>
#include <linux/compiler.h>

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the kernel's linux/stddef.h (the system's uapi one of
 * the same name lacks these).
 */
#ifndef __USER_LINUX_STDDEF_H
#define __USER_LINUX_STDDEF_H

#include <stddef.h>

#define sizeof_field(type, member) sizeof((((type *)0)->member))
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof_field(type, member))

#endif

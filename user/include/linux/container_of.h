/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: container_of() with the kernel's type check. */
#ifndef __USER_LINUX_CONTAINER_OF_H
#define __USER_LINUX_CONTAINER_OF_H

#include <stddef.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>

#ifndef container_of
#define container_of(ptr, type, member)                                  \
	({                                                               \
		void *__mptr = (void *)(ptr);                            \
		static_assert(__same_type(*(ptr), ((type *)0)->member) || \
			      __same_type(*(ptr), void),                 \
			      "pointer type mismatch in container_of()"); \
		((type *)(__mptr - offsetof(type, member)));             \
	})
#endif

#define container_of_const(ptr, type, member) container_of(ptr, type, member)

#endif

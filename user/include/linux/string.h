/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the C library's string functions plus the kernel's
 * own. Replaces tools/include's version, whose strscpy() is strcpy().
 */
#ifndef __USER_LINUX_STRING_H
#define __USER_LINUX_STRING_H

#include <string.h>
#include <linux/compiler.h>
#include <linux/types.h>

ssize_t strscpy(char *dest, const char *src, size_t count);
void *memchr_inv(const void *start, int c, size_t bytes);

static inline bool strstarts(const char *str, const char *prefix)
{
	return strncmp(str, prefix, strlen(prefix)) == 0;
}

static inline void *memset64(u64 *s, u64 v, size_t count)
{
	size_t i;

	for (i = 0; i != count; i++)
		s[i] = v;
	return s;
}

static inline void *memset32(u32 *s, u32 v, size_t count)
{
	size_t i;

	for (i = 0; i != count; i++)
		s[i] = v;
	return s;
}

static inline void *memset16(u16 *s, u16 v, size_t count)
{
	size_t i;

	for (i = 0; i != count; i++)
		s[i] = v;
	return s;
}

#endif

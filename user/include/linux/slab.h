/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: kmalloc() and friends on malloc(), so AddressSanitizer
 * and LeakSanitizer see every allocation.
 */
#ifndef __USER_LINUX_SLAB_H
#define __USER_LINUX_SLAB_H

#include <stdlib.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/types.h>

#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define ARCH_KMALLOC_MINALIGN __alignof__(unsigned long long)
#if __SIZEOF_SIZE_T__ == 8
#define KMALLOC_MAX_SIZE ((size_t)1 << 40)
#else
#define KMALLOC_MAX_SIZE ((size_t)1 << 30)
#endif

static inline void *kmalloc(size_t size, gfp_t flags)
{
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	if (flags & __GFP_ZERO)
		return calloc(1, size ? size : 1);
	return malloc(size ? size : 1);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

#define kmalloc_node(size, flags, node) kmalloc(size, flags)
#define kzalloc_node(size, flags, node) kzalloc(size, flags)
#define kcalloc_node(n, size, flags, node) kcalloc(n, size, flags)
#define kmalloc_array_node(n, size, flags, node) kmalloc_array(n, size, flags)

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kfree_sensitive(const void *p)
{
	free((void *)p);
}

static inline void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	return realloc((void *)p, new_size ? new_size : 1);
}

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

static inline char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

#define kvmalloc(size, flags) kmalloc(size, flags)
#define kvzalloc(size, flags) kzalloc(size, flags)
#define kvcalloc(n, size, flags) kcalloc(n, size, flags)
#define kvmalloc_array(n, size, flags) kmalloc_array(n, size, flags)
#define kvfree(p) kfree(p)

#endif

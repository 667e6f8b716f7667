/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: allocation flags. Only __GFP_ZERO has an effect here;
 * the others exist so that code passes them along. Written instead of
 * tools/include's gfp.h, which pulls the kernel's own gfp_types.h and its
 * dependencies.
 */
#ifndef __USER_LINUX_GFP_H
#define __USER_LINUX_GFP_H

#include <linux/types.h>

#define __GFP_DMA ((__force gfp_t)0x01u)
#define __GFP_HIGHMEM ((__force gfp_t)0x02u)
#define __GFP_DMA32 ((__force gfp_t)0x04u)
#define __GFP_HIGH ((__force gfp_t)0x20u)
#define __GFP_IO ((__force gfp_t)0x40u)
#define __GFP_FS ((__force gfp_t)0x80u)
#define __GFP_ZERO ((__force gfp_t)0x100u)
#define __GFP_DIRECT_RECLAIM ((__force gfp_t)0x400u)
#define __GFP_KSWAPD_RECLAIM ((__force gfp_t)0x800u)
#define __GFP_NOWARN ((__force gfp_t)0x2000u)
#define __GFP_RETRY_MAYFAIL ((__force gfp_t)0x4000u)
#define __GFP_NOFAIL ((__force gfp_t)0x8000u)
#define __GFP_NORETRY ((__force gfp_t)0x10000u)
#define __GFP_COMP ((__force gfp_t)0x40000u)
#define __GFP_NOMEMALLOC ((__force gfp_t)0x80000u)
#define __GFP_ACCOUNT ((__force gfp_t)0x400000u)

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_DMA __GFP_DMA
#define GFP_DMA32 __GFP_DMA32
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)

static inline bool gfpflags_allow_blocking(const gfp_t gfp_flags)
{
	return !!(gfp_flags & __GFP_DIRECT_RECLAIM);
}

#endif

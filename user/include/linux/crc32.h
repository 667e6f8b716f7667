/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: CRC32 (IEEE 802.3 polynomial), with the kernel's
 * conventions: the caller passes the seed and no inversion is done.
 */
#ifndef __USER_LINUX_CRC32_H
#define __USER_LINUX_CRC32_H

#include <linux/types.h>

u32 crc32_le(u32 crc, const void *p, size_t len);
u32 crc32_be(u32 crc, const void *p, size_t len);
u32 __crc32c_le(u32 crc, const void *p, size_t len);

#define crc32(seed, data, length) crc32_le(seed, data, length)

#endif

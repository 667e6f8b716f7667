/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: byte order conversions for the host's endianness.
 *
 * Written here because tools/include only has untyped macros in its
 * kernel.h. These are typed functions (so __le64 and u64 stay distinct for
 * sparse) and choose the swap from the compiler's __BYTE_ORDER__, so
 * big-endian hosts convert.
 */
#ifndef __USER_ASM_BYTEORDER_H
#define __USER_ASM_BYTEORDER_H

#include <linux/compiler.h>
#include <linux/types.h>

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define __USER_LE(bits, x) __builtin_bswap##bits(x)
#define __USER_BE(bits, x) (x)
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __USER_LE(bits, x) (x)
#define __USER_BE(bits, x) __builtin_bswap##bits(x)
#else
#error "Unknown byte order"
#endif

#define __USER_BYTEORDER(bits)                                               \
	static __always_inline __le##bits cpu_to_le##bits(u##bits x)          \
	{                                                                     \
		return (__force __le##bits)__USER_LE(bits, x);                \
	}                                                                     \
	static __always_inline u##bits le##bits##_to_cpu(__le##bits x)        \
	{                                                                     \
		return __USER_LE(bits, (__force u##bits)x);                   \
	}                                                                     \
	static __always_inline __be##bits cpu_to_be##bits(u##bits x)          \
	{                                                                     \
		return (__force __be##bits)__USER_BE(bits, x);                \
	}                                                                     \
	static __always_inline u##bits be##bits##_to_cpu(__be##bits x)        \
	{                                                                     \
		return __USER_BE(bits, (__force u##bits)x);                   \
	}                                                                     \
	static __always_inline u##bits le##bits##_to_cpup(const __le##bits *p) \
	{                                                                     \
		return le##bits##_to_cpu(*p);                                 \
	}                                                                     \
	static __always_inline u##bits be##bits##_to_cpup(const __be##bits *p) \
	{                                                                     \
		return be##bits##_to_cpu(*p);                                 \
	}                                                                     \
	static __always_inline void le##bits##_add_cpu(__le##bits *p,          \
						      u##bits val)           \
	{                                                                     \
		*p = cpu_to_le##bits(le##bits##_to_cpu(*p) + val);            \
	}

__USER_BYTEORDER(16)
__USER_BYTEORDER(32)
__USER_BYTEORDER(64)

#undef __USER_BYTEORDER

#define swab16(x) __builtin_bswap16(x)
#define swab32(x) __builtin_bswap32(x)
#define swab64(x) __builtin_bswap64(x)

#endif

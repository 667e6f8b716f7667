// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space compat: the out of line parts of the kernel API emulation:
 * printk, WARN/BUG, random numbers, CRC32, string and bit helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/string.h>

#include "user_internal.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define USER_HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define USER_HAVE_SANITIZER 1
#endif
#endif

#ifdef USER_HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

static pthread_mutex_t user_print_lock = PTHREAD_MUTEX_INITIALIZER;

/* Write a whole formatted message at once, without its log level prefix */
int vprintk(const char *fmt, va_list args)
{
	char buf[1024];
	int len;

	if (fmt[0] == KERN_SOH[0] && fmt[1])
		fmt += 2;
	len = vsnprintf(buf, sizeof(buf), fmt, args);
	if (len < 0)
		return len;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	pthread_mutex_lock(&user_print_lock);
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&user_print_lock);
	return len;
}

int _printk(const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = vprintk(fmt, args);
	va_end(args);
	return ret;
}

/* Print one line, adding the newline if missing */
void user_print_line(const char *fmt, va_list args)
{
	char buf[2048];
	int len;

	len = vsnprintf(buf, sizeof(buf) - 1, fmt, args);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(buf) - 1)
		len = sizeof(buf) - 2;
	if (!len || buf[len - 1] != '\n')
		buf[len++] = '\n';
	pthread_mutex_lock(&user_print_lock);
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&user_print_lock);
}

static unsigned long user_warns;
unsigned int user_warn_epoch = 1;

unsigned long user_warn_count(void)
{
	return __atomic_load_n(&user_warns, __ATOMIC_SEQ_CST);
}

static void user_stack_trace(void)
{
#ifdef USER_HAVE_SANITIZER
	__sanitizer_print_stack_trace();
#endif
}

void __user_warn(const char *file, int line, const char *func,
		 unsigned int *once_epoch, const char *fmt, ...)
{
	unsigned int epoch = __atomic_load_n(&user_warn_epoch, __ATOMIC_RELAXED);
	char msg[512];
	va_list args;

	__atomic_fetch_add(&user_warns, 1, __ATOMIC_SEQ_CST);
	if (once_epoch) {
		if (__atomic_exchange_n(once_epoch, epoch, __ATOMIC_RELAXED) ==
		    epoch)
			return;
	}
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	fflush(stdout);
	printf("------------[ cut here ]------------\n");
	printf("WARNING: at %s:%d %s(): %s\n", file, line, func, msg);
	fflush(stdout);
	user_stack_trace();
	fflush(stderr);
	printf("---[ end trace ]---\n");
	fflush(stdout);
}

void __user_bug(const char *file, int line, const char *func,
		const char *cond)
{
	fflush(stdout);
	printf("kernel BUG at %s:%d %s(): %s\n", file, line, func, cond);
	fflush(stdout);
	user_stack_trace();
	abort();
}

/* Random numbers */

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			perror("getrandom");
			abort();
		}
		p += got;
		len -= got;
	}
}

u32 get_random_u32(void)
{
	u32 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

u32 get_random_u32_below(u32 ceil)
{
	/* Reject the incomplete last interval for a uniform result */
	u32 limit = U32_MAX - U32_MAX % ceil;
	u32 v;

	do {
		v = get_random_u32();
	} while (v >= limit && limit);
	return v % ceil;
}

/* CRC32 bit by bit; speed does not matter for checksums of test data */

#define USER_CRC32_POLY_LE 0xedb88320U
#define USER_CRC32_POLY_BE 0x04c11db7U
#define USER_CRC32C_POLY_LE 0x82f63b78U

static u32 user_crc_le(u32 crc, const u8 *p, size_t len, u32 poly)
{
	unsigned int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i != 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? poly : 0);
	}
	return crc;
}

u32 crc32_le(u32 crc, const void *p, size_t len)
{
	return user_crc_le(crc, p, len, USER_CRC32_POLY_LE);
}

u32 __crc32c_le(u32 crc, const void *p, size_t len)
{
	return user_crc_le(crc, p, len, USER_CRC32C_POLY_LE);
}

u32 crc32_be(u32 crc, const void *p, size_t len)
{
	const u8 *b = p;
	unsigned int i;

	while (len--) {
		crc ^= (u32)*b++ << 24;
		for (i = 0; i != 8; i++)
			crc = (crc << 1) ^
			      ((crc & 0x80000000U) ? USER_CRC32_POLY_BE : 0);
	}
	return crc;
}

/* Strings */

ssize_t strscpy(char *dest, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dest, src, count - 1);
		dest[count - 1] = 0;
		return -E2BIG;
	}
	memcpy(dest, src, len + 1);
	return len;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;

	for (; bytes; p++, bytes--)
		if (*p != (u8)c)
			return (void *)p;
	return NULL;
}

/* Bits, for tools/include's bitops.h and find.h */

unsigned int __sw_hweight8(unsigned int w)
{
	return __builtin_popcount(w & 0xff);
}

unsigned int __sw_hweight16(unsigned int w)
{
	return __builtin_popcount(w & 0xffff);
}

unsigned int __sw_hweight32(unsigned int w)
{
	return __builtin_popcount(w);
}

unsigned long __sw_hweight64(__u64 w)
{
	return __builtin_popcountll(w);
}

/*
 * First bit at or after @start in @addr1 (ANDed with @addr2 when given,
 * inverted when @invert), @nbits when there is none.
 */
static unsigned long user_find_bit(const unsigned long *addr1,
				   const unsigned long *addr2,
				   unsigned long nbits, unsigned long start,
				   bool invert)
{
	unsigned long word;

	while (start < nbits) {
		word = addr1[start / BITS_PER_LONG];
		if (addr2)
			word &= addr2[start / BITS_PER_LONG];
		if (invert)
			word = ~word;
		word &= ~0UL << (start % BITS_PER_LONG);
		if (word) {
			start = start - start % BITS_PER_LONG +
				__builtin_ctzl(word);
			return start < nbits ? start : nbits;
		}
		start = start - start % BITS_PER_LONG + BITS_PER_LONG;
	}
	return nbits;
}

unsigned long _find_next_bit(const unsigned long *addr, unsigned long nbits,
			     unsigned long start)
{
	return user_find_bit(addr, NULL, nbits, start, false);
}

unsigned long _find_next_and_bit(const unsigned long *addr1,
				 const unsigned long *addr2,
				 unsigned long nbits, unsigned long start)
{
	return user_find_bit(addr1, addr2, nbits, start, false);
}

unsigned long _find_next_zero_bit(const unsigned long *addr,
				  unsigned long nbits, unsigned long start)
{
	return user_find_bit(addr, NULL, nbits, start, true);
}

unsigned long _find_first_bit(const unsigned long *addr, unsigned long size)
{
	return user_find_bit(addr, NULL, size, 0, false);
}

unsigned long _find_first_and_bit(const unsigned long *addr1,
				  const unsigned long *addr2,
				  unsigned long size)
{
	return user_find_bit(addr1, addr2, size, 0, false);
}

unsigned long _find_first_zero_bit(const unsigned long *addr,
				   unsigned long size)
{
	return user_find_bit(addr, NULL, size, 0, true);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: reaching the running test from code under test. */
#ifndef __USER_KUNIT_TEST_BUG_H
#define __USER_KUNIT_TEST_BUG_H

#include <linux/compiler.h>

struct kunit;

/* The running test case, NULL outside of one (and on other threads) */
struct kunit *kunit_get_current_test(void);

void __printf(3, 4) __kunit_fail_current_test_impl(const char *file, int line,
						   const char *fmt, ...);
#define kunit_fail_current_test(fmt, ...) \
	__kunit_fail_current_test_impl(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

#endif

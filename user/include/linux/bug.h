/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: WARN*() and BUG*().
 *
 * Every WARN that fires prints "WARNING: at file:line" (with a stack trace
 * when built with a sanitizer) and increments a counter; the KUnit runner
 * fails the test case during which the counter moved. The *_ONCE variants
 * print once per call site and test case but always count, so a later test
 * hitting the same site still fails. BUG() aborts.
 */
#ifndef __USER_LINUX_BUG_H
#define __USER_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/printk.h>

void __printf(5, 6) __user_warn(const char *file, int line, const char *func,
				unsigned int *once_epoch, const char *fmt, ...);
void __noreturn __user_bug(const char *file, int line, const char *func,
			   const char *cond);
/* Number of WARNs fired since the program started */
unsigned long user_warn_count(void);

#define __USER_WARN(once_epoch, cond, fmt, ...)                             \
	({                                                                  \
		int __ret_warn_on = !!(cond);                               \
		if (unlikely(__ret_warn_on))                                \
			__user_warn(__FILE__, __LINE__, __func__, once_epoch, \
				    fmt, ##__VA_ARGS__);                    \
		unlikely(__ret_warn_on);                                    \
	})

#define WARN_ON(condition) \
	__USER_WARN(NULL, condition, "%s", "WARN_ON(" #condition ")")
#define WARN(condition, fmt, ...) \
	__USER_WARN(NULL, condition, fmt, ##__VA_ARGS__)
#define WARN_ON_ONCE(condition)                                  \
	({                                                       \
		static unsigned int __warn_epoch;                \
		__USER_WARN(&__warn_epoch, condition, "%s",      \
			    "WARN_ON_ONCE(" #condition ")");     \
	})
#define WARN_ONCE(condition, fmt, ...)                                   \
	({                                                               \
		static unsigned int __warn_epoch;                        \
		__USER_WARN(&__warn_epoch, condition, fmt, ##__VA_ARGS__); \
	})
#define WARN_TAINT(condition, taint, fmt, ...) WARN(condition, fmt, ##__VA_ARGS__)
#define WARN_TAINT_ONCE(condition, taint, fmt, ...) \
	WARN_ONCE(condition, fmt, ##__VA_ARGS__)

#define BUG() __user_bug(__FILE__, __LINE__, __func__, "BUG()")
#define BUG_ON(condition)                                                 \
	do {                                                              \
		if (unlikely(condition))                                  \
			__user_bug(__FILE__, __LINE__, __func__,          \
				   "BUG_ON(" #condition ")");             \
	} while (0)
#define VM_BUG_ON(condition) BUG_ON(condition)
#define VM_WARN_ON(condition) WARN_ON(condition)
#define VM_WARN_ON_ONCE(condition) WARN_ON_ONCE(condition)

#endif

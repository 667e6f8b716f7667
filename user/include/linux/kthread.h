/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: kernel threads are pthreads. As in the kernel, a
 * created thread runs its function only once woken, kthread_stop() waits
 * for it and returns what it returned (-EINTR if it never ran).
 */
#ifndef __USER_LINUX_KTHREAD_H
#define __USER_LINUX_KTHREAD_H

#include <linux/err.h>
#include <linux/sched.h>
#include <linux/types.h>

struct task_struct *__printf(3, 4)
kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
	       ...);
int wake_up_process(struct task_struct *task);
int kthread_stop(struct task_struct *task);
bool kthread_should_stop(void);

#define kthread_create_on_node(threadfn, data, node, namefmt, ...) \
	kthread_create(threadfn, data, namefmt, ##__VA_ARGS__)

#define kthread_run(threadfn, data, namefmt, ...)                          \
	({                                                                 \
		struct task_struct *__k = kthread_create(threadfn, data,   \
							 namefmt,          \
							 ##__VA_ARGS__);   \
		if (!IS_ERR(__k))                                          \
			wake_up_process(__k);                              \
		__k;                                                       \
	})

#endif

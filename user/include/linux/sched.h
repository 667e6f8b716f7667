/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the scheduling calls tests may make. A task is a
 * pthread (see linux/kthread.h); current is the calling thread's task,
 * NULL outside of the threads kthread_create() made.
 */
#ifndef __USER_LINUX_SCHED_H
#define __USER_LINUX_SCHED_H

#include <sched.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct task_struct;

struct task_struct *get_current(void);
#define current get_current()

/* The number of CPUs the tests can spread threads over */
unsigned int num_online_cpus(void);

static inline void cond_resched(void)
{
}

static inline void cpu_relax(void)
{
	sched_yield();
}

#endif

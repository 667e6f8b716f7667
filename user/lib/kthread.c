// SPDX-License-Identifier: GPL-2.0-only
/* User-space compat: kernel threads on pthreads. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kthread.h>

#include "user_internal.h"

struct task_struct {
	pthread_t thread;
	int (*threadfn)(void *data);
	void *data;
	char comm[16];
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool woken;
	bool should_stop;
	int result;
};

static __thread struct task_struct *user_current_task;

struct task_struct *get_current(void)
{
	return user_current_task;
}

unsigned int num_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

static void *user_kthread(void *arg)
{
	struct task_struct *task = arg;
	bool run;

	user_current_task = task;
	pthread_mutex_lock(&task->lock);
	while (!task->woken && !task->should_stop)
		pthread_cond_wait(&task->wake, &task->lock);
	run = !task->should_stop;
	pthread_mutex_unlock(&task->lock);

	task->result = run ? task->threadfn(task->data) : -EINTR;
	return NULL;
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data,
				   const char *namefmt, ...)
{
	struct task_struct *task = calloc(1, sizeof(*task));
	va_list args;

	if (!task)
		return ERR_PTR(-ENOMEM);
	task->threadfn = threadfn;
	task->data = data;
	va_start(args, namefmt);
	vsnprintf(task->comm, sizeof(task->comm), namefmt, args);
	va_end(args);
	pthread_mutex_init(&task->lock, NULL);
	pthread_cond_init(&task->wake, NULL);
	if (pthread_create(&task->thread, NULL, user_kthread, task)) {
		free(task);
		return ERR_PTR(-EAGAIN);
	}
	return task;
}

int wake_up_process(struct task_struct *task)
{
	bool was_woken;

	pthread_mutex_lock(&task->lock);
	was_woken = task->woken;
	task->woken = true;
	pthread_cond_signal(&task->wake);
	pthread_mutex_unlock(&task->lock);
	return !was_woken;
}

bool kthread_should_stop(void)
{
	struct task_struct *task = user_current_task;
	bool ret;

	if (!task)
		return false;
	pthread_mutex_lock(&task->lock);
	ret = task->should_stop;
	pthread_mutex_unlock(&task->lock);
	return ret;
}

int kthread_stop(struct task_struct *task)
{
	int ret;

	pthread_mutex_lock(&task->lock);
	task->should_stop = true;
	pthread_cond_signal(&task->wake);
	pthread_mutex_unlock(&task->lock);
	pthread_join(task->thread, NULL);
	ret = task->result;
	pthread_mutex_destroy(&task->lock);
	pthread_cond_destroy(&task->wake);
	free(task);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: completions on a pthread mutex and condition. */
#ifndef __USER_LINUX_COMPLETION_H
#define __USER_LINUX_COMPLETION_H

#include <limits.h>
#include <pthread.h>
#include <linux/jiffies.h>
#include <linux/types.h>

struct completion {
	pthread_mutex_t lock;
	pthread_cond_t wait;
	unsigned int done;
};

#define COMPLETION_INITIALIZER(work)                                 \
	{ .lock = PTHREAD_MUTEX_INITIALIZER,                         \
	  .wait = PTHREAD_COND_INITIALIZER }
#define DECLARE_COMPLETION(work) \
	struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->wait, NULL);
	x->done = 0;
}

static inline void reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = 0;
	pthread_mutex_unlock(&x->lock);
}

static inline void complete(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	if (x->done != UINT_MAX)
		x->done++;
	pthread_cond_signal(&x->wait);
	pthread_mutex_unlock(&x->lock);
}

static inline void complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	x->done = UINT_MAX;
	pthread_cond_broadcast(&x->wait);
	pthread_mutex_unlock(&x->lock);
}

static inline void wait_for_completion(struct completion *x)
{
	pthread_mutex_lock(&x->lock);
	while (!x->done)
		pthread_cond_wait(&x->wait, &x->lock);
	if (x->done != UINT_MAX)
		x->done--;
	pthread_mutex_unlock(&x->lock);
}

/* Return: 0 on timeout, else the jiffies left (at least 1) */
static inline unsigned long
wait_for_completion_timeout(struct completion *x, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	unsigned long left = timeout;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout / HZ;
	ts.tv_nsec += (timeout % HZ) * (NSEC_PER_SEC / HZ);
	if (ts.tv_nsec >= NSEC_PER_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= NSEC_PER_SEC;
	}
	pthread_mutex_lock(&x->lock);
	while (!x->done)
		if (pthread_cond_timedwait(&x->wait, &x->lock, &ts))
			break;
	if (x->done) {
		if (x->done != UINT_MAX)
			x->done--;
		left = time_before(jiffies, end) ? end - jiffies : 1;
	} else {
		left = 0;
	}
	pthread_mutex_unlock(&x->lock);
	return left;
}

#endif

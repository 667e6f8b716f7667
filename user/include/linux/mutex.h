/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: struct mutex is a pthread mutex. */
#ifndef __USER_LINUX_MUTEX_H
#define __USER_LINUX_MUTEX_H

#include <pthread.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct mutex {
	pthread_mutex_t mutex;
};

#define __MUTEX_INITIALIZER(name) { .mutex = PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

static inline void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
}

static inline void mutex_destroy(struct mutex *lock)
{
	pthread_mutex_destroy(&lock->mutex);
}

static inline void mutex_lock(struct mutex *lock)
{
	pthread_mutex_lock(&lock->mutex);
}

static inline void mutex_unlock(struct mutex *lock)
{
	pthread_mutex_unlock(&lock->mutex);
}

static inline int mutex_trylock(struct mutex *lock)
{
	return pthread_mutex_trylock(&lock->mutex) == 0;
}

#define mutex_lock_nested(lock, subclass) mutex_lock(lock)

#endif

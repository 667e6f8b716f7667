/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: spinlock_t is a pthread mutex (the concurrency tests
 * run on pthreads). Replaces tools/include's version, which makes
 * spinlock_t a macro and reads the flags variable of spin_lock_irqsave()
 * before it is set.
 */
#ifndef __USER_LINUX_SPINLOCK_H
#define __USER_LINUX_SPINLOCK_H

#include <pthread.h>
#include <linux/compiler.h>
#include <linux/types.h>

typedef struct spinlock {
	pthread_mutex_t mutex;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) \
	(spinlock_t) { .mutex = PTHREAD_MUTEX_INITIALIZER }
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
}

static inline void spin_lock(spinlock_t *lock)
{
	pthread_mutex_lock(&lock->mutex);
}

static inline void spin_unlock(spinlock_t *lock)
{
	pthread_mutex_unlock(&lock->mutex);
}

static inline bool spin_trylock(spinlock_t *lock)
{
	return pthread_mutex_trylock(&lock->mutex) == 0;
}

#define spin_lock_bh spin_lock
#define spin_unlock_bh spin_unlock
#define spin_lock_irq spin_lock
#define spin_unlock_irq spin_unlock
#define spin_lock_irqsave(lock, flags) \
	do {                           \
		(flags) = 0;           \
		spin_lock(lock);       \
	} while (0)
#define spin_unlock_irqrestore(lock, flags) \
	do {                                \
		(void)(flags);              \
		spin_unlock(lock);          \
	} while (0)

#define lockdep_assert_held(lock) do { (void)(lock); } while (0)
#define lockdep_assert_not_held(lock) do { (void)(lock); } while (0)

#endif

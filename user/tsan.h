/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included by the ThreadSanitizer build (make -C user run-tsan).
 *
 * A walker follows a table entry it read with READ_ONCE() into the table it
 * points at; the kernel orders the two by the address dependency, and the
 * table was published with a compare-and-exchange. ThreadSanitizer sees a
 * volatile load as a plain one and would report every such read. Here
 * READ_ONCE() is a consume (in practice acquire) atomic load and
 * WRITE_ONCE() a relaxed atomic store: what the kernel memory model makes
 * of them, in a form the sanitizer understands.
 */
#ifndef __USER_TSAN_H
#define __USER_TSAN_H

#include <linux/compiler.h>

#undef READ_ONCE
#undef WRITE_ONCE

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_CONSUME)
#define WRITE_ONCE(x, val) \
	__atomic_store_n(&(x), (typeof(x))(val), __ATOMIC_RELAXED)

#endif

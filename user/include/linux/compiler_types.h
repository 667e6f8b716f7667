/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the attributes the kernel's compiler_types.h provides.
 *
 * Written here rather than taken from tools/include because the tools copy
 * may only be reached through tools' linux/compiler.h and lacks several
 * attributes (__used really being "used", __section, __counted_by, ...).
 * Force-included into every file, as in the kernel build; tools'
 * linux/compiler.h adds READ_ONCE() and friends on top of it.
 */
#ifndef __USER_LINUX_COMPILER_TYPES_H
#define __USER_LINUX_COMPILER_TYPES_H

#ifndef __has_builtin
#define __has_builtin(x) 0
#endif

/* sparse annotations, meaningless to the compiler */
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __acquire(x) ((void)0)
#define __release(x) ((void)0)
#define __cond_lock(x, c) (c)
#define __iomem
#define __percpu
#define __rcu
#define __user
#define __force
#define __kernel
#define __safe
#define __private
#define __nocast

/* tools' linux/types.h defines these two empty, keep the same definition */
#define __must_check
#define __cold

#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __noinline_for_stack noinline
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __weak __attribute__((__weak__))
#define __pure __attribute__((__pure__))
#define __noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __section(s) __attribute__((__section__(s)))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __scanf(a, b) __attribute__((__format__(scanf, a, b)))
#define __attribute_const__ __attribute__((__const__))
#define __malloc __attribute__((__malloc__))
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define __nonstring
#define __counted_by(member)
#define __designated_init
#define __randomize_layout
#define __no_randomize_layout
#define __latent_entropy
#define __read_mostly
#define __ro_after_init
#define notrace
#define __no_kcsan
#define __no_sanitize_address __attribute__((__no_sanitize_address__))
#define __no_sanitize_undefined

#if __has_attribute(__fallthrough__)
#define fallthrough __attribute__((__fallthrough__))
#else
#define fallthrough do {} while (0)
#endif

/*
 * Opts a stack variable out of -ftrivial-auto-var-init, as in the kernel: a
 * build with that flag (the kernel's CONFIG_INIT_STACK_ALL_ZERO) then zeroes
 * what the kernel's does.
 */
#if __has_attribute(__uninitialized__)
#define __uninitialized __attribute__((__uninitialized__))
#else
#define __uninitialized
#endif

#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

#define ___USER_PASTE(a, b) a##b
#define __USER_PASTE(a, b) ___USER_PASTE(a, b)
#define __UNIQUE_ID(prefix) \
	__USER_PASTE(__USER_PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif

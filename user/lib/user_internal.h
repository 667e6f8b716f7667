/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the files of the user-space compat library only. */
#ifndef __USER_INTERNAL_H
#define __USER_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>

/* Incremented by the runner at each test case, for the WARN_ONCE sites */
extern unsigned int user_warn_epoch;

void user_print_line(const char *fmt, va_list args);

#endif

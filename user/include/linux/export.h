/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: symbol exports mean nothing in a program. */
#ifndef __USER_LINUX_EXPORT_H
#define __USER_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS(sym, ns)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#define EXPORT_SYMBOL_FOR_TESTS_ONLY(sym)

#endif

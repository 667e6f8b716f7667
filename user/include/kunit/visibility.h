/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: everything is visible to the tests in user space. */
#ifndef __USER_KUNIT_VISIBILITY_H
#define __USER_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif

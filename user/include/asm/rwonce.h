/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: READ_ONCE()/WRITE_ONCE() come from tools' compiler.h. */
#ifndef __USER_ASM_RWONCE_H
#define __USER_ASM_RWONCE_H

#include <linux/compiler.h>

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: init and exit section markers are no-ops. */
#ifndef __USER_LINUX_INIT_H
#define __USER_LINUX_INIT_H

#include <linux/compiler.h>

#define __init
#define __exit
#define __initdata
#define __exitdata
#define __init_or_module
#define __refdata
#define __ref

#endif

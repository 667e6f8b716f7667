/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: a single NUMA node. */
#ifndef __USER_LINUX_NUMA_H
#define __USER_LINUX_NUMA_H

#define NUMA_NO_NODE (-1)
#define MAX_NUMNODES 1

#endif

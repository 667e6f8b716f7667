/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: physical addresses are the user-space virtual
 * addresses.
 */
#ifndef __USER_ASM_IO_H
#define __USER_ASM_IO_H

#include <linux/types.h>

static inline phys_addr_t virt_to_phys(const volatile void *addr)
{
	return (uintptr_t)addr;
}

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

#define __pa(x) virt_to_phys((void *)(x))
#define __va(x) phys_to_virt((phys_addr_t)(x))

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User space has no memory encryption: like a kernel without
 * CONFIG_AMD_MEM_ENCRYPT, the mask is added and removed as nothing. Tests
 * inject one through struct pt_iommu_test_hooks instead.
 */
#ifndef _USER_LINUX_MEM_ENCRYPT_H
#define _USER_LINUX_MEM_ENCRYPT_H

#define __sme_set(x) (x)
#define __sme_clr(x) (x)

#endif

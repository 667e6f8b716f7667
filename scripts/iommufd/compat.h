/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names the selftests of Debian's linux-source-6.12 use and its kernel
 * headers lack: the package ships tools/testing/selftests/iommu from a
 * slightly later stable release than its drivers/iommu (the iommu_hw_info
 * input type and the mock device's PASID support, from Linux 6.13 and
 * later). Included before iommufd.c and iommufd_fail_nth.c by
 * "scripts/kernel.sh iommufd"; the tests that need the kernel side of these
 * fail, and scripts/iommufd/known-failures names each of them.
 */
#ifndef __GENERIC_PT_IOMMUFD_COMPAT_H
#define __GENERIC_PT_IOMMUFD_COMPAT_H

/* iommu_hw_info.in_data_type shares its word with out_data_type */
#define in_data_type out_data_type
/* 6.12 refuses any flag, so the tests asking for an input type fail */
#define IOMMU_HW_INFO_FLAG_INPUT_TYPE (1 << 0)
/* Called IOMMU_HW_INFO_TYPE_NONE in 6.12, the same value 0 */
#define IOMMU_HW_INFO_TYPE_DEFAULT 0
/* The mock device with PASID support; 6.12's mock refuses the flag */
#define MOCK_FLAGS_DEVICE_PASID (1 << 2)
#define MOCK_PASID_WIDTH 20

/*
 * Each test may take 300 s instead of the harness's 30: the guest is
 * emulated (TCG) and its kernel runs KASAN, lockdep and kmemleak, under
 * which basic_fail_nth.map_two_domains needs more than 30 s. The harness
 * reads TEST_TIMEOUT_DEFAULT where a test is defined, after this.
 */
#include <kselftest_harness.h>
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 300

#endif

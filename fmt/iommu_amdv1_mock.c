// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD IOMMU v1 page table with a 2K granule, for iommufd's selftest mock
 * domain: the pt_iommu_amdv1_mock_* functions, on the structures of AMD v1.
 */
#define PT_FMT amdv1_mock
#define PT_AMDV1_MOCK
#define PT_FMT_TABLE pt_iommu_amdv1
#define PT_FMT_CFG pt_iommu_amdv1_cfg
#define PT_FMT_HW_INFO pt_iommu_amdv1_hw_info

#include "amdv1.h"
#include "../iommu_pt.h"

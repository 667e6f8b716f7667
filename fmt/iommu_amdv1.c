// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AMD IOMMU v1 page table: the format header and the generic IOMMU
 * operations, giving the pt_iommu_amdv1_* functions.
 */
#define PT_FMT amdv1

#include "amdv1.h"
#include "../iommu_pt.h"

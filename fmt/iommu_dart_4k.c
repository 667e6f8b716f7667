// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Apple DART page table with the 4K granule, v1 layout: the format header
 * and the generic IOMMU operations, giving the pt_iommu_dart_4k_* functions.
 */
#define PT_FMT dart_4k
#define DART_GRANULE_LG2SZ 12

#include "dart.h"
#include "../iommu_pt.h"

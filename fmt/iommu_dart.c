// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Apple DART page table with the 16K granule, v1 and v2 layouts: the
 * format header and the generic IOMMU operations, giving the pt_iommu_dart_*
 * functions.
 */
#define PT_FMT dart
#define DART_GRANULE_LG2SZ 14

#include "dart.h"
#include "../iommu_pt.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ARM VMSAv8-64 page table with the 16K granule: the format header and
 * the generic IOMMU operations, giving the pt_iommu_armv8_16k_* functions.
 */
#define PT_FMT armv8_16k
#define ARMV8_GRANULE_LG2SZ 14

#include "armv8.h"
#include "../iommu_pt.h"

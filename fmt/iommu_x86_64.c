// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86-64 page table: the format header and the generic IOMMU operations,
 * giving the pt_iommu_x86_64_* functions.
 */
#define PT_FMT x86_64

#include "x86_64.h"
#include "../iommu_pt.h"

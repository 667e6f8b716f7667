// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ARMv7 short-descriptor page table: the format header and the generic
 * IOMMU operations, giving the pt_iommu_armv7s_* functions.
 */
#define PT_FMT armv7s

#include "armv7s.h"
#include "../iommu_pt.h"

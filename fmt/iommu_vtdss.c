// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Intel VT-d second-stage page table: the format header and the generic
 * IOMMU operations, giving the pt_iommu_vtdss_* functions.
 */
#define PT_FMT vtdss

#include "vtdss.h"
#include "../iommu_pt.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RISC-V Sv39/Sv48/Sv57 page table: the format header and the generic
 * IOMMU operations, giving the pt_iommu_riscv64_* functions.
 */
#define PT_FMT riscv64

#include "riscv64.h"
#include "../iommu_pt.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the ARM VMSAv8-64 page table with the 4K granule, stage
 * 1. The test personality is kunit/formats/armv8.h.
 */
#define PT_FMT armv8_4k
#define ARMV8_GRANULE_LG2SZ 12
#define KPT_ARM_GRANULE_LG2 12
#define KPT_ARM_STAGE 1

#include "armv8.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the Apple DART page table with the 4K granule, v1 layout.
 * The test personality is kunit/formats/dart.h.
 */
#define PT_FMT dart_4k
#define DART_GRANULE_LG2SZ 12
#define KPT_DART_GRANULE_LG2 12

#include "dart.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites of the Apple DART page table with the 16K granule, v1 and v2
 * layouts. The test personality is kunit/formats/dart.h.
 */
#define PT_FMT dart
#define DART_GRANULE_LG2SZ 14
#define KPT_DART_GRANULE_LG2 14

#include "dart.h"

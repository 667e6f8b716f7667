/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: test devices, freed at the end of the test case. */
#ifndef __USER_KUNIT_DEVICE_H
#define __USER_KUNIT_DEVICE_H

#include <linux/device.h>

struct kunit;

struct device *kunit_device_register(struct kunit *test, const char *name);
void kunit_device_unregister(struct kunit *test, struct device *dev);

#endif

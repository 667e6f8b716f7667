/* SPDX-License-Identifier: GPL-2.0-only */
/* User-space compat: a struct device that only carries a name and data. */
#ifndef __USER_LINUX_DEVICE_H
#define __USER_LINUX_DEVICE_H

#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/types.h>

struct device {
	const char *init_name;
	struct device *parent;
	void *driver_data;
	void *platform_data;
	int numa_node;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	bool dma_coherent;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name ? dev->init_name : "(device)";
}

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

static inline int dev_to_node(struct device *dev)
{
	return dev ? dev->numa_node : -1;
}

#define dev_printk(level, dev, fmt, ...) \
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) \
	dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) \
	no_printk(KERN_DEBUG "%s: " fmt, dev_name(dev), ##__VA_ARGS__)

#endif

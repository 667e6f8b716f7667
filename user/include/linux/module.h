/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: module metadata is dropped; module_init() functions
 * run as constructors.
 */
#ifndef __USER_LINUX_MODULE_H
#define __USER_LINUX_MODULE_H

#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kernel.h>

struct module;
#define THIS_MODULE ((struct module *)NULL)

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_ALIAS(x)
#define MODULE_VERSION(x)
#define MODULE_DEVICE_TABLE(type, name)
#define MODULE_IMPORT_NS(ns)
#define module_param(name, type, perm)
#define module_param_named(name, value, type, perm)
#define MODULE_PARM_DESC(name, desc)

#define module_init(fn)                                                  \
	static void __attribute__((__constructor__)) __UNIQUE_ID(init)(void) \
	{                                                                \
		(fn)();                                                  \
	}
#define module_exit(fn)                                                  \
	static void __attribute__((__destructor__)) __UNIQUE_ID(exit)(void)  \
	{                                                                \
		(fn)();                                                  \
	}

#endif

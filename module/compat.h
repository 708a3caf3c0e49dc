/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab: the kernel-version shims of the module, all in one place.
 *
 * Each shim is named for the kernel change it covers and the release that
 * made it.  The rest of the module uses the shim's name and never tests
 * LINUX_VERSION_CODE itself.  (module/core/compat.h is a different header:
 * the kernel/userspace environment of the portable core.)
 */
#ifndef _PROBELAB_COMPAT_H
#define _PROBELAB_COMPAT_H

#include <linux/version.h>

/*
 * 6.11, "driver core: have match() callback in struct bus_type take a
 * const *": bus_type.match gets a const struct device_driver *.
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define pl_bus_match_drv_t	const struct device_driver
#else
#define pl_bus_match_drv_t	struct device_driver
#endif

#endif /* _PROBELAB_COMPAT_H */

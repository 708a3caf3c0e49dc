/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: userspace access to probelab.ko.
 *
 * Functions return 0 (or a non-negative value) on success and a negative
 * errno on failure; none of them prints.  Where a message helps, the caller
 * passes a buffer that receives one line saying what went wrong.
 */
#ifndef LIBPROBELAB_H
#define LIBPROBELAB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/probelab.h>

#define PL_DEVICE_PATH	"/dev/" PROBELAB_DEVICE_NAME
#define PL_MODULE_NAME	"probelab"

struct pl_handle;

/* Open /dev/probelab (O_RDWR | O_CLOEXEC). */
int pl_open(struct pl_handle **out);
void pl_close(struct pl_handle *h);
int pl_fd(const struct pl_handle *h);

/*
 * Issue one operation.  @cmd points at an operation structure whose
 * size and op fields the caller has set.
 */
int pl_cmd(struct pl_handle *h, void *cmd);

int pl_get_info(struct pl_handle *h, struct probelab_info *info);

/* Names of enum probelab_policy values ("fixed", "linux-6.1", "mainline"). */
const char *pl_policy_name(unsigned int policy);
int pl_policy_from_name(const char *name);	/* -EINVAL when unknown */
#define PL_NR_POLICIES	3

/* Names of enum probelab_op values, NULL when unknown. */
const char *pl_op_name(unsigned int op);

/*
 * Module handling through libkmod.
 * pl_module_load: @path NULL looks "probelab" up in the running kernel's
 * module directory (modules.dep); @params may be NULL.  Returns -EEXIST
 * when the module is already loaded.
 * pl_module_unload: retries while the module is in use (-EAGAIN), backing
 * off exponentially from 10 ms, for at most @wait_ms milliseconds; returns
 * -ENOENT when it is not loaded, -EAGAIN when it stayed in use.
 * pl_module_state: 1 live, 0 not loaded, negative errno on error.
 */
int pl_module_load(const char *path, const char *params, char *err,
		   size_t errlen);
int pl_module_unload(unsigned int wait_ms, unsigned int *attempts, char *err,
		     size_t errlen);
int pl_module_state(void);

#endif /* LIBPROBELAB_H */

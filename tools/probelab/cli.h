/* SPDX-License-Identifier: GPL-2.0 */
/* probelab CLI: shared declarations of the command files */
#ifndef PROBELAB_CLI_H
#define PROBELAB_CLI_H

#include <stdbool.h>
#include <json-c/json.h>

struct cli {
	bool json;		/* --json: one JSON document on stdout */
	const char *cmd;	/* name of the running command */
};

struct cli_cmd {
	const char *name;
	const char *args;	/* usage after the name */
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
};

/* Exit statuses of every command */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

/*
 * Report a failure: for people on stderr, with --json as
 * {"error": MSG, "errno": NAME} on stdout.  @err is a negative errno or 0.
 * Returns CLI_FAIL.
 */
int cli_fail(struct cli *cli, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_usage(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print @obj (consumed) as the command's JSON document. */
void cli_json_print(json_object *obj);
/* Open /dev/probelab or explain why it cannot be opened. */
struct pl_handle;
int cli_open(struct cli *cli, struct pl_handle **h);

extern const struct cli_cmd cli_cmd_info;
extern const struct cli_cmd cli_cmd_fw;
extern const struct cli_cmd cli_cmd_load;
extern const struct cli_cmd cli_cmd_unload;

/* ---- the lab commands (issue 3) ---- */
extern const struct cli_cmd cli_cmd_topo;
extern const struct cli_cmd cli_cmd_dev;
extern const struct cli_cmd cli_cmd_iommu;
extern const struct cli_cmd cli_cmd_bind;
extern const struct cli_cmd cli_cmd_unbind;
extern const struct cli_cmd cli_cmd_status;
extern const struct cli_cmd cli_cmd_reset;
extern const struct cli_cmd cli_cmd_stats;
extern const struct cli_cmd cli_cmd_monitor;
extern const struct cli_cmd cli_cmd_bench;

/* Shared by the lab commands (cmd_status.c). */
struct probelab_dev_info;
struct probelab_iommu_info;
struct probelab_group_info;
/*
 * Resolve a device reference (id, name or PCI address) or report why it
 * cannot be: CLI_OK or CLI_FAIL (already reported).
 */
int cli_dev_ref(struct cli *cli, struct pl_handle *h, const char *ref,
		struct probelab_dev_info *info);
/* A device, an instance, a group as JSON (@iommus names the ordinals). */
json_object *cli_dev_json(const struct probelab_dev_info *d,
			  const struct probelab_iommu_info *iommus,
			  unsigned int nr_iommus);
json_object *cli_iommu_json(const struct probelab_iommu_info *i);
json_object *cli_group_json(const struct probelab_group_info *g,
			    const struct probelab_iommu_info *iommus,
			    unsigned int nr_iommus);
/* "fixed: EBUSY (Device or resource busy)" style errno text */
const char *cli_errstr(int err, char *buf, unsigned long len);
/* The NUL-terminated copy of a fixed-size name field. */
void cli_name(char *dst, const char *src, unsigned long srclen);

#endif /* PROBELAB_CLI_H */

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
extern const struct cli_cmd cli_cmd_load;
extern const struct cli_cmd cli_cmd_unload;

#endif /* PROBELAB_CLI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* probelab CLI: shared declarations of the command files */
#ifndef PROBELAB_CLI_H
#define PROBELAB_CLI_H

#include <stdbool.h>
#include <json-c/json.h>

#include <stdint.h>

struct pl_handle;

#define CLI_SESSION_DOMAINS	64

/*
 * probelab session: the /dev/probelab file every command of the session
 * shares - the owner token of its claims and domains - and the domains
 * `domain alloc` made in it, which later lines name $1, $2, ...
 */
struct cli_session {
	struct pl_handle *h;
	uint32_t domains[CLI_SESSION_DOMAINS];
	unsigned int nr_domains;
};

struct cli {
	bool json;		/* --json: one JSON document on stdout */
	const char *cmd;	/* name of the running command */
	struct cli_session *session;	/* inside probelab session */
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
/* Sessions print each document on one line. */
void cli_json_set_lines(bool lines);
/* Open /dev/probelab or explain why it cannot be opened. */
int cli_open(struct cli *cli, struct pl_handle **h);
/*
 * The start of a command that takes no argument: a usage error when it got
 * one (@argc counts the command's name), else cli_open().
 */
int cli_open_noargs(struct cli *cli, int argc, struct pl_handle **h);
/* A domain id (decimal or 0x hex, 1..UINT32_MAX): CLI_OK or CLI_USAGE. */
int cli_parse_domain(struct cli *cli, const char *s, uint32_t *id);
/*
 * The owner token: the session's file inside `probelab session`, else a
 * file of its own (whose claims and domains end with the process).
 * cli_token_close() leaves the session's file open.
 */
int cli_token_open(struct cli *cli, struct pl_handle **h);
void cli_token_close(struct cli *cli, struct pl_handle *h);
/*
 * A session remembers the domains allocated in it: returns N for $N, 0
 * outside a session or when it holds CLI_SESSION_DOMAINS already.
 */
unsigned int cli_session_domain(struct cli *cli, uint32_t domain_id);
/* Run one command line (argv[0] the command); its exit status. */
int cli_dispatch(struct cli *cli, int argc, char **argv);
/* Symbolic errno name for JSON, NULL when unknown. */
const char *cli_errno_name(int err);

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

/* ---- ownership, domains, page tables, checker, injection (issue 4) ---- */
extern const struct cli_cmd cli_cmd_claim;
extern const struct cli_cmd cli_cmd_release;
extern const struct cli_cmd cli_cmd_domain;
extern const struct cli_cmd cli_cmd_map;
extern const struct cli_cmd cli_cmd_unmap;
extern const struct cli_cmd cli_cmd_iova;
extern const struct cli_cmd cli_cmd_check;
extern const struct cli_cmd cli_cmd_inject;
extern const struct cli_cmd cli_cmd_session;

/* ---- the race engine (issue 5) ---- */
extern const struct cli_cmd cli_cmd_race;
extern const struct cli_cmd cli_cmd_scenarios;
extern const struct cli_cmd cli_cmd_bugs;
struct race_opts;
/* a run's budget as JSON: {"iterations": N} or {"seconds": S} */
json_object *cli_race_budget_json(const struct race_opts *o);
/* `race --seeds A-B` (cmd_race_sweep.c): CLI_OK when every run met its expectation */
int cli_race_sweep(struct cli *cli, const struct race_opts *o);
/*
 * `race --minimize` (cmd_race_minimize.c): CLI_OK with the minimal file
 * printed, CLI_USAGE for a scenario written in C, else CLI_FAIL
 */
int cli_race_minimize(struct cli *cli, const struct race_opts *o);

/* ---- the ioctl fuzzer (issue 11) ---- */
extern const struct cli_cmd cli_cmd_fuzz;

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
/*
 * cli_open() and cli_dev_ref(): *@h open, the device in @info and its name
 * in @name (PROBELAB_NAME_LEN + 1 bytes), CLI_OK; else nothing open and
 * CLI_FAIL (reported).
 */
int cli_dev_open(struct cli *cli, const char *ref, struct pl_handle **h,
		 struct probelab_dev_info *info, char *name);
/* A device, an instance, a group as JSON (@iommus names the ordinals). */
json_object *cli_dev_json(const struct probelab_dev_info *d,
			  const struct probelab_iommu_info *iommus,
			  unsigned int nr_iommus);
json_object *cli_iommu_json(const struct probelab_iommu_info *i);
json_object *cli_group_json(const struct probelab_group_info *g,
			    const struct probelab_iommu_info *iommus,
			    unsigned int nr_iommus);
/* A group by its decimal id, or report why not: CLI_OK or CLI_FAIL. */
int cli_group_ref(struct cli *cli, struct pl_handle *h, const char *ref,
		  struct probelab_group_info *info);
/* "none", "DMA-API (2)", "claimed (1 claim)" */
const char *cli_owner_str(const struct probelab_group_info *g, char *buf,
			  unsigned long len);
/* "fixed: EBUSY (Device or resource busy)" style errno text */
const char *cli_errstr(int err, char *buf, unsigned long len);
/* The NUL-terminated copy of a fixed-size name field. */
void cli_name(char *dst, const char *src, unsigned long srclen);

#endif /* PROBELAB_CLI_H */

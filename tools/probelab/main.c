// SPDX-License-Identifier: GPL-2.0
/* probelab CLI: option handling, command dispatch and output helpers */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

static const struct cli_cmd *const commands[] = {
	&cli_cmd_info,
	&cli_cmd_load,
	&cli_cmd_unload,
	&cli_cmd_topo,
	&cli_cmd_dev,
	&cli_cmd_iommu,
	&cli_cmd_bind,
	&cli_cmd_unbind,
	&cli_cmd_status,
	&cli_cmd_reset,
	&cli_cmd_stats,
	&cli_cmd_monitor,
	&cli_cmd_bench,
	&cli_cmd_claim,
	&cli_cmd_release,
	&cli_cmd_domain,
	&cli_cmd_map,
	&cli_cmd_unmap,
	&cli_cmd_iova,
	&cli_cmd_check,
	&cli_cmd_inject,
	&cli_cmd_session,
	&cli_cmd_fw,
	&cli_cmd_race,
	&cli_cmd_scenarios,
	&cli_cmd_bugs,
	&cli_cmd_fuzz,
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case ENODEV: return "ENODEV";
	case E2BIG: return "E2BIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case EOVERFLOW: return "EOVERFLOW";
	case ENODATA: return "ENODATA";
	case ENOSPC: return "ENOSPC";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EIO: return "EIO";
	case EFAULT: return "EFAULT";
	case EPROTO: return "EPROTO";
	case EINTR: return "EINTR";
	case ENXIO: return "ENXIO";
	default: return err > 0 ? pl_errno_name(err) : NULL;
	}
}

const char *cli_errno_name(int err)
{
	return errno_name(err < 0 ? -err : err);
}

static bool json_lines;

void cli_json_set_lines(bool lines)
{
	json_lines = lines;
}

void cli_json_print(json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, (json_lines ?
		JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY) |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(obj);
}

static int vreport(struct cli *cli, int err, int status, const char *fmt,
		   va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cli->json && status != CLI_USAGE) {
		json_object *o = json_object_new_object();
		const char *name = errno_name(-err);

		json_object_object_add(o, "error", json_object_new_string(msg));
		if (err)
			json_object_object_add(o, "errno", name ?
				json_object_new_string(name) :
				json_object_new_int(-err));
		cli_json_print(o);
	} else {
		fprintf(stderr, "probelab%s%s: %s\n", cli->cmd ? " " : "",
			cli->cmd ? cli->cmd : "", msg);
	}
	return status;
}

int cli_fail(struct cli *cli, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vreport(cli, err, CLI_FAIL, fmt, ap);
	va_end(ap);
	return ret;
}

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	const struct cli_cmd *c = NULL;
	va_list ap;

	va_start(ap, fmt);
	vreport(cli, 0, CLI_USAGE, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (cli->cmd && !strcmp(commands[i]->name, cli->cmd))
			c = commands[i];
	if (c)
		fprintf(stderr, "usage: probelab %s %s\n", c->name, c->args);
	return CLI_USAGE;
}

int cli_open(struct cli *cli, struct pl_handle **h)
{
	int ret = pl_open(h);

	if (ret == -ENOENT)
		return cli_fail(cli, ret, "%s does not exist: probelab.ko is not loaded (probelab load)",
				PL_DEVICE_PATH);
	if (ret == -EACCES)
		return cli_fail(cli, ret, "%s: permission denied (it is 0600, root only)",
				PL_DEVICE_PATH);
	if (ret < 0)
		return cli_fail(cli, ret, "%s: %s", PL_DEVICE_PATH,
				strerror(-ret));
	return CLI_OK;
}

int cli_open_noargs(struct cli *cli, int argc, struct pl_handle **h)
{
	if (argc > 1)
		return cli_usage(cli, "no arguments expected");
	return cli_open(cli, h);
}

int cli_parse_domain(struct cli *cli, const char *s, uint32_t *id)
{
	uint64_t v;

	if (pl_parse_u64(s, &v) || !v || v > UINT32_MAX)
		return cli_usage(cli, "'%s' is not a domain id", s);
	*id = (uint32_t)v;
	return CLI_OK;
}

int cli_token_open(struct cli *cli, struct pl_handle **h)
{
	if (cli->session) {
		*h = cli->session->h;
		return CLI_OK;
	}
	return cli_open(cli, h);
}

void cli_token_close(struct cli *cli, struct pl_handle *h)
{
	if (h && (!cli->session || h != cli->session->h))
		pl_close(h);
}

unsigned int cli_session_domain(struct cli *cli, uint32_t domain_id)
{
	struct cli_session *s = cli->session;

	if (!s || s->nr_domains >= CLI_SESSION_DOMAINS)
		return 0;
	s->domains[s->nr_domains++] = domain_id;
	return s->nr_domains;
}

int cli_dispatch(struct cli *cli, int argc, char **argv)
{
	for (size_t c = 0; c < NR_COMMANDS; c++) {
		if (strcmp(argv[0], commands[c]->name))
			continue;
		cli->cmd = commands[c]->name;
		return commands[c]->run(cli, argc, argv);
	}
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: probelab [--json] COMMAND [ARGS]\n\n"
		"Drive probelab.ko: the IOMMU fwspec/probe-layer laboratory.\n\n"
		"commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n  %-8s   %s\n", commands[i]->name,
			commands[i]->args, "", commands[i]->summary);
	fprintf(f, "\n--json prints one JSON document on stdout, for machines\n"
		"(monitor --json: one JSON object per line, per event).\n"
		"probelab --version prints the tool's version.\n");
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int i, n = 0;

	/* --json may stand anywhere before "--"; take it out of argv. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			for (; i < argc; i++)
				argv[++n] = argv[i];
			break;
		}
		if (!strcmp(argv[i], "--json"))
			cli.json = true;
		else
			argv[++n] = argv[i];
	}
	argc = n + 1;
	argv[argc] = NULL;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("probelab %s (uapi %d)\n", PROBELAB_VERSION,
		       PROBELAB_UAPI_VERSION);
		return CLI_OK;
	}
	i = cli_dispatch(&cli, argc - 1, argv + 1);
	if (i >= 0)
		return i;
	fprintf(stderr, "probelab: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}

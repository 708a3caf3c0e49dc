// SPDX-License-Identifier: GPL-2.0
/*
 * probelab session: run probelab commands, one per line, on one open
 * /dev/probelab file - the owner token - so that claims, domains and
 * attachments made by one command are there for the next.  The claims end
 * and the domains are freed when the session ends.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "probelab.h"

#define SESSION_MAX_LINE	4096
#define SESSION_MAX_ARGS	64

/*
 * Replaces each word "$N" by the id of the Nth domain allocated in the
 * session, into @buf; -ENOENT (word index in *bad) when there is none.
 */
static int subst(struct cli_session *s, char **argv, int argc,
		 char (*buf)[12], int *bad)
{
	for (int i = 0; i < argc; i++) {
		uint64_t n;

		if (argv[i][0] != '$')
			continue;
		if (pl_parse_u64(argv[i] + 1, &n) || !n || n > s->nr_domains) {
			*bad = i;
			return -ENOENT;
		}
		snprintf(buf[i], sizeof(buf[i]), "%u", s->domains[n - 1]);
		argv[i] = buf[i];
	}
	return 0;
}

/* Splits @line at blanks in place; '#' starts a comment.  -E2BIG. */
static int split(char *line, char **argv, int *argc)
{
	char *p = line;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (n == SESSION_MAX_ARGS - 1)
			return -E2BIG;
		argv[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n')
			p++;
		if (*p)
			*p++ = 0;
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

static int session_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-going", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char line[SESSION_MAX_LINE], *av[SESSION_MAX_ARGS];
	char words[SESSION_MAX_ARGS][12];
	int c, ret, status = CLI_OK, keep_going = 0, interactive;
	struct cli_session sess = { 0 };
	unsigned int lineno = 0;
	const char *path;
	FILE *in = stdin;

	if (cli->session)
		return cli_usage(cli, "a session cannot start a session");
	optind = 1;
	while ((c = getopt_long(argc, argv, "kh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			keep_going = 1;
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind > 1)
		return cli_usage(cli, "session reads one FILE (or stdin)");
	path = argc - optind == 1 ? argv[optind] : "-";
	if (strcmp(path, "-")) {
		in = fopen(path, "re");
		if (!in)
			return cli_fail(cli, -errno, "%s: %s", path,
					strerror(errno));
	}
	ret = cli_open(cli, &sess.h);
	if (ret) {
		if (in != stdin)
			fclose(in);
		return ret;
	}
	interactive = in == stdin && isatty(0) && !cli->json;
	if (cli->json)
		cli_json_set_lines(true);
	for (;;) {
		struct cli sub = { .json = cli->json, .session = &sess };
		int n, bad, tolerate = 0, st;
		char *cmdline;

		if (interactive) {
			fputs("probelab> ", stdout);
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), in))
			break;
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			cli->cmd = "session";
			status = cli_fail(cli, -E2BIG, "line %u is longer than %d characters",
					  lineno, SESSION_MAX_LINE - 2);
			break;
		}
		cmdline = line;
		while (*cmdline == ' ' || *cmdline == '\t')
			cmdline++;
		/* "-command": its failure does not end the session */
		if (*cmdline == '-' && cmdline[1] != '-') {
			tolerate = 1;
			cmdline++;
		}
		if (split(cmdline, av, &n)) {
			cli->cmd = "session";
			status = cli_fail(cli, -E2BIG, "line %u has more than %d words",
					  lineno, SESSION_MAX_ARGS - 1);
			break;
		}
		if (!n)
			continue;
		if (!strcmp(av[0], "exit") || !strcmp(av[0], "quit"))
			break;
		if (!strcmp(av[0], "session")) {
			cli->cmd = "session";
			st = cli_fail(cli, -EINVAL, "line %u: a session cannot start a session",
				      lineno);
		} else if (subst(&sess, av, n, words, &bad)) {
			cli->cmd = "session";
			st = cli_fail(cli, -ENOENT, "line %u: %s names no domain of this session (%u allocated so far)",
				      lineno, av[bad], sess.nr_domains);
		} else {
			st = cli_dispatch(&sub, n, av);
			if (st < 0) {
				cli->cmd = "session";
				st = cli_fail(cli, -EINVAL, "line %u: unknown command '%s'",
					      lineno, av[0]);
			}
		}
		fflush(stdout);
		if (st == CLI_OK || tolerate)
			continue;
		if (!status)
			status = st;
		if (!keep_going) {
			fprintf(stderr, "probelab session: line %u (%s) failed with exit status %d: stopping (claims released, domains freed)\n",
				lineno, av[0], st);
			break;
		}
	}
	if (ferror(in) && !status) {
		cli->cmd = "session";
		status = cli_fail(cli, -EIO, "reading %s failed", path);
	}
	if (in != stdin)
		fclose(in);
	/* the token goes: the module releases its claims, frees its domains */
	pl_close(sess.h);
	cli_json_set_lines(false);
	return status;
}

const struct cli_cmd cli_cmd_session = {
	.name = "session",
	.args = "[--keep-going] [FILE|-]",
	.summary = "run commands (one per line) on one owner token; $N: Nth domain allocated; '-cmd' tolerates a failure",
	.run = session_run,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab race --minimize: a reproducing run of a scenario file (--file,
 * or --scenario NAME of a file) shrunk by delta debugging (race_minimize.h)
 * to the fewest actors, statements and injections that still reproduce the
 * same bug under the same seed; progress on stderr, the minimal scenario
 * file on stdout (or --json).  docs/races.md, "Minimising".
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "known_bugs.h"
#include "race.h"
#include "race_minimize.h"

static void on_signal(int sig)
{
	(void)sig;
	race_interrupt();
}

static void log_line(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "probelab race --minimize: %s\n", line);
}

static json_object *size_json(const struct race_min_size *sz)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "statements", json_object_new_int64(sz->statements));
	json_object_object_add(o, "actors", json_object_new_int64(sz->actors));
	json_object_object_add(o, "injections", json_object_new_int64(sz->injections));
	return o;
}

int cli_race_minimize(struct cli *cli, const struct race_opts *o)
{
	struct race_min_result res;
	struct sigaction sa, old_int, old_term;
	char err[512];
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = race_minimize(o, &res, o->quiet ? NULL : log_line, NULL, err,
			    sizeof(err));
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (ret == -EOPNOTSUPP) {
		cli_fail(cli, ret, "--minimize: %s", err);
		return CLI_USAGE;
	}
	if (ret)
		return cli_fail(cli, ret, "--minimize: %s", err);

	if (cli->json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "scenario",
				       json_object_new_string(o->scenario->name));
		json_object_object_add(j, "policy",
				       json_object_new_string(pl_policy_name(o->policy)));
		json_object_object_add(j, "seed", json_object_new_uint64(o->seed));
		json_object_object_add(j, "budget", cli_race_budget_json(o));
		json_object_object_add(j, "known_bug", res.bug ?
				       json_object_new_string(res.bug->id) : NULL);
		json_object_object_add(j, "invariant",
				       json_object_new_int64(res.invariant));
		json_object_object_add(j, "before", size_json(&res.before));
		json_object_object_add(j, "after", size_json(&res.after));
		json_object_object_add(j, "runs", json_object_new_int64(res.runs));
		json_object_object_add(j, "reproduced",
				       json_object_new_int64(res.reproduced));
		json_object_object_add(j, "invalid", json_object_new_int64(res.invalid));
		json_object_object_add(j, "cached", json_object_new_int64(res.cached));
		json_object_object_add(j, "elapsed_ns",
				       json_object_new_uint64(res.elapsed_ns));
		json_object_object_add(j, "interrupted",
				       json_object_new_boolean(res.interrupted));
		json_object_object_add(j, "confirmed",
				       json_object_new_boolean(res.confirmed));
		json_object_object_add(j, "text", json_object_new_string(res.text));
		cli_json_print(j);
	} else {
		fprintf(stderr, "probelab race --minimize: %s (invariant %u): statements %u -> %u, actors %u -> %u, injections %u -> %u; %u runs (%u reproduced), %u candidates did not parse, %u repeated; %.1f s; the minimal file %s%s\n",
			res.bug ? res.bug->id : "new", res.invariant,
			res.before.statements, res.after.statements,
			res.before.actors, res.after.actors,
			res.before.injections, res.after.injections,
			res.runs, res.reproduced, res.invalid, res.cached,
			(double)res.elapsed_ns / 1e9,
			res.confirmed ? "reproduced again" : "did not reproduce again",
			res.interrupted ? "; interrupted: the smallest found so far" : "");
		fputs(res.text, stdout);
	}
	/*
	 * A minimal file that did not reproduce again is no reproducer to
	 * hand on (ddmin dropped what a second cycle needs, or the first
	 * run was luck): printed for reading, but the command fails.
	 */
	if (!res.confirmed && !res.interrupted)
		fprintf(stderr, "probelab race --minimize: the minimal file did not reproduce on its confirming run: it is printed for reading, not as a reproducer (try a longer --seconds, or keep the cleanup it dropped)\n");
	ret = res.interrupted || !res.confirmed ? CLI_FAIL : CLI_OK;
	race_min_result_free(&res);
	return ret;
}

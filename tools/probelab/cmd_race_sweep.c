// SPDX-License-Identifier: GPL-2.0
/*
 * probelab race --seeds A-B: a seed sweep - every scenario × policy given,
 * for every seed of the range, on a short budget per run (--seconds or
 * --iterations, default RACE_SWEEP_DEFAULT_SECONDS); progress on stderr,
 * then a table per pair (outcome frequencies, time to the first
 * violation, the known bugs seen) or --json.  docs/races.md, "Seed sweeps".
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "known_bugs.h"
#include "probelab.h"
#include "race.h"

static volatile sig_atomic_t sweep_stop;

static void on_signal(int sig)
{
	(void)sig;
	sweep_stop = 1;
	race_interrupt();
}

/* the outcome letters of the table's columns */
static const char *const outcome_head[] = {
	[RACE_HELD] = "held",
	[RACE_REPRODUCED] = "repro",
	[RACE_OTHER_KNOWN] = "other",
	[RACE_NEW] = "new",
};

static json_object *pair_json(const struct race_sweep_pair *p)
{
	json_object *o = json_object_new_object(), *a, *b;
	uint64_t med, max;

	json_object_object_add(o, "scenario", json_object_new_string(p->sc->name));
	json_object_object_add(o, "policy",
			       json_object_new_string(pl_policy_name(p->policy)));
	json_object_object_add(o, "scenario_bug", p->sc->known_bug ?
			       json_object_new_string(p->sc->known_bug) : NULL);
	json_object_object_add(o, "expected", p->expected >= 0 ?
		json_object_new_string(race_expect_name((enum race_expect)p->expected)) :
		NULL);
	json_object_object_add(o, "runs", json_object_new_int64(p->runs));
	b = json_object_new_object();
	for (unsigned int i = 0; i <= RACE_NEW; i++)
		json_object_object_add(b, race_outcome_name((enum race_outcome)i),
				       json_object_new_int64(p->outcomes[i]));
	json_object_object_add(o, "outcomes", b);
	json_object_object_add(o, "errors", json_object_new_int64(p->errors));
	json_object_object_add(o, "off_expectation", json_object_new_int64(p->off));
	a = json_object_new_array();
	for (unsigned int i = 0; i < p->off && i < RACE_SWEEP_OFF_KEPT; i++)
		json_object_array_add(a, json_object_new_uint64(p->off_seeds[i]));
	json_object_object_add(o, "off_seeds", a);
	if (race_sweep_pair_times(p, &med, &max)) {
		b = json_object_new_object();
		json_object_object_add(b, "runs", json_object_new_int64(p->nr_first));
		json_object_object_add(b, "median_ns", json_object_new_uint64(med));
		json_object_object_add(b, "max_ns", json_object_new_uint64(max));
		json_object_object_add(o, "first_violation", b);
	} else {
		json_object_object_add(o, "first_violation", NULL);
	}
	b = json_object_new_object();
	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++)
		if (p->bug_runs[i])
			json_object_object_add(b, known_bug_at(i)->id,
					       json_object_new_int64(p->bug_runs[i]));
	if (p->new_runs)
		json_object_object_add(b, "new", json_object_new_int64(p->new_runs));
	json_object_object_add(o, "bugs_seen", b);
	return o;
}

static void print_pair(const struct race_sweep_pair *p)
{
	uint64_t med, max;
	char times[48], bugs[512];
	size_t n = 0;

	if (race_sweep_pair_times(p, &med, &max))
		snprintf(times, sizeof(times), "%.3f %.3f", (double)med / 1e9,
			 (double)max / 1e9);
	else
		snprintf(times, sizeof(times), "- -");
	bugs[0] = 0;
	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++)
		if (p->bug_runs[i] && n < sizeof(bugs))
			n += (size_t)snprintf(bugs + n, sizeof(bugs) - n, "%s%s x%u",
					      n ? ", " : "", known_bug_at(i)->id,
					      p->bug_runs[i]);
	if (p->new_runs && n < sizeof(bugs))
		n += (size_t)snprintf(bugs + n, sizeof(bugs) - n, "%snew x%u",
				      n ? ", " : "", p->new_runs);
	printf("%-29s %-9s %-9s %4u %4u %5u %5u %4u %4u %13s  %-4s %s\n",
	       p->sc->name, pl_policy_name(p->policy),
	       p->expected < 0 ? "-" :
	       race_expect_name((enum race_expect)p->expected), p->runs,
	       p->outcomes[RACE_HELD], p->outcomes[RACE_REPRODUCED],
	       p->outcomes[RACE_OTHER_KNOWN], p->outcomes[RACE_NEW], p->errors,
	       times, p->off ? "OFF" : "ok", n ? bugs : "-");
	if (p->off) {
		printf("%-29s   off expectation: %u run%s, seeds", "", p->off,
		       p->off == 1 ? "" : "s");
		for (unsigned int i = 0; i < p->off && i < RACE_SWEEP_OFF_KEPT; i++)
			printf(" %" PRIu64, p->off_seeds[i]);
		printf("%s\n", p->off > RACE_SWEEP_OFF_KEPT ? " ..." : "");
	}
}

int cli_race_sweep(struct cli *cli, const struct race_opts *o)
{
	uint64_t nr_seeds = o->seed_hi - o->seed_lo + 1;
	unsigned int nr_pairs = o->nr_scenarios * o->nr_policies, k = 0;
	struct race_sweep_pair *pairs;
	struct sigaction sa, old_int, old_term;
	struct race_result *res;
	unsigned int off = 0, runs = 0;
	int status = CLI_OK;

	pairs = calloc(nr_pairs, sizeof(*pairs));
	res = calloc(1, sizeof(*res));
	if (!pairs || !res) {
		free(pairs);
		free(res);
		return cli_fail(cli, -ENOMEM, "out of memory");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sweep_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (unsigned int s = 0; s < o->nr_scenarios; s++) {
		for (unsigned int pi = 0; pi < o->nr_policies; pi++) {
			struct race_sweep_pair *p = &pairs[k++];
			struct race_opts run = *o;

			run.scenario = o->scenarios[s];
			run.policy = o->policies[pi];
			run.sweep = false;
			run.seeded = true;
			if (race_sweep_pair_init(p, &run, nr_seeds)) {
				status = cli_fail(cli, -ENOMEM, "out of memory");
				goto out;
			}
			for (uint64_t seed = o->seed_lo;
			     seed <= o->seed_hi && !sweep_stop; seed++) {
				int ret;

				run.seed = seed;
				ret = race_run(&run, res, NULL, NULL);
				race_sweep_pair_add(p, seed, ret, res);
				if (!o->quiet)
					fprintf(stderr, "probelab race: %s %s seed %" PRIu64 ": %s%s%s%s (%u of %" PRIu64 " seeds, pair %u of %u)\n",
						run.scenario->name,
						pl_policy_name(run.policy), seed,
						ret || res->err ? "error" :
						race_outcome_name(race_outcome(res)),
						res->outcome_bug ? " " : "",
						res->outcome_bug ?
						res->outcome_bug->id : "",
						ret ? (res->errmsg[0] ? ": " : "") : "",
						p->runs, nr_seeds, k, nr_pairs);
				if (ret && !o->quiet && res->errmsg[0])
					fprintf(stderr, "probelab race: %s\n",
						res->errmsg);
				if (seed == UINT64_MAX)
					break;
			}
			runs += p->runs;
			off += p->off;
			if (p->off || p->runs < nr_seeds)
				status = CLI_FAIL;
		}
	}
	if (sweep_stop)
		status = CLI_FAIL;

	if (cli->json) {
		json_object *root = json_object_new_object(), *a, *b;

		b = json_object_new_object();
		json_object_object_add(b, "from", json_object_new_uint64(o->seed_lo));
		json_object_object_add(b, "to", json_object_new_uint64(o->seed_hi));
		json_object_object_add(root, "seeds", b);
		json_object_object_add(root, "budget", cli_race_budget_json(o));
		json_object_object_add(root, "runs", json_object_new_int64(runs));
		json_object_object_add(root, "off_expectation",
				       json_object_new_int64(off));
		json_object_object_add(root, "interrupted",
				       json_object_new_boolean(sweep_stop));
		json_object_object_add(root, "as_expected",
				       json_object_new_boolean(status == CLI_OK));
		a = json_object_new_array();
		for (unsigned int i = 0; i < k; i++)
			json_object_array_add(a, pair_json(&pairs[i]));
		json_object_object_add(root, "pairs", a);
		cli_json_print(root);
	} else {
		if (o->iterations)
			printf("sweep of seeds %" PRIu64 "-%" PRIu64 ", --iterations %" PRIu64 " per run: %u runs, %u off expectation%s\n",
			       o->seed_lo, o->seed_hi, o->iterations, runs, off,
			       sweep_stop ? " (interrupted)" : "");
		else
			printf("sweep of seeds %" PRIu64 "-%" PRIu64 ", --seconds %g per run: %u runs, %u off expectation%s\n",
			       o->seed_lo, o->seed_hi, o->seconds, runs, off,
			       sweep_stop ? " (interrupted)" : "");
		printf("%-29s %-9s %-9s %4s %4s %5s %5s %4s %4s %13s  %-4s %s\n",
		       "SCENARIO", "POLICY", "EXPECT", "RUNS",
		       outcome_head[RACE_HELD], outcome_head[RACE_REPRODUCED],
		       outcome_head[RACE_OTHER_KNOWN], outcome_head[RACE_NEW],
		       "err", "MEDIAN MAX s", "", "BUGS SEEN (runs)");
		for (unsigned int i = 0; i < k; i++)
			print_pair(&pairs[i]);
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (unsigned int i = 0; i < k; i++)
		race_sweep_pair_free(&pairs[i]);
	free(pairs);
	free(res);
	return status;
}

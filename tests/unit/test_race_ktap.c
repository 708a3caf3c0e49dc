// SPDX-License-Identifier: GPL-2.0
/*
 * `probelab race --ktap` (tools/lib/race_ktap.c): campaign options, the
 * expectation and verdict of a run, the exact KTAP lines, and a whole
 * document read back by the kernel's KTAP reader, kunit.py parse (named
 * by PROBELAB_KUNIT, which tests/run-unit.sh sets; skipped without it):
 * one built here with every kind of result, and the CLI's own on this
 * machine, where no module is loaded (every run fails to start); the
 * CLI's refusals (PROBELAB_CLI).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "known_bugs.h"
#include "race.h"

#define ARGV(...) ((char *[]){ "race", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "race", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) \
	race_opts_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err), sizeof(err))

static void campaign_options(void **state)
{
	struct race_opts o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "all",
			       "--policy", "all", "--seconds", "4",
			       "--seed", "2026"), 0);
	assert_true(o.ktap);
	assert_int_equal(o.nr_scenarios, race_nr_scenarios());
	for (unsigned int i = 0; i < o.nr_scenarios; i++)
		assert_ptr_equal(o.scenarios[i], race_scenario_at(i));
	assert_ptr_equal(o.scenario, race_scenario_at(0));
	assert_int_equal(o.nr_policies, PL_NR_POLICIES);
	assert_int_equal(o.policies[0], PROBELAB_POLICY_FIXED);
	assert_int_equal(o.policies[2], PROBELAB_POLICY_MAINLINE);

	/* lists keep their order */
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "two-instances,hotadd-claimed-group",
			       "--policy", "mainline,fixed"), 0);
	assert_int_equal(o.nr_scenarios, 2);
	assert_string_equal(o.scenarios[0]->name, "two-instances");
	assert_string_equal(o.scenarios[1]->name, "hotadd-claimed-group");
	assert_ptr_equal(o.scenario, o.scenarios[0]);
	assert_int_equal(o.nr_policies, 2);
	assert_int_equal(o.policies[0], PROBELAB_POLICY_MAINLINE);
	assert_int_equal(o.policies[1], PROBELAB_POLICY_FIXED);
	assert_int_equal(o.policy, PROBELAB_POLICY_MAINLINE);

	/* one run: as before, with or without --ktap */
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed"), 0);
	assert_false(o.ktap);
	assert_int_equal(o.nr_scenarios, 1);
	assert_int_equal(o.nr_policies, 1);
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "two-instances",
			       "--policy", "fixed"), 0);

	/* several runs need --ktap */
	assert_int_equal(PARSE(&o, err, "--scenario", "all", "--policy",
			       "fixed"), -EINVAL);
	assert_non_null(strstr(err, "add --ktap"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed,mainline"), -EINVAL);
	assert_non_null(strstr(err, "add --ktap"));
	/* names checked, repeats refused */
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "two-instances,nope", "--policy", "all"), -EINVAL);
	assert_non_null(strstr(err, "no scenario named 'nope'"));
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "two-instances,two-instances", "--policy",
			       "all"), -EINVAL);
	assert_non_null(strstr(err, "listed twice"));
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", ",",
			       "--policy", "all"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "all",
			       "--policy", "fixed,fixed"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "all",
			       "--policy", "fixed,linux-6.2"), -EINVAL);
	assert_non_null(strstr(err, "'fixed,linux-6.2'"));
	/* --threads must suit every scenario of the list */
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "fwspec-free-vs-xlate,two-instances", "--policy",
			       "all", "--threads", "3"), -EINVAL);
	assert_non_null(strstr(err, "'two-instances' takes --threads"));
	/* --plan is one scenario's */
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "two-instances",
			       "--plan"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "all", "--plan"), -EINVAL);
}

static void expectations_and_verdicts(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	struct race_scenario fake;
	struct race_opts o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "two-instances",
			       "--policy", "all"), 0);
	o.policy = PROBELAB_POLICY_FIXED;
	assert_int_equal(race_expected(&o), RACE_EXPECT_HOLD);
	o.policy = PROBELAB_POLICY_LINUX_6_1;
	assert_int_equal(race_expected(&o), RACE_EXPECT_REPRODUCE);
	/* --expect wins */
	o.expect = RACE_EXPECT_HOLD;
	assert_int_equal(race_expected(&o), RACE_EXPECT_HOLD);
	o.expect = -1;
	/* an entry that states nothing for a policy, or is only listed */
	fake = *o.scenario;
	fake.expect[PROBELAB_POLICY_MAINLINE] = 0xff;
	o.scenario = &fake;
	o.policy = PROBELAB_POLICY_MAINLINE;
	assert_int_equal(race_expected(&o), -1);
	fake.implemented = false;
	o.policy = PROBELAB_POLICY_FIXED;
	assert_int_equal(race_expected(&o), -1);

	res->stopped = "budget";
	res->cycles = 10;
	assert_int_equal(race_verdict(RACE_EXPECT_HOLD, 0, res), RACE_VERDICT_OK);
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, res),
			 RACE_VERDICT_NOT_OK);
	assert_int_equal(race_verdict(-1, 0, res), RACE_VERDICT_SKIP);
	/* the scenario's own bug */
	res->violations = 2;
	res->outcome = RACE_REPRODUCED;
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, res),
			 RACE_VERDICT_OK);
	assert_int_equal(race_verdict(RACE_EXPECT_HOLD, 0, res),
			 RACE_VERDICT_NOT_OK);
	/* another catalogued bug: a hold is met, a reproduction is not */
	res->outcome = RACE_OTHER_KNOWN;
	assert_int_equal(race_verdict(RACE_EXPECT_HOLD, 0, res),
			 RACE_VERDICT_OK);
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, res),
			 RACE_VERDICT_NOT_OK);
	/* a violation no entry explains meets nothing */
	res->outcome = RACE_NEW;
	assert_int_equal(race_verdict(RACE_EXPECT_HOLD, 0, res),
			 RACE_VERDICT_NOT_OK);
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, res),
			 RACE_VERDICT_NOT_OK);
	res->outcome = RACE_REPRODUCED;
	/* an error or an interruption is never a pass, nor a skip */
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, -ENOENT, res),
			 RACE_VERDICT_NOT_OK);
	assert_int_equal(race_verdict(-1, -ENOENT, res), RACE_VERDICT_NOT_OK);
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, NULL),
			 RACE_VERDICT_NOT_OK);
	res->err = -EIO;
	assert_int_equal(race_verdict(RACE_EXPECT_REPRODUCE, 0, res),
			 RACE_VERDICT_NOT_OK);
	assert_int_equal(race_verdict(-1, 0, res), RACE_VERDICT_NOT_OK);
	res->err = 0;
	res->violations = 0;
	res->stopped = "interrupted";
	assert_int_equal(race_verdict(RACE_EXPECT_HOLD, 0, res),
			 RACE_VERDICT_NOT_OK);
	test_free(res);
}

/* A held run, a reproduction, their lines. */
static void result_lines(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	struct race_opts o;
	char err[256], buf[4096];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "two-instances,hotadd-claimed-group", "--policy",
			       "all", "--seconds", "4", "--seed", "2026"), 0);
	assert_int_equal(race_ktap_header(&o, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		"KTAP version 1\n"
		"1..6\n"
		"# probelab race: 2 scenarios x 3 policies, seed 2026, --seconds 4 per run, a run stops at its first violation\n"
		"# ok: the outcome the catalogue expects under the policy (probelab scenarios)\n");

	o.scenario = race_scenario_find("two-instances");
	o.policy = PROBELAB_POLICY_FIXED;
	res->threads = 2;
	res->cycles = 120;
	res->cycles_started = 121;
	res->elapsed_ns = 4002000000ull;
	res->stopped = "budget";
	assert_int_equal(race_ktap_result(&o, 1, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		"# outcome: held for 120 cycles (0 violations)\n"
		"# expected: hold\n"
		"# seed: 2026\n"
		"# time: 4.002 s, 120 cycles, 0 violations, --threads 2\n"
		"# rerun: probelab race --scenario two-instances --policy fixed --seed 2026 --iterations 120\n"
		"ok 1 two-instances/fixed\n");
	/* the same outcome where the catalogue expects a reproduction */
	o.policy = PROBELAB_POLICY_LINUX_6_1;
	assert_int_equal(race_ktap_result(&o, 2, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# expected: reproduce\n"));
	assert_non_null(strstr(buf, "\nnot ok 2 two-instances/linux-6.1\n"));

	/* a reproduction; a newline in the kernel's text stays in its line */
	o.scenario = race_scenario_find("hotadd-claimed-group");
	memset(res, 0, sizeof(*res));
	res->threads = 1;
	res->cycles = 1;
	res->cycles_started = 1;
	res->violations = 4;
	res->elapsed_ns = 33000000;
	res->stopped = "violation";
	res->have_first = true;
	res->repro_iterations = 1;
	res->first.invariant = 6;
	res->first.cycle = 1;
	res->first.elapsed_ns = 14000000;
	snprintf(res->first.text, sizeof(res->first.text),
		 "dmar0 source 0x0009:\ncontext 0x0/0x0");
	res->first.classified = true;
	res->first.bug = known_bug_find("hotadd-into-owned-group");
	res->by_bug[known_bug_index(res->first.bug)] = 4;
	race_judge(o.scenario, res);
	assert_int_equal(race_ktap_result(&o, 5, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		"# outcome: reproduced hotadd-into-owned-group: invariant 6 (hardware model agrees with software), first after 1 cycles begun, 0.014 s: dmar0 source 0x0009: context 0x0/0x0\n"
		"# bug: first violation hotadd-into-owned-group\n"
		"# violations by bug: hotadd-into-owned-group 4\n"
		"# expected: reproduce\n"
		"# seed: 2026\n"
		"# time: 0.033 s, 1 cycles, 4 violations, --threads 1\n"
		"# reproducer: probelab race --scenario hotadd-claimed-group --policy linux-6.1 --seed 2026 --iterations 1\n"
		"ok 5 hotadd-claimed-group/linux-6.1\n");
	/* another invariant than the one mirrored: said */
	res->first.invariant = 4;
	res->events_missed = 3;
	assert_int_equal(race_ktap_result(&o, 5, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# note: the scenario mirrors invariant 6; this is another one\n"));
	assert_non_null(strstr(buf, "# note: 3 events were lost by the monitor\n"));
	/* under fixed it is a failure */
	o.policy = PROBELAB_POLICY_FIXED;
	assert_int_equal(race_ktap_result(&o, 4, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "\nnot ok 4 hotadd-claimed-group/fixed\n"));
	/* nothing expected: a skip that still says what happened */
	assert_int_equal(race_ktap_result(&o, 4, -1, 0, res, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# outcome: reproduced hotadd-into-owned-group: invariant 4"));
	assert_non_null(strstr(buf, "# expected: nothing stated for fixed\n"));
	assert_non_null(strstr(buf, "\nok 4 hotadd-claimed-group/fixed # SKIP no expectation for fixed\n"));
	/* too small a buffer: nothing, -ENOSPC */
	assert_int_equal(race_ktap_result(&o, 4, -1, 0, res, buf, 100), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(race_ktap_header(&o, buf, 20), -ENOSPC);
	assert_int_equal(race_ktap_skip(&o, 4, "x", buf, 10), -ENOSPC);
	test_free(res);
}

/* Runs that did not start, failed, were interrupted or skipped. */
static void failure_lines(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	struct race_opts o;
	char err[256], buf[4096];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario", "all",
			       "--policy", "linux-6.1", "--iterations", "50",
			       "--seed", "7", "--expect", "reproduce",
			       "--keep-going"), 0);
	o.threads = 2;	/* not a --threads every scenario takes */
	assert_int_equal(race_ktap_header(&o, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		"KTAP version 1\n"
		"1..12\n"
		"# probelab race: 12 scenarios x 1 policy, seed 7, --iterations 50 per run, --threads 2, --keep-going (each run counts violations to its budget's end)\n"
		"# ok: the outcome --expect reproduce\n");

	o.scenario = race_scenario_find("fwspec-free-vs-xlate");
	res->stopped = "error";
	snprintf(res->errmsg, sizeof(res->errmsg),
		 "/dev/probelab: No such file or directory (probelab.ko is not loaded)");
	assert_int_equal(race_ktap_result(&o, 1, race_expected(&o), -ENOENT,
					  res, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
		"# expected: reproduce\n"
		"# seed: 7\n"
		"# error: the run did not start: /dev/probelab: No such file or directory (probelab.ko is not loaded)\n"
		"not ok 1 fwspec-free-vs-xlate/linux-6.1\n");
	assert_int_equal(race_ktap_result(&o, 1, -1, -ENOENT, NULL, buf,
					  sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# error: the run did not start: No such file or directory\n"));
	assert_non_null(strstr(buf, "\nnot ok 1 fwspec-free-vs-xlate/linux-6.1\n"));

	memset(res, 0, sizeof(*res));
	res->threads = 2;
	res->cycles = 3;
	res->violations = 1;
	res->stopped = "error";
	res->err = -EIO;
	snprintf(res->errmsg, sizeof(res->errmsg), "DRV_BIND dev0: EIO");
	race_judge(o.scenario, res);
	assert_int_equal(race_ktap_result(&o, 2, race_expected(&o), 0, res,
					  buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# outcome: new: 1 violations counted by the module, their events lost\n"));
	assert_non_null(strstr(buf, "# error: a scenario step failed: DRV_BIND dev0: EIO\n"));
	assert_non_null(strstr(buf, "\nnot ok 2 fwspec-free-vs-xlate/linux-6.1\n"));

	memset(res, 0, sizeof(*res));
	res->cycles = 3;
	res->stopped = "interrupted";
	assert_int_equal(race_ktap_result(&o, 3, RACE_EXPECT_HOLD, 0, res,
					  buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "# interrupted: the run stopped before its budget was spent\n"));
	assert_non_null(strstr(buf, "\nnot ok 3 fwspec-free-vs-xlate/linux-6.1\n"));

	assert_int_equal(race_ktap_skip(&o, 4, "the campaign was interrupted",
					buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ok 4 fwspec-free-vs-xlate/linux-6.1 # SKIP the campaign was interrupted\n");
	test_free(res);
}

/* kunit.py parse FILE: its summary line, or "" when it printed none. */
static void kunit_parse(const char *kunit, const char *file, char *summary,
			size_t len, unsigned int *errors)
{
	char cmd[1024], line[1024];
	FILE *p;

	summary[0] = 0;
	*errors = 0;
	snprintf(cmd, sizeof(cmd), "python3 '%s' parse '%s' 2>&1", kunit, file);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char *s = strstr(line, "Testing complete. ");

		if (strstr(line, "[ERROR]") || strstr(line, "[CRASHED]") ||
		    strstr(line, "Traceback"))
			(*errors)++;
		if (s) {
			snprintf(summary, len, "%s", s);
			summary[strcspn(summary, "\r\n")] = 0;
		}
	}
	pclose(p);
}

static const char *kunit_path(void)
{
	const char *k = getenv("PROBELAB_KUNIT");

	return k && !access(k, R_OK) ? k : NULL;
}

/* A document with every kind of result, as the kernel's reader reads it. */
static void kunit_reads_a_campaign(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	const char *kunit = kunit_path();
	char path[] = "/tmp/test_race_ktap.XXXXXX";
	char err[256], buf[4096], summary[256];
	unsigned int errors;
	struct race_opts o;
	FILE *f;
	int fd;

	(void)state;
	if (!kunit) {
		test_free(res);
		skip();	/* tests/run-unit.sh names it (tools/deps.sh extracts it) */
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PARSE(&o, err, "--ktap", "--scenario",
			       "hotadd-claimed-group,two-instances,default-domain-not-set",
			       "--policy", "fixed,linux-6.1", "--seed", "3"), 0);
	assert_int_equal(race_ktap_header(&o, buf, sizeof(buf)), 0);
	fputs(buf, f);
	/* 1: held as expected, 2: reproduced as expected */
	o.scenario = o.scenarios[0];
	o.policy = PROBELAB_POLICY_FIXED;
	res->cycles = 40;
	res->stopped = "budget";
	assert_int_equal(race_ktap_result(&o, 1, race_expected(&o), 0, res, buf, sizeof(buf)), 0);
	fputs(buf, f);
	o.policy = PROBELAB_POLICY_LINUX_6_1;
	res->have_first = true;
	res->violations = 1;
	res->outcome = RACE_REPRODUCED;
	res->first.invariant = 6;
	res->repro_iterations = 2;
	snprintf(res->first.text, sizeof(res->first.text), "a # in the text");
	assert_int_equal(race_ktap_result(&o, 2, race_expected(&o), 0, res, buf, sizeof(buf)), 0);
	fputs(buf, f);
	/* 3: reproduced under fixed (fails), 4: nothing expected (skip) */
	o.scenario = o.scenarios[1];
	o.policy = PROBELAB_POLICY_FIXED;
	assert_int_equal(race_ktap_result(&o, 3, race_expected(&o), 0, res, buf, sizeof(buf)), 0);
	fputs(buf, f);
	o.policy = PROBELAB_POLICY_LINUX_6_1;
	assert_int_equal(race_ktap_result(&o, 4, -1, 0, res, buf, sizeof(buf)), 0);
	fputs(buf, f);
	/* 5: did not start (fails), 6: not run (skip) */
	o.scenario = o.scenarios[2];
	o.policy = PROBELAB_POLICY_FIXED;
	assert_int_equal(race_ktap_result(&o, 5, race_expected(&o), -ENOENT, NULL, buf, sizeof(buf)), 0);
	fputs(buf, f);
	o.policy = PROBELAB_POLICY_LINUX_6_1;
	assert_int_equal(race_ktap_skip(&o, 6, "the campaign was interrupted", buf, sizeof(buf)), 0);
	fputs(buf, f);
	assert_int_equal(fclose(f), 0);

	kunit_parse(kunit, path, summary, sizeof(summary), &errors);
	unlink(path);
	assert_int_equal(errors, 0);
	assert_string_equal(summary, "Testing complete. Ran 6 tests: passed: 2, failed: 2, skipped: 2");
	test_free(res);
}

/* The CLI's document where no module is loaded: every run fails to start. */
static void kunit_reads_the_cli(void **state)
{
	const char *kunit = kunit_path(), *bin = getenv("PROBELAB_CLI");
	char path[] = "/tmp/test_race_ktap.XXXXXX", cmd[1024], want[128];
	char summary[256];
	unsigned int errors, n = race_nr_scenarios() * PL_NR_POLICIES;
	int fd, rc;

	(void)state;
	if (!kunit || !bin || access(bin, X_OK))
		skip();
	if (!access(PL_DEVICE_PATH, F_OK))
		skip();	/* a loaded module would run the campaign for real */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "'%s' race --ktap --scenario all --policy all --iterations 1 --seed 1 >'%s' 2>/dev/null",
		 bin, path);
	rc = system(cmd);
	/* exit 1: failed tests */
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
	kunit_parse(kunit, path, summary, sizeof(summary), &errors);
	unlink(path);
	assert_int_equal(errors, 0);
	snprintf(want, sizeof(want), "Testing complete. Ran %u tests: failed: %u",
		 n, n);
	assert_string_equal(summary, want);
}

/* The CLI refuses --ktap with --json, and a campaign without --ktap. */
static void cli_refusals(void **state)
{
	const char *bin = getenv("PROBELAB_CLI");
	char cmd[1024];
	int rc;

	(void)state;
	if (!bin || access(bin, X_OK))
		skip();
	snprintf(cmd, sizeof(cmd),
		 "'%s' --json race --ktap --scenario two-instances --policy fixed --iterations 1 2>&1 | grep -q -- '--ktap and --json'",
		 bin);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "'%s' --json race --ktap --scenario two-instances --policy fixed --iterations 1 >/dev/null 2>&1",
		 bin);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	snprintf(cmd, sizeof(cmd),
		 "'%s' race --scenario all --policy fixed --iterations 1 >/dev/null 2>&1",
		 bin);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(campaign_options),
		cmocka_unit_test(expectations_and_verdicts),
		cmocka_unit_test(result_lines),
		cmocka_unit_test(failure_lines),
		cmocka_unit_test(kunit_reads_a_campaign),
		cmocka_unit_test(kunit_reads_the_cli),
		cmocka_unit_test(cli_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

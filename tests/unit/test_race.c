// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine's portable parts (tools/lib/race.c, the catalogue of C
 * scenarios and scenario files - PROBELAB_SCENARIOS, tests/run-unit.sh):
 * the catalogue, seeded choices and plans, option parsing, the reproducer
 * line, event formatting.  The runs themselves need the module: they are
 * tested in the guests (tests/guest/race_scenarios.sh).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "race.h"
#include "race_file.h"

#define ARGV(...) ((char *[]){ "race", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "race", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) \
	race_opts_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err), sizeof(err))

static const char *const implemented[] = {
	"fwspec-free-vs-xlate", "parallel-probe-double-probe",
	"register-vs-deferred-reprobe", "hotadd-claimed-group",
	"two-instances", "debugfs-walk-vs-unmap", "claim-vs-sibling-bind",
	"default-domain-not-set", "driver-read-vs-unbind",
	"defer-retry-dma-ops-left", "unmap-after-unbind-stale-ops",
	"bus-notifier-vs-registration",
};


/* A scenario's plan of cycle @k, whichever way it is written. */
static void plan_of(const struct race_scenario *s, uint64_t seed, uint64_t k,
		    unsigned int threads, char *buf, size_t len)
{
	if (s->file)
		race_file_plan(s->file, seed, k, threads, buf, len);
	else
		s->plan(seed, k, threads, buf, len);
}

static unsigned int injections_of(const struct race_scenario *s,
				  uint64_t seed, struct probelab_inject *out,
				  unsigned int max)
{
	if (s->file)
		return race_file_injections(s->file, seed, s->threads_def, out,
					    max);
	return s->injections ? s->injections(seed, out, max) : 0;
}

static void rng_is_a_function_of_its_arguments(void **state)
{
	uint64_t a = race_rng_for(42, 1, 7), b = race_rng_for(42, 1, 7);
	uint64_t s = 5, t = 5;

	(void)state;
	assert_int_equal(a == b, 1);
	assert_int_not_equal(race_rng_for(42, 1, 7) == race_rng_for(43, 1, 7), 1);
	assert_int_not_equal(race_rng_for(42, 1, 7) == race_rng_for(42, 2, 7), 1);
	assert_int_not_equal(race_rng_for(42, 1, 7) == race_rng_for(42, 1, 8), 1);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(race_rng_next(&s) == race_rng_next(&t), 1);
	for (int i = 0; i < 10000; i++) {
		uint64_t v = race_rng_range(&s, 3, 9);

		assert_true(v >= 3 && v <= 9);
	}
	/* every value of a small range comes up */
	{
		unsigned int seen = 0;

		for (int i = 0; i < 1000; i++)
			seen |= 1u << race_rng_range(&s, 0, 3);
		assert_int_equal(seen, 0xf);
	}
	assert_int_equal(race_rng_range(&s, 5, 5), 5);
	assert_int_equal(race_rng_range(&s, 9, 2), 9);
}

static void catalogue(void **state)
{
	unsigned int n = race_nr_scenarios(), impl = 0;

	(void)state;
	assert_int_equal(n, 12);
	assert_null(race_scenario_at(n));
	assert_null(race_scenario_find(NULL));
	assert_null(race_scenario_find("no-such-scenario"));
	for (unsigned int i = 0; i < n; i++) {
		const struct race_scenario *s = race_scenario_at(i);

		assert_non_null(s->name);
		assert_non_null(s->summary);
		assert_non_null(s->mirrors);
		assert_non_null(s->note);
		assert_true(s->invariant >= 1 && s->invariant <= 9);
		assert_ptr_equal(race_scenario_find(s->name), s);
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(race_scenario_at(j)->name, s->name);
		if (!s->implemented) {
			assert_null(s->role);
			continue;
		}
		impl++;
		assert_non_null(s->setup);
		assert_non_null(s->role);
		assert_true(s->plan || s->file);
		/* the catalogue has both kinds */
		if (!strcmp(s->name, "debugfs-walk-vs-unmap"))
			assert_null(s->file);
		if (!strcmp(s->name, "two-instances"))
			assert_non_null(s->file);
		assert_non_null(s->nr_roles);
		assert_non_null(s->threads_what);
		assert_true(s->threads_min >= 1);
		assert_true(s->threads_min <= s->threads_def);
		assert_true(s->threads_def <= s->threads_max);
		assert_true(s->threads_max <= RACE_MAX_THREADS);
		assert_true(s->nr_roles(s, s->threads_max) <= RACE_MAX_THREADS + 4);
		/* the layer probelab proposes holds everywhere */
		assert_int_equal(s->expect[PROBELAB_POLICY_FIXED],
				 RACE_EXPECT_HOLD);
	}
	assert_int_equal(impl, sizeof(implemented) / sizeof(implemented[0]));
	for (size_t i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++) {
		const struct race_scenario *s = race_scenario_find(implemented[i]);

		assert_non_null(s);
		assert_true(s->implemented);
	}
	/* every scenario of the issue is implemented */
	assert_int_equal(race_nr_scenarios(), 12);
	/* the expectations the issue states */
	assert_int_equal(race_scenario_find("fwspec-free-vs-xlate")->expect[PROBELAB_POLICY_LINUX_6_1],
			 RACE_EXPECT_REPRODUCE);
	assert_int_equal(race_scenario_find("fwspec-free-vs-xlate")->expect[PROBELAB_POLICY_MAINLINE],
			 RACE_EXPECT_HOLD);
	assert_int_equal(race_scenario_find("debugfs-walk-vs-unmap")->expect[PROBELAB_POLICY_MAINLINE],
			 RACE_EXPECT_REPRODUCE);
	assert_int_equal(race_scenario_find("two-instances")->expect[PROBELAB_POLICY_MAINLINE],
			 RACE_EXPECT_REPRODUCE);
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
		assert_int_equal(race_scenario_find("claim-vs-sibling-bind")->expect[p],
				 RACE_EXPECT_HOLD);
}

/* Same seed, same plan and injections; another seed, another plan. */
static void plans_follow_the_seed(void **state)
{
	char a[1024], b[1024];

	(void)state;
	for (unsigned int i = 0; i < race_nr_scenarios(); i++) {
		const struct race_scenario *s = race_scenario_at(i);
		unsigned int differ = 0;

		if (!s->implemented)
			continue;
		for (uint64_t k = 0; k < 64; k++) {
			plan_of(s, 1234, k, s->threads_def, a, sizeof(a));
			plan_of(s, 1234, k, s->threads_def, b, sizeof(b));
			assert_string_equal(a, b);
			assert_true(strlen(a) > 10);
			plan_of(s, 1235, k, s->threads_def, b, sizeof(b));
			differ += strcmp(a, b) != 0;
		}
		assert_true(differ > 0);
		/* a short buffer is cut, never overrun */
		memset(a, 'x', sizeof(a));
		plan_of(s, 1234, 3, s->threads_max, a, 16);
		assert_int_equal(strlen(a), 15);
		assert_int_equal(a[16], 'x');
		{
			struct probelab_inject x[RACE_MAX_INJECT], y[RACE_MAX_INJECT];
			unsigned int nx = injections_of(s, 77, x, RACE_MAX_INJECT);
			unsigned int ny = injections_of(s, 77, y, RACE_MAX_INJECT);

			if (!nx)
				continue;

			assert_true(nx >= 1);
			assert_int_equal(nx, ny);
			assert_memory_equal(x, y, nx * sizeof(x[0]));
			assert_int_equal(x[0].action, PROBELAB_INJECT_DELAY);
			assert_true(x[0].delay_us + x[0].jitter_us <=
				    PROBELAB_INJECT_MAX_DELAY_US);
			assert_int_equal(injections_of(s, 77, x, 0), 0);
			ny = injections_of(s, 78, y, RACE_MAX_INJECT);
			assert_int_not_equal(x[0].seed == y[0].seed, 1);
		}
	}
}

/* two-instances: over a few cycles both registration orders come up. */
static void two_instances_orders(void **state)
{
	const struct race_scenario *s = race_scenario_find("two-instances");
	unsigned int first0 = 0, first1 = 0;
	char buf[512];

	(void)state;
	for (uint64_t k = 0; k < 32; k++) {
		plan_of(s, 9, k, 2, buf, sizeof(buf));
		first0 += !strncmp(buf, "shared: first=0 ", 16);
		first1 += !strncmp(buf, "shared: first=1 ", 16);
	}
	assert_int_equal(first0 + first1, 32);
	assert_true(first0 > 0 && first1 > 0);
}

static void options(void **state)
{
	struct race_opts o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "linux-6.1", "--seed", "0x10",
			       "--iterations", "7", "--keep-going",
			       "--expect", "reproduce", "--quiet"), 0);
	assert_string_equal(o.scenario->name, "two-instances");
	assert_int_equal(o.policy, PROBELAB_POLICY_LINUX_6_1);
	assert_int_equal(o.seed, 16);
	assert_true(o.seeded);
	assert_int_equal(o.iterations, 7);
	assert_true(o.seconds == 0);
	assert_true(o.keep_going);
	assert_true(o.quiet);
	assert_int_equal(o.expect, RACE_EXPECT_REPRODUCE);
	assert_int_equal(o.threads, 0);

	assert_int_equal(PARSE(&o, err, "--scenario=fwspec-free-vs-xlate",
			       "--policy=fixed", "--threads=3",
			       "--seconds=2.5", "--expect=hold"), 0);
	assert_int_equal(o.threads, 3);
	assert_true(o.seconds == 2.5);
	assert_int_equal(o.iterations, 0);
	assert_false(o.seeded);
	assert_int_equal(o.expect, RACE_EXPECT_HOLD);
	assert_false(o.keep_going);

	/* neither budget: the default time */
	assert_int_equal(PARSE(&o, err, "--scenario", "fwspec-free-vs-xlate",
			       "--policy", "mainline"), 0);
	assert_true(o.seconds == RACE_DEFAULT_SECONDS);
	assert_int_equal(o.expect, -1);

	assert_int_equal(PARSE(&o, err, "--policy", "fixed"), -EINVAL);
	assert_non_null(strstr(err, "--scenario"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances"), -EINVAL);
	assert_non_null(strstr(err, "--policy"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances", "--plan"), 0);
	assert_true(o.plan);
	assert_int_equal(PARSE(&o, err, "--scenario", "nope", "--policy",
			       "fixed"), -EINVAL);
	assert_non_null(strstr(err, "no scenario named 'nope'"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "linux-6.2"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--iterations", "5",
			       "--seconds", "5"), -EINVAL);
	assert_non_null(strstr(err, "give one"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--iterations", "0"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--seconds", "-1"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--seconds", "1x"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--seed", "-3"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--threads", "17"), -EINVAL);
	/* in range for the engine, not for the scenario */
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--threads", "3"), -EINVAL);
	assert_non_null(strstr(err, "2..2"));
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--expect", "maybe"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--bogus"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "extra"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy"), -EINVAL);
	assert_non_null(strstr(err, "needs a value"));
}

static void reproducer_line(void **state)
{
	struct race_opts o;
	struct race_result *res = test_calloc(1, sizeof(*res));
	char err[256], buf[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--scenario", "fwspec-free-vs-xlate",
			       "--policy", "linux-6.1", "--seed", "99",
			       "--seconds", "30"), 0);
	res->have_first = true;
	res->repro_iterations = 12;
	assert_int_equal(race_reproducer(&o, res, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "probelab race --scenario fwspec-free-vs-xlate --policy linux-6.1 --seed 99 --iterations 12");
	/* a first violation that could not be classified is "new" */
	race_judge(o.scenario, res);
	assert_int_equal(race_outcome(res), RACE_NEW);
	/* a non-default --threads is part of the replay */
	o.threads = 5;
	assert_int_equal(race_reproducer(&o, res, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "--iterations 12 --threads 5"));
	{
		char small[20];

		assert_int_equal(race_reproducer(&o, res, small, sizeof(small)),
				 -ENOSPC);
	}
	/* and it parses back to the same run */
	{
		char *argv[16], copy[256], *save = NULL, *t;
		int argc = 0;
		struct race_opts back;

		snprintf(copy, sizeof(copy), "%s", buf);
		t = strtok_r(copy, " ", &save);	/* probelab */
		while ((t = strtok_r(NULL, " ", &save)) && argc < 15)
			argv[argc++] = t;
		argv[argc] = NULL;
		if (race_opts_parse(argc, argv, &back, err, sizeof(err)))
			fail_msg("the reproducer does not parse: %s", err);
		assert_ptr_equal(back.scenario, o.scenario);
		assert_int_equal(back.policy, o.policy);
		assert_int_equal(back.seed, 99);
		assert_int_equal(back.iterations, 12);
		assert_int_equal(back.threads, 5);
	}
	memset(res, 0, sizeof(*res));
	race_judge(o.scenario, res);
	assert_int_equal(race_outcome(res), RACE_HELD);
	res->violations = 3;
	race_judge(o.scenario, res);
	assert_int_equal(race_outcome(res), RACE_NEW);
	test_free(res);
}

static void event_lines(void **state)
{
	struct race_event e;
	struct pl_event ev;
	char line[512];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.seq = 42;
	ev.timestamp_ns = 3000000001ull;
	ev.event = PROBELAB_EV_VIOLATION;
	ev.has = PL_EV_HAS_DEV | PL_EV_HAS_INVARIANT | PL_EV_HAS_DETAIL |
		 PL_EV_HAS_ERRNO;
	ev.dev_id = 7;
	snprintf(ev.dev_name, sizeof(ev.dev_name), "dev0");
	ev.invariant = 1;
	snprintf(ev.detail, sizeof(ev.detail), "fwspec freed by another");
	race_event_from_pl(&e, &ev);
	race_event_format(&e, line, sizeof(line));
	assert_non_null(strstr(line, "      42      3.000000001 VIOLATION"));
	assert_non_null(strstr(line, "dev 7 dev0"));
	assert_non_null(strstr(line, "invariant 1"));
	assert_non_null(strstr(line, "\"fwspec freed by another\""));
	assert_null(strstr(line, " err "));
	/* a long kernel string is cut to the record, not overrun */
	memset(ev.detail, 'd', sizeof(ev.detail) - 1);
	ev.detail[sizeof(ev.detail) - 1] = 0;
	race_event_from_pl(&e, &ev);
	assert_int_equal(strlen(e.detail), sizeof(e.detail) - 1);
	race_event_format(&e, line, 40);
	assert_int_equal(strlen(line), 39);
	assert_string_equal(race_expect_name(RACE_EXPECT_REPRODUCE), "reproduce");
	assert_int_equal(race_expect_from_name("holds"), RACE_EXPECT_HOLD);
	assert_int_equal(race_expect_from_name("x"), -EINVAL);
}

/* Without the module a run does not start, and says why. */
static void run_without_module(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	struct race_scenario fake;
	struct race_opts o;
	char err[256];

	(void)state;
	if (!access(PL_DEVICE_PATH, F_OK)) {
		test_free(res);
		skip();	/* a loaded module would run the scenario for real */
	}
	assert_int_equal(PARSE(&o, err, "--scenario", "two-instances",
			       "--policy", "fixed", "--iterations", "1"), 0);
	assert_true(race_run(&o, res, NULL, NULL) < 0);
	assert_non_null(strstr(res->errmsg, PL_DEVICE_PATH));
	assert_false(res->have_first);
	assert_int_equal(res->cycles, 0);
	/* a listed-only scenario is refused by the engine as well */
	fake = *race_scenario_find("bus-notifier-vs-registration");
	fake.implemented = false;
	fake.role = NULL;
	o.scenario = &fake;
	assert_int_equal(race_run(&o, res, NULL, NULL), -EOPNOTSUPP);
	test_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rng_is_a_function_of_its_arguments),
		cmocka_unit_test(catalogue),
		cmocka_unit_test(plans_follow_the_seed),
		cmocka_unit_test(two_instances_orders),
		cmocka_unit_test(options),
		cmocka_unit_test(reproducer_line),
		cmocka_unit_test(event_lines),
		cmocka_unit_test(run_without_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The known-bug catalogue (tools/lib/known_bugs.c), the classifier
 * (bug_classify.c), a run's outcome (race_judge()) and seed sweeps
 * (race_sweep.c, race --seeds): the catalogue agrees with the scenarios,
 * the violations the guests report (texts as the module words them) are
 * named, the measured case of issue 14 included, and nothing else is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "known_bugs.h"
#include "race.h"

#define ARGV(...) ((char *[]){ "race", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "race", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) \
	race_opts_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err), sizeof(err))

#define L61	PROBELAB_POLICY_LINUX_6_1
#define MAIN	PROBELAB_POLICY_MAINLINE
#define FIXED	PROBELAB_POLICY_FIXED

/* The id the classifier gives (or "new"), with a fresh run's context. */
static const char *name(unsigned int policy, const char *own, unsigned int inv,
			const char *text, const uint32_t *events,
			unsigned int nr_events)
{
	static bool seen[RACE_MAX_BUGS];
	struct race_event trace[8];
	struct kb_violation v = {
		.invariant = inv, .text = text, .policy = policy,
		.trace = trace, .nr_trace = nr_events,
	};
	struct kb_context ctx = { .own = known_bug_find(own), .seen = seen };
	const struct known_bug *b;

	memset(seen, 0, sizeof(seen));
	memset(trace, 0, sizeof(trace));
	for (unsigned int i = 0; i < nr_events && i < 8; i++)
		trace[i].event = events[i];
	b = known_bug_classify(&v, &ctx, NULL);
	return b ? b->id : "new";
}

static void catalogue_agrees_with_scenarios(void **state)
{
	unsigned int kernel = 0, lab = 0;

	(void)state;
	assert_true(known_bug_count() <= RACE_MAX_BUGS);
	for (unsigned int i = 0; i < known_bug_count(); i++) {
		const struct known_bug *b = known_bug_at(i);
		bool own = false;

		assert_non_null(b->id);
		assert_ptr_equal(known_bug_find(b->id), b);
		assert_int_equal(known_bug_index(b), i);
		for (unsigned int j = 0; j < i; j++)
			assert_string_not_equal(known_bug_at(j)->id, b->id);
		assert_true(!strcmp(b->kind, "kernel") || !strcmp(b->kind, "lab"));
		assert_non_null(b->title);
		assert_non_null(b->affected);
		assert_non_null(b->fixed_in);
		assert_non_null(b->step);
		assert_true(b->policies && !(b->policies & ~KB_ALL_POLICIES));
		assert_true(b->nr_patterns <= KNOWN_BUG_MAX_PATTERNS);
		for (unsigned int k = 0; k < b->nr_patterns; k++) {
			assert_in_range(b->patterns[k].invariant, 1, 9);
			own |= !b->patterns[k].consequence;
		}
		/* a signature shows by itself before its consequences */
		assert_true(!b->nr_patterns || own);
		kernel += !strcmp(b->kind, "kernel");
		lab += !strcmp(b->kind, "lab");
	}
	/* the eleven reproduced bugs, the seven gaps of docs/races.md but
	 * the userspace one (item 6: names, no bug of the lab) */
	assert_int_equal(kernel, 11);
	assert_int_equal(lab, 6);
	assert_null(known_bug_find("nope"));
	assert_null(known_bug_find(NULL));

	for (unsigned int i = 0; i < race_nr_scenarios(); i++) {
		const struct race_scenario *s = race_scenario_at(i);
		const struct known_bug *b = race_scenario_bug(s);

		if (!s->known_bug) {
			/* the control: holds everywhere */
			for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
				assert_int_equal(s->expect[p], RACE_EXPECT_HOLD);
			continue;
		}
		assert_non_null(b);
		assert_string_equal(b->kind, "kernel");
		/* it reproduces exactly under the policies its bug can occur under */
		for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
			assert_int_equal(s->expect[p] == RACE_EXPECT_REPRODUCE,
					 !!(b->policies & (1u << p)));
		/* and a reproduction's invariant is its signature's first */
		assert_int_equal(b->patterns[0].invariant, s->invariant);
	}
	/* every kernel bug has a scenario */
	for (unsigned int i = 0; i < known_bug_count(); i++) {
		const struct known_bug *b = known_bug_at(i);
		unsigned int n = 0;

		for (unsigned int k = 0; k < race_nr_scenarios(); k++)
			n += race_scenario_at(k)->known_bug &&
			     !strcmp(race_scenario_at(k)->known_bug, b->id);
		assert_true(!strcmp(b->kind, "lab") || n >= 1);
	}
}

/* The first violation each reproducing pair reports (texts from guest runs). */
static void reproductions_are_named(void **state)
{
	static const uint32_t hotadd[] = { PROBELAB_EV_DOMAIN_ATTACH,
					   PROBELAB_EV_IOMMU_PROBE,
					   PROBELAB_EV_DEV_ADD };
	static const struct {
		const char *scenario;
		unsigned int policy, inv;
		const char *text;
	} cases[] = {
		{ "fwspec-free-vs-xlate", L61, 1, "of_iommu_configure(): fwspec freed by another (gen 3)" },
		{ "fwspec-free-vs-xlate", L61, 1, "dev_iommu freed twice (gen 7)" },
		{ "parallel-probe-double-probe", L61, 2, "IOMMU probe of a device already probed (gen 1)" },
		{ "register-vs-deferred-reprobe", L61, 6, "smmu0 stream 0x0010: STE abort 0x0, domain wants translate 0x1a2b001" },
		{ "two-instances", L61, 9, "probed while instance smmu1 is not registered" },
		{ "two-instances", MAIN, 9, "probed while instance smmu1 is not registered" },
		{ "debugfs-walk-vs-unmap", L61, 8, "domain 12: debugfs walk of a vtd-sl4 table: freed PTE table reached at iova 0x200000 (use-after-free)" },
		{ "debugfs-walk-vs-unmap", MAIN, 8, "domain 12: debugfs walk of a lpae-s1-4k table: freed L3 table reached at iova 0x400000 (use-after-free)" },
		{ "default-domain-not-set", L61, 3, "DMA-API driver bound with no default domain" },
		{ "default-domain-not-set", L61, 3, "DMA-API bind before the group's default domain" },
		{ "driver-read-vs-unbind", MAIN, 4, "dma_configure replayed by the IOMMU probe: dev->driver NULL when converted, set when tested (a bind in progress): driver_managed_dma read through a pointer derived from NULL, the binding driver counted twice in owner_cnt" },
		{ "defer-retry-dma-ops-left", L61, 7, "arch_teardown_dma_ops() dropped the platform's dma_ops" },
		{ "unmap-after-unbind-stale-ops", L61, 7, "4 DMA-API mappings outlive every binding" },
		{ "bus-notifier-vs-registration", L61, 2, "IOMMU probe of a device already probed (gen 1)" },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct race_scenario *s = race_scenario_find(cases[i].scenario);

		assert_non_null(s);
		assert_string_equal(name(cases[i].policy, s->known_bug, cases[i].inv,
					 cases[i].text, NULL, 0), s->known_bug);
		/* under fixed nothing of a kernel excuses it */
		assert_string_equal(name(FIXED, s->known_bug, cases[i].inv,
					 cases[i].text, NULL, 0), "new");
	}
	/* hotadd: the newcomer's absent entry, DEV_ADD in its trace */
	assert_string_equal(name(L61, "hotadd-into-owned-group", 6,
				 "dmar0 source 0x0009: context 0x0/0x0, want 0x52b7001/0x202",
				 hotadd, 3), "hotadd-into-owned-group");
	assert_string_equal(name(L61, NULL, 6,
				 "dmar0 source 0x0009: context 0x0/0x0, want 0x52b7001/0x202",
				 hotadd, 3), "hotadd-into-owned-group");
	/* the same text without the add: the lab's alias gap, any policy */
	assert_string_equal(name(FIXED, NULL, 6,
				 "dmar0 source 0x0008: context 0x0/0x0, want 0x52b7001/0x202",
				 hotadd, 2), "lab-release-blocks-alias");
	/* in hotadd-claimed-group the member whose ID the newcomer aliases
	 * loses its entry too: the scenario's bug, not the release gap */
	assert_string_equal(name(L61, "hotadd-into-owned-group", 6,
				 "dmar0 source 0x0008: context 0x0/0x0, want 0x52b7001/0x202",
				 hotadd, 2), "hotadd-into-owned-group");
	/* a newcomer's absent entry under fixed: nothing explains it */
	assert_string_equal(name(FIXED, NULL, 6,
				 "dmar0 source 0x0009: context 0x0/0x0, want 0x52b7001/0x202",
				 hotadd, 3), "new");
	/* an entry that is there but wrong is no absent entry */
	assert_string_equal(name(L61, NULL, 6,
				 "dmar0 source 0x0009: context 0x1234001/0x202, want 0x52b7001/0x202",
				 hotadd, 3), "new");
}

/* Issue 14's measured case and the other things a name depends on. */
static void other_known_and_new(void **state)
{
	static const char replay[] = "dma_configure replayed by the IOMMU probe: dev->driver NULL when converted, set when tested (a bind in progress): driver_managed_dma read through a pointer derived from NULL, the binding driver counted twice in owner_cnt";
	static bool seen[RACE_MAX_BUGS];
	struct kb_violation v = { .invariant = 3, .policy = L61,
				  .text = "DMA-API driver bound, device not IOMMU-probed" };
	struct kb_context ctx = { .seen = seen };
	unsigned int n;

	(void)state;
	/* register-vs-deferred-reprobe under mainline: driver-read-vs-unbind's bug */
	assert_string_equal(name(MAIN, "probe-before-instance-ready", 4, replay,
				 NULL, 0), "dma-configure-replay-vs-bind");
	/* not a bug of linux-6.1's kernel */
	assert_string_equal(name(L61, "probe-before-instance-ready", 4, replay,
				 NULL, 0), "new");
	/* an invariant the text does not go with */
	assert_string_equal(name(MAIN, NULL, 5, replay, NULL, 0), "new");
	assert_string_equal(name(MAIN, NULL, 4, "", NULL, 0), "new");
	assert_string_equal(name(MAIN, NULL, 4, NULL, NULL, 0), "new");

	/* a shared signature: the scenario's own bug, else the catalogue's order */
	assert_string_equal(name(L61, "add-notifier-vs-registration-walk", 2,
				 "IOMMU probe of a device already probed (gen 1)",
				 NULL, 0), "add-notifier-vs-registration-walk");
	assert_string_equal(name(L61, NULL, 2,
				 "IOMMU probe of a device already probed (gen 1)",
				 NULL, 0), "parallel-registration-double-probe");
	v.invariant = 2;
	v.text = "IOMMU-probed 2 times without release";
	assert_non_null(known_bug_classify(&v, &ctx, &n));
	assert_int_equal(n, 2);

	/* a consequence names a bug only once the bug showed in the run */
	memset(seen, 0, sizeof(seen));
	v.invariant = 3;
	v.text = "DMA-API driver bound, device not IOMMU-probed";
	assert_null(known_bug_classify(&v, &ctx, &n));
	assert_int_equal(n, 0);
	v.invariant = 1;
	v.text = "of_iommu_configure(): fwspec freed by another (gen 2)";
	assert_ptr_equal(known_bug_classify(&v, &ctx, NULL),
			 known_bug_find("fwspec-freed-in-deferred-case"));
	assert_true(seen[known_bug_index(known_bug_find("fwspec-freed-in-deferred-case"))]);
	v.invariant = 3;
	v.text = "DMA-API driver bound, device not IOMMU-probed";
	assert_ptr_equal(known_bug_classify(&v, &ctx, NULL),
			 known_bug_find("fwspec-freed-in-deferred-case"));
	/* or when it is the run's first violation's bug, or the scenario's own */
	memset(seen, 0, sizeof(seen));
	ctx.first = known_bug_find("fwspec-one-instance");
	assert_ptr_equal(known_bug_classify(&v, &ctx, &n), ctx.first);
	ctx.first = NULL;
	ctx.own = known_bug_find("fwspec-one-instance");
	assert_ptr_equal(known_bug_classify(&v, &ctx, &n), ctx.own);
	/* a consequence claimed does not make the bug "seen" */
	assert_false(seen[known_bug_index(ctx.own)]);
}

static void judging_a_run(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	const struct race_scenario *rvd = race_scenario_find("register-vs-deferred-reprobe");
	const struct race_scenario *claim = race_scenario_find("claim-vs-sibling-bind");
	const struct known_bug *own = race_scenario_bug(rvd);
	const struct known_bug *replay = known_bug_find("dma-configure-replay-vs-bind");

	(void)state;
	assert_ptr_equal(own, known_bug_find("probe-before-instance-ready"));
	assert_null(race_scenario_bug(claim));
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_HELD);
	assert_null(res->outcome_bug);
	assert_true(race_outcome_meets(RACE_HELD, RACE_EXPECT_HOLD));
	assert_false(race_outcome_meets(RACE_HELD, RACE_EXPECT_REPRODUCE));

	/* its own bug */
	res->have_first = true;
	res->violations = 3;
	res->first.classified = true;
	res->first.bug = own;
	res->by_bug[known_bug_index(own)] = 3;
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_REPRODUCED);
	assert_ptr_equal(res->outcome_bug, own);
	assert_true(race_outcome_meets(RACE_REPRODUCED, RACE_EXPECT_REPRODUCE));
	assert_false(race_outcome_meets(RACE_REPRODUCED, RACE_EXPECT_HOLD));

	/* another known one: named, a hold is met */
	memset(res->by_bug, 0, sizeof(res->by_bug));
	res->first.bug = replay;
	res->by_bug[known_bug_index(replay)] = 1;
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_OTHER_KNOWN);
	assert_ptr_equal(res->outcome_bug, replay);
	assert_true(race_outcome_meets(RACE_OTHER_KNOWN, RACE_EXPECT_HOLD));
	assert_false(race_outcome_meets(RACE_OTHER_KNOWN, RACE_EXPECT_REPRODUCE));
	/* the control has no bug of its own: anything known is "other" */
	race_judge(claim, res);
	assert_int_equal(race_outcome(res), RACE_OTHER_KNOWN);

	/* its own bug after another: reproduced */
	res->by_bug[known_bug_index(own)] = 2;
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_REPRODUCED);
	/* one violation nothing explains makes the run "new" */
	res->by_bug_new = 1;
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_NEW);
	assert_null(res->outcome_bug);
	assert_false(race_outcome_meets(RACE_NEW, RACE_EXPECT_HOLD));
	assert_false(race_outcome_meets(RACE_NEW, RACE_EXPECT_REPRODUCE));
	/* so does a first violation whose event was lost */
	res->by_bug_new = 0;
	res->first.classified = false;
	race_judge(rvd, res);
	assert_int_equal(race_outcome(res), RACE_NEW);

	assert_string_equal(race_outcome_name(RACE_HELD), "held");
	assert_string_equal(race_outcome_name(RACE_REPRODUCED), "reproduced");
	assert_string_equal(race_outcome_name(RACE_OTHER_KNOWN), "other-known");
	assert_string_equal(race_outcome_name(RACE_NEW), "new");
	test_free(res);
}

static void seeds_option(void **state)
{
	struct race_opts o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--seeds", "1-20", "--scenario", "all",
			       "--policy", "all"), 0);
	assert_true(o.sweep);
	assert_int_equal(o.seed_lo, 1);
	assert_int_equal(o.seed_hi, 20);
	assert_int_equal(o.seed, 1);
	assert_int_equal(o.nr_scenarios, race_nr_scenarios());
	assert_int_equal(o.nr_policies, PL_NR_POLICIES);
	/* a short budget per run unless told */
	assert_true(o.seconds == RACE_SWEEP_DEFAULT_SECONDS);
	assert_int_equal(PARSE(&o, err, "--seeds=0x10-0x12", "--scenario",
			       "two-instances", "--policy", "mainline",
			       "--seconds", "1"), 0);
	assert_int_equal(o.seed_lo, 16);
	assert_int_equal(o.seed_hi, 18);
	assert_true(o.seconds == 1.0);
	assert_int_equal(PARSE(&o, err, "--seeds", "7-7", "--scenario",
			       "two-instances", "--policy", "all",
			       "--iterations", "5"), 0);
	assert_int_equal(o.iterations, 5);

	assert_int_equal(PARSE(&o, err, "--seeds", "5-1", "--scenario", "all",
			       "--policy", "all"), -EINVAL);
	assert_non_null(strstr(err, "--seeds takes A-B"));
	assert_int_equal(PARSE(&o, err, "--seeds", "5", "--scenario", "all",
			       "--policy", "all"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "a-b", "--scenario", "all",
			       "--policy", "all"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "1-", "--scenario", "all",
			       "--policy", "all"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "0-10000", "--scenario",
			       "all", "--policy", "all"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "0-9999", "--scenario",
			       "all", "--policy", "all"), 0);
	/* a sweep of its own */
	assert_int_equal(PARSE(&o, err, "--seeds", "1-2", "--scenario", "all",
			       "--policy", "all", "--ktap"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "1-2", "--scenario",
			       "two-instances", "--policy", "all", "--seed", "3"),
			 -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "1-2", "--scenario",
			       "two-instances", "--policy", "all", "--expect",
			       "hold"), -EINVAL);
	assert_int_equal(PARSE(&o, err, "--seeds", "1-2", "--scenario",
			       "two-instances", "--plan"), -EINVAL);
	/* lists without --seeds or --ktap are still refused */
	assert_int_equal(PARSE(&o, err, "--scenario", "all", "--policy",
			       "fixed"), -EINVAL);
	assert_non_null(strstr(err, "--seeds A-B"));
}

static void sweep_pairs(void **state)
{
	struct race_result *res = test_calloc(1, sizeof(*res));
	const struct known_bug *replay = known_bug_find("dma-configure-replay-vs-bind");
	struct race_sweep_pair p;
	struct race_opts o;
	uint64_t med, max;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "--seeds", "1-5", "--scenario",
			       "driver-read-vs-unbind", "--policy", "mainline"), 0);
	assert_int_equal(race_sweep_pair_init(&p, &o, 5), 0);
	assert_int_equal(p.expected, RACE_EXPECT_REPRODUCE);
	assert_false(race_sweep_pair_times(&p, &med, &max));
	/* seeds 1-3 reproduce after 0.3, 0.1, 0.2 s */
	for (unsigned int i = 1; i <= 3; i++) {
		memset(res, 0, sizeof(*res));
		res->have_first = true;
		res->violations = 1;
		res->first.classified = true;
		res->first.bug = replay;
		res->first.elapsed_ns = (uint64_t)(i == 1 ? 3 : i == 2 ? 1 : 2) *
					100000000ull;
		res->by_bug[known_bug_index(replay)] = 1;
		race_judge(o.scenario, res);
		race_sweep_pair_add(&p, i, 0, res);
	}
	/* seed 4 holds (off), seed 5 does not start (off) */
	memset(res, 0, sizeof(*res));
	race_judge(o.scenario, res);
	race_sweep_pair_add(&p, 4, 0, res);
	race_sweep_pair_add(&p, 5, -ENOENT, res);
	assert_int_equal(p.runs, 5);
	assert_int_equal(p.outcomes[RACE_REPRODUCED], 3);
	assert_int_equal(p.outcomes[RACE_HELD], 1);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.off, 2);
	assert_int_equal(p.off_seeds[0], 4);
	assert_int_equal(p.off_seeds[1], 5);
	assert_int_equal(p.bug_runs[known_bug_index(replay)], 3);
	assert_int_equal(p.new_runs, 0);
	assert_true(race_sweep_pair_times(&p, &med, &max));
	assert_int_equal(med, 200000000ull);
	assert_int_equal(max, 300000000ull);
	race_sweep_pair_free(&p);

	/* under fixed the same reproduction is off; "new" is counted */
	assert_int_equal(PARSE(&o, err, "--seeds", "1-5", "--scenario",
			       "driver-read-vs-unbind", "--policy", "fixed"), 0);
	assert_int_equal(race_sweep_pair_init(&p, &o, 5), 0);
	memset(res, 0, sizeof(*res));
	res->have_first = true;
	res->first.classified = true;
	res->by_bug_new = 2;
	race_judge(o.scenario, res);
	race_sweep_pair_add(&p, 9, 0, res);
	assert_int_equal(p.outcomes[RACE_NEW], 1);
	assert_int_equal(p.new_runs, 1);
	assert_int_equal(p.off, 1);
	race_sweep_pair_free(&p);
	assert_int_equal(race_sweep_pair_init(&p, &o, 0), -EINVAL);
	test_free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_agrees_with_scenarios),
		cmocka_unit_test(reproductions_are_named),
		cmocka_unit_test(other_known_and_new),
		cmocka_unit_test(judging_a_run),
		cmocka_unit_test(seeds_option),
		cmocka_unit_test(sweep_pairs),
	};

	return cmocka_run_group_tests_name("known_bugs", tests, NULL, NULL);
}

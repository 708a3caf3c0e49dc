/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: the race engine (`probelab race`) and its scenario
 * catalogue (`probelab scenarios`).
 *
 * A scenario sets a lab up (FW_LOAD, devices, instances, injection
 * points), then runs its roles in threads of their own: userspace threads
 * driving one side of a race through /dev/probelab and, for windows only
 * the kernel reaches, a thread issuing RACE ops (kernel threads).  The
 * engine around them
 *  - turns the module's checker on after every op (CHECK_AUTO_ON) and
 *    also runs CHECK continuously from a thread of its own;
 *  - records the genl event stream in a ring (a monitor thread), so that
 *    a violation is printed with the events that led there;
 *  - counts cycles against the budget (--iterations or --seconds) and
 *    stops at the first violation (CHECK total > 0 or a VIOLATION event)
 *    unless told to keep going.
 *
 * Determinism: every choice a scenario makes (orders, delays, devices,
 * the injections it arms) is a pure function of the seed and of the cycle
 * index (race_rng_for()), so the same seed gives the same operations in
 * the same order per cycle, and the same injections.  The interleaving of
 * the threads with each other and with the kernel is not in the seed: see
 * docs/races.md for how faithful a replay is.
 *
 * Functions return 0 or a negative errno; none prints (progress goes
 * through a callback).
 */
#ifndef LIBPROBELAB_RACE_H
#define LIBPROBELAB_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probelab.h"

#define RACE_MAX_THREADS	16
#define RACE_MAX_ITERATIONS	1000000000ull
#define RACE_MAX_SECONDS	86400.0
#define RACE_DEFAULT_SECONDS	10.0
/* events kept for traces (the most recent ones) */
#define RACE_EVENT_RING		8192
/* events printed with a violation: the kernel's trace depth + itself */
#define RACE_TRACE_MAX		(PROBELAB_VIOLATION_SEQS + 1)
#define RACE_MAX_INJECT		4
/* scenarios of one campaign (--scenario A,B,... or all) */
#define RACE_MAX_SCENARIOS	32
/* entries of the known-bug catalogue (known_bugs.c) at most */
#define RACE_MAX_BUGS		32
/* seeds of one sweep (--seeds A-B) at most */
#define RACE_MAX_SWEEP_SEEDS	10000
/* entries of a run's time profile (race_opts.profile) at most */
#define RACE_PROF_MAX		64

struct known_bug;

/* What a scenario does under a policy. */
enum race_expect {
	RACE_EXPECT_HOLD = 0,		/* no violation */
	RACE_EXPECT_REPRODUCE = 1,	/* the bug shows as a violation */
};

const char *race_expect_name(enum race_expect e);	/* "hold", ... */
int race_expect_from_name(const char *name);		/* -EINVAL unknown */

struct race_run;
struct race_file;

/**
 * struct race_scenario - one entry of the catalogue
 * @name: what --scenario takes
 * @summary: one line: what races against what
 * @mirrors: the upstream bug or report it mirrors, with its date
 * @expect: outcome per enum probelab_policy
 * @invariant: the invariant (DESIGN.md section 3) a reproduction violates
 * @implemented: false: listed with its history, `race` refuses it
 * @note: implemented: how a cycle goes; not implemented: what is missing
 * @threads_what: what --threads counts ("binder threads")
 * @threads_def: default --threads
 * @threads_min: smallest --threads
 * @threads_max: largest --threads (<= RACE_MAX_THREADS)
 * @kthreads: kernel threads the scenario starts through RACE ops (0: none)
 * @needs_op: the module ops it needs beyond the lab basics (bit per op)
 * @deterministic: one cycle reproduces by itself, whatever the timing
 * @nr_roles: number of role threads for @threads
 * @setup: builds the lab (called with the lab reset); may set r->priv
 * @role: one role's thread body: cycles through race_cycle_begin() /
 *	race_cycle_end(), or runs alongside until race_stopping()
 * @cleanup: frees r->priv (the engine resets the lab afterwards)
 * @plan: one cycle's seeded choices, for people (`race --plan`); it is
 *	the very function the roles take their choices from
 * @injections: the injection points armed at setup, from the seed
 * @file: the scenario file it was read from (race_file.h), NULL for a
 *	scenario written in C
 * @known_bug: the id of the known bug it mirrors (known_bugs.h), NULL for
 *	a control that mirrors none
 */
struct race_scenario {
	const char *name;
	const char *summary;
	const char *mirrors;
	unsigned char expect[PL_NR_POLICIES];
	unsigned int invariant;
	bool implemented;
	const char *note;
	const char *threads_what;
	unsigned int threads_def, threads_min, threads_max;
	unsigned int kthreads;
	uint64_t needs_op;
	bool deterministic;
	unsigned int (*nr_roles)(const struct race_scenario *sc,
				 unsigned int threads);
	int (*setup)(struct race_run *r);
	int (*role)(struct race_run *r, unsigned int role);
	void (*cleanup)(struct race_run *r);
	void (*plan)(uint64_t seed, uint64_t cycle, unsigned int threads,
		     char *buf, size_t len);
	unsigned int (*injections)(uint64_t seed, struct probelab_inject *out,
				   unsigned int max);
	const struct race_file *file;
	const char *known_bug;
};

/*
 * The catalogue, in `probelab scenarios` order: the scenarios written in C
 * (tools/lib/scenarios/), then the files of the scenario directory
 * (race_file.h, race_catalog.c), read at the first call.
 */
unsigned int race_nr_scenarios(void);
const struct race_scenario *race_scenario_at(unsigned int i);
const struct race_scenario *race_scenario_find(const char *name);

/* ---- seeded choices ------------------------------------------------------ */

/* splitmix64 step: the next 64 random bits of *s. */
uint64_t race_rng_next(uint64_t *s);
/*
 * The generator state of one (stream, cycle) of a seed: independent
 * streams for independent choices, the same for the same arguments.
 */
uint64_t race_rng_for(uint64_t seed, uint64_t stream, uint64_t cycle);
/* A number in lo..hi (inclusive) from *s. */
uint64_t race_rng_range(uint64_t *s, uint64_t lo, uint64_t hi);

/* ---- options ------------------------------------------------------------- */

/**
 * struct race_opts - what `probelab race` was asked
 * @scenario: the scenario (never NULL after a successful parse)
 * @policy: enum probelab_policy
 * @threads: 0: the scenario's default
 * @iterations: cycle budget, 0 when @seconds is the budget
 * @seconds: time budget (RACE_DEFAULT_SECONDS when neither is given)
 * @seed: the seed (@seeded: given; otherwise the caller picks one)
 * @seeded: --seed was given
 * @keep_going: do not stop at the first violation
 * @expect: -1, or enum race_expect: the exit status says whether the
 *	outcome matched
 * @quiet: no progress lines
 * @plan: print the seeded plan of the first cycles, run nothing
 * @ktap: print the results as KTAP (a campaign: one test per scenario ×
 *	policy, race_ktap_header() and race_ktap_result())
 * @nr_scenarios: the campaign's scenarios (--scenario A,B or all; more
 *	than one needs @ktap); @scenario is the first
 * @scenarios: them, in the order given (all: the catalogue's)
 * @file: --file FILE: the scenario came from this file (@scenario is
 *	its scenario), NULL otherwise
 * @nr_policies: the campaign's policies (--policy P,Q or all); @policy is
 *	the first (0 with --plan and no --policy)
 * @policies: them, in the order given
 * @sweep: --seeds A-B: every scenario × policy for every seed from
 *	@seed_lo to @seed_hi (race_sweep.c); @seed is the first
 * @seed_lo: the sweep's first seed
 * @seed_hi: its last
 * @minimize: --minimize: shrink the scenario file's run of @seed to the
 *	fewest actors, statements and injections that still reproduce its
 *	bug (race_minimize.h); needs --seed
 * @profile: record where the run's time goes (race_result.prof): the
 *	engine's own steps and, for a scenario file, each statement
 *	(`probelab bench race --profile`)
 */
struct race_opts {
	const struct race_scenario *scenario;
	unsigned int policy;
	unsigned int threads;
	uint64_t iterations;
	double seconds;
	uint64_t seed;
	bool seeded;
	bool keep_going;
	int expect;
	bool quiet;
	bool plan;
	bool ktap;
	unsigned int nr_scenarios;
	const struct race_scenario *scenarios[RACE_MAX_SCENARIOS];
	const char *file;
	unsigned int nr_policies;
	unsigned int policies[PL_NR_POLICIES];
	bool sweep;
	uint64_t seed_lo, seed_hi;
	bool minimize;
	bool profile;
};

/*
 * `--scenario NAME[,NAME...]|all`: the catalogue's scenarios, appended to
 * @out from @out[*@nr] (at most RACE_MAX_SCENARIOS in all, none twice).
 * 0, or -EINVAL with the reason in @err.
 */
int race_scenario_list_parse(const char *arg,
			     const struct race_scenario **out,
			     unsigned int *nr, char *err, size_t errlen);

/*
 * Parses the arguments after "race" (argv[0] is "race"): --scenario NAME
 * (or --file FILE: a scenario file, race_file.h, read here) --policy P [--threads N] [--iterations N | --seconds S] [--seed S]
 * [--keep-going] [--expect reproduce|hold] [--quiet] [--plan] [--ktap]
 * [--seeds A-B] [--minimize];
 * "--opt VALUE" or "--opt=VALUE".  With --ktap, --scenario and --policy
 * also take a comma-separated list or "all" (a campaign).  -EINVAL
 * (usage) with a message in @err; -EOPNOTSUPP when the scenario exists
 * but is not implemented in this version (the message says so; with
 * --ktap such a scenario is a skipped test instead).
 */
int race_opts_parse(int argc, char *const argv[], struct race_opts *o,
		    char *err, size_t errlen);

/* ---- events -------------------------------------------------------------- */

/* One recorded event (a compact struct pl_event). */
struct race_event {
	uint64_t seq;
	uint64_t timestamp_ns;
	uint32_t event;
	uint32_t has;
	uint32_t dev_id;
	uint32_t group;
	uint32_t domain;
	uint32_t domain_type;
	uint32_t driver;
	uint32_t invariant;
	int32_t err;
	char dev_name[40];
	char iommu[PROBELAB_NAME_LEN];
	char detail[PROBELAB_VIOLATION_TEXT];
};

void race_event_from_pl(struct race_event *dst, const struct pl_event *ev);
/* One line, as `probelab monitor` prints it (without the newline). */
void race_event_format(const struct race_event *ev, char *buf, size_t len);

/* ---- results ------------------------------------------------------------- */

/**
 * struct race_violation - the first violation of a run
 * @invariant: 1..9
 * @dev_id: device named, 0 when none
 * @group_id: group named, 0 when none
 * @domain_id: domain named, 0 when none
 * @seq: sequence number of its VIOLATION event (0: known from CHECK only)
 * @text: what the checker or the layer said
 * @dev_name: the device's name, when an event named it
 * @source: "event" (a VIOLATION event: the layer or a checker run) or
 *	"check" (an entry of the engine's own CHECK)
 * @cycle: cycles started when it was seen
 * @elapsed_ns: since the run started
 * @nr_seqs: sequence numbers of the trace (the kernel's, from CHECK, or
 *	the last events naming the device before @seq, from the stream)
 * @seqs: them, oldest first
 * @nr_trace: events of the trace found in the recorded stream
 * @trace: them, decoded (the violation's own event last, when known)
 * @classified: @bug was decided (false: the violation was only counted,
 *	its events lost)
 * @bug: the known bug it is (known_bugs.h), NULL: none ("new")
 */
struct race_violation {
	unsigned int invariant;
	uint32_t dev_id, group_id, domain_id;
	uint64_t seq;
	char text[PROBELAB_VIOLATION_TEXT];
	char dev_name[40];
	const char *source;
	uint64_t cycle;
	uint64_t elapsed_ns;
	unsigned int nr_seqs;
	uint64_t seqs[PROBELAB_VIOLATION_SEQS];
	unsigned int nr_trace;
	struct race_event trace[RACE_TRACE_MAX];
	bool classified;
	const struct known_bug *bug;
};

/**
 * struct race_prof_entry - where a run's time went: one step of it
 * @line: the scenario file's line of a statement, 0 for the engine's
 *	own steps and the phases of a cycle
 * @what: the statement's op ("register", "sleep", ...) or the step
 *	("cycle: actors", "lab reset", "checker: CHECK", ...)
 * @count: times it ran
 * @ns: wall time it took, summed (steps of concurrent threads overlap;
 *	the "cycle: ..." phases of the role driving the cycles do not)
 */
struct race_prof_entry {
	unsigned int line;
	char what[32];
	uint64_t count;
	uint64_t ns;
};

/*
 * What a run shows (race_judge()): no violation; the bug its scenario
 * mirrors; only other catalogued bugs; or a violation no catalogue entry
 * explains.
 */
enum race_outcome {
	RACE_HELD = 0,
	RACE_REPRODUCED,
	RACE_OTHER_KNOWN,
	RACE_NEW,
};

/* "held", "reproduced", "other-known", "new" */
const char *race_outcome_name(enum race_outcome o);
/*
 * Whether @o meets @expected: reproduce needs RACE_REPRODUCED; hold is
 * met by RACE_HELD and RACE_OTHER_KNOWN (another catalogued bug of the
 * policy's kernel, named).
 */
bool race_outcome_meets(enum race_outcome o, enum race_expect expected);

/**
 * struct race_result - what a run found
 * @threads: --threads used
 * @cycles: cycles completed
 * @cycles_started: cycles begun (>= @cycles)
 * @kernel_cycles: actor steps of the kernel threads (RACE ops)
 * @violations: violations the kernel counted (CHECK total, summed over
 *	the lab resets of the run)
 * @violation_events: VIOLATION events received
 * @have_first: @first is set
 * @first: the first violation
 * @repro_iterations: --iterations for the reproducer: cycles begun when
 *	the first violation was seen (0 when none)
 * @elapsed_ns: from the first cycle to the end
 * @relabs: lab resets (and set-ups again) during the run
 * @events: events recorded
 * @events_missed: sequence numbers the monitor never received
 * @stopped: why the run ended: "budget", "violation", "interrupted",
 *	"error"
 * @err: a scenario step failed: its negative errno (@errmsg says which)
 * @errmsg: the step and the reason
 * @by_bug: VIOLATION events classified as each catalogue entry (by
 *	known_bug_index())
 * @by_bug_new: VIOLATION events no entry explains
 * @outcome: race_judge()'s verdict on the violations
 * @outcome_bug: the bug the outcome names (reproduced: the scenario's;
 *	other-known: the first violation's, else the most counted), or NULL
 * @nr_prof: entries of @prof (race_opts.profile; 0 otherwise)
 * @prof: where the time went, in the order first seen
 */
struct race_result {
	unsigned int threads;
	uint64_t cycles;
	uint64_t cycles_started;
	uint64_t kernel_cycles;
	uint64_t violations;
	uint64_t violation_events;
	bool have_first;
	struct race_violation first;
	uint64_t repro_iterations;
	uint64_t elapsed_ns;
	uint64_t relabs;
	uint64_t events;
	uint64_t events_missed;
	const char *stopped;
	int err;
	char errmsg[256];
	uint64_t by_bug[RACE_MAX_BUGS];
	uint64_t by_bug_new;
	enum race_outcome outcome;
	const struct known_bug *outcome_bug;
	unsigned int nr_prof;
	struct race_prof_entry prof[RACE_PROF_MAX];
};

/* Called about once a second while a run goes on. */
typedef void (*race_progress_fn)(const struct race_opts *o,
				 uint64_t elapsed_ns, uint64_t cycles,
				 uint64_t violations, void *arg);

/*
 * Runs @o's scenario: LAB_RESET, CHECK_AUTO_ON, setup, the roles, until
 * the budget is spent, a violation is seen (unless keep_going), a role
 * fails, or race_interrupt(); then LAB_RESET (and the checker's previous
 * auto setting).  Returns 0 when the run happened (look at @res), or a
 * negative errno when it could not start (@res->errmsg says why:
 * the module, a missing op, the policy, the setup).
 */
int race_run(const struct race_opts *o, struct race_result *res,
	     race_progress_fn progress, void *arg);
/* Asks the run in progress to stop (async-signal-safe). */
void race_interrupt(void);

/*
 * The reproducer: `probelab race --scenario X --policy P --seed S
 * --iterations N` (--file F instead of --scenario when the scenario came
 * from --file; plus --threads when not the default).  -ENOSPC when
 * @len is too small.
 */
int race_reproducer(const struct race_opts *o, const struct race_result *res,
		    char *buf, size_t len);
/* The bug @sc mirrors (its @bug in the catalogue), or NULL. */
const struct known_bug *race_scenario_bug(const struct race_scenario *sc);
/*
 * Sets @res->outcome and @res->outcome_bug from its classified violations
 * (first.bug, by_bug, by_bug_new) for a run of @sc: new when any
 * violation is new (or was only counted), else reproduced when @sc's bug
 * was seen, else other-known when a violation was, else held.  race_run()
 * calls it.
 */
void race_judge(const struct race_scenario *sc, struct race_result *res);
/* res->outcome (race_judge() must have run). */
enum race_outcome race_outcome(const struct race_result *res);
/*
 * What the run of @o should do: --expect when given, else the catalogue's
 * expectation for @o->policy; -1 when neither states one.
 */
int race_expected(const struct race_opts *o);

/* ---- campaigns as KTAP (race_ktap.c) -------------------------------------- */

/*
 * `probelab race --ktap` prints one KTAP version 1 document: the header
 * (with the plan, scenarios × policies), then for each scenario × policy,
 * test N from 1, named "SCENARIO/POLICY", diagnostic lines (the outcome,
 * the seed, the time, the reproducer) and its result line.  Each function
 * writes whole lines into @buf; -ENOSPC when @len is too small.
 */
enum race_verdict {
	RACE_VERDICT_OK,	/* the outcome expected */
	RACE_VERDICT_NOT_OK,	/* another outcome, an error, an interruption */
	RACE_VERDICT_SKIP,	/* did not run, or nothing was expected */
};

/*
 * The verdict on a run: @ret is race_run()'s return (< 0: it did not
 * start), @expected race_expected()'s.
 */
enum race_verdict race_verdict(int expected, int ret,
			       const struct race_result *res);
/* "KTAP version 1", what the campaign runs, and its plan. */
int race_ktap_header(const struct race_opts *o, char *buf, size_t len);
/*
 * Test @n: the run of @o (its scenario and policy) that race_run()
 * answered with @ret and @res; @expected as for race_verdict().
 */
int race_ktap_result(const struct race_opts *o, unsigned int n, int expected,
		     int ret, const struct race_result *res, char *buf,
		     size_t len);
/* Test @n, not run: "ok N SCENARIO/POLICY # SKIP @why". */
int race_ktap_skip(const struct race_opts *o, unsigned int n, const char *why,
		   char *buf, size_t len);

/* ---- seed sweeps (race_sweep.c) -------------------------------------------- */

/* a sweep's budget per run when neither --seconds nor --iterations is given */
#define RACE_SWEEP_DEFAULT_SECONDS	2.0
/* seeds of a pair's runs that missed the expectation, kept for the report */
#define RACE_SWEEP_OFF_KEPT		8

/**
 * struct race_sweep_pair - one scenario × policy over the seeds of a sweep
 * @sc: the scenario
 * @policy: enum probelab_policy
 * @expected: race_expected() for the pair (-1: nothing stated)
 * @runs: runs made (started or not)
 * @outcomes: runs per enum race_outcome
 * @errors: runs that did not start or whose step failed
 * @off: runs whose outcome missed @expected (errors included)
 * @off_seeds: the first RACE_SWEEP_OFF_KEPT of their seeds
 * @nr_first: runs that saw a violation
 * @first_ns: the time to its first violation, per such run (allocated)
 * @bug_runs: runs in which each catalogue entry showed
 * @new_runs: runs with a violation no entry explains
 */
struct race_sweep_pair {
	const struct race_scenario *sc;
	unsigned int policy;
	int expected;
	unsigned int runs;
	unsigned int outcomes[RACE_NEW + 1];
	unsigned int errors;
	unsigned int off;
	uint64_t off_seeds[RACE_SWEEP_OFF_KEPT];
	unsigned int nr_first;
	uint64_t *first_ns;
	unsigned int bug_runs[RACE_MAX_BUGS];
	unsigned int new_runs;
};

/* Sets @p up for @o's scenario and policy, room for @nr_seeds runs. */
int race_sweep_pair_init(struct race_sweep_pair *p, const struct race_opts *o,
			 uint64_t nr_seeds);
void race_sweep_pair_free(struct race_sweep_pair *p);
/* Counts one run of seed @seed: race_run() answered @ret and @res. */
void race_sweep_pair_add(struct race_sweep_pair *p, uint64_t seed, int ret,
			 const struct race_result *res);
/* Median and maximum time to the first violation (false: none seen). */
bool race_sweep_pair_times(const struct race_sweep_pair *p,
			   uint64_t *median_ns, uint64_t *max_ns);

/* ---- for scenarios (tools/lib/scenarios/, race_file.c) -------------------- */

struct pl_handle *race_handle(struct race_run *r);
const struct race_opts *race_opts(const struct race_run *r);
unsigned int race_threads(const struct race_run *r);
void *race_priv(struct race_run *r);
void race_set_priv(struct race_run *r, void *priv);
/*
 * Begins cycle *k (its index, from 0): false when the budget is spent or
 * the run is stopping.  Every begun cycle is ended with race_cycle_end().
 */
bool race_cycle_begin(struct race_run *r, uint64_t *k);
void race_cycle_end(struct race_run *r);
bool race_stopping(const struct race_run *r);
/* Records a failed step (the first one wins), stops the run, returns @err. */
int race_fail(struct race_run *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds kernel-thread steps (RACE op answers). */
void race_add_kernel_cycles(struct race_run *r, uint64_t n);
/*
 * LAB_RESET and the scenario's setup again (the freed objects the layer
 * quarantines are only returned at a reset): the caller makes sure no
 * other role touches the lab meanwhile.  Violations counted so far are
 * kept.
 */
int race_relab(struct race_run *r);
/* Arms the scenario's injections (setup calls it after FW_LOAD). */
int race_arm_injections(struct race_run *r);
/* FW_LOAD of a JSON topology under the run's policy, DMA default domains. */
int race_load_topology(struct race_run *r, const char *json);
/*
 * With race_opts.profile: adds @ns of wall time to the profile entry
 * (@line, @what), made at its first use (entries past RACE_PROF_MAX are
 * dropped).  Without: nothing.  race_profiling() says which.
 */
bool race_profiling(const struct race_run *r);
void race_prof_add(struct race_run *r, unsigned int line, const char *what,
		   uint64_t ns);
/* Sleeps @us microseconds (0: yields). */
void race_sleep_us(uint64_t us);
uint64_t race_now_ns(void);

#endif /* LIBPROBELAB_RACE_H */

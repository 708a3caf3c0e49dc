// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the race engine behind `probelab race` (race.h).
 *
 * Threads of a run:
 *  - the caller's thread: budget, progress, stop;
 *  - a monitor: the genl event stream into a ring of recent events, the
 *    first VIOLATION event with the events that led there;
 *  - a checker: CHECK in a loop (the module also checks after every op);
 *  - the scenario's roles.
 * A lab reset during a run (race_relab()) excludes the checker through a
 * rwlock, so that the violations counted before the reset are kept.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "known_bugs.h"
#include "race.h"
#include "race_file.h"
#include "topo.h"

static volatile sig_atomic_t race_intr;

struct race_run {
	const struct race_scenario *sc;
	struct race_opts o;
	unsigned int threads;
	struct pl_handle *h;	/* roles and setup; the checker has its own */
	struct pl_handle *hc;
	void *priv;
	uint64_t t0;

	atomic_bool stop;
	atomic_bool violated;
	atomic_uint_fast64_t next_cycle;
	atomic_uint_fast64_t done_cycles;
	atomic_uint_fast64_t kernel_cycles;
	atomic_uint running_roles;

	/* lab resets against the checker */
	pthread_rwlock_t lab_rw;
	atomic_uint_fast64_t base_total;	/* totals of reset labs */
	atomic_uint_fast64_t total;	/* this lab's CHECK total */
	uint64_t relabs;

	/* the event stream */
	struct pl_monitor *mon;
	pthread_t mon_thread;
	bool mon_started;
	atomic_bool mon_stop;
	pthread_mutex_t ring_lock;	/* everything below */
	pthread_cond_t ring_cond;
	struct race_event *ring;
	uint64_t ring_n;		/* events recorded */
	uint64_t last_seq;		/* highest sequence number received */
	uint64_t vevents;
	bool have_first;
	struct race_violation first;
	bool check_merged;
	/* the classifier's view (ring_lock) */
	const struct known_bug *own_bug;
	bool seen[RACE_MAX_BUGS];
	uint64_t by_bug[RACE_MAX_BUGS];
	uint64_t by_bug_new;

	/* the checker */
	pthread_t check_thread;
	bool check_started;

	/* the first failed step */
	pthread_mutex_t err_lock;
	int err;
	char errmsg[256];

	/* the time profile (o.profile) */
	pthread_mutex_t prof_lock;	/* the two below */
	unsigned int nr_prof;
	struct race_prof_entry prof[RACE_PROF_MAX];
};

/* ---- small helpers --------------------------------------------------- */

uint64_t race_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void race_sleep_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	if (!us) {
		sched_yield();
		return;
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

uint64_t race_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t race_rng_for(uint64_t seed, uint64_t stream, uint64_t cycle)
{
	uint64_t s = seed;
	uint64_t a = race_rng_next(&s);

	s = a ^ (stream * 0xd6e8feb86659fd93ull);
	a = race_rng_next(&s);
	s = a ^ (cycle * 0xa0761d6478bd642full);
	return race_rng_next(&s);
}

uint64_t race_rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = hi - lo + 1;
	return lo + (span ? race_rng_next(s) % span : race_rng_next(s));
}

const char *race_expect_name(enum race_expect e)
{
	return e == RACE_EXPECT_REPRODUCE ? "reproduce" : "hold";
}

int race_expect_from_name(const char *name)
{
	if (!strcmp(name, "reproduce") || !strcmp(name, "reproduces"))
		return RACE_EXPECT_REPRODUCE;
	if (!strcmp(name, "hold") || !strcmp(name, "holds"))
		return RACE_EXPECT_HOLD;
	return -EINVAL;
}

/* Bounded copy, cut at @len - 1 bytes (the kernel's strings may be longer). */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strnlen(src, len - 1) : 0;

	if (n)
		memcpy(dst, src, n);
	dst[n] = 0;
}

/* ---- options --------------------------------------------------------- */

static void say(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static int parse_u64(const char *s, uint64_t *out)
{
	return pl_parse_u64(s, out);
}

/* --seeds A-B (A <= B, at most RACE_MAX_SWEEP_SEEDS of them). */
static int parse_seed_range(const char *arg, struct race_opts *o)
{
	char buf[64], *dash;
	uint64_t lo, hi;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (!dash)
		return -EINVAL;
	*dash = 0;
	if (parse_u64(buf, &lo) || parse_u64(dash + 1, &hi) || hi < lo ||
	    hi - lo >= RACE_MAX_SWEEP_SEEDS)
		return -EINVAL;
	o->sweep = true;
	o->seed_lo = lo;
	o->seed_hi = hi;
	return 0;
}

int race_scenario_list_parse(const char *arg,
			     const struct race_scenario **out,
			     unsigned int *nr, char *err, size_t errlen)
{
	char buf[1024], *tok, *save = NULL;

	if (!strcmp(arg, "all")) {
		if (race_nr_scenarios() > RACE_MAX_SCENARIOS) {
			say(err, errlen, "the catalogue has more than the %u scenarios a campaign takes",
			    RACE_MAX_SCENARIOS);
			return -EINVAL;
		}
		for (unsigned int i = 0; i < race_nr_scenarios(); i++)
			out[(*nr)++] = race_scenario_at(i);
		return 0;
	}
	if (strlen(arg) >= sizeof(buf)) {
		say(err, errlen, "--scenario: the list is longer than %zu characters",
		    sizeof(buf) - 1);
		return -EINVAL;
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct race_scenario *sc = race_scenario_find(tok);

		if (!sc) {
			say(err, errlen, "no scenario named '%s' (probelab scenarios lists them)",
			    tok);
			return -EINVAL;
		}
		for (unsigned int i = 0; i < *nr; i++) {
			if (out[i] == sc) {
				say(err, errlen, "scenario '%s' is listed twice",
				    tok);
				return -EINVAL;
			}
		}
		if (*nr == RACE_MAX_SCENARIOS) {
			say(err, errlen, "--scenario takes at most %u scenarios",
			    RACE_MAX_SCENARIOS);
			return -EINVAL;
		}
		out[(*nr)++] = sc;
	}
	if (!*nr) {
		say(err, errlen, "no scenario named '%s' (probelab scenarios lists them)",
		    arg);
		return -EINVAL;
	}
	return 0;
}

/* --scenario NAME, NAME,NAME... or all, into @o->scenarios. */
static int parse_scenarios(const char *arg, struct race_opts *o, char *err,
			   size_t errlen)
{
	int ret;

	ret = race_scenario_list_parse(arg, o->scenarios, &o->nr_scenarios,
				       err, errlen);
	if (ret)
		return ret;
	o->scenario = o->scenarios[0];
	return 0;
}

int race_opts_parse(int argc, char *const argv[], struct race_opts *o,
		    char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 'S' },
		{ "policy", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'r' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "expect", required_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "plan", no_argument, NULL, 'P' },
		{ "ktap", no_argument, NULL, 'K' },
		{ "file", required_argument, NULL, 'F' },
		{ "seeds", required_argument, NULL, 'W' },
		{ "minimize", no_argument, NULL, 'M' },
		{ 0 }
	};
	const char *scenario = NULL, *policy = NULL, *file = NULL;
	bool have_secs = false, have_iter = false;
	uint64_t v;
	char *end;
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->expect = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			scenario = optarg;
			break;
		case 'p':
			policy = optarg;
			break;
		case 't':
			if (parse_u64(optarg, &v) || !v || v > RACE_MAX_THREADS) {
				say(err, errlen, "--threads takes 1..%u, not '%s'",
				    RACE_MAX_THREADS, optarg);
				return -EINVAL;
			}
			o->threads = (unsigned int)v;
			break;
		case 'i':
			if (parse_u64(optarg, &v) || !v ||
			    v > RACE_MAX_ITERATIONS) {
				say(err, errlen, "--iterations takes 1..%llu, not '%s'",
				    RACE_MAX_ITERATIONS, optarg);
				return -EINVAL;
			}
			o->iterations = v;
			have_iter = true;
			break;
		case 's':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno || *end || !optarg[0] || !(o->seconds > 0) ||
			    o->seconds > RACE_MAX_SECONDS) {
				say(err, errlen, "--seconds takes a number of seconds above 0, at most %g, not '%s'",
				    RACE_MAX_SECONDS, optarg);
				return -EINVAL;
			}
			have_secs = true;
			break;
		case 'r':
			if (parse_u64(optarg, &o->seed)) {
				say(err, errlen, "--seed takes an unsigned 64-bit number (decimal or 0x hex), not '%s'",
				    optarg);
				return -EINVAL;
			}
			o->seeded = true;
			break;
		case 'k':
			o->keep_going = true;
			break;
		case 'e':
			o->expect = race_expect_from_name(optarg);
			if (o->expect < 0) {
				say(err, errlen, "--expect takes reproduce or hold, not '%s'",
				    optarg);
				return -EINVAL;
			}
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'P':
			o->plan = true;
			break;
		case 'K':
			o->ktap = true;
			break;
		case 'F':
			file = optarg;
			break;
		case 'W':
			if (parse_seed_range(optarg, o)) {
				say(err, errlen, "--seeds takes A-B, two seeds (decimal or 0x hex) with A <= B and at most %u seeds, not '%s'",
				    RACE_MAX_SWEEP_SEEDS, optarg);
				return -EINVAL;
			}
			break;
		case 'M':
			o->minimize = true;
			break;
		case ':':
			say(err, errlen, "%s needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			say(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		say(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (scenario && file) {
		say(err, errlen, "--scenario and --file both name the scenario: give one");
		return -EINVAL;
	}
	if (!scenario && !file) {
		say(err, errlen, "--scenario NAME or --file FILE is required (probelab scenarios lists them)");
		return -EINVAL;
	}
	if (file) {
		struct race_file *f;

		/* the file lives as long as the process: @o points into it */
		ret = race_file_load(file, &f, err, errlen);
		if (ret)
			return ret == -ENOMEM ? ret : -EINVAL;
		o->file = file;
		o->scenario = race_file_scenario(f);
		o->scenarios[o->nr_scenarios++] = o->scenario;
	} else {
		ret = parse_scenarios(scenario, o, err, errlen);
		if (ret)
			return ret;
	}
	if (have_iter && have_secs) {
		say(err, errlen, "--iterations and --seconds are two budgets: give one");
		return -EINVAL;
	}
	if (!policy && !o->plan) {
		say(err, errlen, "--policy fixed|linux-6.1|mainline is required");
		return -EINVAL;
	}
	if (policy) {
		if (pl_policies_from_list(policy, o->policies, &o->nr_policies)) {
			say(err, errlen, "--policy takes fixed, linux-6.1, mainline, a comma-separated list of them, or all, not '%s'",
			    policy);
			return -EINVAL;
		}
		o->policy = o->policies[0];
	}
	if (o->sweep && (o->ktap || o->plan || o->seeded || o->expect >= 0)) {
		say(err, errlen, "--seeds is a sweep of its own: not with --ktap, --plan, --seed or --expect (a run is judged against the catalogue)");
		return -EINVAL;
	}
	if (o->sweep)
		o->seed = o->seed_lo;
	if (o->minimize && (o->ktap || o->plan || o->sweep || o->keep_going ||
			    o->expect >= 0)) {
		say(err, errlen, "--minimize shrinks one reproducing run: not with --ktap, --plan, --seeds, --keep-going or --expect");
		return -EINVAL;
	}
	if (o->minimize && !o->seeded) {
		say(err, errlen, "--minimize needs --seed S: the seed of the reproducing run (its reproducer line has it)");
		return -EINVAL;
	}
	if (o->plan && (o->ktap || o->nr_scenarios > 1)) {
		say(err, errlen, "--plan prints the plan of one scenario, as text or --json (not a list, not --ktap)");
		return -EINVAL;
	}
	if (!o->ktap && !o->sweep &&
	    o->nr_scenarios * (o->nr_policies ? o->nr_policies : 1) > 1) {
		say(err, errlen, "a list or 'all' makes a campaign of several runs, whose results are KTAP or a sweep: add --ktap or --seeds A-B");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < o->nr_scenarios; i++) {
		const struct race_scenario *sc = o->scenarios[i];

		/* with --ktap, a skipped test */
		if (!sc->implemented && !o->ktap) {
			say(err, errlen, "scenario '%s' is not implemented in this version: %s",
			    sc->name, sc->note);
			return -EOPNOTSUPP;
		}
		if (sc->implemented && o->threads &&
		    (o->threads < sc->threads_min ||
		     o->threads > sc->threads_max)) {
			say(err, errlen, "scenario '%s' takes --threads %u..%u (%s)",
			    sc->name, sc->threads_min, sc->threads_max,
			    sc->threads_what);
			return -EINVAL;
		}
	}
	if (!have_iter && !have_secs)
		o->seconds = o->sweep ? RACE_SWEEP_DEFAULT_SECONDS :
			     RACE_DEFAULT_SECONDS;
	if (have_iter)
		o->seconds = 0;
	return 0;
}

/* ---- events ---------------------------------------------------------- */

void race_event_from_pl(struct race_event *dst, const struct pl_event *ev)
{
	memset(dst, 0, sizeof(*dst));
	dst->seq = ev->seq;
	dst->timestamp_ns = ev->timestamp_ns;
	dst->event = ev->event;
	dst->has = ev->has;
	dst->dev_id = ev->dev_id;
	dst->group = ev->group;
	dst->domain = ev->domain;
	dst->domain_type = ev->domain_type;
	dst->driver = ev->driver;
	dst->invariant = ev->invariant;
	dst->err = ev->err;
	copy_str(dst->dev_name, sizeof(dst->dev_name), ev->dev_name);
	copy_str(dst->iommu, sizeof(dst->iommu), ev->iommu);
	copy_str(dst->detail, sizeof(dst->detail), ev->detail);
}

void race_event_format(const struct race_event *ev, char *buf, size_t len)
{
	const char *name = pl_event_name(ev->event);
	size_t n = 0;

#define OUT(...)							\
	do {								\
		if (n < len)						\
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); \
	} while (0)

	if (!len)
		return;
	buf[0] = 0;
	OUT("%8" PRIu64 " %6" PRIu64 ".%09" PRIu64 " ", ev->seq,
	    ev->timestamp_ns / 1000000000u, ev->timestamp_ns % 1000000000u);
	if (name)
		OUT("%-16s", name);
	else
		OUT("event%-11u", ev->event);
	if (ev->has & PL_EV_HAS_DEV)
		OUT(" dev %u %s", ev->dev_id, ev->dev_name);
	if (ev->has & PL_EV_HAS_IOMMU)
		OUT(" iommu %s", ev->iommu);
	if (ev->has & PL_EV_HAS_GROUP)
		OUT(" group %u", ev->group);
	if (ev->has & PL_EV_HAS_DOMAIN)
		OUT(" domain %u/%s", ev->domain,
		    pl_domain_type_name(ev->domain_type) ?
		    pl_domain_type_name(ev->domain_type) : "?");
	if (ev->has & PL_EV_HAS_DRIVER)
		OUT(" driver %s", pl_driver_name(ev->driver) ?
		    pl_driver_name(ev->driver) : "?");
	if ((ev->has & PL_EV_HAS_ERRNO) && ev->err)
		OUT(" err %s", pl_errno_name(ev->err) ?
		    pl_errno_name(ev->err) : "?");
	if (ev->has & PL_EV_HAS_INVARIANT)
		OUT(" invariant %u", ev->invariant);
	if (ev->has & PL_EV_HAS_DETAIL)
		OUT(" \"%s\"", ev->detail);
#undef OUT
}

/* The recorded event of sequence number @seq (ring_lock held), or NULL. */
static const struct race_event *ring_find(const struct race_run *r,
					  uint64_t seq)
{
	uint64_t n = r->ring_n < RACE_EVENT_RING ? r->ring_n : RACE_EVENT_RING;

	for (uint64_t i = 0; i < n; i++) {
		const struct race_event *e =
			&r->ring[(r->ring_n - 1 - i) % RACE_EVENT_RING];

		if (e->seq == seq)
			return e;
	}
	return NULL;
}

/*
 * The trace of a violation from the stream (ring_lock held): the last
 * PROBELAB_VIOLATION_SEQS events before @vseq naming @dev_id (any event
 * when 0), as the kernel keeps them per device.
 */
static void trace_from_stream(const struct race_run *r, uint64_t vseq,
			      uint32_t dev_id, struct race_violation *v)
{
	uint64_t n = r->ring_n < RACE_EVENT_RING ? r->ring_n : RACE_EVENT_RING;
	uint64_t seqs[PROBELAB_VIOLATION_SEQS];
	unsigned int k = 0;

	for (uint64_t i = 0; i < n && k < PROBELAB_VIOLATION_SEQS; i++) {
		const struct race_event *e =
			&r->ring[(r->ring_n - 1 - i) % RACE_EVENT_RING];

		if (e->seq >= vseq)
			continue;
		if (dev_id && (!(e->has & PL_EV_HAS_DEV) || e->dev_id != dev_id))
			continue;
		seqs[k++] = e->seq;
	}
	/* oldest first */
	v->nr_seqs = k;
	for (unsigned int i = 0; i < k; i++)
		v->seqs[i] = seqs[k - 1 - i];
}

/* Decodes @v's seqs (+ the violation's own event) from the ring. */
static void trace_decode(const struct race_run *r, struct race_violation *v)
{
	const struct race_event *e;

	v->nr_trace = 0;
	for (unsigned int i = 0; i < v->nr_seqs; i++) {
		e = ring_find(r, v->seqs[i]);
		if (e)
			v->trace[v->nr_trace++] = *e;
	}
	if (v->seq && (e = ring_find(r, v->seq)) &&
	    v->nr_trace < RACE_TRACE_MAX)
		v->trace[v->nr_trace++] = *e;
}

/*
 * The events the classifier reads for a violation (ring_lock held): the
 * last PROBELAB_VIOLATION_SEQS events before @vseq naming @dev_id (any
 * when 0), VIOLATION events left out - a state the checker reports at
 * every run would otherwise push the steps that led there out.
 */
static unsigned int class_trace(const struct race_run *r, uint64_t vseq,
				uint32_t dev_id, struct race_event *out)
{
	uint64_t n = r->ring_n < RACE_EVENT_RING ? r->ring_n : RACE_EVENT_RING;
	unsigned int k = 0;

	for (uint64_t i = 0; i < n && k < PROBELAB_VIOLATION_SEQS; i++) {
		const struct race_event *e =
			&r->ring[(r->ring_n - 1 - i) % RACE_EVENT_RING];

		if (e->seq >= vseq || e->event == PROBELAB_EV_VIOLATION)
			continue;
		if (dev_id && (!(e->has & PL_EV_HAS_DEV) || e->dev_id != dev_id))
			continue;
		out[k++] = *e;
	}
	return k;
}

/* Names the bug of one violation (ring_lock held). */
static const struct known_bug *classify(struct race_run *r,
					unsigned int invariant,
					const char *text, uint64_t vseq,
					uint32_t dev_id)
{
	struct race_event trace[PROBELAB_VIOLATION_SEQS];
	struct kb_violation v = {
		.invariant = invariant, .text = text, .policy = r->o.policy,
		.trace = trace,
	};
	struct kb_context ctx = {
		.own = r->own_bug, .seen = r->seen,
		.first = r->have_first && r->first.classified ?
			 r->first.bug : NULL,
	};

	v.nr_trace = vseq ? class_trace(r, vseq, dev_id, trace) : 0;
	return known_bug_classify(&v, &ctx, NULL);
}

static int on_event_locked(struct race_run *r, const struct pl_event *ev);

static int on_event(const struct pl_event *ev, void *arg)
{
	struct race_run *r = arg;
	uint64_t t = r->o.profile ? race_now_ns() : 0;
	int ret;

	pthread_mutex_lock(&r->ring_lock);
	ret = on_event_locked(r, ev);
	pthread_cond_broadcast(&r->ring_cond);
	pthread_mutex_unlock(&r->ring_lock);
	if (t)
		race_prof_add(r, 0, "monitor: event", race_now_ns() - t);
	return ret;
}

/* Records @ev in the ring, classifies a violation (ring_lock held). */
static int on_event_locked(struct race_run *r, const struct pl_event *ev)
{
	struct race_event *slot;

	slot = &r->ring[r->ring_n % RACE_EVENT_RING];
	race_event_from_pl(slot, ev);
	r->ring_n++;
	if (ev->seq > r->last_seq)
		r->last_seq = ev->seq;
	if (ev->event == PROBELAB_EV_VIOLATION) {
		const struct known_bug *bug = classify(r, ev->invariant,
			ev->detail, ev->seq,
			(ev->has & PL_EV_HAS_DEV) ? ev->dev_id : 0);

		r->vevents++;
		if (bug && known_bug_index(bug) < RACE_MAX_BUGS)
			r->by_bug[known_bug_index(bug)]++;
		else
			r->by_bug_new++;
		if (r->have_first && !r->first.classified &&
		    r->first.invariant == ev->invariant &&
		    !strncmp(r->first.text, ev->detail,
			     sizeof(r->first.text) - 1)) {
			/* the CHECK entry that came first: its event's verdict */
			r->first.classified = true;
			r->first.bug = bug;
		}
		if (!r->have_first) {
			struct race_violation *v = &r->first;

			memset(v, 0, sizeof(*v));
			v->invariant = ev->invariant;
			v->dev_id = (ev->has & PL_EV_HAS_DEV) ? ev->dev_id : 0;
			v->group_id = (ev->has & PL_EV_HAS_GROUP) ? ev->group : 0;
			v->domain_id = (ev->has & PL_EV_HAS_DOMAIN) ?
				       ev->domain : 0;
			v->seq = ev->seq;
			copy_str(v->text, sizeof(v->text), ev->detail);
			if (ev->has & PL_EV_HAS_DEV)
				copy_str(v->dev_name, sizeof(v->dev_name),
					 ev->dev_name);
			v->source = "event";
			v->cycle = atomic_load(&r->next_cycle);
			v->elapsed_ns = race_now_ns() - r->t0;
			trace_from_stream(r, ev->seq, v->dev_id, v);
			trace_decode(r, v);
			v->classified = true;
			v->bug = bug;
			r->have_first = true;
		}
		atomic_store(&r->violated, true);
	}
	return 0;
}

static void *monitor_thread(void *arg)
{
	struct race_run *r = arg;

	while (!atomic_load(&r->mon_stop)) {
		int ret = pl_monitor_poll(r->mon, 50, on_event, r, NULL);

		if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
			race_fail(r, ret, "reading the event stream: %s",
				  strerror(-ret));
			break;
		}
	}
	return NULL;
}

/* Waits until the monitor received @seq (or @ms passed). */
static void monitor_wait_seq(struct race_run *r, uint64_t seq,
			     unsigned int ms)
{
	uint64_t deadline = race_now_ns() + (uint64_t)ms * 1000000u;
	struct timespec ts;

	pthread_mutex_lock(&r->ring_lock);
	while (r->last_seq < seq && race_now_ns() < deadline) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->ring_cond, &r->ring_lock, &ts);
	}
	pthread_mutex_unlock(&r->ring_lock);
}

/* ---- the checker ----------------------------------------------------- */

/*
 * A violation CHECK returned: the kernel's own trace.  When it is the
 * first violation of the stream, its sequence numbers replace the ones
 * taken from the stream; when no event told of a violation yet, it is
 * the first.
 */
static void check_entry(struct race_run *r, const struct probelab_violation *e)
{
	struct race_violation *v = &r->first;

	monitor_wait_seq(r, e->seq + 1, 500);
	pthread_mutex_lock(&r->ring_lock);
	if (r->have_first && r->check_merged) {
		pthread_mutex_unlock(&r->ring_lock);
		return;
	}
	if (!r->have_first) {
		memset(v, 0, sizeof(*v));
		v->invariant = e->invariant;
		v->dev_id = e->dev_id;
		v->group_id = e->group_id;
		v->domain_id = e->domain_id;
		copy_str(v->text, sizeof(v->text), e->what);
		v->source = "check";
		v->cycle = atomic_load(&r->next_cycle);
		v->elapsed_ns = race_now_ns() - r->t0;
		r->have_first = true;
	} else if (v->invariant != e->invariant || v->dev_id != e->dev_id ||
		   strncmp(v->text, e->what, sizeof(v->text))) {
		/* the first violation was another one: keep its trace */
		r->check_merged = true;
		pthread_mutex_unlock(&r->ring_lock);
		return;
	}
	r->check_merged = true;
	v->nr_seqs = e->nr_seqs < PROBELAB_VIOLATION_SEQS ? e->nr_seqs :
		     PROBELAB_VIOLATION_SEQS;
	memcpy(v->seqs, e->seqs, v->nr_seqs * sizeof(v->seqs[0]));
	trace_decode(r, v);
	pthread_mutex_unlock(&r->ring_lock);
}

/* One CHECK: updates the total, reports what it found.  0 or -errno. */
static int check_once(struct race_run *r)
{
	struct pl_check_result cr;
	int ret;

	ret = pl_check(r->hc, 0, 4, &cr);
	if (ret)
		return ret;
	atomic_store(&r->total, cr.total);
	if (cr.found || cr.total)
		atomic_store(&r->violated, true);
	if (cr.nr)
		check_entry(r, &cr.v[0]);
	pl_check_result_free(&cr);
	return 0;
}

static void *checker_thread(void *arg)
{
	struct race_run *r = arg;

	while (!atomic_load(&r->stop)) {
		uint64_t t = race_now_ns();
		int ret;

		pthread_rwlock_rdlock(&r->lab_rw);
		ret = check_once(r);
		pthread_rwlock_unlock(&r->lab_rw);
		race_prof_add(r, 0, "checker: CHECK", race_now_ns() - t);
		if (ret) {
			race_fail(r, ret, "CHECK: %s", strerror(-ret));
			break;
		}
		race_sleep_us(1000);
	}
	return NULL;
}

/* ---- for scenarios --------------------------------------------------- */

struct pl_handle *race_handle(struct race_run *r)
{
	return r->h;
}

const struct race_opts *race_opts(const struct race_run *r)
{
	return &r->o;
}

unsigned int race_threads(const struct race_run *r)
{
	return r->threads;
}

void *race_priv(struct race_run *r)
{
	return r->priv;
}

void race_set_priv(struct race_run *r, void *priv)
{
	r->priv = priv;
}

bool race_stopping(const struct race_run *r)
{
	return atomic_load(&((struct race_run *)r)->stop) || race_intr;
}

bool race_cycle_begin(struct race_run *r, uint64_t *k)
{
	uint64_t n;

	if (race_stopping(r))
		return false;
	n = atomic_fetch_add(&r->next_cycle, 1);
	if (r->o.iterations && n >= r->o.iterations) {
		atomic_fetch_sub(&r->next_cycle, 1);
		return false;
	}
	*k = n;
	return true;
}

void race_cycle_end(struct race_run *r)
{
	atomic_fetch_add(&r->done_cycles, 1);
}

int race_fail(struct race_run *r, int err, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->err_lock);
	if (!r->err) {
		r->err = err ? err : -EIO;
		va_start(ap, fmt);
		vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->err_lock);
	atomic_store(&r->stop, true);
	return err;
}

bool race_profiling(const struct race_run *r)
{
	return r->o.profile;
}

void race_prof_add(struct race_run *r, unsigned int line, const char *what,
		   uint64_t ns)
{
	struct race_prof_entry *e = NULL;

	if (!r->o.profile)
		return;
	pthread_mutex_lock(&r->prof_lock);
	for (unsigned int i = 0; i < r->nr_prof; i++) {
		if (r->prof[i].line == line &&
		    !strncmp(r->prof[i].what, what, sizeof(e->what) - 1)) {
			e = &r->prof[i];
			break;
		}
	}
	if (!e && r->nr_prof < RACE_PROF_MAX) {
		e = &r->prof[r->nr_prof++];
		e->line = line;
		copy_str(e->what, sizeof(e->what), what);
	}
	if (e) {
		e->count++;
		e->ns += ns;
	}
	pthread_mutex_unlock(&r->prof_lock);
}

void race_add_kernel_cycles(struct race_run *r, uint64_t n)
{
	atomic_fetch_add(&r->kernel_cycles, n);
}

int race_load_topology(struct race_run *r, const char *json)
{
	struct pl_fw_reject rej;
	struct pl_topo *t;
	char err[256];
	int ret;

	ret = pl_topo_load("scenario", json, &t, err, sizeof(err));
	if (ret)
		return race_fail(r, ret, "the scenario's topology: %s", err);
	ret = pl_fw_load(r->h, t->blob, t->len, r->o.policy,
			 PROBELAB_DOMAIN_DMA, &rej);
	pl_topo_free(t);
	if (ret)
		return race_fail(r, ret, "FW_LOAD (policy %s): %s",
				 pl_policy_name(r->o.policy), strerror(-ret));
	return 0;
}

int race_arm_injections(struct race_run *r)
{
	struct probelab_inject inj[RACE_MAX_INJECT];
	unsigned int n = 0;
	int ret;

	if (r->sc->injections)
		n = r->sc->injections(r->o.seed, inj, RACE_MAX_INJECT);
	for (unsigned int i = 0; i < n; i++) {
		ret = pl_inject(r->h, &inj[i]);
		if (ret)
			return race_fail(r, ret, "INJECT %s: %s", inj[i].point,
					 strerror(-ret));
	}
	return 0;
}

int race_relab(struct race_run *r)
{
	uint64_t t = race_now_ns();
	struct pl_check_result cr;
	int ret;

	pthread_rwlock_wrlock(&r->lab_rw);
	ret = pl_check(r->hc, 0, 4, &cr);
	if (!ret) {
		if (cr.nr)
			check_entry(r, &cr.v[0]);
		if (cr.total)
			atomic_store(&r->violated, true);
		atomic_fetch_add(&r->base_total, cr.total);
		atomic_store(&r->total, 0);
		pl_check_result_free(&cr);
		ret = pl_lab_reset(r->h);
		if (ret)
			race_fail(r, ret, "LAB_RESET: %s", strerror(-ret));
	} else {
		race_fail(r, ret, "CHECK before a lab reset: %s",
			  strerror(-ret));
	}
	if (!ret) {
		r->relabs++;
		ret = r->sc->setup(r);
	}
	pthread_rwlock_unlock(&r->lab_rw);
	race_prof_add(r, 0, "lab reset + setup", race_now_ns() - t);
	return ret;
}

/* ---- the run ----------------------------------------------------------- */

void race_interrupt(void)
{
	race_intr = 1;
}

struct role_arg {
	struct race_run *r;
	unsigned int role;
};

static void *role_thread(void *arg)
{
	struct role_arg *a = arg;
	int ret = a->r->sc->role(a->r, a->role);

	if (ret && !a->r->err)
		race_fail(a->r, ret, "role %u: %s", a->role, strerror(-ret));
	atomic_fetch_sub(&a->r->running_roles, 1);
	return NULL;
}

/* The ops every scenario uses. */
#define RACE_BASE_OPS	((1ull << PROBELAB_OP_GET_INFO) |		\
			 (1ull << PROBELAB_OP_FW_LOAD) |		\
			 (1ull << PROBELAB_OP_LAB_RESET) |		\
			 (1ull << PROBELAB_OP_DEV_ADD) |		\
			 (1ull << PROBELAB_OP_DEV_REMOVE) |		\
			 (1ull << PROBELAB_OP_IOMMU_REGISTER) |	\
			 (1ull << PROBELAB_OP_IOMMU_UNREGISTER) |	\
			 (1ull << PROBELAB_OP_DRV_BIND) |		\
			 (1ull << PROBELAB_OP_DRV_UNBIND) |		\
			 (1ull << PROBELAB_OP_QUERY) |			\
			 (1ull << PROBELAB_OP_CHECK) |			\
			 (1ull << PROBELAB_OP_INJECT))

static int preflight(struct race_run *r, struct race_result *res)
{
	struct probelab_info info;
	uint64_t need, missing;
	int ret;

	ret = pl_get_info(r->h, &info);
	if (ret) {
		snprintf(res->errmsg, sizeof(res->errmsg), "GET_INFO: %s",
			 strerror(-ret));
		return ret;
	}
	if (!(info.policies & (1u << r->o.policy))) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "the loaded probelab.ko does not implement policy %s",
			 pl_policy_name(r->o.policy));
		return -EOPNOTSUPP;
	}
	need = RACE_BASE_OPS | r->sc->needs_op;
	missing = need & ~info.ops;
	if (missing) {
		unsigned int op = (unsigned int)__builtin_ctzll(missing);

		snprintf(res->errmsg, sizeof(res->errmsg),
			 "scenario %s needs operation %s (%u), which the loaded probelab.ko does not implement (GET_INFO)",
			 r->sc->name, pl_op_name(op) ? pl_op_name(op) : "?", op);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void run_free(struct race_run *r)
{
	if (r->mon)
		pl_monitor_close(r->mon);
	if (r->hc)
		pl_close(r->hc);
	if (r->h)
		pl_close(r->h);
	free(r->ring);
	pthread_rwlock_destroy(&r->lab_rw);
	pthread_mutex_destroy(&r->ring_lock);
	pthread_cond_destroy(&r->ring_cond);
	pthread_mutex_destroy(&r->err_lock);
	pthread_mutex_destroy(&r->prof_lock);
	free(r);
}

int race_run(const struct race_opts *o, struct race_result *res,
	     race_progress_fn progress, void *arg)
{
	struct role_arg roles[RACE_MAX_THREADS + 4];
	pthread_t tids[RACE_MAX_THREADS + 4];
	unsigned int nr_roles, started = 0, i;
	struct pl_check_result cr;
	uint64_t last_progress, t_end;
	struct race_run *r;
	int prev_auto = 0, ret;
	char err[256];
	int sndbuf;

	memset(res, 0, sizeof(*res));
	res->stopped = "error";
	if (!o->scenario || !o->scenario->implemented) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "scenario not implemented in this version");
		return -EOPNOTSUPP;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(res->errmsg, sizeof(res->errmsg), "out of memory");
		return -ENOMEM;
	}
	r->sc = o->scenario;
	r->o = *o;
	r->own_bug = race_scenario_bug(o->scenario);
	r->threads = o->threads ? o->threads : r->sc->threads_def;
	res->threads = r->threads;
	pthread_rwlock_init(&r->lab_rw, NULL);
	pthread_mutex_init(&r->ring_lock, NULL);
	pthread_cond_init(&r->ring_cond, NULL);
	pthread_mutex_init(&r->err_lock, NULL);
	pthread_mutex_init(&r->prof_lock, NULL);
	r->ring = calloc(RACE_EVENT_RING, sizeof(*r->ring));
	if (!r->ring) {
		run_free(r);
		snprintf(res->errmsg, sizeof(res->errmsg), "out of memory");
		return -ENOMEM;
	}
	race_intr = 0;

	ret = pl_open(&r->h);
	if (!ret)
		ret = pl_open(&r->hc);
	if (ret) {
		snprintf(res->errmsg, sizeof(res->errmsg), "%s: %s%s",
			 PL_DEVICE_PATH, strerror(-ret),
			 ret == -ENOENT ? " (probelab.ko is not loaded)" : "");
		run_free(r);
		return ret;
	}
	ret = preflight(r, res);
	if (ret) {
		run_free(r);
		return ret;
	}
	ret = pl_monitor_open(&r->mon, err, sizeof(err));
	if (ret) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "the event stream: %.230s", err);
		run_free(r);
		return ret;
	}
	/* as root the buffer may exceed rmem_max: keep up with bursts */
	sndbuf = 8 << 20;
	if (setsockopt(pl_monitor_fd(r->mon), SOL_SOCKET, SO_RCVBUFFORCE,
		       &sndbuf, sizeof(sndbuf)))
		pl_monitor_set_rcvbuf(r->mon, sndbuf);

	/* CHECK reports the setting after its flags: read it first */
	ret = pl_lab_reset(r->h);
	if (!ret) {
		ret = pl_check(r->hc, 0, 0, &cr);
		prev_auto = cr.auto_check;
		pl_check_result_free(&cr);
	}
	if (!ret) {
		ret = pl_check(r->hc, PROBELAB_CHECK_AUTO_ON, 0, &cr);
		pl_check_result_free(&cr);
	}
	if (ret) {
		snprintf(res->errmsg, sizeof(res->errmsg), "%s: %s",
			 "LAB_RESET / CHECK_AUTO_ON", strerror(-ret));
		run_free(r);
		return ret;
	}

	if (pthread_create(&r->mon_thread, NULL, monitor_thread, r)) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "cannot start the monitor thread");
		ret = -EAGAIN;
		goto out_reset;
	}
	r->mon_started = true;
	r->t0 = race_now_ns();

	ret = r->sc->setup(r);
	if (ret || r->err) {
		snprintf(res->errmsg, sizeof(res->errmsg), "setup: %.240s",
			 r->err ? r->errmsg : strerror(-ret));
		ret = r->err ? r->err : ret;
		goto out_threads;
	}

	if (pthread_create(&r->check_thread, NULL, checker_thread, r)) {
		snprintf(res->errmsg, sizeof(res->errmsg),
			 "cannot start the checker thread");
		ret = -EAGAIN;
		goto out_threads;
	}
	r->check_started = true;

	r->t0 = race_now_ns();
	nr_roles = r->sc->nr_roles(r->sc, r->threads);
	if (nr_roles > RACE_MAX_THREADS + 4)
		nr_roles = RACE_MAX_THREADS + 4;
	atomic_store(&r->running_roles, nr_roles);
	for (i = 0; i < nr_roles; i++) {
		roles[i].r = r;
		roles[i].role = i;
		if (pthread_create(&tids[i], NULL, role_thread, &roles[i])) {
			atomic_store(&r->running_roles,
				     atomic_load(&r->running_roles) -
				     (nr_roles - i));
			race_fail(r, -EAGAIN, "cannot start role thread %u", i);
			break;
		}
		started++;
	}

	last_progress = r->t0;
	t_end = o->seconds > 0 ? r->t0 + (uint64_t)(o->seconds * 1e9) : 0;
	res->stopped = "budget";
	for (;;) {
		uint64_t t = race_now_ns();

		if (r->err) {
			res->stopped = "error";
			break;
		}
		if (race_intr) {
			res->stopped = "interrupted";
			break;
		}
		if (atomic_load(&r->violated) && !o->keep_going) {
			res->stopped = "violation";
			break;
		}
		if (t_end && t >= t_end)
			break;
		if (o->iterations &&
		    atomic_load(&r->done_cycles) >= o->iterations)
			break;
		if (!atomic_load(&r->running_roles))
			break;
		if (progress && t - last_progress >= 1000000000u) {
			uint64_t v = atomic_load(&r->base_total) +
				     atomic_load(&r->total);

			pthread_mutex_lock(&r->ring_lock);
			if (r->vevents > v)
				v = r->vevents;
			pthread_mutex_unlock(&r->ring_lock);
			last_progress = t;
			progress(o, t - r->t0, atomic_load(&r->done_cycles), v,
				 arg);
		}
		race_sleep_us(20000);
	}
	atomic_store(&r->stop, true);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	res->elapsed_ns = race_now_ns() - r->t0;
	if (r->err && strcmp(res->stopped, "error")) {
		/* a role failed after the loop decided: say so */
		res->stopped = "error";
	}
	ret = 0;

out_threads:
	atomic_store(&r->stop, true);
	if (r->check_started)
		pthread_join(r->check_thread, NULL);
	/* the last word: a CHECK after everything stopped */
	if (!pl_check(r->hc, 0, 4, &cr)) {
		atomic_store(&r->total, cr.total);
		if (cr.total)
			atomic_store(&r->violated, true);
		if (cr.nr)
			check_entry(r, &cr.v[0]);
		pl_check_result_free(&cr);
	}
	if (r->mon_started) {
		/* drain: until the stream is quiet for 200 ms */
		uint64_t before;

		do {
			pthread_mutex_lock(&r->ring_lock);
			before = r->ring_n;
			pthread_mutex_unlock(&r->ring_lock);
			race_sleep_us(200000);
			pthread_mutex_lock(&r->ring_lock);
			before = r->ring_n - before;
			pthread_mutex_unlock(&r->ring_lock);
		} while (before && !race_intr);
		atomic_store(&r->mon_stop, true);
		pthread_join(r->mon_thread, NULL);
		r->mon_started = false;
	}
	if (r->sc->cleanup)
		r->sc->cleanup(r);

out_reset:
	pl_lab_reset(r->h);
	if (!prev_auto && !pl_check(r->hc, PROBELAB_CHECK_AUTO_OFF, 0, &cr))
		pl_check_result_free(&cr);

	res->cycles = atomic_load(&r->done_cycles);
	res->cycles_started = atomic_load(&r->next_cycle);
	if (o->iterations && res->cycles_started > o->iterations)
		res->cycles_started = o->iterations;
	res->kernel_cycles = atomic_load(&r->kernel_cycles);
	res->violations = atomic_load(&r->base_total) +
			  atomic_load(&r->total);
	res->violation_events = r->vevents;
	if (res->violations < res->violation_events)
		res->violations = res->violation_events;
	res->relabs = r->relabs;
	if (r->mon) {
		struct pl_monitor_stats st;

		pl_monitor_get_stats(r->mon, &st);
		res->events = st.events;
		res->events_missed = st.missed;
	}
	if (r->have_first) {
		res->have_first = true;
		res->first = r->first;
		res->repro_iterations = r->first.cycle ? r->first.cycle : 1;
		if (o->iterations && res->repro_iterations > o->iterations)
			res->repro_iterations = o->iterations;
	} else if (res->violations) {
		/* counted, but neither an event nor a CHECK entry told us */
		res->have_first = true;
		memset(&res->first, 0, sizeof(res->first));
		snprintf(res->first.text, sizeof(res->first.text),
			 "%" PRIu64 " violation(s) counted by the module, but their events were lost (see dmesg)",
			 res->violations);
		res->first.source = "count";
		res->first.cycle = res->cycles_started;
		res->repro_iterations = res->cycles_started ?
					res->cycles_started : 1;
	}
	if (res->have_first && !strcmp(res->stopped, "budget") &&
	    !o->keep_going)
		res->stopped = "violation";
	if (r->err) {
		res->err = r->err;
		copy_str(res->errmsg, sizeof(res->errmsg), r->errmsg);
	}
	memcpy(res->by_bug, r->by_bug, sizeof(res->by_bug));
	res->by_bug_new = r->by_bug_new;
	res->nr_prof = r->nr_prof;
	memcpy(res->prof, r->prof, r->nr_prof * sizeof(res->prof[0]));
	race_judge(r->sc, res);
	run_free(r);
	return ret;
}

int race_reproducer(const struct race_opts *o, const struct race_result *res,
		    char *buf, size_t len)
{
	char threads[32] = "";
	int n;

	if (o->threads && o->threads != o->scenario->threads_def)
		snprintf(threads, sizeof(threads), " --threads %u", o->threads);
	n = snprintf(buf, len,
		     "probelab race --%s %s --policy %s --seed %" PRIu64
		     " --iterations %" PRIu64 "%s",
		     o->file ? "file" : "scenario",
		     o->file ? o->file : o->scenario->name,
		     pl_policy_name(o->policy), o->seed,
		     res->repro_iterations ? res->repro_iterations :
		     (res->cycles ? res->cycles : 1), threads);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

const struct known_bug *race_scenario_bug(const struct race_scenario *sc)
{
	return sc && sc->known_bug ? known_bug_find(sc->known_bug) : NULL;
}

const char *race_outcome_name(enum race_outcome o)
{
	switch (o) {
	case RACE_HELD:
		return "held";
	case RACE_REPRODUCED:
		return "reproduced";
	case RACE_OTHER_KNOWN:
		return "other-known";
	default:
		return "new";
	}
}

bool race_outcome_meets(enum race_outcome o, enum race_expect expected)
{
	if (expected == RACE_EXPECT_REPRODUCE)
		return o == RACE_REPRODUCED;
	return o == RACE_HELD || o == RACE_OTHER_KNOWN;
}

void race_judge(const struct race_scenario *sc, struct race_result *res)
{
	const struct known_bug *own = race_scenario_bug(sc), *most = NULL;
	uint64_t most_n = 0;

	res->outcome_bug = NULL;
	if (!res->have_first && !res->violations) {
		res->outcome = RACE_HELD;
		return;
	}
	if (res->by_bug_new ||
	    (res->have_first && (!res->first.classified || !res->first.bug))) {
		res->outcome = RACE_NEW;
		return;
	}
	if (own && known_bug_index(own) < RACE_MAX_BUGS &&
	    (res->by_bug[known_bug_index(own)] || res->first.bug == own)) {
		res->outcome = RACE_REPRODUCED;
		res->outcome_bug = own;
		return;
	}
	for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++) {
		if (res->by_bug[i] > most_n) {
			most_n = res->by_bug[i];
			most = known_bug_at(i);
		}
	}
	res->outcome_bug = res->first.bug ? res->first.bug : most;
	/* counted, never seen: nothing names it */
	res->outcome = res->outcome_bug ? RACE_OTHER_KNOWN : RACE_NEW;
}

enum race_outcome race_outcome(const struct race_result *res)
{
	return res->outcome;
}

int race_expected(const struct race_opts *o)
{
	unsigned char e;

	if (o->expect >= 0)
		return o->expect;
	if (!o->scenario || !o->scenario->implemented ||
	    o->policy >= PL_NR_POLICIES)
		return -1;
	e = o->scenario->expect[o->policy];
	return e == RACE_EXPECT_HOLD || e == RACE_EXPECT_REPRODUCE ? e : -1;
}

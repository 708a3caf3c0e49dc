// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: a race campaign's results as KTAP version 1
 * (Documentation/dev-tools/ktap.rst), for `probelab race --ktap`: one test
 * per scenario × policy, named "SCENARIO/POLICY", its diagnostic lines
 * (outcome, expectation, seed, time, reproducer) before its result line,
 * so that kunit.py parse, TAP readers and LAVA read a campaign as they
 * read a kselftest run.  docs/races.md shows a document.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "known_bugs.h"
#include "race.h"

/* Whole lines appended to a caller's buffer; the first line too long ends it. */
struct ktap_out {
	char *buf;
	size_t len;
	size_t off;
	bool full;
};

static void put(struct ktap_out *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appends one line.  Control characters (a newline in a kernel string
 * would end the line early and break the document) become spaces.
 */
static void put(struct ktap_out *k, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (k->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    (size_t)n + 1 >= k->len - k->off) {
		k->full = true;
		return;
	}
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	memcpy(k->buf + k->off, line, (size_t)n);
	k->off += (size_t)n;
	k->buf[k->off++] = '\n';
	k->buf[k->off] = 0;
}

static int ktap_init(struct ktap_out *k, char *buf, size_t len)
{
	k->buf = buf;
	k->len = len;
	k->off = 0;
	k->full = false;
	if (!len)
		return -ENOSPC;
	buf[0] = 0;
	return 0;
}

static int ktap_end(const struct ktap_out *k)
{
	if (k->full) {
		k->buf[0] = 0;
		return -ENOSPC;
	}
	return 0;
}

enum race_verdict race_verdict(int expected, int ret,
			       const struct race_result *res)
{
	if (ret || !res || res->err ||
	    (res->stopped && !strcmp(res->stopped, "interrupted")))
		return RACE_VERDICT_NOT_OK;
	if (expected < 0)
		return RACE_VERDICT_SKIP;
	return race_outcome_meets(race_outcome(res), (enum race_expect)expected) ?
	       RACE_VERDICT_OK : RACE_VERDICT_NOT_OK;
}

int race_ktap_header(const struct race_opts *o, char *buf, size_t len)
{
	unsigned int nsc = o->nr_scenarios, npol = o->nr_policies;
	char budget[64], threads[32] = "";
	struct ktap_out k;

	if (ktap_init(&k, buf, len))
		return -ENOSPC;
	if (o->iterations)
		snprintf(budget, sizeof(budget), "--iterations %" PRIu64,
			 o->iterations);
	else
		snprintf(budget, sizeof(budget), "--seconds %g", o->seconds);
	if (o->threads)
		snprintf(threads, sizeof(threads), ", --threads %u", o->threads);
	/*
	 * The plan right after the version line: kunit.py parse reads no plan
	 * after a diagnostic line (and then misses absent tests).
	 */
	put(&k, "KTAP version 1");
	put(&k, "1..%u", nsc * npol);
	put(&k, "# probelab race: %u scenario%s x %u polic%s, seed %" PRIu64 ", %s per run%s, %s",
	    nsc, nsc == 1 ? "" : "s", npol, npol == 1 ? "y" : "ies", o->seed,
	    budget, threads, o->keep_going ?
	    "--keep-going (each run counts violations to its budget's end)" :
	    "a run stops at its first violation");
	if (o->expect >= 0)
		put(&k, "# ok: the outcome --expect %s",
		    race_expect_name((enum race_expect)o->expect));
	else
		put(&k, "# ok: the outcome the catalogue expects under the policy (probelab scenarios)");
	return ktap_end(&k);
}

/* "id" of a bug, or "new" (not in the catalogue). */
static const char *bug_id(const struct known_bug *b)
{
	return b ? b->id : "new";
}

/* What a run that happened did: outcome, then expected, seed, time. */
static void put_run(struct ktap_out *k, const struct race_opts *o,
		    const struct race_result *res, const char *expected)
{
	const struct race_violation *v = &res->first;
	const char *iname = pl_invariant_name(v->invariant);
	const char *out = race_outcome_name(race_outcome(res));
	char cmd[512], bug[96] = "";

	if (res->outcome_bug)
		snprintf(bug, sizeof(bug), " %s", res->outcome_bug->id);
	if (res->have_first && v->invariant)
		put(k, "# outcome: %s%s: invariant %u (%s), first after %" PRIu64 " cycles begun, %.3f s: %s",
		    out, bug, v->invariant, iname ? iname : "?", v->cycle,
		    (double)v->elapsed_ns / 1e9, v->text);
	else if (res->have_first)
		put(k, "# outcome: %s%s: invariant unknown, first after %" PRIu64 " cycles begun, %.3f s: %s",
		    out, bug, v->cycle, (double)v->elapsed_ns / 1e9, v->text);
	else if (res->violations)
		put(k, "# outcome: %s: %" PRIu64 " violations counted by the module, their events lost",
		    out, res->violations);
	else
		put(k, "# outcome: held for %" PRIu64 " cycles (0 violations)",
		    res->cycles);
	if (res->have_first)
		put(k, "# bug: first violation %s%s", v->classified ?
		    bug_id(v->bug) : "unclassified (its event was lost)",
		    v->classified && v->bug ? v->bug->kind[0] == 'l' ?
		    " (a gap of the lab)" : "" : "");
	if (res->have_first) {
		char line[512];
		size_t n = 0;

		for (unsigned int i = 0; i < known_bug_count() && i < RACE_MAX_BUGS; i++)
			if (res->by_bug[i] && n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n,
						      "%s%s %" PRIu64, n ? ", " : "",
						      known_bug_at(i)->id,
						      res->by_bug[i]);
		if (res->by_bug_new && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      "%snew %" PRIu64, n ? ", " : "",
					      res->by_bug_new);
		if (n)
			put(k, "# violations by bug: %s", line);
	}
	if (res->have_first && o->scenario->invariant &&
	    v->invariant != o->scenario->invariant)
		put(k, "# note: the scenario mirrors invariant %u; this is another one",
		    o->scenario->invariant);
	put(k, "# expected: %s", expected);
	put(k, "# seed: %" PRIu64, o->seed);
	put(k, "# time: %.3f s, %" PRIu64 " cycles, %" PRIu64 " violations, --threads %u",
	    (double)res->elapsed_ns / 1e9, res->cycles, res->violations,
	    res->threads);
	if (res->events_missed)
		put(k, "# note: %" PRIu64 " events were lost by the monitor",
		    res->events_missed);
	if (!race_reproducer(o, res, cmd, sizeof(cmd)))
		put(k, "# %s: %s", res->have_first ? "reproducer" : "rerun",
		    cmd);
	if (res->err)
		put(k, "# error: a scenario step failed: %s", res->errmsg);
	else if (res->stopped && !strcmp(res->stopped, "interrupted"))
		put(k, "# interrupted: the run stopped before its budget was spent");
}

int race_ktap_result(const struct race_opts *o, unsigned int n, int expected,
		     int ret, const struct race_result *res, char *buf,
		     size_t len)
{
	const char *policy = pl_policy_name(o->policy);
	char what[64];
	struct ktap_out k;

	if (ktap_init(&k, buf, len))
		return -ENOSPC;
	if (expected >= 0)
		snprintf(what, sizeof(what), "%s",
			 race_expect_name((enum race_expect)expected));
	else
		snprintf(what, sizeof(what), "nothing stated for %s", policy);
	if (!ret && res) {
		put_run(&k, o, res, what);
	} else {
		put(&k, "# expected: %s", what);
		put(&k, "# seed: %" PRIu64, o->seed);
		put(&k, "# error: the run did not start: %s",
		    res && res->errmsg[0] ? res->errmsg :
		    strerror(ret < 0 ? -ret : EINVAL));
	}
	switch (race_verdict(expected, ret, res)) {
	case RACE_VERDICT_OK:
		put(&k, "ok %u %s/%s", n, o->scenario->name, policy);
		break;
	case RACE_VERDICT_SKIP:
		put(&k, "ok %u %s/%s # SKIP no expectation for %s", n,
		    o->scenario->name, policy, policy);
		break;
	default:
		put(&k, "not ok %u %s/%s", n, o->scenario->name, policy);
		break;
	}
	return ktap_end(&k);
}

int race_ktap_skip(const struct race_opts *o, unsigned int n, const char *why,
		   char *buf, size_t len)
{
	struct ktap_out k;

	if (ktap_init(&k, buf, len))
		return -ENOSPC;
	put(&k, "ok %u %s/%s # SKIP %s", n, o->scenario->name,
	    pl_policy_name(o->policy), why);
	return ktap_end(&k);
}

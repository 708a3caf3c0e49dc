// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: race_minimize() - `probelab race --minimize`: a reproducing
 * run of a scenario file shrunk by delta debugging (race_ddmin.c) over its
 * actors and statements, each candidate printed without the elements it
 * drops (race_file_print_filtered()), parsed again and run by the race
 * engine under the same seed and budget (race_minimize.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known_bugs.h"
#include "race_file_ast.h"
#include "race_minimize.h"

/* one removable element: an actor or a statement at any depth */
struct elem {
	const void *ptr;
	int parent;		/* the element around it, -1: none */
	unsigned int level;	/* 0 actors, 1 top-level statements, ... */
	bool actor, inject;
};

/* a candidate already judged, by its text */
struct seen {
	char *text;
	int verdict;
};

struct min {
	const struct race_opts *o;
	const struct race_file *f;
	struct elem *el;
	unsigned int nel, cap;
	unsigned int max_level;
	struct seen *seen;
	unsigned int nseen, cap_seen;
	struct race_result *res;
	struct race_min_result *out;
	race_min_log_fn log;
	void *log_arg;
	uint64_t t0;
	/* what must still show */
	const struct known_bug *bug;
	unsigned int invariant;
};

static void say(struct min *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct min *m, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!m->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->log(line, m->log_arg);
}

/* ---- the elements of a file ---------------------------------------------- */

static int add_elem(struct min *m, const void *ptr, int parent,
		    unsigned int level, bool actor, bool inject)
{
	if (m->nel == m->cap) {
		unsigned int cap = m->cap ? m->cap * 2 : 64;
		struct elem *v = realloc(m->el, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->el = v;
		m->cap = cap;
	}
	m->el[m->nel++] = (struct elem){ ptr, parent, level, actor, inject };
	if (level > m->max_level)
		m->max_level = level;
	return 0;
}

static int add_block(struct min *m, const struct rf_block *b, int parent,
		     unsigned int level)
{
	int ret;

	for (unsigned int i = 0; i < b->n; i++) {
		const struct rf_stmt *s = &b->v[i];
		int me = (int)m->nel;

		ret = add_elem(m, s, parent, level, false, s->op == RF_INJECT);
		if (!ret)
			ret = add_block(m, &s->body, me, level + 1);
		if (!ret)
			ret = add_block(m, &s->orelse, me, level + 1);
		if (ret)
			return ret;
	}
	return 0;
}

/* in race_file_print()'s order: shared, setup, before, actors, after */
static int collect(struct min *m, const struct race_file *f)
{
	int ret;

	m->nel = 0;
	m->max_level = 0;
	ret = add_block(m, &f->shared.body, -1, 1);
	if (!ret)
		ret = add_block(m, &f->setup.body, -1, 1);
	if (!ret)
		ret = add_block(m, &f->before.body, -1, 1);
	for (unsigned int i = 0; !ret && i < f->nactors; i++) {
		int me = (int)m->nel;

		ret = add_elem(m, &f->actors[i], -1, 0, true, false);
		if (!ret)
			ret = add_block(m, &f->actors[i].body, me, 1);
	}
	if (!ret)
		ret = add_block(m, &f->after.body, -1, 1);
	return ret;
}

/* @i and every element around it kept */
static bool in_effect(const struct min *m, const bool *keep, int i)
{
	for (; i >= 0; i = m->el[i].parent)
		if (!keep[i])
			return false;
	return true;
}

static void size_of(const struct min *m, const bool *keep,
		    struct race_min_size *sz)
{
	memset(sz, 0, sizeof(*sz));
	for (unsigned int i = 0; i < m->nel; i++) {
		if (!in_effect(m, keep, (int)i))
			continue;
		if (m->el[i].actor)
			sz->actors++;
		else
			sz->statements++;
		if (m->el[i].inject)
			sz->injections++;
	}
}

void race_file_size(const struct race_file *f, struct race_min_size *sz)
{
	struct min m = { 0 };
	bool *keep;

	memset(sz, 0, sizeof(*sz));
	if (collect(&m, f))
		goto out;
	keep = malloc((m.nel ? m.nel : 1) * sizeof(*keep));
	if (!keep)
		goto out;
	for (unsigned int i = 0; i < m.nel; i++)
		keep[i] = true;
	size_of(&m, keep, sz);
	free(keep);
out:
	free(m.el);
}

/* ---- printing a candidate ------------------------------------------------ */

struct filter_arg {
	const struct min *m;
	const bool *keep;
};

static bool filter_keep(const void *ptr, void *arg)
{
	const struct filter_arg *fa = arg;

	for (unsigned int i = 0; i < fa->m->nel; i++)
		if (fa->m->el[i].ptr == ptr)
			return fa->keep[i];
	return true;
}

static int print_config(const struct min *m, const bool *keep, char **text)
{
	struct filter_arg fa = { m, keep };
	struct rf_print_filter flt = { filter_keep, &fa };

	return race_file_print_filtered(m->f, &flt, text);
}

/* ---- running a candidate ------------------------------------------------- */

/*
 * The first violation is the bug looked for, and no step failed: a
 * candidate without its cleanup may show the bug in one cycle and fail
 * the next - not a scenario that runs.
 */
static bool same_bug(const struct min *m, const struct race_result *res)
{
	if (!res->have_first || res->err)
		return false;
	if (m->bug)
		return res->first.classified && res->first.bug == m->bug;
	return !(res->first.classified && res->first.bug) &&
	       res->first.invariant == m->invariant;
}

/*
 * A candidate must still be a scenario that runs cycle after cycle: the
 * run that reproduces stops at the first violation, so it cannot tell
 * a candidate whose next cycle would fail (its cleanup dropped) from one
 * that repeats.  Under "fixed", where the catalogue's scenarios hold, the
 * candidate runs MIN_CLEAN_CYCLES cycles first; a step that fails there
 * makes it invalid.  1: it runs; 0: invalid; -EINTR.
 */
#define MIN_CLEAN_CYCLES	3
static int runs_cycles(struct min *m, const struct race_opts *o,
		       const struct race_min_size *sz)
{
	struct race_opts ro = *o;
	int ret;

	ro.policy = PROBELAB_POLICY_FIXED;
	ro.policies[0] = ro.policy;
	ro.nr_policies = 1;
	ro.iterations = MIN_CLEAN_CYCLES;
	ro.seconds = 0;
	ret = race_run(&ro, m->res, NULL, NULL);
	if (m->res->stopped && !strcmp(m->res->stopped, "interrupted"))
		return -EINTR;
	if (!ret && !m->res->err)
		return 1;
	m->out->invalid++;
	say(m, "  candidate (statements %u, actors %u, injections %u) does not run %u cycles under fixed: %s",
	    sz->statements, sz->actors, sz->injections, MIN_CLEAN_CYCLES,
	    m->res->errmsg[0] ? m->res->errmsg : strerror(-ret));
	return 0;
}

/*
 * Runs the scenario @text: 1 when its first violation is the bug looked
 * for (with m->bug still NULL and m->invariant 0: any violation, which
 * then becomes the one looked for), 0 when not or when @text does not
 * parse, a negative errno when interrupted or the run cannot start.
 */
static int run_text(struct min *m, const char *text, struct race_min_size *sz)
{
	struct race_file *cand;
	struct race_opts ro;
	char err[512];
	int ret;

	ret = race_file_parse(race_file_path(m->f), text, &cand, err,
			      sizeof(err));
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		m->out->invalid++;
		say(m, "  candidate (statements %u, actors %u, injections %u) does not parse: %s",
		    sz->statements, sz->actors, sz->injections, err);
		return 0;
	}
	ro = *m->o;
	ro.scenario = race_file_scenario(cand);
	ro.scenarios[0] = ro.scenario;
	ro.nr_scenarios = 1;
	ro.quiet = true;
	ro.keep_going = false;
	ro.minimize = false;
	if (m->out->runs && ro.policy != PROBELAB_POLICY_FIXED) {
		ret = runs_cycles(m, &ro, sz);
		if (ret <= 0) {
			race_file_free(cand);
			return ret;
		}
	}
	m->out->runs++;
	ret = race_run(&ro, m->res, NULL, NULL);
	race_file_free(cand);
	if (m->res->stopped && !strcmp(m->res->stopped, "interrupted"))
		return -EINTR;
	if (ret) {
		/* setup failed, e.g. without a statement it needed */
		say(m, "  run %u (statements %u, actors %u, injections %u): did not start: %s",
		    m->out->runs, sz->statements, sz->actors, sz->injections,
		    m->res->errmsg[0] ? m->res->errmsg : strerror(-ret));
		return m->out->runs == 1 ? ret : 0;
	}
	if (!m->invariant && m->res->have_first) {
		m->bug = m->res->first.classified ? m->res->first.bug : NULL;
		m->invariant = m->res->first.invariant;
	}
	ret = same_bug(m, m->res);
	m->out->reproduced += ret;
	say(m, "  run %u (statements %u, actors %u, injections %u): %s%s%s, %" PRIu64 " cycles, %.3f s%s%s",
	    m->out->runs, sz->statements, sz->actors, sz->injections,
	    ret ? "reproduced" : m->res->err ? "a step failed" :
	    m->res->have_first ? "another violation" : "held",
	    m->res->have_first ? ": " : "",
	    m->res->have_first ? (m->res->first.classified && m->res->first.bug ?
				  m->res->first.bug->id : "new") : "",
	    m->res->cycles_started, (double)m->res->elapsed_ns / 1e9,
	    m->res->err ? ": " : "", m->res->err ? m->res->errmsg : "");
	return ret;
}

static int test_config(const bool *keep, void *arg)
{
	struct min *m = arg;
	struct race_min_size sz;
	char *text;
	int ret;

	ret = print_config(m, keep, &text);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < m->nseen; i++)
		if (!strcmp(m->seen[i].text, text)) {
			m->out->cached++;
			free(text);
			return m->seen[i].verdict;
		}
	size_of(m, keep, &sz);
	ret = run_text(m, text, &sz);
	if (ret < 0) {
		free(text);
		return ret;
	}
	if (m->nseen == m->cap_seen) {
		unsigned int cap = m->cap_seen ? m->cap_seen * 2 : 64;
		struct seen *v = realloc(m->seen, cap * sizeof(*v));

		if (!v) {
			free(text);
			return -ENOMEM;
		}
		m->seen = v;
		m->cap_seen = cap;
	}
	m->seen[m->nseen++] = (struct seen){ text, ret };
	return ret;
}

/* ---- the search ---------------------------------------------------------- */

/* ddmin over the elements of @level still in effect */
static int shrink_level(struct min *m, bool *keep, unsigned int level,
			unsigned int *domain)
{
	unsigned int nd = 0;

	for (unsigned int i = 0; i < m->nel; i++)
		if (m->el[i].level == level && in_effect(m, keep, (int)i))
			domain[nd++] = i;
	if (!nd)
		return 0;
	say(m, "%s: %u %s", level ? "statements" : "actors", nd,
	    level ? "at this depth" : "to try");
	return race_ddmin(m->nel, domain, nd, keep, test_config, m);
}

static int finish(struct min *m, const bool *keep)
{
	char *body, *text;
	const char *path = race_file_path(m->f);
	size_t len;
	int ret;

	ret = print_config(m, keep, &body);
	if (ret)
		return ret;
	size_of(m, keep, &m->out->after);
	len = strlen(body) + 1024 + strlen(path);
	text = malloc(len);
	if (!text) {
		free(body);
		return -ENOMEM;
	}
	snprintf(text, len,
		 "# minimised by probelab race --minimize from %s\n"
		 "# under %s, seed %" PRIu64 ", --threads %u: %s (invariant %u)%s\n"
		 "# statements %u -> %u, actors %u -> %u, injections %u -> %u\n"
		 "# a last run of this file %s\n%s",
		 path, pl_policy_name(m->o->policy), m->o->seed,
		 m->o->threads ? m->o->threads : m->o->scenario->threads_def,
		 m->bug ? m->bug->id : "new", m->invariant,
		 m->out->interrupted ? "; interrupted: not minimal" : "",
		 m->out->before.statements, m->out->after.statements,
		 m->out->before.actors, m->out->after.actors,
		 m->out->before.injections, m->out->after.injections,
		 m->out->interrupted ? "was not made (interrupted)" :
		 m->out->confirmed ? "reproduced it again" :
		 "did not reproduce it: a race reproduces by chance, try a larger budget",
		 body);
	free(body);
	m->out->text = text;
	return 0;
}

int race_minimize(const struct race_opts *o, struct race_min_result *out,
		  race_min_log_fn log, void *arg, char *err, size_t errlen)
{
	struct min m = { .o = o, .out = out, .log = log, .log_arg = arg };
	unsigned int *domain = NULL;
	bool *keep = NULL;
	char *text = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	err[0] = 0;
	m.f = o->scenario->file;
	if (!m.f) {
		snprintf(err, errlen, "scenario '%s' is written in C (tools/lib/scenarios/): only a scenario file (docs/scenario-format.md) can be minimised",
			 o->scenario->name);
		return -EOPNOTSUPP;
	}
	m.t0 = race_now_ns();
	m.res = calloc(1, sizeof(*m.res));
	ret = m.res ? collect(&m, m.f) : -ENOMEM;
	if (ret)
		goto out;
	keep = malloc((m.nel ? m.nel : 1) * sizeof(*keep));
	domain = malloc((m.nel ? m.nel : 1) * sizeof(*domain));
	if (!keep || !domain) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < m.nel; i++)
		keep[i] = true;
	size_of(&m, keep, &out->before);

	/* the run as it is: what must still show */
	say(&m, "%s under %s, seed %" PRIu64 ": statements %u, actors %u, injections %u; the run as it is",
	    o->scenario->name, pl_policy_name(o->policy), o->seed,
	    out->before.statements, out->before.actors, out->before.injections);
	ret = test_config(keep, &m);
	if (ret < 0) {
		snprintf(err, errlen, "the run as it is %s: %s",
			 ret == -EINTR ? "was interrupted" : "could not start",
			 ret != -EINTR && m.res->errmsg[0] ? m.res->errmsg :
			 strerror(-ret));
		goto out;
	}
	if (!ret) {
		snprintf(err, errlen, "the run as it is did not reproduce (%s) under %s with seed %" PRIu64 " and this budget: nothing to minimise",
			 m.res->err ? m.res->errmsg : "it held",
			 pl_policy_name(o->policy), o->seed);
		ret = -ESRCH;
		goto out;
	}
	out->bug = m.bug;
	out->invariant = m.invariant;
	say(&m, "looking for: %s (invariant %u)", m.bug ? m.bug->id : "new",
	    m.invariant);

	/* hierarchical: actors, then statements level by level */
	for (unsigned int level = 0; level <= m.max_level; level++) {
		ret = shrink_level(&m, keep, level, domain);
		if (ret)
			break;
	}
	if (!ret) {
		/* the minimal file once more, past the cache */
		struct race_min_size sz;

		ret = print_config(&m, keep, &text);
		if (!ret) {
			size_of(&m, keep, &sz);
			say(&m, "the minimal file once more");
			ret = run_text(&m, text, &sz);
			out->confirmed = ret == 1;
			ret = ret < 0 ? ret : 0;
		}
	}
	if (ret == -EINTR) {
		out->interrupted = true;
		ret = 0;
	}
	if (!ret)
		ret = finish(&m, keep);
	if (ret && !err[0])
		snprintf(err, errlen, "%s", strerror(-ret));
out:
	out->elapsed_ns = race_now_ns() - m.t0;
	for (unsigned int i = 0; i < m.nseen; i++)
		free(m.seen[i].text);
	free(m.seen);
	free(m.el);
	free(m.res);
	free(keep);
	free(domain);
	free(text);
	return ret;
}

void race_min_result_free(struct race_min_result *res)
{
	free(res->text);
	res->text = NULL;
}

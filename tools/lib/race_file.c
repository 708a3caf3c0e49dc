// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the interpreter of scenario files - a parsed file
 * (race_file_ast.h) as a struct race_scenario whose setup, roles and
 * cleanup the race engine (race.c) runs like a C scenario's: the same
 * cycles, budget, checker, events and verdicts.
 *
 * Roles: with per-cycle actors, role 0 drives the cycles (relab, before,
 * the actors released together through a crew, after); otherwise each
 * instance of a cycles actor takes cycles by itself.  Every instance of a
 * background actor is a role of its own, looping until the run stops.
 *
 * Determinism: a frame's random stream is race_rng_for(seed, stream, k)
 * with a stream per actor instance (RF_STREAM_ACTOR), per block (setup,
 * before, after) and per inject statement (its line), and k the cycle
 * (a background actor's own iteration; setup: 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "race_file_ast.h"
#include "race_scenario_util.h"

#define RF_STOP		1	/* the run is stopping: unwind, no error */

enum rf_obj_kind { RF_OBJ_DEVICE, RF_OBJ_DOMAIN };

struct rf_obj {
	char name[RF_MAX_NAME];
	enum rf_obj_kind kind;
	uint32_t id;
};

struct rf_slot {
	unsigned int actor, inst;
};

struct rf_run {
	const struct race_file *f;
	pthread_mutex_t lock;		/* the objects */
	unsigned int nobjs;
	struct rf_obj objs[RF_MAX_OBJECTS];
	atomic_bool flags[RF_MAX_FLAGS];
	struct pl_handle *handles[RF_MAX_HANDLES];
	unsigned int nroles, njobs;
	struct rf_slot roles[RACE_MAX_THREADS + 4];
	struct rf_slot jobs[RACE_MAX_THREADS + 2];
	bool driver;			/* role 0 drives per-cycle actors */
	struct rs_crew crew;
};

struct rf_frame {
	struct race_run *r;
	struct rf_run *rr;
	struct pl_handle *h;		/* the run's handle */
	uint64_t seed, k;
	uint64_t rng;
	int64_t v[RF_MAX_VARS];
};

/*
 * Evaluates @e in @fr for statement @s; without a run (fr->r NULL: plans,
 * layouts) a failure is -EINVAL with no message.
 */
static int eval(struct rf_frame *fr, const struct rf_stmt *s,
		const struct rf_expr *e, int64_t *out);

static const struct race_file *file_of(struct race_run *r)
{
	return race_opts(r)->scenario->file;
}

/* ---- layout: the roles and crew jobs of --threads N --------------------- */

/* An actor's instances under @threads: 0..RACE_MAX_THREADS, -1 bad. */
static int actor_count(const struct rf_actor *a, unsigned int threads)
{
	const struct rf_expr *e = a->count;
	int64_t v;

	if (!e)
		return 1;
	/* the count sees "threads" only: evaluate with a tiny frame */
	{
		struct rf_frame fr;

		memset(&fr, 0, sizeof(fr));
		fr.v[RF_VAR_THREADS] = threads;
		if (eval(&fr, NULL, e, &v))
			return -1;
	}
	return v >= 0 && v <= RACE_MAX_THREADS ? (int)v : -1;
}

/* Fills rr's roles and jobs; -EINVAL with the reason in @why. */
static int layout(const struct race_file *f, unsigned int threads,
		  struct rf_run *rr, char *why, size_t len)
{
	rr->nroles = rr->njobs = 0;
	rr->driver = false;
	for (unsigned int a = 0; a < f->nactors; a++)
		if (f->actors[a].kind == RF_ACTOR_PER_CYCLE)
			rr->driver = true;
	if (rr->driver)
		rr->nroles = 1;
	for (unsigned int a = 0; a < f->nactors; a++) {
		const struct rf_actor *ac = &f->actors[a];
		int n = actor_count(ac, threads);

		if (n < 0) {
			snprintf(why, len, "actor %s (line %u): its count under --threads %u is not 0..%u",
				 ac->name, ac->line, threads, RACE_MAX_THREADS);
			return -EINVAL;
		}
		for (int i = 0; i < n; i++) {
			struct rf_slot sl = { a, (unsigned int)i };

			if (ac->kind == RF_ACTOR_PER_CYCLE) {
				if (rr->njobs == RACE_MAX_THREADS + 2) {
					snprintf(why, len, "more than %u per-cycle actor instances",
						 RACE_MAX_THREADS + 2);
					return -EINVAL;
				}
				rr->jobs[rr->njobs++] = sl;
			} else {
				if (rr->nroles == RACE_MAX_THREADS + 4) {
					snprintf(why, len, "more than %u roles",
						 RACE_MAX_THREADS + 4);
					return -EINVAL;
				}
				rr->roles[rr->nroles++] = sl;
			}
		}
	}
	if (f->relab && !rr->driver && rr->nroles != 1) {
		snprintf(why, len, "relab needs one role taking cycles, not %u (a reset would pull the lab from under the others)",
			 rr->nroles);
		return -EINVAL;
	}
	if (!rr->nroles || (rr->driver && !rr->njobs)) {
		snprintf(why, len, "no actor instance under --threads %u",
			 threads);
		return -EINVAL;
	}
	return 0;
}

static unsigned int file_nr_roles(const struct race_scenario *sc,
				  unsigned int threads)
{
	struct rf_run *rr = calloc(1, sizeof(*rr));
	char why[256];
	unsigned int n = 1;

	/* setup() checked the layout already: this cannot fail then */
	if (rr && !layout(sc->file, threads, rr, why, sizeof(why)))
		n = rr->nroles;
	free(rr);
	return n;
}

/* ---- expressions --------------------------------------------------------- */


static int eval_fail(struct rf_frame *fr, const struct rf_stmt *s,
		     const char *what)
{
	if (fr->r && s)
		return race_fail(fr->r, -EINVAL, "line %u: %s: %s", s->line,
				 rf_op_name(s->op), what);
	return -EINVAL;
}

static int eval(struct rf_frame *fr, const struct rf_stmt *s,
		const struct rf_expr *e, int64_t *out)
{
	int64_t a = 0, b = 0;
	int ret;

	switch (e->kind) {
	case RFE_NUM:
		*out = e->num;
		return 0;
	case RFE_VAR:
		*out = fr->v[e->slot];
		return 0;
	case RFE_NEG:
	case RFE_NOT:
		ret = eval(fr, s, e->a, &a);
		if (ret)
			return ret;
		*out = e->kind == RFE_NEG ? -a : !a;
		return 0;
	case RFE_RAND:
		ret = eval(fr, s, e->a, &a);
		if (!ret)
			ret = eval(fr, s, e->b, &b);
		if (ret)
			return ret;
		if (a < 0 || b < a)
			return eval_fail(fr, s, "rand(lo, hi) needs 0 <= lo <= hi");
		*out = (int64_t)race_rng_range(&fr->rng, (uint64_t)a,
					       (uint64_t)b);
		return 0;
	case RFE_PICK:
		a = (int64_t)race_rng_range(&fr->rng, 0, e->nargs - 1);
		return eval(fr, s, e->args[a], out);
	case RFE_BIN:
		break;
	}
	ret = eval(fr, s, e->a, &a);
	if (ret)
		return ret;
	/* && and || do not evaluate what they do not need */
	if (e->op == RFB_AND && !a) {
		*out = 0;
		return 0;
	}
	if (e->op == RFB_OR && a) {
		*out = 1;
		return 0;
	}
	ret = eval(fr, s, e->b, &b);
	if (ret)
		return ret;
	switch (e->op) {
	case RFB_ADD: *out = a + b; break;
	case RFB_SUB: *out = a - b; break;
	case RFB_MUL: *out = a * b; break;
	case RFB_DIV:
	case RFB_MOD:
		if (!b)
			return eval_fail(fr, s, "division by zero");
		*out = e->op == RFB_DIV ? a / b : a % b;
		break;
	case RFB_EQ: *out = a == b; break;
	case RFB_NE: *out = a != b; break;
	case RFB_LT: *out = a < b; break;
	case RFB_LE: *out = a <= b; break;
	case RFB_GT: *out = a > b; break;
	case RFB_GE: *out = a >= b; break;
	case RFB_AND: *out = !!b; break;
	case RFB_OR: *out = !!b; break;
	}
	return 0;
}

/* An expression that must be in lo..hi. */
static int eval_in(struct rf_frame *fr, const struct rf_stmt *s,
		   const struct rf_expr *e, int64_t lo, int64_t hi,
		   const char *what, int64_t *out)
{
	int ret = eval(fr, s, e, out);

	if (ret)
		return ret;
	if ((*out < lo || *out > hi) && !fr->r)
		return -ERANGE;
	if (*out < lo || *out > hi)
		return race_fail(fr->r, -ERANGE, "line %u: %s %s is %" PRId64 ", not %" PRId64 "..%" PRId64,
				 s->line, rf_op_name(s->op), what, *out, lo, hi);
	return 0;
}

static void expand(const struct rf_frame *fr, const struct rf_tmpl *t,
		   char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i <= t->nvars && n < len; i++) {
		n += (size_t)snprintf(buf + n, len - n, "%s", t->lit[i]);
		if (i < t->nvars && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%" PRId64,
					      fr->v[t->var[i]]);
	}
}

/* ---- objects ------------------------------------------------------------- */

static int obj_find(struct rf_run *rr, const char *name, enum rf_obj_kind kind,
		    uint32_t *id)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&rr->lock);
	for (unsigned int i = 0; i < rr->nobjs; i++) {
		if (rr->objs[i].kind == kind && !strcmp(rr->objs[i].name, name)) {
			*id = rr->objs[i].id;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&rr->lock);
	return ret;
}

static int obj_add(struct rf_run *rr, const char *name, enum rf_obj_kind kind,
		   uint32_t id)
{
	int ret = 0;

	pthread_mutex_lock(&rr->lock);
	for (unsigned int i = 0; i < rr->nobjs; i++)
		if (rr->objs[i].kind == kind && !strcmp(rr->objs[i].name, name))
			ret = -EEXIST;
	if (!ret && rr->nobjs == RF_MAX_OBJECTS)
		ret = -E2BIG;
	if (!ret) {
		snprintf(rr->objs[rr->nobjs].name, RF_MAX_NAME, "%s", name);
		rr->objs[rr->nobjs].kind = kind;
		rr->objs[rr->nobjs].id = id;
		rr->nobjs++;
	}
	pthread_mutex_unlock(&rr->lock);
	return ret;
}

static void obj_del(struct rf_run *rr, const char *name, enum rf_obj_kind kind)
{
	pthread_mutex_lock(&rr->lock);
	for (unsigned int i = 0; i < rr->nobjs; i++) {
		if (rr->objs[i].kind == kind && !strcmp(rr->objs[i].name, name)) {
			rr->objs[i] = rr->objs[--rr->nobjs];
			break;
		}
	}
	pthread_mutex_unlock(&rr->lock);
}

static int need_obj(struct rf_frame *fr, const struct rf_stmt *s,
		    const struct rf_tmpl *t, enum rf_obj_kind kind, char *name,
		    uint32_t *id)
{
	expand(fr, t, name, RF_MAX_NAME);
	if (obj_find(fr->rr, name, kind, id) && race_stopping(fr->r))
		return RF_STOP;	/* an add the stop cut short */
	if (obj_find(fr->rr, name, kind, id))
		return race_fail(fr->r, -ENOENT, "line %u: %s: no %s '%s' (%s it first)",
				 s->line, rf_op_name(s->op),
				 kind == RF_OBJ_DEVICE ? "device" : "domain",
				 name, kind == RF_OBJ_DEVICE ? "add" : "alloc");
	return 0;
}

/* The group of device @id now (it changes at registrations). */
static int group_of(struct rf_frame *fr, uint32_t id, uint32_t *group)
{
	struct probelab_dev_info info;
	int ret = rs_dev_query(fr->r, id, &info);

	if (ret)
		return ret;
	if (!info.group_id)
		return -ENOENT;
	*group = info.group_id;
	return 0;
}

/* ---- statements ----------------------------------------------------------- */

static int exec_block(struct rf_frame *fr, const struct rf_block *b);

/*
 * The answer @ret of a lab op: allowed errnos are kept in "err"; a failure
 * while the run stops is not one; otherwise the run fails with the line.
 */
static int op_result(struct rf_frame *fr, const struct rf_stmt *s, int ret,
		     const char *what)
{
	fr->v[RF_VAR_ERR] = ret < 0 ? -ret : 0;
	if (!ret)
		return 0;
	for (unsigned int i = 0; i < s->nallow; i++)
		if (-ret == s->allow[i])
			return 0;
	if (race_stopping(fr->r))
		return RF_STOP;
	return race_fail(fr->r, ret, "line %u: %s %s: %s", s->line,
			 rf_op_name(s->op), what, strerror(-ret));
}

static struct pl_handle *handle_of(struct rf_frame *fr, const struct rf_stmt *s)
{
	return s->handle < 0 ? fr->h : fr->rr->handles[s->handle];
}

static int do_inject(struct rf_frame *fr, const struct rf_stmt *s,
		     struct probelab_inject *c)
{
	uint64_t saved = fr->rng;
	int64_t v;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->point, sizeof(c->point), "%s", s->point);
	c->action = s->action;
	fr->rng = race_rng_for(fr->seed, RF_STREAM_INJECT(s->key), fr->k);
	if (s->action == PROBELAB_INJECT_FAIL)
		c->error = -s->error;
	if (s->e[0] && !(ret = eval_in(fr, s, s->e[0], 0,
				       PROBELAB_INJECT_MAX_DELAY_US, "delay", &v)))
		c->delay_us = (uint32_t)v;
	if (!ret && s->e[1] && !(ret = eval_in(fr, s, s->e[1], 0,
					       PROBELAB_INJECT_MAX_DELAY_US,
					       "jitter", &v)))
		c->jitter_us = (uint32_t)v;
	if (!ret && s->e[2] && !(ret = eval_in(fr, s, s->e[2], 0, UINT32_MAX,
					       "every", &v)))
		c->every_nth = (uint32_t)v;
	if (!ret && s->e[3] && !(ret = eval_in(fr, s, s->e[3], 0,
					       PROBELAB_INJECT_PPM, "ppm", &v)))
		c->ppm = (uint32_t)v;
	c->seed = race_rng_next(&fr->rng);
	fr->rng = saved;
	return ret;
}

static int do_walk(struct rf_frame *fr, const struct rf_stmt *s, uint32_t dom)
{
	static char buf[65536];
	char path[128];
	int fd;

	snprintf(path, sizeof(path), RS_DEBUGFS_DOMAINS "/%u/pgtable", dom);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return op_result(fr, s, -errno, path);
	/* the contents do not matter: the walk does */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

static int do_wait(struct rf_frame *fr, const struct rf_stmt *s, uint32_t id,
		   const char *name)
{
	struct probelab_dev_info info;
	int64_t drv = 0, ms, poll = 2000;
	uint64_t deadline;
	int ret;

	if (s->op == RF_WAIT_BOUND &&
	    (ret = eval_in(fr, s, s->e[0], 0, 255, "driver", &drv)))
		return ret;
	if ((ret = eval_in(fr, s, s->e[1], 1, RF_MAX_WAIT_MS, "ms", &ms)))
		return ret;
	if (s->e[2] && (ret = eval_in(fr, s, s->e[2], 0, RF_MAX_SLEEP_US,
				      "poll", &poll)))
		return ret;
	deadline = race_now_ns() + (uint64_t)ms * 1000000u;
	for (;;) {
		ret = rs_dev_query(fr->r, id, &info);
		if (ret)
			return op_result(fr, s, ret, name);
		if (s->op == RF_WAIT_BOUND ? info.driver == (uint32_t)drv :
		    info.state == PROBELAB_DEV_PROBED)
			return 0;
		if (race_stopping(fr->r))
			return RF_STOP;
		if (race_now_ns() >= deadline)
			return race_fail(fr->r, -ETIMEDOUT, "line %u: cycle %" PRIu64 ": %s %s: not so within %" PRId64 " ms",
					 s->line, fr->k, rf_op_name(s->op), name,
					 ms);
		race_sleep_us((uint64_t)poll);
	}
}

static int exec_lab(struct rf_frame *fr, const struct rf_stmt *s)
{
	struct pl_handle *h = handle_of(fr, s);
	struct rf_run *rr = fr->rr;
	char name[RF_MAX_NAME], name2[RF_MAX_NAME];
	uint32_t id = 0, id2 = 0, group = 0, result = 0;
	uint64_t done;
	int64_t a = 0, b = 0, c = 0;
	int ret;

	switch (s->op) {
	case RF_ADD_NAMED:
		expand(fr, &s->name, name, sizeof(name));
		ret = pl_dev_add_named_flags(h, name, s->platform_ops ?
					     PROBELAB_DEV_ADD_PLATFORM_OPS : 0,
					     &id);
		if (!ret && (ret = obj_add(rr, name, RF_OBJ_DEVICE, id)))
			return race_fail(fr->r, ret, "line %u: add %s: %s", s->line,
					 name, ret == -EEXIST ?
					 "the name is taken" : "too many objects");
		return op_result(fr, s, ret, name);
	case RF_ADD_PCI: {
		int64_t seg = 0, adev = 0, afn = 0;
		uint16_t alias;

		expand(fr, &s->name, name, sizeof(name));
		if ((ret = eval_in(fr, s, s->e[0], 0, 31, "DEV", &a)) ||
		    (ret = eval_in(fr, s, s->e[1], 0, 7, "FN", &b)) ||
		    (s->e[2] && (ret = eval_in(fr, s, s->e[2], 0, 0xffff, "seg",
					       &seg))) ||
		    (s->has_alias &&
		     ((ret = eval_in(fr, s, s->e[3], 0, 31, "alias DEV", &adev)) ||
		      (ret = eval_in(fr, s, s->e[4], 0, 7, "alias FN", &afn)))))
			return ret;
		alias = (uint16_t)(adev << 3 | afn);
		ret = pl_dev_add_pci(h, (uint16_t)seg, 0, (uint8_t)(a << 3 | b),
				     s->has_alias ? &alias : NULL,
				     s->has_alias ? 1 : 0, &id);
		if (!ret && (ret = obj_add(rr, name, RF_OBJ_DEVICE, id)))
			return race_fail(fr->r, ret, "line %u: add %s: %s", s->line,
					 name, ret == -EEXIST ?
					 "the name is taken" : "too many objects");
		return op_result(fr, s, ret, name);
	}
	case RF_REGISTER:
	case RF_UNREGISTER:
		expand(fr, &s->name, name, sizeof(name));
		ret = s->op == RF_REGISTER ? pl_iommu_register(h, name) :
					     pl_iommu_unregister(h, name);
		return op_result(fr, s, ret, name);
	default:
		break;
	}

	/* the ops on a device or a domain */
	if (s->op == RF_FREE || s->op == RF_MAP || s->op == RF_UNMAP ||
	    s->op == RF_WALK) {
		if ((ret = need_obj(fr, s, &s->name, RF_OBJ_DOMAIN, name, &id)))
			return ret;
	} else if (s->op != RF_ALLOC && (s->op != RF_INJECT || s->has_dev)) {
		if ((ret = need_obj(fr, s, &s->name, RF_OBJ_DEVICE, name, &id)))
			return ret;
	}
	switch (s->op) {
	case RF_REMOVE:
		ret = pl_dev_remove(h, id);
		if (!ret)
			obj_del(rr, name, RF_OBJ_DEVICE);
		return op_result(fr, s, ret, name);
	case RF_BIND:
		if ((ret = eval(fr, s, s->e[0], &a)))
			return ret;
		if (a < 0 || a > 255 || !pl_driver_name((unsigned int)a))
			return race_fail(fr->r, -EINVAL, "line %u: bind %s: %" PRId64 " is not a driver",
					 s->line, name, a);
		ret = pl_drv_bind(h, id, (unsigned int)a, &result);
		if (ret)
			return op_result(fr, s, ret, name);
		fr->v[RF_VAR_ERR] = 0;
		if ((s->expect == RF_BIND_BOUND && result != PROBELAB_BIND_BOUND) ||
		    (s->expect == RF_BIND_DEFERRED &&
		     result != PROBELAB_BIND_DEFERRED))
			return race_fail(fr->r, -EPROTO, "line %u: cycle %" PRIu64 ": bind %s %s: %s, expected %s",
					 s->line, fr->k, name,
					 pl_driver_name((unsigned int)a),
					 pl_bind_result_name(result) ?
					 pl_bind_result_name(result) : "?",
					 s->expect == RF_BIND_BOUND ? "bound" :
					 "deferred");
		return 0;
	case RF_UNBIND:
		return op_result(fr, s, pl_drv_unbind(h, id), name);
	case RF_CLAIM:
	case RF_RELEASE:
	case RF_ATTACH:
	case RF_DETACH:
		if (!s->is_device) {
			ret = group_of(fr, id, &group);
			if (ret)
				return op_result(fr, s, ret == -ENOENT ? -ENODEV :
						 ret, name);
		}
		if (s->op == RF_ATTACH &&
		    (ret = need_obj(fr, s, &s->name2, RF_OBJ_DOMAIN, name2, &id2)))
			return ret;
		switch (s->op) {
		case RF_CLAIM:
			ret = s->is_device ? pl_claim_device(h, id) :
					     pl_claim_group(h, group);
			break;
		case RF_RELEASE:
			ret = s->is_device ? pl_release_device(h, id) :
					     pl_release_group(h, group);
			break;
		case RF_ATTACH:
			ret = pl_attach(h, s->is_device ? id : group,
					s->is_device, id2);
			break;
		default:
			ret = pl_detach(h, s->is_device ? id : group,
					s->is_device);
			break;
		}
		return op_result(fr, s, ret, name);
	case RF_ALLOC:
		if ((ret = need_obj(fr, s, &s->name2, RF_OBJ_DEVICE, name2, &id2)))
			return ret;
		expand(fr, &s->name, name, sizeof(name));
		ret = pl_domain_alloc(h, id2, PROBELAB_DOMAIN_UNMANAGED, &id);
		if (!ret && (ret = obj_add(rr, name, RF_OBJ_DOMAIN, id)))
			return race_fail(fr->r, ret, "line %u: alloc %s: %s",
					 s->line, name, ret == -EEXIST ?
					 "the name is taken" : "too many objects");
		return op_result(fr, s, ret, name);
	case RF_FREE:
		ret = pl_domain_free(h, id);
		if (!ret)
			obj_del(rr, name, RF_OBJ_DOMAIN);
		return op_result(fr, s, ret, name);
	case RF_MAP:
	case RF_UNMAP:
		if ((ret = eval_in(fr, s, s->e[0], 0, INT64_MAX, "IOVA", &a)) ||
		    (s->op == RF_MAP &&
		     (ret = eval_in(fr, s, s->e[1], 0, INT64_MAX, "PADDR", &b))) ||
		    (ret = eval_in(fr, s, s->e[2], 1, INT64_MAX, "SIZE", &c)))
			return ret;
		ret = s->op == RF_MAP ?
		      pl_map(h, id, (uint64_t)a, (uint64_t)b, (uint64_t)c,
			     PROBELAB_PROT_READ | PROBELAB_PROT_WRITE, &done) :
		      pl_unmap(h, id, (uint64_t)a, (uint64_t)c, &done);
		return op_result(fr, s, ret, name);
	case RF_WALK:
		return do_walk(fr, s, id);
	case RF_RACE: {
		struct probelab_race rc;

		if ((ret = eval_in(fr, s, s->e[0], 1, PROBELAB_RACE_MAX_THREADS,
				   "threads", &a)) ||
		    (ret = eval_in(fr, s, s->e[1], 1, PROBELAB_RACE_MAX_MS, "ms",
				   &b)))
			return ret;
		memset(&rc, 0, sizeof(rc));
		rc.size = sizeof(rc);
		rc.op = PROBELAB_OP_RACE;
		rc.actor = PROBELAB_RACE_OF_CONFIGURE;
		rc.dev_id = id;
		rc.threads = (uint32_t)a;
		rc.duration_ms = (uint32_t)b;
		ret = pl_cmd(h, &rc);
		if (!ret)
			race_add_kernel_cycles(fr->r, rc.cycles);
		return op_result(fr, s, ret, name);
	}
	case RF_INJECT: {
		struct probelab_inject c;

		if ((ret = do_inject(fr, s, &c)))
			return ret;
		c.dev_id = s->has_dev ? id : 0;
		return op_result(fr, s, pl_inject(h, &c), s->point);
	}
	case RF_WAIT_BOUND:
	case RF_WAIT_PROBED:
		return do_wait(fr, s, id, name);
	default:
		return race_fail(fr->r, -EINVAL, "line %u: %s: not a lab op",
				 s->line, rf_op_name(s->op));
	}
}

static int exec_stmt_do(struct rf_frame *fr, const struct rf_stmt *s);

static int exec_stmt(struct rf_frame *fr, const struct rf_stmt *s)
{
	uint64_t t;
	int ret;

	/* profiled: the statements that take time, each on its line */
	switch (s->op) {
	case RF_LET:
	case RF_IF:
	case RF_REPEAT:
	case RF_UNTIL:
	case RF_SIGNAL:
		return exec_stmt_do(fr, s);
	default:
		break;
	}
	if (!race_profiling(fr->r))
		return exec_stmt_do(fr, s);
	t = race_now_ns();
	ret = exec_stmt_do(fr, s);
	race_prof_add(fr->r, s->line, rf_op_name(s->op), race_now_ns() - t);
	return ret;
}

static int exec_stmt_do(struct rf_frame *fr, const struct rf_stmt *s)
{
	int64_t v;
	int ret;

	switch (s->op) {
	case RF_SLEEP:
		if ((ret = eval_in(fr, s, s->e[0], 0, RF_MAX_SLEEP_US, "US", &v)))
			return ret;
		race_sleep_us((uint64_t)v);
		return 0;
	case RF_SIGNAL:
		atomic_store(&fr->rr->flags[s->flag], true);
		return 0;
	case RF_LET:
		if ((ret = eval(fr, s, s->e[0], &v)))
			return ret;
		fr->v[s->slot] = v;
		return 0;
	case RF_IF:
		if ((ret = eval(fr, s, s->e[0], &v)))
			return ret;
		return exec_block(fr, v ? &s->body : &s->orelse);
	case RF_REPEAT:
		if ((ret = eval_in(fr, s, s->e[0], 0, RF_MAX_REPEAT, "count", &v)))
			return ret;
		for (int64_t j = 0; j < v; j++) {
			if (race_stopping(fr->r))
				return RF_STOP;
			if (s->has_slot)
				fr->v[s->slot] = j;
			if ((ret = exec_block(fr, &s->body)))
				return ret;
		}
		return 0;
	case RF_UNTIL:
		while (!atomic_load(&fr->rr->flags[s->flag])) {
			if (race_stopping(fr->r))
				return RF_STOP;
			if ((ret = exec_block(fr, &s->body)))
				return ret;
		}
		return 0;
	default:
		return exec_lab(fr, s);
	}
}

static int exec_block(struct rf_frame *fr, const struct rf_block *b)
{
	for (unsigned int i = 0; i < b->n; i++) {
		int ret = exec_stmt(fr, &b->v[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The shared lets of @f into @fr (k, threads set): from their own stream,
 * so every frame of a cycle gets the same values.
 */
static int shared_eval(const struct race_file *f, struct rf_frame *fr)
{
	uint64_t saved = fr->rng;
	int ret = 0;

	fr->rng = race_rng_for(fr->seed, RF_STREAM_SHARED, fr->k);
	for (unsigned int i = 0; !ret && i < f->shared.body.n; i++) {
		const struct rf_stmt *s = &f->shared.body.v[i];

		ret = eval(fr, s, s->e[0], &fr->v[s->slot]);
	}
	fr->rng = saved;
	return ret;
}

static void frame_init(struct rf_frame *fr, struct race_run *r,
		       struct rf_run *rr, uint64_t stream, uint64_t k,
		       unsigned int inst)
{
	memset(fr, 0, sizeof(*fr));
	fr->r = r;
	fr->rr = rr;
	fr->h = race_handle(r);
	fr->seed = race_opts(r)->seed;
	fr->k = k;
	fr->rng = race_rng_for(fr->seed, stream, k);
	fr->v[RF_VAR_I] = inst;
	fr->v[RF_VAR_K] = (int64_t)k;
	fr->v[RF_VAR_THREADS] = race_threads(r);
}

/* Runs a block or an actor's body in a fresh frame: 0 or -errno. */
static int run_body(struct race_run *r, struct rf_run *rr,
		    const struct rf_block *b, uint64_t stream, uint64_t k,
		    unsigned int inst)
{
	struct rf_frame fr;
	int ret;

	frame_init(&fr, r, rr, stream, k, inst);
	ret = shared_eval(rr->f, &fr);
	if (!ret)
		ret = exec_block(&fr, b);
	return ret < 0 ? ret : 0;
}

/* ---- the scenario's callbacks -------------------------------------------- */

static int file_setup(struct race_run *r)
{
	const struct race_file *f = file_of(r);
	struct rf_run *rr = race_priv(r);
	char why[256];
	int ret;

	if (!rr) {
		rr = calloc(1, sizeof(*rr));
		if (!rr)
			return race_fail(r, -ENOMEM, "out of memory");
		rr->f = f;
		pthread_mutex_init(&rr->lock, NULL);
		race_set_priv(r, rr);
		if (layout(f, race_threads(r), rr, why, sizeof(why)))
			return race_fail(r, -EINVAL, "%s: %s", f->path, why);
		for (unsigned int i = 0; i < f->nhandles; i++) {
			ret = pl_open(&rr->handles[i]);
			if (ret)
				return race_fail(r, ret, "handle %s: %s: %s",
						 f->handles[i], PL_DEVICE_PATH,
						 strerror(-ret));
		}
	}
	/* the lab was reset: no object is left */
	rr->nobjs = 0;
	for (unsigned int i = 0; i < RF_MAX_FLAGS; i++)
		atomic_store(&rr->flags[i], false);
	ret = race_load_topology(r, f->topology);
	if (ret)
		return ret;
	return run_body(r, rr, &f->setup.body, RF_STREAM_SETUP, 0, 0);
}

static void file_cleanup(struct race_run *r)
{
	struct rf_run *rr = race_priv(r);

	if (!rr)
		return;
	for (unsigned int i = 0; i < RF_MAX_HANDLES; i++)
		if (rr->handles[i])
			pl_close(rr->handles[i]);
	pthread_mutex_destroy(&rr->lock);
	free(rr);
	race_set_priv(r, NULL);
}

static void crew_job(struct rs_crew *cw, unsigned int j, uint64_t k)
{
	struct rf_run *rr = cw->arg;
	const struct rf_slot *sl = &rr->jobs[j];

	run_body(cw->r, rr, &rr->f->actors[sl->actor].body,
		 RF_STREAM_ACTOR(rr->f->actors[sl->actor].key, sl->inst), k,
		 sl->inst);
}

static int driver_role(struct race_run *r, struct rf_run *rr)
{
	const struct race_file *f = rr->f;
	uint64_t k;
	int ret = 0;

	if (rs_crew_start(&rr->crew, r, rr->njobs, crew_job, rr)) {
		rs_crew_stop(&rr->crew);
		return -EAGAIN;
	}
	while (!ret && race_cycle_begin(r, &k)) {
		uint64_t t0 = race_now_ns(), t1, t2, t3;

		if (f->relab)
			ret = rs_maybe_relab(r, k, f->relab);
		for (unsigned int i = 0; i < RF_MAX_FLAGS; i++)
			atomic_store(&rr->flags[i], false);
		if (!ret)
			ret = run_body(r, rr, &f->before.body, RF_STREAM_BEFORE,
				       k, 0);
		t1 = race_now_ns();
		if (!ret)
			rs_crew_run(&rr->crew, k);
		t2 = race_now_ns();
		if (!ret)
			ret = run_body(r, rr, &f->after.body, RF_STREAM_AFTER,
				       k, 0);
		t3 = race_now_ns();
		race_cycle_end(r);
		race_prof_add(r, 0, "cycle: relab + before", t1 - t0);
		race_prof_add(r, 0, "cycle: actors", t2 - t1);
		race_prof_add(r, 0, "cycle: after", t3 - t2);
	}
	rs_crew_stop(&rr->crew);
	return ret < 0 ? ret : 0;
}

static int file_role(struct race_run *r, unsigned int role)
{
	struct rf_run *rr = race_priv(r);
	const struct race_file *f = rr->f;
	const struct rf_slot *sl;
	const struct rf_actor *a;
	uint64_t k;
	int ret = 0;

	if (rr->driver && role == 0)
		return driver_role(r, rr);
	if (role >= rr->nroles)
		return 0;
	sl = &rr->roles[role];
	a = &f->actors[sl->actor];
	if (a->kind == RF_ACTOR_BACKGROUND) {
		for (uint64_t n = 0; !ret && !race_stopping(r); n++)
			ret = run_body(r, rr, &a->body,
				       RF_STREAM_ACTOR(a->key, sl->inst), n,
				       sl->inst);
		return ret;
	}
	while (!ret && race_cycle_begin(r, &k)) {
		uint64_t t0 = race_now_ns();

		if (f->relab)
			ret = rs_maybe_relab(r, k, f->relab);
		if (!ret)
			ret = run_body(r, rr, &a->body,
				       RF_STREAM_ACTOR(a->key, sl->inst), k,
				       sl->inst);
		race_cycle_end(r);
		race_prof_add(r, 0, "cycle: whole", race_now_ns() - t0);
	}
	return ret;
}

/* Called by the parser once a file parsed: the scenario the engine runs. */
void race_file_bind_scenario(struct race_file *f);
void race_file_bind_scenario(struct race_file *f)
{
	struct race_scenario *sc = &f->sc;

	sc->name = f->name;
	sc->summary = f->summary;
	sc->mirrors = f->mirrors[0] ? f->mirrors : "(the file names no upstream bug)";
	sc->implemented = true;
	sc->note = f->note[0] ? f->note : f->summary;
	sc->threads_what = f->threads_what;
	sc->nr_roles = file_nr_roles;
	sc->setup = file_setup;
	sc->role = file_role;
	sc->cleanup = file_cleanup;
	sc->plan = NULL;
	sc->injections = NULL;
	sc->file = f;
	sc->known_bug = f->bug[0] ? f->bug : NULL;
}

const struct race_scenario *race_file_scenario(const struct race_file *f)
{
	return &f->sc;
}

const struct race_file *race_scenario_file(const struct race_scenario *sc)
{
	return sc ? sc->file : NULL;
}

const char *race_file_path(const struct race_file *f)
{
	return f->path;
}

const char *race_file_bug(const struct race_file *f)
{
	return f->bug;
}

/* ---- plans ------------------------------------------------------------- */

/*
 * The leading lets of @b evaluated in a frame of (stream, k): a pure
 * function of the seed.  Appends "name=value ..." to buf.
 */
static size_t plan_lets(const struct race_file *f, const struct rf_block *b,
			char (*names)[RF_MAX_NAME],
			uint64_t seed, uint64_t stream, uint64_t k,
			unsigned int inst, unsigned int threads, char *buf,
			size_t len, size_t n)
{
	struct rf_frame fr;
	bool any = false;

	memset(&fr, 0, sizeof(fr));
	fr.seed = seed;
	fr.k = k;
	fr.rng = race_rng_for(seed, stream, k);
	fr.v[RF_VAR_I] = inst;
	fr.v[RF_VAR_K] = (int64_t)k;
	fr.v[RF_VAR_THREADS] = threads;
	if (f)
		shared_eval(f, &fr);
	for (unsigned int i = 0; i < b->n && b->v[i].op == RF_LET; i++) {
		int64_t v;

		if (eval(&fr, NULL, b->v[i].e[0], &v))
			break;
		fr.v[b->v[i].slot] = v;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%" PRId64,
					      any ? " " : "", names[b->v[i].slot],
					      v);
		any = true;
	}
	if (!any && n < len)
		n += (size_t)snprintf(buf + n, len - n, "-");
	return n;
}

void race_file_plan(const struct race_file *f, uint64_t seed, uint64_t k,
		    unsigned int threads, char *buf, size_t len)
{
	struct rf_run *rr = calloc(1, sizeof(*rr));
	char why[256];
	size_t n = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (!rr || layout(f, threads, rr, why, sizeof(why))) {
		snprintf(buf, len, "%s", rr ? why : "out of memory");
		free(rr);
		return;
	}
	if (f->shared.present) {
		n += (size_t)snprintf(buf + n, len - n, "shared: ");
		n = plan_lets(NULL, &f->shared.body,
			      (char (*)[RF_MAX_NAME])f->shared.var_names, seed,
			      RF_STREAM_SHARED, k, 0, threads, buf, len, n);
	}
	if (f->before.present && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%sbefore: ",
				      n ? "; " : "");
		n = plan_lets(f, &f->before.body, (char (*)[RF_MAX_NAME])f->before.var_names,
			      seed, RF_STREAM_BEFORE, k, 0, threads, buf, len, n);
	}
	for (unsigned int j = 0; j < rr->njobs + rr->nroles; j++) {
		const struct rf_slot *sl = j < rr->njobs ? &rr->jobs[j] :
					   &rr->roles[j - rr->njobs];
		const struct rf_actor *a = &f->actors[sl->actor];

		if (j >= rr->njobs && rr->driver && j == rr->njobs)
			continue;	/* role 0: the driver */
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s%u%s: ",
					      n ? "; " : "", a->name, sl->inst,
					      a->kind == RF_ACTOR_BACKGROUND ?
					      " (its iteration k)" : "");
		n = plan_lets(f, &a->body, (char (*)[RF_MAX_NAME])a->var_names,
			      seed, RF_STREAM_ACTOR(a->key, sl->inst), k,
			      sl->inst, threads, buf, len, n);
	}
	if (f->after.present && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "; after: ");
		plan_lets(f, &f->after.body, (char (*)[RF_MAX_NAME])f->after.var_names,
			  seed, RF_STREAM_AFTER, k, 0, threads, buf, len, n);
	}
	free(rr);
}

unsigned int race_file_injections(const struct race_file *f, uint64_t seed,
				  unsigned int threads,
				  struct probelab_inject *out, unsigned int max)
{
	struct rf_frame fr;
	unsigned int n = 0;

	memset(&fr, 0, sizeof(fr));
	fr.seed = seed;
	fr.v[RF_VAR_THREADS] = threads;
	shared_eval(f, &fr);
	for (unsigned int i = 0; i < f->setup.body.n && n < max; i++) {
		const struct rf_stmt *s = &f->setup.body.v[i];

		if (s->op != RF_INJECT || s->has_dev)
			continue;
		if (!do_inject(&fr, s, &out[n]))
			n++;
	}
	return n;
}

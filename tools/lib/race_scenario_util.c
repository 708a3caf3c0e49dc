// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the helpers the C race scenarios and the scenario-file
 * interpreter share (race_scenario_util.h): lab steps that record their
 * failure, private data, lab resets between cycles, crews.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "race_scenario_util.h"

/* QUERY entries rs_dev_query() reads in one go (a scenario's lab is small) */
#define RS_QUERY_CAP	64

int rs_dev_query(struct race_run *r, uint32_t id,
		     struct probelab_dev_info *out)
{
	struct probelab_dev_info devs[RS_QUERY_CAP];
	unsigned int n = 0;
	char ref[16];
	int ret;

	/*
	 * One QUERY op with room for the whole lab (pl_dev_lookup() asks
	 * for the count first: two ops, each followed by the module's
	 * automatic check under the lab lock, in every poll of a wait)
	 */
	ret = pl_query(race_handle(r), PROBELAB_QUERY_DEVICES, devs,
		       sizeof(devs[0]), RS_QUERY_CAP, &n);
	if (ret)
		return ret;
	if (n <= RS_QUERY_CAP) {
		for (unsigned int i = 0; i < n; i++) {
			if (devs[i].dev_id == id) {
				*out = devs[i];
				return 0;
			}
		}
		return -ENOENT;
	}
	snprintf(ref, sizeof(ref), "%u", id);
	return pl_dev_lookup(race_handle(r), ref, NULL, out);
}

/*
 * Waits until device @id has @driver bound: 1 bound, 0 not within @ms (or
 * the run is stopping), -errno when QUERY failed.
 */
int rs_wait_bound(struct race_run *r, uint32_t id, unsigned int driver,
		      unsigned int ms)
{
	uint64_t deadline = race_now_ns() + (uint64_t)ms * 1000000u;
	struct probelab_dev_info info;
	int ret;

	for (;;) {
		ret = rs_dev_query(r, id, &info);
		if (ret)
			return ret;
		if (info.driver == driver)
			return 1;
		if (race_now_ns() >= deadline || race_stopping(r))
			return 0;
		race_sleep_us(2000);
	}
}

/*
 * rs_wait_bound() for dev0 in cycle @k, whose bind @what (an instance
 * registration) should have let through: 1 bound, 0 not bound because the
 * run is stopping, or the error race_fail() recorded.
 */
int rs_await_dev0_bound(struct race_run *r, uint64_t k, uint32_t id,
			    unsigned int driver, unsigned int ms,
			    const char *what)
{
	int ret = rs_wait_bound(r, id, driver, ms);

	if (ret < 0)
		return race_fail(r, ret, "QUERY dev0: %s", strerror(-ret));
	if (!ret && !race_stopping(r))
		return race_fail(r, -ETIMEDOUT, "cycle %" PRIu64 ": dev0 not bound %u ms after %s",
				 k, ms, what);
	return ret;
}

int rs_add_named(struct race_run *r, const char *name, uint32_t *id)
{
	int ret = pl_dev_add_named(race_handle(r), name, id);

	if (ret)
		return race_fail(r, ret, "DEV_ADD %s: %s", name, strerror(-ret));
	return 0;
}

int rs_add_pci(struct race_run *r, unsigned int seg, unsigned int dev,
		   unsigned int fn, int alias, uint32_t *id)
{
	uint16_t a = (uint16_t)alias;
	int ret;

	ret = pl_dev_add_pci(race_handle(r), (uint16_t)seg, 0,
			     (uint8_t)(dev << 3 | fn), alias >= 0 ? &a : NULL,
			     alias >= 0 ? 1 : 0, id);
	if (ret)
		return race_fail(r, ret, "DEV_ADD %04x:00:%02x.%u: %s", seg, dev,
				 fn, strerror(-ret));
	return 0;
}

int rs_reg(struct race_run *r, const char *name)
{
	int ret = pl_iommu_register(race_handle(r), name);

	if (ret)
		return race_fail(r, ret, "IOMMU_REGISTER %s: %s", name,
				 strerror(-ret));
	return 0;
}

int rs_unreg(struct race_run *r, const char *name)
{
	int ret = pl_iommu_unregister(race_handle(r), name);

	if (ret)
		return race_fail(r, ret, "IOMMU_UNREGISTER %s: %s", name,
				 strerror(-ret));
	return 0;
}

/* DRV_BIND that must defer (the device waits for its instance). */
int rs_bind_deferred(struct race_run *r, uint32_t id, const char *what)
{
	uint32_t result = 0;
	int ret = pl_drv_bind(race_handle(r), id, PROBELAB_DRV_DMA, &result);

	if (ret)
		return race_fail(r, ret, "DRV_BIND %s: %s", what, strerror(-ret));
	if (result != PROBELAB_BIND_DEFERRED)
		return race_fail(r, -EPROTO, "DRV_BIND %s: %s, expected a deferral (its instance is not registered)",
				 what, pl_bind_result_name(result) ?
				 pl_bind_result_name(result) : "?");
	return 0;
}

void rs_inject_delay(struct probelab_inject *c, const char *point,
			 uint32_t delay_us, uint32_t jitter_us, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->point, sizeof(c->point), "%s", point);
	c->action = PROBELAB_INJECT_DELAY;
	c->delay_us = delay_us;
	c->jitter_us = jitter_us;
	c->seed = seed;
}

/* The scenario's private data, allocated once (set-ups again reuse it). */
void *rs_priv_get(struct race_run *r, size_t size)
{
	void *p = race_priv(r);

	if (!p) {
		p = calloc(1, size);
		if (!p) {
			race_fail(r, -ENOMEM, "out of memory");
			return NULL;
		}
		race_set_priv(r, p);
	}
	return p;
}

void rs_priv_free(struct race_run *r)
{
	free(race_priv(r));
	race_set_priv(r, NULL);
}

/* Lab resets a scenario does between cycles (the layer's quarantine). */
int rs_maybe_relab(struct race_run *r, uint64_t k, uint64_t every)
{
	if (!k || k % every)
		return 0;
	return race_relab(r);
}

struct crew_arg {
	struct rs_crew *c;
	unsigned int i;
};

static void *crew_thread(void *p)
{
	struct crew_arg *a = p;
	struct rs_crew *c = a->c;
	uint64_t seen = 0, k;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->gen == seen && !c->quit)
			pthread_cond_wait(&c->go, &c->lock);
		if (c->quit)
			break;
		seen = c->gen;
		k = c->k;
		pthread_mutex_unlock(&c->lock);
		c->job(c, a->i, k);
		pthread_mutex_lock(&c->lock);
		if (!--c->pending)
			pthread_cond_signal(&c->done);
	}
	pthread_mutex_unlock(&c->lock);
	free(a);
	return NULL;
}

int rs_crew_start(struct rs_crew *c, struct race_run *r, unsigned int n,
		      void (*job)(struct rs_crew *, unsigned int, uint64_t),
		      void *arg)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->r = r;
	c->job = job;
	c->arg = arg;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->go, NULL);
	pthread_cond_init(&c->done, NULL);
	for (i = 0; i < n && i < RACE_MAX_THREADS + 2; i++) {
		struct crew_arg *a = malloc(sizeof(*a));

		if (!a)
			break;
		a->c = c;
		a->i = i;
		if (pthread_create(&c->tids[i], NULL, crew_thread, a)) {
			free(a);
			break;
		}
		c->n++;
	}
	if (c->n < n)
		return race_fail(r, -EAGAIN, "cannot start %u crew threads", n);
	return 0;
}

/* Runs one cycle: every job once, concurrently. */
void rs_crew_run(struct rs_crew *c, uint64_t k)
{
	pthread_mutex_lock(&c->lock);
	c->k = k;
	c->pending = c->n;
	c->gen++;
	pthread_cond_broadcast(&c->go);
	while (c->pending)
		pthread_cond_wait(&c->done, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

void rs_crew_stop(struct rs_crew *c)
{
	pthread_mutex_lock(&c->lock);
	c->quit = true;
	pthread_cond_broadcast(&c->go);
	pthread_mutex_unlock(&c->lock);
	for (unsigned int i = 0; i < c->n; i++)
		pthread_join(c->tids[i], NULL);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->go);
	pthread_cond_destroy(&c->done);
}

/*
 * The role of a scenario driven by a crew of @jobs threads: per cycle a
 * lab reset every @relab cycles, the crew's registered flag cleared,
 * @before (may be NULL), one crew run, then @after (may be NULL) to undo
 * the cycle.  Returns 0 or the error.
 */
int rs_crew_role(struct race_run *r, struct rs_crew *cw, unsigned int jobs,
		     void (*job)(struct rs_crew *, unsigned int, uint64_t),
		     void *arg, uint64_t relab, void (*before)(void *arg),
		     int (*after)(struct race_run *r, void *arg, uint64_t k))
{
	uint64_t k;
	int ret = 0;

	if (rs_crew_start(cw, r, jobs, job, arg)) {
		rs_crew_stop(cw);
		return -EAGAIN;
	}
	while (!ret && race_cycle_begin(r, &k)) {
		ret = rs_maybe_relab(r, k, relab);
		if (!ret) {
			atomic_store(&cw->registered, false);
			if (before)
				before(arg);
			rs_crew_run(cw, k);
		}
		if (!ret && after)
			ret = after(r, arg, k);
		race_cycle_end(r);
	}
	rs_crew_stop(cw);
	return ret < 0 ? ret : 0;
}

unsigned int rs_one_role(const struct race_scenario *sc, unsigned int threads)
{
	(void)sc;
	(void)threads;
	return 1;
}

unsigned int rs_plus_one_role(const struct race_scenario *sc,
			      unsigned int threads)
{
	(void)sc;
	return threads + 1;
}

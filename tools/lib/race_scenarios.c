// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the race scenarios (race.h) - each a lab, its seeded
 * choices per cycle and the roles that drive it.  docs/races.md tells the
 * history of every one.
 *
 * Every choice a role makes comes from a *_choose() function of the seed
 * and the cycle index; the same function prints the plan (`race --plan`).
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

#include "race.h"

#define DEBUGFS_DOMAINS	"/sys/kernel/debug/probelab/domains"

/* ---- helpers ------------------------------------------------------------ */

static int dev_query(struct race_run *r, uint32_t id,
		     struct probelab_dev_info *out)
{
	char ref[16];

	snprintf(ref, sizeof(ref), "%u", id);
	return pl_dev_lookup(race_handle(r), ref, NULL, out);
}

/*
 * Waits until device @id has @driver bound: 1 bound, 0 not within @ms (or
 * the run is stopping), -errno when QUERY failed.
 */
static int wait_bound(struct race_run *r, uint32_t id, unsigned int driver,
		      unsigned int ms)
{
	uint64_t deadline = race_now_ns() + (uint64_t)ms * 1000000u;
	struct probelab_dev_info info;
	int ret;

	for (;;) {
		ret = dev_query(r, id, &info);
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
 * wait_bound() for dev0 in cycle @k, whose bind @what (an instance
 * registration) should have let through: 1 bound, 0 not bound because the
 * run is stopping, or the error race_fail() recorded.
 */
static int await_dev0_bound(struct race_run *r, uint64_t k, uint32_t id,
			    unsigned int driver, unsigned int ms,
			    const char *what)
{
	int ret = wait_bound(r, id, driver, ms);

	if (ret < 0)
		return race_fail(r, ret, "QUERY dev0: %s", strerror(-ret));
	if (!ret && !race_stopping(r))
		return race_fail(r, -ETIMEDOUT, "cycle %" PRIu64 ": dev0 not bound %u ms after %s",
				 k, ms, what);
	return ret;
}

static int add_named(struct race_run *r, const char *name, uint32_t *id)
{
	int ret = pl_dev_add_named(race_handle(r), name, id);

	if (ret)
		return race_fail(r, ret, "DEV_ADD %s: %s", name, strerror(-ret));
	return 0;
}

static int add_pci(struct race_run *r, unsigned int seg, unsigned int dev,
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

static int reg(struct race_run *r, const char *name)
{
	int ret = pl_iommu_register(race_handle(r), name);

	if (ret)
		return race_fail(r, ret, "IOMMU_REGISTER %s: %s", name,
				 strerror(-ret));
	return 0;
}

static int unreg(struct race_run *r, const char *name)
{
	int ret = pl_iommu_unregister(race_handle(r), name);

	if (ret)
		return race_fail(r, ret, "IOMMU_UNREGISTER %s: %s", name,
				 strerror(-ret));
	return 0;
}

/* DRV_BIND that must defer (the device waits for its instance). */
static int bind_deferred(struct race_run *r, uint32_t id, const char *what)
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

static void inject_delay(struct probelab_inject *c, const char *point,
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
static void *priv_get(struct race_run *r, size_t size)
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

static void priv_free(struct race_run *r)
{
	free(race_priv(r));
	race_set_priv(r, NULL);
}

/* Lab resets a scenario does between cycles (the layer's quarantine). */
static int maybe_relab(struct race_run *r, uint64_t k, uint64_t every)
{
	if (!k || k % every)
		return 0;
	return race_relab(r);
}

/*
 * A crew: @n threads that each run one job per cycle, released together
 * by the role that drives the cycles, which waits until all are done.
 */
struct crew {
	struct race_run *r;
	unsigned int n;
	pthread_t tids[RACE_MAX_THREADS + 2];
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	uint64_t gen;		/* cycles released */
	unsigned int pending;	/* jobs of this cycle still running */
	bool quit;
	uint64_t k;
	void (*job)(struct crew *c, unsigned int i, uint64_t k);
	void *arg;
	/*
	 * Set by the job that registers the cycle's instance, for the others
	 * to wait on; crew_role() clears it before each cycle.
	 */
	atomic_bool registered;
};

struct crew_arg {
	struct crew *c;
	unsigned int i;
};

static void *crew_thread(void *p)
{
	struct crew_arg *a = p;
	struct crew *c = a->c;
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

static int crew_start(struct crew *c, struct race_run *r, unsigned int n,
		      void (*job)(struct crew *, unsigned int, uint64_t),
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
static void crew_run(struct crew *c, uint64_t k)
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

static void crew_stop(struct crew *c)
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
static int crew_role(struct race_run *r, struct crew *cw, unsigned int jobs,
		     void (*job)(struct crew *, unsigned int, uint64_t),
		     void *arg, uint64_t relab, void (*before)(void *arg),
		     int (*after)(struct race_run *r, void *arg, uint64_t k))
{
	uint64_t k;
	int ret = 0;

	if (crew_start(cw, r, jobs, job, arg)) {
		crew_stop(cw);
		return -EAGAIN;
	}
	while (!ret && race_cycle_begin(r, &k)) {
		ret = maybe_relab(r, k, relab);
		if (!ret) {
			atomic_store(&cw->registered, false);
			if (before)
				before(arg);
			crew_run(cw, k);
		}
		if (!ret && after)
			ret = after(r, arg, k);
		race_cycle_end(r);
	}
	crew_stop(cw);
	return ret < 0 ? ret : 0;
}

/* ====================================================================
 * 1. fwspec-free-vs-xlate
 * ==================================================================== */

static const char s1_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 16 } ] } ] }";

#define S1_KTHREADS	2
#define S1_RACE_MS	200

struct s1 {
	uint32_t dev;
};

struct s1_choice {
	bool unbind_first;
	unsigned int pause_us;
};

static void s1_choose(uint64_t seed, uint64_t k, struct s1_choice *c)
{
	uint64_t s = race_rng_for(seed, 1, k);

	c->unbind_first = race_rng_range(&s, 0, 3) == 0;
	c->pause_us = (unsigned int)race_rng_range(&s, 0, 100);
}

static unsigned int s1_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 101, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "fwspec.use",
		     (uint32_t)race_rng_range(&s, 25, 75), 50,
		     race_rng_next(&s));
	return 1;
}

static void s1_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s1_choice c;

	(void)threads;
	s1_choose(seed, k, &c);
	snprintf(buf, len, "%sDRV_BIND dev0 probelab-dma (defers: smmu0 is not registered), pause %u us; alongside: RACE of_configure, %u kthreads",
		 c.unbind_first ? "DRV_UNBIND dev0, " : "", c.pause_us,
		 S1_KTHREADS);
}

static unsigned int s1_nr_roles(unsigned int threads)
{
	return threads + 1;
}

static int s1_setup(struct race_run *r)
{
	struct s1 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s1_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = add_named(r, "dev0", &p->dev);
	return ret;
}

/* Role 0: the kernel threads, in RACE ops of S1_RACE_MS each. */
static int s1_kernel(struct race_run *r, struct s1 *p)
{
	while (!race_stopping(r)) {
		struct probelab_race rc;
		int ret;

		memset(&rc, 0, sizeof(rc));
		rc.size = sizeof(rc);
		rc.op = PROBELAB_OP_RACE;
		rc.actor = PROBELAB_RACE_OF_CONFIGURE;
		rc.dev_id = p->dev;
		rc.threads = S1_KTHREADS;
		rc.duration_ms = S1_RACE_MS;
		ret = pl_cmd(race_handle(r), &rc);
		if (ret)
			return race_fail(r, ret, "RACE of_configure dev0: %s",
					 strerror(-ret));
		race_add_kernel_cycles(r, rc.cycles);
	}
	return 0;
}

static int s1_role(struct race_run *r, unsigned int role)
{
	struct s1 *p = race_priv(r);
	struct s1_choice c;
	uint64_t k;
	int ret;

	if (!role)
		return s1_kernel(r, p);
	while (race_cycle_begin(r, &k)) {
		uint32_t result = 0;

		s1_choose(race_opts(r)->seed, k, &c);
		if (c.unbind_first) {
			ret = pl_drv_unbind(race_handle(r), p->dev);
			if (ret && ret != -ENODEV)
				return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND dev0: %s",
						 k, strerror(-ret));
		}
		ret = pl_drv_bind(race_handle(r), p->dev, PROBELAB_DRV_DMA,
				  &result);
		/*
		 * Two DRV_BINDs of one device at once: the module keeps the
		 * last probe's result per device (bind_err), so a deferral
		 * can come back as EAGAIN (the driver core's answer) instead
		 * of result DEFERRED.  It is a deferral all the same.
		 */
		if (ret == -EAGAIN)
			ret = 0;
		/*
		 * Another binder's DRV_UNBIND withdrew the request (the
		 * driver core found no driver to match): nothing bound.
		 */
		if (ret == -ENODEV)
			ret = 0;
		if (ret == -EBUSY) {
			/*
			 * A bind that got through (the 6.1 path ignores a
			 * failed fwspec step): unbind, go on.
			 */
			ret = pl_drv_unbind(race_handle(r), p->dev);
			if (ret == -ENODEV)
				ret = 0;
		}
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND dev0: %s",
					 k, strerror(-ret));
		race_sleep_us(c.pause_us);
		race_cycle_end(r);
	}
	return 0;
}

/* ====================================================================
 * 2. parallel-probe-double-probe
 * ==================================================================== */

static const char s2_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true },"
	"              { \"name\": \"dmar1\", \"type\": \"vtd\", \"segment\": 1,"
	"                \"include_pci_all\": true } ] }";

#define S2_RELAB	1000

struct s2 {
	uint32_t ids[RACE_MAX_THREADS];
	struct crew crew;
};

/*
 * Per cycle: the order the devices are added in, who starts first (the
 * adds or the registrations) and by how much, and dmar1's offset.
 */
struct s2_choice {
	unsigned int order[RACE_MAX_THREADS];
	bool adds_first;
	unsigned int lead_us;
	unsigned int dmar1_us;
};

static void s2_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s2_choice *c)
{
	uint64_t s = race_rng_for(seed, 2, k);
	unsigned int i;

	for (i = 0; i < n; i++)
		c->order[i] = i;
	for (i = n; i > 1; i--) {
		unsigned int j = (unsigned int)race_rng_range(&s, 0, i - 1);
		unsigned int t = c->order[i - 1];

		c->order[i - 1] = c->order[j];
		c->order[j] = t;
	}
	c->adds_first = race_rng_range(&s, 0, 1);
	c->lead_us = (unsigned int)race_rng_range(&s, 0, 400);
	c->dmar1_us = (unsigned int)race_rng_range(&s, 0, 200);
}

static unsigned int s2_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 102, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "probe.unlocked",
		     (uint32_t)race_rng_range(&s, 100, 200), 200,
		     race_rng_next(&s));
	return 1;
}

static void s2_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s2_choice c;
	size_t n = 0;

	s2_choose(seed, k, threads, &c);
	n += (size_t)snprintf(buf + n, len - n, "DEV_ADD");
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " 00:%02x.0",
				      c.order[i] + 1);
	if (n < len)
		snprintf(buf + n, len - n, " || IOMMU_REGISTER dmar0 || IOMMU_REGISTER dmar1 (+%u us); %s first by %u us; then DEV_REMOVE all, IOMMU_UNREGISTER dmar0 dmar1",
			 c.dmar1_us, c.adds_first ? "adds" : "registrations",
			 c.lead_us);
}

static unsigned int one_role(unsigned int threads)
{
	(void)threads;
	return 1;
}

static int s2_setup(struct race_run *r)
{
	struct s2 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s2_topo);
	if (!ret)
		ret = race_arm_injections(r);
	return ret;
}

static void s2_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s2 *p = cw->arg;
	unsigned int n = race_threads(r);
	struct s2_choice c;

	s2_choose(race_opts(r)->seed, k, n, &c);
	if (i == 0) {		/* the adds */
		if (!c.adds_first)
			race_sleep_us(c.lead_us);
		for (unsigned int j = 0; j < n && !race_stopping(r); j++)
			if (add_pci(r, 0, c.order[j] + 1, 0, -1,
				    &p->ids[c.order[j]]))
				break;
		return;
	}
	if (c.adds_first)
		race_sleep_us(c.lead_us);
	if (i == 2)
		race_sleep_us(c.dmar1_us);
	reg(r, i == 1 ? "dmar0" : "dmar1");
}

static void s2_before(void *arg)
{
	struct s2 *p = arg;

	memset(p->ids, 0, sizeof(p->ids));
}

static int s2_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s2 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; i < race_threads(r) && !ret; i++) {
		if (!p->ids[i])
			continue;
		ret = pl_dev_remove(race_handle(r), p->ids[i]);
		if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE %u: %s",
				  k, p->ids[i], strerror(-ret));
	}
	if (!ret)
		ret = unreg(r, "dmar0");
	if (!ret)
		ret = unreg(r, "dmar1");
	return ret;
}

static int s2_role(struct race_run *r, unsigned int role)
{
	struct s2 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, 3, s2_job, p, S2_RELAB, s2_before,
			 s2_after);
}

/* ====================================================================
 * 3. register-vs-deferred-reprobe
 * ==================================================================== */

static const char s3_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 32 } ] } ] }";

#define S3_RELAB	500
#define S3_BOUND_MS	5000

struct s3 {
	uint32_t dev;
	uint32_t aux[RACE_MAX_THREADS];
	struct crew crew;
};

/* Per cycle and binder: the driver of the unrelated device and pauses. */
struct s3_choice {
	unsigned int driver[RACE_MAX_THREADS];
	unsigned int pause_us[RACE_MAX_THREADS];
};

static void s3_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s3_choice *c)
{
	uint64_t s = race_rng_for(seed, 3, k);

	for (unsigned int i = 0; i < n; i++) {
		c->driver[i] = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
							  PROBELAB_DRV_USER;
		c->pause_us[i] = (unsigned int)race_rng_range(&s, 0, 300);
	}
}

static unsigned int s3_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 103, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "iommu.register",
		     (uint32_t)race_rng_range(&s, 4000, 6000), 4000,
		     race_rng_next(&s));
	return 1;
}

static void s3_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s3_choice c;
	size_t n;

	s3_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "IOMMU_REGISTER smmu0 (dev0 deferred)");
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || loop: DRV_BIND aux%u %s, pause %u us, DRV_UNBIND aux%u",
				      i, pl_driver_name(c.driver[i]),
				      c.pause_us[i], i);
	if (n < len)
		snprintf(buf + n, len - n, "; wait for dev0 bound; IOMMU_UNREGISTER smmu0");
}

static int s3_setup(struct race_run *r)
{
	struct s3 *p = priv_get(r, sizeof(*p));
	char name[16];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s3_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = add_named(r, "dev0", &p->dev);
	/* devices no IOMMU stands in front of: the description names no
	 * endpoint "auxN" */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		snprintf(name, sizeof(name), "aux%u", i);
		ret = add_named(r, name, &p->aux[i]);
	}
	if (!ret)
		ret = bind_deferred(r, p->dev, "dev0");
	return ret;
}

static void s3_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s3 *p = cw->arg;
	struct s3_choice c;
	uint32_t result;
	int ret;

	if (i == 0) {
		reg(r, "smmu0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	s3_choose(race_opts(r)->seed, k, race_threads(r), &c);
	while (!atomic_load(&cw->registered) && !race_stopping(r)) {
		ret = pl_drv_bind(race_handle(r), p->aux[i], c.driver[i],
				  &result);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
		race_sleep_us(c.pause_us[i]);
		ret = pl_drv_unbind(race_handle(r), p->aux[i]);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
	}
}

static int s3_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s3 *p = arg;
	int ret = 0;

	if (!race_stopping(r))
		ret = await_dev0_bound(r, k, p->dev, PROBELAB_DRV_DMA,
				       S3_BOUND_MS, "smmu0 registered");
	if (ret < 0)
		return ret;
	return race_stopping(r) ? 0 : unreg(r, "smmu0");
}

static int s3_role(struct race_run *r, unsigned int role)
{
	struct s3 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, race_threads(r) + 1, s3_job, p,
			 S3_RELAB, NULL, s3_after);
}

/* ====================================================================
 * 4. hotadd-claimed-group
 * ==================================================================== */

static const char s4_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S4_RELAB	2000

struct s4 {
	uint32_t a;
	uint32_t group;
};

struct s4_choice {
	bool claim_device;	/* iommufd style, else VFIO style */
	bool attach_device;
	unsigned int pages;	/* 4K pages mapped before the hot-add */
	unsigned int b_dev, b_fn;	/* the newcomer, aliasing 00:01.0 */
};

static void s4_choose(uint64_t seed, uint64_t k, struct s4_choice *c)
{
	uint64_t s = race_rng_for(seed, 4, k);

	c->claim_device = race_rng_range(&s, 0, 1);
	c->attach_device = race_rng_range(&s, 0, 1);
	c->pages = (unsigned int)race_rng_range(&s, 0, 3);
	if (race_rng_range(&s, 0, 1)) {
		c->b_dev = 1;
		c->b_fn = 1;
	} else {
		c->b_dev = (unsigned int)race_rng_range(&s, 2, 31);
		c->b_fn = 0;
	}
}

static void s4_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s4_choice c;

	(void)threads;
	s4_choose(seed, k, &c);
	snprintf(buf, len, "%s; DOMAIN_ALLOC unmanaged; ATTACH %s; MAP %u x 4K; DEV_ADD 00:%02x.%u alias 00:01.0 (joins the claimed group); UNMAP; DETACH; DOMAIN_FREE; RELEASE; IOMMU_UNREGISTER dmar0; DEV_REMOVE the newcomer; IOMMU_REGISTER dmar0",
		 c.claim_device ? "OWNER_CLAIM_DEVICE 00:01.0" :
		 "OWNER_CLAIM_GROUP", c.attach_device ? "device 00:01.0" :
		 "group", c.pages, c.b_dev, c.b_fn);
}

/* 00:01.0's group now (it changes at every registration). */
static int s4_group(struct race_run *r, struct s4 *p)
{
	struct probelab_dev_info info;
	int ret = dev_query(r, p->a, &info);

	if (ret)
		return race_fail(r, ret, "QUERY 00:01.0: %s", strerror(-ret));
	if (info.state != PROBELAB_DEV_PROBED || !info.group_id)
		return race_fail(r, -EPROTO, "00:01.0 is %s with no group behind a registered DRHD",
				 pl_dev_state_name(info.state) ?
				 pl_dev_state_name(info.state) : "?");
	p->group = info.group_id;
	return 0;
}

static int s4_setup(struct race_run *r)
{
	struct s4 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s4_topo);
	if (!ret)
		ret = reg(r, "dmar0");
	if (!ret)
		ret = add_pci(r, 0, 1, 0, -1, &p->a);
	return ret;
}

#define S4_STEP(expr, ...)						\
	do {								\
		ret = (expr);						\
		if (ret)						\
			return race_fail(r, ret, "cycle %" PRIu64 ": " __VA_ARGS__); \
	} while (0)

/*
 * The hot-add, then back to one device: the newcomer shares 00:01.0's
 * requester ID, and the module blocks every ID of a device it releases,
 * so removing one member of the pair would block the other's entry too
 * (see docs/races.md).  Unregistering the DRHD releases both under one
 * lock hold; the newcomer then goes without a group to undo.
 */
static int s4_cycle(struct race_run *r, struct s4 *p, uint64_t k)
{
	struct pl_handle *h = race_handle(r);
	struct probelab_dev_info info;
	struct s4_choice c;
	uint32_t domain, b = 0;
	uint64_t done;
	int ret;

	s4_choose(race_opts(r)->seed, k, &c);
	ret = s4_group(r, p);
	if (ret)
		return ret;
	if (c.claim_device)
		S4_STEP(pl_claim_device(h, p->a), "OWNER_CLAIM_DEVICE 00:01.0: %s",
			k, strerror(-ret));
	else
		S4_STEP(pl_claim_group(h, p->group), "OWNER_CLAIM_GROUP %u: %s",
			k, p->group, strerror(-ret));
	S4_STEP(pl_domain_alloc(h, p->a, PROBELAB_DOMAIN_UNMANAGED, &domain),
		"DOMAIN_ALLOC: %s", k, strerror(-ret));
	S4_STEP(pl_attach(h, c.attach_device ? p->a : p->group,
			  c.attach_device, domain),
		"ATTACH domain %u: %s", k, domain, strerror(-ret));
	for (unsigned int i = 0; i < c.pages; i++)
		S4_STEP(pl_map(h, domain, 0x100000ull + i * 0x1000ull,
			       0x4000000ull + i * 0x1000ull, 0x1000,
			       PROBELAB_PROT_READ | PROBELAB_PROT_WRITE, &done),
			"MAP: %s", k, strerror(-ret));
	/* the hot-add into the claimed group */
	ret = add_pci(r, 0, c.b_dev, c.b_fn, 0x0008, &b);
	if (ret)
		return ret;
	S4_STEP(dev_query(r, b, &info), "QUERY the newcomer: %s", k,
		strerror(-ret));
	if (info.group_id != p->group)
		return race_fail(r, -EPROTO, "cycle %" PRIu64 ": 00:%02x.%u (alias 00:01.0) joined group %u, not the claimed group %u",
				 k, c.b_dev, c.b_fn, info.group_id, p->group);
	if (c.pages)
		S4_STEP(pl_unmap(h, domain, 0x100000ull, c.pages * 0x1000ull,
				 &done), "UNMAP: %s", k, strerror(-ret));
	S4_STEP(pl_detach(h, c.attach_device ? p->a : p->group,
			  c.attach_device), "DETACH: %s", k, strerror(-ret));
	S4_STEP(pl_domain_free(h, domain), "DOMAIN_FREE %u: %s", k, domain,
		strerror(-ret));
	if (c.claim_device)
		S4_STEP(pl_release_device(h, p->a), "OWNER_RELEASE device: %s",
			k, strerror(-ret));
	else
		S4_STEP(pl_release_group(h, p->group), "OWNER_RELEASE group: %s",
			k, strerror(-ret));
	ret = unreg(r, "dmar0");
	if (!ret)
		S4_STEP(pl_dev_remove(h, b), "DEV_REMOVE the newcomer: %s", k,
			strerror(-ret));
	if (!ret)
		ret = reg(r, "dmar0");
	return ret;
}

static int s4_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = maybe_relab(r, k, S4_RELAB);
		if (!ret)
			ret = s4_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

/* ====================================================================
 * 5. two-instances
 * ==================================================================== */

static const char s5_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 },"
	"              { \"name\": \"smmu1\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 48 },"
	"                                 { \"iommu\": \"smmu1\", \"id\": 49 } ] } ] }";

#define S5_RELAB	1000
#define S5_BOUND_MS	5000

struct s5 {
	uint32_t dev;
	struct crew crew;
};

struct s5_choice {
	unsigned int first;	/* instance registered first */
	unsigned int gap_us;	/* before the other one */
	unsigned int unreg_first;
	unsigned int unreg_gap_us;
};

static void s5_choose(uint64_t seed, uint64_t k, struct s5_choice *c)
{
	uint64_t s = race_rng_for(seed, 5, k);

	c->first = (unsigned int)race_rng_range(&s, 0, 1);
	c->gap_us = (unsigned int)race_rng_range(&s, 2000, 10000);
	c->unreg_first = (unsigned int)race_rng_range(&s, 0, 1);
	c->unreg_gap_us = (unsigned int)race_rng_range(&s, 0, 2000);
}

static void s5_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s5_choice c;

	(void)threads;
	s5_choose(seed, k, &c);
	snprintf(buf, len, "IOMMU_REGISTER smmu%u || (%u us) IOMMU_REGISTER smmu%u (dev0 deferred, behind both); wait for dev0 bound; IOMMU_UNREGISTER smmu%u, %u us, smmu%u",
		 c.first, c.gap_us, 1 - c.first, c.unreg_first,
		 c.unreg_gap_us, 1 - c.unreg_first);
}

static int s5_setup(struct race_run *r)
{
	struct s5 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s5_topo);
	if (!ret)
		ret = add_named(r, "dev0", &p->dev);
	if (!ret)
		ret = bind_deferred(r, p->dev, "dev0");
	return ret;
}

static void s5_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s5_choice c;

	s5_choose(race_opts(r)->seed, k, &c);
	if (i != c.first)
		race_sleep_us(c.gap_us);
	reg(r, i ? "smmu1" : "smmu0");
}

static int s5_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s5 *p = arg;
	struct s5_choice c;
	int ret = 0;

	if (!race_stopping(r))
		ret = await_dev0_bound(r, k, p->dev, PROBELAB_DRV_DMA,
				       S5_BOUND_MS,
				       "both instances registered");
	if (ret < 0 || race_stopping(r))
		return ret < 0 ? ret : 0;
	s5_choose(race_opts(r)->seed, k, &c);
	ret = unreg(r, c.unreg_first ? "smmu1" : "smmu0");
	race_sleep_us(c.unreg_gap_us);
	if (!ret)
		ret = unreg(r, c.unreg_first ? "smmu0" : "smmu1");
	return ret;
}

static int s5_role(struct race_run *r, unsigned int role)
{
	struct s5 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, 2, s5_job, p, S5_RELAB, NULL,
			 s5_after);
}

/* ====================================================================
 * 6. debugfs-walk-vs-unmap
 * ==================================================================== */

static const char s6_topo_smmu[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 1 } ] } ] }";
static const char s6_topo_vtd[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S6_MAX_REGIONS	8

struct s6 {
	bool vtd;
	uint32_t dev;
	uint32_t domain;
	char path[128];
};

struct s6_choice {
	unsigned int regions;	/* 2M regions of 4K pages */
	bool reverse;		/* unmap order */
};

/* The page-table format is chosen once per seed. */
static bool s6_vtd(uint64_t seed)
{
	return race_rng_for(seed, 600, 0) & 1;
}

static void s6_choose(uint64_t seed, uint64_t k, struct s6_choice *c)
{
	uint64_t s = race_rng_for(seed, 6, k);

	c->regions = (unsigned int)race_rng_range(&s, 4, S6_MAX_REGIONS);
	c->reverse = race_rng_range(&s, 0, 1);
}

static void s6_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s6_choice c;

	s6_choose(seed, k, &c);
	snprintf(buf, len, "%s domain: MAP %u x 2M of 4K pages at 0x40000000.., UNMAP them %s; alongside: %u debugfs pgtable walker(s)",
		 s6_vtd(seed) ? "VT-d second-level" : "SMMUv3 LPAE",
		 c.regions, c.reverse ? "last first" : "first first",
		 threads);
}

static int s6_setup(struct race_run *r)
{
	struct s6 *p = priv_get(r, sizeof(*p));
	struct pl_handle *h = race_handle(r);
	uint32_t result = 0;
	int ret;

	if (!p)
		return -ENOMEM;
	p->vtd = s6_vtd(race_opts(r)->seed);
	ret = race_load_topology(r, p->vtd ? s6_topo_vtd : s6_topo_smmu);
	if (!ret)
		ret = reg(r, p->vtd ? "dmar0" : "smmu0");
	if (!ret)
		ret = p->vtd ? add_pci(r, 0, 1, 0, -1, &p->dev) :
			       add_named(r, "dev0", &p->dev);
	if (ret)
		return ret;
	/* as VFIO: the driver-managed-DMA driver, then the claim (under
	 * linux-6.1 an SMMUv3 device is IOMMU-probed at its driver bind) */
	ret = pl_drv_bind(h, p->dev, PROBELAB_DRV_USER, &result);
	if (!ret && result != PROBELAB_BIND_BOUND)
		ret = -EPROTO;
	if (ret)
		return race_fail(r, ret, "DRV_BIND probelab-user: %s",
				 ret == -EPROTO ? "deferred" : strerror(-ret));
	ret = pl_claim_device(h, p->dev);
	if (ret)
		return race_fail(r, ret, "OWNER_CLAIM_DEVICE: %s", strerror(-ret));
	ret = pl_domain_alloc(h, p->dev, PROBELAB_DOMAIN_UNMANAGED, &p->domain);
	if (ret)
		return race_fail(r, ret, "DOMAIN_ALLOC: %s", strerror(-ret));
	ret = pl_attach(h, p->dev, 1, p->domain);
	if (ret)
		return race_fail(r, ret, "ATTACH: %s", strerror(-ret));
	snprintf(p->path, sizeof(p->path), DEBUGFS_DOMAINS "/%u/pgtable",
		 p->domain);
	if (access(p->path, R_OK))
		return race_fail(r, -errno, "%s: %s (is debugfs mounted?)",
				 p->path, strerror(errno));
	return 0;
}

static int s6_walker(struct race_run *r, struct s6 *p)
{
	static char buf[65536];

	while (!race_stopping(r)) {
		int fd = open(p->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return race_fail(r, -errno, "%s: %s", p->path,
					 strerror(errno));
		/* the contents do not matter: the walk does */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}

static int s6_role(struct race_run *r, unsigned int role)
{
	struct pl_handle *h = race_handle(r);
	struct s6 *p = race_priv(r);
	struct s6_choice c;
	uint64_t k, done;
	int ret;

	if (role)
		return s6_walker(r, p);
	while (race_cycle_begin(r, &k)) {
		s6_choose(race_opts(r)->seed, k, &c);
		for (unsigned int i = 0; i < c.regions; i++) {
			/* paddr 4K off a 2M boundary: 512 4K pages, one table */
			ret = pl_map(h, p->domain, 0x40000000ull + i * 0x200000ull,
				     0x80001000ull + i * 0x200000ull, 0x200000,
				     PROBELAB_PROT_READ | PROBELAB_PROT_WRITE,
				     &done);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": MAP region %u: %s",
						 k, i, strerror(-ret));
		}
		for (unsigned int j = 0; j < c.regions; j++) {
			unsigned int i = c.reverse ? c.regions - 1 - j : j;

			ret = pl_unmap(h, p->domain, 0x40000000ull + i * 0x200000ull,
				       0x200000, &done);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": UNMAP region %u: %s",
						 k, i, strerror(-ret));
		}
		race_cycle_end(r);
	}
	return 0;
}

static unsigned int plus_one_role(unsigned int threads)
{
	return threads + 1;
}

/* ====================================================================
 * 7. claim-vs-sibling-bind
 * ==================================================================== */

static const char s7_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

struct s7 {
	uint32_t a, b;		/* 00:01.0 and 00:01.1 (alias 00:01.0) */
	uint32_t group;
	struct pl_handle *owner;	/* the claimer's token */
	uint32_t domain;
};

enum s7_kind { S7_GROUP, S7_DEV_A, S7_DEV_B, S7_DEV_AB };

struct s7_choice {
	enum s7_kind kind;
	bool attach;
	unsigned int hold_us;
};

static void s7_choose(uint64_t seed, uint64_t k, struct s7_choice *c)
{
	uint64_t s = race_rng_for(seed, 7, k);

	c->kind = (enum s7_kind)race_rng_range(&s, 0, 3);
	c->attach = race_rng_range(&s, 0, 1);
	c->hold_us = (unsigned int)race_rng_range(&s, 0, 200);
}

/* A binder's iteration @i: its driver and its pause. */
static void s7_bind_choose(uint64_t seed, unsigned int binder, uint64_t i,
			   unsigned int *driver, unsigned int *pause_us)
{
	uint64_t s = race_rng_for(seed, 700 + binder, i);

	*driver = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
					     PROBELAB_DRV_USER;
	*pause_us = (unsigned int)race_rng_range(&s, 0, 200);
}

static unsigned int s7_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 107, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "owner.claim", (uint32_t)race_rng_range(&s, 10, 40),
		     40, race_rng_next(&s));
	return 1;
}

static const char *const s7_kind_names[] = {
	[S7_GROUP] = "OWNER_CLAIM_GROUP",
	[S7_DEV_A] = "OWNER_CLAIM_DEVICE 00:01.0",
	[S7_DEV_B] = "OWNER_CLAIM_DEVICE 00:01.1",
	[S7_DEV_AB] = "OWNER_CLAIM_DEVICE 00:01.0 + 00:01.1",
};

static void s7_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s7_choice c;
	unsigned int drv, pause;
	size_t n;

	s7_choose(seed, k, &c);
	n = (size_t)snprintf(buf, len, "claimer: %s%s, hold %u us, %sRELEASE (EBUSY allowed)",
			     s7_kind_names[c.kind],
			     c.attach ? ", ATTACH unmanaged" : "", c.hold_us,
			     c.attach ? "DETACH, " : "");
	for (unsigned int b = 0; b < threads && n < len; b++) {
		s7_bind_choose(seed, b, k, &drv, &pause);
		n += (size_t)snprintf(buf + n, len - n,
				      "; binder %u (its round %" PRIu64 "): DRV_BIND 00:01.1 %s, pause %u us, DRV_UNBIND",
				      b, k, pl_driver_name(drv), pause);
	}
}

static int s7_setup(struct race_run *r)
{
	struct s7 *p = priv_get(r, sizeof(*p));
	struct probelab_dev_info ia, ib;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s7_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = reg(r, "dmar0");
	if (!ret)
		ret = add_pci(r, 0, 1, 0, -1, &p->a);
	if (!ret)
		ret = add_pci(r, 0, 1, 1, 0x0008, &p->b);
	if (ret)
		return ret;
	ret = dev_query(r, p->a, &ia);
	if (!ret)
		ret = dev_query(r, p->b, &ib);
	if (ret)
		return race_fail(r, ret, "QUERY: %s", strerror(-ret));
	if (!ia.group_id || ia.group_id != ib.group_id)
		return race_fail(r, -EPROTO, "00:01.0 (group %u) and 00:01.1 alias 00:01.0 (group %u) should share a group",
				 ia.group_id, ib.group_id);
	p->group = ia.group_id;
	if (!p->owner) {
		ret = pl_open(&p->owner);
		if (ret)
			return race_fail(r, ret, "a second %s: %s",
					 PL_DEVICE_PATH, strerror(-ret));
	}
	ret = pl_domain_alloc(p->owner, p->a, PROBELAB_DOMAIN_UNMANAGED,
			      &p->domain);
	if (ret)
		return race_fail(r, ret, "DOMAIN_ALLOC: %s", strerror(-ret));
	return 0;
}

static void s7_cleanup(struct race_run *r)
{
	struct s7 *p = race_priv(r);

	if (p && p->owner)
		pl_close(p->owner);
	priv_free(r);
}

/* A claim or a release: 0, 1 when refused with EBUSY, -errno otherwise. */
static int s7_ok(int ret)
{
	return ret == -EBUSY ? 1 : ret;
}

static int s7_claimer(struct race_run *r, struct s7 *p)
{
	struct pl_handle *h = p->owner;
	struct s7_choice c;
	uint64_t k;
	int ret;

	while (race_cycle_begin(r, &k)) {
		bool got_a = false, got_b = false, got_g = false;

		s7_choose(race_opts(r)->seed, k, &c);
		ret = 0;
		if (c.kind == S7_GROUP) {
			ret = s7_ok(pl_claim_group(h, p->group));
			got_g = !ret;
		}
		if (c.kind == S7_DEV_A || c.kind == S7_DEV_AB) {
			ret = s7_ok(pl_claim_device(h, p->a));
			got_a = !ret;
		}
		if (ret >= 0 && (c.kind == S7_DEV_B || c.kind == S7_DEV_AB)) {
			int r2 = s7_ok(pl_claim_device(h, p->b));

			got_b = !r2;
			ret = r2 < 0 ? r2 : ret;
		}
		if (ret < 0)
			return race_fail(r, ret, "cycle %" PRIu64 ": %s: %s", k,
					 s7_kind_names[c.kind], strerror(-ret));
		if ((got_a || got_b || got_g) && c.attach) {
			ret = pl_attach(h, p->group, 0, p->domain);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": ATTACH: %s",
						 k, strerror(-ret));
			race_sleep_us(c.hold_us);
			ret = pl_detach(h, p->group, 0);
			if (ret)
				return race_fail(r, ret, "cycle %" PRIu64 ": DETACH: %s",
						 k, strerror(-ret));
		} else if (got_a || got_b || got_g) {
			race_sleep_us(c.hold_us);
		}
		ret = 0;
		if (got_g)
			ret = pl_release_group(h, p->group);
		if (!ret && got_a)
			ret = pl_release_device(h, p->a);
		if (!ret && got_b)
			ret = pl_release_device(h, p->b);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": OWNER_RELEASE: %s",
					 k, strerror(-ret));
		race_cycle_end(r);
	}
	return 0;
}

static int s7_binder(struct race_run *r, struct s7 *p, unsigned int b)
{
	struct pl_handle *h = race_handle(r);
	unsigned int drv, pause;
	uint32_t result;
	int ret;

	for (uint64_t i = 0; !race_stopping(r); i++) {
		s7_bind_choose(race_opts(r)->seed, b, i, &drv, &pause);
		ret = pl_drv_bind(h, p->b, drv, &result);
		if (ret == -EBUSY) {
			/* the group is claimed, or a sibling binder is bound */
			race_sleep_us(pause);
			continue;
		}
		if (ret)
			return race_fail(r, ret, "binder %u: DRV_BIND 00:01.1 %s: %s",
					 b, pl_driver_name(drv), strerror(-ret));
		race_sleep_us(pause);
		ret = pl_drv_unbind(h, p->b);
		if (ret && ret != -ENODEV)
			return race_fail(r, ret, "binder %u: DRV_UNBIND 00:01.1: %s",
					 b, strerror(-ret));
	}
	return 0;
}

static int s7_role(struct race_run *r, unsigned int role)
{
	struct s7 *p = race_priv(r);

	return role ? s7_binder(r, p, role - 1) : s7_claimer(r, p);
}

/* ====================================================================
 * 8. default-domain-not-set
 * ==================================================================== */

static const char s8_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S8_RELAB	500

struct s8 {
	uint32_t ids[RACE_MAX_THREADS];
	struct crew crew;
};

/* Per cycle and binder: its pause between two QUERYs of its device. */
struct s8_choice {
	unsigned int poll_us[RACE_MAX_THREADS];
};

static void s8_choose(uint64_t seed, uint64_t k, unsigned int n,
		      struct s8_choice *c)
{
	uint64_t s = race_rng_for(seed, 8, k);

	for (unsigned int i = 0; i < n; i++)
		c->poll_us[i] = (unsigned int)race_rng_range(&s, 0, 50);
}

static unsigned int s8_injections(uint64_t seed, struct probelab_inject *o,
				  unsigned int max)
{
	uint64_t s = race_rng_for(seed, 108, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "probe.default_domain",
		     (uint32_t)race_rng_range(&s, 300, 600), 400,
		     race_rng_next(&s));
	return 1;
}

static void s8_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s8_choice c;
	size_t n;

	s8_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "IOMMU_REGISTER dmar0 (%u devices waiting)",
			     threads);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || QUERY 00:%02x.0 every %u us until probed, DRV_BIND probelab-dma",
				      2 + i, c.poll_us[i]);
	if (n < len)
		snprintf(buf + n, len - n, "; DRV_UNBIND each; IOMMU_UNREGISTER dmar0");
}

static int s8_setup(struct race_run *r)
{
	struct s8 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s8_topo);
	if (!ret)
		ret = race_arm_injections(r);
	/* added while dmar0 is not registered: they wait for it */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++)
		ret = add_pci(r, 0, 2 + i, 0, -1, &p->ids[i]);
	return ret;
}

/*
 * Job 0 registers dmar0; job i+1 binds device i as soon as QUERY says the
 * layer probed it - under linux-6.1 that is before its group's default
 * domain is there (pl_l61_vtd_probe(): group join, probe lock dropped,
 * iommu_alloc_default_domain()).
 */
static void s8_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s8 *p = cw->arg;
	struct probelab_dev_info info;
	struct s8_choice c;
	uint32_t result;
	bool done;
	int ret;

	if (i == 0) {
		reg(r, "dmar0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	s8_choose(race_opts(r)->seed, k, race_threads(r), &c);
	for (;;) {
		done = atomic_load(&cw->registered);
		ret = dev_query(r, p->ids[i], &info);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": QUERY 00:%02x.0: %s",
				  k, 2 + i, strerror(-ret));
			return;
		}
		if (info.state == PROBELAB_DEV_PROBED)
			break;
		if (done) {
			race_fail(r, -EPROTO, "cycle %" PRIu64 ": 00:%02x.0 not probed after dmar0 registered (state %u)",
				  k, 2 + i, info.state);
			return;
		}
		if (race_stopping(r))
			return;
		race_sleep_us(c.poll_us[i]);
	}
	ret = pl_drv_bind(race_handle(r), p->ids[i], PROBELAB_DRV_DMA, &result);
	if (ret)
		race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND 00:%02x.0: %s",
			  k, 2 + i, strerror(-ret));
	else if (result != PROBELAB_BIND_BOUND)
		race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND 00:%02x.0 of a probed device: not bound",
			  k, 2 + i);
}

static int s8_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s8 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		ret = pl_drv_unbind(race_handle(r), p->ids[i]);
		if (ret == -ENODEV && race_stopping(r))
			ret = 0;
		else if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND 00:%02x.0: %s",
				  k, 2 + i, strerror(-ret));
	}
	return ret ? ret : unreg(r, "dmar0");
}

static int s8_role(struct race_run *r, unsigned int role)
{
	struct s8 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, race_threads(r) + 1, s8_job, p,
			 S8_RELAB, NULL, s8_after);
}

/* ====================================================================
 * 9. defer-retry-dma-ops-left
 * ==================================================================== */

static const char s9_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 64 } ] } ] }";

#define S9_RELAB	1000
#define S9_BOUND_MS	5000

struct s9 {
	uint32_t dev;
};

struct s9_choice {
	unsigned int driver;	/* probelab-dma, or probelab-ownops */
	unsigned int binds;	/* deferred binds before the registration */
	unsigned int gap_us;	/* between the last of them and it */
};

static void s9_choose(uint64_t seed, uint64_t k, struct s9_choice *c)
{
	uint64_t s = race_rng_for(seed, 9, k);

	c->driver = race_rng_range(&s, 0, 3) ? PROBELAB_DRV_DMA :
					       PROBELAB_DRV_OWNOPS;
	c->binds = (unsigned int)race_rng_range(&s, 1, 3);
	c->gap_us = (unsigned int)race_rng_range(&s, 0, 500);
}

static void s9_plan(uint64_t seed, uint64_t k, unsigned int threads,
		    char *buf, size_t len)
{
	struct s9_choice c;

	(void)threads;
	s9_choose(seed, k, &c);
	snprintf(buf, len, "DRV_BIND dev0 %s x%u (each defers: smmu0 unregistered), pause %u us, IOMMU_REGISTER smmu0, wait for dev0 bound, DRV_UNBIND dev0, IOMMU_UNREGISTER smmu0",
		 pl_driver_name(c.driver), c.binds, c.gap_us);
}

static int s9_setup(struct race_run *r)
{
	struct s9 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s9_topo);
	if (!ret) {
		/* dev0 starts with its platform's dma_ops (as swiotlb-xen) */
		ret = pl_dev_add_named_flags(race_handle(r), "dev0",
					     PROBELAB_DEV_ADD_PLATFORM_OPS,
					     &p->dev);
		if (ret)
			race_fail(r, ret, "DEV_ADD dev0 (platform dma_ops): %s",
				  strerror(-ret));
	}
	return ret;
}

static int s9_cycle(struct race_run *r, struct s9 *p, uint64_t k)
{
	struct s9_choice c;
	uint32_t result;
	int ret;

	s9_choose(race_opts(r)->seed, k, &c);
	for (unsigned int i = 0; i < c.binds; i++) {
		ret = pl_drv_bind(race_handle(r), p->dev, c.driver, &result);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND dev0 %s: %s",
					 k, pl_driver_name(c.driver),
					 strerror(-ret));
		if (result != PROBELAB_BIND_DEFERRED)
			return race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND dev0 bound, expected a deferral (smmu0 is not registered)",
					 k);
	}
	race_sleep_us(c.gap_us);
	ret = reg(r, "smmu0");
	if (ret)
		return ret;
	ret = await_dev0_bound(r, k, p->dev, c.driver, S9_BOUND_MS,
			       "smmu0 registered");
	if (ret <= 0)
		return ret;
	ret = pl_drv_unbind(race_handle(r), p->dev);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND dev0: %s",
				 k, strerror(-ret));
	return unreg(r, "smmu0");
}

static int s9_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = maybe_relab(r, k, S9_RELAB);
		if (!ret)
			ret = s9_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

/* ====================================================================
 * 10. driver-read-vs-unbind
 * ==================================================================== */

/* smmu0 fronts none of the devices: the walk at its registration still
 * replays dma_configure for every device on the bus without a group. */
static const char s10_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 } ] }";

#define S10_RELAB	500

struct s10 {
	uint32_t ids[RACE_MAX_THREADS];
	struct crew crew;
};

struct s10_choice {
	unsigned int lead_us;			/* before IOMMU_REGISTER */
	unsigned int pause_us[RACE_MAX_THREADS];	/* bound, before unbind */
};

static void s10_choose(uint64_t seed, uint64_t k, unsigned int n,
		       struct s10_choice *c)
{
	uint64_t s = race_rng_for(seed, 10, k);

	c->lead_us = (unsigned int)race_rng_range(&s, 0, 300);
	for (unsigned int i = 0; i < n; i++)
		c->pause_us[i] = (unsigned int)race_rng_range(&s, 0, 100);
}

static unsigned int s10_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 110, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "configure.replay",
		     (uint32_t)race_rng_range(&s, 100, 300), 200,
		     race_rng_next(&s));
	return 1;
}

static void s10_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s10_choice c;
	size_t n;

	s10_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "pause %u us, IOMMU_REGISTER smmu0",
			     c.lead_us);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || until registered: DRV_BIND aux%u probelab-dma, pause %u us, DRV_UNBIND",
				      i, c.pause_us[i]);
	if (n < len)
		snprintf(buf + n, len - n, "; DRV_UNBIND each; IOMMU_UNREGISTER smmu0");
}

static int s10_setup(struct race_run *r)
{
	struct s10 *p = priv_get(r, sizeof(*p));
	char name[16];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s10_topo);
	if (!ret)
		ret = race_arm_injections(r);
	/* the description names no "auxN": no IOMMU in front of them */
	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		snprintf(name, sizeof(name), "aux%u", i);
		ret = add_named(r, name, &p->ids[i]);
	}
	return ret;
}

static void s10_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s10 *p = cw->arg;
	struct s10_choice c;
	uint32_t result;
	int ret;

	s10_choose(race_opts(r)->seed, k, race_threads(r), &c);
	if (i == 0) {
		race_sleep_us(c.lead_us);
		reg(r, "smmu0");
		atomic_store(&cw->registered, true);
		return;
	}
	i--;
	while (!atomic_load(&cw->registered) && !race_stopping(r)) {
		ret = pl_drv_bind(race_handle(r), p->ids[i], PROBELAB_DRV_DMA,
				  &result);
		if (!ret && result != PROBELAB_BIND_BOUND)
			ret = -EPROTO;
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND aux%u (no IOMMU in front): %s",
				  k, i, strerror(-ret));
			return;
		}
		race_sleep_us(c.pause_us[i]);
		ret = pl_drv_unbind(race_handle(r), p->ids[i]);
		if (ret) {
			race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND aux%u: %s",
				  k, i, strerror(-ret));
			return;
		}
	}
}

static int s10_after(struct race_run *r, void *arg, uint64_t k)
{
	(void)arg;
	(void)k;
	return unreg(r, "smmu0");
}

static int s10_role(struct race_run *r, unsigned int role)
{
	struct s10 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, race_threads(r) + 1, s10_job, p,
			 S10_RELAB, NULL, s10_after);
}

/* ====================================================================
 * 11. bus-notifier-vs-registration
 * ==================================================================== */

static const char s11_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ] }";

#define S11_RELAB	500

struct s11 {
	uint32_t ids[RACE_MAX_THREADS];
	struct crew crew;
};

struct s11_choice {
	unsigned int reg_lead_us;		/* before IOMMU_REGISTER */
	unsigned int add_lead_us[RACE_MAX_THREADS];	/* before DEV_ADD */
};

static void s11_choose(uint64_t seed, uint64_t k, unsigned int n,
		       struct s11_choice *c)
{
	uint64_t s = race_rng_for(seed, 11, k);

	c->reg_lead_us = (unsigned int)race_rng_range(&s, 0, 300);
	for (unsigned int i = 0; i < n; i++)
		c->add_lead_us[i] = (unsigned int)race_rng_range(&s, 0, 300);
}

static unsigned int s11_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 111, 0);
	unsigned int n = 0;

	if (max > n) {
		inject_delay(&o[n++], "dev.visible",
			     (uint32_t)race_rng_range(&s, 200, 400), 200,
			     race_rng_next(&s));
	}
	if (max > n) {
		inject_delay(&o[n++], "probe.unlocked",
			     (uint32_t)race_rng_range(&s, 50, 150), 100,
			     race_rng_next(&s));
	}
	return n;
}

static void s11_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s11_choice c;
	size_t n;

	s11_choose(seed, k, threads, &c);
	n = (size_t)snprintf(buf, len, "pause %u us, IOMMU_REGISTER dmar0",
			     c.reg_lead_us);
	for (unsigned int i = 0; i < threads && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n,
				      " || pause %u us, DEV_ADD 00:%02x.0",
				      c.add_lead_us[i], 4 + i);
	if (n < len)
		snprintf(buf + n, len - n, "; DEV_REMOVE each; IOMMU_UNREGISTER dmar0");
}

static int s11_setup(struct race_run *r)
{
	struct s11 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s11_topo);
	if (!ret)
		ret = race_arm_injections(r);
	return ret;
}

static void s11_job(struct crew *cw, unsigned int i, uint64_t k)
{
	struct race_run *r = cw->r;
	struct s11 *p = cw->arg;
	struct s11_choice c;

	s11_choose(race_opts(r)->seed, k, race_threads(r), &c);
	if (i == 0) {
		race_sleep_us(c.reg_lead_us);
		reg(r, "dmar0");
		return;
	}
	i--;
	race_sleep_us(c.add_lead_us[i]);
	p->ids[i] = 0;
	add_pci(r, 0, 4 + i, 0, -1, &p->ids[i]);
}

static int s11_after(struct race_run *r, void *arg, uint64_t k)
{
	struct s11 *p = arg;
	int ret = 0;

	for (unsigned int i = 0; !ret && i < race_threads(r); i++) {
		if (!p->ids[i])
			continue;	/* its DEV_ADD failed (reported) */
		ret = pl_dev_remove(race_handle(r), p->ids[i]);
		if (ret)
			race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE 00:%02x.0: %s",
				  k, 4 + i, strerror(-ret));
	}
	if (!ret && !race_stopping(r))
		ret = unreg(r, "dmar0");
	return ret;
}

static int s11_role(struct race_run *r, unsigned int role)
{
	struct s11 *p = race_priv(r);

	(void)role;
	return crew_role(r, &p->crew, race_threads(r) + 1, s11_job, p,
			 S11_RELAB, NULL, s11_after);
}

/* ====================================================================
 * 12. unmap-after-unbind-stale-ops
 * ==================================================================== */

static const char s12_topo[] =
	"{ \"version\": 1,"
	"  \"iommus\": [ { \"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16 },"
	"              { \"name\": \"dmar0\", \"type\": \"vtd\", \"segment\": 0,"
	"                \"include_pci_all\": true } ],"
	"  \"endpoints\": [ { \"name\": \"dev0\","
	"                   \"iommus\": [ { \"iommu\": \"smmu0\", \"id\": 96 } ] } ] }";

#define S12_RELAB	1000

enum s12_after {
	S12_NOTHING,		/* the device stays, unbound */
	S12_CLAIM,		/* a VFIO-style owner claims its group */
	S12_REMOVE,		/* the device is hot-removed (and added back) */
};

struct s12 {
	uint32_t ids[2];	/* dev0 (SMMUv3), 00:05.0 (VT-d) */
};

struct s12_choice {
	unsigned int which;	/* 0 dev0, 1 00:05.0 */
	unsigned int pause_us;	/* bound, before the unbind */
	enum s12_after after;
};

static const char *const s12_names[] = { "dev0", "00:05.0" };
static const char *const s12_afters[] = {
	[S12_NOTHING] = "nothing",
	[S12_CLAIM] = "OWNER_CLAIM_GROUP + OWNER_RELEASE",
	[S12_REMOVE] = "DEV_REMOVE + DEV_ADD",
};

static void s12_choose(uint64_t seed, uint64_t k, struct s12_choice *c)
{
	uint64_t s = race_rng_for(seed, 12, k);

	c->which = (unsigned int)race_rng_range(&s, 0, 1);
	c->pause_us = (unsigned int)race_rng_range(&s, 0, 200);
	c->after = (enum s12_after)race_rng_range(&s, 0, 2);
}

static unsigned int s12_injections(uint64_t seed, struct probelab_inject *o,
				   unsigned int max)
{
	uint64_t s = race_rng_for(seed, 112, 0);

	if (!max)
		return 0;
	inject_delay(&o[0], "pool.release",
		     (uint32_t)race_rng_range(&s, 200, 600), 400,
		     race_rng_next(&s));
	return 1;
}

static void s12_plan(uint64_t seed, uint64_t k, unsigned int threads,
		     char *buf, size_t len)
{
	struct s12_choice c;

	(void)threads;
	s12_choose(seed, k, &c);
	snprintf(buf, len, "DRV_BIND %s probelab-pool (4 pages mapped), pause %u us, DRV_UNBIND (its pages still in flight), then %s while they come back",
		 s12_names[c.which], c.pause_us, s12_afters[c.after]);
}

static int s12_add(struct race_run *r, struct s12 *p, unsigned int which)
{
	if (which == 0)
		return add_named(r, "dev0", &p->ids[0]);
	return add_pci(r, 0, 5, 0, -1, &p->ids[1]);
}

static int s12_setup(struct race_run *r)
{
	struct s12 *p = priv_get(r, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = race_load_topology(r, s12_topo);
	if (!ret)
		ret = race_arm_injections(r);
	if (!ret)
		ret = reg(r, "smmu0");
	if (!ret)
		ret = reg(r, "dmar0");
	if (!ret)
		ret = s12_add(r, p, 0);
	if (!ret)
		ret = s12_add(r, p, 1);
	return ret;
}

static int s12_cycle(struct race_run *r, struct s12 *p, uint64_t k)
{
	struct pl_handle *h = race_handle(r);
	struct probelab_dev_info info;
	struct s12_choice c;
	uint32_t result, id;
	const char *name;
	int ret;

	s12_choose(race_opts(r)->seed, k, &c);
	id = p->ids[c.which];
	name = s12_names[c.which];
	ret = pl_drv_bind(h, id, PROBELAB_DRV_POOL, &result);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_BIND %s probelab-pool: %s",
				 k, name, strerror(-ret));
	if (result != PROBELAB_BIND_BOUND)
		return race_fail(r, -EPROTO, "cycle %" PRIu64 ": DRV_BIND %s probelab-pool deferred behind a registered instance",
				 k, name);
	race_sleep_us(c.pause_us);
	ret = pl_drv_unbind(h, id);
	if (ret)
		return race_fail(r, ret, "cycle %" PRIu64 ": DRV_UNBIND %s: %s",
				 k, name, strerror(-ret));
	switch (c.after) {
	case S12_NOTHING:
		break;
	case S12_CLAIM:
		ret = dev_query(r, id, &info);
		if (!ret)
			ret = pl_claim_group(h, info.group_id);
		if (!ret)
			ret = pl_release_group(h, info.group_id);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": claiming the group of %s: %s",
					 k, name, strerror(-ret));
		break;
	case S12_REMOVE:
		ret = pl_dev_remove(h, id);
		if (ret)
			return race_fail(r, ret, "cycle %" PRIu64 ": DEV_REMOVE %s: %s",
					 k, name, strerror(-ret));
		ret = s12_add(r, p, c.which);
		break;
	}
	return ret;
}

static int s12_role(struct race_run *r, unsigned int role)
{
	uint64_t k;
	int ret = 0;

	(void)role;
	while (!ret && race_cycle_begin(r, &k)) {
		ret = maybe_relab(r, k, S12_RELAB);
		if (!ret)
			ret = s12_cycle(r, race_priv(r), k);
		race_cycle_end(r);
	}
	return ret;
}

/* ====================================================================
 * the catalogue
 * ==================================================================== */

#define REPRO	RACE_EXPECT_REPRODUCE
#define HOLD	RACE_EXPECT_HOLD
#define OP(x)	(1ull << PROBELAB_OP_##x)

static const struct race_scenario scenarios[] = {
	{
		.name = "fwspec-free-vs-xlate",
		.summary = "a driver's own of_dma_configure() (kernel threads, no device lock) against DRV_BIND of the same device, whose instance is not registered",
		.mirrors = "Asahi DART crash and Qualcomm report, Nov 2023: fwspec freed \"in the deferred case\" while another path still uses it; fixed by \"iommu: Avoid more races around device probe\" (6.7, backported to 6.1.y and 6.6.y)",
		.bug = "fwspec-freed-in-deferred-case",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 1,
		.implemented = true,
		.note = "one SMMUv3 instance (never registered) and dev0 behind it; userspace threads DRV_BIND dev0 (every attempt defers) while a RACE op runs the policy's firmware step in 2 kernel threads; fwspec.use delayed 25..75 us + 0..50 us; a cycle is one DRV_BIND",
		.threads_what = "binder threads",
		.threads_def = 2, .threads_min = 1, .threads_max = 8,
		.kthreads = S1_KTHREADS,
		.needs_op = OP(RACE),
		.nr_roles = s1_nr_roles,
		.setup = s1_setup,
		.role = s1_role,
		.cleanup = priv_free,
		.plan = s1_plan,
		.injections = s1_injections,
	},
	{
		.name = "parallel-probe-double-probe",
		.summary = "DEV_ADD of PCI devices against two VT-d DRHDs registering in parallel (the bus notifier's probe and two bus_iommu_probe() walks)",
		.mirrors = "\"iommu: Avoid races around device probe\" (Robin Murphy, reported by Brian Norris, Linux 6.2): parallel bus_iommu_probe() calls could probe one device twice",
		.bug = "parallel-registration-double-probe",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 2,
		.implemented = true,
		.note = "DRHDs dmar0 (segment 0) and dmar1 (segment 1); each cycle adds N devices on segment 0 while both register, then removes them and unregisters both; probe.unlocked delayed 100..200 us + 0..200 us; a cycle is one add/register round",
		.threads_what = "devices added per cycle",
		.threads_def = 4, .threads_min = 1, .threads_max = 8,
		.nr_roles = one_role,
		.setup = s2_setup,
		.role = s2_role,
		.cleanup = priv_free,
		.plan = s2_plan,
		.injections = s2_injections,
	},
	{
		.name = "register-vs-deferred-reprobe",
		.summary = "IOMMU_REGISTER (instance published, its tables not yet reset) against the driver core's deferred-probe retries, fired by binds of unrelated devices",
		.mirrors = "the window 6.16 closed with iommu->ready: a deferred client re-probed between iommu_device_register() and the end of the driver's setup gets its STE wiped",
		.bug = "probe-before-instance-ready",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 6,
		.implemented = true,
		.note = "smmu0 and dev0 behind it, bound first (deferred); per cycle IOMMU_REGISTER smmu0 with iommu.register delayed 4..6 ms + 0..4 ms while threads bind/unbind devices no IOMMU stands in front of; wait for dev0 bound; IOMMU_UNREGISTER",
		.threads_what = "binder threads of unrelated devices",
		.threads_def = 1, .threads_min = 1, .threads_max = 4,
		.nr_roles = one_role,
		.setup = s3_setup,
		.role = s3_role,
		.cleanup = priv_free,
		.plan = s3_plan,
		.injections = s3_injections,
	},
	{
		.name = "hotadd-claimed-group",
		.summary = "a device hot-added into a group an owner claimed and attached to an UNMANAGED domain",
		.mirrors = "Debian 6.1's iommu_probe_device() attaches a newcomer to the default domain only, and to nothing when the group is owned: its entries block while the group translates",
		.bug = "hotadd-into-owned-group",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 6,
		.implemented = true,
		.note = "VT-d dmar0, 00:01.0 probed; per cycle claim (group or device), DOMAIN_ALLOC + ATTACH, MAP, DEV_ADD of a function aliasing 00:01.0, undo, and IOMMU_UNREGISTER / DEV_REMOVE / IOMMU_REGISTER to get back to one device; deterministic",
		.threads_what = "one: the scenario is sequential",
		.threads_def = 1, .threads_min = 1, .threads_max = 1,
		.needs_op = OP(OWNER_CLAIM_GROUP) | OP(OWNER_CLAIM_DEVICE) |
			    OP(OWNER_RELEASE) | OP(DOMAIN_ALLOC) |
			    OP(DOMAIN_FREE) | OP(ATTACH) | OP(DETACH) |
			    OP(MAP) | OP(UNMAP),
		.deterministic = true,
		.nr_roles = one_role,
		.setup = s4_setup,
		.role = s4_role,
		.cleanup = priv_free,
		.plan = s4_plan,
	},
	{
		.name = "two-instances",
		.summary = "a device behind two SMMUv3 instances that register (and unregister) in parallel, in a seeded order",
		.mirrors = "Exynos report, 2026: the kernels keep one fwspec (the first instance, with the IDs of both) and probe the device once that instance is ready",
		.bug = "fwspec-one-instance",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = REPRO },
		.invariant = 9,
		.implemented = true,
		.note = "smmu0, smmu1 and dev0 with a specifier on each, bound first (deferred); per cycle both register from two threads (seeded order, 2..10 ms apart), wait for dev0 bound, unregister both in a seeded order",
		.threads_what = "registration threads",
		.threads_def = 2, .threads_min = 2, .threads_max = 2,
		.deterministic = true,
		.nr_roles = one_role,
		.setup = s5_setup,
		.role = s5_role,
		.cleanup = priv_free,
		.plan = s5_plan,
	},
	{
		.name = "debugfs-walk-vs-unmap",
		.summary = "debugfs domains/<id>/pgtable walks against MAP/UNMAP of 2M regions of 4K pages in an UNMANAGED domain",
		.mirrors = "VT-d debugfs page-table dump racing unmap; the driver's own comment: \"could be solved by RCU-freeing\" - still open upstream",
		.bug = "debugfs-walk-freed-table",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = REPRO },
		.invariant = 8,
		.implemented = true,
		.note = "SMMUv3 (LPAE) or VT-d (second level), chosen by the seed; a cycle maps 4..8 regions and unmaps them (every unmap frees a last-level table) while walker threads read the debugfs dump",
		.threads_what = "debugfs walker threads",
		.threads_def = 1, .threads_min = 1, .threads_max = 8,
		.needs_op = OP(OWNER_CLAIM_DEVICE) | OP(DOMAIN_ALLOC) |
			    OP(ATTACH) | OP(MAP) | OP(UNMAP),
		.nr_roles = plus_one_role,
		.setup = s6_setup,
		.role = s6_role,
		.cleanup = priv_free,
		.plan = s6_plan,
	},
	{
		.name = "claim-vs-sibling-bind",
		.summary = "group and device claims (with attach/detach) against DRV_BIND/UNBIND of the sibling in the same group - a control",
		.mirrors = "no bug: DMA ownership is taken and dropped atomically under the group's lock in every kernel modelled; any claim or bind may fail with EBUSY, owner_cnt and the domain must stay right",
		.bug = NULL /* a control: no bug */,
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = HOLD,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 4,
		.implemented = true,
		.note = "VT-d dmar0, 00:01.0 and 00:01.1 aliasing it (one group); the claimer (its own owner token) claims and releases, binders bind probelab-dma or probelab-user to 00:01.1; owner.claim delayed 10..40 us + 0..40 us; a cycle is one claim round",
		.threads_what = "binder threads",
		.threads_def = 1, .threads_min = 1, .threads_max = 4,
		.needs_op = OP(OWNER_CLAIM_GROUP) | OP(OWNER_CLAIM_DEVICE) |
			    OP(OWNER_RELEASE) | OP(DOMAIN_ALLOC) | OP(ATTACH) |
			    OP(DETACH),
		.nr_roles = plus_one_role,
		.setup = s7_setup,
		.role = s7_role,
		.cleanup = s7_cleanup,
		.plan = s7_plan,
		.injections = s7_injections,
	},
	{
		.name = "default-domain-not-set",
		.summary = "DRV_BIND of a DMA-API driver against the IOMMU probe at instance registration, between the group add and the group's default domain",
		.mirrors = "Qualcomm report, Linux 6.6: a client probed in the gap between its group's creation and its default domain (iommu_probe_device() drops the probe lock before iommu_alloc_default_domain() / the group's domain setup)",
		.bug = "default-domain-window",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 3,
		.implemented = true,
		.note = "VT-d dmar0, N PCI devices added while it is unregistered; per cycle IOMMU_REGISTER dmar0 (its walk probes each device) while one binder per device polls QUERY and binds probelab-dma the moment the device is probed; probe.default_domain delayed 300..600 us + 0..400 us; then unbind all, IOMMU_UNREGISTER",
		.threads_what = "devices (one binder each)",
		.threads_def = 4, .threads_min = 1, .threads_max = 8,
		.nr_roles = one_role,
		.setup = s8_setup,
		.role = s8_role,
		.cleanup = priv_free,
		.plan = s8_plan,
		.injections = s8_injections,
	},
	{
		.name = "driver-read-vs-unbind",
		.summary = "the IOMMU probe at instance registration replaying the bus's dma_configure, which reads dev->driver twice, against DRV_BIND/UNBIND of the same devices",
		.mirrors = "Android reports: __iommu_probe_device() replays bus->dma_configure() without the device lock; platform_dma_configure() converted dev->driver before testing it and a concurrent bind made it dereference a pointer derived from NULL (\"platform: Fix race condition during DMA configure at IOMMU probe time\", then fsl-mc; the same fix for amba posted in August 2026)",
		.bug = "dma-configure-replay-vs-bind",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = HOLD,
			    [PROBELAB_POLICY_MAINLINE] = REPRO },
		.invariant = 4,
		.implemented = true,
		.note = "SMMUv3 smmu0 and N named devices no IOMMU fronts (bus_iommu_probe() walks them all the same); per cycle IOMMU_REGISTER smmu0 after 0..300 us while one binder per device binds probelab-dma and unbinds it; configure.replay delayed 100..300 us + 0..200 us; IOMMU_UNREGISTER. linux-6.1 has no replay from the IOMMU probe (its dma_configure runs only under the device lock); the lab bus's dma_configure under mainline is modelled on amba's, before its fix",
		.threads_what = "devices (one binder each)",
		.threads_def = 2, .threads_min = 1, .threads_max = 8,
		.nr_roles = one_role,
		.setup = s10_setup,
		.role = s10_role,
		.cleanup = priv_free,
		.plan = s10_plan,
		.injections = s10_injections,
	},
	{
		.name = "defer-retry-dma-ops-left",
		.summary = "DRV_BIND deferrals and the retry at instance registration of a device that starts with its platform's dma_ops",
		.mirrors = "ARM, 2017: arch_setup_dma_ops()/arch_teardown_dma_ops() asymmetric across -EPROBE_DEFER; a deferred probe's teardown drops ops it did not install (swiotlb-xen's, a driver's own: ipmmu-vmsa, mtk-iommu-v1, exynos DRM, omap3isp)",
		.bug = "deferral-teardown-dma-ops",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 7,
		.implemented = true,
		.note = "SMMUv3 smmu0 and dev0 behind it, added with platform dma_ops (DEV_ADD_PLATFORM_OPS); per cycle 1..3 DRV_BINDs of probelab-dma (3 in 4) or probelab-ownops that defer, IOMMU_REGISTER smmu0, wait for the retry to bind dev0, DRV_UNBIND, IOMMU_UNREGISTER; deterministic",
		.threads_what = "one: the scenario is sequential",
		.threads_def = 1, .threads_min = 1, .threads_max = 1,
		.deterministic = true,
		.nr_roles = one_role,
		.setup = s9_setup,
		.role = s9_role,
		.cleanup = priv_free,
		.plan = s9_plan,
	},
	{
		.name = "unmap-after-unbind-stale-ops",
		.summary = "DMA unmaps of a page_pool-like driver's in-flight pages after it unbound, racing a group claim or the device's removal",
		.mirrors = "page_pool crashes, 2024: pages returned after their driver unbound were unmapped through DMA state that no longer belonged to them (iommu_dma_unmap_page() on a removed device); fixed in 6.15 by \"page_pool: Track DMA-mapped pages and unmap them when destroying the pool\"",
		.bug = "page-pool-unmap-after-unbind",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 7,
		.implemented = true,
		.note = "SMMUv3 smmu0 with dev0 and VT-d dmar0 with 00:05.0, both registered; per cycle DRV_BIND probelab-pool (4 pages mapped) to one of them, DRV_UNBIND, then nothing, a group claim and release, or DEV_REMOVE + DEV_ADD while the pages come back (pool.release delayed 200..600 us + 0..400 us)",
		.threads_what = "one: the scenario is sequential (the page returns race it)",
		.threads_def = 1, .threads_min = 1, .threads_max = 1,
		.nr_roles = one_role,
		.setup = s12_setup,
		.role = s12_role,
		.cleanup = priv_free,
		.plan = s12_plan,
		.injections = s12_injections,
	},
	{
		.name = "bus-notifier-vs-registration",
		.summary = "DEV_ADD (device on the bus before its add notifier's IOMMU probe) against IOMMU_REGISTER, whose bus_iommu_probe() walk already sees the device",
		.mirrors = "device_add() puts a device on the bus's klist - visible to bus_for_each_dev() - before BUS_NOTIFY_ADD_DEVICE runs (still so upstream); 6.1's unserialised __iommu_probe_device() lets the walk and the notifier both probe it; mainline's iommu_probe_device_lock and group check make the second a no-op",
		.bug = "add-notifier-vs-registration-walk",
		.expect = { [PROBELAB_POLICY_FIXED] = HOLD,
			    [PROBELAB_POLICY_LINUX_6_1] = REPRO,
			    [PROBELAB_POLICY_MAINLINE] = HOLD },
		.invariant = 2,
		.implemented = true,
		.note = "VT-d dmar0; per cycle IOMMU_REGISTER dmar0 after 0..300 us while N threads DEV_ADD a PCI function each after 0..300 us; dev.visible delayed 200..400 us + 0..200 us, probe.unlocked 50..150 us + 0..100 us; DEV_REMOVE each, IOMMU_UNREGISTER",
		.threads_what = "devices added per cycle",
		.threads_def = 2, .threads_min = 1, .threads_max = 8,
		.nr_roles = one_role,
		.setup = s11_setup,
		.role = s11_role,
		.cleanup = priv_free,
		.plan = s11_plan,
		.injections = s11_injections,
	},
};

#undef REPRO
#undef HOLD
#undef OP

unsigned int race_nr_scenarios(void)
{
	return sizeof(scenarios) / sizeof(scenarios[0]);
}

const struct race_scenario *race_scenario_at(unsigned int i)
{
	return i < race_nr_scenarios() ? &scenarios[i] : NULL;
}

const struct race_scenario *race_scenario_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned int i = 0; i < race_nr_scenarios(); i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

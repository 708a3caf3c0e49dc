/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: what the C race scenarios (tools/lib/scenarios/, one file each) and the
 * scenario-file interpreter (race_file.c) share - lab steps that record a
 * failed step with race_fail(), the scenario's private data, lab resets
 * between cycles, and crews: threads that each run one job per cycle,
 * released together.  Not installed.
 */
#ifndef LIBPROBELAB_RACE_SCENARIO_UTIL_H
#define LIBPROBELAB_RACE_SCENARIO_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "race.h"

#define RS_DEBUGFS_DOMAINS	"/sys/kernel/debug/probelab/domains"

/* QUERY of device @id. */
int rs_dev_query(struct race_run *r, uint32_t id,
		 struct probelab_dev_info *out);
/*
 * Waits until device @id has @driver bound: 1 bound, 0 not within @ms (or
 * the run is stopping), -errno when QUERY failed.
 */
int rs_wait_bound(struct race_run *r, uint32_t id, unsigned int driver,
		  unsigned int ms);
/*
 * rs_wait_bound() for dev0 in cycle @k, whose bind @what (an instance
 * registration) should have let through: 1 bound, 0 not bound because the
 * run is stopping, or the error race_fail() recorded.
 */
int rs_await_dev0_bound(struct race_run *r, uint64_t k, uint32_t id,
			unsigned int driver, unsigned int ms, const char *what);
/* DEV_ADD, IOMMU_REGISTER / UNREGISTER: 0 or the error race_fail() got. */
int rs_add_named(struct race_run *r, const char *name, uint32_t *id);
int rs_add_pci(struct race_run *r, unsigned int seg, unsigned int dev,
	       unsigned int fn, int alias, uint32_t *id);
int rs_reg(struct race_run *r, const char *name);
int rs_unreg(struct race_run *r, const char *name);
/* DRV_BIND that must defer (the device waits for its instance). */
int rs_bind_deferred(struct race_run *r, uint32_t id, const char *what);
/* A DELAY injection of @point. */
void rs_inject_delay(struct probelab_inject *c, const char *point,
		     uint32_t delay_us, uint32_t jitter_us, uint64_t seed);
/* The scenario's private data, allocated once (set-ups again reuse it). */
void *rs_priv_get(struct race_run *r, size_t size);
void rs_priv_free(struct race_run *r);
/* race_relab() every @every cycles (not at cycle 0). */
int rs_maybe_relab(struct race_run *r, uint64_t k, uint64_t every);
/* nr_roles of one role, and of --threads plus one. */
unsigned int rs_one_role(const struct race_scenario *sc, unsigned int threads);
unsigned int rs_plus_one_role(const struct race_scenario *sc,
			      unsigned int threads);

/*
 * A crew: @n threads that each run one job per cycle, released together
 * by the role that drives the cycles, which waits until all are done.
 */
struct rs_crew {
	struct race_run *r;
	unsigned int n;
	pthread_t tids[RACE_MAX_THREADS + 2];
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	uint64_t gen;		/* cycles released */
	unsigned int pending;	/* jobs of this cycle still running */
	bool quit;
	uint64_t k;
	void (*job)(struct rs_crew *c, unsigned int i, uint64_t k);
	void *arg;
	/*
	 * Set by the job that registers the cycle's instance, for the others
	 * to wait on; rs_crew_role() clears it before each cycle.
	 */
	atomic_bool registered;
};

int rs_crew_start(struct rs_crew *c, struct race_run *r, unsigned int n,
		  void (*job)(struct rs_crew *, unsigned int, uint64_t),
		  void *arg);
/* Runs one cycle: every job once, concurrently. */
void rs_crew_run(struct rs_crew *c, uint64_t k);
void rs_crew_stop(struct rs_crew *c);
/*
 * The role of a scenario driven by a crew of @jobs threads: per cycle a
 * lab reset every @relab cycles, the crew's registered flag cleared,
 * @before (may be NULL), one crew run, then @after (may be NULL) to undo
 * the cycle.  Returns 0 or the error.
 */
int rs_crew_role(struct race_run *r, struct rs_crew *cw, unsigned int jobs,
		 void (*job)(struct rs_crew *, unsigned int, uint64_t),
		 void *arg, uint64_t relab, void (*before)(void *arg),
		 int (*after)(struct race_run *r, void *arg, uint64_t k));

#endif /* LIBPROBELAB_RACE_SCENARIO_UTIL_H */

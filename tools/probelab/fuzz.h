/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab fuzz: the ioctl fuzzer's shared state (cmd_fuzz.c runs the
 * threads and reports, fuzz_ops.c generates and issues the operations,
 * fuzz_desc.c builds the descriptions FW_LOAD gets).
 */
#ifndef PROBELAB_FUZZ_H
#define PROBELAB_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/probelab.h>

struct pl_handle;

/* Histogram buckets: one per enum probelab_op, one for unknown ops and
 * wrong ioctl numbers. */
#define FZ_OP_BAD		(PROBELAB_OP_RACE + 1)
#define FZ_NR_OPS		(FZ_OP_BAD + 1)
/* errno buckets 0..FZ_ERRNO_MAX - 1; larger ones share the last */
#define FZ_ERRNO_MAX		600

/*
 * --allow-known: patterns that trigger bugs being fixed elsewhere (issue
 * 11), off by default so that a run tells new bugs from known ones.
 */
#define FZ_KNOWN_D1	0x1	/* ops by dev id, LAB_RESET concurrent with DEV_ADD */
#define FZ_KNOWN_D6	0x2	/* named devices outside the fz* names */
#define FZ_KNOWN_SHARED	0x4	/* D2-D4: shared IDs, masks, aliases, bridges */
#define FZ_KNOWN_D7	0x8	/* armed injection points (delays, failures) */
#define FZ_KNOWN_RACE	0x10	/* RACE concurrent with DEV_REMOVE, LAB_RESET */
#define FZ_KNOWN_ALL	0x1f

#define FZ_POOL		64

/* Object ids seen by some thread, shared so that ops often hit real objects. */
struct fz_pool {
	pthread_mutex_t lock;
	unsigned int n;
	uint32_t v[FZ_POOL];
};

#define FZ_MAX_NAMES	16

/* What the last successful FW_LOAD described (the names ops refer to). */
struct fz_desc_names {
	unsigned int nr_iommus, nr_endpoints, nr_segs;
	char iommus[FZ_MAX_NAMES][PROBELAB_NAME_LEN];
	char endpoints[FZ_MAX_NAMES][PROBELAB_NAME_LEN];
	uint16_t segs[FZ_MAX_NAMES];	/* PCI segments described */
};

struct fz_run {
	uint64_t seed;
	unsigned int threads;
	unsigned int seconds;
	unsigned int policy;
	unsigned int known;		/* FZ_KNOWN_* allowed */
	bool trace;
	volatile int stop;
	/* DEV_ADD takes it for writing, ops on dev ids for reading */
	pthread_rwlock_t add_lock;
	/* RACE takes it for reading, DEV_REMOVE and LAB_RESET for writing */
	pthread_rwlock_t race_lock;
	pthread_mutex_t names_lock;
	struct fz_desc_names names;
	struct fz_pool devs, groups, domains;
	uint64_t reopens;
	uint64_t hist[FZ_NR_OPS][FZ_ERRNO_MAX];
};

struct fz_thread {
	struct fz_run *run;
	unsigned int idx;
	uint64_t rng;
	struct pl_handle *h;
	/*
	 * Where structures (sa) and the buffers they point to (ba) are put:
	 * each area is followed by an unmapped page; ro is a read-only page.
	 */
	uint8_t *sa, *ba, *ro, *map;
	size_t sa_len, ba_len, map_len;
	uint32_t doms[16];
	unsigned int nr_doms;
	uint64_t calls;
	/* for the stuck-thread report */
	volatile unsigned int cur_op;
	volatile uint64_t op_start_ns;
	volatile int done;
};

uint64_t fz_now_ns(void);
uint64_t fz_rnd(struct fz_thread *t);
/* uniform in 0..n-1 (0 when n is 0) */
uint32_t fz_below(struct fz_thread *t, uint32_t n);
/* true with probability pct % */
bool fz_chance(struct fz_thread *t, unsigned int pct);

void fz_pool_add(struct fz_pool *p, uint32_t v);
void fz_pool_del(struct fz_pool *p, uint32_t v);
/* A pooled id (one random draw either way), else a small random one. */
uint32_t fz_pool_pick(struct fz_thread *t, struct fz_pool *p);

/*
 * A random description for FW_LOAD, built with the description builder
 * (tools/lib/topo.h) and emitted unvalidated; mostly valid.  @names gets
 * what it describes.  Without FZ_KNOWN_SHARED no two devices it can
 * describe share a stream or source ID.  *blob is malloc()ed.
 */
int fz_desc_build(struct fz_thread *t, void **blob, size_t *len,
		  struct fz_desc_names *names);

/* LAB_RESET, a fresh description, a few instances and devices. */
void fz_reload(struct fz_thread *t);
/* One random action (one or a few calls) of thread @t. */
void fz_step(struct fz_thread *t);
/* Close and reopen the thread's /dev/probelab file (its owner token). */
int fz_reopen(struct fz_thread *t);

#endif /* PROBELAB_FUZZ_H */

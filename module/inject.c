// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: injection points.  Each named point sits at one step of the
 * probe layer; armed through PROBELAB_OP_INJECT it delays the step
 * (sleeping, or spinning where the step runs in atomic context) or makes
 * it fail with an errno, on every Nth hit and/or with a probability, for
 * one device or any.  A per-point xorshift generator seeded by the arming
 * op makes jitter and probability repeat for the same sequence of hits.
 *
 * The global fail-nth counter (PROBELAB_INJECT_FAIL_NTH) makes the nth
 * hit of any point that can fail return an errno, once: a sweep over
 * n = 1, 2, ... fails every fallible step of an operation sequence in
 * turn (iommufd_fail_nth.c's idea).
 *
 * The disarmed fast path is one READ_ONCE(); an armed point takes its own
 * spinlock for the decision only, never while delaying.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "probelab.h"

/**
 * struct pl_inject_pt - one injection point
 * @name: its name (uapi: probelab_inject.point)
 * @what: the step it sits at, for people
 * @atomic: the step may run in atomic context: delays spin, bounded
 * @can_fail: the step can return an error
 * @lock: protects every field below
 * @action: PROBELAB_INJECT_*; read without the lock on the fast path
 * @error: FAIL: the errno
 * @delay_us: DELAY: base delay
 * @jitter_us: DELAY: random extra
 * @every_nth: candidate every Nth hit
 * @ppm: probability of firing, parts per million (0: always)
 * @dev_id: only this device (0: any)
 * @rng: generator state
 * @hits: hits since armed
 * @fired: hits that fired
 */
struct pl_inject_pt {
	const char *name;
	const char *what;
	bool atomic;
	bool can_fail;
	spinlock_t lock;	/* the fields below */
	u32 action;
	int error;
	u32 delay_us;
	u32 jitter_us;
	u32 every_nth;
	u32 ppm;
	u32 dev_id;
	u64 rng;
	u64 hits;
	u64 fired;
};

/**
 * struct pl_fail_nth - the global fail-nth counter
 * @lock: protects every field below
 * @armed: the nth fail-capable hit fails; read without the lock first
 * @nth: which hit, counted from the arming
 * @error: the errno it returns
 * @hits: fail-capable hits since armed
 * @fired: the nth hit failed (the counter then disarms)
 */
struct pl_fail_nth {
	spinlock_t lock;	/* the fields below */
	bool armed;
	u32 nth;
	int error;
	u64 hits;
	bool fired;
};

static struct pl_fail_nth pl_fail_nth = {
	.lock = __SPIN_LOCK_UNLOCKED(pl_fail_nth.lock),
};

#define PL_PT(_id, _name, _what, _atomic, _fail)			\
	[_id] = { .name = _name, .what = _what, .atomic = _atomic,	\
		  .can_fail = _fail }

static struct pl_inject_pt pl_inject_pts[PL_NR_INJECT] = {
	PL_PT(PL_INJ_PROBE_XLATE, "probe.xlate",
	      "of_xlate step: building a device's fwspecs", false, true),
	PL_PT(PL_INJ_PROBE_GROUP, "probe.group",
	      "IOMMU probe: before the device joins its group", false, true),
	PL_PT(PL_INJ_PROBE_UNLOCKED, "probe.unlocked",
	      "linux-6.1: IOMMU probe between its group check and group add, unlocked",
	      false, false),
	PL_PT(PL_INJ_DEFAULT_DOMAIN, "probe.default_domain",
	      "linux-6.1: group joined, default domain not yet allocated",
	      false, false),
	PL_PT(PL_INJ_RELEASE, "release.group",
	      "IOMMU release: before the device leaves its group", false, false),
	PL_PT(PL_INJ_FWSPEC_FREE, "fwspec.free",
	      "a fwspec unpublished, not yet freed (linux-6.1)", false, false),
	PL_PT(PL_INJ_FWSPEC_USE, "fwspec.use",
	      "dma_configure: fwspec published, not yet used (linux-6.1)",
	      false, false),
	PL_PT(PL_INJ_DMA_CONFIGURE, "dma_configure",
	      "bus->dma_configure entry (driver bind)", false, true),
	PL_PT(PL_INJ_DMA_OPS, "dma_ops.install",
	      "installing the lab dma_ops", false, false),
	PL_PT(PL_INJ_DMA_CLEANUP, "dma_cleanup",
	      "bus->dma_cleanup entry (driver unbind)", false, false),
	PL_PT(PL_INJ_REGISTER, "iommu.register",
	      "instance published, its setup not done (not ready)", false, false),
	PL_PT(PL_INJ_UNREGISTER, "iommu.unregister",
	      "drivers unbound, instance not yet released", false, false),
	PL_PT(PL_INJ_CLAIM, "owner.claim",
	      "DMA ownership claim entry", false, true),
	PL_PT(PL_INJ_ATTACH, "domain.attach",
	      "before a group's entries are rewritten", false, false),
	PL_PT(PL_INJ_HW_STEP, "hw.step",
	      "between two steps of an STE update", true, false),
	PL_PT(PL_INJ_DEV_VISIBLE, "dev.visible",
	      "DEV_ADD: device on the bus's list, its add notifier not yet run",
	      false, false),
	PL_PT(PL_INJ_CONFIGURE_REPLAY, "configure.replay",
	      "mainline: dma_configure replayed by the IOMMU probe, between its two reads of dev->driver",
	      false, false),
	PL_PT(PL_INJ_POOL_RELEASE, "pool.release",
	      "probelab-pool: in-flight pages returned after the driver left, before their unmap",
	      false, false),
	PL_PT(PL_INJ_MAP, "domain.map",
	      "MAP: before the page table is written", false, true),
	PL_PT(PL_INJ_UNMAP, "domain.unmap",
	      "UNMAP: before the page table is cleared", false, false),
	PL_PT(PL_INJ_FW_LOAD, "fw.load",
	      "FW_LOAD: description installed and instances created, not yet announced",
	      false, true),
	PL_PT(PL_INJ_DOMAIN_ALLOC, "domain.alloc",
	      "allocating a domain (default, blocking, or an owner's)", false,
	      true),
};

/* xorshift64*: small, deterministic, good enough for jitter */
static u64 pl_rng_next(u64 *s)
{
	u64 x = *s ? *s : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* The global fail-nth counter: does this fail-capable hit fail? */
static int pl_fail_nth_hit(void)
{
	unsigned long flags;
	int err = 0;

	if (likely(!READ_ONCE(pl_fail_nth.armed)))
		return 0;
	spin_lock_irqsave(&pl_fail_nth.lock, flags);
	if (pl_fail_nth.armed && ++pl_fail_nth.hits == pl_fail_nth.nth) {
		err = pl_fail_nth.error;
		pl_fail_nth.fired = true;
		WRITE_ONCE(pl_fail_nth.armed, false);
	}
	spin_unlock_irqrestore(&pl_fail_nth.lock, flags);
	return err;
}

/**
 * pl_inject() - pass an injection point
 * @id: the point
 * @pdev: the device the step works on, or NULL
 *
 * Return: 0, or the armed errno of a FAIL point that fired.
 */
int pl_inject(enum pl_inject_point id, const struct pl_dev *pdev)
{
	struct pl_inject_pt *pt = &pl_inject_pts[id];
	unsigned long flags;
	u32 delay = 0;
	int err = 0;
	bool fire;

	if (pt->can_fail) {
		err = pl_fail_nth_hit();
		if (err)
			return err;
	}
	if (likely(READ_ONCE(pt->action) == PROBELAB_INJECT_OFF))
		return 0;
	spin_lock_irqsave(&pt->lock, flags);
	if (pt->action == PROBELAB_INJECT_OFF ||
	    (pt->dev_id && (!pdev || pdev->id != pt->dev_id))) {
		spin_unlock_irqrestore(&pt->lock, flags);
		return 0;
	}
	pt->hits++;
	fire = !pt->every_nth || pt->every_nth == 1 ||
	       !(pt->hits % pt->every_nth);
	if (fire && pt->ppm)
		fire = (pl_rng_next(&pt->rng) % PROBELAB_INJECT_PPM) < pt->ppm;
	if (fire) {
		pt->fired++;
		if (pt->action == PROBELAB_INJECT_FAIL) {
			err = pt->error;
		} else {
			delay = pt->delay_us;
			if (pt->jitter_us)
				delay += pl_rng_next(&pt->rng) %
					 ((u64)pt->jitter_us + 1);
		}
	}
	spin_unlock_irqrestore(&pt->lock, flags);

	/*
	 * Never shorter than asked by CLOCK_MONOTONIC, which is what callers
	 * measure: an hrtimer sleep, also past 20 ms (msleep(30) was seen to
	 * return after 22.5 ms in a 6.12-rt TCG guest).
	 */
	if (delay) {
		if (pt->atomic)
			udelay(min_t(u32, delay, PROBELAB_INJECT_MAX_ATOMIC_US));
		else
			usleep_range(delay, delay + delay / 8 + 1);
	}
	return err;
}

/* INJECT with PROBELAB_INJECT_FAIL_NTH: arm, disarm or read the counter. */
static int pl_op_inject_fail_nth(struct probelab_ucmd *ucmd)
{
	struct probelab_inject *cmd = &ucmd->cmd->inject;
	unsigned long flags;

	if (memchr_inv(cmd->point, 0, sizeof(cmd->point)) || cmd->delay_us ||
	    cmd->jitter_us || cmd->ppm || cmd->dev_id || cmd->seed) {
		pr_notice_ratelimited("INJECT fail-nth: point, delay, jitter, ppm, dev_id and seed must be 0\n");
		return -EINVAL;
	}
	if (!(cmd->flags & PROBELAB_INJECT_QUERY)) {
		if (cmd->action == PROBELAB_INJECT_FAIL &&
		    (!cmd->every_nth || cmd->error >= 0 ||
		     cmd->error < -MAX_ERRNO)) {
			pr_notice_ratelimited("INJECT fail-nth: every_nth %u must be >= 1, error %d a negative errno\n",
					      cmd->every_nth, cmd->error);
			return -EINVAL;
		}
		if (cmd->action != PROBELAB_INJECT_FAIL &&
		    (cmd->action != PROBELAB_INJECT_OFF || cmd->every_nth ||
		     cmd->error)) {
			pr_notice_ratelimited("INJECT fail-nth: action %u is not FAIL, or OFF with every_nth and error 0\n",
					      cmd->action);
			return -EINVAL;
		}
		spin_lock_irqsave(&pl_fail_nth.lock, flags);
		pl_fail_nth.nth = cmd->every_nth;
		pl_fail_nth.error = cmd->error;
		pl_fail_nth.hits = 0;
		pl_fail_nth.fired = false;
		WRITE_ONCE(pl_fail_nth.armed,
			   cmd->action == PROBELAB_INJECT_FAIL);
		spin_unlock_irqrestore(&pl_fail_nth.lock, flags);
	}
	spin_lock_irqsave(&pl_fail_nth.lock, flags);
	cmd->hits = pl_fail_nth.hits;
	cmd->fired = pl_fail_nth.fired;
	if (cmd->flags & PROBELAB_INJECT_QUERY) {
		cmd->action = pl_fail_nth.armed ? PROBELAB_INJECT_FAIL :
						  PROBELAB_INJECT_OFF;
		cmd->error = pl_fail_nth.error;
		cmd->every_nth = pl_fail_nth.nth;
	}
	spin_unlock_irqrestore(&pl_fail_nth.lock, flags);
	return probelab_respond(ucmd, sizeof(*cmd));
}

int pl_op_inject(struct probelab_ucmd *ucmd)
{
	struct probelab_inject *cmd = &ucmd->cmd->inject;
	struct pl_inject_pt *pt = NULL;
	unsigned long flags;
	u32 max_delay, i;

	if (!memchr(cmd->point, 0, sizeof(cmd->point)) || cmd->__reserved2)
		return -EINVAL;
	if (cmd->flags & PROBELAB_INJECT_FAIL_NTH)
		return pl_op_inject_fail_nth(ucmd);
	for (i = 0; i < PL_NR_INJECT; i++)
		if (!strcmp(pl_inject_pts[i].name, cmd->point))
			pt = &pl_inject_pts[i];
	if (!pt) {
		pr_notice_ratelimited("INJECT: no point named '%s'\n", cmd->point);
		return -ENOENT;
	}
	if (cmd->flags & PROBELAB_INJECT_QUERY)
		goto out_report;

	max_delay = pt->atomic ? PROBELAB_INJECT_MAX_ATOMIC_US :
				 PROBELAB_INJECT_MAX_DELAY_US;
	switch (cmd->action) {
	case PROBELAB_INJECT_OFF:
		break;
	case PROBELAB_INJECT_DELAY:
		if (!cmd->delay_us && !cmd->jitter_us)
			return -EINVAL;
		if ((u64)cmd->delay_us + cmd->jitter_us > max_delay) {
			pr_notice_ratelimited("INJECT: %s: delay %u+%u us above %u\n",
					      pt->name, cmd->delay_us,
					      cmd->jitter_us, max_delay);
			return -ERANGE;
		}
		break;
	case PROBELAB_INJECT_FAIL:
		if (!pt->can_fail) {
			pr_notice_ratelimited("INJECT: %s cannot fail, only delay\n",
					      pt->name);
			return -EOPNOTSUPP;
		}
		if (cmd->error >= 0 || cmd->error < -MAX_ERRNO)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (cmd->ppm > PROBELAB_INJECT_PPM)
		return -EINVAL;

	spin_lock_irqsave(&pt->lock, flags);
	pt->error = cmd->error;
	pt->delay_us = cmd->delay_us;
	pt->jitter_us = cmd->jitter_us;
	pt->every_nth = cmd->every_nth;
	pt->ppm = cmd->ppm;
	pt->dev_id = cmd->dev_id;
	pt->rng = cmd->seed;
	pt->hits = 0;
	pt->fired = 0;
	WRITE_ONCE(pt->action, cmd->action);
	spin_unlock_irqrestore(&pt->lock, flags);

out_report:
	spin_lock_irqsave(&pt->lock, flags);
	cmd->hits = pt->hits;
	cmd->fired = pt->fired;
	if (cmd->flags & PROBELAB_INJECT_QUERY) {
		cmd->action = pt->action;
		cmd->error = pt->error;
		cmd->delay_us = pt->delay_us;
		cmd->jitter_us = pt->jitter_us;
		cmd->every_nth = pt->every_nth;
		cmd->ppm = pt->ppm;
		cmd->dev_id = pt->dev_id;
	}
	spin_unlock_irqrestore(&pt->lock, flags);
	return probelab_respond(ucmd, sizeof(*cmd));
}

/* Disarms every point (lab reset, module exit). */
void pl_inject_reset(void)
{
	unsigned long flags;
	u32 i;

	for (i = 0; i < PL_NR_INJECT; i++) {
		spin_lock_irqsave(&pl_inject_pts[i].lock, flags);
		WRITE_ONCE(pl_inject_pts[i].action, PROBELAB_INJECT_OFF);
		spin_unlock_irqrestore(&pl_inject_pts[i].lock, flags);
	}
	spin_lock_irqsave(&pl_fail_nth.lock, flags);
	WRITE_ONCE(pl_fail_nth.armed, false);
	spin_unlock_irqrestore(&pl_fail_nth.lock, flags);
}

static const char *const pl_inject_actions[] = {
	[PROBELAB_INJECT_OFF] = "off",
	[PROBELAB_INJECT_DELAY] = "delay",
	[PROBELAB_INJECT_FAIL] = "fail",
};

static int pl_inject_show(struct seq_file *m, void *unused)
{
	struct pl_inject_pt *pt = m->private;
	unsigned long flags;

	spin_lock_irqsave(&pt->lock, flags);
	seq_printf(m, "point: %s\nstep: %s\ncontext: %s\ncan_fail: %u\n",
		   pt->name, pt->what, pt->atomic ? "atomic" : "sleeps",
		   pt->can_fail);
	seq_printf(m, "action: %s\nerror: %d\ndelay_us: %u\njitter_us: %u\n",
		   pl_inject_actions[pt->action], pt->error, pt->delay_us,
		   pt->jitter_us);
	seq_printf(m, "every_nth: %u\nppm: %u\ndev_id: %u\nhits: %llu\nfired: %llu\n",
		   pt->every_nth, pt->ppm, pt->dev_id, pt->hits, pt->fired);
	spin_unlock_irqrestore(&pt->lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pl_inject);

/* Initialises the points and lists them in debugfs inject/. */
void pl_inject_debugfs(struct dentry *root)
{
	struct dentry *dir = debugfs_create_dir("inject", root);
	u32 i;

	for (i = 0; i < PL_NR_INJECT; i++)
		spin_lock_init(&pl_inject_pts[i].lock);
	for (i = 0; i < PL_NR_INJECT; i++)
		debugfs_create_file(pl_inject_pts[i].name, 0400, dir,
				    &pl_inject_pts[i], &pl_inject_fops);
}

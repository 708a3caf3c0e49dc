// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the invariant checker (DESIGN.md section 3).
 *
 *  1 dev_iommu/fwspec: never used once freed; a probed device has one.
 *  2 one IOMMU probe per device lifetime (until its release).
 *  3 no DMA-API driver bound before its group has a default domain.
 *  4 owner_cnt == bound DMA-API drivers (owner NULL) or == claims by the
 *    one owner token; owner set iff an explicit claim exists.
 *  5 a claimed group is on its blocking domain or on a domain of its
 *    owner's; an unclaimed group is on its default domain.
 *  6 the hardware model agrees with the software state (hw.c verifies
 *    every ID of every probed device against its group's domain).
 *  7 dma_ops: an unbound device has the ops it had before its bind (or
 *    those of its IOMMU probe, for kernels that set them there); a
 *    driver's own ops are not replaced while it is bound; no DMA-API
 *    mapping outlives the binding that made it.
 *  8 page-table walks never reach a freed level (reported by the page
 *    tables themselves).
 *  9 a probed device's instances are all registered.
 *
 * A run reads the lab under pl_lab.lock; it compares counters with the
 * per-device flags that change under the same lock at the same moment, so
 * a bind in flight on another CPU is never mistaken for a violation.
 * Every violation is logged, counted, multicast as PROBELAB_EV_VIOLATION
 * and, when a CHECK op asked, returned with the trace of event sequence
 * numbers that led there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/llist.h>
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "probelab.h"
#include "core/idmap.h"

/* Where a run collects its violations (NULL: only report them). */
struct pl_check_list {
	struct probelab_violation *v;
	u32 cap;
	u32 n;
};

/* the run in progress and the task running it (set under the lab lock) */
static struct pl_check_list *pl_check_cur;
static struct task_struct *pl_check_task;

static void pl_fill_trace(struct probelab_violation *v, struct pl_dev *pdev)
{
	const u64 *ring = pdev ? pdev->ev_seq : pl_lab.ev_seq;
	u32 head = pdev ? READ_ONCE(pdev->ev_head) : READ_ONCE(pl_lab.ev_head);
	u32 n = min_t(u32, head, PROBELAB_VIOLATION_SEQS), i;

	for (i = 0; i < n; i++)
		v->seqs[i] = READ_ONCE(ring[(head - n + i) %
					    PROBELAB_VIOLATION_SEQS]);
	v->nr_seqs = n;
}

/**
 * pl_report() - report one invariant violation
 * @invariant: 1..9, the invariant broken
 * @pdev: the device involved, or NULL
 * @group: the group id involved, or 0
 * @domain: the domain id involved, or 0
 * @fmt: what is wrong
 *
 * Any context that may sleep; with the lab lock held by a checker run,
 * the violation is also collected for the CHECK op.
 */
void pl_report(u32 invariant, struct pl_dev *pdev, u32 group, u32 domain,
	       const char *fmt, ...)
{
	struct pl_ev ev = { .event = PROBELAB_EV_VIOLATION, .dev = pdev,
			    .group = group, .domain = domain,
			    .invariant = invariant };
	struct pl_check_list *l = NULL;
	char msg[PROBELAB_VIOLATION_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atomic64_inc(&pl_lab.stats.violations);
	atomic64_inc(&pl_lab.violations);
	pr_err_ratelimited("violation of invariant %u: %s%s%s\n", invariant,
			   pdev ? dev_name(&pdev->dev) : "", pdev ? ": " : "",
			   msg);
	if (READ_ONCE(pl_check_task) == current)
		l = READ_ONCE(pl_check_cur);
	if (l && l->n < l->cap) {
		struct probelab_violation *v = &l->v[l->n];

		memset(v, 0, sizeof(*v));
		v->invariant = invariant;
		v->dev_id = pdev ? pdev->id : 0;
		v->group_id = group;
		v->domain_id = domain;
		v->seq = atomic64_read(&pl_lab.seq);
		pl_fill_trace(v, pdev);
		strscpy(v->what, msg, sizeof(v->what));
	}
	if (l)
		l->n++;
	ev.detail = msg;
	pl_event(&ev);
}

/*
 * Violations seen where pl_report() cannot run (atomic context: the dma
 * ops): queued without a lock and reported from a work item.
 */
struct pl_atomic_report {
	struct llist_node node;
	u32 invariant;
	char what[PROBELAB_VIOLATION_TEXT];
};

static LLIST_HEAD(pl_atomic_reports);

static void pl_atomic_report_fn(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&pl_atomic_reports));
	struct pl_atomic_report *r, *tmp;

	llist_for_each_entry_safe(r, tmp, list, node) {
		pl_report(r->invariant, NULL, 0, 0, "%s", r->what);
		kfree(r);
	}
}

static DECLARE_WORK(pl_atomic_report_work, pl_atomic_report_fn);

/**
 * pl_report_atomic() - report a violation from any context
 * @invariant: 1..9
 * @pdev: the device involved, or NULL (named in the text)
 * @fmt: what is wrong
 */
void pl_report_atomic(u32 invariant, const struct pl_dev *pdev,
		      const char *fmt, ...)
{
	struct pl_atomic_report *r = kmalloc(sizeof(*r), GFP_ATOMIC);
	va_list ap;
	int n = 0;

	if (!r) {
		atomic64_inc(&pl_lab.stats.violations);
		atomic64_inc(&pl_lab.violations);
		return;
	}
	r->invariant = invariant;
	if (pdev)
		n = scnprintf(r->what, sizeof(r->what), "%s: ",
			      dev_name(&pdev->dev));
	va_start(ap, fmt);
	vscnprintf(r->what + n, sizeof(r->what) - n, fmt, ap);
	va_end(ap);
	llist_add(&r->node, &pl_atomic_reports);
	schedule_work(&pl_atomic_report_work);
}

/* Waits until every queued report is out (before a check, at exit). */
void pl_report_flush(void)
{
	flush_work(&pl_atomic_report_work);
}

/*
 * Invariant 9 from the description's view, not the layer's: every
 * instance the firmware puts in front of the device (whatever the policy
 * kept in its fwspecs) must be registered while the device is probed.
 */
static struct pl_iommu *pl_missing_instance(struct pl_dev *pdev)
{
	struct pl_iommu *missing = NULL;
	struct pl_fw_ref *refs;
	unsigned int n, i;

	lockdep_assert_held(&pl_lab.lock);
	refs = pl_xlate(pdev, &n);
	if (IS_ERR(refs))
		return NULL;
	for (i = 0; i < n && !missing; i++)
		if (!pl_lab.iommus[refs[i].iommu].registered)
			missing = &pl_lab.iommus[refs[i].iommu];
	kfree(refs);
	return missing;
}

/* What an unbound device's dma_ops must be (invariant 7). */
static const struct dma_map_ops *pl_unbound_ops(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	return pdev->ops_installed ? &pl_dma_ops : pdev->base_ops;
}

/*
 * dev->driver changes under the device lock, which a run does not take,
 * and linux-6.1 stores pdev->di from unordered steps: each is read once
 * where it is judged.
 */
static void pl_check_device(struct pl_dev *pdev)
{
	const struct pl_dev_iommu *di = READ_ONCE(pdev->di);
	struct pl_group *group = pdev->group;
	const struct dma_map_ops *ops;
	struct device_driver *drv;
	struct pl_iommu *missing;
	u32 gid = group ? group->id : 0;
	bool in_cleanup;

	lockdep_assert_held(&pl_lab.lock);
	/* 1 */
	if (di && di->state != PL_OBJ_LIVE)
		pl_report(1, pdev, gid, 0, "holds a freed dev_iommu (gen %u)",
			  di->gen);
	if (pdev->state == PROBELAB_DEV_PROBED && (!di || !group))
		pl_report(1, pdev, gid, 0, "probed without %s",
			  di ? "a group" : "dev_iommu");
	/* 2 */
	if (pdev->probes > 1)
		pl_report(2, pdev, gid, 0, "IOMMU-probed %u times without release",
			  pdev->probes);
	/* 3 */
	if (pdev->bound && pdev->dma_owner &&
	    (!group || !group->default_domain))
		pl_report(3, pdev, gid, 0, "DMA-API driver bound with no default domain");
	drv = READ_ONCE(pdev->dev.driver);
	if (pdev->bound && drv && !to_pl_driver(drv)->driver_managed_dma &&
	    pdev->state != PROBELAB_DEV_PROBED &&
	    pdev->state != PROBELAB_DEV_NO_IOMMU &&
	    pdev->state != PROBELAB_DEV_BARE)
		pl_report(3, pdev, gid, 0, "DMA-API driver bound, device not IOMMU-probed");
	/* 7: dev->driver read after the ops, as before */
	in_cleanup = pl_in_host_cleanup(pdev, &ops);
	drv = READ_ONCE(pdev->dev.driver);
	if (!in_cleanup && !pdev->bound && !drv &&
	    ops != pl_unbound_ops(pdev))
		pl_report(7, pdev, gid, 0, "unbound with dma_ops %s, expected %s",
			  ops == &pl_dma_ops ? "lab" : ops ? "a driver's" : "direct",
			  pl_unbound_ops(pdev) ? "lab" : "direct");
	if (pdev->bound && drv && to_pl_driver(drv)->id == PROBELAB_DRV_OWNOPS &&
	    (ops == &pl_dma_ops || !ops))
		pl_report(7, pdev, gid, 0, "the driver's own dma_ops were replaced");
	/* 9 */
	missing = pdev->state == PROBELAB_DEV_PROBED ?
		  pl_missing_instance(pdev) : NULL;
	if (missing)
		pl_report(9, pdev, gid, 0, "probed while instance %s is not registered",
			  missing->name);
}

static void pl_check_group(struct pl_group *group)
{
	struct pl_domain *domain = group->domain;
	u32 owners = 0, claims = 0, i, j;
	struct pl_dev *pdev;
	char why[PROBELAB_VIOLATION_TEXT];

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(pdev, &group->devices, group_node) {
		owners += pdev->dma_owner;
		claims += pdev->dev_claims;
		if (pdev->dma_owner && !READ_ONCE(pdev->dev.driver))
			pl_report(4, pdev, group->id, 0, "DMA-API owner with no driver");
	}
	/* 4 */
	if (!group->own.owner &&
	    (group->own.owner_cnt != owners || claims ||
	     group->own.group_claimed))
		pl_report(4, NULL, group->id, 0,
			  "owner_cnt %u, %u DMA-API drivers bound, %u claims, no owner",
			  group->own.owner_cnt, owners, claims);
	if (group->own.owner &&
	    (owners || group->own.owner_cnt != claims + group->own.group_claimed ||
	     !group->own.owner_cnt))
		pl_report(4, NULL, group->id, 0,
			  "owned: owner_cnt %u, %u claims, group claim %u, %u DMA-API drivers",
			  group->own.owner_cnt, claims, group->own.group_claimed, owners);
	/* 5 */
	if (!group->own.owner && domain != group->default_domain)
		pl_report(5, NULL, group->id, domain->id,
			  "unclaimed group off its default domain");
	if (group->own.owner && domain != group->blocking_domain &&
	    domain->owner != group->own.owner)
		pl_report(5, NULL, group->id, domain->id,
			  "claimed group on a domain its owner does not hold");
	/* 6 */
	list_for_each_entry(pdev, &group->devices, group_node) {
		const struct pl_dev_iommu *di = READ_ONCE(pdev->di);

		for (i = 0; di && i < di->nr_fwspecs; i++) {
			const struct pl_fwspec *fs = &di->fwspecs[i];

			for (j = 0; j < fs->nr_ids; j++)
				if (!pl_hw_verify(fs->iommu, fs->ids[j], domain,
						  why, sizeof(why)))
					pl_report(6, pdev, group->id, domain->id,
						  "%s", why);
		}
	}
}

/* 7: a DMA domain with mappings must have a bound DMA-API user. */
static void pl_check_mappings(void)
{
	struct pl_domain *domain;
	struct pl_dev *pdev;
	int n;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry(domain, &pl_lab.domains, node) {
		n = atomic_read(&domain->mappings);
		if (!n)
			continue;
		list_for_each_entry(pdev, &pl_lab.devices, node)
			if (READ_ONCE(pdev->dev.driver) &&
			    pdev->dma_domain == domain)
				break;
		if (list_entry_is_head(pdev, &pl_lab.devices, node))
			pl_report(7, NULL, 0, domain->id,
				  "%d DMA-API mappings outlive every binding", n);
	}
}

static u32 pl_check_run(struct pl_check_list *l)
{
	u64 before = atomic64_read(&pl_lab.violations);
	struct pl_group *group;
	struct pl_dev *pdev;

	lockdep_assert_held(&pl_lab.lock);
	WRITE_ONCE(pl_check_cur, l);
	WRITE_ONCE(pl_check_task, current);
	list_for_each_entry(pdev, &pl_lab.devices, node)
		pl_check_device(pdev);
	list_for_each_entry(group, &pl_lab.groups, node)
		pl_check_group(group);
	pl_check_mappings();
	WRITE_ONCE(pl_check_task, NULL);
	WRITE_ONCE(pl_check_cur, NULL);
	return atomic64_read(&pl_lab.violations) - before;
}

/* After every op, when switched on. */
void pl_check_auto(void)
{
	if (!READ_ONCE(pl_lab.auto_check))
		return;
	mutex_lock(&pl_lab.lock);
	pl_check_run(NULL);
	mutex_unlock(&pl_lab.lock);
}

#define PL_CHECK_MAX	256	/* violations one CHECK returns at most */

int pl_op_check(struct probelab_ucmd *ucmd)
{
	struct probelab_check *cmd = &ucmd->cmd->check;
	size_t ksize = sizeof(struct probelab_violation);
	struct pl_check_list l = {};
	u32 i;
	int ret = 0;

	if (cmd->__reserved2 || (cmd->flags & PROBELAB_CHECK_AUTO_ON &&
				 cmd->flags & PROBELAB_CHECK_AUTO_OFF))
		return -EINVAL;
	if (cmd->nr_entries && (cmd->entry_size < ksize ||
				cmd->entry_size > PAGE_SIZE)) {
		pr_notice_ratelimited("CHECK: entry size %u outside %zu..%lu\n",
				      cmd->entry_size, ksize, PAGE_SIZE);
		return -EINVAL;
	}
	pl_report_flush();
	l.cap = min_t(u32, cmd->nr_entries, PL_CHECK_MAX);
	if (l.cap) {
		l.v = kcalloc(l.cap, ksize, GFP_KERNEL);
		if (!l.v)
			return -ENOMEM;
	}
	mutex_lock(&pl_lab.lock);
	if (cmd->flags & PROBELAB_CHECK_AUTO_ON)
		WRITE_ONCE(pl_lab.auto_check, true);
	if (cmd->flags & PROBELAB_CHECK_AUTO_OFF)
		WRITE_ONCE(pl_lab.auto_check, false);
	pl_check_run(&l);
	cmd->auto_check = pl_lab.auto_check;
	mutex_unlock(&pl_lab.lock);

	for (i = 0; i < min(l.n, l.cap) && !ret; i++) {
		void __user *dst = u64_to_user_ptr(cmd->entries_uptr) +
				   (size_t)i * cmd->entry_size;

		if (copy_to_user(dst, &l.v[i], ksize) ||
		    (cmd->entry_size > ksize &&
		     clear_user(dst + ksize, cmd->entry_size - ksize)))
			ret = -EFAULT;
	}
	kfree(l.v);
	if (ret)
		return ret;
	cmd->nr_entries = l.n;
	cmd->total = atomic64_read(&pl_lab.violations);
	return probelab_respond(ucmd, sizeof(*cmd));
}

/* debugfs "check": a run, printed. */
int pl_check_show(struct seq_file *m)
{
	struct pl_check_list l = { .cap = 32 };
	u32 i, k;

	l.v = kcalloc(l.cap, sizeof(*l.v), GFP_KERNEL);
	if (!l.v)
		return -ENOMEM;
	mutex_lock(&pl_lab.lock);
	pl_check_run(&l);
	mutex_unlock(&pl_lab.lock);
	seq_printf(m, "violations: %u (total since reset: %lld)\n", l.n,
		   atomic64_read(&pl_lab.violations));
	for (i = 0; i < min(l.n, l.cap); i++) {
		seq_printf(m, "invariant %u dev %u group %u domain %u seq %llu: %s\n  trace:",
			   l.v[i].invariant, l.v[i].dev_id, l.v[i].group_id,
			   l.v[i].domain_id, l.v[i].seq, l.v[i].what);
		for (k = 0; k < l.v[i].nr_seqs; k++)
			seq_printf(m, " %llu", l.v[i].seqs[k]);
		seq_putc(m, '\n');
	}
	kfree(l.v);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the lab - its description (FW_LOAD), reset, listings (QUERY),
 * counters (STATS), violations and the quarantine of freed layer objects.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "probelab.h"
#include "core/fwdesc.h"

struct pl_lab pl_lab = {
	.lock = __MUTEX_INITIALIZER(pl_lab.lock),
	.devices = LIST_HEAD_INIT(pl_lab.devices),
	.groups = LIST_HEAD_INIT(pl_lab.groups),
	.domains = LIST_HEAD_INIT(pl_lab.domains),
	.quarantine = LIST_HEAD_INIT(pl_lab.quarantine),
	.quarantine_groups = LIST_HEAD_INIT(pl_lab.quarantine_groups),
	.kept_domains = LIST_HEAD_INIT(pl_lab.kept_domains),
	.next_dev_id = 1,
	.next_group_id = 1,
	.next_domain_id = 1,
	.default_domain = PROBELAB_DOMAIN_DMA,
	.settle_wq = __WAIT_QUEUE_HEAD_INITIALIZER(pl_lab.settle_wq),
};

/* A device or an instance finished being built or torn down. */
void pl_lab_settled(void)
{
	lockdep_assert_held(&pl_lab.lock);
	WRITE_ONCE(pl_lab.settle_seq, pl_lab.settle_seq + 1);
	wake_up_all(&pl_lab.settle_wq);
}

/*
 * Waits (no lock held) until something settled after @seq, which the
 * caller read under the lab lock when it found something under way.
 */
void pl_lab_wait_settled(u32 seq)
{
	wait_event(pl_lab.settle_wq, READ_ONCE(pl_lab.settle_seq) != seq);
}

/*
 * A violation the layer detects on its own path (a stale object, a torn
 * hardware update ...): reported under the invariant it breaks.
 */
void pl_violation(u32 invariant, struct pl_dev *pdev, const char *fmt, ...)
{
	char msg[PROBELAB_VIOLATION_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pl_report(invariant, pdev, 0, 0, "%s", msg);
}

/*
 * Bounded quarantine (max_quarantine): beyond it the oldest objects, freed
 * longest ago, go back to the allocator, as the page tables' quarantine
 * does; a use of one of them would no longer be detected.  Groups end
 * when their last device is released, so trimming both lists here keeps
 * the group list within the bound plus the groups ended since.
 */
static void pl_quarantine_trim(void)
{
	u32 max = pl_limit(PL_LIMIT_QUARANTINE);
	struct pl_dev_iommu *di;
	bool trimmed = false;

	lockdep_assert_held(&pl_lab.lock);
	while (pl_lab.nr_quarantined > max) {
		di = list_first_entry(&pl_lab.quarantine, struct pl_dev_iommu,
				      qnode);
		list_del(&di->qnode);
		pl_lab.nr_quarantined--;
		kfree(di);
		atomic_dec(&pl_lab.objs.dev_iommus);
		trimmed = true;
	}
	trimmed |= pl_groups_trim_quarantine(max);
	if (trimmed)
		pr_notice_ratelimited("quarantine over its bound of %u objects (module parameter max_quarantine): the oldest were freed\n",
				      max);
}

/* Puts a dev_iommu, marked @state, on the quarantine until reset. */
static void pl_quarantine_keep(struct pl_dev_iommu *di, u32 state)
{
	lockdep_assert_held(&pl_lab.lock);
	/* linux-6.1's of_iommu_configure() reads it without the lab lock */
	WRITE_ONCE(di->state, state);
	list_add_tail(&di->qnode, &pl_lab.quarantine);
	pl_lab.nr_quarantined++;
	pl_quarantine_trim();
}

/*
 * A freed dev_iommu is not returned to the allocator before the lab is
 * reset: a path still holding it finds PL_OBJ_FREED instead of reused
 * memory, and reports a violation.
 */
void pl_quarantine_dev_iommu(struct pl_dev_iommu *di)
{
	lockdep_assert_held(&pl_lab.lock);
	if (di->state != PL_OBJ_LIVE) {
		pl_violation(1, NULL, "dev_iommu freed twice (gen %u)", di->gen);
		return;
	}
	atomic64_inc(&pl_lab.stats.fwspec_frees);
	pl_quarantine_keep(di, PL_OBJ_FREED);
}

/*
 * A dev_iommu the mirrored kernel leaks (a legacy policy overwrote the
 * pointer to it): the lab keeps it until reset, as the quarantine does,
 * but does not mark it freed, since the kernel never frees it.
 */
void pl_quarantine_leaked_dev_iommu(struct pl_dev_iommu *di)
{
	lockdep_assert_held(&pl_lab.lock);
	if (di->state != PL_OBJ_LIVE) {
		pl_violation(1, NULL, "dev_iommu gen %u overwritten after it was freed",
			     di->gen);
		return;
	}
	pl_quarantine_keep(di, PL_OBJ_LEAKED);
}

static void pl_quarantine_empty(void)
{
	struct pl_dev_iommu *di, *tmp;

	lockdep_assert_held(&pl_lab.lock);
	list_for_each_entry_safe(di, tmp, &pl_lab.quarantine, qnode) {
		list_del(&di->qnode);
		kfree(di);
		atomic_dec(&pl_lab.objs.dev_iommus);
	}
	pl_lab.nr_quarantined = 0;
	pl_groups_free_quarantine();
}

/**
 * struct pl_fw_set - a description and its instances, off the lab
 * @fw: the description
 * @iommus: its instances (and their devices)
 * @nr_iommus: number of instances
 */
struct pl_fw_set {
	struct pl_fwdesc *fw;
	struct pl_iommu *iommus;
	u32 nr_iommus;
};

/*
 * Takes the description and the instances off the lab (no device may
 * exist, no instance be registered, pl_lab.changing set); the caller
 * frees them with the lab lock dropped, pl_lab_free_fw().
 */
static void pl_lab_take_fw(struct pl_fw_set *old)
{
	lockdep_assert_held(&pl_lab.lock);
	pl_domains_free_all();
	pl_debugfs_remove_iommus();
	old->fw = pl_lab.fw;
	old->iommus = pl_lab.iommus;
	old->nr_iommus = pl_lab.nr_iommus;
	pl_lab.fw = NULL;
	pl_lab.iommus = NULL;
	pl_lab.nr_iommus = 0;
	WRITE_ONCE(pl_lab.bare, false);
}

/* Destroys what pl_lab_take_fw() took (the instance devices): no lock. */
static void pl_lab_free_fw(struct pl_fw_set *old)
{
	pl_instances_destroy(old->iommus, old->nr_iommus);
	pl_fwdesc_free(old->fw);
}

static bool pl_lab_busy_instances(void)
{
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	for (i = 0; i < pl_lab.nr_iommus; i++)
		if (pl_lab.iommus[i].registered || pl_lab.iommus[i].registering ||
		    pl_lab.iommus[i].going)
			return true;
	return false;
}

/*
 * FW_LOAD must wait: the description and the instances are read without
 * the lab lock by whatever works on a lab device, including RACE threads
 * whose device was removed meanwhile (pl_xlate()).
 */
static bool pl_lab_busy(void)
{
	lockdep_assert_held(&pl_lab.lock);
	return pl_lab.changing || pl_lab.nr_devices || pl_lab.nr_races ||
	       pl_lab_busy_instances();
}

int pl_op_fw_load(struct probelab_ucmd *ucmd)
{
	struct probelab_fw_load *cmd = &ucmd->cmd->fw_load;
	struct pl_fwdesc *fw = NULL;
	struct pl_fw_err err = {};
	struct pl_iommu *iommus;
	struct pl_fw_set old;
	void *blob;
	u32 i;
	int ret;

	if (cmd->__reserved2) {
		pr_notice_ratelimited("FW_LOAD: reserved field is not zero\n");
		return -EINVAL;
	}
	if (cmd->policy > PROBELAB_POLICY_MAINLINE) {
		pr_notice_ratelimited("FW_LOAD: unknown policy %u\n", cmd->policy);
		return -EINVAL;
	}
	if (cmd->default_domain != PROBELAB_DOMAIN_DMA &&
	    cmd->default_domain != PROBELAB_DOMAIN_IDENTITY) {
		pr_notice_ratelimited("FW_LOAD: default domain type %u is not DMA or IDENTITY\n",
				      cmd->default_domain);
		return -EINVAL;
	}
	/* shorter than the header: EINVAL (docs/topology.md), the parser's */
	if (!cmd->desc_len) {
		pr_notice_ratelimited("FW_LOAD: empty description (desc_len 0)\n");
		return -EINVAL;
	}
	if (cmd->desc_len > PROBELAB_FW_MAX_LEN) {
		pr_notice_ratelimited("FW_LOAD: description length %u above %u\n",
				      cmd->desc_len, PROBELAB_FW_MAX_LEN);
		return -E2BIG;
	}
	ret = pl_limit_check(PL_LIMIT_DESC, 0, cmd->desc_len, "FW_LOAD");
	if (ret)
		return ret;

	blob = vmemdup_user(u64_to_user_ptr(cmd->desc_uptr), cmd->desc_len);
	if (IS_ERR(blob))
		return PTR_ERR(blob);
	ret = pl_fwdesc_parse(blob, cmd->desc_len, &fw, &err);
	kvfree(blob);
	if (ret) {
		pr_err_ratelimited("FW_LOAD: description rejected (%d): %s\n",
				   ret, err.msg);
		cmd->err_record = err.rec_index;
		cmd->err_offset = err.offset;
		if (probelab_respond(ucmd, sizeof(*cmd)))
			return -EFAULT;
		return ret;
	}

	mutex_lock(&pl_lab.lock);
	if (pl_lab_busy()) {
		mutex_unlock(&pl_lab.lock);
		pl_fwdesc_free(fw);
		pr_notice_ratelimited("FW_LOAD: refused while lab devices or registered instances exist, or a RACE, another FW_LOAD or LAB_RESET runs\n");
		return -EBUSY;
	}
	/* the driver core is called with the lab lock dropped */
	pl_lab.changing = true;
	pl_lab_take_fw(&old);
	mutex_unlock(&pl_lab.lock);
	pl_lab_free_fw(&old);

	ret = pl_instances_create(fw, &iommus);
	if (!ret) {
		/* fail point: the new instances exist and are undone */
		ret = pl_inject(PL_INJ_FW_LOAD, NULL);
		if (ret)
			pl_instances_destroy(iommus, fw->nr_iommus);
	}
	mutex_lock(&pl_lab.lock);
	if (!ret) {
		pl_lab.fw = fw;
		pl_lab.iommus = iommus;
		pl_lab.nr_iommus = fw->nr_iommus;
		WRITE_ONCE(pl_lab.policy, cmd->policy);
		WRITE_ONCE(pl_lab.bare, !!(cmd->flags & PROBELAB_FW_LOAD_BARE));
		pl_lab.default_domain = cmd->default_domain;
		for (i = 0; i < fw->nr_iommus; i++)
			pl_debugfs_add_iommu(&iommus[i]);
		/*
		 * Published: once the lock is dropped a LAB_RESET or another
		 * FW_LOAD may free @fw (KASAN saw this read after the unlock).
		 */
		pr_info("description loaded: %u IOMMUs, %u endpoints, %u root complexes, %u scopes; policy %u%s\n",
			fw->nr_iommus, fw->nr_endpoints, fw->nr_rcs,
			fw->nr_scopes, cmd->policy,
			pl_lab.bare ? "; bare (no IOMMU layer)" : "");
	}
	pl_lab.changing = false;
	mutex_unlock(&pl_lab.lock);
	if (ret) {
		pr_err("FW_LOAD: creating the instances failed: %d\n", ret);
		pl_fwdesc_free(fw);
		return ret;
	}

	pl_ev_dev(PROBELAB_EV_FW_LOAD, NULL, 0, NULL);
	cmd->err_record = 0;
	cmd->err_offset = 0;
	return probelab_respond(ucmd, sizeof(*cmd));
}

/*
 * Empties the lab: devices, instances, description, domains, quarantine,
 * injections.  pl_lab.changing is set (nothing new is added meanwhile);
 * the lab lock is not held: removals call into the driver core.
 */
static void pl_lab_clear(void)
{
	struct pl_fw_set old;

	/* Devices first: their removal unbinds drivers (driver core). */
	pl_devices_remove_all();
	pl_instances_unregister_all();
	pl_pool_drain();
	/* device removal may have queued reports from the dma ops */
	pl_report_flush();

	mutex_lock(&pl_lab.lock);
	while (pl_lab.nr_races) {
		u32 seq = pl_lab.settle_seq;

		mutex_unlock(&pl_lab.lock);
		pl_lab_wait_settled(seq);
		mutex_lock(&pl_lab.lock);
	}
	WARN_ON(pl_lab.nr_devices || pl_lab_busy_instances());
	pl_inject_reset();
	atomic64_set(&pl_lab.violations, 0);
	pl_lab_take_fw(&old);
	pl_quarantine_empty();
	mutex_unlock(&pl_lab.lock);
	pl_lab_free_fw(&old);
}

int pl_op_lab_reset(struct probelab_ucmd *ucmd)
{
	mutex_lock(&pl_lab.lock);
	if (pl_lab.changing) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("LAB_RESET: refused while another FW_LOAD or LAB_RESET runs\n");
		return -EBUSY;
	}
	pl_lab.changing = true;
	mutex_unlock(&pl_lab.lock);

	pl_lab_clear();

	mutex_lock(&pl_lab.lock);
	pl_lab.changing = false;
	mutex_unlock(&pl_lab.lock);
	return 0;
}

static void pl_fill_dev_info(struct pl_dev *pdev, struct probelab_dev_info *e)
{
	/* read once: linux-6.1's of_iommu_configure() stores it unordered */
	const struct pl_dev_iommu *di = READ_ONCE(pdev->di);
	struct device_driver *drv;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	e->dev_id = pdev->id;
	e->kind = pdev->kind;
	e->segment = pdev->segment;
	e->bus = pdev->bus;
	e->devfn = pdev->devfn;
	e->nr_aliases = pdev->nr_aliases;
	memcpy(e->aliases, pdev->aliases, sizeof(e->aliases));
	e->state = pdev->state;
	drv = READ_ONCE(pdev->dev.driver);
	e->driver = drv ? to_pl_driver(drv)->id : 0;
	if (pdev->group) {
		e->group_id = pdev->group->id;
		if (pdev->group->domain) {
			e->domain_id = pdev->group->domain->id;
			e->domain_type = pdev->group->domain->type;
		}
	}
	if (di) {
		e->nr_iommus = di->nr_fwspecs;
		for (i = 0; i < di->nr_fwspecs; i++)
			e->iommus[i] = di->fwspecs[i].iommu->ordinal;
		e->nr_ids = di->fwspecs[0].nr_ids;
		for (i = 0; i < min_t(u32, e->nr_ids, ARRAY_SIZE(e->ids)); i++)
			e->ids[i] = di->fwspecs[0].ids[i];
	}
	strscpy(e->name, dev_name(&pdev->dev), sizeof(e->name));
	e->claims = pdev->dev_claims;
}

static void pl_fill_iommu_info(struct pl_iommu *iommu,
			       struct probelab_iommu_info *e)
{
	struct pl_dev *pdev;
	u32 i;

	lockdep_assert_held(&pl_lab.lock);
	e->ordinal = iommu->ordinal;
	e->model = iommu->model;
	e->registered = iommu->registered;
	strscpy(e->name, iommu->name, sizeof(e->name));
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		const struct pl_dev_iommu *di = READ_ONCE(pdev->di);
		bool behind = false;

		for (i = 0; di && i < di->nr_fwspecs; i++)
			behind |= di->fwspecs[i].iommu == iommu;
		if (behind && pdev->state == PROBELAB_DEV_PROBED)
			e->nr_devices++;
		else if (behind && pdev->state == PROBELAB_DEV_WAITING)
			e->nr_waiting++;
	}
}

static void pl_fill_group_info(struct pl_group *group,
			       struct probelab_group_info *e)
{
	lockdep_assert_held(&pl_lab.lock);
	e->group_id = group->id;
	e->iommu = group->iommu->ordinal;
	e->nr_devices = group->nr_devices;
	if (group->default_domain) {
		e->default_domain_id = group->default_domain->id;
		e->default_domain_type = group->default_domain->type;
	}
	if (group->domain) {
		e->domain_id = group->domain->id;
		e->domain_type = group->domain->type;
	}
	e->owner_cnt = group->own.owner_cnt;
	e->owned = !!group->own.owner;
	e->group_claimed = group->own.group_claimed;
}

union pl_query_entry {
	struct probelab_dev_info dev;
	struct probelab_iommu_info iommu;
	struct probelab_group_info group;
};

/* The first version of each entry structure: the smallest accepted size. */
static size_t pl_query_entry_size(u32 what)
{
	switch (what) {
	case PROBELAB_QUERY_DEVICES:
		return sizeof(struct probelab_dev_info);
	case PROBELAB_QUERY_IOMMUS:
		return sizeof(struct probelab_iommu_info);
	case PROBELAB_QUERY_GROUPS:
		return sizeof(struct probelab_group_info);
	}
	return 0;
}

/* Copies one entry out: min(user, kernel) bytes, the user's rest zeroed. */
static int pl_query_put(struct probelab_query *cmd, u32 index,
			const void *entry, size_t ksize)
{
	void __user *dst = u64_to_user_ptr(cmd->entries_uptr) +
			   (size_t)index * cmd->entry_size;
	size_t n = min_t(size_t, ksize, cmd->entry_size);

	if (copy_to_user(dst, entry, n))
		return -EFAULT;
	if (cmd->entry_size > n && clear_user(dst + n, cmd->entry_size - n))
		return -EFAULT;
	return 0;
}

int pl_op_query(struct probelab_ucmd *ucmd)
{
	struct probelab_query *cmd = &ucmd->cmd->query;
	size_t ksize = pl_query_entry_size(cmd->what);
	union pl_query_entry *e;
	struct pl_group *group;
	struct pl_dev *pdev;
	u32 n = 0, i;
	int ret = 0;

	if (!ksize) {
		pr_notice_ratelimited("QUERY: unknown object kind %u\n", cmd->what);
		return -EINVAL;
	}
	if (cmd->__reserved2)
		return -EINVAL;
	if (cmd->nr_entries && (cmd->entry_size < ksize ||
				cmd->entry_size > PAGE_SIZE)) {
		pr_notice_ratelimited("QUERY: entry size %u outside %zu..%lu\n",
				      cmd->entry_size, ksize, PAGE_SIZE);
		return -EINVAL;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;

	/*
	 * Entries are filled under the lab lock and copied out with it held:
	 * copy_to_user may fault, which takes mmap_lock; mmap_lock is never
	 * held when the lab lock is taken (no lab code runs in a fault).
	 */
	mutex_lock(&pl_lab.lock);
	switch (cmd->what) {
	case PROBELAB_QUERY_DEVICES:
		list_for_each_entry(pdev, &pl_lab.devices, node) {
			if (n < cmd->nr_entries) {
				memset(e, 0, sizeof(*e));
				pl_fill_dev_info(pdev, &e->dev);
				ret = pl_query_put(cmd, n, e, ksize);
				if (ret)
					break;
			}
			n++;
		}
		break;
	case PROBELAB_QUERY_IOMMUS:
		for (i = 0; i < pl_lab.nr_iommus; i++) {
			if (n < cmd->nr_entries) {
				memset(e, 0, sizeof(*e));
				pl_fill_iommu_info(&pl_lab.iommus[i], &e->iommu);
				ret = pl_query_put(cmd, n, e, ksize);
				if (ret)
					break;
			}
			n++;
		}
		break;
	case PROBELAB_QUERY_GROUPS:
		list_for_each_entry(group, &pl_lab.groups, node) {
			if (n < cmd->nr_entries) {
				memset(e, 0, sizeof(*e));
				pl_fill_group_info(group, &e->group);
				ret = pl_query_put(cmd, n, e, ksize);
				if (ret)
					break;
			}
			n++;
		}
		break;
	}
	mutex_unlock(&pl_lab.lock);
	kfree(e);
	if (ret)
		return ret;
	cmd->nr_entries = n;
	return probelab_respond(ucmd, sizeof(*cmd));
}

static u64 pl_stat_read(atomic64_t *v, bool reset)
{
	return reset ? atomic64_xchg(v, 0) : atomic64_read(v);
}

int pl_op_stats(struct probelab_ucmd *ucmd)
{
	struct probelab_stats *cmd = &ucmd->cmd->stats;
	bool reset = cmd->flags & PROBELAB_STATS_RESET;
	struct pl_stats *s = &pl_lab.stats;

	cmd->iommu_probes = pl_stat_read(&s->iommu_probes, reset);
	cmd->bind_attempts = pl_stat_read(&s->bind_attempts, reset);
	cmd->deferrals = pl_stat_read(&s->deferrals, reset);
	cmd->retriggers = pl_stat_read(&s->retriggers, reset);
	cmd->releases = pl_stat_read(&s->releases, reset);
	cmd->fwspec_allocs = pl_stat_read(&s->fwspec_allocs, reset);
	cmd->fwspec_frees = pl_stat_read(&s->fwspec_frees, reset);
	cmd->violations = pl_stat_read(&s->violations, reset);
	return probelab_respond(ucmd, sizeof(*cmd));
}

void pl_lab_exit(void)
{
	pl_lab_clear();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: lab devices (endpoints) - DEV_ADD and DEV_REMOVE, removing
 * them all at reset, lookup by id, and DRV_BIND / DRV_UNBIND, which bind
 * and unbind the lab's drivers through the driver core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "probelab.h"
#include "core/fwdesc.h"

struct pl_dev *pl_dev_find_get(u32 id)
{
	struct pl_dev *pdev;

	mutex_lock(&pl_lab.lock);
	list_for_each_entry(pdev, &pl_lab.devices, node) {
		if (pdev->id == id && !pdev->adding && !pdev->removing) {
			get_device(&pdev->dev);
			mutex_unlock(&pl_lab.lock);
			return pdev;
		}
	}
	mutex_unlock(&pl_lab.lock);
	return NULL;
}

static bool pl_dev_same(const struct pl_dev *a, const struct pl_dev *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PROBELAB_DEV_NAMED)
		return !strcmp(a->name, b->name);
	return a->segment == b->segment && a->bus == b->bus &&
	       a->devfn == b->devfn;
}

static int pl_dev_add_check(const struct probelab_dev_add *cmd)
{
	u32 i;

	if (cmd->__reserved2 || cmd->__reserved3 || cmd->dev_id) {
		pr_notice_ratelimited("DEV_ADD: reserved or output field is not zero\n");
		return -EINVAL;
	}
	switch (cmd->kind) {
	case PROBELAB_DEV_PCI:
		if (memchr_inv(cmd->name, 0, sizeof(cmd->name))) {
			pr_notice_ratelimited("DEV_ADD: a PCI device takes no name\n");
			return -EINVAL;
		}
		if (cmd->nr_aliases > PROBELAB_MAX_ALIASES) {
			pr_notice_ratelimited("DEV_ADD: %u aliases, at most %u\n",
					      cmd->nr_aliases, PROBELAB_MAX_ALIASES);
			return -E2BIG;
		}
		for (i = cmd->nr_aliases; i < PROBELAB_MAX_ALIASES; i++)
			if (cmd->aliases[i]) {
				pr_notice_ratelimited("DEV_ADD: alias %u beyond nr_aliases is not zero\n",
						      i);
				return -EINVAL;
			}
		return 0;
	case PROBELAB_DEV_NAMED:
		if (!memchr(cmd->name, 0, sizeof(cmd->name)) ||
		    !pl_fw_name_valid(cmd->name)) {
			pr_notice_ratelimited("DEV_ADD: name must be 1..31 of [A-Za-z0-9._-]\n");
			return -EINVAL;
		}
		/* the device's name is its sysfs directory's */
		if (!strcmp(cmd->name, ".") || !strcmp(cmd->name, "..")) {
			pr_notice_ratelimited("DEV_ADD: '%s' cannot name a device\n",
					      cmd->name);
			return -EINVAL;
		}
		if (cmd->segment || cmd->bus || cmd->devfn || cmd->nr_aliases ||
		    memchr_inv(cmd->aliases, 0, sizeof(cmd->aliases))) {
			pr_notice_ratelimited("DEV_ADD: a named device takes no PCI fields\n");
			return -EINVAL;
		}
		return 0;
	}
	pr_notice_ratelimited("DEV_ADD: unknown device kind %u\n", cmd->kind);
	return -EINVAL;
}

int pl_op_dev_add(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_add *cmd = &ucmd->cmd->dev_add;
	struct pl_dev *pdev, *other;
	int ret;

	ret = pl_dev_add_check(cmd);
	if (ret)
		return ret;
	pdev = pl_dev_alloc();
	if (!pdev)
		return -ENOMEM;
	pdev->kind = cmd->kind;
	pdev->segment = cmd->segment;
	pdev->bus = cmd->bus;
	pdev->devfn = cmd->devfn;
	pdev->nr_aliases = cmd->nr_aliases;
	memcpy(pdev->aliases, cmd->aliases, sizeof(pdev->aliases));
	strscpy(pdev->name, cmd->name, sizeof(pdev->name));
	if (cmd->flags & PROBELAB_DEV_ADD_PLATFORM_OPS) {
		pdev->base_ops = &pl_platform_ops;
		set_dma_ops(&pdev->dev, pdev->base_ops);
	}
	if (pdev->kind == PROBELAB_DEV_PCI)
		ret = dev_set_name(&pdev->dev, "pci-%04x:%02x:%02x.%u",
				   pdev->segment, pdev->bus, pdev->devfn >> 3,
				   pdev->devfn & 7);
	else
		ret = dev_set_name(&pdev->dev, "%s", pdev->name);
	if (ret)
		goto err_put_dev;

	mutex_lock(&pl_lab.lock);
	if (pl_lab.changing) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: refused while FW_LOAD or LAB_RESET runs\n");
		ret = -EBUSY;
		goto err_put_dev;
	}
	if (!pl_lab.fw) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: no description loaded\n");
		ret = -ENODATA;
		goto err_put_dev;
	}
	/* instance devices are lab devices too: "iommu-<instance>" */
	if (pdev->kind == PROBELAB_DEV_NAMED &&
	    pl_iommu_dev_name_taken(pdev->name)) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: %s is the name of an instance's device\n",
				      pdev->name);
		ret = -EEXIST;
		goto err_put_dev;
	}
	list_for_each_entry(other, &pl_lab.devices, node) {
		if (pl_dev_same(pdev, other)) {
			mutex_unlock(&pl_lab.lock);
			pr_notice_ratelimited("DEV_ADD: %s exists\n",
					      dev_name(&pdev->dev));
			ret = -EEXIST;
			goto err_put_dev;
		}
	}
	ret = pl_limit_check(PL_LIMIT_DEVICES, pl_lab.nr_devices, 1, "DEV_ADD");
	if (ret) {
		mutex_unlock(&pl_lab.lock);
		goto err_put_dev;
	}
	/* a bare lab has no layer to model platform dma_ops against */
	if (pl_lab.bare && pdev->base_ops) {
		mutex_unlock(&pl_lab.lock);
		pr_notice_ratelimited("DEV_ADD: PLATFORM_OPS in a bare lab (FW_LOAD_BARE)\n");
		ret = -EINVAL;
		goto err_put_dev;
	}
	/* set once, before the device is visible; the layer never changes it */
	if (pl_lab.bare)
		pdev->state = PROBELAB_DEV_BARE;
	pdev->id = pl_lab.next_dev_id++;
	pdev->adding = true;
	list_add_tail(&pdev->node, &pl_lab.devices);
	pl_lab.nr_devices++;
	mutex_unlock(&pl_lab.lock);

	/*
	 * On the list, the device is on "the bus" for the registration
	 * walks (device_add() puts it on the bus's klist before it calls
	 * the BUS_NOTIFY_ADD_DEVICE notifier, which runs the IOMMU probe),
	 * but not findable by id until device_add() returned (LIFECYCLE in
	 * probelab.h).
	 */
	pl_inject(PL_INJ_DEV_VISIBLE, pdev);
	ret = device_add(&pdev->dev);
	if (ret)
		goto err_unlist;
	/*
	 * Last use of @pdev: once findable, a DEV_REMOVE may drop the
	 * reference this function holds.
	 */
	pl_ev_dev(PROBELAB_EV_DEV_ADD, pdev, 0, NULL);
	cmd->dev_id = pdev->id;
	mutex_lock(&pl_lab.lock);
	pdev->adding = false;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	return probelab_respond(ucmd, sizeof(*cmd));

err_unlist:
	mutex_lock(&pl_lab.lock);
	/*
	 * A registration walk may have probed the device while it was on
	 * the list (the kernels' policies take devices whose add notifier
	 * has not run): nothing else would release it now.
	 */
	if (pdev->state && pdev->state != PROBELAB_DEV_BARE)
		pl_release_device(pdev);
	list_del_init(&pdev->node);
	pl_lab.nr_devices--;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
err_put_dev:
	put_device(&pdev->dev);
	return ret;
}

/* Removes @pdev (a reference held by the caller is dropped). */
static void pl_dev_remove(struct pl_dev *pdev)
{
	pl_ev_dev(PROBELAB_EV_DEV_REMOVE, pdev, 0, NULL);
	/* Unbinds the driver; the notifier releases the IOMMU state. */
	device_del(&pdev->dev);
	mutex_lock(&pl_lab.lock);
	list_del_init(&pdev->node);
	pl_lab.nr_devices--;
	pl_lab_settled();
	mutex_unlock(&pl_lab.lock);
	put_device(&pdev->dev);	/* the caller's reference */
	put_device(&pdev->dev);	/* the lab's, from device_initialize() */
}

static int pl_dev_claim_removal(struct pl_dev *pdev)
{
	int ret = 0;

	mutex_lock(&pl_lab.lock);
	if (pdev->removing)
		ret = -ENOENT;
	pdev->removing = true;
	mutex_unlock(&pl_lab.lock);
	return ret;
}

int pl_op_dev_remove(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_ref *cmd = &ucmd->cmd->dev_ref;
	struct pl_dev *pdev;

	if (cmd->__reserved2)
		return -EINVAL;
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;
	if (pl_dev_claim_removal(pdev)) {
		put_device(&pdev->dev);
		return -ENOENT;
	}
	pl_dev_remove(pdev);
	return 0;
}

/*
 * Removes every lab device (reset, module exit), after waiting for the
 * devices still being added or removed by someone else.  No lock held.
 */
void pl_devices_remove_all(void)
{
	struct pl_dev *pdev, *found;
	u32 seq;

	for (;;) {
		found = NULL;
		mutex_lock(&pl_lab.lock);
		list_for_each_entry(pdev, &pl_lab.devices, node) {
			if (!pdev->adding && !pdev->removing) {
				found = pdev;
				break;
			}
		}
		if (found) {
			found->removing = true;
			get_device(&found->dev);
		}
		seq = pl_lab.settle_seq;
		pdev = list_first_entry_or_null(&pl_lab.devices, struct pl_dev,
						node);
		mutex_unlock(&pl_lab.lock);
		if (found)
			pl_dev_remove(found);
		else if (pdev)
			pl_lab_wait_settled(seq);
		else
			return;
	}
}

/*
 * Binds @pdev to @driver through the driver core: really_probe() runs
 * bus->dma_configure (where a policy defers a device), then the driver's
 * probe.  Returns 0 when bound, -EAGAIN when deferred (*@deferred set:
 * the probe deferred, rather than a driver's probe returning -EAGAIN), or
 * the error.  No lock held: device_attach() takes the device lock.
 *
 * "fixed": device_driver_attach(); the layer retriggers the devices an
 * instance readied.  Kernel policies: device_attach() (bus->match selects
 * the requested driver), so that driver_probe_device() puts a deferred
 * device on the driver core's deferred list for its global retries.
 */
int pl_bind(struct pl_dev *pdev, u32 driver, bool *deferred)
{
	struct device_driver *drv = pl_endpoint_driver(driver);
	bool unmatched = false;
	int ret, err;

	if (!drv)
		return -EINVAL;

	device_lock(&pdev->dev);
	pdev->bind_err = 0;
	device_unlock(&pdev->dev);
	if (pl_policy()->deferred_list) {
		ret = device_attach(&pdev->dev);
		/* 1: bound; 0: bus->match refused, or the probe failed */
		unmatched = !ret;
		if (ret == 1 || !ret)
			ret = ret ? 0 : -ENODEV;
	} else {
		ret = device_driver_attach(drv, &pdev->dev);
	}
	/*
	 * What the last probe attempt left: this bind's, or a concurrent
	 * deferred-probe retry's that ran after it - either is the device's
	 * state now.
	 */
	device_lock(&pdev->dev);
	err = pdev->bind_err;
	device_unlock(&pdev->dev);
	*deferred = ret && err == -EPROBE_DEFER;
	/* -EPROBE_DEFER is kernel-internal: never returned to userspace */
	if (ret == -EPROBE_DEFER || *deferred)
		return -EAGAIN;
	if (unmatched && err)
		return err;
	return ret;
}

int pl_op_drv_bind(struct probelab_ucmd *ucmd)
{
	struct probelab_drv_bind *cmd = &ucmd->cmd->drv_bind;
	bool prev_pending, deferred;
	struct pl_dev *pdev;
	u32 prev_driver;
	int ret;

	if (cmd->__reserved2 || cmd->result)
		return -EINVAL;
	if (!pl_driver_name(cmd->driver)) {
		pr_notice_ratelimited("DRV_BIND: unknown driver %u\n", cmd->driver);
		return -EINVAL;
	}
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;

	mutex_lock(&pl_lab.lock);
	if (pdev->bound) {
		mutex_unlock(&pl_lab.lock);
		put_device(&pdev->dev);
		return -EBUSY;
	}
	prev_driver = pdev->want_driver;
	prev_pending = pdev->bind_pending;
	WRITE_ONCE(pdev->want_driver, cmd->driver);
	pdev->bind_pending = false;
	mutex_unlock(&pl_lab.lock);

	ret = pl_bind(pdev, cmd->driver, &deferred);
	if (ret && ret != -EAGAIN) {
		/*
		 * Refused or failed, not deferred: this DRV_BIND leaves no
		 * wish behind (a later registration must not bind it), and
		 * what was wished before stays - unless a DRV_UNBIND or
		 * another DRV_BIND changed it meanwhile.
		 */
		mutex_lock(&pl_lab.lock);
		if (pdev->want_driver == cmd->driver && !pdev->bound) {
			WRITE_ONCE(pdev->want_driver, prev_driver);
			pdev->bind_pending = prev_pending;
		}
		mutex_unlock(&pl_lab.lock);
	}
	if (ret == -EAGAIN && deferred) {
		/* deferred: dma_configure recorded the pending bind */
		cmd->result = PROBELAB_BIND_DEFERRED;
		ret = 0;
	} else if (!ret) {
		cmd->result = PROBELAB_BIND_BOUND;
	}
	put_device(&pdev->dev);
	if (ret)
		return ret;
	return probelab_respond(ucmd, sizeof(*cmd));
}

int pl_op_drv_unbind(struct probelab_ucmd *ucmd)
{
	struct probelab_dev_ref *cmd = &ucmd->cmd->dev_ref;
	struct pl_dev *pdev;
	bool bound;

	if (cmd->__reserved2)
		return -EINVAL;
	pdev = pl_dev_find_get(cmd->dev_id);
	if (!pdev)
		return -ENOENT;
	mutex_lock(&pl_lab.lock);
	WRITE_ONCE(pdev->want_driver, 0);
	pdev->bind_pending = false;
	mutex_unlock(&pl_lab.lock);

	device_lock(&pdev->dev);
	bound = pdev->dev.driver;
	device_unlock(&pdev->dev);
	if (bound)
		device_release_driver(&pdev->dev);
	put_device(&pdev->dev);
	return bound ? 0 : -ENODEV;
}

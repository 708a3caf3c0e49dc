// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: policy "linux-6.1" - the probe ordering of Linux 6.1 as
 * released (v6.1, before the stable backports of "iommu: Avoid more races
 * around device probe", which Debian's 6.1.1xx kernels carry).  Each step
 * names the kernel function it mirrors; the difference from probe.c is
 * where the fwspec is built, who frees it and under which lock.
 *
 * SMMUv3, firmware-described (DT "iommus" / "iommu-map", IORT):
 *  device add	iommu_bus_notifier() -> iommu_probe_device() ->
 *		__iommu_probe_device(): no fwspec yet, the SMMU's
 *		probe_device() answers -ENODEV: nothing happens.
 *  register	arm_smmu_device_probe() -> iommu_device_register(),
 *		bus_set_iommu() -> bus_iommu_probe(): arm_smmu_probe_device()
 *		refuses devices whose fwspec has no ops, i.e. every device
 *		that deferred: nothing is probed.  The instance's driver bind
 *		ends in driver_bound() -> driver_deferred_probe_trigger():
 *		every deferred device of the system is retried.
 *  driver bind	really_probe() -> bus->dma_configure() ->
 *		of_dma_configure_id() -> of_iommu_configure(), with no lock
 *		around dev->iommu:
 *		 - a fwspec with ops (built when the instance was there): used;
 *		 - a fwspec without ops (left by an earlier deferral):
 *		   iommu_fwspec_free(), "start again from scratch";
 *		 - of_iommu_xlate() -> iommu_fwspec_init() allocates; an
 *		   instance not registered -> driver_deferred_probe_check_state()
 *		   -> -EPROBE_DEFER, the "otherwise-empty fwspec" stays;
 *		 - else the replay: iommu_probe_device() if the device is not
 *		   in a group yet;
 *		then arch_setup_dma_ops() installs the IOMMU dma_ops over
 *		whatever was there (nothing is saved), and
 *		iommu_device_use_default_domain().
 *  unbind, and	device_unbind_cleanup() -> arch_teardown_dma_ops(): arm64
 *  every failed	sets dev->dma_ops = NULL - not what was there before
 *  or deferred	configure; bus->dma_cleanup() ->
 *  probe	iommu_device_unuse_default_domain().
 *
 * VT-d (DMAR; intel_iommu_init() set the PCI bus's iommu_ops):
 *  device add	iommu_probe_device() with the bus ops: probed at once when
 *		the DRHD is registered; intel_iommu_probe_finalize() ->
 *		iommu_setup_dma_ops() installs the dma_ops.
 *  register	bus_set_iommu() -> bus_iommu_probe(): every device not yet
 *		probed.
 *  driver bind	pci_dma_configure() -> acpi_dma_configure(): no IORT on
 *		x86, nothing to parse, never defers: a device whose DRHD is
 *		not registered binds with no IOMMU at all.
 *  unbind	x86 arch_teardown_dma_ops() does nothing.
 *
 * The driver core's global deferred list does the retrying: DRV_BIND goes
 * through device_attach() (driver_probe_device() adds a deferred device to
 * the list).  The lab lock is taken only for the group step (6.1's
 * group->mutex), the lab's lists, its record of the dma_ops and each
 * single store of the fwspec pointer, never across the fwspec's steps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/slab.h>

#include "probelab.h"
#include "core/idmap.h"

/* The model of the first instance in front of the device, or -ENODEV. */
static int pl_l61_model(struct pl_dev *pdev)
{
	struct pl_fw_ref *refs;
	unsigned int n;
	int model;

	refs = pl_xlate(pdev, &n);
	if (IS_ERR(refs))
		return PTR_ERR(refs);
	model = pl_lab.iommus[refs[0].iommu].model;
	kfree(refs);
	return model;
}

/*
 * VT-d: iommu_probe_device() through the bus ops.  6.1 serialises only
 * __iommu_probe_device()'s first half: whether the device already has a
 * group is decided before the IOMMU driver's probe_device() and the group
 * add, with no lock held across them - two callers (the bus notifier and
 * bus_iommu_probe() at registration) can both pass the check.
 */
static void pl_l61_vtd_probe(struct pl_dev *pdev)
{
	int ret;

	mutex_lock(&pl_lab.lock);
	if (pdev->state == PROBELAB_DEV_PROBED || pdev->removing)
		goto out_unlock;		/* iommu_group_get(dev) */
	if (!pdev->di) {
		ret = pl_build_fwspecs(pdev, &pdev->di);
		if (ret) {
			pl_set_state(pdev, PROBELAB_DEV_FAILED, ret);
			goto out_unlock;
		}
	}
	if (!pl_fwspecs_ready(pdev->di)) {
		pl_set_state(pdev, PROBELAB_DEV_WAITING, 0);
		goto out_unlock;
	}
	mutex_unlock(&pl_lab.lock);

	pl_inject(PL_INJ_PROBE_UNLOCKED, pdev);	/* ops->probe_device() */

	mutex_lock(&pl_lab.lock);
	if (pdev->removing || pl_iommu_probe_late_default(pdev))
		goto out_unlock;
	mutex_unlock(&pl_lab.lock);

	/* iommu_probe_device(): the probe lock is dropped here */
	pl_inject(PL_INJ_DEFAULT_DOMAIN, pdev);

	mutex_lock(&pl_lab.lock);
	/* group->mutex: iommu_alloc_default_domain(), then finalize */
	if (pdev->group && !pl_group_setup_default(pdev->group)) {
		/* intel_iommu_probe_finalize() -> iommu_setup_dma_ops() */
		pdev->saved_ops = get_dma_ops(&pdev->dev);
		pl_dma_ops_install(pdev);
	}
out_unlock:
	mutex_unlock(&pl_lab.lock);
}

static void pl_l61_device_added(struct pl_dev *pdev)
{
	int model = pl_l61_model(pdev);

	if (model == PROBELAB_FW_IOMMU_VTD) {
		pl_l61_vtd_probe(pdev);
		return;
	}
	mutex_lock(&pl_lab.lock);
	if (model == -ENODEV)
		pl_set_state(pdev, PROBELAB_DEV_NO_IOMMU, 0);
	else if (model < 0)
		pl_set_state(pdev, PROBELAB_DEV_FAILED, model);
	else	/* SMMUv3: __iommu_probe_device() finds no fwspec: -ENODEV */
		pl_set_state(pdev, PROBELAB_DEV_WAITING, 0);
	mutex_unlock(&pl_lab.lock);
}

static void pl_l61_iommu_registered(struct pl_iommu *iommu)
{
	struct pl_dev_batch batch;
	struct pl_dev *pdev;
	u32 i;

	/* arm_smmu_probe_device() refuses fwspecs without ops: nothing */
	if (iommu->model != PROBELAB_FW_IOMMU_VTD)
		return;
	/*
	 * bus_iommu_probe(): walks the bus, probing each device unlocked -
	 * every device without a group, including one device_add() has put
	 * on the bus whose BUS_NOTIFY_ADD_DEVICE has not run yet (state 0).
	 */
	mutex_lock(&pl_lab.lock);
	if (pl_batch_alloc(&batch)) {
		mutex_unlock(&pl_lab.lock);
		return;
	}
	list_for_each_entry(pdev, &pl_lab.devices, node)
		if (!pdev->removing &&
		    (pdev->state == PROBELAB_DEV_WAITING || !pdev->state))
			pl_batch_add(&batch, pdev);
	mutex_unlock(&pl_lab.lock);
	for (i = 0; i < batch.n; i++)
		if (pl_l61_model(batch.devs[i]) == PROBELAB_FW_IOMMU_VTD)
			pl_l61_vtd_probe(batch.devs[i]);
	pl_batch_put(&batch);
}

static bool pl_l61_match_ready(struct pl_dev *pdev)
{
	lockdep_assert_held(&pl_lab.lock);
	return true;
}

/*
 * arch_teardown_dma_ops() on arm64: dev->dma_ops = NULL, whatever the
 * device had before dma_configure - its platform's ops are lost.  Under
 * the device lock, as the driver core runs it, and the lab lock, which
 * guards the lab's own record of the ops (@ops_installed, @dma_domain).
 */
static void pl_l61_teardown_dma_ops(struct pl_dev *pdev)
{
	device_lock_assert(&pdev->dev);
	lockdep_assert_held(&pl_lab.lock);
	if (pdev->base_ops && get_dma_ops(&pdev->dev) == pdev->base_ops)
		pl_violation(7, pdev, "arch_teardown_dma_ops() dropped the platform's dma_ops");
	if (get_dma_ops(&pdev->dev))
		set_dma_ops(&pdev->dev, NULL);
	pdev->ops_installed = false;
	WRITE_ONCE(pdev->dma_domain, NULL);
}

/*
 * dev_iommu_fwspec_set() of v6.1: a plain store to dev->iommu->fwspec.
 * @seen is what the caller read there before; a fwspec another path
 * published meanwhile is overwritten, and the kernel leaks it: reported
 * (invariant 1), and kept by the lab so that nothing really leaks.  The
 * store is made under the lab lock, so that the lab's own walks (groups,
 * check, queries) see one value for as long as they hold it; the race
 * modelled is between of_iommu_configure()'s steps, which hold nothing.
 */
static void pl_l61_fwspec_set(struct pl_dev *pdev, struct pl_dev_iommu *seen,
			      struct pl_dev_iommu *di)
{
	struct pl_dev_iommu *old;

	mutex_lock(&pl_lab.lock);
	old = pdev->di;
	WRITE_ONCE(pdev->di, di);
	if (old && old != seen) {
		pl_violation(1, pdev, "dev_iommu_fwspec_set() leaks the fwspec of gen %u",
			     old->gen);
		pl_quarantine_leaked_dev_iommu(old);
	}
	mutex_unlock(&pl_lab.lock);
}

/* of_iommu_configure() of v6.1: no lock around dev->iommu */
static int pl_l61_of_iommu_configure(struct pl_dev *pdev)
{
	struct pl_dev_iommu *di = READ_ONCE(pdev->di);
	int ret;

	if (di) {
		if (READ_ONCE(di->state) != PL_OBJ_LIVE) {
			pl_violation(1, pdev, "of_iommu_configure() uses a freed fwspec (gen %u)",
				     di->gen);
			return -EFAULT;
		}
		if (pl_fwspecs_ready(di))
			return 0;
		/* in the deferred case, start again from scratch */
		pl_l61_fwspec_set(pdev, di, NULL);
		pl_inject(PL_INJ_FWSPEC_FREE, pdev);
		mutex_lock(&pl_lab.lock);
		pl_quarantine_dev_iommu(di);
		mutex_unlock(&pl_lab.lock);
	}
	/* of_iommu_xlate() -> iommu_fwspec_init() */
	ret = pl_build_fwspecs(pdev, &di);
	if (ret)
		return ret;
	pl_l61_fwspec_set(pdev, NULL, di);
	pl_inject(PL_INJ_FWSPEC_USE, pdev);
	/*
	 * of_iommu_configure() goes on with the fwspec it published: another
	 * caller may have found it "without ops" meanwhile and freed it.
	 */
	if (READ_ONCE(di->state) == PL_OBJ_FREED) {
		pl_violation(1, pdev, "of_iommu_configure(): fwspec freed by another (gen %u)",
			     di->gen);
		return -EFAULT;
	}
	/* the otherwise-empty fwspec stays: it names what we wait for */
	return pl_fwspecs_ready(di) ? 0 : -EPROBE_DEFER;
}

static int pl_l61_dma_configure(struct pl_dev *pdev)
{
	int model = pl_l61_model(pdev);
	int ret;

	if (model == -ENODEV)
		return 0;	/* no IOMMU: dma-direct */
	if (model == PROBELAB_FW_IOMMU_VTD) {
		/* acpi_dma_configure(): nothing to do on x86 */
		mutex_lock(&pl_lab.lock);
		ret = pl_owner_get(pdev);
		if (!ret && pdev->dma_owner && !pdev->group->default_domain)
			pl_violation(3, pdev, "DMA-API bind before the group's default domain");
		mutex_unlock(&pl_lab.lock);
		return ret;
	}

	ret = pl_l61_of_iommu_configure(pdev);
	if (ret == -EPROBE_DEFER) {
		mutex_lock(&pl_lab.lock);
		pl_l61_teardown_dma_ops(pdev);	/* device_unbind_cleanup() */
		pl_defer(pdev);
		mutex_unlock(&pl_lab.lock);
		return ret;
	}
	if (ret) {
		/* "Ignore all other errors apart from EPROBE_DEFER" */
		dev_dbg(&pdev->dev, "Adding to IOMMU failed: %d\n", ret);
		return 0;
	}

	mutex_lock(&pl_lab.lock);
	/* the replay: the IOMMU driver missed the initial probe */
	if (pdev->state != PROBELAB_DEV_PROBED && pl_iommu_probe(pdev)) {
		mutex_unlock(&pl_lab.lock);
		return 0;
	}
	pdev->bind_pending = false;
	/* iommu_device_use_default_domain() */
	ret = pl_owner_get(pdev);
	/* arch_setup_dma_ops(): overwrites, saves nothing */
	if (!ret)
		pl_dma_ops_install(pdev);
	mutex_unlock(&pl_lab.lock);
	return ret;
}

/* of_dma_configure() called by a driver itself: the fwspec step alone */
static int pl_l61_of_configure(struct pl_dev *pdev)
{
	if (READ_ONCE(pdev->removing) ||
	    pl_l61_model(pdev) != PROBELAB_FW_IOMMU_SMMUV3)
		return 0;
	return pl_l61_of_iommu_configure(pdev);
}

static void pl_l61_dma_cleanup(struct pl_dev *pdev)
{
	int model = pl_l61_model(pdev);

	mutex_lock(&pl_lab.lock);
	pl_owner_put(pdev);
	if (model == PROBELAB_FW_IOMMU_SMMUV3)
		pl_l61_teardown_dma_ops(pdev);
	mutex_unlock(&pl_lab.lock);
}

const struct pl_policy pl_policy_linux61 = {
	.name = "linux-6.1",
	.device_added = pl_l61_device_added,
	.iommu_registered = pl_l61_iommu_registered,
	.match_ready = pl_l61_match_ready,
	.dma_configure = pl_l61_dma_configure,
	.dma_cleanup = pl_l61_dma_cleanup,
	.of_configure = pl_l61_of_configure,
	.deferred_list = true,
	.ready_flag = false,
	.one_fwspec = true,
	.hotadd_no_attach = true,
	.claim_no_default = true,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * libprobelab: the catalogue of known bugs (known_bugs.h) - the eleven
 * kernel bugs the race scenarios reproduce and the lab's own gaps of
 * docs/races.md - with the signature the classifier (bug_classify.c)
 * matches violations against.  Histories and commit subjects come from
 * docs/races.md and the scenarios' `mirrors`; where neither gives the fix
 * it says "not yet identified" rather than guess.
 */
#include <string.h>

#include "known_bugs.h"

#define L61	KB_POLICY(PROBELAB_POLICY_LINUX_6_1)
#define MAIN	KB_POLICY(PROBELAB_POLICY_MAINLINE)

/* the checker's inv-6 text for an absent VT-d context entry */
#define VTD_ABSENT	"context 0x0/0x0,"

static const struct known_bug known_bugs[] = {
	{
		.id = "fwspec-freed-in-deferred-case",
		.kind = "kernel",
		.title = "of_iommu_configure() frees the \"otherwise-empty\" fwspec of a deferred bind while another path (a driver's own of_dma_configure(), the IOMMU probe) uses it",
		.affected = "Linux 6.1 until the 6.1.y backport, 6.2-6.6 (Asahi DART crash and Qualcomm report, Nov 2023)",
		.fixed_by = "iommu: Avoid more races around device probe",
		.fixed_in = "6.7 (backported to 6.1.y and 6.6.y)",
		.policies = L61,
		.step = "a DRV_BIND that defers while the RACE op's dma_configure runs without the device lock: the fwspec one path published is freed by the other (inv 1); a bind then finds no IOMMU probe (inv 3, a consequence)",
		.nr_patterns = 8,
		.patterns = {
			{ 1, "fwspec freed by another" },
			{ 1, "uses a freed fwspec" },
			{ 1, "leaks the fwspec" },
			{ 1, "dev_iommu freed twice" },
			{ 1, "overwritten after it was freed" },
			{ 1, "used after iommu_fwspec_free()" },
			{ 1, "freed dev_iommu" },
			{ 3, "device not IOMMU-probed", .consequence = true },
		},
	},
	{
		.id = "parallel-registration-double-probe",
		.kind = "kernel",
		.title = "two IOMMU registrations' bus walks (bus_iommu_probe()) both pass the group check and probe one device twice",
		.affected = "Linux up to 6.1 (reported by Brian Norris with asynchronous probing)",
		.fixed_by = "iommu: Avoid races around device probe",
		.fixed_in = "6.2 (iommu_probe_device_lock)",
		.policies = L61,
		.step = "IOMMU_REGISTER of two instances while devices are added: a second IOMMU_PROBE of a probed device (inv 2); its entries then disagree (inv 6, a consequence). Same signature as add-notifier-vs-registration-walk",
		.nr_patterns = 3,
		.patterns = {
			{ 2, "IOMMU probe of a device already probed" },
			{ 2, "IOMMU-probed", "times without release" },
			{ 6, " source 0x", "context", .consequence = true },
		},
	},
	{
		.id = "probe-before-instance-ready",
		.kind = "kernel",
		.title = "a deferred client re-probed between iommu_device_register() and the end of the IOMMU driver's setup gets its STE wiped",
		.affected = "Linux up to 6.15",
		.fixed_by = NULL,
		.fixed_in = "6.16 (iommu->ready); the commit subject is not yet identified",
		.policies = L61,
		.step = "IOMMU_REGISTER smmu0 with the tables not yet reset while binds elsewhere retrigger the deferred dev0: its STE aborts while its group translates (inv 6, \"STE abort\")",
		.nr_patterns = 1,
		.patterns = {
			{ 6, "STE abort", "domain wants translate" },
		},
	},
	{
		.id = "hotadd-into-owned-group",
		.kind = "kernel",
		.title = "iommu_probe_device() attaches a device joining a group to the default domain only, and to nothing when the group is owned: its entries block while the group translates",
		.affected = "Debian's Linux 6.1",
		.fixed_by = NULL,
		.fixed_in = "later kernels attach a newcomer to the group's current domain; the commit is not yet identified",
		.policies = L61,
		.step = "DEV_ADD of a function aliasing a claimed group on an UNMANAGED domain: the newcomer's VT-d context entry is absent (inv 6, \"context 0x0/0x0\", DEV_ADD in the device's trace)",
		.nr_patterns = 2,
		.patterns = {
			{ 6, " source 0x", VTD_ABSENT,
			  .dev_event = PROBELAB_EV_DEV_ADD },
			/* a member whose requester ID the newcomer aliases */
			{ 6, " source 0x", VTD_ABSENT, .consequence = true },
		},
	},
	{
		.id = "fwspec-one-instance",
		.kind = "kernel",
		.title = "the fwspec names one IOMMU instance: a device behind two is probed when the first is ready and stays probed when the second goes",
		.affected = "every kernel so far (Exynos report, 2026)",
		.fixed_by = NULL,
		.fixed_in = "open upstream",
		.policies = L61 | MAIN,
		.step = "IOMMU_REGISTER / IOMMU_UNREGISTER of two instances in either order: the device is probed while one of its instances is not registered (inv 9); under linux-6.1 a run that goes on sees what that device then breaks (inv 3, 6, 7, 4, 1: consequences)",
		.nr_patterns = 7,
		.patterns = {
			{ 9, "probed while instance", "is not registered" },
			/* what a device probed with an instance missing goes on to break */
			{ 3, "DMA-API driver bound", .consequence = true },
			{ 6, "STE abort", .consequence = true },
			{ 7, "live DMA-API mappings", .consequence = true },
			{ 7, "which the lab dma_ops did not map", .consequence = true },
			{ 4, "owner_cnt", .consequence = true },
			{ 1, "dev_iommu", .consequence = true },
		},
	},
	{
		.id = "debugfs-walk-freed-table",
		.kind = "kernel",
		.title = "the VT-d debugfs page-table dump walks table levels that a concurrent unmap frees (\"could be solved by RCU-freeing\")",
		.affected = "every kernel so far",
		.fixed_by = NULL,
		.fixed_in = "open upstream",
		.policies = L61 | MAIN,
		.step = "UNMAP freeing a last-level table while a reader walks domains/<id>/pgtable: the walk reaches a freed level (inv 8)",
		.nr_patterns = 2,
		.patterns = {
			{ 8, "freed", "table reached" },
			{ 8, "corrupt", "descriptor", .consequence = true },
		},
	},
	{
		.id = "default-domain-window",
		.kind = "kernel",
		.title = "a client binds in the gap between its group's creation and the group's default domain",
		.affected = "Debian's Linux 6.1, Linux 6.6 (Qualcomm report)",
		.fixed_by = NULL,
		.fixed_in = "not yet identified (mainline sets the default domain up inside the probe)",
		.policies = L61,
		.step = "IOMMU_REGISTER's walk probes a device while a binder binds it as soon as it is probed: a DMA-API driver bound before the default domain (inv 3); the late dma_ops then replace the bound driver's, whose unmaps go through them (inv 7, consequences)",
		.nr_patterns = 5,
		.patterns = {
			{ 3, "before the group's default domain" },
			{ 3, "before the group has a default domain" },
			{ 3, "bound with no default domain" },
			{ 7, "dma_ops replaced under a bound driver",
			  .consequence = true },
			/* the bound driver's unmaps through the replaced ops */
			{ 7, "which the lab dma_ops did not map",
			  .consequence = true },
		},
	},
	{
		.id = "dma-configure-replay-vs-bind",
		.kind = "kernel",
		.title = "__iommu_probe_device() replays the bus's dma_configure() without the device lock; it converts dev->driver before testing it and a bind completing in between makes it read through a pointer derived from NULL",
		.affected = "mainline with the replay from the IOMMU probe, before the bus fixes (Android reports)",
		.fixed_by = "platform: Fix race condition during DMA configure at IOMMU probe time",
		.fixed_in = "platform bus (commit 95deee37a123), then fsl-mc; the amba fix was posted in August 2026; the versions are not yet identified",
		.policies = MAIN,
		.step = "IOMMU_REGISTER's walk replays dma_configure for a device no IOMMU fronts while a DRV_BIND completes: dev->driver NULL when converted, set when tested (inv 4); owner_cnt then counts the driver twice (inv 4, a consequence)",
		.nr_patterns = 3,
		.patterns = {
			{ 4, "dma_configure replayed by the IOMMU probe" },
			{ 4, "owner_cnt", .consequence = true },
			{ 4, "DMA-API owner with no driver", .consequence = true },
		},
	},
	{
		.id = "deferral-teardown-dma-ops",
		.kind = "kernel",
		.title = "arch_setup_dma_ops()/arch_teardown_dma_ops() asymmetric across -EPROBE_DEFER: a deferred probe's teardown drops ops it did not install (a platform's, a driver's own)",
		.affected = "arm64 kernels of 2017 (swiotlb-xen, ipmmu-vmsa, mtk-iommu-v1, exynos DRM, omap3isp); modelled by linux-6.1's teardown",
		.fixed_by = NULL,
		.fixed_in = "not yet identified",
		.policies = L61,
		.step = "DRV_BIND that defers while the instance is not registered: the platform's dma_ops are gone after the deferral (inv 7)",
		.nr_patterns = 4,
		.patterns = {
			{ 7, "arch_teardown_dma_ops() dropped the platform's dma_ops" },
			{ 7, "the driver's own dma_ops were replaced" },
			{ 7, "driver left its own dma_ops installed" },
			{ 7, "unbound with dma_ops", .consequence = true },
		},
	},
	{
		.id = "page-pool-unmap-after-unbind",
		.kind = "kernel",
		.title = "page_pool pages come back after their driver unbound and are unmapped through DMA state that no longer belongs to them",
		.affected = "kernels before 6.15 (the 2024 crashes in iommu_dma_unmap_page())",
		.fixed_by = "page_pool: Track DMA-mapped pages and unmap them when destroying the pool",
		.fixed_in = "6.15",
		.policies = L61,
		.step = "DRV_UNBIND of probelab-pool with pages in flight (pool.release): mappings outlive every binding, and a late unmap goes through other dma_ops (inv 7)",
		.nr_patterns = 4,
		.patterns = {
			{ 7, "DMA-API mappings outlive every binding" },
			{ 7, "after its driver left, through" },
			{ 7, "live DMA-API mappings", .consequence = true },
			{ 7, "which the lab dma_ops did not map", .consequence = true },
		},
	},
	{
		.id = "add-notifier-vs-registration-walk",
		.kind = "kernel",
		.title = "device_add() makes a device visible to bus_for_each_dev() before BUS_NOTIFY_ADD_DEVICE: a registration's walk and the add notifier both probe it",
		.affected = "the ordering is still so upstream; Linux 6.1's unserialised __iommu_probe_device() lets both probes run",
		.fixed_by = NULL,
		.fixed_in = "open upstream (the order); mainline's iommu_probe_device_lock and group check make the second probe a no-op",
		.policies = L61,
		.step = "IOMMU_REGISTER while DEV_ADDs are between the bus list and their notifier: a second IOMMU_PROBE of a probed device (inv 2). Same signature as parallel-registration-double-probe",
		.nr_patterns = 3,
		.patterns = {
			{ 2, "IOMMU probe of a device already probed" },
			{ 2, "IOMMU-probed", "times without release" },
			{ 6, " source 0x", "context", .consequence = true },
		},
	},
	/* ---- the lab's own gaps (docs/races.md) ---- */
	{
		.id = "lab-release-blocks-alias",
		.kind = "lab",
		.title = "releasing a device blocks every ID it had, including a requester ID a member that stays still uses (a DMA alias)",
		.affected = "probelab's module (pl_group_remove_device() -> pl_hw_detach()), every policy",
		.fixed_by = NULL,
		.fixed_in = "open (docs/races.md, kernel gap 1); hotadd-claimed-group works around it",
		.policies = KB_ALL_POLICIES,
		.step = "DEV_REMOVE of a device sharing a requester ID with a member that stays: the member's VT-d entry goes absent while its group is on a paging domain (inv 6, \"context 0x0/0x0\", no DEV_ADD in the member's trace)",
		.nr_patterns = 1,
		.patterns = {
			{ 6, " source 0x", VTD_ABSENT,
			  .no_dev_event = PROBELAB_EV_DEV_ADD },
		},
	},
	{
		.id = "lab-host-teardown-dma-ops",
		.kind = "lab",
		.title = "arm64 hosts' arch_teardown_dma_ops() undid dma_ops that follow the IOMMU probe, after every unbind and failed or deferred bind",
		.affected = "probelab before commit da62853, on arm64 guests",
		.fixed_by = "Race engine: the five remaining scenarios; host teardown undone; retrigger vs unbind crash fixed",
		.fixed_in = "probelab commit da62853",
		.policies = KB_ALL_POLICIES,
		.step = "DRV_UNBIND on an arm64 guest: the device is left with dma-direct where the lab ops belong (inv 7, \"unbound with dma_ops direct\")",
		.nr_patterns = 1,
		.patterns = {
			{ 7, "unbound with dma_ops direct", .dev_event = PROBELAB_EV_UNBIND },
		},
	},
	{
		.id = "lab-bind-err-per-device",
		.kind = "lab",
		.title = "bind_err is per device, DRV_BIND is not: two binds of one device at once can answer EAGAIN (or ENODEV beside an unbind) instead of \"deferred\"",
		.affected = "probelab's module, every policy",
		.fixed_by = NULL,
		.fixed_in = "open (docs/races.md, kernel gap 3)",
		.policies = KB_ALL_POLICIES,
		.step = "no violation: a DRV_BIND answers EAGAIN or ENODEV; fwspec-free-vs-xlate takes both as deferred",
	},
	{
		.id = "lab-attach-event-skipped",
		.kind = "lab",
		.title = "linux-6.1 sends DOMAIN_ATTACH with the group's domain even when hotadd_no_attach left the newcomer unattached",
		.affected = "probelab's module, linux-6.1",
		.fixed_by = NULL,
		.fixed_in = "open (docs/races.md, kernel gap 4)",
		.policies = L61,
		.step = "no violation: a misleading DOMAIN_ATTACH event before hotadd-into-owned-group's violation",
	},
	{
		.id = "lab-walk-missed-mid-add",
		.kind = "lab",
		.title = "the kernels' registration walks skipped a device on the bus list whose add notifier had not run",
		.affected = "probelab before commit da62853",
		.fixed_by = "Race engine: the five remaining scenarios; host teardown undone; retrigger vs unbind crash fixed",
		.fixed_in = "probelab commit da62853",
		.policies = L61 | MAIN,
		.step = "no violation: add-notifier-vs-registration-walk could not reproduce (a missed probe, not a double one)",
	},
	{
		.id = "lab-retrigger-instance-driver",
		.kind = "lab",
		.title = "fixed's retrigger could bind the instance driver to an endpoint whose bind a DRV_UNBIND withdrew",
		.affected = "probelab before commit da62853, policy fixed",
		.fixed_by = "Race engine: the five remaining scenarios; host teardown undone; retrigger vs unbind crash fixed",
		.fixed_in = "probelab commit da62853",
		.policies = KB_POLICY(PROBELAB_POLICY_FIXED),
		.step = "no violation: an oops in the instance driver's probe (IOMMU_REGISTER's retrigger racing DRV_UNBIND)",
	},
};

unsigned int known_bug_count(void)
{
	return sizeof(known_bugs) / sizeof(known_bugs[0]);
}

const struct known_bug *known_bug_at(unsigned int i)
{
	return i < known_bug_count() ? &known_bugs[i] : NULL;
}

const struct known_bug *known_bug_find(const char *id)
{
	for (unsigned int i = 0; id && i < known_bug_count(); i++)
		if (!strcmp(known_bugs[i].id, id))
			return &known_bugs[i];
	return NULL;
}

unsigned int known_bug_index(const struct known_bug *b)
{
	return (unsigned int)(b - known_bugs);
}

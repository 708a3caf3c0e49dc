/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab: internal interfaces between the module's files.
 *
 * LOCK ORDER (the one place it is written down):
 *
 *	device_lock(dev)	driver core; held around bus->dma_configure,
 *				driver probe/remove and bus->dma_cleanup
 *	  pl_lab.lock		the lab: description, instances, devices'
 *				IOMMU state and dma_ops records, groups,
 *				domains, quarantine
 *	    pl_iommu.hw_lock	one instance's hardware model (STEs or
 *				root/context tables); a spinlock
 *	      pl_inject_pt.lock	one injection point's state (inject.c): a
 *				leaf spinlock, also taken under hw_lock
 *				(hw.step), never held while delaying
 *
 * Leaf locks, taken under any of the above with none of the module's
 * locks inside them: a page table's free_lock (pgtable.c, irqsave),
 * pl_event_lock (events.c: event sequence numbers, their delivery and the
 * trace rings) and pl_fail_nth.lock (inject.c: the global fail-nth
 * counter, taken before and never with a point's lock).
 *
 * No function calls into the driver core (device_add(), device_del(),
 * device_unregister(), binds and unbinds) while holding pl_lab.lock: the
 * bus notifier takes the lab lock under the notifier's rwsem, and the
 * driver core takes device locks.  Such calls are made with the lab lock
 * dropped, device references held.  Two device locks are never nested.
 * Counters (atomic64) take no lock.
 *
 * LIFECYCLE (what the lab lock does not cover by itself):
 *
 * An object becomes findable only once it is fully built, and removal
 * and reset wait for, or refuse, whatever is still being built.
 *  - A lab device is on pl_lab.devices from DEV_ADD's id allocation on
 *    (the registration walks see it, as the bus's klist shows a device
 *    before its add notifier ran), but marked @adding until device_add()
 *    returned: lookups by id (pl_dev_find_get()) skip it, DEV_REMOVE of
 *    its id is ENOENT, and reset waits for it (pl_lab_wait_settled()).
 *  - A device claimed for removal (@removing) is not findable either; it
 *    stays on the list until device_del() returned.
 *  - FW_LOAD builds the instances and their devices before it publishes
 *    them (pl_lab.fw, pl_lab.iommus) and takes the old ones off the lab
 *    before it destroys them; while it or LAB_RESET runs (pl_lab.changing)
 *    DEV_ADD, IOMMU_REGISTER, FW_LOAD and LAB_RESET are refused (EBUSY).
 *  - IOMMU_UNREGISTER refuses (EBUSY) an instance still registering;
 *    reset waits for registrations and unregistrations under way.
 *  - RACE threads work on a device they hold a reference to, possibly
 *    removed meanwhile; reset waits for them before it drops the
 *    description they read, and FW_LOAD is refused (EBUSY) while they
 *    run (pl_lab.nr_races).
 */
#ifndef _PROBELAB_H
#define _PROBELAB_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/iova.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/probelab.h>

#include "core/fwdesc.h"
#include "core/owner_sm.h"

struct pl_ctx_table;
struct pl_group;
struct pl_domain;

#define PL_MAX_REFS		128	/* (iommu, id) pairs of one device */

/* Layer objects carry a state so that a stale pointer is detected. */
enum pl_obj_state {
	PL_OBJ_LIVE = 0x4c495645,	/* "LIVE" */
	PL_OBJ_FREED = 0x46524545,	/* "FREE": waiting in the quarantine */
	PL_OBJ_LEAKED = 0x4c45414b,	/* "LEAK": the kernel would have leaked it */
};

/**
 * struct pl_iommu_hw - the hardware model of one instance, under
 *	pl_iommu.hw_lock: entries are written and counted with it held; an
 *	STE or context table is added with the lab lock held too, so that a
 *	writer (lab lock) finds them without hw_lock (hw.c)
 * @strtab: SMMUv3 stream table, stream ID -> struct pl_ste (xarray, so
 *	that 32-bit stream IDs cost only what is used)
 * @root: VT-d root table: 256 buses, each a context table of 256 entries,
 *	allocated when first used
 * @writes: entries written
 * @invalidations: cache invalidations issued (CFGI_STE / context-cache)
 */
struct pl_iommu_hw {
	struct xarray strtab;
	struct pl_ctx_table *root[256];
	u64 writes;
	u64 invalidations;
};

/**
 * struct pl_iommu - one IOMMU instance of the description
 * @ordinal: index into the description's IOMMUs
 * @model: enum probelab_fw_iommu_model
 * @name: instance name
 * @dev: its device on the lab bus ("iommu-<name>"); registering binds it
 *	to the "probelab-iommu" driver, as an SMMU or DMAR platform device
 *	binds to its driver
 * @registered: written under the lab lock with WRITE_ONCE(), because
 *	linux-6.1's of_iommu_configure() reads it, @going and @ready with
 *	READ_ONCE() and no lock (pl_iommu_ready()); the instance driver is
 *	bound
 * @going: the same; unregistration is in progress, no new probe may use it
 * @registering: lab lock; IOMMU_REGISTER is binding the instance device
 * @ready: the same as @registered; the driver's setup after registration
 *	is done (6.16's iommu->ready): its tables were reset.  "fixed" and
 *	"mainline" wait for it, "linux-6.1" only for @registered
 * @hw_lock: protects @hw (see struct pl_iommu_hw)
 * @hw: the hardware model
 * @next_did: lab lock; VT-d domain IDs / SMMUv3 ASIDs handed out
 */
struct pl_iommu {
	u32 ordinal;
	u32 model;
	char name[PROBELAB_NAME_LEN];
	struct pl_dev *dev;
	bool registered;
	bool going;
	bool registering;
	bool ready;
	spinlock_t hw_lock;		/* protects @hw */
	struct pl_iommu_hw hw;
	u32 next_did;
};

/**
 * struct pl_fwspec - the IDs a device has on one instance (of_xlate result)
 * @iommu: the instance
 * @nr_ids: valid entries of @ids and @masks
 * @ids: stream IDs (SMMUv3) or source IDs (VT-d); the hardware entries
 *	the device uses (in the owning pl_dev_iommu's @idbuf)
 * @masks: ID bits the IOMMU ignores, per ID (a specifier's mask; 0 for
 *	PCI functions): devices whose (ID, mask) pairs overlap share a group
 */
struct pl_fwspec {
	struct pl_iommu *iommu;
	u32 nr_ids;
	u32 *ids;
	u32 *masks;
};

/**
 * struct pl_dev_iommu - a device's IOMMU data, Linux's dev->iommu
 * @state: PL_OBJ_LIVE, PL_OBJ_FREED once in the quarantine, or
 *	PL_OBJ_LEAKED: overwritten where the mirrored kernel leaks it, kept in
 *	the quarantine (not freed: a path still holding it may use it); lab
 *	lock (linux-6.1's of_iommu_configure() reads it with READ_ONCE() and
 *	no lock)
 * @gen: generation of the owning device when it was built
 * @nr_fwspecs: number of instances in front of the device
 * @fwspecs: one per instance
 * @qnode: lab lock; link in pl_lab.quarantine once freed
 * @idbuf: the fwspecs' IDs and masks, sized for the device's IDs (a
 *	device has a few; PL_MAX_REFS of each in every fwspec would cost
 *	4 KiB per device)
 */
struct pl_dev_iommu {
	u32 state;
	u32 gen;
	u32 nr_fwspecs;
	struct pl_fwspec fwspecs[PROBELAB_DEV_MAX_IOMMUS];
	struct list_head qnode;
	u32 idbuf[];
};

/**
 * struct pl_dev - a device on the lab bus
 * @dev: the driver-core device
 * @id: lab device id
 * @kind: PROBELAB_DEV_PCI, PROBELAB_DEV_NAMED, or 0 for instance devices
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI devfn
 * @nr_aliases: valid entries of @aliases
 * @aliases: PCI DMA aliases (requester IDs)
 * @name: endpoint name (NAMED)
 * @iommu: the instance, for an instance device; NULL for endpoints
 * @base_ops: the dma_ops the device was added with (its platform's, or
 *	NULL for dma-direct): what it must have whenever nothing else is due
 * @dma_mask: backing store of dev.dma_mask
 * @node: lab lock; link in pl_lab.devices
 * @state: lab lock; enum probelab_dev_state
 * @gen: lab lock (pl_build_fwspecs() reads it with READ_ONCE(), for a
 *	trace); bumped at every IOMMU probe and release
 * @di: lab lock; fwspecs, NULL when not IOMMU-probed.  linux-6.1's
 *	of_iommu_configure() reads it with no lock and stores it (under the
 *	lab lock) between steps that hold none, as 6.1 set dev->iommu: the
 *	race that policy models; a grouped device may lose it there
 * @group: lab lock; group, NULL when not IOMMU-probed
 * @group_node: lab lock; link in the group's device list
 * @want_driver: enum probelab_driver requested by DRV_BIND: lab lock
 *	(IOMMU_REGISTER's retrigger and IOMMU_UNREGISTER's rebind read it
 *	again with READ_ONCE() and no lock); an instance device's (1 while
 *	its registration is wanted) is set with WRITE_ONCE(), with or
 *	without the lab lock, and read with READ_ONCE() by bus->match
 * @bind_pending: lab lock; the bind was deferred and waits for a retrigger
 * @bind_err: device lock; result of the last probe attempt (pl_bind()
 *	clears and reads it under the device lock around device_attach(),
 *	which takes that lock itself)
 * @adding: lab lock; DEV_ADD has not finished device_add(): on the list,
 *	not findable by id, not removable (see LIFECYCLE at the top)
 * @removing: lab lock (linux-6.1's of_configure reads it with READ_ONCE()
 *	and no lock); DEV_REMOVE or reset claimed the device
 * @dev_claims: lab lock; device (iommufd-style) claims held on its group
 * @dma_owner: lab lock; counted in its group's owner_cnt as a bound
 *	DMA-API driver (set and cleared with owner_cnt)
 * @bound: lab lock; a lab driver's probe succeeded and it is not removed
 * @probes: lab lock; IOMMU probes since the last release (invariant 2)
 * @ev_seq: recent event sequence numbers naming the device (a ring):
 *	written under pl_event_lock (events.c), read with READ_ONCE() and no
 *	lock for a violation's trace
 * @ev_head: next slot of @ev_seq (the same)
 * @saved_ops: lab lock; dma_ops before the lab's were installed (at driver
 *	bind, or at the IOMMU probe for the kernels that install them there).
 *	The lab sets dev->dma_ops under the lab lock (and the device lock at
 *	bind and unbind); a driver with its own ops, the host's teardown and
 *	its undo set them under the device lock alone
 * @ops_installed: lab lock; the lab's dma_ops were installed
 * @ops_at_cleanup: device lock; dma_ops when the host's
 *	device_unbind_cleanup() began (devres), for pl_host_teardown_undo()
 * @host_cleanup: written under the device lock, read locklessly by the
 *	checker (pl_in_host_cleanup()): the host's cleanup is under way
 * @dma_domain: lab lock, set and cleared with WRITE_ONCE(): the domain
 *	the lab dma_ops map into, which they read once without a lock
 *	(stable while a DMA-API driver is bound, unless a kernel's policy
 *	replaces the ops under it: invariant 7)
 */
struct pl_dev {
	struct device dev;
	u32 id;
	u32 kind;
	u16 segment;
	u8 bus;
	u8 devfn;
	u32 nr_aliases;
	u16 aliases[PROBELAB_MAX_ALIASES];
	char name[PROBELAB_NAME_LEN];
	struct pl_iommu *iommu;
	const struct dma_map_ops *base_ops;
	u64 dma_mask;

	struct list_head node;
	u32 state;
	u32 gen;
	struct pl_dev_iommu *di;
	struct pl_group *group;
	struct list_head group_node;
	u32 want_driver;
	bool bind_pending;
	bool adding;
	bool removing;
	u32 dev_claims;
	bool dma_owner;
	bool bound;
	u32 probes;
	u64 ev_seq[PROBELAB_VIOLATION_SEQS];
	u32 ev_head;

	int bind_err;
	const struct dma_map_ops *saved_ops;
	bool ops_installed;
	const struct dma_map_ops *ops_at_cleanup;
	bool host_cleanup;
	struct pl_domain *dma_domain;
};

#define to_pl_dev(d)	container_of(d, struct pl_dev, dev)

/**
 * struct pl_driver - a lab driver (the lab bus's pci_driver)
 * @id: enum probelab_driver (0 for the instance driver)
 * @driver_managed_dma: DMA is managed by the driver's user (VFIO-like):
 *	binding does not make the driver a DMA-API owner of the group
 * @drv: the driver-core driver
 * @probe: its probe
 * @remove: its remove
 */
struct pl_driver {
	u32 id;
	bool driver_managed_dma;
	struct device_driver drv;
	int (*probe)(struct pl_dev *pdev);
	void (*remove)(struct pl_dev *pdev);
};

#define to_pl_driver(d)	container_of(d, struct pl_driver, drv)

/**
 * struct pl_domain - an IOMMU domain
 * @id: domain id (>= 1)
 * @type: enum probelab_domain_type
 * @iommu: the instance whose format it uses
 * @did: VT-d domain ID / SMMUv3 ASID
 * @pgt: page table of a paging domain, in the instance's format
 *	(pgtable.h); levels are RCU-freed under "fixed", at once otherwise
 * @cd: SMMUv3 context descriptor of a paging domain (64 bytes, as the
 *	hardware reads it): TTB0 = the page table's root, ASID = @did
 * @debugfs: lab lock; its debugfs folder domains/<id>/, for UNMANAGED
 *	domains (NULL for the others)
 * @iovad: IOVA space of a DMA domain
 * @unmap_lock: makes a lab dma_ops unmap's lookup of its IOVA range in
 *	@iovad and its freeing one step (any context: irqsave)
 * @mappings: live lab dma_ops mappings in this domain
 * @map_bytes: lab lock; bytes MAP mapped, as charged to pl_lab.mapped_bytes
 * @map_levels: lab lock; table levels below the root MAP and UNMAP left,
 *	as charged to pl_lab.pgtable_pages
 * @owner: lab lock; the file that allocated it (DOMAIN_ALLOC), NULL for
 *	default and blocking domains
 * @nr_attached: lab lock; groups attached to it
 * @node: lab lock; link in pl_lab.domains
 * @fnode: lab lock; link in the owner's pl_file.domains
 */
struct pl_domain {
	u32 id;
	u32 type;
	struct pl_iommu *iommu;
	u32 did;
	struct pl_pgtable *pgt;
	__le64 *cd;
	struct dentry *debugfs;
	struct iova_domain iovad;
	spinlock_t unmap_lock;	/* see the kernel-doc above */
	atomic_t mappings;
	u64 map_bytes;
	u64 map_levels;
	struct pl_file *owner;
	u32 nr_attached;
	struct list_head node;
	struct list_head fnode;
};

/**
 * struct pl_group - an IOMMU group
 * @state: PL_OBJ_LIVE or PL_OBJ_FREED
 * @id: group id (>= 1)
 * @iommu: the instance it sits behind
 * @devices: lab lock; member pl_dev.group_node
 * @nr_devices: lab lock; members
 * @default_domain: lab lock; its default domain
 * @domain: lab lock; the domain the group is attached to
 * @blocking_domain: lab lock; allocated at the first explicit claim
 * @own: lab lock; DMA ownership (module/core/owner_sm.h): owner_cnt, the
 *	owner token (an open /dev/probelab file, struct pl_file) and whether
 *	it holds a group claim
 * @node: lab lock; link in pl_lab.groups
 * @qnode: lab lock; link in pl_lab.quarantine_groups once freed
 */
struct pl_group {
	u32 state;
	u32 id;
	struct pl_iommu *iommu;
	struct list_head devices;
	u32 nr_devices;
	struct pl_domain *default_domain;
	struct pl_domain *domain;
	struct pl_domain *blocking_domain;
	struct pl_own own;
	struct list_head node;
	struct list_head qnode;
};

/**
 * struct pl_file - an open /dev/probelab: the DMA owner token
 * @domains: lab lock; domains allocated through this file
 */
struct pl_file {
	struct list_head domains;
};

/**
 * struct pl_objs - layer objects in memory (atomic, no lock): allocated
 *	and not yet kfree()d, quarantined ones included; all 0 after a
 *	LAB_RESET, or something leaked (debugfs stats, the fail_nth sweep)
 * @groups: struct pl_group
 * @domains: struct pl_domain
 * @dev_iommus: struct pl_dev_iommu
 */
struct pl_objs {
	atomic_t groups;
	atomic_t domains;
	atomic_t dev_iommus;
};

/**
 * struct pl_stats - probe-layer counters (atomic, no lock)
 */
struct pl_stats {
	atomic64_t iommu_probes;
	atomic64_t bind_attempts;
	atomic64_t deferrals;
	atomic64_t retriggers;
	atomic64_t releases;
	atomic64_t fwspec_allocs;
	atomic64_t fwspec_frees;
	atomic64_t violations;
};

/**
 * struct pl_lab - the laboratory (one per module)
 * @lock: protects every field below except @stats, @objs, @seq, @ev_seq,
 *	@ev_head and @violations, and the lab-lock fields of devices,
 *	instances and groups (see the lock order)
 * @fw: the loaded description, NULL when none; stays while a lab device
 *	exists or a RACE runs, which is when it is read without the lock
 * @policy: enum probelab_policy; set with WRITE_ONCE() and read anywhere
 *	with READ_ONCE() (pl_policy()): it changes only at FW_LOAD
 * @bare: a bare lab (PROBELAB_FW_LOAD_BARE): the IOMMU layer skips its
 *	devices.  Written under the lab lock with WRITE_ONCE() by FW_LOAD
 *	and reset, read with READ_ONCE() and no lock (pl_lab_bare()) by the
 *	bus hooks: it changes only while no lab device exists
 * @default_domain: PROBELAB_DOMAIN_DMA or PROBELAB_DOMAIN_IDENTITY
 * @iommus: one per description IOMMU, @nr_iommus of them (stays as @fw)
 * @nr_iommus: number of instances
 * @devices: lab endpoint devices (not instance devices)
 * @nr_devices: number of endpoint devices (debugfs stats reads a snapshot)
 * @groups: live groups
 * @domains: live domains
 * @quarantine: freed struct pl_dev_iommu, kept until the lab is reset
 *	(the oldest freed beyond max_quarantine, limits.c)
 * @quarantine_groups: freed struct pl_group, kept until the lab is reset
 *	(the same)
 * @kept_domains: DMA domains freed while a lab device's dma_domain still
 *	pointed at them (a bound driver's lab dma_ops would map into freed
 *	memory): off @domains, kept whole until the description goes
 * @nr_quarantined: entries of @quarantine
 * @nr_quarantined_groups: entries of @quarantine_groups
 * @nr_domains: live domains (bounded by max_domains)
 * @mapped_bytes: bytes MAP mapped in owners' domains (max_mapped_bytes)
 * @pgtable_pages: live page-table levels of owners' domains
 *	(max_pgtable_pages)
 * @next_dev_id: next lab device id
 * @next_group_id: next group id
 * @next_domain_id: next domain id
 * @stats: counters
 * @objs: layer objects in memory
 * @seq: event sequence number
 * @ev_seq: recent event sequence numbers of the lab (a ring, as
 *	pl_dev.ev_seq: pl_event_lock)
 * @ev_head: next slot of @ev_seq
 * @auto_check: lab lock (read with READ_ONCE() and no lock by
 *	pl_check_auto()); run the invariant checker after every op
 * @violations: violations detected since the lab was reset (atomic)
 * @changing: lab lock; FW_LOAD or LAB_RESET is replacing the description
 *	and the instances with the lab lock dropped
 * @nr_races: lab lock; RACE ops whose threads are running
 * @settle_seq: lab lock (read locklessly by waiters); bumped whenever a
 *	device finishes being added or removed, an instance finishes
 *	registering or unregistering, or a RACE op ends
 * @settle_wq: woken with every @settle_seq bump
 */
struct pl_lab {
	struct mutex lock;		/* the lab lock: see the top */
	struct pl_fwdesc *fw;
	u32 policy;
	bool bare;
	u32 default_domain;
	struct pl_iommu *iommus;
	u32 nr_iommus;
	struct list_head devices;
	u32 nr_devices;
	struct list_head groups;
	struct list_head domains;
	struct list_head quarantine;
	struct list_head quarantine_groups;
	struct list_head kept_domains;
	u32 nr_quarantined;
	u32 nr_quarantined_groups;
	u32 nr_domains;
	u64 mapped_bytes;
	u64 pgtable_pages;
	u32 next_dev_id;
	u32 next_group_id;
	u32 next_domain_id;
	struct pl_stats stats;
	struct pl_objs objs;
	atomic64_t seq;
	u64 ev_seq[PROBELAB_VIOLATION_SEQS];
	u32 ev_head;
	bool auto_check;
	atomic64_t violations;
	bool changing;
	u32 nr_races;
	u32 settle_seq;
	wait_queue_head_t settle_wq;
};

extern struct pl_lab pl_lab;

/*
 * The lab is bare (PROBELAB_FW_LOAD_BARE): stable while a lab device
 * exists, since FW_LOAD, which sets it, is refused then.
 */
static inline bool pl_lab_bare(void)
{
	return READ_ONCE(pl_lab.bare);
}

/* The ioctl side: one operation's arguments */
/* Every operation structure starts with these four fields. */
struct probelab_cmd_hdr {
	u32 size;
	u32 op;
	u32 flags;
	u32 __reserved;
};

union probelab_cmd_buffer {
	struct probelab_cmd_hdr hdr;
	struct probelab_info info;
	struct probelab_simple simple;
	struct probelab_fw_load fw_load;
	struct probelab_dev_add dev_add;
	struct probelab_dev_ref dev_ref;
	struct probelab_iommu_ref iommu_ref;
	struct probelab_drv_bind drv_bind;
	struct probelab_query query;
	struct probelab_stats stats;
	struct probelab_owner owner;
	struct probelab_domain_alloc domain_alloc;
	struct probelab_domain_ref domain_ref;
	struct probelab_attach attach;
	struct probelab_map map;
	struct probelab_iova iova;
	struct probelab_check check;
	struct probelab_inject inject;
	struct probelab_race race;
};

struct probelab_ucmd {
	struct pl_file *pf;
	void __user *ubuffer;
	u32 user_size;
	union probelab_cmd_buffer *cmd;
};

int probelab_respond(struct probelab_ucmd *ucmd, size_t kernel_size);

/* main.c */
void probelab_fill_info(struct probelab_info *info);

/* events.c: the "probelab" generic netlink family */
int probelab_genl_init(void);
void probelab_genl_exit(void);

/**
 * struct pl_ev - what one event names (zero/NULL fields are left out)
 */
struct pl_ev {
	u32 event;
	struct pl_dev *dev;
	const struct pl_iommu *iommu;
	u32 group;
	u32 domain;
	u32 domain_type;
	int err;
	u32 driver;
	u32 invariant;
	const char *detail;
};

void pl_event(const struct pl_ev *ev);
void pl_ev_dev(u32 event, struct pl_dev *pdev, int err, const char *detail);
void pl_ev_driver(u32 event, struct pl_dev *pdev, u32 driver, int err);
void pl_ev_iommu(u32 event, const struct pl_iommu *iommu,
		 struct pl_dev *pdev);
void pl_ev_group(u32 event, struct pl_dev *pdev,
		 const struct pl_group *group);
void pl_ev_domain(u32 event, const struct pl_domain *domain);

/* debugfs.c: /sys/kernel/debug/probelab/ */
void probelab_debugfs_init(void);
void probelab_debugfs_exit(void);
void pl_debugfs_add_domain(struct pl_domain *domain);
void pl_debugfs_remove_domain(struct pl_domain *domain);
void pl_debugfs_add_iommu(struct pl_iommu *iommu);
void pl_host_debugfs(struct dentry *root);
void pl_debugfs_remove_iommus(void);

/* lab.c: the lab, FW_LOAD, LAB_RESET, QUERY, STATS */
void pl_lab_exit(void);
int pl_op_fw_load(struct probelab_ucmd *ucmd);
int pl_op_lab_reset(struct probelab_ucmd *ucmd);
int pl_op_query(struct probelab_ucmd *ucmd);
int pl_op_stats(struct probelab_ucmd *ucmd);
void pl_violation(u32 invariant, struct pl_dev *pdev, const char *fmt, ...)
	__printf(3, 4);
void pl_quarantine_dev_iommu(struct pl_dev_iommu *di);
void pl_quarantine_leaked_dev_iommu(struct pl_dev_iommu *di);
void pl_lab_settled(void);
void pl_lab_wait_settled(u32 seq);

/* bus.c: the lab bus, its notifier, the devices on it */
extern struct bus_type pl_bus_type;
int pl_bus_init(void);
void pl_bus_exit(void);
struct pl_dev *pl_dev_alloc(void);

/* labdev.c: lab devices - DEV_ADD, DEV_REMOVE, DRV_BIND, DRV_UNBIND */
int pl_op_dev_add(struct probelab_ucmd *ucmd);
int pl_op_dev_remove(struct probelab_ucmd *ucmd);
int pl_op_drv_bind(struct probelab_ucmd *ucmd);
int pl_op_drv_unbind(struct probelab_ucmd *ucmd);
void pl_devices_remove_all(void);
struct pl_dev *pl_dev_find_get(u32 id);
int pl_bind(struct pl_dev *pdev, u32 driver, bool *deferred);

/* instance.c: instance devices - IOMMU_REGISTER, IOMMU_UNREGISTER */
int pl_op_iommu_register(struct probelab_ucmd *ucmd);
int pl_op_iommu_unregister(struct probelab_ucmd *ucmd);
int pl_instances_create(const struct pl_fwdesc *fw, struct pl_iommu **out);
void pl_instances_destroy(struct pl_iommu *iommus, u32 nr);
void pl_instances_unregister_all(void);
bool pl_iommu_dev_name_taken(const char *name);
int pl_iommu_drv_probe(struct pl_dev *pdev);
void pl_iommu_drv_remove(struct pl_dev *pdev);

/* drivers.c: the lab's drivers */
int pl_drivers_register(void);
void pl_drivers_unregister(void);
struct device_driver *pl_endpoint_driver(u32 driver);
const char *pl_driver_name(u32 driver);
/* probelab-pool's pages returned after the driver left */
void pl_pool_drain(void);

/**
 * struct pl_policy - one probe-layer ordering (probe.c: "fixed";
 *	policy_linux61.c: "linux-6.1"; policy_mainline.c: "mainline")
 * @name: the policy's name
 * @device_added: bus notifier, BUS_NOTIFY_ADD_DEVICE; no lock held (each
 *	policy takes the locks its kernel takes)
 * @iommu_registered: the instance's driver bound and its setup done; no
 *	lock held
 * @match_ready: may bus->match offer @pdev to its driver now; lab lock held
 * @dma_configure: bus->dma_configure; device lock held, lab lock not
 * @dma_cleanup: bus->dma_cleanup; device lock held, lab lock not
 * @of_configure: the firmware step of dma_configure alone, as drivers
 *	that call of_dma_configure() themselves run it: no lock held, the
 *	device possibly bound or binding (PROBELAB_RACE_OF_CONFIGURE)
 * @ready_flag: instances count as present once @ready, not @registered
 * @one_fwspec: a device has one fwspec naming the first instance found
 *	(Linux's fwspec has one iommu_fwnode: IDs of a second instance are
 *	added to the first's); "fixed" keeps one per instance
 * @hotadd_no_attach: a device joining a claimed group is attached to no
 *	domain (6.1 attaches only a default domain, and not when owned)
 * @pool_unmap_at_destroy: probelab-pool unmaps its in-flight pages when
 *	its driver goes (page_pool since 6.15: "Track DMA-mapped pages and
 *	unmap them when destroying the pool"); otherwise each is unmapped
 *	when it comes back, after the driver left
 * @claim_no_default: a claim may take a group that has no default domain
 *	yet (6.1's iommu_group_claim_dma_owner() checks only group->domain);
 *	otherwise such a claim is refused with -EBUSY
 * @deferred_list: DRV_BIND goes through device_attach(): a deferred
 *	probe joins the driver core's deferred list and is retried by its
 *	global trigger.  Otherwise DRV_BIND uses device_driver_attach() and
 *	the layer retriggers exactly the devices an instance readied.
 */
struct pl_policy {
	const char *name;
	void (*device_added)(struct pl_dev *pdev);
	void (*iommu_registered)(struct pl_iommu *iommu);
	bool (*match_ready)(struct pl_dev *pdev);
	int (*dma_configure)(struct pl_dev *pdev);
	void (*dma_cleanup)(struct pl_dev *pdev);
	int (*of_configure)(struct pl_dev *pdev);
	bool deferred_list;
	bool ready_flag;
	bool one_fwspec;
	bool hotadd_no_attach;
	bool pool_unmap_at_destroy;
	bool claim_no_default;
};

extern const struct pl_policy pl_policy_fixed;
extern const struct pl_policy pl_policy_linux61;
extern const struct pl_policy pl_policy_mainline;
const struct pl_policy *pl_policy(void);

/* probe.c: steps shared by the policies, and the policy "fixed" */
struct pl_fw_ref;
struct pl_fw_ref *pl_xlate(struct pl_dev *pdev, unsigned int *n);
int pl_build_fwspecs(struct pl_dev *pdev, struct pl_dev_iommu **out);
bool pl_fwspecs_ready(const struct pl_dev_iommu *di);
int pl_iommu_probe(struct pl_dev *pdev);
int pl_iommu_probe_late_default(struct pl_dev *pdev);
void pl_set_state(struct pl_dev *pdev, u32 state, int err);
void pl_release_device(struct pl_dev *pdev);
int pl_dma_configure(struct device *dev);
void pl_dma_cleanup(struct device *dev);
bool pl_dev_ready(struct pl_dev *pdev);

/**
 * struct pl_dev_batch - devices taken off the lab list, each referenced
 * @devs: the devices (room for every device on the list)
 * @n: valid entries of @devs
 */
struct pl_dev_batch {
	struct pl_dev **devs;
	u32 n;
};

int pl_batch_alloc(struct pl_dev_batch *b);
void pl_batch_add(struct pl_dev_batch *b, struct pl_dev *pdev);
void pl_batch_put(struct pl_dev_batch *b);
void pl_dma_ops_install(struct pl_dev *pdev);
void pl_host_teardown_undo(struct pl_dev *pdev);
bool pl_in_host_cleanup(struct pl_dev *pdev,
			const struct dma_map_ops **ops);
void pl_defer(struct pl_dev *pdev);

/* owner.c: DMA ownership (mainline iommu.c semantics) */
int pl_owner_get(struct pl_dev *pdev);
void pl_owner_put(struct pl_dev *pdev);
struct pl_file *pl_file_open(void);
void pl_file_release(struct pl_file *pf);
int pl_op_owner_claim_group(struct probelab_ucmd *ucmd);
int pl_op_owner_claim_device(struct probelab_ucmd *ucmd);
int pl_op_owner_release(struct probelab_ucmd *ucmd);
struct pl_group *pl_group_find(u32 id);

/* group.c: groups and default domains */
int pl_group_join(struct pl_dev *pdev, bool late_default);
int pl_group_setup_default(struct pl_group *group);
void pl_group_remove_device(struct pl_dev *pdev);
void pl_groups_free_quarantine(void);
bool pl_groups_trim_quarantine(u32 max);
void pl_group_set_domain(struct pl_group *group, struct pl_domain *domain);
void pl_group_restore_default(struct pl_group *group);
int pl_domain_cache_init(void);
void pl_domain_cache_exit(void);
struct pl_domain *pl_domain_alloc(struct pl_iommu *iommu, u32 type);
void pl_domain_free(struct pl_domain *domain);
void pl_domains_free_all(void);

/* limits.c: resource bounds (module parameters) */
enum pl_limit_id {
	PL_LIMIT_DEVICES,
	PL_LIMIT_DOMAINS,
	PL_LIMIT_MAPPED,
	PL_LIMIT_PGTABLE,
	PL_LIMIT_DESC,
	PL_LIMIT_QUARANTINE,
	PL_NR_LIMITS
};

int pl_limits_init(void);
u64 pl_limit(enum pl_limit_id id);
int pl_limit_check(enum pl_limit_id id, u64 used, u64 more, const char *op);

/* inject.c: injection points (debugfs inject/ lists them) */
enum pl_inject_point {
	PL_INJ_PROBE_XLATE,
	PL_INJ_PROBE_GROUP,
	PL_INJ_PROBE_UNLOCKED,
	PL_INJ_DEFAULT_DOMAIN,
	PL_INJ_RELEASE,
	PL_INJ_FWSPEC_FREE,
	PL_INJ_FWSPEC_USE,
	PL_INJ_DMA_CONFIGURE,
	PL_INJ_DMA_OPS,
	PL_INJ_DMA_CLEANUP,
	PL_INJ_REGISTER,
	PL_INJ_UNREGISTER,
	PL_INJ_CLAIM,
	PL_INJ_ATTACH,
	PL_INJ_HW_STEP,
	PL_INJ_DEV_VISIBLE,
	PL_INJ_CONFIGURE_REPLAY,
	PL_INJ_POOL_RELEASE,
	PL_INJ_MAP,
	PL_INJ_UNMAP,
	PL_INJ_FW_LOAD,
	PL_INJ_DOMAIN_ALLOC,
	PL_NR_INJECT
};

int pl_inject(enum pl_inject_point id, const struct pl_dev *pdev);
int pl_op_inject(struct probelab_ucmd *ucmd);
void pl_inject_reset(void);
void pl_inject_debugfs(struct dentry *root);

/* race.c: kernel threads of the race engine */
int pl_op_race(struct probelab_ucmd *ucmd);

/* check.c: the invariant checker (DESIGN.md section 3) */
void pl_report(u32 invariant, struct pl_dev *pdev, u32 group, u32 domain,
	       const char *fmt, ...) __printf(5, 6);
void pl_report_atomic(u32 invariant, const struct pl_dev *pdev,
		      const char *fmt, ...) __printf(3, 4);
void pl_report_flush(void);
int pl_op_check(struct probelab_ucmd *ucmd);
void pl_check_auto(void);
struct seq_file;
int pl_check_show(struct seq_file *m);

/* domain.c: domains and the owner's domain operations */
int pl_op_domain_alloc(struct probelab_ucmd *ucmd);
int pl_op_domain_free(struct probelab_ucmd *ucmd);
int pl_op_attach(struct probelab_ucmd *ucmd);
int pl_op_detach(struct probelab_ucmd *ucmd);
int pl_op_map(struct probelab_ucmd *ucmd);
int pl_op_unmap(struct probelab_ucmd *ucmd);
int pl_op_iova_to_phys(struct probelab_ucmd *ucmd);

/* hw.c: SMMUv3 and VT-d hardware models */
void pl_hw_init(struct pl_iommu *iommu);
void pl_hw_destroy(struct pl_iommu *iommu);
void pl_hw_attach(struct pl_iommu *iommu, const struct pl_fwspec *fwspec,
		  const struct pl_domain *domain);
void pl_hw_detach_id(struct pl_iommu *iommu, u32 id);
void pl_hw_setup(struct pl_iommu *iommu);
bool pl_hw_verify(struct pl_iommu *iommu, u32 id,
		  const struct pl_domain *domain, char *why, size_t len);
struct seq_file;
void pl_hw_show(struct seq_file *m, struct pl_iommu *iommu);

/* dma_ops.c: the lab dma_map_ops */
extern const struct dma_map_ops pl_dma_ops;
extern const struct dma_map_ops pl_platform_ops;
int pl_dma_iova_init(void);
void pl_dma_iova_exit(void);
int pl_domain_dma_init(struct pl_domain *domain);
void pl_dma_unmap_late(struct pl_dev *pdev, dma_addr_t handle, size_t size);
void pl_domain_dma_destroy(struct pl_domain *domain);

#endif /* _PROBELAB_H */

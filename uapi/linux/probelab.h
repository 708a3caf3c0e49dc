/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * probelab: user/kernel ABI of /dev/probelab and the "probelab" generic
 * netlink family.
 *
 * One ioctl, PROBELAB_IOCTL, multiplexes every operation.  Its argument is a
 * pointer to an operation structure that always starts with the same four
 * fields:
 *
 *	__u32 size;		sizeof the structure as userspace knows it
 *	__u32 op;		enum probelab_op
 *	__u32 flags;		operation flags, unknown bits are rejected
 *	__u32 __reserved;	must be zero
 *
 * Extensibility follows iommufd (copy_struct_from_user() semantics):
 *  - op unknown to the running module: -EOPNOTSUPP;
 *  - size smaller than the first version of that structure: -EINVAL;
 *  - size larger than the module knows: accepted when every byte past the
 *    module's structure is zero, -E2BIG otherwise;
 *  - unknown flag bits or a non-zero reserved field: -EINVAL.
 * Output is written back for min(size, kernel size) bytes.  Every field is
 * naturally aligned with explicit padding; pointers are carried as __u64.
 * Every operation requires CAP_SYS_ADMIN (-EPERM otherwise).
 */
#ifndef _UAPI_LINUX_PROBELAB_H
#define _UAPI_LINUX_PROBELAB_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/probelab_fw.h>

#define PROBELAB_UAPI_VERSION		1

#define PROBELAB_DEVICE_NAME		"probelab"	/* /dev/probelab */

/* ioctl magic 0xB9 is not assigned in ioctl-number.rst */
#define PROBELAB_IOCTL_TYPE		0xB9
#define PROBELAB_IOCTL			_IO(PROBELAB_IOCTL_TYPE, 0x00)

/**
 * enum probelab_op - operations multiplexed through PROBELAB_IOCTL
 * @PROBELAB_OP_GET_INFO: struct probelab_info
 * @PROBELAB_OP_FW_LOAD: struct probelab_fw_load
 * @PROBELAB_OP_LAB_RESET: struct probelab_simple; removes every lab device,
 *	unregisters every instance, drops the description, empties quarantine
 * @PROBELAB_OP_DEV_ADD: struct probelab_dev_add
 * @PROBELAB_OP_DEV_REMOVE: struct probelab_dev_ref
 * @PROBELAB_OP_IOMMU_REGISTER: struct probelab_iommu_ref
 * @PROBELAB_OP_IOMMU_UNREGISTER: struct probelab_iommu_ref
 * @PROBELAB_OP_DRV_BIND: struct probelab_drv_bind
 * @PROBELAB_OP_DRV_UNBIND: struct probelab_dev_ref
 * @PROBELAB_OP_QUERY: struct probelab_query
 * @PROBELAB_OP_STATS: struct probelab_stats
 * @PROBELAB_OP_OWNER_CLAIM_GROUP: struct probelab_owner (VFIO-style claim)
 * @PROBELAB_OP_OWNER_CLAIM_DEVICE: struct probelab_owner (iommufd-style)
 * @PROBELAB_OP_OWNER_RELEASE: struct probelab_owner
 * @PROBELAB_OP_DOMAIN_ALLOC: struct probelab_domain_alloc
 * @PROBELAB_OP_DOMAIN_FREE: struct probelab_domain_ref
 * @PROBELAB_OP_ATTACH: struct probelab_attach
 * @PROBELAB_OP_DETACH: struct probelab_attach
 * @PROBELAB_OP_MAP: struct probelab_map
 * @PROBELAB_OP_UNMAP: struct probelab_map
 * @PROBELAB_OP_IOVA_TO_PHYS: struct probelab_iova
 * @PROBELAB_OP_CHECK: struct probelab_check
 * @PROBELAB_OP_INJECT: struct probelab_inject
 * @PROBELAB_OP_RACE: struct probelab_race
 *
 * GET_INFO's @ops says which of these the running module implements; the
 * others answer -EOPNOTSUPP.
 */
enum probelab_op {
	PROBELAB_OP_GET_INFO = 1,
	PROBELAB_OP_FW_LOAD = 2,
	PROBELAB_OP_LAB_RESET = 3,
	PROBELAB_OP_DEV_ADD = 4,
	PROBELAB_OP_DEV_REMOVE = 5,
	PROBELAB_OP_IOMMU_REGISTER = 6,
	PROBELAB_OP_IOMMU_UNREGISTER = 7,
	PROBELAB_OP_DRV_BIND = 8,
	PROBELAB_OP_DRV_UNBIND = 9,
	PROBELAB_OP_QUERY = 10,
	PROBELAB_OP_STATS = 11,
	PROBELAB_OP_OWNER_CLAIM_GROUP = 12,
	PROBELAB_OP_OWNER_CLAIM_DEVICE = 13,
	PROBELAB_OP_OWNER_RELEASE = 14,
	PROBELAB_OP_DOMAIN_ALLOC = 15,
	PROBELAB_OP_DOMAIN_FREE = 16,
	PROBELAB_OP_ATTACH = 17,
	PROBELAB_OP_DETACH = 18,
	PROBELAB_OP_MAP = 19,
	PROBELAB_OP_UNMAP = 20,
	PROBELAB_OP_IOVA_TO_PHYS = 21,
	PROBELAB_OP_CHECK = 22,
	PROBELAB_OP_INJECT = 23,
	PROBELAB_OP_RACE = 24,
};

/**
 * enum probelab_policy - probe-layer orderings
 * @PROBELAB_POLICY_FIXED: probelab's own layer (probe at device add)
 * @PROBELAB_POLICY_LINUX_6_1: fwspec built at driver bind, as Linux 6.1
 * @PROBELAB_POLICY_MAINLINE: global probe lock and replay, as Linux >= 6.16
 */
enum probelab_policy {
	PROBELAB_POLICY_FIXED = 0,
	PROBELAB_POLICY_LINUX_6_1 = 1,
	PROBELAB_POLICY_MAINLINE = 2,
};

#define PROBELAB_STR_LEN		64

/**
 * struct probelab_info - PROBELAB_OP_GET_INFO
 * @size: sizeof(struct probelab_info)
 * @op: PROBELAB_OP_GET_INFO
 * @flags: must be 0
 * @__reserved: must be 0
 * @uapi_version: out: PROBELAB_UAPI_VERSION of the running module
 * @policies: out: bit (1 << enum probelab_policy) set for each policy the
 *	running module implements
 * @ops: out: bit (1 << enum probelab_op) set for each operation the running
 *	module implements
 * @module_version: out: NUL-terminated module version
 * @kernel_built: out: NUL-terminated release of the kernel headers the
 *	module was built against
 * @kernel_running: out: NUL-terminated release of the running kernel
 */
struct probelab_info {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 uapi_version;
	__u32 policies;
	__u64 ops;
	char module_version[PROBELAB_STR_LEN];
	char kernel_built[PROBELAB_STR_LEN];
	char kernel_running[PROBELAB_STR_LEN];
};

/**
 * enum probelab_domain_type - IOMMU domain types
 * @PROBELAB_DOMAIN_IDENTITY: DMA addresses are physical (bypass/pass-through)
 * @PROBELAB_DOMAIN_DMA: paging domain managed by the DMA API (default)
 * @PROBELAB_DOMAIN_BLOCKED: all DMA blocked (abort / no context entry)
 * @PROBELAB_DOMAIN_UNMANAGED: paging domain managed by an explicit owner
 */
enum probelab_domain_type {
	PROBELAB_DOMAIN_IDENTITY = 1,
	PROBELAB_DOMAIN_DMA = 2,
	PROBELAB_DOMAIN_BLOCKED = 3,
	PROBELAB_DOMAIN_UNMANAGED = 4,
};

/**
 * struct probelab_simple - an operation with no arguments
 * @size: sizeof(struct probelab_simple)
 * @op: the operation
 * @flags: must be 0
 * @__reserved: must be 0
 */
struct probelab_simple {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
};

/*
 * probelab_fw_load.flags: a bare lab - the lab bus and the real driver
 * core without the IOMMU layer, the baseline of `probelab bench cycle`.
 * Its devices get no IOMMU probe (no fwspec, no group; state
 * PROBELAB_DEV_BARE), bus->dma_configure and bus->dma_cleanup do nothing
 * for them, and bus->match asks only for the requested driver.  The
 * policy still chooses how DRV_BIND enters the driver core
 * (device_driver_attach() for "fixed", device_attach() for the kernels').
 * IOMMU_REGISTER, RACE and DEV_ADD with PROBELAB_DEV_ADD_PLATFORM_OPS are
 * refused with -EINVAL in a bare lab; the next FW_LOAD without the flag
 * ends it.
 */
#define PROBELAB_FW_LOAD_BARE		0x1

/**
 * struct probelab_fw_load - PROBELAB_OP_FW_LOAD
 * @size: sizeof(struct probelab_fw_load)
 * @op: PROBELAB_OP_FW_LOAD
 * @flags: PROBELAB_FW_LOAD_BARE or 0
 * @__reserved: must be 0
 * @policy: enum probelab_policy the lab runs under from now on
 * @default_domain: PROBELAB_DOMAIN_DMA or PROBELAB_DOMAIN_IDENTITY, the type
 *	of every group's default domain
 * @desc_uptr: user pointer to the description (linux/probelab_fw.h)
 * @desc_len: its length in bytes, at most PROBELAB_FW_MAX_LEN
 * @err_record: out, on a rejected description: index of the offending
 *	record in blob order (0 the first record), or ~0U for the header
 * @err_offset: out, on a rejected description: byte offset of the
 *	offending field in the blob
 * @__reserved2: must be 0
 *
 * Replaces the lab's description.  -EBUSY while lab devices exist or an
 * instance is registered.  A rejected description leaves the previous one
 * in place and is logged with the record and field at fault.
 */
struct probelab_fw_load {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 policy;
	__u32 default_domain;
	__u64 desc_uptr;
	__u32 desc_len;
	__u32 err_record;
	__u32 err_offset;
	__u32 __reserved2;
};

/* Lab device kinds */
#define PROBELAB_DEV_PCI		1	/* segment, bus, devfn, aliases */
#define PROBELAB_DEV_NAMED		2	/* a description ENDPOINT by name */

#define PROBELAB_NAME_LEN		32
#define PROBELAB_MAX_ALIASES		8

/* probelab_dev_add.flags: the device starts with dma_ops of its platform
 * (a bounce-buffer or hypervisor dma_map_ops, as swiotlb-xen installs),
 * which every unbind or deferral must leave in place
 */
#define PROBELAB_DEV_ADD_PLATFORM_OPS	0x1

/**
 * struct probelab_dev_add - PROBELAB_OP_DEV_ADD
 * @size: sizeof(struct probelab_dev_add)
 * @op: PROBELAB_OP_DEV_ADD
 * @flags: PROBELAB_DEV_ADD_PLATFORM_OPS or 0
 * @__reserved: must be 0
 * @kind: PROBELAB_DEV_PCI or PROBELAB_DEV_NAMED
 * @segment: PCI segment (PCI)
 * @bus: PCI bus (PCI)
 * @devfn: PCI device and function, (dev << 3) | fn (PCI)
 * @name: NUL-terminated endpoint name (NAMED); must be all zero for PCI
 * @nr_aliases: number of valid @aliases (PCI), at most PROBELAB_MAX_ALIASES
 * @aliases: further requester IDs, (bus << 8) | devfn, the device issues
 *	DMA with (PCI DMA aliases)
 * @dev_id: out: the lab device id (>= 1)
 * @__reserved2: must be 0
 * @__reserved3: must be 0
 *
 * The device is added to the lab bus; under the "fixed" policy its IOMMU
 * probe runs during the add.  -EEXIST when a device with the same
 * identity exists, -ENODATA when no description is loaded.
 */
struct probelab_dev_add {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 kind;
	__u16 segment;
	__u8 bus;
	__u8 devfn;
	char name[PROBELAB_NAME_LEN];
	__u32 nr_aliases;
	__u16 aliases[PROBELAB_MAX_ALIASES];
	__u32 dev_id;
	__u32 __reserved2;
	__u32 __reserved3;
};

/**
 * struct probelab_dev_ref - DEV_REMOVE, DRV_UNBIND
 * @size: sizeof(struct probelab_dev_ref)
 * @op: the operation
 * @flags: must be 0
 * @__reserved: must be 0
 * @dev_id: the lab device
 * @__reserved2: must be 0
 */
struct probelab_dev_ref {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 dev_id;
	__u32 __reserved2;
};

/**
 * struct probelab_iommu_ref - IOMMU_REGISTER, IOMMU_UNREGISTER
 * @size: sizeof(struct probelab_iommu_ref)
 * @op: the operation
 * @flags: must be 0
 * @__reserved: must be 0
 * @name: NUL-terminated name of an IOMMU node of the loaded description
 */
struct probelab_iommu_ref {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	char name[PROBELAB_NAME_LEN];
};

/**
 * enum probelab_driver - the lab's drivers
 * @PROBELAB_DRV_DMA: "probelab-dma", a DMA-API client
 * @PROBELAB_DRV_USER: "probelab-user", driver_managed_dma (VFIO-like)
 * @PROBELAB_DRV_OWNOPS: "probelab-ownops", installs its own dma_map_ops
 * @PROBELAB_DRV_POOL: "probelab-pool", a page_pool-like DMA-API client
 *	whose pages may come back (and be unmapped) after it unbound
 */
enum probelab_driver {
	PROBELAB_DRV_DMA = 1,
	PROBELAB_DRV_USER = 2,
	PROBELAB_DRV_OWNOPS = 3,
	PROBELAB_DRV_POOL = 4,
};

/* probelab_drv_bind.result */
#define PROBELAB_BIND_BOUND		1
#define PROBELAB_BIND_DEFERRED		2	/* probe returned -EPROBE_DEFER */

/**
 * struct probelab_drv_bind - PROBELAB_OP_DRV_BIND
 * @size: sizeof(struct probelab_drv_bind)
 * @op: PROBELAB_OP_DRV_BIND
 * @flags: must be 0
 * @__reserved: must be 0
 * @dev_id: the lab device
 * @driver: enum probelab_driver
 * @result: out: PROBELAB_BIND_BOUND, or PROBELAB_BIND_DEFERRED when the
 *	driver core deferred the probe (the device then waits for its
 *	IOMMU instances and is retried by the policy's retrigger)
 * @__reserved2: must be 0
 *
 * Binding goes through the real driver core.  Other probe failures are
 * returned as their errno (-EBUSY, for example, from DMA ownership).
 */
struct probelab_drv_bind {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 dev_id;
	__u32 driver;
	__u32 result;
	__u32 __reserved2;
};

/**
 * enum probelab_dev_state - a lab device's IOMMU probe state
 * @PROBELAB_DEV_WAITING: some of its IOMMU instances are not registered
 * @PROBELAB_DEV_PROBED: IOMMU-probed: fwspecs complete, in a group
 * @PROBELAB_DEV_NO_IOMMU: the description puts no IOMMU in front of it
 * @PROBELAB_DEV_FAILED: the IOMMU probe failed (see the event's errno)
 * @PROBELAB_DEV_BARE: a device of a bare lab (PROBELAB_FW_LOAD_BARE): the
 *	IOMMU layer never looks at it
 */
enum probelab_dev_state {
	PROBELAB_DEV_WAITING = 1,
	PROBELAB_DEV_PROBED = 2,
	PROBELAB_DEV_NO_IOMMU = 3,
	PROBELAB_DEV_FAILED = 4,
	PROBELAB_DEV_BARE = 5,
};

/* struct probelab_query.what */
#define PROBELAB_QUERY_DEVICES		1	/* struct probelab_dev_info */
#define PROBELAB_QUERY_IOMMUS		2	/* struct probelab_iommu_info */
#define PROBELAB_QUERY_GROUPS		3	/* struct probelab_group_info */

#define PROBELAB_DEV_MAX_IOMMUS		4

/**
 * struct probelab_dev_info - one lab device (PROBELAB_QUERY_DEVICES)
 * @dev_id: lab device id
 * @kind: PROBELAB_DEV_PCI or PROBELAB_DEV_NAMED
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI devfn
 * @nr_aliases: valid entries of @aliases
 * @state: enum probelab_dev_state
 * @group_id: its group, 0 when none
 * @driver: bound enum probelab_driver, 0 when none
 * @domain_id: the domain the device is attached to, 0 when none
 * @domain_type: enum probelab_domain_type of that domain, 0 when none
 * @nr_iommus: instances in front of the device (fwspecs)
 * @iommus: their description IOMMU ordinals
 * @nr_ids: IDs of the first fwspec
 * @ids: the first fwspec's IDs (stream IDs or source IDs), first four
 * @aliases: PCI DMA aliases
 * @name: device name as shown by the driver core
 * @claims: device (iommufd-style) claims held on this device
 */
struct probelab_dev_info {
	__u32 dev_id;
	__u32 kind;
	__u16 segment;
	__u8 bus;
	__u8 devfn;
	__u32 nr_aliases;
	__u32 state;
	__u32 group_id;
	__u32 driver;
	__u32 domain_id;
	__u32 domain_type;
	__u32 nr_iommus;
	__u32 iommus[PROBELAB_DEV_MAX_IOMMUS];
	__u32 nr_ids;
	__u32 ids[4];
	__u16 aliases[PROBELAB_MAX_ALIASES];
	char name[PROBELAB_NAME_LEN];
	__u32 claims;
};

/**
 * struct probelab_iommu_info - one instance (PROBELAB_QUERY_IOMMUS)
 * @ordinal: IOMMU ordinal in the description
 * @model: enum probelab_fw_iommu_model
 * @registered: 1 when registered
 * @nr_devices: devices probed behind it
 * @nr_waiting: devices waiting for it
 * @__reserved: 0
 * @name: NUL-terminated name
 */
struct probelab_iommu_info {
	__u32 ordinal;
	__u32 model;
	__u32 registered;
	__u32 nr_devices;
	__u32 nr_waiting;
	__u32 __reserved;
	char name[PROBELAB_NAME_LEN];
};

/**
 * struct probelab_group_info - one group (PROBELAB_QUERY_GROUPS)
 * @group_id: group id (>= 1)
 * @iommu: description IOMMU ordinal
 * @nr_devices: member devices
 * @default_domain_id: its default domain
 * @default_domain_type: enum probelab_domain_type of the default domain
 * @domain_id: the domain the group is attached to
 * @domain_type: enum probelab_domain_type of that domain
 * @owner_cnt: DMA owners: bound DMA-API drivers, or explicit claims
 * @owned: 1 when an explicit owner claimed the group
 * @group_claimed: 1 when the owner holds a group (VFIO-style) claim; the
 *	other owner_cnt - group_claimed claims are device claims
 */
struct probelab_group_info {
	__u32 group_id;
	__u32 iommu;
	__u32 nr_devices;
	__u32 default_domain_id;
	__u32 default_domain_type;
	__u32 domain_id;
	__u32 domain_type;
	__u32 owner_cnt;
	__u32 owned;
	__u32 group_claimed;
};

/**
 * struct probelab_query - PROBELAB_OP_QUERY: list lab objects
 * @size: sizeof(struct probelab_query)
 * @op: PROBELAB_OP_QUERY
 * @flags: must be 0
 * @__reserved: must be 0
 * @what: PROBELAB_QUERY_*
 * @entry_size: in: size of one entry as userspace knows it (>= the first
 *	version); the kernel writes min(entry_size, its size) bytes per entry
 *	and zero-fills the rest
 * @entries_uptr: user pointer to an array of @nr_entries entries
 * @nr_entries: in: capacity of the array; out: number of objects (may be
 *	larger than the capacity: only the first capacity are written)
 * @__reserved2: must be 0
 */
struct probelab_query {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 what;
	__u32 entry_size;
	__u64 entries_uptr;
	__u32 nr_entries;
	__u32 __reserved2;
};

/* probelab_stats.flags */
#define PROBELAB_STATS_RESET		0x1	/* zero the counters after reading */

/**
 * struct probelab_stats - PROBELAB_OP_STATS: probe-layer counters
 * @size: sizeof(struct probelab_stats)
 * @op: PROBELAB_OP_STATS
 * @flags: PROBELAB_STATS_RESET or 0
 * @__reserved: must be 0
 * @iommu_probes: IOMMU probes of devices (fwspec built, group joined)
 * @bind_attempts: driver probes started by the driver core (dma_configure)
 * @deferrals: driver probes that returned -EPROBE_DEFER
 * @retriggers: re-probes of deferred devices started by the layer
 * @releases: devices released from their group (unregister, remove)
 * @fwspec_allocs: fwspecs built
 * @fwspec_frees: fwspecs freed
 * @violations: invariant violations detected
 */
struct probelab_stats {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u64 iommu_probes;
	__u64 bind_attempts;
	__u64 deferrals;
	__u64 retriggers;
	__u64 releases;
	__u64 fwspec_allocs;
	__u64 fwspec_frees;
	__u64 violations;
};

/* probelab_owner.flags, OWNER_RELEASE: @id is a device, not a group */
#define PROBELAB_OWNER_DEVICE		0x1

/**
 * struct probelab_owner - OWNER_CLAIM_GROUP, OWNER_CLAIM_DEVICE,
 *	OWNER_RELEASE
 * @size: sizeof(struct probelab_owner)
 * @op: the operation
 * @flags: OWNER_RELEASE: PROBELAB_OWNER_DEVICE to release a device claim;
 *	0 otherwise
 * @__reserved: must be 0
 * @id: group id (group claims and releases) or lab device id (device
 *	claims and releases)
 * @__reserved2: must be 0
 *
 * The owner token is the open file of /dev/probelab: closing it releases
 * its claims and frees its domains.  As mainline iommu.c: a claim fails
 * with -EBUSY while a DMA-API driver is bound in the group, while another
 * token owns it, or while the group is off its default domain.  A group
 * claim is one claim; device claims by one token are counted.  The first
 * claim moves the group to the blocking domain, the last release restores
 * its default domain.
 */
struct probelab_owner {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 id;
	__u32 __reserved2;
};

/**
 * struct probelab_domain_alloc - PROBELAB_OP_DOMAIN_ALLOC
 * @size: sizeof(struct probelab_domain_alloc)
 * @op: PROBELAB_OP_DOMAIN_ALLOC
 * @flags: must be 0
 * @__reserved: must be 0
 * @dev_id: a probed lab device: the domain uses its instance's page-table
 *	format (as iommufd's IOMMU_HWPT_ALLOC names a device)
 * @type: PROBELAB_DOMAIN_UNMANAGED, PROBELAB_DOMAIN_IDENTITY or
 *	PROBELAB_DOMAIN_BLOCKED
 * @domain_id: out: the new domain, owned by this file
 * @__reserved2: must be 0
 */
struct probelab_domain_alloc {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 dev_id;
	__u32 type;
	__u32 domain_id;
	__u32 __reserved2;
};

/**
 * struct probelab_domain_ref - PROBELAB_OP_DOMAIN_FREE
 * @size: sizeof(struct probelab_domain_ref)
 * @op: PROBELAB_OP_DOMAIN_FREE
 * @flags: must be 0
 * @__reserved: must be 0
 * @domain_id: a domain this file allocated and no group is attached to
 * @__reserved2: must be 0
 */
struct probelab_domain_ref {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 domain_id;
	__u32 __reserved2;
};

/* probelab_attach.flags: @target is a device (its group is attached) */
#define PROBELAB_ATTACH_DEVICE		0x1

/**
 * struct probelab_attach - PROBELAB_OP_ATTACH, PROBELAB_OP_DETACH
 * @size: sizeof(struct probelab_attach)
 * @op: the operation
 * @flags: PROBELAB_ATTACH_DEVICE or 0
 * @__reserved: must be 0
 * @target: group id, or lab device id with PROBELAB_ATTACH_DEVICE
 * @domain_id: ATTACH: a domain of this file's; DETACH: must be 0
 *
 * Only the group's owner attaches and detaches; a detached claimed group
 * goes back to the blocking domain.
 */
struct probelab_attach {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 target;
	__u32 domain_id;
};

/* probelab_map.prot */
#define PROBELAB_PROT_READ		0x1
#define PROBELAB_PROT_WRITE		0x2

/**
 * struct probelab_map - PROBELAB_OP_MAP, PROBELAB_OP_UNMAP
 * @size: sizeof(struct probelab_map)
 * @op: the operation
 * @flags: must be 0
 * @__reserved: must be 0
 * @domain_id: an UNMANAGED domain of this file's
 * @prot: MAP: PROBELAB_PROT_*, at least one; UNMAP: must be 0
 * @iova: first IOVA, 4K aligned, below 2^48
 * @paddr: MAP: the (model) physical address, 4K aligned; UNMAP: must be 0
 * @length: bytes, a non-zero multiple of 4K
 * @done: out: bytes mapped or unmapped
 */
struct probelab_map {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 domain_id;
	__u32 prot;
	__u64 iova;
	__u64 paddr;
	__u64 length;
	__u64 done;
};

/**
 * struct probelab_iova - PROBELAB_OP_IOVA_TO_PHYS
 * @size: sizeof(struct probelab_iova)
 * @op: PROBELAB_OP_IOVA_TO_PHYS
 * @flags: must be 0
 * @__reserved: must be 0
 * @domain_id: a paging domain
 * @__reserved2: must be 0
 * @iova: the IOVA
 * @paddr: out: its physical address; -ENOENT when unmapped
 */
struct probelab_iova {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 domain_id;
	__u32 __reserved2;
	__u64 iova;
	__u64 paddr;
};

/* probelab_check.flags */
#define PROBELAB_CHECK_AUTO_ON		0x1	/* check after every op */
#define PROBELAB_CHECK_AUTO_OFF		0x2

#define PROBELAB_VIOLATION_TEXT		128
#define PROBELAB_VIOLATION_SEQS		8

/**
 * struct probelab_violation - one invariant violation
 * @invariant: the invariant of DESIGN.md section 3 (1..9)
 * @dev_id: the lab device involved, 0 when none
 * @group_id: the group involved, 0 when none
 * @domain_id: the domain involved, 0 when none
 * @seq: event sequence number when it was detected
 * @nr_seqs: valid entries of @seqs
 * @__reserved: 0
 * @seqs: sequence numbers of the last events of @dev_id (or of the lab)
 *	before the detection, oldest first: the trace that led there
 * @what: NUL-terminated description
 */
struct probelab_violation {
	__u32 invariant;
	__u32 dev_id;
	__u32 group_id;
	__u32 domain_id;
	__u64 seq;
	__u32 nr_seqs;
	__u32 __reserved;
	__u64 seqs[PROBELAB_VIOLATION_SEQS];
	char what[PROBELAB_VIOLATION_TEXT];
};

/**
 * struct probelab_check - PROBELAB_OP_CHECK: run the invariant checker
 * @size: sizeof(struct probelab_check)
 * @op: PROBELAB_OP_CHECK
 * @flags: PROBELAB_CHECK_AUTO_ON or _OFF, or 0
 * @__reserved: must be 0
 * @entries_uptr: user pointer to an array of struct probelab_violation
 * @nr_entries: in: its capacity; out: violations found by this run (only
 *	the first capacity are written)
 * @entry_size: in: sizeof(struct probelab_violation) as userspace knows it
 * @auto_check: out: 1 when checking after every op is on
 * @__reserved2: must be 0
 * @total: out: violations detected since the lab was reset, by this run,
 *	by automatic runs and by the layer itself
 */
struct probelab_check {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u64 entries_uptr;
	__u32 nr_entries;
	__u32 entry_size;
	__u32 auto_check;
	__u32 __reserved2;
	__u64 total;
};

/* probelab_inject.action */
#define PROBELAB_INJECT_OFF		0	/* disarm the point */
#define PROBELAB_INJECT_DELAY		1	/* sleep, or spin in atomic context */
#define PROBELAB_INJECT_FAIL		2	/* make the step fail: error */

#define PROBELAB_INJECT_MAX_DELAY_US	1000000	/* 1 s */
#define PROBELAB_INJECT_MAX_ATOMIC_US	1000	/* spun, not slept */
#define PROBELAB_INJECT_PPM		1000000	/* probability unit */

/* probelab_inject.flags */
#define PROBELAB_INJECT_QUERY		0x1	/* read the point, change nothing */
#define PROBELAB_INJECT_FAIL_NTH	0x2	/* the global fail-nth counter */

/**
 * struct probelab_inject - PROBELAB_OP_INJECT: arm, disarm or read one
 *	injection point (debugfs inject/ lists them all)
 * @size: sizeof(struct probelab_inject)
 * @op: PROBELAB_OP_INJECT
 * @flags: PROBELAB_INJECT_QUERY or 0
 * @__reserved: must be 0
 * @point: NUL-terminated name of the point ("probe.xlate", ...)
 * @action: PROBELAB_INJECT_OFF, _DELAY or _FAIL
 * @error: FAIL: the negative errno the step returns (-4095..-1)
 * @delay_us: DELAY: microseconds, at most PROBELAB_INJECT_MAX_DELAY_US
 *	(PROBELAB_INJECT_MAX_ATOMIC_US for points in atomic context)
 * @jitter_us: DELAY: a further 0..jitter_us, from the point's generator
 * @every_nth: fire on every Nth hit (0 or 1: every hit)
 * @ppm: fire with this probability in parts per million (0: always);
 *	combined with @every_nth: every Nth hit is a candidate
 * @dev_id: only hits for this lab device count (0: any)
 * @__reserved2: must be 0
 * @seed: seed of the point's generator (jitter and probability), so that
 *	a run with the same seed and the same sequence of hits fires alike
 * @hits: out: hits since the point was armed
 * @fired: out: hits that delayed or failed
 *
 * With PROBELAB_INJECT_FAIL_NTH the operation sets (or, with
 * PROBELAB_INJECT_QUERY too, reads) the global fail-nth counter instead
 * of one point, as iommufd_fail_nth.c does with the kernel's fail-nth:
 * @point must be empty (all zero); @action is PROBELAB_INJECT_FAIL
 * (arm) or PROBELAB_INJECT_OFF (disarm); @every_nth (>= 1) names the hit,
 * counted over every point that can fail (debugfs inject/<point>
 * can_fail: 1) from the arming on, that fails with @error - once, then the
 * counter disarms itself; @delay_us, @jitter_us, @ppm, @dev_id and @seed
 * must be 0 (EINVAL otherwise).  @hits counts fail-capable hits since the
 * arming, @fired is 1 once the nth hit failed.  Points armed on their own
 * act as well; LAB_RESET disarms the counter.
 */
struct probelab_inject {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	char point[PROBELAB_NAME_LEN];
	__u32 action;
	__s32 error;
	__u32 delay_us;
	__u32 jitter_us;
	__u32 every_nth;
	__u32 ppm;
	__u32 dev_id;
	__u32 __reserved2;
	__u64 seed;
	__u64 hits;
	__u64 fired;
};

/* probelab_race.actor: what the kernel threads do */
#define PROBELAB_RACE_OF_CONFIGURE	1	/* of_dma_configure() by a driver */
#define PROBELAB_RACE_DMA_MAP		2	/* dma_map_page() + dma_unmap_page() */

#define PROBELAB_RACE_MAX_THREADS	8
#define PROBELAB_RACE_MAX_MS		60000
/* probelab_race.map_size bounds (PROBELAB_RACE_DMA_MAP) */
#define PROBELAB_RACE_MAP_MIN		0x1000		/* 4 KiB */
#define PROBELAB_RACE_MAP_MAX		0x200000	/* 2 MiB */

/**
 * struct probelab_race - PROBELAB_OP_RACE: run kernel threads against one
 *	device, for the windows only the kernel reaches
 * @size: sizeof(struct probelab_race)
 * @op: PROBELAB_OP_RACE
 * @flags: must be 0
 * @__reserved: must be 0
 * @actor: PROBELAB_RACE_*
 * @dev_id: the lab device the threads work on
 * @threads: 1..PROBELAB_RACE_MAX_THREADS kernel threads
 * @duration_ms: 1..PROBELAB_RACE_MAX_MS; the op returns when it ends
 *	(or earlier, when @iterations are done or a signal arrives)
 * @iterations: per thread, 0 for no limit
 * @cycles: out: actor steps run, all threads together
 * @violations: out: violations reported while the threads ran
 * @map_size: PROBELAB_RACE_DMA_MAP: bytes per mapping, a power of two in
 *	PROBELAB_RACE_MAP_MIN..PROBELAB_RACE_MAP_MAX; any other actor: 0
 *	(added after the first version: a caller that leaves it out is
 *	read as 0)
 * @map_errors: out: PROBELAB_RACE_DMA_MAP: dma_map_page() calls that
 *	returned DMA_MAPPING_ERROR (counted in @cycles too; such a step
 *	unmaps nothing); in: must be 0
 *
 * PROBELAB_RACE_OF_CONFIGURE runs the policy's firmware step of
 * dma_configure without the device lock, as the drivers that call
 * of_dma_configure() themselves do, while userspace binds, unbinds and
 * defers the same device from other threads.
 *
 * PROBELAB_RACE_DMA_MAP: each step is one dma_map_page() and one
 * dma_unmap_page() of a @map_size buffer (allocated once per op, shared
 * by the threads) for the device, which must be bound to a DMA-API lab
 * driver with the lab dma_ops in place (EINVAL otherwise): the cost of
 * the lab dma_ops without a syscall per mapping.  The op holds the
 * device lock while its threads run, so the driver stays bound (a
 * DRV_UNBIND of the device waits for the op).
 */
struct probelab_race {
	__u32 size;
	__u32 op;
	__u32 flags;
	__u32 __reserved;
	__u32 actor;
	__u32 dev_id;
	__u32 threads;
	__u32 duration_ms;
	__u64 iterations;
	__u64 cycles;
	__u64 violations;
	__u32 map_size;
	__u32 map_errors;
};

/*
 * Generic netlink: family PROBELAB_GENL_NAME, multicast group "events".
 * Every state change of the lab is one PROBELAB_CMD_EVENT message carrying
 * PROBELAB_ATTR_SEQ, PROBELAB_ATTR_TIMESTAMP and PROBELAB_ATTR_EVENT, plus
 * the attributes naming the objects involved.
 */
#define PROBELAB_GENL_NAME		"probelab"
#define PROBELAB_GENL_VERSION		1
#define PROBELAB_GENL_MCGRP_EVENTS	"events"

enum probelab_genl_cmd {
	PROBELAB_CMD_UNSPEC,
	PROBELAB_CMD_EVENT,
};

enum probelab_genl_attr {
	PROBELAB_ATTR_UNSPEC,
	PROBELAB_ATTR_PAD,
	PROBELAB_ATTR_SEQ,		/* u64: lab event sequence number */
	PROBELAB_ATTR_TIMESTAMP,	/* u64: ktime_get_ns() */
	PROBELAB_ATTR_EVENT,		/* u32: enum probelab_event */
	PROBELAB_ATTR_DEV_ID,		/* u32 */
	PROBELAB_ATTR_DEV_NAME,		/* string */
	PROBELAB_ATTR_IOMMU,		/* string: instance name */
	PROBELAB_ATTR_GROUP,		/* u32 */
	PROBELAB_ATTR_DOMAIN,		/* u32 */
	PROBELAB_ATTR_DOMAIN_TYPE,	/* u32: enum probelab_domain_type */
	PROBELAB_ATTR_ERRNO,		/* s32: result of the step, 0 or -errno */
	PROBELAB_ATTR_DRIVER,		/* u32: enum probelab_driver */
	PROBELAB_ATTR_POLICY,		/* u32: enum probelab_policy */
	PROBELAB_ATTR_DETAIL,		/* string: human-readable detail */
	PROBELAB_ATTR_INVARIANT,	/* u32: violated invariant (1..9) */
	__PROBELAB_ATTR_MAX,
};

#define PROBELAB_ATTR_MAX		(__PROBELAB_ATTR_MAX - 1)

/**
 * enum probelab_event - PROBELAB_ATTR_EVENT values
 * @PROBELAB_EV_FW_LOAD: a description was loaded
 * @PROBELAB_EV_DEV_ADD: a lab device was added
 * @PROBELAB_EV_DEV_REMOVE: a lab device was removed
 * @PROBELAB_EV_IOMMU_REGISTER: an instance registered
 * @PROBELAB_EV_IOMMU_UNREGISTER: an instance unregistered
 * @PROBELAB_EV_IOMMU_PROBE: a device was IOMMU-probed (fwspecs, group)
 * @PROBELAB_EV_IOMMU_WAIT: a device waits for an instance
 * @PROBELAB_EV_IOMMU_RELEASE: a device was released from its group
 * @PROBELAB_EV_BIND: a driver bound (errno 0) or failed to (errno)
 * @PROBELAB_EV_DEFER: a driver probe was deferred
 * @PROBELAB_EV_RETRIGGER: the layer re-probed a deferred device
 * @PROBELAB_EV_UNBIND: a driver unbound
 * @PROBELAB_EV_GROUP_ALLOC: a group was created with its default domain
 * @PROBELAB_EV_GROUP_FREE: a group was freed
 * @PROBELAB_EV_DOMAIN_ATTACH: a group moved to a domain
 * @PROBELAB_EV_DMA_OPS: dma_ops installed or restored on a device
 * @PROBELAB_EV_VIOLATION: an invariant violation (detail names it)
 * @PROBELAB_EV_CLAIM: a DMA ownership claim (group and owner count)
 * @PROBELAB_EV_RELEASE: a DMA ownership release
 * @PROBELAB_EV_DOMAIN_ALLOC: a domain was allocated
 * @PROBELAB_EV_DOMAIN_FREE: a domain was freed
 * @PROBELAB_EV_HW_WRITE: an STE or context entry was rewritten (detail:
 *	the number of steps and invalidations)
 */
enum probelab_event {
	PROBELAB_EV_FW_LOAD = 1,
	PROBELAB_EV_DEV_ADD,
	PROBELAB_EV_DEV_REMOVE,
	PROBELAB_EV_IOMMU_REGISTER,
	PROBELAB_EV_IOMMU_UNREGISTER,
	PROBELAB_EV_IOMMU_PROBE,
	PROBELAB_EV_IOMMU_WAIT,
	PROBELAB_EV_IOMMU_RELEASE,
	PROBELAB_EV_BIND,
	PROBELAB_EV_DEFER,
	PROBELAB_EV_RETRIGGER,
	PROBELAB_EV_UNBIND,
	PROBELAB_EV_GROUP_ALLOC,
	PROBELAB_EV_GROUP_FREE,
	PROBELAB_EV_DOMAIN_ATTACH,
	PROBELAB_EV_DMA_OPS,
	PROBELAB_EV_VIOLATION,
	PROBELAB_EV_CLAIM,
	PROBELAB_EV_RELEASE,
	PROBELAB_EV_DOMAIN_ALLOC,
	PROBELAB_EV_DOMAIN_FREE,
	PROBELAB_EV_HW_WRITE,
};

#endif /* _UAPI_LINUX_PROBELAB_H */

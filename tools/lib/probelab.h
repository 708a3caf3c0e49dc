/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprobelab: userspace access to probelab.ko.
 *
 * Functions return 0 (or a non-negative value) on success and a negative
 * errno on failure; none of them prints.  Where a message helps, the caller
 * passes a buffer that receives one line saying what went wrong.
 */
#ifndef LIBPROBELAB_H
#define LIBPROBELAB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/probelab.h>

#define PL_DEVICE_PATH	"/dev/" PROBELAB_DEVICE_NAME
#define PL_MODULE_NAME	"probelab"

struct pl_handle;

/* Open /dev/probelab (O_RDWR | O_CLOEXEC). */
int pl_open(struct pl_handle **out);
void pl_close(struct pl_handle *h);
int pl_fd(const struct pl_handle *h);

/*
 * Issue one operation.  @cmd points at an operation structure whose
 * size and op fields the caller has set.
 */
int pl_cmd(struct pl_handle *h, void *cmd);

int pl_get_info(struct pl_handle *h, struct probelab_info *info);

/* Names of enum probelab_policy values ("fixed", "linux-6.1", "mainline"). */
const char *pl_policy_name(unsigned int policy);
int pl_policy_from_name(const char *name);	/* -EINVAL when unknown */
#define PL_NR_POLICIES	3
/*
 * "fixed", "fixed,linux-6.1" or "all" into @pol (PL_NR_POLICIES entries,
 * in the order given) and *@nr: -EINVAL for an unknown or repeated name,
 * or an empty list.
 */
int pl_policies_from_list(const char *arg, unsigned int *pol,
			  unsigned int *nr);

/* Names of enum probelab_op values, NULL when unknown. */
const char *pl_op_name(unsigned int op);

/*
 * Module handling through libkmod.
 * pl_module_load: @path NULL looks "probelab" up in the running kernel's
 * module directory (modules.dep); @params may be NULL.  Returns -EEXIST
 * when the module is already loaded.
 * pl_module_unload: retries while the module is in use (-EAGAIN), backing
 * off exponentially from 10 ms, for at most @wait_ms milliseconds; returns
 * -ENOENT when it is not loaded, -EAGAIN when it stayed in use.
 * pl_module_state: 1 live, 0 not loaded, negative errno on error.
 */
int pl_module_load(const char *path, const char *params, char *err,
		   size_t errlen);
int pl_module_unload(unsigned int wait_ms, unsigned int *attempts, char *err,
		     size_t errlen);
int pl_module_state(void);

/* ======================================================================
 * Lab operations (tools/lib/ops.c): FW_LOAD, LAB_RESET, DEV_ADD/REMOVE,
 * IOMMU_REGISTER/UNREGISTER, DRV_BIND/UNBIND, QUERY, STATS, and the name
 * tables of their enums.  Same conventions as above: 0 or a non-negative
 * value on success, a negative errno on failure, nothing printed.
 * ====================================================================== */

/*
 * Names of uapi enum values; NULL (or "none" where said) when unknown.
 * pl_driver_name: "dma", "user", "ownops" (enum probelab_driver);
 * pl_driver_kname: the kernel driver's name, "probelab-dma", ...
 * pl_driver_from_name accepts both spellings.
 */
const char *pl_driver_name(unsigned int driver);
const char *pl_driver_kname(unsigned int driver);
int pl_driver_from_name(const char *name);		/* -EINVAL unknown */
const char *pl_dev_state_name(unsigned int state);	/* "waiting", ... */
const char *pl_dev_kind_name(unsigned int kind);	/* "pci", "named" */
/* "identity", "dma", "blocked", "unmanaged"; 0 gives "none" */
const char *pl_domain_type_name(unsigned int type);
int pl_domain_type_from_name(const char *name);	/* -EINVAL unknown */
const char *pl_iommu_model_name(unsigned int model);	/* "smmuv3", "vtd" */
const char *pl_bind_result_name(unsigned int result);	/* "bound", ... */
const char *pl_event_name(unsigned int event);		/* "BIND", ... */
int pl_event_from_name(const char *name);		/* -EINVAL unknown */
const char *pl_fw_rec_type_name(unsigned int type);	/* "IOMMU", ... */
/* Symbolic errno ("EBUSY", "EPROBE_DEFER"); @err positive or negative. */
const char *pl_errno_name(int err);

/*
 * PCI addresses: "SEG:BUS:DEV.FN" or "BUS:DEV.FN", hexadecimal (segment
 * up to 4 digits, bus 2, device 2 (<= 0x1f), function 1 (<= 7)).
 * @segment is left alone when the string has none.  -EINVAL otherwise.
 */
int pl_parse_bdf(const char *s, uint16_t *segment, uint8_t *bus,
		 uint8_t *devfn);

/*
 * Where FW_LOAD found a description at fault.  @valid is 0 when the
 * operation failed for another reason (busy lab, policy, length...).
 * @record is the index of the record in blob order, ~0U for the header;
 * @offset the byte offset of the offending field in the blob.
 */
struct pl_fw_reject {
	int valid;
	uint32_t record;
	uint32_t offset;
};

/*
 * FW_LOAD: @policy is an enum probelab_policy, @default_domain
 * PROBELAB_DOMAIN_DMA or PROBELAB_DOMAIN_IDENTITY.  @rej may be NULL.
 * -EOPNOTSUPP for a policy the module does not implement, -EBUSY while
 * lab devices exist or an instance is registered.
 */
int pl_fw_load(struct pl_handle *h, const void *blob, size_t len,
	       unsigned int policy, unsigned int default_domain,
	       struct pl_fw_reject *rej);

/*
 * FW_LOAD with operation flags (PROBELAB_FW_LOAD_BARE: a lab without the
 * IOMMU layer); -EINVAL from a module that does not know a flag.
 */
int pl_fw_load_flags(struct pl_handle *h, const void *blob, size_t len,
		     unsigned int policy, unsigned int default_domain,
		     uint32_t flags, struct pl_fw_reject *rej);

/*
 * Type (enum probelab_fw_rec_type), per-type ordinal and blob offset of
 * record @index of a description blob, walking its framing; -ENOENT
 * when the blob has no such record (or its framing is broken before it).
 */
int pl_fw_blob_locate(const void *blob, size_t len, uint32_t index,
		      unsigned int *type, unsigned int *ordinal,
		      size_t *offset);

int pl_lab_reset(struct pl_handle *h);

/* DEV_ADD of a PCI function (at most PROBELAB_MAX_ALIASES aliases,
 * requester IDs (bus << 8) | devfn) or of a named device. */
int pl_dev_add_pci(struct pl_handle *h, uint16_t segment, uint8_t bus,
		   uint8_t devfn, const uint16_t *aliases,
		   unsigned int nr_aliases, uint32_t *dev_id);
int pl_dev_add_named(struct pl_handle *h, const char *name,
		     uint32_t *dev_id);
/* ... with DEV_ADD flags (PROBELAB_DEV_ADD_PLATFORM_OPS). */
int pl_dev_add_named_flags(struct pl_handle *h, const char *name,
			   uint32_t flags, uint32_t *dev_id);
int pl_dev_remove(struct pl_handle *h, uint32_t dev_id);

int pl_iommu_register(struct pl_handle *h, const char *name);
int pl_iommu_unregister(struct pl_handle *h, const char *name);

/* DRV_BIND: *result (may be NULL) gets PROBELAB_BIND_BOUND or _DEFERRED. */
int pl_drv_bind(struct pl_handle *h, uint32_t dev_id, unsigned int driver,
		uint32_t *result);
/* DRV_UNBIND: -ENODEV when no driver was bound. */
int pl_drv_unbind(struct pl_handle *h, uint32_t dev_id);

/* STATS into @st; @reset zeroes the counters after reading them. */
int pl_stats(struct pl_handle *h, struct probelab_stats *st, int reset);

/*
 * QUERY, one call: up to @cap entries of @entry_size bytes into @entries;
 * *nr gets the number of objects (may exceed @cap).
 */
int pl_query(struct pl_handle *h, unsigned int what, void *entries,
	     size_t entry_size, unsigned int cap, unsigned int *nr);
/*
 * QUERY every object of a kind into a malloc()ed array (*out, NULL when
 * none, free() it), retrying while the set grows under us.
 */
int pl_query_devices(struct pl_handle *h, struct probelab_dev_info **out,
		     unsigned int *nr);
int pl_query_iommus(struct pl_handle *h, struct probelab_iommu_info **out,
		    unsigned int *nr);
int pl_query_groups(struct pl_handle *h, struct probelab_group_info **out,
		    unsigned int *nr);

/*
 * A lab device by reference: a decimal id, the driver-core name
 * ("pci-0000:00:02.0", or a named device's name) or a PCI address as
 * pl_parse_bdf() reads it (segment 0 when absent).  @info (may be NULL)
 * gets its QUERY entry.  -ENOENT when no device matches.
 */
int pl_dev_lookup(struct pl_handle *h, const char *ref, uint32_t *dev_id,
		  struct probelab_dev_info *info);

/* ======================================================================
 * DMA ownership, domains, page tables, the invariant checker and the
 * injection points (tools/lib/own.c).  The owner token is the handle:
 * claims last while it is open, the domains it allocated are freed when
 * it is closed.  Same conventions: 0 or a negative errno, nothing printed.
 * ====================================================================== */

/* Whether the running module implements @op (GET_INFO's ops): 1, 0 or -errno. */
int pl_has_op(struct pl_handle *h, unsigned int op);

/*
 * OWNER_CLAIM_GROUP / _DEVICE and OWNER_RELEASE.  -EBUSY while a DMA-API
 * driver is bound in the group, another token owns it or it is off its
 * default domain; release: -EINVAL when this handle holds no such claim.
 */
int pl_claim_group(struct pl_handle *h, uint32_t group_id);
int pl_claim_device(struct pl_handle *h, uint32_t dev_id);
int pl_release_group(struct pl_handle *h, uint32_t group_id);
int pl_release_device(struct pl_handle *h, uint32_t dev_id);

/*
 * Who owns a group, from its QUERY entry: nobody (owner_cnt 0), bound
 * DMA-API drivers (owner_cnt of them), or an explicit owner (owner_cnt
 * claims).  A group off its default domain counts as claimed even when
 * the module leaves @owned at 0: only an explicit owner moves it.
 */
enum pl_owner_kind {
	PL_OWNER_NONE,
	PL_OWNER_DMA_API,
	PL_OWNER_CLAIMED,
};
enum pl_owner_kind pl_group_owner(const struct probelab_group_info *g);
const char *pl_owner_kind_name(enum pl_owner_kind kind); /* "none", ... */

/* DOMAIN_ALLOC in @dev_id's instance format; @type UNMANAGED, IDENTITY
 * or BLOCKED.  DOMAIN_FREE: -EBUSY while attached, -ENOENT when the
 * domain is not this handle's. */
int pl_domain_alloc(struct pl_handle *h, uint32_t dev_id, unsigned int type,
		    uint32_t *domain_id);
int pl_domain_free(struct pl_handle *h, uint32_t domain_id);
/* ATTACH / DETACH a group (or the group of device @target when
 * @is_device); only its owner may (-EPERM).  DETACH goes back to the
 * blocking domain. */
int pl_attach(struct pl_handle *h, uint32_t target, int is_device,
	      uint32_t domain_id);
int pl_detach(struct pl_handle *h, uint32_t target, int is_device);

/*
 * MAP / UNMAP / IOVA_TO_PHYS on an UNMANAGED domain of this handle's.
 * *done (may be NULL) gets the bytes mapped or unmapped, also on failure.
 * -EOPNOTSUPP from a module without page tables (see pl_has_op()).
 */
int pl_map(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
	   uint64_t paddr, uint64_t length, unsigned int prot,
	   uint64_t *done);
int pl_unmap(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
	     uint64_t length, uint64_t *done);
int pl_iova_to_phys(struct pl_handle *h, uint32_t domain_id, uint64_t iova,
		    uint64_t *paddr);

/* The kernel returns at most this many violations per CHECK. */
#define PL_CHECK_MAX_ENTRIES	256

/**
 * struct pl_check_result - one CHECK run
 * @found: violations this run found (may exceed @nr)
 * @nr: entries of @v
 * @auto_check: 1 when the module checks after every op
 * @total: violations since the lab was reset (runs, auto runs, the layer)
 * @v: the first @nr violations, malloc()ed (NULL when none)
 */
struct pl_check_result {
	unsigned int found;
	unsigned int nr;
	int auto_check;
	uint64_t total;
	struct probelab_violation *v;
};

/*
 * CHECK: @flags 0, PROBELAB_CHECK_AUTO_ON or _AUTO_OFF; up to @max
 * violations (at most PL_CHECK_MAX_ENTRIES) are returned.
 */
int pl_check(struct pl_handle *h, unsigned int flags, unsigned int max,
	     struct pl_check_result *r);
void pl_check_result_free(struct pl_check_result *r);
/* Short name of invariant 1..9 of DESIGN.md section 3, NULL otherwise. */
const char *pl_invariant_name(unsigned int invariant);

/*
 * INJECT: @c has point, action, error, delay_us, jitter_us, every_nth,
 * ppm, dev_id, seed and flags set by the caller (size and op are filled
 * in); hits and fired come back.  With PROBELAB_INJECT_FAIL_NTH in flags
 * @c names no point: it sets or reads the global fail-nth counter.  pl_inject_query reads one point
 * (-ENOENT: no such point), pl_inject_off disarms it.
 */
int pl_inject(struct pl_handle *h, struct probelab_inject *c);
int pl_inject_query(struct pl_handle *h, const char *point,
		    struct probelab_inject *out);
int pl_inject_off(struct pl_handle *h, const char *point);
/* The points this library knows of by index, NULL past the last. */
const char *pl_inject_point_name(unsigned int i);
const char *pl_inject_action_name(unsigned int action); /* "off", ... */

#define PL_INJECT_DEBUGFS	"/sys/kernel/debug/probelab/inject"

/**
 * struct pl_inject_point - one injection point as pl_inject_list() found it
 * @name: its name
 * @state: its QUERY answer (action, error, delay..., hits, fired)
 * @has_debugfs: 1 when @step, @context and @can_fail come from debugfs
 * @can_fail: 1 or 0 from debugfs, -1 unknown
 * @step: the step it sits at ("" unknown)
 * @context: "sleeps" or "atomic" ("" unknown)
 */
struct pl_inject_point {
	char name[PROBELAB_NAME_LEN];
	struct probelab_inject state;
	int has_debugfs;
	int can_fail;
	char step[128];
	char context[16];
};

/*
 * Every injection point: the files of @debugfs_dir (NULL or unreadable:
 * only the points this library knows) plus the known ones, each QUERYed
 * (a name the module does not know is left out).  *out is malloc()ed.
 */
int pl_inject_list(struct pl_handle *h, const char *debugfs_dir,
		   struct pl_inject_point **out, unsigned int *nr);

/* ======================================================================
 * Parsers of command-line values (tools/lib/parse.c); -EINVAL for what
 * they do not understand, -ERANGE for a number that does not fit.
 * ====================================================================== */

/* "EIO", "eio", "5" or "-5" -> 5; also EPROBE_DEFER, ENOTSUP, ...;
 * errnos are 1..4095. */
int pl_errno_from_name(const char *s);
/* Decimal or 0x hexadecimal, no sign, no blanks. */
int pl_parse_u64(const char *s, uint64_t *out);
/* pl_parse_u64 with an optional binary suffix K, M, G or T (decimal
 * only: "4K", "2M", "0x1000"). */
int pl_parse_size(const char *s, uint64_t *out);
/* "r", "w", "rw" (either order) or "read", "write", "read,write":
 * PROBELAB_PROT_* bits (never 0). */
int pl_parse_prot(const char *s, unsigned int *prot);
const char *pl_prot_name(unsigned int prot);	/* "rw", "r", "w", "-" */

/**
 * struct pl_inject_args - `probelab inject` arguments
 * @list: --list
 * @query: a point and no action: show it (cmd.flags has INJECT_QUERY)
 * @point: the point (points into argv), NULL with --list
 * @dev: --dev reference (points into argv), NULL for any device
 * @cmd: the INJECT operation, ready but for dev_id
 */
struct pl_inject_args {
	int list;
	int query;
	const char *point;
	const char *dev;
	struct probelab_inject cmd;
};

/*
 * Parses POINT (--delay US [--jitter US] | --fail ERRNO | --off)
 * [--every N] [--ppm P] [--dev ID] [--seed S], or POINT alone, or
 * --list; "--opt VALUE" or "--opt=VALUE".  @argv holds the arguments
 * after the command name.  -EINVAL with a message in @err.
 */
int pl_inject_parse_args(int argc, char *const argv[],
			 struct pl_inject_args *a, char *err, size_t errlen);

/* ======================================================================
 * Lab events (tools/lib/events.c): a subscriber of the generic netlink
 * family PROBELAB_GENL_NAME, multicast group "events" (libnl-genl).
 * ====================================================================== */

/* struct pl_event.has: which optional attributes the event carried */
#define PL_EV_HAS_DEV		0x001	/* dev_id and dev_name */
#define PL_EV_HAS_IOMMU		0x002
#define PL_EV_HAS_GROUP		0x004
#define PL_EV_HAS_DOMAIN	0x008	/* domain and domain_type */
#define PL_EV_HAS_ERRNO		0x010
#define PL_EV_HAS_DRIVER	0x020
#define PL_EV_HAS_POLICY	0x040
#define PL_EV_HAS_DETAIL	0x080
#define PL_EV_HAS_INVARIANT	0x100

/**
 * struct pl_event - one decoded lab event
 * @seq: the lab's event sequence number (every event takes one, listened
 *	to or not)
 * @timestamp_ns: ktime_get_ns() (CLOCK_MONOTONIC) when it happened
 * @event: enum probelab_event
 * @has: PL_EV_HAS_* bits
 * @missed: sequence numbers skipped between the previous event this
 *	monitor received and this one (0 for the first event): events lost
 *	(socket overrun) or still to arrive out of order
 * @late: 1 when @seq is not above every sequence number received before
 *	(delivered out of order, after being counted in @missed)
 * @err: 0 or a negative errno, the result of the step
 */
struct pl_event {
	uint64_t seq;
	uint64_t timestamp_ns;
	uint32_t event;
	uint32_t has;
	uint64_t missed;
	int late;
	uint32_t dev_id;
	uint32_t group;
	uint32_t domain;
	uint32_t domain_type;
	uint32_t driver;
	uint32_t policy;
	int32_t err;
	uint32_t invariant;
	char dev_name[64];
	char iommu[PROBELAB_NAME_LEN];
	char detail[256];
};

/* Counters of one monitor since it was opened. */
struct pl_monitor_stats {
	uint64_t events;	/* events delivered to the callback */
	uint64_t missed;	/* sum of pl_event.missed */
	uint64_t gaps;		/* events with missed != 0 */
	uint64_t late;		/* events with late set */
	uint64_t overruns;	/* receive buffer overruns (ENOBUFS) */
	uint64_t malformed;	/* messages dropped: not a decodable event */
};

/* A monitor is one socket: use it from one thread at a time. */
struct pl_monitor;

/*
 * Called once per event, in arrival order.  Return 0 to go on, non-zero
 * to make pl_monitor_poll() return 1 after this event (events still
 * queued stay queued for the next call).
 */
typedef int (*pl_event_fn)(const struct pl_event *ev, void *arg);

/*
 * Resolve the family and its group by name and subscribe.  Events
 * multicast from now on are queued on the socket.  -ENOENT (with a
 * message) when the family is not registered (probelab.ko not loaded).
 */
int pl_monitor_open(struct pl_monitor **out, char *err, size_t errlen);
void pl_monitor_close(struct pl_monitor *m);
/* The socket, for poll()ing beside other descriptors (non-blocking). */
int pl_monitor_fd(const struct pl_monitor *m);
/* SO_RCVBUF of the socket in bytes (lower it to provoke overruns). */
int pl_monitor_set_rcvbuf(struct pl_monitor *m, int bytes);
/*
 * Wait up to @timeout_ms (-1: forever, 0: do not wait) for events, then
 * deliver every queued one to @fn.  Returns 0 (timeout or all queued
 * events delivered), 1 when @fn asked to stop, or a negative errno
 * (-EINTR when a signal interrupted the wait).  *@delivered (may be
 * NULL) gets the number of events delivered by this call.
 */
int pl_monitor_poll(struct pl_monitor *m, int timeout_ms, pl_event_fn fn,
		    void *arg, unsigned int *delivered);
void pl_monitor_get_stats(const struct pl_monitor *m,
			  struct pl_monitor_stats *st);

/*
 * A whole text file (procfs, sysfs, debugfs): malloc()ed and
 * NUL-terminated, NULL with errno set (textfile.c).
 */
char *pl_read_text(const char *path);

#endif /* LIBPROBELAB_H */

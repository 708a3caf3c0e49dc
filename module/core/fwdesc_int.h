/* SPDX-License-Identifier: GPL-2.0 */
/*
 * probelab core: internals shared by fwdesc.c, idmap.c and scope.c.
 * Not an API: callers use fwdesc.h, idmap.h and scope.h.
 */
#ifndef _PROBELAB_CORE_FWDESC_INT_H
#define _PROBELAB_CORE_FWDESC_INT_H

#include "fwdesc.h"

/**
 * struct pl_fw_where - the entry an error message is about
 * @kind: "iommu", "idmap", ...; NULL for a record whose type is unknown
 * @ord: ordinal of the entry among records of its type
 * @name: its name when it has a validated one, else NULL or ""
 * @rec: record index in the blob
 * @off: byte offset of the record in the blob
 */
struct pl_fw_where {
	const char *kind;
	u32 ord;
	const char *name;
	u32 rec;
	u32 off;
};

/* " 'name'" for a non-empty (optional) name, "" for an empty one */
#define PL_FW_QLEN		(PROBELAB_FW_NAME_LEN + 3)
static inline const char *pl_fw_q(char *buf, const char *name)
{
	if (!name[0])
		return "";
	snprintf(buf, PL_FW_QLEN, " '%s'", name);
	return buf;
}

/* "ssss:bb:dd.f" */
#define PL_FW_BDF_LEN		16
static inline const char *pl_fw_bdf(char *buf, u16 segment, u8 bus, u8 devfn)
{
	snprintf(buf, PL_FW_BDF_LEN, "%04x:%02x:%02x.%u", segment, bus,
		 devfn >> 3, devfn & 7);
	return buf;
}

/*
 * body_off for pl_fw_fail() when the fault is in the record header: byte
 * @n of struct probelab_fw_rec.
 */
#define PL_FW_RECHDR_BASE	0xfffffff0U
#define PL_FW_RECHDR(n)		(PL_FW_RECHDR_BASE + (u32)(n))

/*
 * Record an error: @w is the entry (NULL: the blob header, then @body_off
 * is the offset inside the header), @body_off the offset of @field inside
 * the record body.  Returns @code.
 */
int pl_fw_fail(struct pl_fw_err *err, int code, const struct pl_fw_where *w,
	       u32 body_off, const char *field, const char *fmt, ...)
	__printf(6, 7);

static inline struct pl_fw_where pl_fw_w_iommu(const struct pl_fwdesc *d,
					       u32 i)
{
	const struct pl_fw_iommu *p = &d->iommus[i];

	return (struct pl_fw_where){ "iommu", i, p->name, p->rec, p->off };
}

static inline struct pl_fw_where pl_fw_w_endpoint(const struct pl_fwdesc *d,
						  u32 i)
{
	const struct pl_fw_endpoint *p = &d->endpoints[i];

	return (struct pl_fw_where){ "endpoint", i, p->name, p->rec, p->off };
}

static inline struct pl_fw_where pl_fw_w_spec(const struct pl_fw_spec *p)
{
	return (struct pl_fw_where){ "spec", p->ordinal, NULL, p->rec, p->off };
}

static inline struct pl_fw_where pl_fw_w_rc(const struct pl_fwdesc *d, u32 i)
{
	const struct pl_fw_rc *p = &d->rcs[i];

	return (struct pl_fw_where){ "root complex", i, p->name, p->rec,
				     p->off };
}

static inline struct pl_fw_where pl_fw_w_idmap(const struct pl_fw_idmap *p)
{
	return (struct pl_fw_where){ "idmap", p->ordinal, NULL, p->rec,
				     p->off };
}

static inline struct pl_fw_where pl_fw_w_bridge(const struct pl_fwdesc *d,
						u32 i)
{
	const struct pl_fw_bridge *p = &d->bridges[i];

	return (struct pl_fw_where){ "bridge", i, NULL, p->rec, p->off };
}

static inline struct pl_fw_where pl_fw_w_scope(const struct pl_fwdesc *d,
					       u32 i)
{
	const struct pl_fw_scope *p = &d->scopes[i];

	return (struct pl_fw_where){ "scope", i, NULL, p->rec, p->off };
}

/* (segment << 16) | (bus << 8) | devfn */
static inline u32 pl_fw_key(u16 segment, u8 bus, u8 devfn)
{
	return ((u32)segment << 16) | ((u32)bus << 8) | devfn;
}

/* 2^bits - 1 for 1 <= bits <= 32 */
static inline u32 pl_fw_id_max(u8 bits)
{
	return bits >= 32 ? U32_MAX : (u32)((1ULL << bits) - 1);
}

/*
 * Validation and table building steps run by pl_fwdesc_parse() in this
 * order, after every record was decoded and checked on its own.
 */
int pl_fw_check_idmaps(struct pl_fwdesc *d, struct pl_fw_err *err);
int pl_fw_check_bridges(struct pl_fwdesc *d, struct pl_fw_err *err);
int pl_fw_check_scopes(struct pl_fwdesc *d, struct pl_fw_err *err);

int pl_fw_point_cmp(const void *a, const void *b);

#endif /* _PROBELAB_CORE_FWDESC_INT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI DMAR (Intel VT-d DMA Remapping Reporting) parser.
 *
 * Layout (VT-d specification chapter 8; ACPICA actbl1.h):
 *   0   ACPI header (36 bytes)
 *   36  u8 host address width - 1, 37 u8 flags, 38..47 reserved
 *   48  remapping structures: u16 type, u16 length, body
 *       0 DRHD: u8 flags, u8 size, u16 segment, u64 register base, scopes
 *       1 RMRR: u16 reserved, u16 segment, u64 base, u64 limit, scopes
 *       2 ATSR: u8 flags, u8 reserved, u16 segment, scopes
 *       3 RHSA: u32 reserved, u64 register base, u32 proximity domain
 *       4 ANDD: u8 reserved[3], u8 device number, NUL-terminated name
 *       5 SATC: u8 flags, u8 reserved, u16 segment, scopes
 *       6 SIDP: u16 reserved, u16 segment, scopes
 *   device scope: u8 type, u8 length, u8 flags, u8 reserved,
 *                 u8 enumeration id, u8 start bus, (u8 dev, u8 fn) * n
 */
#include "fw_int.h"

#include <stdlib.h>
#include <string.h>

#define DMAR_HDR_LEN 48
#define SCOPE_HDR_LEN 6

static const struct {
	const char *name;
	size_t min_len;		/* fixed part, scopes start here */
	bool has_scopes;
} dmar_types[PL_DMAR_NTYPES] = {
	[PL_DMAR_DRHD] = { "DRHD", 16, true },
	[PL_DMAR_RMRR] = { "RMRR", 24, true },
	[PL_DMAR_ATSR] = { "ATSR", 8, true },
	[PL_DMAR_RHSA] = { "RHSA", 20, false },
	[PL_DMAR_ANDD] = { "ANDD", 8, false },
	[PL_DMAR_SATC] = { "SATC", 8, true },
	[PL_DMAR_SIDP] = { "SIDP", 8, true },
};

const char *pl_dmar_type_name(unsigned int type)
{
	if (type < PL_DMAR_NTYPES)
		return dmar_types[type].name;
	return "RESERVED";
}

const char *pl_dmar_scope_type_name(unsigned int type)
{
	switch (type) {
	case PL_DMAR_SCOPE_PCI_ENDPOINT:
		return "PCI_ENDPOINT";
	case PL_DMAR_SCOPE_PCI_BRIDGE:
		return "PCI_BRIDGE";
	case PL_DMAR_SCOPE_IOAPIC:
		return "IOAPIC";
	case PL_DMAR_SCOPE_HPET:
		return "HPET";
	case PL_DMAR_SCOPE_ACPI_NAMESPACE:
		return "ACPI_NAMESPACE_DEVICE";
	default:
		return "RESERVED";
	}
}

void pl_dmar_free(struct pl_dmar *dmar)
{
	size_t i, j;

	if (!dmar)
		return;
	for (i = 0; dmar->units && i < dmar->nunits; i++) {
		struct pl_dmar_unit *u = &dmar->units[i];

		for (j = 0; u->scopes && j < u->nscopes; j++)
			free(u->scopes[j].hops);
		free(u->scopes);
		if (u->type == PL_DMAR_ANDD)
			free(u->u.andd.name);
	}
	free(dmar->units);
	free(dmar);
}

/* Count the device scopes in @c (the scope area of one structure). */
static int scopes_count(const struct plfw_cur *c, const char *tname,
			size_t *count)
{
	size_t pos = 0, n = 0, len = plfw_cur_len(c);

	while (pos < len) {
		uint8_t slen;
		int rc;

		if (len - pos < SCOPE_HDR_LEN)
			return plfw_fail(c->diag, -EINVAL, plfw_cur_abs(c, pos),
					 "scope.length",
					 "%zu stray bytes at 0x%zX after the device scopes of the %s cannot hold a 6-byte scope header",
					 len - pos, plfw_cur_abs(c, pos), tname);
		rc = plfw_cur_u8(c, pos + 1, "scope.length", &slen);
		if (rc)
			return rc;
		if (slen < SCOPE_HDR_LEN + 2 || (slen - SCOPE_HDR_LEN) % 2)
			return plfw_fail(c->diag, -EINVAL,
					 plfw_cur_abs(c, pos + 1), "scope.length",
					 "device scope at 0x%zX has length %u, not 6 + 2 * n with n >= 1 path hops",
					 plfw_cur_abs(c, pos), slen);
		if (slen > len - pos)
			return plfw_fail(c->diag, -EINVAL,
					 plfw_cur_abs(c, pos + 1), "scope.length",
					 "device scope at 0x%zX of length %u runs past the end 0x%zX of the %s",
					 plfw_cur_abs(c, pos), slen, c->end, tname);
		pos += slen;
		n++;
	}
	*count = n;
	return 0;
}

static int scope_parse(const struct plfw_cur *c, size_t pos, uint16_t utype,
		       struct pl_dmar_scope *s)
{
	struct plfw_cur sc;
	uint8_t slen;
	size_t i;
	int rc;

	rc = plfw_cur_u8(c, pos + 1, "scope.length", &slen);
	if (rc)
		return rc;
	rc = plfw_cur_sub(c, pos, slen, "device scope", "scope.length", &sc);
	if (rc)
		return rc;
	s->offset = sc.start;
	s->length = slen;
	s->andd_unit = -1;
	rc = plfw_cur_u8(&sc, 0, "scope.type", &s->type);
	if (!rc)
		rc = plfw_cur_u8(&sc, 2, "scope.flags", &s->flags);
	if (!rc)
		rc = plfw_cur_u8(&sc, 4, "scope.enumeration_id",
				 &s->enumeration_id);
	if (!rc)
		rc = plfw_cur_u8(&sc, 5, "scope.start_bus", &s->start_bus);
	if (rc)
		return rc;
	if (utype != PL_DMAR_DRHD &&
	    (s->type == PL_DMAR_SCOPE_IOAPIC || s->type == PL_DMAR_SCOPE_HPET ||
	     s->type == PL_DMAR_SCOPE_ACPI_NAMESPACE))
		return plfw_fail(c->diag, -EINVAL, sc.start, "scope.type",
				 "device scope type %u (%s) at 0x%zX is only valid under a DRHD, not a %s",
				 s->type, pl_dmar_scope_type_name(s->type),
				 sc.start, pl_dmar_type_name(utype));
	s->nhops = (size_t)(slen - SCOPE_HDR_LEN) / 2;
	s->hops = plfw_calloc(s->nhops, sizeof(*s->hops));
	if (!s->hops)
		return plfw_fail(c->diag, -ENOMEM, sc.start, "scope.path",
				 "out of memory");
	for (i = 0; i < s->nhops; i++) {
		size_t at = SCOPE_HDR_LEN + 2 * i;

		rc = plfw_cur_u8(&sc, at, "scope.path", &s->hops[i].device);
		if (!rc)
			rc = plfw_cur_u8(&sc, at + 1, "scope.path",
					 &s->hops[i].function);
		if (rc)
			return rc;
		if (s->hops[i].device > 0x1f)
			return plfw_fail(c->diag, -EINVAL, plfw_cur_abs(&sc, at),
					 "scope.path",
					 "path hop %zu of the device scope at 0x%zX has device 0x%02X > 0x1F",
					 i, sc.start, s->hops[i].device);
		if (s->hops[i].function > 7)
			return plfw_fail(c->diag, -EINVAL,
					 plfw_cur_abs(&sc, at + 1), "scope.path",
					 "path hop %zu of the device scope at 0x%zX has function 0x%02X > 7",
					 i, sc.start, s->hops[i].function);
	}
	return 0;
}

static int scopes_parse(const struct plfw_cur *c, struct pl_dmar_unit *u,
			size_t *total)
{
	const char *tname = pl_dmar_type_name(u->type);
	size_t n = 0, pos = 0, i;
	int rc;

	rc = scopes_count(c, tname, &n);
	if (rc)
		return rc;
	if (n > PL_DMAR_MAX_SCOPES - *total)
		return plfw_fail(c->diag, -E2BIG, c->start, "scope",
				 "more than %u device scopes in the table",
				 PL_DMAR_MAX_SCOPES);
	*total += n;
	u->scopes = plfw_calloc(n, sizeof(*u->scopes));
	if (!u->scopes)
		return plfw_fail(c->diag, -ENOMEM, c->start, "scope", "out of memory");
	for (i = 0; i < n; i++) {
		rc = scope_parse(c, pos, u->type, &u->scopes[i]);
		u->nscopes = i + 1;	/* freed even when half-built */
		if (rc)
			return rc;
		pos += u->scopes[i].length;
	}
	return 0;
}

static int unit_parse(const struct plfw_cur *uc, struct pl_dmar_unit *u,
		      size_t *total)
{
	struct pl_fw_diag *diag = uc->diag;
	struct plfw_cur sc;
	size_t fixed;
	int rc = 0;

	if (u->type >= PL_DMAR_NTYPES)
		return 0;	/* reserved type: kept, not decoded */
	fixed = dmar_types[u->type].min_len;
	if (u->length < fixed)
		return plfw_fail(diag, -EINVAL, uc->start + 2, "remapping.length",
				 "%s at 0x%zX has length %u, below its %zu-byte minimum",
				 dmar_types[u->type].name, uc->start, u->length,
				 fixed);
	switch (u->type) {
	case PL_DMAR_DRHD:
		rc = plfw_cur_u8(uc, 4, "DRHD.flags", &u->u.drhd.flags);
		if (!rc)
			rc = plfw_cur_u8(uc, 5, "DRHD.size", &u->u.drhd.size);
		if (!rc)
			rc = plfw_cur_u16(uc, 6, "DRHD.segment", &u->u.drhd.segment);
		if (!rc)
			rc = plfw_cur_u64(uc, 8, "DRHD.register_base",
					  &u->u.drhd.register_base);
		if (rc)
			return rc;
		if (u->u.drhd.register_base == 0 ||
		    (u->u.drhd.register_base & 0xfff))
			return plfw_fail(diag, -EINVAL, uc->start + 8,
					 "DRHD.register_base",
					 "DRHD at 0x%zX has register base 0x%llX, not a non-zero 4 KiB-aligned address",
					 uc->start,
					 (unsigned long long)u->u.drhd.register_base);
		break;
	case PL_DMAR_RMRR:
		rc = plfw_cur_u16(uc, 6, "RMRR.segment", &u->u.rmrr.segment);
		if (!rc)
			rc = plfw_cur_u64(uc, 8, "RMRR.base", &u->u.rmrr.base);
		if (!rc)
			rc = plfw_cur_u64(uc, 16, "RMRR.limit", &u->u.rmrr.limit);
		if (rc)
			return rc;
		if (u->u.rmrr.limit < u->u.rmrr.base)
			return plfw_fail(diag, -EINVAL, uc->start + 16, "RMRR.limit",
					 "RMRR at 0x%zX has limit 0x%llX below its base 0x%llX",
					 uc->start,
					 (unsigned long long)u->u.rmrr.limit,
					 (unsigned long long)u->u.rmrr.base);
		break;
	case PL_DMAR_ATSR:
		rc = plfw_cur_u8(uc, 4, "ATSR.flags", &u->u.atsr.flags);
		if (!rc)
			rc = plfw_cur_u16(uc, 6, "ATSR.segment", &u->u.atsr.segment);
		break;
	case PL_DMAR_RHSA:
		rc = plfw_cur_u64(uc, 8, "RHSA.register_base",
				  &u->u.rhsa.register_base);
		if (!rc)
			rc = plfw_cur_u32(uc, 16, "RHSA.proximity_domain",
					  &u->u.rhsa.proximity_domain);
		u->u.rhsa.drhd_unit = -1;
		break;
	case PL_DMAR_ANDD:
		rc = plfw_cur_u8(uc, 7, "ANDD.device_number",
				 &u->u.andd.device_number);
		if (!rc)
			rc = plfw_cur_cstr(uc, 8, "ANDD.name", false,
					   &u->u.andd.name);
		break;
	case PL_DMAR_SATC:
		rc = plfw_cur_u8(uc, 4, "SATC.flags", &u->u.satc.flags);
		if (!rc)
			rc = plfw_cur_u16(uc, 6, "SATC.segment", &u->u.satc.segment);
		break;
	case PL_DMAR_SIDP:
		rc = plfw_cur_u16(uc, 6, "SIDP.segment", &u->u.sidp.segment);
		break;
	}
	if (rc || !dmar_types[u->type].has_scopes)
		return rc;
	rc = plfw_cur_sub(uc, fixed, u->length - fixed, "device scope area",
			  "remapping.length", &sc);
	if (rc)
		return rc;
	return scopes_parse(&sc, u, total);
}

struct key_unit {
	uint64_t key;
	size_t unit;
};

static int cmp_key_unit(const void *a, const void *b)
{
	const struct key_unit *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* First unit (lowest index) with @key in the sorted @v, or -1. */
static long find_key(const struct key_unit *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key == key ? (long)v[lo].unit : -1;
}

/*
 * Cross-structure checks and reference resolution, in O(n log n): sorted
 * (key, unit) lists of the INCLUDE_PCI_ALL DRHDs by segment, of every DRHD
 * by register base and of the ANDDs by device number.
 */
static int dmar_link(struct pl_dmar *d, struct pl_fw_diag *diag)
{
	struct key_unit *all = NULL, *bases = NULL, *andd = NULL;
	size_t nall = 0, nbases = 0, nandd = 0, i, j;
	int rc = 0;

	if (d->count[PL_DMAR_DRHD] == 0)
		return plfw_fail(diag, -EINVAL, DMAR_HDR_LEN, "DRHD",
				 "the table has no DRHD (hardware unit) structure");
	all = plfw_calloc(d->count[PL_DMAR_DRHD], sizeof(*all));
	bases = plfw_calloc(d->count[PL_DMAR_DRHD], sizeof(*bases));
	andd = plfw_calloc(d->count[PL_DMAR_ANDD], sizeof(*andd));
	if (!all || !bases || !andd) {
		rc = plfw_fail(diag, -ENOMEM, 0, "DMAR", "out of memory");
		goto out;
	}
	for (i = 0; i < d->nunits; i++) {
		const struct pl_dmar_unit *u = &d->units[i];

		if (u->type == PL_DMAR_DRHD) {
			bases[nbases].key = u->u.drhd.register_base;
			bases[nbases++].unit = i;
			if (u->u.drhd.flags & PL_DMAR_DRHD_INCLUDE_PCI_ALL) {
				all[nall].key = u->u.drhd.segment;
				all[nall++].unit = i;
			}
		} else if (u->type == PL_DMAR_ANDD) {
			andd[nandd].key = u->u.andd.device_number;
			andd[nandd++].unit = i;
		}
	}
	qsort(all, nall, sizeof(*all), cmp_key_unit);
	qsort(bases, nbases, sizeof(*bases), cmp_key_unit);
	qsort(andd, nandd, sizeof(*andd), cmp_key_unit);
	for (i = 1; i < nall; i++) {
		const struct pl_dmar_unit *p = &d->units[all[i - 1].unit];
		const struct pl_dmar_unit *u = &d->units[all[i].unit];

		if (all[i].key == all[i - 1].key) {
			rc = plfw_fail(diag, -EINVAL, u->offset + 4, "DRHD.flags",
				       "DRHD at 0x%zX is a second INCLUDE_PCI_ALL unit for segment %u (first at 0x%zX)",
				       u->offset, u->u.drhd.segment, p->offset);
			goto out;
		}
	}
	for (i = 1; i < nandd; i++) {
		const struct pl_dmar_unit *p = &d->units[andd[i - 1].unit];
		const struct pl_dmar_unit *u = &d->units[andd[i].unit];

		if (andd[i].key == andd[i - 1].key) {
			rc = plfw_fail(diag, -EINVAL, u->offset + 7,
				       "ANDD.device_number",
				       "ANDD at 0x%zX repeats device number %u of the ANDD at 0x%zX",
				       u->offset, u->u.andd.device_number,
				       p->offset);
			goto out;
		}
	}
	for (i = 0; i < d->nunits; i++) {
		struct pl_dmar_unit *u = &d->units[i];

		if (u->type == PL_DMAR_RHSA)
			u->u.rhsa.drhd_unit = find_key(bases, nbases,
						       u->u.rhsa.register_base);
		for (j = 0; j < u->nscopes; j++) {
			struct pl_dmar_scope *s = &u->scopes[j];

			if (s->type == PL_DMAR_SCOPE_ACPI_NAMESPACE)
				s->andd_unit = find_key(andd, nandd,
							s->enumeration_id);
		}
	}
out:
	free(all);
	free(bases);
	free(andd);
	return rc;
}

int pl_dmar_parse(const void *buf, size_t len, struct pl_dmar **out,
		  struct pl_fw_diag *diag)
{
	struct pl_dmar *d = NULL;
	struct plfw_cur tc;
	size_t pos, n = 0;
	int rc;

	plfw_diag_clear(diag);
	*out = NULL;
	if (!buf)
		len = 0;
	d = calloc(1, sizeof(*d));
	if (!d)
		return plfw_fail(diag, -ENOMEM, 0, "DMAR", "out of memory");
	rc = plfw_acpi_header_parse(buf, len, "DMAR", DMAR_HDR_LEN, &d->hdr,
				    diag);
	if (rc)
		goto fail;
	tc = plfw_cur_init(buf, len, "DMAR table", diag);
	rc = plfw_cur_u8(&tc, 36, "DMAR.host_address_width", &d->haw_raw);
	if (!rc)
		rc = plfw_cur_u8(&tc, 37, "DMAR.flags", &d->flags);
	if (rc)
		goto fail;
	d->host_address_width = d->haw_raw + 1u;
	if (d->host_address_width < 12 || d->host_address_width > 64) {
		rc = plfw_fail(diag, -EINVAL, 36, "DMAR.host_address_width",
			       "host address width %u bits (byte 0x%02X + 1) is outside 12..64",
			       d->host_address_width, d->haw_raw);
		goto fail;
	}

	/* Pass 1: structure headers and lengths. */
	for (pos = DMAR_HDR_LEN; pos < len; n++) {
		uint16_t type, slen;

		if (n == PL_DMAR_MAX_UNITS) {
			rc = plfw_fail(diag, -E2BIG, pos, "remapping.type",
				       "more than %u remapping structures",
				       PL_DMAR_MAX_UNITS);
			goto fail;
		}
		if (len - pos < 4) {
			rc = plfw_fail(diag, -EINVAL, pos, "remapping.length",
				       "%zu stray bytes at 0x%zX cannot hold a 4-byte remapping structure header",
				       len - pos, pos);
			goto fail;
		}
		rc = plfw_cur_u16(&tc, pos, "remapping.type", &type);
		if (!rc)
			rc = plfw_cur_u16(&tc, pos + 2, "remapping.length", &slen);
		if (rc)
			goto fail;
		if (slen < 4) {
			rc = plfw_fail(diag, -EINVAL, pos + 2, "remapping.length",
				       "remapping structure at 0x%zX (type %u) has length %u < 4",
				       pos, type, slen);
			goto fail;
		}
		if (slen > len - pos) {
			rc = plfw_fail(diag, -EINVAL, pos + 2, "remapping.length",
				       "remapping structure at 0x%zX (type %u) of length %u runs past the table end 0x%zX",
				       pos, type, slen, len);
			goto fail;
		}
		pos += slen;
	}
	d->units = plfw_calloc(n, sizeof(*d->units));
	if (!d->units) {
		rc = plfw_fail(diag, -ENOMEM, 0, "DMAR", "out of memory");
		goto fail;
	}

	/* Pass 2: decode. */
	for (pos = DMAR_HDR_LEN; d->nunits < n;) {
		struct pl_dmar_unit *u = &d->units[d->nunits++];
		struct plfw_cur uc;
		unsigned int kind;

		rc = plfw_cur_u16(&tc, pos, "remapping.type", &u->type);
		if (!rc)
			rc = plfw_cur_u16(&tc, pos + 2, "remapping.length",
					  &u->length);
		if (!rc)
			rc = plfw_cur_sub(&tc, pos, u->length, "remapping structure",
					  "remapping.length", &uc);
		if (rc)
			goto fail;
		u->offset = pos;
		kind = u->type < PL_DMAR_NTYPES ? u->type : PL_DMAR_NTYPES;
		u->index = d->count[kind]++;
		rc = unit_parse(&uc, u, &d->nscopes);
		if (rc)
			goto fail;
		pos += u->length;
	}
	rc = dmar_link(d, diag);
	if (rc)
		goto fail;
	*out = d;
	return 0;
fail:
	pl_dmar_free(d);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the resolution half of module/core (idmap.c, scope.c):
 * of_map_id() semantics on root complexes, named endpoints, VT-d DRHD
 * matching (dmar_find_matched_drhd_unit() outcome), PCI topology helpers.
 * Descriptions are made with the topo builder (tools/lib/topo.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwdesc.h"
#include "idmap.h"
#include "scope.h"
#include "topo.h"

#define DF(d, f)	((uint8_t)((d) << 3 | (f)))
#define RID(b, d, f)	((uint16_t)((b) << 8 | DF(d, f)))

static int b_smmu(struct pl_topo_builder *b, const char *name,
		  uint8_t sid_bits)
{
	struct probelab_fw_iommu io = {
		.model = PROBELAB_FW_IOMMU_SMMUV3, .sid_bits = sid_bits,
	};

	strcpy(io.name, name);
	return pl_topo_add_iommu(b, &io, name);
}

static int b_vtd(struct pl_topo_builder *b, const char *name, uint16_t seg,
		 bool all)
{
	struct probelab_fw_iommu io = {
		.model = PROBELAB_FW_IOMMU_VTD, .segment = seg,
		.flags = all ? PROBELAB_FW_VTD_INCLUDE_PCI_ALL : 0,
	};

	strcpy(io.name, name);
	return pl_topo_add_iommu(b, &io, name);
}

static int b_rc(struct pl_topo_builder *b, uint16_t seg, uint8_t bs,
		uint8_t be, uint32_t mask)
{
	struct probelab_fw_rc rc = {
		.segment = seg, .bus_start = bs, .bus_end = be,
		.rid_mask = mask,
	};

	return pl_topo_add_rc(b, &rc, NULL);
}

static int b_map(struct pl_topo_builder *b, int rc, int io, uint32_t base,
		 uint32_t len, uint32_t out)
{
	struct probelab_fw_idmap m = {
		.rc = (uint16_t)rc, .iommu = (uint16_t)io, .rid_base = base,
		.length = len, .output_base = out,
	};

	return pl_topo_add_idmap(b, &m, NULL);
}

static int b_single(struct pl_topo_builder *b, int rc, int io, uint32_t out)
{
	struct probelab_fw_idmap m = {
		.rc = (uint16_t)rc, .iommu = (uint16_t)io,
		.flags = PROBELAB_FW_IDMAP_SINGLE, .output_base = out,
	};

	return pl_topo_add_idmap(b, &m, NULL);
}

static int b_bridge(struct pl_topo_builder *b, uint16_t seg, uint8_t bus,
		    uint8_t devfn, uint8_t sec, uint8_t sub, bool p2p)
{
	struct probelab_fw_bridge br = {
		.segment = seg, .bus = bus, .devfn = devfn, .secondary = sec,
		.subordinate = sub,
		.flags = p2p ? PROBELAB_FW_BRIDGE_PCIE_TO_PCI : 0,
	};

	return pl_topo_add_bridge(b, &br, NULL);
}

static int b_scope(struct pl_topo_builder *b, int io, uint8_t type,
		   uint8_t start, unsigned int n, ...)
{
	struct probelab_fw_scope s = {
		.iommu = (uint16_t)io, .type = type, .start_bus = start,
		.nr_hops = (uint8_t)n,
	};
	unsigned int i;
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		s.hops[i] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	return pl_topo_add_scope(b, &s, NULL);
}

static struct pl_fwdesc *build(struct pl_topo_builder *b)
{
	struct pl_fwdesc *d = NULL;
	struct pl_fw_err e;
	char msg[512];
	size_t len;
	void *blob;
	int ret;

	ret = pl_topo_builder_finish(b, &blob, &len, msg, sizeof(msg));
	if (ret)
		print_message("# build: %d %s\n", ret, msg);
	assert_int_equal(ret, 0);
	ret = pl_fwdesc_parse(blob, len, &d, &e);
	assert_int_equal(ret, 0);
	free(blob);
	pl_topo_builder_free(b);
	return d;
}

/* resolve one RID, expect exactly one ref */
static void xlate1(const struct pl_fwdesc *d, uint16_t seg, uint16_t rid,
		   uint32_t iommu, uint32_t id)
{
	struct pl_fw_ref r[2];
	unsigned int n = 99;
	int ret;

	ret = pl_fwdesc_xlate_pci(d, seg, rid >> 8, rid & 0xff, r, 2, &n);
	if (ret)
		print_message("# %04x:%04x: %d\n", seg, rid, ret);
	assert_int_equal(ret, 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].iommu, iommu);
	assert_int_equal(r[0].id, id);
	assert_int_equal(r[0].mask, 0);
}

static void xlate_none(const struct pl_fwdesc *d, uint16_t seg, uint16_t rid)
{
	struct pl_fw_ref r;
	unsigned int n = 99;

	assert_int_equal(pl_fwdesc_xlate_pci(d, seg, rid >> 8, rid & 0xff, &r,
					     1, &n), -ENODEV);
	assert_int_equal(n, 0);
}

/* ---- of_map_id ---- */

static void test_map_range_edges(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	int io, rc;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	rc = b_rc(b, 0, 0x00, 0xff, 0xffff);
	b_map(b, rc, io, 0x0100, 0x0100, 0x1000);
	b_map(b, rc, io, 0x0300, 0x0001, 0x0007);	/* one ID */
	b_map(b, rc, io, 0xff00, 0x0100, 0xff00);	/* up to 0xffff */
	d = build(b);
	xlate_none(d, 0, 0x00ff);		/* just before */
	xlate1(d, 0, 0x0100, io, 0x1000);	/* first */
	xlate1(d, 0, 0x0180, io, 0x1080);
	xlate1(d, 0, 0x01ff, io, 0x10ff);	/* last */
	xlate_none(d, 0, 0x0200);		/* just after */
	xlate_none(d, 0, 0x02ff);
	xlate1(d, 0, 0x0300, io, 0x0007);
	xlate_none(d, 0, 0x0301);
	xlate1(d, 0, 0xffff, io, 0xffff);
	xlate_none(d, 0, 0x0000);
	xlate_none(d, 1, 0x0100);		/* segment not described */
	pl_fwdesc_free(d);
}

static void test_map_mask(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	int io, rc0, rc1;
	unsigned int f;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	/* functions of a device share a stream ID (iommu-map-mask 0xfff8) */
	rc0 = b_rc(b, 1, 0x00, 0x3f, 0xfff8);
	b_map(b, rc0, io, 0x0000, 0x4000, 0x8000);
	/* mask 0: every requester ID is 0 (Tegra-style) */
	rc1 = b_rc(b, 1, 0x40, 0x7f, 0x0000);
	b_map(b, rc1, io, 0x0000, 0x1000, 0x0042);
	d = build(b);
	for (f = 0; f < 8; f++)
		xlate1(d, 1, RID(2, 3, f), io, 0x8000 + RID(2, 3, 0));
	xlate1(d, 1, RID(2, 4, 1), io, 0x8000 + RID(2, 4, 0));
	xlate1(d, 1, RID(0x40, 0, 0), io, 0x42);
	xlate1(d, 1, RID(0x7f, 31, 7), io, 0x42);
	xlate_none(d, 1, RID(0x80, 0, 0));	/* below no root complex */
	assert_int_equal(pl_fwdesc_rc_of(d, 1, 0x3f), rc0);
	assert_int_equal(pl_fwdesc_rc_of(d, 1, 0x40), rc1);
	assert_int_equal(pl_fwdesc_rc_of(d, 1, 0x80), -ENODEV);
	pl_fwdesc_free(d);
}

static void test_map_mask_uncovered(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	int io, rc;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	/* the mask drops the bus: buses 1.. map like bus 0 */
	rc = b_rc(b, 0, 0, 0xff, 0x00ff);
	b_map(b, rc, io, 0x10, 0x10, 0x100);
	d = build(b);
	xlate1(d, 0, RID(0, 2, 0), io, 0x100);
	xlate1(d, 0, RID(5, 2, 0), io, 0x100);
	xlate_none(d, 0, RID(5, 1, 7));		/* masked 0x0f */
	xlate_none(d, 0, RID(5, 4, 0));		/* masked 0x20 */
	pl_fwdesc_free(d);
}

static void test_map_single(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	int io, rc, rc2;

	(void)state;
	b_smmu(b, "smmu0", 16);
	io = b_smmu(b, "smmu1", 8);
	rc = b_rc(b, 2, 0, 0xff, 0xffff);
	b_single(b, rc, io, 0x42);
	rc2 = b_rc(b, 3, 0, 0xff, 0xffff);	/* no maps at all */
	d = build(b);
	xlate1(d, 2, RID(0, 0, 0), io, 0x42);
	xlate1(d, 2, RID(0xff, 31, 7), io, 0x42);
	xlate_none(d, 3, RID(1, 0, 0));
	assert_int_equal(pl_fwdesc_rc_of(d, 3, 1), rc2);
	pl_fwdesc_free(d);
}

/* Many maps with gaps, two IOMMUs: binary search against brute force. */
static void test_map_many(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	struct pl_fw_ref r;
	uint32_t rid, k;
	unsigned int n;
	int io0, io1, rc, ret;

	(void)state;
	io0 = b_smmu(b, "smmu0", 20);
	io1 = b_smmu(b, "smmu1", 20);
	rc = b_rc(b, 0, 0, 0xff, 0xffff);
	/* map k: RIDs k*97 + (0..(k % 7)) -> k * 1000 (every 3rd on smmu1) */
	for (k = 300; k-- > 0;)
		b_map(b, rc, k % 3 ? io0 : io1, k * 97, 1 + k % 7, k * 1000);
	d = build(b);
	for (rid = 0; rid <= 0xffff; rid++) {
		bool covered = false;
		uint32_t want = 0;

		k = rid / 97;
		if (k < 300 && rid - k * 97 < 1 + k % 7) {
			covered = true;
			want = k * 1000 + rid - k * 97;
		}
		ret = pl_fwdesc_xlate_pci(d, 0, rid >> 8, rid & 0xff, &r, 1, &n);
		if (!covered) {
			assert_int_equal(ret, -ENODEV);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_int_equal(r.id, want);
		assert_int_equal(r.iommu, k % 3 ? io0 : io1);
	}
	pl_fwdesc_free(d);
}

static void test_map_args(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	struct pl_fw_ref r;
	unsigned int n;
	int io, rc;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	rc = b_rc(b, 0, 0, 0xff, 0xffff);
	b_map(b, rc, io, 0, 0x10000, 0);
	d = build(b);
	/* no room: -ENOSPC and the count needed */
	assert_int_equal(pl_fwdesc_xlate_pci(d, 0, 1, 0, NULL, 0, &n),
			 -ENOSPC);
	assert_int_equal(n, 1);
	assert_int_equal(pl_fwdesc_xlate_pci(d, 0, 1, 0, NULL, 1, &n),
			 -EINVAL);
	assert_int_equal(pl_fwdesc_xlate_pci(NULL, 0, 1, 0, &r, 1, &n),
			 -EINVAL);
	assert_int_equal(pl_fwdesc_xlate_pci(d, 0, 1, 0, &r, 1, NULL),
			 -EINVAL);
	assert_int_equal(pl_fw_map_id(d, 1, 0, &r), -EINVAL);
	assert_int_equal(pl_fw_map_id(d, rc, 0x1234, &r), 0);
	assert_int_equal(r.id, 0x1234);
	pl_fwdesc_free(d);
}

/* ---- named endpoints ---- */

static void test_named(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fwdesc *d;
	struct pl_fw_ref r[4];
	unsigned int n;
	int s0, s1, gpu, disp;

	(void)state;
	s0 = b_smmu(b, "smmu0", 16);
	s1 = b_smmu(b, "smmu1", 8);
	gpu = pl_topo_add_endpoint(b, "gpu", NULL);
	disp = pl_topo_add_endpoint(b, "display", NULL);
	pl_topo_add_spec(b, disp, s1, 0x30, 0, NULL);
	pl_topo_add_spec(b, gpu, s0, 0x10, 0, NULL);
	pl_topo_add_spec(b, disp, s0, 0x31, 0x1, NULL);	/* 2nd instance */
	pl_topo_add_spec(b, gpu, s0, 0x11, 0, NULL);
	d = build(b);
	assert_int_equal(pl_fwdesc_xlate_named(d, "gpu", r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].iommu, s0);
	assert_int_equal(r[0].id, 0x10);
	assert_int_equal(r[1].id, 0x11);
	assert_int_equal(pl_fwdesc_xlate_named(d, "display", r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].iommu, s1);
	assert_int_equal(r[0].id, 0x30);
	assert_int_equal(r[1].iommu, s0);
	assert_int_equal(r[1].id, 0x31);
	assert_int_equal(r[1].mask, 0x1);
	/* display's 0x31/mask 1 reaches 0x30 and 0x31 on smmu0, gpu 0x11 */
	{
		struct pl_fw_ref g = { .iommu = (uint32_t)s0, .id = 0x30 };

		assert_true(pl_fw_refs_overlap(&r[1], &g));
		g.id = 0x11;
		assert_false(pl_fw_refs_overlap(&r[1], &g));
		g.iommu = (uint32_t)s1;
		g.id = 0x31;
		assert_false(pl_fw_refs_overlap(&r[1], &g));
	}
	assert_int_equal(pl_fwdesc_xlate_named(d, "gpu", r, 1, &n), -ENOSPC);
	assert_int_equal(n, 2);
	assert_int_equal(pl_fwdesc_xlate_named(d, "uart0", r, 4, &n),
			 -ENODEV);
	assert_int_equal(n, 0);
	assert_int_equal(pl_fwdesc_xlate_named(d, NULL, r, 4, &n), -EINVAL);
	assert_int_equal(pl_fwdesc_xlate_named(d, "gpu", NULL, 4, &n), -EINVAL);
	pl_fwdesc_free(d);
}

/* ---- VT-d ---- */

/*
 * segment 0: dmar0 scopes: endpoint 00:02.0, bridge 00:1c.0 (buses 2-3,
 * with a nested bridge 02:00.0 -> 3), endpoint 1c.4/00.0 (04:00.0),
 * endpoint 1d.0/00.0/01.0 (06:01.0); dmar1 INCLUDE_PCI_ALL.
 * segment 1: dmar2, endpoint 00:02.0 only, no INCLUDE_PCI_ALL.
 */
static struct pl_fwdesc *vtd_desc(int *io)
{
	struct pl_topo_builder *b = pl_topo_builder_new();

	io[0] = b_vtd(b, "dmar0", 0, false);
	io[1] = b_vtd(b, "dmar1", 0, true);
	io[2] = b_vtd(b, "dmar2", 1, false);
	b_bridge(b, 0, 0, DF(0x1c, 0), 2, 3, false);	/* 0 */
	b_bridge(b, 0, 2, DF(0, 0), 3, 3, true);	/* 1: PCIe-to-PCI */
	b_bridge(b, 0, 0, DF(0x1c, 4), 4, 4, false);	/* 2 */
	b_bridge(b, 0, 0, DF(0x1d, 0), 5, 7, false);	/* 3 */
	b_bridge(b, 0, 5, DF(0, 0), 6, 7, false);	/* 4 */
	b_bridge(b, 0, 6, DF(2, 0), 7, 7, false);	/* 5 */
	b_scope(b, io[0], PROBELAB_FW_SCOPE_ENDPOINT, 0, 1, DF(2, 0));
	b_scope(b, io[0], PROBELAB_FW_SCOPE_BRIDGE, 0, 1, DF(0x1c, 0));
	b_scope(b, io[0], PROBELAB_FW_SCOPE_ENDPOINT, 0, 2, DF(0x1c, 4),
		DF(0, 0));
	b_scope(b, io[0], PROBELAB_FW_SCOPE_ENDPOINT, 0, 3, DF(0x1d, 0),
		DF(0, 0), DF(1, 0));
	b_scope(b, io[0], PROBELAB_FW_SCOPE_BRIDGE, 0, 2, DF(0x1c, 0),
		DF(0, 0));	/* 4: nested in scope 1 */
	b_scope(b, io[2], PROBELAB_FW_SCOPE_ENDPOINT, 0, 1, DF(2, 0));
	return build(b);
}

static void match(const struct pl_fwdesc *d, uint16_t seg, uint16_t rid,
		  uint32_t iommu, uint32_t kind, uint32_t scope, uint32_t bridge)
{
	struct pl_fw_vtd_match m;
	int ret;

	ret = pl_fwdesc_vtd_match(d, seg, rid >> 8, rid & 0xff, &m);
	if (ret || m.iommu != iommu || m.kind != kind || m.scope != scope ||
	    m.bridge != bridge)
		print_message("# %04x:%04x: %d iommu %u kind %u scope %u bridge %u\n",
			      seg, rid, ret, m.iommu, m.kind, m.scope,
			      m.bridge);
	assert_int_equal(ret, 0);
	assert_int_equal(m.iommu, iommu);
	assert_int_equal(m.kind, kind);
	assert_int_equal(m.scope, scope);
	assert_int_equal(m.bridge, bridge);
}

static void test_vtd_endpoint_scope(void **state)
{
	struct pl_fwdesc *d;
	int io[3];

	(void)state;
	d = vtd_desc(io);
	match(d, 0, RID(0, 2, 0), io[0], PL_FW_VTD_EXACT, 0, PL_FW_NONE);
	/* another function of the same device is not in the scope */
	match(d, 0, RID(0, 2, 1), io[1], PL_FW_VTD_INCLUDE_ALL, PL_FW_NONE,
	      PL_FW_NONE);
	xlate1(d, 0, RID(0, 2, 0), io[0], RID(0, 2, 0));
	xlate1(d, 0, RID(0, 2, 1), io[1], RID(0, 2, 1));
	pl_fwdesc_free(d);
}

static void test_vtd_multi_hop(void **state)
{
	struct pl_fwdesc *d;
	int io[3];

	(void)state;
	d = vtd_desc(io);
	/* 1c.4/00.0 -> 04:00.0; its sibling function is not scoped */
	match(d, 0, RID(4, 0, 0), io[0], PL_FW_VTD_EXACT, 2, PL_FW_NONE);
	match(d, 0, RID(4, 0, 1), io[1], PL_FW_VTD_INCLUDE_ALL, PL_FW_NONE,
	      PL_FW_NONE);
	/* the root port itself is not scoped */
	match(d, 0, RID(0, 0x1c, 4), io[1], PL_FW_VTD_INCLUDE_ALL,
	      PL_FW_NONE, PL_FW_NONE);
	/* three hops: 1d.0 -> bus 5, 00.0 -> bus 6, 01.0 -> 06:01.0 */
	match(d, 0, RID(6, 1, 0), io[0], PL_FW_VTD_EXACT, 3, PL_FW_NONE);
	match(d, 0, RID(7, 0, 0), io[1], PL_FW_VTD_INCLUDE_ALL, PL_FW_NONE,
	      PL_FW_NONE);
	assert_int_equal(d->scopes[3].bus, 6);
	assert_int_equal(d->scopes[3].devfn, DF(1, 0));
	pl_fwdesc_free(d);
}

static void test_vtd_bridge_scope(void **state)
{
	struct pl_fwdesc *d;
	int io[3];

	(void)state;
	d = vtd_desc(io);
	/* the bridge itself, exactly */
	match(d, 0, RID(0, 0x1c, 0), io[0], PL_FW_VTD_EXACT, 1, 0);
	/* bus 2, directly below 00:1c.0 */
	match(d, 0, RID(2, 5, 3), io[0], PL_FW_VTD_BRIDGE, 1, 0);
	/* the nested bridge 02:00.0 has its own (nested) scope 4 */
	match(d, 0, RID(2, 0, 0), io[0], PL_FW_VTD_EXACT, 4, 1);
	/* bus 3: the innermost bridge scope is reported */
	match(d, 0, RID(3, 4, 0), io[0], PL_FW_VTD_BRIDGE, 4, 1);
	/* bus 4 is not below 00:1c.0 */
	match(d, 0, RID(4, 1, 0), io[1], PL_FW_VTD_INCLUDE_ALL, PL_FW_NONE,
	      PL_FW_NONE);
	xlate1(d, 0, RID(3, 4, 0), io[0], RID(3, 4, 0));
	pl_fwdesc_free(d);
}

static void test_vtd_include_all_and_segments(void **state)
{
	struct pl_fw_vtd_match m;
	struct pl_fwdesc *d;
	int io[3];

	(void)state;
	d = vtd_desc(io);
	match(d, 0, RID(0, 0x1f, 3), io[1], PL_FW_VTD_INCLUDE_ALL,
	      PL_FW_NONE, PL_FW_NONE);
	match(d, 0, RID(0xff, 31, 7), io[1], PL_FW_VTD_INCLUDE_ALL,
	      PL_FW_NONE, PL_FW_NONE);
	/* segment 1: only its own scope; no INCLUDE_PCI_ALL there */
	match(d, 1, RID(0, 2, 0), io[2], PL_FW_VTD_EXACT, 5, PL_FW_NONE);
	assert_int_equal(pl_fwdesc_vtd_match(d, 1, 0, DF(3, 0), &m), -ENODEV);
	xlate_none(d, 1, RID(0, 3, 0));
	xlate1(d, 1, RID(0, 2, 0), io[2], RID(0, 2, 0));
	/* segment 2: not described */
	assert_int_equal(pl_fwdesc_vtd_match(d, 2, 0, DF(2, 0), &m), -ENODEV);
	xlate_none(d, 2, RID(0, 2, 0));
	assert_int_equal(pl_fwdesc_vtd_match(d, 0, 0, 0, NULL), -EINVAL);
	pl_fwdesc_free(d);
}

static void test_vtd_not_on_rc_segment(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fw_vtd_match m;
	struct pl_fwdesc *d;
	int io, rc;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	b_vtd(b, "dmar0", 1, true);
	rc = b_rc(b, 0, 0, 0xff, 0xffff);
	b_map(b, rc, io, 0, 0x10000, 0);
	d = build(b);
	assert_int_equal(pl_fwdesc_vtd_match(d, 0, 1, 0, &m), -ENODEV);
	xlate1(d, 0, RID(1, 0, 0), io, RID(1, 0, 0));
	xlate1(d, 1, RID(1, 0, 0), 1, RID(1, 0, 0));
	pl_fwdesc_free(d);
}

/* ---- topology helpers and aliases ---- */

static void test_pci_topology(void **state)
{
	struct pl_fwdesc *d;
	uint16_t rids[4];
	unsigned int n;
	uint32_t br;
	int io[3];

	(void)state;
	d = vtd_desc(io);
	assert_int_equal(pl_fwdesc_find_bridge(d, 0, 0, DF(0x1c, 0)), 0);
	assert_int_equal(pl_fwdesc_find_bridge(d, 0, 6, DF(2, 0)), 5);
	assert_int_equal(pl_fwdesc_find_bridge(d, 0, 0, DF(2, 0)), -ENOENT);
	assert_int_equal(pl_fwdesc_find_bridge(d, 1, 0, DF(0x1c, 0)),
			 -ENOENT);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 3, &br), 0);
	assert_int_equal(br, 1);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 2, &br), 0);
	assert_int_equal(br, 0);
	assert_int_equal(pl_fwdesc_pci_parent(d, 0, 0, &br), -ENOENT);
	assert_int_equal(d->bridges[1].parent, 0);
	assert_int_equal(d->bridges[5].parent, 4);
	/* behind the PCIe-to-PCI bridge 02:00.0: alias (3, 00.0) */
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 0, 3, DF(4, 0), rids, 4,
						   &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rids[0], RID(3, 4, 0));
	assert_int_equal(rids[1], RID(3, 0, 0));
	/* the function that has the alias RID itself: no duplicate */
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 0, 3, 0, rids, 4, &n),
			 0);
	assert_int_equal(n, 1);
	/* PCIe ports do not alias */
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 0, 7, 0, rids, 4, &n),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 0, 3, DF(4, 0), rids, 1,
						   &n), -ENOSPC);
	assert_int_equal(n, 2);
	/* an undescribed segment: just the function */
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 9, 3, 0, rids, 4, &n),
			 0);
	assert_int_equal(n, 1);
	pl_fwdesc_free(d);
}

static void test_xlate_aliases(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct pl_fw_ref r[4];
	struct pl_fwdesc *d;
	uint16_t al[3];
	unsigned int n;
	int io, rc;

	(void)state;
	io = b_smmu(b, "smmu0", 16);
	rc = b_rc(b, 0, 0, 0xff, 0xfff8);
	b_map(b, rc, io, 0x0100, 0x0100, 0x1000);
	d = build(b);
	/*
	 * 01:00.1 with aliases 01:00.2 (same masked ID), 02:00.0 (uncovered),
	 * 01:01.0 (another masked ID)
	 */
	al[0] = RID(1, 0, 2);
	al[1] = RID(2, 0, 0);
	al[2] = RID(1, 1, 0);
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, RID(1, 0, 1), al, 3,
						     r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].id, 0x1000);
	assert_int_equal(r[1].id, 0x1008);
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, RID(1, 0, 1), al, 3,
						     r, 1, &n), -ENOSPC);
	assert_int_equal(n, 2);
	/* uncovered device, covered alias */
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, RID(2, 0, 0), al, 1,
						     r, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, 0x1000);
	/* nothing covered */
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, RID(2, 0, 0), NULL,
						     0, r, 4, &n), -ENODEV);
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, 0, al,
						     PL_FW_MAX_ALIASES + 1, r,
						     4, &n), -EINVAL);
	pl_fwdesc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_range_edges),
		cmocka_unit_test(test_map_mask),
		cmocka_unit_test(test_map_mask_uncovered),
		cmocka_unit_test(test_map_single),
		cmocka_unit_test(test_map_many),
		cmocka_unit_test(test_map_args),
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_vtd_endpoint_scope),
		cmocka_unit_test(test_vtd_multi_hop),
		cmocka_unit_test(test_vtd_bridge_scope),
		cmocka_unit_test(test_vtd_include_all_and_segments),
		cmocka_unit_test(test_vtd_not_on_rc_segment),
		cmocka_unit_test(test_pci_topology),
		cmocka_unit_test(test_xlate_aliases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the firmware import (tools/fw/import*.c): DMAR, IORT and
 * device-tree fixtures (PROBELAB_FIXTURES), tables and trees built here,
 * host mode over fake sysfs trees that reproduce the two QEMU guests (and
 * a PCIe switch, a conventional PCI bridge, multifunction devices), the
 * documented refusals, and - with PROBELAB_SHARED - every table of the
 * shared real-firmware set: each import gives a description the core
 * validator accepts, and sample devices resolve to the right IDs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <libfdt.h>

#include "test_fw_util.h"
#include "import.h"
#include "scope.h"

#define DF(d, f)	((uint8_t)((d) << 3 | (f)))
#define RID(b, d, f)	((uint16_t)((b) << 8 | DF(d, f)))

/* The DMAR of the project's x86_64 QEMU guest (q35 + intel-iommu). */
static const uint8_t q35_dmar[] = {
	0x44, 0x4d, 0x41, 0x52, 0x90, 0x00, 0x00, 0x00, 0x01, 0xb4, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
	0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
	0x26, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd9, 0xfe,
	0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00,
	0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x08, 0x00, 0x00,
	0x00, 0x00, 0x04, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00,
	0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x00, 0x01, 0x08, 0x00, 0x00,
	0x00, 0x00, 0x1f, 0x02, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x03,
};

/* ------------------------------------------------------------- helpers */

static struct pl_import *imp_buf(const void *buf, size_t len, const char *name,
				 const struct pl_import_opts *o)
{
	struct pl_import *imp = NULL;
	char err[1024];
	int ret = pl_import_buf(buf, len, name, o, &imp, err, sizeof(err));

	if (ret)
		fail_msg("import %s: %d %s", name, ret, err);
	return imp;
}

static struct pl_import *imp_fixture(const char *name)
{
	size_t len;
	uint8_t *b = fw_fixture(name, &len);
	struct pl_import *imp = imp_buf(b, len, name, NULL);

	free(b);
	return imp;
}

/* The blob passes the core validator on its own, again. */
static void revalidate(const struct pl_import *imp)
{
	struct pl_fwdesc *d = NULL;
	struct pl_fw_err e;
	int ret = pl_fwdesc_parse(imp->blob, imp->len, &d, &e);

	if (ret)
		fail_msg("%s: the core refuses the import: %s", imp->source, e.msg);
	pl_fwdesc_free(d);
}

static int iommu_by_name(const struct pl_import *imp, const char *name)
{
	int i = pl_fwdesc_find_iommu(imp->desc, name);

	if (i < 0)
		fail_msg("%s: no IOMMU %s", imp->source, name);
	return i;
}

static void want_pci(const struct pl_import *imp, uint16_t seg, uint16_t rid,
		     const char *iommu, uint32_t id)
{
	struct pl_fw_ref r[4];
	unsigned int n = 0;
	int ret = pl_fwdesc_xlate_pci(imp->desc, seg, rid >> 8, rid & 0xff, r,
				      4, &n);

	if (ret || n != 1 || r[0].iommu != (uint32_t)iommu_by_name(imp, iommu) ||
	    r[0].id != id)
		fail_msg("%s: %04x:%02x:%02x.%u: want %s:0x%x, got %d n=%u %s:0x%x",
			 imp->source, seg, rid >> 8, (rid >> 3) & 0x1f, rid & 7,
			 iommu, id, ret, n, n ? pl_import_iommu_name(imp, r[0].iommu) :
			 "-", n ? r[0].id : 0);
}

static void want_none(const struct pl_import *imp, uint16_t seg, uint16_t rid)
{
	struct pl_fw_ref r[4];
	unsigned int n;
	int ret = pl_fwdesc_xlate_pci(imp->desc, seg, rid >> 8, rid & 0xff, r,
				      4, &n);

	if (ret != -ENODEV)
		fail_msg("%s: %04x:%04x resolves (%d, 0x%x), want no IOMMU",
			 imp->source, seg, rid, ret, ret ? 0 : r[0].id);
}

static const struct pl_import_device *dev_pci(const struct pl_import *imp,
					      uint16_t seg, uint16_t rid)
{
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *d = &imp->devices[i];

		if (d->kind == PL_TOPO_DEV_PCI && d->segment == seg &&
		    (d->bus << 8 | d->devfn) == rid)
			return d;
	}
	fail_msg("%s: no lab device %04x:%04x", imp->source, seg, rid);
	return NULL;
}

static const struct pl_import_device *dev_named(const struct pl_import *imp,
						const char *name)
{
	for (unsigned int i = 0; i < imp->nr_devices; i++)
		if (imp->devices[i].kind == PL_TOPO_DEV_PLATFORM &&
		    !strcmp(imp->devices[i].name, name))
			return &imp->devices[i];
	fail_msg("%s: no named lab device %s", imp->source, name);
	return NULL;
}

static bool has_note(const struct pl_import *imp, const char *sub)
{
	for (unsigned int i = 0; i < imp->nr_notes; i++)
		if (strstr(imp->notes[i], sub))
			return true;
	return false;
}

static void want_note(const struct pl_import *imp, const char *sub)
{
	if (!has_note(imp, sub)) {
		for (unsigned int i = 0; i < imp->nr_notes; i++)
			print_error("# note: %s\n", imp->notes[i]);
		fail_msg("%s: no note says \"%s\"", imp->source, sub);
	}
}

/* The device's IDs (on its first IOMMU), in order. */
static void want_ids(const struct pl_import_device *d, unsigned int n, ...)
{
	va_list ap;
	char name[40];

	pl_import_dev_name(d, name, sizeof(name));
	if (d->nr_refs != n)
		fail_msg("%s: %u refs, want %u", name, d->nr_refs, n);
	va_start(ap, n);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t id = va_arg(ap, uint32_t);

		if (d->refs[i].id != id)
			fail_msg("%s: ref %u is 0x%x, want 0x%x", name, i,
				 d->refs[i].id, id);
	}
	va_end(ap);
}

/* The devices of @seg listed in @rids form exactly one group. */
static void want_group(const struct pl_import *imp, uint16_t seg,
		       const uint16_t *rids, unsigned int n)
{
	unsigned int g = dev_pci(imp, seg, rids[0])->group;

	assert_true(g != 0);
	for (unsigned int i = 1; i < n; i++)
		if (dev_pci(imp, seg, rids[i])->group != g)
			fail_msg("%04x:%04x is in group %u, %04x:%04x in %u", seg,
				 rids[i], dev_pci(imp, seg, rids[i])->group, seg,
				 rids[0], g);
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *d = &imp->devices[i];
		bool listed = false;

		for (unsigned int k = 0; k < n; k++)
			listed |= d->kind == PL_TOPO_DEV_PCI && d->segment == seg &&
				  (d->bus << 8 | d->devfn) == rids[k];
		if (!listed && d->group == g)
			fail_msg("%02x:%02x.%u is in group %u too", d->bus,
				 d->devfn >> 3, d->devfn & 7, g);
	}
}

/* -------------------------------------------------------- DMAR fixtures */

static void test_dmar_full(void **state)
{
	struct pl_import *imp = imp_fixture("dmar-full.aml");
	const struct pl_fwdesc *d = imp->desc;

	(void)state;
	revalidate(imp);
	assert_int_equal(d->nr_iommus, 3);
	assert_string_equal(d->iommus[0].name, "dmar0");
	assert_string_equal(d->iommus[2].name, "dmar2");
	assert_true(d->iommus[1].flags & PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	assert_int_equal(d->iommus[2].segment, 1);
	assert_int_equal(d->iommus[2].base, 0x4FED00000ull);
	assert_int_equal(d->nr_scopes, 3);
	/* 00:1c.4 gets bus 01 (lowest free), 80:01.0 bus 81 (0x80 is a root) */
	assert_int_equal(d->nr_bridges, 2);
	assert_true(imp->synth_buses);
	want_pci(imp, 0, RID(0, 2, 0), "dmar0", RID(0, 2, 0));
	want_pci(imp, 0, RID(1, 0, 0), "dmar0", RID(1, 0, 0));
	want_pci(imp, 0, RID(0x80, 1, 0), "dmar0", RID(0x80, 1, 0));
	want_pci(imp, 0, RID(0x81, 5, 3), "dmar0", RID(0x81, 5, 3));
	want_pci(imp, 0, RID(0, 0x1f, 0), "dmar1", RID(0, 0x1f, 0));
	want_pci(imp, 0, RID(1, 1, 0), "dmar1", RID(1, 1, 0));
	want_pci(imp, 1, RID(0x20, 5, 4), "dmar2", RID(0x20, 5, 4));
	/* ANDD devices: named endpoints, start bus + first hop */
	want_ids(dev_named(imp, "_SB.PCI0.I2C0"), 1, 0xa8);
	want_ids(dev_named(imp, "_SB.PCI0.I2C1"), 1, 0xa9);
	/* one device per scope, behind the bridge scope, per INCLUDE_ALL */
	want_ids(dev_pci(imp, 0, RID(0, 2, 0)), 1, RID(0, 2, 0));
	want_ids(dev_pci(imp, 0, RID(1, 0, 0)), 1, RID(1, 0, 0));
	dev_pci(imp, 0, RID(0x80, 1, 0));
	assert_string_equal(dev_pci(imp, 0, RID(0x81, 0, 0))->why,
			    "behind bridge scope 80:01.0 of dmar0");
	assert_string_equal(dev_pci(imp, 0, RID(0, 0, 0))->why,
			    "INCLUDE_PCI_ALL of dmar1");
	dev_pci(imp, 1, RID(0, 0, 0));
	assert_int_equal(imp->nr_devices, 8);
	assert_int_equal(imp->nr_groups, 8);
	want_note(imp, "IOAPIC");
	want_note(imp, "synthesized");
	want_note(imp, "RMRR 1, ATSR 2");
	pl_import_free(imp);
}

static void dmar_header(struct fw_tb *t)
{
	tb_acpi_header(t, "DMAR", 1);
	tb_u8(t, 38);
	tb_u8(t, 0x01);
	for (int i = 0; i < 10; i++)
		tb_u8(t, 0);
}

static size_t drhd_begin(struct fw_tb *t, uint8_t flags, uint16_t seg,
			 uint64_t base)
{
	size_t at = tb_le(t, 0, 2);

	tb_le(t, 0, 2);
	tb_u8(t, flags);
	tb_u8(t, 0);
	tb_le(t, seg, 2);
	tb_le(t, base, 8);
	return at;
}

static void drhd_end(struct fw_tb *t, size_t at)
{
	fw_put_le(t->b, at + 2, t->len - at, 2);
}

static void pscope(struct fw_tb *t, uint8_t type, uint8_t bus,
		   const uint8_t *devfns, unsigned int n)
{
	tb_u8(t, type);
	tb_u8(t, (uint8_t)(6 + 2 * n));
	tb_u8(t, 0);
	tb_u8(t, 0);
	tb_u8(t, 0);
	tb_u8(t, bus);
	for (unsigned int i = 0; i < n; i++) {
		tb_u8(t, devfns[i] >> 3);
		tb_u8(t, devfns[i] & 7);
	}
}

/* Multi-hop paths sharing bridges; bus numbers avoid every root bus. */
static void test_dmar_synth(void **state)
{
	static const uint8_t p1[] = { DF(0x1c, 0), DF(0, 0), DF(1, 0) };
	static const uint8_t p2[] = { DF(0x1c, 0), DF(0, 0), DF(2, 0) };
	static const uint8_t p3[] = { DF(0x1c, 0) };
	static const uint8_t p4[] = { DF(3, 0) };
	static const uint8_t p5[] = { DF(0x1c, 0), DF(0, 0) };
	struct fw_tb t;
	struct pl_import *imp;
	size_t at;

	(void)state;
	dmar_header(&t);
	at = drhd_begin(&t, 0, 0, 0xfed90000);
	pscope(&t, 1, 0, p1, 3);	/* 00:1c.0 -> 00.0 -> 01.0 */
	pscope(&t, 1, 0, p2, 3);
	pscope(&t, 2, 0, p3, 1);	/* bridge scope on 00:1c.0 */
	pscope(&t, 1, 1, p4, 1);	/* a second root bus: 01 */
	pscope(&t, 2, 0, p5, 2);	/* bridge scope on the switch port */
	drhd_end(&t, at);
	at = drhd_begin(&t, 1, 0, 0xfed91000);
	drhd_end(&t, at);
	tb_acpi_finish(&t);
	imp = imp_buf(t.b, t.len, "synth", NULL);
	revalidate(imp);
	/* 00:1c.0 -> buses 02-03 (01 is a root bus), its switch port 03 */
	assert_int_equal(imp->desc->nr_bridges, 2);
	want_pci(imp, 0, RID(3, 1, 0), "dmar0", RID(3, 1, 0));
	want_pci(imp, 0, RID(3, 2, 0), "dmar0", RID(3, 2, 0));
	want_pci(imp, 0, RID(3, 7, 0), "dmar0", RID(3, 7, 0));
	want_pci(imp, 0, RID(2, 5, 0), "dmar0", RID(2, 5, 0));
	want_pci(imp, 0, RID(1, 3, 0), "dmar0", RID(1, 3, 0));
	want_pci(imp, 0, RID(1, 4, 0), "dmar1", RID(1, 4, 0));
	want_pci(imp, 0, RID(4, 0, 0), "dmar1", RID(4, 0, 0));
	dev_pci(imp, 0, RID(3, 1, 0));
	dev_pci(imp, 0, RID(3, 2, 0));
	dev_pci(imp, 0, RID(0, 0x1c, 0));
	dev_pci(imp, 0, RID(2, 0, 0));
	dev_pci(imp, 0, RID(1, 3, 0));
	/* the INCLUDE_PCI_ALL sample is a function no scope takes */
	assert_string_equal(dev_pci(imp, 0, RID(0, 0, 0))->why,
			    "INCLUDE_PCI_ALL of dmar1");
	pl_import_free(imp);
}

/* Paths longer than the description takes are refused, not cut. */
static void test_dmar_refuse_hops(void **state)
{
	uint8_t p[9];
	struct pl_import *imp = NULL;
	struct fw_tb t;
	char err[512];
	size_t at;

	(void)state;
	for (int i = 0; i < 9; i++)
		p[i] = DF(i + 1, 0);
	dmar_header(&t);
	at = drhd_begin(&t, 0, 0, 0xfed90000);
	pscope(&t, 1, 0, p, 9);
	drhd_end(&t, at);
	tb_acpi_finish(&t);
	assert_int_equal(pl_import_buf(t.b, t.len, "hops", NULL, &imp, err,
				       sizeof(err)), -E2BIG);
	assert_null(imp);
	assert_non_null(strstr(err, "path of 9 hops"));
}

/* Malformed firmware: the parser's errno and location. */
static void test_refuse_malformed(void **state)
{
	struct pl_import *imp = NULL;
	char err[512];
	size_t len;
	uint8_t *b = fw_fixture("dmar-bad-path.aml", &len);
	int ret = pl_import_buf(b, len, "bad", NULL, &imp, err, sizeof(err));

	(void)state;
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err, "offset 0x"));
	free(b);
	assert_int_equal(pl_import_buf("nothing", 7, "x", NULL, &imp, err,
				       sizeof(err)), -ENOTSUP);
}

/* -------------------------------------------------------- IORT fixtures */

static void test_iort_full(void **state)
{
	struct pl_import *imp = imp_fixture("iort-full.aml");
	const struct pl_fwdesc *d = imp->desc;
	int v2, v3;

	(void)state;
	revalidate(imp);
	v2 = iommu_by_name(imp, "smmu.0x0000000005000000");
	v3 = iommu_by_name(imp, "smmu3.0x000000002b400000");
	assert_int_equal(d->iommus[v2].model, PROBELAB_FW_IOMMU_SMMUV3);
	assert_int_equal(d->iommus[v2].sid_bits, 16);
	assert_true(d->iommus[v2].features & PROBELAB_FW_SMMUV3_F_COHERENT);
	assert_true(d->iommus[v3].features & PROBELAB_FW_SMMUV3_F_COHERENT);
	assert_int_equal(imp->nr_arm_smmu_v2, 1);
	want_note(imp, "SMMUv3-model stream-ID instance");
	want_pci(imp, 0, 0x0080, "smmu3.0x000000002b400000", 0x80);
	want_pci(imp, 0, 0x1234, "smmu.0x0000000005000000", 0x1234);
	/* the named component: single mapping + 16 IDs = 17 specifiers */
	assert_int_equal(d->nr_endpoints, 1);
	assert_string_equal(d->endpoints[0].name, "_SB.DMA0");
	assert_int_equal(d->endpoints[0].nr_specs, 17);
	assert_int_equal(dev_named(imp, "_SB.DMA0")->xlate, -ENOSPC);
	want_note(imp, "at most 16 per device");
	/* first, middle, last RID of each map */
	dev_pci(imp, 0, 0x0000);
	dev_pci(imp, 0, 0x007f);
	dev_pci(imp, 0, 0x00ff);
	dev_pci(imp, 0, 0x0100);
	dev_pci(imp, 0, 0xffff);
	pl_import_free(imp);
}

static void test_iort_rev3(void **state)
{
	struct pl_import *imp = imp_fixture("iort-rev3.aml");

	(void)state;
	revalidate(imp);
	assert_int_equal(imp->desc->rcs[0].segment, 3);
	want_pci(imp, 3, 0x0010, "smmu3.0x0000000009050000", 0x10);
	/* 0x100.. go to the ITS directly: no IOMMU */
	want_none(imp, 3, 0x0100);
	want_none(imp, 0, 0x0010);
	pl_import_free(imp);
}

/* Patch a mapping of a parsed fixture and re-checksum it. */
static uint8_t *iort_patched(size_t *len, unsigned int node_type,
			     unsigned int map, size_t field, uint32_t v)
{
	struct pl_fw_diag diag;
	struct pl_iort *iort;
	uint8_t *b = fw_fixture("iort-full.aml", len);

	assert_int_equal(pl_iort_parse(b, *len, &iort, &diag), 0);
	for (size_t i = 0; i < iort->nnodes; i++)
		if (iort->nodes[i].type == node_type)
			fw_put_le(b, iort->nodes[i].maps[map].offset + field, v, 4);
	pl_iort_free(iort);
	fw_acpi_fix_checksum(b, *len);
	return b;
}

static void test_iort_refusals(void **state)
{
	struct pl_import *imp = NULL;
	char err[512];
	size_t len;
	uint8_t *b;

	(void)state;
	/* a single mapping after a range mapping of a root complex */
	b = iort_patched(&len, PL_IORT_ROOT_COMPLEX, 1, 16, 1);
	assert_int_equal(pl_import_buf(b, len, "single", NULL, &imp, err,
				       sizeof(err)), -EOPNOTSUPP);
	assert_non_null(strstr(err, "single mapping"));
	free(b);
	/* a named component with 4096 stream IDs */
	b = iort_patched(&len, PL_IORT_NAMED_COMPONENT, 1, 4, 0xfff);
	assert_int_equal(pl_import_buf(b, len, "many", NULL, &imp, err,
				       sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "\\_SB.DMA0"));
	free(b);
	assert_null(imp);
}

/* ---------------------------------------------------------- DT fixtures */

static void test_dt_full(void **state)
{
	struct pl_import *imp = imp_fixture("dt-full.dtb");
	const struct pl_fwdesc *d = imp->desc;
	const struct pl_import_device *m;
	int s3;

	(void)state;
	revalidate(imp);
	/* disabled and non-Arm IOMMUs are left out */
	assert_int_equal(d->nr_iommus, 4);
	s3 = iommu_by_name(imp, "smmu3.0x000000002b400000");
	assert_int_equal(d->iommus[s3].sid_bits, 17);
	iommu_by_name(imp, "smmu.0x0000000005000000");
	iommu_by_name(imp, "smmu.0x0000000007000000");
	iommu_by_name(imp, "smmu.0x0000000008000000");
	assert_int_equal(imp->nr_arm_smmu_v2, 3);
	/* endpoints named as Linux names the platform devices */
	want_ids(dev_named(imp, "a000000.dma"), 2, 0x10, 0x11);
	m = dev_named(imp, "c000000.multi");
	assert_int_equal(m->nr_refs, 2);
	assert_int_equal(m->refs[1].id, 0x5);
	assert_int_equal(m->refs[1].mask, 0x400);
	want_ids(dev_named(imp, "f100000.vic"), 1, 0x34);
	want_ids(dev_named(imp, "f000000.host1x"), 1, 0x27);
	assert_int_equal(pl_fwdesc_find_endpoint(d, "b000000.gpu"), -ENOENT);
	want_note(imp, "not Arm SMMUs dropped");
	want_note(imp, "no PCI host bridge");
	want_note(imp, "past 16-bit requester IDs");
	/* the PCI host bridge: mask 0xfff8, one map, segment assumed */
	assert_int_equal(d->nr_rcs, 1);
	assert_string_equal(d->rcs[0].name, "d000000.pcie");
	assert_int_equal(d->rcs[0].rid_mask, 0xfff8);
	want_note(imp, "PCI segment 0 assumed");
	want_pci(imp, 0, 0x0105, "smmu3.0x000000002b400000", 0x10100);
	want_ids(dev_pci(imp, 0, 0x0000), 1, 0x10000);
	want_ids(dev_pci(imp, 0, 0x0007), 1, 0x10000);
	want_ids(dev_pci(imp, 0, 0xfff8), 1, 0x1fff8);
	{
		static const uint16_t g[] = { 0x0000, 0x0007 };

		want_group(imp, 0, g, 2);
	}
	pl_import_free(imp);
}

static void test_dt_minimal(void **state)
{
	struct pl_import *imp = imp_fixture("dt-minimal.dtb");

	(void)state;
	revalidate(imp);
	assert_int_equal(imp->desc->nr_iommus, 0);
	assert_int_equal(imp->nr_devices, 0);
	pl_import_free(imp);
}

/* ------------------------------------------------- device trees built */

static void fdt_u32s(void *fdt, const char *name, const uint32_t *v,
		     unsigned int n)
{
	fdt32_t c[32];

	assert_true(n <= 32);
	for (unsigned int i = 0; i < n; i++)
		c[i] = cpu_to_fdt32(v[i]);
	assert_int_equal(fdt_property(fdt, name, c, (int)(n * 4)), 0);
}

/*
 * QEMU's virt board as its DT shows it (SMMUv3 at 0x9050000, the ECAM
 * host bridge whose reg is at 0x4010000000), with @maps of 4 cells each
 * (rid, phandle, base, length), optionally a second, disabled SMMU with
 * phandle 2, and linux,pci-domain @domain (-1: none).
 */
static size_t virt_dt(uint8_t *buf, size_t cap, const uint32_t *maps,
		      unsigned int nmaps, int domain, bool second)
{
	static const uint32_t smmu_reg[] = { 0, 0x9050000, 0, 0x20000 };
	static const uint32_t pci_reg[] = { 0x40, 0x10000000, 0, 0x10000000 };
	static const uint32_t br[] = { 0, 0xff };
	uint32_t one;

	assert_int_equal(fdt_create(buf, (int)cap), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	one = 2;
	fdt_u32s(buf, "#address-cells", &one, 1);
	fdt_u32s(buf, "#size-cells", &one, 1);
	assert_int_equal(fdt_property_string(buf, "compatible", "linux,dummy-virt"), 0);
	assert_int_equal(fdt_begin_node(buf, "smmuv3@9050000"), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "arm,smmu-v3"), 0);
	fdt_u32s(buf, "reg", smmu_reg, 4);
	one = 1;
	fdt_u32s(buf, "#iommu-cells", &one, 1);
	assert_int_equal(fdt_property(buf, "dma-coherent", NULL, 0), 0);
	one = 0x8007;
	fdt_u32s(buf, "phandle", &one, 1);
	assert_int_equal(fdt_end_node(buf), 0);
	if (second) {
		static const uint32_t r2[] = { 0, 0x9060000, 0, 0x20000 };

		assert_int_equal(fdt_begin_node(buf, "smmuv3@9060000"), 0);
		assert_int_equal(fdt_property_string(buf, "compatible", "arm,smmu-v3"), 0);
		fdt_u32s(buf, "reg", r2, 4);
		one = 1;
		fdt_u32s(buf, "#iommu-cells", &one, 1);
		one = 2;
		fdt_u32s(buf, "phandle", &one, 1);
		assert_int_equal(fdt_property_string(buf, "status", "disabled"), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	assert_int_equal(fdt_begin_node(buf, "pcie@10000000"), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "pci-host-ecam-generic"), 0);
	assert_int_equal(fdt_property_string(buf, "device_type", "pci"), 0);
	fdt_u32s(buf, "reg", pci_reg, 4);
	fdt_u32s(buf, "bus-range", br, 2);
	if (domain >= 0) {
		one = (uint32_t)domain;
		fdt_u32s(buf, "linux,pci-domain", &one, 1);
	}
	fdt_u32s(buf, "iommu-map", maps, 4 * nmaps);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

/* of_map_id(): the first entry that holds a requester ID wins. */
static void test_dt_first_match(void **state)
{
	static const uint32_t maps[] = {
		0x000, 2, 0x5000, 0x40,		/* disabled SMMU: shadows */
		0x000, 0x8007, 0x1000, 0x100,
		0x080, 0x8007, 0x2000, 0x180,	/* cut to 0x100..0x200 */
		0x300, 0x8007, 0x3000, 0,	/* length 0: nothing */
	};
	uint8_t buf[4096];
	size_t len = virt_dt(buf, sizeof(buf), maps, 4, 2, true);
	struct pl_import *imp = imp_buf(buf, len, "first-match", NULL);

	(void)state;
	revalidate(imp);
	assert_int_equal(imp->desc->nr_iommus, 1);
	assert_string_equal(imp->desc->rcs[0].name, "4010000000.pcie");
	assert_int_equal(imp->desc->rcs[0].segment, 2);
	want_none(imp, 2, 0x0010);
	want_pci(imp, 2, 0x0040, "smmu3.0x0000000009050000", 0x1040);
	want_pci(imp, 2, 0x0090, "smmu3.0x0000000009050000", 0x1090);
	want_pci(imp, 2, 0x0150, "smmu3.0x0000000009050000", 0x20d0);
	want_none(imp, 2, 0x0200);
	want_none(imp, 2, 0x0300);
	want_note(imp, "first match wins");
	want_note(imp, "disabled or non-Arm IOMMU");
	assert_true(imp->desc->iommus[0].features & PROBELAB_FW_SMMUV3_F_COHERENT);
	pl_import_free(imp);
}

/* --------------------------------------------------------- fake sysfs */

struct ffn {
	const char *bdf;
	int type;		/* PCIe device/port type, -1: conventional */
	int sec, sub;		/* bridge: buses; 0: no bridge */
	bool mf;		/* multifunction */
	int acs;		/* -1: no ACS capability, else its control */
};

static void mkpath(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void put_file(const char *dir, const char *name, const void *data,
		     size_t len)
{
	char p[1024];
	int fd;

	mkpath(dir);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put_text(const char *dir, const char *name, const char *text)
{
	put_file(dir, name, text, strlen(text));
}

static void fake_fn(const char *root, const struct ffn *f)
{
	uint8_t cfg[4096];
	char dir[512], t[16];
	size_t len = 256;

	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 0x36;
	cfg[1] = 0x1b;
	cfg[0x0e] = (uint8_t)((f->sec ? 1 : 0) | (f->mf ? 0x80 : 0));
	if (f->sec) {
		cfg[0x19] = (uint8_t)f->sec;
		cfg[0x1a] = (uint8_t)f->sub;
	}
	if (f->type >= 0) {
		cfg[0x06] = 0x10;
		cfg[0x34] = 0x40;
		cfg[0x40] = 0x10;
		cfg[0x42] = (uint8_t)(f->type << 4 | 2);
		len = 4096;
		if (f->acs >= 0) {
			fw_put_le(cfg, 0x100, 0x000d | 1u << 16, 4);
			fw_put_le(cfg, 0x104, 0x5f, 2);
			fw_put_le(cfg, 0x106, (uint64_t)f->acs, 2);
		}
	}
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/%s", root, f->bdf);
	put_file(dir, "config", cfg, len);
	if (f->sec) {
		snprintf(t, sizeof(t), "%d\n", f->sec);
		put_text(dir, "secondary_bus_number", t);
		snprintf(t, sizeof(t), "%d\n", f->sub);
		put_text(dir, "subordinate_bus_number", t);
	}
}

static char *fake_root(void)
{
	char *d = strdup("/tmp/plimp-test-XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_root(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

/* The PCI functions of the project's QEMU guests (docs/vm-lab.md). */
static void fake_guest(const char *root, const char *seg, int rp_acs,
		       bool q35)
{
	struct ffn f[] = {
		{ "00:00.0", -1, 0, 0, false, -1 },
		{ "00:01.0", -1, 0, 0, false, -1 },
		{ "00:02.0", -1, 0, 0, false, -1 },
		{ "00:03.0", -1, 0, 0, false, -1 },
		{ "00:04.0", 4, 1, 1, false, rp_acs },
		{ "00:05.0", 4, 2, 3, false, rp_acs },
		{ "01:00.0", -1, 0, 0, false, -1 },
		{ "02:00.0", 7, 3, 3, false, -1 },
		{ "03:01.0", -1, 0, 0, false, -1 },
		{ "03:02.0", -1, 0, 0, false, -1 },
		{ "00:1f.0", -1, 0, 0, true, -1 },
		{ "00:1f.2", -1, 0, 0, true, -1 },
		{ "00:1f.3", -1, 0, 0, true, -1 },
	};
	unsigned int n = q35 ? 13 : 10;

	for (unsigned int i = 0; i < n; i++) {
		char bdf[32];
		struct ffn g = f[i];

		snprintf(bdf, sizeof(bdf), "%s:%s", seg, f[i].bdf);
		g.bdf = bdf;
		fake_fn(root, &g);
	}
}

static void put_dmar0(const char *root, const char *name, const char *addr)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/class/iommu/%s/intel-iommu", root, name);
	put_text(dir, "address", addr);
	put_text(dir, "cap", "d2008c22260286\n");
	put_text(dir, "ecap", "f00f4a\n");
}

/* x86_64 guest: the kernel's groups, sysfs names and capabilities. */
static void test_host_q35(void **state)
{
	static const uint16_t lpc[] = { RID(0, 0x1f, 0), RID(0, 0x1f, 2),
					RID(0, 0x1f, 3) };
	static const uint16_t pci[] = { RID(2, 0, 0), RID(3, 1, 0),
					RID(3, 2, 0) };
	static const uint16_t rp1[] = { RID(0, 4, 0) };
	static const uint16_t ep1[] = { RID(1, 0, 0) };
	struct pl_import_opts o = { .host = true };
	char *root = fake_root(), dir[512];
	const struct pl_import_device *d;
	struct pl_import *imp = NULL;
	char err[512];

	(void)state;
	fake_guest(root, "0000", 0x1d, true);
	snprintf(dir, sizeof(dir), "%s/firmware/acpi/tables", root);
	put_file(dir, "DMAR", q35_dmar, sizeof(q35_dmar));
	put_dmar0(root, "dmar0", "fed90000\n");
	o.sysfs = root;
	assert_int_equal(pl_import_path(NULL, &o, &imp, err, sizeof(err)), 0);
	revalidate(imp);
	assert_true(imp->host);
	assert_int_equal(imp->kind, PL_FW_DMAR);
	assert_string_equal(imp->desc->iommus[0].name, "dmar0");
	assert_int_equal(imp->desc->iommus[0].features,
			 PROBELAB_FW_VTD_F_PASSTHROUGH |
			 PROBELAB_FW_VTD_F_CACHING_MODE);
	assert_int_equal(imp->desc->nr_scopes, 9);
	assert_int_equal(imp->desc->nr_bridges, 3);
	assert_int_equal(imp->nr_devices, 13);
	for (unsigned int i = 0; i < imp->nr_devices; i++)
		assert_int_equal(imp->devices[i].refs[0].id,
				 imp->devices[i].bus << 8 | imp->devices[i].devfn);
	/* Linux: multifunction without ACS; the PCIe-to-PCI bridge's group */
	want_group(imp, 0, lpc, 3);
	want_group(imp, 0, pci, 3);
	want_group(imp, 0, rp1, 1);
	want_group(imp, 0, ep1, 1);
	assert_int_equal(imp->nr_groups, 9);
	d = dev_pci(imp, 0, RID(0, 0x1f, 2));
	assert_int_equal(d->nr_group_aliases, 1);
	assert_int_equal(d->group_aliases[0], RID(0, 0x1f, 0));
	want_ids(d, 2, RID(0, 0x1f, 2), RID(0, 0x1f, 0));
	assert_int_equal(d->group_only, 2);
	d = dev_pci(imp, 0, RID(2, 0, 0));
	want_ids(d, 2, 0x200, 0x300);
	assert_int_equal(d->group_only, 2);
	/* 03:01.0: the bridge record gives the alias, no explicit one */
	d = dev_pci(imp, 0, RID(3, 1, 0));
	assert_int_equal(d->nr_aliases, 0);
	assert_int_equal(d->nr_topo, 1);
	assert_int_equal(d->topo[0], 0x300);
	want_ids(d, 2, 0x308, 0x300);
	assert_int_equal(d->group_only, 0);
	pl_import_free(imp);

	/* without ACS on the root ports their endpoints join them */
	fake_guest(root, "0000", 0, true);
	assert_int_equal(pl_import_path(NULL, &o, &imp, err, sizeof(err)), 0);
	{
		static const uint16_t g1[] = { RID(0, 4, 0), RID(1, 0, 0) };
		static const uint16_t g2[] = { RID(0, 5, 0), RID(2, 0, 0),
					       RID(3, 1, 0), RID(3, 2, 0) };

		want_group(imp, 0, g1, 2);
		want_group(imp, 0, g2, 4);
	}
	pl_import_free(imp);
	rm_root(root);
}

/* arm64 guest: DT host bridge -> segment from sysfs, no ACS enabled. */
static void test_host_virt(void **state)
{
	static const uint32_t maps[] = { 0, 0x8007, 0, 0x10000 };
	static const uint16_t g1[] = { RID(0, 4, 0), RID(1, 0, 0) };
	static const uint16_t g2[] = { RID(0, 5, 0), RID(2, 0, 0), RID(3, 1, 0),
				       RID(3, 2, 0) };
	struct pl_import_opts o = { .host = true };
	char *root = fake_root(), dir[512], link[600], target[600];
	struct pl_import *imp = NULL;
	uint8_t buf[4096];
	size_t len;
	char err[512];

	(void)state;
	len = virt_dt(buf, sizeof(buf), maps, 1, -1, false);
	snprintf(dir, sizeof(dir), "%s/firmware", root);
	put_file(dir, "fdt", buf, len);
	snprintf(dir, sizeof(dir), "%s/firmware/devicetree/base/pcie@10000000",
		 root);
	mkpath(dir);
	snprintf(dir, sizeof(dir), "%s/bus/platform/devices/4010000000.pcie/pci0005:00",
		 root);
	mkpath(dir);
	snprintf(link, sizeof(link), "%s/bus/platform/devices/4010000000.pcie/of_node",
		 root);
	snprintf(target, sizeof(target), "%s/firmware/devicetree/base/pcie@10000000",
		 root);
	assert_int_equal(symlink(target, link), 0);
	fake_guest(root, "0005", 0, false);
	o.sysfs = root;
	assert_int_equal(pl_import_path(NULL, &o, &imp, err, sizeof(err)), 0);
	revalidate(imp);
	assert_int_equal(imp->kind, PL_FW_FDT);
	assert_int_equal(imp->desc->rcs[0].segment, 5);
	assert_false(has_note(imp, "assumed"));
	assert_int_equal(imp->nr_devices, 10);
	want_group(imp, 5, g1, 2);
	want_group(imp, 5, g2, 4);
	want_ids(dev_pci(imp, 5, RID(3, 1, 0)), 2, 0x308, 0x300);
	want_ids(dev_pci(imp, 5, RID(0, 2, 0)), 1, 0x10);
	want_ids(dev_pci(imp, 5, RID(1, 0, 0)), 2, 0x100, 0x20);
	assert_int_equal(dev_pci(imp, 5, RID(1, 0, 0))->group_only, 2);
	assert_string_equal(pl_import_iommu_name(imp, 0),
			    "smmu3.0x0000000009050000");
	pl_import_free(imp);
	rm_root(root);
}

/* IORT with the machine's PCI functions: QEMU's map of bus 0 only. */
static void test_host_iort(void **state)
{
	static const struct ffn f[] = {
		{ "0003:00:01.0", -1, 0, 0, false, -1 },
		{ "0003:00:04.0", 4, 1, 1, false, 0x1d },
		{ "0003:01:00.0", 0, 0, 0, false, -1 },
		{ "0004:00:00.0", -1, 0, 0, false, -1 },
	};
	struct pl_import_opts o = { .host = true };
	char *root = fake_root(), dir[512];
	struct pl_import *imp = NULL;
	uint8_t *b;
	size_t len;
	char err[512];

	(void)state;
	for (unsigned int i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fake_fn(root, &f[i]);
	b = fw_fixture("iort-rev3.aml", &len);
	snprintf(dir, sizeof(dir), "%s/firmware/acpi/tables", root);
	put_file(dir, "IORT", b, len);
	free(b);
	o.sysfs = root;
	assert_int_equal(pl_import_path(NULL, &o, &imp, err, sizeof(err)), 0);
	revalidate(imp);
	assert_int_equal(imp->kind, PL_FW_IORT);
	assert_int_equal(imp->nr_devices, 4);
	/* the root port's bridge record lies inside the root complex */
	assert_int_equal(imp->desc->nr_bridges, 1);
	want_ids(dev_pci(imp, 3, RID(0, 1, 0)), 1, 0x8);
	want_ids(dev_pci(imp, 3, RID(0, 4, 0)), 1, 0x20);
	/* bus 1 goes to the ITS: no IOMMU; segment 4 is not described */
	assert_int_equal(dev_pci(imp, 3, RID(1, 0, 0))->xlate, -ENODEV);
	assert_int_equal(dev_pci(imp, 4, RID(0, 0, 0))->xlate, -ENODEV);
	assert_int_equal(dev_pci(imp, 3, RID(1, 0, 0))->group, 0);
	pl_import_free(imp);
	rm_root(root);
}

/*
 * A PCIe switch, a conventional PCI bridge (its requester ID is the
 * alias of everything behind it), a multifunction PCIe endpoint without
 * ACS, and DMAR scopes that do not resolve on the machine; DRHD names by
 * register base.
 */
static void test_host_topologies(void **state)
{
	static const struct ffn f[] = {
		{ "0000:00:06.0", 4, 5, 7, false, 0x1d },	/* root port */
		{ "0000:05:00.0", 5, 6, 7, false, -1 },	/* upstream */
		{ "0000:06:00.0", 6, 7, 7, false, 0x1d },	/* downstream */
		{ "0000:07:00.0", 0, 0, 0, true, -1 },
		{ "0000:07:00.1", 0, 0, 0, true, -1 },
		{ "0000:00:1e.0", -1, 4, 4, false, -1 },	/* PCI bridge */
		{ "0000:04:00.0", -1, 0, 0, false, -1 },
		{ "0000:04:01.0", -1, 0, 0, false, -1 },
	};
	static const uint8_t p_rp[] = { DF(6, 0) };
	static const uint8_t p_gone[] = { DF(0x1c, 0), DF(0, 0) };
	static const uint8_t p_br[] = { DF(0x1e, 0) };
	static const uint8_t p_abs[] = { DF(0x1d, 0) };
	static const uint16_t mf[] = { RID(7, 0, 0), RID(7, 0, 1) };
	static const uint16_t legacy[] = { RID(0, 0x1e, 0), RID(4, 0, 0),
					   RID(4, 1, 0) };
	struct pl_import_opts o = { .host = true };
	const struct pl_import_device *d;
	char *root = fake_root();
	struct pl_import *imp;
	struct fw_tb t;
	size_t at;

	(void)state;
	for (unsigned int i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		fake_fn(root, &f[i]);
	put_dmar0(root, "dmar0", "fed91000\n");
	put_dmar0(root, "dmar1", "fed90000\n");
	dmar_header(&t);
	at = drhd_begin(&t, 1, 0, 0xfed90000);
	drhd_end(&t, at);
	at = drhd_begin(&t, 0, 0, 0xfed91000);
	pscope(&t, 1, 0, p_rp, 1);	/* endpoint scope on a bridge */
	pscope(&t, 1, 0, p_gone, 2);	/* through an absent bridge */
	pscope(&t, 2, 0, p_br, 1);	/* bridge scope: kept */
	pscope(&t, 1, 0, p_abs, 1);	/* an absent endpoint: kept */
	drhd_end(&t, at);
	tb_acpi_finish(&t);
	o.sysfs = root;
	imp = imp_buf(t.b, t.len, "host-dmar", &o);
	revalidate(imp);
	/* names by register base, not by table order */
	assert_string_equal(imp->desc->iommus[0].name, "dmar1");
	assert_string_equal(imp->desc->iommus[1].name, "dmar0");
	assert_int_equal(imp->desc->nr_scopes, 2);
	want_note(imp, "is a bridge on this machine");
	want_note(imp, "is not a bridge on this machine");
	/* behind the conventional bridge: its RID is an explicit alias */
	d = dev_pci(imp, 0, RID(4, 0, 0));
	assert_int_equal(d->nr_aliases, 1);
	assert_int_equal(d->aliases[0], RID(0, 0x1e, 0));
	assert_int_equal(d->nr_group_aliases, 0);
	want_ids(d, 2, RID(4, 0, 0), RID(0, 0x1e, 0));
	assert_string_equal(pl_import_iommu_name(imp, d->refs[0].iommu), "dmar0");
	want_group(imp, 0, legacy, 3);
	want_group(imp, 0, mf, 2);
	/* the switch ports and the root port each alone */
	want_ids(dev_pci(imp, 0, RID(6, 0, 0)), 1, RID(6, 0, 0));
	assert_string_equal(pl_import_iommu_name(imp,
			    dev_pci(imp, 0, RID(7, 0, 1))->refs[0].iommu), "dmar1");
	assert_int_equal(imp->nr_groups, 5);
	pl_import_free(imp);
	rm_root(root);
}

/* ----------------------------------------------------- print and JSON */

static void test_print_json(void **state)
{
	struct pl_import *imp = imp_fixture("dmar-full.aml");
	json_object *o, *v;
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	(void)state;
	assert_non_null(f);
	assert_int_equal(pl_import_print(imp, f), 0);
	fclose(f);
	assert_non_null(strstr(text, "instances: 3"));
	assert_non_null(strstr(text, "bus numbers synthesized"));
	assert_non_null(strstr(text, "groups these devices form: 8"));
	assert_non_null(strstr(text, "notes:"));
	free(text);
	o = pl_import_json(imp);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "devices", &v));
	assert_int_equal(json_object_array_length(v), 8);
	assert_true(json_object_object_get_ex(o, "iommus", &v));
	assert_int_equal(json_object_array_length(v), 3);
	assert_true(json_object_object_get_ex(o, "synthesized_buses", &v));
	assert_true(json_object_get_boolean(v));
	json_object_put(o);
	pl_import_free(imp);
}

/* -------------------------------------------------------- the CLI */

static int cli(const char *args, char **out)
{
	const char *bin = getenv("PROBELAB_CLI");
	char cmd[1024], *buf;
	size_t len = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	len = fread(buf, 1, (1 << 20) - 1, p);
	buf[len] = '\0';
	st = pclose(p);
	*out = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void **state)
{
	char *root, args[1024], dir[512], *out;
	json_object *o, *v;

	(void)state;
	if (!getenv("PROBELAB_CLI") || access(getenv("PROBELAB_CLI"), X_OK))
		skip();
	root = fake_root();
	fake_guest(root, "0000", 0x1d, true);
	snprintf(dir, sizeof(dir), "%s/firmware/acpi/tables", root);
	put_file(dir, "DMAR", q35_dmar, sizeof(q35_dmar));
	snprintf(args, sizeof(args), "--json fw show --host --sysfs %s", root);
	assert_int_equal(cli(args, &out), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "groups", &v));
	assert_int_equal(json_object_array_length(v), 9);
	json_object_put(o);
	free(out);
	snprintf(args, sizeof(args), "fw show %s/firmware/acpi/tables/DMAR", root);
	assert_int_equal(cli(args, &out), 0);
	assert_non_null(strstr(out, "dmar0"));
	free(out);
	/* usage errors: exit 2 */
	snprintf(args, sizeof(args), "fw show %s/x --host", root);
	assert_int_equal(cli(args, &out), 2);
	free(out);
	assert_int_equal(cli("fw show --sysfs /tmp x", &out), 2);
	free(out);
	assert_int_equal(cli("fw import --host --policy nonsense", &out), 2);
	free(out);
	assert_int_equal(cli("fw show --policy fixed --host", &out), 2);
	free(out);
	assert_int_equal(cli("fw frobnicate", &out), 2);
	free(out);
	/* firmware errors: exit 1 with the location */
	snprintf(args, sizeof(args), "fw show %s/bus/pci/devices/0000:00:00.0/config",
		 root);
	assert_int_equal(cli(args, &out), 1);
	assert_non_null(strstr(out, "not an ACPI DMAR"));
	free(out);
	rm_root(root);
}

/* ------------------------------------------------ the shared firmware */

#define MAX_CORPUS 128

struct centry {
	char name[320];
	char path[1024];
};

static struct centry corpus[MAX_CORPUS];
static size_t ncorpus;

/* Entries whose import is a documented refusal (none in this set). */
static const struct {
	const char *name;
	int err;
	const char *msg;
} refusals[] = {
	{ NULL, 0, NULL },
};

static void corpus_entry(void **state)
{
	const struct centry *e = *state;
	struct pl_import *imp = NULL;
	char err[1024];
	size_t len;
	uint8_t *b = fw_load_path(e->path, &len);
	int ret = pl_import_buf(b, len, e->name, NULL, &imp, err, sizeof(err));

	free(b);
	for (size_t i = 0; refusals[i].name; i++)
		if (!strcmp(refusals[i].name, e->name)) {
			assert_int_equal(ret, refusals[i].err);
			assert_non_null(strstr(err, refusals[i].msg));
			return;
		}
	if (ret)
		fail_msg("%s: %d %s", e->name, ret, err);
	revalidate(imp);
	/* every device resolves as recorded, to a described IOMMU */
	for (unsigned int i = 0; i < imp->nr_devices; i++) {
		const struct pl_import_device *d = &imp->devices[i];

		if (d->xlate == 0) {
			assert_true(d->nr_refs > 0);
			assert_true(d->refs[0].iommu < imp->desc->nr_iommus);
			assert_true(d->group > 0);
		}
	}
	/* sample IDs of machines whose topology is known */
	if (!strcmp(e->name, "acpi/dmar/qemu-q35-dmar")) {
		static const uint16_t r[] = { RID(0, 0, 0), RID(0, 1, 0),
					      RID(0, 0x1f, 0), RID(0, 0x1f, 2),
					      RID(0, 0x1f, 3) };

		for (unsigned int i = 0; i < 5; i++) {
			want_pci(imp, 0, r[i], "dmar0", r[i]);
			want_ids(dev_pci(imp, 0, r[i]), 1, r[i]);
		}
		assert_int_equal(imp->nr_devices, 5);
		want_none(imp, 0, RID(0, 2, 0));
	} else if (!strcmp(e->name, "acpi/iort/qemu-virt-iort-its-off")) {
		for (unsigned int rid = 0; rid < 0x100; rid += 0x11)
			want_pci(imp, 0, (uint16_t)rid, "smmu3.0x0000000009050000",
				 rid);
		want_pci(imp, 0, 0xff, "smmu3.0x0000000009050000", 0xff);
		want_none(imp, 0, 0x100);
		want_none(imp, 0, 0x300);
	} else if (!strcmp(e->name, "acpi/iort/solidrun-honeycomb-lx2k")) {
		want_pci(imp, 2, 0x0000, "smmu.0x0000000005000000", 0x1800);
		want_pci(imp, 2, 0x0100, "smmu.0x0000000005000000", 0x1801);
		want_pci(imp, 4, 0x0101, "smmu.0x0000000005000000", 0x2802);
		want_none(imp, 2, 0x0200);
		want_ids(dev_named(imp, "_SB_.USB0"), 1, 0x1);
		assert_int_equal(dev_named(imp, "_SB_.MCE0")->xlate, -ENOSPC);
		assert_int_equal(imp->desc->endpoints[pl_fwdesc_find_endpoint(
			imp->desc, "_SB_.MCE0")].nr_specs, 41);
		want_note(imp, "SMMUv3-model stream-ID instance");
	} else if (!strcmp(e->name, "acpi/iort/lenovo-thinkpad-x13s")) {
		want_pci(imp, 1, 0x0100, "smmu3.0x0000000014f80000", 0x10100);
		assert_int_equal(imp->desc->iommus[iommu_by_name(imp,
			"smmu3.0x0000000014f80000")].sid_bits, 19);
	} else if (!strcmp(e->name, "acpi/dmar/dell-xps-13-9350")) {
		assert_int_equal(imp->desc->nr_endpoints, 2);
	} else if (!strcmp(e->name, "dt/arm-juno-r2")) {
		/* iommu-map-mask 0: every function is stream 0 */
		want_pci(imp, 0, 0x0000, "smmu.0x000000002b500000", 0);
		want_pci(imp, 0, 0x1234, "smmu.0x000000002b500000", 0);
	}
	pl_import_free(imp);
}

static void corpus_collect(const char *root, const char *sub)
{
	char dir[1024];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && ncorpus < MAX_CORPUS) {
		struct centry *e = &corpus[ncorpus];
		char edir[1024];
		struct dirent *f;
		DIR *dd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(edir, sizeof(edir), "%.500s/%.200s", dir, de->d_name);
		dd = opendir(edir);
		if (!dd)
			continue;
		e->path[0] = '\0';
		while ((f = readdir(dd)) != NULL) {
			size_t l = strlen(f->d_name);

			if (!strcmp(f->d_name, "DMAR.bin") ||
			    !strcmp(f->d_name, "IORT.bin") ||
			    (l > 4 && !strcmp(f->d_name + l - 4, ".dtb")))
				snprintf(e->path, sizeof(e->path), "%.700s/%.200s",
					 edir, f->d_name);
		}
		closedir(dd);
		if (!e->path[0])
			continue;
		snprintf(e->name, sizeof(e->name), "%.100s/%.200s", sub,
			 de->d_name);
		ncorpus++;
	}
	closedir(d);
}

static int cmp_centry(const void *a, const void *b)
{
	return strcmp(((const struct centry *)a)->name,
		      ((const struct centry *)b)->name);
}

static void test_no_corpus(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	static const struct CMUnitTest base[] = {
		cmocka_unit_test(test_dmar_full),
		cmocka_unit_test(test_dmar_synth),
		cmocka_unit_test(test_dmar_refuse_hops),
		cmocka_unit_test(test_refuse_malformed),
		cmocka_unit_test(test_iort_full),
		cmocka_unit_test(test_iort_rev3),
		cmocka_unit_test(test_iort_refusals),
		cmocka_unit_test(test_dt_full),
		cmocka_unit_test(test_dt_minimal),
		cmocka_unit_test(test_dt_first_match),
		cmocka_unit_test(test_host_q35),
		cmocka_unit_test(test_host_virt),
		cmocka_unit_test(test_host_iort),
		cmocka_unit_test(test_host_topologies),
		cmocka_unit_test(test_print_json),
		cmocka_unit_test(test_cli),
	};
	static struct CMUnitTest all[sizeof(base) / sizeof(base[0]) + MAX_CORPUS];
	const char *shared = getenv("PROBELAB_SHARED");
	size_t n = sizeof(base) / sizeof(base[0]);

	memcpy(all, base, sizeof(base));
	if (shared && *shared) {
		char root[1024];

		snprintf(root, sizeof(root), "%s/firmware", shared);
		corpus_collect(root, "acpi/dmar");
		corpus_collect(root, "acpi/iort");
		corpus_collect(root, "dt");
		qsort(corpus, ncorpus, sizeof(corpus[0]), cmp_centry);
	}
	if (!ncorpus) {
		all[n].name = "shared firmware (PROBELAB_SHARED unset or empty)";
		all[n].test_func = test_no_corpus;
		n++;
	}
	for (size_t i = 0; i < ncorpus; i++, n++) {
		all[n].name = corpus[i].name;
		all[n].test_func = corpus_entry;
		all[n].initial_state = &corpus[i];
	}
	return _cmocka_run_group_tests("fw_import", all, n, NULL, NULL);
}

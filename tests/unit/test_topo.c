// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tools/lib/topo.c: the description builder and the JSON
 * topology loader, on the two shipped examples (examples/topo, run from
 * the project top) and on malformed input whose errors must name the JSON
 * path.
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
#include "probelab.h"
#include "topo.h"

#define SMMU_EXAMPLE	"examples/topo/smmuv3-board.json"
#define VTD_EXAMPLE	"examples/topo/vtd-two-drhd.json"

#define DF(d, f)	((uint8_t)((d) << 3 | (f)))
#define RID(b, d, f)	((uint16_t)((b) << 8 | DF(d, f)))

static struct pl_topo *load(const char *path)
{
	struct pl_topo *t = NULL;
	char err[512];
	int ret;

	ret = pl_topo_load(path, NULL, &t, err, sizeof(err));
	if (ret)
		print_message("# %s: %d %s\n", path, ret, err);
	assert_int_equal(ret, 0);
	assert_non_null(t);
	return t;
}

static struct pl_fwdesc *parse(const struct pl_topo *t)
{
	struct pl_fwdesc *d = NULL;
	struct pl_fw_err e;

	assert_int_equal(pl_fwdesc_parse(t->blob, t->len, &d, &e), 0);
	return d;
}

static void pci1(const struct pl_fwdesc *d, uint16_t seg, uint16_t rid,
		 const char *iommu, uint32_t id)
{
	struct pl_fw_ref r;
	unsigned int n;
	int ret;

	ret = pl_fwdesc_xlate_pci(d, seg, rid >> 8, rid & 0xff, &r, 1, &n);
	if (ret)
		print_message("# %04x:%04x: %d\n", seg, rid, ret);
	assert_int_equal(ret, 0);
	assert_int_equal(n, 1);
	assert_string_equal(d->iommus[r.iommu].name, iommu);
	assert_int_equal(r.id, id);
}

static void pci_none(const struct pl_fwdesc *d, uint16_t seg, uint16_t rid)
{
	struct pl_fw_ref r;
	unsigned int n;

	assert_int_equal(pl_fwdesc_xlate_pci(d, seg, rid >> 8, rid & 0xff, &r,
					     1, &n), -ENODEV);
}

static const struct pl_topo_device *find_dev(const struct pl_topo *t,
					     uint16_t seg, uint16_t rid)
{
	unsigned int i;

	for (i = 0; i < t->nr_devices; i++) {
		const struct pl_topo_device *d = &t->devices[i];

		if (d->kind == PL_TOPO_DEV_PCI && d->segment == seg &&
		    (uint16_t)(d->bus << 8 | d->devfn) == rid)
			return d;
	}
	return NULL;
}

/*
 * Rebuild a blob from a parsed description through the builder, records
 * in ordinal order: must equal the blob the description came from.
 */
static void roundtrip(const struct pl_topo *t, const struct pl_fwdesc *d)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	char err[512];
	size_t len;
	void *blob;
	uint32_t i, k;

	assert_non_null(b);
	for (i = 0; i < d->nr_iommus; i++) {
		const struct pl_fw_iommu *p = &d->iommus[i];
		struct probelab_fw_iommu io = {
			.model = p->model, .segment = p->segment,
			.sid_bits = p->model == PROBELAB_FW_IOMMU_SMMUV3 ?
				    p->sid_bits : 0,
			.flags = p->flags, .features = p->features,
			.base = p->base,
		};

		memcpy(io.name, p->name, sizeof(io.name));
		assert_int_equal(pl_topo_add_iommu(b, &io, NULL), (int)i);
	}
	for (i = 0; i < d->nr_endpoints; i++)
		assert_int_equal(pl_topo_add_endpoint(b, d->endpoints[i].name,
						      NULL), (int)i);
	for (k = 0; k < d->nr_specs; k++) {
		for (i = 0; i < d->nr_specs; i++) {
			const struct pl_fw_spec *s = &d->specs[i];

			if (s->ordinal != k)
				continue;
			assert_int_equal(pl_topo_add_spec(b, s->endpoint,
							  s->iommu, s->id,
							  s->mask, NULL),
					 (int)k);
		}
	}
	for (i = 0; i < d->nr_rcs; i++) {
		const struct pl_fw_rc *p = &d->rcs[i];
		struct probelab_fw_rc rc = {
			.segment = p->segment, .bus_start = p->bus_start,
			.bus_end = p->bus_end, .rid_mask = p->rid_mask,
		};

		memcpy(rc.name, p->name, sizeof(rc.name));
		assert_int_equal(pl_topo_add_rc(b, &rc, NULL), (int)i);
	}
	for (k = 0; k < d->nr_idmaps; k++) {
		for (i = 0; i < d->nr_idmaps; i++) {
			const struct pl_fw_idmap *p = &d->idmaps[i];
			struct probelab_fw_idmap m = {
				.rc = (uint16_t)p->rc,
				.iommu = (uint16_t)p->iommu,
				.flags = p->flags, .rid_base = p->rid_base,
				.length = p->length,
				.output_base = p->output_base,
			};

			if (p->ordinal == k)
				assert_int_equal(pl_topo_add_idmap(b, &m, NULL),
						 (int)k);
		}
	}
	for (i = 0; i < d->nr_bridges; i++) {
		const struct pl_fw_bridge *p = &d->bridges[i];
		struct probelab_fw_bridge br = {
			.segment = p->segment, .bus = p->bus,
			.devfn = p->devfn, .secondary = p->secondary,
			.subordinate = p->subordinate,
			.flags = (uint16_t)p->flags,
		};

		assert_int_equal(pl_topo_add_bridge(b, &br, NULL), (int)i);
	}
	for (i = 0; i < d->nr_scopes; i++) {
		const struct pl_fw_scope *p = &d->scopes[i];
		struct probelab_fw_scope sc = {
			.iommu = (uint16_t)p->iommu, .type = p->type,
			.start_bus = p->start_bus, .nr_hops = p->nr_hops,
		};

		memcpy(sc.hops, p->hops, sizeof(sc.hops));
		assert_int_equal(pl_topo_add_scope(b, &sc, NULL), (int)i);
	}
	assert_int_equal(pl_topo_builder_finish(b, &blob, &len, err,
						sizeof(err)), 0);
	assert_int_equal(len, t->len);
	assert_memory_equal(blob, t->blob, len);
	free(blob);
	pl_topo_builder_free(b);
}

static void test_smmuv3_example(void **state)
{
	struct pl_topo *t = load(SMMU_EXAMPLE);
	const struct pl_topo_device *dev;
	struct pl_fwdesc *d = parse(t);
	struct pl_fw_ref r[4];
	uint16_t rids[4];
	unsigned int n;

	(void)state;
	assert_int_equal(t->policy, PROBELAB_POLICY_FIXED);
	assert_int_equal(t->default_domain, PL_TOPO_DOMAIN_DMA);
	assert_int_equal(t->nr_devices, 14);
	assert_int_equal(d->nr_iommus, 3);
	assert_int_equal(d->nr_endpoints, 4);
	assert_int_equal(d->nr_specs, 9);
	assert_int_equal(d->nr_rcs, 3);
	assert_int_equal(d->nr_idmaps, 4);
	assert_int_equal(d->nr_bridges, 3);
	assert_int_equal(d->iommus[0].base, 0x2b400000);
	assert_int_equal(d->iommus[0].features,
			 PROBELAB_FW_SMMUV3_F_2LVL_STRTAB |
			 PROBELAB_FW_SMMUV3_F_ATS | PROBELAB_FW_SMMUV3_F_PRI |
			 PROBELAB_FW_SMMUV3_F_COHERENT);

	/* pcie0: two maps, buses 0x80.. untranslated */
	pci1(d, 0, RID(0, 1, 0), "smmu-pcie", 0x0008);
	pci1(d, 0, RID(2, 0, 1), "smmu-pcie", 0x1100 + 0x0201 - 0x100);
	pci1(d, 0, RID(0x7f, 31, 7), "smmu-pcie", 0x1100 + 0x7fff - 0x100);
	pci_none(d, 0, RID(0x80, 0, 0));
	/* pcie1: masked, functions share */
	pci1(d, 1, RID(0, 2, 1), "smmu-pcie", 0x9010);
	pci1(d, 1, RID(0, 2, 3), "smmu-pcie", 0x9010);
	/* pcie2: single mapping */
	pci1(d, 2, RID(0, 0, 0), "smmu-media", 0x40);
	pci_none(d, 3, RID(0, 0, 0));

	/* the legacy device and its alias */
	dev = find_dev(t, 0, RID(3, 4, 0));
	assert_non_null(dev);
	assert_int_equal(dev->nr_aliases, 1);
	assert_int_equal(dev->aliases[0], RID(3, 0, 0));
	assert_int_equal(pl_fwdesc_xlate_pci_aliases(d, 0, RID(3, 4, 0),
						     dev->aliases,
						     dev->nr_aliases, r, 4,
						     &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].id, 0x1100 + 0x0320 - 0x100);
	assert_int_equal(r[1].id, 0x1100 + 0x0300 - 0x100);
	/* the topology gives the same alias */
	assert_int_equal(pl_fwdesc_pci_dma_aliases(d, 0, 3, DF(4, 0), rids, 4,
						   &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rids[1], RID(3, 0, 0));
	dev = find_dev(t, 0, RID(2, 0, 0));
	assert_non_null(dev);
	assert_string_equal(dev->name, "nic-pf0");

	/* named: one device behind two instances */
	assert_int_equal(pl_fwdesc_xlate_named(d, "display", r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(d->iommus[r[0].iommu].name, "smmu-display");
	assert_int_equal(r[0].id, 1);
	assert_string_equal(d->iommus[r[1].iommu].name, "smmu-media");
	assert_int_equal(r[1].id, 0x30);
	assert_int_equal(pl_fwdesc_xlate_named(d, "gpu", r, 4, &n), 0);
	assert_int_equal(n, 2);
	{
		struct pl_fw_ref g = r[1], p;

		assert_int_equal(pl_fwdesc_xlate_named(d, "npu", &p, 1, &n),
				 0);
		assert_true(pl_fw_refs_overlap(&g, &p));
	}
	assert_int_equal(pl_fwdesc_xlate_named(d, "dma-engine", r, 4, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(pl_fwdesc_xlate_named(d, "uart0", r, 4, &n), -ENODEV);
	assert_int_equal(t->devices[13].kind, PL_TOPO_DEV_PLATFORM);
	assert_string_equal(t->devices[13].name, "uart0");

	roundtrip(t, d);
	pl_fwdesc_free(d);
	pl_topo_free(t);
}

static void test_vtd_example(void **state)
{
	struct pl_topo *t = load(VTD_EXAMPLE);
	struct pl_fwdesc *d = parse(t);
	struct pl_fw_vtd_match m;
	const struct pl_topo_device *dev;

	(void)state;
	assert_int_equal(t->policy, PROBELAB_POLICY_MAINLINE);
	assert_int_equal(t->default_domain, PL_TOPO_DOMAIN_DMA);
	assert_int_equal(t->nr_devices, 13);
	assert_int_equal(d->nr_iommus, 2);
	assert_int_equal(d->nr_scopes, 4);
	assert_int_equal(d->nr_bridges, 7);
	assert_int_equal(d->iommus[1].flags, PROBELAB_FW_VTD_INCLUDE_PCI_ALL);
	assert_int_equal(d->iommus[1].features,
			 PROBELAB_FW_VTD_F_PASSTHROUGH |
			 PROBELAB_FW_VTD_F_CACHING_MODE);

	pci1(d, 0, RID(0, 2, 0), "dmar0", RID(0, 2, 0));
	pci1(d, 0, RID(0, 0x1c, 0), "dmar0", RID(0, 0x1c, 0));
	pci1(d, 0, RID(2, 0, 0), "dmar0", RID(2, 0, 0));
	pci1(d, 0, RID(3, 1, 0), "dmar0", RID(3, 1, 0));
	pci1(d, 0, RID(4, 0, 0), "dmar0", RID(4, 0, 0));
	pci1(d, 0, RID(6, 1, 0), "dmar0", RID(6, 1, 0));
	pci1(d, 0, RID(7, 0, 0), "dmar1", RID(7, 0, 0));
	pci1(d, 0, RID(0, 0x1f, 3), "dmar1", RID(0, 0x1f, 3));
	pci1(d, 0, RID(0x10, 0, 1), "dmar1", RID(0x10, 0, 1));
	pci_none(d, 1, RID(0, 0, 0));

	assert_int_equal(pl_fwdesc_vtd_match(d, 0, 3, DF(2, 0), &m), 0);
	assert_int_equal(m.kind, PL_FW_VTD_BRIDGE);
	assert_int_equal(m.scope, 1);
	assert_int_equal(d->bridges[m.bridge].devfn, DF(0x1c, 0));
	assert_int_equal(pl_fwdesc_vtd_match(d, 0, 6, DF(1, 0), &m), 0);
	assert_int_equal(m.kind, PL_FW_VTD_EXACT);
	assert_int_equal(m.scope, 3);

	dev = find_dev(t, 0, RID(3, 2, 0));
	assert_non_null(dev);
	assert_int_equal(dev->nr_aliases, 1);
	assert_int_equal(dev->aliases[0], RID(3, 0, 0));
	dev = find_dev(t, 1, RID(0, 0, 0));
	assert_non_null(dev);

	roundtrip(t, d);
	pl_fwdesc_free(d);
	pl_topo_free(t);
}

static void test_from_json_wrapper(void **state)
{
	char err[256];
	size_t len;
	void *blob;

	(void)state;
	assert_int_equal(pl_topo_from_json(VTD_EXAMPLE, NULL, &blob, &len, err,
					   sizeof(err)), 0);
	assert_true(len > sizeof(struct probelab_fw_hdr));
	free(blob);
	assert_int_equal(pl_topo_from_json(NULL, "{}", &blob, &len, err,
					   sizeof(err)), 0);
	assert_int_equal(len, sizeof(struct probelab_fw_hdr));
	free(blob);
	assert_int_equal(pl_topo_from_json(NULL, NULL, &blob, &len, err,
					   sizeof(err)), -EINVAL);
	assert_int_equal(pl_topo_from_json("/nonexistent/t.json", NULL, &blob,
					   &len, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/t.json"));
}

/* JSON text that must fail with @code and an error containing @needle */
static void bad(const char *json, int code, const char *needle)
{
	struct pl_topo *t = (struct pl_topo *)&t;
	char err[512] = "";
	int ret;

	ret = pl_topo_load("t.json", json, &t, err, sizeof(err));
	if (ret != code || !strstr(err, needle))
		print_message("# got %d '%s', want %d '%s'\n", ret, err, code,
			      needle);
	assert_int_equal(ret, code);
	assert_null(t);
	assert_non_null(strstr(err, needle));
	assert_true(!strncmp(err, "t.json: ", 8));
}

#define SMMU	"{\"name\": \"smmu0\", \"type\": \"smmuv3\", \"sid_bits\": 16}"
#define VTD(n, all) "{\"name\": \"" n "\", \"type\": \"vtd\", " \
		"\"include_pci_all\": " all

static void test_json_syntax(void **state)
{
	(void)state;
	bad("{\n  \"iommus\": [\n    {,\n", -EINVAL,
	    "line 3 column");
	bad("", -EINVAL, "JSON syntax error");
	bad("{} x", -EINVAL, "line 1 column 4");
	bad("[]", -EINVAL, "expected an object, not array");
	bad("{\"frobnicate\": 1}", -EINVAL, "frobnicate: unknown key");
	bad("{\"version\": 2}", -EOPNOTSUPP, "version: 2 is not supported");
	bad("{\"policy\": \"linux-6.2\"}", -EINVAL, "policy: \"linux-6.2\"");
	bad("{\"default_domain\": \"blocked\"}", -EINVAL, "default_domain");
	bad("{\"iommus\": {}}", -EINVAL, "iommus: expected an array");
}

static void test_json_schema(void **state)
{
	(void)state;
	bad("{\"iommus\": [" SMMU ", {\"name\": \"x\", \"type\": \"amd\"}]}",
	    -EINVAL, "iommus[1].type: \"amd\"");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"vtd\", \"sid_bits\": 16}]}",
	    -EINVAL, "iommus[0].sid_bits: only for \"smmuv3\"");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": 8, \"scopes\": []}]}",
	    -EINVAL, "iommus[0].scopes: only for \"vtd\"");
	bad("{\"iommus\": [{\"type\": \"smmuv3\", \"sid_bits\": 8}]}",
	    -EINVAL, "iommus[0].name: missing");
	bad("{\"iommus\": [{\"name\": \"a-very-long-name-of-thirty-two-c\", \"type\": \"smmuv3\", \"sid_bits\": 8}]}",
	    -EINVAL, "iommus[0].name: \"a-very-long");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": 8, \"features\": [\"bogus\"]}]}",
	    -EINVAL, "iommus[0].features[0]: unknown feature \"bogus\"");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": -1}]}",
	    -ERANGE, "iommus[0].sid_bits: -1 is negative");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": \"0xzz\"}]}",
	    -EINVAL, "iommus[0].sid_bits: \"0xzz\"");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": 1.5}]}",
	    -EINVAL, "iommus[0].sid_bits: expected an integer");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": 256}]}",
	    -ERANGE, "iommus[0].sid_bits: 0x100 exceeds 0xff");
	bad("{\"iommus\": [" SMMU "], \"endpoints\": [{\"name\": \"gpu\", \"iommus\": [{\"iommu\": \"smmu1\", \"id\": 1}]}]}",
	    -EINVAL, "endpoints[0].iommus[0].iommu: no IOMMU named \"smmu1\"");
	bad("{\"bridges\": [{\"bdf\": \"00:20.0\", \"secondary\": 1}]}",
	    -EINVAL, "bridges[0].bdf: \"00:20.0\"");
	bad("{\"bridges\": [{\"bdf\": \"00:1c.0\", \"bus\": 0, \"secondary\": 1}]}",
	    -EINVAL, "bridges[0].bdf: give either");
	bad("{\"iommus\": [" VTD("d", "true") ", \"scopes\": [{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"1.0\", \"2.0\", \"3.0\", \"4.0\", \"5.0\", \"6.0\", \"7.0\", \"8.0\", \"9.0\"]}]}]}",
	    -E2BIG, "iommus[0].scopes[0].path: 9 hops, at most 8");
	bad("{\"iommus\": [" VTD("d", "false") ", \"scopes\": [{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"1.8\"]}]}]}",
	    -EINVAL, "iommus[0].scopes[0].path[0]: expected a \"dd.f\"");
	bad("{\"iommus\": [" VTD("d", "false") ", \"scopes\": [{\"type\": \"ioapic\", \"start_bus\": 0, \"path\": [\"1.0\"]}]}]}",
	    -EINVAL, "iommus[0].scopes[0].type: \"ioapic\"");
	bad("{\"devices\": [{\"type\": \"pci\", \"bdf\": \"00:01.0\"}, {\"type\": \"pci\", \"segment\": 0, \"bus\": 0, \"dev\": 1, \"fn\": 0}]}",
	    -EEXIST, "devices[1]: PCI device 0000:00:01.0 is also devices[0]");
	bad("{\"devices\": [{\"type\": \"platform\", \"name\": \"a b\"}]}",
	    -EINVAL, "devices[0].name: \"a b\"");
	bad("{\"devices\": [{\"type\": \"platform\", \"name\": \"gpu\"}, {\"type\": \"platform\", \"name\": \"gpu\"}]}",
	    -EEXIST, "devices[1]: platform device \"gpu\"");
	bad("{\"devices\": [{\"type\": \"platform\", \"name\": \"gpu\", \"bdf\": \"00:01.0\"}]}",
	    -EINVAL, "devices[0].bdf: unknown key");
	bad("{\"devices\": [{\"type\": \"pci\", \"bdf\": \"00:01.0\", \"aliases\": [\"00:01.0\"]}]}",
	    -EINVAL, "devices[0].aliases[0]: the device's own requester ID");
	bad("{\"devices\": [{\"type\": \"pci\", \"bdf\": \"0001:00:01.0\", \"aliases\": [\"0000:00:02.0\"]}]}",
	    -EINVAL, "devices[0].aliases[0]: segment 0000 differs");
	bad("{\"devices\": [{\"type\": \"pci\", \"bdf\": \"00:01.0\", \"aliases\": [7]}]}",
	    -EINVAL, "devices[0].aliases[0]: expected");
	bad("{\"devices\": [{\"type\": \"usb\"}]}", -EINVAL,
	    "devices[0].type: \"usb\"");
}

/* Errors found by the core validator map back to the JSON path. */
static void test_json_core_errors(void **state)
{
	(void)state;
	bad("{\"iommus\": [" SMMU "], \"root_complexes\": [{\"name\": \"a\", \"segment\": 0, \"id_maps\": []}, {\"segment\": 1, \"id_maps\": ["
	    "{\"rid_base\": 0, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": 0},"
	    "{\"rid_base\": 16, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": 16},"
	    "{\"rid_base\": 32, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": 32},"
	    "{\"rid_base\": \"0xffffff00\", \"length\": \"0x100\", \"iommu\": \"smmu0\", \"output_base\": 0}]}]}",
	    -EOVERFLOW, "root_complexes[1].id_maps[3].length: idmap 3");
	bad("{\"iommus\": [" SMMU "], \"root_complexes\": [{\"id_maps\": ["
	    "{\"rid_base\": 0, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": 0},"
	    "{\"rid_base\": 15, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": 16}]}]}",
	    -EINVAL, "root_complexes[0].id_maps[1].rid_base: ");
	bad("{\"iommus\": [" SMMU "], \"root_complexes\": [{\"id_maps\": ["
	    "{\"rid_base\": 0, \"length\": 16, \"iommu\": \"smmu0\", \"output_base\": \"0xfff8\"}]}]}",
	    -ERANGE, "root_complexes[0].id_maps[0].output_base: ");
	bad("{\"iommus\": [" SMMU "], \"endpoints\": [{\"name\": \"gpu\", \"iommus\": [{\"iommu\": \"smmu0\", \"id\": 1}, {\"iommu\": \"smmu0\", \"id\": \"0x10000\"}]}]}",
	    -ERANGE, "endpoints[0].iommus[1].id: ");
	bad("{\"iommus\": [" SMMU "], \"endpoints\": [{\"name\": \"gpu\", \"iommus\": []}]}",
	    -EINVAL, "endpoints[0].iommus: ");
	bad("{\"iommus\": [" SMMU ", " SMMU "]}", -EEXIST, "iommus[1].name: ");
	bad("{\"iommus\": [" VTD("a", "true") "}, " VTD("b", "true") "}]}",
	    -EINVAL, "iommus[1].include_pci_all: ");
	bad("{\"iommus\": [{\"name\": \"x\", \"type\": \"smmuv3\", \"sid_bits\": 33}]}",
	    -EINVAL, "iommus[0].sid_bits: iommu 0 'x'");
	bad("{\"iommus\": [" VTD("d", "false") ", \"scopes\": ["
	    "{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"02.0\"]},"
	    "{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"1c.0\", \"00.0\"]}]}]}",
	    -EINVAL, "iommus[0].scopes[1].path[0]: scope 1");
	bad("{\"iommus\": [" VTD("d", "false") ", \"scopes\": ["
	    "{\"type\": \"bridge\", \"start_bus\": 0, \"path\": [\"1c.0\"]}]}], "
	    "\"bridges\": [{\"bdf\": \"00:1c.0\", \"secondary\": 0}]}",
	    -EINVAL, "bridges[0].secondary: ");
	bad("{\"iommus\": [" VTD("d", "false") ", \"scopes\": ["
	    "{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"02.0\"]}]}, "
	    VTD("e", "false") ", \"scopes\": ["
	    "{\"type\": \"endpoint\", \"start_bus\": 0, \"path\": [\"02.0\"]}]}]}",
	    -EINVAL, "iommus[1].scopes[0].path[0]: scope 1");
	bad("{\"iommus\": [" SMMU ", " VTD("d", "true") "}], \"root_complexes\": [{\"id_maps\": ["
	    "{\"rid_base\": 0, \"length\": 16, \"iommu\": \"d\", \"output_base\": 0}]}]}",
	    -EINVAL, "root_complexes[0]");
	bad("{\"root_complexes\": [{\"bus_start\": 2, \"bus_end\": 1}]}",
	    -EINVAL, "root_complexes[0].bus_end: ");
}

static void test_builder(void **state)
{
	struct pl_topo_builder *b = pl_topo_builder_new();
	struct probelab_fw_iommu io = { .model = PROBELAB_FW_IOMMU_SMMUV3,
					.sid_bits = 8 };
	struct probelab_fw_idmap m = { .length = 1, .output_base = 0x100 };
	struct probelab_fw_rc rc = { .bus_end = 0xff, .rid_mask = 0xffff };
	char err[512], name[PROBELAB_FW_NAME_LEN];
	unsigned int i;
	size_t len;
	void *blob;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < PROBELAB_FW_MAX_IOMMUS; i++) {
		snprintf(io.name, sizeof(io.name), "s%u", i);
		assert_int_equal(pl_topo_add_iommu(b, &io, "x"), (int)i);
	}
	assert_int_equal(pl_topo_add_iommu(b, &io, NULL), -E2BIG);
	assert_int_equal(pl_topo_builder_find_iommu(b, "s63"), 63);
	assert_int_equal(pl_topo_builder_find_iommu(b, "s64"), -ENOENT);
	memset(name, 'a', sizeof(name));
	name[sizeof(name) - 1] = 0;
	assert_int_equal(pl_topo_add_endpoint(b, name, NULL), 0);
	assert_int_equal(pl_topo_add_spec(b, 0, 1, 5, 0, "spec-origin"), 0);
	assert_int_equal(pl_topo_add_endpoint(b, "a-name-of-exactly-32-characters!",
					      NULL), -EINVAL);
	assert_int_equal(pl_topo_add_rc(b, &rc, "rc-origin"), 0);
	assert_int_equal(pl_topo_add_idmap(b, &m, "map-origin"), 0);
	assert_int_equal(pl_topo_builder_count(b, PROBELAB_FW_REC_IOMMU), 64);
	assert_int_equal(pl_topo_builder_count(b, 0), 0);
	assert_int_equal(pl_topo_builder_count(b, 8), 0);
	/* record order: 64 IOMMUs, endpoint, spec, rc, idmap */
	assert_string_equal(pl_topo_builder_origin(b, 65), "spec-origin");
	assert_string_equal(pl_topo_builder_origin(b, 67), "map-origin");
	assert_null(pl_topo_builder_origin(b, 64));
	assert_null(pl_topo_builder_origin(b, 68));
	/* output 0x100 exceeds 8 stream ID bits: the origin names it */
	assert_int_equal(pl_topo_builder_finish(b, &blob, &len, err,
						sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "map-origin.output_base: idmap 0"));
	/* unvalidated emission still works */
	assert_int_equal(pl_topo_builder_emit(b, &blob, &len), 0);
	assert_int_equal(((struct probelab_fw_hdr *)blob)->nr_records, 68);
	assert_int_equal(((struct probelab_fw_hdr *)blob)->total_len, len);
	free(blob);
	pl_topo_builder_free(b);
	pl_topo_builder_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smmuv3_example),
		cmocka_unit_test(test_vtd_example),
		cmocka_unit_test(test_from_json_wrapper),
		cmocka_unit_test(test_json_syntax),
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_json_core_errors),
		cmocka_unit_test(test_builder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

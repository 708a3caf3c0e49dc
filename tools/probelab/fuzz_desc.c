// SPDX-License-Identifier: GPL-2.0
/*
 * probelab fuzz: random descriptions for FW_LOAD, built with the
 * description builder (tools/lib/topo.h).
 *
 * Layout: SMMUv3 instance i sits behind root complex i (PCI segment i),
 * whose requester IDs map to stream IDs one to one; named endpoints get
 * stream IDs from 0x10000 up, one each, so that no two devices share an
 * ID.  VT-d DRHDs take segments 0x10 and up, with INCLUDE_PCI_ALL or with
 * endpoint and bridge scopes.  With FZ_KNOWN_SHARED the generator also
 * shares IDs (masks, overlapping maps, rid_mask, PCIe-to-PCI bridges),
 * which is what D2-D4 of issue 11 break on.  A few choices are made
 * invalid on purpose, so that some descriptions are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "topo.h"

#define FZ_EP_SID_BASE	0x10000u
#define FZ_VTD_SEG_BASE	0x10u

static void add_name(char (*arr)[PROBELAB_NAME_LEN], unsigned int *nr,
		     const char *name)
{
	if (*nr < FZ_MAX_NAMES)
		snprintf(arr[(*nr)++], PROBELAB_NAME_LEN, "%s", name);
}

static void add_seg(struct fz_desc_names *n, uint16_t seg)
{
	if (n->nr_segs < FZ_MAX_NAMES)
		n->segs[n->nr_segs++] = seg;
}

static int add_smmus(struct fz_thread *t, struct pl_topo_builder *b,
		     struct fz_desc_names *n, unsigned int nr, bool shared,
		     unsigned int *sid_bits)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr && ret >= 0; i++) {
		struct probelab_fw_iommu io;

		memset(&io, 0, sizeof(io));
		io.model = PROBELAB_FW_IOMMU_SMMUV3;
		/* room for the PCI IDs below 0x10000 and the named ones above */
		io.sid_bits = (uint8_t)(shared ? 1 + fz_below(t, 32) :
					17 + fz_below(t, 16));
		io.features = fz_below(t, PROBELAB_FW_SMMUV3_F_ALL + 1);
		if ((io.features & PROBELAB_FW_SMMUV3_F_PRI) &&
		    !fz_chance(t, 5))
			io.features |= PROBELAB_FW_SMMUV3_F_ATS;
		io.base = fz_chance(t, 80) ? 0x40000000ull + i * 0x100000ull : 0;
		snprintf(io.name, sizeof(io.name), "fzsmmu%u", i);
		if (fz_chance(t, 2))
			io.sid_bits = 0;	/* invalid */
		sid_bits[i] = io.sid_bits;
		ret = pl_topo_add_iommu(b, &io, io.name);
		add_name(n->iommus, &n->nr_iommus, io.name);
	}
	return ret;
}

/* Root complex i on segment i, mapped to SMMUv3 i (and others, shared). */
static int add_rcs(struct fz_thread *t, struct pl_topo_builder *b,
		   struct fz_desc_names *n, unsigned int nr_smmu, bool shared,
		   const unsigned int *sid_bits)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr_smmu && ret >= 0; i++) {
		struct probelab_fw_rc rc;
		struct probelab_fw_idmap m;
		unsigned int split;
		int rco;

		if (fz_chance(t, 15))
			continue;	/* an SMMU for named endpoints only */
		memset(&rc, 0, sizeof(rc));
		rc.segment = (uint16_t)i;
		rc.bus_start = 0;
		rc.bus_end = 0xff;
		rc.rid_mask = 0xffff;
		if (shared && fz_chance(t, 30))
			rc.rid_mask = 0xfff8;	/* functions folded together */
		if (fz_chance(t, 50))
			snprintf(rc.name, sizeof(rc.name), "fzpcie%u", i);
		rco = ret = pl_topo_add_rc(b, &rc, "rc");
		if (ret < 0)
			break;
		add_seg(n, rc.segment);
		memset(&m, 0, sizeof(m));
		m.rc = (uint16_t)rco;
		m.iommu = (uint16_t)i;
		if (shared && fz_chance(t, 10)) {
			m.flags = PROBELAB_FW_IDMAP_SINGLE;
			/* every RID of the segment to one stream */
			m.output_base = 0xff00;
			ret = pl_topo_add_idmap(b, &m, "single");
			continue;
		}
		split = fz_chance(t, 50) ? 0x10000 : 0x100 * (1 + fz_below(t, 0xff));
		m.rid_base = 0;
		m.length = split;
		m.output_base = 0;
		if (sid_bits[i] < 16 && !fz_chance(t, 3))
			m.length = split = 1u << sid_bits[i];
		ret = pl_topo_add_idmap(b, &m, "map0");
		if (ret >= 0 && split < 0x10000) {
			m.rid_base = split;
			m.length = 0x10000 - split;
			m.output_base = split;
			if (shared && nr_smmu > 1) {
				m.iommu = (uint16_t)fz_below(t, nr_smmu);
				m.output_base = fz_below(t, 0x100);
			}
			if (sid_bits[m.iommu] >= 17 || shared)
				ret = pl_topo_add_idmap(b, &m, "map1");
		}
	}
	return ret;
}

static int add_endpoints(struct fz_thread *t, struct pl_topo_builder *b,
			 struct fz_desc_names *n, unsigned int nr_smmu,
			 bool shared, const unsigned int *sid_bits)
{
	unsigned int nr_ep = fz_below(t, 5), i, next = FZ_EP_SID_BASE;
	int ret = 0;

	if (!nr_smmu)
		return 0;
	for (i = 0; i < nr_ep && ret >= 0; i++) {
		unsigned int nr_specs = 1 + fz_below(t, 3), s;
		char name[PROBELAB_NAME_LEN];
		int ep;

		snprintf(name, sizeof(name), "fzep%u", i);
		ep = ret = pl_topo_add_endpoint(b, name, name);
		if (ret < 0)
			break;
		add_name(n->endpoints, &n->nr_endpoints, name);
		for (s = 0; s < nr_specs && ret >= 0; s++) {
			unsigned int io = fz_below(t, nr_smmu);
			uint32_t id = next++, mask = 0;

			if (shared) {
				id = fz_below(t, 8);
				mask = fz_chance(t, 30) ? fz_below(t, 4) : 0;
			}
			if (sid_bits[io] < 32)
				id &= (1u << sid_bits[io]) - 1;
			ret = pl_topo_add_spec(b, (unsigned int)ep, io, id, mask,
					       name);
		}
	}
	return ret;
}

static int add_vtds(struct fz_thread *t, struct pl_topo_builder *b,
		    struct fz_desc_names *n, unsigned int nr_smmu,
		    unsigned int nr_vtd, bool shared)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr_vtd && ret >= 0; i++) {
		struct probelab_fw_iommu io;
		uint16_t seg = (uint16_t)(FZ_VTD_SEG_BASE + i);
		int ord;

		memset(&io, 0, sizeof(io));
		io.model = PROBELAB_FW_IOMMU_VTD;
		io.segment = seg;
		io.features = fz_below(t, PROBELAB_FW_VTD_F_ALL + 1);
		io.base = fz_chance(t, 80) ? 0xfed00000ull + i * 0x1000ull : 0;
		snprintf(io.name, sizeof(io.name), "fzdmar%u", i);
		if (fz_chance(t, 60))
			io.flags = PROBELAB_FW_VTD_INCLUDE_PCI_ALL;
		ord = ret = pl_topo_add_iommu(b, &io, io.name);
		if (ret < 0)
			break;
		add_name(n->iommus, &n->nr_iommus, io.name);
		add_seg(n, seg);
		/* a bridge 00:1c.0 with buses 1..4 behind it */
		if (fz_chance(t, 60)) {
			struct probelab_fw_bridge br = {
				.segment = seg, .bus = 0, .devfn = 0x1c << 3,
				.secondary = 1, .subordinate = 4,
			};

			if (shared && fz_chance(t, 50))
				br.flags = PROBELAB_FW_BRIDGE_PCIE_TO_PCI;
			ret = pl_topo_add_bridge(b, &br, "bridge");
			if (ret >= 0 && !io.flags) {
				struct probelab_fw_scope sc = {
					.iommu = (uint16_t)ord,
					.type = PROBELAB_FW_SCOPE_BRIDGE,
					.start_bus = 0, .nr_hops = 1,
					.hops = { 0x1c << 3 },
				};

				ret = pl_topo_add_scope(b, &sc, "bridge scope");
			}
		}
		if (ret >= 0 && !io.flags) {
			unsigned int s, nr = 1 + fz_below(t, 4);

			for (s = 0; s < nr && ret >= 0; s++) {
				struct probelab_fw_scope sc = {
					.iommu = (uint16_t)ord,
					.type = PROBELAB_FW_SCOPE_ENDPOINT,
					.start_bus = 0, .nr_hops = 1,
					.hops = { (uint8_t)((s + 1) << 3) },
				};

				ret = pl_topo_add_scope(b, &sc, "scope");
			}
		}
		/* a named endpoint behind a DRHD takes a source ID */
		if (ret >= 0 && shared && fz_chance(t, 30)) {
			int ep = pl_topo_add_endpoint(b, "fzvep", "fzvep");

			if (ep >= 0) {
				add_name(n->endpoints, &n->nr_endpoints, "fzvep");
				ret = pl_topo_add_spec(b, (unsigned int)ep,
						       nr_smmu + i,
						       fz_below(t, 0x200), 0,
						       "fzvep");
			}
		}
	}
	return ret;
}

int fz_desc_build(struct fz_thread *t, void **blob, size_t *len,
		  struct fz_desc_names *names)
{
	bool shared = t->run->known & FZ_KNOWN_SHARED;
	unsigned int nr_smmu = fz_below(t, 4), nr_vtd = fz_below(t, 3);
	unsigned int sid_bits[4] = { 0 };
	struct pl_topo_builder *b = pl_topo_builder_new();
	int ret;

	if (!b)
		return -ENOMEM;
	if (!nr_smmu && !nr_vtd)
		nr_smmu = 1;
	memset(names, 0, sizeof(*names));
	ret = add_smmus(t, b, names, nr_smmu, shared, sid_bits);
	if (ret >= 0)
		ret = add_vtds(t, b, names, nr_smmu, nr_vtd, shared);
	if (ret >= 0)
		ret = add_rcs(t, b, names, nr_smmu, shared, sid_bits);
	if (ret >= 0)
		ret = add_endpoints(t, b, names, nr_smmu, shared, sid_bits);
	if (ret >= 0)
		ret = pl_topo_builder_emit(b, blob, len);
	pl_topo_builder_free(b);
	return ret < 0 ? ret : 0;
}

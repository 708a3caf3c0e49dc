// SPDX-License-Identifier: GPL-2.0
/*
 * probelab firmware import, host mode: the PCI functions of the running
 * machine from sysfs (<root>/bus/pci/devices/<ssss:bb:dd.f>/config,
 * secondary_bus_number, subordinate_bus_number).
 *
 *  - every bridge of a described segment with a bus range is a bridge
 *    record (PCIE_TO_PCI for PCIe-to-PCI bridges), so DMAR paths resolve
 *    and the module derives the PCIe-to-PCI DMA aliases itself;
 *  - every function is a lab device; the DMA aliases that
 *    pci_for_each_dma_alias() adds and no bridge record expresses (a
 *    conventional PCI bridge above, a PCI-X-to-PCIe bridge) are explicit
 *    aliases;
 *  - Linux's pci_device_group() puts functions in one group for more than
 *    shared requester IDs: the alias device a PCIe-to-PCI bridge makes of
 *    itself, bridges on the path to the root without ACS, functions of a
 *    multifunction device without ACS.  That partition is computed here
 *    from the config space (PCIe type, header type, ACS capability and
 *    control as the kernel left them; device-specific ACS quirks are not
 *    known) and each group of several functions gets one shared
 *    requester ID as an explicit "group alias" on the members that lack
 *    it, because the lab groups devices by shared IDs.
 */
#define PL_IMPORT_INTERNAL
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCIE_TYPE_UNKNOWN	(-2)

/* PCIe device/port types (PCI_EXP_TYPE_*) */
#define T_ENDPOINT	0x0
#define T_LEG_END	0x1
#define T_ROOT_PORT	0x4
#define T_UPSTREAM	0x5
#define T_DOWNSTREAM	0x6
#define T_PCI_BRIDGE	0x7
#define T_PCIE_BRIDGE	0x8
#define T_RC_END	0x9
#define T_RC_EC		0xa

/* PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF; PCI_ACS_EC */
#define REQ_ACS_FLAGS	0x1d
#define ACS_EC		0x20

int plimp_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static size_t read_cfg(const char *path, uint8_t *cfg, size_t cap)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while (got < cap) {
		ssize_t n = read(fd, cfg + got, cap - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* pci_acs_enabled(pdev, REQ_ACS_FLAGS) without device-specific quirks */
static bool acs_enabled(int type, bool multifunction, bool has_acs,
			uint16_t cap, uint16_t ctrl)
{
	uint16_t flags = REQ_ACS_FLAGS;

	switch (type) {
	case -1:
	case PCIE_TYPE_UNKNOWN:
	case T_PCIE_BRIDGE:
	case T_PCI_BRIDGE:
	case T_RC_EC:
		return false;
	case T_DOWNSTREAM:
	case T_ROOT_PORT:
		break;
	case T_ENDPOINT:
	case T_UPSTREAM:
	case T_LEG_END:
	case T_RC_END:
		if (!multifunction)
			return true;
		break;
	default:
		return true;
	}
	if (!has_acs)
		return false;
	flags &= cap | ACS_EC;
	return (ctrl & flags) == flags;
}

static void decode_cfg(struct plimp_pci *p, const uint8_t *cfg, size_t len)
{
	bool has_acs = false;
	uint16_t acs_cap = 0, acs_ctrl = 0;

	p->pcie_type = -1;
	if (len < 64) {
		p->cfg_short = true;
		p->pcie_type = PCIE_TYPE_UNKNOWN;
		return;
	}
	p->multifunction = cfg[0x0e] & 0x80;
	if (cfg[0x06] & 0x10) {		/* capability list */
		unsigned int pos = cfg[0x34] & 0xfc, guard = 48;

		while (pos >= 0x40 && guard--) {
			if (pos + 4 > len) {
				/* the list goes on where we cannot read */
				p->cfg_short = true;
				p->pcie_type = PCIE_TYPE_UNKNOWN;
				return;
			}
			if (cfg[pos] == 0x10)	/* PCI Express */
				p->pcie_type = (cfg[pos + 2] >> 4) & 0xf;
			pos = cfg[pos + 1] & 0xfc;
		}
	}
	if (p->pcie_type >= 0) {
		unsigned int pos = 0x100, guard = 256;

		if (len < 0x104) {
			p->cfg_short = true;
		} else {
			while (pos >= 0x100 && pos + 8 <= len && guard--) {
				uint32_t h = le32(cfg + pos);

				if (!h || h == 0xffffffff)
					break;
				if ((h & 0xffff) == 0x000d) {	/* ACS */
					has_acs = true;
					acs_cap = le16(cfg + pos + 4);
					acs_ctrl = le16(cfg + pos + 6);
					break;
				}
				pos = (h >> 20) & 0xffc;
			}
		}
	}
	p->acs = acs_enabled(p->pcie_type, p->multifunction, has_acs, acs_cap,
			     acs_ctrl);
}

static int cmp_pci(const void *a, const void *b)
{
	const struct plimp_pci *x = a, *y = b;
	uint32_t kx = (uint32_t)x->segment << 16 | x->bus << 8 | x->devfn;
	uint32_t ky = (uint32_t)y->segment << 16 | y->bus << 8 | y->devfn;

	return kx < ky ? -1 : kx > ky;
}

int plimp_host_find(const struct plimp_host *h, uint16_t segment, uint8_t bus,
		    uint8_t devfn)
{
	for (unsigned int i = 0; i < h->nr; i++)
		if (h->pci[i].segment == segment && h->pci[i].bus == bus &&
		    h->pci[i].devfn == devfn)
			return (int)i;
	return -1;
}

/* The bridge whose range holds @bus most narrowly: the upstream bridge. */
static int upstream(const struct plimp_host *h, uint16_t segment, uint8_t bus)
{
	int best = -1;

	for (unsigned int i = 0; i < h->nr; i++) {
		const struct plimp_pci *p = &h->pci[i];

		if (!p->bridge || p->segment != segment || bus < p->secondary ||
		    bus > p->subordinate)
			continue;
		if (best < 0 || p->subordinate - p->secondary <
		    h->pci[best].subordinate - h->pci[best].secondary)
			best = (int)i;
	}
	return best;
}

int plimp_host_scan(struct plimp_ctx *c)
{
	struct plimp_host *h;
	char dir[600], path[1024], text[32];
	struct dirent *de;
	DIR *d;

	h = calloc(1, sizeof(*h));
	if (!h)
		return plimp_fail(c, -ENOMEM, "out of memory");
	c->host = h;
	snprintf(h->root, sizeof(h->root), "%s",
		 c->opts->sysfs ? c->opts->sysfs : "/sys");
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", h->root);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			plimp_note(c->imp, "%s does not exist: no PCI functions", dir);
			return 0;
		}
		return plimp_fail(c, -errno, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		unsigned int seg, bus, dev, fn, sec, sub;
		uint8_t cfg[4096];
		struct plimp_pci *p;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		if (sscanf(de->d_name, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 ||
		    bus > 0xff || dev > 0x1f || fn > 7)
			continue;
		if (seg > 0xffff) {
			h->nr_skipped++;
			continue;
		}
		if (h->nr >= 65536) {
			closedir(d);
			return plimp_fail(c, -E2BIG, "%s: more than 65536 PCI functions", dir);
		}
		p = realloc(h->pci, (h->nr + 1) * sizeof(*p));
		if (!p) {
			closedir(d);
			return plimp_fail(c, -ENOMEM, "out of memory");
		}
		h->pci = p;
		p = &h->pci[h->nr++];
		memset(p, 0, sizeof(*p));
		p->segment = (uint16_t)seg;
		p->bus = (uint8_t)bus;
		p->devfn = (uint8_t)(dev << 3 | fn);
		p->parent = -1;
		snprintf(path, sizeof(path), "%s/%s/config", dir, de->d_name);
		len = read_cfg(path, cfg, sizeof(cfg));
		decode_cfg(p, cfg, len);
		if (p->cfg_short)
			h->nr_short++;
		if (len >= 64 && (cfg[0x0e] & 0x7f) == 1) {
			sec = cfg[0x19];
			sub = cfg[0x1a];
			snprintf(path, sizeof(path), "%s/%s/secondary_bus_number",
				 dir, de->d_name);
			if (!plimp_read_text(path, text, sizeof(text)))
				sscanf(text, "%u", &sec);
			snprintf(path, sizeof(path), "%s/%s/subordinate_bus_number",
				 dir, de->d_name);
			if (!plimp_read_text(path, text, sizeof(text)))
				sscanf(text, "%u", &sub);
			if (sec > p->bus && sec <= 0xff && sub >= sec && sub <= 0xff) {
				p->bridge = true;
				p->secondary = (uint8_t)sec;
				p->subordinate = (uint8_t)sub;
			}
		}
	}
	closedir(d);
	if (h->nr)
		qsort(h->pci, h->nr, sizeof(*h->pci), cmp_pci);
	for (unsigned int i = 0; i < h->nr; i++)
		h->pci[i].parent = upstream(h, h->pci[i].segment, h->pci[i].bus);
	if (h->nr_short)
		plimp_note(c->imp, "the config space of %u PCI function(s) could not be read past 64 bytes (not root?): their PCIe type and ACS are unknown, so the groups may differ from Linux's",
			   h->nr_short);
	if (h->nr_skipped)
		plimp_note(c->imp, "%u PCI function(s) in segments above 0xffff (e.g. VMD) left out",
			   h->nr_skipped);
	return 0;
}

void plimp_host_free(struct plimp_host *h)
{
	if (!h)
		return;
	free(h->pci);
	free(h);
}

int plimp_host_bridges(struct plimp_ctx *c)
{
	struct plimp_host *h = c->host;
	struct pl_import *imp = c->imp;
	unsigned int outside = 0;

	for (unsigned int i = 0; i < h->nr; i++) {
		struct plimp_pci *p = &h->pci[i];
		struct probelab_fw_bridge br;
		bool rc_seg = false, inside = false;
		char origin[96];
		int ret;

		p->described = plimp_seg_described(c, p->segment);
		if (!p->bridge || !p->described)
			continue;
		for (unsigned int k = 0; k < c->nr_rcr; k++) {
			if (c->rcr[k].segment != p->segment)
				continue;
			rc_seg = true;
			if (p->bus >= c->rcr[k].start &&
			    p->subordinate <= c->rcr[k].end)
				inside = true;
		}
		if (rc_seg && !inside) {
			outside++;
			continue;
		}
		memset(&br, 0, sizeof(br));
		br.segment = p->segment;
		br.bus = p->bus;
		br.devfn = p->devfn;
		br.secondary = p->secondary;
		br.subordinate = p->subordinate;
		if (p->pcie_type == T_PCI_BRIDGE)
			br.flags = PROBELAB_FW_BRIDGE_PCIE_TO_PCI;
		snprintf(origin, sizeof(origin), "sysfs bridge %04x:%02x:%02x.%u",
			 p->segment, p->bus, p->devfn >> 3, p->devfn & 7);
		ret = pl_topo_add_bridge(imp->builder, &br, origin);
		if (ret < 0)
			return plimp_fail(c, ret, "%s: %s", origin, strerror(-ret));
		p->recorded = true;
	}
	if (outside)
		plimp_note(imp, "%u PCI bridge(s) outside the bus range of their root complex: no bridge record",
			   outside);
	return 0;
}

static int uf_find(int *up, int i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

static void uf_union(int *up, int a, int b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a != b)
		up[a > b ? a : b] = a > b ? b : a;
}

/* pci_acs_path_enabled(@i, NULL, REQ_ACS_FLAGS) */
static bool acs_path(const struct plimp_host *h, int i)
{
	for (; i >= 0; i = h->pci[i].parent)
		if (!h->pci[i].acs)
			return false;
	return true;
}

static uint16_t rid_of(const struct plimp_pci *p)
{
	return (uint16_t)(p->bus << 8 | p->devfn);
}

static int alias_push(struct pl_import_device *d, uint16_t rid, bool explicit)
{
	for (unsigned int k = 0; k < d->nr_topo; k++)
		if (d->topo[k] == rid)
			return 0;
	if (rid == (uint16_t)(d->bus << 8 | d->devfn))
		return 0;
	if (d->nr_topo >= PL_IMPORT_MAX_TOPO)
		return -E2BIG;
	d->topo[d->nr_topo++] = rid;
	if (!explicit)
		return 0;
	if (d->nr_aliases >= PL_IMPORT_MAX_ALIASES)
		return -E2BIG;
	d->aliases[d->nr_aliases++] = rid;
	return 0;
}

int plimp_host_devices(struct plimp_ctx *c)
{
	struct plimp_host *h = c->host;
	struct pl_import *imp = c->imp;
	int *idx, *up, ret = 0;
	unsigned int nga = 0;

	if (!h->nr)
		return 0;
	idx = malloc(h->nr * sizeof(int));
	up = malloc(h->nr * sizeof(int));
	if (!idx || !up) {
		free(idx);
		free(up);
		return plimp_fail(c, -ENOMEM, "out of memory");
	}
	for (unsigned int i = 0; i < h->nr; i++) {
		const struct plimp_pci *p = &h->pci[i];

		up[i] = (int)i;
		idx[i] = plimp_add_pci(imp, p->segment, p->bus, p->devfn,
				       "sysfs");
		if (idx[i] == -E2BIG)
			continue;
		if (idx[i] < 0) {
			ret = plimp_fail(c, idx[i], "out of memory");
			goto out;
		}
	}
	/* pci_for_each_dma_alias() and pci_device_group() */
	for (unsigned int i = 0; i < h->nr; i++) {
		int a = (int)i, pdev;

		for (int q = h->pci[i].parent; q >= 0; q = h->pci[q].parent) {
			const struct plimp_pci *b = &h->pci[q];
			bool alias = true, expl = true;
			uint16_t rid = rid_of(b);

			switch (b->pcie_type) {
			case T_ROOT_PORT:
			case T_UPSTREAM:
			case T_DOWNSTREAM:
			case PCIE_TYPE_UNKNOWN:
				alias = false;
				break;
			case T_PCI_BRIDGE:
				rid = (uint16_t)(b->secondary << 8);
				expl = !b->recorded;
				break;
			case T_PCIE_BRIDGE:
			case -1:
				break;
			default:
				alias = false;
				break;
			}
			if (!alias)
				continue;
			if (idx[i] >= 0) {
				ret = alias_push(&imp->devices[idx[i]], rid, expl);
				if (ret) {
					ret = plimp_fail(c, ret, "sysfs %04x:%02x:%02x.%u: more DMA aliases than a lab device takes (%u)",
							 h->pci[i].segment, h->pci[i].bus,
							 h->pci[i].devfn >> 3,
							 h->pci[i].devfn & 7,
							 PL_IMPORT_MAX_ALIASES);
					goto out;
				}
			}
			uf_union(up, (int)i, q);
			a = q;
		}
		pdev = a;
		for (int q = h->pci[a].parent; q >= 0; q = h->pci[q].parent) {
			if (acs_path(h, q))
				break;
			pdev = q;
		}
		uf_union(up, (int)i, pdev);
		if (h->pci[pdev].multifunction && !h->pci[pdev].acs)
			for (unsigned int k = 0; k < h->nr; k++) {
				const struct plimp_pci *o = &h->pci[k];

				if ((int)k != pdev && o->segment == h->pci[pdev].segment &&
				    o->bus == h->pci[pdev].bus &&
				    (o->devfn >> 3) == (h->pci[pdev].devfn >> 3) &&
				    !o->acs)
					uf_union(up, pdev, (int)k);
			}
	}
	/* one shared requester ID per group of several functions */
	for (unsigned int r = 0; r < h->nr; r++) {
		unsigned int members = 0, best_cnt = 0;
		uint32_t best = 0x10000;

		if (uf_find(up, (int)r) != (int)r)
			continue;
		for (unsigned int i = 0; i < h->nr; i++)
			if (uf_find(up, (int)i) == (int)r)
				members++;
		if (members < 2)
			continue;
		/* the requester ID most members carry already; the lowest */
		for (unsigned int i = 0; i < h->nr; i++) {
			const struct pl_import_device *d;
			uint16_t cand[PL_IMPORT_MAX_TOPO + 1];
			unsigned int nc = 0;

			if (uf_find(up, (int)i) != (int)r || idx[i] < 0)
				continue;
			d = &imp->devices[idx[i]];
			cand[nc++] = rid_of(&h->pci[i]);
			for (unsigned int k = 0; k < d->nr_topo; k++)
				cand[nc++] = d->topo[k];
			for (unsigned int k = 0; k < nc; k++) {
				unsigned int cnt = 0;

				for (unsigned int j = 0; j < h->nr; j++) {
					const struct pl_import_device *e;
					bool has;

					if (uf_find(up, (int)j) != (int)r || idx[j] < 0)
						continue;
					e = &imp->devices[idx[j]];
					has = rid_of(&h->pci[j]) == cand[k];
					for (unsigned int m = 0; m < e->nr_topo; m++)
						has |= e->topo[m] == cand[k];
					cnt += has;
				}
				if (cnt > best_cnt || (cnt == best_cnt && cand[k] < best)) {
					best_cnt = cnt;
					best = cand[k];
				}
			}
		}
		if (best > 0xffff)
			continue;
		for (unsigned int i = 0; i < h->nr; i++) {
			struct pl_import_device *d;
			bool has;

			if (uf_find(up, (int)i) != (int)r || idx[i] < 0)
				continue;
			d = &imp->devices[idx[i]];
			has = rid_of(&h->pci[i]) == best;
			for (unsigned int m = 0; m < d->nr_topo; m++)
				has |= d->topo[m] == best;
			if (has)
				continue;
			if (d->nr_aliases >= PL_IMPORT_MAX_ALIASES) {
				ret = plimp_fail(c, -E2BIG, "sysfs %04x:%02x:%02x.%u: more aliases than a lab device takes (%u)",
						 d->segment, d->bus, d->devfn >> 3,
						 d->devfn & 7, PL_IMPORT_MAX_ALIASES);
				goto out;
			}
			d->aliases[d->nr_aliases++] = (uint16_t)best;
			d->group_aliases[d->nr_group_aliases++] = (uint16_t)best;
			nga++;
		}
	}
	if (nga)
		plimp_note(imp, "%u group alias(es) added so that the lab's groups (shared IDs) are Linux's pci_device_group() groups (ACS, multifunction, PCIe-to-PCI bridges)",
			   nga);
out:
	free(idx);
	free(up);
	return ret;
}

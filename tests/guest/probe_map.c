// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"), VT-d second level and SMMUv3 stage 1: MAP,
 * UNMAP and IOVA_TO_PHYS round trips on an owner's UNMANAGED domain over
 * sizes 4K to 1G - 4K, 64K, 2M, 1G, and 4K-aligned ranges that are not
 * aligned to a block size (with and without a common 2M offset of IOVA
 * and physical address).  For each: the first, middle and last page and
 * the last byte translate; UNMAP returns the length; afterwards the IOVAs
 * translate to nothing (ENOENT).  Overlapping maps fail with EEXIST and
 * leave nothing behind; bad arguments fail with EINVAL.  The invariant
 * checker runs after every op and finds nothing.
 *
 * When the module does not implement MAP, UNMAP and IOVA_TO_PHYS (GET_INFO
 * ops), each round trip is reported as skipped (TAP "# SKIP") and the
 * ops are checked to answer EOPNOTSUPP.  TAP output.
 */
#include <inttypes.h>

#include "probe_util_tap.h"

#define SZ_4K	0x1000ULL
#define SZ_64K	0x10000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL
#define RW	(PROBELAB_PROT_READ | PROBELAB_PROT_WRITE)

struct range {
	const char *name;
	uint64_t iova;
	uint64_t paddr;
	uint64_t len;
};

/* Disjoint IOVA ranges, all mapped at once; no physical address is 0. */
static const struct range ranges[] = {
	{ "4K", 0x1000, 0x2000, SZ_4K },
	{ "64K", 0x10000000, 0x20010000, SZ_64K },
	{ "2M (one block)", 0x40200000, 0x80200000, SZ_2M },
	{ "1G (one block)", 0x80000000, 0x140000000ULL, SZ_1G },
	{ "4K-aligned, 2M offset 0x1ff000 in both (4K + 2x2M + 4K)",
	  0x1001ff000ULL, 0x2003ff000ULL, 2 * SZ_2M + 2 * SZ_4K },
	{ "4K-aligned, no common block alignment (35 pages)",
	  0x300005000ULL, 0x400009000ULL, 35 * SZ_4K },
};

#define NR_RANGES	(sizeof(ranges) / sizeof(ranges[0]))

static bool vtd;
static const char *model;

static void load(void)
{
	struct pl_topo_builder *b = topo_new();

	must(pl_lab_reset(lab), "LAB_RESET");
	if (vtd) {
		topo_vtd(b, "dmar0", 0, true);
	} else {
		int s = topo_smmu(b, "smmu0", 16);
		int rc = topo_rc(b, 0, 0, 0xff);

		topo_map(b, rc, s, 0, 0x10000, 0);
	}
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA), "FW_LOAD");
	must(pl_iommu_register(lab, vtd ? "dmar0" : "smmu0"), "IOMMU_REGISTER");
}

/* IOVA_TO_PHYS of @iova is @want (0: must be unmapped, ENOENT). */
static bool xlate_is(uint32_t dom, uint64_t iova, uint64_t want, char *why,
		     size_t len)
{
	uint64_t pa = 0;
	int ret = pl_iova_to_phys(lab, dom, iova, &pa);

	if (want ? (ret || pa != want) : ret != -ENOENT) {
		snprintf(why, len, "IOVA 0x%" PRIx64 ": ret %d pa 0x%" PRIx64 ", want %s0x%" PRIx64,
			 iova, ret, pa, want ? "" : "ENOENT, not ", want ? want : pa);
		return false;
	}
	return true;
}

/* First, middle and last page (their first bytes) and the last byte. */
static bool range_is(uint32_t dom, const struct range *r, bool mapped,
		     char *why, size_t len)
{
	uint64_t mid = (r->len / 2) & ~(SZ_4K - 1);
	uint64_t off[3] = { 0, mid, r->len - SZ_4K };

	for (int i = 0; i < 3; i++)
		if (!xlate_is(dom, r->iova + off[i],
			      mapped ? r->paddr + off[i] : 0, why, len))
			return false;
	snprintf(why, len, "first, middle, last page %s", mapped ?
		 "translate" : "give ENOENT");
	return true;
}

static void round_trips(uint32_t dom)
{
	uint64_t done[NR_RANGES] = { 0 }, pa;
	int ret[NR_RANGES];
	char why[160];
	unsigned int i;

	for (i = 0; i < NR_RANGES; i++)
		ret[i] = pl_map(lab, dom, ranges[i].iova, ranges[i].paddr,
				ranges[i].len, RW, &done[i]);
	for (i = 0; i < NR_RANGES; i++) {
		const struct range *r = &ranges[i];
		bool ok = !ret[i] && done[i] == r->len &&
			  range_is(dom, r, true, why, sizeof(why));

		if (ret[i] || done[i] != r->len)
			snprintf(why, sizeof(why), "MAP ret %d, done 0x%" PRIx64,
				 ret[i], done[i]);
		tap_ok(ok, "%s: map %s at IOVA 0x%" PRIx64 " -> 0x%" PRIx64 ": %s",
		       model, r->name, r->iova, r->paddr, why);
		pa = 0;
		ret[i] = pl_iova_to_phys(lab, dom, r->iova + r->len - 1, &pa);
		tap_ok(!ret[i] && pa == r->paddr + r->len - 1,
		       "%s: %s: the last byte 0x%" PRIx64 " translates to 0x%" PRIx64 " (ret %d, 0x%" PRIx64 ")",
		       model, r->name, r->iova + r->len - 1,
		       r->paddr + r->len - 1, ret[i], pa);
	}
	/* the neighbours of a mapping are not mapped */
	tap_ok(xlate_is(dom, ranges[1].iova - SZ_4K, 0, why, sizeof(why)) &&
	       xlate_is(dom, ranges[1].iova + SZ_64K, 0, why, sizeof(why)),
	       "%s: the pages around the 64K mapping translate to nothing (%s)",
	       model, why);
	for (i = 0; i < NR_RANGES; i++) {
		const struct range *r = &ranges[i];
		int rr = pl_unmap(lab, dom, r->iova, r->len, &done[i]);
		bool gone = range_is(dom, r, false, why, sizeof(why));

		tap_ok(!rr && done[i] == r->len && gone,
		       "%s: unmap %s returns the length 0x%" PRIx64 " (ret %d, 0x%" PRIx64 "); afterwards %s",
		       model, r->name, r->len, rr, done[i], why);
	}
}

static void overlaps(uint32_t dom)
{
	const uint64_t x = 0x7000000000ULL, pa = 0x9000000ULL;
	uint64_t done = 0;
	char why[160], why2[160];
	int r1, r2, r3, r4, r5;
	bool ok;

	must(pl_map(lab, dom, x, pa, SZ_64K, RW, NULL), "MAP 64K");
	r1 = pl_map(lab, dom, x, pa + SZ_1G, SZ_64K, RW, NULL);
	r2 = pl_map(lab, dom, x + 0x8000, pa + SZ_1G, SZ_64K, RW, NULL);
	r3 = pl_map(lab, dom, x - SZ_4K, pa + SZ_1G, SZ_64K + 2 * SZ_4K, RW,
		    NULL);
	ok = xlate_is(dom, x + SZ_64K, 0, why, sizeof(why)) &&
	     xlate_is(dom, x - SZ_4K, 0, why, sizeof(why)) &&
	     xlate_is(dom, x + 0x8000, pa + 0x8000, why2, sizeof(why2));
	tap_ok(r1 == -EEXIST && r2 == -EEXIST && r3 == -EEXIST && ok,
	       "%s: maps overlapping a 64K mapping fail with EEXIST (same range %d, its second half and beyond %d, around it %d) and leave nothing behind (%s)",
	       model, r1, r2, r3, ok ? "neighbours unmapped, the mapping intact" :
	       why);
	must(pl_unmap(lab, dom, x, SZ_64K, NULL), "UNMAP");
	must(pl_map(lab, dom, x, pa, SZ_2M, RW, NULL), "MAP 2M");
	r4 = pl_map(lab, dom, x + 0x3000, pa, SZ_4K, RW, NULL);
	tap_ok(r4 == -EEXIST, "%s: a 4K map inside a 2M block fails with EEXIST (%d)",
	       model, r4);
	r5 = pl_unmap(lab, dom, x, SZ_2M, &done);
	tap_ok(!r5 && done == SZ_2M, "%s: the 2M block unmaps whole (%d, 0x%" PRIx64 ")",
	       model, r5, done);
}

/* domain.map armed to fail: MAP answers its errno and maps nothing. */
static void inject_map_failure(uint32_t dom)
{
	struct probelab_inject c;
	uint64_t pa = 0;
	int r1, r2, r3;

	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "domain.map");
	c.action = PROBELAB_INJECT_FAIL;
	c.error = -ENOSPC;
	must(pl_inject(lab, &c), "INJECT domain.map fail");
	r1 = pl_map(lab, dom, 0x40000000, 0x1000, SZ_4K, RW, NULL);
	r2 = pl_iova_to_phys(lab, dom, 0x40000000, &pa);
	must(pl_inject_off(lab, "domain.map"), "INJECT domain.map off");
	r3 = pl_map(lab, dom, 0x40000000, 0x1000, SZ_4K, RW, NULL);
	if (!r3)
		pl_unmap(lab, dom, 0x40000000, SZ_4K, NULL);
	tap_ok(r1 == -ENOSPC && (r2 || !pa) && !r3,
	       "%s: domain.map armed to fail: MAP answers ENOSPC and maps nothing (%d, %d, 0x%" PRIx64 "); disarmed it maps (%d)",
	       model, r1, r2, pa, r3);
}

static void bad_args(uint32_t dom, uint32_t other)
{
	int r[7];

	r[0] = pl_map(lab, dom, 0x1000, 0x1000, SZ_4K, 0, NULL);
	r[1] = pl_map(lab, dom, 0x1800, 0x1000, SZ_4K, RW, NULL);
	r[2] = pl_map(lab, dom, 0x1000, 0x1800, SZ_4K, RW, NULL);
	r[3] = pl_map(lab, dom, 0x1000, 0x1000, 0, RW, NULL);
	r[4] = pl_map(lab, dom, 0x1000, 0x1000, 0x1800, RW, NULL);
	r[5] = pl_map(lab, dom, (1ULL << 48) - SZ_4K, 0x1000, 2 * SZ_4K, RW,
		      NULL);
	tap_ok(r[0] == -EINVAL && r[1] == -EINVAL && r[2] == -EINVAL &&
	       r[3] == -EINVAL && r[4] == -EINVAL && r[5] == -EINVAL,
	       "%s: MAP with no prot, unaligned IOVA, unaligned paddr, zero length, a length not in pages, past 2^48: EINVAL (%d %d %d %d %d %d)",
	       model, r[0], r[1], r[2], r[3], r[4], r[5]);
	r[6] = pl_map(lab, other, 0x1000, 0x1000, SZ_4K, RW, NULL);
	tap_ok(r[6] == -ENOENT,
	       "%s: MAP into a domain of another token fails with ENOENT (%d)",
	       model, r[6]);
	inject_map_failure(dom);
}

static void run_model(void)
{
	struct pl_handle *t2 = token_open();
	uint32_t a, dom, other;

	load();
	a = add_pci(0, 0, 2, 0);
	must(pl_claim_device(lab, a), "OWNER_CLAIM_DEVICE");
	must(pl_domain_alloc(lab, a, PROBELAB_DOMAIN_UNMANAGED, &dom),
	     "DOMAIN_ALLOC");
	must(pl_domain_alloc(t2, a, PROBELAB_DOMAIN_UNMANAGED, &other),
	     "DOMAIN_ALLOC (second token)");
	must(pl_attach(lab, a, 1, dom), "ATTACH");
	round_trips(dom);
	overlaps(dom);
	bad_args(dom, other);
	must(pl_detach(lab, a, 1), "DETACH");
	must(pl_domain_free(lab, dom), "DOMAIN_FREE");
	must(pl_release_device(lab, a), "OWNER_RELEASE");
	pl_close(t2);
	check_clean("map, unmap, iova_to_phys");
}

/* Without the ops: one SKIP per round trip, and the ops say EOPNOTSUPP. */
static void skip_model(uint64_t ops)
{
	uint64_t pa = 0, done = 0;
	int r1, r2, r3;

	for (unsigned int i = 0; i < NR_RANGES; i++)
		tap_skip("%s: map/unmap/iova_to_phys round trip of %s: MAP, UNMAP or IOVA_TO_PHYS not in GET_INFO ops (0x%" PRIx64 ")",
			 model, ranges[i].name, ops);
	tap_skip("%s: overlapping maps (EEXIST) and bad arguments: no page tables",
		 model);
	r1 = pl_map(lab, 1, 0x1000, 0x1000, SZ_4K, RW, &done);
	r2 = pl_unmap(lab, 1, 0x1000, SZ_4K, &done);
	r3 = pl_iova_to_phys(lab, 1, 0x1000, &pa);
	tap_ok(r1 == -EOPNOTSUPP && r2 == -EOPNOTSUPP && r3 == -EOPNOTSUPP,
	       "%s: the ops the module does not list answer EOPNOTSUPP (MAP %d, UNMAP %d, IOVA_TO_PHYS %d)",
	       model, r1, r2, r3);
}

int main(void)
{
	struct probelab_info info;
	struct pl_check_result r;
	bool have;

	lab_open();
	must(pl_get_info(lab, &info), "GET_INFO");
	have = (info.ops >> PROBELAB_OP_MAP & 1) &&
	       (info.ops >> PROBELAB_OP_UNMAP & 1) &&
	       (info.ops >> PROBELAB_OP_IOVA_TO_PHYS & 1);
	r = check_run(PROBELAB_CHECK_AUTO_ON);
	pl_check_result_free(&r);
	for (int m = 0; m < 2; m++) {
		vtd = m == 0;
		model = vtd ? "VT-d" : "SMMUv3";
		if (have)
			run_model();
		else
			skip_model(info.ops);
	}
	r = check_run(PROBELAB_CHECK_AUTO_OFF);
	pl_check_result_free(&r);
	tap_plan(tap_n);
	return lab_close();
}

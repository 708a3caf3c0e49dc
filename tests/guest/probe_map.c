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
 * ops), the tests of the map fixture skip and the ops are checked to
 * answer EOPNOTSUPP (map_absent, which skips when they are there).
 */
#include <inttypes.h>

#include "probe_util.h"

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

static bool have_map_ops(uint64_t *ops)
{
	struct probelab_info info;

	must(pl_get_info(lab, &info), "GET_INFO");
	*ops = info.ops;
	return (info.ops >> PROBELAB_OP_MAP & 1) &&
	       (info.ops >> PROBELAB_OP_UNMAP & 1) &&
	       (info.ops >> PROBELAB_OP_IOVA_TO_PHYS & 1);
}

/*
 * An owner's UNMANAGED domain @dom attached to device 00:02.0 (claimed),
 * and a domain @other of a second token; the checker on after every op.
 */
FIXTURE(map) {
	struct pl_handle *t2;
	uint32_t dev, dom, other;
};
FIXTURE_VARIANTS_IOMMU(map);

FIXTURE_SETUP(map)
{
	uint64_t ops;

	lab_setup(_metadata, true);
	if (!have_map_ops(&ops)) {
		lab_teardown(_metadata);
		SETUP_SKIP("MAP, UNMAP or IOVA_TO_PHYS not in GET_INFO ops (0x%" PRIx64 ")",
			   ops);
	}
	self->t2 = token_open();
	load_one(variant->iommu, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA,
		 true);
	self->dev = add_pci(0, 0, 2, 0);
	ASSERT_EQ(0, pl_claim_device(lab, self->dev));
	ASSERT_EQ(0, pl_domain_alloc(lab, self->dev, PROBELAB_DOMAIN_UNMANAGED,
				     &self->dom));
	ASSERT_EQ(0, pl_domain_alloc(self->t2, self->dev,
				     PROBELAB_DOMAIN_UNMANAGED, &self->other));
	ASSERT_EQ(0, pl_attach(lab, self->dev, 1, self->dom));
}

FIXTURE_TEARDOWN(map)
{
	if (self->t2)
		pl_close(self->t2);
	lab_teardown(_metadata);
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

/*
 * Every range mapped at once: the first, middle and last page and the
 * last byte translate, the pages around the 64K mapping do not; UNMAP
 * returns each length and leaves nothing mapped.  Then the owner's
 * DETACH, DOMAIN_FREE and release.
 */
TEST_F(map, round_trips)
{
	uint64_t done[NR_RANGES] = { 0 }, pa;
	int ret[NR_RANGES];
	char why[160];
	unsigned int i;

	for (i = 0; i < NR_RANGES; i++)
		ret[i] = pl_map(lab, self->dom, ranges[i].iova, ranges[i].paddr,
				ranges[i].len, RW, &done[i]);
	for (i = 0; i < NR_RANGES; i++) {
		const struct range *r = &ranges[i];

		EXPECT_EQ(0, ret[i]) TH_LOG("MAP %s", r->name);
		EXPECT_EQ(r->len, done[i]) TH_LOG("MAP %s", r->name);
		EXPECT_TRUE(range_is(self->dom, r, true, why, sizeof(why)))
			TH_LOG("%s at IOVA 0x%" PRIx64 " -> 0x%" PRIx64 ": %s",
			       r->name, r->iova, r->paddr, why);
		pa = 0;
		EXPECT_EQ(0, pl_iova_to_phys(lab, self->dom,
					     r->iova + r->len - 1, &pa))
			TH_LOG("%s: the last byte", r->name);
		EXPECT_EQ(r->paddr + r->len - 1, pa)
			TH_LOG("%s: the last byte", r->name);
	}
	/* the neighbours of a mapping are not mapped */
	EXPECT_TRUE(xlate_is(self->dom, ranges[1].iova - SZ_4K, 0, why,
			     sizeof(why))) TH_LOG("%s", why);
	EXPECT_TRUE(xlate_is(self->dom, ranges[1].iova + SZ_64K, 0, why,
			     sizeof(why))) TH_LOG("%s", why);
	for (i = 0; i < NR_RANGES; i++) {
		const struct range *r = &ranges[i];

		EXPECT_EQ(0, pl_unmap(lab, self->dom, r->iova, r->len, &done[i]))
			TH_LOG("UNMAP %s", r->name);
		EXPECT_EQ(r->len, done[i]) TH_LOG("UNMAP %s", r->name);
		EXPECT_TRUE(range_is(self->dom, r, false, why, sizeof(why)))
			TH_LOG("%s after UNMAP: %s", r->name, why);
	}
	ASSERT_EQ(0, pl_detach(lab, self->dev, 1));
	ASSERT_EQ(0, pl_domain_free(lab, self->dom));
	ASSERT_EQ(0, pl_release_device(lab, self->dev));
	expect_check_clean(_metadata, "map, unmap, iova_to_phys");
}

/*
 * Maps overlapping a 64K mapping fail with EEXIST (the same range, its
 * second half and beyond, around it) and leave nothing behind; a 4K map
 * inside a 2M block fails with EEXIST; the 2M block unmaps whole.
 */
TEST_F(map, overlaps)
{
	const uint64_t x = 0x7000000000ULL, pa = 0x9000000ULL;
	uint32_t dom = self->dom;
	uint64_t done = 0;
	char why[160];

	ASSERT_EQ(0, pl_map(lab, dom, x, pa, SZ_64K, RW, NULL));
	EXPECT_EQ(-EEXIST, pl_map(lab, dom, x, pa + SZ_1G, SZ_64K, RW, NULL));
	EXPECT_EQ(-EEXIST, pl_map(lab, dom, x + 0x8000, pa + SZ_1G, SZ_64K,
				  RW, NULL));
	EXPECT_EQ(-EEXIST, pl_map(lab, dom, x - SZ_4K, pa + SZ_1G,
				  SZ_64K + 2 * SZ_4K, RW, NULL));
	EXPECT_TRUE(xlate_is(dom, x + SZ_64K, 0, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_TRUE(xlate_is(dom, x - SZ_4K, 0, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_TRUE(xlate_is(dom, x + 0x8000, pa + 0x8000, why, sizeof(why)))
		TH_LOG("the mapping intact: %s", why);
	ASSERT_EQ(0, pl_unmap(lab, dom, x, SZ_64K, NULL));

	ASSERT_EQ(0, pl_map(lab, dom, x, pa, SZ_2M, RW, NULL));
	EXPECT_EQ(-EEXIST, pl_map(lab, dom, x + 0x3000, pa, SZ_4K, RW, NULL));
	EXPECT_EQ(0, pl_unmap(lab, dom, x, SZ_2M, &done));
	EXPECT_EQ(SZ_2M, done);
	expect_check_clean(_metadata, "overlapping maps");
}

/* domain.map armed to fail: MAP answers its errno and maps nothing. */
TEST_F(map, injected_failure)
{
	struct probelab_inject c;
	uint32_t dom = self->dom;
	uint64_t pa = 0;
	int r1, r2, r3;

	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "domain.map");
	c.action = PROBELAB_INJECT_FAIL;
	c.error = -ENOSPC;
	ASSERT_EQ(0, pl_inject(lab, &c));
	r1 = pl_map(lab, dom, 0x40000000, 0x1000, SZ_4K, RW, NULL);
	r2 = pl_iova_to_phys(lab, dom, 0x40000000, &pa);
	ASSERT_EQ(0, pl_inject_off(lab, "domain.map"));
	r3 = pl_map(lab, dom, 0x40000000, 0x1000, SZ_4K, RW, NULL);
	if (!r3)
		pl_unmap(lab, dom, 0x40000000, SZ_4K, NULL);
	EXPECT_EQ(-ENOSPC, r1);
	EXPECT_TRUE(r2 || !pa)
		TH_LOG("IOVA_TO_PHYS after the failed MAP: %d, 0x%" PRIx64,
		       r2, pa);
	EXPECT_EQ(0, r3) TH_LOG("MAP once disarmed");
	expect_check_clean(_metadata, "an injected MAP failure");
}

/*
 * MAP with no prot, unaligned IOVA, unaligned paddr, zero length, a length
 * not in pages, past 2^48: EINVAL; into a domain of another token: ENOENT.
 */
TEST_F(map, bad_arguments)
{
	uint32_t dom = self->dom;

	EXPECT_EQ(-EINVAL, pl_map(lab, dom, 0x1000, 0x1000, SZ_4K, 0, NULL));
	EXPECT_EQ(-EINVAL, pl_map(lab, dom, 0x1800, 0x1000, SZ_4K, RW, NULL));
	EXPECT_EQ(-EINVAL, pl_map(lab, dom, 0x1000, 0x1800, SZ_4K, RW, NULL));
	EXPECT_EQ(-EINVAL, pl_map(lab, dom, 0x1000, 0x1000, 0, RW, NULL));
	EXPECT_EQ(-EINVAL, pl_map(lab, dom, 0x1000, 0x1000, 0x1800, RW, NULL));
	EXPECT_EQ(-EINVAL, pl_map(lab, dom, (1ULL << 48) - SZ_4K, 0x1000,
				  2 * SZ_4K, RW, NULL));
	EXPECT_EQ(-ENOENT, pl_map(lab, self->other, 0x1000, 0x1000, SZ_4K, RW,
				  NULL));
	expect_check_clean(_metadata, "bad arguments");
}

LAB_FIXTURE(map_absent, false);

/* Without page tables in the module the ops answer EOPNOTSUPP. */
TEST_F(map_absent, eopnotsupp)
{
	uint64_t pa = 0, done = 0, ops;

	if (have_map_ops(&ops))
		SKIP(return, "MAP, UNMAP and IOVA_TO_PHYS are in GET_INFO ops (0x%" PRIx64 ")",
		     ops);
	EXPECT_EQ(-EOPNOTSUPP, pl_map(lab, 1, 0x1000, 0x1000, SZ_4K, RW, &done));
	EXPECT_EQ(-EOPNOTSUPP, pl_unmap(lab, 1, 0x1000, SZ_4K, &done));
	EXPECT_EQ(-EOPNOTSUPP, pl_iova_to_phys(lab, 1, 0x1000, &pa));
}

TEST_HARNESS_MAIN

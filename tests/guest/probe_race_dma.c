// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test (policy "fixed"): RACE with the DMA_MAP actor - the kernel
 * threads `probelab bench map` times - and the two fields it added at the
 * end of struct probelab_race.
 *  - Size handling: a caller of the first version (the structure up to
 *    @violations) still runs OF_CONFIGURE, and its DMA_MAP is refused
 *    (map_size read as 0); bytes past the structure must be zero.
 *  - Validation, each refused with EINVAL and a log line: map_size with
 *    another actor, a map_size that is not a power of two in 4K..2M,
 *    map_errors set on input, a device not bound to a DMA-API lab driver.
 *  - DMA_MAP on a device bound to probelab-dma, 4K and 2M, 1 and 3
 *    threads with an iteration limit: exactly threads x iterations steps,
 *    no mapping error, no violation; after the driver's unbind no mapping
 *    is left behind (invariant 7 would see it) and the checker is clean.
 */
#include <stddef.h>

#include "probe_util.h"

/* The first version of struct probelab_race ended at @violations. */
#define RACE_V1_SIZE	(offsetof(struct probelab_race, violations) + \
			 sizeof(__u64))

struct race_plus {
	struct probelab_race r;
	__u64 tail;
};

static void race_init(struct probelab_race *c, uint32_t actor, uint32_t dev,
		      uint32_t map_size)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->op = PROBELAB_OP_RACE;
	c->actor = actor;
	c->dev_id = dev;
	c->threads = 1;
	c->duration_ms = 2000;
	c->iterations = 20;
	c->map_size = map_size;
}

/* The RACE @c refused with EINVAL, and a log line holding @line. */
static bool refused(struct probelab_race *c, const char *line, char *why,
		    size_t len)
{
	int fd = kmsg_open(), ret = pl_cmd(lab, c);
	bool seen = kmsg_seen(fd, line);

	snprintf(why, len, "actor %u map_size 0x%x map_errors %u size %u: %s, log line \"%s\" %s",
		 c->actor, c->map_size, c->map_errors, c->size,
		 pl_errno_name(ret), line, seen ? "seen" : "not seen");
	return ret == -EINVAL && seen;
}

/* One instance of the variant's model; 00:02.0 bound to probelab-dma. */
FIXTURE(race_dma) {
	uint32_t bound, idle;
};
FIXTURE_VARIANTS_IOMMU(race_dma);

FIXTURE_SETUP(race_dma)
{
	lab_setup(_metadata, true);
	load_one(variant->iommu, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA,
		 true);
	self->bound = add_pci(0, 0, 2, 0);
	self->idle = add_pci(0, 0, 3, 0);
	ASSERT_EQ(PROBELAB_BIND_BOUND, drv_bind(self->bound, PROBELAB_DRV_DMA));
}

FIXTURE_TEARDOWN(race_dma)
{
	lab_teardown(_metadata);
}

/* A first-version caller: OF_CONFIGURE runs, DMA_MAP has no map_size. */
TEST_F(race_dma, v1_size)
{
	struct race_plus p;
	struct probelab_race c;
	char why[256];

	race_init(&c, PROBELAB_RACE_OF_CONFIGURE, self->bound, 0);
	c.size = RACE_V1_SIZE;
	ASSERT_EQ(56, c.size);
	EXPECT_EQ(0, pl_cmd(lab, &c));
	EXPECT_EQ(20, c.cycles);

	race_init(&c, PROBELAB_RACE_DMA_MAP, self->bound, 0x1000);
	c.size = RACE_V1_SIZE;	/* map_size is not passed: read as 0 */
	EXPECT_TRUE(refused(&c, "DMA_MAP map_size 0: not a power of two", why,
			    sizeof(why))) TH_LOG("%s", why);

	/* a larger structure: its tail must be zero */
	memset(&p, 0, sizeof(p));
	race_init(&p.r, PROBELAB_RACE_DMA_MAP, self->bound, 0x1000);
	p.r.size = sizeof(p);
	EXPECT_EQ(0, pl_cmd(lab, &p));
	EXPECT_EQ(20, p.r.cycles);
	p.r.cycles = 0;
	p.tail = 1;
	EXPECT_EQ(-E2BIG, pl_cmd(lab, &p));
	expect_check_clean(_metadata, "after the size cases");
}

/* Every malformed DMA_MAP argument is refused with its log line. */
TEST_F(race_dma, validation)
{
	/* 0 is v1_size's; few, for the ratelimit of the line (10 in 5 s) */
	static const uint32_t bad[] = { 0x3000, 0x800, 0x400000 };
	struct probelab_race c;
	char why[256];

	race_init(&c, PROBELAB_RACE_OF_CONFIGURE, self->bound, 0x1000);
	EXPECT_TRUE(refused(&c, "is for the DMA_MAP actor only", why,
			    sizeof(why))) TH_LOG("%s", why);
	/* the log lines are ratelimited: looked for at the first only */
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		race_init(&c, PROBELAB_RACE_DMA_MAP, self->bound, bad[i]);
		if (!i) {
			EXPECT_TRUE(refused(&c, "not a power of two", why,
					    sizeof(why))) TH_LOG("%s", why);
		} else {
			EXPECT_EQ(-EINVAL, pl_cmd(lab, &c))
				TH_LOG("map_size 0x%x", bad[i]);
		}
	}
	race_init(&c, PROBELAB_RACE_DMA_MAP, self->bound, 0x1000);
	c.map_errors = 1;
	EXPECT_TRUE(refused(&c, "map_errors is an out field", why,
			    sizeof(why)))
		TH_LOG("%s", why);
	race_init(&c, PROBELAB_RACE_DMA_MAP, self->idle, 0x1000);
	EXPECT_TRUE(refused(&c, "is not bound to a DMA-API lab driver", why,
			    sizeof(why))) TH_LOG("%s", why);
	race_init(&c, 3, self->bound, 0);
	EXPECT_TRUE(refused(&c, "RACE: unknown actor 3", why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_EQ(PROBELAB_DRV_DMA, dev_get(self->bound).driver);
}

/*
 * 4K and 2M, 1 and 3 threads, 50 iterations each: every step counted,
 * none failed; no mapping outlives the driver's unbind.
 */
TEST_F(race_dma, map_unmap_counts)
{
	static const uint32_t sizes[] = { 0x1000, 0x200000 };
	static const uint32_t threads[] = { 1, 3 };
	struct probelab_race c;

	for (unsigned int s = 0; s < 2; s++) {
		for (unsigned int t = 0; t < 2; t++) {
			race_init(&c, PROBELAB_RACE_DMA_MAP, self->bound,
				  sizes[s]);
			c.threads = threads[t];
			c.iterations = 50;
			c.duration_ms = 20000;
			EXPECT_EQ(0, pl_cmd(lab, &c))
				TH_LOG("map_size 0x%x, %u threads", sizes[s],
				       threads[t]);
			EXPECT_EQ(50ull * threads[t], c.cycles)
				TH_LOG("map_size 0x%x, %u threads", sizes[s],
				       threads[t]);
			EXPECT_EQ(0, c.map_errors);
			EXPECT_EQ(0, c.violations);
			EXPECT_EQ(sizes[s], c.map_size);
		}
	}
	EXPECT_EQ(0, pl_drv_unbind(lab, self->bound));
	expect_check_clean(_metadata, "after the DMA_MAP runs and the unbind");
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the lab's generic netlink events through libprobelab's
 * monitor - the events of a deferred bind arrive in order with increasing
 * sequence numbers and name what they are about; a monitor that cannot
 * keep up sees exactly how many events it lost.
 */
#include <time.h>

#include "probe_util.h"

LAB_FIXTURE(events, false);

#define MAX_EV	2048

struct col {
	struct pl_event ev[MAX_EV];
	unsigned int n;
	uint32_t stop_dev;	/* stop after the BIND of this device */
};

static int collect(const struct pl_event *ev, void *arg)
{
	struct col *c = arg;

	if (c->n < MAX_EV)
		c->ev[c->n++] = *ev;
	return c->stop_dev && ev->event == PROBELAB_EV_BIND &&
	       ev->dev_id == c->stop_dev;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deliver what is queued (and what arrives within @ms). */
static void drain(struct pl_monitor *m, struct col *c, int ms)
{
	double end = now_s() + ms / 1000.0;
	int ret;

	do {
		ret = pl_monitor_poll(m, ms ? 50 : 0, collect, c, NULL);
		if (ret < 0 && ret != -EINTR)
			bail("monitor: %s", strerror(-ret));
		if (ret == 1)
			break;
	} while (now_s() < end);
}

static void load(void)
{
	struct pl_topo_builder *b = topo_new();
	int s = topo_smmu(b, "smmu0", 16);
	int rc = topo_rc(b, 0, 0, 0xff);

	topo_map(b, rc, s, 0, 0x100, 0);
	must(topo_load(b, PROBELAB_POLICY_FIXED, PROBELAB_DOMAIN_DMA),
	     "FW_LOAD");
}

static int find(const struct col *c, unsigned int from, uint32_t event,
		uint32_t dev)
{
	for (unsigned int i = from; i < c->n; i++)
		if (c->ev[i].event == event &&
		    (!dev || (c->ev[i].has & PL_EV_HAS_DEV &&
			      c->ev[i].dev_id == dev)))
			return (int)i;
	return -1;
}

/*
 * A deferred bind: DEFER, IOMMU_PROBE, RETRIGGER, BIND of the device
 * arrive in this order, sequence numbers increase by one and timestamps
 * never go back; each event names what it is about.
 */
TEST_F(events, bind)
{
	static struct col c;
	int idef, iprobe, iretr, ibind, ireg;
	unsigned int i, bad_seq = 0, bad_ts = 0;
	struct pl_monitor *m;
	char err[256];
	uint32_t id;

	ASSERT_EQ(0, pl_monitor_open(&m, err, sizeof(err))) TH_LOG("%s", err);
	load();
	id = add_pci(0, 0, 1, 0);
	drain(m, &c, 0);
	c.n = 0;
	c.stop_dev = id;
	drv_bind(id, PROBELAB_DRV_DMA);
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	drain(m, &c, 5000);
	ksft_print_msg("%u events after the bind\n", c.n);
	for (i = 0; i < c.n; i++)
		ksft_print_msg("  seq %llu %s dev %u err %d\n",
			       (unsigned long long)c.ev[i].seq,
			       pl_event_name(c.ev[i].event) ?
			       pl_event_name(c.ev[i].event) : "?",
			       c.ev[i].dev_id, c.ev[i].err);

	idef = find(&c, 0, PROBELAB_EV_DEFER, id);
	iprobe = idef < 0 ? -1 : find(&c, (unsigned int)idef,
				     PROBELAB_EV_IOMMU_PROBE, id);
	iretr = iprobe < 0 ? -1 : find(&c, (unsigned int)iprobe,
				      PROBELAB_EV_RETRIGGER, id);
	ibind = iretr < 0 ? -1 : find(&c, (unsigned int)iretr,
				     PROBELAB_EV_BIND, id);
	/* DEFER, then IOMMU_PROBE, RETRIGGER and BIND, in this order */
	EXPECT_GE(idef, 0);
	EXPECT_GT(iprobe, idef);
	EXPECT_GT(iretr, iprobe);
	EXPECT_GT(ibind, iretr);
	for (i = 1; i < c.n; i++) {
		bad_seq += c.ev[i].seq != c.ev[i - 1].seq + 1 ||
			   c.ev[i].missed || c.ev[i].late;
		bad_ts += c.ev[i].timestamp_ns < c.ev[i - 1].timestamp_ns;
	}
	EXPECT_GE(c.n, 4);
	EXPECT_EQ(0, bad_seq) TH_LOG("sequence faults");
	EXPECT_EQ(0, bad_ts) TH_LOG("timestamps going back");
	ASSERT_GE(idef, 0);
	ASSERT_GE(iprobe, 0);
	ASSERT_GE(iretr, 0);
	ASSERT_GE(ibind, 0);

	/* DEFER names the device and carries -EPROBE_DEFER */
	EXPECT_EQ(-517, c.ev[idef].err);
	EXPECT_STREQ("pci-0000:00:01.0", c.ev[idef].dev_name);
	/* IOMMU_PROBE names the instance, the group and its DMA domain */
	EXPECT_TRUE(c.ev[iprobe].has & PL_EV_HAS_GROUP);
	EXPECT_NE(0, c.ev[iprobe].group);
	EXPECT_TRUE(c.ev[iprobe].has & PL_EV_HAS_DOMAIN);
	EXPECT_EQ(PROBELAB_DOMAIN_DMA, c.ev[iprobe].domain_type);
	EXPECT_STREQ("smmu0", c.ev[iprobe].iommu);
	EXPECT_EQ(dev_get(id).group_id, c.ev[iprobe].group);
	/* RETRIGGER names the instance; BIND carries the driver, errno 0, the policy */
	EXPECT_STREQ("smmu0", c.ev[iretr].iommu);
	EXPECT_EQ(0, c.ev[ibind].err);
	EXPECT_TRUE(c.ev[ibind].has & PL_EV_HAS_DRIVER);
	EXPECT_EQ(PROBELAB_DRV_DMA, c.ev[ibind].driver);
	EXPECT_TRUE(c.ev[ibind].has & PL_EV_HAS_POLICY);
	EXPECT_EQ(PROBELAB_POLICY_FIXED, c.ev[ibind].policy);
	/* IOMMU_REGISTER of smmu0 follows the deferral */
	ireg = find(&c, 0, PROBELAB_EV_IOMMU_REGISTER, 0);
	EXPECT_GT(ireg, idef);
	ASSERT_GE(ireg, 0);
	EXPECT_STREQ("smmu0", c.ev[ireg].iommu);
	pl_monitor_close(m);
}

/*
 * A monitor with the smallest receive buffer is overrun; once events get
 * through again it reports the sequence gap, and what it received plus
 * what it missed equals what a monitor that kept up received.
 */
TEST_F(events, gap)
{
	static struct col c1, c2;
	struct pl_monitor_stats s1, s2;
	struct pl_monitor *m1, *m2;
	unsigned int i, gaps = 0;
	char err[256];

	load();
	ASSERT_EQ(0, pl_iommu_register(lab, "smmu0"));
	ASSERT_EQ(0, pl_monitor_open(&m1, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, pl_monitor_open(&m2, err, sizeof(err))) TH_LOG("%s", err);
	/* the smallest receive buffer the kernel allows: one event or two */
	ASSERT_EQ(0, pl_monitor_set_rcvbuf(m2, 1));
	for (i = 0; i < 40; i++) {
		uint32_t id = add_pci(0, 0, 1, 0);

		drain(m1, &c1, 0);
		ASSERT_EQ(0, pl_dev_remove(lab, id));
		drain(m1, &c1, 0);
	}
	drain(m2, &c2, 0);
	pl_monitor_get_stats(m2, &s2);
	EXPECT_GE(s2.overruns, 1)
		TH_LOG("%u events received so far", c2.n);
	/* the loss shows once events get through again: room for them */
	ASSERT_EQ(0, pl_monitor_set_rcvbuf(m2, 1 << 20));
	add_pci(0, 0, 2, 0);
	drain(m1, &c1, 500);
	drain(m2, &c2, 500);
	pl_monitor_get_stats(m1, &s1);
	pl_monitor_get_stats(m2, &s2);
	for (i = 0; i < c2.n; i++) {
		gaps += c2.ev[i].missed != 0;
		ksft_print_msg("  overrun monitor: seq %llu missed %llu late %d\n",
			       (unsigned long long)c2.ev[i].seq,
			       (unsigned long long)c2.ev[i].missed,
			       c2.ev[i].late);
	}
	ksft_print_msg("keeping-up monitor: %u events, seq %llu..%llu\n", c1.n,
		       c1.n ? (unsigned long long)c1.ev[0].seq : 0ULL,
		       c1.n ? (unsigned long long)c1.ev[c1.n - 1].seq : 0ULL);
	/* the overrun monitor reports the gap */
	EXPECT_GE(gaps, 1);
	EXPECT_GT(s2.missed, 0);
	EXPECT_EQ(gaps, s2.gaps);
	/* received + missed equals what the keeping-up monitor received */
	EXPECT_EQ(0, s1.missed);
	EXPECT_EQ(0, s1.overruns);
	EXPECT_EQ(0, s1.late);
	ASSERT_NE(0, c2.n);
	ASSERT_NE(0, c1.n);
	EXPECT_EQ(c1.ev[0].seq, c2.ev[0].seq);
	EXPECT_EQ(c1.ev[c1.n - 1].seq, c2.ev[c2.n - 1].seq);
	EXPECT_EQ(s1.events, s2.events + s2.missed);
	pl_monitor_close(m1);
	pl_monitor_close(m2);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: the lab's generic netlink events through libprobelab's
 * monitor - the events of a deferred bind arrive in order with increasing
 * sequence numbers and name what they are about; a monitor that cannot
 * keep up sees exactly how many events it lost.  TAP output.
 */
#include <time.h>

#include "probe_util_tap.h"

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

static void test_bind_events(void)
{
	static struct col c;
	int idef, iprobe, iretr, ibind, ireg;
	struct pl_monitor *m;
	char err[256];
	unsigned int i, bad_seq = 0, bad_ts = 0;
	uint32_t id;

	must(pl_monitor_open(&m, err, sizeof(err)), err);
	must(pl_lab_reset(lab), "LAB_RESET");
	load();
	id = add_pci(0, 0, 1, 0);
	drain(m, &c, 0);
	c.n = 0;
	c.stop_dev = id;
	drv_bind(id, PROBELAB_DRV_DMA);
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	drain(m, &c, 5000);
	tap_diag("%u events after the bind", c.n);
	for (i = 0; i < c.n; i++)
		tap_diag("  seq %llu %s dev %u err %d",
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
	tap_ok(idef >= 0 && iprobe > idef && iretr > iprobe && ibind > iretr,
	       "DEFER, IOMMU_PROBE, RETRIGGER, BIND of the device arrive in this order (at %d, %d, %d, %d)",
	       idef, iprobe, iretr, ibind);
	for (i = 1; i < c.n; i++) {
		bad_seq += c.ev[i].seq != c.ev[i - 1].seq + 1 ||
			   c.ev[i].missed || c.ev[i].late;
		bad_ts += c.ev[i].timestamp_ns < c.ev[i - 1].timestamp_ns;
	}
	tap_ok(c.n >= 4 && !bad_seq && !bad_ts,
	       "sequence numbers increase by one, timestamps never go back (%u events, %u seq faults, %u time faults)",
	       c.n, bad_seq, bad_ts);
	tap_ok(idef >= 0 && c.ev[idef].err == -517 &&
	       !strcmp(c.ev[idef].dev_name, "pci-0000:00:01.0"),
	       "DEFER names the device and carries -EPROBE_DEFER (err %d, dev '%s')",
	       idef >= 0 ? c.ev[idef].err : 0,
	       idef >= 0 ? c.ev[idef].dev_name : "");
	tap_ok(iprobe >= 0 && c.ev[iprobe].has & PL_EV_HAS_GROUP &&
	       c.ev[iprobe].group && c.ev[iprobe].has & PL_EV_HAS_DOMAIN &&
	       c.ev[iprobe].domain_type == PROBELAB_DOMAIN_DMA &&
	       !strcmp(c.ev[iprobe].iommu, "smmu0") &&
	       c.ev[iprobe].group == dev_get(id).group_id,
	       "IOMMU_PROBE names the instance, the group and its DMA domain (iommu '%s', group %u, domain type %u)",
	       iprobe >= 0 ? c.ev[iprobe].iommu : "",
	       iprobe >= 0 ? c.ev[iprobe].group : 0,
	       iprobe >= 0 ? c.ev[iprobe].domain_type : 0);
	tap_ok(iretr >= 0 && !strcmp(c.ev[iretr].iommu, "smmu0") &&
	       ibind >= 0 && c.ev[ibind].err == 0 &&
	       c.ev[ibind].has & PL_EV_HAS_DRIVER &&
	       c.ev[ibind].driver == PROBELAB_DRV_DMA &&
	       c.ev[ibind].has & PL_EV_HAS_POLICY &&
	       c.ev[ibind].policy == PROBELAB_POLICY_FIXED,
	       "RETRIGGER names the instance; BIND carries the driver, errno 0 and the policy");
	ireg = find(&c, 0, PROBELAB_EV_IOMMU_REGISTER, 0);
	tap_ok(ireg > idef && !strcmp(c.ev[ireg].iommu, "smmu0"),
	       "IOMMU_REGISTER of smmu0 follows the deferral (at %d)", ireg);
	pl_monitor_close(m);
}

static void test_gap(void)
{
	static struct col c1, c2;
	struct pl_monitor_stats s1, s2;
	struct pl_monitor *m1, *m2;
	unsigned int i, gaps = 0;
	char err[256];

	must(pl_lab_reset(lab), "LAB_RESET");
	load();
	must(pl_iommu_register(lab, "smmu0"), "IOMMU_REGISTER");
	must(pl_monitor_open(&m1, err, sizeof(err)), err);
	must(pl_monitor_open(&m2, err, sizeof(err)), err);
	/* the smallest receive buffer the kernel allows: one event or two */
	must(pl_monitor_set_rcvbuf(m2, 1), "SO_RCVBUF");
	for (i = 0; i < 40; i++) {
		uint32_t id = add_pci(0, 0, 1, 0);

		drain(m1, &c1, 0);
		must(pl_dev_remove(lab, id), "DEV_REMOVE");
		drain(m1, &c1, 0);
	}
	drain(m2, &c2, 0);
	pl_monitor_get_stats(m2, &s2);
	tap_ok(s2.overruns >= 1,
	       "a monitor with a tiny receive buffer is overrun (%llu overruns, %u events received so far)",
	       (unsigned long long)s2.overruns, c2.n);
	/* the loss shows once events get through again: room for them */
	must(pl_monitor_set_rcvbuf(m2, 1 << 20), "SO_RCVBUF");
	add_pci(0, 0, 2, 0);
	drain(m1, &c1, 500);
	drain(m2, &c2, 500);
	pl_monitor_get_stats(m1, &s1);
	pl_monitor_get_stats(m2, &s2);
	for (i = 0; i < c2.n; i++) {
		gaps += c2.ev[i].missed != 0;
		tap_diag("  overrun monitor: seq %llu missed %llu late %d",
			 (unsigned long long)c2.ev[i].seq,
			 (unsigned long long)c2.ev[i].missed, c2.ev[i].late);
	}
	tap_diag("keeping-up monitor: %u events, seq %llu..%llu", c1.n,
		 c1.n ? (unsigned long long)c1.ev[0].seq : 0ULL,
		 c1.n ? (unsigned long long)c1.ev[c1.n - 1].seq : 0ULL);
	tap_ok(gaps >= 1 && s2.missed > 0 && s2.gaps == gaps,
	       "the overrun monitor reports the sequence gap (%u gaps, %llu events missed)",
	       gaps, (unsigned long long)s2.missed);
	tap_ok(!s1.missed && !s1.overruns && !s1.late && c2.n && c1.n &&
	       c2.ev[0].seq == c1.ev[0].seq &&
	       c2.ev[c2.n - 1].seq == c1.ev[c1.n - 1].seq &&
	       s2.events + s2.missed == s1.events,
	       "received + missed of the overrun monitor equals what a keeping-up monitor received (%llu + %llu vs %llu)",
	       (unsigned long long)s2.events, (unsigned long long)s2.missed,
	       (unsigned long long)s1.events);
	pl_monitor_close(m1);
	pl_monitor_close(m2);
}

int main(void)
{
	lab_open();
	test_bind_events();
	test_gap();
	tap_plan(tap_n);
	return lab_close();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test: DMA ownership of a group that has no default domain yet.
 *
 * Under policy linux-6.1 a VT-d device added while its DRHD is registered
 * joins its group in iommu_probe_device() and gets the group's default
 * domain only afterwards, with the probe lock dropped (injection point
 * probe.default_domain holds that window open).  A group claim in the
 * window succeeds, as in 6.1 (iommu_group_claim_dma_owner() looks only
 * at group->domain, still NULL); its release has no default domain to go
 * back to.  This used to hand a NULL domain to pl_group_set_domain() and
 * oops ("BUG: kernel NULL pointer dereference" in pl_group_set_domain
 * from pl_op_owner_release; found by probelab fuzz).  Now:
 *  - the release succeeds and is reported as a violation of invariant 5
 *    (6.1 detaches the group from every domain), no oops;
 *  - once the probe ends, the group is on its new default domain and
 *    CHECK finds it consistent;
 *  - the same with a device claim, and with the claiming file closed
 *    (the token's release path);
 *  - under "fixed" the window does not exist: the device is probed with
 *    its default domain, and a claim/release round trip stays clean.
 * TAP output.
 */
#include <pthread.h>
#include <unistd.h>

#include "probe_util_tap.h"

struct adder {
	uint32_t id;
	int ret;
};

static void *add_thread(void *arg)
{
	struct adder *a = arg;

	a->ret = pl_dev_add_pci(lab, 0, 0, 2 << 3, NULL, 0, &a->id);
	return NULL;
}

static void load(unsigned int policy)
{
	struct pl_topo_builder *b = topo_new();

	must(pl_lab_reset(lab), "LAB_RESET");
	topo_vtd(b, "dmar0", 0, true);
	must(topo_load(b, policy, PROBELAB_DOMAIN_DMA), "FW_LOAD");
	must(pl_iommu_register(lab, "dmar0"), "IOMMU_REGISTER");
}

/* The one group of the lab, 0 when there is none. */
static uint32_t the_group(void)
{
	struct probelab_group_info *v;
	unsigned int n;
	uint32_t id;

	must(pl_query_groups(lab, &v, &n), "QUERY groups");
	id = n == 1 ? v[0].group_id : 0;
	free(v);
	return id;
}

/* The device in the window: added in a thread, probe.default_domain held. */
static void window_open(pthread_t *t, struct adder *a)
{
	struct probelab_inject c;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "probe.default_domain");
	c.action = PROBELAB_INJECT_DELAY;
	c.delay_us = 1000000;
	must(pl_inject(lab, &c), "INJECT probe.default_domain");
	a->id = 0;
	a->ret = -1;
	if (pthread_create(t, NULL, add_thread, a))
		bail("pthread_create");
	/* until the device sits in its group, in the window */
	for (i = 0; i < 100 && !the_group(); i++)
		usleep(10000);
	if (!the_group())
		bail("the device never joined a group");
}

static void window_close(pthread_t t, struct adder *a, const char *what)
{
	struct probelab_group_info g;
	pthread_join(t, NULL);
	must(pl_inject_off(lab, "probe.default_domain"), "INJECT off");
	g = group_get(the_group());
	tap_ok(a->ret == 0 && g.domain_id && g.domain_id == g.default_domain_id &&
	       pl_group_owner(&g) == PL_OWNER_NONE,
	       "%s: DEV_ADD ends (%d), the group is unowned on its new default domain (%u, default %u)",
	       what, a->ret, g.domain_id, g.default_domain_id);
}

/* Violations reported since the lab was reset, and the last one's text. */
static unsigned long long violations(char *what, size_t len)
{
	struct pl_check_result r = check_run(0);
	unsigned long long total = r.total;

	what[0] = 0;
	if (r.nr)
		snprintf(what, len, "%s", r.v[0].what);
	pl_check_result_free(&r);
	return total;
}

static void claim_release(bool device)
{
	const char *what = device ? "device claim" : "group claim";
	struct adder a;
	unsigned long long before, after;
	char text[PROBELAB_VIOLATION_TEXT];
	pthread_t t;
	uint32_t group;
	int claim, rel;

	load(PROBELAB_POLICY_LINUX_6_1);
	before = violations(text, sizeof(text));
	window_open(&t, &a);
	group = the_group();
	if (device) {
		struct probelab_dev_info *v;
		unsigned int n;
		uint32_t id;

		must(pl_query_devices(lab, &v, &n), "QUERY devices");
		id = n ? v[0].dev_id : 0;
		free(v);
		claim = pl_claim_device(lab, id);
		rel = claim ? -1 : pl_release_device(lab, id);
	} else {
		claim = pl_claim_group(lab, group);
		rel = claim ? -1 : pl_release_group(lab, group);
	}
	after = violations(text, sizeof(text));
	tap_ok(claim == 0 && rel == 0,
	       "linux-6.1 %s in the window before the default domain: claim %d, release %d (no oops)",
	       what, claim, rel);
	tap_ok(after > before,
	       "linux-6.1 %s: the release with no default domain is a violation (%llu -> %llu)%s%s",
	       what, before, after, text[0] ? ": " : "", text);
	window_close(t, &a, device ? "linux-6.1 device claim" :
				     "linux-6.1 group claim");
}

/* The claim's token is closed in the window: the file release path. */
static void claim_close(void)
{
	struct pl_handle *tok;
	struct adder a;
	unsigned long long before, after;
	char text[PROBELAB_VIOLATION_TEXT];
	pthread_t t;
	int claim;

	load(PROBELAB_POLICY_LINUX_6_1);
	before = violations(text, sizeof(text));
	window_open(&t, &a);
	tok = token_open();
	claim = pl_claim_group(tok, the_group());
	pl_close(tok);
	after = violations(text, sizeof(text));
	tap_ok(claim == 0 && after > before,
	       "linux-6.1 claim then close in the window: claim %d, a violation reported (%llu -> %llu), no oops",
	       claim, before, after);
	window_close(t, &a, "linux-6.1 closed token");
}

static void fixed(void)
{
	struct probelab_group_info g;
	uint32_t group;
	int claim, rel;

	load(PROBELAB_POLICY_FIXED);
	add_pci(0, 0, 2, 0);
	group = the_group();
	g = group_get(group);
	claim = pl_claim_group(lab, group);
	rel = pl_release_group(lab, group);
	tap_ok(g.default_domain_id && claim == 0 && rel == 0,
	       "fixed: the group has its default domain (%u) at once; claim %d, release %d",
	       g.default_domain_id, claim, rel);
	{
		char text[PROBELAB_VIOLATION_TEXT];
		unsigned long long n = violations(text, sizeof(text));

		tap_ok(n == 0, "fixed: claim and release: no violation since reset (%llu)%s%s",
		       n, text[0] ? ": " : "", text);
	}
}

int main(void)
{
	tap_plan(10);
	lab_open();
	claim_release(false);
	claim_release(true);
	claim_close();
	fixed();
	return lab_close();
}

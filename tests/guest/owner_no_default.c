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
 */
#include <pthread.h>

#include "probe_util.h"

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

/* dmar0 under @policy, registered */
static void load(unsigned int policy)
{
	load_one(&iommu_vtd, policy, PROBELAB_DOMAIN_DMA, true);
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

/*
 * Policy linux-6.1, and a device in the window: added in a thread with
 * probe.default_domain held, in its group without a default domain yet.
 */
FIXTURE(window) {
	pthread_t thread;
	bool joined;
	struct adder a;
	unsigned long long before;
	char text[PROBELAB_VIOLATION_TEXT];
};

FIXTURE_SETUP(window)
{
	struct probelab_inject c;
	unsigned int i;

	lab_setup(_metadata, false);
	load(PROBELAB_POLICY_LINUX_6_1);
	self->before = violations(self->text, sizeof(self->text));
	memset(&c, 0, sizeof(c));
	snprintf(c.point, sizeof(c.point), "probe.default_domain");
	c.action = PROBELAB_INJECT_DELAY;
	c.delay_us = 1000000;
	ASSERT_EQ(0, pl_inject(lab, &c));
	self->a.ret = -1;
	self->joined = true;
	ASSERT_EQ(0, pthread_create(&self->thread, NULL, add_thread, &self->a));
	self->joined = false;
	/* until the device sits in its group, in the window */
	for (i = 0; i < 100 && !the_group(); i++)
		usleep(10000);
	ASSERT_NE(0, the_group()) TH_LOG("the device never joined a group");
}

FIXTURE_TEARDOWN(window)
{
	if (!self->joined)
		pthread_join(self->thread, NULL);
	lab_teardown(_metadata);
}

/*
 * The probe ends: DEV_ADD succeeds and the group is unowned on its new
 * default domain.
 */
static void window_close(struct __test_metadata *_metadata,
			 FIXTURE_DATA(window) *self)
{
	struct probelab_group_info g;

	pthread_join(self->thread, NULL);
	self->joined = true;
	ASSERT_EQ(0, pl_inject_off(lab, "probe.default_domain"));
	g = group_get(the_group());
	EXPECT_EQ(0, self->a.ret) TH_LOG("DEV_ADD");
	EXPECT_NE(0, g.domain_id);
	EXPECT_EQ(g.default_domain_id, g.domain_id);
	EXPECT_EQ(PL_OWNER_NONE, pl_group_owner(&g));
}

/*
 * A group claim in the window succeeds, as in 6.1, and so does its
 * release (no oops); the release with no default domain to go back to is
 * a violation.
 */
TEST_F(window, group_claim)
{
	uint32_t group = the_group();
	unsigned long long after;
	int claim, rel;

	claim = pl_claim_group(lab, group);
	rel = claim ? -1 : pl_release_group(lab, group);
	after = violations(self->text, sizeof(self->text));
	EXPECT_EQ(0, claim);
	EXPECT_EQ(0, rel);
	EXPECT_GT(after, self->before) TH_LOG("violations; last: %s", self->text);
	window_close(_metadata, self);
}

/* The same with a device claim. */
TEST_F(window, device_claim)
{
	struct probelab_dev_info *v;
	unsigned long long after;
	unsigned int n;
	int claim, rel;
	uint32_t id;

	ASSERT_EQ(0, pl_query_devices(lab, &v, &n));
	id = n ? v[0].dev_id : 0;
	free(v);
	claim = pl_claim_device(lab, id);
	rel = claim ? -1 : pl_release_device(lab, id);
	after = violations(self->text, sizeof(self->text));
	EXPECT_EQ(0, claim);
	EXPECT_EQ(0, rel);
	EXPECT_GT(after, self->before) TH_LOG("violations; last: %s", self->text);
	window_close(_metadata, self);
}

/* The claim's token is closed in the window: the file release path. */
TEST_F(window, closed_token)
{
	unsigned long long after;
	struct pl_handle *tok;
	int claim;

	tok = token_open();
	claim = pl_claim_group(tok, the_group());
	pl_close(tok);
	after = violations(self->text, sizeof(self->text));
	EXPECT_EQ(0, claim);
	EXPECT_GT(after, self->before) TH_LOG("violations; last: %s", self->text);
	window_close(_metadata, self);
}

LAB_FIXTURE(fixed, false);

/*
 * Under "fixed" the group has its default domain at once; a claim and
 * release round trip succeeds and reports no violation.
 */
TEST_F(fixed, claim_release)
{
	char text[PROBELAB_VIOLATION_TEXT];
	struct probelab_group_info g;
	unsigned long long n;
	uint32_t group;

	load(PROBELAB_POLICY_FIXED);
	add_pci(0, 0, 2, 0);
	group = the_group();
	g = group_get(group);
	EXPECT_NE(0, g.default_domain_id);
	EXPECT_EQ(0, pl_claim_group(lab, group));
	EXPECT_EQ(0, pl_release_group(lab, group));
	n = violations(text, sizeof(text));
	EXPECT_EQ(0, n) TH_LOG("violations; first: %s", text);
}

TEST_HARNESS_MAIN

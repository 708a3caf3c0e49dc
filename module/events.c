// SPDX-License-Identifier: GPL-2.0
/*
 * probelab: the "probelab" generic netlink family and its "events" multicast
 * group.  Every state change of the lab is multicast as one
 * PROBELAB_CMD_EVENT message (uapi/linux/probelab.h); userspace resolves
 * the family and group by name (probelab monitor).
 */
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "probelab.h"

static const struct genl_multicast_group probelab_mcgrps[] = {
	{ .name = PROBELAB_GENL_MCGRP_EVENTS, },
};

static struct genl_family probelab_genl_family __ro_after_init = {
	.name = PROBELAB_GENL_NAME,
	.version = PROBELAB_GENL_VERSION,
	.maxattr = PROBELAB_ATTR_MAX,
	.module = THIS_MODULE,
	.mcgrps = probelab_mcgrps,
	.n_mcgrps = ARRAY_SIZE(probelab_mcgrps),
};

static int pl_event_fill(struct sk_buff *skb, const struct pl_ev *ev, u64 seq)
{
	if (nla_put_u64_64bit(skb, PROBELAB_ATTR_SEQ, seq, PROBELAB_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, PROBELAB_ATTR_TIMESTAMP, ktime_get_ns(),
			      PROBELAB_ATTR_PAD) ||
	    nla_put_u32(skb, PROBELAB_ATTR_EVENT, ev->event) ||
	    nla_put_u32(skb, PROBELAB_ATTR_POLICY, READ_ONCE(pl_lab.policy)))
		return -EMSGSIZE;
	if (ev->dev && (nla_put_u32(skb, PROBELAB_ATTR_DEV_ID, ev->dev->id) ||
			nla_put_string(skb, PROBELAB_ATTR_DEV_NAME,
				       dev_name(&ev->dev->dev))))
		return -EMSGSIZE;
	if (ev->iommu && nla_put_string(skb, PROBELAB_ATTR_IOMMU, ev->iommu->name))
		return -EMSGSIZE;
	if (ev->group && nla_put_u32(skb, PROBELAB_ATTR_GROUP, ev->group))
		return -EMSGSIZE;
	if (ev->domain && (nla_put_u32(skb, PROBELAB_ATTR_DOMAIN, ev->domain) ||
			   nla_put_u32(skb, PROBELAB_ATTR_DOMAIN_TYPE,
				       ev->domain_type)))
		return -EMSGSIZE;
	if (ev->driver && nla_put_u32(skb, PROBELAB_ATTR_DRIVER, ev->driver))
		return -EMSGSIZE;
	if (nla_put_s32(skb, PROBELAB_ATTR_ERRNO, ev->err))
		return -EMSGSIZE;
	if (ev->detail && nla_put_string(skb, PROBELAB_ATTR_DETAIL, ev->detail))
		return -EMSGSIZE;
	if (ev->invariant &&
	    nla_put_u32(skb, PROBELAB_ATTR_INVARIANT, ev->invariant))
		return -EMSGSIZE;
	return 0;
}

/*
 * Orders events: the sequence number, the timestamp and the delivery to
 * the listeners' sockets happen together, so that listeners receive the
 * events in sequence order with timestamps that follow it.  It also
 * guards the trace rings' writers.
 */
static DEFINE_SPINLOCK(pl_event_lock);

/*
 * Remembers @seq in the trace ring of the device (or of the lab).  The
 * rings are read without a lock (pl_report()): hence the WRITE_ONCE()s.
 */
static void pl_event_trace(struct pl_dev *pdev, u64 seq)
{
	u64 *ring = pdev ? pdev->ev_seq : pl_lab.ev_seq;
	u32 *head = pdev ? &pdev->ev_head : &pl_lab.ev_head;
	u32 slot;

	lockdep_assert_held(&pl_event_lock);
	slot = *head;
	WRITE_ONCE(ring[slot % PROBELAB_VIOLATION_SEQS], seq);
	WRITE_ONCE(*head, slot + 1);
}

/**
 * pl_event() - multicast one lab event
 * @ev: what happened
 *
 * May sleep (the message is allocated with GFP_KERNEL before the lock).
 * Every event takes a sequence number, whether or not anyone listens, so
 * that a listener can see what it missed.
 */
void pl_event(const struct pl_ev *ev)
{
	struct sk_buff *skb = NULL;
	void *hdr = NULL;
	u64 seq;

	if (genl_has_listeners(&probelab_genl_family, &init_net, 0))
		skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	spin_lock(&pl_event_lock);
	seq = atomic64_inc_return(&pl_lab.seq);
	pl_event_trace(ev->dev, seq);
	if (ev->dev)
		pl_event_trace(NULL, seq);
	if (skb)
		hdr = genlmsg_put(skb, 0, 0, &probelab_genl_family, 0,
				  PROBELAB_CMD_EVENT);
	if (hdr && !pl_event_fill(skb, ev, seq)) {
		genlmsg_end(skb, hdr);
		genlmsg_multicast(&probelab_genl_family, skb, 0, 0, GFP_ATOMIC);
		skb = NULL;
	}
	spin_unlock(&pl_event_lock);
	nlmsg_free(skb);
}

void pl_ev_dev(u32 event, struct pl_dev *pdev, int err, const char *detail)
{
	struct pl_ev ev = { .event = event, .dev = pdev, .err = err,
			    .detail = detail };

	pl_event(&ev);
}

void pl_ev_driver(u32 event, struct pl_dev *pdev, u32 driver, int err)
{
	struct pl_ev ev = { .event = event, .dev = pdev, .driver = driver,
			    .err = err };

	pl_event(&ev);
}

void pl_ev_iommu(u32 event, const struct pl_iommu *iommu,
		 struct pl_dev *pdev)
{
	struct pl_ev ev = { .event = event, .iommu = iommu, .dev = pdev };

	pl_event(&ev);
}

/* A domain event names the domain, its type and its instance. */
void pl_ev_domain(u32 event, const struct pl_domain *domain)
{
	struct pl_ev ev = { .event = event, .iommu = domain->iommu,
			    .domain = domain->id,
			    .domain_type = domain->type };

	pl_event(&ev);
}

/* A group event names the group's instance and current domain. */
void pl_ev_group(u32 event, struct pl_dev *pdev,
		 const struct pl_group *group)
{
	struct pl_ev ev = { .event = event, .dev = pdev, .group = group->id,
			    .iommu = group->iommu };

	lockdep_assert_held(&pl_lab.lock);
	if (group->domain) {
		ev.domain = group->domain->id;
		ev.domain_type = group->domain->type;
	}
	pl_event(&ev);
}

int __init probelab_genl_init(void)
{
	return genl_register_family(&probelab_genl_family);
}

void probelab_genl_exit(void)
{
	genl_unregister_family(&probelab_genl_family);
}

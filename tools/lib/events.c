// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libprobelab: the lab's event stream - a libnl-genl subscriber of the
 * "probelab" generic netlink family's "events" multicast group, like
 * `iw event`: resolve the family and the group by name, join the group,
 * decode each PROBELAB_CMD_EVENT message into a struct pl_event and hand
 * it to a callback.  The sequence numbers the kernel puts in every event
 * tell the monitor what it missed.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "probelab.h"

struct pl_monitor {
	struct nl_sock *sk;
	int family;
	int group;
	/* sequence tracking */
	int have_last;
	uint64_t last_seq;
	/* the dispatch in progress */
	pl_event_fn fn;
	void *arg;
	int stop;
	unsigned int delivered;
	struct pl_monitor_stats st;
};

static void msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* libnl error codes to errno, for what the open path can meet */
static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static struct nla_policy ev_policy[PROBELAB_ATTR_MAX + 1] = {
	[PROBELAB_ATTR_SEQ] = { .type = NLA_U64 },
	[PROBELAB_ATTR_TIMESTAMP] = { .type = NLA_U64 },
	[PROBELAB_ATTR_EVENT] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DEV_ID] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DEV_NAME] = { .type = NLA_STRING },
	[PROBELAB_ATTR_IOMMU] = { .type = NLA_STRING },
	[PROBELAB_ATTR_GROUP] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DOMAIN] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DOMAIN_TYPE] = { .type = NLA_U32 },
	[PROBELAB_ATTR_ERRNO] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DRIVER] = { .type = NLA_U32 },
	[PROBELAB_ATTR_POLICY] = { .type = NLA_U32 },
	[PROBELAB_ATTR_DETAIL] = { .type = NLA_STRING },
	[PROBELAB_ATTR_INVARIANT] = { .type = NLA_U32 },
};

/* Decodes one message; -EPROTO when it is not a well-formed event. */
static int ev_decode(const struct pl_monitor *m, struct nl_msg *nlmsg,
		     struct pl_event *ev)
{
	struct nlmsghdr *nlh = nlmsg_hdr(nlmsg);
	struct nlattr *tb[PROBELAB_ATTR_MAX + 1];
	struct genlmsghdr *gnlh;

	if (nlh->nlmsg_type != m->family || !genlmsg_valid_hdr(nlh, 0))
		return -EPROTO;
	gnlh = nlmsg_data(nlh);
	if (gnlh->cmd != PROBELAB_CMD_EVENT)
		return -EPROTO;
	if (genlmsg_parse(nlh, 0, tb, PROBELAB_ATTR_MAX, ev_policy) < 0)
		return -EPROTO;
	if (!tb[PROBELAB_ATTR_SEQ] || !tb[PROBELAB_ATTR_TIMESTAMP] ||
	    !tb[PROBELAB_ATTR_EVENT])
		return -EPROTO;
	memset(ev, 0, sizeof(*ev));
	ev->seq = nla_get_u64(tb[PROBELAB_ATTR_SEQ]);
	ev->timestamp_ns = nla_get_u64(tb[PROBELAB_ATTR_TIMESTAMP]);
	ev->event = nla_get_u32(tb[PROBELAB_ATTR_EVENT]);
	if (tb[PROBELAB_ATTR_DEV_ID]) {
		ev->has |= PL_EV_HAS_DEV;
		ev->dev_id = nla_get_u32(tb[PROBELAB_ATTR_DEV_ID]);
		if (tb[PROBELAB_ATTR_DEV_NAME])
			nla_strlcpy(ev->dev_name, tb[PROBELAB_ATTR_DEV_NAME],
				    sizeof(ev->dev_name));
	}
	if (tb[PROBELAB_ATTR_IOMMU]) {
		ev->has |= PL_EV_HAS_IOMMU;
		nla_strlcpy(ev->iommu, tb[PROBELAB_ATTR_IOMMU],
			    sizeof(ev->iommu));
	}
	if (tb[PROBELAB_ATTR_GROUP]) {
		ev->has |= PL_EV_HAS_GROUP;
		ev->group = nla_get_u32(tb[PROBELAB_ATTR_GROUP]);
	}
	if (tb[PROBELAB_ATTR_DOMAIN]) {
		ev->has |= PL_EV_HAS_DOMAIN;
		ev->domain = nla_get_u32(tb[PROBELAB_ATTR_DOMAIN]);
		if (tb[PROBELAB_ATTR_DOMAIN_TYPE])
			ev->domain_type =
				nla_get_u32(tb[PROBELAB_ATTR_DOMAIN_TYPE]);
	}
	if (tb[PROBELAB_ATTR_ERRNO]) {
		ev->has |= PL_EV_HAS_ERRNO;
		ev->err = (int32_t)nla_get_u32(tb[PROBELAB_ATTR_ERRNO]);
	}
	if (tb[PROBELAB_ATTR_DRIVER]) {
		ev->has |= PL_EV_HAS_DRIVER;
		ev->driver = nla_get_u32(tb[PROBELAB_ATTR_DRIVER]);
	}
	if (tb[PROBELAB_ATTR_POLICY]) {
		ev->has |= PL_EV_HAS_POLICY;
		ev->policy = nla_get_u32(tb[PROBELAB_ATTR_POLICY]);
	}
	if (tb[PROBELAB_ATTR_INVARIANT]) {
		ev->has |= PL_EV_HAS_INVARIANT;
		ev->invariant = nla_get_u32(tb[PROBELAB_ATTR_INVARIANT]);
	}
	if (tb[PROBELAB_ATTR_DETAIL]) {
		ev->has |= PL_EV_HAS_DETAIL;
		nla_strlcpy(ev->detail, tb[PROBELAB_ATTR_DETAIL],
			    sizeof(ev->detail));
	}
	return 0;
}

static int on_valid(struct nl_msg *nlmsg, void *arg)
{
	struct pl_monitor *m = arg;
	struct pl_event ev;

	if (m->stop)
		return NL_STOP;
	if (ev_decode(m, nlmsg, &ev)) {
		m->st.malformed++;
		return NL_SKIP;
	}
	if (m->have_last) {
		if (ev.seq > m->last_seq + 1)
			ev.missed = ev.seq - m->last_seq - 1;
		else if (ev.seq <= m->last_seq)
			ev.late = 1;
	}
	if (!m->have_last || ev.seq > m->last_seq) {
		m->last_seq = ev.seq;
		m->have_last = 1;
	}
	m->st.events++;
	m->st.missed += ev.missed;
	m->st.gaps += ev.missed != 0;
	m->st.late += ev.late != 0;
	m->delivered++;
	if (m->fn && m->fn(&ev, m->arg)) {
		m->stop = 1;
		return NL_STOP;
	}
	return NL_OK;
}

/* Multicast notifications carry sequence number 0: no checking. */
static int no_seq_check(struct nl_msg *nlmsg, void *arg)
{
	(void)nlmsg;
	(void)arg;
	return NL_OK;
}

int pl_monitor_open(struct pl_monitor **out, char *err, size_t errlen)
{
	struct pl_monitor *m;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->sk = nl_socket_alloc();
	if (!m->sk) {
		free(m);
		msg(err, errlen, "cannot allocate a netlink socket");
		return -ENOMEM;
	}
	nl_socket_disable_seq_check(m->sk);
	nl_socket_disable_auto_ack(m->sk);
	ret = genl_connect(m->sk);
	if (ret < 0) {
		msg(err, errlen, "cannot connect a generic netlink socket: %s",
		    nl_geterror(ret));
		ret = nlerr_to_errno(ret);
		goto err_free;
	}
	m->family = genl_ctrl_resolve(m->sk, PROBELAB_GENL_NAME);
	if (m->family < 0) {
		ret = nlerr_to_errno(m->family);
		msg(err, errlen,
		    ret == -ENOENT ?
		    "no generic netlink family \"%s\": probelab.ko is not loaded" :
		    "cannot resolve the generic netlink family \"%s\": %s",
		    PROBELAB_GENL_NAME, nl_geterror(m->family));
		goto err_free;
	}
	m->group = genl_ctrl_resolve_grp(m->sk, PROBELAB_GENL_NAME,
					 PROBELAB_GENL_MCGRP_EVENTS);
	if (m->group < 0) {
		ret = nlerr_to_errno(m->group);
		msg(err, errlen,
		    "family \"%s\" has no multicast group \"%s\": %s",
		    PROBELAB_GENL_NAME, PROBELAB_GENL_MCGRP_EVENTS,
		    nl_geterror(m->group));
		goto err_free;
	}
	ret = nl_socket_add_membership(m->sk, m->group);
	if (ret < 0) {
		msg(err, errlen, "cannot join the multicast group \"%s\": %s",
		    PROBELAB_GENL_MCGRP_EVENTS, nl_geterror(ret));
		ret = nlerr_to_errno(ret);
		goto err_free;
	}
	ret = nl_socket_modify_cb(m->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid,
				  m);
	if (!ret)
		ret = nl_socket_modify_cb(m->sk, NL_CB_SEQ_CHECK, NL_CB_CUSTOM,
					  no_seq_check, NULL);
	if (!ret)
		ret = nl_socket_set_nonblocking(m->sk);
	if (ret < 0) {
		msg(err, errlen, "cannot set the netlink socket up: %s",
		    nl_geterror(ret));
		ret = nlerr_to_errno(ret);
		goto err_free;
	}
	*out = m;
	return 0;

err_free:
	nl_socket_free(m->sk);
	free(m);
	return ret;
}

void pl_monitor_close(struct pl_monitor *m)
{
	if (!m)
		return;
	nl_socket_free(m->sk);
	free(m);
}

int pl_monitor_fd(const struct pl_monitor *m)
{
	return nl_socket_get_fd(m->sk);
}

int pl_monitor_set_rcvbuf(struct pl_monitor *m, int bytes)
{
	int ret;

	if (bytes <= 0)
		return -EINVAL;
	ret = nl_socket_set_buffer_size(m->sk, bytes, 0);
	return ret < 0 ? nlerr_to_errno(ret) : 0;
}

int pl_monitor_poll(struct pl_monitor *m, int timeout_ms, pl_event_fn fn,
		    void *arg, unsigned int *delivered)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(m->sk), .events = POLLIN };
	int ret;

	if (delivered)
		*delivered = 0;
	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	m->fn = fn;
	m->arg = arg;
	m->stop = 0;
	m->delivered = 0;
	for (int nomem = 0;;) {
		ret = nl_recvmsgs_default(m->sk);
		if (m->stop) {
			ret = 1;
			break;
		}
		if (ret == -NLE_AGAIN) {
			ret = 0;
			break;
		}
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the receive queue overflowed; the next
			 * event's sequence number says how much was lost. */
			m->st.overruns++;
			if (++nomem > 64) {
				ret = -ENOMEM;
				break;
			}
			continue;
		}
		if (ret < 0) {
			ret = nlerr_to_errno(ret);
			break;
		}
	}
	m->fn = NULL;
	m->arg = NULL;
	if (delivered)
		*delivered = m->delivered;
	return ret;
}

void pl_monitor_get_stats(const struct pl_monitor *m,
			  struct pl_monitor_stats *st)
{
	*st = m->st;
}

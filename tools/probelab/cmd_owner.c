// SPDX-License-Identifier: GPL-2.0
/*
 * probelab claim / release / domain: DMA ownership (OWNER_CLAIM_GROUP,
 * OWNER_CLAIM_DEVICE, OWNER_RELEASE) and the owner's domains
 * (DOMAIN_ALLOC, DOMAIN_FREE, ATTACH, DETACH).
 *
 * The owner token is the /dev/probelab file: claims and domains made by a
 * probelab process end when it exits.  Inside `probelab session` every
 * command shares one file, so that a claim, a domain and its attachment
 * outlive the command that made them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

/* "group GID" or "device DEV" */
struct target {
	bool device;
	uint32_t id;
	struct probelab_dev_info dev;	/* device targets */
	struct probelab_group_info group;	/* the group concerned */
	char label[80];			/* "group 3", "device 2 (pci-...)" */
};

static int target_parse(struct cli *cli, struct pl_handle *h, char **argv,
			struct target *t)
{
	char name[PROBELAB_NAME_LEN + 1];
	int ret;

	memset(t, 0, sizeof(*t));
	if (!strcmp(argv[0], "group")) {
		ret = cli_group_ref(cli, h, argv[1], &t->group);
		if (ret)
			return ret;
		t->id = t->group.group_id;
		snprintf(t->label, sizeof(t->label), "group %u", t->id);
		return CLI_OK;
	}
	if (strcmp(argv[0], "device"))
		return cli_usage(cli, "expected 'group GID' or 'device ID|NAME', not '%s'",
				 argv[0]);
	t->device = true;
	ret = cli_dev_ref(cli, h, argv[1], &t->dev);
	if (ret)
		return ret;
	t->id = t->dev.dev_id;
	cli_name(name, t->dev.name, sizeof(t->dev.name));
	snprintf(t->label, sizeof(t->label), "device %u (%s)", t->id, name);
	if (!t->dev.group_id)
		return cli_fail(cli, -ENODEV, "%s is %s: it has no IOMMU group",
				t->label, pl_dev_state_name(t->dev.state) ?
				pl_dev_state_name(t->dev.state) : "new");
	snprintf(name, sizeof(name), "%u", t->dev.group_id);
	return cli_group_ref(cli, h, name, &t->group);
}

static bool is_target_word(const char *s)
{
	return !strcmp(s, "group") || !strcmp(s, "device");
}

/* The group's state now, for people (after a successful change). */
static void group_line(const struct probelab_group_info *g)
{
	char own[48];

	printf("  group %u: domain %u/%s (default %u/%s), owner_cnt %u, owner %s\n",
	       g->group_id, g->domain_id,
	       pl_domain_type_name(g->domain_type) ?
	       pl_domain_type_name(g->domain_type) : "?",
	       g->default_domain_id,
	       pl_domain_type_name(g->default_domain_type) ?
	       pl_domain_type_name(g->default_domain_type) : "?",
	       g->owner_cnt, cli_owner_str(g, own, sizeof(own)));
}

static json_object *group_state_json(struct pl_handle *h,
				     const struct probelab_group_info *g)
{
	struct probelab_iommu_info *iommus = NULL;
	unsigned int n = 0;
	json_object *o;

	if (pl_query_iommus(h, &iommus, &n))
		n = 0;
	o = cli_group_json(g, iommus, n);
	free(iommus);
	return o;
}

/* Re-reads the group after an operation; CLI_OK or CLI_FAIL. */
static int group_reread(struct cli *cli, struct pl_handle *h, uint32_t gid,
			struct probelab_group_info *g)
{
	char ref[16];

	snprintf(ref, sizeof(ref), "%u", gid);
	return cli_group_ref(cli, h, ref, g);
}

static void token_note(struct cli *cli, const char *what)
{
	if (!cli->session && !cli->json)
		fprintf(stderr, "probelab %s: note: %s when this process exits (the owner token is its /dev/probelab file); 'probelab session' keeps it\n",
			cli->cmd, what);
}

/* Why a claim was refused with EBUSY, from the group's state. */
static const char *busy_reason(const struct probelab_group_info *g, char *buf,
			       size_t len)
{
	switch (pl_group_owner(g)) {
	case PL_OWNER_DMA_API:
		snprintf(buf, len, "%u DMA-API driver%s bound in group %u",
			 g->owner_cnt, g->owner_cnt == 1 ? " is" : "s are",
			 g->group_id);
		break;
	case PL_OWNER_CLAIMED:
		snprintf(buf, len, "group %u is claimed already (owner_cnt %u)%s",
			 g->group_id, g->owner_cnt,
			 " - by another token, or as a whole");
		break;
	default:
		snprintf(buf, len, "group %u is off its default domain (domain %u, default %u)",
			 g->group_id, g->domain_id, g->default_domain_id);
	}
	return buf;
}

/*
 * The start of claim and release (@cmd): their arguments, the owner token
 * in *@h and the target.  CLI_OK, else the token closed and CLI_USAGE or
 * CLI_FAIL (reported).
 */
static int target_open(struct cli *cli, const char *cmd, int argc,
		       char **argv, struct pl_handle **h, struct target *t)
{
	int ret;

	if (argc != 3 || !is_target_word(argv[1]))
		return cli_usage(cli, "%s takes 'group GID' or 'device ID|NAME'",
				 cmd);
	ret = cli_token_open(cli, h);
	if (ret)
		return ret;
	ret = target_parse(cli, *h, argv + 1, t);
	if (ret)
		cli_token_close(cli, *h);
	return ret;
}

/*
 * The end of a successful claim or release of @t (@done "claimed" or
 * "released"): the group re-read and shown, with --json as
 * {DONE: "device"|"group", "dev_id"?, "group", "session"? (@with_session)};
 * CLI_OK or CLI_FAIL.
 */
static int target_report(struct cli *cli, struct pl_handle *h,
			 const struct target *t, const char *done,
			 bool with_session)
{
	struct probelab_group_info g;
	int ret = group_reread(cli, h, t->group.group_id, &g);

	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, done, json_object_new_string(
			t->device ? "device" : "group"));
		if (t->device)
			json_object_object_add(o, "dev_id",
					       json_object_new_int64(t->id));
		json_object_object_add(o, "group", group_state_json(h, &g));
		if (with_session)
			json_object_object_add(o, "session",
				json_object_new_boolean(cli->session != NULL));
		cli_json_print(o);
	} else {
		printf("%s %s\n", t->label, done);
		group_line(&g);
	}
	return CLI_OK;
}

static int claim_run(struct cli *cli, int argc, char **argv)
{
	struct probelab_group_info g;
	struct pl_handle *h;
	struct target t;
	char e[96], why[128];
	int ret;

	ret = target_open(cli, "claim", argc, argv, &h, &t);
	if (ret)
		return ret;
	ret = t.device ? pl_claim_device(h, t.id) : pl_claim_group(h, t.id);
	if (ret) {
		const char *op = t.device ? "OWNER_CLAIM_DEVICE" :
				 "OWNER_CLAIM_GROUP";

		if (ret == -EBUSY && !group_reread(cli, h, t.group.group_id, &g))
			ret = cli_fail(cli, ret, "%s %s: EBUSY: %s", op, t.label,
				       busy_reason(&g, why, sizeof(why)));
		else
			ret = cli_fail(cli, ret, "%s %s: %s", op, t.label,
				       cli_errstr(ret, e, sizeof(e)));
		goto out;
	}
	ret = target_report(cli, h, &t, "claimed", true);
	if (ret)
		goto out;
	token_note(cli, "the claim is released");
out:
	cli_token_close(cli, h);
	return ret;
}

static int release_run(struct cli *cli, int argc, char **argv)
{
	struct pl_handle *h;
	struct target t;
	char e[96];
	int ret;

	ret = target_open(cli, "release", argc, argv, &h, &t);
	if (ret)
		return ret;
	ret = t.device ? pl_release_device(h, t.id) : pl_release_group(h, t.id);
	if (ret == -EINVAL) {
		ret = cli_fail(cli, ret, "OWNER_RELEASE %s: EINVAL: this token holds no %s claim on it%s",
			       t.label, t.device ? "device" : "group",
			       cli->session ? "" :
			       " (claims belong to the /dev/probelab file that made them and end with it: use probelab session)");
		goto out;
	}
	if (ret) {
		ret = cli_fail(cli, ret, "OWNER_RELEASE %s: %s", t.label,
			       cli_errstr(ret, e, sizeof(e)));
		goto out;
	}
	ret = target_report(cli, h, &t, "released", false);
out:
	cli_token_close(cli, h);
	return ret;
}

/* ---- domain ------------------------------------------------------------- */

/* DOMAIN_ALLOC on the token; CLI_OK or CLI_FAIL (reported). */
static int do_alloc(struct cli *cli, struct pl_handle *h, const char *ref,
		    int type, uint32_t *id, struct probelab_dev_info *info)
{
	char name[PROBELAB_NAME_LEN + 1], e[96];
	int ret;

	ret = cli_dev_ref(cli, h, ref, info);
	if (ret)
		return ret;
	cli_name(name, info->name, sizeof(info->name));
	ret = pl_domain_alloc(h, info->dev_id, (unsigned int)type, id);
	if (ret == -ENODEV)
		return cli_fail(cli, ret, "DOMAIN_ALLOC on %s: ENODEV: the device is not IOMMU-probed (%s)",
				name, pl_dev_state_name(info->state) ?
				pl_dev_state_name(info->state) : "new");
	if (ret)
		return cli_fail(cli, ret, "DOMAIN_ALLOC %s on %s: %s",
				pl_domain_type_name((unsigned int)type), name,
				cli_errstr(ret, e, sizeof(e)));
	return CLI_OK;
}

static int domain_alloc(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, ret, type = PROBELAB_DOMAIN_UNMANAGED;
	struct probelab_dev_info info;
	char name[PROBELAB_NAME_LEN + 1];
	struct pl_handle *h;
	unsigned int ref;
	uint32_t id = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			type = pl_domain_type_from_name(optarg);
			if (type != PROBELAB_DOMAIN_UNMANAGED &&
			    type != PROBELAB_DOMAIN_IDENTITY &&
			    type != PROBELAB_DOMAIN_BLOCKED)
				return cli_usage(cli, "--type %s: unmanaged, identity or blocked",
						 optarg);
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(cli, "domain alloc takes one ID|NAME (the device whose instance format the domain uses)");
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = do_alloc(cli, h, argv[optind], type, &id, &info);
	cli_token_close(cli, h);
	if (ret)
		return ret;
	cli_name(name, info.name, sizeof(info.name));
	ref = cli_session_domain(cli, id);
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "domain_id", json_object_new_int64(id));
		if (ref)
			json_object_object_add(o, "session_ref",
					       json_object_new_int64(ref));
		json_object_object_add(o, "type", json_object_new_string(
			pl_domain_type_name((unsigned int)type)));
		json_object_object_add(o, "dev_id",
				       json_object_new_int64(info.dev_id));
		json_object_object_add(o, "session",
				       json_object_new_boolean(cli->session != NULL));
		cli_json_print(o);
	} else {
		printf("domain %u (%s) allocated in the format of %s's instance",
		       id, pl_domain_type_name((unsigned int)type), name);
		if (ref)
			printf(" ($%u in this session)", ref);
		printf("\n");
	}
	token_note(cli, "the domain is freed");
	return CLI_OK;
}

static int domain_free(struct cli *cli, int argc, char **argv)
{
	struct pl_handle *h;
	uint32_t id = 0;
	char e[96];
	int ret;

	if (argc != 2)
		return cli_usage(cli, "domain free takes one DOMAIN");
	ret = cli_parse_domain(cli, argv[1], &id);
	if (ret)
		return ret;
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_domain_free(h, id);
	cli_token_close(cli, h);
	if (ret == -ENOENT)
		return cli_fail(cli, ret, "DOMAIN_FREE %u: ENOENT: not a domain of this token's%s",
				id, cli->session ? "" :
				" (domains belong to the /dev/probelab file that allocated them: use probelab session)");
	if (ret == -EBUSY)
		return cli_fail(cli, ret, "DOMAIN_FREE %u: EBUSY: a group is attached to it (detach first)",
				id);
	if (ret)
		return cli_fail(cli, ret, "DOMAIN_FREE %u: %s", id,
				cli_errstr(ret, e, sizeof(e)));
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "domain_id", json_object_new_int64(id));
		json_object_object_add(o, "freed", json_object_new_boolean(1));
		cli_json_print(o);
	} else {
		printf("domain %u freed\n", id);
	}
	return CLI_OK;
}

/* ATTACH or DETACH on the token; CLI_OK or CLI_FAIL (reported). */
static int do_attach(struct cli *cli, struct pl_handle *h, char **target,
		     bool attach, uint32_t id)
{
	const char *op = attach ? "ATTACH" : "DETACH";
	struct probelab_group_info g;
	struct target t;
	char e[96];
	int ret;

	ret = target_parse(cli, h, target, &t);
	if (ret)
		return ret;
	ret = attach ? pl_attach(h, t.id, t.device, id) :
		       pl_detach(h, t.id, t.device);
	if (ret == -EPERM)
		return cli_fail(cli, ret, "%s %s: EPERM: only the group's owner may (claim group %u first%s)",
				op, t.label, t.group.group_id,
				cli->session ? "" : ", in the same probelab session");
	if (ret == -ENOENT && attach)
		return cli_fail(cli, ret, "ATTACH %s: ENOENT: domain %u is not a domain of this token's",
				t.label, id);
	if (ret == -EINVAL && attach)
		return cli_fail(cli, ret, "ATTACH %s: EINVAL: domain %u is not in the format of group %u's instance",
				t.label, id, t.group.group_id);
	if (ret)
		return cli_fail(cli, ret, "%s %s: %s", op, t.label,
				cli_errstr(ret, e, sizeof(e)));
	ret = group_reread(cli, h, t.group.group_id, &g);
	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, attach ? "attached" : "detached",
				       json_object_new_boolean(1));
		json_object_object_add(o, "group", group_state_json(h, &g));
		cli_json_print(o);
	} else {
		printf("%s %s\n", t.label, attach ? "attached" :
		       "detached (back on the blocking domain)");
		group_line(&g);
	}
	return CLI_OK;
}

static int domain_attach(struct cli *cli, int argc, char **argv, bool attach)
{
	struct pl_handle *h;
	uint32_t id = 0;
	int ret;

	if (attach && (argc != 4 || !is_target_word(argv[2])))
		return cli_usage(cli, "domain attach takes DOMAIN and 'group GID' or 'device ID|NAME'");
	if (!attach && (argc != 3 || !is_target_word(argv[1])))
		return cli_usage(cli, "domain detach takes 'group GID' or 'device ID|NAME'");
	if (attach) {
		ret = cli_parse_domain(cli, argv[1], &id);
		if (ret)
			return ret;
	}
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = do_attach(cli, h, argv + (attach ? 2 : 1), attach, id);
	cli_token_close(cli, h);
	return ret;
}

static int domain_run(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(cli, "domain needs alloc, free, attach or detach");
	if (!strcmp(argv[1], "alloc"))
		return domain_alloc(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "free"))
		return domain_free(cli, argc - 1, argv + 1);
	if (!strcmp(argv[1], "attach") || !strcmp(argv[1], "detach"))
		return domain_attach(cli, argc - 1, argv + 1,
				     !strcmp(argv[1], "attach"));
	return cli_usage(cli, "unknown domain command '%s' (alloc, free, attach, detach)",
			 argv[1]);
}

const struct cli_cmd cli_cmd_claim = {
	.name = "claim",
	.args = "group GID | device ID|NAME",
	.summary = "claim DMA ownership (moves the group to its blocking domain)",
	.run = claim_run,
};

const struct cli_cmd cli_cmd_release = {
	.name = "release",
	.args = "group GID | device ID|NAME",
	.summary = "release a claim; the last one restores the default domain",
	.run = release_run,
};

const struct cli_cmd cli_cmd_domain = {
	.name = "domain",
	.args = "alloc ID|NAME [--type unmanaged|identity|blocked] | free DOMAIN |\n"
		"           attach DOMAIN (group GID | device ID|NAME) | detach (group GID | device ID|NAME)",
	.summary = "an owner's domains: allocate, free, attach to its group, detach",
	.run = domain_run,
};

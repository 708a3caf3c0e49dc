// SPDX-License-Identifier: GPL-2.0
/*
 * probelab map / unmap / iova: the page tables of an owner's UNMANAGED
 * domain (MAP, UNMAP) - domains belong to the /dev/probelab file that
 * allocated them, so these are for `probelab session`, after `domain
 * alloc` - and the translation of an IOVA by any paging domain
 * (IOVA_TO_PHYS: also a group's default DMA domain).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "probelab.h"

static int parse_num(struct cli *cli, const char *what, const char *s,
		     bool size, uint64_t *v)
{
	int ret = size ? pl_parse_size(s, v) : pl_parse_u64(s, v);

	if (ret == -ERANGE)
		return cli_usage(cli, "%s %s does not fit in 64 bits", what, s);
	if (ret)
		return cli_usage(cli, "%s '%s' is not a number (decimal or 0x hex%s)",
				 what, s, size ? ", or with K/M/G/T" : "");
	return CLI_OK;
}

/* DOMAIN IOVA, the first two arguments of map, unmap and iova */
static int parse_domain_iova(struct cli *cli, char **argv, uint32_t *domain,
			     uint64_t *iova)
{
	if (cli_parse_domain(cli, argv[0], domain) ||
	    parse_num(cli, "IOVA", argv[1], false, iova))
		return CLI_USAGE;
	return CLI_OK;
}

/* The JSON document of a page-table command: domain_id and iova first. */
static json_object *pt_json(uint32_t domain, uint64_t iova)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "domain_id", json_object_new_int64(domain));
	json_object_object_add(o, "iova", json_object_new_uint64(iova));
	return o;
}

/* Explains the errors every page-table op shares; CLI_FAIL. */
static int pt_fail(struct cli *cli, struct pl_handle *h, const char *op,
		   uint32_t domain, int err)
{
	char e[96];

	if (err == -EOPNOTSUPP && pl_has_op(h, PROBELAB_OP_MAP) == 0)
		return cli_fail(cli, err, "%s: EOPNOTSUPP: the loaded probelab.ko has no page tables (GET_INFO does not list MAP, UNMAP, IOVA_TO_PHYS)",
				op);
	if (err == -ENOENT && !cli->session)
		return cli_fail(cli, err, "%s: ENOENT: domain %u is not a domain of this token's (domains belong to the /dev/probelab file that allocated them: use probelab session)",
				op, domain);
	return cli_fail(cli, err, "%s domain %u: %s", op, domain,
			cli_errstr(err, e, sizeof(e)));
}

/*
 * The end of a page-table op on the token @h: @ret 0, CLI_FAIL (already
 * explained) or a negative errno, which pt_fail() explains; the token
 * closed.  CLI_OK or CLI_FAIL.
 */
static int pt_end(struct cli *cli, struct pl_handle *h, const char *op,
		  uint32_t domain, int ret)
{
	if (ret < 0)
		ret = pt_fail(cli, h, op, domain, ret);
	cli_token_close(cli, h);
	return ret;
}

static int map_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int prot = PROBELAB_PROT_READ | PROBELAB_PROT_WRITE;
	uint64_t iova = 0, paddr = 0, len = 0, done = 0;
	struct pl_handle *h;
	uint32_t domain = 0;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (pl_parse_prot(optarg, &prot))
				return cli_usage(cli, "--prot %s: r, w, rw (or read,write)",
						 optarg);
			break;
		default:
			return cli_usage(cli, "bad option");
		}
	}
	if (argc - optind != 4)
		return cli_usage(cli, "map takes DOMAIN IOVA PADDR LENGTH");
	if (parse_domain_iova(cli, argv + optind, &domain, &iova) ||
	    parse_num(cli, "PADDR", argv[optind + 2], false, &paddr) ||
	    parse_num(cli, "LENGTH", argv[optind + 3], true, &len))
		return CLI_USAGE;
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_map(h, domain, iova, paddr, len, prot, &done);
	if (ret == -EEXIST)
		ret = cli_fail(cli, ret, "MAP domain %u: IOVA 0x%" PRIx64 "..0x%" PRIx64 " overlaps a mapping (EEXIST)",
			       domain, iova, iova + len - 1);
	else if (ret == -EINVAL)
		ret = cli_fail(cli, ret, "MAP domain %u: EINVAL: IOVA, PADDR and LENGTH must be 4K multiples, LENGTH non-zero, IOVA+LENGTH at most 2^48, the domain unmanaged",
			       domain);
	ret = pt_end(cli, h, "MAP", domain, ret);
	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = pt_json(domain, iova);

		json_object_object_add(o, "paddr", json_object_new_uint64(paddr));
		json_object_object_add(o, "length", json_object_new_uint64(len));
		json_object_object_add(o, "prot", json_object_new_string(
			pl_prot_name(prot)));
		json_object_object_add(o, "mapped", json_object_new_uint64(done));
		cli_json_print(o);
	} else {
		printf("domain %u: mapped IOVA 0x%" PRIx64 " -> 0x%" PRIx64 ", %" PRIu64 " bytes (%s)\n",
		       domain, iova, paddr, done, pl_prot_name(prot));
	}
	return CLI_OK;
}

static int unmap_run(struct cli *cli, int argc, char **argv)
{
	uint64_t iova = 0, len = 0, done = 0;
	struct pl_handle *h;
	uint32_t domain = 0;
	int ret;

	if (argc != 4)
		return cli_usage(cli, "unmap takes DOMAIN IOVA LENGTH");
	if (parse_domain_iova(cli, argv + 1, &domain, &iova) ||
	    parse_num(cli, "LENGTH", argv[3], true, &len))
		return CLI_USAGE;
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_unmap(h, domain, iova, len, &done);
	ret = pt_end(cli, h, "UNMAP", domain, ret);
	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = pt_json(domain, iova);

		json_object_object_add(o, "length", json_object_new_uint64(len));
		json_object_object_add(o, "unmapped", json_object_new_uint64(done));
		cli_json_print(o);
	} else {
		printf("domain %u: unmapped %" PRIu64 " bytes at IOVA 0x%" PRIx64 "%s\n",
		       domain, done, iova, done < len ? " (less than asked: holes, or a block crossing an end of the range, which is never split)" : "");
	}
	return CLI_OK;
}

static int iova_run(struct cli *cli, int argc, char **argv)
{
	struct pl_handle *h;
	uint64_t iova = 0, paddr = 0;
	uint32_t domain = 0;
	int ret;

	if (argc != 3)
		return cli_usage(cli, "iova takes DOMAIN IOVA");
	if (parse_domain_iova(cli, argv + 1, &domain, &iova))
		return CLI_USAGE;
	ret = cli_token_open(cli, &h);
	if (ret)
		return ret;
	ret = pl_iova_to_phys(h, domain, iova, &paddr);
	if (ret == -ENOENT)
		ret = cli_fail(cli, ret, "IOVA_TO_PHYS domain %u: ENOENT: IOVA 0x%" PRIx64 " is not mapped (or there is no domain %u)",
			       domain, iova, domain);
	else if (ret == -EINVAL)
		ret = cli_fail(cli, ret, "IOVA_TO_PHYS domain %u: EINVAL: not a paging domain (identity and blocked domains have no page tables)",
			       domain);
	ret = pt_end(cli, h, "IOVA_TO_PHYS", domain, ret);
	if (ret)
		return ret;
	if (cli->json) {
		json_object *o = pt_json(domain, iova);

		json_object_object_add(o, "paddr", json_object_new_uint64(paddr));
		cli_json_print(o);
	} else {
		printf("domain %u: IOVA 0x%" PRIx64 " -> 0x%" PRIx64 "\n", domain,
		       iova, paddr);
	}
	return CLI_OK;
}

const struct cli_cmd cli_cmd_map = {
	.name = "map",
	.args = "DOMAIN IOVA PADDR LENGTH [--prot r|w|rw]",
	.summary = "map a range in an owner's unmanaged domain (sizes take K/M/G)",
	.run = map_run,
};

const struct cli_cmd cli_cmd_unmap = {
	.name = "unmap",
	.args = "DOMAIN IOVA LENGTH",
	.summary = "unmap a range; prints the bytes unmapped",
	.run = unmap_run,
};

const struct cli_cmd cli_cmd_iova = {
	.name = "iova",
	.args = "DOMAIN IOVA",
	.summary = "translate an IOVA through a paging domain's page tables (any token's)",
	.run = iova_run,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * probelab bugs: the catalogue of known bugs (tools/lib/known_bugs.c) -
 * history, the policies each can occur under, the scenarios that mirror
 * it and the signature the race engine names violations by.
 * docs/races.md, "Known bugs".
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "known_bugs.h"
#include "probelab.h"
#include "race.h"

/* "fixed,linux-6.1" */
static void policies_str(unsigned int mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
		if (mask & (1u << p) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", pl_policy_name(p));
}

/* The scenarios whose @bug is @b's id, comma-separated ("-" when none). */
static void scenarios_str(const struct known_bug *b, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < race_nr_scenarios(); i++) {
		const struct race_scenario *s = race_scenario_at(i);

		if (s->known_bug && !strcmp(s->known_bug, b->id) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", s->name);
	}
	if (!n)
		snprintf(buf, len, "-");
}

/* One pattern for people: "inv 6 \"STE abort\" + \"...\", trace has DEV_ADD". */
static void pattern_str(const struct known_bug_pattern *p, char *buf,
			size_t len)
{
	int n = snprintf(buf, len, "invariant %u", p->invariant);

	if (p->text && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ", text has \"%s\"", p->text);
	if (p->text2 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " and \"%s\"", p->text2);
	if (p->dev_event && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ", %s in the device's trace",
			      pl_event_name(p->dev_event) ?
			      pl_event_name(p->dev_event) : "?");
	if (p->no_dev_event && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, ", no %s in the device's trace",
			      pl_event_name(p->no_dev_event) ?
			      pl_event_name(p->no_dev_event) : "?");
	if (p->consequence && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (a consequence: once the bug showed)");
}

static json_object *bug_json(const struct known_bug *b)
{
	json_object *o = json_object_new_object(), *a;

	json_object_object_add(o, "id", json_object_new_string(b->id));
	json_object_object_add(o, "kind", json_object_new_string(b->kind));
	json_object_object_add(o, "title", json_object_new_string(b->title));
	json_object_object_add(o, "affected", json_object_new_string(b->affected));
	json_object_object_add(o, "fixed_by", b->fixed_by ?
			       json_object_new_string(b->fixed_by) : NULL);
	json_object_object_add(o, "fixed_in", json_object_new_string(b->fixed_in));
	a = json_object_new_array();
	for (unsigned int p = 0; p < PL_NR_POLICIES; p++)
		if (b->policies & (1u << p))
			json_object_array_add(a, json_object_new_string(pl_policy_name(p)));
	json_object_object_add(o, "policies", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < race_nr_scenarios(); i++) {
		const struct race_scenario *s = race_scenario_at(i);

		if (s->known_bug && !strcmp(s->known_bug, b->id))
			json_object_array_add(a, json_object_new_string(s->name));
	}
	json_object_object_add(o, "scenarios", a);
	json_object_object_add(o, "step", json_object_new_string(b->step));
	a = json_object_new_array();
	for (unsigned int i = 0; i < b->nr_patterns; i++) {
		const struct known_bug_pattern *p = &b->patterns[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "invariant",
				       json_object_new_int64(p->invariant));
		json_object_object_add(e, "text", p->text ?
				       json_object_new_string(p->text) : NULL);
		json_object_object_add(e, "text2", p->text2 ?
				       json_object_new_string(p->text2) : NULL);
		json_object_object_add(e, "dev_event", p->dev_event ?
			json_object_new_string(pl_event_name(p->dev_event) ?
					       pl_event_name(p->dev_event) : "?") : NULL);
		json_object_object_add(e, "no_dev_event", p->no_dev_event ?
			json_object_new_string(pl_event_name(p->no_dev_event) ?
					       pl_event_name(p->no_dev_event) : "?") : NULL);
		json_object_object_add(e, "consequence",
				       json_object_new_boolean(p->consequence));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "signature", a);
	return o;
}

static int bugs_cmd(struct cli *cli, int argc, char **argv)
{
	unsigned int n = known_bug_count();
	char pol[64], scs[256], pat[512];

	if (argc > 1)
		return cli_usage(cli, "unexpected argument '%s'", argv[1]);
	if (cli->json) {
		json_object *root = json_object_new_object();
		json_object *a = json_object_new_array();

		for (unsigned int i = 0; i < n; i++)
			json_object_array_add(a, bug_json(known_bug_at(i)));
		json_object_object_add(root, "bugs", a);
		cli_json_print(root);
		return CLI_OK;
	}
	printf("%-35s %-6s %-26s %-9s %s\n", "BUG", "KIND", "POLICIES",
	       "INVARIANT", "SCENARIOS");
	for (unsigned int i = 0; i < n; i++) {
		const struct known_bug *b = known_bug_at(i);
		char inv[16];

		policies_str(b->policies, pol, sizeof(pol));
		scenarios_str(b, scs, sizeof(scs));
		if (b->nr_patterns)
			snprintf(inv, sizeof(inv), "%u", b->patterns[0].invariant);
		else
			snprintf(inv, sizeof(inv), "none");
		printf("%-35s %-6s %-26s %-9s %s\n", b->id, b->kind, pol, inv, scs);
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct known_bug *b = known_bug_at(i);

		policies_str(b->policies, pol, sizeof(pol));
		scenarios_str(b, scs, sizeof(scs));
		printf("\n%s (%s)\n", b->id, b->kind);
		printf("  what:      %s\n", b->title);
		printf("  affected:  %s\n", b->affected);
		printf("  fixed by:  %s%s%s%s\n", b->fixed_by ? "\"" : "",
		       b->fixed_by ? b->fixed_by : "", b->fixed_by ? "\", " : "",
		       b->fixed_in);
		printf("  policies:  %s\n", pol);
		printf("  scenarios: %s\n", scs);
		printf("  steps:     %s\n", b->step);
		if (!b->nr_patterns)
			printf("  signature: none (it shows as no violation)\n");
		for (unsigned int k = 0; k < b->nr_patterns; k++) {
			pattern_str(&b->patterns[k], pat, sizeof(pat));
			printf("  %s %s\n", k ? "          " : "signature:", pat);
		}
	}
	return CLI_OK;
}

const struct cli_cmd cli_cmd_bugs = {
	.name = "bugs",
	.args = "",
	.summary = "the known bugs: history, fix, policies, the scenarios that mirror each and the signature race verdicts name them by",
	.run = bugs_cmd,
};

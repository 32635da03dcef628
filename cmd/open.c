/*
 * itsm open: identify the caller and log a ticket (steps 1 and 2),
 * categorizing and prioritizing it in the same transaction when asked.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_CALLER, O_AFFECTED, O_CHANNEL, O_CONTACT, O_SERVICE, O_MESSAGE,
    O_TYPE, O_CATEGORY, O_SUBCATEGORY, O_IMPACT, O_URGENCY, O_AT };

static const struct opt opts[] = {
	[O_CALLER] = { "caller", 0, "NAME", "who calls (required)", C_WORD,
	    OPT_REQUIRED },
	[O_AFFECTED] = { "affected", 0, "NAME",
	    "who is affected (default: the caller)", C_WORD, 0 },
	[O_CHANNEL] = { "channel", 0, "CH", "how the call came in", C_CHANNEL,
	    0 },
	[O_CONTACT] = { "contact", 0, "TEXT", "how to reach the affected "
	    "person", C_WORD, 0 },
	[O_SERVICE] = { "service", 0, "NAME", "the service affected", C_WORD,
	    0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "the description ('-' reads "
	    "standard input)", C_NONE, OPT_STDIN },
	[O_TYPE] = { "type", 0, "TYPE", "incident, request or change",
	    C_TYPE, 0 },
	[O_CATEGORY] = { "category", 0, "CAT", "category from the policy",
	    C_CATEGORY, 0 },
	[O_SUBCATEGORY] = { "subcategory", 0, "SUB", "subcategory of the "
	    "category", C_SUBCATEGORY, 0 },
	[O_IMPACT] = { "impact", 0, "LEVEL", "impact level (with --urgency)",
	    C_IMPACT, OPT_PAIR },
	[O_URGENCY] = { "urgency", 0, "LEVEL", "urgency level (with "
	    "--impact)", C_URGENCY, 0 },
	[O_AT] = { "at", 0, "TIME", "when the call came in (default: now)",
	    C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
run(struct app *app, const struct args *a)
{
	struct itsm_open_args oa = {
		.summary = a->operand[0],
		.caller = a->val[O_CALLER],
		.affected = a->val[O_AFFECTED],
		.channel = a->val[O_CHANNEL],
		.contact = a->val[O_CONTACT],
		.service = a->val[O_SERVICE],
		.type = a->val[O_TYPE],
		.category = a->val[O_CATEGORY],
		.subcategory = a->val[O_SUBCATEGORY],
		.impact = a->val[O_IMPACT],
		.urgency = a->val[O_URGENCY],
	};
	char *desc = NULL;
	int64_t id;
	int rc;

	if ((a->val[O_IMPACT] == NULL) != (a->val[O_URGENCY] == NULL))
		return usage_error(app->cmd, "give both --impact and --urgency, "
		    "or neither");
	if ((a->val[O_CATEGORY] || a->val[O_SUBCATEGORY]) && !a->val[O_TYPE])
		oa.type = "incident";
	if (a->val[O_SUBCATEGORY] && !a->val[O_CATEGORY])
		return usage_error(app->cmd, "--subcategory needs --category");
	if (a->val[O_AT] != NULL &&
	    (rc = parse_at(app, a->val[O_AT], &oa.at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL) {
		if ((rc = read_text(a->val[O_MESSAGE], &desc)) != 0)
			return rc;
		oa.description = desc;
	}
	rc = itsm_ticket_open(app->ctx, &oa, &id);
	free(desc);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_open = {
	.name = "open",
	.summary = "log a ticket: who calls, for whom, what is wrong",
	.operands = "SUMMARY",
	.opts = opts,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

/*
 * itsm prioritize: impact x urgency gives the priority (step 4), and with
 * it the response and resolution due times.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_IMPACT, O_URGENCY, O_MESSAGE, O_AT };

static const struct opt opts[] = {
	[O_IMPACT] = { "impact", 0, "LEVEL", "impact level, by name or rank "
	    "(required)", C_IMPACT, OPT_REQUIRED },
	[O_URGENCY] = { "urgency", 0, "LEVEL", "urgency level, by name or "
	    "rank (required)", C_URGENCY, OPT_REQUIRED },
	[O_MESSAGE] = { "message", 'm', "REASON", "why ('-' reads standard "
	    "input)", C_NONE, OPT_STDIN },
	[O_AT] = { "at", 0, "TIME", "when it was decided (default: now)",
	    C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/* The rank of an impact level (1 is the highest), or 0 when unknown. */
static int
impact_rank(struct app *app, const char *level)
{
	size_t i;

	if (level == NULL || itsm_policy_level_find(app->policy, ITSM_IMPACT,
	    level, &i) != 0)
		return 0;
	return itsm_policy_level_rank(app->policy, ITSM_IMPACT, i);
}

static int
run(struct app *app, const struct args *a)
{
	struct itsm_prioritize_args pa = {
		.impact = a->val[O_IMPACT],
		.urgency = a->val[O_URGENCY],
	};
	const char *priority = NULL;
	itsm_ticket *t = NULL;
	char *msg = NULL;
	int64_t id;
	int rc, old_rank;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL &&
	    (rc = parse_at(app, a->val[O_AT], &pa.at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL) {
		if ((rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
			return rc;
		pa.message = msg;
	}
	if ((rc = itsm_ticket_get(app->ctx, id, &t)) != 0) {
		free(msg);
		return fail(rc);
	}
	old_rank = impact_rank(app, itsm_ticket_str(t, ITSM_F_IMPACT));
	itsm_ticket_free(t);
	rc = itsm_ticket_prioritize(app->ctx, id, &pa, &priority);
	free(msg);
	if (rc != 0)
		return fail(rc);
	if ((rc = itsm_ticket_get(app->ctx, id, &t)) != 0)
		return fail(rc);
	/* More impact than thought: the managers may need to know. */
	if (old_rank > 0 && impact_rank(app,
	    itsm_ticket_str(t, ITSM_F_IMPACT)) < old_rank)
		warnx_("hint: %s's impact is now %s: consider 'itsm escalate %s "
		    "--hierarchical --reason impact -m ...'",
		    itsm_ticket_str(t, ITSM_F_REF),
		    itsm_ticket_str(t, ITSM_F_IMPACT),
		    itsm_ticket_str(t, ITSM_F_REF));
	itsm_ticket_free(t);
	return print_result(app, id, "%s", priority);
}

const struct cmd cmd_prioritize = {
	.name = "prioritize",
	.summary = "set impact and urgency; the policy's matrix gives the "
	    "priority",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

/*
 * itsm escalate: functional escalation up a tier (step 7), hierarchical
 * escalation to the managers, and cron's sweep of stagnant and breached
 * tickets.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_TO, O_MESSAGE, O_HIERARCHICAL, O_REASON, O_STAGNANT, O_BREACHED,
    O_DRY_RUN, O_AT };

static const struct opt opts[] = {
	[O_TO] = { "to", 0, "GROUP", "the group to escalate to (default: the "
	    "first group of the next tier)", C_GROUP, 0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "why ('-' reads standard "
	    "input)", C_NONE, OPT_STDIN },
	[O_HIERARCHICAL] = { "hierarchical", 0, NULL, "notify the managers "
	    "instead", C_NONE, 0 },
	[O_REASON] = { "reason", 0, "REASON", "stagnant, blocked, impact or "
	    "other (with --hierarchical)", C_ESC_REASON, 0 },
	[O_STAGNANT] = { "stagnant", 0, NULL, "cron: escalate every stagnant "
	    "ticket", C_NONE, 0 },
	[O_BREACHED] = { "breached", 0, NULL, "cron: and every ticket past a "
	    "due time", C_NONE, 0 },
	[O_DRY_RUN] = { "dry-run", 0, NULL, "cron: say what would be "
	    "escalated, change nothing", C_NONE, 0 },
	[O_AT] = { "at", 0, "TIME", "when (default: now)", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"escalate REF [--to GROUP] [-m TEXT] [--at TIME]",
	"escalate REF --hierarchical --reason REASON -m TEXT [--at TIME]",
	"escalate --stagnant [--breached] [--dry-run]",
	NULL
};

struct sweep_out {
	struct app *app;
	int dry, n;
};

static int
report(void *arg, const struct itsm_sweep_item *it)
{
	struct sweep_out *o = arg;

	print_sweep_item(o->app, it, "escalated", "would be escalated",
	    o->dry, &o->n);
	return 0;
}

static int
sweep(struct app *app, const struct args *a)
{
	struct sweep_out o = { .app = app, .dry = a->count[O_DRY_RUN] > 0 };
	int rc;

	if (a->noperands > 0 || a->val[O_TO] || a->val[O_MESSAGE] ||
	    a->count[O_HIERARCHICAL] || a->val[O_REASON] || a->val[O_AT])
		return usage_error(app->cmd, "--stagnant takes no ticket and no "
		    "other option than --breached and --dry-run");
	rc = itsm_escalate_stagnant(app->ctx, a->count[O_BREACHED] > 0, o.dry,
	    report, &o);
	if (rc != 0)
		return fail(rc);
	print_sweep_end(app, o.n);
	return 0;
}

static int
run(struct app *app, const struct args *a)
{
	const char *to = NULL;
	int64_t id, at = 0;
	size_t managers = 0;
	char *msg = NULL, *who = NULL, text[128];
	int rc;

	if (a->count[O_STAGNANT])
		return sweep(app, a);
	if (a->count[O_BREACHED] || a->count[O_DRY_RUN])
		return usage_error(app->cmd, "--breached and --dry-run go with "
		    "--stagnant");
	if (a->noperands != 1)
		return usage_error(app->cmd, a->noperands ? "one ticket at a "
		    "time" : "missing REF");
	if (a->count[O_HIERARCHICAL] && (a->val[O_REASON] == NULL ||
	    a->val[O_MESSAGE] == NULL || a->val[O_TO] != NULL))
		return usage_error(app->cmd, "--hierarchical needs --reason and "
		    "-m, and takes no --to");
	if (!a->count[O_HIERARCHICAL] && a->val[O_REASON] != NULL)
		return usage_error(app->cmd, "--reason goes with --hierarchical");
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL &&
	    (rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	if (a->count[O_HIERARCHICAL]) {
		rc = itsm_ticket_escalate_managers(app->ctx, id,
		    a->val[O_REASON], msg, at, &managers, &who);
		/* By mail: said only when queued, naming them. */
		snprintf(text, sizeof(text), "%%r escalated to %zu manager%s%s",
		    managers, managers == 1 ? "" : "s", who ? ": %s" : "");
	} else {
		rc = itsm_ticket_escalate(app->ctx, id, a->val[O_TO], msg, at,
		    &to);
	}
	free(msg);
	if (rc != 0)
		return fail(rc);
	/* The group as a value: escaped, and never read as "%r". */
	if (to != NULL)
		return print_result(app, id, "%r escalated to %s", to);
	rc = print_result(app, id, text, who);
	free(who);
	return rc;
}

const struct cmd cmd_escalate = {
	.name = "escalate",
	.summary = "escalate up a tier, to the managers, or (cron) every "
	    "stagnant ticket",
	.operands = "[REF]",
	.opts = opts,
	.operand_compl = C_REF,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

/*
 * itsm hold: waiting on the user, a vendor, a change or a problem; the
 * SLA clocks stop until --release.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_REASON, O_MESSAGE, O_RELEASE, O_AT };

static const struct opt opts[] = {
	[O_REASON] = { "reason", 0, "REASON", "user, vendor, change or problem",
	    C_HOLD_REASON, 0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "what it waits for ('-' reads "
	    "standard input)", C_NONE, OPT_STDIN },
	[O_RELEASE] = { "release", 0, NULL, "end the hold: back to work",
	    C_NONE, 0 },
	[O_AT] = { "at", 0, "TIME", "when it was done (default: now)", C_NONE,
	    0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"hold REF --reason REASON -m TEXT [--at TIME]",
	"hold REF --release [-m TEXT] [--at TIME]",
	NULL
};

static int
run(struct app *app, const struct args *a)
{
	int release = a->count[O_RELEASE] > 0;
	int64_t id, at = 0;
	char *msg = NULL;
	int rc;

	if (release && a->val[O_REASON] != NULL)
		return usage_error(app->cmd, "--release takes no --reason");
	if (!release && (a->val[O_REASON] == NULL || a->val[O_MESSAGE] == NULL))
		return usage_error(app->cmd, "hold needs --reason and -m, or "
		    "--release");
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL &&
	    (rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	if (release)
		rc = itsm_ticket_release(app->ctx, id, msg, at);
	else
		rc = itsm_ticket_hold(app->ctx, id, a->val[O_REASON], msg, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_hold = {
	.name = "hold",
	.summary = "put a ticket on hold (the SLA clocks stop), or release it",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

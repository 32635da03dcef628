/*
 * itsm reopen: a resolved, closed or cancelled ticket comes back to work.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_MESSAGE, O_AT };

static const struct opt opts[] = {
	[O_MESSAGE] = { "message", 'm', "REASON", "why ('-' reads standard "
	    "input; required)", C_NONE, OPT_REQUIRED | OPT_STDIN },
	[O_AT] = { "at", 0, "TIME", "when (default: now)", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
run(struct app *app, const struct args *a)
{
	int64_t id, at = 0;
	char *msg = NULL;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if ((rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	rc = itsm_ticket_reopen(app->ctx, id, msg, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_reopen = {
	.name = "reopen",
	.summary = "bring a resolved, closed or cancelled ticket back to work",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

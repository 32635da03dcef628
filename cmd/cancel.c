/*
 * itsm cancel: opened by mistake, or a duplicate of another ticket.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_MESSAGE, O_DUPLICATE, O_AT };

static const struct opt opts[] = {
	[O_MESSAGE] = { "message", 'm', "REASON", "why ('-' reads standard "
	    "input; required)", C_NONE, OPT_REQUIRED | OPT_STDIN },
	[O_DUPLICATE] = { "duplicate-of", 0, "REF", "the ticket it duplicates",
	    C_REF, 0 },
	[O_AT] = { "at", 0, "TIME", "when (default: now)", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
run(struct app *app, const struct args *a)
{
	int64_t id, dup = 0, at = 0;
	char *msg = NULL;
	int rc;

	if (a->val[O_DUPLICATE] != NULL &&
	    (rc = parse_ref(a->val[O_DUPLICATE], &dup)) != 0)
		return rc;
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if ((rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	rc = itsm_ticket_cancel(app->ctx, id, msg, dup, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_cancel = {
	.name = "cancel",
	.summary = "cancel a ticket opened by mistake or a duplicate",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

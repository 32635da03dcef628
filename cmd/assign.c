/*
 * itsm assign: take a ticket, or hand it to someone in the same group or
 * another one.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_TO, O_GROUP, O_MESSAGE, O_AT };

static const struct opt opts[] = {
	[O_TO] = { "to", 0, "USER", "the assignee (default: yourself)", C_WORD,
	    0 },
	[O_GROUP] = { "group", 0, "GROUP", "move it to this group",
	    C_GROUP, 0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "why ('-' reads standard "
	    "input)", C_NONE, OPT_STDIN },
	[O_AT] = { "at", 0, "TIME", "when it was done (default: now)", C_NONE,
	    0 },
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
	if (a->val[O_MESSAGE] != NULL &&
	    (rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	rc = itsm_ticket_assign(app->ctx, id, a->val[O_TO], a->val[O_GROUP],
	    msg, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_assign = {
	.name = "assign",
	.summary = "take a ticket, or hand it to a person or a group",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

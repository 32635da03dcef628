/*
 * itsm resolve: service restored, by a workaround or a permanent fix
 * (step 8).  The user's confirmation closes it (itsm close).
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_WORKAROUND, O_PERMANENT, O_MESSAGE, O_CODE, O_AT };

static const struct opt opts[] = {
	[O_WORKAROUND] = { "workaround", 0, NULL, "service restored by a "
	    "workaround", C_NONE, 0 },
	[O_PERMANENT] = { "permanent", 0, NULL, "the cause is fixed", C_NONE,
	    0 },
	[O_MESSAGE] = { "message", 'm', "SOLUTION", "what was done ('-' reads "
	    "standard input; required)", C_NONE, OPT_REQUIRED | OPT_STDIN },
	[O_CODE] = { "code", 0, "CODE", "a resolution code from the policy",
	    C_CODE, 0 },
	[O_AT] = { "at", 0, "TIME", "when service was restored (default: "
	    "now)", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"resolve REF --workaround|--permanent -m SOLUTION [--code CODE] "
	    "[--at TIME]",
	NULL
};

static int
run(struct app *app, const struct args *a)
{
	int64_t id, at = 0;
	char *msg = NULL;
	int rc;

	if ((a->count[O_WORKAROUND] > 0) == (a->count[O_PERMANENT] > 0))
		return usage_error(app->cmd, "give one of --workaround and "
		    "--permanent");
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if ((rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	rc = itsm_ticket_resolve(app->ctx, id, a->count[O_PERMANENT] > 0,
	    a->val[O_CODE], msg, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_resolve = {
	.name = "resolve",
	.summary = "service restored: record the workaround or the fix",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

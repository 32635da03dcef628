/*
 * itsm categorize: incident, request or change (step 3).  A request or a
 * change is redirected to the practice the policy names.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_TYPE, O_CATEGORY, O_SUBCATEGORY, O_MESSAGE, O_AT };

static const struct opt opts[] = {
	[O_TYPE] = { "type", 0, "TYPE", "incident, request or change "
	    "(required)", C_TYPE, OPT_REQUIRED },
	[O_CATEGORY] = { "category", 0, "CAT", "category from the policy",
	    C_CATEGORY, 0 },
	[O_SUBCATEGORY] = { "subcategory", 0, "SUB", "subcategory of the "
	    "category", C_SUBCATEGORY, 0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "why ('-' reads standard "
	    "input)", C_NONE, OPT_STDIN },
	[O_AT] = { "at", 0, "TIME", "when it was decided (default: now)",
	    C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
run(struct app *app, const struct args *a)
{
	struct itsm_categorize_args ca = {
		.type = a->val[O_TYPE],
		.category = a->val[O_CATEGORY],
		.subcategory = a->val[O_SUBCATEGORY],
	};
	const char *practice = NULL;
	char *msg = NULL;
	int64_t id;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL &&
	    (rc = parse_at(app, a->val[O_AT], &ca.at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL) {
		if ((rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
			return rc;
		ca.message = msg;
	}
	rc = itsm_ticket_categorize(app->ctx, id, &ca, &practice);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, practice != NULL ?
	    "%r redirected to %s" : NULL, practice);
}

const struct cmd cmd_categorize = {
	.name = "categorize",
	.summary = "categorize a ticket; redirect requests and changes",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

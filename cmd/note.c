/*
 * itsm note: a diagnosis or work note (step 6).  The first action on a new
 * ticket moves it to in_progress and stops the response clock.
 */
#include <stdlib.h>

#include "cmd.h"

enum { O_MESSAGE, O_AT };

static const struct opt opts[] = {
	[O_MESSAGE] = { "message", 'm', "TEXT", "the note ('-' reads standard "
	    "input; required)", C_NONE, OPT_REQUIRED | OPT_STDIN },
	[O_AT] = { "at", 0, "TIME", "when it was done (default: now)", C_NONE,
	    0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
run(struct app *app, const struct args *a)
{
	int64_t id, at = 0;
	char *text = NULL;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if ((rc = read_text(a->val[O_MESSAGE], &text)) != 0)
		return rc;
	rc = itsm_ticket_note(app->ctx, id, text, at);
	free(text);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_note = {
	.name = "note",
	.summary = "add a diagnosis or work note",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

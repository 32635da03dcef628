/*
 * itsm next: the one ticket to work on now, the head of the queue.
 */
#include "cmd.h"

enum { O_GROUP, O_MINE };

static const struct opt opts[] = {
	[O_GROUP] = { "group", 0, "GROUP", "the head of this group's queue",
	    C_GROUP, 0 },
	[O_MINE] = { "mine", 0, NULL, "the head of the tickets assigned to "
	    "you", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"next [--group GROUP | --mine]",
	NULL
};

static const int fields[] = { ITSM_F_REF, ITSM_F_PRIORITY, ITSM_F_STATUS,
    ITSM_F_OPENED_AT, ITSM_F_GROUP, ITSM_F_ASSIGNEE, ITSM_F_SUMMARY };

static int
run(struct app *app, const struct args *a)
{
	itsm_ticket *t = NULL;
	int nf = (int)(sizeof(fields) / sizeof(fields[0])), rc;

	if (a->val[O_GROUP] != NULL && a->count[O_MINE])
		return usage_error(app->cmd, "--group and --mine exclude each "
		    "other");
	/* Checked by the library, as for list and export. */
	rc = itsm_next(app->ctx, a->val[O_GROUP], a->count[O_MINE] > 0, &t);
	if (rc == ITSM_E_NOTFOUND)
		return 0;	/* nothing to do is not an error */
	if (rc != 0)
		return fail(rc);
	if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		out_json(app->out, itsm_ticket_json(t));
		fputc('\n', app->out);
	} else {
		if (app->fmt == FMT_TABLE && !app->quiet)
			out_table_header(app, fields, nf);
		if (app->fmt == FMT_CSV && !app->quiet)
			out_csv_header(app, fields, nf);
		out_ticket_row(app, t, fields, nf, 1);
	}
	itsm_ticket_free(t);
	return 0;
}

const struct cmd cmd_next = {
	.name = "next",
	.summary = "the one ticket to work on now",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

/*
 * itsm close: only a resolved ticket, only on the user's confirmation
 * (step 9); the user's rejection sends it back to work; cron closes the
 * ones left without an answer.
 */
#include <errno.h>
#include <stdlib.h>

#include "cmd.h"

enum { O_CONFIRMED, O_BY, O_SATISFACTION, O_MESSAGE, O_REJECTED, O_AUTO,
    O_DRY_RUN, O_AT };

static const struct opt opts[] = {
	[O_CONFIRMED] = { "confirmed", 0, NULL, "the user confirms it works",
	    C_NONE, 0 },
	[O_BY] = { "by", 0, "NAME", "who confirmed (default: the affected "
	    "person)", C_WORD, 0 },
	[O_SATISFACTION] = { "satisfaction", 0, "N", "the user's "
	    "satisfaction, 1 to 5", C_NONE, 0 },
	[O_MESSAGE] = { "message", 'm', "TEXT", "a note, or why it is "
	    "rejected ('-' reads standard input)", C_NONE, OPT_STDIN },
	[O_REJECTED] = { "rejected", 0, NULL, "the user says it is not fixed",
	    C_NONE, 0 },
	[O_AUTO] = { "auto", 0, NULL, "cron: close resolved tickets left "
	    "without an answer", C_NONE, 0 },
	[O_DRY_RUN] = { "dry-run", 0, NULL, "cron: say what would be closed, "
	    "change nothing", C_NONE, 0 },
	[O_AT] = { "at", 0, "TIME", "when (default: now)", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"close REF --confirmed [--by NAME] [--satisfaction N] [-m TEXT] "
	    "[--at TIME]",
	"close REF --rejected -m TEXT [--at TIME]",
	"close --auto [--dry-run]",
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

	print_sweep_item(o->app, it, "closed", "would be closed", o->dry,
	    &o->n);
	return 0;
}

static int
auto_close(struct app *app, const struct args *a)
{
	struct sweep_out o = { .app = app, .dry = a->count[O_DRY_RUN] > 0 };
	int rc;

	if (a->noperands > 0 || a->count[O_CONFIRMED] || a->count[O_REJECTED] ||
	    a->val[O_BY] || a->val[O_SATISFACTION] || a->val[O_MESSAGE] ||
	    a->val[O_AT])
		return usage_error(app->cmd, "--auto takes no ticket and no "
		    "other option than --dry-run");
	if ((rc = itsm_close_auto(app->ctx, o.dry, report, &o)) != 0)
		return fail(rc);
	print_sweep_end(app, o.n);
	return 0;
}

static int
run(struct app *app, const struct args *a)
{
	int64_t id, at = 0;
	long long sat = 0;
	char *msg = NULL;
	int rc;

	if (a->count[O_AUTO])
		return auto_close(app, a);
	if (a->count[O_DRY_RUN])
		return usage_error(app->cmd, "--dry-run goes with --auto");
	if (a->noperands != 1)
		return usage_error(app->cmd, "missing REF");
	if (a->count[O_CONFIRMED] == a->count[O_REJECTED])
		return usage_error(app->cmd, "close needs the user's answer: "
		    "--confirmed or --rejected");
	if (a->count[O_REJECTED] && (a->val[O_MESSAGE] == NULL ||
	    a->val[O_BY] || a->val[O_SATISFACTION]))
		return usage_error(app->cmd, "--rejected needs -m and takes no "
		    "--by or --satisfaction");
	if (a->val[O_SATISFACTION] != NULL &&
	    (rc = parse_number("satisfaction", a->val[O_SATISFACTION], 1, 5,
	    &sat)) != 0)
		return rc;
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->val[O_AT] != NULL && (rc = parse_at(app, a->val[O_AT], &at)) != 0)
		return rc;
	if (a->val[O_MESSAGE] != NULL &&
	    (rc = read_text(a->val[O_MESSAGE], &msg)) != 0)
		return rc;
	if (a->count[O_REJECTED])
		rc = itsm_ticket_reject(app->ctx, id, msg, at);
	else
		rc = itsm_ticket_close(app->ctx, id, a->val[O_BY], (int)sat,
		    msg, at);
	free(msg);
	if (rc != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

const struct cmd cmd_close = {
	.name = "close",
	.summary = "close on the user's confirmation, reopen on rejection, or "
	    "(cron) auto-close",
	.operands = "[REF]",
	.opts = opts,
	.operand_compl = C_REF,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

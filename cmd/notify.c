/*
 * itsm notify: delivers the mail and runs the hooks the outbox holds that
 * are due (cron).
 */
#include <signal.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"notify",
	NULL
};

static void
report(void *arg, const char *msg)
{
	(void)arg;
	warnx_("%s", msg);
}

static int
run(struct app *app, const struct args *a)
{
	int sent, failed, rc;

	(void)a;
	/* A hook runs with SIGPIPE as usual (main() ignores it). */
	signal(SIGPIPE, SIG_DFL);
	rc = itsm_outbox_notify(app->ctx, report, NULL, &sent, &failed);
	signal(SIGPIPE, SIG_IGN);
	if (rc != 0)
		return fail(rc);
	/* Silent when idle, and when all went: cron mails what it prints. */
	return 0;
}

const struct cmd cmd_notify = {
	.name = "notify",
	.summary = "deliver the notifications and run the hooks that are due (cron)",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

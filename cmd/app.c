/*
 * The application state around a command: the output set up from the
 * options, the policy, database and context opened as the command's flags
 * ask, the hooks run once it is done, and all closed at the end.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

void
app_init(struct app *app)
{
	app->out = stdout;
	app->tty = isatty(STDOUT_FILENO);
	app->fmt = app->tty ? FMT_TABLE : FMT_TSV;
	app->color = app->tty;
}

/* Parses a --format value; 0 or an exit status (said). */
static int
parse_format(const char *s, enum fmt *f)
{
	static const char *const names[] = { "table", "tsv", "csv", "json",
	    "jsonl" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum fmt)i;
			return 0;
		}
	warnx_("unknown format '%.*s' (expected table, tsv, csv, json or "
	    "jsonl)", itsm_cut(s, 64), s);
	return EX_DATAERR_;
}

int
apply_output(struct app *app, const struct cmd *c, const struct outopts *oo)
{
	const char *nc = getenv("NO_COLOR");
	int rc;

	if (oo->format != NULL && oo->json)
		return usage_error(c, "--format and --json exclude each other");
	if (oo->json)
		app->fmt = FMT_JSON;
	else if (oo->format != NULL &&
	    (rc = parse_format(oo->format, &app->fmt)) != 0)
		return rc;
	if (oo->quiet)
		app->quiet = 1;
	if (oo->nohooks)
		app->no_hooks = 1;
	if (oo->utc)
		app->utc = 1;
	if (oo->nocolor || (nc != NULL && *nc != '\0') ||
	    app->fmt != FMT_TABLE || !app->tty)
		app->color = 0;
	return 0;
}

const char *
app_db(const struct app *a)
{
	if (a->db_path != NULL || getenv("ITSM_DB") != NULL)
		return a->db_path;
	return itsm_policy_database_url(a->policy);
}

/*
 * Chooses the display zone, once: UTC under --utc, else the zone TZ
 * names (an IANA name, with or without glibc's leading ':'), else the
 * policy's timezone:, else UTC.  0 or an exit status (said).
 */
static int
open_zone(struct app *a)
{
	const char *name = getenv("TZ");
	int rc;

	if (a->zoned)
		return 0;
	a->zoned = 1;
	if (a->utc)
		return 0;
	if (name != NULL && *name == ':')
		name++;
	if (name != NULL && *name != '\0') {
		if ((rc = itsm_tz_load(&a->zone, name)) != 0) {
			warnx_("TZ: %s", itsm_errmsg());
			return rc == ITSM_E_NOMEM ? fail(rc) : EX_CONFIG_;
		}
		return 0;
	}
	if ((name = itsm_policy_timezone(a->policy)) == NULL)
		return 0;
	return (rc = itsm_tz_load(&a->zone, name)) != 0 ? fail(rc) : 0;
}

int
app_open(struct app *a, int flags)
{
	const char *actor;
	size_t i;
	int rc;

	/* Once each: a command run again keeps its policy. */
	if ((flags & (NEEDS_POLICY | NEEDS_DB)) && a->policy == NULL) {
		if ((rc = itsm_policy_load(&a->policy, a->config_path)) != 0)
			return fail(rc);
		for (i = 0; i < itsm_policy_warning_count(a->policy); i++)
			warnx_("warning: %s", itsm_policy_warning(a->policy, i));
	}
	/*
	 * Once the policy is there: a command with verbs (major) opens
	 * nothing itself, its verb does.
	 */
	if (a->policy != NULL && (rc = open_zone(a)) != 0)
		return rc;
	if ((flags & NEEDS_DB) && a->store == NULL) {
		if ((rc = itsm_store_open_wait(&a->store, app_db(a),
		    itsm_policy_share_group(a->policy) ?
		    ITSM_STORE_SHARED : 0,
		    (int)itsm_policy_busy_timeout(a->policy) * 1000)) != 0)
			return fail(rc);
		if ((rc = itsm_ctx_new(&a->ctx, a->store, a->policy)) != 0)
			return fail(rc);
		itsm_ctx_set_hooks(a->ctx, !a->no_hooks);
		itsm_ctx_set_zone(a->ctx, a->zone);
		set_ref_ctx(a->ctx);
		actor = getenv("ITSM_ACTOR");
		if (actor != NULL && *actor != '\0' &&
		    (rc = itsm_ctx_set_actor(a->ctx, actor)) != 0)
			return fail(rc);
	}
	return 0;
}

void
app_close_store(struct app *a)
{
	itsm_ctx_free(a->ctx);
	a->ctx = NULL;
	itsm_store_close(a->store);
	a->store = NULL;
}

static void
report_hook(void *arg, const char *msg)
{
	(void)arg;
	warnx_("%s", msg);
}

void
app_finish(struct app *app)
{
	/*
	 * The output is flushed before the hooks run, so that a write error
	 * is told with its own cause; what committed stays committed.
	 */
	if (fflush(app->out) != 0 || ferror(app->out))
		app->write_errno = errno ? errno : EIO;
	if (app->ctx != NULL) {
		/* A hook runs with SIGPIPE as usual (main() ignores it). */
		signal(SIGPIPE, SIG_DFL);
		itsm_outbox_flush(app->ctx, report_hook, NULL);
		itsm_hooks_run(app->ctx, report_hook, NULL);
		signal(SIGPIPE, SIG_IGN);
	}
}

int
app_close(struct app *app, int rc)
{
	int committed = itsm_store_committed(app->store);

	itsm_ctx_free(app->ctx);
	itsm_store_close(app->store);
	itsm_policy_free(app->policy);
	itsm_tz_free(app->zone);
	if (app->write_errno == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		app->write_errno = errno ? errno : EIO;
	return output_lost(rc, app->write_errno, committed);
}

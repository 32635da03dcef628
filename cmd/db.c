/*
 * itsm db: create the schema (and on PostgreSQL the roles and
 * permissions), migrate it forward, or say what the database is and who
 * you are in it.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/* Opens the database the command names with these flags; 0 or a status. */
static int
db_open(struct app *app, int flags)
{
	int rc;

	if (itsm_policy_share_group(app->policy))
		flags |= ITSM_STORE_SHARED;
	if ((rc = itsm_store_open_wait(&app->store, app_db(app), flags,
	    (int)itsm_policy_busy_timeout(app->policy) * 1000)) != 0)
		return fail(rc);
	return 0;
}

/* "the itsm schema, version N, in 'DATABASE'" said, unless quiet. */
static int
said(struct app *app, const char *what)
{
	struct itsm_who w;
	int rc;

	if (app->quiet)
		return 0;
	if ((rc = itsm_store_whoami(app->store, &w)) != 0)
		return fail(rc);
	fprintf(app->out, "%s the itsm schema, version %d, in '", what,
	    itsm_store_version(app->store));
	out_escaped(app->out, w.database, FMT_TABLE);
	fputs("'\n", app->out);
	itsm_who_free(&w);
	return 0;
}

static int
db_init(struct app *app, const struct args *a)
{
	int rc;

	(void)a;
	if ((rc = db_open(app, ITSM_STORE_INIT)) != 0)
		return rc;
	return said(app, "created");
}

static int
db_upgrade(struct app *app, const struct args *a)
{
	int rc;

	(void)a;
	if ((rc = db_open(app, ITSM_STORE_UPGRADE)) != 0)
		return rc;
	return said(app, "upgraded");
}

/* One "key: value" line of the status, or a JSON member. */
static void
line(struct app *app, const char *key, const char *value, int first)
{
	if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		fprintf(app->out, "%s\"%s\":", first ? "{" : ",", key);
		if (value == NULL)
			fputs("null", app->out);
		else
			out_json_string(app->out, value);
		return;
	}
	fprintf(app->out, "%s: ", key);
	out_escaped(app->out, value != NULL ? value : "-", FMT_TABLE);
	fputc('\n', app->out);
}

static int
db_status(struct app *app, const struct args *a)
{
	struct itsm_who w;
	const char *engine = itsm_store_engine(app_db(app) != NULL ?
	    app_db(app) : getenv("ITSM_DB"));
	char schema[64];
	int rc, v, json = app->fmt == FMT_JSON || app->fmt == FMT_JSONL;

	(void)a;
	if ((rc = db_open(app, ITSM_STORE_INSPECT)) != 0)
		return rc;
	if ((rc = itsm_store_whoami(app->store, &w)) != 0)
		return fail(rc);
	v = itsm_store_version(app->store);
	line(app, "engine", engine, 1);
	line(app, "server", w.server, 0);
	line(app, "database", w.database, 0);
	if (json) {
		fprintf(app->out, ",\"schema\":%d,\"schema_known\":%d", v,
		    ITSM_SCHEMA_VERSION);
	} else {
		if (v == 0)
			snprintf(schema, sizeof(schema), "none (run 'itsm db "
			    "init')");
		else if (v < ITSM_SCHEMA_VERSION)
			snprintf(schema, sizeof(schema), "%d, older than this "
			    "itsm's %d (run 'itsm db upgrade')", v,
			    ITSM_SCHEMA_VERSION);
		else
			snprintf(schema, sizeof(schema), "%d (this itsm's)", v);
		line(app, "schema", schema, 0);
	}
	line(app, "user", w.user, 0);
	line(app, "role", itsm_role_name(w.role), 0);
	if (json)
		fputs("}\n", app->out);
	itsm_who_free(&w);
	return 0;
}

/* The verbs, and the command that dispatches to them. */
static const struct cmd v_init = {
	.name = "db init",
	.summary = "create the schema, and on PostgreSQL the roles",
	.opts = opts, .max_operands = 0, .flags = NEEDS_POLICY,
	.run = db_init,
};
static const struct cmd v_upgrade = {
	.name = "db upgrade", .summary = "migrate the schema forward",
	.opts = opts, .max_operands = 0, .flags = NEEDS_POLICY,
	.run = db_upgrade,
};
static const struct cmd v_status = {
	.name = "db status",
	.summary = "the engine, the schema, who you are and your role",
	.opts = opts, .max_operands = 0, .flags = NEEDS_POLICY,
	.run = db_status,
};
static const struct cmd *const verbs[] = { &v_init, &v_upgrade, &v_status,
	NULL };

static int
run(struct app *app, const struct args *a)
{
	const struct cmd *v;

	if ((v = find_verb(&cmd_db, a->operand[0])) != NULL)
		return run_parsed_verb(app, v, a);
	return usage_error(app->cmd, "unknown db command '%.*s' (expected "
	    "init, upgrade or status)", itsm_cut(a->operand[0], 64),
	    a->operand[0]);
}

const struct cmd cmd_db = {
	.name = "db",
	.summary = "create, upgrade or inspect the database",
	.operands = "init|upgrade|status",
	.opts = opts,
	.operand_compl = C_WORD,
	.min_operands = 1,
	.max_operands = 1,
	.run = run,
	.subs = verbs,
};

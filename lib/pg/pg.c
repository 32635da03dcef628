/*
 * The PostgreSQL store (issue 13): the engine's core ops (lib/engine.h)
 * on libpq: connecting, the versioned schema and its forward
 * migrations, transactions, snapshots, settings and rows.  The ticket
 * ops are in pg_ticket.c, the major incidents' in pg_major.c, the
 * statistics' in pg_stats.c, the imports' in pg_port.c, the roles and
 * permissions in pg_roles.c.
 *
 * A plain open never runs DDL: itsm db init (ITSM_STORE_INIT) creates
 * the schema and the permissions, itsm db upgrade (ITSM_STORE_UPGRADE,
 * the schema owner's) migrates it; every other open refuses a database
 * without the schema or of an older one.
 *
 * Where SQLite's engine does a thing, this one does the same:
 * - The schema is SQLite's, in PostgreSQL's words, built by the same
 *   numbered migrations (1..ITSM_SCHEMA_VERSION); its version is the
 *   one row of table itsm_schema, which also counts the committed
 *   writing transactions (data_version).  Texts are of collation "C":
 *   compared and ordered bytewise, as the engine interface says.
 * - Writers are serialized by a transaction-level advisory lock taken
 *   at begin(), waiting lock_timeout (the busy time) at most: a timeout
 *   is ITSM_E_BUSY.  Transactions read committed: once a writer holds
 *   the lock, it reads every earlier writer's commit.
 * - A snapshot is a REPEATABLE READ READ ONLY transaction.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "pg_int.h"
#include "store_columns.h"

/* The advisory lock of the writers (and the migrations): "itsm". */
#define PG_WRITE_LOCK "1769239405"

/* The channel every commit that changed rows notifies. */
#define PG_CHANNEL "itsm_writes"

/* How many rows a cursor fetches at a time. */
#define PG_BATCH "1000"

#define TXT " text COLLATE \"C\""

/*
 * Migration N brings a database from version N to N + 1, one statement
 * an entry, as SQLite's migration N does (lib/sqlite/sqlite.c).  Never
 * edit one that has shipped: add the next.  (This engine has not
 * shipped yet: m1 and m3 were edited in place for issue 13's import
 * ops: ids the engine gives, and a parent checked at the commit.)
 *
 * Ids without gaps, as SQLite gives them: tickets, events and findings
 * have plain bigint keys, and the engine gives a new row max(id) + 1
 * (a backward scan of the key's index) under the writers' lock.  An
 * identity column would advance in a transaction that rolls back too,
 * and the next ticket would be numbered otherwise than on SQLite.
 * The parent's foreign key is DEFERRABLE (INITIALLY IMMEDIATE): an
 * import defers it to the commit (defer_foreign_keys, pg_port.c).
 */
static const char *const m1[] = {
	"CREATE TABLE tickets ("
	"  id bigint PRIMARY KEY,"
	"  type" TXT " NOT NULL DEFAULT 'incident'"
	"    CHECK (type IN ('incident', 'request', 'change')),"
	"  status" TXT " NOT NULL DEFAULT 'new' CHECK (status IN ('new',"
	"    'in_progress', 'on_hold', 'resolved', 'closed', 'redirected',"
	"    'cancelled')),"
	"  summary" TXT " NOT NULL,"
	"  description" TXT ","
	"  caller" TXT " NOT NULL,"
	"  affected" TXT " NOT NULL,"
	"  channel" TXT ","
	"  contact" TXT ","
	"  service" TXT ","
	"  category" TXT ","
	"  subcategory" TXT ","
	"  impact" TXT ","
	"  urgency" TXT ","
	"  priority" TXT ","
	"  priority_rank bigint,"
	"  major bigint NOT NULL DEFAULT 0 CHECK (major IN (0, 1)),"
	"  tier" TXT ","
	"  group_name" TXT ","
	"  assignee" TXT ","
	"  opened_at bigint NOT NULL,"
	"  updated_at bigint NOT NULL,"
	"  responded_at bigint,"
	"  resolved_at bigint,"
	"  closed_at bigint,"
	"  response_due bigint,"
	"  resolution_due bigint,"
	"  resolution_type" TXT ","
	"  resolution_code" TXT ","
	"  resolution_notes" TXT ","
	"  satisfaction bigint CHECK (satisfaction BETWEEN 1 AND 5),"
	"  reopen_count bigint NOT NULL DEFAULT 0,"
	"  reassignment_count bigint NOT NULL DEFAULT 0,"
	"  parent bigint REFERENCES tickets (id)"
	"    DEFERRABLE INITIALLY IMMEDIATE"
	")",
	"CREATE TABLE events ("
	"  id bigint PRIMARY KEY,"
	"  ticket bigint NOT NULL REFERENCES tickets (id),"
	"  at bigint NOT NULL,"
	"  recorded_at bigint NOT NULL,"
	"  actor" TXT " NOT NULL,"
	"  login" TXT " NOT NULL,"
	"  kind" TXT " NOT NULL,"
	"  field" TXT ","
	"  old" TXT ","
	"  new" TXT ","
	"  message" TXT
	")",
	"CREATE INDEX events_ticket ON events (ticket, id)",
	/* One function refuses, with the message its trigger gives. */
	"CREATE FUNCTION itsm_refuse() RETURNS trigger LANGUAGE plpgsql AS"
	"  'BEGIN RAISE EXCEPTION ''%'', TG_ARGV[0]; END'",
	"CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events"
	"  FOR EACH ROW EXECUTE FUNCTION itsm_refuse('events are append-only')",
	"CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events"
	"  FOR EACH STATEMENT EXECUTE FUNCTION"
	"  itsm_refuse('events are append-only')",
	"CREATE TRIGGER tickets_never_deleted BEFORE DELETE ON tickets"
	"  FOR EACH ROW EXECUTE FUNCTION itsm_refuse('tickets are never deleted')",
	/* The work queue: open tickets, major first, priority, oldest. */
	"CREATE INDEX tickets_queue ON tickets (major DESC,"
	"  coalesce(priority_rank, 1000000), opened_at, id)"
	"  WHERE status IN ('new', 'in_progress', 'on_hold')",
	"CREATE INDEX tickets_status ON tickets (status, opened_at)",
	"CREATE INDEX tickets_group ON tickets (group_name, status)",
	"CREATE INDEX tickets_assignee ON tickets (assignee, status)",
	NULL
};

/* 1 -> 2: cron's bookkeeping, the settings. */
static const char *const m2[] = {
	"ALTER TABLE tickets ADD COLUMN stagnant_escalated_at bigint",
	"ALTER TABLE tickets ADD COLUMN breach_escalated_at bigint",
	"ALTER TABLE tickets ADD COLUMN auto_closed bigint NOT NULL DEFAULT 0"
	"  CHECK (auto_closed IN (0, 1))",
	"ALTER TABLE tickets ADD COLUMN hold_reason" TXT,
	"CREATE INDEX tickets_activity ON tickets (updated_at)"
	"  WHERE status IN ('new', 'in_progress')",
	"CREATE INDEX tickets_resolved ON tickets (resolved_at)"
	"  WHERE status = 'resolved'",
	"CREATE INDEX events_status ON events (ticket, at) WHERE field = 'status'",
	"CREATE TABLE meta (key" TXT " PRIMARY KEY, value" TXT " NOT NULL)",
	NULL
};

/* 2 -> 3: major incidents. */
static const char *const m3[] = {
	"CREATE TABLE majors ("
	"  ticket bigint PRIMARY KEY REFERENCES tickets (id),"
	"  state" TXT " NOT NULL"
	"    CHECK (state IN ('proposed', 'active', 'ended', 'rejected')),"
	"  proposed_at bigint,"
	"  proposal" TXT ","
	"  declared_at bigint,"
	"  declared_by" TXT ","
	"  ended_at bigint,"
	"  bridge" TXT ","
	"  root_cause" TXT
	")",
	"CREATE INDEX majors_state ON majors (state)",
	"CREATE TABLE major_roster ("
	"  ticket bigint NOT NULL REFERENCES tickets (id),"
	"  name" TXT " NOT NULL,"
	"  role" TXT " NOT NULL,"
	"  since bigint NOT NULL,"
	"  PRIMARY KEY (ticket, name)"
	")",
	"CREATE UNIQUE INDEX major_one_commander ON major_roster (ticket)"
	"  WHERE role = 'commander'",
	"CREATE TABLE major_findings ("
	"  id bigint PRIMARY KEY,"
	"  ticket bigint NOT NULL REFERENCES tickets (id),"
	"  kind" TXT " NOT NULL"
	"    CHECK (kind IN ('factor', 'went_well', 'went_wrong', 'lucky')),"
	"  text" TXT " NOT NULL,"
	"  at bigint NOT NULL"
	")",
	"CREATE TABLE major_actions ("
	"  ticket bigint NOT NULL REFERENCES tickets (id),"
	"  n bigint NOT NULL,"
	"  text" TXT " NOT NULL,"
	"  owner" TXT " NOT NULL,"
	"  due bigint NOT NULL,"
	"  done_at bigint,"
	"  PRIMARY KEY (ticket, n)"
	")",
	"CREATE INDEX tickets_parent ON tickets (parent) WHERE parent IS NOT NULL",
	"CREATE INDEX tickets_service ON tickets (opened_at, service)"
	"  WHERE service IS NOT NULL",
	NULL
};

/* 3 -> 4: the number a ticket had in the tool it was imported from. */
static const char *const m4[] = {
	"ALTER TABLE tickets ADD COLUMN ext_ref" TXT,
	"CREATE UNIQUE INDEX tickets_ext_ref ON tickets (ext_ref)"
	"  WHERE ext_ref IS NOT NULL",
	NULL
};

/*
 * 4 -> 5: SQLite's INSERT OR REPLACE could delete an event without its
 * trigger.  PostgreSQL has no such statement (INSERT ... ON CONFLICT DO
 * UPDATE fires the update trigger): nothing to do but count.
 */
static const char *const m5[] = { NULL };

/* 5 -> 6: the stagnation sweep's index. */
static const char *const m6[] = {
	"CREATE INDEX tickets_stagnant ON tickets (priority, updated_at)"
	"  WHERE status IN ('new', 'in_progress')",
	NULL
};

/*
 * 6 -> 7: tickets_activity served the sweep before tickets_stagnant, and
 * the planner still chose it for the sweep's ranges on its estimates
 * (most workable tickets taken for old), reading most of the queue for
 * a few stagnant ones: 9.8 ms at 100k, 1.0 ms without it.  Nothing else
 * reads it (lib/store_sql.c, qb_stagnant).
 */
static const char *const m7[] = {
	"DROP INDEX tickets_activity",
	NULL
};

/*
 * 7 -> 8: the outbox (mail to send, hooks to run after the commit that
 * queued them, retried by itsm notify) and the Message-IDs that thread
 * a reply into its ticket.
 */
static const char *const m8[] = {
	"CREATE TABLE outbox ("
	"  id bigint PRIMARY KEY,"
	"  created_at bigint NOT NULL,"
	"  ticket bigint REFERENCES tickets (id),"
	"  event bigint,"
	"  kind" TXT " NOT NULL CHECK (kind IN ('mail', 'hook')),"
	"  name" TXT " NOT NULL,"
	"  recipients" TXT ","
	"  message_id" TXT " UNIQUE,"
	"  payload" TXT " NOT NULL,"
	"  state" TXT " NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'sent', 'failed')),"
	"  attempts bigint NOT NULL DEFAULT 0,"
	"  next_attempt_at bigint NOT NULL,"
	"  last_error" TXT ","
	"  sent_at bigint,"
	"  CHECK (kind = 'hook' OR (recipients IS NOT NULL"
	"    AND message_id IS NOT NULL))"
	")",
	"CREATE INDEX outbox_due ON outbox (next_attempt_at, id)"
	"  WHERE state = 'pending'",
	"CREATE TABLE mail_messages ("
	"  message_id" TXT " PRIMARY KEY,"
	"  ticket bigint REFERENCES tickets (id),"
	"  direction" TXT " NOT NULL CHECK (direction IN ('in', 'out')),"
	"  at bigint NOT NULL"
	")",
	"CREATE INDEX mail_messages_ticket ON mail_messages (ticket, at)"
	"  WHERE ticket IS NOT NULL",
	NULL
};

/*
 * 8 -> 9: the attachments of incoming mail: their bytes once per
 * content (blobs, by SHA-256), and each arrival on a ticket.
 */
static const char *const m9[] = {
	"CREATE TABLE blobs ("
	"  sha256" TXT " PRIMARY KEY CHECK (length(sha256) = 64),"
	"  size bigint NOT NULL,"
	"  data bytea NOT NULL"
	")",
	"CREATE TABLE attachments ("
	"  id bigint PRIMARY KEY,"
	"  ticket bigint NOT NULL REFERENCES tickets (id),"
	"  event bigint,"
	"  message_id" TXT ","
	"  name" TXT " NOT NULL,"
	"  type" TXT " NOT NULL,"
	"  size bigint NOT NULL,"
	"  sha256" TXT " NOT NULL REFERENCES blobs (sha256),"
	"  is_inline boolean NOT NULL DEFAULT false,"
	"  at bigint NOT NULL"
	")",
	"CREATE INDEX attachments_ticket ON attachments (ticket, id)",
	NULL
};

static const char *const *const migrations[ITSM_SCHEMA_VERSION] = {
	m1, m2, m3, m4, m5, m6, m7, m8, m9
};

/* The version opening migrates to; only tests lower it. */
static int pg_target_version = ITSM_SCHEMA_VERSION;

static void
pg_test_set_version(int version)
{
	pg_target_version = version > 0 && version <= ITSM_SCHEMA_VERSION ?
	    version : ITSM_SCHEMA_VERSION;
}

/* The first line of msg, without its end: a message is one line. */
static int
line_len(const char *msg)
{
	size_t n = strcspn(msg, "\n");

	while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '\r'))
		n--;
	return (int)n;
}

/* The libpq notices would go to stderr: lib/ never prints. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
pg_fail(itsm_store *s, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *msg = res ? PQresultErrorField(res,
	    PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (msg == NULL)
		msg = PQerrorMessage(PG(s)->conn);
	/* The server's severity is no part of the reason. */
	if (strncmp(msg, "FATAL:", 6) == 0 || strncmp(msg, "ERROR:", 6) == 0)
		msg += strspn(msg + 6, " ") + 6;
	if (state == NULL) {
		/* No answer from the server: the connection is gone. */
		if (PQstatus(PG(s)->conn) == CONNECTION_BAD)
			return itsm_error(ITSM_E_IO, "%s: lost the connection "
			    "to database '%s': %.*s", what, PG(s)->name,
			    line_len(msg), msg);
		return itsm_error(ITSM_E_INTERNAL, "%s: %.*s", what,
		    line_len(msg), msg);
	}
	/* A deadlock or a serialization failure: undone, may be run again. */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return itsm_error_transient(itsm_error(ITSM_E_BUSY, "database "
		    "'%s' is busy: %.*s", PG(s)->name, line_len(msg), msg));
	if (strcmp(state, "55P03") == 0)
		return itsm_error(ITSM_E_BUSY, "database '%s' is busy: retry "
		    "later", PG(s)->name);
	/* A parent checked at the commit: in SQLite's words. */
	if (strcmp(state, "23503") == 0)
		return itsm_error(ITSM_E_INTERNAL, "%s: FOREIGN KEY constraint "
		    "failed", what);
	/* Text the server's encoding refuses: an invalid value. */
	if (strcmp(state, "22021") == 0)
		return itsm_error(ITSM_E_INVALID, "%s: a text is not valid "
		    "UTF-8", what);
	if (strcmp(state, "53200") == 0)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	if (strcmp(state, "53100") == 0)
		return itsm_error(ITSM_E_IO, "cannot write database '%s': "
		    "disk full", PG(s)->name);
	if (strcmp(state, "25006") == 0)
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "the server is read-only", PG(s)->name);
	if (strcmp(state, "42501") == 0 || strncmp(state, "28", 2) == 0)
		return itsm_error(ITSM_E_PERM, "%s: %.*s", what,
		    line_len(msg), msg);
	/* Connection, resources, the operator, the system. */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "58", 2) == 0)
		return itsm_error(ITSM_E_IO, "%s: %.*s", what, line_len(msg),
		    msg);
	return itsm_error(ITSM_E_INTERNAL, "%s: %.*s", what, line_len(msg),
	    msg);
}

/* Sends bulk mode's held rows; one refused is the statement's error. */
static int
held_first(itsm_store *s)
{
	char why[512];
	int rc;

	if ((rc = pg_port_flush(s, why, sizeof(why))) == ITSM_E_INVALID)
		return itsm_error(rc, "cannot import: %s", why);
	return rc;
}

/* A statement's text to its slot in the cache: FNV-1a. */
static uint64_t
sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ULL;

	while (*sql != '\0')
		h = (h ^ (unsigned char)*sql++) * 1099511628211ULL;
	return h;
}

/*
 * Runs sql as a statement prepared on the connection the second time it
 * comes (parsed and planned once, not at every run: an import runs the
 * same few statements a hundred thousand times), when the cache may hold
 * it: a plain SELECT, INSERT, UPDATE, DELETE or WITH, once the schema is
 * settled (the open is done: no migration will change a table under a
 * plan).  NULL when it is not to be prepared, or preparing failed (the
 * caller runs it unprepared, and reports the error that gives).
 */
static PGresult *
prepared(itsm_store *s, const char *sql, int n, const char *const *params)
{
	struct pg_stmt *t = NULL;
	PGresult *r;
	uint64_t h;
	size_t i, k;

	if (!PG(s)->settled || !(strncmp(sql, "SELECT", 6) == 0 ||
	    strncmp(sql, "INSERT", 6) == 0 || strncmp(sql, "UPDATE", 6) == 0 ||
	    strncmp(sql, "DELETE", 6) == 0 || strncmp(sql, "WITH", 4) == 0))
		return NULL;
	h = sql_hash(sql);
	for (i = 0; i < PG_STMTS; i++) {
		k = (size_t)((h + i) % PG_STMTS);
		t = &PG(s)->stmts[k];
		if (t->sql == NULL)
			break;
		if (t->hash == h && strcmp(t->sql, sql) == 0)
			break;
	}
	/* Full (a quarter free at least), or a transaction already failed. */
	if (i == PG_STMTS || PQtransactionStatus(PG(s)->conn) ==
	    PQTRANS_INERROR)
		return NULL;
	if (t->sql == NULL) {
		/*
		 * Seen once: run as it is (preparing would cost a round
		 * trip more to a command that runs it once); prepared the
		 * second time.
		 */
		if (PG(s)->nstmts >= PG_STMTS * 3 / 4 ||
		    (t->sql = strdup(sql)) == NULL)
			return NULL;
		t->hash = h;
		PG(s)->nstmts++;
		return NULL;
	}
	if (t->name[0] == '\0') {
		snprintf(t->name, sizeof(t->name), "itsm_%zu", k);
		r = PQprepare(PG(s)->conn, t->name, sql, n, NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			t->name[0] = '\0';
			PQclear(r);
			return NULL;
		}
		PQclear(r);
	}
	return PQexecPrepared(PG(s)->conn, t->name, n, params, NULL, NULL, 0);
}

int
pg_exec(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, PGresult **res)
{
	PGresult *r;
	ExecStatusType st;
	const char *cmd, *count;
	int rc;

	if (res != NULL)
		*res = NULL;
	/* Bulk mode's held rows go first (pg_port.c). */
	if (pg_port_held(s) && (rc = held_first(s)) != 0)
		return rc;
	r = prepared(s, sql, n, params);
	if (r == NULL)
		r = PQexecParams(PG(s)->conn, sql, n, NULL, params, NULL, NULL,
		    0);
	st = r != NULL ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail(s, r, what);
		PQclear(r);
		return rc;
	}
	/* What changed rows, for committed() and data_version(). */
	cmd = PQcmdStatus(r);
	count = PQcmdTuples(r);
	if ((strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
	    strncmp(cmd, "DELETE", 6) == 0) && *count != '\0' &&
	    strcmp(count, "0") != 0)
		PG(s)->changed = 1;
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return 0;
}

/* Runs a statement of no parameter and no result. */
static int
run(itsm_store *s, const char *sql, const char *what)
{
	return pg_exec(s, sql, 0, NULL, what, NULL);
}

/* Ends an open transaction, whatever state it is in. */
static void
abandon(itsm_store *s)
{
	pg_port_drop(s);
	if (PQtransactionStatus(PG(s)->conn) != PQTRANS_IDLE)
		PQclear(PQexec(PG(s)->conn, "ROLLBACK"));
}

/*
 * The schema version: 0 when the database has no itsm_schema; *other
 * 1 when it has no itsm_schema but other tables (another
 * application's).
 */
static int
schema_version(itsm_store *s, int *v, int *other)
{
	PGresult *r;
	int rc;

	*v = 0;
	*other = 0;
	if ((rc = pg_exec(s, "SELECT to_regclass('itsm_schema') IS NOT NULL,"
	    " (SELECT count(*) FROM pg_catalog.pg_tables"
	    "  WHERE schemaname = current_schema())", 0, NULL,
	    "cannot read the schema version", &r)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return itsm_error(ITSM_E_INTERNAL, "cannot read the schema "
		    "version");
	}
	if (*PQgetvalue(r, 0, 0) != 't') {
		*other = atoi(PQgetvalue(r, 0, 1)) > 0;
		PQclear(r);
		return 0;
	}
	PQclear(r);
	if ((rc = pg_exec(s, "SELECT version FROM itsm_schema", 0, NULL,
	    "cannot read the schema version", &r)) != 0)
		return rc;
	*v = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return 0;
}

static int pg_begin(itsm_store *s);
static int pg_commit(itsm_store *s);
static void pg_rollback(itsm_store *s);

/* A schema version itsm cannot use: newer, or one that never was. */
static int
bad_version(itsm_store *s, int v)
{
	if (v < 0)
		return itsm_error(ITSM_E_IO, "'%s' is not a valid itsm "
		    "database: its schema version is %d", PG(s)->name, v);
	return itsm_error(ITSM_E_IO, "database '%s' has schema version %d, "
	    "newer than this itsm knows (%d): upgrade itsm", PG(s)->name, v,
	    ITSM_SCHEMA_VERSION);
}

static int
foreign(itsm_store *s)
{
	return itsm_error(ITSM_E_IO, "'%s' is not an itsm database: it has "
	    "tables of another application", PG(s)->name);
}

static int
no_schema(itsm_store *s)
{
	return itsm_error(ITSM_E_IO, "database '%s' has no itsm schema: run "
	    "'itsm db init'", PG(s)->name);
}

static int
has_schema(itsm_store *s, int v)
{
	return itsm_error(ITSM_E_REFUSED, "database '%s' has the itsm schema "
	    "already (version %d): nothing to do", PG(s)->name, v);
}


/*
 * Brings the database to version target, under the writers' lock, and
 * applies the roles and permissions (pg_roles.c): what itsm db init
 * (from no schema: init) and itsm db upgrade do, the one transaction
 * all or nothing.
 */
static int
migrate(itsm_store *s, int target, int init)
{
	char num[16];
	const char *p[1] = { num };
	const char *const *m;
	int v, other, rc;

	if ((rc = pg_begin(s)) != 0)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = schema_version(s, &v, &other)) != 0)
		goto fail;
	if (v > ITSM_SCHEMA_VERSION || v < 0) {
		rc = bad_version(s, v);
		goto fail;
	}
	if (v == 0 && other) {
		rc = foreign(s);
		goto fail;
	}
	if (init && v != 0) {
		rc = has_schema(s, v);
		goto fail;
	}
	if (!init && v == 0) {
		rc = no_schema(s);
		goto fail;
	}
	if (v == 0 && ((rc = run(s, "CREATE TABLE itsm_schema ("
	    " version integer NOT NULL, writes bigint NOT NULL DEFAULT 0)",
	    "cannot create the schema")) != 0 ||
	    (rc = run(s, "INSERT INTO itsm_schema (version) VALUES (0)",
	    "cannot create the schema")) != 0))
		goto fail;
	for (; v < target; v++)
		for (m = migrations[v]; *m != NULL; m++)
			if ((rc = run(s, *m, "cannot migrate the database")) != 0)
				goto fail;
	snprintf(num, sizeof(num), "%d", target);
	if ((rc = pg_exec(s, "UPDATE itsm_schema SET version = $1", 1, p,
	    "cannot migrate the database", NULL)) != 0)
		goto fail;
	/* The permissions are the current schema's (tests stop earlier). */
	if (target == ITSM_SCHEMA_VERSION && (rc = pg_permissions(s)) != 0)
		goto fail;
	return pg_commit(s);
fail:
	pg_rollback(s);
	return rc;
}

/*
 * itsm db upgrade: the owner of the schema only (a technician's
 * connection never runs DDL), then the migration.
 */
static int
upgrade(itsm_store *s, int target)
{
	char *owner = NULL;
	int yes, rc;

	if ((rc = pg_is_owner(s, &yes, &owner)) != 0)
		return rc;
	if (!yes)
		rc = itsm_error(ITSM_E_PERM, "cannot upgrade database '%s': "
		    "only its owner ('%s') or a superuser may", PG(s)->name,
		    owner);
	else
		rc = migrate(s, target, 0);
	free(owner);
	return rc;
}

/*
 * Whether every table and column of the current schema is there
 * (STORE_SCHEMA_CHECK, as SQLite's engine checks it): one missing is
 * named in SQLite's words, the same message on both engines.
 */
static int
check_schema(itsm_store *s)
{
	PGresult *r = PQexec(PG(s)->conn, STORE_SCHEMA_CHECK);
	const char *state, *msg, *a, *b;
	int rc = 0;

	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		goto done;
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	if (state == NULL || msg == NULL) {
		rc = pg_fail(s, r, "cannot read the schema");
		goto done;
	}
	/* relation "major_actions" does not exist; column e.x does not exist */
	if (strcmp(state, "42P01") == 0 && (a = strchr(msg, '"')) != NULL &&
	    (b = strchr(a + 1, '"')) != NULL)
		rc = itsm_error(ITSM_E_IO, "'%s' is not a valid itsm database: "
		    "no such table: %.*s", PG(s)->name, (int)(b - a - 1), a + 1);
	else if (strcmp(state, "42703") == 0 &&
	    strncmp(msg, "column ", 7) == 0 &&
	    (b = strstr(msg, " does not exist")) != NULL)
		rc = itsm_error(ITSM_E_IO, "'%s' is not a valid itsm database: "
		    "no such column: %.*s", PG(s)->name, (int)(b - msg - 7),
		    msg + 7);
	else
		rc = pg_fail(s, r, "cannot read the schema");
done:
	PQclear(r);
	return rc;
}

/* The name of the database for messages (never its password). */
static char *
name_of(const char *where, PGconn *conn)
{
	PQconninfoOption *o, *opt;
	char *name = NULL;

	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return strdup(PQdb(conn));
	if ((opt = PQconninfoParse(where, NULL)) != NULL) {
		for (o = opt; o->keyword != NULL; o++)
			if (strcmp(o->keyword, "dbname") == 0 && o->val != NULL)
				name = strdup(o->val);
		PQconninfoFree(opt);
	}
	if (name == NULL)
		name = strdup(getenv("PGDATABASE") != NULL ?
		    getenv("PGDATABASE") : "(default)");
	return name;
}

/* Why the connection failed: a refusal of who we are is 77. */
static int
connect_fail(itsm_store *s)
{
	const char *msg = PQerrorMessage(PG(s)->conn);
	const char *colon;
	int code = ITSM_E_IO;

	if (PQconnectionNeedsPassword(PG(s)->conn) ||
	    strstr(msg, "authentication failed") != NULL ||
	    strstr(msg, "permission denied") != NULL ||
	    strstr(msg, "no password supplied") != NULL ||
	    strstr(msg, "no pg_hba.conf entry") != NULL ||
	    (strstr(msg, "role \"") != NULL &&
	    strstr(msg, "does not exist") != NULL))
		code = ITSM_E_PERM;
	/* "connection to server at ... failed: why": the why. */
	if ((colon = strstr(msg, "failed: ")) != NULL &&
	    (size_t)(colon - msg) < (size_t)line_len(msg))
		msg = colon + strlen("failed: ");
	/* The server's severity is no part of the reason. */
	if (strncmp(msg, "FATAL:", 6) == 0 || strncmp(msg, "ERROR:", 6) == 0)
		msg += strspn(msg + 6, " ") + 6;
	return itsm_error(code, "cannot open database '%s': %.*s",
	    PG(s)->name, line_len(msg), msg);
}

static void pg_close(itsm_store *s);

static int
pg_open(itsm_store **out, const char *path, int flags, int busy_ms)
{
	struct pg_store *q;
	itsm_store *s;
	char ms[32];
	const char *p[1] = { ms };
	int rc, v, other;

	*out = NULL;
	if ((rc = pq_load()) != 0)
		return rc;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	q->base.engine = &itsm_engine_pg;
	s = &q->base;
	q->flags = flags;
	/* As SQLite's: no path is ITSM_DB's (app_db() leaves it to us). */
	if (path == NULL)
		path = getenv("ITSM_DB");
	if (path == NULL)
		path = "";
	q->conn = PQconnectdb(path);
	if ((q->name = name_of(path, q->conn)) == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto fail;
	}
	if (q->conn == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto fail;
	}
	if (PQstatus(q->conn) != CONNECTION_OK) {
		rc = connect_fail(s);
		goto fail;
	}
	PQsetNoticeProcessor(q->conn, quiet, NULL);
	snprintf(ms, sizeof(ms), "%dms", busy_ms);
	/*
	 * No JIT and no parallel workers: every query of itsm's is a walk
	 * of an index that returns a few rows to one process, and starting
	 * either costs more than the query (60 ms of JIT, 8 ms of workers,
	 * measured on the stagnation sweep at 1M tickets).  The planner
	 * chooses them on its row estimates, which the tie between status
	 * and age defeats: it took the sweep's 20 tickets for 60,000.
	 */
	if ((rc = pg_exec(s, "SELECT set_config('lock_timeout', $1, false), "
	    "set_config('jit', 'off', false), "
	    "set_config('max_parallel_workers_per_gather', '0', false)",
	    1, p, "cannot set up the connection", NULL)) != 0)
		goto fail;
	if ((flags & (ITSM_STORE_READONLY | ITSM_STORE_INSPECT)) &&
	    (rc = run(s, "SET "
	    "default_transaction_read_only = on", "cannot set up the "
	    "connection")) != 0)
		goto fail;
	/* Reading the version is the first thing an itsm role may do. */
	if ((rc = schema_version(s, &v, &other)) == ITSM_E_PERM)
		rc = itsm_error(ITSM_E_PERM, "cannot open database '%s': user "
		    "'%s' has no itsm role (itsm_technician, itsm_manager or "
		    "itsm_admin)", q->name, PQuser(q->conn));
	if (rc != 0)
		goto fail;
	/* A plain open never runs DDL: the schema is init's and upgrade's. */
	if (v > ITSM_SCHEMA_VERSION || v < 0)
		rc = bad_version(s, v);
	else if (v == 0 && other)
		rc = foreign(s);
	else if (flags & ITSM_STORE_INSPECT)
		rc = 0;
	else if (flags & ITSM_STORE_READONLY)
		rc = v == 0 ? no_schema(s) : v < pg_target_version ?
		    itsm_error(ITSM_E_IO, "database '%s' has schema version "
		    "%d, older than this itsm's (%d): run 'itsm db upgrade'",
		    q->name, v, pg_target_version) : 0;
	else if (flags & ITSM_STORE_INIT)
		rc = v != 0 ? has_schema(s, v) : migrate(s, pg_target_version,
		    1);
	else if (flags & ITSM_STORE_UPGRADE)
		rc = v == 0 ? no_schema(s) : upgrade(s, pg_target_version);
	else if (v == 0)
		rc = no_schema(s);
	else if (v < pg_target_version)
		rc = itsm_error(ITSM_E_IO, "database '%s' has schema version "
		    "%d, older than this itsm's (%d): run 'itsm db upgrade'",
		    q->name, v, pg_target_version);
	if (rc == 0 && !(flags & ITSM_STORE_INSPECT) &&
	    pg_target_version == ITSM_SCHEMA_VERSION)
		rc = check_schema(s);
	if (rc != 0)
		goto fail;
	q->commits = 0;		/* the migration is no command's change */
	q->settled = 1;		/* statements may be prepared now */
	*out = s;
	return 0;
fail:
	pg_close(s);
	return rc;
}

static void
pg_close(itsm_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* The server rolls back what is open when the connection ends. */
	if (PG(s)->conn != NULL)
		PQfinish(PG(s)->conn);
	pg_port_free(s);
	for (i = 0; i < PG_STMTS; i++)
		free(PG(s)->stmts[i].sql);
	free(PG(s)->name);
	free(s);
}

static int
pg_version(itsm_store *s)
{
	int v, other;

	if (schema_version(s, &v, &other) != 0)
		return -1;
	return v;
}

/*
 * The count of committed writing transactions (commit() adds one when
 * the transaction changed rows): it moves when another connection
 * commits, and when this one does.
 */
static int64_t
pg_data_version(itsm_store *s)
{
	PGresult *r;
	int64_t v = -1;

	if (pg_exec(s, "SELECT writes FROM itsm_schema", 0, NULL,
	    "cannot read the database's version", &r) != 0)
		return -1;
	if (PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* Milliseconds of the monotonic clock. */
static int64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Told, not asking: the connection listens on the channel every commit
 * that changed rows notifies, and sleeps in poll() on its socket until
 * a notification, the time, or a signal comes.
 */
static int
pg_wait(itsm_store *s, int64_t *version, int ms)
{
	PGconn *c = PG(s)->conn;
	PGnotify *note;
	struct pollfd pfd;
	int64_t end = mono_ms() + ms, v, left;
	int rc, told;

	if (!PG(s)->listening) {
		if ((rc = run(s, "LISTEN " PG_CHANNEL,
		    "cannot watch the database")) != 0)
			return rc;
		PG(s)->listening = 1;
		/* A commit before the LISTEN is told by the version. */
		if ((v = pg_data_version(s)) != *version) {
			*version = v;
			return 1;
		}
	}
	for (;;) {
		if (PQconsumeInput(c) == 0)
			return pg_fail(s, NULL, "cannot watch the database");
		told = 0;
		while ((note = PQnotifies(c)) != NULL) {
			told = 1;
			PQfreemem(note);
		}
		if (told) {
			if ((v = pg_data_version(s)) < 0)
				return pg_fail(s, NULL,
				    "cannot watch the database");
			if (v != *version) {
				*version = v;
				return 1;
			}
		}
		if ((left = end - mono_ms()) <= 0)
			return 0;
		pfd.fd = PQsocket(c);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((rc = poll(&pfd, 1, (int)left)) < 0)
			return 0;	/* a signal */
		if (rc == 0)
			return 0;
	}
}

static int
pg_begin(itsm_store *s)
{
	PGresult *res;
	const char *state;
	int rc;

	if (PG(s)->depth > 0) {
		PG(s)->depth++;
		return 0;
	}
	if (PQtransactionStatus(PG(s)->conn) != PQTRANS_IDLE)
		return itsm_error(ITSM_E_INTERNAL, "cannot start a transaction "
		    "within a reading snapshot");
	PG(s)->failed = 0;
	PG(s)->changed = 0;
	/*
	 * READ WRITE: a hot standby refuses it at once (0A000), even a
	 * sweep that would find nothing to write.
	 */
	res = PQexec(PG(s)->conn, PG(s)->flags & ITSM_STORE_READONLY ?
	    "BEGIN" : "BEGIN READ WRITE");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state != NULL && strcmp(state, "0A000") == 0)
			rc = itsm_error(ITSM_E_PERM, "cannot write database "
			    "'%s': the server is read-only", PG(s)->name);
		else
			rc = pg_fail(s, res, "cannot start a transaction");
		PQclear(res);
		return rc;
	}
	PQclear(res);
	/* One writer at a time; waits lock_timeout (busy_ms) at most. */
	if ((rc = run(s, "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")",
	    "cannot start a transaction")) != 0) {
		abandon(s);
		return rc;
	}
	PG(s)->depth = 1;
	return 0;
}

static int
pg_commit(itsm_store *s)
{
	int rc;

	if (PG(s)->depth == 0)
		return itsm_error(ITSM_E_INTERNAL, "commit without a "
		    "transaction");
	if (--PG(s)->depth > 0)
		return 0;
	if (PG(s)->failed) {
		abandon(s);
		return itsm_error(ITSM_E_INTERNAL, "an inner step failed: "
		    "nothing was written");
	}
	/* A statement failed: PostgreSQL would turn COMMIT into ROLLBACK. */
	if (PQtransactionStatus(PG(s)->conn) != PQTRANS_INTRANS) {
		abandon(s);
		return itsm_error(ITSM_E_INTERNAL, "a step of the transaction "
		    "failed: nothing was written");
	}
	/* Bulk mode's held rows (pg_port.c): one refused is the error. */
	if ((rc = held_first(s)) != 0) {
		abandon(s);
		return rc;
	}
	/* The count, and word to the watchers (sent when it commits). */
	if (PG(s)->changed && ((rc = run(s, "UPDATE itsm_schema SET writes = "
	    "writes + 1", "cannot commit")) != 0 || (rc = run(s,
	    "NOTIFY " PG_CHANNEL, "cannot commit")) != 0)) {
		abandon(s);
		return rc;
	}
	if ((rc = run(s, "COMMIT", "cannot commit")) != 0) {
		abandon(s);
		return rc;
	}
	/* A transaction that changed no row (a dry run) is no change. */
	if (PG(s)->changed)
		PG(s)->commits++;
	PG(s)->changed = 0;
	return 0;
}

static void
pg_rollback(itsm_store *s)
{
	if (PG(s)->depth == 0)
		return;
	if (--PG(s)->depth > 0) {
		PG(s)->failed = 1;
		return;
	}
	abandon(s);
	PG(s)->changed = 0;
}

static int
pg_committed(const itsm_store *s)
{
	return s != NULL && PG(s)->commits > 0;
}

static int
pg_snapshot_begin(itsm_store *s, int *began)
{
	int rc;

	*began = 0;
	if (PG(s)->depth > 0 ||
	    PQtransactionStatus(PG(s)->conn) != PQTRANS_IDLE)
		return 0;	/* within a transaction: its snapshot */
	if ((rc = run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    "cannot start reading")) != 0)
		return rc;
	*began = 1;
	return 0;
}

static void
pg_snapshot_end(itsm_store *s, int began)
{
	if (began && PG(s)->depth == 0)
		abandon(s);	/* read only: nothing to commit */
}

static int
pg_meta_get(itsm_store *s, const char *key, char **out)
{
	PGresult *r;
	const char *p[1] = { key };
	int rc;

	*out = NULL;
	if ((rc = pg_exec(s, "SELECT value FROM meta WHERE key = $1", 1, p,
	    "cannot read the store's settings", &r)) != 0)
		return rc;
	if (PQntuples(r) > 0 && (*out = strdup(PQgetvalue(r, 0, 0))) == NULL)
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
	PQclear(r);
	return rc;
}

static int
pg_meta_set(itsm_store *s, const char *key, const char *value)
{
	const char *p[2] = { key, value };

	return pg_exec(s, "INSERT INTO meta (key, value) VALUES ($1, $2)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value", 2, p,
	    "cannot save the store's settings", NULL);
}

/*
 * Rows: a result and where in it; with a cursor, the result is its
 * latest batch and the next is fetched when it is read to its end.
 */
struct store_rows {
	itsm_store *s;
	PGresult *res;
	int row, nrows;
	char cursor[32];	/* "" when res is the whole result */
	int hold;		/* the cursor is WITH HOLD: closed at the end */
	const char *what;
	/* Rows of the engine's making (pg_rows_made): no result. */
	int (*made)(void *arg, struct store_value *v);
	void *arg;
	size_t n;
	struct store_value v[];
};

int
pg_rows_made(itsm_store *s, size_t n,
    int (*next)(void *arg, struct store_value *v), void *arg,
    struct store_rows **out)
{
	struct store_rows *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r) + n * sizeof(r->v[0]))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	r->s = s;
	r->made = next;
	r->arg = arg;
	r->n = n;
	*out = r;
	return 0;
}

static int
rows_open(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, int stream, struct store_rows **out)
{
	struct store_rows *r = NULL;
	PGresult *res = NULL;
	char cursor[32] = "", decl[80];
	char *full = NULL;
	int rc, in = PQtransactionStatus(PG(s)->conn) == PQTRANS_INTRANS;
	int hold = !in && stream &&
	    PQtransactionStatus(PG(s)->conn) == PQTRANS_IDLE;

	*out = NULL;
	if (in || hold) {
		snprintf(cursor, sizeof(cursor), "itsm_rows_%u",
		    PG(s)->cursors++);
		snprintf(decl, sizeof(decl), "DECLARE %s NO SCROLL CURSOR%s FOR ",
		    cursor, hold ? " WITH HOLD" : "");
		if ((full = malloc(strlen(decl) + strlen(sql) + 1)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		strcpy(full, decl);
		strcat(full, sql);
		rc = pg_exec(s, full, n, params, what, NULL);
		free(full);
		if (rc != 0)
			return rc;
		snprintf(decl, sizeof(decl), "FETCH " PG_BATCH " FROM %s",
		    cursor);
		rc = pg_exec(s, decl, 0, NULL, what, &res);
	} else {
		rc = pg_exec(s, sql, n, params, what, &res);
	}
	if (rc != 0)
		return rc;
	if ((r = calloc(1, sizeof(*r) + (size_t)PQnfields(res) *
	    sizeof(r->v[0]))) == NULL) {
		PQclear(res);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	r->s = s;
	r->res = res;
	r->nrows = PQntuples(res);
	snprintf(r->cursor, sizeof(r->cursor), "%s", cursor);
	r->hold = hold;
	r->what = what;
	r->n = (size_t)PQnfields(res);
	*out = r;
	return 0;
}

int
pg_rows(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, struct store_rows **out)
{
	return rows_open(s, sql, n, params, what, 0, out);
}

int
pg_rows_stream(itsm_store *s, const char *sql, int n,
    const char *const *params, const char *what, struct store_rows **out)
{
	return rows_open(s, sql, n, params, what, 1, out);
}

/* The server's type numbers (pg_type.oid) a value is read by. */
#define PG_BOOL 16
#define PG_INT8 20
#define PG_INT2 21
#define PG_INT4 23
#define PG_FLOAT4 700
#define PG_FLOAT8 701
#define PG_NUMERIC 1700

static void
pg_value(const PGresult *res, int row, int i, struct store_value *v)
{
	const char *t = PQgetvalue(res, row, i);

	/* Only the member of the value's type is meaningful; the others 0. */
	v->i = 0;
	v->r = 0;
	v->s = NULL;
	v->len = 0;
	if (PQgetisnull(res, row, i)) {
		v->type = STORE_NULL;
		return;
	}
	switch (PQftype(res, i)) {
	case PG_BOOL:
		v->type = STORE_INT;
		v->i = *t == 't';
		break;
	case PG_INT2:
	case PG_INT4:
	case PG_INT8:
		v->type = STORE_INT;
		v->i = strtoll(t, NULL, 10);
		break;
	case PG_FLOAT4:
	case PG_FLOAT8:
	case PG_NUMERIC:
		v->type = STORE_REAL;
		v->r = strtod(t, NULL);
		break;
	default:
		v->type = STORE_TEXT;
		v->s = t;
		v->len = (size_t)PQgetlength(res, row, i);
		break;
	}
}

static int
pg_rows_next(struct store_rows *r, const struct store_value **row, size_t *n)
{
	char sql[64];
	size_t i;
	int rc;

	if (r->made != NULL) {
		if ((rc = r->made(r->arg, r->v)) != 1)
			return rc;
		*row = r->v;
		*n = r->n;
		return 1;
	}
	if (r->row == r->nrows) {
		if (r->cursor[0] == '\0' || r->nrows < atoi(PG_BATCH))
			return 0;
		PQclear(r->res);
		r->res = NULL;
		snprintf(sql, sizeof(sql), "FETCH " PG_BATCH " FROM %s",
		    r->cursor);
		if ((rc = pg_exec(r->s, sql, 0, NULL, r->what, &r->res)) != 0) {
			r->nrows = r->row = 0;
			return rc;
		}
		r->row = 0;
		r->nrows = PQntuples(r->res);
		if (r->nrows == 0)
			return 0;
	}
	for (i = 0; i < r->n; i++)
		pg_value(r->res, r->row, (int)i, &r->v[i]);
	r->row++;
	*row = r->v;
	*n = r->n;
	return 1;
}

static void
pg_rows_free(struct store_rows *r)
{
	char sql[64];

	if (r == NULL)
		return;
	PQclear(r->res);
	/*
	 * The cursor ends with its transaction, if that ended first; one
	 * WITH HOLD outlives it, and is closed unless a transaction failed
	 * meanwhile (the session's end closes it then).
	 */
	if (r->cursor[0] != '\0' &&
	    (PQtransactionStatus(PG(r->s)->conn) == PQTRANS_INTRANS ||
	    (r->hold && PQtransactionStatus(PG(r->s)->conn) ==
	    PQTRANS_IDLE))) {
		snprintf(sql, sizeof(sql), "CLOSE %s", r->cursor);
		(void)pg_exec(r->s, sql, 0, NULL, "cannot end a query", NULL);
	}
	free(r);
}

/* A database on a server: no file of its own. */
static const char *const pg_files[] = { NULL };

static const struct engine_core pg_core = {
	.open = pg_open,
	.close = pg_close,
	.files = pg_files,
	.version = pg_version,
	.data_version = pg_data_version,
	.wait = pg_wait,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.committed = pg_committed,
	.snapshot_begin = pg_snapshot_begin,
	.snapshot_end = pg_snapshot_end,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.rows_next = pg_rows_next,
	.rows_free = pg_rows_free,
	.test_set_version = pg_test_set_version,
	.whoami = pg_whoami,
};

/*
 * The tickets' ops are in pg_ticket.c, the majors' in pg_major.c, the
 * statistics' in pg_stats.c, the imports' in pg_port.c.
 */

const struct store_engine itsm_engine_pg = {
	.version = STORE_ENGINE_VERSION,
	.name = "pg",
	.core = &pg_core,
	.tickets = &pg_tickets,
	.majors = &pg_majors,
	.stats = &pg_stats,
	.port = &pg_port,
	.outbox = &pg_outbox,
	.attachments = &pg_attachments,
};

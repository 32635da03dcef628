/*
 * The PostgreSQL engine's own tests (the contract tests are in
 * test_engine.c): its rows (cursor batches, nesting, writes meanwhile,
 * the value types, tickets streamed outside a transaction), the schemas
 * it refuses, and how a failed connection is told.  Runs on the
 * throwaway server of tests/pg-run.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/itsm.h"
#include "itsm/error.h"
#include "engine.h"
#include "store_int.h"
#include "store_stats.h"
#include "pg/pg_int.h"

static void
quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Runs sql on database db through a connection of its own. */
static int
admin(const char *db, const char *sql)
{
	char conninfo[128];
	PGconn *c;
	PGresult *r;
	int rc = -1;

	snprintf(conninfo, sizeof(conninfo), "dbname=%s", db);
	c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "# no PostgreSQL server: %s# run this test "
		    "under pg_virtualenv (make unit does)\n",
		    PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK)
		rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ?
		    atoi(PQgetvalue(r, 0, 0)) : 0;
	else
		fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

struct fx {
	char name[64], where[96];
};

static int
setup(void **state)
{
	static unsigned n;
	struct fx *f = calloc(1, sizeof(*f));
	char sql[128];

	if (f == NULL)
		return -1;
	*state = f;
	snprintf(f->name, sizeof(f->name), "itsm_pg_%ld_%u", (long)getpid(),
	    n++);
	snprintf(f->where, sizeof(f->where), "dbname=%s", f->name);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->name);
	return admin("postgres", sql);
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    f->name);
	(void)admin("postgres", sql);
	free(f);
	return 0;
}

static itsm_store *
open_ok(const struct fx *f, int flags)
{
	itsm_store *s = NULL;

	assert_int_equal(itsm_engine_pg.core->open(&s, f->where, flags, 1000),
	    0);
	return s;
}

/* itsm db init on the test's database, then a plain open. */
static itsm_store *
init_ok(const struct fx *f)
{
	itsm_store_close(open_ok(f, ITSM_STORE_INIT));
	return open_ok(f, 0);
}

/* One line, no newline: the message of a failure. */
static void
assert_one_line(const char *want)
{
	const char *msg = itsm_errmsg();

	assert_null(strchr(msg, '\n'));
	if (strstr(msg, want) == NULL)
		fail_msg("'%s' not in '%s'", want, msg);
}

/*
 * Inside a transaction the rows come through a cursor, in batches: more
 * rows than a batch, a stream nested in another, and writes meanwhile,
 * which the walk does not see.  Each type as the interface says.
 */
static void
test_rows_in_a_transaction(void **state)
{
	struct fx *f = *state;
	itsm_store *s = init_ok(f);
	const struct store_value *v, *w;
	struct store_rows *r, *inner;
	char key[32];
	size_t i, k, n, m;

	assert_int_equal(itsm_store_begin(s), 0);
	for (i = 0; i < 2500; i++) {
		snprintf(key, sizeof(key), "k%05zu", i);
		assert_int_equal(store_meta_set(s, key, "v"), 0);
	}
	assert_int_equal(pg_rows(s, "SELECT key, value, length(key),"
	    " 1.5::float8, key = 'k00001', NULL FROM meta ORDER BY key", 0,
	    NULL, "test", &r), 0);
	for (i = 0; store_rows_next(s, r, &v, &n) == 1; i++) {
		snprintf(key, sizeof(key), "k%05zu", i);
		assert_int_equal(n, 6);
		assert_int_equal(v[0].type, STORE_TEXT);
		assert_string_equal(v[0].s, key);
		assert_int_equal(v[0].len, 6);
		assert_int_equal(v[2].type, STORE_INT);
		assert_int_equal(v[2].i, 6);
		assert_int_equal(v[3].type, STORE_REAL);
		assert_true(v[3].r == 1.5);
		assert_int_equal(v[4].type, STORE_INT);
		assert_int_equal(v[4].i, i == 1);
		assert_int_equal(v[5].type, STORE_NULL);
		if (i % 700 == 0) {
			const char *p[1] = { key };

			/* A write meanwhile: after the walk's snapshot. */
			snprintf(key, sizeof(key), "z%05zu", i);
			assert_int_equal(store_meta_set(s, key, "new"), 0);
			assert_int_equal(pg_rows(s, "SELECT value FROM meta"
			    " WHERE key = $1", 1, p, "test", &inner), 0);
			for (k = 0; store_rows_next(s, inner, &w, &m) == 1; k++)
				assert_string_equal(w[0].s, "new");
			assert_int_equal(k, 1);
			store_rows_free(s, inner);
		}
	}
	assert_int_equal(i, 2500);
	store_rows_free(s, r);
	assert_int_equal(itsm_store_commit(s), 0);
	/* Outside a transaction: the whole result at once. */
	assert_int_equal(pg_rows(s, "SELECT key FROM meta", 0, NULL, "test",
	    &r), 0);
	for (i = 0; store_rows_next(s, r, &v, &n) == 1; i++)
		;
	assert_int_equal(i, 2504);
	store_rows_free(s, r);
	itsm_store_close(s);
}

/* How many WITH HOLD cursors the connection has open. */
static int
held_cursors(itsm_store *s)
{
	const struct store_value *v;
	struct store_rows *r;
	size_t n;
	int k;

	assert_int_equal(pg_rows(s, "SELECT count(*) FROM pg_cursors"
	    " WHERE is_holdable", 0, NULL, "test", &r), 0);
	assert_int_equal(store_rows_next(s, r, &v, &n), 1);
	k = (int)v[0].i;
	store_rows_free(s, r);
	return k;
}

/*
 * Tickets selected outside a transaction (list --all, export) come
 * through a cursor WITH HOLD, in batches, as of when it was declared:
 * a write meanwhile is not seen, and the cursor is closed when the rows
 * are freed, read to their end or not.  A select with a limit reads its
 * few rows at once.
 */
static void
test_tickets_streamed_outside_a_transaction(void **state)
{
	struct fx *f = *state;
	itsm_store *s = init_ok(f);
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v;
	struct store_rows *r;
	size_t i, n;

	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(pg_exec(s, "INSERT INTO tickets (id, summary, caller,"
	    " affected, opened_at, updated_at) SELECT g, 's', 'c', 'c', g, g"
	    " FROM generate_series(1, 2500) g", 0, NULL, "test", NULL), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(store_ticket_select(s, &q, &r), 0);
	for (i = 0; store_rows_next(s, r, &v, &n) == 1; i++) {
		assert_int_equal(n, 1);
		assert_int_equal(v[0].i, (int64_t)i + 1);
		if (i == 0)
			assert_int_equal(held_cursors(s), 1);
		if (i == 1200) {
			/* A write meanwhile: after the cursor's snapshot. */
			assert_int_equal(itsm_store_begin(s), 0);
			assert_int_equal(pg_exec(s, "INSERT INTO tickets (id,"
			    " summary, caller, affected, opened_at,"
			    " updated_at) VALUES (9999, 's', 'c', 'c', 1, 1)",
			    0, NULL, "test", NULL), 0);
			assert_int_equal(itsm_store_commit(s), 0);
		}
	}
	assert_int_equal(i, 2500);
	store_rows_free(s, r);
	assert_int_equal(held_cursors(s), 0);
	/* Freed early: closed too. */
	assert_int_equal(store_ticket_select(s, &q, &r), 0);
	assert_int_equal(store_rows_next(s, r, &v, &n), 1);
	store_rows_free(s, r);
	assert_int_equal(held_cursors(s), 0);
	/* A limit: no cursor. */
	q.limit = 3;
	assert_int_equal(store_ticket_select(s, &q, &r), 0);
	assert_int_equal(held_cursors(s), 0);
	for (i = 0; store_rows_next(s, r, &v, &n) == 1; i++)
		;
	assert_int_equal(i, 3);
	store_rows_free(s, r);
	itsm_store_close(s);
}

/* A failed query is one line, and a stream freed early is no harm. */
static void
test_rows_failure_and_early_free(void **state)
{
	struct fx *f = *state;
	itsm_store *s = init_ok(f);
	const struct store_value *v;
	struct store_rows *r = NULL;
	size_t n;

	assert_int_equal(pg_rows(s, "SELECT nothing FROM nowhere", 0, NULL,
	    "cannot read nowhere", &r), ITSM_E_INTERNAL);
	assert_null(r);
	assert_one_line("cannot read nowhere: relation \"nowhere\" does not "
	    "exist");
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(pg_rows(s, "SELECT generate_series(1, 5000)", 0,
	    NULL, "test", &r), 0);
	assert_int_equal(store_rows_next(s, r, &v, &n), 1);
	store_rows_free(s, r);
	assert_int_equal(store_meta_set(s, "k", "v"), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	itsm_store_close(s);
}

/* A newer schema is refused, as on SQLite; an older one is migrated. */
static void
test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	itsm_store *s = init_ok(f);

	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	itsm_store_close(s);
	assert_int_equal(admin(f->name, "UPDATE itsm_schema SET version = 99"),
	    0);
	s = NULL;
	assert_int_equal(itsm_engine_pg.core->open(&s, f->where, 0, 1000),
	    ITSM_E_IO);
	assert_null(s);
	assert_one_line("has schema version 99, newer than this itsm knows");
	assert_int_equal(itsm_engine_pg.core->open(&s, f->where,
	    ITSM_STORE_READONLY, 1000), ITSM_E_IO);
	assert_null(s);
}

/* Another application's database is refused, and left as it was. */
static void
test_foreign_database_refused(void **state)
{
	struct fx *f = *state;
	itsm_store *s = NULL;

	assert_int_equal(admin(f->name, "CREATE TABLE theirs (x int)"), 0);
	assert_int_equal(itsm_engine_pg.core->open(&s, f->where, 0, 1000),
	    ITSM_E_IO);
	assert_null(s);
	assert_one_line("is not an itsm database");
	assert_int_equal(admin(f->name, "SELECT count(*) FROM pg_tables"
	    " WHERE schemaname = 'public'"), 1);
}

/* Read-only, an empty database is refused and nothing is created. */
static void
test_read_only_creates_nothing(void **state)
{
	struct fx *f = *state;
	itsm_store *s = NULL;

	assert_int_equal(itsm_engine_pg.core->open(&s, f->where,
	    ITSM_STORE_READONLY, 1000), ITSM_E_IO);
	assert_null(s);
	assert_one_line("has no itsm schema");
	assert_int_equal(admin(f->name, "SELECT count(*) FROM pg_tables"
	    " WHERE schemaname = 'public'"), 0);
	/* Read-only, a current database reads but never writes. */
	itsm_store_close(open_ok(f, ITSM_STORE_INIT));
	s = open_ok(f, ITSM_STORE_READONLY);
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(store_meta_set(s, "k", "v"), ITSM_E_PERM);
	assert_one_line("the server is read-only");
	itsm_store_rollback(s);
	itsm_store_close(s);
}

/*
 * The server keeps events append-only and tickets undeleted, even for
 * the owner: a permission refused (77).
 */
static void
test_history_is_append_only(void **state)
{
	struct fx *f = *state;
	itsm_store *s = init_ok(f);
	static const char *const refused[] = {
		"UPDATE events SET message = 'rewritten'",
		"DELETE FROM events",
		"TRUNCATE events",
		"DELETE FROM tickets",
	};
	size_t i;

	/* Ids are the engine's to give (no identity column): given here. */
	assert_int_equal(pg_exec(s, "INSERT INTO tickets (id, summary, caller,"
	    " affected, opened_at, updated_at) VALUES (1, 's', 'a', 'a', 1, 1)",
	    0, NULL, "test", NULL), 0);
	assert_int_equal(pg_exec(s, "INSERT INTO events (id, ticket, at,"
	    " recorded_at, actor, login, kind) SELECT 1, id, 1, 1, 'a', 'a',"
	    " 'open' FROM tickets", 0, NULL, "test", NULL), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(pg_exec(s, refused[i], 0, NULL, "cannot "
		    "change the history", NULL), ITSM_E_PERM);
		assert_one_line(i < 3 ? "events are append-only" :
		    "tickets are never deleted");
	}
	assert_int_equal(admin(f->name, "SELECT count(*) FROM events"
	    " WHERE message IS NULL"), 1);
	itsm_store_close(s);
}

/* Connecting fails in one line: 74 for where, 77 for who. */
static void
test_connection_failures(void **state)
{
	itsm_store *s = NULL;
	char where[256];
	const char *host = getenv("PGHOST"), *port = getenv("PGPORT");

	(void)state;
	assert_int_equal(itsm_engine_pg.core->open(&s,
	    "host=127.0.0.1 port=1 dbname=x connect_timeout=5", 0, 1000),
	    ITSM_E_IO);
	assert_null(s);
	assert_one_line("cannot open database 'x': ");
	assert_int_equal(itsm_engine_pg.core->open(&s,
	    "dbname=itsm_no_such_database", 0, 1000), ITSM_E_IO);
	assert_one_line("does not exist");
	snprintf(where, sizeof(where), "host=%s port=%s dbname=postgres "
	    "user=postgres password=wrong", host != NULL ? host : "localhost",
	    port != NULL ? port : "5432");
	assert_int_equal(itsm_engine_pg.core->open(&s, where, 0, 1000),
	    ITSM_E_PERM);
	assert_one_line("authentication failed");
	/* Never the password in a message. */
	assert_null(strstr(itsm_errmsg(), "wrong"));
	assert_null(s);
}

/*
 * Identities and permissions, enforced by the server (pg_roles.c):
 * login roles of each level, connecting as psql would, raw SQL.
 */

/* A login role (password "pw") in group (NULL: none), made once. */
static void
login_role(const char *name, const char *group, const char *extra)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM"
	    " pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s LOGIN"
	    " PASSWORD 'pw' %s; END IF; END $$", name, name,
	    extra != NULL ? extra : "");
	assert_int_equal(admin("postgres", sql), 0);
	if (group != NULL) {
		snprintf(sql, sizeof(sql), "GRANT %s TO %s", group, name);
		assert_int_equal(admin("postgres", sql), 0);
	}
}

static PGconn *
login(const char *db, const char *user)
{
	char conninfo[256];
	PGconn *c;

	snprintf(conninfo, sizeof(conninfo), "dbname=%s user=%s password=pw",
	    db, user);
	c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot log in as %s: %s", user, PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	return c;
}

/* The SQLSTATE sql ends with on c ("00000": it worked). */
static const char *
sqlstate(PGconn *c, const char *sql)
{
	static char state[8];
	PGresult *r = PQexec(c, sql);
	const char *e;

	if (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK)
		snprintf(state, sizeof(state), "00000");
	else if ((e = PQresultErrorField(r, PG_DIAG_SQLSTATE)) != NULL)
		snprintf(state, sizeof(state), "%s", e);
	else
		snprintf(state, sizeof(state), "?????");
	PQclear(r);
	return state;
}

static void
refused(PGconn *c, const char *sql)
{
	const char *st = sqlstate(c, sql);

	if (strcmp(st, "42501") != 0)
		fail_msg("not refused (42501) but %s: %s", st, sql);
}

static void
allowed(PGconn *c, const char *sql)
{
	const char *st = sqlstate(c, sql);

	if (strcmp(st, "00000") != 0)
		fail_msg("refused (%s): %s: %s", st, sql, PQerrorMessage(c));
}

/* The integer sql gives on c. */
static long long
int_of(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long long v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return v;
}

/*
 * The database of the test, made by itsm db init (as the superuser),
 * with tickets 1 in progress (a proposed major), 2 closed, 3 resolved,
 * 4 in progress (an active major), 5 closed; and the login roles.
 */
static void
roles_fixture(const struct fx *f)
{
	itsm_store_close(open_ok(f, ITSM_STORE_INIT));
	assert_int_equal(admin(f->name, "INSERT INTO tickets (id, summary,"
	    " caller, affected, opened_at, updated_at, status) VALUES"
	    " (1, 's', 'a', 'a', 1, 1, 'in_progress'),"
	    " (2, 's', 'a', 'a', 1, 1, 'closed'),"
	    " (3, 's', 'a', 'a', 1, 1, 'resolved'),"
	    " (4, 's', 'a', 'a', 1, 1, 'in_progress'),"
	    " (5, 's', 'a', 'a', 1, 1, 'closed')"), 0);
	assert_int_equal(admin(f->name, "INSERT INTO majors (ticket, state)"
	    " VALUES (1, 'proposed'), (4, 'active')"), 0);
	assert_int_equal(admin(f->name, "INSERT INTO events (id, ticket, at,"
	    " recorded_at, actor, login, kind) VALUES (1, 1, 1, 1, 'ann', 'ann',"
	    " 'open')"), 0);
	login_role("itsm_t_tech", "itsm_technician", NULL);
	login_role("itsm_t_mgr", "itsm_manager", NULL);
	login_role("itsm_t_nobody", NULL, NULL);
}

/* What no role below admin may do, nor even an admin for events. */
static void
refused_to_all(PGconn *c, const char *self)
{
	char sql[256];

	refused(c, "UPDATE events SET message = 'rewritten'");
	refused(c, "DELETE FROM events");
	refused(c, "TRUNCATE events");
	refused(c, "DELETE FROM tickets WHERE id = 3");
	/* An event as someone else. */
	refused(c, "INSERT INTO events (id, ticket, at, recorded_at, actor,"
	    " login, kind) VALUES (100, 1, 2, 2, 'ann', 'ann', 'note')");
	/* A ticket that is not a new one. */
	refused(c, "INSERT INTO tickets (id, summary, caller, affected,"
	    " opened_at, updated_at, status) VALUES (100, 's', 'a', 'a', 1, 1,"
	    " 'closed')");
	refused(c, "INSERT INTO tickets (id, summary, caller, affected,"
	    " opened_at, updated_at, reopen_count) VALUES (101, 's', 'a', 'a',"
	    " 1, 1, 3)");
	/* DDL. */
	refused(c, "CREATE TABLE mine (x int)");
	refused(c, "ALTER TABLE events DISABLE TRIGGER events_append_only");
	refused(c, "DROP TRIGGER events_guard ON events");
	refused(c, "DROP TABLE events");
	refused(c, "CREATE OR REPLACE FUNCTION itsm_role_level() RETURNS"
	    " integer LANGUAGE sql AS 'SELECT 3'");
	refused(c, "UPDATE itsm_schema SET version = 99");
	refused(c, "ALTER TABLE events OWNER TO CURRENT_USER");
	/* What is allowed: an event of one's own, at the server's clock. */
	snprintf(sql, sizeof(sql), "INSERT INTO events (id, ticket, at,"
	    " recorded_at, actor, login, kind) SELECT max(id) + 1, 1, 3, 3,"
	    " '%s', 'x', 'note' FROM events", self);
	allowed(c, sql);
	assert_true(int_of(c, "SELECT max(recorded_at) FROM events") >
	    1700000000);
	snprintf(sql, sizeof(sql), "INSERT INTO tickets (id, summary, caller,"
	    " affected, opened_at, updated_at) SELECT max(id) + 1, 's', '%s',"
	    " 'a', 1, 1 FROM tickets", self);
	allowed(c, sql);
	allowed(c, "INSERT INTO meta (key, value) VALUES ('k', 'v')"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	allowed(c, "INSERT INTO meta (key, value) VALUES ('k', 'w')"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	allowed(c, "UPDATE itsm_schema SET writes = writes + 1");
}

static void
test_technician_permissions(void **state)
{
	struct fx *f = *state;
	PGconn *c;
	itsm_store *s = NULL;
	struct itsm_who w;
	char where[128];

	roles_fixture(f);
	c = login(f->name, "itsm_t_tech");
	refused_to_all(c, "itsm_t_tech");
	/* A manager's: cancel, reopen what is closed, majors' decisions. */
	refused(c, "UPDATE tickets SET status = 'cancelled' WHERE id = 1");
	refused(c, "UPDATE tickets SET status = 'in_progress' WHERE id = 2");
	refused(c, "UPDATE tickets SET major = 1 WHERE id = 1");
	refused(c, "UPDATE majors SET state = 'active', declared_at = 5,"
	    " declared_by = 'itsm_t_tech' WHERE ticket = 1");
	refused(c, "UPDATE majors SET state = 'rejected' WHERE ticket = 1");
	refused(c, "INSERT INTO majors (ticket, state) VALUES (3, 'active')");
	/* Ending an active major without resolving it: at the commit. */
	allowed(c, "BEGIN");
	allowed(c, "UPDATE majors SET state = 'ended', ended_at = 5"
	    " WHERE ticket = 4");
	refused(c, "COMMIT");
	/* The workflow: resolve, close, reopen a resolved one, propose. */
	allowed(c, "UPDATE tickets SET status = 'resolved', resolved_at = 5"
	    " WHERE id = 1");
	allowed(c, "UPDATE tickets SET status = 'in_progress',"
	    " reopen_count = 1 WHERE id = 3");
	allowed(c, "UPDATE tickets SET status = 'resolved' WHERE id = 3");
	allowed(c, "UPDATE tickets SET status = 'closed', closed_at = 6"
	    " WHERE id = 3");
	allowed(c, "UPDATE majors SET bridge = 'room 1' WHERE ticket = 1");
	allowed(c, "INSERT INTO majors (ticket, state, proposed_at, proposal)"
	    " VALUES (2, 'proposed', 5, 'storm')");
	allowed(c, "INSERT INTO major_roster (ticket, name, role, since)"
	    " VALUES (4, 'bob', 'scribe', 5)");
	allowed(c, "UPDATE major_roster SET role = 'comms' WHERE ticket = 4");
	allowed(c, "DELETE FROM major_roster WHERE ticket = 4");
	allowed(c, "INSERT INTO major_findings (id, ticket, kind, text, at)"
	    " VALUES (1, 4, 'lucky', 't', 5)");
	allowed(c, "INSERT INTO major_actions (ticket, n, text, owner, due)"
	    " VALUES (4, 1, 't', 'bob', 9)");
	allowed(c, "UPDATE major_actions SET done_at = 7 WHERE ticket = 4");
	/* The outbox: queue, claim, mark; never rewrite what is sent. */
	allowed(c, "INSERT INTO outbox (id, created_at, ticket, kind, name,"
	    " recipients, message_id, payload, next_attempt_at) VALUES"
	    " (1, 5, 1, 'mail', 'opened', 'a@b', '<1@x>', 'm', 5)");
	allowed(c, "INSERT INTO mail_messages (message_id, ticket, direction,"
	    " at) VALUES ('<1@x>', 1, 'out', 5)");
	allowed(c, "UPDATE outbox SET attempts = 1, next_attempt_at = 9,"
	    " state = 'sent', sent_at = 6, last_error = NULL WHERE id = 1");
	refused(c, "UPDATE outbox SET payload = 'other' WHERE id = 1");
	refused(c, "DELETE FROM mail_messages");
	/* Attachments: stored and read, never rewritten nor deleted. */
	allowed(c, "INSERT INTO blobs (sha256, size, data) VALUES"
	    " (repeat('a', 64), 1, '\\x00')");
	allowed(c, "INSERT INTO attachments (id, ticket, name, type, size,"
	    " sha256, at) VALUES (1, 1, 'f', 'text/plain', 1, repeat('a', 64),"
	    " 5)");
	refused(c, "UPDATE blobs SET data = '\\x01'");
	refused(c, "UPDATE attachments SET name = 'g'");
	refused(c, "DELETE FROM attachments");
	/* Resolving a major's ticket ends the major, in one transaction. */
	allowed(c, "BEGIN");
	allowed(c, "UPDATE majors SET state = 'ended', ended_at = 5"
	    " WHERE ticket = 4");
	allowed(c, "UPDATE tickets SET status = 'resolved' WHERE id = 4");
	allowed(c, "COMMIT");
	PQfinish(c);

	/* Through the engine: who, and no DDL. */
	snprintf(where, sizeof(where), "dbname=%s user=itsm_t_tech "
	    "password=pw", f->name);
	assert_int_equal(itsm_engine_pg.core->open(&s, where, 0, 1000), 0);
	assert_int_equal(itsm_store_whoami(s, &w), 0);
	assert_string_equal(w.user, "itsm_t_tech");
	assert_int_equal(w.role, ITSM_ROLE_TECHNICIAN);
	itsm_who_free(&w);
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(pg_exec(s, "UPDATE tickets SET status = 'cancelled'"
	    " WHERE id = 1", 0, NULL, "cannot cancel INC-1", NULL),
	    ITSM_E_PERM);
	assert_one_line("cannot cancel INC-1: cancelling a ticket needs "
	    "itsm_manager");
	itsm_store_rollback(s);
	itsm_store_close(s);
	s = NULL;
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_UPGRADE, 1000), ITSM_E_PERM);
	assert_one_line("only its owner ('postgres') or a superuser may");
	assert_null(s);
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_INIT, 1000), ITSM_E_REFUSED);
	assert_null(s);
}

static void
test_manager_permissions(void **state)
{
	struct fx *f = *state;
	PGconn *c;
	itsm_store *s = NULL;
	struct itsm_who w;
	char where[128];

	roles_fixture(f);
	c = login(f->name, "itsm_t_mgr");
	refused_to_all(c, "itsm_t_mgr");
	/* SET ROLE changes no identity: session_user is the one checked. */
	allowed(c, "SET ROLE itsm_technician");
	refused(c, "INSERT INTO events (id, ticket, at, recorded_at, actor,"
	    " login, kind) VALUES (100, 1, 2, 2, 'itsm_technician', 'x',"
	    " 'note')");
	allowed(c, "RESET ROLE");
	allowed(c, "UPDATE tickets SET status = 'cancelled' WHERE id = 3");
	allowed(c, "UPDATE tickets SET status = 'in_progress' WHERE id = 2");
	allowed(c, "UPDATE majors SET state = 'active', declared_at = 5,"
	    " declared_by = 'itsm_t_mgr' WHERE ticket = 1");
	allowed(c, "UPDATE tickets SET major = 1 WHERE id = 1");
	allowed(c, "UPDATE majors SET state = 'ended', ended_at = 6"
	    " WHERE ticket = 4");
	allowed(c, "INSERT INTO majors (ticket, state) VALUES (5, 'rejected')");
	PQfinish(c);

	snprintf(where, sizeof(where), "dbname=%s user=itsm_t_mgr "
	    "password=pw", f->name);
	assert_int_equal(itsm_engine_pg.core->open(&s, where, 0, 1000), 0);
	assert_int_equal(itsm_store_whoami(s, &w), 0);
	assert_int_equal(w.role, ITSM_ROLE_MANAGER);
	itsm_who_free(&w);
	itsm_store_close(s);
	s = NULL;
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_UPGRADE, 1000), ITSM_E_PERM);
	assert_null(s);

	/* No itsm role: nothing to read. */
	c = login(f->name, "itsm_t_nobody");
	refused(c, "SELECT * FROM tickets");
	refused(c, "INSERT INTO tickets (id, summary, caller, affected,"
	    " opened_at, updated_at) VALUES (100, 's', 'a', 'a', 1, 1)");
	PQfinish(c);
	snprintf(where, sizeof(where), "dbname=%s user=itsm_t_nobody "
	    "password=pw", f->name);
	assert_int_equal(itsm_engine_pg.core->open(&s, where, 0, 1000),
	    ITSM_E_PERM);
	assert_one_line("user 'itsm_t_nobody' has no itsm role");
	assert_null(s);
}

/*
 * Init by the database's owner, not a superuser: it becomes an admin,
 * and may upgrade; one that may not create roles nor grant them is
 * refused (77), and nothing is made.
 */
static void
test_init_by_the_owner(void **state)
{
	struct fx *f = *state;
	itsm_store *s = NULL;
	struct itsm_who w;
	char where[128], sql[128];

	itsm_store_close(init_ok(f));	/* the roles exist */
	login_role("itsm_t_owner", NULL, "CREATEROLE");
	login_role("itsm_t_plain", NULL, NULL);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s_o OWNER itsm_t_owner",
	    f->name);
	assert_int_equal(admin("postgres", sql), 0);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s_p OWNER itsm_t_plain",
	    f->name);
	assert_int_equal(admin("postgres", sql), 0);

	snprintf(where, sizeof(where), "dbname=%s_p user=itsm_t_plain "
	    "password=pw", f->name);
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_INIT, 1000), ITSM_E_PERM);
	assert_one_line("cannot create the roles: ");
	assert_null(s);
	snprintf(sql, sizeof(sql), "%s_p", f->name);
	assert_int_equal(admin(sql, "SELECT count(*) FROM pg_tables"
	    " WHERE schemaname = 'public'"), 0);

	snprintf(where, sizeof(where), "dbname=%s_o user=itsm_t_owner "
	    "password=pw", f->name);
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_INIT, 1000), 0);
	assert_int_equal(itsm_store_whoami(s, &w), 0);
	assert_int_equal(w.role, ITSM_ROLE_ADMIN);
	itsm_who_free(&w);
	itsm_store_close(s);
	snprintf(sql, sizeof(sql), "%s_o", f->name);
	assert_int_equal(admin(sql, "SELECT count(*) FROM pg_auth_members"
	    " WHERE roleid = 'itsm_admin'::regrole"
	    " AND member = 'itsm_t_owner'::regrole"), 1);
	assert_int_equal(itsm_engine_pg.core->open(&s, where,
	    ITSM_STORE_UPGRADE, 1000), 0);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	itsm_store_close(s);
	snprintf(sql, sizeof(sql), "DROP DATABASE %s_o WITH (FORCE)", f->name);
	(void)admin("postgres", sql);
	snprintf(sql, sizeof(sql), "DROP DATABASE %s_p WITH (FORCE)", f->name);
	(void)admin("postgres", sql);
}

/*
 * The statistics' sorter, on a connection that cannot write (a
 * read-only store, in its snapshot: no temporary table could be made
 * there): more triples than it keeps in memory come back in order, each
 * once.  A file it cannot make is one line, ITSM_E_IO, naming where.
 */
static void
test_sorter_read_only(void **state)
{
	struct fx *f = *state;
	const char *env = getenv("TMPDIR");
	char *tmpdir = env != NULL ? strdup(env) : NULL;
	itsm_store *s = NULL;
	struct store_sorter *t = NULL;
	struct store_rows *r;
	const struct store_value *v;
	size_t n, i;
	int64_t k = 0;
	int began, rc;

	assert_int_equal(itsm_engine_pg.core->open(&s, f->where,
	    ITSM_STORE_INIT, 1000), 0);
	itsm_store_close(s);
	assert_int_equal(itsm_engine_pg.core->open(&s, f->where,
	    ITSM_STORE_READONLY, 1000), 0);
	assert_int_equal(store_snapshot_begin(s, &began), 0);
	assert_true(began);
	assert_int_equal(store_sorter_open(s, &t), 0);
	for (i = 0; i < 200000; i++)
		assert_int_equal(store_sorter_add(s, t, (int64_t)(200000 - i),
		    (int64_t)i, 7), 0);
	assert_int_equal(store_sorter_rows(s, t, &r), 0);
	while ((rc = store_rows_next(s, r, &v, &n)) == 1) {
		k++;
		if (n != 3 || v[0].i != k || v[1].i != 200000 - k ||
		    v[2].i != 7)
			fail_msg("row %lld: %lld %lld %lld", (long long)k,
			    (long long)v[0].i, (long long)v[1].i,
			    (long long)v[2].i);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, 200000);
	store_rows_free(s, r);
	store_sorter_close(s, t);

	setenv("TMPDIR", "/nonexistent/itsm", 1);
	assert_int_equal(store_sorter_open(s, &t), 0);
	for (i = 0; i < 200000 && (rc = store_sorter_add(s, t, 1, 2, 3)) == 0;
	    i++)
		;
	assert_int_equal(rc, ITSM_E_IO);
	assert_one_line("cannot compute the figures: cannot create a "
	    "temporary file in '/nonexistent/itsm': ");
	store_sorter_close(s, t);
	if (tmpdir != NULL)
		setenv("TMPDIR", tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(tmpdir);
	store_snapshot_end(s, began);
	itsm_store_close(s);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rows_in_a_transaction),
		T(test_rows_failure_and_early_free),
		T(test_tickets_streamed_outside_a_transaction),
		T(test_newer_schema_refused),
		T(test_foreign_database_refused),
		T(test_read_only_creates_nothing),
		T(test_history_is_append_only),
		T(test_connection_failures),
		T(test_technician_permissions),
		T(test_manager_permissions),
		T(test_init_by_the_owner),
		T(test_sorter_read_only),
	};

	/* The engine's libpq pointers, which this file calls too (pq.h). */
	if (pq_load() != 0) {
		fprintf(stderr, "# %s\n", itsm_errmsg());
		return 1;
	}
	return cmocka_run_group_tests_name("pg engine", tests, NULL, NULL);
}

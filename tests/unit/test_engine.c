/*
 * The engine contract: what every store engine must do, tested through
 * the interface of lib/engine.h only (no engine's own types or calls),
 * so that the next engine runs the same tests.  An engine takes part by
 * a harness below: how to make a new, empty database and how to remove
 * it.  Each test runs once per harness.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "itsm/itsm.h"
#include "itsm/error.h"
#include "itsm/workflow.h"
#include "engine.h"
#include "store_int.h"
#include "store_major.h"
#include "store_attach.h"
#include "store_outbox.h"
#include "store_port.h"
#include "store_stats.h"

/* How to give an engine a new database, and take it away. */
struct harness {
	const struct store_engine *engine;
	int (*make)(char *where, size_t len);	/* where: what open takes */
	void (*drop)(const char *where);
	int tickets;		/* the engine has its ticket ops: test them */
	/*
	 * The engine enforces identities (PostgreSQL): a plain open never
	 * runs DDL, whoami names a user and the server's clock.
	 */
	int identities;
};

/* SQLite: an empty file in a directory of its own is a new database. */
static int
sqlite_make(char *where, size_t len)
{
	char dir[] = "/tmp/itsm-engine.XXXXXX";
	int fd;

	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(where, len, "%s/t.db", dir);
	if ((fd = open(where, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		return -1;
	return close(fd);
}

static void
sqlite_drop(const char *where)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char path[256], *slash;
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", where, sfx[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s", where);
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		rmdir(path);
	}
}

/*
 * PostgreSQL: a new database on the server the environment names
 * (PGHOST, PGPORT, PGUSER, PGPASSWORD: make unit and tests/run.sh run
 * this program under pg_virtualenv, which starts a throwaway server and
 * sets them), made and dropped through a maintenance connection.
 */
static PGconn *
pg_maintenance(void)
{
	PGconn *c = PQconnectdb("dbname=postgres");

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "# no PostgreSQL server: %s# run this test "
		    "under pg_virtualenv (make unit does; make deps installs "
		    "it)\n", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Runs sql (no parameter: an identifier made here) on a new connection. */
static int
pg_admin(const char *sql)
{
	PGconn *c = pg_maintenance();
	PGresult *r;
	int rc = -1;

	if (c == NULL)
		return -1;
	r = PQexec(c, sql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
		rc = 0;
	else
		fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int
pg_make(char *where, size_t len)
{
	static unsigned n;
	char name[64], sql[128];

	snprintf(name, sizeof(name), "itsm_engine_%ld_%u", (long)getpid(),
	    n++);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	snprintf(where, len, "dbname=%s", name);
	return pg_admin(sql);
}

static void
pg_drop(const char *where)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    where + strlen("dbname="));
	(void)pg_admin(sql);
}

static const struct harness harnesses[] = {
	{ &itsm_engine_sqlite, sqlite_make, sqlite_drop, 1, 0 },
	{ &itsm_engine_pg, pg_make, pg_drop, 1, 1 },
};

struct fx {
	const struct harness *h;
	char where[256];
	itsm_store *a, *b;	/* two connections to the same database */
};

static itsm_store *
open_flags(const struct fx *f, int flags, int busy_ms)
{
	itsm_store *s = NULL;

	assert_int_equal(f->h->engine->core->open(&s, f->where, flags,
	    busy_ms), 0);
	assert_non_null(s);
	assert_ptr_equal(s->engine, f->h->engine);
	return s;
}

static itsm_store *
open_ok(const struct fx *f, int busy_ms)
{
	itsm_store *s = NULL;

	assert_int_equal(f->h->engine->core->open(&s, f->where, 0, busy_ms), 0);
	assert_non_null(s);
	assert_ptr_equal(s->engine, f->h->engine);
	return s;
}

/* The harness the tests run on now. */
static const struct harness *current;

static int
setup(void **state)
{
	const struct harness *h = current;
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->h = h;
	*state = f;
	if (h->make(f->where, sizeof(f->where)) != 0)
		return -1;
	f->a = open_flags(f, ITSM_STORE_INIT, 10000);	/* itsm db init */
	f->b = open_ok(f, 50);	/* the one that must not wait long */
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	itsm_store_close(f->a);
	itsm_store_close(f->b);
	f->h->drop(f->where);
	free(f);
	return 0;
}

/* The value of key as a connection sees it ("" when unset). */
static void
assert_meta(itsm_store *s, const char *key, const char *want)
{
	char *v = NULL;

	assert_int_equal(store_meta_get(s, key, &v), 0);
	assert_string_equal(v != NULL ? v : "", want);
	free(v);
}

static void
set_committed(itsm_store *s, const char *key, const char *value)
{
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(store_meta_set(s, key, value), 0);
	assert_int_equal(itsm_store_commit(s), 0);
}

static void
test_versioned_and_named(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->h->engine->version, STORE_ENGINE_VERSION);
	assert_non_null(f->h->engine->name);
	assert_non_null(f->h->engine->core);
	assert_non_null(f->h->engine->tickets);
	assert_non_null(f->h->engine->majors);
	assert_non_null(f->h->engine->stats);
	assert_non_null(f->h->engine->port);
	assert_int_equal(itsm_store_version(f->a), ITSM_SCHEMA_VERSION);
}

static void
test_commit_is_seen_by_others(void **state)
{
	struct fx *f = *state;

	assert_false(itsm_store_committed(f->a));
	set_committed(f->a, "k", "v1");
	assert_true(itsm_store_committed(f->a));
	assert_false(itsm_store_committed(f->b));
	assert_meta(f->b, "k", "v1");
	set_committed(f->b, "k", "v2");
	assert_meta(f->a, "k", "v2");
}

static void
test_rollback_leaves_nothing(void **state)
{
	struct fx *f = *state;

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_meta_set(f->a, "k", "gone"), 0);
	assert_meta(f->a, "k", "gone");	/* a transaction sees its own */
	itsm_store_rollback(f->a);
	assert_meta(f->a, "k", "");
	assert_meta(f->b, "k", "");
	assert_false(itsm_store_committed(f->a));
}

/* Nested levels count; an inner failure rolls the outer back. */
static void
test_nested_transactions(void **state)
{
	struct fx *f = *state;

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_meta_set(f->a, "k", "inner"), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_meta(f->b, "k", "");	/* not yet: the outer is open */
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_meta(f->b, "k", "inner");

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_meta_set(f->a, "k", "outer"), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	itsm_store_rollback(f->a);
	assert_int_equal(itsm_store_commit(f->a), ITSM_E_INTERNAL);
	assert_meta(f->a, "k", "inner");
	assert_meta(f->b, "k", "inner");
}

static void
test_commit_without_begin(void **state)
{
	struct fx *f = *state;

	assert_int_equal(itsm_store_commit(f->a), ITSM_E_INTERNAL);
	itsm_store_rollback(f->a);	/* nothing to roll back: no harm */
	set_committed(f->a, "k", "v");
	assert_meta(f->b, "k", "v");
}

/* One writer at a time: the other waits its time, then is told busy. */
static void
test_one_writer_at_a_time(void **state)
{
	struct fx *f = *state;
	int rc;

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_meta_set(f->a, "k", "a"), 0);
	rc = itsm_store_begin(f->b);
	if (rc == 0) {
		/* An engine may take its lock at the first write instead. */
		rc = store_meta_set(f->b, "k", "b");
		itsm_store_rollback(f->b);
	}
	assert_int_equal(rc, ITSM_E_BUSY);
	assert_int_equal(itsm_store_commit(f->a), 0);
	set_committed(f->b, "k", "b");
	assert_meta(f->a, "k", "b");
}

/* A snapshot reads one state of the database, whatever others commit. */
static void
test_snapshot_is_stable(void **state)
{
	struct fx *f = *state;
	int began;

	set_committed(f->b, "k", "before");
	assert_int_equal(store_snapshot_begin(f->a, &began), 0);
	assert_true(began);
	assert_meta(f->a, "k", "before");
	set_committed(f->b, "k", "after");
	assert_meta(f->a, "k", "before");
	store_snapshot_end(f->a, began);
	assert_meta(f->a, "k", "after");

	/* Within a transaction, the transaction is the snapshot. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_snapshot_begin(f->a, &began), 0);
	assert_false(began);
	store_snapshot_end(f->a, began);
	assert_int_equal(itsm_store_commit(f->a), 0);
}

/* data_version moves when another connection commits, not otherwise. */
static void
test_data_version(void **state)
{
	struct fx *f = *state;
	int64_t v0, v1;

	v0 = itsm_store_data_version(f->a);
	assert_true(v0 >= 0);
	assert_int_equal(itsm_store_data_version(f->a), v0);
	set_committed(f->b, "k", "v");
	v1 = itsm_store_data_version(f->a);
	assert_true(v1 != v0);
	assert_int_equal(itsm_store_data_version(f->a), v1);
}

/*
 * wait(): told of another connection's commit, whether it came before
 * the first wait or while waiting; the time runs out when nobody writes.
 */
static void
test_wait_for_commits(void **state)
{
	struct fx *f = *state;
	int64_t v, seen;

	v = itsm_store_data_version(f->a);
	set_committed(f->b, "k", "1");
	assert_int_equal(itsm_store_wait(f->a, &v, 10000), 1);
	assert_int_equal(v, itsm_store_data_version(f->a));
	seen = v;
	assert_int_equal(itsm_store_wait(f->a, &v, 50), 0);
	assert_int_equal(v, seen);
	/* Its own commit, once its version is read, is no news. */
	set_committed(f->a, "k", "2");
	v = itsm_store_data_version(f->a);
	set_committed(f->b, "k", "3");
	assert_int_equal(itsm_store_wait(f->a, &v, 10000), 1);
	assert_true(v != seen);
	assert_int_equal(v, itsm_store_data_version(f->a));
	assert_int_equal(itsm_store_wait(f->a, &v, 50), 0);
}

/* A transaction that changes nothing is no change of the database. */
static void
test_empty_transaction_is_no_change(void **state)
{
	struct fx *f = *state;

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_false(itsm_store_committed(f->a));
}

/*
 * Migrations: a database made at an older schema is brought to the
 * current one by itsm db upgrade, keeping what it holds; a plain open
 * migrates it too where the engine has no identities (SQLite), and is
 * refused, changing nothing, where it has (PostgreSQL: no DDL but
 * init's and upgrade's).
 */
static void
test_migrates_forward(void **state)
{
	struct fx *f = *state;
	char where[256];
	itsm_store *s = NULL;
	int rc;

	assert_int_equal(f->h->make(where, sizeof(where)), 0);
	f->h->engine->core->test_set_version(2);
	assert_int_equal(f->h->engine->core->open(&s, where, ITSM_STORE_INIT,
	    1000), 0);
	f->h->engine->core->test_set_version(0);
	assert_int_equal(itsm_store_version(s), 2);
	set_committed(s, "kept", "yes");	/* meta came with version 2 */
	itsm_store_close(s);
	s = NULL;
	rc = f->h->engine->core->open(&s, where, 0, 1000);
	if (f->h->identities) {
		assert_int_equal(rc, ITSM_E_IO);
		assert_null(s);
		assert_non_null(strstr(itsm_errmsg(), "run 'itsm db upgrade'"));
		assert_null(strchr(itsm_errmsg(), '\n'));
		assert_int_equal(f->h->engine->core->open(&s, where,
		    ITSM_STORE_UPGRADE, 1000), 0);
	} else {
		assert_int_equal(rc, 0);
	}
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_meta(s, "kept", "yes");
	itsm_store_close(s);
	f->h->drop(where);
}

/* Upgrading a current database changes nothing of what it holds. */
static void
test_upgrade_of_current(void **state)
{
	struct fx *f = *state;
	itsm_store *s;

	set_committed(f->a, "kept", "yes");
	s = open_flags(f, ITSM_STORE_UPGRADE, 1000);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_meta(s, "kept", "yes");
	assert_false(itsm_store_committed(s));
	itsm_store_close(s);
	assert_meta(f->b, "kept", "yes");
}

/* Init makes the schema once: a database that has one is refused. */
static void
test_init_refuses_a_schema(void **state)
{
	struct fx *f = *state;
	itsm_store *s = NULL;

	set_committed(f->a, "kept", "yes");
	assert_int_equal(f->h->engine->core->open(&s, f->where,
	    ITSM_STORE_INIT, 1000), ITSM_E_REFUSED);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "has the itsm schema already"));
	assert_null(strchr(itsm_errmsg(), '\n'));
	assert_meta(f->b, "kept", "yes");
	assert_int_equal(itsm_store_version(f->b), ITSM_SCHEMA_VERSION);
}

/*
 * A database without the schema: upgrade refuses it, creating nothing
 * (init works after it); a plain open creates it where the engine has
 * no identities, and is refused where it has.
 */
static void
test_no_schema(void **state)
{
	struct fx *f = *state;
	char where[256];
	itsm_store *s = NULL;
	int rc;

	assert_int_equal(f->h->make(where, sizeof(where)), 0);
	assert_int_equal(f->h->engine->core->open(&s, where,
	    ITSM_STORE_UPGRADE, 1000), ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "itsm db init"));
	rc = f->h->engine->core->open(&s, where, 0, 1000);
	if (f->h->identities) {
		assert_int_equal(rc, ITSM_E_IO);
		assert_null(s);
		assert_non_null(strstr(itsm_errmsg(), "has no itsm schema: "
		    "run 'itsm db init'"));
		assert_null(strchr(itsm_errmsg(), '\n'));
		assert_int_equal(f->h->engine->core->open(&s, where,
		    ITSM_STORE_INIT, 1000), 0);
	} else {
		assert_int_equal(rc, 0);
	}
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	set_committed(s, "k", "v");
	assert_meta(s, "k", "v");
	itsm_store_close(s);
	f->h->drop(where);
}

/* Opened read-only, an old database is refused, not migrated. */
static void
test_refuses_read_only_old(void **state)
{
	struct fx *f = *state;
	char where[256];
	itsm_store *s = NULL;

	assert_int_equal(f->h->make(where, sizeof(where)), 0);
	f->h->engine->core->test_set_version(2);
	assert_int_equal(f->h->engine->core->open(&s, where, ITSM_STORE_INIT,
	    1000), 0);
	f->h->engine->core->test_set_version(0);
	itsm_store_close(s);
	s = NULL;
	assert_int_not_equal(f->h->engine->core->open(&s, where,
	    ITSM_STORE_READONLY, 1000), 0);
	assert_null(s);
	f->h->drop(where);
}

/*
 * whoami: the user (none where identities are not enforced), the role
 * (the tests' user is a superuser on PostgreSQL's throwaway server: an
 * admin; SQLite: everyone is), the server's clock and version.
 */
static void
test_whoami(void **state)
{
	struct fx *f = *state;
	struct itsm_who w;
	const char *pguser = getenv("PGUSER");
	int64_t now = (int64_t)time(NULL);

	assert_int_equal(itsm_store_whoami(f->a, &w), 0);
	assert_int_equal(w.role, ITSM_ROLE_ADMIN);
	assert_non_null(w.server);
	assert_non_null(w.database);
	if (f->h->identities) {
		assert_non_null(w.user);
		if (pguser != NULL)
			assert_string_equal(w.user, pguser);
		/* The server's clock: the same machine's, give or take. */
		assert_true(w.now > now - 3600 && w.now < now + 3600);
		assert_non_null(strstr(w.server, "PostgreSQL"));
		assert_string_equal(w.database, f->where + strlen("dbname="));
	} else {
		assert_null(w.user);
		assert_int_equal(w.now, 0);
		assert_non_null(strstr(w.server, "SQLite"));
		assert_string_equal(w.database, f->where);
	}
	itsm_who_free(&w);
	assert_null(w.user);
	assert_null(w.server);
	assert_string_equal(itsm_role_name(ITSM_ROLE_TECHNICIAN), "technician");
	assert_string_equal(itsm_role_name(ITSM_ROLE_MANAGER), "manager");
	assert_string_equal(itsm_role_name(ITSM_ROLE_ADMIN), "admin");
	assert_string_equal(itsm_role_name(ITSM_ROLE_NONE), "none");
}

/* Tickets and events. */

/* Inserts a ticket opened at opened; its id. */
static int64_t
add_ticket(itsm_store *s, const char *summary, int64_t opened,
    const char *status, int major, int rank)
{
	struct store_set set[8];
	size_t n = 0;
	int64_t id = 0;

	set[n++] = (struct store_set){ .key = ITSM_F_SUMMARY, .text = summary };
	set[n++] = (struct store_set){ .key = ITSM_F_CALLER, .text = "ann" };
	set[n++] = (struct store_set){ .key = ITSM_F_AFFECTED, .text = "ann" };
	set[n++] = (struct store_set){ .key = ITSM_F_OPENED_AT, .num = opened,
	    .is_int = 1 };
	set[n++] = (struct store_set){ .key = ITSM_F_UPDATED_AT, .num = opened,
	    .is_int = 1 };
	set[n++] = (struct store_set){ .key = ITSM_F_STATUS, .text = status };
	set[n++] = (struct store_set){ .key = ITSM_F_MAJOR, .num = major,
	    .is_int = 1 };
	if (rank >= 0)
		set[n++] = (struct store_set){ .key = SK_PRIORITY_RANK,
		    .num = rank, .is_int = 1 };
	assert_int_equal(store_ticket_insert(s, set, n, &id), 0);
	assert_true(id > 0);
	return id;
}

static struct store_event
event(int64_t at, const char *kind, const char *message)
{
	return (struct store_event){ .at = at, .recorded_at = at + 1,
	    .actor = "Ann", .login = "ann", .kind = kind, .field = NULL,
	    .old = NULL, .new_ = NULL, .message = message };
}

/* A value of a row, as text ("" for NULL, digits for an integer). */
static const char *
text_of(const struct store_value *v, char *buf, size_t len)
{
	if (v->type == STORE_INT)
		snprintf(buf, len, "%lld", (long long)v->i);
	else
		snprintf(buf, len, "%s", v->type == STORE_TEXT ? v->s : "");
	return buf;
}

static void
test_ticket_insert_and_read(void **state)
{
	struct fx *f = *state;
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID };
	const struct store_value *v;
	struct store_rows *r;
	char buf[64];
	size_t n;
	int64_t id;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "printer on fire", 1000, "new", 0, 2);
	assert_int_equal(itsm_store_commit(f->a), 0);
	/* Every field of enum itsm_field but the ref, in key order. */
	assert_int_equal(store_ticket_read(f->b, id, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, ITSM_NFIELDS - 1);
	assert_int_equal(v[ITSM_F_ID].i, id);
	assert_string_equal(text_of(&v[ITSM_F_SUMMARY - 1], buf, sizeof(buf)),
	    "printer on fire");
	assert_string_equal(text_of(&v[ITSM_F_STATUS - 1], buf, sizeof(buf)),
	    "new");
	assert_string_equal(text_of(&v[ITSM_F_TYPE - 1], buf, sizeof(buf)),
	    "incident");
	assert_int_equal(v[ITSM_F_OPENED_AT - 1].i, 1000);
	assert_int_equal(v[ITSM_F_ASSIGNEE - 1].type, STORE_NULL);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	/* The stored fields a user does not see, when asked for. */
	q.want = SK_BIT(SK_PRIORITY_RANK) | SK_BIT(SK_HOLD_REASON);
	assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].i, 2);
	assert_int_equal(v[1].type, STORE_NULL);
	store_rows_free(f->b, r);
	/* No such ticket: no row. */
	assert_int_equal(store_ticket_read(f->b, id + 1, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
}

static void
test_update_of_no_ticket(void **state)
{
	struct fx *f = *state;
	struct store_set set = { .key = ITSM_F_ASSIGNEE, .text = "bob" };

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_ticket_update(f->a, 42, &set, 1),
	    ITSM_E_NOTFOUND);
	itsm_store_rollback(f->a);
}

/* Events come back as appended, in order, after any id asked. */
static void
test_events_in_order(void **state)
{
	struct fx *f = *state;
	static const char *const kinds[] = { "open", "note", "assign" };
	const struct store_value *v;
	struct store_event e;
	struct store_rows *r;
	int64_t id, first = 0, last = 0;
	char buf[64];
	size_t i, n;

	assert_int_equal(store_last_event_id(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 1000, "new", 0, -1);
	for (i = 0; i < 3; i++) {
		e = event(1000 + (int64_t)i, kinds[i], i == 1 ? "hi" : NULL);
		assert_int_equal(store_event_add(f->a, id, &e), 0);
		last = store_last_event_id(f->a);
		assert_true(last > first);
		if (i == 0)
			first = last;
	}
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_last_event_id(f->b), last);
	/* at, recorded_at, actor, login, kind, field, old, new, message, id */
	assert_int_equal(store_ticket_events(f->b, id, 0, &r), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
		assert_int_equal(n, 10);
		assert_int_equal(v[0].i, 1000 + (int64_t)i);
		assert_int_equal(v[1].i, 1001 + (int64_t)i);
		assert_string_equal(text_of(&v[2], buf, sizeof(buf)), "Ann");
		assert_string_equal(text_of(&v[3], buf, sizeof(buf)), "ann");
		assert_string_equal(text_of(&v[4], buf, sizeof(buf)), kinds[i]);
		assert_int_equal(v[5].type, STORE_NULL);
		assert_string_equal(text_of(&v[8], buf, sizeof(buf)),
		    i == 1 ? "hi" : "");
		assert_true(i > 0 || v[9].i == first);
	}
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	/* After the first: the other two. */
	assert_int_equal(store_ticket_events(f->b, id, first, &r), 0);
	for (i = 0; store_rows_next(f->b, r, &v, &n) == 1; i++)
		assert_true(v[9].i > first);
	assert_int_equal(i, 2);
	store_rows_free(f->b, r);
}

/*
 * Events appended at once are numbered and stored as one at a time
 * would be: in order, after those there are, more than one INSERT's
 * worth on PostgreSQL (16).
 */
static void
test_events_added_at_once(void **state)
{
	struct fx *f = *state;
	struct store_event e[40];
	const struct store_value *v;
	struct store_rows *r;
	char msg[40][16], buf[64];
	int64_t id, first;
	size_t i, n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 1000, "new", 0, -1);
	e[0] = event(999, "open", NULL);
	assert_int_equal(store_event_add(f->a, id, &e[0]), 0);
	first = store_last_event_id(f->a);
	for (i = 0; i < 40; i++) {
		snprintf(msg[i], sizeof(msg[i]), "m%zu", i);
		e[i] = event(1000 + (int64_t)i, "note", i % 5 ? msg[i] : NULL);
		if (i == 7)
			e[i].field = "status", e[i].new_ = "in_progress";
	}
	assert_int_equal(store_events_add(f->a, id, e, 0), 0);
	assert_int_equal(store_events_add(f->a, id, e, 17), 0);
	assert_int_equal(store_events_add(f->a, id, e + 17, 23), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_last_event_id(f->b), first + 40);
	assert_int_equal(store_ticket_events(f->b, id, first, &r), 0);
	for (i = 0; store_rows_next(f->b, r, &v, &n) == 1; i++) {
		assert_int_equal(v[9].i, first + 1 + (int64_t)i);
		assert_int_equal(v[0].i, 1000 + (int64_t)i);
		assert_int_equal(v[1].i, 1001 + (int64_t)i);
		assert_string_equal(text_of(&v[2], buf, sizeof(buf)), "Ann");
		assert_string_equal(text_of(&v[4], buf, sizeof(buf)), "note");
		assert_string_equal(text_of(&v[5], buf, sizeof(buf)),
		    i == 7 ? "status" : "");
		assert_string_equal(text_of(&v[7], buf, sizeof(buf)),
		    i == 7 ? "in_progress" : "");
		assert_int_equal(v[8].type, i % 5 ? STORE_TEXT : STORE_NULL);
		assert_string_equal(text_of(&v[8], buf, sizeof(buf)),
		    i % 5 ? msg[i] : "");
	}
	store_rows_free(f->b, r);
	assert_int_equal(i, 40);
	/* Refused as a whole: no ticket. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_true(store_events_add(f->a, id + 1, e, 3) < 0);
	itsm_store_rollback(f->a);
	assert_int_equal(store_last_event_id(f->a), first + 40);
}

/* An event goes with its transaction, and needs its ticket. */
static void
test_events_go_with_their_transaction(void **state)
{
	struct fx *f = *state;
	struct store_event e = event(1000, "note", "gone");
	const struct store_value *v;
	struct store_rows *r;
	int64_t id;
	size_t n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 1000, "new", 0, -1);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	itsm_store_rollback(f->a);
	assert_int_equal(store_ticket_events(f->a, id, 0, &r), 0);
	assert_int_equal(store_rows_next(f->a, r, &v, &n), 0);
	store_rows_free(f->a, r);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_true(store_event_add(f->a, id + 1, &e) < 0);
	itsm_store_rollback(f->a);
	assert_int_equal(store_last_event_id(f->a), 0);
}

/*
 * Ids without gaps: a ticket or an event of a transaction that rolled
 * back leaves no hole, the next ones take its numbers (SQLite gives
 * max(id) + 1; PostgreSQL's identity columns would not).
 */
static void
test_ids_without_gaps(void **state)
{
	struct fx *f = *state;
	struct store_event e = event(1000, "note", "x");
	int64_t id, gone, next, ev;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 1000, "new", 0, -1);
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	ev = store_last_event_id(f->a);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(itsm_store_begin(f->a), 0);
	gone = add_ticket(f->a, "t", 1000, "new", 0, -1);
	assert_int_equal(gone, id + 1);
	assert_int_equal(store_event_add(f->a, gone, &e), 0);
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	assert_int_equal(store_last_event_id(f->a), ev + 2);
	itsm_store_rollback(f->a);

	/* Another connection, after the rollback: the same numbers. */
	assert_int_equal(itsm_store_begin(f->b), 0);
	next = add_ticket(f->b, "u", 1000, "new", 0, -1);
	assert_int_equal(next, id + 1);
	assert_int_equal(store_event_add(f->b, next, &e), 0);
	assert_int_equal(store_last_event_id(f->b), ev + 1);
	assert_int_equal(itsm_store_commit(f->b), 0);
	assert_int_equal(store_last_event_id(f->a), ev + 1);
}

/* What the queue order says of two tickets (tk: major, rank, opened). */
struct qt {
	int64_t id, opened;
	int major, rank;	/* rank -1: none */
};

static int
queue_cmp(const void *pa, const void *pb)
{
	const struct qt *a = pa, *b = pb;
	int64_t ra = a->rank < 0 ? 1000000 : a->rank;
	int64_t rb = b->rank < 0 ? 1000000 : b->rank;

	if (a->major != b->major)
		return b->major - a->major;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->opened != b->opened)
		return a->opened < b->opened ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The open queue: major first, then priority rank, oldest, id. */
static void
test_queue_order(void **state)
{
	struct fx *f = *state;
	static const char *const status[] = { "new", "in_progress",
	    "on_hold", "resolved", "closed", "cancelled" };
	struct qt want[64];
	struct store_query q = { .scope = STORE_OPEN, .order = STORE_BY_QUEUE,
	    .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v;
	struct store_rows *r;
	size_t i, k, n, nwant = 0;
	unsigned seed = 7;

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (i = 0; i < 60; i++) {
		struct qt t;
		const char *st = status[(seed = seed * 1103515245 + 12345) >> 16
		    & 0xffff ? (seed >> 16) % 6 : 0];

		t.major = (int)((seed >> 8) % 4 == 0);
		t.rank = (int)((seed >> 4) % 5) - 1;
		t.opened = 1000 + (int64_t)((seed >> 12) % 7);
		t.id = add_ticket(f->a, "q", t.opened, st, t.major, t.rank);
		if (strcmp(st, "new") == 0 || strcmp(st, "in_progress") == 0 ||
		    strcmp(st, "on_hold") == 0)
			want[nwant++] = t;
	}
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_true(nwant > 10 && nwant < 60);
	qsort(want, nwant, sizeof(want[0]), queue_cmp);
	assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
	for (k = 0; (i = (size_t)store_rows_next(f->b, r, &v, &n)) == 1; k++) {
		assert_true(k < nwant);
		assert_int_equal(v[0].i, want[k].id);
	}
	assert_int_equal(k, nwant);
	store_rows_free(f->b, r);
}

/* Many rows stream out, in order; a limit stops them. */
static void
test_streams_large_results(void **state)
{
	struct fx *f = *state;
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) | SK_BIT(ITSM_F_SUMMARY) };
	const struct store_value *v;
	struct store_rows *r;
	int64_t prev = 0;
	size_t i, n;
	char summary[32];

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (i = 0; i < 20000; i++) {
		snprintf(summary, sizeof(summary), "ticket %zu", i);
		add_ticket(f->a, summary, 1000, i % 3 ? "new" : "closed", 0,
		    -1);
	}
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
	for (i = 0; store_rows_next(f->b, r, &v, &n) == 1; i++) {
		assert_int_equal(n, 2);
		assert_true(v[0].i > prev);
		prev = v[0].i;
		snprintf(summary, sizeof(summary), "ticket %zu", i);
		assert_string_equal(v[1].s, summary);
	}
	assert_int_equal(i, 20000);
	store_rows_free(f->b, r);
	q.limit = 100;
	q.scope = STORE_WORKABLE;
	assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
	for (i = 0; store_rows_next(f->b, r, &v, &n) == 1; i++)
		;
	assert_int_equal(i, 100);
	store_rows_free(f->b, r);
}

/* The scopes select what the workflow's predicates say, for every status. */
static void
test_scopes_are_the_workflows(void **state)
{
	struct fx *f = *state;
	int64_t id[ITSM_NSTATUSES];
	struct store_query q = { .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v;
	struct store_rows *r;
	int in[ITSM_NSTATUSES], scope, st;
	size_t n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (st = 0; st < ITSM_NSTATUSES; st++)
		id[st] = add_ticket(f->a, "s", 1000,
		    itsm_status_name((enum itsm_status)st), 0, -1);
	assert_int_equal(itsm_store_commit(f->a), 0);
	for (scope = STORE_OPEN; scope <= STORE_WORKABLE; scope++) {
		q.scope = (enum store_scope)scope;
		memset(in, 0, sizeof(in));
		assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
		while (store_rows_next(f->b, r, &v, &n) == 1)
			for (st = 0; st < ITSM_NSTATUSES; st++)
				if (v[0].i == id[st])
					in[st] = 1;
		store_rows_free(f->b, r);
		for (st = 0; st < ITSM_NSTATUSES; st++) {
			const char *name =
			    itsm_status_name((enum itsm_status)st);

			assert_int_equal(in[st], scope == STORE_OPEN ?
			    itsm_status_open(name) :
			    itsm_status_workable(name));
		}
	}
}

/*
 * Streams nest, and a connection writes while one is open: export
 * reads the events beside the walk of the tickets, the SLA refresh
 * updates the ticket it reads.  The walk sees every row once.
 */
static void
test_streams_nest_and_interleave_writes(void **state)
{
	struct fx *f = *state;
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v, *ev;
	struct store_rows *r, *er;
	struct store_event e = event(1000, "note", "x");
	struct store_set set = { .key = ITSM_F_ASSIGNEE, .text = "bob" };
	int64_t id;
	size_t i, k, n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (i = 0; i < 300; i++) {
		id = add_ticket(f->a, "s", 1000, "new", 0, -1);
		assert_int_equal(store_event_add(f->a, id, &e), 0);
	}
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_ticket_select(f->a, &q, &r), 0);
	for (i = 0; store_rows_next(f->a, r, &v, &n) == 1; i++) {
		id = v[0].i;
		assert_int_equal(store_ticket_events(f->a, id, 0, &er), 0);
		for (k = 0; store_rows_next(f->a, er, &ev, &n) == 1; k++)
			;
		store_rows_free(f->a, er);
		assert_int_equal(k, 1);
		assert_int_equal(store_ticket_update(f->a, id, &set, 1), 0);
		assert_int_equal(store_ticket_read(f->a, id, &er), 0);
		assert_int_equal(store_rows_next(f->a, er, &ev, &n), 1);
		assert_string_equal(ev[ITSM_F_ASSIGNEE - 1].s, "bob");
		store_rows_free(f->a, er);
	}
	store_rows_free(f->a, r);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(i, 300);
}

/*
 * The events of the tickets a query selects, in one stream beside the
 * tickets' own (export's walk): the columns of events(), then the
 * ticket; by ticket, then id, however they were appended; only the
 * tickets selected, within the limit.
 */
static void
test_events_of_selected_tickets(void **state)
{
	struct fx *f = *state;
	static const char *const open[] = { "new", NULL };
	struct store_query q = { .scope = STORE_STATUSES, .statuses = open,
	    .order = STORE_BY_ID, .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v, *ev;
	struct store_rows *r, *er;
	struct store_event e;
	int64_t t[4], last;
	char buf[64];
	size_t i, k, n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t[0] = add_ticket(f->a, "a", 1000, "new", 0, -1);
	t[1] = add_ticket(f->a, "b", 1000, "closed", 0, -1);
	t[2] = add_ticket(f->a, "c", 1000, "new", 0, -1);
	t[3] = add_ticket(f->a, "d", 1000, "new", 0, -1);
	/* Interleaved, and more than a batch of a cursor for c. */
	for (i = 0; i < 1203; i++) {
		e = event(1000 + (int64_t)i, "note", i % 3 == 0 ? "x" : NULL);
		assert_int_equal(store_event_add(f->a,
		    i < 6 ? t[i % 2] : t[2], &e), 0);
	}
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* The tickets' stream and the events' read side by side. */
	assert_int_equal(store_ticket_select(f->b, &q, &r), 0);
	assert_int_equal(store_events_of(f->b, &q, &er), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
		assert_int_equal(v[0].i, t[i == 0 ? 0 : i + 1]);
	}
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	last = 0;
	for (k = 0; store_rows_next(f->b, er, &ev, &n) == 1; k++) {
		assert_int_equal(n, 11);
		assert_int_equal(ev[10].i, k < 3 ? t[0] : t[2]);
		assert_true(ev[9].i > last);
		last = ev[9].i;
		assert_string_equal(text_of(&ev[4], buf, sizeof(buf)), "note");
		assert_string_equal(text_of(&ev[2], buf, sizeof(buf)), "Ann");
	}
	store_rows_free(f->b, er);
	assert_int_equal(k, 3 + 1197);

	/* The limit's tickets only. */
	q.limit = 1;
	assert_int_equal(store_events_of(f->b, &q, &er), 0);
	for (k = 0; store_rows_next(f->b, er, &ev, &n) == 1; k++)
		assert_int_equal(ev[10].i, t[0]);
	store_rows_free(f->b, er);
	assert_int_equal(k, 3);

	/* None selected: none. */
	q.type = "change";
	q.limit = 0;
	assert_int_equal(store_events_of(f->b, &q, &er), 0);
	assert_int_equal(store_rows_next(f->b, er, &ev, &n), 0);
	store_rows_free(f->b, er);
}

/* Tickets of any fields: summary, caller, affected, opened_at 1000, extra. */
#define S_TXT(k, v) ((struct store_set){ .key = (k), .text = (v) })
#define S_INT(k, v) ((struct store_set){ .key = (k), .num = (v), .is_int = 1 })

static int
insert_with(itsm_store *s, const struct store_set *extra, size_t n,
    int64_t *id)
{
	struct store_set set[24];
	size_t i, k = 0;

	set[k++] = S_TXT(ITSM_F_SUMMARY, "s");
	set[k++] = S_TXT(ITSM_F_CALLER, "ann");
	set[k++] = S_TXT(ITSM_F_AFFECTED, "ann");
	set[k++] = S_INT(ITSM_F_OPENED_AT, 1000);
	for (i = 0; i < n && k < sizeof(set) / sizeof(set[0]); i++)
		set[k++] = extra[i];
	return store_ticket_insert(s, set, k, id);
}

static int64_t
add_with(itsm_store *s, const struct store_set *extra, size_t n)
{
	int64_t id = 0;

	assert_int_equal(insert_with(s, extra, n, &id), 0);
	assert_true(id > 0);
	return id;
}

#define ADD(s, ...) add_with((s), (const struct store_set[]){ __VA_ARGS__ }, \
	sizeof((const struct store_set[]){ __VA_ARGS__ }) / \
	sizeof(struct store_set))

/* The ids q selects, in order, are want[0..n). */
static void
assert_selects(itsm_store *s, struct store_query q, const int64_t *want,
    size_t n)
{
	const struct store_value *v;
	struct store_rows *r;
	size_t k, m;

	q.want = SK_BIT(ITSM_F_ID);
	if (store_ticket_select(s, &q, &r) != 0)
		fail_msg("%s: %s", s->engine->name, itsm_errmsg());
	for (k = 0; store_rows_next(s, r, &v, &m) == 1; k++) {
		if (k >= n)
			fail_msg("row %zu (id %lld): more than %zu", k,
			    (long long)v[0].i, n);
		if (v[0].i != want[k])
			fail_msg("row %zu: id %lld, not %lld", k,
			    (long long)v[0].i, (long long)want[k]);
	}
	store_rows_free(s, r);
	assert_int_equal(k, n);
}

#define SELECTS(s, q, ...) assert_selects((s), (q), \
	(const int64_t[]){ __VA_ARGS__ }, \
	sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))
#define SELECTS_NONE(s, q) assert_selects((s), (q), NULL, 0)

/*
 * A second ticket of the same ext_ref is STORE_EXISTS, not an error:
 * the transaction goes on and commits the rest.  The lookups by value
 * in any case fold ASCII letters only.
 */
static void
test_insert_exists_and_lookups(void **state)
{
	struct fx *f = *state;
	struct store_set dup[] = { S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(SK_EXT_REF, "RT-7") };
	struct store_query all = { .scope = STORE_ALL, .order = STORE_BY_ID };
	int64_t one, two, id = 0;

	assert_int_equal(itsm_store_begin(f->a), 0);
	one = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(SK_EXT_REF, "RT-7"),
	    S_TXT(ITSM_F_PRIORITY, "P1"), S_TXT(ITSM_F_GROUP, "D\xc3\xa9sk"));
	assert_int_equal(insert_with(f->a, dup, 3, &id), STORE_EXISTS);
	two = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(SK_EXT_REF, "rt-8"));
	assert_int_equal(itsm_store_commit(f->a), 0);
	SELECTS(f->b, all, one, two);

	id = 0;
	assert_int_equal(store_ticket_find_ext(f->b, "rt-7", &id), 0);
	assert_int_equal(id, one);
	assert_int_equal(store_ticket_find_ext(f->b, "RT-8", &id), 0);
	assert_int_equal(id, two);
	assert_int_equal(store_ticket_find_ext(f->b, "RT-9", &id), 1);
	assert_int_equal(store_ticket_has(f->b, ITSM_F_PRIORITY, "p1"), 1);
	assert_int_equal(store_ticket_has(f->b, ITSM_F_PRIORITY, "P2"), 0);
	assert_int_equal(store_ticket_has(f->b, ITSM_F_GROUP, "D\xc3\xa9SK"),
	    1);
	/* \xc3\x89 is an upper-case e acute: not an ASCII letter. */
	assert_int_equal(store_ticket_has(f->b, ITSM_F_GROUP, "D\xc3\x89SK"),
	    0);
}

/* Every condition of struct store_query, alone, and the orders. */
static void
test_select_conditions(void **state)
{
	struct fx *f = *state;
	static const char *const held_closed[] = { "on_hold", "closed", NULL };
	static const char *const cut_name[] = { "P1", "P2" };
	static const int64_t cut_at[] = { 150, 250 };
	struct store_query q, open = { .scope = STORE_OPEN,
	    .order = STORE_BY_ID };
	int64_t t1, t2, t3, t4, t5, t6, t7, t8, t9;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t1 = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 100), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_TXT(ITSM_F_GROUP, "Desk"), S_TXT(ITSM_F_ASSIGNEE, "bob"),
	    S_INT(SK_STAGNANT_ESCALATED_AT, 110));
	t2 = ADD(f->a, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_INT(ITSM_F_UPDATED_AT, 200), S_TXT(ITSM_F_PRIORITY, "p2"),
	    S_TXT(ITSM_F_GROUP, "desk"), S_INT(ITSM_F_RESPONSE_DUE, 900));
	t3 = ADD(f->a, S_TXT(ITSM_F_STATUS, "on_hold"),
	    S_INT(ITSM_F_UPDATED_AT, 50), S_INT(ITSM_F_RESPONSE_DUE, 10));
	t4 = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 240), S_TXT(ITSM_F_PRIORITY, "P3"),
	    S_INT(ITSM_F_RESPONSE_DUE, 900), S_INT(ITSM_F_RESPONDED_AT, 800),
	    S_INT(ITSM_F_RESOLUTION_DUE, 2000));
	t5 = ADD(f->a, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_UPDATED_AT, 500), S_INT(ITSM_F_RESOLVED_AT, 500));
	t6 = ADD(f->a, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_UPDATED_AT, 400), S_INT(ITSM_F_RESOLVED_AT, 400));
	t7 = ADD(f->a, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_UPDATED_AT, 600), S_TXT(ITSM_F_TYPE, "request"));
	t8 = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 120), S_INT(SK_STAGNANT_ESCALATED_AT, 120),
	    S_INT(SK_BREACH_ESCALATED_AT, 130),
	    S_INT(ITSM_F_RESOLUTION_DUE, 999));
	t9 = ADD(f->a, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_INT(ITSM_F_UPDATED_AT, 200), S_TXT(ITSM_F_PRIORITY, "P2"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	SELECTS(f->b, open, t1, t2, t3, t4, t8, t9);
	q = open;
	q.scope = STORE_STATUSES;
	q.statuses = held_closed;
	SELECTS(f->b, q, t3, t7);
	q = open;
	q.type = "request";
	SELECTS_NONE(f->b, q);
	q.scope = STORE_ALL;
	SELECTS(f->b, q, t7);
	q = open;
	q.priority = "p1";
	SELECTS(f->b, q, t1);
	q = open;
	q.group = "DESK";
	SELECTS(f->b, q, t1, t2);
	q = open;
	q.assignee = "bob";
	SELECTS(f->b, q, t1);
	q.assignee = "Bob";
	SELECTS_NONE(f->b, q);
	q = open;
	q.assignee_or_none = "bob";
	SELECTS(f->b, q, t1, t2, t3, t4, t8, t9);
	q.assignee_or_none = "eve";
	SELECTS(f->b, q, t2, t3, t4, t8, t9);

	/* P1 < 150, P2 < 250 (exact: p2 is another), the others < 150. */
	q = open;
	q.stagnant = 1;
	q.ncut = 2;
	q.cut_name = cut_name;
	q.cut_at = cut_at;
	q.cut_other = 150;
	SELECTS(f->b, q, t1, t8, t9);
	q.esc = STORE_ESC_STAGNANT;	/* t1 escalated after its update */
	SELECTS(f->b, q, t8, t9);
	q.ncut = 0;
	SELECTS(f->b, q, t8);

	q = open;
	q.breached = 1;
	q.overdue_before = 1000;
	SELECTS(f->b, q, t2, t8);
	q.esc = STORE_ESC_BREACH;	/* t8 escalated after its update */
	SELECTS(f->b, q, t2);
	q.overdue_before = 900;
	SELECTS_NONE(f->b, q);

	q = open;
	q.scope = STORE_RESOLVED_BY;
	q.resolved_by = 450;
	q.order = STORE_BY_RESOLVED;
	SELECTS(f->b, q, t6);
	q.resolved_by = 500;
	SELECTS(f->b, q, t6, t5);
	/* By resolved_at, NULL first, then id. */
	q.scope = STORE_ALL;
	SELECTS(f->b, q, t1, t2, t3, t4, t7, t8, t9, t6, t5);
	q.limit = 2;
	SELECTS(f->b, q, t1, t2);
}

static void
add_status_event(itsm_store *s, int64_t id, int64_t at, const char *kind,
    const char *field, const char *value)
{
	struct store_event e = event(at, kind, NULL);

	e.field = field;
	e.new_ = value;
	assert_int_equal(store_event_add(s, id, &e), 0);
}

/* A ticket's status changes, its latest events, the open clocks. */
static void
test_history_reads(void **state)
{
	struct fx *f = *state;
	static const char *const also[] = { "priority", NULL };
	const struct store_value *v;
	struct store_rows *r;
	char buf[64];
	int64_t x, y;
	size_t n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	y = ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(ITSM_F_PRIORITY, "P2"),
	    S_INT(SK_PRIORITY_RANK, 2), S_INT(ITSM_F_RESPONSE_DUE, 5000));
	x = ADD(f->a, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_TXT(ITSM_F_GROUP, "network"), S_TXT(ITSM_F_SERVICE, "vpn"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_INT(SK_PRIORITY_RANK, 1), S_INT(ITSM_F_RESPONDED_AT, 150));
	(void)ADD(f->a, S_TXT(ITSM_F_STATUS, "new"),
	    S_INT(ITSM_F_UPDATED_AT, 1000));
	(void)ADD(f->a, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(ITSM_F_PRIORITY, "P1"));
	add_status_event(f->a, x, 100, "open", "status", "new");
	add_status_event(f->a, x, 300, "start", "status", "in_progress");
	add_status_event(f->a, x, 200, "hold", "status", "on_hold");
	add_status_event(f->a, x, 300, "prioritize", "priority", "P1");
	add_status_event(f->a, x, 400, "note", NULL, NULL);
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* By time, then as recorded: at, new status. */
	assert_int_equal(store_status_history(f->b, x, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].i, 100);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "new");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[0].i, 200);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "on_hold");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[0].i, 300);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "in_progress");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);

	/* The latest time's events, last recorded first: at, kind. */
	assert_int_equal(store_latest_events(f->b, x, NULL, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].i, 300);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "start");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	assert_int_equal(store_latest_events(f->b, x, also, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "prioritize");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "start");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	assert_int_equal(store_latest_events(f->b, y, also, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);

	/*
	 * The open prioritized tickets in queue order, a row per status
	 * change, one with NULLs when none: id, priority, opened_at,
	 * resolved_at, response_due, resolution_due, at, new, responded_at,
	 * status, group, service.
	 */
	assert_int_equal(store_open_clocks(f->b, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 12);
	assert_int_equal(v[8].i, 150);
	assert_string_equal(text_of(&v[9], buf, sizeof(buf)), "in_progress");
	assert_string_equal(text_of(&v[10], buf, sizeof(buf)), "network");
	assert_string_equal(text_of(&v[11], buf, sizeof(buf)), "vpn");
	assert_int_equal(v[0].i, x);
	assert_string_equal(text_of(&v[1], buf, sizeof(buf)), "P1");
	assert_int_equal(v[2].i, 1000);
	assert_int_equal(v[3].type, STORE_NULL);
	assert_int_equal(v[6].i, 100);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[6].i, 200);
	assert_string_equal(text_of(&v[7], buf, sizeof(buf)), "on_hold");
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[6].i, 300);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[0].i, y);
	assert_int_equal(v[4].i, 5000);
	assert_int_equal(v[6].type, STORE_NULL);
	assert_int_equal(v[7].type, STORE_NULL);
	assert_int_equal(v[8].type, STORE_NULL);
	assert_int_equal(v[10].type, STORE_NULL);
	assert_int_equal(v[11].type, STORE_NULL);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
}

/* Major incidents: through the wrappers of store_major.h only. */

/* Every row of r (freed) as text: values by "|" (NULL "-"), rows by "\n". */
static void
rows_text(itsm_store *s, struct store_rows *r, char *buf, size_t len)
{
	const struct store_value *v;
	size_t n, i, off = 0;
	int rc;

	buf[0] = '\0';
	while ((rc = store_rows_next(s, r, &v, &n)) == 1) {
		for (i = 0; i < n; i++) {
			if (v[i].type == STORE_INT)
				off += (size_t)snprintf(buf + off, len - off,
				    "%s%lld", i ? "|" : "", (long long)v[i].i);
			else if (v[i].type == STORE_TEXT)
				off += (size_t)snprintf(buf + off, len - off,
				    "%s%s", i ? "|" : "", v[i].s);
			else
				off += (size_t)snprintf(buf + off, len - off,
				    "%s-", i ? "|" : "");
			assert_true(off < len);
		}
		off += (size_t)snprintf(buf + off, len - off, "\n");
		assert_true(off < len);
	}
	assert_int_equal(rc, 0);
	store_rows_free(s, r);
}

#define MS_TXT(k, v) ((struct store_major_set){ .key = (k), .text = (v) })
#define MS_INT(k, v) ((struct store_major_set){ .key = (k), .num = (v), \
	.is_int = 1 })

static void
assert_state(itsm_store *s, int64_t id, const char *want)
{
	char st[16];

	assert_int_equal(store_major_state(s, id, st, sizeof(st)), 0);
	assert_string_equal(st, want);
}

/* The first put makes the major, the next ones change it. */
static void
test_major_put_and_state(void **state)
{
	struct fx *f = *state;
	struct store_major_set first[] = {
		MS_TXT(STORE_MAJOR_STATE, "proposed"),
		MS_INT(STORE_MAJOR_PROPOSED_AT, 100),
		MS_TXT(STORE_MAJOR_PROPOSAL, "rule: P1"),
		MS_TXT(STORE_MAJOR_BRIDGE, "tel:1"),
	};
	struct store_major_set next[] = {
		MS_TXT(STORE_MAJOR_STATE, "active"),
		MS_INT(STORE_MAJOR_DECLARED_AT, 200),
		MS_TXT(STORE_MAJOR_DECLARED_BY, "Ann"),
		MS_TXT(STORE_MAJOR_BRIDGE, NULL),
	};
	struct store_major_set last[] = {
		MS_TXT(STORE_MAJOR_STATE, "ended"),
		MS_INT(STORE_MAJOR_ENDED_AT, 300),
		MS_TXT(STORE_MAJOR_ROOT_CAUSE, "dns"),
	};
	struct store_major_set bad = MS_TXT(STORE_MAJOR_NKEYS, "x");
	struct store_rows *r;
	char buf[256];
	int64_t id, other;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 50, "new", 1, -1);
	other = add_ticket(f->a, "t", 50, "new", 0, -1);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_state(f->b, id, "");

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_major_put(f->a, id, first, 4), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_state(f->b, id, "proposed");
	assert_int_equal(store_major_dossier(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "proposed|100|rule: P1|-|-|-|tel:1|-\n");

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_major_put(f->a, id, next, 4), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_state(f->b, id, "active");
	assert_int_equal(store_major_dossier(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "active|100|rule: P1|200|Ann|-|-|-\n");

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_major_put(f->a, id, last, 3), 0);
	assert_int_equal(store_major_put(f->a, id, &bad, 1), ITSM_E_INTERNAL);
	itsm_store_rollback(f->a);
	assert_state(f->b, id, "active");
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_major_put(f->a, id, last, 3), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_major_dossier(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "ended|100|rule: P1|200|Ann|300|-|dns\n");

	/* A ticket that never was a major: no state, no row. */
	assert_state(f->b, other, "");
	assert_int_equal(store_major_dossier(f->b, other, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The majors in a state: newest declared first, never declared last. */
static void
test_majors_in_state(void **state)
{
	struct fx *f = *state;
	struct store_major_set act[] = {
		MS_TXT(STORE_MAJOR_STATE, "active"),
		MS_INT(STORE_MAJOR_DECLARED_AT, 0),
	};
	struct store_major_set prop = MS_TXT(STORE_MAJOR_STATE, "proposed");
	int64_t t[5], *ids = NULL;
	size_t i, n = 0;

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (i = 0; i < 5; i++)
		t[i] = add_ticket(f->a, "s", 50, "new", 1, -1);
	act[1].num = 500;
	assert_int_equal(store_major_put(f->a, t[0], act, 2), 0);
	act[1].num = 400;
	assert_int_equal(store_major_put(f->a, t[1], act, 2), 0);
	assert_int_equal(store_major_put(f->a, t[2], act, 1), 0);
	act[1].num = 500;
	assert_int_equal(store_major_put(f->a, t[3], act, 2), 0);
	assert_int_equal(store_major_put(f->a, t[4], &prop, 1), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* 500 (the later ticket first on a tie), 400, none. */
	assert_int_equal(store_majors_in_state(f->b, "active", &ids, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], t[3]);
	assert_int_equal(ids[1], t[0]);
	assert_int_equal(ids[2], t[1]);
	assert_int_equal(ids[3], t[2]);
	free(ids);
	assert_int_equal(store_majors_in_state(f->b, "proposed", &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], t[4]);
	free(ids);
	assert_int_equal(store_majors_in_state(f->b, "ended", &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
}

/* One row a person: put, moved, taken off; by name, bytewise. */
static void
test_major_roster(void **state)
{
	struct fx *f = *state;
	struct store_major_set act = MS_TXT(STORE_MAJOR_STATE, "active");
	struct store_rows *r;
	char *role = NULL, *name = NULL, buf[256];
	int64_t id, other;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 50, "new", 1, -1);
	other = add_ticket(f->a, "t", 50, "new", 1, -1);
	assert_int_equal(store_major_put(f->a, id, &act, 1), 0);
	assert_int_equal(store_major_put(f->a, other, &act, 1), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_roster_commander(f->b, id, &name), 0);
	assert_null(name);
	assert_int_equal(store_roster_role(f->b, id, "zoe", &role), 0);
	assert_null(role);

	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_roster_put(f->a, id, "zoe", "commander", 60), 0);
	assert_int_equal(store_roster_put(f->a, id, "amy", "scribe", 70), 0);
	assert_int_equal(store_roster_put(f->a, id, "Bob", "engineer", 71), 0);
	assert_int_equal(store_roster_put(f->a, id, "\xc3\xa9ve", "engineer",
	    72), 0);
	assert_int_equal(store_roster_put(f->a, other, "amy", "commander", 73),
	    0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_roster_commander(f->b, id, &name), 0);
	assert_string_equal(name, "zoe");
	free(name);
	assert_int_equal(store_roster_commander(f->b, other, &name), 0);
	assert_string_equal(name, "amy");
	free(name);
	assert_int_equal(store_roster_role(f->b, id, "amy", &role), 0);
	assert_string_equal(role, "scribe");
	free(role);
	assert_int_equal(store_roster_role(f->b, id, "Amy", &role), 0);
	assert_null(role);
	assert_int_equal(store_major_roster(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "Bob|engineer|71\namy|scribe|70\n"
	    "zoe|commander|60\n\xc3\xa9ve|engineer|72\n");

	/* Moved: the role and the time change; taken off: gone. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_roster_put(f->a, id, "zoe", "engineer", 80), 0);
	assert_int_equal(store_roster_put(f->a, id, "amy", "commander", 81), 0);
	assert_int_equal(store_roster_delete(f->a, id, "Bob"), 0);
	assert_int_equal(store_roster_delete(f->a, id, "nobody"), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_roster_commander(f->b, id, &name), 0);
	assert_string_equal(name, "amy");
	free(name);
	assert_int_equal(store_roster_role(f->b, id, "Bob", &role), 0);
	assert_null(role);
	assert_int_equal(store_major_roster(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "amy|commander|81\nzoe|engineer|80\n"
	    "\xc3\xa9ve|engineer|72\n");
	assert_int_equal(store_major_roster(f->b, other, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "amy|commander|73\n");
}

/* Findings in the order recorded; actions numbered per major, done once. */
static void
test_major_findings_and_actions(void **state)
{
	struct fx *f = *state;
	struct store_major_set end = MS_TXT(STORE_MAJOR_STATE, "ended");
	struct store_rows *r;
	char *text = NULL, buf[256];
	int64_t id, other;
	int n = 0;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 50, "resolved", 1, -1);
	other = add_ticket(f->a, "t", 50, "resolved", 1, -1);
	assert_int_equal(store_major_put(f->a, id, &end, 1), 0);
	assert_int_equal(store_major_put(f->a, other, &end, 1), 0);
	assert_int_equal(store_finding_add(f->a, id, "went_wrong", "late", 20),
	    0);
	assert_int_equal(store_finding_add(f->a, other, "lucky", "x", 5), 0);
	assert_int_equal(store_finding_add(f->a, id, "factor", "dns", 10), 0);
	assert_int_equal(store_finding_add(f->a, id, "went_well", "bridge",
	    30), 0);
	assert_int_equal(store_action_add(f->a, id, "fix", "ann", 900, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_action_add(f->a, other, "x", "cy", 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_action_add(f->a, id, "test", "bob", 950, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_major_findings(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "went_wrong|late|20\nfactor|dns|10\n"
	    "went_well|bridge|30\n");
	assert_int_equal(store_major_findings(f->b, other, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "lucky|x|5\n");

	/* A later transaction numbers on; done once, then no text. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_action_add(f->a, id, "doc", "cy", 990, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_action_done(f->a, id, 2, 960, &text), 0);
	assert_string_equal(text, "test");
	free(text);
	assert_int_equal(store_action_done(f->a, id, 2, 970, &text), 0);
	assert_null(text);
	assert_int_equal(store_action_done(f->a, id, 9, 970, &text), 0);
	assert_null(text);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_action_done(f->a, other, 2, 970, &text), 0);
	assert_null(text);
	assert_int_equal(store_major_actions(f->b, id, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "1|fix|ann|900|-\n2|test|bob|950|960\n"
	    "3|doc|cy|990|-\n");
	assert_int_equal(store_major_actions(f->b, other, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "1|x|cy|1|-\n");
}

/* Adds a ticket of type, status, service (or none), parent (or 0). */
static int64_t
add_child(itsm_store *s, const char *type, const char *status,
    const char *service, int64_t opened, int64_t parent)
{
	struct store_set set[10];
	size_t n = 0;
	int64_t id = 0;

	set[n++] = S_TXT(ITSM_F_SUMMARY, "s");
	set[n++] = S_TXT(ITSM_F_CALLER, "ann");
	set[n++] = S_TXT(ITSM_F_AFFECTED, "ann");
	set[n++] = S_INT(ITSM_F_OPENED_AT, opened);
	set[n++] = S_INT(ITSM_F_UPDATED_AT, opened);
	set[n++] = S_TXT(ITSM_F_TYPE, type);
	set[n++] = S_TXT(ITSM_F_STATUS, status);
	if (service != NULL)
		set[n++] = S_TXT(ITSM_F_SERVICE, service);
	if (parent > 0)
		set[n++] = S_INT(ITSM_F_PARENT, parent);
	assert_int_equal(store_ticket_insert(s, set, n, &id), 0);
	assert_true(id > 0);
	return id;
}

/* A major's children, by statuses and as the dossier streams them. */
static void
test_major_children(void **state)
{
	struct fx *f = *state;
	static const char *const open[] = { "new", "in_progress", "on_hold",
	    NULL };
	static const char *const none[] = { NULL };
	static const char *const closed[] = { "closed", "resolved", NULL };
	struct store_rows *r;
	char buf[256], want[256];
	int64_t p, c1, c2, c3, *ids = NULL;
	size_t n = 0;

	assert_int_equal(itsm_store_begin(f->a), 0);
	p = add_child(f->a, "incident", "in_progress", NULL, 1000, 0);
	c1 = add_child(f->a, "incident", "closed", NULL, 1000, p);
	c2 = add_child(f->a, "request", "on_hold", NULL, 1000, p);
	(void)add_child(f->a, "incident", "new", NULL, 1000, 0);
	c3 = add_child(f->a, "incident", "new", NULL, 1000, p);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_children_in(f->b, p, open, &ids, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], c2);
	assert_int_equal(ids[1], c3);
	free(ids);
	assert_int_equal(store_children_in(f->b, p, closed, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], c1);
	free(ids);
	assert_int_equal(store_children_in(f->b, p, none, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(store_children_in(f->b, c1, open, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);

	/* id, type, status, caller, channel (none here); by id. */
	assert_int_equal(store_major_children(f->b, p, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|incident|closed|ann|-\n"
	    "%lld|request|on_hold|ann|-\n%lld|incident|new|ann|-\n",
	    (long long)c1, (long long)c2, (long long)c3);
	assert_string_equal(buf, want);
}

/* The events of the kinds asked: id, at, kind, field, message; by id. */
static void
test_major_events(void **state)
{
	struct fx *f = *state;
	static const char *const kinds[] = { "major-update", "major-comms",
	    NULL };
	static const char *const none[] = { NULL };
	struct store_event e;
	struct store_rows *r;
	const struct store_value *v;
	char buf[512], want[512];
	int64_t id, other, ev[3];
	size_t n;

	assert_int_equal(itsm_store_begin(f->a), 0);
	id = add_ticket(f->a, "s", 50, "new", 1, -1);
	other = add_ticket(f->a, "t", 50, "new", 1, -1);
	e = event(300, "major-comms", "hi");
	e.field = "users";
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	ev[0] = store_last_event_id(f->a);
	e = event(100, "note", "no");
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	e = event(200, "major-update", "one");
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	ev[1] = store_last_event_id(f->a);
	assert_int_equal(store_event_add(f->a, other, &e), 0);
	e = event(150, "major-update", NULL);
	assert_int_equal(store_event_add(f->a, id, &e), 0);
	ev[2] = store_last_event_id(f->a);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_major_events(f->b, id, kinds, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|300|major-comms|users|hi\n"
	    "%lld|200|major-update|-|one\n%lld|150|major-update|-|-\n",
	    (long long)ev[0], (long long)ev[1], (long long)ev[2]);
	assert_string_equal(buf, want);
	assert_int_equal(store_major_events(f->b, id, kinds + 1, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|300|major-comms|users|hi\n",
	    (long long)ev[0]);
	assert_string_equal(buf, want);
	assert_int_equal(store_major_events(f->b, id, none, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
}

/* What detect reads: candidates of a type in statuses, and storms. */
static void
test_major_candidates_and_storms(void **state)
{
	struct fx *f = *state;
	static const char *const open[] = { "new", "in_progress", "on_hold",
	    NULL };
	static const char *const none[] = { NULL };
	struct store_major_set act = MS_TXT(STORE_MAJOR_STATE, "active");
	struct store_rows *r;
	char buf[512], want[512];
	int64_t a, b, c, d, e;

	assert_int_equal(itsm_store_begin(f->a), 0);
	a = add_child(f->a, "incident", "new", "Mail", 1000, 0);
	b = add_child(f->a, "incident", "in_progress", "mail", 2000, a);
	c = add_child(f->a, "incident", "on_hold", NULL, 3000, 0);
	d = add_child(f->a, "incident", "resolved", "Mail", 3000, 0);
	e = add_child(f->a, "request", "new", "Mail", 3000, 0);
	assert_int_equal(store_major_put(f->a, a, &act, 1), 0);
	assert_int_equal(store_major_put(f->a, c, &act, 1), 0);
	assert_int_equal(store_major_put(f->a, d, &act, 1), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* id, service, parent, major state; by id. */
	assert_int_equal(store_rule_candidates(f->b, "incident", open, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|Mail|-|active\n%lld|mail|%lld|-\n"
	    "%lld|-|-|active\n", (long long)a, (long long)b, (long long)a,
	    (long long)c);
	assert_string_equal(buf, want);
	assert_int_equal(store_rule_candidates(f->b, "incident", none, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "");

	/* Storms: with a service, opened at or after since. */
	assert_int_equal(store_storms(f->b, "incident", open, 1000, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|Mail|-|active\n%lld|mail|%lld|-\n",
	    (long long)a, (long long)b, (long long)a);
	assert_string_equal(buf, want);
	assert_int_equal(store_storms(f->b, "incident", open, 2000, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|mail|%lld|-\n", (long long)b,
	    (long long)a);
	assert_string_equal(buf, want);
	assert_int_equal(store_storms(f->b, "incident", open, 2001, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(store_storms(f->b, "request", open, 0, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|Mail|-|-\n", (long long)e);
	assert_string_equal(buf, want);
}

/*
 * Imports (struct engine_port): through the wrappers of store_port.h
 * only.  Every test runs the same on both engines, bulk or not: what a
 * value becomes, what is refused and in what words, which row.
 */

#define V_NULL ((struct store_value){ .type = STORE_NULL })
#define V_INT(x) ((struct store_value){ .type = STORE_INT, .i = (x) })
#define V_REAL(x) ((struct store_value){ .type = STORE_REAL, .r = (x) })
#define V_TXT(x) ((struct store_value){ .type = STORE_TEXT, .s = (x), \
	.len = strlen(x) })

/* The least a ticket needs: col[] by key, the others NULL. */
static void
port_ticket(struct store_value *col, int64_t id, const char *status)
{
	int k;

	for (k = 0; k < SK_NKEYS; k++)
		col[k] = V_NULL;
	col[ITSM_F_ID] = V_INT(id);
	col[ITSM_F_TYPE] = V_TXT("incident");
	col[ITSM_F_STATUS] = V_TXT(status);
	col[ITSM_F_SUMMARY] = V_TXT("s");
	col[ITSM_F_CALLER] = V_TXT("ann");
	col[ITSM_F_AFFECTED] = V_TXT("ann");
	col[ITSM_F_OPENED_AT] = V_INT(1000);
	col[ITSM_F_UPDATED_AT] = V_INT(1000);
	col[ITSM_F_MAJOR] = V_INT(0);
	col[ITSM_F_REOPEN_COUNT] = V_INT(0);
	col[ITSM_F_REASSIGNMENT_COUNT] = V_INT(0);
	col[SK_AUTO_CLOSED] = V_INT(0);
}

static void
port_event(struct store_value *ev, int64_t at, const char *kind)
{
	int i;

	for (i = 0; i < IE_N; i++)
		ev[i] = V_NULL;
	ev[IE_AT] = V_INT(at);
	ev[IE_RECORDED_AT] = V_INT(at);
	ev[IE_ACTOR] = V_TXT("Ann");
	ev[IE_LOGIN] = V_TXT("ann");
	ev[IE_KIND] = V_TXT(kind);
}

/*
 * A row imported and, when the engine holds it back, written: 0 or
 * ITSM_E_INVALID with why, as a caller sees it in the end.
 */
static int
port_try(itsm_store *s, const struct store_value *col, char *why,
    size_t len)
{
	int rc;

	why[0] = '\0';
	if ((rc = store_import_ticket(s, col, why, len)) != 0)
		return rc;
	return store_import_flush(s, why, len);
}

static int
port_try_event(itsm_store *s, int64_t id, const struct store_value *ev,
    char *why, size_t len)
{
	int rc;

	why[0] = '\0';
	if ((rc = store_import_event(s, id, ev, why, len)) != 0)
		return rc;
	return store_import_flush(s, why, len);
}

/* Every stored key of the tickets, by id: one line each. */
static void
port_tickets_text(itsm_store *s, char *buf, size_t len)
{
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = (SK_BIT(SK_NKEYS) - 1) & ~SK_BIT(ITSM_F_REF) };
	struct store_rows *r;

	assert_int_equal(store_ticket_select(s, &q, &r), 0);
	rows_text(s, r, buf, len);
}

/*
 * Explicit ids, every type of value in every kind of column, texts with
 * what COPY escapes (and its NULL, as a text), a parent imported after
 * its child: read back the same on both engines, bulk or not.
 */
static void
port_values(void **state, int bulk)
{
	struct fx *f = *state;
	struct store_value col[SK_NKEYS], ev[IE_N];
	struct store_rows *r;
	char why[256], buf[4096];
	int found;

	if (bulk)
		assert_int_equal(store_bulk(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_defer_foreign_keys(f->a), 0);
	store_import_mark(f->a, 1);
	port_ticket(col, 7, "on_hold");
	col[ITSM_F_TYPE] = V_TXT("request");
	col[ITSM_F_SUMMARY] = V_TXT("a\tb\nc\\d\re \xc3\xa9");
	col[ITSM_F_DESCRIPTION] = V_REAL(1.5);
	col[ITSM_F_CALLER] = V_INT(42);
	col[ITSM_F_AFFECTED] = V_TXT("\\N");
	col[ITSM_F_CHANNEL] = V_REAL(1e20);
	col[ITSM_F_CONTACT] = V_TXT("");
	col[ITSM_F_SERVICE] = V_TXT("[1,\"x\"]");
	col[ITSM_F_SUBCATEGORY] = V_REAL(-2.5e-7);
	col[ITSM_F_PRIORITY] = V_TXT("P2");
	col[ITSM_F_MAJOR] = V_INT(1);
	col[ITSM_F_GROUP] = V_TXT("Desk");
	col[ITSM_F_UPDATED_AT] = V_INT(2000);
	col[ITSM_F_RESPONDED_AT] = V_INT(1500);
	col[ITSM_F_RESPONSE_DUE] = V_INT(4600);
	col[ITSM_F_RESOLUTION_NOTES] = V_REAL(3e15);
	col[ITSM_F_SATISFACTION] = V_INT(4);
	col[ITSM_F_REOPEN_COUNT] = V_INT(2);
	col[ITSM_F_REASSIGNMENT_COUNT] = V_INT(3);
	col[ITSM_F_PARENT] = V_INT(9);
	col[SK_EXT_REF] = V_TXT("INC7");
	col[SK_PRIORITY_RANK] = V_INT(2);
	col[SK_STAGNANT_ESCALATED_AT] = V_INT(3000);
	col[SK_HOLD_REASON] = V_TXT("vendor");
	assert_int_equal(store_import_ticket(f->a, col, why, sizeof(why)), 0);
	port_event(ev, 1000, "open");
	ev[IE_MESSAGE] = V_TXT("line\none\ttab \\ back");
	assert_int_equal(store_import_event(f->a, 7, ev, why, sizeof(why)), 0);
	port_event(ev, 1500, "status");
	ev[IE_RECORDED_AT] = V_INT(1600);
	ev[IE_LOGIN] = V_TXT("root");
	ev[IE_FIELD] = V_TXT("status");
	ev[IE_OLD] = V_REAL(0.1);
	ev[IE_NEW] = V_INT(5);
	assert_int_equal(store_import_event(f->a, 7, ev, why, sizeof(why)), 0);
	/* The child is there (held or not); its parent not yet. */
	assert_int_equal(store_import_exists(f->a, 7, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(store_import_exists(f->a, 9, &found), 0);
	assert_int_equal(found, 0);
	store_import_mark(f->a, 2);
	port_ticket(col, 9, "new");
	assert_int_equal(store_import_ticket(f->a, col, why, sizeof(why)), 0);
	port_event(ev, 1200, "note");
	assert_int_equal(store_import_event(f->a, 9, ev, why, sizeof(why)), 0);
	assert_int_equal(store_import_exists(f->a, 9, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(store_import_flush(f->a, why, sizeof(why)), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	port_tickets_text(f->b, buf, sizeof(buf));
	assert_string_equal(buf,
	    "7|request|on_hold|a\tb\nc\\d\re \xc3\xa9|1.5|42|\\N|1.0e+20||"
	    "[1,\"x\"]|-|-2.5e-07|-|-|P2|1|-|Desk|-|1000|2000|1500|-|-|4600|"
	    "-|-|-|3.0e+15|4|2|3|9|INC7|2|3000|-|0|vendor|0\n"
	    "9|incident|new|s|-|ann|ann|-|-|-|-|-|-|-|-|0|-|-|-|1000|1000|-|"
	    "-|-|-|-|-|-|-|-|0|0|-|-|-|-|-|0|-|0\n");
	/* Events numbered in the order imported, from 1. */
	assert_int_equal(store_ticket_events(f->b, 7, 0, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf,
	    "1000|1000|Ann|ann|open|-|-|-|line\none\ttab \\ back|1\n"
	    "1500|1600|Ann|root|status|status|0.1|5|-|2\n");
	assert_int_equal(store_ticket_events(f->b, 9, 0, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "1200|1200|Ann|ann|note|-|-|-|-|3\n");
	/* The next ticket an engine gives follows the largest id. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(add_ticket(f->a, "next", 5000, "new", 0, -1), 10);
	itsm_store_rollback(f->a);
}

static void
test_port_values(void **state)
{
	port_values(state, 0);
}

static void
test_port_values_bulk(void **state)
{
	port_values(state, 1);
}

/* Each refusal: ITSM_E_INVALID, the same words; the transaction goes on. */
static void
port_refusals(void **state, int bulk)
{
	struct fx *f = *state;
	struct store_value col[SK_NKEYS], ev[IE_N];
	char why[256], buf[4096];
	int64_t mark = 10;

	if (bulk)
		assert_int_equal(store_bulk(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	store_import_mark(f->a, mark);
	port_ticket(col, 1, "new");
	col[SK_EXT_REF] = V_TXT("INC1");
	assert_int_equal(port_try(f->a, col, why, sizeof(why)), 0);

	store_import_mark(f->a, ++mark);
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why, "ticket 1 exists already");
	assert_int_equal(store_import_refused(f->a), mark);

	store_import_mark(f->a, ++mark);
	port_ticket(col, 2, "bogus");
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_true(strncmp(why, "CHECK constraint failed: status", 31) == 0);
	assert_int_equal(store_import_refused(f->a), mark);

	store_import_mark(f->a, ++mark);
	port_ticket(col, 3, "new");
	col[ITSM_F_SATISFACTION] = V_INT(9);
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_true(strncmp(why, "CHECK constraint failed: satisfaction",
	    37) == 0);

	port_ticket(col, 4, "new");
	col[ITSM_F_SUMMARY] = V_NULL;
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why, "NOT NULL constraint failed: tickets.summary");

	port_ticket(col, 5, "new");
	col[SK_EXT_REF] = V_TXT("INC1");
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why, "UNIQUE constraint failed: tickets.ext_ref");

	port_event(ev, 1000, "note");
	ev[IE_ACTOR] = V_NULL;
	assert_int_equal(port_try_event(f->a, 1, ev, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why,
	    "events: NOT NULL constraint failed: events.actor");

	/* The transaction goes on: the rows not refused are written. */
	port_ticket(col, 6, "new");
	assert_int_equal(port_try(f->a, col, why, sizeof(why)), 0);
	port_event(ev, 1000, "note");
	assert_int_equal(port_try_event(f->a, 6, ev, why, sizeof(why)), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	port_tickets_text(f->b, buf, sizeof(buf));
	assert_string_equal(buf,
	    "1|incident|new|s|-|ann|ann|-|-|-|-|-|-|-|-|0|-|-|-|1000|1000|-|"
	    "-|-|-|-|-|-|-|-|0|0|-|INC1|-|-|-|0|-|0\n"
	    "6|incident|new|s|-|ann|ann|-|-|-|-|-|-|-|-|0|-|-|-|1000|1000|-|"
	    "-|-|-|-|-|-|-|-|0|0|-|-|-|-|-|0|-|0\n");
	assert_int_equal(store_last_event_id(f->b), 1);

	/* A parent that never comes: refused at the commit, nothing kept. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_defer_foreign_keys(f->a), 0);
	port_ticket(col, 7, "new");
	col[ITSM_F_PARENT] = V_INT(99);
	assert_int_equal(port_try(f->a, col, why, sizeof(why)), 0);
	assert_int_equal(itsm_store_commit(f->a), ITSM_E_INTERNAL);
	assert_non_null(strstr(itsm_errmsg(),
	    "FOREIGN KEY constraint failed"));
	port_tickets_text(f->b, buf, sizeof(buf));
	assert_null(strstr(buf, "\n7|"));
	/* ... and at once when not deferred. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(port_try(f->a, col, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why, "FOREIGN KEY constraint failed");
	itsm_store_rollback(f->a);
}

static void
test_port_refusals(void **state)
{
	port_refusals(state, 0);
}

static void
test_port_refusals_bulk(void **state)
{
	port_refusals(state, 1);
}

/* A major's dossier: its row, roster, findings, actions; one refused. */
static void
test_port_crisis(void **state)
{
	struct fx *f = *state;
	struct store_value col[SK_NKEYS];
	struct store_value roster[2][IR_N] = {
		{ V_TXT("zoe"), V_TXT("commander"), V_INT(60) },
		{ V_TXT("amy"), V_TXT("scribe"), V_INT(70) },
	};
	struct store_value findings[2][IF_N] = {
		{ V_TXT("went_wrong"), V_TXT("late"), V_INT(20) },
		{ V_TXT("factor"), V_TXT("dns"), V_INT(10) },
	};
	struct store_value actions[2][IA_N] = {
		{ V_INT(1), V_TXT("fix"), V_TXT("ann"), V_INT(900), V_NULL },
		{ V_INT(2), V_TXT("test"), V_TXT("bob"), V_INT(950), V_INT(960) },
	};
	struct store_crisis c = {
		.major = { V_TXT("ended"), V_INT(100), V_TXT("rule: P1"),
		    V_INT(200), V_TXT("Ann"), V_INT(300), V_NULL, V_TXT("dns") },
		.roster = (const struct store_value (*)[IR_N])roster,
		.nroster = 2,
		.findings = (const struct store_value (*)[IF_N])findings,
		.nfindings = 2,
		.actions = (const struct store_value (*)[IA_N])actions,
		.nactions = 2,
	};
	struct store_rows *r;
	char why[256], buf[1024];

	assert_int_equal(store_bulk(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	store_import_mark(f->a, 1);
	port_ticket(col, 3, "resolved");
	assert_int_equal(store_import_ticket(f->a, col, why, sizeof(why)), 0);
	assert_int_equal(store_import_crisis(f->a, 3, &c, why, sizeof(why)), 0);
	/* The same name twice on a roster: refused, in SQLite's words. */
	store_import_mark(f->a, 2);
	port_ticket(col, 4, "resolved");
	assert_int_equal(store_import_ticket(f->a, col, why, sizeof(why)), 0);
	roster[1][IR_NAME] = V_TXT("zoe");
	assert_int_equal(store_import_crisis(f->a, 4, &c, why, sizeof(why)),
	    ITSM_E_INVALID);
	assert_string_equal(why, "crisis: UNIQUE constraint failed: "
	    "major_roster.ticket, major_roster.name");
	assert_int_equal(store_import_refused(f->a), 2);
	itsm_store_rollback(f->a);
	roster[1][IR_NAME] = V_TXT("amy");

	assert_int_equal(itsm_store_begin(f->a), 0);
	port_ticket(col, 3, "resolved");
	assert_int_equal(store_import_ticket(f->a, col, why, sizeof(why)), 0);
	assert_int_equal(store_import_crisis(f->a, 3, &c, why, sizeof(why)), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_major_dossier(f->b, 3, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "ended|100|rule: P1|200|Ann|300|-|dns\n");
	assert_int_equal(store_major_roster(f->b, 3, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "amy|scribe|70\nzoe|commander|60\n");
	assert_int_equal(store_major_findings(f->b, 3, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "went_wrong|late|20\nfactor|dns|10\n");
	assert_int_equal(store_major_actions(f->b, 3, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "1|fix|ann|900|-\n2|test|bob|950|960\n");
}

/* How many tickets the database has, and events. */
static void
port_counts(itsm_store *s, int64_t *tickets, int64_t *events)
{
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) };
	const struct store_value *v;
	struct store_rows *r;
	size_t n;
	int rc;

	*tickets = 0;
	assert_int_equal(store_ticket_select(s, &q, &r), 0);
	while ((rc = store_rows_next(s, r, &v, &n)) == 1)
		(*tickets)++;
	assert_int_equal(rc, 0);
	store_rows_free(s, r);
	*events = store_last_event_id(s);
}

/*
 * Imports n tickets of 2 events each from id first, mark i for the
 * i-th; the one of mark bad is id dup (a ticket of this run) or of
 * status "bogus" (dup 0).  The first refusal's code, why and mark.
 */
#define PORT_MANY 12000		/* more than a COPY batch (PostgreSQL) */
static int
port_many(itsm_store *s, int64_t first, int64_t n, int64_t bad, int64_t dup,
    char *why, size_t len)
{
	struct store_value col[SK_NKEYS], ev[IE_N];
	int64_t i, id;
	int rc;

	for (i = 1; i <= n; i++) {
		id = first + i - 1;
		store_import_mark(s, i);
		port_ticket(col, i == bad && dup ? dup : id,
		    i == bad && !dup ? "bogus" : "new");
		if ((rc = store_import_ticket(s, col, why, len)) != 0)
			return rc;
		port_event(ev, 1000, "open");
		if ((rc = store_import_event(s, id, ev, why, len)) != 0)
			return rc;
		port_event(ev, 1001, "note");
		if ((rc = store_import_event(s, id, ev, why, len)) != 0)
			return rc;
	}
	return store_import_flush(s, why, len);
}

/*
 * Bulk mode: more rows than one batch, written in order, events
 * numbered as they came; a bad row in the middle of a batch is that
 * row, reported as its own (the rows before it written, not the rows
 * after it), whichever call finds it.
 */
static void
test_port_bulk_batches(void **state)
{
	struct fx *f = *state;
	struct store_rows *r;
	char why[256], buf[256], want[256];
	int64_t tickets, events;

	assert_int_equal(store_bulk(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(port_many(f->a, 1, PORT_MANY, 0, 0, why,
	    sizeof(why)), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);
	port_counts(f->b, &tickets, &events);
	assert_int_equal(tickets, PORT_MANY);
	assert_int_equal(events, 2 * PORT_MANY);
	assert_int_equal(store_ticket_events(f->b, 9999, 0, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	assert_string_equal(buf, "1000|1000|Ann|ann|open|-|-|-|-|19997\n"
	    "1001|1001|Ann|ann|note|-|-|-|-|19998\n");

	/* Row 7,500 of the next import has the id of its row 7,400. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(port_many(f->a, 20001, PORT_MANY, 7500, 27400, why,
	    sizeof(why)), ITSM_E_INVALID);
	assert_string_equal(why, "ticket 27400 exists already");
	assert_int_equal(store_import_refused(f->a), 7500);
	assert_int_equal(itsm_store_commit(f->a), 0);
	port_counts(f->b, &tickets, &events);
	assert_int_equal(tickets, PORT_MANY + 7499);
	assert_int_equal(events, 2 * (PORT_MANY + 7499));
	assert_int_equal(store_ticket_events(f->b, 27499, 0, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "1000|1000|Ann|ann|open|-|-|-|-|%d\n"
	    "1001|1001|Ann|ann|note|-|-|-|-|%d\n", 2 * (PORT_MANY + 7499) - 1,
	    2 * (PORT_MANY + 7499));
	assert_string_equal(buf, want);

	/* A value refused in the middle of a batch: that row; rolled back. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(port_many(f->a, 40001, PORT_MANY, 6123, 0, why,
	    sizeof(why)), ITSM_E_INVALID);
	assert_true(strncmp(why, "CHECK constraint failed: status", 31) == 0);
	assert_int_equal(store_import_refused(f->a), 6123);
	itsm_store_rollback(f->a);
	port_counts(f->b, &tickets, &events);
	assert_int_equal(tickets, PORT_MANY + 7499);
	assert_int_equal(events, 2 * (PORT_MANY + 7499));
}

/*
 * Statistics: the streams of struct engine_stats, each read inside a
 * snapshot as lib/stats.c reads them.  Rows as lines of typed values:
 * an integer as digits, a text in quotes, NULL as "-"; compared sorted
 * when the stream promises no order.
 */
static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text (each ending "\n"), sorted, into buf. */
static void
sort_lines(const char *text, char *buf, size_t len)
{
	char *copy = strdup(text), *lines[64], *p, *nl;
	size_t k = 0, i, off = 0;

	assert_non_null(copy);
	for (p = copy; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_true(k < 64);
		*nl = '\0';
		lines[k++] = p;
	}
	qsort(lines, k, sizeof(lines[0]), cmp_line);
	buf[0] = '\0';
	for (i = 0; i < k; i++) {
		off += (size_t)snprintf(buf + off, len - off, "%s\n", lines[i]);
		assert_true(off < len);
	}
	free(copy);
}

/*
 * The rows *r (rc: the call that made them) are want, line by line; in
 * any order when sorted.  Frees the rows.
 */
static void
assert_rows(itsm_store *s, int rc, struct store_rows **r, int sorted,
    const char *want)
{
	const struct store_value *v;
	char got[4096], a[4096], b[4096];
	size_t n, i, off = 0;

	if (rc != 0)
		fail_msg("%s: %s", s->engine->name, itsm_errmsg());
	got[0] = '\0';
	while ((rc = store_rows_next(s, *r, &v, &n)) == 1) {
		for (i = 0; i < n; i++) {
			const char *sep = i ? "|" : "";

			if (v[i].type == STORE_INT)
				off += (size_t)snprintf(got + off,
				    sizeof(got) - off, "%s%lld", sep,
				    (long long)v[i].i);
			else if (v[i].type == STORE_TEXT)
				off += (size_t)snprintf(got + off,
				    sizeof(got) - off, "%s'%s'", sep, v[i].s);
			else if (v[i].type == STORE_NULL)
				off += (size_t)snprintf(got + off,
				    sizeof(got) - off, "%s-", sep);
			else
				off += (size_t)snprintf(got + off,
				    sizeof(got) - off, "%sreal %g", sep,
				    v[i].r);
			assert_true(off < sizeof(got));
		}
		off += (size_t)snprintf(got + off, sizeof(got) - off, "\n");
		assert_true(off < sizeof(got));
	}
	assert_int_equal(rc, 0);
	store_rows_free(s, *r);
	*r = NULL;
	if (!sorted) {
		assert_string_equal(got, want);
		return;
	}
	sort_lines(got, a, sizeof(a));
	sort_lines(want, b, sizeof(b));
	assert_string_equal(a, b);
}

/* A ticket opened at opened (and updated then) with the extra fields. */
static int64_t
add_opened(itsm_store *s, int64_t opened, const struct store_set *extra,
    size_t n)
{
	struct store_set set[24];
	size_t i, k = 0;
	int64_t id = 0;

	set[k++] = S_TXT(ITSM_F_SUMMARY, "s");
	set[k++] = S_TXT(ITSM_F_CALLER, "ann");
	set[k++] = S_TXT(ITSM_F_AFFECTED, "ann");
	set[k++] = S_INT(ITSM_F_OPENED_AT, opened);
	set[k++] = S_INT(ITSM_F_UPDATED_AT, opened);
	for (i = 0; i < n && k < sizeof(set) / sizeof(set[0]); i++)
		set[k++] = extra[i];
	assert_int_equal(store_ticket_insert(s, set, k, &id), 0);
	assert_true(id > 0);
	return id;
}

#define OPENED(s, at, ...) add_opened((s), (at), \
	(const struct store_set[]){ __VA_ARGS__ }, \
	sizeof((const struct store_set[]){ __VA_ARGS__ }) / \
	sizeof(struct store_set))

static void
add_kind(itsm_store *s, int64_t id, int64_t at, const char *kind)
{
	struct store_event e = event(at, kind, NULL);

	assert_int_equal(store_event_add(s, id, &e), 0);
}

/*
 * The tickets opened in [since, until), every column, and the
 * escalated lookup: resolved (resolved_at set, whatever the status), of
 * the first tier exactly (bytewise), with an escalate event.
 */
static void
test_stats_opened(void **state)
{
	struct fx *f = *state;
	struct store_rows *r;
	int64_t b, d;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	(void)OPENED(f->a, 999, S_TXT(ITSM_F_STATUS, "new"),
	    S_TXT(ITSM_F_PRIORITY, "P9"));
	b = OPENED(f->a, 1000, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_TXT(ITSM_F_PRIORITY, "P1"), S_TXT(ITSM_F_GROUP, "Desk"),
	    S_TXT(ITSM_F_CATEGORY, "hw"), S_TXT(ITSM_F_CHANNEL, "phone"),
	    S_TXT(ITSM_F_TIER, "L1"), S_INT(ITSM_F_RESOLVED_AT, 1500),
	    S_INT(ITSM_F_RESPONDED_AT, 1100), S_INT(ITSM_F_RESPONSE_DUE, 1200),
	    S_INT(ITSM_F_RESOLUTION_DUE, 2000),
	    S_INT(ITSM_F_REASSIGNMENT_COUNT, 2), S_INT(ITSM_F_REOPEN_COUNT, 1),
	    S_INT(ITSM_F_SATISFACTION, 4));
	add_kind(f->a, b, 1050, "escalate");
	add_kind(f->a, OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "closed"),
	    S_TXT(ITSM_F_TIER, "L1"), S_INT(ITSM_F_RESOLVED_AT, 1600),
	    S_INT(ITSM_F_CLOSED_AT, 1700)), 1550, "note");
	d = OPENED(f->a, 1999, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_TXT(ITSM_F_PRIORITY, "P2"), S_TXT(ITSM_F_TIER, "L2"),
	    S_INT(ITSM_F_RESOLVED_AT, 1999));
	add_kind(f->a, d, 1999, "escalate");
	add_kind(f->a, d, 1999, "escalate");
	add_kind(f->a, OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_TXT(ITSM_F_PRIORITY, "P1"), S_TXT(ITSM_F_TIER, "L1")), 1600,
	    "escalate");
	add_kind(f->a, OPENED(f->a, 1200, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_TXT(ITSM_F_PRIORITY, "p1"), S_TXT(ITSM_F_TIER, "l1"),
	    S_INT(ITSM_F_RESOLVED_AT, 1300)), 1250, "escalate");
	(void)OPENED(f->a, 2000, S_TXT(ITSM_F_STATUS, "new"),
	    S_TXT(ITSM_F_PRIORITY, "P9"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	/*
	 * key, status, resolved_at, responded_at, response_due,
	 * resolution_due, tier, reassignment_count, reopen_count,
	 * satisfaction, escalated.
	 */
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_PRIORITY, 1000,
	    2000, "L1", &r), &r, 1,
	    "'P1'|'resolved'|1500|1100|1200|2000|'L1'|2|1|4|1\n"
	    "-|'closed'|1600|-|-|-|'L1'|0|0|-|0\n"
	    "'P2'|'resolved'|1999|-|-|-|'L2'|0|0|-|0\n"
	    "'P1'|'in_progress'|-|-|-|-|'L1'|0|0|-|0\n"
	    "'p1'|'resolved'|1300|-|-|-|'l1'|0|0|-|0\n");
	/* Another first tier; none: nothing looked up. */
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_NONE, 1000,
	    2000, "L2", &r), &r, 1,
	    "-|'resolved'|1500|1100|1200|2000|'L1'|2|1|4|0\n"
	    "-|'closed'|1600|-|-|-|'L1'|0|0|-|0\n"
	    "-|'resolved'|1999|-|-|-|'L2'|0|0|-|1\n"
	    "-|'in_progress'|-|-|-|-|'L1'|0|0|-|0\n"
	    "-|'resolved'|1300|-|-|-|'l1'|0|0|-|0\n");
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_TIER, 1000,
	    2000, NULL, &r), &r, 1,
	    "'L1'|'resolved'|1500|1100|1200|2000|'L1'|2|1|4|0\n"
	    "'L1'|'closed'|1600|-|-|-|'L1'|0|0|-|0\n"
	    "'L2'|'resolved'|1999|-|-|-|'L2'|0|0|-|0\n"
	    "'L1'|'in_progress'|-|-|-|-|'L1'|0|0|-|0\n"
	    "'l1'|'resolved'|1300|-|-|-|'l1'|0|0|-|0\n");
	/* [since, until): the bounds. */
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_GROUP, 1000,
	    1001, "L1", &r), &r, 1,
	    "'Desk'|'resolved'|1500|1100|1200|2000|'L1'|2|1|4|1\n");
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_CATEGORY, 1999,
	    2000, "L1", &r), &r, 1, "-|'resolved'|1999|-|-|-|'L2'|0|0|-|0\n");
	assert_rows(f->b, store_stats_opened(f->b, STORE_KEY_CHANNEL, 2001,
	    3000, "L1", &r), &r, 1, "");
	store_snapshot_end(f->b, began);
}

/* The tickets closed in [since, until), whenever opened; every key. */
static void
test_stats_closed_and_keys(void **state)
{
	struct fx *f = *state;
	struct store_rows *r;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	(void)OPENED(f->a, 10, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_CLOSED_AT, 999), S_TXT(ITSM_F_GROUP, "Early"));
	(void)OPENED(f->a, 10, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_CLOSED_AT, 1000), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_TXT(ITSM_F_GROUP, "Desk"), S_TXT(ITSM_F_CATEGORY, "hw"),
	    S_TXT(ITSM_F_CHANNEL, "phone"), S_TXT(ITSM_F_TIER, "L1"));
	(void)OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_CLOSED_AT, 1999));
	(void)OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_CLOSED_AT, 1500), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_TXT(ITSM_F_GROUP, "Desk"), S_TXT(ITSM_F_CATEGORY, "sw"),
	    S_TXT(ITSM_F_CHANNEL, "mail"), S_TXT(ITSM_F_TIER, "L2"));
	(void)OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_CLOSED_AT, 2000), S_TXT(ITSM_F_GROUP, "Late"));
	(void)OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_TXT(ITSM_F_GROUP, "Open"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_NONE, 1000,
	    2000, &r), &r, 1, "-\n-\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_PRIORITY, 1000,
	    2000, &r), &r, 1, "'P1'\n'P1'\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_GROUP, 1000,
	    2000, &r), &r, 1, "'Desk'\n'Desk'\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_CATEGORY, 1000,
	    2000, &r), &r, 1, "'hw'\n'sw'\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_CHANNEL, 1000,
	    2000, &r), &r, 1, "'phone'\n'mail'\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_TIER, 1000,
	    2000, &r), &r, 1, "'L1'\n'L2'\n-\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_GROUP, 999,
	    1000, &r), &r, 1, "'Early'\n");
	assert_rows(f->b, store_stats_closed(f->b, STORE_KEY_GROUP, 1999,
	    2001, &r), &r, 1, "-\n'Late'\n");
	store_snapshot_end(f->b, began);
}

/* The tickets in one of the statuses now (exactly: bytewise). */
static void
test_stats_in_status(void **state)
{
	struct fx *f = *state;
	static const char *const open[] = { "new", "in_progress", "on_hold" };
	static const char *const odd[] = { "NEW", "closed" };
	struct store_rows *r;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	(void)OPENED(f->a, 10, S_TXT(ITSM_F_STATUS, "new"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	(void)OPENED(f->a, 20, S_TXT(ITSM_F_STATUS, "in_progress"));
	(void)OPENED(f->a, 30, S_TXT(ITSM_F_STATUS, "on_hold"),
	    S_TXT(ITSM_F_GROUP, "Net"));
	(void)OPENED(f->a, 40, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	(void)OPENED(f->a, 50, S_TXT(ITSM_F_STATUS, "new"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	assert_rows(f->b, store_stats_in_status(f->b, STORE_KEY_GROUP, open,
	    3, &r), &r, 1, "'Desk'\n-\n'Net'\n'Desk'\n");
	assert_rows(f->b, store_stats_in_status(f->b, STORE_KEY_GROUP, open,
	    1, &r), &r, 1, "'Desk'\n'Desk'\n");
	assert_rows(f->b, store_stats_in_status(f->b, STORE_KEY_NONE, open + 2,
	    1, &r), &r, 1, "-\n");
	assert_rows(f->b, store_stats_in_status(f->b, STORE_KEY_GROUP, odd, 2,
	    &r), &r, 1, "");
	store_snapshot_end(f->b, began);
}

/*
 * The tickets opened before at, with the status of their latest status
 * event before at: by time (not recording), then recording (not the
 * status's name); none: NULL.
 */
static void
test_stats_status_at(void **state)
{
	struct fx *f = *state;
	struct store_rows *r;
	int64_t p1, p2, p3;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	p1 = OPENED(f->a, 100, S_TXT(ITSM_F_STATUS, "closed"),
	    S_TXT(ITSM_F_GROUP, "One"));
	add_status_event(f->a, p1, 700, "status", "status", "on_hold");
	add_status_event(f->a, p1, 300, "status", "status", "new");
	add_status_event(f->a, p1, 700, "status", "status", "in_progress");
	add_status_event(f->a, p1, 400, "status", "status", "resolved");
	add_status_event(f->a, p1, 1000, "status", "status", "closed");
	add_status_event(f->a, p1, 950, "set", "priority", "P1");
	add_kind(f->a, p1, 960, "note");
	p2 = OPENED(f->a, 500, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_TXT(ITSM_F_GROUP, "Two"));
	add_status_event(f->a, p2, 1000, "status", "status", "in_progress");
	add_status_event(f->a, p2, 600, "set", "priority", "P2");
	p3 = OPENED(f->a, 200, S_TXT(ITSM_F_STATUS, "on_hold"),
	    S_TXT(ITSM_F_GROUP, "Three"));
	add_status_event(f->a, p3, 800, "status", "status", "new");
	add_status_event(f->a, p3, 800, "status", "status", "on_hold");
	(void)OPENED(f->a, 999, S_TXT(ITSM_F_STATUS, "new"));
	(void)OPENED(f->a, 1000, S_TXT(ITSM_F_STATUS, "new"),
	    S_TXT(ITSM_F_GROUP, "Later"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	assert_rows(f->b, store_stats_status_at(f->b, STORE_KEY_GROUP, 1000,
	    &r), &r, 1,
	    "'One'|'in_progress'\n'Two'|-\n'Three'|'on_hold'\n-|-\n");
	/* Just after: the events at 1000 count. */
	assert_rows(f->b, store_stats_status_at(f->b, STORE_KEY_GROUP, 1001,
	    &r), &r, 1, "'One'|'closed'\n'Two'|'in_progress'\n"
	    "'Three'|'on_hold'\n-|-\n'Later'|-\n");
	assert_rows(f->b, store_stats_status_at(f->b, STORE_KEY_NONE, 500,
	    &r), &r, 1, "-|'resolved'\n-|-\n");
	assert_rows(f->b, store_stats_status_at(f->b, STORE_KEY_GROUP, 100,
	    &r), &r, 1, "");
	store_snapshot_end(f->b, began);
}

/* The priorities of the resolved tickets of [since, until), once each. */
static void
test_stats_resolved_priorities(void **state)
{
	struct fx *f = *state;
	static const char *const pri[] = { "P1", "P1", "P2", NULL, NULL,
	    "p1" };
	struct store_rows *r;
	size_t i;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	for (i = 0; i < sizeof(pri) / sizeof(pri[0]); i++)
		(void)OPENED(f->a, 1000 + (int64_t)i * 100,
		    S_TXT(ITSM_F_STATUS, "resolved"),
		    S_INT(ITSM_F_RESOLVED_AT, 3000),
		    S_TXT(ITSM_F_PRIORITY, pri[i]));
	(void)OPENED(f->a, 1000, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_TXT(ITSM_F_PRIORITY, "P3"));
	(void)OPENED(f->a, 999, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_RESOLVED_AT, 3000), S_TXT(ITSM_F_PRIORITY, "P4"));
	(void)OPENED(f->a, 2000, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_RESOLVED_AT, 3000), S_TXT(ITSM_F_PRIORITY, "P5"));
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	assert_rows(f->b, store_stats_resolved_priorities(f->b, 1000, 2000,
	    &r), &r, 1, "'P1'\n'P2'\n-\n'p1'\n");
	assert_rows(f->b, store_stats_resolved_priorities(f->b, 999, 1001,
	    &r), &r, 1, "'P1'\n'P4'\n");
	assert_rows(f->b, store_stats_resolved_priorities(f->b, 1100, 1200,
	    &r), &r, 1, "'P1'\n");
	assert_rows(f->b, store_stats_resolved_priorities(f->b, 1300, 1500,
	    &r), &r, 1, "-\n");
	store_snapshot_end(f->b, began);
}

/*
 * The resolved tickets of [since, until) with their status events, by
 * ticket id (not opening), then event time, then recording; one row of
 * NULLs for a ticket of none.
 */
static void
test_stats_resolved_history(void **state)
{
	struct fx *f = *state;
	struct store_rows *r;
	char want[1024];
	int64_t r1, r2, r3, r5;
	int began;

	assert_int_equal(itsm_store_begin(f->a), 0);
	r1 = OPENED(f->a, 1700, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_RESOLVED_AT, 1800), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	r2 = OPENED(f->a, 1500, S_TXT(ITSM_F_STATUS, "closed"),
	    S_INT(ITSM_F_RESOLVED_AT, 1600));
	r3 = OPENED(f->a, 1200, S_TXT(ITSM_F_STATUS, "in_progress"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	r5 = OPENED(f->a, 1999, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_RESOLVED_AT, 2500), S_TXT(ITSM_F_PRIORITY, "P2"),
	    S_TXT(ITSM_F_GROUP, "Desk"));
	(void)OPENED(f->a, 2000, S_TXT(ITSM_F_STATUS, "resolved"),
	    S_INT(ITSM_F_RESOLVED_AT, 2100));
	add_status_event(f->a, r5, 2100, "status", "status", "resolved");
	add_status_event(f->a, r3, 1300, "status", "status", "in_progress");
	add_status_event(f->a, r1, 1750, "status", "status", "resolved");
	add_status_event(f->a, r1, 1710, "status", "status", "in_progress");
	add_status_event(f->a, r1, 1730, "status", "status", "on_hold");
	add_status_event(f->a, r1, 1730, "status", "status", "in_progress");
	add_status_event(f->a, r1, 1720, "set", "priority", "P1");
	add_kind(f->a, r1, 1740, "note");
	add_kind(f->a, r2, 1550, "note");
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_snapshot_begin(f->b, &began), 0);
	/* key, id, priority, opened_at, resolved_at, at, new. */
	snprintf(want, sizeof(want),
	    "'Desk'|%lld|'P1'|1700|1800|1710|'in_progress'\n"
	    "'Desk'|%lld|'P1'|1700|1800|1730|'on_hold'\n"
	    "'Desk'|%lld|'P1'|1700|1800|1730|'in_progress'\n"
	    "'Desk'|%lld|'P1'|1700|1800|1750|'resolved'\n"
	    "-|%lld|-|1500|1600|-|-\n"
	    "'Desk'|%lld|'P2'|1999|2500|2100|'resolved'\n",
	    (long long)r1, (long long)r1, (long long)r1, (long long)r1,
	    (long long)r2, (long long)r5);
	assert_rows(f->b, store_stats_resolved_history(f->b, STORE_KEY_GROUP,
	    1000, 2000, &r), &r, 0, want);
	snprintf(want, sizeof(want), "-|%lld|-|1500|1600|-|-\n",
	    (long long)r2);
	assert_rows(f->b, store_stats_resolved_history(f->b, STORE_KEY_NONE,
	    1500, 1501, &r), &r, 0, want);
	assert_rows(f->b, store_stats_resolved_history(f->b, STORE_KEY_TIER,
	    1200, 1500, &r), &r, 0, "");
	store_snapshot_end(f->b, began);
}

/* A sum of a hash of each triple: equal for equal multisets. */
static uint64_t
mix(int64_t secs, int64_t g, int64_t p)
{
	uint64_t h = (uint64_t)secs * UINT64_C(0x9e3779b97f4a7c15);

	h ^= (uint64_t)g * UINT64_C(0xc2b2ae3d27d4eb4f) + (uint64_t)p;
	h ^= h >> 29;
	return h * UINT64_C(0xbf58476d1ce4e5b9);
}

/*
 * The sorter, inside a snapshot: more triples than an engine would
 * keep in memory at once (past 2 chunks of PostgreSQL's, 65536), with
 * many ties; they come back by secs, each once.  An empty one gives
 * nothing.
 */
#define SORTED_N 150001

static void
test_stats_sorter(void **state)
{
	struct fx *f = *state;
	struct store_sorter *t = NULL;
	struct store_rows *r;
	const struct store_value *v;
	uint64_t x = 42, in_hash = 0, out_hash = 0;
	int64_t secs, in_sum = 0, out_sum = 0, prev = INT64_MIN, k = 0;
	size_t i, n;
	int began, rc;

	assert_int_equal(store_snapshot_begin(f->a, &began), 0);
	assert_true(began);

	assert_int_equal(store_sorter_open(f->a, &t), 0);
	assert_int_equal(store_sorter_rows(f->a, t, &r), 0);
	assert_int_equal(store_rows_next(f->a, r, &v, &n), 0);
	store_rows_free(f->a, r);
	store_sorter_close(f->a, t);

	assert_int_equal(store_sorter_open(f->a, &t), 0);
	for (i = 0; i < SORTED_N; i++) {
		x = x * UINT64_C(6364136223846793005) +
		    UINT64_C(1442695040888963407);
		secs = (int64_t)((x >> 33) % 40000);
		in_sum += secs;
		in_hash += mix(secs, (int64_t)(i % 11), (int64_t)(i % 5));
		assert_int_equal(store_sorter_add(f->a, t, secs,
		    (int64_t)(i % 11), (int64_t)(i % 5)), 0);
	}
	assert_int_equal(store_sorter_rows(f->a, t, &r), 0);
	while ((rc = store_rows_next(f->a, r, &v, &n)) == 1) {
		assert_int_equal(n, 3);
		assert_int_equal(v[0].type, STORE_INT);
		assert_int_equal(v[1].type, STORE_INT);
		assert_int_equal(v[2].type, STORE_INT);
		if (v[0].i < prev)
			fail_msg("%s: row %lld: %lld after %lld",
			    f->h->engine->name, (long long)k,
			    (long long)v[0].i, (long long)prev);
		prev = v[0].i;
		out_sum += v[0].i;
		out_hash += mix(v[0].i, v[1].i, v[2].i);
		k++;
	}
	assert_int_equal(rc, 0);
	store_rows_free(f->a, r);
	store_sorter_close(f->a, t);
	store_sorter_close(f->a, NULL);
	store_snapshot_end(f->a, began);
	assert_int_equal(k, SORTED_N);
	assert_int_equal(out_sum, in_sum);
	assert_true(out_hash == in_hash);
}

/*
 * The outbox: rows queued in a transaction, claimed (one attempt more,
 * due again only at the lease), then sent or failed with a next time.
 */
static int64_t
queue_mail(itsm_store *s, int64_t ticket, const char *msgid, int64_t at)
{
	struct store_outbox_new o = {
		.created_at = at, .ticket = ticket, .kind = "mail",
		.name = "opened", .recipients = "ann@example.org",
		.message_id = msgid, .payload = "Subject: x\n\nbody\n",
		.next_attempt_at = at,
	};
	int64_t id = 0;

	assert_int_equal(store_outbox_queue(s, &o, &id), 0);
	assert_true(id > 0);
	return id;
}

static void
test_outbox_queue_claim_sent(void **state)
{
	struct fx *f = *state;
	struct store_outbox_row *rows;
	struct store_outbox_new hook = {
		.created_at = 1000, .kind = "hook", .name = "post-open",
		.payload = "{}", .next_attempt_at = 1002,
	};
	int64_t t, m1, m2, h = 0, tk;
	size_t n;
	char *first;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "mail", 900, "new", 0, -1);
	m1 = queue_mail(f->a, t, "<1@x>", 1000);
	m2 = queue_mail(f->a, t, "<2@x>", 1001);
	assert_int_equal(store_outbox_queue(f->a, &hook, &h), 0);
	assert_true(m1 < m2 && m2 < h);
	/* The same Message-ID twice is a bug, refused. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	{
		struct store_outbox_new o = { .created_at = 1, .kind = "mail",
		    .name = "x", .recipients = "a@b", .message_id = "<1@x>",
		    .payload = "p", .next_attempt_at = 1 };
		int64_t id;

		assert_true(store_outbox_queue(f->a, &o, &id) < 0);
	}
	itsm_store_rollback(f->a);
	assert_true(itsm_store_commit(f->a) < 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "mail", 900, "new", 0, -1);
	m1 = queue_mail(f->a, t, "<1@x>", 1000);
	m2 = queue_mail(f->a, t, "<2@x>", 1001);
	assert_int_equal(store_outbox_queue(f->a, &hook, &h), 0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* The Message-IDs sent thread the ticket. */
	assert_int_equal(store_thread(f->b, t, &first), 0);
	assert_string_equal(first, "<1@x>");
	free(first);
	assert_int_equal(store_thread(f->b, t + 1, &first), 0);
	assert_null(first);
	assert_int_equal(store_message_ticket(f->b, "<2@x>", &tk), 0);
	assert_int_equal(tk, t);
	assert_int_equal(store_message_ticket(f->b, "<none@x>", &tk), 0);
	assert_int_equal(tk, -1);

	/* Nothing due before its time. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_outbox_claim(f->a, 0, 999, 2000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 0);
	store_outbox_free(rows, n);
	/* At most limit, the longest due first. */
	assert_int_equal(store_outbox_claim(f->a, 0, 1001, 2000, 2, &rows,
	    &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, m1);
	assert_int_equal(rows[1].id, m2);
	assert_int_equal(rows[0].ticket, t);
	assert_int_equal(rows[0].attempts, 1);
	assert_string_equal(rows[0].kind, "mail");
	assert_string_equal(rows[0].recipients, "ann@example.org");
	assert_string_equal(rows[1].message_id, "<2@x>");
	assert_string_equal(rows[0].payload, "Subject: x\n\nbody\n");
	store_outbox_free(rows, n);
	/* Claimed: not due again before the lease. */
	assert_int_equal(store_outbox_claim(f->a, m1, 1500, 2000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 0);
	store_outbox_free(rows, n);
	assert_int_equal(store_outbox_claim(f->a, h, 1500, 2000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, h);
	assert_int_equal(rows[0].ticket, 0);
	assert_null(rows[0].recipients);
	assert_null(rows[0].message_id);
	store_outbox_free(rows, n);
	assert_int_equal(store_outbox_sent(f->a, m1, 1600), 0);
	assert_int_equal(store_outbox_failed(f->a, m2, "exit status 1", 2100,
	    0), 0);
	assert_int_equal(store_outbox_failed(f->a, h, "timed out", 1600, 1),
	    0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	/* A sent row is never claimed again; a failed one neither. */
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_outbox_claim(f->a, 0, 2099, 3000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 0);
	store_outbox_free(rows, n);
	assert_int_equal(store_outbox_claim(f->a, 0, 2100, 3000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, m2);
	assert_int_equal(rows[0].attempts, 2);
	store_outbox_free(rows, n);
	assert_int_equal(itsm_store_commit(f->a), 0);
}

static void
test_outbox_list(void **state)
{
	struct fx *f = *state;
	struct store_outbox_row *rows;
	struct store_rows *r;
	const struct store_value *v;
	char buf[64];
	int64_t t, m1, m2;
	size_t n;
	int rc, k;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "mail", 900, "new", 0, -1);
	m1 = queue_mail(f->a, t, "<1@x>", 1000);
	m2 = queue_mail(f->a, t, "<2@x>", 1000);
	assert_int_equal(store_outbox_claim(f->a, 0, 1000, 2000, 10, &rows,
	    &n), 0);
	store_outbox_free(rows, n);
	assert_int_equal(store_outbox_sent(f->a, m1, 1100), 0);
	assert_int_equal(store_outbox_failed(f->a, m2, "refused", 4000, 0),
	    0);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_outbox_list(f->b, 0, &r), 0);
	k = 0;
	while ((rc = store_rows_next(f->b, r, &v, &n)) == 1) {
		assert_int_equal(n, 14);
		assert_int_equal(v[0].i, m2);
		assert_string_equal(text_of(&v[8], buf, sizeof(buf)),
		    "pending");
		assert_int_equal(v[9].i, 1);
		assert_int_equal(v[10].i, 4000);
		assert_string_equal(text_of(&v[11], buf, sizeof(buf)),
		    "refused");
		assert_int_equal(v[12].type, STORE_NULL);
		k++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, 1);
	store_rows_free(f->b, r);
	assert_int_equal(store_outbox_list(f->b, 1, &r), 0);
	k = 0;
	while ((rc = store_rows_next(f->b, r, &v, &n)) == 1) {
		assert_int_equal(v[0].i, k == 0 ? m1 : m2);
		if (k == 0) {
			assert_string_equal(text_of(&v[8], buf, sizeof(buf)),
			    "sent");
			assert_int_equal(v[12].i, 1100);
			assert_string_equal(text_of(&v[7], buf, sizeof(buf)),
			    "<1@x>");
		}
		k++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, 2);
	store_rows_free(f->b, r);
}

/* Two claimers: the writers' lock gives each row to one of them. */
static void
test_outbox_claimed_once(void **state)
{
	struct fx *f = *state;
	struct store_outbox_row *rows;
	size_t n;
	int64_t t;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "mail", 900, "new", 0, -1);
	(void)queue_mail(f->a, t, "<1@x>", 1000);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(itsm_store_begin(f->a), 0);
	assert_int_equal(store_outbox_claim(f->a, 0, 1000, 2000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 1);
	store_outbox_free(rows, n);
	/* The other waits for the lock, then finds the row taken. */
	assert_int_equal(itsm_store_begin(f->b), ITSM_E_BUSY);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(itsm_store_begin(f->b), 0);
	assert_int_equal(store_outbox_claim(f->b, 0, 1000, 2000, 10, &rows,
	    &n), 0);
	assert_int_equal(n, 0);
	store_outbox_free(rows, n);
	assert_int_equal(itsm_store_commit(f->b), 0);
}

static void
test_mail_messages(void **state)
{
	struct fx *f = *state;
	int64_t t, tk;
	int added;
	char *first;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "mail", 900, "new", 0, -1);
	assert_int_equal(store_message_add(f->a, "<in@y>", t, "in", 950,
	    &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(store_message_add(f->a, "<in@y>", t, "in", 960,
	    &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(store_message_add(f->a, "<dropped@y>", 0, "in",
	    970, &added), 0);
	assert_int_equal(added, 1);
	(void)queue_mail(f->a, t, "<ack@x>", 1000);
	assert_int_equal(itsm_store_commit(f->a), 0);
	assert_int_equal(store_thread(f->b, t, &first), 0);
	assert_string_equal(first, "<in@y>");
	free(first);
	assert_int_equal(store_message_ticket(f->b, "<dropped@y>", &tk), 0);
	assert_int_equal(tk, 0);
	assert_int_equal(store_message_ticket(f->b, "<ack@x>", &tk), 0);
	assert_int_equal(tk, t);
}

/* Attachments: a blob once per content, rows in order, bytes back. */
static void
test_attachments(void **state)
{
	static const char sha_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	static const char sha_z[] = "0000000000000000000000000000000000000000000000000000000000000000";
	static const unsigned char bin[] = { 0, 1, 0xff, 0x80, '\'', 0 };
	struct fx *f = *state;
	struct store_attachment_new a = { .type = "application/pdf",
	    .sha256 = sha_a, .data = bin, .size = sizeof(bin), .at = 950,
	    .message_id = "<m@x>", .name = "f.pdf" };
	const struct store_value *v;
	struct store_rows *r;
	unsigned char *data;
	int64_t t, id1, id2, id3;
	size_t n, size;
	int added;

	assert_int_equal(itsm_store_begin(f->a), 0);
	t = add_ticket(f->a, "att", 900, "new", 0, -1);
	a.ticket = t;
	assert_int_equal(store_attachment_add(f->a, &a, &id1, &added), 0);
	assert_int_equal(added, 1);
	a.name = "again.pdf";
	a.is_inline = 1;
	a.event = 7;
	assert_int_equal(store_attachment_add(f->a, &a, &id2, &added), 0);
	assert_int_equal(added, 0);
	assert_true(id2 > id1);
	a = (struct store_attachment_new){ .ticket = t, .name = "",
	    .type = "text/plain", .sha256 = sha_z, .data = NULL, .size = 0,
	    .at = 960 };
	assert_int_equal(store_attachment_add(f->a, &a, &id3, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(itsm_store_commit(f->a), 0);

	assert_int_equal(store_blob(f->b, sha_a, &data, &size), 0);
	assert_int_equal(size, sizeof(bin));
	assert_memory_equal(data, bin, sizeof(bin));
	free(data);
	assert_int_equal(store_blob(f->b, sha_z, &data, &size), 0);
	assert_int_equal(size, 0);
	free(data);
	assert_int_equal(store_blob(f->b, "b", &data, &size),
	    ITSM_E_NOTFOUND);
	assert_null(data);

	assert_int_equal(store_attachments(f->b, t, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 9);
	assert_int_equal(v[0].i, id1);
	assert_string_equal(v[1].s, "f.pdf");
	assert_string_equal(v[2].s, "application/pdf");
	assert_int_equal(v[3].i, (int64_t)sizeof(bin));
	assert_string_equal(v[4].s, sha_a);
	assert_int_equal(v[5].i, 0);
	assert_int_equal(v[6].i, 950);
	assert_string_equal(v[7].s, "<m@x>");
	assert_int_equal(v[8].type, STORE_NULL);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_string_equal(v[1].s, "again.pdf");
	assert_int_equal(v[5].i, 1);
	assert_int_equal(v[8].i, 7);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(v[0].i, id3);
	assert_string_equal(v[1].s, "");
	assert_int_equal(v[7].type, STORE_NULL);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
	assert_int_equal(store_attachments(f->b, t + 1, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 0);
	store_rows_free(f->b, r);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	/* What every engine does: opening, transactions, settings. */
	const struct CMUnitTest core[] = {
		T(test_versioned_and_named),
		T(test_commit_is_seen_by_others),
		T(test_rollback_leaves_nothing),
		T(test_nested_transactions),
		T(test_commit_without_begin),
		T(test_one_writer_at_a_time),
		T(test_snapshot_is_stable),
		T(test_data_version),
		T(test_wait_for_commits),
		T(test_empty_transaction_is_no_change),
		T(test_migrates_forward),
		T(test_upgrade_of_current),
		T(test_init_refuses_a_schema),
		T(test_no_schema),
		T(test_refuses_read_only_old),
		T(test_whoami),
	};
	/* Tickets and events: the harnesses whose engine has them. */
	const struct CMUnitTest tickets[] = {
		T(test_ticket_insert_and_read),
		T(test_update_of_no_ticket),
		T(test_events_in_order),
		T(test_events_go_with_their_transaction),
		T(test_events_added_at_once),
		T(test_ids_without_gaps),
		T(test_queue_order),
		T(test_streams_large_results),
		T(test_scopes_are_the_workflows),
		T(test_streams_nest_and_interleave_writes),
		T(test_events_of_selected_tickets),
		T(test_insert_exists_and_lookups),
		T(test_select_conditions),
		T(test_history_reads),
	};
	/* Major incidents: every engine has them. */
	const struct CMUnitTest majors[] = {
		T(test_major_put_and_state),
		T(test_majors_in_state),
		T(test_major_roster),
		T(test_major_findings_and_actions),
		T(test_major_children),
		T(test_major_events),
		T(test_major_candidates_and_storms),
	};
	/* Statistics: the harnesses whose engine has them. */
	const struct CMUnitTest stats[] = {
		T(test_stats_opened),
		T(test_stats_closed_and_keys),
		T(test_stats_in_status),
		T(test_stats_status_at),
		T(test_stats_resolved_priorities),
		T(test_stats_resolved_history),
		T(test_stats_sorter),
	};

	/* Imports: the harnesses whose engine has them (both, now). */
	const struct CMUnitTest port[] = {
		T(test_port_values),
		T(test_port_values_bulk),
		T(test_port_refusals),
		T(test_port_refusals_bulk),
		T(test_port_crisis),
		T(test_port_bulk_batches),
	};

	/* The outbox and the Message-IDs: every engine has them. */
	const struct CMUnitTest outbox[] = {
		T(test_outbox_queue_claim_sent),
		T(test_outbox_list),
		T(test_outbox_claimed_once),
		T(test_mail_messages),
		T(test_attachments),
	};

	char name[64];
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(harnesses) / sizeof(harnesses[0]); i++) {
		current = &harnesses[i];
		snprintf(name, sizeof(name), "engine contract: %s core",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, core,
		    sizeof(core) / sizeof(core[0]), NULL, NULL);
		snprintf(name, sizeof(name), "engine contract: %s majors",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, majors,
		    sizeof(majors) / sizeof(majors[0]), NULL, NULL);
		snprintf(name, sizeof(name), "engine contract: %s outbox",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, outbox,
		    sizeof(outbox) / sizeof(outbox[0]), NULL, NULL);
		if (current->engine->stats != NULL &&
		    current->engine->stats->opened != NULL) {
			snprintf(name, sizeof(name), "engine contract: %s "
			    "stats", current->engine->name);
			failed += _cmocka_run_group_tests(name, stats,
			    sizeof(stats) / sizeof(stats[0]), NULL, NULL);
		}
		if (!current->tickets)
			continue;
		snprintf(name, sizeof(name), "engine contract: %s tickets",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, tickets,
		    sizeof(tickets) / sizeof(tickets[0]), NULL, NULL);
		if (current->engine->port->import_ticket == NULL)
			continue;
		snprintf(name, sizeof(name), "engine contract: %s port",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, port,
		    sizeof(port) / sizeof(port[0]), NULL, NULL);
	}
	return failed;
}

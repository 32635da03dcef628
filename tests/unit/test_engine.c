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
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "itsm/itsm.h"
#include "itsm/error.h"
#include "itsm/workflow.h"
#include "engine.h"
#include "store_int.h"
#include "store_major.h"

/* How to give an engine a new database, and take it away. */
struct harness {
	const struct store_engine *engine;
	int (*make)(char *where, size_t len);	/* where: what open takes */
	void (*drop)(const char *where);
	int tickets;		/* the engine has its ticket ops: test them */
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
	{ &itsm_engine_sqlite, sqlite_make, sqlite_drop, 1 },
	{ &itsm_engine_pg, pg_make, pg_drop, 1 },
};

struct fx {
	const struct harness *h;
	char where[256];
	itsm_store *a, *b;	/* two connections to the same database */
};

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
	f->a = open_ok(f, 10000);
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
 * current one when opened, keeping what it holds.
 */
static void
test_migrates_forward(void **state)
{
	struct fx *f = *state;
	char where[256];
	itsm_store *s = NULL;

	assert_int_equal(f->h->make(where, sizeof(where)), 0);
	f->h->engine->core->test_set_version(2);
	assert_int_equal(f->h->engine->core->open(&s, where, 0, 1000), 0);
	f->h->engine->core->test_set_version(0);
	assert_int_equal(itsm_store_version(s), 2);
	set_committed(s, "kept", "yes");	/* meta came with version 2 */
	itsm_store_close(s);
	assert_int_equal(f->h->engine->core->open(&s, where, 0, 1000), 0);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_meta(s, "kept", "yes");
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
	assert_int_equal(f->h->engine->core->open(&s, where, 0, 1000), 0);
	f->h->engine->core->test_set_version(0);
	itsm_store_close(s);
	s = NULL;
	assert_int_not_equal(f->h->engine->core->open(&s, where,
	    ITSM_STORE_READONLY, 1000), 0);
	assert_null(s);
	f->h->drop(where);
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
 * reads each ticket's events inside the walk of the tickets, the SLA
 * refresh updates the ticket it reads.  The walk sees every row once.
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
	    S_INT(ITSM_F_UPDATED_AT, 1000), S_TXT(ITSM_F_PRIORITY, "P1"),
	    S_INT(SK_PRIORITY_RANK, 1));
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
	 * resolved_at, response_due, resolution_due, at, new.
	 */
	assert_int_equal(store_open_clocks(f->b, &r), 0);
	assert_int_equal(store_rows_next(f->b, r, &v, &n), 1);
	assert_int_equal(n, 8);
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

	/* id, type, status, caller; by id. */
	assert_int_equal(store_major_children(f->b, p, &r), 0);
	rows_text(f->b, r, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%lld|incident|closed|ann\n"
	    "%lld|request|on_hold|ann\n%lld|incident|new|ann\n",
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
		T(test_refuses_read_only_old),
	};
	/* Tickets and events: the harnesses whose engine has them. */
	const struct CMUnitTest tickets[] = {
		T(test_ticket_insert_and_read),
		T(test_update_of_no_ticket),
		T(test_events_in_order),
		T(test_events_go_with_their_transaction),
		T(test_queue_order),
		T(test_streams_large_results),
		T(test_scopes_are_the_workflows),
		T(test_streams_nest_and_interleave_writes),
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
		if (!current->tickets)
			continue;
		snprintf(name, sizeof(name), "engine contract: %s tickets",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, tickets,
		    sizeof(tickets) / sizeof(tickets[0]), NULL, NULL);
	}
	return failed;
}

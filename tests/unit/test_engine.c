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

#include "itsm/itsm.h"
#include "itsm/error.h"
#include "engine.h"
#include "store_int.h"

/* How to give an engine a new database, and take it away. */
struct harness {
	const struct store_engine *engine;
	int (*make)(char *where, size_t len);	/* where: what open takes */
	void (*drop)(const char *where);
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

static const struct harness harnesses[] = {
	{ &itsm_engine_sqlite, sqlite_make, sqlite_drop },
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_versioned_and_named),
		T(test_commit_is_seen_by_others),
		T(test_rollback_leaves_nothing),
		T(test_nested_transactions),
		T(test_commit_without_begin),
		T(test_one_writer_at_a_time),
		T(test_snapshot_is_stable),
		T(test_data_version),
		T(test_empty_transaction_is_no_change),
		T(test_migrates_forward),
		T(test_refuses_read_only_old),
	};

	char name[64];
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(harnesses) / sizeof(harnesses[0]); i++) {
		current = &harnesses[i];
		snprintf(name, sizeof(name), "engine contract: %s",
		    current->engine->name);
		failed += _cmocka_run_group_tests(name, tests,
		    sizeof(tests) / sizeof(tests[0]), NULL, NULL);
	}
	return failed;
}

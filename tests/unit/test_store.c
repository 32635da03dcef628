/*
 * Unit tests of the SQLite engine (lib/sqlite/sqlite.c): creating and opening the database, the
 * schema version and its migration, the append-only triggers, nested
 * transactions and the database path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "sqlite/sqlite_int.h"

#define INSERT_TICKET \
	"INSERT INTO tickets (summary, caller, affected, opened_at, " \
	"updated_at) VALUES ('printer jammed', 'alice', 'bob', 1795855004, " \
	"1795855004)"
#define INSERT_EVENT \
	"INSERT INTO events (ticket, at, recorded_at, actor, login, kind, " \
	"message) VALUES (1, 1795855004, 1795855004, 'tech', 'tech', " \
	"'open', 'opened by phone')"

static const char *const env_names[] = { "ITSM_DB", "XDG_DATA_HOME", "HOME" };
#define NENV (sizeof(env_names) / sizeof(env_names[0]))

struct fixture {
	char dir[64];
	char db[128];			/* dir/itsm.db, not created */
	char *env[NENV];
	mode_t umask;
};

/* ---- helpers ---- */

static void
rm_rf(const char *path)
{
	struct dirent *e;
	struct stat st;
	char sub[4096];
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *v;
	size_t i;

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/itsm-test-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/itsm.db", f->dir);
	for (i = 0; i < NENV; i++)
		if ((v = getenv(env_names[i])) != NULL)
			f->env[i] = strdup(v);
	f->umask = umask(022);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < NENV; i++) {
		if (f->env[i] != NULL)
			setenv(env_names[i], f->env[i], 1);
		else
			unsetenv(env_names[i]);
		free(f->env[i]);
	}
	umask(f->umask);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* Runs sql that must succeed. */
static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		print_error("%s: %s\n", sql, err ? err : "?");
	sqlite3_free(err);
	assert_int_equal(rc, SQLITE_OK);
}

/* Runs sql that must be refused with the given extended code and message. */
static void
exec_refused(sqlite3 *db, const char *sql, int xcode, const char *msg)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		print_error("%s: accepted\n", sql);
	assert_int_not_equal(rc, SQLITE_OK);
	assert_int_equal(sqlite3_extended_errcode(db), xcode);
	if (msg != NULL)
		assert_string_equal(sqlite3_errmsg(db), msg);
}

static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return v;
}

static void
query_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *t;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	assert_non_null(t);
	snprintf(buf, len, "%s", (const char *)t);
	sqlite3_finalize(st);
}

/* A second, raw connection to the same file. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_extended_result_codes(db, 1);
	return db;
}

static itsm_store *
open_ok(const char *path, int flags)
{
	itsm_store *s = NULL;
	int rc = itsm_store_open(&s, path, flags);

	if (rc != 0)
		print_error("itsm_store_open(%s): %s\n", path ? path : "NULL",
		    itsm_errmsg());
	assert_int_equal(rc, 0);
	assert_non_null(s);
	return s;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static size_t
read_file(const char *path, void *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, cap, fp);
	fclose(fp);
	return n;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static unsigned
file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

static void
set_user_version(const char *path, int v)
{
	sqlite3 *db = raw_open(path);
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	exec_ok(db, sql);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The first change of a store opened on no file: it makes the file. */
static void
first_commit(itsm_store *s)
{
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
}

/* A store on a new database that exists as a file (an empty one). */
static itsm_store *
create_ok(const char *path, int flags)
{
	write_file(path, "", 0);
	return open_ok(path, flags);
}

/* ---- creating and opening ---- */

static void
test_create_new(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	itsm_store *s;

	assert_false(exists(f->db));
	s = open_ok(f->db, 0);
	/* No file until a transaction changes something: no schema yet. */
	assert_false(exists(f->db));
	assert_int_equal(itsm_store_version(s), 0);
	first_commit(s);
	assert_true(exists(f->db));
	assert_int_equal(file_mode(f->db), 0600);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_int_equal(query_int(SQ(s)->db, "PRAGMA user_version"),
	    ITSM_SCHEMA_VERSION);
	query_text(SQ(s)->db, "PRAGMA journal_mode", buf, sizeof(buf));
	assert_string_equal(buf, "wal");
	assert_int_equal(query_int(SQ(s)->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name IN ('tickets', 'events')"), 2);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'trigger'"), 4);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets"), 1);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_string_equal(SQ(s)->path, f->db);
	itsm_store_close(s);

	/* WAL is a property of the file: a fresh connection sees it. */
	{
		sqlite3 *db = raw_open(f->db);

		query_text(db, "PRAGMA journal_mode", buf, sizeof(buf));
		assert_string_equal(buf, "wal");
		assert_int_equal(query_int(db, "PRAGMA user_version"),
		    ITSM_SCHEMA_VERSION);
		sqlite3_close(db);
	}
	/* Mode 0600 whatever the umask lets through. */
	assert_int_equal(file_mode(f->db), 0600);
}

static void
test_create_mode_ignores_loose_umask(void **state)
{
	struct fixture *f = *state;
	itsm_store *s;

	umask(0);
	s = open_ok(f->db, 0);
	first_commit(s);
	assert_int_equal(file_mode(f->db), 0600);
	itsm_store_close(s);
}

static void
test_create_shared(void **state)
{
	struct fixture *f = *state;
	itsm_store *s;

	umask(0);
	s = open_ok(f->db, ITSM_STORE_SHARED);
	first_commit(s);
	assert_int_equal(file_mode(f->db), 0660);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	itsm_store_close(s);
}

static void
test_create_in_existing_empty_file(void **state)
{
	struct fixture *f = *state;
	itsm_store *s;

	write_file(f->db, "", 0);
	chmod(f->db, 0640);
	s = open_ok(f->db, 0);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	/* An existing file keeps its mode. */
	assert_int_equal(file_mode(f->db), 0640);
	itsm_store_close(s);
}

/*
 * No file yet: reading, a transaction rolled back and one that changed
 * nothing leave none behind (itsm(1), FILES).
 */
static void
test_absent_creates_nothing_until_a_change(void **state)
{
	struct fixture *f = *state;
	char side[160];
	itsm_store *s = open_ok(f->db, 0);

	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets"), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	itsm_store_rollback(s);
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	itsm_store_rollback(s);		/* the inner one fails the outer */
	assert_int_equal(itsm_store_commit(s), ITSM_E_INTERNAL);
	itsm_store_close(s);
	assert_false(exists(f->db));
	snprintf(side, sizeof(side), "%s-wal", f->db);
	assert_false(exists(side));
	/* Nothing at all in the directory: no temporary file either. */
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
}

/*
 * Two stores open on no file: the second to write finds the file of the
 * first and writes there, after it.
 */
static void
test_absent_two_creators(void **state)
{
	struct fixture *f = *state;
	itsm_store *a = open_ok(f->db, 0), *b = open_ok(f->db, 0);

	first_commit(a);
	first_commit(b);
	assert_int_equal(query_int(SQ(b)->db, "SELECT count(*) FROM tickets"), 2);
	first_commit(a);
	assert_int_equal(query_int(SQ(a)->db, "SELECT count(*) FROM tickets"), 3);
	itsm_store_close(a);
	itsm_store_close(b);
}

/* Paths SQLite would not keep on disk, and files that are no database. */
static void
test_unusable_paths_refused(void **state)
{
	static const char *const bad[] = { "", ":memory:", "file:x.db",
	    "file:x.db?mode=memory", "/dev/null" };
	struct fixture *f = *state;
	itsm_store *s;
	size_t i;

	(void)f;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = (itsm_store *)1;
		assert_int_equal(itsm_store_open(&s, bad[i], 0), ITSM_E_IO);
		assert_null(s);
		assert_non_null(strstr(itsm_errmsg(), "cannot use database"));
	}
	assert_false(exists(":memory:"));
	assert_false(exists("file:x.db"));
}

/* A schema version below 0, a table gone: not an itsm database, 74. */
static void
test_invalid_schema_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *db;
	int flags;

	itsm_store_close(s);
	set_user_version(f->db, -1);
	for (flags = 0; flags <= ITSM_STORE_READONLY; flags++) {
		s = (itsm_store *)1;
		assert_int_equal(itsm_store_open(&s, f->db, flags), ITSM_E_IO);
		assert_null(s);
		assert_non_null(strstr(itsm_errmsg(), "not a valid itsm "
		    "database"));
	}
	set_user_version(f->db, ITSM_SCHEMA_VERSION);
	db = raw_open(f->db);
	exec_ok(db, "DROP TABLE major_actions");
	sqlite3_close(db);
	for (flags = 0; flags <= ITSM_STORE_READONLY; flags++) {
		s = (itsm_store *)1;
		assert_int_equal(itsm_store_open(&s, f->db, flags), ITSM_E_IO);
		assert_null(s);
		assert_non_null(strstr(itsm_errmsg(), "major_actions"));
	}
}

static void
test_reopen_does_not_migrate(void **state)
{
	struct fixture *f = *state;
	char buf[64];
	int64_t objects;
	itsm_store *s;

	s = create_ok(f->db, 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	exec_ok(SQ(s)->db, INSERT_EVENT);
	objects = query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master");
	itsm_store_close(s);

	/* Migration 0 -> 1 creates the tables: run again, it would fail. */
	s = open_ok(f->db, 0);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master"),
	    objects);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 1);
	query_text(SQ(s)->db, "SELECT summary FROM tickets WHERE id = 1", buf,
	    sizeof(buf));
	assert_string_equal(buf, "printer jammed");
	itsm_store_close(s);

	/* And read-only. */
	s = open_ok(f->db, ITSM_STORE_READONLY);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets"), 1);
	itsm_store_close(s);
}

static void
test_newer_database_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *db;

	itsm_store_close(s);
	set_user_version(f->db, ITSM_SCHEMA_VERSION + 1);

	s = (itsm_store *)1;
	assert_int_equal(itsm_store_open(&s, f->db, 0), ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "newer"));
	assert_non_null(strstr(itsm_errmsg(), f->db));

	s = (itsm_store *)1;
	assert_int_equal(itsm_store_open(&s, f->db, ITSM_STORE_READONLY),
	    ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "newer"));

	/* Nothing was touched. */
	db = raw_open(f->db);
	assert_int_equal(query_int(db, "PRAGMA user_version"),
	    ITSM_SCHEMA_VERSION + 1);
	sqlite3_close(db);
}

static void
test_newer_foreign_database_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = NULL;
	sqlite3 *db;

	/* A database this itsm never saw, from a far newer version. */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA user_version = 99");
	sqlite3_close(db);

	assert_int_equal(itsm_store_open(&s, f->db, 0), ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "newer"));
	assert_non_null(strstr(itsm_errmsg(), "99"));

	db = raw_open(f->db);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 99);
	sqlite3_close(db);
}

static void
check_garbage_refused(struct fixture *f, const char *data, size_t len,
    int flags)
{
	char back[8192];
	itsm_store *s = (itsm_store *)1;

	write_file(f->db, data, len);
	assert_int_equal(itsm_store_open(&s, f->db, flags), ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), f->db));
	/* The file is left as it was. */
	assert_int_equal(read_file(f->db, back, sizeof(back)), len);
	assert_memory_equal(back, data, len);
}

static void
test_not_sqlite_refused(void **state)
{
	struct fixture *f = *state;
	char junk[4096];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)("not a database, just text\n"[i % 26]);
	check_garbage_refused(f, junk, sizeof(junk), 0);
	assert_non_null(strstr(itsm_errmsg(), "not a valid itsm database"));
	check_garbage_refused(f, junk, sizeof(junk), ITSM_STORE_READONLY);
	/* A short file too. */
	check_garbage_refused(f, "hello, world\n", 13, 0);
}

static void
test_readonly_missing_file(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = (itsm_store *)1;

	assert_int_equal(itsm_store_open(&s, f->db, ITSM_STORE_READONLY),
	    ITSM_E_IO);
	assert_null(s);
	assert_false(exists(f->db));
}

static void
test_readonly_never_migrates(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = (itsm_store *)1;
	sqlite3 *db;

	write_file(f->db, "", 0);	/* an empty database, version 0 */
	assert_int_equal(itsm_store_open(&s, f->db, ITSM_STORE_READONLY),
	    ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "migration"));
	db = raw_open(f->db);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
	sqlite3_close(db);
}

static void
test_readonly_refuses_writes(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	itsm_store_close(s);
	s = open_ok(f->db, ITSM_STORE_READONLY);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	exec_refused(SQ(s)->db, INSERT_TICKET, SQLITE_READONLY, NULL);
	itsm_store_close(s);
}

/* ---- the append-only history ---- */

static void
test_events_update_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	char buf[64];

	exec_ok(SQ(s)->db, INSERT_TICKET);
	exec_ok(SQ(s)->db, INSERT_EVENT);
	exec_refused(SQ(s)->db, "UPDATE events SET message = 'rewritten'",
	    SQLITE_CONSTRAINT_TRIGGER, "events are append-only");
	exec_refused(SQ(s)->db, "UPDATE events SET at = 0 WHERE id = 1",
	    SQLITE_CONSTRAINT_TRIGGER, "events are append-only");
	query_text(SQ(s)->db, "SELECT message FROM events WHERE id = 1", buf,
	    sizeof(buf));
	assert_string_equal(buf, "opened by phone");
	assert_int_equal(query_int(SQ(s)->db, "SELECT at FROM events"), 1795855004);
	itsm_store_close(s);
}

static void
test_events_delete_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	exec_ok(SQ(s)->db, INSERT_TICKET);
	exec_ok(SQ(s)->db, INSERT_EVENT);
	exec_refused(SQ(s)->db, "DELETE FROM events", SQLITE_CONSTRAINT_TRIGGER,
	    "events are append-only");
	exec_refused(SQ(s)->db, "DELETE FROM events WHERE id = 1",
	    SQLITE_CONSTRAINT_TRIGGER, "events are append-only");
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 1);
	/* Appending is what the table is for. */
	exec_ok(SQ(s)->db, INSERT_EVENT);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 2);
	itsm_store_close(s);
}

/* INSERT OR REPLACE would delete the old event without the delete trigger. */
static void
test_events_replace_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	exec_ok(SQ(s)->db, INSERT_TICKET);
	exec_ok(SQ(s)->db, INSERT_EVENT);
	exec_refused(SQ(s)->db, "INSERT OR REPLACE INTO events (id, ticket, at, "
	    "recorded_at, actor, login, kind) VALUES (1, 1, 0, 0, 'mallory', "
	    "'mallory', 'open')", SQLITE_CONSTRAINT_TRIGGER,
	    "events are append-only");
	exec_refused(SQ(s)->db, "REPLACE INTO events SELECT * FROM events",
	    SQLITE_CONSTRAINT_TRIGGER, "events are append-only");
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events WHERE "
	    "actor = 'mallory'"), 0);
	exec_ok(SQ(s)->db, INSERT_EVENT);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 2);
	itsm_store_close(s);
}

static void
test_tickets_delete_refused(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	char buf[64];

	exec_ok(SQ(s)->db, INSERT_TICKET);
	exec_refused(SQ(s)->db, "DELETE FROM tickets", SQLITE_CONSTRAINT_TRIGGER,
	    "tickets are never deleted");
	exec_refused(SQ(s)->db, "DELETE FROM tickets WHERE id = 1",
	    SQLITE_CONSTRAINT_TRIGGER, "tickets are never deleted");
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets"), 1);
	/* The ticket row is the current state: it may change. */
	exec_ok(SQ(s)->db, "UPDATE tickets SET status = 'closed' WHERE id = 1");
	query_text(SQ(s)->db, "SELECT status FROM tickets WHERE id = 1", buf,
	    sizeof(buf));
	assert_string_equal(buf, "closed");
	itsm_store_close(s);
}

static void
test_foreign_keys_enforced(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	exec_refused(SQ(s)->db, INSERT_EVENT, SQLITE_CONSTRAINT_FOREIGNKEY, NULL);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 0);
	itsm_store_close(s);
}

/* ---- transactions ---- */

static int64_t
count_tickets(sqlite3 *db)
{
	return query_int(db, "SELECT count(*) FROM tickets");
}

static void
test_txn_commit(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *other = raw_open(f->db);

	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(count_tickets(other), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(other), 1);
	sqlite3_close(other);
	itsm_store_close(s);
}

static void
test_txn_rollback(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(count_tickets(SQ(s)->db), 1);
	itsm_store_rollback(s);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(SQ(s)->db), 0);
	itsm_store_close(s);
}

static void
test_txn_begin_is_immediate(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *other = raw_open(f->db);

	sqlite3_busy_timeout(other, 0);
	assert_int_equal(itsm_store_begin(s), 0);
	/* The write lock is taken at BEGIN, before any write. */
	exec_refused(other, "BEGIN IMMEDIATE", SQLITE_BUSY, NULL);
	assert_int_equal(itsm_store_commit(s), 0);
	exec_ok(other, "BEGIN IMMEDIATE");
	exec_ok(other, "COMMIT");
	sqlite3_close(other);
	itsm_store_close(s);
}

static void
test_txn_begin_busy(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *other = raw_open(f->db);

	sqlite3_busy_timeout(SQ(s)->db, 50);	/* not the real 10 s */
	exec_ok(other, "BEGIN IMMEDIATE");
	assert_int_equal(itsm_store_begin(s), ITSM_E_BUSY);
	assert_non_null(strstr(itsm_errmsg(), "busy"));
	/* A failed begin leaves no transaction open. */
	assert_int_equal(itsm_store_commit(s), ITSM_E_INTERNAL);
	exec_ok(other, "ROLLBACK");
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(count_tickets(other), 1);
	sqlite3_close(other);
	itsm_store_close(s);
}

static void
test_txn_nested_commit(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);
	sqlite3 *other = raw_open(f->db);

	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	/* Only the outermost commit writes. */
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 0);
	assert_int_equal(count_tickets(other), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(count_tickets(other), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(other), 2);
	sqlite3_close(other);
	itsm_store_close(s);
}

/* Whether a command changed the database: commits after the open only. */
static void
test_committed(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = open_ok(f->db, 0);	/* created and migrated */

	assert_int_equal(itsm_store_committed(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	itsm_store_rollback(s);
	assert_int_equal(itsm_store_committed(s), 0);
	/* A transaction that changes nothing (a dry run) is no change. */
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(itsm_store_committed(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(itsm_store_committed(s), 0);	/* inner only */
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(itsm_store_committed(s), 1);
	itsm_store_close(s);
	s = open_ok(f->db, 0);
	assert_int_equal(itsm_store_committed(s), 0);
	itsm_store_close(s);
	assert_int_equal(itsm_store_committed(NULL), 0);
}

static void
test_txn_nested_inner_rollback(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	itsm_store_rollback(s);
	/* The inner rollback does not end the outer transaction... */
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 0);
	/* ...but dooms it: the outer commit rolls everything back. */
	assert_int_equal(itsm_store_commit(s), ITSM_E_INTERNAL);
	assert_non_null(strstr(itsm_errmsg(), "nothing was written"));
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(SQ(s)->db), 0);

	/* The next transaction starts clean. */
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(count_tickets(SQ(s)->db), 1);
	itsm_store_close(s);
}

static void
test_txn_nested_outer_rollback(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(itsm_store_begin(s), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	itsm_store_rollback(s);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(SQ(s)->db), 0);
	itsm_store_close(s);
}

static void
test_txn_unbalanced(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = create_ok(f->db, 0);

	assert_int_equal(itsm_store_commit(s), ITSM_E_INTERNAL);
	assert_non_null(strstr(itsm_errmsg(), "without a transaction"));
	itsm_store_rollback(s);		/* a no-op */
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	/* Neither left the depth below zero. */
	assert_int_equal(itsm_store_begin(s), 0);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 0);
	exec_ok(SQ(s)->db, INSERT_TICKET);
	assert_int_equal(itsm_store_commit(s), 0);
	assert_int_equal(sqlite3_get_autocommit(SQ(s)->db), 1);
	assert_int_equal(count_tickets(SQ(s)->db), 1);
	assert_int_equal(itsm_store_commit(s), ITSM_E_INTERNAL);
	itsm_store_close(s);
}

/* ---- the database path ---- */

static void
check_path(const char *arg, const char *want)
{
	char *got = NULL;
	int rc = itsm_store_path(arg, &got);

	if (rc != 0)
		print_error("itsm_store_path: %s\n", itsm_errmsg());
	assert_int_equal(rc, 0);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_path_explicit(void **state)
{
	(void)state;
	setenv("ITSM_DB", "/env/itsm.db", 1);
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	setenv("HOME", "/home/tech", 1);
	check_path("/explicit/tickets.db", "/explicit/tickets.db");
	check_path("relative.db", "relative.db");
}

static void
test_path_itsm_db(void **state)
{
	(void)state;
	setenv("ITSM_DB", "/env/itsm.db", 1);
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	setenv("HOME", "/home/tech", 1);
	check_path(NULL, "/env/itsm.db");
	/* An empty ITSM_DB is an empty path, which opening refuses. */
	setenv("ITSM_DB", "", 1);
	check_path(NULL, "");
}

static void
test_path_xdg_data_home(void **state)
{
	(void)state;
	unsetenv("ITSM_DB");
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	setenv("HOME", "/home/tech", 1);
	check_path(NULL, "/xdg/data/itsm/itsm.db");
	/* The XDG spec: a relative or empty value is ignored. */
	setenv("XDG_DATA_HOME", "relative/data", 1);
	check_path(NULL, "/home/tech/.local/share/itsm/itsm.db");
	setenv("XDG_DATA_HOME", "", 1);
	check_path(NULL, "/home/tech/.local/share/itsm/itsm.db");
}

static void
test_path_home(void **state)
{
	(void)state;
	unsetenv("ITSM_DB");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/tech", 1);
	check_path(NULL, "/home/tech/.local/share/itsm/itsm.db");
}

static void
test_path_none(void **state)
{
	char *got = (char *)1;

	(void)state;
	unsetenv("ITSM_DB");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(itsm_store_path(NULL, &got), ITSM_E_IO);
	assert_null(got);
	assert_non_null(strstr(itsm_errmsg(), "ITSM_DB"));
	setenv("HOME", "", 1);
	got = (char *)1;
	assert_int_equal(itsm_store_path(NULL, &got), ITSM_E_IO);
	assert_null(got);
}

/* The default database is created with its directories, mode 0700. */
static void
check_open_default(struct fixture *f)
{
	char data[128], dir[160], db[192];
	itsm_store *s;

	snprintf(data, sizeof(data), "%s/data", f->dir);
	snprintf(dir, sizeof(dir), "%s/itsm", data);
	snprintf(db, sizeof(db), "%s/itsm.db", dir);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("HOME", "/nonexistent/home", 1);
	assert_false(exists(data));
	s = open_ok(NULL, 0);
	assert_string_equal(SQ(s)->path, db);
	assert_int_equal(itsm_store_version(s), 0);
	/* Reading makes nothing; a transaction that fails, nothing either. */
	assert_false(exists(data));
	assert_int_equal(itsm_store_begin(s), 0);
	assert_true(exists(dir));
	exec_ok(SQ(s)->db, INSERT_TICKET);
	itsm_store_rollback(s);
	assert_false(exists(data));
	first_commit(s);
	itsm_store_close(s);
	assert_int_equal(file_mode(data), 0700);
	assert_int_equal(file_mode(dir), 0700);
	assert_int_equal(file_mode(db), 0600);
}

static void
test_open_default_creates_directories(void **state)
{
	unsetenv("ITSM_DB");
	check_open_default(*state);
}

/* An empty ITSM_DB is refused, not taken for the default. */
static void
test_open_default_with_empty_itsm_db(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = (itsm_store *)1;
	char data[128];

	snprintf(data, sizeof(data), "%s/data", f->dir);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("ITSM_DB", "", 1);
	assert_int_equal(itsm_store_open(&s, NULL, 0), ITSM_E_IO);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "empty"));
	assert_false(exists(data));
}

/* Read-only never creates anything, not even the default's directories. */
static void
test_open_default_readonly_creates_nothing(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = (itsm_store *)1;
	char data[128];

	snprintf(data, sizeof(data), "%s/data", f->dir);
	unsetenv("ITSM_DB");
	setenv("XDG_DATA_HOME", data, 1);
	assert_int_equal(itsm_store_open(&s, NULL, ITSM_STORE_READONLY),
	    ITSM_E_IO);
	assert_null(s);
	assert_false(exists(data));
}

static void
test_open_itsm_db(void **state)
{
	struct fixture *f = *state;
	itsm_store *s;

	setenv("ITSM_DB", f->db, 1);
	setenv("XDG_DATA_HOME", "/nonexistent/data", 1);
	s = open_ok(NULL, 0);
	assert_string_equal(SQ(s)->path, f->db);
	first_commit(s);
	itsm_store_close(s);
	assert_true(exists(f->db));
	assert_false(exists("/nonexistent/data"));
}

/*
 * A database of schema 1, with a ticket and its event, is migrated to the
 * current schema on open: the data is kept, the new columns and tables
 * are there, and the event history is still append-only.
 */
static void
test_migrate_1_to_current(void **state)
{
	struct fixture *f = *state;
	itsm_store *s = NULL;

	write_file(f->db, "", 0);
	itsm_engine_sqlite.core->test_set_version(1);
	assert_int_equal(itsm_store_open(&s, f->db, 0), 0);
	itsm_engine_sqlite.core->test_set_version(0);
	assert_int_equal(query_int(SQ(s)->db, "PRAGMA user_version"), 1);
	assert_int_equal(sqlite3_exec(SQ(s)->db, "INSERT INTO tickets (summary, "
	    "caller, affected, opened_at, updated_at, priority) VALUES "
	    "('old', 'c', 'c', 100, 100, 'P2'); INSERT INTO events (ticket, "
	    "at, recorded_at, actor, login, kind) VALUES (1, 100, 100, 'a', "
	    "'a', 'open')", NULL, NULL, NULL), SQLITE_OK);
	/* Schema 1 has no cron bookkeeping. */
	assert_int_not_equal(sqlite3_exec(SQ(s)->db, "SELECT stagnant_escalated_at "
	    "FROM tickets", NULL, NULL, NULL), SQLITE_OK);
	itsm_store_close(s);

	assert_int_equal(itsm_store_open(&s, f->db, 0), 0);
	assert_int_equal(itsm_store_version(s), ITSM_SCHEMA_VERSION);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets WHERE "
	    "summary = 'old' AND priority = 'P2' AND opened_at = 100"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM events"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM tickets WHERE "
	    "stagnant_escalated_at IS NULL AND breach_escalated_at IS NULL "
	    "AND auto_closed = 0"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM meta"), 0);
	/* Schema 2 made tickets_activity, schema 7 dropped it. */
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'tickets_resolved'"), 1);
	assert_int_equal(query_int(SQ(s)->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'tickets_activity'"), 0);
	assert_int_not_equal(sqlite3_exec(SQ(s)->db, "DELETE FROM events", NULL,
	    NULL, NULL), SQLITE_OK);
	itsm_store_close(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_new),
		T(test_create_mode_ignores_loose_umask),
		T(test_create_shared),
		T(test_create_in_existing_empty_file),
		T(test_absent_creates_nothing_until_a_change),
		T(test_absent_two_creators),
		T(test_unusable_paths_refused),
		T(test_invalid_schema_refused),
		T(test_reopen_does_not_migrate),
		T(test_migrate_1_to_current),
		T(test_newer_database_refused),
		T(test_newer_foreign_database_refused),
		T(test_not_sqlite_refused),
		T(test_readonly_missing_file),
		T(test_readonly_never_migrates),
		T(test_readonly_refuses_writes),
		T(test_events_update_refused),
		T(test_events_delete_refused),
		T(test_events_replace_refused),
		T(test_tickets_delete_refused),
		T(test_foreign_keys_enforced),
		T(test_txn_commit),
		T(test_txn_rollback),
		T(test_txn_begin_is_immediate),
		T(test_txn_begin_busy),
		T(test_txn_nested_commit),
		T(test_txn_nested_inner_rollback),
		T(test_committed),
		T(test_txn_nested_outer_rollback),
		T(test_txn_unbalanced),
		T(test_path_explicit),
		T(test_path_itsm_db),
		T(test_path_xdg_data_home),
		T(test_path_home),
		T(test_path_none),
		T(test_open_default_creates_directories),
		T(test_open_default_with_empty_itsm_db),
		T(test_open_default_readonly_creates_nothing),
		T(test_open_itsm_db),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}

/*
 * The SQLite store: opening and creating the file, the versioned schema
 * and its forward migrations, transactions, and the statement helpers
 * every other file of the SQLite engine uses, and the engine's ops
 * (lib/engine.h).  All SQL of libitsm lives in lib/sqlite/.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "sqlite_int.h"
#include "store_columns.h"

#define WAL_RETRY_MS 5

/*
 * Migration N brings a database from version N to N + 1.  Never edit one
 * that has shipped: add the next.
 */
static const char *const migrations[ITSM_SCHEMA_VERSION] = {
	/* 0 -> 1: tickets, their append-only events, the queue's indexes. */
	"CREATE TABLE tickets ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  type TEXT NOT NULL DEFAULT 'incident'"
	"    CHECK (type IN ('incident', 'request', 'change')),"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new',"
	"    'in_progress', 'on_hold', 'resolved', 'closed', 'redirected',"
	"    'cancelled')),"
	"  summary TEXT NOT NULL,"
	"  description TEXT,"
	"  caller TEXT NOT NULL,"
	"  affected TEXT NOT NULL,"
	"  channel TEXT,"
	"  contact TEXT,"
	"  service TEXT,"
	"  category TEXT,"
	"  subcategory TEXT,"
	"  impact TEXT,"
	"  urgency TEXT,"
	"  priority TEXT,"
	"  priority_rank INTEGER,"
	"  major INTEGER NOT NULL DEFAULT 0 CHECK (major IN (0, 1)),"
	"  tier TEXT,"
	"  group_name TEXT,"
	"  assignee TEXT,"
	"  opened_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  responded_at INTEGER,"
	"  resolved_at INTEGER,"
	"  closed_at INTEGER,"
	"  response_due INTEGER,"
	"  resolution_due INTEGER,"
	"  resolution_type TEXT,"
	"  resolution_code TEXT,"
	"  resolution_notes TEXT,"
	"  satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),"
	"  reopen_count INTEGER NOT NULL DEFAULT 0,"
	"  reassignment_count INTEGER NOT NULL DEFAULT 0,"
	"  parent INTEGER REFERENCES tickets (id)"
	");"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER NOT NULL REFERENCES tickets (id),"
	"  at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  login TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  field TEXT,"
	"  old TEXT,"
	"  new TEXT,"
	"  message TEXT"
	");"
	"CREATE INDEX events_ticket ON events (ticket, id);"
	"CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER tickets_never_deleted BEFORE DELETE ON tickets"
	"  BEGIN SELECT RAISE(ABORT, 'tickets are never deleted'); END;"
	/* The work queue: open tickets, major first, priority, oldest. */
	"CREATE INDEX tickets_queue ON tickets (major DESC,"
	"  ifnull(priority_rank, 1000000), opened_at, id)"
	"  WHERE status IN ('new', 'in_progress', 'on_hold');"
	"CREATE INDEX tickets_status ON tickets (status, opened_at);"
	"CREATE INDEX tickets_group ON tickets (group_name, status);"
	"CREATE INDEX tickets_assignee ON tickets (assignee, status);",

	/*
	 * 1 -> 2: cron's bookkeeping.  A ticket is escalated once per
	 * stagnation (or breach) until new activity (updated_at) re-arms it;
	 * auto-closed tickets are marked; indexes for the sweeps.
	 */
	"ALTER TABLE tickets ADD COLUMN stagnant_escalated_at INTEGER;"
	"ALTER TABLE tickets ADD COLUMN breach_escalated_at INTEGER;"
	"ALTER TABLE tickets ADD COLUMN auto_closed INTEGER NOT NULL DEFAULT 0"
	"  CHECK (auto_closed IN (0, 1));"
	"ALTER TABLE tickets ADD COLUMN hold_reason TEXT;"
	"CREATE INDEX tickets_activity ON tickets (updated_at)"
	"  WHERE status IN ('new', 'in_progress');"
	"CREATE INDEX tickets_resolved ON tickets (resolved_at)"
	"  WHERE status = 'resolved';"
	"CREATE INDEX events_status ON events (ticket, at) WHERE field = 'status';"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

	/*
	 * 2 -> 3: major incidents.  The timeline and the communications are
	 * the ticket's events; these tables hold the current state.
	 */
	"CREATE TABLE majors ("
	"  ticket INTEGER PRIMARY KEY REFERENCES tickets (id),"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('proposed', 'active', 'ended', 'rejected')),"
	"  proposed_at INTEGER,"
	"  proposal TEXT,"
	"  declared_at INTEGER,"
	"  declared_by TEXT,"
	"  ended_at INTEGER,"
	"  bridge TEXT,"
	"  root_cause TEXT"
	");"
	"CREATE INDEX majors_state ON majors (state);"
	"CREATE TABLE major_roster ("
	"  ticket INTEGER NOT NULL REFERENCES tickets (id),"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (ticket, name)"
	");"
	"CREATE UNIQUE INDEX major_one_commander ON major_roster (ticket)"
	"  WHERE role = 'commander';"
	"CREATE TABLE major_findings ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER NOT NULL REFERENCES tickets (id),"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('factor', 'went_well', 'went_wrong', 'lucky')),"
	"  text TEXT NOT NULL,"
	"  at INTEGER NOT NULL"
	");"
	"CREATE TABLE major_actions ("
	"  ticket INTEGER NOT NULL REFERENCES tickets (id),"
	"  n INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  due INTEGER NOT NULL,"
	"  done_at INTEGER,"
	"  PRIMARY KEY (ticket, n)"
	");"
	"CREATE INDEX tickets_parent ON tickets (parent) WHERE parent IS NOT NULL;"
	"CREATE INDEX tickets_service ON tickets (opened_at, service)"
	"  WHERE service IS NOT NULL;",

	/* 3 -> 4: the number a ticket had in the tool it was imported from. */
	"ALTER TABLE tickets ADD COLUMN ext_ref TEXT;"
	"CREATE UNIQUE INDEX tickets_ext_ref ON tickets (ext_ref)"
	"  WHERE ext_ref IS NOT NULL;",

	/*
	 * 4 -> 5: INSERT OR REPLACE of an event that exists deletes it
	 * without firing the delete trigger (recursive_triggers is off in
	 * every client): an insert may only add an event.
	 */
	"CREATE TRIGGER events_append_only_replace BEFORE INSERT ON events"
	"  WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",

	/*
	 * 5 -> 6: the stagnation sweep's index.  The workable tickets by
	 * priority and last activity: cron finds the stagnant ones with one
	 * range per priority, reading them and no others, however long the
	 * queue (see qb_stagnant in sqlite_ticket.c and bench/FINDINGS.md).
	 */
	"CREATE INDEX tickets_stagnant ON tickets (priority, updated_at)"
	"  WHERE status IN ('new', 'in_progress');",

	/*
	 * 6 -> 7: the workable tickets by activity alone served the sweep
	 * before tickets_stagnant; nothing reads it now, and PostgreSQL's
	 * planner chose it over tickets_stagnant, reading most of the
	 * queue (bench/FINDINGS.md).  One index fewer for every update.
	 */
	"DROP INDEX tickets_activity;",

	/*
	 * 7 -> 8: the outbox, what is to be delivered after the commit
	 * that queued it (mail to send, hooks to run), retried with
	 * backoff by itsm notify; and the Message-IDs itsm sent or
	 * received, which thread a reply into its ticket.
	 */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  created_at INTEGER NOT NULL,"
	"  ticket INTEGER REFERENCES tickets (id),"
	"  event INTEGER,"	/* no foreign key: TRUNCATE events meets its trigger */
	"  kind TEXT NOT NULL CHECK (kind IN ('mail', 'hook')),"
	"  name TEXT NOT NULL,"
	"  recipients TEXT,"
	"  message_id TEXT UNIQUE,"
	"  payload TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  CHECK (kind = 'hook' OR (recipients IS NOT NULL"
	"    AND message_id IS NOT NULL))"
	");"
	"CREATE INDEX outbox_due ON outbox (next_attempt_at, id)"
	"  WHERE state = 'pending';"
	"CREATE TABLE mail_messages ("
	"  message_id TEXT PRIMARY KEY,"
	"  ticket INTEGER REFERENCES tickets (id),"
	"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX mail_messages_ticket ON mail_messages (ticket, at)"
	"  WHERE ticket IS NOT NULL;",

	/*
	 * 8 -> 9: the attachments of incoming mail: their bytes once per
	 * content (blobs, by SHA-256), and each arrival on a ticket.
	 */
	"CREATE TABLE blobs ("
	"  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),"
	"  size INTEGER NOT NULL,"
	"  data BLOB NOT NULL"
	");"
	"CREATE TABLE attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket INTEGER NOT NULL REFERENCES tickets (id),"
	"  event INTEGER,"	/* no foreign key, as the outbox's */
	"  message_id TEXT,"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL REFERENCES blobs (sha256),"
	"  is_inline INTEGER NOT NULL DEFAULT 0 CHECK (is_inline IN (0, 1)),"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX attachments_ticket ON attachments (ticket, id);"
};

/*
 * Why SQLite may not write the database, in words that say what to fix
 * (itsm(1), A team's database): in WAL mode even a reader writes the
 * -shm file, and creates it and the -wal beside the database.
 */
static int
readonly_fail(itsm_store *s, int rc, const char *msg)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	char side[PATH_MAX];
	size_t i;
	const char *slash = strrchr(SQ(s)->path, '/');
	int dirlen = slash == NULL ? 1 : slash == SQ(s)->path ? 1 :
	    (int)(slash - SQ(s)->path);
	const char *dir = slash == NULL ? "." : SQ(s)->path;

	switch (rc) {
	case SQLITE_READONLY_DIRECTORY:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may not create files in '%.*s', where SQLite "
		    "keeps the -wal and -shm files even to read", SQ(s)->path,
		    dirlen, dir);
	case SQLITE_READONLY_CANTINIT:
	case SQLITE_READONLY_RECOVERY:
	case SQLITE_READONLY_CANTLOCK:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may not write '%s-shm', which SQLite writes "
		    "even to read", SQ(s)->path, SQ(s)->path);
	default:
		break;
	}
	if (access(SQ(s)->path, W_OK) != 0 && errno == EROFS)
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "it is on a read-only file system", SQ(s)->path);
	if (access(SQ(s)->path, W_OK) != 0 && errno == EACCES)
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may read it but not write it", SQ(s)->path);
	/* The database is writable: a -wal or -shm file of another user. */
	for (i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", SQ(s)->path, sfx[i]);
		if (access(side, W_OK) != 0 && errno == EACCES)
			return itsm_error(ITSM_E_PERM, "cannot write '%s': "
			    "permission denied", side);
	}
	return itsm_error(ITSM_E_PERM, "cannot write database '%s': %s",
	    SQ(s)->path, msg);
}

int
store_fail(itsm_store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(SQ(s)->db), code;
	const char *msg = sqlite3_errmsg(SQ(s)->db);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return itsm_error(ITSM_E_BUSY, "database '%s' is busy: retry "
		    "later", SQ(s)->path);
	case SQLITE_NOMEM:
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return itsm_error(ITSM_E_IO, "'%s' is not a valid itsm "
		    "database: %s", SQ(s)->path, msg);
	case SQLITE_FULL:
		return itsm_error(ITSM_E_IO, "cannot write database '%s': "
		    "disk full", SQ(s)->path);
	case SQLITE_READONLY:
		return readonly_fail(s, rc, msg);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "%s", SQ(s)->path, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		code = ITSM_E_IO;
		break;
	default:
		code = ITSM_E_INTERNAL;
		break;
	}
	return itsm_error(code, "%s: %s", what, msg);
}

int
store_prepare(itsm_store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(SQ(s)->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return store_fail(s, "cannot prepare a query");
	}
	return 0;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

void
store_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

int
store_exec_stmt(itsm_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = store_fail(s, what);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

void
sq_append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off = n < 0 || (size_t)n >= len - *off ? len : *off + (size_t)n;
}

int
sq_too_long(size_t off, size_t len)
{
	return off >= len ? itsm_error(ITSM_E_INTERNAL, "a query too long "
	    "for its buffer") : 0;
}

/*
 * A statement an open stream holds (sq_rows) is neither reset for another
 * caller nor evicted: a second, equal one is prepared beside it.
 */
int
store_cached(itsm_store *s, const char *sql, sqlite3_stmt **st)
{
	struct sq_store *q = SQ(s);
	size_t i;
	int rc;

	for (i = 0; i < q->ncache; i++)
		if (!q->cache[i].streaming && strcmp(q->cache[i].sql, sql) ==
		    0) {
			sqlite3_reset(q->cache[i].st);
			sqlite3_clear_bindings(q->cache[i].st);
			*st = q->cache[i].st;
			return 0;
		}
	if (q->ncache == STORE_CACHE) {
		/* Full: the oldest that no stream holds goes. */
		for (i = 0; i < q->ncache && q->cache[i].streaming; i++)
			;
		if (i == q->ncache)
			return itsm_error(ITSM_E_INTERNAL, "too many open "
			    "queries");
		sqlite3_finalize(q->cache[i].st);
		free(q->cache[i].sql);
		memmove(&q->cache[i], &q->cache[i + 1],
		    (STORE_CACHE - 1 - i) * sizeof(q->cache[0]));
		q->ncache--;
	}
	if ((rc = store_prepare(s, sql, st)) != 0)
		return rc;
	if ((q->cache[q->ncache].sql = strdup(sql)) == NULL) {
		sqlite3_finalize(*st);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	q->cache[q->ncache].st = *st;
	q->cache[q->ncache++].streaming = 0;
	return 0;
}

/* Marks cached statement st held by a stream, or free again. */
static void
hold_cached(itsm_store *s, sqlite3_stmt *st, int held)
{
	struct sq_store *q = SQ(s);
	size_t i;

	for (i = 0; i < q->ncache; i++)
		if (q->cache[i].st == st)
			q->cache[i].streaming = held;
}

int
store_run(itsm_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = store_fail(s, what);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return 0;
}

static int
exec(itsm_store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(SQ(s)->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, what);
	return 0;
}

/* Whether errno says the place is not writable: exit 77, not 74. */
static int
not_writable(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/*
 * Refuses a path that SQLite would not keep on disk (itsm(1), FILES): an
 * empty one (a private temporary database), ":memory:", and a "file:"
 * URI, which may name memory or carry options.
 */
static int
usable_path(const char *path)
{
	if (*path == '\0')
		return itsm_error(ITSM_E_IO, "cannot use database '': the path "
		    "is empty");
	if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return itsm_error(ITSM_E_IO, "cannot use database '%s': SQLite "
		    "would not keep it in that file (name the file as "
		    "'./%s')", path, path);
	return 0;
}

/* The directory of path ("." or "/" at least); the caller frees it. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Creates the directories above the default database, mode 0700, and
 * remembers those it made, to remove them again if no database comes.
 */
static int
make_parents(itsm_store *s)
{
	char *dir = strdup(SQ(s)->path), *p;
	int rc = 0;

	if (dir == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			if (SQ(s)->nmade < (int)(sizeof(SQ(s)->made) / sizeof(SQ(s)->made[0]))
			    && (SQ(s)->made[SQ(s)->nmade] = strdup(dir)) != NULL)
				SQ(s)->nmade++;
		} else if (errno != EEXIST) {
			rc = itsm_error(not_writable(errno) ? ITSM_E_PERM :
			    ITSM_E_IO,
			    "cannot create directory '%s': %s", dir,
			    strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Removes the directories make_parents made, deepest first, if empty. */
static void
unmake_parents(itsm_store *s, int remove)
{
	while (SQ(s)->nmade > 0) {
		SQ(s)->nmade--;
		if (remove)
			(void)rmdir(SQ(s)->made[SQ(s)->nmade]);
		free(SQ(s)->made[SQ(s)->nmade]);
	}
}

/*
 * Takes the creation lock: an flock of the database's directory, held by
 * a process that found no database from its first transaction until the
 * file is in place or the transaction rolled back.  Two processes that
 * create the database at once thus take turns, and the second finds the
 * file of the first.  The directory locked must still be the one of the
 * path: another process may have removed it, empty, when it failed.  On
 * a file system without flock, creation goes on unlocked (materialize
 * then refuses to replace a database made meanwhile).
 */
static int
lock_dir(itsm_store *s)
{
	struct stat a, b;
	char *dir = dir_of(SQ(s)->path);
	int tries, waited, fd, rc = 0;

	if (dir == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	for (tries = 0; tries < 100; tries++) {
		if (SQ(s)->is_default && (rc = make_parents(s)) != 0)
			goto done;
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			if (errno == ENOENT && SQ(s)->is_default)
				continue;
			rc = itsm_error(not_writable(errno) ? ITSM_E_PERM :
			    ITSM_E_IO, "cannot create database '%s': %s",
			    SQ(s)->path, strerror(errno));
			goto done;
		}
		for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0;
		    waited += sqlite3_sleep(WAL_RETRY_MS)) {
			if (errno != EWOULDBLOCK && errno != EINTR)
				break;	/* no flock here */
			if (waited >= SQ(s)->busy_ms) {
				close(fd);
				rc = itsm_error(ITSM_E_BUSY, "database '%s' is "
				    "busy: retry later", SQ(s)->path);
				goto done;
			}
		}
		if (fstat(fd, &a) == 0 && stat(dir, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			SQ(s)->lockfd = fd;
			goto done;
		}
		close(fd);
	}
	rc = itsm_error(ITSM_E_IO, "cannot create database '%s': its "
	    "directory keeps disappearing", SQ(s)->path);
done:
	free(dir);
	return rc;
}

/* Lets go of the creation lock, removing the directories made for naught. */
static void
release_claim(itsm_store *s)
{
	unmake_parents(s, 1);	/* while locked: see lock_dir */
	if (SQ(s)->lockfd >= 0) {
		close(SQ(s)->lockfd);
		SQ(s)->lockfd = -1;
	}
}

/* The settings of every connection. */
static int
configure(itsm_store *s)
{
	char sql[48];
	int rc;

	sqlite3_extended_result_codes(SQ(s)->db, 1);
	sqlite3_busy_timeout(SQ(s)->db, SQ(s)->busy_ms);
	if ((rc = exec(s, "PRAGMA foreign_keys = ON", "cannot open the "
	    "database")) != 0)
		return rc;
	if (SQ(s)->cache_kib > 0) {
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d",
		    SQ(s)->cache_kib);
		if ((rc = exec(s, sql, "cannot size the cache")) != 0)
			return rc;
	}
	return 0;
}

/* Closes the connection and the statements kept on it. */
static void
drop_connection(itsm_store *s)
{
	size_t i;

	for (i = 0; i < SQ(s)->ncache; i++) {
		sqlite3_finalize(SQ(s)->cache[i].st);
		free(SQ(s)->cache[i].sql);
	}
	SQ(s)->ncache = 0;
	sqlite3_close(SQ(s)->db);
	SQ(s)->db = NULL;
}

/* The version opening migrates to; only tests lower it. */
static int store_target_version = ITSM_SCHEMA_VERSION;

static void
sq_test_set_version(int version)
{
	store_target_version = version > 0 && version <= ITSM_SCHEMA_VERSION ?
	    version : ITSM_SCHEMA_VERSION;
}

static int
user_version(itsm_store *s, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "PRAGMA user_version", &st)) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "cannot read the schema version");
		sqlite3_finalize(st);
		return rc;
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* A schema version itsm cannot use: newer, or one that never was. */
static int
bad_version(itsm_store *s, int v)
{
	if (v < 0)
		return itsm_error(ITSM_E_IO, "'%s' is not a valid itsm "
		    "database: its schema version is %d", SQ(s)->path, v);
	return itsm_error(ITSM_E_IO, "database '%s' has schema version %d, "
	    "newer than this itsm knows (%d): upgrade itsm", SQ(s)->path, v,
	    ITSM_SCHEMA_VERSION);
}

/*
 * Refuses an SQLite database of another application: version 0 but
 * tables already there (read in one snapshot, so that another itsm
 * creating the schema at the same time is not mistaken for one).
 */
static int
foreign(itsm_store *s)
{
	sqlite3_stmt *st;
	int rc, n;

	if ((rc = store_prepare(s, "SELECT count(*) FROM sqlite_master WHERE "
	    "(SELECT user_version FROM pragma_user_version) = 0", &st)) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(s, "cannot read the schema");
		sqlite3_finalize(st);
		return rc;
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (n > 0)
		return itsm_error(ITSM_E_IO, "'%s' is not an itsm database: it "
		    "holds tables of another application", SQ(s)->path);
	return 0;
}

/*
 * The tables and columns of the current schema, all of them: a database
 * that says it is of this version but lacks one (a table dropped by
 * hand, a schema rewritten) is refused when opened, not by a query that
 * fails later.
 */
static const char schema_check[] = STORE_SCHEMA_CHECK;

static int
check_schema(itsm_store *s, int v)
{
	sqlite3_stmt *st;

	if (v != ITSM_SCHEMA_VERSION)
		return 0;
	if (sqlite3_prepare_v2(SQ(s)->db, schema_check, -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	/* "no such table: majors", "no such column: t.ext_ref" */
	if ((sqlite3_errcode(SQ(s)->db) & 0xff) == SQLITE_ERROR)
		return itsm_error(ITSM_E_IO, "'%s' is not a valid itsm "
		    "database: %s", SQ(s)->path, sqlite3_errmsg(SQ(s)->db));
	return store_fail(s, "cannot read the schema");
}

/*
 * Switches a new database to WAL. The switch holds a read lock when it
 * asks for the write lock, so while another process creating the same
 * database holds that, SQLite refuses at once as busy, without its busy
 * handler, lest the two wait on each other (about once in 30 races of
 * four processes under ASan). Retrying the whole statement lets go of the
 * read lock between tries; the wait is bounded by the busy timeout. A
 * database another process has switched already stays WAL.
 */
static int
set_wal(itsm_store *s)
{
	int waited = 0, rc;

	while ((rc = sqlite3_exec(SQ(s)->db, "PRAGMA journal_mode = WAL", NULL,
	    NULL, NULL)) != SQLITE_OK && (rc & 0xff) == SQLITE_BUSY &&
	    waited < SQ(s)->busy_ms)
		waited += sqlite3_sleep(WAL_RETRY_MS);
	if (rc != SQLITE_OK)
		return store_fail(s, "cannot set WAL mode");
	return 0;
}

/* Brings the database to version target (ITSM_SCHEMA_VERSION but in tests). */
static int
migrate(itsm_store *s, int target)
{
	char sql[64];
	int v, rc;

	if ((rc = user_version(s, &v)) != 0)
		return rc;
	if (v == target)
		return check_schema(s, v);
	if (v > ITSM_SCHEMA_VERSION || v < 0)
		return bad_version(s, v);
	if (v == 0 && (rc = foreign(s)) != 0)
		return rc;
	if (v == 0 && (rc = set_wal(s)) != 0)
		return rc;
	if ((rc = itsm_store_begin(s)) != 0)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = user_version(s, &v)) != 0)
		goto fail;
	if (v > ITSM_SCHEMA_VERSION || v < 0) {
		rc = bad_version(s, v);
		goto fail;
	}
	if (v == 0 && (rc = foreign(s)) != 0)
		goto fail;
	for (; v < target; v++)
		if ((rc = exec(s, migrations[v], "cannot migrate the database"))
		    != 0)
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", target);
	if ((rc = exec(s, sql, "cannot migrate the database")) != 0)
		goto fail;
	if ((rc = itsm_store_commit(s)) != 0)
		return rc;
	return check_schema(s, target);
fail:
	itsm_store_rollback(s);
	return rc;
}

/*
 * The -wal and -shm files take the database's mode when SQLite creates
 * them: a read while the database could not be written left them so, and
 * writing would fail on them ever after.  When the database is writable
 * again, those this user owns get its mode; another user's are named by
 * readonly_fail.
 */
static void
fix_companions(itsm_store *s)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	struct stat db, c;
	char name[PATH_MAX];
	size_t i;

	if (stat(SQ(s)->path, &db) != 0 || access(SQ(s)->path, W_OK) != 0)
		return;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s%s", SQ(s)->path, sfx[i]);
		if (stat(name, &c) == 0 && S_ISREG(c.st_mode) &&
		    c.st_uid == geteuid() && access(name, W_OK) != 0 &&
		    errno == EACCES)
			(void)chmod(name, db.st_mode & 0666);
	}
}

/* Opens the database file that exists, and brings it to this schema. */
static int
open_file(itsm_store *s, int flags)
{
	int rc, v, oflags = (flags & ITSM_STORE_READONLY) ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;

	if (!(flags & ITSM_STORE_READONLY))
		fix_companions(s);
	if (sqlite3_open_v2(SQ(s)->path, &SQ(s)->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		/* A file we may not read: permission denied (77), not 74. */
		if (access(SQ(s)->path, R_OK) != 0 && not_writable(errno))
			return itsm_error(ITSM_E_PERM, "cannot open database "
			    "'%s': %s", SQ(s)->path, strerror(errno));
		return itsm_error(ITSM_E_IO, "cannot open database '%s': %s",
		    SQ(s)->path, SQ(s)->db ? sqlite3_errmsg(SQ(s)->db) : "out of memory");
	}
	if ((rc = configure(s)) != 0)
		return rc;
	/* itsm db init: a database with a schema is left as it is. */
	if ((flags & ITSM_STORE_INIT) &&
	    ((rc = user_version(s, &v)) != 0 || (v != 0 &&
	    (rc = itsm_error(ITSM_E_REFUSED, "database '%s' has the itsm "
	    "schema already (version %d): nothing to do", SQ(s)->path, v))) !=
	    0))
		return rc;
	/* itsm db upgrade: a file without the schema is init's. */
	if ((flags & ITSM_STORE_UPGRADE) &&
	    ((rc = user_version(s, &v)) != 0 || (v == 0 &&
	    (rc = itsm_error(ITSM_E_IO, "database '%s' has no itsm schema: "
	    "run 'itsm db init'", SQ(s)->path)) != 0)))
		return rc;
	if (!(flags & ITSM_STORE_READONLY))
		return migrate(s, store_target_version);
	if ((rc = user_version(s, &v)) != 0)
		return rc;
	if (v > ITSM_SCHEMA_VERSION || v < 0)
		return bad_version(s, v);
	if (v < ITSM_SCHEMA_VERSION)
		return itsm_error(ITSM_E_IO, "database '%s' needs a "
		    "migration: run a writing command first", SQ(s)->path);
	return check_schema(s, v);
}

/*
 * No database yet: a private temporary one with the schema stands in for
 * it, so that a command that only reads finds no ticket and creates
 * nothing.  The file is made when a transaction that changed something
 * commits (materialize); a command that fails leaves none behind.
 */
static int
open_absent(itsm_store *s)
{
	int rc;

	if (sqlite3_open_v2("", &SQ(s)->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return itsm_error(ITSM_E_IO, "cannot open database '%s': %s",
		    SQ(s)->path, SQ(s)->db ? sqlite3_errmsg(SQ(s)->db) : "out of memory");
	if ((rc = configure(s)) != 0 ||
	    (rc = migrate(s, store_target_version)) != 0)
		return rc;
	SQ(s)->absent = 1;
	return 0;
}

/* Goes on in the file that now exists, instead of the stand-in. */
static int
reopen_file(itsm_store *s)
{
	int commits = SQ(s)->commits, rc;

	drop_connection(s);
	SQ(s)->absent = 0;
	rc = open_file(s, SQ(s)->flags);
	SQ(s)->commits = commits;	/* a migration is no command's change */
	return rc;
}

/*
 * Before the first transaction without a database: the creation lock,
 * then the file again (another process may have made it meanwhile, and
 * then this one writes there).
 */
static int
claim(itsm_store *s)
{
	struct stat st;
	int rc;

	if ((rc = lock_dir(s)) != 0) {
		release_claim(s);
		return rc;
	}
	if (stat(SQ(s)->path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		rc = itsm_error(not_writable(errno) ? ITSM_E_PERM : ITSM_E_IO,
		    "cannot open database '%s': %s", SQ(s)->path, strerror(errno));
		release_claim(s);
		return rc;
	}
	unmake_parents(s, 0);	/* they hold another's database now */
	release_claim(s);
	if (!S_ISREG(st.st_mode))
		return itsm_error(ITSM_E_IO, "cannot use database '%s': not a "
		    "regular file", SQ(s)->path);
	return reopen_file(s);
}

/* Why the new database could not be written, from its connection. */
static int
create_fail(itsm_store *s, sqlite3 *db, int code)
{
	if ((code & 0xff) == SQLITE_FULL)
		return itsm_error(ITSM_E_IO, "cannot create database '%s': "
		    "disk full", SQ(s)->path);
	return itsm_error(ITSM_E_IO, "cannot create database '%s': %s",
	    SQ(s)->path, db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

/* 1 when the stand-in holds a ticket, 0 when not, or an ITSM_E code. */
static int
has_ticket(itsm_store *s)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM tickets)",
	    &st)) != 0)
		return rc;
	rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) :
	    store_fail(s, "cannot read the tickets");
	sqlite3_finalize(st);
	return rc;
}

/* A creation's failure, errno saying why. */
static int
create_errno(itsm_store *s)
{
	return itsm_error(not_writable(errno) ? ITSM_E_PERM : ITSM_E_IO,
	    "cannot create database '%s': %s", SQ(s)->path, strerror(errno));
}

/* A new empty file beside the database, of mode; *tmp its name. */
static int
make_temp(itsm_store *s, mode_t mode, char **tmp)
{
	int fd;

	if ((*tmp = malloc(strlen(SQ(s)->path) + sizeof(".new-XXXXXX"))) ==
	    NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	sprintf(*tmp, "%s.new-XXXXXX", SQ(s)->path);
	if ((fd = mkstemp(*tmp)) < 0) {
		free(*tmp);
		*tmp = NULL;
		return create_errno(s);
	}
	/* The mode whatever the umask: a team's database is the group's. */
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return create_errno(s);
	}
	close(fd);
	return 0;
}

/*
 * The stand-in copied whole into tmp, in WAL mode, on disk.  No journal
 * while the copy is made: a copy cut short is never linked to the name,
 * and is removed; the whole file is synced before the link.
 */
static int
copy_into(itsm_store *s, const char *tmp)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int fd, rc = 0, step, fin;

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = create_fail(s, dst, dst ? sqlite3_errcode(dst) :
		    SQLITE_NOMEM);
		goto done;
	}
	if ((step = sqlite3_exec(dst, "PRAGMA journal_mode = OFF", NULL, NULL,
	    NULL)) != SQLITE_OK) {
		rc = create_fail(s, dst, step);
		goto done;
	}
	if ((b = sqlite3_backup_init(dst, "main", SQ(s)->db, "main")) == NULL) {
		rc = create_fail(s, dst, sqlite3_errcode(dst));
		goto done;
	}
	step = sqlite3_backup_step(b, -1);
	fin = sqlite3_backup_finish(b);
	if (step != SQLITE_DONE || fin != SQLITE_OK) {
		rc = create_fail(s, NULL, step != SQLITE_DONE ? step : fin);
		goto done;
	}
	if ((step = sqlite3_exec(dst, "PRAGMA journal_mode = WAL", NULL, NULL,
	    NULL)) != SQLITE_OK || (step = sqlite3_close(dst)) != SQLITE_OK) {
		rc = create_fail(s, dst, step);
		goto done;
	}
	dst = NULL;
	/* On disk before it has its name. */
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0) {
		rc = create_errno(s);
		if (fd >= 0)
			close(fd);
		goto done;
	}
	close(fd);
done:
	if (dst != NULL)
		sqlite3_close(dst);
	return rc;
}

/* Gives tmp the database's name, unless another process took it. */
static int
take_name(itsm_store *s, const char *tmp)
{
	if (link(tmp, SQ(s)->path) == 0)
		return 0;
	if (errno == EEXIST)
		return itsm_error(ITSM_E_BUSY, "database '%s' was created by "
		    "another process meanwhile: nothing was written, retry",
		    SQ(s)->path);
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP &&
	    errno != ENOSYS)
		return create_errno(s);
	/* No hard links here: the lock keeps the name free. */
	return rename(tmp, SQ(s)->path) != 0 ? create_errno(s) : 0;
}

/*
 * Puts the database in place once its first transaction has committed in
 * the stand-in: copied to a new file beside it, switched to WAL, then
 * linked to its name, which it thus takes whole or not at all (another
 * process finds no database, or all of it); this process then goes on in
 * the file.  When no ticket came there is nothing to keep: no file.
 */
static int
materialize(itsm_store *s, int force)
{
	static const char *const sfx[] = { "-journal", "-wal", "-shm" };
	mode_t mode = (SQ(s)->flags & ITSM_STORE_SHARED) ? 0660 : 0600;
	char *tmp = NULL, side[PATH_MAX];
	size_t i;
	int rc = 0;

	/*
	 * Everything a database holds hangs from a ticket: without one,
	 * what changed (a sweep's record of the SLA targets) is not worth
	 * a file, and is found again when there is one.
	 */
	if (!force && (sqlite3_total_changes(SQ(s)->db) == SQ(s)->changes0 ||
	    (rc = has_ticket(s)) <= 0))
		goto done;
	if ((rc = make_temp(s, mode, &tmp)) != 0 ||
	    (rc = copy_into(s, tmp)) != 0 || (rc = take_name(s, tmp)) != 0)
		goto done;
	if (SQ(s)->lockfd >= 0)
		(void)fsync(SQ(s)->lockfd);
	unmake_parents(s, 0);	/* they hold the database now */
	rc = reopen_file(s);
done:
	if (tmp != NULL) {
		(void)unlink(tmp);
		for (i = 0; i < 3; i++) {
			snprintf(side, sizeof(side), "%s%s", tmp, sfx[i]);
			(void)unlink(side);
		}
		free(tmp);
	}
	release_claim(s);
	return rc;
}

/*
 * itsm db init of a database that is no file yet: the file, with the
 * schema and nothing else, made now as a first commit would make it
 * (another process's file found meanwhile is refused when it has the
 * schema: claim reopens it with this open's flags).
 */
static int
init_absent(itsm_store *s)
{
	int rc;

	if ((rc = claim(s)) != 0 || !SQ(s)->absent)
		return rc;
	SQ(s)->flags &= ~ITSM_STORE_INIT;	/* the file made is this one's */
	return materialize(s, 1);
}

static void sq_close(itsm_store *s);

static int
sq_open(itsm_store **out, const char *path, int flags, int busy_ms)
{
	struct stat st;
	char *dir;
	itsm_store *s;
	struct sq_store *q;
	int rc;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	q->base.engine = &itsm_engine_sqlite;
	s = &q->base;
	SQ(s)->lockfd = -1;
	SQ(s)->flags = flags;
	SQ(s)->busy_ms = busy_ms;
	SQ(s)->is_default = path == NULL && getenv("ITSM_DB") == NULL;
	if ((rc = itsm_store_path(path, &SQ(s)->path)) != 0 ||
	    (rc = usable_path(SQ(s)->path)) != 0)
		goto fail;
	/*
	 * itsm runs in one thread: SQLite needs no mutex and no count of its
	 * memory (each of its allocations took a mutex, 3% of an import).
	 * Refused, harmlessly, once SQLite is initialized.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (stat(SQ(s)->path, &st) == 0) {
		/* /dev/null would take every write and keep none. */
		if (!S_ISREG(st.st_mode))
			rc = itsm_error(ITSM_E_IO, "cannot use database '%s': "
			    "not a regular file", SQ(s)->path);
		else
			rc = open_file(s, flags);
	} else if (errno == ENOENT && (flags & ITSM_STORE_UPGRADE)) {
		rc = itsm_error(ITSM_E_IO, "database '%s' does not exist: run "
		    "'itsm db init' first", SQ(s)->path);
	} else if (errno != ENOENT || (flags & ITSM_STORE_READONLY)) {
		rc = itsm_error(not_writable(errno) ? ITSM_E_PERM : ITSM_E_IO,
		    "cannot open database '%s': %s", SQ(s)->path, strerror(errno));
	} else if (!SQ(s)->is_default) {
		/* Only the default's directories are made. */
		if ((dir = dir_of(SQ(s)->path)) == NULL)
			rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		else if (stat(dir, &st) != 0)
			rc = itsm_error(not_writable(errno) ? ITSM_E_PERM :
			    ITSM_E_IO, "cannot create database '%s': %s",
			    SQ(s)->path, strerror(errno));
		else if (!S_ISDIR(st.st_mode))
			rc = itsm_error(ITSM_E_IO, "cannot create database "
			    "'%s': %s", SQ(s)->path, strerror(ENOTDIR));
		else
			rc = open_absent(s);
		free(dir);
	} else {
		rc = open_absent(s);
	}
	if (rc == 0 && SQ(s)->absent && (flags & ITSM_STORE_INIT))
		rc = init_absent(s);
	if (rc != 0)
		goto fail;
	SQ(s)->commits = 0;		/* the migration is no command's change */
	*out = s;
	return 0;
fail:
	sq_close(s);
	return rc;
}

static void
sq_close(itsm_store *s)
{
	if (s == NULL)
		return;
	drop_connection(s);
	release_claim(s);
	free(SQ(s)->path);
	free(s);
}

static int
sq_version(itsm_store *s)
{
	int v = -1;

	/* No file yet: no schema either (the first write creates both). */
	if (SQ(s)->absent)
		return 0;
	if (user_version(s, &v) != 0)
		return -1;
	return v;
}

/* SQLite enforces no identity: whoever may write the file may do all. */
static int
sq_whoami(itsm_store *s, struct itsm_who *w)
{
	char server[64];

	snprintf(server, sizeof(server), "SQLite %s", sqlite3_libversion());
	w->user = NULL;
	w->role = ITSM_ROLE_ADMIN;
	w->now = 0;
	if ((w->server = strdup(server)) == NULL ||
	    (w->database = strdup(SQ(s)->path)) == NULL) {
		itsm_who_free(w);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	return 0;
}

static int
sq_begin(itsm_store *s)
{
	int rc;

	if (SQ(s)->depth > 0) {
		SQ(s)->depth++;
		return 0;
	}
	SQ(s)->failed = 0;
	if (SQ(s)->absent && (rc = claim(s)) != 0)
		return rc;
	SQ(s)->depth = 1;
	SQ(s)->changes0 = sqlite3_total_changes(SQ(s)->db);
	if (SQ(s)->absent)
		rc = exec(s, "BEGIN", "cannot start a transaction");
	else
		rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction");
	if (rc != 0) {
		SQ(s)->depth = 0;
		if (SQ(s)->absent)
			release_claim(s);
	}
	return rc;
}

static int
sq_commit(itsm_store *s)
{
	int rc, changed;

	if (SQ(s)->depth == 0)
		return itsm_error(ITSM_E_INTERNAL, "commit without a "
		    "transaction");
	if (--SQ(s)->depth > 0)
		return 0;
	if (SQ(s)->failed) {
		exec(s, "ROLLBACK", "cannot roll back");
		if (SQ(s)->absent)
			release_claim(s);
		return itsm_error(ITSM_E_INTERNAL, "an inner step failed: "
		    "nothing was written");
	}
	if ((rc = exec(s, "COMMIT", "cannot commit")) != 0) {
		/*
		 * SQLite may have rolled back already (a full disk): the
		 * commit's error is the one to tell, not the rollback's.
		 */
		if (!sqlite3_get_autocommit(SQ(s)->db))
			sqlite3_exec(SQ(s)->db, "ROLLBACK", NULL, NULL, NULL);
		if (SQ(s)->absent)
			release_claim(s);
		return rc;
	}
	changed = sqlite3_total_changes(SQ(s)->db) != SQ(s)->changes0;
	if (SQ(s)->absent && (rc = materialize(s, 0)) != 0)
		return rc;
	/*
	 * A transaction that changed no row (a dry run) is no change, nor
	 * one that left no database (see materialize).
	 */
	if (changed && !SQ(s)->absent)
		SQ(s)->commits++;
	return 0;
}

static int
sq_snapshot_begin(itsm_store *s, int *began)
{
	int rc;

	*began = 0;
	if (SQ(s)->depth > 0 || !sqlite3_get_autocommit(SQ(s)->db))
		return 0;	/* within a transaction: its snapshot */
	if ((rc = exec(s, "BEGIN", "cannot start reading")) != 0)
		return rc;
	*began = 1;
	return 0;
}

static void
sq_snapshot_end(itsm_store *s, int began)
{
	if (began && !sqlite3_get_autocommit(SQ(s)->db))
		(void)sqlite3_exec(SQ(s)->db, "COMMIT", NULL, NULL, NULL);
}

static int
sq_committed(const itsm_store *s)
{
	return s != NULL && SQ(s)->commits > 0;
}

static void
sq_rollback(itsm_store *s)
{
	if (SQ(s)->depth == 0)
		return;
	if (--SQ(s)->depth > 0) {
		SQ(s)->failed = 1;
		return;
	}
	if (!sqlite3_get_autocommit(SQ(s)->db))
		sqlite3_exec(SQ(s)->db, "ROLLBACK", NULL, NULL, NULL);
	if (SQ(s)->absent)
		release_claim(s);
}

static int
sq_meta_get(itsm_store *s, const char *key, char **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(s, "SELECT value FROM meta WHERE key = ?1",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = strdup((const char *)sqlite3_column_text(st, 0));
		rc = *out ? 0 : itsm_error(ITSM_E_NOMEM, "out of memory");
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(s, "cannot read the store's settings");
	}
	sqlite3_finalize(st);
	return rc;
}

static int
sq_meta_set(itsm_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO meta (key, value) VALUES "
	    "(?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	return store_exec_stmt(s, st, "cannot save the store's settings");
}

static int64_t
sq_data_version(itsm_store *s)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (store_prepare(s, "PRAGMA data_version", &st) != 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A file has no messenger: the version is asked every quarter second. */
static int
sq_wait(itsm_store *s, int64_t *version, int ms)
{
	struct timespec nap;
	int64_t v;
	int slice;

	while (ms > 0) {
		slice = ms < 250 ? ms : 250;
		nap.tv_sec = 0;
		nap.tv_nsec = (long)slice * 1000000;
		if (nanosleep(&nap, NULL) != 0)
			return 0;	/* a signal */
		ms -= slice;
		if ((v = sq_data_version(s)) != *version || v < 0) {
			*version = v;
			return 1;
		}
	}
	return 0;
}

struct store_rows {
	itsm_store *s;
	sqlite3_stmt *st;
	int cached;		/* a cached statement: reset, not finalized */
	const char *what;	/* what failed, for the message */
	size_t n;
	struct store_value v[];
};

int
sq_rows(itsm_store *s, sqlite3_stmt *st, int cached, const char *what,
    struct store_rows **out)
{
	size_t n = (size_t)sqlite3_column_count(st);
	struct store_rows *r;

	if ((r = calloc(1, sizeof(*r) + n * sizeof(r->v[0]))) == NULL) {
		if (cached)
			sqlite3_reset(st);
		else
			sqlite3_finalize(st);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	r->s = s;
	r->st = st;
	r->cached = cached;
	if (cached)
		hold_cached(s, st, 1);
	r->what = what;
	r->n = n;
	*out = r;
	return 0;
}

void
sq_value(sqlite3_stmt *st, int i, struct store_value *v)
{
	/* Only the member of the value's type is meaningful; the others 0. */
	v->i = 0;
	v->s = NULL;
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		v->type = STORE_INT;
		v->i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		v->type = STORE_REAL;
		v->r = sqlite3_column_double(st, i);
		break;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		v->type = STORE_TEXT;
		v->s = (const char *)sqlite3_column_text(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		if (v->s == NULL)
			return (void)(v->type = STORE_NULL);
		break;
	default:
		v->type = STORE_NULL;
		break;
	}
}

static int
sq_rows_next(struct store_rows *r, const struct store_value **row, size_t *n)
{
	size_t i;
	int rc = sqlite3_step(r->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(r->s, r->what);
	for (i = 0; i < r->n; i++)
		sq_value(r->st, (int)i, &r->v[i]);
	*row = r->v;
	*n = r->n;
	return 1;
}

static void
sq_rows_free(struct store_rows *r)
{
	if (r == NULL)
		return;
	if (r->cached) {
		sqlite3_reset(r->st);
		hold_cached(r->s, r->st, 0);
	} else {
		sqlite3_finalize(r->st);
	}
	free(r);
}

/* The database file, its write-ahead log, its shared memory, a journal. */
static const char *const sq_files[] = { "", "-wal", "-shm", "-journal",
    NULL };

static const struct engine_core sq_core = {
	.open = sq_open,
	.close = sq_close,
	.files = sq_files,
	.version = sq_version,
	.data_version = sq_data_version,
	.wait = sq_wait,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.committed = sq_committed,
	.snapshot_begin = sq_snapshot_begin,
	.snapshot_end = sq_snapshot_end,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.rows_next = sq_rows_next,
	.rows_free = sq_rows_free,
	.test_set_version = sq_test_set_version,
	.whoami = sq_whoami,
};

const struct store_engine itsm_engine_sqlite = {
	.version = STORE_ENGINE_VERSION,
	.name = "sqlite",
	.core = &sq_core,
	.tickets = &sq_tickets,
	.majors = &sq_majors,
	.stats = &sq_stats,
	.port = &sq_port,
	.outbox = &sq_outbox,
	.attachments = &sq_attachments,
};

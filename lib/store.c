/*
 * The SQLite store: opening and creating the file, the versioned schema
 * and its forward migrations, transactions, and the statement helpers
 * every other store module uses.  All SQL of libitsm lives in store*.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "store_int.h"

#define BUSY_TIMEOUT_MS 10000
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
	 * queue (see qb_stagnant in store_ticket.c and bench/FINDINGS.md).
	 */
	"CREATE INDEX tickets_stagnant ON tickets (priority, updated_at)"
	"  WHERE status IN ('new', 'in_progress');"
};

/*
 * Why SQLite may not write the database, in words that say what to fix
 * (itsm(1), A team's database): in WAL mode even a reader writes the
 * -shm file, and creates it and the -wal beside the database.
 */
static int
readonly_fail(itsm_store *s, int rc, const char *msg)
{
	const char *slash = strrchr(s->path, '/');
	int dirlen = slash == NULL ? 1 : slash == s->path ? 1 :
	    (int)(slash - s->path);
	const char *dir = slash == NULL ? "." : s->path;

	switch (rc) {
	case SQLITE_READONLY_DIRECTORY:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may not create files in '%.*s', where SQLite "
		    "keeps the -wal and -shm files even to read", s->path,
		    dirlen, dir);
	case SQLITE_READONLY_CANTINIT:
	case SQLITE_READONLY_RECOVERY:
	case SQLITE_READONLY_CANTLOCK:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may not write '%s-shm', which SQLite writes "
		    "even to read", s->path, s->path);
	default:
		break;
	}
	if (access(s->path, W_OK) != 0 && errno == EROFS)
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "it is on a read-only file system", s->path);
	if (access(s->path, W_OK) != 0 && errno == EACCES)
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "this user may read it but not write it", s->path);
	return itsm_error(ITSM_E_PERM, "cannot write database '%s': %s",
	    s->path, msg);
}

int
store_fail(itsm_store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db), code;
	const char *msg = sqlite3_errmsg(s->db);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return itsm_error(ITSM_E_BUSY, "database '%s' is busy: retry "
		    "later", s->path);
	case SQLITE_NOMEM:
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return itsm_error(ITSM_E_IO, "'%s' is not a valid itsm "
		    "database: %s", s->path, msg);
	case SQLITE_FULL:
		return itsm_error(ITSM_E_IO, "cannot write database '%s': "
		    "disk full", s->path);
	case SQLITE_READONLY:
		return readonly_fail(s, rc, msg);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return itsm_error(ITSM_E_PERM, "cannot write database '%s': "
		    "%s", s->path, msg);
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
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
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

int
store_cached(itsm_store *s, const char *sql, sqlite3_stmt **st)
{
	size_t i;
	int rc;

	for (i = 0; i < s->ncache; i++)
		if (strcmp(s->cache[i].sql, sql) == 0) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			*st = s->cache[i].st;
			return 0;
		}
	if ((rc = store_prepare(s, sql, st)) != 0)
		return rc;
	if (s->ncache == STORE_CACHE) {
		/* Full: the oldest goes. */
		sqlite3_finalize(s->cache[0].st);
		free(s->cache[0].sql);
		memmove(&s->cache[0], &s->cache[1],
		    (STORE_CACHE - 1) * sizeof(s->cache[0]));
		s->ncache--;
	}
	if ((s->cache[s->ncache].sql = strdup(sql)) == NULL) {
		sqlite3_finalize(*st);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	s->cache[s->ncache++].st = *st;
	return 0;
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
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, what);
	return 0;
}

int
itsm_store_path(const char *path, char **out)
{
	const char *env, *home;
	size_t n;

	*out = NULL;
	if (path == NULL && (env = getenv("ITSM_DB")) != NULL && *env != '\0')
		path = env;
	if (path != NULL) {
		if ((*out = strdup(path)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		return 0;
	}
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		n = strlen(env) + sizeof("/itsm/itsm.db");
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s/itsm/itsm.db", env);
	} else if ((home = getenv("HOME")) != NULL && *home != '\0') {
		n = strlen(home) + sizeof("/.local/share/itsm/itsm.db");
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s/.local/share/itsm/itsm.db", home);
	} else {
		return itsm_error(ITSM_E_IO, "no database: set ITSM_DB or HOME, "
		    "or give --db FILE");
	}
	if (*out == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

/* Whether errno says the place is not writable: exit 77, not 74. */
static int
not_writable(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* Creates the directories above the default database, mode 0700. */
static int
make_parents(const char *path)
{
	char *dir = strdup(path), *p;
	int rc = 0;

	if (dir == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
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

/*
 * Creates the file with the mode asked for before SQLite opens it (SQLite
 * gives the -wal and -shm files the same mode).  The mode is set whatever
 * the umask: a team's shared database must be writable by the group.
 */
static int
create_file(const char *path, int flags)
{
	mode_t mode = (flags & ITSM_STORE_SHARED) ? 0660 : 0600;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd >= 0) {
		if (fchmod(fd, mode) != 0) {
			int e = errno;

			close(fd);
			unlink(path);
			return itsm_error(not_writable(e) ? ITSM_E_PERM :
			    ITSM_E_IO, "cannot create database '%s': %s",
			    path, strerror(e));
		}
		close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return itsm_error(not_writable(errno) ? ITSM_E_PERM : ITSM_E_IO,
	    "cannot create database '%s': %s", path, strerror(errno));
}

/* The version opening migrates to; only tests lower it. */
static int store_target_version = ITSM_SCHEMA_VERSION;

void
store_test_set_version(int version)
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

static int
newer(itsm_store *s, int v)
{
	return itsm_error(ITSM_E_IO, "database '%s' has schema version %d, "
	    "newer than this itsm knows (%d): upgrade itsm", s->path, v,
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
		    "holds tables of another application", s->path);
	return 0;
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

	while ((rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL,
	    NULL, NULL)) != SQLITE_OK && (rc & 0xff) == SQLITE_BUSY &&
	    waited < s->busy_ms)
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
		return 0;
	if (v > ITSM_SCHEMA_VERSION)
		return newer(s, v);
	if (v == 0 && (rc = foreign(s)) != 0)
		return rc;
	if (v == 0 && (rc = set_wal(s)) != 0)
		return rc;
	if ((rc = itsm_store_begin(s)) != 0)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	if ((rc = user_version(s, &v)) != 0)
		goto fail;
	if (v > ITSM_SCHEMA_VERSION) {
		rc = newer(s, v);
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
	return itsm_store_commit(s);
fail:
	itsm_store_rollback(s);
	return rc;
}

int
itsm_store_open(itsm_store **out, const char *path, int flags)
{
	return itsm_store_open_wait(out, path, flags, BUSY_TIMEOUT_MS);
}

int
itsm_store_open_wait(itsm_store **out, const char *path, int flags,
    int busy_ms)
{
	const char *env = getenv("ITSM_DB");
	itsm_store *s;
	int rc, oflags;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	s->busy_ms = busy_ms > 0 ? busy_ms : BUSY_TIMEOUT_MS;
	if ((rc = itsm_store_path(path, &s->path)) != 0)
		goto fail;
	if (path == NULL && (env == NULL || *env == '\0') &&
	    !(flags & ITSM_STORE_READONLY) &&
	    (rc = make_parents(s->path)) != 0)
		goto fail;
	if (!(flags & ITSM_STORE_READONLY) &&
	    (rc = create_file(s->path, flags)) != 0)
		goto fail;
	/*
	 * itsm runs in one thread: SQLite needs no mutex and no count of its
	 * memory (each of its allocations took a mutex, 3% of an import).
	 * Refused, harmlessly, once SQLite is initialized.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	oflags = (flags & ITSM_STORE_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(s->path, &s->db, oflags | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		/* A file we may not read: permission denied (77), not 74. */
		if (access(s->path, R_OK) != 0 && not_writable(errno))
			rc = itsm_error(ITSM_E_PERM, "cannot open database "
			    "'%s': %s", s->path, strerror(errno));
		else
			rc = itsm_error(ITSM_E_IO, "cannot open database "
			    "'%s': %s", s->path, s->db ?
			    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_ms);
	if ((rc = exec(s, "PRAGMA foreign_keys = ON", "cannot open the "
	    "database")) != 0)
		goto fail;
	if (flags & ITSM_STORE_READONLY) {
		int v;

		if ((rc = user_version(s, &v)) != 0)
			goto fail;
		if (v > ITSM_SCHEMA_VERSION) {
			rc = newer(s, v);
			goto fail;
		}
		if (v < ITSM_SCHEMA_VERSION) {
			rc = itsm_error(ITSM_E_IO, "database '%s' needs a "
			    "migration: run a writing command first", s->path);
			goto fail;
		}
	} else if ((rc = migrate(s, store_target_version)) != 0) {
		goto fail;
	}
	s->commits = 0;		/* the migration is no command's change */
	*out = s;
	return 0;
fail:
	itsm_store_close(s);
	return rc;
}

void
itsm_store_close(itsm_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int
itsm_store_version(itsm_store *s)
{
	int v = -1;

	if (user_version(s, &v) != 0)
		return -1;
	return v;
}

int
itsm_store_begin(itsm_store *s)
{
	int rc;

	if (s->depth++ > 0)
		return 0;
	s->failed = 0;
	s->changes0 = sqlite3_total_changes(s->db);
	if ((rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction")) != 0)
		s->depth = 0;
	return rc;
}

int
itsm_store_commit(itsm_store *s)
{
	int rc;

	if (s->depth == 0)
		return itsm_error(ITSM_E_INTERNAL, "commit without a "
		    "transaction");
	if (--s->depth > 0)
		return 0;
	if (s->failed) {
		exec(s, "ROLLBACK", "cannot roll back");
		return itsm_error(ITSM_E_INTERNAL, "an inner step failed: "
		    "nothing was written");
	}
	if ((rc = exec(s, "COMMIT", "cannot commit")) != 0) {
		/*
		 * SQLite may have rolled back already (a full disk): the
		 * commit's error is the one to tell, not the rollback's.
		 */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	/* A transaction that changed no row (a dry run) is no change. */
	if (sqlite3_total_changes(s->db) != s->changes0)
		s->commits++;
	return 0;
}

int
itsm_store_committed(const itsm_store *s)
{
	return s != NULL && s->commits > 0;
}

void
itsm_store_rollback(itsm_store *s)
{
	if (s->depth == 0)
		return;
	if (--s->depth > 0) {
		s->failed = 1;
		return;
	}
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

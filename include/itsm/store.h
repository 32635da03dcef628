/*
 * The ticket store: a database behind an engine (lib/engine.h; SQLite,
 * one file in WAL mode, is the one today), its schema versioned and
 * migrated forward on open, a busy timeout, and one writing transaction
 * per writing command, writers one at a time.
 */
#ifndef ITSM_STORE_H
#define ITSM_STORE_H

#include <stdint.h>

typedef struct itsm_store itsm_store;

#define ITSM_SCHEMA_VERSION 9

enum itsm_store_flags {
	ITSM_STORE_READONLY = 1 << 0,	/* never create, never migrate */
	ITSM_STORE_SHARED = 1 << 1,	/* create the file for the group too (0660) */
	/*
	 * itsm db init: creates the schema (and on PostgreSQL the roles and
	 * permissions) in a database that has none; a database that has
	 * one is refused with ITSM_E_REFUSED, changing nothing.
	 */
	ITSM_STORE_INIT = 1 << 2,
	/*
	 * itsm db upgrade: migrates an older schema forward (on PostgreSQL
	 * its owner only, else ITSM_E_PERM, and re-applies the roles and
	 * permissions); a database without the schema is refused.
	 */
	ITSM_STORE_UPGRADE = 1 << 3,
	/*
	 * itsm db status: opens a database of no schema or an older one
	 * too, and never writes (PostgreSQL); SQLite opens as usual.
	 */
	ITSM_STORE_INSPECT = 1 << 4
};

/*
 * The database path: path when not NULL, else ITSM_DB when set (even
 * empty, which opening refuses), else
 * $XDG_DATA_HOME/itsm/itsm.db (~/.local/share/itsm/itsm.db).
 * *out is the caller's to free().
 */
int itsm_store_path(const char *path, char **out);

/*
 * The engine a database path names: "postgresql" for a PostgreSQL
 * connection URI (postgresql://..., postgres://...) or libpq keyword
 * string (a bare keyword, then '=': "service=itsm", "dbname=itsm
 * host=/run/postgresql"), "sqlite" for any other path (a file).
 */
const char *itsm_store_engine(const char *path);

/*
 * The files the database at path is kept in, as suffixes of path ("" for
 * path itself first), NULL-terminated: what an output must never
 * overwrite.  Empty for a database that is no file.
 */
const char *const *itsm_store_files(const char *path);

/*
 * Opens and migrates the database (SQLite; on PostgreSQL a plain open
 * never runs DDL: a database without the schema, or of an older one, is
 * refused with ITSM_E_IO and a line naming 'itsm db init' or 'itsm db
 * upgrade').  One that does not exist is not
 * created here: until then the store reads as empty, and the file (with
 * the default's directories, mode 0600 and 0700) is made when the first
 * transaction that records a ticket commits; one that rolls back leaves
 * nothing.  A path SQLite would not keep in a file (empty, ":memory:", a
 * "file:" URI, not a regular file), a schema this itsm cannot use and
 * one of a newer version are refused with ITSM_E_IO.
 */
int itsm_store_open(itsm_store **out, const char *path, int flags);

/*
 * itsm_store_open, waiting up to busy_ms milliseconds (not 10,000) for
 * another connection's lock before a command fails with ITSM_E_BUSY.
 */
int itsm_store_open_wait(itsm_store **out, const char *path, int flags,
    int busy_ms);
void itsm_store_close(itsm_store *s);

/* The schema version of the open database. */
int itsm_store_version(itsm_store *s);

/*
 * Who the database says the user is.  Roles are the PostgreSQL group
 * roles itsm_technician, itsm_manager and itsm_admin (each a member of
 * the one before), by membership direct or inherited; a superuser and
 * the database's owner are admins.  SQLite enforces no identity: its
 * user is NULL and its role ITSM_ROLE_ADMIN (whoever may write the file
 * may do everything).
 */
enum itsm_role {
	ITSM_ROLE_NONE, ITSM_ROLE_TECHNICIAN, ITSM_ROLE_MANAGER,
	ITSM_ROLE_ADMIN
};
struct itsm_who {
	char *user;		/* session_user; NULL: identities not enforced */
	enum itsm_role role;
	int64_t now;		/* the server's clock (s since the epoch); 0: none */
	char *server;		/* "PostgreSQL 15.4 ...", "SQLite 3.40.1" */
	char *database;		/* the database's name, or the file */
};

/* Fills *w (free it with itsm_who_free); 0 or an ITSM_E code. */
int itsm_store_whoami(itsm_store *s, struct itsm_who *w);
void itsm_who_free(struct itsm_who *w);
/* "technician", "manager", "admin", "none". */
const char *itsm_role_name(enum itsm_role role);

/*
 * A number that changes whenever another connection commits to the
 * database: cheap to ask, for watching.
 */
int64_t itsm_store_data_version(itsm_store *s);

/*
 * Waits up to ms milliseconds for another connection to commit: 1 when
 * the data version differs from *version (which then holds the new
 * one), 0 when the time ran out or a signal came, or an ITSM_E code (the
 * connection to a server lost).  PostgreSQL tells of a commit as it
 * happens (LISTEN/NOTIFY); a file is looked at every quarter second.
 */
int itsm_store_wait(itsm_store *s, int64_t *version, int ms);

/*
 * A writing transaction: begin (waiting for other writers), commit,
 * roll back; nested calls count, the outermost commits.
 */
int itsm_store_begin(itsm_store *s);
int itsm_store_commit(itsm_store *s);
void itsm_store_rollback(itsm_store *s);

/*
 * Whether a transaction that changed rows was committed since the store
 * was opened (its migration aside): the command changed the database.
 */
int itsm_store_committed(const itsm_store *s);

#endif

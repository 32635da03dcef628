/*
 * The SQLite engine's side of the store: the handle and the small
 * statement layer shared by the files of lib/sqlite/ (and their unit
 * tests).  The domain modules see engine.h and store_int.h only.  Not
 * part of the public API.
 */
#ifndef ITSM_STORE_SQLITE_H
#define ITSM_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdint.h>

#include "store_int.h"

#define SQ(s) ((struct sq_store *)(s))

#define STORE_CACHE 48

/* The SQLite engine's handle: an itsm_store first. */
struct sq_store {
	struct itsm_store base;
	sqlite3 *db;
	char *path;
	int depth;		/* transaction nesting */
	int failed;		/* an inner level failed: the outer rolls back */
	int busy_ms;		/* how long to wait for another's lock */
	int commits;		/* ... that changed rows, since the open */
	int changes0;		/* rows changed before the transaction */
	int flags;		/* ITSM_STORE_*, as opened */
	int is_default;		/* the default path: itsm makes its directories */
	int absent;		/* no file yet: db stands in for it (store.c) */
	int lockfd;		/* the directory locked to create it, or -1 */
	int cache_kib;		/* the page cache asked for (store_bulk), or 0 */
	int64_t mark;		/* where imported rows come from (port ops) */
	char *made[16];		/* directories made for the file, to undo */
	int nmade;
	struct {
		char *sql;
		sqlite3_stmt *st;
		int streaming;	/* held by an open store_rows: not reused */
	} cache[STORE_CACHE];	/* statements run again and again (imports) */
	size_t ncache;
};

/* Maps the database's last error to an ITSM_E code with a message. */
int store_fail(itsm_store *s, const char *what);

/* Prepares sql; ITSM_E code on failure. */
int store_prepare(itsm_store *s, const char *sql, sqlite3_stmt **st);

/* Binds text or NULL / an integer; a zero-length-safe wrapper. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_int(sqlite3_stmt *st, int i, int64_t v);

/* Steps a statement that returns no row; finalizes it. */
int store_exec_stmt(itsm_store *s, sqlite3_stmt *st, const char *what);

/*
 * A prepared statement kept for the life of the store, reset and with
 * its bindings cleared: never finalize it; run it with store_run().
 */
int store_cached(itsm_store *s, const char *sql, sqlite3_stmt **st);

/* Steps a cached statement that returns no row, and resets it. */
int store_run(itsm_store *s, sqlite3_stmt *st, const char *what);

/* The engine's ops, one set a file (sqlite_ticket.c, ...). */
extern const struct engine_tickets sq_tickets;
extern const struct engine_majors sq_majors;
extern const struct engine_stats sq_stats;
extern const struct engine_port sq_port;
extern const struct engine_outbox sq_outbox;
extern const struct engine_attachments sq_attachments;

/*
 * Appends to the SQL text in buf (len bytes) at *off; past the end,
 * *off stays at len: sq_too_long() then refuses the text rather than
 * run a query cut short.
 */
void sq_append(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sq_too_long(size_t off, size_t len);

/*
 * The rows of st as the engine interface streams them (cached: reset at
 * the end rather than finalized); st is theirs even on failure.
 */
int sq_rows(itsm_store *s, sqlite3_stmt *st, int cached, const char *what,
    struct store_rows **out);
/* Column i of st's row as a neutral value (its text is st's). */
void sq_value(sqlite3_stmt *st, int i, struct store_value *v);

#endif

/*
 * The PostgreSQL engine's side of the store: its handle and the small
 * statement layer the files of lib/pg/ share.  The domain modules see
 * engine.h and store_int.h only.  Not part of the public API.
 *
 * Every statement goes through pg_exec(): PQexecParams with its values
 * bound as parameters (text form), never pasted into the SQL.
 */
#ifndef ITSM_STORE_PG_H
#define ITSM_STORE_PG_H

#include <libpq-fe.h>
#include <stdint.h>

#include "store_int.h"

#define PG(s) ((struct pg_store *)(s))

/* The PostgreSQL engine's handle: an itsm_store first. */
struct pg_store {
	struct itsm_store base;
	PGconn *conn;
	char *name;		/* the database as messages name it */
	int depth;		/* transaction nesting */
	int failed;		/* an inner level failed: the outer rolls back */
	int changed;		/* the open transaction changed rows */
	int commits;		/* ... that changed rows, since the open */
	int flags;		/* ITSM_STORE_*, as opened */
	unsigned cursors;	/* cursors declared, to name the next */
	int listening;		/* LISTEN sent: wait() is told of commits */
};

/*
 * Runs sql with its n parameters (text, NULL for NULL).  0 and, when
 * res is not NULL, the result in *res (the caller's to PQclear); or an
 * ITSM_E code with a message (what failed first) and *res NULL.
 */
int pg_exec(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, PGresult **res);

/* Maps a failed result (or the connection's error) to an ITSM_E code. */
int pg_fail(itsm_store *s, const PGresult *res, const char *what);

/*
 * The rows of a SELECT as the engine interface streams them: inside a
 * transaction, through a cursor fetched in batches (it reads the
 * transaction's state when declared: rows written meanwhile on the same
 * connection do not come back twice); outside one, the whole result at
 * once (a reader that wants bounded memory opens a snapshot first).
 */
int pg_rows(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, struct store_rows **out);

/* The ops of each area, in its file (pg_ticket.c, pg_major.c). */
extern const struct engine_tickets pg_tickets;
extern const struct engine_majors pg_majors;

#endif

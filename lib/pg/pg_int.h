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

#include "pq.h"
#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

#define PG(s) ((struct pg_store *)(s))

/* A statement prepared on the connection (pg.c). */
#define PG_STMTS 256
struct pg_stmt {
	uint64_t hash;
	char *sql;		/* NULL: a free slot */
	char name[24];		/* "itsm_N"; "": seen once, not prepared */
};

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
	struct pg_bulk *bulk;	/* bulk mode's held rows (pg_port.c), or NULL */
	int64_t mark;		/* where imported rows come from */
	int64_t refused;	/* ... the latest row refused */
	int listening;		/* LISTEN sent: wait() is told of commits */
	int settled;		/* opened: statements may be prepared */
	unsigned nstmts;	/* statements seen (slots taken) */
	struct pg_stmt stmts[PG_STMTS];	/* by hash, open addressing */
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
 * once (a reader that wants bounded memory opens a snapshot first, or
 * calls pg_rows_stream).
 */
int pg_rows(itsm_store *s, const char *sql, int n, const char *const *params,
    const char *what, struct store_rows **out);

/*
 * pg_rows, and outside a transaction too through a cursor fetched in
 * batches: one WITH HOLD, which the server fills as of its declaration
 * (one snapshot) and keeps until the rows are freed.  Memory stays
 * bounded however many rows come (list --all, export: 1M tickets), for
 * two more round trips.
 */
int pg_rows_stream(itsm_store *s, const char *sql, int n,
    const char *const *params, const char *what, struct store_rows **out);

/*
 * The roles, grants and permission triggers (pg_roles.c), in the
 * caller's transaction: itsm db init and upgrade run it.
 */
int pg_permissions(itsm_store *s);
/* Who the connection is: the core op whoami (engine.h). */
int pg_whoami(itsm_store *s, struct itsm_who *w);
/*
 * Whether session_user may run DDL on the schema (a member of the role
 * owning it, or a superuser); *owner that role's name, to free().
 */
int pg_is_owner(itsm_store *s, int *yes, char **owner);

/*
 * The id of a new row of table (tickets, events, major_findings): the
 * largest + 1, read backward on the key's index.  Writers hold the
 * advisory lock (begin()), so no other transaction takes it meanwhile;
 * a transaction that rolls back leaves no gap, as on SQLite.
 */
#define PG_NEXT_ID(table) "(SELECT coalesce(max(id), 0) + 1 FROM " table ")"

/*
 * Bulk mode's held rows (pg_port.c): whether some are held (and not
 * being sent); sends them (ITSM_E_INVALID with why when one is
 * refused); drops them (a rollback); frees them (the close).
 */
int pg_port_held(const itsm_store *s);
int pg_port_flush(itsm_store *s, char *why, size_t len);
void pg_port_drop(itsm_store *s);
void pg_port_free(itsm_store *s);

/*
 * Rows the engine makes itself, not read from the server (the sorter's,
 * pg_stats.c): next() puts the next row's n values into v and returns
 * 1, 0 at the end, or an ITSM_E code; arg is next()'s, and outlives the
 * rows (freeing them does not free it).
 */
int pg_rows_made(itsm_store *s, size_t n,
    int (*next)(void *arg, struct store_value *v), void *arg,
    struct store_rows **out);

/* The ops of each area, in its file (pg_ticket.c, pg_major.c, ...). */
extern const struct engine_tickets pg_tickets;
extern const struct engine_majors pg_majors;
extern const struct engine_stats pg_stats;
extern const struct engine_port pg_port;
extern const struct engine_outbox pg_outbox;
extern const struct engine_attachments pg_attachments;

#endif

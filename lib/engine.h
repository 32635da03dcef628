/*
 * The store's engine interface: what libitsm asks of a database, in
 * neutral C types.  No SQL and no engine type appears here; an engine
 * (lib/sqlite/ is the one today) implements struct store_engine, and its
 * handle begins with struct itsm_store.  Memory an engine hands across
 * is the caller's to free() unless a comment says otherwise.
 *
 * The domain modules call the store_*() wrappers below (and those of
 * store_int.h), never an engine's functions.  An engine stores, selects
 * by bounds the domain has computed, and streams rows; the rules (what
 * is breached, stagnant, due) are the domain's.
 *
 * Not part of the public API.
 */
#ifndef ITSM_ENGINE_H
#define ITSM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/store.h"

/* Raised when a member is added to or changed in an ops struct. */
#define STORE_ENGINE_VERSION 1

/*
 * A value of a row: NULL, an integer (true and false are 1 and 0), a
 * real, or a text of len bytes, NUL-terminated.  A row's texts belong
 * to the engine and last until the next row, or the end of the rows.
 */
enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };
struct store_value {
	enum store_type type;
	int64_t i;
	double r;
	const char *s;
	size_t len;
};

/* A stream of rows an engine returns, read with store_rows_next(). */
struct store_rows;

struct store_engine;

/* The start of every engine's handle. */
struct itsm_store {
	const struct store_engine *engine;
};

/*
 * Opening, transactions, settings and rows: what every engine has.
 */
struct engine_core {
	/*
	 * Opens (and migrates) the database at path, as itsm_store_open()
	 * says; busy_ms > 0.
	 */
	int (*open)(itsm_store **out, const char *path, int flags,
	    int busy_ms);
	void (*close)(itsm_store *s);
	/* The schema version of the open database, or -1. */
	int (*version)(itsm_store *s);
	/*
	 * A counter that changes when another connection commits (-1 when
	 * it cannot tell): a long reader asks whether to read again.
	 */
	int64_t (*data_version)(itsm_store *s);

	/* Writing transactions: nested calls count; see itsm_store_begin(). */
	int (*begin)(itsm_store *s);
	int (*commit)(itsm_store *s);
	void (*rollback)(itsm_store *s);
	int (*committed)(const itsm_store *s);
	/* A read snapshot unless a transaction is open: see store_int.h. */
	int (*snapshot_begin)(itsm_store *s, int *began);
	void (*snapshot_end)(itsm_store *s, int began);

	/* A setting (NULL when unset); *out is the caller's to free(). */
	int (*meta_get)(itsm_store *s, const char *key, char **out);
	int (*meta_set)(itsm_store *s, const char *key, const char *value);

	/*
	 * The next row of r into *row (n values): 1, 0 at the end, or an
	 * ITSM_E code.  rows_free() ends them (NULL is nothing).
	 */
	int (*rows_next)(struct store_rows *r, const struct store_value **row,
	    size_t *n);
	void (*rows_free)(struct store_rows *r);

	/* Tests of the migrations: the next opens migrate only so far. */
	void (*test_set_version)(int version);
};

/*
 * Tickets and their events (lib/ticket*.c).
 */
struct store_set;
struct store_event;
struct store_status;
struct store_clock;
struct store_query;
struct engine_tickets {
	/*
	 * A new ticket with the fields of set (keys of store_int.h):
	 * *id is its id.  update() sets fields of ticket id
	 * (ITSM_E_NOTFOUND when there is none).
	 */
	int (*insert)(itsm_store *s, const struct store_set *set, size_t n,
	    int64_t *id);
	int (*update)(itsm_store *s, int64_t id, const struct store_set *set,
	    size_t n);
	/* Appends an event to ticket's history (events are never changed). */
	int (*event_add)(itsm_store *s, int64_t ticket,
	    const struct store_event *e);
	/* Whether a ticket has value, any case, as key (group, priority). */
	int (*has)(itsm_store *s, int key, const char *value);
	/* The newest event's id, 0 when none (nor on error). */
	int64_t (*last_event_id)(itsm_store *s);
	/* See store_latest_event() in store_int.h. */
	int (*latest_event)(itsm_store *s, int64_t ticket,
	    const char *const *also, int64_t *at, char *kind, size_t len);
	/* A ticket's status changes, oldest first: *out to free(). */
	int (*status_history)(itsm_store *s, int64_t id,
	    struct store_status **out, size_t *n);
	/* Each open prioritized ticket's clock to fn: store_open_clocks(). */
	int (*open_clocks)(itsm_store *s,
	    int (*fn)(void *arg, const struct store_clock *k), void *arg);
	/* One ticket's row: store_ticket_read(). */
	int (*read)(itsm_store *s, int64_t id, struct store_rows **out);
	/*
	 * The tickets a query selects, streamed: store_ticket_select().
	 * struct store_query (store_int.h) says exactly which and in what
	 * order; in short, a ticket is selected when it passes every
	 * condition set: its scope (open: new, in_progress, on_hold;
	 * workable: new, in_progress; all; a list of statuses; resolved
	 * with resolved_at <= resolved_by); type and assignee equal;
	 * priority and group equal in any case; assignee NULL or equal;
	 * stagnant: workable and updated_at < the cut of its priority
	 * (cut_at[i] where cut_name[i] equals it, bytewise, else
	 * cut_other); breached: workable and (responded_at NULL and
	 * response_due < overdue_before, or resolved_at NULL and
	 * resolution_due < overdue_before); not escalated: the escalation
	 * time NULL or <= updated_at.  A NULL value passes no comparison.
	 * Each row holds the keys of want in key order; at most limit
	 * rows.  Index hints are the engine's own business.
	 */
	int (*select)(itsm_store *s, const struct store_query *q,
	    struct store_rows **out);
	/* A ticket's events after an id: store_ticket_events(). */
	int (*events)(itsm_store *s, int64_t id, int64_t after,
	    struct store_rows **out);
	/* A part of a major's dossier, for export: store_crisis_rows(). */
	int (*crisis_rows)(itsm_store *s, int64_t id, int part,
	    struct store_rows **out);
	/* A ticket by its external reference: store_ticket_find_ext(). */
	int (*find_ext)(itsm_store *s, const char *ext, int64_t *id);
};

/*
 * Major incidents (lib/major.c).
 */
struct engine_majors {
	int reserved;
};

/*
 * Statistics (lib/stats.c).
 */
struct engine_stats {
	int reserved;
};

/*
 * Imports and SLA clocks (lib/import*.c, lib/sla.c).
 */
struct engine_port {
	int reserved;
};

/* An engine: one of these, constant, per kind of database. */
struct store_engine {
	int version;			/* STORE_ENGINE_VERSION */
	const char *name;		/* "sqlite" */
	const struct engine_core *core;
	const struct engine_tickets *tickets;
	const struct engine_majors *majors;
	const struct engine_stats *stats;
	const struct engine_port *port;
};

/* The engines built in. */
extern const struct store_engine itsm_engine_sqlite;

static inline int
store_rows_next(itsm_store *s, struct store_rows *r,
    const struct store_value **row, size_t *n)
{
	return s->engine->core->rows_next(r, row, n);
}

static inline void
store_rows_free(itsm_store *s, struct store_rows *r)
{
	s->engine->core->rows_free(r);
}

#endif

/*
 * What the domain modules ask of the store inside libitsm, in neutral C
 * types: no engine type and no SQL here (the SQLite engine's own handle
 * and statement layer are in lib/sqlite/sqlite_int.h).
 * Not part of the public API.
 */
#ifndef ITSM_STORE_INT_H
#define ITSM_STORE_INT_H

#include <stdint.h>

#include "itsm/store.h"
#include "engine.h"

/*
 * For tests of the migrations: the next opens migrate only up to version
 * (0 or out of range: the current schema).
 */
static inline void
store_test_set_version(int version)
{
	itsm_engine_sqlite.core->test_set_version(version);
}

/*
 * Reads that must agree (a ticket and its events) from one snapshot: a
 * read transaction, unless one is open already (*began then 0).
 * store_snapshot_end(s, began) ends it.
 */
static inline int
store_snapshot_begin(itsm_store *s, int *began)
{
	return s->engine->core->snapshot_begin(s, began);
}

static inline void
store_snapshot_end(itsm_store *s, int began)
{
	s->engine->core->snapshot_end(s, began);
}

/* One column to set on a ticket: text, integer or NULL. */
struct store_set {
	const char *col;	/* a column name from the code, never from input */
	const char *text;	/* used when is_int == 0; NULL sets NULL */
	int64_t num;
	int is_int;
};

/* One event: who, when, what, old -> new, message. */
struct store_event {
	int64_t at, recorded_at;
	const char *actor, *login, *kind, *field, *old, *new_, *message;
};

/* Inserts a ticket row with the given columns; *id is the new id. */
int store_ticket_insert(itsm_store *s, const struct store_set *set, size_t n,
    int64_t *id);

/* Updates columns of a ticket; ITSM_E_NOTFOUND when there is none. */
int store_ticket_update(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n);

/* Appends an event to a ticket's history. */
int store_event_add(itsm_store *s, int64_t ticket, const struct store_event *e);

/* A setting of the store (NULL when unset); *out is the caller's to free(). */
static inline int
store_meta_get(itsm_store *s, const char *key, char **out)
{
	return s->engine->core->meta_get(s, key, out);
}

static inline int
store_meta_set(itsm_store *s, const char *key, const char *value)
{
	return s->engine->core->meta_set(s, key, value);
}

/*
 * Whether some ticket has value (any case) in column col, "group_name" or
 * "priority": 1 or 0, or < 0.
 */
int store_ticket_has(itsm_store *s, const char *col, const char *value);

/* The id of the newest event (0 when there is none). */
int64_t store_last_event_id(itsm_store *s);

/*
 * The latest event of a ticket, by its stated time, that changed its
 * status or one of the fields also names (NULL-terminated, at most
 * STORE_ALSO, or NULL).  Of those at that time, the last recorded, but an
 * action before what followed from it (the start of work a note brings,
 * the end of a major its resolution).  *at and its kind in kind (len
 * bytes); *at is 0 and kind "" when there is none.
 */
#define STORE_ALSO 4
int store_latest_event(itsm_store *s, int64_t ticket,
    const char *const *also, int64_t *at, char *kind, size_t len);

/* One change of status in a ticket's history. */
struct store_status {
	int64_t at;
	int running;		/* the SLA clocks run in the new status */
};

/*
 * The status changes of a ticket, oldest first; *out is the caller's to
 * free().
 */
int store_status_history(itsm_store *s, int64_t id, struct store_status **out,
    size_t *n);

/* What the SLA clocks of an open ticket are computed from. */
struct store_clock {
	int64_t id;
	const char *priority;
	int64_t opened;
	int64_t resolved;		/* 0: not resolved */
	int has_dues;			/* both due times stored, integers */
	int64_t response_due, resolution_due;
	const struct store_status *ch;	/* the status changes, oldest first */
	size_t n;
};

typedef int (*store_clock_fn)(void *arg, const struct store_clock *k);

/*
 * Hands fn the clock of every open (new, in_progress, on_hold)
 * prioritized ticket, in one read of the tickets and their status
 * changes; fn may update the ticket it is given.  Stops at fn's first
 * error and returns it.
 */
int store_open_clocks(itsm_store *s, store_clock_fn fn, void *arg);

#endif

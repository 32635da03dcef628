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
#include "itsm/ticket.h"
#include "engine.h"
#include "ticket_fields.h"

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

/*
 * The stored fields of a ticket, the neutral keys the domain writes and
 * selects by (no column name outside the engine): the fields of enum
 * itsm_field (ITSM_F_REF is not stored: computed from the id and the
 * type), then the ones a user does not see in a ticket's object, from
 * the table of lib/ticket_fields.h: the reference in another system,
 * the priority's place, when last escalated for stagnation and for a
 * breach, 1 when closed by the auto-close sweep, why it is on hold, and
 * (read only) 1 when a major's dossier exists for the ticket.
 */
#define SK_ENUM_(key, name, kind, flags) key,
enum store_field {
	SK_FIRST_ = ITSM_NFIELDS - 1,	/* the next is ITSM_NFIELDS */
	TK_STORE_FIELDS(SK_ENUM_)
	SK_NKEYS
};
#undef SK_ENUM_
#define SK_BIT(k) (UINT64_C(1) << (k))
_Static_assert(SK_NKEYS < 64, "a key mask is 64 bits");

/*
 * One stored field to set on a ticket: text, integer or NULL.  key is
 * an enum itsm_field or enum store_field (not the id, the ref or
 * SK_CRISIS).
 */
struct store_set {
	const char *text;	/* used when is_int == 0; NULL sets NULL */
	int64_t num;
	int is_int;
	int key;
};

/* One event: who, when, what, old -> new, message. */
struct store_event {
	int64_t at, recorded_at;
	const char *actor, *login, *kind, *field, *old, *new_, *message;
};

/*
 * Inserts a ticket row with the given fields; *id is the new id.
 * STORE_EXISTS (> 0) when a ticket with the same id or ext_ref exists.
 */
static inline int
store_ticket_insert(itsm_store *s, const struct store_set *set, size_t n,
    int64_t *id)
{
	return s->engine->tickets->insert(s, set, n, id);
}

/* Updates fields of a ticket; ITSM_E_NOTFOUND when there is none. */
static inline int
store_ticket_update(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n)
{
	return s->engine->tickets->update(s, id, set, n);
}

/* Appends an event to a ticket's history. */
static inline int
store_event_add(itsm_store *s, int64_t ticket, const struct store_event *e)
{
	return s->engine->tickets->event_add(s, ticket, e);
}

/*
 * Appends n events to a ticket's history, in order, numbered as n
 * store_event_add() would (an engine may send them at once).
 */
static inline int
store_events_add(itsm_store *s, int64_t ticket, const struct store_event *e,
    size_t n)
{
	return s->engine->tickets->events_add(s, ticket, e, n);
}

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
 * Whether some ticket has value (any case) as its group (ITSM_F_GROUP)
 * or priority (ITSM_F_PRIORITY): 1 or 0, or < 0.
 */
static inline int
store_ticket_has(itsm_store *s, enum itsm_field key, const char *value)
{
	return s->engine->tickets->has(s, (int)key, value);
}

/* The id of the newest event (0 when there is none). */
static inline int64_t
store_last_event_id(itsm_store *s)
{
	return s->engine->tickets->last_event_id(s);
}

/*
 * The events of a ticket at the latest stated time among those that
 * changed its status or one of the fields also names (NULL-terminated,
 * at most STORE_ALSO, or NULL), last recorded first: at, kind.  No row
 * when there is none.
 */
#define STORE_ALSO 4
static inline int
store_latest_events(itsm_store *s, int64_t ticket,
    const char *const *also, struct store_rows **out)
{
	return s->engine->tickets->latest_events(s, ticket, also, out);
}

/*
 * The status changes of ticket id, oldest first (by time, then as
 * recorded): at, and the new status (text, or NULL).
 */
static inline int
store_status_history(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->tickets->status_history(s, id, out);
}

/*
 * The open (new, in_progress, on_hold) prioritized tickets in queue
 * order (STORE_BY_QUEUE), each with its status changes as
 * store_status_history() gives them, one row per change (or one row
 * with NULL for both when it has none): id, priority, opened_at,
 * resolved_at, response_due, resolution_due, at, new status,
 * responded_at, status, group, service (which calendar the clocks count
 * in).  The caller may update the ticket of the rows it reads.
 */
static inline int
store_open_clocks(itsm_store *s, struct store_rows **out)
{
	return s->engine->tickets->open_clocks(s, out);
}

/*
 * Which tickets a read selects, in neutral terms: the domain computes
 * every bound from the filter and the policy (lib/ticket_read.c), an
 * engine selects exactly the tickets that pass every condition set and
 * streams the fields asked for.  "Open" is new, in_progress or on_hold;
 * "workable" is new or in_progress.  A NULL stored value never passes a
 * comparison.
 */
enum store_scope {
	STORE_OPEN,		/* the open tickets */
	STORE_WORKABLE,		/* the workable tickets */
	STORE_ALL,		/* every ticket */
	STORE_STATUSES,		/* the status is one of statuses (exact) */
	STORE_RESOLVED_BY	/* resolved, and resolved_at <= resolved_by */
};
enum store_order {
	STORE_BY_QUEUE,		/* major first (1 before 0 and NULL), then
				   priority_rank (NULL as 1000000), then
				   opened_at, then id; all ascending */
	STORE_BY_ID,		/* id ascending */
	STORE_BY_RESOLVED	/* resolved_at, then id, ascending */
};
struct store_query {
	enum store_scope scope;
	const char *const *statuses;	/* STORE_STATUSES: NULL-terminated */
	const char *type;		/* equal (exact), or NULL */
	const char *priority;		/* equal in any case (ASCII), or NULL */
	const char *group;		/* equal in any case (ASCII), or NULL */
	const char *assignee;		/* equal (exact), or NULL */
	const char *assignee_or_none;	/* NULL assignee or equal, or NULL */
	/* Equal in any case (ASCII), or NULL. */
	const char *caller, *affected, *service, *category;
	/* In summary or description, in any case (ASCII), or NULL. */
	const char *text;
	/* opened_at >= since, opened_at < until, when has_ set. */
	int has_since, has_until;
	int64_t since, until;
	/*
	 * Stagnant: the ticket is workable and updated_at < its cut: the
	 * cut of the name in cut_name equal to its priority (exact, bytes;
	 * the names are distinct), cut_other when the priority is NULL or
	 * none of them.  The rule is tk_stagnant(); the engine may use
	 * the cuts to narrow its search (an index on priority,
	 * updated_at), never to select otherwise.  The cuts are computed
	 * in the calendar the policy's stagnation rule gives each
	 * priority; where groups or services name other calendars, the
	 * calendar varies within a priority and a priority's cut is the
	 * latest of them: the engine selects a superset, still one range
	 * per priority of the index, and the domain keeps the tickets
	 * tk_stagnant() keeps with each one's group and service
	 * (tk_cuts.varies).  The same holds for resolved_by and the
	 * auto-close delay (tk_auto_close_ids()).
	 */
	int stagnant;
	size_t ncut;			/* at most STORE_MAX_CUTS */
	const char *const *cut_name;
	const int64_t *cut_at;
	int64_t cut_other;
	/*
	 * Breached: the ticket is workable and (responded_at is NULL and
	 * response_due < overdue_before, or resolved_at is NULL and
	 * resolution_due < overdue_before).  The rule is tk_breached().
	 */
	int breached;
	int64_t overdue_before;
	/*
	 * Not escalated since the last activity: stagnant_escalated_at
	 * (STORE_ESC_STAGNANT) or breach_escalated_at (STORE_ESC_BREACH)
	 * is NULL or <= updated_at.
	 */
	enum { STORE_ESC_ANY, STORE_ESC_STAGNANT, STORE_ESC_BREACH } esc;
	int64_t resolved_by;		/* STORE_RESOLVED_BY */
	/*
	 * The fields of each row, SK_BIT of each enum itsm_field (but
	 * ITSM_F_REF) or enum store_field: one value each, in the order of
	 * their keys.  0 is every field of enum itsm_field but ITSM_F_REF.
	 */
	uint64_t want;
	int64_t limit;			/* 0: no limit */
	enum store_order order;
	const char *what;		/* what failed, for the message: "cannot
					   list tickets" */
};
#define STORE_MAX_CUTS 64

/* The tickets q selects, its fields in key order, in q's order. */
static inline int
store_ticket_select(itsm_store *s, const struct store_query *q,
    struct store_rows **out)
{
	return s->engine->tickets->select(s, q, out);
}

/*
 * Ticket id, every field of enum itsm_field but ITSM_F_REF, in key
 * order: one row, or none when there is no such ticket.
 */
static inline int
store_ticket_read(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->tickets->read(s, id, out);
}

/*
 * The events of ticket id after event id after, oldest (lowest id)
 * first: at, recorded_at, actor, login, kind, field, old, new,
 * message, id (enum itsm_event_field's order).
 */
static inline int
store_ticket_events(itsm_store *s, int64_t id, int64_t after,
    struct store_rows **out)
{
	return s->engine->tickets->events(s, id, after, out);
}

/*
 * The events of the tickets store_ticket_select() gives for q (its
 * filter and limit; its want unread), in one stream: the columns of
 * store_ticket_events(), then the ticket's id; by ticket, then event id.
 * Export reads it beside the tickets' walk, rather than a query a
 * ticket.
 */
static inline int
store_events_of(itsm_store *s, const struct store_query *q,
    struct store_rows **out)
{
	return s->engine->tickets->events_of(s, q, out);
}

/*
 * The id of the ticket whose ext_ref is ext in any case (ASCII): 0 and
 * *id, 1 when there is none, or < 0.
 */
static inline int
store_ticket_find_ext(itsm_store *s, const char *ext, int64_t *id)
{
	return s->engine->tickets->find_ext(s, ext, id);
}

#endif

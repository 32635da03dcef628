/*
 * The context and what the ticket modules share (ticket.c, work.c,
 * ticket_read.c, ticket_json.c, hooks.c, sla.c).  No engine type here:
 * the store is reached through store_int.h.  Not part of the public API.
 */
#ifndef ITSM_TICKET_INT_H
#define ITSM_TICKET_INT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "itsm/store.h"
#include "itsm/ticket.h"
#include "itsm/workflow.h"
#include "ticket_fields.h"

#define MAX_NAME	256		/* caller, affected, service, ... */
#define MAX_SUMMARY	1024
#define MAX_TEXT	(64 * 1024)	/* description, messages */

struct itsm_ctx {
	itsm_store *store;
	const itsm_policy *policy;
	const itsm_tz *zone;	/* where messages show times; NULL: UTC */
	int64_t now;
	char *actor;		/* shown in history */
	char *login;		/* always the login name (the store's user) */
	enum itsm_role role;	/* what the store lets it do */
	int enforced;		/* the store knows who it is (PostgreSQL) */
	int hooks;		/* run the user's own hooks (default) */
	int64_t *hookq;		/* hook rows queued, to run after the commit */
	size_t nhookq;
	int64_t *outbox;	/* rows queued, to deliver after the commit */
	size_t noutbox;
};

/*
 * Runs argv[0] (an absolute path) with argv, the NAME=VALUE settings of
 * env (NULL-terminated, or NULL) added to its environment, input on its
 * standard input, its output on standard error, in a process group of
 * its own killed at the deadline.  Its exit status, or -1 with *why set
 * when it could not run, timed out or was killed.
 */
int tk_run(char *const *argv, char *const *env, const char *input,
    int64_t timeout_s, const char **why);

/*
 * A note by the caller (a mail's reply): unlike itsm_ticket_note, no
 * response, no start of the work, no activity for the stagnation rule.
 */
int tk_caller_note(itsm_ctx *c, int64_t id, const char *text);

/* Remembers outbox row id, queued now, for itsm_outbox_flush(). */
int tk_outbox_add(itsm_ctx *c, int64_t id);

/*
 * Delivers the n outbox rows ids queued by this process (mail or hook),
 * each claimed first; failures reported as itsm_outbox_flush() says.
 * Returns the number of failures.
 */
int tk_outbox_deliver(itsm_ctx *c, const int64_t *ids, size_t n,
    void (*report)(void *, const char *), void *arg);

/*
 * Runs the hook of a claimed outbox row: the file its recipients name,
 * its payload on standard input, ITSM_EVENT its name and ITSM_REF its
 * ticket's reference.  0 when it ran and exited 0; else -1 with why (the
 * outbox's last_error, len bytes), msg (the line that reports it, mlen
 * bytes, without the word on what comes next), *final when no attempt
 * can do better (the file is gone or no longer executable) and *once
 * when msg names no ticket (a hook refused by the trust rules: reported
 * once per run).
 */
struct store_outbox_row;
int tk_hook_deliver(itsm_ctx *c, const struct store_outbox_row *r,
    char *why, size_t len, char *msg, size_t mlen, int *final, int *once);

/* Shared by the ticket operations (ticket.c, work.c). */
/*
 * A ticket written to a file and read back whole (a sweep keeps what it
 * reports on disk until its commit).
 */
int tk_ticket_freeze(FILE *f, const itsm_ticket *t);
int tk_ticket_thaw(FILE *f, itsm_ticket **out);

struct json_buf;
/*
 * The JSON ticket object from t's fields (lib/ticket_json.c), with
 * "events" when events (a JSON array) is not NULL: written into b, or
 * the caller's to free() (NULL when memory ran out).
 */
void tk_ticket_json_write(struct json_buf *b, const itsm_ticket *t,
    const char *events);
char *tk_ticket_json(const itsm_ticket *t, const char *events);
/* Replaces t's JSON object by json, which t then owns. */
void tk_ticket_set_json(itsm_ticket *t, char *json);
/* The events of ticket id after event id after, oldest first. */
int tk_events_after(itsm_ctx *c, int64_t id, int64_t after,
    itsm_event_iter **out);
/*
 * An event as its JSON object: at, [recorded_at,] actor, [login,] kind,
 * field, from, to, message, the optional ones as members says.
 */
#define TK_EV_RECORDED_AT	1
#define TK_EV_LOGIN		2
void tk_event_json_write(struct json_buf *b, const itsm_event *e,
    int members);
/* The events of ticket id after event id after as a JSON array: 0 or < 0. */
int tk_events_json_write(itsm_ctx *c, int64_t id, int64_t after,
    int members, struct json_buf *b);
/* The events it gives as a JSON array (it is the caller's): 0 or < 0. */
int tk_events_json_iter(itsm_event_iter *it, int members,
    struct json_buf *b);
/*
 * The JSON a hook reads: the event (name, ref, reason, message, managers
 * as JSON text, and the changes recorded after event id since) and the
 * ticket t.  *out is the caller's to free().
 */
int tk_hook_payload(itsm_ctx *c, const itsm_ticket *t, const char *name,
    int64_t since, const char *reason, const char *message,
    const char *managers, char **out);

/* What export writes of a ticket beyond its object and events. */
/* A value of a field export writes in the line's "store" object. */
struct tk_value {
	const char *str;	/* a text (numbers as text), NULL: null */
	int64_t num;		/* a number, a time, a boolean */
	int null;
	char buf[24];
};
struct tk_export {
	/* The TKF_STORE fields, at key - ITSM_NFIELDS. */
	struct tk_value store[TK_NSTORE_FIELDS];
	int crisis;		/* a major incident's dossier follows */
	/* The ticket's events, oldest first: tk_events_json_iter(). */
	itsm_event_iter *events;
};
/* The parts of a major incident's dossier, their columns in export's order. */
enum tk_crisis_part {
	TK_CRISIS_MAJOR,	/* state, proposed_at, proposal, declared_at,
				   declared_by, ended_at, bridge, root_cause */
	TK_CRISIS_ROSTER,	/* name, role, since; by name */
	TK_CRISIS_FINDINGS,	/* kind, text, at; in order */
	TK_CRISIS_ACTIONS,	/* n, text, owner, due, done_at; by n */
	TK_CRISIS_NPARTS
};
/*
 * Calls row for each row of that part of ticket id's dossier (its values
 * as the store has them).
 */
struct store_value;
int tk_crisis_rows(itsm_ctx *c, int64_t id, enum tk_crisis_part part,
    int (*row)(void *arg, const struct store_value *v, int n), void *arg);
/*
 * Calls row for each ticket export selects, in id order (the store's
 * part of itsm_export); a row's nonzero return stops and is returned.
 */
int tk_export_each(itsm_ctx *c, const struct itsm_filter *f,
    int (*row)(void *arg, const itsm_ticket *t, const struct tk_export *x),
    void *arg);

/*
 * A real as a database's text of it ("2.0", "1.0e+20", "Inf"): a value
 * read as a text.  len >= 24.
 */
void tk_format_real(double r, char *buf, size_t len);

int tk_check_text(const char *what, const char *s, size_t max);
/* The length of the valid UTF-8 at the start of s: len when it all is. */
size_t tk_utf8_valid(const char *s, size_t len);

int tk_opt_text(const char *what, const char *s, size_t max);
/*
 * The time of an action on t (NULL: a new ticket): at (0: now), never in
 * the future nor before the latest event of t that the action depends on
 * (a change of status, or of a field that also names: see
 * tk_action_fields); a clock behind that event (no at) records at its
 * time.  ITSM_E_INVALID names the event.
 */
int tk_action_time(itsm_ctx *c, int64_t at, const itsm_ticket *t,
    const char *const *also, int64_t *out);
/*
 * The same rule for at, a time already checked against another ticket (a
 * major's, for its children): stated, refused before t's history; not
 * stated, moved up to it.
 */
int tk_time_after(itsm_ctx *c, const itsm_ticket *t, const char *const *also,
    int stated, int64_t at, int64_t *out);
/* The fields beside the status that an action depends on, or NULL. */
const char *const *tk_action_fields(enum itsm_action act);
int tk_event(itsm_ctx *c, int64_t id, int64_t at, const char *kind,
    const char *field, const char *old, const char *new_, const char *msg);
int tk_same(const char *a, const char *b);
/*
 * Sets stored field key (enum itsm_field or store_field) to val (always,
 * or only when it differs) in set[*n] and records an event of kind when
 * the value changes.
 */
struct store_set;
int tk_change(itsm_ctx *c, const itsm_ticket *t, int64_t at, const char *kind,
    const char *msg, struct store_set *set, size_t *n, int always,
    int key, const char *val);
/* The name of a stored field in history and export ("group", "hold_reason"). */
const char *tk_key_name(int key);
/*
 * The one rule for the values of a filter (list, next, export): a group
 * or a priority matches in any case, and must be one the policy names or
 * one some ticket has (imported data); else ITSM_E_INVALID.
 */
int tk_filter_check(itsm_ctx *c, const struct itsm_filter *f);
int tk_begin_action(itsm_ctx *c, int64_t id, enum itsm_action act,
    itsm_ticket **t);
int tk_end_action(itsm_ctx *c, itsm_ticket *t, int rc);
/*
 * ITSM_E_PERM, naming role, unless c's role is at least role: what
 * ("cancelling INC-3") needs it.  Always 0 on a store without identities.
 */
int tk_need_role(const itsm_ctx *c, enum itsm_role role, const char *what);
/* "itsm_manager", ... ("of no itsm role"). */
const char *tk_role_title(enum itsm_role role);

/* Recomputes and stores a ticket's due times (inside a transaction). */
int tk_refresh_sla(itsm_ctx *c, int64_t id);
/*
 * A ticket not stored yet (an import's), as tk_sla_dues() reads it: its
 * priority, status, opening and resolution (0: none), and its status
 * changes (the events whose field is status: their times and new
 * values), n of them in the order they will be recorded.
 */
struct tk_sla_ticket {
	const char *priority, *status;
	const char *group, *service;	/* which calendar counts; NULL: none */
	int64_t opened, resolved, responded;	/* 0: none */
	const int64_t *at;
	const char *const *to;
	size_t n;
};
/*
 * The due times tk_refresh_sla() would store once t and its events are:
 * 1 and both set, 0 when it stores none (no priority of the policy), or
 * < 0.  Saves an import reading back what it wrote.
 */
int tk_sla_dues(itsm_ctx *c, const struct tk_sla_ticket *t,
    int64_t *response_due, int64_t *resolution_due);
/*
 * The same for every open prioritized ticket, in one walk: only the due
 * times that change are written.
 */
int tk_refresh_open_slas(itsm_ctx *c);

/*
 * Queues hook name for ticket in the outbox, in the transaction, once
 * for the team's hooks directory and once for the user's (unless
 * --no-hooks) where it is a file: its input the event (the events
 * recorded after event id since) and the ticket as they are now; run
 * after the commit (itsm_hooks_run).  Dropped by a rollback
 * (tk_end_action).
 */
int hook_queue(itsm_ctx *c, const char *name, int64_t ticket, int64_t since,
    const char *reason, const char *message, const char *managers);
void hook_clear(itsm_ctx *c);

/*
 * The rules of the queue, written once (lib/ticket_read.c): the C side
 * here, and the bounds of a store query that select the same tickets.
 *
 * Breached: workable (new, in_progress) and past a due time it has not
 * met: not responded and response_due < now, or not resolved and
 * resolution_due < now (a due time not stored is never past).
 * tk_past_due() is that comparison: due strictly before at (sla.c's
 * report of a target met late or missed uses it too).
 */
int tk_past_due(int64_t due, int64_t at);
int tk_breached(const char *status, int responded, int has_response_due,
    int64_t response_due, int resolved, int has_resolution_due,
    int64_t resolution_due, int64_t now);
/*
 * Stagnant: workable and updated_at before the cut of its priority: the
 * latest instant from which the priority's stagnation threshold of
 * working time elapses by now, in the calendar sla: stagnation gives the
 * ticket (itsm_policy_rule_calendar(); on the wall clock, now less the
 * threshold); the first priority of that name; an unprioritized ticket,
 * or one of a priority the policy no longer has, the last priority's.
 * When groups or services name calendars of their own, the calendar
 * varies within a priority: the cuts are then the latest of each
 * priority (varies set), which selects a superset, and tk_stagnant()
 * decides with the ticket's group and service.
 */
struct tk_cuts {
	size_t n;
	const char *name[64];		/* distinct, the policy's order */
	int64_t at[64];
	int64_t other;			/* no priority, or an unknown one */
	int varies;			/* the cuts are supersets */
	const itsm_policy *policy;
	int64_t now;
	/*
	 * The cuts tk_stagnant() worked out, by priority and calendar: one
	 * calendar walk each, not one per ticket read.
	 */
	size_t nmemo;
	struct {
		size_t pi;
		const itsm_calendar *cal;
		int64_t at;
	} memo[32];
};
int tk_stagnant_cuts(const itsm_policy *p, int64_t now, struct tk_cuts *k);
int tk_stagnant(struct tk_cuts *k, const char *status,
    const char *priority, const char *group, const char *service,
    int has_updated, int64_t updated_at);
/* The fields tk_stagnant() reads, SK_BIT of each. */
#define TK_STAGNANT_FIELDS (SK_BIT(ITSM_F_STATUS) | SK_BIT(ITSM_F_PRIORITY) | \
    SK_BIT(ITSM_F_GROUP) | SK_BIT(ITSM_F_SERVICE) | SK_BIT(ITSM_F_UPDATED_AT))
/* Sets the query's bounds to those rules. */
struct store_query;
void tk_query_stagnant(struct store_query *q, const struct tk_cuts *k);
void tk_query_breached(struct store_query *q, int64_t now);

/*
 * The tickets cron escalates: stagnant ones (or breached ones) not yet
 * escalated since their last activity, in queue order; and the resolved
 * ones past the auto-close delay.  *ids is the caller's to free().
 */
int tk_sweep_ids(itsm_ctx *c, int breached, int64_t **ids, size_t *n);
int tk_auto_close_ids(itsm_ctx *c, int64_t **ids, size_t *n);
/*
 * Resolves a major's open children with its solution (major.c); at as
 * for tk_time_after() against each child's history.
 */
int major_resolve_children(itsm_ctx *c, int64_t id, const char *ref,
    int permanent, const char *code, const char *solution, int64_t at,
    int stated);

/* Ends an active major (major.c); nothing when the ticket is not one. */
int major_end_by(itsm_ctx *c, int64_t id, int64_t at, const char *why);


#endif

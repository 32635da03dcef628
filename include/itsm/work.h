/*
 * Working a ticket to closure: notes, assignment, functional and
 * hierarchical escalation, hold, resolution, confirmed closure, reopening,
 * cancelling, and the sweeps cron runs (stagnation, auto-close).
 *
 * Each operation checks the workflow table first (ITSM_E_REFUSED changes
 * nothing), writes its change and its events in one transaction, and
 * queues its hook.  "at" is a back-dated time, or 0 for now.
 */
#ifndef ITSM_WORK_H
#define ITSM_WORK_H

#include <stdint.h>

#include "itsm/ticket.h"

/* A work note (diagnosis).  The first action on a new ticket starts it. */
int itsm_ticket_note(itsm_ctx *c, int64_t id, const char *text, int64_t at);

/* Assigns to a user (NULL: the actor) and/or moves to a group. */
int itsm_ticket_assign(itsm_ctx *c, int64_t id, const char *user,
    const char *group, const char *message, int64_t at);

/*
 * Functional escalation: to group (NULL: the first group of the next
 * tier); the group must be of a higher tier.  Clears the assignee.
 * *to is the group it went to, borrowed from the policy.
 */
int itsm_ticket_escalate(itsm_ctx *c, int64_t id, const char *group,
    const char *message, int64_t at, const char **to);

/* Hierarchical escalation reasons. */
#define ITSM_ESCALATION_REASONS "stagnant", "blocked", "impact", "other"

/*
 * Hierarchical escalation: records it and notifies the managers the policy
 * names for the ticket's group and priority (through post-escalate, and
 * by mail when the policy has mail and an escalated notification).
 * *managers (when not NULL) counts them: with mail, those a mail was
 * queued to, whose names *who (when not NULL) then gets, "Ann, Bob"
 * (the caller's to free(); NULL without mail, or when none).
 */
int itsm_ticket_escalate_managers(itsm_ctx *c, int64_t id, const char *reason,
    const char *message, int64_t at, size_t *managers, char **who);

/* Hold reasons. */
#define ITSM_HOLD_REASONS "user", "vendor", "change", "problem"

/* Puts a ticket on hold (the SLA clocks stop), or releases it. */
int itsm_ticket_hold(itsm_ctx *c, int64_t id, const char *reason,
    const char *message, int64_t at);
int itsm_ticket_release(itsm_ctx *c, int64_t id, const char *message,
    int64_t at);

/* Resolves a prioritized incident: a workaround or a permanent fix. */
int itsm_ticket_resolve(itsm_ctx *c, int64_t id, int permanent,
    const char *code, const char *solution, int64_t at);

/*
 * Closes a resolved ticket on the user's confirmation: by (NULL: the
 * affected person), satisfaction 1..5 or 0 when not asked.
 */
int itsm_ticket_close(itsm_ctx *c, int64_t id, const char *by,
    int satisfaction, const char *note, int64_t at);

/* The user says it is not fixed: back to in progress, reopen_count + 1. */
int itsm_ticket_reject(itsm_ctx *c, int64_t id, const char *why, int64_t at);

/* Reopens a resolved, closed or cancelled ticket. */
int itsm_ticket_reopen(itsm_ctx *c, int64_t id, const char *reason,
    int64_t at);

/* Cancels a ticket (opened by mistake, or a duplicate of another: dup > 0). */
int itsm_ticket_cancel(itsm_ctx *c, int64_t id, const char *reason,
    int64_t duplicate_of, int64_t at);

/* What a sweep did (or would do, dry) to one ticket. */
struct itsm_sweep_item {
	const itsm_ticket *ticket;	/* as it was before */
	const char *why;		/* "stagnant 5h (threshold 4h)", ... */
	size_t managers;		/* managers notified */
};

typedef int (*itsm_sweep_fn)(void *arg, const struct itsm_sweep_item *item);

/*
 * The cron sweep: escalates hierarchically each open ticket with no
 * activity for longer than its priority's stagnation threshold (and, with
 * breached, each past a due time), once until new activity re-arms it.
 * dry: report only.  fn is called for each ticket, after the commit; in
 * a dry run, as each is found (nothing is kept).
 */
int itsm_escalate_stagnant(itsm_ctx *c, int breached, int dry,
    itsm_sweep_fn fn, void *arg);

/*
 * Closes resolved tickets left without an answer past auto_close; fn as
 * for itsm_escalate_stagnant.
 */
int itsm_close_auto(itsm_ctx *c, int dry, itsm_sweep_fn fn, void *arg);

/*
 * The head of the queue: open tickets not on hold, in queue order, of
 * group (when not NULL), assigned to the actor (mine), or else unassigned
 * or the actor's.  ITSM_E_NOTFOUND when the queue is empty.
 */
int itsm_next(itsm_ctx *c, const char *group, int mine, itsm_ticket **out);

#endif

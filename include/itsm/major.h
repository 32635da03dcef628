/*
 * Major incidents: crisis mode from declaration to the post-incident
 * review.  A major has a state (proposed, active, ended, rejected), a
 * roster with exactly one commander, a timeline (the ticket's events),
 * stakeholder communications on the policy's cadence, child incidents
 * resolved with it, review findings and follow-up actions.
 *
 * Every operation writes its rows and its events in one transaction and
 * queues its hook; "at" is a back-dated time, or 0 for now.
 */
#ifndef ITSM_MAJOR_H
#define ITSM_MAJOR_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/ticket.h"

typedef struct itsm_major itsm_major;

/*
 * Declares incident id major (accepting a proposal): it heads every
 * queue.  commander NULL: the actor.  Refused (ITSM_E_REFUSED) for a
 * request or change, a ticket no longer open, or one already major.
 */
int itsm_major_declare(itsm_ctx *c, int64_t id, const char *why,
    const char *commander, const char *bridge, int64_t at);

/* Refuses a proposal. */
int itsm_major_reject(itsm_ctx *c, int64_t id, const char *why, int64_t at);

/* Adds someone in a role; a second commander is refused (use handover). */
int itsm_major_roster_add(itsm_ctx *c, int64_t id, const char *name,
    const char *role, int64_t at);
/* Removes someone; the commander cannot be removed (hand over first). */
int itsm_major_roster_remove(itsm_ctx *c, int64_t id, const char *name,
    int64_t at);
/* Hands the command over to name. */
int itsm_major_handover(itsm_ctx *c, int64_t id, const char *name,
    int64_t at);

/* A timeline entry. */
int itsm_major_update(itsm_ctx *c, int64_t id, const char *text, int64_t at);

/* A stakeholder communication (sent through post-major-comms). */
int itsm_major_comms(itsm_ctx *c, int64_t id, const char *audience,
    const char *channel, const char *text, int64_t at);

/*
 * Links other callers' incidents to the major; resolving the major
 * resolves them with the same solution.
 */
int itsm_major_link(itsm_ctx *c, int64_t id, const int64_t *children,
    size_t n, int64_t at);

/* Service restored: the crisis is over; the review is pending. */
int itsm_major_end(itsm_ctx *c, int64_t id, const char *text, int64_t at);

/* Review findings (any may be NULL; lists NULL-terminated). */
struct itsm_review {
	const char *root_cause;
	const char *const *factors, *const *went_well, *const *went_wrong,
	    *const *lucky;
};
int itsm_major_review(itsm_ctx *c, int64_t id, const struct itsm_review *r,
    int64_t at);

/* Follow-up actions: added with a number (*n), and marked done by it. */
int itsm_major_action_add(itsm_ctx *c, int64_t id, const char *text,
    const char *owner, int64_t due, int64_t at, int *n);
int itsm_major_action_done(itsm_ctx *c, int64_t id, int n, int64_t at);

/* What detect found: a proposal, or an overdue communication. */
struct itsm_detect_item {
	const itsm_ticket *ticket;
	const char *kind;	/* "proposed" or "overdue" */
	const char *why;
};

/*
 * The cron pass: proposes majors by the policy's rules and storms (once
 * per ticket, or per storm), and reports overdue communications of the
 * active majors.  dry: change nothing.  fn is called after the commit.
 */
int itsm_major_detect(itsm_ctx *c, int dry,
    int (*fn)(void *, const struct itsm_detect_item *), void *arg);

/* The ids of the active majors, most recent first; *ids to free(). */
int itsm_major_active(itsm_ctx *c, int64_t **ids, size_t *n);

/* Reads a major's dossier; ITSM_E_NOTFOUND when the ticket never was one. */
int itsm_major_get(itsm_ctx *c, int64_t id, itsm_major **out);
void itsm_major_free(itsm_major *m);

/* The ticket (borrowed from the dossier). */
const itsm_ticket *itsm_major_ticket(const itsm_major *m);
const char *itsm_major_state(const itsm_major *m);
/* Times are 0 when not recorded; strings NULL. */
int64_t itsm_major_proposed_at(const itsm_major *m);
const char *itsm_major_proposal(const itsm_major *m);
int64_t itsm_major_declared_at(const itsm_major *m);
const char *itsm_major_declared_by(const itsm_major *m);
int64_t itsm_major_ended_at(const itsm_major *m);
const char *itsm_major_bridge(const itsm_major *m);
const char *itsm_major_root_cause(const itsm_major *m);
const char *itsm_major_commander(const itsm_major *m);

size_t itsm_major_roster_count(const itsm_major *m);
const char *itsm_major_roster_name(const itsm_major *m, size_t i);
const char *itsm_major_roster_role(const itsm_major *m, size_t i);
int64_t itsm_major_roster_since(const itsm_major *m, size_t i);

size_t itsm_major_child_count(const itsm_major *m);
const char *itsm_major_child_ref(const itsm_major *m, size_t i);
const char *itsm_major_child_status(const itsm_major *m, size_t i);
const char *itsm_major_child_caller(const itsm_major *m, size_t i);
/* Its channel (phone, monitoring, ...), NULL when not recorded. */
const char *itsm_major_child_channel(const itsm_major *m, size_t i);

/* Findings by kind: "factor", "went_well", "went_wrong", "lucky". */
size_t itsm_major_finding_count(const itsm_major *m);
const char *itsm_major_finding_kind(const itsm_major *m, size_t i);
const char *itsm_major_finding_text(const itsm_major *m, size_t i);

size_t itsm_major_action_count(const itsm_major *m);
int itsm_major_action_n(const itsm_major *m, size_t i);
const char *itsm_major_action_text(const itsm_major *m, size_t i);
const char *itsm_major_action_owner(const itsm_major *m, size_t i);
int64_t itsm_major_action_due(const itsm_major *m, size_t i);
int64_t itsm_major_action_done_at(const itsm_major *m, size_t i);

/* Per audience of the policy: the last communication and the next due. */
size_t itsm_major_audience_count(const itsm_major *m);
const char *itsm_major_audience(const itsm_major *m, size_t i);
int64_t itsm_major_audience_last(const itsm_major *m, size_t i);
int64_t itsm_major_audience_due(const itsm_major *m, size_t i);	/* 0: none */

/* The last timeline update (0 / NULL when none), and the first comms. */
int64_t itsm_major_last_update_at(const itsm_major *m);
const char *itsm_major_last_update(const itsm_major *m);
int64_t itsm_major_first_comms_at(const itsm_major *m);

/*
 * The timeline: the ticket's events after event id after, in order.
 * itsm_event_int(e, ITSM_EV_ID) gives each event's id.
 */
int itsm_major_timeline(itsm_ctx *c, int64_t id, int64_t after,
    itsm_event_iter **out);

#endif

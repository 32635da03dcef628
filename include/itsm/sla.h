/*
 * SLA clocks.  The response and resolution clocks of a ticket run while it
 * is new or in progress and stop while it is on hold, resolved, closed,
 * redirected or cancelled; they count the working time of the ticket's
 * calendar (itsm_policy_ticket_calendar()), due times being wall-clock
 * instants.  Due times are computed from the ticket's
 * status history and the targets the policy gives its current priority, so
 * a policy change or a re-prioritization recomputes them.
 */
#ifndef ITSM_SLA_H
#define ITSM_SLA_H

#include <stdint.h>

#include "itsm/ticket.h"

struct itsm_sla {
	int prioritized;	/* 0: no priority, no targets */
	int64_t response_target, resolution_target;	/* working seconds */
	int64_t response_due;	/* when the response clock reaches its target */
	int64_t resolution_due;
	int paused;		/* the clocks are stopped now: dues are projected */
	int64_t running;	/* seconds the clock ran, to resolution or now */
	int64_t paused_for;	/* seconds it was stopped, to resolution or now */
	int response_breached;	/* responded late, or not yet and past due */
	int resolution_breached;
	const char *calendar;	/* the calendar counted in (the policy's) */
	/*
	 * Working seconds of the calendar left to each target, at the
	 * response (resolution) or now; negative: counted past it.
	 */
	int64_t response_left, resolution_left;
};

/* Computes the clocks of ticket id at the context's time. */
int itsm_sla_get(itsm_ctx *c, int64_t id, struct itsm_sla *out);

#endif

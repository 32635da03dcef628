/*
 * SLA clocks from the status history: the clocks run while a ticket is new
 * or in progress, and count the working time of the ticket's calendar
 * (itsm_policy_ticket_calendar(): 24x7 unless the policy says otherwise);
 * a due time is the wall-clock instant the working time counted reaches
 * the priority's target in that calendar.
 */
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/sla.h"
#include "itsm/time.h"
#include "itsm/workflow.h"
#include "store_int.h"
#include "ticket_int.h"

/* A change of status: when, and whether the clocks run after it. */
struct change {
	int64_t at;
	int running;
};

struct timeline {
	const struct change *ch;
	size_t n;
	int64_t opened;
	const itsm_calendar *cal;	/* what the clocks count in */
};

/* The clocks run while a ticket is workable (new or in progress). */
static int
clock_runs(const struct store_value *status)
{
	return status->type == STORE_TEXT && itsm_status_workable(status->s);
}

/* Appends change (at, running) to *ch, n of cap. */
static int
push_change(struct change **ch, size_t *n, size_t *cap, int64_t at,
    int running)
{
	struct change *nc;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((nc = realloc(*ch, *cap * sizeof(**ch))) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		*ch = nc;
	}
	(*ch)[*n].at = at;
	(*ch)[(*n)++].running = running;
	return 0;
}

/* Appends change (at, status) to *ch, n of cap. */
static int
add_change(struct change **ch, size_t *n, size_t *cap,
    const struct store_value *at, const struct store_value *status)
{
	return push_change(ch, n, cap, at->i, clock_runs(status));
}

/* The status changes of ticket id, oldest first; *out to free(). */
static int
read_history(itsm_ctx *c, int64_t id, struct change **out, size_t *n,
    size_t *cap)
{
	const struct store_value *v;
	struct store_rows *r;
	size_t nv;
	int rc;

	*out = NULL;
	*n = *cap = 0;
	if ((rc = store_status_history(c->store, id, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(c->store, r, &v, &nv)) == 1)
		if ((rc = add_change(out, n, cap, &v[0], &v[1])) != 0)
			break;
	store_rows_free(c->store, r);
	return rc;
}

/* The status in force from change i (-1: from the opening) on. */
static int
running_at(const struct timeline *tl, size_t i)
{
	return i == 0 ? 1 : tl->ch[i - 1].running;
}

/*
 * Whether the clocks run now is the ticket's status (runs), the current
 * state, not the last of its status events in time: a history that ends
 * otherwise (a release stated before its hold, events missing, as an
 * import may bring; the commands keep the order, itsm(1) History) ends
 * with the ticket's status at its last change, or at its resolution
 * (resolved, else 0) when it stops and that is later, rather than leave
 * the clocks stopped, or running, for ever.  0, or ITSM_E_NOMEM.
 */
static int
settle(struct change **ch, size_t *n, size_t *cap, int64_t opened, int runs,
    int64_t resolved)
{
	const struct timeline tl = { *ch, *n, opened, NULL };
	int64_t at = opened;

	if (running_at(&tl, *n) == runs)
		return 0;
	if (*n > 0 && (*ch)[*n - 1].at > at)
		at = (*ch)[*n - 1].at;
	if (!runs && resolved > at)
		at = resolved;
	return push_change(ch, n, cap, at, runs);
}

/* The start of segment i: the opening, then each change. */
static int64_t
seg_start(const struct timeline *tl, size_t i)
{
	return i == 0 ? tl->opened : tl->ch[i - 1].at;
}

/*
 * When a clock that starts (again) at start with left working seconds to
 * go reaches its target: left of them elapsed, or, with none left, the
 * first working instant at or after start, the last moment it has not
 * run past the target (start itself on the wall clock).
 */
static int64_t
reach(const itsm_calendar *cal, int64_t start, int64_t left)
{
	return left > 0 ? itsm_calendar_due(cal, start, left) :
	    itsm_calendar_next_open(cal, start);
}

/*
 * When the running time reaches target: the last moment the clock has
 * not run past it, so that a target is met when done by its due time and
 * breached once the clock runs on after it (tk_past_due).  A clock that
 * stops at the very moment it reaches its target has not run past it: the
 * due time is then when it runs again, as for a stopped clock with time
 * left.  *paused is set when the clock is stopped at the end of the
 * history: the due time is then projected as if it started again at now,
 * or, when resolution stopped it for good (stopped: the resolution time,
 * else 0), at the resolution, so that the figure of a resolved or closed
 * ticket no longer moves.  A clock that was done earlier (until: the
 * response, for the response clock; else 0) stops there for good: what
 * the history says after it no longer moves its due time.
 */
static int64_t
due_at(const struct timeline *tl, int64_t target, int64_t now,
    int64_t stopped, int64_t until, int *paused)
{
	int64_t left = target, start, end, worked;
	size_t i;

	*paused = 0;
	if (until != 0 && until < tl->opened)
		until = tl->opened;
	for (i = 0; i <= tl->n; i++) {
		start = seg_start(tl, i);
		if (start < tl->opened)
			start = tl->opened;
		if (until != 0 && start >= until)
			break;
		if (!running_at(tl, i))
			continue;
		end = i < tl->n ? tl->ch[i].at : INT64_MAX;
		if (until != 0 && end > until)
			end = until;
		if (end == INT64_MAX)
			return reach(tl->cal, start, left);
		/* The segment's working time, not its length. */
		worked = itsm_calendar_elapsed(tl->cal, start, end);
		if (left < worked)
			return reach(tl->cal, start, left);
		left -= worked;
	}
	*paused = 1;
	if (until != 0)
		return reach(tl->cal, until, left);
	if (stopped != 0)
		return reach(tl->cal, stopped, left);
	return reach(tl->cal, now > seg_start(tl, tl->n) ? now :
	    seg_start(tl, tl->n), left);
}

/*
 * The working time the clocks counted from the opening to until: what a
 * target's working time left is measured from.
 */
static int64_t
worked(const struct timeline *tl, int64_t until)
{
	int64_t start, end, sum = 0;
	size_t i;

	for (i = 0; i <= tl->n; i++) {
		if (!running_at(tl, i))
			continue;
		start = seg_start(tl, i);
		end = i < tl->n ? tl->ch[i].at : until;
		if (start < tl->opened)
			start = tl->opened;
		if (end > until)
			end = until;
		if (end > start)
			sum += itsm_calendar_elapsed(tl->cal, start, end);
	}
	return sum;
}

/*
 * The due time, at most the last second a time can be (9999-12-31T23:59:59Z):
 * a huge target, or a ticket opened near the end of the range, must not
 * store a time that no format can write (it printed as year 0000 in one,
 * null in another).  A due time there is never breached.
 */
static int64_t
due(const struct timeline *tl, int64_t target, int64_t now, int64_t stopped,
    int64_t until, int *paused)
{
	int64_t d = due_at(tl, target, now, stopped, until, paused);

	return d > ITSM_TIME_MAX ? ITSM_TIME_MAX : d;
}

/* Running and stopped seconds from the opening to until. */
static void
spent(const struct timeline *tl, int64_t until, int64_t *run, int64_t *stop)
{
	int64_t start, end;
	size_t i;

	*run = *stop = 0;
	for (i = 0; i <= tl->n; i++) {
		start = seg_start(tl, i);
		end = i < tl->n ? tl->ch[i].at : until;
		if (end > until)
			end = until;
		if (start < tl->opened)
			start = tl->opened;
		if (end <= start)
			continue;
		if (running_at(tl, i))
			*run += end - start;
		else
			*stop += end - start;
	}
}

/* The resolution that stopped the clocks for good, or 0. */
static int64_t
stopped_at(const struct timeline *tl, int64_t resolved)
{
	return resolved && !running_at(tl, tl->n) ? resolved : 0;
}

/*
 * A ticket resolved or closed without a time of resolution (an imported
 * log that has none): its clocks stopped for good when they last stopped,
 * at the first of the status changes that end its history without running
 * again.  Not the clock of whoever reads it: its due times would move
 * with each import or refresh.  0 when they run at the end.
 */
static int64_t
last_stop(const struct timeline *tl)
{
	size_t k = tl->n;

	if (running_at(tl, tl->n))
		return 0;
	while (k > 0 && !tl->ch[k - 1].running)
		k--;
	return tl->ch[k].at;
}

/*
 * The calendar a ticket's clocks count in: that of its priority, group
 * and service as they are now (itsm.yaml(5), sla), over the whole
 * history, so that a change of priority keeps the working time counted.
 */
static const itsm_calendar *
calendar_of(const itsm_ctx *c, const char *pri, const char *group,
    const char *service)
{
	return itsm_policy_ticket_calendar(c->policy, pri, group, service);
}

/*
 * The targets and due times of priority pri (targets and dues of out),
 * in working seconds of the timeline's calendar, and whether the clocks
 * are paused at the end of the history (*p1 for the response, *p2 for
 * the resolution).  The response clock stops for good at the response
 * (responded, else 0): a response, once made, keeps its due time
 * whatever holds, resolutions and reopenings follow.  0 when the ticket
 * has no priority, or one gone from the policy: no targets, nothing set.
 */
static int
dues(const itsm_ctx *c, const struct timeline *tl, const char *pri,
    int64_t stopped, int64_t responded, struct itsm_sla *out, int *p1,
    int *p2)
{
	size_t pi;

	if (pri == NULL || itsm_policy_priority_find(c->policy, pri, &pi) != 0)
		return 0;
	out->response_target = itsm_policy_target(c->policy, pi,
	    ITSM_TARGET_RESPONSE, tl->cal);
	out->resolution_target = itsm_policy_target(c->policy, pi,
	    ITSM_TARGET_RESOLUTION, tl->cal);
	out->response_due = due(tl, out->response_target, c->now, stopped,
	    responded, p1);
	out->resolution_due = due(tl, out->resolution_target, c->now,
	    stopped, 0, p2);
	return 1;
}

/*
 * When the clocks stopped for good: at the resolution, or, for a ticket
 * resolved or closed without a time of resolution, at last_stop(); 0
 * when they did not.
 */
static int64_t
stopped_for_good(const struct timeline *tl, int64_t resolved,
    const char *status)
{
	int64_t stopped = stopped_at(tl, resolved);

	if (stopped == 0 && status != NULL && (strcmp(status, "resolved") ==
	    0 || strcmp(status, "closed") == 0))
		stopped = last_stop(tl);
	return stopped;
}

int
tk_sla_dues(itsm_ctx *c, const struct tk_sla_ticket *t,
    int64_t *response_due, int64_t *resolution_due)
{
	struct itsm_sla s = { 0 };
	struct change *ch, tmp;
	struct timeline tl;
	size_t i, k, n = t->n, cap = t->n + 1;
	int p1, p2, rc = 0;

	/* One more: settle() may end the history with the status. */
	if ((ch = calloc(cap, sizeof(*ch))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	/* By time, then as recorded: read_history()'s order (stable). */
	for (i = 0; i < t->n; i++) {
		ch[i].at = t->at[i];
		ch[i].running = t->to[i] != NULL &&
		    itsm_status_workable(t->to[i]);
		for (k = i; k > 0 && ch[k - 1].at > ch[k].at; k--) {
			tmp = ch[k - 1];
			ch[k - 1] = ch[k];
			ch[k] = tmp;
		}
	}
	/* Then as itsm_sla_get() reads it once written. */
	if ((rc = settle(&ch, &n, &cap, t->opened, t->status != NULL &&
	    itsm_status_workable(t->status), t->resolved)) != 0)
		goto done;
	tl = (struct timeline){ ch, n, t->opened,
	    calendar_of(c, t->priority, t->group, t->service) };
	if (dues(c, &tl, t->priority, stopped_for_good(&tl, t->resolved,
	    t->status), t->responded, &s, &p1, &p2)) {
		*response_due = s.response_due;
		*resolution_due = s.resolution_due;
		rc = 1;
	}
done:
	free(ch);
	return rc;
}

int
itsm_sla_get(itsm_ctx *c, int64_t id, struct itsm_sla *out)
{
	struct change *ch = NULL;
	struct timeline tl;
	itsm_ticket *t = NULL;
	int64_t responded, resolved, until, stopped;
	const char *status;
	size_t n, cap;
	int rc, p1, p2;

	*out = (struct itsm_sla){ 0 };
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		return rc;
	status = itsm_ticket_str(t, ITSM_F_STATUS);
	resolved = itsm_ticket_str(t, ITSM_F_RESOLVED_AT) ?
	    itsm_ticket_int(t, ITSM_F_RESOLVED_AT) : 0;
	if ((rc = read_history(c, id, &ch, &n, &cap)) != 0 ||
	    (rc = settle(&ch, &n, &cap, itsm_ticket_int(t, ITSM_F_OPENED_AT),
	    status != NULL && itsm_status_workable(status), resolved)) != 0)
		goto done;
	tl = (struct timeline){ ch, n, itsm_ticket_int(t, ITSM_F_OPENED_AT),
	    calendar_of(c, itsm_ticket_str(t, ITSM_F_PRIORITY),
	    itsm_ticket_str(t, ITSM_F_GROUP),
	    itsm_ticket_str(t, ITSM_F_SERVICE)) };
	out->calendar = itsm_calendar_name(tl.cal);
	responded = itsm_ticket_str(t, ITSM_F_RESPONDED_AT) ?
	    itsm_ticket_int(t, ITSM_F_RESPONDED_AT) : 0;
	stopped = stopped_for_good(&tl, resolved, status);
	until = stopped ? stopped : c->now;
	spent(&tl, until, &out->running, &out->paused_for);
	out->paused = !running_at(&tl, n);
	if (!dues(c, &tl, itsm_ticket_str(t, ITSM_F_PRIORITY), stopped,
	    responded, out, &p1, &p2))
		goto done;	/* not prioritized, or a priority gone from the policy */
	out->prioritized = 1;
	/* Working time left: to the response (or now), to the stop (or now). */
	out->response_left = out->response_target - worked(&tl, responded ?
	    responded : until);
	out->resolution_left = out->resolution_target - worked(&tl, until);
	/* Met after its due time, or not met and past it (tk_past_due). */
	out->response_breached = responded ?
	    tk_past_due(out->response_due, responded) :
	    !p1 && tk_past_due(out->response_due, c->now);
	out->resolution_breached = resolved && out->paused ?
	    tk_past_due(out->resolution_due, resolved) :
	    !p2 && tk_past_due(out->resolution_due, c->now);
done:
	free(ch);
	itsm_ticket_free(t);
	return rc;
}

/* Stores the due times of ticket id. */
static int
store_dues(itsm_ctx *c, int64_t id, const struct itsm_sla *s)
{
	struct store_set set[2];

	set[0] = (struct store_set){ .key = ITSM_F_RESPONSE_DUE,
	    .num = s->response_due, .is_int = 1 };
	set[1] = (struct store_set){ .key = ITSM_F_RESOLUTION_DUE,
	    .num = s->resolution_due, .is_int = 1 };
	return store_ticket_update(c->store, id, set, 2);
}

int
tk_refresh_sla(itsm_ctx *c, int64_t id)
{
	struct itsm_sla s;
	int rc;

	if ((rc = itsm_sla_get(c, id, &s)) != 0)
		return rc;
	if (!s.prioritized)
		return 0;
	return store_dues(c, id, &s);
}

/* The columns of store_open_clocks() past the status change's. */
enum { CLOCK_RESPONDED = 8, CLOCK_STATUS, CLOCK_GROUP, CLOCK_SERVICE,
	CLOCK_NCOLS };

/* What the SLA clocks of an open ticket are computed from. */
struct clock {
	int64_t id;
	char *priority;
	char *group, *service;		/* NULL: none */
	int64_t opened;
	int64_t resolved;		/* 0: not resolved */
	int64_t responded;		/* 0: not responded */
	int runs;			/* its status runs the clocks */
	int has_dues;			/* both due times stored, integers */
	int64_t response_due, resolution_due;
	struct change *ch;		/* the status changes, oldest first */
	size_t n, cap;
};

/*
 * One open ticket of the walk: its due times as tk_refresh_sla would
 * compute them, stored when they are not those stored already.
 */
static int
refresh_one(itsm_ctx *c, struct clock *k)
{
	struct timeline tl;
	struct itsm_sla s = { 0 };
	int p1, p2, rc;

	if ((rc = settle(&k->ch, &k->n, &k->cap, k->opened, k->runs,
	    k->resolved)) != 0)
		return rc;
	tl = (struct timeline){ k->ch, k->n, k->opened,
	    calendar_of(c, k->priority, k->group, k->service) };
	if (!dues(c, &tl, k->priority, stopped_at(&tl, k->resolved),
	    k->responded, &s, &p1, &p2))
		return 0;
	if (k->has_dues && k->response_due == s.response_due &&
	    k->resolution_due == s.resolution_due)
		return 0;
	return store_dues(c, k->id, &s);
}

/* A copy of text value v, NULL for any other; 0 or ITSM_E_NOMEM. */
static int
text_dup(char **out, const struct store_value *v)
{
	free(*out);
	*out = NULL;
	if (v->type != STORE_TEXT)
		return 0;
	if ((*out = strdup(v->s)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

/* The ticket of row v (store_open_clocks), its changes not read yet. */
static int
clock_start(struct clock *k, const struct store_value *v)
{
	int rc;

	free(k->priority);
	if ((k->priority = strdup(v[1].type == STORE_TEXT ? v[1].s : "")) ==
	    NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	if ((rc = text_dup(&k->group, &v[CLOCK_GROUP])) != 0 ||
	    (rc = text_dup(&k->service, &v[CLOCK_SERVICE])) != 0)
		return rc;
	k->id = v[0].i;
	k->opened = v[2].i;
	k->resolved = v[3].type == STORE_NULL ? 0 : v[3].i;
	k->has_dues = v[4].type == STORE_INT && v[5].type == STORE_INT;
	k->response_due = v[4].i;
	k->resolution_due = v[5].i;
	k->responded = v[CLOCK_RESPONDED].type == STORE_NULL ? 0 :
	    v[CLOCK_RESPONDED].i;
	k->runs = clock_runs(&v[CLOCK_STATUS]);
	k->n = 0;
	return 0;
}

int
tk_refresh_open_slas(itsm_ctx *c)
{
	struct clock k = { .id = 0 };
	const struct store_value *v;
	struct store_rows *r;
	size_t nv;
	int rc, any = 0;

	if ((rc = store_open_clocks(c->store, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(c->store, r, &v, &nv)) == 1) {
		if (nv < CLOCK_NCOLS) {
			rc = itsm_error(ITSM_E_INTERNAL, "a clock row is short");
			break;
		}
		if (!any || v[0].i != k.id) {
			/* The previous ticket is complete. */
			if ((any && (rc = refresh_one(c, &k)) != 0) ||
			    (rc = clock_start(&k, v)) != 0)
				break;
			any = 1;
		}
		if (v[6].type != STORE_NULL &&
		    (rc = add_change(&k.ch, &k.n, &k.cap, &v[6], &v[7])) != 0)
			break;
	}
	if (rc == 0 && any)
		rc = refresh_one(c, &k);
	store_rows_free(c->store, r);
	free(k.ch);
	free(k.priority);
	free(k.group);
	free(k.service);
	return rc;
}

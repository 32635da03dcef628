/*
 * Unit tests of lib/sla.c through the operations that move the clocks:
 * due times, pauses on hold, breach states, re-prioritization, resolution,
 * the refresh of the stored due times after a change of the targets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "itsm/itsm.h"
#include "sqlite/sqlite_int.h"		/* the database handle, to count writes */
#include "store_int.h"			/* a ticket written as an import does */
#include "ticket_int.h"

#include "fixture.h"

static int64_t
T(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(itsm_time_parse(iso, 0, &t), 0);
	return t;
}

static void
at(struct fx *f, const char *iso)
{
	itsm_ctx_set_now(f->ctx, T(iso));
}

/* Opens a ticket at 08:00 with the given impact and urgency. */
static int64_t
open_ticket(struct fx *f, const char *impact, const char *urgency)
{
	struct itsm_open_args a = { .summary = "s", .caller = "c",
	    .impact = impact, .urgency = urgency };
	int64_t id = 0;

	at(f, "2026-11-28T08:00:00Z");
	assert_int_equal(itsm_ticket_open(f->ctx, &a, &id), 0);
	return id;
}

static void stored(itsm_ctx *c, int64_t id, const char *resp,
    const char *resol);

static struct itsm_sla
sla(struct fx *f, int64_t id)
{
	struct itsm_sla s;

	assert_int_equal(itsm_sla_get(f->ctx, id, &s), 0);
	return s;
}

/* P1: 15m response, 4h resolution, from the opening. */
static void
test_due_times_from_opening(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");
	struct itsm_sla s;

	at(f, "2026-11-28T08:10:00Z");
	s = sla(f, id);
	assert_true(s.prioritized);
	assert_true(s.response_due == T("2026-11-28T08:15:00Z"));
	assert_true(s.resolution_due == T("2026-11-28T12:00:00Z"));
	assert_false(s.paused);
	assert_false(s.response_breached);
	assert_true(s.running == 600);
	at(f, "2026-11-28T08:16:00Z");
	s = sla(f, id);
	assert_true(s.response_breached);	/* nobody answered in 15m */
	assert_false(s.resolution_breached);
}

/* A hold of 3h inside a 4h resolution target moves the due time by 3h. */
static void
test_hold_pauses_resolution_clock(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");
	struct itsm_sla s;

	at(f, "2026-11-28T08:05:00Z");
	assert_int_equal(itsm_ticket_note(f->ctx, id, "looking", 0), 0);
	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "vendor", "waiting", 0),
	    0);
	at(f, "2026-11-28T10:00:00Z");
	s = sla(f, id);
	assert_true(s.paused);
	/* 1h ran before the hold: 3h are left, projected from now. */
	assert_true(s.resolution_due == T("2026-11-28T13:00:00Z"));
	assert_false(s.resolution_breached);
	assert_false(s.response_breached);	/* answered at 08:05 */
	assert_true(s.running == 3600);
	assert_true(s.paused_for == 3600);
	at(f, "2026-11-28T12:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, id, NULL, 0), 0);
	s = sla(f, id);
	assert_false(s.paused);
	assert_true(s.resolution_due == T("2026-11-28T15:00:00Z"));
	at(f, "2026-11-28T14:59:00Z");
	assert_false(sla(f, id).resolution_breached);
	at(f, "2026-11-28T15:01:00Z");
	assert_true(sla(f, id).resolution_breached);
}

/* The stored due times follow the clock (what list --breached reads). */
static void
test_stored_due_follows_hold(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");
	itsm_ticket *t;

	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "user", "away", 0), 0);
	at(f, "2026-11-28T12:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, id, NULL, 0), 0);
	assert_int_equal(itsm_ticket_get(f->ctx, id, &t), 0);
	assert_string_equal(itsm_ticket_str(t, ITSM_F_RESOLUTION_DUE),
	    "2026-11-28T15:00:00Z");
	/* The response clock was stopped too: 15m after 3h of hold. */
	assert_string_equal(itsm_ticket_str(t, ITSM_F_RESPONSE_DUE),
	    "2026-11-28T08:15:00Z");
	itsm_ticket_free(t);
}

/* Re-prioritizing recomputes from the opening with the new targets. */
static void
test_reprioritize_recomputes(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "low", "low");	/* P5: 1d, 1w */
	struct itsm_prioritize_args p = { .impact = "high", .urgency = "medium" };
	struct itsm_sla s;

	at(f, "2026-11-28T09:00:00Z");
	assert_true(sla(f, id).resolution_due == T("2026-12-05T08:00:00Z"));
	assert_int_equal(itsm_ticket_prioritize(f->ctx, id, &p, NULL), 0);
	s = sla(f, id);		/* P2: 30m, 8h */
	assert_true(s.response_due == T("2026-11-28T08:30:00Z"));
	assert_true(s.resolution_due == T("2026-11-28T16:00:00Z"));
	assert_true(s.response_breached);
}

/* Resolution stops the clock; met or missed is decided at resolution. */
static void
test_resolution_stops_clock(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");
	struct itsm_sla s;

	at(f, "2026-11-28T11:00:00Z");
	assert_int_equal(itsm_ticket_resolve(f->ctx, id, 0, NULL, "restart",
	    0), 0);
	at(f, "2026-11-29T11:00:00Z");	/* a day later: still met */
	s = sla(f, id);
	assert_true(s.paused);
	assert_false(s.resolution_breached);
	assert_true(s.response_breached);	/* resolved 3h after: late */
	assert_true(s.running == 3 * 3600);
	/* Rejected: the clock runs again from the rejection. */
	assert_int_equal(itsm_ticket_reject(f->ctx, id, "not fixed", 0), 0);
	s = sla(f, id);
	assert_false(s.paused);
	assert_true(s.resolution_due == T("2026-11-29T12:00:00Z"));
}

/*
 * A clock that stops at the very moment it reaches its target has not run
 * past it: met, as the same 4h on the clock split otherwise.  The due time
 * is the last moment the clock had not run past the target.
 */
static void
test_target_reached_at_hold(void **state)
{
	struct fx *f = *state;
	int64_t a = open_ticket(f, "high", "high");	/* P1: 4h */
	int64_t b = open_ticket(f, "high", "high");
	struct itsm_sla s;

	/* a: 4h, on hold 12:00-13:00; b: 3h, on hold 11:00-12:00, then 1h. */
	at(f, "2026-11-28T12:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, a, "user", "away", 0), 0);
	at(f, "2026-11-28T11:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, b, "user", "away", 0), 0);
	at(f, "2026-11-28T12:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, b, NULL, 0), 0);
	at(f, "2026-11-28T12:30:00Z");
	s = sla(f, a);
	assert_true(s.paused);
	assert_true(s.resolution_due == T("2026-11-28T12:30:00Z"));
	assert_false(s.resolution_breached);
	at(f, "2026-11-28T13:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, a, NULL, 0), 0);
	s = sla(f, a);
	assert_false(s.paused);
	assert_true(s.resolution_due == T("2026-11-28T13:00:00Z"));
	assert_false(s.resolution_breached);
	assert_int_equal(itsm_ticket_resolve(f->ctx, a, 1, NULL, "fixed", 0),
	    0);
	assert_int_equal(itsm_ticket_resolve(f->ctx, b, 1, NULL, "fixed", 0),
	    0);
	at(f, "2026-11-29T13:00:00Z");
	s = sla(f, a);
	assert_true(s.running == 4 * 3600);
	assert_true(s.resolution_due == T("2026-11-28T13:00:00Z"));
	assert_false(s.resolution_breached);
	s = sla(f, b);
	assert_true(s.running == 4 * 3600);
	assert_true(s.resolution_due == T("2026-11-28T13:00:00Z"));
	assert_false(s.resolution_breached);
}

/* One second past a target reached at a hold is missed. */
static void
test_target_passed_after_hold(void **state)
{
	struct fx *f = *state;
	int64_t a = open_ticket(f, "high", "high");

	at(f, "2026-11-28T12:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, a, "user", "away", 0), 0);
	at(f, "2026-11-28T13:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, a, NULL, 0), 0);
	at(f, "2026-11-28T13:00:01Z");
	assert_true(sla(f, a).resolution_breached);
	assert_int_equal(itsm_ticket_resolve(f->ctx, a, 1, NULL, "fixed", 0),
	    0);
	assert_true(sla(f, a).resolution_breached);
}

/*
 * The response clock stops for good at the response: neither the time
 * resolved before a reopening nor a hold after it moves its due time.
 */
static void
test_response_due_kept(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "low", "low");	/* P5: 1d, 1w */
	struct itsm_sla s;

	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_ticket_note(f->ctx, id, "on it", 0), 0);
	at(f, "2026-11-28T10:00:00Z");
	assert_int_equal(itsm_ticket_resolve(f->ctx, id, 1, NULL, "fixed",
	    0), 0);
	s = sla(f, id);
	assert_true(s.response_due == T("2026-11-29T08:00:00Z"));
	assert_false(s.response_breached);
	stored(f->ctx, id, "2026-11-29T08:00:00Z", "2026-12-05T08:00:00Z");
	at(f, "2026-12-01T10:00:00Z");
	assert_int_equal(itsm_ticket_reopen(f->ctx, id, "again", 0), 0);
	at(f, "2026-12-01T11:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "user", "away", 0), 0);
	at(f, "2026-12-03T11:00:00Z");
	s = sla(f, id);
	assert_true(s.response_due == T("2026-11-29T08:00:00Z"));
	assert_false(s.response_breached);
	/* The resolution clock goes on from where it stopped: 3h ran. */
	assert_true(s.resolution_due == T("2026-12-10T08:00:00Z"));
	stored(f->ctx, id, "2026-11-29T08:00:00Z", "2026-12-08T08:00:00Z");
}

/* A response that reached its target exactly is met; one second more not. */
static void
test_response_at_target(void **state)
{
	struct fx *f = *state;
	int64_t a = open_ticket(f, "high", "high");	/* P1: 15m */
	int64_t b = open_ticket(f, "high", "high");

	at(f, "2026-11-28T08:15:00Z");
	assert_int_equal(itsm_ticket_note(f->ctx, a, "on it", 0), 0);
	at(f, "2026-11-28T08:15:01Z");
	assert_int_equal(itsm_ticket_note(f->ctx, b, "on it", 0), 0);
	at(f, "2026-11-29T08:00:00Z");
	assert_true(sla(f, a).response_due == T("2026-11-28T08:15:00Z"));
	assert_false(sla(f, a).response_breached);
	assert_true(sla(f, b).response_due == T("2026-11-28T08:15:00Z"));
	assert_true(sla(f, b).response_breached);
}

/* Appends a status event at iso to ticket id, bypassing every rule. */
static void
raw_status_event(struct fx *f, int64_t id, const char *iso, const char *old,
    const char *new_)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO events (ticket, at, "
	    "recorded_at, actor, login, kind, field, old, new) VALUES (%lld, "
	    "%lld, %lld, 'x', 'x', 'update', 'status', '%s', '%s')",
	    (long long)id, (long long)T(iso), (long long)T(iso), old, new_);
	assert_int_equal(sqlite3_exec(SQ(f->store)->db, sql, NULL, NULL,
	    NULL), SQLITE_OK);
}

/*
 * A history whose last status event in time is not the ticket's status
 * (a release stated before its hold, as an import may bring): the clocks
 * follow the ticket's status from the last change on, never stopped for
 * ever.
 */
static void
test_history_out_of_order(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");	/* P1: 4h */
	struct itsm_sla s;

	assert_int_equal(itsm_ticket_note(f->ctx, id, "on it", 0), 0);
	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "user", "away", 0), 0);
	at(f, "2026-11-28T10:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, id, NULL, 0), 0);
	/* A hold after the release in time, the ticket still in progress. */
	raw_status_event(f, id, "2026-11-28T10:30:00Z", "in_progress",
	    "on_hold");
	at(f, "2026-11-28T20:00:00Z");
	s = sla(f, id);
	assert_false(s.paused);
	/* 1h, then 30m, then from 10:30 on: 2h30m left at 10:30. */
	assert_true(s.resolution_due == T("2026-11-28T13:00:00Z"));
	assert_true(s.resolution_breached);
	assert_true(s.running == 11 * 3600);
	assert_true(s.paused_for == 3600);
	/* Any change stores what show computes. */
	assert_int_equal(itsm_ticket_note(f->ctx, id, "still here", 0), 0);
	stored(f->ctx, id, "2026-11-28T08:15:00Z", "2026-11-28T13:00:00Z");
}

/* The other way: on hold, its history ending with a release in time. */
static void
test_history_ends_running_on_hold(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, "high", "high");	/* P1: 4h */
	struct itsm_sla s;

	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "user", "away", 0), 0);
	raw_status_event(f, id, "2026-11-28T09:30:00Z", "on_hold",
	    "in_progress");
	at(f, "2026-11-28T20:00:00Z");
	s = sla(f, id);
	/*
	 * Stopped at 09:30, the last change, the release then stopping at
	 * once: 1h ran, 3h left from now.
	 */
	assert_true(s.paused);
	assert_false(s.resolution_breached);
	assert_true(s.running == 3600);
	assert_true(s.resolution_due == T("2026-11-28T23:00:00Z"));
}

/* An unprioritized ticket has no targets. */
static void
test_unprioritized(void **state)
{
	struct fx *f = *state;
	int64_t id = open_ticket(f, NULL, NULL);
	struct itsm_sla s;

	at(f, "2026-11-29T08:00:00Z");
	s = sla(f, id);
	assert_false(s.prioritized);
	assert_false(s.response_breached);
	assert_false(s.resolution_breached);
	assert_true(s.running == 86400);
}

/* Counts the updates of tickets the database runs. */
static int
count_updates(unsigned type, void *arg, void *stmt, void *sql)
{
	(void)stmt;
	if (type == SQLITE_TRACE_STMT &&
	    strncmp(sql, "UPDATE tickets ", 15) == 0)
		++*(int *)arg;
	return 0;
}

/* Counts the tickets a sweep reports; checks a P1's new response due. */
static int
reported(void *arg, const struct itsm_sweep_item *it)
{
	++*(int *)arg;
	assert_string_equal(itsm_ticket_str(it->ticket, ITSM_F_PRIORITY), "P1");
	assert_string_equal(itsm_ticket_str(it->ticket, ITSM_F_RESPONSE_DUE),
	    "2026-11-28T08:20:00Z");
	return 0;
}

/* The stored due times of ticket id. */
static void
stored(itsm_ctx *c, int64_t id, const char *resp, const char *resol)
{
	itsm_ticket *t;

	assert_int_equal(itsm_ticket_get(c, id, &t), 0);
	if (resp == NULL) {
		assert_null(itsm_ticket_str(t, ITSM_F_RESPONSE_DUE));
		assert_null(itsm_ticket_str(t, ITSM_F_RESOLUTION_DUE));
	} else {
		assert_string_equal(itsm_ticket_str(t, ITSM_F_RESPONSE_DUE),
		    resp);
		assert_string_equal(itsm_ticket_str(t, ITSM_F_RESOLUTION_DUE),
		    resol);
	}
	itsm_ticket_free(t);
}

/*
 * A new response target for P1: a dry run of the stagnant sweep
 * recomputes the due times of the tickets it reports and no others, and
 * keeps none; the real sweep stores those of every open ticket, as each
 * one's clock gives them, writing only those that change.
 */
static void
test_refresh_after_policy_change(void **state)
{
	struct fx *f = *state;
	int64_t a = open_ticket(f, "high", "high");	/* P1: 15m, 4h */
	int64_t b = open_ticket(f, "high", "high");
	int64_t c = open_ticket(f, "medium", "medium");	/* P3: 2h, 1d */
	int64_t d = open_ticket(f, "medium", "medium");
	int64_t e = open_ticket(f, NULL, NULL);
	const char *def = itsm_policy_default_text();
	const char *at15 = strstr(def, "response: 15m");
	char *text = strdup(def);
	itsm_policy *pol;
	itsm_ctx *ctx;
	struct itsm_sla s;
	int64_t ids[] = { a, b, c, d, e }, i;
	int n = 0, updates = 0;

	assert_non_null(at15);
	assert_non_null(text);
	memcpy(text + (at15 - def), "response: 20m", 13);
	at(f, "2026-11-28T08:30:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, d, "vendor", "parts", 0), 0);
	at(f, "2026-11-28T08:31:00Z");	/* the targets seen: nothing to do */
	assert_int_equal(itsm_escalate_stagnant(f->ctx, 0, 0, reported, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(itsm_policy_load_text(&pol, "new.yaml", text,
	    strlen(text)), 0);
	assert_int_equal(itsm_ctx_new(&ctx, f->store, pol), 0);
	itsm_ctx_set_hooks(ctx, 0);
	sqlite3_trace_v2(SQ(f->store)->db, SQLITE_TRACE_STMT, count_updates,
	    &updates);

	/* At 09:30 both P1 tickets stagnate (1h). */
	itsm_ctx_set_now(ctx, T("2026-11-28T09:30:00Z"));
	assert_int_equal(itsm_escalate_stagnant(ctx, 0, 1, reported, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(updates, 2);	/* theirs, rolled back */
	stored(ctx, a, "2026-11-28T08:15:00Z", "2026-11-28T12:00:00Z");

	/*
	 * At 08:40 nothing stagnates: the P1 response dues move 5m, the
	 * projected ones of the ticket on hold move with the clock, the
	 * P3 one running keeps its own.
	 */
	updates = n = 0;
	itsm_ctx_set_now(ctx, T("2026-11-28T08:40:00Z"));
	assert_int_equal(itsm_escalate_stagnant(ctx, 0, 0, reported, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(updates, 3);
	stored(ctx, a, "2026-11-28T08:20:00Z", "2026-11-28T12:00:00Z");
	stored(ctx, c, "2026-11-28T10:00:00Z", "2026-11-29T08:00:00Z");
	stored(ctx, d, "2026-11-28T10:10:00Z", "2026-11-29T08:10:00Z");
	stored(ctx, e, NULL, NULL);
	for (i = 0; i < 4; i++) {
		itsm_ticket *t;

		assert_int_equal(itsm_sla_get(ctx, ids[i], &s), 0);
		assert_int_equal(itsm_ticket_get(ctx, ids[i], &t), 0);
		assert_true(itsm_ticket_int(t, ITSM_F_RESPONSE_DUE) ==
		    s.response_due);
		assert_true(itsm_ticket_int(t, ITSM_F_RESOLUTION_DUE) ==
		    s.resolution_due);
		itsm_ticket_free(t);
	}
	/* Seen now: the next sweep writes nothing. */
	updates = 0;
	assert_int_equal(itsm_escalate_stagnant(ctx, 0, 0, reported, &n), 0);
	assert_int_equal(updates, 0);
	sqlite3_trace_v2(SQ(f->store)->db, 0, NULL, NULL);
	itsm_ctx_free(ctx);
	itsm_policy_free(pol);
	free(text);
}

/* A ticket of the test below: its status changes, in the order recorded. */
struct sla_case {
	const char *priority, *status;
	int64_t resolved;
	size_t n;
	int64_t at[6];
	const char *to[6];
};

/*
 * The due times tk_sla_dues() gives an import from what it is about to
 * write are those tk_refresh_sla() stores once it is written: changes
 * recorded out of time order and at the same second, a resolution with
 * and without its time, a pause at the end, no priority.
 */
static void
test_dues_before_writing(void **state)
{
	static const struct sla_case cases[] = {
		{ "P1", "new", 0, 1, { 0 }, { "new" } },
		{ "P2", "resolved", 9000, 5, { 0, 600, 3600, 7200, 9000 },
		    { "new", "in_progress", "on_hold", "in_progress",
		    "resolved" } },
		{ "P3", "closed", 0, 4, { 0, 5000, 3000, 8000 },
		    { "new", "on_hold", "in_progress", "closed" } },
		{ "P1", "in_progress", 0, 3, { 0, 100, 100 },
		    { "new", "on_hold", "in_progress" } },
		{ "P4", "on_hold", 0, 2, { 0, 50000 }, { "new", "on_hold" } },
		{ NULL, "new", 0, 1, { 0 }, { "new" } },
	};
	struct fx *f = *state;
	int64_t opened = T("2026-11-28T08:00:00Z"), id, when[6], r1, r2;
	size_t i, k;

	at(f, "2026-11-29T08:00:00Z");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sla_case *c = &cases[i];
		struct store_set set[8];
		struct tk_sla_ticket tk = { .priority = c->priority,
		    .status = c->status, .opened = opened, .at = when,
		    .to = c->to, .n = c->n };
		itsm_ticket *t;
		size_t n = 0;
		int got;

		if (c->resolved)
			tk.resolved = opened + c->resolved;
		set[n++] = (struct store_set){ .key = ITSM_F_SUMMARY,
		    .text = "s" };
		set[n++] = (struct store_set){ .key = ITSM_F_CALLER,
		    .text = "c" };
		set[n++] = (struct store_set){ .key = ITSM_F_AFFECTED,
		    .text = "c" };
		set[n++] = (struct store_set){ .key = ITSM_F_STATUS,
		    .text = c->status };
		set[n++] = (struct store_set){ .key = ITSM_F_PRIORITY,
		    .text = c->priority };
		set[n++] = (struct store_set){ .key = ITSM_F_OPENED_AT,
		    .num = opened, .is_int = 1 };
		set[n++] = (struct store_set){ .key = ITSM_F_UPDATED_AT,
		    .num = opened, .is_int = 1 };
		if (c->resolved)
			set[n++] = (struct store_set){ .key =
			    ITSM_F_RESOLVED_AT, .num = tk.resolved,
			    .is_int = 1 };
		assert_int_equal(itsm_store_begin(f->store), 0);
		assert_int_equal(store_ticket_insert(f->store, set, n, &id), 0);
		for (k = 0; k < c->n; k++) {
			struct store_event e = { .at = opened + c->at[k],
			    .recorded_at = opened, .actor = "a", .login = "a",
			    .kind = "update", .field = "status",
			    .old = k ? c->to[k - 1] : NULL, .new_ = c->to[k] };

			when[k] = e.at;
			assert_int_equal(store_event_add(f->store, id, &e), 0);
		}
		assert_int_equal(tk_refresh_sla(f->ctx, id), 0);
		assert_int_equal(itsm_store_commit(f->store), 0);
		got = tk_sla_dues(f->ctx, &tk, &r1, &r2);
		assert_int_equal(itsm_ticket_get(f->ctx, id, &t), 0);
		assert_int_equal(got, c->priority != NULL);
		if (got) {
			assert_true(itsm_ticket_int(t, ITSM_F_RESPONSE_DUE) ==
			    r1);
			assert_true(itsm_ticket_int(t,
			    ITSM_F_RESOLUTION_DUE) == r2);
		} else {
			assert_null(itsm_ticket_str(t, ITSM_F_RESPONSE_DUE));
		}
		itsm_ticket_free(t);
	}
}

/*
 * The clocks in a business calendar (issue 14): an office open Monday to
 * Friday 09:00-17:00 UTC (a business day 8h), the 24x7 calendar for the
 * service "vpn".  A P3 (2h, 1d) opened on Friday 27 November at 16:00:
 * 1h on Friday, the rest on Monday; a hold stops what counts; the import's
 * dues are the same calendar's; the stagnant cut varies by service and
 * tk_stagnant() decides by the ticket's.
 */
static void
test_business_calendar(void **state)
{
	static const char extra[] =
	    "calendars: [{name: office, zone: UTC, "
	    "week: {mon-fri: ['09:00-17:00']}}]\n"
	    "sla: {calendar: office, services: {vpn: 24x7}}\n";
	struct fx *f = *state;
	const char *def = itsm_policy_default_text();
	size_t len = strlen(def);
	char *text = malloc(len + sizeof(extra));
	struct itsm_open_args a = { .summary = "s", .caller = "c",
	    .impact = "medium", .urgency = "medium" };
	struct tk_sla_ticket tk = { .priority = "P3", .status = "new",
	    .service = "vpn" };
	struct tk_cuts k;
	itsm_policy *pol;
	itsm_ctx *ctx;
	struct itsm_sla s;
	int64_t id = 0, rdue, sdue;

	assert_non_null(text);
	memcpy(text, def, len);
	memcpy(text + len, extra, sizeof(extra));
	assert_int_equal(itsm_policy_load_text(&pol, "office.yaml", text,
	    strlen(text)), 0);
	free(text);
	assert_int_equal(itsm_ctx_new(&ctx, f->store, pol), 0);
	itsm_ctx_set_hooks(ctx, 0);

	itsm_ctx_set_now(ctx, T("2026-11-27T16:00:00Z"));
	assert_int_equal(itsm_ticket_open(ctx, &a, &id), 0);
	assert_int_equal(itsm_sla_get(ctx, id, &s), 0);
	assert_string_equal(s.calendar, "office");
	assert_int_equal(s.response_target, 2 * 3600);
	assert_int_equal(s.resolution_target, 8 * 3600);	/* 1d */
	assert_int_equal(s.response_due, T("2026-11-30T10:00:00Z"));
	assert_int_equal(s.resolution_due, T("2026-11-30T16:00:00Z"));
	/* On Sunday one hour was counted, whatever the wall clock says. */
	itsm_ctx_set_now(ctx, T("2026-11-29T12:00:00Z"));
	assert_int_equal(itsm_sla_get(ctx, id, &s), 0);
	assert_int_equal(s.response_left, 3600);
	assert_int_equal(s.resolution_left, 7 * 3600);
	/* Held from Monday 09:30 to 13:00: 30m left of the response then. */
	itsm_ctx_set_now(ctx, T("2026-11-30T09:30:00Z"));
	assert_int_equal(itsm_ticket_hold(ctx, id, "vendor", "parts", 0), 0);
	itsm_ctx_set_now(ctx, T("2026-11-30T11:00:00Z"));
	assert_int_equal(itsm_sla_get(ctx, id, &s), 0);
	assert_true(s.paused);
	assert_int_equal(s.response_left, 1800);
	itsm_ctx_set_now(ctx, T("2026-11-30T13:00:00Z"));
	assert_int_equal(itsm_ticket_release(ctx, id, "back", 0), 0);
	assert_int_equal(itsm_sla_get(ctx, id, &s), 0);
	assert_int_equal(s.response_due, T("2026-11-30T13:30:00Z"));

	/* The import's dues: the service's calendar, around the clock. */
	tk.opened = T("2026-11-27T16:00:00Z");
	assert_int_equal(tk_sla_dues(ctx, &tk, &rdue, &sdue), 1);
	assert_int_equal(rdue, T("2026-11-27T18:00:00Z"));
	assert_int_equal(sdue, T("2026-11-28T16:00:00Z"));
	tk.service = NULL;
	assert_int_equal(tk_sla_dues(ctx, &tk, &rdue, &sdue), 1);
	assert_int_equal(rdue, T("2026-11-30T10:00:00Z"));

	/*
	 * Stagnation 1d: on Monday at 09:00 a P3 untouched since Friday
	 * 16:00 stagnates on the vpn (24x7: 65h), not in the office (1h);
	 * the store's cut is the later, the vpn's.
	 */
	assert_int_equal(tk_stagnant_cuts(pol, T("2026-11-30T09:00:00Z"), &k),
	    0);
	assert_true(k.varies);
	assert_int_equal(k.at[2], T("2026-11-29T09:00:00Z"));
	assert_true(tk_stagnant(&k, "new", "P3", NULL, "vpn", 1,
	    T("2026-11-27T16:00:00Z")));
	assert_false(tk_stagnant(&k, "new", "P3", NULL, NULL, 1,
	    T("2026-11-27T16:00:00Z")));
	/* Exactly 1d of office time since Friday 09:00, or Thursday 17:00. */
	assert_false(tk_stagnant(&k, "new", "P3", NULL, NULL, 1,
	    T("2026-11-27T09:00:00Z")));
	assert_false(tk_stagnant(&k, "new", "P3", NULL, NULL, 1,
	    T("2026-11-26T17:00:00Z")));
	assert_true(tk_stagnant(&k, "new", "P3", NULL, NULL, 1,
	    T("2026-11-26T16:59:59Z")));

	itsm_ctx_free(ctx);
	itsm_policy_free(pol);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due_times_from_opening,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_pauses_resolution_clock,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stored_due_follows_hold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprioritize_recomputes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution_stops_clock,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_reached_at_hold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_passed_after_hold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_due_kept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_at_target,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_out_of_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_ends_running_on_hold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprioritized, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refresh_after_policy_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dues_before_writing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_business_calendar,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("sla", tests, NULL, NULL);
}

/*
 * Unit tests of the service figures (lib/stats.c, the engine's
 * lib/sqlite/sqlite_stats.c) on
 * hand-built histories: each ticket is worked through the library with
 * the clock moved by itsm_ctx_set_now, and each figure checked exactly.
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
#include "store_stats.h"

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

/* Opens a ticket at iso; impact NULL leaves it unprioritized. */
static int64_t
open_cat(struct fx *f, const char *iso, const char *impact,
    const char *urgency, const char *category)
{
	struct itsm_open_args a = { .summary = "s", .caller = "c",
	    .impact = impact, .urgency = urgency };
	int64_t id = 0;

	if (category != NULL) {
		a.type = "incident";
		a.category = category;
	}
	at(f, iso);
	assert_int_equal(itsm_ticket_open(f->ctx, &a, &id), 0);
	return id;
}

static int64_t
open_at(struct fx *f, const char *iso, const char *impact,
    const char *urgency)
{
	return open_cat(f, iso, impact, urgency, NULL);
}

/* A P3 ticket (medium, medium): 2h response, 1d resolution. */
static int64_t
open_p3(struct fx *f, const char *iso)
{
	return open_at(f, iso, "medium", "medium");
}

static void
note(struct fx *f, int64_t id, const char *iso)
{
	at(f, iso);
	assert_int_equal(itsm_ticket_note(f->ctx, id, "looking", 0), 0);
}

static void
resolve(struct fx *f, int64_t id, const char *iso)
{
	at(f, iso);
	assert_int_equal(itsm_ticket_resolve(f->ctx, id, 1, NULL, "fixed", 0),
	    0);
}

static void
close_(struct fx *f, int64_t id, const char *iso, int satisfaction)
{
	at(f, iso);
	assert_int_equal(itsm_ticket_close(f->ctx, id, NULL, satisfaction,
	    NULL, 0), 0);
}

static void
escalate(struct fx *f, int64_t id, const char *iso)
{
	at(f, iso);
	assert_int_equal(itsm_ticket_escalate(f->ctx, id, NULL, "deeper", 0,
	    NULL), 0);
}

static void
assign(struct fx *f, int64_t id, const char *user, const char *group,
    const char *iso)
{
	at(f, iso);
	assert_int_equal(itsm_ticket_assign(f->ctx, id, user, group, NULL, 0),
	    0);
}

/* The figures at now over [since, until) (NULL: unbounded), split by. */
static const struct itsm_stats_figures *
stats(struct fx *f, const char *now, const char *since, const char *until,
    enum itsm_stats_by by)
{
	struct itsm_stats_query q = { .by = by };

	if (since != NULL) {
		q.since = T(since);
		q.has_since = 1;
	}
	if (until != NULL) {
		q.until = T(until);
		q.has_until = 1;
	}
	itsm_stats_free(f->stats);
	f->stats = NULL;
	at(f, now);
	assert_int_equal(itsm_stats_get(f->ctx, &q, &f->stats), 0);
	return itsm_stats_total(f->stats);
}

/* The time figures of priority name in f. */
static const struct itsm_stats_time *
prio(const struct itsm_stats_figures *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->npriorities; i++)
		if (name == NULL ? f->by_priority[i].priority == NULL :
		    f->by_priority[i].priority != NULL &&
		    strcmp(f->by_priority[i].priority, name) == 0)
			return &f->by_priority[i];
	fail_msg("no priority %s", name ? name : "(none)");
	return NULL;
}

/* Runs SQL on the test's database through a second connection. */
static void
sql(struct fx *f, const char *text)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_empty_database(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	size_t i;

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_null(t->value);
	assert_int_equal(t->opened, 0);
	assert_int_equal(t->closed, 0);
	assert_int_equal(t->backlog, 0);
	assert_int_equal(t->resolved, 0);
	assert_int_equal(t->resolve_time.count, 0);
	assert_int_equal(t->resolve_time.median, -1);
	assert_int_equal(t->resolve_time.p90, -1);
	/* Every priority of the policy, in its order, even with no ticket. */
	assert_int_equal(t->npriorities, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(t->by_priority[i].priority,
		    itsm_policy_priority_name(f->policy, i));
		assert_int_equal(t->by_priority[i].count, 0);
		assert_int_equal(t->by_priority[i].median, -1);
	}
	assert_true(t->response_compliance == -1);
	assert_true(t->resolution_compliance == -1);
	assert_true(t->fcr_rate == -1);
	assert_true(t->reassignment_rate == -1);
	assert_true(t->reassignment_mean == -1);
	assert_true(t->reopen_rate == -1);
	assert_true(t->satisfaction_mean == -1);
	assert_int_equal(itsm_stats_group_count(f->stats), 0);
	assert_null(itsm_stats_group(f->stats, 0));
}

/*
 * The time to resolve is the time the SLA clock ran: 1h before a hold,
 * none during it, 1h after; and it is the same figure itsm_sla_get()
 * gives for the ticket.
 */
static void
test_hold_excluded_from_resolve_time(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t id = open_at(f, "2026-11-02T08:00:00Z", "high", "high");
	struct itsm_sla s;

	note(f, id, "2026-11-02T08:05:00Z");
	at(f, "2026-11-02T09:00:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "vendor", "parts", 0),
	    0);
	at(f, "2026-11-02T11:00:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, id, NULL, 0), 0);
	resolve(f, id, "2026-11-02T12:00:00Z");
	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->resolved, 1);
	assert_int_equal(t->resolve_time.count, 1);
	assert_int_equal(t->resolve_time.median, 7200);
	assert_int_equal(t->resolve_time.p90, 7200);
	assert_int_equal(prio(t, "P1")->count, 1);
	assert_int_equal(prio(t, "P1")->median, 7200);
	assert_int_equal(prio(t, "P2")->count, 0);
	assert_int_equal(itsm_sla_get(f->ctx, id, &s), 0);
	assert_int_equal(s.running, 7200);
	/* Due 08:00 + 4h + 2h on hold = 14:00: resolved in time. */
	assert_int_equal(t->resolution_met, 1);
	assert_int_equal(t->response_met, 1);
}

/*
 * A ticket resolved, reopened and resolved again: the clock stopped
 * while it was resolved, and resolved_at is the last resolution.
 */
static void
test_reopen_gap_excluded(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t id = open_p3(f, "2026-11-02T08:00:00Z");
	struct itsm_sla s;

	resolve(f, id, "2026-11-02T08:30:00Z");
	at(f, "2026-11-02T10:00:00Z");
	assert_int_equal(itsm_ticket_reopen(f->ctx, id, "again", 0), 0);
	at(f, "2026-11-02T10:10:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, id, "user", "away", 0), 0);
	at(f, "2026-11-02T10:40:00Z");
	assert_int_equal(itsm_ticket_release(f->ctx, id, NULL, 0), 0);
	resolve(f, id, "2026-11-02T11:00:00Z");
	/* 30m + 10m + 20m. */
	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->resolve_time.median, 3600);
	assert_int_equal(prio(t, "P3")->median, 3600);
	assert_int_equal(itsm_sla_get(f->ctx, id, &s), 0);
	assert_int_equal(s.running, 3600);
	assert_int_equal(t->reopened, 1);
}

/*
 * Histories an import may bring: no status event at all (the clock ran
 * from the opening to the resolution); a first status change after the
 * opening (the clock ran before it); a change before the opening
 * (clipped); a change after the resolution (ignored); changes recorded
 * out of order (taken in the order of their times).  The same figures as itsm_sla_get() when the history
 * holds the resolution.
 */
static void
test_imported_histories(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	struct itsm_sla s;

	sql(f, "INSERT INTO tickets (id, status, summary, caller, affected, "
	    "priority, opened_at, updated_at, resolved_at) VALUES "
	    "(1, 'resolved', 's', 'c', 'c', 'P2', 1000, 1000, 4600), "
	    "(2, 'resolved', 's', 'c', 'c', 'P4', 1000, 1000, 10000), "
	    "(3, 'resolved', 's', 'c', 'c', 'P5', 1000, 1000, 4000), "
	    "(4, 'closed', 's', 'c', 'c', 'P3', 1000, 1000, 3000);"
	    "INSERT INTO events (ticket, at, recorded_at, actor, login, kind, "
	    "field, new) VALUES "
	    "(2, 2000, 2000, 'a', 'a', 'start', 'status', 'in_progress'), "
	    "(2, 5000, 5000, 'a', 'a', 'hold', 'status', 'on_hold'), "
	    "(2, 10000, 10000, 'a', 'a', 'resolve', 'status', 'resolved'), "
	    "(3, 500, 500, 'a', 'a', 'start', 'status', 'in_progress'), "
	    "(3, 3500, 3500, 'a', 'a', 'release', 'status', 'in_progress'), "
	    "(3, 2000, 2000, 'a', 'a', 'hold', 'status', 'on_hold'), "
	    "(3, 4000, 4000, 'a', 'a', 'resolve', 'status', 'resolved'), "
	    "(4, 1000, 1000, 'a', 'a', 'open', 'status', 'new'), "
	    "(4, 3000, 3000, 'a', 'a', 'resolve', 'status', 'resolved'), "
	    "(4, 5000, 5000, 'a', 'a', 'start', 'status', 'in_progress'), "
	    "(4, 6000, 6000, 'a', 'a', 'close', 'status', 'closed')");
	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->opened, 4);
	assert_int_equal(prio(t, "P2")->count, 1);
	assert_int_equal(prio(t, "P2")->median, 3600);
	assert_int_equal(prio(t, "P4")->median, 4000);	/* 1000 + 3000 */
	assert_int_equal(prio(t, "P5")->median, 1500);	/* 1000 + 500 */
	/* What came after resolved_at does not count. */
	assert_int_equal(prio(t, "P3")->median, 2000);
	/* (Without a status event sla.c sees no stop: it runs to now.) */
	assert_int_equal(itsm_sla_get(f->ctx, 2, &s), 0);
	assert_int_equal(s.running, 4000);
	assert_int_equal(itsm_sla_get(f->ctx, 3, &s), 0);
	assert_int_equal(s.running, 1500);
	/* No due time: neither met nor breached; no tier: not first contact. */
	assert_int_equal(t->resolution_met + t->resolution_breached, 0);
	assert_int_equal(t->fcr, 0);
}

static void
test_percentile_function(void **state)
{
	static const int64_t v[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

	(void)state;
	assert_int_equal(itsm_stats_percentile(v, 0, 50), -1);
	assert_int_equal(itsm_stats_percentile(v, 1, 50), 10);
	assert_int_equal(itsm_stats_percentile(v, 1, 90), 10);
	assert_int_equal(itsm_stats_percentile(v, 2, 50), 10);	/* lower */
	assert_int_equal(itsm_stats_percentile(v, 2, 90), 20);
	assert_int_equal(itsm_stats_percentile(v, 3, 50), 20);
	assert_int_equal(itsm_stats_percentile(v, 4, 50), 20);
	assert_int_equal(itsm_stats_percentile(v, 4, 90), 40);	/* ceil 3.6 */
	assert_int_equal(itsm_stats_percentile(v, 10, 50), 50);
	assert_int_equal(itsm_stats_percentile(v, 10, 90), 90);
	assert_int_equal(itsm_stats_percentile(v, 10, 100), 100);
	assert_int_equal(itsm_stats_percentile(v, 10, 1), 10);
	assert_int_equal(itsm_stats_percentile(v, 9, 90), 90);	/* ceil 8.1 */
	/* The ranks lib/stats.c watches for as the times go by in order. */
	assert_int_equal(itsm_stats_rank(0, 50), 0);
	assert_int_equal(itsm_stats_rank(1, 50), 1);
	assert_int_equal(itsm_stats_rank(2, 50), 1);
	assert_int_equal(itsm_stats_rank(4, 90), 4);
	assert_int_equal(itsm_stats_rank(9, 90), 9);
	assert_int_equal(itsm_stats_rank(10, 90), 9);
	assert_int_equal(itsm_stats_rank(10, 0), 1);
	assert_int_equal(itsm_stats_rank(10, 200), 10);
	assert_int_equal(itsm_stats_rank(300000, 50), 150000);
	assert_int_equal(itsm_stats_rank(300001, 90), 270001);
}

/*
 * Ten P3 tickets resolved after 1h .. 10h (opened in a shuffled order)
 * and four P1 after 10m .. 40m: the median and the 90th percentile by
 * nearest rank, per priority and over all.
 */
static void
test_percentiles_by_priority(void **state)
{
	static const int order[] = { 7, 2, 9, 1, 10, 4, 6, 3, 8, 5 };
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	char iso[32];
	int64_t id;
	int i;

	for (i = 0; i < 10; i++) {
		id = open_p3(f, "2026-11-02T08:00:00Z");
		snprintf(iso, sizeof(iso), "2026-11-02T%02d:00:00Z",
		    8 + order[i]);
		resolve(f, id, iso);
	}
	for (i = 1; i <= 4; i++) {
		id = open_at(f, "2026-11-03T08:00:00Z", "high", "high");
		snprintf(iso, sizeof(iso), "2026-11-03T08:%02d:00Z", 10 * i);
		resolve(f, id, iso);
	}
	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(prio(t, "P3")->count, 10);
	assert_int_equal(prio(t, "P3")->median, 5 * 3600);
	assert_int_equal(prio(t, "P3")->p90, 9 * 3600);
	assert_int_equal(prio(t, "P1")->count, 4);
	assert_int_equal(prio(t, "P1")->median, 20 * 60);
	assert_int_equal(prio(t, "P1")->p90, 40 * 60);
	/* All 14: rank 7 is 3h, rank ceil(12.6) = 13 is 9h. */
	assert_int_equal(t->resolve_time.count, 14);
	assert_int_equal(t->resolve_time.median, 3 * 3600);
	assert_int_equal(t->resolve_time.p90, 9 * 3600);
}

/*
 * First-contact resolution: resolved at the first tier with no
 * functional escalation.  Hierarchical escalation does not count; an
 * assignment to a second-tier group does (by the tier); coming back to
 * the first tier after an escalation does not make it first contact.
 */
static void
test_first_contact_resolution(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t a, b, c, d, e, g;
	size_t managers;

	a = open_p3(f, "2026-11-02T08:00:00Z");
	resolve(f, a, "2026-11-02T09:00:00Z");
	b = open_p3(f, "2026-11-02T08:00:00Z");
	escalate(f, b, "2026-11-02T08:30:00Z");
	resolve(f, b, "2026-11-02T09:00:00Z");
	c = open_p3(f, "2026-11-02T08:00:00Z");
	assign(f, c, NULL, "support-l2", "2026-11-02T08:30:00Z");
	resolve(f, c, "2026-11-02T09:00:00Z");
	d = open_p3(f, "2026-11-02T08:00:00Z");
	escalate(f, d, "2026-11-02T08:30:00Z");
	assign(f, d, NULL, "service-desk", "2026-11-02T08:40:00Z");
	resolve(f, d, "2026-11-02T09:00:00Z");
	e = open_p3(f, "2026-11-02T08:00:00Z");	/* never resolved */
	(void)e;
	g = open_p3(f, "2026-11-02T08:00:00Z");
	at(f, "2026-11-02T08:30:00Z");
	assert_int_equal(itsm_ticket_escalate_managers(f->ctx, g, "blocked",
	    "help", 0, &managers, NULL), 0);
	resolve(f, g, "2026-11-02T09:00:00Z");

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->opened, 6);
	assert_int_equal(t->resolved, 5);
	assert_int_equal(t->fcr, 2);		/* a and g */
	assert_true(t->fcr_rate == 0.4);

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_TIER);
	assert_int_equal(itsm_stats_group_count(f->stats), 2);
	assert_string_equal(itsm_stats_group(f->stats, 0)->value, "N1");
	assert_int_equal(itsm_stats_group(f->stats, 0)->opened, 4);
	assert_int_equal(itsm_stats_group(f->stats, 0)->fcr, 2);
	assert_true(itsm_stats_group(f->stats, 0)->fcr_rate == 0.6667);
	assert_string_equal(itsm_stats_group(f->stats, 1)->value, "N2");
	assert_int_equal(itsm_stats_group(f->stats, 1)->opened, 2);
	assert_int_equal(itsm_stats_group(f->stats, 1)->fcr, 0);
	assert_true(itsm_stats_group(f->stats, 1)->fcr_rate == 0);
}

/*
 * Response and resolution compliance over the tickets with due times:
 * met in time, late, or past due still unanswered while the clocks run.
 * A ticket on hold, or not yet due, is neither.
 */
static void
test_sla_compliance(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t a, b, c, d, e;

	/* P1: 15m response, 4h resolution. */
	a = open_at(f, "2026-11-02T08:00:00Z", "high", "high");
	note(f, a, "2026-11-02T08:10:00Z");
	resolve(f, a, "2026-11-02T11:00:00Z");
	b = open_at(f, "2026-11-02T08:00:00Z", "high", "high");
	note(f, b, "2026-11-02T08:20:00Z");
	resolve(f, b, "2026-11-02T13:00:00Z");
	c = open_at(f, "2026-11-02T08:00:00Z", "high", "high");
	d = open_at(f, "2026-11-02T08:00:00Z", NULL, NULL);
	/* P2: 30m response, 8h resolution; on hold from 08:30. */
	e = open_at(f, "2026-11-02T08:00:00Z", "high", "medium");
	note(f, e, "2026-11-02T08:10:00Z");
	at(f, "2026-11-02T08:30:00Z");
	assert_int_equal(itsm_ticket_hold(f->ctx, e, "user", "away", 0), 0);
	(void)c;
	(void)d;

	/* At 09:00 c is late to respond; nothing is late to resolve yet. */
	t = stats(f, "2026-11-02T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->response_met, 2);		/* a, e */
	assert_int_equal(t->response_breached, 2);	/* b, c */
	assert_true(t->response_compliance == 0.5);
	assert_int_equal(t->resolution_met, 1);		/* a */
	assert_int_equal(t->resolution_breached, 1);	/* b, late */
	assert_true(t->resolution_compliance == 0.5);

	/* At 14:00 c is past its resolution due time too; e is on hold. */
	t = stats(f, "2026-11-02T14:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->response_met, 2);
	assert_int_equal(t->response_breached, 2);
	assert_int_equal(t->resolution_met, 1);
	assert_int_equal(t->resolution_breached, 2);	/* b, c */
	assert_true(t->resolution_compliance == 0.3333);

	/* The next day e is past the due time it had, but on hold. */
	t = stats(f, "2026-11-03T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->resolution_met, 1);
	assert_int_equal(t->resolution_breached, 2);
}

/* Reassignment, reopening and satisfaction, and the closed count. */
static void
test_reassign_reopen_satisfaction(void **state)
{
	static const int sat[] = { 5, 4, 4, 1 };
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t a, b, c, h, id;
	int i;

	a = open_p3(f, "2026-11-02T08:00:00Z");
	assign(f, a, "alice", NULL, "2026-11-02T08:10:00Z");	/* taken */
	assign(f, a, "bob", NULL, "2026-11-02T08:20:00Z");	/* 1 */
	assign(f, a, NULL, "support-l2", "2026-11-02T08:30:00Z");	/* 2 */
	b = open_p3(f, "2026-11-02T08:00:00Z");
	assign(f, b, "alice", NULL, "2026-11-02T08:10:00Z");
	c = open_p3(f, "2026-11-02T08:00:00Z");
	escalate(f, c, "2026-11-02T08:30:00Z");			/* 1 */
	for (i = 0; i < 4; i++) {
		id = open_p3(f, "2026-11-02T08:00:00Z");
		resolve(f, id, "2026-11-02T09:00:00Z");
		close_(f, id, "2026-11-02T10:00:00Z", sat[i]);
	}
	h = open_p3(f, "2026-11-02T08:00:00Z");
	resolve(f, h, "2026-11-02T09:00:00Z");
	close_(f, h, "2026-11-02T10:00:00Z", 3);
	at(f, "2026-11-02T11:00:00Z");
	assert_int_equal(itsm_ticket_reopen(f->ctx, h, "broken again", 0), 0);
	(void)b;

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->opened, 8);
	assert_int_equal(t->closed, 4);
	assert_int_equal(t->backlog, 4);	/* a, b, c, h */
	assert_int_equal(t->resolved, 4);
	assert_int_equal(t->reassigned, 2);	/* a, c */
	assert_int_equal(t->reassignments, 3);
	assert_true(t->reassignment_rate == 0.25);
	assert_true(t->reassignment_mean == 0.375);
	assert_int_equal(t->reopened, 1);
	assert_true(t->reopen_rate == 0.125);
	/* h's answer went with its reopening. */
	assert_int_equal(t->satisfaction_count, 4);
	assert_true(t->satisfaction_mean == 3.5);
	assert_int_equal(t->satisfaction[0], 1);
	assert_int_equal(t->satisfaction[1], 0);
	assert_int_equal(t->satisfaction[2], 0);
	assert_int_equal(t->satisfaction[3], 2);
	assert_int_equal(t->satisfaction[4], 1);
}

/*
 * The period: opened in [since, until); closed in it whenever opened;
 * the backlog as it stood at until, from the status history.
 */
static void
test_period_boundaries(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t;
	int64_t a, b, d, e, g;

	a = open_p3(f, "2026-11-01T00:00:00Z");
	resolve(f, a, "2026-11-05T00:00:00Z");
	close_(f, a, "2026-11-10T00:00:00Z", 0);	/* exactly at since */
	b = open_p3(f, "2026-11-10T00:00:00Z");		/* exactly at since */
	resolve(f, b, "2026-11-12T00:00:00Z");
	close_(f, b, "2026-11-19T23:59:59Z", 0);
	open_p3(f, "2026-11-19T23:59:59Z");		/* c: still new */
	d = open_p3(f, "2026-11-20T00:00:00Z");		/* exactly at until */
	resolve(f, d, "2026-11-21T00:00:00Z");
	close_(f, d, "2026-11-22T00:00:00Z", 0);
	e = open_p3(f, "2026-11-05T00:00:00Z");
	resolve(f, e, "2026-11-20T00:00:00Z");		/* exactly at until */
	g = open_p3(f, "2026-11-15T00:00:00Z");
	resolve(f, g, "2026-11-16T00:00:00Z");
	close_(f, g, "2026-11-20T00:00:00Z", 0);	/* exactly at until */

	t = stats(f, "2026-11-28T09:00:00Z", "2026-11-10T00:00:00Z",
	    "2026-11-20T00:00:00Z", ITSM_BY_NONE);
	assert_int_equal(t->opened, 3);		/* b, c, g */
	assert_int_equal(t->closed, 2);		/* a, b */
	assert_int_equal(t->backlog, 2);	/* c, and e resolved at until */
	assert_int_equal(t->resolved, 2);	/* b, g */
	assert_int_equal(t->resolve_time.median, 86400);
	assert_int_equal(t->resolve_time.p90, 2 * 86400);

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_NONE);
	assert_int_equal(t->opened, 6);
	assert_int_equal(t->closed, 4);		/* a, b, d, g */
	assert_int_equal(t->backlog, 1);	/* c */

	t = stats(f, "2026-11-28T09:00:00Z", "2026-11-10T00:00:00Z", NULL,
	    ITSM_BY_NONE);
	assert_int_equal(t->opened, 4);		/* b, c, d, g */
	assert_int_equal(t->closed, 4);		/* a, b, d, g */
	assert_int_equal(t->backlog, 1);	/* now: c */

	t = stats(f, "2026-11-28T09:00:00Z", NULL, "2026-11-20T00:00:00Z",
	    ITSM_BY_NONE);
	assert_int_equal(t->opened, 5);		/* a, b, c, e, g */
	assert_int_equal(t->closed, 2);		/* a, b */
	assert_int_equal(t->backlog, 2);	/* c, e */

	/* A second later e is resolved, g closed, and d is open. */
	t = stats(f, "2026-11-28T09:00:00Z", NULL, "2026-11-20T00:00:01Z",
	    ITSM_BY_NONE);
	assert_int_equal(t->opened, 6);
	assert_int_equal(t->closed, 3);		/* a, b, g */
	assert_int_equal(t->backlog, 2);	/* c, d */

	/* The backlog at a time before a ticket's opening leaves it out. */
	t = stats(f, "2026-11-28T09:00:00Z", NULL, "2026-11-01T00:00:00Z",
	    ITSM_BY_NONE);
	assert_int_equal(t->opened, 0);
	assert_int_equal(t->backlog, 0);
	t = stats(f, "2026-11-28T09:00:00Z", NULL, "2026-11-01T00:00:01Z",
	    ITSM_BY_NONE);
	assert_int_equal(t->backlog, 1);
}

static void
test_empty_period_refused(void **state)
{
	struct fx *f = *state;
	struct itsm_stats_query q = { .has_since = 1, .has_until = 1 };
	itsm_stats *s = NULL;

	q.since = q.until = T("2026-11-10T00:00:00Z");
	assert_int_equal(itsm_stats_get(f->ctx, &q, &s), ITSM_E_INVALID);
	assert_null(s);
	assert_non_null(strstr(itsm_errmsg(), "--since must be before"));
	q.since = q.until + 1;
	assert_int_equal(itsm_stats_get(f->ctx, &q, &s), ITSM_E_INVALID);
}

/*
 * --by category: the policy's order (hardware before software), then
 * none; each group's figures, and the groups adding up to the total.
 */
static void
test_by_category(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t, *g;
	int64_t id;

	id = open_cat(f, "2026-11-02T08:00:00Z", NULL, NULL, "software");
	id = open_cat(f, "2026-11-02T08:00:00Z", "high", "high", "hardware");
	resolve(f, id, "2026-11-02T09:00:00Z");
	open_cat(f, "2026-11-02T08:00:00Z", "low", "low", "hardware");
	id = open_p3(f, "2026-11-02T08:00:00Z");
	resolve(f, id, "2026-11-02T10:00:00Z");

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_CATEGORY);
	assert_int_equal(t->opened, 4);
	assert_int_equal(t->resolved, 2);
	assert_int_equal(itsm_stats_group_count(f->stats), 3);
	g = itsm_stats_group(f->stats, 0);
	assert_string_equal(g->value, "hardware");
	assert_int_equal(g->opened, 2);
	assert_int_equal(g->backlog, 1);
	assert_int_equal(g->resolved, 1);
	assert_int_equal(g->npriorities, t->npriorities);
	assert_int_equal(prio(g, "P1")->median, 3600);
	assert_int_equal(prio(g, "P3")->count, 0);
	g = itsm_stats_group(f->stats, 1);
	assert_string_equal(g->value, "software");
	assert_int_equal(g->opened, 1);
	assert_int_equal(g->resolved, 0);
	assert_int_equal(g->resolve_time.median, -1);
	g = itsm_stats_group(f->stats, 2);
	assert_null(g->value);
	assert_int_equal(g->opened, 1);
	assert_int_equal(prio(g, "P3")->median, 7200);
	assert_int_equal(t->resolve_time.count, 2);
	assert_int_equal(t->resolve_time.median, 3600);
	assert_int_equal(t->resolve_time.p90, 7200);
}

/*
 * --by priority: the policy's order, then a priority the policy does not
 * know (as an import may bring), then none; the total's list of
 * priorities gains the unknown one after the policy's.
 */
static void
test_by_priority(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t, *g;
	int64_t a, b, c;

	a = open_p3(f, "2026-11-02T08:00:00Z");
	resolve(f, a, "2026-11-02T09:00:00Z");
	b = open_at(f, "2026-11-02T08:00:00Z", "high", "high");
	resolve(f, b, "2026-11-02T08:30:00Z");
	c = open_p3(f, "2026-11-02T08:00:00Z");
	resolve(f, c, "2026-11-02T11:00:00Z");
	open_at(f, "2026-11-02T08:00:00Z", NULL, NULL);
	sql(f, "UPDATE tickets SET priority = 'Legacy' WHERE id = 3");

	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_PRIORITY);
	assert_int_equal(t->npriorities, 6);
	assert_string_equal(t->by_priority[5].priority, "Legacy");
	assert_int_equal(t->by_priority[5].median, 3 * 3600);
	assert_int_equal(prio(t, "P3")->median, 3600);
	assert_int_equal(itsm_stats_group_count(f->stats), 4);
	g = itsm_stats_group(f->stats, 0);
	assert_string_equal(g->value, "P1");
	assert_int_equal(g->resolve_time.median, 1800);
	g = itsm_stats_group(f->stats, 1);
	assert_string_equal(g->value, "P3");
	assert_int_equal(g->opened, 1);
	g = itsm_stats_group(f->stats, 2);
	assert_string_equal(g->value, "Legacy");
	assert_int_equal(g->opened, 1);
	assert_int_equal(prio(g, "Legacy")->count, 1);
	g = itsm_stats_group(f->stats, 3);
	assert_null(g->value);
	assert_int_equal(g->opened, 1);
	assert_int_equal(g->backlog, 1);
	assert_int_equal(g->resolved, 0);
}

static void
test_by_parse(void **state)
{
	enum itsm_stats_by by = ITSM_BY_NONE;

	(void)state;
	assert_int_equal(itsm_stats_by_parse("group", &by), 0);
	assert_int_equal(by, ITSM_BY_GROUP);
	assert_int_equal(itsm_stats_by_parse("Tier", &by), 0);
	assert_int_equal(by, ITSM_BY_TIER);
	assert_int_equal(itsm_stats_by_parse("channel", &by), 0);
	assert_int_equal(by, ITSM_BY_CHANNEL);
	assert_int_equal(itsm_stats_by_parse("assignee", &by), ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown --by value 'assignee' "
	    "(expected priority, group, category, channel or tier)");
	assert_int_equal(itsm_stats_by_parse("", &by), ITSM_E_INVALID);
	assert_string_equal(itsm_stats_by_name(ITSM_BY_CATEGORY), "category");
	assert_null(itsm_stats_by_name(ITSM_BY_NONE));
}

static void
test_ratio(void **state)
{
	(void)state;
	assert_true(itsm_stats_ratio(1, 0) == -1);
	assert_true(itsm_stats_ratio(0, 5) == 0);
	assert_true(itsm_stats_ratio(1, 3) == 0.3333);
	assert_true(itsm_stats_ratio(2, 3) == 0.6667);
	assert_true(itsm_stats_ratio(1, 8) == 0.125);
	assert_true(itsm_stats_ratio(1, 20000) == 0.0001);	/* half up */
	assert_true(itsm_stats_ratio(1, 20001) == 0);
	assert_true(itsm_stats_ratio(7, 7) == 1);
}

/* Whether two lists of times per priority are the same. */
static void
same_times(const struct itsm_stats_time *a, const struct itsm_stats_time *b)
{
	if (a->priority == NULL)
		assert_null(b->priority);
	else
		assert_string_equal(a->priority, b->priority);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->median, b->median);
	assert_int_equal(a->p90, b->p90);
}

/* Whether two groups' figures are the same, field by field. */
static void
same_figures(const struct itsm_stats_figures *a,
    const struct itsm_stats_figures *b)
{
	size_t i;

	if (a->value == NULL)
		assert_null(b->value);
	else
		assert_string_equal(a->value, b->value);
	assert_int_equal(a->opened, b->opened);
	assert_int_equal(a->closed, b->closed);
	assert_int_equal(a->backlog, b->backlog);
	assert_int_equal(a->resolved, b->resolved);
	same_times(&a->resolve_time, &b->resolve_time);
	assert_int_equal(a->npriorities, b->npriorities);
	for (i = 0; i < a->npriorities; i++)
		same_times(&a->by_priority[i], &b->by_priority[i]);
	assert_int_equal(a->response_met, b->response_met);
	assert_int_equal(a->response_breached, b->response_breached);
	assert_int_equal(a->resolution_met, b->resolution_met);
	assert_int_equal(a->resolution_breached, b->resolution_breached);
	assert_int_equal(a->fcr, b->fcr);
	assert_int_equal(a->fcr_base, b->fcr_base);
	assert_int_equal(a->reassigned, b->reassigned);
	assert_int_equal(a->reassignments, b->reassignments);
	assert_int_equal(a->reopened, b->reopened);
	assert_int_equal(a->satisfaction_count, b->satisfaction_count);
	for (i = 0; i < 5; i++)
		assert_int_equal(a->satisfaction[i], b->satisfaction[i]);
	assert_true(a->response_compliance == b->response_compliance);
	assert_true(a->resolution_compliance == b->resolution_compliance);
	assert_true(a->fcr_rate == b->fcr_rate);
	assert_true(a->satisfaction_mean == b->satisfaction_mean);
}

/*
 * Past the times kept in memory, the times go to the engine's sorter:
 * the figures are the same, to the last percentile, whether it spills
 * after one time or never.
 */
static void
test_spilled_times_same_figures(void **state)
{
	static const char *const imp[] = { "high", "medium", "low" };
	static const char *const cat[] = { "hardware", "software", NULL };
	struct fx *f = *state;
	struct itsm_stats_query q = { .by = ITSM_BY_CATEGORY };
	itsm_stats *mem = NULL, *spilled = NULL;
	char iso[32];
	size_t i;
	int64_t id;

	for (i = 0; i < 30; i++) {
		snprintf(iso, sizeof(iso), "2026-11-%02zuT08:00:00Z",
		    2 + i % 9);
		id = open_cat(f, iso, imp[i % 3], imp[(i / 3) % 3],
		    cat[i % 3]);
		if (i % 7 == 6)
			continue;	/* stays open */
		snprintf(iso, sizeof(iso), "2026-11-%02zuT%02zu:%02zu:00Z",
		    2 + i % 9, 9 + i % 11, (i * 17) % 60);
		resolve(f, id, iso);
	}
	at(f, "2026-11-28T09:00:00Z");
	assert_int_equal(itsm_stats_get(f->ctx, &q, &mem), 0);
	stats_test_set_samples_max(1);
	assert_int_equal(itsm_stats_get(f->ctx, &q, &spilled), 0);
	stats_test_set_samples_max(0);
	assert_int_equal(itsm_stats_total(mem)->resolve_time.count, 26);
	same_figures(itsm_stats_total(mem), itsm_stats_total(spilled));
	assert_int_equal(itsm_stats_group_count(mem), 3);
	assert_int_equal(itsm_stats_group_count(spilled), 3);
	for (i = 0; i < 3; i++)
		same_figures(itsm_stats_group(mem, i),
		    itsm_stats_group(spilled, i));
	itsm_stats_free(mem);
	itsm_stats_free(spilled);
}

/*
 * The engine's sorter through the interface: triples added in any
 * order come back once each, by time.
 */
static void
test_sorter(void **state)
{
	struct fx *f = *state;
	struct store_sorter *t = NULL;
	struct store_rows *r = NULL;
	const struct store_value *v;
	int64_t prev = INT64_MIN, gsum = 0;
	size_t i, n, rows = 0;
	int rc;

	assert_int_equal(store_sorter_open(f->store, &t), 0);
	for (i = 0; i < 500; i++)
		assert_int_equal(store_sorter_add(f->store, t,
		    (int64_t)((i * 7919) % 101), (int64_t)i, (int64_t)(i % 5)),
		    0);
	assert_int_equal(store_sorter_rows(f->store, t, &r), 0);
	while ((rc = store_rows_next(f->store, r, &v, &n)) == 1) {
		assert_int_equal(n, 3);
		assert_int_equal(v[0].type, STORE_INT);
		assert_true(v[0].i >= prev);
		assert_int_equal(v[0].i, (v[1].i * 7919) % 101);
		assert_int_equal(v[2].i, v[1].i % 5);
		prev = v[0].i;
		gsum += v[1].i;
		rows++;
	}
	assert_int_equal(rc, 0);
	store_rows_free(f->store, r);
	store_sorter_close(f->store, t);
	assert_int_equal(rows, 500);
	assert_int_equal(gsum, 499 * 500 / 2);
	/* Closed, it leaves nothing behind: another opens afresh. */
	assert_int_equal(store_sorter_open(f->store, &t), 0);
	assert_int_equal(store_sorter_rows(f->store, t, &r), 0);
	assert_int_equal(store_rows_next(f->store, r, &v, &n), 0);
	store_rows_free(f->store, r);
	store_sorter_close(f->store, t);
	store_sorter_close(f->store, NULL);
}

/*
 * Many values of the field: each ticket finds its group (a hash that
 * grows as they come), and the groups come out in order, none last.
 */
static void
test_many_groups(void **state)
{
	struct fx *f = *state;
	const struct itsm_stats_figures *t, *g;
	char want[8];
	size_t i;

	sql(f, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 299) INSERT INTO tickets (status, summary, "
	    "caller, affected, group_name, opened_at, updated_at) SELECT "
	    "'new', 's', 'c', 'c', printf('g%03d', (i * 7) % 150), 1000, "
	    "1000 FROM n; INSERT INTO tickets (status, summary, caller, "
	    "affected, opened_at, updated_at) VALUES ('on_hold', 's', 'c', "
	    "'c', 1000, 1000)");
	t = stats(f, "2026-11-28T09:00:00Z", NULL, NULL, ITSM_BY_GROUP);
	assert_int_equal(t->opened, 301);
	assert_int_equal(t->backlog, 301);
	assert_int_equal(itsm_stats_group_count(f->stats), 151);
	for (i = 0; i < 150; i++) {
		g = itsm_stats_group(f->stats, i);
		snprintf(want, sizeof(want), "g%03zu", i);
		assert_string_equal(g->value, want);
		assert_int_equal(g->opened, 2);
		assert_int_equal(g->backlog, 2);
	}
	g = itsm_stats_group(f->stats, 150);
	assert_null(g->value);
	assert_int_equal(g->opened, 1);
	assert_int_equal(g->backlog, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_database, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_hold_excluded_from_resolve_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_gap_excluded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_imported_histories,
		    setup, teardown),
		cmocka_unit_test(test_percentile_function),
		cmocka_unit_test_setup_teardown(test_percentiles_by_priority,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_contact_resolution,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_sla_compliance, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reassign_reopen_satisfaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_period_boundaries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_period_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_category, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_by_priority, setup,
		    teardown),
		cmocka_unit_test(test_by_parse),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test_setup_teardown(
		    test_spilled_times_same_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_groups, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of lib/sla.c through the operations that move the clocks:
 * due times, pauses on hold, breach states, re-prioritization, resolution.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/itsm.h"

struct fx {
	char dir[64], db[96];
	itsm_store *store;
	itsm_policy *policy;
	itsm_ctx *ctx;
};

static int64_t
T(const char *iso)
{
	int64_t t = 0;

	assert_int_equal(itsm_time_parse(iso, 0, &t), 0);
	return t;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/itsm-sla.XXXXXX");
	if (f == NULL || mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	if (itsm_policy_load_file(&f->policy, NULL) != 0 ||
	    itsm_store_open(&f->store, f->db, 0) != 0 ||
	    itsm_ctx_new(&f->ctx, f->store, f->policy) != 0)
		return -1;
	itsm_ctx_set_hooks(f->ctx, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char path[128];

	itsm_ctx_free(f->ctx);
	itsm_store_close(f->store);
	itsm_policy_free(f->policy);
	unlink(f->db);
	snprintf(path, sizeof(path), "%s-wal", f->db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", f->db);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
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
		cmocka_unit_test_setup_teardown(test_unprioritized, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("sla", tests, NULL, NULL);
}

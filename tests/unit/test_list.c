/*
 * Unit tests of the work queue's reading (lib/ticket_read.c, itsm_list):
 * a filter's field mask reads the fields asked for and no others, the
 * texts of a row are the stored ones, and the rows come in queue order;
 * the engine selects the breached and the stagnant tickets the rules in
 * C (tk_breached, tk_stagnant) name, for every combination of values;
 * the engine says a ticket exists without a message; the fields table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/itsm.h"
#include "store_int.h"
#include "ticket_int.h"

#include "fixture.h"

/* The fixture, its clock at 2026-11-28T08:00:00Z. */
static int
setup_at_8(void **state)
{
	int64_t now = 0;

	if (setup(state) != 0 ||
	    itsm_time_parse("2026-11-28T08:00:00Z", 0, &now) != 0)
		return -1;
	itsm_ctx_set_now(((struct fx *)*state)->ctx, now);
	return 0;
}

/* Two tickets: INC-1 (P5, low/low) and REQ-2 (a request: redirected). */
static void
two_tickets(struct fx *f)
{
	struct itsm_open_args a = { .summary = "printer jammed",
	    .caller = "alice", .affected = "bob", .impact = "low",
	    .urgency = "low" };
	struct itsm_open_args b = { .summary = "new laptop", .caller = "carol",
	    .type = "request" };
	int64_t id;

	assert_int_equal(itsm_ticket_open(f->ctx, &a, &id), 0);
	assert_true(id == 1);
	assert_int_equal(itsm_ticket_open(f->ctx, &b, &id), 0);
	assert_true(id == 2);
}

/* Reads the queue with f and checks the second row has what it should. */
static void
test_mask_reads_only_the_fields_asked(void **state)
{
	struct fx *f = *state;
	struct itsm_filter fl = { .all = 1, .fields =
	    ITSM_FIELD_BIT(ITSM_F_REF) | ITSM_FIELD_BIT(ITSM_F_SUMMARY) |
	    ITSM_FIELD_BIT(ITSM_F_OPENED_AT) };
	const itsm_ticket *t;
	itsm_iter *it;
	int n = 0;

	two_tickets(f);
	assert_int_equal(itsm_list(f->ctx, &fl, &it), 0);
	while (itsm_iter_next(it, &t) == 1) {
		n++;
		/* The unprioritized one last: the queue's order holds. */
		assert_string_equal(itsm_ticket_str(t, ITSM_F_REF),
		    n == 1 ? "INC-1" : "REQ-2");
		assert_string_equal(itsm_ticket_str(t, ITSM_F_SUMMARY),
		    n == 1 ? "printer jammed" : "new laptop");
		assert_string_equal(itsm_ticket_str(t, ITSM_F_OPENED_AT),
		    "2026-11-28T08:00:00Z");
		assert_true(itsm_ticket_int(t, ITSM_F_ID) == n);
		/* Not asked for: not read. */
		assert_null(itsm_ticket_str(t, ITSM_F_CALLER));
		assert_null(itsm_ticket_str(t, ITSM_F_PRIORITY));
		assert_null(itsm_ticket_str(t, ITSM_F_UPDATED_AT));
		assert_null(itsm_ticket_json(t));
	}
	assert_int_equal(n, 2);
	itsm_iter_free(it);
}

static void
test_no_mask_reads_every_field(void **state)
{
	struct fx *f = *state;
	struct itsm_filter fl = { .all = 1 };
	const itsm_ticket *t;
	itsm_ticket *one;
	itsm_iter *it;
	int i, n = 0;

	two_tickets(f);
	assert_int_equal(itsm_list(f->ctx, &fl, &it), 0);
	while (itsm_iter_next(it, &t) == 1) {
		n++;
		/* The row holds what reading the ticket alone gives. */
		assert_int_equal(itsm_ticket_get(f->ctx,
		    itsm_ticket_int(t, ITSM_F_ID), &one), 0);
		for (i = 0; i < ITSM_NFIELDS; i++) {
			const char *a = itsm_ticket_str(t, (enum itsm_field)i);
			const char *b = itsm_ticket_str(one,
			    (enum itsm_field)i);

			if (b == NULL) {
				assert_null(a);
			} else {
				assert_non_null(a);
				assert_string_equal(a, b);
			}
			assert_true(itsm_ticket_int(t, (enum itsm_field)i) ==
			    itsm_ticket_int(one, (enum itsm_field)i));
		}
		assert_string_equal(itsm_ticket_str(t, ITSM_F_MAJOR), "false");
		assert_string_equal(itsm_ticket_str(t, ITSM_F_REOPEN_COUNT),
		    "0");
		itsm_ticket_free(one);
	}
	assert_int_equal(n, 2);
	itsm_iter_free(it);
}

/* The breached mark needs its fields, which ITSM_FIELDS_BREACHED names. */
static void
test_breached_fields(void **state)
{
	struct fx *f = *state;
	struct itsm_filter fl = { .fields = ITSM_FIELD_BIT(ITSM_F_REF) |
	    ITSM_FIELDS_BREACHED };
	const itsm_ticket *t;
	itsm_iter *it;
	int64_t later = 0;
	int n = 0;

	two_tickets(f);
	/* A year later INC-1 (the open queue's one) is past its due times. */
	assert_int_equal(itsm_time_parse("2027-11-28T08:00:00Z", 0, &later),
	    0);
	assert_int_equal(itsm_list(f->ctx, &fl, &it), 0);
	while (itsm_iter_next(it, &t) == 1) {
		n++;
		assert_string_equal(itsm_ticket_str(t, ITSM_F_REF), "INC-1");
		assert_true(itsm_ticket_breached(t, later));
		assert_false(itsm_ticket_breached(t, itsm_ctx_now(f->ctx)));
		assert_null(itsm_ticket_str(t, ITSM_F_SUMMARY));
	}
	assert_int_equal(n, 1);
	itsm_iter_free(it);
}

/* Stores a ticket with these values (NULL or 0 flags: NULL). */
static int64_t
put_ticket(struct fx *f, const char *status, const char *priority,
    int64_t updated, const int64_t *responded, const int64_t *resolved,
    const int64_t *response_due, const int64_t *resolution_due)
{
	struct store_set set[12];
	size_t n = 0;
	int64_t id = 0;

#define TXT(k, v) set[n++] = (struct store_set){ .key = (k), .text = (v) }
#define NUM(k, v) set[n++] = (v) == NULL ? \
	(struct store_set){ .key = (k), .text = NULL } : \
	(struct store_set){ .key = (k), .num = *(v), .is_int = 1 }
	TXT(ITSM_F_TYPE, "incident");
	TXT(ITSM_F_STATUS, status);
	TXT(ITSM_F_SUMMARY, "rule");
	TXT(ITSM_F_CALLER, "alice");
	TXT(ITSM_F_AFFECTED, "alice");
	TXT(ITSM_F_PRIORITY, priority);
	NUM(ITSM_F_OPENED_AT, &updated);
	NUM(ITSM_F_UPDATED_AT, &updated);
	NUM(ITSM_F_RESPONDED_AT, responded);
	NUM(ITSM_F_RESOLVED_AT, resolved);
	NUM(ITSM_F_RESPONSE_DUE, response_due);
	NUM(ITSM_F_RESOLUTION_DUE, resolution_due);
#undef TXT
#undef NUM
	assert_int_equal(store_ticket_insert(f->store, set, n, &id), 0);
	return id;
}

#define MAX_RULE 2048

/* Marks in sel the ids of q's rows; returns how many. */
static int
engine_selects(struct fx *f, const struct store_query *q, char *sel)
{
	const struct store_value *row;
	struct store_rows *r = NULL;
	size_t n;
	int rc, count = 0;

	memset(sel, 0, MAX_RULE);
	assert_int_equal(store_ticket_select(f->store, q, &r), 0);
	while ((rc = store_rows_next(f->store, r, &row, &n)) == 1) {
		assert_true(row[0].type == STORE_INT && row[0].i > 0 &&
		    row[0].i < MAX_RULE);
		assert_false(sel[row[0].i]);
		sel[row[0].i] = 1;
		count++;
	}
	assert_int_equal(rc, 0);
	store_rows_free(f->store, r);
	return count;
}

/* Marks in sel the ids itsm_list gives for fl. */
static void
list_selects(struct fx *f, const struct itsm_filter *fl, char *sel)
{
	const itsm_ticket *t;
	itsm_iter *it;

	memset(sel, 0, MAX_RULE);
	assert_int_equal(itsm_list(f->ctx, fl, &it), 0);
	while (itsm_iter_next(it, &t) == 1)
		sel[itsm_ticket_int(t, ITSM_F_ID)] = 1;
	itsm_iter_free(it);
}

/* Marks in sel the ids a sweep would escalate. */
static void
sweep_selects(struct fx *f, int breached, char *sel)
{
	int64_t *ids;
	size_t n, i;

	memset(sel, 0, MAX_RULE);
	assert_int_equal(tk_sweep_ids(f->ctx, breached, &ids, &n), 0);
	for (i = 0; i < n; i++)
		sel[ids[i]] = 1;
	free(ids);
}

static const char *const rule_status[] = { "new", "in_progress", "on_hold",
    "resolved", "closed", "cancelled" };
#define NSTATUS (sizeof(rule_status) / sizeof(rule_status[0]))

/*
 * Breached: every status, met or not, each due time missing, past, at
 * now, or ahead: the engine's selection (the query's bound, the list, the
 * sweep) is the tickets itsm_ticket_breached() names.
 */
static void
test_breached_rule_is_the_engines(void **state)
{
	struct fx *f = *state;
	int64_t now = itsm_ctx_now(f->ctx), met = now - 7200;
	int64_t due[3] = { now - 1, now, now + 1 };
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_ID,
	    .want = SK_BIT(ITSM_F_ID) };
	struct itsm_filter all = { .all = 1, .fields = ITSM_FIELDS_BREACHED };
	struct itsm_filter open = { .breached = 1 };
	struct itsm_filter every = { .all = 1, .breached = 1 };
	static char want[MAX_RULE], got[MAX_RULE];
	const itsm_ticket *t;
	itsm_iter *it;
	size_t s;
	int a, b, c, d, n = 0, yes = 0;

	assert_int_equal(itsm_store_begin(f->store), 0);
	for (s = 0; s < NSTATUS; s++)
		for (a = 0; a < 2; a++)
			for (b = 0; b < 2; b++)
				for (c = 0; c < 4; c++)
					for (d = 0; d < 4; d++, n++)
						put_ticket(f, rule_status[s],
						    "P3", now - 60,
						    a ? &met : NULL,
						    b ? &met : NULL,
						    c ? &due[c - 1] : NULL,
						    d ? &due[d - 1] : NULL);
	assert_int_equal(itsm_store_commit(f->store), 0);
	assert_true(n < MAX_RULE);
	memset(want, 0, sizeof(want));
	assert_int_equal(itsm_list(f->ctx, &all, &it), 0);
	while (itsm_iter_next(it, &t) == 1)
		if ((want[itsm_ticket_int(t, ITSM_F_ID)] =
		    (char)itsm_ticket_breached(t, now)))
			yes++;
	itsm_iter_free(it);
	assert_true(yes > 0 && yes < n);
	tk_query_breached(&q, now);
	assert_int_equal(engine_selects(f, &q, got), yes);
	assert_memory_equal(got, want, MAX_RULE);
	list_selects(f, &open, got);
	assert_memory_equal(got, want, MAX_RULE);
	list_selects(f, &every, got);
	assert_memory_equal(got, want, MAX_RULE);
	sweep_selects(f, 1, got);
	assert_memory_equal(got, want, MAX_RULE);
}

/*
 * Stagnant: every status, the policy's priorities, none, unknown ones
 * (before, between and after the names, another case), each last
 * activity just before, at and just after every cut: the engine's
 * selection (the query's bounds, the list, the sweep) is the tickets
 * tk_stagnant() names.
 */
static void
test_stagnant_rule_is_the_engines(void **state)
{
	struct fx *f = *state;
	static const char *const pri[] = { "P1", "P2", "P3", "P4", "P5", NULL,
	    "P0", "P35", "PX", "Z", "p1", "" };
	int64_t now = itsm_ctx_now(f->ctx), at;
	struct store_query q = { .scope = STORE_ALL, .order = STORE_BY_QUEUE,
	    .want = SK_BIT(ITSM_F_ID) };
	struct itsm_filter all = { .all = 1 };
	struct itsm_filter open = { .stagnant = 1 };
	struct itsm_filter every = { .all = 1, .stagnant = 1 };
	static char want[MAX_RULE], got[MAX_RULE];
	const itsm_ticket *t;
	struct tk_cuts k;
	itsm_iter *it;
	size_t s, p, c;
	int d, n = 0, yes = 0;

	assert_int_equal(tk_stagnant_cuts(f->policy, now, &k), 0);
	assert_true(k.n == 5);
	assert_int_equal(itsm_store_begin(f->store), 0);
	for (s = 0; s < NSTATUS; s++)
		for (p = 0; p < sizeof(pri) / sizeof(pri[0]); p++)
			for (c = 0; c < k.n; c++)
				for (d = -1; d <= 1; d++, n++) {
					at = k.at[c] + d;
					put_ticket(f, rule_status[s], pri[p],
					    at, NULL, NULL, NULL, NULL);
				}
	assert_int_equal(itsm_store_commit(f->store), 0);
	assert_true(n < MAX_RULE);
	memset(want, 0, sizeof(want));
	assert_int_equal(itsm_list(f->ctx, &all, &it), 0);
	while (itsm_iter_next(it, &t) == 1)
		if ((want[itsm_ticket_int(t, ITSM_F_ID)] = (char)tk_stagnant(&k,
		    itsm_ticket_str(t, ITSM_F_STATUS),
		    itsm_ticket_str(t, ITSM_F_PRIORITY),
		    itsm_ticket_str(t, ITSM_F_GROUP),
		    itsm_ticket_str(t, ITSM_F_SERVICE), 1,
		    itsm_ticket_int(t, ITSM_F_UPDATED_AT))))
			yes++;
	itsm_iter_free(it);
	assert_true(yes > 0 && yes < n);
	tk_query_stagnant(&q, &k);
	assert_int_equal(engine_selects(f, &q, got), yes);
	assert_memory_equal(got, want, MAX_RULE);
	list_selects(f, &open, got);
	assert_memory_equal(got, want, MAX_RULE);
	list_selects(f, &every, got);
	assert_memory_equal(got, want, MAX_RULE);
	sweep_selects(f, 0, got);
	assert_memory_equal(got, want, MAX_RULE);
}

/* A real read as a text is written as a database writes it. */
static void
test_real_as_text(void **state)
{
	static const struct { double r; const char *s; } v[] = {
		{ 2.0, "2.0" }, { 1.5, "1.5" }, { 1e20, "1.0e+20" },
		{ 1e-5, "1.0e-05" }, { -3.0, "-3.0" },
		{ 123456789012345678.0, "1.23456789012346e+17" },
		{ 1.0 / 3, "0.333333333333333" }, { 0.1, "0.1" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tk_format_real(v[i].r, buf, sizeof(buf));
		assert_string_equal(buf, v[i].s);
	}
	tk_format_real(HUGE_VAL, buf, sizeof(buf));
	assert_string_equal(buf, "Inf");
	tk_format_real(-HUGE_VAL, buf, sizeof(buf));
	assert_string_equal(buf, "-Inf");
}

/*
 * The engine's insert says a ticket exists (the same ext_ref) with
 * STORE_EXISTS, not a message, and inserts nothing.
 */
static void
test_insert_exists(void **state)
{
	struct fx *f = *state;
	struct store_set set[] = {
		{ .key = ITSM_F_SUMMARY, .text = "s" },
		{ .key = ITSM_F_CALLER, .text = "alice" },
		{ .key = ITSM_F_AFFECTED, .text = "alice" },
		{ .key = ITSM_F_OPENED_AT, .num = 1, .is_int = 1 },
		{ .key = ITSM_F_UPDATED_AT, .num = 1, .is_int = 1 },
		{ .key = SK_EXT_REF, .text = "INC0000001" },
	};
	size_t n = sizeof(set) / sizeof(set[0]);
	int64_t id = 0, again = 0, found = 0;

	assert_int_equal(store_ticket_insert(f->store, set, n, &id), 0);
	assert_int_equal(store_ticket_insert(f->store, set, n, &again),
	    STORE_EXISTS);
	assert_int_equal(store_ticket_find_ext(f->store, "INC0000001", &found),
	    0);
	assert_true(found == id);
	set[5].text = "INC0000002";
	assert_int_equal(store_ticket_insert(f->store, set, n, &again), 0);
	assert_true(again == id + 1);
}

/*
 * The fields table: a name for every key, one key per name, the fields
 * of "store" after the ticket object's, and import reads every stored
 * field an engine may write.
 */
static void
test_fields_table(void **state)
{
#define NAME_(key, name, kind, flags) [key] = name,
	static const char *const names[SK_NKEYS] = { TK_FIELDS(NAME_) };
#undef NAME_
#define FLAGS_(key, name, kind, flags) [key] = flags,
	static const int flags[SK_NKEYS] = { TK_FIELDS(FLAGS_) };
#undef FLAGS_
	int k, l;

	(void)state;
	for (k = 0; k < SK_NKEYS; k++) {
		assert_non_null(names[k]);
		assert_true(names[k][0] != '\0');
		for (l = 0; l < k; l++)
			assert_string_not_equal(names[k], names[l]);
		if (flags[k] & TKF_STORE)
			assert_true(k >= ITSM_NFIELDS);
		assert_int_equal(TK_IMPORTED(k, flags[k]),
		    k != ITSM_F_REF && k != SK_CRISIS);
		if (k < ITSM_NFIELDS)
			assert_string_equal(itsm_field_name(k), names[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_mask_reads_only_the_fields_asked, setup_at_8, teardown),
		cmocka_unit_test_setup_teardown(test_no_mask_reads_every_field,
		    setup_at_8, teardown),
		cmocka_unit_test_setup_teardown(test_breached_fields, setup_at_8,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_breached_rule_is_the_engines, setup_at_8, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stagnant_rule_is_the_engines, setup_at_8, teardown),
		cmocka_unit_test(test_real_as_text),
		cmocka_unit_test_setup_teardown(test_insert_exists, setup_at_8,
		    teardown),
		cmocka_unit_test(test_fields_table),
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}

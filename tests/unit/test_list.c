/*
 * Unit tests of the work queue's reading (lib/store_ticket.c, itsm_list):
 * a filter's field mask reads the fields asked for and no others, the
 * texts of a row are the stored ones, and the rows come in queue order.
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

#include "itsm/itsm.h"

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
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}

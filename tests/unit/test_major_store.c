/*
 * Unit tests of the engine's major incident ops (struct engine_majors),
 * called through the store_*() wrappers of lib/store_major.h as the
 * domain calls them: the majors row, the roster, findings, actions, and
 * the rows the dossier and detect stream.
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
#include "store_major.h"

#include "fixture.h"

static const char *const open_statuses[] = { "new", "in_progress",
    "on_hold", NULL };

/* Opens an incident on service (or none) at now; its id. */
static int64_t
open_on(struct fx *f, int64_t now, const char *service)
{
	struct itsm_open_args a = { .summary = "s", .caller = "c",
	    .service = service };
	int64_t id = 0;

	itsm_ctx_set_now(f->ctx, now);
	assert_int_equal(itsm_ticket_open(f->ctx, &a, &id), 0);
	return id;
}

/* Reads every row of r (freed) into text: values by "|", rows by "\n". */
static void
rows_text(itsm_store *s, struct store_rows *r, char *buf, size_t len)
{
	const struct store_value *v;
	size_t n, i, off = 0;
	int rc;

	buf[0] = '\0';
	while ((rc = store_rows_next(s, r, &v, &n)) == 1) {
		for (i = 0; i < n; i++) {
			if (v[i].type == STORE_INT)
				off += (size_t)snprintf(buf + off, len - off,
				    "%s%lld", i ? "|" : "", (long long)v[i].i);
			else if (v[i].type == STORE_TEXT)
				off += (size_t)snprintf(buf + off, len - off,
				    "%s%s", i ? "|" : "", v[i].s);
			else
				off += (size_t)snprintf(buf + off, len - off,
				    "%s-", i ? "|" : "");
			assert_true(off < len);
		}
		off += (size_t)snprintf(buf + off, len - off, "\n");
	}
	assert_int_equal(rc, 0);
	store_rows_free(s, r);
}

static void
test_put_and_state(void **state)
{
	struct fx *f = *state;
	struct store_major_set set[3] = {
		{ STORE_MAJOR_STATE, "proposed", 0, 0 },
		{ STORE_MAJOR_PROPOSED_AT, NULL, 100, 1 },
		{ STORE_MAJOR_PROPOSAL, "rule: P1", 0, 0 },
	};
	struct store_major_set bad = { STORE_MAJOR_NKEYS, "x", 0, 0 };
	struct store_major_set up[2] = {
		{ STORE_MAJOR_STATE, "active", 0, 0 },
		{ STORE_MAJOR_BRIDGE, NULL, 0, 0 },
	};
	struct store_rows *r;
	char st[16], buf[512];
	int64_t id = open_on(f, 50, NULL);

	assert_int_equal(store_major_state(f->store, id, st, sizeof(st)), 0);
	assert_string_equal(st, "");
	/* The first write makes the row; the next ones change it. */
	assert_int_equal(store_major_put(f->store, id, set, 3), 0);
	assert_int_equal(store_major_state(f->store, id, st, sizeof(st)), 0);
	assert_string_equal(st, "proposed");
	assert_int_equal(store_major_put(f->store, id, up, 2), 0);
	assert_int_equal(store_major_state(f->store, id, st, sizeof(st)), 0);
	assert_string_equal(st, "active");
	assert_int_equal(store_major_put(f->store, id, &bad, 1),
	    ITSM_E_INTERNAL);
	assert_int_equal(store_major_dossier(f->store, id, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "active|100|rule: P1|-|-|-|-|-\n");
	/* None for a ticket that never was a major. */
	assert_int_equal(store_major_dossier(f->store, id + 1, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_roster(void **state)
{
	struct fx *f = *state;
	struct store_major_set set = { STORE_MAJOR_STATE, "active", 0, 0 };
	struct store_rows *r;
	char *role = NULL, *name = NULL, buf[512];
	int64_t id = open_on(f, 50, NULL);

	assert_int_equal(store_major_put(f->store, id, &set, 1), 0);
	assert_int_equal(store_roster_commander(f->store, id, &name), 0);
	assert_null(name);
	assert_int_equal(store_roster_put(f->store, id, "zoe", "commander",
	    60), 0);
	assert_int_equal(store_roster_put(f->store, id, "amy", "scribe", 70),
	    0);
	assert_int_equal(store_roster_commander(f->store, id, &name), 0);
	assert_string_equal(name, "zoe");
	free(name);
	/* Put again: the role and the time change, one row a person. */
	assert_int_equal(store_roster_put(f->store, id, "amy", "engineer", 80),
	    0);
	assert_int_equal(store_roster_role(f->store, id, "amy", &role), 0);
	assert_string_equal(role, "engineer");
	free(role);
	assert_int_equal(store_major_roster(f->store, id, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "amy|engineer|80\nzoe|commander|60\n");
	assert_int_equal(store_roster_delete(f->store, id, "amy"), 0);
	assert_int_equal(store_roster_role(f->store, id, "amy", &role), 0);
	assert_null(role);
}

static void
test_actions_and_findings(void **state)
{
	struct fx *f = *state;
	struct store_major_set set = { STORE_MAJOR_STATE, "ended", 0, 0 };
	struct store_rows *r;
	char *text = NULL, buf[512];
	int64_t id = open_on(f, 50, NULL), other = open_on(f, 50, NULL);
	int n = 0;

	assert_int_equal(store_major_put(f->store, id, &set, 1), 0);
	assert_int_equal(store_major_put(f->store, other, &set, 1), 0);
	assert_int_equal(store_action_add(f->store, id, "fix", "ann", 900,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_action_add(f->store, id, "test", "bob", 950,
	    &n), 0);
	assert_int_equal(n, 2);
	/* Numbered per major. */
	assert_int_equal(store_action_add(f->store, other, "x", "cy", 1, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(store_action_done(f->store, id, 1, 990, &text), 0);
	assert_string_equal(text, "fix");
	free(text);
	/* Done already, or none: no text, no error (the domain says why). */
	assert_int_equal(store_action_done(f->store, id, 1, 995, &text), 0);
	assert_null(text);
	assert_int_equal(store_action_done(f->store, id, 7, 995, &text), 0);
	assert_null(text);
	assert_int_equal(store_major_actions(f->store, id, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "1|fix|ann|900|990\n2|test|bob|950|-\n");

	assert_int_equal(store_finding_add(f->store, id, "went_wrong", "late",
	    10), 0);
	assert_int_equal(store_finding_add(f->store, id, "factor", "dns", 11),
	    0);
	assert_int_equal(store_major_findings(f->store, id, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "went_wrong|late|10\nfactor|dns|11\n");
}

static void
test_selections(void **state)
{
	struct fx *f = *state;
	struct store_major_set act[2] = {
		{ STORE_MAJOR_STATE, "active", 0, 0 },
		{ STORE_MAJOR_DECLARED_AT, NULL, 0, 1 },
	};
	static const char *const none[] = { NULL };
	int64_t a = open_on(f, 100, "Mail"), b = open_on(f, 200, "mail");
	int64_t c = open_on(f, 300, NULL), *ids = NULL;
	struct store_rows *r;
	char buf[512], expect[512];
	size_t n = 0;

	act[1].num = 500;
	assert_int_equal(store_major_put(f->store, a, act, 2), 0);
	act[1].num = 400;
	assert_int_equal(store_major_put(f->store, c, act, 2), 0);
	/* Newest declared first. */
	assert_int_equal(store_majors_in_state(f->store, "active", &ids, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], c);
	free(ids);
	assert_int_equal(store_majors_in_state(f->store, "ended", &ids, &n),
	    0);
	assert_int_equal(n, 0);
	free(ids);

	/* b is a's child: one of the statuses, or of none. */
	assert_int_equal(itsm_major_link(f->ctx, a, &b, 1, 0), 0);
	assert_int_equal(store_children_in(f->store, a, open_statuses, &ids,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], b);
	free(ids);
	assert_int_equal(store_children_in(f->store, a, none, &ids, &n), 0);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(store_major_children(f->store, a, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	snprintf(expect, sizeof(expect), "%lld|incident|new|c|-\n",
	    (long long)b);
	assert_string_equal(buf, expect);

	/* Every open incident with its parent and its major's state. */
	assert_int_equal(store_rule_candidates(f->store, "incident",
	    open_statuses, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	snprintf(expect, sizeof(expect), "%lld|Mail|-|active\n"
	    "%lld|mail|%lld|-\n%lld|-|-|active\n", (long long)a, (long long)b,
	    (long long)a, (long long)c);
	assert_string_equal(buf, expect);
	/* Storms: those with a service, opened since the time given. */
	assert_int_equal(store_storms(f->store, "incident", open_statuses,
	    150, &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	snprintf(expect, sizeof(expect), "%lld|mail|%lld|-\n", (long long)b,
	    (long long)a);
	assert_string_equal(buf, expect);
	assert_int_equal(store_storms(f->store, "request", open_statuses, 0,
	    &r), 0);
	rows_text(f->store, r, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_events(void **state)
{
	struct fx *f = *state;
	static const char *const kinds[] = { "major-update", "major-comms",
	    NULL };
	struct store_rows *r;
	const struct store_value *v;
	int64_t id = open_on(f, 100, NULL);
	size_t n, count = 0;

	itsm_ctx_set_now(f->ctx, 200);
	assert_int_equal(itsm_major_declare(f->ctx, id, "why", NULL, NULL, 0),
	    0);
	assert_int_equal(itsm_major_update(f->ctx, id, "one", 0), 0);
	assert_int_equal(itsm_major_comms(f->ctx, id, "Users", NULL, "hi", 0),
	    0);
	assert_int_equal(store_major_events(f->store, id, kinds, &r), 0);
	while (store_rows_next(f->store, r, &v, &n) == 1) {
		assert_int_equal(n, 5);
		assert_int_equal(v[1].i, 200);
		if (count++ == 0) {
			assert_string_equal(v[2].s, "major-update");
			assert_string_equal(v[4].s, "one");
		} else {
			assert_string_equal(v[2].s, "major-comms");
			assert_string_equal(v[3].s, "users");
		}
	}
	store_rows_free(f->store, r);
	assert_int_equal(count, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_and_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_roster, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions_and_findings,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_selections, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of lib/workflow.c: every status against every action, the
 * message of a refusal, and the names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itsm/error.h"
#include "itsm/workflow.h"

/*
 * The expected table, written out independently of the one in lib/: for
 * each action, the statuses where it is allowed.
 */
static const struct {
	enum itsm_action action;
	const char *name;
	const char *allowed;	/* space-separated statuses */
} spec[] = {
	{ ITSM_ACT_CATEGORIZE, "categorize", "new in_progress on_hold" },
	{ ITSM_ACT_PRIORITIZE, "prioritize", "new in_progress on_hold" },
	{ ITSM_ACT_NOTE, "note", "new in_progress on_hold resolved" },
	{ ITSM_ACT_ASSIGN, "assign", "new in_progress on_hold" },
	{ ITSM_ACT_ESCALATE, "escalate", "new in_progress on_hold" },
	{ ITSM_ACT_ESCALATE_MANAGERS, "escalate", "new in_progress on_hold" },
	{ ITSM_ACT_HOLD, "hold", "new in_progress" },
	{ ITSM_ACT_RELEASE, "release", "on_hold" },
	{ ITSM_ACT_RESOLVE, "resolve", "new in_progress" },
	{ ITSM_ACT_CLOSE, "close", "resolved" },
	{ ITSM_ACT_REJECT, "reject", "resolved" },
	{ ITSM_ACT_REOPEN, "reopen", "resolved closed cancelled" },
	{ ITSM_ACT_CANCEL, "cancel", "new in_progress on_hold" },
};

static const char *const statuses[] = { "new", "in_progress", "on_hold",
    "resolved", "closed", "redirected", "cancelled" };

static int
listed(const char *list, const char *status)
{
	char buf[128], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, status) == 0)
			return 1;
	return 0;
}

/* Every action of the enum is in the spec, once. */
static void
test_spec_covers_every_action(void **state)
{
	int seen[ITSM_NACTIONS] = { 0 };
	size_t i;
	int a;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
		seen[spec[i].action]++;
	for (a = 0; a < ITSM_NACTIONS; a++)
		assert_int_equal(seen[a], 1);
	assert_int_equal(sizeof(statuses) / sizeof(statuses[0]),
	    ITSM_NSTATUSES);
}

/* Every status x every action, against the spec. */
static void
test_every_status_every_action(void **state)
{
	size_t i;
	int s;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
		for (s = 0; s < ITSM_NSTATUSES; s++) {
			int want = listed(spec[i].allowed, statuses[s]);
			int got = itsm_allowed((enum itsm_status)s,
			    spec[i].action);

			if (want != got)
				print_error("%s when %s: got %d, want %d\n",
				    spec[i].name, statuses[s], got, want);
			assert_int_equal(got, want);
		}
}

/*
 * itsm_check_allowed agrees with the table, and a refusal names the ref,
 * the status and the statuses where the action is allowed.
 */
static void
test_check_allowed_messages(void **state)
{
	char want[256], list[128];
	size_t i, off;
	int s, rc, j, n;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		off = 0;
		n = 0;
		list[0] = '\0';
		for (j = 0; j < ITSM_NSTATUSES; j++)
			if (listed(spec[i].allowed, statuses[j]))
				off += (size_t)snprintf(list + off,
				    sizeof(list) - off, "%s%s", n++ ? ", " : "",
				    statuses[j]);
		for (s = 0; s < ITSM_NSTATUSES; s++) {
			rc = itsm_check_allowed("INC-7", statuses[s],
			    spec[i].action);
			if (listed(spec[i].allowed, statuses[s])) {
				assert_int_equal(rc, 0);
				continue;
			}
			assert_int_equal(rc, ITSM_E_REFUSED);
			snprintf(want, sizeof(want), "cannot %s INC-7: it is %s "
			    "(%s is allowed when %s)", spec[i].name,
			    statuses[s], spec[i].name, list);
			assert_string_equal(itsm_errmsg(), want);
		}
	}
}

/* An unknown status is refused, never allowed. */
static void
test_unknown_status_refused(void **state)
{
	int a;

	(void)state;
	for (a = 0; a < ITSM_NACTIONS; a++)
		assert_int_equal(itsm_check_allowed("INC-1", "frozen",
		    (enum itsm_action)a), ITSM_E_REFUSED);
	assert_false(itsm_allowed(ITSM_NSTATUSES, ITSM_ACT_NOTE));
	assert_false(itsm_allowed(ITSM_ST_NEW, ITSM_NACTIONS));
}

static void
test_status_names(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < ITSM_NSTATUSES; s++) {
		assert_string_equal(itsm_status_name((enum itsm_status)s),
		    statuses[s]);
		assert_int_equal(itsm_status_parse(statuses[s]), s);
	}
	assert_int_equal(itsm_status_parse("NEW"), -1);
	assert_int_equal(itsm_status_parse(""), -1);
	assert_null(itsm_status_name(ITSM_NSTATUSES));
	assert_null(itsm_action_name(ITSM_NACTIONS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_covers_every_action),
		cmocka_unit_test(test_every_status_every_action),
		cmocka_unit_test(test_check_allowed_messages),
		cmocka_unit_test(test_unknown_status_refused),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}

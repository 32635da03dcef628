/*
 * Unit tests of lib/ref.c: ticket references in and out, type names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "itsm/error.h"
#include "itsm/ref.h"

#define SENTINEL INT64_C(-777)

static void
check_ref(const char *s, int64_t want)
{
	int64_t got = SENTINEL;
	int rc = itsm_ref_parse(s, &got);

	if (rc != 0)
		print_error("itsm_ref_parse(\"%s\"): %s\n", s, itsm_errmsg());
	assert_int_equal(rc, 0);
	if (got != want)
		print_error("itsm_ref_parse(\"%s\") = %lld, want %lld\n", s,
		    (long long)got, (long long)want);
	assert_true(got == want);
}

/* Refused with ITSM_E_INVALID, a message quoting the input, no output. */
static void
check_bad_ref(const char *s)
{
	int64_t got = SENTINEL;
	char quoted[128];
	int rc = itsm_ref_parse(s, &got);

	if (rc != ITSM_E_INVALID)
		print_error("itsm_ref_parse(\"%s\") accepted it as %lld\n", s,
		    (long long)got);
	assert_int_equal(rc, ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	snprintf(quoted, sizeof(quoted), "'%s' is not a ticket reference", s);
	assert_non_null(strstr(itsm_errmsg(), quoted));
}

static void
check_format(enum itsm_type type, int64_t id, const char *want)
{
	char buf[ITSM_REFBUF];

	memset(buf, 'x', sizeof(buf));
	itsm_ref_format(type, id, buf);
	assert_string_equal(buf, want);
}

static void
test_parse_number(void **state)
{
	(void)state;
	check_ref("42", 42);
	check_ref("1", 1);
	check_ref("10", 10);
	check_ref("1000000", 1000000);
}

static void
test_parse_prefixed(void **state)
{
	(void)state;
	check_ref("INC-42", 42);
	check_ref("inc-42", 42);
	check_ref("Inc-42", 42);
	check_ref("REQ-7", 7);
	check_ref("req-7", 7);
	check_ref("CHG-1", 1);
	check_ref("chg-1", 1);
	check_ref("cHg-100", 100);
}

/* The number is authoritative: any type's prefix finds the same id. */
static void
test_parse_number_is_authoritative(void **state)
{
	(void)state;
	check_ref("INC-43", 43);
	check_ref("REQ-43", 43);
	check_ref("CHG-43", 43);
}

static void
test_parse_limits(void **state)
{
	(void)state;
	check_ref("9223372036854775807", INT64_MAX);
	check_ref("INC-9223372036854775807", INT64_MAX);
	check_ref("9223372036854775800", INT64_MAX - 7);
	check_bad_ref("9223372036854775808");
	check_bad_ref("9223372036854775810");
	check_bad_ref("INC-9223372036854775808");
	check_bad_ref("99999999999999999999");
	check_bad_ref("123456789012345678901234567890");	/* 30 digits */
	check_bad_ref("INC-123456789012345678901234567890");
}

static void
test_parse_rejects(void **state)
{
	(void)state;
	check_bad_ref("0");
	check_bad_ref("INC-0");
	check_bad_ref("-1");
	check_bad_ref("-42");
	check_bad_ref("+42");
	check_bad_ref("INC42");
	check_bad_ref("INC-");
	check_bad_ref("INC");
	check_bad_ref("INC--1");
	check_bad_ref("INC-+1");
	check_bad_ref("INC-INC-1");
	check_bad_ref("INCI-1");
	check_bad_ref("IN-1");
	check_bad_ref("XYZ-42");
	check_bad_ref("abc");
	check_bad_ref("");
	check_bad_ref("42x");
	check_bad_ref("INC-42x");
	check_bad_ref("4 2");
	check_bad_ref(" 42");
	check_bad_ref("42 ");
	check_bad_ref("0x2a");
	check_bad_ref("4.2");
	check_bad_ref("-");
}

static void
test_format(void **state)
{
	(void)state;
	check_format(ITSM_INCIDENT, 42, "INC-42");
	check_format(ITSM_REQUEST, 43, "REQ-43");
	check_format(ITSM_CHANGE, 44, "CHG-44");
	check_format(ITSM_INCIDENT, 1, "INC-1");
	check_format(ITSM_CHANGE, INT64_MAX, "CHG-9223372036854775807");
	/* An out-of-range type falls back to the incident prefix. */
	check_format((enum itsm_type)ITSM_NTYPES, 5, "INC-5");
}

static void
test_format_parse_round_trip(void **state)
{
	static const int64_t ids[] = { 1, 9, 10, 99, 100, 12345,
	    INT64_C(4294967296), INT64_MAX };
	char buf[ITSM_REFBUF];
	int64_t got;
	size_t i;
	int t;

	(void)state;
	for (t = 0; t < ITSM_NTYPES; t++)
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			itsm_ref_format((enum itsm_type)t, ids[i], buf);
			got = SENTINEL;
			assert_int_equal(itsm_ref_parse(buf, &got), 0);
			assert_true(got == ids[i]);
		}
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(itsm_type_name(ITSM_INCIDENT), "incident");
	assert_string_equal(itsm_type_name(ITSM_REQUEST), "request");
	assert_string_equal(itsm_type_name(ITSM_CHANGE), "change");
	assert_string_equal(itsm_type_name((enum itsm_type)ITSM_NTYPES),
	    "incident");
}

static void
test_type_parse(void **state)
{
	(void)state;
	assert_int_equal(itsm_type_parse("incident"), ITSM_INCIDENT);
	assert_int_equal(itsm_type_parse("request"), ITSM_REQUEST);
	assert_int_equal(itsm_type_parse("change"), ITSM_CHANGE);
	assert_int_equal(itsm_type_parse("INCIDENT"), ITSM_INCIDENT);
	assert_int_equal(itsm_type_parse("Request"), ITSM_REQUEST);
	assert_int_equal(itsm_type_parse("cHaNgE"), ITSM_CHANGE);
	assert_int_equal(itsm_type_parse(""), -1);
	assert_int_equal(itsm_type_parse("inc"), -1);
	assert_int_equal(itsm_type_parse("INC"), -1);
	assert_int_equal(itsm_type_parse("incidents"), -1);
	assert_int_equal(itsm_type_parse("problem"), -1);
	assert_int_equal(itsm_type_parse(" change"), -1);
}

static void
test_type_name_parse_round_trip(void **state)
{
	int t;

	(void)state;
	for (t = 0; t < ITSM_NTYPES; t++)
		assert_int_equal(itsm_type_parse(
		    itsm_type_name((enum itsm_type)t)), t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test(test_parse_prefixed),
		cmocka_unit_test(test_parse_number_is_authoritative),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_type_parse),
		cmocka_unit_test(test_type_name_parse_round_trip),
	};

	return cmocka_run_group_tests_name("ref", tests, NULL, NULL);
}

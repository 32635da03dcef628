/*
 * Unit tests of itsm_time_import() and itsm_time_julian() (lib/time.c):
 * the times "itsm import" reads, which SQLite's date functions read
 * before issue 12.  Every expected value is worked out by hand (days
 * since 1970 times 86400; Julian day 2440587.5 is the epoch).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "itsm/error.h"
#include "itsm/time.h"

#define SENTINEL INT64_C(-777)
#define Y2026 INT64_C(1767225600)	/* 2026-01-01: 20454 days */
#define Y2000 INT64_C(946684800)	/* 2000-01-01: 10957 days */
#define BAD INT64_C(0x7fffffffffffffff)	/* no time */

static const struct {
	const char *s;
	int64_t want;		/* BAD: refused */
} forms[] = {
	/* What export writes, and the ISO 8601 forms around it. */
	{ "2026-01-01T00:00:00Z", Y2026 },
	{ "2026-01-01", Y2026 },
	{ "2026-01-01T", Y2026 },
	{ "2026-01-01 ", Y2026 },
	{ "2026-01-01 10:00", Y2026 + 36000 },
	{ "2026-01-01T10:00", Y2026 + 36000 },
	{ "2026-01-01T10:00:07", Y2026 + 36007 },
	{ "2026-01-01TT  T10:00", Y2026 + 36000 },
	{ "2026-01-01 T 10:00", Y2026 + 36000 },
	{ "2026-01-01T10:00:00z", Y2026 + 36000 },
	{ "2026-01-01T10:00:00 Z ", Y2026 + 36000 },
	/* Fractions: to the millisecond, rounded. */
	{ "2026-01-01T10:00:00.5Z", Y2026 + 36000 },
	{ "2026-01-01T10:00:00.9994", Y2026 + 36000 },
	{ "2026-01-01T10:00:59.9996Z", Y2026 + 36060 },
	{ "2026-01-01T10:00:00.000000000000000000001", Y2026 + 36000 },
	/* Zones: minutes east of UTC, up to 14:59. */
	{ "2026-01-01T10:00+02:00", Y2026 + 28800 },
	{ "2026-01-01T10:00 -01:30", Y2026 + 41400 },
	{ "2026-01-01T10:00:00+00:00 ", Y2026 + 36000 },
	{ "2026-01-01T00:00+14:59", Y2026 - 53940 },
	/* The hour 24, a day past the month's end: the next day. */
	{ "2026-01-01T24:00", Y2026 + 86400 },
	{ "2026-01-01T24:59:59", Y2026 + 86400 + 3599 },
	{ "2026-02-30", Y2026 + 60 * 86400 },	/* March 2 */
	{ "2024-02-29T12:00:00Z", INT64_C(1709208000) },	/* 19782 days */
	/* A time of day alone is on 2000-01-01. */
	{ "10:00", Y2000 + 36000 },
	{ "10:00:00Z", Y2000 + 36000 },
	{ "24:00:00 -14:00", Y2000 + 86400 + 50400 },
	/* The edges: 1970, 9999, Julian day 0 (4714 BC). */
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "1970-01-01T00:30+01:00", -1800 },
	{ "9999-12-31T23:59:59Z", INT64_C(253402300799) },
	{ "0000-03-01", INT64_C(-62162035200) },	/* -719468 days */
	{ "-4713-11-24T12:00:00", INT64_C(-210866760000) },
	{ "-2026-01-01", INT64_C(-126101577600) },	/* JD 981078.5 */
	/* Decimal numbers: Julian days. */
	{ "2461041.5", Y2026 },
	{ " 2461041.5 ", Y2026 },
	{ "+2461041.5", Y2026 },
	{ "24610415e-1", Y2026 },
	{ "2461041.75", Y2026 + 21600 },
	{ "2440587.5", 0 },
	{ "0", INT64_C(-210866760000) },
	{ ".5", INT64_C(-210866716800) },
	{ "1.", INT64_C(-210866673600) },
	/* Refused. */
	{ "", BAD },
	{ "yesterday", BAD },
	{ "2026-13-01", BAD },
	{ "2026-00-01", BAD },
	{ "2026-01-32", BAD },
	{ "2026-01-00", BAD },
	{ "2026-1-01", BAD },
	{ "2026-01-01x", BAD },
	{ "2026-01-01t10:00", BAD },
	{ "2026-01-01T10", BAD },
	{ "2026-01-01T1:00", BAD },
	{ "2026-01-01T25:00", BAD },
	{ "2026-01-01T10:60", BAD },
	{ "2026-01-01T10:00:60", BAD },
	{ "2026-01-01T10:00:00.", BAD },
	{ "2026-01-01T10:00:00Zx", BAD },
	{ "2026-01-01T10:00+15:00", BAD },
	{ "2026-01-01T10:00+0200", BAD },
	{ "2026-01-01T10:00+02", BAD },
	{ " 2026-01-01", BAD },
	{ "9999-12-31T23:59:59-00:01", BAD },	/* past 9999 */
	{ "9999-12-31T23:59:59.9996", BAD },
	{ "-4713-11-24T11:59:59", BAD },	/* before Julian day 0 */
	{ "-4714-12-31", BAD },
	{ "-1", BAD },
	{ "5373484.5", BAD },
	{ "1e999", BAD },
	{ ".", BAD },
	{ "1e", BAD },
	{ "1 e5", BAD },
	{ "0x10", BAD },
	{ "inf", BAD },
	{ "now ", BAD },
	{ "subsec", BAD },
};

static void
test_forms(void **state)
{
	size_t i;
	int64_t got;
	int rc, fails = 0;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		got = SENTINEL;
		rc = itsm_time_import(forms[i].s, &got);
		if (forms[i].want == BAD ? rc != ITSM_E_INVALID ||
		    got != SENTINEL : rc != 0 || got != forms[i].want) {
			print_error("itsm_time_import(\"%s\"): rc %d, %lld; "
			    "want %lld\n", forms[i].s, rc, (long long)got,
			    (long long)forms[i].want);
			fails++;
		}
	}
	assert_int_equal(fails, 0);
}

static void
test_now_is_the_clock(void **state)
{
	static const char *const nows[] = { "now", "NOW", "Now" };
	int64_t before, after, got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		before = (int64_t)time(NULL);
		assert_int_equal(itsm_time_import(nows[i], &got), 0);
		after = (int64_t)time(NULL);
		assert_true(got >= before && got <= after);
	}
}

static void
test_julian(void **state)
{
	static const struct {
		double jd;
		int64_t want;
	} days[] = {
		{ 2440587.5, 0 },
		{ 2461041.5, Y2026 },
		{ 2440587.5 - 1.0 / 86400, -1 },
		{ 2440587.49999, -1 },	/* 0.864 s before: the second below */
		{ 0, INT64_C(-210866760000) },
		{ 5373484.4999, INT64_C(253402300791) },	/* 8.64 s left */
		{ -1, BAD },
		{ -0.0000001, BAD },
		{ 5373484.5, BAD },
		{ 1e300, BAD },
	};
	size_t i;
	int64_t got;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		got = SENTINEL;
		rc = itsm_time_julian(days[i].jd, &got);
		if (days[i].want == BAD) {
			assert_int_equal(rc, ITSM_E_INVALID);
			assert_true(got == SENTINEL);
		} else {
			if (rc != 0 || got != days[i].want)
				print_error("itsm_time_julian(%.17g) = %lld\n",
				    days[i].jd, (long long)got);
			assert_int_equal(rc, 0);
			assert_true(got == days[i].want);
		}
	}
}

/* What export writes reads back as itsm_time_parse() reads it. */
static void
test_agrees_with_time_parse(void **state)
{
	static const int64_t ts[] = { 0, 1, 86399, 951782400, Y2026 + 3723,
	    INT64_C(253402300799) };
	char buf[ITSM_TIMEBUF];
	int64_t a, b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		itsm_time_format(ts[i], buf);
		assert_int_equal(itsm_time_import(buf, &a), 0);
		assert_int_equal(itsm_time_parse(buf, 0, &b), 0);
		assert_true(a == ts[i] && b == ts[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_now_is_the_clock),
		cmocka_unit_test(test_julian),
		cmocka_unit_test(test_agrees_with_time_parse),
	};

	return cmocka_run_group_tests_name("time_import", tests, NULL, NULL);
}

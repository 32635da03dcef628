/*
 * Unit tests of lib/time.c: ISO 8601 times, durations, relative ages,
 * the ITSM_NOW clock override, and times in a display zone.
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

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/time.h"

#define SENTINEL INT64_C(-777)
#define NOW INT64_C(1795855004)		/* 2026-11-28T08:36:44Z */

/* Parses s (relative to now) and checks it succeeds with want. */
static void
check_time(const char *s, int64_t now, int64_t want)
{
	int64_t got = SENTINEL;
	int rc = itsm_time_parse(s, now, &got);

	if (rc != 0)
		print_error("itsm_time_parse(\"%s\"): %s\n", s, itsm_errmsg());
	assert_int_equal(rc, 0);
	if (got != want)
		print_error("itsm_time_parse(\"%s\") = %lld, want %lld\n", s,
		    (long long)got, (long long)want);
	assert_true(got == want);
}

/* Checks that s is refused: ITSM_E_INVALID, a message naming it, no output. */
static void
check_bad_time(const char *s)
{
	int64_t got = SENTINEL;
	char quoted[128];
	int rc = itsm_time_parse(s, NOW, &got);

	if (rc != ITSM_E_INVALID)
		print_error("itsm_time_parse(\"%s\") accepted it as %lld\n", s,
		    (long long)got);
	assert_int_equal(rc, ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	snprintf(quoted, sizeof(quoted), "'%s'", s);
	assert_non_null(strstr(itsm_errmsg(), quoted));
	assert_non_null(strstr(itsm_errmsg(), "invalid time"));
}

static void
check_format(int64_t t, const char *want)
{
	char buf[ITSM_TIMEBUF];

	memset(buf, 'x', sizeof(buf));
	itsm_time_format(t, buf);
	assert_string_equal(buf, want);
}

static void
check_duration(const char *s, int64_t want)
{
	int64_t got = SENTINEL;
	int rc = itsm_duration_parse(s, &got);

	if (rc != 0)
		print_error("itsm_duration_parse(\"%s\"): %s\n", s,
		    itsm_errmsg());
	assert_int_equal(rc, 0);
	if (got != want)
		print_error("itsm_duration_parse(\"%s\") = %lld, want %lld\n",
		    s, (long long)got, (long long)want);
	assert_true(got == want);
}

static void
check_bad_duration(const char *s)
{
	int64_t got = SENTINEL;
	char quoted[128];
	int rc = itsm_duration_parse(s, &got);

	if (rc != ITSM_E_INVALID)
		print_error("itsm_duration_parse(\"%s\") accepted it as %lld\n",
		    s, (long long)got);
	assert_int_equal(rc, ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	snprintf(quoted, sizeof(quoted), "'%s'", s);
	assert_non_null(strstr(itsm_errmsg(), quoted));
	assert_non_null(strstr(itsm_errmsg(), "invalid duration"));
}

static void
check_duration_format(int64_t secs, const char *want)
{
	char buf[32];

	memset(buf, 'x', sizeof(buf));
	itsm_duration_format(secs, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
check_relative(int64_t t, int64_t now, const char *want)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	itsm_time_relative(t, now, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* ---- ISO 8601: the accepted forms ---- */

static void
test_parse_utc_z(void **state)
{
	(void)state;
	check_time("2026-11-28T08:36:44Z", 0, INT64_C(1795855004));
	check_time("2026-11-28t08:36:44z", 0, INT64_C(1795855004));
	check_time("1970-01-01T00:00:00Z", NOW, 0);
	check_time("1970-01-01T00:00:01Z", NOW, 1);
	check_time("2000-02-29T00:00:00Z", NOW, INT64_C(951782400));
	check_time("9999-12-31T23:59:59Z", NOW, ITSM_TIME_MAX);
}

static void
test_parse_without_offset_is_utc(void **state)
{
	(void)state;
	check_time("2026-11-28T08:36:44", NOW, INT64_C(1795855004));
}

static void
test_parse_without_seconds(void **state)
{
	(void)state;
	check_time("2026-11-28T08:36", NOW, INT64_C(1795854960));
	check_time("2026-11-28T08:36Z", NOW, INT64_C(1795854960));
	check_time("2026-11-28T00:00", NOW, INT64_C(1795824000));
}

static void
test_parse_space_separator(void **state)
{
	(void)state;
	check_time("2026-11-28 08:36:44Z", NOW, INT64_C(1795855004));
	check_time("2026-11-28 08:36:44", NOW, INT64_C(1795855004));
	check_time("2026-11-28 08:36", NOW, INT64_C(1795854960));
}

static void
test_parse_date_only(void **state)
{
	(void)state;
	check_time("2026-11-28", NOW, INT64_C(1795824000));
	check_time("1970-01-01", NOW, 0);
	check_time("2024-01-01", NOW, INT64_C(1704067200));
	check_time("9999-12-31", NOW, ITSM_TIME_MAX - 86399);
}

static void
test_parse_offsets(void **state)
{
	(void)state;
	/* 08:36 at +02:00 is 06:36 UTC. */
	check_time("2026-11-28 08:36+02:00", NOW, INT64_C(1795847760));
	check_time("2026-11-28T08:36+0200", NOW, INT64_C(1795847760));
	/* 08:36:44 at -05:30 is 14:06:44 UTC. */
	check_time("2026-11-28T08:36:44-0530", NOW, INT64_C(1795874804));
	check_time("2026-11-28T08:36:44-05:30", NOW, INT64_C(1795874804));
	check_time("2026-11-28T08:36:44+01:00", NOW, INT64_C(1795851404));
	check_time("2026-11-28T08:36:44+00:00", NOW, INT64_C(1795855004));
	check_time("2026-11-28T08:36:44-00:00", NOW, INT64_C(1795855004));
	/* An offset that moves the time across midnight and a year. */
	check_time("2027-01-01T00:00:00+00:30", NOW, INT64_C(1798759800));
	check_time("2026-12-31T23:30:00-00:30", NOW, INT64_C(1798761600));
	/* The extremes of the range, reached through an offset. */
	check_time("1970-01-01T01:00:00+01:00", NOW, 0);
	check_time("9999-12-31T22:59:59-01:00", NOW, ITSM_TIME_MAX);
}

static void
test_parse_fractions(void **state)
{
	(void)state;
	check_time("2026-11-28T08:36:44.123Z", NOW, INT64_C(1795855004));
	check_time("2026-11-28T08:36:44.999999999Z", NOW, INT64_C(1795855004));
	check_time("2026-11-28T08:36:44.5", NOW, INT64_C(1795855004));
	check_time("2026-11-28T08:36:44.250+01:00", NOW, INT64_C(1795851404));
}

static void
test_parse_now(void **state)
{
	(void)state;
	check_time("now", NOW, NOW);
	check_time("now", 0, 0);
	check_time("now", ITSM_TIME_MAX, ITSM_TIME_MAX);
}

static void
test_parse_relative(void **state)
{
	(void)state;
	check_time("-2h", NOW, NOW - 7200);
	check_time("-30m", NOW, NOW - 1800);
	check_time("-1h30m", NOW, NOW - 5400);
	check_time("-2d", NOW, NOW - 172800);
	check_time("-1w", NOW, NOW - 604800);
	check_time("-45s", NOW, NOW - 45);
	check_time("-0", NOW, NOW);
	/* Exactly back to the epoch is allowed, one second more is not. */
	check_time("-2h", 7200, 0);
	{
		int64_t got = SENTINEL;

		assert_int_equal(itsm_time_parse("-2h1s", 7200, &got),
		    ITSM_E_INVALID);
		assert_true(got == SENTINEL);
		assert_int_equal(itsm_time_parse("-2h", 7199, &got),
		    ITSM_E_INVALID);
		assert_true(got == SENTINEL);
	}
	/* A relative time as long ago as the whole range. */
	check_time("-418985w1d23h59m59s", ITSM_TIME_MAX, 0);
	check_bad_time("-");
	check_bad_time("-2");
	check_bad_time("-2x");
	check_bad_time("--2h");
	check_bad_time("-2h ");
	check_bad_time("+2h");
}

/* ---- ISO 8601: what is refused ---- */

static void
test_parse_rejects_bad_dates(void **state)
{
	(void)state;
	check_bad_time("2026-02-30");
	check_bad_time("2026-02-29");		/* 2026 is not a leap year */
	check_bad_time("2026-04-31");
	check_bad_time("2026-11-31");
	check_bad_time("2026-12-32");
	check_bad_time("2026-13-01");
	check_bad_time("2026-00-10");
	check_bad_time("2026-11-00");
	check_bad_time("2026-02-30T10:00:00Z");
}

static void
test_parse_rejects_out_of_range(void **state)
{
	(void)state;
	check_bad_time("1969-12-31");
	check_bad_time("1969-12-31T23:59:59Z");
	check_bad_time("0000-01-01");
	check_bad_time("10000-01-01");
	check_bad_time("10000-01-01T00:00:00Z");
	/* Inside the calendar range but outside the epoch range by offset. */
	check_bad_time("1970-01-01T00:30:00+01:00");
	check_bad_time("9999-12-31T23:59:59-00:01");
}

static void
test_parse_rejects_bad_clock(void **state)
{
	(void)state;
	check_bad_time("2026-11-28T24:00:00Z");
	check_bad_time("2026-11-28T24:00");
	check_bad_time("2026-11-28T08:60");
	check_bad_time("2026-11-28T08:36:60Z");
	check_bad_time("2026-11-28T99:00:00Z");
	check_bad_time("2026-11-28T08:36+24:00");
	check_bad_time("2026-11-28T08:36+02:60");
}

static void
test_parse_rejects_malformed(void **state)
{
	(void)state;
	check_bad_time("");
	check_bad_time("2026-11-28T08:36:44Zjunk");
	check_bad_time("2026-11-28T08:36:44Z ");
	check_bad_time("2026-11-28x");
	check_bad_time("2026-11-28 ");
	check_bad_time(" 2026-11-28");
	check_bad_time("2026-11-28T");
	check_bad_time("2026-11-28T08");
	check_bad_time("2026-11-28T8:36");
	check_bad_time("2026-11-28T08:3");
	check_bad_time("2026-11-28T08:36:4");
	check_bad_time("2026-11-28T08-36");
	check_bad_time("2026-11-28T08:36+2");
	check_bad_time("2026-11-28T08:36+02:");
	check_bad_time("2026-11-28T08:36+02:0");
	check_bad_time("2026-11-28T08:36Q");
	check_bad_time("2026-1-28");
	check_bad_time("2026-11-2");
	check_bad_time("26-11-28");
	check_bad_time("2026/11/28");
	check_bad_time("20261128");
	check_bad_time("2026-11");
	check_bad_time("2026");
	check_bad_time("tomorrow");
	check_bad_time("now ");
	check_bad_time("nowZ");
}

static void
test_parse_leap_years(void **state)
{
	static const struct { const char *s; int64_t t; } leap[] = {
		{ "1972-02-29", INT64_C(68169600) },
		{ "2000-02-29", INT64_C(951782400) },
		{ "2024-02-29T12:00:00Z", INT64_C(1709208000) },
	};
	static const char *const more_leap[] = { "1996-02-29", "2400-02-29",
	    "9996-02-29" };
	static const char *const common[] = { "1970-02-29", "2023-02-29",
	    "2100-02-29", "2200-02-29", "2300-02-29", "9999-02-29" };
	char s[32];
	int64_t feb28, mar1, t;
	struct tm tm;
	time_t tt;
	size_t i;
	int y, accepted, oracle_leap;

	(void)state;
	if (sizeof(time_t) < 8)		/* the oracle needs years to 9999 */
		skip();
	for (i = 0; i < sizeof(leap) / sizeof(leap[0]); i++)
		check_time(leap[i].s, NOW, leap[i].t);
	for (i = 0; i < sizeof(more_leap) / sizeof(more_leap[0]); i++)
		assert_int_equal(itsm_time_parse(more_leap[i], NOW, &t), 0);
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		check_bad_time(common[i]);
	/* 2024 has 366 days; the day after Feb 29 is March 1. */
	check_time("2025-01-01", NOW, INT64_C(1704067200) + 366 * 86400);
	check_time("2024-03-01", NOW, INT64_C(1709251200));
	/*
	 * Every year of the range: Feb 29 is accepted exactly when the C
	 * library says the day after Feb 28 is in February, and March 1
	 * is one or two days after Feb 28 accordingly.
	 */
	for (y = 1970; y <= 9999; y++) {
		snprintf(s, sizeof(s), "%04d-02-28", y);
		assert_int_equal(itsm_time_parse(s, NOW, &feb28), 0);
		tt = (time_t)(feb28 + 86400);
		assert_non_null(gmtime_r(&tt, &tm));
		oracle_leap = tm.tm_mon == 1;
		snprintf(s, sizeof(s), "%04d-02-29", y);
		accepted = itsm_time_parse(s, NOW, &t) == 0;
		if (accepted != oracle_leap)
			print_error("year %d: Feb 29 %s\n", y, accepted ?
			    "accepted in a common year" : "refused in a leap year");
		assert_int_equal(accepted, oracle_leap);
		if (accepted)
			assert_true(t == feb28 + 86400);
		snprintf(s, sizeof(s), "%04d-03-01", y);
		assert_int_equal(itsm_time_parse(s, NOW, &mar1), 0);
		assert_true(mar1 - feb28 == (oracle_leap ? 2 : 1) * 86400);
	}
}

/* ---- formatting ---- */

static void
test_format_exact(void **state)
{
	(void)state;
	check_format(0, "1970-01-01T00:00:00Z");
	check_format(59, "1970-01-01T00:00:59Z");
	check_format(86399, "1970-01-01T23:59:59Z");
	check_format(86400, "1970-01-02T00:00:00Z");
	check_format(INT64_C(68169600), "1972-02-29T00:00:00Z");
	check_format(INT64_C(951782400), "2000-02-29T00:00:00Z");
	check_format(INT64_C(1709208000), "2024-02-29T12:00:00Z");
	check_format(INT64_C(1709251200), "2024-03-01T00:00:00Z");
	check_format(INT64_C(1735689599), "2024-12-31T23:59:59Z");
	check_format(INT64_C(1795855004), "2026-11-28T08:36:44Z");
	check_format(ITSM_TIME_MAX, "9999-12-31T23:59:59Z");
}

static void
test_format_round_trip(void **state)
{
	char buf[ITSM_TIMEBUF], want[ITSM_TIMEBUF];
	int64_t t, back;
	struct tm tm;
	time_t tt;
	unsigned long n = 0;

	(void)state;
	if (sizeof(time_t) < 8)		/* the oracle needs years to 9999 */
		skip();
	/* A stride that is not a whole number of days or hours. */
	for (t = 0; t <= ITSM_TIME_MAX; t += INT64_C(86400) * 2039 + 3607) {
		itsm_time_format(t, buf);
		/* The C library is the independent oracle. */
		tt = (time_t)t;
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		assert_string_equal(buf, want);
		back = SENTINEL;
		assert_int_equal(itsm_time_parse(buf, NOW, &back), 0);
		assert_true(back == t);
		n++;
	}
	assert_true(n > 1000);
	/* The last second of the range too. */
	itsm_time_format(ITSM_TIME_MAX, buf);
	assert_int_equal(itsm_time_parse(buf, NOW, &back), 0);
	assert_true(back == ITSM_TIME_MAX);
}

/* ---- durations ---- */

static void
test_duration_parse(void **state)
{
	(void)state;
	check_duration("30m", 1800);
	check_duration("4h", 14400);
	check_duration("1h30m", 5400);
	check_duration("2d", 172800);
	check_duration("1w", 604800);
	check_duration("45s", 45);
	check_duration("0", 0);
	check_duration("0s", 0);
	check_duration("0m", 0);
	check_duration("90m", 5400);
	check_duration("1w2d3h4m5s", 604800 + 172800 + 10800 + 240 + 5);
	check_duration("5s1w", 604805);		/* units in any order add up */
	check_duration("1h1h", 7200);
	check_duration("007m", 420);
	check_duration("1000w", INT64_C(604800000));
	/* Up to the whole time range, in any unit. */
	check_duration("418000w", INT64_C(252806400000));
	check_duration("253402300799s", ITSM_TIME_MAX);
	check_duration("4223371679m59s", ITSM_TIME_MAX);
}

static void
test_duration_rejects(void **state)
{
	(void)state;
	check_bad_duration("");
	check_bad_duration("m");
	check_bad_duration("5");
	check_bad_duration("5x");
	check_bad_duration("1h30");
	check_bad_duration("h1");
	check_bad_duration("1.5h");
	check_bad_duration("-1h");
	check_bad_duration("+1h");
	check_bad_duration(" 1h");
	check_bad_duration("1h ");
	check_bad_duration("1 h");
	check_bad_duration("1hm");
	check_bad_duration("1mo");
	check_bad_duration("1y");
	check_bad_duration("00");
	check_bad_duration("0x");
	/* Overflow and beyond the time range. */
	check_bad_duration("99999999999w");
	check_bad_duration("99999999999999999999999999s");
	check_bad_duration("9223372036854775807s");
	check_bad_duration("419000w");
	check_bad_duration("253402300800s");
	check_bad_duration("253402300799s1s");
}

static void
test_duration_format(void **state)
{
	char buf[32];

	(void)state;
	check_duration_format(0, "0s");
	check_duration_format(-5, "0s");
	check_duration_format(1, "1s");
	check_duration_format(45, "45s");
	check_duration_format(59, "59s");
	check_duration_format(60, "1m");
	check_duration_format(1800, "30m");
	check_duration_format(3600, "1h");
	check_duration_format(5400, "1h30m");
	check_duration_format(14400, "4h");
	check_duration_format(86400, "1d");
	check_duration_format(172800, "2d");
	check_duration_format(432000, "5d");
	check_duration_format(604800, "1w");
	check_duration_format(86400 * 13, "1w6d");
	check_duration_format(604800 + 86400 + 3600 + 60 + 1, "1w1d1h1m1s");
	check_duration_format(3601, "1h1s");
	check_duration_format(ITSM_TIME_MAX, "418985w1d23h59m59s");
	check_duration_format(INT64_MAX, "15250284452471w3d15h30m7s");
	/* A short buffer is truncated, never overrun. */
	memset(buf, 'x', sizeof(buf));
	itsm_duration_format(604800 + 86400 + 3600 + 60 + 1, buf, 4);
	assert_string_equal(buf, "1w1");
	assert_int_equal(buf[4], 'x');
}

static void
test_duration_round_trip(void **state)
{
	static const int64_t v[] = { 0, 1, 59, 60, 61, 3599, 3600, 5400,
	    86399, 86400, 90061, 604799, 604800, 694861, INT64_C(31536000),
	    INT64_C(1000000007), ITSM_TIME_MAX };
	char buf[32];
	int64_t back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		itsm_duration_format(v[i], buf, sizeof(buf));
		back = SENTINEL;
		assert_int_equal(itsm_duration_parse(buf, &back), 0);
		assert_true(back == v[i]);
	}
}

/* ---- relative ages ---- */

static void
test_time_relative(void **state)
{
	(void)state;
	check_relative(NOW, NOW, "just now");
	check_relative(NOW - 59, NOW, "just now");
	check_relative(NOW + 59, NOW, "just now");
	check_relative(NOW - 60, NOW, "1m ago");
	check_relative(NOW - 3599, NOW, "59m ago");
	check_relative(NOW - 3600, NOW, "1h ago");
	check_relative(NOW - 3 * 3600 - 1799, NOW, "3h ago");
	check_relative(NOW - 86399, NOW, "23h ago");
	check_relative(NOW - 86400, NOW, "1d ago");
	check_relative(NOW - 13 * 86400, NOW, "13d ago");
	check_relative(NOW - 14 * 86400, NOW, "2w ago");
	check_relative(NOW - 364 * 86400, NOW, "52w ago");
	check_relative(NOW - 365 * 86400, NOW, "1y ago");
	check_relative(NOW - INT64_C(3650) * 86400, NOW, "10y ago");
	check_relative(0, ITSM_TIME_MAX, "8035y ago");
	check_relative(NOW + 90, NOW, "in 1m");
	check_relative(NOW + 2 * 3600, NOW, "in 2h");
	check_relative(NOW + 2 * 86400, NOW, "in 2d");
	check_relative(NOW + 21 * 86400, NOW, "in 3w");
	check_relative(NOW + 800 * 86400, NOW, "in 2y");
}

/* ---- the clock and ITSM_NOW ---- */

static char *saved_now;

static int
save_env(void **state)
{
	const char *v = getenv("ITSM_NOW");

	(void)state;
	saved_now = v ? strdup(v) : NULL;
	return 0;
}

static int
restore_env(void **state)
{
	(void)state;
	if (saved_now != NULL)
		setenv("ITSM_NOW", saved_now, 1);
	else
		unsetenv("ITSM_NOW");
	free(saved_now);
	saved_now = NULL;
	return 0;
}

static void
test_now_unset_is_the_clock(void **state)
{
	int64_t before, after, got = SENTINEL;

	(void)state;
	unsetenv("ITSM_NOW");
	before = (int64_t)time(NULL);
	assert_int_equal(itsm_now(&got), 0);
	after = (int64_t)time(NULL);
	assert_true(got >= before && got <= after);
}

static void
test_now_empty_is_the_clock(void **state)
{
	int64_t before, after, got = SENTINEL;

	(void)state;
	setenv("ITSM_NOW", "", 1);
	before = (int64_t)time(NULL);
	assert_int_equal(itsm_now(&got), 0);
	after = (int64_t)time(NULL);
	assert_true(got >= before && got <= after);
}

static void
test_now_set(void **state)
{
	int64_t got = SENTINEL;

	(void)state;
	setenv("ITSM_NOW", "2026-11-28T08:36:44Z", 1);
	assert_int_equal(itsm_now(&got), 0);
	assert_true(got == INT64_C(1795855004));
	setenv("ITSM_NOW", "2026-11-28 10:36:44+02:00", 1);
	assert_int_equal(itsm_now(&got), 0);
	assert_true(got == INT64_C(1795855004));
	setenv("ITSM_NOW", "1970-01-01", 1);
	assert_int_equal(itsm_now(&got), 0);
	assert_true(got == 0);
}

static void
test_now_relative_to_the_clock(void **state)
{
	int64_t before, after, got = SENTINEL;

	(void)state;
	setenv("ITSM_NOW", "-1h", 1);
	before = (int64_t)time(NULL);
	assert_int_equal(itsm_now(&got), 0);
	after = (int64_t)time(NULL);
	assert_true(got >= before - 3600 && got <= after - 3600);
}

static void
test_now_invalid(void **state)
{
	int64_t got = SENTINEL;

	(void)state;
	setenv("ITSM_NOW", "tomorrow", 1);
	assert_int_equal(itsm_now(&got), ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	assert_non_null(strstr(itsm_errmsg(), "ITSM_NOW"));
	assert_non_null(strstr(itsm_errmsg(), "'tomorrow'"));
	setenv("ITSM_NOW", "2026-02-30T00:00:00Z", 1);
	assert_int_equal(itsm_now(&got), ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	assert_non_null(strstr(itsm_errmsg(), "'2026-02-30T00:00:00Z'"));
}

/* ---- The display zone ---- */

static itsm_tz *
zone(const char *name)
{
	itsm_tz *tz = NULL;

	assert_int_equal(itsm_tz_load(&tz, name), 0);
	return tz;
}

static int64_t
utc(const char *iso)
{
	int64_t t = SENTINEL;

	assert_int_equal(itsm_time_parse(iso, NOW, &t), 0);
	return t;
}

static void
check_format_tz(const char *iso, const itsm_tz *tz, const char *want)
{
	char buf[ITSM_TIMEBUF];

	memset(buf, 'x', sizeof(buf));
	itsm_time_format_tz(utc(iso), tz, buf);
	assert_string_equal(buf, want);
}

static void
check_parse_tz(const char *s, int64_t now, const itsm_tz *tz,
    const char *want)
{
	int64_t got = SENTINEL;
	int rc = itsm_time_parse_tz(s, now, tz, &got);

	if (rc != 0)
		print_error("itsm_time_parse_tz(\"%s\"): %s\n", s,
		    itsm_errmsg());
	assert_int_equal(rc, 0);
	if (got != utc(want))
		print_error("itsm_time_parse_tz(\"%s\") = %lld, want %s\n", s,
		    (long long)got, want);
	assert_true(got == utc(want));
}

/* s is refused, its message naming s and both instants a and b. */
static void
check_dst_refused(const char *s, const itsm_tz *tz, const char *a,
    const char *b)
{
	int64_t got = SENTINEL;

	assert_int_equal(itsm_time_parse_tz(s, NOW, tz, &got), ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	if (strstr(itsm_errmsg(), a) == NULL ||
	    strstr(itsm_errmsg(), b) == NULL)
		print_error("message: %s\n", itsm_errmsg());
	assert_non_null(strstr(itsm_errmsg(), s));
	assert_non_null(strstr(itsm_errmsg(), a));
	assert_non_null(strstr(itsm_errmsg(), b));
	assert_true(strstr(itsm_errmsg(), a) < strstr(itsm_errmsg(), b));
}

static void
test_format_tz(void **state)
{
	itsm_tz *paris = zone("Europe/Paris"), *ny = zone("America/New_York");
	itsm_tz *u = zone("UTC"), *kolkata = zone("Asia/Kolkata");

	(void)state;
	check_format_tz("2026-06-15T06:35:00Z", NULL, "2026-06-15T06:35:00Z");
	check_format_tz("2026-06-15T06:35:00Z", u, "2026-06-15T06:35:00Z");
	check_format_tz("2026-06-15T06:35:00Z", paris,
	    "2026-06-15T08:35:00+02:00");
	check_format_tz("2026-12-31T23:30:00Z", paris,
	    "2027-01-01T00:30:00+01:00");
	check_format_tz("2026-01-01T03:00:00Z", ny,
	    "2025-12-31T22:00:00-05:00");
	check_format_tz("2026-07-04T16:00:00Z", ny,
	    "2026-07-04T12:00:00-04:00");
	check_format_tz("2026-06-15T06:35:00Z", kolkata,
	    "2026-06-15T12:05:00+05:30");
	/* Either side of the change: 01:59:59+01:00, then 03:00:00+02:00. */
	check_format_tz("2026-03-29T00:59:59Z", paris,
	    "2026-03-29T01:59:59+01:00");
	check_format_tz("2026-03-29T01:00:00Z", paris,
	    "2026-03-29T03:00:00+02:00");
	/* The repeated hour: its offset tells the two apart. */
	check_format_tz("2026-10-25T00:30:00Z", paris,
	    "2026-10-25T02:30:00+02:00");
	check_format_tz("2026-10-25T01:30:00Z", paris,
	    "2026-10-25T02:30:00+01:00");
	check_format_tz("1970-01-01T00:00:00Z", ny,
	    "1969-12-31T19:00:00-05:00");
	itsm_tz_free(paris);
	itsm_tz_free(ny);
	itsm_tz_free(u);
	itsm_tz_free(kolkata);
}

static void
test_parse_tz(void **state)
{
	itsm_tz *paris = zone("Europe/Paris"), *ny = zone("America/New_York");
	int64_t late = utc("2026-06-15T23:30:00Z"), got;

	(void)state;
	/* Without an offset: the zone's wall clock. */
	check_parse_tz("2026-06-15T08:35", NOW, paris, "2026-06-15T06:35:00Z");
	check_parse_tz("2026-06-15 08:35:10", NOW, paris,
	    "2026-06-15T06:35:10Z");
	check_parse_tz("2026-01-15T08:35", NOW, paris, "2026-01-15T07:35:00Z");
	check_parse_tz("2026-06-15", NOW, paris, "2026-06-14T22:00:00Z");
	check_parse_tz("2026-06-15T08:35", NOW, ny, "2026-06-15T12:35:00Z");
	check_parse_tz("2026-06-15T08:35", NOW, NULL, "2026-06-15T08:35:00Z");
	/* With Z or an offset: unchanged by the zone. */
	check_parse_tz("2026-06-15T08:35Z", NOW, paris, "2026-06-15T08:35:00Z");
	check_parse_tz("2026-06-15T08:35+00:00", NOW, paris,
	    "2026-06-15T08:35:00Z");
	check_parse_tz("2026-06-15T08:35-04:00", NOW, paris,
	    "2026-06-15T12:35:00Z");
	/* now and -DURATION: no zone in them. */
	check_parse_tz("now", late, paris, "2026-06-15T23:30:00Z");
	check_parse_tz("-1h", late, paris, "2026-06-15T22:30:00Z");
	/* A time of day alone: today in the zone, which may not be UTC's. */
	check_parse_tz("08:35", late, paris, "2026-06-16T06:35:00Z");
	check_parse_tz("08:35:20", late, paris, "2026-06-16T06:35:20Z");
	check_parse_tz("08:35", late, NULL, "2026-06-15T08:35:00Z");
	check_parse_tz("08:35", late, ny, "2026-06-15T12:35:00Z");
	check_parse_tz("23:59:59", late, NULL, "2026-06-15T23:59:59Z");
	check_parse_tz("00:00", NOW, NULL, "2026-11-28T00:00:00Z");
	check_time("08:35", NOW, utc("2026-11-28T08:35:00Z"));
	check_bad_time("08:35Z");
	check_bad_time("08:35+02:00");
	check_bad_time("8:35");
	check_bad_time("24:00");
	check_bad_time("08:60");
	check_bad_time("08:35 ");
	check_bad_time("08:");
	/* today and yesterday, alone or with a time of day, in the zone. */
	check_parse_tz("yesterday 17:00", late, paris, "2026-06-15T15:00:00Z");
	check_parse_tz("yesterday 17:00", late, NULL, "2026-06-14T17:00:00Z");
	check_parse_tz("Yesterday  17:00:30", late, ny,
	    "2026-06-14T21:00:30Z");
	check_parse_tz("today 08:35", late, paris, "2026-06-16T06:35:00Z");
	check_parse_tz("today", late, paris, "2026-06-15T22:00:00Z");
	check_parse_tz("yesterday", late, paris, "2026-06-14T22:00:00Z");
	check_parse_tz("yesterday", NOW, NULL, "2026-11-27T00:00:00Z");
	check_bad_time("yesterday 17:00Z");
	check_bad_time("yesterday 2026-11-27T17:00");
	check_bad_time("yesterday 17:00 ");
	check_bad_time("yesterday17:00");
	check_bad_time("tomorrow 08:00");
	check_bad_time("yesterday x");
	/* Yesterday's 02:30 on the day after Paris skips it: refused. */
	got = SENTINEL;
	assert_int_equal(itsm_time_parse_tz("yesterday 02:30",
	    utc("2026-03-30T12:00Z"), paris, &got), ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	/* The hour skipped, and the hour repeated, in Paris and New York. */
	check_dst_refused("2026-03-29T02:30", paris,
	    "2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00");
	check_dst_refused("2026-03-29T02:00", paris,
	    "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00");
	check_dst_refused("2026-10-25T02:30", paris,
	    "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00");
	check_dst_refused("2026-10-25 02:00:00", paris,
	    "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00");
	check_dst_refused("2026-03-08T02:15", ny,
	    "2026-03-08T01:15:00-05:00", "2026-03-08T03:15:00-04:00");
	check_dst_refused("2026-11-01T01:15", ny,
	    "2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-05:00");
	assert_non_null(strstr(itsm_errmsg(), "America/New_York"));
	got = SENTINEL;
	assert_int_equal(itsm_time_parse_tz("02:30", utc("2026-03-29T12:00Z"),
	    paris, &got), ITSM_E_INVALID);
	/* Either side of them: one instant each. */
	check_parse_tz("2026-03-29T01:59:59", NOW, paris,
	    "2026-03-29T00:59:59Z");
	check_parse_tz("2026-03-29T03:00", NOW, paris, "2026-03-29T01:00:00Z");
	check_parse_tz("2026-10-25T01:59:59", NOW, paris,
	    "2026-10-24T23:59:59Z");
	check_parse_tz("2026-10-25T03:00", NOW, paris, "2026-10-25T02:00:00Z");
	/* With the offset, the repeated hour is said. */
	check_parse_tz("2026-10-25T02:30+01:00", NOW, paris,
	    "2026-10-25T01:30:00Z");
	/* Before 1970 in UTC is refused. */
	got = SENTINEL;
	assert_int_equal(itsm_time_parse_tz("1970-01-01T00:30", NOW, paris,
	    &got), ITSM_E_INVALID);
	assert_true(got == SENTINEL);
	itsm_tz_free(paris);
	itsm_tz_free(ny);
}

/* What itsm_time_format_tz() writes, itsm_time_parse_tz() reads back. */
static void
test_tz_round_trip(void **state)
{
	itsm_tz *paris = zone("Europe/Paris"), *ny = zone("America/New_York");
	const itsm_tz *zones[] = { NULL, paris, ny };
	char buf[ITSM_TIMEBUF];
	int64_t t, back;
	size_t z;

	(void)state;
	for (z = 0; z < 3; z++)
		for (t = utc("2025-01-01T00:00:00Z");
		    t < utc("2028-01-01T00:00:00Z"); t += 86400 / 7 + 1234) {
			itsm_time_format_tz(t, zones[z], buf);
			assert_int_equal(itsm_time_parse_tz(buf, NOW,
			    zones[z], &back), 0);
			assert_true(back == t);
		}
	itsm_tz_free(paris);
	itsm_tz_free(ny);
}

#define ENV_TEST(f) cmocka_unit_test_setup_teardown(f, save_env, restore_env)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_utc_z),
		cmocka_unit_test(test_parse_without_offset_is_utc),
		cmocka_unit_test(test_parse_without_seconds),
		cmocka_unit_test(test_parse_space_separator),
		cmocka_unit_test(test_parse_date_only),
		cmocka_unit_test(test_parse_offsets),
		cmocka_unit_test(test_parse_fractions),
		cmocka_unit_test(test_parse_now),
		cmocka_unit_test(test_parse_relative),
		cmocka_unit_test(test_parse_rejects_bad_dates),
		cmocka_unit_test(test_parse_rejects_out_of_range),
		cmocka_unit_test(test_parse_rejects_bad_clock),
		cmocka_unit_test(test_parse_rejects_malformed),
		cmocka_unit_test(test_parse_leap_years),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_duration_round_trip),
		cmocka_unit_test(test_time_relative),
		cmocka_unit_test(test_format_tz),
		cmocka_unit_test(test_parse_tz),
		cmocka_unit_test(test_tz_round_trip),
		ENV_TEST(test_now_unset_is_the_clock),
		ENV_TEST(test_now_empty_is_the_clock),
		ENV_TEST(test_now_set),
		ENV_TEST(test_now_relative_to_the_clock),
		ENV_TEST(test_now_invalid),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}

/*
 * Unit tests of lib/tz.c and lib/calendar.c: zones against glibc's
 * localtime_r(), wall-clock times skipped and repeated, calendars' due
 * times and working time on fixed cases (a Paris office, a night shift
 * across midnight, 24x7, DST days in Paris and New York, holidays and
 * iCalendar files), and properties over random instants across years,
 * seeded so that a failure comes back the same: elapsed(start,
 * due(start, d)) == d, a due time never inside a closed period, working
 * time against a reference built on glibc minute by minute.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/time.h"

#define H 3600
#define M 60

/* ---- helpers ---- */

static uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);

/* xorshift64*: the same numbers on every machine. */
static uint64_t
rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * UINT64_C(2685821657736338717);
}

static int64_t
rnd_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* The UTC instant of a UTC date and time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	int64_t t;

	assert_int_equal(itsm_time_civil(y, mo, d, h, mi, 0, &t), 0);
	return t;
}

static itsm_calendar *
cal_new(const char *name, const char *zone)
{
	itsm_calendar *c = NULL;
	int rc = itsm_calendar_new(&c, name, zone);

	if (rc != 0)
		print_error("itsm_calendar_new: %s\n", itsm_errmsg());
	assert_int_equal(rc, 0);
	return c;
}

static void
range(itsm_calendar *c, int day, int sh, int sm, int eh, int em)
{
	int rc = itsm_calendar_add_range(c, day, sh * H + sm * M,
	    eh * H + em * M);

	if (rc != 0)
		print_error("add_range: %s\n", itsm_errmsg());
	assert_int_equal(rc, 0);
}

static void
holiday(itsm_calendar *c, int y, int m, int d)
{
	assert_int_equal(itsm_calendar_add_holiday(c, y, m, d), 0);
}

/* The Paris office of examples/office-hours.yaml, 2026's holidays. */
static itsm_calendar *
paris_office(void)
{
	itsm_calendar *c = cal_new("office", "Europe/Paris");
	int d;

	for (d = ITSM_MON; d <= ITSM_FRI; d++) {
		range(c, d, 8, 0, 12, 0);
		range(c, d, 13, 30, 18, 0);
	}
	holiday(c, 0, 1, 1);
	holiday(c, 2026, 4, 6);		/* Easter Monday */
	holiday(c, 0, 5, 1);
	holiday(c, 0, 5, 8);
	holiday(c, 2026, 5, 14);	/* Ascension */
	holiday(c, 2026, 5, 25);	/* Whit Monday */
	holiday(c, 0, 7, 14);
	holiday(c, 0, 8, 15);		/* a Saturday in 2026 */
	holiday(c, 0, 11, 1);		/* a Sunday in 2026 */
	holiday(c, 0, 11, 11);
	holiday(c, 0, 12, 25);
	return c;
}

/* Every day 00:00-06:00 and 22:00-24:00: a night shift across midnight. */
static itsm_calendar *
night(const char *zone)
{
	itsm_calendar *c = cal_new("night", zone);
	int d;

	for (d = ITSM_MON; d <= ITSM_SUN; d++) {
		range(c, d, 0, 0, 6, 0);
		range(c, d, 22, 0, 24, 0);
	}
	return c;
}

/* New York: 09:00-17:00 on weekdays, Saturday 10:00-14:00. */
static itsm_calendar *
ny_office(void)
{
	itsm_calendar *c = cal_new("ny", "America/New_York");
	int d;

	for (d = ITSM_MON; d <= ITSM_FRI; d++)
		range(c, d, 9, 0, 17, 0);
	range(c, ITSM_SAT, 10, 0, 14, 0);
	holiday(c, 0, 7, 4);
	holiday(c, 0, 12, 25);
	return c;
}

/* ---- zones ---- */

/* The offset glibc gives zone at t. */
static long
glibc_offset(const char *zone, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	setenv("TZ", zone, 1);
	tzset();
	assert_non_null(localtime_r(&tt, &tm));
	return tm.tm_gmtoff;
}

static void
test_tz_against_glibc(void **state)
{
	static const char *const zones[] = { "Europe/Paris",
	    "America/New_York", "Australia/Sydney", "Asia/Kolkata",
	    "America/Santiago", "Pacific/Chatham", "Europe/London", "UTC" };
	size_t z;
	int i;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		itsm_tz *tz = NULL;

		assert_int_equal(itsm_tz_load(&tz, zones[z]), 0);
		assert_string_equal(itsm_tz_name(tz), zones[z]);
		/* 1970 to 2100: the files' tables, then their rules. */
		for (i = 0; i < 3000; i++) {
			int64_t t = rnd_in(0, INT64_C(4102444800));
			long want = glibc_offset(zones[z], t);

			if (itsm_tz_offset(tz, t) != want)
				print_error("%s at %lld: %d, glibc %ld\n",
				    zones[z], (long long)t,
				    itsm_tz_offset(tz, t), want);
			assert_int_equal(itsm_tz_offset(tz, t), want);
		}
		itsm_tz_free(tz);
	}
	unsetenv("TZ");
	tzset();
}

/* Every instant from_local gives has that wall-clock time. */
static void
test_tz_from_local_round_trip(void **state)
{
	static const char *const zones[] = { "Europe/Paris",
	    "America/New_York", "Australia/Sydney", "Pacific/Chatham" };
	int64_t at[2], local;
	size_t z;
	int i, n, k;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		itsm_tz *tz = NULL;

		assert_int_equal(itsm_tz_load(&tz, zones[z]), 0);
		for (i = 0; i < 20000; i++) {
			local = rnd_in(86400 * 365, INT64_C(4102444800));
			if (i % 2)	/* near a change: the interesting part */
				local = itsm_tz_next_change(tz, local) +
				    itsm_tz_offset(tz, local) +
				    rnd_in(-2 * H, 2 * H);
			n = itsm_tz_from_local(tz, local, at);
			assert_true(n >= 0 && n <= 2);
			for (k = 0; k < n; k++)
				assert_true(at[k] + itsm_tz_offset(tz, at[k]) ==
				    local);
			if (n == 2)
				assert_true(at[0] < at[1]);
			if (n == 0) {	/* skipped: neither reading has it */
				assert_true(at[0] < at[1]);
				assert_true(at[0] + itsm_tz_offset(tz, at[0]) !=
				    local);
			}
		}
		itsm_tz_free(tz);
	}
}

static void
test_tz_skipped_and_repeated(void **state)
{
	itsm_tz *tz = NULL;
	int64_t at[2];

	(void)state;
	assert_int_equal(itsm_tz_load(&tz, "Europe/Paris"), 0);
	/* 2026-03-29 02:30 does not exist in Paris. */
	assert_int_equal(itsm_tz_from_local(tz, utc(2026, 3, 29, 2, 30), at),
	    0);
	assert_true(at[0] == utc(2026, 3, 29, 0, 30));	/* read at +02:00 */
	assert_true(at[1] == utc(2026, 3, 29, 1, 30));	/* read at +01:00 */
	/* 2026-10-25 02:30 happens twice. */
	assert_int_equal(itsm_tz_from_local(tz, utc(2026, 10, 25, 2, 30), at),
	    2);
	assert_true(at[0] == utc(2026, 10, 25, 0, 30));
	assert_true(at[1] == utc(2026, 10, 25, 1, 30));
	assert_int_equal(itsm_tz_from_local(tz, utc(2026, 7, 1, 12, 0), at),
	    1);
	assert_true(at[0] == utc(2026, 7, 1, 10, 0));
	/* The changes, from the table and (2040) from the rule. */
	assert_true(itsm_tz_next_change(tz, utc(2026, 1, 1, 0, 0)) ==
	    utc(2026, 3, 29, 1, 0));
	assert_true(itsm_tz_next_change(tz, utc(2040, 4, 1, 0, 0)) ==
	    utc(2040, 10, 28, 1, 0));
	itsm_tz_free(tz);
}

static void
test_tz_unknown(void **state)
{
	static const char *const bad[] = { "Mars/Olympus", "../etc/passwd",
	    "/etc/localtime", "", "Europe/../../etc/passwd", "Europe",
	    "right/Europe/Paris" };
	itsm_tz *tz = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(itsm_tz_load(&tz, bad[i]), ITSM_E_INVALID);
		assert_null(tz);
		assert_non_null(strstr(itsm_errmsg(), "unknown time zone"));
	}
}

/* ---- calendars: fixed cases ---- */

static void
test_paris_office(void **state)
{
	itsm_calendar *c = paris_office();
	int64_t fri = utc(2026, 6, 12, 15, 50);	/* Friday 17:50 in Paris */

	(void)state;
	assert_int_equal(itsm_calendar_check(c), 0);
	assert_true(itsm_calendar_week_seconds(c) == 5 * (8 * H + 30 * M));
	assert_true(itsm_calendar_day_seconds(c) == 8 * H + 30 * M);
	assert_true(itsm_calendar_is_open(c, fri));
	/*
	 * 10 minutes left on Friday, used up at the closing: due when the
	 * clock runs again, Monday 08:00; the next 10 on Monday morning.
	 */
	assert_true(itsm_calendar_due(c, fri, 10 * M) ==
	    utc(2026, 6, 15, 6, 0));
	assert_true(itsm_calendar_elapsed(c, fri, utc(2026, 6, 12, 16, 0)) ==
	    10 * M);
	assert_true(itsm_calendar_due(c, fri, 20 * M) ==
	    utc(2026, 6, 15, 6, 10));
	assert_true(itsm_calendar_elapsed(c, fri, utc(2026, 6, 15, 6, 10)) ==
	    20 * M);
	/* Untouched since Friday 17:50: 20 business minutes on Monday 08:10. */
	assert_true(itsm_calendar_since(c, utc(2026, 6, 15, 6, 10), 20 * M) ==
	    fri);
	assert_true(itsm_calendar_since(c, utc(1970, 1, 5, 9, 0), 86400) ==
	    INT64_MIN);
	/* Closed over the weekend; opens Monday 08:00. */
	assert_false(itsm_calendar_is_open(c, utc(2026, 6, 13, 10, 0)));
	assert_true(itsm_calendar_next_open(c, utc(2026, 6, 13, 10, 0)) ==
	    utc(2026, 6, 15, 6, 0));
	/* Lunch: 12:00 to 13:30 closed. */
	assert_false(itsm_calendar_is_open(c, utc(2026, 6, 15, 10, 0)));
	assert_true(itsm_calendar_is_open(c, utc(2026, 6, 15, 9, 59)));
	assert_true(itsm_calendar_due(c, utc(2026, 6, 15, 9, 0), H) ==
	    utc(2026, 6, 15, 11, 30));	/* 13:30, not 12:00 */
	assert_true(itsm_calendar_due(c, utc(2026, 6, 15, 9, 0), H + 1) ==
	    utc(2026, 6, 15, 11, 30) + 1);
	/* One business day from Monday 10:00 is Tuesday 10:00. */
	assert_true(itsm_calendar_due(c, utc(2026, 6, 15, 8, 0),
	    itsm_calendar_day_seconds(c)) == utc(2026, 6, 16, 8, 0));
	/* Ascension (Thursday 2026-05-14): Wednesday 10:00 + 1d is Friday. */
	assert_true(itsm_calendar_due(c, utc(2026, 5, 13, 8, 0),
	    itsm_calendar_day_seconds(c)) == utc(2026, 5, 15, 8, 0));
	assert_true(itsm_calendar_is_holiday(c, 2026, 5, 14));
	assert_false(itsm_calendar_is_holiday(c, 2027, 5, 14));
	assert_true(itsm_calendar_is_holiday(c, 2031, 12, 25));
	itsm_calendar_free(c);
}

static void
test_holiday_on_a_weekend(void **state)
{
	itsm_calendar *c = paris_office();
	int64_t mon = utc(2026, 8, 9, 22, 0);	/* Monday 2026-08-10 00:00 */

	(void)state;
	/* 15 August 2026 is a Saturday: that week loses nothing. */
	assert_true(itsm_calendar_is_holiday(c, 2026, 8, 15));
	assert_true(itsm_calendar_elapsed(c, mon, mon + 7 * 86400) ==
	    itsm_calendar_week_seconds(c));
	/* 14 July 2026 is a Tuesday: that week loses a day. */
	mon = utc(2026, 7, 12, 22, 0);
	assert_true(itsm_calendar_elapsed(c, mon, mon + 7 * 86400) ==
	    itsm_calendar_week_seconds(c) - itsm_calendar_day_seconds(c));
	itsm_calendar_free(c);
}

static void
test_range_across_midnight_and_24h(void **state)
{
	itsm_calendar *c = night("Europe/Paris");
	/* Saturday 2026-06-13 23:00 in Paris (+02:00). */
	int64_t sat = utc(2026, 6, 13, 21, 0);

	(void)state;
	/* 22:00-24:00 then 00:00-06:00: not a second lost at midnight. */
	assert_true(itsm_calendar_due(c, sat, 2 * H) == sat + 2 * H);
	assert_true(itsm_calendar_elapsed(c, sat, sat + 2 * H) == 2 * H);
	assert_true(itsm_calendar_is_open(c, sat + H));	/* 00:00 */
	assert_true(itsm_calendar_is_open(c, sat + H - 1));	/* 23:59:59 */
	/* From 05:00 Sunday: one hour, then 22:00. */
	assert_true(itsm_calendar_due(c, utc(2026, 6, 14, 3, 0), 2 * H) ==
	    utc(2026, 6, 14, 21, 0));
	itsm_calendar_free(c);
}

/* The working time of local day y-m-d, which begins at utc0. */
static int64_t
day_work(itsm_calendar *c, int64_t from, int64_t to)
{
	return itsm_calendar_elapsed(c, from, to);
}

static void
test_dst_days(void **state)
{
	itsm_calendar *c = night("Europe/Paris");
	itsm_calendar *n = night("America/New_York");
	itsm_calendar *o;
	int d;

	(void)state;
	/* Paris, 2026-03-29: 00:00-06:00 holds 5 hours, 22:00-24:00 two. */
	assert_true(day_work(c, utc(2026, 3, 28, 23, 0),
	    utc(2026, 3, 29, 22, 0)) == 7 * H);
	/* 2026-10-25: 7 hours, then two. */
	assert_true(day_work(c, utc(2026, 10, 24, 22, 0),
	    utc(2026, 10, 25, 23, 0)) == 9 * H);
	/* New York, 2026-03-08 and 2026-11-01 (changes at 02:00). */
	assert_true(day_work(n, utc(2026, 3, 8, 5, 0),
	    utc(2026, 3, 9, 4, 0)) == 7 * H);
	assert_true(day_work(n, utc(2026, 11, 1, 4, 0),
	    utc(2026, 11, 2, 5, 0)) == 9 * H);
	/* A due time across the change: 6 business hours from 00:00. */
	assert_true(itsm_calendar_due(c, utc(2026, 3, 28, 23, 0), 6 * H) ==
	    utc(2026, 3, 29, 20, 0) + H);	/* 5h, then 22:00-23:00 */
	/* A range holding the change itself: 01:00-04:00 on Sundays. */
	o = cal_new("sunday", "Europe/Paris");
	range(o, ITSM_SUN, 1, 0, 4, 0);
	assert_true(day_work(o, utc(2026, 3, 28, 0, 0),
	    utc(2026, 3, 30, 0, 0)) == 2 * H);
	assert_true(day_work(o, utc(2026, 10, 24, 0, 0),
	    utc(2026, 10, 26, 0, 0)) == 4 * H);
	/* A range starting in the skipped hour starts at the jump. */
	itsm_calendar_free(o);
	o = cal_new("sunday", "Europe/Paris");
	range(o, ITSM_SUN, 2, 30, 4, 0);
	assert_true(itsm_calendar_next_open(o, utc(2026, 3, 28, 0, 0)) ==
	    utc(2026, 3, 29, 1, 0));
	assert_true(day_work(o, utc(2026, 3, 28, 0, 0),
	    utc(2026, 3, 30, 0, 0)) == H);
	for (d = 0; d < 7; d++)
		assert_true(itsm_calendar_range_count(o, d) == (d == ITSM_SUN));
	itsm_calendar_free(o);
	itsm_calendar_free(c);
	itsm_calendar_free(n);
}

static void
test_24x7(void **state)
{
	itsm_calendar *c = cal_new("24x7", NULL);
	int64_t t = utc(2026, 6, 13, 23, 59);
	int i;

	(void)state;
	assert_true(itsm_calendar_is_24x7(c));
	assert_string_equal(itsm_calendar_zone(c), "UTC");
	assert_true(itsm_calendar_week_seconds(c) == 7 * 86400);
	assert_true(itsm_calendar_day_seconds(c) == 86400);
	assert_true(itsm_calendar_due(c, t, 2 * M) == t + 2 * M);
	assert_true(itsm_calendar_elapsed(c, t, t + 2 * M) == 2 * M);
	assert_true(itsm_calendar_since(c, t, 2 * M) == t - 2 * M);
	assert_true(itsm_calendar_due(c, ITSM_TIME_MAX - 5, 100) ==
	    ITSM_TIME_MAX);
	for (i = 0; i < 1000; i++) {
		int64_t a = rnd_in(0, INT64_C(4102444800)), d = rnd_in(1,
		    INT64_C(100000000));

		assert_true(itsm_calendar_is_open(c, a));
		assert_true(itsm_calendar_next_open(c, a) == a);
		assert_true(itsm_calendar_due(c, a, d) == a + d);
		assert_true(itsm_calendar_elapsed(c, a, a + d) == d);
	}
	itsm_calendar_free(c);
}

static void
test_bad_ranges(void **state)
{
	itsm_calendar *c = cal_new("x", "Europe/Paris");

	(void)state;
	assert_int_equal(itsm_calendar_check(c), ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "no working time"));
	range(c, ITSM_MON, 8, 0, 12, 0);
	assert_int_equal(itsm_calendar_add_range(c, ITSM_MON, 11 * H, 13 * H),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "overlaps the range 08:00-12:00"));
	assert_int_equal(itsm_calendar_add_range(c, ITSM_MON, 7 * H, 9 * H),
	    ITSM_E_INVALID);
	range(c, ITSM_MON, 12, 0, 13, 0);	/* touching is allowed */
	assert_int_equal(itsm_calendar_add_range(c, ITSM_TUE, 9 * H, 9 * H),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_calendar_add_range(c, ITSM_TUE, 0, 86401),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_calendar_check(c), 0);
	assert_int_equal(itsm_calendar_add_holiday(c, 2026, 2, 29),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_calendar_add_holiday(c, 2026, 13, 1),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_calendar_add_holiday(c, 0, 2, 29), 0);
	assert_true(itsm_calendar_is_holiday(c, 2028, 2, 29));
	assert_false(itsm_calendar_is_holiday(c, 2028, 3, 1));
	itsm_calendar_free(c);
	assert_int_equal(itsm_calendar_new(&c, "y", "Nowhere/Land"),
	    ITSM_E_INVALID);
	assert_null(c);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_ics_holidays(void **state)
{
	char dir[] = "/tmp/itsm-cal.XXXXXX", path[64], bad[64];
	itsm_calendar *c = paris_office();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fr.ics", dir);
	snprintf(bad, sizeof(bad), "%s/bad.ics", dir);
	write_file(path,
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
	    "BEGIN:VEVENT\r\nUID:1@x\r\nDTSTAMP:20260101T000000Z\r\n"
	    "SUMMARY:Easter Monday\r\nDTSTART;VALUE=DATE:20270329\r\n"
	    "DTEND;VALUE=DATE:20270330\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:2@x\r\nDTSTAMP:20260101T000000Z\r\n"
	    "SUMMARY:Bridge\r\nDTSTART;VALUE=DATE:20271224\r\n"
	    "DTEND;VALUE=DATE:20271227\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:3@x\r\nDTSTAMP:20260101T000000Z\r\n"
	    "SUMMARY:Company day\r\nDTSTART;VALUE=DATE:20260903\r\n"
	    "RRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20280903\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n");
	assert_int_equal(itsm_calendar_add_holiday_file(c, path), 0);
	assert_true(itsm_calendar_holiday_file_count(c) == 1);
	assert_string_equal(itsm_calendar_holiday_file(c, 0), path);
	assert_true(itsm_calendar_is_holiday(c, 2027, 3, 29));
	assert_false(itsm_calendar_is_holiday(c, 2027, 3, 30));
	assert_true(itsm_calendar_is_holiday(c, 2027, 12, 24));
	assert_true(itsm_calendar_is_holiday(c, 2027, 12, 26));
	assert_false(itsm_calendar_is_holiday(c, 2027, 12, 27));
	assert_true(itsm_calendar_is_holiday(c, 2026, 9, 3));
	assert_true(itsm_calendar_is_holiday(c, 2150, 9, 3));
	assert_false(itsm_calendar_is_holiday(c, 2028, 9, 3));	/* EXDATE */
	assert_false(itsm_calendar_is_holiday(c, 2025, 9, 3));
	/* The closed days, ascending, the file's among them. */
	assert_true(itsm_calendar_closed_day_count(c) > 0);
	for (size_t i = 1; i < itsm_calendar_closed_day_count(c); i++)
		assert_true(itsm_calendar_closed_day(c, i - 1) <
		    itsm_calendar_closed_day(c, i));
	/* Recurring daily: refused by its count, not expanded to 2200. */
	write_file(bad,
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
	    "BEGIN:VEVENT\r\nUID:9@x\r\nDTSTAMP:20260101T000000Z\r\n"
	    "SUMMARY:Every day\r\nDTSTART;VALUE=DATE:20260101\r\n"
	    "RRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
	assert_int_equal(itsm_calendar_add_holiday_file(c, bad),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "holiday file '"));
	assert_non_null(strstr(itsm_errmsg(), "': the event 'Every day' "
	    "recurs more than 20000 times before 2200"));
	/* Not iCalendar, no event, no file. */
	write_file(bad, "hello\n");
	assert_int_equal(itsm_calendar_add_holiday_file(c, bad),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "is not iCalendar"));
	write_file(bad, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
	assert_int_equal(itsm_calendar_add_holiday_file(c, bad),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "names no event"));
	unlink(bad);
	assert_int_equal(itsm_calendar_add_holiday_file(c, bad), ITSM_E_IO);
	assert_true(itsm_calendar_holiday_file_count(c) == 1);
	unlink(path);
	rmdir(dir);
	itsm_calendar_free(c);
}

static void
test_spans(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "4h", "4h" }, { "1d", "1d" }, { "1w", "1w" },
		{ "24h", "24h" }, { "90m", "1h30m" }, { "7d", "7d" },
		{ "1w2d4h30m", "1w2d4h30m" }, { "0", "0s" }, { "45s", "45s" },
	};
	itsm_calendar *c = paris_office(), *w = cal_new("24x7", NULL);
	struct itsm_span s;
	char buf[48];
	int64_t wall;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(itsm_span_parse(cases[i].in, &s, &wall), 0);
		itsm_span_format(&s, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
	assert_int_equal(itsm_span_parse("1mo", &s, &wall), ITSM_E_INVALID);
	assert_int_equal(itsm_span_parse("1w2d4h", &s, &wall), 0);
	assert_true(wall == 604800 + 2 * 86400 + 4 * H);
	/* In the office: a week of 42h30m, a day of 8h30m, hours as hours. */
	assert_true(itsm_calendar_span(c, &s) ==
	    5 * 30600 + 2 * 30600 + 4 * H);
	/* In 24x7 the wall-clock length. */
	assert_true(itsm_calendar_span(w, &s) == wall);
	itsm_calendar_free(c);
	itsm_calendar_free(w);
}

/* ---- properties ---- */

/*
 * For random starts across years (and past 2037, where the zones' rules
 * take over from their tables) and durations up to two business years:
 * elapsed(start, due(start, d)) == d, the due time is working time and
 * the clock runs past d in the second after it (a target used up at a
 * closing time is due at the next opening).
 */
static void
check_due_property(itsm_calendar *c, int64_t lo, int64_t hi, int runs)
{
	int i;

	for (i = 0; i < runs; i++) {
		int64_t start = rnd_in(lo, hi), d, due;

		switch (i % 4) {
		case 0: d = rnd_in(1, 4 * H); break;
		case 1: d = rnd_in(1, 5 * itsm_calendar_week_seconds(c)); break;
		case 2: d = rnd_in(1, 104 * itsm_calendar_week_seconds(c));
		    break;
		default: d = rnd_in(1, 3) * itsm_calendar_day_seconds(c); break;
		}
		due = itsm_calendar_due(c, start, d);
		if (itsm_calendar_elapsed(c, start, due) != d)
			print_error("%s: start %lld, d %lld: due %lld, "
			    "elapsed %lld\n", itsm_calendar_name(c),
			    (long long)start, (long long)d, (long long)due,
			    (long long)itsm_calendar_elapsed(c, start, due));
		assert_true(itsm_calendar_elapsed(c, start, due) == d);
		assert_true(due > start);
		assert_true(itsm_calendar_is_open(c, due));
		assert_true(itsm_calendar_elapsed(c, start, due + 1) == d + 1);
		assert_true(itsm_calendar_next_open(c, start) < due);
		/* Backwards: from due, d seconds back is where counting began. */
		assert_true(itsm_calendar_since(c, due, d) ==
		    itsm_calendar_next_open(c, start));
		/* And from any end, the latest such instant, working time. */
		due += rnd_in(0, 86400 * 3);
		start = itsm_calendar_since(c, due, d);
		assert_true(itsm_calendar_elapsed(c, start, due) == d);
		assert_true(itsm_calendar_is_open(c, start));
		assert_true(itsm_calendar_elapsed(c, start + 1, due) == d - 1);
	}
}

static void
test_property_due_elapsed(void **state)
{
	itsm_calendar *cals[4];
	size_t i;

	(void)state;
	cals[0] = paris_office();
	cals[1] = ny_office();
	cals[2] = night("Europe/Paris");
	cals[3] = night("America/New_York");
	for (i = 0; i < 4; i++) {
		check_due_property(cals[i], utc(2024, 1, 1, 0, 0),
		    utc(2031, 1, 1, 0, 0), 1500);
		check_due_property(cals[i], utc(2038, 1, 1, 0, 0),
		    utc(2046, 1, 1, 0, 0), 300);
		itsm_calendar_free(cals[i]);
	}
}

/*
 * Working time over long spans (whole weeks skipped at once) is the sum
 * of its days (walked one by one).
 */
static void
test_property_weeks_are_sums_of_days(void **state)
{
	itsm_calendar *c = paris_office(), *n = night("America/New_York");
	itsm_calendar *cals[2] = { c, n };
	int i, k;

	(void)state;
	for (k = 0; k < 2; k++)
		for (i = 0; i < 60; i++) {
			int64_t a = rnd_in(utc(2025, 1, 1, 0, 0),
			    utc(2029, 1, 1, 0, 0));
			int64_t b = a + rnd_in(0, 400 * 86400), t, sum = 0;

			for (t = a; t < b; t += 86400 - 1)
				sum += itsm_calendar_elapsed(cals[k], t,
				    t + 86400 - 1 < b ? t + 86400 - 1 : b);
			assert_true(itsm_calendar_elapsed(cals[k], a, b) == sum);
		}
	itsm_calendar_free(c);
	itsm_calendar_free(n);
}

/* Whether calendar-like ranges hold local time tm: the reference. */
struct ref {
	const char *zone;
	int ranges[7][4][2];	/* seconds of the day; end 0: none */
	int hol[8][3];		/* y (0: yearly), m, d */
};

static int
ref_open(const struct ref *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int wd, s, i;

	localtime_r(&tt, &tm);
	for (i = 0; i < 8 && r->hol[i][1] != 0; i++)
		if ((r->hol[i][0] == 0 || r->hol[i][0] == tm.tm_year + 1900) &&
		    r->hol[i][1] == tm.tm_mon + 1 && r->hol[i][2] == tm.tm_mday)
			return 0;
	wd = (tm.tm_wday + 6) % 7;
	s = tm.tm_hour * H + tm.tm_min * M + tm.tm_sec;
	for (i = 0; i < 4 && r->ranges[wd][i][1] != 0; i++)
		if (r->ranges[wd][i][0] <= s && s < r->ranges[wd][i][1])
			return 1;
	return 0;
}

/*
 * Working time against glibc's local time minute by minute, over windows
 * of three days, half of them around a change of offset: no range
 * boundary falls in a skipped or repeated hour, so wall-clock membership
 * is the whole definition.
 */
static void
check_reference(const struct ref *r)
{
	itsm_calendar *c = cal_new("ref", r->zone);
	int64_t a, b, t, want;
	int d, i, k;

	for (d = 0; d < 7; d++)
		for (i = 0; i < 4 && r->ranges[d][i][1] != 0; i++)
			assert_int_equal(itsm_calendar_add_range(c, d,
			    r->ranges[d][i][0], r->ranges[d][i][1]), 0);
	for (i = 0; i < 8 && r->hol[i][1] != 0; i++)
		holiday(c, r->hol[i][0], r->hol[i][1], r->hol[i][2]);
	setenv("TZ", r->zone, 1);
	tzset();
	for (k = 0; k < 120; k++) {
		a = rnd_in(utc(2025, 1, 1, 0, 0), utc(2040, 1, 1, 0, 0)) / M * M;
		if (k % 2)
			a = (itsm_tz_next_change(itsm_calendar_tz(c), a) -
			    rnd_in(0, 2 * 86400)) / M * M;
		b = a + rnd_in(1, 3 * 24 * 60) * M;
		for (want = 0, t = a; t < b; t += M)
			want += ref_open(r, t) ? M : 0;
		assert_true(itsm_calendar_elapsed(c, a, b) == want);
		for (t = a; t < b; t += 7 * M)
			assert_int_equal(itsm_calendar_is_open(c, t),
			    ref_open(r, t));
	}
	unsetenv("TZ");
	tzset();
	itsm_calendar_free(c);
}

static void
test_property_against_glibc(void **state)
{
	struct ref paris = { "Europe/Paris", { { { 0 } } }, {
	    { 0, 12, 25 }, { 2026, 4, 6 }, { 0, 8, 15 }, { 2027, 3, 29 } } };
	struct ref ny = { "America/New_York", { { { 0 } } }, {
	    { 0, 7, 4 }, { 0, 11, 26 } } };
	int d;

	(void)state;
	for (d = 0; d < 5; d++) {
		paris.ranges[d][0][0] = 8 * H;
		paris.ranges[d][0][1] = 12 * H;
		paris.ranges[d][1][0] = 13 * H + 30 * M;
		paris.ranges[d][1][1] = 18 * H;
	}
	/* Sundays across the change of 02:00 and 03:00, to midnight. */
	paris.ranges[6][0][0] = 0;
	paris.ranges[6][0][1] = 6 * H;
	paris.ranges[6][1][0] = 22 * H;
	paris.ranges[6][1][1] = 24 * H;
	for (d = 0; d < 7; d++) {
		ny.ranges[d][0][0] = 0;
		ny.ranges[d][0][1] = 4 * H;
		ny.ranges[d][1][0] = 9 * H;
		ny.ranges[d][1][1] = 17 * H;
		ny.ranges[d][2][0] = 20 * H;
		ny.ranges[d][2][1] = 24 * H;
	}
	check_reference(&paris);
	check_reference(&ny);
}

/* Far ahead: a due time past the end of time is the last second. */
static void
test_end_of_time(void **state)
{
	itsm_calendar *c = paris_office();

	(void)state;
	assert_true(itsm_calendar_due(c, ITSM_TIME_MAX - 86400,
	    10 * itsm_calendar_week_seconds(c)) == ITSM_TIME_MAX);
	/* Ten thousand years of business time: at once, the last second. */
	assert_true(itsm_calendar_due(c, utc(2026, 1, 1, 0, 0),
	    INT64_C(20000) * 52 * itsm_calendar_week_seconds(c)) ==
	    ITSM_TIME_MAX);
	assert_true(itsm_calendar_due(c, utc(2026, 1, 1, 0, 0),
	    INT64_C(100) * 52 * itsm_calendar_week_seconds(c)) <
	    ITSM_TIME_MAX);
	itsm_calendar_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_against_glibc),
		cmocka_unit_test(test_tz_from_local_round_trip),
		cmocka_unit_test(test_tz_skipped_and_repeated),
		cmocka_unit_test(test_tz_unknown),
		cmocka_unit_test(test_paris_office),
		cmocka_unit_test(test_holiday_on_a_weekend),
		cmocka_unit_test(test_range_across_midnight_and_24h),
		cmocka_unit_test(test_dst_days),
		cmocka_unit_test(test_24x7),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_ics_holidays),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_property_due_elapsed),
		cmocka_unit_test(test_property_weeks_are_sums_of_days),
		cmocka_unit_test(test_property_against_glibc),
		cmocka_unit_test(test_end_of_time),
	};

	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}

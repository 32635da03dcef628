/*
 * Time zones and business calendars.
 *
 * A time zone is an IANA zone ("Europe/Paris") read from the system's
 * zone files; it converts UTC instants to local wall-clock time and back.
 *
 * A calendar is a name, a zone, weekly working ranges in that zone's
 * wall-clock time (several a day; a range may end at 24:00) and holidays
 * (whole local days closed: dates, dates every year, iCalendar files).
 * "24x7" is built in: always open, its arithmetic plain subtraction.
 *
 * All instants are int64 seconds since the Unix epoch, UTC.  A range
 * 08:00-12:00 is 08:00 to 12:00 on the wall clock, whatever the offset
 * does in between: on a day the clocks change inside it, it is 3 or 5
 * hours of real time.  A wall-clock time that does not exist (the hour
 * skipped in spring) is read as the instant the clocks jump; one that
 * happens twice (the hour repeated in autumn) as its first occurrence.
 *
 * The arithmetic walks whole weeks at once where a week holds no holiday
 * and no change of offset, and days otherwise: a year's due time costs
 * about sixty steps, not the minutes of the year.
 *
 * Handles are opaque; a calendar and its zone are read-only once built,
 * and may be used by several threads at once.
 */
#ifndef ITSM_CALENDAR_H
#define ITSM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

typedef struct itsm_tz itsm_tz;
typedef struct itsm_calendar itsm_calendar;

/* ---- Time zones ---- */

/*
 * Loads the IANA zone name ("Europe/Paris", "UTC") from the system's
 * zone files (TZif, /usr/share/zoneinfo, or TZDIR).  ITSM_E_INVALID with
 * a message when there is no such zone.
 */
int itsm_tz_load(itsm_tz **out, const char *name);
void itsm_tz_free(itsm_tz *tz);
const char *itsm_tz_name(const itsm_tz *tz);

/* The offset of local time from UTC at instant t, in seconds (+3600). */
int itsm_tz_offset(const itsm_tz *tz, int64_t t);

/* The first instant after t at which the offset changes; INT64_MAX: none. */
int64_t itsm_tz_next_change(const itsm_tz *tz, int64_t t);

/*
 * The instants whose wall-clock time is local (seconds since
 * 1970-01-01T00:00 of the local clock, as if it were UTC).  Returns how
 * many there are: 1 (at[0]); 2, in the hour repeated when the clocks go
 * back (at[0] < at[1]); 0 in the hour skipped when they go forward, with
 * at[0] < at[1] the two readings of local with the offsets before and
 * after the change (what a message offering both would show).
 */
int itsm_tz_from_local(const itsm_tz *tz, int64_t local, int64_t at[2]);

/* ---- Calendars ---- */

#define ITSM_CALENDAR_24X7 "24x7"

/* Days of the week, as calendars number them. */
enum itsm_weekday {
	ITSM_MON, ITSM_TUE, ITSM_WED, ITSM_THU, ITSM_FRI, ITSM_SAT, ITSM_SUN
};

/*
 * A new calendar, closed at all times until ranges are added, in zone
 * (an IANA name; ITSM_E_INVALID when unknown).  The name "24x7" gives the
 * built-in calendar, always open, in UTC (zone is then ignored).
 */
int itsm_calendar_new(itsm_calendar **out, const char *name,
    const char *zone);
void itsm_calendar_free(itsm_calendar *c);

/*
 * Adds a working range to a day of the week: from start to end, seconds
 * of the local day, 0 <= start < end <= 86400 (24:00).  ITSM_E_INVALID
 * when out of bounds or overlapping a range of that day (touching one is
 * allowed: 08:00-12:00 and 12:00-13:00 make one stretch).
 */
int itsm_calendar_add_range(itsm_calendar *c, enum itsm_weekday day,
    int start, int end);

/*
 * Adds a holiday: a whole local day closed.  year 0 is a date every year
 * (month 2, day 29: only in leap years).  ITSM_E_INVALID for a date that
 * does not exist.  A holiday on a day without working time changes
 * nothing.
 */
int itsm_calendar_add_holiday(itsm_calendar *c, int year, int month,
    int day);

/*
 * Adds the holidays of an iCalendar file (RFC 5545): each VEVENT's days,
 * from its DTSTART's date up to its DTEND's (excluded; one day without
 * DTEND or DURATION), every occurrence of its RRULE from 1970 to 2200
 * except its EXDATEs.  ITSM_E_IO when the file cannot be read,
 * ITSM_E_INVALID when it is not iCalendar or names no event.
 */
int itsm_calendar_add_holiday_file(itsm_calendar *c, const char *path);

/*
 * Whether the week has working time (ITSM_E_INVALID otherwise, with a
 * message): a calendar closed every day of the week would make every due
 * time infinite.
 */
int itsm_calendar_check(const itsm_calendar *c);

const char *itsm_calendar_name(const itsm_calendar *c);
/* The zone's IANA name ("UTC" for 24x7). */
const char *itsm_calendar_zone(const itsm_calendar *c);
const itsm_tz *itsm_calendar_tz(const itsm_calendar *c);
int itsm_calendar_is_24x7(const itsm_calendar *c);

/* The ranges of a day of the week, in order; start and end in seconds. */
size_t itsm_calendar_range_count(const itsm_calendar *c,
    enum itsm_weekday day);
void itsm_calendar_range(const itsm_calendar *c, enum itsm_weekday day,
    size_t i, int *start, int *end);

/* The holidays added by date (year 0: every year), in the order given. */
size_t itsm_calendar_holiday_count(const itsm_calendar *c);
void itsm_calendar_holiday(const itsm_calendar *c, size_t i, int *year,
    int *month, int *day);
/* The holiday files added, in order. */
/*
 * Every closed day, dated ones and those of the holiday files (a yearly
 * holiday's are the policy's, above), ascending, as days since
 * 1970-01-01.
 */
size_t itsm_calendar_closed_day_count(const itsm_calendar *c);
int64_t itsm_calendar_closed_day(const itsm_calendar *c, size_t i);
size_t itsm_calendar_holiday_file_count(const itsm_calendar *c);
const char *itsm_calendar_holiday_file(const itsm_calendar *c, size_t i);

/* Whether the local date (year, month, day) is a holiday. */
int itsm_calendar_is_holiday(const itsm_calendar *c, int year, int month,
    int day);

/* Whether t is working time. */
int itsm_calendar_is_open(const itsm_calendar *c, int64_t t);

/*
 * The first working instant at or after t (t itself when open);
 * ITSM_TIME_MAX when there is none before the end of time.
 */
int64_t itsm_calendar_next_open(const itsm_calendar *c, int64_t t);

/*
 * The last instant by which no more than business seconds of working
 * time have elapsed from start (counting from start, or from the next
 * opening when start is not working time): the instant the clock would
 * run past them.  Used up at a closing time, they are due at the next
 * opening (13:30 for a range ending at 12:00 and one starting at 13:30),
 * so that due(start, d) is working time and what is done during the
 * break is done in time.  business <= 0 gives start.  At most
 * ITSM_TIME_MAX.
 */
int64_t itsm_calendar_due(const itsm_calendar *c, int64_t start,
    int64_t business);

/*
 * The latest instant from which business seconds of working time elapse
 * by end: elapsed(since(end, d), end) == d, and that instant is working
 * time.  What a sweep needs to stay a bounded query: a ticket is stagnant
 * when its last activity is at or before since(now, threshold), one
 * instant per calendar and threshold, not a computation per ticket.
 * business <= 0 gives end; INT64_MIN when there is not that much working
 * time since 1970.
 */
int64_t itsm_calendar_since(const itsm_calendar *c, int64_t end,
    int64_t business);

/* The working seconds from a to b (0 when b <= a). */
int64_t itsm_calendar_elapsed(const itsm_calendar *c, int64_t a, int64_t b);

/*
 * The working seconds of a week without holidays or change of offset,
 * and of a business day: the week's over the number of days of the week
 * that have working time (24x7: 604800 and 86400).
 */
int64_t itsm_calendar_week_seconds(const itsm_calendar *c);
int64_t itsm_calendar_day_seconds(const itsm_calendar *c);

/* ---- Durations in business time ---- */

/*
 * A duration as written in the policy, its units kept: in a business
 * calendar "1d" is one business day and "1w" one business week, not 24
 * or 168 hours (itsm.yaml(5), Durations).
 */
struct itsm_span {
	int64_t seconds;	/* the s, m and h parts */
	int64_t days;		/* the d parts */
	int64_t weeks;		/* the w parts */
};

/*
 * Parses a duration ("4h", "1d", "1w2d4h30m", "0") as
 * itsm_duration_parse() does, keeping its units; ITSM_E_INVALID with
 * its message.  *wall gets its length on the wall clock (1d = 86400).
 */
int itsm_span_parse(const char *s, struct itsm_span *out, int64_t *wall);

/* Writes a span back ("1w2d4h30m"; "0s" for nothing); len >= 48. */
void itsm_span_format(const struct itsm_span *s, char *buf, unsigned len);

/*
 * The working seconds span means in calendar c: its seconds as they are,
 * each day as itsm_calendar_day_seconds(), each week as
 * itsm_calendar_week_seconds() (in 24x7: the wall-clock length).
 */
int64_t itsm_calendar_span(const itsm_calendar *c,
    const struct itsm_span *span);

#endif

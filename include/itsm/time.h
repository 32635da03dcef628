/*
 * Times and durations.
 *
 * Times are seconds since the Unix epoch, UTC, between 1970-01-01 and
 * 9999-12-31.  Durations are whole seconds and read like "30m", "4h",
 * "1h30m", "2d", "1w" (m is minutes; there are no months).
 */
#ifndef ITSM_TIME_H
#define ITSM_TIME_H

#include <stdint.h>

#define ITSM_TIME_MAX INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
#define ITSM_TIMEBUF 48				/* room for "YYYY-MM-DDTHH:MM:SSZ" */

/*
 * The current time: ITSM_NOW when set (ISO 8601), else the clock.
 * Returns ITSM_E_INVALID when ITSM_NOW cannot be read.
 */
int itsm_now(int64_t *out);

typedef struct itsm_tz itsm_tz;	/* include/itsm/calendar.h */

/*
 * Parses TIME: ISO 8601 ("2026-11-28T08:36:44Z", "2026-11-28T08:36",
 * "2026-11-28 08:36+02:00", "2026-11-28"), a time of day alone
 * ("08:36", "08:36:44": that time today), "today" or "yesterday" alone
 * (that day's midnight) or followed by a time of day ("yesterday 17:00"),
 * "now", or "-DURATION" (that long before now).  A time without an
 * offset is UTC.
 */
int itsm_time_parse(const char *s, int64_t now, int64_t *out);

/*
 * itsm_time_parse(), but a time without an offset is wall-clock time in
 * tz (NULL: UTC), and "today" is tz's date at now.  A wall-clock time
 * that tz skips (the clocks go forward) or repeats (they go back) is
 * ITSM_E_INVALID, with a message giving both instants it may be, each
 * with its offset.  A time with Z or an offset keeps its meaning.
 */
int itsm_time_parse_tz(const char *s, int64_t now, const itsm_tz *tz,
    int64_t *out);

/*
 * The UTC time of a date of the proleptic Gregorian calendar and a time
 * of day; ITSM_E_INVALID, with no message, when there is no such date or
 * time, or it is outside 1970 to 9999.
 */
int itsm_time_civil(int y, int mo, int d, int h, int mi, int sec,
    int64_t *out);

/*
 * Reads s as "itsm import" reads a time (the forms SQLite's date
 * functions read): [-]YYYY-MM-DD, then optionally spaces or 'T's and a
 * time of day; or a time of day alone, on 2000-01-01.  A time of day is
 * HH:MM or HH:MM:SS, the hour 00 to 24, and an optional fraction of a
 * second (rounded to the millisecond), then optional spaces, a zone,
 * 'Z' or [+-]HH:MM (up to 14:59), and optional spaces.  A day 29 to 31
 * of a shorter month runs into the next.  "now" (in any case) is the
 * clock; a decimal number (spaces around it allowed) is a Julian day,
 * as itsm_time_julian() reads it.  Returns 0 with *out, which may be
 * before 1970 (not before 4714 BC, not past 9999), or ITSM_E_INVALID,
 * with no message, when s is none of these.
 */
int itsm_time_import(const char *s, int64_t *out);

/*
 * The time of the Julian day jd (2440587.5 is 1970-01-01T00:00:00Z), to
 * the second below; ITSM_E_INVALID, with no message, when jd is not from
 * 0 to 9999-12-31 (5373484.5 excluded).
 */
int itsm_time_julian(double jd, int64_t *out);

/* Writes t as "2026-11-28T08:36:44Z" into buf (ITSM_TIMEBUF bytes). */
void itsm_time_format(int64_t t, char *buf);

/*
 * Writes t as the wall-clock time of tz with its offset, RFC 3339:
 * "2026-06-15T08:35:00+02:00" (ITSM_TIMEBUF bytes); as
 * itsm_time_format() does ("...Z") where the offset is zero, and always
 * when tz is NULL.
 */
void itsm_time_format_tz(int64_t t, const itsm_tz *tz, char *buf);

/* Parses a duration; at least one "<number><unit>" with unit s, m, h, d or w. */
int itsm_duration_parse(const char *s, int64_t *out);

/* Writes a duration in the units above ("1h30m", "2d", "0s"); len >= 32. */
void itsm_duration_format(int64_t secs, char *buf, unsigned len);

/* Writes a short age or distance ("3h ago", "in 2d", "just now"); len >= 16. */
void itsm_time_relative(int64_t t, int64_t now, char *buf, unsigned len);

#endif

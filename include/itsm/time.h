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

/*
 * Parses TIME: ISO 8601 ("2026-11-28T08:36:44Z", "2026-11-28T08:36",
 * "2026-11-28 08:36+02:00", "2026-11-28"), "now", or "-DURATION" (that
 * long before now).  A time without an offset is UTC.
 */
int itsm_time_parse(const char *s, int64_t now, int64_t *out);

/*
 * The UTC time of a date of the proleptic Gregorian calendar and a time
 * of day; ITSM_E_INVALID, with no message, when there is no such date or
 * time, or it is outside 1970 to 9999.
 */
int itsm_time_civil(int y, int mo, int d, int h, int mi, int sec,
    int64_t *out);

/* Writes t as "2026-11-28T08:36:44Z" into buf (ITSM_TIMEBUF bytes). */
void itsm_time_format(int64_t t, char *buf);

/* Parses a duration; at least one "<number><unit>" with unit s, m, h, d or w. */
int itsm_duration_parse(const char *s, int64_t *out);

/* Writes a duration in the units above ("1h30m", "2d", "0s"); len >= 32. */
void itsm_duration_format(int64_t secs, char *buf, unsigned len);

/* Writes a short age or distance ("3h ago", "in 2d", "just now"); len >= 16. */
void itsm_time_relative(int64_t t, int64_t now, char *buf, unsigned len);

#endif

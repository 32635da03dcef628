/*
 * Times (UTC seconds, ISO 8601 text) and durations ("1h30m").
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/time.h"
#include "calendar_int.h"

/* Reads exactly n digits. */
static int
digits(const char **pp, int n, int *out)
{
	const char *p = *pp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*out = v;
	return 0;
}

static int
bad_time(const char *s)
{
	return itsm_error(ITSM_E_INVALID, "invalid time '%.*s' (expected ISO "
	    "8601 like 2026-11-28T08:36:44Z, a time of day like 08:36, "
	    "'yesterday 17:00', 'now' or -DURATION, between 1970 and 9999)",
	    itsm_cut(s, 64), s);
}

/*
 * "today" or "yesterday" (any case), alone or followed by spaces and a
 * time of day: *back is how many days before today, *rest what follows
 * the spaces ("" for the day's midnight).  0 when s is not one of them.
 */
static int
day_word(const char *s, int *back, const char **rest)
{
	static const char *const words[] = { "today", "yesterday" };
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if (strncasecmp(s, words[i], n) != 0 ||
		    (s[n] != '\0' && s[n] != ' '))
			continue;
		for (s += n; *s == ' '; s++)
			;
		*back = (int)i;
		*rest = s;
		return 1;
	}
	return 0;
}

int
itsm_time_civil(int y, int mo, int d, int h, int mi, int sec, int64_t *out)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > cal_month_length(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 59)
		return ITSM_E_INVALID;
	*out = cal_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/*
 * A time of day at *pp, HH:MM or HH:MM:SS (a fraction of a second is
 * dropped): *secs, its seconds since midnight; *pp moves past it.
 */
static int
read_hms(const char **pp, int64_t *secs)
{
	const char *p = *pp;
	int h, mi, sec = 0;

	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				;
	}
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	*pp = p;
	*secs = h * 3600 + mi * 60 + sec;
	return 0;
}

/*
 * Reads an ISO 8601 time at s: *t is its wall-clock reading counted as if
 * it were UTC, less its offset when it has one (*zoned).  A time of day
 * alone (*dateless): *t is its seconds since midnight.  -1 when s is
 * none of these.
 */
static int
read_iso(const char *s, int64_t *t, int *zoned, int *dateless)
{
	const char *p = s;
	int y, mo, d, oh, om, sign;
	int64_t secs = 0;

	*zoned = 0;
	/* A time of day alone takes no offset: its date is the zone's. */
	*dateless = isdigit((unsigned char)p[0]) &&
	    isdigit((unsigned char)p[1]) && p[2] == ':';
	if (*dateless)
		return read_hms(&p, t) == 0 && *p == '\0' ? 0 : -1;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > cal_month_length(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (read_hms(&p, &secs) != 0)
			return -1;
	}
	*t = cal_days(y, mo, d) * 86400 + secs;
	if (*p == 'Z' || *p == 'z') {
		p++;
		*zoned = 1;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		*t -= sign * (oh * 3600 + om * 60);
		*zoned = 1;
	}
	return *p == '\0' ? 0 : -1;
}

/* The wall-clock reading of t in tz (NULL: UTC), counted as if UTC. */
static int64_t
local_of(const itsm_tz *tz, int64_t t)
{
	return tz == NULL ? t : t + itsm_tz_offset(tz, t);
}

int
itsm_time_parse(const char *s, int64_t now, int64_t *out)
{
	return itsm_time_parse_tz(s, now, NULL, out);
}

int
itsm_time_parse_tz(const char *s, int64_t now, const itsm_tz *tz,
    int64_t *out)
{
	char a[ITSM_TIMEBUF], b[ITSM_TIMEBUF];
	int64_t t, dur, day, at[2];
	int zoned, dateless, n, back = 0;
	const char *rest;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (s[0] == '-') {
		if (itsm_duration_parse(s + 1, &dur) != 0 || dur > now)
			return bad_time(s);
		*out = now - dur;
		return 0;
	}
	if (day_word(s, &back, &rest)) {
		/* A time of day, or none: that day's midnight. */
		t = 0;
		zoned = 0;
		dateless = 1;
		if (*rest != '\0' && (read_iso(rest, &t, &zoned,
		    &dateless) != 0 || !dateless))
			return bad_time(s);
	} else if (read_iso(s, &t, &zoned, &dateless) != 0)
		return bad_time(s);
	if (dateless) {		/* today (or yesterday), on the zone's calendar */
		day = local_of(tz, now) / 86400 - back;
		t += day * 86400;
	}
	if (!zoned && tz != NULL) {
		n = itsm_tz_from_local(tz, t, at);
		if (n != 1) {
			itsm_time_format_tz(at[0], tz, a);
			itsm_time_format_tz(at[1], tz, b);
			return itsm_error(ITSM_E_INVALID, "time '%.*s' %s in "
			    "%s (the clocks %s): it may be %s or %s; give the "
			    "offset", itsm_cut(s, 64), s, n == 0 ?
			    "does not exist" : "happens twice",
			    itsm_tz_name(tz), n == 0 ? "go forward" :
			    "go back", a, b);
		}
		t = at[0];
	}
	if (t < 0 || t > ITSM_TIME_MAX)
		return bad_time(s);
	*out = t;
	return 0;
}

/*
 * itsm_time_import(): times counted as Julian days in milliseconds, as
 * SQLite's date functions (which read imports before) count them.
 */
#define JD_MS_MAX INT64_C(464269060799999)	/* 9999-12-31T23:59:59.999 */
#define JD_MS_EPOCH INT64_C(210866760000000)	/* 1970-01-01T00:00:00 */

/* What isspace() says in the C locale. */
static int
space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* n digits at *pp, from lo to hi; *pp moves past them. */
static int
digits_in(const char **pp, int n, int lo, int hi, int *out)
{
	if (digits(pp, n, out) != 0 || *out < lo || *out > hi)
		return -1;
	return 0;
}

/*
 * A time of day at p and what follows it (a zone): its milliseconds
 * since midnight, and the zone's minutes east of UTC.
 */
static int
read_clock(const char *p, int64_t *ms, int *zone)
{
	int h, mi, sec = 0, zh, zm, sign;
	double frac = 0, scale = 1, secs;

	if (digits_in(&p, 2, 0, 24, &h) != 0 || *p++ != ':' ||
	    digits_in(&p, 2, 0, 59, &mi) != 0)
		return -1;
	if (*p == ':') {
		p++;
		if (digits_in(&p, 2, 0, 59, &sec) != 0)
			return -1;
		/*
		 * A fraction is rounded to the millisecond (59.9996 is the
		 * next second), in doubles, as SQLite 3.40 rounds it.
		 */
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			for (p++; isdigit((unsigned char)*p); p++) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
			frac /= scale;
		}
	}
	secs = sec + frac;
	if (isnan(secs))	/* hundreds of digits */
		return -1;
	*ms = ((int64_t)h * 3600 + mi * 60) * 1000 +
	    (int64_t)(secs * 1000.0 + 0.5);
	*zone = 0;
	while (space(*p))
		p++;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits_in(&p, 2, 0, 14, &zh) != 0 || *p++ != ':' ||
		    digits_in(&p, 2, 0, 59, &zm) != 0)
			return -1;
		*zone = sign * (zh * 60 + zm);
	} else {
		return *p == '\0' ? 0 : -1;
	}
	while (space(*p))
		p++;
	return *p == '\0' ? 0 : -1;
}

/*
 * The Julian day, in milliseconds, of the start of day d of month m of
 * year y: Meeus's formula, for the proleptic Gregorian calendar, which
 * runs a day past the month's end into the next month.
 */
static int64_t
jd_ms(int y, int m, int d)
{
	int a, b, x1, x2;

	if (m <= 2) {
		y--;
		m += 12;
	}
	a = y / 100;
	b = 2 - a + a / 4;
	x1 = 36525 * (y + 4716) / 100;
	x2 = 306001 * (m + 1) / 10000;
	/* (x1 + x2 + d + b - 1524.5) days */
	return ((int64_t)x1 + x2 + d + b) * 86400000 - INT64_C(131716800000);
}

/* The time of jd milliseconds, or ITSM_E_INVALID when out of range. */
static int
from_jd_ms(int64_t jd, int64_t *out)
{
	if (jd < 0 || jd > JD_MS_MAX)
		return ITSM_E_INVALID;
	*out = jd / 1000 - JD_MS_EPOCH / 1000;	/* the second below */
	return 0;
}

/* Whether s is a decimal number, spaces around it allowed. */
static int
is_number(const char *s)
{
	const char *p = s;
	int n = 0;

	while (space(*p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		n++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			n++;
	if (n == 0)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	while (space(*p))
		p++;
	return *p == '\0';
}

static int
ascii_ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != *b)
			return 0;
	return *a == *b;
}

int
itsm_time_julian(double jd, int64_t *out)
{
	if (!(jd >= 0.0 && jd < 5373484.5))
		return ITSM_E_INVALID;
	return from_jd_ms((int64_t)(jd * 86400000.0 + 0.5), out);
}

int
itsm_time_import(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, zone, neg;
	int64_t ms;

	neg = *p == '-';
	p += neg;
	if (digits_in(&p, 4, 0, 9999, &y) == 0 && *p++ == '-' &&
	    digits_in(&p, 2, 1, 12, &mo) == 0 && *p++ == '-' &&
	    digits_in(&p, 2, 1, 31, &d) == 0) {
		while (space(*p) || *p == 'T')
			p++;
		if (*p == '\0') {
			ms = 0;
			zone = 0;
		} else if (read_clock(p, &ms, &zone) != 0) {
			return ITSM_E_INVALID;
		}
		if (neg)
			y = -y;
		if (y < -4713)
			return ITSM_E_INVALID;
		return from_jd_ms(jd_ms(y, mo, d) + ms - zone * 60000, out);
	}
	if (read_clock(s, &ms, &zone) == 0)
		return from_jd_ms(jd_ms(2000, 1, 1) + ms - zone * 60000, out);
	if (ascii_ieq(s, "now")) {
		*out = (int64_t)time(NULL);
		return 0;
	}
	if (is_number(s))
		return itsm_time_julian(strtod(s, NULL), out);
	return ITSM_E_INVALID;
}

/* Writes n (0..99) as two digits. */
static void
put2(char *p, int n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
}

void
itsm_time_format(int64_t t, char *buf)
{
	int y, m, d;
	int64_t days = t / 86400, rem = t % 86400;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	cal_civil(days, &y, &m, &d);
	if (y < 0) {	/* before year 0: outside the range, kept as it was */
		snprintf(buf, ITSM_TIMEBUF, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    y % 10000, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
		    (int)(rem % 60));
		return;
	}
	/* By hand: the work queue formats a time per row, snprintf is slow. */
	y %= 10000;
	put2(buf, y / 100);
	put2(buf + 2, y % 100);
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '-';
	put2(buf + 8, d);
	buf[10] = 'T';
	put2(buf + 11, (int)(rem / 3600));
	buf[13] = ':';
	put2(buf + 14, (int)(rem / 60 % 60));
	buf[16] = ':';
	put2(buf + 17, (int)(rem % 60));
	buf[19] = 'Z';
	buf[20] = '\0';
}

void
itsm_time_format_tz(int64_t t, const itsm_tz *tz, char *buf)
{
	int off = tz == NULL || t < 0 || t > ITSM_TIME_MAX ? 0 :
	    itsm_tz_offset(tz, t);
	int a = off < 0 ? -off : off;

	itsm_time_format(t + off, buf);
	if (off == 0)
		return;
	/* "+02:00" for the "Z"; seconds only in the rare offsets with any. */
	if (a % 60 != 0)
		snprintf(buf + 19, ITSM_TIMEBUF - 19, "%c%02d:%02d:%02d",
		    off < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
	else
		snprintf(buf + 19, ITSM_TIMEBUF - 19, "%c%02d:%02d",
		    off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

int
itsm_now(int64_t *out)
{
	const char *env = getenv("ITSM_NOW");

	if (env != NULL && *env != '\0') {
		if (itsm_time_parse(env, (int64_t)time(NULL), out) != 0)
			return itsm_error(ITSM_E_INVALID, "invalid ITSM_NOW "
			    "'%.*s' (expected ISO 8601)",
			    itsm_cut(env, 64), env);
		return 0;
	}
	*out = (int64_t)time(NULL);
	return 0;
}

int
itsm_duration_parse(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t total = 0, n, unit;
	int seen = 0;

	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	while (*p) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		for (n = 0; isdigit((unsigned char)*p); p++) {
			if (n > ITSM_TIME_MAX)	/* beyond year 9999 */
				goto bad;
			n = n * 10 + (*p - '0');
		}
		switch (*p++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 604800; break;
		default: goto bad;
		}
		total += n * unit;
		if (total > ITSM_TIME_MAX)
			goto bad;
		seen = 1;
	}
	if (!seen)
		goto bad;
	*out = total;
	return 0;
bad:
	return itsm_error(ITSM_E_INVALID, "invalid duration '%.*s' (expected "
	    "like 30m, 4h, 1h30m, 2d or 1w)", itsm_cut(s, 64), s);
}

void
itsm_duration_format(int64_t secs, char *buf, unsigned len)
{
	static const struct { char u; int64_t n; } units[] = {
		{ 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
		{ 's', 1 }
	};
	unsigned i, off = 0;

	if (secs <= 0) {
		snprintf(buf, len, "0s");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && off < len; i++) {
		if (secs >= units[i].n) {
			off += snprintf(buf + off, len - off, "%lld%c",
			    (long long)(secs / units[i].n), units[i].u);
			secs %= units[i].n;
		}
	}
}

void
itsm_time_relative(int64_t t, int64_t now, char *buf, unsigned len)
{
	int64_t d = now - t, a = d < 0 ? -d : d;
	long long v;
	char u;

	if (a < 60) {
		snprintf(buf, len, "just now");
		return;
	}
	if (a < 3600) {
		v = a / 60; u = 'm';
	} else if (a < 86400) {
		v = a / 3600; u = 'h';
	} else if (a < 86400 * 14) {
		v = a / 86400; u = 'd';
	} else if (a < 86400 * 365) {
		v = a / 604800; u = 'w';
	} else {
		v = a / (86400 * 365); u = 'y';
	}
	if (d >= 0)
		snprintf(buf, len, "%lld%c ago", v, u);
	else
		snprintf(buf, len, "in %lld%c", v, u);
}

/*
 * Times (UTC seconds, ISO 8601 text) and durations ("1h30m").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itsm/error.h"
#include "itsm/time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[m - 1];
}

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
	    "8601 like 2026-11-28T08:36:44Z, 'now' or -DURATION, "
	    "between 1970 and 9999)", itsm_cut(s, 64), s);
}

int
itsm_time_civil(int y, int mo, int d, int h, int mi, int sec, int64_t *out)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 59)
		return ITSM_E_INVALID;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

int
itsm_time_parse(const char *s, int64_t now, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	int64_t t, dur;

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
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return bad_time(s);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return bad_time(s);
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return bad_time(s);
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return bad_time(s);
			if (*p == '.')	/* fractions of a second are dropped */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return bad_time(s);
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, 2, &oh))
			return bad_time(s);
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return bad_time(s);
		t -= sign * (oh * 3600 + om * 60);
	}
	if (*p != '\0' || t < 0 || t > ITSM_TIME_MAX)
		return bad_time(s);
	*out = t;
	return 0;
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
	civil_from_days(days, &y, &m, &d);
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

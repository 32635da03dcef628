/*
 * IANA time zones, read from the system's TZif files (RFC 8536).
 *
 * Why our own reader rather than TZ, tzset() and mktime(), or libical's
 * zones: TZ is the process's one zone (setting it for a calendar changes
 * what every localtime() in the process means, and tzset() reads the file
 * again at each change), and mktime() does not say that a local time is
 * ambiguous or skipped; libical builds its zones from the same files but
 * keeps them in a process-wide cache that it extends as it goes, and
 * converts through its broken-down time structures.  Here a zone is an
 * immutable table read once: the offset at an instant is a binary search
 * among the transitions, then, past the file's last one, the POSIX rule
 * of its footer ("CET-1CEST,M3.5.0,M10.5.0/3") computed for the year; no
 * global state, no system call after the load.  The files are the ones
 * glibc reads, and tests/unit/test_calendar.c checks every answer against
 * localtime_r().
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/calendar.h"
#include "itsm/error.h"

#include "calendar_int.h"

#define MAX_TZFILE	(1 << 20)

struct rule_date {
	int kind;		/* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
	int a, b, c;		/* J/D: a; M: month a, week b, day c */
	int time;		/* seconds after local midnight */
};

struct itsm_tz {
	char *name;
	int64_t *at;		/* transitions, ascending */
	int *off;		/* the offset from each transition on */
	size_t n;
	int first;		/* the offset before the first transition */
	int has_rule;		/* the footer: after the last transition */
	int std, dst;		/* its offsets */
	int has_dst;
	struct rule_date start, end;
};

static int64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* ---- The POSIX TZ rule of the footer ---- */

/* A name: letters, or <anything but >>. */
static const char *
rule_name(const char *p)
{
	if (*p == '<') {
		while (*p != '\0' && *p != '>')
			p++;
		return *p == '>' ? p + 1 : NULL;
	}
	if (!isalpha((unsigned char)*p))
		return NULL;
	while (isalpha((unsigned char)*p))
		p++;
	return p;
}

/* [+-]hh[:mm[:ss]], hours up to 167. */
static const char *
rule_time(const char *p, int *out)
{
	int sign = 1, h = 0, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p) && h <= 167)
		h = h * 10 + (*p++ - '0');
	if (h > 167)
		return NULL;
	if (*p == ':') {
		p++;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return NULL;
		m = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':') {
			p++;
			if (!isdigit((unsigned char)p[0]) ||
			    !isdigit((unsigned char)p[1]))
				return NULL;
			s = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *
rule_num(const char *p, int *out)
{
	int v = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p) && v < 1000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return p;
}

static const char *
rule_date(const char *p, struct rule_date *d)
{
	if (*p == 'M') {
		d->kind = 'M';
		if ((p = rule_num(p + 1, &d->a)) == NULL || *p++ != '.' ||
		    (p = rule_num(p, &d->b)) == NULL || *p++ != '.' ||
		    (p = rule_num(p, &d->c)) == NULL)
			return NULL;
		if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c > 6)
			return NULL;
	} else if (*p == 'J') {
		d->kind = 'J';
		if ((p = rule_num(p + 1, &d->a)) == NULL || d->a < 1 ||
		    d->a > 365)
			return NULL;
	} else {
		d->kind = 'D';
		if ((p = rule_num(p, &d->a)) == NULL || d->a > 365)
			return NULL;
	}
	d->time = 7200;
	if (*p == '/')
		p = rule_time(p + 1, &d->time);
	return p;
}

/* Parses the footer; 0, or -1 when it is not a rule we read. */
static int
parse_rule(itsm_tz *tz, const char *p)
{
	int o;

	if ((p = rule_name(p)) == NULL || (p = rule_time(p, &o)) == NULL)
		return -1;
	tz->std = -o;		/* POSIX counts west of Greenwich */
	tz->has_rule = 1;
	if (*p == '\0')
		return 0;
	if ((p = rule_name(p)) == NULL)
		return -1;
	tz->has_dst = 1;
	tz->dst = tz->std + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = rule_time(p, &o)) == NULL)
			return -1;
		tz->dst = -o;
	}
	if (*p == '\0') {	/* no rule: the United States', as glibc */
		p = ",M3.2.0,M11.1.0";
	}
	if (*p++ != ',' || (p = rule_date(p, &tz->start)) == NULL ||
	    *p++ != ',' || (p = rule_date(p, &tz->end)) == NULL || *p != '\0')
		return -1;
	return 0;
}

/* The local seconds, since the epoch, at which date d of year y falls. */
static int64_t
rule_when(const struct rule_date *d, int y)
{
	int64_t day;
	int leap = cal_leap(y), first, wd;

	switch (d->kind) {
	case 'J':
		day = cal_days(y, 1, 1) + d->a - 1;
		if (leap && d->a >= 60)
			day++;
		break;
	case 'D':
		day = cal_days(y, 1, 1) + d->a;
		break;
	default:
		/* The b-th weekday c (0: Sunday) of month a; 5: the last. */
		day = cal_days(y, d->a, 1);
		wd = cal_weekday(day);		/* 0: Monday */
		first = ((d->c + 6) % 7 - wd + 7) % 7;
		day += first + (d->b - 1) * 7;
		while (d->b == 5 && cal_month_of(day) != d->a)
			day -= 7;
		break;
	}
	return day * 86400 + d->time;
}

/*
 * The changes of the rule around year y (y - 1 to y + 1), ascending:
 * their instants and the offsets from each on.
 */
static int
rule_changes(const itsm_tz *tz, int y, int64_t *at, int *off)
{
	int64_t s, e;
	int n = 0, k, i, j;

	for (k = y - 1; k <= y + 1; k++) {
		/* Each boundary is given in the wall-clock time before it. */
		s = rule_when(&tz->start, k) - tz->std;
		e = rule_when(&tz->end, k) - tz->dst;
		at[n] = s;
		off[n++] = tz->dst;
		at[n] = e;
		off[n++] = tz->std;
	}
	for (i = 1; i < n; i++)		/* six: insertion */
		for (j = i; j > 0 && at[j - 1] > at[j]; j--) {
			int64_t t = at[j];
			int o = off[j];

			at[j] = at[j - 1];
			off[j] = off[j - 1];
			at[j - 1] = t;
			off[j - 1] = o;
		}
	return n;
}

static int
year_of(int64_t t)
{
	int y, m, d;

	cal_civil(cal_floor_div(t, 86400), &y, &m, &d);
	return y;
}

static int
rule_offset(const itsm_tz *tz, int64_t t)
{
	int64_t at[6];
	int off[6], n, i, o;

	if (!tz->has_dst)
		return tz->std;
	n = rule_changes(tz, year_of(t), at, off);
	o = off[0] == tz->dst ? tz->std : tz->dst;	/* before the first */
	for (i = 0; i < n && at[i] <= t; i++)
		o = off[i];
	return o;
}

static int64_t
rule_next(const itsm_tz *tz, int64_t t)
{
	int64_t at[6];
	int off[6], n, i;

	if (!tz->has_dst)
		return INT64_MAX;
	n = rule_changes(tz, year_of(t), at, off);
	for (i = 0; i < n; i++)
		if (at[i] > t)
			return at[i];
	return INT64_MAX;	/* not reached: next year's are there */
}

/* ---- Loading ---- */

static int
bad_zone(const char *name, const char *why)
{
	return itsm_error(ITSM_E_INVALID, "unknown time zone '%.*s' (%s)",
	    itsm_cut(name, 64), name, why);
}

/* Whether name is a plausible zone name: no way out of the directory. */
static int
safe_name(const char *name)
{
	const char *p;

	if (name[0] == '\0' || name[0] == '/' || strlen(name) > 255)
		return 0;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-.", *p) == NULL)
			return 0;
	for (p = name; (p = strstr(p, "..")) != NULL; p++)
		if ((p == name || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

static int
read_all(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	*buf = malloc(MAX_TZFILE);
	if (*buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(*buf, 1, MAX_TZFILE, f);
	fclose(f);
	*len = n;
	return 0;
}

/* Parses a TZif file into tz; -1 when it is not one. */
static int
parse_tzif(itsm_tz *tz, const unsigned char *b, size_t len)
{
	const unsigned char *p = b, *types, *idx, *end = b + len;
	size_t cnt[6], block, i, tsize = 4;
	int64_t *offs;
	char foot[256];
	const unsigned char *nl;

	if (len < 44 || memcmp(b, "TZif", 4) != 0)
		return -1;
	for (;;) {
		for (i = 0; i < 6; i++)
			cnt[i] = (size_t)be(p + 20 + 4 * i, 4);
		/* isut, isstd, leap, time, type, char */
		if (cnt[4] == 0 || cnt[4] > 256 || cnt[3] > 100000 ||
		    cnt[5] > 65536 || cnt[2] > 10000 || cnt[0] > 256 ||
		    cnt[1] > 256)
			return -1;
		block = cnt[3] * tsize + cnt[3] + cnt[4] * 6 + cnt[5] +
		    cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
		if ((size_t)(end - p) < 44 + block)
			return -1;
		if (tsize == 4 && p[4] >= '2') {	/* skip to the 64-bit part */
			p += 44 + block;
			if ((size_t)(end - p) < 44 || memcmp(p, "TZif", 4) != 0)
				return -1;
			tsize = 8;
			continue;
		}
		break;
	}
	/*
	 * The "right/" zones count leap seconds in their instants; ours, as
	 * POSIX's, do not.
	 */
	if (cnt[2] != 0)
		return -1;
	idx = p + 44 + cnt[3] * tsize;
	types = idx + cnt[3];
	offs = calloc(cnt[4], sizeof(*offs));
	tz->at = calloc(cnt[3] + 1, sizeof(*tz->at));
	tz->off = calloc(cnt[3] + 1, sizeof(*tz->off));
	if (offs == NULL || tz->at == NULL || tz->off == NULL) {
		free(offs);
		return -1;
	}
	for (i = 0; i < cnt[4]; i++) {
		offs[i] = be(types + 6 * i, 4);
		if (offs[i] < -25 * 3600 || offs[i] > 26 * 3600) {
			free(offs);
			return -1;
		}
	}
	tz->first = (int)offs[0];
	for (i = 0; i < cnt[3]; i++) {
		if (idx[i] >= cnt[4] || (i > 0 &&
		    be(p + 44 + i * tsize, (int)tsize) <= tz->at[i - 1])) {
			free(offs);
			return -1;
		}
		tz->at[i] = be(p + 44 + i * tsize, (int)tsize);
		tz->off[i] = (int)offs[idx[i]];
	}
	tz->n = cnt[3];
	free(offs);
	/* The footer of version 2 and later: "\nRULE\n". */
	p += 44 + block;
	if (tsize == 8 && p < end && *p == '\n' &&
	    (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) != NULL &&
	    nl - p - 1 < (long)sizeof(foot) && nl > p + 1) {
		memcpy(foot, p + 1, (size_t)(nl - p - 1));
		foot[nl - p - 1] = '\0';
		if (parse_rule(tz, foot) != 0)
			tz->has_rule = tz->has_dst = 0;
	}
	return 0;
}

int
itsm_tz_load(itsm_tz **out, const char *name)
{
	const char *dir = getenv("TZDIR");
	unsigned char *buf = NULL;
	char path[4096];
	size_t len;
	itsm_tz *tz;

	*out = NULL;
	if ((tz = calloc(1, sizeof(*tz))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	if ((tz->name = strdup(name)) == NULL) {
		itsm_tz_free(tz);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	if (strcmp(name, "UTC") == 0) {		/* with or without the files */
		*out = tz;
		return 0;
	}
	if (!safe_name(name)) {
		itsm_tz_free(tz);
		return bad_zone(name, "expected an IANA name like Europe/Paris");
	}
	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && dir[0] == '/' ? dir : "/usr/share/zoneinfo", name);
	if (read_all(path, &buf, &len) != 0) {
		itsm_tz_free(tz);
		return bad_zone(name, errno == ENOENT ? "no such zone in the "
		    "system's zone files" : strerror(errno));
	}
	if (parse_tzif(tz, buf, len) != 0) {
		free(buf);
		itsm_tz_free(tz);
		return bad_zone(name, "not a zone file");
	}
	free(buf);
	*out = tz;
	return 0;
}

void
itsm_tz_free(itsm_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz->at);
	free(tz->off);
	free(tz);
}

const char *
itsm_tz_name(const itsm_tz *tz)
{
	return tz->name;
}

/* The index of the last transition at or before t, or -1. */
static long
last_at(const itsm_tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

int
itsm_tz_offset(const itsm_tz *tz, int64_t t)
{
	long i = last_at(tz, t);

	if (i < 0)
		return tz->n == 0 && tz->has_rule ? rule_offset(tz, t) :
		    tz->first;
	if ((size_t)i == tz->n - 1 && tz->has_rule)
		return rule_offset(tz, t);
	return tz->off[i];
}

int64_t
itsm_tz_next_change(const itsm_tz *tz, int64_t t)
{
	long i = last_at(tz, t);
	int64_t r;

	if ((size_t)(i + 1) < tz->n)
		return tz->at[i + 1];
	if (!tz->has_rule)
		return INT64_MAX;
	/* Past the table, the rule; its changes before the table's end do not count. */
	r = rule_next(tz, t);
	return r;
}

/*
 * Walks the stretches of constant offset around local (a day and more on
 * each side: offsets are within -25h and +26h) and finds the instants of
 * that wall-clock time.  *gap gets the instant the clocks jump over it
 * when there is none.
 */
int
tz_from_local(const itsm_tz *tz, int64_t local, int64_t at[2], int64_t *gap)
{
	int64_t u = local - 26 * 3600 - 1, next, cand, hi = local + 26 * 3600;
	int o, prev, n = 0;

	*gap = 0;
	o = itsm_tz_offset(tz, u);
	for (;;) {
		next = itsm_tz_next_change(tz, u);
		cand = local - o;
		if (cand >= u && cand < next && n < 2)
			at[n++] = cand;
		if (next > hi || next == INT64_MAX)
			break;
		prev = o;
		o = itsm_tz_offset(tz, next);
		/* The clocks jump forward at next over local. */
		if (n == 0 && o > prev && local >= next + prev &&
		    local < next + o) {
			*gap = next;
			at[0] = local - o;
			at[1] = local - prev;
		}
		u = next;
	}
	return n;
}

int
itsm_tz_from_local(const itsm_tz *tz, int64_t local, int64_t at[2])
{
	int64_t gap;

	return tz_from_local(tz, local, at, &gap);
}

int64_t
tz_to_utc(const itsm_tz *tz, int64_t local)
{
	int64_t at[2], gap;

	if (tz->n == 0 && !tz->has_dst)
		return local - (tz->has_rule ? tz->std : tz->first);
	if (tz_from_local(tz, local, at, &gap) == 0)
		return gap;
	return at[0];
}

/*
 * Business calendars: weekly working ranges in a zone's wall-clock time,
 * holidays, and the arithmetic of working time on UTC instants
 * (include/itsm/calendar.h).
 *
 * A local day's working time is its ranges, each turned into UTC at both
 * ends through the zone; holidays close whole local days.  The walks go
 * a day at a time, or a week at a time over a week that has no holiday
 * and no change of offset: such a week holds exactly the calendar's
 * nominal week of working time, so a due time a year ahead costs some
 * sixty steps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/time.h"

#include "calendar_int.h"
#include "ical.h"

#define MAX_RANGES	48		/* a day's */
#define MAX_DATES	200000		/* holidays by date, files included */
#define MAX_ICS		(4 << 20)	/* an iCalendar file's bytes */
/*
 * The occurrences of one recurring event, up to ICS_LAST_YEAR: a weekly
 * rule has some 9,000, a daily one 63,000 (a quarter of a second to
 * expand, at every command): a closing that frequent is the week's.
 */
#define MAX_OCCURRENCES	20000
#define ICS_LAST_YEAR	2200		/* recurring holidays expanded up to */
#define LAST_DAY	(ITSM_TIME_MAX / 86400 + 2)

struct range {
	int start, end;
};

struct holiday {
	int year, month, day;		/* year 0: every year */
};

struct itsm_calendar {
	char *name;
	itsm_tz *tz;
	int is24x7;
	struct range *ranges[7];
	size_t nranges[7];
	int64_t week;			/* working seconds of a plain week */
	int workdays;			/* days of the week with some */
	struct holiday *holidays;	/* as given, for the policy's YAML */
	size_t nholidays;
	int32_t *dates;			/* closed days, ascending, unique */
	size_t ndates, capdates;
	uint32_t yearly[13];		/* bit d of month m: every year */
	char **files;
	size_t nfiles;
};

/* ---- The Gregorian calendar ---- */

int64_t
cal_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int
cal_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
cal_month_length(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && cal_leap(y) ? 29 : md[m - 1];
}

int64_t
cal_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe, yy = y - (m <= 2);

	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cal_civil(int64_t z, int *y, int *m, int *d)
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

int
cal_month_of(int64_t day)
{
	int y, m, d;

	cal_civil(day, &y, &m, &d);
	return m;
}

int
cal_weekday(int64_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7);	/* 1970-01-01: a Thursday */
}

/* ---- Building ---- */

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

int
itsm_calendar_new(itsm_calendar **out, const char *name, const char *zone)
{
	itsm_calendar *c;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strdup(name)) == NULL) {
		free(c);
		return nomem();
	}
	c->is24x7 = strcmp(name, ITSM_CALENDAR_24X7) == 0;
	if ((rc = itsm_tz_load(&c->tz, c->is24x7 ? "UTC" : zone)) != 0) {
		itsm_calendar_free(c);
		return rc;
	}
	if (c->is24x7) {
		int d;

		for (d = 0; d < 7; d++)
			if ((rc = itsm_calendar_add_range(c, d, 0, 86400)) != 0) {
				itsm_calendar_free(c);
				return rc;
			}
	}
	*out = c;
	return 0;
}

void
itsm_calendar_free(itsm_calendar *c)
{
	size_t i;
	int d;

	if (c == NULL)
		return;
	for (d = 0; d < 7; d++)
		free(c->ranges[d]);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->holidays);
	free(c->dates);
	itsm_tz_free(c->tz);
	free(c->name);
	free(c);
}

static void
hhmm(int s, char *buf)
{
	snprintf(buf, 8, "%02d:%02d", s / 3600 % 100, s / 60 % 60);
}

int
itsm_calendar_add_range(itsm_calendar *c, enum itsm_weekday day, int start,
    int end)
{
	struct range *r;
	char a[8], b[8];
	size_t i, n;

	if ((int)day < 0 || day > ITSM_SUN || start < 0 || end > 86400 ||
	    start >= end)
		return itsm_error(ITSM_E_INVALID, "a working range must start "
		    "before it ends, within the day (00:00 to 24:00)");
	n = c->nranges[day];
	for (i = 0; i < n; i++) {
		r = &c->ranges[day][i];
		if (start < r->end && r->start < end) {
			hhmm(r->start, a);
			hhmm(r->end, b);
			return itsm_error(ITSM_E_INVALID, "overlaps the range "
			    "%s-%s of that day", a, b);
		}
	}
	if (n == MAX_RANGES)
		return itsm_error(ITSM_E_INVALID, "more than %d ranges in a "
		    "day", MAX_RANGES);
	if ((r = realloc(c->ranges[day], (n + 1) * sizeof(*r))) == NULL)
		return nomem();
	c->ranges[day] = r;
	for (i = n; i > 0 && r[i - 1].start > start; i--)
		r[i] = r[i - 1];
	r[i] = (struct range){ start, end };
	c->nranges[day] = n + 1;
	if (n == 0)
		c->workdays++;
	c->week += end - start;
	return 0;
}

/* Where day stands, or would, in the sorted closed days. */
static size_t
date_index(const itsm_calendar *c, int64_t day)
{
	size_t lo = 0, hi = c->ndates;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->dates[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Adds day number day to the closed days. */
static int
add_date(itsm_calendar *c, int64_t day)
{
	size_t lo = date_index(c, day);
	int32_t *nd;

	if (lo < c->ndates && c->dates[lo] == day)
		return 0;
	if (c->ndates == MAX_DATES)
		return itsm_error(ITSM_E_INVALID, "more than %d holidays",
		    MAX_DATES);
	if (c->ndates == c->capdates) {
		c->capdates = c->capdates ? c->capdates * 2 : 64;
		if ((nd = realloc(c->dates, c->capdates * sizeof(*nd))) == NULL)
			return nomem();
		c->dates = nd;
	}
	memmove(c->dates + lo + 1, c->dates + lo,
	    (c->ndates - lo) * sizeof(*c->dates));
	c->dates[lo] = (int32_t)day;
	c->ndates++;
	return 0;
}

int
itsm_calendar_add_holiday(itsm_calendar *c, int year, int month, int day)
{
	struct holiday *h;
	int rc;

	if (year != 0 && (year < 1970 || year > 9999))
		return itsm_error(ITSM_E_INVALID, "a holiday's year must be "
		    "from 1970 to 9999");
	if (month < 1 || month > 12 || day < 1 ||
	    day > cal_month_length(year ? year : 2000, month))
		return itsm_error(ITSM_E_INVALID, "no such date");
	if (c->nholidays >= MAX_DATES)
		return itsm_error(ITSM_E_INVALID, "more than %d holidays",
		    MAX_DATES);
	if ((h = realloc(c->holidays, (c->nholidays + 1) * sizeof(*h))) ==
	    NULL)
		return nomem();
	c->holidays = h;
	h[c->nholidays++] = (struct holiday){ year, month, day };
	if (year == 0) {
		c->yearly[month] |= UINT32_C(1) << day;
		return 0;
	}
	if ((rc = add_date(c, cal_days(year, month, day))) != 0)
		c->nholidays--;
	return rc;
}

/* The days of an event from the date of start, n of them. */
static int
add_event_days(itsm_calendar *c, struct icaltimetype start, int n)
{
	int64_t day;
	int i, rc;

	if (start.year < 1970 || start.year > 9999)
		return 0;
	day = cal_days(start.year, start.month, start.day);
	for (i = 0; i < n; i++)
		if ((rc = add_date(c, day + i)) != 0)
			return rc;
	return 0;
}

static int
same_date(struct icaltimetype a, struct icaltimetype b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Whether occurrence t is one of ev's EXDATEs. */
static int
excluded(icalcomponent *ev, struct icaltimetype t)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
		if (same_date(icalproperty_get_exdate(p), t))
			return 1;
	return 0;
}

/* An event's SUMMARY, for messages: at most 64 bytes, or "?". */
static const char *
summary(icalcomponent *ev)
{
	static char buf[72];
	icalproperty *p;
	const char *v;

	p = icalcomponent_get_first_property(ev, ICAL_SUMMARY_PROPERTY);
	v = p != NULL ? icalproperty_get_summary(p) : NULL;
	snprintf(buf, sizeof(buf), "%.64s", v != NULL && *v != '\0' ? v : "?");
	return buf;
}

/* The closed days of one VEVENT. */
static int
add_event(itsm_calendar *c, icalcomponent *ev)
{
	struct icaltimetype start, end, t;
	struct icalrecurrencetype rule;
	icalrecur_iterator *it;
	icalproperty *rp;
	int64_t n = 1, k = 0;
	int rc = 0;

	start = icalcomponent_get_dtstart(ev);
	if (icaltime_is_null_time(start))
		return 0;
	end = icalcomponent_get_dtend(ev);
	if (!icaltime_is_null_time(end) && start.is_date) {
		n = cal_days(end.year, end.month, end.day) -
		    cal_days(start.year, start.month, start.day);
		if (n < 1)
			n = 1;
		if (n > 366)
			n = 366;
	}
	if ((rp = icalcomponent_get_first_property(ev,
	    ICAL_RRULE_PROPERTY)) == NULL)
		return add_event_days(c, start, (int)n);
	rule = icalproperty_get_rrule(rp);
	if ((it = icalrecur_iterator_new(rule, start)) == NULL)
		return itsm_error(ITSM_E_INVALID, "a recurrence rule it cannot "
		    "read");
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t) &&
	    t.year <= ICS_LAST_YEAR; t = icalrecur_iterator_next(it)) {
		if (++k > MAX_OCCURRENCES) {
			rc = itsm_error(ITSM_E_INVALID, "the event '%s' recurs "
			    "more than %d times before %d (a weekly closing "
			    "belongs in the calendar's week)",
			    summary(ev), MAX_OCCURRENCES, ICS_LAST_YEAR);
			break;
		}
		if (!excluded(ev, t) &&
		    (rc = add_event_days(c, t, (int)n)) != 0)
			break;
	}
	icalrecur_iterator_free(it);
	return rc;
}

static char *
read_text(const char *path, int *err)
{
	char *buf;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		*err = errno;
		return NULL;
	}
	if ((buf = malloc(MAX_ICS + 1)) == NULL) {
		fclose(f);
		*err = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, MAX_ICS + 1, f);
	*err = ferror(f) ? EIO : n > MAX_ICS ? EFBIG : 0;
	fclose(f);
	if (*err != 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int
itsm_calendar_add_holiday_file(itsm_calendar *c, const char *path)
{
	icalcomponent *root, *ev;
	char **nf, *text;
	int err, rc = 0, events = 0;

	if ((rc = ical_load()) != 0)
		return rc;
	if ((text = read_text(path, &err)) == NULL)
		return itsm_error(err == EFBIG ? ITSM_E_INVALID : ITSM_E_IO,
		    "cannot read holiday file '%s': %s", path,
		    err == EFBIG ? "larger than 4 MiB" : strerror(err));
	root = strstr(text, "BEGIN:VCALENDAR") != NULL ?
	    icalcomponent_new_from_string(text) : NULL;
	free(text);
	if (root == NULL || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
		icalcomponent_free(root);
		return itsm_error(ITSM_E_INVALID, "holiday file '%s' is not "
		    "iCalendar (a VCALENDAR)", path);
	}
	for (ev = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
	    ev != NULL && rc == 0;
	    ev = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
		events++;
		rc = add_event(c, ev);
	}
	icalcomponent_free(root);
	if (rc != 0)
		return itsm_error(rc, "holiday file '%s': %s", path,
		    itsm_errmsg());
	if (events == 0)
		return itsm_error(ITSM_E_INVALID, "holiday file '%s' names no "
		    "event", path);
	if ((nf = realloc(c->files, (c->nfiles + 1) * sizeof(*nf))) == NULL)
		return nomem();
	c->files = nf;
	if ((nf[c->nfiles] = strdup(path)) == NULL)
		return nomem();
	c->nfiles++;
	return 0;
}

int
itsm_calendar_check(const itsm_calendar *c)
{
	if (c->week == 0)
		return itsm_error(ITSM_E_INVALID, "calendar '%s' has no working "
		    "time in the week", c->name);
	return 0;
}

/* ---- Reading ---- */

const char *
itsm_calendar_name(const itsm_calendar *c)
{
	return c->name;
}

const char *
itsm_calendar_zone(const itsm_calendar *c)
{
	return itsm_tz_name(c->tz);
}

const itsm_tz *
itsm_calendar_tz(const itsm_calendar *c)
{
	return c->tz;
}

int
itsm_calendar_is_24x7(const itsm_calendar *c)
{
	return c->is24x7;
}

size_t
itsm_calendar_range_count(const itsm_calendar *c, enum itsm_weekday day)
{
	return (int)day >= 0 && day <= ITSM_SUN ? c->nranges[day] : 0;
}

void
itsm_calendar_range(const itsm_calendar *c, enum itsm_weekday day, size_t i,
    int *start, int *end)
{
	*start = *end = 0;
	if (i < itsm_calendar_range_count(c, day)) {
		*start = c->ranges[day][i].start;
		*end = c->ranges[day][i].end;
	}
}

size_t
itsm_calendar_holiday_count(const itsm_calendar *c)
{
	return c->nholidays;
}

void
itsm_calendar_holiday(const itsm_calendar *c, size_t i, int *year,
    int *month, int *day)
{
	*year = *month = *day = 0;
	if (i < c->nholidays) {
		*year = c->holidays[i].year;
		*month = c->holidays[i].month;
		*day = c->holidays[i].day;
	}
}

size_t
itsm_calendar_closed_day_count(const itsm_calendar *c)
{
	return c->ndates;
}

int64_t
itsm_calendar_closed_day(const itsm_calendar *c, size_t i)
{
	return i < c->ndates ? c->dates[i] : 0;
}

size_t
itsm_calendar_holiday_file_count(const itsm_calendar *c)
{
	return c->nfiles;
}

const char *
itsm_calendar_holiday_file(const itsm_calendar *c, size_t i)
{
	return i < c->nfiles ? c->files[i] : NULL;
}

int64_t
itsm_calendar_week_seconds(const itsm_calendar *c)
{
	return c->week;
}

int64_t
itsm_calendar_day_seconds(const itsm_calendar *c)
{
	return c->workdays ? c->week / c->workdays : 0;
}

/* Whether local day number day is closed all day as a holiday. */
static int
closed_day(const itsm_calendar *c, int64_t day)
{
	size_t lo;
	int y, m, d;

	if (c->is24x7)
		return 0;
	lo = date_index(c, day);
	if (lo < c->ndates && c->dates[lo] == day)
		return 1;
	cal_civil(day, &y, &m, &d);
	if (c->yearly[m] & (UINT32_C(1) << d))
		return m != 2 || d != 29 || cal_leap(y);
	return 0;
}

int
itsm_calendar_is_holiday(const itsm_calendar *c, int year, int month,
    int day)
{
	if (month < 1 || month > 12 || day < 1 || day > 31)
		return 0;
	return closed_day(c, cal_days(year, month, day));
}

/* The local day number of instant t. */
static int64_t
local_day(const itsm_calendar *c, int64_t t)
{
	return cal_floor_div(t + itsm_tz_offset(c->tz, t), 86400);
}

/* The instant local day number day begins. */
static int64_t
day_start(const itsm_calendar *c, int64_t day)
{
	return tz_to_utc(c->tz, day * 86400);
}

/*
 * The working intervals of local day number day, in UTC, ascending:
 * iv[2k] to iv[2k + 1].  Returns how many.
 */
static size_t
day_intervals(const itsm_calendar *c, int64_t day, int64_t *iv)
{
	const struct range *r;
	int64_t a, b;
	size_t i, n = 0;
	int wd = cal_weekday(day);

	if (closed_day(c, day))
		return 0;
	for (i = 0; i < c->nranges[wd]; i++) {
		r = &c->ranges[wd][i];
		a = tz_to_utc(c->tz, day * 86400 + r->start);
		b = tz_to_utc(c->tz, day * 86400 + r->end);
		if (b > a) {	/* not a range inside a skipped hour */
			iv[2 * n] = a;
			iv[2 * n + 1] = b;
			n++;
		}
	}
	return n;
}

/*
 * Whether the week of local days day to day + 6 (day a Monday) holds
 * exactly the nominal week: no holiday, and no change of offset within a
 * day of its ends.
 */
static int
plain_week(const itsm_calendar *c, int64_t day, int64_t ws, int64_t we)
{
	int i;

	for (i = 0; i < 7; i++)
		if (closed_day(c, day + i))
			return 0;
	return itsm_tz_next_change(c->tz, ws - 86400) > we + 86400;
}

int
itsm_calendar_is_open(const itsm_calendar *c, int64_t t)
{
	int64_t iv[2 * MAX_RANGES], day;
	size_t i, n;

	if (c->is24x7)
		return 1;
	for (day = local_day(c, t) - 1; day <= local_day(c, t); day++) {
		n = day_intervals(c, day, iv);
		for (i = 0; i < n; i++)
			if (iv[2 * i] <= t && t < iv[2 * i + 1])
				return 1;
	}
	return 0;
}

int64_t
itsm_calendar_next_open(const itsm_calendar *c, int64_t t)
{
	int64_t iv[2 * MAX_RANGES], day;
	size_t i, n;

	if (c->is24x7)
		return t;
	for (day = local_day(c, t) - 1; day < LAST_DAY; day++) {
		n = day_intervals(c, day, iv);
		for (i = 0; i < n; i++)
			if (iv[2 * i + 1] > t)
				return iv[2 * i] > t ? iv[2 * i] : t;
	}
	return ITSM_TIME_MAX;
}

int64_t
itsm_calendar_due(const itsm_calendar *c, int64_t start, int64_t business)
{
	int64_t iv[2 * MAX_RANGES], day, ws, t = start, rem = business, a;
	size_t i, n;

	if (business <= 0)
		return start;
	if (c->is24x7)
		return business > ITSM_TIME_MAX - start ? ITSM_TIME_MAX :
		    start + business;
	if (c->week == 0)
		return ITSM_TIME_MAX;
	/*
	 * More than the weeks left before the end of time can hold (a week
	 * holds its working time and, in autumn, an hour or two more): not
	 * 400,000 weeks walked to say so.
	 */
	day = local_day(c, start) - 1;
	if (business / (c->week + 7200) > (LAST_DAY - day) / 7 + 1)
		return ITSM_TIME_MAX;
	for (; day < LAST_DAY; day++) {
		/* A whole plain week not begun: skip it at once. */
		while (cal_weekday(day) == ITSM_MON && rem > c->week &&
		    (ws = day_start(c, day)) >= t &&
		    plain_week(c, day, ws, day_start(c, day + 7))) {
			rem -= c->week;
			day += 7;
			t = ws;
		}
		n = day_intervals(c, day, iv);
		for (i = 0; i < n; i++) {
			if (iv[2 * i + 1] <= t)
				continue;
			a = iv[2 * i] > t ? iv[2 * i] : t;
			/*
			 * Strictly less: a target used up at a closing
			 * time is due at the next opening (rem is 0 there),
			 * the last instant the clock has not run past it.
			 */
			if (rem < iv[2 * i + 1] - a)
				return a + rem;
			rem -= iv[2 * i + 1] - a;
			t = iv[2 * i + 1];
		}
		if (t >= ITSM_TIME_MAX)
			break;
	}
	return ITSM_TIME_MAX;
}

int64_t
itsm_calendar_since(const itsm_calendar *c, int64_t end, int64_t business)
{
	int64_t iv[2 * MAX_RANGES], day, ws, we, t = end, rem = business, b;
	size_t i, n;

	if (business <= 0)
		return end;
	if (c->is24x7)
		return business > end ? INT64_MIN : end - business;
	if (c->week == 0)
		return INT64_MIN;
	for (day = local_day(c, end) + 1; day >= -1; day--) {
		/* A whole plain week not begun, from its end: skip it. */
		while (cal_weekday(day) == ITSM_SUN && rem > c->week &&
		    (we = day_start(c, day + 1)) <= t &&
		    plain_week(c, day - 6, ws = day_start(c, day - 6), we)) {
			rem -= c->week;
			day -= 7;
			t = ws;
		}
		n = day_intervals(c, day, iv);
		for (i = n; i-- > 0;) {
			if (iv[2 * i] >= t)
				continue;
			b = iv[2 * i + 1] < t ? iv[2 * i + 1] : t;
			if (rem <= b - iv[2 * i])
				return b - rem;
			rem -= b - iv[2 * i];
			t = iv[2 * i];
		}
	}
	return INT64_MIN;
}

int64_t
itsm_calendar_elapsed(const itsm_calendar *c, int64_t a, int64_t b)
{
	int64_t iv[2 * MAX_RANGES], day, last, ws, we, lo, hi, sum = 0;
	size_t i, n;

	if (b <= a)
		return 0;
	if (c->is24x7)
		return b - a;
	last = local_day(c, b);
	for (day = local_day(c, a) - 1; day <= last; day++) {
		while (cal_weekday(day) == ITSM_MON && day + 7 <= last &&
		    (ws = day_start(c, day)) >= a &&
		    (we = day_start(c, day + 7)) <= b &&
		    plain_week(c, day, ws, we)) {
			sum += c->week;
			day += 7;
		}
		n = day_intervals(c, day, iv);
		for (i = 0; i < n; i++) {
			lo = iv[2 * i] > a ? iv[2 * i] : a;
			hi = iv[2 * i + 1] < b ? iv[2 * i + 1] : b;
			if (hi > lo)
				sum += hi - lo;
		}
	}
	return sum;
}

/* ---- Durations ---- */

int
itsm_span_parse(const char *s, struct itsm_span *out, int64_t *wall)
{
	struct itsm_span sp = { 0 };
	int64_t w;
	int rc;

	/* The grammar and its limits are itsm_duration_parse()'s. */
	if ((rc = itsm_duration_parse(s, &w)) != 0)
		return rc;
	for (; *s != '\0';) {
		int64_t n = 0;

		while (*s >= '0' && *s <= '9')
			n = n * 10 + (*s++ - '0');
		switch (*s) {
		case 'w': sp.weeks += n; break;
		case 'd': sp.days += n; break;
		case 'h': sp.seconds += n * 3600; break;
		case 'm': sp.seconds += n * 60; break;
		case 's': sp.seconds += n; break;
		default: break;		/* "0" alone */
		}
		if (*s != '\0')
			s++;
	}
	*out = sp;
	if (wall != NULL)
		*wall = w;
	return 0;
}

void
itsm_span_format(const struct itsm_span *s, char *buf, unsigned len)
{
	char rest[32];
	int off = 0;

	buf[0] = '\0';
	if (s->weeks > 0)
		off += snprintf(buf + off, len - (unsigned)off, "%lldw",
		    (long long)s->weeks);
	if (s->days > 0 && (unsigned)off < len)
		off += snprintf(buf + off, len - (unsigned)off, "%lldd",
		    (long long)s->days);
	if ((s->seconds > 0 || off == 0) && (unsigned)off < len) {
		/* In hours at most: 24h is not 1d in a business calendar. */
		int64_t v = s->seconds;
		int r = 0;

		rest[0] = '\0';
		if (v <= 0)
			snprintf(rest, sizeof(rest), "0s");
		if (v >= 3600)
			r += snprintf(rest + r, sizeof(rest) - (size_t)r,
			    "%lldh", (long long)(v / 3600));
		if (v % 3600 >= 60)
			r += snprintf(rest + r, sizeof(rest) - (size_t)r,
			    "%lldm", (long long)(v % 3600 / 60));
		if (v % 60 > 0)
			snprintf(rest + r, sizeof(rest) - (size_t)r, "%llds",
			    (long long)(v % 60));
		snprintf(buf + off, len - (unsigned)off, "%s", rest);
	}
}

int64_t
itsm_calendar_span(const itsm_calendar *c, const struct itsm_span *s)
{
	int64_t day = c->is24x7 ? 86400 : itsm_calendar_day_seconds(c);
	int64_t week = c->is24x7 ? 604800 : c->week;
	int64_t v = s->seconds;

	/* Each part is at most ITSM_TIME_MAX wall seconds: no overflow. */
	v += s->days * day;
	v += s->weeks * week;
	return v > ITSM_TIME_MAX ? ITSM_TIME_MAX : v;
}

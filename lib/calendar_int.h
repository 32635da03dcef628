/*
 * What lib/calendar.c and lib/tz.c share: the proleptic Gregorian
 * calendar's arithmetic on day numbers (days since 1970-01-01) and the
 * conversion of wall-clock time to UTC.
 */
#ifndef ITSM_CALENDAR_INT_H
#define ITSM_CALENDAR_INT_H

#include <stdint.h>

#include "itsm/calendar.h"

int64_t cal_floor_div(int64_t a, int64_t b);
int cal_leap(int y);
int cal_month_length(int y, int m);
/* The day number of a date, and the date of a day number. */
int64_t cal_days(int y, int m, int d);
void cal_civil(int64_t day, int *y, int *m, int *d);
int cal_month_of(int64_t day);
/* The day of the week of a day number: 0 is Monday. */
int cal_weekday(int64_t day);

/*
 * The instants of the wall-clock time local, as itsm_tz_from_local();
 * when there is none, *gap is the instant the clocks jump over it.
 */
int tz_from_local(const itsm_tz *tz, int64_t local, int64_t at[2],
    int64_t *gap);
/*
 * The instant of the wall-clock time local: its first when it happens
 * twice, the instant of the jump when it is skipped.
 */
int64_t tz_to_utc(const itsm_tz *tz, int64_t local);

#endif

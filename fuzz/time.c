/*
 * libFuzzer target: times and durations.  The input (up to its first NUL)
 * is parsed as a time and as a duration; what parses is formatted and
 * parsed back, and must give the same value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/itsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-28T08:36:44Z: a fixed "now", so that runs repeat. */
#define NOW INT64_C(1795768604)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, buf[ITSM_TIMEBUF], rel[64];
	int64_t t, t2, d, d2;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (itsm_time_parse(s, NOW, &t) == 0) {
		if (t < 0 || t > ITSM_TIME_MAX) {
			fprintf(stderr, "'%s' parsed out of range: %lld\n", s,
			    (long long)t);
			abort();
		}
		itsm_time_format(t, buf);
		if (itsm_time_parse(buf, NOW, &t2) != 0 || t2 != t) {
			fprintf(stderr, "'%s' -> %lld -> '%s' does not parse "
			    "back: %s\n", s, (long long)t, buf, itsm_errmsg());
			abort();
		}
		itsm_time_relative(t, NOW, rel, 16);
	}
	if (itsm_duration_parse(s, &d) == 0) {
		if (d < 0 || d > ITSM_TIME_MAX) {
			fprintf(stderr, "'%s' parsed out of range: %lld\n", s,
			    (long long)d);
			abort();
		}
		itsm_duration_format(d, buf, 32);
		if (itsm_duration_parse(buf, &d2) != 0 || d2 != d) {
			fprintf(stderr, "'%s' -> %lld -> '%s' does not parse "
			    "back: %s\n", s, (long long)d, buf, itsm_errmsg());
			abort();
		}
	}
	free(s);
	return 0;
}

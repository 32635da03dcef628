/*
 * Ticket references: "INC-42" out, "42", "INC-42" or "inc-42" in.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/ref.h"

static const char *const prefixes[ITSM_NTYPES] = { "INC", "REQ", "CHG" };
static const char *const names[ITSM_NTYPES] = { "incident", "request", "change" };

int
itsm_ref_parse(const char *s, int64_t *id)
{
	const char *p = s;
	int64_t n = 0;
	int t;

	for (t = 0; t < ITSM_NTYPES; t++)
		if (strncasecmp(p, prefixes[t], 3) == 0 && p[3] == '-') {
			p += 4;
			break;
		}
	if (*p == '\0' || *p == '0')
		goto bad;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		if (n > (INT64_MAX - (*p - '0')) / 10)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	*id = n;
	return 0;
bad:
	return itsm_error(ITSM_E_INVALID, "'%.*s' is not a ticket reference "
	    "(expected like INC-42 or 42)", itsm_cut(s, 64), s);
}

void
itsm_ref_format(enum itsm_type type, int64_t id, char *buf)
{
	const char *pre = prefixes[type < ITSM_NTYPES ? type : 0];
	char digits[24];
	int n = 0;

	if (id < 0) {
		snprintf(buf, ITSM_REFBUF, "%s-%lld", pre, (long long)id);
		return;
	}
	/* By hand: the work queue formats a ref per row, snprintf is slow. */
	do {
		digits[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id > 0);
	memcpy(buf, pre, 3);
	buf[3] = '-';
	for (buf += 4; n > 0; buf++)
		*buf = digits[--n];
	*buf = '\0';
}

const char *
itsm_type_name(enum itsm_type type)
{
	return type < ITSM_NTYPES ? names[type] : "incident";
}

int
itsm_type_parse(const char *s)
{
	int t;

	for (t = 0; t < ITSM_NTYPES; t++)
		if (strcasecmp(s, names[t]) == 0)
			return t;
	return -1;
}

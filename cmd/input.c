/*
 * What the user gives besides the options' syntax: refs, whole numbers,
 * times, and texts that may come from standard input.  Like every
 * parse_* and read_* of cmd/, each returns 0 or an exit status, the
 * error already said on stderr.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The context, once open: refs fall back to imported numbers. */
static itsm_ctx *ref_ctx;

void
set_ref_ctx(itsm_ctx *ctx)
{
	ref_ctx = ctx;
}

#define MAX_STDIN (64 * 1024)
/* Trailing line feeds read past a full text before giving up on them. */
#define MAX_STDIN_TRAIL (1024 * 1024)

/*
 * The text of an option: val, or standard input for "-", counted after
 * its trailing line feeds are dropped (as an argument would be).
 */
int
read_text(const char *val, char **out)
{
	size_t len = 0, n, trail = 0;
	int ch, over = 0;
	char *buf;

	*out = NULL;
	if (strcmp(val, "-") != 0) {
		if ((*out = strdup(val)) == NULL)
			return fail(itsm_error(ITSM_E_NOMEM, "out of memory"));
		return 0;
	}
	if ((buf = malloc(MAX_STDIN + 1)) == NULL)
		return fail(itsm_error(ITSM_E_NOMEM, "out of memory"));
	while (len < MAX_STDIN &&
	    (n = fread(buf + len, 1, MAX_STDIN - len, stdin)) > 0)
		len += n;
	/* A full text may still end in line feeds, which do not count. */
	while (len == MAX_STDIN && !ferror(stdin) &&
	    (ch = getc(stdin)) != EOF) {
		if (ch != '\n' || ++trail > MAX_STDIN_TRAIL) {
			over = 1;
			break;
		}
	}
	if (ferror(stdin)) {
		free(buf);
		return fail(itsm_error(ITSM_E_IO, "cannot read standard "
		    "input: %s", strerror(errno)));
	}
	if (over) {
		free(buf);
		return fail(itsm_error(ITSM_E_INVALID, "text on standard "
		    "input is too long (more than %d bytes)", MAX_STDIN));
	}
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return fail(itsm_error(ITSM_E_INVALID, "text on standard "
		    "input contains a NUL byte"));
	}
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int
parse_ref(const char *s, int64_t *id)
{
	int rc = itsm_ref_parse(s, id);

	/* "INC0000045": the number a ticket had where it was imported from. */
	if (rc == ITSM_E_INVALID && ref_ctx != NULL) {
		int ext = itsm_ticket_find_ext(ref_ctx, s, id);

		if (ext == 0)
			rc = 0;
		else if (ext == ITSM_E_NOTFOUND)
			rc = itsm_ref_parse(s, id);	/* its message again */
		else
			rc = ext;
	}

	note_ref(s, rc == 0 ? *id : 0);	/* *id is unset when s is no ref */
	return rc != 0 ? fail(rc) : 0;
}

int
parse_number(const char *what, const char *s, long long lo, long long hi,
    long long *out)
{
	const char *p = s;
	long long n = 0;

	/*
	 * Decimal digits only, as in a reference: strtoll would also take
	 * leading blanks, a sign and a base prefix ("0x10" as 0, "+5").
	 */
	if (*p == '\0' || (*p == '0' && p[1] != '\0'))
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > (LLONG_MAX - (*p - '0')) / 10)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	if (n < lo || n > hi)
		goto bad;
	*out = n;
	return 0;
bad:
	if (hi == LLONG_MAX)
		warnx_("invalid %s '%.*s' (expected a whole number from %lld)",
		    what, itsm_cut(s, 64), s, lo);
	else
		warnx_("invalid %s '%.*s' (expected a whole number from %lld "
		    "to %lld)", what, itsm_cut(s, 64), s, lo, hi);
	return EX_DATAERR_;
}

int
parse_time(struct app *a, const char *s, int64_t *out)
{
	int rc = itsm_time_parse_tz(s, itsm_ctx_now(a->ctx), a->zone, out);

	return rc != 0 ? fail(rc) : 0;
}

int
parse_at(struct app *a, const char *s, int64_t *out)
{
	int rc = itsm_time_parse_tz(s, itsm_ctx_now(a->ctx), a->zone, out);

	/* 0 tells libitsm "now": the first second of 1970 cannot be said. */
	if (rc == 0 && *out == 0)
		rc = itsm_error(ITSM_E_INVALID, "--at '%.*s' is too early "
		    "(the earliest is 1970-01-01T00:00:01Z)",
		    itsm_cut(s, 64), s);
	return rc != 0 ? fail(rc) : 0;
}

/*
 * The last error message, kept per thread for the caller to fetch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"

static _Thread_local char errbuf[1024] = "no error";
static _Thread_local int transient;

const char *
itsm_errmsg(void)
{
	return errbuf;
}

/* Drops a character that the end of s cuts in two. */
static void
cut_tail(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t len = strlen(s), k = len, need;

	while (k > 0 && (p[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0 || p[k - 1] < 0xc0)
		return;
	need = p[k - 1] >= 0xf0 ? 4 : p[k - 1] >= 0xe0 ? 3 : 2;
	if (len - (k - 1) < need)
		s[k - 1] = '\0';
}

int
itsm_error(int code, const char *fmt, ...)
{
	char msg[sizeof(errbuf)];
	va_list ap;
	int n;

	transient = 0;
	/*
	 * Into msg first: a message may quote the last one
	 * ("holiday file '%s': %s", ..., itsm_errmsg()), which writing
	 * errbuf in place would overwrite as it reads it.
	 */
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A message cut to the buffer is cut on a character boundary. */
	if (n >= (int)sizeof(msg))
		cut_tail(msg);
	memcpy(errbuf, msg, sizeof(errbuf));
	return code;
}

int
itsm_error_transient(int code)
{
	transient = 1;
	return code;
}

int
itsm_errtransient(void)
{
	return transient;
}

int
itsm_cut(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n <= max)
		return (int)n;
	/* Back over the continuation bytes of a character cut in two. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

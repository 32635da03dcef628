/*
 * JSON text written in C (json_int.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "json_int.h"

/* Room for n more bytes and the terminating NUL. */
static int
reserve(struct json_buf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

static void
put(struct json_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
json_raw(struct json_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

void
json_rawn(struct json_buf *b, const char *s, size_t n)
{
	put(b, s, n);
}

void
json_str(struct json_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p, *run;
	char esc[7];

	if (s == NULL) {
		put(b, "null", 4);
		return;
	}
	put(b, "\"", 1);
	for (p = run = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		put(b, (const char *)run, (size_t)(p - run));
		run = p + 1;
		esc[0] = '\\';
		switch (*p) {
		case '"': case '\\': esc[1] = (char)*p; break;
		case '\b': esc[1] = 'b'; break;
		case '\t': esc[1] = 't'; break;
		case '\n': esc[1] = 'n'; break;
		case '\f': esc[1] = 'f'; break;
		case '\r': esc[1] = 'r'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			put(b, esc, 6);
			continue;
		}
		put(b, esc, 2);
	}
	put(b, (const char *)run, (size_t)(p - run));
	put(b, "\"", 1);
}

void
json_int(struct json_buf *b, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRId64, v);
	json_raw(b, num);
}

char *
json_finish(struct json_buf *b)
{
	char *s = b->s;

	if (b->oom || (s == NULL && (s = strdup("")) == NULL)) {
		free(b->s);
		s = NULL;
		itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	*b = (struct json_buf){ 0 };
	return s;
}

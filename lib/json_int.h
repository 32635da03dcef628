/*
 * JSON text written by the library itself, compact, with the escapes
 * SQLite's JSON functions use (so that what moves here from SQL keeps its
 * bytes): " and \ escaped, \b \t \n \f \r, other controls below 0x20 as
 * \u00xx, everything else (DEL, UTF-8) as it is.  Not part of the public
 * API.
 */
#ifndef ITSM_JSON_INT_H
#define ITSM_JSON_INT_H

#include <stddef.h>
#include <stdint.h>

/* A growing buffer; all zero is an empty one. */
struct json_buf {
	char *s;
	size_t len, cap;
	int oom;		/* an allocation failed: the text is lost */
};

/* Appends raw text (punctuation, a number, a literal). */
void json_raw(struct json_buf *b, const char *s);

/* Appends the n bytes of s as they are (any text: the buffer builds it). */
void json_rawn(struct json_buf *b, const char *s, size_t n);

/* Appends s as a JSON string, or null when s is NULL. */
void json_str(struct json_buf *b, const char *s);

/* Appends an integer. */
void json_int(struct json_buf *b, int64_t v);

/*
 * The text, the caller's to free(), and the buffer emptied; NULL (with
 * ITSM_E_NOMEM kept as the error) when memory ran out.
 */
char *json_finish(struct json_buf *b);

#endif

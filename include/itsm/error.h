/*
 * Error codes and messages of libitsm.
 *
 * Every libitsm function that can fail returns 0 or a negative ITSM_E*
 * code and leaves a one-line message, fetched with itsm_errmsg().  The
 * library never prints and never exits; the caller decides what to show.
 */
#ifndef ITSM_ERROR_H
#define ITSM_ERROR_H

#include <stddef.h>

enum itsm_error {
	ITSM_OK = 0,
	ITSM_E_NOTFOUND = -1,	/* no such ticket */
	ITSM_E_INVALID = -2,	/* invalid value: level, date, duration, ... */
	ITSM_E_REFUSED = -3,	/* not allowed in the ticket's state */
	ITSM_E_BUSY = -4,	/* database busy beyond the timeout */
	ITSM_E_IO = -5,		/* cannot read or write a file or the database */
	ITSM_E_CONFIG = -6,	/* invalid policy */
	ITSM_E_NOMEM = -7,	/* out of memory */
	ITSM_E_PERM = -8,	/* permission denied */
	ITSM_E_INTERNAL = -9	/* a bug or an unexpected library failure */
};

/* The message of the last error set in this thread; never NULL. */
const char *itsm_errmsg(void);

/* Sets the message (printf-style) and returns code, for chaining. */
int itsm_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Marks the last error transient and returns code: a conflict with
 * another transaction (a deadlock, a serialization failure) that the
 * database undid whole, which the same command run again may not meet.
 * itsm_error() clears the mark; itsm_errtransient() tells it.
 */
int itsm_error_transient(int code);
int itsm_errtransient(void);

/*
 * The length of s (NULL: 0) cut to at most max bytes on a character
 * boundary, for "%.*s": a value quoted in a message, cut to a limit, never
 * ends in half a UTF-8 character.
 */
int itsm_cut(const char *s, size_t max);

#endif

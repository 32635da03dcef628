/*
 * Errors in one place: messages on stderr ("itsm: ..."), and the mapping
 * to exit statuses of library codes, of failed system calls and of lost
 * output.  It calls only escape.c, so no other file of cmd/ is a cycle
 * away from it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Writes s to f with control characters and invalid bytes escaped. */
static void
vwarn(const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fputs("itsm: ", stderr);
	out_escaped(stderr, buf, FMT_TABLE);
	fputc('\n', stderr);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

/*
 * A usage error: one line on stderr, naming where the usage is, and 64.
 */
int
usage_error(const struct cmd *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c != NULL)
		warnx_("%s (see 'itsm %s -h')", msg, c->name);
	else
		warnx_("%s (see 'itsm -h')", msg);
	return EX_USAGE_;
}

int
exit_status(int code)
{
	switch (code) {
	case ITSM_OK: return 0;
	case ITSM_E_NOTFOUND: return EX_NOINPUT_;
	case ITSM_E_INVALID: return EX_DATAERR_;
	case ITSM_E_REFUSED: return EX_REFUSED;
	case ITSM_E_BUSY: return EX_TEMPFAIL_;
	case ITSM_E_IO: return EX_IOERR_;
	case ITSM_E_CONFIG: return EX_CONFIG_;
	case ITSM_E_PERM: return EX_NOPERM_;
	default: return EX_SOFTWARE_;
	}
}

/* The last ref read from the command line, to name it as it was typed. */
static const char *last_ref;
static int64_t last_id;

void
note_ref(const char *typed, int64_t id)
{
	last_ref = typed;
	last_id = id;
}

/*
 * A transient failure (a deadlock, a serialization failure: the
 * database undid the transaction whole) while a new attempt is allowed:
 * its message is held, not shown, for main.c to run the command again.
 */
static int retry_armed, retry_wanted;
static char retry_msg[1024];

void
retry_arm(int on)
{
	retry_armed = on;
	retry_wanted = 0;
}

int
retry_asked(void)
{
	return retry_wanted;
}

void
retry_give_up(void)
{
	if (retry_wanted)
		warnx_("%s", retry_msg);
	retry_wanted = 0;
}

int
fail(int code)
{
	char plain[64];

	if (retry_armed && itsm_errtransient()) {
		snprintf(retry_msg, sizeof(retry_msg), "%s", itsm_errmsg());
		retry_wanted = 1;
		return exit_status(code);
	}

	snprintf(plain, sizeof(plain), "no such ticket: %lld",
	    (long long)last_id);
	if (code == ITSM_E_NOTFOUND && last_ref != NULL &&
	    strcmp(itsm_errmsg(), plain) == 0)
		warnx_("no such ticket: '%.*s'",
		    itsm_cut(last_ref, 64), last_ref);
	else
		warnx_("%s", itsm_errmsg());
	return exit_status(code);
}

int
errno_status(int e)
{
	return e == EACCES || e == EPERM ? EX_NOPERM_ : EX_IOERR_;
}

int
cannot_write(const char *path, int e)
{
	warnx_("cannot write '%s': %s", path, strerror(e));
	return errno_status(e);
}

/* 0 when standard output was written, else 74 ("itsm --version >/dev/full"). */
int
flushed(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno != EPIPE)
		warnx_("cannot write output: %s", strerror(errno));
	return EX_IOERR_;
}

int
output_lost(int rc, int write_errno, int committed)
{
	if (write_errno != 0 && rc == 0 && committed) {
		/* Done, only the output is lost: a script must not redo it. */
		warnx_("cannot write output (the change is kept: do not run "
		    "the command again): %s", strerror(write_errno));
		return EX_KEPT_;
	}
	if (write_errno != 0) {
		if (write_errno != EPIPE)
			warnx_("cannot write output: %s", strerror(write_errno));
		if (rc == 0)
			return EX_IOERR_;
	}
	return rc;
}

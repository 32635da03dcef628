/*
 * The last error message, kept per thread for the caller to fetch.
 */
#include <stdarg.h>
#include <stdio.h>

#include "itsm/error.h"

static _Thread_local char errbuf[1024] = "no error";

const char *
itsm_errmsg(void)
{
	return errbuf;
}

int
itsm_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return code;
}

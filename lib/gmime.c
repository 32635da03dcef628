/*
 * GMime, loaded on first use: see gmime.h.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define GM_NO_NAMES
#include "gmime.h"
#include "itsm/error.h"

#define GM_DEFINE_(ret, name, params) ret (*itsm_##name) params;
GM_FUNCS(GM_DEFINE_)
#undef GM_DEFINE_

/* Each pointer is of its function's type, as GMime's headers declare it. */
#define GM_CHECK_(ret, name, params) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&name), \
	    __typeof__(itsm_##name)), #name " is declared otherwise");
GM_FUNCS(GM_CHECK_)
#undef GM_CHECK_

/*
 * GMime reads the locale's variables (LC_ALL, LC_CTYPE, LANG) when it
 * starts, and under a UTF-8 locale drops a raw 8-bit byte of a header
 * that it reads under C with the fallback charsets (UTF-8, else
 * windows-1252).  It starts under LC_ALL=C whatever the environment
 * says, which is then put back as it was: mail reads the same under any
 * locale.
 */
static void
start_in_c(void)
{
	const char *was = getenv("LC_ALL");
	char *keep = was != NULL ? strdup(was) : NULL;

	setenv("LC_ALL", "C", 1);
	itsm_g_mime_init();
	if (keep != NULL)
		setenv("LC_ALL", keep, 1);
	else if (was == NULL)
		unsetenv("LC_ALL");
	free(keep);
}

int
gm_load(void)
{
	static int loaded;
	void *h;

	if (loaded)
		return 0;
	/* The soname of GMime 3, kept by the libgmime-3.0-0 package. */
	if ((h = dlopen("libgmime-3.0.so.0", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return itsm_error(ITSM_E_IO, "cannot read or write mail: "
		    "cannot load GMime (install libgmime-3.0-0): %s",
		    dlerror());
#define GM_LOAD_(ret, name, params) \
	if ((*(void **)&itsm_##name = dlsym(h, #name)) == NULL) \
		return itsm_error(ITSM_E_IO, "cannot read or write mail: " \
		    "GMime has no %s", #name);
	GM_FUNCS(GM_LOAD_)
#undef GM_LOAD_
	start_in_c();
	loaded = 1;
	return 0;
}

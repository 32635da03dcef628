/*
 * libical, loaded on first use: see ical.h.
 */
#include <dlfcn.h>
#include <stddef.h>

#define ICAL_NO_NAMES
#include "itsm/error.h"
#include "ical.h"

#define ICAL_DEFINE_(ret, name, params) ret (*itsm_##name) params;
ICAL_FUNCS(ICAL_DEFINE_)
#undef ICAL_DEFINE_

/* Each pointer is of its function's type, as ical.h declares it. */
#define ICAL_CHECK_(ret, name, params) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&name), \
	    __typeof__(itsm_##name)), #name " is declared otherwise");
ICAL_FUNCS(ICAL_CHECK_)
#undef ICAL_CHECK_

int
ical_load(void)
{
	static int loaded;
	void *h;

	if (loaded)
		return 0;
	/* The soname of libical 3, kept by the libical3 package. */
	if ((h = dlopen("libical.so.3", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return itsm_error(ITSM_E_IO, "cannot read holiday files: cannot "
		    "load libical (install libical3): %s", dlerror());
#define ICAL_LOAD_(ret, name, params) \
	if ((*(void **)&itsm_##name = dlsym(h, #name)) == NULL) \
		return itsm_error(ITSM_E_IO, "cannot read holiday files: " \
		    "libical has no %s", #name);
	ICAL_FUNCS(ICAL_LOAD_)
#undef ICAL_LOAD_
	loaded = 1;
	return 0;
}

/*
 * libpq, loaded on first use: see pq.h.
 */
#include <dlfcn.h>
#include <stddef.h>

#define PQ_NO_NAMES
#include "itsm/error.h"
#include "pq.h"

#define PQ_DEFINE_(ret, name, params) ret (*itsm_##name) params;
PQ_FUNCS(PQ_DEFINE_)
#undef PQ_DEFINE_

/* Each pointer is of its function's type, as libpq-fe.h declares it. */
#define PQ_CHECK_(ret, name, params) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&name), \
	    __typeof__(itsm_##name)), #name " is declared otherwise");
PQ_FUNCS(PQ_CHECK_)
#undef PQ_CHECK_

int
pq_load(void)
{
	static int loaded;
	void *h;

	if (loaded)
		return 0;
	/* The soname of libpq 10 and later, kept by the libpq5 package. */
	if ((h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return itsm_error(ITSM_E_IO, "cannot use a PostgreSQL "
		    "database: cannot load libpq (install libpq5): %s",
		    dlerror());
#define PQ_LOAD_(ret, name, params) \
	if ((*(void **)&itsm_##name = dlsym(h, #name)) == NULL) \
		return itsm_error(ITSM_E_IO, "cannot use a PostgreSQL " \
		    "database: libpq has no %s", #name);
	PQ_FUNCS(PQ_LOAD_)
#undef PQ_LOAD_
	loaded = 1;
	return 0;
}

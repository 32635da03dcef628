/*
 * GMime, loaded when itsm first reads or writes a mail message, not when
 * it starts: linked in, GMime and GLib cost every itsm process some 9 ms
 * to load (an empty program: 3.7 ms -> 12.4 ms on this machine), for the
 * commands that never touch mail.  Each GMime or GLib function lib/ calls
 * is a pointer here, filled by gm_load() with dlsym() on libgmime-3.0
 * (whose handle reaches GLib and GObject too); the names below make the
 * code read as plain GMime, its macros included (GMIME_IS_PART and the
 * like expand to the renamed functions).  A function the code starts to
 * use gets its line in GM_FUNCS and its #define.  As lib/pg/pq.h does
 * for libpq.
 *
 * Not part of the public API.
 */
#ifndef ITSM_GMIME_H
#define ITSM_GMIME_H

#include <gmime/gmime.h>

/* X(return type, name, parameters) of each GMime or GLib function used. */
#define GM_FUNCS(X) \
	X(void, g_mime_init, (void)) \
	X(void, g_object_unref, (gpointer))

#define GM_POINTER_(ret, name, params) extern ret (*itsm_##name) params;
GM_FUNCS(GM_POINTER_)
#undef GM_POINTER_

#ifndef GM_NO_NAMES
#define g_mime_init itsm_g_mime_init
#define g_object_unref itsm_g_object_unref
#endif

/*
 * Loads GMime and initializes it, once per process; an error (ITSM_E_IO,
 * naming the package to install) when it cannot.
 */
int gm_load(void);

#endif

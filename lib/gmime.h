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
	X(void, g_object_unref, (gpointer)) \
	X(void, g_free, (gpointer)) \
	X(GDateTime *, g_date_time_new_from_unix_utc, (gint64)) \
	X(void, g_date_time_unref, (GDateTime *)) \
	X(GMimeMessage *, g_mime_message_new, (gboolean)) \
	X(void, g_mime_message_add_mailbox, (GMimeMessage *, GMimeAddressType, \
	    const char *, const char *)) \
	X(void, g_mime_message_set_subject, (GMimeMessage *, const char *, \
	    const char *)) \
	X(void, g_mime_message_set_date, (GMimeMessage *, GDateTime *)) \
	X(void, g_mime_message_set_message_id, (GMimeMessage *, const char *)) \
	X(void, g_mime_message_set_mime_part, (GMimeMessage *, GMimeObject *)) \
	X(void, g_mime_object_set_header, (GMimeObject *, const char *, \
	    const char *, const char *)) \
	X(void, g_mime_object_encode, (GMimeObject *, GMimeEncodingConstraint)) \
	X(char *, g_mime_object_to_string, (GMimeObject *, GMimeFormatOptions *)) \
	X(GMimeTextPart *, g_mime_text_part_new_with_subtype, (const char *)) \
	X(GMimeStream *, g_mime_stream_mem_new_with_buffer, (const char *, \
	    size_t)) \
	X(GMimeDataWrapper *, g_mime_data_wrapper_new_with_stream, \
	    (GMimeStream *, GMimeContentEncoding)) \
	X(void, g_mime_part_set_content, (GMimePart *, GMimeDataWrapper *)) \
	X(void, g_mime_text_part_set_charset, (GMimeTextPart *, const char *)) \
	X(char *, g_mime_utils_generate_message_id, (const char *))

#define GM_POINTER_(ret, name, params) extern ret (*itsm_##name) params;
GM_FUNCS(GM_POINTER_)
#undef GM_POINTER_

#ifndef GM_NO_NAMES
#define g_mime_init itsm_g_mime_init
#define g_object_unref itsm_g_object_unref
#define g_free itsm_g_free
#define g_date_time_new_from_unix_utc itsm_g_date_time_new_from_unix_utc
#define g_date_time_unref itsm_g_date_time_unref
#define g_mime_message_new itsm_g_mime_message_new
#define g_mime_message_add_mailbox itsm_g_mime_message_add_mailbox
#define g_mime_message_set_subject itsm_g_mime_message_set_subject
#define g_mime_message_set_date itsm_g_mime_message_set_date
#define g_mime_message_set_message_id itsm_g_mime_message_set_message_id
#define g_mime_message_set_mime_part itsm_g_mime_message_set_mime_part
#define g_mime_object_set_header itsm_g_mime_object_set_header
#define g_mime_object_encode itsm_g_mime_object_encode
#define g_mime_object_to_string itsm_g_mime_object_to_string
#define g_mime_text_part_new_with_subtype itsm_g_mime_text_part_new_with_subtype
#define g_mime_stream_mem_new_with_buffer \
	itsm_g_mime_stream_mem_new_with_buffer
#define g_mime_data_wrapper_new_with_stream \
	itsm_g_mime_data_wrapper_new_with_stream
#define g_mime_part_set_content itsm_g_mime_part_set_content
#define g_mime_text_part_set_charset itsm_g_mime_text_part_set_charset
#define g_mime_utils_generate_message_id itsm_g_mime_utils_generate_message_id
#endif

/*
 * Loads GMime and initializes it, once per process; an error (ITSM_E_IO,
 * naming the package to install) when it cannot.
 */
int gm_load(void);

#endif

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
	X(gchar *, g_compute_checksum_for_data, (GChecksumType, const guchar *, \
	    gsize)) \
	X(gchar *, g_convert, (const gchar *, gssize, const gchar *, \
	    const gchar *, gsize *, gsize *, GError **)) \
	X(GDateTime *, g_date_time_new_from_unix_utc, (gint64)) \
	X(gint64, g_date_time_to_unix, (GDateTime *)) \
	X(void, g_date_time_unref, (GDateTime *)) \
	X(void, g_free, (gpointer)) \
	X(char *, g_mime_content_type_get_mime_type, (GMimeContentType *)) \
	X(const char *, g_mime_content_type_get_parameter, (GMimeContentType *, \
	    const char *)) \
	X(gboolean, g_mime_content_type_is_type, (GMimeContentType *, \
	    const char *, const char *)) \
	X(GMimeDataWrapper *, g_mime_data_wrapper_new_with_stream, \
	    (GMimeStream *, GMimeContentEncoding)) \
	X(ssize_t, g_mime_data_wrapper_write_to_stream, (GMimeDataWrapper *, \
	    GMimeStream *)) \
	X(void, g_mime_init, (void)) \
	X(void, g_mime_message_add_mailbox, (GMimeMessage *, GMimeAddressType, \
	    const char *, const char *)) \
	X(InternetAddressList *, g_mime_message_get_addresses, (GMimeMessage *, \
	    GMimeAddressType)) \
	X(GDateTime *, g_mime_message_get_date, (GMimeMessage *)) \
	X(InternetAddressList *, g_mime_message_get_from, (GMimeMessage *)) \
	X(const char *, g_mime_message_get_message_id, (GMimeMessage *)) \
	X(GMimeObject *, g_mime_message_get_mime_part, (GMimeMessage *)) \
	X(const char *, g_mime_message_get_subject, (GMimeMessage *)) \
	X(GMimeMessage *, g_mime_message_new, (gboolean)) \
	X(GMimeMessage *, g_mime_message_part_get_message, \
	    (GMimeMessagePart *)) \
	X(GType, g_mime_message_part_get_type, (void)) \
	X(void, g_mime_message_set_date, (GMimeMessage *, GDateTime *)) \
	X(void, g_mime_message_set_message_id, (GMimeMessage *, const char *)) \
	X(void, g_mime_message_set_mime_part, (GMimeMessage *, GMimeObject *)) \
	X(void, g_mime_message_set_subject, (GMimeMessage *, const char *, \
	    const char *)) \
	X(int, g_mime_multipart_get_count, (GMimeMultipart *)) \
	X(GMimeObject *, g_mime_multipart_get_part, (GMimeMultipart *, int)) \
	X(GType, g_mime_multipart_get_type, (void)) \
	X(void, g_mime_object_encode, (GMimeObject *, GMimeEncodingConstraint)) \
	X(GMimeContentType *, g_mime_object_get_content_type, (GMimeObject *)) \
	X(const char *, g_mime_object_get_disposition, (GMimeObject *)) \
	X(const char *, g_mime_object_get_header, (GMimeObject *, \
	    const char *)) \
	X(void, g_mime_object_set_header, (GMimeObject *, const char *, \
	    const char *, const char *)) \
	X(char *, g_mime_object_to_string, (GMimeObject *, GMimeFormatOptions *)) \
	X(ssize_t, g_mime_object_write_to_stream, (GMimeObject *, \
	    GMimeFormatOptions *, GMimeStream *)) \
	X(GMimeMessage *, g_mime_parser_construct_message, (GMimeParser *, \
	    GMimeParserOptions *)) \
	X(GMimeParser *, g_mime_parser_new_with_stream, (GMimeStream *)) \
	X(void, g_mime_parser_options_free, (GMimeParserOptions *)) \
	X(GMimeParserOptions *, g_mime_parser_options_new, (void)) \
	X(void, g_mime_parser_options_set_address_compliance_mode, \
	    (GMimeParserOptions *, GMimeRfcComplianceMode)) \
	X(void, g_mime_parser_options_set_fallback_charsets, \
	    (GMimeParserOptions *, const char **)) \
	X(void, g_mime_parser_options_set_parameter_compliance_mode, \
	    (GMimeParserOptions *, GMimeRfcComplianceMode)) \
	X(void, g_mime_parser_options_set_rfc2047_compliance_mode, \
	    (GMimeParserOptions *, GMimeRfcComplianceMode)) \
	X(GMimeDataWrapper *, g_mime_part_get_content, (GMimePart *)) \
	X(const char *, g_mime_part_get_content_id, (GMimePart *)) \
	X(const char *, g_mime_part_get_filename, (GMimePart *)) \
	X(GType, g_mime_part_get_type, (void)) \
	X(gboolean, g_mime_part_is_attachment, (GMimePart *)) \
	X(void, g_mime_part_set_content, (GMimePart *, GMimeDataWrapper *)) \
	X(void, g_mime_references_free, (GMimeReferences *)) \
	X(const char *, g_mime_references_get_message_id, (GMimeReferences *, \
	    int)) \
	X(int, g_mime_references_length, (GMimeReferences *)) \
	X(GMimeReferences *, g_mime_references_parse, (GMimeParserOptions *, \
	    const char *)) \
	X(GByteArray *, g_mime_stream_mem_get_byte_array, (GMimeStreamMem *)) \
	X(GMimeStream *, g_mime_stream_mem_new, (void)) \
	X(GMimeStream *, g_mime_stream_mem_new_with_buffer, (const char *, \
	    size_t)) \
	X(GMimeTextPart *, g_mime_text_part_new_with_subtype, (const char *)) \
	X(void, g_mime_text_part_set_charset, (GMimeTextPart *, const char *)) \
	X(char *, g_mime_utils_generate_message_id, (const char *)) \
	X(void, g_object_unref, (gpointer)) \
	X(gboolean, g_type_check_instance_is_a, (GTypeInstance *, GType)) \
	X(const char *, internet_address_get_name, (InternetAddress *)) \
	X(InternetAddressList *, internet_address_group_get_members, \
	    (InternetAddressGroup *)) \
	X(GType, internet_address_group_get_type, (void)) \
	X(InternetAddress *, internet_address_list_get_address, \
	    (InternetAddressList *, int)) \
	X(int, internet_address_list_length, (InternetAddressList *)) \
	X(const char *, internet_address_mailbox_get_addr, \
	    (InternetAddressMailbox *)) \
	X(GType, internet_address_mailbox_get_type, (void))

#define GM_POINTER_(ret, name, params) extern ret (*itsm_##name) params;
GM_FUNCS(GM_POINTER_)
#undef GM_POINTER_

#ifndef GM_NO_NAMES
#define g_compute_checksum_for_data itsm_g_compute_checksum_for_data
#define g_convert itsm_g_convert
#define g_date_time_new_from_unix_utc itsm_g_date_time_new_from_unix_utc
#define g_date_time_to_unix itsm_g_date_time_to_unix
#define g_date_time_unref itsm_g_date_time_unref
#define g_free itsm_g_free
#define g_mime_content_type_get_mime_type itsm_g_mime_content_type_get_mime_type
#define g_mime_content_type_get_parameter itsm_g_mime_content_type_get_parameter
#define g_mime_content_type_is_type itsm_g_mime_content_type_is_type
#define g_mime_data_wrapper_new_with_stream \
	itsm_g_mime_data_wrapper_new_with_stream
#define g_mime_data_wrapper_write_to_stream itsm_g_mime_data_wrapper_write_to_stream
#define g_mime_init itsm_g_mime_init
#define g_mime_message_add_mailbox itsm_g_mime_message_add_mailbox
#define g_mime_message_get_addresses itsm_g_mime_message_get_addresses
#define g_mime_message_get_date itsm_g_mime_message_get_date
#define g_mime_message_get_from itsm_g_mime_message_get_from
#define g_mime_message_get_message_id itsm_g_mime_message_get_message_id
#define g_mime_message_get_mime_part itsm_g_mime_message_get_mime_part
#define g_mime_message_get_subject itsm_g_mime_message_get_subject
#define g_mime_message_new itsm_g_mime_message_new
#define g_mime_message_part_get_message itsm_g_mime_message_part_get_message
#define g_mime_message_part_get_type itsm_g_mime_message_part_get_type
#define g_mime_message_set_date itsm_g_mime_message_set_date
#define g_mime_message_set_message_id itsm_g_mime_message_set_message_id
#define g_mime_message_set_mime_part itsm_g_mime_message_set_mime_part
#define g_mime_message_set_subject itsm_g_mime_message_set_subject
#define g_mime_multipart_get_count itsm_g_mime_multipart_get_count
#define g_mime_multipart_get_part itsm_g_mime_multipart_get_part
#define g_mime_multipart_get_type itsm_g_mime_multipart_get_type
#define g_mime_object_encode itsm_g_mime_object_encode
#define g_mime_object_get_content_type itsm_g_mime_object_get_content_type
#define g_mime_object_get_disposition itsm_g_mime_object_get_disposition
#define g_mime_object_get_header itsm_g_mime_object_get_header
#define g_mime_object_set_header itsm_g_mime_object_set_header
#define g_mime_object_to_string itsm_g_mime_object_to_string
#define g_mime_object_write_to_stream itsm_g_mime_object_write_to_stream
#define g_mime_parser_construct_message itsm_g_mime_parser_construct_message
#define g_mime_parser_new_with_stream itsm_g_mime_parser_new_with_stream
#define g_mime_parser_options_free itsm_g_mime_parser_options_free
#define g_mime_parser_options_new itsm_g_mime_parser_options_new
#define g_mime_parser_options_set_address_compliance_mode itsm_g_mime_parser_options_set_address_compliance_mode
#define g_mime_parser_options_set_fallback_charsets itsm_g_mime_parser_options_set_fallback_charsets
#define g_mime_parser_options_set_parameter_compliance_mode itsm_g_mime_parser_options_set_parameter_compliance_mode
#define g_mime_parser_options_set_rfc2047_compliance_mode itsm_g_mime_parser_options_set_rfc2047_compliance_mode
#define g_mime_part_get_content itsm_g_mime_part_get_content
#define g_mime_part_get_content_id itsm_g_mime_part_get_content_id
#define g_mime_part_get_filename itsm_g_mime_part_get_filename
#define g_mime_part_get_type itsm_g_mime_part_get_type
#define g_mime_part_is_attachment itsm_g_mime_part_is_attachment
#define g_mime_part_set_content itsm_g_mime_part_set_content
#define g_mime_references_free itsm_g_mime_references_free
#define g_mime_references_get_message_id itsm_g_mime_references_get_message_id
#define g_mime_references_length itsm_g_mime_references_length
#define g_mime_references_parse itsm_g_mime_references_parse
#define g_mime_stream_mem_get_byte_array itsm_g_mime_stream_mem_get_byte_array
#define g_mime_stream_mem_new itsm_g_mime_stream_mem_new
#define g_mime_stream_mem_new_with_buffer itsm_g_mime_stream_mem_new_with_buffer
#define g_mime_text_part_new_with_subtype itsm_g_mime_text_part_new_with_subtype
#define g_mime_text_part_set_charset itsm_g_mime_text_part_set_charset
#define g_mime_utils_generate_message_id itsm_g_mime_utils_generate_message_id
#define g_object_unref itsm_g_object_unref
#define g_type_check_instance_is_a itsm_g_type_check_instance_is_a
#define internet_address_get_name itsm_internet_address_get_name
#define internet_address_group_get_members itsm_internet_address_group_get_members
#define internet_address_group_get_type itsm_internet_address_group_get_type
#define internet_address_list_get_address itsm_internet_address_list_get_address
#define internet_address_list_length itsm_internet_address_list_length
#define internet_address_mailbox_get_addr itsm_internet_address_mailbox_get_addr
#define internet_address_mailbox_get_type itsm_internet_address_mailbox_get_type
#endif

/*
 * Loads GMime and initializes it, once per process; an error (ITSM_E_IO,
 * naming the package to install) when it cannot.
 */
int gm_load(void);

#endif

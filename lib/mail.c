/*
 * Incoming mail: one RFC 5322 message, as an MTA delivers it on standard
 * input, parsed with GMime into what the mail gateway decides on
 * (mail_int.h).  The rules, for itsm-mail(1):
 *
 * Refusals (the caller exits 65 with the reason, which the MTA bounces):
 * - input larger than the size limit: "message too big: N bytes, the
 *   limit is M";
 * - empty input; input whose first line (after an mbox "From " line) is
 *   not a header field ("Name: value"); a NUL byte in the header block:
 *   "not a mail: ...";
 * - no address in From:, or one without '@': "not a mail: no sender
 *   address in From:".
 *
 * Fields: From: gives the sender's name (decoded) and address (the first
 * mailbox, inside a group too; when GMime cannot read From:, the word
 * around its first '@'); Reply-To: its first address, for a sender such
 * as a web form's "noreply"; To: and Cc: their addresses, groups
 * flattened; Subject: decoded (RFC 2047, any charset, undeclared 8-bit
 * bytes read as UTF-8 or else windows-1252) with leading and trailing
 * blanks removed; Date: as epoch seconds, 0 when absent or unreadable
 * (the caller uses the time of delivery); Message-ID:, In-Reply-To: (its
 * first id) and References: without angle brackets.
 *
 * Body: the text/plain parts that are not attachments (no Content-
 * Disposition: attachment, no file name), decoded, in their order,
 * joined by a blank line, blank ones left out.  When there is none (some
 * clients send an empty text part beside the HTML), the text/html parts
 * rendered as text: tags dropped; script, style, head and title dropped
 * with their content; comments dropped; br, div, tr, li and the like end
 * a line, p, h1-h6, blockquote, table, lists, pre and hr a paragraph (a
 * br where a line ends already too), never more than one blank line;
 * "- " starts a list item; td and th are separated by a space; blanks
 * collapsed (inside pre kept); entities decoded (numeric ones, HTML 4's
 * Latin-1 set and the usual typographic ones; &nbsp; is a space).  The
 * charset is the part's charset parameter; undeclared, ASCII or unknown,
 * UTF-8 when the bytes are UTF-8 and windows-1252 otherwise; ISO-8859-1
 * read as windows-1252 (its superset, as browsers do).  Line ends become
 * "\n"; leading and trailing blank lines are dropped.  Text sent
 * format=flowed (RFC 3676: Thunderbird, Apple Mail) has its soft line
 * breaks joined, so that a paragraph is one line (delsp=yes honoured,
 * space-stuffing undone, quote marks written ">" then a space).
 *
 * Reply (the body as a note): the lines before the first reply marker:
 * - an attribution, "On ... wrote:" or "Le ... a écrit :", on one line or
 *   wrapped over two, with a digit (of its date) on its first line;
 * - a line "-----Original Message-----" (any number of dashes; also
 *   "Message d'origine", "Message original", "Ursprüngliche Nachricht");
 * - Outlook's quoted header block: a line starting "From:" or "De :"
 *   (bold "*From:*" too) with "Sent:", "Date:" or "Envoyé :" within the
 *   next three lines, and the line of underscores above it if any;
 * - the signature separator "-- " (or "--" whose space was lost).
 * Then, from the end: blank lines and lines starting with ">" (a quote
 * below the reply), one "Sent from my ..." / "Envoyé de mon ..." / "Get
 * Outlook for ..." line, blank lines.  Leading blank lines and trailing
 * blanks of each line go too.  Quotes between lines of the reply stay.
 * The full body is kept beside it.
 *
 * Attachments: every other leaf part (and text parts with a file name or
 * an attachment disposition), decoded, with its file name (RFC 2231 and
 * RFC 2047 decoded, the directory part dropped), MIME type, size,
 * Content-ID, SHA-256; inline when its Content-Disposition says so, or
 * when it has none but has a Content-ID (a picture of multipart/related).
 * A forwarded message (message/rfc822) is one attachment, the message
 * itself, named after its subject with ".eml".
 *
 * Kind, the first rule that matches deciding:
 * 1. own: Message-ID at our domain and X-Itsm-Ref: present or
 *    Auto-Submitted: auto-generated (without a domain given: X-Itsm-Ref:
 *    present);
 * 2. bounce: Content-Type multipart/report with report-type
 *    delivery-status, or From:, Sender: or Return-Path: at MAILER-DAEMON;
 * 3. auto-reply: a read receipt (multipart/report with report-type
 *    disposition-notification), Auto-Submitted: other than "no",
 *    X-Autoreply:, X-Autorespond:, Precedence: auto_reply;
 * 4. bounce: an empty Return-Path: ("<>"), the null sender of
 *    notifications;
 * 5. bulk: Precedence: bulk, junk or list; List-Id:;
 * 6. normal.
 *
 * Tag: the first "[INC-42]" of the subject (open, prefix, a ticket
 * reference with its type prefix, close; the brackets and prefix are
 * options), as a ticket id.
 *
 * Every string out is valid UTF-8 (bad bytes become U+FFFD) with no NUL;
 * other control characters are kept (cmd/ escapes them at display).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gmime.h"
#include "itsm/error.h"
#include "itsm/ref.h"
#include "json_int.h"
#include "mail_int.h"

/* Parts nested deeper than this are ignored. */
#define MAX_DEPTH 32

static const char *const kinds[] = { "normal", "auto-reply", "bulk",
    "bounce", "own" };

const char *
mail_kind_name(enum mail_kind kind)
{
	return (unsigned)kind < sizeof(kinds) / sizeof(kinds[0]) ?
	    kinds[kind] : "normal";
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
mail_free(struct mail *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->from_name);
	free(m->from_addr);
	free(m->reply_to);
	free_list(m->to, m->nto);
	free_list(m->cc, m->ncc);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	free_list(m->references, m->nreferences);
	free(m->body);
	free(m->reply);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].name);
		free(m->attachments[i].type);
		free(m->attachments[i].data);
		free(m->attachments[i].content_id);
	}
	free(m->attachments);
	free(m->kind_why);
	free(m);
}

/* s (NULL: "") as valid UTF-8, blanks around it trimmed. */
static char *
clean(const char *s)
{
	size_t n;

	if (s == NULL)
		s = "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return mail_utf8(s, n);
}

/* Appends a clean copy of s to the list *v of *n; -1 out of memory. */
static int
push(char ***v, size_t *n, const char *s)
{
	char **nv, *c;

	if ((c = clean(s)) == NULL)
		return -1;
	if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL) {
		free(c);
		return -1;
	}
	nv[(*n)++] = c;
	*v = nv;
	return 0;
}

/*
 * Why the input is not a mail, or NULL; *skip is the length of an mbox
 * "From " line to pass over.
 */
static const char *
not_a_mail(const char *buf, size_t len, size_t *skip)
{
	const char *p = buf, *end = buf + len, *eol;
	size_t n;

	*skip = 0;
	if (len == 0)
		return "empty input";
	if (len > 5 && memcmp(buf, "From ", 5) == 0 &&
	    (eol = memchr(buf, '\n', len)) != NULL)
		p = buf + (*skip = (size_t)(eol + 1 - buf));
	for (n = 0; p + n < end && p[n] > ' ' && p[n] < 127 && p[n] != ':';
	    n++)
		;
	if (n == 0 || p + n >= end || p[n] != ':')
		return "no header at the start";
	/* The header block ends at the first empty line. */
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end - 1;
		if (memchr(p, '\0', (size_t)(eol + 1 - p)) != NULL)
			return "binary data in the header block";
		if (eol == p || (eol == p + 1 && *p == '\r'))
			break;
	}
	return NULL;
}

/* The decoded content of a leaf part, NUL-terminated; -1 out of memory. */
static int
content(GMimePart *part, unsigned char **data, size_t *len)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *a;

	*data = NULL;
	*len = 0;
	if ((mem = g_mime_stream_mem_new()) == NULL)
		return -1;
	if (w != NULL)
		g_mime_data_wrapper_write_to_stream(w, mem);
	a = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	if ((*data = malloc(a->len + 1)) != NULL) {
		if (a->len > 0)
			memcpy(*data, a->data, a->len);
		(*data)[a->len] = '\0';
		*len = a->len;
	}
	g_object_unref(mem);
	return *data != NULL ? 0 : -1;
}

/* Whether len bytes are UTF-8 (and so also plain ASCII). */
static int
is_utf8(const char *s, size_t len)
{
	char *u = mail_utf8(s, len);
	int same = u != NULL && strlen(u) == len && memcmp(u, s, len) == 0;

	free(u);
	return same;
}

/* Whether the charset is one of the names in the list. */
static int
charset_in(const char *cs, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

/*
 * Bytes in charset cs (NULL: undeclared) as UTF-8, line ends "\n".
 * Undeclared or ASCII: UTF-8 when they are, else windows-1252, as they
 * are when a Windows client fails to say so; ISO-8859-1: windows-1252,
 * its superset, as the web reads it (Outlook's quotes are in 0x80-0x9f);
 * unknown to iconv: the same as undeclared.
 */
static char *
to_utf8(const char *s, size_t len, const char *cs)
{
	static const char *const ascii[] = { "us-ascii", "ascii",
	    "ansi_x3.4-1968", NULL };
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "latin1", "l1", NULL };
	static const char *const utf8[] = { "utf-8", "utf8", NULL };
	char *conv = NULL, *u, *r, *w;
	gsize got = 0;

	if (cs != NULL && charset_in(cs, latin1))
		cs = "windows-1252";
	else if (cs != NULL && charset_in(cs, ascii))
		cs = NULL;
	if (cs != NULL && !charset_in(cs, utf8))
		conv = g_convert(s, (gssize)len, "UTF-8", cs, NULL, &got, NULL);
	/* windows-1252 leaves five bytes undefined: ISO-8859-1 has them. */
	if (conv == NULL && (cs == NULL || !charset_in(cs, utf8)) &&
	    !is_utf8(s, len) && (conv = g_convert(s, (gssize)len, "UTF-8",
	    "windows-1252", NULL, &got, NULL)) == NULL)
		conv = g_convert(s, (gssize)len, "UTF-8", "iso-8859-1", NULL,
		    &got, NULL);
	if (conv != NULL) {
		s = conv;
		len = got;
	}
	u = mail_utf8(s, len);
	g_free(conv);
	if (u == NULL)
		return NULL;
	for (r = w = u; *r; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	return u;
}

/* What the walk over the parts gathers. */
struct walk {
	struct mail *m;
	struct json_buf plain, html;
};

/* Appends a text, unless blank, a blank line after what came before. */
static void
gather(struct json_buf *b, const char *text)
{
	if (text[strspn(text, " \t\r\n")] == '\0')
		return;
	if (b->len > 0)
		json_raw(b, "\n\n");
	json_raw(b, text);
}

static struct mail_attachment *
new_attachment(struct walk *w)
{
	struct mail *m = w->m;
	struct mail_attachment *a;

	a = realloc(m->attachments, (m->nattachments + 1) * sizeof(*a));
	if (a == NULL)
		return NULL;
	m->attachments = a;
	a += m->nattachments++;
	memset(a, 0, sizeof(*a));
	return a;
}

/* Fills the checksum, type and name of an attachment whose data is set. */
static int
describe(struct mail_attachment *a, GMimeObject *obj, const char *name)
{
	const char *base = name ? name : "", *q;
	char *type, *sum, *p;

	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    a->data ? a->data : (const guchar *)"", a->size);
	if (sum != NULL)
		snprintf(a->sha256, sizeof(a->sha256), "%s", sum);
	g_free(sum);
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(obj));
	a->type = clean(type);
	g_free(type);
	for (p = a->type; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (q = base; *q; q++)
		if (*q == '/' || *q == '\\')
			base = q + 1;
	a->name = clean(base);
	return a->type && a->name ? 0 : -1;
}

/* A leaf part that is not body text. */
static int
leaf_attachment(struct walk *w, GMimePart *part)
{
	GMimeObject *obj = (GMimeObject *)part;
	struct mail_attachment *a;
	const char *disp, *cid;

	if ((a = new_attachment(w)) == NULL ||
	    content(part, &a->data, &a->size) != 0)
		return -1;
	cid = g_mime_part_get_content_id(part);
	disp = g_mime_object_get_disposition(obj);
	a->is_inline = disp ? strcasecmp(disp, "inline") == 0 : cid != NULL;
	if ((a->content_id = clean(cid)) == NULL)
		return -1;
	return describe(a, obj, g_mime_part_get_filename(part));
}

/* A forwarded message, kept whole as an attachment "Subject.eml". */
static int
message_attachment(struct walk *w, GMimeMessagePart *mp)
{
	GMimeMessage *inner = g_mime_message_part_get_message(mp);
	GMimeObject *obj = (GMimeObject *)mp;
	struct mail_attachment *a;
	GMimeStream *mem;
	GByteArray *arr;
	char *name;
	const char *subject, *disp;
	size_t n;
	int rc;

	if ((a = new_attachment(w)) == NULL ||
	    (mem = g_mime_stream_mem_new()) == NULL)
		return -1;
	if (inner != NULL)
		g_mime_object_write_to_stream((GMimeObject *)inner, NULL, mem);
	arr = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
	if ((a->data = malloc(arr->len + 1)) != NULL) {
		if (arr->len > 0)
			memcpy(a->data, arr->data, arr->len);
		a->size = arr->len;
	}
	g_object_unref(mem);
	disp = g_mime_object_get_disposition(obj);
	a->is_inline = disp != NULL && strcasecmp(disp, "inline") == 0;
	subject = inner ? g_mime_message_get_subject(inner) : NULL;
	if (subject == NULL || *subject == '\0')
		subject = "message";
	n = strlen(subject) + 5;
	if (a->data == NULL || (a->content_id = strdup("")) == NULL ||
	    (name = malloc(n)) == NULL)
		return -1;
	snprintf(name, n, "%s.eml", subject);
	rc = describe(a, obj, name);
	free(name);
	return rc;
}

/* Body text or attachment, for each leaf under obj. */
static int
walk(struct walk *w, GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimePart *part;
	unsigned char *data;
	const char *v;
	size_t len;
	char *text, *flowed;
	int i, n, html;

	if (GMIME_IS_MULTIPART(obj) && depth < MAX_DEPTH) {
		n = g_mime_multipart_get_count((GMimeMultipart *)obj);
		for (i = 0; i < n; i++)
			if (walk(w, g_mime_multipart_get_part(
			    (GMimeMultipart *)obj, i), depth + 1) != 0)
				return -1;
		return 0;
	}
	if (GMIME_IS_MESSAGE_PART(obj))
		return message_attachment(w, (GMimeMessagePart *)obj);
	if (!GMIME_IS_PART(obj))
		return 0;
	part = (GMimePart *)obj;
	html = g_mime_content_type_is_type(ct, "text", "html");
	if ((!html && !g_mime_content_type_is_type(ct, "text", "plain")) ||
	    g_mime_part_is_attachment(part) ||
	    g_mime_part_get_filename(part) != NULL)
		return leaf_attachment(w, part);
	if (content(part, &data, &len) != 0)
		return -1;
	text = to_utf8((char *)data, len,
	    g_mime_content_type_get_parameter(ct, "charset"));
	free(data);
	if (text != NULL && !html && (v = g_mime_content_type_get_parameter(ct,
	    "format")) != NULL && strcasecmp(v, "flowed") == 0) {
		v = g_mime_content_type_get_parameter(ct, "delsp");
		flowed = mail_unflow(text, v && strcasecmp(v, "yes") == 0);
		free(text);
		text = flowed;
	}
	if (text == NULL)
		return -1;
	gather(html ? &w->html : &w->plain, text);
	free(text);
	return 0;
}

/* The body, and the reply stripped from it. */
static int
body(struct mail *m, GMimeMessage *msg)
{
	struct walk w = { .m = m };
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	char *plain, *html;
	int rc = 0;

	if (top != NULL)
		rc = walk(&w, top, 0);
	plain = json_finish(&w.plain);
	html = json_finish(&w.html);
	if (rc == 0 && plain != NULL && html != NULL) {
		if (*plain == '\0' && *html != '\0')
			m->body = mail_html_text(html);
		else
			m->body = clean(plain);
		if (m->body != NULL)
			m->reply = mail_strip_reply(m->body);
	}
	free(plain);
	free(html);
	return m->body && m->reply ? 0 : -1;
}

/* The addresses of a list, groups flattened, into *v of *n. */
static int
addresses(InternetAddressList *list, char ***v, size_t *n, int depth)
{
	InternetAddress *ia;
	int i, count = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < count; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 4) {
			if (addresses(internet_address_group_get_members(
			    (InternetAddressGroup *)ia), v, n, depth + 1) != 0)
				return -1;
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia) &&
		    push(v, n, internet_address_mailbox_get_addr(
		    (InternetAddressMailbox *)ia)) != 0)
			return -1;
	}
	return 0;
}

/* The first mailbox of a list, inside a group too. */
static InternetAddress *
first_mailbox(InternetAddressList *list, int depth)
{
	InternetAddress *ia, *in;
	int i, count = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < count; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return ia;
		if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 4 &&
		    (in = first_mailbox(internet_address_group_get_members(
		    (InternetAddressGroup *)ia), depth + 1)) != NULL)
			return in;
	}
	return NULL;
}

/* References:, or the first id of In-Reply-To: when one is 1. */
static int
references(struct mail *m, GMimeMessage *msg, const char *header, int one)
{
	const char *v = g_mime_object_get_header((GMimeObject *)msg, header);
	GMimeReferences *refs;
	int i, n, rc = 0;

	if (v == NULL || (refs = g_mime_references_parse(NULL, v)) == NULL)
		return one ? ((m->in_reply_to = strdup("")) ? 0 : -1) : 0;
	n = g_mime_references_length(refs);
	if (one)
		rc = (m->in_reply_to = clean(n > 0 ?
		    g_mime_references_get_message_id(refs, 0) : "")) ? 0 : -1;
	for (i = 0; !one && i < n && rc == 0; i++)
		rc = push(&m->references, &m->nreferences,
		    g_mime_references_get_message_id(refs, i));
	g_mime_references_free(refs);
	return rc;
}

/* A header's value, trimmed, or NULL when absent. */
static const char *
header(GMimeMessage *msg, const char *name)
{
	const char *v = g_mime_object_get_header((GMimeObject *)msg, name);

	if (v != NULL)
		while (*v == ' ' || *v == '\t')
			v++;
	return v;
}

/* Whether the header's value starts with word (then a blank, ';' or end). */
static int
header_is(GMimeMessage *msg, const char *name, const char *word)
{
	const char *v = header(msg, name);
	size_t n = strlen(word);

	return v != NULL && strncasecmp(v, word, n) == 0 &&
	    (v[n] == '\0' || strchr(" \t\r\n;", v[n]) != NULL);
}

/* Whether an address (maybe in angle brackets) is MAILER-DAEMON's. */
static int
daemon_address(const char *v)
{
	if (v == NULL)
		return 0;
	while (*v == ' ' || *v == '<' || *v == '"')
		v++;
	return strncasecmp(v, "mailer-daemon", 13) == 0 &&
	    (v[13] == '@' || v[13] == '>' || v[13] == '\0' || v[13] == '"');
}

/* Whether the Message-ID is at the domain. */
static int
at_domain(const char *id, const char *domain)
{
	const char *at = strrchr(id, '@');

	return domain != NULL && *domain != '\0' && at != NULL &&
	    strcasecmp(at + 1, domain) == 0;
}

/* The kind and the reason for it, per the rules above. */
static int
classify(struct mail *m, GMimeMessage *msg, const char *domain)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
	GMimeContentType *ct = top ? g_mime_object_get_content_type(top) :
	    NULL;
	const char *v, *why = "", *report;
	int own_mark = header(msg, "X-Itsm-Ref") != NULL;

	if (domain != NULL && *domain != '\0')
		own_mark = at_domain(m->message_id, domain) && (own_mark ||
		    header_is(msg, "Auto-Submitted", "auto-generated"));
	report = ct ? g_mime_content_type_get_parameter(ct, "report-type") :
	    NULL;
	if (own_mark) {
		m->kind = MAIL_OWN;
		why = header(msg, "X-Itsm-Ref") ? "X-Itsm-Ref" :
		    "Auto-Submitted: auto-generated";
	} else if (ct && g_mime_content_type_is_type(ct, "multipart",
	    "report") && report && strcasecmp(report, "delivery-status") == 0) {
		m->kind = MAIL_BOUNCE;
		why = "multipart/report delivery-status";
	} else if (daemon_address(m->from_addr) ||
	    daemon_address(header(msg, "Sender")) ||
	    daemon_address(header(msg, "Return-Path"))) {
		m->kind = MAIL_BOUNCE;
		why = "MAILER-DAEMON";
	} else if (ct && g_mime_content_type_is_type(ct, "multipart",
	    "report") && report && strcasecmp(report,
	    "disposition-notification") == 0) {
		m->kind = MAIL_AUTOREPLY;
		why = "multipart/report disposition-notification";
	} else if ((v = header(msg, "Auto-Submitted")) != NULL &&
	    !header_is(msg, "Auto-Submitted", "no")) {
		m->kind = MAIL_AUTOREPLY;
		why = "Auto-Submitted";
	} else if (header(msg, "X-Autoreply") != NULL) {
		m->kind = MAIL_AUTOREPLY;
		why = "X-Autoreply";
	} else if (header(msg, "X-Autorespond") != NULL) {
		m->kind = MAIL_AUTOREPLY;
		why = "X-Autorespond";
	} else if (header_is(msg, "Precedence", "auto_reply")) {
		m->kind = MAIL_AUTOREPLY;
		why = "Precedence: auto_reply";
	} else if ((v = header(msg, "Return-Path")) != NULL &&
	    (strncmp(v, "<>", 2) == 0 || strncmp(v, "< >", 3) == 0 ||
	    *v == '\0')) {
		m->kind = MAIL_BOUNCE;
		why = "Return-Path: <>";
	} else if (header_is(msg, "Precedence", "bulk") ||
	    header_is(msg, "Precedence", "junk") ||
	    header_is(msg, "Precedence", "list")) {
		m->kind = MAIL_BULK;
		why = "Precedence";
	} else if (header(msg, "List-Id") != NULL) {
		m->kind = MAIL_BULK;
		why = "List-Id";
	}
	return (m->kind_why = strdup(why)) ? 0 : -1;
}

/* The ticket id of the first tag in the subject, or 0. */
static int64_t
subject_tag(const char *subject, const struct mail_options *o)
{
	const char *open = o->tag_open ? o->tag_open : "[";
	const char *close = o->tag_close ? o->tag_close : "]";
	const char *prefix = o->tag_prefix ? o->tag_prefix : "";
	const char *p, *q, *e;
	char ref[ITSM_REFBUF];
	int64_t id;

	if (*open == '\0' || *close == '\0')
		return 0;
	for (p = subject; (p = strstr(p, open)) != NULL; p++) {
		q = p + strlen(open);
		if (strncasecmp(q, prefix, strlen(prefix)) != 0)
			continue;
		q += strlen(prefix);
		if ((e = strstr(q, close)) == NULL)
			break;
		/* A type prefix is required: "[2]" is no ticket. */
		if ((size_t)(e - q) < 5 || (size_t)(e - q) >= sizeof(ref) ||
		    !isalpha((unsigned char)q[0]) || q[3] != '-')
			continue;
		memcpy(ref, q, (size_t)(e - q));
		ref[e - q] = '\0';
		if (itsm_ref_parse(ref, &id) == 0)
			return id;
	}
	return 0;
}

/*
 * The sender of a From: that GMime cannot read, as some broken mailers
 * write it ("Name" user@host): the word around the first '@', the text
 * before it (quotes and blanks trimmed) as the name.  -1 if none.
 */
static int
loose_from(struct mail *m, const char *v)
{
	static const char stop[] = " \t\r\n<>()\",;:[]";
	const char *at = v ? strchr(v, '@') : NULL, *s, *e, *ne;

	if (at == NULL)
		return -1;
	for (s = at; s > v && strchr(stop, s[-1]) == NULL; s--)
		;
	for (e = at + 1; *e && strchr(stop, *e) == NULL; e++)
		;
	if (s == at || e == at + 1)
		return -1;
	for (ne = s; ne > v && strchr(" \t\r\n<\"", ne[-1]) != NULL; ne--)
		;
	while (v < ne && strchr(" \t\"", *v) != NULL)
		v++;
	m->from_addr = mail_utf8(s, (size_t)(e - s));
	m->from_name = mail_utf8(v, (size_t)(ne - v));
	return 0;
}

/* The fields of a parsed message; ITSM_E_INVALID without a sender. */
static int
fields(struct mail *m, GMimeMessage *msg, const struct mail_options *o)
{
	InternetAddress *from = first_mailbox(g_mime_message_get_from(msg),
	    0);
	InternetAddress *rt = first_mailbox(g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_REPLY_TO), 0);
	GDateTime *date = g_mime_message_get_date(msg);
	const char *addr = from ? internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)from) : NULL;
	const char *rt_addr = rt ? internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)rt) : NULL;

	if (addr != NULL && strchr(addr, '@') != NULL) {
		m->from_addr = clean(addr);
		m->from_name = clean(internet_address_get_name(from));
	} else if (loose_from(m, header(msg, "From")) != 0)
		return itsm_error(ITSM_E_INVALID,
		    "not a mail: no sender address in From:");
	if (rt_addr == NULL || strchr(rt_addr, '@') == NULL)
		rt_addr = "";
	if (m->from_addr == NULL || m->from_name == NULL ||
	    (m->reply_to = clean(rt_addr)) == NULL ||
	    (m->subject = clean(g_mime_message_get_subject(msg))) == NULL ||
	    (m->message_id = clean(g_mime_message_get_message_id(msg))) ==
	    NULL ||
	    addresses(g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_TO), &m->to, &m->nto, 0) != 0 ||
	    addresses(g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_CC), &m->cc, &m->ncc, 0) != 0 ||
	    references(m, msg, "In-Reply-To", 1) != 0 ||
	    references(m, msg, "References", 0) != 0 ||
	    body(m, msg) != 0 || classify(m, msg, o->own_domain) != 0)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	m->date = date ? g_date_time_to_unix(date) : 0;
	if (m->date < 0)
		m->date = 0;
	m->tag = subject_tag(m->subject, o);
	return 0;
}

int
mail_parse(struct mail **out, const char *buf, size_t len,
    const struct mail_options *opt)
{
	static const char *fallback[] = { "utf-8", "windows-1252", NULL };
	struct mail_options none = { 0 };
	GMimeParserOptions *po = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeStream *stream;
	struct mail *m = NULL;
	const char *why;
	size_t skip;
	int rc;

	*out = NULL;
	if (opt == NULL)
		opt = &none;
	if (opt->max_size > 0 && len > opt->max_size)
		return itsm_error(ITSM_E_INVALID, "message too big: %zu bytes, "
		    "the limit is %zu", len, opt->max_size);
	if ((why = not_a_mail(buf, len, &skip)) != NULL)
		return itsm_error(ITSM_E_INVALID, "not a mail: %s", why);
	if ((rc = gm_load()) != 0)
		return rc;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (stream = g_mime_stream_mem_new_with_buffer(buf + skip,
	    len - skip)) == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto done;
	}
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	po = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(po, fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	if ((msg = g_mime_parser_construct_message(parser, po)) == NULL) {
		rc = itsm_error(ITSM_E_INVALID, "not a mail: no header block");
		goto done;
	}
	if ((rc = fields(m, msg, opt)) == 0) {
		*out = m;
		m = NULL;
	}
done:
	if (msg != NULL)
		g_object_unref(msg);
	if (parser != NULL)
		g_object_unref(parser);
	if (po != NULL)
		g_mime_parser_options_free(po);
	mail_free(m);
	return rc;
}

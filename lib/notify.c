/*
 * Notifications: the templates of itsm.yaml(5) filled from a ticket,
 * and the mail composed from them (GMime, loaded on first use: From,
 * To, Subject with the ticket's tag and RFC 2047 where needed, Date, our
 * Message-ID, In-Reply-To and References to the ticket's first message,
 * Auto-Submitted, X-Itsm-Ref, a text/plain UTF-8 body), queued in the
 * outbox in the transaction of the event.  Sending is lib/outbox.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "gmime.h"
#include "itsm/error.h"
#include "json_int.h"
#include "notify_int.h"
#include "store_outbox.h"
#include "ticket_int.h"

/* The words of an event a template may name beside the ticket's fields. */
static const char *const words[] = { "note", "tag", "managers", "audience",
    "confirm", "actor", NULL };

/* The field a template names: resolution_code is resolution.code. */
static int
field_of(const char *name)
{
	char alt[64];
	int f;

	if ((f = itsm_field_find(name)) >= 0)
		return f;
	if (strncmp(name, "resolution_", 11) == 0 &&
	    strlen(name) < sizeof(alt)) {
		snprintf(alt, sizeof(alt), "resolution.%s", name + 11);
		return itsm_field_find(alt);
	}
	return -1;
}

static int
word_of(const char *name)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], name) == 0)
			return i;
	return -1;
}

/*
 * Walks template t: calls lit(arg, text, len) for its literal parts and
 * name(arg, name) for each {name}.  0, or 2 for a brace not closed, or
 * what name() returned when not 0.
 */
static int
walk(const char *t, void (*lit)(void *, const char *, size_t),
    int (*name)(void *, const char *), void *arg)
{
	char nm[64];
	const char *end;
	size_t n;
	int rc;

	while (*t != '\0') {
		n = strcspn(t, "{}");
		lit(arg, t, n);
		t += n;
		if (*t == '\0')
			break;
		if (t[0] == t[1]) {		/* "{{" or "}}" */
			lit(arg, t, 1);
			t += 2;
			continue;
		}
		if (*t == '}') {		/* a lone '}' is itself */
			lit(arg, t, 1);
			t++;
			continue;
		}
		if ((end = strchr(t, '}')) == NULL)
			return 2;
		n = (size_t)(end - t - 1);
		if (n >= sizeof(nm))
			n = sizeof(nm) - 1;
		memcpy(nm, t + 1, n);
		nm[n] = '\0';
		if ((rc = name(arg, nm)) != 0)
			return rc;
		t = end + 1;
	}
	return 0;
}

struct check {
	char *bad;
	size_t len;
};

static void
lit_none(void *arg, const char *s, size_t n)
{
	(void)arg;
	(void)s;
	(void)n;
}

static int
name_known(void *arg, const char *name)
{
	struct check *k = arg;

	if (field_of(name) >= 0 || word_of(name) >= 0)
		return 0;
	snprintf(k->bad, k->len, "%s", name);
	return 1;
}

int
notify_template_check(const char *t, char *bad, size_t len)
{
	struct check k = { bad, len };

	return walk(t, lit_none, name_known, &k);
}

/* Filling a template: the ticket, the event's words, the tag. */
struct fill {
	struct json_buf *b;
	const itsm_ticket *t;
	const struct notify_words *w;
	const char *tag, *confirm;
};

static void
lit_put(void *arg, const char *s, size_t n)
{
	json_bytes(((struct fill *)arg)->b, s, n);
}

static int
name_put(void *arg, const char *name)
{
	struct fill *f = arg;
	const char *v = NULL;
	int k;

	if ((k = field_of(name)) >= 0) {
		v = itsm_ticket_str(f->t, (enum itsm_field)k);
	} else {
		switch (word_of(name)) {
		case 0: v = f->w->note; break;
		case 1: v = f->tag; break;
		case 2: v = f->w->managers; break;
		case 3: v = f->w->audience; break;
		case 4: v = f->confirm; break;
		case 5: v = f->w->actor; break;
		default: break;
		}
	}
	if (v != NULL)
		json_raw(f->b, v);
	return 0;
}

/* Template t filled: the caller's to free(), NULL when memory ran out. */
static char *
render(const char *t, struct fill *f)
{
	struct json_buf b = { 0 };

	f->b = &b;
	json_raw(&b, "");
	(void)walk(t, lit_put, name_put, f);	/* checked when loaded */
	return json_finish(&b);
}

/*
 * A mail address in a ticket's contact: the whole contact when it is
 * one ("ann@example.org", or "Ann <ann@example.org>"): NULL otherwise
 * (a phone number, an office).  Into buf (len bytes).
 */
static const char *
contact_address(const char *contact, char *buf, size_t len)
{
	const char *lt, *gt, *at;
	size_t n;

	if (contact == NULL)
		return NULL;
	if ((lt = strchr(contact, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL) {
		contact = lt + 1;
		n = (size_t)(gt - contact);
	} else {
		n = strlen(contact);
	}
	while (n > 0 && (*contact == ' ' || *contact == '\t')) {
		contact++;
		n--;
	}
	while (n > 0 && (contact[n - 1] == ' ' || contact[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, contact, n);
	buf[n] = '\0';
	at = strchr(buf, '@');
	if (at == NULL || at == buf || at[1] == '\0' || strchr(at + 1, '@') ||
	    strpbrk(buf, " \t\r\n<>,;\"()[]\\:") != NULL)
		return NULL;
	return buf;
}

const char *
notify_domain(const struct itsm_mail_policy *ml, char *buf, size_t len)
{
	if (ml->domain != NULL)
		return ml->domain;
	if (gethostname(buf, len) != 0 || buf[0] == '\0')
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
	return buf;
}

/*
 * The message, composed by GMime: *text the whole of it, *msgid its
 * Message-ID with its angle brackets; both the caller's to free().
 */
static int
compose(itsm_ctx *c, const struct itsm_mail_policy *ml, const char *ref,
    char *const *to, size_t nto, const char *subject, const char *body,
    const char *thread, char **text, char **msgid)
{
	char host[256], *id, *s, brackets[600];
	GMimeMessage *m;
	GMimeTextPart *part;
	GMimeStream *st;
	GMimeDataWrapper *dw;
	GDateTime *date;
	size_t i;
	int rc;

	*text = *msgid = NULL;
	if ((rc = gm_load()) != 0)
		return rc;
	if ((m = g_mime_message_new(TRUE)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, ml->from_name,
	    ml->from_address);
	for (i = 0; i < nto; i++)
		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL,
		    to[i]);
	g_mime_message_set_subject(m, subject, "utf-8");
	if ((date = g_date_time_new_from_unix_utc(c->now)) != NULL) {
		g_mime_message_set_date(m, date);
		g_date_time_unref(date);
	}
	id = g_mime_utils_generate_message_id(notify_domain(ml, host,
	    sizeof(host)));
	if (id != NULL) {
		g_mime_message_set_message_id(m, id);
		snprintf(brackets, sizeof(brackets), "<%s>", id);
		g_free(id);
		*msgid = strdup(brackets);
	}
	if (thread != NULL) {
		g_mime_object_set_header((GMimeObject *)m, "In-Reply-To",
		    thread, NULL);
		g_mime_object_set_header((GMimeObject *)m, "References",
		    thread, NULL);
	}
	g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted",
	    "auto-generated", NULL);
	g_mime_object_set_header((GMimeObject *)m, "X-Itsm-Ref", ref, NULL);
	/* UTF-8 as it is (set_text would pick a narrower charset). */
	part = g_mime_text_part_new_with_subtype("plain");
	st = g_mime_stream_mem_new_with_buffer(body, strlen(body));
	dw = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content((GMimePart *)part, dw);
	g_object_unref(dw);
	g_object_unref(st);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_message_set_mime_part(m, (GMimeObject *)part);
	g_object_unref(part);
	g_mime_object_encode((GMimeObject *)m,
	    GMIME_ENCODING_CONSTRAINT_7BIT);
	s = g_mime_object_to_string((GMimeObject *)m, NULL);
	g_object_unref(m);
	if (s != NULL) {
		*text = strdup(s);
		g_free(s);
	}
	if (*text == NULL || *msgid == NULL) {
		free(*text);
		free(*msgid);
		*text = *msgid = NULL;
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	return 0;
}

/* The words of mail.confirm, joined as a template shows them. */
static char *
confirm_words(const struct itsm_mail_policy *ml)
{
	struct json_buf b = { 0 };
	size_t i;

	json_raw(&b, "");
	for (i = 0; i < ml->nconfirm; i++) {
		if (i > 0)
			json_raw(&b, i + 1 == ml->nconfirm ? " or " : ", ");
		json_raw(&b, "\"");
		json_raw(&b, ml->confirm[i]);
		json_raw(&b, "\"");
	}
	return json_finish(&b);
}

/* Appends the addresses of what (caller, managers, ...) to to[*n]. */
static void
recipients(const struct itsm_notification *nt, const itsm_ticket *t,
    const char *const *addresses, size_t naddresses, char **to, size_t max,
    size_t *n, char *buf, size_t len)
{
	const char *a;
	size_t i, j;

	for (i = 0; i < nt->nto && *n < max; i++) {
		if (strcmp(nt->to[i], "caller") == 0) {
			a = contact_address(itsm_ticket_str(t,
			    ITSM_F_CONTACT), buf, len);
			if (a != NULL)
				to[(*n)++] = strdup(a);
		} else if (strcmp(nt->to[i], "managers") == 0 ||
		    strcmp(nt->to[i], "audiences") == 0) {
			for (j = 0; j < naddresses && *n < max; j++)
				to[(*n)++] = strdup(addresses[j]);
		} else {
			to[(*n)++] = strdup(nt->to[i]);
		}
	}
}

#define MAX_TO 64

int
notify_queue(itsm_ctx *c, int64_t id, int64_t event, enum itsm_notify_event e,
    const struct notify_words *w, const char *const *addresses,
    size_t naddresses, int *queued)
{
	const struct itsm_mail_policy *ml = itsm_policy_mail(c->policy);
	const struct itsm_notification *nt = itsm_policy_notification(
	    c->policy, e);
	static const struct notify_words none;
	struct store_outbox_new o;
	struct json_buf rb = { 0 };
	char *to[MAX_TO], buf[512], *tag = NULL, *subj = NULL, *subject = NULL;
	char *body = NULL, *confirm = NULL, *thread = NULL, *text = NULL;
	char *msgid = NULL, *rcpt = NULL;
	struct fill f;
	itsm_ticket *t = NULL;
	size_t nto = 0, i;
	int64_t oid;
	int rc;

	if (queued != NULL)
		*queued = 0;
	if (ml == NULL || nt == NULL)
		return 0;
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		return rc;
	recipients(nt, t, addresses, naddresses, to, MAX_TO, &nto, buf,
	    sizeof(buf));
	f = (struct fill){ .t = t, .w = w != NULL ? w : &none };
	rc = ITSM_E_NOMEM;
	for (i = 0; i < nto; i++)
		if (to[i] == NULL)
			goto done;
	if ((confirm = confirm_words(ml)) == NULL)
		goto done;
	f.confirm = confirm;
	if ((tag = render(ml->subject_tag, &f)) == NULL)
		goto done;
	f.tag = tag;
	if ((subj = render(nt->subject, &f)) == NULL ||
	    (body = render(nt->body, &f)) == NULL)
		goto done;
	json_raw(&rb, tag);
	json_raw(&rb, tag[0] != '\0' ? " " : "");
	json_raw(&rb, subj);
	if ((subject = json_finish(&rb)) == NULL)
		goto done;
	json_raw(&rb, "");
	for (i = 0; i < nto; i++) {
		json_raw(&rb, i ? ", " : "");
		json_raw(&rb, to[i]);
	}
	if ((rcpt = json_finish(&rb)) == NULL)
		goto done;
	if ((rc = store_thread(c->store, id, &thread)) != 0 ||
	    (rc = compose(c, ml, itsm_ticket_str(t, ITSM_F_REF), to, nto,
	    subject, body, thread, &text, &msgid)) != 0)
		goto done;
	o = (struct store_outbox_new){ .created_at = c->now, .ticket = id,
	    .event = event, .kind = "mail", .name = itsm_notify_names[e],
	    .recipients = rcpt, .message_id = msgid, .payload = text,
	    .next_attempt_at = c->now };
	if ((rc = store_outbox_queue(c->store, &o, &oid)) != 0)
		goto done;
	if (nto == 0) {
		/* Nobody to tell: kept, as never to be sent, saying why. */
		snprintf(buf, sizeof(buf), "no mail address for the %s",
		    nt->to[0]);
		rc = store_outbox_failed(c->store, oid, buf, c->now, 1);
		goto done;
	}
	rc = tk_outbox_add(c, oid);
	if (rc == 0 && queued != NULL)
		*queued = 1;
done:
	for (i = 0; i < nto; i++)
		free(to[i]);
	free(tag);
	free(subj);
	free(subject);
	free(body);
	free(confirm);
	free(thread);
	free(text);
	free(msgid);
	free(rcpt);
	itsm_ticket_free(t);
	return rc;
}

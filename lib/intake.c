/*
 * The mail gateway: one incoming message (parsed by lib/mail.c) turned
 * into a ticket, a note, a confirmation or a rejection, or dropped, in
 * one transaction.  The rules, for itsm-mail(1):
 *
 * 1. Larger than mail.max_size, or not a mail: refused (the caller exits
 *    65 with the reason).
 * 2. Its Message-ID recorded already (mail_messages, in or out): nothing
 *    done (a second delivery).
 * 3. Its sender (From: address, any case) past mail.rate_limit
 *    (messages per period, counted from the first of the period):
 *    dropped, its Message-ID recorded.
 * 4. Its ticket: the tag of the subject (mail.subject_tag, whose text
 *    around {ref} marks it) when that ticket exists; else the ticket of
 *    In-Reply-To:, then of References: newest first, in mail_messages.
 * 5. An automatic message (own, bounce, auto-reply, bulk): a note
 *    "[KIND (HEADER)] ..." on its ticket when it has one that takes
 *    notes (open or resolved), else dropped; never a ticket, never a
 *    notification.
 * 6. A reply to a resolved ticket: closed, confirmed by the caller, when
 *    the first non-blank line of the reply begins with one of
 *    mail.confirm (any case, then the end of the line or a character
 *    that is not a letter or a digit); else rejected, back to work (as
 *    close --rejected), the reply as the reason.
 * 7. A reply to an open ticket: a note by the caller (the reply part),
 *    which neither starts the work nor counts as activity.
 * 8. A reply to a ticket closed less than mail.reopen_age ago: reopened,
 *    when the store lets the sender's process reopen a closed ticket (a
 *    manager's right); else as 9.
 * 9. A reply to a ticket closed longer ago, or cancelled or redirected:
 *    a new ticket whose description begins "Follow-up of INC-n", and an
 *    event "mail follow_up INC-m" on the old one.
 * 10. Anything else: a new ticket.  Caller: the From: name (its address
 *    without one); contact: the Reply-To: address, else From:'s;
 *    channel email (when the policy has it); summary: the subject ("(no
 *    subject)" without one); description: the body; opened at the Date:
 *    (the time of delivery when it has none, or one more than five
 *    minutes ahead); the first of mail.routes that matches sets type,
 *    category, group and service.
 * 11. Attachments (and inline parts) of a message that opens a ticket or
 *    becomes a reply (6 to 10) are stored with it, in the same
 *    transaction: their bytes once per content (by SHA-256), a row per
 *    arrival on the ticket.  Left out: an inline image smaller than
 *    mail.ignore_inline_images_below (a signature's logo: silently); one
 *    larger than mail.max_attachment; one that would bring the message's
 *    kept attachments past mail.max_attachments (taken in their order):
 *    those two are named, with why, at the end of the description or
 *    note.  Automatic mail (5) stores none.
 * A reply (6 to 8) also gets an event "mail message_id <id>" holding the
 * whole body; a note, a reason or a description longer than 64 KiB is
 * cut.  Every Message-ID received is recorded with the ticket it went to
 * (none when dropped) in the same transaction.
 */
#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/mail.h"
#include "itsm/work.h"
#include "itsm/workflow.h"
#include "mail_int.h"
#include "notify_int.h"
#include "store_attach.h"
#include "store_int.h"
#include "store_outbox.h"
#include "ticket_int.h"

#define SKEW		300		/* a Date: this far ahead is now */
#define MAX_BODY	(1024 * 1024)	/* of the whole body kept */

static const char *const outcomes[] = { "opened", "follow-up", "noted",
    "confirmed", "rejected", "reopened", "noise", "dropped", "limited",
    "duplicate" };

const char *
itsm_mail_outcome_name(enum itsm_mail_outcome o)
{
	return (unsigned)o < sizeof(outcomes) / sizeof(outcomes[0]) ?
	    outcomes[o] : "dropped";
}

/* s cut to at most max bytes, at a character's start; NULL: no memory. */
static char *
cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return strndup(s, n);
}

/* What marks the tag: the template's text before and after {ref}. */
struct tag {
	char open[128], close[128];
};

static void
tag_marks(const char *tmpl, struct tag *t)
{
	const char *r = strstr(tmpl, "{ref}");

	t->open[0] = t->close[0] = '\0';
	if (r == NULL)
		return;		/* no tag: open "" threads by ids only */
	snprintf(t->open, sizeof(t->open), "%.*s", (int)(r - tmpl), tmpl);
	snprintf(t->close, sizeof(t->close), "%s", r + 5);
}

/* The ticket of Message-ID id (no brackets): > 0, or 0. */
static int
ticket_of_id(itsm_ctx *c, const char *id, int64_t *tk)
{
	char b[1024];
	int rc;

	*tk = 0;
	if (id == NULL || *id == '\0' || strlen(id) + 3 > sizeof(b))
		return 0;
	snprintf(b, sizeof(b), "<%s>", id);
	if ((rc = store_message_ticket(c->store, b, tk)) != 0)
		return rc;
	if (*tk < 0)
		*tk = 0;
	return 0;
}

/* Rule 4: the ticket a message is about (0: none) and how it was found. */
static int
thread_of(itsm_ctx *c, const struct mail *m, int64_t *id, const char **how)
{
	itsm_ticket *t = NULL;
	size_t i;
	int rc;

	*id = 0;
	*how = "";
	if (m->tag > 0) {
		if ((rc = itsm_ticket_get(c, m->tag, &t)) == 0) {
			itsm_ticket_free(t);
			*id = m->tag;
			*how = "by its tag";
			return 0;
		}
		if (rc != ITSM_E_NOTFOUND)
			return rc;
	}
	if ((rc = ticket_of_id(c, m->in_reply_to, id)) != 0 || *id > 0) {
		*how = "by In-Reply-To";
		return rc;
	}
	for (i = m->nreferences; i-- > 0;)
		if ((rc = ticket_of_id(c, m->references[i], id)) != 0 ||
		    *id > 0) {
			*how = "by References";
			return rc;
		}
	return 0;
}

/*
 * Rule 3: counts a message of addr; *over when past the limit.  The
 * count is kept in the store's settings, "mail.rate ADDRESS" = "START
 * COUNT".
 */
static int
rate_count(itsm_ctx *c, const struct itsm_mail_policy *ml, const char *addr,
    int *over)
{
	char key[320], val[64], *v = NULL;
	long long start = 0;
	int count = 0, rc;
	size_t i;

	*over = 0;
	snprintf(key, sizeof(key), "mail.rate %.300s", addr);
	for (i = 0; key[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	if ((rc = store_meta_get(c->store, key, &v)) != 0)
		return rc;
	if (v == NULL || sscanf(v, "%lld %d", &start, &count) != 2 ||
	    c->now < start || c->now - start >= ml->rate_period) {
		start = c->now;
		count = 0;
	}
	free(v);
	if (count < ml->rate_messages + 1)
		count++;
	*over = count > ml->rate_messages;
	snprintf(val, sizeof(val), "%lld %d", start, count);
	return store_meta_set(c->store, key, val);
}

/* Rule 6: whether the reply confirms. */
static int
confirms(const struct itsm_mail_policy *ml, const char *reply)
{
	unsigned char next;
	size_t i, n;

	while (isspace((unsigned char)*reply))
		reply++;
	for (i = 0; i < ml->nconfirm; i++) {
		n = strlen(ml->confirm[i]);
		if (n == 0 || strncasecmp(reply, ml->confirm[i], n) != 0)
			continue;
		next = (unsigned char)reply[n];
		if (next == '\0' || next == '\n' ||
		    (next < 0x80 && !isalnum(next)))
			return 1;
	}
	return 0;
}

/* Whether route r matches the recipient and the message. */
static int
route_matches(const struct itsm_mail_route *r, const char *to,
    const struct mail *m)
{
	regex_t re;
	size_t i;
	int ok = 1;

	if (r->to != NULL) {
		ok = to != NULL && strcasecmp(to, r->to) == 0;
		for (i = 0; !ok && i < m->nto; i++)
			ok = strcasecmp(m->to[i], r->to) == 0;
		for (i = 0; !ok && i < m->ncc; i++)
			ok = strcasecmp(m->cc[i], r->to) == 0;
	}
	if (ok && r->subject != NULL) {
		/* Checked when the policy was loaded. */
		if (regcomp(&re, r->subject, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB) != 0)
			return 0;
		ok = regexec(&re, m->subject, 0, NULL, 0) == 0;
		regfree(&re);
	}
	return ok;
}

/* A message under way. */
struct take {
	itsm_ctx *c;
	const struct itsm_mail_policy *ml;
	const struct itsm_mail_args *a;
	struct itsm_mail_result *r;
	struct mail *m;
	const char *caller, *contact;
	char msgid[1024];	/* "<...>", or "" */
	unsigned char *keep;	/* per attachment: 1 stored, 0 left out */
	char *left_out;		/* what says which were left out; NULL */
};

/* Appends to *buf (len *n) the text fmt makes; 0 or ITSM_E_NOMEM. */
static int
append(char **buf, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
append(char **buf, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *g;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (w < 0 || (g = realloc(*buf, *n + (size_t)w + 1)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	*buf = g;
	va_start(ap, fmt);
	vsnprintf(g + *n, (size_t)w + 1, fmt, ap);
	va_end(ap);
	*n += (size_t)w;
	return 0;
}

/* Rule 11: which attachments are kept, and what says the others. */
static int
pick_attachments(struct take *k)
{
	const struct mail *m = k->m;
	const struct mail_attachment *a;
	size_t i, n = 0, total = 0;
	const char *why;
	int rc;

	if (m->nattachments == 0)
		return 0;
	if ((k->keep = calloc(m->nattachments, 1)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	for (i = 0; i < m->nattachments; i++) {
		a = &m->attachments[i];
		why = NULL;
		if (a->is_inline && strncmp(a->type, "image/", 6) == 0 &&
		    a->size < k->ml->ignore_inline_below)
			continue;	/* a signature's logo: not said */
		if (a->size > k->ml->max_attachment)
			why = "larger than max_attachment";
		else if (a->size > k->ml->max_attachments - total)
			why = "past max_attachments for one message";
		if (why == NULL) {
			k->keep[i] = 1;
			total += a->size;
			continue;
		}
		if ((rc = append(&k->left_out, &n, "%s- %s (%s, %zu bytes): "
		    "%s\n", n == 0 ? "\n\nAttachments left out:\n" : "",
		    a->name[0] != '\0' ? a->name : "(no name)", a->type,
		    a->size, why)) != 0)
			return rc;
	}
	return 0;
}

/* text, then what says the attachments left out; NULL: no memory. */
static char *
with_left_out(const struct take *k, const char *text, size_t max)
{
	char *all, *r;
	size_t n;

	if (k->left_out == NULL)
		return cut(text, max);
	n = strlen(text) + strlen(k->left_out) + 1;
	if ((all = malloc(n)) == NULL)
		return NULL;
	snprintf(all, n, "%s%s", text, k->left_out);
	/* The list is kept whole: the text gives way. */
	if (strlen(all) > max && strlen(k->left_out) < max) {
		free(all);
		if ((r = cut(text, max - strlen(k->left_out))) == NULL)
			return NULL;
		n = strlen(r) + strlen(k->left_out) + 1;
		if ((all = malloc(n)) != NULL)
			snprintf(all, n, "%s%s", r, k->left_out);
		free(r);
		return all;
	}
	r = cut(all, max);
	free(all);
	return r;
}

/* Rule 11: the attachments kept, on ticket, in the transaction. */
static int
store_kept(struct take *k, int64_t ticket)
{
	const struct mail_attachment *a;
	struct store_attachment_new n;
	int64_t event, id;
	int rc, added;
	size_t i;

	if (k->keep == NULL || ticket <= 0)
		return 0;
	event = store_last_event_id(k->c->store);
	for (i = 0; i < k->m->nattachments; i++) {
		if (!k->keep[i])
			continue;
		a = &k->m->attachments[i];
		n = (struct store_attachment_new){ .ticket = ticket,
		    .event = event,
		    .message_id = k->msgid[0] != '\0' ? k->msgid : NULL,
		    .name = a->name, .type = a->type, .sha256 = a->sha256,
		    .data = a->data, .size = a->size,
		    .is_inline = a->is_inline, .at = k->c->now };
		if ((rc = store_attachment_add(k->c->store, &n, &id,
		    &added)) != 0)
			return rc;
	}
	return 0;
}

/* Records the Message-ID with ticket (0: none). */
static int
record(struct take *k, int64_t ticket)
{
	int added;

	if (k->msgid[0] == '\0')
		return 0;
	return store_message_add(k->c->store, k->msgid, ticket, "in",
	    k->c->now, &added);
}

/* The whole body beside a reply: an event "mail message_id". */
static int
keep_body(struct take *k, int64_t id)
{
	char *body;
	int rc;

	if ((body = cut(k->m->body, MAX_BODY)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	rc = tk_event(k->c, id, k->c->now, "mail", "message_id", NULL,
	    k->msgid[0] != '\0' ? k->msgid : NULL, body[0] != '\0' ? body :
	    NULL);
	free(body);
	return rc;
}

/* Rule 10 (and 9 with old > 0): a new ticket. */
static int
open_ticket(struct take *k, int64_t old, const char *old_ref)
{
	const struct itsm_mail_route *rt = NULL;
	struct itsm_open_args o = { 0 };
	const struct mail *m = k->m;
	char *summary = NULL, *desc = NULL, *full = NULL, ref[ITSM_REFBUF];
	size_t i, n;
	int rc;

	for (i = 0; i < k->ml->nroutes && rt == NULL; i++)
		if (route_matches(&k->ml->routes[i], k->a->to, m))
			rt = &k->ml->routes[i];
	if (old > 0) {
		n = strlen(m->body) + 128;
		if ((full = malloc(n)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		snprintf(full, n, "Follow-up of %s, closed.\n\n%s", old_ref,
		    m->body);
	}
	summary = cut(m->subject[0] != '\0' ? m->subject : "(no subject)",
	    MAX_SUMMARY);
	desc = with_left_out(k, full != NULL ? full : m->body, MAX_TEXT);
	if (summary == NULL || desc == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto done;
	}
	o.summary = summary;
	o.caller = k->caller;
	o.contact = k->contact;
	if (itsm_policy_channel_find(k->c->policy, "email", &i) == 0)
		o.channel = "email";
	o.description = desc[0] != '\0' ? desc : NULL;
	if (m->date > 0 && m->date <= k->c->now)
		o.at = m->date;
	if (rt != NULL) {
		o.type = rt->type;
		o.category = rt->category;
		o.group = rt->group;
		o.service = rt->service;
	}
	o.message_id = k->msgid[0] != '\0' ? k->msgid : NULL;
	if ((rc = itsm_ticket_open(k->c, &o, &k->r->ticket)) != 0 ||
	    (rc = store_kept(k, k->r->ticket)) != 0)
		goto done;
	if (old > 0) {
		itsm_ref_format(rt != NULL && rt->type != NULL ?
		    (enum itsm_type)itsm_type_parse(rt->type) : ITSM_INCIDENT,
		    k->r->ticket, ref);
		rc = tk_event(k->c, old, k->c->now, "mail", "follow_up", NULL,
		    ref, NULL);
	}
done:
	free(summary);
	free(desc);
	free(full);
	return rc;
}

/* Rule 5: automatic mail. */
static int
take_noise(struct take *k, int64_t id)
{
	itsm_ticket *t = NULL;
	char *note = NULL, *text;
	size_t n;
	int rc, ok = 0;

	if (id > 0) {
		if ((rc = itsm_ticket_get(k->c, id, &t)) != 0)
			return rc;
		ok = itsm_check_allowed(itsm_ticket_str(t, ITSM_F_REF),
		    itsm_ticket_str(t, ITSM_F_STATUS), ITSM_ACT_NOTE) == 0;
		itsm_ticket_free(t);
	}
	if (!ok) {
		k->r->outcome = ITSM_MAIL_DROPPED;
		k->r->ticket = 0;
		snprintf(k->r->why, sizeof(k->r->why), "%s (%s) from %.200s "
		    "about no ticket that takes notes: dropped",
		    mail_kind_name(k->m->kind), k->m->kind_why,
		    k->m->from_addr);
		return record(k, 0);
	}
	k->r->outcome = ITSM_MAIL_NOISE;
	k->r->ticket = id;
	text = k->m->reply[0] != '\0' ? k->m->reply : k->m->subject;
	n = strlen(text) + 128;
	if ((note = malloc(n)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	snprintf(note, n, "[%s (%s)] %s", mail_kind_name(k->m->kind),
	    k->m->kind_why, text);
	if ((text = cut(note, MAX_TEXT)) == NULL) {
		free(note);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	if ((rc = record(k, id)) == 0)
		rc = tk_caller_note(k->c, id, text);
	free(note);
	free(text);
	return rc;
}

/* Rules 6 to 9: a reply to ticket id. */
static int
take_reply(struct take *k, int64_t id)
{
	itsm_ticket *t = NULL;
	const char *status;
	char ref[ITSM_REFBUF], *reply;
	int64_t closed;
	int rc;

	if ((rc = itsm_ticket_get(k->c, id, &t)) != 0)
		return rc;
	status = itsm_ticket_str(t, ITSM_F_STATUS);
	snprintf(ref, sizeof(ref), "%s", itsm_ticket_str(t, ITSM_F_REF));
	closed = itsm_ticket_int(t, ITSM_F_CLOSED_AT);
	k->r->ticket = id;
	if (strcmp(status, "resolved") == 0)
		k->r->outcome = confirms(k->ml, k->m->reply) ?
		    ITSM_MAIL_CONFIRMED : ITSM_MAIL_REJECTED;
	else if (itsm_status_open(status))
		k->r->outcome = ITSM_MAIL_NOTED;
	else if (strcmp(status, "closed") == 0 &&
	    k->c->now - closed < k->ml->reopen_age &&
	    tk_need_role(k->c, ITSM_ROLE_MANAGER, "reopening") == 0)
		k->r->outcome = ITSM_MAIL_REOPENED;
	else
		k->r->outcome = ITSM_MAIL_FOLLOW_UP;
	itsm_ticket_free(t);
	if (k->r->outcome == ITSM_MAIL_FOLLOW_UP) {
		k->r->old = id;
		return open_ticket(k, id, ref);
	}
	if ((reply = with_left_out(k, k->m->reply[0] != '\0' ? k->m->reply :
	    "(an empty reply)", MAX_TEXT)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	if ((rc = record(k, id)) != 0 || (rc = keep_body(k, id)) != 0)
		goto done;
	switch (k->r->outcome) {
	case ITSM_MAIL_CONFIRMED:
		rc = itsm_ticket_close(k->c, id, k->caller, 0, reply, 0);
		break;
	case ITSM_MAIL_REJECTED:
		rc = itsm_ticket_reject(k->c, id, reply, 0);
		break;
	case ITSM_MAIL_REOPENED:
		rc = itsm_ticket_reopen(k->c, id, reply, 0);
		break;
	default:
		rc = tk_caller_note(k->c, id, reply);
		break;
	}
	if (rc == 0)
		rc = store_kept(k, id);
done:
	free(reply);
	return rc;
}

/* The ref of ticket id (0: none) into buf, as the transaction sees it. */
static int
ref_of(itsm_ctx *c, int64_t id, char *buf)
{
	itsm_ticket *t = NULL;
	int rc;

	buf[0] = '\0';
	if (id <= 0)
		return 0;
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		return rc;
	snprintf(buf, ITSM_REFBUF, "%s", itsm_ticket_str(t, ITSM_F_REF));
	itsm_ticket_free(t);
	return 0;
}

/* The decision, inside the transaction. */
static int
take(struct take *k)
{
	int64_t id;
	const char *how;
	int rc, over;

	if (k->msgid[0] != '\0') {
		if ((rc = store_message_ticket(k->c->store, k->msgid,
		    &id)) != 0)
			return rc;
		if (id >= 0) {
			k->r->outcome = ITSM_MAIL_DUPLICATE;
			k->r->ticket = id;
			snprintf(k->r->why, sizeof(k->r->why), "message %.300s "
			    "is recorded already", k->msgid);
			return 0;
		}
	}
	if ((rc = rate_count(k->c, k->ml, k->m->from_addr, &over)) != 0)
		return rc;
	if (over) {
		k->r->outcome = ITSM_MAIL_LIMITED;
		snprintf(k->r->why, sizeof(k->r->why), "%.200s is past the "
		    "rate limit (%d messages in %lld s): dropped",
		    k->m->from_addr, k->ml->rate_messages,
		    (long long)k->ml->rate_period);
		return record(k, 0);
	}
	if ((rc = thread_of(k->c, k->m, &id, &how)) != 0)
		return rc;
	if (k->m->kind != MAIL_NORMAL)
		return take_noise(k, id);
	if ((rc = pick_attachments(k)) != 0)
		return rc;
	if (id > 0)
		return take_reply(k, id);
	k->r->outcome = ITSM_MAIL_OPENED;
	return open_ticket(k, 0, NULL);
}

int
itsm_mail_take(itsm_ctx *c, const char *buf, size_t len, size_t size,
    const struct itsm_mail_args *a, struct itsm_mail_result *r)
{
	static const struct itsm_mail_args none;
	const struct itsm_mail_policy *ml = itsm_policy_mail_in(c->policy);
	struct mail_options o = { 0 };
	struct take k = { .c = c, .ml = ml, .a = a != NULL ? a : &none,
	    .r = r };
	char host[256], *caller = NULL, *contact = NULL;
	struct tag tg;
	int rc;

	memset(r, 0, sizeof(*r));
	r->kind = "normal";
	if (size > ml->max_size)
		return itsm_error(ITSM_E_INVALID, "message too big: %zu bytes, "
		    "the limit is %zu", size, ml->max_size);
	tag_marks(ml->subject_tag, &tg);
	o.max_size = ml->max_size;
	o.own_domain = notify_domain(ml, host, sizeof(host));
	o.tag_open = tg.open;
	o.tag_close = tg.close;
	if ((rc = mail_parse(&k.m, buf, len, &o)) != 0)
		return rc;
	r->kind = mail_kind_name(k.m->kind);
	caller = cut(k.m->from_name[0] != '\0' ? k.m->from_name :
	    k.m->from_addr, MAX_NAME);
	contact = cut(k.m->reply_to[0] != '\0' ? k.m->reply_to :
	    k.m->from_addr, MAX_NAME);
	if (caller == NULL || contact == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto out;
	}
	k.caller = caller;
	k.contact = contact;
	if (k.m->message_id[0] != '\0' &&
	    strlen(k.m->message_id) + 3 <= sizeof(k.msgid))
		snprintf(k.msgid, sizeof(k.msgid), "<%s>", k.m->message_id);
	/*
	 * The caller acts; a store that knows who connects (PostgreSQL)
	 * lets only an admin name another actor: then the login acts.
	 */
	if ((rc = itsm_ctx_set_actor(c, caller)) != 0 && rc != ITSM_E_PERM)
		goto out;
	if ((rc = itsm_store_begin(c->store)) != 0)
		goto out;
	if ((rc = take(&k)) == 0 && (rc = ref_of(c, r->ticket, r->ref)) == 0)
		rc = ref_of(c, r->old, r->old_ref);
	if (rc != 0 || k.a->dry_run ||
	    r->outcome == ITSM_MAIL_DUPLICATE) {
		itsm_store_rollback(c->store);
		hook_clear(c);
	} else if ((rc = itsm_store_commit(c->store)) != 0) {
		hook_clear(c);
	}
out:
	free(k.keep);
	free(k.left_out);
	mail_free(k.m);
	free(caller);
	free(contact);
	return rc;
}

/*
 * libFuzzer target: incoming mail.  The input is parsed as a message
 * (lib/mail.c, with GMime); what parses must come out as valid UTF-8
 * without NUL, with a reply no longer than its body and a SHA-256 per
 * attachment.  The input made valid UTF-8 also goes through the HTML
 * renderer and the format=flowed joining (which must keep it valid) and
 * the reply stripping.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless s is valid UTF-8 (mail_utf8 leaves it as it is). */
static void
valid(const char *what, const char *s)
{
	char *u;

	if (s == NULL || (u = mail_utf8(s, strlen(s))) == NULL) {
		fprintf(stderr, "%s: NULL\n", what);
		abort();
	}
	if (strcmp(u, s) != 0) {
		fprintf(stderr, "%s: not valid UTF-8: '%s'\n", what, s);
		abort();
	}
	free(u);
}

static void
check(const struct mail *m)
{
	size_t i;

	valid("from_name", m->from_name);
	valid("from_addr", m->from_addr);
	valid("reply_to", m->reply_to);
	valid("subject", m->subject);
	valid("message_id", m->message_id);
	valid("in_reply_to", m->in_reply_to);
	valid("body", m->body);
	valid("reply", m->reply);
	valid("kind_why", m->kind_why);
	for (i = 0; i < m->nto; i++)
		valid("to", m->to[i]);
	for (i = 0; i < m->ncc; i++)
		valid("cc", m->cc[i]);
	for (i = 0; i < m->nreferences; i++)
		valid("references", m->references[i]);
	for (i = 0; i < m->nattachments; i++) {
		valid("attachment name", m->attachments[i].name);
		valid("attachment type", m->attachments[i].type);
		valid("attachment content id", m->attachments[i].content_id);
		if (strlen(m->attachments[i].sha256) != 64) {
			fprintf(stderr, "attachment %zu: no SHA-256\n", i);
			abort();
		}
	}
	if (strlen(m->reply) > strlen(m->body) || m->date < 0 || m->tag < 0) {
		fprintf(stderr, "reply longer than body, or negative date\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_options o = { .max_size = 1 << 20,
	    .own_domain = "itsm.example.org" };
	struct mail *m = NULL;
	char *s, *t;

	if (mail_parse(&m, (const char *)data, size, &o) == 0) {
		check(m);
		mail_free(m);
	}
	/* The text rules take what the parser gives them: UTF-8. */
	if ((s = mail_utf8((const char *)data, size)) == NULL)
		return 0;
	if ((t = mail_html_text(s)) != NULL)
		valid("html", t);
	free(t);
	free(mail_strip_reply(s));
	if ((t = mail_unflow(s, size > 0 && data[0] & 1)) != NULL)
		valid("unflow", t);
	free(t);
	free(s);
	return 0;
}

/*
 * Unit tests of the mail gateway (lib/intake.c, itsm_mail_take): a new
 * message opens a ticket with its Message-ID recorded; a reply by the
 * tag is a note; a second delivery and a dry run record nothing and
 * leave nothing to deliver; the confirm words end where a word ends; a
 * refusal writes nothing; automatic mail about no ticket is recorded
 * without one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/itsm.h"
#include "itsm/mail.h"
#include "policy_default.h"
#include "store_int.h"
#include "store_outbox.h"
#include "ticket_int.h"

#include "fixture.h"

/* The fixture with a mail section (confirm: yes, oui) and a clock. */
static int
setup_mail(void **state)
{
	static const char more[] = "\nmail:\n  from: desk@example.org\n"
	    "  domain: itsm.example.org\n  confirm: [\"yes\", oui]\n"
	    "  rate_limit: {messages: 3, per: 1h}\n";
	size_t n = strlen(itsm_default_policy_yaml);
	struct fx *f;
	char *text;
	int64_t now = 0;

	if (setup(state) != 0)
		return -1;
	f = *state;
	if ((text = malloc(n + sizeof(more))) == NULL)
		return -1;
	memcpy(text, itsm_default_policy_yaml, n);
	memcpy(text + n, more, sizeof(more));
	itsm_ctx_free(f->ctx);
	itsm_policy_free(f->policy);
	f->ctx = NULL;
	f->policy = NULL;
	if (itsm_policy_load_text(&f->policy, "mail", text, strlen(text)) != 0 ||
	    itsm_ctx_new(&f->ctx, f->store, f->policy) != 0 ||
	    itsm_time_parse("2026-11-28T09:00:00Z", 0, &now) != 0) {
		free(text);
		return -1;
	}
	free(text);
	itsm_ctx_set_hooks(f->ctx, 0);
	itsm_ctx_set_now(f->ctx, now);
	return 0;
}

/* A message from "Ann <ann@example.org>" into buf. */
static const char *
message(char *buf, size_t len, const char *id, const char *subject,
    const char *extra, const char *body)
{
	snprintf(buf, len, "From: Ann <ann@example.org>\r\nTo: "
	    "desk@example.org\r\nSubject: %s\r\nMessage-ID: <%s@example.com>"
	    "\r\n%s\r\n%s\r\n", subject, id, extra, body);
	return buf;
}

static int
take(struct fx *f, const char *m, int dry, struct itsm_mail_result *r)
{
	struct itsm_mail_args a = { .dry_run = dry };

	return itsm_mail_take(f->ctx, m, strlen(m), strlen(m), &a, r);
}

static int64_t
msg_ticket(struct fx *f, const char *id)
{
	int64_t tk = 99;

	assert_int_equal(store_message_ticket(f->store, id, &tk), 0);
	return tk;
}

static void
test_open_then_note(void **state)
{
	struct fx *f = *state;
	struct itsm_mail_result r;
	itsm_ticket *t = NULL;
	char m[1024];

	assert_int_equal(take(f, message(m, sizeof(m), "a", "Printer down",
	    "", "It jams."), 0, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_OPENED);
	assert_string_equal(r.ref, "INC-1");
	assert_int_equal(msg_ticket(f, "<a@example.com>"), 1);
	assert_int_equal(itsm_ticket_get(f->ctx, 1, &t), 0);
	assert_string_equal(itsm_ticket_str(t, ITSM_F_CALLER), "Ann");
	assert_string_equal(itsm_ticket_str(t, ITSM_F_CONTACT),
	    "ann@example.org");
	assert_string_equal(itsm_ticket_str(t, ITSM_F_CHANNEL), "email");
	assert_string_equal(itsm_ticket_str(t, ITSM_F_DESCRIPTION), "It jams.");
	itsm_ticket_free(t);
	/* The acknowledgement is waiting to be delivered. */
	assert_int_equal(f->ctx->noutbox, 1);
	free(f->ctx->outbox);
	f->ctx->outbox = NULL;
	f->ctx->noutbox = 0;

	assert_int_equal(take(f, message(m, sizeof(m), "b",
	    "Re: [inc-1] Printer down", "", "Still."), 0, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_NOTED);
	assert_int_equal(r.ticket, 1);
	assert_int_equal(msg_ticket(f, "<b@example.com>"), 1);
	assert_int_equal(f->ctx->noutbox, 0);
	assert_int_equal(itsm_ticket_get(f->ctx, 1, &t), 0);
	assert_string_equal(itsm_ticket_str(t, ITSM_F_STATUS), "new");
	assert_null(itsm_ticket_str(t, ITSM_F_RESPONDED_AT));
	itsm_ticket_free(t);
}

static void
test_duplicate_and_dry_run(void **state)
{
	struct fx *f = *state;
	struct itsm_mail_result r;
	int64_t last;
	char m[1024];

	assert_int_equal(take(f, message(m, sizeof(m), "d", "Dry", "", "x"),
	    1, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_OPENED);
	assert_string_equal(r.ref, "INC-1");
	assert_int_equal(msg_ticket(f, "<d@example.com>"), -1);
	assert_int_equal(store_last_event_id(f->store), 0);
	assert_int_equal(f->ctx->noutbox, 0);
	assert_int_equal(f->ctx->nhookq, 0);

	assert_int_equal(take(f, m, 0, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_OPENED);
	free(f->ctx->outbox);
	f->ctx->outbox = NULL;
	f->ctx->noutbox = 0;
	last = store_last_event_id(f->store);
	assert_int_equal(take(f, m, 0, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_DUPLICATE);
	assert_int_equal(r.ticket, 1);
	assert_int_equal(store_last_event_id(f->store), last);
	assert_int_equal(f->ctx->noutbox, 0);
}

static void
test_confirm_words(void **state)
{
	static const struct {
		const char *reply;
		enum itsm_mail_outcome want;
	} cases[] = {
		{ "Yes, it works", ITSM_MAIL_CONFIRMED },
		{ "\n\n  oui", ITSM_MAIL_CONFIRMED },
		{ "OUI!", ITSM_MAIL_CONFIRMED },
		{ "Yesterday it failed", ITSM_MAIL_REJECTED },
		{ "ouiiii", ITSM_MAIL_REJECTED },
		{ "Non, toujours pas. oui?", ITSM_MAIL_REJECTED },
	};
	struct fx *f = *state;
	struct itsm_mail_result r;
	struct itsm_open_args o = { .summary = "s", .caller = "Ann",
	    .impact = "low", .urgency = "low" };
	char m[1024], id[16], subj[64];
	int64_t tid;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* An hour apart: Ann's rate limit is 3 an hour. */
		itsm_ctx_set_now(f->ctx, itsm_ctx_now(f->ctx) + 3600);
		assert_int_equal(itsm_ticket_open(f->ctx, &o, &tid), 0);
		assert_int_equal(itsm_ticket_resolve(f->ctx, tid, 1, NULL,
		    "fixed", 0), 0);
		snprintf(id, sizeof(id), "c%zu", i);
		snprintf(subj, sizeof(subj), "Re: [INC-%lld] s",
		    (long long)tid);
		assert_int_equal(take(f, message(m, sizeof(m), id, subj, "",
		    cases[i].reply), 0, &r), 0);
		assert_int_equal(r.outcome, cases[i].want);
		assert_int_equal(r.ticket, tid);
	}
}

static void
test_refusals_write_nothing(void **state)
{
	struct fx *f = *state;
	struct itsm_mail_result r;
	struct itsm_mail_args a = { 0 };
	const char *bad = "just some text\n";
	char m[1024];

	assert_int_equal(itsm_mail_take(f->ctx, bad, strlen(bad), strlen(bad),
	    &a, &r), ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "not a mail: no header at the "
	    "start");
	message(m, sizeof(m), "big", "s", "", "x");
	assert_int_equal(itsm_mail_take(f->ctx, m, strlen(m), 20 << 20, &a,
	    &r), ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "message too big: 20971520 bytes, "
	    "the limit is 10485760");
	assert_int_equal(store_last_event_id(f->store), 0);
	assert_int_equal(msg_ticket(f, "<big@example.com>"), -1);
}

static void
test_noise_and_rate(void **state)
{
	struct fx *f = *state;
	struct itsm_mail_result r;
	char m[1024], id[16];
	int i;

	assert_int_equal(take(f, message(m, sizeof(m), "ooo", "Out of office",
	    "Auto-Submitted: auto-replied\r\n", "Away"), 0, &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_DROPPED);
	assert_string_equal(r.kind, "auto-reply");
	assert_int_equal(msg_ticket(f, "<ooo@example.com>"), 0);
	assert_int_equal(store_last_event_id(f->store), 0);
	/* The out-of-office counted: two more, then the limit (3 an hour). */
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		assert_int_equal(take(f, message(m, sizeof(m), id, "hi", "",
		    "x"), 0, &r), 0);
		assert_int_equal(r.outcome, i < 2 ? ITSM_MAIL_OPENED :
		    ITSM_MAIL_LIMITED);
	}
	assert_int_equal(msg_ticket(f, "<r2@example.com>"), 0);
	itsm_ctx_set_now(f->ctx, itsm_ctx_now(f->ctx) + 3600);
	assert_int_equal(take(f, message(m, sizeof(m), "r3", "hi", "", "x"), 0,
	    &r), 0);
	assert_int_equal(r.outcome, ITSM_MAIL_OPENED);
}

int
main(void)
{
	/* What the GMime start does: whatever the caller's locale. */
	setenv("LC_ALL", "C.UTF-8", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_then_note,
		    setup_mail, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_and_dry_run,
		    setup_mail, teardown),
		cmocka_unit_test_setup_teardown(test_confirm_words,
		    setup_mail, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_write_nothing,
		    setup_mail, teardown),
		cmocka_unit_test_setup_teardown(test_noise_and_rate,
		    setup_mail, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

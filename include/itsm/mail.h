/*
 * Incoming mail: one message, as an MTA delivers it, turned into a new
 * ticket, a note, a confirmation or a rejection, or dropped
 * (itsm-mail(1) has the rules).
 */
#ifndef ITSM_MAIL_H
#define ITSM_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/ref.h"
#include "itsm/ticket.h"

/* What became of a message. */
enum itsm_mail_outcome {
	ITSM_MAIL_OPENED,	/* a new ticket */
	ITSM_MAIL_FOLLOW_UP,	/* a new ticket, following up a closed one */
	ITSM_MAIL_NOTED,	/* a note by the caller on its ticket */
	ITSM_MAIL_CONFIRMED,	/* the caller confirmed: closed */
	ITSM_MAIL_REJECTED,	/* the caller did not confirm: back to work */
	ITSM_MAIL_REOPENED,	/* a reply to a ticket closed lately */
	ITSM_MAIL_NOISE,	/* automatic mail, noted on its ticket */
	ITSM_MAIL_DROPPED,	/* automatic mail about no ticket */
	ITSM_MAIL_LIMITED,	/* the sender is past the rate limit */
	ITSM_MAIL_DUPLICATE	/* its Message-ID was recorded already */
};

struct itsm_mail_args {
	const char *to;		/* the envelope recipient; NULL: none */
	int dry_run;		/* decide, say, change nothing */
};

struct itsm_mail_result {
	enum itsm_mail_outcome outcome;
	int64_t ticket;		/* the ticket it went to; 0: none */
	int64_t old;		/* the closed ticket followed up; 0: none */
	char ref[ITSM_REFBUF], old_ref[ITSM_REFBUF];	/* "": none */
	const char *kind;	/* "normal", "auto-reply", "bulk", ... */
	char why[512];		/* the reason, for the log line */
};

/*
 * Takes one message: len bytes of buf, the first of size bytes read (a
 * message larger than the policy's max_size is refused without being
 * kept whole).  Everything it records is one transaction.  A refusal
 * (not a mail, too big) is ITSM_E_INVALID with a one-line reason for
 * the sender; ITSM_E_BUSY when the store is busy.
 */
int itsm_mail_take(itsm_ctx *c, const char *buf, size_t len, size_t size,
    const struct itsm_mail_args *a, struct itsm_mail_result *r);

/* The outcome's word: "opened", "noted", ... */
const char *itsm_mail_outcome_name(enum itsm_mail_outcome o);

#endif

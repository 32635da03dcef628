/*
 * The outbox: the mail and the hook runs that operations queued in their
 * transaction, delivered once it has committed; what failed is retried
 * with backoff by itsm notify (itsm-notify(1)), and itsm outbox lists it
 * (itsm-outbox(1)).
 */
#ifndef ITSM_OUTBOX_H
#define ITSM_OUTBOX_H

#include <stdint.h>

#include "itsm/ticket.h"

/*
 * Delivers the mail the operations committed on c since the last call
 * queued (their hooks: itsm_hooks_run(); each claimed first, so that an itsm notify running meanwhile
 * does not send it too).  Each delivery that fails is reported through
 * report(arg, message), kept and retried later by itsm notify; returns
 * the number of failures.  What was committed stays committed.
 */
int itsm_outbox_flush(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg);

/*
 * Delivers every row due now, one at a time, each claimed in a
 * transaction of its own before it is sent: two runs at once never send
 * the same row.  *sent and *failed count them; a failure is reported as
 * above.  0, or an ITSM_E code when the database failed.
 */
int itsm_outbox_notify(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg, int *sent, int *failed);

/* A row of the outbox as itsm outbox lists it (texts may be NULL). */
struct itsm_outbox_entry {
	int64_t id, created_at, ticket, event;	/* ticket, event: 0 none */
	const char *kind, *name, *recipients, *message_id, *state;
	int64_t attempts, next_attempt_at, sent_at;	/* sent_at: 0 none */
	const char *last_error;
	const char *type;		/* the ticket's: incident, ... */
};

/*
 * Calls fn for each row not sent (pending, failed), or every row when
 * all, by id; fn's nonzero return stops and is returned.
 */
int itsm_outbox_list(itsm_ctx *c, int all,
    int (*fn)(void *arg, const struct itsm_outbox_entry *e), void *arg);

#endif

/*
 * Notifications (lib/notify.c): the templates of itsm.yaml(5) and the
 * mail composed from them, queued in the outbox.  Not part of the
 * public API.
 */
#ifndef ITSM_NOTIFY_INT_H
#define ITSM_NOTIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/policy.h"
#include "itsm/ticket.h"

/*
 * Checks a template: 0 when each {name} names a ticket field or one of
 * the words of the event (note, tag, managers, audience, confirm,
 * actor); else 1 with the first unknown name in bad (len bytes), or 2
 * when a brace is not closed.  "{{" and "}}" are braces themselves.
 */
int notify_template_check(const char *t, char *bad, size_t len);

/*
 * The domain of our Message-IDs: the policy's, else the host's name
 * (written into buf, len bytes).
 */
const char *notify_domain(const struct itsm_mail_policy *ml, char *buf,
    size_t len);

/* What an event says beside the ticket's fields; NULL: none. */
struct notify_words {
	const char *note;		/* the action's message */
	const char *managers;		/* "Ann, Bob" */
	const char *audience;		/* a major's audience */
	const char *actor;
};

/*
 * Queues, in the caller's transaction, the notification of event e about
 * ticket id (as it is now, after the action): one mail per recipient
 * list.  Nothing when the policy has no mail section or no such
 * notification.  to_override (NULL: the notification's own) names the
 * addresses for managers and audiences.  *queued (may be NULL) gets the
 * number of messages queued.
 */
struct itsm_ctx;
int notify_queue(struct itsm_ctx *c, int64_t id, int64_t event,
    enum itsm_notify_event e, const struct notify_words *w,
    const char *const *addresses, size_t naddresses, int *queued);

#endif

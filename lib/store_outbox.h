/*
 * What lib/outbox.c asks of the store's engine about the outbox and the
 * Message-IDs (see struct engine_outbox in engine.h).  Not part of the
 * public API.
 */
#ifndef ITSM_STORE_OUTBOX_H
#define ITSM_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

static inline int
store_outbox_queue(itsm_store *s, const struct store_outbox_new *o,
    int64_t *id)
{
	return s->engine->outbox->queue(s, o, id);
}

/* Claims row id (> 0) or up to limit due rows; see engine.h. */
static inline int
store_outbox_claim(itsm_store *s, int64_t id, int64_t now, int64_t lease,
    size_t limit, struct store_outbox_row **rows, size_t *n)
{
	return s->engine->outbox->claim(s, id, now, lease, limit, rows, n);
}

static inline int
store_outbox_sent(itsm_store *s, int64_t id, int64_t at)
{
	return s->engine->outbox->sent(s, id, at);
}

static inline int
store_outbox_failed(itsm_store *s, int64_t id, const char *why,
    int64_t next_at, int give_up)
{
	return s->engine->outbox->failed(s, id, why, next_at, give_up);
}

static inline int
store_outbox_list(itsm_store *s, int all, struct store_rows **out)
{
	return s->engine->outbox->list(s, all, out);
}

static inline int
store_message_add(itsm_store *s, const char *message_id, int64_t ticket,
    const char *direction, int64_t at, int *added)
{
	return s->engine->outbox->message_add(s, message_id, ticket,
	    direction, at, added);
}

static inline int
store_message_ticket(itsm_store *s, const char *message_id,
    int64_t *ticket)
{
	return s->engine->outbox->message_ticket(s, message_id, ticket);
}

/* The first Message-ID of ticket; *out NULL when none, else to free(). */
static inline int
store_thread(itsm_store *s, int64_t ticket, char **out)
{
	return s->engine->outbox->thread(s, ticket, out);
}

#endif

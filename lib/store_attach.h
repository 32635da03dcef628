/*
 * What the domain asks of the store's engine about the attachments of
 * incoming mail (see struct engine_attachments in engine.h).  Not part
 * of the public API.
 */
#ifndef ITSM_STORE_ATTACH_H
#define ITSM_STORE_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

static inline int
store_attachment_add(itsm_store *s, const struct store_attachment_new *a,
    int64_t *id, int *blob_added)
{
	return s->engine->attachments->add(s, a, id, blob_added);
}

/* id, name, type, size, sha256, is_inline, at, message_id, event. */
static inline int
store_attachments(itsm_store *s, int64_t ticket, struct store_rows **out)
{
	return s->engine->attachments->list(s, ticket, out);
}

static inline int
store_blob(itsm_store *s, const char *sha256, unsigned char **data,
    size_t *size)
{
	return s->engine->attachments->blob(s, sha256, data, size);
}

#endif

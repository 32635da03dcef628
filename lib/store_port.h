/*
 * What imports ask of the store (lib/import.c, lib/import_json.c): the
 * engine's port ops (engine.h) behind small wrappers.  Not part of the
 * public API.
 */
#ifndef ITSM_STORE_PORT_H
#define ITSM_STORE_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "store_int.h"

static inline int
store_import_ticket(itsm_store *s, const struct store_value *col, char *why,
    size_t len)
{
	return s->engine->port->import_ticket(s, col, why, len);
}

static inline int
store_import_event(itsm_store *s, int64_t id, const struct store_value *col,
    char *why, size_t len)
{
	return s->engine->port->import_event(s, id, col, why, len);
}

static inline int
store_import_crisis(itsm_store *s, int64_t id, const struct store_crisis *c,
    char *why, size_t len)
{
	return s->engine->port->import_crisis(s, id, c, why, len);
}

static inline int
store_import_exists(itsm_store *s, int64_t id, int *found)
{
	return s->engine->port->import_exists(s, id, found);
}

static inline int
store_bulk(itsm_store *s)
{
	return s->engine->port->bulk(s);
}

static inline int
store_import_flush(itsm_store *s, char *why, size_t len)
{
	return s->engine->port->import_flush(s, why, len);
}

static inline void
store_import_mark(itsm_store *s, int64_t mark)
{
	s->engine->port->import_mark(s, mark);
}

static inline int64_t
store_import_refused(itsm_store *s)
{
	return s->engine->port->import_refused(s);
}

static inline int
store_defer_foreign_keys(itsm_store *s)
{
	return s->engine->port->defer_foreign_keys(s);
}

#endif

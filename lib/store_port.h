/*
 * The SQL of imports, for lib/import.c.  Not part of the public API.
 */
#ifndef ITSM_STORE_PORT_H
#define ITSM_STORE_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

/*
 * Imports one line of itsm's JSON Lines: the ticket (with its id), its
 * events and its dossier.  ITSM_E_INVALID with why set when the line is
 * not one; *events counts the events.
 */
int store_import_json(itsm_store *s, const char *line, size_t *events,
    char *why, size_t len);

/*
 * The parent that the line names and that no ticket has (yet): 0 when
 * there is none or it exists.  A later line may still bring it.
 */
int store_import_parent(itsm_store *s, const char *line, int64_t *parent);

/* Whether ticket id exists. */
int store_import_exists(itsm_store *s, int64_t id, int *found);

/* Sizes the page cache for a bulk write (128 MiB, freed at close). */
int store_bulk(itsm_store *s);

/* Lets a child refer to a parent imported later in the transaction. */
int store_defer_foreign_keys(itsm_store *s);

#endif

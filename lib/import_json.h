/*
 * itsm's JSON Lines read back, for lib/import.c.  Not part of the public
 * API.
 */
#ifndef ITSM_IMPORT_JSON_H
#define ITSM_IMPORT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "store_port.h"

/* What reading lines needs from one line to the next. */
struct import_json {
	struct store_value (*ev)[IE_N];	/* the events of the line */
	size_t nev, capev;
	struct store_value *list[3];	/* its roster, findings, actions */
	size_t caplist[3];		/* ... in values */
};

void import_json_init(struct import_json *j);
void import_json_free(struct import_json *j);

/*
 * Imports one line of len bytes: the ticket (with its id), its events and
 * its dossier.  ITSM_E_INVALID with why set when the line is not one;
 * *events counts the events; *id is the ticket's; *parent is the parent
 * the line names, else 0, and *missing 1 when no ticket has that id
 * (yet).
 */
int import_json_line(itsm_store *s, struct import_json *j, const char *line,
    size_t linelen, size_t *events, int64_t *id, int64_t *parent,
    int *missing, char *why, size_t len);

#endif

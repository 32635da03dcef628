/*
 * The SQL of imports, for lib/import.c and lib/import_json.c.  Not part
 * of the public API.
 */
#ifndef ITSM_STORE_PORT_H
#define ITSM_STORE_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

/*
 * A value read from an import, as SQLite's json_extract() would give it:
 * NULL, an integer (true and false are 1 and 0), a real, or a text (an
 * array or an object is its JSON text).  s is not owned.
 */
struct imp_value {
	enum { IMP_NULL, IMP_INT, IMP_REAL, IMP_TEXT } type;
	int64_t i;
	double r;
	const char *s;
	size_t len;
};

/* The columns of a ticket, in the order store_import_ticket binds them. */
enum imp_col {
	IC_ID, IC_TYPE, IC_STATUS, IC_SUMMARY, IC_DESCRIPTION, IC_CALLER,
	IC_AFFECTED, IC_CHANNEL, IC_CONTACT, IC_SERVICE, IC_CATEGORY,
	IC_SUBCATEGORY, IC_IMPACT, IC_URGENCY, IC_PRIORITY, IC_PRIORITY_RANK,
	IC_MAJOR, IC_TIER, IC_GROUP, IC_ASSIGNEE, IC_OPENED_AT, IC_UPDATED_AT,
	IC_RESPONDED_AT, IC_RESOLVED_AT, IC_CLOSED_AT, IC_RESPONSE_DUE,
	IC_RESOLUTION_DUE, IC_RESOLUTION_TYPE, IC_RESOLUTION_CODE,
	IC_RESOLUTION_NOTES, IC_SATISFACTION, IC_REOPEN_COUNT,
	IC_REASSIGNMENT_COUNT, IC_PARENT, IC_STAGNANT_ESCALATED_AT,
	IC_BREACH_ESCALATED_AT, IC_AUTO_CLOSED, IC_HOLD_REASON, IC_EXT_REF,
	IC_N
};

/* The columns of an event, in the order store_import_event binds them. */
enum imp_ecol {
	IE_AT, IE_RECORDED_AT, IE_ACTOR, IE_LOGIN, IE_KIND, IE_FIELD, IE_OLD,
	IE_NEW, IE_MESSAGE, IE_N
};

/*
 * Inserts a ticket.  ITSM_E_INVALID with why set when the database
 * refuses it (a constraint: the ticket exists, a status it does not
 * know, ...).
 */
int store_import_ticket(itsm_store *s, const struct imp_value *col,
    char *why, size_t len);

/* Inserts one event of ticket id; ITSM_E_INVALID as above. */
int store_import_event(itsm_store *s, int64_t id, const struct imp_value *col,
    char *why, size_t len);

/*
 * Inserts the major-incident dossier of the line (its "crisis" object)
 * for ticket id; ITSM_E_INVALID as above.
 */
int store_import_crisis(itsm_store *s, const char *line, int64_t id,
    char *why, size_t len);

/*
 * What SQLite makes of v as a time (unixepoch()): *set is 0 when it makes
 * nothing of it.
 */
int store_unixepoch(itsm_store *s, const struct imp_value *v, int64_t *t,
    int *set);

/* Whether ticket id exists. */
int store_import_exists(itsm_store *s, int64_t id, int *found);

/* Sizes the page cache for a bulk write (6 MiB, freed at close). */
int store_bulk(itsm_store *s);

/* Lets a child refer to a parent imported later in the transaction. */
int store_defer_foreign_keys(itsm_store *s);

#endif

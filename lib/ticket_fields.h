/*
 * The one table of a ticket's fields, in key order: the fields of the
 * ticket object (ITSM_TICKET_FIELDS, include/itsm/ticket.h: enum
 * itsm_field), then the ones a user does not see in it (TK_STORE_FIELDS
 * here: enum store_field, store_int.h).  From it come the names
 * (--fields, the JSON object, history), the kinds, the members export
 * writes and import reads, and the columns an import inserts; an engine
 * maps the same keys to its own storage (lib/store_columns.h, for
 * both SQL engines).
 *
 * X(key, name, kind, flags): flags ITSM_FF_COMPUTED (not stored: the
 * ref), TKF_STORE (export writes it in the line's "store" object, import
 * reads it from there as "store.<name>"), TKF_READONLY (the engine
 * computes it: never written, not exported as a field).  Every field of
 * the ticket object is written by export in that object; import reads
 * the ones not computed (TK_IMPORTED).
 *
 * Adding a field: its line here (or in ITSM_TICKET_FIELDS when users see
 * it), its column in each engine with a migration, the man pages, the
 * tests.  Not part of the public API.
 */
#ifndef ITSM_TICKET_FIELDS_H
#define ITSM_TICKET_FIELDS_H

#include "itsm/ticket.h"

#define TKF_STORE	2
#define TKF_READONLY	4

/* The stored fields a user does not see, in export's "store" order. */
#define TK_STORE_FIELDS(X) \
	X(SK_EXT_REF, "ext_ref", ITSM_FK_TEXT, TKF_STORE) \
	X(SK_PRIORITY_RANK, "priority_rank", ITSM_FK_INT, TKF_STORE) \
	X(SK_STAGNANT_ESCALATED_AT, "stagnant_escalated_at", ITSM_FK_TIME, \
	    TKF_STORE) \
	X(SK_BREACH_ESCALATED_AT, "breach_escalated_at", ITSM_FK_TIME, \
	    TKF_STORE) \
	X(SK_AUTO_CLOSED, "auto_closed", ITSM_FK_BOOL, TKF_STORE) \
	X(SK_HOLD_REASON, "hold_reason", ITSM_FK_TEXT, TKF_STORE) \
	X(SK_CRISIS, "crisis", ITSM_FK_BOOL, TKF_READONLY)

/* Every key: the ticket object's, then the others. */
#define TK_FIELDS(X) ITSM_TICKET_FIELDS(X) TK_STORE_FIELDS(X)

/* How many fields TK_STORE_FIELDS has. */
#define TK_ONE_(key, name, kind, flags) + 1
#define TK_NSTORE_FIELDS (0 TK_STORE_FIELDS(TK_ONE_))

/* Whether import reads a key of these flags (and an engine inserts it). */
#define TK_IMPORTED(key, flags) \
	((int)(key) < (int)ITSM_NFIELDS ? !((flags) & ITSM_FF_COMPUTED) : \
	    ((flags) & TKF_STORE) != 0)

#endif

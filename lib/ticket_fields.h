/*
 * The one table of a ticket's fields, in key order: the fields of enum
 * itsm_field (the ticket object's members, in its order), then the ones
 * a user does not see in it (enum store_field, store_int.h).  From it come
 * the names (--fields, the JSON object, history, export members) and the
 * kinds; an engine maps the same keys to its own storage
 * (lib/sqlite/sqlite_columns.h for SQLite).
 *
 * X(key, name, kind, flags): flags TKF_SHOWN (a member of the ticket
 * object), TKF_COMPUTED (not stored: the ref, from the id and the type).
 * Adding a field: a line here (and its enum value), its column in each
 * engine with a migration, the man pages, the tests.
 *
 * Include after store_int.h.  Not part of the public API.
 */
#ifndef ITSM_TICKET_FIELDS_H
#define ITSM_TICKET_FIELDS_H

#define TKF_SHOWN	1
#define TKF_COMPUTED	2

#define TK_FIELDS(X) \
	X(ITSM_F_ID, "id", ITSM_FK_INT, TKF_SHOWN) \
	X(ITSM_F_REF, "ref", ITSM_FK_TEXT, TKF_SHOWN | TKF_COMPUTED) \
	X(ITSM_F_TYPE, "type", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_STATUS, "status", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_SUMMARY, "summary", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_DESCRIPTION, "description", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_CALLER, "caller", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_AFFECTED, "affected", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_CHANNEL, "channel", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_CONTACT, "contact", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_SERVICE, "service", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_CATEGORY, "category", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_SUBCATEGORY, "subcategory", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_IMPACT, "impact", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_URGENCY, "urgency", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_PRIORITY, "priority", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_MAJOR, "major", ITSM_FK_BOOL, TKF_SHOWN) \
	X(ITSM_F_TIER, "tier", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_GROUP, "group", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_ASSIGNEE, "assignee", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_OPENED_AT, "opened_at", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_UPDATED_AT, "updated_at", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_RESPONDED_AT, "responded_at", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_RESOLVED_AT, "resolved_at", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_CLOSED_AT, "closed_at", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_RESPONSE_DUE, "response_due", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_RESOLUTION_DUE, "resolution_due", ITSM_FK_TIME, TKF_SHOWN) \
	X(ITSM_F_RESOLUTION_TYPE, "resolution.type", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_RESOLUTION_CODE, "resolution.code", ITSM_FK_TEXT, TKF_SHOWN) \
	X(ITSM_F_RESOLUTION_NOTES, "resolution.notes", ITSM_FK_TEXT, \
	    TKF_SHOWN) \
	X(ITSM_F_SATISFACTION, "satisfaction", ITSM_FK_INT, TKF_SHOWN) \
	X(ITSM_F_REOPEN_COUNT, "reopen_count", ITSM_FK_INT, TKF_SHOWN) \
	X(ITSM_F_REASSIGNMENT_COUNT, "reassignment_count", ITSM_FK_INT, \
	    TKF_SHOWN) \
	X(ITSM_F_PARENT, "parent", ITSM_FK_INT, TKF_SHOWN) \
	X(SK_PRIORITY_RANK, "priority_rank", ITSM_FK_INT, 0) \
	X(SK_STAGNANT_ESCALATED_AT, "stagnant_escalated_at", ITSM_FK_TIME, 0) \
	X(SK_BREACH_ESCALATED_AT, "breach_escalated_at", ITSM_FK_TIME, 0) \
	X(SK_AUTO_CLOSED, "auto_closed", ITSM_FK_BOOL, 0) \
	X(SK_HOLD_REASON, "hold_reason", ITSM_FK_TEXT, 0) \
	X(SK_EXT_REF, "ext_ref", ITSM_FK_TEXT, 0) \
	X(SK_CRISIS, "crisis", ITSM_FK_BOOL, 0)

#endif

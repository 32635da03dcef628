/*
 * The columns of a ticket's keys, for the engines that keep tickets in
 * SQL tables of the same schema (lib/sqlite/, lib/pg/): one mapping for
 * both, so that a field is added once.  Engine land: the domain never
 * includes this file.  Not part of the public API.
 */
#ifndef ITSM_STORE_COLUMNS_H
#define ITSM_STORE_COLUMNS_H

#include "store_int.h"

/*
 * X(key, column): the column (or SQL expression, for the read-only
 * SK_CRISIS) of each key of lib/ticket_fields.h but the ones computed
 * (ITSM_FF_COMPUTED: the ref).  A field added there gets its line here
 * and a migration in each engine.
 */
#define STORE_TICKET_COLUMNS(X) \
	X(ITSM_F_ID, "id") \
	X(ITSM_F_TYPE, "type") \
	X(ITSM_F_STATUS, "status") \
	X(ITSM_F_SUMMARY, "summary") \
	X(ITSM_F_DESCRIPTION, "description") \
	X(ITSM_F_CALLER, "caller") \
	X(ITSM_F_AFFECTED, "affected") \
	X(ITSM_F_CHANNEL, "channel") \
	X(ITSM_F_CONTACT, "contact") \
	X(ITSM_F_SERVICE, "service") \
	X(ITSM_F_CATEGORY, "category") \
	X(ITSM_F_SUBCATEGORY, "subcategory") \
	X(ITSM_F_IMPACT, "impact") \
	X(ITSM_F_URGENCY, "urgency") \
	X(ITSM_F_PRIORITY, "priority") \
	X(ITSM_F_MAJOR, "major") \
	X(ITSM_F_TIER, "tier") \
	X(ITSM_F_GROUP, "group_name") \
	X(ITSM_F_ASSIGNEE, "assignee") \
	X(ITSM_F_OPENED_AT, "opened_at") \
	X(ITSM_F_UPDATED_AT, "updated_at") \
	X(ITSM_F_RESPONDED_AT, "responded_at") \
	X(ITSM_F_RESOLVED_AT, "resolved_at") \
	X(ITSM_F_CLOSED_AT, "closed_at") \
	X(ITSM_F_RESPONSE_DUE, "response_due") \
	X(ITSM_F_RESOLUTION_DUE, "resolution_due") \
	X(ITSM_F_RESOLUTION_TYPE, "resolution_type") \
	X(ITSM_F_RESOLUTION_CODE, "resolution_code") \
	X(ITSM_F_RESOLUTION_NOTES, "resolution_notes") \
	X(ITSM_F_SATISFACTION, "satisfaction") \
	X(ITSM_F_REOPEN_COUNT, "reopen_count") \
	X(ITSM_F_REASSIGNMENT_COUNT, "reassignment_count") \
	X(ITSM_F_PARENT, "parent") \
	X(SK_PRIORITY_RANK, "priority_rank") \
	X(SK_STAGNANT_ESCALATED_AT, "stagnant_escalated_at") \
	X(SK_BREACH_ESCALATED_AT, "breach_escalated_at") \
	X(SK_AUTO_CLOSED, "auto_closed") \
	X(SK_HOLD_REASON, "hold_reason") \
	X(SK_EXT_REF, "ext_ref") \
	X(SK_CRISIS, "EXISTS (SELECT 1 FROM majors m WHERE m.ticket = t.id)")

#define STORE_COUNT_(key, col) + 1
#define STORE_STORED_(key, name, kind, flags) + !((flags) & ITSM_FF_COMPUTED)
_Static_assert(0 STORE_TICKET_COLUMNS(STORE_COUNT_) == 0 TK_FIELDS(STORE_STORED_),
	"every stored key has a column");
#undef STORE_COUNT_
#undef STORE_STORED_

/*
 * The tables and columns of the current schema, all of them, in a query
 * that reads nothing: the engines prepare it when they open a database
 * of this version, and one that lacks a table or a column (dropped by
 * hand, a schema rewritten) is refused then, not by a query that fails
 * later.  A column added by a migration gets its name here.
 */
#define STORE_SCHEMA_CHECK \
	"SELECT t.id, t.type, t.status, t.summary, t.description, t.caller," \
	" t.affected, t.channel, t.contact, t.service, t.category," \
	" t.subcategory, t.impact, t.urgency, t.priority, t.priority_rank," \
	" t.major, t.tier, t.group_name, t.assignee, t.opened_at, t.updated_at," \
	" t.responded_at, t.resolved_at, t.closed_at, t.response_due," \
	" t.resolution_due, t.resolution_type, t.resolution_code," \
	" t.resolution_notes, t.satisfaction, t.reopen_count," \
	" t.reassignment_count, t.parent, t.stagnant_escalated_at," \
	" t.breach_escalated_at, t.auto_closed, t.hold_reason, t.ext_ref," \
	" e.id, e.ticket, e.at, e.recorded_at, e.actor, e.login, e.kind," \
	" e.field, e.old, e.new, e.message, m.key, m.value," \
	" j.ticket, j.state, j.proposed_at, j.proposal, j.declared_at," \
	" j.declared_by, j.ended_at, j.bridge, j.root_cause," \
	" r.ticket, r.name, r.role, r.since, f.id, f.ticket, f.kind, f.text," \
	" f.at, a.ticket, a.n, a.text, a.owner, a.due, a.done_at," \
	" o.id, o.created_at, o.ticket, o.event, o.kind, o.name," \
	" o.recipients, o.message_id, o.payload, o.state, o.attempts," \
	" o.next_attempt_at, o.last_error, o.sent_at, x.message_id," \
	" x.ticket, x.direction, x.at, b.sha256, b.size, b.data, n.id," \
	" n.ticket, n.event, n.message_id, n.name, n.type, n.size, n.sha256," \
	" n.is_inline, n.at" \
	" FROM tickets t, events e, meta m, majors j, major_roster r," \
	" major_findings f, major_actions a, outbox o, mail_messages x," \
	" blobs b, attachments n" \
	" WHERE 1 = 0"

#endif

/*
 * SQL fragments shared by the store modules: times as ISO 8601, refs, the
 * ticket's columns and its JSON object built by SQLite's JSON functions.
 */
#ifndef ITSM_STORE_SQL_H
#define ITSM_STORE_SQL_H

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
#define REF "(CASE type WHEN 'request' THEN 'REQ-' WHEN 'change' THEN " \
	"'CHG-' ELSE 'INC-' END || id)"

/* The columns read for a ticket, in enum order, ref left out. */
#define COLUMNS "id, type, status, summary, description, caller, affected, " \
	"channel, contact, service, category, subcategory, impact, urgency, " \
	"priority, major, tier, group_name, assignee, opened_at, updated_at, " \
	"responded_at, resolved_at, closed_at, response_due, resolution_due, " \
	"resolution_type, resolution_code, resolution_notes, satisfaction, " \
	"reopen_count, reassignment_count, parent"

/* The JSON ticket object, built by SQLite. */
#define JSON_OBJECT "json_object('id', id, 'ref', " REF ", 'type', type, " \
	"'status', status, 'summary', summary, 'description', description, " \
	"'caller', caller, 'affected', affected, 'channel', channel, " \
	"'contact', contact, 'service', service, 'category', category, " \
	"'subcategory', subcategory, 'impact', impact, 'urgency', urgency, " \
	"'priority', priority, 'major', json(CASE major WHEN 0 THEN 'false' " \
	"ELSE 'true' END), 'tier', tier, 'group', group_name, 'assignee', " \
	"assignee, 'opened_at', " ISO("opened_at") ", 'updated_at', " \
	ISO("updated_at") ", 'responded_at', " ISO("responded_at") ", " \
	"'resolved_at', " ISO("resolved_at") ", 'closed_at', " \
	ISO("closed_at") ", 'response_due', " ISO("response_due") ", " \
	"'resolution_due', " ISO("resolution_due") ", 'resolution', " \
	"CASE WHEN resolution_type IS NULL AND resolution_code IS NULL AND " \
	"resolution_notes IS NULL THEN NULL ELSE json_object('type', " \
	"resolution_type, 'code', resolution_code, 'notes', resolution_notes) " \
	"END, 'satisfaction', satisfaction, 'reopen_count', reopen_count, " \
	"'reassignment_count', reassignment_count, 'parent', parent)"

#endif

/*
 * SQL fragments shared by the store modules: the ticket's columns.
 */
#ifndef ITSM_STORE_SQL_H
#define ITSM_STORE_SQL_H

/* The columns read for a ticket, in enum order, ref left out. */
#define COLUMNS "id, type, status, summary, description, caller, affected, " \
	"channel, contact, service, category, subcategory, impact, urgency, " \
	"priority, major, tier, group_name, assignee, opened_at, updated_at, " \
	"responded_at, resolved_at, closed_at, response_due, resolution_due, " \
	"resolution_type, resolution_code, resolution_notes, satisfaction, " \
	"reopen_count, reassignment_count, parent"

#endif

/*
 * The SQL of imports: a JSON line read by SQLite's JSON functions into a
 * ticket, its events and its major-incident dossier.
 */
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"
#include "store_int.h"
#include "store_port.h"
#include "ticket_int.h"

/* The time fields of a line, checked to be ISO 8601 when they are set. */
static const char *const time_paths[] = {
	"$.opened_at", "$.updated_at", "$.responded_at", "$.resolved_at",
	"$.closed_at", "$.response_due", "$.resolution_due",
	"$.store.stagnant_escalated_at", "$.store.breach_escalated_at", NULL
};

/*
 * The texts of a line, held to what the commands take (an import is a
 * restore, not a way around them): a JSON string of at most max bytes, at
 * least one when it is required; null or left out when it is not.
 */
static const struct {
	const char *path;
	int max, required;
} text_paths[] = {
	{ "$.summary", MAX_SUMMARY, 1 }, { "$.caller", MAX_NAME, 1 },
	{ "$.affected", MAX_NAME, 0 }, { "$.contact", MAX_NAME, 0 },
	{ "$.service", MAX_NAME, 0 }, { "$.assignee", MAX_NAME, 0 },
	{ "$.channel", MAX_NAME, 0 }, { "$.category", MAX_NAME, 0 },
	{ "$.subcategory", MAX_NAME, 0 }, { "$.group", MAX_NAME, 0 },
	{ "$.description", MAX_TEXT, 0 }, { "$.resolution.notes", MAX_TEXT, 0 },
	{ NULL, 0, 0 }
};

/* The largest id: every JSON reader reads it exactly (2^53 - 1). */
#define MAX_IMPORT_ID 9007199254740991LL

/* Checks the texts of a line and of its events. */
static int
check_texts(itsm_store *s, const char *line, char *why, size_t len)
{
	sqlite3_stmt *st;
	size_t i;
	int rc, bad;

	for (i = 0; text_paths[i].path != NULL; i++) {
		if ((rc = store_cached(s, "SELECT CASE WHEN ifnull(json_type(?1, "
		    "?2), 'null') = 'null' THEN ?4 WHEN json_type(?1, ?2) <> "
		    "'text' THEN 1 ELSE length(CAST(json_extract(?1, ?2) AS "
		    "BLOB)) NOT BETWEEN ?4 AND ?3 END", &st)) != 0)
			return rc;
		store_bind_text(st, 1, line);
		store_bind_text(st, 2, text_paths[i].path);
		store_bind_int(st, 3, text_paths[i].max);
		store_bind_int(st, 4, text_paths[i].required);
		bad = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (bad) {
			snprintf(why, len, text_paths[i].required ? "\"%s\" must "
			    "be a text of 1 to %d bytes" : "\"%s\" must be a "
			    "text of at most %d bytes, or null",
			    text_paths[i].path + 2, text_paths[i].max);
			return ITSM_E_INVALID;
		}
	}
	/* Each event: who and what, a message, times from 1970 to 9999. */
	if ((rc = store_cached(s, "SELECT 1 + key FROM json_each(?1, "
	    "'$.events') WHERE json_type(value, '$.actor') IS NOT 'text' OR "
	    "length(CAST(json_extract(value, '$.actor') AS BLOB)) NOT BETWEEN "
	    "1 AND ?2 OR json_type(value, '$.kind') IS NOT 'text' OR "
	    "length(CAST(json_extract(value, '$.kind') AS BLOB)) NOT BETWEEN "
	    "1 AND ?2 OR ifnull(json_type(value, '$.login'), 'text') <> "
	    "'text' OR length(CAST(json_extract(value, '$.login') AS BLOB)) "
	    "NOT BETWEEN 1 AND ?2 OR ifnull(json_type(value, '$.message'), "
	    "'null') NOT IN ('text', 'null') OR length(CAST(json_extract("
	    "value, '$.message') AS BLOB)) > ?3 OR "
	    "ifnull(unixepoch(json_extract(value, '$.at')), -1) < 0 OR "
	    "(json_extract(value, '$.recorded_at') IS NOT NULL AND "
	    "ifnull(unixepoch(json_extract(value, '$.recorded_at')), -1) < 0) "
	    "LIMIT 1", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, MAX_NAME);
	store_bind_int(st, 3, MAX_TEXT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(why, len, "event %lld: it needs an actor and a kind "
		    "(texts of 1 to %d bytes), a message of at most %d bytes or "
		    "none, and ISO 8601 times from 1970 to 9999",
		    (long long)sqlite3_column_int64(st, 0), MAX_NAME, MAX_TEXT);
		sqlite3_reset(st);
		return ITSM_E_INVALID;
	}
	sqlite3_reset(st);
	return 0;
}

#define T(path) "unixepoch(json_extract(?1, '" path "'))"

int
store_import_json(itsm_store *s, const char *line, size_t *events,
    char *why, size_t len)
{
	sqlite3_stmt *st;
	int64_t id;
	size_t i;
	int rc;

	*events = 0;
	why[0] = '\0';
	/* The line must be an object with a positive integer id. */
	if ((rc = store_cached(s, "SELECT json_valid(?1) AND json_type(?1) = "
	    "'object', json_type(?1, '$.id'), json_extract(?1, '$.id')",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	if (sqlite3_step(st) != SQLITE_ROW || !sqlite3_column_int(st, 0)) {
		sqlite3_reset(st);
		snprintf(why, len, "not a JSON object");
		return ITSM_E_INVALID;
	}
	/* (A number of 30 digits is JSON's "integer" but SQLite's real.) */
	if (sqlite3_column_type(st, 1) == SQLITE_NULL ||
	    strcmp((const char *)sqlite3_column_text(st, 1), "integer") != 0 ||
	    sqlite3_column_type(st, 2) != SQLITE_INTEGER ||
	    (id = sqlite3_column_int64(st, 2)) < 1) {
		sqlite3_reset(st);
		snprintf(why, len, "no positive integer \"id\"");
		return ITSM_E_INVALID;
	}
	sqlite3_reset(st);
	if (id > MAX_IMPORT_ID) {
		snprintf(why, len, "\"id\" %lld is past %lld (2^53 - 1)",
		    (long long)id, MAX_IMPORT_ID);
		return ITSM_E_INVALID;
	}
	for (i = 0; time_paths[i] != NULL; i++) {
		if ((rc = store_cached(s, "SELECT json_extract(?1, ?2) IS NOT "
		    "NULL AND unixepoch(json_extract(?1, ?2)) IS NULL, "
		    "unixepoch(json_extract(?1, ?2)) < 0", &st)) != 0)
			return rc;
		store_bind_text(st, 1, line);
		store_bind_text(st, 2, time_paths[i]);
		rc = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int(st, 0) | sqlite3_column_int(st, 1) << 1 : 0;
		sqlite3_reset(st);
		if (rc) {
			snprintf(why, len, rc & 1 ? "\"%s\" is not an ISO 8601 "
			    "time" : "\"%s\" is before 1970", time_paths[i] + 2);
			return ITSM_E_INVALID;
		}
	}
	if ((rc = check_texts(s, line, why, len)) != 0)
		return rc;
	if ((rc = store_cached(s, "INSERT INTO tickets (id, type, status, "
	    "summary, description, caller, affected, channel, contact, "
	    "service, category, subcategory, impact, urgency, priority, "
	    "priority_rank, major, tier, group_name, assignee, opened_at, "
	    "updated_at, responded_at, resolved_at, closed_at, response_due, "
	    "resolution_due, resolution_type, resolution_code, "
	    "resolution_notes, satisfaction, reopen_count, reassignment_count, "
	    "parent, stagnant_escalated_at, breach_escalated_at, auto_closed, "
	    "hold_reason, ext_ref) VALUES (json_extract(?1, '$.id'), "
	    "ifnull(json_extract(?1, '$.type'), 'incident'), "
	    "ifnull(json_extract(?1, '$.status'), 'new'), "
	    "json_extract(?1, '$.summary'), json_extract(?1, '$.description'), "
	    "json_extract(?1, '$.caller'), "
	    "ifnull(json_extract(?1, '$.affected'), json_extract(?1, "
	    "'$.caller')), json_extract(?1, '$.channel'), "
	    "json_extract(?1, '$.contact'), json_extract(?1, '$.service'), "
	    "json_extract(?1, '$.category'), json_extract(?1, '$.subcategory'), "
	    "json_extract(?1, '$.impact'), json_extract(?1, '$.urgency'), "
	    "json_extract(?1, '$.priority'), "
	    "json_extract(?1, '$.store.priority_rank'), "
	    "ifnull(json_extract(?1, '$.major'), 0), json_extract(?1, '$.tier'), "
	    "json_extract(?1, '$.group'), json_extract(?1, '$.assignee'), "
	    T("$.opened_at") ", ifnull(" T("$.updated_at") ", " T("$.opened_at")
	    "), " T("$.responded_at") ", " T("$.resolved_at") ", "
	    T("$.closed_at") ", " T("$.response_due") ", " T("$.resolution_due")
	    ", json_extract(?1, '$.resolution.type'), "
	    "json_extract(?1, '$.resolution.code'), "
	    "json_extract(?1, '$.resolution.notes'), "
	    "json_extract(?1, '$.satisfaction'), "
	    "ifnull(json_extract(?1, '$.reopen_count'), 0), "
	    "ifnull(json_extract(?1, '$.reassignment_count'), 0), "
	    "json_extract(?1, '$.parent'), " T("$.store.stagnant_escalated_at")
	    ", " T("$.store.breach_escalated_at") ", "
	    "ifnull(json_extract(?1, '$.store.auto_closed'), 0), "
	    "json_extract(?1, '$.store.hold_reason'), "
	    "json_extract(?1, '$.store.ext_ref'))", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	if (sqlite3_step(st) != SQLITE_DONE) {
		int ext = sqlite3_extended_errcode(s->db);

		if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			snprintf(why, len, "ticket %lld exists already",
			    (long long)id);
		else
			snprintf(why, len, "%s", sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return (ext & 0xff) == SQLITE_CONSTRAINT ? ITSM_E_INVALID :
		    store_fail(s, "cannot import");
	}
	sqlite3_reset(st);

	/* Events, in their order. */
	if ((rc = store_cached(s, "INSERT INTO events (ticket, at, recorded_at, "
	    "actor, login, kind, field, old, new, message) SELECT ?2, "
	    "unixepoch(json_extract(value, '$.at')), "
	    "unixepoch(ifnull(json_extract(value, '$.recorded_at'), "
	    "json_extract(value, '$.at'))), json_extract(value, '$.actor'), "
	    "ifnull(json_extract(value, '$.login'), json_extract(value, "
	    "'$.actor')), json_extract(value, '$.kind'), "
	    "json_extract(value, '$.field'), json_extract(value, '$.from'), "
	    "json_extract(value, '$.to'), json_extract(value, '$.message') "
	    "FROM json_each(?1, '$.events') ORDER BY key", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		snprintf(why, len, "events: %s", sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return ITSM_E_INVALID;
	}
	*events = (size_t)sqlite3_changes(s->db);
	sqlite3_reset(st);

	/* The major-incident dossier, when there is one. */
	if ((rc = store_cached(s, "INSERT INTO majors (ticket, state, "
	    "proposed_at, proposal, declared_at, declared_by, ended_at, bridge, "
	    "root_cause) SELECT ?2, json_extract(?1, '$.crisis.state'), "
	    T("$.crisis.proposed_at") ", json_extract(?1, '$.crisis.proposal'), "
	    T("$.crisis.declared_at") ", json_extract(?1, "
	    "'$.crisis.declared_by'), " T("$.crisis.ended_at") ", "
	    "json_extract(?1, '$.crisis.bridge'), json_extract(?1, "
	    "'$.crisis.root_cause') WHERE json_type(?1, '$.crisis') = 'object'",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto crisis;
	if (sqlite3_changes(s->db) == 0)
		return 0;
	if ((rc = store_cached(s, "INSERT INTO major_roster (ticket, name, "
	    "role, since) SELECT ?2, json_extract(value, '$.name'), "
	    "json_extract(value, '$.role'), unixepoch(json_extract(value, "
	    "'$.since')) FROM json_each(?1, '$.crisis.roster')", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto crisis;
	if ((rc = store_cached(s, "INSERT INTO major_findings (ticket, kind, "
	    "text, at) SELECT ?2, json_extract(value, '$.kind'), "
	    "json_extract(value, '$.text'), unixepoch(json_extract(value, "
	    "'$.at')) FROM json_each(?1, '$.crisis.findings') ORDER BY key",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto crisis;
	if ((rc = store_cached(s, "INSERT INTO major_actions (ticket, n, text, "
	    "owner, due, done_at) SELECT ?2, json_extract(value, '$.n'), "
	    "json_extract(value, '$.text'), json_extract(value, '$.owner'), "
	    "unixepoch(json_extract(value, '$.due')), "
	    "unixepoch(json_extract(value, '$.done_at')) FROM json_each(?1, "
	    "'$.crisis.actions')", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	store_bind_int(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
crisis:
	snprintf(why, len, "crisis: %s", sqlite3_errmsg(s->db));
	return ITSM_E_INVALID;
}

int
store_import_parent(itsm_store *s, const char *line, int64_t *parent)
{
	sqlite3_stmt *st;
	int rc;

	*parent = 0;
	if ((rc = store_cached(s, "SELECT json_extract(?1, '$.parent') WHERE "
	    "json_extract(?1, '$.parent') IS NOT NULL AND NOT EXISTS (SELECT 1 "
	    "FROM tickets WHERE id = json_extract(?1, '$.parent'))", &st)) != 0)
		return rc;
	store_bind_text(st, 1, line);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*parent = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "cannot import");
}

int
store_import_exists(itsm_store *s, int64_t id, int *found)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_cached(s, "SELECT 1 FROM tickets WHERE id = ?1",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	*found = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "cannot import");
}

int
store_bulk(itsm_store *s)
{
	/* A large import keeps its pages in memory until the commit. */
	if (sqlite3_exec(s->db, "PRAGMA cache_size = -131072", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cannot size the cache");
	return 0;
}

int
store_defer_foreign_keys(itsm_store *s)
{
	if (sqlite3_exec(s->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cannot defer foreign keys");
	return 0;
}

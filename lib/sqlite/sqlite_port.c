/*
 * The SQL of imports: the values lib/import_json.c reads from a JSON
 * line, bound to prepared statements; a major-incident dossier read by
 * SQLite's JSON functions.
 */
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"
#include "store_port.h"

static void
bind_value(sqlite3_stmt *st, int i, const struct imp_value *v)
{
	switch (v->type) {
	case IMP_INT:
		sqlite3_bind_int64(st, i, v->i);
		break;
	case IMP_REAL:
		sqlite3_bind_double(st, i, v->r);
		break;
	case IMP_TEXT:
		sqlite3_bind_text(st, i, v->s, (int)v->len, SQLITE_STATIC);
		break;
	default:
		sqlite3_bind_null(st, i);
		break;
	}
}

/*
 * Steps an INSERT; a constraint it fails is the line's fault.  A ticket
 * (id > 0) that exists already is said so.
 */
static int
insert(itsm_store *s, sqlite3_stmt *st, int64_t id, const char *what,
    char *why, size_t len)
{
	int ext;

	if (sqlite3_step(st) == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	ext = sqlite3_extended_errcode(SQ(s)->db);
	if (id > 0 && ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		snprintf(why, len, "ticket %lld exists already", (long long)id);
	else
		snprintf(why, len, "%s%s", what, sqlite3_errmsg(SQ(s)->db));
	sqlite3_reset(st);
	return (ext & 0xff) == SQLITE_CONSTRAINT ? ITSM_E_INVALID :
	    store_fail(s, "cannot import");
}

int
store_import_ticket(itsm_store *s, const struct imp_value *col, char *why,
    size_t len)
{
	sqlite3_stmt *st;
	int i, rc;

	if ((rc = store_cached(s, "INSERT INTO tickets (id, type, status, "
	    "summary, description, caller, affected, channel, contact, "
	    "service, category, subcategory, impact, urgency, priority, "
	    "priority_rank, major, tier, group_name, assignee, opened_at, "
	    "updated_at, responded_at, resolved_at, closed_at, response_due, "
	    "resolution_due, resolution_type, resolution_code, "
	    "resolution_notes, satisfaction, reopen_count, reassignment_count, "
	    "parent, stagnant_escalated_at, breach_escalated_at, auto_closed, "
	    "hold_reason, ext_ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
	    "?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, "
	    "?36, ?37, ?38, ?39)", &st)) != 0)
		return rc;
	for (i = 0; i < IC_N; i++)
		bind_value(st, i + 1, &col[i]);
	return insert(s, st, col[IC_ID].i, "", why, len);
}

int
store_import_event(itsm_store *s, int64_t id, const struct imp_value *col,
    char *why, size_t len)
{
	sqlite3_stmt *st;
	int i, rc;

	if ((rc = store_cached(s, "INSERT INTO events (ticket, at, recorded_at, "
	    "actor, login, kind, field, old, new, message) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	for (i = 0; i < IE_N; i++)
		bind_value(st, i + 2, &col[i]);
	return insert(s, st, 0, "events: ", why, len);
}

#define T(path) "unixepoch(json_extract(?1, '" path "'))"

int
store_import_crisis(itsm_store *s, const char *line, int64_t id, char *why,
    size_t len)
{
	sqlite3_stmt *st;
	int rc;

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
	snprintf(why, len, "crisis: %s", sqlite3_errmsg(SQ(s)->db));
	return (sqlite3_extended_errcode(SQ(s)->db) & 0xff) == SQLITE_CONSTRAINT ?
	    ITSM_E_INVALID : store_fail(s, "cannot import");
}

int
store_unixepoch(itsm_store *s, const struct imp_value *v, int64_t *t,
    int *set)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_cached(s, "SELECT unixepoch(?1)", &st)) != 0)
		return rc;
	bind_value(st, 1, v);
	rc = sqlite3_step(st);
	*set = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	*t = *set ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, "cannot import");
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
	/*
	 * A page cache of 6 MiB for a large import: the default 2 MiB
	 * spills to the WAL too often, and more buys nothing (measured in
	 * bench/FINDINGS.md) but resident memory.
	 * Kept for a connection opened later (the file of a new database).
	 */
	SQ(s)->cache_kib = 6144;
	if (sqlite3_exec(SQ(s)->db, "PRAGMA cache_size = -6144", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cannot size the cache");
	return 0;
}

int
store_defer_foreign_keys(itsm_store *s)
{
	if (sqlite3_exec(SQ(s)->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cannot defer foreign keys");
	return 0;
}

const struct engine_port sq_port = {
	.reserved = 0,
};

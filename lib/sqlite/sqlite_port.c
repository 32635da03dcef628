/*
 * The SQLite engine's port ops (engine.h): the rows lib/import_json.c
 * reads from a line, bound to prepared INSERTs.
 */
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"
#include "sqlite_columns.h"
#include "store_sql.h"

static void
bind_value(sqlite3_stmt *st, int i, const struct store_value *v)
{
	switch (v->type) {
	case STORE_INT:
		sqlite3_bind_int64(st, i, v->i);
		break;
	case STORE_REAL:
		sqlite3_bind_double(st, i, v->r);
		break;
	case STORE_TEXT:
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


/* Whether import gives each key (TK_IMPORTED, lib/ticket_fields.h). */
#define SQ_IMPORTED(key, name, kind, flags) [key] = TK_IMPORTED(key, flags),
static const unsigned char imported[SK_NKEYS] = {
	TK_FIELDS(SQ_IMPORTED)
};
#undef SQ_IMPORTED

/*
 * The INSERT of an imported ticket: the column of each key import
 * gives, in key order.  Written once, on the first import.
 */
static const char *
ticket_insert_sql(void)
{
	static char sql[2048];
	size_t off = 0;
	int k, n = 0;

	if (sql[0] != '\0')
		return sql;
	off += (size_t)snprintf(sql + off, sizeof(sql) - off,
	    "INSERT INTO tickets (");
	for (k = 0; k < SK_NKEYS; k++)
		if (imported[k])
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			    "%s%s", n++ ? ", " : "", store_column[k]);
	off += (size_t)snprintf(sql + off, sizeof(sql) - off, ") VALUES (");
	for (k = 1; k <= n; k++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s?%d",
		    k > 1 ? ", " : "", k);
	snprintf(sql + off, sizeof(sql) - off, ")");
	return sql;
}

static int
import_ticket(itsm_store *s, const struct store_value *col, char *why,
    size_t len)
{
	sqlite3_stmt *st;
	int k, i = 0, rc;

	if ((rc = store_cached(s, ticket_insert_sql(), &st)) != 0)
		return rc;
	for (k = 0; k < SK_NKEYS; k++)
		if (imported[k])
			bind_value(st, ++i, &col[k]);
	return insert(s, st, col[ITSM_F_ID].i, "", why, len);
}

static int
import_event(itsm_store *s, int64_t id, const struct store_value *col,
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

/* Inserts n rows of ncol values each (after the ticket) with sql. */
static int
insert_rows(itsm_store *s, const char *sql, int64_t id,
    const struct store_value *rows, size_t n, int ncol, char *why, size_t len)
{
	sqlite3_stmt *st;
	size_t k;
	int i, rc;

	for (k = 0; k < n; k++) {
		if ((rc = store_cached(s, sql, &st)) != 0)
			return rc;
		store_bind_int(st, 1, id);
		for (i = 0; i < ncol; i++)
			bind_value(st, i + 2, &rows[k * (size_t)ncol + (size_t)i]);
		if ((rc = insert(s, st, 0, "crisis: ", why, len)) != 0)
			return rc;
	}
	return 0;
}

/* The values of a list of rows, one after the other. */
#define ROWS(p) ((const struct store_value *)(p))

static int
import_crisis(itsm_store *s, int64_t id, const struct store_crisis *c,
    char *why, size_t len)
{
	int rc;

	if ((rc = insert_rows(s, "INSERT INTO majors (ticket, state, "
	    "proposed_at, proposal, declared_at, declared_by, ended_at, bridge, "
	    "root_cause) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", id,
	    c->major, 1, IM_N, why, len)) != 0 ||
	    (rc = insert_rows(s, "INSERT INTO major_roster (ticket, name, role, "
	    "since) VALUES (?1, ?2, ?3, ?4)", id, ROWS(c->roster), c->nroster,
	    IR_N, why, len)) != 0 ||
	    (rc = insert_rows(s, "INSERT INTO major_findings (ticket, kind, "
	    "text, at) VALUES (?1, ?2, ?3, ?4)", id, ROWS(c->findings),
	    c->nfindings, IF_N, why, len)) != 0)
		return rc;
	return insert_rows(s, "INSERT INTO major_actions (ticket, n, text, "
	    "owner, due, done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", id,
	    ROWS(c->actions), c->nactions, IA_N, why, len);
}

static int
import_exists(itsm_store *s, int64_t id, int *found)
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

static int
bulk(itsm_store *s)
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

/* Nothing is held back: each row is written by its own call. */
static int
import_flush(itsm_store *s, char *why, size_t len)
{
	(void)s;
	(void)why;
	(void)len;
	return 0;
}

static void
import_mark(itsm_store *s, int64_t mark)
{
	SQ(s)->mark = mark;
}

/* A row is refused by its own call: the latest mark's. */
static int64_t
import_refused(itsm_store *s)
{
	return SQ(s)->mark;
}

static int
defer_foreign_keys(itsm_store *s)
{
	if (sqlite3_exec(SQ(s)->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "cannot defer foreign keys");
	return 0;
}

const struct engine_port sq_port = {
	.import_ticket = import_ticket,
	.import_event = import_event,
	.import_crisis = import_crisis,
	.import_exists = import_exists,
	.bulk = bulk,
	.import_flush = import_flush,
	.import_mark = import_mark,
	.import_refused = import_refused,
	.defer_foreign_keys = defer_foreign_keys,
};

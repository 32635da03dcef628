/*
 * The SQL of tickets and events: inserting, updating, appending events,
 * reading one ticket, selecting tickets by the bounds of a store query
 * (the domain computes them: lib/ticket_read.c; the statement is built
 * by lib/store_sql.c in SQLite's dialect), a ticket's history and a
 * major's dossier, each streamed as rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"
#include "sqlite_columns.h"
#include "store_sql.h"

/*
 * How to read the table.  SQLite has no statistics (no ANALYZE), so it
 * takes an equality on status for a selective one and would read every
 * open ticket through the status index, then sort them all, even for
 * next's one ticket.  The open queue, and the workable one, are walked
 * in the queue index's order instead: no sort, rows stream out, a limit
 * stops the walk.  An assignee narrows more through its own index; the
 * stagnant ones are found by rowid from their own index (store_sql.c,
 * qb_stagnant), the table read by rowid only.  Only the queue's order
 * is planned so (an export reads by id).
 */
static const char *
queue_plan(const struct store_query *f)
{
	if (f->order != STORE_BY_QUEUE)
		return "";
	if (f->stagnant)
		return " NOT INDEXED";
	if ((f->scope == STORE_OPEN || f->scope == STORE_WORKABLE) &&
	    f->assignee == NULL)
		return " INDEXED BY tickets_queue";
	return "";
}

/*
 * SQLite's words: numbered parameters, bound typed; NOCASE; the
 * expressions of the index tickets_queue; the index tickets_stagnant
 * named, since without statistics SQLite would rather read every
 * workable ticket through the status index.
 */
static const struct qb_dialect sq_dialect = {
	.mark = '?',
	.text_type = "",
	.int_type = "",
	.nocase_pre = "",
	.nocase_mid = " = ",
	.nocase_post = " COLLATE NOCASE",
	/* SQLite's lower() folds ASCII only, as NOCASE does. */
	.contains_pre = "instr(lower(",
	.contains_mid = "), lower(",
	.contains_post = ")) > 0",
	.queue_order = "major DESC, ifnull(priority_rank, 1000000), "
	    "opened_at, id",
	.resolved_order = "resolved_at, id",
	.stagnant_from = "tickets INDEXED BY tickets_stagnant",
	.plan = queue_plan,
};

static int
qb_prepare(itsm_store *s, struct qb *q, sqlite3_stmt **st)
{
	int i, rc;

	if ((rc = qb_check(q)) != 0)
		return rc;
	if ((rc = store_prepare(s, q->sql, st)) != 0)
		return rc;
	for (i = 0; i < q->n; i++) {
		if (q->arg[i].is_int)
			store_bind_int(*st, i + 1, q->arg[i].num);
		else
			store_bind_text(*st, i + 1, q->arg[i].text);
	}
	return 0;
}

static int
sq_select(itsm_store *s, const struct store_query *f, struct store_rows **out)
{
	struct qb q;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	qb_init(&q, &sq_dialect);
	qb_select(&q, f);
	if ((rc = qb_prepare(s, &q, &st)) != 0)
		return rc;
	return sq_rows(s, st, 0, f->what != NULL ? f->what :
	    "cannot read tickets", out);
}

/* The events of the tickets sq_select() gives for f, by ticket then id. */
static int
sq_events_of(itsm_store *s, const struct store_query *f,
    struct store_rows **out)
{
	struct qb q;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	qb_init(&q, &sq_dialect);
	qb_events_of(&q, f);
	if ((rc = qb_prepare(s, &q, &st)) != 0)
		return rc;
	return sq_rows(s, st, 0, "cannot read the history", out);
}

/*
 * The statement is kept (store_cached): preparing it costs more than
 * running it, and a sweep or a hook reads many tickets in one process.
 */
static int
sq_read(itsm_store *s, int64_t id, struct store_rows **out)
{
	static char sql[1024];
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (sql[0] == '\0') {
		struct qb q;

		qb_init(&q, &sq_dialect);
		qb_read(&q, 0);		/* "id = ?1" */
		if (q.overflow || q.off >= sizeof(sql))
			return itsm_error(ITSM_E_INTERNAL, "a query too long");
		memcpy(sql, q.sql, q.off + 1);
	}
	if ((rc = store_cached(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	return sq_rows(s, st, 1, "cannot read a ticket", out);
}

static int
sq_events(itsm_store *s, int64_t id, int64_t after, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(s, "SELECT at, recorded_at, actor, "
	    "login, kind, field, old, new, message, id FROM events WHERE "
	    "ticket = ?1 AND id > ?2 ORDER BY id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, after);
	return sq_rows(s, st, 0, "cannot read the history", out);
}

static void
bind_set(sqlite3_stmt *st, int i, const struct store_set *v)
{
	if (v->is_int)
		store_bind_int(st, i, v->num);
	else
		store_bind_text(st, i, v->text);
}

/*
 * The column set sets, NULL (with an error) when none may be written:
 * the id, the ref and the read-only keys are not.
 */
static const char *
set_column(const struct store_set *set)
{
	if (set->key <= ITSM_F_REF || set->key >= SK_CRISIS ||
	    store_column[set->key] == NULL) {
		itsm_error(ITSM_E_INTERNAL, "no stored field %d", set->key);
		return NULL;
	}
	return store_column[set->key];
}

static int
sq_insert(itsm_store *s, const struct store_set *set, size_t n,
    int64_t *id)
{
	char sql[2048];
	size_t off, i;
	sqlite3_stmt *st;
	int rc, ext;

	off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO tickets (");
	for (i = 0; i < n; i++) {
		const char *col = set_column(&set[i]);

		if (col == NULL)
			return ITSM_E_INTERNAL;
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s",
		    i ? ", " : "", col);
	}
	off += (size_t)snprintf(sql + off, sizeof(sql) - off, ") VALUES (");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s?%zu",
		    i ? ", " : "", i + 1);
	snprintf(sql + off, sizeof(sql) - off, ")");
	if ((rc = store_cached(s, sql, &st)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		bind_set(st, (int)i + 1, &set[i]);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ext = sqlite3_extended_errcode(SQ(s)->db);
		rc = ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY ? STORE_EXISTS :
		    store_fail(s, "cannot log the ticket");
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	*id = sqlite3_last_insert_rowid(SQ(s)->db);
	return 0;
}

static int
sq_update(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n)
{
	char sql[2048];
	size_t off, i;
	sqlite3_stmt *st;
	int rc;

	off = (size_t)snprintf(sql, sizeof(sql), "UPDATE tickets SET ");
	for (i = 0; i < n; i++) {
		const char *col = set_column(&set[i]);

		if (col == NULL)
			return ITSM_E_INTERNAL;
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s%s = ?%zu", i ? ", " : "", col, i + 1);
	}
	snprintf(sql + off, sizeof(sql) - off, " WHERE id = ?%zu", n + 1);
	if ((rc = store_cached(s, sql, &st)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		bind_set(st, (int)i + 1, &set[i]);
	store_bind_int(st, (int)n + 1, id);
	if ((rc = store_run(s, st, "cannot update the ticket")) != 0)
		return rc;
	if (sqlite3_changes(SQ(s)->db) == 0)
		return itsm_error(ITSM_E_NOTFOUND, "no such ticket: %lld",
		    (long long)id);
	return 0;
}

static int
sq_event_add(itsm_store *s, int64_t ticket, const struct store_event *e)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_cached(s, "INSERT INTO events (ticket, at, "
	    "recorded_at, actor, login, kind, field, old, new, message) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, ticket);
	store_bind_int(st, 2, e->at);
	store_bind_int(st, 3, e->recorded_at);
	store_bind_text(st, 4, e->actor);
	store_bind_text(st, 5, e->login);
	store_bind_text(st, 6, e->kind);
	store_bind_text(st, 7, e->field);
	store_bind_text(st, 8, e->old);
	store_bind_text(st, 9, e->new_);
	store_bind_text(st, 10, e->message);
	return store_run(s, st, "cannot record the event");
}

static int
sq_events_add(itsm_store *s, int64_t ticket, const struct store_event *e,
    size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = sq_event_add(s, ticket, &e[i])) != 0)
			return rc;
	return 0;
}

static int64_t
sq_last_event_id(itsm_store *s)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (store_prepare(s, "SELECT max(id) FROM events", &st) != 0)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

static int
sq_has(itsm_store *s, int key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	/* Literal SQL per key. */
	if (key == ITSM_F_PRIORITY)
		rc = store_cached(s, "SELECT 1 FROM tickets WHERE priority = "
		    "?1 COLLATE NOCASE LIMIT 1", &st);
	else if (key == ITSM_F_GROUP)
		rc = store_cached(s, "SELECT 1 FROM tickets WHERE group_name = "
		    "?1 COLLATE NOCASE LIMIT 1", &st);
	else
		rc = itsm_error(ITSM_E_INTERNAL, "no lookup by field %d", key);
	if (rc != 0)
		return rc;
	store_bind_text(st, 1, value);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = 1;
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(s, "cannot read the tickets");
	sqlite3_reset(st);
	return rc;
}

static int
sq_latest_events(itsm_store *s, int64_t ticket, const char *const *also,
    struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc, i;

	*out = NULL;
	if ((rc = store_cached(s, "SELECT at, kind FROM events WHERE "
	    "ticket = ?1 AND (field = 'status' OR field IN (?2, ?3, ?4, ?5)) "
	    "AND at = (SELECT max(at) FROM events WHERE ticket = ?1 AND "
	    "(field = 'status' OR field IN (?2, ?3, ?4, ?5))) "
	    "ORDER BY id DESC", &st)) != 0)
		return rc;
	store_bind_int(st, 1, ticket);
	for (i = 0; also != NULL && i < STORE_ALSO && also[i] != NULL; i++)
		store_bind_text(st, i + 2, also[i]);
	return sq_rows(s, st, 1, "cannot read the history", out);
}

static int
sq_find_ext(itsm_store *s, const char *ext, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_cached(s, "SELECT id FROM tickets WHERE "
	    "ext_ref = ?1 COLLATE NOCASE", &st)) != 0)
		return rc;
	store_bind_text(st, 1, ext);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 1;
	} else {
		rc = store_fail(s, "cannot look the ticket up");
	}
	sqlite3_reset(st);
	return rc;
}

const struct engine_tickets sq_tickets = {
	.insert = sq_insert,
	.update = sq_update,
	.event_add = sq_event_add,
	.events_add = sq_events_add,
	.has = sq_has,
	.last_event_id = sq_last_event_id,
	.latest_events = sq_latest_events,
	.status_history = sq_status_history,
	.open_clocks = sq_open_clocks,
	.read = sq_read,
	.select = sq_select,
	.events = sq_events,
	.events_of = sq_events_of,
	.find_ext = sq_find_ext,
};

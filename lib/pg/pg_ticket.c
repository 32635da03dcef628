/*
 * The PostgreSQL engine's tickets and events (struct engine_tickets of
 * lib/engine.h): inserting, updating, appending events, reading one
 * ticket, selecting tickets by the bounds of a store query (the domain
 * computes them: lib/ticket_read.c), a ticket's history and its clocks,
 * each streamed as rows.  The same work as lib/sqlite/sqlite_ticket.c
 * and sqlite_sla.c, in PostgreSQL's words (the select is built by
 * lib/store_sql.c in this dialect):
 * - every value is a parameter ($n), never SQL text; the only names in
 *   the SQL are the columns of lib/store_columns.h;
 * - texts are of collation "C" (bytewise); "any case" is lower() under
 *   collation "C", which folds ASCII only, as SQLite's NOCASE does (the
 *   parameter's side says COLLATE "C" too: the database's default
 *   collation could fold more);
 * - NULLs sort where the interface says (first ascending), written out
 *   wherever a column may be NULL: PostgreSQL's own default is the
 *   other way round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"
#include "store_sql.h"

/* A text compared in any case (ASCII): this on both sides. */
#define NOCASE(x) "lower(" x ")"
#define NOCASE_PARAM(n) "lower($" n "::text COLLATE \"C\")"

/*
 * PostgreSQL's words (lib/store_sql.h): $n parameters, typed where they
 * are compared (a text's type is otherwise unknown); "any case" as
 * above; the expressions of the index tickets_queue, NULLs where the
 * interface says.  The planner finds the stagnant ranges in the index
 * tickets_stagnant itself.
 */
static const struct qb_dialect pg_dialect = {
	.mark = '$',
	.text_type = "::text",
	.int_type = "::bigint",
	.nocase_pre = "lower(",
	.nocase_mid = ") = lower(",
	.nocase_post = " COLLATE \"C\")",
	/* lower() in the C collation folds ASCII only, as SQLite's. */
	.contains_pre = "strpos(lower(",
	.contains_mid = " COLLATE \"C\"), lower(",
	.contains_post = " COLLATE \"C\")) > 0",
	/*
	 * major is NOT NULL (0 or 1): NULLS FIRST, the index's own,
	 * changes nothing; the others are never NULL.
	 */
	.queue_order = "major DESC NULLS FIRST, "
	    "coalesce(priority_rank, 1000000), opened_at, id",
	.resolved_order = "resolved_at ASC NULLS FIRST, id",
	.stagnant_from = "tickets",
	.plan = NULL,
};

/* The builder's values as libpq takes them: texts, integers in decimal. */
struct pg_params {
	const char *v[QB_ARGS];
	char num[QB_ARGS][24];
};

static const char *const *
pg_params(const struct qb *q, struct pg_params *p)
{
	int i;

	for (i = 0; i < q->n; i++) {
		if (!q->arg[i].is_int) {
			p->v[i] = q->arg[i].text;
			continue;
		}
		snprintf(p->num[i], sizeof(p->num[i]), "%lld",
		    (long long)q->arg[i].num);
		p->v[i] = p->num[i];
	}
	return p->v;
}

static int
pg_select(itsm_store *s, const struct store_query *f, struct store_rows **out)
{
	struct qb q;
	struct pg_params p;
	int rc;

	*out = NULL;
	qb_init(&q, &pg_dialect);
	qb_select(&q, f);
	if ((rc = qb_check(&q)) != 0)
		return rc;
	/* However many tickets: streamed (a limit is a few rows). */
	if (f->limit > 0)
		return pg_rows(s, q.sql, q.n, pg_params(&q, &p),
		    f->what != NULL ? f->what : "cannot read tickets", out);
	return pg_rows_stream(s, q.sql, q.n, pg_params(&q, &p),
	    f->what != NULL ? f->what : "cannot read tickets", out);
}

static int
pg_read(itsm_store *s, int64_t id, struct store_rows **out)
{
	struct qb q;
	struct pg_params p;
	int rc;

	*out = NULL;
	qb_init(&q, &pg_dialect);
	qb_read(&q, id);
	if ((rc = qb_check(&q)) != 0)
		return rc;
	return pg_rows(s, q.sql, q.n, pg_params(&q, &p),
	    "cannot read a ticket", out);
}

static int
pg_events(itsm_store *s, int64_t id, int64_t after, struct store_rows **out)
{
	struct qb q;
	struct pg_params p;

	*out = NULL;
	qb_init(&q, &pg_dialect);
	qb_sql(&q, "SELECT at, recorded_at, actor, login, kind, field, old, "
	    "new, message, id FROM events WHERE ticket = ");
	qb_int(&q, id);
	qb_sql(&q, " AND id > ");
	qb_int(&q, after);
	qb_sql(&q, " ORDER BY id");
	return pg_rows(s, q.sql, q.n, pg_params(&q, &p),
	    "cannot read the history", out);
}

/*
 * The events of the tickets select() gives for f, in one stream: export
 * read them with a query a ticket, a round trip each, most of its time.
 */
static int
pg_events_of(itsm_store *s, const struct store_query *f,
    struct store_rows **out)
{
	struct qb q;
	struct pg_params p;
	int rc;

	*out = NULL;
	qb_init(&q, &pg_dialect);
	qb_events_of(&q, f);
	if ((rc = qb_check(&q)) != 0)
		return rc;
	return pg_rows_stream(s, q.sql, q.n, pg_params(&q, &p),
	    "cannot read the history", out);
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

/* A value to write: its type is its column's (bare parameter). */
static void
qb_set(struct qb *q, const struct store_set *v)
{
	if (v->is_int)
		qb_bare_int(q, v->num);
	else
		qb_bare_text(q, v->text);
}

/*
 * The id is max(id) + 1 (PG_NEXT_ID, pg_int.h): no gap after a
 * transaction that rolled back.  ON CONFLICT DO NOTHING: a ticket of
 * the same id or ext_ref (the unique indexes) is no error, that would
 * end the caller's transaction, but no row returned.
 */
static int
pg_insert(itsm_store *s, const struct store_set *set, size_t n,
    int64_t *id)
{
	struct qb q;
	struct pg_params p;
	PGresult *r;
	size_t i;
	int rc;

	qb_init(&q, &pg_dialect);
	qb_sql(&q, "INSERT INTO tickets (id");
	for (i = 0; i < n; i++) {
		const char *col = set_column(&set[i]);

		if (col == NULL)
			return ITSM_E_INTERNAL;
		qb_sql(&q, ", %s", col);
	}
	qb_sql(&q, ") VALUES (" PG_NEXT_ID("tickets"));
	for (i = 0; i < n; i++) {
		qb_sql(&q, ", ");
		qb_set(&q, &set[i]);
	}
	qb_sql(&q, ") ON CONFLICT DO NOTHING RETURNING id");
	if ((rc = qb_check(&q)) != 0)
		return rc;
	if ((rc = pg_exec(s, q.sql, q.n, pg_params(&q, &p), "cannot log the ticket",
	    &r)) != 0)
		return rc;
	if (PQntuples(r) == 0)
		rc = STORE_EXISTS;
	else
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return rc;
}

static int
pg_update(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n)
{
	struct qb q;
	struct pg_params p;
	PGresult *r;
	size_t i;
	int rc;

	qb_init(&q, &pg_dialect);
	qb_sql(&q, "UPDATE tickets SET ");
	for (i = 0; i < n; i++) {
		const char *col = set_column(&set[i]);

		if (col == NULL)
			return ITSM_E_INTERNAL;
		qb_sql(&q, "%s%s = ", i ? ", " : "", col);
		qb_set(&q, &set[i]);
	}
	qb_sql(&q, " WHERE id = ");
	qb_int(&q, id);
	if ((rc = qb_check(&q)) != 0)
		return rc;
	if ((rc = pg_exec(s, q.sql, q.n, pg_params(&q, &p), "cannot update the ticket",
	    &r)) != 0)
		return rc;
	if (strcmp(PQcmdTuples(r), "0") == 0)
		rc = itsm_error(ITSM_E_NOTFOUND, "no such ticket: %lld",
		    (long long)id);
	PQclear(r);
	return rc;
}

static int
pg_event_add(itsm_store *s, int64_t ticket, const struct store_event *e)
{
	char id[24], at[24], rec[24];
	const char *p[10] = { id, at, rec, e->actor, e->login, e->kind,
	    e->field, e->old, e->new_, e->message };

	snprintf(id, sizeof(id), "%lld", (long long)ticket);
	snprintf(at, sizeof(at), "%lld", (long long)e->at);
	snprintf(rec, sizeof(rec), "%lld", (long long)e->recorded_at);
	return pg_exec(s, "INSERT INTO events (id, ticket, at, recorded_at, "
	    "actor, login, kind, field, old, new, message) "
	    "VALUES (" PG_NEXT_ID("events") ", $1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10)", 10, p,
	    "cannot record the event", NULL);
}

/* The events events_add() sends in one INSERT at most. */
#define PG_EVENTS_AT_ONCE 16

/*
 * One INSERT of up to PG_EVENTS_AT_ONCE rows, each numbered as
 * event_add() would have (max(id) + 1 on: the statement sees none of
 * its own rows), rather than a round trip an event: an import's
 * incident has a few.  One text per count of rows, so each is prepared
 * once.
 */
static int
pg_events_add(itsm_store *s, int64_t ticket, const struct store_event *e,
    size_t n)
{
	char sql[PG_EVENTS_AT_ONCE * 128 + 128];
	char num[PG_EVENTS_AT_ONCE][3][24];
	const char *p[PG_EVENTS_AT_ONCE * 10];
	size_t i, k, off;
	int rc;

	for (i = 0; i < n; i += k) {
		off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO events "
		    "(id, ticket, at, recorded_at, actor, login, kind, field, "
		    "old, new, message) VALUES ");
		for (k = 0; k < PG_EVENTS_AT_ONCE && i + k < n; k++) {
			const struct store_event *v = &e[i + k];
			const char **q = &p[k * 10];
			int b = (int)k * 10;

			snprintf(num[k][0], sizeof(num[k][0]), "%lld",
			    (long long)ticket);
			snprintf(num[k][1], sizeof(num[k][1]), "%lld",
			    (long long)v->at);
			snprintf(num[k][2], sizeof(num[k][2]), "%lld",
			    (long long)v->recorded_at);
			q[0] = num[k][0];
			q[1] = num[k][1];
			q[2] = num[k][2];
			q[3] = v->actor;
			q[4] = v->login;
			q[5] = v->kind;
			q[6] = v->field;
			q[7] = v->old;
			q[8] = v->new_;
			q[9] = v->message;
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
			    "%s((SELECT coalesce(max(id), 0) + %zu FROM "
			    "events), $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, "
			    "$%d, $%d)", k ? ", " : "", k + 1, b + 1, b + 2,
			    b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9,
			    b + 10);
		}
		if (off >= sizeof(sql))
			return itsm_error(ITSM_E_INTERNAL, "a query too long");
		if ((rc = pg_exec(s, sql, (int)k * 10, p,
		    "cannot record the event", NULL)) != 0)
			return rc;
	}
	return 0;
}

static int64_t
pg_last_event_id(itsm_store *s)
{
	PGresult *r;
	int64_t id = 0;

	if (pg_exec(s, "SELECT coalesce(max(id), 0) FROM events", 0, NULL,
	    "cannot read the history", &r) != 0)
		return 0;
	if (PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return id;
}

static int
pg_has(itsm_store *s, int key, const char *value)
{
	const char *p[1] = { value };
	const char *sql;
	PGresult *r;
	int rc;

	/* Literal SQL per key. */
	if (key == ITSM_F_PRIORITY)
		sql = "SELECT 1 FROM tickets WHERE " NOCASE("priority")
		    " = " NOCASE_PARAM("1") " LIMIT 1";
	else if (key == ITSM_F_GROUP)
		sql = "SELECT 1 FROM tickets WHERE " NOCASE("group_name")
		    " = " NOCASE_PARAM("1") " LIMIT 1";
	else
		return itsm_error(ITSM_E_INTERNAL, "no lookup by field %d",
		    key);
	if ((rc = pg_exec(s, sql, 1, p, "cannot read the tickets", &r)) != 0)
		return rc;
	rc = PQntuples(r) > 0;
	PQclear(r);
	return rc;
}

static int
pg_latest_events(itsm_store *s, int64_t ticket, const char *const *also,
    struct store_rows **out)
{
	char id[24];
	const char *p[1 + STORE_ALSO] = { id };
	int i;

	*out = NULL;
	snprintf(id, sizeof(id), "%lld", (long long)ticket);
	for (i = 0; also != NULL && i < STORE_ALSO && also[i] != NULL; i++)
		p[i + 1] = also[i];
	return pg_rows(s, "SELECT at, kind FROM events WHERE "
	    "ticket = $1::bigint AND (field = 'status' OR "
	    "field IN ($2::text, $3::text, $4::text, $5::text)) "
	    "AND at = (SELECT max(at) FROM events WHERE ticket = $1::bigint "
	    "AND (field = 'status' OR "
	    "field IN ($2::text, $3::text, $4::text, $5::text))) "
	    "ORDER BY id DESC", 1 + STORE_ALSO, p,
	    "cannot read the history", out);
}

static int
pg_status_history(itsm_store *s, int64_t id, struct store_rows **out)
{
	char num[24];
	const char *p[1] = { num };

	*out = NULL;
	snprintf(num, sizeof(num), "%lld", (long long)id);
	return pg_rows(s, "SELECT at, new FROM events WHERE "
	    "ticket = $1::bigint AND field = 'status' ORDER BY at, id", 1, p,
	    "cannot read the history", out);
}

/*
 * The open prioritized tickets in the queue's order (its index), each
 * with its status changes in order (at, then id), one row per change,
 * one row with a NULL time when there is none: the same changes, in the
 * same order, as pg_status_history.
 */
static int
pg_open_clocks(itsm_store *s, struct store_rows **out)
{
	*out = NULL;
	return pg_rows(s, "SELECT t.id, t.priority, t.opened_at, "
	    "t.resolved_at, t.response_due, t.resolution_due, e.at, e.new, "
	    "t.responded_at, t.status, t.group_name, t.service "
	    "FROM tickets t LEFT JOIN events e ON "
	    "e.ticket = t.id AND e.field = 'status' "
	    "WHERE t.status IN ('new', 'in_progress', 'on_hold') AND "
	    "t.priority IS NOT NULL "
	    "ORDER BY t.major DESC NULLS FIRST, "
	    "coalesce(t.priority_rank, 1000000), t.opened_at, t.id, "
	    "e.at ASC NULLS FIRST, e.id ASC NULLS FIRST", 0, NULL,
	    "cannot read the open tickets", out);
}

static int
pg_find_ext(itsm_store *s, const char *ext, int64_t *id)
{
	const char *p[1] = { ext };
	PGresult *r;
	int rc;

	if ((rc = pg_exec(s, "SELECT id FROM tickets WHERE " NOCASE("ext_ref")
	    " = " NOCASE_PARAM("1") " ORDER BY id LIMIT 1", 1, p,
	    "cannot look the ticket up", &r)) != 0)
		return rc;
	if (PQntuples(r) > 0)
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		rc = 1;
	PQclear(r);
	return rc;
}

const struct engine_tickets pg_tickets = {
	.insert = pg_insert,
	.update = pg_update,
	.event_add = pg_event_add,
	.events_add = pg_events_add,
	.has = pg_has,
	.last_event_id = pg_last_event_id,
	.latest_events = pg_latest_events,
	.status_history = pg_status_history,
	.open_clocks = pg_open_clocks,
	.read = pg_read,
	.select = pg_select,
	.events = pg_events,
	.events_of = pg_events_of,
	.find_ext = pg_find_ext,
};

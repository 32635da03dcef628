/*
 * The PostgreSQL engine's tickets and events (struct engine_tickets of
 * lib/engine.h): inserting, updating, appending events, reading one
 * ticket, selecting tickets by the bounds of a store query (the domain
 * computes them: lib/ticket_read.c), a ticket's history and its clocks,
 * each streamed as rows.  The same work as lib/sqlite/sqlite_ticket.c
 * and sqlite_sla.c, in PostgreSQL's words:
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"
#include "store_columns.h"

/* The column of each key (store_columns.h), NULL for the ref. */
#define PG_COLUMN(key, col) [key] = col,
static const char *const key_column[SK_NKEYS] = {
	STORE_TICKET_COLUMNS(PG_COLUMN)
};
#undef PG_COLUMN

/* Every stored field of a ticket's object, in key order. */
#define TICKET_KEYS ((SK_BIT(ITSM_NFIELDS) - 1) & ~SK_BIT(ITSM_F_REF))

/* A text compared in any case (ASCII): this on both sides. */
#define NOCASE(x) "lower(" x ")"
#define NOCASE_PARAM(n) "lower($" n "::text COLLATE \"C\")"

/*
 * A statement built from fixed fragments, its values kept aside as
 * parameters (integers written in decimal here): no value ever reaches
 * the SQL text.
 */
#define QB_ARGS 160

struct qb {
	char sql[16384];
	size_t off;
	int n;
	const char *param[QB_ARGS];
	char num[QB_ARGS][24];
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void
qb_sql(struct qb *q, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (q->overflow)
		return;
	va_start(ap, fmt);
	w = vsnprintf(q->sql + q->off, sizeof(q->sql) - q->off, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(q->sql) - q->off)
		q->overflow = 1;
	else
		q->off += (size_t)w;
}

/* A parameter's number, 0 (and overflow) when there is no room. */
static int
qb_arg(struct qb *q)
{
	if (q->n == QB_ARGS) {
		q->overflow = 1;
		return 0;
	}
	return ++q->n;
}

/* A parameter of a text (NULL: NULL), its type as SQL infers it. */
static void
qb_bare_text(struct qb *q, const char *v)
{
	int i;

	if ((i = qb_arg(q)) == 0)
		return;
	q->param[i - 1] = v;
	qb_sql(q, "$%d", i);
}

static void
qb_bare_int(struct qb *q, int64_t v)
{
	int i;

	if ((i = qb_arg(q)) == 0)
		return;
	snprintf(q->num[i - 1], sizeof(q->num[0]), "%lld", (long long)v);
	q->param[i - 1] = q->num[i - 1];
	qb_sql(q, "$%d", i);
}

/* Typed parameters, for the comparisons of a filter. */
static void
qb_text(struct qb *q, const char *v)
{
	qb_bare_text(q, v);
	qb_sql(q, "::text");
}

static void
qb_int(struct qb *q, int64_t v)
{
	qb_bare_int(q, v);
	qb_sql(q, "::bigint");
}

/* A text in any case (ASCII), to compare with NOCASE(column). */
static void
qb_nocase(struct qb *q, const char *v)
{
	qb_sql(q, "lower(");
	qb_text(q, v);
	qb_sql(q, " COLLATE \"C\")");
}

static int
qb_check(const struct qb *q)
{
	if (q->overflow)
		return itsm_error(ITSM_E_INVALID, "too many filters");
	return 0;
}

/*
 * " AND <stagnant>", as struct store_query says: workable, and
 * updated_at below the cut of its priority (CASE: a NULL priority, or
 * one named by no cut, takes cut_other).  The bound by the latest cut
 * says nothing more; it only lets the index of the workable tickets'
 * activity (tickets_activity) narrow the search.
 */
static void
qb_stagnant(struct qb *q, const struct store_query *sq)
{
	size_t i;
	int64_t max = sq->cut_other;

	if (sq->ncut > STORE_MAX_CUTS) {
		q->overflow = 1;
		return;
	}
	for (i = 0; i < sq->ncut; i++)
		if (sq->cut_at[i] > max)
			max = sq->cut_at[i];
	qb_sql(q, " AND status IN ('new', 'in_progress') AND updated_at < ");
	qb_int(q, max);
	qb_sql(q, " AND updated_at < ");
	if (sq->ncut == 0) {
		qb_int(q, sq->cut_other);
		return;
	}
	qb_sql(q, "CASE priority");
	for (i = 0; i < sq->ncut; i++) {
		qb_sql(q, " WHEN ");
		qb_text(q, sq->cut_name[i]);
		qb_sql(q, " THEN ");
		qb_int(q, sq->cut_at[i]);
	}
	qb_sql(q, " ELSE ");
	qb_int(q, sq->cut_other);
	qb_sql(q, " END");
}

/* " AND <breached>": past a due time the ticket has not met. */
static void
qb_breached(struct qb *q, int64_t before)
{
	qb_sql(q, " AND status IN ('new', 'in_progress') AND "
	    "((responded_at IS NULL AND response_due < ");
	qb_int(q, before);
	qb_sql(q, ") OR (resolved_at IS NULL AND resolution_due < ");
	qb_int(q, before);
	qb_sql(q, "))");
}

static void
qb_filter(struct qb *q, const struct store_query *f)
{
	size_t i;

	switch (f->scope) {
	case STORE_STATUSES:
		qb_sql(q, "status IN (");
		for (i = 0; f->statuses[i] != NULL; i++) {
			qb_sql(q, "%s", i ? ", " : "");
			qb_text(q, f->statuses[i]);
		}
		/* No status: none selected (IN () is no SQL). */
		qb_sql(q, "%s)", i ? "" : "NULL");
		break;
	case STORE_ALL:
		qb_sql(q, "TRUE");
		break;
	case STORE_WORKABLE:
		/* The queue's literal too, so that its index may serve. */
		qb_sql(q, "status IN ('new', 'in_progress', 'on_hold') AND "
		    "status IN ('new', 'in_progress')");
		break;
	case STORE_RESOLVED_BY:
		/* Literal, so that the index of resolved tickets applies. */
		qb_sql(q, "status = 'resolved' AND resolved_at <= ");
		qb_int(q, f->resolved_by);
		break;
	default:
		/* Literal, so that the queue's partial index applies. */
		qb_sql(q, "status IN ('new', 'in_progress', 'on_hold')");
		break;
	}
	if (f->type != NULL) {
		qb_sql(q, " AND type = ");
		qb_text(q, f->type);
	}
	if (f->priority != NULL) {
		qb_sql(q, " AND " NOCASE("priority") " = ");
		qb_nocase(q, f->priority);
	}
	if (f->group != NULL) {
		qb_sql(q, " AND " NOCASE("group_name") " = ");
		qb_nocase(q, f->group);
	}
	if (f->assignee != NULL) {
		qb_sql(q, " AND assignee = ");
		qb_text(q, f->assignee);
	}
	if (f->assignee_or_none != NULL) {
		qb_sql(q, " AND (assignee IS NULL OR assignee = ");
		qb_text(q, f->assignee_or_none);
		qb_sql(q, ")");
	}
	if (f->stagnant)
		qb_stagnant(q, f);
	if (f->breached)
		qb_breached(q, f->overdue_before);
	if (f->esc == STORE_ESC_STAGNANT)
		qb_sql(q, " AND (stagnant_escalated_at IS NULL OR "
		    "stagnant_escalated_at <= updated_at)");
	else if (f->esc == STORE_ESC_BREACH)
		qb_sql(q, " AND (breach_escalated_at IS NULL OR "
		    "breach_escalated_at <= updated_at)");
}

/*
 * The queue order: major first, then priority (none as 1000000), then
 * oldest, then id; the expressions of the index tickets_queue, so that
 * it serves (no sort; a limit stops the walk).  major is NOT NULL (0 or
 * 1): NULLS FIRST, the index's own, changes nothing; the others are
 * never NULL.
 */
#define QUEUE_ORDER "major DESC NULLS FIRST, " \
	"coalesce(priority_rank, 1000000), opened_at, id"

/* The columns of the keys of want, in key order. */
static void
qb_columns(struct qb *q, uint64_t want)
{
	int k, n = 0;

	for (k = 0; k < SK_NKEYS; k++) {
		if (!(want & SK_BIT(k)) || key_column[k] == NULL)
			continue;
		qb_sql(q, "%s%s", n++ ? ", " : "", key_column[k]);
	}
}

static int
pg_select(itsm_store *s, const struct store_query *f, struct store_rows **out)
{
	struct qb q = { .off = 0 };
	int rc;

	*out = NULL;
	qb_sql(&q, "SELECT ");
	qb_columns(&q, f->want ? f->want : TICKET_KEYS);
	qb_sql(&q, " FROM tickets t WHERE ");
	qb_filter(&q, f);
	if (f->order == STORE_BY_ID)
		qb_sql(&q, " ORDER BY id");
	else if (f->order == STORE_BY_RESOLVED)
		qb_sql(&q, " ORDER BY resolved_at ASC NULLS FIRST, id");
	else
		qb_sql(&q, " ORDER BY " QUEUE_ORDER);
	if (f->limit > 0) {
		qb_sql(&q, " LIMIT ");
		qb_int(&q, f->limit);
	}
	if ((rc = qb_check(&q)) != 0)
		return rc;
	/* However many tickets: streamed (a limit is a few rows). */
	if (f->limit > 0)
		return pg_rows(s, q.sql, q.n, q.param, f->what != NULL ?
		    f->what : "cannot read tickets", out);
	return pg_rows_stream(s, q.sql, q.n, q.param, f->what != NULL ?
	    f->what : "cannot read tickets", out);
}

static int
pg_read(itsm_store *s, int64_t id, struct store_rows **out)
{
	struct qb q = { .off = 0 };
	int rc;

	*out = NULL;
	qb_sql(&q, "SELECT ");
	qb_columns(&q, TICKET_KEYS);
	qb_sql(&q, " FROM tickets t WHERE id = ");
	qb_int(&q, id);
	if ((rc = qb_check(&q)) != 0)
		return rc;
	return pg_rows(s, q.sql, q.n, q.param, "cannot read a ticket", out);
}

static int
pg_events(itsm_store *s, int64_t id, int64_t after, struct store_rows **out)
{
	struct qb q = { .off = 0 };

	*out = NULL;
	qb_sql(&q, "SELECT at, recorded_at, actor, login, kind, field, old, "
	    "new, message, id FROM events WHERE ticket = ");
	qb_int(&q, id);
	qb_sql(&q, " AND id > ");
	qb_int(&q, after);
	qb_sql(&q, " ORDER BY id");
	return pg_rows(s, q.sql, q.n, q.param, "cannot read the history",
	    out);
}

/*
 * The column set sets, NULL (with an error) when none may be written:
 * the id, the ref and the read-only keys are not.
 */
static const char *
set_column(const struct store_set *set)
{
	if (set->key <= ITSM_F_REF || set->key >= SK_CRISIS ||
	    key_column[set->key] == NULL) {
		itsm_error(ITSM_E_INTERNAL, "no stored field %d", set->key);
		return NULL;
	}
	return key_column[set->key];
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
	struct qb q = { .off = 0 };
	PGresult *r;
	size_t i;
	int rc;

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
	if ((rc = pg_exec(s, q.sql, q.n, q.param, "cannot log the ticket",
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
	struct qb q = { .off = 0 };
	PGresult *r;
	size_t i;
	int rc;

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
	if ((rc = pg_exec(s, q.sql, q.n, q.param, "cannot update the ticket",
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
	    "t.responded_at, t.status "
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
	.has = pg_has,
	.last_event_id = pg_last_event_id,
	.latest_events = pg_latest_events,
	.status_history = pg_status_history,
	.open_clocks = pg_open_clocks,
	.read = pg_read,
	.select = pg_select,
	.events = pg_events,
	.find_ext = pg_find_ext,
};

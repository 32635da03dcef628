/*
 * The SQL of tickets and events: inserting, updating, appending events,
 * reading one ticket, selecting tickets by the bounds of a store query
 * (the domain computes them: lib/ticket_read.c), a ticket's history and
 * a major's dossier, each streamed as rows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"
#include "sqlite_columns.h"

/*
 * The column of each key of store_int.h (store_columns.h), NULL for the
 * ref (not stored): the only names that reach the SQL text.
 */
#define SQ_COLUMN(key, col) [key] = col,
static const char *const key_column[SK_NKEYS] = {
	STORE_TICKET_COLUMNS(SQ_COLUMN)
};
#undef SQ_COLUMN

/* Every stored field of a ticket's object, in key order. */
#define TICKET_KEYS ((SK_BIT(ITSM_NFIELDS) - 1) & ~SK_BIT(ITSM_F_REF))

/*
 * A query built from fixed fragments, its values kept aside to be bound:
 * no value ever reaches the SQL text.
 */
#define QB_ARGS 128

struct qb {
	char sql[16384];
	size_t off;
	int n;
	struct { const char *text; int64_t num; int is_int; } arg[QB_ARGS];
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void
qb_sql(struct qb *q, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(q->sql + q->off, sizeof(q->sql) - q->off, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(q->sql) - q->off)
		q->overflow = 1;
	else
		q->off += (size_t)w;
}

/* Appends a placeholder for a text value. */
static void
qb_text(struct qb *q, const char *v)
{
	if (q->n == QB_ARGS) {
		q->overflow = 1;
		return;
	}
	q->arg[q->n].text = v;
	q->arg[q->n].is_int = 0;
	qb_sql(q, "?%d", ++q->n);
}

static void
qb_int(struct qb *q, int64_t v)
{
	if (q->n == QB_ARGS) {
		q->overflow = 1;
		return;
	}
	q->arg[q->n].num = v;
	q->arg[q->n].is_int = 1;
	qb_sql(q, "?%d", ++q->n);
}

static int
qb_prepare(itsm_store *s, struct qb *q, sqlite3_stmt **st)
{
	int i, rc;

	if (q->overflow)
		return itsm_error(ITSM_E_INVALID, "too many filters");
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

/* The indexes of the cut names in byte order (n is small: insertion). */
static void
by_name(const struct store_query *sq, size_t *order, size_t n)
{
	size_t i, j, v;

	for (i = 0; i < n; i++) {
		v = i;
		for (j = i; j > 0 && strcmp(sq->cut_name[order[j - 1]],
		    sq->cut_name[v]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
}

/*
 * " AND <stagnant>", as struct store_query says: workable, and
 * updated_at below the cut of its priority.  The last term says it
 * exactly; the first ones only narrow the search, through the index
 * tickets_stagnant (priority, updated_at) of the workable tickets: one
 * range per priority, one for no priority, one between each two names
 * for the unknown ones, so that it reads the stagnant tickets and no
 * others, whatever the size of the queue.  The table itself must be
 * read by rowid only (NOT INDEXED, queue_plan): without ANALYZE
 * statistics SQLite would rather read every workable ticket through the
 * status index.
 */
static void
qb_stagnant(struct qb *q, const struct store_query *sq)
{
	size_t i, n = sq->ncut, order[STORE_MAX_CUTS];
	int64_t max = sq->cut_other;
	int name[STORE_MAX_CUTS], other, arms = 0;

	if (n > STORE_MAX_CUTS) {
		q->overflow = 1;
		return;
	}
	for (i = 0; i < n; i++)
		if (sq->cut_at[i] > max)
			max = sq->cut_at[i];
#define ARM "%sSELECT id FROM tickets INDEXED BY tickets_stagnant WHERE " \
	"status IN ('new', 'in_progress') AND "
	qb_sql(q, " AND id IN (");
	for (i = 0; i < n; i++) {
		qb_sql(q, ARM "priority = ", arms++ ? " UNION ALL " : "");
		qb_text(q, sq->cut_name[i]);
		name[i] = q->n;
		qb_sql(q, " AND updated_at < ");
		qb_int(q, sq->cut_at[i]);
	}
	qb_sql(q, ARM "priority IS NULL AND updated_at < ",
	    arms++ ? " UNION ALL " : "");
	qb_int(q, sq->cut_other);
	other = q->n;
	by_name(sq, order, n);
	/* Between the names: placeholders of the same values, reused. */
	for (i = 0; i <= n; i++) {
		qb_sql(q, ARM, " UNION ALL ");
		if (i > 0)
			qb_sql(q, "priority > ?%d AND ", name[order[i - 1]]);
		if (i < n)
			qb_sql(q, "priority < ?%d AND ", name[order[i]]);
		if (n == 0)
			qb_sql(q, "priority IS NOT NULL AND ");
		qb_sql(q, "updated_at < ?%d", other);
	}
#undef ARM
	qb_sql(q, ")");
	qb_sql(q, " AND status IN ('new', 'in_progress') AND updated_at < ");
	qb_int(q, max);
	if (n == 0) {
		/* No cut: every priority's is the other (CASE needs a WHEN). */
		qb_sql(q, " AND updated_at < ?%d", other);
		return;
	}
	qb_sql(q, " AND updated_at < CASE priority");
	for (i = 0; i < n; i++) {
		qb_sql(q, " WHEN ?%d THEN ", name[i]);
		qb_int(q, sq->cut_at[i]);
	}
	qb_sql(q, " ELSE ?%d END", other);
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
		qb_sql(q, ")");
		break;
	case STORE_ALL:
		qb_sql(q, "1");
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
		qb_sql(q, " AND priority = ");
		qb_text(q, f->priority);
		qb_sql(q, " COLLATE NOCASE");
	}
	if (f->group != NULL) {
		qb_sql(q, " AND group_name = ");
		qb_text(q, f->group);
		qb_sql(q, " COLLATE NOCASE");
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

/* The queue order: major first, then priority, then oldest. */
#define QUEUE_ORDER " ORDER BY major DESC, ifnull(priority_rank, 1000000), " \
	"opened_at, id"

/*
 * How to read the table.  SQLite has no statistics (no ANALYZE), so it
 * takes an equality on status for a selective one and would read every
 * open ticket through the status index, then sort them all, even for
 * next's one ticket.  The open queue, and the workable one, are walked
 * in the queue index's order instead: no sort, rows stream out, a limit
 * stops the walk.  An assignee narrows more through its own index; the
 * stagnant ones are found by rowid from their own index (qb_stagnant).
 * Only the queue's order is planned so (an export reads by id).
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

/* What follows the columns of a select: the table, filter, order, limit. */
static void
qb_from(struct qb *q, const struct store_query *f)
{
	qb_sql(q, " FROM tickets t%s WHERE ", queue_plan(f));
	qb_filter(q, f);
	if (f->order == STORE_BY_ID)
		qb_sql(q, " ORDER BY id");
	else if (f->order == STORE_BY_RESOLVED)
		qb_sql(q, " ORDER BY resolved_at, id");
	else
		qb_sql(q, QUEUE_ORDER);
	if (f->limit > 0) {
		qb_sql(q, " LIMIT ");
		qb_int(q, f->limit);
	}
}

static int
sq_select(itsm_store *s, const struct store_query *f, struct store_rows **out)
{
	struct qb q = { .off = 0 };
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	qb_sql(&q, "SELECT ");
	qb_columns(&q, f->want ? f->want : TICKET_KEYS);
	qb_from(&q, f);
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
	struct qb q = { .off = 0 };
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	qb_sql(&q, "SELECT at, recorded_at, actor, login, kind, field, old, "
	    "new, message, id, ticket FROM events WHERE ticket IN "
	    "(SELECT id");
	qb_from(&q, f);
	qb_sql(&q, ") ORDER BY ticket, id");
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
		struct qb q = { .off = 0 };

		qb_sql(&q, "SELECT ");
		qb_columns(&q, TICKET_KEYS);
		qb_sql(&q, " FROM tickets t WHERE id = ?1");
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
	    key_column[set->key] == NULL) {
		itsm_error(ITSM_E_INTERNAL, "no stored field %d", set->key);
		return NULL;
	}
	return key_column[set->key];
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

/*
 * The statements that select tickets, for the engines of SQL tables
 * (lib/store_sql.h): one builder, each engine's dialect.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"
#include "store_columns.h"
#include "store_sql.h"

#define SQL_COLUMN(key, col) [key] = col,
const char *const store_column[SK_NKEYS] = {
	STORE_TICKET_COLUMNS(SQL_COLUMN)
};
#undef SQL_COLUMN

void
qb_init(struct qb *q, const struct qb_dialect *d)
{
	q->d = d;
	q->off = 0;
	q->n = 0;
	q->overflow = 0;
	q->sql[0] = '\0';
}

void
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

/* A new parameter, its placeholder written; NULL when there is no room. */
static struct qb_arg *
qb_arg(struct qb *q)
{
	if (q->n == QB_ARGS) {
		q->overflow = 1;
		return NULL;
	}
	qb_sql(q, "%c%d", q->d->mark, q->n + 1);
	return &q->arg[q->n++];
}

void
qb_bare_text(struct qb *q, const char *v)
{
	struct qb_arg *a;

	if ((a = qb_arg(q)) != NULL)
		*a = (struct qb_arg){ .text = v };
}

void
qb_bare_int(struct qb *q, int64_t v)
{
	struct qb_arg *a;

	if ((a = qb_arg(q)) != NULL)
		*a = (struct qb_arg){ .num = v, .is_int = 1 };
}

void
qb_text(struct qb *q, const char *v)
{
	qb_bare_text(q, v);
	qb_sql(q, "%s", q->d->text_type);
}

void
qb_int(struct qb *q, int64_t v)
{
	qb_bare_int(q, v);
	qb_sql(q, "%s", q->d->int_type);
}

/* An earlier parameter again, by its number. */
static void
qb_again(struct qb *q, int n)
{
	qb_sql(q, "%c%d", q->d->mark, n);
}

/* " AND column = v", in any case (ASCII). */
static void
qb_nocase(struct qb *q, const char *column, const char *v)
{
	qb_sql(q, " AND %s%s%s", q->d->nocase_pre, column, q->d->nocase_mid);
	qb_text(q, v);
	qb_sql(q, "%s", q->d->nocase_post);
}

/* column holds v, in any case (ASCII); NULL holds nothing. */
static void
qb_contains(struct qb *q, const char *column, const char *v)
{
	qb_sql(q, "%s%s%s", q->d->contains_pre, column, q->d->contains_mid);
	qb_text(q, v);
	qb_sql(q, "%s", q->d->contains_post);
}

int
qb_check(const struct qb *q)
{
	if (q->overflow)
		return itsm_error(ITSM_E_INVALID, "too many filters");
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
 * others, whatever the size of the queue.  A single condition on
 * updated_at would read every workable ticket older than the shortest
 * cut: most of the queue (bench/FINDINGS.md).  SQLite must be told to
 * read the table by rowid only (its dialect's plan and stagnant_from);
 * PostgreSQL finds the ranges itself.
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
#define ARM "%sSELECT id FROM %s WHERE status IN ('new', 'in_progress') AND "
	qb_sql(q, " AND id IN (");
	for (i = 0; i < n; i++) {
		qb_sql(q, ARM "priority = ", arms++ ? " UNION ALL " : "",
		    q->d->stagnant_from);
		qb_text(q, sq->cut_name[i]);
		name[i] = q->n;
		qb_sql(q, " AND updated_at < ");
		qb_int(q, sq->cut_at[i]);
	}
	qb_sql(q, ARM "priority IS NULL AND updated_at < ",
	    arms++ ? " UNION ALL " : "", q->d->stagnant_from);
	qb_int(q, sq->cut_other);
	other = q->n;
	by_name(sq, order, n);
	/* Between the names: the same parameters again. */
	for (i = 0; i <= n; i++) {
		qb_sql(q, ARM, " UNION ALL ", q->d->stagnant_from);
		if (i > 0) {
			qb_sql(q, "priority > ");
			qb_again(q, name[order[i - 1]]);
			qb_sql(q, " AND ");
		}
		if (i < n) {
			qb_sql(q, "priority < ");
			qb_again(q, name[order[i]]);
			qb_sql(q, " AND ");
		}
		if (n == 0)
			qb_sql(q, "priority IS NOT NULL AND ");
		qb_sql(q, "updated_at < ");
		qb_again(q, other);
	}
#undef ARM
	qb_sql(q, ") AND status IN ('new', 'in_progress') AND updated_at < ");
	qb_int(q, max);
	qb_sql(q, " AND updated_at < ");
	if (n == 0) {
		/* No cut: every priority's is the other (CASE needs a WHEN). */
		qb_again(q, other);
		return;
	}
	qb_sql(q, "CASE priority");
	for (i = 0; i < n; i++) {
		qb_sql(q, " WHEN ");
		qb_again(q, name[i]);
		qb_sql(q, " THEN ");
		qb_int(q, sq->cut_at[i]);
	}
	qb_sql(q, " ELSE ");
	qb_again(q, other);
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
		/* No status: none selected (IN () is not every SQL's). */
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
	if (f->priority != NULL)
		qb_nocase(q, "priority", f->priority);
	if (f->group != NULL)
		qb_nocase(q, "group_name", f->group);
	if (f->assignee != NULL) {
		qb_sql(q, " AND assignee = ");
		qb_text(q, f->assignee);
	}
	if (f->assignee_or_none != NULL) {
		qb_sql(q, " AND (assignee IS NULL OR assignee = ");
		qb_text(q, f->assignee_or_none);
		qb_sql(q, ")");
	}
	if (f->caller != NULL)
		qb_nocase(q, "caller", f->caller);
	if (f->affected != NULL)
		qb_nocase(q, "affected", f->affected);
	if (f->service != NULL)
		qb_nocase(q, "service", f->service);
	if (f->category != NULL)
		qb_nocase(q, "category", f->category);
	if (f->text != NULL) {
		qb_sql(q, " AND (");
		qb_contains(q, "summary", f->text);
		qb_sql(q, " OR ");
		qb_contains(q, "description", f->text);
		qb_sql(q, ")");
	}
	if (f->has_since) {
		qb_sql(q, " AND opened_at >= ");
		qb_int(q, f->since);
	}
	if (f->has_until) {
		qb_sql(q, " AND opened_at < ");
		qb_int(q, f->until);
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

void
qb_columns(struct qb *q, uint64_t want)
{
	int k, n = 0;

	for (k = 0; k < SK_NKEYS; k++) {
		if (!(want & SK_BIT(k)) || store_column[k] == NULL)
			continue;
		qb_sql(q, "%s%s", n++ ? ", " : "", store_column[k]);
	}
}

/* What follows the columns of a select: the table, filter, order, limit. */
static void
qb_from(struct qb *q, const struct store_query *f)
{
	qb_sql(q, " FROM tickets t%s WHERE ", q->d->plan != NULL ?
	    q->d->plan(f) : "");
	qb_filter(q, f);
	if (f->order == STORE_BY_ID)
		qb_sql(q, " ORDER BY id");
	else if (f->order == STORE_BY_RESOLVED)
		qb_sql(q, " ORDER BY %s", q->d->resolved_order);
	else
		qb_sql(q, " ORDER BY %s", q->d->queue_order);
	if (f->limit > 0) {
		qb_sql(q, " LIMIT ");
		qb_int(q, f->limit);
	}
}

void
qb_select(struct qb *q, const struct store_query *f)
{
	qb_sql(q, "SELECT ");
	qb_columns(q, f->want ? f->want : STORE_TICKET_KEYS);
	qb_from(q, f);
}

/*
 * By ticket then id, the order of the events' index (ticket, id): export
 * read them with a query a ticket, a round trip each, most of its time.
 */
void
qb_events_of(struct qb *q, const struct store_query *f)
{
	qb_sql(q, "SELECT at, recorded_at, actor, login, kind, field, old, "
	    "new, message, id, ticket FROM events WHERE ticket IN "
	    "(SELECT id");
	qb_from(q, f);
	qb_sql(q, ") ORDER BY ticket, id");
}

void
qb_read(struct qb *q, int64_t id)
{
	qb_sql(q, "SELECT ");
	qb_columns(q, STORE_TICKET_KEYS);
	qb_sql(q, " FROM tickets t WHERE id = ");
	qb_int(q, id);
}

/*
 * The SQL of tickets and events: inserting, updating, appending events,
 * reading one ticket, streaming the work queue, a ticket's history and
 * the rows of an export (their JSON is written in lib/ticket_json.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/major.h"
#include "itsm/port.h"
#include "itsm/ref.h"
#include "itsm/time.h"
#include "sqlite_int.h"
#include "ticket_int.h"
#include "sqlite_columns.h"

struct field {
	const char *name;
	const char *column;	/* SQL expression, NULL for ref */
	enum itsm_field_kind kind;
};

/* In the order of enum itsm_field and of the JSON ticket object. */
static const struct field fields[ITSM_NFIELDS] = {
	{ "id", "id", ITSM_FK_INT },
	{ "ref", NULL, ITSM_FK_TEXT },
	{ "type", "type", ITSM_FK_TEXT },
	{ "status", "status", ITSM_FK_TEXT },
	{ "summary", "summary", ITSM_FK_TEXT },
	{ "description", "description", ITSM_FK_TEXT },
	{ "caller", "caller", ITSM_FK_TEXT },
	{ "affected", "affected", ITSM_FK_TEXT },
	{ "channel", "channel", ITSM_FK_TEXT },
	{ "contact", "contact", ITSM_FK_TEXT },
	{ "service", "service", ITSM_FK_TEXT },
	{ "category", "category", ITSM_FK_TEXT },
	{ "subcategory", "subcategory", ITSM_FK_TEXT },
	{ "impact", "impact", ITSM_FK_TEXT },
	{ "urgency", "urgency", ITSM_FK_TEXT },
	{ "priority", "priority", ITSM_FK_TEXT },
	{ "major", "major", ITSM_FK_BOOL },
	{ "tier", "tier", ITSM_FK_TEXT },
	{ "group", "group_name", ITSM_FK_TEXT },
	{ "assignee", "assignee", ITSM_FK_TEXT },
	{ "opened_at", "opened_at", ITSM_FK_TIME },
	{ "updated_at", "updated_at", ITSM_FK_TIME },
	{ "responded_at", "responded_at", ITSM_FK_TIME },
	{ "resolved_at", "resolved_at", ITSM_FK_TIME },
	{ "closed_at", "closed_at", ITSM_FK_TIME },
	{ "response_due", "response_due", ITSM_FK_TIME },
	{ "resolution_due", "resolution_due", ITSM_FK_TIME },
	{ "resolution.type", "resolution_type", ITSM_FK_TEXT },
	{ "resolution.code", "resolution_code", ITSM_FK_TEXT },
	{ "resolution.notes", "resolution_notes", ITSM_FK_TEXT },
	{ "satisfaction", "satisfaction", ITSM_FK_INT },
	{ "reopen_count", "reopen_count", ITSM_FK_INT },
	{ "reassignment_count", "reassignment_count", ITSM_FK_INT },
	{ "parent", "parent", ITSM_FK_INT },
};

#define BIT(f) ITSM_FIELD_BIT(f)
#define ALL_FIELDS (BIT(ITSM_NFIELDS) - 1)
_Static_assert(ITSM_NFIELDS < 64, "a field mask is 64 bits");

struct itsm_ticket {
	const char *str[ITSM_NFIELDS];
	int64_t num[ITSM_NFIELDS];
	char *json;		/* the JSON object, when asked for */
	char *buf;		/* the texts, when copied out of the row */
	size_t cap;
	char numtext[ITSM_NFIELDS][ITSM_TIMEBUF];	/* numbers and times */
};

/* Which field each column of a result row holds. */
struct colmap {
	int n;
	unsigned char field[ITSM_NFIELDS];
	uint64_t want;		/* the fields filled (BIT of each) */
};

struct itsm_iter {
	itsm_store *store;
	sqlite3_stmt *st;
	itsm_ticket t;
	struct colmap map;
	int json;
};

const char *
itsm_field_name(enum itsm_field f)
{
	return f < ITSM_NFIELDS ? fields[f].name : NULL;
}

enum itsm_field_kind
itsm_field_kind(enum itsm_field f)
{
	return f < ITSM_NFIELDS ? fields[f].kind : ITSM_FK_TEXT;
}

int
itsm_field_find(const char *name)
{
	int f;

	for (f = 0; f < ITSM_NFIELDS; f++)
		if (strcasecmp(fields[f].name, name) == 0)
			return f;
	return -1;
}

/* The columns of COLUMNS: every field but the ref, in enum order. */
static void
map_all(struct colmap *m)
{
	int f;

	m->n = 0;
	for (f = 0; f < ITSM_NFIELDS; f++)
		if (f != ITSM_F_REF)
			m->field[m->n++] = (unsigned char)f;
	m->want = ALL_FIELDS;
}

/* Writes v in decimal into buf (24 bytes at least). */
static void
format_int(int64_t v, char *buf)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*buf++ = '-';
	while (n > 0)
		*buf++ = tmp[--n];
	*buf = '\0';
}

/*
 * Reads the current row into t, as m says.  The texts are copied into
 * t->buf when copy is set (the statement is reset after); else they
 * point into the row, valid until the statement's next step: a list
 * does not copy what it prints once.  Numbers and times are formatted
 * for the fields of m only; the JSON object is written (by the domain,
 * tk_ticket_json) when json is set.
 */
static int
fill(itsm_ticket *t, sqlite3_stmt *st, const struct colmap *m, int json,
    int copy)
{
	const unsigned char *text[ITSM_NFIELDS];
	size_t len[ITSM_NFIELDS], need = 0, off = 0;
	char isnull[ITSM_NFIELDS];
	int c, f, ncol = m->n;

	memset(t->str, 0, sizeof(t->str));
	memset(t->num, 0, sizeof(t->num));
	free(t->json);
	t->json = NULL;
	for (c = 0; c < ncol; c++) {
		text[c] = NULL;
		if ((isnull[c] = sqlite3_column_type(st, c) == SQLITE_NULL))
			continue;
		f = m->field[c];
		if (fields[f].kind != ITSM_FK_TEXT) {
			t->num[f] = sqlite3_column_int64(st, c);
			continue;
		}
		if ((text[c] = sqlite3_column_text(st, c)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		len[c] = (size_t)sqlite3_column_bytes(st, c);
		need += len[c] + 1;
	}
	if (copy && need > t->cap) {
		char *nb = realloc(t->buf, need);

		if (nb == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		t->buf = nb;
		t->cap = need;
	}
	for (c = 0; c < ncol; c++) {
		const char *v;

		if (isnull[c])
			continue;
		f = m->field[c];
		if (text[c] != NULL) {
			v = (const char *)text[c];
			if (copy) {
				memcpy(t->buf + off, v, len[c]);
				t->buf[off + len[c]] = '\0';
				v = t->buf + off;
				off += len[c] + 1;
			}
			t->str[f] = v;
			continue;
		}
		switch (fields[f].kind) {
		case ITSM_FK_TIME:
			itsm_time_format(t->num[f], t->numtext[f]);
			t->str[f] = t->numtext[f];
			break;
		case ITSM_FK_BOOL:
			t->str[f] = t->num[f] ? "true" : "false";
			break;
		default:
			format_int(t->num[f], t->numtext[f]);
			t->str[f] = t->numtext[f];
			break;
		}
	}
	if (m->want & BIT(ITSM_F_REF)) {
		t->num[ITSM_F_REF] = t->num[ITSM_F_ID];
		itsm_ref_format((enum itsm_type)(t->str[ITSM_F_TYPE] ?
		    itsm_type_parse(t->str[ITSM_F_TYPE]) : 0),
		    t->num[ITSM_F_ID], t->numtext[ITSM_F_REF]);
		t->str[ITSM_F_REF] = t->numtext[ITSM_F_REF];
	}
	if (json && (t->json = tk_ticket_json(t, NULL)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

const char *
itsm_ticket_str(const itsm_ticket *t, enum itsm_field f)
{
	return f < ITSM_NFIELDS ? t->str[f] : NULL;
}

int64_t
itsm_ticket_int(const itsm_ticket *t, enum itsm_field f)
{
	return f < ITSM_NFIELDS ? t->num[f] : 0;
}

int
itsm_ticket_breached(const itsm_ticket *t, int64_t now)
{
	const char *st = t->str[ITSM_F_STATUS];

	if (st == NULL || (strcmp(st, "new") != 0 &&
	    strcmp(st, "in_progress") != 0))
		return 0;
	return (t->str[ITSM_F_RESPONDED_AT] == NULL &&
	    t->str[ITSM_F_RESPONSE_DUE] != NULL &&
	    t->num[ITSM_F_RESPONSE_DUE] < now) ||
	    (t->str[ITSM_F_RESOLVED_AT] == NULL &&
	    t->str[ITSM_F_RESOLUTION_DUE] != NULL &&
	    t->num[ITSM_F_RESOLUTION_DUE] < now);
}

const char *
itsm_ticket_json(const itsm_ticket *t)
{
	return t->json;
}

void
tk_ticket_set_json(itsm_ticket *t, char *json)
{
	free(t->json);
	t->json = json;
}

void
itsm_ticket_free(itsm_ticket *t)
{
	if (t == NULL)
		return;
	free(t->json);
	free(t->buf);
	free(t);
}

/* Writes len (-1: NULL) and the bytes of v. */
static int
put_text(FILE *f, const char *v)
{
	int64_t len = v == NULL ? -1 : (int64_t)strlen(v);

	return fwrite(&len, sizeof(len), 1, f) == 1 &&
	    (len <= 0 || fwrite(v, (size_t)len, 1, f) == 1) ? 0 : -1;
}

int
tk_ticket_freeze(FILE *f, const itsm_ticket *t)
{
	size_t i;

	for (i = 0; i < ITSM_NFIELDS; i++)
		if (fwrite(&t->num[i], sizeof(t->num[i]), 1, f) != 1 ||
		    put_text(f, t->str[i]) != 0)
			goto fail;
	if (put_text(f, t->json) == 0)
		return 0;
fail:
	return itsm_error(ITSM_E_IO, "cannot write a temporary file: %s",
	    strerror(errno));
}

int
tk_ticket_thaw(FILE *f, itsm_ticket **out)
{
	int64_t len[ITSM_NFIELDS + 1];
	size_t off[ITSM_NFIELDS + 1], used = 0, i;
	itsm_ticket *t;
	char *nb;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	for (i = 0; i <= ITSM_NFIELDS; i++) {
		if ((i < ITSM_NFIELDS && fread(&t->num[i], sizeof(t->num[i]), 1,
		    f) != 1) || fread(&len[i], sizeof(len[i]), 1, f) != 1 ||
		    len[i] < -1 || len[i] > (int64_t)1 << 30)
			goto fail;
		if (len[i] < 0)
			continue;
		if (t->cap - used < (size_t)len[i] + 1) {
			size_t cap = used + (size_t)len[i] + 1 + 1024;

			if ((nb = realloc(t->buf, cap)) == NULL) {
				itsm_ticket_free(t);
				return itsm_error(ITSM_E_NOMEM, "out of memory");
			}
			t->buf = nb;
			t->cap = cap;
		}
		if (len[i] > 0 && fread(t->buf + used, (size_t)len[i], 1, f) != 1)
			goto fail;
		t->buf[used + (size_t)len[i]] = '\0';
		off[i] = used;
		used += (size_t)len[i] + 1;
	}
	for (i = 0; i < ITSM_NFIELDS; i++)
		t->str[i] = len[i] < 0 ? NULL : t->buf + off[i];
	if (len[ITSM_NFIELDS] >= 0 &&
	    (t->json = strdup(t->buf + off[ITSM_NFIELDS])) == NULL) {
		itsm_ticket_free(t);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	*out = t;
	return 0;
fail:
	itsm_ticket_free(t);
	return itsm_error(ITSM_E_IO, "cannot read a temporary file%s%s",
	    ferror(f) ? ": " : "", ferror(f) ? strerror(errno) : "");
}

/*
 * The statement is kept (store_cached): preparing it costs more than
 * running it, and a sweep or a hook reads many tickets in one process.
 */
static int
read_one(itsm_ctx *c, int64_t id, const char *sql, int with_json,
    itsm_ticket **out)
{
	struct colmap m;
	sqlite3_stmt *st;
	itsm_ticket *t;
	int rc;

	*out = NULL;
	if ((rc = store_cached(c->store, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return itsm_error(ITSM_E_NOTFOUND, "no such ticket: %lld",
		    (long long)id);
	}
	if (rc != SQLITE_ROW) {
		rc = store_fail(c->store, "cannot read a ticket");
		sqlite3_reset(st);
		return rc;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		sqlite3_reset(st);
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	map_all(&m);
	if ((rc = fill(t, st, &m, with_json, 1)) != 0) {
		itsm_ticket_free(t);
		t = NULL;
	}
	sqlite3_reset(st);
	*out = t;
	return rc;
}

int
itsm_ticket_get(itsm_ctx *c, int64_t id, itsm_ticket **out)
{
	return read_one(c, id, "SELECT " COLUMNS
	    " FROM tickets t WHERE id = ?1", 1, out);
}


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

/* The priority names of the policy in byte order, without repeats. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * " AND <stagnant>": no activity for longer than the priority's threshold
 * (unprioritized tickets, and those of a priority the policy no longer
 * has: the last priority's).  The last term says it exactly; the first
 * ones only narrow the search, through the index tickets_stagnant
 * (priority, updated_at) of the workable tickets: one range per
 * priority, one for no priority, one around each name for the unknown
 * ones, so that it reads the stagnant tickets and no others, whatever
 * the size of the queue.  The table itself must be read by rowid only
 * (NOT INDEXED): without ANALYZE statistics SQLite would rather read
 * every workable ticket through the status index.
 */
static void
qb_stagnant(struct qb *q, const itsm_policy *p, int64_t now)
{
	size_t i, k, n = itsm_policy_priority_count(p);
	int64_t min = INT64_MAX, th, last;
	const char *sorted[64];
	int name[64], lastcut, arms = 0;

	for (i = 0; i < n; i++)
		if ((th = itsm_policy_priority_stagnation(p, i)) < min)
			min = th;
	last = n ? itsm_policy_priority_stagnation(p, n - 1) : 0;
	if (n > 64) {
		q->overflow = 1;
		return;
	}
#define ARM "%sSELECT id FROM tickets INDEXED BY tickets_stagnant WHERE " \
	"status IN ('new', 'in_progress') AND "
	qb_sql(q, " AND id IN (");
	for (i = 0; i < n; i++) {
		qb_sql(q, ARM "priority = ", arms++ ? " UNION ALL " : "");
		qb_text(q, itsm_policy_priority_name(p, i));
		name[i] = q->n;
		qb_sql(q, " AND updated_at < ");
		qb_int(q, now - itsm_policy_priority_stagnation(p, i));
	}
	qb_sql(q, ARM "priority IS NULL AND updated_at < ",
	    arms++ ? " UNION ALL " : "");
	qb_int(q, now - last);
	lastcut = q->n;
	for (i = 0; i < n; i++)
		sorted[i] = itsm_policy_priority_name(p, i);
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || strcmp(sorted[k - 1], sorted[i]) != 0)
			sorted[k++] = sorted[i];
	/* Between the names: placeholders of the same values, reused. */
	for (i = 0; i <= k; i++) {
		int lo = -1, hi = -1;
		size_t j;

		for (j = 0; j < n; j++) {
			if (i > 0 && strcmp(itsm_policy_priority_name(p, j),
			    sorted[i - 1]) == 0 && lo < 0)
				lo = name[j];
			if (i < k && strcmp(itsm_policy_priority_name(p, j),
			    sorted[i]) == 0 && hi < 0)
				hi = name[j];
		}
		qb_sql(q, ARM, " UNION ALL ");
		if (lo > 0)
			qb_sql(q, "priority > ?%d AND ", lo);
		if (hi > 0)
			qb_sql(q, "priority < ?%d AND ", hi);
		if (lo < 0 && hi < 0)
			qb_sql(q, "priority IS NOT NULL AND ");
		qb_sql(q, "updated_at < ?%d", lastcut);
	}
#undef ARM
	qb_sql(q, ")");
	qb_sql(q, " AND status IN ('new', 'in_progress') AND updated_at < ");
	qb_int(q, now - min);
	qb_sql(q, " AND updated_at < ");
	qb_int(q, now);
	qb_sql(q, " - CASE priority");
	for (i = 0; i < n; i++) {
		qb_sql(q, " WHEN ?%d THEN ", name[i]);
		qb_int(q, itsm_policy_priority_stagnation(p, i));
	}
	qb_sql(q, " ELSE ");
	qb_int(q, last);
	qb_sql(q, " END");
}

/* " AND <breached>": past a due time the ticket has not met. */
static void
qb_breached(struct qb *q, int64_t now)
{
	qb_sql(q, " AND status IN ('new', 'in_progress') AND "
	    "((responded_at IS NULL AND response_due < ");
	qb_int(q, now);
	qb_sql(q, ") OR (resolved_at IS NULL AND resolution_due < ");
	qb_int(q, now);
	qb_sql(q, "))");
}

static void
qb_filter(struct qb *q, itsm_ctx *c, const struct itsm_filter *f)
{
	size_t i;

	if (f->status != NULL) {
		qb_sql(q, "status IN (");
		for (i = 0; f->status[i] != NULL; i++) {
			qb_sql(q, "%s", i ? ", " : "");
			qb_text(q, f->status[i]);
		}
		qb_sql(q, ")");
	} else if (f->all) {
		qb_sql(q, "1");
	} else if (f->workable) {
		/* The queue's literal too, so that its index may serve. */
		qb_sql(q, "status IN ('new', 'in_progress', 'on_hold') AND "
		    "status IN ('new', 'in_progress')");
	} else {
		/* Literal, so that the queue's partial index applies. */
		qb_sql(q, "status IN ('new', 'in_progress', 'on_hold')");
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
		qb_stagnant(q, c->policy, c->now);
	if (f->breached)
		qb_breached(q, c->now);
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
 */
static const char *
queue_plan(const struct itsm_filter *f)
{
	if (f->stagnant)
		return " NOT INDEXED";
	if (f->status == NULL && !f->all && f->assignee == NULL)
		return " INDEXED BY tickets_queue";
	return "";
}

/*
 * The columns of the fields asked for (id always, id and type for the
 * ref), in enum order; column names only from the table above.
 */
static void
qb_columns(struct qb *q, struct colmap *m, uint64_t want)
{
	int f;

	want = (want ? want : ALL_FIELDS) | BIT(ITSM_F_ID);
	if (want & BIT(ITSM_F_REF))
		want |= BIT(ITSM_F_TYPE);
	m->n = 0;
	m->want = want;
	for (f = 0; f < ITSM_NFIELDS; f++) {
		if (f == ITSM_F_REF || !(want & BIT(f)))
			continue;
		qb_sql(q, "%s%s", m->n ? ", " : "", fields[f].column);
		m->field[m->n++] = (unsigned char)f;
	}
}

int
itsm_list(itsm_ctx *c, const struct itsm_filter *f, itsm_iter **out)
{
	struct qb q = { .off = 0 };
	itsm_iter *it;
	int rc;

	*out = NULL;
	if ((rc = tk_filter_check(c, f)) != 0)
		return rc;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	it->store = c->store;
	it->json = f->json;
	qb_sql(&q, "SELECT ");
	/* The JSON object has every field. */
	qb_columns(&q, &it->map, f->json ? 0 : f->fields);
	qb_sql(&q, " FROM tickets t%s WHERE ", queue_plan(f));
	qb_filter(&q, c, f);
	qb_sql(&q, QUEUE_ORDER);
	if (f->limit > 0) {
		qb_sql(&q, " LIMIT ");
		qb_int(&q, f->limit);
	}
	if ((rc = qb_prepare(c->store, &q, &it->st)) != 0) {
		free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int
itsm_iter_next(itsm_iter *it, const itsm_ticket **t)
{
	int rc = sqlite3_step(it->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(it->store, "cannot list tickets");
	if ((rc = fill(&it->t, it->st, &it->map, it->json, 0)) != 0)
		return rc;
	*t = &it->t;
	return 1;
}

void
itsm_iter_free(itsm_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->st);
	free(it->t.json);
	free(it->t.buf);
	free(it);
}

struct itsm_event {
	sqlite3_stmt *st;
	char at[ITSM_TIMEBUF], recorded_at[ITSM_TIMEBUF];
};

struct itsm_event_iter {
	itsm_store *store;
	itsm_event e;
};

int
tk_events_after(itsm_ctx *c, int64_t id, int64_t after, itsm_event_iter **out)
{
	itsm_event_iter *it;
	int rc;

	*out = NULL;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	it->store = c->store;
	if ((rc = store_prepare(c->store, "SELECT at, recorded_at, actor, "
	    "login, kind, field, old, new, message, id FROM events WHERE "
	    "ticket = ?1 AND id > ?2 ORDER BY id", &it->e.st)) != 0) {
		free(it);
		return rc;
	}
	store_bind_int(it->e.st, 1, id);
	store_bind_int(it->e.st, 2, after);
	*out = it;
	return 0;
}

int
itsm_events(itsm_ctx *c, int64_t id, itsm_event_iter **out)
{
	return tk_events_after(c, id, 0, out);
}

int
itsm_major_timeline(itsm_ctx *c, int64_t id, int64_t after,
    itsm_event_iter **out)
{
	return tk_events_after(c, id, after, out);
}

int
itsm_event_next(itsm_event_iter *it, const itsm_event **e)
{
	int rc = sqlite3_step(it->e.st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return store_fail(it->store, "cannot read the history");
	itsm_time_format(sqlite3_column_int64(it->e.st, 0), it->e.at);
	itsm_time_format(sqlite3_column_int64(it->e.st, 1), it->e.recorded_at);
	*e = &it->e;
	return 1;
}

void
itsm_event_iter_free(itsm_event_iter *it)
{
	if (it == NULL)
		return;
	sqlite3_finalize(it->e.st);
	free(it);
}

const char *
itsm_event_str(const itsm_event *e, enum itsm_event_field f)
{
	switch (f) {
	case ITSM_EV_AT:
		return e->at;
	case ITSM_EV_RECORDED_AT:
		return e->recorded_at;
	default:
		if (f >= ITSM_NEVFIELDS)
			return NULL;
		return (const char *)sqlite3_column_text(e->st, (int)f);
	}
}

int64_t
itsm_event_int(const itsm_event *e, enum itsm_event_field f)
{
	return f < ITSM_NEVFIELDS ? sqlite3_column_int64(e->st, (int)f) : 0;
}

/* Columns that may be written: the only names that reach the SQL text. */
static int
writable(const char *col)
{
	static const char *const ok[] = { "type", "status", "summary",
	    "description", "caller", "affected", "channel", "contact",
	    "service", "category", "subcategory", "impact", "urgency",
	    "priority", "priority_rank", "major", "tier", "group_name",
	    "assignee", "opened_at", "updated_at", "responded_at",
	    "resolved_at", "closed_at", "response_due", "resolution_due",
	    "resolution_type", "resolution_code", "resolution_notes",
	    "satisfaction", "reopen_count", "reassignment_count", "parent",
	    "stagnant_escalated_at", "breach_escalated_at", "auto_closed",
	    "hold_reason", "ext_ref", NULL };
	const char *const *p;

	for (p = ok; *p != NULL; p++)
		if (strcmp(*p, col) == 0)
			return 1;
	return 0;
}

static void
bind_set(sqlite3_stmt *st, int i, const struct store_set *v)
{
	if (v->is_int)
		store_bind_int(st, i, v->num);
	else
		store_bind_text(st, i, v->text);
}

int
store_ticket_insert(itsm_store *s, const struct store_set *set, size_t n,
    int64_t *id)
{
	char sql[2048];
	size_t off, i;
	sqlite3_stmt *st;
	int rc;

	off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO tickets (");
	for (i = 0; i < n; i++) {
		if (!writable(set[i].col))
			return itsm_error(ITSM_E_INTERNAL, "no column '%s'",
			    set[i].col);
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s",
		    i ? ", " : "", set[i].col);
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
	if ((rc = store_run(s, st, "cannot log the ticket")) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(SQ(s)->db);
	return 0;
}

int
store_ticket_update(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n)
{
	char sql[2048];
	size_t off, i;
	sqlite3_stmt *st;
	int rc;

	off = (size_t)snprintf(sql, sizeof(sql), "UPDATE tickets SET ");
	for (i = 0; i < n; i++) {
		if (!writable(set[i].col))
			return itsm_error(ITSM_E_INTERNAL, "no column '%s'",
			    set[i].col);
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s%s = ?%zu", i ? ", " : "", set[i].col, i + 1);
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

int
store_event_add(itsm_store *s, int64_t ticket, const struct store_event *e)
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

int
store_status_history(itsm_store *s, int64_t id, struct store_status **out,
    size_t *n)
{
	struct store_status *v = NULL, *nv;
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_cached(s, "SELECT at, new IN ('new', 'in_progress') "
	    "FROM events WHERE ticket = ?1 AND field = 'status' "
	    "ORDER BY at, id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				sqlite3_reset(st);
				return itsm_error(ITSM_E_NOMEM, "out of memory");
			}
			v = nv;
		}
		v[*n].at = sqlite3_column_int64(st, 0);
		v[(*n)++].running = sqlite3_column_int(st, 1);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, "cannot read the history");
		free(v);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	*out = v;
	return 0;
}

int64_t
store_last_event_id(itsm_store *s)
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

int
store_ticket_has(itsm_store *s, const char *col, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	/* Literal SQL per column: col never reaches the statement. */
	rc = store_cached(s, strcmp(col, "priority") == 0 ?
	    "SELECT 1 FROM tickets WHERE priority = ?1 COLLATE NOCASE LIMIT 1" :
	    "SELECT 1 FROM tickets WHERE group_name = ?1 COLLATE NOCASE "
	    "LIMIT 1", &st);
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

int
store_latest_event(itsm_store *s, int64_t ticket, const char *const *also,
    int64_t *at, char *kind, size_t len)
{
	sqlite3_stmt *st;
	const char *k;
	int rc, i;

	*at = 0;
	kind[0] = '\0';
	if ((rc = store_cached(s, "SELECT at, kind FROM events WHERE "
	    "ticket = ?1 AND (field = 'status' OR field IN (?2, ?3, ?4, ?5)) "
	    "ORDER BY at DESC, kind IN ('start', 'major-end'), id DESC "
	    "LIMIT 1", &st)) != 0)
		return rc;
	store_bind_int(st, 1, ticket);
	for (i = 0; also != NULL && i < STORE_ALSO && also[i] != NULL; i++)
		store_bind_text(st, i + 2, also[i]);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*at = sqlite3_column_int64(st, 0);
		k = (const char *)sqlite3_column_text(st, 1);
		snprintf(kind, len, "%s", k != NULL ? k : "");
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = store_fail(s, "cannot read the history");
	else
		rc = 0;
	sqlite3_reset(st);
	return rc;
}

/* Collects the ids of the rows of a query built in q. */
static int
collect_ids(itsm_store *s, struct qb *q, int64_t **out, size_t *n)
{
	int64_t *v = NULL, *nv;
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = qb_prepare(s, q, &st)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				sqlite3_finalize(st);
				return itsm_error(ITSM_E_NOMEM, "out of memory");
			}
			v = nv;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return store_fail(s, "cannot read the queue");
	}
	*out = v;
	return 0;
}

int
store_sweep_ids(itsm_ctx *c, int breached, int64_t **ids, size_t *n)
{
	struct qb q = { .off = 0 };

	qb_sql(&q, "SELECT id FROM tickets%s WHERE 1", breached ? "" :
	    " NOT INDEXED");
	if (breached) {
		qb_breached(&q, c->now);
		qb_sql(&q, " AND (breach_escalated_at IS NULL OR "
		    "breach_escalated_at <= updated_at)");
	} else {
		qb_stagnant(&q, c->policy, c->now);
		qb_sql(&q, " AND (stagnant_escalated_at IS NULL OR "
		    "stagnant_escalated_at <= updated_at)");
	}
	qb_sql(&q, QUEUE_ORDER);
	return collect_ids(c->store, &q, ids, n);
}

int
store_auto_close_ids(itsm_ctx *c, int64_t **ids, size_t *n)
{
	struct qb q = { .off = 0 };

	qb_sql(&q, "SELECT id FROM tickets WHERE status = 'resolved' AND "
	    "resolved_at <= ");
	qb_int(&q, c->now - itsm_policy_auto_close(c->policy));
	qb_sql(&q, " ORDER BY resolved_at, id");
	return collect_ids(c->store, &q, ids, n);
}

/* The rows of a major incident's dossier, as enum tk_crisis_part says. */
static const char *const crisis_sql[TK_CRISIS_NPARTS] = {
	"SELECT state, proposed_at, proposal, declared_at, declared_by, "
	    "ended_at, bridge, root_cause FROM majors WHERE ticket = ?1",
	"SELECT name, role, since FROM major_roster WHERE ticket = ?1 "
	    "ORDER BY name",
	"SELECT kind, text, at FROM major_findings WHERE ticket = ?1 "
	    "ORDER BY id",
	"SELECT n, text, owner, due, done_at FROM major_actions WHERE "
	    "ticket = ?1 ORDER BY n",
};

int
tk_crisis_rows(itsm_ctx *c, int64_t id, enum tk_crisis_part part,
    int (*row)(void *arg, const struct tk_value *v, int n), void *arg)
{
	struct tk_value v[8];
	sqlite3_stmt *st;
	int rc, i, n;

	if ((rc = store_cached(c->store, crisis_sql[part], &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	n = sqlite3_column_count(st);
	if (n > 8)
		n = 8;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			v[i].type = sqlite3_column_type(st, i);
			v[i].type = v[i].type == SQLITE_NULL ? TK_NULL :
			    v[i].type == SQLITE_INTEGER ? TK_INT : TK_TEXT;
			v[i].i = sqlite3_column_int64(st, i);
			v[i].s = v[i].type == TK_TEXT ?
			    (const char *)sqlite3_column_text(st, i) : NULL;
		}
		if ((rc = row(arg, v, n)) != 0) {
			sqlite3_reset(st);
			return rc;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(c->store,
	    "cannot read a major incident");
	sqlite3_reset(st);
	return rc;
}

/* The columns export reads after COLUMNS, in the order of struct tk_export. */
#define EXPORT_COLUMNS "ext_ref, priority_rank, stagnant_escalated_at, " \
	"breach_escalated_at, auto_closed, hold_reason, EXISTS (SELECT 1 FROM " \
	"majors m WHERE m.ticket = t.id)"

/* An int column into v, its NULL into null. */
static void
export_int(sqlite3_stmt *st, int col, int64_t *v, int *null)
{
	*null = sqlite3_column_type(st, col) == SQLITE_NULL;
	*v = *null ? 0 : sqlite3_column_int64(st, col);
}

int
tk_export_each(itsm_ctx *c, const struct itsm_filter *f,
    int (*row)(void *arg, const itsm_ticket *t, const struct tk_export *x),
    void *arg)
{
	struct itsm_filter all = *f;
	struct qb q = { .off = 0 };
	struct tk_export x;
	struct colmap m;
	sqlite3_stmt *st;
	itsm_ticket t = { .buf = NULL };
	int rc, n;

	if ((rc = tk_filter_check(c, f)) != 0)
		return rc;
	/* A backup holds every status unless the filter names some. */
	if (all.status == NULL && !all.stagnant && !all.breached &&
	    !all.workable)
		all.all = 1;
	qb_sql(&q, "%s", "SELECT " COLUMNS ", " EXPORT_COLUMNS
	    " FROM tickets t WHERE ");
	qb_filter(&q, c, &all);
	qb_sql(&q, " ORDER BY id");
	if (all.limit > 0) {
		qb_sql(&q, " LIMIT ");
		qb_int(&q, all.limit);
	}
	if ((rc = qb_prepare(c->store, &q, &st)) != 0)
		return rc;
	map_all(&m);
	n = m.n;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Copied: the row's events are read before the next step. */
		if ((rc = fill(&t, st, &m, 0, 1)) != 0)
			goto done;
		x.ext_ref = (const char *)sqlite3_column_text(st, n);
		export_int(st, n + 1, &x.priority_rank, &x.priority_rank_null);
		export_int(st, n + 2, &x.stagnant_escalated_at,
		    &x.stagnant_escalated_null);
		export_int(st, n + 3, &x.breach_escalated_at,
		    &x.breach_escalated_null);
		export_int(st, n + 4, &x.auto_closed, &x.auto_closed_null);
		x.hold_reason = (const char *)sqlite3_column_text(st, n + 5);
		x.crisis = sqlite3_column_int(st, n + 6);
		if ((rc = row(arg, &t, &x)) != 0)
			goto done;
	}
	rc = rc == SQLITE_DONE ? 0 : store_fail(c->store, "cannot export");
done:
	sqlite3_finalize(st);
	free(t.json);
	free(t.buf);
	return rc;
}

int
itsm_ticket_find_ext(itsm_ctx *c, const char *ext, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_cached(c->store, "SELECT id FROM tickets WHERE "
	    "ext_ref = ?1 COLLATE NOCASE", &st)) != 0)
		return rc;
	store_bind_text(st, 1, ext);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = itsm_error(ITSM_E_NOTFOUND, "no such ticket: '%.*s'",
		    itsm_cut(ext, 64), ext);
	} else {
		rc = store_fail(c->store, "cannot look the ticket up");
	}
	sqlite3_reset(st);
	return rc;
}

const struct engine_tickets sq_tickets = {
	.reserved = 0,
};

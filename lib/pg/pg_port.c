/*
 * The PostgreSQL engine's import ops (struct engine_port of
 * lib/engine.h): the rows lib/import_json.c reads from a line, stored as
 * lib/sqlite/sqlite_port.c stores them.
 *
 * Values: a value goes to the server as the text SQLite would have made
 * of it (an integer in decimal, a real as SQLite writes one: "%.15g"
 * with ".0" when it has no point, Inf), and the column's type reads it;
 * a value that type cannot read (a text in an integer column) is a row
 * the database refuses, where SQLite would have kept the text.
 *
 * Refusals: a failed statement aborts a PostgreSQL transaction, so each
 * row that may be refused is written inside a savepoint, rolled back to
 * when it is: the transaction goes on, as SQLite's does.  A refusal (a
 * constraint, SQLSTATE class 23, or a value, class 22) is ITSM_E_INVALID
 * with a reason in the words of SQLite's engine (refusal()).
 *
 * Bulk (after bulk()): tickets and events are held in memory as lines of
 * COPY's text format and sent with COPY ... FROM STDIN in batches of
 * PG_BATCH_TICKETS tickets (the tickets of a batch, then their events,
 * numbered max(id) + 1 on), inside a savepoint: when the server refuses
 * the batch, the engine rolls back to it and writes the batch again row
 * by row, as above, to find the row and its reason; the rows before it
 * stay written, the ones after it are dropped.  The held rows are sent
 * before any other statement of the engine (pg_exec() asks), at
 * import_flush() and at the commit; import_exists() looks at them in
 * memory first, and asks the server without sending them (a child's
 * parent is looked up on nearly every line of a team's export).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"
#include "store_sql.h"

/*
 * Tickets a COPY batch holds (with their events), and the bytes it
 * holds at most.  Measured at 100k tickets of 5 events each, through
 * these ops: batches of 1,000, 5,000 and 20,000 took the same time
 * within the noise (4.5 to 5.3 s, on a busy machine), against 123 s row
 * by row (each INSERT in its savepoint: a third of that time, 24.2 s
 * against 16.6 s without at 20k tickets); 5,000 keeps a batch's memory
 * to a few MiB.
 */
#define PG_BATCH_TICKETS 5000
#define PG_BATCH_BYTES (16u << 20)


/* Whether import gives each key (TK_IMPORTED, lib/ticket_fields.h). */
#define PG_IMPORTED(key, name, kind, flags) [key] = TK_IMPORTED(key, flags),
static const unsigned char imported[SK_NKEYS] = {
	TK_FIELDS(PG_IMPORTED)
};
#undef PG_IMPORTED

/* The columns of an event after its id, in the order of enum imp_ecol. */
#define EVENT_COLUMNS "ticket, at, recorded_at, actor, login, kind, " \
	"field, old, new, message"
#define EVENT_N (1 + IE_N)

/* A row held back: a line of buf, its ticket, where it came from. */
struct held {
	size_t off, len;
	int64_t ticket;		/* the ticket's id (an event: its ticket's) */
	int64_t mark;
	int is_event;
};

struct pg_bulk {
	char *buf;		/* COPY text lines, one a row, in call order */
	size_t len, cap;
	struct held *rows;
	size_t nrows, caprows;
	size_t ntickets, nevents;
	int flushing;		/* sending them: pg_exec() must not ask */
};

/* The INSERT of a ticket (the imported columns in key order), once. */
static char ticket_cols[1024];
static int ticket_ncols;

static void
make_ticket_cols(void)
{
	size_t off = 0;
	int k;

	if (ticket_ncols > 0)
		return;
	for (k = 0; k < SK_NKEYS; k++)
		if (imported[k])
			off += (size_t)snprintf(ticket_cols + off,
			    sizeof(ticket_cols) - off, "%s%s",
			    ticket_ncols++ ? ", " : "", store_column[k]);
}

/*
 * The text SQLite makes of a real stored in a text column: "%.15g",
 * with ".0" in the mantissa when it has no point; Inf and -Inf.  NULL
 * for a NaN (SQLite stores none).
 */
static const char *
real_text(double r, char *buf, size_t len)
{
	char *e;
	size_t n;

	if (isnan(r))
		return NULL;
	if (isinf(r)) {
		snprintf(buf, len, "%s", r > 0 ? "Inf" : "-Inf");
		return buf;
	}
	snprintf(buf, len, "%.15g", r);
	if (strchr(buf, '.') != NULL || (n = strlen(buf)) + 3 > len)
		return buf;
	if ((e = strchr(buf, 'e')) == NULL)
		e = buf + n;
	memmove(e + 2, e, strlen(e) + 1);
	memcpy(e, ".0", 2);
	return buf;
}

/* A value as a parameter's text (NULL for NULL); num is its room. */
static const char *
param_text(const struct store_value *v, char *num, size_t len)
{
	switch (v->type) {
	case STORE_INT:
		snprintf(num, len, "%lld", (long long)v->i);
		return num;
	case STORE_REAL:
		return real_text(v->r, num, len);
	case STORE_TEXT:
		return v->s;
	default:
		return NULL;
	}
}

/* The first line of a server's message, at most its first len bytes. */
static int
first_line(const char *msg)
{
	return (int)strcspn(msg, "\n");
}

/*
 * Why the server refused a row (res failed with SQLSTATE class 23 or
 * 22), in the words of SQLite's engine where the cases match; ticket is
 * the id of a ticket's own row (0 for the others, whose reasons begin
 * with what).  Any other failure is no refusal: pg_fail()'s code.
 */
static int
refusal(itsm_store *s, const PGresult *res, int64_t ticket, const char *what,
    char *why, size_t len)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	char cols[256] = "";
	const char *p, *end;
	size_t off = 0, n, tl;

	if (state == NULL || (strncmp(state, "23", 2) != 0 &&
	    strncmp(state, "22", 2) != 0))
		return pg_fail(s, res, "cannot import");
	if (msg == NULL)
		msg = "refused";
	if (table == NULL)
		table = "";
	if (strcmp(state, "23505") == 0 && ticket > 0 && cons != NULL &&
	    strcmp(cons, "tickets_pkey") == 0) {
		snprintf(why, len, "ticket %lld exists already",
		    (long long)ticket);
	} else if (strcmp(state, "23505") == 0 && detail != NULL &&
	    strncmp(detail, "Key (", 5) == 0 &&
	    (end = strstr(detail, ")=(")) != NULL) {
		/* "Key (a, b)=(...) already exists.": table.a, table.b */
		for (p = detail + 5; p < end && off < sizeof(cols) - 1; ) {
			n = strcspn(p, ",)");
			if (p + n > end)
				n = (size_t)(end - p);
			off += (size_t)snprintf(cols + off, sizeof(cols) - off,
			    "%s%s.%.*s", off ? ", " : "", table, (int)n, p);
			p += n;
			while (p < end && (*p == ',' || *p == ' '))
				p++;
		}
		snprintf(why, len, "%sUNIQUE constraint failed: %s", what,
		    cols);
	} else if (strcmp(state, "23502") == 0 && column != NULL) {
		snprintf(why, len, "%sNOT NULL constraint failed: %s.%s", what,
		    table, column);
	} else if (strcmp(state, "23503") == 0) {
		snprintf(why, len, "%sFOREIGN KEY constraint failed", what);
	} else if (strcmp(state, "23514") == 0 && cons != NULL) {
		/* "tickets_status_check": the column, status. */
		tl = strlen(table);
		p = cons;
		n = strlen(cons);
		if (tl > 0 && strncmp(p, table, tl) == 0 && p[tl] == '_') {
			p += tl + 1;
			n -= tl + 1;
		}
		if (n > 6 && strcmp(p + n - 6, "_check") == 0)
			n -= 6;
		snprintf(why, len, "%sCHECK constraint failed: %.*s", what,
		    (int)n, p);
	} else {
		snprintf(why, len, "%s%.*s", what, first_line(msg), msg);
	}
	return ITSM_E_INVALID;
}

/*
 * Runs one INSERT that the database may refuse, inside a savepoint:
 * refused, the transaction goes on without it.
 */
static int
guarded(itsm_store *s, const char *sql, int n, const char *const *params,
    int64_t ticket, const char *what, char *why, size_t len)
{
	PGresult *r;
	int rc;

	if ((rc = pg_exec(s, "SAVEPOINT itsm_row", 0, NULL, "cannot import",
	    NULL)) != 0)
		return rc;
	r = PQexecParams(PG(s)->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK) {
		if (strcmp(PQcmdTuples(r), "0") != 0)
			PG(s)->changed = 1;
		PQclear(r);
		return pg_exec(s, "RELEASE SAVEPOINT itsm_row", 0, NULL,
		    "cannot import", NULL);
	}
	rc = r != NULL ? refusal(s, r, ticket, what, why, len) :
	    pg_fail(s, r, "cannot import");
	PQclear(r);
	if (rc == ITSM_E_INVALID && pg_exec(s, "ROLLBACK TO SAVEPOINT "
	    "itsm_row", 0, NULL, "cannot import", NULL) == 0)
		(void)pg_exec(s, "RELEASE SAVEPOINT itsm_row", 0, NULL,
		    "cannot import", NULL);
	/* The rollback failed: its error is the one kept, the code rc. */
	return rc;
}

/* The statement and parameters of an imported ticket. */
static int
insert_ticket(itsm_store *s, const char *const *params, int64_t id,
    char *why, size_t len)
{
	char sql[1536];
	int i;

	make_ticket_cols();
	snprintf(sql, sizeof(sql), "INSERT INTO tickets (%s) VALUES (",
	    ticket_cols);
	for (i = 1; i <= ticket_ncols; i++)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "%s$%d",
		    i > 1 ? ", " : "", i);
	strcat(sql, ")");
	return guarded(s, sql, ticket_ncols, params, id, "", why, len);
}

/* An event's values after its id: ticket, then enum imp_ecol's. */
static int
insert_event(itsm_store *s, const char *const *params, char *why,
    size_t len)
{
	return guarded(s, "INSERT INTO events (id, " EVENT_COLUMNS ") VALUES ("
	    PG_NEXT_ID("events") ", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
	    EVENT_N, params, 0, "events: ", why, len);
}

/* Bulk: the rows held back. */

static struct pg_bulk *
bulk_of(itsm_store *s)
{
	return PG(s)->bulk;
}

static int
grow(struct pg_bulk *b, size_t more)
{
	size_t cap;
	char *nb;

	if (b->cap - b->len >= more)
		return 0;
	cap = b->cap ? b->cap : 1 << 16;
	while (cap - b->len < more)
		cap *= 2;
	if ((nb = realloc(b->buf, cap)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	b->buf = nb;
	b->cap = cap;
	return 0;
}

/* Appends text (n bytes) in COPY's text form: \\, \t, \n, \r escaped. */
static int
put_text(struct pg_bulk *b, const char *t, size_t n)
{
	size_t i;
	int rc;

	if ((rc = grow(b, 2 * n + 1)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		switch (t[i]) {
		case '\\':
			b->buf[b->len++] = '\\';
			b->buf[b->len++] = '\\';
			break;
		case '\t':
			b->buf[b->len++] = '\\';
			b->buf[b->len++] = 't';
			break;
		case '\n':
			b->buf[b->len++] = '\\';
			b->buf[b->len++] = 'n';
			break;
		case '\r':
			b->buf[b->len++] = '\\';
			b->buf[b->len++] = 'r';
			break;
		default:
			b->buf[b->len++] = t[i];
			break;
		}
	}
	return 0;
}

/* Appends a value, then a tab (or the line's end when last). */
static int
put_value(struct pg_bulk *b, const struct store_value *v, int last)
{
	char num[64];
	const char *t = NULL;
	int rc;

	if (v->type == STORE_TEXT)
		rc = put_text(b, v->s, v->len);
	else if ((t = param_text(v, num, sizeof(num))) != NULL)
		rc = put_text(b, t, strlen(t));
	else
		rc = put_text(b, "\\N", 0);	/* room for it, below */
	if (rc != 0 || (rc = grow(b, 3)) != 0)
		return rc;
	if (t == NULL && v->type != STORE_TEXT) {
		b->buf[b->len++] = '\\';
		b->buf[b->len++] = 'N';
	}
	b->buf[b->len++] = last ? '\n' : '\t';
	return 0;
}

/* Starts a held row; hold_end() ends it. */
static int
hold_begin(itsm_store *s, int is_event, int64_t ticket)
{
	struct pg_bulk *b = bulk_of(s);
	struct held *nr;
	size_t cap;

	if (b->nrows == b->caprows) {
		cap = b->caprows ? b->caprows * 2 : 1024;
		if ((nr = realloc(b->rows, cap * sizeof(*nr))) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		b->rows = nr;
		b->caprows = cap;
	}
	b->rows[b->nrows] = (struct held){ .off = b->len, .ticket = ticket,
	    .mark = PG(s)->mark, .is_event = is_event };
	return 0;
}

static void
hold_end(itsm_store *s)
{
	struct pg_bulk *b = bulk_of(s);

	b->rows[b->nrows].len = b->len - b->rows[b->nrows].off;
	b->nrows++;
	if (b->rows[b->nrows - 1].is_event)
		b->nevents++;
	else
		b->ntickets++;
}

static void
drop_held(struct pg_bulk *b)
{
	b->len = 0;
	b->nrows = b->ntickets = b->nevents = 0;
}

/*
 * The values of a held line, in place (its escapes undone): n of them
 * into v, NULL for \N.  The line ends with its newline.
 */
static int
split_line(char *line, size_t len, const char **v, int n)
{
	char *p = line, *w, *end = line + len;
	int i;

	for (i = 0; i < n; i++) {
		if (p >= end)
			return itsm_error(ITSM_E_INTERNAL, "a held row is short");
		if (p[0] == '\\' && p[1] == 'N' && (p[2] == '\t' ||
		    p[2] == '\n')) {
			v[i] = NULL;
			p += 3;
			continue;
		}
		v[i] = w = p;
		while (p < end && *p != '\t' && *p != '\n') {
			if (*p == '\\' && p + 1 < end) {
				p++;
				*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' :
				    *p == 'r' ? '\r' : *p;
				p++;
			} else {
				*w++ = *p++;
			}
		}
		p++;		/* the tab, or the newline */
		*w = '\0';	/* where an escape or the separator was */
	}
	return 0;
}

/*
 * Sends n bytes of COPY data to a COPY of sql; the row counts as a
 * change.  Returns 0, or the failed result in *res (the caller's).
 */
static int
copy_in(itsm_store *s, const char *sql, struct pg_bulk *b, int events,
    int64_t first_id, PGresult **res)
{
	PGconn *c = PG(s)->conn;
	PGresult *r;
	char id[32];
	size_t i;
	int ok = 1, n;

	*res = NULL;
	r = PQexec(c, sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN) {
		*res = r;
		return -1;
	}
	PQclear(r);
	for (i = 0; i < b->nrows && ok; i++) {
		if (b->rows[i].is_event != events)
			continue;
		if (events) {
			n = snprintf(id, sizeof(id), "%lld\t",
			    (long long)first_id++);
			ok = PQputCopyData(c, id, n) == 1;
		}
		ok = ok && PQputCopyData(c, b->buf + b->rows[i].off,
		    (int)b->rows[i].len) == 1;
	}
	ok = PQputCopyEnd(c, ok ? NULL : "itsm: cannot send the rows") == 1 &&
	    ok;
	r = PQgetResult(c);
	if (r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK && ok) {
		PG(s)->changed = 1;
		PQclear(r);
		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
		return 0;
	}
	*res = r;
	while ((r = PQgetResult(c)) != NULL)
		PQclear(r);
	return -1;
}

/* Writes the held rows one by one, each refused alone: see refusal(). */
static int
replay(itsm_store *s, struct pg_bulk *b, char *why, size_t len)
{
	const char *v[SK_NKEYS + EVENT_N];
	size_t i;
	int rc = 0;

	for (i = 0; i < b->nrows; i++) {
		struct held *h = &b->rows[i];

		if ((rc = split_line(b->buf + h->off, h->len, v,
		    h->is_event ? EVENT_N : ticket_ncols)) != 0)
			return rc;
		rc = h->is_event ? insert_event(s, v, why, len) :
		    insert_ticket(s, v, h->ticket, why, len);
		if (rc == ITSM_E_INVALID)
			PG(s)->refused = h->mark;
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
pg_port_flush(itsm_store *s, char *why, size_t len)
{
	struct pg_bulk *b = bulk_of(s);
	PGresult *r = NULL;
	char sql[1200];
	int64_t first = 1;
	int rc;

	if (b == NULL || b->nrows == 0 || b->flushing)
		return 0;
	b->flushing = 1;
	make_ticket_cols();
	if ((rc = pg_exec(s, "SAVEPOINT itsm_batch", 0, NULL, "cannot import",
	    NULL)) != 0)
		goto done;
	if (b->nevents > 0) {
		if ((rc = pg_exec(s, "SELECT " PG_NEXT_ID("events"), 0, NULL,
		    "cannot import", &r)) != 0)
			goto done;
		first = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		r = NULL;
	}
	snprintf(sql, sizeof(sql), "COPY tickets (%s) FROM STDIN", ticket_cols);
	if ((b->ntickets == 0 || copy_in(s, sql, b, 0, 0, &r) == 0) &&
	    (b->nevents == 0 || copy_in(s, "COPY events (id, " EVENT_COLUMNS
	    ") FROM STDIN", b, 1, first, &r) == 0)) {
		rc = pg_exec(s, "RELEASE SAVEPOINT itsm_batch", 0, NULL,
		    "cannot import", NULL);
		goto done;
	}
	/* Refused: which row, and why?  Else the COPY's error. */
	rc = refusal(s, r, 0, "", why, len);
	if (rc != ITSM_E_INVALID)
		goto done;
	if ((rc = pg_exec(s, "ROLLBACK TO SAVEPOINT itsm_batch", 0, NULL,
	    "cannot import", NULL)) != 0)
		goto done;
	rc = replay(s, b, why, len);
	if (rc == 0 || rc == ITSM_E_INVALID) {
		int rrc = pg_exec(s, "RELEASE SAVEPOINT itsm_batch", 0, NULL,
		    "cannot import", NULL);

		if (rrc != 0)
			rc = rrc;
	}
done:
	PQclear(r);
	drop_held(b);
	b->flushing = 0;
	return rc;
}

void
pg_port_drop(itsm_store *s)
{
	if (bulk_of(s) != NULL)
		drop_held(bulk_of(s));
}

void
pg_port_free(itsm_store *s)
{
	struct pg_bulk *b = bulk_of(s);

	if (b == NULL)
		return;
	free(b->buf);
	free(b->rows);
	free(b);
	PG(s)->bulk = NULL;
}

int
pg_port_held(const itsm_store *s)
{
	return PG(s)->bulk != NULL && PG(s)->bulk->nrows > 0 &&
	    !PG(s)->bulk->flushing;
}

/* The port ops. */

static int
import_ticket(itsm_store *s, const struct store_value *col, char *why,
    size_t len)
{
	struct pg_bulk *b = bulk_of(s);
	const char *params[SK_NKEYS];
	char num[SK_NKEYS][64];
	int64_t id = col[ITSM_F_ID].type == STORE_INT ? col[ITSM_F_ID].i : 0;
	int k, i = 0, rc;

	PG(s)->refused = PG(s)->mark;
	make_ticket_cols();
	if (b == NULL) {
		for (k = 0; k < SK_NKEYS; k++)
			if (imported[k])
				params[i++] = param_text(&col[k], num[k],
				    sizeof(num[k]));
		return insert_ticket(s, params, id, why, len);
	}
	/* A full batch goes first. */
	if ((b->ntickets >= PG_BATCH_TICKETS || b->len >= PG_BATCH_BYTES) &&
	    (rc = pg_port_flush(s, why, len)) != 0)
		return rc;
	if ((rc = hold_begin(s, 0, id)) != 0)
		return rc;
	for (k = 0; k < SK_NKEYS; k++)
		if (imported[k] && (rc = put_value(b, &col[k],
		    ++i == ticket_ncols)) != 0)
			return rc;
	hold_end(s);
	return 0;
}

static int
import_event(itsm_store *s, int64_t id, const struct store_value *col,
    char *why, size_t len)
{
	struct pg_bulk *b = bulk_of(s);
	struct store_value ticket = { .type = STORE_INT, .i = id };
	const char *params[EVENT_N];
	char num[EVENT_N][64];
	int i, rc;

	PG(s)->refused = PG(s)->mark;
	if (b == NULL) {
		params[0] = param_text(&ticket, num[0], sizeof(num[0]));
		for (i = 0; i < IE_N; i++)
			params[i + 1] = param_text(&col[i], num[i + 1],
			    sizeof(num[0]));
		return insert_event(s, params, why, len);
	}
	if ((rc = hold_begin(s, 1, id)) != 0 ||
	    (rc = put_value(b, &ticket, 0)) != 0)
		return rc;
	for (i = 0; i < IE_N; i++)
		if ((rc = put_value(b, &col[i], i == IE_N - 1)) != 0)
			return rc;
	hold_end(s);
	return 0;
}

/* Inserts n rows of ncol values each (after the ticket) with sql. */
static int
insert_rows(itsm_store *s, const char *sql, int64_t id,
    const struct store_value *rows, size_t n, int ncol, char *why, size_t len)
{
	struct store_value ticket = { .type = STORE_INT, .i = id };
	const char *params[1 + IM_N];
	char num[1 + IM_N][64];
	size_t k;
	int i, rc;

	params[0] = param_text(&ticket, num[0], sizeof(num[0]));
	for (k = 0; k < n; k++) {
		for (i = 0; i < ncol; i++)
			params[i + 1] = param_text(&rows[k * (size_t)ncol +
			    (size_t)i], num[i + 1], sizeof(num[0]));
		if ((rc = guarded(s, sql, ncol + 1, params, 0, "crisis: ", why,
		    len)) != 0)
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

	/* Its ticket first: the rows refer to it. */
	PG(s)->refused = PG(s)->mark;
	if ((rc = pg_port_flush(s, why, len)) != 0)
		return rc;
	if ((rc = insert_rows(s, "INSERT INTO majors (ticket, state, "
	    "proposed_at, proposal, declared_at, declared_by, ended_at, bridge, "
	    "root_cause) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", id,
	    c->major, 1, IM_N, why, len)) != 0 ||
	    (rc = insert_rows(s, "INSERT INTO major_roster (ticket, name, role, "
	    "since) VALUES ($1, $2, $3, $4)", id, ROWS(c->roster), c->nroster,
	    IR_N, why, len)) != 0 ||
	    (rc = insert_rows(s, "INSERT INTO major_findings (id, ticket, kind, "
	    "text, at) VALUES (" PG_NEXT_ID("major_findings") ", $1, $2, $3, "
	    "$4)", id, ROWS(c->findings), c->nfindings, IF_N, why, len)) != 0)
		return rc;
	return insert_rows(s, "INSERT INTO major_actions (ticket, n, text, "
	    "owner, due, done_at) VALUES ($1, $2, $3, $4, $5, $6)", id,
	    ROWS(c->actions), c->nactions, IA_N, why, len);
}

/*
 * A held ticket exists (looked for from the latest: a parent is often
 * just before its children); else the server says, without the held
 * rows being sent.
 */
static int
import_exists(itsm_store *s, int64_t id, int *found)
{
	struct pg_bulk *b = bulk_of(s);
	char num[32];
	const char *p[1] = { num };
	PGresult *r;
	size_t i;
	int rc;

	*found = 0;
	for (i = b != NULL ? b->nrows : 0; i > 0; i--)
		if (!b->rows[i - 1].is_event && b->rows[i - 1].ticket == id) {
			*found = 1;
			return 0;
		}
	snprintf(num, sizeof(num), "%lld", (long long)id);
	if (b != NULL)
		b->flushing = 1;	/* not sent: looked at above */
	rc = pg_exec(s, "SELECT 1 FROM tickets WHERE id = $1::bigint", 1, p,
	    "cannot import", &r);
	if (b != NULL)
		b->flushing = 0;
	if (rc != 0)
		return rc;
	*found = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}

static int
bulk(itsm_store *s)
{
	if (PG(s)->bulk == NULL &&
	    (PG(s)->bulk = calloc(1, sizeof(*PG(s)->bulk))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

static int
import_flush(itsm_store *s, char *why, size_t len)
{
	return pg_port_flush(s, why, len);
}

static void
import_mark(itsm_store *s, int64_t mark)
{
	PG(s)->mark = mark;
	PG(s)->refused = mark;
}

static int64_t
import_refused(itsm_store *s)
{
	return PG(s)->refused;
}

/* Only the parent's key is DEFERRABLE (pg.c, m1): checked at the commit. */
static int
defer_foreign_keys(itsm_store *s)
{
	return pg_exec(s, "SET CONSTRAINTS ALL DEFERRED", 0, NULL,
	    "cannot defer foreign keys", NULL);
}

const struct engine_port pg_port = {
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

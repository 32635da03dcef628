/*
 * The PostgreSQL engine's major incidents (struct engine_majors of
 * lib/engine.h): the majors row, the roster, findings, actions, and the
 * rows that detect and the dossier (lib/major_read.c) read.  The same
 * work as lib/sqlite/sqlite_major.c, in PostgreSQL's words:
 * - every value is a parameter ($n, text form), never SQL text;
 * - texts are of collation "C" (bytewise), and an order by a text says
 *   so again;
 * - NULLs sort where the interface says (last in a descending order),
 *   written out: PostgreSQL's own default is the other way round;
 * - action numbers are max(n) + 1 per major, read inside the caller's
 *   transaction, which the writers' lock serializes (pg.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"

/* The most values a list (statuses, kinds) may hold. */
#define LIST_MAX 32

/*
 * A statement's text and its parameters (integers written in decimal
 * here): the values never reach the SQL.
 */
struct stmt {
	char sql[1024];
	size_t off;
	int n;
	const char *param[LIST_MAX + 12];
	char num[LIST_MAX + 12][24];
	int overflow;
};

static void
st_sql(struct stmt *q, const char *text)
{
	size_t len = strlen(text);

	if (q->overflow || len >= sizeof(q->sql) - q->off) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->off, text, len + 1);
	q->off += len;
}

/* A parameter, written "$n" followed by cast (may be ""). */
static void
st_param(struct stmt *q, const char *v, const char *cast)
{
	char ref[32];

	if (q->n == (int)(sizeof(q->param) / sizeof(q->param[0]))) {
		q->overflow = 1;
		return;
	}
	q->param[q->n++] = v;
	snprintf(ref, sizeof(ref), "$%d%s", q->n, cast);
	st_sql(q, ref);
}

static void
st_text(struct stmt *q, const char *v)
{
	st_param(q, v, "::text");
}

static void
st_int(struct stmt *q, int64_t v)
{
	if (q->n == (int)(sizeof(q->param) / sizeof(q->param[0]))) {
		q->overflow = 1;
		return;
	}
	snprintf(q->num[q->n], sizeof(q->num[0]), "%lld", (long long)v);
	st_param(q, q->num[q->n], "::bigint");
}

/* "(v1, v2)" of a NULL-terminated list; "(NULL)" when it is empty. */
static void
st_list(struct stmt *q, const char *const *list)
{
	int i;

	st_sql(q, "(");
	for (i = 0; list != NULL && list[i] != NULL; i++) {
		if (i == LIST_MAX) {
			q->overflow = 1;
			return;
		}
		st_sql(q, i ? ", " : "");
		st_text(q, list[i]);
	}
	st_sql(q, i ? ")" : "NULL)");
}

static int
st_check(const struct stmt *q)
{
	if (q->overflow)
		return itsm_error(ITSM_E_INTERNAL, "a statement too long for "
		    "the majors");
	return 0;
}

static int
st_exec(itsm_store *s, struct stmt *q, const char *what, PGresult **res)
{
	int rc;

	if ((rc = st_check(q)) != 0)
		return rc;
	return pg_exec(s, q->sql, q->n, q->param, what, res);
}

static int
st_rows(itsm_store *s, struct stmt *q, const char *what,
    struct store_rows **out)
{
	int rc;

	*out = NULL;
	if ((rc = st_check(q)) != 0)
		return rc;
	return pg_rows(s, q->sql, q->n, q->param, what, out);
}

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

/* The text of the first row's first value into *out (NULL: none). */
static int
first_text(PGresult *r, char **out)
{
	int rc = 0;

	*out = NULL;
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) &&
	    (*out = strdup(PQgetvalue(r, 0, 0))) == NULL)
		rc = nomem();
	PQclear(r);
	return rc;
}

static int
pg_major_state(itsm_store *s, int64_t id, char *state, size_t len)
{
	struct stmt q = { .off = 0 };
	PGresult *r;
	int rc;

	state[0] = '\0';
	st_sql(&q, "SELECT state FROM majors WHERE ticket = ");
	st_int(&q, id);
	if ((rc = st_exec(s, &q, "cannot read the major", &r)) != 0)
		return rc;
	if (PQntuples(r) > 0)
		snprintf(state, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* The columns of majors that may be written, by key. */
static const char *const major_columns[STORE_MAJOR_NKEYS] = {
	[STORE_MAJOR_STATE] = "state",
	[STORE_MAJOR_PROPOSED_AT] = "proposed_at",
	[STORE_MAJOR_PROPOSAL] = "proposal",
	[STORE_MAJOR_DECLARED_AT] = "declared_at",
	[STORE_MAJOR_DECLARED_BY] = "declared_by",
	[STORE_MAJOR_ENDED_AT] = "ended_at",
	[STORE_MAJOR_BRIDGE] = "bridge",
	[STORE_MAJOR_ROOT_CAUSE] = "root_cause",
};

/* A value to write: its type is its column's. */
static void
st_set(struct stmt *q, const struct store_major_set *v)
{
	if (v->is_int)
		st_int(q, v->num);
	else
		st_text(q, v->text);
}

static int
pg_major_put(itsm_store *s, int64_t id, const struct store_major_set *set,
    size_t n)
{
	struct stmt q = { .off = 0 };
	PGresult *r;
	size_t i;
	int rc, updated;

	if (n > STORE_MAJOR_NKEYS)
		return itsm_error(ITSM_E_INTERNAL, "too many values for a "
		    "major");
	for (i = 0; i < n; i++)
		if ((unsigned)set[i].key >= STORE_MAJOR_NKEYS)
			return itsm_error(ITSM_E_INTERNAL, "no value %d of a "
			    "major", (int)set[i].key);
	/* An update of the row, or its creation by the first write. */
	st_sql(&q, "UPDATE majors SET ");
	for (i = 0; i < n; i++) {
		st_sql(&q, i ? ", " : "");
		st_sql(&q, major_columns[set[i].key]);
		st_sql(&q, " = ");
		st_set(&q, &set[i]);
	}
	st_sql(&q, " WHERE ticket = ");
	st_int(&q, id);
	if ((rc = st_exec(s, &q, "cannot record the major", &r)) != 0)
		return rc;
	updated = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	if (updated)
		return 0;
	memset(&q, 0, sizeof(q));
	st_sql(&q, "INSERT INTO majors (ticket");
	for (i = 0; i < n; i++) {
		st_sql(&q, ", ");
		st_sql(&q, major_columns[set[i].key]);
	}
	st_sql(&q, ") VALUES (");
	st_int(&q, id);
	for (i = 0; i < n; i++) {
		st_sql(&q, ", ");
		st_set(&q, &set[i]);
	}
	st_sql(&q, ")");
	return st_exec(s, &q, "cannot record the major", NULL);
}

/* The one text sql selects of ticket id ($1) and key ($2); NULL: none. */
static int
roster_text(itsm_store *s, const char *sql, int64_t id, const char *key,
    char **out)
{
	char num[24];
	const char *p[2] = { num, key };
	PGresult *r;
	int rc;

	*out = NULL;
	snprintf(num, sizeof(num), "%lld", (long long)id);
	if ((rc = pg_exec(s, sql, 2, p, "cannot read the roster", &r)) != 0)
		return rc;
	return first_text(r, out);
}

static int
pg_roster_role(itsm_store *s, int64_t id, const char *name, char **role)
{
	return roster_text(s, "SELECT role FROM major_roster WHERE "
	    "ticket = $1::bigint AND name = $2::text", id, name, role);
}

static int
pg_roster_holder(itsm_store *s, int64_t id, const char *role, char **name)
{
	return roster_text(s, "SELECT name FROM major_roster WHERE "
	    "ticket = $1::bigint AND role = $2::text", id, role, name);
}

static int
pg_roster_put(itsm_store *s, int64_t id, const char *name,
    const char *role, int64_t since)
{
	char num[24], at[24];
	const char *p[4] = { num, name, role, at };

	snprintf(num, sizeof(num), "%lld", (long long)id);
	snprintf(at, sizeof(at), "%lld", (long long)since);
	return pg_exec(s, "INSERT INTO major_roster (ticket, name, role, "
	    "since) VALUES ($1::bigint, $2::text, $3::text, $4::bigint) "
	    "ON CONFLICT (ticket, name) DO UPDATE SET role = excluded.role, "
	    "since = excluded.since", 4, p, "cannot update the roster", NULL);
}

static int
pg_roster_delete(itsm_store *s, int64_t id, const char *name)
{
	char num[24];
	const char *p[2] = { num, name };

	snprintf(num, sizeof(num), "%lld", (long long)id);
	return pg_exec(s, "DELETE FROM major_roster WHERE ticket = $1::bigint "
	    "AND name = $2::text", 2, p, "cannot update the roster", NULL);
}

static int
pg_finding_add(itsm_store *s, int64_t id, const char *kind,
    const char *text, int64_t at)
{
	char num[24], when[24];
	const char *p[4] = { num, kind, text, when };

	snprintf(num, sizeof(num), "%lld", (long long)id);
	snprintf(when, sizeof(when), "%lld", (long long)at);
	/* The identity numbers them in the order recorded. */
	return pg_exec(s, "INSERT INTO major_findings (id, ticket, kind, text, "
	    "at) VALUES (" PG_NEXT_ID("major_findings") ", $1::bigint, "
	    "$2::text, $3::text, $4::bigint)", 4, p,
	    "cannot record the finding", NULL);
}

static int
pg_action_add(itsm_store *s, int64_t id, const char *text,
    const char *owner, int64_t due, int *n)
{
	char num[24], when[24];
	const char *p[4] = { num, text, owner, when };
	PGresult *r;
	int rc;

	snprintf(num, sizeof(num), "%lld", (long long)id);
	snprintf(when, sizeof(when), "%lld", (long long)due);
	/* The caller's transaction holds the writers' lock: no race. */
	if ((rc = pg_exec(s, "INSERT INTO major_actions (ticket, n, text, "
	    "owner, due) VALUES ($1::bigint, (SELECT coalesce(max(n), 0) + 1 "
	    "FROM major_actions WHERE ticket = $1::bigint), $2::text, "
	    "$3::text, $4::bigint) RETURNING n", 4, p,
	    "cannot record the action", &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		*n = atoi(PQgetvalue(r, 0, 0));
	else
		rc = itsm_error(ITSM_E_INTERNAL, "cannot record the action");
	PQclear(r);
	return rc;
}

static int
pg_action_done(itsm_store *s, int64_t id, int n, int64_t at, char **text)
{
	char num[24], k[24], when[24];
	const char *p[3] = { num, k, when };
	PGresult *r;
	int rc;

	*text = NULL;
	snprintf(num, sizeof(num), "%lld", (long long)id);
	snprintf(k, sizeof(k), "%d", n);
	snprintf(when, sizeof(when), "%lld", (long long)at);
	if ((rc = pg_exec(s, "UPDATE major_actions SET done_at = $3::bigint "
	    "WHERE ticket = $1::bigint AND n = $2::bigint AND done_at IS NULL "
	    "RETURNING text", 3, p, "cannot update the action", &r)) != 0)
		return rc;
	/* No such open action: *text stays NULL. */
	return first_text(r, text);
}

/* The integers of the first column of q's rows, in order. */
static int
collect(itsm_store *s, struct stmt *q, int64_t **out, size_t *n)
{
	PGresult *r;
	int64_t *v;
	int i, rows, rc;

	*out = NULL;
	*n = 0;
	if ((rc = st_exec(s, q, "cannot read the majors", &r)) != 0)
		return rc;
	rows = PQntuples(r);
	/* One more than needed: malloc(0) may be NULL. */
	if ((v = malloc(((size_t)rows + 1) * sizeof(*v))) == NULL) {
		PQclear(r);
		return nomem();
	}
	for (i = 0; i < rows; i++)
		v[i] = strtoll(PQgetvalue(r, i, 0), NULL, 10);
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return 0;
}

static int
pg_children_in(itsm_store *s, int64_t id, const char *const *statuses,
    int64_t **ids, size_t *n)
{
	struct stmt q = { .off = 0 };

	st_sql(&q, "SELECT id FROM tickets WHERE parent = ");
	st_int(&q, id);
	st_sql(&q, " AND status IN ");
	st_list(&q, statuses);
	st_sql(&q, " ORDER BY id");
	return collect(s, &q, ids, n);
}

static int
pg_in_state(itsm_store *s, const char *state, int64_t **ids, size_t *n)
{
	struct stmt q = { .off = 0 };

	/* Newest declared first; one never declared (NULL) last. */
	st_sql(&q, "SELECT ticket FROM majors WHERE state = ");
	st_text(&q, state);
	st_sql(&q, " ORDER BY declared_at DESC NULLS LAST, ticket DESC");
	return collect(s, &q, ids, n);
}

/*
 * The tickets of type in statuses with their major's state, by id; with
 * a service, opened at or after since, when storms.
 */
static int
candidates(itsm_store *s, const char *type, const char *const *statuses,
    int storms, int64_t since, struct store_rows **out)
{
	struct stmt q = { .off = 0 };

	st_sql(&q, "SELECT t.id, t.service, t.parent, m.state FROM tickets t "
	    "LEFT JOIN majors m ON m.ticket = t.id WHERE t.type = ");
	st_text(&q, type);
	if (storms) {
		st_sql(&q, " AND t.service IS NOT NULL AND t.opened_at >= ");
		st_int(&q, since);
	}
	st_sql(&q, " AND t.status IN ");
	st_list(&q, statuses);
	st_sql(&q, " ORDER BY t.id");
	return st_rows(s, &q, "cannot look for majors", out);
}

static int
pg_rule_candidates(itsm_store *s, const char *type,
    const char *const *statuses, struct store_rows **out)
{
	return candidates(s, type, statuses, 0, 0, out);
}

static int
pg_storms(itsm_store *s, const char *type, const char *const *statuses,
    int64_t since, struct store_rows **out)
{
	return candidates(s, type, statuses, 1, since, out);
}

/* The rows of sql, its $1 bound to id. */
static int
rows_of(itsm_store *s, const char *sql, int64_t id, struct store_rows **out)
{
	char num[24];
	const char *p[1] = { num };

	*out = NULL;
	snprintf(num, sizeof(num), "%lld", (long long)id);
	return pg_rows(s, sql, 1, p, "cannot read the major", out);
}

static int
pg_dossier(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT state, proposed_at, proposal, declared_at, "
	    "declared_by, ended_at, bridge, root_cause FROM majors WHERE "
	    "ticket = $1::bigint", id, out);
}

static int
pg_roster(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT name, role, since FROM major_roster WHERE "
	    "ticket = $1::bigint ORDER BY name COLLATE \"C\"", id, out);
}

static int
pg_children(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT id, type, status, caller, channel "
	    "FROM tickets WHERE parent = $1::bigint ORDER BY id", id, out);
}

static int
pg_findings(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT kind, text, at FROM major_findings WHERE "
	    "ticket = $1::bigint ORDER BY id", id, out);
}

static int
pg_actions(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT n, text, owner, due, done_at FROM "
	    "major_actions WHERE ticket = $1::bigint ORDER BY n", id, out);
}

static int
pg_major_events(itsm_store *s, int64_t id, const char *const *kinds,
    struct store_rows **out)
{
	struct stmt q = { .off = 0 };

	st_sql(&q, "SELECT id, at, kind, field, message FROM events "
	    "WHERE ticket = ");
	st_int(&q, id);
	st_sql(&q, " AND kind IN ");
	st_list(&q, kinds);
	st_sql(&q, " ORDER BY id");
	return st_rows(s, &q, "cannot read the major", out);
}

const struct engine_majors pg_majors = {
	.state = pg_major_state,
	.put = pg_major_put,
	.in_state = pg_in_state,
	.roster_role = pg_roster_role,
	.roster_holder = pg_roster_holder,
	.roster_put = pg_roster_put,
	.roster_delete = pg_roster_delete,
	.finding_add = pg_finding_add,
	.action_add = pg_action_add,
	.action_done = pg_action_done,
	.children_in = pg_children_in,
	.rule_candidates = pg_rule_candidates,
	.storms = pg_storms,
	.dossier = pg_dossier,
	.roster = pg_roster,
	.children = pg_children,
	.findings = pg_findings,
	.actions = pg_actions,
	.events = pg_major_events,
};

/*
 * The SQLite engine's major incidents (struct engine_majors): the majors
 * row, the roster, findings, actions, and the rows that detect and the
 * dossier (lib/major_read.c) read.  The rules are lib/major*.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? strdup((const char *)t) : NULL;
}

/*
 * Appends to sql (at *off, len bytes) the placeholders ?first, ... of
 * the NULL-terminated list, parenthesized: "(?2, ?3)"; "(NULL)" when it
 * is empty.  Returns the number of them.
 */
static int
in_list(char *sql, size_t len, size_t *off, int first,
    const char *const *list)
{
	int n;

	sq_append(sql, len, off, "(");
	for (n = 0; list != NULL && list[n] != NULL; n++)
		sq_append(sql, len, off, "%s?%d",
		    n ? ", " : "", first + n);
	sq_append(sql, len, off, "%s)",
	    n ? "" : "NULL");
	return n;
}

static void
bind_list(sqlite3_stmt *st, int first, const char *const *list)
{
	int i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		store_bind_text(st, first + i, list[i]);
}

static int
sq_major_state(itsm_store *s, int64_t id, char *state, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	state[0] = '\0';
	if ((rc = store_prepare(s, "SELECT state FROM majors WHERE ticket = ?1",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(state, len, "%s", sqlite3_column_text(st, 0));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(s, "cannot read the major");
	}
	sqlite3_finalize(st);
	return rc;
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

static int
sq_major_put(itsm_store *s, int64_t id, const struct store_major_set *set,
    size_t n)
{
	char sql[1024];
	size_t off, i;
	sqlite3_stmt *st;
	int rc;

	if (n > STORE_MAJOR_NKEYS)
		return itsm_error(ITSM_E_INTERNAL, "too many values for a "
		    "major");
	for (i = 0; i < n; i++)
		if ((unsigned)set[i].key >= STORE_MAJOR_NKEYS)
			return itsm_error(ITSM_E_INTERNAL, "no value %d of a "
			    "major", (int)set[i].key);
	/* An update of the row, or its creation by the first write. */
	off = 0;
	sq_append(sql, sizeof(sql), &off, "UPDATE majors SET ");
	for (i = 0; i < n; i++)
		sq_append(sql, sizeof(sql), &off, "%s%s = ?%zu",
		    i ? ", " : "", major_columns[set[i].key], i + 2);
	sq_append(sql, sizeof(sql), &off, " WHERE ticket = ?1");
	if ((rc = sq_too_long(off, sizeof(sql))) != 0 ||
	    (rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	for (i = 0; i < n; i++) {
		if (set[i].is_int)
			store_bind_int(st, (int)i + 2, set[i].num);
		else
			store_bind_text(st, (int)i + 2, set[i].text);
	}
	if ((rc = store_exec_stmt(s, st, "cannot record the major")) != 0)
		return rc;
	if (sqlite3_changes(SQ(s)->db) > 0)
		return 0;
	off = 0;
	sq_append(sql, sizeof(sql), &off, "INSERT INTO majors (ticket");
	for (i = 0; i < n; i++)
		sq_append(sql, sizeof(sql), &off, ", %s",
		    major_columns[set[i].key]);
	sq_append(sql, sizeof(sql), &off, ") VALUES (?1");
	for (i = 0; i < n; i++)
		sq_append(sql, sizeof(sql), &off, ", ?%zu", i + 2);
	sq_append(sql, sizeof(sql), &off, ")");
	if ((rc = sq_too_long(off, sizeof(sql))) != 0 ||
	    (rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	for (i = 0; i < n; i++) {
		if (set[i].is_int)
			store_bind_int(st, (int)i + 2, set[i].num);
		else
			store_bind_text(st, (int)i + 2, set[i].text);
	}
	return store_exec_stmt(s, st, "cannot record the major");
}

/* The one text sql selects of ticket id and key (NULL: no row). */
static int
roster_text(itsm_store *s, const char *sql, int64_t id, const char *key,
    char **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = (*out = col_dup(st, 0)) != NULL ? 0 : nomem();
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(s, "cannot read the roster");
	sqlite3_finalize(st);
	return rc;
}

static int
sq_roster_role(itsm_store *s, int64_t id, const char *name, char **role)
{
	return roster_text(s, "SELECT role FROM major_roster WHERE "
	    "ticket = ?1 AND name = ?2", id, name, role);
}

static int
sq_roster_holder(itsm_store *s, int64_t id, const char *role, char **name)
{
	return roster_text(s, "SELECT name FROM major_roster WHERE "
	    "ticket = ?1 AND role = ?2", id, role, name);
}

static int
sq_roster_put(itsm_store *s, int64_t id, const char *name,
    const char *role, int64_t since)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO major_roster (ticket, name, "
	    "role, since) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (ticket, name) "
	    "DO UPDATE SET role = excluded.role, since = excluded.since",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, role);
	store_bind_int(st, 4, since);
	return store_exec_stmt(s, st, "cannot update the roster");
}

static int
sq_roster_delete(itsm_store *s, int64_t id, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "DELETE FROM major_roster WHERE ticket = ?1 "
	    "AND name = ?2", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, name);
	return store_exec_stmt(s, st, "cannot update the roster");
}

static int
sq_finding_add(itsm_store *s, int64_t id, const char *kind,
    const char *text, int64_t at)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO major_findings (ticket, kind, "
	    "text, at) VALUES (?1, ?2, ?3, ?4)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, text);
	store_bind_int(st, 4, at);
	return store_exec_stmt(s, st, "cannot record the finding");
}

static int
sq_action_add(itsm_store *s, int64_t id, const char *text,
    const char *owner, int64_t due, int *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "INSERT INTO major_actions (ticket, n, text, "
	    "owner, due) VALUES (?1, (SELECT ifnull(max(n), 0) + 1 FROM "
	    "major_actions WHERE ticket = ?1), ?2, ?3, ?4) RETURNING n",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, text);
	store_bind_text(st, 3, owner);
	store_bind_int(st, 4, due);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
		    store_fail(s, "cannot record the action");
	} else {
		rc = store_fail(s, "cannot record the action");
	}
	sqlite3_finalize(st);
	return rc;
}

static int
sq_action_done(itsm_store *s, int64_t id, int n, int64_t at,
    char **text)
{
	sqlite3_stmt *st;
	int rc;

	*text = NULL;
	if ((rc = store_prepare(s, "UPDATE major_actions SET done_at = ?3 "
	    "WHERE ticket = ?1 AND n = ?2 AND done_at IS NULL RETURNING text",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, n);
	store_bind_int(st, 3, at);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if ((*text = col_dup(st, 0)) == NULL)
			rc = nomem();
		else
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
			    store_fail(s, "cannot update the action");
	} else if (rc == SQLITE_DONE) {
		rc = 0;		/* no such open action: *text stays NULL */
	} else {
		rc = store_fail(s, "cannot update the action");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Collects the integers of the first column of a prepared statement. */
static int
collect(itsm_store *s, sqlite3_stmt *st, int64_t **out, size_t *n)
{
	int64_t *v = NULL, *nv;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				sqlite3_finalize(st);
				return nomem();
			}
			v = nv;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return store_fail(s, "cannot read the majors");
	}
	*out = v;
	return 0;
}

static int
sq_children_in(itsm_store *s, int64_t id, const char *const *statuses,
    int64_t **ids, size_t *n)
{
	char sql[256];
	size_t off;
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*n = 0;
	off = 0;
	sq_append(sql, sizeof(sql), &off, "SELECT id FROM tickets "
	    "WHERE parent = ?1 AND status IN ");
	in_list(sql, sizeof(sql), &off, 2, statuses);
	sq_append(sql, sizeof(sql), &off, " ORDER BY id");
	if ((rc = sq_too_long(off, sizeof(sql))) != 0 ||
	    (rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	bind_list(st, 2, statuses);
	return collect(s, st, ids, n);
}

static int
sq_in_state(itsm_store *s, const char *state, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = store_prepare(s, "SELECT ticket FROM majors WHERE "
	    "state = ?1 ORDER BY declared_at DESC, ticket DESC", &st)) != 0)
		return rc;
	store_bind_text(st, 1, state);
	return collect(s, st, ids, n);
}

/*
 * The tickets of type in statuses with their major's state, by id; with
 * a service, opened at or after since, when storms (the index
 * tickets_service holds them).
 */
static int
candidates(itsm_store *s, const char *type, const char *const *statuses,
    int storms, int64_t since, struct store_rows **out)
{
	char sql[512];
	size_t off;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	off = 0;
	sq_append(sql, sizeof(sql), &off, "SELECT t.id, t.service, "
	    "t.parent, m.state FROM tickets t LEFT JOIN majors m ON "
	    "m.ticket = t.id WHERE t.type = ?1 AND %st.status IN ",
	    storms ? "t.service IS NOT NULL AND t.opened_at >= ?2 AND " : "");
	in_list(sql, sizeof(sql), &off, 3, statuses);
	sq_append(sql, sizeof(sql), &off, " ORDER BY t.id");
	if ((rc = sq_too_long(off, sizeof(sql))) != 0 ||
	    (rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_text(st, 1, type);
	if (storms)
		store_bind_int(st, 2, since);
	bind_list(st, 3, statuses);
	return sq_rows(s, st, 0, "cannot look for majors", out);
}

static int
sq_rule_candidates(itsm_store *s, const char *type,
    const char *const *statuses, struct store_rows **out)
{
	return candidates(s, type, statuses, 0, 0, out);
}

static int
sq_storms(itsm_store *s, const char *type, const char *const *statuses,
    int64_t since, struct store_rows **out)
{
	return candidates(s, type, statuses, 1, since, out);
}

/* The rows of sql, its ?1 bound to id. */
static int
rows_of(itsm_store *s, const char *sql, int64_t id, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_cached(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	return sq_rows(s, st, 1, "cannot read the major", out);
}

static int
sq_dossier(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT state, proposed_at, proposal, declared_at, "
	    "declared_by, ended_at, bridge, root_cause FROM majors WHERE "
	    "ticket = ?1", id, out);
}

static int
sq_roster(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT name, role, since FROM major_roster WHERE "
	    "ticket = ?1 ORDER BY name", id, out);
}

static int
sq_children(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT id, type, status, caller, channel "
	    "FROM tickets WHERE parent = ?1 ORDER BY id", id, out);
}

static int
sq_findings(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT kind, text, at FROM major_findings WHERE "
	    "ticket = ?1 ORDER BY id", id, out);
}

static int
sq_actions(itsm_store *s, int64_t id, struct store_rows **out)
{
	return rows_of(s, "SELECT n, text, owner, due, done_at FROM "
	    "major_actions WHERE ticket = ?1 ORDER BY n", id, out);
}

static int
sq_events(itsm_store *s, int64_t id, const char *const *kinds,
    struct store_rows **out)
{
	char sql[256];
	size_t off;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	off = 0;
	sq_append(sql, sizeof(sql), &off, "SELECT id, at, kind, field, "
	    "message FROM events WHERE ticket = ?1 AND kind IN ");
	in_list(sql, sizeof(sql), &off, 2, kinds);
	sq_append(sql, sizeof(sql), &off, " ORDER BY id");
	if ((rc = sq_too_long(off, sizeof(sql))) != 0 ||
	    (rc = store_prepare(s, sql, &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	bind_list(st, 2, kinds);
	return sq_rows(s, st, 0, "cannot read the major", out);
}

const struct engine_majors sq_majors = {
	.state = sq_major_state,
	.put = sq_major_put,
	.in_state = sq_in_state,
	.roster_role = sq_roster_role,
	.roster_holder = sq_roster_holder,
	.roster_put = sq_roster_put,
	.roster_delete = sq_roster_delete,
	.finding_add = sq_finding_add,
	.action_add = sq_action_add,
	.action_done = sq_action_done,
	.children_in = sq_children_in,
	.rule_candidates = sq_rule_candidates,
	.storms = sq_storms,
	.dossier = sq_dossier,
	.roster = sq_roster,
	.children = sq_children,
	.findings = sq_findings,
	.actions = sq_actions,
	.events = sq_events,
};

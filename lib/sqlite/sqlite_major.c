/*
 * The SQL of major incidents: the majors row, the roster, findings,
 * actions, children, the queries detect runs, and the dossier that
 * status and report read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/major.h"
#include "itsm/time.h"
#include "sqlite_int.h"
#include "store_major.h"
#include "ticket_int.h"

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

static int64_t
col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, i);
}

int
store_major_state(itsm_store *s, int64_t id, char *state, size_t len)
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

/* Columns of majors that may be written. */
static int
major_column(const char *col)
{
	static const char *const ok[] = { "state", "proposed_at", "proposal",
	    "declared_at", "declared_by", "ended_at", "bridge", "root_cause",
	    NULL };
	const char *const *p;

	for (p = ok; *p != NULL; p++)
		if (strcmp(*p, col) == 0)
			return 1;
	return 0;
}

int
store_major_put(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n)
{
	char sql[1024];
	size_t off, i;
	sqlite3_stmt *st;
	int rc;

	for (i = 0; i < n; i++)
		if (!major_column(set[i].col))
			return itsm_error(ITSM_E_INTERNAL, "no column '%s'",
			    set[i].col);
	/* An update of the row, or its creation by the first write. */
	off = (size_t)snprintf(sql, sizeof(sql), "UPDATE majors SET ");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s%s = ?%zu", i ? ", " : "", set[i].col, i + 2);
	snprintf(sql + off, sizeof(sql) - off, " WHERE ticket = ?1");
	if ((rc = store_prepare(s, sql, &st)) != 0)
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
	off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO majors (ticket");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, ", %s",
		    set[i].col);
	off += (size_t)snprintf(sql + off, sizeof(sql) - off, ") VALUES (?1");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, ", ?%zu",
		    i + 2);
	snprintf(sql + off, sizeof(sql) - off, ")");
	if ((rc = store_prepare(s, sql, &st)) != 0)
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

int
store_roster_role(itsm_store *s, int64_t id, const char *name, char **role)
{
	sqlite3_stmt *st;
	int rc;

	*role = NULL;
	if ((rc = store_prepare(s, "SELECT role FROM major_roster WHERE "
	    "ticket = ?1 AND name = ?2", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = (*role = col_dup(st, 0)) != NULL ? 0 : nomem();
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(s, "cannot read the roster");
	sqlite3_finalize(st);
	return rc;
}

int
store_roster_commander(itsm_store *s, int64_t id, char **name)
{
	sqlite3_stmt *st;
	int rc;

	*name = NULL;
	if ((rc = store_prepare(s, "SELECT name FROM major_roster WHERE "
	    "ticket = ?1 AND role = 'commander'", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = (*name = col_dup(st, 0)) != NULL ? 0 : nomem();
	else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(s, "cannot read the roster");
	sqlite3_finalize(st);
	return rc;
}

int
store_roster_put(itsm_store *s, int64_t id, const char *name,
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

int
store_roster_delete(itsm_store *s, int64_t id, const char *name)
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

int
store_finding_add(itsm_store *s, int64_t id, const char *kind,
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

int
store_action_add(itsm_store *s, int64_t id, const char *text,
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

int
store_action_done(itsm_store *s, int64_t id, int n, int64_t at,
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
		rc = itsm_error(ITSM_E_INVALID, "no open action %d on this "
		    "major", n);
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
		return store_fail(s, "cannot read the majors");
	}
	*out = v;
	return 0;
}

int
store_open_children(itsm_store *s, int64_t id, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "SELECT id FROM tickets WHERE parent = ?1 "
	    "AND status IN ('new', 'in_progress', 'on_hold') ORDER BY id",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	return collect(s, st, ids, n);
}

int
itsm_major_active(itsm_ctx *c, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(c->store, "SELECT ticket FROM majors WHERE "
	    "state = 'active' ORDER BY declared_at DESC, ticket DESC",
	    &st)) != 0)
		return rc;
	return collect(c->store, st, ids, n);
}

int
store_rule_candidates(itsm_store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st;
	int rc;

	/* Open incidents never proposed, declared or linked to a major. */
	if ((rc = store_prepare(s, "SELECT id FROM tickets t WHERE status IN "
	    "('new', 'in_progress', 'on_hold') AND type = 'incident' AND "
	    "parent IS NULL AND NOT EXISTS (SELECT 1 FROM majors m WHERE "
	    "m.ticket = t.id) ORDER BY id", &st)) != 0)
		return rc;
	return collect(s, st, ids, n);
}

int
store_storms(itsm_store *s, int64_t since, size_t count,
    struct store_storm **out, size_t *n)
{
	struct store_storm *v = NULL, *nv;
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	/*
	 * Services with count or more incidents opened since the window
	 * began, none of them already a major or linked to one.
	 */
	if ((rc = store_prepare(s, "SELECT service, count(*), min(id) FROM "
	    "tickets t WHERE service IS NOT NULL AND type = 'incident' AND "
	    "opened_at >= ?1 AND status IN ('new', 'in_progress', 'on_hold') "
	    "GROUP BY service COLLATE NOCASE HAVING count(*) >= ?2 AND "
	    "sum(parent IS NOT NULL OR EXISTS (SELECT 1 FROM majors m WHERE "
	    "m.ticket = t.id)) = 0 ORDER BY min(id)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, (int64_t)count);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = nomem();
				goto fail;
			}
			v = nv;
		}
		v[*n].service = col_dup(st, 0);
		v[*n].count = (size_t)sqlite3_column_int64(st, 1);
		v[*n].first = sqlite3_column_int64(st, 2);
		if (v[(*n)++].service == NULL) {
			rc = nomem();
			goto fail;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, "cannot look for storms");
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	store_storms_free(v, *n);
	*n = 0;
	return rc;
}

void
store_storms_free(struct store_storm *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].service);
	free(v);
}

/* The dossier. */

struct roster { char *name, *role; int64_t since; };
struct child { char *ref, *status, *caller; };
struct finding { char *kind, *text; };
struct action { int n; char *text, *owner; int64_t due, done; };
struct audience { const char *name; int64_t last, due; };

struct itsm_major {
	itsm_ticket *t;
	char *state, *proposal, *declared_by, *bridge, *root_cause;
	int64_t proposed_at, declared_at, ended_at;
	struct roster *roster;
	size_t nroster;
	struct child *children;
	size_t nchildren;
	struct finding *findings;
	size_t nfindings;
	struct action *actions;
	size_t nactions;
	struct audience *audiences;
	size_t naudiences;
	int64_t last_update_at, first_comms_at;
	char *last_update;
};

/* Grows an array of n elements of size sz by one; NULL when out of memory. */
static void *
grow(void *arr, size_t n, size_t sz)
{
	void *r = realloc(arr, (n + 1) * sz);

	if (r != NULL)
		memset((char *)r + n * sz, 0, sz);
	return r;
}

void
itsm_major_free(itsm_major *m)
{
	size_t i;

	if (m == NULL)
		return;
	itsm_ticket_free(m->t);
	free(m->state);
	free(m->proposal);
	free(m->declared_by);
	free(m->bridge);
	free(m->root_cause);
	for (i = 0; i < m->nroster; i++) {
		free(m->roster[i].name);
		free(m->roster[i].role);
	}
	free(m->roster);
	for (i = 0; i < m->nchildren; i++) {
		free(m->children[i].ref);
		free(m->children[i].status);
		free(m->children[i].caller);
	}
	free(m->children);
	for (i = 0; i < m->nfindings; i++) {
		free(m->findings[i].kind);
		free(m->findings[i].text);
	}
	free(m->findings);
	for (i = 0; i < m->nactions; i++) {
		free(m->actions[i].text);
		free(m->actions[i].owner);
	}
	free(m->actions);
	free(m->audiences);
	free(m->last_update);
	free(m);
}

#define REF_SQL "(CASE type WHEN 'request' THEN 'REQ-' WHEN 'change' THEN " \
	"'CHG-' ELSE 'INC-' END || id)"

static int
load(itsm_ctx *c, itsm_major *m, int64_t id)
{
	const itsm_policy *p = c->policy;
	itsm_store *s = c->store;
	sqlite3_stmt *st = NULL;
	const char *pri;
	void *g;
	size_t i;
	int rc;

	if ((rc = store_prepare(s, "SELECT state, proposed_at, proposal, "
	    "declared_at, declared_by, ended_at, bridge, root_cause FROM "
	    "majors WHERE ticket = ?1", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return itsm_error(ITSM_E_NOTFOUND, "%s never was a major "
		    "incident", itsm_ticket_str(m->t, ITSM_F_REF));
	}
	if (rc != SQLITE_ROW)
		goto fail;
	m->state = col_dup(st, 0);
	m->proposed_at = col_time(st, 1);
	m->proposal = col_dup(st, 2);
	m->declared_at = col_time(st, 3);
	m->declared_by = col_dup(st, 4);
	m->ended_at = col_time(st, 5);
	m->bridge = col_dup(st, 6);
	m->root_cause = col_dup(st, 7);
	sqlite3_finalize(st);

	if ((rc = store_prepare(s, "SELECT name, role, since FROM major_roster "
	    "WHERE ticket = ?1 ORDER BY role <> 'commander', since, name",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((g = grow(m->roster, m->nroster, sizeof(*m->roster))) == NULL)
			goto oom;
		m->roster = g;
		m->roster[m->nroster].name = col_dup(st, 0);
		m->roster[m->nroster].role = col_dup(st, 1);
		m->roster[m->nroster++].since = col_time(st, 2);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	if ((rc = store_prepare(s, "SELECT " REF_SQL ", status, caller FROM "
	    "tickets WHERE parent = ?1 ORDER BY id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((g = grow(m->children, m->nchildren,
		    sizeof(*m->children))) == NULL)
			goto oom;
		m->children = g;
		m->children[m->nchildren].ref = col_dup(st, 0);
		m->children[m->nchildren].status = col_dup(st, 1);
		m->children[m->nchildren++].caller = col_dup(st, 2);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	if ((rc = store_prepare(s, "SELECT kind, text FROM major_findings "
	    "WHERE ticket = ?1 ORDER BY id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((g = grow(m->findings, m->nfindings,
		    sizeof(*m->findings))) == NULL)
			goto oom;
		m->findings = g;
		m->findings[m->nfindings].kind = col_dup(st, 0);
		m->findings[m->nfindings++].text = col_dup(st, 1);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	if ((rc = store_prepare(s, "SELECT n, text, owner, due, done_at FROM "
	    "major_actions WHERE ticket = ?1 ORDER BY n", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((g = grow(m->actions, m->nactions,
		    sizeof(*m->actions))) == NULL)
			goto oom;
		m->actions = g;
		m->actions[m->nactions].n = sqlite3_column_int(st, 0);
		m->actions[m->nactions].text = col_dup(st, 1);
		m->actions[m->nactions].owner = col_dup(st, 2);
		m->actions[m->nactions].due = col_time(st, 3);
		m->actions[m->nactions++].done = col_time(st, 4);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);

	/* The last update, and the first communication. */
	if ((rc = store_prepare(s, "SELECT at, message FROM events WHERE "
	    "ticket = ?1 AND kind = 'major-update' ORDER BY at DESC, id DESC "
	    "LIMIT 1", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m->last_update_at = col_time(st, 0);
		m->last_update = col_dup(st, 1);
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(st);
	if ((rc = store_prepare(s, "SELECT min(at) FROM events WHERE ticket = "
	    "?1 AND kind = 'major-comms'", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	m->first_comms_at = col_time(st, 0);
	sqlite3_finalize(st);

	/* Each audience: the last communication and when the next is due. */
	m->naudiences = itsm_policy_audience_count(p);
	if (m->naudiences > 0 &&
	    (m->audiences = calloc(m->naudiences, sizeof(*m->audiences))) == NULL)
		return nomem();
	pri = itsm_ticket_str(m->t, ITSM_F_PRIORITY);
	for (i = 0; i < m->naudiences; i++) {
		int64_t cadence = itsm_policy_audience_cadence(p, i, pri);

		m->audiences[i].name = itsm_policy_audience(p, i);
		if ((rc = store_prepare(s, "SELECT max(at) FROM events WHERE "
		    "ticket = ?1 AND kind = 'major-comms' AND field = ?2 "
		    "COLLATE NOCASE", &st)) != 0)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, m->audiences[i].name);
		if (sqlite3_step(st) != SQLITE_ROW)
			goto fail;
		m->audiences[i].last = col_time(st, 0);
		sqlite3_finalize(st);
		if (cadence != 0 && m->declared_at != 0)
			m->audiences[i].due = (m->audiences[i].last ?
			    m->audiences[i].last : m->declared_at) + cadence;
		/* Never past the last time a format can write (as SLA dues). */
		if (m->audiences[i].due > ITSM_TIME_MAX)
			m->audiences[i].due = ITSM_TIME_MAX;
	}
	return 0;
oom:
	sqlite3_finalize(st);
	return nomem();
fail:
	rc = store_fail(s, "cannot read the major");
	sqlite3_finalize(st);
	return rc;
}

int
itsm_major_get(itsm_ctx *c, int64_t id, itsm_major **out)
{
	itsm_major *m;
	int rc;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return nomem();
	if ((rc = itsm_ticket_get(c, id, &m->t)) != 0 ||
	    (rc = load(c, m, id)) != 0) {
		itsm_major_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

const itsm_ticket *itsm_major_ticket(const itsm_major *m) { return m->t; }
const char *itsm_major_state(const itsm_major *m) { return m->state; }
int64_t itsm_major_proposed_at(const itsm_major *m) { return m->proposed_at; }
const char *itsm_major_proposal(const itsm_major *m) { return m->proposal; }
int64_t itsm_major_declared_at(const itsm_major *m) { return m->declared_at; }
const char *itsm_major_declared_by(const itsm_major *m) { return m->declared_by; }
int64_t itsm_major_ended_at(const itsm_major *m) { return m->ended_at; }
const char *itsm_major_bridge(const itsm_major *m) { return m->bridge; }
const char *itsm_major_root_cause(const itsm_major *m) { return m->root_cause; }

const char *
itsm_major_commander(const itsm_major *m)
{
	size_t i;

	for (i = 0; i < m->nroster; i++)
		if (strcmp(m->roster[i].role, "commander") == 0)
			return m->roster[i].name;
	return NULL;
}

size_t itsm_major_roster_count(const itsm_major *m) { return m->nroster; }

const char *
itsm_major_roster_name(const itsm_major *m, size_t i)
{
	return i < m->nroster ? m->roster[i].name : NULL;
}

const char *
itsm_major_roster_role(const itsm_major *m, size_t i)
{
	return i < m->nroster ? m->roster[i].role : NULL;
}

int64_t
itsm_major_roster_since(const itsm_major *m, size_t i)
{
	return i < m->nroster ? m->roster[i].since : 0;
}

size_t itsm_major_child_count(const itsm_major *m) { return m->nchildren; }

const char *
itsm_major_child_ref(const itsm_major *m, size_t i)
{
	return i < m->nchildren ? m->children[i].ref : NULL;
}

const char *
itsm_major_child_status(const itsm_major *m, size_t i)
{
	return i < m->nchildren ? m->children[i].status : NULL;
}

const char *
itsm_major_child_caller(const itsm_major *m, size_t i)
{
	return i < m->nchildren ? m->children[i].caller : NULL;
}

size_t itsm_major_finding_count(const itsm_major *m) { return m->nfindings; }

const char *
itsm_major_finding_kind(const itsm_major *m, size_t i)
{
	return i < m->nfindings ? m->findings[i].kind : NULL;
}

const char *
itsm_major_finding_text(const itsm_major *m, size_t i)
{
	return i < m->nfindings ? m->findings[i].text : NULL;
}

size_t itsm_major_action_count(const itsm_major *m) { return m->nactions; }

int
itsm_major_action_n(const itsm_major *m, size_t i)
{
	return i < m->nactions ? m->actions[i].n : 0;
}

const char *
itsm_major_action_text(const itsm_major *m, size_t i)
{
	return i < m->nactions ? m->actions[i].text : NULL;
}

const char *
itsm_major_action_owner(const itsm_major *m, size_t i)
{
	return i < m->nactions ? m->actions[i].owner : NULL;
}

int64_t
itsm_major_action_due(const itsm_major *m, size_t i)
{
	return i < m->nactions ? m->actions[i].due : 0;
}

int64_t
itsm_major_action_done_at(const itsm_major *m, size_t i)
{
	return i < m->nactions ? m->actions[i].done : 0;
}

size_t itsm_major_audience_count(const itsm_major *m) { return m->naudiences; }

const char *
itsm_major_audience(const itsm_major *m, size_t i)
{
	return i < m->naudiences ? m->audiences[i].name : NULL;
}

int64_t
itsm_major_audience_last(const itsm_major *m, size_t i)
{
	return i < m->naudiences ? m->audiences[i].last : 0;
}

int64_t
itsm_major_audience_due(const itsm_major *m, size_t i)
{
	return i < m->naudiences ? m->audiences[i].due : 0;
}

int64_t itsm_major_last_update_at(const itsm_major *m) { return m->last_update_at; }
const char *itsm_major_last_update(const itsm_major *m) { return m->last_update; }
int64_t itsm_major_first_comms_at(const itsm_major *m) { return m->first_comms_at; }

const struct engine_majors sq_majors = {
	.reserved = 0,
};

/*
 * A major incident's dossier, as status, report and detect read it: the
 * major, its roster, children, findings, actions, and what its events
 * say of the timeline and the communications.  The engine streams the
 * rows of each part; the rules (who leads the roster, what the last
 * update is, when an audience is due) are here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/major.h"
#include "itsm/ref.h"
#include "itsm/time.h"
#include "major_int.h"
#include "store_major.h"
#include "ticket_int.h"

struct roster { char *name, *role; int64_t since; };
struct child { char *ref, *status, *caller, *channel; };
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

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

/* A value as a time or number: 0 when NULL. */
static int64_t
val_int(const struct store_value *v)
{
	switch (v->type) {
	case STORE_INT:
		return v->i;
	case STORE_REAL:
		return (int64_t)v->r;
	case STORE_TEXT:
		return strtoll(v->s, NULL, 10);
	default:
		return 0;
	}
}

/*
 * A copy of a value as text, in *out (NULL when the value is NULL);
 * 0 or ITSM_E_NOMEM.
 */
static int
val_dup(const struct store_value *v, char **out)
{
	char num[32];

	*out = NULL;
	switch (v->type) {
	case STORE_NULL:
		return 0;
	case STORE_TEXT:
		*out = strdup(v->s);
		break;
	case STORE_INT:
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
		*out = strdup(num);
		break;
	case STORE_REAL:
		snprintf(num, sizeof(num), "%.15g", v->r);
		*out = strdup(num);
		break;
	}
	return *out != NULL ? 0 : nomem();
}

static unsigned char
fold(unsigned char x)
{
	return x >= 'A' && x <= 'Z' ? x + ('a' - 'A') : x;
}

int
major_same_name(const char *a, const char *b)
{
	for (; fold((unsigned char)*a) == fold((unsigned char)*b); a++, b++)
		if (*a == '\0')
			return 1;
	return 0;
}

/* Grows an array of n elements of size sz by one; NULL when out of memory. */
static void *
grow(void *arr, size_t n, size_t sz)
{
	void *r = realloc(arr, (n + 1) * sz);

	if (r != NULL)
		memset((char *)r + n * sz, 0, sz);
	return r;
}

/*
 * Reads rows, handing each (n values, at least want) to fn; frees them.
 * 0, fn's error, or the engine's.
 */
static int
each_row(itsm_store *s, struct store_rows *r, size_t want,
    int (*fn)(itsm_major *, const struct store_value *), itsm_major *m)
{
	const struct store_value *v;
	size_t n;
	int rc;

	while ((rc = store_rows_next(s, r, &v, &n)) == 1)
		if (n < want) {
			rc = itsm_error(ITSM_E_INTERNAL, "the store gave %zu "
			    "values of a major, not %zu", n, want);
			break;
		} else if ((rc = fn(m, v)) != 0) {
			break;
		}
	store_rows_free(s, r);
	return rc;
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
		free(m->children[i].channel);
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

/* The major: state, proposed_at, proposal, declared_at, ... root_cause. */
static int
major_row(itsm_major *m, const struct store_value *v)
{
	int rc;

	if (m->state != NULL)
		return 0;	/* one row a ticket */
	m->proposed_at = val_int(&v[1]);
	m->declared_at = val_int(&v[3]);
	m->ended_at = val_int(&v[5]);
	if ((rc = val_dup(&v[0], &m->state)) != 0 ||
	    (rc = val_dup(&v[2], &m->proposal)) != 0 ||
	    (rc = val_dup(&v[4], &m->declared_by)) != 0 ||
	    (rc = val_dup(&v[6], &m->bridge)) != 0 ||
	    (rc = val_dup(&v[7], &m->root_cause)) != 0)
		return rc;
	return m->state != NULL ? 0 : itsm_error(ITSM_E_INTERNAL, "a major "
	    "with no state");
}

static int
read_major(itsm_ctx *c, itsm_major *m, int64_t id)
{
	struct store_rows *r;
	int rc;

	if ((rc = store_major_dossier(c->store, id, &r)) != 0 ||
	    (rc = each_row(c->store, r, 8, major_row, m)) != 0)
		return rc;
	if (m->state == NULL)
		return itsm_error(ITSM_E_NOTFOUND, "%s never was a major "
		    "incident", itsm_ticket_str(m->t, ITSM_F_REF));
	return 0;
}

static int
roster_row(itsm_major *m, const struct store_value *v)
{
	struct roster *g;
	int rc;

	if ((g = grow(m->roster, m->nroster, sizeof(*g))) == NULL)
		return nomem();
	m->roster = g;
	g += m->nroster++;
	g->since = val_int(&v[2]);
	if ((rc = val_dup(&v[0], &g->name)) != 0 ||
	    (rc = val_dup(&v[1], &g->role)) != 0)
		return rc;
	return g->name != NULL && g->role != NULL ? 0 :
	    itsm_error(ITSM_E_INTERNAL, "a roster entry with no name or role");
}

/* The commander first, then by the time they joined, then by name. */
static int
roster_order(const void *a, const void *b)
{
	const struct roster *x = a, *y = b;
	int cx = strcmp(x->role, "commander") != 0;
	int cy = strcmp(y->role, "commander") != 0;

	if (cx != cy)
		return cx - cy;
	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
read_roster(itsm_ctx *c, itsm_major *m, int64_t id)
{
	struct store_rows *r;
	int rc;

	if ((rc = store_major_roster(c->store, id, &r)) != 0 ||
	    (rc = each_row(c->store, r, 3, roster_row, m)) != 0)
		return rc;
	if (m->nroster > 1)
		qsort(m->roster, m->nroster, sizeof(*m->roster), roster_order);
	return 0;
}

/*
 * A child: id, type, status, caller, channel; its reference made from
 * the first two.
 */
static int
child_row(itsm_major *m, const struct store_value *v)
{
	char ref[ITSM_REFBUF];
	struct child *g;
	int type, rc;

	if ((g = grow(m->children, m->nchildren, sizeof(*g))) == NULL)
		return nomem();
	m->children = g;
	g += m->nchildren++;
	type = v[1].type == STORE_TEXT ? itsm_type_parse(v[1].s) : -1;
	itsm_ref_format(type == ITSM_REQUEST || type == ITSM_CHANGE ?
	    (enum itsm_type)type : ITSM_INCIDENT, val_int(&v[0]), ref);
	if ((g->ref = strdup(ref)) == NULL)
		return nomem();
	if ((rc = val_dup(&v[2], &g->status)) != 0 ||
	    (rc = val_dup(&v[3], &g->caller)) != 0 ||
	    (rc = val_dup(&v[4], &g->channel)) != 0)
		return rc;
	return 0;
}

static int
read_children(itsm_ctx *c, itsm_major *m, int64_t id)
{
	struct store_rows *r;
	int rc;

	if ((rc = store_major_children(c->store, id, &r)) != 0)
		return rc;
	return each_row(c->store, r, 5, child_row, m);
}

static int
finding_row(itsm_major *m, const struct store_value *v)
{
	struct finding *g;
	int rc;

	if ((g = grow(m->findings, m->nfindings, sizeof(*g))) == NULL)
		return nomem();
	m->findings = g;
	g += m->nfindings++;
	if ((rc = val_dup(&v[0], &g->kind)) != 0 ||
	    (rc = val_dup(&v[1], &g->text)) != 0)
		return rc;
	return 0;
}

static int
read_findings(itsm_ctx *c, itsm_major *m, int64_t id)
{
	struct store_rows *r;
	int rc;

	if ((rc = store_major_findings(c->store, id, &r)) != 0)
		return rc;
	return each_row(c->store, r, 2, finding_row, m);
}

static int
action_row(itsm_major *m, const struct store_value *v)
{
	struct action *g;
	int rc;

	if ((g = grow(m->actions, m->nactions, sizeof(*g))) == NULL)
		return nomem();
	m->actions = g;
	g += m->nactions++;
	g->n = (int)val_int(&v[0]);
	g->due = val_int(&v[3]);
	g->done = val_int(&v[4]);
	if ((rc = val_dup(&v[1], &g->text)) != 0 ||
	    (rc = val_dup(&v[2], &g->owner)) != 0)
		return rc;
	return 0;
}

static int
read_actions(itsm_ctx *c, itsm_major *m, int64_t id)
{
	struct store_rows *r;
	int rc;

	if ((rc = store_major_actions(c->store, id, &r)) != 0)
		return rc;
	return each_row(c->store, r, 5, action_row, m);
}

/* What the events of the timeline and the communications tell, as read. */
struct comms_read {
	itsm_major *m;
	int64_t update_id;	/* the last update's event, 0: none yet */
	int first_seen;		/* a communication was read */
	unsigned char *seen;	/* an audience's communication was read */
};

/*
 * An event (id, at, kind, field, message).  The last update is the
 * latest major-update by its time (of those at one time, the last
 * recorded); the first communication the earliest major-comms; an
 * audience's last communication its latest major-comms (its name in
 * any case).
 */
static int
comms_event(struct comms_read *x, const struct store_value *v)
{
	itsm_major *m = x->m;
	int64_t id = val_int(&v[0]), at = val_int(&v[1]);
	size_t i;

	if (v[2].type != STORE_TEXT)
		return 0;
	if (strcmp(v[2].s, "major-update") == 0) {
		if (x->update_id != 0 && (at < m->last_update_at ||
		    (at == m->last_update_at && id < x->update_id)))
			return 0;
		x->update_id = id;
		m->last_update_at = at;
		free(m->last_update);
		return val_dup(&v[4], &m->last_update);
	}
	if (strcmp(v[2].s, "major-comms") != 0)
		return 0;
	if (!x->first_seen || at < m->first_comms_at)
		m->first_comms_at = at;
	x->first_seen = 1;
	for (i = 0; i < m->naudiences; i++)
		if (v[3].type == STORE_TEXT &&
		    major_same_name(v[3].s, m->audiences[i].name) &&
		    (!x->seen[i] || at > m->audiences[i].last)) {
			m->audiences[i].last = at;
			x->seen[i] = 1;
		}
	return 0;
}

/*
 * The last update, the first communication, and for each audience of
 * the policy its last communication and when the next is due: its
 * cadence (for the ticket's priority) after the last, or after the
 * declaration, counted in the calendar sla: cadence gives (the wall
 * clock by default: a crisis runs at night too); none when it has no
 * cadence or the major was never declared.
 */
static int
read_comms(itsm_ctx *c, itsm_major *m, int64_t id)
{
	static const char *const kinds[] = { "major-update", "major-comms",
	    NULL };
	const itsm_policy *p = c->policy;
	struct comms_read x = { .m = m };
	const struct store_value *v;
	struct store_rows *r = NULL;
	const itsm_calendar *cal;
	const char *pri;
	size_t i, n;
	int rc;

	m->naudiences = itsm_policy_audience_count(p);
	if (m->naudiences > 0 &&
	    ((m->audiences = calloc(m->naudiences, sizeof(*m->audiences))) ==
	    NULL || (x.seen = calloc(m->naudiences, 1)) == NULL)) {
		rc = nomem();
		goto done;
	}
	for (i = 0; i < m->naudiences; i++)
		m->audiences[i].name = itsm_policy_audience(p, i);
	if ((rc = store_major_events(c->store, id, kinds, &r)) != 0)
		goto done;
	while ((rc = store_rows_next(c->store, r, &v, &n)) == 1)
		if (n < 5) {
			rc = itsm_error(ITSM_E_INTERNAL, "the store gave %zu "
			    "values of an event, not 5", n);
			break;
		} else if ((rc = comms_event(&x, v)) != 0) {
			break;
		}
	if (rc != 0)
		goto done;
	pri = itsm_ticket_str(m->t, ITSM_F_PRIORITY);
	/* On the wall clock (24x7) unless sla: cadence names a calendar. */
	cal = itsm_policy_rule_calendar(p, ITSM_RULE_CADENCE, pri,
	    itsm_ticket_str(m->t, ITSM_F_GROUP),
	    itsm_ticket_str(m->t, ITSM_F_SERVICE));
	for (i = 0; i < m->naudiences; i++) {
		int64_t cadence = itsm_policy_audience_cadence(p, i, pri);

		/* Never past the last time a format can write (as SLA dues). */
		if (cadence != 0 && m->declared_at != 0)
			m->audiences[i].due = itsm_calendar_due(cal,
			    m->audiences[i].last ? m->audiences[i].last :
			    m->declared_at, itsm_policy_audience_cadence_in(p,
			    i, pri, cal));
		if (m->audiences[i].due > ITSM_TIME_MAX)
			m->audiences[i].due = ITSM_TIME_MAX;
	}
done:
	store_rows_free(c->store, r);
	free(x.seen);
	return rc;
}

int
itsm_major_get(itsm_ctx *c, int64_t id, itsm_major **out)
{
	itsm_major *m;
	int began, rc;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return nomem();
	/* The ticket and every part of its dossier from one snapshot. */
	if ((rc = store_snapshot_begin(c->store, &began)) != 0) {
		free(m);
		return rc;
	}
	if ((rc = itsm_ticket_get(c, id, &m->t)) != 0 ||
	    (rc = read_major(c, m, id)) != 0 ||
	    (rc = read_roster(c, m, id)) != 0 ||
	    (rc = read_children(c, m, id)) != 0 ||
	    (rc = read_findings(c, m, id)) != 0 ||
	    (rc = read_actions(c, m, id)) != 0 ||
	    (rc = read_comms(c, m, id)) != 0)
		itsm_major_free(m);
	else
		*out = m;
	store_snapshot_end(c->store, began);
	return rc;
}

int
itsm_major_active(itsm_ctx *c, int64_t **ids, size_t *n)
{
	return store_majors_in_state(c->store, "active", ids, n);
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

const char *
itsm_major_child_channel(const itsm_major *m, size_t i)
{
	return i < m->nchildren ? m->children[i].channel : NULL;
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

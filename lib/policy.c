/*
 * The policy: read from YAML with libyaml's document loader, validated
 * strictly (every error names FILE:LINE:COL), held in one arena, and
 * written back as YAML with libyaml's emitter.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <regex.h>
#include <yaml.h>

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/policy.h"
#include "itsm/ref.h"
#include "itsm/store.h"
#include "itsm/time.h"

#include "notify_int.h"
#include "policy_default.h"
#include "trust_int.h"

#define MAX_WARNINGS 32

/*
 * Limits of a policy, checked on the event stream before the document is
 * built (itsm.yaml(5), VALIDATION), and of its levels and priorities.
 */
#define MAX_BYTES	((size_t)1 << 20)	/* the file */
#define MAX_DEPTH	5	/* major > audiences > [ ] > cadence: the deepest */
#define MAX_ENTRIES	1000	/* in one list or mapping */
#define MAX_NODES	50000	/* values, lists and mappings, aliases expanded */
#define MAX_ANCHORS	100
#define MAX_LEVELS	50	/* impact or urgency levels */
#define MAX_PRIORITIES	50

struct level {
	char *name, *desc;
	int rank;
};

struct prio {
	char *name, *label;
	int64_t response, resolution, stagnation;
	/* As written: in a business calendar 1d is a business day. */
	struct itsm_span sresponse, sresolution, sstagnation;
	size_t calendar;		/* sla.priorities; NO_CAL: none */
};

#define NO_CAL ((size_t)-1)
#define BUSINESS ((size_t)-2)		/* a rule's: the ticket's calendar */

/* sla.groups and sla.services: a name and its calendar. */
struct cal_override {
	char *name;
	size_t calendar;
};

struct cat {
	char *name;
	char **subs;
	size_t nsubs;
};

struct group {
	char *name, *tier;
};

struct major_rule {
	char **priorities, **impacts, **criticalities;	/* NULL: any */
	size_t npriorities, nimpacts, ncriticalities;
};

struct service {
	char *name, *criticality;
};

struct audience {
	char *name;
	char **addresses;	/* mail: where communications go */
	size_t naddresses;
	int64_t *cadence;	/* per priority; 0: no cadence */
	int64_t other;		/* unprioritized or a priority not listed */
	struct itsm_span *scadence, sother;	/* as written */
};

struct manager {
	char *name, *contact;
	char **groups, **priorities;	/* NULL: any */
	size_t ngroups, npriorities;
};

struct block {
	struct block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct itsm_policy {
	struct block *arena;
	char *source;
	struct level *lv[2];
	size_t nlv[2];
	struct prio *pr;
	size_t npr;
	size_t *matrix;			/* nlv[0] x nlv[1] priority indexes */
	char **channels;
	size_t nchannels;
	struct cat *cats;
	size_t ncats;
	char *practice[ITSM_NTYPES];
	char **tiers;
	size_t ntiers;
	struct group *groups;
	size_t ngroups;
	char **codes;
	size_t ncodes;
	int64_t auto_close;
	struct itsm_span sauto_close;
	int64_t hook_timeout;
	int share_group;		/* database: {share: group} */
	int64_t busy_timeout;		/* database: {busy_timeout: 10s} */
	char *db_url;			/* database: {url: ...}, or NULL */
	struct manager *managers;
	size_t nmanagers;
	struct major_rule *rules;
	size_t nrules;
	size_t storm_count;
	int64_t storm_window;
	struct service *services;
	size_t nservices;
	char **roles;
	size_t nroles;
	struct audience *audiences;
	size_t naudiences;
	char **checklist;
	size_t nchecklist;
	char *warnings[MAX_WARNINGS];
	size_t nwarnings;
	/* Calendars: 24x7 first, then the policy's; malloc'd, not arena. */
	itsm_calendar **cals;
	size_t ncals;
	char *timezone;			/* the display zone, or NULL */
	int has_sla;			/* an sla section was given */
	size_t sla_default;		/* sla.calendar */
	struct cal_override *sla_groups, *sla_services;
	size_t nsla_groups, nsla_services;
	size_t rule_cal[ITSM_NRULES];	/* BUSINESS or a calendar */
	int has_mail;			/* a mail section was given */
	struct itsm_mail_policy mail;
	int has_notify[ITSM_NNOTIFY];	/* given and enabled */
	struct itsm_notification notify[ITSM_NNOTIFY];
};

/* Parsing state. */
struct loader {
	itsm_policy *p;
	yaml_document_t doc;
	const char *name;
};

static const char *const axis_key[2] = { "impact", "urgency" };

static void *
amalloc(itsm_policy *p, size_t n)
{
	struct block *b = p->arena;
	void *r;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->size - b->used < n) {
		size_t sz = n > 8192 ? n : 8192;

		if ((b = malloc(sizeof(*b) + sz)) == NULL)
			return NULL;
		b->next = p->arena;
		b->used = 0;
		b->size = sz;
		p->arena = b;
	}
	r = b->data + b->used;
	b->used += n;
	memset(r, 0, n);
	return r;
}

static char *
astrdup(itsm_policy *p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *r = amalloc(p, n);

	if (r != NULL)
		memcpy(r, s, n);
	return r;
}

void
itsm_policy_free(itsm_policy *p)
{
	struct block *b, *next;
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncals; i++)
		itsm_calendar_free(p->cals[i]);
	free(p->cals);
	for (b = p->arena; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(p);
}

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

/* Reports an error at a position of the file NAME. */
__attribute__((format(printf, 3, 0)))
static int
verr_mark(const char *name, yaml_mark_t m, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return itsm_error(ITSM_E_CONFIG, "%s:%zu:%zu: %s", name, m.line + 1,
	    m.column + 1, msg);
}

/* Reports an error at a node's position. */
__attribute__((format(printf, 3, 4)))
static int
err_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verr_mark(l->name, n->start_mark, fmt, ap);
	va_end(ap);
	return rc;
}

__attribute__((format(printf, 3, 4)))
static void
warn_at(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512], full[768];
	va_list ap;

	if (l->p->nwarnings == MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s:%zu:%zu: %s", l->name,
	    n->start_mark.line + 1, n->start_mark.column + 1, msg);
	l->p->warnings[l->p->nwarnings] = astrdup(l->p, full);
	if (l->p->warnings[l->p->nwarnings] != NULL)
		l->p->nwarnings++;
}

static yaml_node_t *
node(struct loader *l, int i)
{
	return yaml_document_get_node(&l->doc, i);
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
want_scalar(struct loader *l, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE)
		return err_at(l, n, "%s must be a single value", what);
	if (scalar(n)[0] == '\0')
		return err_at(l, n, "%s must not be empty", what);
	return 0;
}

static size_t
seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static size_t
map_len(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

/*
 * Checks that a mapping's keys are scalars, unique, and among the allowed
 * ones (NULL-terminated, or NULL for any).
 */
static int
check_keys(struct loader *l, yaml_node_t *m, const char *what,
    const char *const *allowed)
{
	yaml_node_pair_t *a, *b;
	yaml_node_t *ka, *kb;
	const char *const *k;

	for (a = m->data.mapping.pairs.start; a < m->data.mapping.pairs.top; a++) {
		ka = node(l, a->key);
		if (ka->type != YAML_SCALAR_NODE)
			return err_at(l, ka, "keys of %s must be single values",
			    what);
		for (b = m->data.mapping.pairs.start; b < a; b++) {
			kb = node(l, b->key);
			if (strcasecmp(scalar(ka), scalar(kb)) == 0)
				return err_at(l, ka, "duplicate key '%s' in %s "
				    "(first at line %zu)", scalar(ka), what,
				    kb->start_mark.line + 1);
		}
		if (allowed == NULL)
			continue;
		for (k = allowed; *k != NULL; k++)
			if (strcmp(*k, scalar(ka)) == 0)
				break;
		if (*k == NULL)
			return err_at(l, ka, "unknown key '%s' in %s",
			    scalar(ka), what);
	}
	return 0;
}

/* The value under key in a mapping, or NULL. */
static yaml_node_t *
get(struct loader *l, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *pr;

	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++)
		if (strcmp(scalar(node(l, pr->key)), key) == 0)
			return node(l, pr->value);
	return NULL;
}

static int
read_duration(struct loader *l, yaml_node_t *n, const char *what, int64_t *out)
{
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	if (itsm_duration_parse(scalar(n), out) != 0)
		return err_at(l, n, "%s: invalid duration '%s' (expected like "
		    "30m, 4h, 1h30m, 2d or 1w)", what, scalar(n));
	return 0;
}

/* A duration whose units are kept: *sp as written, *out on the wall clock. */
static int
read_span(struct loader *l, yaml_node_t *n, const char *what, int64_t *out,
    struct itsm_span *sp)
{
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	if (itsm_span_parse(scalar(n), sp, out) != 0)
		return err_at(l, n, "%s: invalid duration '%s' (expected like "
		    "30m, 4h, 1h30m, 2d or 1w)", what, scalar(n));
	return 0;
}

static int
read_int(struct loader *l, yaml_node_t *n, const char *what, int lo, int hi,
    int *out)
{
	char *end;
	long v;
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	errno = 0;
	v = strtol(scalar(n), &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return err_at(l, n, "%s must be a whole number from %d to %d, "
		    "not '%s'", what, lo, hi, scalar(n));
	*out = (int)v;
	return 0;
}

static int
all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Whether the n characters at s are digits. */
static int
all_digits_n(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Reads a name that must be unique (case-insensitive) among names[0..n). */
static int
read_name(struct loader *l, yaml_node_t *n, const char *what, char **names,
    size_t stride, size_t count, char **out)
{
	size_t i;
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	for (i = 0; i < count; i++) {
		char *other = *(char **)((char *)names + i * stride);

		if (strcasecmp(other, scalar(n)) == 0)
			return err_at(l, n, "duplicate %s '%s'", what, scalar(n));
	}
	if ((*out = astrdup(l->p, scalar(n))) == NULL)
		return nomem();
	return 0;
}

/* A sequence of unique scalars. */
static int
read_list(struct loader *l, yaml_node_t *n, const char *what, char ***out,
    size_t *count)
{
	yaml_node_item_t *it;
	size_t i = 0;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "%s must be a list", what);
	*out = amalloc(l->p, (seq_len(n) + 1) * sizeof(char *));
	if (*out == NULL)
		return nomem();
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++)
		if ((rc = read_name(l, node(l, *it), what, *out, sizeof(char *),
		    i, &(*out)[i])) != 0)
			return rc;
	*count = i;
	return 0;
}

static int
level_cmp(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

static int
read_levels(struct loader *l, yaml_node_t *n, int axis)
{
	static const char *const keys[] = { "name", "rank", "description", NULL };
	const char *what = axis_key[axis];
	yaml_node_item_t *it;
	struct level *lv;
	yaml_node_t *e, *v;
	size_t i = 0, j;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
		return err_at(l, n, "%s must be a list of levels", what);
	if (seq_len(n) > MAX_LEVELS)
		return err_at(l, node(l, n->data.sequence.items.start[MAX_LEVELS]),
		    "more than %d %s levels", MAX_LEVELS, what);
	lv = l->p->lv[axis] = amalloc(l->p, seq_len(n) * sizeof(*lv));
	if (lv == NULL)
		return nomem();
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++) {
		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each %s level must be a mapping "
			    "with name, rank and description", what);
		if ((rc = check_keys(l, e, what, keys)) != 0)
			return rc;
		if ((v = get(l, e, "name")) == NULL)
			return err_at(l, e, "%s level without a name", what);
		if ((rc = read_name(l, v, "level", &lv[0].name, sizeof(*lv), i,
		    &lv[i].name)) != 0)
			return rc;
		if (all_digits(lv[i].name))
			return err_at(l, v, "level name '%s' must not be a "
			    "number (numbers are ranks)", lv[i].name);
		lv[i].rank = (int)i + 1;
		if ((v = get(l, e, "rank")) != NULL &&
		    (rc = read_int(l, v, "rank", 1, 1000, &lv[i].rank)) != 0)
			return rc;
		for (j = 0; j < i; j++)
			if (lv[j].rank == lv[i].rank)
				return err_at(l, v ? v : e, "duplicate %s rank "
				    "%d ('%s' and '%s')", what, lv[i].rank,
				    lv[j].name, lv[i].name);
		if ((v = get(l, e, "description")) != NULL) {
			if ((rc = want_scalar(l, v, "description")) != 0)
				return rc;
			if ((lv[i].desc = astrdup(l->p, scalar(v))) == NULL)
				return nomem();
		}
	}
	l->p->nlv[axis] = i;
	qsort(lv, i, sizeof(*lv), level_cmp);
	return 0;
}

static int
read_priorities(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "label", "response",
	    "resolution", "stagnation", NULL };
	yaml_node_item_t *it;
	struct prio *pr;
	yaml_node_t *e, *v;
	size_t i = 0;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
		return err_at(l, n, "priorities must be a list, highest first");
	if (seq_len(n) > MAX_PRIORITIES)
		return err_at(l, node(l,
		    n->data.sequence.items.start[MAX_PRIORITIES]),
		    "more than %d priorities", MAX_PRIORITIES);
	pr = l->p->pr = amalloc(l->p, seq_len(n) * sizeof(*pr));
	if (pr == NULL)
		return nomem();
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++) {
		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each priority must be a mapping "
			    "with name, label, response and resolution");
		if ((rc = check_keys(l, e, "priority", keys)) != 0)
			return rc;
		if ((v = get(l, e, "name")) == NULL)
			return err_at(l, e, "priority without a name");
		if ((rc = read_name(l, v, "priority", &pr[0].name, sizeof(*pr),
		    i, &pr[i].name)) != 0)
			return rc;
		if ((v = get(l, e, "label")) != NULL) {
			if ((rc = want_scalar(l, v, "label")) != 0)
				return rc;
			if ((pr[i].label = astrdup(l->p, scalar(v))) == NULL)
				return nomem();
		}
		if ((v = get(l, e, "response")) == NULL)
			return err_at(l, e, "priority '%s' has no response "
			    "target", pr[i].name);
		if ((rc = read_span(l, v, "response", &pr[i].response,
		    &pr[i].sresponse)) != 0)
			return rc;
		if ((v = get(l, e, "resolution")) == NULL)
			return err_at(l, e, "priority '%s' has no resolution "
			    "target", pr[i].name);
		if ((rc = read_span(l, v, "resolution", &pr[i].resolution,
		    &pr[i].sresolution)) != 0)
			return rc;
		if (pr[i].resolution < pr[i].response)
			return err_at(l, v, "priority '%s': resolution target "
			    "is shorter than its response target", pr[i].name);
		pr[i].stagnation = pr[i].resolution;
		pr[i].sstagnation = pr[i].sresolution;
		pr[i].calendar = NO_CAL;
		if ((v = get(l, e, "stagnation")) != NULL &&
		    (rc = read_span(l, v, "stagnation", &pr[i].stagnation,
		    &pr[i].sstagnation)) != 0)
			return rc;
	}
	l->p->npr = i;
	return 0;
}

static int
find_level(const itsm_policy *p, int axis, const char *s, size_t *i)
{
	for (*i = 0; *i < p->nlv[axis]; (*i)++)
		if (strcasecmp(p->lv[axis][*i].name, s) == 0)
			return 0;
	return -1;
}

static int
read_matrix(struct loader *l, yaml_node_t *n)
{
	itsm_policy *p = l->p;
	yaml_node_pair_t *a, *b;
	yaml_node_t *k, *row, *cell, **rows;
	size_t i, u, pi, ni = p->nlv[0], nu = p->nlv[1];
	unsigned char *seen;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "matrix must map each impact level to its "
		    "urgency levels");
	if ((rc = check_keys(l, n, "matrix", NULL)) != 0)
		return rc;
	p->matrix = amalloc(p, ni * nu * sizeof(size_t));
	seen = amalloc(p, ni * nu);
	rows = amalloc(p, ni * sizeof(*rows));	/* each row's key */
	if (p->matrix == NULL || seen == NULL || rows == NULL)
		return nomem();
	for (a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
		k = node(l, a->key);
		if (find_level(p, 0, scalar(k), &i) != 0)
			return err_at(l, k, "unknown impact level '%s' in "
			    "matrix", scalar(k));
		row = node(l, a->value);
		if (row->type != YAML_MAPPING_NODE)
			return err_at(l, row, "matrix row '%s' must map urgency "
			    "levels to priorities", scalar(k));
		if ((rc = check_keys(l, row, "matrix row", NULL)) != 0)
			return rc;
		rows[i] = k;
		for (b = row->data.mapping.pairs.start;
		    b < row->data.mapping.pairs.top; b++) {
			yaml_node_t *uk = node(l, b->key);

			if (find_level(p, 1, scalar(uk), &u) != 0)
				return err_at(l, uk, "unknown urgency level "
				    "'%s' in matrix", scalar(uk));
			cell = node(l, b->value);
			if ((rc = want_scalar(l, cell, "matrix cell")) != 0)
				return rc;
			if (itsm_policy_priority_find(p, scalar(cell), &pi) != 0)
				return err_at(l, cell, "unknown priority '%s' "
				    "in matrix", scalar(cell));
			p->matrix[i * nu + u] = pi;
			seen[i * nu + u] = 1;
		}
	}
	for (i = 0; i < ni; i++)
		for (u = 0; u < nu; u++)
			if (!seen[i * nu + u])
				return err_at(l, rows[i] ? rows[i] : n,
				    "matrix has no cell for "
				    "impact '%s' and urgency '%s'",
				    p->lv[0][i].name, p->lv[1][u].name);
	/* More impact or more urgency must not give a lower priority. */
	for (i = 0; i < ni; i++)
		for (u = 0; u < nu; u++) {
			pi = p->matrix[i * nu + u];
			if (i + 1 < ni && p->matrix[(i + 1) * nu + u] < pi)
				warn_at(l, n, "matrix is not monotonic: impact "
				    "'%s' gives %s but the lower impact '%s' "
				    "gives %s (urgency '%s')", p->lv[0][i].name,
				    p->pr[pi].name, p->lv[0][i + 1].name,
				    p->pr[p->matrix[(i + 1) * nu + u]].name,
				    p->lv[1][u].name);
			if (u + 1 < nu && p->matrix[i * nu + u + 1] < pi)
				warn_at(l, n, "matrix is not monotonic: urgency "
				    "'%s' gives %s but the lower urgency '%s' "
				    "gives %s (impact '%s')", p->lv[1][u].name,
				    p->pr[pi].name, p->lv[1][u + 1].name,
				    p->pr[p->matrix[i * nu + u + 1]].name,
				    p->lv[0][i].name);
		}
	return 0;
}

static int
read_categories(struct loader *l, yaml_node_t *n)
{
	itsm_policy *p = l->p;
	yaml_node_pair_t *pr;
	yaml_node_t *v;
	size_t i = 0;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "categories must map each category to a "
		    "list of subcategories");
	if ((rc = check_keys(l, n, "categories", NULL)) != 0)
		return rc;
	if ((p->cats = amalloc(p, (map_len(n) + 1) * sizeof(*p->cats))) == NULL)
		return nomem();
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	    pr++, i++) {
		if ((rc = want_scalar(l, node(l, pr->key), "category")) != 0)
			return rc;
		if ((p->cats[i].name = astrdup(p, scalar(node(l, pr->key)))) == NULL)
			return nomem();
		v = node(l, pr->value);
		if (v->type == YAML_SCALAR_NODE && scalar(v)[0] == '\0')
			continue;	/* a category without subcategories */
		if ((rc = read_list(l, v, "subcategory", &p->cats[i].subs,
		    &p->cats[i].nsubs)) != 0)
			return rc;
	}
	p->ncats = i;
	return 0;
}

/*
 * database: {url: WHERE, share: owner|group, busy_timeout: DURATION}:
 * the database when neither --db nor ITSM_DB names one, who the policy
 * creates a file for, and how long a command waits for another's lock.
 */
static int
read_database(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "url", "share", "busy_timeout",
	    NULL };
	yaml_node_t *v;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "database must be a mapping (url: a "
		    "database, share: owner or group, busy_timeout: a "
		    "duration)");
	if ((rc = check_keys(l, n, "database", keys)) != 0)
		return rc;
	if ((v = get(l, n, "busy_timeout")) != NULL) {
		if ((rc = read_duration(l, v, "busy_timeout",
		    &l->p->busy_timeout)) != 0)
			return rc;
		if (l->p->busy_timeout < 1 || l->p->busy_timeout > 3600)
			return err_at(l, v, "busy_timeout must be from 1s to "
			    "1h");
	}
	if ((v = get(l, n, "url")) != NULL) {
		if ((rc = want_scalar(l, v, "url")) != 0)
			return rc;
		/*
		 * A file is named from the root: the policy is read from
		 * any directory.
		 */
		if (strcmp(itsm_store_engine(scalar(v)), "sqlite") == 0 &&
		    scalar(v)[0] != '/')
			return err_at(l, v, "url must be a PostgreSQL "
			    "connection URI or keyword string, or an absolute "
			    "file name");
		if ((l->p->db_url = astrdup(l->p, scalar(v))) == NULL)
			return nomem();
	}
	if ((v = get(l, n, "share")) == NULL)
		return 0;
	if ((rc = want_scalar(l, v, "share")) != 0)
		return rc;
	if (strcmp(scalar(v), "group") == 0)
		l->p->share_group = 1;
	else if (strcmp(scalar(v), "owner") != 0)
		return err_at(l, v, "unknown share '%s' (expected owner or "
		    "group)", scalar(v));
	return 0;
}

static int
read_practices(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "request", "change", NULL };
	yaml_node_t *v;
	int rc, t;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "practices must map request and change to "
		    "the practice that takes them");
	if ((rc = check_keys(l, n, "practices", keys)) != 0)
		return rc;
	for (t = ITSM_REQUEST; t <= ITSM_CHANGE; t++) {
		if ((v = get(l, n, keys[t - 1])) == NULL)
			continue;
		if ((rc = want_scalar(l, v, keys[t - 1])) != 0)
			return rc;
		if ((l->p->practice[t] = astrdup(l->p, scalar(v))) == NULL)
			return nomem();
	}
	return 0;
}

static int
read_groups(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "tier", NULL };
	itsm_policy *p = l->p;
	yaml_node_item_t *it;
	yaml_node_t *e, *v;
	size_t i = 0, t;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "groups must be a list of name and tier");
	if ((p->groups = amalloc(p, (seq_len(n) + 1) * sizeof(*p->groups))) == NULL)
		return nomem();
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++) {
		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each group must be a mapping with "
			    "name and tier");
		if ((rc = check_keys(l, e, "group", keys)) != 0)
			return rc;
		if ((v = get(l, e, "name")) == NULL)
			return err_at(l, e, "group without a name");
		if ((rc = read_name(l, v, "group", &p->groups[0].name,
		    sizeof(*p->groups), i, &p->groups[i].name)) != 0)
			return rc;
		if ((v = get(l, e, "tier")) == NULL)
			return err_at(l, e, "group '%s' has no tier",
			    p->groups[i].name);
		if ((rc = want_scalar(l, v, "tier")) != 0)
			return rc;
		for (t = 0; t < p->ntiers; t++)
			if (strcasecmp(p->tiers[t], scalar(v)) == 0)
				break;
		if (t == p->ntiers)
			return err_at(l, v, "unknown tier '%s' for group '%s'",
			    scalar(v), p->groups[i].name);
		p->groups[i].tier = p->tiers[t];
	}
	p->ngroups = i;
	return 0;
}

/* Checks that every name in list is one of the policy's (groups or priorities). */
static int
check_refs(struct loader *l, yaml_node_t *n, char **list, size_t count,
    const char *what, int (*find)(const itsm_policy *, const char *, size_t *))
{
	yaml_node_item_t *it = n->data.sequence.items.start;
	size_t i, j;

	for (i = 0; i < count; i++, it++)
		if (find(l->p, list[i], &j) != 0)
			return err_at(l, node(l, *it), "unknown %s '%s'", what,
			    list[i]);
	return 0;
}

static int
read_managers(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "contact", "groups",
	    "priorities", NULL };
	itsm_policy *p = l->p;
	yaml_node_item_t *it;
	struct manager *m;
	yaml_node_t *e, *v;
	size_t i = 0;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "managers must be a list of name, contact, "
		    "groups and priorities");
	m = p->managers = amalloc(p, (seq_len(n) + 1) * sizeof(*m));
	if (m == NULL)
		return nomem();
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++, i++) {
		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each manager must be a mapping "
			    "with name, contact, groups and priorities");
		if ((rc = check_keys(l, e, "manager", keys)) != 0)
			return rc;
		if ((v = get(l, e, "name")) == NULL)
			return err_at(l, e, "manager without a name");
		if ((rc = read_name(l, v, "manager", &m[0].name, sizeof(*m), i,
		    &m[i].name)) != 0)
			return rc;
		if ((v = get(l, e, "contact")) != NULL) {
			if ((rc = want_scalar(l, v, "contact")) != 0)
				return rc;
			if ((m[i].contact = astrdup(p, scalar(v))) == NULL)
				return nomem();
		}
		if ((v = get(l, e, "groups")) != NULL) {
			if (v->type == YAML_SEQUENCE_NODE && seq_len(v) == 0)
				return err_at(l, v, "groups of a manager must "
				    "not be empty (leave it out for every "
				    "group)");
			if ((rc = read_list(l, v, "group", &m[i].groups,
			    &m[i].ngroups)) != 0 ||
			    (rc = check_refs(l, v, m[i].groups, m[i].ngroups,
			    "group", itsm_policy_group_find)) != 0)
				return rc;
		}
		if ((v = get(l, e, "priorities")) != NULL) {
			if (v->type == YAML_SEQUENCE_NODE && seq_len(v) == 0)
				return err_at(l, v, "priorities of a manager "
				    "must not be empty (leave it out for every "
				    "priority)");
			if ((rc = read_list(l, v, "priority", &m[i].priorities,
			    &m[i].npriorities)) != 0 ||
			    (rc = check_refs(l, v, m[i].priorities,
			    m[i].npriorities, "priority",
			    itsm_policy_priority_find)) != 0)
				return rc;
		}
	}
	p->nmanagers = i;
	return 0;
}

/* A list of names that must all be found by find (NULL: any name). */
static int
read_refs(struct loader *l, yaml_node_t *n, const char *what, char ***out,
    size_t *count, int (*find)(const itsm_policy *, const char *, size_t *))
{
	int rc;

	if (n->type == YAML_SEQUENCE_NODE && seq_len(n) == 0)
		return err_at(l, n, "%s list must not be empty (leave it out "
		    "for any)", what);
	if ((rc = read_list(l, n, what, out, count)) != 0)
		return rc;
	return find != NULL ? check_refs(l, n, *out, *count, what, find) : 0;
}

static int
find_impact(const itsm_policy *p, const char *s, size_t *i)
{
	return find_level(p, 0, s, i);
}

/* major.rules: which incidents are proposed as majors. */
static int
read_major_rules(struct loader *l, yaml_node_t *v)
{
	static const char *const rule_keys[] = { "priority", "impact",
	    "criticality", NULL };
	itsm_policy *p = l->p;
	yaml_node_item_t *it;
	yaml_node_t *e, *k;
	size_t i;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return err_at(l, v, "major rules must be a list");
	p->rules = amalloc(p, (seq_len(v) + 1) * sizeof(*p->rules));
	if (p->rules == NULL)
		return nomem();
	for (i = 0, it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++, i++) {
		struct major_rule *r = &p->rules[i];

		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE || map_len(e) == 0)
			return err_at(l, e, "a major rule is a mapping of "
			    "priority, impact and criticality lists");
		if ((rc = check_keys(l, e, "major rule", rule_keys)) != 0)
			return rc;
		if ((k = get(l, e, "priority")) != NULL &&
		    (rc = read_refs(l, k, "priority", &r->priorities,
		    &r->npriorities, itsm_policy_priority_find)) != 0)
			return rc;
		if ((k = get(l, e, "impact")) != NULL &&
		    (rc = read_refs(l, k, "impact", &r->impacts,
		    &r->nimpacts, find_impact)) != 0)
			return rc;
		if ((k = get(l, e, "criticality")) != NULL &&
		    (rc = read_refs(l, k, "criticality", &r->criticalities,
		    &r->ncriticalities, NULL)) != 0)
			return rc;
	}
	p->nrules = i;
	return 0;
}

/* major.storm: so many incidents on one service within a window. */
static int
read_major_storm(struct loader *l, yaml_node_t *v)
{
	static const char *const storm_keys[] = { "count", "window", NULL };
	itsm_policy *p = l->p;
	yaml_node_t *k;
	int rc, cnt;

	if (v->type != YAML_MAPPING_NODE)
		return err_at(l, v, "storm must be a mapping of count and "
		    "window");
	if ((rc = check_keys(l, v, "storm", storm_keys)) != 0)
		return rc;
	if ((k = get(l, v, "count")) == NULL)
		return err_at(l, v, "storm has no count");
	if ((rc = read_int(l, k, "storm count", 2, 100000, &cnt)) != 0)
		return rc;
	p->storm_count = (size_t)cnt;
	if ((k = get(l, v, "window")) == NULL)
		return err_at(l, v, "storm has no window");
	if ((rc = read_duration(l, k, "storm window", &p->storm_window)) != 0)
		return rc;
	if (p->storm_window < 60)
		return err_at(l, k, "storm window must be at least 1m");
	return 0;
}

/* major.services: each service's criticality. */
static int
read_major_services(struct loader *l, yaml_node_t *v)
{
	static const char *const svc_keys[] = { "name", "criticality", NULL };
	itsm_policy *p = l->p;
	yaml_node_item_t *it;
	yaml_node_t *e, *k;
	size_t i;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return err_at(l, v, "services must be a list of name and "
		    "criticality");
	p->services = amalloc(p, (seq_len(v) + 1) * sizeof(*p->services));
	if (p->services == NULL)
		return nomem();
	for (i = 0, it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++, i++) {
		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each service must be a mapping "
			    "with name and criticality");
		if ((rc = check_keys(l, e, "service", svc_keys)) != 0)
			return rc;
		if ((k = get(l, e, "name")) == NULL)
			return err_at(l, e, "service without a name");
		if ((rc = read_name(l, k, "service", &p->services[0].name,
		    sizeof(*p->services), i, &p->services[i].name)) != 0)
			return rc;
		if ((k = get(l, e, "criticality")) == NULL)
			return err_at(l, e, "service '%s' has no criticality",
			    p->services[i].name);
		if ((rc = want_scalar(l, k, "criticality")) != 0)
			return rc;
		if ((p->services[i].criticality = astrdup(p, scalar(k))) ==
		    NULL)
			return nomem();
	}
	p->nservices = i;
	return 0;
}

/* An audience's cadence: priorities (and "other") to durations. */
static int
read_cadence(struct loader *l, yaml_node_t *k, struct audience *au)
{
	const itsm_policy *p = l->p;
	yaml_node_pair_t *pr;
	size_t j;
	int rc;

	if (k->type != YAML_MAPPING_NODE)
		return err_at(l, k, "cadence must map priorities (and "
		    "'other') to durations");
	if ((rc = check_keys(l, k, "cadence", NULL)) != 0)
		return rc;
	for (pr = k->data.mapping.pairs.start; pr < k->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *pk = node(l, pr->key);
		struct itsm_span *sp;
		int64_t *slot;

		if (strcmp(scalar(pk), "other") == 0) {
			slot = &au->other;
			sp = &au->sother;
		} else if (itsm_policy_priority_find(p, scalar(pk), &j) == 0) {
			slot = &au->cadence[j];
			sp = &au->scadence[j];
		} else {
			return err_at(l, pk, "unknown priority '%s' in "
			    "cadence", scalar(pk));
		}
		if ((rc = read_span(l, node(l, pr->value), "cadence", slot,
		    sp)) != 0)
			return rc;
	}
	return 0;
}

/* A mail address as the policy gives one: something@somewhere. */
static int
read_address(struct loader *l, yaml_node_t *n, const char *what)
{
	const char *v, *at;
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	v = scalar(n);
	at = strchr(v, '@');
	if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') ||
	    strpbrk(v, " \t\r\n<>,;\"()[]\\") != NULL)
		return err_at(l, n, "%s: '%s' is not a mail address (expected "
		    "like desk@example.org)", what, v);
	return 0;
}

/* A list of mail addresses (not empty). */
static int
read_addresses(struct loader *l, yaml_node_t *n, const char *what,
    char ***out, size_t *count)
{
	yaml_node_item_t *it;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE || seq_len(n) == 0)
		return err_at(l, n, "%s must be a list of mail addresses", what);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++)
		if ((rc = read_address(l, node(l, *it), what)) != 0)
			return rc;
	return read_list(l, n, "address", out, count);
}

/* major.audiences: who is told, and how often. */
static int
read_major_audiences(struct loader *l, yaml_node_t *v)
{
	static const char *const aud_keys[] = { "name", "cadence",
	    "addresses", NULL };
	itsm_policy *p = l->p;
	yaml_node_item_t *it;
	yaml_node_t *e, *k;
	size_t i;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return err_at(l, v, "audiences must be a list of name and "
		    "cadence");
	p->audiences = amalloc(p, (seq_len(v) + 1) * sizeof(*p->audiences));
	if (p->audiences == NULL)
		return nomem();
	for (i = 0, it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++, i++) {
		struct audience *au = &p->audiences[i];

		e = node(l, *it);
		if (e->type != YAML_MAPPING_NODE)
			return err_at(l, e, "each audience must be a mapping "
			    "with name and cadence");
		if ((rc = check_keys(l, e, "audience", aud_keys)) != 0)
			return rc;
		if ((k = get(l, e, "name")) == NULL)
			return err_at(l, e, "audience without a name");
		if ((rc = read_name(l, k, "audience", &p->audiences[0].name,
		    sizeof(*p->audiences), i, &au->name)) != 0)
			return rc;
		au->cadence = amalloc(p, (p->npr + 1) * sizeof(int64_t));
		au->scadence = amalloc(p, (p->npr + 1) * sizeof(*au->scadence));
		if (au->cadence == NULL || au->scadence == NULL)
			return nomem();
		/* No cadence: informed, on no schedule. */
		if ((k = get(l, e, "cadence")) != NULL &&
		    (rc = read_cadence(l, k, au)) != 0)
			return rc;
		if ((k = get(l, e, "addresses")) != NULL &&
		    (rc = read_addresses(l, k, "addresses of an audience",
		    &au->addresses, &au->naddresses)) != 0)
			return rc;
	}
	p->naudiences = i;
	return 0;
}

static int
read_major(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "rules", "storm", "services",
	    "roles", "audiences", "checklist", NULL };
	itsm_policy *p = l->p;
	yaml_node_t *v;
	size_t i;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "major must be a mapping of rules, storm, "
		    "services, roles, audiences and checklist");
	if ((rc = check_keys(l, n, "major", keys)) != 0)
		return rc;
	if ((v = get(l, n, "rules")) != NULL &&
	    (rc = read_major_rules(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "storm")) != NULL &&
	    (rc = read_major_storm(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "services")) != NULL &&
	    (rc = read_major_services(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "roles")) != NULL) {
		if ((rc = read_list(l, v, "role", &p->roles, &p->nroles)) != 0)
			return rc;
		for (i = 0; i < p->nroles; i++)
			if (strcmp(p->roles[i], "commander") == 0)
				break;
		if (i == p->nroles)
			return err_at(l, v, "roles must include commander");
	}
	if ((v = get(l, n, "audiences")) != NULL &&
	    (rc = read_major_audiences(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "checklist")) != NULL &&
	    (rc = read_list(l, v, "checklist item", &p->checklist,
	    &p->nchecklist)) != 0)
		return rc;
	return 0;
}

/* The list at v (NULL: left out, then the n defaults def). */
static int
read_list_or(struct loader *l, yaml_node_t *v, const char *what,
    char ***out, size_t *count, const char *const *def, size_t n)
{
	itsm_policy *p = l->p;
	size_t i;

	if (v != NULL)
		return read_list(l, v, what, out, count);
	*out = amalloc(p, n * sizeof(char *));
	for (i = 0; *out != NULL && i < n; i++)
		(*out)[i] = astrdup(p, def[i]);
	*count = n;
	return 0;
}

/*
 * The settings of a policy besides its lists: auto_close, hook_timeout
 * and the database, each with its default.
 */
static int
read_settings(struct loader *l, yaml_node_t *root)
{
	itsm_policy *p = l->p;
	yaml_node_t *v;
	int rc;

	p->auto_close = 5 * 86400;
	p->sauto_close = (struct itsm_span){ .days = 5 };
	if ((v = get(l, root, "auto_close")) != NULL &&
	    (rc = read_span(l, v, "auto_close", &p->auto_close,
	    &p->sauto_close)) != 0)
		return rc;
	p->hook_timeout = 10;
	if ((v = get(l, root, "hook_timeout")) != NULL) {
		if ((rc = read_duration(l, v, "hook_timeout",
		    &p->hook_timeout)) != 0)
			return rc;
		if (p->hook_timeout < 1 || p->hook_timeout > 3600)
			return err_at(l, v, "hook_timeout must be from 1s to "
			    "1h");
	}
	p->busy_timeout = 10;
	if ((v = get(l, root, "database")) != NULL &&
	    (rc = read_database(l, v)) != 0)
		return rc;
	return 0;
}

/* ---- Calendars, the sla section and the display zone ---- */

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri",
    "sat", "sun" };

/* A day's name ("mon") to its number, or -1. */
static int
day_number(const char *s, size_t len)
{
	int d;

	for (d = 0; d < 7; d++)
		if (len == 3 && strncmp(s, day_names[d], 3) == 0)
			return d;
	return -1;
}

/* "HH:MM" (00:00 to 24:00) at s, its seconds; -1 when it is not one. */
static int
clock_time(const char *s)
{
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 3600 + m * 60;
}

/* The days of a week key: "mon", or "mon-fri" (in week order). */
static int
week_days(struct loader *l, yaml_node_t *k, int *from, int *to)
{
	const char *s = scalar(k), *dash = strchr(s, '-');

	if (dash == NULL) {
		*from = *to = day_number(s, strlen(s));
	} else {
		*from = day_number(s, (size_t)(dash - s));
		*to = day_number(dash + 1, strlen(dash + 1));
	}
	if (*from < 0 || *to < 0)
		return err_at(l, k, "unknown day '%s' in week (expected mon, "
		    "tue, wed, thu, fri, sat, sun, or a range like mon-fri)",
		    s);
	if (*from > *to)
		return err_at(l, k, "day range '%s' runs backwards (the week "
		    "starts on mon)", s);
	return 0;
}

/* week: days to lists of "HH:MM-HH:MM". */
static int
read_week(struct loader *l, yaml_node_t *n, itsm_calendar *c)
{
	yaml_node_pair_t *pr;
	yaml_node_item_t *it;
	yaml_node_t *v, *r;
	int from, to, d, start, end, rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "week must map days (mon, mon-fri, ...) to "
		    "lists of working ranges like 08:00-12:00");
	if ((rc = check_keys(l, n, "week", NULL)) != 0)
		return rc;
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	    pr++) {
		if ((rc = week_days(l, node(l, pr->key), &from, &to)) != 0)
			return rc;
		v = node(l, pr->value);
		if (v->type == YAML_SCALAR_NODE && scalar(v)[0] == '\0')
			continue;	/* closed: "sun:" */
		if (v->type != YAML_SEQUENCE_NODE)
			return err_at(l, v, "the working ranges of '%s' must be "
			    "a list like [08:00-12:00, 13:30-18:00]",
			    scalar(node(l, pr->key)));
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			r = node(l, *it);
			if ((rc = want_scalar(l, r, "working range")) != 0)
				return rc;
			if (strlen(scalar(r)) != 11 || scalar(r)[5] != '-' ||
			    (start = clock_time(scalar(r))) < 0 ||
			    (end = clock_time(scalar(r) + 6)) < 0 ||
			    start == 86400)
				return err_at(l, r, "invalid working range '%s' "
				    "(expected HH:MM-HH:MM, from 00:00 to "
				    "24:00)", scalar(r));
			if (start >= end)
				return err_at(l, r, "working range '%s' ends "
				    "before it starts (a night shift is two "
				    "ranges: 22:00-24:00 and 00:00-06:00 the "
				    "next day)", scalar(r));
			for (d = from; d <= to; d++)
				if (itsm_calendar_add_range(c, d, start,
				    end) != 0)
					return err_at(l, r, "working range "
					    "'%s' on %s %s", scalar(r),
					    day_names[d], itsm_errmsg());
		}
	}
	return 0;
}

/* holidays: "YYYY-MM-DD" (that day) or "MM-DD" (every year). */
static int
read_holidays(struct loader *l, yaml_node_t *n, itsm_calendar *c)
{
	yaml_node_item_t *it;
	yaml_node_t *v;
	const char *s;
	int y = 0, m, d, rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "holidays must be a list of dates "
		    "(2026-05-14, or 12-25 for every year)");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		v = node(l, *it);
		if ((rc = want_scalar(l, v, "holiday")) != 0)
			return rc;
		s = scalar(v);
		if (strlen(s) == 10 && s[4] == '-' && all_digits_n(s, 4))
			y = atoi(s), s += 5;
		else
			y = 0;
		if (strlen(s) != 5 || s[2] != '-' || !all_digits_n(s, 2) ||
		    !all_digits_n(s + 3, 2))
			return err_at(l, v, "invalid holiday '%s' (expected a "
			    "date like 2026-05-14, or 12-25 for every year)",
			    scalar(v));
		m = atoi(s);
		d = atoi(s + 3);
		if (itsm_calendar_add_holiday(c, y, m, d) != 0)
			return err_at(l, v, "invalid holiday '%s': %s",
			    scalar(v), itsm_errmsg());
	}
	return 0;
}

/*
 * A holiday file's name: relative to the directory of the policy file, and
 * made absolute, so that the policy means the same read from anywhere and
 * "config show" writes a policy that means the same elsewhere.
 */
static int
holiday_path(struct loader *l, const char *file, char *buf, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(l->name, '/');

	if (file[0] == '/') {
		snprintf(buf, len, "%s", file);
		return 0;
	}
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == l->name)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - l->name),
		    l->name);
	if (realpath(dir, real) == NULL)
		return -1;
	snprintf(buf, len, "%s/%s", strcmp(real, "/") == 0 ? "" : real, file);
	return 0;
}

static int
read_holiday_files(struct loader *l, yaml_node_t *n, itsm_calendar *c)
{
	yaml_node_item_t *it;
	yaml_node_t *v;
	char path[PATH_MAX + 256];
	int rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "holiday_files must be a list of "
		    "iCalendar files");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		v = node(l, *it);
		if ((rc = want_scalar(l, v, "holiday file")) != 0)
			return rc;
		if (holiday_path(l, scalar(v), path, sizeof(path)) != 0)
			return err_at(l, v, "cannot read holiday file '%s': %s",
			    scalar(v), strerror(errno));
		if ((rc = itsm_calendar_add_holiday_file(c, path)) != 0)
			return rc == ITSM_E_NOMEM ? rc :
			    err_at(l, v, "%s", itsm_errmsg());
	}
	return 0;
}

/* Appends c to the policy's calendars (it owns it from then on). */
static int
add_calendar(itsm_policy *p, itsm_calendar *c)
{
	itsm_calendar **nc;

	if ((nc = realloc(p->cals, (p->ncals + 1) * sizeof(*nc))) == NULL) {
		itsm_calendar_free(c);
		return nomem();
	}
	p->cals = nc;
	nc[p->ncals++] = c;
	return 0;
}

static int
read_calendar(struct loader *l, yaml_node_t *e)
{
	static const char *const keys[] = { "name", "zone", "week", "holidays",
	    "holiday_files", NULL };
	itsm_policy *p = l->p;
	itsm_calendar *c;
	yaml_node_t *v, *name, *week;
	size_t i;
	int rc;

	if (e->type != YAML_MAPPING_NODE)
		return err_at(l, e, "each calendar must be a mapping with name, "
		    "zone, week and holidays");
	if ((rc = check_keys(l, e, "calendar", keys)) != 0)
		return rc;
	if ((name = get(l, e, "name")) == NULL)
		return err_at(l, e, "calendar without a name");
	if ((rc = want_scalar(l, name, "calendar name")) != 0)
		return rc;
	for (i = 0; i < p->ncals; i++)
		if (strcasecmp(itsm_calendar_name(p->cals[i]),
		    scalar(name)) == 0)
			return err_at(l, name, i == 0 ? "calendar '%s' is built "
			    "in" : "duplicate calendar '%s'", scalar(name));
	if (strcasecmp(scalar(name), "business") == 0 ||
	    strcasecmp(scalar(name), "wall") == 0)
		return err_at(l, name, "'%s' is a word of the sla section, not "
		    "a calendar's name", scalar(name));
	if ((v = get(l, e, "zone")) == NULL)
		return err_at(l, e, "calendar '%s' has no zone", scalar(name));
	if ((rc = want_scalar(l, v, "zone")) != 0)
		return rc;
	if ((rc = itsm_calendar_new(&c, scalar(name), scalar(v))) != 0)
		return rc == ITSM_E_NOMEM ? rc : err_at(l, v, "%s",
		    itsm_errmsg());
	if ((rc = add_calendar(p, c)) != 0)
		return rc;
	if ((week = get(l, e, "week")) == NULL)
		return err_at(l, e, "calendar '%s' has no week", scalar(name));
	if ((rc = read_week(l, week, c)) != 0)
		return rc;
	if (itsm_calendar_check(c) != 0)
		return err_at(l, week, "calendar '%s' has no working time in "
		    "the week", scalar(name));
	if ((v = get(l, e, "holidays")) != NULL &&
	    (rc = read_holidays(l, v, c)) != 0)
		return rc;
	if ((v = get(l, e, "holiday_files")) != NULL &&
	    (rc = read_holiday_files(l, v, c)) != 0)
		return rc;
	return 0;
}

/* calendars: the 24x7 built in, then the policy's. */
static int
read_calendars(struct loader *l, yaml_node_t *n)
{
	itsm_calendar *c;
	yaml_node_item_t *it;
	int rc;

	if ((rc = itsm_calendar_new(&c, ITSM_CALENDAR_24X7, NULL)) != 0 ||
	    (rc = add_calendar(l->p, c)) != 0)
		return rc;
	if (n == NULL)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "calendars must be a list of name, zone, "
		    "week and holidays");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if ((rc = read_calendar(l, node(l, *it))) != 0)
			return rc;
	return 0;
}

/* A calendar's name at v: its index in *out; "business" when allowed. */
static int
read_calendar_ref(struct loader *l, yaml_node_t *v, const char *what,
    int rule, size_t *out)
{
	int rc;

	if ((rc = want_scalar(l, v, what)) != 0)
		return rc;
	if (rule && strcmp(scalar(v), "business") == 0) {
		*out = BUSINESS;
		return 0;
	}
	if (rule && strcmp(scalar(v), "wall") == 0) {
		*out = 0;
		return 0;
	}
	if (itsm_policy_calendar_find(l->p, scalar(v), out) != 0)
		return err_at(l, v, "%s: unknown calendar '%s'%s", what,
		    scalar(v), rule ? " (expected business, wall or a "
		    "calendar's name)" : "");
	return 0;
}

/* sla.groups or sla.services: names to calendars. */
static int
read_overrides(struct loader *l, yaml_node_t *n, const char *what,
    int (*find)(const itsm_policy *, const char *, size_t *),
    struct cal_override **out, size_t *count)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k;
	size_t i = 0, j;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "sla %s must map each name to a "
		    "calendar", what);
	if ((rc = check_keys(l, n, what, NULL)) != 0)
		return rc;
	if ((*out = amalloc(l->p, (map_len(n) + 1) * sizeof(**out))) == NULL)
		return nomem();
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	    pr++, i++) {
		k = node(l, pr->key);
		if (find != NULL && find(l->p, scalar(k), &j) != 0)
			return err_at(l, k, "unknown %s '%s' in sla", what[0] ==
			    'g' ? "group" : "priority", scalar(k));
		if (((*out)[i].name = astrdup(l->p, scalar(k))) == NULL)
			return nomem();
		if ((rc = read_calendar_ref(l, node(l, pr->value), what, 0,
		    &(*out)[i].calendar)) != 0)
			return rc;
	}
	*count = i;
	return 0;
}

/*
 * sla: which calendar the clocks of a ticket count in, and which the
 * delays of stagnation and auto-close and the cadences count in.
 */
static int
read_sla(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "calendar", "priorities", "groups",
	    "services", "stagnation", "auto_close", "cadence", NULL };
	static const char *const rules[ITSM_NRULES] = { "stagnation",
	    "auto_close", "cadence" };
	itsm_policy *p = l->p;
	struct cal_override *pri;
	size_t i, npri, j;
	yaml_node_t *v;
	int rc;

	p->rule_cal[ITSM_RULE_STAGNATION] = BUSINESS;
	p->rule_cal[ITSM_RULE_AUTO_CLOSE] = BUSINESS;
	p->rule_cal[ITSM_RULE_CADENCE] = 0;
	if (n == NULL)
		return 0;
	p->has_sla = 1;
	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "sla must be a mapping of calendar, "
		    "priorities, groups, services, stagnation, auto_close and "
		    "cadence");
	if ((rc = check_keys(l, n, "sla", keys)) != 0)
		return rc;
	if ((v = get(l, n, "calendar")) != NULL &&
	    (rc = read_calendar_ref(l, v, "calendar", 0,
	    &p->sla_default)) != 0)
		return rc;
	if ((v = get(l, n, "priorities")) != NULL) {
		if ((rc = read_overrides(l, v, "priorities",
		    itsm_policy_priority_find, &pri, &npri)) != 0)
			return rc;
		for (i = 0; i < npri; i++) {
			itsm_policy_priority_find(p, pri[i].name, &j);
			p->pr[j].calendar = pri[i].calendar;
		}
	}
	if ((v = get(l, n, "groups")) != NULL &&
	    (rc = read_overrides(l, v, "groups", itsm_policy_group_find,
	    &p->sla_groups, &p->nsla_groups)) != 0)
		return rc;
	if ((v = get(l, n, "services")) != NULL &&
	    (rc = read_overrides(l, v, "services", NULL, &p->sla_services,
	    &p->nsla_services)) != 0)
		return rc;
	for (i = 0; i < ITSM_NRULES; i++)
		if ((v = get(l, n, rules[i])) != NULL &&
		    (rc = read_calendar_ref(l, v, rules[i], 1,
		    &p->rule_cal[i])) != 0)
			return rc;
	return 0;
}

/* timezone: the zone times are shown in. */
static int
read_timezone(struct loader *l, yaml_node_t *v)
{
	itsm_tz *tz;
	int rc;

	if (v == NULL)
		return 0;
	if ((rc = want_scalar(l, v, "timezone")) != 0)
		return rc;
	if ((rc = itsm_tz_load(&tz, scalar(v))) != 0)
		return rc == ITSM_E_NOMEM ? rc : err_at(l, v, "timezone: %s",
		    itsm_errmsg());
	itsm_tz_free(tz);
	if ((l->p->timezone = astrdup(l->p, scalar(v))) == NULL)
		return nomem();
	return 0;
}

/* ---- Mail and notifications ---- */

const char *const itsm_notify_names[ITSM_NNOTIFY] = {
	"opened", "resolved", "closed", "reopened", "escalated", "duplicate",
	"major"
};

/* Who each event tells when its notification names nobody. */
static const char *const notify_to[ITSM_NNOTIFY] = {
	"caller", "caller", "caller", "caller", "managers", "caller",
	"audiences"
};

/* A template: known names only ({ref}, ...), braces closed. */
static int
read_template(struct loader *l, yaml_node_t *n, const char *what,
    const char **out)
{
	char bad[64];
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	switch (notify_template_check(scalar(n), bad, sizeof(bad))) {
	case 1:
		return err_at(l, n, "%s: unknown field '{%s}' (expected a "
		    "ticket field, as {ref} or {summary}, or note, tag, "
		    "managers, audience, confirm, actor)", what, bad);
	case 2:
		return err_at(l, n, "%s: a '{' without its '}' (write '{{' "
		    "for a brace)", what);
	default:
		break;
	}
	if ((*out = astrdup(l->p, scalar(n))) == NULL)
		return nomem();
	return 0;
}

/* mail.from: an address, or a mapping of address and name. */
static int
read_from(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "address", "name", NULL };
	struct itsm_mail_policy *m = &l->p->mail;
	yaml_node_t *v;
	int rc;

	if (n->type == YAML_MAPPING_NODE) {
		if ((rc = check_keys(l, n, "from", keys)) != 0)
			return rc;
		if ((v = get(l, n, "name")) != NULL) {
			if ((rc = want_scalar(l, v, "from name")) != 0)
				return rc;
			if (strpbrk(scalar(v), "\r\n") != NULL)
				return err_at(l, v, "from name must be one "
				    "line");
			if ((m->from_name = astrdup(l->p, scalar(v))) == NULL)
				return nomem();
		}
		if ((n = get(l, n, "address")) == NULL)
			return err_at(l, v != NULL ? v : n, "from without an "
			    "address");
	}
	if ((rc = read_address(l, n, "from")) != 0)
		return rc;
	if ((m->from_address = astrdup(l->p, scalar(n))) == NULL)
		return nomem();
	return 0;
}

/* mail.retry: how many attempts, and the wait between them. */
static int
read_retry(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "attempts", "backoff",
	    "max_backoff", NULL };
	struct itsm_mail_policy *m = &l->p->mail;
	yaml_node_t *v;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "retry must be a mapping of attempts, "
		    "backoff and max_backoff");
	if ((rc = check_keys(l, n, "retry", keys)) != 0)
		return rc;
	if ((v = get(l, n, "attempts")) != NULL &&
	    (rc = read_int(l, v, "attempts", 1, 100, &m->attempts)) != 0)
		return rc;
	if ((v = get(l, n, "backoff")) != NULL &&
	    (rc = read_duration(l, v, "backoff", &m->backoff)) != 0)
		return rc;
	if ((v = get(l, n, "max_backoff")) != NULL &&
	    (rc = read_duration(l, v, "max_backoff", &m->max_backoff)) != 0)
		return rc;
	if (m->backoff < 1 || m->backoff > m->max_backoff)
		return err_at(l, n, "retry: backoff must be at least 1s and "
		    "at most max_backoff");
	return 0;
}

/* mail.max_size: bytes, or a number of K or M (1024-based), 1K to 1G. */
static int
read_size(struct loader *l, yaml_node_t *n, const char *what, size_t *out)
{
	unsigned long long v;
	char *end;
	int rc;

	if ((rc = want_scalar(l, n, what)) != 0)
		return rc;
	errno = 0;
	v = strtoull(scalar(n), &end, 10);
	if (end == scalar(n) || !isdigit((unsigned char)scalar(n)[0]))
		errno = EINVAL;
	else if (strcmp(end, "K") == 0 || strcmp(end, "k") == 0)
		v *= 1024;
	else if (strcmp(end, "M") == 0)
		v *= 1024 * 1024;
	else if (*end != '\0')
		errno = EINVAL;
	if (errno != 0 || v < 1024 || v > 1024ULL * 1024 * 1024)
		return err_at(l, n, "%s must be a size from 1K to 1024M (bytes, "
		    "or a number of K or M), not '%s'", what, scalar(n));
	*out = (size_t)v;
	return 0;
}

/* mail.rate_limit: {messages: N, per: DURATION}. */
static int
read_rate(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "messages", "per", NULL };
	struct itsm_mail_policy *m = &l->p->mail;
	yaml_node_t *v;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "rate_limit must be a mapping of messages "
		    "and per");
	if ((rc = check_keys(l, n, "rate_limit", keys)) != 0)
		return rc;
	if ((v = get(l, n, "messages")) != NULL && (rc = read_int(l, v,
	    "rate_limit messages", 1, 100000, &m->rate_messages)) != 0)
		return rc;
	if ((v = get(l, n, "per")) != NULL) {
		if ((rc = read_duration(l, v, "rate_limit per",
		    &m->rate_period)) != 0)
			return rc;
		if (m->rate_period < 60 || m->rate_period > 7 * 86400)
			return err_at(l, v, "rate_limit per must be from 1m "
			    "to 1w");
	}
	return 0;
}

/* One of mail.routes: what it matches, what it sets. */
static int
read_route(struct loader *l, yaml_node_t *n, struct itsm_mail_route *r)
{
	static const char *const keys[] = { "to", "subject", "type",
	    "category", "group", "service", NULL };
	const char **dst[] = { &r->to, &r->subject, &r->type, &r->category,
	    &r->group, &r->service };
	char err[256];
	regex_t re;
	yaml_node_t *v;
	size_t i;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "a route must be a mapping of to, subject, "
		    "type, category, group and service");
	if ((rc = check_keys(l, n, "route", keys)) != 0)
		return rc;
	for (i = 0; keys[i] != NULL; i++) {
		if ((v = get(l, n, keys[i])) == NULL)
			continue;
		if ((rc = want_scalar(l, v, keys[i])) != 0)
			return rc;
		if (i == 0 && (rc = read_address(l, v, "route to")) != 0)
			return rc;
		if (i == 1 && (rc = regcomp(&re, scalar(v), REG_EXTENDED |
		    REG_ICASE | REG_NOSUB)) != 0) {
			regerror(rc, &re, err, sizeof(err));
			regfree(&re);
			return err_at(l, v, "route subject: '%s' is not a "
			    "POSIX extended regular expression: %s", scalar(v),
			    err);
		}
		if (i == 1)
			regfree(&re);
		if ((*dst[i] = astrdup(l->p, scalar(v))) == NULL)
			return nomem();
	}
	if (r->to == NULL && r->subject == NULL)
		return err_at(l, n, "a route matches on to, subject or both");
	if (r->type == NULL && r->category == NULL && r->group == NULL &&
	    r->service == NULL)
		return err_at(l, n, "a route sets type, category, group or "
		    "service");
	if (r->type != NULL && itsm_type_parse(r->type) < 0)
		return err_at(l, get(l, n, "type"), "route type: '%s' is not "
		    "incident, request or change", r->type);
	if (r->category != NULL && r->type == NULL)
		return err_at(l, get(l, n, "category"), "route category needs "
		    "a type");
	if (r->category != NULL &&
	    itsm_policy_category_find(l->p, r->category, &i) != 0) {
		snprintf(err, sizeof(err), "%s", itsm_errmsg());
		return err_at(l, get(l, n, "category"), "route category: %s",
		    err);
	}
	if (r->group != NULL &&
	    itsm_policy_group_find(l->p, r->group, &i) != 0) {
		snprintf(err, sizeof(err), "%s", itsm_errmsg());
		return err_at(l, get(l, n, "group"), "route group: %s", err);
	}
	return 0;
}

static int
read_routes(struct loader *l, yaml_node_t *n)
{
	struct itsm_mail_policy *m = &l->p->mail;
	struct itsm_mail_route *r;
	yaml_node_item_t *it;
	size_t k = 0;
	int rc;

	if (n->type != YAML_SEQUENCE_NODE)
		return err_at(l, n, "routes must be a list of routes");
	m->nroutes = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	if ((r = amalloc(l->p, (m->nroutes + 1) * sizeof(*r))) == NULL)
		return nomem();
	memset(r, 0, (m->nroutes + 1) * sizeof(*r));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if ((rc = read_route(l, node(l, *it), &r[k++])) != 0)
			return rc;
	m->routes = r;
	return 0;
}

static int
read_mail(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[] = { "from", "sendmail", "domain",
	    "subject_tag", "retry", "timeout", "confirm", "max_size",
	    "max_attachment", "max_attachments",
	    "ignore_inline_images_below", "rate_limit", "reopen_age",
	    "routes", NULL };
	/* What a user says when it works, in the languages itsm speaks. */
	static const char *const confirm[] = { "yes", "oui" };
	struct itsm_mail_policy *m = &l->p->mail;
	char **words;
	size_t nwords;
	yaml_node_t *v;
	int rc;

	*m = (struct itsm_mail_policy){ .sendmail = "/usr/sbin/sendmail -t -i",
	    .subject_tag = "[{ref}]", .attempts = 10, .backoff = 60,
	    .max_backoff = 3600, .timeout = 30, .max_size = 10 * 1024 * 1024,
	    .max_attachment = 10 * 1024 * 1024,
	    .max_attachments = 10 * 1024 * 1024, .rate_messages = 20,
	    .rate_period = 3600, .reopen_age = 30 * 86400,
	    .confirm = confirm, .nconfirm = 2 };
	if (n == NULL)
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "mail must be a mapping of from, sendmail, "
		    "domain, subject_tag, retry, timeout, confirm, max_size, "
		    "max_attachment, max_attachments, "
		    "ignore_inline_images_below, rate_limit, reopen_age and "
		    "routes");
	if ((rc = check_keys(l, n, "mail", keys)) != 0)
		return rc;
	if ((v = get(l, n, "from")) == NULL)
		return err_at(l, n, "mail without from (the address "
		    "notifications come from)");
	if ((rc = read_from(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "sendmail")) != NULL) {
		if ((rc = want_scalar(l, v, "sendmail")) != 0)
			return rc;
		if (scalar(v)[0] != '/')
			return err_at(l, v, "sendmail must be a command with "
			    "its absolute path, as /usr/sbin/sendmail -t -i");
		if ((m->sendmail = astrdup(l->p, scalar(v))) == NULL)
			return nomem();
	}
	if ((v = get(l, n, "domain")) != NULL) {
		if ((rc = want_scalar(l, v, "domain")) != 0)
			return rc;
		if (strspn(scalar(v), "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
		    strlen(scalar(v)))
			return err_at(l, v, "domain: '%s' is not a domain name",
			    scalar(v));
		if ((m->domain = astrdup(l->p, scalar(v))) == NULL)
			return nomem();
	}
	if ((v = get(l, n, "subject_tag")) != NULL &&
	    (rc = read_template(l, v, "subject_tag", &m->subject_tag)) != 0)
		return rc;
	if ((v = get(l, n, "retry")) != NULL && (rc = read_retry(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "timeout")) != NULL) {
		if ((rc = read_duration(l, v, "timeout", &m->timeout)) != 0)
			return rc;
		if (m->timeout < 1 || m->timeout > 3600)
			return err_at(l, v, "timeout must be from 1s to 1h");
	}
	if ((v = get(l, n, "confirm")) != NULL) {
		if ((rc = read_list(l, v, "confirm word", &words,
		    &nwords)) != 0)
			return rc;
		m->confirm = (const char *const *)words;
		m->nconfirm = nwords;
	}
	if ((v = get(l, n, "max_size")) != NULL &&
	    (rc = read_size(l, v, "max_size", &m->max_size)) != 0)
		return rc;
	if ((v = get(l, n, "max_attachment")) != NULL &&
	    (rc = read_size(l, v, "max_attachment",
	    &m->max_attachment)) != 0)
		return rc;
	if ((v = get(l, n, "max_attachments")) != NULL &&
	    (rc = read_size(l, v, "max_attachments",
	    &m->max_attachments)) != 0)
		return rc;
	if ((v = get(l, n, "ignore_inline_images_below")) != NULL) {
		if (v->type == YAML_SCALAR_NODE && strcmp(scalar(v), "0") == 0)
			m->ignore_inline_below = 0;
		else if ((rc = read_size(l, v, "ignore_inline_images_below",
		    &m->ignore_inline_below)) != 0)
			return rc;
	}
	if ((v = get(l, n, "rate_limit")) != NULL &&
	    (rc = read_rate(l, v)) != 0)
		return rc;
	if ((v = get(l, n, "reopen_age")) != NULL) {
		if ((rc = read_duration(l, v, "reopen_age",
		    &m->reopen_age)) != 0)
			return rc;
		if (m->reopen_age < 0)
			return err_at(l, v, "reopen_age must not be negative");
	}
	if ((v = get(l, n, "routes")) != NULL && (rc = read_routes(l, v)) != 0)
		return rc;
	l->p->has_mail = 1;
	return 0;
}

/* notifications.EVENT: enabled, to, subject, body. */
static int
read_notification(struct loader *l, yaml_node_t *n, int e)
{
	static const char *const keys[] = { "enabled", "to", "subject",
	    "body", NULL };
	struct itsm_notification *t = &l->p->notify[e];
	const char *word = notify_to[e];
	yaml_node_t *v;
	char **to;
	size_t nto;
	int rc, on = 1;

	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "%s must be a mapping of enabled, to, "
		    "subject and body", itsm_notify_names[e]);
	if ((rc = check_keys(l, n, itsm_notify_names[e], keys)) != 0)
		return rc;
	if ((v = get(l, n, "enabled")) != NULL) {
		if (v->type != YAML_SCALAR_NODE || (strcmp(scalar(v), "true") &&
		    strcmp(scalar(v), "false")))
			return err_at(l, v, "enabled must be true or false");
		on = strcmp(scalar(v), "true") == 0;
	}
	if ((v = get(l, n, "to")) == NULL) {
		if ((to = amalloc(l->p, sizeof(*to))) == NULL ||
		    (to[0] = astrdup(l->p, word)) == NULL)
			return nomem();
		nto = 1;
	} else if (v->type == YAML_SCALAR_NODE) {
		if (strcmp(scalar(v), word) != 0)
			return err_at(l, v, "to: '%s' is not who %s tells "
			    "(%s, or a list of mail addresses)", scalar(v),
			    itsm_notify_names[e], word);
		if ((to = amalloc(l->p, sizeof(*to))) == NULL ||
		    (to[0] = astrdup(l->p, word)) == NULL)
			return nomem();
		nto = 1;
	} else if ((rc = read_addresses(l, v, "to", &to, &nto)) != 0) {
		return rc;
	}
	t->to = (const char *const *)to;
	t->nto = nto;
	if ((v = get(l, n, "subject")) == NULL)
		return err_at(l, n, "%s without a subject", itsm_notify_names[e]);
	if ((rc = read_template(l, v, "subject", &t->subject)) != 0)
		return rc;
	if (strpbrk(t->subject, "\r\n") != NULL)
		return err_at(l, v, "subject must be one line");
	if ((v = get(l, n, "body")) == NULL)
		return err_at(l, n, "%s without a body", itsm_notify_names[e]);
	if ((rc = read_template(l, v, "body", &t->body)) != 0)
		return rc;
	l->p->has_notify[e] = on;
	return 0;
}

static int
read_notifications(struct loader *l, yaml_node_t *n)
{
	static const char *const keys[ITSM_NNOTIFY + 1] = { "opened",
	    "resolved", "closed", "reopened", "escalated", "duplicate",
	    "major", NULL };
	yaml_node_t *v;
	int e, rc;

	if (n == NULL)
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return err_at(l, n, "notifications must be a mapping of "
		    "events (opened, resolved, closed, reopened, escalated, "
		    "duplicate, major)");
	if ((rc = check_keys(l, n, "notifications", keys)) != 0)
		return rc;
	for (e = 0; e < ITSM_NNOTIFY; e++)
		if ((v = get(l, n, itsm_notify_names[e])) != NULL &&
		    (rc = read_notification(l, v, e)) != 0)
			return rc;
	return 0;
}

static int
fill(struct loader *l)
{
	static const char *const keys[] = { "impact", "urgency", "priorities",
	    "matrix", "channels", "categories", "practices", "tiers", "groups",
	    "resolution_codes", "auto_close", "managers", "hook_timeout",
	    "major", "database", "timezone", "calendars", "sla", "mail",
	    "notifications", NULL };
	static const char *const tiers[] = { "N1", "N2", "N3" };
	static const char *const channels[] = { "phone", "email", "chat",
	    "walk-in", "portal", "monitoring" };
	static const char *const codes[] = { "solved", "workaround",
	    "not-reproducible", "user-error", "duplicate" };
	static const char *const roles[] = { "commander", "communications",
	    "business-referent", "admin", "engineer", "scribe" };
	itsm_policy *p = l->p;
	yaml_node_t *root = yaml_document_get_root_node(&l->doc), *v;
	int rc, axis;

	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		yaml_mark_t m = root ? root->start_mark : (yaml_mark_t){ 0 };

		return itsm_error(ITSM_E_CONFIG, "%s:%zu:%zu: the policy must "
		    "be a mapping (impact, urgency, priorities, matrix, ...)",
		    l->name, m.line + 1, m.column + 1);
	}
	if ((rc = check_keys(l, root, "the policy", keys)) != 0)
		return rc;
	for (axis = 0; axis < 2; axis++) {
		if ((v = get(l, root, axis_key[axis])) == NULL)
			return err_at(l, root, "no %s levels", axis_key[axis]);
		if ((rc = read_levels(l, v, axis)) != 0)
			return rc;
	}
	if ((v = get(l, root, "priorities")) == NULL)
		return err_at(l, root, "no priorities");
	if ((rc = read_priorities(l, v)) != 0)
		return rc;
	if ((v = get(l, root, "matrix")) == NULL)
		return err_at(l, root, "no matrix");
	if ((rc = read_matrix(l, v)) != 0)
		return rc;
	if ((rc = read_list_or(l, get(l, root, "channels"), "channel",
	    &p->channels, &p->nchannels, channels, 6)) != 0)
		return rc;
	if ((v = get(l, root, "categories")) != NULL &&
	    (rc = read_categories(l, v)) != 0)
		return rc;
	p->practice[ITSM_REQUEST] = astrdup(p, "service request management");
	p->practice[ITSM_CHANGE] = astrdup(p, "change enablement");
	if ((v = get(l, root, "practices")) != NULL &&
	    (rc = read_practices(l, v)) != 0)
		return rc;
	if ((rc = read_list_or(l, (v = get(l, root, "tiers")), "tier",
	    &p->tiers, &p->ntiers, tiers, 3)) != 0)
		return rc;
	if (p->ntiers == 0)
		return err_at(l, v, "tiers must not be empty");
	if ((v = get(l, root, "groups")) != NULL && (rc = read_groups(l, v)) != 0)
		return rc;
	if ((rc = read_list_or(l, get(l, root, "resolution_codes"),
	    "resolution code", &p->codes, &p->ncodes, codes, 5)) != 0 ||
	    (rc = read_settings(l, root)) != 0)
		return rc;
	if ((v = get(l, root, "managers")) != NULL &&
	    (rc = read_managers(l, v)) != 0)
		return rc;
	if ((v = get(l, root, "major")) != NULL && (rc = read_major(l, v)) != 0)
		return rc;
	if ((rc = read_timezone(l, get(l, root, "timezone"))) != 0 ||
	    (rc = read_calendars(l, get(l, root, "calendars"))) != 0 ||
	    (rc = read_sla(l, get(l, root, "sla"))) != 0 ||
	    (rc = read_mail(l, get(l, root, "mail"))) != 0 ||
	    (rc = read_notifications(l, get(l, root, "notifications"))) != 0)
		return rc;
	/* The roles of a major when its section names none. */
	if (p->nroles == 0)
		return read_list_or(l, NULL, "role", &p->roles, &p->nroles,
		    roles, 6);
	return 0;
}

/*
 * Limits of a policy, checked on the event stream before the document is
 * built (itsm.yaml(5), VALIDATION): whatever the input, loading it costs
 * at most a few milliseconds and a few megabytes.
 */
struct anchor {
	char *name;
	size_t nodes;		/* of what it names, its own node included */
};

struct open_node {
	size_t entries;		/* items, or keys and values */
	size_t first;		/* the node count when it opened */
	int anchor;		/* index in anchors, or -1 */
	int mapping;
};

__attribute__((format(printf, 3, 4)))
static int
err_mark(const char *name, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = verr_mark(name, m, fmt, ap);
	va_end(ap);
	return rc;
}

/* The position of byte off of text. */
static yaml_mark_t
mark_at(const char *text, size_t off)
{
	yaml_mark_t m = { .index = off };
	size_t i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			m.column++;
		}
	return m;
}

/*
 * The nodes event ev adds to the document (an alias: as many as what it
 * names), its tag and its anchor (NULL when it has none).
 */
static size_t
event_nodes(const yaml_event_t *ev, const struct anchor *anchors,
    size_t nanchors, const char **tag, const char **anchor)
{
	size_t i;

	*tag = *anchor = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		*tag = (const char *)ev->data.scalar.tag;
		*anchor = (const char *)ev->data.scalar.anchor;
		return 1;
	case YAML_ALIAS_EVENT:
		for (i = 0; i < nanchors; i++)
			if (strcmp(anchors[i].name,
			    (const char *)ev->data.alias.anchor) == 0)
				return anchors[i].nodes;
		return 1;
	case YAML_SEQUENCE_START_EVENT:
		*tag = (const char *)ev->data.sequence_start.tag;
		*anchor = (const char *)ev->data.sequence_start.anchor;
		return 1;
	case YAML_MAPPING_START_EVENT:
		*tag = (const char *)ev->data.mapping_start.tag;
		*anchor = (const char *)ev->data.mapping_start.anchor;
		return 1;
	default:
		return 0;
	}
}

static int
prescan(const char *name, const char *text, size_t len)
{
	struct open_node stack[MAX_DEPTH];
	struct anchor anchors[MAX_ANCHORS];
	size_t nanchors = 0, nodes = 0, add, i;
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, docs = 0, rc = 0, have_ev = 0, a;
	const char *tag, *anchor;

	if (len > MAX_BYTES)
		return err_mark(name, mark_at(text, MAX_BYTES), "the policy is "
		    "larger than 1 MiB");
	if (!yaml_parser_initialize(&parser))
		return nomem();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = 0;		/* the loader says what is wrong */
			break;
		}
		have_ev = 1;
		if (ev.type == YAML_STREAM_END_EVENT)
			goto done;
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			rc = err_mark(name, ev.start_mark, "a second YAML "
			    "document: a policy is one document");
			goto done;
		}
		if ((ev.type == YAML_SEQUENCE_END_EVENT ||
		    ev.type == YAML_MAPPING_END_EVENT) && depth > 0 &&
		    (a = stack[--depth].anchor) >= 0)
			anchors[a].nodes = nodes - stack[depth].first;
		add = event_nodes(&ev, anchors, nanchors, &tag, &anchor);
		if (tag != NULL) {	/* !!int is short for the standard tag */
			if (strncmp(tag, "tag:yaml.org,2002:", 18) == 0)
				rc = err_mark(name, ev.start_mark, "tag '!!%s': "
				    "a policy has no tags", tag + 18);
			else
				rc = err_mark(name, ev.start_mark, "tag '%s': a "
				    "policy has no tags", tag);
			goto done;
		}
		if (add > 0 && depth > 0 &&
		    ++stack[depth - 1].entries > (stack[depth - 1].mapping ?
		    2 * MAX_ENTRIES : MAX_ENTRIES)) {
			rc = err_mark(name, ev.start_mark, "more than %d entries "
			    "in one list or mapping", MAX_ENTRIES);
			goto done;
		}
		if (add > MAX_NODES - nodes) {
			rc = err_mark(name, ev.start_mark, "more than %d values, "
			    "lists and mappings (aliases counted as what they "
			    "name)", MAX_NODES);
			goto done;
		}
		nodes += add;
		a = -1;
		if (anchor != NULL) {
			if (nanchors == MAX_ANCHORS) {
				rc = err_mark(name, ev.start_mark, "more than "
				    "%d anchors", MAX_ANCHORS);
				goto done;
			}
			if ((anchors[nanchors].name = strdup(anchor)) == NULL) {
				rc = nomem();
				goto done;
			}
			anchors[nanchors].nodes = 1;
			a = (int)nanchors++;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT) {
			if (depth == MAX_DEPTH) {
				rc = err_mark(name, ev.start_mark, "nested deeper "
				    "than any part of a policy (%d levels)",
				    MAX_DEPTH);
				goto done;
			}
			stack[depth++] = (struct open_node){ .first = nodes - 1,
			    .anchor = a,
			    .mapping = ev.type == YAML_MAPPING_START_EVENT };
		}
		yaml_event_delete(&ev);
		have_ev = 0;
	}
done:
	if (have_ev)
		yaml_event_delete(&ev);
	for (i = 0; i < nanchors; i++)
		free(anchors[i].name);
	yaml_parser_delete(&parser);
	return rc;
}

int
itsm_policy_load_text(itsm_policy **out, const char *name, const char *text,
    size_t len)
{
	struct loader l = { .name = name };
	yaml_parser_t parser;
	int rc, have_doc = 0;

	*out = NULL;
	if ((l.p = calloc(1, sizeof(*l.p))) == NULL)
		return nomem();
	if ((l.p->source = astrdup(l.p, name)) == NULL) {
		rc = nomem();
		goto done;
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = nomem();
		goto done;
	}
	if ((rc = prescan(name, text, len)) != 0) {
		yaml_parser_delete(&parser);
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		rc = itsm_error(ITSM_E_CONFIG, "%s:%zu:%zu: %s%s%s", name,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "invalid YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		goto done;
	}
	have_doc = 1;
	yaml_parser_delete(&parser);
	rc = fill(&l);
done:
	if (have_doc)
		yaml_document_delete(&l.doc);
	if (rc != 0) {
		itsm_policy_free(l.p);
		return rc;
	}
	*out = l.p;
	return 0;
}

/*
 * A policy file that someone other than this user or root could change is
 * still read, with a warning: the rule of the hooks (itsm-hooks(5)).  A
 * path that cannot be walked (a pipe: /dev/stdin) is no such file.
 */
static void
trust_warning(itsm_policy *p, const char *path)
{
	char why[PATH_MAX + 200], full[2 * PATH_MAX + 300];

	if (trust_path(path, why, sizeof(why)) != 1 ||
	    p->nwarnings == MAX_WARNINGS)
		return;
	snprintf(full, sizeof(full), "policy '%s' can be changed by others: "
	    "%s", path, why);
	if ((p->warnings[p->nwarnings] = astrdup(p, full)) != NULL)
		p->nwarnings++;
}

const char *
itsm_policy_default_text(void)
{
	return itsm_default_policy_yaml;
}

int
itsm_policy_load_file(itsm_policy **out, const char *path)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int rc;

	if (path == NULL)
		return itsm_policy_load_text(out, "(default)",
		    itsm_default_policy_yaml, strlen(itsm_default_policy_yaml));
	if ((f = fopen(path, "rb")) == NULL)
		return itsm_error(errno == EACCES ? ITSM_E_PERM : ITSM_E_IO,
		    "cannot read policy '%s': %s", path, strerror(errno));
	for (;;) {		/* up to one byte past the limit: prescan says */
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				fclose(f);
				free(buf);
				return nomem();
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0 || len > MAX_BYTES)
			break;
	}
	if (ferror(f)) {
		rc = itsm_error(ITSM_E_IO, "cannot read policy '%s': %s", path,
		    strerror(errno));
		fclose(f);
		free(buf);
		return rc;
	}
	fclose(f);
	rc = itsm_policy_load_text(out, path, buf, len);
	free(buf);
	if (rc == 0)
		trust_warning(*out, path);
	return rc;
}

int
itsm_policy_load(itsm_policy **out, const char *path)
{
	const char *env, *xdg, *home;
	char buf[4096];

	if (path != NULL)
		return itsm_policy_load_file(out, path);
	if ((env = getenv("ITSM_CONFIG")) != NULL && *env != '\0')
		return itsm_policy_load_file(out, env);
	buf[0] = '\0';
	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg == '/')
		snprintf(buf, sizeof(buf), "%s/itsm/config.yaml", xdg);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		snprintf(buf, sizeof(buf), "%s/.config/itsm/config.yaml", home);
	/* A file that is there but cannot be read is an error, not skipped. */
	if (buf[0] != '\0' && access(buf, F_OK) == 0)
		return itsm_policy_load_file(out, buf);
	if (access("/etc/itsm/config.yaml", F_OK) == 0)
		return itsm_policy_load_file(out, "/etc/itsm/config.yaml");
	return itsm_policy_load_file(out, NULL);
}

const char *
itsm_policy_source(const itsm_policy *p)
{
	return p->source;
}

size_t
itsm_policy_warning_count(const itsm_policy *p)
{
	return p->nwarnings;
}

const char *
itsm_policy_warning(const itsm_policy *p, size_t i)
{
	return i < p->nwarnings ? p->warnings[i] : NULL;
}

size_t
itsm_policy_level_count(const itsm_policy *p, enum itsm_axis axis)
{
	return p->nlv[axis];
}

const char *
itsm_policy_level_name(const itsm_policy *p, enum itsm_axis axis, size_t i)
{
	return i < p->nlv[axis] ? p->lv[axis][i].name : NULL;
}

int
itsm_policy_level_rank(const itsm_policy *p, enum itsm_axis axis, size_t i)
{
	return i < p->nlv[axis] ? p->lv[axis][i].rank : 0;
}

const char *
itsm_policy_level_description(const itsm_policy *p, enum itsm_axis axis,
    size_t i)
{
	return i < p->nlv[axis] ? p->lv[axis][i].desc : NULL;
}

/* Appends "a, b, c" of n names to buf. */
static void
join_names(char *buf, size_t len, const char *const *names, size_t stride,
    size_t n)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		const char *s = *(const char *const *)((const char *)names +
		    i * stride);
		size_t room = len - off - 1, sep = i ? 2 : 0;
		/* A name that does not fit is cut on a character boundary. */
		int w = snprintf(buf + off, len - off, "%s%.*s", i ? ", " : "",
		    itsm_cut(s, room > sep ? room - sep : 0), s);

		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* Whether s is n written in decimal, as "%d" writes it (n >= 0). */
static int
is_decimal(const char *s, int n)
{
	char buf[16], *p = buf + sizeof(buf);

	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	return strcmp(p, s) == 0;
}

int
itsm_policy_level_find(const itsm_policy *p, enum itsm_axis axis,
    const char *s, size_t *i)
{
	char names[512];
	size_t j;

	for (j = 0; j < p->nlv[axis]; j++) {
		if (strcasecmp(p->lv[axis][j].name, s) == 0 ||
		    is_decimal(s, p->lv[axis][j].rank)) {
			*i = j;
			return 0;
		}
	}
	join_names(names, sizeof(names), (const char *const *)&p->lv[axis][0].name,
	    sizeof(struct level), p->nlv[axis]);
	return itsm_error(ITSM_E_INVALID, "unknown %s '%.*s' (expected one of: "
	    "%s, or a rank from the policy)",
	    axis_key[axis], itsm_cut(s, 64), s, names);
}

size_t
itsm_policy_priority_count(const itsm_policy *p)
{
	return p->npr;
}

const char *
itsm_policy_priority_name(const itsm_policy *p, size_t i)
{
	return i < p->npr ? p->pr[i].name : NULL;
}

const char *
itsm_policy_priority_label(const itsm_policy *p, size_t i)
{
	return i < p->npr ? p->pr[i].label : NULL;
}

int64_t
itsm_policy_priority_response(const itsm_policy *p, size_t i)
{
	return i < p->npr ? p->pr[i].response : 0;
}

int64_t
itsm_policy_priority_resolution(const itsm_policy *p, size_t i)
{
	return i < p->npr ? p->pr[i].resolution : 0;
}

int64_t
itsm_policy_priority_stagnation(const itsm_policy *p, size_t i)
{
	return i < p->npr ? p->pr[i].stagnation : 0;
}

int
itsm_policy_priority_find(const itsm_policy *p, const char *s, size_t *i)
{
	char names[512];
	size_t j;

	for (j = 0; j < p->npr; j++)
		if (strcasecmp(p->pr[j].name, s) == 0) {
			*i = j;
			return 0;
		}
	join_names(names, sizeof(names), (const char *const *)&p->pr[0].name,
	    sizeof(struct prio), p->npr);
	return itsm_error(ITSM_E_INVALID, "unknown priority '%.*s' (expected "
	    "one of: %s)", itsm_cut(s, 64), s, names);
}

size_t
itsm_policy_matrix(const itsm_policy *p, size_t impact, size_t urgency)
{
	return p->matrix[impact * p->nlv[1] + urgency];
}

size_t
itsm_policy_channel_count(const itsm_policy *p)
{
	return p->nchannels;
}

const char *
itsm_policy_channel(const itsm_policy *p, size_t i)
{
	return i < p->nchannels ? p->channels[i] : NULL;
}

/* Finds s among n names; else an "unknown WHAT" error listing them. */
static int
find_in(char **names, size_t n, const char *what, const char *s, size_t *i)
{
	char list[1024];
	size_t j;

	for (j = 0; j < n; j++)
		if (strcasecmp(names[j], s) == 0) {
			*i = j;
			return 0;
		}
	if (n == 0)
		return itsm_error(ITSM_E_INVALID, "unknown %s '%.*s' (the "
		    "policy names none)", what, itsm_cut(s, 64), s);
	join_names(list, sizeof(list), (const char *const *)names,
	    sizeof(char *), n);
	return itsm_error(ITSM_E_INVALID, "unknown %s '%.*s' (expected one of: "
	    "%s)", what, itsm_cut(s, 64), s, list);
}

int
itsm_policy_channel_find(const itsm_policy *p, const char *s, size_t *i)
{
	return find_in(p->channels, p->nchannels, "channel", s, i);
}

size_t
itsm_policy_category_count(const itsm_policy *p)
{
	return p->ncats;
}

const char *
itsm_policy_category(const itsm_policy *p, size_t i)
{
	return i < p->ncats ? p->cats[i].name : NULL;
}

int
itsm_policy_category_find(const itsm_policy *p, const char *s, size_t *i)
{
	char list[1024];
	size_t j;

	for (j = 0; j < p->ncats; j++)
		if (strcasecmp(p->cats[j].name, s) == 0) {
			*i = j;
			return 0;
		}
	if (p->ncats == 0)
		return itsm_error(ITSM_E_INVALID, "unknown category '%.*s' "
		    "(the policy names none)", itsm_cut(s, 64), s);
	join_names(list, sizeof(list), (const char *const *)&p->cats[0].name,
	    sizeof(struct cat), p->ncats);
	return itsm_error(ITSM_E_INVALID, "unknown category '%.*s' (expected "
	    "one of: %s)", itsm_cut(s, 64), s, list);
}

size_t
itsm_policy_subcategory_count(const itsm_policy *p, size_t cat)
{
	return cat < p->ncats ? p->cats[cat].nsubs : 0;
}

const char *
itsm_policy_subcategory(const itsm_policy *p, size_t cat, size_t i)
{
	if (cat >= p->ncats || i >= p->cats[cat].nsubs)
		return NULL;
	return p->cats[cat].subs[i];
}

int
itsm_policy_subcategory_find(const itsm_policy *p, size_t cat, const char *s,
    size_t *i)
{
	char what[128];

	if (cat >= p->ncats)
		return itsm_error(ITSM_E_INVALID, "no such category");
	snprintf(what, sizeof(what), "subcategory of '%.*s'",
	    itsm_cut(p->cats[cat].name, 96), p->cats[cat].name);
	return find_in(p->cats[cat].subs, p->cats[cat].nsubs, what, s, i);
}

const char *
itsm_policy_practice(const itsm_policy *p, enum itsm_type type)
{
	return type < ITSM_NTYPES ? p->practice[type] : NULL;
}

size_t
itsm_policy_tier_count(const itsm_policy *p)
{
	return p->ntiers;
}

const char *
itsm_policy_tier(const itsm_policy *p, size_t i)
{
	return i < p->ntiers ? p->tiers[i] : NULL;
}

size_t
itsm_policy_group_count(const itsm_policy *p)
{
	return p->ngroups;
}

const char *
itsm_policy_group(const itsm_policy *p, size_t i)
{
	return i < p->ngroups ? p->groups[i].name : NULL;
}

const char *
itsm_policy_group_tier(const itsm_policy *p, size_t i)
{
	return i < p->ngroups ? p->groups[i].tier : NULL;
}

int
itsm_policy_group_find(const itsm_policy *p, const char *s, size_t *i)
{
	char list[1024];
	size_t j;

	for (j = 0; j < p->ngroups; j++)
		if (strcasecmp(p->groups[j].name, s) == 0) {
			*i = j;
			return 0;
		}
	if (p->ngroups == 0)
		return itsm_error(ITSM_E_INVALID, "unknown group '%.*s' (the "
		    "policy names none)", itsm_cut(s, 64), s);
	join_names(list, sizeof(list), (const char *const *)&p->groups[0].name,
	    sizeof(struct group), p->ngroups);
	return itsm_error(ITSM_E_INVALID, "unknown group '%.*s' (expected one "
	    "of: %s)", itsm_cut(s, 64), s, list);
}

const char *
itsm_policy_default_group(const itsm_policy *p)
{
	size_t i;

	for (i = 0; i < p->ngroups; i++)
		if (p->groups[i].tier == p->tiers[0])
			return p->groups[i].name;
	return NULL;
}

size_t
itsm_policy_resolution_code_count(const itsm_policy *p)
{
	return p->ncodes;
}

const char *
itsm_policy_resolution_code(const itsm_policy *p, size_t i)
{
	return i < p->ncodes ? p->codes[i] : NULL;
}

int64_t
itsm_policy_auto_close(const itsm_policy *p)
{
	return p->auto_close;
}

int64_t
itsm_policy_hook_timeout(const itsm_policy *p)
{
	return p->hook_timeout;
}

int
itsm_policy_share_group(const itsm_policy *p)
{
	return p->share_group;
}

int64_t
itsm_policy_busy_timeout(const itsm_policy *p)
{
	return p->busy_timeout;
}

const char *
itsm_policy_database_url(const itsm_policy *p)
{
	return p != NULL ? p->db_url : NULL;
}

size_t
itsm_policy_manager_count(const itsm_policy *p)
{
	return p->nmanagers;
}

const char *
itsm_policy_manager(const itsm_policy *p, size_t i)
{
	return i < p->nmanagers ? p->managers[i].name : NULL;
}

const char *
itsm_policy_manager_contact(const itsm_policy *p, size_t i)
{
	return i < p->nmanagers ? p->managers[i].contact : NULL;
}

/* Whether name is in list (an absent list holds every name). */
static int
in_list(char **list, size_t n, const char *name)
{
	size_t i;

	if (list == NULL)
		return 1;
	if (name == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcasecmp(list[i], name) == 0)
			return 1;
	return 0;
}

int
itsm_policy_manager_matches(const itsm_policy *p, size_t i, const char *group,
    const char *priority)
{
	const struct manager *m;

	if (i >= p->nmanagers)
		return 0;
	m = &p->managers[i];
	return in_list(m->groups, m->ngroups, group) &&
	    in_list(m->priorities, m->npriorities, priority);
}

size_t
itsm_policy_manager_group_count(const itsm_policy *p, size_t i)
{
	return i < p->nmanagers && p->managers[i].groups ?
	    p->managers[i].ngroups : 0;
}

const char *
itsm_policy_manager_group(const itsm_policy *p, size_t i, size_t j)
{
	if (i >= p->nmanagers || j >= itsm_policy_manager_group_count(p, i))
		return NULL;
	return p->managers[i].groups[j];
}

size_t
itsm_policy_manager_priority_count(const itsm_policy *p, size_t i)
{
	return i < p->nmanagers && p->managers[i].priorities ?
	    p->managers[i].npriorities : 0;
}

const char *
itsm_policy_manager_priority(const itsm_policy *p, size_t i, size_t j)
{
	if (i >= p->nmanagers || j >= itsm_policy_manager_priority_count(p, i))
		return NULL;
	return p->managers[i].priorities[j];
}

size_t
itsm_policy_audience_address_count(const itsm_policy *p, size_t i)
{
	return i < p->naudiences ? p->audiences[i].naddresses : 0;
}

const char *
itsm_policy_audience_address(const itsm_policy *p, size_t i, size_t j)
{
	return j < itsm_policy_audience_address_count(p, i) ?
	    p->audiences[i].addresses[j] : NULL;
}

const struct itsm_mail_policy *
itsm_policy_mail(const itsm_policy *p)
{
	return p != NULL && p->has_mail ? &p->mail : NULL;
}

const struct itsm_mail_policy *
itsm_policy_mail_in(const itsm_policy *p)
{
	return &p->mail;
}

const struct itsm_notification *
itsm_policy_notification(const itsm_policy *p, enum itsm_notify_event e)
{
	if (p == NULL || (unsigned)e >= ITSM_NNOTIFY || !p->has_notify[e])
		return NULL;
	return &p->notify[e];
}

size_t
itsm_policy_major_rule_count(const itsm_policy *p)
{
	return p->nrules;
}

/* Formats "priority P1 and criticality critical" into buf. */
static void
describe_rule(const struct major_rule *r, char *buf, size_t len)
{
	static const char *const what[] = { "priority", "impact",
	    "criticality" };
	char *const *lists[3] = { r->priorities, r->impacts, r->criticalities };
	size_t counts[3] = { r->npriorities, r->nimpacts, r->ncriticalities };
	size_t off = 0, k, i;
	int first = 1;

	buf[0] = '\0';
	for (k = 0; k < 3 && off < len; k++) {
		if (lists[k] == NULL)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s ",
		    first ? "" : " and ", what[k]);
		for (i = 0; i < counts[k] && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    i ? "/" : "", lists[k][i]);
		first = 0;
	}
}

int
itsm_policy_major_rule_matches(const itsm_policy *p, size_t i,
    const char *priority, const char *impact, const char *service,
    char *why, size_t len)
{
	const struct major_rule *r;
	const char *crit;

	if (i >= p->nrules)
		return 0;
	r = &p->rules[i];
	crit = itsm_policy_service_criticality(p, service);
	if (!in_list(r->priorities, r->npriorities, priority) ||
	    !in_list(r->impacts, r->nimpacts, impact) ||
	    !in_list(r->criticalities, r->ncriticalities, crit))
		return 0;
	if (why != NULL)
		describe_rule(r, why, len);
	return 1;
}

size_t
itsm_policy_storm_count(const itsm_policy *p)
{
	return p->storm_count;
}

int64_t
itsm_policy_storm_window(const itsm_policy *p)
{
	return p->storm_window;
}

const char *
itsm_policy_service_criticality(const itsm_policy *p, const char *service)
{
	size_t i;

	for (i = 0; service != NULL && i < p->nservices; i++)
		if (strcasecmp(p->services[i].name, service) == 0)
			return p->services[i].criticality;
	return NULL;
}

size_t
itsm_policy_service_count(const itsm_policy *p)
{
	return p->nservices;
}

const char *
itsm_policy_service(const itsm_policy *p, size_t i)
{
	return i < p->nservices ? p->services[i].name : NULL;
}

size_t
itsm_policy_role_count(const itsm_policy *p)
{
	return p->nroles;
}

const char *
itsm_policy_role(const itsm_policy *p, size_t i)
{
	return i < p->nroles ? p->roles[i] : NULL;
}

int
itsm_policy_role_find(const itsm_policy *p, const char *s, size_t *i)
{
	return find_in(p->roles, p->nroles, "role", s, i);
}

size_t
itsm_policy_audience_count(const itsm_policy *p)
{
	return p->naudiences;
}

const char *
itsm_policy_audience(const itsm_policy *p, size_t i)
{
	return i < p->naudiences ? p->audiences[i].name : NULL;
}

int
itsm_policy_audience_find(const itsm_policy *p, const char *s, size_t *i)
{
	char list[1024];
	size_t j;

	for (j = 0; j < p->naudiences; j++)
		if (strcasecmp(p->audiences[j].name, s) == 0) {
			*i = j;
			return 0;
		}
	if (p->naudiences == 0)
		return itsm_error(ITSM_E_INVALID, "unknown audience '%.*s' "
		    "(the policy names none)", itsm_cut(s, 64), s);
	join_names(list, sizeof(list), (const char *const *)&p->audiences[0].name,
	    sizeof(struct audience), p->naudiences);
	return itsm_error(ITSM_E_INVALID, "unknown audience '%.*s' (expected "
	    "one of: %s)", itsm_cut(s, 64), s, list);
}

int64_t
itsm_policy_audience_cadence(const itsm_policy *p, size_t i,
    const char *priority)
{
	size_t pi;

	if (i >= p->naudiences)
		return 0;
	if (priority != NULL && itsm_policy_priority_find(p, priority, &pi) == 0
	    && p->audiences[i].cadence[pi] != 0)
		return p->audiences[i].cadence[pi];
	return p->audiences[i].other;
}

int64_t
itsm_policy_audience_cadence_of(const itsm_policy *p, size_t i, size_t pri)
{
	if (i >= p->naudiences || pri >= p->npr)
		return 0;
	return p->audiences[i].cadence[pri];
}

int64_t
itsm_policy_audience_cadence_other(const itsm_policy *p, size_t i)
{
	return i < p->naudiences ? p->audiences[i].other : 0;
}

size_t
itsm_policy_major_rule_list(const itsm_policy *p, size_t i, int what,
    const char *const **list)
{
	const struct major_rule *r;

	*list = NULL;
	if (i >= p->nrules)
		return 0;
	r = &p->rules[i];
	switch (what) {
	case 0: *list = (const char *const *)r->priorities;
		return r->npriorities;
	case 1: *list = (const char *const *)r->impacts;
		return r->nimpacts;
	default: *list = (const char *const *)r->criticalities;
		return r->ncriticalities;
	}
}

size_t
itsm_policy_checklist_count(const itsm_policy *p)
{
	return p->nchecklist;
}

const char *
itsm_policy_checklist(const itsm_policy *p, size_t i)
{
	return i < p->nchecklist ? p->checklist[i] : NULL;
}

const char *
itsm_policy_timezone(const itsm_policy *p)
{
	return p->timezone;
}

size_t
itsm_policy_calendar_count(const itsm_policy *p)
{
	return p->ncals;
}

const itsm_calendar *
itsm_policy_calendar(const itsm_policy *p, size_t i)
{
	return i < p->ncals ? p->cals[i] : NULL;
}

int
itsm_policy_calendar_find(const itsm_policy *p, const char *s, size_t *i)
{
	char list[1024];
	size_t j, off = 0;

	for (j = 0; j < p->ncals; j++)
		if (strcasecmp(itsm_calendar_name(p->cals[j]), s) == 0) {
			*i = j;
			return 0;
		}
	list[0] = '\0';
	for (j = 0; j < p->ncals && off < sizeof(list); j++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    j ? ", " : "", itsm_calendar_name(p->cals[j]));
	return itsm_error(ITSM_E_INVALID, "unknown calendar '%.*s' (expected "
	    "one of: %s)", itsm_cut(s, 64), s, list);
}

/* The calendar of name in overrides, or NO_CAL. */
static size_t
override_of(const struct cal_override *o, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcasecmp(o[i].name, name) == 0)
			return o[i].calendar;
	return NO_CAL;
}

const itsm_calendar *
itsm_policy_ticket_calendar(const itsm_policy *p, const char *priority,
    const char *group, const char *service)
{
	size_t c, pi;

	if ((c = override_of(p->sla_services, p->nsla_services, service)) ==
	    NO_CAL &&
	    (c = override_of(p->sla_groups, p->nsla_groups, group)) == NO_CAL) {
		c = p->sla_default;
		for (pi = 0; priority != NULL && pi < p->npr; pi++)
			if (strcasecmp(p->pr[pi].name, priority) == 0) {
				if (p->pr[pi].calendar != NO_CAL)
					c = p->pr[pi].calendar;
				break;
			}
	}
	return c < p->ncals ? p->cals[c] : p->cals[0];
}

const itsm_calendar *
itsm_policy_rule_calendar(const itsm_policy *p, enum itsm_rule rule,
    const char *priority, const char *group, const char *service)
{
	size_t c = rule < ITSM_NRULES ? p->rule_cal[rule] : 0;

	if (c == BUSINESS)
		return itsm_policy_ticket_calendar(p, priority, group, service);
	return c < p->ncals ? p->cals[c] : p->cals[0];
}

struct itsm_span
itsm_policy_target_span(const itsm_policy *p, size_t i, enum itsm_target what)
{
	struct itsm_span none = { 0 };

	if (i >= p->npr)
		return none;
	switch (what) {
	case ITSM_TARGET_RESPONSE: return p->pr[i].sresponse;
	case ITSM_TARGET_RESOLUTION: return p->pr[i].sresolution;
	default: return p->pr[i].sstagnation;
	}
}

int64_t
itsm_policy_target(const itsm_policy *p, size_t i, enum itsm_target what,
    const itsm_calendar *c)
{
	struct itsm_span s = itsm_policy_target_span(p, i, what);

	if (c == NULL)
		return what == ITSM_TARGET_RESPONSE ?
		    itsm_policy_priority_response(p, i) :
		    what == ITSM_TARGET_RESOLUTION ?
		    itsm_policy_priority_resolution(p, i) :
		    itsm_policy_priority_stagnation(p, i);
	return itsm_calendar_span(c, &s);
}

struct itsm_span
itsm_policy_auto_close_span(const itsm_policy *p)
{
	return p->sauto_close;
}

int64_t
itsm_policy_auto_close_in(const itsm_policy *p, const itsm_calendar *c)
{
	return c == NULL ? p->auto_close : itsm_calendar_span(c,
	    &p->sauto_close);
}

struct itsm_span
itsm_policy_audience_cadence_span(const itsm_policy *p, size_t i, size_t pri)
{
	struct itsm_span none = { 0 };

	if (i >= p->naudiences || pri > p->npr)
		return none;
	return pri == p->npr ? p->audiences[i].sother :
	    p->audiences[i].scadence[pri];
}

int64_t
itsm_policy_audience_cadence_in(const itsm_policy *p, size_t i,
    const char *priority, const itsm_calendar *c)
{
	struct itsm_span s;
	size_t pi;

	if (c == NULL)
		return itsm_policy_audience_cadence(p, i, priority);
	if (i >= p->naudiences)
		return 0;
	if (priority != NULL && itsm_policy_priority_find(p, priority, &pi) == 0
	    && p->audiences[i].cadence[pi] != 0)
		s = p->audiences[i].scadence[pi];
	else
		s = p->audiences[i].sother;
	return itsm_calendar_span(c, &s);
}

int
itsm_policy_has_sla(const itsm_policy *p)
{
	return p->has_sla;
}

const char *
itsm_policy_sla_calendar(const itsm_policy *p)
{
	return itsm_calendar_name(p->cals[p->sla_default]);
}

const char *
itsm_policy_priority_calendar(const itsm_policy *p, size_t i)
{
	if (i >= p->npr || p->pr[i].calendar == NO_CAL)
		return NULL;
	return itsm_calendar_name(p->cals[p->pr[i].calendar]);
}

size_t
itsm_policy_sla_override_count(const itsm_policy *p, int services)
{
	return services ? p->nsla_services : p->nsla_groups;
}

const char *
itsm_policy_sla_override(const itsm_policy *p, int services, size_t i,
    const char **calendar)
{
	const struct cal_override *o = services ? p->sla_services :
	    p->sla_groups;

	if (i >= itsm_policy_sla_override_count(p, services))
		return NULL;
	*calendar = itsm_calendar_name(p->cals[o[i].calendar]);
	return o[i].name;
}

const char *
itsm_policy_rule(const itsm_policy *p, enum itsm_rule rule)
{
	size_t c = rule < ITSM_NRULES ? p->rule_cal[rule] : 0;

	if (c == BUSINESS)
		return "business";
	return c == 0 ? "wall" : itsm_calendar_name(p->cals[c]);
}

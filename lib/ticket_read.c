/*
 * The ticket read model: the fields table, the ticket object filled from
 * the engine's rows, the rules of the queue (breached, stagnant, what a
 * sweep selects) written once, the work queue, a ticket's events and the
 * rows of an export.  The engine selects by the bounds computed here
 * (struct store_query) and streams rows.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/major.h"
#include "itsm/port.h"
#include "itsm/ref.h"
#include "itsm/time.h"
#include "itsm/workflow.h"
#include "store_int.h"
#include "store_major.h"
#include "ticket_int.h"

struct field {
	const char *name;
	enum itsm_field_kind kind;
};

/* Every key's name and kind, from the fields table. */
#define TK_FIELD(key, name, kind, flags) [key] = { name, kind },
static const struct field fields[SK_NKEYS] = {
	TK_FIELDS(TK_FIELD)
};
#undef TK_FIELD
#define TK_COUNT(key, name, kind, flags) + 1
_Static_assert(0 TK_FIELDS(TK_COUNT) == SK_NKEYS,
    "the fields table has every key");
#undef TK_COUNT

#define BIT(f) ITSM_FIELD_BIT(f)
#define ALL_FIELDS (BIT(ITSM_NFIELDS) - 1)
/* Every stored field of the ticket object: the ref is computed. */
#define STORED_FIELDS (ALL_FIELDS & ~BIT(ITSM_F_REF))
_Static_assert(ITSM_NFIELDS < 64, "a field mask is 64 bits");

struct itsm_ticket {
	const char *str[ITSM_NFIELDS];
	int64_t num[ITSM_NFIELDS];
	char *json;		/* the JSON object, when asked for */
	char *buf;		/* the texts, when copied out of the row */
	size_t cap;
	char numtext[ITSM_NFIELDS][ITSM_TIMEBUF];	/* numbers and times */
};

/* Which field each value of a row holds. */
struct colmap {
	int n;
	unsigned char field[ITSM_NFIELDS];
	uint64_t want;		/* the fields filled (BIT of each) */
};

struct itsm_iter {
	itsm_store *store;
	struct store_rows *rows;
	itsm_ticket t;
	struct colmap map;
	int json;
	int narrow;		/* the stagnant cuts are supersets: k decides */
	struct tk_cuts k;
	int64_t limit, given;	/* the filter's limit when narrow */
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

const char *
tk_key_name(int key)
{
	return key >= 0 && key < SK_NKEYS ? fields[key].name : NULL;
}

/*
 * The keys a read of the fields in want asks of the store (id always,
 * id and type for the ref), and the map of its row's values.
 */
static uint64_t
map_fields(struct colmap *m, uint64_t want)
{
	int f;

	want = (want ? want : ALL_FIELDS) | BIT(ITSM_F_ID);
	if (want & BIT(ITSM_F_REF))
		want |= BIT(ITSM_F_TYPE);
	m->n = 0;
	m->want = want;
	for (f = 0; f < ITSM_NFIELDS; f++)
		if (f != ITSM_F_REF && (want & BIT(f)))
			m->field[m->n++] = (unsigned char)f;
	return want & ~BIT(ITSM_F_REF);
}

/* Writes v in decimal into buf (24 bytes at least). */
static inline void
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

void
tk_format_real(double r, char *buf, size_t len)
{
	char *e;

	if (isinf(r)) {
		snprintf(buf, len, "%sInf", r < 0 ? "-" : "");
		return;
	}
	snprintf(buf, len, "%.15g", r);
	if (strchr(buf, '.') != NULL || strchr(buf, 'n') != NULL ||
	    strlen(buf) + 3 > len)
		return;
	/* A point and a digit always, before the exponent if any. */
	e = strchr(buf, 'e');
	if (e == NULL)
		e = buf + strlen(buf);
	memmove(e + 2, e, strlen(e) + 1);
	e[0] = '.';
	e[1] = '0';
}

/* A value as an integer, as a database reads a number out of it. */
static int64_t
value_int(const struct store_value *v)
{
	switch (v->type) {
	case STORE_INT:
		return v->i;
	case STORE_REAL:
		return v->r >= 9.2e18 ? INT64_MAX : v->r <= -9.2e18 ?
		    INT64_MIN : (int64_t)v->r;
	case STORE_TEXT:
		return strtoll(v->s, NULL, 10);
	default:
		return 0;
	}
}

/*
 * A value as a text (NULL for NULL): its own, or a number written into
 * buf (24 bytes at least).
 */
static const char *
value_text(const struct store_value *v, char *buf, size_t *len)
{
	switch (v->type) {
	case STORE_TEXT:
		*len = v->len;
		return v->s;
	case STORE_INT:
		format_int(v->i, buf);
		break;
	case STORE_REAL:
		tk_format_real(v->r, buf, 24);
		break;
	default:
		return NULL;
	}
	*len = strlen(buf);
	return buf;
}

/*
 * Reads a row of n values into t, as m says.  The texts are copied into
 * t->buf when copy is set (the row is gone after); else they point into
 * the row, valid until the next row: a list does not copy what it prints
 * once.  Numbers and times are formatted for the fields of m only; the
 * JSON object is written (tk_ticket_json) when json is set.
 */
static int
fill(itsm_ticket *t, const struct store_value *row, size_t n,
    const struct colmap *m, int json, int copy)
{
	size_t need = 0, off = 0, len;
	int c, f, ncol = m->n;

	if (n < (size_t)ncol)
		return itsm_error(ITSM_E_INTERNAL, "a ticket row is short");
	memset(t->str, 0, sizeof(t->str));
	memset(t->num, 0, sizeof(t->num));
	free(t->json);
	t->json = NULL;
	/* The values in place: texts point into the row. */
	for (c = 0; c < ncol; c++) {
		if (row[c].type == STORE_NULL)
			continue;
		f = m->field[c];
		switch (fields[f].kind) {
		case ITSM_FK_TEXT:
			if (row[c].type == STORE_TEXT) {
				t->str[f] = row[c].s;
				need += row[c].len + 1;
			} else {
				t->str[f] = value_text(&row[c], t->numtext[f],
				    &len);
			}
			continue;
		case ITSM_FK_TIME:
			t->num[f] = row[c].type == STORE_INT ? row[c].i :
			    value_int(&row[c]);
			itsm_time_format(t->num[f], t->numtext[f]);
			t->str[f] = t->numtext[f];
			break;
		case ITSM_FK_BOOL:
			t->num[f] = row[c].type == STORE_INT ? row[c].i :
			    value_int(&row[c]);
			t->str[f] = t->num[f] ? "true" : "false";
			break;
		default:
			t->num[f] = row[c].type == STORE_INT ? row[c].i :
			    value_int(&row[c]);
			format_int(t->num[f], t->numtext[f]);
			t->str[f] = t->numtext[f];
			break;
		}
	}
	/* Copied out of the row, when it goes before t does. */
	if (copy && need > 0) {
		if (need > t->cap) {
			char *nb = realloc(t->buf, need);

			if (nb == NULL)
				return itsm_error(ITSM_E_NOMEM,
				    "out of memory");
			t->buf = nb;
			t->cap = need;
		}
		for (c = 0; c < ncol; c++) {
			if (row[c].type != STORE_TEXT ||
			    fields[f = m->field[c]].kind != ITSM_FK_TEXT)
				continue;
			memcpy(t->buf + off, row[c].s, row[c].len);
			t->buf[off + row[c].len] = '\0';
			t->str[f] = t->buf + off;
			off += row[c].len + 1;
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
tk_past_due(int64_t due, int64_t at)
{
	return due < at;
}

/* The one rule of a breach: the query's bound is this comparison. */
int
tk_breached(const char *status, int responded, int has_response_due,
    int64_t response_due, int resolved, int has_resolution_due,
    int64_t resolution_due, int64_t now)
{
	if (!itsm_status_workable(status))
		return 0;
	return (!responded && has_response_due &&
	    tk_past_due(response_due, now)) ||
	    (!resolved && has_resolution_due &&
	    tk_past_due(resolution_due, now));
}

int
itsm_ticket_breached(const itsm_ticket *t, int64_t now)
{
	return tk_breached(t->str[ITSM_F_STATUS],
	    t->str[ITSM_F_RESPONDED_AT] != NULL,
	    t->str[ITSM_F_RESPONSE_DUE] != NULL, t->num[ITSM_F_RESPONSE_DUE],
	    t->str[ITSM_F_RESOLVED_AT] != NULL,
	    t->str[ITSM_F_RESOLUTION_DUE] != NULL,
	    t->num[ITSM_F_RESOLUTION_DUE], now);
}

/*
 * The cut of priority i (the policy's index) in calendar cal: a ticket
 * is stagnant when more than its stagnation threshold of working time
 * has elapsed since its last activity, at least a second more: when its
 * last activity is at or before since(now, threshold + 1s), so before
 * that plus one.  Not since(now, threshold) itself: that is a working
 * instant, and an activity in the closed time before it (Friday night)
 * is exactly the threshold away, not more.  On the wall clock, now less
 * the threshold, as it always was.  INT64_MIN (nothing stagnant) when
 * there is not that much working time since 1970.
 */
static int64_t
cut_in(const itsm_policy *p, size_t i, const itsm_calendar *cal,
    int64_t now)
{
	int64_t t = itsm_policy_target(p, i, ITSM_TARGET_STAGNATION, cal);

	if (t < 0)
		t = 0;
	t = itsm_calendar_since(cal, now, t + 1);
	return t == INT64_MIN ? t : t + 1;
}

/*
 * The cut of priority i for any group and service: that of the calendar
 * the rule gives the priority alone, or, where groups or services name
 * other calendars (sla: groups, services), the latest of them, a
 * superset tk_stagnant() narrows (*varies set).
 */
static int64_t
priority_cut(const itsm_policy *p, size_t i, int64_t now, int *varies)
{
	const char *name = itsm_policy_priority_name(p, i), *cn, *to;
	const itsm_calendar *base, *cal;
	int64_t cut, other;
	size_t j;
	int services;

	base = itsm_policy_rule_calendar(p, ITSM_RULE_STAGNATION, name, NULL,
	    NULL);
	cut = cut_in(p, i, base, now);
	for (services = 0; services < 2; services++)
		for (j = 0; j < itsm_policy_sla_override_count(p, services);
		    j++) {
			cn = itsm_policy_sla_override(p, services, j, &to);
			cal = itsm_policy_rule_calendar(p,
			    ITSM_RULE_STAGNATION, name, services ? NULL : cn,
			    services ? cn : NULL);
			if (cal == base)
				continue;
			other = cut_in(p, i, cal, now);
			*varies = 1;
			if (other > cut)
				cut = other;
		}
	return cut;
}

int
tk_stagnant_cuts(const itsm_policy *p, int64_t now, struct tk_cuts *k)
{
	size_t i, j, n = itsm_policy_priority_count(p);

	k->n = 0;
	k->nmemo = 0;
	k->varies = 0;
	k->policy = p;
	k->now = now;
	if (n > STORE_MAX_CUTS)
		return itsm_error(ITSM_E_INVALID, "too many filters");
	/* Unprioritized, or a priority the policy no longer has: the last's. */
	k->other = n ? priority_cut(p, n - 1, now, &k->varies) : now;
	for (i = 0; i < n; i++) {
		const char *name = itsm_policy_priority_name(p, i);

		for (j = 0; j < k->n && strcmp(k->name[j], name) != 0; j++)
			;
		if (j < k->n)
			continue;	/* a name again: the first one's */
		k->name[k->n] = name;
		k->at[k->n++] = priority_cut(p, i, now, &k->varies);
	}
	return 0;
}

/* cut_in() of priority pi in cal, worked out once per sweep. */
static int64_t
memo_cut(struct tk_cuts *k, size_t pi, const itsm_calendar *cal)
{
	int64_t at;
	size_t i;

	for (i = 0; i < k->nmemo; i++)
		if (k->memo[i].pi == pi && k->memo[i].cal == cal)
			return k->memo[i].at;
	at = cut_in(k->policy, pi, cal, k->now);
	if (k->nmemo < sizeof(k->memo) / sizeof(k->memo[0])) {
		k->memo[k->nmemo].pi = pi;
		k->memo[k->nmemo].cal = cal;
		k->memo[k->nmemo++].at = at;
	}
	return at;
}

int
tk_stagnant(struct tk_cuts *k, const char *status, const char *priority,
    const char *group, const char *service, int has_updated,
    int64_t updated_at)
{
	const itsm_policy *p = k->policy;
	size_t i, pi, n = itsm_policy_priority_count(p);
	int64_t cut = k->other;

	if (!itsm_status_workable(status) || !has_updated)
		return 0;
	for (i = 0; priority != NULL && i < k->n; i++)
		if (strcmp(k->name[i], priority) == 0) {
			cut = k->at[i];
			break;
		}
	if (k->varies && n > 0) {
		/* The ticket's own calendar: the first priority of the name. */
		for (pi = 0; priority != NULL && pi < n &&
		    strcmp(itsm_policy_priority_name(p, pi), priority) != 0;
		    pi++)
			;
		if (priority == NULL || pi == n)
			pi = n - 1;
		cut = memo_cut(k, pi, itsm_policy_rule_calendar(p,
		    ITSM_RULE_STAGNATION, itsm_policy_priority_name(p, pi),
		    group, service));
	}
	return updated_at < cut;
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

int
itsm_ticket_get(itsm_ctx *c, int64_t id, itsm_ticket **out)
{
	const struct store_value *row;
	struct store_rows *r = NULL;
	struct colmap m;
	itsm_ticket *t = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = store_ticket_read(c->store, id, &r)) != 0)
		return rc;
	if ((rc = store_rows_next(c->store, r, &row, &n)) <= 0) {
		if (rc == 0)
			rc = itsm_error(ITSM_E_NOTFOUND, "no such ticket: %lld",
			    (long long)id);
		goto done;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto done;
	}
	map_fields(&m, STORED_FIELDS);
	m.want = ALL_FIELDS;
	if ((rc = fill(t, row, n, &m, 1, 1)) != 0) {
		itsm_ticket_free(t);
		t = NULL;
	}
done:
	store_rows_free(c->store, r);
	*out = t;
	return rc;
}

/*
 * The query of a filter: its values, and the bounds of the rules
 * (stagnant: the cuts of k; breached: now).
 */
static void
filter_query(itsm_ctx *c, const struct itsm_filter *f,
    const struct tk_cuts *k, struct store_query *q)
{
	if (f->status != NULL) {
		q->scope = STORE_STATUSES;
		q->statuses = f->status;
	} else if (f->all) {
		q->scope = STORE_ALL;
	} else if (f->workable) {
		q->scope = STORE_WORKABLE;
	} else {
		q->scope = STORE_OPEN;
	}
	q->type = f->type;
	q->priority = f->priority;
	q->group = f->group;
	q->assignee = f->assignee;
	q->assignee_or_none = f->assignee_or_none;
	q->caller = f->caller;
	q->affected = f->affected;
	q->service = f->service;
	q->category = f->category;
	q->text = f->text;
	q->has_since = f->has_since;
	q->since = f->since;
	q->has_until = f->has_until;
	q->until = f->until;
	if (f->stagnant)
		tk_query_stagnant(q, k);
	if (f->breached)
		tk_query_breached(q, c->now);
	q->limit = f->limit;
}

void
tk_query_stagnant(struct store_query *q, const struct tk_cuts *k)
{
	q->stagnant = 1;
	q->ncut = k->n;
	q->cut_name = k->name;
	q->cut_at = k->at;
	q->cut_other = k->other;
}

void
tk_query_breached(struct store_query *q, int64_t now)
{
	q->breached = 1;
	q->overdue_before = now;
}

/* tk_stagnant() of a ticket read with TK_STAGNANT_FIELDS. */
static int
ticket_stagnant(struct tk_cuts *k, const itsm_ticket *t)
{
	return tk_stagnant(k, t->str[ITSM_F_STATUS], t->str[ITSM_F_PRIORITY],
	    t->str[ITSM_F_GROUP], t->str[ITSM_F_SERVICE],
	    t->str[ITSM_F_UPDATED_AT] != NULL, t->num[ITSM_F_UPDATED_AT]);
}

int
itsm_list(itsm_ctx *c, const struct itsm_filter *f, itsm_iter **out)
{
	struct store_query q = { .order = STORE_BY_QUEUE,
	    .what = "cannot list tickets" };
	struct tk_cuts k;
	itsm_iter *it;
	int rc;

	*out = NULL;
	if ((rc = tk_filter_check(c, f)) != 0)
		return rc;
	if (f->stagnant && (rc = tk_stagnant_cuts(c->policy, c->now, &k)) != 0)
		return rc;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	it->store = c->store;
	it->json = f->json;
	filter_query(c, f, &k, &q);
	/* The JSON object has every field. */
	q.want = map_fields(&it->map, f->json ? 0 : f->fields);
	if (f->stagnant && k.varies) {
		/* The store's superset, narrowed here: the limit too. */
		it->narrow = 1;
		it->k = k;
		it->limit = q.limit;
		q.limit = 0;
		if (!f->json && f->fields != 0)
			q.want = map_fields(&it->map, f->fields |
			    TK_STAGNANT_FIELDS);
	}
	if ((rc = store_ticket_select(c->store, &q, &it->rows)) != 0) {
		free(it);
		return rc;
	}
	*out = it;
	return 0;
}

int
itsm_iter_next(itsm_iter *it, const itsm_ticket **t)
{
	const struct store_value *row;
	size_t n;
	int rc;

	do {
		if (it->narrow && it->limit > 0 && it->given >= it->limit)
			return 0;
		if ((rc = store_rows_next(it->store, it->rows, &row, &n)) <= 0)
			return rc;
		if ((rc = fill(&it->t, row, n, &it->map, it->json, 0)) != 0)
			return rc;
	} while (it->narrow && !ticket_stagnant(&it->k, &it->t));
	it->given++;
	*t = &it->t;
	return 1;
}

void
itsm_iter_free(itsm_iter *it)
{
	if (it == NULL)
		return;
	store_rows_free(it->store, it->rows);
	free(it->t.json);
	free(it->t.buf);
	free(it);
}

struct itsm_event {
	const struct store_value *row;
	size_t n;
	char at[ITSM_TIMEBUF], recorded_at[ITSM_TIMEBUF];
	char num[ITSM_NEVFIELDS][24];	/* numbers read as texts */
};

struct itsm_event_iter {
	itsm_store *store;
	struct store_rows *rows;
	itsm_event e;
	/*
	 * Export's walk (store_events_of): the events of every ticket, by
	 * ticket, each given with its ticket's; the row read ahead, a later
	 * ticket's, is kept in e until then.
	 */
	int walk;
	int64_t ticket;		/* whose events are given */
	int ahead;		/* e.row is read and not yet given */
};

/* The value of an event row of store_events_of() that holds its ticket. */
#define EV_TICKET ITSM_NEVFIELDS

int
tk_events_after(itsm_ctx *c, int64_t id, int64_t after, itsm_event_iter **out)
{
	itsm_event_iter *it;
	int rc;

	*out = NULL;
	if ((it = calloc(1, sizeof(*it))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	it->store = c->store;
	if ((rc = store_ticket_events(c->store, id, after, &it->rows)) != 0) {
		free(it);
		return rc;
	}
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

/* The next row of export's walk that is it->ticket's: 1, 0, or < 0. */
static int
walk_next(itsm_event_iter *it)
{
	int64_t ticket;
	int rc;

	for (;;) {
		if (!it->ahead) {
			if ((rc = store_rows_next(it->store, it->rows,
			    &it->e.row, &it->e.n)) <= 0)
				return rc;
			if (it->e.n <= EV_TICKET)
				return itsm_error(ITSM_E_INTERNAL,
				    "an event row is short");
			it->ahead = 1;
		}
		ticket = value_int(&it->e.row[EV_TICKET]);
		if (ticket > it->ticket)
			return 0;	/* kept for its ticket */
		it->ahead = 0;
		if (ticket == it->ticket)
			return 1;
		/* An earlier ticket's, the walk past it: not given. */
	}
}

int
itsm_event_next(itsm_event_iter *it, const itsm_event **e)
{
	int rc;

	if (it->walk)
		rc = walk_next(it);
	else
		rc = store_rows_next(it->store, it->rows, &it->e.row,
		    &it->e.n);
	if (rc <= 0)
		return rc;
	if (it->e.n < ITSM_NEVFIELDS)
		return itsm_error(ITSM_E_INTERNAL, "an event row is short");
	itsm_time_format(value_int(&it->e.row[ITSM_EV_AT]), it->e.at);
	itsm_time_format(value_int(&it->e.row[ITSM_EV_RECORDED_AT]),
	    it->e.recorded_at);
	*e = &it->e;
	return 1;
}

void
itsm_event_iter_free(itsm_event_iter *it)
{
	if (it == NULL)
		return;
	store_rows_free(it->store, it->rows);
	free(it);
}

const char *
itsm_event_str(const itsm_event *e, enum itsm_event_field f)
{
	size_t len;

	switch (f) {
	case ITSM_EV_AT:
		return e->at;
	case ITSM_EV_RECORDED_AT:
		return e->recorded_at;
	default:
		if (f >= ITSM_NEVFIELDS)
			return NULL;
		/* The buffer is the event's own: a number read as text. */
		return value_text(&e->row[f], (char *)e->num[f], &len);
	}
}

int64_t
itsm_event_int(const itsm_event *e, enum itsm_event_field f)
{
	return f < ITSM_NEVFIELDS ? value_int(&e->row[f]) : 0;
}

int
tk_crisis_rows(itsm_ctx *c, int64_t id, enum tk_crisis_part part,
    int (*row)(void *arg, const struct store_value *v, int n), void *arg)
{
	const struct store_value *v;
	struct store_rows *r = NULL;
	size_t n;
	int rc;

	switch (part) {
	case TK_CRISIS_MAJOR:
		rc = store_major_dossier(c->store, id, &r);
		break;
	case TK_CRISIS_ROSTER:
		rc = store_major_roster(c->store, id, &r);
		break;
	case TK_CRISIS_FINDINGS:
		rc = store_major_findings(c->store, id, &r);
		break;
	case TK_CRISIS_ACTIONS:
		rc = store_major_actions(c->store, id, &r);
		break;
	default:
		rc = itsm_error(ITSM_E_INTERNAL, "no part %d of a dossier",
		    (int)part);
		break;
	}
	if (rc != 0)
		return rc;
	while ((rc = store_rows_next(c->store, r, &v, &n)) == 1)
		if ((rc = row(arg, v, n > 8 ? 8 : (int)n)) != 0)
			break;
	store_rows_free(c->store, r);
	return rc;
}

/* What export reads beside the ticket's fields, in key order. */
#define EXPORT_BIT_(key, name, kind, flags) \
	| ((flags) & TKF_STORE ? SK_BIT(key) : 0)
#define EXPORT_KEYS ((0 TK_STORE_FIELDS(EXPORT_BIT_)) | SK_BIT(SK_CRISIS))
#define EXPORT_NKEYS __builtin_popcountll(EXPORT_KEYS)

/* A value of a field of the "store" object, as its kind reads it. */
static void
export_value(const struct store_value *r, enum itsm_field_kind kind,
    struct tk_value *out)
{
	size_t len;

	out->null = r->type == STORE_NULL;
	out->num = out->null ? 0 : value_int(r);
	out->str = kind == ITSM_FK_TEXT ? value_text(r, out->buf, &len) :
	    NULL;
}

int
tk_export_each(itsm_ctx *c, const struct itsm_filter *f,
    int (*row)(void *arg, const itsm_ticket *t, const struct tk_export *x),
    void *arg)
{
	struct itsm_filter all = *f;
	struct store_query q = { .order = STORE_BY_ID,
	    .what = "cannot export" };
	const struct store_value *v;
	struct store_rows *r = NULL;
	itsm_event_iter ev = { .walk = 1 };
	struct tk_export x = { .events = &ev };
	struct tk_cuts k;
	struct colmap m;
	itsm_ticket t = { .buf = NULL };
	size_t n;
	int64_t kept = 0;
	int rc, i, key, began = 0, narrow;

	if ((rc = tk_filter_check(c, f)) != 0)
		return rc;
	if (f->stagnant && (rc = tk_stagnant_cuts(c->policy, c->now, &k)) != 0)
		return rc;
	/* A backup holds every status unless the filter names some. */
	if (all.status == NULL && !all.stagnant && !all.breached &&
	    !all.workable)
		all.all = 1;
	filter_query(c, &all, &k, &q);
	/* A superset of the stagnant, narrowed below: the limit there. */
	narrow = f->stagnant && k.varies;
	if (narrow)
		q.limit = 0;
	q.want = map_fields(&m, STORED_FIELDS) | EXPORT_KEYS;
	m.want = ALL_FIELDS;
	/*
	 * The tickets and their events in two streams, merged on the id,
	 * as of one moment; memory holds a ticket at a time.
	 */
	ev.store = c->store;
	if ((rc = store_snapshot_begin(c->store, &began)) != 0 ||
	    (rc = store_ticket_select(c->store, &q, &r)) != 0 ||
	    (rc = store_events_of(c->store, &q, &ev.rows)) != 0)
		goto done;
	while ((rc = store_rows_next(c->store, r, &v, &n)) == 1) {
		if (n < (size_t)m.n + (size_t)EXPORT_NKEYS) {
			rc = itsm_error(ITSM_E_INTERNAL,
			    "a ticket row is short");
			goto done;
		}
		/* Copied: the row's events are read before the next row. */
		if ((rc = fill(&t, v, n, &m, 0, 1)) != 0)
			goto done;
		/* Not stagnant in its own calendar: the walk skips its events. */
		if (narrow && !ticket_stagnant(&k, &t))
			continue;
		if (narrow && f->limit > 0 && kept++ >= f->limit) {
			rc = 0;
			break;
		}
		for (i = m.n, key = ITSM_NFIELDS; key < SK_NKEYS; key++) {
			if (!(EXPORT_KEYS & SK_BIT(key)))
				continue;
			if (key == SK_CRISIS)
				x.crisis = value_int(&v[i]) != 0;
			else
				export_value(&v[i], fields[key].kind,
				    &x.store[key - ITSM_NFIELDS]);
			i++;
		}
		ev.ticket = t.num[ITSM_F_ID];
		if ((rc = row(arg, &t, &x)) != 0)
			goto done;
	}
done:
	store_rows_free(c->store, ev.rows);
	store_rows_free(c->store, r);
	store_snapshot_end(c->store, began);
	free(t.json);
	free(t.buf);
	return rc;
}

int
itsm_ticket_find_ext(itsm_ctx *c, const char *ext, int64_t *id)
{
	int rc = store_ticket_find_ext(c->store, ext, id);

	if (rc == 1)
		rc = itsm_error(ITSM_E_NOTFOUND, "no such ticket: '%.*s'",
		    itsm_cut(ext, 64), ext);
	return rc;
}

/* Appends id to *v, n of cap. */
static int
push_id(int64_t **v, size_t *n, size_t *cap, int64_t id)
{
	int64_t *nv;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = realloc(*v, *cap * sizeof(**v))) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		*v = nv;
	}
	(*v)[(*n)++] = id;
	return 0;
}

/* Collects the ids (the first value of each row) a query selects. */
static int
collect_ids(itsm_store *s, const struct store_query *q, int64_t **out,
    size_t *n)
{
	const struct store_value *row;
	struct store_rows *r = NULL;
	int64_t *v = NULL;
	size_t cap = 0, nv_;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_ticket_select(s, q, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(s, r, &row, &nv_)) == 1) {
		if ((rc = push_id(&v, n, &cap, value_int(&row[0]))) != 0)
			break;
	}
	store_rows_free(s, r);
	if (rc != 0) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

/*
 * The ids of the tickets a query selects that keep() keeps, each read
 * with the fields of want: the query's bounds were a superset (the
 * latest cut of several calendars).  Only the superset the index gives
 * is read, never the rest of the queue.
 */
static int
collect_kept(itsm_store *s, struct store_query *q, uint64_t want,
    int (*keep)(void *arg, const itsm_ticket *t), void *arg,
    int64_t **out, size_t *n)
{
	const struct store_value *row;
	struct store_rows *r = NULL;
	itsm_ticket t = { .buf = NULL };
	struct colmap m;
	int64_t *v = NULL;
	size_t cap = 0, nrow;
	int rc;

	*out = NULL;
	*n = 0;
	q->want = map_fields(&m, BIT(ITSM_F_ID) | want);
	if ((rc = store_ticket_select(s, q, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(s, r, &row, &nrow)) == 1) {
		if ((rc = fill(&t, row, nrow, &m, 0, 0)) != 0)
			break;
		if (!keep(arg, &t))
			continue;
		if ((rc = push_id(&v, n, &cap, t.num[ITSM_F_ID])) != 0)
			break;
	}
	store_rows_free(s, r);
	free(t.json);
	free(t.buf);
	if (rc != 0) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

static int
keep_stagnant(void *arg, const itsm_ticket *t)
{
	return ticket_stagnant(arg, t);
}

int
tk_sweep_ids(itsm_ctx *c, int breached, int64_t **ids, size_t *n)
{
	struct store_query q = { .what = "cannot read the queue",
	    .scope = STORE_ALL, .order = STORE_BY_QUEUE,
	    .want = SK_BIT(ITSM_F_ID) };
	struct tk_cuts k;
	int rc;

	if (breached) {
		tk_query_breached(&q, c->now);
		q.esc = STORE_ESC_BREACH;
	} else {
		if ((rc = tk_stagnant_cuts(c->policy, c->now, &k)) != 0)
			return rc;
		tk_query_stagnant(&q, &k);
		q.esc = STORE_ESC_STAGNANT;
		if (k.varies)
			return collect_kept(c->store, &q, TK_STAGNANT_FIELDS,
			    keep_stagnant, &k, ids, n);
	}
	return collect_ids(c->store, &q, ids, n);
}

/* The latest resolution the auto-close delay has elapsed since in cal. */
static int64_t
auto_close_cut(const itsm_policy *p, const itsm_calendar *cal, int64_t now)
{
	return itsm_calendar_since(cal, now, itsm_policy_auto_close_in(p,
	    cal));
}

struct auto_close {
	const itsm_policy *p;
	int64_t now;
	size_t nmemo;		/* the cut of each calendar met, once */
	struct {
		const itsm_calendar *cal;
		int64_t at;
	} memo[32];
};

/* Whether resolved ticket t waited the delay in its own calendar. */
static int
keep_auto_close(void *arg, const itsm_ticket *t)
{
	struct auto_close *a = arg;
	const itsm_calendar *cal;
	int64_t at;
	size_t i;

	if (t->str[ITSM_F_RESOLVED_AT] == NULL)
		return 0;
	cal = itsm_policy_rule_calendar(a->p, ITSM_RULE_AUTO_CLOSE,
	    t->str[ITSM_F_PRIORITY], t->str[ITSM_F_GROUP],
	    t->str[ITSM_F_SERVICE]);
	for (i = 0; i < a->nmemo && a->memo[i].cal != cal; i++)
		;
	if (i < a->nmemo)
		at = a->memo[i].at;
	else {
		at = auto_close_cut(a->p, cal, a->now);
		if (a->nmemo < sizeof(a->memo) / sizeof(a->memo[0])) {
			a->memo[a->nmemo].cal = cal;
			a->memo[a->nmemo++].at = at;
		}
	}
	return t->num[ITSM_F_RESOLVED_AT] <= at;
}

/*
 * The resolved tickets whose auto-close delay has elapsed, counted in
 * the calendar sla: auto_close gives each (itsm_policy_rule_calendar()).
 * The store is given one bound, the latest cut of the calendars a ticket
 * may have (its priority's, sla: calendar's, the groups' and services'):
 * when they differ, the tickets it selects are kept by their own.
 */
int
tk_auto_close_ids(itsm_ctx *c, int64_t **ids, size_t *n)
{
	struct store_query q = { .what = "cannot read the queue",
	    .scope = STORE_RESOLVED_BY,
	    .order = STORE_BY_RESOLVED, .want = SK_BIT(ITSM_F_ID) };
	const itsm_policy *p = c->policy;
	const itsm_calendar *base, *cal;
	struct auto_close a = { .p = p, .now = c->now };
	const char *cn, *to;
	size_t i, j, npr = itsm_policy_priority_count(p);
	int64_t cut;
	int services, varies = 0;

	base = itsm_policy_rule_calendar(p, ITSM_RULE_AUTO_CLOSE, NULL, NULL,
	    NULL);
	q.resolved_by = auto_close_cut(p, base, c->now);
	for (i = 0; i <= npr; i++) {
		cn = i < npr ? itsm_policy_priority_name(p, i) : NULL;
		cal = itsm_policy_rule_calendar(p, ITSM_RULE_AUTO_CLOSE, cn,
		    NULL, NULL);
		if (cal != base) {
			varies = 1;
			if ((cut = auto_close_cut(p, cal, c->now)) >
			    q.resolved_by)
				q.resolved_by = cut;
		}
	}
	for (services = 0; services < 2; services++)
		for (j = 0; j < itsm_policy_sla_override_count(p, services);
		    j++) {
			cn = itsm_policy_sla_override(p, services, j, &to);
			cal = itsm_policy_rule_calendar(p, ITSM_RULE_AUTO_CLOSE,
			    NULL, services ? NULL : cn, services ? cn : NULL);
			if (cal != base) {
				varies = 1;
				if ((cut = auto_close_cut(p, cal, c->now)) >
				    q.resolved_by)
					q.resolved_by = cut;
			}
		}
	if (varies)
		return collect_kept(c->store, &q, BIT(ITSM_F_RESOLVED_AT) |
		    BIT(ITSM_F_PRIORITY) | BIT(ITSM_F_GROUP) |
		    BIT(ITSM_F_SERVICE), keep_auto_close, &a, ids, n);
	return collect_ids(c->store, &q, ids, n);
}

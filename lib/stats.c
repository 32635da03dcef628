/*
 * The service figures (itsm-stats(1) defines each), and the definitions
 * behind them: the fields a report splits by, percentiles by nearest
 * rank, rounded ratios, and the policy's order of a field's values.
 *
 * The store streams the tickets of the period (engine.h, struct
 * engine_stats): those opened in it for the counts, those closed in it,
 * the backlog, and the status events of the resolved ones, in order, for
 * the time each one's SLA clock ran.  All in one read snapshot, so that
 * the figures agree.  Every rule is here: what is met or breached, open,
 * running, a first-contact resolution.
 *
 * The percentiles come from one walk of the times to resolve in
 * increasing order: each is the time at which its group's and priority's
 * running count reaches the percentile's rank.  Up to SAMPLES_MAX times
 * are kept and sorted in memory; past that, they go to the store's
 * sorter, which gives them back in order and spills to disk.  Memory
 * stays the same whatever the length of the history.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/stats.h"
#include "itsm/workflow.h"
#include "store_stats.h"
#include "ticket_int.h"

static const char *const by_names[] = {
	[ITSM_BY_NONE] = NULL,
	[ITSM_BY_PRIORITY] = "priority",
	[ITSM_BY_GROUP] = "group",
	[ITSM_BY_CATEGORY] = "category",
	[ITSM_BY_CHANNEL] = "channel",
	[ITSM_BY_TIER] = "tier",
};

#define NBY (sizeof(by_names) / sizeof(by_names[0]))

int
itsm_stats_by_parse(const char *s, enum itsm_stats_by *out)
{
	size_t i;

	for (i = 1; i < NBY; i++)
		if (strcasecmp(s, by_names[i]) == 0) {
			*out = (enum itsm_stats_by)i;
			return 0;
		}
	return itsm_error(ITSM_E_INVALID, "unknown --by value '%.*s' "
	    "(expected priority, group, category, channel or tier)",
	    itsm_cut(s, 64), s);
}

const char *
itsm_stats_by_name(enum itsm_stats_by by)
{
	return (size_t)by < NBY ? by_names[by] : NULL;
}

size_t
itsm_stats_rank(size_t n, unsigned pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = (pct * n + 99) / 100;	/* ceil(pct * n / 100) */
	return rank > 0 ? rank : 1;
}

int64_t
itsm_stats_percentile(const int64_t *sorted, size_t n, unsigned pct)
{
	if (n == 0)
		return -1;
	return sorted[itsm_stats_rank(n, pct) - 1];
}

double
itsm_stats_ratio(int64_t num, int64_t den)
{
	int64_t q;

	if (den == 0)
		return -1;
	if (den < 0) {
		num = -num;
		den = -den;
	}
	/* Half away from zero, in integers: no libm, no binary surprise. */
	q = num >= 0 ? (20000 * num + den) / (2 * den) :
	    -((-20000 * num + den) / (2 * den));
	return (double)q / 10000.0;
}

size_t
itsm_stats_policy_rank(const itsm_policy *p, enum itsm_stats_by by,
    const char *value)
{
	size_t i, n;
	const char *name;

	switch (by) {
	case ITSM_BY_PRIORITY: n = itsm_policy_priority_count(p); break;
	case ITSM_BY_GROUP: n = itsm_policy_group_count(p); break;
	case ITSM_BY_CATEGORY: n = itsm_policy_category_count(p); break;
	case ITSM_BY_CHANNEL: n = itsm_policy_channel_count(p); break;
	case ITSM_BY_TIER: n = itsm_policy_tier_count(p); break;
	default: return 0;
	}
	for (i = 0; value != NULL && i < n; i++) {
		switch (by) {
		case ITSM_BY_PRIORITY:
			name = itsm_policy_priority_name(p, i);
			break;
		case ITSM_BY_GROUP: name = itsm_policy_group(p, i); break;
		case ITSM_BY_CATEGORY: name = itsm_policy_category(p, i); break;
		case ITSM_BY_CHANNEL: name = itsm_policy_channel(p, i); break;
		default: name = itsm_policy_tier(p, i); break;
		}
		if (strcasecmp(name, value) == 0)
			return i;
	}
	return n;
}

/* Times kept in memory at most (16 bytes each); then the store's sorter. */
#define SAMPLES_MAX 131072

static size_t samples_max = SAMPLES_MAX;

void
stats_test_set_samples_max(size_t n)
{
	samples_max = n > 0 && n < SAMPLES_MAX ? n : SAMPLES_MAX;
}

/* One resolved ticket's time, its group's and its priority's indexes. */
struct sample {
	int64_t secs;
	uint32_t g, p;
};

struct group {
	struct itsm_stats_figures f;
	char *value;
	size_t rank;			/* in the policy's list */
	int64_t satisfaction_sum;
	struct itsm_stats_time *prio;	/* one per priority of the list */
	int64_t *seen;			/* per priority, then all of them: the
					   times read so far, in order */
};

struct itsm_stats {
	enum itsm_stats_by by;
	struct group total;
	struct group *g;
	size_t ng, capg;
	char **pri;		/* the priorities listed; NULL: none, last */
	size_t npri, npolicy;	/* npolicy: the policy's, first */
	size_t last;		/* the group of the previous row */
	size_t *slot;		/* the groups by value, hashed: index + 1,
				   0 when free; until they are sorted */
	size_t nslot;		/* a power of 2, over twice the groups */
	size_t none;		/* the group of no value + 1, or 0 */
	const itsm_policy *policy;
	itsm_store *store;
	struct sample *t;	/* the times so far, up to samples_max */
	size_t nt, capt;
	struct store_sorter *sorter;	/* past samples_max: all the times */
};

/* The period and the moment the figures are computed for. */
struct bounds {
	int64_t since, until, now;
	const char *first_tier;
	int has_until;
};

/*
 * The rules of the figures are the workflow's: a ticket is in the
 * backlog while open (itsm_status_open), its SLA clocks run while it
 * is workable (itsm_status_workable).
 */

/*
 * A due time (when has_due) is met when done (when has_done) at or
 * before it, and breached when done after it, or not done while the
 * clocks run and it has passed.
 */
static void
count_due(int64_t *met, int64_t *breached, int has_due, int64_t due,
    int has_done, int64_t done, int runs, int64_t now)
{
	if (!has_due)
		return;
	if (has_done && done <= due)
		(*met)++;
	else if (has_done || (runs && due < now))
		(*breached)++;
}

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* A row's text, or NULL. */
static const char *
text_of(const struct store_value *v)
{
	return v->type == STORE_TEXT ? v->s : NULL;
}

/*
 * Whether a row's value is there (not NULL); its value as a number in
 * *out (0 when it is none).
 */
static int
int_of(const struct store_value *v, int64_t *out)
{
	*out = v->type == STORE_INT ? v->i : v->type == STORE_REAL ?
	    (int64_t)v->r : 0;
	return v->type != STORE_NULL;
}

static int64_t
int_or_0(const struct store_value *v)
{
	int64_t n;

	int_of(v, &n);
	return n;
}

static enum store_key
key_of(enum itsm_stats_by by)
{
	switch (by) {
	case ITSM_BY_PRIORITY: return STORE_KEY_PRIORITY;
	case ITSM_BY_GROUP: return STORE_KEY_GROUP;
	case ITSM_BY_CATEGORY: return STORE_KEY_CATEGORY;
	case ITSM_BY_CHANNEL: return STORE_KEY_CHANNEL;
	case ITSM_BY_TIER: return STORE_KEY_TIER;
	default: return STORE_KEY_NONE;
	}
}

/* The times of a new group: none yet (the priorities are listed). */
static int
group_init(const itsm_stats *s, struct group *g)
{
	size_t i;

	if ((g->prio = calloc(s->npri + 1, sizeof(*g->prio))) == NULL ||
	    (g->seen = calloc(s->npri + 1, sizeof(*g->seen))) == NULL)
		return -1;
	for (i = 0; i < s->npri; i++) {
		g->prio[i].priority = s->pri[i];
		g->prio[i].median = g->prio[i].p90 = -1;
	}
	g->f.resolve_time.median = g->f.resolve_time.p90 = -1;
	return 0;
}

/* FNV-1a: the hash of a group's value. */
static size_t
hash(const char *v)
{
	uint64_t h = 14695981039346656037u;

	for (; *v != '\0'; v++)
		h = (h ^ (unsigned char)*v) * 1099511628211u;
	return (size_t)h;
}

/* The slot of value v: the one of its group, or the free one it takes. */
static size_t *
slot_of(const itsm_stats *s, const char *v)
{
	size_t m = s->nslot - 1, i = hash(v) & m;

	while (s->slot[i] != 0 && strcmp(s->g[s->slot[i] - 1].value, v) != 0)
		i = (i + 1) & m;
	return &s->slot[i];
}

/* Room in the hash for one more group. */
static int
grow_slots(itsm_stats *s)
{
	size_t i, n = s->nslot ? s->nslot * 2 : 64;

	if (2 * (s->ng + 1) < s->nslot)
		return 0;
	free(s->slot);
	if ((s->slot = calloc(n, sizeof(*s->slot))) == NULL) {
		s->nslot = 0;
		return nomem();
	}
	s->nslot = n;
	for (i = 0; i < s->ng; i++)
		if (s->g[i].value != NULL)
			*slot_of(s, s->g[i].value) = i + 1;
	return 0;
}

/* The group of key value v (NULL: none), added when new. */
static int
group_of(itsm_stats *s, const char *v, struct group **out)
{
	struct group *ng;
	size_t *slot = &s->none;
	int rc;

	if (s->last < s->ng && same(s->g[s->last].value, v)) {
		*out = &s->g[s->last];
		return 0;
	}
	if (v != NULL) {
		if ((rc = grow_slots(s)) != 0)
			return rc;
		slot = slot_of(s, v);
	}
	if (*slot != 0) {
		s->last = *slot - 1;
		*out = &s->g[s->last];
		return 0;
	}
	if (s->ng == s->capg) {
		s->capg = s->capg ? s->capg * 2 : 16;
		if ((ng = realloc(s->g, s->capg * sizeof(*ng))) == NULL)
			return nomem();
		s->g = ng;
	}
	ng = &s->g[s->ng];
	*ng = (struct group){ .value = NULL };
	s->last = s->ng++;
	if ((v != NULL && (ng->value = strdup(v)) == NULL) ||
	    group_init(s, ng) != 0)
		return nomem();
	*slot = s->last + 1;
	*out = ng;
	return 0;
}

typedef int (*row_fn)(itsm_stats *s, const struct bounds *b,
    const struct store_value *v, size_t n);

/* Hands each row of r to fn, then frees r. */
static int
each_row(itsm_stats *s, const struct bounds *b, struct store_rows *r,
    size_t want, row_fn fn)
{
	const struct store_value *v;
	size_t n;
	int rc;

	while ((rc = store_rows_next(s->store, r, &v, &n)) == 1) {
		if (n < want) {
			rc = itsm_error(ITSM_E_INTERNAL, "cannot compute the "
			    "figures: %zu values in a row", n);
			break;
		}
		if ((rc = fn(s, b, v, n)) != 0)
			break;
	}
	store_rows_free(s->store, r);
	return rc;
}

/*
 * A ticket opened in the period (store_stats_opened's row): key, status,
 * resolved_at, responded_at, response_due, resolution_due, tier,
 * reassignment_count, reopen_count, satisfaction, escalated.
 */
static int
on_opened(itsm_stats *s, const struct bounds *b, const struct store_value *v,
    size_t n)
{
	struct itsm_stats_figures *f;
	struct group *g;
	const char *status = text_of(&v[1]), *tier = text_of(&v[6]);
	int64_t resolved, responded, rdue, sdue, sat;
	int is_resolved, is_responded, has_rdue, has_sdue, runs, rc;

	(void)n;
	if ((rc = group_of(s, text_of(&v[0]), &g)) != 0)
		return rc;
	f = &g->f;
	is_resolved = int_of(&v[2], &resolved);
	is_responded = int_of(&v[3], &responded);
	has_rdue = int_of(&v[4], &rdue);
	has_sdue = int_of(&v[5], &sdue);
	runs = itsm_status_workable(status);
	f->opened++;
	f->resolved += is_resolved;
	count_due(&f->response_met, &f->response_breached, has_rdue, rdue,
	    is_responded, responded, runs, b->now);
	count_due(&f->resolution_met, &f->resolution_breached, has_sdue, sdue,
	    is_resolved, resolved, runs, b->now);
	/* Resolved at the first tier, never escalated. */
	if (is_resolved && tier != NULL) {
		f->fcr_base++;
		if (b->first_tier != NULL && strcmp(tier, b->first_tier) == 0 &&
		    int_or_0(&v[10]) == 0)
			f->fcr++;
	}
	f->reassigned += int_or_0(&v[7]) > 0;
	f->reassignments += int_or_0(&v[7]);
	f->reopened += int_or_0(&v[8]) > 0;
	if (v[9].type != STORE_NULL) {
		sat = int_or_0(&v[9]);
		f->satisfaction_count++;
		g->satisfaction_sum += sat;
		if (sat >= 1 && sat <= 5)
			f->satisfaction[sat - 1]++;
	}
	return 0;
}

/* A ticket closed in the period: its key. */
static int
on_closed(itsm_stats *s, const struct bounds *b, const struct store_value *v,
    size_t n)
{
	struct group *g;
	int rc;

	(void)b;
	(void)n;
	if ((rc = group_of(s, text_of(&v[0]), &g)) != 0)
		return rc;
	g->f.closed++;
	return 0;
}

/* A ticket open now: its key. */
static int
on_open_now(itsm_stats *s, const struct bounds *b,
    const struct store_value *v, size_t n)
{
	struct group *g;
	int rc;

	(void)b;
	(void)n;
	if ((rc = group_of(s, text_of(&v[0]), &g)) != 0)
		return rc;
	g->f.backlog++;
	return 0;
}

/*
 * A ticket opened before the end of the period: its key, and the status
 * its last status change before the end set (none: it was new).
 */
static int
on_status_at(itsm_stats *s, const struct bounds *b,
    const struct store_value *v, size_t n)
{
	const char *status = text_of(&v[1]);

	if (v[1].type == STORE_NULL)
		status = "new";
	if (!itsm_status_open(status))
		return 0;
	return on_open_now(s, b, v, n);
}

/* The index of priority p in the list (built before the samples). */
static size_t
priority_index(const itsm_stats *s, const char *p)
{
	size_t i;

	if (p == NULL)
		return s->npri - 1;	/* none is last when present */
	if ((i = itsm_stats_policy_rank(s->policy, ITSM_BY_PRIORITY, p)) <
	    s->npolicy)
		return i;
	for (i = s->npolicy; i < s->npri; i++)
		if (s->pri[i] != NULL && strcmp(s->pri[i], p) == 0)
			return i;
	return s->npri - 1;	/* not reached: every one was listed */
}

/* Counts a time of priority pri in group g. */
static void
count_sample(struct group *g, size_t pri)
{
	g->prio[pri].count++;
	g->f.resolve_time.count++;
}

/*
 * Keeps a time: in memory while there is room, else in the store's
 * sorter, where the times kept so far go first.
 */
static int
keep_sample(itsm_stats *s, struct sample t)
{
	struct sample *nt;
	size_t i;
	int rc;

	if (s->sorter == NULL && s->nt < samples_max) {
		if (s->nt == s->capt) {
			s->capt = s->capt ? s->capt * 2 : 1024;
			if ((nt = realloc(s->t, s->capt * sizeof(*nt))) == NULL)
				return nomem();
			s->t = nt;
		}
		s->t[s->nt++] = t;
		return 0;
	}
	if (s->sorter == NULL) {
		if ((rc = store_sorter_open(s->store, &s->sorter)) != 0)
			return rc;
		for (i = 0; i < s->nt; i++)
			if ((rc = store_sorter_add(s->store, s->sorter,
			    s->t[i].secs, s->t[i].g, s->t[i].p)) != 0)
				return rc;
		free(s->t);
		s->t = NULL;
		s->nt = s->capt = 0;
	}
	return store_sorter_add(s->store, s->sorter, t.secs, t.g, t.p);
}

/*
 * The clock of one resolved ticket as its events stream by: the status
 * events cut [opened_at, resolved_at] into segments; the segment before
 * the first event runs (as in sla.c), each other one runs when the
 * status that starts it is new or in_progress.
 */
struct clock {
	struct group *g;
	int64_t id, opened, resolved;
	size_t pri;
	int64_t start;		/* the current segment's start */
	int run;		/* whether it runs */
	int64_t secs;		/* run so far */
};

/* Adds the segment from the current start to end, clipped. */
static void
clock_to(struct clock *k, int64_t end)
{
	int64_t from = k->start > k->opened ? k->start : k->opened;

	if (end > k->resolved)
		end = k->resolved;
	if (k->run && end > from)
		k->secs += end - from;
}

/*
 * The ticket is complete: its last segment runs to the resolution; its
 * time is counted and kept.
 */
static int
clock_end(itsm_stats *s, struct clock *k)
{
	if (k->g == NULL)
		return 0;
	clock_to(k, k->resolved);
	count_sample(k->g, k->pri);
	count_sample(&s->total, k->pri);
	return keep_sample(s, (struct sample){ .secs = k->secs,
	    .g = (uint32_t)(k->g - s->g), .p = (uint32_t)k->pri });
}

/*
 * The time to resolve of every resolved ticket of the period, counted
 * per group and priority, and kept.  The rows: key, id, priority,
 * opened_at, resolved_at, then a status event's time and new status.
 */
static int
resolve_times(itsm_stats *s, const struct bounds *b)
{
	struct clock k = { .g = NULL };
	struct store_rows *r;
	const struct store_value *v;
	size_t n;
	int64_t id, at;
	int rc;

	if ((rc = store_stats_resolved_history(s->store, key_of(s->by),
	    b->since, b->until, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(s->store, r, &v, &n)) == 1) {
		if (n < 7) {
			rc = itsm_error(ITSM_E_INTERNAL, "cannot compute the "
			    "figures: %zu values in a row", n);
			goto done;
		}
		id = int_or_0(&v[1]);
		if (k.g == NULL || id != k.id) {
			if ((rc = clock_end(s, &k)) != 0 ||
			    (rc = group_of(s, text_of(&v[0]), &k.g)) != 0)
				goto done;
			k.id = id;
			k.pri = priority_index(s, text_of(&v[2]));
			k.opened = k.start = int_or_0(&v[3]);
			k.resolved = int_or_0(&v[4]);
			k.run = 1;
			k.secs = 0;
		}
		if (!int_of(&v[5], &at))
			continue;	/* no status event: it ran all along */
		clock_to(&k, at);
		k.start = at;
		k.run = itsm_status_workable(text_of(&v[6]));
	}
	if (rc == 0)
		rc = clock_end(s, &k);
done:
	store_rows_free(s->store, r);
	return rc;
}

/* One more time, in increasing order, of t: it may be one of its ranks. */
static void
take(struct itsm_stats_time *t, int64_t *seen, int64_t secs)
{
	size_t n = (size_t)t->count, r = (size_t)++*seen;

	if (r == itsm_stats_rank(n, 50))
		t->median = secs;
	if (r == itsm_stats_rank(n, 90))
		t->p90 = secs;
}

/*
 * The next time in increasing order, of group gi and priority pi:
 * counted in its group and priority, its group, the total's priority and
 * the total; a time whose count reaches a percentile's rank is that
 * percentile.  Ties make no difference: the value at a rank is the same
 * whichever of them comes first.
 */
static void
walk(itsm_stats *s, int64_t gi, int64_t pi, int64_t secs)
{
	struct group *g;
	size_t all = s->npri;

	if (gi < 0 || (size_t)gi >= s->ng || pi < 0 || (size_t)pi >= s->npri)
		return;		/* not reached: the times are ours */
	g = &s->g[gi];
	take(&g->prio[pi], &g->seen[pi], secs);
	take(&g->f.resolve_time, &g->seen[all], secs);
	take(&s->total.prio[pi], &s->total.seen[pi], secs);
	take(&s->total.f.resolve_time, &s->total.seen[all], secs);
}

/* walk() of a row of the sorter: time, group, priority. */
static int
walk_row(itsm_stats *s, const struct bounds *b, const struct store_value *v,
    size_t n)
{
	(void)b;
	(void)n;
	walk(s, int_or_0(&v[1]), int_or_0(&v[2]), int_or_0(&v[0]));
	return 0;
}

static int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return x->secs < y->secs ? -1 : x->secs > y->secs;
}

/* The percentiles of every group and priority, from the times kept. */
static int
percentiles(itsm_stats *s, const struct bounds *b)
{
	struct store_rows *r;
	size_t i;
	int rc;

	if (s->sorter == NULL) {
		if (s->nt > 1)
			qsort(s->t, s->nt, sizeof(*s->t), cmp_sample);
		for (i = 0; i < s->nt; i++)
			walk(s, s->t[i].g, s->t[i].p, s->t[i].secs);
		return 0;
	}
	if ((rc = store_sorter_rows(s->store, s->sorter, &r)) != 0)
		return rc;
	return each_row(s, b, r, 3, walk_row);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The priorities listed: the policy's, in its order; then the others
 * the resolved tickets carry, alphabetically; then none, when some have
 * no priority.
 */
static int
list_priorities(itsm_stats *s, const struct bounds *b)
{
	const itsm_policy *pol = s->policy;
	struct store_rows *r = NULL;
	const struct store_value *v;
	size_t i, n = itsm_policy_priority_count(pol), cap, nv;
	const char *p;
	char **np;
	int rc, none = 0;

	cap = n + 8;
	if ((s->pri = calloc(cap, sizeof(*s->pri))) == NULL)
		return nomem();
	for (i = 0; i < n; i++, s->npri++)
		if ((s->pri[i] = strdup(itsm_policy_priority_name(pol, i))) ==
		    NULL)
			return nomem();
	s->npolicy = n;
	if ((rc = store_stats_resolved_priorities(s->store, b->since,
	    b->until, &r)) != 0)
		return rc;
	while ((rc = store_rows_next(s->store, r, &v, &nv)) == 1) {
		if (nv < 1 || (p = text_of(&v[0])) == NULL) {
			none = 1;
			continue;
		}
		if (itsm_stats_policy_rank(pol, ITSM_BY_PRIORITY, p) < n)
			continue;
		if (s->npri + 1 >= cap) {
			cap *= 2;
			if ((np = realloc(s->pri, cap * sizeof(*np))) == NULL) {
				rc = nomem();
				goto done;
			}
			s->pri = np;
		}
		if ((s->pri[s->npri] = strdup(p)) == NULL) {
			rc = nomem();
			goto done;
		}
		s->npri++;
	}
	if (rc != 0)
		goto done;
	qsort(s->pri + n, s->npri - n, sizeof(*s->pri), cmp_name);
	if (none)
		s->pri[s->npri++] = NULL;
done:
	store_rows_free(s->store, r);
	return rc;
}

/* The rates of group g, and its list of times per priority. */
static void
finish_group(itsm_stats *s, struct group *g)
{
	struct itsm_stats_figures *f = &g->f;

	f->by_priority = g->prio;
	f->npriorities = s->npri;
	f->response_compliance = itsm_stats_ratio(f->response_met,
	    f->response_met + f->response_breached);
	f->resolution_compliance = itsm_stats_ratio(f->resolution_met,
	    f->resolution_met + f->resolution_breached);
	f->fcr_rate = itsm_stats_ratio(f->fcr, f->fcr_base);
	f->reassignment_rate = itsm_stats_ratio(f->reassigned, f->opened);
	f->reassignment_mean = itsm_stats_ratio(f->reassignments, f->opened);
	f->reopen_rate = itsm_stats_ratio(f->reopened, f->opened);
	f->satisfaction_mean = itsm_stats_ratio(g->satisfaction_sum,
	    f->satisfaction_count);
}

/* Adds the counts of group g to the total. */
static void
add_to_total(itsm_stats *s, const struct group *g)
{
	struct itsm_stats_figures *t = &s->total.f;
	const struct itsm_stats_figures *f = &g->f;
	int i;

	t->opened += f->opened;
	t->closed += f->closed;
	t->backlog += f->backlog;
	t->resolved += f->resolved;
	t->response_met += f->response_met;
	t->response_breached += f->response_breached;
	t->resolution_met += f->resolution_met;
	t->resolution_breached += f->resolution_breached;
	t->fcr += f->fcr;
	t->fcr_base += f->fcr_base;
	t->reassigned += f->reassigned;
	t->reassignments += f->reassignments;
	t->reopened += f->reopened;
	t->satisfaction_count += f->satisfaction_count;
	s->total.satisfaction_sum += g->satisfaction_sum;
	for (i = 0; i < 5; i++)
		t->satisfaction[i] += f->satisfaction[i];
}

/* None last; then the policy's order; then alphabetically. */
static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->value == NULL || y->value == NULL)
		return (x->value == NULL) - (y->value == NULL);
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->value, y->value);
}

/*
 * The counts of every group: the tickets opened in the period, those
 * closed in it, and the backlog at its end (now, when it has none).
 */
static int
counts(itsm_stats *s, const struct bounds *b)
{
	enum store_key key = key_of(s->by);
	const char *open[ITSM_NSTATUSES];
	struct store_rows *r;
	size_t i, nopen = 0;
	int rc;

	if ((rc = store_stats_opened(s->store, key, b->since, b->until,
	    b->first_tier, &r)) != 0 ||
	    (rc = each_row(s, b, r, 11, on_opened)) != 0)
		return rc;
	if ((rc = store_stats_closed(s->store, key, b->since, b->until,
	    &r)) != 0 || (rc = each_row(s, b, r, 1, on_closed)) != 0)
		return rc;
	if (b->has_until) {
		if ((rc = store_stats_status_at(s->store, key, b->until,
		    &r)) != 0)
			return rc;
		return each_row(s, b, r, 2, on_status_at);
	}
	for (i = 0; i < ITSM_NSTATUSES; i++)
		if (itsm_status_open(itsm_status_name((enum itsm_status)i)))
			open[nopen++] = itsm_status_name((enum itsm_status)i);
	if ((rc = store_stats_in_status(s->store, key, open, nopen, &r)) != 0)
		return rc;
	return each_row(s, b, r, 1, on_open_now);
}

static int
compute(itsm_stats *s, const struct bounds *b)
{
	size_t i;
	int rc;

	if ((rc = list_priorities(s, b)) != 0)
		return rc;
	if (group_init(s, &s->total) != 0)
		return nomem();
	if ((rc = counts(s, b)) != 0 || (rc = resolve_times(s, b)) != 0 ||
	    (rc = percentiles(s, b)) != 0)
		return rc;
	for (i = 0; i < s->ng; i++) {
		s->g[i].rank = itsm_stats_policy_rank(s->policy, s->by,
		    s->g[i].value);
		add_to_total(s, &s->g[i]);
	}
	free(s->slot);		/* the order changes: no more lookups */
	s->slot = NULL;
	s->nslot = s->none = 0;
	if (s->ng > 1)
		qsort(s->g, s->ng, sizeof(*s->g), cmp_group);
	for (i = 0; i < s->ng; i++) {
		s->g[i].f.value = s->g[i].value;
		finish_group(s, &s->g[i]);
	}
	finish_group(s, &s->total);
	return 0;
}

int
itsm_stats_get(itsm_ctx *c, const struct itsm_stats_query *q,
    itsm_stats **out)
{
	struct bounds b = {
		.since = q->has_since ? q->since : INT64_MIN,
		.until = q->has_until ? q->until : INT64_MAX,
		.now = c->now,
		.first_tier = itsm_policy_tier_count(c->policy) ?
		    itsm_policy_tier(c->policy, 0) : NULL,
		.has_until = q->has_until,
	};
	itsm_stats *s;
	int rc, began = 0;

	*out = NULL;
	if (q->has_since && q->has_until && q->since >= q->until)
		return itsm_error(ITSM_E_INVALID, "the period is empty: "
		    "--since must be before --until");
	if (itsm_stats_by_name(q->by) == NULL && q->by != ITSM_BY_NONE)
		return itsm_error(ITSM_E_INVALID, "unknown split of the "
		    "figures");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return nomem();
	s->by = q->by;
	s->policy = c->policy;
	s->store = c->store;
	/* One snapshot: every read sees the same tickets. */
	if ((rc = store_snapshot_begin(s->store, &began)) != 0)
		goto done;
	rc = compute(s, &b);
	store_sorter_close(s->store, s->sorter);
	s->sorter = NULL;
	store_snapshot_end(s->store, began);
done:
	if (rc != 0) {
		itsm_stats_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static void
group_free(struct group *g)
{
	free(g->value);
	free(g->prio);
	free(g->seen);
}

void
itsm_stats_free(itsm_stats *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ng; i++)
		group_free(&s->g[i]);
	free(s->g);
	group_free(&s->total);
	for (i = 0; i < s->npri; i++)
		free(s->pri[i]);
	free(s->pri);
	free(s->t);
	free(s->slot);
	free(s);
}

const struct itsm_stats_figures *
itsm_stats_total(const itsm_stats *s)
{
	return &s->total.f;
}

size_t
itsm_stats_group_count(const itsm_stats *s)
{
	return s->by == ITSM_BY_NONE ? 0 : s->ng;
}

const struct itsm_stats_figures *
itsm_stats_group(const itsm_stats *s, size_t i)
{
	return i < itsm_stats_group_count(s) ? &s->g[i].f : NULL;
}

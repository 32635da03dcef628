/*
 * The SQL of the service figures (itsm-stats(1) defines each): one scan
 * of the tickets opened in the period for the counts, one for the
 * closures, one for the backlog, and one pass over the status events of
 * the resolved ones, in index order, for the time each one's SLA clock
 * ran.  All in one read transaction, so that the figures agree.
 *
 * The percentiles come from one walk of the times to resolve in
 * increasing order: each is the time at which its group's and priority's
 * running count reaches the percentile's rank.  Up to SAMPLES_MAX times
 * are kept and sorted in memory; past that, they go to a temporary table
 * and SQLite gives them back in order (its sorter spills to a file past
 * its cache).  Memory stays the same whatever the length of the history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/stats.h"
#include "sqlite_int.h"
#include "ticket_int.h"

/* Times kept in memory at most (16 bytes each); then a temporary table. */
#define SAMPLES_MAX 131072

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
	const itsm_policy *policy;
	struct sample *t;	/* the times so far, up to SAMPLES_MAX */
	size_t nt, capt;
	sqlite3_stmt *add;	/* past SAMPLES_MAX: the insert of a time */
};

/* The bounds and constants every query binds. */
struct bind {
	int64_t since, until, now;
	const char *first_tier;
	int has_until;
};

/* The column a split reads: names from the code, never from input. */
static const char *
key_column(enum itsm_stats_by by)
{
	switch (by) {
	case ITSM_BY_PRIORITY: return "t.priority";
	case ITSM_BY_GROUP: return "t.group_name";
	case ITSM_BY_CATEGORY: return "t.category";
	case ITSM_BY_CHANNEL: return "t.channel";
	case ITSM_BY_TIER: return "t.tier";
	default: return "NULL";
	}
}

/*
 * The counts over the tickets opened in [?1, ?2), per value of the key:
 * opened, resolved, response met and breached, resolution met and
 * breached, first-contact resolutions, reassigned, reassignments,
 * reopened, satisfaction answers and their spread, and the resolved
 * ones that have a tier (the base of first-contact resolution: imported
 * tickets may have none).  A due time is
 * breached once passed without the response (or resolution) while the
 * clocks run (?3 is now); ?4 is the policy's first tier.  The CASE looks
 * for escalations only where it matters.
 */
static const char q_cohort[] =
    "SELECT @K, count(*), "
    "  sum(t.resolved_at IS NOT NULL), "
    "  sum(t.response_due IS NOT NULL AND t.responded_at IS NOT NULL "
    "    AND t.responded_at <= t.response_due), "
    "  sum(t.response_due IS NOT NULL AND (t.responded_at > t.response_due "
    "    OR (t.responded_at IS NULL AND t.status IN ('new', 'in_progress') "
    "    AND t.response_due < ?3))), "
    "  sum(t.resolution_due IS NOT NULL AND t.resolved_at IS NOT NULL "
    "    AND t.resolved_at <= t.resolution_due), "
    "  sum(t.resolution_due IS NOT NULL AND (t.resolved_at > "
    "    t.resolution_due OR (t.resolved_at IS NULL AND t.status IN ('new', "
    "    'in_progress') AND t.resolution_due < ?3))), "
    "  sum(CASE WHEN t.resolved_at IS NOT NULL AND t.tier = ?4 THEN "
    "    NOT EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id AND "
    "    e.kind = 'escalate') ELSE 0 END), "
    "  sum(t.reassignment_count > 0), sum(t.reassignment_count), "
    "  sum(t.reopen_count > 0), "
    "  count(t.satisfaction), sum(t.satisfaction), "
    "  sum(t.satisfaction = 1), sum(t.satisfaction = 2), "
    "  sum(t.satisfaction = 3), sum(t.satisfaction = 4), "
    "  sum(t.satisfaction = 5), "
    "  sum(t.resolved_at IS NOT NULL AND t.tier IS NOT NULL) "
    "FROM tickets t WHERE t.opened_at >= ?1 AND t.opened_at < ?2 "
    "GROUP BY 1 ORDER BY 1";

/* Closed in [?1, ?2), whenever opened. */
static const char q_closed[] =
    "SELECT @K, count(*) FROM tickets t "
    "WHERE t.closed_at >= ?1 AND t.closed_at < ?2 GROUP BY 1 ORDER BY 1";

/* Open now: the backlog of a period that has no end. */
static const char q_backlog_now[] =
    "SELECT @K, count(*) FROM tickets t "
    "WHERE t.status IN ('new', 'in_progress', 'on_hold') "
    "GROUP BY 1 ORDER BY 1";

/*
 * Open at ?2: opened before it, and the last status it took before it
 * (from the status events; "new" when there is none) is an open one.
 */
static const char q_backlog_at[] =
    "SELECT @K, count(*) FROM tickets t WHERE t.opened_at < ?2 AND "
    "  ifnull((SELECT e.new FROM events e WHERE e.ticket = t.id AND "
    "  e.field = 'status' AND e.at < ?2 ORDER BY e.at DESC, e.id DESC "
    "  LIMIT 1), 'new') IN ('new', 'in_progress', 'on_hold') "
    "GROUP BY 1 ORDER BY 1";

/* The priorities of the resolved tickets opened in [?1, ?2). */
static const char q_priorities[] =
    "SELECT DISTINCT t.priority FROM tickets t WHERE t.resolved_at IS NOT "
    "NULL AND t.opened_at >= ?1 AND t.opened_at < ?2";

/*
 * The resolved tickets opened in [?1, ?2) with their status events in
 * order (at, then id), one row per event (one row with a NULL time when
 * there is none); whether the clocks run in the status each one sets.
 * The index on status events gives them in order: nothing to sort.
 */
static const char q_resolve[] =
    "SELECT @K, t.id, t.priority, t.opened_at, t.resolved_at, e.at, "
    "  e.new IN ('new', 'in_progress') "
    "FROM tickets t LEFT JOIN events e ON e.ticket = t.id AND "
    "  e.field = 'status' "
    "WHERE t.resolved_at IS NOT NULL AND t.opened_at >= ?1 AND "
    "  t.opened_at < ?2 "
    "ORDER BY t.id, e.at, e.id";

/* The time to resolve of each ticket: its group, its priority (indexes). */
static const char q_samples_create[] =
    "CREATE TEMP TABLE itsm_stats_samples (g INTEGER, p INTEGER, "
    "secs INTEGER)";
static const char q_samples_add[] =
    "INSERT INTO temp.itsm_stats_samples (g, p, secs) VALUES (?1, ?2, ?3)";
static const char q_samples_sorted[] =
    "SELECT g, p, secs FROM temp.itsm_stats_samples ORDER BY secs";
static const char q_samples_drop[] =
    "DROP TABLE IF EXISTS temp.itsm_stats_samples";

typedef int (*row_fn)(itsm_stats *s, sqlite3_stmt *st);

/* Prepares query sql, its "@K" the key column, and binds b. */
static int
prepare_keyed(itsm_store *store, const itsm_stats *s, const char *sql,
    const struct bind *b, sqlite3_stmt **st)
{
	const char *at = strstr(sql, "@K");
	char text[4096];
	int rc;

	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - sql), sql,
	    key_column(s->by), at + 2);
	if ((rc = store_prepare(store, text, st)) != 0)
		return rc;
	store_bind_int(*st, 1, b->since);
	store_bind_int(*st, 2, b->until);
	if (sqlite3_bind_parameter_count(*st) >= 3)
		store_bind_int(*st, 3, b->now);
	if (sqlite3_bind_parameter_count(*st) >= 4)
		store_bind_text(*st, 4, b->first_tier);
	return 0;
}

/* Steps st to its end, handing each row to fn; finalizes st. */
static int
step_rows(itsm_store *store, itsm_stats *s, sqlite3_stmt *st, row_fn fn)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(s, st)) != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	if (rc != SQLITE_DONE) {
		rc = store_fail(store, "cannot compute the figures");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Runs a keyed query and hands each row to fn. */
static int
each_row(itsm_store *store, itsm_stats *s, const char *sql,
    const struct bind *b, row_fn fn)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare_keyed(store, s, sql, b, &st)) != 0)
		return rc;
	return step_rows(store, s, st, fn);
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

/* The group of the key in column 0 of the row, added when new. */
static int
group_of(itsm_stats *s, sqlite3_stmt *st, struct group **out)
{
	const char *v = (const char *)sqlite3_column_text(st, 0);
	struct group *ng;
	size_t i;

	if (s->last < s->ng && same(s->g[s->last].value, v)) {
		*out = &s->g[s->last];
		return 0;
	}
	for (i = 0; i < s->ng; i++)
		if (same(s->g[i].value, v)) {
			s->last = i;
			*out = &s->g[i];
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
	*out = ng;
	return 0;
}

static int
on_cohort(itsm_stats *s, sqlite3_stmt *st)
{
	struct itsm_stats_figures *f;
	struct group *g;
	int rc, i;

	if ((rc = group_of(s, st, &g)) != 0)
		return rc;
	f = &g->f;
	f->opened = sqlite3_column_int64(st, 1);
	f->resolved = sqlite3_column_int64(st, 2);
	f->response_met = sqlite3_column_int64(st, 3);
	f->response_breached = sqlite3_column_int64(st, 4);
	f->resolution_met = sqlite3_column_int64(st, 5);
	f->resolution_breached = sqlite3_column_int64(st, 6);
	f->fcr = sqlite3_column_int64(st, 7);
	f->reassigned = sqlite3_column_int64(st, 8);
	f->reassignments = sqlite3_column_int64(st, 9);
	f->reopened = sqlite3_column_int64(st, 10);
	f->satisfaction_count = sqlite3_column_int64(st, 11);
	g->satisfaction_sum = sqlite3_column_int64(st, 12);
	for (i = 0; i < 5; i++)
		f->satisfaction[i] = sqlite3_column_int64(st, 13 + i);
	f->fcr_base = sqlite3_column_int64(st, 18);
	return 0;
}

static int
on_closed(itsm_stats *s, sqlite3_stmt *st)
{
	struct group *g;
	int rc;

	if ((rc = group_of(s, st, &g)) != 0)
		return rc;
	g->f.closed = sqlite3_column_int64(st, 1);
	return 0;
}

static int
on_backlog(itsm_stats *s, sqlite3_stmt *st)
{
	struct group *g;
	int rc;

	if ((rc = group_of(s, st, &g)) != 0)
		return rc;
	g->f.backlog = sqlite3_column_int64(st, 1);
	return 0;
}

/* The index of priority p in the list (built before the samples). */
static size_t
priority_index(const itsm_stats *s, const itsm_policy *pol, const char *p)
{
	size_t i;

	if (p == NULL)
		return s->npri - 1;	/* none is last when present */
	if ((i = itsm_stats_policy_rank(pol, ITSM_BY_PRIORITY, p)) <
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

/* Stores a time in the temporary table. */
static int
insert_sample(itsm_store *store, itsm_stats *s, const struct sample *t)
{
	store_bind_int(s->add, 1, t->g);
	store_bind_int(s->add, 2, t->p);
	store_bind_int(s->add, 3, t->secs);
	return store_run(store, s->add, "cannot compute the figures");
}

/*
 * Keeps a time: in memory while there is room, else in the temporary
 * table, where the times kept so far go first.
 */
static int
keep_sample(itsm_store *store, itsm_stats *s, struct sample t)
{
	struct sample *nt;
	size_t i;
	int rc;

	if (s->add == NULL && s->nt < SAMPLES_MAX) {
		if (s->nt == s->capt) {
			s->capt = s->capt ? s->capt * 2 : 1024;
			if ((nt = realloc(s->t, s->capt * sizeof(*nt))) == NULL)
				return nomem();
			s->t = nt;
		}
		s->t[s->nt++] = t;
		return 0;
	}
	if (s->add == NULL) {
		if ((rc = store_prepare(store, q_samples_add, &s->add)) != 0)
			return rc;
		for (i = 0; i < s->nt; i++)
			if ((rc = insert_sample(store, s, &s->t[i])) != 0)
				return rc;
		free(s->t);
		s->t = NULL;
		s->nt = s->capt = 0;
	}
	return insert_sample(store, s, &t);
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
clock_end(itsm_store *store, itsm_stats *s, struct clock *k)
{
	if (k->g == NULL)
		return 0;
	clock_to(k, k->resolved);
	count_sample(k->g, k->pri);
	count_sample(&s->total, k->pri);
	return keep_sample(store, s, (struct sample){ .secs = k->secs,
	    .g = (uint32_t)(k->g - s->g), .p = (uint32_t)k->pri });
}

/*
 * The time to resolve of every resolved ticket of the period, counted
 * per group and priority, and kept.
 */
static int
resolve_times(itsm_store *store, itsm_stats *s, const struct bind *b)
{
	struct clock k = { .g = NULL };
	const char *p;
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if ((rc = prepare_keyed(store, s, q_resolve, b, &st)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 1);
		if (k.g == NULL || id != k.id) {
			if ((rc = clock_end(store, s, &k)) != 0 ||
			    (rc = group_of(s, st, &k.g)) != 0)
				goto done;
			p = (const char *)sqlite3_column_text(st, 2);
			k.id = id;
			k.pri = priority_index(s, s->policy, p);
			k.opened = k.start = sqlite3_column_int64(st, 3);
			k.resolved = sqlite3_column_int64(st, 4);
			k.run = 1;
			k.secs = 0;
		}
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			continue;	/* no status event: it ran all along */
		clock_to(&k, sqlite3_column_int64(st, 5));
		k.start = sqlite3_column_int64(st, 5);
		k.run = sqlite3_column_int(st, 6);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(store, "cannot compute the figures");
		goto done;
	}
	rc = clock_end(store, s, &k);
done:
	sqlite3_finalize(st);
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

/* walk() of a row of q_samples_sorted: group, priority, time. */
static int
walk_row(itsm_stats *s, sqlite3_stmt *st)
{
	walk(s, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
	    sqlite3_column_int64(st, 2));
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
percentiles(itsm_store *store, itsm_stats *s)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (s->add == NULL) {
		if (s->nt > 1)
			qsort(s->t, s->nt, sizeof(*s->t), cmp_sample);
		for (i = 0; i < s->nt; i++)
			walk(s, s->t[i].g, s->t[i].p, s->t[i].secs);
		return 0;
	}
	if ((rc = store_prepare(store, q_samples_sorted, &st)) != 0)
		return rc;
	return step_rows(store, s, st, walk_row);
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
list_priorities(itsm_store *store, itsm_stats *s, const itsm_policy *pol,
    const struct bind *b)
{
	sqlite3_stmt *st;
	size_t i, n = itsm_policy_priority_count(pol), cap;
	const char *v;
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
	if ((rc = store_prepare(store, q_priorities, &st)) != 0)
		return rc;
	store_bind_int(st, 1, b->since);
	store_bind_int(st, 2, b->until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		if (v == NULL) {
			none = 1;
			continue;
		}
		if (itsm_stats_policy_rank(pol, ITSM_BY_PRIORITY, v) < n)
			continue;
		if (s->npri + 1 >= cap) {
			cap *= 2;
			if ((np = realloc(s->pri, cap * sizeof(*np))) == NULL) {
				sqlite3_finalize(st);
				return nomem();
			}
			s->pri = np;
		}
		if ((s->pri[s->npri] = strdup(v)) == NULL) {
			sqlite3_finalize(st);
			return nomem();
		}
		s->npri++;
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(store, "cannot compute the figures");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	qsort(s->pri + n, s->npri - n, sizeof(*s->pri), cmp_name);
	if (none)
		s->pri[s->npri++] = NULL;
	return 0;
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

static int
compute(itsm_store *store, itsm_stats *s, const itsm_policy *pol,
    const struct bind *b)
{
	size_t i;
	int rc;

	if ((rc = list_priorities(store, s, pol, b)) != 0)
		return rc;
	if (group_init(s, &s->total) != 0)
		return nomem();
	if ((rc = each_row(store, s, q_cohort, b, on_cohort)) != 0 ||
	    (rc = each_row(store, s, q_closed, b, on_closed)) != 0 ||
	    (rc = each_row(store, s, b->has_until ? q_backlog_at :
	    q_backlog_now, b, on_backlog)) != 0)
		return rc;
	if ((rc = resolve_times(store, s, b)) != 0 ||
	    (rc = percentiles(store, s)) != 0)
		return rc;
	for (i = 0; i < s->ng; i++) {
		s->g[i].rank = itsm_stats_policy_rank(pol, s->by,
		    s->g[i].value);
		add_to_total(s, &s->g[i]);
	}
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
	itsm_store *store = c->store;
	struct bind b = {
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
	/* A read transaction: every query sees the same snapshot. */
	if (sqlite3_get_autocommit(SQ(store)->db)) {
		if (sqlite3_exec(SQ(store)->db, "BEGIN", NULL, NULL, NULL) !=
		    SQLITE_OK) {
			rc = store_fail(store, "cannot read the database");
			goto done;
		}
		began = 1;
	}
	if (sqlite3_exec(SQ(store)->db, q_samples_drop, NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_exec(SQ(store)->db, q_samples_create, NULL,
	    NULL, NULL) != SQLITE_OK) {
		rc = store_fail(store, "cannot compute the figures");
		goto done;
	}
	rc = compute(store, s, c->policy, &b);
	sqlite3_finalize(s->add);
	s->add = NULL;
	sqlite3_exec(SQ(store)->db, q_samples_drop, NULL, NULL, NULL);
done:
	if (began)
		sqlite3_exec(SQ(store)->db, "COMMIT", NULL, NULL, NULL);
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

const struct engine_stats sq_stats = {
	.reserved = 0,
};

/*
 * The SQLite engine's side of the service figures (engine.h, struct
 * engine_stats): the selections of tickets and status events lib/stats.c
 * reads, each one scan streamed as it comes, and the sorter of the times
 * to resolve.  The rules (what is breached, open, running, a percentile)
 * are lib/stats.c's.
 *
 * The sorter is a temporary table read back with ORDER BY: SQLite's
 * sorter spills to a file past its cache, so that memory stays the same
 * whatever the length of the history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"

/* What every failure of these reads says. */
#define WHAT "cannot compute the figures"

/* The most statuses in_status() takes. */
#define STATUS_MAX 16

/* The column of a key: names from the code, never from input. */
static const char *
key_column(enum store_key key)
{
	switch (key) {
	case STORE_KEY_PRIORITY: return "t.priority";
	case STORE_KEY_GROUP: return "t.group_name";
	case STORE_KEY_CATEGORY: return "t.category";
	case STORE_KEY_CHANNEL: return "t.channel";
	case STORE_KEY_TIER: return "t.tier";
	default: return "NULL";
	}
}

/*
 * The tickets opened in [?1, ?2) with what their figures are made of;
 * the CASE looks for escalations only where first-contact resolution
 * asks (resolved at the tier ?3).
 */
static const char q_opened[] =
    "SELECT @K, t.status, t.resolved_at, t.responded_at, t.response_due, "
    "  t.resolution_due, t.tier, t.reassignment_count, t.reopen_count, "
    "  t.satisfaction, "
    "  CASE WHEN t.resolved_at IS NOT NULL AND t.tier = ?3 THEN "
    "    EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id AND "
    "    e.kind = 'escalate') ELSE 0 END "
    "FROM tickets t WHERE t.opened_at >= ?1 AND t.opened_at < ?2";

/* Closed in [?1, ?2), whenever opened. */
static const char q_closed[] =
    "SELECT @K FROM tickets t WHERE t.closed_at >= ?1 AND t.closed_at < ?2";

/* Opened before ?1, with the status its latest status event before set. */
static const char q_status_at[] =
    "SELECT @K, (SELECT e.new FROM events e WHERE e.ticket = t.id AND "
    "  e.field = 'status' AND e.at < ?1 ORDER BY e.at DESC, e.id DESC "
    "  LIMIT 1) "
    "FROM tickets t WHERE t.opened_at < ?1";

/* The priorities of the resolved tickets opened in [?1, ?2). */
static const char q_priorities[] =
    "SELECT DISTINCT t.priority FROM tickets t WHERE t.resolved_at IS NOT "
    "NULL AND t.opened_at >= ?1 AND t.opened_at < ?2";

/*
 * The resolved tickets opened in [?1, ?2) with their status events in
 * order (at, then id), one row per event (one row with a NULL time when
 * there is none).  The index on status events gives them in order:
 * nothing to sort.
 */
static const char q_history[] =
    "SELECT @K, t.id, t.priority, t.opened_at, t.resolved_at, e.at, e.new "
    "FROM tickets t LEFT JOIN events e ON e.ticket = t.id AND "
    "  e.field = 'status' "
    "WHERE t.resolved_at IS NOT NULL AND t.opened_at >= ?1 AND "
    "  t.opened_at < ?2 "
    "ORDER BY t.id, e.at, e.id";

/* The sorter's table. */
static const char q_sorter_drop[] =
    "DROP TABLE IF EXISTS temp.itsm_stats_samples";
static const char q_sorter_create[] =
    "CREATE TEMP TABLE itsm_stats_samples (g INTEGER, p INTEGER, "
    "secs INTEGER)";
static const char q_sorter_add[] =
    "INSERT INTO temp.itsm_stats_samples (g, p, secs) VALUES (?1, ?2, ?3)";
static const char q_sorter_sorted[] =
    "SELECT secs, g, p FROM temp.itsm_stats_samples ORDER BY secs";

/* Prepares sql with its "@K" the column of key. */
static int
prepare_keyed(itsm_store *s, const char *sql, enum store_key key,
    sqlite3_stmt **st)
{
	const char *at = strstr(sql, "@K");
	char text[1024];

	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - sql), sql,
	    key_column(key), at + 2);
	return store_prepare(s, text, st);
}

static int
sq_stats_opened(itsm_store *s, enum store_key key, int64_t since,
    int64_t until, const char *first_tier, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = prepare_keyed(s, q_opened, key, &st)) != 0)
		return rc;
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, until);
	store_bind_text(st, 3, first_tier);
	return sq_rows(s, st, 0, WHAT, out);
}

/* The rows of a keyed query of the period [since, until). */
static int
keyed_period(itsm_store *s, const char *sql, enum store_key key,
    int64_t since, int64_t until, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = prepare_keyed(s, sql, key, &st)) != 0)
		return rc;
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, until);
	return sq_rows(s, st, 0, WHAT, out);
}

static int
sq_stats_closed(itsm_store *s, enum store_key key, int64_t since,
    int64_t until, struct store_rows **out)
{
	return keyed_period(s, q_closed, key, since, until, out);
}

static int
sq_stats_in_status(itsm_store *s, enum store_key key,
    const char *const *status, size_t n, struct store_rows **out)
{
	sqlite3_stmt *st;
	char text[512];
	size_t i, off;
	int rc;

	*out = NULL;
	if (n == 0 || n > STATUS_MAX)
		return itsm_error(ITSM_E_INTERNAL, "%s: %zu statuses", WHAT, n);
	off = (size_t)snprintf(text, sizeof(text), "SELECT %s FROM tickets t "
	    "WHERE t.status IN (", key_column(key));
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    "%s?%zu", i ? ", " : "", i + 1);
	snprintf(text + off, sizeof(text) - off, ")");
	if ((rc = store_prepare(s, text, &st)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		store_bind_text(st, (int)i + 1, status[i]);
	return sq_rows(s, st, 0, WHAT, out);
}

static int
sq_stats_status_at(itsm_store *s, enum store_key key, int64_t at,
    struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = prepare_keyed(s, q_status_at, key, &st)) != 0)
		return rc;
	store_bind_int(st, 1, at);
	return sq_rows(s, st, 0, WHAT, out);
}

static int
sq_stats_resolved_priorities(itsm_store *s, int64_t since, int64_t until,
    struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(s, q_priorities, &st)) != 0)
		return rc;
	store_bind_int(st, 1, since);
	store_bind_int(st, 2, until);
	return sq_rows(s, st, 0, WHAT, out);
}

static int
sq_stats_resolved_history(itsm_store *s, enum store_key key, int64_t since,
    int64_t until, struct store_rows **out)
{
	return keyed_period(s, q_history, key, since, until, out);
}

struct store_sorter {
	itsm_store *s;
	sqlite3_stmt *add;	/* the insert of a triple */
};

static int
sq_sorter_open(itsm_store *s, struct store_sorter **out)
{
	struct store_sorter *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	t->s = s;
	if (sqlite3_exec(SQ(s)->db, q_sorter_drop, NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_exec(SQ(s)->db, q_sorter_create, NULL, NULL,
	    NULL) != SQLITE_OK) {
		rc = store_fail(s, WHAT);
		free(t);
		return rc;
	}
	if ((rc = store_prepare(s, q_sorter_add, &t->add)) != 0) {
		(void)sqlite3_exec(SQ(s)->db, q_sorter_drop, NULL, NULL, NULL);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static int
sq_sorter_add(struct store_sorter *t, int64_t secs, int64_t g, int64_t p)
{
	store_bind_int(t->add, 1, g);
	store_bind_int(t->add, 2, p);
	store_bind_int(t->add, 3, secs);
	return store_run(t->s, t->add, WHAT);
}

static int
sq_sorter_rows(struct store_sorter *t, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(t->s, q_sorter_sorted, &st)) != 0)
		return rc;
	return sq_rows(t->s, st, 0, WHAT, out);
}

static void
sq_sorter_close(struct store_sorter *t)
{
	if (t == NULL)
		return;
	sqlite3_finalize(t->add);
	(void)sqlite3_exec(SQ(t->s)->db, q_sorter_drop, NULL, NULL, NULL);
	free(t);
}

const struct engine_stats sq_stats = {
	.opened = sq_stats_opened,
	.closed = sq_stats_closed,
	.in_status = sq_stats_in_status,
	.status_at = sq_stats_status_at,
	.resolved_priorities = sq_stats_resolved_priorities,
	.resolved_history = sq_stats_resolved_history,
	.sorter_open = sq_sorter_open,
	.sorter_add = sq_sorter_add,
	.sorter_rows = sq_sorter_rows,
	.sorter_close = sq_sorter_close,
};

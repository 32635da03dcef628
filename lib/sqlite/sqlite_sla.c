/*
 * The SQL of the SLA clocks of many tickets at once: the open tickets
 * with their status changes, in one walk of the queue's index, for the
 * refresh of their due times after a change of the policy's targets
 * (sla.c).  One ticket's clock is read by sq_status_history
 * (sqlite_ticket.c), which lists this file's sq_open_clocks in its ops.
 */
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"
#include "sqlite_columns.h"

/*
 * The open prioritized tickets in the queue's order (its index: no sort),
 * each with its status changes in order (at, then id; from the status
 * events' index), one row per change, one row with a NULL time when there
 * is none.  The same changes, in the same order, as store_status_history.
 */
static const char q_open_clocks[] =
    "SELECT t.id, t.priority, t.opened_at, t.resolved_at, t.response_due, "
    "  t.resolution_due, e.at, e.new IN ('new', 'in_progress') "
    "FROM tickets t INDEXED BY tickets_queue LEFT JOIN events e ON "
    "  e.ticket = t.id AND e.field = 'status' "
    "WHERE t.status IN ('new', 'in_progress', 'on_hold') AND "
    "  t.priority IS NOT NULL "
    "ORDER BY t.major DESC, ifnull(t.priority_rank, 1000000), t.opened_at, "
    "  t.id, e.at, e.id";

/* The ticket of the row, its changes not read yet. */
static void
clock_start(struct store_clock *k, sqlite3_stmt *st, char **pri)
{
	const char *p = (const char *)sqlite3_column_text(st, 1);

	free(*pri);
	*pri = p != NULL ? strdup(p) : NULL;
	k->id = sqlite3_column_int64(st, 0);
	k->priority = *pri;
	k->opened = sqlite3_column_int64(st, 2);
	k->resolved = sqlite3_column_type(st, 3) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, 3);
	k->has_dues = sqlite3_column_type(st, 4) == SQLITE_INTEGER &&
	    sqlite3_column_type(st, 5) == SQLITE_INTEGER;
	k->response_due = sqlite3_column_int64(st, 4);
	k->resolution_due = sqlite3_column_int64(st, 5);
	k->n = 0;
}

int
sq_open_clocks(itsm_store *s, store_clock_fn fn, void *arg)
{
	struct store_clock k = { .id = 0 };
	struct store_status *ch = NULL, *nc;
	size_t cap = 0;
	char *pri = NULL;
	sqlite3_stmt *st;
	int rc, any = 0;

	if ((rc = store_prepare(s, q_open_clocks, &st)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!any || sqlite3_column_int64(st, 0) != k.id) {
			/* The previous ticket is complete. */
			k.ch = ch;
			if (any && (rc = fn(arg, &k)) != 0)
				goto done;
			clock_start(&k, st, &pri);
			if (k.priority == NULL &&
			    sqlite3_column_type(st, 1) != SQLITE_NULL) {
				rc = itsm_error(ITSM_E_NOMEM, "out of memory");
				goto done;
			}
			any = 1;
		}
		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			continue;	/* no status change */
		if (k.n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nc = realloc(ch, cap * sizeof(*ch))) == NULL) {
				rc = itsm_error(ITSM_E_NOMEM, "out of memory");
				goto done;
			}
			ch = nc;
		}
		ch[k.n].at = sqlite3_column_int64(st, 6);
		ch[k.n++].running = sqlite3_column_int(st, 7);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, "cannot read the open tickets");
		goto done;
	}
	k.ch = ch;
	rc = any ? fn(arg, &k) : 0;
done:
	sqlite3_finalize(st);
	free(ch);
	free(pri);
	return rc;
}

/*
 * The SQL of the SLA clocks' reads: one ticket's status changes, and the
 * open tickets with theirs, in one walk of the queue's index, for the
 * refresh of their due times after a change of the policy's targets.
 * Which statuses run the clocks is the domain's rule (lib/sla.c).
 */
#include "itsm/error.h"
#include "sqlite_int.h"
#include "sqlite_columns.h"

int
sq_status_history(itsm_store *s, int64_t id, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_cached(s, "SELECT at, new FROM events WHERE "
	    "ticket = ?1 AND field = 'status' ORDER BY at, id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	return sq_rows(s, st, 1, "cannot read the history", out);
}

/*
 * The open prioritized tickets in the queue's order (its index: no sort),
 * each with its status changes in order (at, then id; from the status
 * events' index), one row per change, one row with a NULL time when there
 * is none.  The same changes, in the same order, as sq_status_history.
 */
static const char q_open_clocks[] =
    "SELECT t.id, t.priority, t.opened_at, t.resolved_at, t.response_due, "
    "  t.resolution_due, e.at, e.new, t.responded_at, t.status, "
    "  t.group_name, t.service "
    "FROM tickets t INDEXED BY tickets_queue LEFT JOIN events e ON "
    "  e.ticket = t.id AND e.field = 'status' "
    "WHERE t.status IN ('new', 'in_progress', 'on_hold') AND "
    "  t.priority IS NOT NULL "
    "ORDER BY t.major DESC, ifnull(t.priority_rank, 1000000), t.opened_at, "
    "  t.id, e.at, e.id";

int
sq_open_clocks(itsm_store *s, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(s, q_open_clocks, &st)) != 0)
		return rc;
	return sq_rows(s, st, 0, "cannot read the open tickets", out);
}

/*
 * The SQLite engine's outbox (struct engine_outbox of lib/engine.h): the
 * rows to deliver after a commit, their claims and outcomes, and the
 * Message-IDs of mail_messages.  When a row is due and how often it is
 * tried are lib/outbox.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

/* A ticket or event id, NULL for 0. */
static void
bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id > 0)
		store_bind_int(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

static int
sq_message_add(itsm_store *s, const char *message_id, int64_t ticket,
    const char *direction, int64_t at, int *added)
{
	sqlite3_stmt *st;
	int rc;

	*added = 0;
	if ((rc = store_prepare(s, "INSERT INTO mail_messages (message_id, "
	    "ticket, direction, at) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (message_id) DO NOTHING", &st)) != 0)
		return rc;
	store_bind_text(st, 1, message_id);
	bind_id(st, 2, ticket);
	store_bind_text(st, 3, direction);
	store_bind_int(st, 4, at);
	if ((rc = store_exec_stmt(s, st, "cannot record the message")) != 0)
		return rc;
	*added = sqlite3_changes(SQ(s)->db) > 0;
	return 0;
}

static int
sq_outbox_queue(itsm_store *s, const struct store_outbox_new *o,
    int64_t *id)
{
	sqlite3_stmt *st;
	int rc, added;

	*id = 0;
	if ((rc = store_prepare(s, "INSERT INTO outbox (id, created_at, "
	    "ticket, event, kind, name, recipients, message_id, payload, "
	    "next_attempt_at) VALUES ((SELECT coalesce(max(id), 0) + 1 "
	    "FROM outbox), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, o->created_at);
	bind_id(st, 2, o->ticket);
	bind_id(st, 3, o->event);
	store_bind_text(st, 4, o->kind);
	store_bind_text(st, 5, o->name);
	store_bind_text(st, 6, o->recipients);
	store_bind_text(st, 7, o->message_id);
	store_bind_text(st, 8, o->payload);
	store_bind_int(st, 9, o->next_attempt_at);
	if ((rc = store_exec_stmt(s, st, "cannot queue the delivery")) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(SQ(s)->db);
	if (o->message_id == NULL)
		return 0;
	if ((rc = sq_message_add(s, o->message_id, o->ticket, "out",
	    o->created_at, &added)) != 0)
		return rc;
	return added ? 0 : itsm_error(ITSM_E_INTERNAL, "Message-ID %s is "
	    "known already", o->message_id);
}

static char *
col_dup(sqlite3_stmt *st, int i, int *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *d;

	if (t == NULL)
		return NULL;
	if ((d = strdup((const char *)t)) == NULL)
		*oom = 1;
	return d;
}

/*
 * One UPDATE ... RETURNING: SQLite makes every change at its first step
 * and keeps the rows it returns, in no stated order (sorted here).
 */
static int
sq_outbox_claim(itsm_store *s, int64_t id, int64_t now, int64_t lease,
    size_t limit, struct store_outbox_row **rows, size_t *n)
{
	struct store_outbox_row *v = NULL, *g;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc, oom = 0;

	*rows = NULL;
	*n = 0;
	if ((rc = store_prepare(s, "UPDATE outbox SET attempts = attempts + 1, "
	    "next_attempt_at = ?3 WHERE id IN (SELECT id FROM outbox "
	    "WHERE state = 'pending' AND next_attempt_at <= ?2 "
	    "AND (?1 = 0 OR id = ?1) ORDER BY next_attempt_at, id LIMIT ?4) "
	    "RETURNING id, ticket, event, created_at, attempts, kind, name, "
	    "recipients, message_id, payload", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, now);
	store_bind_int(st, 3, lease);
	store_bind_int(st, 4, id > 0 ? 1 : (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 8;
			if ((g = realloc(v, cap * sizeof(*v))) == NULL) {
				oom = 1;
				break;
			}
			v = g;
		}
		v[k] = (struct store_outbox_row){
			.id = sqlite3_column_int64(st, 0),
			.ticket = sqlite3_column_int64(st, 1),
			.event = sqlite3_column_int64(st, 2),
			.created_at = sqlite3_column_int64(st, 3),
			.attempts = sqlite3_column_int64(st, 4),
		};
		v[k].kind = col_dup(st, 5, &oom);
		v[k].name = col_dup(st, 6, &oom);
		v[k].recipients = col_dup(st, 7, &oom);
		v[k].message_id = col_dup(st, 8, &oom);
		v[k].payload = col_dup(st, 9, &oom);
		k++;
	}
	if (oom)
		rc = nomem();
	else if (rc != SQLITE_DONE)
		rc = store_fail(s, "cannot claim the deliveries");
	else
		rc = 0;
	sqlite3_finalize(st);
	if (rc != 0) {
		store_outbox_free(v, k);
		return rc;
	}
	store_outbox_sort(v, k);
	*rows = v;
	*n = k;
	return 0;
}

static int
sq_outbox_sent(itsm_store *s, int64_t id, int64_t at)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "UPDATE outbox SET state = 'sent', "
	    "sent_at = ?2, last_error = NULL WHERE id = ?1", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, at);
	return store_exec_stmt(s, st, "cannot record the delivery");
}

static int
sq_outbox_failed(itsm_store *s, int64_t id, const char *why,
    int64_t next_at, int give_up)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "UPDATE outbox SET state = ?4, "
	    "last_error = ?2, next_attempt_at = ?3 WHERE id = ?1", &st)) != 0)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, why);
	store_bind_int(st, 3, next_at);
	store_bind_text(st, 4, give_up ? "failed" : "pending");
	return store_exec_stmt(s, st, "cannot record the delivery");
}

static int
sq_outbox_list(itsm_store *s, int all, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "SELECT o.id, o.created_at, o.ticket, "
	    "o.event, o.kind, o.name, o.recipients, o.message_id, o.state, "
	    "o.attempts, o.next_attempt_at, o.last_error, o.sent_at, t.type "
	    "FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket "
	    "WHERE ?1 OR o.state <> 'sent' ORDER BY o.id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, all != 0);
	return sq_rows(s, st, 0, "cannot read the outbox", out);
}

static int
sq_message_ticket(itsm_store *s, const char *message_id, int64_t *ticket)
{
	sqlite3_stmt *st;
	int rc;

	*ticket = -1;
	if ((rc = store_prepare(s, "SELECT ticket FROM mail_messages "
	    "WHERE message_id = ?1", &st)) != 0)
		return rc;
	store_bind_text(st, 1, message_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*ticket = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "cannot read the messages");
	sqlite3_finalize(st);
	return rc;
}

static int
sq_thread(itsm_store *s, int64_t ticket, char **out)
{
	sqlite3_stmt *st;
	int rc, oom = 0;

	*out = NULL;
	if ((rc = store_prepare(s, "SELECT m.message_id FROM mail_messages m "
	    "LEFT JOIN outbox o ON o.message_id = m.message_id "
	    "WHERE m.ticket = ?1 ORDER BY m.at, o.id, m.message_id LIMIT 1",
	    &st)) != 0)
		return rc;
	store_bind_int(st, 1, ticket);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = col_dup(st, 0, &oom);
	rc = oom ? nomem() : rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    store_fail(s, "cannot read the messages");
	sqlite3_finalize(st);
	return rc;
}

const struct engine_outbox sq_outbox = {
	.queue = sq_outbox_queue,
	.claim = sq_outbox_claim,
	.sent = sq_outbox_sent,
	.failed = sq_outbox_failed,
	.list = sq_outbox_list,
	.message_add = sq_message_add,
	.message_ticket = sq_message_ticket,
	.thread = sq_thread,
};

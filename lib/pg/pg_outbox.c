/*
 * The PostgreSQL engine's outbox (struct engine_outbox of lib/engine.h):
 * the same work as lib/sqlite/sqlite_outbox.c, in PostgreSQL's words.
 * Ids are max(id) + 1 under the writers' lock (pg.c), as the tickets'
 * are; a claim is one UPDATE ... RETURNING in the caller's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

/* An id as a parameter: NULL for 0. */
static const char *
id_param(char *buf, size_t len, int64_t id)
{
	if (id <= 0)
		return NULL;
	snprintf(buf, len, "%lld", (long long)id);
	return buf;
}

static const char *
num_param(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

static int
pg_message_add(itsm_store *s, const char *message_id, int64_t ticket,
    const char *direction, int64_t at, int *added)
{
	char t[24], a[24];
	const char *p[4];
	PGresult *r;
	int rc;

	*added = 0;
	p[0] = message_id;
	p[1] = id_param(t, sizeof(t), ticket);
	p[2] = direction;
	p[3] = num_param(a, sizeof(a), at);
	if ((rc = pg_exec(s, "INSERT INTO mail_messages (message_id, ticket, "
	    "direction, at) VALUES ($1::text, $2::bigint, $3::text, $4::bigint) "
	    "ON CONFLICT (message_id) DO NOTHING", 4, p,
	    "cannot record the message", &r)) != 0)
		return rc;
	*added = atoi(PQcmdTuples(r)) > 0;
	PQclear(r);
	return 0;
}

static int
pg_outbox_queue(itsm_store *s, const struct store_outbox_new *o,
    int64_t *id)
{
	char c[24], t[24], e[24], n[24];
	const char *p[9];
	PGresult *r;
	int rc, added;

	*id = 0;
	p[0] = num_param(c, sizeof(c), o->created_at);
	p[1] = id_param(t, sizeof(t), o->ticket);
	p[2] = id_param(e, sizeof(e), o->event);
	p[3] = o->kind;
	p[4] = o->name;
	p[5] = o->recipients;
	p[6] = o->message_id;
	p[7] = o->payload;
	p[8] = num_param(n, sizeof(n), o->next_attempt_at);
	if ((rc = pg_exec(s, "INSERT INTO outbox (id, created_at, ticket, "
	    "event, kind, name, recipients, message_id, payload, "
	    "next_attempt_at) VALUES (" PG_NEXT_ID("outbox") ", $1::bigint, "
	    "$2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text, "
	    "$8::text, $9::bigint) RETURNING id", 9, p,
	    "cannot queue the delivery", &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (o->message_id == NULL)
		return 0;
	if ((rc = pg_message_add(s, o->message_id, o->ticket, "out",
	    o->created_at, &added)) != 0)
		return rc;
	return added ? 0 : itsm_error(ITSM_E_INTERNAL, "Message-ID %s is "
	    "known already", o->message_id);
}

static int64_t
get_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 :
	    strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static char *
get_dup(const PGresult *r, int row, int col, int *oom)
{
	char *d;

	if (PQgetisnull(r, row, col))
		return NULL;
	if ((d = strdup(PQgetvalue(r, row, col))) == NULL)
		*oom = 1;
	return d;
}

static int
pg_outbox_claim(itsm_store *s, int64_t id, int64_t now, int64_t lease,
    size_t limit, struct store_outbox_row **rows, size_t *n)
{
	char i[24], w[24], l[24], m[24];
	const char *p[4];
	struct store_outbox_row *v;
	PGresult *r;
	int rc, k, nt, oom = 0;

	*rows = NULL;
	*n = 0;
	p[0] = num_param(i, sizeof(i), id > 0 ? id : 0);
	p[1] = num_param(w, sizeof(w), now);
	p[2] = num_param(l, sizeof(l), lease);
	p[3] = num_param(m, sizeof(m), id > 0 ? 1 : (int64_t)limit);
	if ((rc = pg_exec(s, "UPDATE outbox SET attempts = attempts + 1, "
	    "next_attempt_at = $3::bigint WHERE id IN (SELECT id FROM outbox "
	    "WHERE state = 'pending' AND next_attempt_at <= $2::bigint "
	    "AND ($1::bigint = 0 OR id = $1::bigint) "
	    "ORDER BY next_attempt_at, id LIMIT $4::bigint) "
	    "RETURNING id, ticket, event, created_at, attempts, kind, name, "
	    "recipients, message_id, payload", 4, p,
	    "cannot claim the deliveries", &r)) != 0)
		return rc;
	if ((nt = PQntuples(r)) == 0) {
		PQclear(r);
		return 0;
	}
	if ((v = calloc((size_t)nt, sizeof(*v))) == NULL) {
		PQclear(r);
		return nomem();
	}
	for (k = 0; k < nt; k++) {
		v[k].id = get_int(r, k, 0);
		v[k].ticket = get_int(r, k, 1);
		v[k].event = get_int(r, k, 2);
		v[k].created_at = get_int(r, k, 3);
		v[k].attempts = get_int(r, k, 4);
		v[k].kind = get_dup(r, k, 5, &oom);
		v[k].name = get_dup(r, k, 6, &oom);
		v[k].recipients = get_dup(r, k, 7, &oom);
		v[k].message_id = get_dup(r, k, 8, &oom);
		v[k].payload = get_dup(r, k, 9, &oom);
	}
	PQclear(r);
	if (oom) {
		store_outbox_free(v, (size_t)nt);
		return nomem();
	}
	store_outbox_sort(v, (size_t)nt);
	*rows = v;
	*n = (size_t)nt;
	return 0;
}

static int
pg_outbox_sent(itsm_store *s, int64_t id, int64_t at)
{
	char i[24], a[24];
	const char *p[2];

	p[0] = num_param(i, sizeof(i), id);
	p[1] = num_param(a, sizeof(a), at);
	return pg_exec(s, "UPDATE outbox SET state = 'sent', sent_at = "
	    "$2::bigint, last_error = NULL WHERE id = $1::bigint", 2, p,
	    "cannot record the delivery", NULL);
}

static int
pg_outbox_failed(itsm_store *s, int64_t id, const char *why,
    int64_t next_at, int give_up)
{
	char i[24], a[24];
	const char *p[4];

	p[0] = num_param(i, sizeof(i), id);
	p[1] = why;
	p[2] = num_param(a, sizeof(a), next_at);
	p[3] = give_up ? "failed" : "pending";
	return pg_exec(s, "UPDATE outbox SET state = $4::text, last_error = "
	    "$2::text, next_attempt_at = $3::bigint WHERE id = $1::bigint",
	    4, p, "cannot record the delivery", NULL);
}

static int
pg_outbox_list(itsm_store *s, int all, struct store_rows **out)
{
	const char *p[1] = { all ? "true" : "false" };

	return pg_rows(s, "SELECT o.id, o.created_at, o.ticket, o.event, "
	    "o.kind, o.name, o.recipients, o.message_id, o.state, o.attempts, "
	    "o.next_attempt_at, o.last_error, o.sent_at, t.type FROM outbox o "
	    "LEFT JOIN tickets t ON t.id = o.ticket WHERE $1::boolean "
	    "OR o.state <> 'sent' ORDER BY o.id", 1, p,
	    "cannot read the outbox", out);
}

static int
pg_message_ticket(itsm_store *s, const char *message_id, int64_t *ticket)
{
	const char *p[1] = { message_id };
	PGresult *r;
	int rc;

	*ticket = -1;
	if ((rc = pg_exec(s, "SELECT ticket FROM mail_messages WHERE "
	    "message_id = $1::text", 1, p, "cannot read the messages",
	    &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		*ticket = get_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int
pg_thread(itsm_store *s, int64_t ticket, char **out)
{
	char t[24];
	const char *p[1];
	PGresult *r;
	int rc, oom = 0;

	*out = NULL;
	p[0] = num_param(t, sizeof(t), ticket);
	if ((rc = pg_exec(s, "SELECT m.message_id FROM mail_messages m "
	    "LEFT JOIN outbox o ON o.message_id = m.message_id "
	    "WHERE m.ticket = $1::bigint ORDER BY m.at, o.id NULLS FIRST, "
	    "m.message_id COLLATE \"C\" LIMIT 1", 1, p,
	    "cannot read the messages", &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		*out = get_dup(r, 0, 0, &oom);
	PQclear(r);
	return oom ? nomem() : 0;
}

const struct engine_outbox pg_outbox = {
	.queue = pg_outbox_queue,
	.claim = pg_outbox_claim,
	.sent = pg_outbox_sent,
	.failed = pg_outbox_failed,
	.list = pg_outbox_list,
	.message_add = pg_message_add,
	.message_ticket = pg_message_ticket,
	.thread = pg_thread,
};

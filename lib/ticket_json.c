/*
 * The JSON ticket object, written from the ticket's fields: the keys and
 * the order of the fields table, the bytes SQLite's json_object() gave
 * (show --json, list --json and jsonl, hook payloads and exports keep
 * them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/port.h"
#include "itsm/sla.h"
#include "itsm/time.h"
#include "json_int.h"
#include "store_int.h"
#include "ticket_int.h"

/* The range SQLite's strftime() formats; a time outside it is null. */
#define JSON_TIME_MIN INT64_C(-210866760000)	/* -4713-11-24T12:00:00Z */

/* A time as ISO 8601, or null where SQLite's strftime() gave NULL. */
static void
put_time(struct json_buf *b, int64_t v)
{
	char buf[ITSM_TIMEBUF];

	if (v > ITSM_TIME_MAX || v < JSON_TIME_MIN) {
		json_raw(b, "null");
		return;
	}
	itsm_time_format(v, buf);
	json_str(b, buf);
}

/* A real as its text in the database was (a string, as before). */
static void
put_real(struct json_buf *b, double r)
{
	char buf[32];

	tk_format_real(r, buf, sizeof(buf));
	json_str(b, buf);
}

static void
put_ref(struct json_buf *b, const itsm_ticket *t)
{
	const char *type = itsm_ticket_str(t, ITSM_F_TYPE);

	/* As the ref was: any type but request and change is an INC. */
	if (type != NULL && strcmp(type, "request") == 0)
		json_raw(b, "\"REQ-");
	else if (type != NULL && strcmp(type, "change") == 0)
		json_raw(b, "\"CHG-");
	else
		json_raw(b, "\"INC-");
	json_int(b, itsm_ticket_int(t, ITSM_F_ID));
	json_raw(b, "\"");
}

static void
put_value(struct json_buf *b, const itsm_ticket *t, enum itsm_field f)
{
	const char *s = itsm_ticket_str(t, f);
	int64_t v = itsm_ticket_int(t, f);

	switch (itsm_field_kind(f)) {
	case ITSM_FK_INT:
		if (s == NULL)
			json_raw(b, "null");
		else
			json_int(b, v);
		break;
	case ITSM_FK_TIME:
		if (s == NULL)
			json_raw(b, "null");
		else
			put_time(b, v);
		break;
	case ITSM_FK_BOOL:
		/* SQLite's CASE major WHEN 0: only a 0 is false. */
		json_raw(b, s != NULL && v == 0 ? "false" : "true");
		break;
	default:
		json_str(b, s);
		break;
	}
}

/* The "resolution" object, or null when its three fields are. */
static void
put_resolution(struct json_buf *b, const itsm_ticket *t)
{
	const char *type = itsm_ticket_str(t, ITSM_F_RESOLUTION_TYPE);
	const char *code = itsm_ticket_str(t, ITSM_F_RESOLUTION_CODE);
	const char *notes = itsm_ticket_str(t, ITSM_F_RESOLUTION_NOTES);

	if (type == NULL && code == NULL && notes == NULL) {
		json_raw(b, "null");
		return;
	}
	json_raw(b, "{\"type\":");
	json_str(b, type);
	json_raw(b, ",\"code\":");
	json_str(b, code);
	json_raw(b, ",\"notes\":");
	json_str(b, notes);
	json_raw(b, "}");
}

/* The ticket's members, without the closing brace. */
static void
ticket_members(struct json_buf *b, const itsm_ticket *t)
{
	int f;

	json_raw(b, "{");
	for (f = 0; f < ITSM_NFIELDS; f++) {
		if (f == ITSM_F_RESOLUTION_CODE || f == ITSM_F_RESOLUTION_NOTES)
			continue;
		if (f > 0)
			json_raw(b, ",");
		if (f == ITSM_F_RESOLUTION_TYPE) {
			json_raw(b, "\"resolution\":");
			put_resolution(b, t);
			continue;
		}
		json_str(b, itsm_field_name((enum itsm_field)f));
		json_raw(b, ":");
		if (f == ITSM_F_REF)
			put_ref(b, t);
		else
			put_value(b, t, (enum itsm_field)f);
	}
}

void
tk_ticket_json_write(struct json_buf *b, const itsm_ticket *t,
    const char *events)
{
	ticket_members(b, t);
	if (events != NULL) {
		json_raw(b, ",\"events\":");
		json_raw(b, events);
	}
	json_raw(b, "}");
}

char *
tk_ticket_json(const itsm_ticket *t, const char *events)
{
	struct json_buf b = { 0 };

	tk_ticket_json_write(&b, t, events);
	return json_finish(&b);
}

/* An event's members, in order; the optional ones by their TK_EV_ bit. */
static const struct {
	const char *key;
	enum itsm_event_field f;
	int bit;		/* 0: always written */
} event_members[] = {
	{ "at", ITSM_EV_AT, 0 },
	{ "recorded_at", ITSM_EV_RECORDED_AT, TK_EV_RECORDED_AT },
	{ "actor", ITSM_EV_ACTOR, 0 },
	{ "login", ITSM_EV_LOGIN, TK_EV_LOGIN },
	{ "kind", ITSM_EV_KIND, 0 },
	{ "field", ITSM_EV_FIELD, 0 },
	{ "from", ITSM_EV_FROM, 0 },
	{ "to", ITSM_EV_TO, 0 },
	{ "message", ITSM_EV_MESSAGE, 0 },
};

void
tk_event_json_write(struct json_buf *b, const itsm_event *e, int members)
{
	size_t i;

	for (i = 0; i < sizeof(event_members) / sizeof(event_members[0]);
	    i++) {
		if (event_members[i].bit != 0 &&
		    (members & event_members[i].bit) == 0)
			continue;
		json_raw(b, i == 0 ? "{" : ",");
		json_str(b, event_members[i].key);
		json_raw(b, ":");
		if (event_members[i].f == ITSM_EV_AT ||
		    event_members[i].f == ITSM_EV_RECORDED_AT)
			put_time(b, itsm_event_int(e, event_members[i].f));
		else
			json_str(b, itsm_event_str(e, event_members[i].f));
	}
	json_raw(b, "}");
}

int
tk_events_json_write(itsm_ctx *c, int64_t id, int64_t after, int members,
    struct json_buf *b)
{
	itsm_event_iter *it;
	int rc;

	if ((rc = tk_events_after(c, id, after, &it)) != 0)
		return rc;
	rc = tk_events_json_iter(it, members, b);
	itsm_event_iter_free(it);
	return rc;
}

int
tk_events_json_iter(itsm_event_iter *it, int members, struct json_buf *b)
{
	const itsm_event *e;
	int rc, n = 0;

	json_raw(b, "[");
	while ((rc = itsm_event_next(it, &e)) == 1) {
		if (n++ > 0)
			json_raw(b, ",");
		tk_event_json_write(b, e, members);
	}
	json_raw(b, "]");
	return rc;
}

/*
 * The "sla" member of show's object: the clocks as itsm_sla_get()
 * computes them now, or null without a priority of the policy.
 */
static int
put_sla(struct json_buf *b, itsm_ctx *c, int64_t id)
{
	struct itsm_sla s;
	int rc;

	if ((rc = itsm_sla_get(c, id, &s)) != 0)
		return rc;
	if (!s.prioritized) {
		json_raw(b, "null");
		return 0;
	}
	json_raw(b, "{\"calendar\":");
	json_str(b, s.calendar);
	json_raw(b, ",\"response_due\":");
	put_time(b, s.response_due);
	json_raw(b, ",\"resolution_due\":");
	put_time(b, s.resolution_due);
	json_raw(b, ",\"response_left\":");
	json_int(b, s.response_left);
	json_raw(b, ",\"resolution_left\":");
	json_int(b, s.resolution_left);
	json_raw(b, ",\"paused\":");
	json_raw(b, s.paused ? "true" : "false");
	json_raw(b, "}");
	return 0;
}

int
itsm_ticket_get_full(itsm_ctx *c, int64_t id, itsm_ticket **out)
{
	struct json_buf b = { 0 };
	itsm_ticket *t = NULL;
	char *events = NULL, *json;
	int rc, began = 0;

	*out = NULL;
	/* The ticket and its events as of one moment. */
	if ((rc = store_snapshot_begin(c->store, &began)) != 0)
		goto done;
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		goto done;
	if ((rc = tk_events_json_write(c, id, 0, TK_EV_RECORDED_AT |
	    TK_EV_LOGIN, &b)) != 0)
		goto done;
	/* After the events array, as the member that follows it. */
	json_raw(&b, ",\"sla\":");
	if ((rc = put_sla(&b, c, id)) != 0)
		goto done;
	store_snapshot_end(c->store, began);
	began = 0;
	if ((events = json_finish(&b)) == NULL ||
	    (json = tk_ticket_json(t, events)) == NULL) {
		rc = ITSM_E_NOMEM;
		goto done;
	}
	tk_ticket_set_json(t, json);
	*out = t;
	t = NULL;
done:
	store_snapshot_end(c->store, began);
	free(b.s);
	free(events);
	itsm_ticket_free(t);
	return rc;
}

struct export_out {
	itsm_ctx *c;
	int (*write)(void *arg, const char *line);
	void *arg;
	struct json_buf b;
};

static void
put_int_or_null(struct json_buf *b, int64_t v, int null)
{
	if (null)
		json_raw(b, "null");
	else
		json_int(b, v);
}

/* The members of each part of the dossier: their keys, times marked. */
static const char *const crisis_keys[TK_CRISIS_NPARTS][9] = {
	{ "state", "@proposed_at", "proposal", "@declared_at", "declared_by",
	    "@ended_at", "bridge", "root_cause", NULL },
	{ "name", "role", "@since", NULL },
	{ "kind", "text", "@at", NULL },
	{ "n", "text", "owner", "@due", "@done_at", NULL },
};

struct crisis_out {
	struct json_buf *b;
	enum tk_crisis_part part;
	int rows;
};

/* One row as an object: each value as SQLite's json_object() wrote it. */
static int
crisis_row(void *arg, const struct store_value *v, int n)
{
	struct crisis_out *o = arg;
	const char *const *key = crisis_keys[o->part];
	int i;

	if (o->rows++ > 0)
		json_raw(o->b, ",");
	json_raw(o->b, "{");
	for (i = 0; i < n && key[i] != NULL; i++) {
		int time = key[i][0] == '@';

		if (i > 0)
			json_raw(o->b, ",");
		json_str(o->b, key[i] + time);
		json_raw(o->b, ":");
		if (v[i].type == STORE_NULL)
			json_raw(o->b, "null");
		else if (time && v[i].type == STORE_INT)
			put_time(o->b, v[i].i);
		else if (v[i].type == STORE_INT)
			json_int(o->b, v[i].i);
		else if (v[i].type == STORE_REAL)
			put_real(o->b, v[i].r);
		else
			json_str(o->b, v[i].s);
	}
	if (o->part != TK_CRISIS_MAJOR)	/* the major's lists follow */
		json_raw(o->b, "}");
	return 0;
}

/* The "crisis" object: the major incident, its roster, findings, actions. */
static int
put_crisis(struct json_buf *b, itsm_ctx *c, int64_t id)
{
	static const char *const lists[] = { NULL, "roster", "findings",
	    "actions" };
	struct crisis_out o = { b, TK_CRISIS_MAJOR, 0 };
	int rc, p;

	if ((rc = tk_crisis_rows(c, id, TK_CRISIS_MAJOR, crisis_row, &o)) != 0)
		return rc;
	if (o.rows == 0) {
		json_raw(b, "null");
		return 0;
	}
	for (p = TK_CRISIS_ROSTER; p < TK_CRISIS_NPARTS; p++) {
		json_raw(b, ",\"");
		json_raw(b, lists[p]);
		json_raw(b, "\":[");
		o.part = (enum tk_crisis_part)p;
		o.rows = 0;
		if ((rc = tk_crisis_rows(c, id, o.part, crisis_row, &o)) != 0)
			return rc;
		json_raw(b, "]");
	}
	json_raw(b, "}");
	return 0;
}

/* A value of the "store" object, as SQLite's json_object() wrote it. */
static void
put_store_value(struct json_buf *b, enum itsm_field_kind kind,
    const struct tk_value *v)
{
	switch (kind) {
	case ITSM_FK_INT:
		put_int_or_null(b, v->num, v->null);
		break;
	case ITSM_FK_TIME:
		if (v->null)
			json_raw(b, "null");
		else
			put_time(b, v->num);
		break;
	case ITSM_FK_BOOL:
		json_raw(b, !v->null && v->num == 0 ? "false" : "true");
		break;
	default:
		json_str(b, v->str);
		break;
	}
}

/* The line's "store" object: the TKF_STORE fields of the table. */
static void
put_store(struct json_buf *b, const struct tk_export *x)
{
	int first = 1;

	json_raw(b, ",\"store\":{");
#define PUT_STORE_(key, name, kind, flags) \
	if ((flags) & TKF_STORE) { \
		json_raw(b, first ? "\"" name "\":" : ",\"" name "\":"); \
		first = 0; \
		put_store_value(b, kind, &x->store[(key) - ITSM_NFIELDS]); \
	}
	TK_STORE_FIELDS(PUT_STORE_)
#undef PUT_STORE_
	json_raw(b, "}");
}

/* One line of the export: everything import needs to give it back. */
static int
export_row(void *arg, const itsm_ticket *t, const struct tk_export *x)
{
	struct export_out *o = arg;
	struct json_buf *b = &o->b;
	char *line;
	int rc;

	ticket_members(b, t);
	json_raw(b, ",\"events\":");
	if ((rc = tk_events_json_iter(x->events, TK_EV_RECORDED_AT |
	    TK_EV_LOGIN, b)) != 0)
		return rc;
	put_store(b, x);
	json_raw(b, ",\"crisis\":");
	if (!x->crisis)
		json_raw(b, "null");
	else if ((rc = put_crisis(b, o->c, itsm_ticket_int(t, ITSM_F_ID))) != 0)
		return rc;
	json_raw(b, "}");
	if ((line = json_finish(b)) == NULL)
		return ITSM_E_NOMEM;
	rc = o->write(o->arg, line);
	free(line);
	if (rc != 0)
		return itsm_error(ITSM_E_IO, "cannot write the export: %s",
		    strerror(errno));
	return 0;
}

int
itsm_export(itsm_ctx *c, const struct itsm_filter *f,
    int (*write)(void *arg, const char *line), void *arg)
{
	struct export_out o = { c, write, arg, { 0 } };
	int rc;

	rc = tk_export_each(c, f, export_row, &o);
	free(o.b.s);
	return rc;
}

/*
 * The JSON ticket object, written from the ticket's fields: the keys and
 * the order of the fields table, the bytes SQLite's json_object() gave
 * (show --json, list --json and jsonl, hook payloads and exports keep
 * them).
 */
#include <string.h>

#include "itsm/time.h"
#include "json_int.h"
#include "ticket_int.h"

/* The range SQLite's strftime() formats; a time outside it is null. */
#define JSON_TIME_MIN INT64_C(-210866760000)	/* -4713-11-24T12:00:00Z */

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
	char buf[ITSM_TIMEBUF];

	switch (itsm_field_kind(f)) {
	case ITSM_FK_INT:
		if (s == NULL)
			json_raw(b, "null");
		else
			json_int(b, v);
		break;
	case ITSM_FK_TIME:
		if (s == NULL || v > ITSM_TIME_MAX || v < JSON_TIME_MIN) {
			json_raw(b, "null");
			break;
		}
		itsm_time_format(v, buf);
		json_str(b, buf);
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

void
tk_ticket_json_write(struct json_buf *b, const itsm_ticket *t,
    const char *events)
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

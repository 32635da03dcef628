/*
 * Tickets: logging, categorizing, prioritizing, reading and listing.
 *
 * Every change appends events (who, when, what, old -> new, message) in
 * the same transaction as the change.  An itsm_ctx carries what every
 * operation needs: the store, the policy, the clock and the actor.
 */
#ifndef ITSM_TICKET_H
#define ITSM_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/policy.h"
#include "itsm/ref.h"
#include "itsm/store.h"
#include "itsm/time.h"

typedef struct itsm_ctx itsm_ctx;
typedef struct itsm_ticket itsm_ticket;
typedef struct itsm_iter itsm_iter;
typedef struct itsm_event itsm_event;
typedef struct itsm_event_iter itsm_event_iter;

enum itsm_field_kind { ITSM_FK_TEXT, ITSM_FK_INT, ITSM_FK_TIME, ITSM_FK_BOOL };

/* A field not stored: computed (the ref, from the id and the type). */
#define ITSM_FF_COMPUTED	1

/*
 * The ticket's fields, in the order of the JSON ticket object:
 * X(key, name, kind, flags), flags 0 or ITSM_FF_COMPUTED.  A name with a
 * dot is a member of an object of the ticket ("resolution.type").  The
 * library adds the fields a user does not see (lib/ticket_fields.h).
 */
#define ITSM_TICKET_FIELDS(X) \
	X(ITSM_F_ID, "id", ITSM_FK_INT, 0) \
	X(ITSM_F_REF, "ref", ITSM_FK_TEXT, ITSM_FF_COMPUTED) \
	X(ITSM_F_TYPE, "type", ITSM_FK_TEXT, 0) \
	X(ITSM_F_STATUS, "status", ITSM_FK_TEXT, 0) \
	X(ITSM_F_SUMMARY, "summary", ITSM_FK_TEXT, 0) \
	X(ITSM_F_DESCRIPTION, "description", ITSM_FK_TEXT, 0) \
	X(ITSM_F_CALLER, "caller", ITSM_FK_TEXT, 0) \
	X(ITSM_F_AFFECTED, "affected", ITSM_FK_TEXT, 0) \
	X(ITSM_F_CHANNEL, "channel", ITSM_FK_TEXT, 0) \
	X(ITSM_F_CONTACT, "contact", ITSM_FK_TEXT, 0) \
	X(ITSM_F_SERVICE, "service", ITSM_FK_TEXT, 0) \
	X(ITSM_F_CATEGORY, "category", ITSM_FK_TEXT, 0) \
	X(ITSM_F_SUBCATEGORY, "subcategory", ITSM_FK_TEXT, 0) \
	X(ITSM_F_IMPACT, "impact", ITSM_FK_TEXT, 0) \
	X(ITSM_F_URGENCY, "urgency", ITSM_FK_TEXT, 0) \
	X(ITSM_F_PRIORITY, "priority", ITSM_FK_TEXT, 0) \
	X(ITSM_F_MAJOR, "major", ITSM_FK_BOOL, 0) \
	X(ITSM_F_TIER, "tier", ITSM_FK_TEXT, 0) \
	X(ITSM_F_GROUP, "group", ITSM_FK_TEXT, 0) \
	X(ITSM_F_ASSIGNEE, "assignee", ITSM_FK_TEXT, 0) \
	X(ITSM_F_OPENED_AT, "opened_at", ITSM_FK_TIME, 0) \
	X(ITSM_F_UPDATED_AT, "updated_at", ITSM_FK_TIME, 0) \
	X(ITSM_F_RESPONDED_AT, "responded_at", ITSM_FK_TIME, 0) \
	X(ITSM_F_RESOLVED_AT, "resolved_at", ITSM_FK_TIME, 0) \
	X(ITSM_F_CLOSED_AT, "closed_at", ITSM_FK_TIME, 0) \
	X(ITSM_F_RESPONSE_DUE, "response_due", ITSM_FK_TIME, 0) \
	X(ITSM_F_RESOLUTION_DUE, "resolution_due", ITSM_FK_TIME, 0) \
	X(ITSM_F_RESOLUTION_TYPE, "resolution.type", ITSM_FK_TEXT, 0) \
	X(ITSM_F_RESOLUTION_CODE, "resolution.code", ITSM_FK_TEXT, 0) \
	X(ITSM_F_RESOLUTION_NOTES, "resolution.notes", ITSM_FK_TEXT, 0) \
	X(ITSM_F_SATISFACTION, "satisfaction", ITSM_FK_INT, 0) \
	X(ITSM_F_REOPEN_COUNT, "reopen_count", ITSM_FK_INT, 0) \
	X(ITSM_F_REASSIGNMENT_COUNT, "reassignment_count", ITSM_FK_INT, 0) \
	X(ITSM_F_PARENT, "parent", ITSM_FK_INT, 0)

#define ITSM_FIELD_ENUM_(key, name, kind, flags) key,
enum itsm_field {
	ITSM_TICKET_FIELDS(ITSM_FIELD_ENUM_)
	ITSM_NFIELDS
};
#undef ITSM_FIELD_ENUM_

/* A field's name ("opened_at", "resolution.type", ...) and kind. */
const char *itsm_field_name(enum itsm_field f);
enum itsm_field_kind itsm_field_kind(enum itsm_field f);
/* Finds a field by name (case-insensitive); -1 when unknown. */
int itsm_field_find(const char *name);

/* The context.  It borrows the store and the policy. */
int itsm_ctx_new(itsm_ctx **out, itsm_store *store, const itsm_policy *policy);
void itsm_ctx_free(itsm_ctx *c);
/* Overrides the clock (default: itsm_now() at creation). */
void itsm_ctx_set_now(itsm_ctx *c, int64_t now);
/*
 * The zone the times in error messages are shown in (the display zone;
 * the caller keeps it alive); NULL, the default, is UTC.
 */
void itsm_ctx_set_zone(itsm_ctx *c, const itsm_tz *zone);
int64_t itsm_ctx_now(const itsm_ctx *c);
/* Sets the actor shown in history; the login name is always kept beside it. */
int itsm_ctx_set_actor(itsm_ctx *c, const char *actor);
const char *itsm_ctx_actor(const itsm_ctx *c);
const itsm_policy *itsm_ctx_policy(const itsm_ctx *c);

struct itsm_open_args {
	const char *summary;		/* required */
	const char *caller;		/* required */
	const char *affected;		/* defaults to the caller */
	const char *channel, *contact, *service, *description;
	const char *type, *category, *subcategory;	/* categorizes when set */
	const char *impact, *urgency;	/* both or neither: prioritizes */
	int64_t at;			/* back-dated time, or 0 for now */
	const char *group;		/* NULL: the policy's default group */
	/*
	 * The Message-ID ("<...>") of the mail that opens it, recorded
	 * (direction in) before its acknowledgement is queued; NULL: none.
	 */
	const char *message_id;
};

/* Logs a ticket (and categorizes and prioritizes it as asked). */
int itsm_ticket_open(itsm_ctx *c, const struct itsm_open_args *a, int64_t *id);

struct itsm_categorize_args {
	const char *type;		/* required: incident, request, change */
	const char *category, *subcategory, *message;
	int64_t at;
};

/*
 * Categorizes a ticket.  A request or a change is redirected: its status
 * becomes "redirected" and *practice (when not NULL) is set to the
 * practice it went to, borrowed from the policy; else NULL.
 */
int itsm_ticket_categorize(itsm_ctx *c, int64_t id,
    const struct itsm_categorize_args *a, const char **practice);

struct itsm_prioritize_args {
	const char *impact, *urgency;	/* required, by name or rank */
	const char *message;
	int64_t at;
};

/* Prioritizes; *priority (when not NULL) is the name, borrowed from the policy. */
int itsm_ticket_prioritize(itsm_ctx *c, int64_t id,
    const struct itsm_prioritize_args *a, const char **priority);

/* Reads one ticket; *out is the caller's to free with itsm_ticket_free(). */
int itsm_ticket_get(itsm_ctx *c, int64_t id, itsm_ticket **out);
void itsm_ticket_free(itsm_ticket *t);

/* A field as text (times as ISO 8601, booleans as "true"/"false"), or NULL. */
const char *itsm_ticket_str(const itsm_ticket *t, enum itsm_field f);
/* A numeric or time field; 0 when NULL. */
int64_t itsm_ticket_int(const itsm_ticket *t, enum itsm_field f);
/* Whether an open ticket is past a due time it has not met, at now. */
int itsm_ticket_breached(const itsm_ticket *t, int64_t now);
/* The ticket as a JSON object (with "events" when read with them), or NULL. */
const char *itsm_ticket_json(const itsm_ticket *t);

struct itsm_filter {
	const char *const *status;	/* NULL-terminated, or NULL for the open ones */
	const char *type, *priority, *group, *assignee;
	const char *assignee_or_none;	/* assigned to this user, or to nobody */
	/* Equal in any case (ASCII), or NULL: the caller's, the affected
	 * user's, the service's, the category's name. */
	const char *caller, *affected, *service, *category;
	/* In the summary or the description, in any case (ASCII), or NULL. */
	const char *text;
	/* Opened at since or later, before until (when has_ set). */
	int has_since, has_until;
	int64_t since, until;
	int all;			/* every status */
	int workable;			/* open and not on hold */
	int stagnant;			/* no activity past the threshold */
	int breached;			/* past a due time */
	int64_t limit;			/* 0: no limit */
	int json;			/* fill itsm_ticket_json() */
	/*
	 * The fields the caller reads, ITSM_FIELD_BIT of each (0: all of
	 * them); the others read as NULL and 0.  The ref brings its id and
	 * type; itsm_ticket_breached() needs ITSM_FIELDS_BREACHED.
	 */
	uint64_t fields;
};

#define ITSM_FIELD_BIT(f)	(UINT64_C(1) << (f))
/* The fields itsm_ticket_breached() reads. */
#define ITSM_FIELDS_BREACHED (ITSM_FIELD_BIT(ITSM_F_STATUS) | \
	ITSM_FIELD_BIT(ITSM_F_RESPONDED_AT) | \
	ITSM_FIELD_BIT(ITSM_F_RESPONSE_DUE) | \
	ITSM_FIELD_BIT(ITSM_F_RESOLVED_AT) | \
	ITSM_FIELD_BIT(ITSM_F_RESOLUTION_DUE))

/* The work queue: major first, then priority, then oldest; unprioritized last. */
int itsm_list(itsm_ctx *c, const struct itsm_filter *f, itsm_iter **out);
/*
 * The next ticket (borrowed, valid until the next call or itsm_iter_free):
 * 1, 0 at the end, or < 0.
 */
int itsm_iter_next(itsm_iter *it, const itsm_ticket **t);
void itsm_iter_free(itsm_iter *it);

/* A ticket with its events; itsm_ticket_json() then includes "events". */
int itsm_ticket_get_full(itsm_ctx *c, int64_t id, itsm_ticket **out);

/* The history of a ticket, oldest first. */
int itsm_events(itsm_ctx *c, int64_t id, itsm_event_iter **out);
int itsm_event_next(itsm_event_iter *it, const itsm_event **e);
void itsm_event_iter_free(itsm_event_iter *it);

enum itsm_event_field {
	ITSM_EV_AT, ITSM_EV_RECORDED_AT, ITSM_EV_ACTOR, ITSM_EV_LOGIN,
	ITSM_EV_KIND, ITSM_EV_FIELD, ITSM_EV_FROM, ITSM_EV_TO, ITSM_EV_MESSAGE,
	ITSM_EV_ID,
	ITSM_NEVFIELDS
};
const char *itsm_event_str(const itsm_event *e, enum itsm_event_field f);
int64_t itsm_event_int(const itsm_event *e, enum itsm_event_field f);

#endif

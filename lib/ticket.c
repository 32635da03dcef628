/*
 * Ticket operations: logging, categorizing and prioritizing.  Each one
 * checks its input against the policy and the workflow, then writes the
 * change and its events in one transaction.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "itsm/error.h"
#include "itsm/time.h"
#include "itsm/workflow.h"
#include "store_int.h"
#include "store_outbox.h"
#include "notify_int.h"
#include "ticket_int.h"

/*
 * The login of the process: the name of the user id, or the number when
 * it has none.  Never the environment, which anyone can set (LOGNAME,
 * USER).
 */
static char *
process_login(void)
{
	struct passwd *pw;
	char num[24];
	uid_t uid;

	uid = geteuid();
	pw = getpwuid(uid);
	if (pw != NULL && pw->pw_name != NULL && *pw->pw_name != '\0')
		return strdup(pw->pw_name);
	snprintf(num, sizeof(num), "%lu", (unsigned long)uid);
	return strdup(num);
}

/*
 * Who acts, and when.  A store that knows identities (PostgreSQL: its
 * session_user, the server's clock) gives both: the login recorded
 * beside every event is that user, the actor too unless an admin states
 * another (ITSM_ACTOR), and the recorded time is the server's unless an
 * admin states it (ITSM_NOW), as importing history needs.  Otherwise
 * (SQLite) the login is the process's and the clock this machine's.
 */
int
itsm_ctx_new(itsm_ctx **out, itsm_store *store, const itsm_policy *policy)
{
	struct itsm_who who = { 0 };
	const char *env = getenv("ITSM_NOW");
	itsm_ctx *c;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	c->store = store;
	c->policy = policy;
	c->hooks = 1;
	if ((rc = itsm_store_whoami(store, &who)) != 0)
		goto fail;
	c->role = who.role;
	c->enforced = who.user != NULL;
	if (c->enforced && env != NULL && *env != '\0' &&
	    who.role < ITSM_ROLE_ADMIN) {
		rc = itsm_error(ITSM_E_PERM, "ITSM_NOW: stating the recorded "
		    "time needs the itsm_admin role ('%s' is %s)", who.user,
		    tk_role_title(who.role));
		goto fail;
	}
	if (c->enforced && (env == NULL || *env == '\0'))
		c->now = who.now;
	else if ((rc = itsm_now(&c->now)) != 0)
		goto fail;
	c->login = c->enforced ? strdup(who.user) : process_login();
	if (c->login == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto fail;
	}
	itsm_who_free(&who);
	*out = c;
	return 0;
fail:
	itsm_who_free(&who);
	free(c->login);
	free(c);
	return rc;
}

const char *
tk_role_title(enum itsm_role role)
{
	switch (role) {
	case ITSM_ROLE_TECHNICIAN:
		return "itsm_technician";
	case ITSM_ROLE_MANAGER:
		return "itsm_manager";
	case ITSM_ROLE_ADMIN:
		return "itsm_admin";
	default:
		return "of no itsm role";
	}
}

int
tk_need_role(const itsm_ctx *c, enum itsm_role role, const char *what)
{
	if (c->role >= role)
		return 0;
	return itsm_error(ITSM_E_PERM, "%s needs the %s role ('%s' is %s)",
	    what, tk_role_title(role), c->login, tk_role_title(c->role));
}

void
itsm_ctx_free(itsm_ctx *c)
{
	if (c == NULL)
		return;
	hook_clear(c);
	free(c->actor);
	free(c->login);
	free(c);
}

void
itsm_ctx_set_now(itsm_ctx *c, int64_t now)
{
	c->now = now;
}

void
itsm_ctx_set_zone(itsm_ctx *c, const itsm_tz *zone)
{
	c->zone = zone;
}

int64_t
itsm_ctx_now(const itsm_ctx *c)
{
	return c->now;
}

const itsm_policy *
itsm_ctx_policy(const itsm_ctx *c)
{
	return c->policy;
}

size_t
tk_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, n;
	unsigned cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 1; cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 2; cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 3; cp = p[i] & 0x07;
		} else {
			return i;
		}
		if (n >= len - i)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

/* Checks that text is valid UTF-8, not empty and at most max bytes. */
int
tk_check_text(const char *what, const char *s, size_t max)
{
	size_t len = strlen(s), bad;

	if (len == 0)
		return itsm_error(ITSM_E_INVALID, "%s is empty", what);
	if (len > max)
		return itsm_error(ITSM_E_INVALID, "%s is too long (%zu bytes; "
		    "at most %zu)", what, len, max);
	if ((bad = tk_utf8_valid(s, len)) < len)
		return itsm_error(ITSM_E_INVALID, "%s is not valid UTF-8 (at "
		    "byte %zu)", what, bad);
	return 0;
}

int
itsm_ctx_set_actor(itsm_ctx *c, const char *actor)
{
	char *a;
	int rc;

	if ((rc = tk_check_text("actor", actor, MAX_NAME)) != 0)
		return rc;
	if (c->enforced && strcmp(actor, c->login) != 0 &&
	    c->role < ITSM_ROLE_ADMIN)
		return itsm_error(ITSM_E_PERM, "ITSM_ACTOR: acting as '%s' "
		    "needs the itsm_admin role ('%s' is %s)", actor, c->login,
		    tk_role_title(c->role));
	if ((a = strdup(actor)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	free(c->actor);
	c->actor = a;
	return 0;
}

const char *
itsm_ctx_actor(const itsm_ctx *c)
{
	return c->actor != NULL ? c->actor : c->login;
}

int
tk_opt_text(const char *what, const char *s, size_t max)
{
	return s == NULL ? 0 : tk_check_text(what, s, max);
}

/* What history calls an event of kind ("the resolution"). */
static const char *
event_noun(const char *kind)
{
	static const char *const nouns[][2] = {
		{ "open", "opening" }, { "start", "start of work" },
		{ "note", "note" }, { "assign", "assignment" },
		{ "escalate", "escalation" },
		{ "escalate-managers", "escalation to the managers" },
		{ "hold", "hold" }, { "release", "release" },
		{ "resolve", "resolution" }, { "close", "closure" },
		{ "reject", "rejection" }, { "reopen", "reopening" },
		{ "cancel", "cancellation" }, { "categorize", "categorization" },
		{ "redirect", "redirection" },
		{ "prioritize", "prioritization" },
		{ "major-declare", "declaration as a major" },
		{ "major-propose", "proposal as a major" },
		{ "major-end", "end of the major" },
		{ "major-reject", "rejection as a major" },
		{ "major-roster", "roster change" },
		{ "major-handover", "handover" },
		{ "major-action", "action change" },
		{ "update", "update" },		/* an imported change */
	};
	size_t i;

	for (i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (strcmp(nouns[i][0], kind) == 0)
			return nouns[i][1];
	return NULL;
}

/*
 * The fields, beside the status, whose changes an action depends on: a
 * move depends on where the ticket is, a categorization or a priority on
 * the one before.  NULL-terminated, or NULL: the status only.
 */
const char *const *
tk_action_fields(enum itsm_action act)
{
	static const char *const moved[] = { "group", "assignee", "tier",
	    NULL };
	static const char *const sorted[] = { "type", "category",
	    "subcategory", NULL };
	static const char *const ranked[] = { "impact", "urgency", "priority",
	    NULL };

	switch (act) {
	case ITSM_ACT_ASSIGN:
	case ITSM_ACT_ESCALATE:
		return moved;
	case ITSM_ACT_CATEGORIZE:
		return sorted;
	case ITSM_ACT_PRIORITIZE:
		return ranked;
	default:
		return NULL;
	}
}

/*
 * The latest event of ticket id that changed its status or a field of
 * also: *at, and its kind in kind (len bytes); *at 0 and kind "" when
 * there is none.  Of those at that time, the last recorded, but an
 * action before what followed from it (the start of work a note
 * brings, the end of a major its resolution).
 */
static int
latest_event(itsm_ctx *c, int64_t id, const char *const *also, int64_t *at,
    char *kind, size_t len)
{
	const struct store_value *v;
	struct store_rows *r;
	size_t n;
	int rc, picked = 0, any = 0;

	*at = 0;
	kind[0] = '\0';
	if ((rc = store_latest_events(c->store, id, also, &r)) != 0)
		return rc;
	while (!picked && (rc = store_rows_next(c->store, r, &v, &n)) == 1) {
		const char *k = v[1].type == STORE_TEXT ? v[1].s : "";

		/* Last recorded first: the first that is no consequence. */
		picked = strcmp(k, "start") != 0 && strcmp(k, "major-end") != 0;
		if (picked || !any) {
			*at = v[0].i;
			snprintf(kind, len, "%s", k);
		}
		any = 1;
	}
	store_rows_free(c->store, r);
	return rc < 0 ? rc : 0;
}

/*
 * The history of a ticket stays in order: the latest event of t that
 * the action depends on (a change of its status, or of a field of also),
 * or its opening, resolution or closure when an import left no event for
 * them, sets the earliest time of the action.  *floor is that time and
 * what the event (len bytes).
 */
static int
history_floor(itsm_ctx *c, const itsm_ticket *t, const char *const *also,
    int64_t *floor, char *what, size_t len)
{
	static const struct { enum itsm_field f; const char *noun; } cols[] = {
		{ ITSM_F_OPENED_AT, "opening" },
		{ ITSM_F_RESOLVED_AT, "resolution" },
		{ ITSM_F_CLOSED_AT, "closure" },
	};
	char kind[32];
	const char *noun;
	int64_t v;
	size_t i;
	int rc;

	if ((rc = latest_event(c, itsm_ticket_int(t, ITSM_F_ID), also, floor,
	    kind, sizeof(kind))) != 0)
		return rc;
	if ((noun = event_noun(kind)) != NULL)
		snprintf(what, len, "%s", noun);
	else
		snprintf(what, len, "'%s' event", kind);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		if (itsm_ticket_str(t, cols[i].f) == NULL)
			continue;
		if ((v = itsm_ticket_int(t, cols[i].f)) > *floor) {
			*floor = v;
			snprintf(what, len, "%s", cols[i].noun);
		}
	}
	return 0;
}

/*
 * The one rule for the time of an action on ticket t: at, when stated,
 * not before the latest event of t the action depends on (history_floor);
 * when not stated (!stated), at is the writer's clock, and a clock behind
 * that event (another host's) records the action at its time instead
 * (the real time of writing stays in recorded_at).
 */
int
tk_time_after(itsm_ctx *c, const itsm_ticket *t, const char *const *also,
    int stated, int64_t at, int64_t *out)
{
	char what[64], a[ITSM_TIMEBUF], b[ITSM_TIMEBUF];
	int64_t floor;
	int rc;

	*out = at;
	if (t == NULL)
		return 0;
	if ((rc = history_floor(c, t, also, &floor, what, sizeof(what))) != 0)
		return rc;
	if (at >= floor)
		return 0;
	if (!stated) {
		*out = floor;
		return 0;
	}
	itsm_time_format_tz(at, c->zone, a);
	itsm_time_format_tz(floor, c->zone, b);
	return itsm_error(ITSM_E_INVALID, "--at %s is before the %s of %s at "
	    "%s", a, what, itsm_ticket_str(t, ITSM_F_REF), b);
}

/*
 * The time an action on t (NULL: a new ticket) is stated to have
 * happened: at, not in the future nor before the events of t it depends
 * on (tk_time_after), or 0 for now.
 */
int
tk_action_time(itsm_ctx *c, int64_t at, const itsm_ticket *t,
    const char *const *also, int64_t *out)
{
	char a[ITSM_TIMEBUF], b[ITSM_TIMEBUF];

	if (at == 0)
		return tk_time_after(c, t, also, 0, c->now, out);
	if (at > c->now) {
		itsm_time_format_tz(at, c->zone, a);
		itsm_time_format_tz(c->now, c->zone, b);
		return itsm_error(ITSM_E_INVALID, "--at %s is in the future "
		    "(now %s)", a, b);
	}
	return tk_time_after(c, t, also, 1, at, out);
}

int
tk_event(itsm_ctx *c, int64_t id, int64_t at, const char *kind,
    const char *field, const char *old, const char *new_, const char *msg)
{
	struct store_event e = {
		.at = at, .recorded_at = c->now, .actor = itsm_ctx_actor(c),
		.login = c->login, .kind = kind, .field = field, .old = old,
		.new_ = new_, .message = msg
	};

	return store_event_add(c->store, id, &e);
}

int
tk_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Sets stored field key to val (always, or only when it differs) and records an
 * event of the given kind when it changes.
 */
int
tk_change(itsm_ctx *c, const itsm_ticket *t, int64_t at, const char *kind,
    const char *msg, struct store_set *set, size_t *n, int always,
    int key, const char *val)
{
	const char *old = itsm_ticket_str(t, (enum itsm_field)key);

	if (tk_same(old, val) && !always)
		return 0;
	set[(*n)++] = (struct store_set){ .key = key, .text = val };
	if (tk_same(old, val))
		return 0;
	/* History speaks in field names ("group"). */
	return tk_event(c, itsm_ticket_int(t, ITSM_F_ID), at, kind,
	    tk_key_name(key), old, val, msg);
}

/*
 * Categorizes ticket t (read inside the transaction): checks the values,
 * writes the changed columns and one event per change.
 */
static int
categorize(itsm_ctx *c, const itsm_ticket *t,
    const struct itsm_categorize_args *a, int64_t at, const char **practice)
{
	const itsm_policy *p = c->policy;
	const char *type, *cat, *sub, *status;
	struct store_set set[6];
	size_t n = 0, ci, si;
	int64_t id = itsm_ticket_int(t, ITSM_F_ID);
	int ty, rc;

	if (practice != NULL)
		*practice = NULL;
	if ((ty = itsm_type_parse(a->type)) < 0)
		return itsm_error(ITSM_E_INVALID, "unknown type '%.*s' "
		    "(expected incident, request or change)",
		    itsm_cut(a->type, 64), a->type);
	type = itsm_type_name((enum itsm_type)ty);
	cat = itsm_ticket_str(t, ITSM_F_CATEGORY);
	sub = itsm_ticket_str(t, ITSM_F_SUBCATEGORY);
	if (a->category != NULL) {
		if ((rc = itsm_policy_category_find(p, a->category, &ci)) != 0)
			return rc;
		if (!tk_same(cat, itsm_policy_category(p, ci)))
			sub = NULL;	/* the old one belongs elsewhere */
		cat = itsm_policy_category(p, ci);
	}
	if (a->subcategory != NULL) {
		if (cat == NULL)
			return itsm_error(ITSM_E_INVALID, "a subcategory needs "
			    "a category");
		if ((rc = itsm_policy_category_find(p, cat, &ci)) != 0)
			return rc;
		if ((rc = itsm_policy_subcategory_find(p, ci, a->subcategory,
		    &si)) != 0)
			return rc;
		sub = itsm_policy_subcategory(p, ci, si);
	}
	if ((rc = tk_opt_text("message", a->message, MAX_TEXT)) != 0)
		return rc;
	if ((rc = tk_change(c, t, at, "categorize", a->message, set, &n, 0,
	    ITSM_F_TYPE, type)) != 0 ||
	    (rc = tk_change(c, t, at, "categorize", a->message, set, &n, 0,
	    ITSM_F_CATEGORY, cat)) != 0 ||
	    (rc = tk_change(c, t, at, "categorize", a->message, set, &n, 0,
	    ITSM_F_SUBCATEGORY, sub)) != 0)
		return rc;
	if (ty != ITSM_INCIDENT) {
		status = itsm_ticket_str(t, ITSM_F_STATUS);
		set[n++] = (struct store_set){ .key = ITSM_F_STATUS,
		    .text = "redirected" };
		if ((rc = tk_event(c, id, at, "redirect", "status", status,
		    "redirected", itsm_policy_practice(p, (enum itsm_type)ty)))
		    != 0)
			return rc;
		if (practice != NULL)
			*practice = itsm_policy_practice(p, (enum itsm_type)ty);
	}
	if (n == 0 && (rc = tk_event(c, id, at, "categorize", "type", type, type,
	    a->message)) != 0)
		return rc;	/* nothing changed, but the decision is kept */
	set[n++] = (struct store_set){ .key = ITSM_F_UPDATED_AT, .num = at,
	    .is_int = 1 };
	return store_ticket_update(c->store, id, set, n);
}

static int
prioritize(itsm_ctx *c, const itsm_ticket *t,
    const struct itsm_prioritize_args *a, int64_t at, const char **priority)
{
	const itsm_policy *p = c->policy;
	const char *imp, *urg, *pri;
	struct store_set set[8];
	size_t n = 0, ii, ui, pi;
	int changed;
	int64_t id = itsm_ticket_int(t, ITSM_F_ID);
	int rc;

	if ((rc = itsm_policy_level_find(p, ITSM_IMPACT, a->impact, &ii)) != 0)
		return rc;
	if ((rc = itsm_policy_level_find(p, ITSM_URGENCY, a->urgency, &ui)) != 0)
		return rc;
	if ((rc = tk_opt_text("message", a->message, MAX_TEXT)) != 0)
		return rc;
	pi = itsm_policy_matrix(p, ii, ui);
	imp = itsm_policy_level_name(p, ITSM_IMPACT, ii);
	urg = itsm_policy_level_name(p, ITSM_URGENCY, ui);
	pri = itsm_policy_priority_name(p, pi);
	changed = !tk_same(itsm_ticket_str(t, ITSM_F_IMPACT), imp) ||
	    !tk_same(itsm_ticket_str(t, ITSM_F_URGENCY), urg) ||
	    !tk_same(itsm_ticket_str(t, ITSM_F_PRIORITY), pri);
	if ((rc = tk_change(c, t, at, "prioritize", a->message, set, &n, 1,
	    ITSM_F_IMPACT, imp)) != 0 ||
	    (rc = tk_change(c, t, at, "prioritize", a->message, set, &n, 1,
	    ITSM_F_URGENCY, urg)) != 0 ||
	    (rc = tk_change(c, t, at, "prioritize", a->message, set, &n, 1,
	    ITSM_F_PRIORITY, pri)) != 0)
		return rc;
	if (!changed && (rc = tk_event(c, id, at, "prioritize", "priority", pri,
	    pri, a->message)) != 0)
		return rc;
	set[n++] = (struct store_set){ .key = SK_PRIORITY_RANK,
	    .num = (int64_t)pi, .is_int = 1 };
	set[n++] = (struct store_set){ .key = ITSM_F_UPDATED_AT, .num = at,
	    .is_int = 1 };
	if (priority != NULL)
		*priority = pri;
	if ((rc = store_ticket_update(c->store, id, set, n)) != 0)
		return rc;
	return tk_refresh_sla(c, id);
}

int
itsm_ticket_open(itsm_ctx *c, const struct itsm_open_args *a, int64_t *id)
{
	const itsm_policy *p = c->policy;
	const char *channel = NULL, *group, *tier;
	itsm_ticket *t = NULL;
	size_t i;
	int added;
	int64_t at, since;
	int rc;

	if (a->summary == NULL || a->caller == NULL)
		return itsm_error(ITSM_E_INVALID, "a ticket needs a summary "
		    "and a caller");
	if ((rc = tk_check_text("summary", a->summary, MAX_SUMMARY)) != 0 ||
	    (rc = tk_check_text("caller", a->caller, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("affected", a->affected, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("contact", a->contact, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("service", a->service, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("description", a->description, MAX_TEXT)) != 0)
		return rc;
	if (a->channel != NULL) {
		if ((rc = itsm_policy_channel_find(p, a->channel, &i)) != 0)
			return rc;
		channel = itsm_policy_channel(p, i);
	}
	if ((a->impact == NULL) != (a->urgency == NULL))
		return itsm_error(ITSM_E_INVALID, "give both impact and "
		    "urgency, or neither");
	if (a->type != NULL && itsm_type_parse(a->type) > ITSM_INCIDENT &&
	    a->impact != NULL)
		return itsm_error(ITSM_E_REFUSED, "a %s is redirected, not "
		    "prioritized: drop --impact and --urgency", a->type);
	if ((a->category != NULL || a->subcategory != NULL) && a->type == NULL)
		return itsm_error(ITSM_E_INVALID, "categorizing needs a type");
	if ((rc = tk_action_time(c, a->at, NULL, NULL, &at)) != 0)
		return rc;
	group = itsm_policy_default_group(p);
	tier = itsm_policy_tier(p, 0);
	if (a->group != NULL) {
		if ((rc = itsm_policy_group_find(p, a->group, &i)) != 0)
			return rc;
		group = itsm_policy_group(p, i);
		tier = itsm_policy_group_tier(p, i);
	}
	{
		struct store_set set[] = {
			{ .key = ITSM_F_SUMMARY, .text = a->summary },
			{ .key = ITSM_F_DESCRIPTION, .text = a->description },
			{ .key = ITSM_F_CALLER, .text = a->caller },
			{ .key = ITSM_F_AFFECTED,
			    .text = a->affected ? a->affected : a->caller },
			{ .key = ITSM_F_CHANNEL, .text = channel },
			{ .key = ITSM_F_CONTACT, .text = a->contact },
			{ .key = ITSM_F_SERVICE, .text = a->service },
			{ .key = ITSM_F_TIER, .text = tier },
			{ .key = ITSM_F_GROUP, .text = group },
			{ .key = ITSM_F_OPENED_AT, .num = at, .is_int = 1 },
			{ .key = ITSM_F_UPDATED_AT, .num = at, .is_int = 1 },
		};

		if ((rc = itsm_store_begin(c->store)) != 0)
			return rc;
		since = store_last_event_id(c->store);
		if ((rc = store_ticket_insert(c->store, set,
		    sizeof(set) / sizeof(set[0]), id)) != 0)
			goto fail;
	}
	if ((rc = tk_event(c, *id, at, "open", "status", NULL, "new",
	    a->description)) != 0)
		goto fail;
	if (a->message_id != NULL && ((rc = store_message_add(c->store,
	    a->message_id, *id, "in", at, &added)) != 0 || (!added &&
	    (rc = itsm_error(ITSM_E_INTERNAL, "message %s is recorded already",
	    a->message_id)) != 0)))
		goto fail;
	if (a->type != NULL) {
		struct itsm_categorize_args ca = { .type = a->type,
		    .category = a->category, .subcategory = a->subcategory };

		if ((rc = itsm_ticket_get(c, *id, &t)) != 0 ||
		    (rc = categorize(c, t, &ca, at, NULL)) != 0)
			goto fail;
		itsm_ticket_free(t);
		t = NULL;
	}
	if (a->impact != NULL) {
		struct itsm_prioritize_args pa = { .impact = a->impact,
		    .urgency = a->urgency };

		if ((rc = itsm_ticket_get(c, *id, &t)) != 0 ||
		    (rc = prioritize(c, t, &pa, at, NULL)) != 0)
			goto fail;
	}
	if ((rc = hook_queue(c, "post-open", *id, since, NULL, a->description,
	    NULL)) != 0 || (rc = notify_queue(c, *id,
	    store_last_event_id(c->store), ITSM_NOTIFY_OPENED, NULL, NULL, 0,
	    NULL)) != 0)
		goto fail;
	itsm_ticket_free(t);
	if ((rc = itsm_store_commit(c->store)) != 0)
		hook_clear(c);
	return rc;
fail:
	itsm_ticket_free(t);
	itsm_store_rollback(c->store);
	hook_clear(c);
	return rc;
}

/*
 * A filter value v of column col: known to the policy (find), or had by
 * some ticket, as imported tickets have groups and priorities of their
 * own; else the policy's message, which names its values.
 */
static int
filter_value(itsm_ctx *c, enum itsm_field key, const char *what,
    const char *v, int (*find)(const itsm_policy *, const char *, size_t *))
{
	char msg[1200];
	size_t i;
	int rc, has;

	if (v == NULL || (rc = find(c->policy, v, &i)) == 0)
		return 0;
	if (rc != ITSM_E_INVALID)
		return rc;
	snprintf(msg, sizeof(msg), "%s", itsm_errmsg());
	if ((has = store_ticket_has(c->store, key, v)) != 0)
		return has < 0 ? has : 0;
	return itsm_error(ITSM_E_INVALID, "%s, and no ticket has that %s", msg,
	    what);
}

int
tk_filter_check(itsm_ctx *c, const struct itsm_filter *f)
{
	int rc;

	if ((rc = filter_value(c, ITSM_F_GROUP, "group", f->group,
	    itsm_policy_group_find)) != 0)
		return rc;
	return filter_value(c, ITSM_F_PRIORITY, "priority", f->priority,
	    itsm_policy_priority_find);
}

/*
 * The actions above a technician's (itsm(1), Roles): cancelling, and
 * bringing back a closed or cancelled ticket, are a manager's.
 */
static int
may_act(const itsm_ctx *c, const itsm_ticket *t, enum itsm_action act)
{
	const char *status = itsm_ticket_str(t, ITSM_F_STATUS);
	char what[64];

	if (act == ITSM_ACT_CANCEL)
		snprintf(what, sizeof(what), "cancelling %s",
		    itsm_ticket_str(t, ITSM_F_REF));
	else if (act == ITSM_ACT_REOPEN && (strcmp(status, "closed") == 0 ||
	    strcmp(status, "cancelled") == 0))
		snprintf(what, sizeof(what), "reopening %s (%s)",
		    itsm_ticket_str(t, ITSM_F_REF), status);
	else
		return 0;
	return tk_need_role(c, ITSM_ROLE_MANAGER, what);
}

/* Reads a ticket inside a new transaction and checks the action. */
int
tk_begin_action(itsm_ctx *c, int64_t id, enum itsm_action act, itsm_ticket **t)
{
	int rc;

	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	if ((rc = itsm_ticket_get(c, id, t)) != 0 ||
	    (rc = itsm_check_allowed(itsm_ticket_str(*t, ITSM_F_REF),
	    itsm_ticket_str(*t, ITSM_F_STATUS), act)) != 0 ||
	    (rc = may_act(c, *t, act)) != 0) {
		itsm_ticket_free(*t);	/* a refused action leaks nothing */
		*t = NULL;
		itsm_store_rollback(c->store);
		return rc;
	}
	return 0;
}

int
tk_end_action(itsm_ctx *c, itsm_ticket *t, int rc)
{
	itsm_ticket_free(t);
	if (rc != 0) {
		itsm_store_rollback(c->store);
		hook_clear(c);
		return rc;
	}
	if ((rc = itsm_store_commit(c->store)) != 0)
		hook_clear(c);
	return rc;
}

int
itsm_ticket_categorize(itsm_ctx *c, int64_t id,
    const struct itsm_categorize_args *a, const char **practice)
{
	itsm_ticket *t = NULL;
	int64_t at, since;
	int rc;

	if ((rc = tk_begin_action(c, id, ITSM_ACT_CATEGORIZE, &t)) != 0)
		return rc;
	since = store_last_event_id(c->store);
	rc = tk_action_time(c, a->at, t, tk_action_fields(ITSM_ACT_CATEGORIZE),
	    &at);
	if (rc == 0)
		rc = categorize(c, t, a, at, practice);
	if (rc == 0)
		rc = hook_queue(c, "post-categorize", id, since, NULL,
		    a->message, NULL);
	return tk_end_action(c, t, rc);
}

int
itsm_ticket_prioritize(itsm_ctx *c, int64_t id,
    const struct itsm_prioritize_args *a, const char **priority)
{
	itsm_ticket *t = NULL;
	int64_t at, since;
	int rc;

	if ((rc = tk_begin_action(c, id, ITSM_ACT_PRIORITIZE, &t)) != 0)
		return rc;
	since = store_last_event_id(c->store);
	rc = tk_action_time(c, a->at, t, tk_action_fields(ITSM_ACT_PRIORITIZE),
	    &at);
	if (rc == 0)
		rc = prioritize(c, t, a, at, priority);
	if (rc == 0)
		rc = hook_queue(c, "post-prioritize", id, since, NULL,
		    a->message, NULL);
	return tk_end_action(c, t, rc);
}

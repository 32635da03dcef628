/*
 * Working a ticket to closure (steps 6 to 9 of the process): notes,
 * assignment, escalation, hold, resolution, confirmed closure, reopening,
 * cancelling, and the sweeps cron runs.  Each operation asks the workflow
 * table, then writes its columns, its events and its hook in one
 * transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "itsm/error.h"
#include "itsm/sla.h"
#include "itsm/time.h"
#include "itsm/work.h"
#include "json_int.h"
#include "notify_int.h"
#include "store_int.h"
#include "ticket_int.h"

#define MAX_SET 16

/* An action under way: the ticket as it was, when, and what changes. */
struct act {
	itsm_ctx *c;
	itsm_ticket *t;
	int64_t id, at, since;
	int stated;		/* at was stated (--at), not the clock */
	struct store_set set[MAX_SET];
	size_t n;
	char num[4][24];	/* room for integers shown in events */
	int queued;		/* notifications queued by act_end() */
	size_t notified;	/* managers a mail is queued to */
	char *notified_names;	/* theirs, "Ann, Bob" (to free) */
};

/* Opens the transaction, reads the ticket, checks the action and the time. */
static int
act_begin(struct act *a, itsm_ctx *c, int64_t id, enum itsm_action action,
    int64_t at)
{
	int rc;

	*a = (struct act){ .c = c, .id = id, .stated = at != 0 };
	if ((rc = tk_begin_action(c, id, action, &a->t)) != 0)
		return rc;
	a->since = store_last_event_id(c->store);
	rc = tk_action_time(c, at, a->t, tk_action_fields(action), &a->at);
	if (rc != 0)
		return tk_end_action(c, a->t, rc);
	return 0;
}

static const char *
cur(const struct act *a, enum itsm_field f)
{
	return itsm_ticket_str(a->t, f);
}

/* Sets a text column, recording an event of kind when it changes. */
static int
set_text(struct act *a, const char *kind, const char *msg, int key,
    const char *val)
{
	return tk_change(a->c, a->t, a->at, kind, msg, a->set, &a->n, 0, key,
	    val);
}

/* Sets an integer or time column without an event. */
static void
set_int(struct act *a, int key, int64_t v)
{
	a->set[a->n++] = (struct store_set){ .key = key, .num = v,
	    .is_int = 1 };
}

static void
set_null(struct act *a, int key)
{
	a->set[a->n++] = (struct store_set){ .key = key, .text = NULL };
}

/* Sets the status, with an event of kind carrying msg. */
static int
set_status(struct act *a, const char *kind, const char *status,
    const char *msg)
{
	a->set[a->n++] = (struct store_set){ .key = ITSM_F_STATUS,
	    .text = status };
	return tk_event(a->c, a->id, a->at, kind, "status",
	    cur(a, ITSM_F_STATUS), status, msg);
}

/*
 * The first action of a technician on a new ticket starts the work and
 * stops the response clock.
 */
static int
respond(struct act *a)
{
	int rc;

	if (strcmp(cur(a, ITSM_F_STATUS), "new") == 0 &&
	    (rc = set_status(a, "start", "in_progress", NULL)) != 0)
		return rc;
	if (cur(a, ITSM_F_RESPONDED_AT) == NULL)
		set_int(a, ITSM_F_RESPONDED_AT, a->at);
	return 0;
}

/* The managers for a ticket's group and priority: their indexes. */
static size_t
managers_of(const itsm_ctx *c, const itsm_ticket *t, size_t *idx,
    size_t max)
{
	const itsm_policy *p = c->policy;
	size_t i, n = 0;

	for (i = 0; i < itsm_policy_manager_count(p) && n < max; i++)
		if (itsm_policy_manager_matches(p, i,
		    itsm_ticket_str(t, ITSM_F_GROUP),
		    itsm_ticket_str(t, ITSM_F_PRIORITY)))
			idx[n++] = i;
	return n;
}

#define MAX_MANAGERS 64

/*
 * Queues the notification of the hook's event, if it has one
 * (itsm.yaml(5), notifications): resolved, closed, reopened (a closure
 * rejected reopens), a duplicate cancelled, managers escalated to.
 */
static int
act_notify(struct act *a, const char *hook, const char *reason,
    const char *msg, int managers)
{
	const char *addr[MAX_MANAGERS], *names = NULL;
	struct notify_words w = { .note = msg, .actor = a->c->actor };
	struct json_buf b = { 0 };
	size_t idx[MAX_MANAGERS], n = 0, i;
	int e, rc;

	if (hook == NULL || itsm_policy_mail(a->c->policy) == NULL)
		return 0;
	if (strcmp(hook, "post-resolve") == 0)
		e = ITSM_NOTIFY_RESOLVED;
	else if (strcmp(hook, "post-close") == 0)
		e = strcmp(reason, "rejected") == 0 ? ITSM_NOTIFY_REOPENED :
		    ITSM_NOTIFY_CLOSED;
	else if (strcmp(hook, "post-reopen") == 0)
		e = ITSM_NOTIFY_REOPENED;
	else if (strcmp(hook, "post-cancel") == 0 && reason != NULL &&
	    strcmp(reason, "duplicate") == 0)
		e = ITSM_NOTIFY_DUPLICATE;
	else if (strcmp(hook, "post-escalate") == 0 && managers)
		e = ITSM_NOTIFY_ESCALATED;
	else
		return 0;
	if (e == ITSM_NOTIFY_ESCALATED) {
		size_t k = managers_of(a->c, a->t, idx, MAX_MANAGERS);

		json_raw(&b, "");
		for (i = 0; i < k; i++) {
			const char *ct = itsm_policy_manager_contact(
			    a->c->policy, idx[i]);

			if (ct == NULL || strchr(ct, '@') == NULL)
				continue;
			addr[n++] = ct;
			json_raw(&b, n > 1 ? ", " : "");
			json_raw(&b, itsm_policy_manager(a->c->policy, idx[i]));
		}
		if ((names = json_finish(&b)) == NULL)
			return ITSM_E_NOMEM;
		w.managers = names;
	}
	rc = notify_queue(a->c, a->id, store_last_event_id(a->c->store), e,
	    &w, addr, n, &a->queued);
	if (rc == 0 && a->queued && e == ITSM_NOTIFY_ESCALATED) {
		a->notified = n;
		a->notified_names = (char *)names;
	} else {
		free((char *)names);
	}
	return rc;
}

/*
 * Writes the columns, marks the activity (unless quiet), refreshes the
 * SLA clock, queues the hook and the notification, and ends the
 * transaction.
 */
static int
act_end(struct act *a, int rc, const char *hook, const char *reason,
    const char *msg, const char *managers, int quiet)
{
	if (rc == 0 && !quiet)
		set_int(a, ITSM_F_UPDATED_AT, a->at);
	if (rc == 0 && a->n > 0)
		rc = store_ticket_update(a->c->store, a->id, a->set, a->n);
	if (rc == 0)
		rc = tk_refresh_sla(a->c, a->id);
	if (rc == 0 && hook != NULL)
		rc = hook_queue(a->c, hook, a->id, a->since, reason, msg,
		    managers);
	if (rc == 0)
		rc = act_notify(a, hook, reason, msg, managers != NULL);
	return tk_end_action(a->c, a->t, rc);
}

int
itsm_ticket_note(itsm_ctx *c, int64_t id, const char *text, int64_t at)
{
	struct act a;
	int rc;

	if ((rc = tk_check_text("note", text, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_NOTE, at)) != 0)
		return rc;
	rc = tk_event(c, id, a.at, "note", NULL, NULL, NULL, text);
	if (rc == 0 && strcmp(cur(&a, ITSM_F_STATUS), "resolved") != 0)
		rc = respond(&a);
	return act_end(&a, rc, "post-note", NULL, text, NULL, 0);
}

int
tk_caller_note(itsm_ctx *c, int64_t id, const char *text)
{
	struct act a;
	int rc;

	if ((rc = tk_check_text("note", text, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_NOTE, 0)) != 0)
		return rc;
	rc = tk_event(c, id, a.at, "note", NULL, NULL, NULL, text);
	return act_end(&a, rc, "post-note", NULL, text, NULL, 1);
}

int
itsm_ticket_assign(itsm_ctx *c, int64_t id, const char *user,
    const char *group, const char *message, int64_t at)
{
	const itsm_policy *p = c->policy;
	const char *g = NULL, *tier = NULL;
	int moved, reassigned;
	struct act a;
	size_t gi;
	int rc;

	/* Taking it is the default; handing it to a group leaves it to them. */
	if (user == NULL && group == NULL)
		user = itsm_ctx_actor(c);
	if ((user != NULL &&
	    (rc = tk_check_text("assignee", user, MAX_NAME)) != 0) ||
	    (rc = tk_opt_text("message", message, MAX_TEXT)) != 0)
		return rc;
	if (group != NULL) {
		if ((rc = itsm_policy_group_find(p, group, &gi)) != 0)
			return rc;
		g = itsm_policy_group(p, gi);
		tier = itsm_policy_group_tier(p, gi);
	}
	if ((rc = act_begin(&a, c, id, ITSM_ACT_ASSIGN, at)) != 0)
		return rc;
	moved = g != NULL && !tk_same(cur(&a, ITSM_F_GROUP), g);
	reassigned = moved || (cur(&a, ITSM_F_ASSIGNEE) != NULL &&
	    user != NULL && !tk_same(cur(&a, ITSM_F_ASSIGNEE), user));
	if (g != NULL && ((rc = set_text(&a, "assign", message, ITSM_F_GROUP,
	    g)) != 0 || (rc = set_text(&a, "assign", message, ITSM_F_TIER,
	    tier)) != 0))
		return act_end(&a, rc, NULL, NULL, NULL, NULL, 0);
	if ((rc = set_text(&a, "assign", message, ITSM_F_ASSIGNEE,
	    user)) != 0)
		return act_end(&a, rc, NULL, NULL, NULL, NULL, 0);
	if (reassigned)
		set_int(&a, ITSM_F_REASSIGNMENT_COUNT,
		    itsm_ticket_int(a.t, ITSM_F_REASSIGNMENT_COUNT) + 1);
	/* Someone taking it is a response; moving it to a queue is not. */
	rc = user != NULL ? respond(&a) : 0;
	return act_end(&a, rc, "post-assign", NULL, message, NULL, 0);
}

/* The index of a tier in the policy, or -1. */
static int
tier_index(const itsm_policy *p, const char *tier)
{
	size_t i;

	for (i = 0; tier != NULL && i < itsm_policy_tier_count(p); i++)
		if (strcasecmp(itsm_policy_tier(p, i), tier) == 0)
			return (int)i;
	return -1;
}

int
itsm_ticket_escalate(itsm_ctx *c, int64_t id, const char *group,
    const char *message, int64_t at, const char **to)
{
	const itsm_policy *p = c->policy;
	const char *g = NULL, *tier;
	struct act a;
	size_t gi, i;
	int rc, now_tier, want;

	if ((rc = tk_opt_text("message", message, MAX_TEXT)) != 0)
		return rc;
	if (group != NULL && (rc = itsm_policy_group_find(p, group, &gi)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_ESCALATE, at)) != 0)
		return rc;
	now_tier = tier_index(p, cur(&a, ITSM_F_TIER));
	if (now_tier < 0)
		now_tier = 0;
	if (group != NULL) {
		g = itsm_policy_group(p, gi);
		want = tier_index(p, itsm_policy_group_tier(p, gi));
		if (want <= now_tier)
			rc = itsm_error(ITSM_E_REFUSED, "cannot escalate %s to "
			    "'%s' (tier %s): the ticket is in tier %s already; "
			    "escalation goes up (use 'itsm assign --group' to "
			    "move it sideways)", cur(&a, ITSM_F_REF), g,
			    itsm_policy_group_tier(p, gi),
			    itsm_policy_tier(p, (size_t)now_tier));
	} else if ((size_t)now_tier + 1 >= itsm_policy_tier_count(p)) {
		rc = itsm_error(ITSM_E_REFUSED, "cannot escalate %s: it is "
		    "already at the top tier (%s)", cur(&a, ITSM_F_REF),
		    itsm_policy_tier(p, (size_t)now_tier));
	} else {
		/* The first group of the next tier that has one. */
		for (want = now_tier + 1; g == NULL &&
		    (size_t)want < itsm_policy_tier_count(p); want++)
			for (i = 0; g == NULL && i < itsm_policy_group_count(p); i++)
				if (tier_index(p, itsm_policy_group_tier(p, i)) ==
				    want)
					g = itsm_policy_group(p, i);
		if (g == NULL)
			rc = itsm_error(ITSM_E_REFUSED, "cannot escalate %s: no "
			    "group in a tier above %s", cur(&a, ITSM_F_REF),
			    itsm_policy_tier(p, (size_t)now_tier));
	}
	if (rc != 0)
		return tk_end_action(c, a.t, rc);
	itsm_policy_group_find(p, g, &gi);
	tier = itsm_policy_group_tier(p, gi);
	if ((rc = set_text(&a, "escalate", message, ITSM_F_GROUP,
	    g)) == 0 && (rc = set_text(&a, "escalate", message, ITSM_F_TIER,
	    tier)) == 0 && (rc = set_text(&a, "escalate", message,
	    ITSM_F_ASSIGNEE, NULL)) == 0)
		set_int(&a, ITSM_F_REASSIGNMENT_COUNT,
		    itsm_ticket_int(a.t, ITSM_F_REASSIGNMENT_COUNT) + 1);
	if (to != NULL)
		*to = g;
	return act_end(&a, rc, "post-escalate", "functional", message, NULL, 0);
}

/*
 * The managers for the ticket's group and priority, as a JSON array of
 * {name, contact}; *json is the caller's to free().
 */
static int
managers_json(itsm_ctx *c, const itsm_ticket *t, char **json, size_t *count)
{
	const itsm_policy *p = c->policy;
	struct json_buf b = { 0 };
	size_t idx[MAX_MANAGERS], n, i;

	n = managers_of(c, t, idx, MAX_MANAGERS);
	*count = 0;
	json_raw(&b, "[");
	for (i = 0; i < n; i++) {
		json_raw(&b, *count ? ",{\"name\":" : "{\"name\":");
		json_str(&b, itsm_policy_manager(p, idx[i]));
		json_raw(&b, ",\"contact\":");
		json_str(&b, itsm_policy_manager_contact(p, idx[i]));
		json_raw(&b, "}");
		(*count)++;
	}
	json_raw(&b, "]");
	*json = json_finish(&b);
	return *json ? 0 : ITSM_E_NOMEM;
}

static int
valid_reason(const char *r, const char *const *list, const char *what)
{
	char names[128];
	size_t i, off = 0;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], r) == 0)
			return 0;
	names[0] = '\0';
	for (i = 0; list[i] != NULL && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", i ? ", " : "", list[i]);
	return itsm_error(ITSM_E_INVALID, "unknown %s '%.*s' (expected one "
	    "of: %s)", what, itsm_cut(r, 64), r, names);
}

/*
 * Records a hierarchical escalation in an action under way and queues
 * post-escalate with the managers.  quiet: by cron, which is no activity.
 */
static int
notify_managers(struct act *a, const char *reason, const char *message,
    size_t *count, int quiet, char **who)
{
	/* By mail: the managers a mail went to; else the hook's. */
	int mail = itsm_policy_mail(a->c->policy) != NULL &&
	    itsm_policy_notification(a->c->policy, ITSM_NOTIFY_ESCALATED) !=
	    NULL;
	char *managers = NULL;
	size_t n = 0;
	int rc;

	if (who != NULL)
		*who = NULL;
	if ((rc = managers_json(a->c, a->t, &managers, &n)) == 0)
		rc = tk_event(a->c, a->id, a->at, "escalate-managers", "reason",
		    NULL, reason, message);
	rc = act_end(a, rc, "post-escalate", reason, message, managers, quiet);
	if (count != NULL)
		*count = mail ? (rc == 0 ? a->notified : 0) : n;
	if (who != NULL && rc == 0 && mail)
		*who = a->notified_names;
	else
		free(a->notified_names);
	a->notified_names = NULL;
	free(managers);
	return rc;
}

int
itsm_ticket_escalate_managers(itsm_ctx *c, int64_t id, const char *reason,
    const char *message, int64_t at, size_t *managers, char **who)
{
	static const char *const reasons[] = { ITSM_ESCALATION_REASONS, NULL };
	struct act a;
	int rc;

	if ((rc = valid_reason(reason, reasons, "escalation reason")) != 0 ||
	    (rc = tk_check_text("message", message, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_ESCALATE_MANAGERS, at)) != 0)
		return rc;
	return notify_managers(&a, reason, message, managers, 0, who);
}

int
itsm_ticket_hold(itsm_ctx *c, int64_t id, const char *reason,
    const char *message, int64_t at)
{
	static const char *const reasons[] = { ITSM_HOLD_REASONS, NULL };
	struct act a;
	int rc;

	if ((rc = valid_reason(reason, reasons, "hold reason")) != 0 ||
	    (rc = tk_check_text("message", message, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_HOLD, at)) != 0)
		return rc;
	if ((rc = set_status(&a, "hold", "on_hold", message)) == 0)
		rc = set_text(&a, "hold", message, SK_HOLD_REASON, reason);
	return act_end(&a, rc, "post-hold", reason, message, NULL, 0);
}

int
itsm_ticket_release(itsm_ctx *c, int64_t id, const char *message, int64_t at)
{
	struct act a;
	int rc;

	if ((rc = tk_opt_text("message", message, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_RELEASE, at)) != 0)
		return rc;
	/* Back where it was: new when nobody has responded yet. */
	if ((rc = set_status(&a, "release", cur(&a, ITSM_F_RESPONDED_AT) ?
	    "in_progress" : "new", message)) == 0)
		set_null(&a, SK_HOLD_REASON);
	return act_end(&a, rc, "post-hold", "release", message, NULL, 0);
}

int
itsm_ticket_resolve(itsm_ctx *c, int64_t id, int permanent, const char *code,
    const char *solution, int64_t at)
{
	const itsm_policy *p = c->policy;
	const char *canon = NULL;
	struct act a;
	size_t i;
	int rc;

	if ((rc = tk_check_text("solution", solution, MAX_TEXT)) != 0)
		return rc;
	if (code != NULL) {
		for (i = 0; i < itsm_policy_resolution_code_count(p); i++)
			if (strcasecmp(itsm_policy_resolution_code(p, i),
			    code) == 0)
				canon = itsm_policy_resolution_code(p, i);
		if (canon == NULL)
			return itsm_error(ITSM_E_INVALID, "unknown resolution "
			    "code '%.*s' (see 'itsm config show' for the "
			    "resolution_codes)", itsm_cut(code, 64), code);
	}
	if ((rc = act_begin(&a, c, id, ITSM_ACT_RESOLVE, at)) != 0)
		return rc;
	if (cur(&a, ITSM_F_PRIORITY) == NULL)
		return tk_end_action(c, a.t, itsm_error(ITSM_E_REFUSED,
		    "cannot resolve %s: it is not prioritized (run 'itsm "
		    "prioritize' first)", cur(&a, ITSM_F_REF)));
	if ((rc = set_status(&a, "resolve", "resolved", solution)) == 0 &&
	    (rc = set_text(&a, "resolve", NULL, ITSM_F_RESOLUTION_TYPE,
	    permanent ? "permanent" : "workaround")) == 0 &&
	    (rc = set_text(&a, "resolve", NULL, ITSM_F_RESOLUTION_CODE,
	    canon)) == 0) {
		a.set[a.n++] = (struct store_set){
		    .key = ITSM_F_RESOLUTION_NOTES, .text = solution };
		set_int(&a, ITSM_F_RESOLVED_AT, a.at);
		if (cur(&a, ITSM_F_RESPONDED_AT) == NULL)
			set_int(&a, ITSM_F_RESPONDED_AT, a.at);
		/* A major's children are resolved with it. */
		rc = major_resolve_children(c, id, cur(&a, ITSM_F_REF),
		    permanent, canon, solution, a.at, a.stated);
	}
	return act_end(&a, rc, "post-resolve", permanent ? "permanent" :
	    "workaround", solution, NULL, 0);
}

int
itsm_ticket_close(itsm_ctx *c, int64_t id, const char *by, int satisfaction,
    const char *note, int64_t at)
{
	struct act a;
	int rc;

	if ((by != NULL && (rc = tk_check_text("--by", by, MAX_NAME)) != 0) ||
	    (rc = tk_opt_text("note", note, MAX_TEXT)) != 0)
		return rc;
	if (satisfaction != 0 && (satisfaction < 1 || satisfaction > 5))
		return itsm_error(ITSM_E_INVALID, "satisfaction must be from 1 "
		    "to 5, not %d", satisfaction);
	if ((rc = act_begin(&a, c, id, ITSM_ACT_CLOSE, at)) != 0)
		return rc;
	if (by == NULL)
		by = cur(&a, ITSM_F_AFFECTED);
	if ((rc = set_status(&a, "close", "closed", note)) == 0)
		rc = tk_event(c, id, a.at, "close", "confirmed_by", NULL, by,
		    NULL);
	if (rc == 0 && satisfaction != 0) {
		snprintf(a.num[0], sizeof(a.num[0]), "%d", satisfaction);
		rc = tk_event(c, id, a.at, "close", "satisfaction", NULL,
		    a.num[0], NULL);
		set_int(&a, ITSM_F_SATISFACTION, satisfaction);
	}
	set_int(&a, ITSM_F_CLOSED_AT, a.at);
	return act_end(&a, rc, "post-close", "confirmed", note, NULL, 0);
}

/* Back to work: resolution and closure undone, reopen_count + 1. */
static int
back_to_work(struct act *a, const char *kind, const char *why)
{
	int rc;

	if ((rc = set_status(a, kind, "in_progress", why)) != 0)
		return rc;
	set_null(a, ITSM_F_RESOLVED_AT);
	set_null(a, ITSM_F_CLOSED_AT);
	set_null(a, ITSM_F_RESOLUTION_TYPE);
	set_null(a, ITSM_F_RESOLUTION_CODE);
	set_null(a, ITSM_F_RESOLUTION_NOTES);
	set_null(a, ITSM_F_SATISFACTION);
	set_int(a, SK_AUTO_CLOSED, 0);
	set_int(a, ITSM_F_REOPEN_COUNT,
	    itsm_ticket_int(a->t, ITSM_F_REOPEN_COUNT) + 1);
	return 0;
}

int
itsm_ticket_reject(itsm_ctx *c, int64_t id, const char *why, int64_t at)
{
	struct act a;
	int rc;

	if ((rc = tk_check_text("reason", why, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_REJECT, at)) != 0)
		return rc;
	rc = back_to_work(&a, "reject", why);
	return act_end(&a, rc, "post-close", "rejected", why, NULL, 0);
}

int
itsm_ticket_reopen(itsm_ctx *c, int64_t id, const char *reason, int64_t at)
{
	struct act a;
	int rc;

	if ((rc = tk_check_text("reason", reason, MAX_TEXT)) != 0)
		return rc;
	if ((rc = act_begin(&a, c, id, ITSM_ACT_REOPEN, at)) != 0)
		return rc;
	rc = back_to_work(&a, "reopen", reason);
	return act_end(&a, rc, "post-reopen", NULL, reason, NULL, 0);
}

int
itsm_ticket_cancel(itsm_ctx *c, int64_t id, const char *reason,
    int64_t duplicate_of, int64_t at)
{
	itsm_ticket *dup = NULL;
	char ref[ITSM_REFBUF] = "";
	struct act a;
	int rc;

	if ((rc = tk_check_text("reason", reason, MAX_TEXT)) != 0)
		return rc;
	if (duplicate_of == id)
		return itsm_error(ITSM_E_INVALID, "a ticket is not a duplicate "
		    "of itself");
	if ((rc = act_begin(&a, c, id, ITSM_ACT_CANCEL, at)) != 0)
		return rc;
	if (duplicate_of > 0) {
		if ((rc = itsm_ticket_get(c, duplicate_of, &dup)) != 0) {
			if (rc == ITSM_E_NOTFOUND)
				rc = itsm_error(rc, "no such ticket to be a "
				    "duplicate of: %lld", (long long)duplicate_of);
			return tk_end_action(c, a.t, rc);
		}
		snprintf(ref, sizeof(ref), "%s", itsm_ticket_str(dup, ITSM_F_REF));
		itsm_ticket_free(dup);
	}
	if ((rc = set_status(&a, "cancel", "cancelled", reason)) == 0)
		rc = major_end_by(c, id, a.at, "ended with the cancellation");
	if (rc == 0 && duplicate_of > 0)
		rc = tk_event(c, id, a.at, "cancel", "duplicate_of", NULL, ref,
		    NULL);
	return act_end(&a, rc, "post-cancel", duplicate_of > 0 ? "duplicate" :
	    NULL, reason, NULL, 0);
}

/*
 * The items a sweep reports once it has committed, each ticket as it was
 * before: in a temporary file, so that a sweep of tens of thousands of
 * tickets (a first --breached over a backlog) holds none in memory.
 */
struct sweep {
	FILE *f;
	size_t n;
};

static void
sweep_free(struct sweep *s)
{
	if (s->f != NULL)
		fclose(s->f);
}

static int
sweep_add(struct sweep *s, itsm_ticket *t, const char *why, size_t managers)
{
	size_t len = strlen(why);
	int rc;

	if (s->f == NULL && (s->f = tmpfile()) == NULL)
		rc = itsm_error(ITSM_E_IO, "cannot make a temporary file: %s",
		    strerror(errno));
	else if (fwrite(&managers, sizeof(managers), 1, s->f) != 1 ||
	    fwrite(&len, sizeof(len), 1, s->f) != 1 ||
	    fwrite(why, 1, len, s->f) != len)
		rc = itsm_error(ITSM_E_IO, "cannot write a temporary file: %s",
		    strerror(errno));
	else
		rc = tk_ticket_freeze(s->f, t);
	itsm_ticket_free(t);
	if (rc == 0)
		s->n++;
	return rc;
}

/*
 * A ticket the sweep reports: a dry run, which commits nothing, reports
 * it at once; a real sweep keeps it for after the commit.  Takes t.
 */
static int
sweep_found(struct sweep *s, int dry, itsm_ticket *t, const char *why,
    size_t managers, itsm_sweep_fn fn, void *arg)
{
	struct itsm_sweep_item it = { .ticket = t, .why = why,
	    .managers = managers };
	int rc;

	if (!dry)
		return sweep_add(s, t, why, managers);
	rc = fn(arg, &it);
	itsm_ticket_free(t);
	return rc;
}

static int
sweep_report(struct sweep *s, itsm_sweep_fn fn, void *arg)
{
	struct itsm_sweep_item it;
	char why[512];
	itsm_ticket *t;
	size_t i, len;
	int rc = 0;

	if (s->n == 0)
		return 0;
	if (fflush(s->f) != 0 || fseek(s->f, 0, SEEK_SET) != 0)
		return itsm_error(ITSM_E_IO, "cannot read a temporary file: %s",
		    strerror(errno));
	for (i = 0; i < s->n && rc == 0; i++) {
		if (fread(&it.managers, sizeof(it.managers), 1, s->f) != 1 ||
		    fread(&len, sizeof(len), 1, s->f) != 1 ||
		    len >= sizeof(why) || fread(why, 1, len, s->f) != len)
			return itsm_error(ITSM_E_IO, "cannot read a temporary "
			    "file");
		why[len] = '\0';
		if ((rc = tk_ticket_thaw(s->f, &t)) != 0)
			break;
		it.ticket = t;
		it.why = why;
		rc = fn(arg, &it);
		itsm_ticket_free(t);
	}
	return rc;
}

/* "stagnant: no activity for 5h (threshold 4h)" */
static void
why_stagnant(itsm_ctx *c, const itsm_ticket *t, char *buf, size_t len)
{
	const itsm_policy *p = c->policy;
	const itsm_calendar *cal;
	struct itsm_span sp;
	char idle[32], th[48];
	size_t pi, n = itsm_policy_priority_count(p);
	int64_t thr, from = itsm_ticket_int(t, ITSM_F_UPDATED_AT);

	if (itsm_ticket_str(t, ITSM_F_PRIORITY) == NULL ||
	    itsm_policy_priority_find(p, itsm_ticket_str(t, ITSM_F_PRIORITY),
	    &pi) != 0)
		pi = n - 1;
	cal = itsm_policy_rule_calendar(p, ITSM_RULE_STAGNATION,
	    itsm_policy_priority_name(p, pi), itsm_ticket_str(t, ITSM_F_GROUP),
	    itsm_ticket_str(t, ITSM_F_SERVICE));
	if (itsm_calendar_is_24x7(cal)) {
		thr = itsm_policy_priority_stagnation(p, pi);
		itsm_duration_format(c->now - from, idle, sizeof(idle));
		itsm_duration_format(thr, th, sizeof(th));
		snprintf(buf, len, "stagnant: no activity for %s (threshold "
		    "%s)", idle, th);
		return;
	}
	/* Working time, and the threshold as written (1d: a business day). */
	itsm_duration_format(itsm_calendar_elapsed(cal, from, c->now), idle,
	    sizeof(idle));
	sp = itsm_policy_target_span(p, pi, ITSM_TARGET_STAGNATION);
	itsm_span_format(&sp, th, sizeof(th));
	snprintf(buf, len, "stagnant: no activity for %s of %s time "
	    "(threshold %s)", idle, itsm_calendar_name(cal), th);
}

static void
why_breached(itsm_ctx *c, const itsm_ticket *t, char *buf, size_t len)
{
	char over[32];
	int64_t due;
	int response = itsm_ticket_str(t, ITSM_F_RESPONDED_AT) == NULL &&
	    itsm_ticket_int(t, ITSM_F_RESPONSE_DUE) < c->now;

	due = itsm_ticket_int(t, response ? ITSM_F_RESPONSE_DUE :
	    ITSM_F_RESOLUTION_DUE);
	itsm_duration_format(c->now - due, over, sizeof(over));
	snprintf(buf, len, "breached: %s due %s ago", response ? "response" :
	    "resolution", over);
}

/* FNV-1a of n bytes of b, folded into h. */
static uint64_t
fnv(uint64_t h, const void *b, size_t n)
{
	const unsigned char *p = b;

	while (n-- > 0) {
		h ^= *p++;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}

static uint64_t
fnv_int(uint64_t h, int64_t v)
{
	unsigned char b[8];
	int i;

	/* Its bytes, least significant first: the same on every host. */
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
	return fnv(h, b, sizeof(b));
}

/*
 * What the due times depend on besides the targets in seconds: the
 * targets as written (1d is a business day), the calendars (zone,
 * ranges, holidays, the names of holiday files) and which calendar each
 * ticket counts in, hashed: a change to any of them changes the dues.
 */
static uint64_t
calendars_print(const itsm_policy *p)
{
	const itsm_calendar *cal;
	struct itsm_span sp;
	const char *name, *cn;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i, j;
	int d, a, b, y, m;

	for (i = 0; i < itsm_policy_priority_count(p); i++) {
		sp = itsm_policy_target_span(p, i, ITSM_TARGET_RESPONSE);
		h = fnv(h, &sp, sizeof(sp));
		sp = itsm_policy_target_span(p, i, ITSM_TARGET_RESOLUTION);
		h = fnv(h, &sp, sizeof(sp));
		h = fnv_str(h, itsm_policy_priority_calendar(p, i));
	}
	for (i = 0; i < itsm_policy_calendar_count(p); i++) {
		cal = itsm_policy_calendar(p, i);
		h = fnv_str(h, itsm_calendar_name(cal));
		h = fnv_str(h, itsm_calendar_zone(cal));
		for (d = ITSM_MON; d <= ITSM_SUN; d++) {
			h = fnv_int(h, d);
			for (j = 0; j < itsm_calendar_range_count(cal,
			    (enum itsm_weekday)d); j++) {
				itsm_calendar_range(cal, (enum itsm_weekday)d,
				    j, &a, &b);
				h = fnv_int(fnv_int(h, a), b);
			}
		}
		for (j = 0; j < itsm_calendar_holiday_count(cal); j++) {
			itsm_calendar_holiday(cal, j, &y, &m, &d);
			h = fnv_int(fnv_int(fnv_int(h, y), m), d);
		}
		/*
		 * The closed days, those of the holiday files included: an
		 * edited file changes the dues as an edited policy does.
		 */
		for (j = 0; j < itsm_calendar_closed_day_count(cal); j++)
			h = fnv_int(h, itsm_calendar_closed_day(cal, j));
	}
	h = fnv_str(h, itsm_policy_has_sla(p) ? itsm_policy_sla_calendar(p) :
	    "");
	for (a = 0; a < 2; a++)
		for (i = 0; i < itsm_policy_sla_override_count(p, a); i++) {
			name = itsm_policy_sla_override(p, a, i, &cn);
			h = fnv_str(fnv_str(fnv_int(h, a), name), cn);
		}
	return h;
}

/*
 * Stored due times come from the targets and calendars of the policy in
 * force when each ticket last changed.  When they differ from those the
 * store last saw, the open tickets' dues are recomputed before a sweep
 * reads them.  The fingerprint of the targets (and a hash of the
 * calendars, calendars_print()) goes to print; *changed says whether it
 * differs from the stored one.  A policy without calendars keeps the
 * fingerprint it had, so that no store is refreshed for nothing.
 */
/*
 * The version of the arithmetic of due times in a calendar, part of the
 * fingerprint: 2 since a target used up at a closing time is due at the
 * next opening, not at the closing (stored dues of version 1 are
 * recomputed once).
 */
#define DUE_RULE 2

static int
targets_changed(itsm_ctx *c, char *print, size_t len, int *changed)
{
	const itsm_policy *p = c->policy;
	char *stored = NULL;
	size_t i, off = 0;
	int rc;

	print[0] = '\0';
	for (i = 0; i < itsm_policy_priority_count(p) && off < len; i++)
		off += (size_t)snprintf(print + off, len - off,
		    "%s=%lld/%lld;", itsm_policy_priority_name(p, i),
		    (long long)itsm_policy_priority_response(p, i),
		    (long long)itsm_policy_priority_resolution(p, i));
	if ((itsm_policy_calendar_count(p) > 1 || itsm_policy_has_sla(p)) &&
	    off < len)
		snprintf(print + off, len - off, "calendars=%016llx/%d;",
		    (unsigned long long)calendars_print(p), DUE_RULE);
	if ((rc = store_meta_get(c->store, "sla_targets", &stored)) != 0)
		return rc;
	*changed = stored == NULL || strcmp(stored, print) != 0;
	free(stored);
	return 0;
}

/*
 * The refresh: every open ticket's due times in one walk, then the new
 * fingerprint.
 */
static int
refresh_after_policy_change(itsm_ctx *c)
{
	char print[4096];
	int rc, changed;

	if ((rc = targets_changed(c, print, sizeof(print), &changed)) != 0 ||
	    !changed)
		return rc;
	if ((rc = tk_refresh_open_slas(c)) != 0)
		return rc;
	return store_meta_set(c->store, "sla_targets", print);
}

/*
 * What a dry run of the stagnant sweep needs of that refresh: which
 * tickets stagnate does not depend on the due times, so only the due
 * times of those it reports are recomputed (and rolled back with the
 * rest), as the refresh would have left them.
 */
static int
refresh_reported(itsm_ctx *c, const int64_t *ids, size_t n)
{
	char print[4096];
	size_t i;
	int rc, changed;

	if ((rc = targets_changed(c, print, sizeof(print), &changed)) != 0)
		return rc;
	for (i = 0; changed && i < n && rc == 0; i++)
		rc = tk_refresh_sla(c, ids[i]);
	return rc;
}

static size_t
count_managers(itsm_ctx *c, const itsm_ticket *t)
{
	size_t i, n = 0;

	for (i = 0; i < itsm_policy_manager_count(c->policy); i++)
		n += (size_t)itsm_policy_manager_matches(c->policy, i,
		    itsm_ticket_str(t, ITSM_F_GROUP),
		    itsm_ticket_str(t, ITSM_F_PRIORITY));
	return n;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Whether id is in sorted, a sorted copy of a sweep's ids. */
static int
has_id(const int64_t *sorted, size_t n, int64_t id)
{
	return n > 0 && bsearch(&id, sorted, n, sizeof(*sorted),
	    cmp_id) != NULL;
}

/*
 * A sorted copy of n ids (the sweep reports them in their own order):
 * looking each ticket of one list up in the other was quadratic, 14 s
 * for 75,000 breached tickets.
 */
static int
sorted_copy(const int64_t *ids, size_t n, int64_t **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = malloc(n * sizeof(**out))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	memcpy(*out, ids, n * sizeof(**out));
	qsort(*out, n, sizeof(**out), cmp_id);
	return 0;
}

int
itsm_escalate_stagnant(itsm_ctx *c, int breached, int dry, itsm_sweep_fn fn,
    void *arg)
{
	struct sweep sw = { 0 };
	int64_t *ids[2] = { NULL, NULL }, *sorted[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 }, i, managers;
	char why[320], more[160];
	int pass, rc, stag, br;
	itsm_ticket *t;
	struct act a;

	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	/*
	 * The breached tickets are found by their due times: the refresh
	 * comes first.  A dry run of the stagnant ones needs the due
	 * times of those it reports only.
	 */
	if (dry && !breached) {
		if ((rc = tk_sweep_ids(c, 0, &ids[0], &n[0])) != 0 ||
		    (rc = refresh_reported(c, ids[0], n[0])) != 0)
			goto done;
	} else if ((rc = refresh_after_policy_change(c)) != 0 ||
	    (rc = tk_sweep_ids(c, 0, &ids[0], &n[0])) != 0 ||
	    (breached && (rc = tk_sweep_ids(c, 1, &ids[1], &n[1])) != 0)) {
		goto done;
	}
	if ((rc = sorted_copy(ids[0], n[0], &sorted[0])) != 0 ||
	    (rc = sorted_copy(ids[1], n[1], &sorted[1])) != 0)
		goto done;
	/* Stagnant ones first (a breach too is said on the same line). */
	for (pass = 0; pass < 2 && rc == 0; pass++) {
		for (i = 0; i < n[pass] && rc == 0; i++) {
			if (pass == 1 && has_id(sorted[0], n[0], ids[1][i]))
				continue;
			stag = pass == 0;
			br = pass == 1 || has_id(sorted[1], n[1], ids[0][i]);
			if ((rc = itsm_ticket_get(c, ids[pass][i], &t)) != 0)
				break;
			if (stag)
				why_stagnant(c, t, why, sizeof(why));
			if (br) {
				why_breached(c, t, more, sizeof(more));
				if (stag)
					snprintf(why + strlen(why), sizeof(why) -
					    strlen(why), "; %s", more);
				else
					snprintf(why, sizeof(why), "%s", more);
			}
			managers = count_managers(c, t);
			if (!dry && (rc = act_begin(&a, c, ids[pass][i],
			    ITSM_ACT_ESCALATE_MANAGERS, 0)) == 0) {
				if (stag)
					set_int(&a,
					    SK_STAGNANT_ESCALATED_AT, c->now);
				if (br)
					set_int(&a,
					    SK_BREACH_ESCALATED_AT, c->now);
				rc = notify_managers(&a, stag ? "stagnant" :
				    "breached", why, &managers, 1, NULL);
			}
			if (rc == 0)
				rc = sweep_found(&sw, dry, t, why, managers, fn,
				    arg);
			else
				itsm_ticket_free(t);
		}
	}
done:
	free(ids[0]);
	free(ids[1]);
	free(sorted[0]);
	free(sorted[1]);
	/* A dry run changes nothing, not even the refreshed due times. */
	if (rc == 0 && !dry)
		rc = itsm_store_commit(c->store);
	else
		itsm_store_rollback(c->store);
	if (rc != 0)
		hook_clear(c);
	if (rc == 0)
		rc = sweep_report(&sw, fn, arg);
	sweep_free(&sw);
	return rc;
}

int
itsm_close_auto(itsm_ctx *c, int dry, itsm_sweep_fn fn, void *arg)
{
	const itsm_policy *p = c->policy;
	struct sweep sw = { 0 };
	int64_t *ids = NULL;
	char why[160], delay[32];
	size_t n = 0, i;
	itsm_ticket *t;
	struct act a;
	int rc;

	itsm_duration_format(itsm_policy_auto_close(p), delay, sizeof(delay));
	snprintf(why, sizeof(why), "closed automatically: no answer from the "
	    "user %s after resolution", delay);
	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	if ((rc = tk_auto_close_ids(c, &ids, &n)) == 0) {
		for (i = 0; i < n && rc == 0; i++) {
			if ((rc = itsm_ticket_get(c, ids[i], &t)) != 0)
				break;
			if (!dry && (rc = act_begin(&a, c, ids[i],
			    ITSM_ACT_CLOSE, 0)) == 0) {
				rc = set_status(&a, "close", "closed", why);
				set_int(&a, ITSM_F_CLOSED_AT, a.at);
				set_int(&a, SK_AUTO_CLOSED, 1);
				rc = act_end(&a, rc, "post-close", "auto", why,
				    NULL, 0);
			}
			if (rc == 0)
				rc = sweep_found(&sw, dry, t, why, 0, fn, arg);
			else
				itsm_ticket_free(t);
		}
	}
	free(ids);
	if (rc == 0)
		rc = itsm_store_commit(c->store);
	else
		itsm_store_rollback(c->store);
	if (rc != 0)
		hook_clear(c);
	if (rc == 0)
		rc = sweep_report(&sw, fn, arg);
	sweep_free(&sw);
	return rc;
}

int
itsm_next(itsm_ctx *c, const char *group, int mine, itsm_ticket **out)
{
	struct itsm_filter f = { .workable = 1, .limit = 1 };
	const itsm_ticket *t;
	itsm_iter *it = NULL;
	int rc;

	*out = NULL;
	f.group = group;
	if (mine)
		f.assignee = itsm_ctx_actor(c);
	else if (group == NULL)
		f.assignee_or_none = itsm_ctx_actor(c);
	if ((rc = itsm_list(c, &f, &it)) != 0)
		return rc;
	rc = itsm_iter_next(it, &t);
	if (rc == 1)
		rc = itsm_ticket_get(c, itsm_ticket_int(t, ITSM_F_ID), out);
	else if (rc == 0)
		rc = itsm_error(ITSM_E_NOTFOUND, "nothing to work on: the "
		    "queue is empty");
	itsm_iter_free(it);
	return rc;
}

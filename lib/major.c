/*
 * Major incidents: declaration and proposals, roster, timeline,
 * communications, children, end, review and actions, and the cron pass
 * that proposes majors and reports overdue communications.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/error.h"
#include "itsm/major.h"
#include "itsm/time.h"
#include "major_int.h"
#include "notify_int.h"
#include "store_int.h"
#include "store_major.h"
#include "ticket_int.h"

/* A major action under way. */
struct mact {
	itsm_ctx *c;
	itsm_ticket *t;
	int64_t id, at, since;
	int stated;		/* at was stated (--at), not the clock */
	char state[16];		/* "" when the ticket never was a major */
};

static const char *
ref(const struct mact *a)
{
	return itsm_ticket_str(a->t, ITSM_F_REF);
}

/*
 * Opens the transaction and reads the ticket and its major state; want
 * lists the states the action needs ("active ended"), or NULL for any;
 * field (or NULL) is the one of its history the action is about (a name
 * on the roster, an action), whose last change it may not precede.
 */
static int
mbegin(struct mact *a, itsm_ctx *c, int64_t id, int64_t at, const char *want,
    const char *verb, const char *field)
{
	/* The major's state, its commander, and what the action is about. */
	const char *also[] = { "major", "commander", field, NULL };
	int rc;

	*a = (struct mact){ .c = c, .id = id, .stated = at != 0 };
	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	if ((rc = itsm_ticket_get(c, id, &a->t)) != 0)
		goto fail;
	if ((rc = store_major_state(c->store, id, a->state,
	    sizeof(a->state))) != 0)
		goto fail;
	if (want != NULL && (a->state[0] == '\0' || strstr(want, a->state) ==
	    NULL)) {
		if (a->state[0] == '\0')
			rc = itsm_error(ITSM_E_REFUSED, "cannot %s %s: it is not "
			    "a major incident", verb, ref(a));
		else
			rc = itsm_error(ITSM_E_REFUSED, "cannot %s %s: the major "
			    "is %s (only while it is %s)", verb, ref(a),
			    a->state, strcmp(want, "active ended") == 0 ?
			    "active or ended" : want);
		goto fail;
	}
	a->since = store_last_event_id(c->store);
	if ((rc = tk_action_time(c, at, a->t, also, &a->at)) != 0)
		goto fail;
	return 0;
fail:
	itsm_ticket_free(a->t);
	a->t = NULL;
	itsm_store_rollback(c->store);
	return rc;
}

/* Marks the activity, queues the hook, and commits (or rolls back). */
static int
mend(struct mact *a, int rc, const char *hook, const char *reason,
    const char *msg)
{
	struct store_set set = { .key = ITSM_F_UPDATED_AT, .num = a->at,
	    .is_int = 1 };

	/* Nothing recorded (already so): no activity, no hook. */
	if (rc == 0 && store_last_event_id(a->c->store) == a->since)
		return tk_end_action(a->c, a->t, 0);
	if (rc == 0)
		rc = store_ticket_update(a->c->store, a->id, &set, 1);
	if (rc == 0 && hook != NULL)
		rc = hook_queue(a->c, hook, a->id, a->since, reason, msg, NULL);
	return tk_end_action(a->c, a->t, rc);
}

static int
ev(struct mact *a, const char *kind, const char *field, const char *from,
    const char *to, const char *msg)
{
	return tk_event(a->c, a->id, a->at, kind, field, from, to, msg);
}

/* The statuses of a ticket still open: those a major gathers. */
static int
is_open(const itsm_ticket *t)
{
	return itsm_status_open(itsm_ticket_str(t, ITSM_F_STATUS));
}

int
itsm_major_declare(itsm_ctx *c, int64_t id, const char *why,
    const char *commander, const char *bridge, int64_t at)
{
	struct store_major_set set[4];
	struct mact a;
	int rc;

	if ((rc = tk_need_role(c, ITSM_ROLE_MANAGER,
	    "declaring a major incident")) != 0)
		return rc;
	if (commander == NULL)
		commander = itsm_ctx_actor(c);
	if ((rc = tk_check_text("commander", commander, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("bridge", bridge, MAX_NAME)) != 0 ||
	    (rc = tk_opt_text("message", why, MAX_TEXT)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, NULL, "declare", NULL)) != 0)
		return rc;
	if (strcmp(itsm_ticket_str(a.t, ITSM_F_TYPE), "incident") != 0)
		rc = itsm_error(ITSM_E_REFUSED, "cannot declare %s major: it is "
		    "a %s, not an incident", ref(&a),
		    itsm_ticket_str(a.t, ITSM_F_TYPE));
	else if (!is_open(a.t))
		rc = itsm_error(ITSM_E_REFUSED, "cannot declare %s major: it is "
		    "%s", ref(&a), itsm_ticket_str(a.t, ITSM_F_STATUS));
	else if (strcmp(a.state, "active") == 0 || strcmp(a.state, "ended") == 0)
		rc = itsm_error(ITSM_E_REFUSED, "cannot declare %s major: it is "
		    "one already (%s)", ref(&a), a.state);
	else if (itsm_ticket_str(a.t, ITSM_F_PARENT) != NULL)
		rc = itsm_error(ITSM_E_REFUSED, "cannot declare %s major: it is "
		    "linked to the major INC-%s", ref(&a),
		    itsm_ticket_str(a.t, ITSM_F_PARENT));
	if (rc != 0)
		return tk_end_action(c, a.t, rc);
	set[0] = (struct store_major_set){ STORE_MAJOR_STATE, "active", 0, 0 };
	set[1] = (struct store_major_set){ STORE_MAJOR_DECLARED_AT, NULL, a.at,
	    1 };
	set[2] = (struct store_major_set){ STORE_MAJOR_DECLARED_BY,
	    itsm_ctx_actor(c), 0, 0 };
	set[3] = (struct store_major_set){ STORE_MAJOR_BRIDGE, bridge, 0, 0 };
	if ((rc = store_major_put(c->store, id, set, 4)) == 0 &&
	    (rc = ev(&a, "major-declare", "major", a.state[0] ? a.state :
	    NULL, "active", why)) == 0 &&
	    (rc = store_roster_put(c->store, id, commander, "commander",
	    a.at)) == 0 &&
	    (rc = ev(&a, "major-roster", commander, NULL, "commander",
	    NULL)) == 0) {
		struct store_set major[3] = {
			{ .key = ITSM_F_MAJOR, .num = 1, .is_int = 1 },
		};
		size_t nm = 1;

		/* Declaring is a technician's first response, if none came. */
		if (itsm_ticket_str(a.t, ITSM_F_RESPONDED_AT) == NULL)
			major[nm++] = (struct store_set){
			    .key = ITSM_F_RESPONDED_AT, .num = a.at,
			    .is_int = 1 };
		if (strcmp(itsm_ticket_str(a.t, ITSM_F_STATUS), "new") == 0) {
			major[nm++] = (struct store_set){ .key = ITSM_F_STATUS,
			    .text = "in_progress" };
			rc = ev(&a, "start", "status", "new", "in_progress",
			    NULL);
		}
		if (rc == 0)
			rc = store_ticket_update(c->store, id, major, nm);
	}
	return mend(&a, rc, "post-major-declare", NULL, why);
}

int
itsm_major_reject(itsm_ctx *c, int64_t id, const char *why, int64_t at)
{
	struct store_major_set set = { STORE_MAJOR_STATE, "rejected", 0, 0 };
	struct mact a;
	int rc;

	if ((rc = tk_need_role(c, ITSM_ROLE_MANAGER,
	    "rejecting a proposed major incident")) != 0)
		return rc;
	if ((rc = tk_check_text("reason", why, MAX_TEXT)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "proposed", "reject", NULL)) != 0)
		return rc;
	if ((rc = store_major_put(c->store, id, &set, 1)) == 0)
		rc = ev(&a, "major-reject", "major", "proposed", "rejected", why);
	return mend(&a, rc, "post-major-reject", NULL, why);
}

int
itsm_major_roster_add(itsm_ctx *c, int64_t id, const char *name,
    const char *role, int64_t at)
{
	char *cur = NULL, *cmd = NULL;
	const char *canon;
	struct mact a;
	size_t ri;
	int rc;

	if ((rc = tk_check_text("name", name, MAX_NAME)) != 0)
		return rc;
	if ((rc = itsm_policy_role_find(c->policy, role, &ri)) != 0)
		return rc;
	canon = itsm_policy_role(c->policy, ri);
	if ((rc = mbegin(&a, c, id, at, "active", "change the roster of",
	    name)) != 0)
		return rc;
	if ((rc = store_roster_role(c->store, id, name, &cur)) != 0 ||
	    (rc = store_roster_commander(c->store, id, &cmd)) != 0)
		goto done;
	if (strcmp(canon, "commander") == 0 && cmd != NULL &&
	    strcmp(cmd, name) != 0) {
		rc = itsm_error(ITSM_E_REFUSED, "%s has a commander already "
		    "(%s): there is exactly one; hand over with 'itsm major "
		    "roster %s --handover %s'", ref(&a), cmd, ref(&a), name);
		goto done;
	}
	if (cmd != NULL && strcmp(cmd, name) == 0 &&
	    strcmp(canon, "commander") != 0) {
		rc = itsm_error(ITSM_E_REFUSED, "%s is the commander of %s: hand "
		    "over first", name, ref(&a));
		goto done;
	}
	if (cur != NULL && strcmp(cur, canon) == 0)
		goto done;	/* already in that role: nothing to record */
	if ((rc = store_roster_put(c->store, id, name, canon, a.at)) == 0)
		rc = ev(&a, "major-roster", name, cur, canon, NULL);
done:
	free(cur);
	free(cmd);
	return mend(&a, rc, "post-major-roster", canon, name);
}

int
itsm_major_roster_remove(itsm_ctx *c, int64_t id, const char *name,
    int64_t at)
{
	char *cur = NULL;
	struct mact a;
	int rc;

	if ((rc = mbegin(&a, c, id, at, "active", "change the roster of",
	    name)) != 0)
		return rc;
	if ((rc = store_roster_role(c->store, id, name, &cur)) != 0)
		goto done;
	if (cur == NULL)
		rc = itsm_error(ITSM_E_INVALID, "'%.*s' is not on the roster "
		    "of %s", itsm_cut(name, 64), name, ref(&a));
	else if (strcmp(cur, "commander") == 0)
		rc = itsm_error(ITSM_E_REFUSED, "%s is the commander of %s: hand "
		    "over first ('itsm major roster %s --handover NAME')",
		    name, ref(&a), ref(&a));
	else if ((rc = store_roster_delete(c->store, id, name)) == 0)
		rc = ev(&a, "major-roster", name, cur, NULL, NULL);
done:
	free(cur);
	return mend(&a, rc, "post-major-roster", "removed", name);
}

int
itsm_major_handover(itsm_ctx *c, int64_t id, const char *name, int64_t at)
{
	char *cmd = NULL;
	struct mact a;
	int rc;

	if ((rc = tk_check_text("name", name, MAX_NAME)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "active", "hand over", name)) != 0)
		return rc;
	if ((rc = store_roster_commander(c->store, id, &cmd)) != 0)
		goto done;
	if (cmd != NULL && strcmp(cmd, name) == 0) {
		rc = itsm_error(ITSM_E_REFUSED, "%s is the commander of %s "
		    "already", name, ref(&a));
		goto done;
	}
	/* The former commander leaves the roster; the new one takes it. */
	if ((cmd == NULL || (rc = store_roster_delete(c->store, id, cmd)) == 0) &&
	    (rc = store_roster_put(c->store, id, name, "commander", a.at)) == 0)
		rc = ev(&a, "major-handover", "commander", cmd, name, NULL);
done:
	free(cmd);
	return mend(&a, rc, "post-major-roster", "handover", name);
}

int
itsm_major_update(itsm_ctx *c, int64_t id, const char *text, int64_t at)
{
	struct mact a;
	int rc;

	if ((rc = tk_check_text("update", text, MAX_TEXT)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "active ended", "update", NULL)) != 0)
		return rc;
	rc = ev(&a, "major-update", NULL, NULL, NULL, text);
	return mend(&a, rc, "post-major-update", NULL, text);
}

/* Queues the major notification of a communication to audience ai. */
static int
comms_mail(itsm_ctx *c, int64_t id, size_t ai, const char *text)
{
	const itsm_policy *p = c->policy;
	const char *addr[64];
	struct notify_words w = { .note = text,
	    .audience = itsm_policy_audience(p, ai), .actor = c->actor };
	size_t i, n = itsm_policy_audience_address_count(p, ai);

	for (i = 0; i < n && i < 64; i++)
		addr[i] = itsm_policy_audience_address(p, ai, i);
	return notify_queue(c, id, store_last_event_id(c->store),
	    ITSM_NOTIFY_MAJOR, &w, addr, i, NULL);
}

int
itsm_major_comms(itsm_ctx *c, int64_t id, const char *audience,
    const char *channel, const char *text, int64_t at)
{
	const itsm_policy *p = c->policy;
	const char *ch = NULL;
	struct mact a;
	size_t ai, ci;
	int rc;

	if ((rc = tk_check_text("message", text, MAX_TEXT)) != 0 ||
	    (rc = itsm_policy_audience_find(p, audience, &ai)) != 0)
		return rc;
	if (channel != NULL) {
		if ((rc = itsm_policy_channel_find(p, channel, &ci)) != 0)
			return rc;
		ch = itsm_policy_channel(p, ci);
	}
	if ((rc = mbegin(&a, c, id, at, "active ended", "communicate on",
	    NULL)) != 0)
		return rc;
	rc = ev(&a, "major-comms", itsm_policy_audience(p, ai), NULL, ch, text);
	if (rc == 0 && itsm_policy_audience_address_count(p, ai) > 0)
		rc = comms_mail(c, id, ai, text);
	return mend(&a, rc, "post-major-comms", itsm_policy_audience(p, ai),
	    text);
}

int
itsm_major_link(itsm_ctx *c, int64_t id, const int64_t *children, size_t n,
    int64_t at)
{
	char state[16], pref[ITSM_REFBUF];
	itsm_ticket *ch = NULL;
	int64_t when;
	struct mact a;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if (children[i] == id)
			return itsm_error(ITSM_E_INVALID, "cannot link a ticket "
			    "to itself");
	if ((rc = mbegin(&a, c, id, at, "active", "link incidents to",
	    NULL)) != 0)
		return rc;
	snprintf(pref, sizeof(pref), "%s", ref(&a));
	for (i = 0; i < n && rc == 0; i++) {
		const char *cref;

		if ((rc = itsm_ticket_get(c, children[i], &ch)) != 0)
			break;
		cref = itsm_ticket_str(ch, ITSM_F_REF);
		if ((rc = store_major_state(c->store, children[i], state,
		    sizeof(state))) != 0)
			break;
		if (strcmp(itsm_ticket_str(ch, ITSM_F_TYPE), "incident") != 0)
			rc = itsm_error(ITSM_E_REFUSED, "cannot link %s: it is a "
			    "%s", cref, itsm_ticket_str(ch, ITSM_F_TYPE));
		else if (!is_open(ch))
			rc = itsm_error(ITSM_E_REFUSED, "cannot link %s: it is "
			    "%s", cref, itsm_ticket_str(ch, ITSM_F_STATUS));
		else if (strcmp(state, "active") == 0 ||
		    strcmp(state, "ended") == 0)
			rc = itsm_error(ITSM_E_REFUSED, "cannot link %s: it is "
			    "a major incident itself", cref);
		else if (itsm_ticket_str(ch, ITSM_F_PARENT) != NULL &&
		    itsm_ticket_int(ch, ITSM_F_PARENT) != id)
			rc = itsm_error(ITSM_E_REFUSED, "cannot link %s: it is "
			    "linked to INC-%s already", cref,
			    itsm_ticket_str(ch, ITSM_F_PARENT));
		else if (itsm_ticket_str(ch, ITSM_F_PARENT) == NULL &&
		    (rc = tk_time_after(c, ch, NULL, a.stated, a.at, &when)) == 0) {
			struct store_set set[2] = {
				{ .key = ITSM_F_PARENT, .num = id, .is_int = 1 },
				{ .key = ITSM_F_UPDATED_AT, .num = when,
				    .is_int = 1 },
			};

			if ((rc = store_ticket_update(c->store, children[i],
			    set, 2)) == 0 &&
			    (rc = tk_event(c, children[i], when, "major-link",
			    "parent", NULL, pref, NULL)) == 0)
				rc = ev(&a, "major-link", "child", NULL, cref,
				    NULL);
		}
		itsm_ticket_free(ch);
		ch = NULL;
	}
	return mend(&a, rc, "post-major-link", NULL, NULL);
}

int
itsm_major_end(itsm_ctx *c, int64_t id, const char *text, int64_t at)
{
	struct store_major_set set[2];
	struct mact a;
	int rc;

	if ((rc = tk_need_role(c, ITSM_ROLE_MANAGER,
	    "ending a major incident")) != 0)
		return rc;
	if ((rc = tk_opt_text("message", text, MAX_TEXT)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "active", "end", NULL)) != 0)
		return rc;
	set[0] = (struct store_major_set){ STORE_MAJOR_STATE, "ended", 0, 0 };
	set[1] = (struct store_major_set){ STORE_MAJOR_ENDED_AT, NULL, a.at, 1 };
	if ((rc = store_major_put(c->store, id, set, 2)) == 0)
		rc = ev(&a, "major-end", "major", "active", "ended", text);
	return mend(&a, rc, "post-major-end", NULL, text);
}

static int
findings(struct mact *a, const char *kind, const char *const *list)
{
	int rc = 0;

	for (; list != NULL && *list != NULL && rc == 0; list++) {
		if ((rc = tk_check_text(kind, *list, MAX_TEXT)) != 0)
			break;
		if ((rc = store_finding_add(a->c->store, a->id, kind, *list,
		    a->at)) == 0)
			rc = ev(a, "major-review", kind, NULL, *list, NULL);
	}
	return rc;
}

int
itsm_major_review(itsm_ctx *c, int64_t id, const struct itsm_review *r,
    int64_t at)
{
	struct mact a;
	int rc;

	if ((rc = tk_opt_text("root cause", r->root_cause, MAX_TEXT)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "active ended", "review", NULL)) != 0)
		return rc;
	if (r->root_cause != NULL) {
		struct store_major_set set = { STORE_MAJOR_ROOT_CAUSE,
		    r->root_cause, 0, 0 };

		if ((rc = store_major_put(c->store, id, &set, 1)) == 0)
			rc = ev(&a, "major-review", "root_cause", NULL,
			    r->root_cause, NULL);
	}
	if (rc == 0)
		rc = findings(&a, "factor", r->factors);
	if (rc == 0)
		rc = findings(&a, "went_well", r->went_well);
	if (rc == 0)
		rc = findings(&a, "went_wrong", r->went_wrong);
	if (rc == 0)
		rc = findings(&a, "lucky", r->lucky);
	return mend(&a, rc, "post-major-review", NULL, NULL);
}

int
itsm_major_action_add(itsm_ctx *c, int64_t id, const char *text,
    const char *owner, int64_t due, int64_t at, int *n)
{
	char num[32];
	struct mact a;
	int rc;

	if ((rc = tk_check_text("action", text, MAX_TEXT)) != 0 ||
	    (rc = tk_check_text("owner", owner, MAX_NAME)) != 0)
		return rc;
	if ((rc = mbegin(&a, c, id, at, "active ended", "add an action to",
	    NULL))
	    != 0)
		return rc;
	if ((rc = store_action_add(c->store, id, text, owner, due, n)) == 0) {
		snprintf(num, sizeof(num), "action %d", *n);
		rc = ev(&a, "major-action", num, NULL, owner, text);
	}
	return mend(&a, rc, "post-major-action", NULL, text);
}

int
itsm_major_action_done(itsm_ctx *c, int64_t id, int n, int64_t at)
{
	char num[32], *text = NULL;
	struct mact a;
	int rc;

	/* Not before the action was added. */
	snprintf(num, sizeof(num), "action %d", n);
	if ((rc = mbegin(&a, c, id, at, "active ended", "close an action of",
	    num)) != 0)
		return rc;
	if ((rc = store_action_done(c->store, id, n, a.at, &text)) == 0 &&
	    text == NULL)
		rc = itsm_error(ITSM_E_INVALID, "no open action %d on this "
		    "major", n);
	else if (rc == 0)
		rc = ev(&a, "major-action", num, "open", "done", text);
	free(text);
	return mend(&a, rc, "post-major-action", "done", NULL);
}

/*
 * Ends an active major that its ticket's resolution or cancellation leaves
 * without a crisis (inside that transaction); nothing for other tickets.
 */
int
major_end_by(itsm_ctx *c, int64_t id, int64_t at, const char *why)
{
	struct store_major_set set[2] = {
		{ STORE_MAJOR_STATE, "ended", 0, 0 },
		{ STORE_MAJOR_ENDED_AT, NULL, at, 1 },
	};
	char state[16];
	int rc;

	if ((rc = store_major_state(c->store, id, state, sizeof(state))) != 0 ||
	    strcmp(state, "active") != 0)
		return rc;
	if ((rc = store_major_put(c->store, id, set, 2)) != 0)
		return rc;
	return tk_event(c, id, at, "major-end", "major", "active", "ended", why);
}

/* Resolves the major's open children with its solution (in its transaction). */
int
major_resolve_children(itsm_ctx *c, int64_t id, const char *ref_,
    int permanent, const char *code, const char *solution, int64_t at,
    int stated)
{
	char msg[256];
	int64_t *ids = NULL, when;
	size_t n = 0, i;
	itsm_ticket *t;
	int rc;

	if ((rc = major_end_by(c, id, at, "ended with the resolution")) != 0 ||
	    (rc = store_children_in(c->store, id, itsm_open_statuses, &ids,
	    &n)) != 0)
		return rc;
	snprintf(msg, sizeof(msg), "resolved with the major %s", ref_);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = itsm_ticket_get(c, ids[i], &t)) != 0)
			break;
		/* Each child's own history stays in order too. */
		if ((rc = tk_time_after(c, t, NULL, stated, at, &when)) != 0) {
			itsm_ticket_free(t);
			break;
		}
		struct store_set set[7] = {
			{ .key = ITSM_F_STATUS, .text = "resolved" },
			{ .key = ITSM_F_RESOLUTION_TYPE, .text = permanent ?
			    "permanent" : "workaround" },
			{ .key = ITSM_F_RESOLUTION_CODE, .text = code },
			{ .key = ITSM_F_RESOLUTION_NOTES, .text = solution },
			{ .key = ITSM_F_RESOLVED_AT, .num = when, .is_int = 1 },
			{ .key = ITSM_F_UPDATED_AT, .num = when, .is_int = 1 },
			{ .key = SK_HOLD_REASON, .text = NULL },
		};

		rc = tk_event(c, ids[i], when, "resolve", "status",
		    itsm_ticket_str(t, ITSM_F_STATUS), "resolved", msg);
		if (rc == 0)
			rc = tk_event(c, ids[i], when, "resolve",
			    "resolution.type", NULL, set[1].text, NULL);
		if (rc == 0 && code != NULL)
			rc = tk_event(c, ids[i], when, "resolve",
			    "resolution.code", NULL, code, NULL);
		if (rc == 0)
			rc = store_ticket_update(c->store, ids[i], set, 7);
		if (rc == 0 && itsm_ticket_str(t, ITSM_F_RESPONDED_AT) == NULL) {
			struct store_set r = { .key = ITSM_F_RESPONDED_AT,
			    .num = when, .is_int = 1 };

			rc = store_ticket_update(c->store, ids[i], &r, 1);
		}
		if (rc == 0)
			rc = tk_refresh_sla(c, ids[i]);
		itsm_ticket_free(t);
	}
	free(ids);
	return rc;
}

/* Detect. */

struct found {
	itsm_ticket **t;
	char **kind, **why;
	size_t n;
};

static int
found_add(struct found *f, itsm_ticket *t, const char *kind, const char *why)
{
	void *a = realloc(f->t, (f->n + 1) * sizeof(*f->t));
	void *b, *d;

	if (a != NULL)
		f->t = a;
	b = realloc(f->kind, (f->n + 1) * sizeof(*f->kind));
	if (b != NULL)
		f->kind = b;
	d = realloc(f->why, (f->n + 1) * sizeof(*f->why));
	if (d != NULL)
		f->why = d;
	if (a == NULL || b == NULL || d == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	f->t[f->n] = t;
	f->kind[f->n] = strdup(kind);
	f->why[f->n] = strdup(why);
	f->n++;
	if (f->kind[f->n - 1] == NULL || f->why[f->n - 1] == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

static void
found_free(struct found *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		itsm_ticket_free(f->t[i]);
		free(f->kind[i]);
		free(f->why[i]);
	}
	free(f->t);
	free(f->kind);
	free(f->why);
}

/* Records a proposal (unless dry) and keeps it for the report. */
static int
propose(itsm_ctx *c, struct found *f, int64_t id, const char *why, int dry)
{
	itsm_ticket *t = NULL;
	struct mact a;
	int rc;

	if (!dry) {
		struct store_major_set set[3] = {
			{ STORE_MAJOR_STATE, "proposed", 0, 0 },
			{ STORE_MAJOR_PROPOSED_AT, NULL, c->now, 1 },
			{ STORE_MAJOR_PROPOSAL, why, 0, 0 },
		};

		if ((rc = mbegin(&a, c, id, 0, NULL, "propose", NULL)) != 0)
			return rc;
		if ((rc = store_major_put(c->store, id, set, 3)) == 0)
			rc = ev(&a, "major-propose", "major", NULL, "proposed",
			    why);
		/* A proposal is not activity on the ticket. */
		if (rc == 0)
			rc = hook_queue(c, "post-major-propose", id, a.since,
			    NULL, why, NULL);
		if ((rc = tk_end_action(c, a.t, rc)) != 0)
			return rc;
	}
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		return rc;
	return found_add(f, t, "proposed", why);
}

/*
 * Reads a stream of tickets (id, service, parent, major state) that
 * detect may propose, calling fn with each and whether no major holds
 * it (never proposed, declared or rejected, and linked to none); ends
 * the stream.
 */
static int
each_candidate(itsm_store *s, struct store_rows *r,
    int (*fn)(void *, const struct store_value *, int), void *arg)
{
	const struct store_value *v;
	size_t n;
	int rc;

	while ((rc = store_rows_next(s, r, &v, &n)) == 1) {
		if (n < 4) {
			rc = itsm_error(ITSM_E_INTERNAL, "the store gave %zu "
			    "values of a ticket, not 4", n);
			break;
		}
		if ((rc = fn(arg, v, v[2].type == STORE_NULL &&
		    v[3].type == STORE_NULL)) != 0)
			break;
	}
	store_rows_free(s, r);
	return rc;
}

/* The ids of the open incidents no major holds. */
struct ids {
	int64_t *v;
	size_t n;
};

static int
candidate(void *arg, const struct store_value *v, int unheld)
{
	struct ids *x = arg;
	int64_t *g;

	if (!unheld || v[0].type != STORE_INT)
		return 0;
	if ((g = realloc(x->v, (x->n + 1) * sizeof(*g))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	x->v = g;
	x->v[x->n++] = v[0].i;
	return 0;
}

static int
detect_rules(itsm_ctx *c, struct found *f, int dry)
{
	const itsm_policy *p = c->policy;
	struct ids ids = { 0 };
	struct store_rows *rows;
	char rule[256], why[300];
	itsm_ticket *t;
	size_t i, r;
	int rc;

	if (itsm_policy_major_rule_count(p) == 0)
		return 0;
	if ((rc = store_rule_candidates(c->store, "incident", itsm_open_statuses,
	    &rows)) != 0 ||
	    (rc = each_candidate(c->store, rows, candidate, &ids)) != 0)
		goto done;
	for (i = 0; i < ids.n && rc == 0; i++) {
		if ((rc = itsm_ticket_get(c, ids.v[i], &t)) != 0)
			break;
		for (r = 0; r < itsm_policy_major_rule_count(p); r++)
			if (itsm_policy_major_rule_matches(p, r,
			    itsm_ticket_str(t, ITSM_F_PRIORITY),
			    itsm_ticket_str(t, ITSM_F_IMPACT),
			    itsm_ticket_str(t, ITSM_F_SERVICE), rule,
			    sizeof(rule)))
				break;
		itsm_ticket_free(t);
		if (r == itsm_policy_major_rule_count(p))
			continue;
		snprintf(why, sizeof(why), "rule: %s", rule);
		rc = propose(c, f, ids.v[i], why, dry);
	}
done:
	free(ids.v);
	return rc;
}

/*
 * A storm: count or more open incidents on one service (its name in
 * any ASCII case) opened within the window, none of them held by a
 * major.  Its service is written as its first incident has it.
 */
struct storm {
	char *service;
	size_t count;
	int64_t first;		/* the oldest of them */
	int held;		/* one of them is a major's */
};

struct storms {
	struct storm *v;
	size_t n;
	size_t *slot;		/* a hash of the services: index + 1, 0 empty */
	size_t nslot;		/* a power of two, over twice n */
};

static size_t
service_hash(const char *s)
{
	size_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)(*s >= 'A' && *s <= 'Z' ?
		    *s + ('a' - 'A') : *s);
	return h;
}

/* The slot of service's storm, or the empty slot where it goes. */
static size_t *
storm_slot(struct storms *x, const char *service)
{
	size_t i = service_hash(service) & (x->nslot - 1);

	while (x->slot[i] != 0 &&
	    !major_same_name(x->v[x->slot[i] - 1].service, service))
		i = (i + 1) & (x->nslot - 1);
	return &x->slot[i];
}

/* Room for one more storm: the array, and the hash kept half empty. */
static int
storm_room(struct storms *x)
{
	struct storm *g;
	size_t i, *old = x->slot, nold = x->nslot;

	if ((g = realloc(x->v, (x->n + 1) * sizeof(*g))) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	x->v = g;
	if (2 * (x->n + 1) < x->nslot)
		return 0;
	x->nslot = nold ? nold * 2 : 64;
	if ((x->slot = calloc(x->nslot, sizeof(*x->slot))) == NULL) {
		x->slot = old;
		x->nslot = nold;
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	}
	for (i = 0; i < x->n; i++)
		*storm_slot(x, x->v[i].service) = i + 1;
	free(old);
	return 0;
}

/* Counts an incident (by id) in the storm of its service. */
static int
storm_count(void *arg, const struct store_value *v, int unheld)
{
	struct storms *x = arg;
	struct storm *g;
	size_t *slot;
	int rc;

	if (v[0].type != STORE_INT || v[1].type != STORE_TEXT)
		return 0;
	if ((rc = storm_room(x)) != 0)
		return rc;
	slot = storm_slot(x, v[1].s);
	if (*slot == 0) {
		g = &x->v[x->n];
		*g = (struct storm){ .service = strdup(v[1].s),
		    .first = v[0].i };
		if (g->service == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		*slot = ++x->n;
	}
	g = &x->v[*slot - 1];
	g->count++;
	if (!unheld)
		g->held = 1;
	return 0;
}

static int
detect_storms(itsm_ctx *c, struct found *f, int dry)
{
	const itsm_policy *p = c->policy;
	struct storms x = { 0 };
	struct store_rows *rows;
	size_t i, count = itsm_policy_storm_count(p);
	int64_t window = itsm_policy_storm_window(p);
	char why[MAX_NAME + 128], w[32];
	int rc;

	if (count == 0)
		return 0;
	if ((rc = store_storms(c->store, "incident", itsm_open_statuses,
	    c->now - window, &rows)) != 0 ||
	    (rc = each_candidate(c->store, rows, storm_count, &x)) != 0)
		goto done;
	itsm_duration_format(window, w, sizeof(w));
	/* In the order of their first incidents, as they were read. */
	for (i = 0; i < x.n && rc == 0; i++) {
		struct storm *v = &x.v[i];
		size_t j;

		if (v->count < count || v->held)
			continue;
		/*
		 * A dry run writes nothing: skip a storm that holds what a
		 * rule just proposed, as the real run would.
		 */
		for (j = 0; j < f->n; j++) {
			const char *svc = itsm_ticket_str(f->t[j],
			    ITSM_F_SERVICE);

			if (itsm_ticket_int(f->t[j], ITSM_F_ID) == v->first ||
			    (svc != NULL && strcasecmp(svc, v->service) == 0 &&
			    itsm_ticket_int(f->t[j], ITSM_F_OPENED_AT) >=
			    c->now - window))
				break;
		}
		if (j < f->n)
			continue;
		snprintf(why, sizeof(why), "storm: %zu incidents on '%s' within "
		    "%s", v->count, v->service, w);
		rc = propose(c, f, v->first, why, dry);
	}
done:
	for (i = 0; i < x.n; i++)
		free(x.v[i].service);
	free(x.v);
	free(x.slot);
	return rc;
}

static int
detect_overdue(itsm_ctx *c, struct found *f)
{
	int64_t *ids = NULL, due;
	size_t n = 0, i, k;
	char why[MAX_NAME + 128], late[32];
	itsm_major *m = NULL;
	itsm_ticket *t;
	int rc;

	if ((rc = itsm_major_active(c, &ids, &n)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = itsm_major_get(c, ids[i], &m)) != 0)
			break;
		for (k = 0; k < itsm_major_audience_count(m) && rc == 0; k++) {
			due = itsm_major_audience_due(m, k);
			if (due == 0 || due >= c->now)
				continue;
			itsm_duration_format(c->now - due, late, sizeof(late));
			snprintf(why, sizeof(why), "communication to %s due %s "
			    "ago", itsm_major_audience(m, k), late);
			if ((rc = itsm_ticket_get(c, ids[i], &t)) == 0)
				rc = found_add(f, t, "overdue", why);
		}
		itsm_major_free(m);
		m = NULL;
	}
	free(ids);
	return rc;
}

int
itsm_major_detect(itsm_ctx *c, int dry,
    int (*fn)(void *, const struct itsm_detect_item *), void *arg)
{
	struct found f = { 0 };
	size_t i;
	int rc;

	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	if ((rc = detect_rules(c, &f, dry)) == 0 &&
	    (rc = detect_storms(c, &f, dry)) == 0)
		rc = detect_overdue(c, &f);
	if (rc == 0)
		rc = itsm_store_commit(c->store);
	else
		itsm_store_rollback(c->store);
	if (rc != 0)
		hook_clear(c);
	for (i = 0; i < f.n && rc == 0; i++) {
		struct itsm_detect_item it = { f.t[i], f.kind[i], f.why[i] };

		rc = fn(arg, &it);
	}
	found_free(&f);
	return rc;
}

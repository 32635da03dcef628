/*
 * The workflow table: every status against every action.  Commands ask
 * it before changing anything, so a refused action changes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/workflow.h"

static const char *const status_names[ITSM_NSTATUSES] = {
	"new", "in_progress", "on_hold", "resolved", "closed", "redirected",
	"cancelled"
};

static const char *const action_names[ITSM_NACTIONS] = {
	[ITSM_ACT_CATEGORIZE] = "categorize",
	[ITSM_ACT_PRIORITIZE] = "prioritize",
	[ITSM_ACT_NOTE] = "note",
	[ITSM_ACT_ASSIGN] = "assign",
	[ITSM_ACT_ESCALATE] = "escalate",
	[ITSM_ACT_ESCALATE_MANAGERS] = "escalate",
	[ITSM_ACT_HOLD] = "hold",
	[ITSM_ACT_RELEASE] = "release",
	[ITSM_ACT_RESOLVE] = "resolve",
	[ITSM_ACT_CLOSE] = "close",
	[ITSM_ACT_REJECT] = "reject",
	[ITSM_ACT_REOPEN] = "reopen",
	[ITSM_ACT_CANCEL] = "cancel",
};

/*
 * allowed[action][status].  Work goes on while a ticket is open (new,
 * in progress, on hold); a ticket on hold is released before it is
 * resolved; only a resolved ticket is closed or rejected; a ticket that
 * left the queue (resolved, closed, cancelled) comes back by reopening.
 */
static const unsigned char allowed[ITSM_NACTIONS][ITSM_NSTATUSES] = {
	/*				new in_pr hold  res  clo  red  can */
	[ITSM_ACT_CATEGORIZE] =		{ 1,   1,   1,   0,   0,   0,   0 },
	[ITSM_ACT_PRIORITIZE] =		{ 1,   1,   1,   0,   0,   0,   0 },
	[ITSM_ACT_NOTE] =		{ 1,   1,   1,   1,   0,   0,   0 },
	[ITSM_ACT_ASSIGN] =		{ 1,   1,   1,   0,   0,   0,   0 },
	[ITSM_ACT_ESCALATE] =		{ 1,   1,   1,   0,   0,   0,   0 },
	[ITSM_ACT_ESCALATE_MANAGERS] =	{ 1,   1,   1,   0,   0,   0,   0 },
	[ITSM_ACT_HOLD] =		{ 1,   1,   0,   0,   0,   0,   0 },
	[ITSM_ACT_RELEASE] =		{ 0,   0,   1,   0,   0,   0,   0 },
	[ITSM_ACT_RESOLVE] =		{ 1,   1,   0,   0,   0,   0,   0 },
	[ITSM_ACT_CLOSE] =		{ 0,   0,   0,   1,   0,   0,   0 },
	[ITSM_ACT_REJECT] =		{ 0,   0,   0,   1,   0,   0,   0 },
	[ITSM_ACT_REOPEN] =		{ 0,   0,   0,   1,   1,   0,   1 },
	[ITSM_ACT_CANCEL] =		{ 1,   1,   1,   0,   0,   0,   0 },
};

const char *const itsm_open_statuses[] = { "new", "in_progress", "on_hold",
    NULL };

int
itsm_status_open(const char *status)
{
	int st = status != NULL ? itsm_status_parse(status) : -1;

	return st == ITSM_ST_NEW || st == ITSM_ST_IN_PROGRESS ||
	    st == ITSM_ST_ON_HOLD;
}

int
itsm_status_workable(const char *status)
{
	int st = status != NULL ? itsm_status_parse(status) : -1;

	return st == ITSM_ST_NEW || st == ITSM_ST_IN_PROGRESS;
}

const char *
itsm_status_name(enum itsm_status s)
{
	return s < ITSM_NSTATUSES ? status_names[s] : NULL;
}

int
itsm_status_parse(const char *s)
{
	int i;

	for (i = 0; i < ITSM_NSTATUSES; i++)
		if (strcmp(status_names[i], s) == 0)
			return i;
	return -1;
}

const char *
itsm_action_name(enum itsm_action a)
{
	return a < ITSM_NACTIONS ? action_names[a] : NULL;
}

int
itsm_allowed(enum itsm_status s, enum itsm_action a)
{
	return s < ITSM_NSTATUSES && a < ITSM_NACTIONS && allowed[a][s];
}

int
itsm_check_allowed(const char *ref, const char *status, enum itsm_action a)
{
	char list[256];
	size_t off = 0;
	int s = itsm_status_parse(status), i, n = 0;

	if (s >= 0 && itsm_allowed((enum itsm_status)s, a))
		return 0;
	list[0] = '\0';
	for (i = 0; i < ITSM_NSTATUSES; i++)
		if (allowed[a][i] && off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off,
			    "%s%s", n++ ? ", " : "", status_names[i]);
	return itsm_error(ITSM_E_REFUSED, "cannot %s %s: it is %s (%s is "
	    "allowed when %s)", action_names[a], ref, status, action_names[a],
	    n ? list : "never");
}

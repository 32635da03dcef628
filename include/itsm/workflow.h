/*
 * The workflow: which action is allowed in which status.  One table in
 * lib/workflow.c answers for every command.
 */
#ifndef ITSM_WORKFLOW_H
#define ITSM_WORKFLOW_H

enum itsm_action {
	ITSM_ACT_CATEGORIZE,
	ITSM_ACT_PRIORITIZE,
	ITSM_ACT_NOTE,
	ITSM_ACT_ASSIGN,
	ITSM_ACT_ESCALATE,		/* functional: up a tier */
	ITSM_ACT_ESCALATE_MANAGERS,	/* hierarchical: notify managers */
	ITSM_ACT_HOLD,
	ITSM_ACT_RELEASE,
	ITSM_ACT_RESOLVE,
	ITSM_ACT_CLOSE,			/* confirmed by the user, or auto */
	ITSM_ACT_REJECT,		/* the user says it is not fixed */
	ITSM_ACT_REOPEN,
	ITSM_ACT_CANCEL,
	ITSM_NACTIONS
};

enum itsm_status {
	ITSM_ST_NEW, ITSM_ST_IN_PROGRESS, ITSM_ST_ON_HOLD, ITSM_ST_RESOLVED,
	ITSM_ST_CLOSED, ITSM_ST_REDIRECTED, ITSM_ST_CANCELLED,
	ITSM_NSTATUSES
};

/* The status's name ("in_progress") and back (-1 when unknown). */
const char *itsm_status_name(enum itsm_status s);
int itsm_status_parse(const char *s);

/*
 * A ticket is open (in the queue) while new, in progress or on hold;
 * workable (its SLA clocks run, it can stagnate or breach) while new or
 * in progress.  NULL or an unknown status is neither.
 */
int itsm_status_open(const char *status);
int itsm_status_workable(const char *status);
/* The open statuses' names, NULL-terminated. */
extern const char *const itsm_open_statuses[];

/* The action's verb ("prioritize"). */
const char *itsm_action_name(enum itsm_action a);

/* Whether action a is allowed on a ticket in status s. */
int itsm_allowed(enum itsm_status s, enum itsm_action a);

/*
 * 0 when allowed; else ITSM_E_REFUSED with a message naming the ticket,
 * its status and the statuses where the action is allowed.
 */
int itsm_check_allowed(const char *ref, const char *status,
    enum itsm_action a);

#endif

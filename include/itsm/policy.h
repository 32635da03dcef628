/*
 * The policy: impact and urgency levels, the priority matrix, priorities
 * and their targets, channels, categories, practices, groups and tiers,
 * stagnation thresholds, resolution codes and the auto-close delay.
 *
 * A policy is read from YAML and validated strictly; every error names
 * FILE:LINE:COL.  Handles are opaque; strings returned are borrowed from
 * the policy and live as long as it does.
 */
#ifndef ITSM_POLICY_H
#define ITSM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/calendar.h"
#include "itsm/ref.h"

typedef struct itsm_policy itsm_policy;

enum itsm_axis { ITSM_IMPACT, ITSM_URGENCY };

/*
 * Loads the effective policy: path when not NULL, else ITSM_CONFIG,
 * $XDG_CONFIG_HOME/itsm/config.yaml (~/.config/...), /etc/itsm/config.yaml,
 * then the default compiled in.  ITSM_E_CONFIG on an invalid file,
 * ITSM_E_IO when a named file cannot be read.
 */
int itsm_policy_load(itsm_policy **out, const char *path);

/* Loads one file, or the embedded default when path is NULL. */
int itsm_policy_load_file(itsm_policy **out, const char *path);

/* Loads YAML text; name is used in messages. */
int itsm_policy_load_text(itsm_policy **out, const char *name,
    const char *text, size_t len);

void itsm_policy_free(itsm_policy *p);

/* The file the policy came from, or "(default)" for the embedded one. */
const char *itsm_policy_source(const itsm_policy *p);

/* The embedded default policy, as YAML text. */
const char *itsm_policy_default_text(void);

/* Warnings found while loading (a matrix that is not monotonic, ...). */
size_t itsm_policy_warning_count(const itsm_policy *p);
const char *itsm_policy_warning(const itsm_policy *p, size_t i);

/* Writes the policy back as YAML; *out is the caller's to free(). */
int itsm_policy_to_yaml(const itsm_policy *p, char **out, size_t *len);

/* Levels, ordered by rank (1 is the highest impact or urgency). */
size_t itsm_policy_level_count(const itsm_policy *p, enum itsm_axis axis);
const char *itsm_policy_level_name(const itsm_policy *p, enum itsm_axis axis,
    size_t i);
int itsm_policy_level_rank(const itsm_policy *p, enum itsm_axis axis,
    size_t i);
const char *itsm_policy_level_description(const itsm_policy *p,
    enum itsm_axis axis, size_t i);
/* Finds a level by name or rank, case-insensitive; ITSM_E_INVALID lists them. */
int itsm_policy_level_find(const itsm_policy *p, enum itsm_axis axis,
    const char *s, size_t *i);

/* Priorities, highest first. */
size_t itsm_policy_priority_count(const itsm_policy *p);
const char *itsm_policy_priority_name(const itsm_policy *p, size_t i);
const char *itsm_policy_priority_label(const itsm_policy *p, size_t i);
int64_t itsm_policy_priority_response(const itsm_policy *p, size_t i);
int64_t itsm_policy_priority_resolution(const itsm_policy *p, size_t i);
int64_t itsm_policy_priority_stagnation(const itsm_policy *p, size_t i);
int itsm_policy_priority_find(const itsm_policy *p, const char *s, size_t *i);

/* The priority index the matrix gives for an impact and an urgency index. */
size_t itsm_policy_matrix(const itsm_policy *p, size_t impact, size_t urgency);

/* Channels. */
size_t itsm_policy_channel_count(const itsm_policy *p);
const char *itsm_policy_channel(const itsm_policy *p, size_t i);
int itsm_policy_channel_find(const itsm_policy *p, const char *s, size_t *i);

/* Categories and their subcategories. */
size_t itsm_policy_category_count(const itsm_policy *p);
const char *itsm_policy_category(const itsm_policy *p, size_t i);
int itsm_policy_category_find(const itsm_policy *p, const char *s, size_t *i);
size_t itsm_policy_subcategory_count(const itsm_policy *p, size_t cat);
const char *itsm_policy_subcategory(const itsm_policy *p, size_t cat,
    size_t i);
int itsm_policy_subcategory_find(const itsm_policy *p, size_t cat,
    const char *s, size_t *i);

/* The practice a request or a change is redirected to; NULL for incidents. */
const char *itsm_policy_practice(const itsm_policy *p, enum itsm_type type);

/* Tiers, lowest first ("N1", "N2", "N3"), and groups with their tier. */
size_t itsm_policy_tier_count(const itsm_policy *p);
const char *itsm_policy_tier(const itsm_policy *p, size_t i);
size_t itsm_policy_group_count(const itsm_policy *p);
const char *itsm_policy_group(const itsm_policy *p, size_t i);
const char *itsm_policy_group_tier(const itsm_policy *p, size_t i);
int itsm_policy_group_find(const itsm_policy *p, const char *s, size_t *i);
/* The group new tickets go to, or NULL. */
const char *itsm_policy_default_group(const itsm_policy *p);

/* Resolution codes and the auto-close delay. */
size_t itsm_policy_resolution_code_count(const itsm_policy *p);
const char *itsm_policy_resolution_code(const itsm_policy *p, size_t i);
int64_t itsm_policy_auto_close(const itsm_policy *p);

/* How long a hook may run before it is killed (default 10s). */
int64_t itsm_policy_hook_timeout(const itsm_policy *p);

/*
 * Whether a new database is created for the group too (database: {share:
 * group}, mode 0660) rather than for its owner only (share: owner, 0600).
 */
int itsm_policy_share_group(const itsm_policy *p);

/*
 * How long, in seconds, a command waits for another's lock on the
 * database before it gives up (database: {busy_timeout: ...}; 10).
 */
int64_t itsm_policy_busy_timeout(const itsm_policy *p);

/*
 * The database the policy names (database: {url: ...}): a PostgreSQL
 * connection URI or keyword string, or an absolute file name; NULL when
 * it names none (or p is NULL).
 */
const char *itsm_policy_database_url(const itsm_policy *p);

/*
 * Managers to notify on hierarchical escalation.  A manager with no groups
 * (or no priorities) listed answers for every group (or priority).
 */
size_t itsm_policy_manager_count(const itsm_policy *p);
const char *itsm_policy_manager(const itsm_policy *p, size_t i);
const char *itsm_policy_manager_contact(const itsm_policy *p, size_t i);
int itsm_policy_manager_matches(const itsm_policy *p, size_t i,
    const char *group, const char *priority);
size_t itsm_policy_manager_group_count(const itsm_policy *p, size_t i);
const char *itsm_policy_manager_group(const itsm_policy *p, size_t i,
    size_t j);
size_t itsm_policy_manager_priority_count(const itsm_policy *p, size_t i);
const char *itsm_policy_manager_priority(const itsm_policy *p, size_t i,
    size_t j);

/*
 * Major incidents.  Rules propose a ticket as major when its priority,
 * impact and service criticality are all among a rule's (a list left out
 * matches anything); a storm is count incidents on one service within
 * window (count 0: no storm rule).
 */
size_t itsm_policy_major_rule_count(const itsm_policy *p);
/* Whether rule i matches; why (when not NULL) gets the rule in words. */
int itsm_policy_major_rule_matches(const itsm_policy *p, size_t i,
    const char *priority, const char *impact, const char *service,
    char *why, size_t len);
/* A rule's priorities (what 0), impacts (1) or criticalities (2); NULL: any. */
size_t itsm_policy_major_rule_list(const itsm_policy *p, size_t i, int what,
    const char *const **list);
size_t itsm_policy_storm_count(const itsm_policy *p);
int64_t itsm_policy_storm_window(const itsm_policy *p);
/* Services and their criticality (NULL for a service not listed). */
size_t itsm_policy_service_count(const itsm_policy *p);
const char *itsm_policy_service(const itsm_policy *p, size_t i);
const char *itsm_policy_service_criticality(const itsm_policy *p,
    const char *service);
/* Crisis roles; "commander" is always one of them. */
size_t itsm_policy_role_count(const itsm_policy *p);
const char *itsm_policy_role(const itsm_policy *p, size_t i);
int itsm_policy_role_find(const itsm_policy *p, const char *s, size_t *i);
/* Audiences of crisis communications: their mail addresses (may be none). */
size_t itsm_policy_audience_address_count(const itsm_policy *p, size_t i);
const char *itsm_policy_audience_address(const itsm_policy *p, size_t i,
    size_t j);
/* Audiences of crisis communications and their cadence per priority. */
size_t itsm_policy_audience_count(const itsm_policy *p);
const char *itsm_policy_audience(const itsm_policy *p, size_t i);
int itsm_policy_audience_find(const itsm_policy *p, const char *s, size_t *i);
/* The cadence for a priority (its own, else "other"); 0: none. */
int64_t itsm_policy_audience_cadence(const itsm_policy *p, size_t i,
    const char *priority);
int64_t itsm_policy_audience_cadence_of(const itsm_policy *p, size_t i,
    size_t priority);
int64_t itsm_policy_audience_cadence_other(const itsm_policy *p, size_t i);
/* The crisis checklist printed when a major is declared. */
size_t itsm_policy_checklist_count(const itsm_policy *p);
const char *itsm_policy_checklist(const itsm_policy *p, size_t i);

/*
 * Time: the display zone, the calendars, and which calendar counts.
 *
 * The calendars are "24x7" (built in, index 0) then the policy's, in
 * order.  A ticket's clocks count in the calendar of its service (sla:
 * services), else of its group (sla: groups), else of its priority (sla:
 * priorities), else sla: calendar, else 24x7 (itsm.yaml(5)).  Stagnation
 * and auto-close count in the ticket's calendar unless the policy names
 * another, cadences on the wall clock (24x7) unless it does.
 */
enum itsm_rule {
	ITSM_RULE_STAGNATION, ITSM_RULE_AUTO_CLOSE, ITSM_RULE_CADENCE,
	ITSM_NRULES
};

enum itsm_target {
	ITSM_TARGET_RESPONSE, ITSM_TARGET_RESOLUTION, ITSM_TARGET_STAGNATION
};

/* The zone times are shown in (timezone:), or NULL when not given. */
const char *itsm_policy_timezone(const itsm_policy *p);

size_t itsm_policy_calendar_count(const itsm_policy *p);
const itsm_calendar *itsm_policy_calendar(const itsm_policy *p, size_t i);
/* Finds a calendar by name, case-insensitive; ITSM_E_INVALID lists them. */
int itsm_policy_calendar_find(const itsm_policy *p, const char *s, size_t *i);

/*
 * The calendar a ticket's clocks count in, by the order above; any of
 * priority, group and service may be NULL.  Never NULL.
 */
const itsm_calendar *itsm_policy_ticket_calendar(const itsm_policy *p,
    const char *priority, const char *group, const char *service);

/* The calendar a rule's delay counts in, for such a ticket.  Never NULL. */
const itsm_calendar *itsm_policy_rule_calendar(const itsm_policy *p,
    enum itsm_rule rule, const char *priority, const char *group,
    const char *service);

/*
 * A priority's target, the auto-close delay and a cadence in calendar c:
 * their durations as written, in c's business time (1d: one business
 * day of c; itsm_calendar_span()).  c NULL: on the wall clock, as
 * itsm_policy_priority_response() and the others give them.
 */
int64_t itsm_policy_target(const itsm_policy *p, size_t i,
    enum itsm_target what, const itsm_calendar *c);
int64_t itsm_policy_auto_close_in(const itsm_policy *p,
    const itsm_calendar *c);
int64_t itsm_policy_audience_cadence_in(const itsm_policy *p, size_t i,
    const char *priority, const itsm_calendar *c);

/* The durations as written (for "config show"); pri npr: "other". */
struct itsm_span itsm_policy_target_span(const itsm_policy *p, size_t i,
    enum itsm_target what);
struct itsm_span itsm_policy_auto_close_span(const itsm_policy *p);
struct itsm_span itsm_policy_audience_cadence_span(const itsm_policy *p,
    size_t i, size_t pri);

/* The sla section as written: whether there is one, and its entries. */
int itsm_policy_has_sla(const itsm_policy *p);
const char *itsm_policy_sla_calendar(const itsm_policy *p);
/* The calendar sla: priorities gives priority i, or NULL. */
const char *itsm_policy_priority_calendar(const itsm_policy *p, size_t i);
/* sla: groups (services 0) or services (1): name i and its calendar. */
size_t itsm_policy_sla_override_count(const itsm_policy *p, int services);
const char *itsm_policy_sla_override(const itsm_policy *p, int services,
    size_t i, const char **calendar);
/* A rule's choice: "business", "wall" or a calendar's name. */
const char *itsm_policy_rule(const itsm_policy *p, enum itsm_rule rule);

/*
 * Mail (itsm.yaml(5), MAIL): how notifications are sent.  NULL when the
 * policy has no mail section: then nothing is ever sent.  Every member
 * is set (from_name and domain may be NULL: no name; the host name).
 */
struct itsm_mail_policy {
	const char *from_address, *from_name;
	const char *sendmail;		/* "/usr/sbin/sendmail -t -i" */
	const char *domain;		/* of our Message-IDs; NULL: host name */
	const char *subject_tag;	/* "[{ref}]" */
	int attempts;			/* tries before giving up: 10 */
	int64_t backoff, max_backoff;	/* 1m, doubling, up to 1h */
	int64_t timeout;		/* one delivery's deadline: 30s */
	const char *const *confirm;	/* replies that confirm a resolution */
	size_t nconfirm;
	/* Incoming mail (itsm-mail(1)). */
	size_t max_size;		/* bytes of a message: 10M */
	size_t max_attachment;		/* bytes of one attachment kept: 10M */
	size_t max_attachments;		/* of a message's kept in all: 10M */
	size_t ignore_inline_below;	/* inline images smaller: 0, none */
	int rate_messages;		/* per sender per rate_period: 20 */
	int64_t rate_period;		/* 1h */
	int64_t reopen_age;		/* a closed ticket's replies: 30d */
	const struct itsm_mail_route *routes;	/* in order */
	size_t nroutes;
};

/*
 * A route of incoming mail: when the recipient (to, an address, any
 * case) and the subject (a POSIX extended regular expression, any case)
 * both match (NULL matches anything), a new ticket gets these values
 * (NULL: not set).
 */
struct itsm_mail_route {
	const char *to, *subject;
	const char *type, *category, *group, *service;
};
const struct itsm_mail_policy *itsm_policy_mail(const itsm_policy *p);
/* The mail section, or its defaults when the policy has none. */
const struct itsm_mail_policy *itsm_policy_mail_in(const itsm_policy *p);

/* The events that notify (notifications: in itsm.yaml(5)). */
enum itsm_notify_event {
	ITSM_NOTIFY_OPENED, ITSM_NOTIFY_RESOLVED, ITSM_NOTIFY_CLOSED,
	ITSM_NOTIFY_REOPENED, ITSM_NOTIFY_ESCALATED, ITSM_NOTIFY_DUPLICATE,
	ITSM_NOTIFY_MAJOR, ITSM_NNOTIFY
};
/* Their names in the policy: "opened", ..., "duplicate", "major". */
extern const char *const itsm_notify_names[ITSM_NNOTIFY];

/*
 * A notification: to whom (addresses, or the words caller, managers,
 * audiences), its subject and body templates ({ref}, {summary}, ...:
 * see itsm.yaml(5)).  NULL when the policy has none for the event, or
 * it is disabled (enabled: false).
 */
struct itsm_notification {
	const char *const *to;
	size_t nto;
	const char *subject, *body;
};
const struct itsm_notification *itsm_policy_notification(
    const itsm_policy *p, enum itsm_notify_event e);

#endif

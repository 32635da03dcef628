/*
 * Service figures over a period: volumes, backlog, time to resolve on
 * the SLA clock, SLA compliance, first-contact resolution, reassignment,
 * reopening and satisfaction, in total and per value of one ticket field.
 * itsm-stats(1) defines each figure; this header says where it lives.
 *
 * The figures of quality (all but closed and backlog) are over the
 * tickets opened in the period, as they stand at the context's time.
 */
#ifndef ITSM_STATS_H
#define ITSM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/policy.h"
#include "itsm/ticket.h"

typedef struct itsm_stats itsm_stats;

/* The ticket field the figures are split by. */
enum itsm_stats_by {
	ITSM_BY_NONE,		/* the total only */
	ITSM_BY_PRIORITY,
	ITSM_BY_GROUP,
	ITSM_BY_CATEGORY,
	ITSM_BY_CHANNEL,
	ITSM_BY_TIER
};

/* Reads "priority", "group", ... (case-insensitive); ITSM_E_INVALID lists them. */
int itsm_stats_by_parse(const char *s, enum itsm_stats_by *out);
/* The name of a split ("group"); NULL for ITSM_BY_NONE. */
const char *itsm_stats_by_name(enum itsm_stats_by by);

struct itsm_stats_query {
	int64_t since;		/* opened at or after, when has_since */
	int64_t until;		/* opened before, when has_until */
	int has_since, has_until;
	enum itsm_stats_by by;
};

/* Time to resolve on the SLA clock, of one priority or of all. */
struct itsm_stats_time {
	const char *priority;	/* NULL: without a priority (or all) */
	int64_t count;		/* resolved tickets measured */
	int64_t median, p90;	/* seconds, nearest rank; -1 when count is 0 */
};

/*
 * The figures of one group of tickets.  Rates and means are rounded to
 * four decimal places, and are -1 when their denominator is 0.
 */
struct itsm_stats_figures {
	const char *value;	/* the field's value; NULL: none, or the total */
	int64_t opened;		/* opened in the period */
	int64_t closed;		/* closed in the period, whenever opened */
	int64_t backlog;	/* new, in_progress or on_hold at its end */
	int64_t resolved;	/* opened in the period, resolved now */
	struct itsm_stats_time resolve_time;		/* every priority */
	const struct itsm_stats_time *by_priority;	/* the same list for
							   every group */
	size_t npriorities;
	int64_t response_met, response_breached;
	double response_compliance;	/* met / (met + breached) */
	int64_t resolution_met, resolution_breached;
	double resolution_compliance;
	int64_t fcr;			/* resolved at the first tier, unescalated */
	int64_t fcr_base;		/* resolved with a tier (imported
					   tickets may have none) */
	double fcr_rate;		/* fcr / fcr_base */
	int64_t reassigned;		/* reassignment_count > 0 */
	int64_t reassignments;		/* the sum of reassignment_count */
	double reassignment_rate;	/* reassigned / opened */
	double reassignment_mean;	/* reassignments / opened */
	int64_t reopened;		/* reopen_count > 0 */
	double reopen_rate;		/* reopened / opened */
	int64_t satisfaction_count;	/* tickets with a satisfaction */
	int64_t satisfaction[5];	/* how many gave 1, 2, 3, 4, 5 */
	double satisfaction_mean;
};

/*
 * Computes the figures at the context's time; *out is the caller's to
 * free with itsm_stats_free().  ITSM_E_INVALID when since is not before
 * until.
 */
int itsm_stats_get(itsm_ctx *c, const struct itsm_stats_query *q,
    itsm_stats **out);
void itsm_stats_free(itsm_stats *s);

/* The figures of every ticket (value NULL); borrowed from s. */
const struct itsm_stats_figures *itsm_stats_total(const itsm_stats *s);
/*
 * The groups of the split, in the policy's order of the field's values,
 * then other values alphabetically, then none; borrowed from s.
 */
size_t itsm_stats_group_count(const itsm_stats *s);
const struct itsm_stats_figures *itsm_stats_group(const itsm_stats *s,
    size_t i);

/*
 * The pct-th percentile (1..100) of n sorted values by the nearest-rank
 * method: the smallest value that at least pct% of them do not exceed,
 * the value of rank ceil(pct * n / 100).  -1 when n is 0.
 */
int64_t itsm_stats_percentile(const int64_t *sorted, size_t n, unsigned pct);
/*
 * The rank (1..n) of that value, ceil(pct * n / 100), at least 1; 0 when
 * n is 0.  Of the values in increasing order, the one of this rank is the
 * percentile, whatever the order of equal ones.
 */
size_t itsm_stats_rank(size_t n, unsigned pct);

/* num / den rounded to four decimal places; -1 when den is 0. */
double itsm_stats_ratio(int64_t num, int64_t den);

/*
 * The position of value in the policy's list for the field of by
 * (priorities, groups, categories, channels, tiers), compared without
 * case; the list's length when it is not there.
 */
size_t itsm_stats_policy_rank(const itsm_policy *p, enum itsm_stats_by by,
    const char *value);

#endif

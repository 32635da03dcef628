/*
 * The definitions behind the service figures that are not SQL: the
 * fields a report splits by, percentiles by nearest rank, rounded
 * ratios, and the policy's order of a field's values.  The queries are
 * in store_stats.c.
 */
#include <strings.h>

#include "itsm/error.h"
#include "itsm/stats.h"

static const char *const by_names[] = {
	[ITSM_BY_NONE] = NULL,
	[ITSM_BY_PRIORITY] = "priority",
	[ITSM_BY_GROUP] = "group",
	[ITSM_BY_CATEGORY] = "category",
	[ITSM_BY_CHANNEL] = "channel",
	[ITSM_BY_TIER] = "tier",
};

#define NBY (sizeof(by_names) / sizeof(by_names[0]))

int
itsm_stats_by_parse(const char *s, enum itsm_stats_by *out)
{
	size_t i;

	for (i = 1; i < NBY; i++)
		if (strcasecmp(s, by_names[i]) == 0) {
			*out = (enum itsm_stats_by)i;
			return 0;
		}
	return itsm_error(ITSM_E_INVALID, "unknown --by value '%.*s' "
	    "(expected priority, group, category, channel or tier)",
	    itsm_cut(s, 64), s);
}

const char *
itsm_stats_by_name(enum itsm_stats_by by)
{
	return (size_t)by < NBY ? by_names[by] : NULL;
}

size_t
itsm_stats_rank(size_t n, unsigned pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = (pct * n + 99) / 100;	/* ceil(pct * n / 100) */
	return rank > 0 ? rank : 1;
}

int64_t
itsm_stats_percentile(const int64_t *sorted, size_t n, unsigned pct)
{
	if (n == 0)
		return -1;
	return sorted[itsm_stats_rank(n, pct) - 1];
}

double
itsm_stats_ratio(int64_t num, int64_t den)
{
	int64_t q;

	if (den == 0)
		return -1;
	if (den < 0) {
		num = -num;
		den = -den;
	}
	/* Half away from zero, in integers: no libm, no binary surprise. */
	q = num >= 0 ? (20000 * num + den) / (2 * den) :
	    -((-20000 * num + den) / (2 * den));
	return (double)q / 10000.0;
}

size_t
itsm_stats_policy_rank(const itsm_policy *p, enum itsm_stats_by by,
    const char *value)
{
	size_t i, n;
	const char *name;

	switch (by) {
	case ITSM_BY_PRIORITY: n = itsm_policy_priority_count(p); break;
	case ITSM_BY_GROUP: n = itsm_policy_group_count(p); break;
	case ITSM_BY_CATEGORY: n = itsm_policy_category_count(p); break;
	case ITSM_BY_CHANNEL: n = itsm_policy_channel_count(p); break;
	case ITSM_BY_TIER: n = itsm_policy_tier_count(p); break;
	default: return 0;
	}
	for (i = 0; value != NULL && i < n; i++) {
		switch (by) {
		case ITSM_BY_PRIORITY:
			name = itsm_policy_priority_name(p, i);
			break;
		case ITSM_BY_GROUP: name = itsm_policy_group(p, i); break;
		case ITSM_BY_CATEGORY: name = itsm_policy_category(p, i); break;
		case ITSM_BY_CHANNEL: name = itsm_policy_channel(p, i); break;
		default: name = itsm_policy_tier(p, i); break;
		}
		if (strcasecmp(name, value) == 0)
			return i;
	}
	return n;
}

/*
 * What the service figures (lib/stats.c) ask of the store: the
 * wrappers of engine.h's struct engine_stats, which says what each
 * stream holds.  Not part of the public API.
 */
#ifndef ITSM_STORE_STATS_H
#define ITSM_STORE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

static inline int
store_stats_opened(itsm_store *s, enum store_key key, int64_t since,
    int64_t until, const char *first_tier, struct store_rows **out)
{
	return s->engine->stats->opened(s, key, since, until, first_tier,
	    out);
}

static inline int
store_stats_closed(itsm_store *s, enum store_key key, int64_t since,
    int64_t until, struct store_rows **out)
{
	return s->engine->stats->closed(s, key, since, until, out);
}

static inline int
store_stats_in_status(itsm_store *s, enum store_key key,
    const char *const *status, size_t n, struct store_rows **out)
{
	return s->engine->stats->in_status(s, key, status, n, out);
}

static inline int
store_stats_status_at(itsm_store *s, enum store_key key, int64_t at,
    struct store_rows **out)
{
	return s->engine->stats->status_at(s, key, at, out);
}

static inline int
store_stats_resolved_priorities(itsm_store *s, int64_t since, int64_t until,
    struct store_rows **out)
{
	return s->engine->stats->resolved_priorities(s, since, until, out);
}

static inline int
store_stats_resolved_history(itsm_store *s, enum store_key key,
    int64_t since, int64_t until, struct store_rows **out)
{
	return s->engine->stats->resolved_history(s, key, since, until, out);
}

static inline int
store_sorter_open(itsm_store *s, struct store_sorter **out)
{
	return s->engine->stats->sorter_open(s, out);
}

static inline int
store_sorter_add(itsm_store *s, struct store_sorter *t, int64_t secs,
    int64_t g, int64_t p)
{
	return s->engine->stats->sorter_add(t, secs, g, p);
}

static inline int
store_sorter_rows(itsm_store *s, struct store_sorter *t,
    struct store_rows **out)
{
	return s->engine->stats->sorter_rows(t, out);
}

static inline void
store_sorter_close(itsm_store *s, struct store_sorter *t)
{
	s->engine->stats->sorter_close(t);
}

/*
 * For tests of the sorter: the figures keep at most n times in memory
 * before they go to it (0: the default).
 */
void stats_test_set_samples_max(size_t n);

#endif

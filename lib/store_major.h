/*
 * What lib/major*.c ask of the store's engine about major incidents (see
 * struct engine_majors in engine.h).  Not part of the public API.
 */
#ifndef ITSM_STORE_MAJOR_H
#define ITSM_STORE_MAJOR_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

static inline int
store_major_state(itsm_store *s, int64_t id, char *state, size_t len)
{
	return s->engine->majors->state(s, id, state, len);
}

static inline int
store_major_put(itsm_store *s, int64_t id, const struct store_major_set *set,
    size_t n)
{
	return s->engine->majors->put(s, id, set, n);
}

/* The ids of the majors in state; *ids is the caller's to free(). */
static inline int
store_majors_in_state(itsm_store *s, const char *state, int64_t **ids,
    size_t *n)
{
	return s->engine->majors->in_state(s, state, ids, n);
}

/* The roster: one row per person; *role, *name are the caller's to free(). */
static inline int
store_roster_role(itsm_store *s, int64_t id, const char *name, char **role)
{
	return s->engine->majors->roster_role(s, id, name, role);
}

static inline int
store_roster_commander(itsm_store *s, int64_t id, char **name)
{
	return s->engine->majors->roster_holder(s, id, "commander", name);
}

static inline int
store_roster_put(itsm_store *s, int64_t id, const char *name,
    const char *role, int64_t since)
{
	return s->engine->majors->roster_put(s, id, name, role, since);
}

static inline int
store_roster_delete(itsm_store *s, int64_t id, const char *name)
{
	return s->engine->majors->roster_delete(s, id, name);
}

static inline int
store_finding_add(itsm_store *s, int64_t id, const char *kind,
    const char *text, int64_t at)
{
	return s->engine->majors->finding_add(s, id, kind, text, at);
}

/* Adds action *n (numbered from 1 per major). */
static inline int
store_action_add(itsm_store *s, int64_t id, const char *text,
    const char *owner, int64_t due, int *n)
{
	return s->engine->majors->action_add(s, id, text, owner, due, n);
}

/* Marks action n done; *text NULL when there is no such open one. */
static inline int
store_action_done(itsm_store *s, int64_t id, int n, int64_t at, char **text)
{
	return s->engine->majors->action_done(s, id, n, at, text);
}

/* The children of a major in statuses; *ids is the caller's to free(). */
static inline int
store_children_in(itsm_store *s, int64_t id, const char *const *statuses,
    int64_t **ids, size_t *n)
{
	return s->engine->majors->children_in(s, id, statuses, ids, n);
}

/* Rows (id, service, parent, major state) of tickets detect may propose. */
static inline int
store_rule_candidates(itsm_store *s, const char *type,
    const char *const *statuses, struct store_rows **out)
{
	return s->engine->majors->rule_candidates(s, type, statuses, out);
}

static inline int
store_storms(itsm_store *s, const char *type, const char *const *statuses,
    int64_t since, struct store_rows **out)
{
	return s->engine->majors->storms(s, type, statuses, since, out);
}

/* The parts of a major's dossier, as struct engine_majors says. */
static inline int
store_major_dossier(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->majors->dossier(s, id, out);
}

static inline int
store_major_roster(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->majors->roster(s, id, out);
}

static inline int
store_major_children(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->majors->children(s, id, out);
}

static inline int
store_major_findings(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->majors->findings(s, id, out);
}

static inline int
store_major_actions(itsm_store *s, int64_t id, struct store_rows **out)
{
	return s->engine->majors->actions(s, id, out);
}

static inline int
store_major_events(itsm_store *s, int64_t id, const char *const *kinds,
    struct store_rows **out)
{
	return s->engine->majors->events(s, id, kinds, out);
}

#endif

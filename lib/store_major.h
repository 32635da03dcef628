/*
 * The SQL of major incidents, for lib/major.c.  Not part of the public API.
 */
#ifndef ITSM_STORE_MAJOR_H
#define ITSM_STORE_MAJOR_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

/* The state of ticket id's majors row into state ("" when none). */
int store_major_state(itsm_store *s, int64_t id, char *state, size_t len);

/* Creates or updates ticket id's majors row with these columns. */
int store_major_put(itsm_store *s, int64_t id, const struct store_set *set,
    size_t n);

/* The roster: one row per person; *role, *name are the caller's to free(). */
int store_roster_role(itsm_store *s, int64_t id, const char *name,
    char **role);
int store_roster_commander(itsm_store *s, int64_t id, char **name);
int store_roster_put(itsm_store *s, int64_t id, const char *name,
    const char *role, int64_t since);
int store_roster_delete(itsm_store *s, int64_t id, const char *name);

int store_finding_add(itsm_store *s, int64_t id, const char *kind,
    const char *text, int64_t at);
/* Adds action *n (numbered from 1 per major). */
int store_action_add(itsm_store *s, int64_t id, const char *text,
    const char *owner, int64_t due, int *n);
/* Marks action n done; ITSM_E_NOTFOUND when there is no such open one. */
int store_action_done(itsm_store *s, int64_t id, int n, int64_t at,
    char **text);

/* The open children of a major. */
int store_open_children(itsm_store *s, int64_t id, int64_t **ids, size_t *n);

/* Open incidents never proposed, declared, or linked to a major. */
int store_rule_candidates(itsm_store *s, int64_t **ids, size_t *n);

/* A storm: count incidents on a service since the window began. */
struct store_storm {
	char *service;
	size_t count;
	int64_t first;		/* the oldest of them */
};
int store_storms(itsm_store *s, int64_t since, size_t count,
    struct store_storm **out, size_t *n);
void store_storms_free(struct store_storm *v, size_t n);

#endif

/*
 * The store's engine interface: what libitsm asks of a database, in
 * neutral C types.  No SQL and no engine type appears here; an engine
 * (lib/sqlite/ is the one today) implements struct store_engine, and its
 * handle begins with struct itsm_store.  Memory an engine hands across
 * is the caller's to free() unless a comment says otherwise.
 *
 * The domain modules call the store_*() wrappers below (and those of
 * store_int.h), never an engine's functions.  An engine stores, selects
 * by bounds the domain has computed, and streams rows; the rules (what
 * is breached, stagnant, due) are the domain's.
 *
 * Not part of the public API.
 */
#ifndef ITSM_ENGINE_H
#define ITSM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/store.h"

/* Raised when a member is added to or changed in an ops struct. */
#define STORE_ENGINE_VERSION 1

/*
 * A value of a row: NULL, an integer (true and false are 1 and 0), a
 * real, or a text of len bytes, NUL-terminated.  A row's texts belong
 * to the engine and last until the next row, or the end of the rows.
 */
enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT };
struct store_value {
	enum store_type type;
	int64_t i;
	double r;
	const char *s;
	size_t len;
};

/* A stream of rows an engine returns, read with store_rows_next(). */
struct store_rows;

struct store_engine;

/* The start of every engine's handle. */
struct itsm_store {
	const struct store_engine *engine;
};

/*
 * Opening, transactions, settings and rows: what every engine has.
 */
struct engine_core {
	/*
	 * Opens (and migrates) the database at path, as itsm_store_open()
	 * says; busy_ms > 0.
	 */
	int (*open)(itsm_store **out, const char *path, int flags,
	    int busy_ms);
	void (*close)(itsm_store *s);
	/* The schema version of the open database, or -1. */
	int (*version)(itsm_store *s);
	/*
	 * A counter that changes when another connection commits (-1 when
	 * it cannot tell): a long reader asks whether to read again.
	 */
	int64_t (*data_version)(itsm_store *s);

	/* Writing transactions: nested calls count; see itsm_store_begin(). */
	int (*begin)(itsm_store *s);
	int (*commit)(itsm_store *s);
	void (*rollback)(itsm_store *s);
	int (*committed)(const itsm_store *s);
	/* A read snapshot unless a transaction is open: see store_int.h. */
	int (*snapshot_begin)(itsm_store *s, int *began);
	void (*snapshot_end)(itsm_store *s, int began);

	/* A setting (NULL when unset); *out is the caller's to free(). */
	int (*meta_get)(itsm_store *s, const char *key, char **out);
	int (*meta_set)(itsm_store *s, const char *key, const char *value);

	/*
	 * The next row of r into *row (n values): 1, 0 at the end, or an
	 * ITSM_E code.  rows_free() ends them (NULL is nothing).
	 */
	int (*rows_next)(struct store_rows *r, const struct store_value **row,
	    size_t *n);
	void (*rows_free)(struct store_rows *r);

	/* Tests of the migrations: the next opens migrate only so far. */
	void (*test_set_version)(int version);
};

/*
 * Tickets and their events (lib/ticket*.c).
 */
struct engine_tickets {
	int reserved;
};

/*
 * Major incidents (lib/major.c).
 */
struct engine_majors {
	int reserved;
};

/*
 * Statistics (lib/stats.c).
 */
struct engine_stats {
	int reserved;
};

/*
 * Imports (lib/import*.c): rows as a line gives them, each value as
 * STORE_NULL, _INT (true and false are 1 and 0), _REAL or _TEXT (an
 * array or an object is its JSON text); texts are not owned.  The
 * engine stores them as they are, converting as its columns' types do.
 */

/* The columns of a ticket, in this order. */
enum imp_col {
	IC_ID, IC_TYPE, IC_STATUS, IC_SUMMARY, IC_DESCRIPTION, IC_CALLER,
	IC_AFFECTED, IC_CHANNEL, IC_CONTACT, IC_SERVICE, IC_CATEGORY,
	IC_SUBCATEGORY, IC_IMPACT, IC_URGENCY, IC_PRIORITY, IC_PRIORITY_RANK,
	IC_MAJOR, IC_TIER, IC_GROUP, IC_ASSIGNEE, IC_OPENED_AT, IC_UPDATED_AT,
	IC_RESPONDED_AT, IC_RESOLVED_AT, IC_CLOSED_AT, IC_RESPONSE_DUE,
	IC_RESOLUTION_DUE, IC_RESOLUTION_TYPE, IC_RESOLUTION_CODE,
	IC_RESOLUTION_NOTES, IC_SATISFACTION, IC_REOPEN_COUNT,
	IC_REASSIGNMENT_COUNT, IC_PARENT, IC_STAGNANT_ESCALATED_AT,
	IC_BREACH_ESCALATED_AT, IC_AUTO_CLOSED, IC_HOLD_REASON, IC_EXT_REF,
	IC_N
};

/* The columns of an event. */
enum imp_ecol {
	IE_AT, IE_RECORDED_AT, IE_ACTOR, IE_LOGIN, IE_KIND, IE_FIELD, IE_OLD,
	IE_NEW, IE_MESSAGE, IE_N
};

/* A major-incident dossier: its row, roster, findings and actions. */
enum imp_major {
	IM_STATE, IM_PROPOSED_AT, IM_PROPOSAL, IM_DECLARED_AT, IM_DECLARED_BY,
	IM_ENDED_AT, IM_BRIDGE, IM_ROOT_CAUSE, IM_N
};
enum imp_roster { IR_NAME, IR_ROLE, IR_SINCE, IR_N };
enum imp_finding { IF_KIND, IF_TEXT, IF_AT, IF_N };
enum imp_action { IA_N_, IA_TEXT, IA_OWNER, IA_DUE, IA_DONE_AT, IA_N };

struct store_crisis {
	struct store_value major[IM_N];
	const struct store_value (*roster)[IR_N];
	size_t nroster;
	const struct store_value (*findings)[IF_N];	/* in this order */
	size_t nfindings;
	const struct store_value (*actions)[IA_N];
	size_t nactions;
};

struct engine_port {
	/*
	 * Inserts a ticket, col[IC_N].  ITSM_E_INVALID with why (len bytes)
	 * set when the database refuses it (a constraint: the ticket
	 * exists, a status it does not know, ...).
	 */
	int (*import_ticket)(itsm_store *s, const struct store_value *col,
	    char *why, size_t len);
	/* Inserts one event, col[IE_N], of ticket id; ITSM_E_INVALID as above. */
	int (*import_event)(itsm_store *s, int64_t id,
	    const struct store_value *col, char *why, size_t len);
	/*
	 * Inserts ticket id's dossier: its row, then the roster, findings
	 * and actions in order; ITSM_E_INVALID as above ("crisis: ...").
	 */
	int (*import_crisis)(itsm_store *s, int64_t id,
	    const struct store_crisis *c, char *why, size_t len);
	/* Whether ticket id exists. */
	int (*import_exists)(itsm_store *s, int64_t id, int *found);
	/* Readies the store for a bulk write (a larger cache, say). */
	int (*bulk)(itsm_store *s);
	/*
	 * Lets a ticket refer to a parent inserted later in the same
	 * transaction (checked at the commit).
	 */
	int (*defer_foreign_keys)(itsm_store *s);
};

/* An engine: one of these, constant, per kind of database. */
struct store_engine {
	int version;			/* STORE_ENGINE_VERSION */
	const char *name;		/* "sqlite" */
	const struct engine_core *core;
	const struct engine_tickets *tickets;
	const struct engine_majors *majors;
	const struct engine_stats *stats;
	const struct engine_port *port;
};

/* The engines built in. */
extern const struct store_engine itsm_engine_sqlite;

static inline int
store_rows_next(itsm_store *s, struct store_rows *r,
    const struct store_value **row, size_t *n)
{
	return s->engine->core->rows_next(r, row, n);
}

static inline void
store_rows_free(itsm_store *s, struct store_rows *r)
{
	s->engine->core->rows_free(r);
}

#endif

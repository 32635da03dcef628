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
#define STORE_ENGINE_VERSION 5

/*
 * A value of a row: NULL, an integer (true and false are 1 and 0), a
 * real, or a text of len bytes, NUL-terminated.  A row's texts belong
 * to the engine and last until the next row, or the end of the rows.
 * i is 0 and s NULL unless the value is of their type.
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
	 * Opens the database path names (its form is the engine's: a file
	 * for SQLite).  A newer schema is always refused with ITSM_E_IO.
	 * Waits up to busy_ms (> 0) for another's lock.  The flags:
	 * - ITSM_STORE_READONLY: never creates nor migrates (no schema, or
	 *   an older one, is refused with ITSM_E_IO).
	 * - ITSM_STORE_INIT: creates the schema (ITSM_SCHEMA_VERSION) in a
	 *   database that has none, and what the engine enforces
	 *   permissions with (PostgreSQL: roles, grants, triggers); one that
	 *   has a schema is refused with ITSM_E_REFUSED, changed in nothing.
	 * - ITSM_STORE_UPGRADE: migrates an older schema forward and
	 *   re-applies the permissions; no schema is refused (ITSM_E_IO);
	 *   an engine with identities lets only the schema's owner (or a
	 *   superuser) do it, else ITSM_E_PERM.
	 * - ITSM_STORE_INSPECT: opens whatever schema version the database
	 *   has, none or older (itsm_store_version says which), writing
	 *   nothing; SQLite opens as without it.
	 * - none of them: the engine's everyday open.  SQLite creates and
	 *   migrates as INIT and UPGRADE would; an engine whose users are
	 *   many (PostgreSQL) never runs DDL here: no schema, or an older
	 *   one, is refused with ITSM_E_IO and a line naming 'itsm db init'
	 *   or 'itsm db upgrade'.
	 */
	int (*open)(itsm_store **out, const char *path, int flags,
	    int busy_ms);
	/* Ends what is open (a transaction rolls back) and frees s. */
	void (*close)(itsm_store *s);
	/* The files of a database: see itsm_store_files() in store.h. */
	const char *const *files;
	/* The schema version of the open database, or -1. */
	int (*version)(itsm_store *s);
	/*
	 * A counter that changes when another connection commits (-1 when
	 * it cannot tell): a long reader asks whether to read again.
	 */
	int64_t (*data_version)(itsm_store *s);
	/*
	 * Waits up to ms milliseconds, outside any transaction, for another
	 * connection's commit: 1 when data_version() differs from *version,
	 * which then holds the new one; 0 when the time ran out or a signal
	 * came first.  How it learns of a commit is the engine's (a file
	 * has no messenger: SQLite asks every quarter second).
	 */
	int (*wait)(itsm_store *s, int64_t *version, int ms);

	/*
	 * Writing transactions.  Writers are serialized: from begin() to
	 * commit() no other connection writes, and a begin() that cannot
	 * have that within busy_ms fails with ITSM_E_BUSY (the domain reads
	 * then writes in one transaction: numbers actions, checks values).
	 * Nested calls count, the outermost commits; a rollback() inside
	 * makes the outer commit() fail with ITSM_E_INTERNAL, writing
	 * nothing.  committed(): whether a transaction that changed rows
	 * was committed since the open (its migration aside).
	 */
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
	 * ITSM_E code.  rows_free() ends them (NULL is nothing).  Streams
	 * nest, and the connection that reads one may write meanwhile
	 * (export reads the events beside the walk of the tickets; the SLA
	 * refresh updates the ticket it reads): a stream
	 * still gives each of its rows once.  Texts are compared and
	 * ordered bytewise (as C's strcmp), and a NULL sorts before every
	 * value (last in a descending order), wherever a member says "by"
	 * or "in order".
	 */
	int (*rows_next)(struct store_rows *r, const struct store_value **row,
	    size_t *n);
	void (*rows_free)(struct store_rows *r);

	/* Tests of the migrations: the next opens migrate only so far. */
	void (*test_set_version)(int version);

	/*
	 * Who the connection is (struct itsm_who, store.h; every member
	 * set, the texts the caller's to free with itsm_who_free):
	 * - user: the authenticated user (PostgreSQL: session_user, never
	 *   a role SET ROLE took), or NULL when the engine enforces no
	 *   identity (SQLite);
	 * - role: the highest of itsm_technician < itsm_manager <
	 *   itsm_admin the user is a member of, directly or through other
	 *   roles; a superuser and the database's owner are admins;
	 *   ITSM_ROLE_NONE for none; ITSM_ROLE_ADMIN on an engine without
	 *   identities;
	 * - now: the server's clock, seconds since the epoch (0: the
	 *   engine has no clock of its own: SQLite);
	 * - server: the server's (or library's) name and version;
	 * - database: its name as messages give it.
	 * Works whatever the schema's version (itsm db status asks it).
	 */
	int (*whoami)(itsm_store *s, struct itsm_who *w);
};

/*
 * Tickets and their events (lib/ticket*.c).
 */
struct store_set;
struct store_event;
struct store_query;
#define STORE_EXISTS 1		/* insert(): the ticket exists already */
struct engine_tickets {
	/*
	 * A new ticket with the fields of set (keys of store_int.h):
	 * *id is its id; STORE_EXISTS, nothing inserted and no message
	 * kept, when a ticket with the same id or ext_ref exists already.
	 * update() sets fields of ticket id (ITSM_E_NOTFOUND when there is
	 * none).
	 */
	int (*insert)(itsm_store *s, const struct store_set *set, size_t n,
	    int64_t *id);
	int (*update)(itsm_store *s, int64_t id, const struct store_set *set,
	    size_t n);
	/* Appends an event to ticket's history (events are never changed). */
	int (*event_add)(itsm_store *s, int64_t ticket,
	    const struct store_event *e);
	/* Appends n events, in order, as n event_add() would. */
	int (*events_add)(itsm_store *s, int64_t ticket,
	    const struct store_event *e, size_t n);
	/* Whether a ticket has value, any case, as key (group, priority). */
	int (*has)(itsm_store *s, int key, const char *value);
	/* The newest event's id, 0 when none (nor on error). */
	int64_t (*last_event_id)(itsm_store *s);
	/* A ticket's latest status events: store_latest_events(). */
	int (*latest_events)(itsm_store *s, int64_t ticket,
	    const char *const *also, struct store_rows **out);
	/* A ticket's status changes: store_status_history(). */
	int (*status_history)(itsm_store *s, int64_t id,
	    struct store_rows **out);
	/* The open prioritized tickets' clocks: store_open_clocks(). */
	int (*open_clocks)(itsm_store *s, struct store_rows **out);
	/* One ticket's row: store_ticket_read(). */
	int (*read)(itsm_store *s, int64_t id, struct store_rows **out);
	/*
	 * The tickets a query selects, streamed: store_ticket_select().
	 * struct store_query (store_int.h) says exactly which and in what
	 * order; in short, a ticket is selected when it passes every
	 * condition set: its scope (open: new, in_progress, on_hold;
	 * workable: new, in_progress; all; a list of statuses; resolved
	 * with resolved_at <= resolved_by); type and assignee equal;
	 * priority and group equal in any case; assignee NULL or equal;
	 * stagnant: workable and updated_at < the cut of its priority
	 * (cut_at[i] where cut_name[i] equals it, bytewise, else
	 * cut_other); breached: workable and (responded_at NULL and
	 * response_due < overdue_before, or resolved_at NULL and
	 * resolution_due < overdue_before); not escalated: the escalation
	 * time NULL or <= updated_at.  A NULL value passes no comparison.
	 * Each row holds the keys of want in key order; at most limit
	 * rows.  Index hints are the engine's own business.
	 */
	int (*select)(itsm_store *s, const struct store_query *q,
	    struct store_rows **out);
	/* A ticket's events after an id: store_ticket_events(). */
	int (*events)(itsm_store *s, int64_t id, int64_t after,
	    struct store_rows **out);
	/* The events of the tickets select() gives: store_events_of(). */
	int (*events_of)(itsm_store *s, const struct store_query *q,
	    struct store_rows **out);
	/* A ticket by its external reference: store_ticket_find_ext(). */
	int (*find_ext)(itsm_store *s, const char *ext, int64_t *id);
};

/*
 * Major incidents (lib/major*.c).
 */
/* What of a major may be written. */
enum store_major_key {
	STORE_MAJOR_STATE,		/* text */
	STORE_MAJOR_PROPOSED_AT,	/* time */
	STORE_MAJOR_PROPOSAL,		/* text */
	STORE_MAJOR_DECLARED_AT,	/* time */
	STORE_MAJOR_DECLARED_BY,	/* text */
	STORE_MAJOR_ENDED_AT,		/* time */
	STORE_MAJOR_BRIDGE,		/* text */
	STORE_MAJOR_ROOT_CAUSE,		/* text */
	STORE_MAJOR_NKEYS
};
/* One value to set on a major: text (NULL sets none) or integer. */
struct store_major_set {
	enum store_major_key key;
	const char *text;
	int64_t num;
	int is_int;
};

struct engine_majors {
	/* The state of ticket id's major into state (len bytes; "": none). */
	int (*state)(itsm_store *s, int64_t id, char *state, size_t len);
	/* Creates ticket id's major, or updates it, with these n values. */
	int (*put)(itsm_store *s, int64_t id, const struct store_major_set *set,
	    size_t n);
	/* The ticket ids of the majors in state, newest declared first. */
	int (*in_state)(itsm_store *s, const char *state, int64_t **ids,
	    size_t *n);

	/* The role of name on the roster of id (*role NULL: not on it). */
	int (*roster_role)(itsm_store *s, int64_t id, const char *name,
	    char **role);
	/* Who holds role on the roster of id (*name NULL: nobody). */
	int (*roster_holder)(itsm_store *s, int64_t id, const char *role,
	    char **name);
	/* Puts name on the roster of id in role since then, or moves it. */
	int (*roster_put)(itsm_store *s, int64_t id, const char *name,
	    const char *role, int64_t since);
	/* Takes name off the roster of id (nothing when not on it). */
	int (*roster_delete)(itsm_store *s, int64_t id, const char *name);

	/* Appends a finding (kind: factor, went_well, ...) of a review. */
	int (*finding_add)(itsm_store *s, int64_t id, const char *kind,
	    const char *text, int64_t at);
	/* Adds an action, numbered *n from 1 per major. */
	int (*action_add)(itsm_store *s, int64_t id, const char *text,
	    const char *owner, int64_t due, int *n);
	/* Marks open action n done at; its text in *text (NULL: none open). */
	int (*action_done)(itsm_store *s, int64_t id, int n, int64_t at,
	    char **text);

	/*
	 * The tickets whose parent is id and whose status is one of
	 * statuses (NULL-terminated), by id.
	 */
	int (*children_in)(itsm_store *s, int64_t id,
	    const char *const *statuses, int64_t **ids, size_t *n);
	/*
	 * Rows (id, service, parent, major state or NULL) of the tickets
	 * of type in statuses (NULL-terminated), by id: all of them, or
	 * (storms) those with a service opened at or after since.
	 */
	int (*rule_candidates)(itsm_store *s, const char *type,
	    const char *const *statuses, struct store_rows **out);
	int (*storms)(itsm_store *s, const char *type,
	    const char *const *statuses, int64_t since,
	    struct store_rows **out);

	/*
	 * The dossier of ticket id, one stream a part:
	 * the major (0 or 1 row): state, proposed_at, proposal,
	 * declared_at, declared_by, ended_at, bridge, root_cause;
	 * the roster: name, role, since; by name;
	 * the children: id, type, status, caller; by id;
	 * the findings: kind, text, at; in the order recorded;
	 * the actions: n, text, owner, due, done_at; by n;
	 * the events of the kinds (NULL-terminated): id, at, kind, field,
	 * message; by id.
	 */
	int (*dossier)(itsm_store *s, int64_t id, struct store_rows **out);
	int (*roster)(itsm_store *s, int64_t id, struct store_rows **out);
	int (*children)(itsm_store *s, int64_t id, struct store_rows **out);
	int (*findings)(itsm_store *s, int64_t id, struct store_rows **out);
	int (*actions)(itsm_store *s, int64_t id, struct store_rows **out);
	int (*events)(itsm_store *s, int64_t id, const char *const *kinds,
	    struct store_rows **out);
};

/*
 * Statistics (lib/stats.c): the engine selects the tickets of a period
 * and streams them; the domain groups and counts them, walks their SLA
 * clocks and takes the percentiles.  Each stream's first value is the
 * key: the field named by a store_key (text, or NULL when the ticket has
 * none; always NULL for STORE_KEY_NONE).  Rows come in no given order
 * unless a member says so.
 */
enum store_key {
	STORE_KEY_NONE, STORE_KEY_PRIORITY, STORE_KEY_GROUP,
	STORE_KEY_CATEGORY, STORE_KEY_CHANNEL, STORE_KEY_TIER
};

/* A sort of (secs, g, p) triples that may outgrow memory. */
struct store_sorter;

struct engine_stats {
	/*
	 * The tickets opened in [since, until): key, status, resolved_at,
	 * responded_at, response_due, resolution_due, tier,
	 * reassignment_count, reopen_count, satisfaction (times and counts
	 * integers or NULL), then escalated: 1 when the ticket has an
	 * escalate event, looked up only for resolved tickets whose tier is
	 * first_tier (0 for the others, and for all when it is NULL).
	 */
	int (*opened)(itsm_store *s, enum store_key key, int64_t since,
	    int64_t until, const char *first_tier, struct store_rows **out);
	/* The tickets closed in [since, until): key. */
	int (*closed)(itsm_store *s, enum store_key key, int64_t since,
	    int64_t until, struct store_rows **out);
	/* The tickets whose status is now one of status[0..n): key. */
	int (*in_status)(itsm_store *s, enum store_key key,
	    const char *const *status, size_t n, struct store_rows **out);
	/*
	 * The tickets opened before at: key, and the status set by the
	 * latest status event before at (by time, then recording), NULL
	 * when there is none.
	 */
	int (*status_at)(itsm_store *s, enum store_key key, int64_t at,
	    struct store_rows **out);
	/*
	 * The priorities (text, or one NULL for none) of the resolved
	 * tickets opened in [since, until), each once.
	 */
	int (*resolved_priorities)(itsm_store *s, int64_t since,
	    int64_t until, struct store_rows **out);
	/*
	 * The resolved tickets opened in [since, until) with their status
	 * events, one row per event, by ticket id then event time and
	 * recording: key, id, priority, opened_at, resolved_at, the event's
	 * time and new status (both NULL, one row, when it has none).
	 */
	int (*resolved_history)(itsm_store *s, enum store_key key,
	    int64_t since, int64_t until, struct store_rows **out);

	/*
	 * A sorter for more triples than memory should hold (its store
	 * spills to disk): sorter_open(), any number of sorter_add(), then
	 * sorter_rows() streams them back as (secs, g, p) by secs
	 * increasing (ties in any order), once; sorter_close() ends it,
	 * once those rows are freed (NULL is nothing).  One sorter at a
	 * time per store, inside the caller's snapshot.
	 */
	int (*sorter_open)(itsm_store *s, struct store_sorter **out);
	int (*sorter_add)(struct store_sorter *t, int64_t secs, int64_t g,
	    int64_t p);
	int (*sorter_rows)(struct store_sorter *t, struct store_rows **out);
	void (*sorter_close)(struct store_sorter *t);
};

/*
 * Imports (lib/import*.c): rows as a line gives them, each value as
 * STORE_NULL, _INT (true and false are 1 and 0), _REAL or _TEXT (an
 * array or an object is its JSON text); texts are not owned.  The
 * engine stores them as they are, converting as its columns' types do.
 */

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
	 * Inserts a ticket: col[SK_NKEYS] by key (store_int.h), a value for
	 * each key TK_IMPORTED (lib/ticket_fields.h: every stored field but
	 * the read-only ones), the others unread.  ITSM_E_INVALID with why
	 * (len bytes) set when the database refuses it (a constraint: the
	 * ticket exists, a status it does not know, ...).
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
	/*
	 * Readies the store for a bulk write (a larger cache, say).  From
	 * then on the engine may hold the rows of import_ticket() and
	 * import_event() back and write them in batches (PostgreSQL's
	 * COPY): at the latest at import_flush(), before any statement of
	 * its own of another kind, and at commit().  A held row that the
	 * database refuses is then reported by the call that writes it,
	 * ITSM_E_INVALID with why, as if by its own call: the rows held
	 * before it are written, the ones after it dropped.
	 */
	int (*bulk)(itsm_store *s);
	/* Writes the rows held back (see bulk()); ITSM_E_INVALID as above. */
	int (*import_flush)(itsm_store *s, char *why, size_t len);
	/*
	 * import_mark(): the rows imported from now on come from mark (a
	 * line of the file, say); import_refused(): the mark of the row
	 * that the latest ITSM_E_INVALID of these ops refused, which may be
	 * a row held back since an earlier mark.
	 */
	void (*import_mark)(itsm_store *s, int64_t mark);
	int64_t (*import_refused)(itsm_store *s);
	/*
	 * Lets a ticket refer to a parent inserted later in the same
	 * transaction (checked at the commit).
	 */
	int (*defer_foreign_keys)(itsm_store *s);
};

/*
 * The outbox (lib/outbox.c): what is to be delivered once the
 * transaction that queued it has committed (a mail to send, a hook to
 * run), and the Message-IDs itsm sent or received (mail_messages).
 * The domain decides when a row is due, how often it is tried and the
 * backoff; the engine stores, claims and lists.
 */
struct store_outbox_new {
	int64_t created_at;
	int64_t ticket;			/* 0: none */
	int64_t event;			/* 0: none */
	const char *kind;		/* "mail" or "hook" */
	const char *name;		/* the notification or the hook */
	const char *recipients;		/* mail: the addresses; hook: its file */
	const char *message_id;		/* mail: "<...@domain>", unique */
	const char *payload;		/* the message, or the hook's input */
	int64_t next_attempt_at;	/* due from then */
};

/* A row claimed: its texts the caller's, freed by store_outbox_free(). */
struct store_outbox_row {
	int64_t id, ticket, event;	/* 0: none */
	int64_t created_at, attempts;	/* attempts: this one counted */
	char *kind, *name, *recipients, *message_id, *payload;
};

/* Frees n claimed rows (NULL is nothing); sorts them by id. */
void store_outbox_free(struct store_outbox_row *rows, size_t n);
void store_outbox_sort(struct store_outbox_row *rows, size_t n);

struct engine_outbox {
	/*
	 * Queues a row, state pending, no attempt made: *id its id (ids
	 * grow).  A mail's Message-ID is recorded in mail_messages too (its
	 * ticket, direction out, at created_at).  A Message-ID queued
	 * already is refused (ITSM_E_INTERNAL: a bug).
	 */
	int (*queue)(itsm_store *s, const struct store_outbox_new *o,
	    int64_t *id);
	/*
	 * Claims, in the caller's writing transaction, the pending rows due
	 * by now (next_attempt_at <= now): row id alone when id > 0, else
	 * at most limit of them, the longest due first (then by id).  Each
	 * claimed row counts one attempt more and is due again only at
	 * lease (no other claimer takes it until then); *rows (n of them,
	 * by id) are the caller's to free with store_outbox_free().
	 */
	int (*claim)(itsm_store *s, int64_t id, int64_t now, int64_t lease,
	    size_t limit, struct store_outbox_row **rows, size_t *n);
	/* Row id delivered at: state sent, sent_at at, last_error NULL. */
	int (*sent)(itsm_store *s, int64_t id, int64_t at);
	/*
	 * Row id not delivered, why: pending again from next_at, or failed
	 * for good when give_up (no more attempts).
	 */
	int (*failed)(itsm_store *s, int64_t id, const char *why,
	    int64_t next_at, int give_up);
	/*
	 * The rows not sent (pending and failed), or all of them when all,
	 * by id: id, created_at, ticket, event, kind, name, recipients,
	 * message_id, state, attempts, next_attempt_at, last_error,
	 * sent_at, and the ticket's type (NULL: no ticket).
	 */
	int (*list)(itsm_store *s, int all, struct store_rows **out);
	/*
	 * Records a Message-ID seen in direction ("in" or "out") for ticket
	 * (0: none) at; one already recorded is left as it was, and
	 * *added says which (1: recorded now).
	 */
	int (*message_add)(itsm_store *s, const char *message_id,
	    int64_t ticket, const char *direction, int64_t at, int *added);
	/*
	 * The ticket of a Message-ID: *ticket 0 when recorded without one,
	 * -1 when it is not recorded.
	 */
	int (*message_ticket)(itsm_store *s, const char *message_id,
	    int64_t *ticket);
	/*
	 * The first Message-ID of ticket (the earliest recorded, in or
	 * out; at the same time, one received, then the first queued),
	 * which a notification's In-Reply-To and References name:
	 * *out NULL when it has none, else the caller's to free().
	 */
	int (*thread)(itsm_store *s, int64_t ticket, char **out);
};

/*
 * Attachments of incoming mail (lib/intake.c, lib/attachment.c): the
 * bytes once per content, in blobs by SHA-256, and each arrival on a
 * ticket.  Which are kept is the domain's (the policy's limits).
 */
struct store_attachment_new {
	int64_t ticket;
	int64_t event;			/* 0: none */
	const char *message_id;		/* "<...>", or NULL */
	const char *name;		/* the file name, "" allowed */
	const char *type;		/* "image/png" */
	const char *sha256;		/* 64 lowercase hex digits, of data */
	const unsigned char *data;
	size_t size;
	int is_inline;
	int64_t at;
};

struct engine_attachments {
	/*
	 * Records an attachment of ticket: its blob when none with that
	 * SHA-256 is stored yet (*blob_added 1), else the one stored is
	 * kept (0); then the attachment's row, *id its id (ids grow).
	 */
	int (*add)(itsm_store *s, const struct store_attachment_new *a,
	    int64_t *id, int *blob_added);
	/*
	 * The attachments of ticket, by id: id, name, type, size, sha256,
	 * is_inline (0 or 1), at, message_id, event.
	 */
	int (*list)(itsm_store *s, int64_t ticket, struct store_rows **out);
	/*
	 * The bytes of the blob sha256 into *data (*size of them, the
	 * caller's to free()); ITSM_E_NOTFOUND when none is stored.
	 */
	int (*blob)(itsm_store *s, const char *sha256, unsigned char **data,
	    size_t *size);
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
	const struct engine_outbox *outbox;
	const struct engine_attachments *attachments;
};

/*
 * The engines built in.
 */
extern const struct store_engine itsm_engine_sqlite;
extern const struct store_engine itsm_engine_pg;

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

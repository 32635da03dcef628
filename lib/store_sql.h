/*
 * The SQL of the engines that keep tickets in tables of the same schema
 * (lib/sqlite/, lib/pg/): the column of each key, and the statements
 * that select tickets by a store query, built once for both.  Each
 * engine gives its dialect (struct qb_dialect): how a parameter is
 * written, how texts compare in any case, the order its indexes keep,
 * the hints its planner needs; it then binds the values the builder
 * kept aside, in its own way.  No value ever reaches the SQL text.
 * Engine land: the domain never includes this file.
 */
#ifndef ITSM_STORE_SQL_H
#define ITSM_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

/* The column of each key (store_columns.h), NULL for the ref. */
extern const char *const store_column[SK_NKEYS];

/* Every stored field of a ticket's object, in key order. */
#define STORE_TICKET_KEYS ((SK_BIT(ITSM_NFIELDS) - 1) & ~SK_BIT(ITSM_F_REF))

struct qb_dialect {
	char mark;			/* of a parameter: '?' 1, '$' 1 */
	const char *text_type;		/* after a text parameter compared */
	const char *int_type;		/* after an integer one */
	/* column = value, in any case (ASCII): pre column mid value post. */
	const char *nocase_pre, *nocase_mid, *nocase_post;
	/* value in column, in any case (ASCII): pre column mid value post. */
	const char *contains_pre, *contains_mid, *contains_post;
	const char *queue_order;	/* ORDER BY of STORE_BY_QUEUE */
	const char *resolved_order;	/* ORDER BY of STORE_BY_RESOLVED */
	const char *stagnant_from;	/* the table of the stagnant arms */
	/* After "FROM tickets t" of a select, or NULL: a planner's hint. */
	const char *(*plan)(const struct store_query *f);
};

/* At most: 2 a cut, and the other filters. */
#define QB_ARGS (2 * STORE_MAX_CUTS + 32)

struct qb {
	const struct qb_dialect *d;
	char sql[16384];
	size_t off;
	int n;				/* parameters, numbered from 1 */
	struct qb_arg {
		const char *text;	/* NULL: SQL NULL (unless is_int) */
		int64_t num;
		int is_int;
	} arg[QB_ARGS];
	int overflow;
};

void	qb_init(struct qb *q, const struct qb_dialect *d);
__attribute__((format(printf, 2, 3)))
void	qb_sql(struct qb *q, const char *fmt, ...);
/* A parameter's placeholder, bare ("$3"); typed in a comparison. */
void	qb_bare_text(struct qb *q, const char *v);
void	qb_bare_int(struct qb *q, int64_t v);
void	qb_text(struct qb *q, const char *v);
void	qb_int(struct qb *q, int64_t v);
/* The columns of the keys of want, in key order. */
void	qb_columns(struct qb *q, uint64_t want);

/* SELECT of the tickets f selects, in its order, within its limit. */
void	qb_select(struct qb *q, const struct store_query *f);
/*
 * SELECT of the events of the tickets qb_select() gives for f, by
 * ticket then id: at, recorded_at, actor, login, kind, field, old, new,
 * message, id, ticket.
 */
void	qb_events_of(struct qb *q, const struct store_query *f);
/* SELECT of every stored field of one ticket, its id the parameter. */
void	qb_read(struct qb *q, int64_t id);

/* 0, or ITSM_E_INVALID when the statement did not fit. */
int	qb_check(const struct qb *q);

#endif

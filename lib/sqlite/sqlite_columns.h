/*
 * Shared by the ticket files of the SQLite engine (sqlite_ticket.c,
 * sqlite_sla.c, sqlite_port.c): the columns of a ticket's keys
 * (lib/store_columns.h, both SQL engines'), and the clocks' read.
 */
#ifndef ITSM_SQLITE_COLUMNS_H
#define ITSM_SQLITE_COLUMNS_H

#include "store_columns.h"

/* The SLA clocks' reads (sqlite_sla.c). */
int sq_status_history(itsm_store *s, int64_t id, struct store_rows **out);
int sq_open_clocks(itsm_store *s, struct store_rows **out);

#endif

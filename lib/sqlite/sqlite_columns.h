/*
 * Shared by the ticket files of the SQLite engine (sqlite_ticket.c,
 * sqlite_sla.c).
 */
#ifndef ITSM_SQLITE_COLUMNS_H
#define ITSM_SQLITE_COLUMNS_H

#include "store_int.h"

/* Each open prioritized ticket's clock to fn (sqlite_sla.c). */
int sq_open_clocks(itsm_store *s, store_clock_fn fn, void *arg);

#endif

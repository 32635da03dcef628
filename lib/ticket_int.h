/*
 * The context and the ticket record, shared by ticket.c (decisions) and
 * store_ticket.c (their SQL).  Not part of the public API.
 */
#ifndef ITSM_TICKET_INT_H
#define ITSM_TICKET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/ticket.h"

struct itsm_ctx {
	itsm_store *store;
	const itsm_policy *policy;
	int64_t now;
	char *actor;		/* shown in history */
	char *login;		/* always the login name */
};

#endif

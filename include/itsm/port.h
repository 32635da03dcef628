/*
 * Export and import: JSON Lines that give back the same database content,
 * and a ServiceNow incident event log (CSV), gzip or not.
 */
#ifndef ITSM_PORT_H
#define ITSM_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/ticket.h"

/*
 * Streams the tickets the filter selects (every status when it names
 * none), by id, one JSON object a line: the ticket, its events, the
 * store's bookkeeping and its major-incident dossier.  write gets each
 * line (without the newline); a non-zero return stops the export.
 */
int itsm_export(itsm_ctx *c, const struct itsm_filter *f,
    int (*write)(void *arg, const char *line), void *arg);

enum itsm_import_format {
	ITSM_FORMAT_AUTO,	/* from the first line */
	ITSM_FORMAT_JSONL,	/* what itsm_export writes */
	ITSM_FORMAT_SERVICENOW	/* a ServiceNow incident event log, CSV */
};

struct itsm_import_stats {
	size_t lines;		/* read, header included */
	size_t tickets, events;	/* imported */
	size_t skipped;		/* rows left out, each reported */
	size_t checked;		/* --policy-check: events compared */
	size_t disagree;	/* ... whose priority the matrix does not give */
};

struct itsm_import_opts {
	enum itsm_import_format format;
	int policy_check;
	/* Called every so many lines (may be NULL). */
	void (*progress)(void *arg, size_t lines);
	/* Called for each row left out, with its line and why (may be NULL). */
	void (*skipped)(void *arg, size_t line, const char *why);
	/* Called for each disagreement of --policy-check (may be NULL). */
	void (*disagree)(void *arg, size_t line, const char *what);
	void *arg;
};

/*
 * Imports path ("-" for standard input), gzip-compressed or not, in one
 * transaction: all or nothing.  An error names the line.
 */
int itsm_import(itsm_ctx *c, const char *path,
    const struct itsm_import_opts *o, struct itsm_import_stats *st);

/*
 * Finds a ticket by the number it had in the tool it was imported from
 * ("INC0000045"); ITSM_E_NOTFOUND when none has it.
 */
int itsm_ticket_find_ext(itsm_ctx *c, const char *ext, int64_t *id);

#endif

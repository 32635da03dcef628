/*
 * One event of a ticket's history, as show and major watch print it: a
 * line of text, or the cells of a tsv or csv line.
 */
#include <stdio.h>

#include "cmd.h"

void
out_event_cells(FILE *o, const itsm_event *e, enum fmt fmt, int first)
{
	static const enum itsm_event_field cols[] = { ITSM_EV_AT,
	    ITSM_EV_ACTOR, ITSM_EV_KIND, ITSM_EV_FIELD, ITSM_EV_FROM,
	    ITSM_EV_TO, ITSM_EV_MESSAGE };
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		out_field(o, itsm_event_str(e, cols[i]), fmt, first && i == 0);
	fputc('\n', o);
}

void
out_event_line(struct app *a, FILE *o, const itsm_event *e,
    const char *indent, int quote)
{
	char at[ITSM_TIMEBUF];
	const char *s;

	fprintf(o, "%s%s  ", indent, time_text(a,
	    itsm_event_int(e, ITSM_EV_AT), at));
	out_escaped(o, itsm_event_str(e, ITSM_EV_ACTOR), FMT_TABLE);
	fputs("  ", o);
	out_escaped(o, itsm_event_str(e, ITSM_EV_KIND), FMT_TABLE);
	if ((s = itsm_event_str(e, ITSM_EV_FIELD)) != NULL) {
		fputs("  ", o);
		out_escaped(o, s, FMT_TABLE);
		fputs(": ", o);
		s = itsm_event_str(e, ITSM_EV_FROM);
		out_escaped(o, s ? s : "-", FMT_TABLE);
		fputs(" -> ", o);
		s = itsm_event_str(e, ITSM_EV_TO);
		out_escaped(o, s ? s : "-", FMT_TABLE);
	}
	if ((s = itsm_event_str(e, ITSM_EV_MESSAGE)) != NULL) {
		fputs(quote ? "  \"" : "  ", o);
		out_escaped(o, s, FMT_TABLE);
		if (quote)
			fputc('"', o);
	}
	fputc('\n', o);
}

/*
 * itsm show: every field of one ticket and its full history.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/* The description, indented, one escaped line per line of text. */
static void
show_description(FILE *o, const char *s)
{
	const char *nl;
	char *line;
	size_t n;

	fputc('\n', o);
	for (;;) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if ((line = strndup(s, n)) == NULL)
			return;
		fputs("  ", o);
		out_escaped(o, line, FMT_TABLE);
		fputc('\n', o);
		free(line);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/*
 * "due 2026-11-28T09:15:00Z (5m left)", "(2h over)", "(met)", ...: left
 * is working time of the ticket's calendar, over is on the wall clock.
 */
static void
show_clock(struct app *app, const char *name, int64_t due, int64_t left,
    int64_t done, int paused, int breached)
{
	char when[ITSM_TIMEBUF], d[32];
	int64_t now = itsm_ctx_now(app->ctx);

	fprintf(app->out, "  %-19s due %s ", name, time_text(app, due, when));
	if (done != 0) {
		fprintf(app->out, "(%s)\n", breached ? "missed" : "met");
		return;
	}
	if (paused) {
		itsm_duration_format(left, d, sizeof(d));
		fprintf(app->out, "(paused, %s left)\n", d);
	} else if (due >= now) {
		itsm_duration_format(left > 0 ? left : 0, d, sizeof(d));
		fprintf(app->out, "(%s left)\n", d);
	} else {
		itsm_duration_format(now - due, d, sizeof(d));
		fprintf(app->out, "%s(%s over)%s\n", color(app, "\033[1;31m"), d,
		    color(app, "\033[0m"));
	}
}

/* The SLA clocks, live from the history and the policy. */
static void
show_sla(struct app *app, const itsm_ticket *t)
{
	struct itsm_sla s;
	char d[32];
	int64_t id = itsm_ticket_int(t, ITSM_F_ID);

	if (itsm_sla_get(app->ctx, id, &s) != 0 || !s.prioritized)
		return;
	fprintf(app->out, "\n%ssla%s\n", color(app, "\033[1m"),
	    color(app, "\033[0m"));
	show_clock(app, "response", s.response_due, s.response_left,
	    itsm_ticket_str(t, ITSM_F_RESPONDED_AT) ?
	    itsm_ticket_int(t, ITSM_F_RESPONDED_AT) : 0, s.paused,
	    s.response_breached);
	show_clock(app, "resolution", s.resolution_due, s.resolution_left,
	    itsm_ticket_str(t, ITSM_F_RESOLVED_AT) ?
	    itsm_ticket_int(t, ITSM_F_RESOLVED_AT) : 0, s.paused,
	    s.resolution_breached);
	itsm_duration_format(s.running, d, sizeof(d));
	fprintf(app->out, "  %-19s %s", "clock ran", d);
	itsm_duration_format(s.paused_for, d, sizeof(d));
	fprintf(app->out, ", stopped %s\n", d);
	fprintf(app->out, "  %-19s %s\n", "calendar", s.calendar);
}

static void
show_table(struct app *app, const itsm_ticket *t)
{
	FILE *o = app->out;
	const char *s;
	char rel[32], when[ITSM_TIMEBUF];
	int f;

	fputs(color(app, "\033[1m"), o);
	fputs(itsm_ticket_str(t, ITSM_F_REF), o);
	fputs(color(app, "\033[0m"), o);
	fputs("  ", o);
	out_escaped(o, itsm_ticket_str(t, ITSM_F_SUMMARY), FMT_TABLE);
	fputc('\n', o);
	for (f = 0; f < ITSM_NFIELDS; f++) {
		if (f == ITSM_F_REF || f == ITSM_F_SUMMARY ||
		    f == ITSM_F_DESCRIPTION)
			continue;
		if ((s = itsm_ticket_str(t, (enum itsm_field)f)) == NULL)
			continue;
		fprintf(o, "  %-19s ", itsm_field_name((enum itsm_field)f));
		if (itsm_field_kind((enum itsm_field)f) == ITSM_FK_TIME) {
			fputs(time_text(app, itsm_ticket_int(t,
			    (enum itsm_field)f), when), o);
			itsm_time_relative(itsm_ticket_int(t, (enum itsm_field)f),
			    itsm_ctx_now(app->ctx), rel, sizeof(rel));
			fprintf(o, " (%s)", rel);
		} else {
			out_escaped(o, s, FMT_TABLE);
		}
		fputc('\n', o);
	}
	show_sla(app, t);
	if ((s = itsm_ticket_str(t, ITSM_F_DESCRIPTION)) != NULL)
		show_description(o, s);
}

static int
show_events(struct app *app, int64_t id)
{
	itsm_event_iter *it = NULL;
	const itsm_event *e;
	FILE *o = app->out;
	int rc, first = 1;

	if ((rc = itsm_events(app->ctx, id, &it)) != 0)
		return fail(rc);
	while ((rc = itsm_event_next(it, &e)) == 1) {
		if (app->fmt == FMT_TSV) {
			fputs("event", o);
			out_event_cells(o, e, FMT_TSV, 0);
			continue;
		}
		if (first)
			fprintf(o, "\n%shistory%s\n", color(app, "\033[1m"),
			    color(app, "\033[0m"));
		first = 0;
		out_event_line(app, o, e, "  ", 1);
	}
	itsm_event_iter_free(it);
	return rc < 0 ? fail(rc) : 0;
}

/* The attachments of its mail: a section, or nothing when none. */
static void
show_attachments(struct app *app, const struct itsm_attachment *v, size_t n)
{
	char when[ITSM_TIMEBUF];
	FILE *o = app->out;
	size_t i;

	if (n == 0)
		return;
	fprintf(o, "\n%sattachments%s\n", color(app, "\033[1m"),
	    color(app, "\033[0m"));
	for (i = 0; i < n; i++) {
		fputs("  ", o);
		out_escaped(o, v[i].name[0] != '\0' ? v[i].name : "(no name)",
		    FMT_TABLE);
		fputs("  ", o);
		out_escaped(o, v[i].type, FMT_TABLE);
		fprintf(o, "  %lld bytes  %.12s  %s%s\n", (long long)v[i].size,
		    v[i].sha256, time_text(app, v[i].at, when),
		    v[i].is_inline ? "  inline" : "");
	}
}

/* The ticket's JSON with "attachments" (when it has any) at its end. */
static void
show_json(struct app *app, const itsm_ticket *t,
    const struct itsm_attachment *v, size_t n)
{
	const char *j = itsm_ticket_json(t);
	size_t len = strlen(j), i;
	char *head;

	if (n == 0 || len < 2 || j[len - 1] != '}' ||
	    (head = strndup(j, len - 1)) == NULL) {
		out_json(app->out, j);
		fputc('\n', app->out);
		return;
	}
	out_json(app->out, head);
	free(head);
	fputs(",\"attachments\":[", app->out);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', app->out);
		out_attachment_json(app->out, &v[i]);
	}
	fputs("]}\n", app->out);
}

static int
run(struct app *app, const struct args *a)
{
	itsm_ticket *t = NULL;
	struct itsm_attachment *att = NULL;
	int fields[ITSM_NFIELDS], f, rc;
	size_t natt = 0;
	int64_t id;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if ((rc = itsm_ticket_get_full(app->ctx, id, &t)) != 0)
		return fail(rc);
	if ((rc = itsm_attachments(app->ctx, id, &att, &natt)) != 0) {
		itsm_ticket_free(t);
		return fail(rc);
	}
	for (f = 0; f < ITSM_NFIELDS; f++)
		fields[f] = f;
	if (app->quiet) {
		fprintf(app->out, "%s\n", itsm_ticket_str(t, ITSM_F_REF));
	} else if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		show_json(app, t, att, natt);
	} else if (app->fmt == FMT_CSV) {
		out_csv_header(app, fields, ITSM_NFIELDS);
		out_ticket_row(app, t, fields, ITSM_NFIELDS, 1);
	} else if (app->fmt == FMT_TSV) {
		for (f = 0; f < ITSM_NFIELDS; f++) {
			fputs(itsm_field_name((enum itsm_field)f), app->out);
			out_field(app->out, itsm_ticket_str(t,
			    (enum itsm_field)f), FMT_TSV, 0);
			fputc('\n', app->out);
		}
		rc = show_events(app, id);
	} else {
		show_table(app, t);
		show_attachments(app, att, natt);
		rc = show_events(app, id);
	}
	itsm_attachments_free(att, natt);
	itsm_ticket_free(t);
	return rc;
}

const struct cmd cmd_show = {
	.name = "show",
	.summary = "every field of a ticket and its full history",
	.operands = "REF",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

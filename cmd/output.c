/*
 * Output: tables, rows and headers in each format (table, tsv, csv, json,
 * jsonl), colour, the terminal width, and the result of an action.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"

int
term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	int n;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols != NULL && (n = atoi(cols)) > 0)
		return n;
	return 80;
}

const char *
color(struct app *a, const char *code)
{
	return a->color ? code : "";
}

const char *
time_text(const struct app *a, int64_t t, char *buf)
{
	itsm_time_format_tz(t, a->zone, buf);
	return buf;
}

/* Width of a field's column in the table. */
static int
field_width(int f)
{
	switch (f) {
	case ITSM_F_ID: return 6;
	case ITSM_F_REF: return 9;
	case ITSM_F_PRIORITY: return 9;	/* "MAJOR P1!" */
	case ITSM_F_STATUS: return 11;
	case ITSM_F_TYPE: return 8;
	case ITSM_F_MAJOR: return 5;
	case ITSM_F_TIER: return 4;
	case ITSM_F_IMPACT:
	case ITSM_F_URGENCY: return 7;
	case ITSM_F_GROUP:
	case ITSM_F_CATEGORY:
	case ITSM_F_SUBCATEGORY: return 14;
	case ITSM_F_CALLER:
	case ITSM_F_AFFECTED:
	case ITSM_F_ASSIGNEE:
	case ITSM_F_CHANNEL:
	case ITSM_F_SERVICE: return 12;
	default:
		return itsm_field_kind((enum itsm_field)f) == ITSM_FK_TIME ?
		    9 : itsm_field_kind((enum itsm_field)f) == ITSM_FK_INT ?
		    6 : 20;
	}
}

/* The header of a table column: the field name in capitals. */
static void
header_name(int f, char *buf, size_t len)
{
	const char *n = itsm_field_name((enum itsm_field)f);
	size_t i;

	if (f == ITSM_F_OPENED_AT)
		n = "age";
	else if (f == ITSM_F_PRIORITY)
		n = "pri";
	for (i = 0; n[i] && i + 1 < len; i++)
		buf[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
	buf[i] = '\0';
}

/*
 * The remaining width for the last column of a table; not cut when the
 * table goes to a file or a pipe.
 */
static int
last_width(struct app *a, const int *fields, int nfields)
{
	int i, used = 0, w;

	if (!a->tty)
		return 1 << 20;
	/* Asked once: a list asks at every row. */
	if (a->cols == 0)
		a->cols = term_width();
	w = a->cols;
	for (i = 0; i < nfields - 1; i++)
		used += field_width(fields[i]) + 1;
	return w - used > 10 ? w - used : 10;
}

void
out_table_header(struct app *a, const int *fields, int nfields)
{
	char name[32];
	int i;

	fputs(color(a, "\033[1m"), a->out);
	for (i = 0; i < nfields; i++) {
		header_name(fields[i], name, sizeof(name));
		out_cell(a->out, name, i == nfields - 1 ?
		    last_width(a, fields, nfields) : field_width(fields[i]),
		    i == nfields - 1);
	}
	fputs(color(a, "\033[0m"), a->out);
	fputc('\n', a->out);
}

void
out_csv_header(struct app *a, const int *fields, int nfields)
{
	int i;

	for (i = 0; i < nfields; i++) {
		if (i)
			fputc(',', a->out);
		fputs(itsm_field_name((enum itsm_field)fields[i]), a->out);
	}
	fputc('\n', a->out);
}

/* The colour of a priority: the first three of the policy stand out. */
static const char *
priority_color(struct app *a, const char *pri)
{
	const itsm_policy *p = a->policy;
	size_t i;

	if (pri == NULL || p == NULL || itsm_policy_priority_find(p, pri, &i))
		return "";
	switch (i) {
	case 0: return color(a, "\033[1;31m");
	case 1: return color(a, "\033[31m");
	case 2: return color(a, "\033[33m");
	default: return "";
	}
}

/*
 * The fields out_ticket_row() reads of a ticket (ITSM_FIELD_BIT of each),
 * for itsm_list() to read those only.
 */
uint64_t
out_row_fields(const struct app *a, const int *fields, int nfields)
{
	uint64_t m = ITSM_FIELD_BIT(ITSM_F_REF);
	int i;

	if (a->quiet || a->fmt == FMT_JSON || a->fmt == FMT_JSONL)
		return m;
	for (i = 0; i < nfields; i++)
		m |= ITSM_FIELD_BIT(fields[i]);
	/* The table marks a breached ticket's priority, and a major's. */
	if (a->fmt == FMT_TABLE && (m & ITSM_FIELD_BIT(ITSM_F_PRIORITY)))
		m |= ITSM_FIELDS_BREACHED | ITSM_FIELD_BIT(ITSM_F_MAJOR);
	return m;
}

int
out_ticket_row(struct app *a, const itsm_ticket *t, const int *fields,
    int nfields, int first)
{
	char rel[32], mark[64];
	const char *s, *col;
	int i, f, last, major;

	if (a->quiet) {
		fprintf(a->out, "%s\n", itsm_ticket_str(t, ITSM_F_REF));
		return 0;
	}
	switch (a->fmt) {
	case FMT_JSON:
		fputs(first ? "[\n" : ",\n", a->out);
		out_json(a->out, itsm_ticket_json(t));
		return 0;
	case FMT_JSONL:
		out_json(a->out, itsm_ticket_json(t));
		fputc('\n', a->out);
		return 0;
	default:
		break;
	}
	for (i = 0; i < nfields; i++) {
		f = fields[i];
		s = itsm_ticket_str(t, (enum itsm_field)f);
		last = i == nfields - 1;
		switch (a->fmt) {
		case FMT_TSV:
		case FMT_CSV:
			out_field(a->out, s, a->fmt, i == 0);
			if (last)
				fputc('\n', a->out);
			break;
		default:
			if (s != NULL && itsm_field_kind((enum itsm_field)f) ==
			    ITSM_FK_TIME) {
				itsm_time_relative(itsm_ticket_int(t,
				    (enum itsm_field)f), itsm_ctx_now(a->ctx),
				    rel, sizeof(rel));
				s = rel;
			}
			col = f == ITSM_F_PRIORITY ? priority_color(a, s) :
			    f == ITSM_F_MAJOR && itsm_ticket_int(t, ITSM_F_MAJOR) ?
			    color(a, "\033[1;35m") : "";
			/*
			 * A breached ticket's priority carries a "!"; a
			 * major's reads "MAJOR" first, in the major's colour.
			 */
			if (f == ITSM_F_PRIORITY && (s != NULL ||
			    itsm_ticket_int(t, ITSM_F_MAJOR))) {
				major = itsm_ticket_int(t, ITSM_F_MAJOR) != 0;
				snprintf(mark, sizeof(mark), "%s%.50s%s",
				    major ? "MAJOR " : "", s ? s : "-",
				    s != NULL && itsm_ticket_breached(t,
				    itsm_ctx_now(a->ctx)) ? "!" : "");
				s = mark;
				if (major)
					col = color(a, "\033[1;35m");
			}
			fputs(col, a->out);
			out_cell(a->out, s ? s : "-", last ?
			    last_width(a, fields, nfields) : field_width(f), last);
			if (*col)
				fputs("\033[0m", a->out);
			if (last)
				fputc('\n', a->out);
			break;
		}
	}
	return 0;
}

/* The next "%r" in text, or "%s" too when with_value; NULL when none. */
static const char *
next_token(const char *text, int with_value)
{
	for (; *text != '\0'; text++)
		if (text[0] == '%' && (text[1] == 'r' ||
		    (with_value && text[1] == 's')))
			return text;
	return NULL;
}

int
print_result(struct app *a, int64_t id, const char *text, const char *value)
{
	itsm_ticket *t = NULL;
	const char *ref, *r;
	int rc;

	if ((rc = itsm_ticket_get(a->ctx, id, &t)) != 0)
		return fail(rc);
	ref = itsm_ticket_str(t, ITSM_F_REF);
	if (a->quiet) {
		fprintf(a->out, "%s\n", ref);
	} else if (a->fmt == FMT_JSON || a->fmt == FMT_JSONL) {
		out_json(a->out, itsm_ticket_json(t));
		fputc('\n', a->out);
	} else if (text == NULL) {
		fprintf(a->out, "%s\n", ref);
	} else {
		for (; (r = next_token(text, value != NULL)) != NULL;
		    text = r + 2) {
			fwrite(text, 1, (size_t)(r - text), a->out);
			if (r[1] == 'r')
				fputs(ref, a->out);
			else
				out_escaped(a->out, value, FMT_TABLE);
		}
		out_escaped(a->out, text, FMT_TABLE);
		fputc('\n', a->out);
	}
	itsm_ticket_free(t);
	return 0;
}

void
print_sweep_item(struct app *a, const struct itsm_sweep_item *it,
    const char *done, const char *dry_verb, int dry, int *n)
{
	const char *ref = itsm_ticket_str(it->ticket, ITSM_F_REF);
	char what[64];

	if (a->quiet) {
		fprintf(a->out, "%s\n", ref);
	} else if (a->fmt == FMT_JSON || a->fmt == FMT_JSONL) {
		if (a->fmt == FMT_JSON)
			fputs(*n == 0 ? "[\n" : ",\n", a->out);
		fprintf(a->out, "{\"ref\":\"%s\",\"action\":", ref);
		out_json_string(a->out, dry ? dry_verb : done);
		fprintf(a->out, ",\"dry_run\":%s,\"detail\":", dry ? "true" :
		    "false");
		out_json_string(a->out, it->why);
		fprintf(a->out, ",\"managers\":%zu,\"ticket\":", it->managers);
		out_json(a->out, itsm_ticket_json(it->ticket));
		fputc('}', a->out);
		if (a->fmt == FMT_JSONL)
			fputc('\n', a->out);
	} else {
		if (dry)
			snprintf(what, sizeof(what), "%s", dry_verb);
		else if (strcmp(done, "escalated") == 0)
			snprintf(what, sizeof(what), "escalated to %zu manager%s",
			    it->managers, it->managers == 1 ? "" : "s");
		else
			snprintf(what, sizeof(what), "%s", done);
		fprintf(a->out, "%s%s%s%s", ref, a->fmt == FMT_TSV ? "\t" : " ",
		    what, a->fmt == FMT_TSV ? "\t" : ": ");
		out_escaped(a->out, it->why, a->fmt == FMT_TSV ? FMT_TSV :
		    FMT_TABLE);
		fputc('\n', a->out);
	}
	(*n)++;
}

void
print_sweep_end(struct app *a, int n)
{
	/* Nothing at all when nothing happened: cron mails only news. */
	if (a->fmt == FMT_JSON && !a->quiet && n > 0)
		fputs("\n]\n", a->out);
}

/*
 * Output: the formats (table, tsv, csv, json, jsonl), escaping of control
 * characters so that stored text never reaches a terminal raw, colour,
 * and the terminal width.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"

/*
 * Length of the valid UTF-8 sequence at p (1..4), or 0 when the bytes
 * there are not one.  *cp receives the code point.
 */
static int
utf8_len(const unsigned char *p, unsigned *cp)
{
	int n, i;
	unsigned c;

	if (*p < 0x80) {
		*cp = *p;
		return 1;
	}
	if ((*p & 0xe0) == 0xc0) {
		n = 2; c = *p & 0x1f;
	} else if ((*p & 0xf0) == 0xe0) {
		n = 3; c = *p & 0x0f;
	} else if ((*p & 0xf8) == 0xf0) {
		n = 4; c = *p & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Whether code point c must not reach a terminal as itself: a control
 * character (C0, DEL, C1), or an invisible character that changes how
 * the text around it reads: the bidirectional marks, embeddings,
 * overrides and isolates (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), the line and paragraph separators (U+2028, U+2029),
 * and the other invisible format characters: U+180E, U+200B, U+2060..
 * U+206F, U+FEFF, U+FFF9..U+FFFB and the tags U+E0000..U+E007F.  The
 * joiners U+200C and U+200D stay: scripts and emoji need them.
 */
static int
is_unsafe(unsigned c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return 1;
	if (c < 0x61c)
		return 0;
	return c == 0x61c || c == 0x180e || c == 0x200b || c == 0x200e ||
	    c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
	    (c >= 0xfff9 && c <= 0xfffb) || (c >= 0xe0000 && c <= 0xe007f);
}

/*
 * The byte length of the character at s (a byte that is not UTF-8: 1);
 * *unsafe tells whether it must not reach a terminal as itself (such a
 * byte, or a character of is_unsafe()).
 */
int
out_char_len(const char *s, int *unsafe)
{
	unsigned cp;
	int n = utf8_len((const unsigned char *)s, &cp);

	*unsafe = n == 0 || is_unsafe(cp);
	return n ? n : 1;
}

/* Writes each of the n bytes at p as \xNN. */
static void
put_hex(FILE *f, const unsigned char *p, int n)
{
	static const char hex[] = "0123456789abcdef";
	char b[4] = { '\\', 'x', 0, 0 };
	int i;

	for (i = 0; i < n; i++) {
		b[2] = hex[p[i] >> 4];
		b[3] = hex[p[i] & 0xf];
		fwrite(b, 1, sizeof(b), f);
	}
}

/* Writes code point c as \uXXXX, or a surrogate pair past U+FFFF. */
static void
put_json_escape(FILE *f, unsigned c)
{
	if (c > 0xffff) {
		c -= 0x10000;
		fprintf(f, "\\u%04x\\u%04x", 0xd800 + (c >> 10),
		    0xdc00 + (c & 0x3ff));
	} else {
		fprintf(f, "\\u%04x", c);
	}
}

/*
 * Writes s escaped for mode: in a table and in messages, the characters
 * of is_unsafe() and invalid bytes become \n, \t, \r or \xNN (one per
 * byte); tsv also escapes the backslash so that the escaping can be
 * undone; csv keeps \n, \r and \t (the quoting carries them).  What
 * prints as itself goes out in runs, one write each.
 */
static void
escaped_n(FILE *f, const char *s, size_t len, enum fmt mode)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	const unsigned char *end = p + len;
	unsigned cp;
	int n;

	while (p < end) {
		if (*p >= 0x20 && *p < 0x7f && (*p != '\\' || mode != FMT_TSV)) {
			p++;
			continue;
		}
		n = utf8_len(p, &cp);
		if (n > 1 && !is_unsafe(cp)) {
			p += n;
			continue;
		}
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (n == 0)
			put_hex(f, p, n = 1);
		else if (cp == '\\')
			fputs("\\\\", f);
		else if (mode == FMT_CSV && (cp == '\n' || cp == '\r' ||
		    cp == '\t'))
			fputc((int)cp, f);
		else if (cp == '\n')
			fputs("\\n", f);
		else if (cp == '\t')
			fputs("\\t", f);
		else if (cp == '\r')
			fputs("\\r", f);
		else
			put_hex(f, p, n);
		p += n;
		run = p;
	}
	if (p > run)
		fwrite(run, 1, (size_t)(p - run), f);
}

void
out_escaped(FILE *f, const char *s, enum fmt mode)
{
	escaped_n(f, s, strlen(s), mode);
}

/*
 * Writes JSON text produced by SQLite, escaping what a terminal could
 * still act on (DEL, C1 controls and the invisible characters of
 * is_unsafe(); SQLite already escaped the C0 controls) and replacing
 * invalid UTF-8.
 */
void
out_json(FILE *f, const char *json)
{
	const unsigned char *p = (const unsigned char *)json, *run = p;
	unsigned cp;
	int n;

	while (*p) {
		if (*p < 0x7f) {
			p++;
			continue;
		}
		n = utf8_len(p, &cp);
		if (n > 0 && !is_unsafe(cp)) {
			p += n;
			continue;
		}
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (n == 0)
			fputs("\\ufffd", f);
		else
			put_json_escape(f, cp);
		p += n ? n : 1;
		run = p;
	}
	if (p > run)
		fwrite(run, 1, (size_t)(p - run), f);
}

/*
 * Whether a csv cell would start a formula in a spreadsheet: its first
 * character is = + - @, a tab or a carriage return (as OWASP lists them),
 * or the fullwidth = + - @ some spreadsheets read the same.  A number
 * ("-3", "+0.5") and a lone "-" compute nothing and stay as they are.
 */
static int
csv_formula(const char *s)
{
	static const char *const wide[] = { "\xef\xbc\x9d", "\xef\xbc\x8b",
	    "\xef\xbc\x8d", "\xef\xbc\xa0" };
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(wide) / sizeof(*wide); i++)
		if (strncmp(s, wide[i], 3) == 0)
			return 1;
	if (strchr("=+-@\t\r", *s) == NULL || *s == '\0')
		return 0;
	if (strcmp(s, "-") == 0)
		return 0;
	/* A number: a sign, digits, and a fraction maybe. */
	p = s + 1;
	if (*s != '-' && *s != '+')
		return 1;
	if (*p < '0' || *p > '9')
		return 1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.' && p[1] >= '0' && p[1] <= '9')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	return *p != '\0';
}

void
out_csv(FILE *f, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	const char *q;

	if (quote)
		fputc('"', f);
	/* Neutralised: the spreadsheet shows the text, runs nothing. */
	if (csv_formula(s))
		fputc('\'', f);
	for (;;) {
		q = quote ? strchr(s, '"') : NULL;
		escaped_n(f, s, q ? (size_t)(q - s) : strlen(s), FMT_CSV);
		if (q == NULL)
			break;
		fputs("\"\"", f);
		s = q + 1;
	}
	if (quote)
		fputc('"', f);
}

/*
 * The escaped form of the character at p for a table cell, in esc (empty
 * when it prints as itself); returns its byte length and sets *w to its
 * width in columns (a code point counts as one).
 */
static int
cell_char(const unsigned char *p, char *esc, size_t len, int *w)
{
	unsigned cp;
	int i, n = utf8_len(p, &cp);

	esc[0] = '\0';
	if (n == 0)
		snprintf(esc, len, "\\x%02x", *p);
	else if (cp == '\n')
		snprintf(esc, len, "\\n");
	else if (cp == '\t')
		snprintf(esc, len, "\\t");
	else if (cp == '\r')
		snprintf(esc, len, "\\r");
	else if (is_unsafe(cp))
		for (i = 0; i < n; i++)
			snprintf(esc + 4 * i, len - 4 * (size_t)i, "\\x%02x",
			    p[i]);
	*w = esc[0] ? (int)strlen(esc) : 1;
	return n ? n : 1;
}

/* Writes n spaces. */
static void
put_spaces(FILE *f, int n)
{
	static const char blank[] = "                                ";
	int k;

	for (; n > 0; n -= k) {
		k = n < (int)sizeof(blank) - 1 ? n : (int)sizeof(blank) - 1;
		fwrite(blank, 1, (size_t)k, f);
	}
}

/*
 * A table cell: escaped, cut to width columns with "…" when longer,
 * padded to width unless it is the last one.  Printable ASCII, the
 * common case, goes out in runs without cell_char.
 */
void
out_cell(FILE *f, const char *s, int width, int last)
{
	const unsigned char *p, *run;
	char esc[20];
	int total = 0, used = 0, n, w;

	for (p = (const unsigned char *)s; *p; p += n) {
		if (*p >= 0x20 && *p < 0x7f) {
			n = w = 1;
		} else {
			n = cell_char(p, esc, sizeof(esc), &w);
		}
		total += w;
	}
	for (p = run = (const unsigned char *)s; *p; p += n) {
		if (*p >= 0x20 && *p < 0x7f) {
			n = w = 1;
			esc[0] = '\0';
		} else {
			n = cell_char(p, esc, sizeof(esc), &w);
		}
		if (total > width && used + w > width - 1) {
			fwrite(run, 1, (size_t)(p - run), f);
			run = p;
			fputs("…", f);
			used++;
			break;
		}
		if (esc[0] != '\0') {
			fwrite(run, 1, (size_t)(p - run), f);
			fputs(esc, f);
			run = p + n;
		}
		used += w;
	}
	if (*p == '\0')
		fwrite(run, 1, (size_t)(p - run), f);
	if (!last)
		put_spaces(f, width > used ? width - used + 1 : 1);
}

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

/* Width of a field's column in the table. */
static int
field_width(int f)
{
	switch (f) {
	case ITSM_F_ID: return 6;
	case ITSM_F_REF: return 9;
	case ITSM_F_PRIORITY: return 4;
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
	/* The table marks a breached ticket's priority. */
	if (a->fmt == FMT_TABLE && (m & ITSM_FIELD_BIT(ITSM_F_PRIORITY)))
		m |= ITSM_FIELDS_BREACHED;
	return m;
}

int
out_ticket_row(struct app *a, const itsm_ticket *t, const int *fields,
    int nfields, int first)
{
	char rel[32], mark[64];
	const char *s, *col;
	int i, f, last;

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
			if (s != NULL)
				out_escaped(a->out, s, FMT_TSV);
			fputc(last ? '\n' : '\t', a->out);
			break;
		case FMT_CSV:
			if (s != NULL)
				out_csv(a->out, s);
			fputc(last ? '\n' : ',', a->out);
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
			/* A breached ticket's priority carries a "!". */
			if (f == ITSM_F_PRIORITY && s != NULL &&
			    itsm_ticket_breached(t, itsm_ctx_now(a->ctx))) {
				snprintf(mark, sizeof(mark), "%.60s!", s);
				s = mark;
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

/* A JSON string; control characters and invalid bytes as \\u escapes. */
void
out_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	int n;

	fputc('"', f);
	while (*p) {
		n = utf8_len(p, &cp);
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (char)cp);
		else if (is_unsafe(cp))
			put_json_escape(f, cp);
		else
			fwrite(p, 1, (size_t)n, f);
		p += n;
	}
	fputc('"', f);
}

int
print_result(struct app *a, int64_t id, const char *text)
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
		for (; (r = strstr(text, "%r")) != NULL; text = r + 2) {
			fwrite(text, 1, (size_t)(r - text), a->out);
			fputs(ref, a->out);
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

/*
 * Text in each output format: escaping of control characters, invisible
 * characters and invalid bytes so that stored text never reaches a
 * terminal raw, JSON strings, csv cells and table cells.
 */
#include <stdio.h>
#include <string.h>

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
 * Writes JSON text produced by the library, escaping what a terminal
 * could still act on (DEL, C1 controls and the invisible characters of
 * is_unsafe(); the library's JSON already escapes the C0 controls) and
 * replacing invalid UTF-8.
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

/* One cell of a tsv or csv line, after its separator unless first. */
void
out_field(FILE *f, const char *s, enum fmt fmt, int first)
{
	if (!first)
		fputc(fmt == FMT_CSV ? ',' : '\t', f);
	if (s == NULL)
		return;
	if (fmt == FMT_CSV)
		out_csv(f, s);
	else
		out_escaped(f, s, FMT_TSV);
}

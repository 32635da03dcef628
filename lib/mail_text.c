/*
 * The text rules of incoming mail (mail_int.h), in plain C: strings made
 * valid UTF-8, HTML rendered as text, replies stripped of their quoted
 * history and signature.  The rules themselves are listed at the top of
 * lib/mail.c.  GLib has no HTML-to-text and GMime's HTML filter goes the
 * other way (text to HTML), hence the small renderer here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_int.h"
#include "mail_int.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/* Appends code point c as UTF-8 (U+FFFD for what is not a character). */
static void
put_char(struct json_buf *b, unsigned long c)
{
	char u[4];

	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		json_bytes(b, REPLACEMENT, 3);
		return;
	}
	if (c < 0x80) {
		u[0] = (char)c;
		json_bytes(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		json_bytes(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		json_bytes(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		json_bytes(b, u, 4);
	}
}

/*
 * The length of the well-formed UTF-8 sequence at s (at most n bytes
 * there), or 0: overlong forms, surrogates and code points past U+10FFFF
 * are not well formed.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned long c;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

char *
mail_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct json_buf b = { 0 };
	size_t i = 0, run = 0, n;

	while (i < len) {
		if (p[i] != 0 && (n = utf8_seq(p + i, len - i)) > 0) {
			i += n;
			continue;
		}
		json_bytes(&b, s + run, i - run);
		json_bytes(&b, REPLACEMENT, 3);
		run = ++i;
	}
	json_bytes(&b, s + run, i - run);
	return json_finish(&b);
}

/* HTML 4's Latin-1 entities, &nbsp; (U+00A0) to &yuml; (U+00FF). */
static const char *const latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
	"iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring",
	"AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave",
	"Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
	"Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
	"Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute",
	"acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave",
	"eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth",
	"ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn",
	"yuml"
};

/* The other entities mail clients write. */
static const struct {
	const char *name;
	unsigned long c;
} entities[] = {
	{ "quot", 0x22 }, { "amp", 0x26 }, { "apos", 0x27 }, { "lt", 0x3c },
	{ "gt", 0x3e }, { "OElig", 0x152 }, { "oelig", 0x153 },
	{ "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
	{ "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 },
	{ "zwnj", 0x200c }, { "zwj", 0x200d }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201a }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "bdquo", 0x201e }, { "bull", 0x2022 }, { "hellip", 0x2026 },
	{ "euro", 0x20ac }, { "trade", 0x2122 }
};

/*
 * The code point of the entity at s (just after the '&'), its length up
 * to and with the ';' in *len; 0 when it is none (kept as text).
 */
static unsigned long
entity(const char *s, size_t *len)
{
	char name[12];
	unsigned long c = 0;
	size_t n, i;
	char *end;

	/* Bounded: a text of '&' without ';' stays linear. */
	for (n = 0; n < sizeof(name) && s[n] != ';' && s[n] != '\0'; n++)
		;
	if (n == 0 || n == sizeof(name) || s[n] != ';')
		return 0;
	memcpy(name, s, n);
	name[n] = '\0';
	*len = n + 1;
	if (name[0] == '#') {
		if (name[1] == 'x' || name[1] == 'X')
			c = name[2] ? strtoul(name + 2, &end, 16) : 0, n = 2;
		else
			c = name[1] ? strtoul(name + 1, &end, 10) : 0, n = 1;
		if (name[n] == '\0' || *end != '\0' || !isxdigit(
		    (unsigned char)name[n]))
			return 0;
		return c == 0 ? 0xfffd : c;
	}
	for (i = 0; i < 96; i++)
		if (strcmp(name, latin1[i]) == 0)
			return 0xa0 + i;
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strcmp(name, entities[i].name) == 0)
			return entities[i].c;
	return 0;
}

/* How an element breaks the text: 0 inline, 1 a line, 2 a paragraph. */
static int
block(const char *name)
{
	static const char *const lines[] = { "br", "div", "tr", "li", "dt",
	    "dd", "section", "article", "header", "footer", "address",
	    "center", "form", "caption", "nav", "main", "aside", "figure" };
	static const char *const paras[] = { "p", "h1", "h2", "h3", "h4",
	    "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "pre", "hr" };
	size_t i;

	for (i = 0; i < sizeof(paras) / sizeof(paras[0]); i++)
		if (strcmp(name, paras[i]) == 0)
			return 2;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (strcmp(name, lines[i]) == 0)
			return 1;
	return 0;
}

/* Elements whose content is not text to show. */
static int
hidden(const char *name)
{
	return strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
	    strcmp(name, "head") == 0 || strcmp(name, "title") == 0 ||
	    strcmp(name, "template") == 0;
}

/* The renderer's state: breaks and spaces wait for the next text. */
struct render {
	struct json_buf b;
	int breaks;		/* newlines owed: 0, 1 or 2 */
	int space;		/* a space owed */
	int pre;		/* inside <pre>: whitespace kept */
};

static void
owe_break(struct render *r, int n)
{
	if (n > r->breaks)
		r->breaks = n;
	r->space = 0;
}

/* Writes what is owed, then n bytes of text. */
static void
text(struct render *r, const char *s, size_t n)
{
	if (r->b.len > 0 && r->breaks > 0)
		json_bytes(&r->b, "\n\n", (size_t)r->breaks);
	else if (r->b.len > 0 && r->space && r->b.s[r->b.len - 1] != '\n')
		json_bytes(&r->b, " ", 1);
	r->breaks = r->space = 0;
	json_bytes(&r->b, s, n);
}

/* Past the end of the tag at p (just after '<'), quoted values skipped. */
static const char *
tag_end(const char *p)
{
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '>')
			return p + 1;
	}
	return p;
}

/* Past the closing tag of name, from p; the end of the text if none. */
static const char *
skip_element(const char *p, const char *name)
{
	size_t n = strlen(name);
	const char *q;

	for (q = p; (q = strchr(q, '<')) != NULL; q++)
		if (q[1] == '/' && strncasecmp(q + 2, name, n) == 0 &&
		    !isalnum((unsigned char)q[2 + n]))
			return tag_end(q + 1);
	return p + strlen(p);
}

/* Handles the tag at p ('<'); returns where the text goes on. */
static const char *
tag(struct render *r, const char *p)
{
	const char *q = p + 1, *end;
	char name[16];
	size_t n = 0;
	int closing = 0, k;

	if (strncmp(p, "<!--", 4) == 0)
		return (end = strstr(p + 4, "-->")) ? end + 3 : p + strlen(p);
	if (*q == '/')
		closing = 1, q++;
	if (!isalpha((unsigned char)*q)) {
		if (*q == '!' || *q == '?')
			return tag_end(q);
		text(r, "<", 1);	/* a lone '<' is text */
		return p + 1;
	}
	while (isalnum((unsigned char)*q) && n < sizeof(name) - 1)
		name[n++] = (char)tolower((unsigned char)*q++);
	name[n] = '\0';
	end = tag_end(q);
	if (!closing && hidden(name) && end[-1] == '>' && end[-2] != '/')
		return skip_element(end, name);
	if (strcmp(name, "pre") == 0)
		r->pre += closing ? (r->pre > 0 ? -1 : 0) : 1;
	if ((k = block(name)) > 0) {
		/* A <br> where a line ends already makes it a blank line. */
		if (strcmp(name, "br") == 0 && r->breaks > 0)
			k = 2;
		owe_break(r, k);
		if (strcmp(name, "li") == 0 && !closing)
			text(r, "- ", 2);
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		r->space = 1;
	return end;
}

char *
mail_html_text(const char *html)
{
	struct render r = { .b = { 0 } };
	const char *p = html;
	unsigned long c;
	size_t n;

	while (*p) {
		if (*p == '<') {
			p = tag(&r, p);
		} else if (*p == '&' && (c = entity(p + 1, &n)) != 0) {
			if (c == 0xa0 && !r.pre)
				r.space = 1;	/* &nbsp; is a space */
			else {
				struct json_buf one = { 0 };
				char *u;

				put_char(&one, c);
				if ((u = json_finish(&one)) != NULL)
					text(&r, u, strlen(u));
				free(u);
			}
			p += 1 + n;
		} else if (strchr(" \t\r\n\f", *p) != NULL) {
			if (!r.pre)
				r.space = 1;
			else if (*p == '\n')
				owe_break(&r, r.breaks + 1 > 2 ? 2 : r.breaks + 1);
			else if (*p != '\r')
				text(&r, p, 1);
			p++;
		} else {
			n = strcspn(p, "<& \t\r\n\f");
			text(&r, p, n ? n : 1);
			p += n ? n : 1;
		}
	}
	while (r.b.len > 0 && strchr(" \n", r.b.s[r.b.len - 1]) != NULL)
		r.b.s[--r.b.len] = '\0';
	return json_finish(&r.b);
}

char *
mail_unflow(const char *text, int delsp)
{
	struct json_buf b = { 0 };
	const char *p, *s, *nl;
	size_t n, q, open_q = 0;
	int open = 0, flowed;

	for (p = text; *p; p = nl ? nl + 1 : s + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (q = 0; q < n && p[q] == '>'; q++)
			;
		s = p + q;
		n -= q;
		if (n > 0 && *s == ' ')		/* space-stuffed */
			s++, n--;
		if (open && q != open_q) {
			json_bytes(&b, "\n", 1);
			open = 0;
		}
		if (!open && q > 0) {
			json_bytes(&b, p, q);
			if (n > 0)
				json_bytes(&b, " ", 1);
		}
		flowed = n > 0 && s[n - 1] == ' ' &&
		    !(n == 3 && memcmp(s, "-- ", 3) == 0);
		json_bytes(&b, s, flowed && delsp ? n - 1 : n);
		if (!(open = flowed))
			json_bytes(&b, "\n", 1);
		open_q = q;
		if (nl == NULL)
			break;
	}
	return json_finish(&b);
}

/* The line [s, e) without its trailing blanks, as a length. */
static size_t
trimmed(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return (size_t)(e - s);
}

/* Whether the line of length n ends with the suffix, case aside. */
static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* The lines of a text: starts and trimmed lengths. */
struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static int
split(struct lines *l, const char *text)
{
	const char *p, *nl;
	size_t cap = 1;

	for (p = text; *p; p++)
		cap += *p == '\n';
	l->s = calloc(cap, sizeof(*l->s));
	l->len = calloc(cap, sizeof(*l->len));
	if (l->s == NULL || l->len == NULL)
		return -1;
	for (p = text, l->n = 0; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		l->s[l->n] = p;
		l->len[l->n++] = trimmed(p, nl[0] == '\n' ? nl : nl + 1);
	}
	return 0;
}

/* Whether the line starts with the word, case aside. */
static int
starts(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	return n >= k && strncasecmp(s, word, k) == 0;
}

/*
 * "On ... wrote:" or "Le ... a écrit :", on one line or two, with a
 * date: a digit on its first line.
 */
static int
attribution(const struct lines *l, size_t i)
{
	static const char *const ends[] = { "wrote:", "\xc3\xa9" "crit :",
	    "\xc3\xa9" "crit:", "\xc3\xa9" "crit\xc2\xa0:" };
	size_t k, j;

	if (!starts(l->s[i], l->len[i], "On ") &&
	    !starts(l->s[i], l->len[i], "Le "))
		return 0;
	for (k = 0; k < l->len[i] && !isdigit((unsigned char)l->s[i][k]); k++)
		;
	if (k == l->len[i])
		return 0;
	for (j = i; j <= i + 1 && j < l->n; j++)
		for (k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
			if (ends_with(l->s[j], l->len[j], ends[k]))
				return 1;
	return 0;
}

/* "-----Original Message-----" and its translations. */
static int
original(const char *s, size_t n)
{
	static const char *const names[] = { "Original Message",
	    "Message d'origine", "Message original",
	    "Urspr\xc3\xbcngliche Nachricht" };
	const char *e = s + n;
	size_t k;

	while (s < e && *s == ' ')
		s++;
	if (e - s < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (s < e && (*s == '-' || *s == ' '))
		s++;
	while (e > s && (e[-1] == '-' || e[-1] == ' '))
		e--;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if ((size_t)(e - s) == strlen(names[k]) &&
		    strncasecmp(s, names[k], (size_t)(e - s)) == 0)
			return 1;
	return 0;
}

/* Whether the line is the header field of a quoted message. */
static int
field(const char *s, size_t n, const char *const *names, size_t count)
{
	size_t k;

	while (n > 0 && *s == '*')
		s++, n--;
	for (k = 0; k < count; k++)
		if (starts(s, n, names[k]))
			return 1;
	return 0;
}

/*
 * Outlook's quoted header block: "From:" (or "De :") then, within three
 * lines, "Sent:", "Date:" or "Envoyé :".
 */
static int
outlook(const struct lines *l, size_t i)
{
	static const char *const from[] = { "From:", "De :", "De:" };
	static const char *const sent[] = { "Sent:", "Date:",
	    "Envoy\xc3\xa9 :", "Envoy\xc3\xa9:", "Envoy\xc3\xa9\xc2\xa0:" };
	size_t j;

	if (!field(l->s[i], l->len[i], from, 3))
		return 0;
	for (j = i + 1; j <= i + 3 && j < l->n; j++)
		if (field(l->s[j], l->len[j], sent, 5))
			return 1;
	return 0;
}

/* A line of underscores, as Outlook draws above its header block. */
static int
rule(const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n && s[k] == '_'; k++)
		;
	return n >= 10 && k == n;
}

/* A phone's or a client's advertisement for itself. */
static int
sent_from(const char *s, size_t n)
{
	return starts(s, n, "Sent from my ") ||
	    starts(s, n, "Envoy\xc3\xa9 de mon ") ||
	    starts(s, n, "Get Outlook for ") ||
	    starts(s, n, "Obtenir Outlook pour ");
}

static int
blank(const char *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!isspace((unsigned char)s[k]))
			return 0;
	return 1;
}

char *
mail_strip_reply(const char *text)
{
	struct lines l = { 0 };
	struct json_buf b = { 0 };
	size_t i, cut, first = 0;
	char *out = NULL;

	if (split(&l, text) != 0)
		goto done;
	for (cut = 0; cut < l.n; cut++) {
		const char *s = l.s[cut];
		size_t n = l.len[cut];

		if (attribution(&l, cut) || original(s, n))
			break;
		if (outlook(&l, cut)) {
			if (cut > 0 && rule(l.s[cut - 1], l.len[cut - 1]))
				cut--;
			break;
		}
		/* "-- " (trimmed here) is the signature line, or "--". */
		if (n == 2 && strncmp(s, "--", 2) == 0)
			break;
	}
	while (cut > 0 && (blank(l.s[cut - 1], l.len[cut - 1]) ||
	    l.s[cut - 1][0] == '>'))
		cut--;
	if (cut > 0 && sent_from(l.s[cut - 1], l.len[cut - 1]))
		cut--;
	while (cut > 0 && blank(l.s[cut - 1], l.len[cut - 1]))
		cut--;
	while (first < cut && blank(l.s[first], l.len[first]))
		first++;
	for (i = first; i < cut; i++) {
		json_bytes(&b, l.s[i], l.len[i]);
		if (i + 1 < cut)
			json_bytes(&b, "\n", 1);
	}
	out = json_finish(&b);
done:
	free(l.s);
	free(l.len);
	return out;
}

/*
 * itsm's JSON Lines, read back: each line is parsed once, by cJSON, its
 * members checked as the commands check what they take, and their values
 * handed to the store's import ops (store_port.h) as rows of neutral
 * values.  A value goes in as SQLite's json_extract() gave it when
 * imports were SQL, a time as itsm_time_import() reads it, so that what
 * export wrote, import gives back unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "import_json.h"
#include "itsm/error.h"
#include "itsm/ref.h"
#include "itsm/workflow.h"
#include "itsm/time.h"
#include "store_port.h"
#include "ticket_int.h"

/* The largest id: every JSON reader reads it exactly (2^53 - 1). */
#define MAX_IMPORT_ID 9007199254740991LL

/* Past this a double is no int64_t. */
#define INT64_LIMIT 9223372036854775807.0

/*
 * The members of a line that import reads: by key, the value of each
 * field TK_IMPORTED (lib/ticket_fields.h), a member of the line, of its
 * "resolution" (a name "resolution.<member>") or of its "store"
 * (TKF_STORE); then the line's other members.
 */
enum { M_RESOLUTION = SK_NKEYS, M_STORE, M_EVENTS, M_CRISIS, M_N };

/* The names to look for in each object (NULL: none there), by key. */
static const char *line_names[M_N] = {
	[M_RESOLUTION] = "resolution", [M_STORE] = "store",
	[M_EVENTS] = "events", [M_CRISIS] = "crisis"
};
static const char *resolution_names[SK_NKEYS], *store_names[SK_NKEYS];

/* Each key's kind, whether import reads it, and its path in messages. */
static const struct {
	const char *path;
	enum itsm_field_kind kind;
	int imported;
} keys[SK_NKEYS] = {
#define KEY_(key, name, kind, flags) [key] = { \
	(flags) & TKF_STORE ? "store." name : name, kind, \
	TK_IMPORTED(key, flags) },
	TK_FIELDS(KEY_)
#undef KEY_
};

/* Fills the names of the keys that import reads, in their objects. */
static void
name_members(void)
{
	const char *dot;
	int k;

	for (k = 0; k < SK_NKEYS; k++) {
		if (!keys[k].imported)
			continue;
		if (k >= ITSM_NFIELDS)
			store_names[k] = keys[k].path + strlen("store.");
		else if ((dot = strchr(keys[k].path, '.')) != NULL)
			resolution_names[k] = dot + 1;	/* "resolution." */
		else
			line_names[k] = keys[k].path;
	}
}

/* The members of an event: the order of enum imp_ecol. */
static const char *const event_names[IE_N] = {
	"at", "recorded_at", "actor", "login", "kind", "field", "from", "to",
	"message"
};

/* The members of "crisis" that hold texts, and of its lists. */
enum { C_STATE, C_PROPOSAL, C_DECLARED_BY, C_BRIDGE, C_ROOT_CAUSE,
    C_ROSTER, C_FINDINGS, C_ACTIONS, C_N };
static const char *const crisis_names[C_N] = {
	"state", "proposal", "declared_by", "bridge", "root_cause", "roster",
	"findings", "actions"
};

/*
 * cJSON's memory while a line is read: its nodes and texts are taken from
 * chunks and all given back at once after the line, instead of a malloc
 * and a free each (about 250 a line: a fifth of an import's time).
 */
#define ARENA_CHUNK (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t cap, used;
	max_align_t data[];
};

static struct chunk *arena;

static void *
arena_alloc(size_t n)
{
	struct chunk *c;
	size_t cap;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
	    sizeof(max_align_t);
	if (arena == NULL || arena->cap - arena->used < n) {
		cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		*c = (struct chunk){ .next = arena, .cap = cap };
		arena = c;
	}
	p = (char *)arena->data + arena->used;
	arena->used += n;
	return p;
}

static void
arena_free(void *p)
{
	(void)p;	/* given back with the line */
}

/* Gives back what the line took; keeps one chunk for the next. */
static void
arena_reset(int all)
{
	struct chunk *c, *next, *keep = NULL;

	for (c = arena; c != NULL; c = next) {
		next = c->next;
		if (!all && keep == NULL && c->cap == ARENA_CHUNK) {
			keep = c;
			*keep = (struct chunk){ .cap = ARENA_CHUNK };
		} else {
			free(c);
		}
	}
	arena = keep;
}

/*
 * Where the members of an object are: the first of each name (at[i] of
 * a NULL name is left as it is).
 */
static void
pick(const cJSON *obj, const char *const *names, size_t n, const cJSON **at)
{
	const cJSON *m;
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL)
			at[i] = NULL;
	if (!cJSON_IsObject(obj))
		return;
	for (m = obj->child; m != NULL; m = m->next)
		for (i = 0; i < n; i++)
			if (names[i] != NULL && names[i][0] == m->string[0] &&
			    strcmp(names[i], m->string) == 0) {
				if (at[i] == NULL)
					at[i] = m;
				break;
			}
}

static int
is_null(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

void
import_json_init(struct import_json *j)
{
	cJSON_Hooks hooks = { .malloc_fn = arena_alloc,
	    .free_fn = arena_free };

	*j = (struct import_json){ .ev = NULL };
	cJSON_InitHooks(&hooks);
	name_members();
}

void
import_json_free(struct import_json *j)
{
	size_t i;

	free(j->ev);
	for (i = 0; i < sizeof(j->list) / sizeof(j->list[0]); i++)
		free(j->list[i]);
	*j = (struct import_json){ .ev = NULL };
	arena_reset(1);
	cJSON_InitHooks(NULL);
}

/* v as json_extract() would give it. */
static int
value(const cJSON *v, struct store_value *out)
{
	char *text;
	double d;

	*out = (struct store_value){ .type = STORE_NULL };
	if (is_null(v))
		return 0;
	if (cJSON_IsBool(v)) {
		out->type = STORE_INT;
		out->i = cJSON_IsTrue(v);
	} else if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
		if (d == floor(d) && fabs(d) < INT64_LIMIT) {
			out->type = STORE_INT;
			out->i = (int64_t)d;
		} else {
			out->type = STORE_REAL;
			out->r = d;
		}
	} else if (cJSON_IsString(v)) {
		out->type = STORE_TEXT;
		out->s = v->valuestring;
		out->len = strlen(v->valuestring);
	} else {
		/* An array or an object: its JSON text (given back with the line). */
		if ((text = cJSON_PrintUnformatted(v)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		out->type = STORE_TEXT;
		out->s = text;
		out->len = strlen(text);
	}
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The value of n digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/*
 * Whether s starts with a date YYYY-MM-DD that does not exist (SQLite
 * reads 2026-02-30 as March 2).
 */
static int
bad_date(const char *s, size_t len)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d;

	if (len < 10 || s[4] != '-' || s[7] != '-' || (y = digits(s, 4)) < 0 ||
	    (mo = digits(s + 5, 2)) < 0 || (d = digits(s + 8, 2)) < 0)
		return 0;	/* not a date: SQLite says */
	return mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y));
}

/*
 * The time export writes, YYYY-MM-DDTHH:MM:SSZ, read at once: 1 when s is
 * one, else 0 and itsm_time_import() reads it.
 */
static int
iso_fast(const char *s, size_t len, int64_t *t)
{
	int y, mo, d, h, mi, sec;

	if (len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0 || (h = digits(s + 11, 2)) < 0 ||
	    (mi = digits(s + 14, 2)) < 0 || (sec = digits(s + 17, 2)) < 0)
		return 0;
	return itsm_time_civil(y, mo, d, h, mi, sec, t) == 0;
}

/*
 * The time of a value as imports read it (itsm_time_import() for a
 * text, a Julian day for a number; an array or an object is none): 1
 * with *t, or 0.
 */
static int
value_time(const struct store_value *v, int64_t *t)
{
	switch (v->type) {
	case STORE_TEXT:
		return itsm_time_import(v->s, t) == 0;
	case STORE_INT:
		return itsm_time_julian((double)v->i, t) == 0;
	case STORE_REAL:
		return itsm_time_julian(v->r, t) == 0;
	default:
		return 0;
	}
}

/*
 * A time member: *out NULL when it is null or left out, else its Unix
 * time.  *bad: 1 when it is no time (a date that does not exist is
 * none), 2 when it is before 1970.
 */
static int
to_time(const cJSON *v, struct store_value *out, int *bad)
{
	int64_t t;
	int rc, set;

	*bad = 0;
	*out = (struct store_value){ .type = STORE_NULL };
	if (is_null(v))
		return 0;
	if (cJSON_IsString(v) && iso_fast(v->valuestring,
	    strlen(v->valuestring), &t)) {
		set = 1;
	} else if (cJSON_IsArray(v) || cJSON_IsObject(v) ||
	    (cJSON_IsString(v) && bad_date(v->valuestring,
	    strlen(v->valuestring)))) {
		set = 0;
	} else {
		if ((rc = value(v, out)) != 0)
			return rc;
		set = value_time(out, &t);
	}
	if (!set) {
		*bad = 1;
		*out = (struct store_value){ .type = STORE_NULL };
		return 0;
	}
	*out = (struct store_value){ .type = STORE_INT, .i = t };
	if (t < 0)
		*bad = 2;
	return 0;
}

/*
 * Whether v is a text of min to max bytes, or (when min is 0) null or
 * left out.
 */
static int
text_ok(const cJSON *v, size_t min, size_t max)
{
	size_t n;

	if (is_null(v))
		return min == 0;
	if (!cJSON_IsString(v))
		return 0;
	n = strlen(v->valuestring);
	return n >= min && n <= max;
}

static int
text_error(const char *path, size_t min, size_t max, char *why, size_t len)
{
	snprintf(why, len, min ? "\"%s\" must be a text of %zu to %zu bytes" :
	    "\"%s\" must be a text of at most %zu bytes, or null", path,
	    min ? min : max, max);
	return ITSM_E_INVALID;
}

/* The value of 4 hex digits at s, or -1. */
static long
hex4(const char *s, size_t len)
{
	long v = 0;
	size_t i;
	int c;

	if (len < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/*
 * The length of the UTF-8 sequence at s (not ASCII), or 0 when it is
 * none: overlong forms, surrogates and code points past U+10FFFF are not.
 */
static size_t
utf8_len(const char *str, size_t len)
{
	const unsigned char *p = (const unsigned char *)str;
	unsigned cp;
	size_t n, i;

	if ((p[0] & 0xe0) == 0xc0) {
		n = 1;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 2;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 3;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n >= len)
		return 0;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

/* The length of the JSON number at s (RFC 8259), or 0 when it is none. */
static size_t
number_len(const char *s, size_t len)
{
	size_t i = 0, k;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < len && s[i] == '.') {
		k = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == k)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		k = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == k)
			return 0;
	}
	/* A number ends where a value ends. */
	if (i < len && strchr(" \t\r\n,]}", s[i]) == NULL)
		return 0;
	return i;
}

/*
 * What cJSON lets through but JSON (and the commands) do not: bytes that
 * are not UTF-8, control characters in a string, an escaped NUL (the text
 * would be cut there), half a surrogate pair (it would be stored as bytes
 * that are not UTF-8), and numbers that JSON does not write (+1, 01, .5).
 * 1 when the line is not JSON at all.
 */
static int
check_text(const char *s, size_t len, char *why, size_t whylen)
{
	size_t i, n;
	long u, lo;
	int in = 0;
	unsigned char ch;

	if (memchr(s, '\0', len) != NULL) {
		snprintf(why, whylen, "a NUL byte in the line");
		return ITSM_E_INVALID;
	}
	for (i = 0; i < len; i++) {
		/* Most of a line is the plain ASCII of its strings. */
		while (in && i < len && (unsigned char)s[i] >= 0x20 &&
		    (unsigned char)s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i == len)
			break;
		ch = (unsigned char)s[i];
		if (ch >= 0x80) {
			if ((n = utf8_len(s + i, len - i)) == 0) {
				snprintf(why, whylen, "the line is not valid "
				    "UTF-8 (at byte %zu)", i);
				return ITSM_E_INVALID;
			}
			i += n - 1;
			continue;
		}
		if (!in) {
			if (ch == '"') {
				in = 1;
			} else if (ch == '-' || ch == '+' || ch == '.' ||
			    (ch >= '0' && ch <= '9')) {
				if ((n = number_len(s + i, len - i)) == 0)
					return 1;
				i += n - 1;
			}
			continue;
		}
		if (ch == '"') {
			in = 0;
			continue;
		}
		if (ch < 0x20)
			return 1;
		if (ch != '\\' || i + 1 == len || s[++i] != 'u' ||
		    (u = hex4(s + i + 1, len - i - 1)) < 0)
			continue;	/* \\, \n, ...; or not JSON: cJSON says */
		i += 4;
		if (u == 0) {
			snprintf(why, whylen, "an escaped NUL (\\u0000) at "
			    "byte %zu", i - 5);
			return ITSM_E_INVALID;
		}
		if (u >= 0xd800 && u <= 0xdbff && i + 6 < len &&
		    s[i + 1] == '\\' && s[i + 2] == 'u' &&
		    (lo = hex4(s + i + 3, len - i - 3)) >= 0xdc00 &&
		    lo <= 0xdfff) {
			i += 6;		/* a whole pair */
			continue;
		}
		if (u >= 0xd800 && u <= 0xdfff) {
			snprintf(why, whylen, "half a surrogate pair "
			    "(\\u%04lx) at byte %zu", u, i - 5);
			return ITSM_E_INVALID;
		}
	}
	return 0;
}

/*
 * The texts, held to what the commands take (an import is a restore, not
 * a way around them): at least one byte when required, null or left out
 * when not.
 */
static const struct {
	int key;
	size_t max;
	int required;
} text_members[] = {
	{ ITSM_F_SUMMARY, MAX_SUMMARY, 1 },
	{ ITSM_F_CALLER, MAX_NAME, 1 },
	{ ITSM_F_AFFECTED, MAX_NAME, 0 },
	{ ITSM_F_CONTACT, MAX_NAME, 0 },
	{ ITSM_F_SERVICE, MAX_NAME, 0 },
	{ ITSM_F_ASSIGNEE, MAX_NAME, 0 },
	{ ITSM_F_CHANNEL, MAX_NAME, 0 },
	{ ITSM_F_CATEGORY, MAX_NAME, 0 },
	{ ITSM_F_SUBCATEGORY, MAX_NAME, 0 },
	{ ITSM_F_GROUP, MAX_NAME, 0 },
	{ ITSM_F_DESCRIPTION, MAX_TEXT, 0 },
	{ ITSM_F_RESOLUTION_NOTES, MAX_TEXT, 0 },
};

static const struct store_value zero = { .type = STORE_INT, .i = 0 };

/* The value a column takes when the line leaves it out (or null). */
static void
fallback(struct store_value *v, const struct store_value *def)
{
	if (v->type == STORE_NULL)
		*v = *def;
}

/* Checks the events and reads them into j->ev. */
static int
read_events(struct import_json *j, const cJSON *events, char *why,
    size_t len)
{
	const cJSON *e, *m[IE_N];
	struct store_value (*nev)[IE_N], *col;
	size_t n, cap;
	int rc, bad, bad2;

	j->nev = 0;
	if (is_null(events))
		return 0;
	if (!cJSON_IsArray(events)) {
		snprintf(why, len, "\"events\" must be an array");
		return ITSM_E_INVALID;
	}
	n = (size_t)cJSON_GetArraySize(events);
	if (n > j->capev) {
		cap = n < 16 ? 16 : n;
		if ((nev = realloc(j->ev, cap * sizeof(*nev))) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		j->ev = nev;
		j->capev = cap;
	}
	for (e = events->child; e != NULL; e = e->next) {
		pick(e, event_names, IE_N, m);
		col = j->ev[j->nev++];
		/* Who and what, a message, times from 1970 to 9999. */
		if ((rc = to_time(m[IE_AT], &col[IE_AT], &bad)) != 0 ||
		    (rc = to_time(m[IE_RECORDED_AT], &col[IE_RECORDED_AT],
		    &bad2)) != 0)
			return rc;
		if (!cJSON_IsObject(e) || bad || col[IE_AT].type == STORE_NULL ||
		    bad2 || !text_ok(m[IE_ACTOR], 1, MAX_NAME) ||
		    !text_ok(m[IE_KIND], 1, MAX_NAME) ||
		    (m[IE_LOGIN] != NULL && !text_ok(m[IE_LOGIN], 1,
		    MAX_NAME)) || !text_ok(m[IE_MESSAGE], 0, MAX_TEXT)) {
			snprintf(why, len, "event %zu: it needs an actor and a "
			    "kind (texts of 1 to %d bytes), a message of at "
			    "most %d bytes or none, and ISO 8601 times from "
			    "1970 to 9999", j->nev, MAX_NAME, MAX_TEXT);
			return ITSM_E_INVALID;
		}
		if ((rc = value(m[IE_ACTOR], &col[IE_ACTOR])) != 0 ||
		    (rc = value(m[IE_LOGIN], &col[IE_LOGIN])) != 0 ||
		    (rc = value(m[IE_KIND], &col[IE_KIND])) != 0 ||
		    (rc = value(m[IE_FIELD], &col[IE_FIELD])) != 0 ||
		    (rc = value(m[IE_OLD], &col[IE_OLD])) != 0 ||
		    (rc = value(m[IE_NEW], &col[IE_NEW])) != 0 ||
		    (rc = value(m[IE_MESSAGE], &col[IE_MESSAGE])) != 0)
			return rc;
		fallback(&col[IE_RECORDED_AT], &col[IE_AT]);
		fallback(&col[IE_LOGIN], &col[IE_ACTOR]);
	}
	return 0;
}

/* The texts of each item of a crisis list: names and their limits. */
static int
check_list(const cJSON *list, const char *what, const char *const *names,
    const size_t *max, size_t n, char *why, size_t len)
{
	const cJSON *item, *m[3];
	char path[64];
	size_t i, k = 0;

	if (!cJSON_IsArray(list))
		return 0;	/* null, left out; anything else: SQLite says */
	for (item = list->child; item != NULL; item = item->next, k++) {
		pick(item, names, n, m);
		for (i = 0; i < n; i++)
			if (!text_ok(m[i], 1, max[i])) {
				snprintf(path, sizeof(path), "crisis.%s[%zu].%s",
				    what, k, names[i]);
				return text_error(path, 1, max[i], why, len);
			}
	}
	return 0;
}

/* The texts of a major-incident dossier, held to what major takes. */
/* A ticket type as export writes it (exactly): its number, or -1. */
static int
type_exact(const char *s)
{
	int t = itsm_type_parse(s);

	return t >= 0 && strcmp(s, itsm_type_name((enum itsm_type)t)) == 0 ?
	    t : -1;
}

/*
 * A member that is one of the words parse knows (or null, or left out),
 * else ITSM_E_INVALID naming them: the domain's rule, whatever the
 * engine would say.
 */
static int
check_word(const cJSON *v, const char *path, int (*parse)(const char *),
    const char *expected, char *why, size_t len)
{
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v) && parse(v->valuestring) >= 0)
		return 0;
	if (cJSON_IsString(v))
		snprintf(why, len, "unknown \"%s\" '%.*s' (expected %s)", path,
		    itsm_cut(v->valuestring, 64), v->valuestring, expected);
	else
		snprintf(why, len, "\"%s\" must be a text (%s)", path,
		    expected);
	return ITSM_E_INVALID;
}

/* Each finding's kind is one a review records (itsm-major(1)). */
static int
check_finding_kinds(const struct store_crisis *c, char *why, size_t len)
{
	static const char *const kinds[] = { "factor", "went_well",
	    "went_wrong", "lucky" };
	const struct store_value *v;
	size_t i, k;

	for (i = 0; i < c->nfindings; i++) {
		v = &c->findings[i][IF_KIND];
		for (k = 0; v->type == STORE_TEXT && k < 4; k++)
			if (strcmp(v->s, kinds[k]) == 0)
				break;
		if (v->type != STORE_TEXT || k == 4) {
			snprintf(why, len, "\"crisis.findings[%zu].kind\" must "
			    "be factor, went_well, went_wrong or lucky", i);
			return ITSM_E_INVALID;
		}
	}
	return 0;
}

/* A major's state: proposed, active, ended or rejected; -1 otherwise. */
static int
major_state_parse(const char *s)
{
	static const char *const states[] = { "proposed", "active", "ended",
	    "rejected" };
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(s, states[i]) == 0)
			return (int)i;
	return -1;
}

static int
check_crisis(const cJSON *crisis, char *why, size_t len)
{
	static const char *const roster[] = { "name", "role" };
	static const size_t roster_max[] = { MAX_NAME, MAX_NAME };
	static const char *const findings[] = { "text" };
	static const size_t findings_max[] = { MAX_TEXT };
	static const char *const actions[] = { "text", "owner" };
	static const size_t actions_max[] = { MAX_TEXT, MAX_NAME };
	static const struct {
		int member;
		size_t min, max;
	} texts[] = {
		{ C_STATE, 1, MAX_NAME }, { C_PROPOSAL, 0, MAX_TEXT },
		{ C_DECLARED_BY, 0, MAX_NAME }, { C_BRIDGE, 0, MAX_NAME },
		{ C_ROOT_CAUSE, 0, MAX_TEXT },
	};
	const cJSON *m[C_N];
	char path[64];
	size_t i;
	int rc;

	pick(crisis, crisis_names, C_N, m);
	if ((rc = check_word(m[C_STATE], "crisis.state", major_state_parse,
	    "proposed, active, ended or rejected", why, len)) != 0)
		return rc;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!text_ok(m[texts[i].member], texts[i].min, texts[i].max)) {
			snprintf(path, sizeof(path), "crisis.%s",
			    crisis_names[texts[i].member]);
			return text_error(path, texts[i].min, texts[i].max, why,
			    len);
		}
	if ((rc = check_list(m[C_ROSTER], "roster", roster, roster_max, 2,
	    why, len)) != 0 ||
	    (rc = check_list(m[C_FINDINGS], "findings", findings,
	    findings_max, 1, why, len)) != 0)
		return rc;
	return check_list(m[C_ACTIONS], "actions", actions, actions_max, 2,
	    why, len);
}

/*
 * The dossier is stored as SQLite's JSON functions read it before: each
 * list (roster, findings, actions) gives rows as json_each() does (an
 * array its items, an object its members, anything else one row: itself)
 * and each row its members as json_extract() does.
 */

/* A list's rows, its members, and those of them that are times. */
struct crisis_list {
	const char *const *names;
	int n;
	unsigned times;		/* bit k: member k */
	int by_name;		/* an object's members in the order of names */
};

static const char *const roster_cols[IR_N] = { "name", "role", "since" };
static const char *const finding_cols[IF_N] = { "kind", "text", "at" };
static const char *const action_cols[IA_N] = {
	"n", "text", "owner", "due", "done_at"
};
static const struct crisis_list crisis_lists[3] = {
	{ roster_cols, IR_N, 1u << IR_SINCE, 0 },
	{ finding_cols, IF_N, 1u << IF_AT, 1 },
	{ action_cols, IA_N, (1u << IA_DUE) | (1u << IA_DONE_AT), 0 },
};

/* The members of the dossier's row, in its order. */
static const char *const major_cols[IM_N] = {
	"state", "proposed_at", "proposal", "declared_at", "declared_by",
	"ended_at", "bridge", "root_cause"
};
#define MAJOR_TIMES ((1u << IM_PROPOSED_AT) | (1u << IM_DECLARED_AT) | \
    (1u << IM_ENDED_AT))

static int check_text(const char *s, size_t len, char *why, size_t whylen);

/*
 * Member name of a list's row e: an object's member; nothing of an array,
 * a number, true, false or null; a text is read as JSON first, and
 * *malformed set when it is none (as for a number too large for a
 * double, whose text is "Inf").  A time member is its time, or null.
 */
static int
row_member(const cJSON *e, const char *name, int is_time,
    struct store_value *out, int *malformed)
{
	const cJSON *root = e, *m;
	char why[80];
	int64_t t;
	int rc;

	*out = (struct store_value){ .type = STORE_NULL };
	if (cJSON_IsNumber(e) && !isfinite(e->valuedouble)) {
		*malformed = 1;
		return 0;
	}
	if (cJSON_IsString(e) && (check_text(e->valuestring,
	    strlen(e->valuestring), why, sizeof(why)) == 1 ||
	    (root = cJSON_ParseWithOpts(e->valuestring, NULL, 1)) == NULL)) {
		*malformed = 1;
		return 0;
	}
	if (!cJSON_IsObject(root))
		return 0;
	pick(root, &name, 1, &m);
	if ((rc = value(m, out)) != 0 || !is_time)
		return rc;
	*out = value_time(out, &t) ?
	    (struct store_value){ .type = STORE_INT, .i = t } :
	    (struct store_value){ .type = STORE_NULL };
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string,
	    (*(const cJSON *const *)b)->string);
}

/*
 * Reads list l (NULL: left out) into j->list[k], *n rows; at a row that
 * *malformed stops, the rows before it.
 */
static int
read_list(struct import_json *j, int k, const cJSON *l, size_t *n,
    int *malformed)
{
	const struct crisis_list *cl = &crisis_lists[k];
	const cJSON *e, **rows = NULL;
	struct store_value *nl, *row;
	size_t nrows = 0, i;
	int c, rc = 0;

	*n = 0;
	if (l == NULL)
		return 0;
	if (cJSON_IsArray(l) || cJSON_IsObject(l)) {
		for (e = l->child; e != NULL; e = e->next)
			nrows++;
		if (nrows == 0)
			return 0;
		if ((rows = malloc(nrows * sizeof(*rows))) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		for (i = 0, e = l->child; e != NULL; e = e->next)
			rows[i++] = e;
		if (cl->by_name && cJSON_IsObject(l))
			qsort(rows, nrows, sizeof(*rows), name_cmp);
	} else {
		nrows = 1;	/* l itself */
	}
	if (nrows * (size_t)cl->n > j->caplist[k]) {
		if ((nl = realloc(j->list[k], nrows * (size_t)cl->n *
		    sizeof(*nl))) == NULL) {
			rc = itsm_error(ITSM_E_NOMEM, "out of memory");
			goto done;
		}
		j->list[k] = nl;
		j->caplist[k] = nrows * (size_t)cl->n;
	}
	for (i = 0; i < nrows && !*malformed; i++) {
		row = j->list[k] + i * (size_t)cl->n;
		for (c = 0; c < cl->n && !*malformed; c++)
			if ((rc = row_member(rows ? rows[i] : l,
			    cl->names[c], (cl->times >> c) & 1, &row[c],
			    malformed)) != 0)
				goto done;
		if (!*malformed)
			*n = i + 1;
	}
done:
	free(rows);
	return rc;
}

/*
 * Imports the dossier of ticket id.  A text that should be JSON and is
 * not stops it where SQLite stopped: the rows before are inserted (and
 * may be refused) first.
 */
static int
import_crisis(itsm_store *s, struct import_json *j, const cJSON *crisis,
    int64_t id, char *why, size_t len)
{
	const cJSON *lists[C_N];
	struct store_crisis c;
	size_t n[3] = { 0, 0, 0 };
	int malformed = 0, rc, k;

	memset(&c, 0, sizeof(c));
	for (k = 0; k < IM_N; k++)
		if ((rc = row_member(crisis, major_cols[k],
		    (MAJOR_TIMES >> k) & 1, &c.major[k], &malformed)) != 0)
			return rc;
	pick(crisis, crisis_names, C_N, lists);
	for (k = 0; k < 3 && !malformed; k++)
		if ((rc = read_list(j, k, lists[C_ROSTER + k], &n[k],
		    &malformed)) != 0)
			return rc;
	c.roster = (const struct store_value (*)[IR_N])j->list[0];
	c.nroster = n[0];
	c.findings = (const struct store_value (*)[IF_N])j->list[1];
	c.nfindings = n[1];
	c.actions = (const struct store_value (*)[IA_N])j->list[2];
	c.nactions = n[2];
	if ((rc = check_finding_kinds(&c, why, len)) != 0 ||
	    (rc = store_import_crisis(s, id, &c, why, len)) != 0)
		return rc;
	return malformed ? itsm_error(ITSM_E_INTERNAL, "cannot import: "
	    "malformed JSON") : 0;
}

/*
 * Whether an object (at any depth in v) has a member twice: cJSON keeps
 * both and the import would read the first, so that what the file says
 * depends on the reader.  path is where v is, for the message.
 */
static int
member_cmp(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string,
	    (*(const cJSON *const *)b)->string);
}

static int
check_duplicates(const cJSON *v, char *path, size_t plen, char *why,
    size_t len)
{
	const cJSON *m, *k, **all = NULL;
	size_t n = 0, i, at = strlen(path), room;
	int rc = 0, idx = 0;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	for (m = v->child; m != NULL; m = m->next)
		n++;
	if (cJSON_IsObject(v) && n > 1) {
		const cJSON *dup = NULL;

		if (n <= 32) {
			for (m = v->child; m != NULL && dup == NULL; m = m->next)
				for (k = m->next; k != NULL; k = k->next)
					if (strcmp(m->string, k->string) == 0) {
						dup = m;
						break;
					}
		} else {
			/* A long object: sorted, so that it takes n log n. */
			if ((all = malloc(n * sizeof(*all))) == NULL)
				return itsm_error(ITSM_E_NOMEM, "out of memory");
			for (i = 0, m = v->child; m != NULL; m = m->next)
				all[i++] = m;
			qsort(all, n, sizeof(*all), member_cmp);
			for (i = 1; i < n && dup == NULL; i++)
				if (strcmp(all[i - 1]->string, all[i]->string) == 0)
					dup = all[i];
			free(all);
		}
		if (dup != NULL) {
			snprintf(why, len, "\"%s%s%.*s\" is given twice", path,
			    at ? "." : "", itsm_cut(dup->string, 64), dup->string);
			return ITSM_E_INVALID;
		}
	}
	for (m = v->child; m != NULL && rc == 0; m = m->next, idx++) {
		if (!cJSON_IsObject(m) && !cJSON_IsArray(m))
			continue;
		/* A path too long for the buffer is cut on a boundary. */
		room = plen - at > 2 ? plen - at - 2 : 0;
		if (cJSON_IsObject(v))
			snprintf(path + at, plen - at, "%s%.*s", at ? "." : "",
			    itsm_cut(m->string, room < 32 ? room : 32),
			    m->string);
		else
			snprintf(path + at, plen - at, "[%d]", idx);
		rc = check_duplicates(m, path, plen, why, len);
		path[at] = '\0';
	}
	return rc;
}

/* The largest count: reopen_count, reassignment_count, priority_rank. */
#define MAX_COUNT 2147483647

/* Whether v is null, left out, or a whole number from lo to hi. */
static int
check_count(const cJSON *v, const char *path, double lo, double hi,
    char *why, size_t len)
{
	if (is_null(v) || (cJSON_IsNumber(v) &&
	    v->valuedouble == floor(v->valuedouble) && v->valuedouble >= lo &&
	    v->valuedouble <= hi))
		return 0;
	snprintf(why, len, "\"%s\" must be a whole number from %.0f to %.0f, "
	    "or null", path, lo, hi);
	return ITSM_E_INVALID;
}

/*
 * The ticket's own times in the order its history allows (itsm(1),
 * History): nothing before the opening, no closure before the
 * resolution.  An import is held to what --at is held to.
 */
static int
check_time_order(const struct store_value *col, char *why, size_t len)
{
	static const struct {
		int key, after;
	} rules[] = {
		{ ITSM_F_RESPONDED_AT, ITSM_F_OPENED_AT },
		{ ITSM_F_RESOLVED_AT, ITSM_F_OPENED_AT },
		{ ITSM_F_CLOSED_AT, ITSM_F_OPENED_AT },
		{ ITSM_F_CLOSED_AT, ITSM_F_RESOLVED_AT },
	};
	char tv[ITSM_TIMEBUF], ta[ITSM_TIMEBUF];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct store_value *v = &col[rules[i].key];
		const struct store_value *a = &col[rules[i].after];

		if (v->type != STORE_INT || a->type != STORE_INT || v->i >= a->i)
			continue;
		itsm_time_format(v->i, tv);
		itsm_time_format(a->i, ta);
		snprintf(why, len, "\"%s\" %s is before \"%s\" %s",
		    keys[rules[i].key].path, tv, keys[rules[i].after].path,
		    ta);
		return ITSM_E_INVALID;
	}
	return 0;
}

/* The line's "id": a positive integer below 2^53. */
static int
read_id(const cJSON *v, int64_t *id, char *why, size_t len)
{
	double d = cJSON_IsNumber(v) ? v->valuedouble : 0;

	/* A number of 30 digits is no id. */
	if (d != floor(d) || d < 1 || d >= INT64_LIMIT) {
		snprintf(why, len, "no positive integer \"id\"");
		return ITSM_E_INVALID;
	}
	*id = (int64_t)d;
	if (*id > MAX_IMPORT_ID) {
		snprintf(why, len, "\"id\" %lld is past %lld (2^53 - 1)",
		    (long long)*id, MAX_IMPORT_ID);
		return ITSM_E_INVALID;
	}
	return 0;
}

/*
 * Checks the members m of a line (counts, times in order, texts, events,
 * the dossier); its times into col, in key order, the others NULL.
 */
static int
check_members(struct import_json *j, const cJSON *const *m,
    struct store_value *col, char *why, size_t len)
{
	size_t i;
	int rc, bad, k;

	if ((rc = check_word(m[ITSM_F_TYPE], "type", type_exact,
	    "incident, request or change", why, len)) != 0 ||
	    (rc = check_word(m[ITSM_F_STATUS], "status", itsm_status_parse,
	    "new, in_progress, on_hold, resolved, closed, redirected or "
	    "cancelled", why, len)) != 0)
		return rc;
	if ((rc = check_count(m[ITSM_F_REOPEN_COUNT], "reopen_count", 0,
	    MAX_COUNT, why, len)) != 0 ||
	    (rc = check_count(m[ITSM_F_REASSIGNMENT_COUNT],
	    "reassignment_count", 0, MAX_COUNT, why, len)) != 0 ||
	    (rc = check_count(m[ITSM_F_SATISFACTION], "satisfaction", 1, 5,
	    why, len)) != 0 ||
	    (rc = check_count(m[SK_PRIORITY_RANK], "store.priority_rank", 0,
	    MAX_COUNT, why, len)) != 0)
		return rc;
	for (k = 0; k < SK_NKEYS; k++) {
		col[k] = (struct store_value){ .type = STORE_NULL };
		if (!keys[k].imported || keys[k].kind != ITSM_FK_TIME)
			continue;
		if ((rc = to_time(m[k], &col[k], &bad)) != 0)
			return rc;
		if (bad) {
			snprintf(why, len, bad == 1 ? "\"%s\" is not an ISO "
			    "8601 time" : "\"%s\" is before 1970", keys[k].path);
			return ITSM_E_INVALID;
		}
	}
	if ((rc = check_time_order(col, why, len)) != 0)
		return rc;
	for (i = 0; i < sizeof(text_members) / sizeof(text_members[0]); i++) {
		k = text_members[i].key;
		if (!text_ok(m[k], text_members[i].required,
		    text_members[i].max))
			return text_error(keys[k].path,
			    text_members[i].required, text_members[i].max, why,
			    len);
	}
	if ((rc = read_events(j, m[M_EVENTS], why, len)) != 0)
		return rc;
	if (cJSON_IsObject(m[M_CRISIS]) &&
	    (rc = check_crisis(m[M_CRISIS], why, len)) != 0)
		return rc;
	return 0;
}

/*
 * The values of the line's other members into col, the defaults of
 * those left out, and the parent checked: a ticket's id, not its own.
 */
static int
fill_values(const cJSON *const *m, int64_t id, struct store_value *col,
    char *why, size_t len)
{
	int rc, k;

	for (k = 0; k < SK_NKEYS; k++)
		if (keys[k].imported && keys[k].kind != ITSM_FK_TIME &&
		    (rc = value(m[k], &col[k])) != 0)
			return rc;
	col[ITSM_F_ID] = (struct store_value){ .type = STORE_INT, .i = id };
	if (col[ITSM_F_TYPE].type == STORE_NULL)
		col[ITSM_F_TYPE] = (struct store_value){ .type = STORE_TEXT,
		    .s = "incident", .len = 8 };
	if (col[ITSM_F_STATUS].type == STORE_NULL)
		col[ITSM_F_STATUS] = (struct store_value){ .type = STORE_TEXT,
		    .s = "new", .len = 3 };
	fallback(&col[ITSM_F_AFFECTED], &col[ITSM_F_CALLER]);
	fallback(&col[ITSM_F_UPDATED_AT], &col[ITSM_F_OPENED_AT]);
	fallback(&col[ITSM_F_MAJOR], &zero);
	fallback(&col[ITSM_F_REOPEN_COUNT], &zero);
	fallback(&col[ITSM_F_REASSIGNMENT_COUNT], &zero);
	fallback(&col[SK_AUTO_CLOSED], &zero);
	for (k = 0; k < SK_NKEYS; k++)
		if (keys[k].imported && keys[k].kind == ITSM_FK_BOOL &&
		    (col[k].type != STORE_INT || (col[k].i != 0 &&
		    col[k].i != 1))) {
			snprintf(why, len, "\"%s\" must be true or false",
			    keys[k].path);
			return ITSM_E_INVALID;
		}
	if (col[ITSM_F_PARENT].type != STORE_NULL &&
	    col[ITSM_F_PARENT].type != STORE_INT) {
		snprintf(why, len, "\"parent\" must be a ticket's id");
		return ITSM_E_INVALID;
	}
	if (col[ITSM_F_PARENT].type == STORE_INT &&
	    col[ITSM_F_PARENT].i == id) {
		snprintf(why, len, "\"parent\" is the ticket itself");
		return ITSM_E_INVALID;
	}
	return 0;
}

/* import_json_line() on the parsed line. */
static int
import_object(itsm_store *s, struct import_json *j, const cJSON *root,
    size_t *events, int64_t *idp, int64_t *parent, int *missing, char *why,
    size_t len)
{
	const cJSON *m[M_N];
	struct store_value col[SK_NKEYS];
	char path[160] = "";
	int64_t id;
	size_t i;
	int rc, found;

	if ((rc = check_duplicates(root, path, sizeof(path), why, len)) != 0)
		return rc;
	pick(root, line_names, M_N, m);
	pick(m[M_RESOLUTION], resolution_names, SK_NKEYS, m);
	pick(m[M_STORE], store_names, SK_NKEYS, m);
	if ((rc = read_id(m[ITSM_F_ID], &id, why, len)) != 0)
		return rc;
	*idp = id;
	if ((rc = check_members(j, m, col, why, len)) != 0 ||
	    (rc = fill_values(m, id, col, why, len)) != 0)
		return rc;

	if ((rc = store_import_ticket(s, col, why, len)) != 0)
		return rc;
	for (i = 0; i < j->nev; i++)
		if ((rc = store_import_event(s, id, j->ev[i], why, len)) != 0)
			return rc;
	*events = j->nev;
	if (cJSON_IsObject(m[M_CRISIS]) &&
	    (rc = import_crisis(s, j, m[M_CRISIS], id, why, len)) != 0)
		return rc;
	/* A parent not there (yet): a later line may bring it. */
	if (col[ITSM_F_PARENT].type == STORE_INT) {
		if ((rc = store_import_exists(s, col[ITSM_F_PARENT].i,
		    &found)) != 0)
			return rc;
		*parent = col[ITSM_F_PARENT].i;
		*missing = !found;
	}
	return 0;
}

int
import_json_line(itsm_store *s, struct import_json *j, const char *line,
    size_t linelen, size_t *events, int64_t *id, int64_t *parent,
    int *missing, char *why, size_t len)
{
	cJSON *root = NULL;
	int rc;

	*events = 0;
	*id = *parent = 0;
	*missing = 0;
	why[0] = '\0';
	if ((rc = check_text(line, linelen, why, len)) == 1 ||
	    (rc == 0 && (!cJSON_IsObject(root = cJSON_ParseWithOpts(line, NULL,
	    1))))) {
		arena_reset(0);
		snprintf(why, len, "not a JSON object");
		return ITSM_E_INVALID;
	}
	if (rc != 0)
		return rc;
	rc = import_object(s, j, root, events, id, parent, missing, why,
	    len);
	arena_reset(0);
	return rc;
}

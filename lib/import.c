/*
 * Imports: reading lines through zlib (gzip or plain), itsm's JSON Lines,
 * and a ServiceNow incident event log (CSV read by libcsv) turned into
 * tickets whose events are the log's rows.  One transaction: all or
 * nothing; an error names the line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>
#include <zlib.h>

#include "itsm/error.h"
#include "itsm/port.h"
#include "itsm/time.h"
#include "import_json.h"
#include "store_int.h"
#include "store_port.h"
#include "ticket_int.h"

#define PROGRESS_EVERY 10000

/*
 * A line reader for lines of any length, over the input as it is or
 * through zlib's inflate when it begins with gzip's magic number.  It
 * reads by blocks, so that damage is found at the first bad byte, whatever
 * comes after it: a NUL byte ends the import at its line (a gigabyte of
 * NULs is one read), bytes after the last gzip member that are not
 * another member are an error, and the data that inflate gave before an
 * error (a data check fails only after the member's last byte) is read
 * as lines first, so that the error names the line being read when it
 * was found.
 */
#define BLOCK (256 * 1024)

struct reader {
	int fd;
	const char *name;
	unsigned char *raw;	/* from fd: z.next_in, z.avail_in */
	int raw_eof;
	z_stream z;
	int mode;		/* 0: not told yet, 1: as it is, 2: gzip */
	int zinit;		/* inflateInit2 done */
	int member_end;		/* the last gzip member read is complete */
	char *out;		/* what the input gives, out_pos to out_len */
	size_t out_pos, out_len;
	int zerr;		/* an error of the compressed data, to report */
	const char *zmsg;	/* once the data before it is read */
	char zbuf[160];
	char *buf;		/* the line */
	size_t cap, len;
	size_t line;
};

static int
reader_open(struct reader *r, const char *path)
{
	int stdin_ = strcmp(path, "-") == 0;

	*r = (struct reader){ .fd = -1, .name = stdin_ ? "standard input" :
	    path };
	if (stdin_)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return itsm_error(errno == EACCES ? ITSM_E_PERM : ITSM_E_IO,
		    "cannot read '%s': %s", path, strerror(errno));
	if ((r->raw = malloc(BLOCK)) == NULL ||
	    (r->out = malloc(BLOCK)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	r->z.next_in = r->raw;
	return 0;
}

static void
reader_close(struct reader *r)
{
	if (r->zinit)
		inflateEnd(&r->z);
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	free(r->raw);
	free(r->out);
	free(r->buf);
}

/* More of the file after what inflate has not taken yet; 0 or < 0. */
static int
raw_more(struct reader *r)
{
	ssize_t n;

	if (r->raw_eof)
		return 0;
	if (r->z.avail_in > 0 && r->z.next_in != r->raw)
		memmove(r->raw, r->z.next_in, r->z.avail_in);
	r->z.next_in = r->raw;
	do
		n = read(r->fd, r->raw + r->z.avail_in, BLOCK - r->z.avail_in);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return itsm_error(errno == EACCES ? ITSM_E_PERM : ITSM_E_IO,
		    "cannot read '%s': %s", r->name, strerror(errno));
	if (n == 0)
		r->raw_eof = 1;
	r->z.avail_in += (uInt)n;
	return 0;
}

/* Reads until there are n bytes not taken, or the end; 0 or < 0. */
static int
raw_want(struct reader *r, size_t n)
{
	int rc;

	while (r->z.avail_in < n && !r->raw_eof)
		if ((rc = raw_more(r)) != 0)
			return rc;
	return 0;
}

static int
is_gzip(const struct reader *r)
{
	return r->z.avail_in >= 2 && r->z.next_in[0] == 0x1f &&
	    r->z.next_in[1] == 0x8b;
}

/* An error of the compressed data, at the line being read. */
static int
gzip_error(struct reader *r)
{
	if (r->zerr == ITSM_E_NOMEM)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return itsm_error(ITSM_E_INVALID, "%s:%zu: %s", r->name, r->line + 1,
	    r->zmsg);
}

/* One step of inflate: out_len bytes, the end of a member, or an error. */
static int
inflate_step(struct reader *r)
{
	int zr;

	if (r->z.avail_in == 0 && !r->raw_eof && (zr = raw_more(r)) != 0)
		return zr;
	r->z.next_out = (Bytef *)r->out;
	r->z.avail_out = BLOCK;
	zr = inflate(&r->z, Z_NO_FLUSH);
	r->out_len = BLOCK - r->z.avail_out;
	if (zr == Z_STREAM_END) {
		r->member_end = 1;
	} else if (zr == Z_MEM_ERROR) {
		r->zerr = ITSM_E_NOMEM;
	} else if ((zr != Z_OK && zr != Z_BUF_ERROR) ||
	    (zr == Z_BUF_ERROR && r->z.avail_in > 0)) {
		r->zerr = ITSM_E_INVALID;
		r->zmsg = r->z.msg != NULL ? r->z.msg : "corrupt data";
	} else if (r->out_len == 0 && r->z.avail_in == 0 && r->raw_eof) {
		r->zerr = ITSM_E_INVALID;
		r->zmsg = "unexpected end of file";
	}
	if (r->zerr == ITSM_E_INVALID) {
		snprintf(r->zbuf, sizeof(r->zbuf), "%s (truncated or corrupt "
		    "gzip?)", r->zmsg);
		r->zmsg = r->zbuf;
	}
	return 0;
}

/* Fills out: 1, 0 at the end of the input, or < 0. */
static int
reader_fill(struct reader *r)
{
	size_t n;
	int rc;

	r->out_pos = r->out_len = 0;
	for (;;) {
		if (r->zerr != 0)
			return gzip_error(r);
		if (r->mode == 0) {
			if ((rc = raw_want(r, 2)) != 0)
				return rc;
			r->mode = is_gzip(r) ? 2 : 1;
			if (r->mode == 2) {
				if (inflateInit2(&r->z, 15 + 16) != Z_OK)
					return itsm_error(ITSM_E_NOMEM,
					    "out of memory");
				r->zinit = 1;
			}
		}
		if (r->mode == 1) {
			if (r->z.avail_in == 0 && (rc = raw_more(r)) != 0)
				return rc;
			if ((n = r->z.avail_in) == 0)
				return 0;
			memcpy(r->out, r->z.next_in, n);
			r->z.next_in += n;
			r->z.avail_in = 0;
			r->out_len = n;
			return 1;
		}
		if (r->member_end) {
			/*
			 * RFC 1952: a gzip file is a series of members,
			 * as gzip -d reads it; anything else after one is
			 * not gzip (zlib's gzread ignored it).
			 */
			if ((rc = raw_want(r, 2)) != 0)
				return rc;
			if (r->z.avail_in == 0)
				return 0;
			if (!is_gzip(r))
				return itsm_error(ITSM_E_INVALID, "%s:%zu: "
				    "trailing garbage after the gzip data",
				    r->name, r->line + 1);
			if (inflateReset(&r->z) != Z_OK)
				return itsm_error(ITSM_E_INTERNAL, "inflateReset "
				    "failed");
			r->member_end = 0;
		}
		if ((rc = inflate_step(r)) != 0)
			return rc;
		if (r->out_len > 0)
			return 1;	/* an error after it waits for the next call */
	}
}

/* The next line without its end: 1, 0 at the end, or < 0. */
static int
reader_next(struct reader *r)
{
	const char *p, *nl;
	size_t n, take, need, cap;
	char *nb;
	int rc;

	r->len = 0;
	for (;;) {
		if (r->out_pos == r->out_len) {
			if ((rc = reader_fill(r)) < 0)
				return rc;
			if (rc == 0) {
				if (r->len == 0)
					return 0;
				break;
			}
		}
		p = r->out + r->out_pos;
		n = r->out_len - r->out_pos;
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) + 1 : n;
		/* strlen() would stop at a NUL: the rest of the line lost. */
		if (memchr(p, '\0', take) != NULL)
			return itsm_error(ITSM_E_INVALID, "%s:%zu: a NUL byte "
			    "in the line", r->name, r->line + 1);
		need = r->len + take + 2;	/* a '\n' and a NUL may follow */
		if (need > r->cap) {
			if (need > (size_t)256 << 20)
				return itsm_error(ITSM_E_INVALID, "%s:%zu: line "
				    "longer than 256 MiB", r->name,
				    r->line + 1);
			for (cap = r->cap ? r->cap : 65536; cap < need;)
				cap *= 2;
			if ((nb = realloc(r->buf, cap)) == NULL)
				return itsm_error(ITSM_E_NOMEM, "out of memory");
			r->buf = nb;
			r->cap = cap;
		}
		memcpy(r->buf + r->len, p, take);
		r->len += take;
		r->out_pos += take;
		if (nl != NULL)
			break;
	}
	r->line++;
	while (r->len > 0 && (r->buf[r->len - 1] == '\n' ||
	    r->buf[r->len - 1] == '\r'))
		r->len--;
	r->buf[r->len] = '\0';
	return 1;
}

/* JSON Lines. */

/* A line that names a parent. */
struct orphan {
	size_t line;
	int64_t id, parent;
	int missing;		/* the parent was not there when it was read */
	int seen;		/* the cycle walk: 1 on the path, 2 done */
};

/* The first orphan whose parent never came: an error that names it. */
static int
check_orphans(itsm_ctx *c, struct reader *r, const struct orphan *o,
    size_t n)
{
	size_t i;
	int rc, found;

	for (i = 0; i < n; i++) {
		if (!o[i].missing)
			continue;
		if ((rc = store_import_exists(c->store, o[i].parent,
		    &found)) != 0)
			return rc;
		if (!found)
			return itsm_error(ITSM_E_INVALID, "%s:%zu: parent %lld "
			    "is neither in the file nor in the database",
			    r->name, o[i].line, (long long)o[i].parent);
	}
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct orphan *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct orphan *
find_id(struct orphan *o, size_t n, int64_t id)
{
	struct orphan key = { .id = id };

	return bsearch(&key, o, n, sizeof(*o), by_id);
}

/*
 * Whether the parents of the file make a cycle (a ticket of the database
 * has no parent among the new ones: a cycle is made of lines).  Each line
 * is walked once: the error names the cycle's last line in the file.
 */
static int
check_cycles(struct reader *r, struct orphan *o, size_t n)
{
	struct orphan *p, *q;
	size_t i, last;

	if (n == 0)
		return 0;	/* qsort() takes no NULL */
	qsort(o, n, sizeof(*o), by_id);
	for (i = 0; i < n; i++) {
		for (p = &o[i]; p != NULL && p->seen == 0;
		    p = find_id(o, n, p->parent))
			p->seen = 1;
		if (p != NULL && p->seen == 1) {
			/* Back on the path: p is on a cycle. */
			last = p->line;
			for (q = find_id(o, n, p->parent); q != p;
			    q = find_id(o, n, q->parent))
				if (q->line > last)
					last = q->line;
			return itsm_error(ITSM_E_INVALID, "%s:%zu: the parents "
			    "make a cycle (ticket %lld is its own ancestor)",
			    r->name, last, (long long)p->id);
		}
		for (p = &o[i]; p != NULL && p->seen == 1;
		    p = find_id(o, n, p->parent))
			p->seen = 2;
	}
	return 0;
}

/*
 * The error of a line refused (rc ITSM_E_INVALID, why) or, with rc 0,
 * of none: the rows the engine held back from earlier lines are written
 * first (store_bulk()), and one of them refused is the error, at its
 * line, as it would have been had it been written at once.
 */
static int
refused(itsm_ctx *c, struct reader *r, int rc, char *why, size_t len)
{
	char held[512];
	int hrc;

	if ((hrc = store_import_flush(c->store, held, sizeof(held))) != 0) {
		if (hrc != ITSM_E_INVALID)
			return hrc;
		rc = hrc;
		snprintf(why, len, "%s", held);
	}
	if (rc == 0)
		return 0;
	return itsm_error(rc, "%s:%lld: %s", r->name,
	    (long long)store_import_refused(c->store), why);
}

static int
import_jsonl(itsm_ctx *c, struct reader *r, const struct itsm_import_opts *o,
    struct itsm_import_stats *st, int have_line)
{
	struct orphan *orphans = NULL, *no;
	struct import_json j;
	size_t norphans = 0, caporphans = 0;
	char why[512];
	size_t events;
	int64_t id, parent;
	int rc, missing;

	if ((rc = store_defer_foreign_keys(c->store)) != 0)
		return rc;
	import_json_init(&j);
	for (;;) {
		if (!have_line && (rc = reader_next(r)) <= 0) {
			/* The rows the engine held back, first. */
			if (rc == 0)
				rc = refused(c, r, 0, why, sizeof(why));
			if (rc == 0 && (rc = check_orphans(c, r, orphans,
			    norphans)) == 0)
				rc = check_cycles(r, orphans, norphans);
			break;
		}
		have_line = 0;
		st->lines = r->line;
		if (o->progress && r->line % PROGRESS_EVERY == 0)
			o->progress(o->arg, r->line);
		if (r->len == 0 || strspn(r->buf, " \t") == r->len)
			continue;	/* blank lines are nothing */
		store_import_mark(c->store, (int64_t)r->line);
		rc = import_json_line(c->store, &j, r->buf, r->len, &events,
		    &id, &parent, &missing, why, sizeof(why));
		if (rc == ITSM_E_INVALID)
			rc = refused(c, r, rc, why, sizeof(why));
		if (rc == 0 && parent != 0 && norphans == caporphans) {
			caporphans = caporphans ? caporphans * 2 : 64;
			if ((no = realloc(orphans, caporphans *
			    sizeof(*no))) == NULL)
				rc = itsm_error(ITSM_E_NOMEM, "out of memory");
			else
				orphans = no;
		}
		if (rc == 0 && parent != 0)
			orphans[norphans++] = (struct orphan){ .line = r->line,
			    .id = id, .parent = parent, .missing = missing };
		if (rc != 0)
			break;
		st->tickets++;
		st->events += events;
	}
	import_json_free(&j);
	free(orphans);
	return rc;
}

/* ServiceNow. */

/* The columns the import reads, in this order. */
enum { SN_NUMBER, SN_STATE, SN_REASSIGN, SN_REOPEN, SN_CALLER, SN_OPENED,
    SN_UPDATED_BY, SN_UPDATED_AT, SN_CONTACT, SN_CATEGORY, SN_SUBCATEGORY,
    SN_SYMPTOM, SN_CI, SN_IMPACT, SN_URGENCY, SN_PRIORITY, SN_GROUP,
    SN_ASSIGNED, SN_CLOSED_CODE, SN_RESOLVED_AT, SN_CLOSED_AT, SN_NCOLS };

static const char *const sn_columns[SN_NCOLS] = {
	"number", "incident_state", "reassignment_count", "reopen_count",
	"caller_id", "opened_at", "sys_updated_by", "sys_updated_at",
	"contact_type", "category", "subcategory", "u_symptom", "cmdb_ci",
	"impact", "urgency", "priority", "assignment_group", "assigned_to",
	"closed_code", "resolved_at", "closed_at"
};

struct sn_row {
	char *f[SN_NCOLS];
	size_t line;
};

struct sn {
	itsm_ctx *c;
	struct reader *r;
	const struct itsm_import_opts *o;
	struct itsm_import_stats *st;
	int col[SN_NCOLS];	/* the CSV column of each, -1 when missing */
	int ncols;		/* in the header */
	char **names;		/* the header's */
	char **fields;		/* the row being read */
	int nfields;
	int header_done;
	size_t row_line;	/* where the row being read began */
	struct sn_row *rows;	/* the rows of the incident being read */
	size_t nrows, caprows;
	int rc;			/* the first error, kept across callbacks */
};

/* "?" is ServiceNow's unknown. */
static const char *
known(const char *s)
{
	return s == NULL || strcmp(s, "?") == 0 || *s == '\0' ? NULL : s;
}

/* 1 or 2 digits at *p (n 1 to max), moved past them; -1 when none. */
static int
num_1_2(const char **p, int max2)
{
	const char *s = *p;
	int v = 0, n = 0;

	while (n < max2 && *s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || (*s >= '0' && *s <= '9'))
		return -1;
	*p = s;
	return v;
}

/*
 * Day-first "29/2/2016 01:16" as UTC, the whole of s: D and M of one or
 * two digits, YYYY of four, H of one or two, MM of two; a date of the
 * calendar from 1970 to 9999.  0 for an unknown value ("?" or empty,
 * *out 0), -1 when s is no such time.
 */
static int
parse_dmy(const char *s, int64_t *out)
{
	int d, m, y, h, mi;

	*out = 0;
	if (known(s) == NULL)
		return 0;
	if ((d = num_1_2(&s, 2)) < 0 || *s++ != '/' ||
	    (m = num_1_2(&s, 2)) < 0 || *s++ != '/' ||
	    (y = num_1_2(&s, 4)) < 1000 || *s++ != ' ' ||
	    (h = num_1_2(&s, 2)) < 0 || *s++ != ':' ||
	    s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[2] != '\0')
		return -1;
	mi = (s[0] - '0') * 10 + (s[1] - '0');
	/* The calendar's own rules: 29/2/2015 and 31/4/2016 are none. */
	return itsm_time_civil(y, m, d, h, mi, 0, out) == 0 ? 0 : -1;
}

/* The largest count an import takes: reopen_count, reassignment_count. */
#define MAX_COUNT 2147483647

/* A count: decimal digits only, at most MAX_COUNT; unknown is 0. */
static int
parse_count(const char *s, int64_t *out)
{
	int64_t v = 0;

	*out = 0;
	if (known(s) == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) >
		    MAX_COUNT)
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * The rank that begins an impact, an urgency or a priority, "2" or
 * "2 - Medium": 1 to 9 digits, then nothing or " - " and a name.  0 for
 * an unknown value, -1 when s is not such a value.
 */
static int
parse_rank(const char *s)
{
	int v = 0, n = 0;

	if (known(s) == NULL)
		return 0;
	for (; *s >= '0' && *s <= '9' && n < 9; s++, n++)
		v = v * 10 + (*s - '0');
	if (n == 0 || (*s != '\0' && (strncmp(s, " - ", 3) != 0 ||
	    s[3] == '\0')))
		return -1;
	return v;
}

/* The state of a ServiceNow incident as ours; NULL when it has none. */
static const char *
map_state(const char *s, const char **hold)
{
	static const struct { const char *sn, *ours, *hold; } map[] = {
		{ "New", "new", NULL },
		{ "Active", "in_progress", NULL },
		{ "Awaiting User Info", "on_hold", "user" },
		{ "Awaiting Evidence", "on_hold", "user" },
		{ "Awaiting Vendor", "on_hold", "vendor" },
		{ "Awaiting Problem", "on_hold", "problem" },
		{ "Resolved", "resolved", NULL },
		{ "Closed", "closed", NULL },
	};
	size_t i;

	*hold = NULL;
	for (i = 0; s != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(map[i].sn, s) == 0) {
			*hold = map[i].hold;
			return map[i].ours;
		}
	return NULL;
}

static const char *
map_channel(const char *s)
{
	static const struct { const char *sn, *ours; } map[] = {
		{ "Phone", "phone" }, { "IVR", "phone" }, { "Email", "email" },
		{ "Self service", "portal" }, { "Direct opening", "walk-in" },
		{ "Chat", "chat" },
	};
	size_t i;

	for (i = 0; s != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(map[i].sn, s) == 0)
			return map[i].ours;
	return NULL;
}

/* The rank at the start of "2 - Medium" (checked when read), or 0. */
static int
rank_of(const char *s)
{
	int r = parse_rank(s);

	return r > 0 ? r : 0;
}

/* The policy's level of an axis with the value's rank, or NULL. */
static const char *
level_by_rank(const itsm_policy *p, enum itsm_axis axis, const char *v)
{
	size_t i, n = itsm_policy_level_count(p, axis);
	int r = rank_of(v);

	if (r <= 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (itsm_policy_level_rank(p, axis, i) == r)
			return itsm_policy_level_name(p, axis, i);
	return NULL;
}

/* The policy's priority of the value's rank (1 is the first), or -1. */
static int
priority_by_rank(const itsm_policy *p, const char *v)
{
	int r = rank_of(v);

	return r >= 1 && (size_t)r <= itsm_policy_priority_count(p) ? r - 1 : -1;
}

static void
free_row(struct sn_row *row)
{
	size_t i;

	for (i = 0; i < SN_NCOLS; i++)
		free(row->f[i]);
}

/* Appends "what: a -> b" to msg when a and b differ. */
static void
note_change(char *msg, size_t len, const char *what, const char *a,
    const char *b)
{
	size_t off = strlen(msg);

	if (tk_same(a, b))
		return;
	snprintf(msg + off, len - off, "%s%s: %s -> %s", off ? "; " : "", what,
	    a ? a : "-", b ? b : "-");
}

/* Compares one row's impact, urgency and priority with the matrix. */
static void
policy_check(struct sn *sn, const struct sn_row *row)
{
	const itsm_policy *p = sn->c->policy;
	const char *imp = known(row->f[SN_IMPACT]);
	const char *urg = known(row->f[SN_URGENCY]);
	const char *pri = known(row->f[SN_PRIORITY]);
	char what[512];
	size_t ii, ui, want;
	int got;

	if (imp == NULL || urg == NULL || pri == NULL)
		return;
	sn->st->checked++;
	got = priority_by_rank(p, pri);
	if (level_by_rank(p, ITSM_IMPACT, imp) == NULL ||
	    level_by_rank(p, ITSM_URGENCY, urg) == NULL || got < 0) {
		sn->st->disagree++;
		if (sn->o->disagree) {
			snprintf(what, sizeof(what), "impact '%.*s', urgency "
			    "'%.*s' or priority '%.*s' has no level of that rank "
			    "in the policy", itsm_cut(imp, 64), imp,
			    itsm_cut(urg, 64), urg, itsm_cut(pri, 64), pri);
			sn->o->disagree(sn->o->arg, row->line, what);
		}
		return;
	}
	itsm_policy_level_find(p, ITSM_IMPACT,
	    level_by_rank(p, ITSM_IMPACT, imp), &ii);
	itsm_policy_level_find(p, ITSM_URGENCY,
	    level_by_rank(p, ITSM_URGENCY, urg), &ui);
	want = itsm_policy_matrix(p, ii, ui);
	if ((int)want == got)
		return;
	sn->st->disagree++;
	if (sn->o->disagree) {
		snprintf(what, sizeof(what), "impact '%.*s' and urgency '%.*s' "
		    "give %s in the policy, the log says '%.*s'",
		    itsm_cut(imp, 64), imp, itsm_cut(urg, 64), urg,
		    itsm_policy_priority_name(p, want), itsm_cut(pri, 64), pri);
		sn->o->disagree(sn->o->arg, row->line, what);
	}
}

__attribute__((format(printf, 3, 4)))
static int
row_error(struct sn *sn, size_t line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return itsm_error(ITSM_E_INVALID, "%s:%zu: %s", sn->r->name, line, msg);
}

/*
 * The rows of the incident to write, in keep[] (*nkeep of them): a row
 * of a state the import does not know is left out (and said so); a row
 * whose time does not parse is an error.
 */
static int
rows_kept(struct sn *sn, struct sn_row **keep, size_t *nkeep)
{
	const char *hold;
	size_t i;

	*nkeep = 0;
	for (i = 0; i < sn->nrows; i++) {
		struct sn_row *row = &sn->rows[i];

		if (map_state(row->f[SN_STATE], &hold) == NULL) {
			char why[128];

			snprintf(why, sizeof(why), "unknown state '%.*s'",
			    itsm_cut(row->f[SN_STATE], 64), row->f[SN_STATE]);
			sn->st->skipped++;
			if (sn->o->skipped)
				sn->o->skipped(sn->o->arg, row->line, why);
			continue;
		}
		if (known(row->f[SN_UPDATED_AT]) == NULL)
			return row_error(sn, row->line, "sys_updated_at '%.*s' "
			    "is not a D/M/YYYY HH:MM time",
			    itsm_cut(row->f[SN_UPDATED_AT], 64),
			    row->f[SN_UPDATED_AT]);
		keep[(*nkeep)++] = row;
	}
	return 0;
}

/* Large enough for a summary: a number and a symptom (MAX_NAME each). */
#define SN_SUMMARY (2 * MAX_NAME + 8)
/* The most fields ticket_values() sets. */
#define SN_SET 32

/*
 * The incident's ticket as its rows say, into set (*n fields; its texts
 * borrowed from the rows, the policy and summary): the number, state,
 * people and levels of the last row, the times its history gives.
 * *pri is the priority's index in the policy, or -1.
 */
static int
ticket_values(struct sn *sn, struct sn_row *const *keep, size_t nkeep,
    struct store_set *set, size_t *n, char *summary, int *pri)
{
	const itsm_policy *p = sn->c->policy;
	const struct sn_row *first = keep[0], *last = keep[nkeep - 1];
	const char *state, *hold, *other, *caller;
	int64_t opened, at, responded = 0, resolved = 0, closed = 0, count;
	size_t i;

	if (known(first->f[SN_OPENED]) == NULL)
		return row_error(sn, first->line, "opened_at '%.*s' is not a "
		    "D/M/YYYY HH:MM time", itsm_cut(first->f[SN_OPENED], 64),
		    first->f[SN_OPENED]);
	parse_dmy(first->f[SN_OPENED], &opened);
	state = map_state(last->f[SN_STATE], &hold);
	/* The first response: the first row in a state past new. */
	for (i = 0; i < nkeep; i++)
		if (strcmp(map_state(keep[i]->f[SN_STATE], &other), "new") !=
		    0) {
			parse_dmy(keep[i]->f[SN_UPDATED_AT], &responded);
			break;
		}
	if (strcmp(state, "resolved") == 0 || strcmp(state, "closed") == 0)
		parse_dmy(last->f[SN_RESOLVED_AT], &resolved);
	if (strcmp(state, "closed") == 0)
		parse_dmy(last->f[SN_CLOSED_AT], &closed);
	*pri = priority_by_rank(p, known(last->f[SN_PRIORITY]));
	snprintf(summary, SN_SUMMARY, "%s%s%s%s", first->f[SN_NUMBER],
	    known(last->f[SN_SYMPTOM]) ? " (" : "",
	    known(last->f[SN_SYMPTOM]) ? last->f[SN_SYMPTOM] : "",
	    known(last->f[SN_SYMPTOM]) ? ")" : "");
	caller = known(first->f[SN_CALLER]) ? first->f[SN_CALLER] : "unknown";
	*n = 0;
#define TEXT(k, v) set[(*n)++] = (struct store_set){ .key = k, .text = v }
#define INT(k, v) \
	set[(*n)++] = (struct store_set){ .key = k, .num = v, .is_int = 1 }
	TEXT(SK_EXT_REF, first->f[SN_NUMBER]);
	TEXT(ITSM_F_STATUS, state);
	TEXT(ITSM_F_SUMMARY, summary);
	TEXT(ITSM_F_CALLER, caller);
	TEXT(ITSM_F_AFFECTED, caller);
	TEXT(ITSM_F_CHANNEL, map_channel(known(first->f[SN_CONTACT])));
	TEXT(ITSM_F_SERVICE, known(last->f[SN_CI]));
	TEXT(ITSM_F_CATEGORY, known(last->f[SN_CATEGORY]));
	TEXT(ITSM_F_SUBCATEGORY, known(last->f[SN_SUBCATEGORY]));
	TEXT(ITSM_F_IMPACT, level_by_rank(p, ITSM_IMPACT,
	    known(last->f[SN_IMPACT])));
	TEXT(ITSM_F_URGENCY, level_by_rank(p, ITSM_URGENCY,
	    known(last->f[SN_URGENCY])));
	TEXT(ITSM_F_PRIORITY, *pri >= 0 ?
	    itsm_policy_priority_name(p, (size_t)*pri) : NULL);
	if (*pri >= 0)
		INT(SK_PRIORITY_RANK, *pri);
	TEXT(ITSM_F_GROUP, known(last->f[SN_GROUP]));
	TEXT(ITSM_F_ASSIGNEE, known(last->f[SN_ASSIGNED]));
	TEXT(SK_HOLD_REASON, hold);
	INT(ITSM_F_OPENED_AT, opened);
	parse_dmy(last->f[SN_UPDATED_AT], &at);
	INT(ITSM_F_UPDATED_AT, at);
	if (responded)
		INT(ITSM_F_RESPONDED_AT, responded);
	if (resolved) {
		INT(ITSM_F_RESOLVED_AT, resolved);
		TEXT(ITSM_F_RESOLUTION_CODE, known(last->f[SN_CLOSED_CODE]));
	}
	if (closed)
		INT(ITSM_F_CLOSED_AT, closed);
	parse_count(last->f[SN_REASSIGN], &count);
	INT(ITSM_F_REASSIGNMENT_COUNT, count);
	parse_count(last->f[SN_REOPEN], &count);
	INT(ITSM_F_REOPEN_COUNT, count);
#undef TEXT
#undef INT
	return 0;
}

/* The fields whose changes the events of an incident tell, in order. */
enum { SN_EV_HOLD, SN_EV_GROUP, SN_EV_ASSIGNEE, SN_EV_IMPACT, SN_EV_URGENCY,
    SN_EV_PRIORITY, SN_EV_N };

/* What a row says of the fields the events tell, into now[SN_EV_N]. */
static void
row_fields(const itsm_policy *p, const struct sn_row *row, const char *hold,
    const char **now)
{
	int pr = priority_by_rank(p, known(row->f[SN_PRIORITY]));

	now[SN_EV_HOLD] = hold;
	now[SN_EV_GROUP] = known(row->f[SN_GROUP]);
	now[SN_EV_ASSIGNEE] = known(row->f[SN_ASSIGNED]);
	now[SN_EV_IMPACT] = level_by_rank(p, ITSM_IMPACT,
	    known(row->f[SN_IMPACT]));
	now[SN_EV_URGENCY] = level_by_rank(p, ITSM_URGENCY,
	    known(row->f[SN_URGENCY]));
	now[SN_EV_PRIORITY] = pr >= 0 ? itsm_policy_priority_name(p,
	    (size_t)pr) : NULL;
}

/*
 * The room of an event's message: large enough for every change of a
 * row, nothing of it is cut.
 */
#define SN_MSG (SN_EV_N * (2 * MAX_NAME + 32))

/*
 * The events of an incident into e[nkeep], their messages in msg (SN_MSG
 * bytes each): each kept row is one at its own time (the first opens the
 * ticket), its first change its field, old and new, the others said in
 * its message.  The times and new values of its status changes go to
 * sat and sto, *nst of them, for its due times.
 */
static void
incident_events(struct sn *sn, struct sn_row *const *keep, size_t nkeep,
    struct store_event *e, char *msg, int64_t *sat, const char **sto,
    size_t *nst)
{
	static const char *const names[SN_EV_N] = { "hold_reason", "group",
	    "assignee", "impact", "urgency", "priority" };
	itsm_ctx *c = sn->c;
	const char *prev[SN_EV_N] = { NULL }, *prev_state = NULL;
	size_t i;

	*nst = 0;
	for (i = 0; i < nkeep; i++, msg += SN_MSG) {
		struct sn_row *row = keep[i];
		const char *now[SN_EV_N], *hold, *state;
		const char *field = NULL, *from = NULL, *to = NULL;
		int64_t at;
		int k;

		state = map_state(row->f[SN_STATE], &hold);
		parse_dmy(row->f[SN_UPDATED_AT], &at);
		row_fields(c->policy, row, hold, now);
		msg[0] = '\0';
		if (i == 0 || !tk_same(prev_state, state)) {
			field = "status";
			from = prev_state;
			to = state;
			sat[*nst] = at;
			sto[(*nst)++] = state;
		}
		for (k = 0; k < SN_EV_N; k++) {
			if (tk_same(prev[k], now[k]))
				continue;
			if (field == NULL) {
				field = names[k];
				from = prev[k];
				to = now[k];
			} else {
				note_change(msg, SN_MSG, names[k], prev[k],
				    now[k]);
			}
		}
		e[i] = (struct store_event){ .at = at, .recorded_at = c->now,
		    .actor = known(row->f[SN_UPDATED_BY]) ?
		    row->f[SN_UPDATED_BY] : "unknown", .login = c->login,
		    .kind = i == 0 ? "open" : "update", .field = field,
		    .old = from, .new_ = to, .message = msg[0] ? msg : NULL };
		prev_state = state;
		for (k = 0; k < SN_EV_N; k++)
			prev[k] = now[k];
	}
}

/*
 * Writes the incident whose rows were read: its ticket with its due
 * times (computed here from what is written, not read back), then its
 * events, each row checked against the policy when asked.
 */
static int
flush_incident(struct sn *sn)
{
	struct sn_row **keep = NULL;
	struct store_set set[SN_SET];
	struct store_event *ev = NULL;
	struct tk_sla_ticket tk = { .priority = NULL };
	char summary[SN_SUMMARY], *msg = NULL;
	const char **sto = NULL;
	int64_t *sat = NULL, rdue, sdue;
	size_t n = 0, i, nkeep, nst;
	int64_t id;
	int pri = -1, rc;

	if (sn->nrows == 0)
		return 0;
	if ((keep = calloc(sn->nrows, sizeof(*keep))) == NULL ||
	    (ev = calloc(sn->nrows, sizeof(*ev))) == NULL ||
	    (msg = malloc(sn->nrows * SN_MSG)) == NULL ||
	    (sat = calloc(sn->nrows, sizeof(*sat))) == NULL ||
	    (sto = calloc(sn->nrows, sizeof(*sto))) == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto done;
	}
	if ((rc = rows_kept(sn, keep, &nkeep)) != 0 || nkeep == 0 ||
	    (rc = ticket_values(sn, keep, nkeep, set, &n, summary,
	    &pri)) != 0)
		goto done;
	incident_events(sn, keep, nkeep, ev, msg, sat, sto, &nst);
	if (pri >= 0) {
		tk = (struct tk_sla_ticket){ .at = sat, .to = sto, .n = nst };
		for (i = 0; i < n; i++) {
			if (set[i].key == ITSM_F_PRIORITY)
				tk.priority = set[i].text;
			else if (set[i].key == ITSM_F_GROUP)
				tk.group = set[i].text;
			else if (set[i].key == ITSM_F_SERVICE)
				tk.service = set[i].text;
			else if (set[i].key == ITSM_F_STATUS)
				tk.status = set[i].text;
			else if (set[i].key == ITSM_F_OPENED_AT)
				tk.opened = set[i].num;
			else if (set[i].key == ITSM_F_RESOLVED_AT)
				tk.resolved = set[i].num;
			else if (set[i].key == ITSM_F_RESPONDED_AT)
				tk.responded = set[i].num;
		}
		if ((rc = tk_sla_dues(sn->c, &tk, &rdue, &sdue)) < 0)
			goto done;
		if (rc == 1) {
			set[n++] = (struct store_set){ .key =
			    ITSM_F_RESPONSE_DUE, .num = rdue, .is_int = 1 };
			set[n++] = (struct store_set){ .key =
			    ITSM_F_RESOLUTION_DUE, .num = sdue, .is_int = 1 };
		}
	}
	rc = store_ticket_insert(sn->c->store, set, n, &id);
	if (rc == STORE_EXISTS)
		rc = row_error(sn, keep[0]->line, "%s appears again after "
		    "other incidents, or was imported before (rows must "
		    "be grouped by number)", keep[0]->f[SN_NUMBER]);
	if (rc != 0 || (rc = store_events_add(sn->c->store, id, ev,
	    nkeep)) != 0)
		goto done;
	for (i = 0; i < nkeep; i++) {
		sn->st->events++;
		if (sn->o->policy_check)
			policy_check(sn, keep[i]);
	}
	sn->st->tickets++;
done:
	free(keep);
	free(ev);
	free(msg);
	free(sat);
	free(sto);
	for (i = 0; i < sn->nrows; i++)
		free_row(&sn->rows[i]);
	sn->nrows = 0;
	return rc;
}

/*
 * Every value of a row that the import reads, parsed as it will be: a
 * value that does not parse is an error, never an unknown (only "?" and
 * an empty field are).  Rows left out for their state too.
 */
static int
check_row(struct sn *sn, const struct sn_row *row)
{
	static const int times[] = { SN_OPENED, SN_UPDATED_AT, SN_RESOLVED_AT,
	    SN_CLOSED_AT };
	static const int counts[] = { SN_REASSIGN, SN_REOPEN };
	static const int ranks[] = { SN_IMPACT, SN_URGENCY, SN_PRIORITY };
	static const int names[] = { SN_NUMBER, SN_CALLER, SN_UPDATED_BY,
	    SN_CATEGORY, SN_SUBCATEGORY, SN_SYMPTOM, SN_CI, SN_GROUP,
	    SN_ASSIGNED, SN_CLOSED_CODE };
	const char *f;
	int64_t v;
	size_t i;

#define N(a) (sizeof(a) / sizeof(a[0]))
	for (i = 0; i < N(times); i++)
		if (parse_dmy(f = row->f[times[i]], &v) != 0)
			return row_error(sn, row->line, "%s '%.*s' is not a "
			    "D/M/YYYY HH:MM time", sn_columns[times[i]],
			    itsm_cut(f, 64), f);
	for (i = 0; i < N(counts); i++)
		if (parse_count(f = row->f[counts[i]], &v) != 0)
			return row_error(sn, row->line, "%s '%.*s' is not a "
			    "count (decimal digits, 0 to %d)",
			    sn_columns[counts[i]], itsm_cut(f, 64), f, MAX_COUNT);
	for (i = 0; i < N(ranks); i++)
		if (parse_rank(f = row->f[ranks[i]]) < 0)
			return row_error(sn, row->line, "%s '%.*s' is not a "
			    "rank ('N' or 'N - NAME')", sn_columns[ranks[i]],
			    itsm_cut(f, 64), f);
	for (i = 0; i < N(names); i++)
		if (strlen(f = row->f[names[i]]) > MAX_NAME)
			return row_error(sn, row->line, "%s is too long (%zu "
			    "bytes; at most %d)", sn_columns[names[i]],
			    strlen(f), MAX_NAME);
#undef N
	return 0;
}

/* libcsv: a field of the row being read. */
static void
on_field(void *data, size_t len, void *arg)
{
	struct sn *sn = arg;
	const char *col;
	size_t bad, i, line;
	char **nf;

	if (sn->rc != 0)
		return;
	if ((nf = realloc(sn->fields, (size_t)(sn->nfields + 1) *
	    sizeof(*nf))) == NULL) {
		sn->rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		return;
	}
	sn->fields = nf;
	if ((nf[sn->nfields] = malloc(len + 1)) == NULL) {
		sn->rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		return;
	}
	memcpy(nf[sn->nfields], data, len);
	nf[sn->nfields++][len] = '\0';
	if ((bad = tk_utf8_valid(data, len)) < len) {
		/* The field ends on the line read: its line breaks say where. */
		for (line = sn->r->line, i = bad; i < len; i++)
			if (((const char *)data)[i] == '\n')
				line--;
		col = sn->header_done && sn->nfields <= sn->ncols ?
		    sn->names[sn->nfields - 1] : NULL;
		if (col != NULL)
			sn->rc = itsm_error(ITSM_E_INVALID, "%s:%zu: column "
			    "'%.*s' is not valid UTF-8", sn->r->name, line,
			    itsm_cut(col, 64), col);
		else
			sn->rc = itsm_error(ITSM_E_INVALID, "%s:%zu: field %d "
			    "is not valid UTF-8", sn->r->name, line,
			    sn->nfields);
	}
}

static void
drop_fields(struct sn *sn)
{
	int i;

	for (i = 0; i < sn->nfields; i++)
		free(sn->fields[i]);
	sn->nfields = 0;
}

static void
header(struct sn *sn)
{
	int i, k;

	sn->ncols = sn->nfields;
	/* The header's names, for the messages: taken from the fields. */
	if ((sn->names = calloc((size_t)sn->nfields + 1,
	    sizeof(*sn->names))) == NULL) {
		sn->rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		return;
	}
	for (i = 0; i < sn->nfields; i++) {
		sn->names[i] = sn->fields[i];
		sn->fields[i] = NULL;
	}
	for (k = 0; k < SN_NCOLS; k++) {
		sn->col[k] = -1;
		for (i = 0; i < sn->ncols; i++)
			if (strcmp(sn->names[i], sn_columns[k]) == 0)
				sn->col[k] = i;
		if (sn->col[k] < 0) {
			sn->rc = itsm_error(ITSM_E_INVALID, "%s:%zu: missing "
			    "column '%s' (not a ServiceNow incident event log)",
			    sn->r->name, sn->row_line, sn_columns[k]);
			return;
		}
	}
	sn->header_done = 1;
}

/* libcsv: the end of a row. */
static void
on_row(int term, void *arg)
{
	struct sn *sn = arg;
	struct sn_row *row;
	int k;

	(void)term;
	if (sn->rc != 0)
		goto done;
	if (!sn->header_done) {
		header(sn);
		goto done;
	}
	if (sn->nfields != sn->ncols) {
		sn->rc = itsm_error(ITSM_E_INVALID, "%s:%zu: %d fields, the "
		    "header has %d", sn->r->name, sn->row_line, sn->nfields,
		    sn->ncols);
		goto done;
	}
	/* A new number: the previous incident is complete. */
	if (sn->nrows > 0 && strcmp(sn->rows[0].f[SN_NUMBER],
	    sn->fields[sn->col[SN_NUMBER]]) != 0 &&
	    (sn->rc = flush_incident(sn)) != 0)
		goto done;
	if (sn->nrows == sn->caprows) {
		size_t cap = sn->caprows ? sn->caprows * 2 : 32;
		struct sn_row *nr = realloc(sn->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			sn->rc = itsm_error(ITSM_E_NOMEM, "out of memory");
			goto done;
		}
		sn->rows = nr;
		sn->caprows = cap;
	}
	row = &sn->rows[sn->nrows++];
	row->line = sn->row_line;
	for (k = 0; k < SN_NCOLS; k++) {
		row->f[k] = sn->fields[sn->col[k]];
		sn->fields[sn->col[k]] = NULL;	/* the row owns it now */
	}
	if (known(row->f[SN_NUMBER]) == NULL)
		sn->rc = itsm_error(ITSM_E_INVALID, "%s:%zu: a row without a "
		    "number", sn->r->name, sn->row_line);
	else
		sn->rc = check_row(sn, row);
done:
	drop_fields(sn);
	sn->row_line = 0;	/* the next row begins on the next line */
}

static int
import_servicenow(itsm_ctx *c, struct reader *r,
    const struct itsm_import_opts *o, struct itsm_import_stats *st,
    int have_line)
{
	struct sn sn = { .c = c, .r = r, .o = o, .st = st };
	struct csv_parser csv;
	size_t i;
	int rc;

	if (csv_init(&csv, CSV_APPEND_NULL) != 0)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	/*
	 * libcsv grows a field's buffer by this much at a time (128 bytes
	 * by default): a field of megabytes would be copied thousands of
	 * times over.
	 */
	csv_set_blk_size(&csv, 1 << 20);
	for (;;) {
		if (!have_line && (rc = reader_next(r)) <= 0)
			break;
		have_line = 0;
		st->lines = r->line;
		if (o->progress && r->line % PROGRESS_EVERY == 0)
			o->progress(o->arg, r->line);
		/* A row begins here (libcsv skips blank lines). */
		if (sn.row_line == 0 && r->len > 0)
			sn.row_line = r->line;
		/* The line's end, which reader_next took off, ends the row. */
		r->buf[r->len] = '\n';
		if (csv_parse(&csv, r->buf, r->len + 1, on_field, on_row, &sn) !=
		    r->len + 1) {
			rc = itsm_error(ITSM_E_INVALID, "%s:%zu: %s", r->name,
			    r->line, csv_strerror(csv_error(&csv)));
			break;
		}
		r->buf[r->len] = '\0';
		if ((rc = sn.rc) != 0)
			break;
	}
	if (rc == 0) {
		csv_fini(&csv, on_field, on_row, &sn);
		if ((rc = sn.rc) == 0 && !sn.header_done)
			rc = itsm_error(ITSM_E_INVALID, "%s: empty: no header",
			    r->name);
		if (rc == 0)
			rc = flush_incident(&sn);
	}
	csv_free(&csv);
	drop_fields(&sn);
	free(sn.fields);
	for (i = 0; sn.names != NULL && sn.names[i] != NULL; i++)
		free(sn.names[i]);
	free(sn.names);
	for (i = 0; i < sn.nrows; i++)
		free_row(&sn.rows[i]);
	free(sn.rows);
	return rc;
}

int
itsm_import(itsm_ctx *c, const char *path, const struct itsm_import_opts *o,
    struct itsm_import_stats *st)
{
	enum itsm_import_format fmt = o->format;
	struct reader r;
	int rc, have = 0;

	*st = (struct itsm_import_stats){ 0 };
	/* History states its actors and times: an admin's (itsm(1), Roles). */
	if ((rc = tk_need_role(c, ITSM_ROLE_ADMIN, "importing history")) != 0)
		return rc;
#ifdef M_TRIM_THRESHOLD
	/*
	 * Each line allocates and frees about as much as glibc keeps at the
	 * top of the heap before giving it back: it gave back and took again
	 * the same pages at almost every line, a page fault each (230,000
	 * at 10k tickets, half the import's time).  What is free stays.
	 */
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
	if ((rc = reader_open(&r, path)) != 0)
		goto done;
	if ((rc = store_bulk(c->store)) != 0 ||
	    (rc = itsm_store_begin(c->store)) != 0)
		goto done;
	if (fmt == ITSM_FORMAT_AUTO) {
		/* The first line tells: an object, or a CSV header. */
		while ((rc = reader_next(&r)) > 0 &&
		    r.buf[strspn(r.buf, " \t")] == '\0')
			;	/* blank lines are nothing */
		if (rc < 0)
			goto fail;
		/* Nothing at all is the export of an empty database. */
		have = rc > 0;
		fmt = !have || r.buf[strspn(r.buf, " \t")] == '{' ?
		    ITSM_FORMAT_JSONL : ITSM_FORMAT_SERVICENOW;
	}
	if (fmt == ITSM_FORMAT_JSONL)
		rc = import_jsonl(c, &r, o, st, have);
	else
		rc = import_servicenow(c, &r, o, st, have);
	if (rc != 0)
		goto fail;
	st->lines = r.line;
	rc = itsm_store_commit(c->store);
	goto done;
fail:
	itsm_store_rollback(c->store);
done:
	reader_close(&r);
	return rc;
}

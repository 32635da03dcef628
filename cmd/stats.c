/*
 * itsm stats: the figures of the service over a period, in total and per
 * value of one field.  A report with bar charts on a terminal; for
 * scripts, "metric<TAB>group<TAB>value" lines or one JSON object whose
 * paths are the metric names.  itsm-stats(1) defines every figure.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"

enum { O_SINCE, O_UNTIL, O_BY };

static const struct opt opts[] = {
	[O_SINCE] = { "since", 0, "TIME", "the period starts at TIME",
	    C_NONE, 0 },
	[O_UNTIL] = { "until", 0, "TIME", "the period ends before TIME",
	    C_NONE, 0 },
	[O_BY] = { "by", 0, "FIELD", "per priority, group, category, channel "
	    "or tier", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/* The group column of the total in tsv and csv, and of a missing value. */
#define ALL "(all)"
#define NONE "(none)"

/*
 * One walk over the figures writes every format but the table: in tsv
 * and csv each value is a line named by its path ("response.met"), in
 * JSON the path is the nesting, so that both always agree.
 */
struct emit {
	struct app *a;
	const char *group;	/* the second column in tsv and csv */
	char path[1024];
	size_t mark[8];		/* path length at each depth */
	int first[8];		/* no member yet at this depth (JSON) */
	int depth;
};

static int
is_json(const struct emit *e)
{
	return e->a->fmt == FMT_JSON || e->a->fmt == FMT_JSONL;
}

/* Starts member key: in JSON its name, elsewhere a path component. */
static void
em_key(struct emit *e, const char *key)
{
	size_t n = e->mark[e->depth];

	if (is_json(e)) {
		if (!e->first[e->depth])
			fputc(',', e->a->out);
		e->first[e->depth] = 0;
		out_json_string(e->a->out, key);
		fputc(':', e->a->out);
		return;
	}
	snprintf(e->path + n, sizeof(e->path) - n, "%s%s", n ? "." : "", key);
}

/* A line of tsv or csv: the path, the group, the value. */
static void
em_line(struct emit *e, const char *value)
{
	FILE *f = e->a->out;
	enum fmt fmt = e->a->fmt == FMT_CSV ? FMT_CSV : FMT_TSV;

	out_field(f, e->path, fmt, 1);
	out_field(f, e->group, fmt, 0);
	out_field(f, value, fmt, 0);
	fputc('\n', f);
}

static void
em_open(struct emit *e, const char *key)
{
	if (key != NULL)
		em_key(e, key);
	if (is_json(e))
		fputc('{', e->a->out);
	e->depth++;
	e->mark[e->depth] = strlen(e->path);
	e->first[e->depth] = 1;
}

static void
em_close(struct emit *e)
{
	e->depth--;
	e->path[e->mark[e->depth]] = '\0';
	if (is_json(e))
		fputc('}', e->a->out);
}

/* A value already formatted as a JSON number; NULL for null (empty). */
static void
em_num(struct emit *e, const char *key, const char *num)
{
	em_key(e, key);
	if (is_json(e))
		fputs(num ? num : "null", e->a->out);
	else
		em_line(e, num ? num : "");
	e->path[e->mark[e->depth]] = '\0';
}

static void
em_int(struct emit *e, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	em_num(e, key, buf);
}

/* Seconds, null when negative (no value). */
static void
em_secs(struct emit *e, const char *key, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	em_num(e, key, v < 0 ? NULL : buf);
}

/* A rate or a mean with at most four decimals ("0.75", "1"). */
static void
fmt_ratio(double v, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%.4f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static void
em_ratio(struct emit *e, const char *key, double v)
{
	char buf[48];

	fmt_ratio(v, buf, sizeof(buf));
	em_num(e, key, v < 0 ? NULL : buf);
}

static void
em_str(struct emit *e, const char *key, const char *s)
{
	em_key(e, key);
	if (is_json(e)) {
		if (s == NULL)
			fputs("null", e->a->out);
		else
			out_json_string(e->a->out, s);
	} else {
		em_line(e, s ? s : "");
	}
	e->path[e->mark[e->depth]] = '\0';
}

static void
em_time(struct emit *e, const char *key, const struct itsm_stats_time *t)
{
	em_open(e, key);
	em_int(e, "count", t->count);
	em_secs(e, "median", t->median);
	em_secs(e, "p90", t->p90);
	em_close(e);
}

/* Every figure of f, in the order of itsm-stats(1). */
static void
em_figures(struct emit *e, const struct itsm_stats_figures *f)
{
	static const char *const marks[] = { "1", "2", "3", "4", "5" };
	const char *p;
	size_t i;

	em_int(e, "opened", f->opened);
	em_int(e, "closed", f->closed);
	em_int(e, "backlog", f->backlog);
	em_int(e, "resolved", f->resolved);
	em_open(e, "resolve_time");
	em_int(e, "count", f->resolve_time.count);
	em_secs(e, "median", f->resolve_time.median);
	em_secs(e, "p90", f->resolve_time.p90);
	em_open(e, "by_priority");
	for (i = 0; i < f->npriorities; i++) {
		p = f->by_priority[i].priority;
		em_time(e, p ? p : NONE, &f->by_priority[i]);
	}
	em_close(e);
	em_close(e);
	em_open(e, "response");
	em_int(e, "met", f->response_met);
	em_int(e, "breached", f->response_breached);
	em_ratio(e, "compliance", f->response_compliance);
	em_close(e);
	em_open(e, "resolution");
	em_int(e, "met", f->resolution_met);
	em_int(e, "breached", f->resolution_breached);
	em_ratio(e, "compliance", f->resolution_compliance);
	em_close(e);
	em_open(e, "fcr");
	em_int(e, "count", f->fcr);
	em_ratio(e, "rate", f->fcr_rate);
	em_close(e);
	em_open(e, "reassignment");
	em_int(e, "count", f->reassigned);
	em_int(e, "total", f->reassignments);
	em_ratio(e, "rate", f->reassignment_rate);
	em_ratio(e, "mean", f->reassignment_mean);
	em_close(e);
	em_open(e, "reopen");
	em_int(e, "count", f->reopened);
	em_ratio(e, "rate", f->reopen_rate);
	em_close(e);
	em_open(e, "satisfaction");
	em_int(e, "count", f->satisfaction_count);
	em_ratio(e, "mean", f->satisfaction_mean);
	em_open(e, "distribution");
	for (i = 0; i < 5; i++)
		em_int(e, marks[i], f->satisfaction[i]);
	em_close(e);
	em_close(e);
}

static void
em_period(struct emit *e, const char *key, int has, int64_t t)
{
	char buf[ITSM_TIMEBUF];

	itsm_time_format(t, buf);
	em_str(e, key, has ? buf : NULL);
}

/* tsv, csv, json, jsonl. */
static void
print_data(struct app *app, const itsm_stats *s,
    const struct itsm_stats_query *q)
{
	struct emit e = { .a = app, .group = ALL };
	const struct itsm_stats_figures *g;
	size_t i;

	if (!is_json(&e)) {
		if (app->fmt == FMT_CSV)
			fputs("metric,group,value\n", app->out);
		em_figures(&e, itsm_stats_total(s));
		for (i = 0; i < itsm_stats_group_count(s); i++) {
			g = itsm_stats_group(s, i);
			e.group = g->value ? g->value : NONE;
			em_figures(&e, g);
		}
		return;
	}
	em_open(&e, NULL);
	em_period(&e, "since", q->has_since, q->since);
	em_period(&e, "until", q->has_until, q->until);
	em_str(&e, "by", itsm_stats_by_name(q->by));
	em_open(&e, "total");
	em_figures(&e, itsm_stats_total(s));
	em_close(&e);
	em_key(&e, "groups");
	fputc('[', app->out);
	for (i = 0; i < itsm_stats_group_count(s); i++) {
		g = itsm_stats_group(s, i);
		if (i > 0)
			fputc(',', app->out);
		em_open(&e, NULL);
		em_str(&e, "value", g->value);
		em_figures(&e, g);
		em_close(&e);
	}
	fputc(']', app->out);
	em_close(&e);
	fputc('\n', app->out);
}

/* --- The report on a terminal. --- */

#define MAXCOLS 3
#define MAXBAR 50

struct row {
	const char *label;	/* stored text: shown escaped */
	char col[MAXCOLS][32];
	double bar;		/* 0..1, or < 0 for none */
	char note[64];
};

struct report {
	struct app *a;
	int utf8;
	int oom;		/* a row could not be added: fail at the end */
	struct row *rows;
	size_t n, cap;
};

/* Whether the locale's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG). */
static int
locale_utf8(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v, *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = getenv(vars[i]);
		if (v == NULL || *v == '\0')
			continue;
		for (p = v; *p != '\0'; p++)
			if (strncasecmp(p, "utf-8", 5) == 0 ||
			    strncasecmp(p, "utf8", 4) == 0)
				return 1;
		return 0;
	}
	return 0;
}

static struct row *
add_row(struct report *r, const char *label)
{
	struct row *nr;

	if (r->oom)
		return NULL;
	if (r->n == r->cap) {
		if ((nr = realloc(r->rows, (r->cap ? r->cap * 2 : 16) *
		    sizeof(*nr))) == NULL) {
			r->oom = 1;
			return NULL;
		}
		r->rows = nr;
		r->cap = r->cap ? r->cap * 2 : 16;
	}
	nr = &r->rows[r->n++];
	memset(nr, 0, sizeof(*nr));
	nr->label = label;
	nr->bar = -1;
	return nr;
}

/* A bar of frac * width cells: eighths in UTF-8, else '#'; its width. */
static int
put_bar(struct report *r, double frac, int width)
{
	static const char *const eighth[] = { "", "▏", "▎", "▍", "▌", "▋",
	    "▊", "▉" };
	FILE *f = r->a->out;
	long cells, i;
	int unit = r->utf8 ? 8 : 1;

	if (frac > 1)
		frac = 1;
	if (frac <= 0)
		return 0;
	cells = (long)(frac * width * unit + 0.5);
	if (cells == 0)
		cells = 1;	/* something is not nothing */
	fputs(color(r->a, "\033[36m"), f);
	for (i = 0; i < cells / unit; i++)
		fputs(r->utf8 ? "█" : "#", f);
	if (r->utf8)
		fputs(eighth[cells % 8], f);
	fputs(color(r->a, "\033[0m"), f);
	return (int)((cells + unit - 1) / unit);
}

/*
 * Prints a section: its title and column heads, then one line per row:
 * the label, the columns right-aligned, the bar, the note.  The bars
 * share what the terminal's width leaves.
 */
static void
flush_section(struct report *r, const char *title, const char *const *head)
{
	FILE *f = r->a->out;
	int lw = 0, cw[MAXCOLS] = { 0 }, nw = 0, used, bw, i, len;
	size_t k;

	if (r->oom)
		return;
	for (k = 0; k < r->n; k++) {
		len = (int)strlen(r->rows[k].label);
		lw = len > lw ? len : lw;
		for (i = 0; i < MAXCOLS; i++) {
			len = (int)strlen(r->rows[k].col[i]);
			cw[i] = len > cw[i] ? len : cw[i];
		}
		len = (int)strlen(r->rows[k].note);
		nw = len > nw ? len : nw;
	}
	if (lw > 24)
		lw = 24;
	for (i = 0; head != NULL && i < MAXCOLS && head[i] != NULL; i++)
		if ((int)strlen(head[i]) > cw[i])
			cw[i] = (int)strlen(head[i]);
	used = 3 + lw;
	for (i = 0; i < MAXCOLS; i++)
		used += cw[i] ? cw[i] + 2 : 0;
	bw = term_width() - used - 3 - (nw ? nw + 2 : 0);
	bw = bw > MAXBAR ? MAXBAR : bw < 10 ? 10 : bw;
	fprintf(f, "%s%s%s\n", color(r->a, "\033[1m"), title,
	    color(r->a, "\033[0m"));
	if (head != NULL) {
		fprintf(f, "%*s", 3 + lw, "");
		for (i = 0; i < MAXCOLS && head[i] != NULL; i++)
			fprintf(f, "  %*s", cw[i], head[i]);
		fputc('\n', f);
	}
	for (k = 0; k < r->n; k++) {
		struct row *w = &r->rows[k];

		fputs("  ", f);
		out_cell(f, w->label, lw, 0);
		for (i = 0; i < MAXCOLS; i++)
			if (cw[i])
				fprintf(f, " %*s", cw[i] + 1, w->col[i]);
		if (w->bar > 0 || w->note[0] != '\0') {
			fputs("  ", f);
			len = put_bar(r, w->bar, bw);
			if (w->note[0] != '\0')
				fprintf(f, "%*s%s", bw - len + 2, "", w->note);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	r->n = 0;
}

/* A duration for people: to the minute from an hour on. */
static void
human_secs(int64_t secs, char *buf, size_t len)
{
	if (secs < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (secs >= 3600)
		secs = (secs + 30) / 60 * 60;
	itsm_duration_format(secs, buf, (unsigned)len);
}

static void
percent(double v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", v * 100);
}

static const char *
label_of(const struct itsm_stats_figures *g)
{
	return g->value ? g->value : NONE;
}

static void
period_line(struct report *r, const struct itsm_stats_query *q)
{
	char a[ITSM_TIMEBUF], b[ITSM_TIMEBUF], now[ITSM_TIMEBUF];

	time_text(r->a, q->since, a);
	time_text(r->a, q->until, b);
	time_text(r->a, itsm_ctx_now(r->a->ctx), now);
	fputs(color(r->a, "\033[1m"), r->a->out);
	if (q->has_since && q->has_until)
		fprintf(r->a->out, "Tickets opened from %s to %s", a, b);
	else if (q->has_since)
		fprintf(r->a->out, "Tickets opened since %s", a);
	else if (q->has_until)
		fprintf(r->a->out, "Tickets opened before %s", b);
	else
		fputs("Tickets opened at any time", r->a->out);
	fprintf(r->a->out, "%s, as of %s\n\n", color(r->a, "\033[0m"), now);
}

/* The value of the figure that a section per group compares. */
enum cmp_fig { F_RESPONSE, F_RESOLUTION, F_FCR, F_REASSIGN, F_REOPEN };

static struct row *
rate_row(struct report *r, const char *label, double rate, int64_t num,
    int64_t den, const char *of)
{
	struct row *w = add_row(r, label);

	if (w == NULL)
		return NULL;
	percent(rate, w->col[0], sizeof(w->col[0]));
	w->bar = rate;
	snprintf(w->note, sizeof(w->note), "%lld of %lld%s", (long long)num,
	    (long long)den, of);
	return w;
}

static void
fig_rate_row(struct report *r, const char *label,
    const struct itsm_stats_figures *f, enum cmp_fig which)
{
	struct row *w;
	char m[32];
	size_t n;

	switch (which) {
	case F_RESPONSE:
		rate_row(r, label, f->response_compliance, f->response_met,
		    f->response_met + f->response_breached, " met");
		break;
	case F_RESOLUTION:
		rate_row(r, label, f->resolution_compliance, f->resolution_met,
		    f->resolution_met + f->resolution_breached, " met");
		break;
	case F_FCR:
		rate_row(r, label, f->fcr_rate, f->fcr, f->fcr_base,
		    f->fcr_base == f->resolved ? " resolved" :
		    " resolved with a tier");
		break;
	case F_REASSIGN:
		w = rate_row(r, label, f->reassignment_rate, f->reassigned,
		    f->opened, " opened");
		if (w != NULL && f->reassignment_mean >= 0) {
			fmt_ratio(f->reassignment_mean, m, sizeof(m));
			n = strlen(w->note);
			snprintf(w->note + n, sizeof(w->note) - n, ", mean %s",
			    m);
		}
		break;
	case F_REOPEN:
		rate_row(r, label, f->reopen_rate, f->reopened, f->opened,
		    " opened");
		break;
	}
}

static struct row *
time_row(struct report *r, const char *label, const struct itsm_stats_time *t,
    int64_t max)
{
	struct row *w = add_row(r, label);

	if (w == NULL)
		return NULL;
	snprintf(w->col[0], sizeof(w->col[0]), "%lld", (long long)t->count);
	human_secs(t->median, w->col[1], sizeof(w->col[1]));
	human_secs(t->p90, w->col[2], sizeof(w->col[2]));
	if (t->median > 0 && max > 0)
		w->bar = (double)t->median / (double)max;
	return w;
}

static void
count_row(struct report *r, const char *label, int64_t v, int64_t max)
{
	struct row *w = add_row(r, label);

	if (w == NULL)
		return;
	snprintf(w->col[0], sizeof(w->col[0]), "%lld", (long long)v);
	w->bar = max > 0 ? (double)v / (double)max : 0;
}

/* The report of the total alone. */
static void
report_total(struct report *r, const struct itsm_stats_figures *t)
{
	static const char *const time_head[] = { "count", "median", "p90",
	    NULL };
	static const char *const marks[] = { "1", "2", "3", "4", "5" };
	int64_t max;
	size_t i;
	char title[96], m[32];

	max = t->opened > t->closed ? t->opened : t->closed;
	max = t->backlog > max ? t->backlog : max;
	count_row(r, "opened", t->opened, max);
	count_row(r, "closed", t->closed, max);
	count_row(r, "backlog", t->backlog, max);
	flush_section(r, "Volumes", NULL);

	for (max = 0, i = 0; i < t->npriorities; i++)
		if (t->by_priority[i].median > max)
			max = t->by_priority[i].median;
	for (i = 0; i < t->npriorities; i++)
		time_row(r, t->by_priority[i].priority ?
		    t->by_priority[i].priority : NONE, &t->by_priority[i], max);
	time_row(r, ALL, &t->resolve_time, max > t->resolve_time.median ?
	    max : t->resolve_time.median);
	flush_section(r, "Time to resolve, SLA clock", time_head);

	fig_rate_row(r, "response", t, F_RESPONSE);
	fig_rate_row(r, "resolution", t, F_RESOLUTION);
	flush_section(r, "SLA compliance", NULL);

	fig_rate_row(r, "first contact", t, F_FCR);
	fig_rate_row(r, "reassigned", t, F_REASSIGN);
	fig_rate_row(r, "reopened", t, F_REOPEN);
	flush_section(r, "Resolution", NULL);

	for (max = 0, i = 0; i < 5; i++)
		max = t->satisfaction[i] > max ? t->satisfaction[i] : max;
	for (i = 5; i-- > 0;)
		count_row(r, marks[i], t->satisfaction[i], max);
	fmt_ratio(t->satisfaction_mean, m, sizeof(m));
	snprintf(title, sizeof(title), "Satisfaction: mean %s of 5, %lld "
	    "answer%s", t->satisfaction_mean < 0 ? "-" : m,
	    (long long)t->satisfaction_count,
	    t->satisfaction_count == 1 ? "" : "s");
	flush_section(r, title, NULL);
}

/* The report per group: one section per figure, a line per group. */
static void
report_groups(struct report *r, const itsm_stats *s, const char *by)
{
	static const char *const vol_head[] = { "opened", "closed", "backlog",
	    NULL };
	static const char *const time_head[] = { "count", "median", "p90",
	    NULL };
	static const struct { enum cmp_fig f; const char *title; } rates[] = {
		{ F_RESPONSE, "Response compliance" },
		{ F_RESOLUTION, "Resolution compliance" },
		{ F_FCR, "First-contact resolution" },
		{ F_REASSIGN, "Reassigned" },
		{ F_REOPEN, "Reopened" },
	};
	const struct itsm_stats_figures *t = itsm_stats_total(s), *g;
	size_t n = itsm_stats_group_count(s), i, k;
	char title[96];
	int64_t max;
	struct row *w;

	for (max = 0, i = 0; i < n; i++)
		max = itsm_stats_group(s, i)->opened > max ?
		    itsm_stats_group(s, i)->opened : max;
	for (i = 0; i <= n; i++) {
		g = i < n ? itsm_stats_group(s, i) : t;
		if ((w = add_row(r, i < n ? label_of(g) : ALL)) == NULL)
			return;
		snprintf(w->col[0], sizeof(w->col[0]), "%lld",
		    (long long)g->opened);
		snprintf(w->col[1], sizeof(w->col[1]), "%lld",
		    (long long)g->closed);
		snprintf(w->col[2], sizeof(w->col[2]), "%lld",
		    (long long)g->backlog);
		if (i < n)
			w->bar = max > 0 ? (double)g->opened / (double)max : 0;
	}
	snprintf(title, sizeof(title), "Volumes by %s", by);
	flush_section(r, title, vol_head);

	for (max = 0, i = 0; i < n; i++)
		max = itsm_stats_group(s, i)->resolve_time.median > max ?
		    itsm_stats_group(s, i)->resolve_time.median : max;
	for (i = 0; i <= n; i++) {
		g = i < n ? itsm_stats_group(s, i) : t;
		w = time_row(r, i < n ? label_of(g) : ALL, &g->resolve_time,
		    max);
		if (w != NULL && i == n)
			w->bar = -1;	/* the total is not compared */
	}
	snprintf(title, sizeof(title), "Time to resolve by %s, SLA clock", by);
	flush_section(r, title, time_head);

	for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		for (i = 0; i <= n; i++) {
			g = i < n ? itsm_stats_group(s, i) : t;
			fig_rate_row(r, i < n ? label_of(g) : ALL, g,
			    rates[k].f);
		}
		snprintf(title, sizeof(title), "%s by %s", rates[k].title, by);
		flush_section(r, title, NULL);
	}

	for (i = 0; i <= n; i++) {
		g = i < n ? itsm_stats_group(s, i) : t;
		if ((w = add_row(r, i < n ? label_of(g) : ALL)) == NULL)
			return;
		if (g->satisfaction_mean < 0)
			snprintf(w->col[0], sizeof(w->col[0]), "-");
		else
			fmt_ratio(g->satisfaction_mean, w->col[0],
			    sizeof(w->col[0]));
		w->bar = g->satisfaction_mean < 0 ? 0 :
		    g->satisfaction_mean / 5;
		snprintf(w->note, sizeof(w->note), "%lld answer%s",
		    (long long)g->satisfaction_count,
		    g->satisfaction_count == 1 ? "" : "s");
	}
	snprintf(title, sizeof(title), "Satisfaction by %s, mean of 5", by);
	flush_section(r, title, NULL);
}

static int
print_report(struct app *app, const itsm_stats *s,
    const struct itsm_stats_query *q)
{
	struct report r = { .a = app, .utf8 = locale_utf8() };

	period_line(&r, q);
	if (q->by == ITSM_BY_NONE)
		report_total(&r, itsm_stats_total(s));
	else
		report_groups(&r, s, itsm_stats_by_name(q->by));
	free(r.rows);
	return r.oom ? fail(itsm_error(ITSM_E_NOMEM, "out of memory")) : 0;
}

static int
run(struct app *app, const struct args *a)
{
	struct itsm_stats_query q = { .by = ITSM_BY_NONE };
	itsm_stats *s = NULL;
	int rc;

	if (a->val[O_SINCE] != NULL) {
		if ((rc = parse_time(app, a->val[O_SINCE], &q.since)) != 0)
			return rc;
		q.has_since = 1;
	}
	if (a->val[O_UNTIL] != NULL) {
		if ((rc = parse_time(app, a->val[O_UNTIL], &q.until)) != 0)
			return rc;
		q.has_until = 1;
	}
	if (a->val[O_BY] != NULL &&
	    (rc = itsm_stats_by_parse(a->val[O_BY], &q.by)) != 0)
		return fail(rc);
	if ((rc = itsm_stats_get(app->ctx, &q, &s)) != 0)
		return fail(rc);
	rc = 0;
	if (app->fmt == FMT_TABLE)
		rc = print_report(app, s, &q);
	else
		print_data(app, s, &q);
	itsm_stats_free(s);
	return rc;
}

const struct cmd cmd_stats = {
	.name = "stats",
	.summary = "the figures of the service: volumes, times, SLA, quality",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
};

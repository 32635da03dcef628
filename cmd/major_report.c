/*
 * The post-incident report of a major incident, in Markdown, built only
 * from what was recorded: what was not is said to be not recorded, never
 * invented.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define NR "not recorded"

int major_report(struct app *app, const itsm_major *m, FILE *o, int html);

/*
 * The application the report is written for: its display zone is the
 * zone of every time shown (set by major_report(), read by when()).
 */
static const struct app *reader;

/*
 * Text for Markdown, shown as it was typed and never as markup: '<', '>'
 * and '&' become entities, so that no raw HTML (a script, an image, an
 * autolink) and no character reference passes; '[' and ']' are escaped,
 * so that no link or image can be made (a javascript: or data: link
 * included), and so are '\\', '`' (a code span would show the entities
 * as typed) and '|' (a table).  At the start of a line (after a line
 * break of the text, and at its start with MD_START), what would open a
 * block ('#', '-', '+', '*', '=', '~', '_', "1." or "1)") is escaped too: a
 * text cannot make a heading, a rule or a code fence of its own, such as
 * "## Root cause" or "~~~" (which would turn the rest into code).  With
 * MD_CELL (a table cell, a list item), line breaks become spaces.
 * Control characters are always escaped.
 */
enum { MD_CELL = 1, MD_START = 2 };

static void
md(FILE *o, const char *s, int how)
{
	char *copy, *p, *line, *nl;
	int cell = how & MD_CELL, bol = how & MD_START;
	size_t n;

	if (s == NULL) {
		fputs(NR, o);
		return;
	}
	if ((copy = malloc(strlen(s) * 6 + 1)) == NULL)
		return;
	for (p = copy; *s; s++) {
		if (bol && (*s == ' ' || *s == '\t')) {
			*p++ = *s;
			continue;
		}
		if (bol) {
			bol = 0;
			n = strspn(s, "0123456789");
			if (strchr("#-+*=~_", *s) != NULL) {
				*p++ = '\\';
			} else if (n > 0 && (s[n] == '.' || s[n] == ')')) {
				memcpy(p, s, n);
				p += n;
				s += n;
				*p++ = '\\';
			}
		}
		switch (*s) {
		case '<':
			p = stpcpy(p, "&lt;");
			break;
		case '>':
			p = stpcpy(p, "&gt;");
			break;
		case '&':
			p = stpcpy(p, "&amp;");
			break;
		case '\\': case '`': case '[': case ']': case '|':
			*p++ = '\\';
			*p++ = *s;
			break;
		case '\n': case '\r':
			*p++ = cell ? ' ' : *s;
			bol = !cell && *s == '\n';
			break;
		default:
			*p++ = *s;
			break;
		}
	}
	*p = '\0';
	/* Paragraphs keep their lines; each is escaped alone. */
	for (line = copy;; line = nl + 1) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		out_escaped(o, line, FMT_TABLE);
		if (nl == NULL)
			break;
		fputc('\n', o);
	}
	free(copy);
}

static void
when(FILE *o, int64_t t)
{
	char buf[ITSM_TIMEBUF];

	if (t == 0) {
		fputs(NR, o);
		return;
	}
	fputs(time_text(reader, t, buf), o);
}

/* "2h15m", or "not recorded" when either end is missing. */
static void
span(FILE *o, int64_t from, int64_t to)
{
	char buf[32];

	if (from == 0 || to == 0) {
		fputs(NR, o);
		return;
	}
	if (to < from) {
		fputs("0s", o);
		return;
	}
	itsm_duration_format(to - from, buf, sizeof(buf));
	fputs(buf, o);
}

static int64_t
tfield(const itsm_ticket *t, enum itsm_field f)
{
	return itsm_ticket_str(t, f) ? itsm_ticket_int(t, f) : 0;
}

/*
 * One event of the timeline, copied from the iterator (its texts are the
 * iterator's until the next event).
 */
struct tev {
	char at[ITSM_TIMEBUF];		/* UTC text: sorts as time does */
	char shown[ITSM_TIMEBUF];	/* in the display zone */
	size_t seq;
	char *actor, *kind, *field, *from, *to, *msg;
};

struct tevs {
	struct tev *v;
	size_t n;
};

/* The timeline entry of one of the crisis's own events, in words. */
static void
tl_major(FILE *o, const struct tev *e)
{
	const char *kind = e->kind, *field = e->field, *from = e->from;
	const char *to = e->to, *msg = e->msg;

	if (strcmp(kind, "major-update") == 0) {
		fputs("update: ", o);
	} else if (strcmp(kind, "major-propose") == 0) {
		fputs("proposed as a major incident: ", o);
	} else if (strcmp(kind, "major-declare") == 0) {
		fputs(msg ? "declared a major incident: " :
		    "declared a major incident", o);
	} else if (strcmp(kind, "major-reject") == 0) {
		fputs("proposal rejected: ", o);
	} else if (strcmp(kind, "major-end") == 0) {
		fputs(msg ? "crisis over, service restored: " :
		    "crisis over, service restored", o);
	} else if (strcmp(kind, "major-review") == 0) {
		fputs("review, ", o);
		md(o, field, MD_CELL);
		fputs(": ", o);
		md(o, to, MD_CELL);
	} else if (strcmp(kind, "major-action") == 0) {
		md(o, field, MD_CELL);
		fputs(from ? " done: " : " added, owner ", o);
		if (!from) {
			md(o, to, MD_CELL);
			fputs(": ", o);
		}
	} else if (strcmp(kind, "major-comms") == 0) {
		fputs("communication to ", o);
		md(o, field, MD_CELL);
		if (to != NULL) {
			fputs(" by ", o);
			md(o, to, MD_CELL);
		}
		fputs(": ", o);
	} else if (strcmp(kind, "major-roster") == 0) {
		fputs("roster: ", o);
		md(o, field, MD_CELL);
		fputs(to ? " joins as " : " leaves", o);
		if (to)
			md(o, to, MD_CELL);
		if (from && to) {
			fputs(" (was ", o);
			md(o, from, MD_CELL);
			fputs(")", o);
		}
	} else if (strcmp(kind, "major-handover") == 0) {
		fputs("command handed over from ", o);
		md(o, from ? from : "nobody", MD_CELL);
		fputs(" to ", o);
		md(o, to, MD_CELL);
	} else if (strcmp(kind, "major-link") == 0) {
		fputs(strcmp(field, "child") == 0 ? "child incident linked: " :
		    "linked to the major ", o);
		md(o, to, MD_CELL);
	} else {
		md(o, kind, MD_CELL);
		if (field != NULL) {
			fputs(" ", o);
			md(o, field, MD_CELL);
			fputs(": ", o);
			md(o, from ? from : "-", MD_CELL);
			fputs(" → ", o);
			md(o, to ? to : "-", MD_CELL);
		}
		if (msg != NULL)
			fputs(": ", o);
	}
	if (msg != NULL && strcmp(kind, "major-roster") != 0 &&
	    strcmp(kind, "major-handover") != 0 &&
	    strcmp(kind, "major-link") != 0 &&
	    strcmp(kind, "major-review") != 0)
		md(o, msg, MD_CELL);
}

/*
 * Rows of the timeline and of the communications, sorted by the time of
 * the event (a back-dated entry takes its place), then in recorded order.
 */
struct row {
	char at[ITSM_TIMEBUF];
	size_t seq;
	char *text;
	size_t len;
};

struct rows {
	struct row *v;
	size_t n;
};

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->at, y->at);

	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void
rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].text);
	free(r->v);
	*r = (struct rows){ 0 };
}

/* Opens a new row at the end of r; its text is written to *f. */
static FILE *
row_open(struct rows *r, const char *at)
{
	struct row *v = realloc(r->v, (r->n + 1) * sizeof(*v));
	struct row *w;
	FILE *f;

	if (v == NULL)
		return NULL;
	r->v = v;
	w = &v[r->n];
	*w = (struct row){ .seq = r->n };
	snprintf(w->at, sizeof(w->at), "%s", at);
	if ((f = open_memstream(&w->text, &w->len)) == NULL)
		return NULL;
	r->n++;
	return f;
}

static void
rows_print(FILE *o, struct rows *r)
{
	size_t i;

	if (r->n > 1)
		qsort(r->v, r->n, sizeof(*r->v), row_cmp);
	for (i = 0; i < r->n; i++)
		fwrite(r->v[i].text, 1, r->v[i].len, o);
}

static int
tev_cmp(const void *a, const void *b)
{
	const struct tev *x = a, *y = b;
	int c = strcmp(x->at, y->at);

	return c != 0 ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void
tevs_free(struct tevs *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].actor);
		free(t->v[i].kind);
		free(t->v[i].field);
		free(t->v[i].from);
		free(t->v[i].to);
		free(t->v[i].msg);
	}
	free(t->v);
	*t = (struct tevs){ 0 };
}

static char *
dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*bad = 1;
	return d;
}

static int
tevs_add(struct app *app, struct tevs *t, const itsm_event *e)
{
	struct tev *v = realloc(t->v, (t->n + 1) * sizeof(*v));
	struct tev *w;
	int bad = 0;

	if (v == NULL)
		return -1;
	t->v = v;
	w = &v[t->n];
	*w = (struct tev){ .seq = t->n };
	snprintf(w->at, sizeof(w->at), "%s", itsm_event_str(e, ITSM_EV_AT));
	time_text(app, itsm_event_int(e, ITSM_EV_AT), w->shown);
	w->actor = dup_or_null(itsm_event_str(e, ITSM_EV_ACTOR), &bad);
	w->kind = dup_or_null(itsm_event_str(e, ITSM_EV_KIND), &bad);
	w->field = dup_or_null(itsm_event_str(e, ITSM_EV_FIELD), &bad);
	w->from = dup_or_null(itsm_event_str(e, ITSM_EV_FROM), &bad);
	w->to = dup_or_null(itsm_event_str(e, ITSM_EV_TO), &bad);
	w->msg = dup_or_null(itsm_event_str(e, ITSM_EV_MESSAGE), &bad);
	t->n++;
	return bad ? -1 : 0;
}

/* Reads the timeline into its events, and the communications into rows. */
static int
timeline_read(struct app *app, int64_t id, struct tevs *tl, struct rows *cm)
{
	itsm_event_iter *it = NULL;
	const itsm_event *e;
	const char *s;
	char shown[ITSM_TIMEBUF];
	FILE *f;
	int rc;

	if ((rc = itsm_major_timeline(app->ctx, id, 0, &it)) != 0)
		return fail(rc);
	while ((rc = itsm_event_next(it, &e)) == 1) {
		if (tevs_add(app, tl, e) != 0)
			break;
		if (strcmp(itsm_event_str(e, ITSM_EV_KIND), "major-comms") != 0)
			continue;
		if ((f = row_open(cm, itsm_event_str(e, ITSM_EV_AT))) == NULL)
			break;
		fprintf(f, "| %s | ", time_text(app,
		    itsm_event_int(e, ITSM_EV_AT), shown));
		md(f, itsm_event_str(e, ITSM_EV_FIELD), MD_CELL);
		fputs(" | ", f);
		md(f, (s = itsm_event_str(e, ITSM_EV_TO)) ? s : "-", MD_CELL);
		fputs(" | ", f);
		md(f, itsm_event_str(e, ITSM_EV_MESSAGE), MD_CELL);
		fputs(" |\n", f);
		fclose(f);
	}
	itsm_event_iter_free(it);
	if (rc == 1) {
		warnx_("out of memory");
		return EX_SOFTWARE_;
	}
	if (rc < 0)
		return fail(rc);
	if (tl->n > 1)
		qsort(tl->v, tl->n, sizeof(*tl->v), tev_cmp);
	return 0;
}

/*
 * What the timeline says of a ticket's own event, and the field whose
 * new value follows the words (NULL: none).  A kind not listed (an
 * imported one) is shown as it is.
 */
static const char *
tl_verb(const char *kind, const char **main)
{
	static const char *const verbs[][3] = {
		{ "open", "opened", NULL },
		{ "start", "work started", NULL },
		{ "note", "note", NULL },
		{ "assign", "assigned", NULL },
		{ "escalate", "escalated to", "tier" },
		{ "escalate-managers", "escalated to the managers", NULL },
		{ "hold", "put on hold", NULL },
		{ "release", "released from hold", NULL },
		{ "resolve", "resolved", NULL },
		{ "close", "closed", NULL },
		{ "reject", "resolution rejected", NULL },
		{ "reopen", "reopened", NULL },
		{ "cancel", "cancelled", NULL },
		{ "categorize", "categorized", NULL },
		{ "redirect", "redirected", NULL },
		{ "prioritize", "prioritized", "priority" },
	};
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(kind, verbs[i][0]) == 0) {
			*main = verbs[i][2];
			return verbs[i][1];
		}
	*main = NULL;
	return NULL;
}

/* A field's name in words: "confirmed_by", "resolution.type" */
static void
field_words(FILE *o, const char *field)
{
	char *w = strdup(field), *p;

	if (w == NULL)
		return;
	for (p = w; *p; p++)
		if (*p == '_' || *p == '.')
			*p = ' ';
	md(o, w, MD_CELL);
	free(w);
}

/*
 * A ticket's own events recorded together (one operation: the same
 * time, actor and kind) as one entry: "prioritized P1 (impact high,
 * urgency high)".  The status is what the words say already; a field
 * cleared says so.
 */
static void
tl_group(FILE *o, const struct tev *g, size_t n)
{
	const char *main, *verb = tl_verb(g[0].kind, &main);
	const char *msg = NULL;
	size_t i, shown = 0;

	md(o, verb ? verb : g[0].kind, MD_CELL);
	for (i = 0; main != NULL && i < n; i++)
		if (g[i].field != NULL && strcmp(g[i].field, main) == 0) {
			fputc(' ', o);
			md(o, g[i].to ? g[i].to : "-", MD_CELL);
		}
	for (i = 0; i < n; i++) {
		if (g[i].msg != NULL && msg == NULL)
			msg = g[i].msg;
		if (g[i].field == NULL || (main != NULL &&
		    strcmp(g[i].field, main) == 0) ||
		    (verb != NULL && strcmp(g[i].field, "status") == 0))
			continue;
		fputs(shown++ ? ", " : " (", o);
		field_words(o, g[i].field);
		fputc(' ', o);
		md(o, g[i].to ? g[i].to : "cleared", MD_CELL);
	}
	if (shown)
		fputc(')', o);
	if (msg != NULL) {
		fputs(": ", o);
		md(o, msg, MD_CELL);
	}
}

/* After the crisis: the review and its actions, in their own section. */
static int
tl_after(const struct tev *e)
{
	return strcmp(e->kind, "major-review") == 0 ||
	    strcmp(e->kind, "major-action") == 0;
}

/*
 * One table of the timeline: the events after (or not) the crisis, one
 * row an operation, the date on a row of its own when it changes, then
 * each time of day.
 */
static void
tl_table(FILE *o, const struct tevs *tl, int after)
{
	char day[16] = "";
	size_t i, j;
	const struct tev *e;

	fputs("| Time | Who | What |\n| --- | --- | --- |\n", o);
	for (i = 0; i < tl->n; i = j) {
		e = &tl->v[i];
		j = i + 1;
		if (tl_after(e) != after)
			continue;
		if (strncmp(day, e->shown, 10) != 0) {
			snprintf(day, sizeof(day), "%.10s", e->shown);
			fprintf(o, "| **%s** | | |\n", day);
		}
		fprintf(o, "| %s | ", e->shown + (strlen(e->shown) > 11 ?
		    11 : 0));
		md(o, e->actor, MD_CELL);
		fputs(" | ", o);
		if (strncmp(e->kind, "major-", 6) == 0 ||
		    strcmp(e->kind, "update") == 0) {
			tl_major(o, e);	/* the crisis's own: one a row */
		} else {
			while (j < tl->n && strcmp(tl->v[j].at, e->at) == 0 &&
			    strcmp(tl->v[j].kind, e->kind) == 0 &&
			    strcmp(tl->v[j].actor, e->actor) == 0)
				j++;
			tl_group(o, e, j - i);
		}
		fputs(" |\n", o);
	}
}

/*
 * The callers of the major and its children, each once: people, and the
 * tools (the tickets that came in through the monitoring channel), which
 * are not affected people.
 */
struct callers {
	const char **v;
	size_t n;
};

static int
callers_add(struct callers *c, const char *who)
{
	const char **v;
	size_t i;

	if (who == NULL)
		return 0;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], who) == 0)
			return 0;
	if ((v = realloc(c->v, (c->n + 1) * sizeof(*v))) == NULL)
		return -1;
	c->v = v;
	c->v[c->n++] = who;
	return 0;
}

static int
from_tool(const char *channel)
{
	return channel != NULL && strcmp(channel, "monitoring") == 0;
}

static void
callers_list(FILE *o, const struct callers *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (i)
			fputs(", ", o);
		md(o, c->v[i], MD_CELL);
	}
}

/* The findings of a kind as a list, or "not recorded." */
static void
finding_list(FILE *o, const itsm_major *m, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < itsm_major_finding_count(m); i++)
		if (strcmp(itsm_major_finding_kind(m, i), kind) == 0) {
			fputs("- ", o);
			md(o, itsm_major_finding_text(m, i), MD_CELL | MD_START);
			fputc('\n', o);
			n++;
		}
	if (n == 0)
		fputs(NR ".\n", o);
}

static void
findings(FILE *o, const itsm_major *m, const char *kind, const char *title)
{
	fprintf(o, "\n## %s\n\n", title);
	finding_list(o, m, kind);
}

/* The title and the table of what the incident is. */
static void
report_header(FILE *o, const itsm_policy *p, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	const char *s, *label = NULL;
	size_t pi;

	if ((s = itsm_ticket_str(t, ITSM_F_PRIORITY)) != NULL &&
	    itsm_policy_priority_find(p, s, &pi) == 0)
		label = itsm_policy_priority_label(p, pi);
	fprintf(o, "# Post-incident report: %s\n\n",
	    itsm_ticket_str(t, ITSM_F_REF));
	fputs("| | |\n| --- | --- |\n", o);
	fprintf(o, "| Ref | %s |\n| Summary | ", itsm_ticket_str(t, ITSM_F_REF));
	md(o, itsm_ticket_str(t, ITSM_F_SUMMARY), MD_CELL);
	fputs(" |\n| Priority | ", o);
	md(o, s, MD_CELL);
	if (label != NULL) {
		fputs(" (", o);
		md(o, label, MD_CELL);
		fputs(")", o);
	}
	fputs(" |\n| Service | ", o);
	md(o, itsm_ticket_str(t, ITSM_F_SERVICE), MD_CELL);
	fputs(" |\n| Commander | ", o);
	md(o, itsm_major_commander(m), MD_CELL);
	fprintf(o, " |\n| Status | %s, major %s |\n",
	    itsm_ticket_str(t, ITSM_F_STATUS), itsm_major_state(m));
}

/* What happened, and how it was declared. */
static void
report_summary(FILE *o, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	const char *s;

	fputs("\n## Summary\n\n", o);
	md(o, itsm_ticket_str(t, ITSM_F_SUMMARY), MD_START);
	fputs(".\n", o);
	if ((s = itsm_ticket_str(t, ITSM_F_DESCRIPTION)) != NULL) {
		fputc('\n', o);
		md(o, s, MD_START);
		fputc('\n', o);
	}
	fputs("\nDeclared major at ", o);
	when(o, itsm_major_declared_at(m));
	fputs(" by ", o);
	md(o, itsm_major_declared_by(m), 0);
	fputs(".\n", o);
	if ((s = itsm_major_proposal(m)) != NULL) {
		fputs("Proposed by detection at ", o);
		when(o, itsm_major_proposed_at(m));
		fputs(": ", o);
		md(o, s, 0);
		fputs(".\n", o);
	}
}

/* Durations, the callers and child incidents, the SLA. */
static void
report_impact(struct app *app, FILE *o, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	int64_t opened = tfield(t, ITSM_F_OPENED_AT);
	int64_t ended = itsm_major_ended_at(m);
	int64_t resolved = tfield(t, ITSM_F_RESOLVED_AT);
	struct itsm_sla sla;
	struct callers people = { 0 }, tools = { 0 };
	size_t i, n;
	int bad = 0;

	fputs("\n## Impact\n\n", o);
	fputs("- Duration of the outage (opened to ended): ", o);
	span(o, opened, ended);
	fputs("\n- Duration of the crisis (declared to ended): ", o);
	span(o, itsm_major_declared_at(m), ended);
	n = itsm_major_child_count(m);
	if (callers_add(from_tool(itsm_ticket_str(t, ITSM_F_CHANNEL)) ? &tools :
	    &people, itsm_ticket_str(t, ITSM_F_CALLER)) != 0)
		bad = 1;
	for (i = 0; i < n; i++)
		if (callers_add(from_tool(itsm_major_child_channel(m, i)) ?
		    &tools : &people, itsm_major_child_caller(m, i)) != 0)
			bad = 1;
	fprintf(o, "\n- Affected callers: %zu", people.n);
	if (people.n > 0) {
		fputs(" (", o);
		callers_list(o, &people);
		fputc(')', o);
	}
	if (tools.n > 0) {
		fputs("; not counted, from monitoring: ", o);
		callers_list(o, &tools);
	}
	free(people.v);
	free(tools.v);
	if (bad)
		fputs(" (out of memory: the list is not whole)", o);
	fprintf(o, "\n- Child incidents: %zu", n);
	for (i = 0; i < n; i++)
		fprintf(o, "%s%s (%s)", i ? ", " : ": ",
		    itsm_major_child_ref(m, i), itsm_major_child_status(m, i));
	fputs("\n- SLA: ", o);
	if (itsm_sla_get(app->ctx, itsm_ticket_int(t, ITSM_F_ID), &sla) != 0 ||
	    !sla.prioritized) {
		fputs("no targets (not prioritized)", o);
	} else {
		fprintf(o, "response %s, resolution %s",
		    tfield(t, ITSM_F_RESPONDED_AT) ? (sla.response_breached ?
		    "missed" : "met") : NR,
		    resolved ? (sla.resolution_breached ? "missed" : "met") :
		    (sla.resolution_breached ? "missed (not resolved yet)" :
		    "not resolved yet"));
	}
	fputc('\n', o);
}

/* The table of key times, and the spans between them. */
static void
report_key_times(FILE *o, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	int64_t opened = tfield(t, ITSM_F_OPENED_AT);
	int64_t declared = itsm_major_declared_at(m);
	int64_t ended = itsm_major_ended_at(m);
	int64_t resolved = tfield(t, ITSM_F_RESOLVED_AT);
	int64_t first = itsm_major_first_comms_at(m);

	fputs("\n## Key times and metrics\n\n", o);
	fputs("| What | When or how long | Definition |\n| --- | --- | --- |\n",
	    o);
	fputs("| Opened | ", o);
	when(o, opened);
	fputs(" | the first call was logged |\n| Declared | ", o);
	when(o, declared);
	fputs(" | declared a major incident |\n| First communication | ", o);
	when(o, first);
	fputs(" | the first stakeholder communication |\n| Ended | ", o);
	when(o, ended);
	fputs(" | service restored, crisis over |\n| Resolved | ", o);
	when(o, resolved);
	fputs(" | resolution recorded |\n| Closed | ", o);
	when(o, tfield(t, ITSM_F_CLOSED_AT));
	fputs(" | closed on the user's confirmation |\n", o);
	fputs("| Time to declare | ", o);
	span(o, opened, declared);
	fputs(" | declared − opened |\n| Time to mitigate | ", o);
	span(o, opened, ended);
	fputs(" | ended − opened |\n| Time to resolve | ", o);
	span(o, opened, resolved);
	fputs(" | resolved − opened |\n| First communication delay | ", o);
	span(o, declared, first);
	fputs(" | first communication − declared |\n", o);
}

static void
report_roster(FILE *o, const itsm_major *m)
{
	size_t i;

	fputs("\n## Roster\n\n", o);
	if (itsm_major_roster_count(m) == 0) {
		fputs(NR ".\n", o);
		return;
	}
	fputs("| Role | Name | Since |\n| --- | --- | --- |\n", o);
	for (i = 0; i < itsm_major_roster_count(m); i++) {
		fputs("| ", o);
		md(o, itsm_major_roster_role(m, i), MD_CELL);
		fputs(" | ", o);
		md(o, itsm_major_roster_name(m, i), MD_CELL);
		fputs(" | ", o);
		when(o, itsm_major_roster_since(m, i));
		fputs(" |\n", o);
	}
}

/*
 * The timeline and the communications sent; 0 or an exit status.  The
 * review and its actions, after the crisis, come later (report_after()).
 */
static int
report_timeline(struct app *app, FILE *o, const struct tevs *tl,
    struct rows *cm)
{
	fputs("\n## Timeline (", o);
	md(o, app->zone ? itsm_tz_name(app->zone) : "UTC", 0);
	fputs(")\n\n", o);
	tl_table(o, tl, 0);
	fputs("\n## Communications sent\n\n", o);
	if (cm->n == 0)
		fputs("None recorded.\n", o);
	else
		fputs("| Time | Audience | Channel | Message |\n"
		    "| --- | --- | --- | --- |\n", o);
	rows_print(o, cm);
	return 0;
}

/* The review's and the actions' entries, after the crisis. */
static void
report_after(struct app *app, FILE *o, const struct tevs *tl)
{
	size_t i;

	for (i = 0; i < tl->n && !tl_after(&tl->v[i]); i++)
		;
	if (i == tl->n)
		return;
	fputs("\n## After the crisis (", o);
	md(o, app->zone ? itsm_tz_name(app->zone) : "UTC", 0);
	fputs(")\n\n", o);
	tl_table(o, tl, 1);
}

static void
report_resolution(FILE *o, const itsm_ticket *t)
{
	const char *s;

	fputs("\n## Resolution\n\n", o);
	if ((s = itsm_ticket_str(t, ITSM_F_RESOLUTION_TYPE)) == NULL) {
		fputs(NR ".\n", o);
		return;
	}
	fprintf(o, "%s at ", strcmp(s, "permanent") == 0 ?
	    "Permanent fix" : "Workaround");
	when(o, tfield(t, ITSM_F_RESOLVED_AT));
	if ((s = itsm_ticket_str(t, ITSM_F_RESOLUTION_CODE)) != NULL) {
		fputs(" (code ", o);
		md(o, s, 0);
		fputs(")", o);
	}
	fputs(": ", o);
	md(o, itsm_ticket_str(t, ITSM_F_RESOLUTION_NOTES), 0);
	fputc('\n', o);
}

/* The review's findings: root cause, factors, what went well or not. */
static void
report_review(FILE *o, const itsm_major *m)
{
	fputs("\n## Root cause and contributing factors\n\nRoot cause: ", o);
	md(o, itsm_major_root_cause(m), 0);
	fputs("\n\nContributing factors:\n\n", o);
	finding_list(o, m, "factor");
	findings(o, m, "went_well", "What went well");
	findings(o, m, "went_wrong", "What went wrong");
	findings(o, m, "lucky", "Where we got lucky");
}

static void
report_actions(struct app *app, FILE *o, const itsm_major *m)
{
	size_t i;

	fputs("\n## Action items\n\n", o);
	if (itsm_major_action_count(m) == 0) {
		fputs(NR ".\n", o);
		return;
	}
	fputs("| # | Action | Owner | Due | State |\n"
	    "| --- | --- | --- | --- | --- |\n", o);
	for (i = 0; i < itsm_major_action_count(m); i++) {
		fprintf(o, "| %d | ", itsm_major_action_n(m, i));
		md(o, itsm_major_action_text(m, i), MD_CELL);
		fputs(" | ", o);
		md(o, itsm_major_action_owner(m, i), MD_CELL);
		fputs(" | ", o);
		when(o, itsm_major_action_due(m, i));
		fputs(" | ", o);
		if (itsm_major_action_done_at(m, i) != 0) {
			fputs("done ", o);
			when(o, itsm_major_action_done_at(m, i));
		} else {
			fputs(itsm_major_action_due(m, i) <
			    itsm_ctx_now(app->ctx) ? "open, overdue" : "open", o);
		}
		fputs(" |\n", o);
	}
}

static int
report_markdown(struct app *app, const itsm_major *m, FILE *o)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	struct tevs tl = { 0 };
	struct rows cm = { 0 };
	int rc;

	reader = app;
	if ((rc = timeline_read(app, itsm_ticket_int(t, ITSM_F_ID), &tl,
	    &cm)) != 0)
		goto done;
	report_header(o, app->policy, m);
	report_summary(o, m);
	report_impact(app, o, m);
	report_key_times(o, m);
	report_roster(o, m);
	report_timeline(app, o, &tl, &cm);
	report_resolution(o, t);
	report_review(o, m);
	report_actions(app, o, m);
	report_after(app, o, &tl);
	rc = ferror(o) ? EX_IOERR_ : 0;
done:
	tevs_free(&tl);
	rows_free(&cm);
	return rc;
}

/*
 * The report, in Markdown; with html, the same rendered as an HTML page
 * (html.c).  0 or an exit status.
 */
int
major_report(struct app *app, const itsm_major *m, FILE *o, int html)
{
	char title[64 + ITSM_REFBUF], *md = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!html)
		return report_markdown(app, m, o);
	if ((f = open_memstream(&md, &len)) == NULL) {
		warnx_("out of memory");
		return EX_SOFTWARE_;
	}
	rc = report_markdown(app, m, f);
	if (fclose(f) != 0 && rc == 0) {
		warnx_("out of memory");
		rc = EX_SOFTWARE_;
	}
	if (rc == 0) {
		snprintf(title, sizeof(title), "Post-incident report: %s",
		    itsm_ticket_str(itsm_major_ticket(m), ITSM_F_REF));
		rc = html_page(o, title, md, len);
	}
	free(md);
	return rc;
}

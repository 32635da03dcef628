/*
 * itsm major: crisis mode for major incidents, from the declaration to the
 * post-incident report.  One descriptor per verb, in a sub-table.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

#define OPT_END { NULL, 0, NULL, NULL, C_NONE, 0 }
#define AT_OPT { "at", 0, "TIME", "when (default: now)", C_NONE, 0 }

static int64_t
opt_at(struct app *app, const char *val, int *rc)
{
	int64_t at = 0;

	*rc = 0;
	if (val != NULL)
		*rc = parse_at(app, val, &at);
	return at;
}

/* Reads -m into *text (NULL when absent); 0 or an exit status. */
static int
opt_text(const char *val, char **text)
{
	int rc;

	*text = NULL;
	if (val != NULL && (rc = read_text(val, text)) != 0)
		return rc;
	return 0;
}

static void
timefmt(const struct app *app, int64_t t, char *buf)
{
	if (t == 0)
		snprintf(buf, ITSM_TIMEBUF, "not recorded");
	else
		time_text(app, t, buf);
}

/* declare */

enum { D_MESSAGE, D_COMMANDER, D_BRIDGE, D_AT };

static const struct opt declare_opts[] = {
	[D_MESSAGE] = { "message", 'm', "WHY", "why it is major ('-' reads "
	    "standard input)", C_NONE, OPT_STDIN },
	[D_COMMANDER] = { "commander", 0, "USER", "who commands (default: "
	    "you)", C_WORD, 0 },
	[D_BRIDGE] = { "bridge", 0, "TEXT", "where the crisis team meets",
	    C_WORD, 0 },
	[D_AT] = AT_OPT,
	OPT_END
};

static int
declare(struct app *app, const struct args *a)
{
	const itsm_policy *p = app->policy;
	int64_t id, at;
	char *why;
	size_t i;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[D_AT], &rc);
	if (rc != 0 || (rc = opt_text(a->val[D_MESSAGE], &why)) != 0)
		return rc;
	rc = itsm_major_declare(app->ctx, id, why, a->val[D_COMMANDER],
	    a->val[D_BRIDGE], at);
	free(why);
	if (rc != 0)
		return fail(rc);
	if (app->quiet || app->fmt == FMT_JSON || app->fmt == FMT_JSONL)
		return print_result(app, id, NULL, NULL);
	print_result(app, id, "%r is a major incident", NULL);
	/* The crisis checklist, for the commander to follow. */
	for (i = 0; i < itsm_policy_checklist_count(p); i++) {
		fputs("[ ] ", app->out);
		out_escaped(app->out, itsm_policy_checklist(p, i), FMT_TABLE);
		fputc('\n', app->out);
	}
	return 0;
}

static const struct cmd v_declare = {
	.name = "major declare", .operands = "REF",
	.summary = "declare a major incident and print the crisis checklist",
	.opts = declare_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = declare,
};

/* detect */

enum { DT_DRY_RUN };

static const struct opt detect_opts[] = {
	[DT_DRY_RUN] = { "dry-run", 0, NULL, "say what would be proposed, "
	    "change nothing", C_NONE, 0 },
	OPT_END
};

struct detect_out {
	struct app *app;
	int dry, n;
};

static int
detect_item(void *arg, const struct itsm_detect_item *it)
{
	struct detect_out *o = arg;
	struct app *app = o->app;
	const char *ref = itsm_ticket_str(it->ticket, ITSM_F_REF);
	const char *kind = it->kind;

	if (o->dry && strcmp(kind, "proposed") == 0)
		kind = "would be proposed";
	if (app->quiet) {
		fprintf(app->out, "%s\n", ref);
	} else if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		if (app->fmt == FMT_JSON)
			fputs(o->n == 0 ? "[\n" : ",\n", app->out);
		fprintf(app->out, "{\"ref\":\"%s\",\"kind\":", ref);
		out_json_string(app->out, it->kind);
		fprintf(app->out, ",\"dry_run\":%s,\"detail\":", o->dry ? "true" :
		    "false");
		out_json_string(app->out, it->why);
		fputs(",\"ticket\":", app->out);
		out_json(app->out, itsm_ticket_json(it->ticket));
		fputc('}', app->out);
		if (app->fmt == FMT_JSONL)
			fputc('\n', app->out);
	} else if (app->fmt == FMT_TSV || app->fmt == FMT_CSV) {
		if (app->fmt == FMT_CSV && o->n == 0)
			fputs("ref,kind,detail\n", app->out);
		out_field(app->out, ref, app->fmt, 1);
		out_field(app->out, kind, app->fmt, 0);
		out_field(app->out, it->why, app->fmt, 0);
		fputc('\n', app->out);
	} else {
		fprintf(app->out, "%s %s: ", ref, kind);
		out_escaped(app->out, it->why, FMT_TABLE);
		fputc('\n', app->out);
	}
	o->n++;
	return 0;
}

static int
detect(struct app *app, const struct args *a)
{
	struct detect_out o = { .app = app, .dry = a->count[DT_DRY_RUN] > 0 };
	int rc;

	if ((rc = itsm_major_detect(app->ctx, o.dry, detect_item, &o)) != 0)
		return fail(rc);
	if (app->fmt == FMT_JSON && !app->quiet)
		fputs(o.n > 0 ? "\n]\n" : "[]\n", app->out);
	if (app->fmt == FMT_CSV && !app->quiet && o.n == 0)
		fputs("ref,kind,detail\n", app->out);
	return 0;
}

static const struct cmd v_detect = {
	.name = "major detect",
	.summary = "cron: propose majors by the policy's rules and storms, "
	    "report overdue communications",
	.opts = detect_opts, .max_operands = 0, .flags = NEEDS_DB,
	.run = detect,
};

/* reject */

enum { RJ_MESSAGE, RJ_AT };

static const struct opt reject_opts[] = {
	[RJ_MESSAGE] = { "message", 'm', "WHY", "why it is not major "
	    "(required)", C_NONE, OPT_REQUIRED | OPT_STDIN },
	[RJ_AT] = AT_OPT,
	OPT_END
};

static int
reject(struct app *app, const struct args *a)
{
	int64_t id, at;
	char *why;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[RJ_AT], &rc);
	if (rc != 0 || (rc = opt_text(a->val[RJ_MESSAGE], &why)) != 0)
		return rc;
	rc = itsm_major_reject(app->ctx, id, why, at);
	free(why);
	return rc != 0 ? fail(rc) : print_result(app, id, NULL, NULL);
}

static const struct cmd v_reject = {
	.name = "major reject", .operands = "REF",
	.summary = "refuse a proposed major", .opts = reject_opts,
	.operand_compl = C_REF, .min_operands = 1, .max_operands = 1,
	.flags = NEEDS_DB, .run = reject,
};

/* roster */

enum { RO_ADD, RO_ROLE, RO_REMOVE, RO_HANDOVER, RO_AT };

static const struct opt roster_opts[] = {
	[RO_ADD] = { "add", 0, "NAME", "add someone (with --role)", C_WORD, 0 },
	[RO_ROLE] = { "role", 0, "ROLE", "their role, from the policy",
	    C_ROLE, 0 },
	[RO_REMOVE] = { "remove", 0, "NAME", "take someone off", C_WORD, 0 },
	[RO_HANDOVER] = { "handover", 0, "NAME", "hand the command over",
	    C_WORD, 0 },
	[RO_AT] = AT_OPT,
	OPT_END
};

static const char *const roster_usage[] = {
	"major roster REF --add NAME --role ROLE [--at TIME]",
	"major roster REF --remove NAME [--at TIME]",
	"major roster REF --handover NAME [--at TIME]",
	NULL
};

static int
roster(struct app *app, const struct args *a)
{
	int modes = (a->val[RO_ADD] != NULL) + (a->val[RO_REMOVE] != NULL) +
	    (a->val[RO_HANDOVER] != NULL);
	int64_t id, at;
	int rc;

	if (modes != 1)
		return usage_error(app->cmd, "give one of --add, --remove and "
		    "--handover");
	if ((a->val[RO_ADD] != NULL) != (a->val[RO_ROLE] != NULL))
		return usage_error(app->cmd, "--add and --role go together");
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[RO_AT], &rc);
	if (rc != 0)
		return rc;
	if (a->val[RO_ADD] != NULL)
		rc = itsm_major_roster_add(app->ctx, id, a->val[RO_ADD],
		    a->val[RO_ROLE], at);
	else if (a->val[RO_REMOVE] != NULL)
		rc = itsm_major_roster_remove(app->ctx, id, a->val[RO_REMOVE],
		    at);
	else
		rc = itsm_major_handover(app->ctx, id, a->val[RO_HANDOVER], at);
	return rc != 0 ? fail(rc) : print_result(app, id, NULL, NULL);
}

static const struct cmd v_roster = {
	.name = "major roster", .operands = "REF",
	.summary = "who is in the crisis team, in which role",
	.opts = roster_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = roster,
	.usage = roster_usage,
};

/* update */

enum { U_MESSAGE, U_AT };

static const struct opt update_opts[] = {
	[U_MESSAGE] = { "message", 'm', "TEXT", "the timeline entry ('-' "
	    "reads standard input; required)", C_NONE,
	    OPT_REQUIRED | OPT_STDIN },
	[U_AT] = AT_OPT,
	OPT_END
};

static int
update(struct app *app, const struct args *a)
{
	int64_t id, at;
	char *text;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[U_AT], &rc);
	if (rc != 0 || (rc = opt_text(a->val[U_MESSAGE], &text)) != 0)
		return rc;
	rc = itsm_major_update(app->ctx, id, text, at);
	free(text);
	return rc != 0 ? fail(rc) : print_result(app, id, NULL, NULL);
}

static const struct cmd v_update = {
	.name = "major update", .operands = "REF",
	.summary = "add an entry to the timeline", .opts = update_opts,
	.operand_compl = C_REF, .min_operands = 1, .max_operands = 1,
	.flags = NEEDS_DB, .run = update,
};

/* comms */

enum { C_AUDIENCE_, C_MESSAGE_, C_CHANNEL_, C_AT_ };

static const struct opt comms_opts[] = {
	[C_AUDIENCE_] = { "audience", 0, "AUDIENCE", "who it is for, from "
	    "the policy (required)", C_AUDIENCE, OPT_REQUIRED },
	[C_MESSAGE_] = { "message", 'm', "TEXT", "the communication ('-' "
	    "reads standard input; required)", C_NONE,
	    OPT_REQUIRED | OPT_STDIN },
	[C_CHANNEL_] = { "channel", 0, "CH", "how it was sent", C_CHANNEL, 0 },
	[C_AT_] = AT_OPT,
	OPT_END
};

static int
comms(struct app *app, const struct args *a)
{
	int64_t id, at;
	char *text;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[C_AT_], &rc);
	if (rc != 0 || (rc = opt_text(a->val[C_MESSAGE_], &text)) != 0)
		return rc;
	rc = itsm_major_comms(app->ctx, id, a->val[C_AUDIENCE_],
	    a->val[C_CHANNEL_], text, at);
	free(text);
	return rc != 0 ? fail(rc) : print_result(app, id, NULL, NULL);
}

static const struct cmd v_comms = {
	.name = "major comms", .operands = "REF",
	.summary = "record and send a stakeholder communication",
	.opts = comms_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = comms,
};

/* link */

enum { L_CHILD, L_AT };

static const struct opt link_opts[] = {
	[L_CHILD] = { "child", 0, "REF", "an incident of the same outage "
	    "(required; repeat it, or list more refs after it)", C_REF,
	    OPT_REQUIRED | OPT_REPEAT | OPT_MANY },
	[L_AT] = AT_OPT,
	OPT_END
};

static int
link_(struct app *app, const struct args *a)
{
	int64_t id, at, kids[MAX_OPERANDS];
	size_t n = 0;
	int rc, i;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[L_AT], &rc);
	if (rc != 0)
		return rc;
	/* --child A --child B, and --child A B C. */
	for (i = 0; a->list[L_CHILD][i] != NULL && n < MAX_OPERANDS; i++)
		if ((rc = parse_ref(a->list[L_CHILD][i], &kids[n++])) != 0)
			return rc;
	for (i = 1; i < a->noperands && n < MAX_OPERANDS; i++)
		if ((rc = parse_ref(a->operand[i], &kids[n++])) != 0)
			return rc;
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if ((rc = itsm_major_link(app->ctx, id, kids, n, at)) != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

static const struct cmd v_link = {
	.name = "major link", .operands = "REF",
	.summary = "link other callers' incidents of the same outage",
	.opts = link_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = MAX_OPERANDS, .flags = NEEDS_DB, .run = link_,
};

/* status */

static const struct opt status_opts[] = { OPT_END };

static void
dur(int64_t secs, char *buf, size_t len)
{
	itsm_duration_format(secs, buf, (unsigned)len);
}

static void
dashboard_text(struct app *app, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	int64_t now = itsm_ctx_now(app->ctx), due;
	char when[ITSM_TIMEBUF], d[32];
	FILE *o = app->out;
	const char *s;
	size_t i;

	fprintf(o, "%s%s%s  ", color(app, "\033[1;35m"),
	    itsm_ticket_str(t, ITSM_F_REF), color(app, "\033[0m"));
	out_escaped(o, itsm_ticket_str(t, ITSM_F_SUMMARY), FMT_TABLE);
	fputc('\n', o);
	fprintf(o, "  %-14s %s\n", "state", itsm_major_state(m));
	fprintf(o, "  %-14s %s\n", "priority",
	    (s = itsm_ticket_str(t, ITSM_F_PRIORITY)) ? s : "-");
	fputs("  service        ", o);
	out_escaped(o, (s = itsm_ticket_str(t, ITSM_F_SERVICE)) ? s : "-",
	    FMT_TABLE);
	fputc('\n', o);
	if (itsm_major_declared_at(m) != 0) {
		dur(now - itsm_major_declared_at(m), d, sizeof(d));
		timefmt(app, itsm_major_declared_at(m), when);
		fprintf(o, "  %-14s %s (%s ago)\n", "declared", when, d);
	}
	if (itsm_major_ended_at(m) != 0) {
		timefmt(app, itsm_major_ended_at(m), when);
		fprintf(o, "  %-14s %s\n", "ended", when);
	}
	if ((s = itsm_major_bridge(m)) != NULL) {
		fputs("  bridge         ", o);
		out_escaped(o, s, FMT_TABLE);
		fputc('\n', o);
	}
	fputs("  roster\n", o);
	for (i = 0; i < itsm_major_roster_count(m); i++) {
		fprintf(o, "    %-18s ", itsm_major_roster_role(m, i));
		out_escaped(o, itsm_major_roster_name(m, i), FMT_TABLE);
		fputc('\n', o);
	}
	if (itsm_major_last_update_at(m) != 0) {
		dur(now - itsm_major_last_update_at(m), d, sizeof(d));
		fprintf(o, "  last update    %s ago: ", d);
		out_escaped(o, itsm_major_last_update(m), FMT_TABLE);
		fputc('\n', o);
	} else {
		fputs("  last update    none\n", o);
	}
	fputs("  communications\n", o);
	for (i = 0; i < itsm_major_audience_count(m); i++) {
		due = itsm_major_audience_due(m, i);
		fprintf(o, "    %-18s ", itsm_major_audience(m, i));
		if (strcmp(itsm_major_state(m), "active") != 0 || due == 0) {
			fputs("no cadence\n", o);
		} else if (due < now) {
			dur(now - due, d, sizeof(d));
			fprintf(o, "%sOVERDUE by %s%s\n",
			    color(app, "\033[1;31m"), d, color(app, "\033[0m"));
		} else {
			dur(due - now, d, sizeof(d));
			fprintf(o, "next due in %s\n", d);
		}
	}
	fprintf(o, "  children       %zu\n", itsm_major_child_count(m));
	for (i = 0; i < itsm_major_child_count(m); i++) {
		fprintf(o, "    %-9s %-11s ", itsm_major_child_ref(m, i),
		    itsm_major_child_status(m, i));
		out_escaped(o, itsm_major_child_caller(m, i), FMT_TABLE);
		fputc('\n', o);
	}
}

static void
json_time(FILE *o, int64_t t)
{
	char buf[ITSM_TIMEBUF];

	if (t == 0) {
		fputs("null", o);
		return;
	}
	itsm_time_format(t, buf);
	fprintf(o, "\"%s\"", buf);
}

static void
json_str(FILE *o, const char *s)
{
	if (s == NULL)
		fputs("null", o);
	else
		out_json_string(o, s);
}

static void
dashboard_json(struct app *app, const itsm_major *m)
{
	FILE *o = app->out;
	size_t i;

	fprintf(o, "{\"ref\":\"%s\",\"state\":\"%s\",\"proposed_at\":",
	    itsm_ticket_str(itsm_major_ticket(m), ITSM_F_REF),
	    itsm_major_state(m));
	json_time(o, itsm_major_proposed_at(m));
	fputs(",\"proposal\":", o);
	json_str(o, itsm_major_proposal(m));
	fputs(",\"declared_at\":", o);
	json_time(o, itsm_major_declared_at(m));
	fputs(",\"declared_by\":", o);
	json_str(o, itsm_major_declared_by(m));
	fputs(",\"ended_at\":", o);
	json_time(o, itsm_major_ended_at(m));
	fputs(",\"bridge\":", o);
	json_str(o, itsm_major_bridge(m));
	fputs(",\"commander\":", o);
	json_str(o, itsm_major_commander(m));
	fputs(",\"roster\":[", o);
	for (i = 0; i < itsm_major_roster_count(m); i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", o);
		json_str(o, itsm_major_roster_name(m, i));
		fputs(",\"role\":", o);
		json_str(o, itsm_major_roster_role(m, i));
		fputs(",\"since\":", o);
		json_time(o, itsm_major_roster_since(m, i));
		fputc('}', o);
	}
	fputs("],\"last_update_at\":", o);
	json_time(o, itsm_major_last_update_at(m));
	fputs(",\"last_update\":", o);
	json_str(o, itsm_major_last_update(m));
	fputs(",\"communications\":[", o);
	for (i = 0; i < itsm_major_audience_count(m); i++) {
		int64_t due = itsm_major_audience_due(m, i);

		fputs(i ? ",{\"audience\":" : "{\"audience\":", o);
		json_str(o, itsm_major_audience(m, i));
		fputs(",\"last\":", o);
		json_time(o, itsm_major_audience_last(m, i));
		fputs(",\"next_due\":", o);
		json_time(o, due);
		fprintf(o, ",\"overdue\":%s}", due != 0 &&
		    strcmp(itsm_major_state(m), "active") == 0 &&
		    due < itsm_ctx_now(app->ctx) ? "true" : "false");
	}
	fputs("],\"children\":[", o);
	for (i = 0; i < itsm_major_child_count(m); i++) {
		fprintf(o, "%s{\"ref\":\"%s\",\"status\":\"%s\"}", i ? "," : "",
		    itsm_major_child_ref(m, i), itsm_major_child_status(m, i));
	}
	fputs("],\"actions\":[", o);
	for (i = 0; i < itsm_major_action_count(m); i++) {
		fprintf(o, "%s{\"n\":%d,\"text\":", i ? "," : "",
		    itsm_major_action_n(m, i));
		json_str(o, itsm_major_action_text(m, i));
		fputs(",\"owner\":", o);
		json_str(o, itsm_major_action_owner(m, i));
		fputs(",\"due\":", o);
		json_time(o, itsm_major_action_due(m, i));
		fputs(",\"done_at\":", o);
		json_time(o, itsm_major_action_done_at(m, i));
		fputc('}', o);
	}
	fputs("],\"ticket\":", o);
	out_json(o, itsm_ticket_json(itsm_major_ticket(m)));
	fputs("}\n", o);
}

/* One line per active major: ref, priority, age, commander, next comms. */
static void
status_line(struct app *app, const itsm_major *m)
{
	const itsm_ticket *t = itsm_major_ticket(m);
	int64_t now = itsm_ctx_now(app->ctx), next = 0;
	char age[32], nd[48];
	const char *s, *aud = NULL;
	size_t i;

	for (i = 0; i < itsm_major_audience_count(m); i++) {
		int64_t due = itsm_major_audience_due(m, i);

		if (due != 0 && (next == 0 || due < next)) {
			next = due;
			aud = itsm_major_audience(m, i);
		}
	}
	dur(now - itsm_major_declared_at(m), age, sizeof(age));
	if (next == 0)
		snprintf(nd, sizeof(nd), "-");
	else if (next < now)
		dur(now - next, nd, sizeof(nd)), strcat(nd, " overdue");
	else
		dur(next - now, nd, sizeof(nd));
	if (app->fmt == FMT_TSV || app->fmt == FMT_CSV) {
		out_field(app->out, itsm_ticket_str(t, ITSM_F_REF), app->fmt, 1);
		out_field(app->out, itsm_ticket_str(t, ITSM_F_PRIORITY), app->fmt, 0);
		out_field(app->out, itsm_major_state(m), app->fmt, 0);
		out_field(app->out, itsm_major_commander(m), app->fmt, 0);
		out_field(app->out, age, app->fmt, 0);
		out_field(app->out, aud, app->fmt, 0);
		out_field(app->out, nd, app->fmt, 0);
		out_field(app->out, itsm_ticket_str(t, ITSM_F_SUMMARY), app->fmt, 0);
		fputc('\n', app->out);
		return;
	}
	fprintf(app->out, "%-9s %-4s %-9s ", itsm_ticket_str(t, ITSM_F_REF),
	    (s = itsm_ticket_str(t, ITSM_F_PRIORITY)) ? s : "-", age);
	out_cell(app->out, (s = itsm_major_commander(m)) ? s : "-", 14, 0);
	fprintf(app->out, "%-14s %-14s ", aud ? aud : "-", nd);
	/* The summary takes what is left of a terminal; never cut in a file. */
	out_cell(app->out, itsm_ticket_str(t, ITSM_F_SUMMARY), !app->tty ?
	    1 << 20 : term_width() - 70 > 10 ? term_width() - 70 : 10, 1);
	fputc('\n', app->out);
}

static int
status(struct app *app, const struct args *a)
{
	int64_t id, *ids = NULL;
	itsm_major *m = NULL;
	size_t n = 0, i;
	int rc;

	if (a->noperands == 1) {
		if ((rc = parse_ref(a->operand[0], &id)) != 0)
			return rc;
		if ((rc = itsm_major_get(app->ctx, id, &m)) != 0)
			return fail(rc);
		if (app->quiet)
			fprintf(app->out, "%s\n",
			    itsm_ticket_str(itsm_major_ticket(m), ITSM_F_REF));
		else if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL)
			dashboard_json(app, m);
		else
			dashboard_text(app, m);
		itsm_major_free(m);
		return 0;
	}
	if ((rc = itsm_major_active(app->ctx, &ids, &n)) != 0)
		return fail(rc);
	if (app->fmt == FMT_TABLE && !app->quiet && n > 0)
		fprintf(app->out, "%s%-9s %-4s %-9s %-14s %-14s %-14s %s%s\n",
		    color(app, "\033[1m"), "REF", "PRI", "AGE", "COMMANDER",
		    "NEXT COMMS", "DUE IN", "SUMMARY", color(app, "\033[0m"));
	if (app->fmt == FMT_JSON && !app->quiet)
		fputs("[", app->out);
	if (app->fmt == FMT_CSV && !app->quiet)
		fputs("ref,priority,state,commander,age,next_comms,due_in,"
		    "summary\n", app->out);
	for (i = 0; i < n; i++) {
		if ((rc = itsm_major_get(app->ctx, ids[i], &m)) != 0) {
			free(ids);
			return fail(rc);
		}
		if (app->quiet)
			fprintf(app->out, "%s\n",
			    itsm_ticket_str(itsm_major_ticket(m), ITSM_F_REF));
		else if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
			if (app->fmt == FMT_JSON && i > 0)
				fputc(',', app->out);
			dashboard_json(app, m);
		} else
			status_line(app, m);
		itsm_major_free(m);
	}
	if (app->fmt == FMT_JSON && !app->quiet)
		fputs("]\n", app->out);
	free(ids);
	return 0;
}

static const struct cmd v_status = {
	.name = "major status", .operands = "[REF]",
	.summary = "a major's dashboard, or every active major",
	.opts = status_opts, .operand_compl = C_REF, .max_operands = 1,
	.flags = NEEDS_DB, .run = status,
};

/* watch */

static volatile sig_atomic_t interrupted;

/* How long a watch sleeps at most before it looks at its output again. */
#define WATCH_WAKE_MS 5000

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* One timeline line: when, who, what, and the text. */
static void
timeline_line(struct app *app, FILE *o, const itsm_event *e, enum fmt fmt)
{
	if (fmt == FMT_TSV || fmt == FMT_CSV)
		out_event_cells(o, e, fmt, 1);
	else
		out_event_line(app, o, e, "", 0);
}

/* Prints the events after *last; sets *ended when the major ended. */
static int
watch_print(struct app *app, int64_t id, int64_t *last, int *ended)
{
	itsm_event_iter *it = NULL;
	const itsm_event *e;
	int rc;

	if ((rc = itsm_major_timeline(app->ctx, id, *last, &it)) != 0)
		return rc;
	while ((rc = itsm_event_next(it, &e)) == 1) {
		timeline_line(app, app->out, e, app->fmt == FMT_TSV ||
		    app->fmt == FMT_CSV ? app->fmt : FMT_TABLE);
		*last = itsm_event_int(e, ITSM_EV_ID);
		if (strcmp(itsm_event_str(e, ITSM_EV_KIND), "major-end") == 0)
			*ended = 1;
	}
	itsm_event_iter_free(it);
	fflush(app->out);
	return rc < 0 ? rc : 0;
}

static int
watch(struct app *app, const struct args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	itsm_major *m = NULL;
	int64_t id, last = 0, version;
	int rc, ended;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if ((rc = itsm_major_get(app->ctx, id, &m)) != 0)
		return fail(rc);
	ended = strcmp(itsm_major_state(m), "active") != 0;
	itsm_major_free(m);
	/* Each line as it comes, even into a pipe. */
	setvbuf(app->out, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	version = itsm_store_data_version(app->store);
	if (app->fmt == FMT_CSV)
		fputs("at,actor,kind,field,from,to,message\n", app->out);
	if ((rc = watch_print(app, id, &last, &ended)) != 0)
		return fail(rc);
	/*
	 * Asleep until another process commits (the store says when: told
	 * by a PostgreSQL server, asked of a file every quarter second),
	 * then the events after the last one shown.  A signal, or a reader
	 * gone (SIGPIPE is ignored, the next write fails), ends the watch.
	 */
	while (!ended && !interrupted && !ferror(app->out)) {
		if ((rc = itsm_store_wait(app->store, &version,
		    WATCH_WAKE_MS)) < 0)
			return fail(rc);
		if (rc == 0)
			continue;
		if ((rc = watch_print(app, id, &last, &ended)) != 0)
			return fail(rc);
	}
	return 0;
}

static const struct cmd v_watch = {
	.name = "major watch", .operands = "REF",
	.summary = "follow the timeline live until the major ends",
	.opts = status_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = watch,
};

/* end */

enum { E_MESSAGE, E_AT };

static const struct opt end_opts[] = {
	[E_MESSAGE] = { "message", 'm', "TEXT", "how service was restored "
	    "('-' reads standard input)", C_NONE, OPT_STDIN },
	[E_AT] = AT_OPT,
	OPT_END
};

static int
end(struct app *app, const struct args *a)
{
	int64_t id, at;
	char *text;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[E_AT], &rc);
	if (rc != 0 || (rc = opt_text(a->val[E_MESSAGE], &text)) != 0)
		return rc;
	rc = itsm_major_end(app->ctx, id, text, at);
	free(text);
	return rc != 0 ? fail(rc) : print_result(app, id, NULL, NULL);
}

static const struct cmd v_end = {
	.name = "major end", .operands = "REF",
	.summary = "service restored: the crisis is over", .opts = end_opts,
	.operand_compl = C_REF, .min_operands = 1, .max_operands = 1,
	.flags = NEEDS_DB, .run = end,
};

/* review */

enum { RV_ROOT, RV_FACTOR, RV_WELL, RV_WRONG, RV_LUCKY, RV_AT };

static const struct opt review_opts[] = {
	[RV_ROOT] = { "root-cause", 0, "TEXT", "the root cause", C_NONE, 0 },
	[RV_FACTOR] = { "factor", 0, "TEXT", "a contributing factor", C_NONE,
	    OPT_REPEAT | OPT_MANY },
	[RV_WELL] = { "went-well", 0, "TEXT", "what went well", C_NONE,
	    OPT_REPEAT | OPT_MANY },
	[RV_WRONG] = { "went-wrong", 0, "TEXT", "what went wrong", C_NONE,
	    OPT_REPEAT | OPT_MANY },
	[RV_LUCKY] = { "lucky", 0, "TEXT", "where we got lucky", C_NONE,
	    OPT_REPEAT | OPT_MANY },
	[RV_AT] = AT_OPT,
	OPT_END
};

static int
review(struct app *app, const struct args *a)
{
	struct itsm_review r = {
		.root_cause = a->val[RV_ROOT],
		.factors = a->list[RV_FACTOR],
		.went_well = a->list[RV_WELL],
		.went_wrong = a->list[RV_WRONG],
		.lucky = a->list[RV_LUCKY],
	};
	int64_t id, at;
	int rc;

	if (!r.root_cause && !r.factors && !r.went_well && !r.went_wrong &&
	    !r.lucky)
		return usage_error(app->cmd, "nothing to record: give "
		    "--root-cause, --factor, --went-well, --went-wrong or "
		    "--lucky");
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[RV_AT], &rc);
	if (rc != 0)
		return rc;
	if ((rc = itsm_major_review(app->ctx, id, &r, at)) != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

static const struct cmd v_review = {
	.name = "major review", .operands = "REF",
	.summary = "record the post-incident review's findings",
	.opts = review_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = review,
};

/* action */

enum { A_ADD, A_OWNER, A_DUE, A_DONE, A_AT };

static const struct opt action_opts[] = {
	[A_ADD] = { "add", 0, "TEXT", "a follow-up action (with --owner and "
	    "--due)", C_NONE, 0 },
	[A_OWNER] = { "owner", 0, "NAME", "who does it", C_WORD, 0 },
	[A_DUE] = { "due", 0, "DATE", "by when", C_NONE, 0 },
	[A_DONE] = { "done", 0, "N", "action N is done", C_NONE, 0 },
	[A_AT] = AT_OPT,
	OPT_END
};

static const char *const action_usage[] = {
	"major action REF --add TEXT --owner NAME --due DATE [--at TIME]",
	"major action REF --done N [--at TIME]",
	NULL
};

static int
action(struct app *app, const struct args *a)
{
	int64_t id, at, due = 0;
	long long n = 0;
	int rc, num;

	if ((a->val[A_ADD] != NULL) == (a->val[A_DONE] != NULL))
		return usage_error(app->cmd, "give one of --add and --done");
	if (a->val[A_ADD] != NULL && (!a->val[A_OWNER] || !a->val[A_DUE]))
		return usage_error(app->cmd, "--add needs --owner and --due");
	if (a->val[A_DONE] != NULL && (a->val[A_OWNER] || a->val[A_DUE]))
		return usage_error(app->cmd, "--done takes no --owner or --due");
	if (a->val[A_DONE] != NULL &&
	    (rc = parse_number("action number", a->val[A_DONE], 1, INT_MAX,
	    &n)) != 0)
		return rc;
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	at = opt_at(app, a->val[A_AT], &rc);
	if (rc != 0)
		return rc;
	if (a->val[A_DUE] != NULL &&
	    (rc = parse_time(app, a->val[A_DUE], &due)) != 0)
		return rc;
	if (a->val[A_ADD] != NULL) {
		if ((rc = itsm_major_action_add(app->ctx, id, a->val[A_ADD],
		    a->val[A_OWNER], due, at, &num)) != 0)
			return fail(rc);
		if (app->quiet || app->fmt == FMT_JSON ||
		    app->fmt == FMT_JSONL)
			return print_result(app, id, NULL, NULL);
		fprintf(app->out, "%d\n", num);	/* for --done N later */
		return 0;
	}
	if ((rc = itsm_major_action_done(app->ctx, id, (int)n, at)) != 0)
		return fail(rc);
	return print_result(app, id, NULL, NULL);
}

static const struct cmd v_action = {
	.name = "major action", .operands = "REF",
	.summary = "follow-up actions of the review", .opts = action_opts,
	.operand_compl = C_REF, .min_operands = 1, .max_operands = 1,
	.flags = NEEDS_DB, .run = action, .usage = action_usage,
};

/* report */

enum { R_OUTPUT, R_FORMAT };

static const struct opt report_opts[] = {
	[R_OUTPUT] = { "output", 'o', "FILE", "write it to FILE", C_FILE, 0 },
	[R_FORMAT] = { "format", 0, "FMT", "markdown (the default) or html",
	    C_REPORT_FORMAT, 0 },
	OPT_END
};

int major_report(struct app *app, const itsm_major *m, FILE *o, int html);

static int
report(struct app *app, const struct args *a)
{
	itsm_major *m = NULL;
	struct outfile of;
	FILE *o = app->out;
	const char *fmt = a->val[R_FORMAT];
	int64_t id;
	int rc, html;

	if (fmt != NULL && strcmp(fmt, "markdown") != 0 &&
	    strcmp(fmt, "html") != 0)
		return usage_error(app->cmd, "unknown report format '%.*s' "
		    "(expected markdown or html)", itsm_cut(fmt, 64), fmt);
	html = fmt != NULL && strcmp(fmt, "html") == 0;
	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if ((rc = itsm_major_get(app->ctx, id, &m)) != 0)
		return fail(rc);
	if (a->val[R_OUTPUT] != NULL &&
	    (rc = outfile_open(app, a->val[R_OUTPUT], &of)) != 0) {
		itsm_major_free(m);
		return rc;
	}
	if (a->val[R_OUTPUT] != NULL)
		o = of.f;
	rc = major_report(app, m, o, html);
	itsm_major_free(m);
	if (o == app->out)
		return rc;
	if (rc != 0 && ferror(o)) {
		warnx_("cannot write '%s': %s", a->val[R_OUTPUT],
		    strerror(errno ? errno : EIO));
		rc = EX_IOERR_;
	}
	return outfile_close(&of, rc);
}

static const struct cmd v_report = {
	.name = "major report", .operands = "REF",
	.summary = "the post-incident report, in Markdown or HTML",
	.opts = report_opts, .operand_compl = C_REF, .min_operands = 1,
	.max_operands = 1, .flags = NEEDS_DB, .run = report,
};

/* The verbs, and the command that dispatches to them. */

static const struct cmd *const verbs[] = {
	&v_declare, &v_detect, &v_reject, &v_roster, &v_update, &v_comms,
	&v_link, &v_status, &v_watch, &v_end, &v_review, &v_action,
	&v_report, NULL
};

static const struct opt major_opts[] = { OPT_END };

static int
run(struct app *app, const struct args *a)
{
	const struct cmd *v;

	if (a->noperands == 0)
		return usage_error(app->cmd, "missing the verb (declare, "
		    "detect, reject, roster, update, comms, link, status, "
		    "watch, end, review, action or report)");
	if ((v = find_verb(&cmd_major, a->operand[0])) != NULL)
		return run_verb(app, v, a->noperands - 1,
		    (char **)a->operand + 1);
	return usage_error(app->cmd, "unknown verb '%.*s'",
	    itsm_cut(a->operand[0], 64), a->operand[0]);
}

const struct cmd cmd_major = {
	.name = "major",
	.summary = "major incidents: crisis mode from declaration to report",
	.operands = "VERB",
	.opts = major_opts,
	.max_operands = -1,
	.flags = RAW_ARGS,
	.run = run,
	.subs = verbs,
};

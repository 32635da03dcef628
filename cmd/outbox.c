/*
 * itsm outbox: what is waiting to be delivered, or failed, and why.
 */
#include <string.h>

#include "cmd.h"

enum { O_ALL };

static const struct opt opts[] = {
	[O_ALL] = { "all", 0, NULL, "the messages sent too", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"outbox [--all]",
	NULL
};

struct lister {
	struct app *app;
	int n;
};

static const char *const header[] = { "ID", "STATE", "TRIES", "NEXT",
    "REF", "KIND", "NAME", "TO", "ERROR" };
static const int widths[] = { 5, 8, 5, 20, 9, 5, 10, 24, 0 };

/* The cells of a row, as text: times ISO 8601 (or for people). */
static void
cells(struct app *app, const struct itsm_outbox_entry *e, char num[2][24],
    char *next, char *ref, const char **c)
{
	snprintf(num[0], 24, "%lld", (long long)e->id);
	snprintf(num[1], 24, "%lld", (long long)e->attempts);
	if (strcmp(e->state, "pending") != 0)
		snprintf(next, ITSM_TIMEBUF, "-");
	else if (app->fmt == FMT_TABLE)
		time_text(app, e->next_attempt_at, next);
	else
		itsm_time_format(e->next_attempt_at, next);
	if (e->ticket > 0 && e->type != NULL && itsm_type_parse(e->type) >= 0)
		itsm_ref_format((enum itsm_type)itsm_type_parse(e->type),
		    e->ticket, ref);
	else
		snprintf(ref, ITSM_REFBUF, "-");
	c[0] = num[0];
	c[1] = e->state;
	c[2] = num[1];
	c[3] = next;
	c[4] = ref;
	c[5] = e->kind;
	c[6] = e->name;
	c[7] = e->recipients != NULL && e->recipients[0] ? e->recipients : "-";
	c[8] = e->last_error != NULL ? e->last_error : "-";
}

/* A JSON string, or null for NULL (and, when empty_null, for ""). */
static void
json_or_null(FILE *f, const char *s, int empty_null)
{
	if (s == NULL || (empty_null && s[0] == '\0'))
		fputs("null", f);
	else
		out_json_string(f, s);
}

/* A time in ISO 8601, or null for 0. */
static void
json_time(FILE *f, int64_t t)
{
	char buf[ITSM_TIMEBUF];

	if (t == 0) {
		fputs("null", f);
		return;
	}
	itsm_time_format(t, buf);
	out_json_string(f, buf);
}

static void
json_row(FILE *f, const struct itsm_outbox_entry *e, const char *ref)
{
	fprintf(f, "{\"id\":%lld,\"created_at\":", (long long)e->id);
	json_time(f, e->created_at);
	fputs(",\"ref\":", f);
	json_or_null(f, e->ticket > 0 ? ref : NULL, 0);
	fputs(",\"kind\":", f);
	json_or_null(f, e->kind, 0);
	fputs(",\"name\":", f);
	json_or_null(f, e->name, 0);
	fputs(",\"recipients\":", f);
	json_or_null(f, e->recipients, 1);
	fputs(",\"message_id\":", f);
	json_or_null(f, e->message_id, 0);
	fputs(",\"state\":", f);
	json_or_null(f, e->state, 0);
	fprintf(f, ",\"attempts\":%lld,\"next_attempt_at\":",
	    (long long)e->attempts);
	json_time(f, strcmp(e->state, "pending") == 0 ? e->next_attempt_at : 0);
	fputs(",\"last_error\":", f);
	json_or_null(f, e->last_error, 0);
	fputs(",\"sent_at\":", f);
	json_time(f, e->sent_at);
	fputc('}', f);
}

static int
row(void *arg, const struct itsm_outbox_entry *e)
{
	struct lister *l = arg;
	struct app *app = l->app;
	char num[2][24], next[ITSM_TIMEBUF], ref[ITSM_REFBUF];
	const char *c[9];
	int i;

	cells(app, e, num, next, ref, c);
	if (app->quiet) {
		fprintf(app->out, "%s\n", num[0]);
	} else if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		if (app->fmt == FMT_JSON)
			fputs(l->n ? ",\n" : "[\n", app->out);
		json_row(app->out, e, ref);
		if (app->fmt == FMT_JSONL)
			fputc('\n', app->out);
	} else if (app->fmt == FMT_TABLE) {
		for (i = 0; i < 9; i++)
			out_cell(app->out, c[i], widths[i] ? widths[i] : 60,
			    i == 8);
		fputc('\n', app->out);
	} else {
		for (i = 0; i < 9; i++)
			out_field(app->out, c[i], app->fmt, i == 0);
		fputc('\n', app->out);
	}
	l->n++;
	return 0;
}

static int
run(struct app *app, const struct args *a)
{
	struct lister l = { app, 0 };
	int i, rc;

	if (!app->quiet && app->fmt == FMT_TABLE) {
		for (i = 0; i < 9; i++)
			out_cell(app->out, header[i], widths[i] ? widths[i] :
			    60, i == 8);
		fputc('\n', app->out);
	}
	if (!app->quiet && app->fmt == FMT_CSV) {
		for (i = 0; i < 9; i++)
			out_field(app->out, header[i], FMT_CSV, i == 0);
		fputc('\n', app->out);
	}
	rc = itsm_outbox_list(app->ctx, a->count[O_ALL] > 0, row, &l);
	if (rc != 0)
		return fail(rc);
	if (!app->quiet && app->fmt == FMT_JSON)
		fputs(l.n ? "\n]\n" : "[]\n", app->out);
	return 0;
}

const struct cmd cmd_outbox = {
	.name = "outbox",
	.summary = "list the notifications and hooks pending or failed, and why",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

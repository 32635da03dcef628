/*
 * itsm import: itsm's own JSON Lines, or a ServiceNow incident event log,
 * gzip-compressed or not, all or nothing.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define MAX_SHOWN 20	/* disagreements shown one by one */

enum { O_FORMAT_, O_POLICY_CHECK };

static const struct opt opts[] = {
	[O_FORMAT_] = { "format", 0, "FORMAT", "jsonl or servicenow-csv "
	    "(default: told by the first line)", C_IMPORT_FORMAT, 0 },
	[O_POLICY_CHECK] = { "policy-check", 0, NULL, "say which imported "
	    "priorities the policy's matrix would not give", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

struct progress {
	int tty;
	size_t shown;
	const char *name;
};

static void
on_progress(void *arg, size_t lines)
{
	struct progress *p = arg;

	/* The name escaped as in every message: no control reaches the terminal. */
	if (p->tty) {
		fputs("\ritsm: importing ", stderr);
		out_escaped(stderr, p->name, FMT_TABLE);
		fprintf(stderr, ": %zu lines", lines);
	}
}

static void
on_skipped(void *arg, size_t line, const char *why)
{
	struct progress *p = arg;

	if (p->tty)
		fputc('\n', stderr);
	warnx_("%s:%zu: row left out: %s", p->name, line, why);
}

static void
on_disagree(void *arg, size_t line, const char *what)
{
	struct progress *p = arg;

	if (p->shown++ < MAX_SHOWN)
		warnx_("policy check: %s:%zu: %s", p->name, line, what);
}

static int
run(struct app *app, const struct args *a)
{
	struct progress pr = { .tty = isatty(STDERR_FILENO) };
	struct itsm_import_opts o = {
		.policy_check = a->count[O_POLICY_CHECK] > 0,
		.progress = on_progress, .skipped = on_skipped,
		.disagree = on_disagree, .arg = &pr,
	};
	struct itsm_import_stats st;
	const char *path = a->operand[0];
	int rc;

	if (a->val[O_FORMAT_] == NULL)
		o.format = ITSM_FORMAT_AUTO;
	else if (strcmp(a->val[O_FORMAT_], "jsonl") == 0)
		o.format = ITSM_FORMAT_JSONL;
	else if (strcmp(a->val[O_FORMAT_], "servicenow-csv") == 0)
		o.format = ITSM_FORMAT_SERVICENOW;
	else {
		warnx_("unknown import format '%.*s' (expected jsonl or "
		    "servicenow-csv)",
		    itsm_cut(a->val[O_FORMAT_], 64), a->val[O_FORMAT_]);
		return EX_DATAERR_;
	}
	pr.name = strcmp(path, "-") == 0 ? "standard input" : path;
	rc = itsm_import(app->ctx, path, &o, &st);
	if (pr.tty && st.lines >= 10000)
		fputc('\n', stderr);
	if (rc != 0)
		return fail(rc);
	if (pr.shown > MAX_SHOWN)
		warnx_("policy check: %zu more disagreements not shown",
		    pr.shown - MAX_SHOWN);
	if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		fprintf(app->out, "{\"lines\":%zu,\"tickets\":%zu,\"events\":%zu,"
		    "\"skipped\":%zu", st.lines, st.tickets, st.events,
		    st.skipped);
		if (o.policy_check)
			fprintf(app->out, ",\"policy_check\":{\"checked\":%zu,"
			    "\"disagree\":%zu}", st.checked, st.disagree);
		fputs("}\n", app->out);
		return 0;
	}
	if (app->quiet)
		return 0;
	fprintf(app->out, "imported %zu ticket%s and %zu event%s from %zu "
	    "line%s", st.tickets, st.tickets == 1 ? "" : "s", st.events,
	    st.events == 1 ? "" : "s", st.lines, st.lines == 1 ? "" : "s");
	if (st.skipped > 0)
		fprintf(app->out, "; %zu row%s left out", st.skipped,
		    st.skipped == 1 ? "" : "s");
	fputc('\n', app->out);
	if (o.policy_check)
		fprintf(app->out, "policy check: %zu events with impact, urgency "
		    "and priority; %zu disagree with the policy's matrix\n",
		    st.checked, st.disagree);
	return 0;
}

const struct cmd cmd_import = {
	.name = "import",
	.summary = "import itsm's JSON Lines or a ServiceNow event log",
	.operands = "FILE|-",
	.opts = opts,
	.operand_compl = C_FILE,
	.min_operands = 1,
	.max_operands = 1,
	.flags = NEEDS_DB,
	.run = run,
};

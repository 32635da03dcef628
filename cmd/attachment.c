/*
 * itsm attachment: the attachments of a ticket's mail, listed, or one of
 * them written out (to a file, or to standard output when that is not a
 * terminal).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { O_OUTPUT, O_SHA256 };

static const struct opt opts[] = {
	[O_OUTPUT] = { "output", 'o', "FILE", "write the content to FILE "
	    "(- for standard output)", C_FILE, 0 },
	[O_SHA256] = { "sha256", 0, "PREFIX", "the one of NAME whose SHA-256 "
	    "begins so", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"attachment REF",
	"attachment REF NAME [-o FILE] [--sha256 PREFIX]",
	NULL
};

static const char *const header[] = { "NAME", "TYPE", "SIZE", "SHA256",
    "AT" };
static const int widths[] = { 24, 20, 9, 64, 0 };

void
out_attachment_json(FILE *f, const struct itsm_attachment *a)
{
	char at[ITSM_TIMEBUF];

	itsm_time_format(a->at, at);
	fputs("{\"name\":", f);
	out_json_string(f, a->name != NULL ? a->name : "");
	fputs(",\"type\":", f);
	out_json_string(f, a->type != NULL ? a->type : "");
	fprintf(f, ",\"size\":%lld,\"sha256\":", (long long)a->size);
	out_json_string(f, a->sha256);
	fprintf(f, ",\"inline\":%s,\"at\":", a->is_inline ? "true" : "false");
	out_json_string(f, at);
	fputc('}', f);
}

static void
list(struct app *app, const struct itsm_attachment *v, size_t n)
{
	char size[24], at[ITSM_TIMEBUF];
	const char *c[5];
	size_t i;
	int k;

	if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL) {
		for (i = 0; i < n; i++) {
			if (app->fmt == FMT_JSON)
				fputs(i ? ",\n" : "[\n", app->out);
			out_attachment_json(app->out, &v[i]);
			if (app->fmt == FMT_JSONL)
				fputc('\n', app->out);
		}
		if (app->fmt == FMT_JSON)
			fputs(n ? "\n]\n" : "[]\n", app->out);
		return;
	}
	if (!app->quiet && (app->fmt == FMT_TABLE || app->fmt == FMT_CSV)) {
		for (k = 0; k < 5; k++)
			if (app->fmt == FMT_TABLE)
				out_cell(app->out, header[k], widths[k] ?
				    widths[k] : 30, k == 4);
			else
				out_field(app->out, header[k], FMT_CSV, k == 0);
		fputc('\n', app->out);
	}
	for (i = 0; i < n; i++) {
		if (app->quiet) {
			out_escaped(app->out, v[i].name, app->fmt);
			fputc('\n', app->out);
			continue;
		}
		snprintf(size, sizeof(size), "%lld", (long long)v[i].size);
		if (app->fmt == FMT_TABLE)
			time_text(app, v[i].at, at);
		else
			itsm_time_format(v[i].at, at);
		c[0] = v[i].name;
		c[1] = v[i].type;
		c[2] = size;
		c[3] = v[i].sha256;
		c[4] = at;
		for (k = 0; k < 5; k++)
			if (app->fmt == FMT_TABLE)
				out_cell(app->out, c[k], widths[k] ? widths[k] :
				    30, k == 4);
			else
				out_field(app->out, c[k], app->fmt, k == 0);
		fputc('\n', app->out);
	}
}

/* Writes the content of a to -o FILE, or to standard output. */
static int
write_out(struct app *app, const struct args *a,
    const struct itsm_attachment *at)
{
	const char *path = a->val[O_OUTPUT];
	unsigned char *data = NULL;
	struct outfile of;
	FILE *out = app->out;
	size_t size;
	int rc;

	if ((path == NULL || strcmp(path, "-") == 0) && app->tty) {
		warnx_("will not write an attachment to a terminal: give "
		    "-o FILE, or send standard output to a file or a pipe");
		return EX_USAGE_;
	}
	if ((rc = itsm_attachment_data(app->ctx, at, &data, &size)) != 0)
		return fail(rc);
	if (path != NULL && strcmp(path, "-") != 0) {
		if ((rc = outfile_open(app, path, &of)) != 0) {
			free(data);
			return rc;
		}
		out = of.f;
	}
	rc = 0;
	if (size > 0 && fwrite(data, 1, size, out) != size)
		rc = EX_IOERR_;
	free(data);
	if (out == app->out)
		return rc;	/* app_close() tells a write error */
	if (rc != 0)
		warnx_("cannot write '%s': %s", path,
		    strerror(errno ? errno : EIO));
	return outfile_close(&of, rc);
}

static int
run(struct app *app, const struct args *a)
{
	struct itsm_attachment *v = NULL;
	size_t n, i;
	int64_t id;
	int rc;

	if ((rc = parse_ref(a->operand[0], &id)) != 0)
		return rc;
	if (a->noperands < 2 && (a->val[O_OUTPUT] != NULL ||
	    a->val[O_SHA256] != NULL))
		return usage_error(find_command("attachment"), "%s needs a "
		    "NAME", a->val[O_OUTPUT] != NULL ? "-o" : "--sha256");
	if ((rc = itsm_attachments(app->ctx, id, &v, &n)) != 0)
		return fail(rc);
	if (a->noperands < 2) {
		list(app, v, n);
	} else if ((rc = itsm_attachment_pick(v, n, a->operand[1],
	    a->val[O_SHA256], &i)) != 0) {
		warnx_("%s: %s", a->operand[0], itsm_errmsg());
		rc = exit_status(rc);
	} else {
		rc = write_out(app, a, &v[i]);
	}
	itsm_attachments_free(v, n);
	return rc;
}

const struct cmd cmd_attachment = {
	.name = "attachment",
	.summary = "list the attachments of a ticket's mail, or write one out",
	.operands = "REF [NAME]",
	.opts = opts,
	.operand_compl = C_REF,
	.min_operands = 1,
	.max_operands = 2,
	.flags = NEEDS_DB,
	.run = run,
	.usage = usage,
};

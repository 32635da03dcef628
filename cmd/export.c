/*
 * itsm export: every ticket (or those the filters select) as JSON Lines,
 * with all its fields and its events: what import gives back.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { O_STATUS, O_TYPE, O_PRIORITY, O_GROUP, O_ASSIGNEE, O_LIMIT, O_OUTPUT };

static const struct opt opts[] = {
	[O_STATUS] = { "status", 0, "STATUS", "only these statuses "
	    "(comma-separated or repeated)", C_STATUS, OPT_REPEAT },
	[O_TYPE] = { "type", 0, "TYPE", "only this type", C_TYPE, 0 },
	[O_PRIORITY] = { "priority", 0, "PRI", "only this priority",
	    C_PRIORITY, 0 },
	[O_GROUP] = { "group", 0, "GROUP", "only this group", C_WORD, 0 },
	[O_ASSIGNEE] = { "assignee", 0, "USER", "only this assignee", C_WORD,
	    0 },
	[O_LIMIT] = { "limit", 0, "N", "at most N tickets", C_NONE, 0 },
	[O_OUTPUT] = { "output", 'o', "FILE", "write to FILE, not standard "
	    "output", C_FILE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static int
write_line(void *arg, const char *line)
{
	FILE *f = arg;

	out_json(f, line);
	return fputc('\n', f) == EOF ? -1 : 0;
}

static int
run(struct app *app, const struct args *a)
{
	struct itsm_filter f = { .limit = 0 };
	const char *statuses[64];
	char buf[1024], *tok, *save = NULL;
	long long limit;
	struct outfile of;
	FILE *out = app->out;
	size_t n = 0;
	int i, rc;

	/* Statuses, comma-separated or repeated, read case-sensitively. */
	for (i = 0; a->list[O_STATUS] != NULL && a->list[O_STATUS][i]; i++) {
		snprintf(buf, sizeof(buf), "%s", a->list[O_STATUS][i]);
		for (tok = strtok_r(buf, ",", &save); tok != NULL && n < 63;
		    tok = strtok_r(NULL, ",", &save)) {
			int s = itsm_status_parse(tok);

			if (s < 0) {
				warnx_("unknown status '%.*s'",
				    itsm_cut(tok, 64), tok);
				return EX_DATAERR_;
			}
			statuses[n++] = itsm_status_name((enum itsm_status)s);
		}
	}
	statuses[n] = NULL;
	if (n > 0)
		f.status = statuses;
	if (a->val[O_TYPE] != NULL) {
		int ty = itsm_type_parse(a->val[O_TYPE]);

		if (ty < 0) {
			warnx_("unknown type '%.*s' (expected incident, request "
			    "or change)",
			    itsm_cut(a->val[O_TYPE], 64), a->val[O_TYPE]);
			return EX_DATAERR_;
		}
		f.type = itsm_type_name((enum itsm_type)ty);
	}
	f.priority = a->val[O_PRIORITY];
	f.group = a->val[O_GROUP];
	f.assignee = a->val[O_ASSIGNEE];
	if (a->val[O_LIMIT] != NULL) {
		if ((rc = parse_number("limit", a->val[O_LIMIT], 1, LLONG_MAX,
		    &limit)) != 0)
			return rc;
		f.limit = limit;
	}
	if (a->val[O_OUTPUT] != NULL) {
		if ((rc = outfile_open(app, a->val[O_OUTPUT], &of)) != 0)
			return rc;
		out = of.f;
	}
	rc = itsm_export(app->ctx, &f, write_line, out);
	if (rc != 0 && out == app->out && ferror(out)) {
		rc = EX_IOERR_;		/* app_close() tells it */
	} else if (rc != 0 && ferror(out)) {
		/* The file's own error, named with the file. */
		warnx_("cannot write '%s': %s", a->val[O_OUTPUT],
		    strerror(errno ? errno : EIO));
		rc = EX_IOERR_;
	} else if (rc != 0) {
		rc = fail(rc);
	}
	if (out != app->out)
		rc = outfile_close(&of, rc);
	return rc;
}

const struct cmd cmd_export = {
	.name = "export",
	.summary = "every ticket with its history as JSON Lines, for import",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
};

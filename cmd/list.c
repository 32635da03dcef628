/*
 * itsm list: the work queue.  Open tickets by default, major first, then
 * priority, then oldest; filters narrow it, --fields picks the columns.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { O_STATUS, O_TYPE, O_PRIORITY, O_GROUP, O_ASSIGNEE, O_MINE,
    O_CALLER, O_AFFECTED, O_SERVICE, O_CATEGORY, O_TEXT, O_SINCE, O_UNTIL,
    O_ON_HOLD, O_STAGNANT, O_BREACHED, O_ALL, O_LIMIT, O_FIELDS };

static const struct opt opts[] = {
	[O_STATUS] = { "status", 0, "STATUS", "only these statuses "
	    "(comma-separated or repeated)", C_STATUS, OPT_REPEAT },
	[O_TYPE] = { "type", 0, "TYPE", "only this type", C_TYPE, 0 },
	[O_PRIORITY] = { "priority", 0, "PRI", "only this priority",
	    C_PRIORITY, 0 },
	[O_GROUP] = { "group", 0, "GROUP", "only this group", C_GROUP, 0 },
	[O_ASSIGNEE] = { "assignee", 0, "USER", "only this assignee", C_WORD,
	    0 },
	[O_MINE] = { "mine", 0, NULL, "only the tickets assigned to you",
	    C_NONE, 0 },
	[O_CALLER] = { "caller", 0, "NAME", "only this caller's", C_WORD, 0 },
	[O_AFFECTED] = { "affected", 0, "NAME", "only those affecting this "
	    "user", C_WORD, 0 },
	[O_SERVICE] = { "service", 0, "SERVICE", "only this service's", C_WORD,
	    0 },
	[O_CATEGORY] = { "category", 0, "CAT", "only this category",
	    C_CATEGORY, 0 },
	[O_TEXT] = { "text", 0, "TEXT", "only those whose summary or "
	    "description holds TEXT", C_NONE, 0 },
	[O_SINCE] = { "since", 0, "TIME", "only those opened at TIME or later",
	    C_NONE, 0 },
	[O_UNTIL] = { "until", 0, "TIME", "only those opened before TIME",
	    C_NONE, 0 },
	[O_ON_HOLD] = { "on-hold", 0, NULL, "only the tickets on hold", C_NONE,
	    0 },
	[O_STAGNANT] = { "stagnant", 0, NULL, "only the tickets with no "
	    "activity past their threshold", C_NONE, 0 },
	[O_BREACHED] = { "breached", 0, NULL, "only the tickets past a due "
	    "time", C_NONE, 0 },
	[O_ALL] = { "all", 0, NULL, "every status, closed ones too", C_NONE,
	    0 },
	[O_LIMIT] = { "limit", 0, "N", "at most N tickets", C_NONE, 0 },
	[O_FIELDS] = { "fields", 0, "F1,F2", "the columns to show", C_FIELDS,
	    0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const int default_fields[] = { ITSM_F_REF, ITSM_F_PRIORITY,
    ITSM_F_STATUS, ITSM_F_OPENED_AT, ITSM_F_GROUP, ITSM_F_ASSIGNEE,
    ITSM_F_SUMMARY };

/* Parses "ref,priority,summary" into field numbers. */
static int
parse_fields(struct app *app, const char *spec, int *fields, int *n)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int f, rc = 0;

	*n = 0;
	if (copy == NULL)
		return fail(itsm_error(ITSM_E_NOMEM, "out of memory"));
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((f = itsm_field_find(tok)) < 0) {
			warnx_("unknown field '%.*s' (see itsm-list(1) for "
			    "the fields)", itsm_cut(tok, 64), tok);
			rc = EX_DATAERR_;
			break;
		}
		if (*n == ITSM_NFIELDS) {
			rc = usage_error(app->cmd, "too many fields");
			break;
		}
		fields[(*n)++] = f;
	}
	if (rc == 0 && *n == 0)
		rc = usage_error(app->cmd, "--fields needs at least one field");
	free(copy);
	return rc;
}

/* Splits every --status value on commas and checks each status. */
static int
parse_statuses(const struct args *a, char **buf, const char ***out)
{
	size_t i, n = 0, len = 0;
	const char **list;
	char *p, *tok, *lc, *save = NULL;

	for (i = 0; a->list[O_STATUS][i] != NULL; i++)
		len += strlen(a->list[O_STATUS][i]) + 1;
	if ((*buf = p = malloc(len + 1)) == NULL ||
	    (list = calloc(len + 1, sizeof(*list))) == NULL) {
		free(*buf);
		return fail(itsm_error(ITSM_E_NOMEM, "out of memory"));
	}
	for (i = 0; a->list[O_STATUS][i] != NULL; i++) {
		strcpy(p, a->list[O_STATUS][i]);
		for (tok = strtok_r(p, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			for (lc = tok; *lc; lc++)	/* read case-insensitively */
				*lc = (char)tolower((unsigned char)*lc);
			if (itsm_status_parse(tok) < 0) {
				warnx_("unknown status '%.*s' (expected new, "
				    "in_progress, on_hold, resolved, closed, "
				    "redirected or cancelled)",
				    itsm_cut(tok, 64), tok);
				free(list);
				return EX_DATAERR_;
			}
			list[n++] = tok;
		}
		p += strlen(a->list[O_STATUS][i]) + 1;
	}
	if (n == 0) {	/* --status "" must not silently match nothing */
		free(list);
		return usage_error(&cmd_list, "--status needs at least one "
		    "status");
	}
	*out = list;
	return 0;
}

/*
 * The filter the options ask for; *status_buf and *statuses hold the
 * --status values, the caller's to free.  0 or an exit status.
 */
static int
list_filter(struct app *app, const struct args *a, struct itsm_filter *f,
    char **status_buf, const char ***statuses)
{
	long long limit;
	int rc;

	if (a->list[O_STATUS] != NULL) {
		if ((rc = parse_statuses(a, status_buf, statuses)) != 0)
			return rc;
		f->status = *statuses;
	}
	if (a->val[O_TYPE] != NULL) {
		int ty = itsm_type_parse(a->val[O_TYPE]);

		if (ty < 0)
			return fail(itsm_error(ITSM_E_INVALID, "unknown type "
			    "'%.*s' (expected incident, request or change)",
			    itsm_cut(a->val[O_TYPE], 64), a->val[O_TYPE]));
		f->type = itsm_type_name((enum itsm_type)ty);
	}
	/* Checked by the library, as for next and export. */
	f->priority = a->val[O_PRIORITY];
	f->group = a->val[O_GROUP];
	f->assignee = a->val[O_ASSIGNEE];
	if (a->count[O_MINE]) {
		if (f->assignee != NULL)
			return usage_error(app->cmd, "--mine and --assignee "
			    "exclude each other");
		f->assignee = itsm_ctx_actor(app->ctx);
	}
	f->caller = a->val[O_CALLER];
	f->affected = a->val[O_AFFECTED];
	f->service = a->val[O_SERVICE];
	f->category = a->val[O_CATEGORY];
	if ((f->text = a->val[O_TEXT]) != NULL && *f->text == '\0')
		return usage_error(app->cmd, "--text needs some text");
	if (a->val[O_SINCE] != NULL) {
		if ((rc = parse_time(app, a->val[O_SINCE], &f->since)) != 0)
			return rc;
		f->has_since = 1;
	}
	if (a->val[O_UNTIL] != NULL) {
		if ((rc = parse_time(app, a->val[O_UNTIL], &f->until)) != 0)
			return rc;
		f->has_until = 1;
	}
	if (a->count[O_ON_HOLD]) {
		static const char *const on_hold[] = { "on_hold", NULL };

		if (f->status != NULL || f->all)
			return usage_error(app->cmd, "--on-hold excludes "
			    "--status and --all");
		f->status = on_hold;
	}
	f->stagnant = a->count[O_STAGNANT] > 0;
	f->breached = a->count[O_BREACHED] > 0;
	if (a->val[O_LIMIT] != NULL) {
		if ((rc = parse_number("limit", a->val[O_LIMIT], 1, LLONG_MAX,
		    &limit)) != 0)
			return rc;
		f->limit = limit;
	}
	return 0;
}

/* The rows of the list, with their header; 0 or an exit status. */
static int
print_rows(struct app *app, itsm_iter *it, const int *fields, int nfields)
{
	const itsm_ticket *t;
	int rc = 0, n = 0;

	/* A CSV file always names its columns; an empty table prints nothing. */
	if (!app->quiet && app->fmt == FMT_CSV)
		out_csv_header(app, fields, nfields);
	/* Rows stop when the output fails (a closed pipe). */
	while (!ferror(app->out) && (rc = itsm_iter_next(it, &t)) == 1) {
		if (n == 0 && !app->quiet && app->fmt == FMT_TABLE)
			out_table_header(app, fields, nfields);
		out_ticket_row(app, t, fields, nfields, n == 0);
		n++;
	}
	if (rc < 0)
		return fail(rc);
	if (app->fmt == FMT_JSON && !app->quiet)
		fputs(n == 0 ? "[]\n" : "\n]\n", app->out);
	return 0;
}

static int
run(struct app *app, const struct args *a)
{
	struct itsm_filter f = { .all = a->count[O_ALL] > 0 };
	const char **statuses = NULL;
	char *status_buf = NULL;
	int fields[ITSM_NFIELDS], nfields, rc;
	itsm_iter *it = NULL;

	memcpy(fields, default_fields, sizeof(default_fields));
	nfields = (int)(sizeof(default_fields) / sizeof(default_fields[0]));
	if (a->val[O_FIELDS] != NULL &&
	    (rc = parse_fields(app, a->val[O_FIELDS], fields, &nfields)) != 0)
		return rc;
	if ((rc = list_filter(app, a, &f, &status_buf, &statuses)) != 0)
		goto done;
	f.json = app->fmt == FMT_JSON || app->fmt == FMT_JSONL;
	f.fields = out_row_fields(app, fields, nfields);
	if ((rc = itsm_list(app->ctx, &f, &it)) != 0)
		rc = fail(rc);
	else
		rc = print_rows(app, it, fields, nfields);
done:
	itsm_iter_free(it);
	free(statuses);
	free(status_buf);
	return rc;
}

const struct cmd cmd_list = {
	.name = "list",
	.summary = "the work queue: open tickets, most urgent first",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_DB,
	.run = run,
};

/*
 * itsm mail: one message on standard input, as an MTA delivers it (an
 * alias "|itsm mail", procmail, fetchmail): a new ticket, a note, a
 * confirmation, or dropped (itsm-mail(1)).  The exit statuses are the
 * ones MTAs read: 0 delivered or dropped, 65 refused for good (the one
 * line of stderr goes into the bounce), 75 to be tried again later.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "itsm/mail.h"

enum { O_TO, O_DRY_RUN };

static const struct opt opts[] = {
	[O_TO] = { "to", 0, "ADDRESS", "the envelope recipient, for the "
	    "policy's routes", C_WORD, 0 },
	[O_DRY_RUN] = { "dry-run", 0, NULL, "say what would be done, change "
	    "nothing", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"mail [--to ADDRESS] [--dry-run] < MESSAGE",
	NULL
};

#define CHUNK 65536

/*
 * Standard input, all read: at most max + 1 bytes kept in *buf (*len of
 * them), *size counting them all.  0 or an exit status (said).
 */
static int
read_message(size_t max, char **buf, size_t *len, size_t *size)
{
	char chunk[CHUNK], *b = NULL, *nb;
	size_t n, cap = 0, keep;

	*len = *size = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		*size += n;
		keep = *len <= max ? max + 1 - *len : 0;
		if (keep > n)
			keep = n;
		if (keep == 0)
			continue;
		if (*len + keep > cap) {
			cap = cap ? cap * 2 : CHUNK;
			while (cap < *len + keep)
				cap *= 2;
			if ((nb = realloc(b, cap)) == NULL) {
				free(b);
				return fail(itsm_error(ITSM_E_NOMEM,
				    "out of memory"));
			}
			b = nb;
		}
		memcpy(b + *len, chunk, keep);
		*len += keep;
	}
	if (ferror(stdin)) {
		free(b);
		warnx_("cannot read standard input");
		return EX_TEMPFAIL_;
	}
	*buf = b;
	return 0;
}

/* What a store's failure means to an MTA: busy or away is for later. */
static int
mail_status(int status)
{
	return status == EX_IOERR_ || status == EX_SOFTWARE_ ?
	    EX_TEMPFAIL_ : status;
}

static void
print_json(struct app *app, const struct itsm_mail_result *r, int dry)
{
	FILE *f = app->out;

	fputs("{\"outcome\":", f);
	out_json_string(f, itsm_mail_outcome_name(r->outcome));
	fputs(",\"ref\":", f);
	if (r->ref[0] != '\0')
		out_json_string(f, r->ref);
	else
		fputs("null", f);
	fputs(",\"follows\":", f);
	if (r->old_ref[0] != '\0')
		out_json_string(f, r->old_ref);
	else
		fputs("null", f);
	fputs(",\"kind\":", f);
	out_json_string(f, r->kind);
	fprintf(f, ",\"dry_run\":%s,\"why\":", dry ? "true" : "false");
	out_json_string(f, r->why);
	fputs("}\n", f);
}

static void
print_text(struct app *app, const struct itsm_mail_result *r, int dry)
{
	static const char *const verbs[] = {
		[ITSM_MAIL_OPENED] = "opened",
		[ITSM_MAIL_FOLLOW_UP] = "opened",
		[ITSM_MAIL_NOTED] = "noted on",
		[ITSM_MAIL_CONFIRMED] = "closed, confirmed by the caller:",
		[ITSM_MAIL_REJECTED] = "back to work, not confirmed:",
		[ITSM_MAIL_REOPENED] = "reopened",
		[ITSM_MAIL_NOISE] = "noted automatic mail on",
	};
	FILE *f = app->out;

	if (r->ref[0] == '\0' || (size_t)r->outcome >=
	    sizeof(verbs) / sizeof(verbs[0]) || verbs[r->outcome] == NULL)
		return;
	if (app->quiet) {
		fprintf(f, "%s\n", r->ref);
		return;
	}
	fprintf(f, "%s%s %s", dry ? "dry run: would be " : "",
	    verbs[r->outcome], r->ref);
	if (r->old_ref[0] != '\0')
		fprintf(f, ", following up %s", r->old_ref);
	fputc('\n', f);
}

static int
run(struct app *app, const struct args *a)
{
	const struct itsm_mail_policy *ml = itsm_policy_mail_in(app->policy);
	struct itsm_mail_args ma = { .to = a->val[O_TO],
	    .dry_run = a->count[O_DRY_RUN] > 0 };
	struct itsm_mail_result r;
	size_t len, size;
	char *buf = NULL;
	int rc;

	if ((rc = read_message(ml->max_size, &buf, &len, &size)) != 0)
		return rc;
	if ((rc = app_open(app, NEEDS_DB)) != 0) {
		free(buf);
		return mail_status(rc);
	}
	rc = itsm_mail_take(app->ctx, buf != NULL ? buf : "", len, size, &ma,
	    &r);
	free(buf);
	if (rc != 0)
		return mail_status(fail(rc));
	switch (r.outcome) {
	case ITSM_MAIL_DROPPED:
	case ITSM_MAIL_LIMITED:
	case ITSM_MAIL_DUPLICATE:
		warnx_("mail: %s%s", ma.dry_run ? "dry run: " : "", r.why);
		break;
	default:
		break;
	}
	if (app->fmt == FMT_JSON || app->fmt == FMT_JSONL)
		print_json(app, &r, ma.dry_run);
	else
		print_text(app, &r, ma.dry_run);
	return 0;
}

const struct cmd cmd_mail = {
	.name = "mail",
	.summary = "take one incoming mail (an MTA's delivery): a ticket, a "
	    "note, a confirmation",
	.opts = opts,
	.max_operands = 0,
	.flags = NEEDS_POLICY,
	.run = run,
	.usage = usage,
};

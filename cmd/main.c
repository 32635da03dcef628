/*
 * itsm: the command table, global options, option parsing from the
 * descriptors, and the mapping of library errors to exit statuses.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

const struct cmd *const commands[] = {
	&cmd_open,
	&cmd_categorize,
	&cmd_prioritize,
	&cmd_list,
	&cmd_show,
	&cmd_note,
	&cmd_assign,
	&cmd_escalate,
	&cmd_hold,
	&cmd_resolve,
	&cmd_close,
	&cmd_reopen,
	&cmd_cancel,
	&cmd_next,
	&cmd_major,
	&cmd_export,
	&cmd_import,
	&cmd_stats,
	&cmd_config,
	&cmd_help,
	&cmd_complete,
	NULL
};

const struct opt output_opts[] = {
	{ "format", 0, "FMT", "output format: table, tsv, csv, json, jsonl",
	    C_FORMAT, 0 },
	{ "json", 0, NULL, "the same as --format json", C_NONE, 0 },
	{ "quiet", 'q', NULL, "print only ticket refs, one per line", C_NONE, 0 },
	{ "no-color", 0, NULL, "never colour the output", C_NONE, 0 },
	{ "no-hooks", 0, NULL, "run no hook", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

enum { OUT_FORMAT, OUT_JSON, OUT_QUIET, OUT_NOCOLOR, OUT_NOHOOKS };

static const char *const global_usage =
    "usage: itsm [--db FILE] [--config FILE] [--format FMT | --json] [-q]\n"
    "            [--no-color] [--no-hooks] command [options] [arguments]\n"
    "       itsm help [command]\n"
    "       itsm command -h\n"
    "       itsm --version\n";

const struct cmd *
find_command(const char *name)
{
	const struct cmd *const *c;

	for (c = commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* Writes s to f with control characters and invalid bytes escaped. */
static void
vwarn(const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fputs("itsm: ", stderr);
	out_escaped(stderr, buf, FMT_TABLE);
	fputc('\n', stderr);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

int
exit_status(int code)
{
	switch (code) {
	case ITSM_OK: return 0;
	case ITSM_E_NOTFOUND: return EX_NOINPUT_;
	case ITSM_E_INVALID: return EX_DATAERR_;
	case ITSM_E_REFUSED: return EX_REFUSED;
	case ITSM_E_BUSY: return EX_TEMPFAIL_;
	case ITSM_E_IO: return EX_IOERR_;
	case ITSM_E_CONFIG: return EX_CONFIG_;
	case ITSM_E_PERM: return EX_NOPERM_;
	default: return EX_SOFTWARE_;
	}
}

/* The context, once open: refs fall back to imported numbers. */
static itsm_ctx *ref_ctx;

/* The last ref read from the command line, to name it as it was typed. */
static const char *last_ref;
static int64_t last_id;

int
fail(int code)
{
	char plain[64];

	snprintf(plain, sizeof(plain), "no such ticket: %lld",
	    (long long)last_id);
	if (code == ITSM_E_NOTFOUND && last_ref != NULL &&
	    strcmp(itsm_errmsg(), plain) == 0)
		warnx_("no such ticket: '%.*s'",
		    itsm_cut(last_ref, 64), last_ref);
	else
		warnx_("%s", itsm_errmsg());
	return exit_status(code);
}

/* One option in usage: "--caller NAME", "-m TEXT", "-q". */
static int
opt_usage(char *buf, size_t len, const struct opt *o)
{
	if (o->shrt && o->arg)
		return snprintf(buf, len, "-%c %s", o->shrt, o->arg);
	if (o->shrt)
		return snprintf(buf, len, "-%c", o->shrt);
	if (o->arg)
		return snprintf(buf, len, "--%s %s", o->lng, o->arg);
	return snprintf(buf, len, "--%s", o->lng);
}

static void print_usage_line(FILE *, const struct cmd *, int);

void
print_usage(FILE *f, const struct cmd *c)
{
	int i;

	if (c->subs != NULL) {
		for (i = 0; c->subs[i] != NULL; i++)
			print_usage_line(f, c->subs[i], i == 0);
		return;
	}
	print_usage_line(f, c, 1);
}

/* The usage of one command or verb; first: prefixed with "usage:". */
static void
print_usage_line(FILE *f, const struct cmd *c, int first)
{
	const struct opt *o;
	char item[128], line[4096];
	size_t off, indent, col;
	int i;

	if (c->usage != NULL) {
		for (i = 0; c->usage[i] != NULL; i++)
			fprintf(f, "%s itsm %s\n", first && i == 0 ? "usage:" :
			    "      ", c->usage[i]);
		return;
	}
	off = (size_t)snprintf(line, sizeof(line), "%s itsm %s%s%s",
	    first ? "usage:" : "      ", c->name, c->operands ? " " : "",
	    c->operands ? c->operands : "");
	indent = strlen("usage: itsm ") + strlen(c->name) + 1;
	col = off;
	for (o = c->opts; o != NULL && o->lng != NULL; o++) {
		char w[320];
		int n;

		/* A pair shares one bracket and is never split. */
		opt_usage(item, sizeof(item), o);
		if (o->flags & OPT_REQUIRED) {
			n = snprintf(w, sizeof(w), "%s%s", item,
			    (o->flags & OPT_MANY) ? "..." : "");
		} else if ((o->flags & OPT_PAIR) && o[1].lng != NULL) {
			char second[128];

			opt_usage(second, sizeof(second), ++o);
			n = snprintf(w, sizeof(w), "[%s %s]", item, second);
		} else {
			n = snprintf(w, sizeof(w), "[%s]%s", item,
			    (o->flags & OPT_MANY) ? "..." : "");
		}
		if (col + 1 + (size_t)n > 79) {
			off += (size_t)snprintf(line + off, sizeof(line) - off,
			    "\n%*s", (int)indent, "");
			col = indent;
		} else {
			line[off++] = ' ';
			col++;
		}
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s", w);
		col += (size_t)n;
	}
	fprintf(f, "%s\n", line);
}

static int find_long(const struct opt *, const char *, size_t,
    const struct opt **, int *);

static void
print_help(FILE *f, const struct cmd *c)
{
	const struct opt *o;
	char item[160];
	int i;

	print_usage(f, c);
	if (c->summary != NULL)
		fprintf(f, "\n%s\n", c->summary);
	if (c->opts != NULL && c->opts->lng != NULL)
		fputs("\noptions:\n", f);
	for (o = c->opts; o != NULL && o->lng != NULL; o++) {
		if (o->shrt)
			snprintf(item, sizeof(item), "-%c, --%s%s%s", o->shrt,
			    o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(item, sizeof(item), "--%s%s%s", o->lng,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-24s %s\n", item, o->help);
	}
	fprintf(f, "\nsee itsm-%.*s(1) for more", (int)strcspn(c->name, " "),
	    c->name);
	if (c->subs != NULL) {
		fputs("; each verb takes the output options after it\n", f);
		return;
	}
	/* The output options this command takes: its own may shadow one. */
	fputs("; output options:", f);
	for (o = output_opts, i = 0; o->lng != NULL; o++) {
		const struct opt *which;
		int idx;

		if (find_long(c->opts, o->lng, strlen(o->lng), &which, &idx) == 0 &&
		    which != output_opts)
			continue;
		if (o->shrt)
			fprintf(f, "%s -%c, --%s", i++ ? "," : "", o->shrt, o->lng);
		else
			fprintf(f, "%s --%s%s%s", i++ ? "," : "", o->lng,
			    o->arg ? " " : "", o->arg ? o->arg : "");
	}
	fputc('\n', f);
}

/*
 * A usage error: one line on stderr, naming where the usage is, and 64.
 */
int
usage_error(const struct cmd *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c != NULL)
		warnx_("%s (see 'itsm %s -h')", msg, c->name);
	else
		warnx_("%s (see 'itsm -h')", msg);
	return EX_USAGE_;
}

/* Finds a long option by name in opts, then in output_opts. */
static int
find_long(const struct opt *opts, const char *name, size_t len,
    const struct opt **which, int *idx)
{
	int i;

	for (i = 0; opts != NULL && opts[i].lng != NULL; i++)
		if (strlen(opts[i].lng) == len &&
		    strncmp(opts[i].lng, name, len) == 0) {
			*which = opts;
			*idx = i;
			return 0;
		}
	for (i = 0; output_opts[i].lng != NULL; i++)
		if (strlen(output_opts[i].lng) == len &&
		    strncmp(output_opts[i].lng, name, len) == 0) {
			*which = output_opts;
			*idx = i;
			return 0;
		}
	return -1;
}

static int
find_short(const struct opt *opts, char ch, const struct opt **which, int *idx)
{
	int i;

	for (i = 0; opts != NULL && opts[i].lng != NULL; i++)
		if (opts[i].shrt == ch) {
			*which = opts;
			*idx = i;
			return 0;
		}
	for (i = 0; output_opts[i].lng != NULL; i++)
		if (output_opts[i].shrt == ch) {
			*which = output_opts;
			*idx = i;
			return 0;
		}
	return -1;
}

struct outopts {
	const char *format;
	int json, quiet, nocolor, nohooks;
};

static int
set_opt(const struct cmd *c, struct args *a, struct outopts *oo,
    const struct opt *which, int idx, const char *val)
{
	const struct opt *o = &which[idx];
	const char **l;
	int n;

	if (which == output_opts) {
		switch (idx) {
		case OUT_FORMAT: oo->format = val; break;
		case OUT_JSON: oo->json = 1; break;
		case OUT_QUIET: oo->quiet = 1; break;
		case OUT_NOCOLOR: oo->nocolor = 1; break;
		case OUT_NOHOOKS: oo->nohooks = 1; break;
		}
		return 0;
	}
	if (a->count[idx] > 0 && !(o->flags & OPT_REPEAT) &&
	    !(o->arg == NULL))
		return usage_error(c, "option --%s given twice", o->lng);
	n = a->count[idx]++;
	a->val[idx] = val ? val : "";
	if (o->flags & OPT_REPEAT) {
		if ((l = realloc(a->list[idx], (size_t)(n + 2) * sizeof(*l))) == NULL)
			return usage_error(c, "out of memory");
		l[n] = a->val[idx];
		l[n + 1] = NULL;
		a->list[idx] = l;
	}
	return 0;
}

/*
 * Parses argv against a command's options (and the output options).
 * Options and operands may mix; "--" ends the options.
 */
static int
parse_args(const struct cmd *c, int argc, char **argv, struct args *a,
    struct outopts *oo, int *help)
{
	const struct opt *which;
	int i, idx, rc, only_operands = 0;

	for (i = 0; i < argc; i++) {
		char *s = argv[i];

		if ((c->flags & RAW_ARGS) && i == 0 &&
		    (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)) {
			*help = 1;
			return 0;
		}
		if (only_operands || s[0] != '-' || s[1] == '\0' ||
		    (c->flags & RAW_ARGS)) {
			if (a->noperands == MAX_OPERANDS)
				return usage_error(c, "too many arguments");
			a->operand[a->noperands++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_operands = 1;
			continue;
		}
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			*help = 1;
			return 0;
		}
		if (s[1] == '-') {
			char *name = s + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const char *val = NULL;

			if (find_long(c->opts, name, len, &which, &idx) != 0)
				return usage_error(c, "unknown option '--%.*s'",
				    (int)(len > 64 ? 64 : len), name);
			if (which[idx].arg != NULL) {
				if (eq != NULL)
					val = eq + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					return usage_error(c, "option --%s "
					    "needs a value", which[idx].lng);
			} else if (eq != NULL) {
				return usage_error(c, "option --%s takes no "
				    "value", which[idx].lng);
			}
			if ((rc = set_opt(c, a, oo, which, idx, val)) != 0)
				return rc;
			continue;
		}
		for (s++; *s; s++) {
			const char *val = NULL;

			if (find_short(c->opts, *s, &which, &idx) != 0) {
				if (*s == 'h') {
					*help = 1;
					return 0;
				}
				return usage_error(c, "unknown option '-%c'",
				    (*s > 32 && *s < 127) ? *s : '?');
			}
			if (which[idx].arg != NULL) {
				if (s[1] != '\0')
					val = s + 1;
				else if (i + 1 < argc)
					val = argv[++i];
				else
					return usage_error(c, "option -%c needs "
					    "a value", *s);
				if ((rc = set_opt(c, a, oo, which, idx, val)) != 0)
					return rc;
				break;
			}
			if ((rc = set_opt(c, a, oo, which, idx, NULL)) != 0)
				return rc;
		}
	}
	return 0;
}

static int
check_args(const struct cmd *c, const struct args *a)
{
	const struct opt *o;
	int i;

	for (i = 0, o = c->opts; o != NULL && o->lng != NULL; o++, i++)
		if ((o->flags & OPT_REQUIRED) && a->count[i] == 0)
			return usage_error(c, "missing --%s", o->lng);
	if (a->noperands < c->min_operands)
		return usage_error(c, "missing %s", c->operands ? c->operands :
		    "argument");
	if (c->max_operands >= 0 && a->noperands > c->max_operands)
		return usage_error(c, "unexpected argument '%.*s'",
		    itsm_cut(a->operand[c->max_operands], 64),
		    a->operand[c->max_operands]);
	return 0;
}

static int
parse_format(const char *s, enum fmt *f)
{
	static const char *const names[] = { "table", "tsv", "csv", "json",
	    "jsonl" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum fmt)i;
			return 0;
		}
	return -1;
}

/* Applies the output options; 0 or an exit status. */
static int
apply_output(struct app *app, const struct cmd *c, const struct outopts *oo)
{
	const char *nc = getenv("NO_COLOR");

	if (oo->format != NULL && oo->json)
		return usage_error(c, "--format and --json exclude each other");
	if (oo->json)
		app->fmt = FMT_JSON;
	else if (oo->format != NULL && parse_format(oo->format, &app->fmt) != 0) {
		warnx_("unknown format '%.*s' (expected table, tsv, csv, "
		    "json or jsonl)", itsm_cut(oo->format, 64), oo->format);
		return EX_DATAERR_;
	}
	if (oo->quiet)
		app->quiet = 1;
	if (oo->nohooks)
		app->no_hooks = 1;
	if (oo->nocolor || (nc != NULL && *nc != '\0') ||
	    app->fmt != FMT_TABLE || !app->tty)
		app->color = 0;
	return 0;
}

int
app_open(struct app *a, int flags)
{
	const char *actor;
	size_t i;
	int rc;

	if (flags & (NEEDS_POLICY | NEEDS_DB)) {
		if ((rc = itsm_policy_load(&a->policy, a->config_path)) != 0)
			return fail(rc);
		for (i = 0; i < itsm_policy_warning_count(a->policy); i++)
			warnx_("warning: %s", itsm_policy_warning(a->policy, i));
	}
	if (flags & NEEDS_DB) {
		if ((rc = itsm_store_open_wait(&a->store, a->db_path,
		    itsm_policy_share_group(a->policy) ?
		    ITSM_STORE_SHARED : 0,
		    (int)itsm_policy_busy_timeout(a->policy) * 1000)) != 0)
			return fail(rc);
		if ((rc = itsm_ctx_new(&a->ctx, a->store, a->policy)) != 0)
			return fail(rc);
		itsm_ctx_set_hooks(a->ctx, !a->no_hooks);
		ref_ctx = a->ctx;
		actor = getenv("ITSM_ACTOR");
		if (actor != NULL && *actor != '\0' &&
		    (rc = itsm_ctx_set_actor(a->ctx, actor)) != 0)
			return fail(rc);
	}
	return 0;
}

#define MAX_STDIN (64 * 1024)
/* Trailing line feeds read past a full text before giving up on them. */
#define MAX_STDIN_TRAIL (1024 * 1024)

/*
 * The text of an option: val, or standard input for "-", counted after
 * its trailing line feeds are dropped (as an argument would be).
 */
int
read_text(const char *val, char **out)
{
	size_t len = 0, n, trail = 0;
	int ch, over = 0;
	char *buf;

	*out = NULL;
	if (strcmp(val, "-") != 0) {
		if ((*out = strdup(val)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		return 0;
	}
	if ((buf = malloc(MAX_STDIN + 1)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	while (len < MAX_STDIN &&
	    (n = fread(buf + len, 1, MAX_STDIN - len, stdin)) > 0)
		len += n;
	/* A full text may still end in line feeds, which do not count. */
	while (len == MAX_STDIN && !ferror(stdin) &&
	    (ch = getc(stdin)) != EOF) {
		if (ch != '\n' || ++trail > MAX_STDIN_TRAIL) {
			over = 1;
			break;
		}
	}
	if (ferror(stdin)) {
		free(buf);
		return itsm_error(ITSM_E_IO, "cannot read standard input: %s",
		    strerror(errno));
	}
	if (over) {
		free(buf);
		return itsm_error(ITSM_E_INVALID, "text on standard input is "
		    "too long (more than %d bytes)", MAX_STDIN);
	}
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return itsm_error(ITSM_E_INVALID, "text on standard input "
		    "contains a NUL byte");
	}
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int
parse_ref(const char *s, int64_t *id)
{
	int rc = itsm_ref_parse(s, id);

	/* "INC0000045": the number a ticket had where it was imported from. */
	if (rc == ITSM_E_INVALID && ref_ctx != NULL) {
		int ext = itsm_ticket_find_ext(ref_ctx, s, id);

		if (ext == 0)
			rc = 0;
		else if (ext == ITSM_E_NOTFOUND)
			rc = itsm_ref_parse(s, id);	/* its message again */
		else
			rc = ext;
	}

	last_ref = s;
	last_id = rc == 0 ? *id : 0;	/* *id is unset when s is no ref */
	return rc != 0 ? fail(rc) : 0;
}

int
parse_number(const char *what, const char *s, long long lo, long long hi,
    long long *out)
{
	const char *p = s;
	long long n = 0;

	/*
	 * Decimal digits only, as in a reference: strtoll would also take
	 * leading blanks, a sign and a base prefix ("0x10" as 0, "+5").
	 */
	if (*p == '\0' || (*p == '0' && p[1] != '\0'))
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > (LLONG_MAX - (*p - '0')) / 10)
			goto bad;
		n = n * 10 + (*p - '0');
	}
	if (n < lo || n > hi)
		goto bad;
	*out = n;
	return 0;
bad:
	if (hi == LLONG_MAX)
		warnx_("invalid %s '%.*s' (expected a whole number from %lld)",
		    what, itsm_cut(s, 64), s, lo);
	else
		warnx_("invalid %s '%.*s' (expected a whole number from %lld "
		    "to %lld)", what, itsm_cut(s, 64), s, lo, hi);
	return EX_DATAERR_;
}

int
parse_at(struct app *a, const char *s, int64_t *out)
{
	int rc = itsm_time_parse(s, itsm_ctx_now(a->ctx), out);

	/* 0 tells libitsm "now": the first second of 1970 cannot be said. */
	if (rc == 0 && *out == 0)
		return itsm_error(ITSM_E_INVALID, "--at '%.*s' is too early "
		    "(the earliest is 1970-01-01T00:00:01Z)",
		    itsm_cut(s, 64), s);
	return rc;
}

static void
report_hook(void *arg, const char *msg)
{
	(void)arg;
	warnx_("%s", msg);
}

static void
app_close(struct app *a)
{
	itsm_ctx_free(a->ctx);
	itsm_store_close(a->store);
	itsm_policy_free(a->policy);
}

static int
run_command(struct app *app, const struct cmd *c, int argc, char **argv)
{
	struct args a = { 0 };
	struct outopts oo = { 0 };
	int help = 0, rc, i;

	app->cmd = c;
	if ((rc = parse_args(c, argc, argv, &a, &oo, &help)) != 0)
		goto done;
	if (help) {
		print_help(stdout, c);
		goto done;
	}
	if ((rc = check_args(c, &a)) != 0 ||
	    (rc = apply_output(app, c, &oo)) != 0)
		goto done;
	if ((rc = app_open(app, c->flags)) != 0)
		goto done;
	rc = c->run(app, &a);
	/*
	 * The output is flushed before the hooks run, so that a write error
	 * is told with its own cause; what committed stays committed.
	 */
	if (fflush(app->out) != 0 || ferror(app->out))
		app->write_errno = errno ? errno : EIO;
	if (app->ctx != NULL) {
		/* A hook runs with SIGPIPE as usual (main() ignores it). */
		signal(SIGPIPE, SIG_DFL);
		itsm_hooks_run(app->ctx, report_hook, NULL);
		signal(SIGPIPE, SIG_IGN);
	}
done:
	for (i = 0; i < MAX_OPTS; i++)
		free(a.list[i]);
	return rc;
}

/* 0 when standard output was written, else 74 ("itsm --version >/dev/full"). */
static int
flushed(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno != EPIPE)
		warnx_("cannot write output: %s", strerror(errno));
	return EX_IOERR_;
}

int
run_verb(struct app *app, const struct cmd *verb, int argc, char **argv)
{
	struct args a = { 0 };
	struct outopts oo = { 0 };
	int help = 0, rc, i;

	app->cmd = verb;
	if ((rc = parse_args(verb, argc, argv, &a, &oo, &help)) != 0)
		goto done;
	if (help) {
		print_help(stdout, verb);
		goto done;
	}
	if ((rc = check_args(verb, &a)) != 0 ||
	    (rc = apply_output(app, verb, &oo)) != 0)
		goto done;
	if ((rc = app_open(app, verb->flags)) != 0)
		goto done;
	rc = verb->run(app, &a);
done:
	for (i = 0; i < MAX_OPTS; i++)
		free(a.list[i]);
	return rc;
}

int
main(int argc, char **argv)
{
	struct app app = { 0 };
	struct outopts oo = { 0 };
	const struct cmd *c;
	int i, rc, committed;

	/*
	 * A closed pipe is a write error like any other, not a signal that
	 * would kill a command after its change was committed: the exit
	 * status tells what happened (EX_KEPT_).
	 */
	signal(SIGPIPE, SIG_IGN);
	app.out = stdout;
	app.tty = isatty(STDOUT_FILENO);
	app.fmt = app.tty ? FMT_TABLE : FMT_TSV;
	app.color = app.tty;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--version") == 0) {
			printf("itsm %s\n", ITSM_VERSION);
			return flushed();
		} else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			fputs(global_usage, stdout);
			return flushed();
		} else if (strcmp(s, "--db") == 0 || strcmp(s, "--config") == 0 ||
		    strcmp(s, "--format") == 0) {
			if (i + 1 == argc)
				return usage_error(NULL, "option %s needs a "
				    "value", s);
			if (s[2] == 'd')
				app.db_path = argv[++i];
			else if (s[2] == 'c')
				app.config_path = argv[++i];
			else
				oo.format = argv[++i];
		} else if (strncmp(s, "--db=", 5) == 0) {
			app.db_path = s + 5;
		} else if (strncmp(s, "--config=", 9) == 0) {
			app.config_path = s + 9;
		} else if (strncmp(s, "--format=", 9) == 0) {
			oo.format = s + 9;
		} else if (strcmp(s, "--json") == 0) {
			oo.json = 1;
		} else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
			oo.quiet = 1;
		} else if (strcmp(s, "--no-color") == 0) {
			oo.nocolor = 1;
		} else if (strcmp(s, "--no-hooks") == 0) {
			oo.nohooks = 1;
		} else {
			return usage_error(NULL, "unknown option '%.*s'",
			    itsm_cut(s, 64), s);
		}
	}
	if (i == argc)
		return usage_error(NULL, "no command given");
	if ((c = find_command(argv[i])) == NULL)
		return usage_error(NULL, "unknown command '%.*s'",
		    itsm_cut(argv[i], 64), argv[i]);
	if ((rc = apply_output(&app, c, &oo)) != 0)
		return rc;
	rc = run_command(&app, c, argc - i - 1, argv + i + 1);
	committed = itsm_store_committed(app.store);
	app_close(&app);
	if (app.write_errno == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		app.write_errno = errno ? errno : EIO;
	if (app.write_errno != 0 && rc == 0 && committed) {
		/* Done, only the output is lost: a script must not redo it. */
		warnx_("cannot write output (the change is kept: do not run "
		    "the command again): %s", strerror(app.write_errno));
		rc = EX_KEPT_;
	} else if (app.write_errno != 0) {
		if (app.write_errno != EPIPE)
			warnx_("cannot write output: %s",
			    strerror(app.write_errno));
		if (rc == 0)
			rc = EX_IOERR_;
	}
	return rc;
}

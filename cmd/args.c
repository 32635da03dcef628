/*
 * The command line against the descriptors: the global options (one table
 * for the parser, the global usage and completion), a command's own
 * options and operands, and the output options every command takes.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/*
 * The options before the command, in the order the global usage shows
 * them; the output options come last, and every command takes them
 * after its name too (output_opts).
 */
enum {
	G_DB, G_CONFIG, G_VERSION, G_HELP,
	G_FORMAT, G_JSON, G_QUIET, G_NOCOLOR, G_UTC, G_NOHOOKS, G_END
};

const struct opt global_opts[] = {
	[G_DB] = { "db", 0, "DATABASE", "the database: a file, or a "
	    "PostgreSQL URI or keyword string", C_FILE, 0 },
	[G_CONFIG] = { "config", 0, "FILE", "the policy file", C_FILE,
	    0 },
	[G_VERSION] = { "version", 0, NULL, "print the version", C_NONE,
	    OPT_ALONE },
	[G_HELP] = { "help", 'h', NULL, "print the usage", C_NONE,
	    OPT_ALONE },
	[G_FORMAT] = { "format", 0, "FMT",
	    "output format: table, tsv, csv, json, jsonl", C_FORMAT,
	    OPT_EITHER },
	[G_JSON] = { "json", 0, NULL, "the same as --format json", C_NONE, 0 },
	[G_QUIET] = { "quiet", 'q', NULL,
	    "print only ticket refs, one per line", C_NONE, 0 },
	[G_NOCOLOR] = { "no-color", 0, NULL, "never colour the output",
	    C_NONE, 0 },
	[G_UTC] = { "utc", 0, NULL, "show and read times in UTC, not the "
	    "display zone", C_NONE, 0 },
	[G_NOHOOKS] = { "no-hooks", 0, NULL, "run none of your own hooks", C_NONE, 0 },
	[G_END] = { NULL, 0, NULL, NULL, C_NONE, 0 }
};

const struct opt *const output_opts = &global_opts[G_FORMAT];

/* Records an output option (or --db, --config) given on the command line. */
static void
set_global(struct app *app, struct outopts *oo, const struct opt *o,
    const char *val)
{
	switch (o - global_opts) {
	case G_DB: app->db_path = val; break;
	case G_CONFIG: app->config_path = val; break;
	case G_FORMAT: oo->format = val; break;
	case G_JSON: oo->json = 1; break;
	case G_QUIET: oo->quiet = 1; break;
	case G_NOCOLOR: oo->nocolor = 1; break;
	case G_UTC: oo->utc = 1; break;
	case G_NOHOOKS: oo->nohooks = 1; break;
	default: break;
	}
}

/*
 * The global option a word names: "--db", "--db=FILE" (a value option
 * only), or a short one alone ("-q"); NULL when none.
 */
static const struct opt *
find_global(const char *s, const char **val)
{
	const struct opt *o;
	const char *name, *eq;
	size_t len;

	*val = NULL;
	if (s[1] != '-') {
		for (o = global_opts; o->lng != NULL; o++)
			if (o->shrt != 0 && o->shrt == s[1] && s[2] == '\0')
				return o;
		return NULL;
	}
	name = s + 2;
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	for (o = global_opts; o->lng != NULL; o++) {
		if (strlen(o->lng) != len || strncmp(o->lng, name, len) != 0)
			continue;
		if (eq != NULL && o->arg == NULL)
			return NULL;
		*val = eq != NULL ? eq + 1 : NULL;
		return o;
	}
	return NULL;
}

int
parse_globals(struct app *app, struct outopts *oo, int argc, char **argv,
    int *cmd_at, const struct opt **alone)
{
	const struct opt *o;
	const char *val;
	int i;

	*alone = NULL;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *s = argv[i];

		if ((o = find_global(s, &val)) == NULL)
			return usage_error(NULL, "unknown option '%.*s'",
			    itsm_cut(s, 64), s);
		if (o->flags & OPT_ALONE) {
			*alone = o;
			break;
		}
		if (o->arg != NULL && val == NULL) {
			if (i + 1 == argc)
				return usage_error(NULL, "option %s needs a "
				    "value", s);
			val = argv[++i];
		}
		set_global(app, oo, o, val);
	}
	*cmd_at = i;
	return 0;
}

/* Finds a long option by name in opts, then in output_opts. */
int
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

static int
set_opt(const struct cmd *c, struct args *a, struct outopts *oo,
    const struct opt *which, int idx, const char *val)
{
	const struct opt *o = &which[idx];
	const char **l;
	int n;

	if (which == output_opts) {
		set_global(NULL, oo, o, val);
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

/* A long option word: "--name" or "--name=value". */
static int
parse_long(const struct cmd *c, int argc, char **argv, int *i,
    struct args *a, struct outopts *oo)
{
	const struct opt *which;
	char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *val = NULL;
	int idx;

	if (find_long(c->opts, name, len, &which, &idx) != 0)
		return usage_error(c, "unknown option '--%.*s'",
		    (int)(len > 64 ? 64 : len), name);
	if (which[idx].arg != NULL) {
		if (eq != NULL)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return usage_error(c, "option --%s needs a value",
			    which[idx].lng);
	} else if (eq != NULL) {
		return usage_error(c, "option --%s takes no value",
		    which[idx].lng);
	}
	return set_opt(c, a, oo, which, idx, val);
}

/* A word of short options: "-q", "-qm TEXT", "-mTEXT"; *help for "-h". */
static int
parse_shorts(const struct cmd *c, int argc, char **argv, int *i,
    struct args *a, struct outopts *oo, int *help)
{
	const struct opt *which;
	const char *s;
	int idx, rc;

	for (s = argv[*i] + 1; *s; s++) {
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
			else if (*i + 1 < argc)
				val = argv[++*i];
			else
				return usage_error(c, "option -%c needs a "
				    "value", *s);
			return set_opt(c, a, oo, which, idx, val);
		}
		if ((rc = set_opt(c, a, oo, which, idx, NULL)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Parses argv against a command's options (and the output options).
 * Options and operands may mix; "--" ends the options.
 */
int
parse_args(const struct cmd *c, int argc, char **argv, struct args *a,
    struct outopts *oo, int *help)
{
	int i, rc, only_operands = 0;

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
		if (s[1] == '-')
			rc = parse_long(c, argc, argv, &i, a, oo);
		else
			rc = parse_shorts(c, argc, argv, &i, a, oo, help);
		if (rc != 0 || *help)
			return rc;
	}
	return 0;
}

int
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

void
free_args(struct args *a)
{
	int i;

	for (i = 0; i < MAX_OPTS; i++)
		free(a->list[i]);
}

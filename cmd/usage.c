/*
 * Usage and help texts, written from the descriptors: the global usage
 * ("itsm -h", "itsm help"), a command's usage lines and its -h.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* One usage line being filled, wrapped before column 80. */
struct line {
	char buf[4096];
	size_t off, col, indent;
};

static void
line_add(struct line *l, const char *w)
{
	size_t n = strlen(w);

	if (l->col + 1 + n > 79) {
		l->off += (size_t)snprintf(l->buf + l->off,
		    sizeof(l->buf) - l->off, "\n%*s", (int)l->indent, "");
		l->col = l->indent;
	} else if (l->off + 1 < sizeof(l->buf)) {
		l->buf[l->off++] = ' ';
		l->col++;
	}
	l->off += (size_t)snprintf(l->buf + l->off, sizeof(l->buf) - l->off,
	    "%s", w);
	l->col += n;
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

/*
 * The usage item of *o ("[--at TIME]", "-m TEXT", "[--impact LEVEL
 * --urgency LEVEL]"); an option sharing its brackets moves *o on.
 */
static void
opt_item(char *w, size_t len, const struct opt **o)
{
	const struct opt *p = *o;
	char item[128], second[128];

	opt_usage(item, sizeof(item), p);
	if (p->flags & OPT_REQUIRED) {
		snprintf(w, len, "%s%s", item, (p->flags & OPT_MANY) ? "..." : "");
	} else if ((p->flags & (OPT_PAIR | OPT_EITHER)) && p[1].lng != NULL) {
		*o = ++p;
		opt_usage(second, sizeof(second), p);
		snprintf(w, len, "[%s%s %s]", item,
		    (p[-1].flags & OPT_EITHER) ? " |" : "", second);
	} else {
		snprintf(w, len, "[%s]%s", item, (p->flags & OPT_MANY) ? "..." :
		    "");
	}
}

void
print_global_usage(FILE *f, int all)
{
	static const char *const rest[] = { "command", "[options]",
	    "[arguments]" };
	struct line l = { .indent = strlen("usage: itsm ") };
	const struct opt *o;
	char w[320];
	size_t i;

	l.off = l.col = (size_t)snprintf(l.buf, sizeof(l.buf), "usage: itsm");
	for (o = global_opts; o->lng != NULL; o++) {
		if (o->flags & OPT_ALONE)
			continue;
		opt_item(w, sizeof(w), &o);
		line_add(&l, w);
	}
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		line_add(&l, rest[i]);
	fprintf(f, "%s\n", l.buf);
	if (all)
		fputs("       itsm help [command]\n"
		    "       itsm command -h\n"
		    "       itsm --version\n", f);
}

int
answer_alone(const struct opt *o)
{
	if (strcmp(o->lng, "version") == 0)
		printf("itsm %s\n", ITSM_VERSION);
	else
		print_global_usage(stdout, 1);
	return flushed();
}

/* The usage of one command or verb; first: prefixed with "usage:". */
static void
print_usage_line(FILE *f, const struct cmd *c, int first)
{
	struct line l = { .indent = strlen("usage: itsm ") + strlen(c->name) + 1 };
	const struct opt *o;
	char w[320];
	int i;

	if (c->usage != NULL) {
		for (i = 0; c->usage[i] != NULL; i++)
			fprintf(f, "%s itsm %s\n", first && i == 0 ? "usage:" :
			    "      ", c->usage[i]);
		return;
	}
	l.off = l.col = (size_t)snprintf(l.buf, sizeof(l.buf), "%s itsm %s%s%s",
	    first ? "usage:" : "      ", c->name, c->operands ? " " : "",
	    c->operands ? c->operands : "");
	for (o = c->opts; o != NULL && o->lng != NULL; o++) {
		/* A pair shares one bracket and is never split. */
		opt_item(w, sizeof(w), &o);
		line_add(&l, w);
	}
	fprintf(f, "%s\n", l.buf);
}

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

/* The output options c takes, on the last line of its -h. */
static void
print_output_footer(FILE *f, const struct cmd *c)
{
	const struct opt *o;
	int i;

	/* Its own options may shadow one. */
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

void
print_help(FILE *f, const struct cmd *c)
{
	const struct opt *o;
	char item[160];

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
	/* The options after the verb are the verb's (major). */
	if (c->subs != NULL && (c->flags & RAW_ARGS))
		fputs("; each verb takes the output options after it\n", f);
	else
		print_output_footer(f, c);
}

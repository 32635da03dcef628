/*
 * itsm __complete: the shell completions' single source.  Given the words
 * after "itsm" up to the one being completed, it prints the candidates,
 * taken from the command descriptors, the effective policy and the
 * tickets.  The bash, zsh and fish scripts in completions/ only call it.
 *
 * The protocol
 *
 *   itsm __complete -- WORD...
 *
 * WORDs are the words of the command line after "itsm", unquoted, up to
 * and including the word being completed, which is cut at the cursor and
 * may be empty.  "--opt=value" is one word (bash must undo its split at
 * '=').  Global options (--db, --config) given before the command, and
 * ITSM_DB / ITSM_CONFIG, choose the database and the policy, as they
 * would for the command itself.
 *
 * Output: one candidate per line, "word" or "word<TAB>description".
 *   - Candidates are already filtered by the current word: the shells
 *     must offer them as they are, not filter again.  Ticket refs also
 *     match case-insensitively and by number alone ("inc" and "4" both
 *     give INC-4; "4" gives "4").
 *   - A command's REF operand offers the tickets in a status where the
 *     workflow allows its action (close: resolved; reopen: resolved,
 *     closed, cancelled; hold --release: on hold); for show and for an
 *     option's REF value, the open tickets (new, in progress, on hold).
 *   - For a word "--opt=VAL" the candidates include the "--opt=" prefix;
 *     for a comma-separated list ("--fields ref,pr") they include the
 *     items before the last comma.
 *   - A candidate never contains a control character, is never empty and
 *     never starts with ':'; in a description, a control character, an
 *     invisible formatting one (bidirectional controls, line separators:
 *     those output escapes) or a byte that is not UTF-8 becomes a space.
 *   - Directive: the single line ":file" means "no candidates of our own:
 *     complete file names" (a FILE value: --db, --config, -o; a FILE
 *     operand: import, "config check").  When the word is "--opt=VAL",
 *     file names complete VAL and "--opt=" is kept.
 *   - No output means no candidates (and no file names either).
 * Options: a command's own, then the output options (but one its own
 * shadows: import --format), then -h and --help.  Short options are
 * offered too ("-m"), so "-" lists both forms; "--" lists the long ones.
 * A value option the parser refuses twice is not offered again.  After a
 * "--" word only operands complete.  A command with verbs ("major
 * declare") completes the verbs (before them only -h, --help), then the
 * verb's options and operands.
 * Nothing is written to stderr and the exit status is 0, whatever the
 * state of the policy or the database (the database is opened read-only:
 * a completion never creates, migrates or writes one).  The one failure
 * is main()'s: more than MAX_OPERANDS words is a usage error (64).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const struct opt help_opt[] = {
	{ "help", 'h', NULL, "print the usage", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

#define MAX_GIVEN 64

struct state {
	struct app *app;
	const char *cur;	/* the word being completed */
	const char *prefix;	/* printed before each candidate ("--x=") */
	size_t prefixlen;
	const char *category;	/* a --category given earlier */
	const char *db, *config;
	const struct cmd *cmd;	/* the command, once known */
	const struct opt *given[MAX_GIVEN];	/* options seen after it */
	int ngiven;
	int operands;		/* the command's operands seen */
	int end;		/* "--" seen: only operands now */
};

static void
cand(struct state *s, const char *word, const char *desc)
{
	const char *p;
	int n, unsafe;

	if (word == NULL || strncmp(word, s->cur, strlen(s->cur)) != 0)
		return;
	if (word[0] == '\0' || (s->prefixlen == 0 && word[0] == ':'))
		return;		/* ':' starts a directive */
	for (p = word; *p; p++)	/* never hand a shell a control character */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return;
	fwrite(s->prefix, 1, s->prefixlen, stdout);
	fputs(word, stdout);
	if (desc != NULL && *desc != '\0') {
		fputc('\t', stdout);
		/* What output escapes elsewhere (control, bidi, ...): a space. */
		for (p = desc; *p; p += n) {
			n = out_char_len(p, &unsafe);
			if (unsafe)
				fputc(' ', stdout);
			else
				fwrite(p, 1, (size_t)n, stdout);
		}
	}
	fputc('\n', stdout);
}

/* Loads the policy (once) the completed command line would use. */
static const itsm_policy *
policy(struct state *s)
{
	if (s->app->policy == NULL &&
	    itsm_policy_load(&s->app->policy, s->config) != 0)
		return NULL;
	return s->app->policy;
}

static int
was_given(const struct state *s, const char *name)
{
	int i;

	for (i = 0; i < s->ngiven; i++)
		if (strcmp(s->given[i]->lng, name) == 0)
			return 1;
	return 0;
}

/*
 * The workflow action of the command's REF operand ("hold --release" is
 * "release"), or -1 when it is none (show).
 */
static int
action(const struct state *s)
{
	const char *name = s->cmd->name;
	int a;

	if (strcmp(name, "hold") == 0 && was_given(s, "release"))
		name = "release";
	else if (strcmp(name, "close") == 0 && was_given(s, "rejected"))
		name = "reject";
	for (a = 0; a < ITSM_NACTIONS; a++)
		if (strcmp(itsm_action_name((enum itsm_action)a), name) == 0)
			return a;
	return -1;
}

/*
 * Refs of the tickets an operand may name: those in a status where the
 * workflow allows the command's action (reopen: resolved, closed or
 * cancelled ones), else (show, an option's value) the open ones.
 */
static void
refs(struct state *s, int operand)
{
	struct itsm_filter f = { .limit = 200 };
	const char *statuses[ITSM_NSTATUSES + 1];
	struct app *a = s->app;
	const itsm_ticket *t;
	itsm_iter *it = NULL;
	const char *cur = s->cur, *ref, *num;
	size_t len = strlen(cur);
	int act = operand ? action(s) : -1, st, n = 0;

	if (act >= 0) {
		for (st = 0; st < ITSM_NSTATUSES; st++)
			if (itsm_allowed((enum itsm_status)st,
			    (enum itsm_action)act))
				statuses[n++] = itsm_status_name(
				    (enum itsm_status)st);
		statuses[n] = NULL;
		if (n == 0)
			return;
		f.status = statuses;
	}
	if (policy(s) == NULL)
		return;
	/* Read-only: completing never creates or migrates a database. */
	if (itsm_store_open(&a->store, s->db, ITSM_STORE_READONLY) != 0 ||
	    itsm_ctx_new(&a->ctx, a->store, a->policy) != 0 ||
	    itsm_list(a->ctx, &f, &it) != 0)
		return;
	while (itsm_iter_next(it, &t) == 1) {
		const char *summary = itsm_ticket_str(t, ITSM_F_SUMMARY);

		if ((ref = itsm_ticket_str(t, ITSM_F_REF)) == NULL)
			continue;
		num = strchr(ref, '-') ? strchr(ref, '-') + 1 : ref;
		s->cur = "";
		/* "INC-4", "inc-4" and "4" complete. */
		if (strncasecmp(ref, cur, len) == 0)
			cand(s, ref, summary);
		else if (strncmp(num, cur, len) == 0)
			cand(s, num, summary);
		s->cur = cur;
	}
	itsm_iter_free(it);
}

/* Completes the last item of a comma-separated list. */
static void
last_item(struct state *s)
{
	const char *comma = strrchr(s->cur, ',');

	if (comma != NULL) {
		/* The prefix ("--fields=") and the items are contiguous. */
		if (s->prefixlen == 0)
			s->prefix = s->cur;
		s->prefixlen += (size_t)(comma + 1 - s->cur);
		s->cur = comma + 1;
	}
}

static void
words(struct state *s, const char *const *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cand(s, w[i], NULL);
}

/*
 * The candidates for a value of a kind that needs no policy; 0 when the
 * kind needs one.  operand: the command's own.
 */
static int
fixed_values(struct state *s, enum compl kind, int operand)
{
	static const char *const types[] = { "incident", "request", "change" };
	static const char *const formats[] = { "table", "tsv", "csv", "json",
	    "jsonl" };
	static const char *const hold[] = { ITSM_HOLD_REASONS };
	static const char *const esc[] = { ITSM_ESCALATION_REASONS };
	static const char *const import_formats[] = { "jsonl",
	    "servicenow-csv" };	/* cmd/import.c */
	static const char *const report_formats[] = { "markdown", "html" };
	const struct cmd *const *c;
	size_t i;

	switch (kind) {
	case C_REF:
		refs(s, operand);
		return 1;
	case C_FILE:
		/* The only directive: the shell completes file names. */
		fputs(":file\n", stdout);
		return 1;
	case C_TYPE:
		words(s, types, NITEMS(types));
		return 1;
	case C_STATUS:
		last_item(s);
		for (i = 0; i < ITSM_NSTATUSES; i++)
			cand(s, itsm_status_name((enum itsm_status)i), NULL);
		return 1;
	case C_FORMAT:
		words(s, formats, NITEMS(formats));
		return 1;
	case C_HOLD_REASON:
		words(s, hold, NITEMS(hold));
		return 1;
	case C_ESC_REASON:
		words(s, esc, NITEMS(esc));
		return 1;
	case C_IMPORT_FORMAT:
		words(s, import_formats, NITEMS(import_formats));
		return 1;
	case C_REPORT_FORMAT:	/* cmd/major.c */
		words(s, report_formats, NITEMS(report_formats));
		return 1;
	case C_FIELDS:
		last_item(s);
		for (i = 0; i < ITSM_NFIELDS; i++)
			cand(s, itsm_field_name((enum itsm_field)i), NULL);
		return 1;
	case C_COMMAND:
		for (c = commands; *c != NULL; c++)
			if (!((*c)->flags & HIDDEN))
				cand(s, (*c)->name, (*c)->summary);
		return 1;
	default:
		return 0;
	}
}

/* The candidates for a value the policy defines (levels, groups, ...). */
static void
policy_values(struct state *s, enum compl kind, const itsm_policy *p)
{
	size_t i, j, n;
	int axis;

	switch (kind) {
	case C_IMPACT:
	case C_URGENCY:
		axis = kind == C_IMPACT ? ITSM_IMPACT : ITSM_URGENCY;
		for (i = 0; i < itsm_policy_level_count(p, axis); i++)
			cand(s, itsm_policy_level_name(p, axis, i),
			    itsm_policy_level_description(p, axis, i));
		break;
	case C_PRIORITY:
		for (i = 0; i < itsm_policy_priority_count(p); i++)
			cand(s, itsm_policy_priority_name(p, i),
			    itsm_policy_priority_label(p, i));
		break;
	case C_CHANNEL:
		for (i = 0; i < itsm_policy_channel_count(p); i++)
			cand(s, itsm_policy_channel(p, i), NULL);
		break;
	case C_CATEGORY:
		for (i = 0; i < itsm_policy_category_count(p); i++)
			cand(s, itsm_policy_category(p, i), NULL);
		break;
	case C_SUBCATEGORY:
		for (i = 0; i < itsm_policy_category_count(p); i++) {
			if (s->category != NULL && strcasecmp(s->category,
			    itsm_policy_category(p, i)) != 0)
				continue;
			n = itsm_policy_subcategory_count(p, i);
			for (j = 0; j < n; j++)
				cand(s, itsm_policy_subcategory(p, i, j),
				    itsm_policy_category(p, i));
		}
		break;
	case C_GROUP:
		for (i = 0; i < itsm_policy_group_count(p); i++)
			cand(s, itsm_policy_group(p, i),
			    itsm_policy_group_tier(p, i));
		break;
	case C_CODE:
		for (i = 0; i < itsm_policy_resolution_code_count(p); i++)
			cand(s, itsm_policy_resolution_code(p, i), NULL);
		break;
	case C_ROLE:
		for (i = 0; i < itsm_policy_role_count(p); i++)
			cand(s, itsm_policy_role(p, i), NULL);
		break;
	case C_AUDIENCE:
		for (i = 0; i < itsm_policy_audience_count(p); i++)
			cand(s, itsm_policy_audience(p, i), NULL);
		break;
	default:
		break;
	}
}

/* The candidates for a value of this kind; operand: the command's own. */
static void
values(struct state *s, enum compl kind, int operand)
{
	const itsm_policy *p;

	if (fixed_values(s, kind, operand) == 0 && (p = policy(s)) != NULL)
		policy_values(s, kind, p);
}

/*
 * The option an option word names in the NULL-terminated sets, or NULL:
 * "--impact", "--impact=high", "-m", "-mTEXT", "-qm" (the last letter's
 * option).  *next is set when its value is the next word.
 */
static const struct opt *
lookup(const struct opt *const *sets, const char *word, int *next)
{
	const struct opt *const *set, *o, *found = NULL;
	const char *p;
	size_t len;

	*next = 0;
	if (word[0] != '-' || word[1] == '\0')
		return NULL;
	if (word[1] == '-') {
		len = strcspn(word + 2, "=");
		for (set = sets; *set != NULL; set++)
			for (o = *set; o->lng != NULL; o++)
				if (strlen(o->lng) == len &&
				    strncmp(o->lng, word + 2, len) == 0) {
					*next = o->arg != NULL &&
					    word[2 + len] != '=';
					return o;
				}
		return NULL;
	}
	for (p = word + 1; *p; p++) {
		found = NULL;
		for (set = sets; *set != NULL && found == NULL; set++)
			for (o = *set; o->lng != NULL; o++)
				if (o->shrt == *p) {
					found = o;
					break;
				}
		if (found == NULL)
			return NULL;
		if (found->arg != NULL) {
			*next = p[1] == '\0';
			return found;
		}
	}
	return found;
}

/* Whether o is a value option the parser refuses twice, given already. */
static int
refused_again(const struct state *s, const struct opt *o)
{
	int i;

	if (o->arg == NULL || (o->flags & OPT_REPEAT))
		return 0;
	for (i = 0; i < s->ngiven; i++)
		if (s->given[i] == o)
			return 1;
	return 0;
}

/* Whether the NULL-terminated opts have one of this name. */
static int
has_opt(const struct opt *o, const char *name)
{
	for (; o != NULL && o->lng != NULL; o++)
		if (strcmp(o->lng, name) == 0)
			return 1;
	return 0;
}

enum {
	L_NOT_GIVEN = 1 << 0,	/* but those refused twice, given already */
	L_NOT_CMD = 1 << 1	/* but those the command's own shadow */
};

static void
list_opts(struct state *s, const struct opt *o, int flags)
{
	char word[64];

	for (; o != NULL && o->lng != NULL; o++) {
		if ((flags & L_NOT_GIVEN) && refused_again(s, o))
			continue;
		if ((flags & L_NOT_CMD) && has_opt(s->cmd->opts, o->lng))
			continue;
		if (o->shrt) {
			snprintf(word, sizeof(word), "-%c", o->shrt);
			cand(s, word, o->help);
		}
		snprintf(word, sizeof(word), "--%s", o->lng);
		cand(s, word, o->help);
	}
}

/* Completes an option's value: the current word, or "--opt=VALUE". */
static void
complete_value(struct state *s, const struct opt *o)
{
	const char *eq;

	if (o == NULL || o->arg == NULL)
		return;
	if (s->cur[0] == '-' && (eq = strchr(s->cur, '=')) != NULL) {
		s->prefix = s->cur;
		s->prefixlen = (size_t)(eq + 1 - s->cur);
		s->cur = eq + 1;
	}
	values(s, o->compl, 0);
}

/* Notes what an option given earlier on the line means for completion. */
static void
note(struct state *s, const struct opt *o, const char *val, int global)
{
	if (val == NULL)
		return;
	if (global && strcmp(o->lng, "db") == 0)
		s->db = val;
	else if (global && strcmp(o->lng, "config") == 0)
		s->config = val;
	else if (o->compl == C_CATEGORY)
		s->category = val;
}

/* The value an option word carries itself ("--x=v", "-mv"), or NULL. */
static const char *
inline_value(const struct opt *o, const char *w)
{
	const char *p;

	if (o->arg == NULL)
		return NULL;
	if (w[1] == '-')
		return strchr(w, '=') ? strchr(w, '=') + 1 : NULL;
	p = strchr(w + 1, o->shrt);
	return p != NULL && p[1] != '\0' ? p + 1 : NULL;
}

/*
 * Walks the global options from word i; the command's index, or -1 when
 * the word being completed is among them (then completed).
 */
static int
walk_globals(struct state *s, const struct args *a, int i)
{
	const struct opt *const gsets[] = { global_opts, NULL };
	const struct opt *o;
	int n = a->noperands, next;

	for (; i < n - 1; i++) {
		const char *w = a->operand[i];

		if (w[0] != '-')
			break;
		if ((o = lookup(gsets, w, &next)) == NULL)
			continue;
		if (next && i + 1 == n - 1) {
			complete_value(s, o);
			return -1;
		}
		note(s, o, next ? a->operand[i + 1] : inline_value(o, w), 1);
		i += next;
	}
	if (i < n - 1)
		return i;
	if (s->cur[0] != '-') {
		values(s, C_COMMAND, 0);
	} else if ((o = lookup(gsets, s->cur, &next)) != NULL &&
	    s->cur[1] == '-' && strchr(s->cur, '=') != NULL) {
		complete_value(s, o);
	} else {
		list_opts(s, global_opts, 0);
	}
	return -1;
}

/*
 * Walks the words after s->cmd from word i up to the one being completed:
 * its verb (s->cmd becomes it), the options given, the operands, "--".
 * 0, or -1 when the word being completed is an option's value (then
 * completed) or follows an unknown verb.
 */
static int
walk_command(struct state *s, const struct args *a, int i)
{
	const struct opt *csets[] = { s->cmd->opts, output_opts, NULL };
	const struct opt *o;
	int n = a->noperands, next;

	for (; i < n - 1; i++) {
		const char *w = a->operand[i];

		if (s->end || w[0] != '-' || w[1] == '\0') {
			if (s->cmd->subs == NULL) {
				s->operands++;
				continue;
			}
			/* "major declare": the verb's options now. */
			if ((s->cmd = find_verb(s->cmd, w)) == NULL)
				return -1;
			csets[0] = s->cmd->opts;
			s->ngiven = 0;
			continue;
		}
		if (strcmp(w, "--") == 0) {
			s->end = 1;
			continue;
		}
		if ((o = lookup(csets, w, &next)) == NULL)
			continue;
		if (next && i + 1 == n - 1) {
			complete_value(s, o);
			return -1;
		}
		if (s->ngiven < MAX_GIVEN)
			s->given[s->ngiven++] = o;
		note(s, o, next ? a->operand[i + 1] : inline_value(o, w), 0);
		i += next;
	}
	return 0;
}

/* Completes the word after the command's: an option, a verb, an operand. */
static void
complete_after_command(struct state *s)
{
	const struct cmd *c = s->cmd;
	const struct opt *csets[] = { c->opts, output_opts, NULL };
	const struct cmd *const *v;
	const struct opt *o;
	int next;

	if (!s->end && s->cur[0] == '-' && c->subs != NULL &&
	    (c->flags & RAW_ARGS)) {
		/* Before the verb: only -h; the verb takes the options. */
		list_opts(s, c->opts, 0);
		list_opts(s, help_opt, 0);
	} else if (!s->end && s->cur[0] == '-') {
		if ((o = lookup(csets, s->cur, &next)) != NULL &&
		    s->cur[1] == '-' && strchr(s->cur, '=') != NULL) {
			complete_value(s, o);
			return;
		}
		list_opts(s, c->opts, L_NOT_GIVEN);
		/* The parser looks the command's options up first. */
		list_opts(s, output_opts, L_NOT_CMD);
		list_opts(s, help_opt, 0);
	} else if (c->subs != NULL) {
		for (v = c->subs; *v != NULL; v++)
			cand(s, verb_word(*v), (*v)->summary);
	} else if (c->max_operands < 0 || s->operands < c->max_operands) {
		values(s, c->operand_compl, 1);
	}
}

static int
run(struct app *app, const struct args *a)
{
	struct state s = { .app = app, .prefix = "" };
	int i, n = a->noperands;

	/* The shells pass "--" first. */
	i = (n > 0 && strcmp(a->operand[0], "--") == 0) ? 1 : 0;
	if (i >= n)
		return 0;
	s.cur = a->operand[n - 1];
	if ((i = walk_globals(&s, a, i)) < 0)
		return 0;
	s.cmd = find_command(a->operand[i]);
	if (s.cmd == NULL || (s.cmd->flags & HIDDEN))
		return 0;
	if (walk_command(&s, a, i + 1) == 0)
		complete_after_command(&s);
	return 0;
}

const struct cmd cmd_complete = {
	.name = "__complete",
	.summary = "print completion candidates for the shells",
	.operands = "WORD...",
	.opts = opts,
	.max_operands = -1,
	.flags = HIDDEN | RAW_ARGS,
	.run = run,
};

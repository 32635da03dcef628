/*
 * itsm __complete: the shell completions' single source.  Given the words
 * after "itsm" up to the one being completed, it prints the candidates,
 * one per line as "word<TAB>description", taken from the command
 * descriptors, the effective policy and the open tickets.  The bash, zsh
 * and fish scripts in completions/ only call it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const struct opt global_opts[] = {
	{ "db", 0, "FILE", "the database file", C_FILE, 0 },
	{ "config", 0, "FILE", "the policy file", C_FILE, 0 },
	{ "format", 0, "FMT", "output format", C_FORMAT, 0 },
	{ "json", 0, NULL, "JSON output", C_NONE, 0 },
	{ "quiet", 'q', NULL, "only refs", C_NONE, 0 },
	{ "no-color", 0, NULL, "no colour", C_NONE, 0 },
	{ "version", 0, NULL, "print the version", C_NONE, 0 },
	{ "help", 'h', NULL, "print the usage", C_NONE, 0 },
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

struct state {
	struct app *app;
	const char *cur;	/* the word being completed */
	const char *prefix;	/* printed before each candidate ("--x=") */
	const char *category;	/* a --category given earlier */
	const char *db, *config;
};

static void
cand(struct state *s, const char *word, const char *desc)
{
	const char *p;

	if (word == NULL || strncmp(word, s->cur, strlen(s->cur)) != 0)
		return;
	for (p = word; *p; p++)	/* never hand a shell a control character */
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return;
	fputs(s->prefix, stdout);
	fputs(word, stdout);
	if (desc != NULL && *desc != '\0') {
		fputc('\t', stdout);
		for (p = desc; *p; p++)
			fputc((unsigned char)*p < 0x20 ? ' ' : *p, stdout);
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

static void
refs(struct state *s)
{
	struct itsm_filter f = { .limit = 200 };
	struct app *a = s->app;
	const itsm_ticket *t;
	itsm_iter *it = NULL;
	const char *cur = s->cur;

	if (policy(s) == NULL)
		return;
	if (itsm_store_open(&a->store, s->db, 0) != 0 ||
	    itsm_ctx_new(&a->ctx, a->store, a->policy) != 0 ||
	    itsm_list(a->ctx, &f, &it) != 0)
		return;
	while (itsm_iter_next(it, &t) == 1) {
		const char *ref = itsm_ticket_str(t, ITSM_F_REF);

		/* "inc-4" and "4" complete too. */
		if (strncasecmp(ref, cur, strlen(cur)) == 0 &&
		    strncmp(ref, cur, strlen(cur)) != 0) {
			s->cur = "";
			cand(s, ref, itsm_ticket_str(t, ITSM_F_SUMMARY));
			s->cur = cur;
		} else if (strncmp(ref, cur, strlen(cur)) == 0) {
			cand(s, ref, itsm_ticket_str(t, ITSM_F_SUMMARY));
		} else if (strncmp(strchr(ref, '-') + 1, cur, strlen(cur)) == 0) {
			s->cur = "";
			cand(s, strchr(ref, '-') + 1,
			    itsm_ticket_str(t, ITSM_F_SUMMARY));
			s->cur = cur;
		}
	}
	itsm_iter_free(it);
}

static void
values(struct state *s, enum compl kind)
{
	static const char *const types[] = { "incident", "request", "change" };
	static const char *const statuses[] = { "new", "in_progress",
	    "on_hold", "resolved", "closed", "redirected", "cancelled" };
	static const char *const formats[] = { "table", "tsv", "csv", "json",
	    "jsonl" };
	const struct cmd *const *c;
	const itsm_policy *p;
	size_t i, j, n;
	int axis;

	switch (kind) {
	case C_REF:
		refs(s);
		return;
	case C_TYPE:
		for (i = 0; i < 3; i++)
			cand(s, types[i], NULL);
		return;
	case C_STATUS:
		for (i = 0; i < 7; i++)
			cand(s, statuses[i], NULL);
		return;
	case C_FORMAT:
		for (i = 0; i < 5; i++)
			cand(s, formats[i], NULL);
		return;
	case C_FIELDS: {
		/* Complete the last of a comma-separated list. */
		const char *comma = strrchr(s->cur, ',');
		char pre[512];

		if (comma != NULL) {
			snprintf(pre, sizeof(pre), "%s%.*s", s->prefix,
			    (int)(comma + 1 - s->cur), s->cur);
			s->prefix = pre;
			s->cur = comma + 1;
		}
		for (i = 0; i < ITSM_NFIELDS; i++)
			cand(s, itsm_field_name((enum itsm_field)i), NULL);
		return;
	}
	case C_COMMAND:
		for (c = commands; *c != NULL; c++)
			if (!((*c)->flags & HIDDEN))
				cand(s, (*c)->name, (*c)->summary);
		return;
	default:
		break;
	}
	if ((p = policy(s)) == NULL)
		return;
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
	default:
		break;
	}
}

/* The option named by word ("--impact", "-m") in opts, or NULL. */
static const struct opt *
lookup(const struct opt *opts_, const char *word)
{
	const struct opt *o;
	size_t len;

	if (word[0] != '-')
		return NULL;
	for (o = opts_; o != NULL && o->lng != NULL; o++) {
		if (word[1] == '-') {
			len = strcspn(word + 2, "=");
			if (strlen(o->lng) == len &&
			    strncmp(o->lng, word + 2, len) == 0)
				return o;
		} else if (o->shrt && word[1] == o->shrt && word[2] == '\0') {
			return o;
		}
	}
	return NULL;
}

static const struct opt *
lookup_cmd(const struct cmd *c, const char *word)
{
	const struct opt *o = lookup(c->opts, word);

	return o != NULL ? o : lookup(output_opts, word);
}

static void
list_opts(struct state *s, const struct opt *o)
{
	char word[64];

	for (; o != NULL && o->lng != NULL; o++) {
		snprintf(word, sizeof(word), "--%s", o->lng);
		cand(s, word, o->help);
	}
}

/* Completes "--opt=VALUE" words and option values. */
static int
complete_value(struct state *s, const struct opt *o)
{
	char pre[128];
	const char *eq;

	if (o == NULL || o->arg == NULL)
		return 0;
	if ((eq = strchr(s->cur, '=')) != NULL && s->cur[0] == '-') {
		snprintf(pre, sizeof(pre), "%.*s", (int)(eq + 1 - s->cur),
		    s->cur);
		s->prefix = pre;
		s->cur = eq + 1;
		values(s, o->compl);
		return 1;
	}
	values(s, o->compl);
	return 1;
}

static int
run(struct app *app, const struct args *a)
{
	struct state s = { .app = app, .prefix = "" };
	const struct cmd *c = NULL;
	const struct opt *o;
	int i, n = a->noperands, operands = 0;

	/* The shells pass "--" first. */
	i = (n > 0 && strcmp(a->operand[0], "--") == 0) ? 1 : 0;
	if (i >= n)
		return 0;
	s.cur = a->operand[n - 1];
	/* Global options, then the command. */
	for (; i < n - 1; i++) {
		const char *w = a->operand[i];

		if (w[0] != '-')
			break;
		o = lookup(global_opts, w);
		if (o != NULL && o->arg != NULL && strchr(w, '=') == NULL) {
			if (i + 1 == n - 1)
				return complete_value(&s, o), 0;
			if (strcmp(o->lng, "db") == 0)
				s.db = a->operand[i + 1];
			else if (strcmp(o->lng, "config") == 0)
				s.config = a->operand[i + 1];
			i++;
		} else if (o != NULL && o->arg != NULL) {
			if (strcmp(o->lng, "db") == 0)
				s.db = strchr(w, '=') + 1;
			else if (strcmp(o->lng, "config") == 0)
				s.config = strchr(w, '=') + 1;
		}
	}
	if (i == n - 1) {
		if (s.cur[0] == '-') {
			if ((o = lookup(global_opts, s.cur)) != NULL &&
			    strchr(s.cur, '=') != NULL)
				return complete_value(&s, o), 0;
			list_opts(&s, global_opts);
		} else {
			values(&s, C_COMMAND);
		}
		return 0;
	}
	if ((c = find_command(a->operand[i])) == NULL || (c->flags & HIDDEN))
		return 0;
	for (i++; i < n - 1; i++) {
		const char *w = a->operand[i];

		if ((o = lookup_cmd(c, w)) != NULL && o->arg != NULL) {
			const char *v = strchr(w, '=') ? strchr(w, '=') + 1 :
			    (i + 1 < n - 1 ? a->operand[i + 1] : NULL);

			if (o->compl == C_CATEGORY && v != NULL)
				s.category = v;
			if (strchr(w, '=') == NULL) {
				if (i + 1 == n - 1)
					return complete_value(&s, o), 0;
				i++;
			}
		} else if (w[0] != '-' || w[1] == '\0') {
			operands++;
		}
	}
	if (s.cur[0] == '-' && s.cur[1] != '\0') {
		if ((o = lookup_cmd(c, s.cur)) != NULL && strchr(s.cur, '='))
			return complete_value(&s, o), 0;
		list_opts(&s, c->opts);
		list_opts(&s, output_opts);
		cand(&s, "--help", "print the usage");
		return 0;
	}
	if (c == &cmd_config) {
		if (operands == 0) {
			cand(&s, "show", "print the effective policy");
			cand(&s, "check", "validate a policy file");
		}
		return 0;
	}
	if (c->max_operands < 0 || operands < c->max_operands)
		values(&s, c->operand_compl);
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

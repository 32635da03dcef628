/*
 * itsm config: show the effective policy, or check a policy file.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/*
 * The hooks of dir that would run and why the others would not, after
 * "# LABEL in 'DIR':" (itsm-hooks(5), Security).
 */
static void
list_hooks(struct app *app, const char *label, const char *dir)
{
	size_t i, shown = 0;
	int rc;

	fprintf(app->out, "# %s in '", label);
	out_escaped(app->out, dir, FMT_TABLE);
	fputs("':", app->out);
	for (i = 0; itsm_hook_names[i] != NULL; i++) {
		if ((rc = itsm_hook_check(dir, itsm_hook_names[i])) == 0)
			continue;
		fprintf(app->out, "\n#   %s: ", itsm_hook_names[i]);
		if (rc == 1) {
			fputs("runs", app->out);
		} else if (rc > 0) {
			fputs("not run: not an executable file", app->out);
		} else {
			fputs("not run: ", app->out);
			out_escaped(app->out, itsm_errmsg(), FMT_TABLE);
		}
		shown++;
	}
	fputs(shown == 0 ? " none\n" : "\n", app->out);
}

/*
 * After the policy, as YAML comments: the team's hooks when their
 * directory is there, then the user's.
 */
static void
show_hooks(struct app *app)
{
	char *dir = NULL;
	struct stat st;

	if (itsm_hooks_system_dir(&dir) == 0 && stat(dir, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		list_hooks(app, "team's hooks", dir);
	free(dir);
	dir = NULL;
	if (app->no_hooks) {
		fputs("# hooks: none of yours run (--no-hooks)\n", app->out);
		return;
	}
	if (itsm_hooks_dir(&dir) != 0) {
		fputs("# hooks: none: ", app->out);
		out_escaped(app->out, itsm_errmsg(), FMT_TABLE);
		fputc('\n', app->out);
		return;
	}
	list_hooks(app, "hooks", dir);
	free(dir);
}

static int
config_show(struct app *app, const struct args *a)
{
	char *yaml = NULL;
	int rc;

	(void)a;
	if ((rc = itsm_policy_to_yaml(app->policy, &yaml, NULL)) != 0)
		return fail(rc);
	fputs("# policy: ", app->out);
	out_escaped(app->out, itsm_policy_source(app->policy), FMT_TABLE);
	fputc('\n', app->out);
	fputs(yaml, app->out);
	free(yaml);
	show_hooks(app);
	return 0;
}

static int
config_check(struct app *app, const struct args *a)
{
	itsm_policy *p = NULL;
	size_t i;
	int rc;

	if (a->noperands == 1)
		rc = itsm_policy_load_file(&p, a->operand[0]);
	else
		rc = itsm_policy_load(&p, app->config_path);
	if (rc != 0)
		return fail(rc);
	for (i = 0; i < itsm_policy_warning_count(p); i++)
		warnx_("warning: %s", itsm_policy_warning(p, i));
	if (!app->quiet) {
		out_escaped(app->out, itsm_policy_source(p), FMT_TABLE);
		fputs(": ok\n", app->out);
	}
	itsm_policy_free(p);
	return 0;
}

/* The verbs, and the command that dispatches to them. */

static const struct cmd v_show = {
	.name = "config show", .summary = "print the effective policy",
	.opts = opts, .max_operands = 0, .flags = NEEDS_POLICY,
	.run = config_show,
};

static const struct cmd v_check = {
	.name = "config check", .operands = "[FILE]",
	.summary = "validate a policy file", .opts = opts,
	.operand_compl = C_FILE, .max_operands = 1, .run = config_check,
};

static const struct cmd *const verbs[] = { &v_show, &v_check, NULL };

/*
 * The verb is the first operand; config parses its options itself, so
 * that they may come before the verb as after it ("config -q check").
 */
static int
run(struct app *app, const struct args *a)
{
	const struct cmd *v;

	if ((v = find_verb(&cmd_config, a->operand[0])) != NULL)
		return run_parsed_verb(app, v, a);
	return usage_error(app->cmd, "unknown config command '%.*s' "
	    "(expected show or check)",
	    itsm_cut(a->operand[0], 64), a->operand[0]);
}

const struct cmd cmd_config = {
	.name = "config",
	.summary = "show the effective policy, or check a policy file",
	.operands = "show|check",
	.opts = opts,
	.operand_compl = C_WORD,
	.min_operands = 1,
	.max_operands = 2,
	.run = run,
	.subs = verbs,
};

/*
 * itsm config: show the effective policy, or check a policy file.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

static const char *const usage[] = {
	"config show",
	"config check [FILE]",
	NULL
};

/*
 * After the policy, as YAML comments: which hooks would run and why the
 * others would not (itsm-hooks(5), Security).
 */
static void
show_hooks(struct app *app)
{
	char *dir = NULL;
	size_t i, shown = 0;
	int rc;

	if (app->no_hooks) {
		fputs("# hooks: none run (--no-hooks)\n", app->out);
		return;
	}
	if (itsm_hooks_dir(&dir) != 0) {
		fputs("# hooks: none: ", app->out);
		out_escaped(app->out, itsm_errmsg(), FMT_TABLE);
		fputc('\n', app->out);
		return;
	}
	fputs("# hooks in '", app->out);
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
	free(dir);
}

static int
config_show(struct app *app, const struct args *a)
{
	char *yaml = NULL;
	int rc;

	if (a->noperands > 1)
		return usage_error(app->cmd, "unexpected argument '%.*s'",
		    itsm_cut(a->operand[1], 64), a->operand[1]);
	if ((rc = app_open(app, NEEDS_POLICY)) != 0)
		return rc;
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

	if (a->noperands > 2)
		return usage_error(app->cmd, "unexpected argument '%.*s'",
		    itsm_cut(a->operand[2], 64), a->operand[2]);
	if (a->noperands == 2)
		rc = itsm_policy_load_file(&p, a->operand[1]);
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

static const struct {
	const char *name;
	int (*run)(struct app *, const struct args *);
} verbs[] = {
	{ "show", config_show },
	{ "check", config_check },
};

static int
run(struct app *app, const struct args *a)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, a->operand[0]) == 0)
			return verbs[i].run(app, a);
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
	.usage = usage,
};

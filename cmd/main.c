/*
 * itsm: the command table and the dispatch of a command line to a command
 * or a verb (args.c parses, app.c opens and closes, errors.c maps errors).
 */
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

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
	&cmd_mail,
	&cmd_attachment,
	&cmd_notify,
	&cmd_outbox,
	&cmd_config,
	&cmd_db,
	&cmd_help,
	&cmd_complete,
	NULL
};

const struct cmd *
find_command(const char *name)
{
	const struct cmd *const *c;

	for (c = commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* A verb's word: "declare" for "major declare". */
const char *
verb_word(const struct cmd *v)
{
	const char *sp = strrchr(v->name, ' ');

	return sp != NULL ? sp + 1 : v->name;
}

const struct cmd *
find_verb(const struct cmd *c, const char *word)
{
	const struct cmd *const *v;

	for (v = c->subs; *v != NULL; v++)
		if (strcmp(verb_word(*v), word) == 0)
			return *v;
	return NULL;
}

/*
 * Runs c; runs it again, up to RUNS times in all, while it fails for a
 * transient conflict (a deadlock with another session, a serialization
 * failure: the database undid it whole) having committed nothing, on a
 * new connection.  The user sees no such failure unless the last run
 * meets one too.
 */
#define RUNS 5
static int
run_again(struct app *app, const struct cmd *c, const struct args *a)
{
	struct timespec nap;
	int rc, n;

	for (n = 1;; n++) {
		retry_arm(n < RUNS);
		rc = c->run(app, a);
		if (!retry_asked())
			break;
		if (itsm_store_committed(app->store)) {
			retry_give_up();
			break;
		}
		app_close_store(app);
		nap.tv_sec = 0;
		nap.tv_nsec = 20000000L * n;	/* 20 ms, 40 ms, ... */
		nanosleep(&nap, NULL);
		if ((rc = app_open(app, c->flags)) != 0)
			break;
	}
	retry_arm(0);
	return rc;
}

/*
 * Parses a command's or a verb's arguments, sets the output up, opens
 * what it needs and runs it; *ran tells whether it ran (not -h, no
 * usage error).
 */
static int
parse_and_run(struct app *app, const struct cmd *c, int argc, char **argv,
    int *ran)
{
	struct args a = { 0 };
	struct outopts oo = { 0 };
	int help = 0, rc;

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
	rc = run_again(app, c, &a);
	*ran = 1;
done:
	free_args(&a);
	return rc;
}

int
run_verb(struct app *app, const struct cmd *verb, int argc, char **argv)
{
	int ran = 0;

	return parse_and_run(app, verb, argc, argv, &ran);
}

int
run_parsed_verb(struct app *app, const struct cmd *verb, const struct args *a)
{
	struct args va = *a;
	int rc;

	/* The operands after the verb's word are the verb's. */
	memmove(va.operand, va.operand + 1,
	    (size_t)(va.noperands - 1) * sizeof(va.operand[0]));
	va.noperands--;
	if (verb->max_operands >= 0 && va.noperands > verb->max_operands)
		return usage_error(app->cmd, "unexpected argument '%.*s'",
		    itsm_cut(va.operand[verb->max_operands], 64),
		    va.operand[verb->max_operands]);
	if ((rc = app_open(app, verb->flags)) != 0)
		return rc;
	return verb->run(app, &va);
}

int
main(int argc, char **argv)
{
	struct app app = { 0 };
	struct outopts oo = { 0 };
	const struct opt *alone;
	const struct cmd *c;
	int i, rc, ran = 0;

	/*
	 * A closed pipe is a write error like any other, not a signal that
	 * would kill a command after its change was committed: the exit
	 * status tells what happened (EX_KEPT_).
	 */
	signal(SIGPIPE, SIG_IGN);
	app_init(&app);
	if ((rc = parse_globals(&app, &oo, argc, argv, &i, &alone)) != 0)
		return rc;
	if (alone != NULL)
		return answer_alone(alone);
	if (i == argc)
		return usage_error(NULL, "no command given");
	if ((c = find_command(argv[i])) == NULL)
		return usage_error(NULL, "unknown command '%.*s'",
		    itsm_cut(argv[i], 64), argv[i]);
	if ((rc = apply_output(&app, c, &oo)) != 0)
		return rc;
	rc = parse_and_run(&app, c, argc - i - 1, argv + i + 1, &ran);
	if (ran)
		app_finish(&app);
	return app_close(&app, rc);
}

/*
 * itsm help: the list of commands, or a command's manual page.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

static const struct opt opts[] = {
	{ NULL, 0, NULL, NULL, C_NONE, 0 }
};

/*
 * The page's file in a source tree next to the binary (build/itsm and
 * man/), so that help works before "make install"; else NULL.
 */
static int
local_page(const char *page, char *buf, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../man/%s.1", exe, page) >= len)
		return -1;
	return access(buf, R_OK);
}

/* Runs man(1) on the page; 0 when it showed it. */
static int
run_man(const char *page)
{
	char path[PATH_MAX + 32];
	int status, local = local_page(page, path, sizeof(path)) == 0;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);	/* main() ignores it */
		if (local)
			execlp("man", "man", "-l", path, (char *)NULL);
		else
			execlp("man", "man", page, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
run(struct app *app, const struct args *a)
{
	const struct cmd *const *c;
	const struct cmd *cmd;
	char page[64];

	if (a->noperands == 0) {
		print_global_usage(app->out, 0);
		fputs("\ncommands:\n", app->out);
		for (c = commands; *c != NULL; c++)
			if (!((*c)->flags & HIDDEN))
				fprintf(app->out, "  %-12s %s\n", (*c)->name,
				    (*c)->summary);
		fputs("\n'itsm help COMMAND' shows a command's manual; "
		    "'itsm COMMAND -h' its usage\n", app->out);
		return 0;
	}
	if ((cmd = find_command(a->operand[0])) == NULL ||
	    (cmd->flags & HIDDEN))
		return usage_error(app->cmd, "unknown command '%.*s'",
		    itsm_cut(a->operand[0], 64), a->operand[0]);
	snprintf(page, sizeof(page), "itsm-%s", cmd->name);
	if (run_man(page) != 0) {
		/* No man(1) or no page installed: the usage will do. */
		print_usage(app->out, cmd);
		fprintf(app->out, "\n%s\n", cmd->summary);
	}
	return 0;
}

const struct cmd cmd_help = {
	.name = "help",
	.summary = "list the commands, or show a command's manual",
	.operands = "[COMMAND]",
	.opts = opts,
	.operand_compl = C_COMMAND,
	.max_operands = 1,
	.run = run,
};

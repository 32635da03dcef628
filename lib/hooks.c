/*
 * Hooks: the queue an operation fills inside its transaction, and the
 * running of each hook once the transaction has committed, with its input
 * on a pipe, its output on standard error and a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


#include "itsm/error.h"
#include "itsm/hooks.h"
#include "json_int.h"
#include "store_int.h"
#include "ticket_int.h"
#include "trust_int.h"

const char *const itsm_hook_names[] = {
	"post-open", "post-categorize", "post-prioritize", "post-note",
	"post-assign", "post-escalate", "post-hold", "post-resolve",
	"post-close", "post-reopen", "post-cancel", "post-major-propose",
	"post-major-declare", "post-major-reject", "post-major-roster",
	"post-major-update", "post-major-comms", "post-major-link",
	"post-major-end", "post-major-review", "post-major-action", NULL
};

void
itsm_ctx_set_hooks(itsm_ctx *c, int on)
{
	c->hooks = on;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
hook_queue(itsm_ctx *c, const char *name, int64_t ticket, int64_t since,
    const char *reason, const char *message, const char *managers)
{
	struct hook_item *n, *it;

	if (!c->hooks)
		return 0;
	n = realloc(c->pending, (c->npending + 1) * sizeof(*n));
	if (n == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	c->pending = n;
	it = &n[c->npending];
	*it = (struct hook_item){ .ticket = ticket, .since = since };
	it->name = strdup(name);
	it->reason = dup_or_null(reason);
	it->message = dup_or_null(message);
	it->managers = dup_or_null(managers);
	c->npending++;
	if (it->name == NULL || (reason && !it->reason) ||
	    (message && !it->message) || (managers && !it->managers))
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

void
hook_clear(itsm_ctx *c)
{
	size_t i;

	free(c->outbox);	/* what is queued goes with the hooks */
	c->outbox = NULL;
	c->noutbox = 0;

	for (i = 0; i < c->npending; i++) {
		free(c->pending[i].name);
		free(c->pending[i].reason);
		free(c->pending[i].message);
		free(c->pending[i].managers);
	}
	free(c->pending);
	c->pending = NULL;
	c->npending = 0;
}

int
itsm_hooks_dir(char **out)
{
	const char *env = getenv("ITSM_HOOKS_DIR"), *xdg, *home;
	char buf[4096];

	*out = NULL;
	if (env != NULL && *env != '\0')
		snprintf(buf, sizeof(buf), "%s", env);
	else if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg == '/')
		snprintf(buf, sizeof(buf), "%s/itsm/hooks", xdg);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		snprintf(buf, sizeof(buf), "%s/.config/itsm/hooks", home);
	else
		return itsm_error(ITSM_E_IO, "no hooks directory: HOME is not "
		    "set");
	if ((*out = strdup(buf)) == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

int
itsm_hook_check(const char *dir, const char *name)
{
	char path[4200], why[PATH_MAX + 200];
	struct stat sf;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return 0;
	if (stat(path, &sf) != 0)
		return 0;	/* no such hook: nothing to do */
	if (!S_ISREG(sf.st_mode) || access(path, X_OK) != 0)
		return 2;	/* disabled */
	if (trust_path(path, why, sizeof(why)) != 0)
		return itsm_error(ITSM_E_PERM, "%s", why);
	return 1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Kills the hook's process group and reaps it. */
static void
kill_hook(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int
tk_run(char *const *argv, char *const *env, const char *input,
    int64_t timeout_s, const char **why)
{
	size_t len = strlen(input), off = 0;
	int64_t deadline = now_ms() + timeout_s * 1000;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fd[2], status, rc;
	pid_t pid;

	if (pipe(fd) != 0) {
		*why = strerror(errno);
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		*why = strerror(errno);
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fd[0], STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);	/* stdout is itsm's data */
		close(fd[0]);
		close(fd[1]);
		for (; env != NULL && *env != NULL; env++)
			putenv(*env);
		execv(argv[0], argv);
		_exit(126);
	}
	setpgid(pid, pid);
	close(fd[0]);
	fcntl(fd[1], F_SETFL, O_NONBLOCK);
	sigaction(SIGPIPE, &ign, &old);
	while (off < len) {
		struct pollfd p = { .fd = fd[1], .events = POLLOUT };
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			break;		/* it does not read: the wait decides */
		n = write(fd[1], input + off, len - off);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;		/* it closed its input: fine */
		if (n > 0)
			off += (size_t)n;
	}
	close(fd[1]);
	sigaction(SIGPIPE, &old, NULL);
	for (;;) {
		rc = waitpid(pid, &status, WNOHANG);
		if (rc == pid)
			break;
		if (rc < 0 && errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (now_ms() >= deadline) {
			kill_hook(pid);
			*why = "timed out";
			return -1;
		}
		{
			struct timespec ts = { 0, 10 * 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	kill(-pid, SIGKILL);	/* what it left running behind it */
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	*why = "killed by a signal";
	return -1;
}

/* Runs one hook, ITSM_EVENT and ITSM_REF set: see tk_run(). */
static int
run_hook(const char *path, const char *event, const char *ref,
    const char *input, int64_t timeout_s, const char **why)
{
	char ev[128], rf[128 + ITSM_REFBUF];
	char *argv[2] = { (char *)path, NULL };
	char *env[3] = { ev, rf, NULL };

	snprintf(ev, sizeof(ev), "ITSM_EVENT=%s", event);
	snprintf(rf, sizeof(rf), "ITSM_REF=%s", ref);
	return tk_run(argv, env, input, timeout_s, why);
}

int
tk_hook_payload(itsm_ctx *c, const itsm_ticket *t, const char *name,
    int64_t since, const char *reason, const char *message,
    const char *managers, char **out)
{
	struct json_buf b = { 0 };
	int rc;

	*out = NULL;
	json_raw(&b, "{\"event\":{\"name\":");
	json_str(&b, name);
	json_raw(&b, ",\"ref\":");
	json_str(&b, itsm_ticket_str(t, ITSM_F_REF));
	json_raw(&b, ",\"reason\":");
	json_str(&b, reason);
	json_raw(&b, ",\"message\":");
	json_str(&b, message);
	json_raw(&b, ",\"managers\":");
	json_raw(&b, managers != NULL ? managers : "null");	/* compact JSON */
	json_raw(&b, ",\"changes\":");
	if ((rc = tk_events_json_write(c, itsm_ticket_int(t, ITSM_F_ID), since,
	    0, &b)) != 0) {
		free(b.s);
		return rc;
	}
	json_raw(&b, "},\"ticket\":");
	tk_ticket_json_write(&b, t, NULL);
	json_raw(&b, "}");
	if ((*out = json_finish(&b)) == NULL)
		return ITSM_E_NOMEM;
	return 0;
}

int
itsm_hooks_run(itsm_ctx *c, void (*report)(void *, const char *), void *arg)
{
	char *dir = NULL, path[4200], msg[4400], ref[ITSM_REFBUF];
	const char *why;
	char *payload;
	signed char *state = NULL;	/* per item: 1 runs, 0 none, 2 off, -1 refused */
	int failures = 0, status, rc;
	itsm_ticket *t;
	size_t i, j;

	if (c->npending == 0)
		return 0;
	if (itsm_hooks_dir(&dir) != 0)
		goto done;
	if ((state = calloc(c->npending, 1)) == NULL)
		goto done;
	for (i = 0; i < c->npending; i++) {
		struct hook_item *h = &c->pending[i];

		for (j = 0; j < i; j++)	/* checked once per run */
			if (strcmp(c->pending[j].name, h->name) == 0)
				break;
		if (j < i) {
			state[i] = state[j];
		} else if ((status = itsm_hook_check(dir, h->name)) < 0) {
			state[i] = -1;
			snprintf(msg, sizeof(msg), "hook '%s' not run: %s",
			    h->name, itsm_errmsg());
			report(arg, msg);
			failures++;
		} else {
			state[i] = (signed char)status;
		}
		if (state[i] != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, h->name);
		if (itsm_ticket_get(c, h->ticket, &t) != 0)
			continue;
		snprintf(ref, sizeof(ref), "%s", itsm_ticket_str(t, ITSM_F_REF));
		rc = tk_hook_payload(c, t, h->name, h->since, h->reason,
		    h->message, h->managers, &payload);
		itsm_ticket_free(t);
		if (rc != 0) {
			snprintf(msg, sizeof(msg), "hook '%s' not run: %s",
			    h->name, itsm_errmsg());
			report(arg, msg);
			failures++;
			continue;
		}
		why = NULL;
		status = run_hook(path, h->name, ref, payload,
		    itsm_policy_hook_timeout(c->policy), &why);
		free(payload);
		if (status != 0) {
			if (why != NULL)
				snprintf(msg, sizeof(msg), "hook '%s' failed for "
				    "%s: %s", h->name, ref, why);
			else
				snprintf(msg, sizeof(msg), "hook '%s' failed for "
				    "%s: exit status %d", h->name, ref, status);
			report(arg, msg);
			failures++;
		}
	}
done:
	free(state);
	free(dir);
	hook_clear(c);
	return failures;
}

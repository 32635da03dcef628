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
#include "store_outbox.h"
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

/* dir/name, made absolute from the current directory, into path. */
static int
hook_path(const char *dir, const char *name, char *path, size_t len)
{
	char cwd[PATH_MAX];
	size_t n;

	if (dir[0] == '/')
		n = (size_t)snprintf(path, len, "%s/%s", dir, name);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		n = (size_t)snprintf(path, len, "%s/%s/%s", cwd, dir, name);
	else
		return -1;
	return n < len ? 0 : -1;
}

static int
hookq_add(itsm_ctx *c, int64_t id)
{
	int64_t *n = realloc(c->hookq, (c->nhookq + 1) * sizeof(*n));

	if (n == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	c->hookq = n;
	c->hookq[c->nhookq++] = id;
	return 0;
}

int
hook_queue(itsm_ctx *c, const char *name, int64_t ticket, int64_t since,
    const char *reason, const char *message, const char *managers)
{
	char *dirs[2] = { NULL, NULL }, *payload = NULL, path[4200];
	struct store_outbox_new o;
	itsm_ticket *t;
	int64_t id;
	size_t i;
	int rc, status;

	if ((rc = itsm_hooks_system_dir(&dirs[0])) != 0)
		return rc;
	if (c->hooks && itsm_hooks_dir(&dirs[1]) != 0)
		dirs[1] = NULL;		/* no HOME: no hooks of the user's */
	if (dirs[1] != NULL && strcmp(dirs[0], dirs[1]) == 0) {
		free(dirs[1]);		/* the team's, run once */
		dirs[1] = NULL;
	}
	for (i = 0; i < 2 && rc == 0; i++) {
		if (dirs[i] == NULL)
			continue;
		/*
		 * A hook the trust rules refuse is queued all the same: its
		 * run says why, and it runs once they are mended.
		 */
		status = itsm_hook_check(dirs[i], name);
		if (status == 0 || status == 2 ||
		    hook_path(dirs[i], name, path, sizeof(path)) != 0)
			continue;
		if (payload == NULL) {
			if ((rc = itsm_ticket_get(c, ticket, &t)) != 0)
				break;
			rc = tk_hook_payload(c, t, name, since, reason,
			    message, managers, &payload);
			itsm_ticket_free(t);
			if (rc != 0)
				break;
		}
		o = (struct store_outbox_new){ .created_at = c->now,
		    .ticket = ticket, .event = store_last_event_id(c->store),
		    .kind = "hook", .name = name, .recipients = path,
		    .payload = payload, .next_attempt_at = c->now };
		if ((rc = store_outbox_queue(c->store, &o, &id)) == 0)
			rc = hookq_add(c, id);
	}
	free(payload);
	free(dirs[0]);
	free(dirs[1]);
	return rc;
}

void
hook_clear(itsm_ctx *c)
{
	free(c->outbox);	/* what is queued goes with the hooks */
	c->outbox = NULL;
	c->noutbox = 0;
	free(c->hookq);
	c->hookq = NULL;
	c->nhookq = 0;
}

int
itsm_hooks_system_dir(char **out)
{
	const char *env = getenv("ITSM_SYSTEM_HOOKS_DIR");

	*out = strdup(env != NULL && *env != '\0' ? env : "/etc/itsm/hooks");
	if (*out == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
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

/*
 * Runs one hook, ITSM_EVENT, ITSM_REF and ITSM_OUTBOX_ID (its row, the
 * same at each attempt) set: see tk_run().
 */
static int
run_hook(const char *path, const char *event, const char *ref, int64_t id,
    const char *input, int64_t timeout_s, const char **why)
{
	char ev[128], rf[128 + ITSM_REFBUF], oid[64];
	char *argv[2] = { (char *)path, NULL };
	char *env[4] = { ev, rf, oid, NULL };

	snprintf(ev, sizeof(ev), "ITSM_EVENT=%s", event);
	snprintf(rf, sizeof(rf), "ITSM_REF=%s", ref);
	snprintf(oid, sizeof(oid), "ITSM_OUTBOX_ID=%lld", (long long)id);
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
tk_hook_deliver(itsm_ctx *c, const struct store_outbox_row *r,
    char *why, size_t len, char *msg, size_t mlen, int *final, int *once)
{
	const char *path = r->recipients != NULL ? r->recipients : "", *w;
	char ref[ITSM_REFBUF], tw[PATH_MAX + 200], at[48] = "";
	struct stat st;
	itsm_ticket *t;
	int status;

	*final = *once = 0;
	if (r->ticket > 0 && itsm_ticket_get(c, r->ticket, &t) == 0) {
		snprintf(ref, sizeof(ref), "%s", itsm_ticket_str(t,
		    ITSM_F_REF));
		itsm_ticket_free(t);
	} else {
		snprintf(ref, sizeof(ref), "-");
	}
	if (path[0] != '/' || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(path, X_OK) != 0) {
		/* Removed or disabled since (itsm-hooks(5)): on purpose. */
		snprintf(why, len, "'%.1024s' is no longer an executable file",
		    path);
		snprintf(msg, mlen, "hook '%s' not run for %s: %s", r->name,
		    ref, why);
		*final = 1;
		return -1;
	}
	if (trust_path(path, tw, sizeof(tw)) != 0) {
		snprintf(why, len, "%s", tw);
		snprintf(msg, mlen, "hook '%s' not run: %s", r->name, why);
		*once = 1;
		return -1;
	}
	if (r->attempts > 1)
		snprintf(at, sizeof(at), " (attempt %lld)",
		    (long long)r->attempts);
	w = NULL;
	status = run_hook(path, r->name, ref, r->id, r->payload,
	    itsm_policy_hook_timeout(c->policy), &w);
	if (status == 0)
		return 0;
	if (w != NULL)
		snprintf(why, len, "%s", w);
	else
		snprintf(why, len, "exit status %d", status);
	snprintf(msg, mlen, "hook '%s' failed for %s%s: %s", r->name, ref, at,
	    why);
	return -1;
}

int
itsm_hooks_run(itsm_ctx *c, void (*report)(void *, const char *), void *arg)
{
	int failures = tk_outbox_deliver(c, c->hookq, c->nhookq, report, arg);

	hook_clear(c);
	return failures;
}

/*
 * Output files (export -o, major report -o): never the database or one of
 * its companion files, written to a temporary file in the same directory
 * and renamed over FILE only once complete, so that a failure leaves the
 * previous FILE as it was.  What cannot be replaced (a fifo, a terminal,
 * /dev/stdout) is written directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

/* The longest part of FILE's name in its temporary's. */
#define TMP_NAME 64

/* The temporary being written, for the signal handler to remove. */
static char *volatile pending;
static struct sigaction old_int, old_term, old_hup;

static void
on_signal(int sig)
{
	char *p = pending;

	if (p != NULL)
		unlink(p);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Catches sig to remove the temporary first, unless it is ignored (as
 * nohup and a shell's background job leave HUP and INT): an ignored
 * signal must not start killing the command.
 */
static void
catch(int sig, const struct sigaction *sa, struct sigaction *old)
{
	if (sigaction(sig, NULL, old) == 0 && old->sa_handler != SIG_IGN)
		sigaction(sig, sa, NULL);
}

static void
guard(char *tmp)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	pending = tmp;
	catch(SIGINT, &sa, &old_int);
	catch(SIGTERM, &sa, &old_term);
	catch(SIGHUP, &sa, &old_hup);
}

static void
unguard(void)
{
	if (pending == NULL)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	pending = NULL;
}

/*
 * "dir/base" with dir resolved (every link and "..", absolute); NULL
 * when dir does not resolve (errno set).
 */
static char *
resolve_dir(const char *path)
{
	const char *slash = strrchr(path, '/'), *base;
	char *dir, *real, *out;
	size_t n;

	if (slash == NULL) {
		dir = strdup(".");
		base = path;
	} else {
		dir = slash == path ? strdup("/") :
		    strndup(path, (size_t)(slash - path));
		base = slash + 1;
	}
	if (dir == NULL)
		return NULL;
	real = realpath(dir, NULL);
	free(dir);
	if (real == NULL)
		return NULL;
	n = strlen(real) + strlen(base) + 2;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s%s%s", real, strcmp(real, "/") == 0 ? "" :
		    "/", base);
	free(real);
	return out;
}

/*
 * Whether where (a resolved path) or the file st (NULL when none) is the
 * database db or one of its companions, by name (a companion that does
 * not exist yet) and by device and inode (a link of any kind).
 */
static int
is_store_file(const char *db, const char *where, const struct stat *st)
{
	const char *const *companions = itsm_store_files(db);
	char *names[2], name[PATH_MAX + 16];
	struct stat ds;
	size_t i, j;
	int hit = 0;

	names[0] = resolve_dir(db);
	names[1] = realpath(db, NULL);	/* the engine names them after the target */
	for (i = 0; i < 2 && !hit; i++) {
		if (names[i] == NULL)
			continue;
		for (j = 0; companions[j] != NULL; j++) {
			snprintf(name, sizeof(name), "%s%s", names[i],
			    companions[j]);
			if ((where != NULL && strcmp(name, where) == 0) ||
			    (st != NULL && stat(name, &ds) == 0 &&
			    ds.st_dev == st->st_dev && ds.st_ino == st->st_ino)) {
				hit = 1;
				break;
			}
		}
	}
	free(names[0]);
	free(names[1]);
	return hit;
}

/*
 * Where the symbolic link path leads when its target does not exist:
 * the last link's target, its directory resolved; NULL when unknown.
 */
static char *
dangling_target(const char *path)
{
	char cur[PATH_MAX], next[PATH_MAX], to[PATH_MAX];
	const char *slash;
	struct stat st;
	ssize_t n;
	int i;

	snprintf(cur, sizeof(cur), "%s", path);
	for (i = 0; i < 40 && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode);
	    i++) {
		if ((n = readlink(cur, to, sizeof(to) - 1)) < 0)
			return NULL;
		to[n] = '\0';
		slash = strrchr(cur, '/');
		if (to[0] == '/' || slash == NULL)
			snprintf(next, sizeof(next), "%s", to);
		else if ((size_t)snprintf(next, sizeof(next), "%.*s/%s",
		    (int)(slash - cur), cur, to) >= sizeof(next))
			return NULL;
		memcpy(cur, next, sizeof(cur));
	}
	return resolve_dir(cur);
}

/* A name for a process's open file: /dev/stdout, /dev/fd/N, /proc/... */
static int
is_fd_name(const char *path)
{
	return strcmp(path, "/dev/stdout") == 0 ||
	    strcmp(path, "/dev/stderr") == 0 ||
	    strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/", 6) == 0;
}

static int
refuse(const char *path)
{
	warnx_("cannot write '%s': it is the database or one of its files",
	    path);
	return EX_IOERR_;
}

/*
 * A file that is not replaced (a fifo, /dev/stdout, ...): opened as it
 * is, appended to if a file.  0 or an exit status.
 */
static int
open_in_place(const char *db, const char *path, const struct stat *st,
    int *fd)
{
	struct stat now;

	if (is_store_file(db, NULL, st))
		return refuse(path);
	if ((*fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC)) < 0)
		return cannot_write(path, errno);
	if (fstat(*fd, &now) == 0 && is_store_file(db, NULL, &now))
		return refuse(path);
	return 0;
}

/*
 * A regular file, or one to create: o->final is where it will be, and
 * *fd a temporary next to it (o->tmp) to rename over it once complete.
 * 0 or an exit status.
 */
static int
open_temporary(const char *db, const char *path, const struct stat *st,
    struct outfile *o, int *fd)
{
	const char *base;
	sigset_t block, was;
	mode_t mask;
	size_t n;

	/* Where the file will be: the target of a link, resolved. */
	o->final = st != NULL ? realpath(path, NULL) : resolve_dir(path);
	if (o->final == NULL)
		return cannot_write(path, errno);
	if (is_store_file(db, o->final, st))
		return refuse(path);
	/* A file we may not write is not replaced behind its back. */
	if (st != NULL && access(o->final, W_OK) != 0)
		return cannot_write(path, errno);
	base = strrchr(o->final, '/') + 1;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return cannot_write(path, EISDIR);
	n = strlen(o->final) + sizeof("/..XXXXXX");
	if ((o->tmp = malloc(n)) == NULL)
		return cannot_write(path, ENOMEM);
	/*
	 * ".NAME.XXXXXX", NAME cut so that a FILE whose name is near the
	 * longest a directory takes still has a temporary.
	 */
	snprintf(o->tmp, n, "%.*s.%.*s.XXXXXX", (int)(base - o->final),
	    o->final, itsm_cut(base, TMP_NAME), base);
	/* 0600, or less when the umask says so. */
	mask = umask(0);
	umask(mask);
	/*
	 * The signals wait while the temporary is made and the handler that
	 * removes it is set: one that came in between would leave the
	 * temporary behind.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &was);
	if ((*fd = mkstemp(o->tmp)) < 0) {
		int rc = cannot_write(path, errno);

		sigprocmask(SIG_SETMASK, &was, NULL);
		free(o->tmp);
		o->tmp = NULL;
		return rc;
	}
	guard(o->tmp);
	sigprocmask(SIG_SETMASK, &was, NULL);
	if (fcntl(*fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    fchmod(*fd, 0600 & ~mask) != 0)
		return cannot_write(path, errno);
	return 0;
}

int
outfile_open(struct app *a, const char *path, struct outfile *o)
{
	struct stat st;
	char *db = NULL;
	int fd = -1, rc, exists;

	*o = (struct outfile){ .path = path };
	if ((rc = itsm_store_path(app_db(a), &db)) != 0)
		return fail(rc);
	if (*path == '\0') {
		rc = cannot_write(path, ENOENT);
		goto done;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT) {
		rc = cannot_write(path, errno);
		goto done;
	}
	if (!exists && lstat(path, &st) == 0) {
		/* A link to nothing: refused, as the store's if it names one. */
		o->final = dangling_target(path);
		if (o->final != NULL && is_store_file(db, o->final, NULL)) {
			rc = refuse(path);
			goto done;
		}
		warnx_("cannot write '%s': it is a symbolic link to a missing "
		    "file", path);
		rc = EX_IOERR_;
		goto done;
	}
	if (exists && (!S_ISREG(st.st_mode) || is_fd_name(path)))
		rc = open_in_place(db, path, &st, &fd);
	else
		rc = open_temporary(db, path, exists ? &st : NULL, o, &fd);
	if (rc != 0)
		goto done;
	if ((o->f = fdopen(fd, "w")) == NULL) {
		rc = cannot_write(path, errno);
		goto done;
	}
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		outfile_close(o, rc);
	free(db);
	return rc;
}

int
outfile_close(struct outfile *o, int rc)
{
	int e = 0;

	if (o->f != NULL) {
		if (fflush(o->f) != 0 || ferror(o->f))
			e = errno ? errno : EIO;
		/* On the disk before it takes the name: never a torn file. */
		else if (o->tmp != NULL && fsync(fileno(o->f)) != 0)
			e = errno;
		if (fclose(o->f) != 0 && e == 0)
			e = errno;
		o->f = NULL;
	}
	if (rc == 0 && e == 0 && o->tmp != NULL &&
	    rename(o->tmp, o->final) != 0)
		e = errno;
	if (o->tmp != NULL && (rc != 0 || e != 0))
		unlink(o->tmp);
	unguard();
	free(o->tmp);
	free(o->final);
	o->tmp = o->final = NULL;
	if (rc == 0 && e != 0)
		rc = cannot_write(o->path, e);
	return rc;
}

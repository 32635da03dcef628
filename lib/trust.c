/*
 * The trust check of hooks and policy files: nobody but this user and root
 * may be able to change the file, a directory above it or a link on the
 * way, as sshd's StrictModes asks of authorized_keys.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust_int.h"

#define MAX_LINKS 40

/* One directory or file met on the way. */
static int
check_node(const char *path, const struct stat *st, char *why, size_t len)
{
	uid_t me = geteuid();
	int dir = S_ISDIR(st->st_mode);

	if (st->st_uid != me && st->st_uid != 0) {
		snprintf(why, len, "'%s' is owned by another user (uid %lu)",
		    path, (unsigned long)st->st_uid);
		return 1;
	}
	if (S_ISLNK(st->st_mode))
		return 0;	/* a link's own mode means nothing */
	if ((st->st_mode & S_IWOTH) && !(dir && (st->st_mode & S_ISVTX))) {
		snprintf(why, len, "'%s' is writable by others", path);
		return 1;
	}
	if ((st->st_mode & S_IWGRP) &&
	    !(dir && (st->st_mode & (S_ISVTX | S_ISGID)))) {
		snprintf(why, len, "'%s' is writable by its group", path);
		return 1;
	}
	return 0;
}

/*
 * The directory that holds the file or a link on the way: sticky or not,
 * it may not be writable by others, who could add files to it.
 */
static int
check_holder(const char *path, const struct stat *st, char *why, size_t len)
{
	if (st->st_mode & S_IWOTH) {
		snprintf(why, len, "'%s' is writable by others", path);
		return 1;
	}
	if ((st->st_mode & S_IWGRP) && !(st->st_mode & S_ISGID)) {
		snprintf(why, len, "'%s' is writable by its group", path);
		return 1;
	}
	return 0;
}

/* path made absolute from the current directory: *out, to free(). */
static int
absolute(const char *path, char **out, char *why, size_t len)
{
	char cwd[PATH_MAX];

	*out = NULL;
	if (path[0] == '/') {
		*out = strdup(path);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			snprintf(why, len, "cannot find the current directory: "
			    "%s", strerror(errno));
			return -1;
		}
		if ((*out = malloc(strlen(cwd) + strlen(path) + 2)) != NULL)
			sprintf(*out, "%s/%s", cwd, path);
	}
	if (*out == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	return 0;
}

/* Reads where (NULL or "": "/") into st; -1 with why. */
static int
read_node(const char *where, struct stat *st, char *why, size_t len)
{
	if (where == NULL || where[0] == '\0')
		where = "/";
	if (lstat(where, st) != 0) {
		snprintf(why, len, "cannot read '%s': %s", where,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The walk goes on through link cand: *rest becomes what it names
 * followed by next, from the root again (cur "", dst its stat) when it
 * names an absolute path.
 */
static int
through_link(const char *cand, const char *next, char *cur, struct stat *dst,
    char **rest, int *links, char *why, size_t len)
{
	char target[PATH_MAX], *nr;
	ssize_t n;
	size_t rl;

	if (++*links > MAX_LINKS ||
	    (n = readlink(cand, target, sizeof(target) - 1)) < 0) {
		snprintf(why, len, "cannot follow '%s': %s", cand,
		    *links > MAX_LINKS ? strerror(ELOOP) : strerror(errno));
		return -1;
	}
	target[n] = '\0';
	if (target[0] == '/' && cur[0] != '\0') {
		cur[0] = '\0';
		if (read_node(NULL, dst, why, len) != 0)
			return -1;
	}
	rl = (size_t)n + strlen(next) + 2;
	if ((nr = malloc(rl)) == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	snprintf(nr, rl, "%s/%s", target, next);
	free(*rest);
	*rest = nr;
	return 0;
}

int
trust_path(const char *path, char *why, size_t len)
{
	char cur[PATH_MAX], cand[PATH_MAX];
	char *rest = NULL, *comp, *next, *nr;
	struct stat st, dst;	/* dst: cur's */
	int links = 0, rc;

	cur[0] = '\0';
	if ((rc = absolute(path, &rest, why, len)) != 0 ||
	    (rc = read_node(NULL, &dst, why, len)) != 0 ||
	    (rc = check_node("/", &dst, why, len)) != 0)
		goto done;
	comp = rest;
	for (;;) {
		while (*comp == '/')
			comp++;
		if (*comp == '\0')
			break;
		if ((next = strchr(comp, '/')) != NULL)
			*next++ = '\0';
		else
			next = comp + strlen(comp);
		if (strcmp(comp, ".") == 0) {
			comp = next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {	/* cur has no link in it */
			if ((nr = strrchr(cur, '/')) != NULL)
				*nr = '\0';
			if ((rc = read_node(cur, &dst, why, len)) != 0)
				goto done;
			comp = next;
			continue;
		}
		if (next[strspn(next, "/")] == '\0' &&
		    (rc = check_holder(cur[0] ? cur : "/", &dst, why, len)) != 0)
			goto done;
		if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", cur,
		    comp) >= sizeof(cand)) {
			snprintf(why, len, "'%s' is too long", path);
			rc = -1;
			goto done;
		}
		if ((rc = read_node(cand, &st, why, len)) != 0 ||
		    (rc = check_node(cand, &st, why, len)) != 0)
			goto done;
		if (!S_ISLNK(st.st_mode)) {
			memcpy(cur, cand, strlen(cand) + 1);
			dst = st;
			comp = next;
			continue;
		}
		/* A link: go on from what it names, then the rest. */
		if ((rc = through_link(cand, next, cur, &dst, &rest, &links,
		    why, len)) != 0)
			goto done;
		comp = rest;
	}
	rc = 0;
done:
	free(rest);
	return rc;
}

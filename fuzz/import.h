/*
 * What the two import targets share: each input is written to a memfd
 * and imported with itsm_import into a fresh database, a copy of an
 * empty one made once under /dev/shm (or $TMPDIR).  Any error code is
 * fine; crashes, leaks and undefined behaviour are not.
 */
#ifndef FUZZ_IMPORT_H
#define FUZZ_IMPORT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "itsm/itsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-28T08:36:44Z: a fixed "now", so that runs repeat. */
#define FUZZ_NOW INT64_C(1795768604)

static char fz_dir[PATH_MAX], fz_db[PATH_MAX + 16];
static char *fz_template;	/* the empty database's bytes */
static size_t fz_template_len;
static itsm_policy *fz_policy;

static void
fz_die(const char *what)
{
	fprintf(stderr, "fuzz setup: %s: %s\n", what, itsm_errmsg());
	exit(2);
}

static void
fz_unlink_db(void)
{
	char p[PATH_MAX + 32];

	unlink(fz_db);
	snprintf(p, sizeof(p), "%s-wal", fz_db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", fz_db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-journal", fz_db);
	unlink(p);
}

static void
fz_cleanup(void)
{
	fz_unlink_db();
	rmdir(fz_dir);
	free(fz_template);
	itsm_policy_free(fz_policy);
}

static void
fz_setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	itsm_store *s;
	FILE *f;
	long n;
	int fd;

	snprintf(fz_dir, sizeof(fz_dir), "%s/itsm-fuzz-XXXXXX", base);
	if (mkdtemp(fz_dir) == NULL) {
		perror(fz_dir);
		exit(2);
	}
	snprintf(fz_db, sizeof(fz_db), "%s/db", fz_dir);
	atexit(fz_cleanup);
	/* An empty file is a new database, given its schema on open. */
	if ((fd = open(fz_db, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0 || close(fd) != 0) {
		perror(fz_db);
		exit(2);
	}
	if (itsm_store_open(&s, fz_db, 0) != 0)
		fz_die("cannot create the database");
	itsm_store_close(s);
	if ((f = fopen(fz_db, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (fz_template = malloc((size_t)n)) == NULL ||
	    fread(fz_template, 1, (size_t)n, f) != (size_t)n) {
		perror(fz_db);
		exit(2);
	}
	fclose(f);
	fz_template_len = (size_t)n;
	if (itsm_policy_load_file(&fz_policy, NULL) != 0)
		fz_die("cannot load the default policy");
}

static void
fz_ignore(void *arg, size_t line, const char *why)
{
	(void)arg;
	(void)line;
	(void)why;
}

static void
fz_progress(void *arg, size_t lines)
{
	(void)arg;
	(void)lines;
}

static int
fz_import(const uint8_t *data, size_t size, enum itsm_import_format format)
{
	struct itsm_import_opts o = {
		.format = format, .policy_check = 1, .progress = fz_progress,
		.skipped = fz_ignore, .disagree = fz_ignore,
	};
	struct itsm_import_stats st;
	char path[64];
	itsm_store *s;
	itsm_ctx *c;
	int fd, dbfd;

	if (fz_template == NULL)
		fz_setup();
	/* The input, as a file. */
	if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0) {
		perror("memfd_create");
		exit(2);
	}
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		perror("write");
		exit(2);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* A fresh database. */
	fz_unlink_db();
	if ((dbfd = open(fz_db, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || write(dbfd, fz_template, fz_template_len) !=
	    (ssize_t)fz_template_len || close(dbfd) != 0) {
		perror(fz_db);
		exit(2);
	}
	if (itsm_store_open(&s, fz_db, 0) != 0)
		fz_die("cannot open the database");
	if (itsm_ctx_new(&c, s, fz_policy) != 0)
		fz_die("cannot make a context");
	itsm_ctx_set_now(c, FUZZ_NOW);
	if (itsm_ctx_set_actor(c, "fuzz") != 0)
		fz_die("cannot set the actor");
	(void)itsm_import(c, path, &o, &st);
	itsm_ctx_free(c);
	itsm_store_close(s);
	close(fd);
	return 0;
}

#endif

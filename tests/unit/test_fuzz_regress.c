/*
 * The fuzz targets (the .c files of the fuzz directory) run over every
 * input of their corpus, fuzz/corpus/<target>/: the seeds, the inputs
 * the fuzzers kept, and the crash-* inputs of the bugs they found, so
 * that those stay fixed.  Each input runs in a child process: a crash,
 * or a target's abort() on a broken property (a written policy that
 * does not load again, a time that does not parse back), fails the test
 * and names the file.
 *
 * The corpus is found from FUZZ_CORPUS, else two levels above this
 * binary (build/tests/ -> fuzz/corpus/).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus.h"

#define LLVMFuzzerTestOneInput fuzz_policy
#include "../../fuzz/policy.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_time
#include "../../fuzz/time.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_ref
#include "../../fuzz/ref.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_mail
#include "../../fuzz/mail.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_import_jsonl
#include "../../fuzz/import_jsonl.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_import_csv
#include "../../fuzz/import_csv.c"
#undef LLVMFuzzerTestOneInput

typedef int (*target_fn)(const uint8_t *data, size_t size);

static char corpus[PATH_MAX];

static void
find_corpus(void)
{
	corpus_dir(corpus, "FUZZ_CORPUS", "fuzz/corpus");
}

static int
read_all(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return -1;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL)
				break;
			buf = nb;
		}
		if ((got = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += got;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

/* Runs fn on one file in a child; 0 when it returned. */
static int
run_one(target_fn fn, const char *path)
{
	uint8_t *data;
	size_t len;
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (read_all(path, &data, &len) != 0)
			_exit(3);
		fn(data, len);
		free(data);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st)) {
		print_error("%s: killed by signal %d\n", path, WTERMSIG(st));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		print_error("%s: exited %d\n", path, WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

static void
run_corpus(const char *target, target_fn fn)
{
	char dir[PATH_MAX + 64], path[PATH_MAX * 2];
	struct dirent *de;
	struct stat sb;
	size_t n = 0, bad = 0;
	DIR *d;

	find_corpus();
	snprintf(dir, sizeof(dir), "%s/%s", corpus, target);
	if ((d = opendir(dir)) == NULL)
		print_error("cannot read %s\n", dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		n++;
		if (run_one(fn, path) != 0)
			bad++;
	}
	closedir(d);
	if (n == 0)
		print_error("no inputs in %s\n", dir);
	assert_true(n > 0);
	assert_int_equal(bad, 0);
}

static void
test_policy_corpus(void **state)
{
	(void)state;
	run_corpus("policy", fuzz_policy);
}

static void
test_time_corpus(void **state)
{
	(void)state;
	run_corpus("time", fuzz_time);
}

static void
test_ref_corpus(void **state)
{
	(void)state;
	run_corpus("ref", fuzz_ref);
}

static void
test_mail_corpus(void **state)
{
	(void)state;
	run_corpus("mail", fuzz_mail);
}

static void
test_import_jsonl_corpus(void **state)
{
	(void)state;
	run_corpus("import_jsonl", fuzz_import_jsonl);
}

static void
test_import_csv_corpus(void **state)
{
	(void)state;
	run_corpus("import_csv", fuzz_import_csv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_corpus),
		cmocka_unit_test(test_time_corpus),
		cmocka_unit_test(test_ref_corpus),
		cmocka_unit_test(test_mail_corpus),
		cmocka_unit_test(test_import_jsonl_corpus),
		cmocka_unit_test(test_import_csv_corpus),
	};

	/* The import targets' database, made once, removed at exit. */
	fz_setup();
	return cmocka_run_group_tests_name("fuzz_regress", tests, NULL, NULL);
}

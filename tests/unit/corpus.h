/*
 * Where a unit test finds the data of the source tree: the directory
 * named by an environment variable, else a directory under the top of
 * the tree, three levels above the test's binary (top/build/tests/x).
 *
 * Included by one test file each, after cmocka.h, libgen.h, limits.h,
 * stdio.h, stdlib.h and unistd.h.
 */
#ifndef ITSM_TEST_CORPUS_H
#define ITSM_TEST_CORPUS_H

/* Writes into dir (PATH_MAX bytes) $env, or top/sub. */
static void
corpus_dir(char *dir, const char *env, const char *sub)
{
	const char *v = getenv(env);
	char exe[PATH_MAX];
	ssize_t n;

	if (v != NULL && *v != '\0') {
		snprintf(dir, PATH_MAX, "%s", v);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	snprintf(dir, PATH_MAX, "%s/%s", dirname(dirname(dirname(exe))), sub);
}

#endif

/*
 * Unit tests of lib/trust.c: the walk from / down a path and its links,
 * and the rule each part must pass (itsm-hooks(5), Security).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "trust_int.h"

static char base[64];	/* a private directory under /tmp (sticky) */
static char why[PATH_MAX + 200];

static const char *
at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int n;

	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", base, rel);
	return buf[n];
}

static void
touch(const char *rel, mode_t mode)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(at(rel), mode), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/itsm-trust-XXXXXX");
	if (mkdtemp(base) == NULL || chmod(base, 0755) != 0)
		return -1;
	if (mkdir(at("d"), 0755) != 0 || mkdir(at("open"), 0777) != 0 ||
	    chmod(at("open"), 0777) != 0 || mkdir(at("sticky"), 0777) != 0 ||
	    chmod(at("sticky"), 01777) != 0 ||
	    mkdir(at("sticky/mine"), 0755) != 0)
		return -1;
	touch("d/f", 0755);
	touch("open/f", 0755);
	touch("sticky/f", 0755);
	touch("sticky/mine/f", 0755);
	if (symlink("../../d/f", at("sticky/mine/up")) != 0 ||
	    symlink("loop2", at("d/loop1")) != 0 ||
	    symlink("loop1", at("d/loop2")) != 0 ||
	    symlink(at("open/f"), at("d/into-open")) != 0 ||
	    symlink("f", at("d/rel")) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_trusted(void **state)
{
	(void)state;
	assert_int_equal(trust_path(at("d/f"), why, sizeof(why)), 0);
	assert_int_equal(trust_path(at("d/rel"), why, sizeof(why)), 0);
	if (trust_path(at("d/./../d//f"), why, sizeof(why)) != 0)
		fail_msg("%s", why);
	/* Sticky above the holder (like /tmp above base): trusted. */
	assert_int_equal(trust_path(at("sticky/mine/f"), why, sizeof(why)), 0);
	/* A relative link climbing out of a trusted directory. */
	assert_int_equal(trust_path(at("sticky/mine/up"), why, sizeof(why)), 0);
}

static void
test_relative(void **state)
{
	char cwd[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(at("d")), 0);
	assert_int_equal(trust_path("f", why, sizeof(why)), 0);
	assert_int_equal(trust_path("../open/f", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "/open' is writable by others"));
	assert_int_equal(chdir(cwd), 0);
}

static void
test_refused(void **state)
{
	char want[PATH_MAX + 100];

	(void)state;
	assert_int_equal(trust_path(at("open/f"), why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "'%s' is writable by others", at("open"));
	assert_string_equal(why, want);
	/* Through a link, what it leads to is checked. */
	assert_int_equal(trust_path(at("d/into-open"), why, sizeof(why)), 1);
	assert_string_equal(why, want);
	/* Sticky holds no file of ours: its holder may not be writable. */
	assert_int_equal(trust_path(at("sticky/f"), why, sizeof(why)), 1);
	snprintf(want, sizeof(want), "'%s' is writable by others",
	    at("sticky"));
	assert_string_equal(why, want);
	/* Group-writable: a set-group-ID directory only, a file never. */
	assert_int_equal(chmod(at("d"), 0775), 0);
	assert_int_equal(trust_path(at("d/f"), why, sizeof(why)), 1);
	assert_non_null(strstr(why, "/d' is writable by its group"));
	assert_int_equal(chmod(at("d"), 02775), 0);
	assert_int_equal(trust_path(at("d/f"), why, sizeof(why)), 0);
	assert_int_equal(chmod(at("d/f"), 0775), 0);
	assert_int_equal(trust_path(at("d/f"), why, sizeof(why)), 1);
	assert_non_null(strstr(why, "/d/f' is writable by its group"));
	assert_int_equal(chmod(at("d/f"), 0755), 0);
	assert_int_equal(chmod(at("d"), 0755), 0);
}

static void
test_failures(void **state)
{
	(void)state;
	assert_int_equal(trust_path(at("d/loop1"), why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot follow"));
	assert_int_equal(trust_path(at("d/missing"), why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot read"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_failures),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

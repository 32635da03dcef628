/*
 * Unit tests of lib/json.c: JSON text written in C, with the bytes
 * SQLite's JSON functions give (json_quote in SQLite 3.40: the short
 * escapes \b \t \n \f \r, \u00xx for the other controls, DEL and UTF-8
 * as they are).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_int.h"

/* json_str(s) as a finished text. */
static char *
quoted(const char *s)
{
	struct json_buf b = { 0 };

	json_str(&b, s);
	return json_finish(&b);
}

static void
check_quoted(const char *s, const char *want)
{
	char *got = quoted(s);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_plain_and_null(void **state)
{
	(void)state;
	check_quoted("", "\"\"");
	check_quoted("Mail down", "\"Mail down\"");
	check_quoted(NULL, "null");
}

static void
test_quote_and_backslash(void **state)
{
	(void)state;
	check_quoted("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_quoted("C:\\temp\\", "\"C:\\\\temp\\\\\"");
	/* The slash is not escaped. */
	check_quoted("a/b", "\"a/b\"");
}

/* Every control below 0x20: its short escape, or \u00xx in lower case. */
static void
test_controls(void **state)
{
	char in[2], want[16];
	int c;

	(void)state;
	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		switch (c) {
		case '\b': strcpy(want, "\"\\b\""); break;
		case '\t': strcpy(want, "\"\\t\""); break;
		case '\n': strcpy(want, "\"\\n\""); break;
		case '\f': strcpy(want, "\"\\f\""); break;
		case '\r': strcpy(want, "\"\\r\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		}
		check_quoted(in, want);
	}
	check_quoted("a\x1b]0;x\ab", "\"a\\u001b]0;x\\u0007b\"");
}

/* DEL, C1 controls in UTF-8, and other UTF-8 stay as they are. */
static void
test_bytes_kept(void **state)
{
	(void)state;
	check_quoted("\x7f", "\"\x7f\"");
	check_quoted("csi \xc2\x9b" "31m", "\"csi \xc2\x9b" "31m\"");
	check_quoted("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x9a\x80",
	    "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x9a\x80\"");
}

static void
test_raw_and_int(void **state)
{
	struct json_buf b = { 0 };
	char *s;

	(void)state;
	json_raw(&b, "{\"n\":");
	json_int(&b, INT64_C(-9223372036854775807) - 1);
	json_raw(&b, ",\"m\":");
	json_int(&b, 42);
	json_raw(&b, "}");
	s = json_finish(&b);
	assert_string_equal(s, "{\"n\":-9223372036854775808,\"m\":42}");
	free(s);
	/* The buffer is empty again: nothing written is "". */
	assert_null(b.s);
	s = json_finish(&b);
	assert_string_equal(s, "");
	free(s);
}

/* A text longer than the first allocation grows the buffer. */
static void
test_long_text(void **state)
{
	char *in, *out;
	size_t n = 100000;

	(void)state;
	in = malloc(n + 1);
	assert_non_null(in);
	memset(in, '"', n);
	in[n] = '\0';
	out = quoted(in);
	assert_non_null(out);
	assert_int_equal(strlen(out), 2 * n + 2);
	free(in);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_null),
		cmocka_unit_test(test_quote_and_backslash),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bytes_kept),
		cmocka_unit_test(test_raw_and_int),
		cmocka_unit_test(test_long_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

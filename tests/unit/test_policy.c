/*
 * Unit tests of lib/policy.c and lib/policy_yaml.c: the embedded default,
 * custom matrices of any size, strict validation with FILE:LINE:COL, the
 * accessors and their defaults, the YAML round trip and the search order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "itsm/error.h"
#include "itsm/policy.h"

#define NAME "t.yaml"

/* ---- helpers ---- */

static itsm_policy *
load(const char *yaml)
{
	itsm_policy *p = NULL;
	int rc = itsm_policy_load_text(&p, NAME, yaml, strlen(yaml));

	if (rc != 0)
		print_error("load: %s\n", itsm_errmsg());
	assert_int_equal(rc, 0);
	assert_non_null(p);
	return p;
}

/* Loads yaml with no warning. */
static itsm_policy *
load_clean(const char *yaml)
{
	itsm_policy *p = load(yaml);

	if (itsm_policy_warning_count(p) != 0)
		print_error("warning: %s\n", itsm_policy_warning(p, 0));
	assert_int_equal(itsm_policy_warning_count(p), 0);
	assert_null(itsm_policy_warning(p, 0));
	return p;
}

/*
 * Checks that yaml is refused with ITSM_E_CONFIG and a message starting
 * with "t.yaml:LINE:COL: " and containing what.
 */
static void
check_error_at(const char *yaml, unsigned line, unsigned col,
    const char *what)
{
	itsm_policy *p = (itsm_policy *)1;
	char prefix[64];
	int rc = itsm_policy_load_text(&p, NAME, yaml, strlen(yaml));

	snprintf(prefix, sizeof(prefix), NAME ":%u:%u: ", line, col);
	if (rc != ITSM_E_CONFIG || strncmp(itsm_errmsg(), prefix,
	    strlen(prefix)) != 0 || strstr(itsm_errmsg(), what) == NULL)
		print_error("want \"%s...%s...\"\n got %d \"%s\"\nin:\n%s\n",
		    prefix, what, rc, rc ? itsm_errmsg() : "", yaml);
	assert_int_equal(rc, ITSM_E_CONFIG);
	assert_null(p);
	assert_memory_equal(itsm_errmsg(), prefix, strlen(prefix));
	assert_non_null(strstr(itsm_errmsg(), what));
}

static size_t
level(const itsm_policy *p, enum itsm_axis axis, const char *s)
{
	size_t i = (size_t)-1;
	int rc = itsm_policy_level_find(p, axis, s, &i);

	if (rc != 0)
		print_error("level '%s': %s\n", s, itsm_errmsg());
	assert_int_equal(rc, 0);
	assert_true(i < itsm_policy_level_count(p, axis));
	return i;
}

/* The priority name the matrix gives for two level names or ranks. */
static const char *
cell(const itsm_policy *p, const char *impact, const char *urgency)
{
	size_t pi = itsm_policy_matrix(p, level(p, ITSM_IMPACT, impact),
	    level(p, ITSM_URGENCY, urgency));

	assert_true(pi < itsm_policy_priority_count(p));
	return itsm_policy_priority_name(p, pi);
}

/* Checks every cell: want[i][u] for the levels named in order of rank. */
static void
check_matrix(const itsm_policy *p, const char *const *impacts, size_t ni,
    const char *const *urgencies, size_t nu, const char *const *want)
{
	size_t i, u;

	assert_int_equal(itsm_policy_level_count(p, ITSM_IMPACT), ni);
	assert_int_equal(itsm_policy_level_count(p, ITSM_URGENCY), nu);
	for (i = 0; i < ni; i++) {
		assert_string_equal(itsm_policy_level_name(p, ITSM_IMPACT, i),
		    impacts[i]);
		for (u = 0; u < nu; u++) {
			const char *got = cell(p, impacts[i], urgencies[u]);

			if (strcmp(got, want[i * nu + u]) != 0)
				print_error("matrix[%s][%s] = %s, want %s\n",
				    impacts[i], urgencies[u], got,
				    want[i * nu + u]);
			assert_string_equal(got, want[i * nu + u]);
		}
	}
	for (u = 0; u < nu; u++)
		assert_string_equal(itsm_policy_level_name(p, ITSM_URGENCY, u),
		    urgencies[u]);
}

static void
check_list(size_t n, const char *(*get)(const itsm_policy *, size_t),
    const itsm_policy *p, const char *const *want, size_t nwant)
{
	size_t i;

	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		assert_string_equal(get(p, i), want[i]);
	assert_null(get(p, n));
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		assert_null(a);
		assert_null(b);
	} else {
		assert_string_equal(a, b);
	}
}

/* Compares every accessor of two policies. */
static void
check_same_policy(const itsm_policy *a, const itsm_policy *b)
{
	size_t i, j, n;
	int axis, t;

	for (axis = 0; axis < 2; axis++) {
		n = itsm_policy_level_count(a, axis);
		assert_int_equal(itsm_policy_level_count(b, axis), n);
		for (i = 0; i < n; i++) {
			same_str(itsm_policy_level_name(a, axis, i),
			    itsm_policy_level_name(b, axis, i));
			assert_int_equal(itsm_policy_level_rank(a, axis, i),
			    itsm_policy_level_rank(b, axis, i));
			same_str(itsm_policy_level_description(a, axis, i),
			    itsm_policy_level_description(b, axis, i));
		}
	}
	n = itsm_policy_priority_count(a);
	assert_int_equal(itsm_policy_priority_count(b), n);
	for (i = 0; i < n; i++) {
		same_str(itsm_policy_priority_name(a, i),
		    itsm_policy_priority_name(b, i));
		same_str(itsm_policy_priority_label(a, i),
		    itsm_policy_priority_label(b, i));
		assert_true(itsm_policy_priority_response(a, i) ==
		    itsm_policy_priority_response(b, i));
		assert_true(itsm_policy_priority_resolution(a, i) ==
		    itsm_policy_priority_resolution(b, i));
		assert_true(itsm_policy_priority_stagnation(a, i) ==
		    itsm_policy_priority_stagnation(b, i));
	}
	for (i = 0; i < itsm_policy_level_count(a, ITSM_IMPACT); i++)
		for (j = 0; j < itsm_policy_level_count(a, ITSM_URGENCY); j++)
			assert_int_equal(itsm_policy_matrix(a, i, j),
			    itsm_policy_matrix(b, i, j));
	n = itsm_policy_channel_count(a);
	assert_int_equal(itsm_policy_channel_count(b), n);
	for (i = 0; i < n; i++)
		same_str(itsm_policy_channel(a, i), itsm_policy_channel(b, i));
	n = itsm_policy_category_count(a);
	assert_int_equal(itsm_policy_category_count(b), n);
	for (i = 0; i < n; i++) {
		same_str(itsm_policy_category(a, i), itsm_policy_category(b, i));
		assert_int_equal(itsm_policy_subcategory_count(a, i),
		    itsm_policy_subcategory_count(b, i));
		for (j = 0; j < itsm_policy_subcategory_count(a, i); j++)
			same_str(itsm_policy_subcategory(a, i, j),
			    itsm_policy_subcategory(b, i, j));
	}
	for (t = 0; t < ITSM_NTYPES; t++)
		same_str(itsm_policy_practice(a, (enum itsm_type)t),
		    itsm_policy_practice(b, (enum itsm_type)t));
	n = itsm_policy_tier_count(a);
	assert_int_equal(itsm_policy_tier_count(b), n);
	for (i = 0; i < n; i++)
		same_str(itsm_policy_tier(a, i), itsm_policy_tier(b, i));
	n = itsm_policy_group_count(a);
	assert_int_equal(itsm_policy_group_count(b), n);
	for (i = 0; i < n; i++) {
		same_str(itsm_policy_group(a, i), itsm_policy_group(b, i));
		same_str(itsm_policy_group_tier(a, i),
		    itsm_policy_group_tier(b, i));
	}
	same_str(itsm_policy_default_group(a), itsm_policy_default_group(b));
	n = itsm_policy_resolution_code_count(a);
	assert_int_equal(itsm_policy_resolution_code_count(b), n);
	for (i = 0; i < n; i++)
		same_str(itsm_policy_resolution_code(a, i),
		    itsm_policy_resolution_code(b, i));
	assert_true(itsm_policy_auto_close(a) == itsm_policy_auto_close(b));
	assert_int_equal(itsm_policy_share_group(a),
	    itsm_policy_share_group(b));
}

/*
 * Writes p as YAML, loads that back and checks it is the same policy;
 * writing the copy again gives the same text.
 */
static void
check_round_trip(const itsm_policy *p)
{
	itsm_policy *q;
	char *y1 = NULL, *y2 = NULL;
	size_t n1 = 0, n2 = 0;

	assert_int_equal(itsm_policy_to_yaml(p, &y1, &n1), 0);
	assert_non_null(y1);
	assert_int_equal(strlen(y1), n1);
	q = load_clean(y1);
	check_same_policy(p, q);
	assert_int_equal(itsm_policy_to_yaml(q, &y2, &n2), 0);
	assert_string_equal(y1, y2);
	assert_int_equal(n1, n2);
	free(y1);
	free(y2);
	itsm_policy_free(q);
}

/* ---- the embedded default ---- */

static const char *const lv3[] = { "high", "medium", "low" };
static const char *const default_matrix[] = {
	"P1", "P2", "P3",
	"P2", "P3", "P4",
	"P3", "P4", "P5",
};

static void
test_default_loads(void **state)
{
	itsm_policy *p = NULL;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	assert_non_null(p);
	assert_string_equal(itsm_policy_source(p), "(default)");
	assert_int_equal(itsm_policy_warning_count(p), 0);
	assert_null(itsm_policy_warning(p, 0));
	assert_int_equal(itsm_policy_level_count(p, ITSM_IMPACT), 3);
	assert_int_equal(itsm_policy_level_count(p, ITSM_URGENCY), 3);
	assert_int_equal(itsm_policy_priority_count(p), 5);
	itsm_policy_free(p);
}

static void
test_default_text_is_the_default(void **state)
{
	itsm_policy *a = NULL, *b;
	const char *text = itsm_policy_default_text();

	(void)state;
	assert_non_null(text);
	assert_non_null(strstr(text, "matrix:"));
	assert_int_equal(itsm_policy_load_file(&a, NULL), 0);
	b = load_clean(text);
	assert_string_equal(itsm_policy_source(b), NAME);
	check_same_policy(a, b);
	itsm_policy_free(a);
	itsm_policy_free(b);
}

static void
test_default_matrix(void **state)
{
	itsm_policy *p = NULL;
	size_t i, u;
	char ri[8], ru[8];

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	check_matrix(p, lv3, 3, lv3, 3, default_matrix);
	/* The same cells through the ranks 1..3. */
	for (i = 0; i < 3; i++)
		for (u = 0; u < 3; u++) {
			snprintf(ri, sizeof(ri), "%zu", i + 1);
			snprintf(ru, sizeof(ru), "%zu", u + 1);
			assert_string_equal(cell(p, ri, ru),
			    default_matrix[i * 3 + u]);
		}
	/* And through the raw indexes. */
	assert_string_equal(itsm_policy_priority_name(p,
	    itsm_policy_matrix(p, 0, 0)), "P1");
	assert_string_equal(itsm_policy_priority_name(p,
	    itsm_policy_matrix(p, 0, 2)), "P3");
	assert_string_equal(itsm_policy_priority_name(p,
	    itsm_policy_matrix(p, 2, 1)), "P4");
	assert_string_equal(itsm_policy_priority_name(p,
	    itsm_policy_matrix(p, 2, 2)), "P5");
	itsm_policy_free(p);
}

static void
test_default_levels(void **state)
{
	static const char *const idesc[] = {
		"a whole service, site or many users are affected",
		"a group of users or a part of a service is affected",
		"one user is affected",
	};
	static const char *const udesc[] = {
		"work is stopped and there is no workaround",
		"work is slowed or a workaround exists",
		"the work can wait",
	};
	itsm_policy *p = NULL;
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	for (i = 0; i < 3; i++) {
		assert_string_equal(itsm_policy_level_name(p, ITSM_IMPACT, i),
		    lv3[i]);
		assert_string_equal(itsm_policy_level_name(p, ITSM_URGENCY, i),
		    lv3[i]);
		assert_int_equal(itsm_policy_level_rank(p, ITSM_IMPACT, i),
		    (int)i + 1);
		assert_int_equal(itsm_policy_level_rank(p, ITSM_URGENCY, i),
		    (int)i + 1);
		assert_string_equal(itsm_policy_level_description(p,
		    ITSM_IMPACT, i), idesc[i]);
		assert_string_equal(itsm_policy_level_description(p,
		    ITSM_URGENCY, i), udesc[i]);
	}
	assert_null(itsm_policy_level_name(p, ITSM_IMPACT, 3));
	assert_int_equal(itsm_policy_level_rank(p, ITSM_IMPACT, 3), 0);
	assert_null(itsm_policy_level_description(p, ITSM_URGENCY, 3));
	itsm_policy_free(p);
}

static void
test_default_priorities(void **state)
{
	static const struct {
		const char *name, *label;
		int64_t response, resolution, stagnation;
	} want[] = {
		{ "P1", "critical", 15 * 60, 4 * 3600, 3600 },
		{ "P2", "high", 30 * 60, 8 * 3600, 4 * 3600 },
		{ "P3", "moderate", 2 * 3600, 86400, 86400 },
		{ "P4", "low", 4 * 3600, 3 * 86400, 3 * 86400 },
		{ "P5", "planning", 86400, 7 * 86400, 7 * 86400 },
	};
	itsm_policy *p = NULL;
	size_t i, j;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	assert_int_equal(itsm_policy_priority_count(p), NELEM(want));
	for (i = 0; i < NELEM(want); i++) {
		assert_string_equal(itsm_policy_priority_name(p, i),
		    want[i].name);
		assert_string_equal(itsm_policy_priority_label(p, i),
		    want[i].label);
		assert_true(itsm_policy_priority_response(p, i) ==
		    want[i].response);
		assert_true(itsm_policy_priority_resolution(p, i) ==
		    want[i].resolution);
		assert_true(itsm_policy_priority_stagnation(p, i) ==
		    want[i].stagnation);
		j = 99;
		assert_int_equal(itsm_policy_priority_find(p, want[i].name,
		    &j), 0);
		assert_int_equal(j, i);
	}
	assert_null(itsm_policy_priority_name(p, 5));
	assert_null(itsm_policy_priority_label(p, 5));
	assert_true(itsm_policy_priority_response(p, 5) == 0);
	j = 99;
	assert_int_equal(itsm_policy_priority_find(p, "p3", &j), 0);
	assert_int_equal(j, 2);
	j = 99;
	assert_int_equal(itsm_policy_priority_find(p, "P6", &j),
	    ITSM_E_INVALID);
	assert_int_equal(j, 99);
	assert_string_equal(itsm_errmsg(), "unknown priority 'P6' (expected "
	    "one of: P1, P2, P3, P4, P5)");
	itsm_policy_free(p);
}

static void
test_level_find(void **state)
{
	itsm_policy *p = NULL;
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	/* By name, case-insensitively. */
	assert_int_equal(level(p, ITSM_IMPACT, "high"), 0);
	assert_int_equal(level(p, ITSM_IMPACT, "medium"), 1);
	assert_int_equal(level(p, ITSM_IMPACT, "low"), 2);
	assert_int_equal(level(p, ITSM_IMPACT, "HIGH"), 0);
	assert_int_equal(level(p, ITSM_IMPACT, "Medium"), 1);
	assert_int_equal(level(p, ITSM_URGENCY, "lOw"), 2);
	/* By rank. */
	assert_int_equal(level(p, ITSM_IMPACT, "1"), 0);
	assert_int_equal(level(p, ITSM_IMPACT, "2"), 1);
	assert_int_equal(level(p, ITSM_URGENCY, "3"), 2);

	/* Unknown: ITSM_E_INVALID, *i untouched, the levels listed. */
	i = 99;
	assert_int_equal(itsm_policy_level_find(p, ITSM_IMPACT, "critical",
	    &i), ITSM_E_INVALID);
	assert_int_equal(i, 99);
	assert_string_equal(itsm_errmsg(), "unknown impact 'critical' "
	    "(expected one of: high, medium, low, or a rank from the policy)");
	assert_int_equal(itsm_policy_level_find(p, ITSM_URGENCY, "4", &i),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "unknown urgency '4'"));
	assert_non_null(strstr(itsm_errmsg(), "high, medium, low"));
	assert_int_equal(itsm_policy_level_find(p, ITSM_URGENCY, "0", &i),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_policy_level_find(p, ITSM_URGENCY, "", &i),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_policy_level_find(p, ITSM_IMPACT, "hig", &i),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_policy_level_find(p, ITSM_IMPACT, "high ", &i),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_policy_level_find(p, ITSM_IMPACT, "01", &i),
	    ITSM_E_INVALID);
	assert_int_equal(i, 99);
	itsm_policy_free(p);
}

static void
test_default_accessors(void **state)
{
	static const char *const channels[] = { "phone", "email", "chat",
	    "walk-in", "portal", "monitoring" };
	static const char *const cats[] = { "hardware", "software", "network",
	    "access", "security" };
	static const char *const hw[] = { "desktop", "laptop", "printer",
	    "peripheral", "mobile" };
	static const char *const sec[] = { "malware", "phishing", "data-leak" };
	static const char *const tiers[] = { "N1", "N2", "N3" };
	static const char *const groups[] = { "service-desk", "support-l2",
	    "engineering" };
	static const char *const codes[] = { "solved", "workaround",
	    "not-reproducible", "user-error", "duplicate" };
	itsm_policy *p = NULL;
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	check_list(itsm_policy_channel_count(p), itsm_policy_channel, p,
	    channels, NELEM(channels));
	check_list(itsm_policy_category_count(p), itsm_policy_category, p,
	    cats, NELEM(cats));
	assert_int_equal(itsm_policy_subcategory_count(p, 0), NELEM(hw));
	for (i = 0; i < NELEM(hw); i++)
		assert_string_equal(itsm_policy_subcategory(p, 0, i), hw[i]);
	assert_null(itsm_policy_subcategory(p, 0, NELEM(hw)));
	assert_int_equal(itsm_policy_subcategory_count(p, 4), NELEM(sec));
	for (i = 0; i < NELEM(sec); i++)
		assert_string_equal(itsm_policy_subcategory(p, 4, i), sec[i]);
	assert_int_equal(itsm_policy_subcategory_count(p, 5), 0);
	assert_null(itsm_policy_subcategory(p, 5, 0));
	assert_null(itsm_policy_practice(p, ITSM_INCIDENT));
	assert_string_equal(itsm_policy_practice(p, ITSM_REQUEST),
	    "service request management");
	assert_string_equal(itsm_policy_practice(p, ITSM_CHANGE),
	    "change enablement");
	check_list(itsm_policy_tier_count(p), itsm_policy_tier, p, tiers,
	    NELEM(tiers));
	check_list(itsm_policy_group_count(p), itsm_policy_group, p, groups,
	    NELEM(groups));
	for (i = 0; i < NELEM(groups); i++)
		assert_string_equal(itsm_policy_group_tier(p, i), tiers[i]);
	assert_null(itsm_policy_group_tier(p, NELEM(groups)));
	assert_string_equal(itsm_policy_default_group(p), "service-desk");
	check_list(itsm_policy_resolution_code_count(p),
	    itsm_policy_resolution_code, p, codes, NELEM(codes));
	assert_true(itsm_policy_auto_close(p) == 5 * 86400);
	itsm_policy_free(p);
}

static void
test_finders(void **state)
{
	itsm_policy *p = NULL;
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	i = 99;
	assert_int_equal(itsm_policy_channel_find(p, "Walk-In", &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(itsm_policy_channel_find(p, "fax", &i),
	    ITSM_E_INVALID);
	assert_int_equal(i, 3);
	assert_string_equal(itsm_errmsg(), "unknown channel 'fax' (expected "
	    "one of: phone, email, chat, walk-in, portal, monitoring)");
	assert_int_equal(itsm_policy_category_find(p, "NETWORK", &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(itsm_policy_category_find(p, "facilities", &i),
	    ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown category 'facilities' "
	    "(expected one of: hardware, software, network, access, "
	    "security)");
	assert_int_equal(itsm_policy_subcategory_find(p, 2, "VPN", &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(itsm_policy_subcategory_find(p, 2, "printer", &i),
	    ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown subcategory of 'network' "
	    "'printer' (expected one of: connectivity, vpn, wifi, dns)");
	assert_int_equal(itsm_policy_subcategory_find(p, 5, "vpn", &i),
	    ITSM_E_INVALID);
	assert_int_equal(itsm_policy_group_find(p, "Support-L2", &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(itsm_policy_group_find(p, "nobody", &i),
	    ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown group 'nobody' (expected "
	    "one of: service-desk, support-l2, engineering)");
	itsm_policy_free(p);
}

/* ---- custom policies ---- */

/* A 4 x 4 policy: levels out of rank order, names in any case, tricky text. */
static const char yaml4x4[] =
	"# A 4 x 4 policy.\n"
	"impact:\n"
	"  - name: low\n"
	"    rank: 4\n"
	"    description: \"one user: a nuisance\"\n"
	"  - name: critical\n"
	"    rank: 1\n"
	"    description: the whole company # stops\n"
	"  - name: medium\n"
	"    rank: 3\n"
	"  - name: high\n"
	"    rank: 2\n"
	"    description: 'a site, or a \"department\"'\n"
	"urgency:\n"
	"  - name: immediate\n"
	"    rank: 1\n"
	"  - name: soon\n"
	"    rank: 2\n"
	"  - name: normal\n"
	"    rank: 3\n"
	"  - name: whenever\n"
	"    rank: 4\n"
	"priorities:\n"
	"  - name: S1\n"
	"    label: all hands\n"
	"    response: 5m\n"
	"    resolution: 1h30m\n"
	"    stagnation: 30m\n"
	"  - name: S2\n"
	"    label: urgent\n"
	"    response: 15m\n"
	"    resolution: 4h\n"
	"  - name: S3\n"
	"    response: 1h\n"
	"    resolution: 2d\n"
	"    stagnation: 1d\n"
	"  - name: S4\n"
	"    label: 'when possible'\n"
	"    response: 1d\n"
	"    resolution: 2w\n"
	"    stagnation: 1w\n"
	"matrix:\n"
	"  low:      { immediate: S3, soon: S3, normal: S4, whenever: S4 }\n"
	"  critical: { immediate: S1, soon: S1, normal: S2, whenever: S2 }\n"
	"  medium:   { immediate: S2, soon: S3, normal: S3, whenever: S4 }\n"
	"  HIGH:\n"
	"    Immediate: S1\n"
	"    soon: s2\n"
	"    normal: S2\n"
	"    whenever: S3\n"
	"channels: [phone, Fax, \"e-mail\"]\n"
	"categories:\n"
	"  hardware: [desktop, printer]\n"
	"  facilities:\n"
	"  \"software: office\": [word, excel]\n"
	"practices:\n"
	"  request: request fulfilment\n"
	"tiers: [L1, L2]\n"
	"groups:\n"
	"  - name: desk\n"
	"    tier: l1\n"
	"  - name: experts\n"
	"    tier: L2\n"
	"  - name: night-desk\n"
	"    tier: L1\n"
	"resolution_codes: [fixed, \"won't fix\"]\n"
	"auto_close: 1w2d\n";

static const char *const imp4[] = { "critical", "high", "medium", "low" };
static const char *const urg4[] = { "immediate", "soon", "normal", "whenever" };
static const char *const matrix4[] = {
	"S1", "S1", "S2", "S2",
	"S1", "S2", "S2", "S3",
	"S2", "S3", "S3", "S4",
	"S3", "S3", "S4", "S4",
};

static void
test_custom_4x4_matrix(void **state)
{
	itsm_policy *p = load_clean(yaml4x4);
	char r[8];
	size_t i, u;

	(void)state;
	assert_string_equal(itsm_policy_source(p), NAME);
	check_matrix(p, imp4, 4, urg4, 4, matrix4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(itsm_policy_level_rank(p, ITSM_IMPACT, i),
		    (int)i + 1);
		assert_int_equal(itsm_policy_level_rank(p, ITSM_URGENCY, i),
		    (int)i + 1);
		snprintf(r, sizeof(r), "%zu", i + 1);
		assert_int_equal(level(p, ITSM_IMPACT, r), i);
		for (u = 0; u < 4; u++)
			assert_int_equal(itsm_policy_matrix(p, i, u),
			    matrix4[i * 4 + u][1] - '1');
	}
	assert_string_equal(itsm_policy_level_description(p, ITSM_IMPACT, 0),
	    "the whole company");
	assert_string_equal(itsm_policy_level_description(p, ITSM_IMPACT, 1),
	    "a site, or a \"department\"");
	assert_null(itsm_policy_level_description(p, ITSM_IMPACT, 2));
	assert_string_equal(itsm_policy_level_description(p, ITSM_IMPACT, 3),
	    "one user: a nuisance");
	assert_null(itsm_policy_level_description(p, ITSM_URGENCY, 0));
	itsm_policy_free(p);
}

static void
test_custom_4x4_priorities(void **state)
{
	itsm_policy *p = load_clean(yaml4x4);

	(void)state;
	assert_int_equal(itsm_policy_priority_count(p), 4);
	assert_string_equal(itsm_policy_priority_label(p, 0), "all hands");
	assert_true(itsm_policy_priority_response(p, 0) == 300);
	assert_true(itsm_policy_priority_resolution(p, 0) == 5400);
	assert_true(itsm_policy_priority_stagnation(p, 0) == 1800);
	assert_string_equal(itsm_policy_priority_label(p, 1), "urgent");
	/* No stagnation: the resolution target. */
	assert_true(itsm_policy_priority_stagnation(p, 1) == 4 * 3600);
	assert_null(itsm_policy_priority_label(p, 2));
	assert_true(itsm_policy_priority_stagnation(p, 2) == 86400);
	assert_string_equal(itsm_policy_priority_label(p, 3), "when possible");
	assert_true(itsm_policy_priority_resolution(p, 3) == 14 * 86400);
	itsm_policy_free(p);
}

static void
test_custom_accessors(void **state)
{
	static const char *const channels[] = { "phone", "Fax", "e-mail" };
	static const char *const cats[] = { "hardware", "facilities",
	    "software: office" };
	static const char *const tiers[] = { "L1", "L2" };
	static const char *const groups[] = { "desk", "experts", "night-desk" };
	static const char *const gtiers[] = { "L1", "L2", "L1" };
	static const char *const codes[] = { "fixed", "won't fix" };
	itsm_policy *p = load_clean(yaml4x4);
	size_t i;

	(void)state;
	check_list(itsm_policy_channel_count(p), itsm_policy_channel, p,
	    channels, NELEM(channels));
	check_list(itsm_policy_category_count(p), itsm_policy_category, p,
	    cats, NELEM(cats));
	assert_int_equal(itsm_policy_subcategory_count(p, 0), 2);
	assert_string_equal(itsm_policy_subcategory(p, 0, 1), "printer");
	assert_int_equal(itsm_policy_subcategory_count(p, 1), 0);
	assert_null(itsm_policy_subcategory(p, 1, 0));
	assert_int_equal(itsm_policy_subcategory_count(p, 2), 2);
	assert_string_equal(itsm_policy_subcategory(p, 2, 0), "word");
	assert_int_equal(itsm_policy_subcategory_find(p, 1, "desk", &i),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "names none"));
	assert_int_equal(itsm_policy_category_find(p, "SOFTWARE: Office", &i),
	    0);
	assert_int_equal(i, 2);
	assert_null(itsm_policy_practice(p, ITSM_INCIDENT));
	assert_string_equal(itsm_policy_practice(p, ITSM_REQUEST),
	    "request fulfilment");
	assert_string_equal(itsm_policy_practice(p, ITSM_CHANGE),
	    "change enablement");
	check_list(itsm_policy_tier_count(p), itsm_policy_tier, p, tiers,
	    NELEM(tiers));
	check_list(itsm_policy_group_count(p), itsm_policy_group, p, groups,
	    NELEM(groups));
	/* A group's tier is the tier's own spelling. */
	for (i = 0; i < NELEM(groups); i++)
		assert_string_equal(itsm_policy_group_tier(p, i), gtiers[i]);
	assert_string_equal(itsm_policy_default_group(p), "desk");
	check_list(itsm_policy_resolution_code_count(p),
	    itsm_policy_resolution_code, p, codes, NELEM(codes));
	assert_true(itsm_policy_auto_close(p) == 9 * 86400);
	itsm_policy_free(p);
}

/* The optional keys absent: the defaults. */
static const char minimal[] =
	"impact:\n"
	"  - name: big\n"
	"  - name: small\n"
	"urgency:\n"
	"  - name: now\n"
	"priorities:\n"
	"  - name: A\n"
	"    response: 1h\n"
	"    resolution: 1h\n"
	"  - name: B\n"
	"    response: 0\n"
	"    resolution: 0s\n"
	"matrix:\n"
	"  big: { now: A }\n"
	"  small: { now: B }\n";

static void
test_defaults_when_absent(void **state)
{
	static const char *const channels[] = { "phone", "email", "chat",
	    "walk-in", "portal", "monitoring" };
	static const char *const tiers[] = { "N1", "N2", "N3" };
	static const char *const codes[] = { "solved", "workaround",
	    "not-reproducible", "user-error", "duplicate" };
	itsm_policy *p = load_clean(minimal);
	size_t i = 99;

	(void)state;
	/* Ranks default to the order of the list; no descriptions. */
	assert_int_equal(itsm_policy_level_rank(p, ITSM_IMPACT, 0), 1);
	assert_int_equal(itsm_policy_level_rank(p, ITSM_IMPACT, 1), 2);
	assert_int_equal(itsm_policy_level_rank(p, ITSM_URGENCY, 0), 1);
	assert_null(itsm_policy_level_description(p, ITSM_IMPACT, 0));
	assert_null(itsm_policy_priority_label(p, 0));
	assert_true(itsm_policy_priority_stagnation(p, 0) == 3600);
	assert_true(itsm_policy_priority_response(p, 1) == 0);
	assert_true(itsm_policy_priority_stagnation(p, 1) == 0);
	check_list(itsm_policy_channel_count(p), itsm_policy_channel, p,
	    channels, NELEM(channels));
	assert_int_equal(itsm_policy_category_count(p), 0);
	assert_null(itsm_policy_category(p, 0));
	assert_int_equal(itsm_policy_category_find(p, "hardware", &i),
	    ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown category 'hardware' (the "
	    "policy names none)");
	assert_null(itsm_policy_practice(p, ITSM_INCIDENT));
	assert_string_equal(itsm_policy_practice(p, ITSM_REQUEST),
	    "service request management");
	assert_string_equal(itsm_policy_practice(p, ITSM_CHANGE),
	    "change enablement");
	check_list(itsm_policy_tier_count(p), itsm_policy_tier, p, tiers,
	    NELEM(tiers));
	assert_int_equal(itsm_policy_group_count(p), 0);
	assert_null(itsm_policy_group(p, 0));
	assert_null(itsm_policy_default_group(p));
	assert_int_equal(itsm_policy_group_find(p, "desk", &i),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "names none"));
	check_list(itsm_policy_resolution_code_count(p),
	    itsm_policy_resolution_code, p, codes, NELEM(codes));
	assert_true(itsm_policy_auto_close(p) == 5 * 86400);
	assert_int_equal(i, 99);
	itsm_policy_free(p);
}

static void
test_empty_lists(void **state)
{
	char yaml[2048];
	itsm_policy *p;

	(void)state;
	snprintf(yaml, sizeof(yaml), "%s%s", minimal,
	    "channels: []\n"
	    "categories: {}\n"
	    "tiers: [T]\n"
	    "groups: []\n"
	    "resolution_codes: []\n"
	    "auto_close: 0\n");
	p = load_clean(yaml);
	assert_int_equal(itsm_policy_channel_count(p), 0);
	assert_null(itsm_policy_channel(p, 0));
	assert_int_equal(itsm_policy_category_count(p), 0);
	assert_int_equal(itsm_policy_tier_count(p), 1);
	assert_int_equal(itsm_policy_group_count(p), 0);
	assert_null(itsm_policy_default_group(p));
	assert_int_equal(itsm_policy_resolution_code_count(p), 0);
	assert_true(itsm_policy_auto_close(p) == 0);
	check_round_trip(p);
	itsm_policy_free(p);
}

/* database: {share: owner|group}, owner when absent; other values refused. */
static void
test_database_share(void **state)
{
	char yaml[2048];
	itsm_policy *p;

	(void)state;
	p = load_clean(minimal);
	assert_int_equal(itsm_policy_share_group(p), 0);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase: {share: owner}\n", minimal);
	p = load_clean(yaml);
	assert_int_equal(itsm_policy_share_group(p), 0);
	check_round_trip(p);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase:\n  share: group\n", minimal);
	p = load_clean(yaml);
	assert_int_equal(itsm_policy_share_group(p), 1);
	check_round_trip(p);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase: {share: world}\n", minimal);
	check_error_at(yaml, 16, 19, "unknown share 'world'");
	snprintf(yaml, sizeof(yaml), "%sdatabase: {shared: group}\n", minimal);
	check_error_at(yaml, 16, 12, "unknown key 'shared' in database");
	snprintf(yaml, sizeof(yaml), "%sdatabase: group\n", minimal);
	check_error_at(yaml, 16, 11, "database must be a mapping");
	snprintf(yaml, sizeof(yaml), "%sdatabase: {share: [group]}\n",
	    minimal);
	check_error_at(yaml, 16, 19, "share");
}

/* database: {busy_timeout: DURATION}, 10s when absent, from 1s to 1h. */
static void
test_database_busy_timeout(void **state)
{
	char yaml[2048];
	itsm_policy *p;

	(void)state;
	p = load_clean(minimal);
	assert_true(itsm_policy_busy_timeout(p) == 10);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase: {busy_timeout: 2m}\n",
	    minimal);
	p = load_clean(yaml);
	assert_true(itsm_policy_busy_timeout(p) == 120);
	assert_int_equal(itsm_policy_share_group(p), 0);
	check_round_trip(p);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase:\n  share: group\n"
	    "  busy_timeout: 1h\n", minimal);
	p = load_clean(yaml);
	assert_true(itsm_policy_busy_timeout(p) == 3600);
	assert_int_equal(itsm_policy_share_group(p), 1);
	check_round_trip(p);
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%sdatabase: {busy_timeout: 0s}\n",
	    minimal);
	check_error_at(yaml, 16, 26, "busy_timeout must be from 1s to 1h");
	snprintf(yaml, sizeof(yaml), "%sdatabase: {busy_timeout: 2h}\n",
	    minimal);
	check_error_at(yaml, 16, 26, "busy_timeout must be from 1s to 1h");
	snprintf(yaml, sizeof(yaml), "%sdatabase: {busy_timeout: soon}\n",
	    minimal);
	check_error_at(yaml, 16, 26, "busy_timeout");
}

/* No group in the lowest tier: no default group. */
static void
test_default_group_lowest_tier(void **state)
{
	char yaml[2048];
	itsm_policy *p;

	(void)state;
	snprintf(yaml, sizeof(yaml), "%s%s", minimal,
	    "tiers: [N1, N2, N3]\n"
	    "groups:\n"
	    "  - { name: l2, tier: N2 }\n"
	    "  - { name: l3, tier: N3 }\n");
	p = load_clean(yaml);
	assert_null(itsm_policy_default_group(p));
	itsm_policy_free(p);
	snprintf(yaml, sizeof(yaml), "%s%s", minimal,
	    "groups:\n"
	    "  - { name: l2, tier: N2 }\n"
	    "  - { name: desk, tier: n1 }\n");
	p = load_clean(yaml);
	assert_string_equal(itsm_policy_default_group(p), "desk");
	itsm_policy_free(p);
}

static void
test_levels_2x5(void **state)
{
	static const char yaml[] =
		"impact:\n"
		"  - { name: organisation, rank: 1 }\n"
		"  - { name: person, rank: 2 }\n"
		"urgency:\n"
		"  - { name: trivial, rank: 50 }\n"
		"  - { name: blocker, rank: 10 }\n"
		"  - { name: minor, rank: 40 }\n"
		"  - { name: critical, rank: 20 }\n"
		"  - { name: major, rank: 30 }\n"
		"priorities:\n"
		"  - { name: hot, response: 10m, resolution: 1h }\n"
		"  - { name: warm, response: 1h, resolution: 1d }\n"
		"  - { name: cold, response: 1d, resolution: 1w }\n"
		"matrix:\n"
		"  organisation: { blocker: hot, critical: hot, major: warm,"
		" minor: warm, trivial: cold }\n"
		"  person: { blocker: hot, critical: warm, major: warm,"
		" minor: cold, trivial: cold }\n";
	static const char *const imp[] = { "organisation", "person" };
	static const char *const urg[] = { "blocker", "critical", "major",
	    "minor", "trivial" };
	static const char *const want[] = {
		"hot", "hot", "warm", "warm", "cold",
		"hot", "warm", "warm", "cold", "cold",
	};
	itsm_policy *p = load_clean(yaml);

	(void)state;
	check_matrix(p, imp, 2, urg, 5, want);
	assert_int_equal(itsm_policy_level_rank(p, ITSM_URGENCY, 0), 10);
	assert_int_equal(itsm_policy_level_rank(p, ITSM_URGENCY, 4), 50);
	assert_int_equal(level(p, ITSM_URGENCY, "30"), 2);
	assert_int_equal(level(p, ITSM_URGENCY, "50"), 4);
	assert_int_equal(itsm_policy_level_find(p, ITSM_URGENCY, "3", &(size_t){
	    0 }), ITSM_E_INVALID);
	assert_string_equal(itsm_errmsg(), "unknown urgency '3' (expected one "
	    "of: blocker, critical, major, minor, trivial, or a rank from the "
	    "policy)");
	assert_string_equal(cell(p, "2", "10"), "hot");
	assert_string_equal(cell(p, "2", "20"), "warm");
	check_round_trip(p);
	itsm_policy_free(p);
}

static void
test_levels_1x1_and_6x1(void **state)
{
	static const char one[] =
		"impact: [{ name: any }]\n"
		"urgency: [{ name: any }]\n"
		"priorities: [{ name: only, response: 1h, resolution: 1h }]\n"
		"matrix: { any: { any: only } }\n";
	static const char six[] =
		"impact: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e},"
		" {name: f}]\n"
		"urgency: [{name: u}]\n"
		"priorities:\n"
		"  - { name: p1, response: 1m, resolution: 1h }\n"
		"  - { name: p2, response: 1m, resolution: 1h }\n"
		"  - { name: p3, response: 1m, resolution: 1h }\n"
		"matrix: { a: {u: p1}, b: {u: p1}, c: {u: p2}, d: {u: p2},"
		" e: {u: p3}, f: {u: p3} }\n";
	static const char *const imp6[] = { "a", "b", "c", "d", "e", "f" };
	static const char *const u1[] = { "u" };
	static const char *const want6[] = { "p1", "p1", "p2", "p2", "p3",
	    "p3" };
	static const char *const any[] = { "any" };
	static const char *const only[] = { "only" };
	itsm_policy *p;

	(void)state;
	p = load_clean(one);
	check_matrix(p, any, 1, any, 1, only);
	check_round_trip(p);
	itsm_policy_free(p);
	p = load_clean(six);
	check_matrix(p, imp6, 6, u1, 1, want6);
	assert_int_equal(level(p, ITSM_IMPACT, "6"), 5);
	check_round_trip(p);
	itsm_policy_free(p);
}

/* ---- validation ---- */

/*
 * The base of the error tests; line numbers matter.  Line 1 is a comment,
 * so the root mapping starts at 2:1.
 */
static const char *const base[] = {
	/*  1 */ "# base policy for the error tests",
	/*  2 */ "impact:",
	/*  3 */ "  - name: high",
	/*  4 */ "    rank: 1",
	/*  5 */ "  - name: low",
	/*  6 */ "    rank: 2",
	/*  7 */ "urgency:",
	/*  8 */ "  - name: high",
	/*  9 */ "    rank: 1",
	/* 10 */ "  - name: low",
	/* 11 */ "    rank: 2",
	/* 12 */ "priorities:",
	/* 13 */ "  - name: P1",
	/* 14 */ "    response: 15m",
	/* 15 */ "    resolution: 4h",
	/* 16 */ "  - name: P2",
	/* 17 */ "    response: 1h",
	/* 18 */ "    resolution: 1d",
	/* 19 */ "matrix:",
	/* 20 */ "  high: { high: P1, low: P1 }",
	/* 21 */ "  low:  { high: P1, low: P2 }",
};
#define NBASE NELEM(base)

/*
 * The base with lines from..to (1-based, inclusive) replaced by text
 * (lines ending in "\n", or "" to delete them); from = NBASE + 1 appends.
 */
static const char *
edit(unsigned from, unsigned to, const char *text)
{
	static char buf[4096];
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 1; i <= NBASE + 1; i++) {
		if (i == from)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s", text);
		if (i <= NBASE && (i < from || i > to))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s\n", base[i - 1]);
	}
	assert_true(off < sizeof(buf));
	return buf;
}

#define REPLACE(n, text) edit((n), (n), text)
#define APPEND(text) edit(NBASE + 1, NBASE + 1, text)

static void
test_base_is_valid(void **state)
{
	itsm_policy *p;

	(void)state;
	p = load_clean(edit(NBASE + 1, NBASE + 1, ""));
	assert_string_equal(cell(p, "low", "low"), "P2");
	assert_string_equal(cell(p, "high", "low"), "P1");
	itsm_policy_free(p);
}

static void
test_error_yaml_syntax(void **state)
{
	(void)state;
	/* A line indented under a plain scalar: "mapping values ...". */
	check_error_at(REPLACE(4, "      rank: 1\n"), 4, 11,
	    "mapping values are not allowed");
	/* A tab where indentation is expected. */
	check_error_at(REPLACE(17, "\tresponse: 1h\n"), 17, 1,
	    "found a tab character that violates indentation");
	/* An unclosed flow mapping. */
	check_error_at(REPLACE(20, "  high: { high: P1, low: P1\n"), 21, 6,
	    "did not find expected ',' or '}'");
	/* An unterminated quoted scalar: found at the end of the stream. */
	check_error_at(REPLACE(3, "  - name: \"high\n"), 22, 1,
	    "found unexpected end of stream while scanning a quoted scalar");
}

static void
test_error_matrix_cell_missing(void **state)
{
	(void)state;
	/* A row without a cell: at that row. */
	check_error_at(REPLACE(21, "  low:  { high: P1 }\n"), 21, 3,
	    "matrix has no cell for impact 'low' and urgency 'low'");
	check_error_at(REPLACE(20, "  high: { low: P1 }\n"), 20, 3,
	    "matrix has no cell for impact 'high' and urgency 'high'");
	check_error_at(REPLACE(20, "  high: {}\n"), 20, 3,
	    "no cell for impact 'high' and urgency 'high'");
	/* A block row. */
	check_error_at(REPLACE(21, "  low:\n    high: P1\n"), 21, 3,
	    "no cell for impact 'low' and urgency 'low'");
	/* A whole row missing: at the matrix. */
	check_error_at(REPLACE(21, ""), 20, 3,
	    "matrix has no cell for impact 'low' and urgency 'high'");
	check_error_at(edit(19, 21, "matrix: {}\n"), 19, 9,
	    "matrix has no cell for impact 'high' and urgency 'high'");
}

static void
test_error_matrix_unknown_level(void **state)
{
	(void)state;
	check_error_at(REPLACE(21, "  lwo:  { high: P1, low: P2 }\n"), 21, 3,
	    "unknown impact level 'lwo' in matrix");
	check_error_at(REPLACE(20, "  high: { high: P1, lo: P1 }\n"), 20, 21,
	    "unknown urgency level 'lo' in matrix");
	/* Ranks are not level names in the matrix. */
	check_error_at(REPLACE(20, "  1: { high: P1, low: P1 }\n"), 20, 3,
	    "unknown impact level '1' in matrix");
}

static void
test_error_matrix_unknown_priority(void **state)
{
	(void)state;
	check_error_at(REPLACE(21, "  low:  { high: P1, low: P9 }\n"), 21, 26,
	    "unknown priority 'P9' in matrix");
	check_error_at(REPLACE(20, "  high: { high: '', low: P1 }\n"), 20, 17,
	    "matrix cell must not be empty");
	check_error_at(REPLACE(20, "  high: { high: [P1], low: P1 }\n"), 20,
	    17, "matrix cell must be a single value");
	check_error_at(REPLACE(20, "  high: P1\n"), 20, 9,
	    "matrix row 'high' must map urgency levels to priorities");
	check_error_at(edit(19, 21, "matrix: [P1]\n"), 19, 9,
	    "matrix must map each impact level");
}

static void
test_error_bad_duration(void **state)
{
	(void)state;
	check_error_at(REPLACE(17, "    response: 1x\n"), 17, 15,
	    "response: invalid duration '1x'");
	check_error_at(REPLACE(18, "    resolution: 1h30\n"), 18, 17,
	    "resolution: invalid duration '1h30'");
	check_error_at(REPLACE(17, "    response: 5\n"), 17, 15,
	    "invalid duration '5'");
	check_error_at(APPEND("auto_close: 1 month\n"), 22, 13,
	    "auto_close: invalid duration '1 month'");
	check_error_at(REPLACE(18, "    resolution: 1d\n    stagnation: "
	    "m\n"), 19, 17, "stagnation: invalid duration 'm'");
	check_error_at(REPLACE(17, "    response: \n"), 17, 14,
	    "response must not be empty");
}

static void
test_error_duplicate_key(void **state)
{
	(void)state;
	check_error_at(APPEND("impact: []\n"), 22, 1,
	    "duplicate key 'impact' in the policy (first at line 2)");
	check_error_at(REPLACE(6, "    name: again\n"), 6, 5,
	    "duplicate key 'name' in impact (first at line 5)");
	check_error_at(REPLACE(20, "  high: { high: P1, HIGH: P1 }\n"), 20, 21,
	    "duplicate key 'HIGH' in matrix row (first at line 20)");
	check_error_at(REPLACE(21, "  High: { high: P1, low: P2 }\n"), 21, 3,
	    "duplicate key 'High' in matrix (first at line 20)");
	check_error_at(REPLACE(18, "    resolution: 1d\n    response: 2h\n"),
	    19, 5, "duplicate key 'response' in priority (first at line 17)");
}

static void
test_error_unknown_key(void **state)
{
	(void)state;
	check_error_at(APPEND("colour: red\n"), 22, 1,
	    "unknown key 'colour' in the policy");
	check_error_at(REPLACE(1, "Impact: []\n"), 1, 1,
	    "unknown key 'Impact' in the policy");
	check_error_at(REPLACE(4, "    rnak: 1\n"), 4, 5,
	    "unknown key 'rnak' in impact");
	check_error_at(REPLACE(15, "    resolution: 4h\n    stagantion: 1h\n"),
	    16, 5, "unknown key 'stagantion' in priority");
	check_error_at(APPEND("practices:\n  incident: none\n"), 23, 3,
	    "unknown key 'incident' in practices");
	check_error_at(APPEND("groups:\n  - name: desk\n    tier: N1\n"
	    "    lead: bob\n"), 25, 5, "unknown key 'lead' in group");
}

static void
test_error_duplicate_level_name(void **state)
{
	(void)state;
	check_error_at(REPLACE(5, "  - name: HIGH\n"), 5, 11,
	    "duplicate level 'HIGH'");
	check_error_at(REPLACE(10, "  - name: high\n"), 10, 11,
	    "duplicate level 'high'");
}

static void
test_error_duplicate_rank(void **state)
{
	(void)state;
	check_error_at(REPLACE(6, "    rank: 1\n"), 6, 11,
	    "duplicate impact rank 1 ('high' and 'low')");
	/* A default rank (the position) can collide with an explicit one. */
	check_error_at(REPLACE(9, "    rank: 2\n"), 11, 11,
	    "duplicate urgency rank 2 ('high' and 'low')");
	check_error_at(edit(9, 11, "    rank: 2\n  - name: low\n"), 10, 5,
	    "duplicate urgency rank 2 ('high' and 'low')");
}

static void
test_error_bad_rank(void **state)
{
	(void)state;
	check_error_at(REPLACE(4, "    rank: 0\n"), 4, 11,
	    "rank must be a whole number from 1 to 1000, not '0'");
	check_error_at(REPLACE(4, "    rank: first\n"), 4, 11,
	    "rank must be a whole number");
	check_error_at(REPLACE(4, "    rank: 1.5\n"), 4, 11,
	    "not '1.5'");
	check_error_at(REPLACE(4, "    rank: 1001\n"), 4, 11,
	    "not '1001'");
	check_error_at(REPLACE(4, "    rank: 99999999999999999999\n"), 4, 11,
	    "rank must be a whole number");
}

static void
test_error_missing_sections(void **state)
{
	(void)state;
	check_error_at(edit(2, 6, ""), 2, 1, "no impact levels");
	check_error_at(edit(7, 11, ""), 2, 1, "no urgency levels");
	check_error_at(edit(12, 18, ""), 2, 1, "no priorities");
	check_error_at(edit(19, 21, ""), 2, 1, "no matrix");
	/* Present but empty. */
	check_error_at(edit(2, 6, "impact: []\n"), 2, 9,
	    "impact must be a list of levels");
	check_error_at(edit(7, 11, "urgency:\n"), 7, 9,
	    "urgency must be a list of levels");
	check_error_at(edit(12, 18, "priorities: []\n"), 12, 13,
	    "priorities must be a list");
	check_error_at(edit(19, 21, "matrix:\n"), 19, 8,
	    "matrix must map each impact level");
}

static void
test_error_level_name(void **state)
{
	(void)state;
	check_error_at(REPLACE(5, "  - name: 2\n"), 5, 11,
	    "level name '2' must not be a number");
	check_error_at(REPLACE(5, "  - name: '7'\n"), 5, 11,
	    "level name '7' must not be a number");
	check_error_at(REPLACE(5, "  - name: ''\n"), 5, 11,
	    "level must not be empty");
	check_error_at(REPLACE(5, "  - nom: low\n"), 5, 5,
	    "unknown key 'nom' in impact");
	check_error_at(edit(5, 6, "  - rank: 2\n"), 5, 5,
	    "impact level without a name");
	check_error_at(edit(5, 6, "  - low\n"), 5, 5,
	    "each impact level must be a mapping");
	check_error_at(REPLACE(5, "  - name: [low]\n"), 5, 11,
	    "level must be a single value");
}

static void
test_error_priorities(void **state)
{
	(void)state;
	check_error_at(REPLACE(16, "  - name: p1\n"), 16, 11,
	    "duplicate priority 'p1'");
	check_error_at(edit(17, 17, ""), 16, 5,
	    "priority 'P2' has no response target");
	check_error_at(edit(18, 18, ""), 16, 5,
	    "priority 'P2' has no resolution target");
	check_error_at(edit(16, 18, "  - P2\n"), 16, 5,
	    "each priority must be a mapping");
	check_error_at(edit(16, 16, "  - label: none\n"), 16, 5,
	    "priority without a name");
}

static void
test_error_resolution_shorter(void **state)
{
	(void)state;
	check_error_at(REPLACE(18, "    resolution: 30m\n"), 18, 17,
	    "priority 'P2': resolution target is shorter than its response "
	    "target");
	check_error_at(REPLACE(18, "    resolution: 59m59s\n"), 18, 17,
	    "resolution target is shorter");
}

static void
test_error_groups_and_tiers(void **state)
{
	(void)state;
	check_error_at(APPEND("tiers: [N1, N2]\ngroups:\n  - name: desk\n"
	    "    tier: N3\n"), 25, 11, "unknown tier 'N3' for group 'desk'");
	/* Without tiers: N1..N3. */
	check_error_at(APPEND("groups:\n  - name: desk\n    tier: L1\n"), 24,
	    11, "unknown tier 'L1' for group 'desk'");
	check_error_at(APPEND("groups:\n  - name: desk\n"), 23, 5,
	    "group 'desk' has no tier");
	check_error_at(APPEND("groups:\n  - { name: desk, tier: N1 }\n"
	    "  - { name: Desk, tier: N2 }\n"), 24, 13, "duplicate group 'Desk'");
	check_error_at(APPEND("tiers: []\n"), 22, 8, "tiers must not be empty");
	check_error_at(APPEND("tiers: [N1, n1]\n"), 22, 13,
	    "duplicate tier 'n1'");
	check_error_at(APPEND("groups: desk\n"), 22, 9,
	    "groups must be a list");
}

static void
test_error_lists(void **state)
{
	(void)state;
	check_error_at(APPEND("channels: [phone, Phone]\n"), 22, 19,
	    "duplicate channel 'Phone'");
	check_error_at(APPEND("channels: phone\n"), 22, 11,
	    "channel must be a list");
	check_error_at(APPEND("categories: [hardware]\n"), 22, 13,
	    "categories must map each category");
	check_error_at(APPEND("categories:\n  hardware: printer\n"), 23, 13,
	    "subcategory must be a list");
	check_error_at(APPEND("categories:\n  hardware: [printer, printer]\n"),
	    23, 23, "duplicate subcategory 'printer'");
	check_error_at(APPEND("categories:\n  hardware: []\n  Hardware: []\n"),
	    24, 3, "duplicate key 'Hardware' in categories");
	check_error_at(APPEND("resolution_codes: [fixed, '']\n"), 22, 27,
	    "resolution code must not be empty");
	check_error_at(APPEND("practices: none\n"), 22, 12,
	    "practices must map request and change");
}

static void
test_error_root_not_mapping(void **state)
{
	(void)state;
	check_error_at("# a list is not a policy\n- impact\n- urgency\n", 2, 1,
	    "the policy must be a mapping");
	check_error_at("\n\njust words\n", 3, 1, "the policy must be a mapping");
}

static void
test_error_empty_document(void **state)
{
	(void)state;
	check_error_at("", 1, 1, "the policy must be a mapping");
	check_error_at("# nothing but a comment\n", 1, 1,
	    "the policy must be a mapping");
}

static void
test_error_file_name_in_message(void **state)
{
	char dir[] = "/tmp/itsm-test-policy-XXXXXX", path[64];
	const char *yaml = REPLACE(17, "    response: 1x\n");
	itsm_policy *p = (itsm_policy *)1;
	char want[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/team.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	assert_int_equal(itsm_policy_load_file(&p, path), ITSM_E_CONFIG);
	assert_null(p);
	snprintf(want, sizeof(want), "%s:17:15: response: invalid duration "
	    "'1x'", path);
	assert_memory_equal(itsm_errmsg(), want, strlen(want));
	unlink(path);
	rmdir(dir);
}

static void
test_matrix_not_monotonic_warns(void **state)
{
	itsm_policy *p;

	(void)state;
	/* More urgency and more impact than (high, low) give a lower P2. */
	p = load(REPLACE(20, "  high: { high: P2, low: P1 }\n"));
	assert_int_equal(itsm_policy_warning_count(p), 2);
	assert_string_equal(itsm_policy_warning(p, 0), NAME ":20:3: matrix is "
	    "not monotonic: impact 'high' gives P2 but the lower impact 'low' "
	    "gives P1 (urgency 'high')");
	assert_string_equal(itsm_policy_warning(p, 1), NAME ":20:3: matrix is "
	    "not monotonic: urgency 'high' gives P2 but the lower urgency "
	    "'low' gives P1 (impact 'high')");
	assert_null(itsm_policy_warning(p, 2));
	/* It still loads as written. */
	assert_string_equal(cell(p, "high", "high"), "P2");
	assert_string_equal(cell(p, "high", "low"), "P1");
	itsm_policy_free(p);

	/* Only the impact axis out of order. */
	p = load(edit(20, 21, "  high: { high: P2, low: P2 }\n"
	    "  low:  { high: P1, low: P2 }\n"));
	assert_int_equal(itsm_policy_warning_count(p), 1);
	assert_non_null(strstr(itsm_policy_warning(p, 0),
	    "impact 'high' gives P2 but the lower impact 'low' gives P1"));
	itsm_policy_free(p);

	/* Flat is monotonic. */
	p = load_clean(edit(20, 21, "  high: { high: P2, low: P2 }\n"
	    "  low:  { high: P2, low: P2 }\n"));
	itsm_policy_free(p);
}

/* ---- writing YAML back ---- */

static void
test_to_yaml_round_trip_default(void **state)
{
	itsm_policy *p = NULL;
	char *y = NULL;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	check_round_trip(p);
	/* The shape of the default file. */
	assert_int_equal(itsm_policy_to_yaml(p, &y, NULL), 0);
	assert_non_null(strstr(y, "\nmatrix:\n  high: {high: P1, medium: P2, "
	    "low: P3}\n"));
	assert_non_null(strstr(y, "\nauto_close: 5d\n"));
	assert_non_null(strstr(y, "  response: 15m\n"));
	free(y);
	itsm_policy_free(p);
}

static void
test_to_yaml_round_trip_4x4(void **state)
{
	itsm_policy *p = load_clean(yaml4x4);
	char *y = NULL;
	size_t n = 0;

	(void)state;
	check_round_trip(p);
	assert_int_equal(itsm_policy_to_yaml(p, &y, &n), 0);
	/* Levels in rank order, canonical names, durations normalised. */
	assert_non_null(strstr(y, "\n  critical: {immediate: S1, soon: S1, "
	    "normal: S2, whenever: S2}\n"));
	assert_non_null(strstr(y, "\n  high: {immediate: S1, soon: S2, "
	    "normal: S2, whenever: S3}\n"));
	assert_non_null(strstr(y, "\nauto_close: 1w2d\n"));
	assert_null(strstr(y, "HIGH"));
	free(y);
	itsm_policy_free(p);
}

/* ---- files and the search order ---- */

static void
rm_rf(const char *path)
{
	struct dirent *e;
	struct stat st;
	char sub[4096];
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			rm_rf(sub);
		}
		closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void
test_load_file_missing(void **state)
{
	char dir[] = "/tmp/itsm-test-policy-XXXXXX", path[64];
	itsm_policy *p = (itsm_policy *)1;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);
	assert_int_equal(itsm_policy_load_file(&p, path), ITSM_E_IO);
	assert_non_null(strstr(itsm_errmsg(), path));
	assert_non_null(strstr(itsm_errmsg(), "No such file"));
	/* A directory cannot be read as a policy either. */
	assert_int_equal(itsm_policy_load_file(&p, dir), ITSM_E_IO);
	assert_non_null(strstr(itsm_errmsg(), dir));
	rmdir(dir);
}

static const char *const env_names[] = { "ITSM_CONFIG", "XDG_CONFIG_HOME",
    "HOME" };
#define NENV NELEM(env_names)

struct search {
	char dir[64];
	char explicit[128], env[128], xdg[128], home[128];
	char *saved[NENV];
};

/* Writes the minimal policy with auto_close set to mark where it came from. */
static void
write_policy(const char *path, const char *auto_close)
{
	char dir[256], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%sauto_close: %s\n", minimal, auto_close);
	assert_int_equal(fclose(f), 0);
}

static int
search_setup(void **state)
{
	struct search *s = calloc(1, sizeof(*s));
	const char *v;
	size_t i;

	if (s == NULL)
		return -1;
	strcpy(s->dir, "/tmp/itsm-test-policy-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	snprintf(s->explicit, sizeof(s->explicit), "%s/explicit.yaml", s->dir);
	snprintf(s->env, sizeof(s->env), "%s/env.yaml", s->dir);
	snprintf(s->xdg, sizeof(s->xdg), "%s/xdg/itsm/config.yaml", s->dir);
	snprintf(s->home, sizeof(s->home), "%s/home/.config/itsm/config.yaml",
	    s->dir);
	for (i = 0; i < NENV; i++)
		if ((v = getenv(env_names[i])) != NULL)
			s->saved[i] = strdup(v);
	*state = s;
	return 0;
}

static int
search_teardown(void **state)
{
	struct search *s = *state;
	size_t i;

	for (i = 0; i < NENV; i++) {
		if (s->saved[i] != NULL)
			setenv(env_names[i], s->saved[i], 1);
		else
			unsetenv(env_names[i]);
		free(s->saved[i]);
	}
	rm_rf(s->dir);
	free(s);
	return 0;
}

/* Loads through the search order; checks the source and its marker. */
static void
check_loaded(const char *path, const char *want_source, int64_t want_close)
{
	itsm_policy *p = NULL;
	int rc = itsm_policy_load(&p, path);

	if (rc != 0)
		print_error("itsm_policy_load: %s\n", itsm_errmsg());
	assert_int_equal(rc, 0);
	assert_string_equal(itsm_policy_source(p), want_source);
	assert_true(itsm_policy_auto_close(p) == want_close);
	itsm_policy_free(p);
}

static int
have_etc_config(void)
{
	struct stat st;

	return stat("/etc/itsm/config.yaml", &st) == 0;
}

static void
test_search_order(void **state)
{
	struct search *s = *state;
	char xdgdir[128], homedir[128];

	snprintf(xdgdir, sizeof(xdgdir), "%s/xdg", s->dir);
	snprintf(homedir, sizeof(homedir), "%s/home", s->dir);
	write_policy(s->explicit, "1d");
	write_policy(s->env, "2d");
	write_policy(s->xdg, "3d");
	write_policy(s->home, "4d");
	setenv("ITSM_CONFIG", s->env, 1);
	setenv("XDG_CONFIG_HOME", xdgdir, 1);
	setenv("HOME", homedir, 1);

	/* 1. The explicit path wins over everything. */
	check_loaded(s->explicit, s->explicit, 86400);
	/* 2. Then ITSM_CONFIG. */
	check_loaded(NULL, s->env, 2 * 86400);
	/* 3. Then $XDG_CONFIG_HOME/itsm/config.yaml. */
	unsetenv("ITSM_CONFIG");
	check_loaded(NULL, s->xdg, 3 * 86400);
	setenv("ITSM_CONFIG", "", 1);	/* empty is unset */
	check_loaded(NULL, s->xdg, 3 * 86400);
	/* 4. Without XDG_CONFIG_HOME: ~/.config/itsm/config.yaml. */
	unsetenv("XDG_CONFIG_HOME");
	check_loaded(NULL, s->home, 4 * 86400);
	/* A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
	setenv("XDG_CONFIG_HOME", "xdg", 1);
	check_loaded(NULL, s->home, 4 * 86400);
	/* 5. Nothing found: the default (unless /etc has one). */
	if (have_etc_config())
		skip();
	unsetenv("XDG_CONFIG_HOME");
	unlink(s->home);
	check_loaded(NULL, "(default)", 5 * 86400);
	unsetenv("HOME");
	check_loaded(NULL, "(default)", 5 * 86400);
}

/* An XDG_CONFIG_HOME without the file falls to /etc and the default. */
static void
test_search_xdg_without_file(void **state)
{
	struct search *s = *state;
	char xdgdir[128], homedir[128];

	if (have_etc_config())
		skip();
	snprintf(xdgdir, sizeof(xdgdir), "%s/empty-xdg", s->dir);
	snprintf(homedir, sizeof(homedir), "%s/home", s->dir);
	write_policy(s->home, "4d");
	unsetenv("ITSM_CONFIG");
	setenv("XDG_CONFIG_HOME", xdgdir, 1);
	setenv("HOME", homedir, 1);
	check_loaded(NULL, "(default)", 5 * 86400);
}

static void
test_search_named_file_errors(void **state)
{
	struct search *s = *state;
	itsm_policy *p = (itsm_policy *)1;
	FILE *f;

	write_policy(s->xdg, "3d");
	/* A named file that is missing is an error, not a fall-through. */
	setenv("ITSM_CONFIG", s->env, 1);
	assert_int_equal(itsm_policy_load(&p, NULL), ITSM_E_IO);
	assert_non_null(strstr(itsm_errmsg(), s->env));
	assert_int_equal(itsm_policy_load(&p, s->explicit), ITSM_E_IO);
	assert_non_null(strstr(itsm_errmsg(), s->explicit));
	/* An invalid one too. */
	f = fopen(s->env, "w");
	assert_non_null(f);
	fputs("impact: [\n", f);
	fclose(f);
	assert_int_equal(itsm_policy_load(&p, NULL), ITSM_E_CONFIG);
	assert_memory_equal(itsm_errmsg(), s->env, strlen(s->env));
	/* An invalid file found in XDG_CONFIG_HOME is reported, not skipped. */
	unsetenv("ITSM_CONFIG");
	f = fopen(s->xdg, "w");
	assert_non_null(f);
	fputs("colour: red\n", f);
	fclose(f);
	{
		char xdgdir[128];

		snprintf(xdgdir, sizeof(xdgdir), "%s/xdg", s->dir);
		setenv("XDG_CONFIG_HOME", xdgdir, 1);
	}
	assert_int_equal(itsm_policy_load(&p, NULL), ITSM_E_CONFIG);
	assert_memory_equal(itsm_errmsg(), s->xdg, strlen(s->xdg));
	assert_non_null(strstr(itsm_errmsg(), ":1:1: unknown key 'colour'"));
}

#define SEARCH(f) cmocka_unit_test_setup_teardown(f, search_setup, \
	search_teardown)


/* ---- the major section ---- */

static void
test_major_default(void **state)
{
	itsm_policy *p = NULL;
	char why[128];
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	assert_int_equal(itsm_policy_major_rule_count(p), 2);
	/* Rule 1: a P1 on a critical service; a P1 printer is no crisis. */
	assert_true(itsm_policy_major_rule_matches(p, 0, "P1", "low",
	    "payroll", why, sizeof(why)));
	assert_string_equal(why, "priority P1 and criticality critical");
	assert_false(itsm_policy_major_rule_matches(p, 0, "P1", "high", NULL,
	    NULL, 0));
	assert_false(itsm_policy_major_rule_matches(p, 0, "P1", "high", "mail",
	    NULL, 0));
	assert_false(itsm_policy_major_rule_matches(p, 0, "P2", "high",
	    "payroll", NULL, 0));
	/* Rule 2: high impact on a critical service. */
	assert_true(itsm_policy_major_rule_matches(p, 1, "P3", "high",
	    "Payroll", why, sizeof(why)));
	assert_string_equal(why, "impact high and criticality critical");
	assert_false(itsm_policy_major_rule_matches(p, 1, "P3", "high", "mail",
	    NULL, 0));
	assert_false(itsm_policy_major_rule_matches(p, 1, "P3", "high", NULL,
	    NULL, 0));
	assert_int_equal(itsm_policy_storm_count(p), 5);
	assert_true(itsm_policy_storm_window(p) == 1800);
	assert_string_equal(itsm_policy_service_criticality(p, "ERP"),
	    "critical");
	assert_null(itsm_policy_service_criticality(p, "printing"));
	assert_int_equal(itsm_policy_role_count(p), 6);
	assert_int_equal(itsm_policy_role_find(p, "commander", &i), 0);
	assert_int_equal(itsm_policy_role_find(p, "pilot", &i), ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "commander, communications"));
	assert_int_equal(itsm_policy_audience_count(p), 3);
	assert_int_equal(itsm_policy_audience_find(p, "Executives", &i), 0);
	assert_true(itsm_policy_audience_cadence(p, i, "P1") == 1800);
	assert_true(itsm_policy_audience_cadence(p, i, "P2") == 3600);
	assert_true(itsm_policy_audience_cadence(p, i, "P4") == 7200);
	assert_true(itsm_policy_audience_cadence(p, i, NULL) == 7200);
	assert_int_equal(itsm_policy_audience_find(p, "press", &i),
	    ITSM_E_INVALID);
	assert_true(itsm_policy_checklist_count(p) > 0);
	check_round_trip(p);
	itsm_policy_free(p);
}

/* Without a major section: no rules, no storm, the standard roles. */
static void
test_major_absent(void **state)
{
	itsm_policy *p;
	size_t i;

	(void)state;
	p = load_clean(APPEND(""));
	assert_int_equal(itsm_policy_major_rule_count(p), 0);
	assert_int_equal(itsm_policy_storm_count(p), 0);
	assert_int_equal(itsm_policy_audience_count(p), 0);
	assert_int_equal(itsm_policy_role_find(p, "scribe", &i), 0);
	assert_int_equal(itsm_policy_checklist_count(p), 0);
	itsm_policy_free(p);
}

static void
test_major_errors(void **state)
{
	(void)state;
	check_error_at(APPEND("major:\n  rules:\n    - priority: [P9]\n"),
	    24, 18, "unknown priority 'P9'");
	check_error_at(APPEND("major:\n  rules:\n    - impact: []\n"),
	    24, 15, "must not be empty");
	check_error_at(APPEND("major:\n  rules:\n    - {}\n"), 24, 7,
	    "a major rule is a mapping");
	check_error_at(APPEND("major:\n  rules:\n    - colour: [red]\n"),
	    24, 7, "unknown key 'colour'");
	check_error_at(APPEND("major:\n  storm: {count: 1, window: 30m}\n"),
	    23, 18, "storm count must be a whole number from 2");
	check_error_at(APPEND("major:\n  storm: {count: 5, window: 30s}\n"),
	    23, 29, "at least 1m");
	check_error_at(APPEND("major:\n  storm: {count: 5}\n"), 23, 10,
	    "storm has no window");
	check_error_at(APPEND("major:\n  roles: [pilot, scribe]\n"), 23, 10,
	    "roles must include commander");
	check_error_at(APPEND("major:\n  audiences:\n    - name: press\n"
	    "      cadence: {P7: 1h}\n"), 25, 17, "unknown priority 'P7'");
	check_error_at(APPEND("major:\n  audiences:\n    - name: press\n"
	    "      cadence: {P1: soon}\n"), 25, 21, "invalid duration");
	check_error_at(APPEND("major:\n  services:\n    - name: mail\n"),
	    24, 7, "service 'mail' has no criticality");
	check_error_at(APPEND("major:\n  pager: yes\n"), 23, 3,
	    "unknown key 'pager'");
}

static void
test_major_custom(void **state)
{
	itsm_policy *p;
	size_t i;

	(void)state;
	p = load_clean(APPEND("major:\n"
	    "  rules:\n"
	    "    - priority: [P1, P2]\n"
	    "      criticality: [gold]\n"
	    "  services:\n"
	    "    - name: web\n"
	    "      criticality: gold\n"
	    "  roles: [commander, scribe]\n"
	    "  audiences:\n"
	    "    - name: press\n"
	    "      cadence: {P2: 90m}\n"));
	assert_true(itsm_policy_major_rule_matches(p, 0, "P2", NULL, "web",
	    NULL, 0));
	assert_false(itsm_policy_major_rule_matches(p, 0, "P2", NULL, "mail",
	    NULL, 0));
	assert_int_equal(itsm_policy_role_count(p), 2);
	assert_int_equal(itsm_policy_audience_find(p, "press", &i), 0);
	assert_true(itsm_policy_audience_cadence(p, i, "P2") == 5400);
	assert_true(itsm_policy_audience_cadence(p, i, "P1") == 0);
	check_round_trip(p);
	itsm_policy_free(p);
}

/* ---- calendars, the sla section and the display zone (issue 14) ---- */

static const char calendars_yaml[] =
	"impact: [{name: big}]\n"
	"urgency: [{name: now}]\n"
	"priorities:\n"
	"  - {name: P1, response: 1h, resolution: 4h}\n"
	"  - {name: P2, response: 4h, resolution: 1d, stagnation: 24h}\n"
	"matrix: {big: {now: P1}}\n"
	"groups: [{name: desk, tier: N1}, {name: noc, tier: N2}]\n"
	"auto_close: 1w\n"
	"timezone: Europe/Paris\n"
	"calendars:\n"
	"  - name: office\n"
	"    zone: Europe/Paris\n"
	"    week:\n"
	"      mon-fri: [08:00-12:00, 13:30-18:00]\n"
	"    holidays: [12-25, 2026-04-06]\n"
	"  - name: night\n"
	"    zone: America/New_York\n"
	"    week: {sat: [22:00-24:00], sun: [00:00-06:00]}\n"
	"sla:\n"
	"  calendar: office\n"
	"  priorities: {P1: 24x7}\n"
	"  groups: {noc: night}\n"
	"  services: {datacenter: 24x7, Payroll: office}\n"
	"  stagnation: business\n"
	"  auto_close: night\n"
	"  cadence: wall\n";

static void
test_calendars(void **state)
{
	itsm_policy *p = load_clean(calendars_yaml);
	const itsm_calendar *c;
	size_t i;

	(void)state;
	assert_string_equal(itsm_policy_timezone(p), "Europe/Paris");
	assert_int_equal(itsm_policy_calendar_count(p), 3);
	assert_string_equal(itsm_calendar_name(itsm_policy_calendar(p, 0)),
	    "24x7");
	assert_int_equal(itsm_policy_calendar_find(p, "OFFICE", &i), 0);
	assert_int_equal(i, 1);
	c = itsm_policy_calendar(p, 1);
	assert_string_equal(itsm_calendar_zone(c), "Europe/Paris");
	assert_int_equal(itsm_calendar_range_count(c, ITSM_FRI), 2);
	assert_int_equal(itsm_calendar_range_count(c, ITSM_SAT), 0);
	assert_true(itsm_calendar_is_holiday(c, 2030, 12, 25));
	assert_int_equal(itsm_policy_calendar_find(p, "nope", &i),
	    ITSM_E_INVALID);
	assert_non_null(strstr(itsm_errmsg(), "24x7, office, night"));
	/* Precedence: service, group, priority, sla: calendar. */
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    "P2", NULL, NULL)), "office");
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    "P1", NULL, NULL)), "24x7");
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    "P1", "noc", NULL)), "night");
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    "P1", "noc", "payroll")), "office");
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    "P2", "desk", "datacenter")), "24x7");
	assert_string_equal(itsm_calendar_name(itsm_policy_ticket_calendar(p,
	    NULL, NULL, NULL)), "office");
	/* The rules: business is the ticket's, wall is 24x7. */
	assert_string_equal(itsm_calendar_name(itsm_policy_rule_calendar(p,
	    ITSM_RULE_STAGNATION, "P1", NULL, NULL)), "24x7");
	assert_string_equal(itsm_calendar_name(itsm_policy_rule_calendar(p,
	    ITSM_RULE_STAGNATION, "P2", NULL, NULL)), "office");
	assert_string_equal(itsm_calendar_name(itsm_policy_rule_calendar(p,
	    ITSM_RULE_AUTO_CLOSE, "P2", NULL, NULL)), "night");
	assert_string_equal(itsm_calendar_name(itsm_policy_rule_calendar(p,
	    ITSM_RULE_CADENCE, "P2", NULL, NULL)), "24x7");
	/* Durations: 1d a business day (8h30m), 24h 24 business hours. */
	itsm_policy_priority_find(p, "P2", &i);
	assert_true(itsm_policy_target(p, i, ITSM_TARGET_RESOLUTION, c) ==
	    30600);
	assert_true(itsm_policy_target(p, i, ITSM_TARGET_STAGNATION, c) ==
	    86400);
	assert_true(itsm_policy_target(p, i, ITSM_TARGET_RESOLUTION, NULL) ==
	    86400);
	assert_true(itsm_policy_target(p, i, ITSM_TARGET_RESPONSE, c) ==
	    4 * 3600);
	assert_true(itsm_policy_auto_close_in(p, c) == 5 * 30600);
	assert_true(itsm_policy_auto_close_in(p, NULL) == 7 * 86400);
	itsm_policy_free(p);
}

static void
test_calendars_default(void **state)
{
	itsm_policy *p = NULL;
	size_t i;

	(void)state;
	assert_int_equal(itsm_policy_load_file(&p, NULL), 0);
	assert_null(itsm_policy_timezone(p));
	assert_int_equal(itsm_policy_calendar_count(p), 1);
	assert_false(itsm_policy_has_sla(p));
	for (i = 0; i < itsm_policy_priority_count(p); i++)
		assert_true(itsm_calendar_is_24x7(itsm_policy_ticket_calendar(p,
		    itsm_policy_priority_name(p, i), "service-desk", "payroll")));
	assert_true(itsm_calendar_is_24x7(itsm_policy_rule_calendar(p,
	    ITSM_RULE_STAGNATION, "P3", NULL, NULL)));
	itsm_policy_free(p);
}

/* The calendars' errors, each at its line and column. */
static void
test_calendar_errors(void **state)
{
	static const char head[] =
	    "impact: [{name: big}]\n"
	    "urgency: [{name: now}]\n"
	    "priorities: [{name: P1, response: 1h, resolution: 4h}]\n"
	    "matrix: {big: {now: P1}}\n";
	static const struct { const char *tail; unsigned line, col;
	    const char *what; } cases[] = {
		{ "timezone: Mars/Base\n", 5, 11, "unknown time zone" },
		{ "calendars:\n  - {name: o, zone: Nowhere/X, week: {mon: "
		    "[08:00-12:00]}}\n", 6, 21, "unknown time zone 'Nowhere/X'" },
		{ "calendars:\n  - name: o\n    zone: UTC\n    week:\n"
		    "      mon: [08:00-12:00, 11:00-13:00]\n", 9, 26,
		    "overlaps the range 08:00-12:00" },
		{ "calendars:\n  - name: o\n    zone: UTC\n    week: {sun: []}\n",
		    8, 11, "no working time in the week" },
		{ "calendars:\n  - name: o\n    zone: UTC\n    week: {mon: "
		    "[08:00-12:00]}\n    holidays: [2027-02-29]\n", 9, 16,
		    "invalid holiday '2027-02-29'" },
		{ "calendars:\n  - name: o\n    zone: UTC\n    week: {mon: "
		    "[08:00-25:00]}\n", 8, 18, "invalid working range" },
		{ "calendars:\n  - name: o\n    zone: UTC\n", 6, 5,
		    "has no week" },
		{ "calendars:\n  - name: o\n    zone: UTC\n    week: {mon: "
		    "[08:00-12:00]}\n  - name: O\n    zone: UTC\n    week: {mon: "
		    "[08:00-12:00]}\n", 9, 11, "duplicate calendar 'O'" },
		{ "sla: {calendar: office}\n", 5, 17, "unknown calendar 'office'" },
		{ "sla: {priorities: {P1: office}}\n", 5, 24,
		    "unknown calendar 'office'" },
		{ "sla: {priorities: {P7: 24x7}}\n", 5, 20,
		    "unknown priority 'P7'" },
		{ "sla: {groups: {ghosts: 24x7}}\n", 5, 16,
		    "unknown group 'ghosts'" },
		{ "sla: {cadence: often}\n", 5, 16, "unknown calendar 'often'" },
		{ "sla: {when: always}\n", 5, 7, "unknown key 'when'" },
	};
	char yaml[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "%s%s", head, cases[i].tail);
		check_error_at(yaml, cases[i].line, cases[i].col,
		    cases[i].what);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_loads),
		cmocka_unit_test(test_default_text_is_the_default),
		cmocka_unit_test(test_default_matrix),
		cmocka_unit_test(test_default_levels),
		cmocka_unit_test(test_default_priorities),
		cmocka_unit_test(test_level_find),
		cmocka_unit_test(test_default_accessors),
		cmocka_unit_test(test_finders),
		cmocka_unit_test(test_custom_4x4_matrix),
		cmocka_unit_test(test_custom_4x4_priorities),
		cmocka_unit_test(test_custom_accessors),
		cmocka_unit_test(test_defaults_when_absent),
		cmocka_unit_test(test_empty_lists),
		cmocka_unit_test(test_database_share),
		cmocka_unit_test(test_database_busy_timeout),
		cmocka_unit_test(test_default_group_lowest_tier),
		cmocka_unit_test(test_levels_2x5),
		cmocka_unit_test(test_levels_1x1_and_6x1),
		cmocka_unit_test(test_base_is_valid),
		cmocka_unit_test(test_error_yaml_syntax),
		cmocka_unit_test(test_error_matrix_cell_missing),
		cmocka_unit_test(test_error_matrix_unknown_level),
		cmocka_unit_test(test_error_matrix_unknown_priority),
		cmocka_unit_test(test_error_bad_duration),
		cmocka_unit_test(test_error_duplicate_key),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_duplicate_level_name),
		cmocka_unit_test(test_error_duplicate_rank),
		cmocka_unit_test(test_error_bad_rank),
		cmocka_unit_test(test_error_missing_sections),
		cmocka_unit_test(test_error_level_name),
		cmocka_unit_test(test_error_priorities),
		cmocka_unit_test(test_error_resolution_shorter),
		cmocka_unit_test(test_error_groups_and_tiers),
		cmocka_unit_test(test_error_lists),
		cmocka_unit_test(test_error_root_not_mapping),
		cmocka_unit_test(test_error_empty_document),
		cmocka_unit_test(test_error_file_name_in_message),
		cmocka_unit_test(test_matrix_not_monotonic_warns),
		cmocka_unit_test(test_to_yaml_round_trip_default),
		cmocka_unit_test(test_to_yaml_round_trip_4x4),
		cmocka_unit_test(test_load_file_missing),
		cmocka_unit_test(test_major_default),
		cmocka_unit_test(test_major_absent),
		cmocka_unit_test(test_major_errors),
		cmocka_unit_test(test_major_custom),
		cmocka_unit_test(test_calendars),
		cmocka_unit_test(test_calendars_default),
		cmocka_unit_test(test_calendar_errors),
		SEARCH(test_search_order),
		SEARCH(test_search_xdg_without_file),
		SEARCH(test_search_named_file_errors),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}

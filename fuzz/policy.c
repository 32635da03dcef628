/*
 * libFuzzer target: the policy parser.  The input is loaded as YAML
 * policy text; a policy that loads is written back with
 * itsm_policy_to_yaml, which must load again and write back the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/itsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	itsm_policy *p = NULL, *q = NULL;
	char *y1 = NULL, *y2 = NULL;
	size_t n1 = 0, n2 = 0;

	if (itsm_policy_load_text(&p, "fuzz.yaml", (const char *)data,
	    size) != 0)
		return 0;
	if (itsm_policy_to_yaml(p, &y1, &n1) != 0) {
		fprintf(stderr, "to_yaml failed: %s\n", itsm_errmsg());
		abort();
	}
	if (itsm_policy_load_text(&q, "written.yaml", y1, n1) != 0) {
		fprintf(stderr, "written policy does not load: %s\n--\n%s\n",
		    itsm_errmsg(), y1);
		abort();
	}
	if (itsm_policy_to_yaml(q, &y2, &n2) != 0) {
		fprintf(stderr, "to_yaml of the reload failed: %s\n",
		    itsm_errmsg());
		abort();
	}
	if (n1 != n2 || memcmp(y1, y2, n1) != 0) {
		fprintf(stderr, "written twice, not the same:\n--\n%s\n--\n%s\n",
		    y1, y2);
		abort();
	}
	free(y1);
	free(y2);
	itsm_policy_free(p);
	itsm_policy_free(q);
	return 0;
}

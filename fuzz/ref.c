/*
 * libFuzzer target: ticket references.  The input (up to its first NUL)
 * is parsed as a reference; an id that parses is formatted with each
 * type's prefix and parsed back, and must give the same id.
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
	char *s, buf[ITSM_REFBUF];
	int64_t id, id2;
	int t;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (itsm_ref_parse(s, &id) == 0) {
		if (id <= 0) {
			fprintf(stderr, "'%s' parsed to %lld\n", s,
			    (long long)id);
			abort();
		}
		for (t = 0; t < ITSM_NTYPES; t++) {
			itsm_ref_format((enum itsm_type)t, id, buf);
			if (itsm_ref_parse(buf, &id2) != 0 || id2 != id) {
				fprintf(stderr, "'%s' -> %lld -> '%s' does not "
				    "parse back\n", s, (long long)id, buf);
				abort();
			}
		}
	}
	(void)itsm_type_parse(s);
	free(s);
	return 0;
}

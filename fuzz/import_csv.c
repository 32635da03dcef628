/*
 * libFuzzer target: itsm import of a ServiceNow incident event log (CSV).
 */
#include "import.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_import(data, size, ITSM_FORMAT_SERVICENOW);
}

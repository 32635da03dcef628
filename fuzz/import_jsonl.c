/*
 * libFuzzer target: itsm import of JSON Lines (what itsm export writes).
 */
#include "import.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_import(data, size, ITSM_FORMAT_JSONL);
}

/* fuzz_qmp.c - libFuzzer harness for the QMP reply parser: any bytes a
 * QEMU (or something pretending to be one) sends on the socket. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <stdint.h>
#include <string.h>

#include "../qmp_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp_reply r;

	if (qmp_parse_line((const char *)data, size, &r) == 0) {
		if (strnlen(r.status, sizeof(r.status)) == sizeof(r.status) ||
		    strnlen(r.text, sizeof(r.text)) == sizeof(r.text))
			__builtin_trap();
	}
	return 0;
}

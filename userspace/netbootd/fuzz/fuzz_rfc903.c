// SPDX-License-Identifier: GPL-2.0
/* fuzz_rfc903.c - libFuzzer harness for the RARP codec. */
#include "../rfc903.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rarp_pkt p;
	uint8_t out[RARP_LEN];
	char err[128];

	if (rarp_decode(data, size, &p, err, sizeof(err)) < 0)
		return 0;
	rarp_encode_reply(p.sha, p.spa, p.tha, p.tpa, out);
	if (memcmp(out + 18, p.tha, 6) != 0)
		abort();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_reply.c - libFuzzer harness for the keeper's DHCPACK/DHCPNAK
 * parser and its report: any datagram from port 67 reaches them.  The
 * xid and chaddr are taken from the input itself, so that the fuzzer gets
 * past the "not ours" checks and into the options.
 */
#include "../rfc2131.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_reply r;
	char why[128], rep[512];
	uint8_t chaddr[6] = { 0 };
	uint32_t xid = 0;

	if (size >= 34) {
		xid = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7];
		memcpy(chaddr, data + 28, 6);
	}
	if (dhcp_parse_reply(data, size, xid, chaddr, &r, why, sizeof(why)) == 0)
		dhcp_reply_report(&r, rep, sizeof(rep));
	return 0;
}

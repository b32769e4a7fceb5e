// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_rfc951.c - libFuzzer harness for the DHCP/BOOTP codec: decode, then
 * print every option the way the daemon logs it, then build a reply that
 * echoes the request's options (the relay-agent echo path).
 */
#include "../rfc2132.h"
#include "../rfc951.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m;
	static struct dhcp_out o;
	char err[128], txt[256];
	uint16_t mms = 0;

	if (dhcp_decode(data, size, &m, err, sizeof(err)) < 0)
		return 0;
	dhcp_get_u16(&m, DHO_MAX_SIZE, &mms);
	m.h.op = BOOTREPLY;
	dhcp_out_init(&o, &m.h, m.is_dhcp, mms);
	for (int c = 1; c < 255; c++) {
		size_t l;
		const uint8_t *v = dhcp_get(&m, (uint8_t)c, &l);

		if (!v)
			continue;
		dhcp_opt_format((uint8_t)c, v, l, txt, sizeof(txt));
		dhcp_out_opt(&o, (uint8_t)c, v, l);
	}
	if (dhcp_out_finish(&o) > DHCP_PKT_MAX)
		abort();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_rfc951.c - libFuzzer harness for the DHCP/BOOTP codec: decode, then
 * print every option the way the daemon logs it, then build a reply that
 * echoes the request's options (the relay-agent echo path), and read that
 * reply back: every option the builder accepted, whether it landed in the
 * options field or overflowed into file or sname, must come back unchanged.
 */
#include "../rfc2132.h"
#include "../rfc951.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m, back;
	static struct dhcp_out o;
	static uint8_t kept[256];
	static struct dhcp_out_item items[256];
	char err[128], txt[256];
	uint16_t mms = 0;
	size_t n, nitems, back_count = 0;

	if (dhcp_decode(data, size, &m, err, sizeof(err)) < 0)
		return 0;
	dhcp_get_u16(&m, DHO_MAX_SIZE, &mms);
	m.h.op = BOOTREPLY;
	dhcp_out_init(&o, &m.h, m.is_dhcp, mms);
	memset(kept, 0, sizeof(kept));
	nitems = 0;
	for (int c = 1; c < 255; c++) {
		size_t l;
		const uint8_t *v = dhcp_get(&m, (uint8_t)c, &l);

		/* The builder owns option 52: echoing the request's would lie. */
		if (!v || c == DHO_OVERLOAD)
			continue;
		dhcp_opt_format((uint8_t)c, v, l, txt, sizeof(txt));
		items[nitems++] = (struct dhcp_out_item){ (uint8_t)c, v, l };
	}
	/* Both ways of building: one option at a time, or a whole reply. */
	if (size & 1) {
		dhcp_out_opts(&o, items, nitems);
		/* Which ones made it is read back below; count them. */
		for (size_t i = 0; i < nitems; i++)
			kept[items[i].code] = 2;
	} else {
		for (size_t i = 0; i < nitems; i++)
			kept[items[i].code] = dhcp_out_opt(&o, items[i].code, items[i].data,
							   items[i].len) == 0;
	}
	n = dhcp_out_finish(&o);
	if (n > DHCP_PKT_MAX || n > o.max)
		abort();
	if (!m.is_dhcp)
		return 0;
	o.buf[0] = BOOTREQUEST;
	if (dhcp_decode(o.buf, n, &back, err, sizeof(err)) < 0)
		abort();
	for (int c = 1; c < 255; c++) {
		size_t l, lb;
		const uint8_t *v = dhcp_get(&m, (uint8_t)c, &l);
		const uint8_t *vb = dhcp_get(&back, (uint8_t)c, &lb);

		if (c == DHO_OVERLOAD || !kept[c])
			continue;
		if (kept[c] == 2 && !vb)
			continue;	/* whole-reply build: dropped ones are counted below */
		if (!vb || lb != l || (l && memcmp(v, vb, l)))
			abort();
		back_count++;
	}
	/* Whatever the builder did not drop reached the reply. */
	if ((size & 1) && back_count + o.dropped != nitems)
		abort();
	/* A field that kept its own purpose must read back unchanged. */
	if (!(back.overload & 1) && strcmp(back.h.file, m.h.file))
		abort();
	if (!(back.overload & 2) && strcmp(back.h.sname, m.h.sname))
		abort();
	return 0;
}

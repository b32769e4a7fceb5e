// SPDX-License-Identifier: GPL-2.0
/* Unit tests for tftp_demux.c: transfers found by peer address and port. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "../../userspace/netbootd/tftp_demux.h"

#define N 3000

int main(void)
{
	static struct demux_node nodes[N];
	struct tftp_demux d;
	struct demux_node same_port_other_addr = { .addr = 0, .port = 0 };
	int i, found = 0, gone = 0, kept = 0;

	TAP_OK(demux_init(&d, 1000) == 0 && d.mask == 1023, "1000 buckets round up to 1024");
	/* A storm: consecutive addresses, a few client ports each. */
	for (i = 0; i < N; i++) {
		nodes[i].addr = htonl(0xc6120000u + (uint32_t)(i / 3));	/* 198.18.x.y */
		nodes[i].port = htons((uint16_t)(1024 + i % 3));
		demux_add(&d, &nodes[i]);
	}
	for (i = 0; i < N; i++)
		found += demux_find(&d, nodes[i].addr, nodes[i].port) == &nodes[i];
	TAP_OK(found == N, "every transfer found by its own address and port (%d/%d)", found, N);
	TAP_OK(demux_find(&d, htonl(0xc6120000u), htons(1027)) == NULL,
	       "a known address on an unknown port is nobody's");
	same_port_other_addr.addr = htonl(0xc0000201u);
	same_port_other_addr.port = nodes[0].port;
	TAP_OK(demux_find(&d, same_port_other_addr.addr, same_port_other_addr.port) == NULL,
	       "a known port from an unknown address is nobody's");
	for (i = 0; i < N; i += 2)
		demux_del(&d, &nodes[i]);
	for (i = 0; i < N; i++) {
		struct demux_node *n = demux_find(&d, nodes[i].addr, nodes[i].port);

		if (i % 2 == 0)
			gone += n == NULL;
		else
			kept += n == &nodes[i];
	}
	TAP_OK(gone == N / 2 && kept == N / 2, "removing half leaves exactly the other half (%d, %d)", gone,
	       kept);
	demux_del(&d, &nodes[0]);
	TAP_OK(!nodes[0].linked, "removing twice is harmless");
	demux_add(&d, &nodes[0]);
	TAP_OK(demux_find(&d, nodes[0].addr, nodes[0].port) == &nodes[0], "added again after removal");
	demux_free(&d);
	return tap_done();
}

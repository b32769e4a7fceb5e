// SPDX-License-Identifier: GPL-2.0
/*
 * rfc903.c - RARP decode and encode.  A reverse request carries the
 * client's own MAC as the target hardware address (RFC 903): that, not
 * the sender field, is the address to look up.
 */
#define _GNU_SOURCE
#include "rfc903.h"

#include <stdio.h>
#include <string.h>

int rarp_decode(const uint8_t *b, size_t len, struct rarp_pkt *p,
		char *err, size_t errlen)
{
	/* Ethernet frames are padded to 60 bytes, so longer is normal. */
	if (len < RARP_LEN) {
		snprintf(err, errlen, "truncated: %zu bytes", len);
		return -1;
	}
	if (b[0] != 0 || b[1] != 1 || b[2] != 0x08 || b[3] != 0x00 ||
	    b[4] != 6 || b[5] != 4) {
		snprintf(err, errlen, "not Ethernet/IPv4 (htype %u, ptype 0x%02x%02x, hlen %u, plen %u)",
			 (unsigned)(b[0] << 8 | b[1]), b[2], b[3], b[4], b[5]);
		return -1;
	}
	p->op = (uint16_t)(b[6] << 8 | b[7]);
	if (p->op != RARP_OP_REQUEST) {
		snprintf(err, errlen, "opcode %u is not a reverse request", p->op);
		return -1;
	}
	memcpy(p->sha, b + 8, 6);
	memcpy(p->spa, b + 14, 4);
	memcpy(p->tha, b + 18, 6);
	memcpy(p->tpa, b + 24, 4);
	return 0;
}

size_t rarp_encode_reply(const uint8_t server_mac[6], const uint8_t server_ip[4],
			 const uint8_t client_mac[6], const uint8_t client_ip[4],
			 uint8_t out[RARP_LEN])
{
	static const uint8_t head[6] = { 0, 1, 0x08, 0x00, 6, 4 };

	memcpy(out, head, 6);
	out[6] = 0;
	out[7] = RARP_OP_REPLY;
	memcpy(out + 8, server_mac, 6);
	memcpy(out + 14, server_ip, 4);
	memcpy(out + 18, client_mac, 6);
	memcpy(out + 24, client_ip, 4);
	return RARP_LEN;
}

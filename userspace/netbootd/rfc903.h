/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc903.h - the RARP packet codec for Ethernet and IPv4: the ARP payload
 * as read from an AF_PACKET SOCK_DGRAM socket (link header stripped).
 */
#ifndef NETBOOTD_RFC903_H
#define NETBOOTD_RFC903_H

#include <stddef.h>
#include <stdint.h>

#define RARP_LEN 28
#define RARP_OP_REQUEST 3
#define RARP_OP_REPLY 4

struct rarp_pkt {
	uint16_t op;
	uint8_t sha[6];		/* sender hardware address */
	uint8_t spa[4];		/* sender protocol address */
	uint8_t tha[6];		/* target hardware address: whose IP is asked */
	uint8_t tpa[4];
};

/* 0 for a well-formed Ethernet/IPv4 RARP request; -1 with a reason. */
int rarp_decode(const uint8_t *buf, size_t len, struct rarp_pkt *p,
		char *err, size_t errlen);
/* Writes RARP_LEN bytes: the reply telling tha its address tpa. */
size_t rarp_encode_reply(const uint8_t server_mac[6], const uint8_t server_ip[4],
			 const uint8_t client_mac[6], const uint8_t client_ip[4],
			 uint8_t out[RARP_LEN]);

#endif /* NETBOOTD_RFC903_H */

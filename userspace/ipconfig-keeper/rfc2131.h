/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc2131.h - the two DHCP messages the keeper speaks: the DHCPREQUEST of
 * a client in RENEWING or REBINDING state (RFC 2131 4.3.2, table 5), and
 * the DHCPACK or DHCPNAK that answers it.  Pure codec: bytes in, struct
 * out, no I/O; every length bounded (the reply is hostile input).
 */
#ifndef KEEPER_RFC2131_H
#define KEEPER_RFC2131_H

#include <stddef.h>
#include <stdint.h>

#define DHCP_MSG_MAX 1500		/* a reply in one Ethernet frame */
#define DHCP_FIXED_LEN 236		/* BOOTP header, without options */
#define DHCPACK 5
#define DHCPNAK 6

struct dhcp_request {
	uint32_t xid;
	uint8_t chaddr[6];
	uint32_t ciaddr;		/* the held address, network order */
	uint16_t secs;			/* seconds since the renewal began */
	const uint8_t *client_id;	/* option 61 as the kernel sent it */
	size_t client_id_len;		/* 0: none */
	const char *host_name;		/* option 12; NULL or "": none */
};

/* Writes a DHCPREQUEST (renewing or rebinding: ciaddr set, no server
 * identifier and no requested address, RFC 2131 table 5) into buf.
 * Returns its length, or 0 if cap is too small (DHCP_MSG_MAX always
 * suffices). */
size_t dhcp_build_request(const struct dhcp_request *q, uint8_t *buf, size_t cap);

#define DHCP_LIST_MAX 4
#define DHCP_TEXT_MAX 128

/* What a reply says.  Values the keeper does not apply (routers, DNS,
 * MTU, names) are kept for its report. */
struct dhcp_reply {
	int type;			/* DHCPACK or DHCPNAK */
	uint32_t yiaddr, server_id;	/* network order */
	uint32_t lease, t1, t2;		/* t1, t2: 0 when absent */
	uint32_t mask;			/* network order; 0: absent */
	uint32_t routers[DHCP_LIST_MAX], dns[DHCP_LIST_MAX];
	unsigned nrouters, ndns;
	unsigned nroutes121;		/* RFC 3442 routes (counted, not kept) */
	uint16_t mtu;			/* 0: absent */
	char host_name[DHCP_TEXT_MAX], domain[DHCP_TEXT_MAX], root_path[DHCP_TEXT_MAX];
	char message[DHCP_TEXT_MAX];	/* option 56, a NAK's reason */
};

/* Parses a datagram from port 67.  It must be a BOOTREPLY for our xid and
 * chaddr, with the magic cookie and a DHCPACK (with server identifier and
 * lease time) or DHCPNAK.  Options may also sit in file and sname (option
 * 52).  Returns 0, or -1 with the reason in why. */
int dhcp_parse_reply(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t chaddr[6],
		     struct dhcp_reply *r, char *why, size_t whylen);

/* One line naming what the reply offers that the keeper does not apply:
 * "mask 255.255.255.0 router 192.0.2.1 dns 192.0.2.1 mtu 1500 ...". */
void dhcp_reply_report(const struct dhcp_reply *r, char *out, size_t outlen);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc2131.h - DHCP and BOOTP server policy: one decoded request in, one
 * reply (or none) out, with the address to send it to.  No sockets here:
 * the caller passes the config, the lease store and where the packet came
 * from, so the whole state machine runs in unit tests.
 */
#ifndef NETBOOTD_RFC2131_H
#define NETBOOTD_RFC2131_H

#include <stdint.h>

#include "chain.h"
#include "config.h"
#include "lease.h"
#include "rfc951.h"

struct dhcp_ctx {
	uint32_t server_ip;	/* address of the receiving interface, network order */
	const char *ifname;	/* for log lines */
	int64_t now;		/* wall-clock seconds */
	int broadcast;		/* the request was sent to 255.255.255.255 */
	struct rfc3074_seen *lb_seen;	/* load balancing's memory; may be NULL */
	struct chain_table *chain;	/* ipxe-chain-file's memory; NULL: no chainload
					 * guard, iPXE gets its script at once */
};

enum dhcp_dest {
	DEST_NONE,		/* no reply */
	DEST_RELAY,		/* giaddr, server port */
	DEST_CIADDR,		/* unicast to the client's current address */
	DEST_BROADCAST,		/* 255.255.255.255 on the interface */
	DEST_CHADDR,		/* yiaddr at the client's MAC (not in its ARP table yet) */
};

struct dhcp_reply {
	enum dhcp_dest dest;
	uint32_t dst_ip;	/* network order; for DEST_CHADDR the yiaddr */
	uint16_t dst_port;
	int journaled;		/* an ACK whose lease must be synced before it goes out */
	int type;		/* DHCPOFFER ... or 0 for a BOOTREPLY */
	char log[256];		/* the transaction line, or the reason for silence */
	struct dhcp_out out;
};

/* Decides and builds the reply.  r->dest is DEST_NONE when nothing is to be
 * sent; r->log then says why (or is empty for a request meant for another
 * server).  Returns -1 only when the lease could not be written. */
int rfc2131_handle(const struct config *c, struct lease_store *ls,
		   const struct dhcp_msg *m, const struct dhcp_ctx *ctx,
		   struct dhcp_reply *r);

#endif /* NETBOOTD_RFC2131_H */

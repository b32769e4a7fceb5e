/* SPDX-License-Identifier: GPL-2.0 */
/*
 * server.h - the state the protocol front ends share: the current config
 * (swapped whole on SIGHUP), the lease store and the interfaces.  Passed
 * explicitly to each module; there is no global instance.
 */
#ifndef NETBOOTD_SERVER_H
#define NETBOOTD_SERVER_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "config.h"
#include "lease.h"
#include "loop.h"

struct netif {
	char name[IFNAMSIZ];
	int ifindex;
	uint32_t addr;		/* IPv4, network order; 0 if none */
	uint8_t mac[6];
	int has_mac;		/* Ethernet: RARP and unicast-to-chaddr work */
	int send_fd;		/* AF_PACKET socket for unicast to chaddr, -1 if none */
	int rarp_fd;		/* AF_PACKET ETH_P_RARP, -1 if none */
};

struct server {
	struct loop *loop;
	struct config *cfg;
	struct lease_store *leases;
	struct chain_table *chain;	/* ipxe-chain-file: who is between the stages */
	struct netif *ifs;
	size_t nifs;
};

/* Finds the interfaces the config names (all up IPv4 interfaces when it
 * names none).  Fills s->ifs; -1 with a reason in err. */
int netif_scan(struct server *s, char *err, size_t errlen);
const struct netif *netif_by_index(const struct server *s, int ifindex);
void netif_free(struct server *s);

#endif /* NETBOOTD_SERVER_H */

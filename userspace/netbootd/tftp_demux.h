/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tftp_demux.h - transfers by their peer's address and port, for the
 * shared transfer port (tftp-shared-port): one socket carries every
 * transfer, so each datagram is matched to its transfer here instead of
 * by the socket it arrived on.  Intrusive: the node lives in the transfer.
 */
#ifndef NETBOOTD_TFTP_DEMUX_H
#define NETBOOTD_TFTP_DEMUX_H

#include <stdint.h>

struct demux_node {
	struct demux_node *next;
	uint32_t addr;		/* network order, as in sockaddr_in */
	uint16_t port;		/* network order */
	int linked;
};

struct tftp_demux {
	struct demux_node **bucket;
	unsigned mask;		/* buckets - 1, a power of two minus one */
};

/* 0, or -1 when out of memory.  buckets is rounded up to a power of two. */
int demux_init(struct tftp_demux *d, unsigned buckets);
void demux_free(struct tftp_demux *d);
/* Links n under its addr/port (set them first); a peer is linked once at
 * most: the caller removes the old transfer of a peer before adding. */
void demux_add(struct tftp_demux *d, struct demux_node *n);
/* Unlinks n; harmless if it is not linked. */
void demux_del(struct tftp_demux *d, struct demux_node *n);
struct demux_node *demux_find(const struct tftp_demux *d, uint32_t addr, uint16_t port);

#endif /* NETBOOTD_TFTP_DEMUX_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_demux.c - transfers by peer address and port (see tftp_demux.h).
 * Chained buckets sized once at start: the number of transfers is bounded
 * by tftp-max-transfers or the descriptor limit, so chains stay short
 * without resizing in the middle of a storm.
 */
#include "tftp_demux.h"

#include <stdlib.h>

static unsigned slot(const struct tftp_demux *d, uint32_t addr, uint16_t port)
{
	/* Peers of a storm differ in the low address bits and in the port:
	 * mix both (a multiplicative hash, then the high bits). */
	uint32_t h = (addr ^ ((uint32_t)port << 16 | port)) * 0x9e3779b1u;

	return (h ^ h >> 15) & d->mask;
}

int demux_init(struct tftp_demux *d, unsigned buckets)
{
	unsigned n = 16;

	while (n < buckets && n < (1u << 20))
		n <<= 1;
	d->bucket = calloc(n, sizeof(*d->bucket));
	d->mask = n - 1;
	return d->bucket ? 0 : -1;
}

void demux_free(struct tftp_demux *d)
{
	free(d->bucket);
	d->bucket = NULL;
}

void demux_add(struct tftp_demux *d, struct demux_node *n)
{
	struct demux_node **b = &d->bucket[slot(d, n->addr, n->port)];

	n->next = *b;
	*b = n;
	n->linked = 1;
}

void demux_del(struct tftp_demux *d, struct demux_node *n)
{
	struct demux_node **p;

	if (!n->linked)
		return;
	for (p = &d->bucket[slot(d, n->addr, n->port)]; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			break;
		}
	n->linked = 0;
	n->next = NULL;
}

struct demux_node *demux_find(const struct tftp_demux *d, uint32_t addr, uint16_t port)
{
	struct demux_node *n;

	for (n = d->bucket[slot(d, addr, port)]; n; n = n->next)
		if (n->addr == addr && n->port == port)
			return n;
	return NULL;
}

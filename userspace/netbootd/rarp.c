// SPDX-License-Identifier: GPL-2.0
/*
 * rarp.c - RARP service (RFC 903).  Unlike rarpd, no boot image has to
 * exist in /tftpboot: a host listed in ethers with an address is answered.
 */
#define _GNU_SOURCE
#include "rarp.h"
#include "log.h"
#include "rfc903.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef ETH_P_RARP
#define ETH_P_RARP 0x8035
#endif

struct rarp_io;

/* The callback context of one interface's socket. */
struct rarp_if {
	struct rarp_io *r;
	size_t idx;		/* into s->ifs: the array is stable after startup */
};

struct rarp_io {
	struct server *s;
	unsigned long rx, tx, unknown, dropped;
	struct rarp_if *ifs;	/* one per s->ifs entry */
};

struct rarp_io *rarp_open(struct server *s, char *err, size_t errlen)
{
	struct rarp_io *r = calloc(1, sizeof(*r));

	if (!r || !(r->ifs = calloc(s->nifs ? s->nifs : 1, sizeof(*r->ifs)))) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->s = s;
	for (size_t i = 0; i < s->nifs; i++) {
		struct netif *n = &s->ifs[i];
		struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_RARP),
					  .sll_ifindex = n->ifindex };

		if (!n->has_mac)
			continue;
		n->rarp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    htons(ETH_P_RARP));
		if (n->rarp_fd < 0 || bind(n->rarp_fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
			snprintf(err, errlen, "RARP socket on %s: %s", n->name, strerror(errno));
			rarp_free(r);
			return NULL;
		}
	}
	return r;
}

void rarp_free(struct rarp_io *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->s->nifs; i++)
		if (r->s->ifs[i].rarp_fd >= 0)
			loop_del_fd(r->s->loop, r->s->ifs[i].rarp_fd);
	free(r->ifs);
	free(r);
}

static void fmt_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void on_rarp(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct rarp_if *ri = arg;
	struct rarp_io *r = ri->r;
	const struct netif *n = &r->s->ifs[ri->idx];

	(void)l;
	(void)events;
	for (int burst = 0; burst < 64; burst++) {
		uint8_t buf[1600], out[RARP_LEN];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		struct rarp_pkt p;
		const struct cfg_host *h;
		char err[128], mac[20], peer[20], ip[INET_ADDRSTRLEN];
		ssize_t len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);

		if (len < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		fmt_mac(from.sll_addr, peer, sizeof(peer));
		if (!r->s->cfg->rarp)
			continue;
		if (rarp_decode(buf, (size_t)len, &p, err, sizeof(err)) < 0) {
			r->dropped++;
			log_drop("rarp", peer, "%s", err);
			continue;
		}
		r->rx++;
		fmt_mac(p.tha, mac, sizeof(mac));
		h = config_host_by_mac(r->s->cfg, p.tha);
		if (!h || !h->ip) {
			r->unknown++;
			log_msg(LOG_INFO, "RARP request for %s via %s: no address in ethers/hosts",
				mac, n->name);
			continue;
		}
		rarp_encode_reply(n->mac, (const uint8_t *)&n->addr, p.tha, (const uint8_t *)&h->ip, out);
		memcpy(from.sll_addr, p.sha, 6);
		from.sll_halen = 6;
		from.sll_protocol = htons(ETH_P_RARP);
		from.sll_ifindex = n->ifindex;
		if (sendto(fd, out, sizeof(out), 0, (struct sockaddr *)&from, sizeof(from)) < 0) {
			log_msg(LOG_WARNING, "RARP reply on %s: %s", n->name, strerror(errno));
			continue;
		}
		r->tx++;
		log_msg(LOG_INFO, "RARP %s to %s%s%s%s via %s", inet_ntop(AF_INET, &h->ip, ip, sizeof(ip)),
			mac, h->name[0] ? " (" : "", h->name, h->name[0] ? ")" : "", n->name);
	}
}

int rarp_start(struct rarp_io *r)
{
	struct server *s = r->s;

	for (size_t i = 0; i < s->nifs; i++) {
		if (s->ifs[i].rarp_fd < 0)
			continue;
		r->ifs[i] = (struct rarp_if){ .r = r, .idx = i };
		if (loop_add_fd(s->loop, s->ifs[i].rarp_fd, EPOLLIN, on_rarp, &r->ifs[i]) < 0)
			return -1;
	}
	return 0;
}

void rarp_dump(const struct rarp_io *r)
{
	log_msg(LOG_INFO, "rarp counters: rx=%lu tx=%lu unknown=%lu dropped=%lu",
		r->rx, r->tx, r->unknown, r->dropped);
}

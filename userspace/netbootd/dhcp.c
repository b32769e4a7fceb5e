// SPDX-License-Identifier: GPL-2.0
/*
 * dhcp.c - DHCP/BOOTP sockets and reply delivery (RFC 2131 4.1).
 *
 * Unicast to a client that has no address yet ("yiaddr at chaddr") cannot
 * go through the UDP socket: the kernel would ARP for an address nobody
 * holds.  Rather than writing ARP entries (CAP_NET_ADMIN for the life of
 * the daemon), netbootd opens an AF_PACKET socket per Ethernet interface
 * while still root and builds the IP/UDP header itself; an open packet
 * socket keeps working after privileges are dropped.
 *
 * Leases are group-committed: a burst of up to BURST requests is read and
 * answered in memory, the journal is synced once (lease-sync batch), and
 * only then do the ACKs go out.
 */
#define _GNU_SOURCE
#include "dhcp.h"
#include "log.h"
#include "ratelimit.h"
#include "rfc2131.h"
#include "rfc2132.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Requests read per wakeup, and so the most ACKs that share one journal
 * sync: under load the socket queue fills while a sync runs, and the next
 * burst commits all of it at once. */
#define BURST 256

struct dhcp_io {
	struct server *s;
	int fd;
	unsigned long rx[9], tx[9], dropped, limited, silent;
	struct ratelimit rl;
	uint8_t rxbuf[65536];
	struct dhcp_msg msg;
	struct dhcp_reply q[BURST];	/* replies waiting for the journal sync */
	const struct netif *q_if[BURST];
	struct rfc3074_seen lb_seen;	/* load balancing: who has been asking how long */
};

struct dhcp_io *dhcp_io_open(struct server *s, char *err, size_t errlen)
{
	struct dhcp_io *d = calloc(1, sizeof(*d));
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(s->cfg->dhcp_port) };
	int one = 1, rcvbuf = 4 << 20;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->s = s;
	ratelimit_init(&d->rl, 30, 10);
	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0 ||
	    setsockopt(d->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(d->fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(d->fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    bind(d->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		snprintf(err, errlen, "DHCP socket on port %u: %s", s->cfg->dhcp_port, strerror(errno));
		dhcp_io_free(d);
		return NULL;
	}
	/* A boot storm arrives faster than one sync: queue it, do not drop it
	 * (FORCE passes rmem_max while we are still root). */
	if (setsockopt(d->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(d->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (size_t i = 0; i < s->nifs; i++) {
		struct netif *n = &s->ifs[i];

		if (!n->has_mac)
			continue;
		/* Protocol 0: this socket only sends, it never receives. */
		n->send_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (n->send_fd < 0)
			log_msg(LOG_WARNING, "%s: no packet socket (%s): replies to clients without "
				"an address will be broadcast", n->name, strerror(errno));
	}
	return d;
}

void dhcp_io_free(struct dhcp_io *d)
{
	if (!d)
		return;
	if (d->fd >= 0) {
		loop_del_fd(d->s->loop, d->fd);
		close(d->fd);
	}
	free(d);
}

static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* IPv4 + UDP around the payload, to chaddr on the link. */
static int send_chaddr(const struct dhcp_io *d, const struct netif *n, const struct dhcp_reply *r,
		       const uint8_t *chaddr)
{
	uint8_t pkt[28 + DHCP_PKT_MAX], pseudo[12];
	size_t len = r->out.len, ulen = 8 + len;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = n->ifindex, .sll_halen = 6 };
	uint16_t c, cport = (uint16_t)(d->s->cfg->dhcp_port + 1);

	memcpy(ll.sll_addr, chaddr, 6);
	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)((20 + ulen) >> 8);
	pkt[3] = (uint8_t)(20 + ulen);
	pkt[8] = 64;
	pkt[9] = IPPROTO_UDP;
	memcpy(pkt + 12, &n->addr, 4);
	memcpy(pkt + 16, &r->dst_ip, 4);
	c = (uint16_t)~csum_add(0, pkt, 20);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	pkt[20] = (uint8_t)(d->s->cfg->dhcp_port >> 8);
	pkt[21] = (uint8_t)d->s->cfg->dhcp_port;
	pkt[22] = (uint8_t)(cport >> 8);
	pkt[23] = (uint8_t)cport;
	pkt[24] = (uint8_t)(ulen >> 8);
	pkt[25] = (uint8_t)ulen;
	memcpy(pkt + 28, r->out.buf, len);
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = pkt[24];
	pseudo[11] = pkt[25];
	c = (uint16_t)~csum_add(csum_add(0, pseudo, 12), pkt + 20, ulen);
	if (!c)
		c = 0xffff;
	pkt[26] = (uint8_t)(c >> 8);
	pkt[27] = (uint8_t)c;
	return sendto(n->send_fd, pkt, 20 + ulen, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0 ? -1 : 0;
}

static int send_udp(const struct dhcp_io *d, const struct netif *n, uint32_t dst, uint16_t port,
		    const struct dhcp_reply *r)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = dst };
	struct iovec iov = { .iov_base = (void *)r->out.buf, .iov_len = r->out.len };
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			     .msg_iovlen = 1 };

	if (dst == INADDR_BROADCAST && n) {
		/* Broadcast leaves through the interface the request came in on. */
		struct cmsghdr *c;
		struct in_pktinfo pi = { .ipi_ifindex = n->ifindex };

		pi.ipi_spec_dst.s_addr = n->addr;
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	return sendmsg(d->fd, &mh, 0) < 0 ? -1 : 0;
}

static void deliver(struct dhcp_io *d, const struct netif *n, const struct dhcp_reply *r)
{
	uint16_t sport = d->s->cfg->dhcp_port, cport = (uint16_t)(sport + 1);
	const uint8_t *chaddr = r->out.buf + 28;
	int rc;

	switch (r->dest) {
	case DEST_RELAY:
		rc = send_udp(d, n, r->dst_ip, sport, r);
		break;
	case DEST_CIADDR:
		rc = send_udp(d, n, r->dst_ip, cport, r);
		break;
	case DEST_CHADDR:
		if (n && n->send_fd >= 0 && r->out.buf[1] == 1 && r->out.buf[2] == 6) {
			rc = send_chaddr(d, n, r, chaddr);
			break;
		}
		/* No way to reach the MAC directly: broadcast instead. */
		/* fall through */
	case DEST_BROADCAST:
		rc = send_udp(d, n, INADDR_BROADCAST, cport, r);
		break;
	default:
		return;
	}
	if (rc < 0)
		log_msg(LOG_WARNING, "send to %s: %s", n ? n->name : "?", strerror(errno));
	else
		d->tx[r->type >= 0 && r->type <= 8 ? r->type : 0]++;
	log_msg(LOG_INFO, "%s", r->log);
}

/* Reads one datagram; 0 handled, 1 nothing left. */
static int one(struct dhcp_io *d, size_t *nq)
{
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = d->rxbuf, .iov_len = sizeof(d->rxbuf) };
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };
	const struct netif *n = NULL;
	struct dhcp_ctx ctx;
	int bcast = 0;
	struct dhcp_reply *r = &d->q[*nq];
	char peer[64], err[160];
	ssize_t len = recvmsg(d->fd, &mh, MSG_DONTWAIT | MSG_TRUNC);

	if (len < 0)
		return 1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			n = netif_by_index(d->s, pi.ipi_ifindex);
			bcast = pi.ipi_addr.s_addr == INADDR_BROADCAST;
		}
	snprintf(peer, sizeof(peer), "%s:%u", inet_ntoa(from.sin_addr), ntohs(from.sin_port));
	if (!n || !n->addr)
		return 0;	/* not an interface we serve */
	if ((size_t)len > sizeof(d->rxbuf) || mh.msg_flags & MSG_TRUNC) {
		d->dropped++;
		log_drop("dhcp", peer, "datagram of %zd bytes (limit %d)", len, DHCP_PKT_MAX);
		return 0;
	}
	if (dhcp_decode(d->rxbuf, (size_t)len, &d->msg, err, sizeof(err)) < 0) {
		d->dropped++;
		log_drop("dhcp", peer, "%s", err);
		return 0;
	}
	if (!ratelimit_allow(&d->rl, d->msg.h.chaddr, d->msg.h.hlen, loop_now_ms(d->s->loop))) {
		d->limited++;
		log_drop("dhcp", peer, "client %02x:%02x:%02x:%02x:%02x:%02x over its rate limit",
			 d->msg.h.chaddr[0], d->msg.h.chaddr[1], d->msg.h.chaddr[2],
			 d->msg.h.chaddr[3], d->msg.h.chaddr[4], d->msg.h.chaddr[5]);
		return 0;
	}
	if (d->msg.ignored)
		log_drop("dhcp", peer, "%u malformed option(s) ignored, first %u", d->msg.ignored,
			 d->msg.first_ignored);
	d->rx[d->msg.msg_type]++;
	ctx = (struct dhcp_ctx){ .server_ip = n->addr, .ifname = n->name, .now = (int64_t)time(NULL),
				 .broadcast = bcast, .lb_seen = &d->lb_seen, .chain = d->s->chain };
	if (rfc2131_handle(d->s->cfg, d->s->leases, &d->msg, &ctx, r) < 0) {
		log_msg(LOG_ERR, "%s: lease not stored, request from %s unanswered", r->log, peer);
		return 0;
	}
	if (r->dest == DEST_NONE) {
		d->silent++;
		if (r->log[0])
			log_msg(LOG_INFO, "%s", r->log);
		return 0;
	}
	if (r->journaled && d->s->cfg->lease_sync == SYNC_BATCH) {
		d->q_if[(*nq)++] = n;	/* goes out after the sync */
		return 0;
	}
	deliver(d, n, r);
	return 0;
}

static void on_readable(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct dhcp_io *d = ctx;
	size_t nq = 0;

	(void)l;
	(void)fd;
	(void)events;
	for (int i = 0; i < BURST && nq < BURST; i++)
		if (one(d, &nq))
			break;
	if (!nq)
		return;
	if (lease_sync(d->s->leases) < 0) {
		log_msg(LOG_ERR, "lease journal not synced: %zu acknowledgements withheld", nq);
		return;
	}
	for (size_t i = 0; i < nq; i++)
		deliver(d, d->q_if[i], &d->q[i]);
}

int dhcp_io_start(struct dhcp_io *d)
{
	return loop_add_fd(d->s->loop, d->fd, EPOLLIN, on_readable, d);
}

void dhcp_io_dump(const struct dhcp_io *d)
{
	log_msg(LOG_INFO, "dhcp counters: rx bootp=%lu discover=%lu request=%lu decline=%lu "
		"release=%lu inform=%lu; tx bootreply=%lu offer=%lu ack=%lu nak=%lu inform-ack=%lu; "
		"unanswered=%lu dropped=%lu rate-limited=%lu; leases=%zu",
		d->rx[0], d->rx[DHCPDISCOVER], d->rx[DHCPREQUEST], d->rx[DHCPDECLINE],
		d->rx[DHCPRELEASE], d->rx[DHCPINFORM], d->tx[0], d->tx[DHCPOFFER], d->tx[DHCPACK],
		d->tx[DHCPNAK], d->tx[DHCPINFORM], d->silent, d->dropped, d->limited,
		lease_count(d->s->leases));
}

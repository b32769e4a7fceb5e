// SPDX-License-Identifier: GPL-2.0
/*
 * netif.c - the interfaces netbootd serves, from getifaddrs().  Each one's
 * IPv4 address is the server identifier on that link, so an interface
 * with several addresses prefers one inside a configured subnet.
 */
#define _GNU_SOURCE
#include "server.h"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int wanted(const struct config *c, const char *name, unsigned flags)
{
	if (!c->nifaces)
		return (flags & IFF_UP) != 0;
	for (int i = 0; i < c->nifaces; i++)
		if (!strcmp(c->ifaces[i], name))
			return 1;
	return 0;
}

static struct netif *find_or_add(struct server *s, const char *name)
{
	struct netif *n;

	for (size_t i = 0; i < s->nifs; i++)
		if (!strcmp(s->ifs[i].name, name))
			return &s->ifs[i];
	n = realloc(s->ifs, (s->nifs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	s->ifs = n;
	n = &n[s->nifs++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->ifindex = (int)if_nametoindex(name);
	n->send_fd = n->rarp_fd = -1;
	return n;
}

int netif_scan(struct server *s, char *err, size_t errlen)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) < 0) {
		snprintf(err, errlen, "getifaddrs: %m");
		return -1;
	}
	for (p = ifa; p; p = p->ifa_next) {
		struct netif *n;

		if (!p->ifa_addr || !wanted(s->cfg, p->ifa_name, p->ifa_flags))
			continue;
		n = find_or_add(s, p->ifa_name);
		if (!n)
			break;
		if (p->ifa_addr->sa_family == AF_INET) {
			uint32_t a = ((const struct sockaddr_in *)(const void *)p->ifa_addr)->sin_addr.s_addr;

			if (!n->addr || (!config_subnet_of(s->cfg, n->addr) && config_subnet_of(s->cfg, a)))
				n->addr = a;
		} else if (p->ifa_addr->sa_family == AF_PACKET) {
			const struct sockaddr_ll *ll = (const void *)p->ifa_addr;

			if (ll->sll_hatype == 1 && ll->sll_halen == 6) {	/* ARPHRD_ETHER */
				memcpy(n->mac, ll->sll_addr, 6);
				n->has_mac = 1;
			}
		}
	}
	freeifaddrs(ifa);
	for (int i = 0; i < s->cfg->nifaces; i++) {
		const struct netif *n = NULL;

		for (size_t j = 0; j < s->nifs; j++)
			if (!strcmp(s->ifs[j].name, s->cfg->ifaces[i]))
				n = &s->ifs[j];
		if (!n || !n->addr) {
			snprintf(err, errlen, "%s: interface %s %s", s->cfg->path, s->cfg->ifaces[i],
				 n ? "has no IPv4 address" : "does not exist");
			return -1;
		}
	}
	return 0;
}

const struct netif *netif_by_index(const struct server *s, int ifindex)
{
	for (size_t i = 0; i < s->nifs; i++)
		if (s->ifs[i].ifindex == ifindex)
			return &s->ifs[i];
	return NULL;
}

void netif_free(struct server *s)
{
	for (size_t i = 0; i < s->nifs; i++) {
		if (s->ifs[i].send_fd >= 0)
			close(s->ifs[i].send_fd);
		if (s->ifs[i].rarp_fd >= 0)
			close(s->ifs[i].rarp_fd);
	}
	free(s->ifs);
	s->ifs = NULL;
	s->nifs = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * dhcp-load.c - DHCP load generator acting as a relay agent (RFC 1542), so
 * it needs no raw socket: it binds the relay address on port 67, sends
 * each client's DISCOVER and REQUEST with giaddr set, and the server
 * answers to giaddr:67.  Many distinct client MACs, a window of clients
 * in flight, retransmission with backoff.
 *
 *   dhcp-load --server 127.0.0.1[,IP2...] --relay 198.19.255.254 --clients 10000
 *            [--window 64] [--timeout-ms 1000] [--retries 8] [--port 67]
 *            [--seed N] [--acked FILE] [--max-seconds S] [--rate N]
 *
 * --rate caps new clients per second (a steady stream instead of a burst);
 * --acked writes "ip mac server" for each ACK as it arrives.  Several
 * servers: every packet goes to each of them, as a relay configured with
 * several servers forwards it (two servers sharing a segment, RFC 3074).
 * secs is the time since the client's first DISCOVER, as firmware sets it.
 *
 * Prints one summary line:
 *   dhcp-load clients=N bound=N naks=N retransmits=N dup_addresses=N seconds=S lps=L
 *             multi_offered=N (clients offered by more than one server)
 * Exit 0 when every client is bound to a distinct address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { C_IDLE, C_DISCOVER, C_REQUEST, C_BOUND };

struct client {
	uint8_t state, tries;
	uint8_t offered_by;	/* bit i: servers[i] made an offer */
	uint8_t req_tries;	/* REQUESTs sent for the current offer */
	uint32_t yiaddr, server_id;
	double sent;		/* when the last packet went out, seconds */
	double started;		/* first DISCOVER: the base of secs */
};

#define MAX_SERVERS 4
static struct sockaddr_in servers[MAX_SERVERS];
static unsigned nservers;

static struct {
	const char *server, *relay, *acked;
	unsigned clients, window, timeout_ms, retries, seed, max_seconds, rate;
	uint16_t port;
} opt = { "127.0.0.1", "198.19.255.254", NULL, 1000, 64, 1000, 8, 1, 120, 0, 67 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Distinct MACs spread over 32 bits (a bijection of the index): servers
 * that hash the MAC to pick an address (dnsmasq) see realistic variety. */
static void mac_of(unsigned i, uint8_t mac[6])
{
	uint32_t h = (uint32_t)i * 2654435761u;

	mac[0] = 0x02;	/* locally administered */
	mac[1] = (uint8_t)opt.seed;
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static size_t build(unsigned i, int type, const struct client *c, uint32_t giaddr, uint8_t *b)
{
	size_t n = 240;

	memset(b, 0, 300);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[3] = 1;	/* hops: one relay */
	memcpy(b + 4, &i, 4);	/* xid: the client's index */
	if (c->started > 0) {
		double el = now_s() - c->started;
		unsigned secs = el > 65535 ? 65535 : (unsigned)el;

		b[8] = (uint8_t)(secs >> 8);
		b[9] = (uint8_t)secs;
	}
	memcpy(b + 24, &giaddr, 4);
	mac_of(i, b + 28);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	b[n++] = 53;
	b[n++] = 1;
	b[n++] = (uint8_t)type;
	if (type == 3) {
		b[n++] = 50;
		b[n++] = 4;
		memcpy(b + n, &c->yiaddr, 4);
		n += 4;
		b[n++] = 54;
		b[n++] = 4;
		memcpy(b + n, &c->server_id, 4);
		n += 4;
	}
	b[n++] = 55;
	b[n++] = 3;
	b[n++] = 1;
	b[n++] = 3;
	b[n++] = 6;
	b[n++] = 255;
	return n < 300 ? 300 : n;
}

/* Option 53 and 54 of a reply; -1 if it is not a well-formed reply. */
static int parse(const uint8_t *b, size_t len, int *type, uint32_t *sid)
{
	size_t i = 240;

	if (len < 240 || b[0] != 2 || memcmp(b + 236, "\x63\x82\x53\x63", 4))
		return -1;
	*type = 0;
	*sid = 0;
	while (i < len && b[i] != 255) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return -1;
		if (b[i] == 53 && b[i + 1] == 1)
			*type = b[i + 2];
		if (b[i] == 54 && b[i + 1] == 4)
			memcpy(sid, b + i + 2, 4);
		i += 2u + b[i + 1];
	}
	return *type ? 0 : -1;
}

/* One packet to every server. */
static void send_all(int fd, const uint8_t *b, size_t n)
{
	for (unsigned s = 0; s < nservers; s++)
		sendto(fd, b, n, 0, (const struct sockaddr *)&servers[s], sizeof(servers[s]));
}

/* "IP[,IP...]" into servers[]; -1 if malformed. */
static int parse_servers(const char *list, uint16_t port)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	nservers = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (nservers == MAX_SERVERS)
			return -1;
		servers[nservers].sin_family = AF_INET;
		servers[nservers].sin_port = htons(port);
		if (inet_pton(AF_INET, tok, &servers[nservers].sin_addr) != 1)
			return -1;
		nservers++;
	}
	return nservers ? 0 : -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: dhcp-load [--server IP[,IP...]] [--relay IP] [--port N] [--clients N] "
			"[--window N] [--timeout-ms N] [--retries N] [--seed N] [--acked FILE] "
			"[--max-seconds N] [--rate N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct client *cl;
	unsigned next = 0, inflight = 0, bound = 0, naks = 0, retrans = 0, dups = 0, failed = 0;
	unsigned multi = 0;
	uint32_t giaddr, *addrs;
	double t0, t_end, last_scan = 0;
	FILE *acked = NULL;
	int fd, one = 1, rcvbuf = 4 << 20;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(a, "--server")) opt.server = v;
		else if (!strcmp(a, "--relay")) opt.relay = v;
		else if (!strcmp(a, "--acked")) opt.acked = v;
		else if (!strcmp(a, "--port")) opt.port = (uint16_t)atoi(v);
		else if (!strcmp(a, "--clients")) opt.clients = (unsigned)atoi(v);
		else if (!strcmp(a, "--window")) opt.window = (unsigned)atoi(v);
		else if (!strcmp(a, "--timeout-ms")) opt.timeout_ms = (unsigned)atoi(v);
		else if (!strcmp(a, "--retries")) opt.retries = (unsigned)atoi(v);
		else if (!strcmp(a, "--seed")) opt.seed = (unsigned)atoi(v);
		else if (!strcmp(a, "--max-seconds")) opt.max_seconds = (unsigned)atoi(v);
		else if (!strcmp(a, "--rate")) opt.rate = (unsigned)atoi(v);
		else usage();
		i++;
	}
	if (!opt.clients || !opt.window || parse_servers(opt.server, opt.port) < 0 ||
	    inet_pton(AF_INET, opt.relay, &me.sin_addr) != 1)
		usage();
	giaddr = me.sin_addr.s_addr;
	me.sin_port = htons(opt.port);
	cl = calloc(opt.clients, sizeof(*cl));
	addrs = calloc(opt.clients, sizeof(*addrs));
	if (!cl || !addrs)
		return 1;
	if (opt.acked && !(acked = fopen(opt.acked, "w"))) {
		perror(opt.acked);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	/* The server may hold 0.0.0.0:67: share the port (the more specific
	 * relay address still gets the replies). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		fprintf(stderr, "dhcp-load: bind %s:%u: %s\n", opt.relay, opt.port, strerror(errno));
		return 1;
	}
	t0 = now_s();
	t_end = t0;
	while (bound + failed < opt.clients && now_s() - t0 < opt.max_seconds) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint8_t b[1500];
		double t = now_s();

		/* Start new clients up to the window. */
		while (inflight < opt.window && next < opt.clients &&
		       (!opt.rate || next < (t - t0) * opt.rate + 1)) {
			size_t n;

			cl[next].started = t;
			n = build(next, 1, &cl[next], giaddr, b);
			cl[next].state = C_DISCOVER;
			cl[next].sent = t;
			send_all(fd, b, n);
			next++;
			inflight++;
		}
		poll(&p, 1, 10);
		for (int k = 0; k < 256; k++) {
			ssize_t len = recv(fd, b, sizeof(b), 0);
			uint32_t xid, sid;
			int type;
			struct client *c;

			if (len < 0)
				break;
			if (parse(b, (size_t)len, &type, &sid) < 0)
				continue;
			memcpy(&xid, b + 4, 4);
			if (xid >= opt.clients)
				continue;
			c = &cl[xid];
			if (type == 2) {
				for (unsigned s = 0; s < nservers; s++)
					if (servers[s].sin_addr.s_addr == sid)
						c->offered_by |= (uint8_t)(1u << s);
			}
			if (type == 2 && c->state == C_DISCOVER) {
				size_t n;

				memcpy(&c->yiaddr, b + 16, 4);
				c->server_id = sid;
				c->state = C_REQUEST;
				c->tries = 0;
				c->req_tries = 0;
				c->sent = now_s();
				n = build(xid, 3, c, giaddr, b);
				send_all(fd, b, n);
			} else if (type == 5 && c->state == C_REQUEST) {
				uint8_t mac[6];

				c->state = C_BOUND;
				addrs[bound++] = c->yiaddr;
				inflight--;
				t_end = now_s();
				if (acked) {
					char ip[INET_ADDRSTRLEN], sv[INET_ADDRSTRLEN];

					mac_of(xid, mac);
					inet_ntop(AF_INET, &c->yiaddr, ip, sizeof(ip));
					inet_ntop(AF_INET, &sid, sv, sizeof(sv));
					/* Flushed per line: the crash test reads it after kill -9. */
					fprintf(acked, "%s %02x:%02x:%02x:%02x:%02x:%02x %s\n", ip, mac[0],
						mac[1], mac[2], mac[3], mac[4], mac[5], sv);
					fflush(acked);
				}
			} else if (type == 6 && c->state == C_REQUEST) {
				naks++;
				c->state = C_DISCOVER;
				c->sent = 0;	/* restart at once */
			}
		}
		/* Retransmit, with the timeout doubling per try (capped at 8x);
		 * scanned every 20 ms so the generator is not the bottleneck. */
		t = now_s();
		if (t - last_scan < 0.02)
			continue;
		last_scan = t;
		for (unsigned i = 0; i < next; i++) {
			struct client *c = &cl[i];
			double to = opt.timeout_ms / 1000.0 * (1u << (c->tries < 3 ? c->tries : 3));

			if ((c->state != C_DISCOVER && c->state != C_REQUEST) || t - c->sent < to)
				continue;
			if (c->tries >= opt.retries) {
				c->state = C_IDLE;
				failed++;
				inflight--;
				continue;
			}
			c->tries++;
			retrans++;
			c->sent = t;
			/* A REQUEST twice unanswered (the offering server died):
			 * back to INIT and DISCOVER again (RFC 2131 4.4.1). */
			if (c->state == C_REQUEST && ++c->req_tries > 2) {
				c->state = C_DISCOVER;
				c->req_tries = 0;
			}
			send_all(fd, b, build(i, c->state == C_DISCOVER ? 1 : 3, c, giaddr, b));
		}
	}
	qsort(addrs, bound, sizeof(*addrs), cmp_u32);
	for (unsigned i = 1; i < bound; i++)
		dups += addrs[i] == addrs[i - 1];
	for (unsigned i = 0; i < opt.clients; i++)
		multi += (cl[i].offered_by & (cl[i].offered_by - 1)) != 0;
	{
		double secs = t_end - t0;

		printf("dhcp-load clients=%u bound=%u naks=%u retransmits=%u dup_addresses=%u "
		       "seconds=%.3f lps=%.0f multi_offered=%u\n", opt.clients, bound, naks, retrans,
		       dups, secs, secs > 0 ? bound / secs : 0.0, multi);
	}
	if (acked)
		fclose(acked);
	free(cl);
	free(addrs);
	return bound == opt.clients && !dups ? 0 : 1;
}

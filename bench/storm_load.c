// SPDX-License-Identifier: GPL-2.0
/*
 * storm_load.c - N simulated PXE nodes powered on within a second, each
 * behaving like BIOS PXE firmware followed by PXELINUX, not like a
 * benchmark client:
 *   DHCP   DISCOVER and REQUEST with the PXE options (60 PXEClient, 93
 *          arch, 94 UNDI, 97 UUID, 55 with 128-135, 57), the broadcast
 *          flag, secs counting up, and the PXE specification's
 *          retransmission schedule: timeouts of 4, 8, 16 and 32 s, then
 *          the ROM gives up (PXE-E51) and the node counts as failed.
 *          Sent as a relay agent would (giaddr set; no raw sockets), like
 *          bench/dhcp-load.c.
 *   TFTP   from siaddr, as the ROM and PXELINUX do it: a tsize probe of
 *          the loader (RRQ with tsize only, the OACK read, then ERROR 8),
 *          pxelinux.0, ldlinux.c32, the pxelinux.cfg/ lookups that miss
 *          (the UUID, 01-<mac>, the hex address shortened one digit at a
 *          time) and default, then the kernel and the RAM disk.  Every
 *          transfer lock-step at blksize 1468 (no windowsize), a new port
 *          per file, content checked against the local copy.  Each packet
 *          is retransmitted after 1, 1, 2, 2, 4, 4, 8 s and then the
 *          transfer, and the boot, fail (PXE-E32 / "TFTP open timeout").
 *   Loss   every received datagram dropped with probability -L percent;
 *          a DATA packet held back with probability -R percent until its
 *          successor arrives or 10 ms pass, whichever is first (lock-step
 *          has one packet in flight: a late one arrives after whatever the
 *          server sent next, a retransmission, or after a short delay).
 *
 *   storm_load -s SERVER -r RELAY -d ROOTDIR [-n 1000] [-S 1000] [-L 1] [-R 1]
 *              [-k vmlinuz] [-i initrd.img] [-T 400] [-p 67] [-j FILE]
 *
 * -S: the power-on spread in ms; -T: give up on the whole run after T s;
 * -j: one line per node (its phases and outcome).  Prints per-phase
 * percentiles and one machine-readable line:
 *   storm nodes=N ok=N failed=N last_s=S dhcp_p50=... total_p99=...
 * Exit 0 when every node booted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../userspace/netbootd/tftp_proto.h"
#include "lane_hash.h"

#define BLKSIZE 1468
#define MAX_NODES 10000
#define NCFG 11			/* UUID, 01-mac, 8 hex prefixes, default */

enum phase { PH_DHCP, PH_LOADER, PH_CONFIG, PH_KERNEL, PH_INITRD, PH_N };
static const char *const phase_name[PH_N] = { "dhcp", "loader", "config", "kernel", "initrd" };

enum nstate { N_OFF, N_DISCOVER, N_REQUEST, N_TFTP, N_DONE, N_FAILED };

/* A file the node fetches; steps are in boot order. */
enum step_kind { S_PROBE, S_FILE, S_CFG_MISS_OK, S_CFG_DEFAULT };

struct node {
	enum nstate st;
	uint8_t mac[6], uuid[16];
	double on, end[PH_N];		/* power-on; when each phase ended */
	/* DHCP */
	unsigned tries;
	double sent, deadline, dhcp_start;
	uint32_t yiaddr, server_id, siaddr;
	/* TFTP: the current step */
	unsigned step;
	int fd, tid_known, have_held;
	struct sockaddr_in tid;
	uint64_t expect, bytes;
	struct hstate hash;
	unsigned ttries;
	double tdeadline;
	uint8_t held[TFTP_HDR + BLKSIZE];
	size_t held_len;
	double held_until;
	const char *why;		/* failure reason */
};

static struct {
	const char *server, *relay, *root, *kernel, *initrd, *journal;
	unsigned nodes, spread_ms, loss, reorder, max_s;
	uint16_t port;
} opt = { "127.0.0.1", "198.19.255.254", NULL, "vmlinuz", "initrd.img", NULL, 1000, 1000, 1, 1,
	  400, 67 };

static struct node *nodes;
static int ep, dfd;
static struct sockaddr_in srv;
static uint32_t giaddr;
static uint64_t want_hash[4], want_size[4];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int lose(void)
{
	return opt.loss && (unsigned)rand() % 1000 < opt.loss * 10;
}

/* ------------------------------------------------------------- DHCP */

static const double pxe_timeout[4] = { 4, 8, 16, 32 };

static uint32_t xid_of(unsigned i)
{
	return 0x50580000u ^ (uint32_t)i;	/* "PX" and the node's index */
}

static void put_opt(uint8_t *b, size_t *n, uint8_t code, const void *v, size_t len)
{
	b[(*n)++] = code;
	b[(*n)++] = (uint8_t)len;
	memcpy(b + *n, v, len);
	*n += len;
}

static void dhcp_send(unsigned i, int type, double t)
{
	static const uint8_t prl[] = { 1, 2, 3, 5, 6, 11, 12, 13, 15, 17, 18, 22, 23, 28,
				       40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97,
				       128, 129, 130, 131, 132, 133, 134, 135 };
	static const char vc[] = "PXEClient:Arch:00000:UNDI:002001";
	struct node *c = &nodes[i];
	uint8_t b[548], u97[17], t53 = (uint8_t)type, arch[2] = { 0, 0 }, undi[3] = { 1, 2, 1 };
	uint8_t mms[2] = { 0x04, 0xec };	/* 1260, as Intel's ROMs say */
	uint32_t xid = htonl(xid_of(i));
	unsigned secs = (unsigned)(t - c->dhcp_start);
	size_t n = 240;

	memset(b, 0, sizeof(b));
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	b[3] = 1;			/* one relay */
	memcpy(b + 4, &xid, 4);
	b[8] = (uint8_t)(secs >> 8);
	b[9] = (uint8_t)secs;
	b[10] = 0x80;			/* PXE ROMs have no address yet: broadcast */
	memcpy(b + 24, &giaddr, 4);
	memcpy(b + 28, c->mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	put_opt(b, &n, 53, &t53, 1);
	if (type == 3) {
		put_opt(b, &n, 50, &c->yiaddr, 4);
		put_opt(b, &n, 54, &c->server_id, 4);
	}
	put_opt(b, &n, 57, mms, 2);
	put_opt(b, &n, 55, prl, sizeof(prl));
	put_opt(b, &n, 93, arch, 2);
	put_opt(b, &n, 94, undi, 3);
	u97[0] = 0;
	memcpy(u97 + 1, c->uuid, 16);
	put_opt(b, &n, 97, u97, 17);
	put_opt(b, &n, 60, vc, sizeof(vc) - 1);
	b[n++] = 255;
	sendto(dfd, b, n < 300 ? 300 : n, 0, (struct sockaddr *)&srv, sizeof(srv));
	c->sent = t;
	c->deadline = t + pxe_timeout[c->tries < 4 ? c->tries : 3];
}

/* Option code's value in a reply (options field only; PXE ROMs read no
 * overload), or NULL. */
static const uint8_t *reply_opt(const uint8_t *b, size_t len, uint8_t code, size_t *olen)
{
	size_t i = 240;

	while (i < len && b[i] != 255) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return NULL;
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2u + b[i + 1];
	}
	return NULL;
}

static void fail(struct node *c, const char *why);
static void tftp_start(unsigned i, double t);

static void dhcp_reply(const uint8_t *b, size_t len, double t)
{
	uint32_t xid;
	const uint8_t *v;
	size_t l;
	unsigned i;
	struct node *c;

	if (len < 240 || b[0] != 2 || memcmp(b + 236, "\x63\x82\x53\x63", 4))
		return;
	memcpy(&xid, b + 4, 4);
	i = ntohl(xid) ^ 0x50580000u;
	if (i >= opt.nodes || memcmp(b + 28, nodes[i].mac, 6))
		return;
	c = &nodes[i];
	v = reply_opt(b, len, 53, &l);
	if (!v || l != 1)
		return;
	if (v[0] == 2 && c->st == N_DISCOVER) {
		/* A ROM booting from DHCP alone needs a boot file. */
		if (!b[108] && !reply_opt(b, len, 67, &l))
			return;
		v = reply_opt(b, len, 54, &l);
		if (!v || l != 4)
			return;
		memcpy(&c->server_id, v, 4);
		memcpy(&c->yiaddr, b + 16, 4);
		memcpy(&c->siaddr, b + 20, 4);
		c->st = N_REQUEST;
		c->tries = 0;
		dhcp_send(i, 3, t);
	} else if (v[0] == 5 && c->st == N_REQUEST) {
		c->end[PH_DHCP] = t;
		c->st = N_TFTP;
		c->step = 0;
		tftp_start(i, t);
	} else if (v[0] == 6 && c->st == N_REQUEST) {
		c->st = N_DISCOVER;	/* back to the start, secs keeps counting */
		c->tries = 0;
		dhcp_send(i, 1, t);
	}
}

/* ------------------------------------------------------------- TFTP */

/* The boot order: file name and how a miss is treated. */
static void step_name(const struct node *c, unsigned step, char *out, size_t cap,
		      enum step_kind *kind)
{
	const uint8_t *m = c->mac, *u = c->uuid;
	uint32_t ip = ntohl(c->yiaddr);
	char hex[9];

	*kind = S_FILE;
	if (step == 0) {
		*kind = S_PROBE;
		snprintf(out, cap, "pxelinux.0");
	} else if (step == 1) {
		snprintf(out, cap, "pxelinux.0");
	} else if (step == 2) {
		snprintf(out, cap, "ldlinux.c32");
	} else if (step == 3) {
		*kind = S_CFG_MISS_OK;
		snprintf(out, cap, "pxelinux.cfg/%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	} else if (step == 4) {
		*kind = S_CFG_MISS_OK;
		snprintf(out, cap, "pxelinux.cfg/01-%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
	} else if (step < 3 + NCFG - 1) {
		*kind = S_CFG_MISS_OK;
		snprintf(hex, sizeof(hex), "%08X", ip);
		hex[8 - (step - 5)] = 0;	/* C612000A, C612000, ..., C */
		snprintf(out, cap, "pxelinux.cfg/%s", hex);
	} else if (step == 3 + NCFG - 1) {
		*kind = S_CFG_DEFAULT;
		snprintf(out, cap, "pxelinux.cfg/default");
	} else if (step == 3 + NCFG) {
		snprintf(out, cap, "%s", opt.kernel);
	} else {
		snprintf(out, cap, "%s", opt.initrd);
	}
}

#define LAST_STEP (3 + NCFG + 1)

/* Which verified file a step fetches (-1: not checked by content). */
static int step_file(unsigned step)
{
	if (step == 1)
		return 0;
	if (step == 2)
		return 1;
	if (step == 3 + NCFG)
		return 2;
	if (step == LAST_STEP)
		return 3;
	return -1;
}

static const double tftp_timeout[7] = { 1, 1, 2, 2, 4, 4, 8 };

static void tftp_rrq(struct node *c, double t)
{
	uint8_t b[600];
	char name[TFTP_NAME_MAX + 1];
	enum step_kind kind;
	struct tftp_opts o = { .tsize = 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(69) };
	size_t n;

	step_name(c, c->step, name, sizeof(name), &kind);
	if (kind != S_PROBE)
		o.blksize = BLKSIZE;
	to.sin_addr.s_addr = c->siaddr ? c->siaddr : c->server_id;
	n = tftp_encode_request(b, sizeof(b), TFTP_RRQ, name, "octet", &o);
	sendto(c->fd, b, n, 0, (struct sockaddr *)&to, sizeof(to));
	c->tdeadline = t + tftp_timeout[c->ttries < 7 ? c->ttries : 6];
}

static void tftp_close(struct node *c)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
}

static void tftp_start(unsigned i, double t)
{
	struct node *c = &nodes[i];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i + 1 };

	tftp_close(c);
	c->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		fail(c, "no socket");
		return;
	}
	c->tid_known = 0;
	c->have_held = 0;
	c->expect = 1;
	c->bytes = 0;
	c->ttries = 0;
	hash_init(&c->hash);
	tftp_rrq(c, t);
}

static void tftp_send(struct node *c, const uint8_t *b, size_t n)
{
	sendto(c->fd, b, n, 0, (struct sockaddr *)&c->tid, sizeof(c->tid));
}

static void tftp_ack(struct node *c, double t)
{
	uint8_t b[4];

	tftp_encode_ack(b, sizeof(b), (uint16_t)(c->expect - 1));
	tftp_send(c, b, 4);
	c->tdeadline = t + tftp_timeout[c->ttries < 7 ? c->ttries : 6];
}

/* The current step is done: on to the next one (or the end). */
static void step_done(unsigned i, double t)
{
	struct node *c = &nodes[i];

	if (c->step == 2)
		c->end[PH_LOADER] = t;
	else if (c->step == 3 + NCFG - 1)
		c->end[PH_CONFIG] = t;
	else if (c->step == 3 + NCFG)
		c->end[PH_KERNEL] = t;
	if (c->step == LAST_STEP) {
		c->end[PH_INITRD] = t;
		c->st = N_DONE;
		tftp_close(c);
		return;
	}
	c->step++;
	tftp_start(i, t);
}

static void tftp_packet(unsigned i, const uint8_t *p, size_t n, double t)
{
	struct node *c = &nodes[i];
	char name[TFTP_NAME_MAX + 1];
	enum step_kind kind;
	uint16_t op, blk;
	int f;

	if (n < 4 || c->st != N_TFTP)
		return;
	op = (uint16_t)(p[0] << 8 | p[1]);
	blk = (uint16_t)(p[2] << 8 | p[3]);
	step_name(c, c->step, name, sizeof(name), &kind);
	c->ttries = 0;
	if (op == TFTP_ERROR) {
		tftp_close(c);
		if (blk == TFTP_ENOTFOUND && kind == S_CFG_MISS_OK) {
			step_done(i, t);	/* the expected miss */
			return;
		}
		fail(c, blk == TFTP_ENOTFOUND ? "TFTP file not found" : "TFTP error");
		return;
	}
	if (op == TFTP_OACK) {
		uint8_t e[64];

		if (c->expect != 1)
			return;
		if (kind == S_PROBE) {
			/* The ROM only wanted the size: abort, as PXE does. */
			tftp_send(c, e, tftp_encode_error(e, sizeof(e), 8, "tsize probe"));
			tftp_close(c);
			step_done(i, t);
			return;
		}
		tftp_ack(c, t);		/* ACK 0 */
		return;
	}
	if (op != TFTP_DATA)
		return;
	if (blk != (uint16_t)c->expect) {
		if (blk == (uint16_t)(c->expect - 1))
			tftp_ack(c, t);	/* our ACK was lost: again */
		return;
	}
	hash_add(&c->hash, p + 4, n - 4);
	c->bytes += n - 4;
	c->expect++;
	tftp_ack(c, t);
	if (n - 4 < BLKSIZE) {
		f = step_file(c->step);
		if (f >= 0 && (c->bytes != want_size[f] || hash_end(&c->hash) != want_hash[f])) {
			fail(c, "TFTP content differs from the local copy");
			return;
		}
		if (kind == S_CFG_MISS_OK)
			c->step = 3 + NCFG - 1;	/* a config was found: PXELINUX reads it */
		tftp_close(c);
		step_done(i, t);
	}
}

static void tftp_receive(unsigned i, double t)
{
	struct node *c = &nodes[i];
	uint8_t b[TFTP_HDR + BLKSIZE + 64];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	for (int k = 0; k < 8 && c->fd >= 0; k++) {
		fl = sizeof(from);
		n = recvfrom(c->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (lose())
			continue;	/* lost on the wire: not even its TID is seen */
		if (!c->tid_known) {
			c->tid = from;
			c->tid_known = 1;
		} else if (from.sin_port != c->tid.sin_port) {
			continue;
		}
		if (opt.reorder && !c->have_held && n >= 4 && b[1] == TFTP_DATA &&
		    (unsigned)rand() % 1000 < opt.reorder * 10) {
			memcpy(c->held, b, (size_t)n);
			c->held_len = (size_t)n;
			c->have_held = 1;
			c->held_until = t + 0.010;
			continue;
		}
		tftp_packet(i, b, (size_t)n, t);
		if (c->have_held && c->st == N_TFTP && c->fd >= 0) {
			c->have_held = 0;
			tftp_packet(i, c->held, c->held_len, t);
		}
	}
}

/* ------------------------------------------------------------- the run */

static void fail(struct node *c, const char *why)
{
	c->st = N_FAILED;
	c->why = why;
	tftp_close(c);
}

static void timers(double t)
{
	for (unsigned i = 0; i < opt.nodes; i++) {
		struct node *c = &nodes[i];

		if (c->st == N_OFF && t >= c->on) {
			c->st = N_DISCOVER;
			c->dhcp_start = t;
			c->tries = 0;
			dhcp_send(i, 1, t);
		} else if ((c->st == N_DISCOVER || c->st == N_REQUEST) && t >= c->deadline) {
			if (++c->tries >= 4) {
				fail(c, c->st == N_DISCOVER ? "PXE-E51: no DHCP offers" :
					"PXE-E51: no DHCP acknowledgement");
				continue;
			}
			dhcp_send(i, c->st == N_DISCOVER ? 1 : 3, t);
		} else if (c->st == N_TFTP && c->have_held && t >= c->held_until) {
			c->have_held = 0;
			tftp_packet(i, c->held, c->held_len, t);
		} else if (c->st == N_TFTP && t >= c->tdeadline) {
			if (++c->ttries >= 7) {
				fail(c, c->tid_known ? "PXE-E32: TFTP timeout" : "PXE-E32: TFTP open timeout");
				continue;
			}
			if (c->tid_known && c->expect > 1)
				tftp_ack(c, t);
			else if (c->tid_known)
				tftp_ack(c, t);	/* ACK 0 after the OACK */
			else
				tftp_rrq(c, t);
		}
	}
}

static int load_file(int slot, const char *name)
{
	char path[4096];
	uint8_t buf[65536];
	struct hstate h;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", opt.root, name);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "storm_load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	hash_init(&h);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		hash_add(&h, buf, (size_t)n);
		want_size[slot] += (uint64_t)n;
	}
	close(fd);
	want_hash[slot] = hash_end(&h);
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(double *v, unsigned n, double p)
{
	unsigned k;

	if (!n)
		return 0;
	k = (unsigned)(p * (n - 1) + 0.5);
	return v[k];
}

static void usage(void)
{
	fprintf(stderr, "usage: storm_load -s SERVER -r RELAY -d ROOT [-n NODES] [-S SPREAD_MS] "
			"[-L LOSS%%] [-R REORDER%%] [-k KERNEL] [-i INITRD] [-T MAX_S] [-p PORT] "
			"[-j JOURNAL]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct epoll_event *evs;
	unsigned ok = 0, failed = 0, i, nrun;
	double t0, last = 0, *v;
	int o, one = 1, rcv = 8 << 20;
	char line[512];
	FILE *jf = NULL;

	while ((o = getopt(argc, argv, "s:r:d:n:S:L:R:k:i:T:p:j:")) != -1) {
		switch (o) {
		case 's': opt.server = optarg; break;
		case 'r': opt.relay = optarg; break;
		case 'd': opt.root = optarg; break;
		case 'n': opt.nodes = (unsigned)atoi(optarg); break;
		case 'S': opt.spread_ms = (unsigned)atoi(optarg); break;
		case 'L': opt.loss = (unsigned)atoi(optarg); break;
		case 'R': opt.reorder = (unsigned)atoi(optarg); break;
		case 'k': opt.kernel = optarg; break;
		case 'i': opt.initrd = optarg; break;
		case 'T': opt.max_s = (unsigned)atoi(optarg); break;
		case 'p': opt.port = (uint16_t)atoi(optarg); break;
		case 'j': opt.journal = optarg; break;
		default: usage();
		}
	}
	if (!opt.root || !opt.nodes || opt.nodes > MAX_NODES || opt.loss > 50 || opt.reorder > 50)
		usage();
	srv.sin_family = AF_INET;
	srv.sin_port = me.sin_port = htons(opt.port);
	if (inet_pton(AF_INET, opt.server, &srv.sin_addr) != 1 ||
	    inet_pton(AF_INET, opt.relay, &me.sin_addr) != 1)
		usage();
	giaddr = me.sin_addr.s_addr;
	if (load_file(0, "pxelinux.0") || load_file(1, "ldlinux.c32") ||
	    load_file(2, opt.kernel) || load_file(3, opt.initrd))
		return 2;
	if (opt.journal && !(jf = fopen(opt.journal, "w"))) {
		perror(opt.journal);
		return 2;
	}
	nodes = calloc(opt.nodes, sizeof(*nodes));
	evs = calloc(opt.nodes + 1, sizeof(*evs));
	v = calloc(opt.nodes, sizeof(*v));
	ep = epoll_create1(EPOLL_CLOEXEC);
	dfd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!nodes || !evs || !v || ep < 0 || dfd < 0)
		return 1;
	setsockopt(dfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(dfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(dfd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(dfd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		fprintf(stderr, "storm_load: bind %s:%u: %s\n", opt.relay, opt.port, strerror(errno));
		return 1;
	}
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 0 };

		epoll_ctl(ep, EPOLL_CTL_ADD, dfd, &ev);
	}
	srand(12345);
	t0 = now_s();
	for (i = 0; i < opt.nodes; i++) {
		struct node *c = &nodes[i];
		uint32_t h = i * 2654435761u;

		c->fd = -1;
		c->mac[0] = 0x02;
		c->mac[1] = 0x50;
		c->mac[2] = (uint8_t)(h >> 24);
		c->mac[3] = (uint8_t)(h >> 16);
		c->mac[4] = (uint8_t)(h >> 8);
		c->mac[5] = (uint8_t)h;
		for (int k = 0; k < 16; k++)
			c->uuid[k] = (uint8_t)rand();
		c->on = t0 + (double)((unsigned)rand() % (opt.spread_ms ? opt.spread_ms : 1)) / 1000.0;
	}
	for (;;) {
		double t = now_s();
		int ne;

		timers(t);
		for (nrun = 0, i = 0; i < opt.nodes; i++)
			nrun += nodes[i].st != N_DONE && nodes[i].st != N_FAILED;
		if (!nrun || t - t0 > opt.max_s)
			break;
		ne = epoll_wait(ep, evs, (int)opt.nodes + 1, 10);
		t = now_s();
		for (int e = 0; e < ne; e++) {
			uint32_t id = evs[e].data.u32;

			if (id == 0) {
				uint8_t b[1500];
				ssize_t n;

				for (int k = 0; k < 256 && (n = recv(dfd, b, sizeof(b), 0)) >= 0; k++)
					if (!lose())
						dhcp_reply(b, (size_t)n, t);
			} else if (id <= opt.nodes) {
				tftp_receive(id - 1, t);
			}
		}
	}
	for (i = 0; i < opt.nodes; i++) {
		struct node *c = &nodes[i];

		if (c->st == N_DONE) {
			ok++;
			if (c->end[PH_INITRD] - t0 > last)
				last = c->end[PH_INITRD] - t0;
		} else {
			failed++;
			if (!c->why)
				c->why = "still booting when the run ended";
		}
		if (jf) {
			char ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &c->yiaddr, ip, sizeof(ip));
			fprintf(jf, "node %u mac %02x:%02x:%02x:%02x:%02x:%02x ip %s %s", i, c->mac[0],
				c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5], ip,
				c->st == N_DONE ? "booted" : "failed");
			for (int p = 0; p < PH_N; p++)
				fprintf(jf, " %s=%.3f", phase_name[p], c->end[p] > 0 ? c->end[p] - c->on : -1);
			fprintf(jf, " step=%u block=%llu%s%s\n", c->step, (unsigned long long)c->expect,
				c->why ? " why=" : "", c->why ? c->why : "");
		}
	}
	if (jf)
		fclose(jf);
	if (failed) {
		/* One line per distinct reason. */
		for (i = 0; i < opt.nodes; i++) {
			unsigned n = 0, j;

			if (nodes[i].st == N_DONE)
				continue;
			for (j = 0; j < i; j++)
				if (nodes[j].st != N_DONE && !strcmp(nodes[j].why, nodes[i].why))
					break;
			if (j < i)
				continue;
			for (j = i; j < opt.nodes; j++)
				n += nodes[j].st != N_DONE && !strcmp(nodes[j].why, nodes[i].why);
			printf("failed: %u nodes: %s\n", n, nodes[i].why);
		}
	}
	/* Per phase, over the booted nodes: how long the phase took. */
	if (ok)
		printf("%-8s %8s %8s %8s %8s   (seconds, booted nodes)\n", "phase", "p50", "p90",
		       "p99", "max");
	else
		printf("no node booted: no phase times\n");
	line[0] = 0;
	for (int p = 0; p <= PH_N; p++) {
		unsigned m = 0;
		size_t l = strlen(line);

		for (i = 0; i < opt.nodes; i++) {
			const struct node *c = &nodes[i];
			double from = p == 0 || p == PH_N ? c->on : c->end[p - 1];
			double to = p == PH_N ? c->end[PH_INITRD] : c->end[p];

			if (c->st == N_DONE)
				v[m++] = to - from;
		}
		qsort(v, m, sizeof(*v), cmp_d);
		if (m)
			printf("%-8s %8.3f %8.3f %8.3f %8.3f\n", p == PH_N ? "total" : phase_name[p],
			       pct(v, m, 0.5), pct(v, m, 0.9), pct(v, m, 0.99), v[m - 1]);
		snprintf(line + l, sizeof(line) - l, " %s_p50=%.3f %s_p99=%.3f",
			 p == PH_N ? "total" : phase_name[p], pct(v, m, 0.5),
			 p == PH_N ? "total" : phase_name[p], pct(v, m, 0.99));
	}
	printf("storm nodes=%u ok=%u failed=%u last_s=%.3f%s\n", opt.nodes, ok, failed, last, line);
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_load.c - a TFTP read client for load tests and benchmarks: N
 * concurrent transfers from one process (epoll, one socket each), RFC 2348
 * blksize and RFC 7440 windowsize, every block's content compared byte for
 * byte with the same range of a read-only mapping of the local copy (a
 * memcmp costs the client less CPU per block than any hash it replaced:
 * byte-wise FNV-1a, then a 4-lane multiply-xor; see bench/tftp).  Optional
 * receive-side loss and reordering (-L/-R percent) test the server's
 * recovery where netem is unavailable.
 *
 *   tftp_load -s 127.0.0.1 [-p 69] -f NAME -v LOCALCOPY [-b 1468] [-w 16]
 *             [-n 200] [-o OUT] [-L 5] [-R 5] [-T 300] [-m 10] [-N 127.16.0.1]
 *
 * -N ADDR: node mode.  Client i is the node at ADDR + i (a local address:
 * on loopback all of 127/8 is), the way a rack's nodes each have their own
 * address; all of them share one socket, so the client takes in DATA with
 * one recvmmsg() and sends ACKs with one sendmmsg() for many transfers at
 * once (IP_PKTINFO names each packet's node).  Without -N each transfer
 * has a socket of its own and pays its own syscalls and wakeups, which on
 * a 2-core host running server and clients cost as much CPU as the server
 * it was measuring (see bench/tftp).  Node mode waits in a blocking
 * recvmmsg(), not in epoll: a socket in an epoll set has epoll's entry on
 * its wait queue for good, so every DATA queued to it (on loopback, on the
 * server's CPU) and every ACK it sends (when the kernel frees it) runs
 * epoll's wakeup callback, even while the client is busy and nobody
 * sleeps; a blocking receive is on the queue only while it waits.
 * -P (with -N): poll without sleeping while transfers run, as nodes that
 * are machines of their own never make the server wake them; the process
 * keeps a core to itself.
 * Prints one line:
 *   ok=N fail=N bytes=N seconds=S MBps=X window=W blksize=B
 * and exits 0 only when every transfer completed with the right content.
 *
 *   tftp_load -s HOST [-p 69] -X REQFILE
 * sends REQFILE's bytes as the request (hostile names for the confinement
 * tests) and prints the first answer: "ERROR <code> <msg>", "OACK", "DATA
 * <block> <len> <payload>" (then aborts the transfer) or "TIMEOUT".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../userspace/netbootd/tftp_proto.h"

struct client {
	int fd, done, failed, tid_known, have_held;
	int differs;		/* a block did not match the local copy */
	unsigned index;		/* for messages */
	struct in_addr node;	/* -N: this client's own address */
	struct sockaddr_in srv;
	unsigned blksize, window, retries, since_ack;
	uint64_t expect;	/* next block index wanted */
	uint64_t bytes;
	uint64_t deadline;
	uint64_t dally_until;	/* done: re-ACK a repeated last block until then */
	uint8_t held[TFTP_HDR + TFTP_BLKSIZE_MAX];
	size_t held_len;
	FILE *out;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned opt_blksize = 512, opt_window = 1, opt_timeout = 300, opt_retries = 10;
static unsigned opt_loss, opt_reorder, opt_busy;
static const char *opt_file, *opt_verify;
/* The local copy every transfer is checked against, mapped read-only. */
static const uint8_t *want_map;
static uint64_t want_len;
/* The clock, read once per batch of datagrams rather than per datagram. */
static uint64_t now_batch;

/* Node mode: the one socket, and the datagrams queued for one sendmmsg(),
 * each from its node's address (IP_PKTINFO's ipi_spec_dst). */
#define TXQ 256
static int shared_fd = -1;
static struct {
	uint8_t buf[600];
	struct sockaddr_in to;
	struct iovec iov;
	union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
} txq[TXQ];
static struct mmsghdr txm[TXQ];
static unsigned txn;

static void flush_tx(void)
{
	unsigned off = 0;

	while (off < txn) {
		int r = sendmmsg(shared_fd, txm + off, txn - off, MSG_DONTWAIT);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			break;	/* lost, as on a lossy link: the timers resend */
		}
		off += (unsigned)r;
	}
	txn = 0;
}

static void xmit(struct client *c, const uint8_t *p, size_t n, const struct sockaddr_in *to)
{
	struct msghdr *mh;
	struct cmsghdr *cm;
	struct in_pktinfo pi;

	if (shared_fd < 0) {
		sendto(c->fd, p, n, 0, (const struct sockaddr *)to, sizeof(*to));
		return;
	}
	if (txn == TXQ)
		flush_tx();
	memcpy(txq[txn].buf, p, n);
	txq[txn].to = *to;
	txq[txn].iov = (struct iovec){ txq[txn].buf, n };
	mh = &txm[txn].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &txq[txn].to;
	mh->msg_namelen = sizeof(txq[txn].to);
	mh->msg_iov = &txq[txn].iov;
	mh->msg_iovlen = 1;
	mh->msg_control = txq[txn].ctl.b;
	mh->msg_controllen = sizeof(txq[txn].ctl.b);
	cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst = c->node;
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	txn++;
}

static void send_req(struct client *c, struct sockaddr_in *srv)
{
	uint8_t b[600];
	struct tftp_opts o = { .tsize = 0 };
	size_t n;

	if (opt_blksize != 512)
		o.blksize = opt_blksize;
	if (opt_window > 1)
		o.windowsize = opt_window;
	n = tftp_encode_request(b, sizeof(b), TFTP_RRQ, opt_file, "octet", &o);
	xmit(c, b, n, srv);
}

static void send_ack(struct client *c)
{
	uint8_t b[4];

	tftp_encode_ack(b, sizeof(b), (uint16_t)(c->expect - 1));
	xmit(c, b, 4, &c->srv);
	c->since_ack = 0;
}

/* One packet from the server. */
static void handle(struct client *c, const uint8_t *p, size_t n)
{
	uint16_t op, blk;

	if (n < 4)
		return;
	op = (uint16_t)(p[0] << 8 | p[1]);
	blk = (uint16_t)(p[2] << 8 | p[3]);
	if (c->done) {
		if (op == TFTP_DATA)
			send_ack(c);
		return;
	}
	c->retries = 0;
	c->deadline = now_batch + opt_timeout;
	if (op == TFTP_ERROR) {
		fprintf(stderr, "tftp_load: server error %u: %.*s\n", blk, (int)(n > 4 ? n - 5 : 0), p + 4);
		c->failed = 1;
		return;
	}
	if (op == TFTP_OACK) {
		struct tftp_opts o = { .tsize = -1 };
		unsigned unk = 0;
		const char *why;

		if (c->expect != 1)
			return;
		tftp_parse_options(p + 2, n - 2, &o, &unk, &why);
		c->blksize = o.blksize ? o.blksize : 512;
		c->window = o.windowsize ? o.windowsize : 1;
		send_ack(c);	/* ACK 0 */
		return;
	}
	if (op != TFTP_DATA)
		return;
	if (blk != (uint16_t)c->expect) {
		/* A gap or a repeat: tell the server where we are. */
		if (blk != (uint16_t)(c->expect - 1) || c->window == 1)
			send_ack(c);
		return;
	}
	if (!c->differs) {
		/* A wrong block fails the transfer at the end; until then it
		 * goes on, as a node would (it cannot tell).  The offset is
		 * what came before, not (block - 1) * blksize: a client whose
		 * OACK was dropped (-L) still counts 512 while the server
		 * sends the blksize it granted. */
		uint64_t at = c->bytes;

		if (at > want_len || n - 4 > want_len - at ||
		    (n > 4 && memcmp(want_map + at, p + 4, n - 4))) {
			fprintf(stderr, "tftp_load: node %u: block %" PRIu64 " differs from %s's bytes %" PRIu64
				"..%" PRIu64 "\n", c->index, c->expect, opt_verify, at, at + (n - 4));
			c->differs = 1;
		}
	}
	c->bytes += n - 4;
	if (c->out)
		fwrite(p + 4, 1, n - 4, c->out);
	c->expect++;
	if (n - 4 < c->blksize) {
		send_ack(c);
		c->done = 1;
		/* RFC 1350's dally: if our final ACK is lost the server resends
		 * the last block, and only an answer lets it finish cleanly. */
		c->dally_until = now_ms() + 3 * opt_timeout;
		return;
	}
	if (++c->since_ack >= c->window)
		send_ack(c);
}

/* One datagram from the server, through the loss and reorder emulation. */
static void receive_one(struct client *c, uint8_t *b, ssize_t n, const struct sockaddr_in *from)
{
	/* Loss first: a dropped first answer (the OACK) must leave the
	 * client as if it never came, so that it resends its request, as a
	 * real client does.  Learning the TID from it first made the timeout
	 * send ACK 0 for options never read: the client then counted 512-byte
	 * blocks while the server sent 1468, took a last block of 512 or more
	 * for a full one and waited past the end (error 5 in lossy tests). */
	if (opt_loss && (unsigned)rand() % 100 < opt_loss)
		return;
	if (!c->tid_known) {
		c->srv = *from;	/* the server's TID for this transfer */
		c->tid_known = 1;
	} else if (from->sin_port != c->srv.sin_port) {
		return;
	}
	/* Only DATA is held back: holding the OACK (or an ERROR) would reorder
	 * it against nothing, since the server sends no successor until we
	 * answer, and our timeout would then ACK 0 before we had read the
	 * negotiated blksize and windowsize. */
	if (opt_reorder && !c->have_held && n >= 2 && b[0] == 0 && b[1] == TFTP_DATA &&
	    (unsigned)rand() % 100 < opt_reorder) {
		memcpy(c->held, b, (size_t)n);
		c->held_len = (size_t)n;
		c->have_held = 1;
		return;
	}
	handle(c, b, (size_t)n);
	if (c->have_held && !c->failed) {
		/* The held packet arrives after its successor. */
		c->have_held = 0;
		handle(c, c->held, c->held_len);
	}
}

/* n receive slots: buffer b[i] of cap bytes, sender in from[i], control
 * data in ctl + i * ctl_len when ctl is not NULL. */
static void rx_slots(struct mmsghdr *mm, struct iovec *iov, struct sockaddr_in *from, uint8_t *b,
		     size_t cap, char *ctl, size_t ctl_len, int n)
{
	int i;

	memset(mm, 0, sizeof(mm[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = b + (size_t)i * cap;
		iov[i].iov_len = cap;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (ctl) {
			mm[i].msg_hdr.msg_control = ctl + (size_t)i * ctl_len;
			mm[i].msg_hdr.msg_controllen = ctl_len;
		}
	}
}

/* Up to RX_BATCH datagrams with one recvmmsg(), so the client pays one
 * syscall per window rather than one per block; a lock-step transfer asks
 * for one (a longer vector makes the kernel look for a second datagram
 * that a lock-step server has not sent yet).  Returns how many, or -1
 * when nothing was waiting. */
#define RX_BATCH 32
static int receive(struct client *c)
{
	static uint8_t b[RX_BATCH][TFTP_HDR + TFTP_BLKSIZE_MAX];
	struct sockaddr_in from[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct mmsghdr mm[RX_BATCH];
	int i, n, want = c->window > 1 || c->expect == 1 ? RX_BATCH : 1;

	rx_slots(mm, iov, from, &b[0][0], sizeof(b[0]), NULL, 0, want);
	n = recvmmsg(c->fd, mm, (unsigned)want, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return -1;
	now_batch = now_ms();
	for (i = 0; i < n && !c->failed; i++)
		receive_one(c, b[i], (ssize_t)mm[i].msg_len, &from[i]);
	return n;
}

/* Node mode: every node's datagrams from the one socket, RX_SHARED at a
 * time; each goes to the node it was sent to (IP_PKTINFO's ipi_addr).
 * flags: MSG_DONTWAIT, or MSG_WAITFORONE to wait (up to the socket's
 * SO_RCVTIMEO) for the first.  Returns how many, or -1 when nothing came. */
#define RX_SHARED 256
static int receive_shared(struct client *cs, unsigned nclients, struct in_addr base, int flags)
{
	static uint8_t b[RX_SHARED][TFTP_HDR + TFTP_BLKSIZE_MAX];
	static union {
		char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[RX_SHARED];
	static struct sockaddr_in from[RX_SHARED];
	static struct iovec iov[RX_SHARED];
	static struct mmsghdr mm[RX_SHARED];
	static int ready;
	int i, n;

	/* Set up once; after a call only the slots it filled need their
	 * name and control lengths back (the kernel rewrote them). */
	if (!ready) {
		rx_slots(mm, iov, from, &b[0][0], sizeof(b[0]), ctl[0].b, sizeof(ctl[0]), RX_SHARED);
		ready = 1;
	}
	n = recvmmsg(shared_fd, mm, RX_SHARED, flags, NULL);
	if (n <= 0)
		return -1;
	now_batch = now_ms();
	for (i = 0; i < n; i++) {
		struct msghdr *mh = &mm[i].msg_hdr;
		struct cmsghdr *cm;
		uint32_t idx = UINT32_MAX;

		for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				idx = ntohl(pi.ipi_addr.s_addr) - ntohl(base.s_addr);
			}
		if (idx < nclients && !cs[idx].failed)
			receive_one(&cs[idx], b[i], (ssize_t)mm[i].msg_len, &from[i]);
		mh->msg_namelen = sizeof(from[i]);
		mh->msg_controllen = sizeof(ctl[i]);
	}
	return n;
}

/* The client sends requests and ACKs, never larger than 600 bytes: strict
 * path MTU discovery on them costs nothing, and spares the kernel its IP
 * ID choice for each.  Under Linux's default (IP_PMTUDISC_WANT, which may
 * fragment later) every datagram's ID comes from a hash and a table of
 * counters shared by all sockets: about 1% of the client's CPU in
 * bench/tftp's storm, where the client sets the pace (README, round 5). */
static void dont_fragment(int fd)
{
	int v = IP_PMTUDISC_DO;

	setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
}

/* The two modes' halves of the main loop.  Node mode: one socket for
 * every client, never in the epoll set (see the top of this file); the
 * loop waits in drain_nodes().  ACKs are queued by xmit() and leave in
 * batches (flush_tx).  Socket mode: each client's own socket, in the set
 * while the client is live, with the client's index as its data; ACKs
 * leave at once. */

/* Node mode: wait for the shared socket (not with -P), then read it while
 * batches come full, bounded so that the main loop's timers still run in
 * a flood. */
static void drain_nodes(struct client *cs, unsigned nclients, struct in_addr base, int wait)
{
	int k, n = receive_shared(cs, nclients, base, wait ? MSG_WAITFORONE : MSG_DONTWAIT);

	for (k = 0; k < 16 && n == RX_SHARED; k++) {
		flush_tx();
		n = receive_shared(cs, nclients, base, MSG_DONTWAIT);
	}
	flush_tx();
}

/* Socket mode: read client c's own socket, up to 256 datagrams. */
static void drain_client(struct client *c)
{
	int k;

	for (k = 0; k < 256 / RX_BATCH && !c->failed; k++)
		if (receive(c) < (c->window > 1 ? RX_BATCH : 2))
			break;
}

/* Socket mode: client i's socket joins the epoll set when it becomes live
 * and leaves it when it stops being live. */
static void watch_client(int ep, const struct client *c, unsigned i, int live)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

	epoll_ctl(ep, live ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, c->fd, &ev);
}

/* Printable form of a reply's text, so a test can grep it. */
static void show(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 200; i++)
		putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
}

static int raw_request(const struct sockaddr_in *srv, const char *reqfile, unsigned close_code)
{
	uint8_t req[2048], b[TFTP_HDR + TFTP_BLKSIZE_MAX];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct pollfd pf;
	ssize_t rl, n;
	int fd = open(reqfile, O_RDONLY), s;

	if (fd < 0) {
		perror(reqfile);
		return 2;
	}
	rl = read(fd, req, sizeof(req));
	close(fd);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rl <= 0 || s < 0 ||
	    sendto(s, req, (size_t)rl, 0, (const struct sockaddr *)srv, sizeof(*srv)) < 0) {
		perror("request");
		return 2;
	}
	pf.fd = s;
	pf.events = POLLIN;
	if (poll(&pf, 1, 3000) <= 0) {
		printf("TIMEOUT\n");
		return 1;
	}
	n = recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
	if (n < 4) {
		printf("RUNT\n");
		return 1;
	}
	switch (b[1]) {
	case TFTP_ERROR:
		printf("ERROR %u ", b[2] << 8 | b[3]);
		show(b + 4, (size_t)n - 4);
		break;
	case TFTP_OACK:
		printf("OACK ");
		show(b + 2, (size_t)n - 2);
		break;
	case TFTP_DATA:
		printf("DATA %u %zd ", b[2] << 8 | b[3], n - 4);
		show(b + 4, (size_t)n - 4);
		break;
	default:
		printf("OP %u", b[1]);
	}
	printf("\n");
	/* Let the server free the transfer at once (-E: with which error
	 * code; edk2 closes its tsize probe with 8, option negotiation). */
	n = (ssize_t)tftp_encode_error(b, sizeof(b), (uint16_t)close_code, "done");
	sendto(s, b, (size_t)n, 0, (struct sockaddr *)&from, fl);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *rawreq = NULL;
	unsigned close_code = 0;
	const char *host = "127.0.0.1", *verify = NULL, *outpath = NULL, *node_base = NULL;
	struct in_addr base = { 0 };
	unsigned port = 69, nclients = 1, i, ok = 0, fail = 0, active;
	uint64_t total = 0, t0, t1;
	struct sockaddr_in srv;
	struct client *cs;
	struct epoll_event *evs;
	uint8_t *live;	/* client i is transferring, or dallying after its last ACK */
	int ep;
	int opt;

	while ((opt = getopt(argc, argv, "s:p:f:v:b:w:n:o:L:R:T:m:X:E:N:P")) != -1) {
		switch (opt) {
		case 's': host = optarg; break;
		case 'p': port = (unsigned)atoi(optarg); break;
		case 'f': opt_file = optarg; break;
		case 'v': verify = optarg; break;
		case 'b': opt_blksize = (unsigned)atoi(optarg); break;
		case 'w': opt_window = (unsigned)atoi(optarg); break;
		case 'n': nclients = (unsigned)atoi(optarg); break;
		case 'o': outpath = optarg; break;
		case 'L': opt_loss = (unsigned)atoi(optarg); break;
		case 'R': opt_reorder = (unsigned)atoi(optarg); break;
		case 'T': opt_timeout = (unsigned)atoi(optarg); break;
		case 'm': opt_retries = (unsigned)atoi(optarg); break;
		case 'X': rawreq = optarg; break;
		case 'E': close_code = (unsigned)atoi(optarg); break;
		case 'N': node_base = optarg; break;
		case 'P': opt_busy = 1; break;
		default:
			fprintf(stderr, "usage: tftp_load -s HOST -f NAME -v LOCAL [-p -b -w -n -o -L -R -T -m -N [-P]]\n");
			return 2;
		}
	}
	if (opt_busy && !node_base) {
		fprintf(stderr, "tftp_load: -P polls the node mode's one socket: it needs -N\n");
		return 2;
	}
	if (rawreq) {
		memset(&srv, 0, sizeof(srv));
		srv.sin_family = AF_INET;
		srv.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &srv.sin_addr) != 1)
			return 2;
		return raw_request(&srv, rawreq, close_code);
	}
	if (!opt_file || !verify || nclients == 0 || nclients > 10000 || opt_blksize < 8 ||
	    opt_blksize > TFTP_BLKSIZE_MAX || opt_window == 0) {
		fprintf(stderr, "tftp_load: need -f NAME and -v LOCALCOPY; sane -b/-w/-n\n");
		return 2;
	}
	{
		struct stat st;
		int fd = open(verify, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) < 0) {
			perror(verify);
			return 2;
		}
		opt_verify = verify;
		want_len = (uint64_t)st.st_size;
		if (want_len) {
			void *m = mmap(NULL, (size_t)want_len, PROT_READ, MAP_SHARED, fd, 0);

			if (m == MAP_FAILED) {
				perror(verify);
				return 2;
			}
			want_map = m;
		}
		close(fd);
	}
	srand((unsigned)getpid());
	memset(&srv, 0, sizeof(srv));
	srv.sin_family = AF_INET;
	srv.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &srv.sin_addr) != 1) {
		fprintf(stderr, "tftp_load: bad address %s\n", host);
		return 2;
	}
	if (node_base) {
		int one = 1, sz = 16 << 20;
		struct timeval wait_max = { .tv_sec = 0, .tv_usec = 20000 };

		if (inet_pton(AF_INET, node_base, &base) != 1) {
			fprintf(stderr, "tftp_load: bad node address %s\n", node_base);
			return 2;
		}
		/* Blocking, for drain_nodes()'s wait; the wait's limit is the
		 * epoll timeout of socket mode. */
		shared_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (shared_fd < 0 ||
		    setsockopt(shared_fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
		    setsockopt(shared_fd, SOL_SOCKET, SO_RCVTIMEO, &wait_max, sizeof(wait_max)) < 0) {
			perror("tftp_load: node socket");
			return 1;
		}
		dont_fragment(shared_fd);
		/* Beyond rmem_max where allowed (root): all nodes' DATA queue here. */
		if (setsockopt(shared_fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(shared_fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	cs = calloc(nclients, sizeof(*cs));
	/* epoll, not poll: poll() over 200 sockets per wakeup cost the
	 * client more than the receive path itself in the storm. */
	evs = calloc(nclients, sizeof(*evs));
	live = calloc(nclients, 1);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!cs || !evs || !live || ep < 0)
		return 1;
	t0 = now_ms();
	for (i = 0; i < nclients; i++) {
		struct client *c = &cs[i];
		int sz = 4 << 20;

		c->node.s_addr = htonl(ntohl(base.s_addr) + i);
		c->fd = shared_fd >= 0 ? -1 : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (shared_fd < 0 && c->fd < 0) {
			perror("socket");
			return 1;
		}
		if (c->fd >= 0) {
			setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
			dont_fragment(c->fd);
		}
		c->blksize = 512;
		c->window = 1;
		c->expect = 1;
		c->index = i;
		c->srv = srv;
		c->deadline = t0 + opt_timeout;
		if (outpath && nclients == 1)
			c->out = fopen(outpath, "wb");
		send_req(c, &srv);
	}
	if (shared_fd >= 0)
		flush_tx();
	t1 = 0;
	for (;;) {
		uint64_t now = now_ms();
		unsigned running = 0;
		int ne, e;

		active = 0;
		for (i = 0; i < nclients; i++) {
			int is_live = !cs[i].failed && (!cs[i].done || now < cs[i].dally_until);

			if (is_live != live[i]) {
				/* Node mode has no per-client socket to watch. */
				if (shared_fd < 0)
					watch_client(ep, &cs[i], i, is_live);
				live[i] = (uint8_t)is_live;
			}
			active += (unsigned)is_live;
			running += !cs[i].failed && !cs[i].done;
		}
		/* The clock stops when the last transfer ends, not after the dally. */
		if (!running && !t1)
			t1 = now;
		if (!active)
			break;
		if (shared_fd >= 0) {
			drain_nodes(cs, nclients, base, !(opt_busy && running));
		} else {
			ne = epoll_wait(ep, evs, (int)nclients, 20);
			for (e = 0; e < ne; e++)
				drain_client(&cs[evs[e].data.u32]);
		}
		now = now_ms();
		for (i = 0; i < nclients; i++) {
			struct client *c = &cs[i];

			if (!live[i])
				continue;
			if (!c->done && !c->failed && now >= c->deadline) {
				if (++c->retries > opt_retries) {
					c->failed = 1;
					continue;
				}
				c->deadline = now + opt_timeout;
				if (c->expect == 1 && !c->tid_known)
					send_req(c, &srv);
				else
					send_ack(c);
			}
		}
		if (shared_fd >= 0)
			flush_tx();	/* node mode: the resends just queued */
	}
	for (i = 0; i < nclients; i++) {
		struct client *c = &cs[i];

		if (c->done && !c->failed && !c->differs && c->bytes == want_len) {
			ok++;
			total += c->bytes;
		} else {
			fail++;
		}
		if (c->out)
			fclose(c->out);
		if (c->fd >= 0)
			close(c->fd);
	}
	{
		double secs = (double)(t1 - t0) / 1000.0;

		printf("ok=%u fail=%u bytes=%llu seconds=%.3f MBps=%.1f window=%u blksize=%u\n", ok, fail,
		       (unsigned long long)total, secs, secs > 0 ? (double)total / 1e6 / secs : 0.0,
		       cs[0].window, cs[0].blksize);
	}
	close(ep);
	if (shared_fd >= 0)
		close(shared_fd);
	free(cs);
	free(evs);
	free(live);
	return fail ? 1 : 0;
}

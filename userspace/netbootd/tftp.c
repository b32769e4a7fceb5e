// SPDX-License-Identifier: GPL-2.0
/*
 * tftp.c - netbootd's TFTP I/O: the port-69 socket, one ephemeral socket
 * per transfer (RFC 1350's TIDs), shared open files, timers and counters.
 * Protocol decisions live in the pure modules (rfc1350.c, rfc2347.c,
 * tftp_xfer.c, tftp_path.c); this file only moves bytes.
 *
 * Memory per transfer is one struct plus, for netascii, one checkpoint per
 * window slot: packets are built in server-wide buffers (the daemon is
 * single-threaded), and file data is pread() from the shared descriptor
 * each time it is (re)sent, so nothing is buffered per window.
 *
 * A window goes out as one batch: the packets are laid out back to back
 * in the server-wide batch buffer (an octet window is one preadv() of the
 * contiguous file range into the payload slots), then one sendmmsg().
 * Where the kernel allows it (UDP_SEGMENT, Linux 4.18), runs of packets
 * go as one UDP GSO message each, so the stack routes and builds one skb
 * per run instead of one per block; the kernel cuts it into the same
 * datagrams (the last, short block included).  A transfer whose GSO send
 * is refused (no checksum offload, blksize above the path MTU) falls back
 * to one message per block for good.  The per-packet cost used to be the
 * syscall pair plus a wakeup of the receiver per packet.
 *
 * With tftp-shared-port, every transfer uses one server socket (its port
 * chosen once at start) and datagrams are matched to transfers by the
 * peer's address and port (tftp_demux.c).  That lets a lock-step storm be
 * served in batches: one recvmmsg() takes in the ACKs of up to RX_SHARED
 * transfers, and the blocks they release go out with one sendmmsg() to as
 * many peers.  Per-transfer sockets cost a recvmsg() and a sendmsg() per
 * block, whatever the load.  Replies from the shared socket carry their
 * source address in IP_PKTINFO, so a multi-homed server still answers
 * from the address each client asked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "log.h"
#include "loop.h"
#include "tftp.h"
#include "tftp_demux.h"
#include "tftp_path.h"
#include "tftp_proto.h"
#include "tftp_xfer.h"

/* One file, open once however many clients read it.  Octet blocks are
 * sent straight from a read-only shared mapping of it: no read() copy per
 * block.  The kernel copies from the mapping inside sendmsg(), so a file
 * truncated under a transfer makes that send fail with EFAULT (never a
 * SIGBUS in the daemon), and the transfer ends as on a read error. */
struct tftp_file {
	struct tftp_file *next;
	dev_t dev;
	ino_t ino;
	int fd;
	off_t size;
	const uint8_t *map;		/* NULL: empty, or mmap refused; pread then */
	unsigned refs;
};

/* Netascii blocks are not at fixed file offsets: remember where each block
 * in the window started so a resend can rebuild it. */
struct na_ckpt {
	uint64_t off;
	int carry;
};

struct tftp_conn {
	struct tftp_conn *prev, *next;
	struct tftp_server *srv;
	int sock;
	struct sockaddr_in peer;
	char peer_str[24];
	char name[TFTP_NAME_MAX + 1];
	char rel[TFTP_NAME_MAX + 1];	/* name as tftp_path_map normalised it */
	enum tftp_mode mode;
	struct tftp_xfer x;
	struct tftp_granted g;
	struct tftp_file *file;		/* read */
	struct na_ckpt *ckpt;		/* netascii read: windowsize + 1 slots */
	int wfd;			/* write: the temporary file */
	char tmpname[TFTP_NAME_MAX + 32], final[TFTP_NAME_MAX + 1];
	int pending_cr;
	uint64_t bytes;			/* payload bytes moved */
	unsigned timeout_ms;
	uint64_t deadline, timer_due;
	struct loop_timer *timer;
	/* Adaptive retransmission (reads whose client set no RFC 2349
	 * timeout): RFC 6298's estimator over one timed block at a time
	 * (Karn: none timed across a retransmission).  A lost block in
	 * lock-step otherwise costs the whole tftp-timeout-ms, and at 1%
	 * loss that, not the bytes, is most of a boot storm's time. */
	int adaptive, have_rtt;
	double srtt, rttvar;		/* ms */
	unsigned rto_ms, backoff;	/* base timeout; early timeouts in a row */
	uint64_t probe_block, probe_ms;	/* the timed block (0: none), when it went */
	int want_out;			/* socket buffer was full */
	int no_gso;			/* UDP_SEGMENT refused: one message per block */
	int frag;			/* path MTU below the blocks: sent fragmentable */
	/* tftp-shared-port (then sock is the server's shared socket): */
	struct in_addr local;		/* the address the request came to */
	struct demux_node dn;		/* in the server's demux, by peer */
	uint64_t req_hash;		/* of the request's bytes: a resend matches */
	int pend_slot, out_slot;	/* in the batch's lists, or -1 */
};

#define RX_SHARED_MAX 64
/* A batch at least this big means load: shared_io() drains the socket
 * out of the epoll set (loop_park_fd). */
#define SHARED_PARK_MIN 8

struct shared_rx {
	struct sockaddr_in from;
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
};

/* A queued lock-step block: its header here, its payload in the file's
 * mapping (which outlives the batch). */
struct shared_out {
	struct tftp_conn *c;		/* NULL: the transfer went away */
	uint8_t hdr[TFTP_HDR];
	struct iovec iov[2];
	size_t len;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
};

struct tftp_server {
	struct loop *loop;
	struct tftp_config cfg;
	int sock, rootfd, upfd;
	struct tftp_file *files;
	struct tftp_conn *conns;
	struct tftp_counters cnt;
	tftp_sent_fn *on_sent;		/* tftp_server_on_sent */
	void *on_sent_ctx;
	unsigned upload_seq;
	uint8_t *pkt, *aux;		/* TFTP_HDR + TFTP_BLKSIZE_MAX each */
	/* One window's batch, shared by every transfer (single-threaded):
	 * packets (header and payload) back to back in batch; vectors here.
	 * Bounded whatever the window: BATCH_PKTS blocks or BATCH_BYTES. */
	uint8_t *batch;
	const uint8_t *bdata[64];	/* each packet's payload: in batch, or in the file's map */
	struct iovec biov[128], rdiov[64];
	struct mmsghdr bmsg[64];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} bctl[64];
	unsigned bpkts[64];		/* packets in each message */
	size_t blen[64];		/* payload length of each packet */
	/* What one recvmmsg() on a transfer socket takes in: RX_SLOTS
	 * packets of PKT_CAP (pages never written stay unallocated). */
	uint8_t *rx;
	struct sockaddr_in rxfrom[8];
	struct iovec rxiov[8];
	struct mmsghdr rxmsg[8];
	/* tftp-shared-port: the socket, its demux, and one batch's state:
	 * what came in (RX_SHARED datagrams), the transfers it released
	 * (pend), and the lock-step blocks queued for one sendmmsg() (out). */
	int xsock;
	int xpktinfo;			/* bound to the wildcard: name each source */
	struct loop_timer *unpark_retry;	/* epoll refused to take xsock back */
	struct tftp_demux demux;
	uint8_t *xrx;
	struct shared_rx *srx;
	struct mmsghdr xmm[RX_SHARED_MAX];
	struct tftp_conn *pend[RX_SHARED_MAX];
	unsigned npend;
	struct shared_out *out;
	struct mmsghdr *outm;
	unsigned nout;
	int batching;			/* send_window() queues lock-step blocks */
};

#define PKT_CAP (TFTP_HDR + TFTP_BLKSIZE_MAX)
#define BATCH_PKTS 64
#define RX_SLOTS 8
#define BATCH_BYTES (256u << 10)	/* at least PKT_CAP */
/* UDP payload of one GSO message: 65535 less the IPv4 and UDP headers. */
#define GSO_BYTES 65507u

static void conn_io(struct loop *l, int fd, uint32_t events, void *ctx);
static void conn_timer(struct loop *l, void *ctx);

static void peer_fmt(const struct sockaddr_in *sa, char *out, size_t cap)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
	snprintf(out, cap, "%s:%u", a, ntohs(sa->sin_port));
}

/* ---------------------------------------------------------------- files */

static long sys_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags;
	how.resolve = resolve;
	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* errno of a failed open to a TFTP error, without telling a prober more
 * than "not found" or "access violation". */
static int open_errno_to_tftp(int e, const char **why)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		*why = "file not found";
		return TFTP_ENOTFOUND;
	case EXDEV:
		*why = "path leaves the root";
		return TFTP_EACCESS;
	case ELOOP:
		*why = "too many symlinks or a magic link";
		return TFTP_EACCESS;
	case EACCES:
	case EPERM:
		*why = "permission denied";
		return TFTP_EACCESS;
	case ENAMETOOLONG:
		*why = "name too long";
		return TFTP_EACCESS;
	default:
		*why = "cannot open";
		return TFTP_ENOTDEF;
	}
}

/*
 * The file a read resolves to, shared.  An O_PATH open (which never has
 * the side effects of opening a FIFO or a device) identifies it; only a
 * regular file not already open gets a real O_RDONLY open, and that second
 * open must land on the same inode.
 */
static struct tftp_file *file_get(struct tftp_server *s, const char *rel, int *code,
				  const char **why)
{
	const uint64_t res = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	struct stat st, st2;
	struct tftp_file *f;
	int pfd, fd;

	pfd = (int)sys_openat2(s->rootfd, rel, O_PATH | O_CLOEXEC, res);
	if (pfd < 0) {
		*code = open_errno_to_tftp(errno, why);
		return NULL;
	}
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(pfd);
		*code = TFTP_EACCESS;
		*why = "not a regular file";
		return NULL;
	}
	close(pfd);
	/* A file rewritten in place to another size gets a new entry (and
	 * mapping); transfers still on the old one finish or fail on it. */
	for (f = s->files; f; f = f->next) {
		if (f->dev == st.st_dev && f->ino == st.st_ino && f->size == st.st_size) {
			f->refs++;
			return f;
		}
	}
	fd = (int)sys_openat2(s->rootfd, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, res);
	if (fd < 0) {
		*code = open_errno_to_tftp(errno, why);
		return NULL;
	}
	if (fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode) || st2.st_dev != st.st_dev ||
	    st2.st_ino != st.st_ino) {
		close(fd);
		*code = TFTP_EACCESS;
		*why = "file changed while opening";
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		*code = TFTP_ENOTDEF;
		*why = "out of memory";
		return NULL;
	}
	f->dev = st2.st_dev;
	f->ino = st2.st_ino;
	f->fd = fd;
	f->size = st2.st_size;
	if (f->size > 0 && (uint64_t)f->size <= SIZE_MAX) {
		void *m = mmap(NULL, (size_t)f->size, PROT_READ, MAP_SHARED, fd, 0);

		if (m != MAP_FAILED)
			f->map = m;
	}
	f->refs = 1;
	f->next = s->files;
	s->files = f;
	return f;
}

static void file_put(struct tftp_server *s, struct tftp_file *f)
{
	struct tftp_file **pp;

	if (!f || --f->refs)
		return;
	for (pp = &s->files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	if (f->map)
		munmap((void *)f->map, (size_t)f->size);
	close(f->fd);
	free(f);
}

/* ---------------------------------------------------------------- sending */

/* Appends an IP_PKTINFO naming the source address to mh's control data,
 * in buf (cap bytes; mh->msg_controllen of it, a CMSG_SPACE multiple, are
 * in use already).  The shared socket is bound to the wildcard address. */
static void put_pktinfo(struct msghdr *mh, char *buf, size_t cap, struct in_addr local)
{
	size_t used = mh->msg_controllen;
	struct in_pktinfo pi;
	struct cmsghdr *cm;

	if (used + CMSG_SPACE(sizeof(pi)) > cap)
		return;
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst = local;
	mh->msg_control = buf;
	mh->msg_controllen = used + CMSG_SPACE(sizeof(pi));
	cm = (struct cmsghdr *)(void *)(buf + used);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
}

/* The transfer is on the shared port (tftp-shared-port). */
static int is_shared(const struct tftp_conn *c)
{
	return c->srv->xsock >= 0 && c->sock == c->srv->xsock;
}

/* The shared socket bound to the wildcard address (no tftp-listen) must
 * name each reply's source; bound to one address it needs not, and the
 * kernel skips a source address check per packet. */
static int needs_pktinfo(const struct tftp_conn *c)
{
	return is_shared(c) && c->srv->xpktinfo;
}

/* Every TFTP socket sends with DF and strict path MTU discovery
 * (IP_PMTUDISC_DO): the kernel then gives each datagram IP ID 0 instead of
 * drawing one from its hashed table of counters (RFC 6864: an atomic
 * datagram's ID means nothing), which was 1.5% of the lock-step path's
 * CPU.  Linux's default (IP_PMTUDISC_WANT) sets DF as well, but once an
 * ICMP "fragmentation needed" has lowered the path MTU below the blocks it
 * fragments them; under DO that send fails with EMSGSIZE instead, and the
 * transfer goes back to the default for the rest of its blocks
 * (frag_fallback).  Small packets (OACK, ACK, ERROR) never meet it. */
static void set_pmtudisc(int sock, int mode)
{
	setsockopt(sock, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof(mode));
}

/* A send of c's failed with EMSGSIZE: the path MTU is below its blocks.
 * Its own socket goes back to fragmenting for good; on the shared socket
 * (one setting for all transfers) frag_send() switches it around each of
 * c's sends, and c's blocks no longer join the batch (can_queue). */
static void frag_fallback(struct tftp_conn *c)
{
	c->frag = 1;
	if (!is_shared(c))
		set_pmtudisc(c->sock, IP_PMTUDISC_WANT);
	log_msg(LOG_INFO, "tftp: %s: path MTU below %u-byte blocks: sending %s fragmented",
		c->peer_str, c->x.blksize, c->name);
}

/* c's blocks in n messages on sock: sendmsg() for one (lock-step; it
 * spares sendmmsg()'s copying in and out of the message vector), else
 * sendmmsg().  Returns the messages sent, or -1 with errno. */
static int frag_send(struct tftp_conn *c, int sock, struct mmsghdr *m, unsigned n)
{
	int toggle = c->frag && is_shared(c), r, e;

	if (toggle)
		set_pmtudisc(sock, IP_PMTUDISC_WANT);
	if (n == 1)
		r = sendmsg(sock, &m[0].msg_hdr, 0) < 0 ? -1 : 1;
	else
		r = sendmmsg(sock, m, n, 0);
	if (toggle) {
		e = errno;
		set_pmtudisc(sock, IP_PMTUDISC_DO);
		errno = e;
	}
	return r;
}

/* One datagram of this transfer's, from its own socket or the shared one. */
static ssize_t conn_sendto(struct tftp_conn *c, const void *p, size_t n, const struct sockaddr_in *to)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)p, n };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to), .msg_iov = &iov, .msg_iovlen = 1,
	};

	if (needs_pktinfo(c))
		put_pktinfo(&mh, ctl.buf, sizeof(ctl.buf), c->local);
	return sendmsg(c->sock, &mh, 0);
}

static void conn_error(struct tftp_conn *c, const struct sockaddr_in *to, int code, const char *msg)
{
	size_t n = tftp_encode_error(c->srv->aux, 512, (uint16_t)code, msg);

	if (conn_sendto(c, c->srv->aux, n, to) < 0)
		log_msg(LOG_DEBUG, "tftp: error packet not sent: %s", strerror(errno));
}

static void send_pkt(struct tftp_conn *c, const uint8_t *p, size_t n)
{
	ssize_t r = conn_sendto(c, p, n, &c->peer);

	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) && !c->want_out) {
		/* Resent on EPOLLOUT or by the timer; others are not held up. */
		c->want_out = 1;
		loop_mod_fd(c->srv->loop, c->sock, EPOLLIN | EPOLLOUT);
	}
}

static void send_error_to(int sock, const struct sockaddr_in *to, int code, const char *msg,
			  uint8_t *buf)
{
	size_t n = tftp_encode_error(buf, 512, (uint16_t)code, msg);

	if (sendto(sock, buf, n, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		log_msg(LOG_DEBUG, "tftp: error packet not sent: %s", strerror(errno));
}

/* The retransmission timeout now: the adaptive one doubled per early
 * timeout in a row, never above the configured (or negotiated) one. */
static unsigned cur_timeout(const struct tftp_conn *c)
{
	uint64_t t;

	if (!c->adaptive)
		return c->timeout_ms;
	t = (uint64_t)c->rto_ms << (c->backoff < 16 ? c->backoff : 16);
	return t < c->timeout_ms ? (unsigned)t : c->timeout_ms;
}

static void arm(struct tftp_conn *c)
{
	struct loop *l = c->srv->loop;
	unsigned t = cur_timeout(c);

	c->deadline = loop_now_ms(l) + t;
	if (c->timer && c->timer_due > c->deadline) {
		/* The timeout shrank below the pending timer's. */
		loop_timer_cancel(l, c->timer);
		c->timer = NULL;
	}
	if (!c->timer) {
		c->timer = loop_timer_add(l, t, conn_timer, c);
		c->timer_due = c->deadline;
	}
}

/* An ACK covered the timed block: one RTT sample (RFC 6298 2.2, 2.3,
 * with a clock granularity of 1 ms). */
static void rtt_sample(struct tftp_conn *c, uint64_t now)
{
	double r = (double)(now - c->probe_ms), rto;

	c->probe_block = 0;
	if (!c->have_rtt) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->have_rtt = 1;
	} else {
		c->rttvar = 0.75 * c->rttvar + 0.25 * (c->srtt > r ? c->srtt - r : r - c->srtt);
		c->srtt = 0.875 * c->srtt + 0.125 * r;
	}
	rto = c->srtt + (4 * c->rttvar > 1 ? 4 * c->rttvar : 1);
	if (rto < c->srv->cfg.timeout_min_ms)
		rto = c->srv->cfg.timeout_min_ms;
	c->rto_ms = rto < c->timeout_ms ? (unsigned)rto : c->timeout_ms;
}

/* Netascii block idx into out (blksize bytes); its length, or -1 on a read
 * error.  Blocks are built in order, each from its checkpoint. */
static long build_netascii(struct tftp_conn *c, uint64_t idx, uint8_t *out)
{
	struct tftp_server *s = c->srv;
	unsigned bs = c->x.blksize, slots = c->x.windowsize + 1;
	struct na_ckpt ck = c->ckpt[idx % slots];
	size_t o = 0;
	ssize_t n;

	while (o < bs) {
		size_t used = 0, w;

		n = pread(c->file->fd, s->aux, bs - o, (off_t)ck.off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 && ck.carry < 0)
			break;
		w = tftp_netascii_encode(s->aux, (size_t)n, &used, out + o, bs - o, &ck.carry);
		o += w;
		ck.off += used;
		if (n == 0)
			break;
	}
	c->ckpt[(idx + 1) % slots] = ck;
	return (long)o;
}

/*
 * Up to k blocks from idx into the batch: packet j (header and payload) at
 * s->batch + j * (TFTP_HDR + blksize), its payload length in s->blen[j].
 * Stops after the first short block (the last one).  Returns how many
 * blocks, or -1 on a read error.
 */
static long fill_batch(struct tftp_conn *c, uint64_t idx, unsigned k)
{
	struct tftp_server *s = c->srv;
	size_t bs = c->x.blksize, stride = TFTP_HDR + bs, got = 0, want = k * bs;
	off_t off = (off_t)((idx - 1) * bs);
	unsigned j, n_iov;
	ssize_t n;

	if (c->mode == TFTP_MODE_NETASCII) {
		for (j = 0; j < k; j++) {
			long l = build_netascii(c, idx + j, s->batch + j * stride + TFTP_HDR);

			if (l < 0)
				return -1;
			s->bdata[j] = s->batch + j * stride + TFTP_HDR;
			s->blen[j] = (size_t)l;
			if ((size_t)l < bs)
				return (long)j + 1;
		}
		return (long)k;
	}
	if (c->file->map) {
		uint64_t size = (uint64_t)c->file->size;

		for (j = 0; j < k; j++) {
			uint64_t at = (uint64_t)off + (uint64_t)j * bs;

			s->blen[j] = at >= size ? 0 : size - at < bs ? (size_t)(size - at) : bs;
			s->bdata[j] = c->file->map + (at < size ? at : 0);
			if (s->blen[j] < bs)
				return (long)j + 1;
		}
		return (long)k;
	}
	for (j = 0; j < k; j++)
		s->bdata[j] = s->batch + j * stride + TFTP_HDR;
	/* Octet without a map: the window is one contiguous range of the
	 * file, read with one preadv() into the payload slots (again only
	 * after a short read, which a regular file gives only at its end). */
	while (got < want) {
		size_t first = got / bs, o = got % bs;

		n_iov = 0;
		for (j = (unsigned)first; j < k; j++) {
			size_t skip = j == first ? o : 0;

			s->rdiov[n_iov].iov_base = s->batch + j * stride + TFTP_HDR + skip;
			s->rdiov[n_iov].iov_len = bs - skip;
			n_iov++;
		}
		n = preadv(c->file->fd, s->rdiov, (int)n_iov, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	for (j = 0; j < k; j++) {
		size_t at = j * bs;

		s->blen[j] = got > at ? (got - at < bs ? got - at : bs) : 0;
		if (s->blen[j] < bs)
			return (long)j + 1;
	}
	return (long)k;
}

/* The nb packets of the batch as messages: runs of up to per_msg packets
 * (one GSO message each), or one packet per message.  Each packet is two
 * vectors, its header (in batch) and its payload (s->bdata).  Returns how
 * many messages. */
static unsigned batch_msgs(struct tftp_conn *c, unsigned nb, unsigned per_msg)
{
	struct tftp_server *s = c->srv;
	size_t stride = TFTP_HDR + c->x.blksize;
	unsigned m = 0, j = 0, q, t;

	while (j < nb) {
		struct msghdr *mh = &s->bmsg[m].msg_hdr;
		struct iovec *v = &s->biov[2 * j];

		q = nb - j < per_msg ? nb - j : per_msg;
		for (t = 0; t < q; t++) {
			v[2 * t].iov_base = s->batch + (j + t) * stride;
			v[2 * t].iov_len = TFTP_HDR;
			v[2 * t + 1].iov_base = (void *)s->bdata[j + t];
			v[2 * t + 1].iov_len = s->blen[j + t];
		}
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = &c->peer;
		mh->msg_namelen = sizeof(c->peer);
		mh->msg_iov = v;
		mh->msg_iovlen = 2 * q;
		if (q > 1) {
			struct cmsghdr *cm;
			uint16_t seg = (uint16_t)stride;

			mh->msg_control = s->bctl[m].buf;
			mh->msg_controllen = CMSG_SPACE(sizeof(seg));
			cm = CMSG_FIRSTHDR(mh);
			cm->cmsg_level = SOL_UDP;
			cm->cmsg_type = UDP_SEGMENT;
			cm->cmsg_len = CMSG_LEN(sizeof(seg));
			memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
		}
		if (needs_pktinfo(c))
			put_pktinfo(mh, s->bctl[m].buf, sizeof(s->bctl[m].buf), c->local);
		s->bpkts[m++] = q;
		j += q;
	}
	return m;
}

/* Shared port, lock-step, a mapped file: block idx goes into the batch's
 * send queue instead of out at once; flush_out() sends the queue with one
 * sendmmsg() and does the accounting send_window() would have done. */
static int can_queue(const struct tftp_conn *c)
{
	return c->srv->batching && is_shared(c) && c->x.windowsize == 1 && !c->x.writing && !c->frag &&
	       c->mode == TFTP_MODE_OCTET && c->file && c->file->map && c->out_slot < 0 &&
	       c->srv->nout < RX_SHARED_MAX;
}

static void queue_block(struct tftp_conn *c, uint64_t idx)
{
	struct tftp_server *s = c->srv;
	struct shared_out *o = &s->out[s->nout];
	uint64_t size = (uint64_t)c->file->size, at = (idx - 1) * c->x.blksize;
	struct msghdr *mh = &s->outm[s->nout].msg_hdr;

	o->c = c;
	o->len = at >= size ? 0 : size - at < c->x.blksize ? (size_t)(size - at) : c->x.blksize;
	tftp_encode_data_hdr(o->hdr, TFTP_HDR, (uint16_t)idx);
	o->iov[0] = (struct iovec){ o->hdr, TFTP_HDR };
	o->iov[1] = (struct iovec){ (void *)(c->file->map + (at < size ? at : 0)), o->len };
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &c->peer;
	mh->msg_namelen = sizeof(c->peer);
	mh->msg_iov = o->iov;
	mh->msg_iovlen = 2;
	if (needs_pktinfo(c))
		put_pktinfo(mh, o->ctl.buf, sizeof(o->ctl.buf), c->local);
	c->out_slot = (int)s->nout++;
}

/* What send_window() does after a send, for one queued block that went. */
static void queued_sent(struct tftp_conn *c, size_t len)
{
	uint64_t end = (xfer_next(&c->x) - 1) * c->x.blksize + len;

	xfer_sent(&c->x, len < c->x.blksize);
	if (end > c->bytes)
		c->bytes = end;
	arm(c);
}

static void conn_finish(struct tftp_conn *c, int ok);

/* Sends the batch's queued blocks.  A transfer whose block did not go
 * (socket buffer full) waits for EPOLLOUT like any other; one whose file
 * shrank under it (EFAULT) ends as on a read error. */
static void flush_out(struct tftp_server *s)
{
	unsigned i, j, n = 0;
	int r;

	/* Leave out the blocks of transfers that ended since they were queued. */
	for (i = 0; i < s->nout; i++) {
		if (!s->out[i].c)
			continue;
		if (n != i) {
			s->out[n] = s->out[i];
			s->outm[n] = s->outm[i];
			s->outm[n].msg_hdr.msg_iov = s->out[n].iov;
			s->outm[n].msg_hdr.msg_control = s->out[n].ctl.buf;
			s->out[n].iov[0].iov_base = s->out[n].hdr;
		}
		s->out[n].c->out_slot = (int)n;
		n++;
	}
	s->nout = 0;
	for (i = 0; i < n;) {
		r = sendmmsg(s->xsock, s->outm + i, n - i, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			for (j = i; j < n; j++) {
				s->out[j].c->out_slot = -1;
				s->out[j].c->want_out = 1;
			}
			loop_mod_fd(s->loop, s->xsock, EPOLLIN | EPOLLOUT);
			return;
		}
		if (r <= 0) {
			struct tftp_conn *c = s->out[i].c;

			c->out_slot = -1;
			if (r < 0 && errno == EMSGSIZE && !c->frag) {
				/* Again at once, fragmentable; if that fails too
				 * it is lost, and the timer resends it. */
				frag_fallback(c);
				(void)frag_send(c, s->xsock, &s->outm[i], 1);
				queued_sent(c, s->out[i].len);
			} else if (errno == EFAULT) {
				conn_error(c, &c->peer, TFTP_ENOTDEF, "read error");
				log_msg(LOG_WARNING, "tftp: %s: %s shrank during the transfer",
					c->peer_str, c->name);
				conn_finish(c, 0);
			} else {
				/* Lost, as on a lossy link: the timer resends it. */
				queued_sent(c, s->out[i].len);
			}
			i++;
			continue;
		}
		for (j = i; j < i + (unsigned)r; j++) {
			s->out[j].c->out_slot = -1;
			queued_sent(s->out[j].c, s->out[j].len);
		}
		i += (unsigned)r;
	}
}

/* Returns 1 when the transfer is gone (finished or failed). */
static int send_window(struct tftp_conn *c)
{
	struct tftp_server *s = c->srv;
	unsigned bs = c->x.blksize, stride = TFTP_HDR + bs, cap = BATCH_BYTES / stride;
	unsigned k, j, m, nm, done, per_msg;
	uint64_t room, idx, end;
	int sent = 0, r;
	long nb;

	if (cap > BATCH_PKTS)
		cap = BATCH_PKTS;
	while (!c->want_out && (room = xfer_room(&c->x)) > 0) {
		idx = xfer_next(&c->x);
		k = room < cap ? (unsigned)room : cap;
		if (c->adaptive && !c->probe_block && idx >= c->x.sent_end) {
			c->probe_block = idx;	/* first sent now: its ACK times the path */
			c->probe_ms = loop_now_ms(s->loop);
		}
		if (can_queue(c)) {
			queue_block(c, idx);
			return 0;
		}
		nb = fill_batch(c, idx, k);
		if (nb < 0) {
			conn_error(c, &c->peer, TFTP_ENOTDEF, "read error");
			log_msg(LOG_WARNING, "tftp: %s: read error on %s: %s", c->peer_str, c->name,
				strerror(errno));
			conn_finish(c, 0);
			return 1;
		}
		for (j = 0; j < (unsigned)nb; j++)
			tftp_encode_data_hdr(s->batch + (size_t)j * stride, TFTP_HDR, (uint16_t)(idx + j));
		per_msg = c->no_gso ? 1 : GSO_BYTES / stride;
		if (per_msg < 1)
			per_msg = 1;
		nm = batch_msgs(c, (unsigned)nb, per_msg);
		r = frag_send(c, c->sock, s->bmsg, nm);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EMSGSIZE && !c->frag) {
				frag_fallback(c);
				continue;
			}
			if (errno == EFAULT) {
				/* The mapped file was truncated under us. */
				conn_error(c, &c->peer, TFTP_ENOTDEF, "read error");
				log_msg(LOG_WARNING, "tftp: %s: %s shrank during the transfer",
					c->peer_str, c->name);
				conn_finish(c, 0);
				return 1;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				/* Not sent; resent on EPOLLOUT (the same block goes
				 * first) or by the timer; others are not held up. */
				c->want_out = 1;
				loop_mod_fd(s->loop, c->sock, EPOLLIN | EPOLLOUT);
				break;
			}
			if (s->bpkts[0] > 1) {
				/* GSO refused on this path: per-block from now on. */
				log_msg(LOG_DEBUG, "tftp: %s: UDP GSO refused (%s), per-block sends",
					c->peer_str, strerror(errno));
				c->no_gso = 1;
				continue;
			}
			/* Any other error loses this one packet, as a lossy
			 * link would: the timer resends it. */
			r = 1;
		}
		for (m = 0, j = 0; m < (unsigned)r; m++) {
			for (done = 0; done < s->bpkts[m]; done++, j++) {
				xfer_sent(&c->x, s->blen[j] < bs);
				end = (idx + j - 1) * bs + s->blen[j];
				if (end > c->bytes)
					c->bytes = end;
				sent++;
			}
		}
	}
	if (sent)
		arm(c);
	return 0;
}

static void send_oack(struct tftp_conn *c)
{
	size_t n = tftp_encode_oack(c->srv->pkt, PKT_CAP, &c->g);

	send_pkt(c, c->srv->pkt, n);
	arm(c);
}

static void send_ack(struct tftp_conn *c)
{
	uint8_t b[4];

	tftp_encode_ack(b, sizeof(b), xfer_ack_block(&c->x));
	send_pkt(c, b, sizeof(b));
	arm(c);
}

/* ---------------------------------------------------------------- lifecycle */

static void conn_free(struct tftp_conn *c)
{
	struct tftp_server *s = c->srv;

	if (c->timer)
		loop_timer_cancel(s->loop, c->timer);
	if (is_shared(c)) {
		demux_del(&s->demux, &c->dn);
		if (c->pend_slot >= 0)
			s->pend[c->pend_slot] = NULL;
		if (c->out_slot >= 0)
			s->out[c->out_slot].c = NULL;
	} else if (c->sock >= 0) {
		loop_del_fd(s->loop, c->sock);
		close(c->sock);
	}
	if (c->wfd >= 0) {
		close(c->wfd);
		unlinkat(s->upfd, c->tmpname, 0);	/* an unfinished upload leaves nothing */
	}
	file_put(s, c->file);
	free(c->ckpt);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->cnt.active--;
	free(c);
}

static void conn_finish(struct tftp_conn *c, int ok)
{
	struct tftp_server *s = c->srv;

	if (ok) {
		s->cnt.completed++;
		log_msg(LOG_INFO, "tftp: %s: %s %s done, %" PRIu64 " bytes", c->peer_str,
			c->x.writing ? "received" : "sent", c->name, c->bytes);
		if (!c->x.writing && s->on_sent)
			s->on_sent(s->on_sent_ctx, c->peer.sin_addr.s_addr, c->rel);
	} else {
		s->cnt.failed++;
		log_msg(LOG_INFO, "tftp: %s: %s %s failed after %" PRIu64 " bytes", c->peer_str,
			c->x.writing ? "receiving" : "sending", c->name, c->bytes);
	}
	s->cnt.bytes += c->bytes;
	conn_free(c);
}

/* The upload is complete: move it into place (never over an existing file
 * unless tftp-upload-overwrite).  0, or a TFTP error code. */
static int upload_commit(struct tftp_conn *c, const char **why)
{
	struct tftp_server *s = c->srv;
	unsigned flags = s->cfg.upload_overwrite ? 0 : RENAME_NOREPLACE;

	if (fsync(c->wfd) < 0) {
		*why = "fsync failed";
		return TFTP_ENOSPACE;
	}
	if (renameat2(s->upfd, c->tmpname, s->upfd, c->final, flags) < 0) {
		*why = errno == EEXIST ? "file exists" : "rename failed";
		return errno == EEXIST ? TFTP_EEXISTS : TFTP_EACCESS;
	}
	close(c->wfd);
	c->wfd = -1;
	return 0;
}

/* Carries out what the state machine decided; 1 when c is gone. */
static int on_action(struct tftp_conn *c, enum tftp_action a)
{
	switch (a) {
	case XA_NONE:
		return 0;
	case XA_SEND:
		return send_window(c);
	case XA_SEND_OACK:
		send_oack(c);
		return 0;
	case XA_SEND_ACK:
	case XA_DALLY:
		send_ack(c);
		return 0;
	case XA_DONE:
		if (c->x.writing)
			conn_free(c);	/* counted when the upload was committed */
		else
			conn_finish(c, 1);
		return 1;
	case XA_FAIL:
		log_msg(LOG_INFO, "tftp: %s: no answer after %u tries, dropped", c->peer_str,
			c->x.max_retries);
		conn_finish(c, 0);
		return 1;
	}
	return 0;
}

static void conn_timer(struct loop *l, void *ctx)
{
	struct tftp_conn *c = ctx;
	uint64_t now = loop_now_ms(l);

	c->timer = NULL;
	if (now < c->deadline) {
		/* Progress since this timer was set: wait out the rest. */
		c->timer = loop_timer_add(l, c->deadline - now, conn_timer, c);
		c->timer_due = c->deadline;
		return;
	}
	c->probe_block = 0;	/* Karn: nothing is timed across a resend */
	c->srv->cnt.timeouts++;
	if (c->adaptive && cur_timeout(c) < c->timeout_ms) {
		c->backoff++;
		on_action(c, xfer_on_early_timeout(&c->x));
		return;
	}
	on_action(c, xfer_on_timeout(&c->x));
}

/* Fails the transfer with an ERROR to the peer; always returns 1. */
static int conn_abort(struct tftp_conn *c, int code, const char *msg)
{
	conn_error(c, &c->peer, code, msg);
	conn_finish(c, 0);
	return 1;
}

static int handle_data(struct tftp_conn *c, const struct tftp_packet *p)
{
	struct tftp_server *s = c->srv;
	int store = 0, code;
	enum tftp_action a;
	const char *why = NULL;

	if (p->data_len > c->x.blksize) {
		log_drop("tftp", c->peer_str, "DATA of %zu bytes, blksize %u", p->data_len, c->x.blksize);
		return conn_abort(c, TFTP_EBADOP, "block larger than blksize");
	}
	a = xfer_on_data(&c->x, p->block, p->data_len, &store);
	if (store) {
		const uint8_t *d = p->data;
		size_t n = p->data_len;

		if (c->mode == TFTP_MODE_NETASCII) {
			n = tftp_netascii_decode(p->data, p->data_len, s->aux, &c->pending_cr);
			d = s->aux;
		}
		if (c->bytes + n > s->cfg.upload_max) {
			log_drop("tftp", c->peer_str, "upload %s over %" PRIu64 " bytes", c->name,
				 s->cfg.upload_max);
			return conn_abort(c, TFTP_ENOSPACE, "upload size limit");
		}
		if (n && write(c->wfd, d, n) != (ssize_t)n)
			return conn_abort(c, TFTP_ENOSPACE, "write failed");
		c->bytes += n;
		if (a == XA_DALLY && (code = upload_commit(c, &why)) != 0) {
			log_msg(LOG_WARNING, "tftp: %s: upload %s: %s", c->peer_str, c->name, why);
			return conn_abort(c, code, why);
		}
	}
	if (a == XA_DALLY && store) {
		/* Counted now; the dally only answers a lost final ACK. */
		s->cnt.completed++;
		s->cnt.bytes += c->bytes;
		log_msg(LOG_INFO, "tftp: %s: received %s, %" PRIu64 " bytes", c->peer_str,
			c->final, c->bytes);
	}
	return on_action(c, a);
}

/* The socket has room again: send what found it full. */
static void conn_resume(struct tftp_conn *c)
{
	c->want_out = 0;
	if (c->x.state == XFER_OACK)
		send_oack(c);
	else if (!c->x.writing)
		send_window(c);
	else
		send_ack(c);
}

/* One datagram from this transfer's peer.  Returns 1 when the transfer is
 * gone; sets *send_later when an ACK released blocks (sent once after all
 * the ACKs at hand are taken in). */
static int conn_packet(struct tftp_conn *c, const uint8_t *pkt, size_t n, int *send_later)
{
	struct tftp_packet p;
	const char *why;

	if (tftp_parse_packet(pkt, n, &p, &why) != 0) {
		log_drop("tftp", c->peer_str, "%s", why);
		conn_abort(c, TFTP_EBADOP, why);
		return 1;
	}
	if (p.op == TFTP_ERROR) {
		/* PXE ROMs and edk2 ask for tsize, read the OACK and
		 * close with an ERROR (edk2: 8) on purpose, then ask
		 * again: a size probe, no failure of ours.  A client
		 * that asked no tsize and refuses the OACK did not get
		 * its file: say so. */
		if (c->x.state == XFER_OACK && c->g.acked.tsize >= 0) {
			c->srv->cnt.probes++;
			log_msg(LOG_INFO, "tftp: %s: size probe of %s (tsize %" PRId64
				"), closed by the client (error %u)", c->peer_str, c->name,
				c->g.acked.tsize, p.error);
			conn_free(c);
		} else if (c->x.state == XFER_OACK) {
			c->srv->cnt.aborted++;
			log_msg(LOG_INFO, "tftp: %s: client refused the options for %s (error %u)",
				c->peer_str, c->name, p.error);
			conn_free(c);
		} else if (c->x.state == XFER_DALLY) {
			conn_free(c);
		} else {
			log_msg(LOG_INFO, "tftp: %s: client aborted %s (error %u)", c->peer_str,
				c->name, p.error);
			conn_finish(c, 0);
		}
		return 1;
	}
	if (p.op == TFTP_ACK && !c->x.writing) {
		uint64_t before = c->x.acked;
		enum tftp_action a = xfer_on_ack(&c->x, p.block);

		if (c->x.acked > before) {
			c->backoff = 0;
			if (c->probe_block && c->x.acked >= c->probe_block)
				rtt_sample(c, loop_now_ms(c->srv->loop));
		}

		if (a == XA_SEND)
			*send_later = 1;
		else if (on_action(c, a))
			return 1;
	} else if (p.op == TFTP_DATA && c->x.writing) {
		if (handle_data(c, &p))
			return 1;
	} else {
		log_drop("tftp", c->peer_str, "%s in a %s transfer", tftp_op_name(p.op),
			 c->x.writing ? "write" : "read");
		conn_abort(c, TFTP_EBADOP, "unexpected packet");
		return 1;
	}
	return 0;
}

static void conn_io(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct tftp_conn *c = ctx;
	struct tftp_server *s = c->srv;
	int i, send_later = 0;

	(void)l;
	(void)fd;
	if (events & EPOLLOUT) {
		loop_mod_fd(s->loop, c->sock, EPOLLIN);
		conn_resume(c);
		return;
	}
	/* A bounded batch per wakeup, so one busy peer cannot starve others.
	 * ACKs are all taken in before the window is sent: a burst of them
	 * (a client ACKing every few blocks, or duplicates) moves the window
	 * once and sends it once.  recvmmsg() returning less than it could
	 * take says the queue is empty, so a lone ACK (lock-step) is answered
	 * without a second, EAGAIN read first. */
	for (i = 0; i < 64;) {
		/* Lock-step has one ACK in flight: ask for one, so the kernel
		 * does not look for a second that is not there (epoll says
		 * when another arrives). */
		int got, j, slots = c->x.windowsize > 1 ? RX_SLOTS : 1;

		for (j = 0; j < slots; j++) {
			s->rxiov[j] = (struct iovec){ s->rx + (size_t)j * PKT_CAP, PKT_CAP };
			memset(&s->rxmsg[j], 0, sizeof(s->rxmsg[j]));
			s->rxmsg[j].msg_hdr.msg_name = &s->rxfrom[j];
			s->rxmsg[j].msg_hdr.msg_namelen = sizeof(s->rxfrom[j]);
			s->rxmsg[j].msg_hdr.msg_iov = &s->rxiov[j];
			s->rxmsg[j].msg_hdr.msg_iovlen = 1;
		}
		if (slots == 1) {
			ssize_t n = recvmsg(c->sock, &s->rxmsg[0].msg_hdr, 0);

			got = n < 0 ? -1 : 1;
			s->rxmsg[0].msg_len = n < 0 ? 0 : (unsigned)n;
		} else {
			got = recvmmsg(c->sock, s->rxmsg, (unsigned)slots, 0, NULL);
		}
		if (got <= 0)
			break;
		for (j = 0; j < got; j++, i++) {
			const struct sockaddr_in from = s->rxfrom[j];
			socklen_t fl = s->rxmsg[j].msg_hdr.msg_namelen;
			const uint8_t *pkt = s->rx + (size_t)j * PKT_CAP;
			size_t n = s->rxmsg[j].msg_len;
			char fs[24];

			if (fl != sizeof(from) || from.sin_addr.s_addr != c->peer.sin_addr.s_addr ||
			    from.sin_port != c->peer.sin_port) {
				/* RFC 1350: a stranger on our TID gets error 5; the
				 * transfer goes on. */
				peer_fmt(&from, fs, sizeof(fs));
				log_drop("tftp", fs, "packet for another transfer's TID");
				conn_error(c, &from, TFTP_EBADID, "unknown transfer ID");
				continue;
			}
			if (conn_packet(c, pkt, n, &send_later))
				return;
		}
		if (got < slots || slots == 1)
			break;
	}
	if (send_later)
		send_window(c);
}

/* The transfer of this peer on the shared port, or NULL. */
static struct tftp_conn *shared_conn(const struct tftp_server *s, const struct sockaddr_in *peer)
{
	struct demux_node *dn = demux_find(&s->demux, peer->sin_addr.s_addr, peer->sin_port);

	return dn ? (struct tftp_conn *)(void *)((char *)dn - offsetof(struct tftp_conn, dn)) : NULL;
}

/* Ready for the next recvmmsg(): the kernel wrote name and control
 * lengths of the slots it filled. */
static void shared_rx_reset(struct tftp_server *s, unsigned i)
{
	struct msghdr *mh = &s->xmm[i].msg_hdr;

	mh->msg_namelen = sizeof(s->srx[i].from);
	mh->msg_controllen = sizeof(s->srx[i].ctl.buf);
	mh->msg_flags = 0;
}

/* Error 5 from the shared port to a datagram that is no transfer's (RFC
 * 1350); never to an ERROR, so two confused peers cannot ping-pong. */
static void shared_stranger(struct tftp_server *s, const struct sockaddr_in *from,
			    struct in_addr local, const uint8_t *pkt, size_t n)
{
	struct tftp_conn tmp;
	char fs[24];

	peer_fmt(from, fs, sizeof(fs));
	log_drop("tftp", fs, "packet for no transfer on the shared port");
	if (n >= 2 && pkt[0] == 0 && pkt[1] == TFTP_ERROR)
		return;
	memset(&tmp, 0, sizeof(tmp));
	tmp.srv = s;
	tmp.sock = s->xsock;
	tmp.local = local;
	conn_error(&tmp, from, TFTP_EBADID, "unknown transfer ID");
}

/* EPOLLOUT on the shared port: the transfers that found it full go on. */
static void shared_resume(struct tftp_server *s)
{
	struct tftp_conn *c, *next;

	loop_mod_fd(s->loop, s->xsock, EPOLLIN);
	for (c = s->conns; c; c = next) {
		next = c->next;
		if (!is_shared(c) || !c->want_out)
			continue;
		conn_resume(c);
	}
}

/* Back into the epoll set after a drain.  Should epoll refuse for want
 * of memory (ENOMEM, or ENOSPC: max_user_watches), try again in a
 * millisecond: a socket left out would stall every transfer on it. */
static void shared_unpark_timer(struct loop *l, void *ctx);

/* 1 when epoll lacked memory and the unpark must be tried again; 0 when
 * the socket is back in the set (or no longer registered at all). */
static int shared_unpark_failed(struct tftp_server *s)
{
	return loop_unpark_fd(s->loop, s->xsock) < 0 && (errno == ENOMEM || errno == ENOSPC);
}

static void shared_unpark(struct tftp_server *s)
{
	if (s->unpark_retry || !shared_unpark_failed(s))
		return;
	log_msg(LOG_ERR, "tftp: shared port: epoll_ctl: %s; retrying every millisecond", strerror(errno));
	s->unpark_retry = loop_timer_add(s->loop, 1, shared_unpark_timer, s);
	if (!s->unpark_retry)
		log_msg(LOG_ERR, "tftp: shared port: no memory for the retry timer; its transfers stall");
}

static void shared_unpark_timer(struct loop *l, void *ctx)
{
	struct tftp_server *s = ctx;

	s->unpark_retry = NULL;	/* fired: the handle is gone */
	if (shared_unpark_failed(s))
		s->unpark_retry = loop_timer_add(l, 1, shared_unpark_timer, s);
}

/* The shared transfer port: up to RX_SHARED_MAX datagrams at a time, each
 * to its transfer by peer; then the blocks that batch released, queued and
 * sent with one sendmmsg().  Bounded per wakeup, like conn_io(). */
static void shared_io(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct tftp_server *s = ctx;
	unsigned i, round;

	(void)l;
	(void)fd;
	if (events & EPOLLOUT)
		shared_resume(s);
	for (round = 0; round < 16; round++) {
		int got = recvmmsg(s->xsock, s->xmm, RX_SHARED_MAX, 0, NULL);

		if (got <= 0)
			break;
		/* Under load (a batch of many ACKs), drain the socket out of the
		 * epoll set: in it, every ACK the clients queue to it and every
		 * block sent from it that the kernel frees runs epoll's wakeup
		 * callback, though nobody waits.  Two epoll_ctl() per wakeup
		 * cost less (README, "Lock-step TFTP per block"). */
		if (got >= SHARED_PARK_MIN)
			loop_park_fd(s->loop, s->xsock);
		for (i = 0; i < (unsigned)got; i++) {
			struct msghdr *mh = &s->xmm[i].msg_hdr;
			const struct sockaddr_in *from = &s->srx[i].from;
			const uint8_t *pkt = s->xrx + (size_t)i * PKT_CAP;
			size_t n = s->xmm[i].msg_len;
			struct tftp_conn *c;
			int later = 0;

			if (mh->msg_namelen != sizeof(*from) || from->sin_family != AF_INET)
				continue;
			c = shared_conn(s, from);
			if (!c) {
				struct in_addr local = { 0 };
				struct cmsghdr *cm;

				for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
					if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
						struct in_pktinfo pi;

						memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
						local = pi.ipi_spec_dst;
					}
				shared_stranger(s, from, local, pkt, n);
				continue;
			}
			if (conn_packet(c, pkt, n, &later))
				continue;	/* gone, and out of the lists */
			if (later && c->pend_slot < 0) {
				c->pend_slot = (int)s->npend;
				s->pend[s->npend++] = c;
			}
		}
		for (i = 0; i < (unsigned)got; i++)
			shared_rx_reset(s, i);
		s->batching = 1;
		for (i = 0; i < s->npend; i++) {
			struct tftp_conn *c = s->pend[i];

			if (!c)
				continue;
			s->pend[i] = NULL;
			c->pend_slot = -1;
			send_window(c);
		}
		s->npend = 0;
		s->batching = 0;
		flush_out(s);
		/* Not only while the batch was full: the blocks just sent
		 * bring ACKs back within microseconds (the clients run on the
		 * other cores), and reading them now is cheaper than sleeping
		 * in epoll_wait() and being woken for each. */
	}
	shared_unpark(s);
}

/* ---------------------------------------------------------------- requests */

/* Largest blksize whose packet fits the interface MTU unfragmented. */
static unsigned mtu_blksize(int sock, int ifindex)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, ifr.ifr_name) ||
	    ioctl(sock, SIOCGIFMTU, &ifr) < 0 || ifr.ifr_mtu < 576)
		return TFTP_BLKSIZE_DEFAULT;	/* unknown: RFC 1350's size is always safe */
	/* 20 bytes of IPv4 header, 8 of UDP, 4 of TFTP. */
	return ifr.ifr_mtu - 32 > TFTP_BLKSIZE_MAX ? TFTP_BLKSIZE_MAX : (unsigned)(ifr.ifr_mtu - 32);
}

/* An ephemeral socket on the address the request came to (a multi-homed
 * server must answer from the address the client knows). */
static int ephemeral_socket(struct in_addr local)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr = local;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	set_pmtudisc(fd, IP_PMTUDISC_DO);
	return fd;
}

static void refuse(struct tftp_server *s, struct in_addr local, const struct sockaddr_in *peer,
		   const char *peer_str, int code, const char *why, const char *name)
{
	int fd = ephemeral_socket(local);

	s->cnt.refused++;
	log_drop("tftp", peer_str, "%s%s%s: %s", name ? "'" : "", name ? name : "request",
		 name ? "'" : "", why);
	if (fd >= 0) {
		send_error_to(fd, peer, code, why, s->aux);
		close(fd);
	}
}

/* Name for the log: control characters shown as '?'. */
static void printable(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < cap; i++)
		out[i] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' : in[i];
	out[i] = '\0';
}

static int open_read(struct tftp_server *s, struct tftp_conn *c, const char *rel,
		     const char **why)
{
	char per[TFTP_NAME_MAX + 160];
	int code = 0;

	if (s->cfg.client_dir[0]) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &c->peer.sin_addr, ip, sizeof(ip));
		if (tftp_path_client(s->cfg.client_dir, ip, rel, per, sizeof(per)) == 0) {
			c->file = file_get(s, per, &code, why);
			if (c->file || code != TFTP_ENOTFOUND)
				return code;
		}
	}
	c->file = file_get(s, rel, &code, why);
	return c->file ? 0 : code;
}

static int open_write(struct tftp_server *s, struct tftp_conn *c, const char *rel,
		      const char **why)
{
	struct stat st;

	if (s->upfd < 0) {
		*why = "write requests are refused";
		return TFTP_EACCESS;
	}
	/* Uploads land flat in one directory: no subdirectories to walk. */
	if (strchr(rel, '/') || rel[0] == '.') {
		*why = "upload names may not contain '/' or start with '.'";
		return TFTP_EACCESS;
	}
	if (c->g.tsize > 0 && (uint64_t)c->g.tsize > s->cfg.upload_max) {
		*why = "upload size limit";
		return TFTP_ENOSPACE;
	}
	if (!s->cfg.upload_overwrite && fstatat(s->upfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		*why = "file exists";
		return TFTP_EEXISTS;
	}
	snprintf(c->final, sizeof(c->final), "%s", rel);
	snprintf(c->tmpname, sizeof(c->tmpname), ".tftp-%u-%s", ++s->upload_seq, rel);
	c->wfd = openat(s->upfd, c->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (c->wfd < 0) {
		*why = "cannot create";
		return TFTP_EACCESS;
	}
	return 0;
}

/* FNV-1a over a request, to tell a resend from a new request. */
static uint64_t request_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static void start_transfer(struct tftp_server *s, const uint8_t *pkt, size_t len,
			   const struct sockaddr_in *peer, struct in_addr local, int ifindex)
{
	struct tftp_request req;
	struct tftp_limits lim;
	struct tftp_conn *c, *old;
	char peer_str[24], rel[TFTP_NAME_MAX + 1], shown[TFTP_NAME_MAX + 1];
	const char *why = NULL;
	int code, bufsz;

	peer_fmt(peer, peer_str, sizeof(peer_str));
	code = tftp_parse_request(pkt, len, &req, &why);
	if (code) {
		refuse(s, local, peer, peer_str, code, why, NULL);
		return;
	}
	printable(req.name, shown, sizeof(shown));
	if (req.op == TFTP_WRQ && s->upfd < 0) {
		refuse(s, local, peer, peer_str, TFTP_EACCESS, "write requests are refused", shown);
		return;
	}
	code = tftp_path_map(req.name, rel, sizeof(rel), &why);
	if (code) {
		refuse(s, local, peer, peer_str, code, why, shown);
		return;
	}
	/* Shared port: this peer's running transfer, if any.  The same
	 * request, byte for byte, while it runs is a resend that crossed our
	 * first answer (PXE ROMs resend the RRQ on their own timer), not a new
	 * transfer: on a shared port a second one could not be told from the
	 * first.  Other options (edk2 asks again with windowsize after its
	 * tsize probe) make it a new request, which ends the old transfer
	 * below. */
	old = s->xsock >= 0 ? shared_conn(s, peer) : NULL;
	if (old && !old->x.writing && req.op == TFTP_RRQ && old->x.state != XFER_DALLY &&
	    old->req_hash == request_hash(pkt, len)) {
		log_drop("tftp", peer_str, "'%s': repeated request, its transfer is running", shown);
		return;
	}
	if (s->cfg.max_transfers && s->cnt.active >= s->cfg.max_transfers) {
		refuse(s, local, peer, peer_str, TFTP_ENOTDEF, "server busy", shown);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		refuse(s, local, peer, peer_str, TFTP_ENOTDEF, "out of memory", shown);
		return;
	}
	c->srv = s;
	c->sock = -1;
	c->wfd = -1;
	c->pend_slot = -1;
	c->out_slot = -1;
	c->peer = *peer;
	c->mode = req.mode;
	memcpy(c->peer_str, peer_str, sizeof(peer_str));
	memcpy(c->name, shown, sizeof(shown));
	memcpy(c->rel, rel, sizeof(rel));

	lim.blksize_max = s->cfg.blksize_max;
	if (s->cfg.mtu_cap) {
		unsigned m = mtu_blksize(s->sock, ifindex);

		if (m < lim.blksize_max)
			lim.blksize_max = m;
	}
	/* Windowed uploads would need a windowed receiver; lock-step is enough. */
	lim.window_max = req.op == TFTP_WRQ ? 0 : s->cfg.window_max;
	lim.timeout_default_s = 1;
	if (req.op == TFTP_RRQ) {
		code = open_read(s, c, rel, &why);
		if (code) {
			refuse(s, local, peer, peer_str, code, why, shown);
			free(c);
			return;
		}
		/* RFC 2349: a netascii size is not known in advance. */
		tftp_negotiate(&req.opts, &lim, req.mode == TFTP_MODE_OCTET ? c->file->size : -1, &c->g);
	} else {
		tftp_negotiate(&req.opts, &lim, req.opts.tsize, &c->g);
		code = open_write(s, c, rel, &why);
		if (code) {
			refuse(s, local, peer, peer_str, code, why, shown);
			free(c);
			return;
		}
	}
	/* Linked only now: from here on conn_free() undoes everything. */
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->cnt.active++;
	s->cnt.started++;
	c->timeout_ms = c->g.acked.timeout_s ? c->g.timeout_s * 1000u : s->cfg.timeout_ms;
	c->adaptive = req.op == TFTP_RRQ && !c->g.acked.timeout_s &&
		      s->cfg.timeout_min_ms < c->timeout_ms;
	c->rto_ms = c->timeout_ms;	/* until the first sample */
	xfer_init(&c->x, req.op == TFTP_WRQ, c->g.any, c->g.blksize, c->g.windowsize, s->cfg.retries);
	if (req.mode == TFTP_MODE_NETASCII && req.op == TFTP_RRQ) {
		c->ckpt = calloc(c->g.windowsize + 1, sizeof(*c->ckpt));
		if (!c->ckpt) {
			conn_abort(c, TFTP_ENOTDEF, "out of memory");
			return;
		}
		c->ckpt[1 % (c->g.windowsize + 1)].carry = -1;
	}
	if (s->xsock >= 0) {
		/* The peer asks for something else from the same port: on a
		 * shared server port the two transfers could not be told
		 * apart, and the client has moved on from the old one. */
		if (old) {
			log_msg(LOG_INFO, "tftp: %s: new request from the same port ends %s", peer_str,
				old->name);
			if (old->x.state == XFER_DALLY || old->x.state == XFER_OACK)
				conn_free(old);
			else
				conn_finish(old, 0);
		}
		c->req_hash = request_hash(pkt, len);
		c->sock = s->xsock;
		c->local = local;
		c->dn.addr = peer->sin_addr.s_addr;
		c->dn.port = peer->sin_port;
		demux_add(&s->demux, &c->dn);
	} else {
		c->sock = ephemeral_socket(local);
	}
	if (!is_shared(c) && (c->sock < 0 || loop_add_fd(s->loop, c->sock, EPOLLIN, conn_io, c) < 0)) {
		log_msg(LOG_WARNING, "tftp: %s: no socket for %s: %s", peer_str, shown, strerror(errno));
		if (c->sock >= 0)
			close(c->sock);
		c->sock = -1;
		conn_finish(c, 0);
		return;
	}
	/* A whole window must fit the socket buffer, or it goes out in bursts. */
	bufsz = (int)((c->g.blksize + 64) * (c->g.windowsize + 1));
	if (bufsz > (1 << 20))
		bufsz = 1 << 20;
	if (bufsz > 212992 && !is_shared(c))
		setsockopt(c->sock, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	log_msg(LOG_INFO, "tftp: %s: %s %s %s blksize %u window %u", peer_str,
		req.op == TFTP_RRQ ? "read" : "write", shown,
		req.mode == TFTP_MODE_OCTET ? "octet" : "netascii", c->g.blksize, c->g.windowsize);
	if (c->g.any)
		send_oack(c);
	else if (req.op == TFTP_RRQ)
		send_window(c);
	else
		send_ack(c);
}

static void listen_io(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct tftp_server *s = ctx;
	int i;

	(void)l;
	(void)events;
	for (i = 0; i < 64; i++) {
		struct sockaddr_in peer;
		char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct iovec iov = { s->pkt, PKT_CAP };
		struct msghdr mh = {
			.msg_name = &peer, .msg_namelen = sizeof(peer),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm;
		struct in_addr local = { 0 };
		int ifindex = 0;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0)
			return;
		if (mh.msg_namelen != sizeof(peer) || peer.sin_family != AF_INET)
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				local = pi.ipi_spec_dst;
				ifindex = pi.ipi_ifindex;
			}
		}
		if (peer.sin_port == 0)
			continue;	/* no reply is possible to port 0 */
		start_transfer(s, s->pkt, (size_t)n, &peer, local, ifindex);
	}
}

/* ---------------------------------------------------------------- server */

/* tftp-shared-port: the one socket every transfer uses, on a port chosen
 * by the kernel now (like an ephemeral one, but for the daemon's life),
 * with buffers for a storm's worth of transfers.  0, or -1 with errno. */
static int shared_start(struct tftp_server *s)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1, sz = 8 << 20;
	unsigned buckets = s->cfg.max_transfers ? s->cfg.max_transfers : 4096;

	s->xrx = malloc((size_t)RX_SHARED_MAX * PKT_CAP);
	s->srx = calloc(RX_SHARED_MAX, sizeof(*s->srx));
	s->out = calloc(RX_SHARED_MAX, sizeof(*s->out));
	s->outm = calloc(RX_SHARED_MAX, sizeof(*s->outm));
	if (!s->xrx || !s->srx || !s->out || !s->outm || demux_init(&s->demux, buckets) < 0) {
		errno = ENOMEM;
		return -1;
	}
	for (unsigned i = 0; i < RX_SHARED_MAX; i++) {
		struct msghdr *mh = &s->xmm[i].msg_hdr;

		s->srx[i].iov = (struct iovec){ s->xrx + (size_t)i * PKT_CAP, PKT_CAP };
		memset(mh, 0, sizeof(*mh));
		mh->msg_name = &s->srx[i].from;
		mh->msg_iov = &s->srx[i].iov;
		mh->msg_iovlen = 1;
		mh->msg_control = s->srx[i].ctl.buf;
		shared_rx_reset(s, i);
	}
	s->xsock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->xsock < 0)
		return -1;
	set_pmtudisc(s->xsock, IP_PMTUDISC_DO);
	s->xpktinfo = !s->cfg.listen[0];
	if (s->xpktinfo)
		setsockopt(s->xsock, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	/* Past rmem_max/wmem_max while still privileged: every transfer's
	 * ACKs queue on this one socket. */
	if (setsockopt(s->xsock, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(s->xsock, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(s->xsock, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(s->xsock, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (s->cfg.listen[0])
		inet_pton(AF_INET, s->cfg.listen, &sa.sin_addr);
	if (bind(s->xsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s->xsock, (struct sockaddr *)&sa, &sl) < 0 ||
	    loop_add_fd(s->loop, s->xsock, EPOLLIN, shared_io, s) < 0)
		return -1;
	log_msg(LOG_INFO, "tftp: transfers share port %u (tftp-shared-port)", ntohs(sa.sin_port));
	return 0;
}

static void shared_stop(struct tftp_server *s)
{
	loop_timer_cancel(s->loop, s->unpark_retry);
	s->unpark_retry = NULL;
	if (s->xsock >= 0) {
		loop_del_fd(s->loop, s->xsock);
		close(s->xsock);
	}
	demux_free(&s->demux);
	free(s->xrx);
	free(s->srx);
	free(s->out);
	free(s->outm);
}

static int open_dirs(const struct tftp_config *c, int *rootfd, int *upfd, char *err, size_t errlen)
{
	*upfd = -1;
	*rootfd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0) {
		snprintf(err, errlen, "tftp-root %s: %s", c->root, strerror(errno));
		return -1;
	}
	if (c->upload_dir[0]) {
		*upfd = open(c->upload_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*upfd < 0) {
			snprintf(err, errlen, "tftp-upload-dir %s: %s", c->upload_dir, strerror(errno));
			close(*rootfd);
			return -1;
		}
	}
	return 0;
}

struct tftp_server *tftp_server_start(struct loop *l, const struct tftp_config *c,
				      char *err, size_t errlen)
{
	struct tftp_server *s;
	struct sockaddr_in sa;
	struct rlimit rl;
	int one = 1;

	if (!c->root[0]) {
		snprintf(err, errlen, "tftp-root is not set");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->loop = l;
	s->cfg = *c;
	s->sock = -1;
	s->xsock = -1;
	s->pkt = malloc(PKT_CAP);
	s->aux = malloc(PKT_CAP + 1);
	s->batch = malloc(BATCH_BYTES);
	s->rx = malloc((size_t)RX_SLOTS * PKT_CAP);
	if (!s->pkt || !s->aux || !s->batch || !s->rx) {
		snprintf(err, errlen, "out of memory");
		goto fail_mem;
	}
	if (open_dirs(c, &s->rootfd, &s->upfd, err, errlen) < 0)
		goto fail_mem;
	/* Each transfer holds a socket: a boot storm needs many descriptors,
	 * so take the hard limit instead of a low default cap. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	s->sock = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->sock < 0)
		goto fail_sock;
	setsockopt(s->sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s->sock, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(c->port);
	if (c->listen[0])
		inet_pton(AF_INET, c->listen, &sa.sin_addr);
	if (bind(s->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    loop_add_fd(l, s->sock, EPOLLIN, listen_io, s) < 0)
		goto fail_sock;
	if (c->shared_port && shared_start(s) < 0) {
		snprintf(err, errlen, "tftp-shared-port: %s", strerror(errno));
		loop_del_fd(l, s->sock);
		goto fail_shared;
	}
	log_msg(LOG_INFO, "tftp: serving %s on %s:%u%s", c->root, c->listen[0] ? c->listen : "0.0.0.0",
		c->port, c->upload_dir[0] ? ", uploads allowed" : "");
	return s;
fail_sock:
	snprintf(err, errlen, "tftp socket %s:%u: %s", c->listen[0] ? c->listen : "0.0.0.0", c->port,
		 strerror(errno));
fail_shared:
	shared_stop(s);
	if (s->sock >= 0)
		close(s->sock);
	close(s->rootfd);
	if (s->upfd >= 0)
		close(s->upfd);
fail_mem:
	free(s->pkt);
	free(s->aux);
	free(s->batch);
	free(s->rx);
	free(s);
	return NULL;
}

int tftp_server_reload(struct tftp_server *s, const struct tftp_config *c, char *err, size_t errlen)
{
	int rootfd, upfd;

	if (strcmp(c->listen, s->cfg.listen) || c->port != s->cfg.port ||
	    c->shared_port != s->cfg.shared_port) {
		snprintf(err, errlen, "tftp-listen, tftp-port and tftp-shared-port change only on restart");
		return -1;
	}
	if (open_dirs(c, &rootfd, &upfd, err, errlen) < 0)
		return -1;
	close(s->rootfd);
	if (s->upfd >= 0)
		close(s->upfd);
	s->rootfd = rootfd;
	s->upfd = upfd;
	s->cfg = *c;
	return 0;
}

void tftp_server_stop(struct tftp_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_free(s->conns);
	shared_stop(s);
	loop_del_fd(s->loop, s->sock);
	close(s->sock);
	close(s->rootfd);
	if (s->upfd >= 0)
		close(s->upfd);
	free(s->pkt);
	free(s->aux);
	free(s->batch);
	free(s->rx);
	free(s);
}

void tftp_server_counters(const struct tftp_server *s, struct tftp_counters *out)
{
	*out = s->cnt;
}

void tftp_server_on_sent(struct tftp_server *s, tftp_sent_fn *fn, void *ctx)
{
	s->on_sent = fn;
	s->on_sent_ctx = ctx;
}

void tftp_server_log_counters(const struct tftp_server *s)
{
	log_msg(LOG_INFO,
		"tftp counters: started %" PRIu64 " completed %" PRIu64 " failed %" PRIu64
		" probes %" PRIu64 " aborted %" PRIu64 " refused %" PRIu64 " active %" PRIu64
		" bytes %" PRIu64 " timeouts %" PRIu64,
		s->cnt.started, s->cnt.completed, s->cnt.failed, s->cnt.probes, s->cnt.aborted,
		s->cnt.refused, s->cnt.active, s->cnt.bytes, s->cnt.timeouts);
}

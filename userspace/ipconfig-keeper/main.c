// SPDX-License-Identifier: GPL-2.0
/*
 * ipconfig-keeper - keep the DHCP lease that the kernel's ipconfig took at
 * boot, on a node whose root is mounted through that address.
 *
 * main.c is the I/O edge: options, sockets, clock, signals and the log.
 * What to send when is fsm.c; the packets are rfc2131.c; the lease file
 * is lease.c; the address's lifetimes are addr.c.
 */
#define _GNU_SOURCE
#include "addr.h"
#include "fsm.h"
#include "lease.h"
#include "rfc2131.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LEASE_FILE "/proc/net/ipconfig/lease"
/* With --lifetimes lease the valid lifetime outlasts the lease by this
 * much, so that the keeper, which pins the address when the lease runs
 * out, always acts before the kernel would remove it. */
#define VALID_GRACE_S 10
#define RECENT_XIDS 4

enum { EXIT_USAGE = 2, EXIT_NAK = 3, EXIT_EXPIRED = 4 };

struct keeper {
	struct keeper_lease lease;
	struct keeper_fsm fsm;
	int ifindex;
	uint8_t mac[6];
	uint8_t prefixlen;
	int udp, nl, kmsg;
	int on_loss_exit, pinned;
	char source[160];		/* where the lease came from, for the log */
	char host_name[65];
	char report[512];
	struct {
		uint32_t xid;
		int64_t sent;
	} recent[RECENT_XIDS];
	unsigned nrecent;
	unsigned long renewed, rebound, regained, naks, losses, sent, rejected;
	int64_t last_reject_log;
	unsigned long rejects_unlogged;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ip(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* One line on stderr (the console, when init starts us), with the uptime. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char line[600];
	int64_t t = now_ms();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ipconfig-keeper: [%lld.%03lld] %s\n", (long long)(t / 1000),
		(long long)(t % 1000), line);
}

/* A line nobody may miss: stderr and the kernel log at KERN_CRIT, which
 * reaches every console even when stderr goes elsewhere. */
static void __attribute__((format(printf, 2, 3))) shout(struct keeper *k, const char *fmt, ...)
{
	char line[600], msg[640];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say("*** %s", line);
	if (k->kmsg >= 0) {
		n = snprintf(msg, sizeof(msg), "<2>ipconfig-keeper: %s\n", line);
		if (n > 0 && write(k->kmsg, msg, (size_t)n) < 0)
			k->kmsg = -1;
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ipconfig-keeper [options]\n"
		"\n"
		"Keep the DHCP lease that the kernel took at boot (ip=dhcp), on a node whose\n"
		"root is mounted through that address: renew it at T1 (unicast), rebind at\n"
		"T2 (broadcast), and update the address's lifetimes, without ever removing\n"
		"the address or touching the link or its routes.\n"
		"\n"
		"The lease:\n"
		"  --lease-file FILE   read it from FILE (default " DEFAULT_LEASE_FILE ",\n"
		"                      which the kernel/ipconfig series publishes)\n"
		"  --device DEV, --address A, --server-id S, --lease-time SECONDS,\n"
		"  --t1 SECONDS, --t2 SECONDS, --obtained SECONDS-SINCE-BOOT,\n"
		"  --client-id HEX|none\n"
		"                      set or override one fact (a pristine kernel has no\n"
		"                      lease file: give at least device, address, server-id\n"
		"                      and lease-time; obtained defaults to 0, the boot)\n"
		"  --host-name NAME|none\n"
		"                      option 12 (default: the node's host name, unless it\n"
		"                      is the dotted address the kernel set for want of one)\n"
		"\n"
		"Policy:\n"
		"  --lifetimes MODE    lease (default): valid and preferred lifetimes follow\n"
		"                      the lease (valid %d s longer); pinned: valid forever,\n"
		"                      preferred follows the lease\n"
		"  --on-loss ACTION    keep (default): on a DHCPNAK or when the lease runs out,\n"
		"                      keep the address, log loudly and keep asking;\n"
		"                      exit: exit %d on a DHCPNAK, %d when the lease runs out\n"
		"                      (the address stays, pinned)\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 stopped by SIGTERM or SIGINT, or an infinite lease (nothing to\n"
		"renew); 1 a system error (the address vanished, a socket failed); 2 bad\n"
		"options or lease; %d and %d as above.  See ipconfig-keeper(8).\n",
		VALID_GRACE_S, EXIT_NAK, EXIT_EXPIRED, EXIT_NAK, EXIT_EXPIRED);
}

static void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "ipconfig-keeper: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see ipconfig-keeper --help)\n");
	exit(EXIT_USAGE);
}

static int read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return 0;
}

/* The host name the kernel sent as option 12: it sends one only when it
 * had one (ip= or the DHCPOFFER); else it names the node by its dotted
 * address afterwards (ic_defaults), which it never sent. */
static void default_host_name(struct keeper *k)
{
	struct utsname u;
	char a[INET_ADDRSTRLEN];

	k->host_name[0] = 0;
	if (uname(&u) < 0 || !u.nodename[0] || !strcmp(u.nodename, "(none)") ||
	    !strcmp(u.nodename, ip(k->lease.addr, a)))
		return;
	snprintf(k->host_name, sizeof(k->host_name), "%s", u.nodename);
}

/* Is the address still on its device?  Says loudly when it is not. */
static int address_present(struct keeper *k)
{
	struct addr_info ai;
	char a[INET_ADDRSTRLEN];
	int r = addr_find(k->nl, k->ifindex, k->lease.addr, &ai);

	if (r < 0)
		say("cannot list the addresses of %s: %s", k->lease.dev, strerror(errno));
	if (r == 0)
		shout(k, "%s is no longer on %s: it was removed behind our back; not re-adding it",
		      ip(k->lease.addr, a), k->lease.dev);
	/* A failed listing is no proof of absence: keep going. */
	return r != 0;
}

static int set_lifetimes(struct keeper *k, uint32_t valid, uint32_t preferred)
{
	struct addr_info ai;
	char a[INET_ADDRSTRLEN];
	int r = addr_find(k->nl, k->ifindex, k->lease.addr, &ai);

	if (r < 0) {
		say("cannot list the addresses of %s: %s", k->lease.dev, strerror(errno));
		return -1;
	}
	if (r == 0) {
		/* Someone removed it: putting it back is not ours to do. */
		shout(k, "%s is no longer on %s: it was removed behind our back; not re-adding it",
		      ip(k->lease.addr, a), k->lease.dev);
		return -2;
	}
	if (addr_set_lifetimes(k->nl, k->ifindex, k->lease.addr, ai.prefixlen, valid, preferred) < 0) {
		say("cannot set the lifetimes of %s/%u on %s: %s", ip(k->lease.addr, a), ai.prefixlen,
		    k->lease.dev, strerror(errno));
		return -1;
	}
	return 0;
}

static void fmt_life(uint32_t s, char *buf, size_t len)
{
	if (s == ADDR_FOREVER)
		snprintf(buf, len, "forever");
	else
		snprintf(buf, len, "%us", s);
}

/* The lifetimes that match the lease now; when it is gone, valid forever
 * and preferred 0 ("deprecated" in ip addr): the root keeps its address,
 * and anyone looking sees that the lease is gone. */
static int sync_lifetimes(struct keeper *k, int64_t now)
{
	int64_t left = fsm_remaining(&k->fsm, now);
	uint32_t valid, preferred;
	char v[16], p[16];
	int r;

	if (left == INT64_MAX) {
		valid = preferred = ADDR_FOREVER;
	} else if (left <= 0) {
		valid = ADDR_FOREVER;
		preferred = 0;
	} else {
		preferred = (uint32_t)((left + 999) / 1000);
		valid = k->pinned ? ADDR_FOREVER : preferred + VALID_GRACE_S;
	}
	r = set_lifetimes(k, valid, preferred);
	if (r == 0) {
		fmt_life(valid, v, sizeof(v));
		fmt_life(preferred, p, sizeof(p));
		say("address lifetimes: valid %s, preferred %s", v, p);
	}
	return r;
}

/* On the way out: the address must outlive us (nothing renews it now). */
static void pin(struct keeper *k, int64_t now)
{
	int64_t left = fsm_remaining(&k->fsm, now);
	uint32_t preferred = left == INT64_MAX ? ADDR_FOREVER : left <= 0 ? 0 : (uint32_t)((left + 999) / 1000);

	if (set_lifetimes(k, ADDR_FOREVER, preferred) == 0)
		say("address pinned: valid forever");
}

static void summary(struct keeper *k, const char *why)
{
	say("%s: %lu renewed, %lu rebound, %lu regained after expiry, %lu DHCPNAK, %lu lease(s) lost, "
	    "%lu requests sent, %lu replies rejected; state %s",
	    why, k->renewed, k->rebound, k->regained, k->naks, k->losses, k->sent, k->rejected,
	    fsm_state_name(k->fsm.state));
}

static int open_udp(struct keeper *k)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(68) };
	struct ifreq ifr;
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", k->lease.dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		say("%s: no hardware address: %s", k->lease.dev, strerror(errno));
		goto fail;
	}
	memcpy(k->mac, ifr.ifr_hwaddr.sa_data, 6);
	/* Any address: a DHCPNAK comes broadcast, an ACK to ciaddr; on our
	 * device only. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, k->lease.dev, (socklen_t)strlen(k->lease.dev)) < 0) {
		say("%s: socket options: %s", k->lease.dev, strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		say("cannot bind UDP port 68: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static uint32_t new_xid(void)
{
	static uint32_t x;

	if (!x) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || read(fd, &x, sizeof(x)) != sizeof(x))
			x = (uint32_t)now_ms() * 2654435761u;
		if (fd >= 0)
			close(fd);
	}
	/* xorshift: distinct, unpredictable enough to not match stale replies */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static int send_request(struct keeper *k, int64_t now, int broadcast)
{
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_request q = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67) };
	int64_t since = now - k->fsm.t1;
	char a[INET_ADDRSTRLEN], to_s[INET_ADDRSTRLEN];
	size_t len;

	q.xid = new_xid();
	memcpy(q.chaddr, k->mac, 6);
	q.ciaddr = k->lease.addr;
	q.secs = since <= 0 ? 0 : since / 1000 > 0xffff ? 0xffff : (uint16_t)(since / 1000);
	q.client_id = k->lease.client_id;
	q.client_id_len = k->lease.client_id_len;
	q.host_name = k->host_name;
	len = dhcp_build_request(&q, buf, sizeof(buf));
	to.sin_addr.s_addr = broadcast ? INADDR_BROADCAST : k->lease.server_id;
	k->recent[k->nrecent % RECENT_XIDS].xid = q.xid;
	k->recent[k->nrecent % RECENT_XIDS].sent = now;
	k->nrecent++;
	k->sent++;
	say("DHCPREQUEST (%s) for %s to %s, xid 0x%08x, try %u", fsm_state_name(k->fsm.state),
	    ip(k->lease.addr, a), broadcast ? "255.255.255.255" : ip(k->lease.server_id, to_s), q.xid,
	    k->fsm.sent);
	if (sendto(k->udp, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		/* No route, no buffer: the next try is scheduled anyway. */
		say("send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void log_reject(struct keeper *k, int64_t now, const char *from, const char *why)
{
	k->rejected++;
	/* At most one line every 10 s: all network input is hostile. */
	if (now - k->last_reject_log < 10000 && k->last_reject_log) {
		k->rejects_unlogged++;
		return;
	}
	say("reply from %s rejected: %s (%lu more since the last such line)", from, why,
	    k->rejects_unlogged);
	k->rejects_unlogged = 0;
	k->last_reject_log = now;
}

static void on_ack(struct keeper *k, const struct dhcp_reply *r, int64_t sent, int64_t now)
{
	enum fsm_state was = k->fsm.state;
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN], rep[sizeof(k->report)];

	if (r->server_id != k->lease.server_id)
		say("the lease now comes from server %s (was %s)", ip(r->server_id, s),
		    ip(k->lease.server_id, a));
	k->lease.server_id = r->server_id;
	fsm_bind(&k->fsm, sent, r->lease, r->t1, r->t2);
	if (was == FSM_LOST) {
		k->regained++;
		shout(k, "lease on %s regained from %s after it had run out", ip(k->lease.addr, a),
		      ip(r->server_id, s));
	} else if (was == FSM_REBINDING) {
		k->rebound++;
	} else {
		k->renewed++;
	}
	say("DHCPACK (%s) from %s: %s leased for %us (T1 %us, T2 %us); next renewal in %llds",
	    fsm_state_name(was), ip(r->server_id, s), ip(k->lease.addr, a), k->fsm.lease_s,
	    k->fsm.t1_s, k->fsm.t2_s, (long long)((k->fsm.t1 - now) / 1000));
	dhcp_reply_report(r, rep, sizeof(rep));
	if (strcmp(rep, k->report)) {
		say("server options (reported, not applied):%s", rep);
		snprintf(k->report, sizeof(k->report), "%s", rep);
	}
}

static int handle_reply(struct keeper *k, int64_t now)
{
	uint8_t buf[DHCP_MSG_MAX + 1];
	struct sockaddr_in from = { 0 };
	socklen_t fl = sizeof(from);
	struct dhcp_reply r;
	char why[128], f[INET_ADDRSTRLEN], a[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN];
	ssize_t n = recvfrom(k->udp, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	unsigned i;

	if (n < 0)
		return 0;
	ip(from.sin_addr.s_addr, f);
	if (ntohs(from.sin_port) != 67) {
		log_reject(k, now, f, "not from port 67");
		return 0;
	}
	for (i = 0; i < RECENT_XIDS && i < k->nrecent; i++) {
		unsigned j = (k->nrecent - 1 - i) % RECENT_XIDS;

		if (dhcp_parse_reply(buf, (size_t)n, k->recent[j].xid, k->mac, &r, why, sizeof(why)) == 0)
			break;
	}
	if (i == RECENT_XIDS || i == k->nrecent) {
		if (!k->nrecent)
			snprintf(why, sizeof(why), "no request outstanding");
		log_reject(k, now, f, why);
		return 0;
	}
	if (r.type == DHCPNAK) {
		k->naks++;
		if (k->on_loss_exit) {
			shout(k, "DHCPNAK from %s for %s%s%s: the lease is refused; exiting (--on-loss exit), "
			      "the address stays", ip(r.server_id, f), ip(k->lease.addr, a),
			      r.message[0] ? ": " : "", r.message);
			pin(k, now);
			summary(k, "exit");
			return EXIT_NAK;
		}
		fsm_nak(&k->fsm, now);
		shout(k, "DHCPNAK from %s for %s%s%s: the server will not extend the lease; keeping the "
		      "address (the root is mounted through it) and asking again in %llds",
		      ip(r.server_id, f), ip(k->lease.addr, a), r.message[0] ? ": " : "", r.message,
		      (long long)((fsm_next(&k->fsm) - now + 999) / 1000));
		return 0;
	}
	if (r.yiaddr != k->lease.addr) {
		shout(k, "DHCPACK from %s grants %s, not %s, which the root is on: ignored",
		      ip(r.server_id, f), ip(r.yiaddr, y), ip(k->lease.addr, a));
		return 0;
	}
	on_ack(k, &r, k->recent[(k->nrecent - 1 - i) % RECENT_XIDS].sent, now);
	/* Answered: replies to older requests are no longer wanted. */
	k->nrecent = 0;
	return sync_lifetimes(k, now) == -2 ? 1 : 0;
}

static int run(struct keeper *k, const sigset_t *unblocked)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	struct pollfd pfd = { .fd = k->udp, .events = POLLIN };
	int64_t now = now_ms();

	fsm_bind(&k->fsm, k->lease.obtained * 1000, k->lease.lease_time,
		 k->lease.have & LF_T1 ? k->lease.t1 : 0, k->lease.have & LF_T2 ? k->lease.t2 : 0);
	say("keeping %s/%u on %s (server %s): lease %us from %llds after boot, T1 %us, T2 %us "
	    "(from %s); client id %s, host name %s; lifetimes %s, on loss %s",
	    ip(k->lease.addr, a), k->prefixlen, k->lease.dev, ip(k->lease.server_id, s),
	    k->fsm.lease_s, (long long)k->lease.obtained, k->fsm.t1_s, k->fsm.t2_s, k->source,
	    k->lease.client_id_len ? "as the kernel sent it" : "none (the server knows the MAC)",
	    k->host_name[0] ? k->host_name : "none", k->pinned ? "pinned" : "lease",
	    k->on_loss_exit ? "exit" : "keep");
	if (k->fsm.state == FSM_FOREVER) {
		say("the lease is infinite: nothing to renew");
		return 0;
	}
	if (sync_lifetimes(k, now) < 0)
		return 1;
	while (!stop_signal) {
		unsigned act;
		int64_t wait;
		struct timespec ts;
		int r;

		now = now_ms();
		act = fsm_tick(&k->fsm, now);
		if (act & FSM_EXPIRED) {
			k->losses++;
			if (k->on_loss_exit) {
				shout(k, "LEASE LOST: %s on %s ran out without a DHCPACK; exiting "
				      "(--on-loss exit), the address stays", ip(k->lease.addr, a), k->lease.dev);
				pin(k, now);
				summary(k, "exit");
				return EXIT_EXPIRED;
			}
			shout(k, "LEASE LOST: %s on %s ran out without a DHCPACK; keeping the address "
			      "(the root is mounted through it) and asking again, backing off to %ds",
			      ip(k->lease.addr, a), k->lease.dev, FSM_LOST_MAX_MS / 1000);
			if (sync_lifetimes(k, now) == -2)
				return 1;
		} else if (act & FSM_ENTERED) {
			say("%s: %s", fsm_state_name(k->fsm.state),
			    k->fsm.state == FSM_RENEWING ? "T1 reached, asking the server by unicast" :
			    "T2 reached, asking any server by broadcast");
		}
		if (act & (FSM_SEND_UNICAST | FSM_SEND_BROADCAST)) {
			/* Still ours to keep?  Without it no answer can reach
			 * us, and renewing it would only mislead the server. */
			if (!address_present(k))
				return 1;
			send_request(k, now, !!(act & FSM_SEND_BROADCAST));
		}
		wait = fsm_next(&k->fsm) - now_ms();
		if (wait < 0)
			wait = 0;
		if (wait > 3600000)
			wait = 3600000;	/* wake hourly even with nothing due */
		/* SIGTERM and SIGINT are blocked except inside ppoll: one
		 * that comes between the check above and here is not lost. */
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = (long)(wait % 1000) * 1000000;
		r = ppoll(&pfd, 1, &ts, unblocked);
		if (r < 0 && errno != EINTR) {
			say("ppoll: %s", strerror(errno));
			return 1;
		}
		if (r > 0 && (pfd.revents & POLLIN)) {
			r = handle_reply(k, now_ms());
			if (r)
				return r;
		}
	}
	say("stopping on signal %d", (int)stop_signal);
	pin(k, now_ms());
	summary(k, "stopped");
	return 0;
}

static void load_lease(struct keeper *k, const char *file, int file_given)
{
	static char text[8192];
	char err[200];

	if (read_file(file, text, sizeof(text)) < 0) {
		if (file_given || errno != ENOENT) {
			fprintf(stderr, "ipconfig-keeper: %s: %s\n", file, strerror(errno));
			exit(EXIT_USAGE);
		}
		/* A pristine kernel: the options must say it all. */
		memset(&k->lease, 0, sizeof(k->lease));
		return;
	}
	if (lease_parse(text, &k->lease, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipconfig-keeper: %s: %s\n", file, err);
		exit(EXIT_USAGE);
	}
}

int main(int argc, char **argv)
{
	enum { O_LEASE_FILE = 256, O_HOST, O_LIFE, O_LOSS, O_FACT };
	static const struct option opts[] = {
		{ "lease-file", required_argument, NULL, O_LEASE_FILE },
		{ "device", required_argument, NULL, O_FACT },
		{ "address", required_argument, NULL, O_FACT },
		{ "server-id", required_argument, NULL, O_FACT },
		{ "lease-time", required_argument, NULL, O_FACT },
		{ "t1", required_argument, NULL, O_FACT },
		{ "t2", required_argument, NULL, O_FACT },
		{ "obtained", required_argument, NULL, O_FACT },
		{ "client-id", required_argument, NULL, O_FACT },
		{ "host-name", required_argument, NULL, O_HOST },
		{ "lifetimes", required_argument, NULL, O_LIFE },
		{ "on-loss", required_argument, NULL, O_LOSS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keeper_lease facts = { 0 };
	static struct keeper k;
	const char *file = DEFAULT_LEASE_FILE, *host = NULL;
	char err[200], a[INET_ADDRSTRLEN];
	struct addr_info ai;
	struct sigaction sa;
	sigset_t stops, unblocked;
	int c, idx, file_given = 0, rc;

	k.kmsg = -1;
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		switch (c) {
		case O_LEASE_FILE:
			file = optarg;
			file_given = 1;
			break;
		case O_FACT:
			if (lease_set(&facts, opts[idx].name, optarg, err, sizeof(err)) < 0)
				die_usage("--%s", err);
			break;
		case O_HOST:
			if (strlen(optarg) >= sizeof(k.host_name))
				die_usage("--host-name '%s' is longer than 64 bytes", optarg);
			host = optarg;
			break;
		case O_LIFE:
			if (strcmp(optarg, "lease") && strcmp(optarg, "pinned"))
				die_usage("--lifetimes '%s': lease or pinned", optarg);
			k.pinned = !strcmp(optarg, "pinned");
			break;
		case O_LOSS:
			if (strcmp(optarg, "keep") && strcmp(optarg, "exit"))
				die_usage("--on-loss '%s': keep or exit", optarg);
			k.on_loss_exit = !strcmp(optarg, "exit");
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "(see ipconfig-keeper --help)\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);

	load_lease(&k, file, file_given);
	if (!k.lease.have && !(facts.have & LF_REQUIRED))
		die_usage("%s is empty or missing: the kernel took no DHCP lease (BOOTP, RARP or a "
			  "static ip=?), or it lacks the kernel/ipconfig series; give the lease with "
			  "--device, --address, --server-id and --lease-time", file);
	/* The command line overrides the file, fact by fact. */
	if (facts.have & LF_DEVICE)
		memcpy(k.lease.dev, facts.dev, sizeof(facts.dev));
	if (facts.have & LF_ADDRESS)
		k.lease.addr = facts.addr;
	if (facts.have & LF_SERVER)
		k.lease.server_id = facts.server_id;
	if (facts.have & LF_LEASE)
		k.lease.lease_time = facts.lease_time;
	if (facts.have & LF_T1)
		k.lease.t1 = facts.t1;
	if (facts.have & LF_T2)
		k.lease.t2 = facts.t2;
	if (facts.have & LF_OBTAINED)
		k.lease.obtained = facts.obtained;
	if (facts.have & LF_CLIENT_ID) {
		memcpy(k.lease.client_id, facts.client_id, facts.client_id_len);
		k.lease.client_id_len = facts.client_id_len;
	}
	snprintf(k.source, sizeof(k.source), "%s%s%s", k.lease.have ? file : "",
		 k.lease.have && facts.have ? " and " : "", facts.have ? "the command line" : "");
	k.lease.have |= facts.have;
	if ((k.lease.have & LF_REQUIRED) != LF_REQUIRED)
		die_usage("%s", "the lease needs a device, an address, a server-id and a lease-time "
			  "(from the lease file or the options)");
	if (host && strcmp(host, "none"))
		snprintf(k.host_name, sizeof(k.host_name), "%s", host);
	else if (!host)
		default_host_name(&k);

	k.ifindex = (int)if_nametoindex(k.lease.dev);
	if (!k.ifindex) {
		fprintf(stderr, "ipconfig-keeper: device %s: %s\n", k.lease.dev, strerror(errno));
		return 1;
	}
	k.nl = addr_open();
	if (k.nl < 0) {
		fprintf(stderr, "ipconfig-keeper: rtnetlink: %s\n", strerror(errno));
		return 1;
	}
	rc = addr_find(k.nl, k.ifindex, k.lease.addr, &ai);
	if (rc <= 0) {
		fprintf(stderr, "ipconfig-keeper: %s is not on %s%s%s: nothing to keep\n",
			ip(k.lease.addr, a), k.lease.dev, rc < 0 ? ": " : "", rc < 0 ? strerror(errno) : "");
		return 1;
	}
	k.prefixlen = ai.prefixlen;
	k.udp = open_udp(&k);
	if (k.udp < 0)
		return 1;
	k.kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	/* Seed the xids now: early in boot the first read of /dev/urandom
	 * can wait about a second for the kernel's entropy, which must not
	 * delay the first renewal. */
	(void)new_xid();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, &unblocked);
	return run(&k, &unblocked);
}

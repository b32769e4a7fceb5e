// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_rfc3074.c - RFC 3074 load balancing: the hash and its
 * table, bucket parsing, the decision (HBA, Service Delay by secs and by
 * the retry clock), and two whole servers (config + lease store + DHCP
 * state machine each, no sockets) facing the same 512 clients: each
 * client answered by exactly one, disjoint addresses, and one survivor
 * answering everyone once the other goes quiet.
 */
#define _GNU_SOURCE
#include "fixture.h"
#include "../rfc3074.h"

static void test_hash(void)
{
	uint8_t seen[256] = { 0 }, key[6] = { 0x52, 0x54, 0x00, 0, 0, 0 };
	unsigned counts[256] = { 0 }, distinct = 0, low = 0, i, max = 0;
	uint8_t one = 0;

	/* The table must be a permutation, or buckets go missing. */
	for (i = 0; i < 256; i++) {
		one = (uint8_t)i;
		seen[rfc3074_hash(&one, 1) ^ 1]++;	/* h = T[1 ^ k]: a bijection in k */
	}
	for (i = 0; i < 256; i++)
		distinct += seen[i] == 1;
	TAP_OK(distinct == 256, "the mixing table is a permutation (%u distinct)", distinct);
	TAP_OK(rfc3074_hash(NULL, 0) == 0, "empty key: the length seed, 0");
	one = 0;
	TAP_OK(rfc3074_hash(&one, 1) == 175, "one zero byte hashes to T[1 ^ 0] = 175");
	/* 4096 sequential MACs spread over the buckets, about half below 128. */
	for (i = 0; i < 4096; i++) {
		key[4] = (uint8_t)(i >> 8);
		key[5] = (uint8_t)i;
		counts[rfc3074_hash(key, 6)]++;
	}
	for (i = 0; i < 256; i++) {
		low += i < 128 ? counts[i] : 0;
		max = counts[i] > max ? counts[i] : max;
	}
	TAP_OK(low > 1700 && low < 2400, "sequential MACs split %u/%u between buckets 0-127 and 128-255",
	       low, 4096 - low);
	TAP_OK(max < 64, "no bucket holds more than 4x its share (max %u of 16)", max);
}

static void test_config(void)
{
	struct rfc3074_config c;

	rfc3074_config_init(&c);
	TAP_OK(!c.enabled && c.delay_s == 3, "default: off, Service Delay 3 s");
	TAP_OK(rfc3074_config_set(&c, "load-balance-buckets", "0-63,128-191", err, sizeof(err)) == 0 &&
	       c.enabled, "buckets 0-63,128-191 accepted");
	TAP_OK(rfc3074_in_hba(&c, 0) && rfc3074_in_hba(&c, 63) && !rfc3074_in_hba(&c, 64) &&
	       rfc3074_in_hba(&c, 128) && rfc3074_in_hba(&c, 191) && !rfc3074_in_hba(&c, 255),
	       "bucket bits set exactly for the ranges");
	TAP_OK(rfc3074_config_set(&c, "load-balance-buckets", "7", err, sizeof(err)) == 0 &&
	       rfc3074_in_hba(&c, 7) && !rfc3074_in_hba(&c, 0), "a single bucket replaces the set");
	TAP_OK(rfc3074_config_set(&c, "load-balance-buckets", "0-256", err, sizeof(err)) < 0 &&
	       strstr(err, "0-256"), "bucket 256 refused, naming the value (%s)", err);
	TAP_OK(rfc3074_config_set(&c, "load-balance-buckets", "9-3", err, sizeof(err)) < 0,
	       "a backwards range refused");
	TAP_OK(rfc3074_config_set(&c, "load-balance-buckets", "1,,2", err, sizeof(err)) < 0 &&
	       rfc3074_config_set(&c, "load-balance-buckets", "", err, sizeof(err)) < 0 &&
	       rfc3074_config_set(&c, "load-balance-buckets", "-1", err, sizeof(err)) < 0,
	       "empty items, empty value and negative buckets refused");
	TAP_OK(rfc3074_config_set(&c, "load-balance-delay", "10", err, sizeof(err)) == 0 &&
	       c.delay_s == 10, "delay 10 s");
	TAP_OK(rfc3074_config_set(&c, "load-balance-delay", "10s", err, sizeof(err)) < 0 &&
	       rfc3074_config_set(&c, "load-balance-delay", "70000", err, sizeof(err)) < 0,
	       "delay with a unit or over 65535 refused");
	TAP_OK(rfc3074_config_set(&c, "load-balance-mode", "x", err, sizeof(err)) < 0 &&
	       strstr(err, "load-balance-mode"), "unknown key named (%s)", err);
}

/* A key whose bucket is (or is not) in [0, 127]. */
static void key_in(int low, uint8_t key[6])
{
	memcpy(key, "\x52\x54\x00\x00\x00\x00", 6);
	for (unsigned i = 0; i < 256; i++) {
		key[5] = (uint8_t)i;
		if ((rfc3074_hash(key, 6) < 128) == low)
			return;
	}
}

static void test_decide(void)
{
	static struct rfc3074_seen seen;
	struct rfc3074_config c;
	uint8_t mine[6], theirs[6];
	struct rfc3074_query q = { .stid_len = 6 };

	rfc3074_config_init(&c);
	key_in(1, mine);
	key_in(0, theirs);
	q.stid = theirs;
	TAP_OK(rfc3074_decide(&c, NULL, &q, 100) == LB_OFF, "not configured: answer everyone");
	rfc3074_config_set(&c, "load-balance-buckets", "0-127", err, sizeof(err));
	q.stid = mine;
	TAP_OK(rfc3074_decide(&c, &seen, &q, 100) == LB_OURS, "our bucket: answer");
	q.stid = theirs;
	TAP_OK(rfc3074_decide(&c, &seen, &q, 100) == LB_PEERS, "peer's bucket, secs 0, first try: silent");
	q.secs = 2;
	TAP_OK(rfc3074_decide(&c, NULL, &q, 100) == LB_PEERS, "secs 2 < SD 3: silent");
	q.secs = 4;
	TAP_OK(rfc3074_decide(&c, NULL, &q, 100) == LB_SECS,
	       "secs 4 >= SD 3 (PXE's second DISCOVER): answer");
	q.secs = 0;
	TAP_OK(rfc3074_decide(&c, &seen, &q, 102) == LB_PEERS, "secs stuck at 0, asking for 2 s: silent");
	TAP_OK(rfc3074_decide(&c, &seen, &q, 103) == LB_RETRYING,
	       "secs stuck at 0, asking for 3 s: answer");
	TAP_OK(rfc3074_decide(&c, &seen, &q, 200) == LB_PEERS,
	       "silent for 97 s: a new attempt, the clock starts again");
	TAP_OK(rfc3074_decide(&c, NULL, &q, 500) == LB_PEERS, "no table: secs alone decides");
	q.bound_here = 1;
	TAP_OK(rfc3074_decide(&c, &seen, &q, 500) == LB_BOUND, "already our client: answer");
	q.bound_here = 0;
	rfc3074_config_set(&c, "load-balance-delay", "0", err, sizeof(err));
	q.secs = 60;
	TAP_OK(rfc3074_decide(&c, &seen, &q, 500) == LB_PEERS, "delay 0: never the peer's clients");
}

/* ---- two servers, the same clients ---- */

struct srv {
	struct config *c;
	struct lease_store *ls;
	struct rfc3074_seen seen;
	uint32_t ip;
};

/* Client ID's request of TYPE, SECS into its try, with the broadcast
 * flag as PXE ROMs set it. */
static void request(struct pkt *p, int type, unsigned id, uint16_t secs)
{
	start_client(p, type, (uint16_t)id, secs);
	p->b[10] = 0x80;
}

static void opt_addr(struct pkt *p, uint8_t code, uint32_t v)
{
	opt(p, code, &v, 4);
}

/* The reply type of s to p (0: silent), the offered address in *yi. */
static int ask(struct srv *s, const struct pkt *p0, int64_t now, uint32_t *yi)
{
	struct pkt p = *p0;
	int rc;

	ctx.server_ip = s->ip;
	ctx.now = now;
	ctx.broadcast = 1;
	ctx.lb_seen = &s->seen;
	rc = run(s->c, s->ls, &p);
	if (rc == -3)
		return -1;
	if (rc != 0 || r.dest == DEST_NONE)
		return 0;
	*yi = rm.h.yiaddr;
	return rm.msg_type;
}

static int open_srv(struct srv *s, const char *name, const char *addr, const char *buckets,
		    const char *pool)
{
	char text[1024], leases[64];

	snprintf(leases, sizeof(leases), "%s.leases", name);
	snprintf(text, sizeof(text),
		 "lease-file %s/%s\nload-balance-buckets %s\nload-balance-delay 3\n"
		 "subnet 198.18.0.0/15\n  pool %s\n  next-server %s\nend\n", dir, leases, buckets, pool,
		 addr);
	s->c = load(text);
	s->ls = s->c ? open_leases_named(leases) : NULL;
	s->ip = ip(addr);
	return s->c && s->ls ? 0 : -1;
}

#define NCLIENTS 512u

static void test_two_servers(void)
{
	static struct srv a, b;
	static uint32_t got[NCLIENTS];
	unsigned both = 0, none = 0, by_a = 0, dup = 0, outside = 0, acked = 0, i, j;
	struct pkt p;

	TAP_OK(open_srv(&a, "a", "198.18.0.1", "0-127", "198.18.1.0 198.18.2.255") == 0 &&
	       open_srv(&b, "b", "198.18.0.2", "128-255", "198.18.3.0 198.18.4.255") == 0,
	       "two servers: buckets 0-127 and 128-255, disjoint pools");
	if (!a.c || !b.c || !a.ls || !b.ls)
		return;
	/* Both up: first DISCOVER (secs 0) of every client to both. */
	for (i = 0; i < NCLIENTS; i++) {
		uint32_t ya = 0, yb = 0;
		int ta, tb;

		request(&p, DHCPDISCOVER, i, 0);
		ta = ask(&a, &p, 1000, &ya);
		tb = ask(&b, &p, 1000, &yb);
		both += ta && tb;
		none += !ta && !tb;
		by_a += ta == DHCPOFFER;
		got[i] = ta ? ya : yb;
		if (ta && (ntohl(ya) < ntohl(ip("198.18.1.0")) || ntohl(ya) > ntohl(ip("198.18.2.255"))))
			outside++;
		if (tb && (ntohl(yb) < ntohl(ip("198.18.3.0")) || ntohl(yb) > ntohl(ip("198.18.4.255"))))
			outside++;
	}
	TAP_OK(both == 0 && none == 0, "both up: each of %u clients offered by exactly one server "
	       "(%u by both, %u by none)", NCLIENTS, both, none);
	TAP_OK(by_a > NCLIENTS / 4 && by_a < NCLIENTS * 3 / 4, "the load is split: %u by A, %u by B",
	       by_a, NCLIENTS - by_a);
	TAP_OK(outside == 0, "every offer from the offering server's own pool part");
	for (i = 0; i < NCLIENTS; i++)
		for (j = i + 1; j < NCLIENTS; j++)
			dup += got[i] == got[j];
	TAP_OK(dup == 0, "no address offered twice");

	/* B dies.  Each client retransmits as PXE firmware does: secs 4. */
	for (i = 0; i < NCLIENTS; i++) {
		uint32_t y = 0, y2 = 0;
		int t;

		request(&p, DHCPDISCOVER, i, 4);
		t = ask(&a, &p, 1004, &y);
		if (t != DHCPOFFER)
			continue;
		request(&p, DHCPREQUEST, i, 4);
		opt_addr(&p, DHO_SERVER_ID, a.ip);
		opt_addr(&p, DHO_REQUESTED_IP, y);
		if (ask(&a, &p, 1004, &y2) == DHCPACK && y2 == y) {
			acked++;
			got[i] = y;
		}
	}
	TAP_OK(acked == NCLIENTS, "B down: A acknowledges all %u clients after SD (%u)", NCLIENTS, acked);
	for (dup = 0, i = 0; i < NCLIENTS; i++)
		for (j = i + 1; j < NCLIENTS; j++)
			dup += got[i] == got[j];
	TAP_OK(dup == 0, "no address bound twice");

	/* A client of A's pool part rebinding: A answers, B stays silent
	 * (no NAK for the peer's address), whatever the client's bucket. */
	{
		uint32_t y = 0;

		request(&p, DHCPREQUEST, 7, 0);
		opt_addr(&p, DHO_REQUESTED_IP, got[7]);
		TAP_OK(ask(&a, &p, 1010, &y) == DHCPACK && y == got[7],
		       "init-reboot for an address of A's part: A acknowledges");
		TAP_OK(ask(&b, &p, 1010, &y) == 0, "B neither answers nor NAKs the peer's address (%s)",
		       r.log);
	}
	lease_close(a.ls);
	lease_close(b.ls);
	config_free(a.c);
	config_free(b.c);
}

int main(void)
{
	if (fixture_begin() < 0)
		return 1;
	test_hash();
	test_config();
	test_decide();
	test_two_servers();
	return fixture_end();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_fsm.c - the renewal timers (fsm.c) and the lease file (lease.c),
 * on a fake clock: every time below is an argument, nothing sleeps.
 */
#include "../fsm.h"
#include "../lease.h"
#include "../../../tests/unit/tap.h"

#include <arpa/inet.h>
#include <stdint.h>

/* Run the machine from `from` to `to`, jumping to each deadline, and
 * record what it asked for. */
struct trace {
	int64_t when[256];
	unsigned act[256];
	unsigned n;
};

static void drive(struct keeper_fsm *f, int64_t from, int64_t to, struct trace *t)
{
	int64_t now = from;

	t->n = 0;
	while (now <= to && t->n < 256) {
		unsigned a = fsm_tick(f, now);

		if (a) {
			t->when[t->n] = now;
			t->act[t->n++] = a;
		}
		if (fsm_next(f) == INT64_MAX)
			return;
		now = fsm_next(f) > now ? fsm_next(f) : now + 1;
	}
}

static unsigned count(const struct trace *t, unsigned flag, int64_t lo, int64_t hi)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->n; i++)
		if ((t->act[i] & flag) && t->when[i] >= lo && t->when[i] < hi)
			n++;
	return n;
}

static void test_short_lease(void)
{
	struct keeper_fsm f;
	struct trace t;
	int ok_gaps = 1, ok_kind = 1;

	/* netbootd's 60 s lease: T1 30 s, T2 52 s (7/8, rounded down). */
	fsm_bind(&f, 2000, 60, 30, 52);
	TAP_OK(f.t1 == 32000 && f.t2 == 54000 && f.expiry == 62000, "60 s lease from 2 s: T1 32 s, T2 54 s, expiry 62 s");
	TAP_OK(f.floor == 3750, "floor of a 60 s lease: 1/16 of it (3.75 s), not 60 s (%lld)", (long long)f.floor);
	TAP_OK(fsm_tick(&f, 31999) == 0, "nothing before T1");
	TAP_OK(f.state == FSM_BOUND && fsm_next(&f) == 32000, "bound, next at T1");
	drive(&f, 32000, 70000, &t);
	TAP_OK(t.n > 0 && t.when[0] == 32000 && t.act[0] == (FSM_ENTERED | FSM_SEND_UNICAST),
	       "at T1: renewing, one unicast request");
	for (unsigned i = 0; i < t.n; i++) {
		int uni = !!(t.act[i] & FSM_SEND_UNICAST), bc = !!(t.act[i] & FSM_SEND_BROADCAST);

		if (uni + bc != 1 || (uni && t.when[i] >= 54000) || (bc && t.when[i] < 54000))
			ok_kind = 0;
		/* a gap shorter than the floor only where a phase ends */
		if (i && t.when[i] - t.when[i - 1] < f.floor && t.when[i] != 54000 &&
		    t.when[i] != 62000)
			ok_gaps = 0;
	}
	TAP_OK(ok_kind, "unicast only in [T1, T2), broadcast only from T2 on");
	TAP_OK(ok_gaps, "requests at least the floor apart, except at T2 and at expiry");
	TAP_OK(count(&t, FSM_SEND_UNICAST, 32000, 54000) >= 4, "several renewing tries (%u)",
	       count(&t, FSM_SEND_UNICAST, 32000, 54000));
	TAP_OK(count(&t, FSM_SEND_BROADCAST, 54000, 62000) >= 2, "several rebinding tries before expiry (%u)",
	       count(&t, FSM_SEND_BROADCAST, 54000, 62000));
	TAP_OK(count(&t, FSM_ENTERED, 54000, 54001) == 1, "rebinding entered exactly at T2");
	TAP_OK(count(&t, FSM_EXPIRED, 62000, 62001) == 1 && count(&t, FSM_EXPIRED, 0, 70001) == 1,
	       "expired once, exactly at the lease's end");
	TAP_OK(f.state == FSM_LOST, "after expiry: lost (still asking)");
	TAP_OK(count(&t, FSM_SEND_BROADCAST, 62000, 70001) >= 2, "lost: still broadcasting");
}

static void test_lost_backoff(void)
{
	struct keeper_fsm f;
	struct trace t;
	int64_t last_gap = 0;
	int doubling = 1;

	fsm_bind(&f, 0, 60, 0, 0);
	drive(&f, 0, 60000 + 600000, &t);
	for (unsigned i = 1; i < t.n; i++) {
		int64_t gap = t.when[i] - t.when[i - 1];

		if (t.when[i - 1] < 60000)
			continue;
		if (gap > FSM_LOST_MAX_MS || (last_gap && gap < last_gap))
			doubling = 0;
		last_gap = gap;
	}
	TAP_OK(doubling && last_gap == FSM_LOST_MAX_MS, "lost: backoff grows to %d s and stays (%lld)",
	       FSM_LOST_MAX_MS / 1000, (long long)last_gap);
}

static void test_long_lease_rfc_floor(void)
{
	struct keeper_fsm f;
	struct trace t;
	int ok = 1;

	/* An hour: RFC 2131 4.4.5's one half of the remaining time, down to
	 * a minimum of 60 s. */
	fsm_bind(&f, 0, 3600, 0, 0);
	TAP_OK(f.t1 == 1800000 && f.t2 == 3150000 && f.floor == 60000, "3600 s lease: T1 1800, T2 3150, floor 60 s");
	drive(&f, 0, 3150000, &t);
	TAP_OK(t.n >= 2 && t.when[1] == 1800000 + 675000, "second renewing try after half of T2 - T1 (%lld)",
	       t.n >= 2 ? (long long)t.when[1] : -1LL);
	for (unsigned i = 1; i < t.n; i++)
		if (t.when[i] - t.when[i - 1] < 60000 && t.when[i] != 3150000)
			ok = 0;
	TAP_OK(ok, "never two requests less than 60 s apart in a phase");
}

static void test_ack_rebinds(void)
{
	struct keeper_fsm f;

	fsm_bind(&f, 0, 60, 0, 0);
	fsm_tick(&f, 30000);
	TAP_OK(f.state == FSM_RENEWING, "renewing after T1");
	/* The ACK answers the request sent at 30 s: the new lease counts
	 * from then (RFC 2131 4.4.1). */
	fsm_bind(&f, 30000, 60, 30, 52);
	TAP_OK(f.state == FSM_BOUND && fsm_next(&f) == 60000 && f.expiry == 90000,
	       "an ACK binds again: next at the new T1 (60 s), expiry 90 s");
	TAP_OK(fsm_tick(&f, 45000) == 0, "quiet until the new T1");
}

static void test_nak(void)
{
	struct keeper_fsm f;
	int64_t n1, n2;

	fsm_bind(&f, 0, 60, 0, 0);
	fsm_tick(&f, 30000);
	fsm_nak(&f, 30010);
	n1 = fsm_next(&f);
	fsm_tick(&f, n1);
	fsm_nak(&f, n1 + 10);
	n2 = fsm_next(&f);
	TAP_OK(f.naks == 2 && n1 >= 30010 + f.floor && n2 >= n1 + 10 + 2 * f.floor,
	       "after a NAK the next try waits at least the backoff, which doubles (%lld, %lld)",
	       (long long)n1, (long long)n2);
	fsm_nak(&f, 59000);
	TAP_OK(fsm_next(&f) <= 60000, "a NAK never defers past the expiry (%lld)", (long long)fsm_next(&f));
	TAP_OK(fsm_tick(&f, 60000) & FSM_EXPIRED, "and the expiry is noticed on time");
	TAP_OK(fsm_remaining(&f, 61000) == -1000, "remaining time negative after expiry");
}

static void test_infinite_and_late(void)
{
	struct keeper_fsm f;
	unsigned a;

	fsm_bind(&f, 0, LEASE_INFINITE, 0, 0);
	TAP_OK(f.state == FSM_FOREVER && fsm_next(&f) == INT64_MAX && fsm_tick(&f, INT64_MAX - 1) == 0,
	       "an infinite lease is never renewed");
	TAP_OK(fsm_remaining(&f, 5) == INT64_MAX, "and never expires");
	/* Started late (the keeper came up after T2): rebinding at once. */
	fsm_bind(&f, 0, 60, 0, 0);
	a = fsm_tick(&f, 55000);
	TAP_OK(a == (FSM_ENTERED | FSM_SEND_BROADCAST) && f.state == FSM_REBINDING,
	       "first tick after T2: rebinding, broadcast");
	fsm_bind(&f, 0, 60, 0, 0);
	a = fsm_tick(&f, 100000);
	TAP_OK((a & FSM_EXPIRED) && (a & FSM_SEND_BROADCAST), "first tick after expiry: lost, still asking");
}

static void test_lease_times(void)
{
	static const struct {
		uint32_t lease, t1, t2, want_t1, want_t2;
	} c[] = {
		{ 3600, 0, 0, 1800, 3150 },
		{ 3600, 1000, 2000, 1000, 2000 },
		{ 3600, 0, 2000, 1800, 2000 },
		{ 3600, 0, 1000, 1000, 1000 },
		{ 3600, 3000, 2000, 1800, 2000 },
		{ 3600, 100, 4000, 100, 3150 },
		{ 0xfffffffe, 0, 0, 0x7fffffff, 3758096382U },
		{ LEASE_INFINITE, 10, 20, LEASE_INFINITE, LEASE_INFINITE },
	};
	int ok = 1;

	/* The same table as the kernel's KUnit case (patch 0005). */
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t t1 = c[i].t1, t2 = c[i].t2;

		lease_complete_times(c[i].lease, &t1, &t2);
		if (t1 != c[i].want_t1 || t2 != c[i].want_t2) {
			ok = 0;
			printf("#   case %u: got %u %u\n", i, t1, t2);
		}
	}
	TAP_OK(ok, "T1/T2 defaults and ordering as the kernel's ic_lease_times()");
}

static void test_lease_file(void)
{
	struct keeper_lease l;
	char err[200];
	struct in_addr a;

	/* What the patched kernel writes (0005: lease_show). */
	TAP_OK(lease_parse("device eth0\naddress 192.0.2.10\nserver-id 192.0.2.1\nlease-time 60\n"
			   "t1 30\nt2 52\nobtained 2\nclient-id none\n", &l, err, sizeof(err)) == 0,
	       "the kernel's lease file parses");
	a.s_addr = l.addr;
	TAP_STREQ(inet_ntoa(a), "192.0.2.10", "address");
	TAP_OK(!strcmp(l.dev, "eth0") && l.lease_time == 60 && l.t1 == 30 && l.t2 == 52 && l.obtained == 2 &&
	       l.client_id_len == 0 && (l.have & LF_REQUIRED) == LF_REQUIRED,
	       "device, times, obtained, no client id");
	TAP_OK(lease_parse("client-id 00:6e:6f:64:65:31\nfuture-key 1 2 3\n", &l, err, sizeof(err)) == 0 &&
	       l.client_id_len == 6 && l.client_id[0] == 0 && l.client_id[5] == 0x31,
	       "client id bytes; an unknown key is skipped");
	TAP_OK(lease_parse("", &l, err, sizeof(err)) == 0 && l.have == 0, "an empty file is no lease");
	TAP_OK(lease_parse("device eth0\nlease-time x\n", &l, err, sizeof(err)) < 0 &&
	       strstr(err, "line 2") && strstr(err, "lease-time"), "a bad value names its line (%s)", err);
	TAP_OK(lease_parse("address 300.1.1.1\n", &l, err, sizeof(err)) < 0, "a bad address is refused");
	TAP_OK(lease_parse("client-id 01\n", &l, err, sizeof(err)) < 0, "a one-byte client id is refused");
	TAP_OK(lease_parse("client-id 0g:11\n", &l, err, sizeof(err)) < 0, "a client id that is not hex is refused");
	TAP_OK(lease_parse("lease-time 0\n", &l, err, sizeof(err)) < 0, "a zero lease time is refused");
	TAP_OK(lease_parse("device\n", &l, err, sizeof(err)) < 0, "a key without a value is refused");
	TAP_OK(lease_set(&l, "device", "../x", err, sizeof(err)) < 0, "a device name with a slash is refused");
	TAP_OK(lease_set(&l, "colour", "red", err, sizeof(err)) < 0 && strstr(err, "colour"),
	       "an unknown option fact is refused by name");
}

int main(void)
{
	test_short_lease();
	test_lost_backoff();
	test_long_lease_rfc_floor();
	test_ack_rebinds();
	test_nak();
	test_infinite_and_late();
	test_lease_times();
	test_lease_file();
	return tap_done();
}

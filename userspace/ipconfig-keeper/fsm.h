/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fsm.h - when to renew: the client side of RFC 2131 4.4.5 as a pure
 * state machine over an injected clock (milliseconds on CLOCK_BOOTTIME).
 * It only says what to do and when; the caller sends and receives.
 *
 * BOUND until T1; RENEWING (unicast to the server) until T2; REBINDING
 * (broadcast) until the lease expires; then LOST, where a client that may
 * not give up its address keeps asking, backing off to a minute.
 * Retransmissions wait half the time left in the phase, at least the
 * floor (RFC 2131: 60 s; for a lease shorter than 16 minutes, 1/16 of
 * the lease, at least 2 s, so that a short lease still gets several
 * tries in each phase), and never beyond the phase's end.
 */
#ifndef KEEPER_FSM_H
#define KEEPER_FSM_H

#include <stdint.h>

enum fsm_state { FSM_BOUND, FSM_RENEWING, FSM_REBINDING, FSM_LOST, FSM_FOREVER };

/* What fsm_tick asks for (a bitmask). */
enum {
	FSM_SEND_UNICAST = 1 << 0,	/* a DHCPREQUEST to the server */
	FSM_SEND_BROADCAST = 1 << 1,	/* a DHCPREQUEST to 255.255.255.255 */
	FSM_ENTERED = 1 << 2,		/* the state changed (log it) */
	FSM_EXPIRED = 1 << 3,		/* the lease just ran out */
};

#define FSM_FLOOR_MAX_MS 60000
#define FSM_FLOOR_MIN_MS 2000
#define FSM_LOST_MAX_MS 64000

struct keeper_fsm {
	enum fsm_state state;
	int64_t start;			/* when the lease began */
	int64_t t1, t2, expiry;		/* absolute; INT64_MAX: never */
	int64_t next;			/* when fsm_tick next has work */
	int64_t floor;			/* least wait between two requests */
	int64_t backoff;		/* LOST and after a NAK: the next wait */
	uint32_t lease_s, t1_s, t2_s;	/* as granted */
	unsigned sent;			/* requests in this lease's renewal */
	unsigned naks;			/* NAKs in this lease's renewal */
};

/* A lease of lease_s seconds (LEASE_INFINITE: forever) that began at
 * start, with T1 and T2 completed as the kernel does (0: absent). */
void fsm_bind(struct keeper_fsm *f, int64_t start, uint32_t lease_s, uint32_t t1_s,
	      uint32_t t2_s);

/* Advance to now: returns FSM_* flags.  Call it at fsm_next() or later
 * (earlier calls return 0). */
unsigned fsm_tick(struct keeper_fsm *f, int64_t now);

/* When fsm_tick next has work (INT64_MAX: never). */
int64_t fsm_next(const struct keeper_fsm *f);

/* A DHCPNAK came: the lease stays (the address is still held) but the
 * next request waits for the backoff, doubling to FSM_LOST_MAX_MS. */
void fsm_nak(struct keeper_fsm *f, int64_t now);

/* Milliseconds until the lease expires (negative: expired; INT64_MAX:
 * never). */
int64_t fsm_remaining(const struct keeper_fsm *f, int64_t now);

const char *fsm_state_name(enum fsm_state s);

#endif

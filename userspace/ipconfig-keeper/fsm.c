// SPDX-License-Identifier: GPL-2.0
/*
 * fsm.c - the renewal timers of RFC 2131 4.4.5, with an injected clock.
 */
#include "fsm.h"
#include "lease.h"

#include <string.h>

static int64_t at(int64_t start, uint32_t s)
{
	return s == LEASE_INFINITE ? INT64_MAX : start + (int64_t)s * 1000;
}

void fsm_bind(struct keeper_fsm *f, int64_t start, uint32_t lease_s, uint32_t t1_s,
	      uint32_t t2_s)
{
	int64_t floor;

	memset(f, 0, sizeof(*f));
	lease_complete_times(lease_s, &t1_s, &t2_s);
	f->lease_s = lease_s;
	f->t1_s = t1_s;
	f->t2_s = t2_s;
	f->start = start;
	f->t1 = at(start, t1_s);
	f->t2 = at(start, t2_s);
	f->expiry = at(start, lease_s);
	floor = lease_s == LEASE_INFINITE ? FSM_FLOOR_MAX_MS : (int64_t)lease_s * 1000 / 16;
	if (floor > FSM_FLOOR_MAX_MS)
		floor = FSM_FLOOR_MAX_MS;
	if (floor < FSM_FLOOR_MIN_MS)
		floor = FSM_FLOOR_MIN_MS;
	f->floor = floor;
	f->backoff = floor;
	f->state = lease_s == LEASE_INFINITE ? FSM_FOREVER : FSM_BOUND;
	f->next = f->state == FSM_FOREVER ? INT64_MAX : f->t1;
}

static enum fsm_state phase(const struct keeper_fsm *f, int64_t now)
{
	if (f->state == FSM_FOREVER)
		return FSM_FOREVER;
	if (now >= f->expiry)
		return FSM_LOST;
	if (now >= f->t2)
		return FSM_REBINDING;
	if (now >= f->t1)
		return FSM_RENEWING;
	return FSM_BOUND;
}

/* Half the time left until end, at least the floor, at most until end. */
static int64_t retransmit(const struct keeper_fsm *f, int64_t now, int64_t end)
{
	int64_t wait = (end - now) / 2;

	if (wait < f->floor)
		wait = f->floor;
	return now + wait < end ? now + wait : end;
}

unsigned fsm_tick(struct keeper_fsm *f, int64_t now)
{
	enum fsm_state s;
	unsigned out = 0;

	if (now < f->next || f->state == FSM_FOREVER)
		return 0;
	s = phase(f, now);
	if (s != f->state) {
		out |= FSM_ENTERED;
		if (s == FSM_LOST)
			out |= FSM_EXPIRED;
		f->state = s;
	}
	switch (s) {
	case FSM_BOUND:
		f->next = f->t1;
		return out;
	case FSM_RENEWING:
		out |= FSM_SEND_UNICAST;
		f->next = retransmit(f, now, f->t2);
		break;
	case FSM_REBINDING:
		out |= FSM_SEND_BROADCAST;
		f->next = retransmit(f, now, f->expiry);
		break;
	case FSM_LOST:
		out |= FSM_SEND_BROADCAST;
		f->next = now + f->backoff;
		f->backoff = f->backoff * 2 > FSM_LOST_MAX_MS ? FSM_LOST_MAX_MS : f->backoff * 2;
		break;
	case FSM_FOREVER:
		return 0;
	}
	f->sent++;
	return out;
}

void fsm_nak(struct keeper_fsm *f, int64_t now)
{
	int64_t when = now + f->backoff;

	f->naks++;
	f->backoff = f->backoff * 2 > FSM_LOST_MAX_MS ? FSM_LOST_MAX_MS : f->backoff * 2;
	/* Wait out the backoff, but do not sleep through the expiry: the
	 * loss must be noticed (and the address pinned) on time. */
	if (f->state != FSM_LOST && when > f->expiry)
		when = f->expiry;
	if (when > f->next)
		f->next = when;
}

int64_t fsm_next(const struct keeper_fsm *f)
{
	return f->next;
}

int64_t fsm_remaining(const struct keeper_fsm *f, int64_t now)
{
	return f->expiry == INT64_MAX ? INT64_MAX : f->expiry - now;
}

const char *fsm_state_name(enum fsm_state s)
{
	switch (s) {
	case FSM_BOUND:
		return "bound";
	case FSM_RENEWING:
		return "renewing";
	case FSM_REBINDING:
		return "rebinding";
	case FSM_LOST:
		return "lost";
	case FSM_FOREVER:
		return "forever";
	}
	return "?";
}

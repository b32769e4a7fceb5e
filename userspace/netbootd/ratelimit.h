/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ratelimit.h - per-client token buckets (keyed by MAC), so one flooding
 * client cannot starve the rest.  A fixed table: a new client evicts the
 * bucket its hash lands on, so memory stays bounded under a MAC flood.
 */
#ifndef NETBOOTD_RATELIMIT_H
#define NETBOOTD_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 4096

struct ratelimit_slot {
	uint8_t key[16];
	uint8_t keylen;
	float tokens;
	uint64_t last_ms;
};

struct ratelimit {
	unsigned burst, per_sec;
	struct ratelimit_slot slot[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *r, unsigned burst, unsigned per_sec);
/* 1 if the client may send one more packet now. */
int ratelimit_allow(struct ratelimit *r, const uint8_t *key, size_t keylen, uint64_t now_ms);

#endif /* NETBOOTD_RATELIMIT_H */

// SPDX-License-Identifier: GPL-2.0
/* ratelimit.c - per-client token buckets in a fixed hash table. */
#include "ratelimit.h"

#include <string.h>

void ratelimit_init(struct ratelimit *r, unsigned burst, unsigned per_sec)
{
	memset(r, 0, sizeof(*r));
	r->burst = burst;
	r->per_sec = per_sec;
}

int ratelimit_allow(struct ratelimit *r, const uint8_t *key, size_t keylen, uint64_t now_ms)
{
	uint32_t h = 2166136261u;
	struct ratelimit_slot *s;

	if (keylen > sizeof(s->key))
		keylen = sizeof(s->key);
	for (size_t i = 0; i < keylen; i++)
		h = (h ^ key[i]) * 16777619u;
	s = &r->slot[h % RATELIMIT_SLOTS];
	if (s->keylen != keylen || memcmp(s->key, key, keylen)) {
		memcpy(s->key, key, keylen);
		s->keylen = (uint8_t)keylen;
		s->tokens = (float)r->burst;
	} else if (now_ms > s->last_ms) {
		s->tokens += (float)(now_ms - s->last_ms) * (float)r->per_sec / 1000.0f;
		if (s->tokens > (float)r->burst)
			s->tokens = (float)r->burst;
	}
	s->last_ms = now_ms;
	if (s->tokens < 1.0f)
		return 0;
	s->tokens -= 1.0f;
	return 1;
}

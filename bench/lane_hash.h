/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lane_hash.h - storm_load's content check: a streaming hash fed in
 * arbitrary pieces (tftp_load compares with a mapping of the file instead).
 */
#ifndef BENCH_LANE_HASH_H
#define BENCH_LANE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Content check, fed in arbitrary pieces: four independent 64-bit lanes
 * over 32-byte chunks (the carry holds a partial chunk), so it runs at a
 * fraction of a cycle per byte instead of FNV-1a's serial multiply per
 * byte.  Not cryptographic; it only has to catch a wrong or shifted block. */
struct hstate {
	uint64_t lane[4];
	uint8_t part[32];
	unsigned npart;
};

static inline void hash_init(struct hstate *s)
{
	memset(s, 0, sizeof(*s));
	s->lane[0] = 0xcbf29ce484222325ull;
	s->lane[1] = 0x84222325cbf29ce4ull;
	s->lane[2] = 0x9e3779b97f4a7c15ull;
	s->lane[3] = 0x7f4a7c159e3779b9ull;
}

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x100000001b3ull * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static inline void hash_chunk(struct hstate *s, const uint8_t *p)
{
	uint64_t w[4];

	memcpy(w, p, sizeof(w));
	s->lane[0] = mix(s->lane[0], w[0]);
	s->lane[1] = mix(s->lane[1], w[1]);
	s->lane[2] = mix(s->lane[2], w[2]);
	s->lane[3] = mix(s->lane[3], w[3]);
}

static inline void hash_add(struct hstate *s, const uint8_t *p, size_t n)
{
	if (s->npart) {
		size_t t = 32 - s->npart < n ? 32 - s->npart : n;

		memcpy(s->part + s->npart, p, t);
		s->npart += (unsigned)t;
		p += t;
		n -= t;
		if (s->npart < 32)
			return;
		hash_chunk(s, s->part);
		s->npart = 0;
	}
	for (; n >= 32; p += 32, n -= 32)
		hash_chunk(s, p);
	memcpy(s->part, p, n);
	s->npart = (unsigned)n;
}

static inline uint64_t hash_end(const struct hstate *s)
{
	struct hstate t = *s;

	memset(t.part + t.npart, 0, 32 - t.npart);
	hash_chunk(&t, t.part);
	return mix(mix(mix(mix(t.npart, t.lane[0]), t.lane[1]), t.lane[2]), t.lane[3]);
}

#endif /* BENCH_LANE_HASH_H */

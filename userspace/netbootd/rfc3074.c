// SPDX-License-Identifier: GPL-2.0
/*
 * rfc3074.c - RFC 3074 load balancing between netbootd servers that share
 * no state: the hash, the Hash Bucket Assignment and the Service Delay.
 */
#include "rfc3074.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 3074 section 6: the mixing table, a permutation of 0..255.  The
 * same table in every implementation is what lets netbootd share a
 * segment with another RFC 3074 server (ISC dhcpd's failover split, Kea's
 * load-balancing HA) and agree with it on every client's bucket. */
static const uint8_t mx_tbl[256] = {
	251, 175, 119, 215, 81,  14,  79,  191, 103, 49,  181, 143, 186, 157, 0,   232,
	31,  32,  55,  60,  152, 58,  17,  237, 174, 70,  160, 144, 220, 90,  57,  223,
	59,  3,   18,  140, 111, 166, 203, 196, 134, 243, 124, 95,  222, 179, 197, 65,
	180, 48,  36,  15,  107, 46,  233, 130, 165, 30,  123, 161, 209, 23,  97,  16,
	40,  91,  219, 61,  100, 10,  210, 109, 250, 127, 22,  138, 29,  108, 244, 67,
	207, 9,   178, 204, 74,  98,  126, 249, 167, 116, 34,  77,  193, 200, 121, 5,
	20,  113, 71,  35,  128, 13,  182, 94,  25,  226, 227, 199, 75,  27,  41,  245,
	230, 224, 43,  225, 177, 26,  155, 150, 212, 142, 218, 115, 241, 73,  88,  105,
	39,  114, 62,  255, 192, 201, 145, 214, 168, 158, 221, 148, 154, 122, 12,  84,
	82,  163, 44,  139, 228, 236, 205, 242, 217, 11,  187, 146, 159, 64,  86,  239,
	195, 42,  106, 198, 118, 112, 184, 172, 87,  2,   173, 117, 176, 229, 247, 253,
	137, 185, 99,  164, 102, 147, 45,  66,  231, 52,  141, 211, 194, 206, 246, 238,
	56,  110, 78,  248, 63,  240, 189, 93,  92,  51,  53,  183, 19,  171, 72,  50,
	33,  104, 101, 69,  8,   252, 83,  120, 76,  135, 85,  54,  202, 125, 188, 213,
	96,  235, 136, 208, 162, 129, 190, 132, 156, 38,  47,  1,   7,   254, 24,  4,
	216, 131, 89,  21,  28,  133, 37,  153, 149, 80,  170, 68,  6,   169, 234, 151,
};

/* Pearson's hash as RFC 3074 specifies it: seeded with the length, the
 * key taken from its last byte to its first. */
uint8_t rfc3074_hash(const uint8_t *stid, size_t len)
{
	uint8_t h = (uint8_t)len;

	while (len > 0)
		h = mx_tbl[h ^ stid[--len]];
	return h;
}

void rfc3074_config_init(struct rfc3074_config *c)
{
	memset(c, 0, sizeof(*c));
	c->delay_s = 3;
}

static int bucket_num(const char **s, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	n = strtoul(*s, &end, 10);
	if (errno || n > 255)
		return -1;
	*out = (unsigned)n;
	*s = end;
	return 0;
}

/* "0-127", "0-63,128-191", "7": buckets, ranges inclusive. */
static int parse_buckets(const char *v, uint8_t hba[32], char *err, size_t errlen)
{
	const char *s = v;

	memset(hba, 0, 32);
	for (;;) {
		unsigned a, b;

		if (bucket_num(&s, &a) < 0)
			goto bad;
		b = a;
		if (*s == '-') {
			s++;
			if (bucket_num(&s, &b) < 0 || b < a)
				goto bad;
		}
		for (unsigned i = a; i <= b; i++)
			hba[i >> 3] |= (uint8_t)(1u << (i & 7));
		if (!*s)
			return 0;
		if (*s++ != ',')
			goto bad;
	}
bad:
	snprintf(err, errlen, "load-balance-buckets wants buckets 0..255 as ranges, "
		 "e.g. 0-127 or 0-63,128-191, not '%s'", v);
	return -1;
}

int rfc3074_config_set(struct rfc3074_config *c, const char *key, const char *value,
		       char *err, size_t errlen)
{
	if (!strcmp(key, "load-balance-buckets")) {
		if (parse_buckets(value, c->hba, err, errlen) < 0)
			return -1;
		c->enabled = 1;
		return 0;
	}
	if (!strcmp(key, "load-balance-delay")) {
		char *end;
		unsigned long n;

		errno = 0;
		n = strtoul(value, &end, 10);
		if (errno || end == value || *end || !isdigit((unsigned char)*value) || n > 65535) {
			snprintf(err, errlen, "load-balance-delay wants seconds in 0..65535, not '%s'",
				 value);
			return -1;
		}
		c->delay_s = (uint32_t)n;
		return 0;
	}
	snprintf(err, errlen, "unknown option '%s'", key);
	return -1;
}

int rfc3074_in_hba(const struct rfc3074_config *c, uint8_t bucket)
{
	return c->hba[bucket >> 3] >> (bucket & 7) & 1;
}

/* FNV-1a, a hash independent of the bucket hash, for the seen table. */
static uint32_t seen_tag(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h ? h : 1;
}

/*
 * How long has this client been asking?  An entry is a client's current
 * attempt to get an address; one not heard from for SD + 30 s (longer
 * than the largest gap, 32 s, of PXE's 4, 8, 16, 32 s schedule) is a new
 * attempt.  A collision with another
 * client restarts the clock: the worst it does is delay an answer.
 */
static int64_t asking_for(struct rfc3074_seen *seen, uint32_t delay, const uint8_t *stid,
			  size_t len, int64_t now)
{
	uint32_t tag = seen_tag(stid, len);
	struct rfc3074_seen_slot *e = &seen->slot[tag % RFC3074_SEEN_SLOTS];

	if (e->tag != tag || now - e->last > (int64_t)delay + 30 || now < e->first) {
		e->tag = tag;
		e->first = now;
	}
	e->last = now;
	return now - e->first;
}

enum rfc3074_verdict rfc3074_decide(const struct rfc3074_config *c, struct rfc3074_seen *seen,
				    const struct rfc3074_query *q, int64_t now)
{
	if (!c->enabled)
		return LB_OFF;
	if (q->bound_here)
		return LB_BOUND;
	if (rfc3074_in_hba(c, rfc3074_hash(q->stid, q->stid_len)))
		return LB_OURS;
	if (!c->delay_s)
		return LB_PEERS;
	if (q->secs >= c->delay_s)
		return LB_SECS;
	if (seen && asking_for(seen, c->delay_s, q->stid, q->stid_len, now) >= (int64_t)c->delay_s)
		return LB_RETRYING;
	return LB_PEERS;
}

const char *rfc3074_verdict_name(enum rfc3074_verdict v)
{
	switch (v) {
	case LB_OFF:
		return "no load balancing";
	case LB_OURS:
		return "in our buckets";
	case LB_BOUND:
		return "bound to us";
	case LB_SECS:
		return "peer silent (secs)";
	case LB_RETRYING:
		return "peer silent (retrying)";
	case LB_PEERS:
		return "peer's bucket";
	}
	return "?";
}

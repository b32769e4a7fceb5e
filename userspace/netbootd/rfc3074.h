/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc3074.h - two (or more) netbootd servers on one segment, without any
 * shared state: RFC 3074 load balancing.  Each server hashes the client's
 * identifier (option 61, else chaddr) with the RFC's Pearson hash into one
 * of 256 buckets and answers only the clients whose bucket is in its Hash
 * Bucket Assignment (HBA).  The servers' HBAs are configured disjoint and
 * together cover all 256 buckets, so each client is answered by exactly
 * one server; each server hands out only its own part of the pool, so two
 * servers never offer the same address.
 *
 * When a server is down, its clients keep retransmitting.  RFC 3074's
 * Service Delay (SD, defined in its section 2.2) lets the survivor answer a client
 * outside its HBA once the client's secs field reaches SD.  Clients that
 * leave secs at 0 are caught by a small table of when each was first seen
 * asking: the survivor also answers once a client has been retrying for
 * SD seconds.  Pure: no I/O, the table is the caller's.
 */
#ifndef NETBOOTD_RFC3074_H
#define NETBOOTD_RFC3074_H

#include <stddef.h>
#include <stdint.h>

struct rfc3074_config {
	int enabled;			/* load-balance-buckets was given */
	uint8_t hba[32];		/* bit b set: this server answers bucket b */
	uint32_t delay_s;		/* load-balance-delay (SD); 0: never */
};

/* The RFC 3074 section 6 hash of a Service Transaction ID: 0..255. */
uint8_t rfc3074_hash(const uint8_t *stid, size_t len);

void rfc3074_config_init(struct rfc3074_config *c);
/* One load-balance-* key.  0, or -1 with the reason in err. */
int rfc3074_config_set(struct rfc3074_config *c, const char *key, const char *value,
		       char *err, size_t errlen);
int rfc3074_in_hba(const struct rfc3074_config *c, uint8_t bucket);

/* When clients outside our HBA were first seen asking (direct-mapped). */
#define RFC3074_SEEN_SLOTS 4096
struct rfc3074_seen_slot {
	uint32_t tag;			/* a second hash of the STID; 0: empty */
	int64_t first, last;		/* wall seconds */
};
struct rfc3074_seen {
	struct rfc3074_seen_slot slot[RFC3074_SEEN_SLOTS];
};

/* What the decision needs to know about one request. */
struct rfc3074_query {
	const uint8_t *stid;		/* option 61's value, else chaddr */
	size_t stid_len;
	uint16_t secs;			/* the header's secs field */
	int bound_here;			/* it names our server id, or an address
					 * from our own pool: the client already
					 * chose us, the hash does not apply */
};

enum rfc3074_verdict {
	LB_OFF,			/* no load balancing: answer */
	LB_OURS,		/* in our HBA: answer */
	LB_BOUND,		/* already our client: answer */
	LB_SECS,		/* outside our HBA, but secs >= SD: answer */
	LB_RETRYING,		/* outside our HBA, but retrying for SD seconds: answer */
	LB_PEERS,		/* outside our HBA: stay silent, the peer answers */
};

/* Should this server answer?  seen may be NULL (secs alone decides). */
enum rfc3074_verdict rfc3074_decide(const struct rfc3074_config *c, struct rfc3074_seen *seen,
				    const struct rfc3074_query *q, int64_t now);
static inline int rfc3074_answers(enum rfc3074_verdict v)
{
	return v != LB_PEERS;
}
const char *rfc3074_verdict_name(enum rfc3074_verdict v);

#endif /* NETBOOTD_RFC3074_H */

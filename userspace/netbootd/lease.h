/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lease.h - the dynamic lease store: in memory, indexed by address and by
 * client key, backed by an append-only journal of text lines that is
 * compacted (temp file, fsync, rename) when it grows.
 *
 * Durability: a lease is written to the journal (one write()) before the
 * caller acknowledges it, so a kill -9 never loses an acknowledged lease.
 * lease-sync decides when the journal is also fsync'ed:
 *   always  fdatasync after every record, before the reply;
 *   batch   one fdatasync per burst, before any reply of the burst (default);
 *   none    never (survives a daemon crash, not a power cut).
 */
#ifndef NETBOOTD_LEASE_H
#define NETBOOTD_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define LEASE_KEY_MAX 64

enum lease_state { LEASE_FREE, LEASE_OFFERED, LEASE_BOUND, LEASE_DECLINED };

struct lease {
	uint32_t ip;			/* host order */
	uint8_t state;
	uint8_t keylen;
	uint8_t key[LEASE_KEY_MAX];	/* option 61, or htype + chaddr */
	uint8_t mac[6];
	int64_t expires;		/* wall-clock seconds */
	char host[64];
	struct lease *next_ip, *next_key;	/* hash chains */
};

struct lease_store;

/* Replays the journal (bad or torn lines are skipped and logged), then
 * compacts it.  NULL only if the file cannot be created or written. */
struct lease_store *lease_open(const char *path, enum lease_sync sync, int64_t now,
			       char *err, size_t errlen);
void lease_close(struct lease_store *s);
void lease_set_sync(struct lease_store *s, enum lease_sync sync);

/* Builds the client key: option 61 when given, else htype + chaddr. */
size_t lease_key(const uint8_t *cid, size_t cidlen, uint8_t htype,
		 const uint8_t *chaddr, size_t hlen, uint8_t key[LEASE_KEY_MAX]);

struct lease *lease_by_ip(struct lease_store *s, uint32_t ip);
struct lease *lease_by_key(struct lease_store *s, const uint8_t *key, size_t keylen);

/* Active: bound or offered and not expired, or declined and quarantined. */
int lease_active(const struct lease *l, int64_t now);

/* Holds ip for key until expires, in memory only. */
struct lease *lease_offer(struct lease_store *s, uint32_t ip, const uint8_t *key,
			  size_t keylen, const uint8_t mac[6], int64_t expires);
/* Binds and journals (and fsyncs under lease-sync always).  -1 on a
 * write error: the caller must then not acknowledge. */
int lease_bind(struct lease_store *s, uint32_t ip, const uint8_t *key, size_t keylen,
	       const uint8_t mac[6], int64_t expires, const char *host);
int lease_release(struct lease_store *s, uint32_t ip);
int lease_decline(struct lease_store *s, uint32_t ip, int64_t until);

/* fdatasync if records were written since the last sync (lease-sync batch);
 * also compacts when the journal is much larger than the live set. */
int lease_sync(struct lease_store *s);

/*
 * A free address in [first, last] (host order): never leased, or expired.
 * skip(ctx, ip) excludes addresses (static hosts).  Next-fit from the last
 * allocation in that pool, so fresh addresses are used before old ones.
 * Returns 0 if the pool is full.
 */
uint32_t lease_alloc(struct lease_store *s, uint32_t first, uint32_t last, int64_t now,
		     int (*skip)(void *ctx, uint32_t ip), void *ctx);

size_t lease_count(const struct lease_store *s);

#endif /* NETBOOTD_LEASE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lease.h - the lease the kernel took at boot, as /proc/net/ipconfig/lease
 * shows it (kernel/ipconfig patch 0005), or as the command line gives it.
 * Pure: text in, struct out.
 */
#ifndef KEEPER_LEASE_H
#define KEEPER_LEASE_H

#include <stddef.h>
#include <stdint.h>

#define LEASE_INFINITE 0xffffffffu
#define LEASE_DEV_MAX 16		/* IFNAMSIZ */
#define LEASE_CLIENT_ID_MAX 255

/* Which facts a lease holds (a lease file may lack some, options add them). */
enum {
	LF_DEVICE = 1 << 0, LF_ADDRESS = 1 << 1, LF_SERVER = 1 << 2,
	LF_LEASE = 1 << 3, LF_T1 = 1 << 4, LF_T2 = 1 << 5,
	LF_OBTAINED = 1 << 6, LF_CLIENT_ID = 1 << 7,
};
#define LF_REQUIRED (LF_DEVICE | LF_ADDRESS | LF_SERVER | LF_LEASE)

struct keeper_lease {
	unsigned have;			/* LF_* */
	char dev[LEASE_DEV_MAX];
	uint32_t addr;			/* network byte order */
	uint32_t server_id;		/* network byte order */
	uint32_t lease_time, t1, t2;	/* seconds; LEASE_INFINITE: forever */
	int64_t obtained;		/* seconds since boot (CLOCK_BOOTTIME) */
	uint8_t client_id[LEASE_CLIENT_ID_MAX];
	size_t client_id_len;		/* 0: none (the server keys on chaddr) */
};

/* Parse the text of /proc/net/ipconfig/lease ("key value" lines).  An
 * empty text is no lease (have == 0, returns 0).  Returns -1 and a message
 * naming the line on a malformed line; unknown keys are skipped (a later
 * kernel may add some). */
int lease_parse(const char *text, struct keeper_lease *l, char *err, size_t errlen);

/* Set one fact from its text form (the lease file's value syntax, which
 * the command line options share): key is "device", "address",
 * "server-id", "lease-time", "t1", "t2", "obtained" or "client-id".
 * Returns -1 with a message on a bad value or key. */
int lease_set(struct keeper_lease *l, const char *key, const char *value, char *err,
	      size_t errlen);

/* The kernel's rule (ic_lease_times, RFC 2131 4.4.5): an absent (0) or
 * out-of-order T2 becomes 7/8 of the lease, T1 half of it and at most T2;
 * an infinite lease stays infinite. */
void lease_complete_times(uint32_t lease, uint32_t *t1, uint32_t *t2);

/* Client identifier as hex bytes "01:52:54:..." (or "none"); returns the
 * length, or -1 if malformed or longer than max. */
int lease_parse_hex(const char *s, uint8_t *out, size_t max);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - what the DHCP policy tests (test_netbootd_server, _chain,
 * _arch, _rfc3074) share: a scratch directory for the config and the
 * lease journal, a request builder, and one call that runs a request
 * through the real decoder and rfc2131_handle, with no sockets.
 *
 * Header-only, like tap.h: each test is one translation unit, so the
 * state below is that test's own.  Define _GNU_SOURCE before including.
 */
#ifndef NETBOOTD_TEST_FIXTURE_H
#define NETBOOTD_TEST_FIXTURE_H

#include "../../../tests/unit/tap.h"
#include "../config.h"
#include "../lease.h"
#include "../rfc2131.h"
#include "../rfc2132.h"
#include "../rfc951.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

/* The first five bytes of every client's MAC (the sixth is the request's
 * last_mac_byte).  A test may define its own before including this file. */
#ifndef FIXTURE_MAC_PREFIX
#define FIXTURE_MAC_PREFIX "\x52\x54\x00\x12\x34"
#endif

static char dir[] = "/tmp/test_netbootd_XXXXXX";	/* made by fixture_begin */
static char err[512];			/* the last config or decode error */
static struct dhcp_msg m, rm;		/* the last request, and its reply, decoded */
static struct dhcp_reply r;		/* the last reply as built, with its log line */
static struct dhcp_ctx ctx = { .ifname = "br0", .now = 1000000 };

/* Writes TEXT to the file NAME in the scratch directory. */
static inline void put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

/* TEXT as nb.conf, loaded; NULL with the error in err. */
static inline struct config *load(const char *text)
{
	char p[256];

	put("nb.conf", text);
	snprintf(p, sizeof(p), "%s/nb.conf", dir);
	return config_load(p, NULL, err, sizeof(err));
}

/* A fresh lease journal, NAME in the scratch directory, unsynced (a
 * test with two servers gives each its own). */
static inline struct lease_store *open_leases_named(const char *name)
{
	char lp[256];

	snprintf(lp, sizeof(lp), "%s/%s", dir, name);
	unlink(lp);
	return lease_open(lp, SYNC_NONE, ctx.now, err, sizeof(err));
}

static inline struct lease_store *open_leases(void)
{
	return open_leases_named("leases");
}

static inline uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* ---- requests ---- */

struct pkt {
	uint8_t b[1024];
	size_t n;
};

/* A BOOTREQUEST from FIXTURE_MAC_PREFIX:last_mac_byte with the magic
 * cookie; TYPE is the DHCP message type (option 53), 0 for plain BOOTP. */
static inline void start(struct pkt *p, int type, uint8_t last_mac_byte)
{
	memset(p->b, 0, sizeof(p->b));
	p->b[0] = BOOTREQUEST;
	p->b[1] = 1;
	p->b[2] = 6;
	p->b[4] = last_mac_byte;
	memcpy(p->b + 28, FIXTURE_MAC_PREFIX, 5);
	p->b[33] = last_mac_byte;
	memcpy(p->b + 236, "\x63\x82\x53\x63", 4);
	p->n = 240;
	if (type) {
		p->b[p->n++] = DHO_MSG_TYPE;
		p->b[p->n++] = 1;
		p->b[p->n++] = (uint8_t)type;
	}
}

/* Client number ID of many (up to 65536): start() from a MAC whose last
 * two bytes are ID (after FIXTURE_MAC_PREFIX's first four), xid ID, and
 * SECS in the secs field. */
static inline void start_client(struct pkt *p, int type, uint16_t id, uint16_t secs)
{
	start(p, type, (uint8_t)id);
	p->b[5] = (uint8_t)(id >> 8);
	p->b[8] = (uint8_t)(secs >> 8);
	p->b[9] = (uint8_t)secs;
	p->b[32] = (uint8_t)(id >> 8);
}

static inline void opt(struct pkt *p, uint8_t code, const void *v, size_t len)
{
	p->b[p->n++] = code;
	p->b[p->n++] = (uint8_t)len;
	memcpy(p->b + p->n, v, len);
	p->n += len;
}

static inline void opt_ip(struct pkt *p, uint8_t code, const char *a)
{
	uint32_t v = ip(a);

	opt(p, code, &v, 4);
}

/* ---- the policy ---- */

/* Ends P, decodes it into m and runs the policy; the reply is decoded into
 * rm.  rfc2131_handle's result, -2 for a request that does not decode, -3
 * for a reply that does not. */
static inline int run(const struct config *c, struct lease_store *ls, struct pkt *p)
{
	int rc;

	p->b[p->n++] = DHO_END;
	if (dhcp_decode(p->b, p->n, &m, err, sizeof(err)) < 0)
		return -2;
	rc = rfc2131_handle(c, ls, &m, &ctx, &r);
	if (rc == 0 && r.dest != DEST_NONE) {
		r.out.buf[0] = BOOTREQUEST;	/* so the request decoder accepts it */
		if (dhcp_decode(r.out.buf, r.out.len, &rm, err, sizeof(err)) < 0)
			return -3;
		r.out.buf[0] = BOOTREPLY;
	}
	return rc;
}

/* run() for the tests that look at the boot file: the reply's file field,
 * or "(no reply)" / "(bad reply)". */
static inline const char *serve(const struct config *c, struct lease_store *ls, struct pkt *p)
{
	int rc = run(c, ls, p);

	if (rc == -3)
		return "(bad reply)";
	if (rc != 0 || r.dest == DEST_NONE)
		return "(no reply)";
	return rm.h.file;
}

/* ---- main ---- */

/* Makes the scratch directory; 0, or -1 if it cannot. */
static inline int fixture_begin(void)
{
	return mkdtemp(dir) ? 0 : -1;
}

/* Removes the scratch directory; the test's exit status (1 if the
 * directory would not go, without a plan: the run is broken). */
static inline int fixture_end(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}

#endif /* NETBOOTD_TEST_FIXTURE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * chain.c - the two-stage chainload guard (chain.h).
 *
 * A client moves SERVED (a DHCP reply named the chain file) -> LOADED
 * (our TFTP sent it that file) -> free (our TFTP sent it the script).
 * A client that was told the chain file CHAIN_MAX_ACKS times without our
 * TFTP sending it gets the script: better the NIC's own iPXE than a loop.
 * Every stage lasts at most the slot's timeout without progress, so a
 * chain that broke off (a node powered off, a script fetched over HTTP)
 * never pins a client: its next iPXE request starts the chain again.
 * The table is a fixed array scanned linearly: at CHAIN_SLOTS entries that
 * is a few microseconds per DHCP request, and it cannot grow.
 */
#define _GNU_SOURCE
#include "chain.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int live(const struct chain_slot *s, int64_t now)
{
	return s->stage != CHAIN_IDLE && now < s->expires;
}

static struct chain_slot *by_mac(struct chain_table *t, const uint8_t mac[6])
{
	for (size_t i = 0; i < CHAIN_SLOTS; i++)
		if (t->slot[i].stage != CHAIN_IDLE && !memcmp(t->slot[i].mac, mac, 6))
			return &t->slot[i];
	return NULL;
}

enum chain_verdict chain_classify(struct chain_table *t, const uint8_t mac[6], int64_t now,
				  int64_t *since)
{
	struct chain_slot *s = by_mac(t, mac);

	*since = 0;
	if (!s)
		return CHAIN_FIRST;
	if (!live(s, now)) {
		/* It loaded the chain file and never fetched the script (or
		 * never fetched the chain file): whatever runs now starts over. */
		s->stage = CHAIN_IDLE;
		return CHAIN_RESTART;
	}
	if (s->stage != CHAIN_LOADED)	/* the ROM's REQUEST after its OFFER, or a retry */
		return s->acks >= CHAIN_MAX_ACKS ? CHAIN_STUCK : CHAIN_FIRST;
	*since = s->since;
	return CHAIN_SECOND;
}

/* A free or expired slot, else the one closest to expiring. */
static struct chain_slot *victim(struct chain_table *t, int64_t now)
{
	struct chain_slot *best = &t->slot[0];

	for (size_t i = 0; i < CHAIN_SLOTS; i++) {
		struct chain_slot *s = &t->slot[i];

		if (!live(s, now))
			return s;
		if (s->expires < best->expires)
			best = s;
	}
	return best;
}

void chain_tftp_name(const char *name, char *out, size_t outlen)
{
	const char *p = name, *slash;
	size_t n = 0;

	if (!outlen)
		return;
	out[0] = 0;
	if (!strncasecmp(p, "tftp://", 7)) {
		slash = strchr(p + 7, '/');
		if (!slash)
			return;
		p = slash;
	} else if (strstr(p, "://")) {
		return;		/* http://, https://, nfs://: not our TFTP */
	}
	while (*p == '/' || *p == '\\')
		p++;
	/* tftp-hpa's convention, mapped onto the root as tftp_path_map does. */
	if (p != name && !strncmp(p, "tftpboot", 8) && (p[8] == '/' || p[8] == '\\'))
		for (p += 8; *p == '/' || *p == '\\'; p++)
			;
	for (; *p && n + 1 < outlen; p++)
		out[n++] = *p == '\\' ? '/' : *p;
	out[n] = 0;
}

void chain_served(struct chain_table *t, const uint8_t mac[6], uint32_t ip, const char *file,
		  const char *script, int is_ack, int64_t now, uint32_t timeout)
{
	struct chain_slot *s = by_mac(t, mac);

	if (s && !live(s, now))
		s->stage = CHAIN_IDLE;
	if (!s || s->stage == CHAIN_IDLE) {
		s = victim(t, now);
		memset(s, 0, sizeof(*s));
		memcpy(s->mac, mac, 6);
		s->since = now;
	}
	/* A client that has loaded the chain file and is offered it again
	 * (its stage ran out elsewhere) is back at the first stage. */
	if (s->stage == CHAIN_LOADED) {
		s->since = now;
		s->acks = 0;
	}
	s->stage = CHAIN_SERVED;
	if (is_ack && s->acks < 255)
		s->acks++;
	s->ip = ip;
	s->timeout = timeout;
	s->expires = now + timeout;
	chain_tftp_name(file, s->file, sizeof(s->file));
	chain_tftp_name(script, s->script, sizeof(s->script));
}

static void mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

int chain_tftp_done(struct chain_table *t, uint32_t ip, const char *path, int64_t now,
		    char *msg, size_t msglen)
{
	char a[INET_ADDRSTRLEN], m[20];

	for (size_t i = 0; i < CHAIN_SLOTS; i++) {
		struct chain_slot *s = &t->slot[i];

		if (!live(s, now) || s->ip != ip)
			continue;
		inet_ntop(AF_INET, &ip, a, sizeof(a));
		mac_str(s->mac, m, sizeof(m));
		if (s->file[0] && !strcmp(path, s->file)) {
			s->stage = CHAIN_LOADED;
			s->acks = 0;
			s->since = now;
			s->expires = now + s->timeout;
			if (s->script[0])
				snprintf(msg, msglen, "chain: %s (%s) loaded %s: its next iPXE request "
					 "gets %s (for %us)", a, m, s->file, s->script, s->timeout);
			else
				snprintf(msg, msglen, "chain: %s (%s) loaded %s: its next iPXE requests "
					 "get the script for %us (not fetched over our TFTP)", a, m,
					 s->file, s->timeout);
			return 1;
		}
		/* The script ends a chain that reached it: loaded, or given
		 * up on (CHAIN_STUCK), not one whose first stage is running. */
		if (s->script[0] && !strcmp(path, s->script) &&
		    (s->stage == CHAIN_LOADED || s->acks >= CHAIN_MAX_ACKS)) {
			snprintf(msg, msglen, "chain: %s (%s) fetched the script %s %" PRId64
				 "s after %s: chain complete", a, m, s->script, now - s->since, s->file);
			s->stage = CHAIN_IDLE;
			return 1;
		}
		return 0;
	}
	return 0;
}

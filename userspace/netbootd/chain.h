/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chain.h - the two-stage chainload guard (ipxe-chain-file).
 *
 * Sites chainload their own iPXE build: the NIC's PXE ROM fetches it
 * (undionly.kpxe) over TFTP, it asks DHCP again, and this time must get
 * the iPXE script, or it loads itself for ever.  The usual guard, DHCP
 * user class "iPXE", cannot tell the stages apart when the NIC's ROM is
 * an iPXE itself (QEMU/KVM's ROMs, iPXE-based vendor ROMs): both say
 * "iPXE".  netbootd runs DHCP and TFTP in one process, so it knows what
 * no DHCP-only server does: that this client has just fetched the chain
 * file.  That fact, per MAC, is this table: fixed size, entries expire.
 *
 * Pure: no I/O, no clock (callers pass "now"), no globals.
 */
#ifndef NETBOOTD_CHAIN_H
#define NETBOOTD_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#define CHAIN_SLOTS 1024		/* clients in the middle of a chain at once */
#define CHAIN_NAME_MAX 256
/* DHCPACKs naming the chain file without our TFTP seeing it fetched
 * before the client gets the script anyway: the chain file is fetched
 * from elsewhere (next-server), and a loop must not be the result. */
#define CHAIN_MAX_ACKS 3

enum chain_stage {
	CHAIN_IDLE,	/* free slot */
	CHAIN_SERVED,	/* a DHCP reply named the chain file */
	CHAIN_LOADED,	/* our TFTP sent it to the client's address: next is the script */
};

struct chain_slot {
	uint8_t mac[6];
	uint8_t stage;			/* enum chain_stage */
	uint8_t acks;			/* DHCPACKs naming the chain file in this stage */
	uint32_t ip;			/* network order: the address TFTP sees */
	uint32_t timeout;		/* seconds a stage lasts without progress */
	int64_t since;			/* when the current stage began */
	int64_t expires;
	char file[CHAIN_NAME_MAX];	/* the chain file, as TFTP paths compare */
	char script[CHAIN_NAME_MAX];	/* the script the second stage gets */
};

struct chain_table {
	struct chain_slot slot[CHAIN_SLOTS];
};

/* What an iPXE client in a scope with a chain file is. */
enum chain_verdict {
	CHAIN_FIRST,		/* the NIC's own iPXE (or a restart): give the chain file */
	CHAIN_SECOND,		/* fetched the chain file from us: give the script */
	CHAIN_RESTART,		/* as FIRST; its last chain expired without the script */
	CHAIN_STUCK,		/* CHAIN_MAX_ACKS and no fetch seen: give the script */
};

/* Which stage the iPXE client mac is in at now (expired entries go). */
enum chain_verdict chain_classify(struct chain_table *t, const uint8_t mac[6], int64_t now,
				  int64_t *since);

/* A DHCP reply (is_ack: a DHCPACK or BOOTREPLY) named the chain file
 * (file) to mac for address ip (network order); script is what its next
 * stage will get.  Remembered for timeout seconds, so that the TFTP fetch
 * from ip can be recognised.  The oldest entry makes room when the table
 * is full. */
void chain_served(struct chain_table *t, const uint8_t mac[6], uint32_t ip, const char *file,
		  const char *script, int is_ack, int64_t now, uint32_t timeout);

/*
 * Our TFTP finished sending path (tftp_path_map's normalised form) to ip.
 * The chain file moves the client to CHAIN_LOADED; its script ends the
 * chain (the slot is freed, so the next boot starts
 * over).  Returns 1 with a log line in msg when the fetch was a chain
 * step, else 0.
 */
int chain_tftp_done(struct chain_table *t, uint32_t ip, const char *path, int64_t now,
		    char *msg, size_t msglen);

/* A boot file name as TFTP will see it: no tftp://host, no leading '/'
 * or "/tftpboot/" (tftp_path.h), '\' as '/'.  Empty when it is another
 * protocol's URL (http://...): our TFTP never sees that fetch. */
void chain_tftp_name(const char *name, char *out, size_t outlen);

#endif /* NETBOOTD_CHAIN_H */

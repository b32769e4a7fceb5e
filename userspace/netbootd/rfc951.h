/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc951.h - the BOOTP/DHCP packet codec (RFC 951 layout, RFC 2131 cookie
 * and flags, RFC 2132 option 52 overload, RFC 3396 long options).
 * Bytes in, struct out: no I/O, no globals, safe on any input.
 */
#ifndef NETBOOTD_RFC951_H
#define NETBOOTD_RFC951_H

#include <stddef.h>
#include <stdint.h>

#define BOOTP_HDR_LEN 236	/* op .. file */
#define BOOTP_MIN_LEN 300	/* RFC 951 packet size; replies are padded to it */
#define DHCP_MIN_MAX_SIZE 576	/* RFC 2132 9.10: the least a client accepts */
#define DHCP_PKT_MAX 4096	/* larger datagrams are dropped unparsed */
#define BOOTP_BROADCAST 0x8000

enum { BOOTREQUEST = 1, BOOTREPLY = 2 };

/* Fixed header; addresses in network byte order as on the wire. */
struct bootp_hdr {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;		/* host order */
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	char sname[65];			/* NUL-terminated copies */
	char file[129];
};

struct dhcp_msg {
	struct bootp_hdr h;
	int is_dhcp;			/* magic cookie present */
	uint8_t overload;		/* option 52 value, 0 if none */
	int msg_type;			/* option 53, 0 for BOOTP */
	unsigned ignored;		/* malformed non-critical options dropped */
	uint8_t first_ignored;
	/* Option values, concatenated per code (RFC 3396) in data[]. */
	uint16_t off[256], len[256];
	uint8_t present[32];
	uint8_t data[DHCP_PKT_MAX];
};

/*
 * Parses a request.  Returns 0, or -1 with a one-line reason in err for a
 * packet to drop (truncated, not a BOOTREQUEST, hlen > 16, bad option
 * framing, malformed critical option).
 */
int dhcp_decode(const uint8_t *buf, size_t len, struct dhcp_msg *m,
		char *err, size_t errlen);

int dhcp_has(const struct dhcp_msg *m, uint8_t code);
/* Pointer to the value (length in *len), NULL if absent. */
const uint8_t *dhcp_get(const struct dhcp_msg *m, uint8_t code, size_t *len);
/* Fixed-size helpers: 0 and the value, or -1 if absent. */
int dhcp_get_ip(const struct dhcp_msg *m, uint8_t code, uint32_t *ip);
int dhcp_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *v);

/* ---- building replies ---- */

/* The header fields that may carry options (RFC 2132 9.3), in the order
 * a client reads them (RFC 2131 4.1): file, then sname. */
enum { DHCP_OV_FILE, DHCP_OV_SNAME, DHCP_OV_AREAS };

struct dhcp_out {
	uint8_t buf[DHCP_PKT_MAX];
	size_t len;		/* bytes written so far */
	size_t max;		/* the client's limit (UDP payload) */
	unsigned dropped;	/* options that did not fit anywhere */
	unsigned overflowed;	/* options moved into file or sname */
	int ov_free[DHCP_OV_AREAS];	/* field empty, usable for options */
	size_t ov_used[DHCP_OV_AREAS];	/* option bytes placed there */
	size_t ov52;		/* offset of option 52's value, 0 if none */
};

/* Writes the header and, if dhcp, the cookie.  max is the UDP payload the
 * client accepts, clamped to [BOOTP_MIN_LEN, DHCP_PKT_MAX].  A DHCP reply
 * whose file or sname is empty may carry options there (see below). */
void dhcp_out_init(struct dhcp_out *o, const struct bootp_hdr *h, int dhcp, size_t max);
/* Keeps options out of file and sname, for clients that misread them. */
void dhcp_out_no_overload(struct dhcp_out *o);
/*
 * Appends an option, split into 255-byte pieces (RFC 3396).  One that does
 * not fit the options field under the client's limit goes whole into an
 * empty file field, else an empty sname field, announced by option 52
 * (RFC 2132 9.3); 3 bytes of the options field stay free for that while
 * either is usable.  -1 if it fits nowhere (counted in dropped); room is
 * always kept for each area's END option.
 */
int dhcp_out_opt(struct dhcp_out *o, uint8_t code, const void *data, size_t len);
/*
 * Appends options given in priority order, packing them as above, except
 * that an option that could go to file or sname does so when the options
 * field must keep room for later ones too big for those fields.  Use it
 * for a whole reply: one call sees what is still to come.
 */
struct dhcp_out_item {
	uint8_t code;
	const void *data;
	size_t len;
};
void dhcp_out_opts(struct dhcp_out *o, const struct dhcp_out_item *v, size_t n);
/* Appends END (to file and sname too if they hold options), sets option
 * 52's value and pads to BOOTP_MIN_LEN; returns the length to send. */
size_t dhcp_out_finish(struct dhcp_out *o);

#endif /* NETBOOTD_RFC951_H */

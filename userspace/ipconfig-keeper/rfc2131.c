// SPDX-License-Identifier: GPL-2.0
/*
 * rfc2131.c - build the keeper's DHCPREQUEST, parse the DHCPACK/DHCPNAK.
 */
#define _GNU_SOURCE
#include "rfc2131.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCPREQUEST 3

/* Offsets in the BOOTP header (RFC 951). */
enum { OFF_OP = 0, OFF_HTYPE = 1, OFF_HLEN = 2, OFF_XID = 4, OFF_SECS = 8, OFF_CIADDR = 12,
       OFF_YIADDR = 16, OFF_CHADDR = 28, OFF_SNAME = 44, OFF_FILE = 108, OFF_COOKIE = 236,
       OFF_OPTIONS = 240 };

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

/* What the kernel's ipconfig asks for (ic_dhcp_init_options), plus the
 * broadcast address and option 121 that the patched kernel reads. */
static const uint8_t request_list[] = { 1, 3, 6, 12, 15, 17, 26, 28, 40, 42, 51, 58, 59, 121 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t dhcp_build_request(const struct dhcp_request *q, uint8_t *buf, size_t cap)
{
	size_t hl = q->host_name ? strlen(q->host_name) : 0, n;
	/* header, cookie, 53, 55, 61, 12, 57, end */
	size_t need = OFF_OPTIONS + 3 + 2 + sizeof(request_list) +
		      (q->client_id_len ? 2 + q->client_id_len : 0) + (hl ? 2 + (hl > 255 ? 255 : hl) : 0) +
		      4 + 1;

	if (cap < need || q->client_id_len > 255)
		return 0;
	memset(buf, 0, OFF_OPTIONS);
	buf[OFF_OP] = BOOTREQUEST;
	buf[OFF_HTYPE] = 1;	/* Ethernet */
	buf[OFF_HLEN] = 6;
	put32(buf + OFF_XID, q->xid);
	buf[OFF_SECS] = (uint8_t)(q->secs >> 8);
	buf[OFF_SECS + 1] = (uint8_t)q->secs;
	/* flags stay 0: with ciaddr set the server answers by unicast. */
	memcpy(buf + OFF_CIADDR, &q->ciaddr, 4);
	memcpy(buf + OFF_CHADDR, q->chaddr, 6);
	memcpy(buf + OFF_COOKIE, cookie, 4);
	n = OFF_OPTIONS;
	buf[n++] = 53;
	buf[n++] = 1;
	buf[n++] = DHCPREQUEST;
	buf[n++] = 55;
	buf[n++] = sizeof(request_list);
	memcpy(buf + n, request_list, sizeof(request_list));
	n += sizeof(request_list);
	/* 57: we take a reply up to our buffer (the kernel sent none). */
	buf[n++] = 57;
	buf[n++] = 2;
	buf[n++] = DHCP_MSG_MAX >> 8;
	buf[n++] = DHCP_MSG_MAX & 0xff;
	if (hl) {
		if (hl > 255)
			hl = 255;
		buf[n++] = 12;
		buf[n++] = (uint8_t)hl;
		memcpy(buf + n, q->host_name, hl);
		n += hl;
	}
	if (q->client_id_len) {
		buf[n++] = 61;
		buf[n++] = (uint8_t)q->client_id_len;
		memcpy(buf + n, q->client_id, q->client_id_len);
		n += q->client_id_len;
	}
	buf[n++] = 255;
	/* BOOTP relays and old servers expect at least 300 bytes. */
	if (n < 300 && cap >= 300) {
		memset(buf + n, 0, 300 - n);
		n = 300;
	}
	return n;
}

struct walk {
	struct dhcp_reply *r;
	uint8_t seen[256];
	int overload;
	int have_lease, bad_type;
};

static void text(char *dst, const uint8_t *v, size_t len)
{
	size_t i, n = len < DHCP_TEXT_MAX - 1 ? len : DHCP_TEXT_MAX - 1;

	/* Printable ASCII only: these go into console log lines. */
	for (i = 0; i < n; i++)
		dst[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
	dst[n] = 0;
}

static unsigned addrs(uint32_t *dst, const uint8_t *v, size_t len)
{
	unsigned n = 0;

	if (len % 4)
		return 0;
	for (size_t i = 0; i + 4 <= len && n < DHCP_LIST_MAX; i += 4)
		memcpy(&dst[n++], v + i, 4);
	return n;
}

/* RFC 3442 descriptors: width, ceil(width/8) bytes of destination, router. */
static unsigned count_routes(const uint8_t *v, size_t len)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len) {
		size_t w = v[i], step = 1 + (w + 7) / 8 + 4;

		if (w > 32 || i + step > len)
			return n;
		i += step;
		n++;
	}
	return n;
}

static void option(struct walk *w, uint8_t code, const uint8_t *v, size_t len, int in_options)
{
	struct dhcp_reply *r = w->r;

	if (w->seen[code])
		return;		/* the first one counts */
	w->seen[code] = 1;
	switch (code) {
	case 53:
		if (len == 1)
			r->type = v[0];
		else
			w->bad_type = 1;
		break;
	case 54:
		if (len == 4)
			memcpy(&r->server_id, v, 4);
		break;
	case 51:
		if (len == 4) {
			r->lease = get32(v);
			w->have_lease = 1;
		}
		break;
	case 58:
		if (len == 4)
			r->t1 = get32(v);
		break;
	case 59:
		if (len == 4)
			r->t2 = get32(v);
		break;
	case 1:
		if (len == 4)
			memcpy(&r->mask, v, 4);
		break;
	case 3:
		r->nrouters = addrs(r->routers, v, len);
		break;
	case 6:
		r->ndns = addrs(r->dns, v, len);
		break;
	case 26:
		if (len == 2)
			r->mtu = (uint16_t)(v[0] << 8 | v[1]);
		break;
	case 12:
		text(r->host_name, v, len);
		break;
	case 15:
		text(r->domain, v, len);
		break;
	case 17:
		text(r->root_path, v, len);
		break;
	case 56:
		text(r->message, v, len);
		break;
	case 121:
		r->nroutes121 = count_routes(v, len);
		break;
	case 52:
		/* Only the options field may overload file and sname. */
		if (in_options && len == 1 && v[0] >= 1 && v[0] <= 3)
			w->overload = v[0];
		break;
	default:
		break;
	}
}

/* Walk one option area; a truncated option ends it (what came before stays). */
static void walk_area(struct walk *w, const uint8_t *p, size_t len, int in_options)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i];

		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255 || i + 2 > len || i + 2 + p[i + 1] > len)
			return;
		option(w, code, p + i + 2, p[i + 1], in_options);
		i += 2 + (size_t)p[i + 1];
	}
}

int dhcp_parse_reply(const uint8_t *buf, size_t len, uint32_t xid, const uint8_t chaddr[6],
		     struct dhcp_reply *r, char *why, size_t whylen)
{
	struct walk w;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	w.r = r;
	if (len < OFF_OPTIONS || len > DHCP_MSG_MAX) {
		snprintf(why, whylen, "%zu bytes, not a DHCP message", len);
		return -1;
	}
	if (buf[OFF_OP] != BOOTREPLY || buf[OFF_HTYPE] != 1 || buf[OFF_HLEN] != 6) {
		snprintf(why, whylen, "not an Ethernet BOOTREPLY (op %u htype %u hlen %u)", buf[OFF_OP],
			 buf[OFF_HTYPE], buf[OFF_HLEN]);
		return -1;
	}
	if (get32(buf + OFF_XID) != xid || memcmp(buf + OFF_CHADDR, chaddr, 6)) {
		snprintf(why, whylen, "xid %08x or chaddr not ours", get32(buf + OFF_XID));
		return -1;
	}
	if (memcmp(buf + OFF_COOKIE, cookie, 4)) {
		snprintf(why, whylen, "no DHCP magic cookie");
		return -1;
	}
	memcpy(&r->yiaddr, buf + OFF_YIADDR, 4);
	walk_area(&w, buf + OFF_OPTIONS, len - OFF_OPTIONS, 1);
	/* RFC 2131 4.1: file first, then sname. */
	if (w.overload & 1)
		walk_area(&w, buf + OFF_FILE, OFF_COOKIE - OFF_FILE, 0);
	if (w.overload & 2)
		walk_area(&w, buf + OFF_SNAME, OFF_FILE - OFF_SNAME, 0);
	if (w.bad_type || (r->type != DHCPACK && r->type != DHCPNAK)) {
		snprintf(why, whylen, "message type %d, not DHCPACK or DHCPNAK", r->type);
		return -1;
	}
	if (!r->server_id) {
		snprintf(why, whylen, "%s without a server identifier",
			 r->type == DHCPACK ? "DHCPACK" : "DHCPNAK");
		return -1;
	}
	if (r->type == DHCPACK && (!w.have_lease || !r->lease)) {
		snprintf(why, whylen, "DHCPACK without a lease time");
		return -1;
	}
	if (r->type == DHCPACK && !r->yiaddr) {
		snprintf(why, whylen, "DHCPACK without an address (yiaddr 0)");
		return -1;
	}
	return 0;
}

static void add(char *out, size_t outlen, const char *fmt, const char *v)
{
	size_t n = strlen(out);

	if (n < outlen)
		snprintf(out + n, outlen - n, fmt, v);
}

void dhcp_reply_report(const struct dhcp_reply *r, char *out, size_t outlen)
{
	char a[INET_ADDRSTRLEN], num[16];
	unsigned i;

	if (!outlen)
		return;
	out[0] = 0;
	if (r->mask)
		add(out, outlen, " mask %s", inet_ntop(AF_INET, &r->mask, a, sizeof(a)));
	for (i = 0; i < r->nrouters; i++)
		add(out, outlen, i ? ",%s" : " router %s", inet_ntop(AF_INET, &r->routers[i], a, sizeof(a)));
	for (i = 0; i < r->ndns; i++)
		add(out, outlen, i ? ",%s" : " dns %s", inet_ntop(AF_INET, &r->dns[i], a, sizeof(a)));
	if (r->nroutes121) {
		snprintf(num, sizeof(num), "%u", r->nroutes121);
		add(out, outlen, " routes121 %s", num);
	}
	if (r->mtu) {
		snprintf(num, sizeof(num), "%u", r->mtu);
		add(out, outlen, " mtu %s", num);
	}
	if (r->host_name[0])
		add(out, outlen, " host-name %s", r->host_name);
	if (r->domain[0])
		add(out, outlen, " domain %s", r->domain);
	if (r->root_path[0])
		add(out, outlen, " root-path %s", r->root_path);
	if (!out[0])
		snprintf(out, outlen, " none");
}

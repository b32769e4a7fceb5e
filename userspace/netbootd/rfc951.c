// SPDX-License-Identifier: GPL-2.0
/*
 * rfc951.c - BOOTP/DHCP packet decode and encode.
 *
 * Options may sit in three areas: after the cookie, then (RFC 2132 9.3,
 * option 52) in the file and sname fields.  A code that occurs more than
 * once is one value split in pieces (RFC 3396), so decoding is two passes
 * over the same areas: the first sums each code's length, the second
 * copies the pieces into one contiguous value.  Every read is bounded by
 * the area it is in.
 */
#define _GNU_SOURCE
#include "rfc951.h"
#include "rfc2132.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

struct area {
	const uint8_t *p;
	size_t len;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Walks one area.  With sum != NULL, adds lengths; with m != NULL, copies
 * into m->data at m->off[code] + fill[code].  -1 on bad framing. */
static int walk(struct area a, uint16_t *sum, struct dhcp_msg *m, uint16_t *fill,
		char *err, size_t errlen)
{
	size_t i = 0;

	while (i < a.len) {
		uint8_t code = a.p[i], l;

		if (code == DHO_PAD) {
			i++;
			continue;
		}
		if (code == DHO_END)
			return 0;
		if (a.len - i < 2) {
			snprintf(err, errlen, "option %u has no length byte", code);
			return -1;
		}
		l = a.p[i + 1];
		if (a.len - i - 2 < l) {
			snprintf(err, errlen, "option %u (length %u) runs past the end", code, l);
			return -1;
		}
		if (sum) {
			sum[code] = (uint16_t)(sum[code] + l);
		} else {
			memcpy(m->data + m->off[code] + fill[code], a.p + i + 2, l);
			fill[code] = (uint16_t)(fill[code] + l);
			m->present[code / 8] |= (uint8_t)(1u << (code % 8));
		}
		i += 2u + l;
	}
	return 0;	/* a missing END is tolerated: many clients omit it */
}

/* Copies a fixed field as a C string; embedded NULs end it. */
static void field_str(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void drop_option(struct dhcp_msg *m, uint8_t code)
{
	m->present[code / 8] &= (uint8_t)~(1u << (code % 8));
	m->len[code] = 0;
	if (!m->ignored++)
		m->first_ignored = code;
}

int dhcp_decode(const uint8_t *b, size_t len, struct dhcp_msg *m,
		char *err, size_t errlen)
{
	struct area areas[3];
	int nareas = 0;
	uint16_t sum[256] = { 0 }, fill[256] = { 0 };
	size_t total = 0;
	const uint8_t *v;
	size_t vl;

	memset(m, 0, offsetof(struct dhcp_msg, data));
	if (len < BOOTP_HDR_LEN) {
		snprintf(err, errlen, "truncated: %zu bytes, header needs %d", len, BOOTP_HDR_LEN);
		return -1;
	}
	if (len > DHCP_PKT_MAX) {
		snprintf(err, errlen, "oversized: %zu bytes", len);
		return -1;
	}
	m->h.op = b[0];
	m->h.htype = b[1];
	m->h.hlen = b[2];
	m->h.hops = b[3];
	m->h.xid = rd32(b + 4);
	m->h.secs = rd16be(b + 8);
	m->h.flags = rd16be(b + 10);
	m->h.ciaddr = rd32(b + 12);
	m->h.yiaddr = rd32(b + 16);
	m->h.siaddr = rd32(b + 20);
	m->h.giaddr = rd32(b + 24);
	memcpy(m->h.chaddr, b + 28, 16);
	if (m->h.op != BOOTREQUEST) {
		snprintf(err, errlen, "op %u is not BOOTREQUEST", m->h.op);
		return -1;
	}
	if (m->h.hlen > 16 || m->h.hlen == 0) {
		snprintf(err, errlen, "hlen %u out of range 1..16", m->h.hlen);
		return -1;
	}
	if (len >= BOOTP_HDR_LEN + 4 && memcmp(b + BOOTP_HDR_LEN, cookie, 4) == 0) {
		m->is_dhcp = 1;
		areas[nareas++] = (struct area){ b + 240, len - 240 };
	}
	if (m->is_dhcp) {
		/* Find option 52 in the main area first: it says where else to look. */
		if (walk(areas[0], sum, NULL, NULL, err, errlen) < 0)
			return -1;
		if (sum[DHO_OVERLOAD]) {
			size_t i = 0;
			const uint8_t *p = areas[0].p;

			if (sum[DHO_OVERLOAD] != 1) {
				snprintf(err, errlen, "option 52 has length %u", sum[DHO_OVERLOAD]);
				return -1;
			}
			/* Locate its value: the framing was checked by walk(). */
			while (p[i] != DHO_OVERLOAD)
				i += p[i] == DHO_PAD ? 1 : 2u + p[i + 1];
			m->overload = p[i + 2];
			if (m->overload < 1 || m->overload > 3) {
				snprintf(err, errlen, "option 52 value %u not in 1..3", m->overload);
				return -1;
			}
		}
		/* RFC 2131 4.1: file first, then sname. */
		if (m->overload & 1)
			areas[nareas++] = (struct area){ b + 108, 128 };
		if (m->overload & 2)
			areas[nareas++] = (struct area){ b + 44, 64 };
		for (int i = 1; i < nareas; i++)
			if (walk(areas[i], sum, NULL, NULL, err, errlen) < 0)
				return -1;
	}
	if (!(m->overload & 2))
		field_str(m->h.sname, b + 44, 64);
	if (!(m->overload & 1))
		field_str(m->h.file, b + 108, 128);
	for (int c = 0; c < 256; c++) {
		m->off[c] = (uint16_t)total;
		m->len[c] = sum[c];
		total += sum[c];
	}
	/* Sum of pieces never exceeds the packet, which is <= DHCP_PKT_MAX. */
	for (int i = 0; i < nareas; i++)
		walk(areas[i], NULL, m, fill, err, errlen);
	for (int c = 1; c < 255; c++) {
		const struct dhcp_opt_def *d;
		char why[96];

		if (!dhcp_has(m, (uint8_t)c))
			continue;
		if (dhcp_opt_check((uint8_t)c, m->data + m->off[c], m->len[c], why, sizeof(why)) == 0)
			continue;
		d = dhcp_opt_def((uint8_t)c);
		if (d && d->critical) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		drop_option(m, (uint8_t)c);
	}
	v = dhcp_get(m, DHO_MSG_TYPE, &vl);
	if (v) {
		if (v[0] < DHCPDISCOVER || v[0] > DHCPINFORM) {
			snprintf(err, errlen, "unknown message type %u", v[0]);
			return -1;
		}
		m->msg_type = v[0];
	}
	return 0;
}

int dhcp_has(const struct dhcp_msg *m, uint8_t code)
{
	return m->present[code / 8] >> (code % 8) & 1;
}

const uint8_t *dhcp_get(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!dhcp_has(m, code))
		return NULL;
	*len = m->len[code];
	return m->data + m->off[code];
}

int dhcp_get_ip(const struct dhcp_msg *m, uint8_t code, uint32_t *ip)
{
	size_t l;
	const uint8_t *v = dhcp_get(m, code, &l);

	if (!v || l != 4)
		return -1;
	*ip = rd32(v);
	return 0;
}

int dhcp_get_u16(const struct dhcp_msg *m, uint8_t code, uint16_t *val)
{
	size_t l;
	const uint8_t *v = dhcp_get(m, code, &l);

	if (!v || l != 2)
		return -1;
	*val = rd16be(v);
	return 0;
}

/* ---- encode ---- */

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void wr16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void dhcp_out_init(struct dhcp_out *o, const struct bootp_hdr *h, int dhcp, size_t max)
{
	uint8_t *b = o->buf;

	if (max < BOOTP_MIN_LEN)
		max = BOOTP_MIN_LEN;
	if (max > DHCP_PKT_MAX)
		max = DHCP_PKT_MAX;
	memset(b, 0, BOOTP_MIN_LEN);
	o->max = max;
	o->dropped = 0;
	o->overflowed = 0;
	o->ov52 = 0;
	o->ov_used[DHCP_OV_FILE] = 0;
	o->ov_used[DHCP_OV_SNAME] = 0;
	/* BOOTP clients know no option 52: their fields stay fields. */
	o->ov_free[DHCP_OV_FILE] = dhcp && !h->file[0];
	o->ov_free[DHCP_OV_SNAME] = dhcp && !h->sname[0];
	b[0] = h->op;
	b[1] = h->htype;
	b[2] = h->hlen > 16 ? 16 : h->hlen;
	b[3] = h->hops;
	wr32(b + 4, h->xid);
	wr16be(b + 8, h->secs);
	wr16be(b + 10, h->flags);
	wr32(b + 12, h->ciaddr);
	wr32(b + 16, h->yiaddr);
	wr32(b + 20, h->siaddr);
	wr32(b + 24, h->giaddr);
	memcpy(b + 28, h->chaddr, 16);
	memcpy(b + 44, h->sname, strnlen(h->sname, 64));
	memcpy(b + 108, h->file, strnlen(h->file, 128));
	if (dhcp) {
		memcpy(b + BOOTP_HDR_LEN, cookie, 4);
		o->len = 240;
	} else {
		/* BOOTP: a vendor area of zeros after the header. */
		o->len = BOOTP_HDR_LEN;
	}
}

void dhcp_out_no_overload(struct dhcp_out *o)
{
	o->ov_free[DHCP_OV_FILE] = o->ov_free[DHCP_OV_SNAME] = 0;
}

/* Where each overload area lives in the header, and its size. */
static const struct {
	size_t off, size;
	uint8_t bit;
} ov_area[DHCP_OV_AREAS] = {
	[DHCP_OV_FILE] = { 108, 128, 1 },
	[DHCP_OV_SNAME] = { 44, 64, 2 },
};

/* Writes code/len pieces of data at p; returns the bytes written. */
static size_t put_pieces(uint8_t *p, uint8_t code, const uint8_t *d, size_t len)
{
	size_t w = 0;

	do {
		size_t n = len > 255 ? 255 : len;

		p[w++] = code;
		p[w++] = (uint8_t)n;
		if (n)
			memcpy(p + w, d, n);
		w += n;
		d += n;
		len -= n;
	} while (len);
	return w;
}

static size_t opt_need(size_t len)
{
	return 2 * (len ? (len + 254) / 255 : 1) + len;
}

/* The most option bytes (code and length included) one area still takes. */
static size_t overflow_room(const struct dhcp_out *o)
{
	size_t best = 0;

	for (int a = 0; a < DHCP_OV_AREAS; a++)
		if (o->ov_free[a] && ov_area[a].size > o->ov_used[a] + 1 &&
		    ov_area[a].size - o->ov_used[a] - 1 > best)
			best = ov_area[a].size - o->ov_used[a] - 1;
	return best;
}

/* Places one option; keep is room in the options field that later
 * options, too big for file or sname, will need. */
static int place(struct dhcp_out *o, uint8_t code, const void *data, size_t len, size_t keep)
{
	size_t need = opt_need(len);
	int can_overload = o->ov_free[DHCP_OV_FILE] || o->ov_free[DHCP_OV_SNAME];
	/* END always; 3 more for option 52 while it may still be needed. */
	size_t reserve = 1 + (can_overload && !o->ov52 ? 3 : 0);
	int area = -1;

	if (o->len < 240) {
		o->dropped++;
		return -1;
	}
	if (o->len + need + reserve + keep <= o->max) {
		o->len += put_pieces(o->buf + o->len, code, data, len);
		return 0;
	}
	for (int a = 0; a < DHCP_OV_AREAS && area < 0; a++)
		if (o->ov_free[a] && o->ov_used[a] + need + 1 <= ov_area[a].size)
			area = a;
	if (area >= 0 && (o->ov52 || o->len + 3 + 1 <= o->max)) {
		if (!o->ov52) {
			o->buf[o->len++] = DHO_OVERLOAD;
			o->buf[o->len++] = 1;
			o->ov52 = o->len++;
		}
		o->ov_used[area] += put_pieces(o->buf + ov_area[area].off + o->ov_used[area],
					       code, data, len);
		o->overflowed++;
		return 0;
	}
	/* Fits nowhere else: the options field's last bytes, if any. */
	if (o->len + need + 1 <= o->max) {
		o->len += put_pieces(o->buf + o->len, code, data, len);
		return 0;
	}
	o->dropped++;
	return -1;
}

int dhcp_out_opt(struct dhcp_out *o, uint8_t code, const void *data, size_t len)
{
	return place(o, code, data, len, 0);
}

void dhcp_out_opts(struct dhcp_out *o, const struct dhcp_out_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t room = overflow_room(o), keep = 0;

		/* Options that only the options field can hold claim their
		 * room first, so smaller ones ahead of them overflow instead
		 * of crowding them out. */
		for (size_t j = i + 1; j < n; j++)
			if (opt_need(v[j].len) > room)
				keep += opt_need(v[j].len);
		place(o, v[i].code, v[i].data, v[i].len, keep);
	}
}

size_t dhcp_out_finish(struct dhcp_out *o)
{
	if (o->ov52) {
		uint8_t v = 0;

		for (int a = 0; a < DHCP_OV_AREAS; a++)
			if (o->ov_used[a]) {
				/* The rest of the field is already zero: PAD. */
				o->buf[ov_area[a].off + o->ov_used[a]] = DHO_END;
				v |= ov_area[a].bit;
			}
		o->buf[o->ov52] = v;
	}
	if (o->len >= 240)
		o->buf[o->len++] = DHO_END;
	if (o->len < BOOTP_MIN_LEN) {
		memset(o->buf + o->len, 0, BOOTP_MIN_LEN - o->len);
		o->len = BOOTP_MIN_LEN;
	}
	return o->len;
}

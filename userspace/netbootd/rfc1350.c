// SPDX-License-Identifier: GPL-2.0
/*
 * rfc1350.c - TFTP packets (RFC 1350) and netascii.  Every length comes
 * from the network, so every read is bounded by the packet length and
 * every write by the caller's capacity.
 */
#include <string.h>
#include <strings.h>

#include "tftp_proto.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A NUL-terminated string inside [p, p+len): its length, or -1 when the
 * terminator is missing (a truncated or hostile packet). */
static long cstr_len(const uint8_t *p, size_t len)
{
	const uint8_t *z = memchr(p, 0, len);

	return z ? (long)(z - p) : -1;
}

const char *tftp_op_name(unsigned op)
{
	static const char *const names[] = { "?", "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK" };

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *req,
		       const char **why)
{
	const uint8_t *p;
	size_t left;
	long nl, ml;
	char mode[16];

	memset(req, 0, sizeof(*req));
	req->opts.tsize = -1;
	*why = NULL;
	if (len < 2) {
		*why = "runt packet";
		return TFTP_EBADOP;
	}
	req->op = (enum tftp_op)get16(pkt);
	if (req->op != TFTP_RRQ && req->op != TFTP_WRQ) {
		*why = "not a request";
		return TFTP_EBADOP;
	}
	p = pkt + 2;
	left = len - 2;
	nl = cstr_len(p, left);
	if (nl < 0) {
		*why = "filename not terminated";
		return TFTP_EBADOP;
	}
	if (nl == 0) {
		*why = "empty filename";
		return TFTP_EBADOP;
	}
	if (nl > TFTP_NAME_MAX) {
		*why = "filename too long";
		return TFTP_EACCESS;
	}
	memcpy(req->name, p, (size_t)nl);
	req->name[nl] = '\0';
	req->name_len = (size_t)nl;
	p += nl + 1;
	left -= (size_t)nl + 1;
	ml = cstr_len(p, left);
	if (ml < 0) {
		*why = "mode not terminated";
		return TFTP_EBADOP;
	}
	if ((size_t)ml >= sizeof(mode)) {
		*why = "unknown mode";
		return TFTP_EBADOP;
	}
	memcpy(mode, p, (size_t)ml);
	mode[ml] = '\0';
	if (strcasecmp(mode, "octet") == 0) {
		req->mode = TFTP_MODE_OCTET;
	} else if (strcasecmp(mode, "netascii") == 0) {
		req->mode = TFTP_MODE_NETASCII;
	} else {
		/* "mail" is obsolete (RFC 1350 says servers need not do it). */
		*why = "unsupported mode";
		return TFTP_EBADOP;
	}
	p += ml + 1;
	left -= (size_t)ml + 1;
	return tftp_parse_options(p, left, &req->opts, &req->unknown_opts, why);
}

int tftp_parse_packet(const uint8_t *pkt, size_t len, struct tftp_packet *p,
		      const char **why)
{
	memset(p, 0, sizeof(*p));
	*why = NULL;
	if (len < 4) {
		*why = "runt packet";
		return TFTP_EBADOP;
	}
	p->op = (enum tftp_op)get16(pkt);
	switch (p->op) {
	case TFTP_DATA:
	case TFTP_ACK:
		p->block = get16(pkt + 2);
		p->data = pkt + 4;
		p->data_len = len - 4;
		if (p->op == TFTP_ACK && len != 4)
			p->data_len = 0;	/* trailing bytes on an ACK are harmless */
		return 0;
	case TFTP_ERROR:
		p->error = get16(pkt + 2);
		p->data = pkt + 4;
		p->data_len = len - 4;
		return 0;
	default:
		*why = "unexpected opcode in transfer";
		return TFTP_EBADOP;
	}
}

size_t tftp_encode_ack(uint8_t *buf, size_t cap, uint16_t block)
{
	if (cap < 4)
		return 0;
	put16(buf, TFTP_ACK);
	put16(buf + 2, block);
	return 4;
}

size_t tftp_encode_data_hdr(uint8_t *buf, size_t cap, uint16_t block)
{
	if (cap < 4)
		return 0;
	put16(buf, TFTP_DATA);
	put16(buf + 2, block);
	return 4;
}

size_t tftp_encode_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg)
{
	size_t ml = strlen(msg);

	if (cap < 5)
		return 0;
	if (ml > cap - 5)
		ml = cap - 5;	/* a truncated message beats no error at all */
	put16(buf, TFTP_ERROR);
	put16(buf + 2, code);
	memcpy(buf + 4, msg, ml);
	buf[4 + ml] = 0;
	return 5 + ml;
}

size_t tftp_netascii_encode(const uint8_t *in, size_t inlen, size_t *consumed,
			    uint8_t *out, size_t outcap, int *carry)
{
	size_t i = 0, o = 0;

	if (*carry >= 0 && o < outcap) {
		out[o++] = (uint8_t)*carry;
		*carry = -1;
	}
	while (i < inlen && o < outcap) {
		uint8_t c = in[i++];

		if (c == '\n' || c == '\r') {
			out[o++] = '\r';
			/* The pair's second byte waits for the next block. */
			if (o < outcap)
				out[o++] = c == '\n' ? '\n' : '\0';
			else
				*carry = c == '\n' ? '\n' : '\0';
		} else {
			out[o++] = c;
		}
	}
	*consumed = i;
	return o;
}

size_t tftp_netascii_decode(const uint8_t *in, size_t inlen, uint8_t *out,
			    int *pending_cr)
{
	size_t i, o = 0;

	for (i = 0; i < inlen; i++) {
		uint8_t c = in[i];

		if (*pending_cr) {
			*pending_cr = 0;
			if (c == '\n') {
				out[o++] = '\n';
				continue;
			}
			out[o++] = '\r';
			if (c == '\0')
				continue;
		}
		if (c == '\r')
			*pending_cr = 1;
		else
			out[o++] = c;
	}
	return o;
}

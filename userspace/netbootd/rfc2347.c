// SPDX-License-Identifier: GPL-2.0
/*
 * rfc2347.c - TFTP option negotiation: RFC 2347 (OACK), RFC 2348 blksize,
 * RFC 2349 timeout and tsize, RFC 7440 windowsize.
 *
 * The RFCs let a server ignore any option it does not like; the client then
 * uses the RFC 1350 default.  So a malformed or out-of-range value is left
 * out of the OACK instead of failing the request: old PXE ROMs send odd
 * values and still have to boot.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tftp_proto.h"

/* A decimal option value: digits only, at most 18 (fits int64_t); -1 if bad. */
static int64_t parse_uint(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int tftp_parse_options(const uint8_t *p, size_t len, struct tftp_opts *o,
		       unsigned *unknown, const char **why)
{
	const uint8_t *end = p + len;

	*why = NULL;
	while (p < end) {
		const uint8_t *nz = memchr(p, 0, (size_t)(end - p));
		const uint8_t *v, *vz;
		size_t nlen, vlen;
		int64_t val;

		if (!nz) {
			/* Some clients pad requests; trailing garbage without a
			 * terminator is not an option, so stop here. */
			break;
		}
		nlen = (size_t)(nz - p);
		v = nz + 1;
		vz = v < end ? memchr(v, 0, (size_t)(end - v)) : NULL;
		if (!vz) {
			if (nlen == 0)
				break;	/* trailing NUL padding */
			*why = "option without value";
			return TFTP_EOPTNEG;
		}
		vlen = (size_t)(vz - v);
		val = parse_uint((const char *)v, vlen);
		/* First occurrence wins: a repeated option cannot override. */
		if (nlen == 7 && strncasecmp((const char *)p, "blksize", 7) == 0) {
			if (!o->blksize && val >= TFTP_BLKSIZE_MIN)
				o->blksize = val > TFTP_BLKSIZE_MAX ? TFTP_BLKSIZE_MAX : (unsigned)val;
		} else if (nlen == 7 && strncasecmp((const char *)p, "timeout", 7) == 0) {
			if (!o->timeout_s && val >= 1 && val <= 255)
				o->timeout_s = (unsigned)val;
		} else if (nlen == 5 && strncasecmp((const char *)p, "tsize", 5) == 0) {
			if (o->tsize < 0 && val >= 0)
				o->tsize = val;
		} else if (nlen == 10 && strncasecmp((const char *)p, "windowsize", 10) == 0) {
			if (!o->windowsize && val >= 1 && val <= TFTP_WINDOW_MAX)
				o->windowsize = (unsigned)val;
		} else {
			(*unknown)++;
		}
		p = vz + 1;
	}
	return 0;
}

void tftp_negotiate(const struct tftp_opts *req, const struct tftp_limits *lim,
		    int64_t tsize_value, struct tftp_granted *g)
{
	memset(g, 0, sizeof(*g));
	g->acked.tsize = -1;
	g->blksize = TFTP_BLKSIZE_DEFAULT;
	g->windowsize = 1;
	g->timeout_s = lim->timeout_default_s;
	g->tsize = -1;
	if (req->blksize) {
		/* RFC 2348: the server may answer with a smaller size. */
		g->blksize = req->blksize < lim->blksize_max ? req->blksize : lim->blksize_max;
		if (g->blksize < TFTP_BLKSIZE_MIN)
			g->blksize = TFTP_BLKSIZE_MIN;
		g->acked.blksize = g->blksize;
	}
	if (req->timeout_s) {
		g->timeout_s = req->timeout_s;
		g->acked.timeout_s = req->timeout_s;
	}
	if (req->windowsize && lim->window_max) {
		g->windowsize = req->windowsize < lim->window_max ? req->windowsize : lim->window_max;
		g->acked.windowsize = g->windowsize;
	}
	if (req->tsize >= 0 && tsize_value >= 0) {
		g->tsize = tsize_value;
		g->acked.tsize = tsize_value;
	}
	g->any = g->acked.blksize || g->acked.timeout_s || g->acked.windowsize ||
		 g->acked.tsize >= 0;
}

/* name\0value\0, bounded by cap; returns the new offset or 0 when full. */
static size_t put_opt(uint8_t *buf, size_t off, size_t cap, const char *name,
		      unsigned long long v)
{
	char val[24];
	size_t nl = strlen(name);
	int vl = snprintf(val, sizeof(val), "%llu", v);

	if (off == 0 || vl < 0 || off + nl + 1 + (size_t)vl + 1 > cap)
		return 0;
	memcpy(buf + off, name, nl + 1);
	off += nl + 1;
	memcpy(buf + off, val, (size_t)vl + 1);
	return off + (size_t)vl + 1;
}

static size_t put_opts(uint8_t *buf, size_t off, size_t cap, const struct tftp_opts *o)
{
	if (o->blksize)
		off = put_opt(buf, off, cap, "blksize", o->blksize);
	if (o->timeout_s)
		off = put_opt(buf, off, cap, "timeout", o->timeout_s);
	if (o->tsize >= 0)
		off = put_opt(buf, off, cap, "tsize", (unsigned long long)o->tsize);
	if (o->windowsize)
		off = put_opt(buf, off, cap, "windowsize", o->windowsize);
	return off;
}

size_t tftp_encode_oack(uint8_t *buf, size_t cap, const struct tftp_granted *g)
{
	if (cap < 2)
		return 0;
	buf[0] = 0;
	buf[1] = TFTP_OACK;
	return put_opts(buf, 2, cap, &g->acked);
}

size_t tftp_encode_request(uint8_t *buf, size_t cap, enum tftp_op op, const char *name,
			   const char *mode, const struct tftp_opts *o)
{
	size_t nl = strlen(name), ml = strlen(mode), off;

	if (cap < 2 + nl + 1 + ml + 1)
		return 0;
	buf[0] = 0;
	buf[1] = (uint8_t)op;
	memcpy(buf + 2, name, nl + 1);
	memcpy(buf + 3 + nl, mode, ml + 1);
	off = 4 + nl + ml;
	return o ? put_opts(buf, off, cap, o) : off;
}

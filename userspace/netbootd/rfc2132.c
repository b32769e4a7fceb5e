// SPDX-License-Identifier: GPL-2.0
/*
 * rfc2132.c - DHCP options: the one table, and the per-type code that
 * checks, prints and parses values.  Pure functions, no I/O.
 */
#define _GNU_SOURCE
#include "rfc2132.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANY 0xffff

/* code, name, type, min, max, unit, critical.  Critical options steer the
 * state machine (message type, requested address, server id, client id,
 * overload): a malformed one makes the whole packet untrustworthy. */
static const struct dhcp_opt_def defs[] = {
	{ 1, "subnet-mask", OT_IPV4, 4, 4, 4, 0 },
	{ 2, "time-offset", OT_U32, 4, 4, 4, 0 },
	{ 3, "routers", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 6, "domain-name-servers", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 7, "log-servers", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 12, "host-name", OT_STRING, 1, ANY, 1, 0 },
	{ 15, "domain-name", OT_STRING, 1, ANY, 1, 0 },
	{ 17, "root-path", OT_STRING, 1, ANY, 1, 0 },
	{ 26, "interface-mtu", OT_U16, 2, 2, 2, 0 },
	{ 28, "broadcast-address", OT_IPV4, 4, 4, 4, 0 },
	{ 40, "nis-domain", OT_STRING, 1, ANY, 1, 0 },
	{ 41, "nis-servers", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 42, "ntp-servers", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 43, "vendor-encapsulated-options", OT_BINARY, 1, ANY, 1, 0 },
	{ 50, "requested-address", OT_IPV4, 4, 4, 4, 1 },
	{ 51, "lease-time", OT_U32, 4, 4, 4, 0 },
	{ 52, "overload", OT_U8, 1, 1, 1, 1 },
	{ 53, "message-type", OT_U8, 1, 1, 1, 1 },
	{ 54, "server-identifier", OT_IPV4, 4, 4, 4, 1 },
	{ 55, "parameter-request-list", OT_U8_LIST, 1, ANY, 1, 0 },
	{ 56, "message", OT_STRING, 1, ANY, 1, 0 },
	{ 57, "max-message-size", OT_U16, 2, 2, 2, 0 },
	{ 58, "renewal-time", OT_U32, 4, 4, 4, 0 },
	{ 59, "rebinding-time", OT_U32, 4, 4, 4, 0 },
	{ 60, "vendor-class-identifier", OT_STRING, 1, ANY, 1, 0 },
	{ 61, "client-identifier", OT_BINARY, 2, ANY, 1, 1 },
	{ 66, "tftp-server-name", OT_STRING, 1, ANY, 1, 0 },
	{ 67, "bootfile-name", OT_STRING, 1, ANY, 1, 0 },
	{ 77, "user-class", OT_BINARY, 1, ANY, 1, 0 },
	{ 82, "relay-agent-information", OT_BINARY, 2, ANY, 1, 0 },
	{ 93, "client-arch", OT_U16_LIST, 2, ANY, 2, 0 },
	{ 94, "client-ndi", OT_BINARY, 3, 3, 1, 0 },
	{ 97, "uuid-guid", OT_BINARY, 1, ANY, 1, 0 },
	{ 119, "domain-search", OT_BINARY, 1, ANY, 1, 0 },
	{ 121, "classless-static-routes", OT_ROUTES, 5, ANY, 1, 0 },
	{ 150, "tftp-server-address", OT_IPV4_LIST, 4, ANY, 4, 0 },
	{ 175, "ipxe-encap", OT_BINARY, 1, ANY, 1, 0 },
	{ 209, "pxelinux-configfile", OT_STRING, 1, ANY, 1, 0 },
	{ 210, "pxelinux-pathprefix", OT_STRING, 1, ANY, 1, 0 },
};

const struct dhcp_opt_def *dhcp_opt_def(uint8_t code)
{
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (defs[i].code == code)
			return &defs[i];
	return NULL;
}

const struct dhcp_opt_def *dhcp_opt_by_name(const char *name)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || *end || end == name || v < 1 || v > 254)
		return NULL;
	if (dhcp_opt_def((uint8_t)v))
		return dhcp_opt_def((uint8_t)v);
	{
		/* An unknown code is opaque bytes; one static row serves all. */
		static struct dhcp_opt_def raw = { 0, "raw", OT_BINARY, 1, ANY, 1, 0 };

		raw.code = (uint8_t)v;
		return &raw;
	}
}

const char *dhcp_msg_name(int type)
{
	static const char *const names[] = {
		"DHCP?", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPDECLINE",
		"DHCPACK", "DHCPNAK", "DHCPRELEASE", "DHCPINFORM",
	};

	return type >= 1 && type <= 8 ? names[type] : names[0];
}

/* RFC 3442: (width, significant destination octets, router) tuples. */
static int routes_check(const uint8_t *d, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned w = d[i];
		size_t need = 1 + (w + 7) / 8 + 4;

		if (w > 32 || len - i < need)
			return -1;
		i += need;
	}
	return 0;
}

int dhcp_opt_check(uint8_t code, const uint8_t *data, size_t len,
		   char *err, size_t errlen)
{
	const struct dhcp_opt_def *d = dhcp_opt_def(code);

	if (!d)
		return 0;
	if (len < d->min_len || len > d->max_len || len % d->unit) {
		snprintf(err, errlen, "option %u (%s) has length %zu", code, d->name, len);
		return -1;
	}
	if (d->type == OT_ROUTES && routes_check(data, len) < 0) {
		snprintf(err, errlen, "option %u (%s) is not a valid route list", code, d->name);
		return -1;
	}
	return 0;
}

static size_t put(char *out, size_t outlen, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Appends with snprintf semantics; the position saturates at outlen. */
static size_t put(char *out, size_t outlen, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (pos >= outlen)
		return outlen;
	va_start(ap, fmt);
	n = vsnprintf(out + pos, outlen - pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return outlen;
	return pos + (size_t)n >= outlen ? outlen : pos + (size_t)n;
}

static size_t put_ip(char *out, size_t outlen, size_t pos, const uint8_t *a)
{
	return put(out, outlen, pos, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void dhcp_opt_format(uint8_t code, const uint8_t *d, size_t len,
		     char *out, size_t outlen)
{
	const struct dhcp_opt_def *def = dhcp_opt_def(code);
	enum dhcp_opt_type t = def ? def->type : OT_BINARY;
	size_t pos = 0;
	char e[8];

	if (!outlen)
		return;
	out[0] = 0;
	if (def && dhcp_opt_check(code, d, len, e, sizeof(e)) < 0)
		t = OT_BINARY;	/* never interpret a malformed value */
	switch (t) {
	case OT_IPV4:
	case OT_IPV4_LIST:
		for (size_t i = 0; i + 4 <= len; i += 4) {
			pos = put(out, outlen, pos, i ? "," : "");
			pos = put_ip(out, outlen, pos, d + i);
		}
		break;
	case OT_U8:
	case OT_U8_LIST:
		for (size_t i = 0; i < len; i++)
			pos = put(out, outlen, pos, "%s%u", i ? "," : "", d[i]);
		break;
	case OT_U16:
	case OT_U16_LIST:
		for (size_t i = 0; i + 2 <= len; i += 2)
			pos = put(out, outlen, pos, "%s%u", i ? "," : "",
				  (unsigned)(d[i] << 8 | d[i + 1]));
		break;
	case OT_U32:
		pos = put(out, outlen, pos, "%lu", (unsigned long)d[0] << 24 |
			  (unsigned long)d[1] << 16 | (unsigned long)d[2] << 8 | d[3]);
		break;
	case OT_STRING:
		for (size_t i = 0; i < len; i++)
			pos = put(out, outlen, pos, "%c", isprint(d[i]) ? d[i] : '?');
		break;
	case OT_ROUTES:
		for (size_t i = 0; i < len;) {
			uint8_t dst[4] = { 0 };
			unsigned w = d[i], n = (w + 7) / 8;

			memcpy(dst, d + i + 1, n);
			pos = put(out, outlen, pos, i ? "," : "");
			pos = put_ip(out, outlen, pos, dst);
			pos = put(out, outlen, pos, "/%u via ", w);
			pos = put_ip(out, outlen, pos, d + i + 1 + n);
			i += 1 + n + 4;
		}
		break;
	case OT_BINARY:
		for (size_t i = 0; i < len; i++)
			pos = put(out, outlen, pos, "%s%02x", i ? ":" : "", d[i]);
		break;
	}
}

/* ---- config text to wire bytes ---- */

static int parse_ip(const char *s, const char *end, uint8_t *out)
{
	unsigned v[4];
	char buf[16], tail;
	size_t n = (size_t)(end - s);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (sscanf(buf, "%u.%u.%u.%u%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (v[i] > 255)
			return -1;
		out[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_uint(const char *s, const char *end, unsigned long max, unsigned long *v)
{
	char buf[24], *e;
	size_t n = (size_t)(end - s);

	if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	*v = strtoul(buf, &e, 0);
	return errno || *e || *v > max ? -1 : 0;
}

/* One comma-separated item of a list value. */
static int parse_item(enum dhcp_opt_type t, const char *s, const char *end,
		      uint8_t *out, size_t room)
{
	unsigned long v;

	switch (t) {
	case OT_IPV4:
	case OT_IPV4_LIST:
		return room < 4 || parse_ip(s, end, out) < 0 ? -1 : 4;
	case OT_U8:
	case OT_U8_LIST:
		if (room < 1 || parse_uint(s, end, 0xff, &v) < 0)
			return -1;
		out[0] = (uint8_t)v;
		return 1;
	case OT_U16:
	case OT_U16_LIST:
		if (room < 2 || parse_uint(s, end, 0xffff, &v) < 0)
			return -1;
		out[0] = (uint8_t)(v >> 8);
		out[1] = (uint8_t)v;
		return 2;
	case OT_U32:
		if (room < 4 || parse_uint(s, end, 0xffffffffUL, &v) < 0)
			return -1;
		out[0] = (uint8_t)(v >> 24);
		out[1] = (uint8_t)(v >> 16);
		out[2] = (uint8_t)(v >> 8);
		out[3] = (uint8_t)v;
		return 4;
	case OT_ROUTES: {
		/* "dest/width router" */
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *sp = slash ? memchr(slash, ' ', (size_t)(end - slash)) : NULL;
		uint8_t dst[4], gw[4];
		unsigned long w;
		size_t n;

		if (!slash || !sp || parse_ip(s, slash, dst) < 0 ||
		    parse_uint(slash + 1, sp, 32, &w) < 0)
			return -1;
		while (sp < end && *sp == ' ')
			sp++;
		if (parse_ip(sp, end, gw) < 0)
			return -1;
		n = (w + 7) / 8;
		if (room < 1 + n + 4)
			return -1;
		out[0] = (uint8_t)w;
		memcpy(out + 1, dst, n);
		memcpy(out + 1 + n, gw, 4);
		return (int)(1 + n + 4);
	}
	case OT_BINARY: {
		/* one or two hex digits per byte, colon-separated */
		char hex[3] = { 0 }, *e;

		if (room < 1 || end - s < 1 || end - s > 2)
			return -1;
		memcpy(hex, s, (size_t)(end - s));
		out[0] = (uint8_t)strtoul(hex, &e, 16);
		return *e || !isxdigit((unsigned char)hex[0]) ? -1 : 1;
	}
	case OT_STRING:
		break;
	}
	return -1;
}

int dhcp_opt_parse_value(const struct dhcp_opt_def *d, const char *text,
			 uint8_t *out, size_t outlen, char *err, size_t errlen)
{
	size_t len = 0;
	char sep = d->type == OT_BINARY ? ':' : ',';
	const char *s = text;

	if (d->type == OT_STRING) {
		len = strlen(text);
		if (len > outlen || len > 255) {
			snprintf(err, errlen, "%s: value longer than 255 bytes", d->name);
			return -1;
		}
		memcpy(out, text, len);
	} else {
		for (;;) {
			const char *end = strchr(s, sep);
			int n;

			if (!end)
				end = s + strlen(s);
			while (s < end && *s == ' ')
				s++;
			while (end > s && end[-1] == ' ')
				end--;
			n = parse_item(d->type, s, end, out + len, outlen - len);
			if (n < 0) {
				snprintf(err, errlen, "%s: bad value '%s'", d->name, text);
				return -1;
			}
			len += (size_t)n;
			s = strchr(s, sep);
			if (!s)
				break;
			s++;
		}
	}
	if (dhcp_opt_check(d->code, out, len, err, errlen) < 0)
		return -1;
	return (int)len;
}

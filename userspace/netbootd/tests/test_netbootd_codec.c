// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_codec.c - the DHCP/BOOTP and RARP codecs on hand-built
 * packets: well-formed, overloaded, split, and every kind of malformed.
 */
#include "../../../tests/unit/tap.h"
#include "../rfc2132.h"
#include "../rfc903.h"
#include "../rfc951.h"

#include <arpa/inet.h>
#include <stdlib.h>

static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

/* A client packet: header, cookie, then raw option bytes. */
static size_t mk(uint8_t *b, const uint8_t *opts, size_t olen, int with_cookie)
{
	memset(b, 0, 240);
	b[0] = BOOTREQUEST;
	b[1] = 1;
	b[2] = 6;
	b[4] = 0xde; b[5] = 0xad; b[6] = 0xbe; b[7] = 0xef;
	b[10] = 0x80;		/* broadcast flag */
	memcpy(b + 28, mac, 6);
	if (with_cookie) {
		b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;
	}
	memcpy(b + 240, opts, olen);
	return 240 + olen;
}

static struct dhcp_msg m;
static char err[128];

static void test_discover(void)
{
	uint8_t b[600];
	const uint8_t o[] = { 53, 1, 1, 55, 3, 1, 3, 121, 57, 2, 0x05, 0xdc,
			      61, 7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 255 };
	size_t n = mk(b, o, sizeof(o), 1), l;
	uint16_t mms;
	const uint8_t *v;

	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) == 0, "DISCOVER decodes (%s)", err);
	TAP_OK(m.is_dhcp && m.msg_type == DHCPDISCOVER, "message type 1");
	TAP_OK(m.h.flags == BOOTP_BROADCAST, "broadcast flag read in host order");
	TAP_OK(memcmp(m.h.chaddr, mac, 6) == 0 && m.h.hlen == 6, "chaddr and hlen");
	v = dhcp_get(&m, DHO_PRL, &l);
	TAP_OK(v && l == 3 && v[2] == 121, "parameter request list 1,3,121");
	TAP_OK(dhcp_get_u16(&m, DHO_MAX_SIZE, &mms) == 0 && mms == 1500, "max message size 1500");
	v = dhcp_get(&m, DHO_CLIENT_ID, &l);
	TAP_OK(v && l == 7 && v[0] == 1, "client id type 1, 7 bytes");
	TAP_OK(!dhcp_has(&m, DHO_HOST_NAME), "absent option is absent");
}

static void test_bootp(void)
{
	uint8_t b[300];

	mk(b, (const uint8_t *)"", 0, 0);
	TAP_OK(dhcp_decode(b, 300, &m, err, sizeof(err)) == 0, "BOOTP without cookie decodes");
	TAP_OK(!m.is_dhcp && m.msg_type == 0, "no cookie: plain BOOTP");
	mk(b, (const uint8_t *)"\xff", 1, 1);
	TAP_OK(dhcp_decode(b, 300, &m, err, sizeof(err)) == 0 && m.is_dhcp && m.msg_type == 0,
	       "RFC 1048 vendor area without option 53 is BOOTP");
}

static void test_overload(void)
{
	uint8_t b[600];
	const uint8_t o[] = { 53, 1, 3, 52, 1, 3, 12, 2, 'n', 'o', 255 };
	size_t n = mk(b, o, sizeof(o), 1), l;
	const uint8_t *v;

	/* file area: the rest of the host name; sname: requested address */
	memcpy(b + 108, "\x0c\x03" "de1" "\xff", 6);
	memcpy(b + 44, "\x32\x04\xc0\x00\x02\x0a\xff", 7);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) == 0, "overloaded packet decodes (%s)", err);
	TAP_OK(m.overload == 3, "overload 3");
	v = dhcp_get(&m, DHO_HOST_NAME, &l);
	TAP_OK(v && l == 5 && memcmp(v, "node1", 5) == 0, "option 12 split across areas is concatenated");
	TAP_OK(dhcp_has(&m, DHO_REQUESTED_IP), "option 50 found in sname");
	TAP_OK(m.h.file[0] == 0 && m.h.sname[0] == 0, "overloaded fields are not names");

	memcpy(b + 108, "\x0c\x7f" "x", 3);	/* runs past the file field */
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "option past end of file field: drop (%s)", err);
	b[245] = 4;
	memcpy(b + 108, "\xff", 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "overload value 4: drop (%s)", err);
}

static void test_malformed(void)
{
	uint8_t b[DHCP_PKT_MAX + 64];
	const uint8_t past[] = { 53, 1, 1, 12, 200, 'x' };
	const uint8_t nolen[] = { 53, 1, 1, 12 };
	const uint8_t zero12[] = { 53, 1, 1, 12, 0, 255 };
	const uint8_t zero53[] = { 53, 0, 255 };
	const uint8_t short50[] = { 53, 1, 3, 50, 3, 1, 2, 3, 255 };
	const uint8_t type9[] = { 53, 1, 9, 255 };
	const uint8_t badroute[] = { 53, 1, 1, 121, 5, 33, 1, 2, 3, 4, 255 };
	size_t n;

	n = mk(b, past, sizeof(past), 1);
	TAP_OK(dhcp_decode(b, 100, &m, err, sizeof(err)) < 0, "truncated header: drop (%s)", err);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "option past end: drop (%s)", err);
	n = mk(b, nolen, sizeof(nolen), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "option without length byte: drop");
	n = mk(b, zero12, sizeof(zero12), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) == 0 && !dhcp_has(&m, DHO_HOST_NAME) &&
	       m.ignored == 1 && m.first_ignored == 12, "zero-length option 12 ignored, packet kept");
	n = mk(b, zero53, sizeof(zero53), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "zero-length option 53: drop (%s)", err);
	n = mk(b, short50, sizeof(short50), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "3-byte requested address: drop");
	n = mk(b, type9, sizeof(type9), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "message type 9: drop");
	n = mk(b, badroute, sizeof(badroute), 1);
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) == 0 && !dhcp_has(&m, DHO_CLASSLESS_ROUTES),
	       "route width 33: option ignored");
	n = mk(b, zero12, sizeof(zero12), 1);
	b[2] = 17;
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "hlen 17: drop (%s)", err);
	b[2] = 6;
	b[0] = BOOTREPLY;
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) < 0, "BOOTREPLY: drop");
	n = mk(b, zero12, sizeof(zero12), 1);
	b[236] = 98;
	TAP_OK(dhcp_decode(b, n, &m, err, sizeof(err)) == 0 && !m.is_dhcp, "bad cookie: BOOTP, no options read");
	memset(b + 240, 0, sizeof(b) - 240);
	TAP_OK(dhcp_decode(b, sizeof(b), &m, err, sizeof(err)) < 0, "oversized datagram: drop (%s)", err);
	TAP_OK(dhcp_decode(b, DHCP_PKT_MAX, &m, err, sizeof(err)) == 0, "all-pad options at max size decode");
}

static void test_encode(void)
{
	struct bootp_hdr h = { .op = BOOTREPLY, .htype = 1, .hlen = 6, .xid = 7 };
	static struct dhcp_out o;
	uint8_t big[600], t = DHCPOFFER;
	size_t n, l;
	const uint8_t *v;

	memset(big, 'r', sizeof(big));
	memcpy(h.chaddr, mac, 6);
	strcpy(h.file, "pxelinux.0");
	h.yiaddr = htonl(0xc000020a);
	dhcp_out_init(&o, &h, 1, 1500);
	TAP_OK(dhcp_out_opt(&o, DHO_MSG_TYPE, &t, 1) == 0, "message type fits");
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, big, 600) == 0, "600-byte option fits in 1500");
	n = dhcp_out_finish(&o);
	/* A reply re-read as if it were a request. */
	o.buf[0] = BOOTREQUEST;
	TAP_OK(dhcp_decode(o.buf, n, &m, err, sizeof(err)) == 0, "reply decodes (%s)", err);
	v = dhcp_get(&m, DHO_ROOT_PATH, &l);
	TAP_OK(v && l == 600 && v[599] == 'r', "long option split and rejoined (RFC 3396)");
	TAP_OK(strcmp(m.h.file, "pxelinux.0") == 0 && m.h.yiaddr == htonl(0xc000020a), "file and yiaddr");
	dhcp_out_init(&o, &h, 1, 0);
	TAP_OK(o.max == BOOTP_MIN_LEN, "max size clamped up to 300");
	/* 60 bytes fit neither the 60-byte options field nor, whole, sname. */
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, big, 63) < 0 && o.dropped == 1, "option beyond max is dropped");
	TAP_OK(dhcp_out_finish(&o) == BOOTP_MIN_LEN, "reply padded to 300 bytes");
}

/* Reads a built reply back the way a client would. */
static int reread(struct dhcp_out *o)
{
	size_t n = dhcp_out_finish(o);

	o->buf[0] = BOOTREQUEST;
	return dhcp_decode(o->buf, n, &m, err, sizeof(err));
}

static int has(uint8_t code, const uint8_t *want, size_t len)
{
	size_t l;
	const uint8_t *v = dhcp_get(&m, code, &l);

	return v && l == len && memcmp(v, want, len) == 0;
}

/* RFC 2132 9.3 on the way out: what the options field cannot hold moves
 * into empty file and sname fields, announced by option 52. */
static void test_encode_overload(void)
{
	struct bootp_hdr h = { .op = BOOTREPLY, .htype = 1, .hlen = 6 };
	static struct dhcp_out o;
	uint8_t root[100], name[40], dom[50], more[30], t = DHCPACK;

	memset(root, 'r', sizeof(root));
	memset(name, 'n', sizeof(name));
	memset(dom, 'd', sizeof(dom));
	memset(more, 'x', sizeof(more));
	memcpy(h.chaddr, mac, 6);
	/* max 300: a 60-byte options field. */
	dhcp_out_init(&o, &h, 1, 300);
	dhcp_out_opt(&o, DHO_MSG_TYPE, &t, 1);
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, root, 100) == 0, "100-byte root path placed");
	TAP_OK(dhcp_out_opt(&o, DHO_HOST_NAME, name, 40) == 0, "host name placed");
	TAP_OK(dhcp_out_opt(&o, DHO_DOMAIN_NAME, dom, 50) == 0, "domain name placed");
	TAP_OK(dhcp_out_opt(&o, 40 /* NIS domain */, more, 30) < 0, "a fourth option fits nowhere");
	TAP_OK(o.overflowed == 2 && o.dropped == 1, "2 overflowed, 1 dropped (%u, %u)", o.overflowed,
	       o.dropped);
	TAP_OK(reread(&o) == 0, "overloaded reply decodes (%s)", err);
	TAP_OK(m.overload == 3, "option 52 says file and sname (%u)", m.overload);
	TAP_OK(has(DHO_ROOT_PATH, root, 100) && has(DHO_HOST_NAME, name, 40) &&
	       has(DHO_DOMAIN_NAME, dom, 50) && has(DHO_MSG_TYPE, &t, 1), "every placed option reads back");
	TAP_OK(o.buf[108] == DHO_ROOT_PATH && o.buf[108 + 102] == DHO_END,
	       "the file field is read first, so it gets the first overflow, then END");
	TAP_OK(o.buf[44] == DHO_DOMAIN_NAME && o.buf[44 + 52] == DHO_END, "sname holds the next, then END");

	/* A boot file keeps the file field: only sname is free. */
	strcpy(h.file, "pxelinux.0");
	dhcp_out_init(&o, &h, 1, 300);
	dhcp_out_opt(&o, DHO_MSG_TYPE, &t, 1);
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, root, 60) == 0, "60-byte root path goes to sname");
	TAP_OK(reread(&o) == 0 && m.overload == 2 && has(DHO_ROOT_PATH, root, 60),
	       "option 52 = 2 and the root path reads back");
	TAP_OK(strcmp(m.h.file, "pxelinux.0") == 0, "the boot file is untouched");

	/* Turned off, nothing moves. */
	dhcp_out_init(&o, &h, 1, 300);
	dhcp_out_no_overload(&o);
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, root, 60) < 0, "no-overload drops what does not fit");
	TAP_OK(reread(&o) == 0 && m.overload == 0 && !dhcp_has(&m, DHO_OVERLOAD), "and sends no option 52");

	/* BOOTP clients know no option 52. */
	h.file[0] = 0;
	dhcp_out_init(&o, &h, 0, 300);
	TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, root, 10) < 0, "BOOTP: no options field, no overload");
	TAP_OK(o.buf[108] == 0 && o.buf[44] == 0, "BOOTP: file and sname stay empty");

	/* Priority order with one option that only the options field can
	 * hold: placed one by one the big one finds no room; as a whole
	 * reply the smaller one ahead of it moves to the file field. */
	{
		uint8_t big[201];
		struct dhcp_out_item v[2] = { { DHO_ROOT_PATH, root, 100 },
					      { DHO_DOMAIN_NAME, big, sizeof(big) } };

		memset(big, 'b', sizeof(big));
		h.file[0] = 0;
		dhcp_out_init(&o, &h, 1, 240 + 300);
		dhcp_out_opt(&o, v[0].code, v[0].data, v[0].len);
		TAP_OK(dhcp_out_opt(&o, v[1].code, v[1].data, v[1].len) < 0,
		       "one at a time: the 201-byte option is crowded out");
		dhcp_out_init(&o, &h, 1, 240 + 300);
		dhcp_out_opts(&o, v, 2);
		TAP_OK(o.dropped == 0 && o.overflowed == 1, "as a whole reply: both placed, one overflowed");
		TAP_OK(reread(&o) == 0 && m.overload == 1 && has(DHO_ROOT_PATH, root, 100) &&
		       has(DHO_DOMAIN_NAME, big, sizeof(big)), "both read back, the 100-byte one from file");
	}

	/* Too big for file and sname, yet it fits the options field without
	 * the 3 bytes held for option 52: it goes there. */
	{
		uint8_t big[200];

		memset(big, 'b', sizeof(big));
		dhcp_out_init(&o, &h, 1, 240 + 203);
		TAP_OK(dhcp_out_opt(&o, DHO_ROOT_PATH, big, 200) == 0 && o.overflowed == 0,
		       "200 bytes use the options field's last bytes");
		TAP_OK(dhcp_out_opt(&o, DHO_HOST_NAME, name, 4) < 0, "then nothing else: no room for 52");
		TAP_OK(reread(&o) == 0 && has(DHO_ROOT_PATH, big, 200) && m.overload == 0,
		       "reads back, no option 52");
		TAP_OK(o.len <= o.max, "never past the client's limit (%zu <= %zu)", o.len, o.max);
	}
}

static void test_table(void)
{
	uint8_t out[64];
	char txt[128];
	int n;

	n = dhcp_opt_parse_value(dhcp_opt_by_name("routers"), "192.0.2.1, 192.0.2.2", out,
				 sizeof(out), err, sizeof(err));
	TAP_OK(n == 8 && out[7] == 2, "routers: two addresses");
	n = dhcp_opt_parse_value(dhcp_opt_by_name("121"), "10.0.0.0/8 192.0.2.1,0.0.0.0/0 192.0.2.254",
				 out, sizeof(out), err, sizeof(err));
	TAP_OK(n == 6 + 5, "routes: /8 takes 6 bytes, /0 takes 5 (%s)", err);
	dhcp_opt_format(121, out, (size_t)n, txt, sizeof(txt));
	TAP_STREQ(txt, "10.0.0.0/8 via 192.0.2.1,0.0.0.0/0 via 192.0.2.254", "routes formatted");
	TAP_OK(dhcp_opt_parse_value(dhcp_opt_by_name("subnet-mask"), "255.255.255.0,1.2.3.4", out,
				    sizeof(out), err, sizeof(err)) < 0, "two masks rejected: %s", err);
	TAP_OK(dhcp_opt_parse_value(dhcp_opt_by_name("interface-mtu"), "70000", out, sizeof(out),
				    err, sizeof(err)) < 0, "MTU 70000 rejected");
	n = dhcp_opt_parse_value(dhcp_opt_by_name("200"), "de:ad:1", out, sizeof(out), err, sizeof(err));
	TAP_OK(n == 3 && out[0] == 0xde && out[2] == 1, "unknown code takes hex bytes");
	TAP_OK(dhcp_opt_by_name("pool-strat") == NULL && dhcp_opt_by_name("0") == NULL, "unknown names rejected");
	dhcp_opt_format(3, (const uint8_t *)"\xc0\x00\x02", 3, txt, sizeof(txt));
	TAP_STREQ(txt, "c0:00:02", "malformed value printed as hex, not interpreted");
	dhcp_opt_format(12, (const uint8_t *)"a\nb", 3, txt, 3);
	TAP_STREQ(txt, "a?", "string formatting bounded and control bytes masked");
}

static void test_rarp(void)
{
	uint8_t req[60] = { 0, 1, 8, 0, 6, 4, 0, 3 }, rep[RARP_LEN];
	const uint8_t sip[4] = { 192, 0, 2, 1 }, cip[4] = { 192, 0, 2, 10 };
	struct rarp_pkt p;

	memcpy(req + 8, mac, 6);
	memcpy(req + 18, mac, 6);
	TAP_OK(rarp_decode(req, sizeof(req), &p, err, sizeof(err)) == 0 &&
	       memcmp(p.tha, mac, 6) == 0, "RARP request decodes (padded frame)");
	TAP_OK(rarp_decode(req, 27, &p, err, sizeof(err)) < 0, "RARP truncated: drop");
	req[7] = 1;
	TAP_OK(rarp_decode(req, 28, &p, err, sizeof(err)) < 0, "ARP request is not RARP: drop");
	req[7] = 3;
	req[4] = 8;
	TAP_OK(rarp_decode(req, 28, &p, err, sizeof(err)) < 0, "hlen 8: drop (%s)", err);
	TAP_OK(rarp_encode_reply(mac, sip, mac, cip, rep) == RARP_LEN && rep[7] == 4 &&
	       memcmp(rep + 24, cip, 4) == 0, "reply: op 4, target IP set");
}

int main(void)
{
	test_discover();
	test_bootp();
	test_overload();
	test_malformed();
	test_encode();
	test_encode_overload();
	test_table();
	test_rarp();
	return tap_done();
}

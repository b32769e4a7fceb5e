// SPDX-License-Identifier: GPL-2.0
/* Unit tests for rfc1350.c and rfc2347.c: the TFTP codec. */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "../../userspace/netbootd/tftp_proto.h"

static size_t mk(uint8_t *b, const char *raw, size_t n)
{
	memcpy(b, raw, n);
	return n;
}

#define RAW(s) (s), sizeof(s) - 1

int main(void)
{
	uint8_t b[600], out[600];
	struct tftp_request r;
	struct tftp_packet pk;
	struct tftp_granted g;
	struct tftp_limits lim = { .blksize_max = 1468, .window_max = 64, .timeout_default_s = 1 };
	const char *why;
	size_t n, used;
	int rc, carry, cr;

	n = mk(b, RAW("\0\1pxelinux.0\0octet\0"));
	rc = tftp_parse_request(b, n, &r, &why);
	TAP_OK(rc == 0 && r.op == TFTP_RRQ && r.mode == TFTP_MODE_OCTET, "plain RRQ parses");
	TAP_STREQ(r.name, "pxelinux.0", "RRQ filename");
	TAP_OK(r.opts.blksize == 0 && r.opts.tsize == -1 && r.opts.windowsize == 0, "no options requested");

	n = mk(b, RAW("\0\1f\0NetASCII\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0 && r.mode == TFTP_MODE_NETASCII, "mode is case-insensitive");
	n = mk(b, RAW("\0\2up\0octet\0tsize\0" "1000\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0 && r.op == TFTP_WRQ && r.opts.tsize == 1000, "WRQ with tsize");

	n = mk(b, RAW("\0\1f\0mail\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP, "mail mode refused with code 4");
	n = mk(b, RAW("\0\1f\0bogus-mode-that-is-long\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP, "long unknown mode refused");
	n = mk(b, RAW("\0\1f\0octet"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP && why, "unterminated mode refused");
	n = mk(b, RAW("\0\1fname"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP, "unterminated filename refused");
	n = mk(b, RAW("\0\1\0octet\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP, "empty filename refused");
	TAP_OK(tftp_parse_request(b, 1, &r, &why) == TFTP_EBADOP, "runt refused");
	n = mk(b, RAW("\0\3f\0octet\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EBADOP, "DATA on port 69 is not a request");

	/* A 256-byte name is one too many. */
	b[0] = 0;
	b[1] = 1;
	memset(b + 2, 'a', 256);
	memcpy(b + 258, "\0octet\0", 7);
	TAP_OK(tftp_parse_request(b, 265, &r, &why) == TFTP_EACCESS, "256-byte name refused");
	memcpy(b + 257, "\0octet\0", 7);
	TAP_OK(tftp_parse_request(b, 264, &r, &why) == 0 && r.name_len == 255, "255-byte name accepted");

	n = mk(b, RAW("\0\1f\0octet\0BLKSIZE\0" "1468\0tsize\0" "0\0windowsize\0" "16\0timeout\0" "3\0x-foo\0bar\0"));
	rc = tftp_parse_request(b, n, &r, &why);
	TAP_OK(rc == 0 && r.opts.blksize == 1468 && r.opts.tsize == 0 && r.opts.windowsize == 16 &&
	       r.opts.timeout_s == 3 && r.unknown_opts == 1, "all four options parse, unknown one counted");

	n = mk(b, RAW("\0\1f\0octet\0blksize\0" "7\0timeout\0" "0\0windowsize\0" "0\0tsize\0-1\0"));
	rc = tftp_parse_request(b, n, &r, &why);
	TAP_OK(rc == 0 && r.opts.blksize == 0 && r.opts.timeout_s == 0 && r.opts.windowsize == 0 &&
	       r.opts.tsize == -1, "out-of-range values are ignored, not fatal");
	n = mk(b, RAW("\0\1f\0octet\0timeout\0" "256\0blksize\0" "99999999999999999999\0"));
	rc = tftp_parse_request(b, n, &r, &why);
	TAP_OK(rc == 0 && r.opts.timeout_s == 0 && r.opts.blksize == 0, "timeout 256 and a 20-digit blksize ignored");
	n = mk(b, RAW("\0\1f\0octet\0blksize\0" "100000\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0 && r.opts.blksize == TFTP_BLKSIZE_MAX, "blksize above 65464 clamps");
	n = mk(b, RAW("\0\1f\0octet\0blksize\0" "1024\0blksize\0" "8\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0 && r.opts.blksize == 1024, "first of a repeated option wins");
	n = mk(b, RAW("\0\1f\0octet\0blksize\0" "1024"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == TFTP_EOPTNEG, "option value not terminated: code 8");
	n = mk(b, RAW("\0\1f\0octet\0\0\0\0"));
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0, "NUL padding after the mode is accepted");

	/* Negotiation. */
	n = mk(b, RAW("\0\1f\0octet\0blksize\0" "9000\0tsize\0" "0\0windowsize\0" "200\0"));
	tftp_parse_request(b, n, &r, &why);
	tftp_negotiate(&r.opts, &lim, 123456, &g);
	TAP_OK(g.any && g.blksize == 1468 && g.windowsize == 64 && g.tsize == 123456, "blksize capped by MTU, window by config, tsize filled");
	n = tftp_encode_oack(out, sizeof(out), &g);
	TAP_OK(n == 2 + 8 + 5 + 6 + 7 + 11 + 3 &&
	       memcmp(out, "\0\6blksize\0" "1468\0tsize\0" "123456\0windowsize\0" "64\0", n) == 0, "OACK bytes");
	tftp_negotiate(&(struct tftp_opts){ .tsize = -1 }, &lim, 5, &g);
	TAP_OK(!g.any && g.blksize == 512 && g.windowsize == 1 && g.timeout_s == 1, "no options: RFC 1350 defaults, no OACK");
	TAP_OK(tftp_encode_oack(out, 12, &(struct tftp_granted){ .acked = { .blksize = 1468, .tsize = 99999, .windowsize = 0 } }) == 0,
	       "OACK that does not fit encodes to 0");

	/* Packets in a transfer. */
	n = mk(b, RAW("\0\4\1\2"));
	TAP_OK(tftp_parse_packet(b, n, &pk, &why) == 0 && pk.op == TFTP_ACK && pk.block == 0x102, "ACK parses");
	n = mk(b, RAW("\0\5\0\1nope\0"));
	TAP_OK(tftp_parse_packet(b, n, &pk, &why) == 0 && pk.op == TFTP_ERROR && pk.error == 1, "ERROR parses");
	TAP_OK(tftp_parse_packet(b, 3, &pk, &why) != 0, "3-byte packet refused");
	n = mk(b, RAW("\0\1\0\1"));
	TAP_OK(tftp_parse_packet(b, n, &pk, &why) == TFTP_EBADOP, "RRQ inside a transfer refused");
	n = tftp_encode_error(out, sizeof(out), 2, "access violation");
	TAP_OK(n == 21 && out[1] == 5 && out[3] == 2 && out[20] == 0, "ERROR encodes");
	n = tftp_encode_error(out, 8, 1, "file not found");
	TAP_OK(n == 8 && out[7] == 0, "ERROR message truncated to fit, still terminated");

	/* Netascii. */
	{
		const uint8_t text[] = "a\nb\rc";
		uint8_t blk[4];

		carry = -1;
		n = tftp_netascii_encode(text, 5, &used, out, sizeof(out), &carry);
		TAP_OK(n == 7 && memcmp(out, "a\r\nb\r\0c", 7) == 0 && used == 5, "netascii: LF->CRLF, CR->CR NUL");
		carry = -1;
		n = tftp_netascii_encode(text, 5, &used, blk, 2, &carry);
		TAP_OK(n == 2 && used == 2 && carry == '\n' && memcmp(blk, "a\r", 2) == 0, "pair split at a block edge carries LF");
		n = tftp_netascii_encode(text + used, 5 - used, &used, blk, 4, &carry);
		TAP_OK(n == 4 && memcmp(blk, "\nb\r\0", 4) == 0 && carry == -1, "carried byte leads the next block");
		cr = 0;
		n = tftp_netascii_decode((const uint8_t *)"x\r", 2, out, &cr);
		n += tftp_netascii_decode((const uint8_t *)"\ny\r\0z", 5, out + n, &cr);
		TAP_OK(n == 5 && memcmp(out, "x\ny\rz", 5) == 0, "decode across blocks");
	}

	n = tftp_encode_request(b, sizeof(b), TFTP_RRQ, "f", "octet",
				&(struct tftp_opts){ .blksize = 1468, .windowsize = 16, .tsize = 0 });
	TAP_OK(tftp_parse_request(b, n, &r, &why) == 0 && r.opts.blksize == 1468 && r.opts.windowsize == 16 &&
	       r.opts.tsize == 0, "encode_request round-trips");
	TAP_OK(tftp_encode_request(b, 5, TFTP_RRQ, "file", "octet", NULL) == 0, "request that does not fit encodes to 0");
	return tap_done();
}

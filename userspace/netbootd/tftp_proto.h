/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tftp_proto.h - the TFTP wire format as pure functions: bytes in, structs
 * out, no I/O and no globals, so every path is unit-tested and fuzzed.
 *   rfc1350.c  packets (RRQ, WRQ, DATA, ACK, ERROR) and netascii
 *   rfc2347.c  option negotiation (2347 OACK, 2348 blksize, 2349 timeout
 *              and tsize, 7440 windowsize)
 */
#ifndef NETBOOTD_TFTP_PROTO_H
#define NETBOOTD_TFTP_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum tftp_op {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,		/* RFC 2347 */
};

enum tftp_err {
	TFTP_ENOTDEF = 0,	/* not defined, see message */
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,	/* disk full or allocation exceeded */
	TFTP_EBADOP = 4,	/* illegal TFTP operation */
	TFTP_EBADID = 5,	/* unknown transfer ID */
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8,	/* RFC 2347: option negotiation refused */
};

enum tftp_mode { TFTP_MODE_OCTET, TFTP_MODE_NETASCII };

/* RFC 1350 fixes 512; RFC 2348 allows 8..65464 (65535 minus IP and UDP
 * headers and the 4-byte TFTP header). */
#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 65464
#define TFTP_WINDOW_MAX 65535
/* No client needs a longer name; PXE firmware limits it to 127. */
#define TFTP_NAME_MAX 255
#define TFTP_HDR 4

/* Requested options: 0 / -1 means "not asked for". */
struct tftp_opts {
	unsigned blksize;	/* 0: not requested */
	unsigned timeout_s;	/* 0: not requested */
	unsigned windowsize;	/* 0: not requested */
	int64_t tsize;		/* -1: not requested */
};

struct tftp_request {
	enum tftp_op op;	/* TFTP_RRQ or TFTP_WRQ */
	enum tftp_mode mode;
	char name[TFTP_NAME_MAX + 1];
	size_t name_len;
	struct tftp_opts opts;
	unsigned unknown_opts;	/* ignored, as RFC 2347 requires */
};

/* Parse an RRQ or WRQ.  0 on success; otherwise a TFTP error code to send
 * back and a static reason in *why (for the drop log). */
int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *req,
		       const char **why);

/* Parse the option list that follows filename and mode (RFC 2347).
 * Values outside their RFC range are ignored, not fatal: the server then
 * leaves them out of the OACK and the client falls back to the default. */
int tftp_parse_options(const uint8_t *p, size_t len, struct tftp_opts *o,
		       unsigned *unknown, const char **why);

/* Packets the server receives during a transfer. */
struct tftp_packet {
	enum tftp_op op;
	uint16_t block;		/* DATA, ACK */
	uint16_t error;		/* ERROR */
	const uint8_t *data;	/* DATA payload, ERROR message (not NUL-safe) */
	size_t data_len;
};
int tftp_parse_packet(const uint8_t *pkt, size_t len, struct tftp_packet *p,
		      const char **why);

/* Encoders return the packet length, or 0 if cap is too small. */
size_t tftp_encode_ack(uint8_t *buf, size_t cap, uint16_t block);
size_t tftp_encode_data_hdr(uint8_t *buf, size_t cap, uint16_t block);
size_t tftp_encode_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg);
size_t tftp_encode_request(uint8_t *buf, size_t cap, enum tftp_op op, const char *name,
			   const char *mode, const struct tftp_opts *o);

/* What the server grants: limits it applies to a request. */
struct tftp_limits {
	unsigned blksize_max;	/* MTU cap, at most TFTP_BLKSIZE_MAX */
	unsigned window_max;
	unsigned timeout_default_s;
};
struct tftp_granted {
	unsigned blksize, windowsize, timeout_s;
	int64_t tsize;		/* -1: not acknowledged */
	int any;		/* nonzero: an OACK must be sent */
	struct tftp_opts acked;	/* which options go into the OACK */
};
/* tsize_value: the file size for a read, the announced size for a write. */
void tftp_negotiate(const struct tftp_opts *req, const struct tftp_limits *lim,
		    int64_t tsize_value, struct tftp_granted *g);
size_t tftp_encode_oack(uint8_t *buf, size_t cap, const struct tftp_granted *g);

/*
 * Netascii (RFC 764 via RFC 1350): LF goes out as CR LF and CR as CR NUL.
 * Encoding is restartable: *carry holds the second byte of a pair that did
 * not fit, so a block boundary may fall between CR and LF.  Returns bytes
 * written to out; *consumed says how much of in was used.
 */
size_t tftp_netascii_encode(const uint8_t *in, size_t inlen, size_t *consumed,
			    uint8_t *out, size_t outcap, int *carry);
/* Reverse, for uploads: CR LF -> LF, CR NUL -> CR.  *pending_cr carries a
 * CR that ended the previous block. */
size_t tftp_netascii_decode(const uint8_t *in, size_t inlen, uint8_t *out,
			    int *pending_cr);

const char *tftp_op_name(unsigned op);

#endif /* NETBOOTD_TFTP_PROTO_H */

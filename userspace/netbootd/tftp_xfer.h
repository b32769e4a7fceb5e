/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tftp_xfer.h - one transfer's state machine, pure: events (ACK, DATA,
 * timeout) in, decisions out.  The I/O layer owns sockets, files and timers
 * and asks this module what to send; it never decides protocol questions.
 *
 * Blocks are counted with 64-bit indexes (block 1 is the first DATA); the
 * wire carries index & 0xffff, so files larger than 65535 blocks roll over
 * to block 0 as tftp-hpa, curl, atftp and iPXE all expect.
 */
#ifndef NETBOOTD_TFTP_XFER_H
#define NETBOOTD_TFTP_XFER_H

#include <stddef.h>
#include <stdint.h>

enum tftp_xfer_state {
	XFER_OACK,	/* OACK sent, waiting for ACK 0 (read) or DATA 1 (write) */
	XFER_RUN,
	XFER_DALLY,	/* write: final ACK sent; re-ACK a repeated last DATA */
	XFER_DONE,
	XFER_FAILED,
};

/* What the I/O layer should do after an event. */
enum tftp_action {
	XA_NONE,	/* nothing: a duplicate or stale packet */
	XA_SEND,	/* read: send blocks from xfer_next() while xfer_may_send() */
	XA_SEND_OACK,	/* resend the OACK */
	XA_SEND_ACK,	/* write: ACK block xfer_ack_block() */
	XA_DONE,	/* finished: stop the timer, free the transfer */
	XA_DALLY,	/* write: ACK sent; keep the socket for one more timeout */
	XA_FAIL,	/* give up (retries exhausted) */
};

struct tftp_xfer {
	enum tftp_xfer_state state;
	int writing;		/* a WRQ: we receive DATA and send ACKs */
	unsigned blksize, windowsize;
	unsigned retries, max_retries;
	uint64_t acked;		/* read: highest block the client ACKed */
	uint64_t next;		/* read: next block index to send */
	uint64_t sent_end;	/* read: one past the highest block ever sent */
	uint64_t last;		/* read: index of the final (short) block, 0 if unknown */
	uint64_t received;	/* write: highest block stored */
	uint64_t dup_acks;	/* ignored duplicates, for the counters */
};

void xfer_init(struct tftp_xfer *x, int writing, int oack, unsigned blksize,
	       unsigned windowsize, unsigned max_retries);

/* Read side.  xfer_may_send: is block xfer_next() inside the window? */
int xfer_may_send(const struct tftp_xfer *x);
uint64_t xfer_next(const struct tftp_xfer *x);
/* How many blocks from xfer_next() the window admits now (0 when
 * xfer_may_send() is false); the final block may end the run earlier. */
uint64_t xfer_room(const struct tftp_xfer *x);
/* The I/O layer sent block xfer_next(); short: it held less than blksize. */
void xfer_sent(struct tftp_xfer *x, int short_block);
enum tftp_action xfer_on_ack(struct tftp_xfer *x, uint16_t block);

/* Write side: DATA block with len payload bytes.  XA_SEND_ACK with *store
 * set means the payload is new and must be written before ACKing. */
enum tftp_action xfer_on_data(struct tftp_xfer *x, uint16_t block, size_t len, int *store);
uint16_t xfer_ack_block(const struct tftp_xfer *x);

/* The retransmission timer fired. */
enum tftp_action xfer_on_timeout(struct tftp_xfer *x);
/* An early retransmission (the adaptive timer, below the configured
 * timeout, fired): resend like xfer_on_timeout(), but it does not count
 * against max_retries, so a client is never given up on sooner. */
enum tftp_action xfer_on_early_timeout(struct tftp_xfer *x);

#endif /* NETBOOTD_TFTP_XFER_H */

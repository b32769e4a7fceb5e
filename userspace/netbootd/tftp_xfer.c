// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_xfer.c - the transfer state machine (RFC 1350 lock-step, RFC 7440
 * windows).  Pure: no clock, no sockets; the caller feeds events.
 *
 * The sorcerer's apprentice bug (RFC 1123 4.2.3.1) comes from a sender that
 * answers every ACK, duplicates included, with a DATA packet: one delayed
 * ACK then doubles every later packet.  Here only an ACK that moves the
 * window forward sends anything; duplicates are counted and dropped, and
 * only the retransmission timer resends.
 */
#include "tftp_xfer.h"

void xfer_init(struct tftp_xfer *x, int writing, int oack, unsigned blksize,
	       unsigned windowsize, unsigned max_retries)
{
	x->state = oack ? XFER_OACK : XFER_RUN;
	x->writing = writing;
	x->blksize = blksize;
	x->windowsize = windowsize ? windowsize : 1;
	x->retries = 0;
	x->max_retries = max_retries;
	x->acked = 0;
	x->next = 1;
	x->sent_end = 1;
	x->last = 0;
	x->received = 0;
	x->dup_acks = 0;
}

int xfer_may_send(const struct tftp_xfer *x)
{
	if (x->writing || x->state != XFER_RUN)
		return 0;
	if (x->last && x->next > x->last)
		return 0;
	return x->next <= x->acked + x->windowsize;
}

uint64_t xfer_next(const struct tftp_xfer *x)
{
	return x->next;
}

uint64_t xfer_room(const struct tftp_xfer *x)
{
	uint64_t end;

	if (!xfer_may_send(x))
		return 0;
	end = x->acked + x->windowsize;
	if (x->last && x->last < end)
		end = x->last;
	return end - x->next + 1;
}

void xfer_sent(struct tftp_xfer *x, int short_block)
{
	if (short_block && (!x->last || x->next < x->last))
		x->last = x->next;
	x->next++;
	if (x->next > x->sent_end)
		x->sent_end = x->next;
}

enum tftp_action xfer_on_ack(struct tftp_xfer *x, uint16_t block)
{
	uint16_t diff;
	uint64_t cand;

	if (x->writing)
		return XA_NONE;
	if (x->state == XFER_OACK) {
		if (block != 0)
			return XA_NONE;
		x->state = XFER_RUN;
		x->retries = 0;
		return XA_SEND;
	}
	if (x->state != XFER_RUN)
		return XA_NONE;
	/* The wire number is 16 bits; the only blocks it can mean are the
	 * ones in flight, just above what is already acknowledged.  After a
	 * rewind, blocks up to sent_end are still in flight: an ACK for one
	 * of them from before the rewind counts. */
	diff = (uint16_t)(block - (uint16_t)x->acked);
	cand = x->acked + diff;
	if (diff == 0 || cand >= x->sent_end) {
		x->dup_acks++;
		return XA_NONE;
	}
	x->acked = cand;
	x->retries = 0;
	if (x->last && x->acked >= x->last) {
		x->state = XFER_DONE;
		return XA_DONE;
	}
	/* RFC 7440: an ACK inside the window means the client missed the
	 * block after it; go back and send from there. */
	x->next = x->acked + 1;
	return XA_SEND;
}

enum tftp_action xfer_on_data(struct tftp_xfer *x, uint16_t block, size_t len, int *store)
{
	*store = 0;
	if (!x->writing || x->state == XFER_DONE || x->state == XFER_FAILED)
		return XA_NONE;
	if (x->state != XFER_DALLY && block == (uint16_t)(x->received + 1)) {
		*store = 1;
		x->received++;
		x->retries = 0;
		if (len < x->blksize) {
			x->state = XFER_DALLY;
			return XA_DALLY;
		}
		x->state = XFER_RUN;
		return XA_SEND_ACK;
	}
	/* The sender missed our ACK and repeats the block we already have:
	 * answer it (this is what ends the final-ACK dally correctly). */
	if (x->received && block == (uint16_t)x->received)
		return XA_SEND_ACK;
	return XA_NONE;
}

uint16_t xfer_ack_block(const struct tftp_xfer *x)
{
	return (uint16_t)x->received;
}

enum tftp_action xfer_on_timeout(struct tftp_xfer *x)
{
	switch (x->state) {
	case XFER_DALLY:
		/* Nothing came back during the dally: our last ACK arrived. */
		x->state = XFER_DONE;
		return XA_DONE;
	case XFER_DONE:
	case XFER_FAILED:
		return XA_NONE;
	default:
		break;
	}
	if (++x->retries > x->max_retries) {
		x->state = XFER_FAILED;
		return XA_FAIL;
	}
	if (x->state == XFER_OACK)
		return XA_SEND_OACK;
	if (x->writing)
		return XA_SEND_ACK;
	x->next = x->acked + 1;
	return XA_SEND;
}

enum tftp_action xfer_on_early_timeout(struct tftp_xfer *x)
{
	if (x->writing)
		return XA_NONE;
	if (x->state == XFER_OACK)
		return XA_SEND_OACK;
	if (x->state != XFER_RUN)
		return XA_NONE;
	x->next = x->acked + 1;
	return XA_SEND;
}

// SPDX-License-Identifier: GPL-2.0
/* Unit tests for tftp_xfer.c (the transfer state machine) and tftp_path.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../userspace/netbootd/tftp_path.h"
#include "../../userspace/netbootd/tftp_proto.h"
#include "../../userspace/netbootd/tftp_xfer.h"

/* Send what the window allows; blocks are short at index `last`. */
static unsigned send_window(struct tftp_xfer *x, uint64_t last, uint64_t *sent)
{
	unsigned n = 0;

	while (xfer_may_send(x)) {
		sent[n++] = xfer_next(x);
		xfer_sent(x, xfer_next(x) == last);
	}
	return n;
}

/*
 * A lossy channel between the state machine and a model receiver that
 * ACKs in-order blocks (every windowsize blocks, or on a gap/last block).
 * Returns the number of DATA packets the sender put on the wire, or 0 if
 * the transfer failed; *ok says whether the receiver got every block.
 */
static uint64_t simulate(unsigned window, uint64_t last, unsigned loss_pct, unsigned seed, int *ok)
{
	struct tftp_xfer x;
	uint64_t sent[70], got = 0, wire = 0;
	unsigned rounds = 0;

	srand(seed);
	xfer_init(&x, 0, 0, 512, window, 1000);
	*ok = 0;
	while (rounds++ < 200000) {
		unsigned n = send_window(&x, last, sent), i, since = 0;
		int acked = 0;
		enum tftp_action a = XA_NONE;

		wire += n;
		for (i = 0; i < n; i++) {
			int gap = 0;

			if ((unsigned)rand() % 100 < loss_pct)
				continue;	/* DATA lost */
			if (sent[i] == got + 1) {
				got++;
				since++;
			} else {
				/* a gap, or a repeat of a block we have: ACK what we hold */
				gap = 1;
			}
			if (gap || since >= window || got == last) {
				since = 0;
				if ((unsigned)rand() % 100 < loss_pct)
					continue;	/* ACK lost */
				a = xfer_on_ack(&x, (uint16_t)got);
				acked = 1;
				if (a == XA_DONE || a == XA_SEND)
					break;
			}
		}
		if (a == XA_DONE) {
			*ok = got == last;
			return wire;
		}
		if (!acked || a == XA_NONE) {
			if (xfer_on_timeout(&x) == XA_FAIL)
				return 0;
		}
	}
	return 0;
}

int main(void)
{
	struct tftp_xfer x;
	uint64_t sent[70];
	char out[300], longname[300];
	const char *why;
	int store, ok;
	unsigned n;
	uint64_t wire;

	/* Lock-step read of three blocks, the last one short. */
	xfer_init(&x, 0, 0, 512, 1, 5);
	n = send_window(&x, 3, sent);
	TAP_OK(n == 1 && sent[0] == 1, "lock-step: one block in flight");
	TAP_OK(xfer_on_ack(&x, 1) == XA_SEND, "ACK 1 advances");
	TAP_OK(xfer_on_ack(&x, 1) == XA_NONE && x.dup_acks == 1, "duplicate ACK sends nothing (no sorcerer's apprentice)");
	n = send_window(&x, 3, sent);
	TAP_OK(n == 1 && sent[0] == 2, "block 2 sent once");
	TAP_OK(xfer_on_ack(&x, 1) == XA_NONE, "late duplicate of ACK 1 ignored again");
	TAP_OK(xfer_on_ack(&x, 7) == XA_NONE, "ACK for a block never sent ignored");
	TAP_OK(xfer_on_ack(&x, 2) == XA_SEND, "ACK 2 advances");
	send_window(&x, 3, sent);
	TAP_OK(x.last == 3, "short block marks the end");
	TAP_OK(xfer_on_ack(&x, 3) == XA_DONE && x.state == XFER_DONE, "final ACK finishes");

	/* OACK phase. */
	xfer_init(&x, 0, 1, 1468, 16, 2);
	TAP_OK(!xfer_may_send(&x), "nothing sent before ACK 0 of the OACK");
	TAP_OK(xfer_on_ack(&x, 5) == XA_NONE, "ACK 5 during OACK ignored");
	TAP_OK(xfer_on_timeout(&x) == XA_SEND_OACK, "timeout resends the OACK");
	TAP_OK(xfer_on_ack(&x, 0) == XA_SEND, "ACK 0 starts the data");
	n = send_window(&x, 100, sent);
	TAP_OK(n == 16 && sent[0] == 1 && sent[15] == 16, "window of 16 sent at once");
	TAP_OK(xfer_on_ack(&x, 9) == XA_SEND && xfer_next(&x) == 10, "ACK inside the window: resend from the gap");
	n = send_window(&x, 100, sent);
	TAP_OK(n == 16 && sent[0] == 10 && sent[15] == 25, "window slides from the ACKed block");
	TAP_OK(xfer_on_timeout(&x) == XA_SEND && xfer_next(&x) == 10, "timeout rewinds to the first unACKed block");
	TAP_OK(xfer_on_ack(&x, 20) == XA_SEND && xfer_next(&x) == 21,
	       "after a rewind, a late ACK for a block sent before it still counts");
	for (int e = 0; e < 10; e++)
		xfer_on_early_timeout(&x);
	TAP_OK(xfer_on_early_timeout(&x) == XA_SEND && xfer_next(&x) == 21 && x.retries == 0,
	       "early (adaptive) timeouts rewind but never use up a retry");
	TAP_OK(xfer_on_timeout(&x) == XA_SEND, "second timeout still retries");
	TAP_OK(xfer_on_timeout(&x) == XA_SEND, "third timeout still retries");
	TAP_OK(xfer_on_timeout(&x) == XA_FAIL && x.state == XFER_FAILED, "retries exhausted: fail");
	TAP_OK(xfer_on_ack(&x, 25) == XA_NONE, "nothing after failure");
	TAP_OK(xfer_on_early_timeout(&x) == XA_NONE, "no early resend after failure");
	xfer_init(&x, 0, 1, 512, 1, 2);
	TAP_OK(xfer_on_early_timeout(&x) == XA_SEND_OACK, "early timeout during the OACK resends it");
	xfer_init(&x, 1, 0, 512, 1, 2);
	TAP_OK(xfer_on_early_timeout(&x) == XA_NONE, "uploads have no early resend");

	/* 16-bit block numbers roll over. */
	xfer_init(&x, 0, 0, 8, 4, 5);
	x.acked = 65534;
	x.next = 65535;
	n = send_window(&x, 0, sent);
	TAP_OK(n == 4 && sent[3] == 65538, "window crosses block 65535");
	TAP_OK(xfer_on_ack(&x, 1) == XA_SEND && x.acked == 65537, "ACK 1 after rollover means block 65537");
	TAP_OK(xfer_on_ack(&x, 65535) == XA_NONE, "stale pre-rollover ACK ignored");

	/* Write side with a final-ACK dally. */
	xfer_init(&x, 1, 0, 512, 1, 3);
	TAP_OK(xfer_on_data(&x, 1, 512, &store) == XA_SEND_ACK && store && xfer_ack_block(&x) == 1, "DATA 1 stored and ACKed");
	TAP_OK(xfer_on_data(&x, 1, 512, &store) == XA_SEND_ACK && !store, "repeated DATA 1 re-ACKed, not stored twice");
	TAP_OK(xfer_on_data(&x, 3, 512, &store) == XA_NONE && !store, "DATA 3 before 2 ignored");
	TAP_OK(xfer_on_timeout(&x) == XA_SEND_ACK, "timeout re-sends the last ACK");
	TAP_OK(xfer_on_data(&x, 2, 10, &store) == XA_DALLY && store && x.state == XFER_DALLY, "short DATA: ACK and dally");
	TAP_OK(xfer_on_data(&x, 2, 10, &store) == XA_SEND_ACK && !store, "final DATA repeated during dally: re-ACK");
	TAP_OK(xfer_on_timeout(&x) == XA_DONE, "quiet dally ends the transfer");
	xfer_init(&x, 1, 1, 1024, 1, 3);
	TAP_OK(xfer_on_timeout(&x) == XA_SEND_OACK, "write: OACK resent until DATA 1");
	TAP_OK(xfer_on_data(&x, 1, 0, &store) == XA_DALLY && store, "empty DATA 1 ends a zero-length upload");

	/* Lossy channel: content complete, and no packet storm. */
	wire = simulate(1, 300, 0, 1, &ok);
	TAP_OK(ok && wire == 300, "lock-step without loss sends each block once (%llu)", (unsigned long long)wire);
	wire = simulate(16, 1000, 0, 1, &ok);
	TAP_OK(ok && wire == 1000, "window 16 without loss sends each block once (%llu)", (unsigned long long)wire);
	wire = simulate(1, 500, 5, 7, &ok);
	TAP_OK(ok && wire < 600, "lock-step, 5%% loss: completes with few resends (%llu)", (unsigned long long)wire);
	wire = simulate(16, 2000, 5, 11, &ok);
	TAP_OK(ok && wire < 6000, "window 16, 5%% loss: completes (%llu sent)", (unsigned long long)wire);
	wire = simulate(64, 70000, 2, 13, &ok);
	TAP_OK(ok, "window 64 across the 16-bit rollover with loss completes (%llu sent)", (unsigned long long)wire);

	/* Path policy. */
	TAP_OK(tftp_path_map("pxelinux.0", out, sizeof(out), &why) == 0 && strcmp(out, "pxelinux.0") == 0, "plain name");
	TAP_OK(tftp_path_map("/tftpboot/pxelinux.cfg/default", out, sizeof(out), &why) == 0 &&
	       strcmp(out, "pxelinux.cfg/default") == 0, "tftp-hpa /tftpboot/ prefix maps onto the root");
	TAP_OK(tftp_path_map("/etc/passwd", out, sizeof(out), &why) == 0 && strcmp(out, "etc/passwd") == 0,
	       "absolute path stays under the root");
	TAP_OK(tftp_path_map("a//./b\\c", out, sizeof(out), &why) == 0 && strcmp(out, "a/b/c") == 0, "separators normalised");
	TAP_OK(tftp_path_map("../x", out, sizeof(out), &why) == TFTP_EACCESS, "leading .. refused");
	TAP_OK(tftp_path_map("a/../x", out, sizeof(out), &why) == TFTP_EACCESS, "inner .. refused");
	TAP_OK(tftp_path_map("a/..", out, sizeof(out), &why) == TFTP_EACCESS, "trailing .. refused");
	TAP_OK(tftp_path_map("..\\..\\x", out, sizeof(out), &why) == TFTP_EACCESS, "backslash .. refused");
	TAP_OK(tftp_path_map("/tftpboot/../x", out, sizeof(out), &why) == TFTP_EACCESS, ".. after /tftpboot/ refused");
	TAP_OK(tftp_path_map("..a/b..", out, sizeof(out), &why) == 0, "dots inside names are fine");
	TAP_OK(tftp_path_map("a\rb", out, sizeof(out), &why) == TFTP_EACCESS, "CR refused");
	TAP_OK(tftp_path_map("a\x7f", out, sizeof(out), &why) == TFTP_EACCESS, "DEL refused");
	TAP_OK(tftp_path_map("/", out, sizeof(out), &why) == TFTP_EACCESS, "root itself refused");
	TAP_OK(tftp_path_map("abc", out, 3, &why) == TFTP_EACCESS, "result longer than the buffer refused");
	memset(longname, 'a', 256);
	longname[256] = 0;
	TAP_OK(tftp_path_map(longname, out, sizeof(out), &why) == TFTP_EACCESS, "256-byte name refused");
	TAP_OK(tftp_path_client("clients", "192.0.2.10", "vmlinuz", out, sizeof(out)) == 0 &&
	       strcmp(out, "clients/192.0.2.10/vmlinuz") == 0, "per-client name");
	TAP_OK(tftp_path_client("clients", "192.0.2.10", longname, out, 100) == -1, "per-client overflow refused");
	return tap_done();
}

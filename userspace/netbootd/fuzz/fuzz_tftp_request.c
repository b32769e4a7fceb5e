// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_tftp_request.c - libFuzzer harness for everything netbootd parses
 * from a TFTP peer: the request on port 69 (name, mode, options), the
 * option negotiation and OACK encoding that follow, the path policy, and
 * the packets of a running transfer fed to the state machine.
 */
#include <stdint.h>
#include <string.h>

#include "../tftp_path.h"
#include "../tftp_proto.h"
#include "../tftp_xfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The policy's promise: no absolute path and no ".." component. */
static int escapes(const char *p)
{
	size_t n = strlen(p);

	return p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	       strstr(p, "/../") || (n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_request req;
	struct tftp_packet pk;
	struct tftp_granted g;
	struct tftp_xfer x;
	struct tftp_limits lim = { .blksize_max = 1468, .window_max = 64, .timeout_default_s = 1 };
	uint8_t out[1500];
	char path[TFTP_NAME_MAX + 1];
	const char *why;
	int store;

	if (tftp_parse_request(data, size, &req, &why) == 0) {
		if (strlen(req.name) != req.name_len)
			__builtin_trap();
		tftp_negotiate(&req.opts, &lim, (int64_t)size, &g);
		if (g.blksize < TFTP_BLKSIZE_MIN || g.blksize > lim.blksize_max || g.windowsize > lim.window_max)
			__builtin_trap();
		tftp_encode_oack(out, sizeof(out), &g);
		if (tftp_path_map(req.name, path, sizeof(path), &why) == 0 && escapes(path))
			__builtin_trap();
	}
	if (tftp_parse_packet(data, size, &pk, &why) == 0) {
		xfer_init(&x, pk.op == TFTP_DATA, 0, 512, 4, 3);
		if (pk.op == TFTP_ACK)
			xfer_on_ack(&x, pk.block);
		else if (pk.op == TFTP_DATA)
			xfer_on_data(&x, pk.block, pk.data_len, &store);
	}
	if (size > 0) {
		size_t used;
		int carry = -1;

		tftp_netascii_encode(data, size, &used, out, sizeof(out) / 2, &carry);
	}
	return 0;
}

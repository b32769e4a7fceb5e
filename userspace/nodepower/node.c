/* node.c - one operation on one node: the sequence of backend calls that
 * makes it (open, boot device, power or status, close) and its message. */
#include <stdio.h>
#include <string.h>

#include "nodepower.h"

const char *np_op_name(enum np_op op)
{
	static const char *const names[] = { "on", "off", "soft", "reset", "cycle", "status", "bootdev" };

	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

const char *np_bootdev_name(enum np_bootdev dev)
{
	static const char *const names[] = { "pxe", "disk", "default" };

	return (unsigned)dev < sizeof(names) / sizeof(names[0]) ? names[dev] : "?";
}

static int run_open(const struct np_backend *b, void *sess, const struct np_request *req, char *msg, size_t msglen)
{
	const char *note = "";
	char err[NP_MSG_MAX] = "";
	int on = 0, rc;

	switch (req->op) {
	case NP_OP_STATUS:
		rc = b->status(sess, &on, err, sizeof(err));
		if (rc == NP_OK)
			snprintf(msg, msglen, "%s", on ? "on" : "off");
		break;
	case NP_OP_BOOTDEV:
		rc = b->bootdev(sess, req->dev, req->persistent, &note, err, sizeof(err));
		if (rc == NP_OK)
			snprintf(msg, msglen, "ok (%s)", note);
		break;
	case NP_OP_CYCLE:
		/* --netboot: a one-shot PXE boot device first, as MAAS does
		 * before every power-on; a cycle of a node that is off is an on
		 * (many BMCs refuse to cycle a chassis that is off). */
		rc = NP_OK;
		if (req->netboot)
			rc = b->bootdev(sess, NP_BOOT_PXE, 0, &note, err, sizeof(err));
		if (rc == NP_OK)
			rc = b->status(sess, &on, err, sizeof(err));
		if (rc == NP_OK)
			rc = b->power(sess, on ? NP_OP_CYCLE : NP_OP_ON, err, sizeof(err));
		if (rc == NP_OK)
			snprintf(msg, msglen, "ok (%s%s)", req->netboot ? "bootdev pxe, " : "",
				 on ? "cycled" : "was off: powered on");
		break;
	default:
		rc = b->power(sess, req->op, err, sizeof(err));
		if (rc == NP_OK)
			snprintf(msg, msglen, "ok");
		break;
	}
	if (rc != NP_OK)
		snprintf(msg, msglen, "%s: %s", rc == NP_ETIMEOUT ? "timeout" : "failed", err);
	return rc;
}

int np_node_run(const struct np_backend *b, const struct np_node *node, const struct np_cred *cred,
		const struct np_request *req, unsigned timeout_ms, char *msg, size_t msglen)
{
	char err[NP_MSG_MAX] = "";
	void *sess = NULL;
	int rc = b->open(node, cred, timeout_ms, &sess, err, sizeof(err));

	if (rc == NP_ENOTRUNNING) {
		/* QMP: no QEMU is a node that is off. */
		if (req->op == NP_OP_STATUS) {
			snprintf(msg, msglen, "off");
			return NP_OK;
		}
		if (req->op == NP_OP_OFF) {
			snprintf(msg, msglen, "ok (already off)");
			return NP_OK;
		}
	}
	if (rc != NP_OK) {
		snprintf(msg, msglen, "%s: %s", rc == NP_ETIMEOUT ? "timeout" : "failed", err);
		return rc;
	}
	rc = run_open(b, sess, req, msg, msglen);
	b->close(sess);
	return rc;
}

/* qmp.c - the qmp backend: a QEMU VM as a node, through its QMP socket
 * (-qmp unix:PATH,server=on,wait=off).  on = cont (a VM started with -S),
 * off = quit, soft = system_powerdown, reset and cycle = system_reset,
 * status = query-status, bootdev = HMP boot_set (the order SeaBIOS reads at
 * the next reset; QEMU keeps it until it is changed again).  No QEMU at the
 * socket is a node that is off: this backend cannot start one. */
#define _DEFAULT_SOURCE /* S_ISSOCK */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "nodepower.h"
#include "qmp_json.h"

#define QMP_LINE_MAX 65536

struct qmp_sess {
	int fd;
	double deadline;
	char path[NP_ADDR_MAX];
	size_t have;
	char buf[QMP_LINE_MAX];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_fd(struct qmp_sess *s, short events)
{
	struct pollfd p = { .fd = s->fd, .events = events };
	double left = s->deadline - now();
	int r;

	if (left <= 0)
		return NP_ETIMEOUT;
	r = poll(&p, 1, (int)(left * 1000) + 1);
	if (r == 0)
		return NP_ETIMEOUT;
	return r < 0 ? NP_EFAIL : NP_OK;
}

/* The next message (one line) into REPLY; EOF is NP_ENOTRUNNING. */
static int read_reply(struct qmp_sess *s, struct qmp_reply *reply, char *err, size_t errlen)
{
	for (;;) {
		char *nl = memchr(s->buf, '\n', s->have);

		if (nl) {
			size_t len = (size_t)(nl - s->buf) + 1;
			int rc = qmp_parse_line(s->buf, len, reply);

			memmove(s->buf, s->buf + len, s->have - len);
			s->have -= len;
			if (rc < 0) {
				snprintf(err, errlen, "QMP %s: a reply that is not QMP JSON", s->path);
				return NP_EFAIL;
			}
			return NP_OK;
		}
		if (s->have == sizeof(s->buf)) {
			snprintf(err, errlen, "QMP %s: a reply longer than %d bytes", s->path, QMP_LINE_MAX);
			return NP_EFAIL;
		}
		int rc = wait_fd(s, POLLIN);
		if (rc == NP_ETIMEOUT) {
			snprintf(err, errlen, "QMP %s: no reply in time", s->path);
			return rc;
		}
		ssize_t got = rc == NP_OK ? read(s->fd, s->buf + s->have, sizeof(s->buf) - s->have) : -1;
		/* A QEMU that quits may reset the connection rather than close it. */
		if (got == 0 || (got < 0 && errno == ECONNRESET)) {
			snprintf(err, errlen, "QMP %s: QEMU closed the connection", s->path);
			return NP_ENOTRUNNING;
		}
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(err, errlen, "QMP %s: %s", s->path, strerror(errno));
			return NP_EFAIL;
		}
		s->have += (size_t)got;
	}
}

/* Send one command and wait for its return (events are skipped). */
static int command(struct qmp_sess *s, const char *json, struct qmp_reply *reply, char *err, size_t errlen)
{
	size_t len = strlen(json), off = 0;

	while (off < len) {
		int rc = wait_fd(s, POLLOUT);
		ssize_t w;

		if (rc != NP_OK) {
			snprintf(err, errlen, "QMP %s: cannot send", s->path);
			return rc;
		}
		w = send(s->fd, json + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno != EINTR && errno != EAGAIN) {
			snprintf(err, errlen, "QMP %s: %s", s->path, strerror(errno));
			return errno == EPIPE ? NP_ENOTRUNNING : NP_EFAIL;
		}
		if (w > 0)
			off += (size_t)w;
	}
	for (;;) {
		int rc = read_reply(s, reply, err, errlen);

		if (rc != NP_OK)
			return rc;
		if (reply->kind == QMP_EVENT)
			continue;
		if (reply->kind == QMP_ERROR) {
			snprintf(err, errlen, "QMP %s: %s", s->path, reply->text[0] ? reply->text : "error");
			return NP_EFAIL;
		}
		if (reply->kind == QMP_RETURN)
			return NP_OK;
		snprintf(err, errlen, "QMP %s: unexpected greeting", s->path);
		return NP_EFAIL;
	}
}

static int qmp_open(const struct np_node *node, const struct np_cred *cred, unsigned timeout_ms, void **sessp,
		    char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct qmp_reply reply;
	struct qmp_sess *s;
	int rc;

	(void)cred;
	if (strlen(node->addr) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "QMP socket path %s is too long", node->addr);
		return NP_EFAIL;
	}
	struct stat st;
	if (stat(node->addr, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "QMP socket %s is not a socket", node->addr);
		return NP_EFAIL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NP_EFAIL;
	}
	np_strlcpy(s->path, node->addr, sizeof(s->path));
	np_strlcpy(sa.sun_path, node->addr, sizeof(sa.sun_path));
	s->deadline = now() + timeout_ms / 1000.0;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		snprintf(err, errlen, "no QEMU listening on %s (%s)", node->addr, strerror(e));
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return (e == ENOENT || e == ECONNREFUSED) ? NP_ENOTRUNNING : NP_EFAIL;
	}
	rc = read_reply(s, &reply, err, errlen);
	if (rc == NP_OK && reply.kind != QMP_GREETING) {
		snprintf(err, errlen, "QMP %s: no QMP greeting", s->path);
		rc = NP_EFAIL;
	}
	if (rc == NP_OK)
		rc = command(s, "{\"execute\":\"qmp_capabilities\"}\r\n", &reply, err, errlen);
	if (rc != NP_OK) {
		close(s->fd);
		free(s);
		return rc;
	}
	*sessp = s;
	return NP_OK;
}

static int query_running(struct qmp_sess *s, int *on, char *err, size_t errlen)
{
	struct qmp_reply reply;
	int rc = command(s, "{\"execute\":\"query-status\"}\r\n", &reply, err, errlen);

	if (rc == NP_OK)
		*on = strcmp(reply.status, "running") == 0;
	return rc;
}

static int qmp_status(void *sess, int *on, char *err, size_t errlen)
{
	return query_running(sess, on, err, errlen);
}

static int qmp_power(void *sess, enum np_op op, char *err, size_t errlen)
{
	struct qmp_sess *s = sess;
	struct qmp_reply reply;
	int on = 0, rc;

	switch (op) {
	case NP_OP_ON:
		rc = query_running(s, &on, err, errlen);
		if (rc != NP_OK || on)
			return rc;
		return command(s, "{\"execute\":\"cont\"}\r\n", &reply, err, errlen);
	case NP_OP_OFF:
		rc = command(s, "{\"execute\":\"quit\"}\r\n", &reply, err, errlen);
		if (rc == NP_ENOTRUNNING)
			return NP_OK; /* gone before its answer reached us */
		if (rc != NP_OK)
			return rc;
		/* Off means QEMU is gone: wait for it to close the socket. */
		for (;;) {
			rc = read_reply(s, &reply, err, errlen);
			if (rc == NP_ENOTRUNNING)
				return NP_OK;
			if (rc != NP_OK)
				return rc;
		}
	case NP_OP_SOFT:
		return command(s, "{\"execute\":\"system_powerdown\"}\r\n", &reply, err, errlen);
	case NP_OP_RESET:
	case NP_OP_CYCLE:
		return command(s, "{\"execute\":\"system_reset\"}\r\n", &reply, err, errlen);
	default:
		snprintf(err, errlen, "qmp: no such power operation");
		return NP_EFAIL;
	}
}

static int qmp_bootdev(void *sess, enum np_bootdev dev, int persistent, const char **note, char *err,
		       size_t errlen)
{
	struct qmp_sess *s = sess;
	struct qmp_reply reply;
	char cmd[160];
	/* QEMU's boot order letters: n network, c first hard disk; "cad" is
	 * its default order for a PC. */
	const char *order = dev == NP_BOOT_PXE ? "n" : dev == NP_BOOT_DISK ? "c" : "cad";
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"boot_set %s\"}}\r\n", order);
	rc = command(s, cmd, &reply, err, errlen);
	if (rc != NP_OK)
		return rc;
	/* HMP answers in text: "boot device list now set to n" on success
	 * (QEMU 7.2), nothing in older versions, a reason otherwise. */
	if (reply.text[0] && !strstr(reply.text, "now set to")) {
		reply.text[strcspn(reply.text, "\r\n")] = '\0';
		snprintf(err, errlen, "QMP %s: boot_set %s: %s", s->path, order, reply.text);
		return NP_EFAIL;
	}
	*note = persistent ? "persistent" : "until changed: QEMU has no next-boot-only order over QMP";
	return NP_OK;
}

static void qmp_close(void *sess)
{
	struct qmp_sess *s = sess;

	close(s->fd);
	free(s);
}

const struct np_backend np_backend_qmp = {
	.name = "qmp",
	.open = qmp_open,
	.power = qmp_power,
	.status = qmp_status,
	.bootdev = qmp_bootdev,
	.close = qmp_close,
};

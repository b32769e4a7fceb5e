/* test_nodepower_fanout.c - the fan-out with fake slow, hung and crashing
 * jobs (the bound holds, a hung job is killed at its deadline and never
 * stalls the others), and the node sequence with a fake backend. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../../tests/unit/tap.h"
#include "../nodepower.h"

enum behaviour { QUICK, SLOW, HANG, CRASH, FAIL, TIMEOUT };

struct shared {
	int inflight, max_inflight;
	pid_t pids[16];
};

struct ctx {
	const enum behaviour *what;
	struct shared *sh;
	size_t order[16], ndone;
};

static int job(size_t idx, void *vctx, char *msg, size_t msglen)
{
	struct ctx *c = vctx;
	int now = __atomic_add_fetch(&c->sh->inflight, 1, __ATOMIC_SEQ_CST);
	int max = __atomic_load_n(&c->sh->max_inflight, __ATOMIC_SEQ_CST);
	int rc = NP_OK;

	while (now > max && !__atomic_compare_exchange_n(&c->sh->max_inflight, &max, now, 0, __ATOMIC_SEQ_CST,
							 __ATOMIC_SEQ_CST))
		;
	c->sh->pids[idx] = getpid();
	switch (c->what[idx]) {
	case QUICK: usleep(10000); snprintf(msg, msglen, "ok %zu", idx); break;
	case SLOW: usleep(150000); snprintf(msg, msglen, "ok %zu", idx); break;
	case HANG: for (;;) pause(); /* a BMC that never answers */
	case CRASH: abort();
	case FAIL: snprintf(msg, msglen, "failed: password invalid"); rc = NP_EFAIL; break;
	case TIMEOUT: snprintf(msg, msglen, "timeout: connection timeout"); rc = NP_ETIMEOUT; break;
	}
	__atomic_sub_fetch(&c->sh->inflight, 1, __ATOMIC_SEQ_CST);
	return rc;
}

static void done(size_t idx, const struct np_result *res, void *vctx)
{
	struct ctx *c = vctx;

	(void)res;
	c->order[c->ndone++] = idx;
}

static struct shared *shared_new(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (sh == MAP_FAILED)
		abort();
	memset(sh, 0, sizeof(*sh));
	return sh;
}

static void test_bound(void)
{
	static const enum behaviour what[8] = { SLOW, SLOW, SLOW, SLOW, SLOW, SLOW, SLOW, SLOW };
	struct ctx c = { what, shared_new(), { 0 }, 0 };
	struct np_result res[8];
	int bad = np_fanout(8, 3, 10000, job, done, &c, res);
	int all_ok = 1;

	for (int i = 0; i < 8; i++) {
		char want[16];

		snprintf(want, sizeof(want), "ok %d", i);
		all_ok &= res[i].outcome == NP_RESULT_OK && strcmp(res[i].msg, want) == 0;
	}
	TAP_OK(bad == 0 && all_ok && c.ndone == 8, "fanout: 8 slow jobs all succeed, each with its own message");
	TAP_OK(c.sh->max_inflight >= 2 && c.sh->max_inflight <= 3,
	       "fanout: --fanout 3 keeps at most 3 in flight (saw %d)", c.sh->max_inflight);
	munmap(c.sh, sizeof(*c.sh));
}

static void test_hung(void)
{
	static const enum behaviour what[6] = { HANG, QUICK, QUICK, QUICK, QUICK, QUICK };
	struct ctx c = { what, shared_new(), { 0 }, 0 };
	struct np_result res[6];
	int bad = np_fanout(6, 2, 1500, job, done, &c, res);

	TAP_OK(bad == 1, "fanout: one hung job of six is the one failure (got %d)", bad);
	TAP_OK(res[0].outcome == NP_RESULT_TIMEOUT && strcmp(res[0].msg, "timeout after 1.5 s") == 0,
	       "fanout: the hung job is reported as 'timeout after 1.5 s' (got '%s')", res[0].msg);
	TAP_OK(res[0].secs >= 1.5, "fanout: it was given its whole limit (%.2f s)", res[0].secs);
	TAP_OK(c.ndone == 6 && c.order[5] == 0, "fanout: the five others finished while it hung (it ended last)");
	TAP_OK(kill(c.sh->pids[0], 0) < 0 && errno == ESRCH, "fanout: the hung worker was killed and reaped");
	munmap(c.sh, sizeof(*c.sh));
}

static void test_failures(void)
{
	static const enum behaviour what[4] = { CRASH, FAIL, TIMEOUT, QUICK };
	struct ctx c = { what, shared_new(), { 0 }, 0 };
	struct np_result res[4];
	int bad = np_fanout(4, 4, 5000, job, NULL, &c, res);

	TAP_OK(bad == 3, "fanout: a crash, a failure and a reported timeout are three failures");
	TAP_OK(res[0].outcome == NP_RESULT_FAILED && strstr(res[0].msg, "signal 6"),
	       "fanout: a crashed worker is a failure naming its signal (%s)", res[0].msg);
	TAP_OK(res[1].outcome == NP_RESULT_FAILED && strcmp(res[1].msg, "failed: password invalid") == 0,
	       "fanout: a job's failure message comes through");
	TAP_OK(res[2].outcome == NP_RESULT_TIMEOUT && strcmp(res[2].msg, "timeout: connection timeout") == 0,
	       "fanout: a timeout the backend saw is a timeout");
	TAP_OK(res[3].outcome == NP_RESULT_OK, "fanout: the good job still succeeds");
	TAP_OK(np_fanout(0, 4, 1000, job, NULL, &c, res) == 0, "fanout: no jobs, no failures");
	munmap(c.sh, sizeof(*c.sh));
}

/* ------------------------------------------------------- node sequence */
static char calls[256];
static int fake_on, fake_open_rc;

static void called(const char *what)
{
	strncat(calls, what, sizeof(calls) - strlen(calls) - 1);
	strncat(calls, " ", sizeof(calls) - strlen(calls) - 1);
}

static int f_open(const struct np_node *n, const struct np_cred *cr, unsigned t, void **s, char *err, size_t len)
{
	(void)n, (void)cr, (void)t;
	called("open");
	*s = calls;
	if (fake_open_rc)
		snprintf(err, len, "no QEMU listening");
	return fake_open_rc;
}

static int f_power(void *s, enum np_op op, char *err, size_t len)
{
	(void)s, (void)err, (void)len;
	called(np_op_name(op));
	return NP_OK;
}

static int f_status(void *s, int *on, char *err, size_t len)
{
	(void)s, (void)err, (void)len;
	called("status");
	*on = fake_on;
	return NP_OK;
}

static int f_bootdev(void *s, enum np_bootdev dev, int persistent, const char **note, char *err, size_t len)
{
	(void)s, (void)err, (void)len;
	called(np_bootdev_name(dev));
	*note = persistent ? "persistent" : "next boot";
	return NP_OK;
}

static void f_close(void *s)
{
	(void)s;
	called("close");
}

static const struct np_backend fake = { "fake", f_open, f_power, f_status, f_bootdev, f_close };

static const char *run(enum np_op op, int netboot, int on, int open_rc, char *msg, size_t len)
{
	struct np_node node = { .name = "n1" };
	struct np_request req = { .op = op, .dev = NP_BOOT_PXE, .netboot = netboot };

	calls[0] = '\0';
	fake_on = on;
	fake_open_rc = open_rc;
	np_node_run(&fake, &node, NULL, &req, 1000, msg, len);
	return calls;
}

static void test_sequence(void)
{
	char msg[NP_MSG_MAX];

	TAP_STREQ(run(NP_OP_CYCLE, 1, 1, NP_OK, msg, sizeof(msg)), "open pxe status cycle close ",
		  "node: cycle --netboot of a node that is on: one-shot PXE, then cycle");
	TAP_STREQ(msg, "ok (bootdev pxe, cycled)", "node: ... and says so");
	TAP_STREQ(run(NP_OP_CYCLE, 1, 0, NP_OK, msg, sizeof(msg)), "open pxe status on close ",
		  "node: cycle --netboot of a node that is off powers it on");
	TAP_STREQ(run(NP_OP_CYCLE, 0, 1, NP_OK, msg, sizeof(msg)), "open status cycle close ",
		  "node: a plain cycle sets no boot device");
	TAP_STREQ(run(NP_OP_STATUS, 0, 1, NP_OK, msg, sizeof(msg)), "open status close ", "node: status");
	TAP_STREQ(msg, "on", "node: status says on");
	TAP_STREQ(run(NP_OP_BOOTDEV, 0, 0, NP_OK, msg, sizeof(msg)), "open pxe close ", "node: bootdev");
	TAP_STREQ(msg, "ok (next boot)", "node: bootdev says next boot");
	TAP_STREQ(run(NP_OP_STATUS, 0, 0, NP_ENOTRUNNING, msg, sizeof(msg)), "open ",
		  "node: no QEMU at the socket: nothing more is called");
	TAP_STREQ(msg, "off", "node: ... and the node is off");
	TAP_STREQ(run(NP_OP_OFF, 0, 0, NP_ENOTRUNNING, msg, sizeof(msg)), "open ", "node: off of a node without QEMU");
	TAP_STREQ(msg, "ok (already off)", "node: ... is already done");
	run(NP_OP_ON, 0, 0, NP_ENOTRUNNING, msg, sizeof(msg));
	TAP_STREQ(msg, "failed: no QEMU listening", "node: on of a node without QEMU fails");
	run(NP_OP_STATUS, 0, 0, NP_ETIMEOUT, msg, sizeof(msg));
	TAP_OK(strncmp(msg, "timeout: ", 9) == 0, "node: a backend timeout reads 'timeout: ...' (%s)", msg);
}

int main(void)
{
	test_bound();
	test_hung();
	test_failures();
	test_sequence();
	return tap_done();
}

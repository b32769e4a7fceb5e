// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_loop.c - the event loop: timer order and cancellation,
 * fd callbacks, an fd deleted by an earlier callback of the same round
 * (its stale event must not be delivered), and a parked fd (no events
 * while out of the set, its pending input reported once it is back).
 */
#define _GNU_SOURCE
#include "../../../tests/unit/tap.h"
#include "../loop.h"

#include <stdlib.h>
#include <unistd.h>

static char order[16];
static int norder;
static struct loop_timer *victim;

static void mark(struct loop *l, void *ctx)
{
	(void)l;
	order[norder++] = *(const char *)ctx;
}

static void cancel_victim(struct loop *l, void *ctx)
{
	mark(l, ctx);
	loop_timer_cancel(l, victim);
}

static void stop(struct loop *l, void *ctx)
{
	(void)ctx;
	loop_stop(l);
}

static int pa[2], pb[2], a_calls, b_calls;
static int pc[2], c_calls;
static uint32_t c_events;

static void on_c(struct loop *l, int fd, uint32_t ev, void *ctx)
{
	(void)fd;
	(void)ctx;
	c_calls++;
	c_events = ev;
	loop_stop(l);
}

/* Whichever pipe fires first deletes (and closes) the other one. */
static void on_a(struct loop *l, int fd, uint32_t ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	a_calls++;
	if (loop_del_fd(l, pb[0]) == 0)
		close(pb[0]);
	loop_del_fd(l, fd);
	loop_stop(l);
}

static void on_b(struct loop *l, int fd, uint32_t ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	b_calls++;
	if (loop_del_fd(l, pa[0]) == 0)
		close(pa[0]);
	loop_del_fd(l, fd);
	loop_stop(l);
}

int main(void)
{
	struct loop *l = loop_new();
	static const char a = 'a', b = 'b', c = 'c', d = 'd', e = 'e';
	uint64_t t0;

	TAP_OK(l != NULL, "loop_new");
	t0 = loop_now_ms(l);
	loop_timer_add(l, 30, mark, (void *)&c);
	loop_timer_add(l, 10, mark, (void *)&a);
	loop_timer_add(l, 10, mark, (void *)&b);	/* same time: after a */
	victim = loop_timer_add(l, 40, mark, (void *)&e);
	loop_timer_add(l, 20, cancel_victim, (void *)&d);
	loop_timer_add(l, 60, stop, NULL);
	TAP_OK(loop_run(l) == 0, "loop runs until stopped");
	order[norder] = 0;
	TAP_STREQ(order, "abdc", "timers fire by due time, ties in order added; a cancelled one never");
	TAP_OK(loop_now_ms(l) - t0 >= 60, "the clock advanced past the last timer");

	TAP_OK(pipe(pa) == 0 && pipe(pb) == 0, "pipes");
	TAP_OK(loop_add_fd(l, pa[0], EPOLLIN, on_a, NULL) == 0 &&
	       loop_add_fd(l, pb[0], EPOLLIN, on_b, NULL) == 0, "two fds watched");
	TAP_OK(loop_add_fd(l, pa[0], EPOLLIN, on_a, NULL) < 0, "adding an fd twice fails");
	/* Both readable before the loop runs: one epoll_wait returns both. */
	TAP_OK(write(pa[1], "x", 1) == 1 && write(pb[1], "x", 1) == 1, "both pipes readable");
	loop_run(l);
	TAP_OK(a_calls + b_calls == 1, "the fd deleted by the first callback got no stale event (a=%d b=%d)",
	       a_calls, b_calls);
	TAP_OK(loop_mod_fd(l, pa[0], EPOLLIN) < 0, "modifying a deleted fd fails");
	close(pa[1]);
	close(pb[1]);
	close(a_calls ? pa[0] : pb[0]);

	TAP_OK(pipe(pc) == 0 && loop_add_fd(l, pc[0], EPOLLIN, on_c, NULL) == 0, "a third fd watched");
	TAP_OK(loop_park_fd(l, pc[0]) == 0 && loop_park_fd(l, pc[0]) == 0, "parked (twice: no error)");
	TAP_OK(write(pc[1], "x", 1) == 1, "the parked pipe is readable");
	loop_timer_add(l, 30, stop, NULL);
	loop_run(l);
	TAP_OK(c_calls == 0, "a parked fd gets no event (%d)", c_calls);
	TAP_OK(loop_mod_fd(l, pc[0], EPOLLIN | EPOLLOUT) == 0, "modifying a parked fd succeeds");
	TAP_OK(loop_add_fd(l, pc[0], EPOLLIN, on_c, NULL) < 0, "a parked fd is still registered");
	TAP_OK(loop_unpark_fd(l, pc[0]) == 0 && loop_unpark_fd(l, pc[0]) == 0, "unparked (twice: no error)");
	loop_run(l);
	TAP_OK(c_calls == 1 && (c_events & EPOLLIN), "input that came while parked is reported after");
	TAP_OK(loop_park_fd(l, pc[0]) == 0 && loop_del_fd(l, pc[0]) == 0, "a parked fd can be deleted");
	TAP_OK(loop_unpark_fd(l, pc[0]) < 0 && loop_park_fd(l, pc[0]) < 0, "... and is then unknown");
	/* A pipe's write end is writable and never readable: it is reported
	 * only if the EPOLLOUT set while parked is what is watched after. */
	c_calls = 0;
	TAP_OK(loop_add_fd(l, pc[1], EPOLLIN, on_c, NULL) == 0 && loop_park_fd(l, pc[1]) == 0 &&
	       loop_mod_fd(l, pc[1], EPOLLOUT) == 0 && loop_unpark_fd(l, pc[1]) == 0,
	       "write end: parked, mod to EPOLLOUT, unparked");
	loop_run(l);
	TAP_OK(c_calls == 1 && (c_events & EPOLLOUT), "the events set while parked are the ones watched after");
	loop_del_fd(l, pc[1]);
	close(pc[0]);
	close(pc[1]);
	loop_timer_add(l, 1000, stop, NULL);	/* freed by loop_free */
	loop_free(l);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - epoll plus a binary min-heap of one-shot timers.
 *
 * Registrations live in a table indexed by fd.  The epoll cookie carries
 * the fd and a generation number, so an event fetched in the same
 * epoll_wait batch for an fd that a callback has since deleted (or
 * deleted and re-added) is recognised as stale and skipped instead of
 * calling a freed context.  A parked fd keeps its registration (callback,
 * events, generation) while it is out of the epoll set.
 */
#define _GNU_SOURCE
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct loop_reg {
	loop_io_fn fn;
	void *ctx;
	uint32_t gen;		/* 0: slot unused */
	uint32_t events;	/* what it is watched for, parked or not */
	int parked;		/* out of the epoll set (loop_park_fd) */
};

struct loop_timer {
	uint64_t due;
	uint64_t seq;		/* ties fire in the order they were added */
	size_t idx;		/* position in the heap */
	loop_timer_fn fn;
	void *ctx;
};

struct loop {
	int epfd;
	int stop;
	uint64_t now;
	uint32_t next_gen;
	uint64_t next_seq;
	struct loop_reg *regs;
	size_t nregs;
	struct loop_timer **heap;
	size_t nheap, capheap;
};

static uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->now = clock_ms();
	l->next_gen = 1;
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nheap; i++)
		free(l->heap[i]);
	free(l->heap);
	free(l->regs);
	close(l->epfd);
	free(l);
}

static uint64_t cookie(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_io_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = events };

	if (fd < 0 || !fn) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)fd >= l->nregs) {
		size_t n = (size_t)fd + 16;
		struct loop_reg *r = realloc(l->regs, n * sizeof(*r));

		if (!r)
			return -1;
		for (size_t i = l->nregs; i < n; i++)
			r[i] = (struct loop_reg){ 0 };
		l->regs = r;
		l->nregs = n;
	}
	if (l->regs[fd].gen) {
		errno = EEXIST;
		return -1;
	}
	if (++l->next_gen == 0)
		l->next_gen = 1;
	ev.data.u64 = cookie(fd, l->next_gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	l->regs[fd] = (struct loop_reg){ .fn = fn, .ctx = ctx, .gen = l->next_gen, .events = events };
	return 0;
}

static struct loop_reg *reg_of(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nregs || !l->regs[fd].gen) {
		errno = ENOENT;
		return NULL;
	}
	return &l->regs[fd];
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_reg *r = reg_of(l, fd);
	struct epoll_event ev = { .events = events };

	if (!r)
		return -1;
	if (r->parked) {
		r->events = events;	/* takes effect at loop_unpark_fd() */
		return 0;
	}
	ev.data.u64 = cookie(fd, r->gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -1;
	r->events = events;
	return 0;
}

int loop_park_fd(struct loop *l, int fd)
{
	struct loop_reg *r = reg_of(l, fd);

	if (!r)
		return -1;
	if (r->parked)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) < 0)
		return -1;
	r->parked = 1;
	return 0;
}

int loop_unpark_fd(struct loop *l, int fd)
{
	struct loop_reg *r = reg_of(l, fd);
	struct epoll_event ev;

	if (!r)
		return -1;
	if (!r->parked)
		return 0;
	/* The same cookie: an event fetched before the park is still this
	 * registration's, not a stale one. */
	ev.events = r->events;
	ev.data.u64 = cookie(fd, r->gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	r->parked = 0;
	return 0;
}

int loop_del_fd(struct loop *l, int fd)
{
	struct loop_reg *r = reg_of(l, fd);
	int parked;

	if (!r)
		return -1;
	parked = r->parked;
	*r = (struct loop_reg){ 0 };
	return parked ? 0 : epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* ---- timer heap ---- */

static int timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!timer_before(t, l->heap[p]))
			break;
		heap_set(l, i, l->heap[p]);
		i = p;
	}
	heap_set(l, i, t);
}

static void heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

static void heap_remove(struct loop *l, size_t i)
{
	struct loop_timer *last = l->heap[--l->nheap];

	if (i == l->nheap)
		return;
	heap_set(l, i, last);
	heap_down(l, i);
	heap_up(l, last->idx);
}

struct loop_timer *loop_timer_add(struct loop *l, uint64_t delay_ms,
				  loop_timer_fn fn, void *ctx)
{
	struct loop_timer *t;

	if (l->nheap == l->capheap) {
		size_t n = l->capheap ? 2 * l->capheap : 16;
		struct loop_timer **h = realloc(l->heap, n * sizeof(*h));

		if (!h)
			return NULL;
		l->heap = h;
		l->capheap = n;
	}
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	*t = (struct loop_timer){ .due = l->now + delay_ms, .seq = l->next_seq++,
				  .fn = fn, .ctx = ctx };
	heap_set(l, l->nheap++, t);
	heap_up(l, t->idx);
	return t;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t)
		return;
	heap_remove(l, t->idx);
	free(t);
}

uint64_t loop_now_ms(struct loop *l)
{
	return l->now;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

/* Fires every timer that is due; each one's handle is freed before its
 * callback runs, so the callback may add timers freely. */
static void run_timers(struct loop *l)
{
	while (l->nheap && l->heap[0]->due <= l->now && !l->stop) {
		struct loop_timer *t = l->heap[0];
		loop_timer_fn fn = t->fn;
		void *ctx = t->ctx;

		heap_remove(l, 0);
		free(t);
		fn(l, ctx);
	}
}

static int next_timeout(struct loop *l)
{
	uint64_t d;

	if (!l->nheap)
		return -1;
	if (l->heap[0]->due <= l->now)
		return 0;
	d = l->heap[0]->due - l->now;
	return d > 60000 ? 60000 : (int)d;
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[64];

	l->stop = 0;
	while (!l->stop) {
		int n;

		l->now = clock_ms();
		run_timers(l);
		if (l->stop)
			break;
		n = epoll_wait(l->epfd, evs, 64, next_timeout(l));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		l->now = clock_ms();
		for (int i = 0; i < n && !l->stop; i++) {
			int fd = (int)(uint32_t)evs[i].data.u64;
			uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
			struct loop_reg *r;

			if ((size_t)fd >= l->nregs || l->regs[fd].gen != gen)
				continue;	/* deleted earlier in this round */
			r = &l->regs[fd];
			r->fn(l, fd, evs[i].events, r->ctx);
		}
	}
	return 0;
}

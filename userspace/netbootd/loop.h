/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loop.h - netbootd's one event loop: epoll for file descriptors plus
 * one-shot millisecond timers.  Single-threaded; every callback runs on
 * the thread that called loop_run().
 *
 * Callbacks may add, modify or delete any fd (their own included) and
 * add or cancel any timer: an event already fetched for an fd that was
 * deleted (or deleted and re-added) in the same round is not delivered.
 */
#ifndef NETBOOTD_LOOP_H
#define NETBOOTD_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct loop;			/* opaque */
struct loop_timer;		/* opaque; valid until it fires or is cancelled */

/* events: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as returned by epoll. */
typedef void (*loop_io_fn)(struct loop *l, int fd, uint32_t events, void *ctx);
typedef void (*loop_timer_fn)(struct loop *l, void *ctx);

struct loop *loop_new(void);
/* Frees pending timers and registrations; closes no fd. */
void loop_free(struct loop *l);

/* 0 on success, -1 with errno set (EEXIST when fd is already watched). */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_io_fn fn, void *ctx);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
/* Call before close(fd); a parked fd too. */
int loop_del_fd(struct loop *l, int fd);
/* Takes fd out of the epoll set and keeps its registration; loop_unpark_fd()
 * puts it back (level-triggered: what is pending then is reported at the
 * next wait).  For a socket drained in a loop of its own: in the set, its
 * wait queue holds epoll's entry, and the kernel runs epoll's callback for
 * every datagram queued to it and every one it sent that is freed, even
 * while nobody waits.  loop_mod_fd() on a parked fd is remembered. */
int loop_park_fd(struct loop *l, int fd);
int loop_unpark_fd(struct loop *l, int fd);

/* One-shot: fn runs once, delay_ms after now; the handle is then gone.
 * NULL on allocation failure. */
struct loop_timer *loop_timer_add(struct loop *l, uint64_t delay_ms,
				  loop_timer_fn fn, void *ctx);
/* Cancels a pending timer; t must not have fired yet.  NULL is ignored. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* CLOCK_MONOTONIC in milliseconds, refreshed once per loop iteration. */
uint64_t loop_now_ms(struct loop *l);

/* Runs until loop_stop(); 0 then, -1 if epoll itself fails. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif /* NETBOOTD_LOOP_H */

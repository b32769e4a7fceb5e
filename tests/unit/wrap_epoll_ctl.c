// SPDX-License-Identifier: GPL-2.0
/*
 * wrap_epoll_ctl.c - fault injection for build/t/tftp_serve_unparkfail,
 * linked with -Wl,--wrap=epoll_ctl: the first NBT_FAIL_READD (default 0)
 * times an fd that left the epoll set is added back, the add fails with
 * ENOMEM, as the kernel's would for want of memory.  That is the shared
 * port's unpark (loop_unpark_fd); its retry timer must bring the socket
 * back (tests/unit/test_tftp_shared.sh).  Adds of fds never deleted
 * (startup) pass.  It sees no close(): an fd number deleted, closed and
 * reused would count as a re-add, but in shared-port mode no registered
 * fd is closed while the server runs.  At exit it prints how many it
 * failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>

int __real_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);

#define FD_TRACKED 1024
static unsigned char left[FD_TRACKED];	/* deleted, not yet back */
static long failed, to_fail = -1;

int __wrap_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int r;

	if (to_fail < 0) {
		const char *v = getenv("NBT_FAIL_READD");

		to_fail = v ? strtol(v, NULL, 10) : 0;
	}
	if (op == EPOLL_CTL_ADD && fd >= 0 && fd < FD_TRACKED && left[fd] && failed < to_fail) {
		failed++;
		errno = ENOMEM;
		return -1;
	}
	r = __real_epoll_ctl(epfd, op, fd, ev);
	if (r == 0 && fd >= 0 && fd < FD_TRACKED)
		left[fd] = op == EPOLL_CTL_DEL;
	return r;
}

__attribute__((destructor)) static void report(void)
{
	fprintf(stderr, "wrap_epoll_ctl: failed %ld re-adds\n", failed);
}

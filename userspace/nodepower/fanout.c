/* fanout.c - run one job per node in child processes: a bounded number in
 * flight, a deadline per job, a result per job.  A child that does not
 * finish by its deadline is killed, so one dead controller costs its own
 * timeout and never stalls the others (the rack-wide hangs xCAT and
 * Warewulf users report).  A child is a fork, never an exec: credentials
 * stay in memory and off every command line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nodepower.h"

struct slot {
	size_t idx;
	pid_t pid;
	int fd;
	double start;
	size_t got;
	char buf[NP_MSG_MAX + 1]; /* code byte, then the message */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int start_job(struct slot *s, size_t idx, np_job_fn job, void *ctx)
{
	int fds[2];

	if (pipe(fds) < 0)
		return -1;
	s->idx = idx;
	s->got = 0;
	s->start = now();
	s->pid = fork();
	if (s->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (s->pid == 0) {
		char out[NP_MSG_MAX + 1];
		int rc;

		close(fds[0]);
		signal(SIGPIPE, SIG_IGN);
		out[1] = '\0';
		rc = job(idx, ctx, out + 1, sizeof(out) - 1);
		out[0] = (char)(rc == NP_OK ? 'o' : rc == NP_ETIMEOUT ? 't' : 'f');
		if (write(fds[1], out, 1 + strnlen(out + 1, sizeof(out) - 2)) < 0)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	s->fd = fds[0];
	return 0;
}

static void finish(struct slot *s, struct np_result *r, int timed_out, unsigned timeout_ms)
{
	int status = 0;

	if (timed_out)
		kill(s->pid, SIGKILL);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(s->fd);
	r->secs = now() - s->start;
	s->buf[s->got] = '\0';
	if (timed_out) {
		r->outcome = NP_RESULT_TIMEOUT;
		snprintf(r->msg, sizeof(r->msg), "timeout after %g s", timeout_ms / 1000.0);
	} else if (s->got == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		r->outcome = NP_RESULT_FAILED;
		if (WIFSIGNALED(status))
			snprintf(r->msg, sizeof(r->msg), "failed: worker killed by signal %d", WTERMSIG(status));
		else
			snprintf(r->msg, sizeof(r->msg), "failed: worker ended without a result");
	} else {
		r->outcome = s->buf[0] == 'o' ? NP_RESULT_OK : s->buf[0] == 't' ? NP_RESULT_TIMEOUT : NP_RESULT_FAILED;
		np_strlcpy(r->msg, s->buf + 1, sizeof(r->msg));
	}
}

int np_fanout(size_t n, size_t max_inflight, unsigned timeout_ms, np_job_fn job, np_done_fn done, void *ctx,
	      struct np_result *res)
{
	struct slot *slots;
	struct pollfd *pfd;
	size_t next = 0, inflight = 0;
	int failures = 0;

	if (max_inflight == 0)
		max_inflight = 1;
	if (max_inflight > n)
		max_inflight = n;
	if (n == 0)
		return 0;
	slots = calloc(max_inflight, sizeof(*slots));
	pfd = calloc(max_inflight, sizeof(*pfd));
	if (!slots || !pfd) {
		free(slots);
		free(pfd);
		return -1;
	}
	/* Flush before forking, or the children would repeat our output. */
	fflush(NULL);
	while (next < n || inflight > 0) {
		while (next < n && inflight < max_inflight) {
			if (start_job(&slots[inflight], next, job, ctx) < 0) {
				failures = -1;
				next = n; /* start nothing more; finish what runs */
				break;
			}
			next++;
			inflight++;
		}
		if (inflight == 0)
			break;

		double t = now(), wait = 1e9;
		for (size_t i = 0; i < inflight; i++) {
			double left = slots[i].start + timeout_ms / 1000.0 - t;

			if (left < wait)
				wait = left;
			pfd[i].fd = slots[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		int ms = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
		if (poll(pfd, inflight, ms) < 0 && errno != EINTR) {
			failures = -1;
			ms = 0;
		}

		t = now();
		for (size_t i = 0; i < inflight;) {
			struct slot *s = &slots[i];
			int ended = 0, timed_out = 0;

			if (pfd[i].revents) {
				ssize_t r = read(s->fd, s->buf + s->got, sizeof(s->buf) - 1 - s->got);

				if (r > 0)
					s->got += (size_t)r;
				/* EOF, an error, or a full message: the job is over. */
				if (r <= 0 || s->got == sizeof(s->buf) - 1)
					ended = 1;
				pfd[i].revents = 0;
			}
			if (!ended && t - s->start >= timeout_ms / 1000.0)
				ended = timed_out = 1;
			if (!ended) {
				i++;
				continue;
			}
			struct np_result *rp = &res[s->idx];
			finish(s, rp, timed_out, timeout_ms);
			if (rp->outcome != NP_RESULT_OK && failures >= 0)
				failures++;
			if (done)
				done(s->idx, rp, ctx);
			/* Keep the slots dense: the last one moves here. */
			inflight--;
			if (i != inflight) {
				slots[i] = slots[inflight];
				pfd[i] = pfd[inflight];
			}
		}
	}
	free(slots);
	free(pfd);
	return failures;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vboot-console - run a node (QEMU), watch its serial console, decide.
 *
 * The node's stdout and stderr are the console.  Every line goes to the
 * log; milestones are printed as they happen, so a slow TCG boot shows
 * progress; the first marker or fatal line decides; the node is then
 * stopped and a timeline and a result file are written.
 */
#define _POSIX_C_SOURCE 200809L

#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum exit_code {
	EXIT_PASS = 0,
	EXIT_BOOT_FAILED = 1,
	EXIT_TIMED_OUT = 2,
	EXIT_USAGE = 3,
	EXIT_SETUP = 4,
};

#define LINE_MAX_LEN 4096

struct options {
	const char *marker;
	const char *log_path;
	const char *result_path;
	long timeout_ms;
	long grace_ms;
	bool quiet;
	char **argv;
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vboot-console --marker TOKEN [options] -- COMMAND [ARG...]\n"
		"\n"
		"Run COMMAND (a QEMU node whose serial console is its stdout), watch\n"
		"the console and decide the boot.\n"
		"\n"
		"  --marker TOKEN    pass when a line holds \"" WATCH_MARKER_PREFIX "TOKEN\"\n"
		"  --timeout SEC     give up after SEC seconds (default 120)\n"
		"  --grace MS        keep reading MS ms after the verdict (default 500)\n"
		"  --log FILE        write every console line to FILE\n"
		"  --result FILE     write verdict, reason and timeline as key=value\n"
		"  --quiet           do not print milestones as they happen\n"
		"  -h, --help        this text\n"
		"\n"
		"Exit status: 0 pass, 1 boot failed, 2 timed out, 3 usage error,\n"
		"4 COMMAND could not be started.\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "marker", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "grace", required_argument, NULL, 'g' },
		{ "log", required_argument, NULL, 'l' },
		{ "result", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = 120000;
	o->grace_ms = 500;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		char *end;
		long v;

		switch (c) {
		case 'm':
			o->marker = optarg;
			break;
		case 't':
		case 'g':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 86400000L ||
			    (c == 't' && (v == 0 || v > 86400))) {
				fprintf(stderr, "vboot-console: bad %s value '%s'\n",
					c == 't' ? "--timeout" : "--grace", optarg);
				return -1;
			}
			if (c == 't')
				o->timeout_ms = v * 1000L;
			else
				o->grace_ms = v;
			break;
		case 'l':
			o->log_path = optarg;
			break;
		case 'r':
			o->result_path = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_PASS);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!o->marker) {
		fprintf(stderr, "vboot-console: --marker is required\n");
		return -1;
	}
	if (optind >= argc) {
		fprintf(stderr, "vboot-console: no command given after --\n");
		return -1;
	}
	o->argv = &argv[optind];
	return 0;
}

/* Start the node in its own process group, console on a pipe. */
static pid_t spawn(char **argv, int *out_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "vboot-console: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	*out_fd = fds[0];
	return pid;
}

/* Reap every child that has already exited; remember the node's status. */
static bool reap(pid_t node, int *node_status)
{
	for (;;) {
		int status;
		pid_t r = waitpid(-1, &status, WNOHANG);

		if (r == node)
			*node_status = status;
		if (r > 0)
			continue;
		return r < 0 && errno == ECHILD;	/* true: nothing left */
	}
}

/*
 * SIGTERM the node's process group, SIGKILL it after 2 s.  We are a child
 * subreaper, so the node's orphans are our children too: wait (bounded)
 * until none is left, and reap them, rather than leave zombies behind.
 */
static int stop_node(pid_t pid)
{
	const struct timespec tick = { .tv_nsec = 10000000 };
	int status = 0;

	kill(-pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (reap(pid, &status))
			return status;
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	for (int i = 0; i < 200; i++) {
		if (reap(pid, &status))
			break;
		nanosleep(&tick, NULL);
	}
	return status;
}

struct session {
	struct options *opt;
	struct watch watch;
	FILE *log;
	long start_ms;
	char buf[LINE_MAX_LEN + 1];
	size_t len;
};

static void print_milestone(struct session *s, enum watch_event ev)
{
	const struct watch_stamp *st = &s->watch.events[ev];

	if (s->opt->quiet)
		return;
	printf("vboot: %7.2fs  %s\n", st->host_ms / 1000.0, watch_event_name(ev));
	fflush(stdout);
}

static void handle_line(struct session *s, const char *line)
{
	bool before[EV_COUNT];

	for (int i = 0; i < EV_COUNT; i++)
		before[i] = s->watch.events[i].seen;
	if (s->log) {
		fputs(line, s->log);
		fputc('\n', s->log);
	}
	watch_line(&s->watch, line, now_ms() - s->start_ms);
	for (int i = 0; i < EV_COUNT; i++)
		if (!before[i] && s->watch.events[i].seen)
			print_milestone(s, (enum watch_event)i);
}

/* Split the byte stream into lines; overlong lines are cut into pieces. */
static void feed(struct session *s, const char *data, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n' || s->len == LINE_MAX_LEN) {
			s->buf[s->len] = '\0';
			handle_line(s, s->buf);
			s->len = 0;
			if (data[i] == '\n')
				continue;
		}
		s->buf[s->len++] = data[i];
	}
}

/* Read until DEADLINE; returns 1 at EOF, 0 at the deadline, -1 on a signal. */
static int pump(struct session *s, int fd, long deadline, bool stop_at_verdict)
{
	char chunk[4096];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		int r;

		if (stop_at_verdict && s->watch.verdict != WATCH_RUNNING)
			return 0;
		if (got_signal)
			return -1;
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && s->len > 0) {
			/* Quiet for a second after an unfinished line: a prompt. */
			s->buf[s->len] = '\0';
			watch_idle(&s->watch, s->buf, now_ms() - s->start_ms);
		}
		if (r <= 0)
			continue;
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (s->len) {
				s->buf[s->len] = '\0';
				handle_line(s, s->buf);
				s->len = 0;
			}
			return 1;
		}
		feed(s, chunk, (size_t)got);
	}
}

static void write_result(const struct session *s, const char *path,
			 const char *verdict, const char *reason, long elapsed)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "vboot-console: cannot write %s: %s\n", path,
			strerror(errno));
		return;
	}
	fprintf(f, "verdict=%s\nreason=%s\nelapsed_ms=%ld\n", verdict, reason,
		elapsed);
	for (int i = 0; i < EV_COUNT; i++) {
		const struct watch_stamp *st = &s->watch.events[i];

		if (!st->seen)
			continue;
		fprintf(f, "event.%s.host_ms=%ld\n", watch_event_name((enum watch_event)i),
			st->host_ms);
		if (st->guest_s >= 0)
			fprintf(f, "event.%s.guest_s=%.6f\n",
				watch_event_name((enum watch_event)i), st->guest_s);
	}
	fclose(f);
}

static void print_timeline(const struct session *s)
{
	printf("vboot: timeline       host s   guest s\n");
	for (int i = 0; i < EV_COUNT; i++) {
		const struct watch_stamp *st = &s->watch.events[i];

		if (!st->seen)
			continue;
		if (st->guest_s >= 0)
			printf("vboot:   %-18s %7.3f  %8.3f\n",
			       watch_event_name((enum watch_event)i),
			       st->host_ms / 1000.0, st->guest_s);
		else
			printf("vboot:   %-18s %7.3f         -\n",
			       watch_event_name((enum watch_event)i),
			       st->host_ms / 1000.0);
	}
}

int main(int argc, char **argv)
{
	static struct session s;
	struct options opt;
	struct sigaction sa;
	const char *verdict;
	char reason[WATCH_REASON_MAX + 64];
	int fd, rc, status, code;
	pid_t pid;

	if (parse_options(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	s.opt = &opt;
	if (!watch_init(&s.watch, opt.marker)) {
		fprintf(stderr, "vboot-console: bad marker '%s' (1-%d of [A-Za-z0-9._-])\n",
			opt.marker, WATCH_MARKER_MAX - 1);
		return EXIT_USAGE;
	}
	if (opt.log_path) {
		s.log = fopen(opt.log_path, "w");
		if (!s.log) {
			fprintf(stderr, "vboot-console: cannot write %s: %s\n",
				opt.log_path, strerror(errno));
			return EXIT_SETUP;
		}
		setvbuf(s.log, NULL, _IOLBF, 0);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* Orphans of the node become our children, so none can outlive us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	s.start_ms = now_ms();
	pid = spawn(opt.argv, &fd);
	if (pid < 0) {
		fprintf(stderr, "vboot-console: cannot start %s: %s\n", opt.argv[0],
			strerror(errno));
		return EXIT_SETUP;
	}

	rc = pump(&s, fd, s.start_ms + opt.timeout_ms, true);
	if (rc == 0 && s.watch.verdict != WATCH_RUNNING)
		pump(&s, fd, now_ms() + opt.grace_ms, false);
	long elapsed = now_ms() - s.start_ms;

	status = stop_node(pid);
	close(fd);

	if (s.watch.verdict == WATCH_PASS) {
		verdict = "pass";
		snprintf(reason, sizeof(reason), "%s", s.watch.reason);
		code = EXIT_PASS;
	} else if (s.watch.verdict == WATCH_FAIL) {
		verdict = "fail";
		snprintf(reason, sizeof(reason), "%s", s.watch.reason);
		code = EXIT_BOOT_FAILED;
	} else if (rc < 0) {
		verdict = "interrupted";
		snprintf(reason, sizeof(reason), "interrupted by signal %d",
			 (int)got_signal);
		code = EXIT_BOOT_FAILED;
	} else if (rc == 1) {
		verdict = "fail";
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			snprintf(reason, sizeof(reason), "node command could not be run");
		else if (WIFEXITED(status))
			snprintf(reason, sizeof(reason),
				 "node exited (status %d) before reaching userspace",
				 WEXITSTATUS(status));
		else
			snprintf(reason, sizeof(reason),
				 "node ended (signal %d) before reaching userspace",
				 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		code = (WIFEXITED(status) && WEXITSTATUS(status) == 127) ?
			EXIT_SETUP : EXIT_BOOT_FAILED;
	} else {
		const char *last = "nothing";

		for (int i = EV_COUNT - 1; i >= 0; i--)
			if (s.watch.events[i].seen) {
				last = watch_event_name((enum watch_event)i);
				break;
			}
		verdict = "timeout";
		snprintf(reason, sizeof(reason),
			 "no verdict after %lds (last milestone: %s%s%.160s)",
			 opt.timeout_ms / 1000, last,
			 s.watch.uboot_error[0] ? "; U-Boot's last error: " : "",
			 s.watch.uboot_error);
		code = EXIT_TIMED_OUT;
	}

	if (s.log)
		fclose(s.log);
	if (opt.result_path)
		write_result(&s, opt.result_path, verdict, reason, elapsed);
	print_timeline(&s);
	printf("vboot: %s in %.2fs: %s\n", verdict, elapsed / 1000.0, reason);
	if (got_signal)
		return 128 + (int)got_signal;
	return code;
}

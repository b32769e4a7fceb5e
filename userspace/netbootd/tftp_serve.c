// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_serve.c - the TFTP server alone on netbootd's loop, for the TFTP
 * test suites (a sanitizer build, so every hostile request in the tests
 * also runs under ASan and UBSan) and for profiling.  Takes the tftp-*
 * keys of netbootd.conf as key=value arguments:
 *   tftp_serve tftp-root=/srv/tftp tftp-port=6969 ...
 * SIGUSR1 logs the counters, SIGTERM/SIGINT stop it (and log them).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "log.h"
#include "loop.h"
#include "tftp.h"

struct sigctx {
	struct tftp_server *srv;
};

static void on_signal(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct sigctx *sc = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		tftp_server_log_counters(sc->srv);
		if (si.ssi_signo != SIGUSR1)
			loop_stop(l);
	}
}

int main(int argc, char **argv)
{
	struct tftp_config cfg;
	struct sigctx sc;
	struct loop *l;
	sigset_t set;
	char err[256];
	int i, sfd, rc;

	log_init("tftp_serve", 0, LOG_INFO);
	tftp_config_init(&cfg);
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq) {
			fprintf(stderr, "usage: tftp_serve tftp-KEY=VALUE...\n");
			return 2;
		}
		*eq = '\0';
		if (tftp_config_set(&cfg, argv[i], eq + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "tftp_serve: %s\n", err);
			return 2;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	l = loop_new();
	if (!l || sfd < 0) {
		fprintf(stderr, "tftp_serve: cannot set up the loop\n");
		return 1;
	}
	sc.srv = tftp_server_start(l, &cfg, err, sizeof(err));
	if (!sc.srv) {
		fprintf(stderr, "tftp_serve: %s\n", err);
		loop_free(l);
		return 1;
	}
	loop_add_fd(l, sfd, EPOLLIN, on_signal, &sc);
	rc = loop_run(l);
	tftp_server_stop(sc.srv);
	loop_del_fd(l, sfd);
	close(sfd);
	loop_free(l);
	return rc ? 1 : 0;
}

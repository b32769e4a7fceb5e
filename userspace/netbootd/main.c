// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - netbootd: read the config, open every socket, drop privileges,
 * run the event loop.  Signals arrive through a signalfd in the loop:
 * SIGHUP reloads the config (atomically: a bad one keeps the old),
 * SIGUSR1 logs the counters, SIGTERM/SIGINT stop.
 */
#define _GNU_SOURCE
#include "config.h"
#include "dhcp.h"
#include "lease.h"
#include "log.h"
#include "loop.h"
#include "rarp.h"
#include "server.h"
#include "tftp.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

struct daemon_state {
	struct server srv;
	struct dhcp_io *dhcp;
	struct rarp_io *rarp;
	struct tftp_server *tftp;	/* NULL without tftp-root */
	int sigfd;
};

/* tftp-* keys belong to the TFTP module. */
static const struct cfg_tftp_hooks tftp_hooks = {
	tftp_config_alloc, tftp_config_set, tftp_config_release,
};

/* The TFTP side of the chainload guard: a client that has loaded the
 * chain file, or then its script, moves on (chain.h).  DHCP and TFTP
 * share this process, which is what lets netbootd see both stages. */
static void on_tftp_sent(void *ctx, uint32_t peer_ip, const char *path)
{
	struct server *s = ctx;
	char msg[512];

	if (chain_tftp_done(s->chain, peer_ip, path, (int64_t)time(NULL), msg, sizeof(msg)))
		log_msg(LOG_INFO, "%s", msg);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netbootd [-c FILE] [--check-config] [--syslog] [--debug]\n"
		   "  -c, --config FILE   configuration (default /etc/netbootd.conf)\n"
		   "      --check-config  validate the configuration and exit\n"
		   "      --syslog        log to syslog instead of stderr\n"
		   "  -d, --debug         log debug lines too\n");
}

/* Everything a reload may change takes effect with the pointer swap. */
static void reload(struct daemon_state *d)
{
	char err[512];
	struct config *old = d->srv.cfg, *c = config_load(old->path, old->tftp_hooks, err, sizeof(err));

	if (!c) {
		log_msg(LOG_ERR, "reload failed, keeping the running config: %s", err);
		return;
	}
	if (c->nifaces != old->nifaces ||
	    memcmp(c->ifaces, old->ifaces, sizeof(c->ifaces)) || c->dhcp_port != old->dhcp_port ||
	    strcmp(c->lease_file, old->lease_file))
		log_msg(LOG_WARNING, "reload: interfaces, dhcp-port and lease-file only change on restart");
	if (d->tftp && c->tftp && c->tftp->root[0] &&
	    tftp_server_reload(d->tftp, c->tftp, err, sizeof(err)) < 0)
		log_msg(LOG_WARNING, "reload: %s (TFTP keeps its running config)", err);
	d->srv.cfg = c;
	lease_set_sync(d->srv.leases, c->lease_sync);
	log_init("netbootd", -1, c->log_level);
	config_free(old);
	log_msg(LOG_INFO, "reloaded %s: %zu subnets, %zu hosts", c->path, c->nsubnets, c->nhosts);
}

static void on_signal(struct loop *l, int fd, uint32_t events, void *ctx)
{
	struct daemon_state *d = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(d);
			break;
		case SIGUSR1:
			dhcp_io_dump(d->dhcp);
			rarp_dump(d->rarp);
			if (d->tftp)
				tftp_server_log_counters(d->tftp);
			log_msg(LOG_INFO, "drops logged or suppressed: %lu", log_drop_count());
			break;
		default:
			log_msg(LOG_INFO, "signal %u: stopping", si.ssi_signo);
			loop_stop(l);
		}
	}
}

/*
 * chroot (optional), then the unprivileged user.  Every socket is already
 * open, so no capability is kept: the UDP and packet sockets keep working.
 * What is lost: binding new interfaces (restart for that).
 */
static int drop_privileges(const struct config *c, char *err, size_t errlen)
{
	struct passwd *pw = NULL;

	if (c->user[0] && !(pw = getpwnam(c->user))) {
		snprintf(err, errlen, "%s: no user '%s'", c->path, c->user);
		return -1;
	}
	if (c->chroot_dir[0] && (chroot(c->chroot_dir) < 0 || chdir("/") < 0)) {
		snprintf(err, errlen, "chroot %s: %s", c->chroot_dir, strerror(errno));
		return -1;
	}
	if (!pw)
		return 0;
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become %s: %s", c->user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "still able to regain root after dropping to %s", c->user);
		return -1;
	}
	return 0;
}

static int start(struct daemon_state *d, char *err, size_t errlen)
{
	struct server *s = &d->srv;
	sigset_t set;

	s->loop = loop_new();
	if (!s->loop) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		return -1;
	}
	if (netif_scan(s, err, errlen) < 0)
		return -1;
	s->chain = calloc(1, sizeof(*s->chain));
	if (!s->chain) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->dhcp = dhcp_io_open(s, err, errlen);
	if (!d->dhcp || !(d->rarp = rarp_open(s, err, errlen)))
		return -1;
	/* Before the chroot: tftp-root is a path on the host, and port 69 is
	 * privileged.  The root stays open as a directory descriptor. */
	if (s->cfg->tftp && s->cfg->tftp->root[0] &&
	    !(d->tftp = tftp_server_start(s->loop, s->cfg->tftp, err, errlen)))
		return -1;
	if (d->tftp)
		tftp_server_on_sent(d->tftp, on_tftp_sent, s);
	if (drop_privileges(s->cfg, err, errlen) < 0)
		return -1;
	/* Opened after chroot and setuid: compaction renames inside it. */
	s->leases = lease_open(s->cfg->lease_file, s->cfg->lease_sync, (int64_t)time(NULL),
			       err, errlen);
	if (!s->leases)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0 || loop_add_fd(s->loop, d->sigfd, EPOLLIN, on_signal, d) < 0 ||
	    dhcp_io_start(d->dhcp) < 0 || rarp_start(d->rarp) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/etc/netbootd.conf";
	int check = 0, use_syslog = 0, debug = 0, o, rc;
	struct daemon_state d = { .sigfd = -1 };
	char err[512];

	while ((o = getopt_long(argc, argv, "c:dh", opts, NULL)) != -1) {
		switch (o) {
		case 'c': path = optarg; break;
		case 'C': check = 1; break;
		case 'S': use_syslog = 1; break;
		case 'd': debug = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("netbootd", use_syslog, LOG_INFO);
	d.srv.cfg = config_load(path, &tftp_hooks, err, sizeof(err));
	if (!d.srv.cfg) {
		fprintf(stderr, "netbootd: %s\n", err);
		return 1;
	}
	if (check) {
		printf("netbootd: %s: OK (%zu subnets, %zu static hosts)\n", path,
		       d.srv.cfg->nsubnets, d.srv.cfg->nhosts);
		config_free(d.srv.cfg);
		return 0;
	}
	log_init("netbootd", use_syslog, debug ? LOG_DEBUG : d.srv.cfg->log_level);
	rc = start(&d, err, sizeof(err));
	if (rc == 0) {
		log_msg(LOG_INFO, "serving %zu subnets, %zu static hosts, %zu leases",
			d.srv.cfg->nsubnets, d.srv.cfg->nhosts, lease_count(d.srv.leases));
		rc = loop_run(d.srv.loop);
	} else {
		log_msg(LOG_ERR, "%s", err);
	}
	tftp_server_stop(d.tftp);
	dhcp_io_free(d.dhcp);
	rarp_free(d.rarp);
	if (d.sigfd >= 0)
		close(d.sigfd);
	netif_free(&d.srv);
	lease_close(d.srv.leases);
	free(d.srv.chain);
	config_free(d.srv.cfg);
	loop_free(d.srv.loop);
	return rc == 0 ? 0 : 1;
}

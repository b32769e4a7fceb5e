/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tftp.h - netbootd's TFTP server: configuration keys (tftp-*) and the
 * server that runs in netbootd's event loop.  Read-only by default; every
 * file is opened beneath tftp-root with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS); each transfer has its own ephemeral socket, or
 * with tftp-shared-port all transfers share one (batched I/O for storms).
 */
#ifndef NETBOOTD_TFTP_H
#define NETBOOTD_TFTP_H

#include <stddef.h>
#include <stdint.h>

struct loop;

struct tftp_config {
	char root[256];		/* tftp-root; empty: TFTP off */
	char listen[64];	/* tftp-listen: local IPv4 address, default any */
	uint16_t port;		/* tftp-port, 69 */
	unsigned blksize_max;	/* tftp-blksize-max, 65464 */
	int mtu_cap;		/* tftp-mtu-cap: cap blksize by the interface MTU */
	unsigned window_max;	/* tftp-windowsize-max, 64; 1 disables RFC 7440 */
	unsigned timeout_ms;	/* tftp-timeout-ms: when the client asks none */
	unsigned timeout_min_ms;	/* tftp-timeout-min-ms: adaptive floor (RFC 6298-style) */
	unsigned retries;	/* tftp-retries before a silent client is dropped */
	unsigned max_transfers;	/* tftp-max-transfers, 0: only fds limit it */
	char client_dir[128];	/* tftp-client-dir: per-client files, relative to root */
	char upload_dir[256];	/* tftp-upload-dir: absolute; empty: WRQ refused */
	int upload_overwrite;	/* tftp-upload-overwrite */
	int shared_port;	/* tftp-shared-port: one transfer port for all */
	uint64_t upload_max;	/* tftp-upload-max-size, bytes */
};

void tftp_config_init(struct tftp_config *c);
/* One key (with its "tftp-" prefix).  0, or -1 with the reason in err. */
int tftp_config_set(struct tftp_config *c, const char *key, const char *value,
		    char *err, size_t errlen);
/* The hooks for config_load() (config.h). */
struct tftp_config *tftp_config_alloc(void);
void tftp_config_release(struct tftp_config *c);

/* probes: a tsize request the client closed after our OACK (a size
 * probe, PXE ROMs and edk2 do it); aborted: an OACK refused otherwise. */
struct tftp_counters {
	uint64_t started, completed, failed, probes, aborted, refused, bytes, active;
	uint64_t timeouts;	/* retransmission timer expiries: loss, or a slow path */
};

struct tftp_server;
/* NULL with the reason in err.  c->root must be set. */
struct tftp_server *tftp_server_start(struct loop *l, const struct tftp_config *c,
				      char *err, size_t errlen);
/* New requests use the new config; running transfers finish on the old
 * files.  0, or -1 (the old config stays) with the reason in err. */
int tftp_server_reload(struct tftp_server *s, const struct tftp_config *c,
		       char *err, size_t errlen);
void tftp_server_stop(struct tftp_server *s);
void tftp_server_counters(const struct tftp_server *s, struct tftp_counters *out);
/* Called when a read transfer completed (its last block acknowledged),
 * with the client's IPv4 address (network order) and the path it asked
 * for as tftp_path_map normalised it.  netbootd's chainload guard
 * (chain.h) listens; fn NULL stops the calls. */
typedef void tftp_sent_fn(void *ctx, uint32_t peer_ip, const char *path);
void tftp_server_on_sent(struct tftp_server *s, tftp_sent_fn *fn, void *ctx);
/* One log line with the counters (netbootd calls it on SIGUSR1). */
void tftp_server_log_counters(const struct tftp_server *s);

#endif /* NETBOOTD_TFTP_H */

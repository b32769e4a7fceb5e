/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config.h - netbootd's configuration: the parsed config file plus the
 * static hosts it pulls in from ethers and hosts files.  A config is built
 * whole by config_load() and replaced whole on SIGHUP, so no module ever
 * sees a half-applied one.
 */
#ifndef NETBOOTD_CONFIG_H
#define NETBOOTD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "rfc3074.h"

#define CFG_NAME_MAX 64
#define CFG_PATH_MAX 256
#define CFG_MAX_IFACES 16
#define CFG_MAX_ARCH 8

/* An extra option from the config, already in wire form. */
struct cfg_option {
	uint8_t code;
	uint16_t len;
	uint8_t data[255];
};

struct cfg_options {
	struct cfg_option *v;
	size_t n;
};

/* Boot parameters shared by subnets and hosts; empty/0 means unset. */
struct cfg_boot {
	char boot_file[128];		/* file field and option 67 */
	char root_path[CFG_PATH_MAX];	/* template: %i ip, %h host name, %m MAC */
	char ipxe_file[CFG_PATH_MAX];	/* boot file for clients already in iPXE */
	/* ipxe-chain-file: the site's iPXE build that replaces the NIC's
	 * own iPXE; the chained stage then gets ipxe_file (chain.h). */
	char ipxe_chain_file[128];
	uint32_t next_server;		/* siaddr, network order */
	struct {
		uint16_t arch;		/* option 93 value */
		char file[128];
	} arch[CFG_MAX_ARCH];
	int narch;
	struct cfg_options opts;
};

struct cfg_subnet {
	uint32_t net, mask;		/* network order */
	uint32_t pool_start, pool_end;	/* host order; 0 = no pool */
	uint32_t lease_time;		/* seconds */
	struct cfg_boot boot;
	int line;			/* where it was defined, for messages */
};

struct cfg_host {
	char name[CFG_NAME_MAX];
	uint8_t mac[6];
	int has_mac;
	uint32_t ip;			/* network order, 0 = unknown */
	struct cfg_boot boot;
};

enum lease_sync { SYNC_ALWAYS, SYNC_BATCH, SYNC_NONE };

struct tftp_config;	/* owned by the TFTP module (tftp.h) */

/* The TFTP module's config callbacks: tftp-* keys go to set(). */
struct cfg_tftp_hooks {
	struct tftp_config *(*alloc)(void);
	int (*set)(struct tftp_config *c, const char *key, const char *value,
		   char *err, size_t errlen);
	void (*release)(struct tftp_config *c);
};

struct config {
	char path[CFG_PATH_MAX];
	char ifaces[CFG_MAX_IFACES][16];
	int nifaces;
	char user[CFG_NAME_MAX];	/* empty: stay root */
	char chroot_dir[CFG_PATH_MAX];
	char lease_file[CFG_PATH_MAX];
	char ethers[CFG_PATH_MAX];	/* empty: none */
	char hosts[CFG_PATH_MAX];
	enum lease_sync lease_sync;
	int dhcp, bootp, rarp;		/* protocols enabled */
	int bootp_dynamic;		/* pool addresses for BOOTP clients */
	int authoritative;		/* NAK requests for wrong addresses */
	int option_overload;		/* spill options into file/sname */
	uint32_t decline_time;		/* quarantine after DHCPDECLINE, seconds */
	uint32_t offer_time;		/* an offered address is held this long */
	uint32_t ipxe_chain_timeout;	/* seconds a chainload stage may take */
	int log_level;
	uint16_t dhcp_port;		/* 67; tests may move it */
	struct rfc3074_config lb;	/* load-balance-*: two servers, one segment */
	struct cfg_subnet *subnets;
	size_t nsubnets;
	struct cfg_host *hosts_v;
	size_t nhosts;
	struct cfg_boot global;		/* defaults for every subnet */
	struct tftp_config *tftp;	/* NULL without hooks */
	const struct cfg_tftp_hooks *tftp_hooks;
};

/*
 * Reads path (and the ethers/hosts files it names).  Returns a complete
 * config, or NULL with "file:line: reason" in err.  hooks may be NULL.
 */
struct config *config_load(const char *path, const struct cfg_tftp_hooks *hooks,
			   char *err, size_t errlen);
void config_free(struct config *c);

const struct cfg_host *config_host_by_mac(const struct config *c, const uint8_t mac[6]);
const struct cfg_host *config_host_by_ip(const struct config *c, uint32_t ip);
/* The subnet containing ip (network order), or NULL. */
const struct cfg_subnet *config_subnet_of(const struct config *c, uint32_t ip);

/* "52:54:00:12:34:56" (or with '-'); 0 or -1. */
int config_parse_mac(const char *s, uint8_t mac[6]);

/* Expands a root-path template into out; returns 0, or -1 if too long. */
int config_expand(const char *tmpl, uint32_t ip, const char *host,
		  const uint8_t mac[6], char *out, size_t outlen);

#endif /* NETBOOTD_CONFIG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rarp.h - the RARP front end: one AF_PACKET ETH_P_RARP socket per
 * Ethernet interface, answered from the static hosts (ethers + hosts).
 */
#ifndef NETBOOTD_RARP_H
#define NETBOOTD_RARP_H

#include <stddef.h>

#include "server.h"

struct rarp_io;

/* Opens the sockets (needs CAP_NET_RAW): before dropping privileges.
 * NULL with a reason in err. */
struct rarp_io *rarp_open(struct server *s, char *err, size_t errlen);
int rarp_start(struct rarp_io *r);
/* One log line with the counters (SIGUSR1). */
void rarp_dump(const struct rarp_io *r);
void rarp_free(struct rarp_io *r);

#endif /* NETBOOTD_RARP_H */

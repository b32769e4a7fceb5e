/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rarp.h - the RARP front end: one AF_PACKET ETH_P_RARP socket per
 * Ethernet interface, answered from the static hosts (ethers + hosts).
 */
#ifndef NETBOOTD_RARP_H
#define NETBOOTD_RARP_H

#include <stddef.h>

#include "server.h"

/* Opens the sockets (needs CAP_NET_RAW): before dropping privileges. */
int rarp_open(struct server *s, char *err, size_t errlen);
int rarp_start(struct server *s);
void rarp_dump(void);

#endif /* NETBOOTD_RARP_H */

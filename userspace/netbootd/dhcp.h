/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dhcp.h - the DHCP/BOOTP front end: UDP port 67, reply addressing,
 * group commit of leases, per-client rate limit, counters.
 */
#ifndef NETBOOTD_DHCP_H
#define NETBOOTD_DHCP_H

#include <stddef.h>

#include "server.h"

struct dhcp_io;

/* Opens the sockets (needs root or CAP_NET_BIND_SERVICE + CAP_NET_RAW);
 * call before dropping privileges.  NULL with a reason in err. */
struct dhcp_io *dhcp_io_open(struct server *s, char *err, size_t errlen);
int dhcp_io_start(struct dhcp_io *d);
void dhcp_io_free(struct dhcp_io *d);
/* One log line with the counters per message type (SIGUSR1). */
void dhcp_io_dump(const struct dhcp_io *d);

#endif /* NETBOOTD_DHCP_H */

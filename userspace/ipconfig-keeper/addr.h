/* SPDX-License-Identifier: GPL-2.0 */
/*
 * addr.h - the address's lifetimes through rtnetlink.  The keeper only
 * ever changes the valid and preferred lifetimes of an address that is
 * already there (RTM_NEWADDR with NLM_F_REPLACE and IFA_CACHEINFO): it
 * never adds, removes or re-adds an address, and never touches a link or
 * a route.
 */
#ifndef KEEPER_ADDR_H
#define KEEPER_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_FOREVER 0xffffffffu

struct addr_info {
	uint8_t prefixlen;
	uint32_t flags;			/* IFA_F_* */
	uint32_t valid, preferred;	/* seconds left; ADDR_FOREVER */
};

/* Pure: the RTM_NEWADDR request that sets the lifetimes of addr/prefixlen
 * (network order) on ifindex: NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE,
 * never NLM_F_CREATE.  Returns its length, 0 if cap is too small. */
size_t addr_build_lifetimes(uint8_t *buf, size_t cap, uint32_t seq, int ifindex, uint32_t addr,
			    uint8_t prefixlen, uint32_t valid, uint32_t preferred);

/* Pure: look for addr on ifindex in one datagram of an RTM_GETADDR dump;
 * when it is there, *found = 1 and *out says how.  Returns 1 at the end
 * of the dump (NLMSG_DONE), 0 when more follows, -1 on an error message
 * or a malformed datagram (errno set). */
int addr_scan_dump(const uint8_t *buf, size_t len, int ifindex, uint32_t addr,
		   struct addr_info *out, int *found);

/* I/O: open a NETLINK_ROUTE socket; -1 on error. */
int addr_open(void);
/* Is addr on ifindex?  1 yes (*out), 0 no, -1 error. */
int addr_find(int fd, int ifindex, uint32_t addr, struct addr_info *out);
/* Set the lifetimes of the existing address; 0, or -1 with errno (the
 * kernel's answer).  The caller checks with addr_find first that the
 * address is there: the kernel would add a missing one. */
int addr_set_lifetimes(int fd, int ifindex, uint32_t addr, uint8_t prefixlen, uint32_t valid,
		       uint32_t preferred);

#endif

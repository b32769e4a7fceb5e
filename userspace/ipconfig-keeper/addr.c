// SPDX-License-Identifier: GPL-2.0
/*
 * addr.c - find the held address and set its lifetimes (rtnetlink).
 */
#define _GNU_SOURCE
#include "addr.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void put_attr(uint8_t *buf, size_t *off, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type };

	memcpy(buf + *off, &rta, sizeof(rta));
	memcpy(buf + *off + RTA_LENGTH(0), data, len);
	*off += RTA_SPACE(len);
}

size_t addr_build_lifetimes(uint8_t *buf, size_t cap, uint32_t seq, int ifindex, uint32_t addr,
			    uint8_t prefixlen, uint32_t valid, uint32_t preferred)
{
	struct nlmsghdr nh = { 0 };
	struct ifaddrmsg ifa = { 0 };
	struct ifa_cacheinfo ci = { 0 };
	size_t need = NLMSG_SPACE(sizeof(ifa)) + 2 * RTA_SPACE(4) + RTA_SPACE(sizeof(ci)), off;

	if (cap < need)
		return 0;
	memset(buf, 0, need);
	ifa.ifa_family = AF_INET;
	ifa.ifa_prefixlen = prefixlen;
	ifa.ifa_index = (unsigned)ifindex;
	memcpy(buf + NLMSG_HDRLEN, &ifa, sizeof(ifa));
	off = NLMSG_SPACE(sizeof(ifa));
	/* IFA_LOCAL and IFA_ADDRESS both: the kernel matches on both. */
	put_attr(buf, &off, IFA_LOCAL, &addr, 4);
	put_attr(buf, &off, IFA_ADDRESS, &addr, 4);
	ci.ifa_prefered = preferred;
	ci.ifa_valid = valid;
	put_attr(buf, &off, IFA_CACHEINFO, &ci, sizeof(ci));
	nh.nlmsg_len = (uint32_t)off;
	nh.nlmsg_type = RTM_NEWADDR;
	/* REPLACE without CREATE: change an existing address only. */
	nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE;
	nh.nlmsg_seq = seq;
	memcpy(buf, &nh, sizeof(nh));
	return off;
}

int addr_scan_dump(const uint8_t *buf, size_t len, int ifindex, uint32_t addr,
		   struct addr_info *out, int *found)
{
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= len) {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		size_t a, end;
		uint32_t local = 0, flags;
		struct ifa_cacheinfo ci = { .ifa_prefered = ADDR_FOREVER, .ifa_valid = ADDR_FOREVER };
		int have_local = 0;

		memcpy(&nh, buf + off, sizeof(nh));
		if (nh.nlmsg_len < NLMSG_HDRLEN || nh.nlmsg_len > len - off) {
			errno = EPROTO;
			return -1;
		}
		if (nh.nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;

			if (nh.nlmsg_len >= NLMSG_LENGTH(sizeof(e))) {
				memcpy(&e, buf + off + NLMSG_HDRLEN, sizeof(e));
				errno = e.error < 0 ? -e.error : EPROTO;
			} else {
				errno = EPROTO;
			}
			return -1;
		}
		end = off + nh.nlmsg_len;
		if (nh.nlmsg_type != RTM_NEWADDR || nh.nlmsg_len < NLMSG_LENGTH(sizeof(ifa)))
			goto next;
		memcpy(&ifa, buf + off + NLMSG_HDRLEN, sizeof(ifa));
		if (ifa.ifa_family != AF_INET || (int)ifa.ifa_index != ifindex)
			goto next;
		flags = ifa.ifa_flags;
		for (a = off + NLMSG_SPACE(sizeof(ifa)); a + RTA_LENGTH(0) <= end;) {
			struct rtattr rta;
			size_t plen;

			memcpy(&rta, buf + a, sizeof(rta));
			if (rta.rta_len < RTA_LENGTH(0) || a + rta.rta_len > end)
				break;
			plen = rta.rta_len - RTA_LENGTH(0);
			if (rta.rta_type == IFA_LOCAL && plen == 4) {
				memcpy(&local, buf + a + RTA_LENGTH(0), 4);
				have_local = 1;
			} else if (rta.rta_type == IFA_CACHEINFO && plen >= sizeof(ci)) {
				memcpy(&ci, buf + a + RTA_LENGTH(0), sizeof(ci));
			} else if (rta.rta_type == IFA_FLAGS && plen == 4) {
				memcpy(&flags, buf + a + RTA_LENGTH(0), 4);
			}
			a += RTA_ALIGN(rta.rta_len);
		}
		if (have_local && local == addr) {
			out->prefixlen = ifa.ifa_prefixlen;
			out->flags = flags;
			out->valid = ci.ifa_valid;
			out->preferred = ci.ifa_prefered;
			*found = 1;
		}
next:
		off += NLMSG_ALIGN(nh.nlmsg_len);
	}
	return 0;
}

int addr_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint32_t seq;

static int send_all(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) == (ssize_t)len
		       ? 0 : -1;
}

int addr_find(int fd, int ifindex, uint32_t addr, struct addr_info *out)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req;
	static uint8_t buf[32768];
	int found = 0;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.nh.nlmsg_type = RTM_GETADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++seq;
	req.ifa.ifa_family = AF_INET;
	if (send_all(fd, &req, req.nh.nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return found;
		/* Read the dump to its end, so that no part of it is left
		 * for the next request to trip over. */
		r = addr_scan_dump(buf, (size_t)n, ifindex, addr, out, &found);
		if (r < 0)
			return -1;
		if (r == 1)
			return found;
	}
}

int addr_set_lifetimes(int fd, int ifindex, uint32_t addr, uint8_t prefixlen, uint32_t valid,
		       uint32_t preferred)
{
	uint8_t buf[256], ack[1024];
	size_t len = addr_build_lifetimes(buf, sizeof(buf), ++seq, ifindex, addr, prefixlen, valid,
					  preferred);

	if (!len || send_all(fd, buf, len) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, ack, sizeof(ack), 0);
		struct nlmsghdr nh;
		struct nlmsgerr e;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)NLMSG_LENGTH(sizeof(e))) {
			errno = n < 0 ? errno : EPROTO;
			return -1;
		}
		memcpy(&nh, ack, sizeof(nh));
		if (nh.nlmsg_type != NLMSG_ERROR || nh.nlmsg_seq != seq)
			continue;	/* a stale reply */
		memcpy(&e, ack + NLMSG_HDRLEN, sizeof(e));
		if (e.error) {
			errno = -e.error;
			return -1;
		}
		return 0;
	}
}

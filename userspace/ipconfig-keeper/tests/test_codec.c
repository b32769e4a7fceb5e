// SPDX-License-Identifier: GPL-2.0
/*
 * test_codec.c - the keeper's packets: the DHCPREQUEST it builds, the
 * DHCPACK/DHCPNAK parser, and the rtnetlink messages (addr.c).
 */
#include "../addr.h"
#include "../rfc2131.h"
#include "../../../tests/unit/tap.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* The option `code` in a built message's options field, or NULL. */
static const uint8_t *find_opt(const uint8_t *p, size_t len, uint8_t code, uint8_t *olen)
{
	for (size_t i = 240; i + 1 < len && p[i] != 255;) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (p[i] == code) {
			*olen = p[i + 1];
			return p + i + 2;
		}
		i += 2 + p[i + 1];
	}
	return NULL;
}

static void test_request(void)
{
	static const uint8_t cid[] = { 0, 'n', 'o', 'd', 'e', '1' };
	uint8_t buf[DHCP_MSG_MAX], l = 0;
	struct dhcp_request q = { .xid = 0x11223344, .secs = 3, .client_id = cid,
				  .client_id_len = sizeof(cid), .host_name = "vboot-node" };
	const uint8_t *o;
	size_t n;

	memcpy(q.chaddr, mac, 6);
	inet_pton(AF_INET, "192.0.2.10", &q.ciaddr);
	n = dhcp_build_request(&q, buf, sizeof(buf));
	TAP_OK(n >= 300, "request built, padded to 300 bytes (%zu)", n);
	TAP_OK(buf[0] == 1 && buf[1] == 1 && buf[2] == 6 && buf[4] == 0x11 && buf[7] == 0x44 && buf[9] == 3,
	       "BOOTREQUEST, Ethernet, xid and secs");
	TAP_OK(!memcmp(buf + 12, &q.ciaddr, 4) && !memcmp(buf + 16, "\0\0\0\0", 4) && !memcmp(buf + 28, mac, 6),
	       "ciaddr is the held address, yiaddr 0, chaddr the MAC");
	TAP_OK(buf[10] == 0 && buf[11] == 0, "broadcast flag clear (the server answers ciaddr)");
	o = find_opt(buf, n, 53, &l);
	TAP_OK(o && l == 1 && o[0] == 3, "option 53: DHCPREQUEST");
	TAP_OK(!find_opt(buf, n, 54, &l) && !find_opt(buf, n, 50, &l),
	       "no server identifier and no requested address (RFC 2131 table 5, renewing/rebinding)");
	o = find_opt(buf, n, 61, &l);
	TAP_OK(o && l == sizeof(cid) && !memcmp(o, cid, sizeof(cid)), "option 61: the kernel's client id");
	o = find_opt(buf, n, 12, &l);
	TAP_OK(o && l == 10 && !memcmp(o, "vboot-node", 10), "option 12: the host name");
	TAP_OK(find_opt(buf, n, 55, &l) != NULL, "a parameter request list");
	q.client_id_len = 0;
	q.host_name = NULL;
	n = dhcp_build_request(&q, buf, sizeof(buf));
	TAP_OK(!find_opt(buf, n, 61, &l) && !find_opt(buf, n, 12, &l),
	       "no client id and no host name when the kernel sent none");
	TAP_OK(dhcp_build_request(&q, buf, 100) == 0, "too small a buffer: nothing built");
}

/* A reply as a server would send it; returns its length. */
static size_t reply(uint8_t *b, uint32_t xid, int type, const uint8_t *opts, size_t olen)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };

	memset(b, 0, 240);
	b[0] = 2;
	b[1] = 1;
	b[2] = 6;
	b[4] = (uint8_t)(xid >> 24);
	b[5] = (uint8_t)(xid >> 16);
	b[6] = (uint8_t)(xid >> 8);
	b[7] = (uint8_t)xid;
	if (type == DHCPACK)
		inet_pton(AF_INET, "192.0.2.10", b + 16);
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, cookie, 4);
	memcpy(b + 240, opts, olen);
	return 240 + olen;
}

static void test_ack(void)
{
	static const uint8_t ack[] = {
		53, 1, 5, 54, 4, 192, 0, 2, 1, 51, 4, 0, 0, 0, 60, 58, 4, 0, 0, 0, 30,
		59, 4, 0, 0, 0, 52, 1, 4, 255, 255, 255, 0, 3, 8, 192, 0, 2, 1, 192, 0, 2, 254,
		6, 4, 192, 0, 2, 1, 26, 2, 5, 220, 12, 10, 'v', 'b', 'o', 'o', 't', '-', 'n', 'o', 'd', 'e',
		17, 4, '/', 'r', 0x1b, 't', 121, 6, 8, 10, 192, 0, 2, 1, 255 };
	uint8_t b[DHCP_MSG_MAX];
	struct dhcp_reply r;
	char why[128], rep[256], a[16];
	size_t n = reply(b, 7, DHCPACK, ack, sizeof(ack));

	TAP_OK(dhcp_parse_reply(b, n, 7, mac, &r, why, sizeof(why)) == 0, "an ACK parses");
	TAP_OK(r.type == DHCPACK && r.lease == 60 && r.t1 == 30 && r.t2 == 52, "type, lease, T1, T2");
	TAP_STREQ(inet_ntop(AF_INET, &r.server_id, a, sizeof(a)), "192.0.2.1", "server id");
	TAP_STREQ(inet_ntop(AF_INET, &r.yiaddr, a, sizeof(a)), "192.0.2.10", "yiaddr");
	TAP_OK(r.nrouters == 2 && r.ndns == 1 && r.mtu == 1500 && r.nroutes121 == 1, "routers, dns, mtu, routes");
	dhcp_reply_report(&r, rep, sizeof(rep));
	TAP_STREQ(rep, " mask 255.255.255.0 router 192.0.2.1,192.0.2.254 dns 192.0.2.1 routes121 1 mtu 1500 "
		  "host-name vboot-node root-path /r?t", "the report, control bytes made harmless");
	TAP_OK(dhcp_parse_reply(b, n, 8, mac, &r, why, sizeof(why)) < 0 && strstr(why, "xid"), "another xid: rejected");
	b[33] ^= 1;
	TAP_OK(dhcp_parse_reply(b, n, 7, mac, &r, why, sizeof(why)) < 0, "another chaddr: rejected");
	b[33] ^= 1;
	b[236] = 0;
	TAP_OK(dhcp_parse_reply(b, n, 7, mac, &r, why, sizeof(why)) < 0 && strstr(why, "cookie"), "no cookie: rejected");
	b[236] = 99;
	b[0] = 1;
	TAP_OK(dhcp_parse_reply(b, n, 7, mac, &r, why, sizeof(why)) < 0, "a BOOTREQUEST: rejected");
	b[0] = 2;
	TAP_OK(dhcp_parse_reply(b, 239, 7, mac, &r, why, sizeof(why)) < 0, "shorter than a header: rejected");
	TAP_OK(dhcp_parse_reply(b, DHCP_MSG_MAX + 1, 7, mac, &r, why, sizeof(why)) < 0, "oversize: rejected");
	/* The lease time cut off by the end of the datagram. */
	TAP_OK(dhcp_parse_reply(b, 240 + 12, 7, mac, &r, why, sizeof(why)) < 0 && strstr(why, "lease"),
	       "an ACK whose lease time is truncated: rejected (%s)", why);
}

static void test_ack_variants(void)
{
	static const uint8_t nolease[] = { 53, 1, 5, 54, 4, 192, 0, 2, 1, 255 };
	static const uint8_t nosid[] = { 53, 1, 5, 51, 4, 0, 0, 0, 60, 255 };
	static const uint8_t nak[] = { 53, 1, 6, 54, 4, 192, 0, 2, 2, 56, 5, 'n', 'o', 'p', 'e', '\n', 255 };
	static const uint8_t offer[] = { 53, 1, 2, 54, 4, 192, 0, 2, 1, 51, 4, 0, 0, 0, 60, 255 };
	static const uint8_t badtype[] = { 53, 2, 5, 5, 54, 4, 192, 0, 2, 1, 51, 4, 0, 0, 0, 60, 255 };
	static const uint8_t dup[] = { 53, 1, 5, 54, 4, 192, 0, 2, 1, 51, 4, 0, 0, 0, 60, 51, 4, 0, 0, 0, 9, 255 };
	static const uint8_t over[] = { 53, 1, 5, 52, 1, 1, 255 };
	uint8_t b[DHCP_MSG_MAX];
	struct dhcp_reply r;
	char why[128];
	size_t n;

	n = reply(b, 1, DHCPACK, nolease, sizeof(nolease));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) < 0 && strstr(why, "lease"), "ACK without lease time: rejected");
	n = reply(b, 1, DHCPACK, nosid, sizeof(nosid));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) < 0 && strstr(why, "server"), "ACK without server id: rejected");
	n = reply(b, 1, DHCPNAK, nak, sizeof(nak));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) == 0 && r.type == DHCPNAK &&
	       !strcmp(r.message, "nope?"), "a NAK with its message (%s)", r.message);
	n = reply(b, 1, DHCPACK, offer, sizeof(offer));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) < 0, "an OFFER: rejected");
	n = reply(b, 1, DHCPACK, badtype, sizeof(badtype));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) < 0, "a two-byte message type: rejected");
	n = reply(b, 1, DHCPACK, dup, sizeof(dup));
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) == 0 && r.lease == 60, "a repeated option: the first counts");
	/* Option 52: the server id and lease time in the file field. */
	n = reply(b, 1, DHCPACK, over, sizeof(over));
	memcpy(b + 108, (const uint8_t[]){ 54, 4, 192, 0, 2, 1, 51, 4, 0, 0, 1, 0, 255 }, 13);
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) == 0 && r.lease == 256,
	       "overloaded file field read (option 52)");
	b[245] = 2;	/* now sname, which is empty */
	TAP_OK(dhcp_parse_reply(b, n, 1, mac, &r, why, sizeof(why)) < 0, "option 52 = sname: file not read");
}

static void test_netlink(void)
{
	uint8_t buf[512];
	struct nlmsghdr nh;
	struct ifaddrmsg ifa;
	struct ifa_cacheinfo ci;
	uint32_t a, got = 0;
	size_t n, off;
	int saw_ci = 0, saw_local = 0;

	inet_pton(AF_INET, "192.0.2.10", &a);
	n = addr_build_lifetimes(buf, sizeof(buf), 9, 2, a, 24, 70, 60);
	memcpy(&nh, buf, sizeof(nh));
	memcpy(&ifa, buf + NLMSG_HDRLEN, sizeof(ifa));
	TAP_OK(n == nh.nlmsg_len && nh.nlmsg_type == RTM_NEWADDR && nh.nlmsg_seq == 9, "RTM_NEWADDR built");
	TAP_OK((nh.nlmsg_flags & NLM_F_REPLACE) && !(nh.nlmsg_flags & NLM_F_CREATE) &&
	       !(nh.nlmsg_flags & NLM_F_EXCL) && (nh.nlmsg_flags & NLM_F_ACK),
	       "NLM_F_REPLACE and ACK, never NLM_F_CREATE: changes an address, never adds one");
	TAP_OK(ifa.ifa_family == AF_INET && ifa.ifa_prefixlen == 24 && ifa.ifa_index == 2, "family, prefix, ifindex");
	for (off = NLMSG_SPACE(sizeof(ifa)); off + RTA_LENGTH(0) <= n;) {
		struct rtattr rta;

		memcpy(&rta, buf + off, sizeof(rta));
		if (rta.rta_type == IFA_CACHEINFO && rta.rta_len == RTA_LENGTH(sizeof(ci))) {
			memcpy(&ci, buf + off + RTA_LENGTH(0), sizeof(ci));
			saw_ci = ci.ifa_valid == 70 && ci.ifa_prefered == 60;
		}
		if (rta.rta_type == IFA_LOCAL) {
			memcpy(&got, buf + off + RTA_LENGTH(0), 4);
			saw_local = got == a;
		}
		off += RTA_ALIGN(rta.rta_len);
	}
	TAP_OK(saw_ci && saw_local, "IFA_CACHEINFO valid 70 preferred 60, IFA_LOCAL the address");
	TAP_OK(addr_build_lifetimes(buf, 20, 1, 2, a, 24, 1, 1) == 0, "too small a buffer: nothing built");
}

/* A dump datagram: addresses (ifindex, address) then NLMSG_DONE. */
static size_t dump(uint8_t *buf, const int *idx, const char *const *ips, int n, int done)
{
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		struct nlmsghdr nh = { .nlmsg_type = RTM_NEWADDR };
		struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = 24,
					 .ifa_index = (unsigned)idx[i] };
		struct rtattr rta = { .rta_len = RTA_LENGTH(4), .rta_type = IFA_LOCAL };
		struct rtattr rci = { .rta_len = RTA_LENGTH(sizeof(struct ifa_cacheinfo)),
				      .rta_type = IFA_CACHEINFO };
		struct ifa_cacheinfo ci = { .ifa_prefered = 50, .ifa_valid = 60 };
		uint32_t a;
		size_t start = off;

		inet_pton(AF_INET, ips[i], &a);
		off += NLMSG_SPACE(sizeof(ifa));
		memcpy(buf + start + NLMSG_HDRLEN, &ifa, sizeof(ifa));
		memcpy(buf + off, &rta, sizeof(rta));
		memcpy(buf + off + RTA_LENGTH(0), &a, 4);
		off += RTA_SPACE(4);
		memcpy(buf + off, &rci, sizeof(rci));
		memcpy(buf + off + RTA_LENGTH(0), &ci, sizeof(ci));
		off += RTA_SPACE(sizeof(ci));
		nh.nlmsg_len = (uint32_t)(off - start);
		memcpy(buf + start, &nh, sizeof(nh));
	}
	if (done) {
		struct nlmsghdr nh = { .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE };

		memcpy(buf + off, &nh, sizeof(nh));
		memset(buf + off + NLMSG_HDRLEN, 0, 4);
		off += NLMSG_SPACE(4);
	}
	return off;
}

static void test_dump(void)
{
	static const int idx[] = { 1, 2, 2 };
	static const char *const ips[] = { "192.0.2.10", "198.51.100.1", "192.0.2.10" };
	uint8_t buf[1024];
	struct addr_info ai = { 0 };
	uint32_t a;
	int found = 0;
	size_t n;

	inet_pton(AF_INET, "192.0.2.10", &a);
	n = dump(buf, idx, ips, 3, 1);
	TAP_OK(addr_scan_dump(buf, n, 2, a, &ai, &found) == 1 && found && ai.prefixlen == 24 &&
	       ai.valid == 60 && ai.preferred == 50, "the address found on its own device, with its lifetimes");
	found = 0;
	n = dump(buf, idx, ips, 2, 0);
	TAP_OK(addr_scan_dump(buf, n, 2, a, &ai, &found) == 0 && !found,
	       "the same address on another device does not count; more to come");
	found = 0;
	TAP_OK(addr_scan_dump(buf, n - 3, 2, a, &ai, &found) < 0, "a truncated datagram is an error");
}

int main(void)
{
	test_request();
	test_ack();
	test_ack_variants();
	test_netlink();
	test_dump();
	return tap_done();
}

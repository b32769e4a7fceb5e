// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_server.c - config parsing, the lease store (including
 * recovery from a torn journal) and the DHCP/BOOTP state machine, driven
 * with decoded packets and no sockets.
 */
#define _GNU_SOURCE
/* This test's clients: 52:54:00:00:00:xx (its ethers file names them). */
#define FIXTURE_MAC_PREFIX "\x52\x54\x00\x00\x00"
#include "fixture.h"

static int rtype(void)
{
	return r.dest == DEST_NONE ? 0 : rm.msg_type;
}

static int rstr(uint8_t code, const char *want)
{
	size_t l;
	const uint8_t *v = dhcp_get(&rm, code, &l);

	return v && l == strlen(want) && !memcmp(v, want, l);
}

static const char *conf_text(void)
{
	static char t[2048];

	snprintf(t, sizeof(t),
		 "# test config\n"
		 "lease-file %s/leases\n"
		 "ethers %s/ethers\n"
		 "hosts %s/hosts\n"
		 "root-path /tftpboot/%%i\n"
		 "subnet 192.0.2.0/24\n"
		 "  pool 192.0.2.100 192.0.2.102\n"
		 "  lease-time 600\n"
		 "  option routers 192.0.2.1\n"
		 "  option classless-static-routes 10.0.0.0/8 192.0.2.254\n"
		 "  next-server 192.0.2.1\n"
		 "  boot-file pxelinux.0\n"
		 "  arch-boot-file 7 ipxe.efi\n"
		 "  ipxe-boot-file http://192.0.2.1/boot.ipxe\n"
		 "end\n"
		 "subnet 198.51.100.0/24\n"
		 "  pool 198.51.100.10 198.51.100.20\n"
		 "  option routers 198.51.100.1\n"
		 "end\n"
		 "host node2\n"
		 "  boot-file special.0\n"
		 "  root-path /srv/nfs/%%h\n"
		 "end\n", dir, dir, dir);
	return t;
}

static void test_config(void)
{
	struct config *c;
	char out[64];
	const uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };

	c = load("subnet 192.0.2.0/24\n  pool 192.0.2.1 192.0.3.5\nend\n");
	TAP_OK(!c && strstr(err, "nb.conf:2: pool") && strstr(err, "outside"),
	       "pool outside subnet: file:line error (%s)", err);
	c = load("\n\npool-strat 3\n");
	TAP_OK(!c && strstr(err, "nb.conf:3: unknown option 'pool-strat'"), "unknown key: %s", err);
	c = load("tftp-root /srv\n");
	TAP_OK(!c && strstr(err, ":1: unknown option 'tftp-root'"), "tftp-* rejected without the TFTP module");
	c = load("subnet 192.0.2.0/24\n");
	TAP_OK(!c && strstr(err, "missing 'end'"), "unclosed block: %s", err);
	c = load("option routers 192.0.2.300\n");
	TAP_OK(!c && strstr(err, ":1: routers: bad value"), "bad option value: %s", err);
	c = load("subnet 192.0.2.0/24\nend\nsubnet 192.0.2.128/25\nend\n");
	TAP_OK(!c && strstr(err, ":3: subnet overlaps the one on line 1"), "overlap: %s", err);
	put("ethers", "52:54:00:00:00:01 node1\n52:54:00:00:00:02 node2\n");
	put("hosts", "192.0.2.10 node1\n192.0.2.10 node2\n");
	c = load(conf_text());
	TAP_OK(!c && strstr(err, "both have address 192.0.2.10"), "duplicate static address refused: %s", err);
	put("ethers", "52:54:00:00:00:01 node1\n52:54:00:00:00:02 node2\n52:54:00:00:00:03 192.0.2.12\n"
		      "52:54:00:00:00:04 node4 # no address: pool, with host name\n");
	put("hosts", "127.0.0.1 localhost\n::1 ip6-localhost\n192.0.2.10 node1\n192.0.2.11 node2\n"
		     "192.0.2.12 node3\n");
	c = load(conf_text());
	TAP_OK(c != NULL, "cluster config loads (%s)", c ? "" : err);
	if (!c)
		exit(tap_done());
	TAP_OK(c->nhosts == 4, "four static hosts from ethers + config");
	TAP_OK(config_host_by_ip(c, ip("192.0.2.12")) &&
	       !strcmp(config_host_by_ip(c, ip("192.0.2.12"))->name, "node3"),
	       "ethers entry by address takes its name from hosts");
	config_expand("/tftpboot/%i/%h/%m%%", ip("192.0.2.10"), "", mac, out, sizeof(out));
	TAP_STREQ(out, "/tftpboot/192.0.2.10/192.0.2.10/01-02-03-04-05-06%", "template: %%i, %%h without a name, %%m");
	TAP_OK(config_expand("%i%i%i%i", ip("192.0.2.10"), NULL, mac, out, 20) < 0, "template overflow refused");
	config_free(c);
}

static void test_dhcp(void)
{
	struct config *c = load(conf_text());
	char lp[256];
	struct lease_store *ls;
	struct pkt p;
	uint32_t a1, a2, a3;
	uint16_t arch = htons(7);
	size_t l;
	const uint8_t *v;

	snprintf(lp, sizeof(lp), "%s/leases", dir);
	ls = lease_open(lp, SYNC_ALWAYS, ctx.now, err, sizeof(err));
	TAP_OK(c && ls, "config and lease store open");
	if (!c || !ls)
		exit(tap_done());
	ctx.server_ip = ip("192.0.2.1");

	/* Static node: ethers + hosts, root path from the template. */
	start(&p, DHCPDISCOVER, 1);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPOFFER && rm.h.yiaddr == ip("192.0.2.10"),
	       "static node1 offered 192.0.2.10 (%s)", r.log);
	TAP_OK(rstr(DHO_ROOT_PATH, "/tftpboot/192.0.2.10") && rstr(DHO_HOST_NAME, "node1"),
	       "root path /tftpboot/<ip> and host name");
	TAP_OK(!strcmp(rm.h.file, "pxelinux.0") && rm.h.siaddr == ip("192.0.2.1") &&
	       rstr(DHO_TFTP_SERVER, "192.0.2.1"), "file, siaddr and option 66");
	TAP_OK(dhcp_has(&rm, DHO_SUBNET_MASK) && dhcp_has(&rm, DHO_ROUTERS) &&
	       dhcp_has(&rm, DHO_CLASSLESS_ROUTES) && dhcp_has(&rm, DHO_BROADCAST) &&
	       dhcp_has(&rm, DHO_LEASE_TIME) && dhcp_has(&rm, DHO_T1) && dhcp_has(&rm, DHO_T2),
	       "options 1, 3, 121, 28, 51, 58, 59 present");
	TAP_OK(r.dest == DEST_CHADDR && r.dst_ip == ip("192.0.2.10"), "no broadcast flag: unicast to yiaddr at chaddr");
	start(&p, DHCPDISCOVER, 2);
	TAP_OK(run(c, ls, &p) == 0 && rstr(DHO_ROOT_PATH, "/srv/nfs/node2") &&
	       !strcmp(rm.h.file, "special.0"), "per-host boot file and root path override");

	/* Dynamic client: pool, selecting, lease journaled. */
	start(&p, DHCPDISCOVER, 0x20);
	p.b[10] = 0x80;
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPOFFER, "pool client offered (%s)", r.log);
	a1 = rm.h.yiaddr;
	TAP_OK(ntohl(a1) >= ntohl(ip("192.0.2.100")) && ntohl(a1) <= ntohl(ip("192.0.2.102")) &&
	       r.dest == DEST_BROADCAST, "address from the pool, broadcast flag honoured");
	start(&p, DHCPREQUEST, 0x20);
	opt_ip(&p, DHO_SERVER_ID, "192.0.2.1");
	opt(&p, DHO_REQUESTED_IP, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPACK && rm.h.yiaddr == a1 && r.journaled,
	       "REQUEST (selecting) ACKed and journaled: %s", r.log);
	TAP_OK(strstr(r.log, "[selecting]") != NULL, "log line names the client state");
	start(&p, DHCPDISCOVER, 0x21);
	run(c, ls, &p);
	a2 = rm.h.yiaddr;
	TAP_OK(a2 && a2 != a1, "second client gets another address");
	start(&p, DHCPREQUEST, 0x21);
	opt_ip(&p, DHO_SERVER_ID, "192.0.2.99");
	opt(&p, DHO_REQUESTED_IP, &a2, 4);
	TAP_OK(run(c, ls, &p) == 0 && r.dest == DEST_NONE, "REQUEST for another server: silent");
	TAP_OK(!lease_active(lease_by_ip(ls, ntohl(a2)), ctx.now), "its offer is let go at once");
	start(&p, DHCPREQUEST, 0x22);
	opt(&p, DHO_REQUESTED_IP, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPNAK && r.dest == DEST_BROADCAST,
	       "init-reboot for another client's address: NAK, broadcast");
	TAP_OK(strstr(r.log, "DHCPNAK") && strstr(r.log, "[init-reboot]"), "the NAK's log line names the client state: %s",
	       r.log);
	start(&p, DHCPREQUEST, 0x20);
	opt_ip(&p, DHO_REQUESTED_IP, "203.0.113.5");
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPNAK, "init-reboot from another network: NAK");

	/* Renew: ciaddr, unicast. */
	start(&p, DHCPREQUEST, 0x20);
	memcpy(p.b + 12, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPACK && r.dest == DEST_CIADDR &&
	       r.dst_ip == a1 && strstr(r.log, "[renewing] lease "), "renewing: ACK unicast to ciaddr, logged with the lease: %s",
	       r.log);

	/* Client id (61) wins over chaddr. */
	start(&p, DHCPREQUEST, 0x33);
	memcpy(p.b + 12, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPNAK && strstr(r.log, "[renewing]"),
	       "same address, other MAC, no id: NAK, logged as a refused renewal: %s", r.log);
	start(&p, DHCPDISCOVER, 0x34);
	opt(&p, DHO_CLIENT_ID, "\x01\x52\x54\x00\x00\x00\x20", 7);
	TAP_OK(run(c, ls, &p) == 0 && rm.h.yiaddr == a1,
	       "client id 01:<mac> matches the chaddr-keyed lease of that MAC");

	/* Decline: quarantine. */
	start(&p, DHCPDECLINE, 0x20);
	opt(&p, DHO_REQUESTED_IP, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && r.dest == DEST_NONE && r.journaled, "DECLINE journaled: %s", r.log);
	start(&p, DHCPDISCOVER, 0x20);
	run(c, ls, &p);
	a3 = rm.h.yiaddr;
	TAP_OK(a3 && a3 != a1, "declined address is not offered again");
	ctx.now += 700;
	start(&p, DHCPDISCOVER, 0x23);
	opt(&p, DHO_REQUESTED_IP, &a1, 4);
	run(c, ls, &p);
	TAP_OK(rm.h.yiaddr == a1, "after the quarantine the address is usable again");

	/* Release. */
	start(&p, DHCPREQUEST, 0x23);
	opt_ip(&p, DHO_SERVER_ID, "192.0.2.1");
	opt(&p, DHO_REQUESTED_IP, &a1, 4);
	run(c, ls, &p);
	start(&p, DHCPRELEASE, 0x23);
	memcpy(p.b + 12, &a1, 4);
	TAP_OK(run(c, ls, &p) == 0 && r.journaled && lease_by_ip(ls, ntohl(a1))->state == LEASE_FREE,
	       "RELEASE frees the lease");
	start(&p, DHCPRELEASE, 0x24);
	memcpy(p.b + 12, &a3, 4);
	TAP_OK(run(c, ls, &p) == 0 && !r.journaled, "RELEASE of someone else's address ignored");

	/* Inform. */
	start(&p, DHCPINFORM, 0x40);
	memcpy(p.b + 12, &a3, 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPACK && rm.h.yiaddr == 0 &&
	       !dhcp_has(&rm, DHO_LEASE_TIME) && r.dest == DEST_CIADDR, "INFORM: ACK, no address, no lease time");

	/* Pool exhaustion: three bound clients fill the three addresses. */
	for (uint8_t k = 0x50; k < 0x53; k++) {
		start(&p, DHCPDISCOVER, k);
		run(c, ls, &p);
		a2 = rm.h.yiaddr;
		start(&p, DHCPREQUEST, k);
		opt_ip(&p, DHO_SERVER_ID, "192.0.2.1");
		opt(&p, DHO_REQUESTED_IP, &a2, 4);
		run(c, ls, &p);
	}
	TAP_OK(rtype() == DHCPACK, "third pool client bound (%s)", r.log);
	start(&p, DHCPDISCOVER, 0x53);
	TAP_OK(run(c, ls, &p) == 0 && r.dest == DEST_NONE && strstr(r.log, "no address"),
	       "full pool: no offer (%s)", r.log);

	/* Expiry: once the pool's leases run out, their addresses are reused. */
	ctx.now += 601;
	start(&p, DHCPDISCOVER, 0x53);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPOFFER && ntohl(rm.h.yiaddr) >= ntohl(ip("192.0.2.100")),
	       "expired lease reused for a new client (%s)", r.log);
	a3 = rm.h.yiaddr;
	start(&p, DHCPREQUEST, 0x52);
	memcpy(p.b + 12, &a2, 4);
	run(c, ls, &p);
	if (a3 == a2)
		TAP_OK(rtype() == DHCPNAK, "expired address now offered to another: its old client is NAKed");
	else
		TAP_OK(rtype() == DHCPACK && rm.h.yiaddr == a2,
		       "a client renewing its expired, unclaimed address gets it back");

	/* Relay: giaddr picks the subnet, 82 echoed last, reply to the relay. */
	start(&p, DHCPDISCOVER, 0x60);
	opt(&p, DHO_RELAY_AGENT, "\x01\x03" "abc", 5);
	p.b[3] = 1;
	memcpy(p.b + 24, "\xc6\x33\x64\x01", 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPOFFER &&
	       (ntohl(rm.h.yiaddr) >> 8) == (198u << 16 | 51u << 8 | 100u),
	       "relayed DISCOVER served from the relay's subnet");
	TAP_OK(r.dest == DEST_RELAY && r.dst_ip == ip("198.51.100.1") && r.dst_port == 67, "reply to giaddr:67");
	TAP_OK(rm.h.siaddr == ctx.server_ip, "no next-server: siaddr is the server (ipconfig's root server)");
	v = dhcp_get(&rm, DHO_RELAY_AGENT, &l);
	TAP_OK(v && l == 5 && !memcmp(v, "\x01\x03" "abc", 5), "option 82 echoed unchanged");
	v = dhcp_get(&rm, DHO_ROUTERS, &l);
	TAP_OK(v && l == 4 && !memcmp(v, "\xc6\x33\x64\x01", 4),
	       "relayed client gets its own subnet's router, not the server's");
	/* RFC 2131 4.3.2: a NAK through a relay has the broadcast bit set, so
	 * the relay broadcasts it to a client whose address is wrong. */
	start(&p, DHCPREQUEST, 0x60);
	opt_ip(&p, DHO_REQUESTED_IP, "192.0.2.150");
	p.b[3] = 1;
	memcpy(p.b + 24, "\xc6\x33\x64\x01", 4);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPNAK && r.dest == DEST_RELAY &&
	       r.dst_ip == ip("198.51.100.1") && r.dst_port == 67,
	       "relayed init-reboot from another network: NAK to the relay (%s)", r.log);
	TAP_OK(rm.h.flags & BOOTP_BROADCAST, "NAK through a relay carries the broadcast bit");
	TAP_OK(rm.h.giaddr == ip("198.51.100.1"), "NAK through a relay keeps giaddr");
	start(&p, DHCPDISCOVER, 0x61);
	memcpy(p.b + 24, "\xcb\x00\x71\x01", 4);
	TAP_OK(run(c, ls, &p) == 0 && r.dest == DEST_NONE && strstr(r.log, "no subnet"),
	       "relay from an unknown subnet: silent");

	/* PXE and iPXE. */
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016", 32);
	opt(&p, DHO_CLIENT_ARCH, &arch, 2);
	run(c, ls, &p);
	TAP_OK(rstr(DHO_VENDOR_CLASS, "PXEClient") && !strcmp(rm.h.file, "ipxe.efi"),
	       "PXE: 60 echoed, boot file by arch 7");
	TAP_OK(strstr(r.log, " file ipxe.efi") && !strstr(r.log, "(iPXE)"),
	       "log names the boot file, not iPXE (%s)", r.log);
	/* edk2 (OVMF's UefiPxeBcDxe) takes an offer that echoes PXEClient
	 * without discovery options in 43 for a BINL offer, and asks port
	 * 4011 for the boot file, where no one answers.  Discovery control
	 * (43.6) with bit 3 ("use the boot file name") makes it a PXE 1.0
	 * offer: edk2 loads the file named here, in the offer and the ACK. */
	for (int type = DHCPDISCOVER; type <= DHCPREQUEST; type += DHCPREQUEST - DHCPDISCOVER) {
		const uint8_t *v43;
		size_t l43;

		start(&p, type, 1);
		opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003000", 32);
		opt(&p, DHO_CLIENT_ARCH, &arch, 2);
		if (type == DHCPREQUEST)
			opt_ip(&p, DHO_REQUESTED_IP, "192.0.2.10");
		run(c, ls, &p);
		v43 = dhcp_get(&rm, DHO_VENDOR, &l43);
		TAP_OK(rstr(DHO_VENDOR_CLASS, "PXEClient") && v43 && l43 >= 3 && v43[0] == 6 &&
		       v43[1] == 1 && (v43[2] & 8) && !strcmp(rm.h.file, "ipxe.efi"),
		       "edk2 %s: PXEClient echoed with 43 discovery control 'use the boot file' (no BINL, no port 4011)",
		       type == DHCPDISCOVER ? "offer" : "ACK");
	}
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_USER_CLASS, "iPXE", 4);
	run(c, ls, &p);
	TAP_OK(rstr(DHO_BOOTFILE, "http://192.0.2.1/boot.ipxe"), "iPXE (user class) gets its script");
	TAP_OK(strstr(r.log, " file http://192.0.2.1/boot.ipxe (iPXE)") != NULL,
	       "log marks the client as iPXE (%s)", r.log);
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_IPXE_ENCAP, "\x01\x01\x01", 3);
	run(c, ls, &p);
	TAP_OK(rstr(DHO_BOOTFILE, "http://192.0.2.1/boot.ipxe"), "iPXE (option 175) gets its script");
	/* iPXE over a PXE stack (snponly.efi, undionly.kpxe) sends PXEClient
	 * too; it needs no 43, and a 43 would only cost reply space. */
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003010", 32);
	opt(&p, DHO_CLIENT_ARCH, &arch, 2);
	opt(&p, DHO_USER_CLASS, "iPXE", 4);
	run(c, ls, &p);
	TAP_OK(rstr(DHO_BOOTFILE, "http://192.0.2.1/boot.ipxe") && !dhcp_has(&rm, DHO_VENDOR),
	       "iPXE under UEFI (PXEClient, arch 7, user class iPXE): its script, no 43");

	/* Max message size: a long option that does not fit is left out. */
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_MAX_SIZE, "\x02\x40", 2);
	run(c, ls, &p);
	TAP_OK(r.out.len <= 576 - 28, "reply within the 576-byte minimum");

	/* BOOTP: static by default, dynamic only if configured. */
	start(&p, 0, 1);
	TAP_OK(run(c, ls, &p) == 0 && r.dest != DEST_NONE && rm.msg_type == 0 &&
	       rm.h.yiaddr == ip("192.0.2.10") && rstr(DHO_ROOT_PATH, "/tftpboot/192.0.2.10"),
	       "BOOTP static host answered with RFC 1048 options");
	start(&p, 0, 0x80);
	TAP_OK(run(c, ls, &p) == 0 && r.dest == DEST_NONE && strstr(r.log, "bootp-dynamic"),
	       "BOOTP unknown client: silent by default");

	/* BOOTP from the pool only with bootp-dynamic. */
	{
		char text[2200];
		struct config *c2;

		snprintf(text, sizeof(text), "bootp-dynamic yes\n%s", conf_text());
		c2 = load(text);
		start(&p, 0, 0x81);
		TAP_OK(c2 && run(c2, ls, &p) == 0 && r.dest != DEST_NONE && rm.h.yiaddr && r.journaled,
		       "bootp-dynamic: BOOTP client gets a journaled pool address (%s)", r.log);
		/* BOOTP through a relay (RFC 1542): the relay's subnet, its router,
		 * the reply to the relay's server port. */
		start(&p, 0, 0x82);
		p.b[3] = 1;
		memcpy(p.b + 24, "\xc6\x33\x64\x01", 4);
		TAP_OK(c2 && run(c2, ls, &p) == 0 && r.dest == DEST_RELAY && r.dst_ip == ip("198.51.100.1") &&
		       r.dst_port == 67 && (ntohl(rm.h.yiaddr) >> 8) == (198u << 16 | 51u << 8 | 100u),
		       "relayed BOOTP: address from the relay's subnet, reply to giaddr:67 (%s)", r.log);
		v = dhcp_get(&rm, DHO_ROUTERS, &l);
		TAP_OK(v && l == 4 && !memcmp(v, "\xc6\x33\x64\x01", 4), "relayed BOOTP: that subnet's router");
		/* A static host on the server's subnet is not that address there. */
		start(&p, 0, 1);
		p.b[3] = 1;
		memcpy(p.b + 24, "\xc6\x33\x64\x01", 4);
		TAP_OK(c2 && run(c2, ls, &p) == 0 && (ntohl(rm.h.yiaddr) >> 8) == (198u << 16 | 51u << 8 | 100u),
		       "relayed BOOTP from a host static elsewhere: not given its other subnet's address");
		config_free(c2);
	}
	lease_close(ls);

	/* Restart: the journal replays; a torn last line is skipped. */
	{
		FILE *f = fopen(lp, "a");

		fputs("bound 192.0.2.102 expires=9999999999 mac=52:54:00:00:00:99 id=01:52", f);
		fclose(f);
	}
	ls = lease_open(lp, SYNC_BATCH, ctx.now, err, sizeof(err));
	TAP_OK(ls != NULL, "store reopens after a torn record");
	TAP_OK(ls && lease_active(lease_by_ip(ls, ntohl(a2)), ctx.now) &&
	       lease_by_ip(ls, ntohl(a2))->state == LEASE_BOUND &&
	       lease_by_ip(ls, ntohl(a2))->mac[5] == 0x52, "acknowledged lease survives the restart");
	TAP_OK(ls && !lease_by_key(ls, (const uint8_t *)"\x01\x52", 2) &&
	       lease_by_ip(ls, ntohl(ip("192.0.2.102")))->mac[5] != 0x99, "torn record not applied");
	lease_close(ls);
	/* Compaction: 6000 records for one live lease shrink to a few lines. */
	ls = lease_open(lp, SYNC_NONE, ctx.now, err, sizeof(err));
	for (int i = 0; i < 3000 && ls; i++) {
		lease_bind(ls, 0xc0000264, (const uint8_t *)"\x01\x02", 2, (const uint8_t *)"\2\0\0\0\0\2",
			   ctx.now + 600, "churn");
		lease_release(ls, 0xc0000264);
		lease_sync(ls);
	}
	lease_bind(ls, 0xc0000264, (const uint8_t *)"\x01\x02", 2, (const uint8_t *)"\2\0\0\0\0\2",
		   ctx.now + 600, "churn");
	lease_sync(ls);
	{
		FILE *f = fopen(lp, "r");
		int lines = 0, ch;

		while (f && (ch = fgetc(f)) != EOF)
			lines += ch == '\n';
		if (f)
			fclose(f);
		TAP_OK(lines > 0 && lines < 4096 + 8, "journal compacted while running (%d lines after 6001 records)", lines);
	}
	lease_close(ls);
	ls = lease_open(lp, SYNC_NONE, ctx.now, err, sizeof(err));
	TAP_OK(ls && lease_by_ip(ls, 0xc0000264) && lease_by_ip(ls, 0xc0000264)->state == LEASE_BOUND &&
	       !strcmp(lease_by_ip(ls, 0xc0000264)->host, "churn"), "the live lease survives compaction");
	lease_close(ls);
	put("leases", "garbage line\nbound 192.0.2.101 expires=x\n");
	ls = lease_open(lp, SYNC_BATCH, ctx.now, err, sizeof(err));
	TAP_OK(ls && lease_count(ls) == 0, "corrupt journal: started empty, not refused");
	lease_close(ls);
	config_free(c);
}

/* Replies bigger than the client accepts: what does not fit the options
 * field moves into the empty file/sname fields (RFC 2132 9.3). */
static void test_overload_reply(void)
{
	static char t[1024];
	char dom[201], nis[61], pad[84], lp[256];
	struct config *c;
	struct lease_store *ls;
	struct pkt p;
	uint16_t big = htons(1500);

	memset(dom, 'd', 200);
	dom[200] = 0;
	memset(nis, 'n', 60);
	nis[60] = 0;
	memset(pad, 'p', 83);
	pad[83] = 0;
	/* 200 + 60 bytes of strings and a 100-byte root path: more than the
	 * 308-byte options field of a 576-byte reply. */
	snprintf(t, sizeof(t),
		 "lease-file %s/leases-ov\n"
		 "subnet 192.0.2.0/24\n"
		 "  pool 192.0.2.100 192.0.2.110\n"
		 "  option domain-name %s\n"
		 "  option nis-domain %s\n"
		 "  root-path /srv/%s/%%i\n"
		 "end\n", dir, dom, nis, pad);
	c = load(t);
	snprintf(lp, sizeof(lp), "%s/leases-ov", dir);
	ls = lease_open(lp, SYNC_NONE, ctx.now, err, sizeof(err));
	TAP_OK(c && ls, "overload config loads (%s)", err);
	if (!c || !ls)
		exit(tap_done());
	start(&p, DHCPDISCOVER, 0x40);
	TAP_OK(run(c, ls, &p) == 0 && rtype() == DHCPOFFER, "offer without option 57 (%s)", r.log);
	TAP_OK(r.out.len <= DHCP_MIN_MAX_SIZE - 28, "reply within 576 bytes (%zu UDP payload)", r.out.len);
	TAP_OK(rm.overload != 0 && r.out.overflowed > 0, "option 52 sent (%u)", rm.overload);
	TAP_OK(rstr(DHO_DOMAIN_NAME, dom) && rstr(40, nis) && dhcp_has(&rm, DHO_ROOT_PATH) &&
	       dhcp_has(&rm, DHO_SUBNET_MASK) && dhcp_has(&rm, DHO_LEASE_TIME),
	       "every option reaches the client");
	TAP_OK(strstr(r.log, "in file/sname, 0 left out (limit 548)") != NULL, "log says so: %s", r.log);

	start(&p, DHCPDISCOVER, 0x41);
	opt(&p, DHO_MAX_SIZE, &big, 2);
	TAP_OK(run(c, ls, &p) == 0 && rm.overload == 0 && !dhcp_has(&rm, DHO_OVERLOAD) &&
	       rstr(DHO_DOMAIN_NAME, dom) && rstr(40, nis), "57 = 1500: all in the options field, no 52");
	TAP_OK(!strstr(r.log, "file/sname"), "and the log line stays short: %s", r.log);
	lease_close(ls);
	config_free(c);

	/* option-overload no: the old behaviour, with the loss logged. */
	snprintf(t + strlen(t), sizeof(t) - strlen(t), "option-overload no\n");
	c = load(t);
	ls = lease_open(lp, SYNC_NONE, ctx.now, err, sizeof(err));
	TAP_OK(c && ls && !c->option_overload, "option-overload no parses");
	if (!c || !ls)
		exit(tap_done());
	start(&p, DHCPDISCOVER, 0x42);
	TAP_OK(run(c, ls, &p) == 0 && rm.overload == 0 && r.out.dropped > 0 &&
	       strstr(r.log, "left out (limit 548)"), "options left out and logged: %s", r.log);
	lease_close(ls);
	config_free(c);
	c = load("option-overload maybe\n");
	TAP_OK(!c && strstr(err, ":1:"), "option-overload wants yes or no: %s", err);
}

int main(void)
{
	if (fixture_begin() < 0)
		return 1;
	test_config();
	test_dhcp();
	test_overload_reply();
	return fixture_end();
}

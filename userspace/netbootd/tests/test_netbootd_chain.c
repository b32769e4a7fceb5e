// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_chain.c - the two-stage chainload (ipxe-chain-file,
 * chain.c) through the real DHCP policy, with no sockets: a vendor PXE
 * ROM (no user class) gets undionly.kpxe, a plain iPXE its script; with
 * the chain key the NIC's own iPXE gets undionly.kpxe, the stage after
 * our TFTP sent it gets the script, and after the script the chain starts
 * over.  The requests carry what the firmware sends: option 60
 * "PXEClient:Arch:00000:UNDI:002001", 93 0 and, from iPXE, 77 "iPXE" and
 * 175.  TFTP's side is the call the daemon makes (chain_tftp_done).
 */
#define _GNU_SOURCE
#include "../chain.h"
#include "fixture.h"

/* BODY after a lease-file line: its errors are on BODY's line + 1. */
static struct config *load_leased(const char *body)
{
	char t[2048];

	snprintf(t, sizeof(t), "lease-file %s/leases\n%s", dir, body);
	return load(t);
}

enum fw { VENDOR_ROM, IPXE, KERNEL };

/* A DHCPDISCOVER (type 1) or DHCPREQUEST for addr (type 3) from MAC
 * 52:54:00:12:34:<last>, as the firmware fw sends it. */
static void request(struct pkt *p, int type, uint8_t last, enum fw fw, uint32_t addr)
{
	static const uint8_t arch0[2] = { 0, 0 }, ndi[3] = { 1, 2, 1 };
	uint32_t sid = inet_addr("192.0.2.1");

	start(p, type, last);
	if (type == DHCPREQUEST) {
		opt(p, DHO_REQUESTED_IP, &addr, 4);
		opt(p, DHO_SERVER_ID, &sid, 4);
	}
	if (fw == KERNEL)
		return;
	opt(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001", 32);
	opt(p, DHO_CLIENT_ARCH, arch0, 2);
	opt(p, 94, ndi, 3);
	if (fw == IPXE) {
		opt(p, DHO_USER_CLASS, "iPXE", 4);
		opt(p, DHO_IPXE_ENCAP, "\x13\x01\x01", 3);	/* 19: PXE extensions */
	}
}

static struct chain_table *table;

/* DISCOVER then REQUEST: the file in the OFFER, and it must equal the
 * ACK's (else "(offer and ack differ)"). */
static const char *boot(const struct config *c, struct lease_store *ls, uint8_t last, enum fw fw)
{
	static char offered[sizeof(rm.h.file)];
	struct pkt p;

	request(&p, DHCPDISCOVER, last, fw, 0);
	snprintf(offered, sizeof(offered), "%s", serve(c, ls, &p));
	request(&p, DHCPREQUEST, last, fw, rm.h.yiaddr);
	if (strcmp(offered, serve(c, ls, &p)))
		return "(offer and ack differ)";
	return offered;
}

static char tftp_msg[512];

/* Our TFTP finished sending path to 192.0.2.10. */
static int tftp_sent(const char *path)
{
	tftp_msg[0] = 0;
	return chain_tftp_done(table, inet_addr("192.0.2.10"), path, ctx.now, tftp_msg,
			       sizeof(tftp_msg));
}

#define RACK \
	"subnet 192.0.2.0/24\n" \
	"  pool 192.0.2.100 192.0.2.150\n" \
	"  boot-file pxelinux.0\n" \
	"  arch-boot-file x86-bios undionly.kpxe\n" \
	"  ipxe-boot-file boot.ipxe\n" \
	"end\n"
#define NODE "host node\n  mac 52:54:00:12:34:56\n  address 192.0.2.10\n"

static void test_names(void)
{
	char o[64];

	chain_tftp_name("undionly.kpxe", o, sizeof(o));
	TAP_STREQ(o, "undionly.kpxe", "a plain name stays");
	chain_tftp_name("/tftpboot/ipxe\\undionly.kpxe", o, sizeof(o));
	TAP_STREQ(o, "ipxe/undionly.kpxe", "leading /tftpboot/ dropped, '\\' is '/', as tftp_path_map does");
	chain_tftp_name("tftp://192.0.2.1/boot.ipxe", o, sizeof(o));
	TAP_STREQ(o, "boot.ipxe", "tftp://host/ dropped");
	chain_tftp_name("http://192.0.2.1/boot.ipxe", o, sizeof(o));
	TAP_STREQ(o, "", "an http:// script is no TFTP fetch");
	chain_tftp_name("tftpboot/x", o, sizeof(o));
	TAP_STREQ(o, "tftpboot/x", "tftpboot/ without the leading '/' is a directory");
}

static void test_config(void)
{
	struct config *c;

	c = load_leased("subnet 192.0.2.0/24\n  ipxe-chain-file undionly.kpxe\nend\n");
	TAP_OK(!c && strstr(err, "nb.conf:2: subnet: ipxe-chain-file undionly.kpxe without an ipxe-boot-file"),
	       "chain file without a script refused, with file:line (%s)", err);
	c = load_leased("ipxe-boot-file undionly.kpxe\nipxe-chain-file undionly.kpxe\nsubnet 192.0.2.0/24\nend\n");
	TAP_OK(!c && strstr(err, "ipxe-chain-file and ipxe-boot-file are both undionly.kpxe"),
	       "chain file equal to the script refused (%s)", err);
	c = load_leased("ipxe-chain-timeout 2\n");
	TAP_OK(!c && strstr(err, "ipxe-chain-timeout"), "ipxe-chain-timeout below 5 s refused (%s)", err);
	c = load_leased("subnet 192.0.2.0/24\n  ipxe-boot-file boot.ipxe\nend\n" NODE "  ipxe-chain-file undionly.kpxe\nend\n");
	TAP_OK(c && c->ipxe_chain_timeout == 120, "host chain file with the subnet's script accepted, timeout 120 s (%s)",
	       c ? "" : err);
	config_free(c);
}

/* Without the chain key: the user class alone tells the stages apart,
 * which is right for vendor ROMs. */
static void test_vendor_rom(void)
{
	struct config *c = load_leased(RACK NODE "end\n");
	struct lease_store *ls = open_leases();

	TAP_OK(c && ls, "rack config loads (%s)", c ? "" : err);
	if (!c || !ls)
		exit(tap_done());
	TAP_STREQ(boot(c, ls, 0x56, VENDOR_ROM), "undionly.kpxe",
		  "vendor PXE ROM (93 0, no user class): undionly.kpxe by arch-boot-file");
	TAP_OK(strstr(r.log, " file undionly.kpxe (x86 BIOS)") && !strstr(r.log, "chain"),
	       "log: x86 BIOS, no chain step without the key (%s)", r.log);
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "boot.ipxe", "iPXE (77 iPXE, 175): the script at once");
	TAP_STREQ(boot(c, ls, 0x56, KERNEL), "pxelinux.0", "the kernel's own DHCP: the plain boot file");
	lease_close(ls);
	config_free(c);
}

/* The chain key, the NIC's ROM being an iPXE itself (QEMU's). */
static void test_chain(void)
{
	struct config *c = load_leased(RACK NODE "  ipxe-chain-file undionly.kpxe\nend\n");
	struct lease_store *ls = open_leases();

	TAP_OK(c && ls, "chain config loads (%s)", c ? "" : err);
	if (!c || !ls)
		exit(tap_done());
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "undionly.kpxe",
		  "stage 1: the NIC's iPXE gets the chain file (OFFER and ACK)");
	TAP_OK(strstr(r.log, " file undionly.kpxe (iPXE) [chain 1/2: replaces the NIC's iPXE]") != NULL,
	       "log names the step (%s)", r.log);
	TAP_OK(!dhcp_has(&rm, DHO_VENDOR), "an iPXE gets no PXE option 43, chain file or not");
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "undionly.kpxe", "a retry before the fetch: still the chain file");
	TAP_OK(!tftp_sent("boot.ipxe"), "the script fetched before the chain file is no step");
	TAP_OK(!chain_tftp_done(table, inet_addr("192.0.2.11"), "undionly.kpxe", ctx.now, tftp_msg,
				sizeof(tftp_msg)), "a fetch from another address moves nobody");
	ctx.now += 3;
	TAP_OK(tftp_sent("undionly.kpxe"), "TFTP sent the chain file: a chain step");
	TAP_OK(strstr(tftp_msg, "chain: 192.0.2.10 (52:54:00:12:34:56) loaded undionly.kpxe: its next iPXE request gets boot.ipxe") != NULL,
	       "one log line for it (%s)", tftp_msg);
	ctx.now += 4;
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "boot.ipxe", "stage 2: the chained iPXE gets the script (OFFER and ACK)");
	TAP_OK(strstr(r.log, "[chain 2/2: loaded undionly.kpxe 4s ago]") != NULL, "log names stage 2 (%s)", r.log);
	TAP_STREQ(boot(c, ls, 0x57, IPXE), "boot.ipxe", "a node outside the host's chain key: the script at once");
	ctx.now += 1;
	TAP_OK(tftp_sent("boot.ipxe"), "TFTP sent the script: a chain step");
	TAP_OK(strstr(tftp_msg, "fetched the script boot.ipxe 5s after undionly.kpxe: chain complete") != NULL,
	       "chain complete logged (%s)", tftp_msg);
	TAP_OK(!tftp_sent("boot.ipxe"), "a second script fetch is no step");
	TAP_STREQ(boot(c, ls, 0x56, KERNEL), "pxelinux.0", "the kernel's DHCP is not part of the chain");
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "undionly.kpxe", "after the script: the next boot starts the chain again");

	/* Expiry: loaded the chain file, never fetched the script. */
	TAP_OK(tftp_sent("undionly.kpxe"), "chain file fetched again");
	ctx.now += c->ipxe_chain_timeout - 1;
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "boot.ipxe", "within ipxe-chain-timeout: the script");
	ctx.now += 2;
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "undionly.kpxe", "after ipxe-chain-timeout: the chain file again");
	ctx.now += 1;
	TAP_OK(tftp_sent("undionly.kpxe"), "and its fetch is a step again");
	ctx.now += c->ipxe_chain_timeout + 1;
	{
		struct pkt p;

		request(&p, DHCPDISCOVER, 0x56, IPXE, 0);
		TAP_STREQ(serve(c, ls, &p), "undionly.kpxe", "an expired stage 2 restarts");
		TAP_OK(strstr(r.log, "its last chain expired") != NULL, "log says the chain expired (%s)", r.log);
	}
	TAP_OK(!tftp_sent("boot.ipxe"), "a script fetched after the chain restarted is no step");

	/* Without the table (a caller with no memory): the script at once. */
	{
		struct chain_table *keep = table;

		ctx.chain = NULL;
		TAP_STREQ(boot(c, ls, 0x58, IPXE), "boot.ipxe", "no chain table: iPXE gets its script");
		ctx.chain = table = keep;
	}
	lease_close(ls);
	config_free(c);
}

/* The chain key with a vendor ROM: its arch-boot-file is the chain file;
 * the iPXE it loads must get the script, not the chain file again. */
static void test_chain_vendor(void)
{
	struct config *c = load_leased("ipxe-chain-file undionly.kpxe\n" RACK NODE "end\n");
	struct lease_store *ls = open_leases();

	TAP_OK(c && ls, "global chain key loads (%s)", c ? "" : err);
	if (!c || !ls)
		exit(tap_done());
	ctx.now += 1000;
	TAP_STREQ(boot(c, ls, 0x56, VENDOR_ROM), "undionly.kpxe", "vendor ROM: undionly.kpxe");
	TAP_OK(strstr(r.log, "(x86 BIOS) [chain 1/2]") != NULL, "log: chain step 1 for the vendor ROM (%s)", r.log);
	TAP_OK(tftp_sent("undionly.kpxe"), "its fetch is the chain step");
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "boot.ipxe", "the iPXE it loaded gets the script");
	TAP_STREQ(boot(c, ls, 0x57, IPXE), "undionly.kpxe", "meanwhile another node's iPXE ROM is at its stage 1");
	TAP_OK(rm.h.yiaddr == inet_addr("192.0.2.100"), "(a pool client, followed by its MAC)");
	lease_close(ls);
	config_free(c);
}

/* The chain file fetched elsewhere (another next-server): netbootd never
 * sees it, and must not hand it out for ever. */
static void test_stuck(void)
{
	struct config *c = load_leased(RACK NODE "  ipxe-chain-file undionly.kpxe\nend\n");
	struct lease_store *ls = open_leases();
	int i;

	ctx.now += 1000;
	for (i = 0; i < CHAIN_MAX_ACKS; i++)
		TAP_STREQ(boot(c, ls, 0x56, IPXE), "undionly.kpxe", "round %d: the chain file", i + 1);
	TAP_STREQ(boot(c, ls, 0x56, IPXE), "boot.ipxe", "after %d ACKs without our TFTP: the script", CHAIN_MAX_ACKS);
	TAP_OK(strstr(r.log, "never fetched from us: the script instead") != NULL, "log says why (%s)", r.log);
	lease_close(ls);
	config_free(c);
}

/* More clients mid-chain than slots: bounded, the newest kept. */
static void test_bound(void)
{
	struct chain_table *t = calloc(1, sizeof(*t));
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 0 };
	int64_t since, now = 5000;
	int kept = 1;

	for (unsigned i = 0; i <= CHAIN_SLOTS; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		chain_served(t, mac, htonl(0xc6120000u + i), "undionly.kpxe", "boot.ipxe", 1, now + i, 3600);
	}
	/* The first one (expiring first) made room for the last. */
	for (unsigned i = 1; i <= CHAIN_SLOTS; i++)
		kept &= chain_tftp_done(t, htonl(0xc6120000u + i), "undionly.kpxe", now + CHAIN_SLOTS,
					tftp_msg, sizeof(tftp_msg));
	TAP_OK(kept, "the newest %d clients are all tracked", CHAIN_SLOTS);
	TAP_OK(!chain_tftp_done(t, htonl(0xc6120000u), "undionly.kpxe", now + CHAIN_SLOTS, tftp_msg,
				sizeof(tftp_msg)), "the oldest was evicted: the table does not grow");
	mac[4] = 0;
	mac[5] = 1;
	TAP_OK(chain_classify(t, mac, now + CHAIN_SLOTS, &since) == CHAIN_SECOND, "a tracked client is at stage 2");
	free(t);
}

int main(void)
{
	if (fixture_begin() < 0)
		return 1;
	table = calloc(1, sizeof(*table));
	ctx.chain = table;
	ctx.server_ip = inet_addr("192.0.2.1");
	test_names();
	test_config();
	test_vendor_rom();
	test_chain();
	test_chain_vendor();
	test_stuck();
	test_bound();
	free(table);
	return fixture_end();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * test_netbootd_arch.c - one netbootd.conf for a mixed rack: x86 BIOS and
 * UEFI servers and arm64 boards running U-Boot each get the boot file of
 * their architecture.  The requests carry what the firmware really sends
 * (Debian's U-Boot 2023.01 for QEMU virt: option 60 "U-Boot.armv8" and 93
 * 0x16 in distro boot's first round, "PXEClient:Arch:00011:UNDI:003000"
 * and 93 0x0b in its UEFI round), driven through the real policy code
 * with no sockets.
 */
#define _GNU_SOURCE
#include "../client_arch.h"
#include "fixture.h"

static const char *rack_conf(void)
{
	static char t[1024];

	snprintf(t, sizeof(t),
		 "lease-file %s/leases\n"
		 "subnet 192.0.2.0/24\n"
		 "  pool 192.0.2.100 192.0.2.150\n"
		 "  boot-file pxelinux.0\n"
		 "  arch-boot-file x86-64-uefi ipxe.efi\n"
		 "  arch-boot-file 9 ipxe.efi\n"
		 "  arch-boot-file arm64-uboot arm64/Image\n"
		 "  arch-boot-file arm64-uefi arm64/Image.efi\n"
		 "  arch-boot-file 0x15 arm32/zImage\n"
		 "end\n", dir);
	return t;
}

static void test_parse(void)
{
	uint16_t a = 0;

	TAP_OK(client_arch_parse("arm64-uboot", &a) == 0 && a == 0x16, "arm64-uboot is 0x16");
	TAP_OK(client_arch_parse("arm64-uefi", &a) == 0 && a == 0x0b, "arm64-uefi is 0x0b");
	TAP_OK(client_arch_parse("22", &a) == 0 && a == 22, "decimal number");
	TAP_OK(client_arch_parse("0x0016", &a) == 0 && a == 0x16, "hex number");
	TAP_OK(client_arch_parse("65536", &a) < 0, "over 0xffff refused");
	TAP_OK(client_arch_parse("arm64", &a) < 0 && client_arch_parse("-1", &a) < 0 &&
	       client_arch_parse("7x", &a) < 0, "unknown name, sign and trailing junk refused");
	TAP_STREQ(client_arch_label(0x16), "U-Boot arm64", "label of 0x16");
	TAP_OK(client_arch_label(9) == NULL, "9 (RFC 4578 and IANA disagree) has no label");
}

static void test_config_errors(void)
{
	struct config *c;

	c = load("subnet 192.0.2.0/24\n  arch-boot-file arm64 Image\nend\n");
	TAP_OK(!c && strstr(err, "nb.conf:2: arch-boot-file wants ARCH FILE") && strstr(err, "arm64-uboot"),
	       "unknown architecture name: file:line and the names (%s)", err);
	c = load("arch-boot-file 0x16\n");
	TAP_OK(!c && strstr(err, ":1: arch-boot-file wants"), "missing file refused");
	c = load("arch-boot-file 0x16 Image extra\n");
	TAP_OK(!c && strstr(err, ":1: arch-boot-file wants"), "extra word refused");
}

static void test_rack(void)
{
	struct config *c = load(rack_conf());
	struct lease_store *ls = open_leases();
	struct pkt p;
	const uint8_t u16[2] = { 0, 0x16 }, u0b[2] = { 0, 0x0b }, u07[2] = { 0, 7 }, u00[2] = { 0, 0 };
	const char *f;

	TAP_OK(c && ls, "rack config and lease store open (%s)", c ? "" : err);
	if (!c || !ls)
		exit(tap_done());
	ctx.server_ip = inet_addr("192.0.2.1");

	/* U-Boot's distro boot, first round. */
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_VENDOR_CLASS, "U-Boot.armv8", 12);
	opt(&p, DHO_CLIENT_ARCH, u16, 2);
	f = serve(c, ls, &p);
	TAP_STREQ(f, "arm64/Image", "U-Boot (60 U-Boot.armv8, 93 0x16): the arm64 U-Boot file");
	TAP_OK(strstr(r.log, " file arm64/Image (U-Boot arm64)") != NULL, "log names the client (%s)", r.log);
	TAP_OK(!dhcp_has(&rm, DHO_VENDOR_CLASS), "no PXEClient echo for U-Boot");
	TAP_OK(rm.h.siaddr == ctx.server_ip, "siaddr set: U-Boot takes its TFTP server from it alone");

	/* A U-Boot built without BOOTP_PXE_CLIENTARCH: option 60 only. */
	start(&p, DHCPDISCOVER, 2);
	opt(&p, DHO_VENDOR_CLASS, "U-Boot.armv8", 12);
	TAP_STREQ(serve(c, ls, &p), "arm64/Image", "U-Boot with option 60 only: by its vendor class");
	start(&p, DHCPDISCOVER, 3);
	opt(&p, DHO_VENDOR_CLASS, "U-Boot.armv7", 12);
	TAP_STREQ(serve(c, ls, &p), "arm32/zImage", "U-Boot.armv7: the arm32 U-Boot file (0x15)");
	start(&p, DHCPDISCOVER, 4);
	opt(&p, DHO_VENDOR_CLASS, "U-Boot.armv8x", 13);
	TAP_STREQ(serve(c, ls, &p), "pxelinux.0", "a longer vendor class is not U-Boot's");

	/* Distro boot's UEFI round: bootp_vci and bootp_arch rewritten. */
	start(&p, DHCPDISCOVER, 1);
	opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00011:UNDI:003000", 32);
	opt(&p, DHO_CLIENT_ARCH, u0b, 2);
	f = serve(c, ls, &p);
	TAP_STREQ(f, "arm64/Image.efi", "arm64 UEFI (93 0x0b): the EFI file");
	TAP_OK(strstr(r.log, "(arm64 UEFI)") != NULL, "log says arm64 UEFI (%s)", r.log);

	/* The x86 rules next to them are unchanged. */
	start(&p, DHCPDISCOVER, 5);
	opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016", 32);
	opt(&p, DHO_CLIENT_ARCH, u07, 2);
	TAP_STREQ(serve(c, ls, &p), "ipxe.efi", "x86-64 UEFI still gets ipxe.efi");
	start(&p, DHCPDISCOVER, 6);
	opt(&p, DHO_VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001", 32);
	opt(&p, DHO_CLIENT_ARCH, u00, 2);
	TAP_STREQ(serve(c, ls, &p), "pxelinux.0", "x86 BIOS: no arch rule, the plain boot file");
	TAP_OK(strstr(r.log, " file pxelinux.0 (x86 BIOS)") != NULL, "log says x86 BIOS (%s)", r.log);
	start(&p, DHCPDISCOVER, 7);
	TAP_STREQ(serve(c, ls, &p), "pxelinux.0", "a client that says nothing: the plain boot file");
	f = strstr(r.log, " file pxelinux.0");
	TAP_OK(f && !strchr(f, '('), "log without a label (%s)", r.log);

	/* 93 shorter than two bytes: no architecture, no read past it (the
	 * codec's option table already drops it; client_arch checks again).
	 * The option after it is 22 (max datagram reassembly, RFC 2132 4.1),
	 * so a reader that took two bytes anyway would see 0x0016: U-Boot. */
	start(&p, DHCPDISCOVER, 8);
	opt(&p, DHO_CLIENT_ARCH, u16, 1);
	opt(&p, 22, "\x05\xdc", 2);
	TAP_STREQ(serve(c, ls, &p), "pxelinux.0", "one-byte option 93 ignored, not read into the next option");

	lease_close(ls);
	config_free(c);
}

int main(void)
{
	if (fixture_begin() < 0)
		return 1;
	test_parse();
	test_config_errors();
	test_rack();
	return fixture_end();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the console watcher: verdicts, reasons and the timeline,
 * fed with lines taken from real 6.1 boots under QEMU.
 */
#include "../../userspace/vboot-console/watch.h"
#include "tap.h"

static enum watch_verdict feed_all(struct watch *w, const char *const *lines)
{
	enum watch_verdict v = WATCH_RUNNING;

	for (long i = 0; lines[i]; i++)
		v = watch_line(w, lines[i], i * 100);
	return v;
}

static void test_nfs_boot_passes(void)
{
	static const char *const boot[] = {
		"[    0.000000] Linux version 6.1.192 (netboot@toolkit) (gcc (Debian 12.2.0-14) 12.2.0) #1 2026-01-01",
		"[    0.000000] Command line: ip=dhcp root=/dev/nfs vboot.marker=abc123 console=ttyS0",
		"[    0.912345] Sending DHCP requests ., OK",
		"[    0.930000] IP-Config: Complete:",
		"[    1.100000] VFS: Mounted root (nfs filesystem) on device 0:13.",
		"[    1.200000] Run /sbin/init as init process",
		"VBOOT-USERSPACE-OK abc123",
		NULL,
	};
	struct watch w;

	TAP_OK(watch_init(&w, "abc123"), "marker accepted");
	TAP_OK(feed_all(&w, boot) == WATCH_PASS, "NFS boot passes on the marker");
	TAP_OK(w.events[EV_KERNEL].seen && w.events[EV_KERNEL].host_ms == 0,
	       "kernel start stamped at the first line");
	TAP_OK(w.events[EV_IPCONFIG_SEND].guest_s > 0.9123 &&
	       w.events[EV_IPCONFIG_SEND].guest_s < 0.9124,
	       "guest timestamp parsed from printk prefix");
	TAP_OK(w.events[EV_IPCONFIG_DONE].host_ms == 300, "IP-Config stamped");
	TAP_OK(w.events[EV_ROOT_MOUNTED].seen, "root mount stamped");
	TAP_OK(w.events[EV_INIT].seen, "init stamped");
	TAP_OK(w.events[EV_MARKER].host_ms == 600 && w.events[EV_MARKER].guest_s < 0,
	       "marker stamped, without guest time");
}

static void test_cmdline_echo_never_passes(void)
{
	static const char *const echo[] = {
		"[    0.000000] Kernel command line: vboot.marker=tok VBOOT-USERSPACE-OK",
		"[    0.000000] Kernel command line: VBOOT-USERSPACE-OK tokX",
		NULL,
	};
	struct watch w;

	watch_init(&w, "tok");
	TAP_OK(feed_all(&w, echo) == WATCH_RUNNING,
	       "command line echo and a longer token do not pass");
}

static void test_missing_export_fails_with_nfs_reason(void)
{
	static const char *const boot[] = {
		"[    1.000000] IP-Config: Complete:",
		"[   96.000000] VFS: Unable to mount root fs via NFS.",
		"[   96.100000] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,255)",
		"VBOOT-USERSPACE-OK m1",
		NULL,
	};
	struct watch w;

	watch_init(&w, "m1");
	TAP_OK(feed_all(&w, boot) == WATCH_FAIL, "missing export fails");
	TAP_STREQ(w.reason, "VFS: Unable to mount root fs via NFS.",
		  "reason is the first fatal line, from the needle on");
	TAP_OK(!w.events[EV_MARKER].seen || w.verdict == WATCH_FAIL,
	       "a later marker does not overturn the verdict");
}

static void test_fatal_patterns(void)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{ "[    2.1] BUG: kernel NULL pointer dereference, address: 0000000000000000",
		  "BUG: kernel NULL pointer dereference, address: 0000000000000000" },
		{ "[    2.1] Oops: 0000 [#1] PREEMPT SMP NOPTI", "Oops: 0000 [#1] PREEMPT SMP NOPTI" },
		{ "[    2.1] kernel BUG at net/ipv4/ipconfig.c:123!", "kernel BUG at net/ipv4/ipconfig.c:123!" },
		{ "[    2.1] general protection fault, probably for non-canonical address",
		  "general protection fault, probably for non-canonical address" },
		{ "[    3.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100",
		  "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct watch w;

		watch_init(&w, "x");
		TAP_OK(watch_line(&w, cases[i].line, 0) == WATCH_FAIL,
		       "fatal: %.40s", cases[i].line + 10);
		TAP_STREQ(w.reason, cases[i].reason, "reason for case %zu", i);
	}
}

static void test_harmless_lines(void)
{
	static const char *const lines[] = {
		"[    0.5] NFS: Registering the id_resolver key type",
		"[    0.6] debug: unmapping init [mem 0xffffffff82000000-0xffffffff8200afff]",
		"[    0.7] e1000: Intel(R) PRO/1000 Network Driver",
		"[    0.8] Freeing unused kernel image (initmem) memory: 1024K",
		NULL,
	};
	struct watch w;

	watch_init(&w, "x");
	TAP_OK(feed_all(&w, lines) == WATCH_RUNNING, "ordinary boot noise decides nothing");
}

static void test_pxe_chain_events(void)
{
	static const char *const chain[] = {
		"\x1b[2J\x1b[01;01HSeaBIOS (version 1.16.2-debian-1.16.2-1)",
		"\x1b[0m\riPXE (https://ipxe.org) 00:03.0 CA00 PCI2.10 PnP PMM+06FCB4A0+06F0B4A0 CA00",
		"PXELINUX 6.04 PXE 20200816 Copyright (C) 1994-2015 H. Peter Anvin et al",
		"[    0.000000] Linux version 6.1.192",
		NULL,
	};
	struct watch w;

	watch_init(&w, "x");
	feed_all(&w, chain);
	TAP_OK(w.events[EV_FIRMWARE].seen && w.events[EV_FIRMWARE].host_ms == 0,
	       "SeaBIOS seen through ANSI escapes");
	TAP_OK(w.events[EV_IPXE].host_ms == 100, "iPXE seen after CR");
	TAP_OK(w.events[EV_PXELINUX].host_ms == 200, "PXELINUX seen");
	TAP_OK(w.events[EV_KERNEL].host_ms == 300, "kernel after the chain");
	watch_init(&w, "x");
	watch_line(&w, "Booting from ROM..\x1b" "c\x1b[?7l\x1b[2J[    0.250000] Linux version 6.1.192", 7);
	TAP_OK(w.events[EV_KERNEL].guest_s == 0.25,
	       "guest time found after firmware text on the same line");
	watch_init(&w, "x");
	watch_line(&w, "[abc] Linux version [ 1.5 x]", 7);
	TAP_OK(w.events[EV_KERNEL].seen && w.events[EV_KERNEL].guest_s < 0,
	       "bracketed text that is no timestamp is ignored");
}

/* Console lines as the boot diskette and OVMF print them. */
static void test_other_firmware(void)
{
	static const char *const floppy[] = {
		"\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)",
		"SYSLINUX 6.04 CHS 20210613 Copyright (C) 1994-2015 H. Peter Anvin et al",
		"\x1b[0;1miPXE 1.0.0+git-20190125.36a4c85-5.1\x1b[0m -- Open Source Network Boot Firmware -- "
		"\x1b[0;36mhttp",
		"Configuring (net0 52:54:00:12:34:56).... ok",
		NULL,
	};
	static const char *const ovmf[] = {
		"\x1b[=3h\x1b[=3h",
		">>Start PXE over IPv4.",
		"  Station IP address is 192.0.2.10",
		"iPXE 1.0.0+git-20190125.36a4c85-5.1 -- Open Source Network Boot Firmware -- http://ipxe.org",
		NULL,
	};
	static const char *const shell[] = {
		">>Start PXE over IPv4.",
		"BdsDxe: starting Boot0001 \"EFI Internal Shell\" from Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)",
		"UEFI Interactive Shell v2.2",
		"Shell> ",
		NULL,
	};
	struct watch w;

	watch_init(&w, "x");
	TAP_OK(feed_all(&w, floppy) == WATCH_RUNNING, "boot diskette: no verdict from firmware lines");
	TAP_OK(w.events[EV_FIRMWARE].host_ms == 0 && w.events[EV_IPXE].host_ms == 200,
	       "boot diskette: SeaBIOS, then ipxe.lkrn's banner is the iPXE milestone");
	TAP_OK(w.events[EV_IPXE_CONFIGURED].host_ms == 300, "boot diskette: iPXE configured");
	watch_init(&w, "x");
	TAP_OK(feed_all(&w, ovmf) == WATCH_RUNNING, "OVMF: no verdict from firmware lines");
	TAP_OK(w.events[EV_FIRMWARE].host_ms == 100, "OVMF: edk2's PXE start is the firmware milestone");
	TAP_OK(w.events[EV_IPXE].host_ms == 300, "OVMF: snponly.efi's banner is the iPXE milestone");
	watch_init(&w, "x");
	TAP_OK(feed_all(&w, shell) == WATCH_FAIL, "OVMF fell back to the EFI shell: the boot failed");
	TAP_STREQ(w.reason, "UEFI Interactive Shell v2.2", "  ... and the reason names the shell");
}

static void test_marker_validation(void)
{
	struct watch w;

	TAP_OK(!watch_init(&w, ""), "empty marker refused");
	TAP_OK(!watch_init(&w, "a b"), "marker with space refused");
	TAP_OK(!watch_init(&w,
			   "0123456789012345678901234567890123456789012345678901234567890123"),
	       "64-character marker refused");
	TAP_OK(watch_init(&w, "vboot-1234.case_1"), "ordinary marker accepted");
}

static void test_clean_line(void)
{
	char out[16];

	watch_clean_line("a\x1b[1;31mb\rc\x07", out, sizeof(out));
	TAP_STREQ(out, "abc", "escapes, CR and BEL stripped");
	watch_clean_line("0123456789abcdefghij", out, sizeof(out));
	TAP_STREQ(out, "0123456789abcde", "output bounded and terminated");
	watch_clean_line("x\x1b[", out, sizeof(out));
	TAP_STREQ(out, "x", "truncated escape at end of line");
}

int main(void)
{
	test_nfs_boot_passes();
	test_cmdline_echo_never_passes();
	test_missing_export_fails_with_nfs_reason();
	test_fatal_patterns();
	test_harmless_lines();
	test_pxe_chain_events();
	test_other_firmware();
	test_marker_validation();
	test_clean_line();
	return tap_done();
}

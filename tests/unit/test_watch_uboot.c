// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the console watcher on arm64 nodes under U-Boot: its
 * milestones, its failure lines (kept, not fatal, until U-Boot gives up
 * at its prompt) and the way a kernel start clears them.  The lines are
 * from real runs of Debian's U-Boot 2023.01 (qemu_arm64) against netbootd.
 */
#include "../../userspace/vboot-console/watch.h"
#include "tap.h"

#include <string.h>

static enum watch_verdict feed_all(struct watch *w, const char *const *lines)
{
	enum watch_verdict v = WATCH_RUNNING;

	for (long i = 0; lines[i]; i++)
		v = watch_line(w, lines[i], i * 100);
	return v;
}

static const char *const uboot_head[] = {
	"U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)",
	"Loading Environment from Flash... *** Warning - bad CRC, using default environment",
	"Net:   eth0: virtio-net#32",
	"Hit any key to stop autoboot:  2 \b\b\b 1 \b\b\b 0 ",
	"BOOTP broadcast 1",
	"DHCP client bound to address 192.0.2.10 (27 ms)",
	"Filename 'boot.scr.uimg'.",
	"Bytes transferred = 390 (186 hex)",
	"## Executing script at 40200000",
	"Filename 'Image'.",
	"Loading: *#################################################################",
	NULL,
};

static void test_booti_passes(void)
{
	static const char *const tail[] = {
		"Bytes transferred = 9175552 (8c0200 hex)",
		"Moving Image from 0x40400000 to 0x40600000, end=41000000",
		"## Flattened Device Tree blob at 7ed1e8e0",
		"Starting kernel ...",
		"[    0.000000] Linux version 6.1.192 (netboot@toolkit) (aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0) #1",
		"[    1.500000] IP-Config: Complete:",
		"VBOOT-USERSPACE-OK m1",
		NULL,
	};
	struct watch w;

	watch_init(&w, "m1");
	TAP_OK(feed_all(&w, uboot_head) == WATCH_RUNNING, "U-Boot's head: no verdict yet");
	TAP_OK(w.events[EV_UBOOT].seen && w.events[EV_UBOOT].host_ms == 0, "U-Boot banner stamped");
	TAP_OK(w.events[EV_UBOOT_DHCP].host_ms == 500, "U-Boot DHCP stamped at 'DHCP client bound'");
	TAP_OK(w.events[EV_UBOOT_TFTP].host_ms == 700, "first TFTP transfer (boot.scr.uimg) stamped");
	for (long i = 0; tail[i]; i++)
		watch_line(&w, tail[i], 2000 + i * 100);
	TAP_OK(w.verdict == WATCH_PASS, "booti to the marker passes");
	TAP_OK(w.events[EV_UBOOT_TFTP].host_ms == 2000, "TFTP milestone moves to the last transfer (the Image)");
	TAP_OK(w.events[EV_UBOOT_START].host_ms == 2300, "'Starting kernel ...' stamped");
	TAP_OK(w.events[EV_KERNEL].host_ms == 2400, "then the kernel");
}

static void test_missing_script_then_bootefi_passes(void)
{
	/* distro boot's UEFI round: the misses are part of the plan */
	static const char *const efi[] = {
		"U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)",
		"DHCP client bound to address 192.0.2.10 (10 ms)",
		"Filename 'boot.scr.uimg'.",
		"TFTP error: 'file not found' (1)",
		"Not retrying...",
		"*** Unhandled DHCP Option in OFFER/ACK: 43",
		"Filename 'Image'.",
		"Bytes transferred = 9175552 (8c0200 hex)",
		"Filename 'dtb/'.",
		"TFTP error: 'file not found' (1)",
		"Booting /MemoryMapped(0x0,0x40400000,0x8c0200)",
		"EFI stub: Booting Linux Kernel...",
		"[    0.000000] Linux version 6.1.192",
		"VBOOT-USERSPACE-OK m2",
		NULL,
	};
	struct watch w;

	watch_init(&w, "m2");
	TAP_OK(feed_all(&w, efi) == WATCH_PASS, "TFTP errors on the way to bootefi do not fail the boot");
	TAP_OK(w.events[EV_UBOOT_START].seen && w.events[EV_UBOOT_START].host_ms == 1100,
	       "the EFI stub's first line counts as the kernel start");
	TAP_OK(w.events[EV_UBOOT_TFTP].host_ms == 700, "TFTP milestone: the Image, not the failed dtb/");
	TAP_OK(watch_idle(&w, "=> ", 5000) == WATCH_PASS, "a prompt after the verdict changes nothing");
}

static void test_bad_image_fails_at_prompt(void)
{
	static const char *const bad[] = {
		"Bytes transferred = 2000000 (1e8480 hex)",
		"Bad Linux ARM64 Image magic!",
		"vboot: booti returned",
		"Filename 'dtb/'.",
		"TFTP error: 'file not found' (1)",
		"No UEFI binary known at 0x40400000",
		NULL,
	};
	struct watch w;

	watch_init(&w, "m3");
	feed_all(&w, uboot_head);
	TAP_OK(feed_all(&w, bad) == WATCH_RUNNING, "failure lines alone decide nothing (distro boot goes on)");
	TAP_OK(watch_idle(&w, "=", 9000) == WATCH_RUNNING, "a lone '=' is no prompt");
	TAP_OK(watch_idle(&w, "=> ", 9000) == WATCH_FAIL, "U-Boot's prompt before any kernel: fail");
	TAP_STREQ(w.reason, "U-Boot gave up at its prompt: Bad Linux ARM64 Image magic!",
		  "reason: the weightiest error, not the later TFTP miss");
}

static void test_other_failures(void)
{
	struct watch w;

	watch_init(&w, "m4");
	watch_line(&w, "U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", 0);
	watch_line(&w, "TFTP error: 'file not found' (1)", 10);
	watch_line(&w, "Retry count exceeded; starting again", 20);
	watch_idle(&w, "=> ", 30);
	TAP_STREQ(w.reason, "U-Boot gave up at its prompt: Retry count exceeded; starting again",
		  "a retry timeout outranks a missing file");

	watch_init(&w, "m5");
	watch_line(&w, "U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", 0);
	watch_line(&w, "Wrong Image Format for bootm command", 10);
	watch_line(&w, "TFTP error: 'Access violation' (2)", 20);
	watch_idle(&w, "=> \x1b[0m", 30);
	TAP_STREQ(w.reason, "U-Boot gave up at its prompt: Wrong Image Format for bootm command",
		  "Wrong Image Format kept; escapes around the prompt tolerated");

	watch_init(&w, "m6");
	watch_line(&w, "U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", 0);
	watch_idle(&w, "=> ", 30);
	TAP_STREQ(w.reason, "U-Boot gave up at its prompt without booting a kernel",
		  "a prompt with no error says so");

	/* Not U-Boot: a shell prompt or a kernel line with '=>' is no verdict. */
	watch_init(&w, "m7");
	watch_line(&w, "[    0.000000] Linux version 6.1.192", 0);
	TAP_OK(watch_idle(&w, "=> ", 10) == WATCH_RUNNING, "'=> ' without U-Boot decides nothing");
	watch_init(&w, "m8");
	watch_line(&w, "U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)", 0);
	watch_line(&w, "Starting kernel ...", 10);
	watch_line(&w, "TFTP error: 'file not found' (1)", 20);
	TAP_OK(watch_idle(&w, "=> ", 30) == WATCH_RUNNING && !w.uboot_error[0],
	       "after the kernel started, U-Boot patterns are not U-Boot's");
}

int main(void)
{
	test_booti_passes();
	test_missing_script_then_bootefi_passes();
	test_bad_image_fails_at_prompt();
	test_other_failures();
	return tap_done();
}

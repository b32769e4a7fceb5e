// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - console patterns, verdicts and the boot timeline.
 */
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct event_pattern {
	enum watch_event ev;
	const char *needle;
};

/* First occurrence of any needle stamps its event. */
static const struct event_pattern event_patterns[] = {
	{ EV_FIRMWARE, "SeaBIOS (version" },
	{ EV_IPXE, "iPXE (http" },
	{ EV_IPXE, "iPXE (https" },
	/* The banner of iPXE started as a program (ipxe.lkrn from the boot
	 * diskette, snponly.efi from UEFI PXE), not as a NIC's ROM. */
	{ EV_IPXE, "Open Source Network Boot Firmware" },
	/* OVMF prints no banner on the serial console; its network boot's
	 * first line is edk2's PXE starting, a line that ends only with the
	 * next one, which edk2 prints once it has its lease: so this stamps
	 * the end of edk2's DHCP (its 4 s of collecting offers included). */
	{ EV_FIRMWARE, ">>Start PXE over IPv4" },
	/* The line completes only when iPXE has its address. */
	{ EV_IPXE_CONFIGURED, "Configuring (net" },
	{ EV_PXELINUX, "PXELINUX " },
	{ EV_UBOOT, "U-Boot 20" },
	{ EV_UBOOT_DHCP, "DHCP client bound to address" },
	{ EV_UBOOT_START, "Starting kernel ..." },
	{ EV_UBOOT_START, "EFI stub: Booting Linux Kernel" },
	{ EV_KERNEL, "Linux version " },
	{ EV_IPCONFIG_SEND, "Sending DHCP requests" },
	{ EV_IPCONFIG_SEND, "Sending BOOTP requests" },
	{ EV_IPCONFIG_SEND, "Sending RARP requests" },
	{ EV_IPCONFIG_SEND, "Sending DHCP and RARP requests" },
	{ EV_IPCONFIG_SEND, "Sending BOOTP and RARP requests" },
	{ EV_IPCONFIG_DONE, "IP-Config: Complete" },
	{ EV_ROOT_MOUNTED, "VFS: Mounted root" },
	{ EV_INIT, " as init process" },
};

/*
 * Lines that end a boot as failed.  Order does not matter: the first
 * matching line wins, and its text becomes the reason.  "VFS: Unable to
 * mount root fs via NFS" precedes the panic, so the reason names NFS.
 */
static const char *const fatal_needles[] = {
	"Kernel panic - not syncing",
	"VFS: Unable to mount root fs",
	"Oops: ",
	"BUG: ",
	"kernel BUG at",
	"general protection fault",
	"Unable to handle kernel",
	/* UEFI: every boot option failed and OVMF fell back to its shell. */
	"UEFI Interactive Shell",
};

static const char *const event_names[EV_COUNT] = {
	[EV_FIRMWARE] = "firmware",
	[EV_IPXE] = "ipxe",
	[EV_IPXE_CONFIGURED] = "ipxe-configured",
	[EV_PXELINUX] = "pxelinux",
	[EV_UBOOT] = "u-boot",
	[EV_UBOOT_DHCP] = "u-boot-dhcp",
	[EV_UBOOT_TFTP] = "u-boot-tftp",
	[EV_UBOOT_START] = "u-boot-handoff",
	[EV_KERNEL] = "kernel",
	[EV_IPCONFIG_SEND] = "ipconfig-request",
	[EV_IPCONFIG_DONE] = "ipconfig-complete",
	[EV_ROOT_MOUNTED] = "root-mounted",
	[EV_INIT] = "init",
	[EV_MARKER] = "marker",
};

const char *watch_event_name(enum watch_event ev)
{
	if ((int)ev < 0 || ev >= EV_COUNT)
		return "?";
	return event_names[ev];
}

const char *watch_verdict_name(enum watch_verdict v)
{
	switch (v) {
	case WATCH_PASS:
		return "pass";
	case WATCH_FAIL:
		return "fail";
	case WATCH_RUNNING:
		break;
	}
	return "running";
}

static bool marker_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool watch_init(struct watch *w, const char *marker)
{
	size_t len = strlen(marker);

	memset(w, 0, sizeof(*w));
	if (len == 0 || len >= sizeof(w->marker))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!marker_char_ok(marker[i]))
			return false;
	memcpy(w->marker, marker, len + 1);
	for (int i = 0; i < EV_COUNT; i++)
		w->events[i].guest_s = -1;
	return true;
}

void watch_clean_line(const char *line, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
		if (*p == 0x1b) {
			/* CSI: ESC [ params final(0x40..0x7e); else ESC + one char */
			if (p[1] == '[') {
				p += 2;
				while (*p && !(*p >= 0x40 && *p <= 0x7e))
					p++;
			} else if (p[1]) {
				p++;
			}
			if (!*p)
				break;
			continue;
		}
		if (*p < 0x20 && *p != '\t')
			continue;
		if (*p == 0x7f)
			continue;
		if (o + 1 >= outsz)
			break;
		out[o++] = (char)*p;
	}
	out[o] = '\0';
}

/*
 * "[    1.234567] text" -> 1.234567; -1 when the line has no timestamp.
 * The prefix may follow firmware output on the same line (SeaBIOS prints
 * "Booting from ROM..." without a newline before the kernel's first line).
 */
static double guest_timestamp(const char *line)
{
	for (const char *p = strchr(line, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		char *end;
		double t;

		while (*q == ' ')
			q++;
		if (*q < '0' || *q > '9')
			continue;
		t = strtod(q, &end);
		if (end != q && *end == ']' && t >= 0)
			return t;
	}
	return -1;
}

static void stamp(struct watch *w, enum watch_event ev, long host_ms,
		  double guest_s)
{
	struct watch_stamp *s = &w->events[ev];

	if (s->seen)
		return;
	s->seen = true;
	s->host_ms = host_ms;
	s->guest_s = guest_s;
}

static void decide(struct watch *w, enum watch_verdict v, const char *why)
{
	if (w->verdict != WATCH_RUNNING)
		return;
	w->verdict = v;
	snprintf(w->reason, sizeof(w->reason), "%s", why);
}

/* The marker must be followed by end of line or whitespace, not a longer token. */
static bool has_marker(const struct watch *w, const char *line)
{
	const char *p = strstr(line, WATCH_MARKER_PREFIX);
	size_t len = strlen(w->marker);

	while (p) {
		const char *tok = p + strlen(WATCH_MARKER_PREFIX);

		if (strncmp(tok, w->marker, len) == 0 &&
		    (tok[len] == '\0' || tok[len] == ' ' || tok[len] == '\t'))
			return true;
		p = strstr(tok, WATCH_MARKER_PREFIX);
	}
	return false;
}

/*
 * U-Boot's failure lines, weightiest last: a file that is not a kernel
 * says more than a missing file, which a distro boot probes for anyway.
 */
static const char *const uboot_failures[] = {
	"TFTP error",
	"Retry count exceeded",
	"Wrong Image Format",
	"Bad Linux ARM64 Image magic",
};

static void note_uboot_error(struct watch *w, const char *line)
{
	for (int i = (int)(sizeof(uboot_failures) / sizeof(uboot_failures[0])) - 1; i >= 0; i--) {
		const char *hit = strstr(line, uboot_failures[i]);

		if (hit) {
			if (i + 1 > w->uboot_error_rank) {
				w->uboot_error_rank = i + 1;
				snprintf(w->uboot_error, sizeof(w->uboot_error), "%s", hit);
			}
			return;
		}
	}
}

static bool uboot_running(const struct watch *w)
{
	return w->events[EV_UBOOT].seen && !w->events[EV_UBOOT_START].seen &&
	       !w->events[EV_KERNEL].seen;
}

enum watch_verdict watch_idle(struct watch *w, const char *raw, long host_ms)
{
	char line[256], why[WATCH_REASON_MAX];

	(void)host_ms;
	watch_clean_line(raw, line, sizeof(line));
	if (!uboot_running(w) || strncmp(line, "=>", 2) != 0)
		return w->verdict;
	if (w->uboot_error[0])
		snprintf(why, sizeof(why), "U-Boot gave up at its prompt: %.200s", w->uboot_error);
	else
		snprintf(why, sizeof(why), "U-Boot gave up at its prompt without booting a kernel");
	decide(w, WATCH_FAIL, why);
	return w->verdict;
}

enum watch_verdict watch_line(struct watch *w, const char *raw, long host_ms)
{
	char line[1024];
	double guest_s;

	watch_clean_line(raw, line, sizeof(line));
	guest_s = guest_timestamp(line);

	for (size_t i = 0; i < sizeof(event_patterns) / sizeof(event_patterns[0]); i++)
		if (strstr(line, event_patterns[i].needle))
			stamp(w, event_patterns[i].ev, host_ms, guest_s);
	if (uboot_running(w)) {
		/* Every transfer until the kernel starts: the last is the kernel's. */
		if (strstr(line, "Bytes transferred = ")) {
			w->events[EV_UBOOT_TFTP].seen = false;
			stamp(w, EV_UBOOT_TFTP, host_ms, guest_s);
		}
		note_uboot_error(w, line);
	}

	if (has_marker(w, line)) {
		stamp(w, EV_MARKER, host_ms, guest_s);
		decide(w, WATCH_PASS, "init marker seen");
		return w->verdict;
	}
	for (size_t i = 0; i < sizeof(fatal_needles) / sizeof(fatal_needles[0]); i++) {
		const char *hit = strstr(line, fatal_needles[i]);

		if (hit) {
			decide(w, WATCH_FAIL, hit);
			break;
		}
	}
	return w->verdict;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watch.h - read a booting node's serial console line by line and decide.
 *
 * A pure module: lines and timestamps in, verdict and timeline out.  No I/O,
 * no globals, so every pattern can be unit-tested on canned console logs.
 */
#ifndef VBOOT_WATCH_H
#define VBOOT_WATCH_H

#include <stdbool.h>
#include <stddef.h>

enum watch_verdict {
	WATCH_RUNNING = 0,	/* no decision yet */
	WATCH_PASS,		/* the init marker was seen */
	WATCH_FAIL,		/* a fatal pattern was seen; see reason */
};

/* Boot milestones, in the order a network boot normally reaches them. */
enum watch_event {
	EV_FIRMWARE,		/* SeaBIOS banner, OVMF's PXE start */
	EV_IPXE,		/* iPXE banner (ROM or program) */
	EV_IPXE_CONFIGURED,	/* iPXE finished "Configuring (net0 ...)" */
	EV_PXELINUX,		/* PXELINUX banner */
	EV_UBOOT,		/* U-Boot banner ("U-Boot 2023.01...") */
	EV_UBOOT_DHCP,		/* U-Boot "DHCP client bound to address" */
	EV_UBOOT_TFTP,		/* U-Boot "Bytes transferred": the last
				 * transfer before the kernel started */
	EV_UBOOT_START,		/* booti "Starting kernel", or the EFI stub */
	EV_KERNEL,		/* "Linux version" */
	EV_IPCONFIG_SEND,	/* "Sending DHCP/BOOTP/RARP requests" */
	EV_IPCONFIG_DONE,	/* "IP-Config: Complete" */
	EV_ROOT_MOUNTED,	/* "VFS: Mounted root" */
	EV_INIT,		/* "Run /sbin/init as init process" */
	EV_MARKER,		/* our init's marker line */
	EV_COUNT
};

struct watch_stamp {
	bool seen;
	long host_ms;		/* host milliseconds since the node started */
	double guest_s;		/* printk timestamp, or -1 if the line had none */
};

#define WATCH_MARKER_MAX 64
#define WATCH_REASON_MAX 256

struct watch {
	char marker[WATCH_MARKER_MAX];	/* token after WATCH_MARKER_PREFIX */
	enum watch_verdict verdict;
	char reason[WATCH_REASON_MAX];	/* the console line that decided */
	struct watch_stamp events[EV_COUNT];
	/*
	 * U-Boot's failure lines are not fatal on their own: distro boot
	 * tries one way after another (a missing boot.scr.uimg is how its
	 * UEFI stage begins).  The weightiest one is kept, and becomes the
	 * reason when U-Boot gives up at its prompt or the run times out.
	 */
	char uboot_error[WATCH_REASON_MAX];
	int uboot_error_rank;
};

/*
 * The marker line is "VBOOT-USERSPACE-OK <token>".  The token is also on
 * the kernel command line, which the kernel echoes; the prefix is not, so
 * the echo can never pass a boot.
 */
#define WATCH_MARKER_PREFIX "VBOOT-USERSPACE-OK "

/* Returns false if the marker is empty, too long or contains spaces. */
bool watch_init(struct watch *w, const char *marker);

/*
 * Feed one console line (without its newline; CRs and ANSI escapes are
 * tolerated).  Lines after a verdict still update the timeline but never
 * change the verdict.  Returns the verdict.
 */
enum watch_verdict watch_line(struct watch *w, const char *line, long host_ms);

/*
 * Feed the unfinished last line of a console that has gone quiet (no
 * newline follows a prompt).  U-Boot's "=> " prompt before any kernel
 * started means U-Boot gave up: the boot fails with its last error.
 * Returns the verdict.
 */
enum watch_verdict watch_idle(struct watch *w, const char *partial, long host_ms);

const char *watch_event_name(enum watch_event ev);
const char *watch_verdict_name(enum watch_verdict v);

/*
 * Copy LINE into OUT (size OUTSZ) without CRs, ANSI escape sequences and
 * other control characters.  Always NUL-terminates.
 */
void watch_clean_line(const char *line, char *out, size_t outsz);

#endif /* VBOOT_WATCH_H */

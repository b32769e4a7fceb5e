/* SPDX-License-Identifier: GPL-2.0 */
/*
 * client_arch.h - which firmware is asking: the client system architecture
 * (option 93, RFC 4578 and IANA's "Processor Architecture Types"), or, for
 * a U-Boot that sends no option 93, its vendor class (option 60,
 * "U-Boot.armv8").  Pure: a decoded message in, a type out.
 */
#ifndef NETBOOTD_CLIENT_ARCH_H
#define NETBOOTD_CLIENT_ARCH_H

#include "rfc951.h"

#include <stdint.h>

enum {
	ARCH_X86_BIOS = 0x00,
	ARCH_X86_UEFI = 0x06,
	ARCH_X64_UEFI = 0x07,
	ARCH_ARM32_UEFI = 0x0a,
	ARCH_ARM64_UEFI = 0x0b,
	ARCH_ARM32_UBOOT = 0x15,
	ARCH_ARM64_UBOOT = 0x16,
};

/*
 * The running architecture of the client in M: the first type option 93
 * lists, else the one its option 60 names (U-Boot.armv8, U-Boot.armv7).
 * Returns 1 and sets *ARCH when known, 0 when the client says nothing.
 */
int client_arch(const struct dhcp_msg *m, uint16_t *arch);

/* "arm64-uboot" or a number (decimal or 0x hex, up to 0xffff) -> type. */
int client_arch_parse(const char *s, uint16_t *arch);

/* The log's word for a type: "U-Boot arm64", "arm64 UEFI", or NULL. */
const char *client_arch_label(uint16_t arch);

#endif /* NETBOOTD_CLIENT_ARCH_H */

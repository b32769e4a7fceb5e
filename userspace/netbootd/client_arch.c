// SPDX-License-Identifier: GPL-2.0
/*
 * client_arch.c - the client's firmware architecture, for choosing its
 * boot file: one table of the types a mixed rack sends.  9 is left
 * unnamed on purpose: RFC 4578 calls it x86-64 UEFI, IANA's registry EFI
 * byte code, and firmware sends it for both; write it as a number.
 */
#include "client_arch.h"
#include "rfc2132.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	uint16_t arch;
	const char *name;	/* netbootd.conf's word */
	const char *label;	/* the log's */
} arch_table[] = {
	{ ARCH_X86_BIOS, "x86-bios", "x86 BIOS" },
	{ ARCH_X86_UEFI, "x86-uefi", "x86 UEFI" },
	{ ARCH_X64_UEFI, "x86-64-uefi", "x86-64 UEFI" },
	{ ARCH_ARM32_UEFI, "arm32-uefi", "arm32 UEFI" },
	{ ARCH_ARM64_UEFI, "arm64-uefi", "arm64 UEFI" },
	{ ARCH_ARM32_UBOOT, "arm32-uboot", "U-Boot arm32" },
	{ ARCH_ARM64_UBOOT, "arm64-uboot", "U-Boot arm64" },
};

#define ARCH_TABLE_N (sizeof(arch_table) / sizeof(arch_table[0]))

/* U-Boot's CONFIG_BOOTP_VCI_STRING for arm boards, when no option 93. */
static const struct {
	const char *vci;
	uint16_t arch;
} uboot_vci[] = {
	{ "U-Boot.armv8", ARCH_ARM64_UBOOT },
	{ "U-Boot.armv7", ARCH_ARM32_UBOOT },
	{ "U-Boot.arm", ARCH_ARM32_UBOOT },
};

int client_arch(const struct dhcp_msg *m, uint16_t *arch)
{
	size_t l;
	const uint8_t *v = dhcp_get(m, DHO_CLIENT_ARCH, &l);

	/* 93 may list several architectures; the first is the running one. */
	if (v && l >= 2) {
		*arch = (uint16_t)(v[0] << 8 | v[1]);
		return 1;
	}
	v = dhcp_get(m, DHO_VENDOR_CLASS, &l);
	for (size_t i = 0; v && i < sizeof(uboot_vci) / sizeof(uboot_vci[0]); i++)
		if (l == strlen(uboot_vci[i].vci) && !memcmp(v, uboot_vci[i].vci, l)) {
			*arch = uboot_vci[i].arch;
			return 1;
		}
	return 0;
}

int client_arch_parse(const char *s, uint16_t *arch)
{
	char *end;
	unsigned long n;

	for (size_t i = 0; i < ARCH_TABLE_N; i++)
		if (!strcmp(s, arch_table[i].name)) {
			*arch = arch_table[i].arch;
			return 0;
		}
	if (*s < '0' || *s > '9')
		return -1;
	n = strtoul(s, &end, 0);
	if (*end || n > 0xffff)
		return -1;
	*arch = (uint16_t)n;
	return 0;
}

const char *client_arch_label(uint16_t arch)
{
	for (size_t i = 0; i < ARCH_TABLE_N; i++)
		if (arch_table[i].arch == arch)
			return arch_table[i].label;
	return NULL;
}

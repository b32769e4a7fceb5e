/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rfc2132.h - the DHCP option table.  One row per option drives length
 * validation on input, formatting for logs and name lookup for the config
 * file (Kea's std_option_defs.h idea): there is no other list of options.
 */
#ifndef NETBOOTD_RFC2132_H
#define NETBOOTD_RFC2132_H

#include <stddef.h>
#include <stdint.h>

enum dhcp_opt_type {
	OT_BINARY,	/* opaque bytes, printed as hex */
	OT_STRING,	/* NVT ASCII text */
	OT_IPV4,	/* exactly one address */
	OT_IPV4_LIST,	/* one or more addresses */
	OT_U8,
	OT_U16,
	OT_U32,
	OT_U8_LIST,	/* e.g. parameter request list */
	OT_U16_LIST,	/* e.g. client system architecture (93) */
	OT_ROUTES,	/* RFC 3442 classless static routes */
};

struct dhcp_opt_def {
	uint8_t code;
	const char *name;
	enum dhcp_opt_type type;
	uint8_t min_len;	/* inclusive */
	uint16_t max_len;	/* inclusive; 0xffff: any (RFC 3396 joins long values) */
	uint8_t unit;		/* length must be a multiple of this */
	uint8_t critical;	/* invalid: drop the packet, not only the option */
};

enum {
	DHO_PAD = 0, DHO_SUBNET_MASK = 1, DHO_ROUTERS = 3, DHO_DNS = 6,
	DHO_HOST_NAME = 12, DHO_DOMAIN_NAME = 15, DHO_ROOT_PATH = 17,
	DHO_MTU = 26, DHO_BROADCAST = 28, DHO_NTP = 42, DHO_VENDOR = 43,
	DHO_REQUESTED_IP = 50, DHO_LEASE_TIME = 51, DHO_OVERLOAD = 52,
	DHO_MSG_TYPE = 53, DHO_SERVER_ID = 54, DHO_PRL = 55, DHO_MESSAGE = 56,
	DHO_MAX_SIZE = 57, DHO_T1 = 58, DHO_T2 = 59, DHO_VENDOR_CLASS = 60,
	DHO_CLIENT_ID = 61, DHO_TFTP_SERVER = 66, DHO_BOOTFILE = 67,
	DHO_USER_CLASS = 77, DHO_RELAY_AGENT = 82, DHO_CLIENT_ARCH = 93,
	DHO_CLIENT_NDI = 94, DHO_UUID = 97, DHO_CLASSLESS_ROUTES = 121,
	DHO_IPXE_ENCAP = 175, DHO_END = 255,
};

enum {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK,
	DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* NULL for a code the table does not know (treated as OT_BINARY). */
const struct dhcp_opt_def *dhcp_opt_def(uint8_t code);
/* By config name ("routers") or decimal code ("121"); NULL if neither. */
const struct dhcp_opt_def *dhcp_opt_by_name(const char *name);
/* "DHCPDISCOVER" etc., "DHCP?" for anything else. */
const char *dhcp_msg_name(int type);

/* 0 if len suits the option's row (any length for an unknown code),
 * else -1 with a reason in err. */
int dhcp_opt_check(uint8_t code, const uint8_t *data, size_t len,
		   char *err, size_t errlen);

/* Human-readable value for logs, always NUL-terminated and bounded. */
void dhcp_opt_format(uint8_t code, const uint8_t *data, size_t len,
		     char *out, size_t outlen);

/*
 * Config text to wire bytes using the option's type: "192.0.2.1,192.0.2.2"
 * for address lists, decimal for integers, "10.0.0.0/8 192.0.2.1" pairs
 * (comma-separated) for routes, text for strings, hex "01:02" for binary.
 * Returns the length, or -1 with a reason in err.
 */
int dhcp_opt_parse_value(const struct dhcp_opt_def *d, const char *text,
			 uint8_t *out, size_t outlen, char *err, size_t errlen);

#endif /* NETBOOTD_RFC2132_H */

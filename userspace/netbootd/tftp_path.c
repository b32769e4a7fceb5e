// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_path.c - request names to root-relative paths.  The rules refuse
 * early what openat2(RESOLVE_BENEATH) would refuse anyway, so a hostile
 * name gets a clear "access violation" and a log line instead of relying on
 * the kernel alone; the kernel check still backs every open.
 */
#include <stdio.h>
#include <string.h>

#include "tftp_path.h"
#include "tftp_proto.h"

int tftp_path_map(const char *name, char *out, size_t outcap, const char **why)
{
	static const char hpa_prefix[] = "/tftpboot/";
	const char *p = name;
	size_t o = 0, i;

	*why = NULL;
	if (outcap == 0)
		return TFTP_ENOTDEF;
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f) {
			*why = "control character in name";
			return TFTP_EACCESS;
		}
	}
	if (i > TFTP_NAME_MAX) {
		*why = "name too long";
		return TFTP_EACCESS;
	}
	if (strncmp(p, hpa_prefix, sizeof(hpa_prefix) - 1) == 0)
		p += sizeof(hpa_prefix) - 2;	/* keep the '/' */
	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/' || *p == '\\')
			p++;
		c = p;
		while (*p && *p != '/' && *p != '\\')
			p++;
		n = (size_t)(p - c);
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			*why = "'..' in name";
			return TFTP_EACCESS;
		}
		if (o + (o ? 1 : 0) + n + 1 > outcap) {
			*why = "name too long";
			return TFTP_EACCESS;
		}
		if (o)
			out[o++] = '/';
		memcpy(out + o, c, n);
		o += n;
	}
	out[o] = '\0';
	if (o == 0) {
		*why = "no file name";
		return TFTP_EACCESS;
	}
	return 0;
}

int tftp_path_client(const char *prefix, const char *client, const char *rel,
		     char *out, size_t outcap)
{
	int n = snprintf(out, outcap, "%s/%s/%s", prefix, client, rel);

	return n < 0 || (size_t)n >= outcap ? -1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tftp_path.h - the file policy, pure.  TFTP has no login, so this and the
 * openat2() confinement in tftp.c are the whole of its security.
 */
#ifndef NETBOOTD_TFTP_PATH_H
#define NETBOOTD_TFTP_PATH_H

#include <stddef.h>

/*
 * Turn a requested name into a normalised path relative to the root:
 *  - control characters (0x00-0x1f, 0x7f) are refused;
 *  - '\' is a separator (PXE menus written for Windows servers use it);
 *  - a leading "/tftpboot/" (tftp-hpa's convention) and any leading '/'
 *    map onto the root;
 *  - "." and empty components are dropped; ".." is refused outright,
 *    even when it would stay inside the root.
 * Returns 0, or a TFTP error code with a static reason in *why.
 */
int tftp_path_map(const char *name, char *out, size_t outcap, const char **why);

/*
 * Per-client mapping: the name a node asking for rel gets first,
 * "<prefix>/<client>/<rel>".  Returns 0, or -1 when it does not fit.
 */
int tftp_path_client(const char *prefix, const char *client, const char *rel,
		     char *out, size_t outcap);

#endif /* NETBOOTD_TFTP_PATH_H */

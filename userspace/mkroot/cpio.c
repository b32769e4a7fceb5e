// SPDX-License-Identifier: GPL-2.0
/*
 * cpio.c - the "newc" (SVR4, no CRC) archive the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst):
 * a 110-byte ASCII header, the NUL-terminated name, padding to 4 bytes,
 * the data, padding to 4 bytes; "TRAILER!!!" ends it.  Names are relative
 * ("bin/sh"); the root directory is ".".
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mkroot.h"

static void pad4(struct buf *out)
{
	buf_zero(out, (4 - out->len % 4) % 4);
}

static void cpio_member(struct buf *out, unsigned int ino, const char *name,
			unsigned int mode, unsigned int uid, unsigned int gid,
			unsigned int nlink, uint32_t mtime, const void *data, size_t size,
			unsigned int rmajor, unsigned int rminor)
{
	char hdr[128];
	size_t namesize = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, uid, gid, nlink, (unsigned int)mtime, (unsigned int)size,
		 0u, 0u, rmajor, rminor, (unsigned int)namesize, 0u);
	buf_put(out, hdr, 110);
	buf_put(out, name, namesize);
	pad4(out);
	if (size && data) {
		buf_put(out, data, size);
		pad4(out);
	}
}

void cpio_write(const struct tree *t, uint32_t mtime, struct buf *out)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		const char *name = strcmp(e->path, "/") == 0 ? "." : e->path + 1;
		int has_data = e->type == ENTRY_FILE || e->type == ENTRY_SYMLINK;

		cpio_member(out, (unsigned int)i + 1, name, entry_file_type(e->type) | e->mode,
			    e->uid, e->gid, e->type == ENTRY_DIR ? 2 : 1, mtime,
			    has_data ? e->data : NULL, has_data ? e->size : 0,
			    e->major, e->minor);
	}
	cpio_member(out, 0, "TRAILER!!!", 0, 0, 0, 1, 0, NULL, 0, 0, 0);
	/* Block-align like cpio(1) does; the kernel skips zero padding. */
	buf_zero(out, (512 - out->len % 512) % 512);
}

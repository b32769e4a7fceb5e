/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - the writers that touch the disk.  Every output is first
 * written to a temporary name next to its final one; only when all
 * outputs are complete are they renamed into place, so an error never
 * leaves a half-written image or root behind.
 */
#ifndef MKROOT_OUTPUT_H
#define MKROOT_OUTPUT_H

#include "mkroot.h"

struct pending {
	char *tmp, *final;
	int is_dir;
};

struct outputs {
	struct pending v[8];
	size_t n;
	const char *scratch_dir;	/* the ext2 writer's staging area, if any */
};

/* Write data to a temporary sibling of final; registered in o. */
int output_file(struct outputs *o, const char *final, const struct buf *data);
/* Write the tree as a directory (owners and device nodes only as root). */
int output_dir(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime);
/* A gzipped ext2 image via mke2fs -d and debugfs (no root, no loop device). */
int output_ext2(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime,
		size_t kib, const char *label);
/* Rename everything into place, or remove every temporary. */
int outputs_commit(struct outputs *o);
void outputs_abort(struct outputs *o);

#endif /* MKROOT_OUTPUT_H */

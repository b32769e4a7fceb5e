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
/* A bootable 1.44 MB FAT12 diskette with SYSLINUX (mtools, syslinux --install
 * on the image file): the tree's files and directories, which must include
 * /syslinux.cfg.  label: the volume label (up to 11 characters). */
int output_floppy(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime,
		  const char *label);
/* Rename everything into place, or remove every temporary. */
int outputs_commit(struct outputs *o);
void outputs_abort(struct outputs *o);

/* Shared by the writers that run a tool on a staged copy of the tree. */
char *output_sibling(const char *final, const char *suffix);
int output_populate(const char *dir, const struct tree *t, uint32_t mtime, int as_owner,
		    size_t *skipped);
/* Run argv (stdout and stderr appended to log) with env's NAME=VALUE
 * strings added to the environment; 0 when it exited with status 0. */
int output_run(char *const argv[], const char *log, char *const env[]);
void output_show_log(const char *log);
void output_rm_tree(const char *dir);

#endif /* MKROOT_OUTPUT_H */

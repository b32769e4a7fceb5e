/* SPDX-License-Identifier: GPL-2.0 */
/* spec.h - read mkroot spec files into a tree (format: mkroot.1). */
#ifndef MKROOT_SPEC_H
#define MKROOT_SPEC_H

#include "elf.h"
#include "mkroot.h"

struct spec_ctx {
	struct tree *tree;
	struct strlist defines;		/* "NAME=VALUE" from -D */
	struct strlist lib_dirs;	/* --lib-path, searched before the system's */
};

/* Each returns 0, or -1 after printing "file:line: reason" to stderr. */
int spec_read(struct spec_ctx *ctx, const char *file, int depth);
int spec_add_program(struct spec_ctx *ctx, const char *program, const char *origin);

#endif /* MKROOT_SPEC_H */

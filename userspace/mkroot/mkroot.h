/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mkroot.h - the shared model: a root filesystem as a sorted list of
 * entries (path, type, mode, owner, device number, contents), built from
 * spec files, written as a directory, a newc cpio, an ext2 or a MINIX image.
 */
#ifndef MKROOT_H
#define MKROOT_H

#include <stddef.h>
#include <stdint.h>

enum entry_type { ENTRY_DIR, ENTRY_FILE, ENTRY_SYMLINK, ENTRY_CHR, ENTRY_BLK };

struct entry {
	char *path;		/* absolute and normalised; "/" is the root */
	enum entry_type type;
	unsigned int mode;	/* permission bits, 07777 */
	unsigned int uid, gid;
	unsigned int major, minor;
	unsigned char *data;	/* file contents, or the symlink target */
	size_t size;
	char *origin;		/* "spec:line" that created it, for messages */
};

struct tree {
	struct entry *v;
	size_t n, cap;
};

/* A growable byte buffer: the image writers produce one. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

/* util.c */
void die_oom(void);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void buf_put(struct buf *b, const void *p, size_t n);
void buf_zero(struct buf *b, size_t n);
void buf_free(struct buf *b);
int read_file(const char *path, unsigned char **data, size_t *size);

/* tree.c */
int path_normalise(const char *in, char *out, size_t outlen);
struct entry *tree_find(struct tree *t, const char *path);
int tree_add(struct tree *t, const struct entry *e, char *err, size_t errlen);
void tree_sort(struct tree *t);
void tree_free(struct tree *t);
const char *entry_type_name(enum entry_type type);
unsigned int entry_file_type(enum entry_type type);

/* cpio.c: newc archive (the kernel's initramfs format) of the tree. */
void cpio_write(const struct tree *t, uint32_t mtime, struct buf *out);

/* gzip.c: deterministic gzip (no name, no time stamp). */
int gzip_buf(const struct buf *in, struct buf *out);

/* minix.c: a MINIX v1 or v2 filesystem image (1 KiB blocks, 30-char names). */
int minix_write(const struct tree *t, int version, size_t kib, uint32_t mtime,
		struct buf *out, char *err, size_t errlen);

#endif /* MKROOT_H */

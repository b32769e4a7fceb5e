// SPDX-License-Identifier: GPL-2.0
/*
 * minix.c - write a MINIX v1 or v2 filesystem image (the layout of
 * include/uapi/linux/minix_fs.h and util-linux mkfs.minix): 1 KiB blocks,
 * 30-character names (magics 0x138F and 0x2478), block 0 for booting,
 * block 1 the super block, then the inode and zone bitmaps, the inode
 * table and the data zones.  Files are laid out contiguously, each
 * followed by its indirect blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mkroot.h"

#define BLOCK 1024u
#define NAME_MAX_MINIX 30
#define DIRENT_SIZE 32u
#define BITS_PER_BLOCK (BLOCK * 8)

struct minix_layout {
	int version;
	size_t nzones;		/* blocks in the image */
	size_t ninodes;
	size_t imap_blocks, zmap_blocks, inode_blocks;
	size_t first_zone;
	size_t inode_size;	/* 32 (v1) or 64 (v2) */
	size_t ptrs_per_block;	/* 512 (v1, 16-bit zones) or 256 (v2) */
	size_t next_zone;
	unsigned char *img;
};

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void put_zone(struct minix_layout *l, unsigned char *p, size_t zone)
{
	if (l->version == 1)
		put16(p, (unsigned int)zone);
	else
		put32(p, (uint32_t)zone);
}

static void bit_clear(unsigned char *map, size_t bit)
{
	map[bit / 8] &= (unsigned char)~(1u << (bit % 8));
}

static unsigned char *block(struct minix_layout *l, size_t n)
{
	return l->img + n * BLOCK;
}

static int alloc_zone(struct minix_layout *l, size_t *zone)
{
	if (l->next_zone >= l->nzones)
		return -1;
	*zone = l->next_zone++;
	return 0;
}

/*
 * Store size bytes of data in zones; fills the inode's zone array (7
 * direct, then single and double indirect).  Returns -1 when full.
 */
static int store_data(struct minix_layout *l, const unsigned char *data, size_t size,
		      unsigned char *zones)
{
	size_t nblocks = (size + BLOCK - 1) / BLOCK, i, zsz = l->version == 1 ? 2 : 4;
	size_t ppb = l->ptrs_per_block, ind = 0, dind = 0, dind_child = 0;

	for (i = 0; i < nblocks; i++) {
		size_t z, chunk = size - i * BLOCK < BLOCK ? size - i * BLOCK : BLOCK;

		if (alloc_zone(l, &z) < 0)
			return -1;
		memcpy(block(l, z), data + i * BLOCK, chunk);
		if (i < 7) {
			put_zone(l, zones + i * zsz, z);
		} else if (i < 7 + ppb) {
			if (i == 7) {
				if (alloc_zone(l, &ind) < 0)
					return -1;
				put_zone(l, zones + 7 * zsz, ind);
			}
			put_zone(l, block(l, ind) + (i - 7) * zsz, z);
		} else if (i < 7 + ppb + ppb * ppb) {
			size_t k = i - 7 - ppb;

			if (k == 0) {
				if (alloc_zone(l, &dind) < 0)
					return -1;
				put_zone(l, zones + 8 * zsz, dind);
			}
			if (k % ppb == 0) {
				if (alloc_zone(l, &dind_child) < 0)
					return -1;
				put_zone(l, block(l, dind) + (k / ppb) * zsz, dind_child);
			}
			put_zone(l, block(l, dind_child) + (k % ppb) * zsz, z);
		} else {
			return -2;
		}
	}
	return 0;
}

static int cmp_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entry *)elem)->path);
}

/* Index of the parent directory of entry i in the sorted tree. */
static size_t parent_of(const struct tree *t, size_t i)
{
	char *p = xstrdup(t->v[i].path);
	char *slash = strrchr(p, '/');
	const struct entry *e;

	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	e = bsearch(p, t->v, t->n, sizeof(*t->v), cmp_path);
	free(p);
	return e ? (size_t)(e - t->v) : 0;
}

static void write_inode(struct minix_layout *l, size_t ino, const struct entry *e,
			unsigned int nlinks, size_t size, const unsigned char *zones,
			uint32_t mtime)
{
	unsigned char *p = block(l, 2 + l->imap_blocks + l->zmap_blocks) +
			   (ino - 1) * l->inode_size;
	unsigned int mode = entry_file_type(e->type) | e->mode;

	if (l->version == 1) {
		put16(p, mode);
		put16(p + 2, e->uid);
		put32(p + 4, (uint32_t)size);
		put32(p + 8, mtime);
		p[12] = (unsigned char)e->gid;
		p[13] = (unsigned char)nlinks;
		memcpy(p + 14, zones, 9 * 2);
	} else {
		put16(p, mode);
		put16(p + 2, nlinks);
		put16(p + 4, e->uid);
		put16(p + 6, e->gid);
		put32(p + 8, (uint32_t)size);
		put32(p + 12, mtime);
		put32(p + 16, mtime);
		put32(p + 20, mtime);
		memcpy(p + 24, zones, 10 * 4);
	}
}

static int layout(struct minix_layout *l, int version, size_t kib, size_t nentries,
		  char *err, size_t errlen)
{
	size_t per_block, need;

	l->version = version;
	l->nzones = kib;
	l->inode_size = version == 1 ? 32 : 64;
	l->ptrs_per_block = version == 1 ? 512 : 256;
	if (kib < 64 || (version == 1 && kib > 65535) || (version == 2 && kib > (1u << 22))) {
		snprintf(err, errlen, "MINIX v%d image size %zu KiB out of range (64..%u)",
			 version, kib, version == 1 ? 65535u : 1u << 22);
		return -1;
	}
	/* As many inodes as mkfs.minix gives (a third of the blocks), at
	 * least the entries plus room to create a few files on the node. */
	per_block = BLOCK / l->inode_size;
	l->ninodes = kib / 3 > nentries + 32 ? kib / 3 : nentries + 32;
	l->ninodes = (l->ninodes + per_block - 1) / per_block * per_block;
	if (l->ninodes > 65535)
		l->ninodes = 65535 / per_block * per_block;
	if (nentries > l->ninodes) {
		snprintf(err, errlen, "%zu entries do not fit in a MINIX filesystem (%zu inodes)",
			 nentries, l->ninodes);
		return -1;
	}
	l->inode_blocks = (l->ninodes + per_block - 1) / per_block;
	l->imap_blocks = (l->ninodes + 1 + BITS_PER_BLOCK - 1) / BITS_PER_BLOCK;
	l->zmap_blocks = 1;
	for (;;) {
		l->first_zone = 2 + l->imap_blocks + l->zmap_blocks + l->inode_blocks;
		if (l->first_zone >= l->nzones) {
			snprintf(err, errlen, "MINIX image of %zu KiB is too small", kib);
			return -1;
		}
		need = (l->nzones - l->first_zone + 1 + BITS_PER_BLOCK - 1) / BITS_PER_BLOCK;
		if (need <= l->zmap_blocks)
			break;
		l->zmap_blocks = need;
	}
	l->next_zone = l->first_zone;
	return 0;
}

static void write_super(struct minix_layout *l)
{
	unsigned char *sb = block(l, 1);

	put16(sb + 0, (unsigned int)l->ninodes);
	put16(sb + 2, l->version == 1 ? (unsigned int)l->nzones : 0);
	put16(sb + 4, (unsigned int)l->imap_blocks);
	put16(sb + 6, (unsigned int)l->zmap_blocks);
	put16(sb + 8, (unsigned int)l->first_zone);
	put16(sb + 10, 0);
	put32(sb + 12, l->version == 1 ? (7 + 512 + 512 * 512) * BLOCK : 0x7fffffff);
	put16(sb + 16, l->version == 1 ? 0x138F : 0x2478);
	put16(sb + 18, 1);	/* MINIX_VALID_FS */
	if (l->version == 2)
		put32(sb + 20, (uint32_t)l->nzones);
}

/* Bitmaps start all ones (reserved bit 0, bits past the end); free
 * inodes and zones are then cleared. */
static void write_bitmaps(struct minix_layout *l, size_t used_inodes)
{
	unsigned char *imap = block(l, 2), *zmap = block(l, 2 + l->imap_blocks);
	size_t i;

	memset(imap, 0xff, l->imap_blocks * BLOCK);
	memset(zmap, 0xff, l->zmap_blocks * BLOCK);
	for (i = used_inodes + 1; i <= l->ninodes; i++)
		bit_clear(imap, i);
	for (i = l->next_zone; i < l->nzones; i++)
		bit_clear(zmap, i - l->first_zone + 1);
}

int minix_write(const struct tree *t, int version, size_t kib, uint32_t mtime,
		struct buf *out, char *err, size_t errlen)
{
	struct minix_layout l;
	size_t *parent, *nsub, i, j;
	int rc = -1;

	if (version != 1 && version != 2) {
		snprintf(err, errlen, "MINIX version must be 1 or 2, not %d", version);
		return -1;
	}
	if (t->n == 0 || strcmp(t->v[0].path, "/") != 0) {
		snprintf(err, errlen, "the root has no entries");
		return -1;
	}
	if (layout(&l, version, kib, t->n, err, errlen) < 0)
		return -1;
	parent = xmalloc(t->n * sizeof(*parent));
	nsub = calloc(t->n, sizeof(*nsub));
	if (!nsub)
		die_oom();
	for (i = 1; i < t->n; i++) {
		const char *base = strrchr(t->v[i].path, '/') + 1;

		if (strlen(base) > NAME_MAX_MINIX) {
			snprintf(err, errlen, "%s (from %s): name longer than %d characters",
				 t->v[i].path, t->v[i].origin, NAME_MAX_MINIX);
			goto out;
		}
		if (t->v[i].uid > 65535 || t->v[i].gid > (version == 1 ? 255u : 65535u)) {
			snprintf(err, errlen, "%s (from %s): owner %u:%u does not fit MINIX v%d",
				 t->v[i].path, t->v[i].origin, t->v[i].uid, t->v[i].gid, version);
			goto out;
		}
		parent[i] = parent_of(t, i);
		if (t->v[i].type == ENTRY_DIR)
			nsub[parent[i]]++;
	}
	parent[0] = 0;

	buf_zero(out, kib * BLOCK);
	l.img = out->p;
	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		unsigned char zones[40] = { 0 };
		struct buf dir = { 0 };
		const unsigned char *data = e->data;
		size_t size = e->size;
		unsigned int nlinks = 1;
		int s = 0;

		if (e->type == ENTRY_DIR) {
			unsigned char de[DIRENT_SIZE];

			memset(de, 0, sizeof(de));
			put16(de, (unsigned int)i + 1);
			de[2] = '.';
			buf_put(&dir, de, sizeof(de));
			memset(de, 0, sizeof(de));
			put16(de, (unsigned int)parent[i] + 1);
			de[2] = de[3] = '.';
			buf_put(&dir, de, sizeof(de));
			for (j = i + 1; j < t->n; j++) {
				const char *base;

				if (parent[j] != i)
					continue;
				base = strrchr(t->v[j].path, '/') + 1;
				memset(de, 0, sizeof(de));
				put16(de, (unsigned int)j + 1);
				memcpy(de + 2, base, strlen(base));
				buf_put(&dir, de, sizeof(de));
			}
			data = dir.p;
			size = dir.len;
			nlinks = 2 + (unsigned int)nsub[i];
		}
		if (e->type == ENTRY_CHR || e->type == ENTRY_BLK) {
			/* old_encode_dev(), as fs/minix/inode.c stores it */
			put_zone(&l, zones, (e->major << 8) | (e->minor & 0xff));
		} else {
			s = store_data(&l, data, size, zones);
		}
		buf_free(&dir);
		if (s < 0) {
			if (s == -2)
				snprintf(err, errlen, "%s (from %s): too big for MINIX v%d",
					 e->path, e->origin, version);
			else
				snprintf(err, errlen, "%s (from %s): image full (%zu KiB); use a larger size",
					 e->path, e->origin, kib);
			goto out;
		}
		if ((e->type == ENTRY_CHR || e->type == ENTRY_BLK) && (e->major > 255 || e->minor > 255)) {
			snprintf(err, errlen, "%s (from %s): device %u,%u does not fit MINIX's 8-bit numbers",
				 e->path, e->origin, e->major, e->minor);
			goto out;
		}
		write_inode(&l, i + 1, e, nlinks, (e->type == ENTRY_CHR || e->type == ENTRY_BLK) ? 0 : size,
			    zones, mtime);
	}
	write_super(&l);
	write_bitmaps(&l, t->n);
	rc = 0;
out:
	free(parent);
	free(nsub);
	return rc;
}

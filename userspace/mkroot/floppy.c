// SPDX-License-Identifier: GPL-2.0
/*
 * floppy.c - a bootable 1.44 MB diskette, the seed's Etherboot boot disk
 * for a NIC without a PXE ROM: mtools writes the FAT12 filesystem and the
 * files into an image file, and syslinux's mtools build installs its boot
 * sector and ldlinux.sys into it; no root, no loop device, no mount.
 *
 * mtools stamps what it creates with SOURCE_DATE_EPOCH and writes FAT's
 * local times in TZ: both are fixed here, as is the volume serial number,
 * so the same inputs give the same bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

/* 1980-01-01 00:00:00 UTC: FAT cannot record an earlier time. */
#define FAT_EPOCH 315532800u
#define FLOPPY_BYTES (1440u * 1024u)

static int check_tree(const char *final, const struct tree *t)
{
	int has_cfg = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];

		if (e->type != ENTRY_DIR && e->type != ENTRY_FILE) {
			fprintf(stderr, "mkroot: %s: %s (from %s): a FAT diskette holds only files and "
				"directories, not a %s\n", final, e->path, e->origin, entry_type_name(e->type));
			return -1;
		}
		if (!strcasecmp(e->path, "/ldlinux.sys") || !strcasecmp(e->path, "/ldlinux.c32")) {
			fprintf(stderr, "mkroot: %s: %s (from %s): SYSLINUX installs that file itself\n",
				final, e->path, e->origin);
			return -1;
		}
		if (e->type == ENTRY_FILE && !strcmp(e->path, "/syslinux.cfg"))
			has_cfg = 1;
	}
	if (!has_cfg) {
		fprintf(stderr, "mkroot: %s: a boot diskette needs /syslinux.cfg (what SYSLINUX boots)\n",
			final);
		return -1;
	}
	return 0;
}

static int check_label(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > 11 || strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789_-") != n) {
		fprintf(stderr, "mkroot: --label '%s': a FAT volume label is 1..11 of [A-Za-z0-9_-]\n",
			label);
		return -1;
	}
	return 0;
}

int output_floppy(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime,
		  const char *label)
{
	uint32_t stamp = mtime < FAT_EPOCH ? FAT_EPOCH : mtime;
	char *stage, *img, *log, *epoch, **copy = NULL;
	char *env[] = { NULL, "TZ=UTC0", "MTOOLSRC=/dev/null", NULL };
	struct buf raw = { 0 };
	size_t skipped = 0, ncopy = 0, i;
	int rc = -1;

	if (check_tree(final, t) < 0 || check_label(label) < 0)
		return -1;
	stage = output_sibling(final, "mkroot-stage-XXXXXX");
	if (!mkdtemp(stage)) {
		fprintf(stderr, "mkroot: %s: cannot create a directory there: %s\n", final, strerror(errno));
		free(stage);
		return -1;
	}
	o->scratch_dir = stage;
	img = xasprintf("%s.img", stage);
	log = xasprintf("%s.log", stage);
	epoch = xasprintf("SOURCE_DATE_EPOCH=%u", (unsigned int)stamp);
	env[0] = epoch;
	if (output_populate(stage, t, stamp, 0, &skipped) < 0)
		goto out;
	{
		/* -C: create the image file; -N: the volume serial number. */
		char *argv[] = { "mformat", "-C", "-i", img, "-f", "1440", "-N", "0", "-v",
				 (char *)label, "::", NULL };

		if (output_run(argv, log, env) < 0) {
			output_show_log(log);
			fprintf(stderr, "mkroot: %s: mformat failed (is mtools installed?)\n", final);
			goto out;
		}
	}
	{
		/* First, into the empty filesystem: ldlinux.sys lies in one piece. */
		char *argv[] = { "syslinux", "--install", img, NULL };

		if (output_run(argv, log, env) < 0) {
			output_show_log(log);
			fprintf(stderr, "mkroot: %s: syslinux --install failed (is syslinux installed?)\n",
				final);
			goto out;
		}
	}
	/* mcopy -s copies the top-level entries and everything below them;
	 * -m keeps the staged time stamps, -Q stops at the first error. */
	copy = xmalloc((t->n + 8) * sizeof(*copy));
	copy[ncopy++] = "mcopy";
	copy[ncopy++] = "-s";
	copy[ncopy++] = "-m";
	copy[ncopy++] = "-Q";
	copy[ncopy++] = "-i";
	copy[ncopy++] = img;
	for (i = 0; i < t->n; i++) {
		const char *p = t->v[i].path;

		if (strcmp(p, "/") != 0 && !strchr(p + 1, '/'))
			copy[ncopy++] = xasprintf("%s%s", stage, p);
	}
	copy[ncopy++] = "::";
	copy[ncopy] = NULL;
	if (output_run(copy, log, env) < 0) {
		output_show_log(log);
		fprintf(stderr, "mkroot: %s: mcopy failed (do the files fit on a 1.44 MB diskette?)\n",
			final);
		goto out;
	}
	if (read_file(img, &raw.p, &raw.len) < 0 || raw.len != FLOPPY_BYTES) {
		fprintf(stderr, "mkroot: %s: mformat wrote no 1.44 MB image\n", final);
		goto out;
	}
	rc = output_file(o, final, &raw);
out:
	o->scratch_dir = NULL;
	output_rm_tree(stage);
	unlink(img);
	unlink(log);
	if (copy)
		for (i = 6; i + 1 < ncopy; i++)
			free(copy[i]);
	free(copy);
	buf_free(&raw);
	free(stage);
	free(img);
	free(log);
	free(epoch);
	return rc;
}

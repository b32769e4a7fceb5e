// SPDX-License-Identifier: GPL-2.0
/*
 * mkroot - build a root filesystem for network-booted nodes from a
 * declarative spec, as a directory (an NFS root) and/or images (initramfs,
 * ext2 initrd, MINIX), without root privileges or loop devices.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "spec.h"

/* Outputs in progress, removed if a signal ends the run. */
static struct outputs *pending_outputs;

static void on_signal(int sig)
{
	if (pending_outputs)
		outputs_abort(pending_outputs);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(FILE *f)
{
	fputs("usage: mkroot [OPTIONS] SPEC...\n"
	      "\n"
	      "Build a root filesystem from spec files (format: mkroot(1)).\n"
	      "\n"
	      "Outputs (at least one; all are written, or none):\n"
	      "  -d, --dir DIR            a root directory (e.g. an NFS export)\n"
	      "  -i, --initramfs FILE     a gzipped newc cpio archive\n"
	      "  -r, --initrd FILE        a gzipped ext2 image (mke2fs -d, no mounting)\n"
	      "  -m, --minix FILE         a MINIX filesystem image\n"
	      "  -f, --floppy FILE        a bootable 1.44 MB FAT12 diskette with SYSLINUX\n"
	      "                           (the spec must give /syslinux.cfg; mtools)\n"
	      "\n"
	      "Options:\n"
	      "  -a, --add PROGRAM        add a program with its ELF interpreter and\n"
	      "                           libraries (like a spec's 'add' line)\n"
	      "  -D, --define NAME=VALUE  a value for ${NAME} in the specs\n"
	      "  -L, --lib-path DIR       search DIR for libraries before the system\n"
	      "      --initrd-size KIB    ext2 image size (default 8192)\n"
	      "      --label LABEL        ext2 or diskette volume label (default mkroot)\n"
	      "      --minix-size KIB     MINIX image size (default 2880, a 2.88 MB floppy)\n"
	      "      --minix-version N    MINIX filesystem version 1 (default) or 2\n"
	      "  -l, --list               print the entries (type mode uid:gid path)\n"
	      "  -h, --help               this text\n"
	      "\n"
	      "Time stamps are SOURCE_DATE_EPOCH (default 0): the same inputs give\n"
	      "byte-identical images.  Owners, modes and device nodes live in the\n"
	      "images; a directory gets them only when mkroot runs as root.\n",
	      f);
}

static int parse_size(const char *opt, const char *s, size_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v == 0 || v > (1ul << 24)) {
		fprintf(stderr, "mkroot: %s: bad size '%s' (KiB)\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static void list_tree(const struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		static const char tc[] = { 'd', '-', 'l', 'c', 'b' };

		printf("%c %04o %u:%u %s", tc[e->type], e->mode, e->uid, e->gid, e->path);
		if (e->type == ENTRY_SYMLINK)
			printf(" -> %.*s", (int)e->size, (const char *)e->data);
		else if (e->type == ENTRY_CHR || e->type == ENTRY_BLK)
			printf(" %u,%u", e->major, e->minor);
		else if (e->type == ENTRY_FILE)
			printf(" %zu", e->size);
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "initramfs", required_argument, NULL, 'i' },
		{ "initrd", required_argument, NULL, 'r' },
		{ "minix", required_argument, NULL, 'm' },
		{ "floppy", required_argument, NULL, 'f' },
		{ "add", required_argument, NULL, 'a' },
		{ "define", required_argument, NULL, 'D' },
		{ "lib-path", required_argument, NULL, 'L' },
		{ "initrd-size", required_argument, NULL, 1 },
		{ "label", required_argument, NULL, 2 },
		{ "minix-size", required_argument, NULL, 3 },
		{ "minix-version", required_argument, NULL, 4 },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *initramfs = NULL, *initrd = NULL, *minix = NULL, *floppy = NULL;
	const char *label = "mkroot", *epoch_env;
	size_t initrd_kib = 8192, minix_kib = 2880, i;
	int minix_version = 1, list = 0, c, rc = 1;
	uint32_t mtime = 0;
	struct tree tree = { 0 };
	struct spec_ctx ctx = { &tree, { 0 }, { 0 } };
	struct strlist adds = { 0 };
	struct outputs out = { 0 };

	while ((c = getopt_long(argc, argv, "d:i:r:m:f:a:D:L:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'i': initramfs = optarg; break;
		case 'r': initrd = optarg; break;
		case 'm': minix = optarg; break;
		case 'f': floppy = optarg; break;
		case 'a': strlist_add(&adds, optarg); break;
		case 'D':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				fprintf(stderr, "mkroot: --define wants NAME=VALUE, not '%s'\n", optarg);
				return 2;
			}
			strlist_add(&ctx.defines, optarg);
			break;
		case 'L': strlist_add(&ctx.lib_dirs, optarg); break;
		case 1: if (parse_size("--initrd-size", optarg, &initrd_kib) < 0) return 2; break;
		case 2: label = optarg; break;
		case 3: if (parse_size("--minix-size", optarg, &minix_kib) < 0) return 2; break;
		case 4:
			if (strcmp(optarg, "1") && strcmp(optarg, "2")) {
				fprintf(stderr, "mkroot: --minix-version must be 1 or 2\n");
				return 2;
			}
			minix_version = optarg[0] - '0';
			break;
		case 'l': list = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind == argc && adds.n == 0) {
		fprintf(stderr, "mkroot: no spec file (mkroot --help)\n");
		return 2;
	}
	if (!dir && !initramfs && !initrd && !minix && !floppy && !list) {
		fprintf(stderr, "mkroot: no output: give --dir, --initramfs, --initrd, --minix, "
			"--floppy or --list\n");
		return 2;
	}
	epoch_env = getenv("SOURCE_DATE_EPOCH");
	if (epoch_env && *epoch_env) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(epoch_env, &end, 10);
		if (*end || errno || v > UINT32_MAX) {
			fprintf(stderr, "mkroot: SOURCE_DATE_EPOCH '%s' is not a time stamp\n", epoch_env);
			return 2;
		}
		mtime = (uint32_t)v;
	}

	pending_outputs = &out;
	{
		struct sigaction sa = { 0 };

		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	for (i = optind; i < (size_t)argc; i++)
		if (spec_read(&ctx, argv[i], 0) < 0)
			goto out;
	for (i = 0; i < adds.n; i++)
		if (spec_add_program(&ctx, adds.v[i], "--add") < 0)
			goto out;
	tree_sort(&tree);
	if (list)
		list_tree(&tree);

	if (initramfs) {
		struct buf cpio = { 0 }, gz = { 0 };
		int r;

		cpio_write(&tree, mtime, &cpio);
		r = gzip_buf(&cpio, &gz) < 0 ? -1 : output_file(&out, initramfs, &gz);
		buf_free(&cpio);
		buf_free(&gz);
		if (r < 0)
			goto out;
	}
	if (minix) {
		struct buf img = { 0 };
		char err[512];
		int r = minix_write(&tree, minix_version, minix_kib, mtime, &img, err, sizeof(err));

		if (r < 0)
			fprintf(stderr, "mkroot: %s: %s\n", minix, err);
		else
			r = output_file(&out, minix, &img);
		buf_free(&img);
		if (r < 0)
			goto out;
	}
	if (floppy && output_floppy(&out, floppy, &tree, mtime, label) < 0)
		goto out;
	if (initrd && output_ext2(&out, initrd, &tree, mtime, initrd_kib, label) < 0)
		goto out;
	if (dir && output_dir(&out, dir, &tree, mtime) < 0)
		goto out;
	if (outputs_commit(&out) < 0)
		goto out;
	rc = 0;
out:
	outputs_abort(&out);
	tree_free(&tree);
	strlist_free(&ctx.defines);
	strlist_free(&ctx.lib_dirs);
	strlist_free(&adds);
	return rc;
}

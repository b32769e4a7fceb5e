// SPDX-License-Identifier: GPL-2.0
/* output.c - temporary outputs, root directories, ext2 images, commit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

char *output_sibling(const char *final, const char *suffix)
{
	const char *slash = strrchr(final, '/');

	if (!slash)
		return xasprintf(".%s.%s", final, suffix);
	return xasprintf("%.*s/.%s.%s", (int)(slash - final), final, slash + 1, suffix);
}

static int register_pending(struct outputs *o, char *tmp, const char *final, int is_dir)
{
	if (o->n == sizeof(o->v) / sizeof(o->v[0])) {
		fprintf(stderr, "mkroot: too many outputs\n");
		free(tmp);
		return -1;
	}
	o->v[o->n].tmp = tmp;
	o->v[o->n].final = xstrdup(final);
	o->v[o->n].is_dir = is_dir;
	o->n++;
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int output_file(struct outputs *o, const char *final, const struct buf *data)
{
	char *tmp = output_sibling(final, "mkroot-XXXXXX");
	int fd = mkstemp(tmp);

	if (fd < 0) {
		fprintf(stderr, "mkroot: %s: cannot create a file there: %s\n", final, strerror(errno));
		free(tmp);
		return -1;
	}
	if (register_pending(o, tmp, final, 0) < 0) {
		close(fd);
		return -1;
	}
	if (write_all(fd, data->p, data->len) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		fprintf(stderr, "mkroot: %s: %s\n", final, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "mkroot: %s: %s\n", final, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Populate dir (which exists, empty) with the tree.  as_owner: also set
 * owners and create device nodes (needs root; otherwise they are skipped
 * and counted in *skipped).
 */
int output_populate(const char *dir, const struct tree *t, uint32_t mtime, int as_owner,
		    size_t *skipped)
{
	struct timespec ts[2] = { { (time_t)mtime, 0 }, { (time_t)mtime, 0 } };
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		char *p = xasprintf("%s%s", dir, strcmp(e->path, "/") == 0 ? "" : e->path);
		int rc = 0, fd;

		switch (e->type) {
		case ENTRY_DIR:
			if (strcmp(e->path, "/") != 0)
				rc = mkdir(p, 0700);
			break;
		case ENTRY_FILE:
			fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd < 0 || write_all(fd, e->data, e->size) < 0)
				rc = -1;
			if (fd >= 0 && close(fd) < 0)
				rc = -1;
			break;
		case ENTRY_SYMLINK: {
			char *target = xmalloc(e->size + 1);

			memcpy(target, e->data, e->size);
			target[e->size] = '\0';
			rc = symlink(target, p);
			free(target);
			break;
		}
		case ENTRY_CHR:
		case ENTRY_BLK:
			if (!as_owner) {
				(*skipped)++;
				free(p);
				continue;
			}
			rc = mknod(p, (e->type == ENTRY_CHR ? S_IFCHR : S_IFBLK) | e->mode,
				   makedev(e->major, e->minor));
			break;
		}
		if (rc == 0 && as_owner)
			rc = lchown(p, e->uid, e->gid);
		/* After chown, which clears set-id bits. Directories stay
		 * writable until their contents are in (below). */
		if (rc == 0 && e->type != ENTRY_SYMLINK && e->type != ENTRY_DIR)
			rc = chmod(p, e->mode);
		if (rc == 0 && e->type != ENTRY_DIR)
			rc = utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
		if (rc < 0) {
			fprintf(stderr, "mkroot: %s (from %s): %s\n", p, e->origin, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	/* Directories last, deepest first: their mode and time stamp. */
	for (i = t->n; i-- > 0;) {
		const struct entry *e = &t->v[i];
		char *p;

		if (e->type != ENTRY_DIR)
			continue;
		p = xasprintf("%s%s", dir, strcmp(e->path, "/") == 0 ? "" : e->path);
		if (chmod(p, e->mode | (as_owner ? 0 : 0700)) < 0 ||
		    utimensat(AT_FDCWD, p, ts, 0) < 0) {
			fprintf(stderr, "mkroot: %s: %s\n", p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

int output_dir(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime)
{
	char *tmp = output_sibling(final, "mkroot-XXXXXX");
	size_t skipped = 0;
	int as_owner = geteuid() == 0;

	if (!mkdtemp(tmp)) {
		fprintf(stderr, "mkroot: %s: cannot create a directory there: %s\n", final, strerror(errno));
		free(tmp);
		return -1;
	}
	if (register_pending(o, tmp, final, 1) < 0)
		return -1;
	if (output_populate(tmp, t, mtime, as_owner, &skipped) < 0)
		return -1;
	if (skipped)
		fprintf(stderr, "mkroot: %s: not root, so %zu device node(s) and all owners "
			"are not on disk (images record them)\n", final, skipped);
	return 0;
}

/* The tool (mke2fs, debugfs, mtools, syslinux) while one runs: a signal
 * must stop it before cleanup, or it could recreate the image file after
 * it was removed. */
static pid_t running_child;

int output_run(char *const argv[], const char *log, char *const env[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execvp(argv[0], argv);
		_exit(127);
	}
	running_child = pid;
	if (waitpid(pid, &status, 0) < 0) {
		running_child = 0;
		return -1;
	}
	running_child = 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

void output_show_log(const char *log)
{
	unsigned char *d;
	size_t n;

	if (read_file(log, &d, &n) == 0) {
		fwrite(d, 1, n, stderr);
		free(d);
	}
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p);
	return unlink(p);
}

void output_rm_tree(const char *dir)
{
	/* Make every directory writable first (a root dir may be 0555). */
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *const ext2_uuid = "6d6b726f-6f74-4d6b-8072-6f6f74000001";

int output_ext2(struct outputs *o, const char *final, const struct tree *t, uint32_t mtime,
		size_t kib, const char *label)
{
	char *stage = output_sibling(final, "mkroot-stage-XXXXXX");
	char *img = NULL, *log = NULL, *cmds = NULL, *size = NULL, *inodes = NULL, *fake = NULL;
	char *hash = xasprintf("root_owner=0:0,hash_seed=%s", ext2_uuid);
	char *env[2] = { NULL, NULL };
	struct buf raw = { 0 }, gz = { 0 };
	size_t skipped = 0, i;
	FILE *f;
	int rc = -1;

	if (!mkdtemp(stage)) {
		fprintf(stderr, "mkroot: %s: cannot create a directory there: %s\n", final, strerror(errno));
		free(stage);
		free(hash);
		return -1;
	}
	o->scratch_dir = stage;
	img = xasprintf("%s.img", stage);
	log = xasprintf("%s.log", stage);
	cmds = xasprintf("%s.debugfs", stage);
	size = xasprintf("%zuk", kib);
	inodes = xasprintf("%zu", t->n + 64);
	/* e2fsprogs reads a fake time of 0 as unset: superblock times get 1. */
	fake = xasprintf("E2FSPROGS_FAKE_TIME=%u", mtime ? (unsigned int)mtime : 1u);
	env[0] = fake;
	if (output_populate(stage, t, mtime, 0, &skipped) < 0)
		goto out;
	{
		char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext2", "-L", (char *)label, "-N", inodes,
				 "-U", (char *)ext2_uuid, "-E", hash, "-d", stage, img, size, NULL };

		if (output_run(argv, log, env) < 0) {
			output_show_log(log);
			fprintf(stderr, "mkroot: %s: mke2fs failed\n", final);
			goto out;
		}
	}
	/* Owners, modes, device nodes and times, as the spec says. */
	f = fopen(cmds, "we");
	if (!f)
		goto out;
	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		unsigned int type = e->type == ENTRY_DIR ? 040000 : e->type == ENTRY_FILE ? 0100000 :
				    e->type == ENTRY_SYMLINK ? 0120000 : e->type == ENTRY_CHR ? 020000 : 060000;

		if (strpbrk(e->path, " \t\"\\")) {
			fprintf(stderr, "mkroot: %s (from %s): ext2 images take no blanks or quotes in names\n",
				e->path, e->origin);
			fclose(f);
			goto out;
		}
		/* debugfs mknod takes a name in the current directory. */
		if (e->type == ENTRY_CHR || e->type == ENTRY_BLK) {
			const char *base = strrchr(e->path, '/');

			fprintf(f, "cd %.*s\nmknod %s %c %u %u\ncd /\n",
				base == e->path ? 1 : (int)(base - e->path), e->path, base + 1, e->type == ENTRY_CHR ? 'c' : 'b', e->major, e->minor);
		}
		fprintf(f, "sif %s mode 0%o\nsif %s uid %u\nsif %s gid %u\n", e->path, type | e->mode,
			e->path, e->uid, e->path, e->gid);
		fprintf(f, "sif %s atime @%u\nsif %s mtime @%u\nsif %s ctime @%u\n", e->path, mtime,
			e->path, mtime, e->path, mtime);
	}
	/* mke2fs made lost+found with the time of day. */
	fprintf(f, "sif /lost+found atime @%u\nsif /lost+found mtime @%u\nsif /lost+found ctime @%u\n",
		mtime, mtime, mtime);
	if (fclose(f) != 0)
		goto out;
	{
		char *argv[] = { "debugfs", "-w", "-f", cmds, img, NULL };

		if (output_run(argv, log, env) < 0) {
			output_show_log(log);
			fprintf(stderr, "mkroot: %s: debugfs failed\n", final);
			goto out;
		}
	}
	if (read_file(img, &raw.p, &raw.len) < 0 || gzip_buf(&raw, &gz) < 0) {
		fprintf(stderr, "mkroot: %s: cannot compress the image\n", final);
		goto out;
	}
	rc = output_file(o, final, &gz);
out:
	o->scratch_dir = NULL;
	output_rm_tree(stage);
	unlink(img);
	unlink(log);
	unlink(cmds);
	buf_free(&raw);
	buf_free(&gz);
	free(stage);
	free(img);
	free(log);
	free(cmds);
	free(size);
	free(inodes);
	free(fake);
	free(hash);
	return rc;
}

int outputs_commit(struct outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		struct pending *p = &o->v[i];
		struct stat st;

		if (p->is_dir && lstat(p->final, &st) == 0) {
			/* Swap atomically, then remove the old root. */
			if (renameat2(AT_FDCWD, p->tmp, AT_FDCWD, p->final, RENAME_EXCHANGE) < 0) {
				fprintf(stderr, "mkroot: %s: %s\n", p->final, strerror(errno));
				return -1;
			}
			output_rm_tree(p->tmp);
		} else if (rename(p->tmp, p->final) < 0) {
			fprintf(stderr, "mkroot: %s: %s\n", p->final, strerror(errno));
			return -1;
		}
		free(p->tmp);
		free(p->final);
		p->tmp = p->final = NULL;
	}
	o->n = 0;
	return 0;
}

void outputs_abort(struct outputs *o)
{
	size_t i;

	if (running_child > 0) {
		kill(running_child, SIGKILL);
		waitpid(running_child, NULL, 0);
		running_child = 0;
	}
	if (o->scratch_dir) {
		char *p;

		for (i = 0; i < 3; i++) {
			p = xasprintf("%s.%s", o->scratch_dir, i == 0 ? "img" : i == 1 ? "log" : "debugfs");
			unlink(p);
			free(p);
		}
		output_rm_tree(o->scratch_dir);
		o->scratch_dir = NULL;
	}
	for (i = 0; i < o->n; i++) {
		if (!o->v[i].tmp)
			continue;
		if (o->v[i].is_dir)
			output_rm_tree(o->v[i].tmp);
		else
			unlink(o->v[i].tmp);
		free(o->v[i].tmp);
		free(o->v[i].final);
	}
	o->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * spec.c - the spec file: one entry per line, in the spirit of the
 * kernel's gen_init_cpio, plus directives that pull in programs with their
 * libraries, busybox with its applets, whole directories (kernel modules)
 * and inline text (init scripts, inittab).  mkroot.1 documents the format.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec.h"

#define MAX_TOKENS 16

struct where {
	const char *file;
	int line;
};

__attribute__((format(printf, 2, 3)))
static int fail_at(const struct where *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", w->file, w->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static char *origin_of(const struct where *w)
{
	return xasprintf("%s:%d", w->file, w->line);
}

static int add_entry(struct spec_ctx *ctx, struct entry *e, const struct where *w)
{
	char err[512];

	if (tree_add(ctx->tree, e, err, sizeof(err)) < 0)
		return fail_at(w, "%s", err);
	return 0;
}

static int parse_path(const struct where *w, const char *in, char **out)
{
	char buf[4096];

	if (path_normalise(in, buf, sizeof(buf)) < 0)
		return fail_at(w, "bad path '%s' (must be absolute, without '..')", in);
	*out = xstrdup(buf);
	return 0;
}

static int parse_mode(const struct where *w, const char *s, unsigned int *mode)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (!*s || *end || errno || v > 07777 || strlen(s) > 5 || *s == '-' || *s == '+')
		return fail_at(w, "bad mode '%s' (octal permission bits, 0000..7777)", s);
	*mode = (unsigned int)v;
	return 0;
}

static int parse_uint(const struct where *w, const char *what, const char *s,
		      unsigned long max, unsigned int *val)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > max || !isdigit((unsigned char)*s))
		return fail_at(w, "bad %s '%s' (a number, 0..%lu)", what, s, max);
	*val = (unsigned int)v;
	return 0;
}

/* MODE UID GID at tok[0..2] */
static int parse_owner(const struct where *w, char **tok, struct entry *e)
{
	if (parse_mode(w, tok[0], &e->mode) < 0 ||
	    parse_uint(w, "uid", tok[1], 65535, &e->uid) < 0 ||
	    parse_uint(w, "gid", tok[2], 65535, &e->gid) < 0)
		return -1;
	return 0;
}

/* A source path: absolute, or relative to the spec file's directory. */
static char *source_path(const struct where *w, const char *src)
{
	const char *slash;

	if (src[0] == '/' || !(slash = strrchr(w->file, '/')))
		return xstrdup(src);
	return xasprintf("%.*s/%s", (int)(slash - w->file), w->file, src);
}

static int load_source(const struct where *w, const char *src, struct entry *e)
{
	char *path = source_path(w, src);
	int rc = 0;

	if (read_file(path, &e->data, &e->size) < 0)
		rc = fail_at(w, "%s: %s", path, errno == EINVAL ? "not a regular file" : strerror(errno));
	free(path);
	return rc;
}

/* ${NAME} from -D NAME=VALUE; an undefined name is an error. */
static int expand(struct spec_ctx *ctx, const struct where *w, const char *in, char **out)
{
	struct buf b = { 0 };
	const char *p = in;

	while (*p) {
		const char *end;
		size_t i, n;

		if (p[0] != '$' || p[1] != '{') {
			buf_put(&b, p++, 1);
			continue;
		}
		end = strchr(p, '}');
		if (!end) {
			buf_free(&b);
			return fail_at(w, "unterminated ${ in '%s'", in);
		}
		n = (size_t)(end - p - 2);
		for (i = 0; i < ctx->defines.n; i++)
			if (strncmp(ctx->defines.v[i], p + 2, n) == 0 && ctx->defines.v[i][n] == '=')
				break;
		if (i == ctx->defines.n) {
			buf_free(&b);
			return fail_at(w, "undefined variable ${%.*s} (define it with -D %.*s=VALUE)",
				       (int)n, p + 2, (int)n, p + 2);
		}
		buf_put(&b, ctx->defines.v[i] + n + 1, strlen(ctx->defines.v[i] + n + 1));
		p = end + 1;
	}
	buf_put(&b, "", 1);
	*out = (char *)b.p;
	return 0;
}

static int need_args(const struct where *w, const char *kw, int got, int min, int max,
		     const char *usage)
{
	if (got < min || got > max)
		return fail_at(w, "'%s' takes %s", kw, usage);
	return 0;
}

int spec_add_program(struct spec_ctx *ctx, const char *program, const char *origin)
{
	struct strlist files = { 0 };
	struct where w = { origin, 0 };
	char err[1024];
	size_t i;
	int rc = 0;

	if (program[0] != '/') {
		fprintf(stderr, "%s: --add %s: give the program's absolute path\n", origin, program);
		return -1;
	}
	if (elf_resolve(program, &ctx->lib_dirs, &files, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", origin, err);
		strlist_free(&files);
		return -1;
	}
	for (i = 0; i < files.n && rc == 0; i++) {
		struct entry e = { 0 };
		struct stat st;

		if (parse_path(&w, files.v[i], &e.path) < 0) {
			rc = -1;
			break;
		}
		e.type = ENTRY_FILE;
		e.mode = stat(files.v[i], &st) == 0 ? (st.st_mode & 0755) : 0755;
		e.origin = xstrdup(origin);
		if (read_file(files.v[i], &e.data, &e.size) < 0) {
			fprintf(stderr, "%s: %s: %s\n", origin, files.v[i], strerror(errno));
			free(e.path);
			free(e.origin);
			rc = -1;
			break;
		}
		{
			char msg[512];

			if (tree_add(ctx->tree, &e, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "%s: %s\n", origin, msg);
				rc = -1;
			}
		}
	}
	strlist_free(&files);
	return rc;
}

/*
 * "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1)": the first words of a
 * busybox's own usage text, which every build of that version and package
 * also carries in its binary.
 */
/*
 * Run BUSYBOX with one argument (or none), its output on a pipe; stderr
 * too when WITH_STDERR.  Returns the read end as a stream and the child in
 * *pid, or NULL after reporting the failure.
 */
static FILE *busybox_run(const struct where *w, const char *busybox, const char *arg, int with_stderr,
			 pid_t *pid)
{
	int pfd[2];
	FILE *f;

	if (pipe(pfd) < 0) {
		fail_at(w, "pipe: %s", strerror(errno));
		return NULL;
	}
	*pid = fork();
	if (*pid < 0) {
		fail_at(w, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return NULL;
	}
	if (*pid == 0) {
		dup2(pfd[1], 1);
		if (with_stderr)
			dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execl(busybox, busybox, arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	if (!f) {
		close(pfd[0]);
		waitpid(*pid, NULL, 0);
		fail_at(w, "fdopen: %s", strerror(errno));
	}
	return f;
}

/* The version string a busybox prints first: "BusyBox v1.35.0 (...)". */
static int busybox_version(const struct where *w, const char *busybox, char *out, size_t outsz)
{
	int status;
	pid_t pid;
	FILE *f;
	char line[256] = "";
	char *end;

	f = busybox_run(w, busybox, NULL, 1, &pid);
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgetc(f) != EOF)
		;
	fclose(f);
	waitpid(pid, &status, 0);
	end = strchr(line, ')');
	if (strncmp(line, "BusyBox v", 9) != 0 || !end)
		return fail_at(w, "%s prints no BusyBox version: is it busybox?", busybox);
	snprintf(out, outsz, "%.*s", (int)(end + 1 - line), line);
	return 0;
}

/*
 * A busybox built for another architecture cannot run here to list its
 * applets; LISTER, the same version built for this host, can.  Refuse a
 * lister whose version string the target binary does not carry: the
 * links would name applets the binary may not have.
 */
static int busybox_same_version(const struct where *w, const struct entry *target,
				const char *target_src, const char *lister)
{
	char version[256];
	size_t n;

	if (busybox_version(w, lister, version, sizeof(version)) < 0)
		return -1;
	n = strlen(version);
	for (size_t i = 0; target->size >= n && i <= target->size - n; i++)
		if (memcmp(target->data + i, version, n) == 0)
			return 0;
	return fail_at(w, "%s is not %s: the applet lister must be the same busybox for this host",
		       target_src, version);
}

/* The applets a busybox binary provides: its own --list. */
static int busybox_applets(const struct where *w, const char *busybox, struct strlist *out)
{
	int status;
	pid_t pid;
	FILE *f;
	char line[256];

	f = busybox_run(w, busybox, "--list", 0, &pid);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && strcmp(line, "busybox") != 0 && !strchr(line, '/'))
			strlist_add(out, line);
	}
	fclose(f);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out->n == 0)
		return fail_at(w, "%s --list failed: is it busybox?", busybox);
	return 0;
}

static int do_busybox(struct spec_ctx *ctx, const struct where *w, char **tok, int ntok)
{
	struct entry e = { 0 };
	struct strlist applets = { 0 };
	char *src = source_path(w, tok[0]), *dir, *lister = NULL;
	size_t i;
	int rc = -1;

	if (parse_path(w, tok[1], &dir) < 0)
		goto out;
	e.path = xasprintf("%s/busybox", strcmp(dir, "/") == 0 ? "" : dir);
	e.type = ENTRY_FILE;
	e.mode = 0755;
	e.origin = origin_of(w);
	if (load_source(w, tok[0], &e) < 0) {
		free(e.path);
		free(e.origin);
		goto out_dir;
	}
	if (ntok == 3)
		lister = source_path(w, tok[2]);
	if (lister && busybox_same_version(w, &e, src, lister) < 0) {
		free(e.path);
		free(e.origin);
		free(e.data);
		goto out_dir;
	}
	if (add_entry(ctx, &e, w) < 0 || busybox_applets(w, lister ? lister : src, &applets) < 0)
		goto out_dir;
	for (i = 0; i < applets.n; i++) {
		struct entry l = { 0 };

		l.path = xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, applets.v[i]);
		l.type = ENTRY_SYMLINK;
		l.mode = 0777;
		l.data = (unsigned char *)xstrdup("busybox");
		l.size = strlen("busybox");
		l.origin = origin_of(w);
		if (add_entry(ctx, &l, w) < 0)
			goto out_dir;
	}
	rc = 0;
out_dir:
	free(dir);
out:
	strlist_free(&applets);
	free(lister);
	free(src);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copy a host directory recursively to path: owner root, modes from disk. */
static int do_tree(struct spec_ctx *ctx, const struct where *w, const char *path, const char *src)
{
	DIR *d = opendir(src);
	struct dirent *de;
	struct strlist names = { 0 };
	struct entry e = { 0 };
	size_t i;
	int rc = 0;

	if (!d)
		return fail_at(w, "%s: %s", src, strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strlist_add(&names, de->d_name);
	closedir(d);
	qsort(names.v, names.n, sizeof(*names.v), cmp_str);

	e.path = xstrdup(path);
	e.type = ENTRY_DIR;
	e.mode = 0755;
	e.origin = origin_of(w);
	if (add_entry(ctx, &e, w) < 0)
		rc = -1;
	for (i = 0; i < names.n && rc == 0; i++) {
		char *s = xasprintf("%s/%s", src, names.v[i]);
		char *p = xasprintf("%s/%s", strcmp(path, "/") == 0 ? "" : path, names.v[i]);
		struct stat st;

		if (lstat(s, &st) < 0) {
			rc = fail_at(w, "%s: %s", s, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = do_tree(ctx, w, p, s);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			struct entry f = { 0 };

			f.path = xstrdup(p);
			f.mode = S_ISLNK(st.st_mode) ? 0777 : (st.st_mode & 0755);
			f.origin = origin_of(w);
			if (S_ISLNK(st.st_mode)) {
				char target[4096];
				ssize_t n = readlink(s, target, sizeof(target));

				f.type = ENTRY_SYMLINK;
				if (n < 0 || (size_t)n >= sizeof(target)) {
					free(f.path);
					free(f.origin);
					rc = fail_at(w, "%s: cannot read link", s);
				} else {
					f.data = xmalloc((size_t)n);
					memcpy(f.data, target, (size_t)n);
					f.size = (size_t)n;
				}
			} else {
				f.type = ENTRY_FILE;
				if (read_file(s, &f.data, &f.size) < 0) {
					rc = fail_at(w, "%s: %s", s, strerror(errno));
					free(f.path);
					free(f.origin);
				}
			}
			if (rc == 0)
				rc = add_entry(ctx, &f, w);
		} else {
			rc = fail_at(w, "%s: not a file, directory or symlink", s);
		}
		free(s);
		free(p);
	}
	strlist_free(&names);
	return rc;
}

/* text PATH MODE UID GID <<WORD, then lines up to WORD. */
static int do_text(struct spec_ctx *ctx, struct where *w, FILE *f, char **tok, char *path)
{
	struct entry e = { 0 };
	struct buf body = { 0 };
	char line[4096];
	const char *word;
	int start = w->line;

	e.path = path;
	e.type = ENTRY_FILE;
	if (parse_owner(w, tok, &e) < 0)
		goto fail;
	if (strncmp(tok[3], "<<", 2) != 0 || !tok[3][2]) {
		fail_at(w, "'text' wants <<WORD after the owner, then the lines, then WORD");
		goto fail;
	}
	word = tok[3] + 2;
	for (;;) {
		if (!fgets(line, sizeof(line), f)) {
			w->line = start;
			fail_at(w, "text: no closing '%s' line", word);
			goto fail;
		}
		w->line++;
		if (strlen(line) == sizeof(line) - 1 && line[sizeof(line) - 2] != '\n') {
			fail_at(w, "line too long");
			goto fail;
		}
		if (strcmp(line, word) == 0 || (strncmp(line, word, strlen(word)) == 0 &&
						  strcmp(line + strlen(word), "\n") == 0))
			break;
		buf_put(&body, line, strlen(line));
	}
	e.data = body.p;
	e.size = body.len;
	{
		struct where at = { w->file, start };

		e.origin = origin_of(&at);
		return add_entry(ctx, &e, &at);
	}
fail:
	free(path);
	buf_free(&body);
	return -1;
}

static int do_line(struct spec_ctx *ctx, struct where *w, FILE *f, int ntok, char **tok, int depth)
{
	const char *kw = tok[0];
	struct entry e = { 0 };
	char *path = NULL;

	if (strcmp(kw, "include") == 0) {
		char *file;
		int rc;

		if (need_args(w, kw, ntok - 1, 1, 1, "FILE") < 0)
			return -1;
		file = source_path(w, tok[1]);
		rc = spec_read(ctx, file, depth + 1);
		free(file);
		return rc < 0 ? fail_at(w, "in the file included here") : 0;
	}
	if (strcmp(kw, "add") == 0) {
		char *origin;
		int rc;

		if (need_args(w, kw, ntok - 1, 1, 1, "PROGRAM (an absolute host path)") < 0)
			return -1;
		origin = origin_of(w);
		rc = spec_add_program(ctx, tok[1], origin);
		free(origin);
		return rc;
	}
	if (strcmp(kw, "busybox") == 0) {
		if (need_args(w, kw, ntok - 1, 2, 3, "SOURCE DIR [LISTER]") < 0)
			return -1;
		return do_busybox(ctx, w, tok + 1, ntok - 1);
	}
	if (strcmp(kw, "tree") == 0) {
		char *src;
		int rc;

		if (need_args(w, kw, ntok - 1, 2, 2, "PATH SOURCE-DIR") < 0 || parse_path(w, tok[1], &path) < 0)
			return -1;
		src = source_path(w, tok[2]);
		rc = do_tree(ctx, w, path, src);
		free(src);
		free(path);
		return rc;
	}
	if (ntok < 2)
		return fail_at(w, "'%s' needs a path", kw);
	if (strcmp(kw, "dir") && strcmp(kw, "file") && strcmp(kw, "slink") &&
	    strcmp(kw, "nod") && strcmp(kw, "text"))
		return fail_at(w, "unknown directive '%s' (dir, file, slink, nod, text, add, busybox, tree, include)", kw);
	if (parse_path(w, tok[1], &path) < 0)
		return -1;
	e.path = path;
	if (strcmp(kw, "text") == 0) {
		if (need_args(w, kw, ntok - 1, 5, 5, "PATH MODE UID GID <<WORD") < 0)
			goto fail;
		return do_text(ctx, w, f, tok + 2, path);
	}
	e.origin = origin_of(w);
	if (strcmp(kw, "dir") == 0) {
		if (need_args(w, kw, ntok - 1, 4, 4, "PATH MODE UID GID") < 0 || parse_owner(w, tok + 2, &e) < 0)
			goto fail;
		e.type = ENTRY_DIR;
	} else if (strcmp(kw, "file") == 0) {
		if (need_args(w, kw, ntok - 1, 5, 5, "PATH SOURCE MODE UID GID") < 0 ||
		    parse_owner(w, tok + 3, &e) < 0 || load_source(w, tok[2], &e) < 0)
			goto fail;
		e.type = ENTRY_FILE;
	} else if (strcmp(kw, "slink") == 0) {
		if (need_args(w, kw, ntok - 1, 5, 5, "PATH TARGET MODE UID GID") < 0 ||
		    parse_owner(w, tok + 3, &e) < 0)
			goto fail;
		e.type = ENTRY_SYMLINK;
		e.data = (unsigned char *)xstrdup(tok[2]);
		e.size = strlen(tok[2]);
	} else {
		if (need_args(w, kw, ntok - 1, 7, 7, "PATH MODE UID GID c|b MAJOR MINOR") < 0 ||
		    parse_owner(w, tok + 2, &e) < 0)
			goto fail;
		if (strcmp(tok[5], "c") && strcmp(tok[5], "b")) {
			fail_at(w, "bad device type '%s' (c or b)", tok[5]);
			goto fail;
		}
		e.type = tok[5][0] == 'c' ? ENTRY_CHR : ENTRY_BLK;
		if (parse_uint(w, "major", tok[6], 4095, &e.major) < 0 ||
		    parse_uint(w, "minor", tok[7], 1048575, &e.minor) < 0)
			goto fail;
	}
	return add_entry(ctx, &e, w);
fail:
	free(e.path);
	free(e.data);
	free(e.origin);
	return -1;
}

int spec_read(struct spec_ctx *ctx, const char *file, int depth)
{
	FILE *f;
	char line[4096];
	struct where w = { file, 0 };
	int rc = 0;

	if (depth > 8) {
		fprintf(stderr, "%s: includes nested too deeply\n", file);
		return -1;
	}
	f = fopen(file, "re");
	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *tok[MAX_TOKENS + 1], *save = NULL, *t;
		int ntok = 0, nexp = 0, i;

		w.line++;
		if (strlen(line) == sizeof(line) - 1 && line[sizeof(line) - 2] != '\n') {
			rc = fail_at(&w, "line too long");
			break;
		}
		for (t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
			if (t[0] == '#')
				break;	/* a comment, to the end of the line */
			if (ntok == MAX_TOKENS) {
				rc = fail_at(&w, "too many words");
				break;
			}
			tok[ntok++] = t;
		}
		if (rc || ntok == 0)
			continue;
		for (i = 0; i < ntok && rc == 0; i++)
			if ((rc = expand(ctx, &w, tok[i], &tok[i])) == 0)
				nexp++;
		if (rc == 0)
			rc = do_line(ctx, &w, f, ntok, tok, depth);
		for (i = 0; i < nexp; i++)
			free(tok[i]);
	}
	fclose(f);
	return rc;
}

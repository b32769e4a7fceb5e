// SPDX-License-Identifier: GPL-2.0
/*
 * tree.c - the root as a list of entries keyed by path.  Adding an entry
 * creates its missing parent directories (0755, root); adding a path twice
 * replaces the first entry, except that a directory cannot turn into a
 * file or back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "mkroot.h"

const char *entry_type_name(enum entry_type type)
{
	switch (type) {
	case ENTRY_DIR: return "directory";
	case ENTRY_FILE: return "file";
	case ENTRY_SYMLINK: return "symlink";
	case ENTRY_CHR: return "character device";
	case ENTRY_BLK: return "block device";
	}
	return "?";
}

/* The S_IF* file type bits every image format stores next to the mode. */
unsigned int entry_file_type(enum entry_type type)
{
	switch (type) {
	case ENTRY_DIR: return S_IFDIR;
	case ENTRY_FILE: return S_IFREG;
	case ENTRY_SYMLINK: return S_IFLNK;
	case ENTRY_CHR: return S_IFCHR;
	case ENTRY_BLK: return S_IFBLK;
	}
	return 0;
}

/*
 * "/a//b/./c/" -> "/a/b/c".  The path must be absolute; ".." is refused
 * (a spec never needs it, and it could climb out of the root).
 */
int path_normalise(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = in;

	if (*p != '/' || outlen < 2)
		return -1;
	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -1;
		if (o + 1 + n + 1 > outlen)
			return -1;
		out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

struct entry *tree_find(struct tree *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].path, path) == 0)
			return &t->v[i];
	return NULL;
}

static void entry_free(struct entry *e)
{
	free(e->path);
	free(e->data);
	free(e->origin);
}

static struct entry *tree_push(struct tree *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

static int ensure_parents(struct tree *t, const char *path, const char *origin,
			  char *err, size_t errlen)
{
	char *p = xstrdup(path);
	char *slash;
	int rc = 0;

	for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		struct entry *e;

		*slash = '\0';
		e = tree_find(t, p);
		if (e && e->type != ENTRY_DIR) {
			snprintf(err, errlen, "%s is a %s (from %s), not a directory",
				 p, entry_type_name(e->type), e->origin);
			rc = -1;
			break;
		}
		if (!e) {
			e = tree_push(t);
			e->path = xstrdup(p);
			e->type = ENTRY_DIR;
			e->mode = 0755;
			e->origin = xstrdup(origin);
		}
		*slash = '/';
	}
	free(p);
	return rc;
}

/* Takes ownership of e's strings and data on success and on failure. */
int tree_add(struct tree *t, const struct entry *e, char *err, size_t errlen)
{
	struct entry *old;

	if (!tree_find(t, "/")) {
		struct entry *root = tree_push(t);

		root->path = xstrdup("/");
		root->type = ENTRY_DIR;
		root->mode = 0755;
		root->origin = xstrdup("(root)");
	}
	if (strcmp(e->path, "/") != 0 &&
	    ensure_parents(t, e->path, e->origin, err, errlen) < 0)
		goto fail;
	old = tree_find(t, e->path);
	if (old) {
		if ((old->type == ENTRY_DIR) != (e->type == ENTRY_DIR)) {
			snprintf(err, errlen, "%s: already a %s (from %s)", e->path,
				 entry_type_name(old->type), old->origin);
			goto fail;
		}
		entry_free(old);
		*old = *e;
		return 0;
	}
	*tree_push(t) = *e;
	return 0;
fail:
	{
		struct entry tmp = *e;

		entry_free(&tmp);
	}
	return -1;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* Byte order: a parent ("/a") always sorts before its children ("/a/..."). */
void tree_sort(struct tree *t)
{
	qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
}

void tree_free(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		entry_free(&t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

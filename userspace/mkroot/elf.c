// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - the ELF dependency walker.  elf_parse() reads the program
 * headers (PT_INTERP, PT_DYNAMIC, PT_LOAD for address translation) and the
 * dynamic section (DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_RPATH, DT_RUNPATH) of
 * a little-endian ELF32 or ELF64 file, checking every offset against the
 * file size.  elf_resolve() searches libraries as ld.so does: DT_RPATH
 * (when there is no DT_RUNPATH), DT_RUNPATH, then /etc/ld.so.conf and the
 * default directories, accepting only files of the same class and machine.
 */
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "mkroot.h"

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
#define DT_RPATH 15
#define DT_RUNPATH 29

void strlist_add(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

int strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static uint64_t get(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

struct load_seg {
	uint64_t vaddr, offset, filesz;
};

/* A NUL-terminated string at off, inside [0, limit). */
static char *string_at(const unsigned char *data, uint64_t limit, uint64_t off)
{
	uint64_t end;

	if (off >= limit)
		return NULL;
	for (end = off; end < limit; end++)
		if (data[end] == '\0')
			return xstrdup((const char *)data + off);
	return NULL;
}

void elf_info_free(struct elf_info *info)
{
	size_t i;

	free(info->interp);
	for (i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	free(info->rpath);
	free(info->runpath);
	memset(info, 0, sizeof(*info));
}

int elf_parse(const unsigned char *data, size_t size, struct elf_info *info,
	      char *err, size_t errlen)
{
	int is64;
	uint64_t phoff, phentsize, phnum, i, dyn_off = 0, dyn_size = 0;
	uint64_t strtab = 0, strsz = 0, str_off = 0, str_end;
	uint64_t needed_off[256], rpath_off = UINT64_MAX, runpath_off = UINT64_MAX;
	size_t n_needed = 0, nload = 0, dsz;
	struct load_seg load[16];
	int have_strtab = 0, have_dyn = 0;

	memset(info, 0, sizeof(*info));
	if (size < 52 || memcmp(data, "\177ELF", 4) != 0) {
		snprintf(err, errlen, "not an ELF file");
		return -1;
	}
	if ((data[4] != 1 && data[4] != 2) || data[5] != 1) {
		snprintf(err, errlen, "unsupported ELF class %u or byte order %u (little-endian only)",
			 data[4], data[5]);
		return -1;
	}
	is64 = data[4] == 2;
	if (is64 && size < 64) {
		snprintf(err, errlen, "truncated ELF header");
		return -1;
	}
	info->elf_class = data[4];
	info->machine = (unsigned int)get(data + 18, 2);
	phoff = is64 ? get(data + 32, 8) : get(data + 28, 4);
	phentsize = is64 ? get(data + 54, 2) : get(data + 42, 2);
	phnum = is64 ? get(data + 56, 2) : get(data + 44, 2);
	if (phentsize < (is64 ? 56u : 32u) || phoff > size || phnum * phentsize > size - phoff) {
		snprintf(err, errlen, "program headers lie outside the file (truncated?)");
		return -1;
	}
	for (i = 0; i < phnum; i++) {
		const unsigned char *ph = data + phoff + i * phentsize;
		uint64_t type = get(ph, 4);
		uint64_t off = is64 ? get(ph + 8, 8) : get(ph + 4, 4);
		uint64_t vaddr = is64 ? get(ph + 16, 8) : get(ph + 8, 4);
		uint64_t filesz = is64 ? get(ph + 32, 8) : get(ph + 16, 4);

		if ((type == PT_INTERP || type == PT_DYNAMIC) && (off > size || filesz > size - off)) {
			snprintf(err, errlen, "%s segment lies outside the file (truncated?)",
				 type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
			goto fail;
		}
		if (type == PT_INTERP && !info->interp) {
			info->interp = string_at(data, off + filesz, off);
			if (!info->interp) {
				snprintf(err, errlen, "PT_INTERP is not a terminated string");
				goto fail;
			}
		} else if (type == PT_DYNAMIC) {
			dyn_off = off;
			dyn_size = filesz;
			have_dyn = 1;
		} else if (type == PT_LOAD && nload < sizeof(load) / sizeof(load[0])) {
			load[nload].vaddr = vaddr;
			load[nload].offset = off;
			load[nload].filesz = filesz;
			nload++;
		}
	}
	if (!have_dyn)
		return 0;	/* statically linked */

	dsz = is64 ? 16 : 8;
	for (i = 0; i + dsz <= dyn_size; i += dsz) {
		uint64_t tag = get(data + dyn_off + i, dsz / 2);
		uint64_t val = get(data + dyn_off + i + dsz / 2, dsz / 2);

		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED) {
			if (n_needed == sizeof(needed_off) / sizeof(needed_off[0])) {
				snprintf(err, errlen, "more than %zu DT_NEEDED entries",
					 sizeof(needed_off) / sizeof(needed_off[0]));
				goto fail;
			}
			needed_off[n_needed++] = val;
		} else if (tag == DT_STRTAB) {
			strtab = val;
			have_strtab = 1;
		} else if (tag == DT_STRSZ) {
			strsz = val;
		} else if (tag == DT_RPATH) {
			rpath_off = val;
		} else if (tag == DT_RUNPATH) {
			runpath_off = val;
		}
	}
	if (!have_strtab) {
		if (n_needed) {
			snprintf(err, errlen, "DT_NEEDED without DT_STRTAB");
			goto fail;
		}
		return 0;
	}
	/* DT_STRTAB is an address: find the PT_LOAD segment that maps it. */
	for (i = 0; i < nload; i++) {
		if (strtab >= load[i].vaddr && strtab - load[i].vaddr < load[i].filesz) {
			str_off = strtab - load[i].vaddr + load[i].offset;
			break;
		}
	}
	if (i == nload || str_off > size) {
		snprintf(err, errlen, "DT_STRTAB 0x%llx is not in any loaded segment",
			 (unsigned long long)strtab);
		goto fail;
	}
	str_end = strsz && strsz <= size - str_off ? str_off + strsz : size;
	info->needed = xmalloc((n_needed ? n_needed : 1) * sizeof(char *));
	for (i = 0; i < n_needed; i++) {
		char *s = string_at(data, str_end, str_off + needed_off[i]);

		if (!s || !*s) {
			free(s);
			snprintf(err, errlen, "DT_NEEDED entry %llu points outside the string table",
				 (unsigned long long)i);
			goto fail;
		}
		info->needed[info->n_needed++] = s;
	}
	if (rpath_off != UINT64_MAX)
		info->rpath = string_at(data, str_end, str_off + rpath_off);
	if (runpath_off != UINT64_MAX)
		info->runpath = string_at(data, str_end, str_off + runpath_off);
	return 0;
fail:
	elf_info_free(info);
	return -1;
}

static int load_info(const char *path, struct elf_info *info, char *err, size_t errlen)
{
	unsigned char *data;
	size_t size;
	char why[256];
	int rc;

	if (read_file(path, &data, &size) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = elf_parse(data, size, info, why, sizeof(why));
	free(data);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

/* Add each ':'-separated directory of list, with $ORIGIN expanded. */
static void add_search_path(struct strlist *dirs, const char *list, const char *origin)
{
	char *copy = xstrdup(list), *save = NULL, *d;

	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (strncmp(d, "$ORIGIN", 7) == 0 || strncmp(d, "${ORIGIN}", 9) == 0) {
			char *x = xasprintf("%s%s", origin, d + (d[1] == '{' ? 9 : 7));

			strlist_add(dirs, x);
			free(x);
		} else if (*d) {
			strlist_add(dirs, d);
		}
	}
	free(copy);
}

static void read_ld_so_conf(const char *file, struct strlist *dirs, int depth)
{
	FILE *f = fopen(file, "re");
	char line[4096];

	if (!f || depth > 4) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		p[strcspn(p, "#\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			glob_t g;
			size_t i;

			p += 8;
			while (*p == ' ' || *p == '\t')
				p++;
			if (glob(p, 0, NULL, &g) == 0) {
				for (i = 0; i < g.gl_pathc; i++)
					read_ld_so_conf(g.gl_pathv[i], dirs, depth + 1);
				globfree(&g);
			}
		} else if (*p == '/' && !strlist_has(dirs, p)) {
			strlist_add(dirs, p);
		}
	}
	fclose(f);
}

static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib",
};

/* Find lib for an object of class/machine; returns a malloc'd path or NULL. */
static char *find_library(const char *lib, const struct elf_info *obj, const char *origin,
			  const struct strlist *extra)
{
	struct strlist dirs = { 0 };
	size_t i;
	char *found = NULL;

	if (obj->rpath && !obj->runpath)
		add_search_path(&dirs, obj->rpath, origin);
	if (obj->runpath)
		add_search_path(&dirs, obj->runpath, origin);
	for (i = 0; extra && i < extra->n; i++)
		strlist_add(&dirs, extra->v[i]);
	read_ld_so_conf("/etc/ld.so.conf", &dirs, 0);
	for (i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
		strlist_add(&dirs, default_dirs[i]);

	for (i = 0; i < dirs.n && !found; i++) {
		char *cand = xasprintf("%s/%s", dirs.v[i], lib);
		struct elf_info ci;
		char why[256];

		if (access(cand, R_OK) == 0 && load_info(cand, &ci, why, sizeof(why)) == 0) {
			if (ci.elf_class == obj->elf_class && ci.machine == obj->machine)
				found = cand;
			elf_info_free(&ci);
		}
		if (!found)
			free(cand);
	}
	strlist_free(&dirs);
	return found;
}

int elf_resolve(const char *program, const struct strlist *extra,
		struct strlist *out, char *err, size_t errlen)
{
	size_t next = out->n;

	if (!strlist_has(out, program))
		strlist_add(out, program);
	else
		next = out->n;	/* already resolved earlier */
	for (; next < out->n; next++) {
		struct elf_info info;
		char *obj = xstrdup(out->v[next]), *origin, *slash;
		size_t i;

		if (load_info(obj, &info, err, errlen) < 0) {
			free(obj);
			return -1;
		}
		origin = xstrdup(obj);
		slash = strrchr(origin, '/');
		if (slash)
			*slash = '\0';
		if (info.interp && !strlist_has(out, info.interp)) {
			if (access(info.interp, R_OK) < 0) {
				snprintf(err, errlen, "%s: interpreter %s: %s", obj, info.interp,
					 strerror(errno));
				goto fail;
			}
			strlist_add(out, info.interp);
		}
		for (i = 0; i < info.n_needed; i++) {
			char *lib;

			if (strchr(info.needed[i], '/'))
				lib = xstrdup(info.needed[i]);
			else
				lib = find_library(info.needed[i], &info, origin, extra);
			if (!lib || access(lib, R_OK) < 0) {
				snprintf(err, errlen, "%s: library %s (DT_NEEDED) not found in RPATH/RUNPATH, "
					 "/etc/ld.so.conf or the default directories", obj, info.needed[i]);
				free(lib);
				goto fail;
			}
			if (!strlist_has(out, lib))
				strlist_add(out, lib);
			free(lib);
		}
		free(origin);
		free(obj);
		elf_info_free(&info);
		continue;
fail:
		free(origin);
		free(obj);
		elf_info_free(&info);
		return -1;
	}
	return 0;
}

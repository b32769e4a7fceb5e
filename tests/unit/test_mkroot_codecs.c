// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of mkroot: path normalisation, the ELF parser (on a real
 * system binary, a truncated copy and garbage), the newc cpio writer and
 * the MINIX writer (fields checked at their on-disk offsets).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "mkroot.h"
#include "tap.h"

static unsigned int rd16(const unsigned char *p) { return p[0] | (unsigned int)p[1] << 8; }
static unsigned long rd32(const unsigned char *p) { return rd16(p) | (unsigned long)rd16(p + 2) << 16; }

static void add(struct tree *t, const char *path, enum entry_type type, unsigned int mode,
		const char *data, unsigned int major, unsigned int minor)
{
	struct entry e = { 0 };
	char err[256];

	e.path = xstrdup(path);
	e.type = type;
	e.mode = mode;
	e.major = major;
	e.minor = minor;
	e.origin = xstrdup("test");
	if (data) {
		e.data = (unsigned char *)xstrdup(data);
		e.size = strlen(data);
	}
	if (tree_add(t, &e, err, sizeof(err)) < 0)
		printf("# tree_add %s: %s\n", path, err);
}

static void test_paths(void)
{
	char out[64];

	TAP_OK(path_normalise("/a//b/./c/", out, sizeof(out)) == 0 && strcmp(out, "/a/b/c") == 0,
	       "path: '/a//b/./c/' is /a/b/c");
	TAP_OK(path_normalise("///", out, sizeof(out)) == 0 && strcmp(out, "/") == 0, "path: '///' is /");
	TAP_OK(path_normalise("a/b", out, sizeof(out)) < 0, "path: relative paths are refused");
	TAP_OK(path_normalise("/a/../etc", out, sizeof(out)) < 0, "path: '..' is refused");
}

static void test_elf(void)
{
	unsigned char *data;
	size_t size, i;
	struct elf_info info;
	char err[256];
	int has_libc = 0;

	TAP_OK(read_file("/bin/true", &data, &size) == 0, "read /bin/true");
	TAP_OK(elf_parse(data, size, &info, err, sizeof(err)) == 0, "elf: /bin/true parses");
	TAP_OK(info.interp && strcmp(info.interp, "/lib64/ld-linux-x86-64.so.2") == 0,
	       "elf: /bin/true's PT_INTERP is /lib64/ld-linux-x86-64.so.2 (got %s)",
	       info.interp ? info.interp : "none");
	for (i = 0; i < info.n_needed; i++)
		has_libc |= strcmp(info.needed[i], "libc.so.6") == 0;
	TAP_OK(has_libc, "elf: /bin/true needs libc.so.6");
	TAP_OK(info.elf_class == 2 && info.machine == 62, "elf: ELF64 x86-64");
	elf_info_free(&info);

	TAP_OK(elf_parse(data, 200, &info, err, sizeof(err)) < 0 && strstr(err, "outside the file"),
	       "elf: a truncated file is refused (%s)", err);
	memcpy(data, "\177ELX", 4);
	TAP_OK(elf_parse(data, size, &info, err, sizeof(err)) < 0 && strstr(err, "not an ELF"),
	       "elf: bad magic is refused");
	free(data);

	TAP_OK(read_file("/bin/busybox", &data, &size) == 0 &&
	       elf_parse(data, size, &info, err, sizeof(err)) == 0 && !info.interp && info.n_needed == 0,
	       "elf: static busybox has no interpreter and no libraries");
	elf_info_free(&info);
	free(data);
}

/*
 * ELF files are untrusted input: mutate /bin/true's headers, program headers
 * and dynamic section many times over, and truncate it everywhere in its
 * first pages.  Under ASan an out-of-bounds read aborts the suite.
 */
static void test_elf_mutations(void)
{
	unsigned char *orig, *data;
	size_t size, i, j, parsed = 0, refused = 0;
	uint32_t x = 2463534242u;
	struct elf_info info;
	char err[256];

	if (read_file("/bin/true", &orig, &size) < 0) {
		TAP_OK(0, "read /bin/true");
		return;
	}
	data = xmalloc(size);
	for (i = 0; i < 3000; i++) {
		memcpy(data, orig, size);
		for (j = 0; j < 1 + i % 8; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* Mostly the ELF and program headers, sometimes anywhere. */
			data[(j % 2 ? x % 1024 : x) % size] = (unsigned char)(x >> 24);
		}
		if (elf_parse(data, size, &info, err, sizeof(err)) == 0) {
			parsed++;
			elf_info_free(&info);
		} else {
			refused++;
		}
	}
	for (i = 0; i < 8192 && i < size; i += 7) {
		if (elf_parse(orig, i, &info, err, sizeof(err)) == 0)
			elf_info_free(&info);
	}
	TAP_OK(parsed + refused == 3000 && refused > 0,
	       "elf: 3000 mutated copies parsed or refused without a bad read (%zu refused)", refused);
	free(data);
	free(orig);
}

static void test_cpio(void)
{
	struct tree t = { 0 };
	struct buf out = { 0 };
	const char *h;

	add(&t, "/dev/console", ENTRY_CHR, 0600, NULL, 5, 1);
	tree_sort(&t);
	TAP_OK(t.n == 3, "tree: /dev/console brings / and /dev (%zu entries)", t.n);
	cpio_write(&t, 0x12345678, &out);
	h = (const char *)out.p;
	TAP_OK(memcmp(h, "070701", 6) == 0, "cpio: newc magic");
	TAP_OK(strncmp(h + 14, "000041ED", 8) == 0 && strcmp(h + 110, ".") == 0,
	       "cpio: first member is '.' with mode 040755");
	h = (const char *)memmem(out.p, out.len, "dev/console", 12) - 110;
	TAP_OK(strncmp(h + 14, "00002180", 8) == 0, "cpio: console mode 020600");
	TAP_OK(strncmp(h + 46, "12345678", 8) == 0, "cpio: mtime from the caller");
	TAP_OK(strncmp(h + 78, "0000000500000001", 16) == 0, "cpio: rdev 5,1");
	TAP_OK(memmem(out.p, out.len, "TRAILER!!!", 11) != NULL, "cpio: trailer");
	TAP_OK(out.len % 512 == 0, "cpio: padded to 512 bytes");
	buf_free(&out);
	tree_free(&t);
}

static void test_minix(void)
{
	struct tree t = { 0 };
	struct buf out = { 0 };
	char err[256];
	const unsigned char *sb, *ino;
	char longname[64];

	add(&t, "/sbin/init", ENTRY_FILE, 0755, "#!/bin/sh\necho hi\n", 0, 0);
	add(&t, "/dev/console", ENTRY_CHR, 0600, NULL, 5, 1);
	tree_sort(&t);
	TAP_OK(minix_write(&t, 1, 1440, 0, &out, err, sizeof(err)) == 0, "minix v1: written (%s)", err);
	TAP_OK(out.len == 1440 * 1024, "minix v1: image is 1440 KiB");
	sb = out.p + 1024;
	TAP_OK(rd16(sb + 16) == 0x138F, "minix v1: magic 0x138F (30-char names)");
	TAP_OK(rd16(sb + 2) == 1440, "minix v1: 1440 zones");
	ino = out.p + (2 + rd16(sb + 4) + rd16(sb + 6)) * 1024;
	TAP_OK(rd16(ino) == 040755 && ino[13] == 4, "minix v1: root inode 040755, 4 links (., .., dev, sbin)");
	/* Sorted: / dev dev/console sbin sbin/init -> console is inode 3. */
	TAP_OK(rd16(ino + 2 * 32) == 020600 && rd16(ino + 2 * 32 + 14) == 0x0501,
	       "minix v1: /dev/console is 020600 with rdev 0x0501");
	TAP_OK(rd32(ino + 4 * 32 + 4) == 18, "minix v1: /sbin/init is 18 bytes");
	buf_free(&out);

	TAP_OK(minix_write(&t, 2, 1440, 7, &out, err, sizeof(err)) == 0 &&
	       rd16(out.p + 1024 + 16) == 0x2478 && rd32(out.p + 1024 + 20) == 1440,
	       "minix v2: magic 0x2478, s_zones 1440");
	buf_free(&out);
	TAP_OK(minix_write(&t, 1, 20, 0, &out, err, sizeof(err)) < 0, "minix: a 20 KiB image is refused (%s)", err);
	buf_free(&out);

	memset(longname, 'x', 40);
	strcpy(longname, "/");
	memset(longname + 1, 'x', 31);
	longname[32] = '\0';
	add(&t, longname, ENTRY_FILE, 0644, "x", 0, 0);
	tree_sort(&t);
	TAP_OK(minix_write(&t, 1, 1440, 0, &out, err, sizeof(err)) < 0 && strstr(err, "longer than 30"),
	       "minix: a 31-character name is refused");
	buf_free(&out);
	tree_free(&t);
}

int main(void)
{
	test_paths();
	test_elf();
	test_elf_mutations();
	test_cpio();
	test_minix();
	return tap_done();
}

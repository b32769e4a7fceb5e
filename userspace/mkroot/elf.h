/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf.h - what the dynamic loader needs to start a program: its
 * interpreter (PT_INTERP) and the libraries it names (DT_NEEDED), and
 * where to look for them (DT_RPATH, DT_RUNPATH), the way ldd would find
 * them, without running anything.
 */
#ifndef MKROOT_ELF_H
#define MKROOT_ELF_H

#include <stddef.h>

struct elf_info {
	int elf_class;		/* 1: 32-bit, 2: 64-bit */
	unsigned int machine;	/* e_machine */
	char *interp;		/* NULL when static */
	char **needed;
	size_t n_needed;
	char *rpath, *runpath;	/* NULL when absent */
};

struct strlist {
	char **v;
	size_t n;
};

/* Pure: parse an ELF file image.  Returns 0, or -1 with a reason in err. */
int elf_parse(const unsigned char *data, size_t size, struct elf_info *info,
	      char *err, size_t errlen);
void elf_info_free(struct elf_info *info);

/*
 * Resolve a program's interpreter and libraries recursively.  out gets the
 * program itself first, then every file it needs (absolute host paths),
 * each once.  extra: directories searched before the system's.  Returns 0,
 * or -1 with the reason in err.
 */
int elf_resolve(const char *program, const struct strlist *extra,
		struct strlist *out, char *err, size_t errlen);

void strlist_add(struct strlist *l, const char *s);
int strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif /* MKROOT_ELF_H */

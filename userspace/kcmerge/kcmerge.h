/* kcmerge.h - the model shared by kcmerge's modules: the loaded Kconfig
 * tree (the target kernel's own implementation, lkc.h) and the requests. */
#ifndef KCMERGE_H
#define KCMERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "lkc.h"
#include "fragment.h"

/* lkc's for_all_symbols and for_all_properties, spelled out here so that
 * checkers without the kernel's headers (cppcheck) can read our loops. */
#define kc_for_each_symbol(i, sym) \
	for ((i) = 0; (i) < SYMBOL_HASHSIZE; (i)++) \
		for ((sym) = symbol_hash[(i)]; (sym); (sym) = (sym)->next)
#define kc_for_each_prop(sym, prop, ptype) \
	for ((prop) = (sym)->prop; (prop); (prop) = (prop)->next) \
		if ((prop)->type == (ptype))

/* Exit codes (kcmerge.1, --help). */
enum {
	EXIT_OK = 0,
	EXIT_DROPPED = 1,	/* a requested value did not land (--strict, check, --resolve) */
	EXIT_INPUT = 2,		/* bad fragment, unknown symbol, wrong type, conflict */
	EXIT_USAGE = 3,
	EXIT_TREE = 4,		/* incompatible or unreadable tree, I/O error */
};

/* A growable string. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* tree.c: environment as kbuild sets it, parsing, bases, writing. */
int tree_load(const char *ksrc, const char *arch, const char *scratch);
int tree_load_kconfig(const char *kconfig);
int tree_base(const char *base, const char *scratch, char *out, size_t outlen);
int tree_merge(const char *base_config, const struct request_list *reqs,
	       const char *scratch);
void tree_recalc(void);
int quiet_conf_read(const char *path, const char *scratch);
const char *tree_version(void);

/* Values of a symbol, as .config spells them. */
const char *sym_value_str(struct symbol *sym);
bool request_landed(struct symbol *sym, const struct request *r);
tristate request_tri(const struct request *r);

/* suggest.c: the defined symbol closest to an unknown name. */
const char *suggest_symbol(const char *name);

/* explain.c */
typedef const struct request *(*request_lookup_fn)(const char *name);
void explain_set_lookup(request_lookup_fn fn);
/* One line: why sym is not at the requested value (no trailing newline). */
void explain_drop(struct symbol *sym, const char *want, bool quoted, struct buf *out);
/* expression with current values, as menuconfig prints it */
void expr_with_values(struct expr *e, struct buf *out);
void explain_why(struct symbol *sym, struct buf *out);
struct property *sym_prompt(struct symbol *sym);
struct symbol *choice_of(struct symbol *sym);

/* resolve.c: raise what the failed requests need; prints every change. */
int resolve_requests(const struct request_list *reqs, struct buf *why);

#endif

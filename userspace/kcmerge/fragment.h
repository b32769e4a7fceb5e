/* fragment.h - reading Kconfig fragments into requests (pure: text in,
 * requests out; no Kconfig tree needed). */
#ifndef KCMERGE_FRAGMENT_H
#define KCMERGE_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One requested value: `CONFIG_NAME=value` or `# CONFIG_NAME is not set`. */
struct request {
	char *name;		/* without the CONFIG_ prefix */
	char *value;		/* y, m, n, a number, or the unescaped string */
	bool quoted;		/* the value was a "quoted string" */
	char *text;		/* as written: CONFIG_X=y, CONFIG_X=n, CONFIG_X="s" */
	const char *file;	/* the fragment's name as given */
	int line;
	bool builtin;		/* preceded by `# kcmerge: builtin` */
};

struct request_list {
	struct request *req;
	size_t n, cap;
};

enum line_kind { LINE_NONE, LINE_REQUEST, LINE_BUILTIN, LINE_ERROR };

/* Classify one line (without its newline).  LINE_REQUEST fills *out (name,
 * value, quoted, text; the caller sets file and line); LINE_ERROR writes
 * the reason to err. */
enum line_kind fragment_parse_line(const char *line, struct request *out,
				   char *err, size_t errlen);

/* Append every request of the fragment read from `in` (named `file`).
 * Returns 0, or -1 with "file:line: reason" in err. */
int fragment_read(struct request_list *list, const char *file, FILE *in,
		  char *err, size_t errlen);

/* Index of the request that wins for each symbol: the last one. */
const struct request *request_find(const struct request_list *list, const char *name);

/* Two requests for one symbol with different values: returns 1 with
 * "a:1: CONFIG_X=y conflicts with b:2: CONFIG_X=n" in err. */
int request_conflicts(const struct request_list *list, char *err, size_t errlen);

void request_list_free(struct request_list *list);

#endif

/* noderange.c - cluster node ranges, the way admins write them for pdsh,
 * xCAT and Slurm: "node[01-16]", "node[1,3,5-7]", "rack[1-2]-n[1-4]",
 * "login,node[1-4]".  Pure: a string in, a list of names out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodepower.h"

#define NUM_DIGITS_MAX 9

size_t np_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void np_names_free(struct np_names *l)
{
	free(l->v);
	free(l->index);
	memset(l, 0, sizeof(*l));
}

/* FNV-1a: a few thousand short names, no adversary worth more. */
static size_t hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

long np_names_find(const struct np_names *l, const char *name)
{
	if (!l->nindex)
		return -1;
	for (size_t i = hash(name) & (l->nindex - 1);; i = (i + 1) & (l->nindex - 1)) {
		size_t slot = l->index[i];

		if (slot == 0)
			return -1;
		if (strcmp(l->v[slot - 1], name) == 0)
			return (long)(slot - 1);
	}
}

/* Keep the index at most half full (its size a power of two). */
static int reindex(struct np_names *l, size_t want)
{
	size_t n = 64, *idx;

	while (n < want * 2)
		n *= 2;
	if (n <= l->nindex)
		return 0;
	idx = calloc(n, sizeof(*idx));
	if (!idx)
		return -1;
	for (size_t k = 0; k < l->n; k++) {
		size_t i = hash(l->v[k]) & (n - 1);

		while (idx[i])
			i = (i + 1) & (n - 1);
		idx[i] = k + 1;
	}
	free(l->index);
	l->index = idx;
	l->nindex = n;
	return 0;
}

int np_names_add(struct np_names *l, const char *name)
{
	if (np_names_find(l, name) >= 0)
		return 0;
	if (l->n >= NP_MAX_NODES)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char(*v)[NP_NAME_MAX] = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (reindex(l, l->n + 1) < 0)
		return -1;
	np_strlcpy(l->v[l->n], name, NP_NAME_MAX);
	size_t i = hash(name) & (l->nindex - 1);
	while (l->index[i])
		i = (i + 1) & (l->nindex - 1);
	l->index[i] = ++l->n;
	return 0;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_' || c == '.';
}

/* A decimal number of at most NUM_DIGITS_MAX digits at S[0..LEN). */
static int parse_num(const char *s, size_t len, unsigned long *val)
{
	unsigned long v = 0;

	if (len == 0 || len > NUM_DIGITS_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*val = v;
	return 0;
}

struct expander {
	const char *expr; /* the whole expression, for messages */
	struct np_names *out;
	char *err;
	size_t errlen;
};

static int fail(struct expander *x, const char *what)
{
	snprintf(x->err, x->errlen, "node range '%.80s': %s", x->expr, what);
	return -1;
}

/* Expand ITEM[0..LEN) (no top-level commas) after the already expanded
 * PREFIX (PLEN characters). */
static int expand_item(struct expander *x, char *prefix, size_t plen, const char *item, size_t len)
{
	size_t open = 0;

	while (open < len && item[open] != '[') {
		if (!name_char(item[open]))
			return fail(x, item[open] == ']' ? "']' without '['" : "a name may hold only A-Z a-z 0-9 . _ -");
		open++;
	}
	if (plen + open >= NP_NAME_MAX)
		return fail(x, "a name is longer than 63 characters");
	memcpy(prefix + plen, item, open);
	plen += open;
	prefix[plen] = '\0';
	if (open == len) {
		if (plen == 0)
			return fail(x, "empty name");
		if (np_names_add(x->out, prefix) < 0)
			return fail(x, "more than 4096 names");
		return 0;
	}

	size_t close = open + 1;
	while (close < len && item[close] != ']') {
		if (item[close] == '[')
			return fail(x, "'[' inside a range");
		close++;
	}
	if (close == len)
		return fail(x, "'[' without ']'");
	if (close == open + 1)
		return fail(x, "empty range '[]'");

	/* The terms of the range: N or N-M, separated by commas. */
	const char *p = item + open + 1, *end = item + close;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *tend = comma ? comma : end;
		const char *dash = memchr(p, '-', (size_t)(tend - p));
		size_t lo_len = (size_t)((dash ? dash : tend) - p);
		unsigned long lo, hi;

		if (parse_num(p, lo_len, &lo) < 0)
			return fail(x, "a range term must be N or N-M (numbers of at most 9 digits)");
		hi = lo;
		if (dash && parse_num(dash + 1, (size_t)(tend - dash - 1), &hi) < 0)
			return fail(x, "a range term must be N or N-M (numbers of at most 9 digits)");
		if (hi < lo)
			return fail(x, "a range must not run backwards");
		if (hi - lo >= NP_MAX_NODES)
			return fail(x, "more than 4096 names");
		/* Leading zeros set the width: node[01-16] is node01..node16. */
		int width = (lo_len > 1 && p[0] == '0') ? (int)lo_len : 0;
		for (unsigned long v = lo; v <= hi; v++) {
			char num[16];
			int n = snprintf(num, sizeof(num), "%0*lu", width, v);

			if (plen + (size_t)n >= NP_NAME_MAX)
				return fail(x, "a name is longer than 63 characters");
			memcpy(prefix + plen, num, (size_t)n + 1);
			if (expand_item(x, prefix, plen + (size_t)n, item + close + 1, len - close - 1) < 0)
				return -1;
		}
		if (!comma)
			break;
		p = comma + 1;
		if (p == end)
			return fail(x, "a range term must be N or N-M (numbers of at most 9 digits)");
	}
	prefix[plen] = '\0';
	return 0;
}

int np_range_expand(const char *expr, struct np_names *out, char *err, size_t errlen)
{
	struct expander x = { expr, out, err, errlen };
	char prefix[NP_NAME_MAX];
	size_t len = strlen(expr), start = 0;
	int depth = 0;

	if (len == 0)
		return fail(&x, "empty");
	/* Split on the commas outside brackets. */
	for (size_t i = 0; i <= len; i++) {
		if (i < len && expr[i] == '[')
			depth++;
		else if (i < len && expr[i] == ']')
			depth--;
		if (i < len && (expr[i] != ',' || depth > 0))
			continue;
		if (i == start)
			return fail(&x, "empty name between commas");
		prefix[0] = '\0';
		if (expand_item(&x, prefix, 0, expr + start, i - start) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

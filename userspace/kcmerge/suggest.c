/* suggest.c - the defined symbol whose name is closest to an unknown one. */
#include "kcmerge.h"

#include <stdlib.h>
#include <string.h>

/* Levenshtein distance, giving up once every cell exceeds limit. */
static size_t distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best = 0, *row, r;

	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	row = malloc((lb + 1) * sizeof(*row));
	if (!row)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit) {
			free(row);
			return limit + 1;
		}
	}
	r = row[lb];
	free(row);
	return r;
}

const char *suggest_symbol(const char *name)
{
	struct symbol *sym;
	const char *best = NULL;
	size_t best_d = strlen(name) / 2 + 2, d;
	int i;

	kc_for_each_symbol(i, sym) {
		if (!sym->name || sym->type == S_UNKNOWN || (sym->flags & SYMBOL_CONST))
			continue;
		d = distance(name, sym->name, best_d);
		if (d < best_d || (d == best_d && best && strcmp(sym->name, best) < 0)) {
			best_d = d;
			best = sym->name;
		}
	}
	return best;
}

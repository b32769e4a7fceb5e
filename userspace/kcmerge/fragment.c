/* fragment.c - Kconfig fragment syntax, as conf_read() accepts it. */
#include "fragment.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "CONFIG_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)
#define BUILTIN_MARK "# kcmerge: builtin"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d) {
		perror("kcmerge");
		exit(4);
	}
	return d;
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* A quoted string with \" and \\ escapes, nothing after the closing quote. */
static int unquote(const char *s, char **out)
{
	size_t n = strlen(s), i, j = 0;
	char *d;

	if (n < 2 || s[0] != '"')
		return -1;
	d = xstrndup(s, n);
	for (i = 1; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
			d[j++] = s[++i];
		} else if (s[i] == '"') {
			if (i != n - 1)
				break;
			d[j] = '\0';
			*out = d;
			return 0;
		} else {
			d[j++] = s[i];
		}
	}
	free(d);
	return -1;
}

static bool plain_value_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '-' && *v != '_')
			return false;
	return true;
}

enum line_kind fragment_parse_line(const char *raw, struct request *out,
				   char *err, size_t errlen)
{
	char *line = xstrndup(raw, strlen(raw));
	const char *p = line;
	enum line_kind kind = LINE_NONE;
	size_t nl;

	rstrip(line);
	while (*p == ' ' || *p == '\t')
		p++;
	memset(out, 0, sizeof(*out));
	if (*p == '\0')
		goto done;
	if (*p == '#') {
		const char *q = p + 1;

		if (!strcmp(p, BUILTIN_MARK)) {
			kind = LINE_BUILTIN;
			goto done;
		}
		if (!strncmp(p, "# kcmerge:", 10)) {
			seterr(err, errlen, "unknown annotation '%s' (known: '%s')", p, BUILTIN_MARK);
			kind = LINE_ERROR;
			goto done;
		}
		/* Exactly "# CONFIG_X is not set", as conf_read() reads it. */
		if (*q == ' ' && !strncmp(q + 1, PREFIX, PREFIX_LEN)) {
			q += 1 + PREFIX_LEN;
			nl = name_len(q);
			if (nl && !strcmp(q + nl, " is not set")) {
				out->name = xstrndup(q, nl);
				out->value = xstrndup("n", 1);
				if (asprintf(&out->text, PREFIX "%s=n", out->name) < 0)
					exit(4);
				kind = LINE_REQUEST;
			}
		}
		goto done;
	}
	if (strncmp(p, PREFIX, PREFIX_LEN)) {
		seterr(err, errlen, "malformed line '%s' (want CONFIG_NAME=value or # CONFIG_NAME is not set)", p);
		kind = LINE_ERROR;
		goto done;
	}
	nl = name_len(p + PREFIX_LEN);
	if (!nl || p[PREFIX_LEN + nl] != '=') {
		seterr(err, errlen, "malformed line '%s' (want CONFIG_NAME=value)", p);
		kind = LINE_ERROR;
		goto done;
	}
	out->name = xstrndup(p + PREFIX_LEN, nl);
	{
		const char *v = p + PREFIX_LEN + nl + 1;

		if (*v == '"') {
			if (unquote(v, &out->value)) {
				seterr(err, errlen, "malformed string in '%s'", p);
				kind = LINE_ERROR;
				goto done;
			}
			out->quoted = true;
		} else if (plain_value_ok(v)) {
			out->value = xstrndup(v, strlen(v));
		} else {
			seterr(err, errlen, "malformed value in '%s'", p);
			kind = LINE_ERROR;
			goto done;
		}
		out->text = xstrndup(p, strlen(p));
	}
	kind = LINE_REQUEST;
done:
	if (kind != LINE_REQUEST) {
		free(out->name);
		free(out->value);
		free(out->text);
		memset(out, 0, sizeof(*out));
	}
	free(line);
	return kind;
}

int fragment_read(struct request_list *list, const char *file, FILE *in,
		  char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, builtin_line = 0;
	char why[512];

	while (getline(&line, &cap, in) >= 0) {
		struct request r;

		lineno++;
		switch (fragment_parse_line(line, &r, why, sizeof(why))) {
		case LINE_NONE:
			continue;
		case LINE_ERROR:
			seterr(err, errlen, "%s:%d: %s", file, lineno, why);
			free(line);
			return -1;
		case LINE_BUILTIN:
			builtin_line = lineno;
			continue;
		case LINE_REQUEST:
			break;
		}
		r.file = file;
		r.line = lineno;
		if (builtin_line) {
			if (strcmp(r.value, "y")) {
				seterr(err, errlen, "%s:%d: %s is marked '" BUILTIN_MARK "' (line %d) but is not =y",
				       file, lineno, r.text, builtin_line);
				free(r.name);
				free(r.value);
				free(r.text);
				free(line);
				return -1;
			}
			r.builtin = true;
			builtin_line = 0;
		}
		if (list->n == list->cap) {
			list->cap = list->cap ? 2 * list->cap : 64;
			list->req = realloc(list->req, list->cap * sizeof(*list->req));
			if (!list->req) {
				perror("kcmerge");
				exit(4);
			}
		}
		list->req[list->n++] = r;
	}
	free(line);
	if (builtin_line) {
		seterr(err, errlen, "%s:%d: '" BUILTIN_MARK "' is not followed by a CONFIG_ line", file, builtin_line);
		return -1;
	}
	return 0;
}

const struct request *request_find(const struct request_list *list, const char *name)
{
	size_t i;

	for (i = list->n; i-- > 0;)
		if (!strcmp(list->req[i].name, name))
			return &list->req[i];
	return NULL;
}

int request_conflicts(const struct request_list *list, char *err, size_t errlen)
{
	size_t i, j;

	/* Fragments are small (hundreds of lines): quadratic is fine. */
	for (j = 1; j < list->n; j++) {
		const struct request *b = &list->req[j];

		for (i = j; i-- > 0;) {
			const struct request *a = &list->req[i];

			if (strcmp(a->name, b->name))
				continue;
			if (strcmp(a->value, b->value) || a->quoted != b->quoted) {
				seterr(err, errlen, "%s:%d: %s conflicts with %s:%d: %s",
				       b->file, b->line, b->text, a->file, a->line, a->text);
				return 1;
			}
			break;
		}
	}
	return 0;
}

void request_list_free(struct request_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		free(list->req[i].name);
		free(list->req[i].value);
		free(list->req[i].text);
	}
	free(list->req);
	list->req = NULL;
	list->n = list->cap = 0;
}

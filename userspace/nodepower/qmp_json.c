/* qmp_json.c - just enough JSON for QMP replies: the first key of the top
 * object, a string value or a member of an object value; everything else
 * is skipped after being checked for shape.  Pure: bytes in, struct out. */
#include <string.h>

#include "qmp_json.h"

#define DEPTH_MAX 32

struct cur {
	const char *p, *end;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

/* A string at c->p; its text (non-ASCII as '?') truncated into OUT. */
static int string(struct cur *c, char *out, size_t size)
{
	size_t o = 0;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if ((unsigned char)ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (c->p >= c->end)
				return -1;
			switch (*c->p++) {
			case '"': ch = '"'; break;
			case '\\': ch = '\\'; break;
			case '/': ch = '/'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u': {
				int v = 0;

				if (c->end - c->p < 4)
					return -1;
				for (int i = 0; i < 4; i++) {
					int h = hexval(c->p[i]);

					if (h < 0)
						return -1;
					v = v * 16 + h;
				}
				c->p += 4;
				ch = (v >= 0x20 && v < 0x7f) ? (char)v : '?';
				break;
			}
			default:
				return -1;
			}
		} else if ((unsigned char)ch >= 0x80) {
			ch = '?';
		}
		if (out && o + 1 < size)
			out[o++] = ch;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	if (out && size)
		out[o] = '\0';
	return 0;
}

static int value(struct cur *c, int depth);

/* An object or array body after its opening bracket. */
static int container(struct cur *c, int depth, char close)
{
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		ws(c);
		if (close == '}') {
			if (string(c, NULL, 0) < 0)
				return -1;
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return -1;
		}
		if (value(c, depth + 1) < 0)
			return -1;
		ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
	}
}

static int literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int number(struct cur *c)
{
	const char *start = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' || *c->p == 'e' || *c->p == 'E' ||
				 *c->p == '+' || *c->p == '-'))
		c->p++;
	return c->p > start && (start[0] != '-' || c->p > start + 1) ? 0 : -1;
}

static int value(struct cur *c, int depth)
{
	if (depth > DEPTH_MAX)
		return -1;
	ws(c);
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '{': c->p++; return container(c, depth, '}');
	case '[': c->p++; return container(c, depth, ']');
	case '"': return string(c, NULL, 0);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

/* The members of an object value (at '{'): copy the string value of KEY
 * into OUT, skip the rest. */
static int object_member(struct cur *c, int depth, const char *key, char *out, size_t size)
{
	char k[64];

	if (c->p >= c->end || *c->p != '{')
		return value(c, depth);
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		ws(c);
		if (string(c, k, sizeof(k)) < 0)
			return -1;
		ws(c);
		if (c->p >= c->end || *c->p++ != ':')
			return -1;
		ws(c);
		if (strcmp(k, key) == 0 && c->p < c->end && *c->p == '"') {
			if (string(c, out, size) < 0)
				return -1;
		} else if (value(c, depth + 1) < 0) {
			return -1;
		}
		ws(c);
		if (c->p >= c->end)
			return -1;
		if (*c->p == '}') {
			c->p++;
			return 0;
		}
		if (*c->p++ != ',')
			return -1;
	}
}

int qmp_parse_line(const char *line, size_t len, struct qmp_reply *out)
{
	struct cur c = { line, line + len };
	int kinds = 0;

	memset(out, 0, sizeof(*out));
	ws(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return -1;
	/* Members in any order: QEMU sends {"timestamp": ..., "event": ...}.
	 * Exactly one of QMP, return, error, event says what it is. */
	for (;;) {
		char key[16];
		int rc;

		ws(&c);
		if (string(&c, key, sizeof(key)) < 0)
			return -1;
		ws(&c);
		if (c.p >= c.end || *c.p++ != ':')
			return -1;
		ws(&c);
		if (strcmp(key, "QMP") == 0) {
			out->kind = QMP_GREETING;
			kinds++;
			rc = value(&c, 1);
		} else if (strcmp(key, "return") == 0) {
			out->kind = QMP_RETURN;
			kinds++;
			if (c.p < c.end && *c.p == '"')
				rc = string(&c, out->text, sizeof(out->text));
			else
				rc = object_member(&c, 1, "status", out->status, sizeof(out->status));
		} else if (strcmp(key, "error") == 0) {
			out->kind = QMP_ERROR;
			kinds++;
			rc = object_member(&c, 1, "desc", out->text, sizeof(out->text));
		} else if (strcmp(key, "event") == 0) {
			out->kind = QMP_EVENT;
			kinds++;
			rc = value(&c, 1);
		} else {
			rc = value(&c, 1); /* "timestamp", "data", "id", ... */
		}
		if (rc < 0)
			return -1;
		ws(&c);
		if (c.p < c.end && *c.p == ',') {
			c.p++;
			continue;
		}
		break;
	}
	if (c.p >= c.end || *c.p++ != '}' || kinds != 1)
		return -1;
	ws(&c);
	return c.p == c.end ? 0 : -1;
}

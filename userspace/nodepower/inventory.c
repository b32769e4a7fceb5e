/* inventory.c - the node inventory: which controller powers each node.
 *
 *   # NODES       BACKEND  ADDRESS              [KEY=VALUE ...]
 *   node[01-08]   ipmi     10.0.1.[101-108]     credentials=rack1
 *   vm[1-4]       qmp      /run/vms/%h.qmp
 *
 * ADDRESS holds at most one range, expanded in step with NODES (it must
 * name as many values), or %h (the node's name).  Keys: port=, cipher=,
 * workaround= (FreeIPMI's names), credentials= (a name in the credentials
 * file; default "default").  Pure: text in, struct out. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodepower.h"

#define LINE_MAX_LEN 1024
#define TOKENS_MAX 16
#define SUN_PATH_MAX 108 /* sizeof(sockaddr_un.sun_path) on Linux */

void np_inventory_free(struct np_inventory *inv)
{
	free(inv->nodes);
	inv->nodes = NULL;
	inv->n = inv->cap = 0;
	np_names_free(&inv->names);
}

const struct np_node *np_inventory_find(const struct np_inventory *inv, const char *name)
{
	long i = np_names_find(&inv->names, name);

	return i < 0 ? NULL : &inv->nodes[i];
}

struct parser {
	const char *file;
	int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int perr(struct parser *p, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, what);
	return -1;
}

/* FreeIPMI's workaround names (ipmipower -W) and flags
 * (IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_*; ipmi.c checks they agree). */
static const struct {
	const char *name;
	unsigned flag;
} workarounds[] = {
	{ "authcap", 0x01 },	  { "intel20", 0x02 },		   { "supermicro20", 0x04 },
	{ "sun20", 0x08 },	  { "opensesspriv", 0x10 },	   { "integritycheckvalue", 0x20 },
	{ "nochecksumcheck", 0x40 },
};

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_workarounds(struct parser *p, const char *list, unsigned *flags)
{
	char buf[LINE_MAX_LEN];

	np_strlcpy(buf, list, sizeof(buf));
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(workarounds) / sizeof(workarounds[0]); i++)
			if (strcmp(w, workarounds[i].name) == 0)
				break;
		if (i == sizeof(workarounds) / sizeof(workarounds[0]))
			return perr(p, "unknown workaround '%.40s' (authcap, intel20, supermicro20, sun20, "
				       "opensesspriv, integritycheckvalue, nochecksumcheck)", w);
		*flags |= workarounds[i].flag;
	}
	return 0;
}

static int parse_key(struct parser *p, struct np_node *tmpl, const char *kv)
{
	const char *eq = strchr(kv, '=');
	const char *val = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	int qmp = tmpl->backend == NP_BACKEND_QMP;

	if (!eq || !*val)
		return perr(p, "'%.60s' is not KEY=VALUE", kv);
	if (klen == 4 && strncmp(kv, "port", 4) == 0) {
		if (qmp)
			return perr(p, "%s: the qmp backend has no port (its address is a socket path)", "port=");
		if (parse_uint(val, 65535, &tmpl->port) < 0 || tmpl->port == 0)
			return perr(p, "port must be 1..65535, not '%.20s'", val);
	} else if (klen == 6 && strncmp(kv, "cipher", 6) == 0) {
		if (qmp)
			return perr(p, "%s is for the ipmi backend", "cipher=");
		if (parse_uint(val, 17, &tmpl->cipher) < 0)
			return perr(p, "cipher must be an IPMI cipher suite 0..17, not '%.20s'", val);
	} else if (klen == 10 && strncmp(kv, "workaround", 10) == 0) {
		if (qmp)
			return perr(p, "%s is for the ipmi backend", "workaround=");
		return parse_workarounds(p, val, &tmpl->workarounds);
	} else if (klen == 11 && strncmp(kv, "credentials", 11) == 0) {
		struct np_names one = { 0 };
		char e[160];
		int bad = np_range_expand(val, &one, e, sizeof(e)) < 0 || one.n != 1 || strcmp(one.v[0], val);

		np_names_free(&one);
		if (bad)
			return perr(p, "credentials= takes one name of A-Z a-z 0-9 . _ -, not '%.40s'", val);
		np_strlcpy(tmpl->cred, val, sizeof(tmpl->cred));
	} else {
		return perr(p, "unknown key '%.*s' (port, cipher, workaround, credentials)", (int)(klen > 40 ? 40 : klen),
			    kv);
	}
	return 0;
}

/* The per-node addresses of ADDR: its one range expanded (must give N
 * values), or ADDR itself for every node.  %h is replaced later. */
static int expand_address(struct parser *p, const char *addr, size_t n, struct np_names *vals, size_t *pre_len,
			  const char **suffix)
{
	const char *open = strchr(addr, '['), *close = open ? strchr(open, ']') : NULL;
	char expr[LINE_MAX_LEN + 2], e[160];

	*pre_len = strlen(addr);
	*suffix = "";
	if (!open) {
		if (n > 1 && !strstr(addr, "%h"))
			return perr(p, "one address '%.60s' for several nodes: give it a range or %%h", addr);
		return 0;
	}
	if (!close || strchr(close + 1, '['))
		return perr(p, "address '%.60s': one range of the form [N-M] at most", addr);
	/* "x[...]" through the node-range expander gives the numbers. */
	snprintf(expr, sizeof(expr), "x%.*s", (int)(close - open + 1), open);
	if (np_range_expand(expr, vals, e, sizeof(e)) < 0)
		return perr(p, "address range: %s", strchr(e, ':') ? strchr(e, ':') + 2 : e);
	if (vals->n != n) {
		char what[160];

		snprintf(what, sizeof(what), "address '%.60s' gives %zu addresses for %zu nodes", addr, vals->n, n);
		return perr(p, "%s", what);
	}
	*pre_len = (size_t)(open - addr);
	*suffix = close + 1;
	return 0;
}

/* DST = ADDR with %h replaced by NAME ("%%" is a "%"). */
static int substitute(struct parser *p, char *dst, size_t size, const char *addr, const char *name)
{
	size_t o = 0;

	for (const char *s = addr; *s; s++) {
		const char *piece = s;
		size_t plen = 1;

		if (*s == '%') {
			if (s[1] == 'h')
				piece = name, plen = strlen(name);
			else if (s[1] != '%')
				return perr(p, "address '%.60s': only %%h and %%%% may follow a %%", addr);
			s++;
		}
		if (o + plen >= size)
			return perr(p, "address '%.60s' is too long", addr);
		memcpy(dst + o, piece, plen);
		o += plen;
	}
	dst[o] = '\0';
	return 0;
}

static int add_nodes(struct parser *p, struct np_inventory *inv, char **tok, int ntok)
{
	struct np_node tmpl = { .cipher = 3, .cred = "default", .line = p->line };
	struct np_names names = { 0 }, vals = { 0 };
	const char *suffix;
	size_t pre_len;
	char e[160];
	int rc = -1;

	if (ntok < 3)
		return perr(p, "want NODES BACKEND ADDRESS [KEY=VALUE ...], not %.40s",
			    ntok == 1 ? "one word" : "two words");
	if (strcmp(tok[1], "ipmi") == 0)
		tmpl.backend = NP_BACKEND_IPMI;
	else if (strcmp(tok[1], "qmp") == 0)
		tmpl.backend = NP_BACKEND_QMP;
	else if (strcmp(tok[1], "redfish") == 0)
		return perr(p, "backend '%s' is not implemented yet (ipmi, qmp)", tok[1]);
	else
		return perr(p, "unknown backend '%.40s' (ipmi, qmp)", tok[1]);
	for (int i = 3; i < ntok; i++)
		if (parse_key(p, &tmpl, tok[i]) < 0)
			return -1;
	if (np_range_expand(tok[0], &names, e, sizeof(e)) < 0) {
		perr(p, "%s", e);
		goto out;
	}
	if (expand_address(p, tok[2], names.n, &vals, &pre_len, &suffix) < 0)
		goto out;
	for (size_t i = 0; i < names.n; i++) {
		const struct np_node *dup = np_inventory_find(inv, names.v[i]);
		char raw[NP_ADDR_MAX * 2];
		struct np_node *nd;

		if (dup) {
			char what[120];

			snprintf(what, sizeof(what), "node %s is defined already (line %d)", names.v[i], dup->line);
			perr(p, "%s", what);
			goto out;
		}
		if (inv->n >= NP_MAX_NODES) {
			perr(p, "more than %s nodes", "4096");
			goto out;
		}
		if (inv->n == inv->cap) {
			size_t cap = inv->cap ? inv->cap * 2 : 16;
			struct np_node *v = realloc(inv->nodes, cap * sizeof(*v));

			if (!v) {
				perr(p, "%s", "out of memory");
				goto out;
			}
			inv->nodes = v;
			inv->cap = cap;
		}
		snprintf(raw, sizeof(raw), "%.*s%s%s", (int)pre_len, tok[2], vals.n ? vals.v[i] + 1 : "", suffix);
		nd = &inv->nodes[inv->n];
		*nd = tmpl;
		np_strlcpy(nd->name, names.v[i], sizeof(nd->name));
		if (substitute(p, nd->addr, sizeof(nd->addr), raw, nd->name) < 0)
			goto out;
		if (tmpl.backend == NP_BACKEND_QMP && (nd->addr[0] != '/' || strlen(nd->addr) >= SUN_PATH_MAX)) {
			perr(p, "qmp address '%.60s' must be an absolute socket path of at most 107 bytes", nd->addr);
			goto out;
		}
		if (np_names_add(&inv->names, nd->name) < 0) {
			perr(p, "%s", "out of memory");
			goto out;
		}
		inv->n++;
	}
	rc = 0;
out:
	np_names_free(&names);
	np_names_free(&vals);
	return rc;
}

int np_inventory_parse(const char *text, size_t len, const char *file, struct np_inventory *inv, char *err,
		       size_t errlen)
{
	struct parser p = { file, 0, err, errlen };
	size_t pos = 0;

	while (pos < len) {
		char line[LINE_MAX_LEN + 1], *tok[TOKENS_MAX];
		size_t end = pos, n;
		int ntok = 0;

		while (end < len && text[end] != '\n')
			end++;
		p.line++;
		n = end - pos;
		if (n > LINE_MAX_LEN)
			return perr(&p, "line longer than %s bytes", "1024");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		if (memchr(line, '\0', n))
			return perr(&p, "%s", "NUL byte in the line");
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
			if (ntok == TOKENS_MAX)
				return perr(&p, "more than %s words", "16");
			tok[ntok++] = t;
		}
		if (ntok && add_nodes(&p, inv, tok, ntok) < 0)
			return -1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - the config file, plus /etc/ethers and hosts-format files.
 *
 * Format: one "key value" per line, '#' starts a comment.  "subnet CIDR"
 * and "host NAME" open a block that "end" closes; boot keys (boot-file,
 * root-path, next-server, ipxe-boot-file, ipxe-chain-file, arch-boot-file,
 * option) work at
 * top level (defaults), in a subnet and in a host.  Everything is checked
 * before the config is returned: a caller gets all of it or an error.
 */
#define _GNU_SOURCE
#include "config.h"
#include "client_arch.h"
#include "rfc2132.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

struct parser {
	struct config *c;
	const char *file;
	int line;
	char *err;
	size_t errlen;
	struct cfg_subnet *subnet;	/* open block, if any */
	struct cfg_host *host;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);

	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int copy_str(struct parser *p, char *dst, size_t size, const char *key, const char *v)
{
	if (!*v)
		return fail(p, "'%s' needs a value", key);
	if (strlen(v) >= size)
		return fail(p, "'%s' value longer than %zu bytes", key, size - 1);
	strcpy(dst, v);
	return 0;
}

static int parse_ip4(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = a.s_addr;
	return 0;
}

static int parse_bool(struct parser *p, const char *key, const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return fail(p, "'%s' wants yes or no, not '%s'", key, v);
	return 0;
}

static int parse_u32(struct parser *p, const char *key, const char *v,
		     unsigned long min, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || !isdigit((unsigned char)*v) || n < min || n > max)
		return fail(p, "'%s' wants a number in %lu..%lu, not '%s'", key, min, max, v);
	*out = (uint32_t)n;
	return 0;
}

/* "52:54:00:12:34:56" or with '-'; single hex digits allowed (ethers(5)). */
int config_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		char *end;
		unsigned long v;

		if (!isxdigit((unsigned char)*s))
			return -1;
		v = strtoul(s, &end, 16);
		if (v > 255 || end - s > 2)
			return -1;
		mac[i] = (uint8_t)v;
		s = end;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

static struct cfg_boot *boot_of(struct parser *p)
{
	if (p->host)
		return &p->host->boot;
	if (p->subnet)
		return &p->subnet->boot;
	return &p->c->global;
}

static int add_option(struct parser *p, struct cfg_options *o, const char *v)
{
	char name[64], why[160];
	const char *sp = strpbrk(v, " \t");
	const struct dhcp_opt_def *d;
	struct cfg_option *n;
	int len;

	if (!sp || (size_t)(sp - v) >= sizeof(name))
		return fail(p, "'option' wants NAME VALUE");
	memcpy(name, v, (size_t)(sp - v));
	name[sp - v] = 0;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	d = dhcp_opt_by_name(name);
	if (!d)
		return fail(p, "unknown DHCP option '%s'", name);
	if (d->code == DHO_MSG_TYPE || d->code == DHO_OVERLOAD || d->code == DHO_SERVER_ID ||
	    d->code == DHO_LEASE_TIME || d->code == DHO_CLIENT_ID)
		return fail(p, "option '%s' is set by the server, not the config", name);
	n = realloc(o->v, (o->n + 1) * sizeof(*n));
	if (!n)
		return fail(p, "out of memory");
	o->v = n;
	n = &o->v[o->n];
	len = dhcp_opt_parse_value(d, sp, n->data, sizeof(n->data), why, sizeof(why));
	if (len < 0)
		return fail(p, "%s", why);
	n->code = d->code;
	n->len = (uint16_t)len;
	o->n++;
	return 0;
}

/* Keys that set boot parameters, valid at every level. */
static int boot_key(struct parser *p, const char *k, const char *v)
{
	struct cfg_boot *b = boot_of(p);

	if (!strcmp(k, "boot-file"))
		return copy_str(p, b->boot_file, sizeof(b->boot_file), k, v);
	if (!strcmp(k, "root-path"))
		return copy_str(p, b->root_path, sizeof(b->root_path), k, v);
	if (!strcmp(k, "ipxe-boot-file"))
		return copy_str(p, b->ipxe_file, sizeof(b->ipxe_file), k, v);
	if (!strcmp(k, "ipxe-chain-file"))
		return copy_str(p, b->ipxe_chain_file, sizeof(b->ipxe_chain_file), k, v);
	if (!strcmp(k, "next-server")) {
		if (parse_ip4(v, &b->next_server) < 0)
			return fail(p, "next-server: '%s' is not an IPv4 address", v);
		return 0;
	}
	if (!strcmp(k, "option"))
		return add_option(p, &b->opts, v);
	if (!strcmp(k, "arch-boot-file")) {
		char file[128], name[32];
		uint16_t arch;
		int used;

		if (sscanf(v, "%31s %127s%n", name, file, &used) != 2 || v[used] ||
		    client_arch_parse(name, &arch) < 0)
			return fail(p, "arch-boot-file wants ARCH FILE (ARCH: an option 93 value, or x86-bios, "
				    "x86-uefi, x86-64-uefi, arm32-uefi, arm64-uefi, arm32-uboot, arm64-uboot)");
		if (b->narch == CFG_MAX_ARCH)
			return fail(p, "more than %d arch-boot-file lines", CFG_MAX_ARCH);
		b->arch[b->narch].arch = arch;
		strcpy(b->arch[b->narch].file, file);
		b->narch++;
		return 0;
	}
	return 1;	/* not a boot key */
}

static int open_subnet(struct parser *p, const char *v)
{
	char net[32];
	unsigned bits;
	int used;
	struct cfg_subnet *s;
	uint32_t ip;

	if (sscanf(v, "%31[0-9.]/%u%n", net, &bits, &used) != 2 || v[used] ||
	    bits > 32 || parse_ip4(net, &ip) < 0)
		return fail(p, "subnet wants ADDRESS/PREFIX, not '%s'", v);
	s = realloc(p->c->subnets, (p->c->nsubnets + 1) * sizeof(*s));
	if (!s)
		return fail(p, "out of memory");
	p->c->subnets = s;
	s = &s[p->c->nsubnets++];
	memset(s, 0, sizeof(*s));
	s->mask = bits ? htonl(~0u << (32 - bits)) : 0;
	s->net = ip & s->mask;
	if (s->net != ip)
		return fail(p, "subnet %s has host bits set", v);
	s->lease_time = 3600;
	s->line = p->line;
	p->subnet = s;
	return 0;
}

static int open_host(struct parser *p, const char *v)
{
	struct cfg_host *h;

	if (!*v || strlen(v) >= CFG_NAME_MAX || strpbrk(v, " \t"))
		return fail(p, "host wants one NAME");
	for (size_t i = 0; i < p->c->nhosts; i++)
		if (!strcmp(p->c->hosts_v[i].name, v))
			return fail(p, "host '%s' defined twice", v);
	h = realloc(p->c->hosts_v, (p->c->nhosts + 1) * sizeof(*h));
	if (!h)
		return fail(p, "out of memory");
	p->c->hosts_v = h;
	h = &h[p->c->nhosts++];
	memset(h, 0, sizeof(*h));
	strcpy(h->name, v);
	p->host = h;
	return 0;
}

static int subnet_key(struct parser *p, const char *k, const char *v)
{
	struct cfg_subnet *s = p->subnet;

	if (!strcmp(k, "pool")) {
		char a[32], b[32];
		uint32_t lo, hi;
		int used;

		if (sscanf(v, "%31s %31s%n", a, b, &used) != 2 || v[used] ||
		    parse_ip4(a, &lo) < 0 || parse_ip4(b, &hi) < 0)
			return fail(p, "pool wants FIRST LAST addresses");
		if ((lo & s->mask) != s->net || (hi & s->mask) != s->net)
			return fail(p, "pool %s is outside its subnet", v);
		if (ntohl(lo) > ntohl(hi))
			return fail(p, "pool %s: first address after last", v);
		if (s->pool_start)
			return fail(p, "one pool per subnet");
		s->pool_start = ntohl(lo);
		s->pool_end = ntohl(hi);
		return 0;
	}
	if (!strcmp(k, "lease-time"))
		return parse_u32(p, k, v, 10, 0x7fffffff, &s->lease_time);
	return fail(p, "unknown key '%s' in subnet block", k);
}

static int host_key(struct parser *p, const char *k, const char *v)
{
	struct cfg_host *h = p->host;

	if (!strcmp(k, "mac")) {
		if (config_parse_mac(v, h->mac) < 0)
			return fail(p, "mac: '%s' is not a MAC address", v);
		h->has_mac = 1;
		return 0;
	}
	if (!strcmp(k, "address")) {
		if (parse_ip4(v, &h->ip) < 0)
			return fail(p, "address: '%s' is not an IPv4 address", v);
		return 0;
	}
	return fail(p, "unknown key '%s' in host block", k);
}

static int global_key(struct parser *p, const char *k, const char *v)
{
	struct config *c = p->c;

	if (!strcmp(k, "interface")) {
		if (c->nifaces == CFG_MAX_IFACES)
			return fail(p, "more than %d interfaces", CFG_MAX_IFACES);
		return copy_str(p, c->ifaces[c->nifaces++], sizeof(c->ifaces[0]), k, v);
	}
	if (!strcmp(k, "user"))
		return copy_str(p, c->user, sizeof(c->user), k, v);
	if (!strcmp(k, "chroot"))
		return copy_str(p, c->chroot_dir, sizeof(c->chroot_dir), k, v);
	if (!strcmp(k, "lease-file"))
		return copy_str(p, c->lease_file, sizeof(c->lease_file), k, v);
	if (!strcmp(k, "ethers"))
		return copy_str(p, c->ethers, sizeof(c->ethers), k, v);
	if (!strcmp(k, "hosts"))
		return copy_str(p, c->hosts, sizeof(c->hosts), k, v);
	if (!strcmp(k, "lease-sync")) {
		if (!strcmp(v, "always"))
			c->lease_sync = SYNC_ALWAYS;
		else if (!strcmp(v, "batch"))
			c->lease_sync = SYNC_BATCH;
		else if (!strcmp(v, "none"))
			c->lease_sync = SYNC_NONE;
		else
			return fail(p, "lease-sync wants always, batch or none");
		return 0;
	}
	if (!strcmp(k, "dhcp"))
		return parse_bool(p, k, v, &c->dhcp);
	if (!strcmp(k, "bootp"))
		return parse_bool(p, k, v, &c->bootp);
	if (!strcmp(k, "rarp"))
		return parse_bool(p, k, v, &c->rarp);
	if (!strcmp(k, "bootp-dynamic"))
		return parse_bool(p, k, v, &c->bootp_dynamic);
	if (!strcmp(k, "authoritative"))
		return parse_bool(p, k, v, &c->authoritative);
	if (!strcmp(k, "option-overload"))
		return parse_bool(p, k, v, &c->option_overload);
	if (!strcmp(k, "decline-time"))
		return parse_u32(p, k, v, 0, 0x7fffffff, &c->decline_time);
	if (!strcmp(k, "offer-time"))
		return parse_u32(p, k, v, 1, 3600, &c->offer_time);
	if (!strcmp(k, "ipxe-chain-timeout"))
		return parse_u32(p, k, v, 5, 3600, &c->ipxe_chain_timeout);
	if (!strcmp(k, "dhcp-port")) {
		uint32_t port;

		if (parse_u32(p, k, v, 1, 65535, &port) < 0)
			return -1;
		c->dhcp_port = (uint16_t)port;
		return 0;
	}
	if (!strcmp(k, "log-level")) {
		if (!strcmp(v, "debug"))
			c->log_level = LOG_DEBUG;
		else if (!strcmp(v, "info"))
			c->log_level = LOG_INFO;
		else if (!strcmp(v, "warning"))
			c->log_level = LOG_WARNING;
		else
			return fail(p, "log-level wants debug, info or warning");
		return 0;
	}
	if (!strncmp(k, "load-balance-", 13)) {
		char why[200];

		if (rfc3074_config_set(&c->lb, k, v, why, sizeof(why)) < 0)
			return fail(p, "%s", why);
		return 0;
	}
	if (!strncmp(k, "tftp-", 5) && c->tftp_hooks) {
		char why[200];

		if (c->tftp_hooks->set(c->tftp, k, v, why, sizeof(why)) < 0)
			return fail(p, "%s", why);
		return 0;
	}
	return fail(p, "unknown option '%s'", k);
}

static int parse_line(struct parser *p, char *line)
{
	char *k = line, *v, *hash;
	int r;

	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	while (isspace((unsigned char)*k))
		k++;
	v = k + strlen(k);
	while (v > k && isspace((unsigned char)v[-1]))
		*--v = 0;
	if (!*k)
		return 0;
	v = k;
	while (*v && !isspace((unsigned char)*v))
		v++;
	if (*v) {
		*v++ = 0;
		while (isspace((unsigned char)*v))
			v++;
	}
	if (!strcmp(k, "end")) {
		if (!p->subnet && !p->host)
			return fail(p, "'end' without an open block");
		p->subnet = NULL;
		p->host = NULL;
		return 0;
	}
	if (!strcmp(k, "subnet") || !strcmp(k, "host")) {
		if (p->subnet || p->host)
			return fail(p, "'%s' inside a block (missing 'end'?)", k);
		return k[0] == 's' ? open_subnet(p, v) : open_host(p, v);
	}
	r = boot_key(p, k, v);
	if (r <= 0)
		return r;
	if (p->subnet)
		return subnet_key(p, k, v);
	if (p->host)
		return host_key(p, k, v);
	return global_key(p, k, v);
}

/* Calls fn on every line of path; stops at the first error. */
static int each_line(struct parser *p, const char *path,
		     int (*fn)(struct parser *, char *))
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	p->file = path;
	p->line = 0;
	if (!f) {
		snprintf(p->err, p->errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		p->line++;
		r = fn(p, line);
		if (r < 0)
			break;
	}
	free(line);
	fclose(f);
	return r;
}

/* ---- /etc/ethers and hosts ---- */

static struct cfg_host *host_named(struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (!strcasecmp(c->hosts_v[i].name, name))
			return &c->hosts_v[i];
	return NULL;
}

static int ethers_line(struct parser *p, char *line)
{
	char mac_s[64], who[CFG_NAME_MAX + 1], *hash = strchr(line, '#');
	uint8_t mac[6];
	struct cfg_host *h;
	uint32_t ip = 0;
	int n;

	if (hash)
		*hash = 0;
	n = sscanf(line, "%63s %64s", mac_s, who);
	if (n <= 0)
		return 0;
	if (n != 2 || config_parse_mac(mac_s, mac) < 0)
		return fail(p, "want 'MAC NAME-OR-ADDRESS'");
	if (strlen(who) >= CFG_NAME_MAX)
		return fail(p, "name longer than %d bytes", CFG_NAME_MAX - 1);
	if (config_host_by_mac(p->c, mac))
		return fail(p, "MAC %s listed twice", mac_s);
	if (parse_ip4(who, &ip) == 0) {
		h = NULL;
	} else {
		h = host_named(p->c, who);
		if (h && h->has_mac)
			return 0;	/* the config's own mac line wins */
	}
	if (!h) {
		struct cfg_host *v = realloc(p->c->hosts_v, (p->c->nhosts + 1) * sizeof(*v));

		if (!v)
			return fail(p, "out of memory");
		p->c->hosts_v = v;
		h = &v[p->c->nhosts++];
		memset(h, 0, sizeof(*h));
		if (!ip)
			strcpy(h->name, who);
		h->ip = ip;
	}
	memcpy(h->mac, mac, 6);
	h->has_mac = 1;
	return 0;
}

static int hosts_line(struct parser *p, char *line)
{
	char *save = NULL, *hash = strchr(line, '#'), *tok;
	uint32_t ip;

	if (hash)
		*hash = 0;
	tok = strtok_r(line, " \t\r\n", &save);
	if (!tok)
		return 0;
	if (parse_ip4(tok, &ip) < 0)
		return 0;	/* IPv6 and junk: not ours to judge */
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		struct cfg_host *h = host_named(p->c, tok);

		if (h && !h->ip)
			h->ip = ip;
		/* A host known only by address takes its name from here. */
		for (size_t i = 0; i < p->c->nhosts; i++)
			if (p->c->hosts_v[i].ip == ip && !p->c->hosts_v[i].name[0] &&
			    strlen(tok) < CFG_NAME_MAX)
				strcpy(p->c->hosts_v[i].name, tok);
	}
	return 0;
}

static int check_hosts(struct parser *p)
{
	struct config *c = p->c;

	p->file = c->path;
	p->line = 0;
	for (size_t i = 0; i < c->nhosts; i++) {
		struct cfg_host *h = &c->hosts_v[i];

		if (!h->has_mac)
			return fail(p, "host '%s' has no MAC (neither 'mac' nor an ethers line)", h->name);
		for (size_t j = 0; j < i; j++)
			if (h->ip && c->hosts_v[j].ip == h->ip) {
				char a[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &h->ip, a, sizeof(a));
				return fail(p, "hosts '%s' and '%s' both have address %s",
					    c->hosts_v[j].name, h->name, a);
			}
	}
	for (size_t i = 0; i < c->nsubnets; i++)
		for (size_t j = 0; j < i; j++)
			if ((c->subnets[i].net & c->subnets[j].mask) == c->subnets[j].net ||
			    (c->subnets[j].net & c->subnets[i].mask) == c->subnets[i].net) {
				p->line = c->subnets[i].line;
				return fail(p, "subnet overlaps the one on line %d", c->subnets[j].line);
			}
	return 0;
}

/* ipxe-chain-file replaces an iPXE by another that asks again: unless
 * a script is there for the second one, it would load the chain file
 * again, for ever. */
static int check_chain_level(struct parser *p, const char *chain, const char *script,
			     const char *where)
{
	if (!chain[0])
		return 0;
	if (!script[0])
		return fail(p, "%s: ipxe-chain-file %s without an ipxe-boot-file (the script the "
			    "chained iPXE must get, or it loads %s again)", where, chain, chain);
	if (!strcmp(script, chain))
		return fail(p, "%s: ipxe-chain-file and ipxe-boot-file are both %s", where, script);
	return 0;
}

static const char *first_set(const char *a, const char *b)
{
	return a[0] ? a : b;
}

/* Every scope a chain file reaches needs a script: a subnet its own or
 * the global one; a host also one of a subnet's (it may be in any). */
static int check_chain(struct parser *p)
{
	struct config *c = p->c;
	char where[CFG_NAME_MAX + 16];

	p->file = c->path;
	for (size_t i = 0; i < c->nsubnets; i++) {
		const struct cfg_boot *b = &c->subnets[i].boot;

		p->line = c->subnets[i].line;
		if (check_chain_level(p, first_set(b->ipxe_chain_file, c->global.ipxe_chain_file),
				      first_set(b->ipxe_file, c->global.ipxe_file), "subnet") < 0)
			return -1;
	}
	p->line = 0;
	for (size_t i = 0; i < c->nhosts; i++) {
		const struct cfg_host *h = &c->hosts_v[i];
		const char *script = first_set(h->boot.ipxe_file, c->global.ipxe_file);

		for (size_t j = 0; !script[0] && j < c->nsubnets; j++)
			script = c->subnets[j].boot.ipxe_file;
		snprintf(where, sizeof(where), "host %s", h->name);
		if (check_chain_level(p, h->boot.ipxe_chain_file, script, where) < 0)
			return -1;
	}
	return 0;
}

struct config *config_load(const char *path, const struct cfg_tftp_hooks *hooks,
			   char *err, size_t errlen)
{
	struct config *c = calloc(1, sizeof(*c));
	struct parser p = { .c = c, .err = err, .errlen = errlen };

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->lease_file, sizeof(c->lease_file), "/var/lib/netbootd/leases");
	c->lease_sync = SYNC_BATCH;
	c->dhcp = c->bootp = c->rarp = 1;
	c->authoritative = 1;
	c->option_overload = 1;
	c->decline_time = 600;
	c->offer_time = 30;
	c->ipxe_chain_timeout = 120;
	c->log_level = LOG_INFO;
	c->dhcp_port = 67;
	rfc3074_config_init(&c->lb);
	c->tftp_hooks = hooks;
	if (hooks) {
		c->tftp = hooks->alloc();
		if (!c->tftp) {
			snprintf(err, errlen, "out of memory");
			free(c);
			return NULL;
		}
	}
	if (each_line(&p, path, parse_line) < 0)
		goto bad;
	if (p.subnet || p.host) {
		fail(&p, "block still open at end of file (missing 'end')");
		goto bad;
	}
	if (c->ethers[0] && each_line(&p, c->ethers, ethers_line) < 0)
		goto bad;
	if (c->hosts[0] && each_line(&p, c->hosts, hosts_line) < 0)
		goto bad;
	if (check_hosts(&p) < 0)
		goto bad;
	if (check_chain(&p) < 0)
		goto bad;
	return c;
bad:
	config_free(c);
	return NULL;
}

static void boot_free(struct cfg_boot *b)
{
	free(b->opts.v);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsubnets; i++)
		boot_free(&c->subnets[i].boot);
	for (size_t i = 0; i < c->nhosts; i++)
		boot_free(&c->hosts_v[i].boot);
	boot_free(&c->global);
	if (c->tftp && c->tftp_hooks)
		c->tftp_hooks->release(c->tftp);
	free(c->subnets);
	free(c->hosts_v);
	free(c);
}

const struct cfg_host *config_host_by_mac(const struct config *c, const uint8_t mac[6])
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (c->hosts_v[i].has_mac && !memcmp(c->hosts_v[i].mac, mac, 6))
			return &c->hosts_v[i];
	return NULL;
}

const struct cfg_host *config_host_by_ip(const struct config *c, uint32_t ip)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (c->hosts_v[i].ip == ip)
			return &c->hosts_v[i];
	return NULL;
}

const struct cfg_subnet *config_subnet_of(const struct config *c, uint32_t ip)
{
	for (size_t i = 0; i < c->nsubnets; i++)
		if ((ip & c->subnets[i].mask) == c->subnets[i].net)
			return &c->subnets[i];
	return NULL;
}

int config_expand(const char *t, uint32_t ip, const char *host, const uint8_t mac[6],
		  char *out, size_t outlen)
{
	size_t o = 0;

	for (; *t; t++) {
		char buf[INET_ADDRSTRLEN + 32];
		const char *s = buf;

		if (*t != '%' || !t[1]) {
			buf[0] = *t;
			buf[1] = 0;
		} else {
			switch (*++t) {
			case 'i':
				inet_ntop(AF_INET, &ip, buf, sizeof(buf));
				break;
			case 'h':
				/* The kernel's default: no name means the dotted address. */
				if (host && *host)
					s = host;
				else
					inet_ntop(AF_INET, &ip, buf, sizeof(buf));
				break;
			case 'm':
				snprintf(buf, sizeof(buf), "%02x-%02x-%02x-%02x-%02x-%02x",
					 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
				break;
			default:
				buf[0] = *t;
				buf[1] = 0;
			}
		}
		if (o + strlen(s) >= outlen)
			return -1;
		memcpy(out + o, s, strlen(s));
		o += strlen(s);
	}
	out[o] = 0;
	return 0;
}

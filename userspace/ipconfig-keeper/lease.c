// SPDX-License-Identifier: GPL-2.0
/*
 * lease.c - read the lease the kernel published in /proc/net/ipconfig/lease.
 */
#define _GNU_SOURCE
#include "lease.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > 0xffffffffULL)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int lease_parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	if (!strcmp(s, "none"))
		return 0;
	for (;;) {
		int hi = hexval((unsigned char)s[0]), lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);

		if (hi < 0 || lo < 0 || n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (!*s)
			return (int)n;
		if (*s++ != ':')
			return -1;
	}
}

int lease_set(struct keeper_lease *l, const char *key, const char *value, char *err,
	      size_t errlen)
{
	uint32_t v;
	struct in_addr a;
	int n;

	if (!strcmp(key, "device")) {
		if (!*value || strlen(value) >= sizeof(l->dev) || strchr(value, '/'))
			goto bad;
		snprintf(l->dev, sizeof(l->dev), "%s", value);
		l->have |= LF_DEVICE;
	} else if (!strcmp(key, "address") || !strcmp(key, "server-id")) {
		if (inet_pton(AF_INET, value, &a) != 1 || !a.s_addr || a.s_addr == INADDR_BROADCAST)
			goto bad;
		if (key[0] == 'a') {
			l->addr = a.s_addr;
			l->have |= LF_ADDRESS;
		} else {
			l->server_id = a.s_addr;
			l->have |= LF_SERVER;
		}
	} else if (!strcmp(key, "lease-time") || !strcmp(key, "t1") || !strcmp(key, "t2")) {
		if (parse_u32(value, &v) < 0)
			goto bad;
		if (key[0] == 'l') {
			if (!v)
				goto bad;
			l->lease_time = v;
			l->have |= LF_LEASE;
		} else if (key[1] == '1') {
			l->t1 = v;
			l->have |= LF_T1;
		} else {
			l->t2 = v;
			l->have |= LF_T2;
		}
	} else if (!strcmp(key, "obtained")) {
		if (parse_u32(value, &v) < 0)
			goto bad;
		l->obtained = v;
		l->have |= LF_OBTAINED;
	} else if (!strcmp(key, "client-id")) {
		n = lease_parse_hex(value, l->client_id, sizeof(l->client_id));
		/* RFC 2132 9.14: at least two bytes (type and identifier). */
		if (n < 0 || n == 1)
			goto bad;
		l->client_id_len = (size_t)n;
		l->have |= LF_CLIENT_ID;
	} else {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad %s '%s'", key, value);
	return -1;
}

int lease_parse(const char *text, struct keeper_lease *l, char *err, size_t errlen)
{
	static const char *const known[] = { "device", "address", "server-id", "lease-time",
					     "t1", "t2", "obtained", "client-id" };
	char line[1024], msg[160];
	int lineno = 0;

	memset(l, 0, sizeof(*l));
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *key, *value, *sp;
		size_t i;

		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "line %d: longer than %zu bytes", lineno, sizeof(line) - 1);
			return -1;
		}
		memcpy(line, text, n);
		line[n] = 0;
		text += n + (text[n] == '\n');
		if (!line[0])
			continue;
		key = line;
		sp = strchr(line, ' ');
		if (!sp || !sp[1]) {
			snprintf(err, errlen, "line %d: not 'key value': '%.60s'", lineno, line);
			return -1;
		}
		*sp = 0;
		value = sp + 1;
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp(key, known[i]))
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			continue;	/* a newer kernel's key */
		if (lease_set(l, key, value, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "line %d: %s", lineno, msg);
			return -1;
		}
	}
	return 0;
}

void lease_complete_times(uint32_t lease, uint32_t *t1, uint32_t *t2)
{
	if (lease == LEASE_INFINITE) {
		*t1 = LEASE_INFINITE;
		*t2 = LEASE_INFINITE;
		return;
	}
	if (!*t2 || *t2 > lease)
		*t2 = (uint32_t)((uint64_t)lease * 7 / 8);
	if (!*t1 || *t1 > *t2)
		*t1 = lease / 2 < *t2 ? lease / 2 : *t2;
}

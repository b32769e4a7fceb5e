// SPDX-License-Identifier: GPL-2.0
/*
 * tftp_config.c - the tftp-* keys of netbootd.conf.  Each value is checked
 * here, so a typo fails at load time with the key named, not at the first
 * request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "tftp.h"
#include "tftp_proto.h"

void tftp_config_init(struct tftp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 69;
	c->blksize_max = TFTP_BLKSIZE_MAX;
	c->mtu_cap = 1;
	c->window_max = 64;
	c->timeout_ms = 1000;
	c->timeout_min_ms = 100;
	c->retries = 5;
	c->upload_max = 64ull << 20;
}

struct tftp_config *tftp_config_alloc(void)
{
	struct tftp_config *c = malloc(sizeof(*c));

	if (c)
		tftp_config_init(c);
	return c;
}

void tftp_config_release(struct tftp_config *c)
{
	free(c);
}

static int parse_num(const char *v, unsigned long long lo, unsigned long long hi,
		     unsigned long long *out)
{
	char *end;
	unsigned long long n;

	if (!*v || *v == '-')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int set_str(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);

	if (n >= cap)
		return -1;
	memcpy(dst, v, n + 1);
	return 0;
}

int tftp_config_set(struct tftp_config *c, const char *key, const char *value,
		    char *err, size_t errlen)
{
	unsigned long long n;
	const char *why = NULL;
	struct in_addr a;

	if (!strcmp(key, "tftp-root")) {
		if (value[0] != '/' || set_str(c->root, sizeof(c->root), value))
			why = "must be an absolute path shorter than 256 bytes";
	} else if (!strcmp(key, "tftp-listen")) {
		if (inet_pton(AF_INET, value, &a) != 1 || set_str(c->listen, sizeof(c->listen), value))
			why = "must be an IPv4 address";
	} else if (!strcmp(key, "tftp-port")) {
		if (parse_num(value, 1, 65535, &n))
			why = "must be 1-65535";
		else
			c->port = (uint16_t)n;
	} else if (!strcmp(key, "tftp-blksize-max")) {
		if (parse_num(value, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, &n))
			why = "must be 8-65464 (RFC 2348)";
		else
			c->blksize_max = (unsigned)n;
	} else if (!strcmp(key, "tftp-mtu-cap")) {
		if (parse_bool(value, &c->mtu_cap))
			why = "must be yes or no";
	} else if (!strcmp(key, "tftp-shared-port")) {
		if (parse_bool(value, &c->shared_port))
			why = "must be yes or no";
	} else if (!strcmp(key, "tftp-windowsize-max")) {
		if (parse_num(value, 1, TFTP_WINDOW_MAX, &n))
			why = "must be 1-65535 (RFC 7440)";
		else
			c->window_max = (unsigned)n;
	} else if (!strcmp(key, "tftp-timeout-ms")) {
		if (parse_num(value, 10, 255000, &n))
			why = "must be 10-255000";
		else
			c->timeout_ms = (unsigned)n;
	} else if (!strcmp(key, "tftp-timeout-min-ms")) {
		if (parse_num(value, 1, 255000, &n))
			why = "must be 1-255000";
		else
			c->timeout_min_ms = (unsigned)n;
	} else if (!strcmp(key, "tftp-retries")) {
		if (parse_num(value, 1, 100, &n))
			why = "must be 1-100";
		else
			c->retries = (unsigned)n;
	} else if (!strcmp(key, "tftp-max-transfers")) {
		if (parse_num(value, 0, 1000000, &n))
			why = "must be 0 (no limit) to 1000000";
		else
			c->max_transfers = (unsigned)n;
	} else if (!strcmp(key, "tftp-client-dir")) {
		if (value[0] == '/' || strstr(value, "..") || set_str(c->client_dir, sizeof(c->client_dir), value))
			why = "must be a relative path inside tftp-root, without '..'";
	} else if (!strcmp(key, "tftp-upload-dir")) {
		if (value[0] != '/' || set_str(c->upload_dir, sizeof(c->upload_dir), value))
			why = "must be an absolute path shorter than 256 bytes";
	} else if (!strcmp(key, "tftp-upload-overwrite")) {
		if (parse_bool(value, &c->upload_overwrite))
			why = "must be yes or no";
	} else if (!strcmp(key, "tftp-upload-max-size")) {
		if (parse_num(value, 1, 1ull << 40, &n))
			why = "must be 1 to 2^40 bytes";
		else
			c->upload_max = n;
	} else {
		snprintf(err, errlen, "unknown option '%s'", key);
		return -1;
	}
	if (why) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -1;
	}
	return 0;
}

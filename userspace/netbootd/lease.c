// SPDX-License-Identifier: GPL-2.0
/*
 * lease.c - lease store and its journal.
 *
 * Journal lines (one record each, newest wins):
 *   bound 192.0.2.100 expires=1764062000 mac=52:54:00:12:34:56 id=01:52:54:00:12:34:56 host=node1
 *   free 192.0.2.100
 *   declined 192.0.2.100 until=1764062000
 * A line is only complete with its newline: a torn last line from a crash
 * is skipped on replay, which is safe because its lease was never
 * acknowledged (the reply is sent only after write() returned).
 */
#define _GNU_SOURCE
#include "lease.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CURSORS 64

struct lease_store {
	char path[CFG_PATH_MAX];
	int fd;
	enum lease_sync sync;
	int dirty;			/* written since the last fdatasync */
	size_t records;			/* lines in the journal */
	size_t count;			/* leases in memory */
	size_t nbuckets;		/* power of two */
	struct lease **by_ip, **by_key;
	struct {
		uint32_t first, next;
	} cursor[MAX_CURSORS];
	int ncursors;
};

static uint32_t hash_ip(uint32_t ip)
{
	return ip * 2654435761u;
}

static uint32_t hash_key(const uint8_t *k, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static void unlink_key(struct lease_store *s, struct lease *l)
{
	struct lease **pp = &s->by_key[hash_key(l->key, l->keylen) & (s->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next_key)
		if (*pp == l) {
			*pp = l->next_key;
			return;
		}
}

static void link_key(struct lease_store *s, struct lease *l)
{
	size_t b = hash_key(l->key, l->keylen) & (s->nbuckets - 1);

	l->next_key = s->by_key[b];
	s->by_key[b] = l;
}

static int grow(struct lease_store *s)
{
	size_t n = s->nbuckets ? s->nbuckets * 2 : 1024;
	struct lease **ip = calloc(n, sizeof(*ip)), **key = calloc(n, sizeof(*key));

	if (!ip || !key) {
		free(ip);
		free(key);
		return -1;
	}
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct lease *l = s->by_ip[i], *nx; l; l = nx) {
			size_t b = hash_ip(l->ip) & (n - 1);

			nx = l->next_ip;
			l->next_ip = ip[b];
			ip[b] = l;
			b = hash_key(l->key, l->keylen) & (n - 1);
			l->next_key = key[b];
			key[b] = l;
		}
	free(s->by_ip);
	free(s->by_key);
	s->by_ip = ip;
	s->by_key = key;
	s->nbuckets = n;
	return 0;
}

struct lease *lease_by_ip(struct lease_store *s, uint32_t ip)
{
	for (struct lease *l = s->by_ip[hash_ip(ip) & (s->nbuckets - 1)]; l; l = l->next_ip)
		if (l->ip == ip)
			return l;
	return NULL;
}

struct lease *lease_by_key(struct lease_store *s, const uint8_t *key, size_t keylen)
{
	struct lease *l = s->by_key[hash_key(key, keylen) & (s->nbuckets - 1)];

	for (; l; l = l->next_key)
		if (l->keylen == keylen && !memcmp(l->key, key, keylen))
			return l;
	return NULL;
}

int lease_active(const struct lease *l, int64_t now)
{
	return l && l->state != LEASE_FREE && l->expires > now;
}

size_t lease_key(const uint8_t *cid, size_t cidlen, uint8_t htype,
		 const uint8_t *chaddr, size_t hlen, uint8_t key[LEASE_KEY_MAX])
{
	if (cid && cidlen) {
		/* Longer ids are cut: they still identify a client in practice. */
		size_t n = cidlen < LEASE_KEY_MAX ? cidlen : LEASE_KEY_MAX;

		memcpy(key, cid, n);
		return n;
	}
	if (hlen > 16)
		hlen = 16;
	key[0] = htype;
	memcpy(key + 1, chaddr, hlen);
	return 1 + hlen;
}

/* The lease for ip, created FREE if absent; its key is (re)set. */
static struct lease *lease_get(struct lease_store *s, uint32_t ip, const uint8_t *key,
			       size_t keylen)
{
	struct lease *l = lease_by_ip(s, ip), *other;

	if (keylen > LEASE_KEY_MAX)
		keylen = LEASE_KEY_MAX;
	/* One address per client: a client moving address frees its old one. */
	other = keylen ? lease_by_key(s, key, keylen) : NULL;
	if (other && other != l) {
		unlink_key(s, other);
		other->keylen = 0;
		other->state = LEASE_FREE;
		link_key(s, other);
	}
	if (!l) {
		if (s->count >= s->nbuckets && grow(s) < 0)
			return NULL;
		l = calloc(1, sizeof(*l));
		if (!l)
			return NULL;
		l->ip = ip;
		l->next_ip = s->by_ip[hash_ip(ip) & (s->nbuckets - 1)];
		s->by_ip[hash_ip(ip) & (s->nbuckets - 1)] = l;
		link_key(s, l);
		s->count++;
	}
	unlink_key(s, l);
	l->keylen = (uint8_t)keylen;
	memcpy(l->key, key, keylen);
	link_key(s, l);
	return l;
}

/* ---- journal ---- */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static size_t hex(char *out, size_t outlen, const uint8_t *b, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 3 < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%02x", i ? ":" : "", b[i]);
	if (!n && outlen)
		out[0] = 0;
	return o;
}

/* The text of one record for l (its state picks the kind). */
static int format_record(const struct lease *l, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN], mac[20], id[LEASE_KEY_MAX * 3 + 1], host[64];
	uint32_t nip = htonl(l->ip);
	size_t i;

	inet_ntop(AF_INET, &nip, ip, sizeof(ip));
	switch (l->state) {
	case LEASE_BOUND:
		hex(mac, sizeof(mac), l->mac, 6);
		hex(id, sizeof(id), l->key, l->keylen);
		/* Host names come from clients: keep the file one token each. */
		for (i = 0; i < sizeof(host) - 1 && l->host[i]; i++) {
			char ch = l->host[i];

			host[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ? ch : '_';
		}
		host[i] = 0;
		return snprintf(buf, len, "bound %s expires=%" PRId64 " mac=%s id=%s host=%s\n",
				ip, l->expires, mac, id, host[0] ? host : "-");
	case LEASE_DECLINED:
		return snprintf(buf, len, "declined %s until=%" PRId64 "\n", ip, l->expires);
	default:
		return snprintf(buf, len, "free %s\n", ip);
	}
}

static int append(struct lease_store *s, const struct lease *l)
{
	char buf[512];
	int n = format_record(l, buf, sizeof(buf));

	if (n < 0 || (size_t)n >= sizeof(buf) || write_all(s->fd, buf, (size_t)n) < 0) {
		log_msg(LOG_ERR, "%s: write: %s", s->path, strerror(errno));
		return -1;
	}
	s->records++;
	s->dirty = 1;
	if (s->sync == SYNC_ALWAYS)
		return lease_sync(s);
	return 0;
}

static int parse_hex(const char *t, uint8_t *out, size_t max, size_t *n)
{
	*n = 0;
	if (!strcmp(t, ""))
		return 0;
	for (;;) {
		unsigned v;
		int used;

		if (*n == max || sscanf(t, "%2x%n", &v, &used) != 1 || used != 2)
			return -1;
		out[(*n)++] = (uint8_t)v;
		t += 2;
		if (!*t)
			return 0;
		if (*t++ != ':')
			return -1;
	}
}

static int replay_line(struct lease_store *s, char *line)
{
	char kind[16], ip_s[32], mac_s[32], id_s[LEASE_KEY_MAX * 3 + 2], host[64];
	struct in_addr a;
	int64_t t;
	struct lease *l;
	uint8_t mac[6], key[LEASE_KEY_MAX];
	size_t n, keylen;
	int used = 0;

	if (sscanf(line, "%15s %31s", kind, ip_s) != 2 || inet_pton(AF_INET, ip_s, &a) != 1)
		return -1;
	if (!strcmp(kind, "free")) {
		l = lease_by_ip(s, ntohl(a.s_addr));
		if (l)
			l->state = LEASE_FREE;
		return 0;
	}
	if (!strcmp(kind, "declined")) {
		if (sscanf(line, "%*s %*s until=%" SCNd64 "%n", &t, &used) != 1 || line[used] != '\n')
			return -1;
		l = lease_get(s, ntohl(a.s_addr), (const uint8_t *)"", 0);
		if (!l)
			return -1;
		l->state = LEASE_DECLINED;
		l->expires = t;
		return 0;
	}
	if (strcmp(kind, "bound") ||
	    sscanf(line, "%*s %*s expires=%" SCNd64 " mac=%31s id=%193s host=%63s%n",
		   &t, mac_s, id_s, host, &used) != 4 || line[used] != '\n' ||
	    parse_hex(mac_s, mac, 6, &n) < 0 || n != 6 ||
	    parse_hex(id_s, key, sizeof(key), &keylen) < 0 || !keylen)
		return -1;
	l = lease_get(s, ntohl(a.s_addr), key, keylen);
	if (!l)
		return -1;
	l->state = LEASE_BOUND;
	l->expires = t;
	memcpy(l->mac, mac, 6);
	snprintf(l->host, sizeof(l->host), "%s", strcmp(host, "-") ? host : "");
	return 0;
}

static int replay(struct lease_store *s)
{
	FILE *f = fopen(s->path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, bad = 0;

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[len - 1] != '\n') {
			log_msg(LOG_WARNING, "%s:%d: torn last record (crash while writing?), ignored",
				s->path, lineno);
			break;
		}
		if (replay_line(s, line) < 0 && bad++ < 10)
			log_msg(LOG_WARNING, "%s:%d: unreadable record, ignored", s->path, lineno);
	}
	if (bad > 10)
		log_msg(LOG_WARNING, "%s: %d unreadable records in all", s->path, bad);
	free(line);
	fclose(f);
	return 0;
}

static int fsync_dir(const char *path)
{
	char dir[CFG_PATH_MAX];
	char *slash;
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Writes the live set to path.tmp, syncs it, renames it over the journal,
 * and continues appending to the new file. */
static int compact(struct lease_store *s, int64_t now)
{
	char tmp[CFG_PATH_MAX + 8];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# netbootd leases: one record per line, newest wins\n");
	s->records = 0;
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct lease *l = s->by_ip[i]; l; l = l->next_ip) {
			char buf[512];

			if ((l->state == LEASE_BOUND || l->state == LEASE_DECLINED) && l->expires > now &&
			    format_record(l, buf, sizeof(buf)) > 0) {
				fputs(buf, f);
				s->records++;
			}
		}
	if (fflush(f) != 0 || fdatasync(fileno(f)) < 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, s->path) < 0)
		return -1;
	fsync_dir(s->path);
	fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->dirty = 0;
	return 0;
}

struct lease_store *lease_open(const char *path, enum lease_sync sync, int64_t now,
			       char *err, size_t errlen)
{
	struct lease_store *s = calloc(1, sizeof(*s));

	if (!s || grow(s) < 0) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->sync = sync;
	s->fd = -1;
	if (replay(s) < 0 || compact(s, now) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		lease_close(s);
		return NULL;
	}
	return s;
}

void lease_close(struct lease_store *s)
{
	if (!s)
		return;
	if (s->fd >= 0) {
		if (s->dirty && s->sync != SYNC_NONE)
			fdatasync(s->fd);
		close(s->fd);
	}
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct lease *l = s->by_ip[i], *nx; l; l = nx) {
			nx = l->next_ip;
			free(l);
		}
	free(s->by_ip);
	free(s->by_key);
	free(s);
}

void lease_set_sync(struct lease_store *s, enum lease_sync sync)
{
	s->sync = sync;
}

int lease_sync(struct lease_store *s)
{
	if (!s->dirty)
		return 0;
	if (s->sync != SYNC_NONE && fdatasync(s->fd) < 0) {
		log_msg(LOG_ERR, "%s: fdatasync: %s", s->path, strerror(errno));
		return -1;
	}
	s->dirty = 0;
	/* Compact when dead records outnumber live ones well. */
	if (s->records > 4 * s->count + 4096 && compact(s, (int64_t)time(NULL)) < 0)
		log_msg(LOG_ERR, "%s: compaction failed: %s (journal kept)", s->path, strerror(errno));
	return 0;
}

struct lease *lease_offer(struct lease_store *s, uint32_t ip, const uint8_t *key,
			  size_t keylen, const uint8_t mac[6], int64_t expires)
{
	struct lease *l = lease_get(s, ip, key, keylen);

	if (!l)
		return NULL;
	/* A bound lease offered again (the same client) stays bound. */
	if (l->state != LEASE_BOUND || l->expires < expires) {
		if (l->state != LEASE_BOUND)
			l->state = LEASE_OFFERED;
		if (l->expires < expires)
			l->expires = expires;
	}
	memcpy(l->mac, mac, 6);
	return l;
}

int lease_bind(struct lease_store *s, uint32_t ip, const uint8_t *key, size_t keylen,
	       const uint8_t mac[6], int64_t expires, const char *host)
{
	struct lease *l = lease_get(s, ip, key, keylen);

	if (!l)
		return -1;
	l->state = LEASE_BOUND;
	l->expires = expires;
	memcpy(l->mac, mac, 6);
	snprintf(l->host, sizeof(l->host), "%s", host ? host : "");
	return append(s, l);
}

int lease_release(struct lease_store *s, uint32_t ip)
{
	struct lease *l = lease_by_ip(s, ip);

	if (!l || l->state == LEASE_FREE)
		return 0;
	if (l->state == LEASE_OFFERED) {
		l->state = LEASE_FREE;	/* offers were never journaled */
		return 0;
	}
	l->state = LEASE_FREE;
	return append(s, l);
}

int lease_decline(struct lease_store *s, uint32_t ip, int64_t until)
{
	struct lease *l = lease_get(s, ip, (const uint8_t *)"", 0);

	if (!l)
		return -1;
	l->state = LEASE_DECLINED;
	l->expires = until;
	return append(s, l);
}

uint32_t lease_alloc(struct lease_store *s, uint32_t first, uint32_t last, int64_t now,
		     int (*skip)(void *ctx, uint32_t ip), void *ctx)
{
	uint64_t size = (uint64_t)last - first + 1;
	uint32_t ip;
	int c;

	for (c = 0; c < s->ncursors; c++)
		if (s->cursor[c].first == first)
			break;
	if (c == s->ncursors) {
		if (c == MAX_CURSORS)
			c = 0;	/* many pools: the scan still works, only slower */
		else
			s->ncursors++;
		s->cursor[c].first = first;
		s->cursor[c].next = first;
	}
	ip = s->cursor[c].next;
	for (uint64_t i = 0; i < size; i++, ip = ip == last ? first : ip + 1) {
		struct lease *l;

		if (ip < first || ip > last)
			ip = first;
		l = lease_by_ip(s, ip);
		if (lease_active(l, now) || (skip && skip(ctx, ip)))
			continue;
		/* Next-fit: addresses are handed out in turn, so an expired
		 * lease keeps its client affinity for as long as possible. */
		s->cursor[c].next = ip == last ? first : ip + 1;
		return ip;
	}
	return 0;
}

size_t lease_count(const struct lease_store *s)
{
	return s->count;
}

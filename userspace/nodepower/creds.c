/* creds.c - the credentials file: "NAME USER PASSWORD" per line, readable
 * by its owner only.  Passwords never reach a message, a log or argv. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"

#define CREDS_FILE_MAX 65536

void np_creds_free(struct np_creds *c)
{
	if (c->v)
		explicit_bzero(c->v, c->cap * sizeof(*c->v));
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

const struct np_cred *np_creds_find(const struct np_creds *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

int np_creds_check_mode(mode_t mode, uid_t owner, uid_t euid, const char *file, char *err, size_t errlen)
{
	if (!S_ISREG(mode)) {
		snprintf(err, errlen, "credentials file %s is not a regular file", file);
		return -1;
	}
	if (mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen,
			 "credentials file %s has mode %04o: group or others may read or write it; "
			 "refusing it (chmod 600 %s)",
			 file, (unsigned)(mode & 07777), file);
		return -1;
	}
	if (owner != 0 && owner != euid) {
		snprintf(err, errlen, "credentials file %s belongs to uid %u, not to root or to us (uid %u); refusing it",
			 file, (unsigned)owner, (unsigned)euid);
		return -1;
	}
	return 0;
}

static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int np_creds_parse(const char *text, size_t len, const char *file, struct np_creds *c, char *err, size_t errlen)
{
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		char line[512];
		size_t end = pos, n;
		int rc = 0;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		n = end - pos;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", file, lineno);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos = end + 1;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';

		if (memchr(line, '\0', n)) {
			snprintf(err, errlen, "%s:%d: NUL byte in the line", file, lineno);
			explicit_bzero(line, sizeof(line));
			return -1;
		}
		char *p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\0')
			continue;
		/* NAME USER PASSWORD: the password is the rest of the line. */
		char *name = p, *user, *pw;
		user = name + strcspn(name, " \t");
		if (*user)
			*user++ = '\0';
		user += strspn(user, " \t");
		pw = user + strcspn(user, " \t");
		if (*pw)
			*pw++ = '\0';
		pw += strspn(pw, " \t");

		if (!name_ok(name) || strlen(name) >= NP_NAME_MAX)
			rc = snprintf(err, errlen, "%s:%d: the first word must be a credentials name of A-Z a-z 0-9 . _ -",
				      file, lineno);
		else if (!*user || !*pw)
			rc = snprintf(err, errlen, "%s:%d: want NAME USER PASSWORD", file, lineno);
		else if (strlen(user) >= NP_USER_MAX)
			rc = snprintf(err, errlen, "%s:%d: user name longer than 16 bytes (IPMI 2.0)", file, lineno);
		else if (strlen(pw) >= NP_PASSWORD_MAX)
			rc = snprintf(err, errlen, "%s:%d: password longer than 20 bytes (IPMI 2.0)", file, lineno);
		else if (np_creds_find(c, name))
			rc = snprintf(err, errlen, "%s:%d: credentials '%s' defined twice", file, lineno, name);
		else if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 8;
			struct np_cred *v = calloc(cap, sizeof(*v));

			if (!v) {
				rc = snprintf(err, errlen, "%s: out of memory", file);
			} else {
				if (c->v) {
					memcpy(v, c->v, c->n * sizeof(*v));
					explicit_bzero(c->v, c->cap * sizeof(*v));
					free(c->v);
				}
				c->v = v;
				c->cap = cap;
			}
		}
		if (rc == 0) {
			struct np_cred *cr = &c->v[c->n++];

			np_strlcpy(cr->name, name, sizeof(cr->name));
			np_strlcpy(cr->user, user, sizeof(cr->user));
			np_strlcpy(cr->password, pw, sizeof(cr->password));
		}
		explicit_bzero(line, sizeof(line));
		if (rc)
			return -1;
	}
	return 0;
}

int np_creds_load(const char *path, uid_t euid, struct np_creds *c, char *err, size_t errlen)
{
	char *buf;
	struct stat st;
	ssize_t got;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "credentials file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "credentials file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (np_creds_check_mode(st.st_mode, st.st_uid, euid, path, err, errlen) < 0) {
		close(fd);
		return -1;
	}
	buf = malloc(CREDS_FILE_MAX);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "credentials file %s: out of memory", path);
		return -1;
	}
	while (len < CREDS_FILE_MAX && (got = read(fd, buf + len, CREDS_FILE_MAX - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (len == CREDS_FILE_MAX) {
		snprintf(err, errlen, "credentials file %s is larger than 64 KiB", path);
		rc = -1;
	} else {
		rc = np_creds_parse(buf, len, path, c, err, errlen);
	}
	explicit_bzero(buf, CREDS_FILE_MAX);
	free(buf);
	return rc;
}

int np_creds_from_env(struct np_creds *c, char *err, size_t errlen)
{
	const char *user = getenv("NODEPOWER_USER"), *pw = getenv("NODEPOWER_PASSWORD");
	char line[NP_NAME_MAX + NP_USER_MAX + NP_PASSWORD_MAX + 4];
	int rc;

	if (!pw)
		return 0;
	if (!user || !*user) {
		snprintf(err, errlen, "NODEPOWER_PASSWORD is set but NODEPOWER_USER is not");
		return -1;
	}
	if (strlen(user) >= NP_USER_MAX || strlen(pw) >= NP_PASSWORD_MAX || !*pw) {
		snprintf(err, errlen, "NODEPOWER_USER must be 1..16 bytes, NODEPOWER_PASSWORD 1..20 bytes (IPMI 2.0)");
		return -1;
	}
	snprintf(line, sizeof(line), "default %s %s", user, pw);
	rc = np_creds_parse(line, strlen(line), "environment", c, err, errlen);
	explicit_bzero(line, sizeof(line));
	return rc;
}

/* probe_cache.c - a cache for the toolchain probes that the tree's Kconfig
 * runs through $(shell,...) (scripts/Kconfig.include: cc-option,
 * ld-option, as-instr, ...).  They are most of the time a parse takes, and
 * their output depends only on the command and the toolchain, so each
 * result is kept under the key (command, CC and LD version text, kernel
 * version, tree), and later runs read it instead of starting a compiler.
 *
 * kcmerge is linked with -Wl,--wrap=popen,--wrap=pclose: the tree's
 * preprocess.c calls popen()/pclose() and lands here.
 * KCMERGE_PROBE_CACHE=DIR moves the cache, KCMERGE_PROBE_CACHE=off turns
 * it off (every probe runs, as in kbuild). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *__real_popen(const char *cmd, const char *mode);
int __real_pclose(FILE *f);
FILE *__wrap_popen(const char *cmd, const char *mode);
int __wrap_pclose(FILE *f);

#define MAX_OPEN 16
static FILE *cached[MAX_OPEN];

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= 0xff;
	h *= 1099511628211ULL;
	return h;
}

static int cache_dir(char *dir, size_t len)
{
	const char *env = getenv("KCMERGE_PROBE_CACHE"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CACHE_HOME");
	char *p;

	if (env && (!strcmp(env, "off") || !strcmp(env, "0")))
		return -1;
	if (env && *env)
		snprintf(dir, len, "%s", env);
	else if (xdg && *xdg)
		snprintf(dir, len, "%s/netboot-toolkit/kcmerge-probes", xdg);
	else if (home && *home)
		snprintf(dir, len, "%s/.cache/netboot-toolkit/kcmerge-probes", home);
	else
		return -1;
	for (p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	mkdir(dir, 0755);
	return access(dir, W_OK);
}

static FILE *remember(FILE *f)
{
	int i;

	for (i = 0; f && i < MAX_OPEN; i++) {
		if (!cached[i]) {
			cached[i] = f;
			return f;
		}
	}
	if (f)
		fclose(f);
	return NULL;
}

FILE *__wrap_popen(const char *cmd, const char *mode)
{
	char dir[3072], path[3200], tmp[3300], buf[4096];
	uint64_t h = 14695981039346656037ULL;
	FILE *real, *out;
	size_t n;

	if (strcmp(mode, "r") || cache_dir(dir, sizeof(dir)))
		return __real_popen(cmd, mode);
	h = fnv1a(h, cmd);
	h = fnv1a(h, getenv("CC_VERSION_TEXT"));
	h = fnv1a(h, getenv("KCMERGE_LD_VERSION_TEXT"));
	h = fnv1a(h, getenv("KERNELVERSION"));
	h = fnv1a(h, getenv("srctree"));
	snprintf(path, sizeof(path), "%s/%016llx", dir, (unsigned long long)h);
	out = fopen(path, "r");
	if (out)
		return remember(out);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	real = __real_popen(cmd, mode);
	out = fopen(tmp, "w");
	if (!real || !out) {
		if (out)
			fclose(out);
		unlink(tmp);
		return real;
	}
	while ((n = fread(buf, 1, sizeof(buf), real)) > 0)
		fwrite(buf, 1, n, out);
	__real_pclose(real);
	if (fclose(out) || rename(tmp, path)) {
		unlink(tmp);
		return __real_popen(cmd, mode);
	}
	return remember(fopen(path, "r"));
}

int __wrap_pclose(FILE *f)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++) {
		if (cached[i] == f) {
			cached[i] = NULL;
			return fclose(f) ? -1 : 0;
		}
	}
	return __real_pclose(f);
}

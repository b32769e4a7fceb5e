/* tree.c - loading the target tree's Kconfig as kbuild does, the base
 * configurations (allnoconfig, tinyconfig, defconfig), and merging. */
#include "kcmerge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char version[64] = "unknown";
static char srcarch[64];

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("kcmerge");
			exit(EXIT_TREE);
		}
	}
}

void buf_free(struct buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

const char *tree_version(void)
{
	return version;
}

/* VERSION.PATCHLEVEL.SUBLEVEL from the tree's top Makefile. */
static int read_version(const char *ksrc)
{
	char path[4096], line[256];
	int v = -1, p = -1, s = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/Makefile", ksrc);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VERSION = %d", &v) == 1 || sscanf(line, "PATCHLEVEL = %d", &p) == 1)
			continue;
		if (sscanf(line, "SUBLEVEL = %d", &s) == 1)
			break;
	}
	fclose(f);
	if (v < 0 || p < 0 || s < 0)
		return -1;
	snprintf(version, sizeof(version), "%d.%d.%d", v, p, s);
	return 0;
}

/* The real popen()/pclose() (probe_cache.c wraps them): the version texts
 * below are the probe cache's key, so they are never read from it. */
FILE *__real_popen(const char *cmd, const char *mode);
int __real_pclose(FILE *f);

/* The first line of `cc --version`, as the top Makefile's CC_VERSION_TEXT. */
static void set_cc_version_text(const char *cc)
{
	char cmd[512], line[512] = "";
	FILE *p;
	char *d, *s;

	snprintf(cmd, sizeof(cmd), "LC_ALL=C %s --version 2>/dev/null", cc);
	p = __real_popen(cmd, "r");
	if (p) {
		if (!fgets(line, sizeof(line), p))
			line[0] = '\0';
		while (fgets(cmd, sizeof(cmd), p))
			;
		__real_pclose(p);
	}
	line[strcspn(line, "\n")] = '\0';
	for (s = d = line; *s; s++)
		if (*s != '#')
			*d++ = *s;
	*d = '\0';
	setenv("CC_VERSION_TEXT", line, 1);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* What the top Makefile exports before it runs scripts/kconfig/conf: the
 * Kconfig files read these through $(VAR) and $(shell,...) (toolchain
 * probes), so they must be kbuild's values, not the caller's.  A
 * KCMERGE_CC (etc.) in the environment plays the role of make CC=... */
static void set_kbuild_env(const char *ksrc, const char *arch)
{
	const char *cc = env_or("KCMERGE_CC", "gcc");

	if (!strcmp(arch, "x86_64") || !strcmp(arch, "i386"))
		snprintf(srcarch, sizeof(srcarch), "x86");
	else
		snprintf(srcarch, sizeof(srcarch), "%s", arch);
	setenv("srctree", ksrc, 1);
	setenv("ARCH", arch, 1);
	setenv("SRCARCH", srcarch, 1);
	setenv("KERNELVERSION", version, 1);
	setenv("CC", cc, 1);
	setenv("LD", env_or("KCMERGE_LD", "ld"), 1);
	setenv("OBJCOPY", "objcopy", 1);
	setenv("NM", "nm", 1);
	setenv("AR", "ar", 1);
	setenv("RUSTC", "rustc", 1);
	setenv("BINDGEN", "bindgen", 1);
	setenv("PAHOLE", "pahole", 1);
	setenv("HOSTCC", "gcc", 1);
	setenv("HOSTCXX", "g++", 1);
	unsetenv("CLANG_FLAGS");
	unsetenv("KCONFIG_ALLCONFIG");
	unsetenv("KCONFIG_CONFIG");
	unsetenv("KCONFIG_OVERWRITECONFIG");
	setenv("LC_ALL", "C", 1);
	set_cc_version_text(getenv("LD"));
	setenv("KCMERGE_LD_VERSION_TEXT", getenv("CC_VERSION_TEXT"), 1);
	set_cc_version_text(cc);
}

static bool is_file(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int tree_load(const char *ksrc, const char *arch, const char *scratch)
{
	int cwd;

	if (!is_file(ksrc, "Kconfig") || !is_file(ksrc, "scripts/kconfig/lkc.h")) {
		fprintf(stderr, "kcmerge: %s is not a kernel source tree (no Kconfig or scripts/kconfig/lkc.h)\n", ksrc);
		return -1;
	}
	if (read_version(ksrc)) {
		fprintf(stderr, "kcmerge: %s/Makefile has no VERSION/PATCHLEVEL/SUBLEVEL\n", ksrc);
		return -1;
	}
	/* The Kconfig language moves between releases: a binary serves only
	 * the release whose scripts/kconfig it was built from. */
	if (strcmp(version, KCMERGE_KVERSION)) {
		fprintf(stderr, "kcmerge: %s is Linux %s, but this kcmerge was built against the Kconfig "
			"implementation of Linux %s (%s); rebuild it for this tree: make kcmerge KSRC=%s\n",
			ksrc, version, KCMERGE_KVERSION, KCMERGE_KSRC, ksrc);
		return -1;
	}
	set_kbuild_env(ksrc, arch);
	/* The toolchain probes ($(shell,...) in scripts/Kconfig.include)
	 * create temporary files in the working directory. */
	cwd = open(".", O_RDONLY | O_DIRECTORY);
	if (cwd < 0 || chdir(scratch)) {
		perror("kcmerge: scratch directory");
		return -1;
	}
	conf_set_message_callback(NULL);
	conf_parse("Kconfig");
	if (fchdir(cwd)) {
		perror("kcmerge");
		return -1;
	}
	close(cwd);
	return 0;
}

/* A standalone Kconfig file (the synthetic trees of the tests): no kernel
 * version, no toolchain; sources resolve relative to its directory. */
int tree_load_kconfig(const char *kconfig)
{
	char dir[4096], *slash;

	if (access(kconfig, R_OK)) {
		fprintf(stderr, "kcmerge: --kconfig %s: %s\n", kconfig, strerror(errno));
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", kconfig);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(version, sizeof(version), "(--kconfig %s)", kconfig);
	snprintf(srcarch, sizeof(srcarch), "none");
	setenv("srctree", dir, 1);
	unsetenv("KCONFIG_ALLCONFIG");
	unsetenv("KCONFIG_CONFIG");
	conf_set_message_callback(NULL);
	conf_parse(kconfig);
	return 0;
}

void tree_recalc(void)
{
	struct symbol *sym;
	int i;

	sym_clear_all_valid();
	kc_for_each_symbol(i, sym)
		sym_calc_value(sym);
}

/* defconfig: conf_set_all_new_symbols(def_default) only settles choices
 * (allnoconfig ends the same way). */
static void set_all_new_default(void)
{
	struct symbol *sym;
	int i;

	sym_clear_all_valid();
	kc_for_each_symbol(i, sym)
		if ((sym_is_choice(sym) && !sym_has_value(sym)) || sym_is_choice_value(sym))
			sym->flags |= SYMBOL_NEED_SET_CHOICE_VALUES;
	kc_for_each_symbol(i, sym) {
		if (sym_has_value(sym) || !sym_is_choice(sym))
			continue;
		sym_calc_value(sym);
		set_all_choice_values(sym);
	}
}

/* allnoconfig: scripts/kconfig/conf.c's conf_set_all_new_symbols(def_no). */
static void set_all_new_no(void)
{
	struct symbol *sym;
	int i;

	kc_for_each_symbol(i, sym) {
		if (sym_has_value(sym) || sym->flags & SYMBOL_VALID)
			continue;
		if (sym_get_type(sym) == S_BOOLEAN || sym_get_type(sym) == S_TRISTATE) {
			sym->def[S_DEF_USER].tri = no;
			sym->flags |= SYMBOL_DEF_USER;
		}
	}
	set_all_new_default();
}

static int read_fragment_file(struct request_list *l, const char *path)
{
	char err[1024];
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		fprintf(stderr, "kcmerge: %s: %s\n", path, strerror(errno));
		return -1;
	}
	r = fragment_read(l, path, f, err, sizeof(err));
	fclose(f);
	if (r)
		fprintf(stderr, "kcmerge: %s\n", err);
	return r;
}

static int write_config(const char *path)
{
	if (conf_write(path)) {
		fprintf(stderr, "kcmerge: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static int xz_decompress(const char *in, const char *out)
{
	char cmd[8400];

	snprintf(cmd, sizeof(cmd), "xz -dc -- '%s' > '%s'", in, out);
	if (strchr(in, '\'') || system(cmd)) {
		fprintf(stderr, "kcmerge: cannot decompress %s\n", in);
		return -1;
	}
	return 0;
}

/* Write the base configuration to scratch/base.config; out = its path. */
int tree_base(const char *base, const char *scratch, char *out, size_t outlen)
{
	char path[4096];
	const char *ksrc = getenv("srctree");

	snprintf(out, outlen, "%s/base.config", scratch);
	if (!strcmp(base, "allnoconfig") || !strcmp(base, "tinyconfig")) {
		if (!strcmp(base, "tinyconfig")) {
			snprintf(path, sizeof(path), "%s/kernel/configs/tiny-base.config", ksrc);
			if (conf_read_simple(path, S_DEF_USER)) {
				fprintf(stderr, "kcmerge: cannot read %s\n", path);
				return -1;
			}
		} else {
			conf_read_simple("/dev/null", S_DEF_USER);
		}
		set_all_new_no();
		if (write_config(out))
			return -1;
		if (!strcmp(base, "tinyconfig")) {
			/* make tiny.config: merge_config.sh -m, then olddefconfig */
			struct request_list tiny = { 0 };
			char arch_tiny[4096];
			int r;

			snprintf(path, sizeof(path), "%s/kernel/configs/tiny.config", ksrc);
			snprintf(arch_tiny, sizeof(arch_tiny), "%s/arch/%s/configs/tiny.config", ksrc, srcarch);
			if (read_fragment_file(&tiny, path) ||
			    (access(arch_tiny, R_OK) == 0 && read_fragment_file(&tiny, arch_tiny))) {
				request_list_free(&tiny);
				return -1;
			}
			r = tree_merge(out, &tiny, scratch) || write_config(out);
			request_list_free(&tiny);
			return r ? -1 : 0;
		}
		return 0;
	}
	if (!strcmp(base, "defconfig")) {
		const char *arch = getenv("ARCH");

		snprintf(path, sizeof(path), "%s/arch/%s/configs/%s_defconfig", ksrc, srcarch, arch);
		if (access(path, R_OK))
			snprintf(path, sizeof(path), "%s/arch/%s/defconfig", ksrc, srcarch);
		if (conf_read(path)) {
			fprintf(stderr, "kcmerge: cannot read %s\n", path);
			return -1;
		}
		set_all_new_default();
		return write_config(out);
	}
	if (access(base, R_OK)) {
		fprintf(stderr, "kcmerge: --base %s: %s\n", base, strerror(errno));
		return -1;
	}
	{
		size_t n = strlen(base);

		if (n > 3 && !strcmp(base + n - 3, ".xz"))
			return xz_decompress(base, out);
	}
	snprintf(out, outlen, "%s", base);
	return 0;
}

/* conf_read() warns on stderr about what merging does on purpose (a
 * fragment overriding the base's choice, "override: ... changes choice
 * state"); kcmerge explains what matters itself, so those warnings are
 * kept in scratch/conf_read.log and shown only when reading fails. */
int quiet_conf_read(const char *path, const char *scratch)
{
	char log[4096], line[1024];
	int saved, fd, r;
	FILE *f;

	snprintf(log, sizeof(log), "%s/conf_read.log", scratch);
	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (saved < 0 || fd < 0)
		return conf_read(path);
	dup2(fd, 2);
	close(fd);
	r = conf_read(path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (r && (f = fopen(log, "r"))) {
		while (fgets(line, sizeof(line), f))
			fputs(line, stderr);
		fclose(f);
	}
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The symbol a .config line sets, or NULL; name is written to buf. */
static const char *config_line_symbol(const char *line, char *buf, size_t len)
{
	const char *p = line, *q;
	size_t n;

	if (!strncmp(p, "# CONFIG_", 9))
		p += 9;
	else if (!strncmp(p, "CONFIG_", 7))
		p += 7;
	else
		return NULL;
	for (q = p; *q && *q != '=' && *q != ' '; q++)
		;
	n = (size_t)(q - p);
	if (n >= len)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* merge_config.sh: drop the base's lines for every requested symbol, append
 * the requests (the last one per symbol), then conf_read() the result. */
int tree_merge(const char *base_config, const struct request_list *reqs, const char *scratch)
{
	char path[4096], *line = NULL, name[512];
	const char **names;
	size_t cap = 0, i, n = 0;
	FILE *in, *out;
	int r;

	names = calloc(reqs->n + 1, sizeof(*names));
	if (!names)
		return -1;
	for (i = 0; i < reqs->n; i++)
		names[n++] = reqs->req[i].name;
	qsort(names, n, sizeof(*names), cmp_str);
	snprintf(path, sizeof(path), "%s/merged.config", scratch);
	in = fopen(base_config, "r");
	out = fopen(path, "w");
	if (!in || !out) {
		fprintf(stderr, "kcmerge: cannot merge into %s\n", path);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		free(names);
		return -1;
	}
	while (getline(&line, &cap, in) >= 0) {
		const char *sym = config_line_symbol(line, name, sizeof(name));

		if (sym && bsearch(&sym, names, n, sizeof(*names), cmp_str))
			continue;
		fputs(line, out);
	}
	free(line);
	fclose(in);
	for (i = 0; i < reqs->n; i++) {
		const struct request *rq = &reqs->req[i];

		if (request_find(reqs, rq->name) != rq)
			continue;
		if (!strcmp(rq->value, "n") && !rq->quoted)
			fprintf(out, "# CONFIG_%s is not set\n", rq->name);
		else
			fprintf(out, "%s\n", rq->text);
	}
	free(names);
	if (fclose(out)) {
		fprintf(stderr, "kcmerge: cannot write %s\n", path);
		return -1;
	}
	r = quiet_conf_read(path, scratch);
	if (r) {
		fprintf(stderr, "kcmerge: the tree's conf_read() rejected %s\n", path);
		return -1;
	}
	tree_recalc();
	return 0;
}

const char *sym_value_str(struct symbol *sym)
{
	sym_calc_value(sym);
	return sym_get_string_value(sym);
}

tristate request_tri(const struct request *r)
{
	if (!strcmp(r->value, "y"))
		return yes;
	if (!strcmp(r->value, "m"))
		return mod;
	return no;
}

bool request_landed(struct symbol *sym, const struct request *r)
{
	sym_calc_value(sym);
	switch (sym->type) {
	case S_BOOLEAN:
	case S_TRISTATE:
		return sym_get_tristate_value(sym) == request_tri(r);
	default:
		/* An invisible string/int is not written: "is not set" landed. */
		if (!(sym->flags & SYMBOL_WRITE))
			return !strcmp(r->value, "n") && !r->quoted;
		return !strcmp(sym_get_string_value(sym), r->value);
	}
}

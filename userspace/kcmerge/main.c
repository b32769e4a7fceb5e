/* kcmerge - merge Kconfig fragments with the target tree's own Kconfig,
 * and explain every requested value that did not land. */
#include "kcmerge.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: kcmerge [options] FRAGMENT...          merge into DIR/.config\n"
	"       kcmerge check [options] FRAGMENT...    verify DIR/.config against fragments\n"
	"       kcmerge why CONFIG_X [options] [FRAGMENT...]  explain one symbol of DIR/.config\n"
	"\n"
	"options:\n"
	"  -O DIR                 output directory (default .)\n"
	"  --base B               FILE (a .config, may be .xz), tinyconfig, allnoconfig or defconfig;\n"
	"                         default: the Kconfig defaults\n"
	"  --strict               fail (exit 1, nothing written) if a requested value did not land\n"
	"  --allow-override       a later fragment may change an earlier fragment's value\n"
	"  --resolve              raise the missing dependencies of failed requests\n"
	"  --monolithic           MODULES=n, every m becomes y where Kconfig allows it\n"
	"  --modular              MODULES=y; fail unless the '# kcmerge: builtin' requests are y\n"
	"  --savedefconfig FILE   also write a minimal defconfig\n"
	"  -k, --ksrc DIR         kernel tree (default $KSRC, else the tree kcmerge was built for)\n"
	"  --arch ARCH            kernel ARCH (default x86_64)\n"
	"  --kconfig FILE         a standalone Kconfig file instead of a kernel tree (tests)\n"
	"  -q, --quiet            no progress lines (explanations are always printed)\n"
	"  -h, --help             this text\n"
	"\n"
	"exit status:\n"
	"  0  success\n"
	"  1  a requested value did not land (--strict, --resolve, check; with --modular\n"
	"     a '# kcmerge: builtin' one), or the tree's Kconfig failed to parse\n"
	"  2  bad input: fragment syntax, missing file, unknown symbol, wrong type,\n"
	"     out of range, m without MODULES, conflicting fragments\n"
	"  3  usage\n"
	"  4  incompatible tree or I/O error\n"
	"Nothing is written unless the exit status is 0.\n";

struct opts {
	const char *outdir, *base, *ksrc, *arch, *savedefconfig, *kconfig;
	bool strict, allow_override, resolve, monolithic, modular, quiet;
};

static struct request_list reqs;
static char scratch[2048];

static const struct request *lookup_request(const char *name)
{
	return request_find(&reqs, name);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	if (scratch[0])
		nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int make_dirs(const char *dir)
{
	char tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static int read_fragments(char **files, int n)
{
	char err[1024];
	int i;

	for (i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "r");

		if (!f) {
			fprintf(stderr, "kcmerge: %s: %s\n", files[i], strerror(errno));
			return EXIT_INPUT;
		}
		if (fragment_read(&reqs, files[i], f, err, sizeof(err))) {
			fclose(f);
			fprintf(stderr, "kcmerge: %s\n", err);
			return EXIT_INPUT;
		}
		fclose(f);
	}
	return 0;
}

static void add_request(const char *name, const char *value, const char *origin)
{
	char line[256];
	struct request r;

	snprintf(line, sizeof(line), "CONFIG_%s=%s", name, value);
	if (fragment_parse_line(line, &r, NULL, 0) != LINE_REQUEST)
		exit(EXIT_TREE);
	r.file = origin;
	r.line = 0;
	if (reqs.n == reqs.cap) {
		reqs.cap = reqs.cap ? reqs.cap * 2 : 64;
		reqs.req = realloc(reqs.req, reqs.cap * sizeof(*reqs.req));
		if (!reqs.req)
			exit(EXIT_TREE);
	}
	reqs.req[reqs.n++] = r;
}

static bool wins(const struct request *r)
{
	return request_find(&reqs, r->name) == r;
}

static const char *type_hint(struct symbol *sym)
{
	switch (sym->type) {
	case S_BOOLEAN:
		return "a bool (y or n)";
	case S_TRISTATE:
		return "a tristate (y, m or n)";
	case S_INT:
		return "an int (a decimal number)";
	case S_HEX:
		return "a hex (0x...)";
	default:
		return "a string (\"...\")";
	}
}

/* Unknown symbols and values of the wrong type, before anything is merged. */
static int validate_syntax(void)
{
	int errors = 0;
	size_t i;

	for (i = 0; i < reqs.n; i++) {
		const struct request *r = &reqs.req[i];
		struct symbol *sym = sym_find(r->name);
		bool ok;

		if (!sym || sym->type == S_UNKNOWN) {
			const char *near = suggest_symbol(r->name);

			fprintf(stderr, "%s:%d: CONFIG_%s does not exist in Linux %s", r->file, r->line, r->name,
				tree_version());
			if (near)
				fprintf(stderr, " (did you mean CONFIG_%s?)", near);
			fprintf(stderr, "\n");
			errors++;
			continue;
		}
		switch (sym->type) {
		case S_BOOLEAN:
			ok = !r->quoted && (!strcmp(r->value, "y") || !strcmp(r->value, "n"));
			break;
		case S_TRISTATE:
			ok = !r->quoted && (!strcmp(r->value, "y") || !strcmp(r->value, "m") || !strcmp(r->value, "n"));
			break;
		case S_INT:
		case S_HEX:
			ok = !r->quoted && (!strcmp(r->value, "n") || sym_string_valid(sym, r->value));
			break;
		default:
			ok = r->quoted || !strcmp(r->value, "n");
			break;
		}
		if (!ok) {
			fprintf(stderr, "%s:%d: %s: CONFIG_%s is %s\n", r->file, r->line, r->text, r->name, type_hint(sym));
			errors++;
		}
	}
	return errors ? EXIT_INPUT : 0;
}

/* What needs the merged values: m without MODULES, ints out of range. */
static int validate_values(void)
{
	int errors = 0;
	size_t i;

	sym_calc_value(modules_sym);
	for (i = 0; i < reqs.n; i++) {
		const struct request *r = &reqs.req[i];
		struct symbol *sym = sym_find(r->name);
		struct property *range;

		if (!wins(r))
			continue;
		if (sym->type == S_TRISTATE && !strcmp(r->value, "m") && modules_sym->curr.tri == no) {
			fprintf(stderr, "%s:%d: %s: modules are off (CONFIG_%s=n); use y or n\n", r->file, r->line,
				r->text, modules_sym->name);
			errors++;
		}
		if ((sym->type == S_INT || sym->type == S_HEX) && strcmp(r->value, "n") &&
		    !sym_string_within_range(sym, r->value)) {
			range = sym_get_range_prop(sym);
			fprintf(stderr, "%s:%d: %s is out of range", r->file, r->line, r->text);
			if (range)
				fprintf(stderr, " [%s..%s]", sym_value_str(range->expr->left.sym),
					sym_value_str(range->expr->right.sym));
			fprintf(stderr, "\n");
			errors++;
		}
	}
	return errors ? EXIT_INPUT : 0;
}

/* One line per winning request whose value did not land; returns how many. */
static int explain_drops(struct buf *resolve_why, int *builtin_drops)
{
	int drops = 0;
	size_t i;

	for (i = 0; i < reqs.n; i++) {
		const struct request *r = &reqs.req[i];
		struct symbol *sym = sym_find(r->name);
		struct buf line = { 0 };

		if (!wins(r) || !sym || request_landed(sym, r))
			continue;
		drops++;
		explain_drop(sym, r->value, r->quoted, &line);
		if (r->line)
			printf("%s requested at %s:%d %s", r->text, r->file, r->line, line.s);
		else
			printf("%s requested by %s %s", r->text, r->file, line.s);
		if (resolve_why && resolve_why[i].len)
			printf("; --resolve: %s", resolve_why[i].s);
		if (r->builtin) {
			printf(" [kcmerge: builtin]");
			(*builtin_drops)++;
		}
		printf("\n");
		buf_free(&line);
	}
	return drops;
}

static char **module_symbols(const char *config, size_t *n)
{
	char *line = NULL, **names = NULL;
	size_t cap = 0, ncap = 0;
	FILE *f = fopen(config, "r");

	*n = 0;
	if (!f)
		return NULL;
	while (getline(&line, &cap, f) >= 0) {
		char *eq = strchr(line, '=');

		if (strncmp(line, "CONFIG_", 7) || !eq || strcmp(eq, "=m\n"))
			continue;
		if (*n == ncap) {
			ncap = ncap ? ncap * 2 : 256;
			names = realloc(names, ncap * sizeof(*names));
			if (!names)
				exit(EXIT_TREE);
		}
		names[(*n)++] = strndup(line + 7, (size_t)(eq - line - 7));
	}
	free(line);
	fclose(f);
	return names;
}

/* --monolithic: every module of the base that could not become y. */
static int report_monolithic(char **mods, size_t n)
{
	int stuck = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct symbol *sym = sym_find(mods[i]);
		struct buf why = { 0 };

		if (sym && !lookup_request(mods[i]) && sym_get_tristate_value(sym) != yes) {
			explain_drop(sym, "y", false, &why);
			printf("--monolithic: CONFIG_%s=m could not become y: it %s\n", mods[i], why.s);
			stuck++;
			buf_free(&why);
		}
		free(mods[i]);
	}
	free(mods);
	return stuck;
}

static int files_differ(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	int ca, cb, differ = 1;

	if (fa && fb) {
		do {
			ca = getc(fa);
			cb = getc(fb);
		} while (ca == cb && ca != EOF);
		differ = ca != cb;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return differ;
}

static int count_set(const char *config)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen(config, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "CONFIG_", 7);
	fclose(f);
	return n;
}

static int setup(const struct opts *o, const char *dir)
{
	if (make_dirs(dir)) {
		fprintf(stderr, "kcmerge: cannot create %s: %s\n", dir, strerror(errno));
		return EXIT_TREE;
	}
	snprintf(scratch, sizeof(scratch), "%s/.kcmerge.XXXXXX", dir);
	if (!mkdtemp(scratch)) {
		fprintf(stderr, "kcmerge: cannot create a scratch directory in %s: %s\n", dir, strerror(errno));
		scratch[0] = '\0';
		return EXIT_TREE;
	}
	atexit(cleanup);
	if (o->kconfig ? tree_load_kconfig(o->kconfig) : tree_load(o->ksrc, o->arch, scratch))
		return EXIT_TREE;
	explain_set_lookup(lookup_request);
	return 0;
}

static int cmd_merge(const struct opts *o, char **frags, int nfrags)
{
	char err[1024], base[4096], out[4096], target[4096];
	struct buf *why = NULL;
	char **mods = NULL;
	size_t nmods = 0, i;
	int rc, drops, stuck = 0, builtin_drops = 0;

	if ((rc = read_fragments(frags, nfrags)))
		return rc;
	if (o->monolithic)
		add_request("MODULES", "n", "--monolithic");
	if (o->modular)
		add_request("MODULES", "y", "--modular");
	if (!o->allow_override && request_conflicts(&reqs, err, sizeof(err))) {
		fprintf(stderr, "kcmerge: %s (use --allow-override to let the later one win)\n", err);
		return EXIT_INPUT;
	}
	if ((rc = setup(o, o->outdir)) || (rc = validate_syntax()))
		return rc;
	if (o->monolithic) {
		for (i = 0; i < reqs.n; i++) {
			struct request *r = &reqs.req[i];

			if (!strcmp(r->value, "m") && !r->quoted) {
				r->value[0] = 'y';
				r->text[strlen(r->text) - 1] = 'y';
				if (!o->quiet)
					printf("kcmerge: --monolithic: %s:%d asks for m, merging %s\n", r->file, r->line, r->text);
			}
		}
	}
	if (tree_base(o->base ? o->base : "/dev/null", scratch, base, sizeof(base)))
		return EXIT_TREE;
	if (o->monolithic)
		mods = module_symbols(base, &nmods);
	if (tree_merge(base, &reqs, scratch))
		return EXIT_TREE;
	if ((rc = validate_values()))
		return rc;
	if (o->resolve) {
		why = calloc(reqs.n, sizeof(*why));
		if (!why)
			return EXIT_TREE;
		resolve_requests(&reqs, why);
	}
	if (o->monolithic && (stuck = report_monolithic(mods, nmods)) && !o->quiet)
		printf("kcmerge: --monolithic: %d module%s could not become y\n", stuck, stuck == 1 ? "" : "s");
	drops = explain_drops(why, &builtin_drops);
	if (why) {
		for (i = 0; i < reqs.n; i++)
			buf_free(&why[i]);
		free(why);
	}
	snprintf(target, sizeof(target), "%s/.config", o->outdir);
	if ((drops && (o->strict || o->resolve)) || (builtin_drops && o->modular)) {
		fprintf(stderr, "kcmerge: %d requested value%s did not land; %s left untouched\n", drops,
			drops == 1 ? "" : "s", target);
		return EXIT_DROPPED;
	}
	snprintf(out, sizeof(out), "%s/.config", scratch);
	if (conf_write(out)) {
		fprintf(stderr, "kcmerge: cannot write %s\n", out);
		return EXIT_TREE;
	}
	if (o->savedefconfig && conf_write_defconfig(o->savedefconfig)) {
		fprintf(stderr, "kcmerge: cannot write %s\n", o->savedefconfig);
		return EXIT_TREE;
	}
	if (files_differ(out, target)) {
		if (rename(out, target)) {
			fprintf(stderr, "kcmerge: cannot write %s: %s\n", target, strerror(errno));
			return EXIT_TREE;
		}
		if (!o->quiet)
			printf("kcmerge: wrote %s (%d symbols set; %zu requests, %d dropped)\n", target,
			       count_set(target), reqs.n, drops);
	} else if (!o->quiet) {
		printf("kcmerge: %s is up to date (%zu requests, %d dropped)\n", target, reqs.n, drops);
	}
	return EXIT_OK;
}

static int read_existing(const char *outdir, char *target, size_t len)
{
	snprintf(target, len, "%s/.config", outdir);
	if (access(target, R_OK)) {
		fprintf(stderr, "kcmerge: %s: %s\n", target, strerror(errno));
		return EXIT_INPUT;
	}
	if (quiet_conf_read(target, scratch)) {
		fprintf(stderr, "kcmerge: the tree's conf_read() rejected %s\n", target);
		return EXIT_INPUT;
	}
	tree_recalc();
	return 0;
}

static int cmd_check(const struct opts *o, char **frags, int nfrags)
{
	char target[4096], out[4096];
	int rc, drops, builtin_drops = 0;

	if ((rc = read_fragments(frags, nfrags)) || (rc = setup(o, o->outdir)) ||
	    (rc = validate_syntax()) || (rc = read_existing(o->outdir, target, sizeof(target))))
		return rc;
	drops = explain_drops(NULL, &builtin_drops);
	snprintf(out, sizeof(out), "%s/.config", scratch);
	if (conf_write(out))
		return EXIT_TREE;
	if (files_differ(out, target)) {
		printf("%s is not what the tree's Kconfig writes for it (edited by hand or stale; rerun kcmerge)\n",
		       target);
		drops++;
	}
	if (!drops && !o->quiet)
		printf("kcmerge: %s has all %zu requested values\n", target, reqs.n);
	return drops ? EXIT_DROPPED : EXIT_OK;
}

static int cmd_why(const struct opts *o, const char *name, char **frags, int nfrags)
{
	char target[4096];
	struct buf text = { 0 };
	struct symbol *sym;
	int rc;

	if (!strncmp(name, "CONFIG_", 7))
		name += 7;
	if ((rc = read_fragments(frags, nfrags)) || (rc = setup(o, o->outdir)) ||
	    (rc = read_existing(o->outdir, target, sizeof(target))))
		return rc;
	sym = sym_find(name);
	if (!sym || sym->type == S_UNKNOWN) {
		const char *near = suggest_symbol(name);

		fprintf(stderr, "kcmerge: CONFIG_%s does not exist in Linux %s", name, tree_version());
		if (near)
			fprintf(stderr, " (did you mean CONFIG_%s?)", near);
		fprintf(stderr, "\n");
		return EXIT_INPUT;
	}
	explain_why(sym, &text);
	fputs(text.s, stdout);
	buf_free(&text);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	enum { OPT_BASE = 256, OPT_STRICT, OPT_OVERRIDE, OPT_RESOLVE, OPT_MONO, OPT_MOD, OPT_SAVE, OPT_ARCH, OPT_KCONFIG };
	static const struct option long_opts[] = {
		{ "base", required_argument, NULL, OPT_BASE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "allow-override", no_argument, NULL, OPT_OVERRIDE },
		{ "resolve", no_argument, NULL, OPT_RESOLVE },
		{ "monolithic", no_argument, NULL, OPT_MONO },
		{ "modular", no_argument, NULL, OPT_MOD },
		{ "savedefconfig", required_argument, NULL, OPT_SAVE },
		{ "ksrc", required_argument, NULL, 'k' },
		{ "arch", required_argument, NULL, OPT_ARCH },
		{ "kconfig", required_argument, NULL, OPT_KCONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .outdir = ".", .arch = "x86_64" };
	const char *cmd = NULL, *why_name = NULL;
	int c;

	o.ksrc = getenv("KSRC") && *getenv("KSRC") ? getenv("KSRC") : KCMERGE_KSRC;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "O:k:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'O': o.outdir = optarg; break;
		case 'k': o.ksrc = optarg; break;
		case 'q': o.quiet = true; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case OPT_BASE: o.base = optarg; break;
		case OPT_STRICT: o.strict = true; break;
		case OPT_OVERRIDE: o.allow_override = true; break;
		case OPT_RESOLVE: o.resolve = true; break;
		case OPT_MONO: o.monolithic = true; break;
		case OPT_MOD: o.modular = true; break;
		case OPT_SAVE: o.savedefconfig = optarg; break;
		case OPT_ARCH: o.arch = optarg; break;
		case OPT_KCONFIG: o.kconfig = optarg; break;
		default: fputs(usage_text, stderr); return EXIT_USAGE;
		}
	}
	/* getopt_long moved the non-options to the end: the command first. */
	if (optind < argc && (!strcmp(argv[optind], "why") || !strcmp(argv[optind], "check")))
		cmd = argv[optind++];
	if (o.monolithic && o.modular) {
		fprintf(stderr, "kcmerge: --monolithic and --modular exclude each other\n");
		return EXIT_USAGE;
	}
	if (cmd && !strcmp(cmd, "why")) {
		if (optind >= argc) {
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
		why_name = argv[optind++];
		return cmd_why(&o, why_name, argv + optind, argc - optind);
	}
	if (optind >= argc) {
		fprintf(stderr, "kcmerge: no fragment given\n%s", usage_text);
		return EXIT_USAGE;
	}
	if (cmd)
		return cmd_check(&o, argv + optind, argc - optind);
	return cmd_merge(&o, argv + optind, argc - optind);
}

/* nodepower - remote power control for a rack of nodes: on, off, soft,
 * reset, cycle [--netboot], status and bootdev, through IPMI (FreeIPMI) or
 * QEMU's QMP, many nodes at once with a bound and a deadline per node. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "nodepower.h"

#define EXIT_NODES 1  /* some node did not succeed */
#define EXIT_USAGE 2
#define EXIT_CONFIG 3 /* inventory or credentials unusable */
#define INVENTORY_FILE_MAX (1 << 20)
#define DEFAULT_INVENTORY "/etc/nodepower/inventory"
#define DEFAULT_CREDENTIALS "/etc/nodepower/credentials"

static void usage(FILE *f)
{
	fputs("usage: nodepower [options] OPERATION NODES...\n"
	      "\n"
	      "Power nodes on and off, reset them and choose their next boot device\n"
	      "through their BMC (IPMI v2.0 lanplus) or QEMU's QMP socket, many nodes\n"
	      "at once.  One line per node, then a summary on stderr.\n"
	      "\n"
	      "Operations:\n"
	      "  on | off | soft | reset   power up, power down (hard), ACPI shutdown, hard reset\n"
	      "  cycle [--netboot]         power cycle (a node that is off is powered on);\n"
	      "                            --netboot: one-shot PXE boot device first\n"
	      "  status                    print on or off\n"
	      "  bootdev pxe|disk|default [--persistent]\n"
	      "                            boot device for the next boot only (--persistent:\n"
	      "                            every boot, where the BMC supports it)\n"
	      "\n"
	      "NODES: names and ranges from the inventory, e.g. node[01-16] node[1,3,5-7],\n"
	      "or --all.\n"
	      "\n"
	      "Options:\n"
	      "  -i, --inventory FILE    node inventory (default $NODEPOWER_INVENTORY, else\n"
	      "                          " DEFAULT_INVENTORY ")\n"
	      "  -c, --credentials FILE  credentials, mode 0600 or stricter (default\n"
	      "                          $NODEPOWER_CREDENTIALS, else NODEPOWER_USER and\n"
	      "                          NODEPOWER_PASSWORD, else " DEFAULT_CREDENTIALS ")\n"
	      "  -a, --all               every node in the inventory\n"
	      "  -f, --fanout N          nodes in flight at once (default 16)\n"
	      "  -t, --timeout S         seconds per node before it counts as timed out\n"
	      "                          (default 10; fractions allowed)\n"
	      "  -l, --list              show each node's backend and address; contact nothing\n"
	      "  -q, --quiet             no summary line\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "Exit status: 0 every node succeeded, 1 some node failed or timed out,\n"
	      "2 usage error, 3 inventory or credentials unusable.  See nodepower(8).\n",
	      f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(int code, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "nodepower: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	if (code == EXIT_USAGE)
		fputs("(see nodepower --help)\n", stderr);
	exit(code);
}

static char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, max + 1, f);
	fclose(f);
	if (*len > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	return buf;
}

struct run {
	const struct np_node **nodes;
	const struct np_cred **creds;
	struct np_request req;
	unsigned timeout_ms;
	const char *opname;
};

static int job(size_t idx, void *ctx, char *msg, size_t msglen)
{
	struct run *r = ctx;
	const struct np_node *n = r->nodes[idx];
	const struct np_backend *b = n->backend == NP_BACKEND_IPMI ? &np_backend_ipmi : &np_backend_qmp;

	return np_node_run(b, n, r->creds[idx], &r->req, r->timeout_ms, msg, msglen);
}

static void done(size_t idx, const struct np_result *res, void *ctx)
{
	struct run *r = ctx;

	if (res->outcome == NP_RESULT_TIMEOUT && strncmp(res->msg, "timeout after", 13) == 0)
		printf("%s: %s -> %s\n", r->nodes[idx]->name, r->opname, res->msg);
	else
		printf("%s: %s -> %s (%.2f s)\n", r->nodes[idx]->name, r->opname, res->msg, res->secs);
	fflush(stdout);
}

static int parse_op(const char *word, struct np_request *req)
{
	static const struct {
		const char *name;
		enum np_op op;
	} ops[] = { { "on", NP_OP_ON },	      { "off", NP_OP_OFF },	  { "soft", NP_OP_SOFT },
		    { "reset", NP_OP_RESET }, { "cycle", NP_OP_CYCLE },	  { "status", NP_OP_STATUS },
		    { "bootdev", NP_OP_BOOTDEV } };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(word, ops[i].name) == 0) {
			req->op = ops[i].op;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "inventory", required_argument, NULL, 'i' }, { "credentials", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },	       { "fanout", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },   { "list", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },	       { "help", no_argument, NULL, 'h' },
		{ "netboot", no_argument, NULL, 'N' },	       { "persistent", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *inv_path = getenv("NODEPOWER_INVENTORY"), *cred_path = getenv("NODEPOWER_CREDENTIALS");
	struct np_request req = { 0 };
	int all = 0, list = 0, quiet = 0, netboot = 0, persistent = 0, c;
	unsigned long fanout = 16;
	double timeout = 10;
	char err[512], *end;

	while ((c = getopt_long(argc, argv, "i:c:af:t:lqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': inv_path = optarg; break;
		case 'c': cred_path = optarg; break;
		case 'a': all = 1; break;
		case 'f':
			errno = 0;
			fanout = strtoul(optarg, &end, 10);
			if (errno || *end || fanout < 1 || fanout > 256)
				die(EXIT_USAGE, "--fanout must be 1..256 (one pipe per worker), not '%s'%s", optarg, "");
			break;
		case 't':
			errno = 0;
			timeout = strtod(optarg, &end);
			if (errno || *end || !(timeout >= 0.1 && timeout <= 3600))
				die(EXIT_USAGE, "--timeout must be 0.1..3600 seconds, not '%s'%s", optarg, "");
			break;
		case 'l': list = 1; break;
		case 'q': quiet = 1; break;
		case 'N': netboot = 1; break;
		case 'P': persistent = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (list && (all || (optind < argc && parse_op(argv[optind], &req) < 0)))
		req.op = NP_OP_STATUS; /* --list NODES: no operation needed */
	else if (optind >= argc)
		die(EXIT_USAGE, "no operation given%s%s", "", "");
	else if (parse_op(argv[optind++], &req) < 0)
		die(EXIT_USAGE, "unknown operation '%s'%s (on, off, soft, reset, cycle, status, bootdev)", argv[optind - 1],
		    "");
	if (req.op == NP_OP_BOOTDEV) {
		if (optind >= argc)
			die(EXIT_USAGE, "bootdev needs a device: pxe, disk or default%s%s", "", "");
		if (strcmp(argv[optind], "pxe") == 0)
			req.dev = NP_BOOT_PXE;
		else if (strcmp(argv[optind], "disk") == 0)
			req.dev = NP_BOOT_DISK;
		else if (strcmp(argv[optind], "default") == 0)
			req.dev = NP_BOOT_DEFAULT;
		else
			die(EXIT_USAGE, "unknown boot device '%s'%s (pxe, disk, default)", argv[optind], "");
		optind++;
		req.persistent = persistent;
	} else if (persistent) {
		die(EXIT_USAGE, "--persistent is for bootdev%s%s", "", "");
	}
	if (netboot && req.op != NP_OP_CYCLE)
		die(EXIT_USAGE, "--netboot is for cycle%s%s", "", "");
	req.netboot = netboot;
	if (all && optind < argc)
		die(EXIT_USAGE, "give NODES or --all, not both%s%s", "", "");
	if (!all && optind >= argc)
		die(EXIT_USAGE, "no nodes given (NODES or --all)%s%s", "", "");

	/* The inventory. */
	struct np_inventory inv = { 0 };
	size_t len;
	if (!inv_path)
		inv_path = DEFAULT_INVENTORY;
	char *text = read_file(inv_path, INVENTORY_FILE_MAX, &len);
	if (!text)
		die(EXIT_CONFIG, "inventory %s: %s", inv_path, strerror(errno));
	if (np_inventory_parse(text, len, inv_path, &inv, err, sizeof(err)) < 0)
		die(EXIT_CONFIG, "%s%s", err, "");
	free(text);

	/* The targets, in the order given. */
	struct np_names names = { 0 };
	if (all) {
		for (size_t i = 0; i < inv.n; i++)
			np_names_add(&names, inv.nodes[i].name);
	}
	for (int i = optind; i < argc; i++)
		if (np_range_expand(argv[i], &names, err, sizeof(err)) < 0)
			die(EXIT_USAGE, "%s%s", err, "");
	if (names.n == 0)
		die(EXIT_CONFIG, "inventory %s names no nodes%s", inv_path, "");

	const struct np_node **nodes = calloc(names.n, sizeof(*nodes));
	const struct np_cred **creds = calloc(names.n, sizeof(*creds));
	struct np_result *res = calloc(names.n, sizeof(*res));
	int need_creds = 0;
	if (!nodes || !creds || !res)
		die(EXIT_CONFIG, "out of memory%s%s", "", "");
	for (size_t i = 0; i < names.n; i++) {
		nodes[i] = np_inventory_find(&inv, names.v[i]);
		if (!nodes[i])
			die(EXIT_USAGE, "%s: not in the inventory %s", names.v[i], inv_path);
		need_creds |= nodes[i]->backend == NP_BACKEND_IPMI;
	}
	if (list) {
		for (size_t i = 0; i < names.n; i++) {
			const struct np_node *n = nodes[i];

			if (n->backend == NP_BACKEND_IPMI)
				printf("%s: ipmi %s:%u cipher %u credentials %s%s\n", n->name, n->addr,
				       n->port ? n->port : 623, n->cipher, n->cred, n->workarounds ? " (workarounds)" : "");
			else
				printf("%s: qmp %s\n", n->name, n->addr);
		}
		np_inventory_free(&inv);
		np_names_free(&names);
		free(nodes);
		free(creds);
		free(res);
		return 0;
	}

	/* Credentials: a file only its owner can read, or the environment;
	 * the password leaves our environment at once either way. */
	struct np_creds cr = { 0 };
	const char *cred_src = cred_path;
	int cred_rc = 0;
	if (need_creds) {
		if (cred_path) {
			cred_rc = np_creds_load(cred_path, geteuid(), &cr, err, sizeof(err));
		} else if (getenv("NODEPOWER_PASSWORD")) {
			cred_src = "the environment";
			cred_rc = np_creds_from_env(&cr, err, sizeof(err));
		} else if (access(DEFAULT_CREDENTIALS, F_OK) == 0) {
			cred_src = DEFAULT_CREDENTIALS;
			cred_rc = np_creds_load(DEFAULT_CREDENTIALS, geteuid(), &cr, err, sizeof(err));
		} else {
			snprintf(err, sizeof(err), "no credentials for the ipmi nodes: give --credentials FILE, or set "
						   "NODEPOWER_USER and NODEPOWER_PASSWORD");
			cred_rc = -1;
		}
	}
	/* unsetenv alone would leave the string in /proc/PID/environ (ours
	 * and every worker's): wipe it where it lies. */
	char *env_pw = getenv("NODEPOWER_PASSWORD");
	if (env_pw)
		explicit_bzero(env_pw, strlen(env_pw));
	unsetenv("NODEPOWER_PASSWORD");
	if (cred_rc < 0)
		die(EXIT_CONFIG, "%s%s", err, "");
	for (size_t i = 0; i < names.n; i++) {
		if (nodes[i]->backend != NP_BACKEND_IPMI)
			continue;
		creds[i] = np_creds_find(&cr, nodes[i]->cred);
		if (!creds[i]) {
			snprintf(err, sizeof(err), "%s: no credentials '%s' in %s", nodes[i]->name, nodes[i]->cred,
				 cred_src);
			die(EXIT_CONFIG, "%s%s", err, "");
		}
	}

	const char *opname = np_op_name(req.op);
	char opbuf[32];
	if (req.op == NP_OP_BOOTDEV) {
		snprintf(opbuf, sizeof(opbuf), "bootdev %s", np_bootdev_name(req.dev));
		opname = opbuf;
	} else if (req.netboot) {
		opname = "cycle --netboot";
	}
	struct run r = { nodes, creds, req, (unsigned)(timeout * 1000), opname };
	double t0 = now();
	int bad = np_fanout(names.n, fanout, r.timeout_ms, job, done, &r, res);
	size_t ok = 0, timedout = 0, failed = 0;
	for (size_t i = 0; i < names.n; i++) {
		ok += res[i].outcome == NP_RESULT_OK;
		timedout += res[i].outcome == NP_RESULT_TIMEOUT;
		failed += res[i].outcome == NP_RESULT_FAILED;
	}
	if (!quiet)
		fprintf(stderr, "nodepower: %s: %zu node%s: %zu ok, %zu timed out, %zu failed (%.2f s)\n", opname,
			names.n, names.n == 1 ? "" : "s", ok, timedout, failed, now() - t0);
	if (bad < 0)
		fprintf(stderr, "nodepower: could not start every worker: %s\n", strerror(errno));
	np_creds_free(&cr);
	np_inventory_free(&inv);
	np_names_free(&names);
	free(nodes);
	free(creds);
	free(res);
	return bad == 0 ? 0 : EXIT_NODES;
}

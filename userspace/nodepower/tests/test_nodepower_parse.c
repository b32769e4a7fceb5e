/* test_nodepower_parse.c - node ranges, the inventory, the credentials
 * file rules and the QMP reply parser: the pure parts of nodepower. */
#define _DEFAULT_SOURCE /* S_IFREG */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../../tests/unit/tap.h"
#include "../nodepower.h"
#include "../qmp_json.h"

/* Expand EXPR and join the names with spaces ("ERR: ..." on failure). */
static const char *expand(const char *expr)
{
	static char out[8192];
	struct np_names l = { 0 };
	char err[256];

	if (np_range_expand(expr, &l, err, sizeof(err)) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err);
	} else {
		out[0] = '\0';
		size_t o = 0;

		for (size_t i = 0; i < l.n && o + NP_NAME_MAX + 2 < sizeof(out); i++)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? " " : "", l.v[i]);
	}
	np_names_free(&l);
	return out;
}

static void test_ranges(void)
{
	struct np_names l = { 0 };
	char err[256];

	TAP_STREQ(expand("node1"), "node1", "range: a plain name");
	TAP_STREQ(expand("node[1-3]"), "node1 node2 node3", "range: node[1-3]");
	TAP_STREQ(expand("node[01-03]"), "node01 node02 node03", "range: leading zeros set the width");
	TAP_STREQ(expand("node[08-11]"), "node08 node09 node10 node11", "range: the width holds across a decade");
	TAP_STREQ(expand("node[1,3,5-7]"), "node1 node3 node5 node6 node7", "range: a list of terms");
	TAP_STREQ(expand("login,node[1-2]"), "login node1 node2", "range: top-level commas");
	TAP_STREQ(expand("r[1-2]n[1-2]"), "r1n1 r1n2 r2n1 r2n2", "range: two ranges multiply");
	TAP_STREQ(expand("node[1-2].ib"), "node1.ib node2.ib", "range: a suffix after the range");
	TAP_STREQ(expand("n[1-3],n2,n[3-4]"), "n1 n2 n3 n4", "range: duplicates dropped, first order kept");
	TAP_STREQ(expand("[7-8]"), "7 8", "range: a range alone");

	TAP_OK(strstr(expand("node[3-1]"), "backwards") != NULL, "range: a backwards range is refused");
	TAP_OK(strstr(expand("node[1-"), "without ']'") != NULL, "range: an unclosed bracket is refused");
	TAP_OK(strstr(expand("node1]"), "without '['") != NULL, "range: a stray ']' is refused");
	TAP_OK(strstr(expand("node[]"), "empty range") != NULL, "range: an empty range is refused");
	TAP_OK(strstr(expand("node[a-b]"), "N or N-M") != NULL, "range: letters in a range are refused");
	TAP_OK(strstr(expand("node[1,]"), "N or N-M") != NULL, "range: a trailing comma in a range is refused");
	TAP_OK(strstr(expand("a,,b"), "empty name") != NULL, "range: an empty name between commas is refused");
	TAP_OK(strstr(expand("a,"), "empty name") != NULL, "range: a trailing comma is refused");
	TAP_OK(strstr(expand("no de"), "may hold only") != NULL, "range: a space in a name is refused");
	TAP_OK(strstr(expand("n[[1]]"), "inside a range") != NULL, "range: nested brackets are refused");
	TAP_OK(strstr(expand("n[1-1234567890]"), "9 digits") != NULL, "range: numbers of 10 digits are refused");
	TAP_OK(strstr(expand("n[1-5000]"), "4096") != NULL, "range: more than 4096 names are refused");
	TAP_OK(strstr(expand("n[1-100]m[1-100]"), "4096") != NULL,
	       "range: a product of more than 4096 names is refused");
	TAP_OK(strstr(expand("n[0-4095]"), "ERR") == NULL, "range: exactly 4096 names are accepted");
	TAP_OK(strstr(expand("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijX[100-101]"), "63") != NULL,
	       "range: names longer than 63 characters are refused");
	TAP_OK(np_range_expand("", &l, err, sizeof(err)) < 0, "range: an empty expression is refused");
	np_names_free(&l);
}

static int parse_inv(const char *text, struct np_inventory *inv, char *err, size_t errlen)
{
	return np_inventory_parse(text, strlen(text), "inv", inv, err, errlen);
}

static void test_inventory(void)
{
	struct np_inventory inv = { 0 };
	const struct np_node *n;
	char err[512] = "";
	int rc;

	rc = parse_inv("# the rack\n"
		       "node[01-08] ipmi 10.0.1.[101-108] credentials=rack1 # BMCs\n"
		       "node09\tipmi bmc-%h.example port=6230 cipher=17 workaround=opensesspriv,authcap\n"
		       "vm[1-2] qmp /run/vms/%h.qmp\n"
		       "\n",
		       &inv, err, sizeof(err));
	TAP_OK(rc == 0 && inv.n == 11, "inventory: a rack of 8, one more BMC and two VMs (%s)", err);
	n = np_inventory_find(&inv, "node03");
	TAP_OK(n && strcmp(n->addr, "10.0.1.103") == 0 && n->backend == NP_BACKEND_IPMI && n->port == 0 &&
		       n->cipher == 3 && strcmp(n->cred, "rack1") == 0 && n->line == 2,
	       "inventory: node03 gets the third address of the range, defaults and credentials=");
	n = np_inventory_find(&inv, "node09");
	TAP_OK(n && strcmp(n->addr, "bmc-node09.example") == 0 && n->port == 6230 && n->cipher == 17 &&
		       n->workarounds == 0x11 && strcmp(n->cred, "default") == 0,
	       "inventory: %%h, port=, cipher=, workaround= (FreeIPMI's flags)");
	n = np_inventory_find(&inv, "vm2");
	TAP_OK(n && n->backend == NP_BACKEND_QMP && strcmp(n->addr, "/run/vms/vm2.qmp") == 0,
	       "inventory: a qmp node's socket path from %%h");
	TAP_OK(np_inventory_find(&inv, "node10") == NULL, "inventory: a node not listed is not found");
	np_inventory_free(&inv);

	static const struct {
		const char *text, *want, *what;
	} bad[] = {
		{ "n1 ipmi\n", "inv:1: want NODES BACKEND ADDRESS", "two words" },
		{ "n1 snmp a\n", "inv:1: unknown backend 'snmp'", "an unknown backend" },
		{ "n1 redfish a\n", "not implemented yet", "redfish is not faked" },
		{ "n[1-3] ipmi 10.0.0.[1-2]\n", "gives 2 addresses for 3 nodes", "a range of the wrong size" },
		{ "n[1-2] ipmi 10.0.0.1\n", "one address '10.0.0.1' for several nodes", "one address for two nodes" },
		{ "n1 ipmi a port=0\n", "port must be 1..65535", "port 0" },
		{ "n1 ipmi a port=65536\n", "port must be 1..65535", "port 65536" },
		{ "n1 ipmi a cipher=18\n", "cipher must be", "cipher 18" },
		{ "n1 ipmi a workaround=magic\n", "unknown workaround 'magic'", "an unknown workaround" },
		{ "n1 ipmi a colour=blue\n", "unknown key 'colour'", "an unknown key" },
		{ "n1 ipmi a port\n", "is not KEY=VALUE", "a key without a value" },
		{ "n1 ipmi a credentials=a/b\n", "credentials= takes one name", "a bad credentials name" },
		{ "n1 qmp run.sock\n", "absolute socket path", "a relative socket path" },
		{ "n1 qmp /s port=5\n", "has no port", "a port for qmp" },
		{ "n1 ipmi a\nn1 ipmi b\n", "inv:2: node n1 is defined already (line 1)", "a node defined twice" },
		{ "n[1-2 ipmi a\n", "without ']'", "a bad node range, with its line" },
		{ "n1 ipmi %x\n", "only %h and %% may follow", "an unknown %-escape" },
		{ "n1 ipmi a[1-2][3-4]\n", "one range", "two ranges in an address" },
		{ "a b c d e f g h i j k l m n o p q\n", "more than 16 words", "too many words" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		rc = parse_inv(bad[i].text, &inv, err, sizeof(err));
		TAP_OK(rc < 0 && strstr(err, bad[i].want), "inventory: refuses %s", bad[i].what);
		if (rc == 0 || !strstr(err, bad[i].want))
			printf("#   got '%s'\n", err);
		np_inventory_free(&inv);
	}
	char big[1200];
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	TAP_OK(parse_inv(big, &inv, err, sizeof(err)) < 0 && strstr(err, "longer than 1024"),
	       "inventory: a line longer than 1024 bytes is refused");
	np_inventory_free(&inv);
	TAP_OK(np_inventory_parse("n1 ipmi a\0b\n", 12, "inv", &inv, err, sizeof(err)) < 0 && strstr(err, "NUL"),
	       "inventory: a NUL byte is refused");
	np_inventory_free(&inv);
	TAP_OK(np_inventory_parse("n1 ipmi a", 9, "inv", &inv, err, sizeof(err)) == 0 && inv.n == 1,
	       "inventory: the last line needs no newline");
	np_inventory_free(&inv);
}

static void test_creds(void)
{
	struct np_creds c = { 0 };
	const struct np_cred *cr;
	char err[512] = "";
	const char *text = "# site credentials\n"
			   "default admin s3cret\n"
			   "rack1  root   pass with spaces  \n";
	int rc;

	TAP_OK(np_creds_check_mode(S_IFREG | 0600, 0, 1000, "f", err, sizeof(err)) == 0,
	       "credentials: mode 0600, owned by root: accepted");
	TAP_OK(np_creds_check_mode(S_IFREG | 0400, 1000, 1000, "f", err, sizeof(err)) == 0,
	       "credentials: mode 0400, owned by us: accepted");
	rc = np_creds_check_mode(S_IFREG | 0644, 0, 0, "/etc/np/creds", err, sizeof(err));
	TAP_OK(rc < 0 && strstr(err, "mode 0644") && strstr(err, "chmod 600 /etc/np/creds"),
	       "credentials: mode 0644 is refused, naming the file and the fix");
	TAP_OK(np_creds_check_mode(S_IFREG | 0640, 0, 0, "f", err, sizeof(err)) < 0,
	       "credentials: group-readable (0640) is refused");
	TAP_OK(np_creds_check_mode(S_IFREG | 0602, 0, 0, "f", err, sizeof(err)) < 0,
	       "credentials: world-writable (0602) is refused");
	TAP_OK(np_creds_check_mode(S_IFREG | 0600, 1001, 1000, "f", err, sizeof(err)) < 0 && strstr(err, "uid 1001"),
	       "credentials: a file of another user is refused");
	TAP_OK(np_creds_check_mode(S_IFDIR | 0700, 0, 0, "f", err, sizeof(err)) < 0,
	       "credentials: a directory is refused");

	rc = np_creds_parse(text, strlen(text), "creds", &c, err, sizeof(err));
	TAP_OK(rc == 0 && c.n == 2, "credentials: two entries parsed");
	cr = np_creds_find(&c, "rack1");
	TAP_OK(cr && strcmp(cr->user, "root") == 0 && strcmp(cr->password, "pass with spaces") == 0,
	       "credentials: the password is the rest of the line, trailing blanks trimmed");
	np_creds_free(&c);

	static const struct {
		const char *text, *want, *what;
	} bad[] = {
		{ "default admin\n", "creds:1: want NAME USER PASSWORD", "a line without a password" },
		{ "default averyveryverylongusername pw\n", "longer than 16", "a user name over 16 bytes" },
		{ "default admin 123456789012345678901\n", "longer than 20", "a password over 20 bytes" },
		{ "a u p\na u q\n", "creds:2: credentials 'a' defined twice", "a name defined twice" },
		{ "a/b u p\n", "credentials name", "a bad name" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		rc = np_creds_parse(bad[i].text, strlen(bad[i].text), "creds", &c, err, sizeof(err));
		TAP_OK(rc < 0 && strstr(err, bad[i].want), "credentials: refuses %s", bad[i].what);
		if (rc == 0 || !strstr(err, bad[i].want))
			printf("#   got '%s'\n", err);
		np_creds_free(&c);
	}
	/* No message may carry a password. */
	rc = np_creds_parse("x admin hunter2-but-far-too-long\n", 34, "creds", &c, err, sizeof(err));
	TAP_OK(rc < 0 && !strstr(err, "hunter2"), "credentials: an error never quotes the password");
	np_creds_free(&c);
}

static void test_qmp(void)
{
	struct qmp_reply r;
	const char *greet = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 19, \"minor\": 2, \"major\": 7}, "
			    "\"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}\r\n";
	const char *st = "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}}\r\n";
	const char *er = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid \\\"boot\\\" \\u00e9\"}}\r\n";
	const char *ev = "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESET\"}\r\n";
	const char *ev2 = "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}, "
			  "\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n";
	const char *hmp = "{\"return\": \"no function defined to set boot device list for this architecture\\r\\n\"}";

	TAP_OK(qmp_parse_line(greet, strlen(greet), &r) == 0 && r.kind == QMP_GREETING, "qmp: the greeting");
	TAP_OK(qmp_parse_line(st, strlen(st), &r) == 0 && r.kind == QMP_RETURN && strcmp(r.status, "running") == 0,
	       "qmp: query-status says running");
	TAP_OK(qmp_parse_line("{\"return\": {}}", 14, &r) == 0 && r.kind == QMP_RETURN && !r.status[0] && !r.text[0],
	       "qmp: an empty return");
	TAP_OK(qmp_parse_line(er, strlen(er), &r) == 0 && r.kind == QMP_ERROR &&
		       strcmp(r.text, "Invalid \"boot\" ?") == 0,
	       "qmp: an error's desc, escapes decoded, non-ASCII as '?'");
	TAP_OK(qmp_parse_line(ev2, strlen(ev2), &r) == 0 && r.kind == QMP_EVENT, "qmp: an event first");
	/* QEMU sends events with "timestamp" first (system_powerdown's
	 * POWERDOWN comes before its return). */
	TAP_OK(qmp_parse_line(ev, strlen(ev), &r) == 0 && r.kind == QMP_EVENT,
	       "qmp: an event whose first member is its timestamp");
	const char *nokind = "{\"id\": 1, \"data\": {}}", *twokinds = "{\"return\": {}, \"error\": {}}";
	TAP_OK(qmp_parse_line(nokind, strlen(nokind), &r) < 0, "qmp: a message of no known kind is refused");
	TAP_OK(qmp_parse_line(twokinds, strlen(twokinds), &r) < 0, "qmp: a message of two kinds is refused");
	TAP_OK(qmp_parse_line(hmp, strlen(hmp), &r) == 0 && r.kind == QMP_RETURN &&
		       strncmp(r.text, "no function defined", 19) == 0,
	       "qmp: HMP output as a return string");

	static const char *const bad[] = {
		"", "{", "{\"return\": }", "{\"return\": {\"status\": \"runn", "{\"return\": {}} x", "[1]",
		"{\"return\": {\"a\": tru}}", "{\"return\": \"\\x\"}", "{\"return\": {\"a\" 1}}", "{\"return\": -}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_OK(qmp_parse_line(bad[i], strlen(bad[i]), &r) < 0, "qmp: refuses malformed '%s'", bad[i]);

	char deep[200];
	size_t o = (size_t)snprintf(deep, sizeof(deep), "{\"return\": ");
	for (int i = 0; i < 40; i++)
		deep[o++] = '[';
	for (int i = 0; i < 40; i++)
		deep[o++] = ']';
	deep[o++] = '}';
	TAP_OK(qmp_parse_line(deep, o, &r) < 0, "qmp: nesting deeper than 32 levels is refused");
}

int main(void)
{
	test_ranges();
	test_inventory();
	test_creds();
	test_qmp();
	return tap_done();
}

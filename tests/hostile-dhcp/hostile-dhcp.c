/*
 * hostile-dhcp - a test-only DHCP server that answers a booting kernel's
 * DHCPDISCOVER and DHCPREQUEST with crafted options, to check how the
 * kernel's ipconfig parses them.  Never run it on a real network.
 *
 * usage: hostile-dhcp --iface IF --server IP --client IP --scenario NAME
 *                     [--rootpath PATH] [--log FILE]
 *
 * Every reply carries the message type (53), the server identifier (54)
 * and a lease time (51), then the scenario's options and the end option.
 * Scenarios (see scenario_options()):
 *   mid            short options 1, 3 and 26, each followed by another
 *                  option, then well-formed 1 and 3
 *   end-mask       a well-formed reply whose last option is a 1-byte
 *                  option 1, followed only by the end option
 *   end-gw         the same with option 3
 *   end-mtu        a good option 26 (1400), then a 1-byte option 26 at
 *                  the end
 *   rootpath       root path (17) "/tftpboot/%p%s%n"
 *   rootpath-subst host name (12) = the client address and root path
 *                  "/tftpboot/%s", the documented substitution
 *   overlong       255-byte host name, domain and NIS domain
 *   route121-prefix   option 3 (192.0.2.1), then option 121 whose first
 *                     route (default via 192.0.2.254) is good and whose
 *                     second has prefix length 33
 *   route121-cut      the same, but the second route is cut short by the
 *                     end of the option (2 of its 4 router bytes)
 *   route121-good     the control: option 3, then a well-formed option
 *                     121 (default via 192.0.2.254, 10.9.0.0/16 via
 *                     192.0.2.254)
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BOOTP_HDR 236		/* op .. file, before the magic cookie */
#define PKT_MAX 1472		/* UDP payload of a 1500-byte Ethernet frame */

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

static FILE *log_fp;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', log_fp);
	fflush(log_fp);
}

static int put(struct pkt *p, const void *src, size_t n)
{
	if (n > PKT_MAX - p->len)
		return -1;
	memcpy(p->b + p->len, src, n);
	p->len += n;
	return 0;
}

/* Append option CODE with LEN bytes of VAL (LEN may be shorter than VAL). */
static int opt(struct pkt *p, uint8_t code, uint8_t len, const void *val)
{
	uint8_t hdr[2] = { code, len };

	if (put(p, hdr, 2) < 0)
		return -1;
	return put(p, val, len);
}

static int opt_addr(struct pkt *p, uint8_t code, const char *dotted)
{
	struct in_addr a;

	if (inet_pton(AF_INET, dotted, &a) != 1)
		return -1;
	return opt(p, code, 4, &a);
}

static int opt_str(struct pkt *p, uint8_t code, const char *s)
{
	size_t n = strlen(s);

	return opt(p, code, (uint8_t)(n > 255 ? 255 : n), s);
}

static int scenario_options(struct pkt *p, const char *scenario,
			    const char *client, const char *rootpath)
{
	static const uint8_t mtu1500[2] = { 0x05, 0xdc }, mtu1400[2] = { 0x05, 0x78 };
	static const uint8_t zero = 0x00, two = 0x02, ff = 0xff;
	char longstr[256];
	int rc = 0;

	memset(longstr, 'x', 255);
	longstr[255] = '\0';

	if (strcmp(scenario, "mid") == 0) {
		/* 6.1 takes mask 0.3.1.0, gateway 0.26.2.5 and MTU 524 (0x020c)
		 * from these; a correct parser skips them and keeps
		 * 255.255.255.0, 192.0.2.1 and 1500.
		 */
		rc |= opt(p, 1, 1, &zero);
		rc |= opt(p, 3, 1, &zero);
		rc |= opt(p, 26, 2, mtu1500);
		rc |= opt(p, 26, 1, &two);
		rc |= opt_str(p, 12, "vboot-node");
		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 17, rootpath);
	} else if (strcmp(scenario, "end-mask") == 0 || strcmp(scenario, "end-gw") == 0) {
		/* The short option's value is 0x0f, and the end option comes
		 * next: 6.1 reads 0x0f, 0xff and two bytes past the packet.
		 */
		static const uint8_t v = 0x0f;

		rc |= opt_str(p, 12, "vboot-node");
		rc |= opt_str(p, 17, rootpath);
		if (strcmp(scenario, "end-mask") == 0) {
			rc |= opt_addr(p, 3, "192.0.2.1");
			rc |= opt(p, 1, 1, &v);
		} else {
			rc |= opt_addr(p, 1, "255.255.255.0");
			rc |= opt(p, 3, 1, &v);
		}
	} else if (strcmp(scenario, "end-mtu") == 0) {
		/* 6.1 takes MTU 0x05ff (1535) from 05 and the end option */
		static const uint8_t v = 0x05;

		rc |= opt_str(p, 12, "vboot-node");
		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 17, rootpath);
		rc |= opt(p, 26, 2, mtu1400);
		rc |= opt(p, 26, 1, &v);
	} else if (strcmp(scenario, "rootpath") == 0) {
		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 12, "vboot-node");
		rc |= opt_str(p, 17, "/tftpboot/%p%s%n");
	} else if (strcmp(scenario, "rootpath-subst") == 0) {
		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 12, client);
		rc |= opt_str(p, 17, "/tftpboot/%s");
	} else if (strcmp(scenario, "overlong") == 0) {
		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 12, longstr);
		rc |= opt_str(p, 15, longstr);
		rc |= opt_str(p, 40, longstr);
		rc |= opt_str(p, 17, rootpath);
	} else if (strncmp(scenario, "route121-", 9) == 0) {
		/* A kernel that knows option 121 and accepts it takes the
		 * gateway 192.0.2.254 from its default route and drops option
		 * 3's 192.0.2.1 (RFC 3442); one that rejects a bad option 121
		 * as a whole keeps 192.0.2.1.  Option 3 comes first, so a
		 * kernel that only ignores 121 keeps it either way.
		 */
		static const uint8_t prefix[] = {	/* 0.0.0.0/0 via .254, then /33 */
			0, 192, 0, 2, 254,
			33, 10, 9, 0, 0, 0, 192, 0, 2, 254,
		};
		static const uint8_t cut[] = {		/* 0.0.0.0/0 via .254, then 10.9/16 via 192.0. */
			0, 192, 0, 2, 254,
			16, 10, 9, 192, 0,
		};
		static const uint8_t good[] = {		/* 0.0.0.0/0 and 10.9/16 via .254 */
			0, 192, 0, 2, 254,
			16, 10, 9, 192, 0, 2, 254,
		};
		const char *v = scenario + 9;

		rc |= opt_addr(p, 1, "255.255.255.0");
		rc |= opt_addr(p, 3, "192.0.2.1");
		rc |= opt_str(p, 12, "vboot-node");
		rc |= opt_str(p, 17, rootpath);
		if (strcmp(v, "prefix") == 0)
			rc |= opt(p, 121, sizeof(prefix), prefix);
		else if (strcmp(v, "cut") == 0)
			rc |= opt(p, 121, sizeof(cut), cut);
		else if (strcmp(v, "good") == 0)
			rc |= opt(p, 121, sizeof(good), good);
		else
			return -2;
	} else {
		return -2;
	}
	rc |= put(p, &ff, 1);
	return rc ? -1 : 0;
}

/* The DHCP message type of a request, or 0 (a BOOTP request). */
static int request_type(const uint8_t *b, size_t len)
{
	size_t i = BOOTP_HDR + 4;

	while (i < len && b[i] != 0xff) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (len - i < 2 || b[i + 1] > len - i - 2)
			return 0;
		if (b[i] == 53 && b[i + 1] >= 1)
			return b[i + 2];
		i += 2u + b[i + 1];
	}
	return 0;
}

static int build_reply(struct pkt *p, const uint8_t *req, int type, const char *server,
		       const char *client, const char *scenario, const char *rootpath)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };
	static const uint8_t lease[4] = { 0, 0, 0x0e, 0x10 };	/* 3600 s */
	struct in_addr yi, si;
	uint8_t mt = type == 1 ? 2 : 5;	/* DISCOVER -> OFFER, else ACK */
	int rc;

	if (inet_pton(AF_INET, client, &yi) != 1 || inet_pton(AF_INET, server, &si) != 1)
		return -1;
	memset(p, 0, sizeof(*p));
	memcpy(p->b, req, BOOTP_HDR);
	p->b[0] = 2;				/* BOOTREPLY */
	p->b[3] = 0;				/* hops */
	memset(p->b + 12, 0, 4);		/* ciaddr */
	memcpy(p->b + 16, &yi, 4);		/* yiaddr */
	memcpy(p->b + 20, &si, 4);		/* siaddr */
	p->len = BOOTP_HDR;
	rc = put(p, cookie, 4);
	rc |= opt(p, 53, 1, &mt);
	rc |= opt_addr(p, 54, server);
	rc |= opt(p, 51, 4, lease);
	if (rc)
		return -1;
	return scenario_options(p, scenario, client, rootpath);
}

static void usage(void)
{
	fprintf(stderr, "usage: hostile-dhcp --iface IF --server IP --client IP --scenario NAME\n"
			"                    [--rootpath PATH] [--log FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *iface = NULL, *server = NULL, *client = NULL, *scenario = NULL;
	const char *rootpath = "/tftpboot/192.0.2.10", *logpath = NULL;
	struct sockaddr_in sa, to;
	struct pkt reply;
	uint8_t req[PKT_MAX];
	int fd, one = 1, i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--iface") == 0)
			iface = argv[i + 1];
		else if (strcmp(argv[i], "--server") == 0)
			server = argv[i + 1];
		else if (strcmp(argv[i], "--client") == 0)
			client = argv[i + 1];
		else if (strcmp(argv[i], "--scenario") == 0)
			scenario = argv[i + 1];
		else if (strcmp(argv[i], "--rootpath") == 0)
			rootpath = argv[i + 1];
		else if (strcmp(argv[i], "--log") == 0)
			logpath = argv[i + 1];
		else
			usage();
	}
	if (i != argc || !iface || !server || !client || !scenario)
		usage();
	log_fp = logpath ? fopen(logpath, "a") : stderr;
	if (!log_fp) {
		perror(logpath);
		return 1;
	}
	/* Check the scenario name before touching the network. */
	memset(req, 0, sizeof(req));
	if (build_reply(&reply, req, 1, server, client, scenario, rootpath) == -2) {
		fprintf(stderr, "hostile-dhcp: unknown scenario '%s'\n", scenario);
		return 2;
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface) + 1) < 0) {
		say("hostile-dhcp: socket on %s: %s", iface, strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(67);
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		say("hostile-dhcp: bind to port 67: %s", strerror(errno));
		return 1;
	}
	say("hostile-dhcp: scenario %s on %s, server %s, client %s", scenario, iface, server, client);

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(68);
	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	for (;;) {
		ssize_t n = recv(fd, req, sizeof(req), 0);
		int type;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			say("hostile-dhcp: recv: %s", strerror(errno));
			return 1;
		}
		if ((size_t)n < BOOTP_HDR + 4 || req[0] != 1)
			continue;
		type = request_type(req, (size_t)n);
		if (type != 1 && type != 3)
			continue;
		if (build_reply(&reply, req, type, server, client, scenario, rootpath) < 0) {
			say("hostile-dhcp: reply does not fit");
			return 1;
		}
		if (sendto(fd, reply.b, reply.len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			say("hostile-dhcp: sendto: %s", strerror(errno));
		else
			say("hostile-dhcp: %s -> %s, %zu bytes", type == 1 ? "DISCOVER" : "REQUEST",
			    type == 1 ? "OFFER" : "ACK", reply.len);
	}
}

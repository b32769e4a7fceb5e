// SPDX-License-Identifier: GPL-2.0
/*
 * rfc2131.c - DHCP server state machine (RFC 2131 4.3), BOOTP (RFC 951,
 * RFC 1542) and the option policy (RFC 2132, RFC 3442, PXE, iPXE).
 */
#define _GNU_SOURCE
#include "rfc2131.h"
#include "client_arch.h"
#include "rfc2132.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define BOOTP_LEASE (10LL * 365 * 24 * 3600)	/* BOOTP has no lease: "forever" */

/* What we know about the asking client. */
struct client {
	const struct dhcp_msg *m;
	const struct cfg_subnet *sub;
	const struct cfg_host *host;	/* static entry for its MAC, or NULL */
	uint8_t key[LEASE_KEY_MAX];
	size_t keylen;
	uint8_t mac[6];			/* zeros unless an Ethernet chaddr */
	char macs[20];
	char name[64];			/* host name for logs and option 12 */
};

static void say(struct dhcp_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct dhcp_reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->log, sizeof(r->log), fmt, ap);
	va_end(ap);
}

static const char *ip_str(uint32_t nip, char *buf)
{
	return inet_ntop(AF_INET, &nip, buf, INET_ADDRSTRLEN);
}

static int in_pool(const struct cfg_subnet *s, uint32_t nip)
{
	uint32_t ip = ntohl(nip);

	return s->pool_start && ip >= s->pool_start && ip <= s->pool_end;
}

static int is_static(void *ctx, uint32_t ip)
{
	return config_host_by_ip(ctx, htonl(ip)) != NULL;
}

/* May this client have nip?  Its static address, or a pool address that
 * is neither a static host's nor actively someone else's. */
static int ip_ok(const struct config *c, struct lease_store *ls, const struct client *cl,
		 uint32_t nip, int64_t now)
{
	const struct lease *l;

	if (cl->host && cl->host->ip)
		return nip == cl->host->ip;
	if (!in_pool(cl->sub, nip) || config_host_by_ip(c, nip))
		return 0;
	l = lease_by_ip(ls, ntohl(nip));
	if (!lease_active(l, now))
		return 1;
	return l->state != LEASE_DECLINED && l->keylen == cl->keylen &&
	       !memcmp(l->key, cl->key, cl->keylen);
}

/* ---- options ---- */

static const char *pick(const char *host, const char *sub, const char *global)
{
	return host && *host ? host : sub && *sub ? sub : global;
}

/* The boot file chosen for a client, and why (for the log and the
 * chainload guard). */
struct boot_pick {
	const char *file;
	int is_ipxe;
	const char *chain;		/* ipxe-chain-file in its scope, or NULL */
	const char *script;		/* ipxe-boot-file in its scope */
	enum chain_verdict verdict;	/* with chain: which stage the client is */
	int64_t since;			/* CHAIN_SECOND: when it loaded the chain file */
};

static const char *first_level(const struct cfg_boot *const lv[3], size_t off)
{
	for (int i = 0; i < 3; i++)
		if (lv[i] && ((const char *)lv[i] + off)[0])
			return (const char *)lv[i] + off;
	return NULL;
}

/* arch-boot-file for arch, the most specific level first; or NULL. */
static const char *arch_file(const struct cfg_boot *const lv[3], uint16_t arch)
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; lv[i] && j < lv[i]->narch; j++)
			if (lv[i]->arch[j].arch == arch)
				return lv[i]->arch[j].file;
	return NULL;
}

/* The boot file for this client: iPXE gets its script, firmware gets the
 * file for its architecture (93, or U-Boot's 60), everyone else the plain
 * boot file.  With ipxe-chain-file, an iPXE that has not fetched the chain
 * file from us is the NIC's own and gets the chain file first (chain.h). */
static void boot_file(const struct config *c, const struct client *cl,
		      const struct dhcp_ctx *ctx, struct boot_pick *bp)
{
	const struct cfg_boot *const lv[3] = { cl->host ? &cl->host->boot : NULL, &cl->sub->boot,
					       &c->global };
	size_t l;
	const uint8_t *uc = dhcp_get(cl->m, DHO_USER_CLASS, &l);
	uint16_t arch;

	memset(bp, 0, sizeof(*bp));
	bp->is_ipxe = dhcp_has(cl->m, DHO_IPXE_ENCAP) ||
		      (uc && ((l == 4 && !memcmp(uc, "iPXE", 4)) ||
			      (l == 5 && uc[0] == 4 && !memcmp(uc + 1, "iPXE", 4))));
	bp->script = first_level(lv, offsetof(struct cfg_boot, ipxe_file));
	/* The guard needs a MAC to follow the client by, and the table. */
	if (ctx->chain && cl->m->h.htype == 1 && cl->m->h.hlen == 6)
		bp->chain = first_level(lv, offsetof(struct cfg_boot, ipxe_chain_file));
	if (bp->is_ipxe && bp->script) {
		bp->file = bp->script;
		if (!bp->chain)
			return;
		bp->verdict = chain_classify(ctx->chain, cl->mac, ctx->now, &bp->since);
		if (bp->verdict == CHAIN_FIRST || bp->verdict == CHAIN_RESTART)
			bp->file = bp->chain;
		return;
	}
	bp->file = client_arch(cl->m, &arch) ? arch_file(lv, arch) : NULL;
	if (!bp->file)
		bp->file = pick(cl->host ? cl->host->boot.boot_file : NULL, cl->sub->boot.boot_file,
				c->global.boot_file);
	/* A vendor ROM (not iPXE) handed the chain file by arch-boot-file or
	 * boot-file is at the chain's first stage too. */
	if (bp->chain && strcmp(bp->file, bp->chain))
		bp->chain = NULL;
}

struct optset {
	const uint8_t *v[256];
	uint16_t len[256];
};

static void set_opt(struct optset *o, uint8_t code, const void *v, size_t len)
{
	o->v[code] = v;
	o->len[code] = (uint16_t)len;
}

static void add_cfg(struct optset *o, const struct cfg_options *co)
{
	for (size_t i = 0; i < co->n; i++)
		set_opt(o, co->v[i].code, co->v[i].data, co->v[i].len);
}

/* Puts the options out: the ones every client needs first (in the
 * options field, where clients that know no option 52 look), then the
 * client's order (55), then the rest, with option 82 last (RFC 3046).
 * The codec packs what follows the first ones into file/sname if needed. */
static void emit(struct dhcp_out *out, const struct optset *o, const struct dhcp_msg *m)
{
	static const uint8_t first[] = { DHO_MSG_TYPE, DHO_SERVER_ID, DHO_LEASE_TIME,
					 DHO_T1, DHO_T2, DHO_SUBNET_MASK };
	uint8_t done[256] = { 0 };
	struct dhcp_out_item rest[256];
	size_t n = 0, nrest = 0;
	const uint8_t *prl = dhcp_get(m, DHO_PRL, &n);

	for (size_t i = 0; i < sizeof(first); i++)
		if (o->v[first[i]]) {
			dhcp_out_opt(out, first[i], o->v[first[i]], o->len[first[i]]);
			done[first[i]] = 1;
		}
	for (size_t i = 0; prl && i < n; i++)
		if (o->v[prl[i]] && !done[prl[i]] && prl[i] != DHO_RELAY_AGENT) {
			rest[nrest++] = (struct dhcp_out_item){ prl[i], o->v[prl[i]], o->len[prl[i]] };
			done[prl[i]] = 1;
		}
	for (int c = 1; c < 255; c++)
		if (o->v[c] && !done[c] && c != DHO_RELAY_AGENT)
			rest[nrest++] = (struct dhcp_out_item){ (uint8_t)c, o->v[c], o->len[c] };
	if (o->v[DHO_RELAY_AGENT])
		rest[nrest++] = (struct dhcp_out_item){ DHO_RELAY_AGENT, o->v[DHO_RELAY_AGENT],
							o->len[DHO_RELAY_AGENT] };
	dhcp_out_opts(out, rest, nrest);
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Builds a BOOTREPLY/DHCP reply for yiaddr (network order). */
static void build(const struct config *c, const struct client *cl, const struct dhcp_ctx *ctx,
		  const struct boot_pick *bp, int type, uint32_t yiaddr, uint32_t lease,
		  struct dhcp_reply *r)
{
	const struct dhcp_msg *m = cl->m;
	struct bootp_hdr h = m->h;
	struct optset o;
	/* An INFORM is answered with an ACK that carries no address or lease. */
	uint8_t t = (uint8_t)(type == DHCPINFORM ? DHCPACK : type);
	uint8_t lt[4], t1[4], t2[4], bcast[4], pxe43[4] = { 6, 1, 8, 255 };
	char root[CFG_PATH_MAX], ns[INET_ADDRSTRLEN];
	const char *tmpl, *bf;
	uint32_t next = 0, bc;
	uint16_t mms = 0;
	size_t vl;
	const uint8_t *vc = dhcp_get(m, DHO_VENDOR_CLASS, &vl), *relay;

	memset(&o, 0, sizeof(o));
	h.op = BOOTREPLY;
	h.hops = 0;
	h.secs = 0;
	h.yiaddr = type == DHCPINFORM || type == DHCPNAK ? 0 : yiaddr;
	if (type == DHCPNAK) {
		h.ciaddr = 0;
		/* RFC 2131 4.3.2: through a relay, a NAK must be broadcast on
		 * the client's link (its address may be wrong there). */
		if (m->h.giaddr)
			h.flags |= BOOTP_BROADCAST;
	}
	h.sname[0] = 0;
	h.file[0] = 0;
	h.siaddr = 0;
	if (dhcp_get_u16(m, DHO_MAX_SIZE, &mms) < 0 || mms < DHCP_MIN_MAX_SIZE)
		mms = DHCP_MIN_MAX_SIZE;
	/* 57 counts the IP and UDP headers (28 bytes); stay under 1500 MTU. */
	mms = mms > 1500 ? 1500 : mms;
	dhcp_out_init(&r->out, &h, m->is_dhcp, (size_t)mms - 28);
	r->type = type;
	if (type == DHCPNAK) {
		set_opt(&o, DHO_MSG_TYPE, &t, 1);
		set_opt(&o, DHO_SERVER_ID, &ctx->server_ip, 4);
		relay = dhcp_get(m, DHO_RELAY_AGENT, &vl);
		if (relay)
			set_opt(&o, DHO_RELAY_AGENT, relay, vl);
		emit(&r->out, &o, m);
		dhcp_out_finish(&r->out);
		return;
	}
	/* Defaults first, then global, subnet and host options override. */
	set_opt(&o, DHO_SUBNET_MASK, &cl->sub->mask, 4);
	bc = cl->sub->net | ~cl->sub->mask;
	memcpy(bcast, &bc, 4);
	set_opt(&o, DHO_BROADCAST, bcast, 4);
	add_cfg(&o, &c->global.opts);
	add_cfg(&o, &cl->sub->boot.opts);
	if (cl->host)
		add_cfg(&o, &cl->host->boot.opts);
	if (cl->name[0] && !o.v[DHO_HOST_NAME])
		set_opt(&o, DHO_HOST_NAME, cl->name, strlen(cl->name));
	tmpl = pick(cl->host ? cl->host->boot.root_path : NULL, cl->sub->boot.root_path,
		    c->global.root_path);
	if (tmpl[0] && config_expand(tmpl, yiaddr ? yiaddr : m->h.ciaddr, cl->name, cl->mac,
				     root, sizeof(root)) == 0 && strlen(root) <= 255)
		set_opt(&o, DHO_ROOT_PATH, root, strlen(root));
	next = cl->host && cl->host->boot.next_server ? cl->host->boot.next_server :
	       cl->sub->boot.next_server ? cl->sub->boot.next_server : c->global.next_server;
	bf = bp->file;
	if (next) {
		h.siaddr = next;
		ip_str(next, ns);
		if (!o.v[DHO_TFTP_SERVER])
			set_opt(&o, DHO_TFTP_SERVER, ns, strlen(ns));
	} else {
		/* Like dnsmasq: we are the next server unless told otherwise.
		 * The kernel's ipconfig takes its NFS root server from siaddr. */
		h.siaddr = ctx->server_ip;
	}
	if (bf[0]) {
		/* A name too long for the file field goes only in option 67. */
		if (strlen(bf) < sizeof(h.file))
			strcpy(h.file, bf);
		set_opt(&o, DHO_BOOTFILE, bf, strlen(bf));
	}
	if (vc && vl >= 9 && !memcmp(vc, "PXEClient", 9)) {
		/* PXE ROMs ignore offers without 60 "PXEClient"; 43 with
		 * discovery control 8 says: boot the file, skip PXE menus. */
		set_opt(&o, DHO_VENDOR_CLASS, "PXEClient", 9);
		if (!o.v[DHO_VENDOR] && !bp->is_ipxe)
			set_opt(&o, DHO_VENDOR, pxe43, 4);
	}
	relay = dhcp_get(m, DHO_RELAY_AGENT, &vl);
	if (relay)
		set_opt(&o, DHO_RELAY_AGENT, relay, vl);
	if (m->is_dhcp && type) {
		set_opt(&o, DHO_MSG_TYPE, &t, 1);
		set_opt(&o, DHO_SERVER_ID, &ctx->server_ip, 4);
		if (type != DHCPINFORM) {
			be32(lt, lease);
			be32(t1, lease / 2);
			be32(t2, (uint32_t)((uint64_t)lease * 7 / 8));
			set_opt(&o, DHO_LEASE_TIME, lt, 4);
			set_opt(&o, DHO_T1, t1, 4);
			set_opt(&o, DHO_T2, t2, 4);
		}
	}
	/* The header is rewritten: siaddr and file were filled in above. */
	dhcp_out_init(&r->out, &h, m->is_dhcp, (size_t)mms - 28);
	if (!c->option_overload)
		dhcp_out_no_overload(&r->out);
	if (m->is_dhcp)
		emit(&r->out, &o, m);
	dhcp_out_finish(&r->out);
}

/* RFC 2131 4.1: where the reply goes. */
static void address(const struct dhcp_msg *m, int type, struct dhcp_reply *r)
{
	if (m->h.giaddr) {
		r->dest = DEST_RELAY;
		r->dst_ip = m->h.giaddr;
		r->dst_port = 67;
		return;
	}
	r->dst_port = 68;
	if (type == DHCPNAK) {
		r->dest = DEST_BROADCAST;
		r->dst_ip = INADDR_BROADCAST;
	} else if (m->h.ciaddr) {
		r->dest = DEST_CIADDR;
		r->dst_ip = m->h.ciaddr;
	} else if (m->h.flags & BOOTP_BROADCAST) {
		r->dest = DEST_BROADCAST;
		r->dst_ip = INADDR_BROADCAST;
	} else {
		r->dest = DEST_CHADDR;
		memcpy(&r->dst_ip, r->out.buf + 16, 4);
	}
}

static void logline(struct dhcp_reply *r, const struct client *cl, const struct dhcp_ctx *ctx,
		    const char *what, uint32_t ip)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	ip_str(ip, a);
	if (cl->m->h.giaddr)
		say(r, "%s %s to %s%s%s%s via %s (relay %s)", what, a, cl->macs,
		    cl->name[0] ? " (" : "", cl->name, cl->name[0] ? ")" : "", ctx->ifname,
		    ip_str(cl->m->h.giaddr, g));
	else
		say(r, "%s %s to %s%s%s%s via %s", what, a, cl->macs, cl->name[0] ? " (" : "",
		    cl->name, cl->name[0] ? ")" : "", ctx->ifname);
}

/* The chain step this reply is, for its log line. */
static void chain_note(struct dhcp_reply *r, const struct boot_pick *bp, int64_t now)
{
	size_t n = strlen(r->log);

	if (bp->verdict == CHAIN_SECOND)
		snprintf(r->log + n, sizeof(r->log) - n, " [chain 2/2: loaded %s %llds ago]",
			 bp->chain, (long long)(now - bp->since));
	else if (bp->verdict == CHAIN_STUCK)
		snprintf(r->log + n, sizeof(r->log) - n, " [chain: told %s %d times, never fetched "
			 "from us: the script instead]", bp->chain, CHAIN_MAX_ACKS);
	else if (bp->is_ipxe)
		snprintf(r->log + n, sizeof(r->log) - n, " [chain 1/2: replaces the NIC's iPXE%s]",
			 bp->verdict == CHAIN_RESTART ? "; its last chain expired" : "");
	else
		snprintf(r->log + n, sizeof(r->log) - n, " [chain 1/2]");
}

static int reply(const struct config *c, const struct client *cl, const struct dhcp_ctx *ctx,
		 int type, uint32_t ip, uint32_t lease, struct dhcp_reply *r)
{
	const char *label = NULL;
	struct boot_pick bp;
	uint16_t arch;
	size_t n;

	boot_file(c, cl, ctx, &bp);
	build(c, cl, ctx, &bp, type, ip, lease, r);
	address(cl->m, type, r);
	logline(r, cl, ctx, type == DHCPINFORM ? "DHCPACK (inform)" :
		type ? dhcp_msg_name(type) : "BOOTREPLY", ip);
	/* Name the boot file, and whether the client was taken for iPXE (a
	 * chainloaded iPXE must get its script, not the loader again). */
	if (bp.is_ipxe)
		label = "iPXE";
	else if (client_arch(cl->m, &arch))
		label = client_arch_label(arch);
	n = strlen(r->log);
	if (bp.file[0] || label)
		snprintf(r->log + n, sizeof(r->log) - n, " file %s%s%s%s", bp.file[0] ? bp.file : "-",
			 label ? " (" : "", label ? label : "", label ? ")" : "");
	if (bp.chain && type != DHCPNAK && type != DHCPINFORM) {
		/* The first stage is remembered by the address it will fetch
		 * the chain file from: TFTP knows its peer by nothing else. */
		if ((bp.verdict == CHAIN_FIRST || bp.verdict == CHAIN_RESTART) && ip)
			chain_served(ctx->chain, cl->mac, ip, bp.chain, bp.script ? bp.script : "",
				     type == DHCPACK || type == 0, ctx->now, c->ipxe_chain_timeout);
		chain_note(r, &bp, ctx->now);
	}
	/* Say when the client's size limit shaped the reply. */
	n = strlen(r->log);
	if (r->out.overflowed || r->out.dropped)
		snprintf(r->log + n, sizeof(r->log) - n,
			 "; %u options in file/sname, %u left out (limit %zu)",
			 r->out.overflowed, r->out.dropped, r->out.max);
	return 0;
}

static uint32_t lease_time(const struct client *cl)
{
	uint32_t want, t = cl->sub->lease_time;

	/* A client may ask for less, never for more (RFC 2131 4.3.1). */
	if (dhcp_has(cl->m, DHO_LEASE_TIME)) {
		const uint8_t *v = cl->m->data + cl->m->off[DHO_LEASE_TIME];

		want = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
		if (want >= 10 && want < t)
			t = want;
	}
	return t;
}

static int commit(struct lease_store *ls, const struct client *cl, uint32_t nip,
		  int64_t expires, struct dhcp_reply *r)
{
	/* Static addresses live in the config, not in the lease store. */
	if (cl->host && cl->host->ip == nip)
		return 0;
	if (lease_bind(ls, ntohl(nip), cl->key, cl->keylen, cl->mac, expires, cl->name) < 0)
		return -1;
	r->journaled = 1;
	return 0;
}

static int do_bootp(const struct config *c, struct lease_store *ls, const struct client *cl,
		    const struct dhcp_ctx *ctx, struct dhcp_reply *r)
{
	uint32_t ip = 0;

	if (!c->bootp)
		return say(r, "BOOTP request from %s ignored: bootp no", cl->macs), 0;
	if (cl->host && cl->host->ip) {
		ip = cl->host->ip;
	} else if (c->bootp_dynamic && cl->sub->pool_start) {
		const struct lease *l = lease_by_key(ls, cl->key, cl->keylen);

		if (l && in_pool(cl->sub, htonl(l->ip)) && ip_ok(c, ls, cl, htonl(l->ip), ctx->now))
			ip = htonl(l->ip);
		else
			ip = htonl(lease_alloc(ls, cl->sub->pool_start, cl->sub->pool_end, ctx->now,
					       is_static, (void *)c));
		if (!ip)
			return say(r, "BOOTP from %s: pool full", cl->macs), 0;
	} else {
		return say(r, "BOOTP from %s: no static address (bootp-dynamic no)", cl->macs), 0;
	}
	if (commit(ls, cl, ip, ctx->now + BOOTP_LEASE, r) < 0)
		return -1;
	return reply(c, cl, ctx, 0, ip, 0, r);
}

static int do_discover(const struct config *c, struct lease_store *ls, const struct client *cl,
		       const struct dhcp_ctx *ctx, struct dhcp_reply *r)
{
	const struct lease *l = lease_by_key(ls, cl->key, cl->keylen);
	uint32_t ip = 0, req;

	if (cl->host && cl->host->ip)
		ip = cl->host->ip;
	else if (l && l->state != LEASE_DECLINED && ip_ok(c, ls, cl, htonl(l->ip), ctx->now))
		ip = htonl(l->ip);
	else if (dhcp_get_ip(cl->m, DHO_REQUESTED_IP, &req) == 0 && ip_ok(c, ls, cl, req, ctx->now))
		ip = req;
	else if (cl->sub->pool_start)
		ip = htonl(lease_alloc(ls, cl->sub->pool_start, cl->sub->pool_end, ctx->now,
				       is_static, (void *)c));
	if (!ip)
		return say(r, "DHCPDISCOVER from %s: no address available", cl->macs), 0;
	if (!(cl->host && cl->host->ip == ip) &&
	    !lease_offer(ls, ntohl(ip), cl->key, cl->keylen, cl->mac, ctx->now + c->offer_time))
		return say(r, "DHCPDISCOVER from %s: out of memory", cl->macs), 0;
	return reply(c, cl, ctx, DHCPOFFER, ip, lease_time(cl), r);
}

static int nak(const struct config *c, const struct client *cl, const struct dhcp_ctx *ctx,
	       uint32_t ip, struct dhcp_reply *r)
{
	return reply(c, cl, ctx, DHCPNAK, ip, 0, r);
}

/* RFC 2131 4.3.2: which client state a DHCPREQUEST came from, for the log. */
static const char *request_state(const struct dhcp_msg *m, const struct dhcp_ctx *ctx, int selecting)
{
	return selecting ? "selecting" : dhcp_has(m, DHO_REQUESTED_IP) ? "init-reboot" :
	       ctx->broadcast ? "rebinding" : "renewing";
}

static void tag_state(struct dhcp_reply *r, const char *state)
{
	size_t n = strlen(r->log);

	snprintf(r->log + n, sizeof(r->log) - n, " [%s]", state);
}

static int do_request(const struct config *c, struct lease_store *ls, const struct client *cl,
		      const struct dhcp_ctx *ctx, struct dhcp_reply *r)
{
	uint32_t sid, ip = 0, t;
	int selecting = dhcp_get_ip(cl->m, DHO_SERVER_ID, &sid) == 0;
	const char *state = request_state(cl->m, ctx, selecting);
	const struct lease *l;
	char a[INET_ADDRSTRLEN];
	size_t n;

	if (selecting && sid != ctx->server_ip) {
		/* The client took another server's offer: let ours go. */
		l = lease_by_key(ls, cl->key, cl->keylen);
		if (l && l->state == LEASE_OFFERED)
			lease_release(ls, l->ip);
		return say(r, "%s", ""), 0;
	}
	if (dhcp_get_ip(cl->m, DHO_REQUESTED_IP, &ip) < 0)
		ip = cl->m->h.ciaddr;	/* renewing or rebinding */
	if (!ip)
		return say(r, "DHCPREQUEST from %s names no address", cl->macs), 0;
	if ((ip & cl->sub->mask) != cl->sub->net) {
		/* Init-reboot on a new network: tell it at once (4.3.2). */
		if (c->authoritative)
			return nak(c, cl, ctx, ip, r), tag_state(r, state), 0;
		return say(r, "DHCPREQUEST for %s from %s: wrong subnet [%s]", ip_str(ip, a), cl->macs,
			   state), 0;
	}
	if (c->lb.enabled && !selecting && !cl->host && !in_pool(cl->sub, ip) &&
	    !config_host_by_ip(c, ip))
		/* Load balancing: the other server's part of the pool.  A NAK
		 * would take a working lease from a client of the peer. */
		return say(r, "DHCPREQUEST for %s from %s: another server's pool", ip_str(ip, a),
			   cl->macs), 0;
	if (!ip_ok(c, ls, cl, ip, ctx->now)) {
		/* A NAK to a renewing or rebinding client says its lease is
		 * gone: the log says which. */
		if (selecting || c->authoritative || cl->host)
			return nak(c, cl, ctx, ip, r), tag_state(r, state), 0;
		return say(r, "DHCPREQUEST for %s from %s: not ours to give [%s]", ip_str(ip, a),
			   cl->macs, state), 0;
	}
	t = lease_time(cl);
	if (commit(ls, cl, ip, ctx->now + t, r) < 0)
		return -1;
	reply(c, cl, ctx, DHCPACK, ip, t, r);
	/* The state, and the lease granted (a renewal's schedule is T1 of it). */
	n = strlen(r->log);
	snprintf(r->log + n, sizeof(r->log) - n, " [%s] lease %us", state, t);
	return 0;
}

static int owns(struct lease_store *ls, const struct client *cl, uint32_t nip)
{
	const struct lease *l = lease_by_ip(ls, ntohl(nip));

	return l && l->keylen == cl->keylen && !memcmp(l->key, cl->key, cl->keylen);
}

static int do_decline(const struct config *c, struct lease_store *ls, const struct client *cl,
		      const struct dhcp_ctx *ctx, struct dhcp_reply *r)
{
	uint32_t ip;
	char a[INET_ADDRSTRLEN];

	if (dhcp_get_ip(cl->m, DHO_REQUESTED_IP, &ip) < 0 || !owns(ls, cl, ip))
		return say(r, "DHCPDECLINE from %s for an address it does not hold", cl->macs), 0;
	if (lease_decline(ls, ntohl(ip), ctx->now + c->decline_time) < 0)
		return -1;
	r->journaled = 1;
	return say(r, "DHCPDECLINE %s from %s: in use on the network, quarantined for %us",
		   ip_str(ip, a), cl->macs, c->decline_time), 0;
}

static int do_release(struct lease_store *ls, const struct client *cl, struct dhcp_reply *r)
{
	char a[INET_ADDRSTRLEN];

	if (cl->host && cl->host->ip && cl->host->ip == cl->m->h.ciaddr)
		return say(r, "DHCPRELEASE %s from %s (static, stays reserved)",
			   ip_str(cl->m->h.ciaddr, a), cl->macs), 0;

	if (!owns(ls, cl, cl->m->h.ciaddr))
		return say(r, "DHCPRELEASE from %s for an address it does not hold", cl->macs), 0;
	if (lease_release(ls, ntohl(cl->m->h.ciaddr)) < 0)
		return -1;
	r->journaled = 1;
	return say(r, "DHCPRELEASE %s from %s", ip_str(cl->m->h.ciaddr, a), cl->macs), 0;
}

/*
 * RFC 3074 load balancing (rfc3074.h): is this request another server's
 * to answer?  A client that already chose us (a SELECTING request naming
 * our server id is sorted out by do_request) or holds an address from our
 * part of the pool is ours whatever its hash; DECLINE and RELEASE concern
 * an address, not a choice of server, and are never skipped.
 */
static int lb_leaves_to_peer(const struct config *c, const struct client *cl,
			     const struct dhcp_ctx *ctx)
{
	const struct dhcp_msg *m = cl->m;
	struct rfc3074_query q = { .secs = m->h.secs };
	size_t idlen = 0;
	const uint8_t *id = dhcp_get(m, DHO_CLIENT_ID, &idlen);
	uint32_t sid, ip;

	if (!c->lb.enabled || m->msg_type == DHCPDECLINE || m->msg_type == DHCPRELEASE)
		return 0;
	if (m->msg_type == DHCPREQUEST) {
		if (dhcp_get_ip(m, DHO_SERVER_ID, &sid) == 0)
			return 0;
		if (dhcp_get_ip(m, DHO_REQUESTED_IP, &ip) < 0)
			ip = m->h.ciaddr;
		/* Unicast: renewing with us, the server that gave the lease. */
		q.bound_here = in_pool(cl->sub, ip) || !ctx->broadcast;
	}
	/* RFC 3074's STID: the client identifier, else the hardware address. */
	if (id && idlen) {
		q.stid = id;
		q.stid_len = idlen;
	} else {
		q.stid = m->h.chaddr;
		q.stid_len = m->h.hlen <= sizeof(m->h.chaddr) ? m->h.hlen : sizeof(m->h.chaddr);
	}
	return !rfc3074_answers(rfc3074_decide(&c->lb, ctx->lb_seen, &q, ctx->now));
}

int rfc2131_handle(const struct config *c, struct lease_store *ls,
		   const struct dhcp_msg *m, const struct dhcp_ctx *ctx,
		   struct dhcp_reply *r)
{
	struct client cl = { .m = m };
	size_t idlen = 0;
	const uint8_t *id = dhcp_get(m, DHO_CLIENT_ID, &idlen), *hn;
	/* The relay's address names the client's subnet, else our interface's. */
	uint32_t where = m->h.giaddr ? m->h.giaddr : ctx->server_ip;
	char a[INET_ADDRSTRLEN];

	r->dest = DEST_NONE;
	r->journaled = 0;
	r->type = 0;
	r->log[0] = 0;
	if (m->h.htype == 1 && m->h.hlen == 6)
		memcpy(cl.mac, m->h.chaddr, 6);
	snprintf(cl.macs, sizeof(cl.macs), "%02x:%02x:%02x:%02x:%02x:%02x", m->h.chaddr[0],
		 m->h.chaddr[1], m->h.chaddr[2], m->h.chaddr[3], m->h.chaddr[4], m->h.chaddr[5]);
	cl.keylen = lease_key(id, idlen, m->h.htype, m->h.chaddr, m->h.hlen, cl.key);
	cl.sub = config_subnet_of(c, where);
	if (!cl.sub)
		return say(r, "%s from %s via %s: no subnet for %s",
			   m->msg_type ? dhcp_msg_name(m->msg_type) : "BOOTREQUEST", cl.macs,
			   ctx->ifname, ip_str(where, a)), 0;
	if (m->h.htype == 1 && m->h.hlen == 6)
		cl.host = config_host_by_mac(c, cl.mac);
	/* A static address outside this subnet does not apply here. */
	if (cl.host && cl.host->ip && (cl.host->ip & cl.sub->mask) != cl.sub->net)
		cl.host = NULL;
	if (cl.host)
		snprintf(cl.name, sizeof(cl.name), "%s", cl.host->name);
	else if ((hn = dhcp_get(m, DHO_HOST_NAME, &idlen)))
		snprintf(cl.name, sizeof(cl.name), "%.*s", (int)(idlen < 63 ? idlen : 63), (const char *)hn);
	if (lb_leaves_to_peer(c, &cl, ctx))
		return say(r, "%s", ""), 0;	/* the peer server's client, as a SELECTING
						 * request naming another server is */
	if (!m->msg_type)
		return do_bootp(c, ls, &cl, ctx, r);
	if (!c->dhcp)
		return say(r, "DHCP from %s ignored: dhcp no", cl.macs), 0;
	switch (m->msg_type) {
	case DHCPDISCOVER:
		return do_discover(c, ls, &cl, ctx, r);
	case DHCPREQUEST:
		return do_request(c, ls, &cl, ctx, r);
	case DHCPDECLINE:
		return do_decline(c, ls, &cl, ctx, r);
	case DHCPRELEASE:
		return do_release(ls, &cl, r);
	case DHCPINFORM:
		if (!m->h.ciaddr)
			return say(r, "DHCPINFORM from %s without ciaddr", cl.macs), 0;
		return reply(c, &cl, ctx, DHCPINFORM, m->h.ciaddr, 0, r);
	default:
		return say(r, "%s from %s: not a client message", dhcp_msg_name(m->msg_type),
			   cl.macs), 0;
	}
}

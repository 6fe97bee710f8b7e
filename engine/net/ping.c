/*
 * ping ADDR [repeat N] [interval SEC]: ICMP echo from the engine itself.
 *
 * Requests are built here on the main thread (source: the first address of
 * the egress interface the FIB gives) and handed to a forwarding thread's
 * control-inject node, which sends them to ip4-lookup like any packet.
 * Replies come back through ip4-local's echo-reply hook. The loop that sends
 * and collects is shared with IPv6 (ping_run.c); this file parses the
 * command and knows IPv4.
 */
#define VN_LOG_MOD "ping"
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/icmp.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip4_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "net/ping6_priv.h"
#include "net/ping_priv.h"

#define PING_TTL 64

struct ping_route {
	uint32_t src;
	uint16_t if_index;
};

static int
ping_route(uint32_t dst, struct ping_route *pr, struct vn_cli_out *out)
{
	struct vn_route_info ri;
	const struct vn_adj *adj;
	const struct vn_interface *ifp;
	char a[16];
	int i;

	if (vn_fib_lookup(dst, &ri) < 0 || ri.is_drop || ri.n_paths == 0)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip4(dst, a));
	adj = vn_adj_get(ri.adj[0]);
	if (!adj || adj->type == VN_ADJ_UNREACH || adj->type == VN_ADJ_DROP)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip4(dst, a));
	if (adj->type == VN_ADJ_LOCAL) {
		/* One of ours: ip4-local answers it, and the reply comes back here. */
		i = vn_interface_for_addr(dst);
		pr->src = dst;
		pr->if_index = i >= 0 ? i : 0;
		return 0;
	}
	ifp = vn_interface_get(adj->tx_if);
	if (!ifp || ifp->n_addrs == 0)
		return vn_cli_error(out, "interface %s has no address to ping from",
				    ifp ? ifp->name : "?");
	pr->src = ifp->addrs[0].addr;
	for (uint32_t k = 0; k < ifp->n_addrs; k++) /* prefer the next hop's subnet */
		if (((adj->nh ? adj->nh : dst) & vn_prefix_mask(ifp->addrs[k].len)) ==
		    (ifp->addrs[k].addr & vn_prefix_mask(ifp->addrs[k].len)))
			pr->src = ifp->addrs[k].addr;
	pr->if_index = adj->tx_if;
	return 0;
}

static struct rte_mbuf *
ping_build(const struct ping_route *pr, uint32_t dst, uint16_t id, uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	uint16_t len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + VN_PING_DATA;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint8_t *data;
	uint64_t tsc = rte_rdtsc();

	if (!m)
		return NULL;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (!ip) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(len),
		.packet_id = rte_cpu_to_be_16((uint16_t)rte_rand()),
		.time_to_live = PING_TTL,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = rte_cpu_to_be_32(pr->src),
		.dst_addr = rte_cpu_to_be_32(dst),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	*icmp = (struct rte_icmp_hdr){
		.icmp_type = VN_ICMP_ECHO_REQUEST,
		.icmp_ident = rte_cpu_to_be_16(id),
		.icmp_seq_nb = rte_cpu_to_be_16(seq),
	};
	data = (uint8_t *)(icmp + 1);
	memcpy(data, &tsc, sizeof(tsc));
	for (uint32_t i = sizeof(tsc); i < VN_PING_DATA; i++)
		data[i] = (uint8_t)i;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, len - sizeof(*ip));
	vn_meta_reset(m);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	/* No arrival interface; nodes that charge one (drops) get the egress. */
	vn_meta(m)->rx_if = pr->if_index;
	vn_meta(m)->tx_if = pr->if_index;
	return m;
}

struct ping4 {
	struct ping_route pr;
	uint32_t dst;
};

static struct rte_mbuf *
ping4_build(struct vn_ping *p, uint16_t seq)
{
	struct ping4 *c = p->ctx;

	return ping_build(&c->pr, c->dst, p->id, seq);
}

static bool
ping4_parse(struct vn_ping *p, struct rte_mbuf *m, uint16_t *seq, uint32_t *bytes, uint8_t *hops)
{
	const struct ping4 *c = p->ctx;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t hl = (ip->version_ihl & 0xf) * 4;
	const struct rte_icmp_hdr *icmp = (const void *)((const uint8_t *)ip + hl);

	if (rte_pktmbuf_data_len(m) < hl + sizeof(*icmp) ||
	    rte_be_to_cpu_32(ip->src_addr) != c->dst || rte_be_to_cpu_16(icmp->icmp_ident) != p->id)
		return false;
	*seq = rte_be_to_cpu_16(icmp->icmp_seq_nb);
	*bytes = rte_be_to_cpu_16(ip->total_length) - hl;
	*hops = ip->time_to_live;
	return true;
}

static void
ping4_set_hook(void (*hook)(struct rte_mbuf *m))
{
	vn_ip4_local_set_echo_reply_hook(hook);
}

/* fe80::1%IF: an IPv6 address with its interface, as Linux writes it. */
static bool
ping_zone_arg(struct vn_cli_args *args, struct vn_ip6 *dst, uint32_t *if_index)
{
	char word[VN_IP6_STRLEN + VN_IFNAME_MAX + 2], *pct;
	const struct vn_interface *ifp;

	if (!vn_cli_arg_word(args, "ADDR%IF", word, sizeof(word)))
		return false;
	pct = strchr(word, '%');
	if (!pct)
		return false;
	*pct = 0;
	ifp = vn_interface_by_name(pct + 1);
	if (vn_parse_ip6(word, dst) < 0 || !ifp)
		return false;
	*if_index = ifp->if_index;
	return true;
}

static int
ping_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct ping4 c;
	struct vn_ping p = {
		.hops_name = "ttl",
		.id = (uint16_t)rte_rand(),
		.repeat = 5,
		.ctx = &c,
		.build = ping4_build,
		.parse = ping4_parse,
		.set_hook = ping4_set_hook,
	};
	uint32_t source = VN_IF_ANY;
	double interval = 1.0;
	char word[64], a[16];
	struct vn_ip6 dst6;
	bool is_ip6 = false;

	if (!vn_cli_arg_ip4(args, &c.dst)) {
		if (vn_cli_arg_ip6(args, &dst6))
			is_ip6 = true;
		else if (!ping_zone_arg(args, &dst6, &source))
			return vn_cli_unexpected(args);
		else
			is_ip6 = true;
	}
	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "repeat")) {
			if (!vn_cli_arg_u32_range(args, 1, VN_PING_MAX_REPEAT, &p.repeat))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "interval")) {
			char *end;
			if (!vn_cli_arg_word(args, "SEC", word, sizeof(word)))
				return vn_cli_unexpected(args);
			interval = strtod(word, &end);
			if (*end || !(interval >= 0.001 && interval <= 10))
				return vn_cli_error(out, "interval: seconds from 0.001 to 10, not '%s'",
						    word);
		} else if (vn_cli_arg_keyword(args, "source")) {
			if (!vn_cli_arg_ifname(args, &source))
				return vn_cli_unexpected(args);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (p.repeat * interval > 60)
		return vn_cli_error(out, "repeat x interval is over 60 s; the CLI waits for ping");
	if (is_ip6)
		return vn_ping6(out, &dst6, source, p.repeat, interval);
	if (source != VN_IF_ANY)
		return vn_cli_error(out, "source: for IPv6 link-local destinations only");
	if (ping_route(c.dst, &c.pr, out) < 0)
		return -1;
	p.dst = vn_fmt_ip4(c.dst, a);
	return vn_ping_run(out, &p, interval);
}

VN_CLI_COMMAND(ping) = {
	.path = "ping",
	.syntax = "ADDR[%IF] [source IF] [repeat N] [interval SEC]",
	.help = "ICMP or ICMPv6 echo from the engine (default 5 requests, 1 s apart, 1 s timeout); "
		"a link-local destination names its interface (source IF, or fe80::1%IF)",
	.fn = ping_fn,
};

/*
 * ping X:X::X [repeat N] [interval SEC]: ICMPv6 echo from the engine, the
 * IPv6 half of `ping` (ping.c hands over when the address is IPv6), built
 * the same way: requests made here on the main thread (source: our address
 * on the egress interface, in the destination's or next hop's prefix when
 * one is), handed to a forwarding thread's control-inject node, which sends
 * them to ip6-lookup; replies come back through ip6-local's echo-reply hook,
 * and the loop that sends and collects is shared with IPv4 (ping_run.c).
 *
 * Link-local destinations name their interface (`ping fe80::1 source IF`
 * or `ping fe80::1%IF`): no route leads to them, so the requests are whole
 * frames from our link-local address to the neighbour's MAC, which
 * control-inject hands straight to interface-output. An unknown neighbour is
 * solicited first (up to VN_PING_TIMEOUT_MS).
 */
#define VN_LOG_MOD "ping"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "net/ping6_priv.h"
#include "net/ping_priv.h"

#define PING6_HOP_LIMIT 64

/* Our source address and the egress interface towards dst. */
static int
ping6_route(const struct vn_ip6 *dst, struct vn_ip6 *src, uint16_t *if_index,
	    struct vn_cli_out *out)
{
	struct vn_route6_info ri;
	const struct vn_if_fp *fp;
	const struct vn_adj *adj;
	char a[VN_IP6_STRLEN];

	if (vn_ip6_is_multicast(dst))
		return vn_cli_error(out, "ping %s: multicast destinations are not supported",
				    vn_fmt_ip6(dst, a));
	if (vn_fib6_lookup(dst, &ri) < 0 || ri.is_drop)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	adj = vn_adj_get(ri.adj[0] & ~VN_FIB_NH_ECMP);
	if (ri.adj[0] & VN_FIB_NH_ECMP || !adj || adj->type == VN_ADJ_UNREACH ||
	    adj->type == VN_ADJ_DROP)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	if (adj->type == VN_ADJ_LOCAL) {
		/* One of ours: ip6-local answers it, and the reply comes back here. */
		int i = vn_interface_for_addr6(dst);
		*src = *dst;
		*if_index = i >= 0 ? (uint16_t)i : 0;
		return 0;
	}
	fp = vn_if_fp(adj->tx_if);
	if (!fp)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	*src = *vn_if_src6(fp, adj->type == VN_ADJ_GLEAN ? dst : &adj->nh6);
	*if_index = adj->tx_if;
	return 0;
}

static struct rte_mbuf *
ping6_build(const struct vn_ip6 *src, const struct vn_ip6 *dst, uint16_t if_index, uint16_t id,
	    uint16_t seq)
{
	uint16_t len = sizeof(struct rte_ipv6_hdr) + sizeof(struct vn_icmp6_hdr) + VN_PING_DATA;
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	struct rte_ipv6_hdr *ip;
	struct vn_icmp6_hdr *icmp;
	uint64_t tsc = rte_rdtsc();
	uint8_t *data;

	if (!m)
		return NULL;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, len);
	if (!ip) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(len - sizeof(*ip)),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = PING6_HOP_LIMIT,
	};
	memcpy(ip->src_addr, src->b, 16);
	memcpy(ip->dst_addr, dst->b, 16);
	icmp = (struct vn_icmp6_hdr *)(ip + 1);
	*icmp = (struct vn_icmp6_hdr){
		.type = VN_ICMP6_ECHO_REQUEST,
		.data = rte_cpu_to_be_32((uint32_t)id << 16 | seq),
	};
	data = (uint8_t *)(icmp + 1);
	memcpy(data, &tsc, sizeof(tsc));
	for (uint32_t i = sizeof(tsc); i < VN_PING_DATA; i++)
		data[i] = (uint8_t)i;
	icmp->cksum = vn_ip6_l4_cksum(ip, icmp, len - sizeof(*ip), VN_IP6_NH_ICMP6);
	vn_meta_reset(m);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	vn_meta(m)->rx_if = if_index;
	vn_meta(m)->tx_if = if_index;
	return m;
}

struct ping6 {
	struct vn_ip6 dst, src;
	uint16_t if_index;
	bool on_link; /* link-local: whole frames to the neighbour's MAC */
};

static struct rte_mbuf *
ping6_request(struct vn_ping *p, uint16_t seq)
{
	const struct ping6 *c = p->ctx;
	struct rte_mbuf *m = ping6_build(&c->src, &c->dst, c->if_index, p->id, seq);
	struct vn_neighbor6_info ni;
	const struct vn_if_fp *fp;

	if (!m || !c->on_link)
		return m;
	fp = vn_if_fp(c->if_index);
	/* The neighbour may have gone since: then this one is lost, as on Linux. */
	if (!fp || vn_neighbor6_get(c->if_index, &c->dst, &ni) < 0 ||
	    !vn_ip6_prepend_l2(m, fp, ni.mac)) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	vn_meta(m)->flags |= VN_META_F_L2_READY;
	return m;
}

static bool
ping6_parse(struct vn_ping *p, struct rte_mbuf *m, uint16_t *seq, uint32_t *bytes, uint8_t *hops)
{
	const struct ping6 *c = p->ctx;
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const struct vn_icmp6_hdr *icmp;
	struct vn_ip6_walk w;
	uint32_t data;

	if (vn_ip6_walk((const uint8_t *)ip, rte_pktmbuf_data_len(m), &w) != VN_IP6_WALK_OK ||
	    w.l4_off + sizeof(*icmp) > rte_pktmbuf_data_len(m) ||
	    memcmp(ip->src_addr, c->dst.b, 16) != 0)
		return false;
	icmp = (const void *)((const uint8_t *)ip + w.l4_off);
	data = rte_be_to_cpu_32(icmp->data);
	if ((data >> 16) != p->id)
		return false;
	*seq = (uint16_t)data;
	*bytes = rte_pktmbuf_data_len(m) - w.l4_off;
	*hops = ip->hop_limits;
	return true;
}

static void
ping6_set_hook(void (*hook)(struct rte_mbuf *m))
{
	vn_ip6_local_set_echo_reply_hook(hook);
}

/* A link-local destination: our link-local source on if_index, and the
 * neighbour's MAC, solicited first if unknown. */
static int
ping6_on_link(struct vn_cli_out *out, struct ping6 *c, uint32_t if_index)
{
	uint64_t hz = rte_get_tsc_hz(), deadline;
	const struct vn_if_fp *fp = if_index < VN_IF_MAX ? vn_if_fp(if_index) : NULL;
	struct rte_mbuf *ns;
	char a[VN_IP6_STRLEN];

	if (if_index == VN_IF_ANY)
		return vn_cli_error(out, "ping %s: a link-local destination needs its interface "
					 "(source IF, or ADDR%%IF)",
				    vn_fmt_ip6(&c->dst, a));
	if (!fp)
		return vn_cli_error(out, "no such interface");
	c->if_index = (uint16_t)if_index;
	c->src = fp->ll6;
	c->on_link = true;
	if (vn_neighbor6_get(if_index, &c->dst, NULL) == 0)
		return 0;
	ns = vn_nd6_ns_build(fp, &c->dst, &fp->ll6, NULL);
	if (ns) {
		vn_meta(ns)->flags |= VN_META_F_L2_READY;
		vn_nd6_send(ns);
	}
	deadline = rte_rdtsc() + hz / 1000 * VN_PING_TIMEOUT_MS;
	while (vn_engine_running() && rte_rdtsc() < deadline) {
		vn_ping_idle();
		if (vn_neighbor6_get(if_index, &c->dst, NULL) == 0)
			return 0;
	}
	return vn_cli_error(out, "ping %s: no neighbour answers on that interface",
			    vn_fmt_ip6(&c->dst, a));
}

int
vn_ping6(struct vn_cli_out *out, const struct vn_ip6 *dst, uint32_t source, uint32_t repeat,
	 double interval)
{
	struct ping6 c = {.dst = *dst};
	struct vn_ping p = {
		.hops_name = "hlim",
		.id = (uint16_t)rte_rand(),
		.repeat = repeat,
		.ctx = &c,
		.build = ping6_request,
		.parse = ping6_parse,
		.set_hook = ping6_set_hook,
	};
	char a[VN_IP6_STRLEN];

	if (vn_ip6_is_link_local(dst)) {
		if (ping6_on_link(out, &c, source) < 0)
			return -1;
	} else if (source != VN_IF_ANY) {
		return vn_cli_error(out, "source: for link-local destinations only");
	} else if (ping6_route(dst, &c.src, &c.if_index, out) < 0) {
		return -1;
	}
	p.dst = vn_fmt_ip6(dst, a);
	return vn_ping_run(out, &p, interval);
}

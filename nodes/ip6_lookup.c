/*
 * ip6-lookup: longest-prefix match of the destination in rte_lpm6, the whole
 * vector in one bulk lookup, then the adjacency decides the next node, as
 * in ip4-lookup. ECMP groups pick a path by a flow hash (addresses, flow
 * label, next header). A run of results equal to the last rewrite next hop
 * reuses its adjacency without reading the adjacency table.
 *
 * A packet from a link-local source is never forwarded (RFC 4291 2.5.6):
 * anything but a local destination is answered destination unreachable,
 * beyond scope of source address.
 *
 * Reads: the IPv6 header at data offset 0 (destination; source, flow label
 * and next header for ECMP and the scope test); vn_meta.flags.
 * Writes: vn_meta.adj; hash (ECMP); icmp_type/icmp_code for unreachable;
 * drops: vn_buf.error.
 * Nexts: error-drop (0), ip6-rewrite, ip6-local, ip6-glean, ip6-icmp-error.
 * Errors: counters: no route, link-local source not forwarded (both go on to
 * ip6-icmp-error, which answers); drop reason: dropped by a drop route.
 */
#include <rte_lpm6.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <string.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/ip6.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum {
	LOOKUP6_NEXT_DROP,
	LOOKUP6_NEXT_REWRITE,
	LOOKUP6_NEXT_LOCAL,
	LOOKUP6_NEXT_GLEAN,
	LOOKUP6_NEXT_ICMP_ERROR,
	LOOKUP6_N_NEXT,
};

enum { LOOKUP6_ERR_NO_ROUTE, LOOKUP6_ERR_SCOPE, LOOKUP6_ERR_BLACKHOLE, LOOKUP6_N_ERR };

static const char *const lookup6_errors[] = {
	[LOOKUP6_ERR_NO_ROUTE] = "no route to destination",
	[LOOKUP6_ERR_SCOPE] = "link-local source not forwarded",
	[LOOKUP6_ERR_BLACKHOLE] = "dropped by a drop route",
};

static const uint16_t next_by_adj[] = {
	[VN_ADJ_UNREACH] = LOOKUP6_NEXT_ICMP_ERROR,
	[VN_ADJ_DROP] = LOOKUP6_NEXT_DROP,
	[VN_ADJ_LOCAL] = LOOKUP6_NEXT_LOCAL,
	[VN_ADJ_GLEAN] = LOOKUP6_NEXT_GLEAN,
	[VN_ADJ_INCOMPLETE] = LOOKUP6_NEXT_GLEAN,
	[VN_ADJ_REWRITE] = LOOKUP6_NEXT_REWRITE,
};

static inline uint32_t
flow_hash6(const struct rte_ipv6_hdr *ip)
{
	uint32_t h = rte_hash_crc(ip->src_addr, 32, ip->vtc_flow & rte_cpu_to_be_32(0xfffff));

	return rte_hash_crc_4byte(ip->proto, h);
}

/* Everything but a plain rewrite adjacency for a global source. */
static __rte_noinline uint16_t
lookup6_slow(struct vn_node *node, struct rte_mbuf *m, uint32_t nh, uint32_t *counts)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct vn_meta *md = vn_meta(m);
	const struct vn_adj *adj;

	if (nh & VN_FIB_NH_ECMP)
		md->hash = flow_hash6(ip);
	adj = vn_fib_adj(nh, md->hash);
	md->adj = adj;
	if (adj->type == VN_ADJ_LOCAL)
		return LOOKUP6_NEXT_LOCAL;
	if (vn_ip6_is_link_local((const struct vn_ip6 *)ip->src_addr) &&
	    !(md->flags & VN_META_F_LOCAL_ORIGIN)) {
		md->icmp_type = VN_ICMP6_DEST_UNREACH;
		md->icmp_code = VN_ICMP6_CODE_BEYOND_SCOPE;
		counts[LOOKUP6_ERR_SCOPE]++;
		return LOOKUP6_NEXT_ICMP_ERROR;
	}
	if (adj->type == VN_ADJ_UNREACH) {
		md->icmp_type = VN_ICMP6_DEST_UNREACH;
		md->icmp_code = VN_ICMP6_CODE_NO_ROUTE;
		counts[LOOKUP6_ERR_NO_ROUTE]++;
	} else if (adj->type == VN_ADJ_DROP) {
		vn_drop_reason(node, m, LOOKUP6_ERR_BLACKHOLE);
	}
	return next_by_adj[adj->type];
}

static uint16_t
lookup6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint8_t dst[VN_FRAME_SIZE][RTE_LPM6_IPV6_ADDR_SIZE];
	int32_t res[VN_FRAME_SIZE];
	uint32_t hops[VN_FRAME_SIZE];
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t counts[LOOKUP6_N_ERR] = {0};
	const struct vn_adj *last_adj = NULL;
	uint32_t last_nh = UINT32_MAX;
	bool all_rewrite = true;

	for (uint16_t i = 0; i < n; i++)
		memcpy(dst[i], rte_pktmbuf_mtod(pkts[i], const struct rte_ipv6_hdr *)->dst_addr, 16);
	rte_lpm6_lookup_bulk_func(vn_fib6, dst, res, n);
	for (uint16_t i = 0; i < n; i++)
		hops[i] = vn_fib6_nh(res[i]);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *src = rte_pktmbuf_mtod(m, const uint8_t *) + 8;

		/* A link-local source (fe80::/10) takes the slow path, which refuses it. */
		if (likely(hops[i] == last_nh && (src[0] != 0xfe || (src[1] & 0xc0) != 0x80))) {
			vn_meta(m)->adj = last_adj;
			nexts[i] = LOOKUP6_NEXT_REWRITE;
			continue;
		}
		if (!(hops[i] & VN_FIB_NH_ECMP) && (src[0] != 0xfe || (src[1] & 0xc0) != 0x80)) {
			const struct vn_adj *adj = vn_adj_get(hops[i]);
			if (likely(adj->type == VN_ADJ_REWRITE)) {
				vn_meta(m)->adj = adj;
				nexts[i] = LOOKUP6_NEXT_REWRITE;
				last_nh = hops[i];
				last_adj = adj;
				continue;
			}
		}
		nexts[i] = lookup6_slow(node, m, hops[i], counts);
		all_rewrite = false;
	}
	vn_node_count_errors(node, counts, LOOKUP6_ERR_NO_ROUTE, LOOKUP6_ERR_SCOPE + 1);
	if (likely(all_rewrite))
		vn_enqueue(g, node, LOOKUP6_NEXT_REWRITE, pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

VN_NODE_REGISTER(ip6_lookup) = {
	.name = "ip6-lookup",
	.format_trace = vn_trace_format_ip6_lookup,
	.fn = lookup6_fn,
	.n_next = LOOKUP6_N_NEXT,
	.next_names =
		{
			[LOOKUP6_NEXT_REWRITE] = "ip6-rewrite",
			[LOOKUP6_NEXT_LOCAL] = "ip6-local",
			[LOOKUP6_NEXT_GLEAN] = "ip6-glean",
			[LOOKUP6_NEXT_ICMP_ERROR] = "ip6-icmp-error",
		},
	.n_errors = LOOKUP6_N_ERR,
	.error_names = lookup6_errors,
};

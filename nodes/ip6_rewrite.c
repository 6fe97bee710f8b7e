/*
 * ip6-rewrite: the forwarding step for IPv6. Decrements the hop limit (there
 * is no header checksum), enforces the next-hop MTU with packet too big
 * instead of fragmenting (a router never fragments IPv6, RFC 8200 5), and
 * prepends the adjacency's Ethernet rewrite. Packets the engine made keep
 * their hop limit. A run of packets through one adjacency keeps its rewrite,
 * MTU and interface in registers; anything unusual (hop limit, MTU, a
 * tagged rewrite, headroom) goes to rewrite6_one, out of line.
 *
 * Reads: vn_meta.adj (a REWRITE adjacency), flags; the IPv6 header at data
 * offset 0; pkt_len and the headroom.
 * Writes: hop limit, the Ethernet header prepended, vn_meta.tx_if;
 * icmp_type/icmp_code/icmp_mtu for ip6-icmp-error; the frame's interface
 * when every packet leaves on one; drops: vn_buf.error.
 * Nexts: error-drop (0), interface-output (or the first enabled ip6-output
 * feature of the TX interface), ip6-icmp-error.
 * Errors: drop reason: no headroom; counters: hop limit exceeded and packet
 * too big (handed to ip6-icmp-error).
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <string.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum { RW6_NEXT_DROP, RW6_NEXT_OUTPUT, RW6_NEXT_ICMP_ERROR, RW6_N_NEXT };

enum { RW6_ERR_HOP_LIMIT, RW6_ERR_TOO_BIG, RW6_ERR_HEADROOM, RW6_N_ERR };

static const char *const rw6_errors[] = {
	[RW6_ERR_HOP_LIMIT] = "hop limit exceeded",
	[RW6_ERR_TOO_BIG] = "packet bigger than MTU (packet too big sent)",
	[RW6_ERR_HEADROOM] = "no headroom for the Ethernet header",
};

#define HOP_LIMIT_OFF 7

static __rte_noinline uint16_t
rewrite6_one(struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct vn_meta *md = vn_meta(m);
	const struct vn_adj *adj = md->adj;
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	bool is_local = md->flags & VN_META_F_LOCAL_ORIGIN;
	uint8_t *eth;

	if (unlikely(!is_local && ip[HOP_LIMIT_OFF] <= 1)) {
		md->icmp_type = VN_ICMP6_TIME_EXCEEDED;
		md->icmp_code = 0; /* hop limit exceeded in transit */
		counts[RW6_ERR_HOP_LIMIT]++;
		return RW6_NEXT_ICMP_ERROR;
	}
	/* Tested before the hop limit changes: the error quotes the packet as received. */
	if (unlikely(rte_pktmbuf_pkt_len(m) > adj->mtu)) {
		md->icmp_type = VN_ICMP6_PACKET_TOO_BIG;
		md->icmp_code = 0;
		md->icmp_mtu = adj->mtu;
		counts[RW6_ERR_TOO_BIG]++;
		return RW6_NEXT_ICMP_ERROR;
	}
	eth = (uint8_t *)rte_pktmbuf_prepend(m, adj->rewrite_len);
	if (unlikely(!eth)) {
		vn_drop_reason(node, m, RW6_ERR_HEADROOM);
		return RW6_NEXT_DROP;
	}
	if (likely(!is_local))
		ip[HOP_LIMIT_OFF]--;
	memcpy(eth, adj->rewrite, adj->rewrite_len);
	md->tx_if = adj->tx_if;
	return RW6_NEXT_OUTPUT;
}

/* From packet i on, the usual packets through adj: forwarded, hop limit > 1,
 * within the MTU, headroom for an untagged header. Returns the first packet
 * it left alone. */
static inline uint16_t
rewrite6_run(struct rte_mbuf **pkts, uint16_t i, uint16_t n, const struct vn_adj *adj)
{
	const uint32_t mtu = adj->mtu;
	const uint16_t tx_if = adj->tx_if;
	uint64_t eth_lo, eth_hi;

	if (unlikely(adj->rewrite_len != RTE_ETHER_HDR_LEN))
		return i;
	/* As ip4-rewrite: the header in two registers, stored as two
	 * overlapping words; both lengths in one add. */
	memcpy(&eth_lo, adj->rewrite, 8);
	memcpy(&eth_hi, adj->rewrite + 6, 8);
	for (; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct vn_meta *md = vn_meta(m);
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
		uint64_t lens = vn_mbuf_lens(m);

		if (unlikely(md->adj != adj) || unlikely(md->flags & VN_META_F_LOCAL_ORIGIN) ||
		    unlikely(ip[HOP_LIMIT_OFF] <= 1) || unlikely((uint32_t)lens > mtu) ||
		    unlikely(m->data_off < RTE_ETHER_HDR_LEN))
			break;
		ip[HOP_LIMIT_OFF]--;
		vn_mbuf_lens_set(m, lens + VN_MBUF_LENS_ADD(RTE_ETHER_HDR_LEN));
		m->data_off -= RTE_ETHER_HDR_LEN;
		memcpy(ip - RTE_ETHER_HDR_LEN, &eth_lo, 8);
		memcpy(ip - RTE_ETHER_HDR_LEN + 6, &eth_hi, 8);
		md->tx_if = tx_if;
	}
	return i;
}

static uint16_t
rewrite6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t counts[RW6_N_ERR] = {0};
	uint32_t frame_if = VN_FRAME_IF_MIXED;
	uint16_t i = 0, fast;

	while (i < n) {
		const struct vn_adj *adj = vn_meta(pkts[i])->adj;
		uint16_t end = rewrite6_run(pkts, i, n, adj);
		if (end == i)
			break;
		vn_nd6_mark_used(g->thread_index, adj->index); /* reachability (NUD) */
		frame_if = (i == 0 || adj->tx_if == frame_if) ? adj->tx_if : VN_FRAME_IF_MIXED;
		i = end;
	}
	fast = i;
	if (unlikely(fast < n)) {
		for (uint16_t k = 0; k < fast; k++)
			nexts[k] = RW6_NEXT_OUTPUT;
		for (; i < n; i++) {
			if (rewrite6_run(pkts, i, i + 1, vn_meta(pkts[i])->adj) == i + 1) {
				vn_nd6_mark_used(g->thread_index, vn_meta(pkts[i])->adj->index);
				nexts[i] = RW6_NEXT_OUTPUT;
			} else
				nexts[i] = rewrite6_one(node, pkts[i], counts);
		}
		vn_node_count_errors(node, counts, RW6_ERR_HOP_LIMIT, RW6_ERR_TOO_BIG + 1);
	}
	/* ip6-output features of the TX interface, as ip4-rewrite's. */
	vn_feature_arc_end(g, node, VN_ARC_IP6_OUTPUT, true, pkts, nexts, n, fast, RW6_NEXT_OUTPUT,
			   frame_if);
	return n;
}

VN_NODE_REGISTER(ip6_rewrite) = {
	.name = "ip6-rewrite",
	.format_trace = vn_trace_format_ip6,
	.fn = rewrite6_fn,
	.n_next = RW6_N_NEXT,
	.next_names =
		{
			[RW6_NEXT_OUTPUT] = "interface-output",
			[RW6_NEXT_ICMP_ERROR] = "ip6-icmp-error",
		},
	.n_errors = RW6_N_ERR,
	.error_names = rw6_errors,
};

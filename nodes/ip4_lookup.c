/*
 * ip4-lookup: longest-prefix match of the destination in rte_lpm, four
 * addresses per lookup (rte_lpm_lookupx4), then the adjacency decides the
 * next node. ECMP groups pick a path by a flow hash, so a flow stays on one.
 * Two passes: the destinations into an array, each tbl24 entry prefetched
 * as soon as its address is known (with many routes tbl24 misses the cache
 * on every lookup, and the entry has arrived by pass 2), then lookups of
 * four straight from the array, so each destination is loaded once. Four
 * results equal to the last rewrite next hop reuse its adjacency with one
 * compare, without reading the adjacency table. No packet-data prefetch:
 * finding the address costs more than the miss.
 *
 * Reads: the IPv4 header at data offset 0 (destination; the 5-tuple for
 * ECMP).
 * Writes: vn_meta.adj; hash (ECMP); icmp_type/icmp_code for unreachable;
 * drops: vn_buf.error.
 * Nexts: error-drop (0), ip4-rewrite, ip4-local, ip4-arp, ip4-icmp-error.
 * Errors: counter: no route (the packet goes on to ip4-icmp-error, which
 * answers); drop reason: dropped by a drop route.
 */
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum {
	LOOKUP_NEXT_DROP,
	LOOKUP_NEXT_REWRITE,
	LOOKUP_NEXT_LOCAL,
	LOOKUP_NEXT_ARP,
	LOOKUP_NEXT_ICMP_ERROR,
	LOOKUP_N_NEXT,
};

enum { LOOKUP_ERR_NO_ROUTE, LOOKUP_ERR_BLACKHOLE, LOOKUP_N_ERR };

static const char *const lookup_errors[] = {
	[LOOKUP_ERR_NO_ROUTE] = "no route to destination",
	[LOOKUP_ERR_BLACKHOLE] = "dropped by a drop route",
};

static const uint16_t next_by_adj[] = {
	[VN_ADJ_UNREACH] = LOOKUP_NEXT_ICMP_ERROR,
	[VN_ADJ_DROP] = LOOKUP_NEXT_DROP,
	[VN_ADJ_LOCAL] = LOOKUP_NEXT_LOCAL,
	[VN_ADJ_GLEAN] = LOOKUP_NEXT_ARP,
	[VN_ADJ_INCOMPLETE] = LOOKUP_NEXT_ARP,
	[VN_ADJ_REWRITE] = LOOKUP_NEXT_REWRITE,
};

static inline uint32_t
flow_hash(const struct rte_ipv4_hdr *ip)
{
	uint32_t h = rte_hash_crc_4byte(ip->src_addr, ip->dst_addr);
	uint8_t hlen = (ip->version_ihl & 0xf) * 4;
	uint32_t ports;

	/* Ports only where the first 4 L4 bytes exist and are ports: not in a
	 * non-first fragment, so every fragment of a flow takes one path. memcpy:
	 * after ethernet-input the header is only 2-byte aligned. */
	if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) &&
	    !(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) &&
	    rte_be_to_cpu_16(ip->total_length) >= hlen + sizeof(ports)) {
		memcpy(&ports, (const uint8_t *)ip + hlen, sizeof(ports));
		h = rte_hash_crc_4byte(ports, h);
	}
	return rte_hash_crc_4byte(ip->next_proto_id, h);
}

/* Everything but a plain rewrite adjacency: ECMP, local, glean, unreachable, drop. */
static __rte_noinline uint16_t
lookup_slow(struct vn_node *node, struct rte_mbuf *m, uint32_t nh, uint32_t *n_unreach)
{
	struct vn_meta *md = vn_meta(m);
	const struct vn_adj *adj;

	if (nh & VN_FIB_NH_ECMP) {
		md->hash = flow_hash(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *));
		adj = vn_fib_adj(nh, md->hash);
	} else {
		adj = vn_adj_get(nh);
	}
	md->adj = adj;
	if (adj->type == VN_ADJ_UNREACH) {
		md->icmp_type = 3; /* destination unreachable */
		md->icmp_code = 0; /* net unreachable */
		(*n_unreach)++;
	} else if (adj->type == VN_ADJ_DROP) {
		vn_drop_reason(node, m, LOOKUP_ERR_BLACKHOLE);
	}
	return next_by_adj[adj->type];
}

/* The common case inline: a single-path route to a rewrite adjacency.
 * Returns false (and leaves the packet alone) for anything else. */
static inline bool
lookup_fast(struct rte_mbuf *m, uint32_t nh)
{
	const struct vn_adj *adj;

	if (unlikely(nh & VN_FIB_NH_ECMP))
		return false;
	adj = vn_adj_get(nh);
	if (unlikely(adj->type != VN_ADJ_REWRITE))
		return false;
	vn_meta(m)->adj = adj;
	return true;
}

static inline uint32_t
dst_of(struct rte_mbuf *m)
{
	return rte_be_to_cpu_32(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)->dst_addr);
}

/* The last plain rewrite adjacency seen and its LPM next hop: a vector mostly
 * goes one way, so four equal results are recognised with one compare and
 * take it without touching the adjacency table (one SSE compare: four scalar
 * compares measured slower). Valid for one call (RCU). */
struct lookup_last {
	__m128i nh4; /* the next hop in all four lanes; ~0 (no LPM value) at first */
	const struct vn_adj *adj;
};

static inline void
lookup_one(struct vn_node *node, struct rte_mbuf *m, uint32_t nh, uint16_t *next,
	   struct lookup_last *last, uint32_t *n_unreach, bool *all_rewrite)
{
	if (likely(lookup_fast(m, nh))) {
		*next = LOOKUP_NEXT_REWRITE;
		last->nh4 = _mm_set1_epi32((int)nh);
		last->adj = vn_meta(m)->adj;
	} else {
		*next = lookup_slow(node, m, nh, n_unreach);
		*all_rewrite = false;
	}
}

static uint16_t
lookup_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	/* Rounded up to whole lookups of four: the tail's spare lanes look up 0. */
	uint32_t dst[VN_FRAME_SIZE + 3] __rte_aligned(16);
	uint32_t hops[4] __rte_aligned(16), n_unreach = 0;
	struct lookup_last last = {.nh4 = _mm_set1_epi32(-1), .adj = NULL};
	const uint64_t rewrite4 = LOOKUP_NEXT_REWRITE * 0x0001000100010001ull;
	bool all_rewrite = true;
	uint16_t i;

	/* Pass 1: every destination into dst[], its tbl24 entry prefetched as soon
	 * as it is known. With many routes tbl24 (64 MB) misses the cache on every
	 * lookup; by the time pass 2 reaches a packet its entry has arrived. */
	for (i = 0; i < n; i++) {
		dst[i] = dst_of(pkts[i]);
		rte_prefetch0(&vn_fib_lpm->tbl24[dst[i] >> 8]);
	}
	for (; i & 3; i++)
		dst[i] = 0;
	/* Pass 2: four lookups at a time straight from dst[]. */
	for (i = 0; i + 4 <= n; i += 4) {
		rte_lpm_lookupx4(vn_fib_lpm, _mm_load_si128((const __m128i *)&dst[i]), hops,
				 VN_ADJ_INDEX_UNREACH);
		__m128i same = _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)hops), last.nh4);
		if (likely(_mm_movemask_epi8(same) == 0xffff)) {
			for (uint16_t k = 0; k < 4; k++)
				vn_meta(pkts[i + k])->adj = last.adj;
			memcpy(&nexts[i], &rewrite4, sizeof(rewrite4));
			continue;
		}
		for (uint16_t k = 0; k < 4; k++)
			lookup_one(node, pkts[i + k], hops[k], &nexts[i + k], &last, &n_unreach,
				   &all_rewrite);
	}
	if (i < n) {
		rte_lpm_lookupx4(vn_fib_lpm, _mm_load_si128((const __m128i *)&dst[i]), hops,
				 VN_ADJ_INDEX_UNREACH);
		for (uint16_t k = 0; i + k < n; k++)
			lookup_one(node, pkts[i + k], hops[k], &nexts[i + k], &last, &n_unreach,
				   &all_rewrite);
	}
	if (n_unreach)
		vn_node_count_error(node, LOOKUP_ERR_NO_ROUTE, n_unreach);
	if (likely(all_rewrite))
		vn_enqueue(g, node, LOOKUP_NEXT_REWRITE, pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

VN_NODE_REGISTER(ip4_lookup) = {
	.name = "ip4-lookup",
	.format_trace = vn_trace_format_ip4_lookup,
	.fn = lookup_fn,
	.n_next = LOOKUP_N_NEXT,
	.next_names =
		{
			[LOOKUP_NEXT_REWRITE] = "ip4-rewrite",
			[LOOKUP_NEXT_LOCAL] = "ip4-local",
			[LOOKUP_NEXT_ARP] = "ip4-arp",
			[LOOKUP_NEXT_ICMP_ERROR] = "ip4-icmp-error",
		},
	.n_errors = LOOKUP_N_ERR,
	.error_names = lookup_errors,
};

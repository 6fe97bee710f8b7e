/*
 * ip6-lookup: longest-prefix match of the destination in the IPv6 LPM table
 * (net/lpm6.h), then the adjacency decides the next node, as in ip4-lookup.
 * ECMP groups pick a path by a flow hash (addresses, flow label, next header).
 *
 * One pass over the vector. A packet looks its destination up unless it
 * shares with the last one looked up every byte that walk read (the result
 * depends on nothing else): then it costs a masked 16-byte compare, so the
 * destinations of one prefix cost one walk, not a run of one address only.
 * A next hop equal to the last rewrite adjacency's is taken with one
 * compare, without reading the adjacency table. Successive walks are
 * independent chains of loads, which the CPU overlaps. While every packet
 * goes to a plain rewrite adjacency from a global source the vector goes on
 * whole; from the first other packet on, each gets its own next node.
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
	/* rte_hash_crc loads through a uint64_t pointer and the addresses sit 2
	 * bytes off 8 (after the 14-byte Ethernet header): undefined behaviour
	 * (UBSan, fuzz corpus graph/ip6-ecmp). The copy compiles to the same
	 * unaligned loads. */
	uint64_t addrs[4];
	uint32_t h;

	memcpy(addrs, (const uint8_t *)ip + offsetof(struct rte_ipv6_hdr, src_addr), sizeof(addrs));
	h = rte_hash_crc(addrs, sizeof(addrs), ip->vtc_flow & rte_cpu_to_be_32(0xfffff));

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

static inline bool
is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* The last lookup: its destination's first 16 bytes as two words, and masks
 * of the bytes the walk read (in memory order). A destination equal to it
 * under the masks has its next hop without a walk: all the destinations of
 * one prefix, not only a run of one address. */
struct last_dst {
	uint64_t d0, d1, m0, m1;
	uint32_t nh;
};

static inline uint64_t
bytes_mask(unsigned int n)
{
	return n >= 8 ? ~0ull : (1ull << (8 * n)) - 1; /* little endian: byte 0 lowest */
}

static inline uint32_t
dst_nh(const uint8_t *ip, struct last_dst *l)
{
	uint64_t a, b;
	unsigned int n;

	RTE_BUILD_BUG_ON(RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN);
	memcpy(&a, ip + 24, 8);
	memcpy(&b, ip + 32, 8);
	if (likely((((a ^ l->d0) & l->m0) | ((b ^ l->d1) & l->m1)) == 0))
		return l->nh;
	l->nh = vn_lpm6_lookup_n(vn_fib6, ip + 24, &n);
	l->d0 = a;
	l->d1 = b;
	l->m0 = bytes_mask(n);
	l->m1 = n > 8 ? bytes_mask(n - 8) : 0;
	return l->nh;
}

/* A next hop that is one plain rewrite adjacency, or NULL. */
static inline const struct vn_adj *
rewrite_adj(uint32_t nh)
{
	const struct vn_adj *adj;

	if (nh & VN_FIB_NH_ECMP)
		return NULL;
	adj = vn_adj_get(nh);
	return likely(adj->type == VN_ADJ_REWRITE) ? adj : NULL;
}

static uint16_t
lookup6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t counts[LOOKUP6_N_ERR] = {0};
	const struct vn_adj *last_adj = NULL;
	/* Masks all ones: the first destination compares equal only to the
	 * zero address, whose next hop is looked up here. */
	static const uint8_t zero[16];
	struct last_dst last = {.m0 = ~0ull, .m1 = ~0ull, .nh = vn_lpm6_lookup(vn_fib6, zero)};
	uint32_t last_nh = UINT32_MAX, nh;
	uint16_t i;

	/* The common vector: every packet from a global source to a plain
	 * rewrite adjacency. Until the first other one, a packet costs its
	 * lookup (none when it matches the last walk's bytes), one compare
	 * with the last next hop and a store; the vector then goes on whole. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);

		nh = dst_nh(ip, &last);
		if (unlikely(nh != last_nh)) {
			const struct vn_adj *adj = rewrite_adj(nh);

			if (!adj)
				break;
			last_nh = nh;
			last_adj = adj;
		}
		if (unlikely(is_link_local(ip + 8)))
			break;
		vn_meta(m)->adj = last_adj;
	}
	if (likely(i == n)) {
		vn_enqueue(g, node, LOOKUP6_NEXT_REWRITE, pkts, n);
		return n;
	}
	/* From the first other packet on, a next node each. */
	for (uint16_t j = 0; j < i; j++)
		nexts[j] = LOOKUP6_NEXT_REWRITE;
	for (; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);

		nh = dst_nh(ip, &last);
		if (nh != last_nh) {
			const struct vn_adj *adj = rewrite_adj(nh);

			if (adj) {
				last_nh = nh;
				last_adj = adj;
			}
		}
		if (nh == last_nh && !is_link_local(ip + 8)) {
			vn_meta(m)->adj = last_adj;
			nexts[i] = LOOKUP6_NEXT_REWRITE;
		} else {
			nexts[i] = lookup6_slow(node, m, nh, counts);
		}
	}
	vn_node_count_errors(node, counts, LOOKUP6_ERR_NO_ROUTE, LOOKUP6_ERR_SCOPE + 1);
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

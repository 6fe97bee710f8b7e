/*
 * ip4-rewrite: the forwarding step. Decrements TTL with an incremental
 * checksum update (RFC 1624), enforces the next-hop MTU, and prepends the
 * adjacency's Ethernet rewrite. Packets the engine made itself keep their
 * TTL. It runs per adjacency: for a run of packets through one adjacency the
 * rewrite, MTU and interface stay in registers, and each packet pays one
 * never-taken branch per test; the loop is kept small enough that nothing
 * spills to the stack. No packet-data prefetch: the lines are still warm
 * from ip4-input and ip4-lookup. Anything unusual goes to rewrite_one, out
 * of line.
 *
 * Reads: vn_meta.adj (a REWRITE adjacency), flags; the IPv4 header at data
 * offset 0; pkt_len (the MTU test) and the headroom.
 * Writes: TTL and header checksum, the Ethernet header (with a
 * sub-interface's VLAN tags, rewrite_one) prepended,
 * vn_meta.tx_if; icmp_type/icmp_code (and icmp_mtu) for ip4-icmp-error; the
 * frame's interface when every packet leaves on one; drops: vn_buf.error.
 * Nexts: error-drop (0), interface-output (or the first enabled ip4-output
 * feature), ip4-icmp-error (time exceeded, fragmentation needed).
 * Errors: drop reasons: bigger than the MTU without DF (no fragmentation), no
 * headroom; counters: TTL expired and bigger than the MTU with DF, the
 * packets handed to ip4-icmp-error.
 */
#include <rte_ether.h>
#include <rte_ip.h>
#include <stddef.h>
#include <string.h>
#include <vecnet/net/gso.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/trace.h>

enum { RW_NEXT_DROP, RW_NEXT_OUTPUT, RW_NEXT_ICMP_ERROR, RW_N_NEXT };

enum { RW_ERR_TTL, RW_ERR_MTU_DF, RW_ERR_MTU_FRAG, RW_ERR_HEADROOM, RW_N_ERR };

static const char *const rw_errors[] = {
	[RW_ERR_TTL] = "time to live exceeded",
	[RW_ERR_MTU_DF] = "packet bigger than MTU with DF set",
	[RW_ERR_MTU_FRAG] = "packet bigger than MTU (fragmentation not supported)",
	[RW_ERR_HEADROOM] = "no headroom for the Ethernet header",
};

static __rte_noinline uint16_t
rewrite_one(struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct vn_meta *md = vn_meta(m);
	const struct vn_adj *adj = md->adj;
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t tlen = rte_be_to_cpu_16(ip->total_length);
	uint8_t *eth;

	bool is_local = md->flags & VN_META_F_LOCAL_ORIGIN;

	if (unlikely(!is_local && ip->time_to_live <= 1)) {
		md->icmp_type = 11; /* time exceeded */
		md->icmp_code = 0; /* in transit */
		counts[RW_ERR_TTL]++;
		return RW_NEXT_ICMP_ERROR;
	}
	/* Checked before the TTL changes, so an ICMP error quotes the header as
	 * received. A GSO super-frame is checked by the segments it will make. */
	if (unlikely(tlen > adj->mtu) &&
	    !(vn_gso_is_super(m) && m->l3_len + m->l4_len + m->tso_segsz <= adj->mtu)) {
		if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)) {
			md->icmp_type = 3; /* destination unreachable */
			md->icmp_code = 4; /* fragmentation needed and DF set */
			md->icmp_mtu = adj->mtu;
			counts[RW_ERR_MTU_DF]++;
			return RW_NEXT_ICMP_ERROR;
		}
		vn_drop_reason(node, m, RW_ERR_MTU_FRAG);
		return RW_NEXT_DROP;
	}
	if (likely(!is_local)) {
		uint32_t sum = ip->hdr_checksum + rte_cpu_to_be_16(0x0100);
		ip->hdr_checksum = (uint16_t)(sum + (sum >> 16));
		ip->time_to_live--;
	}
	eth = (uint8_t *)rte_pktmbuf_prepend(m, adj->rewrite_len);
	if (unlikely(!eth)) {
		vn_drop_reason(node, m, RW_ERR_HEADROOM);
		return RW_NEXT_DROP;
	}
	rte_memcpy(eth, adj->rewrite, adj->rewrite_len);
	md->tx_if = adj->tx_if;
	return RW_NEXT_OUTPUT;
}

/*
 * From packet i on, the common packets through adj: forwarded (not
 * engine-made), TTL > 1, within the MTU, with headroom. Its fields stay in
 * registers for the run; per packet one test, then the TTL/checksum update,
 * the prepend without rte_pktmbuf_prepend's checks, and the 14-byte header as
 * two 8-byte stores. Returns the first packet it did not rewrite (n, or one
 * through another adjacency or failing the test, left unchanged).
 */
static __rte_noinline uint16_t
rewrite_run(struct rte_mbuf **pkts, uint16_t i, uint16_t n, const struct vn_adj *adj)
{
	const uint32_t mtu = adj->mtu;
	const uint16_t tx_if = adj->tx_if;
	uint64_t eth_lo, eth_hi;

	/* A sub-interface's tagged rewrite is longer: rewrite_one, per packet.
	 * One test per run, not per packet. */
	if (unlikely(adj->rewrite_len != RTE_ETHER_HDR_LEN))
		return i;
	memcpy(&eth_lo, adj->rewrite, 8);
	memcpy(&eth_hi, adj->rewrite + 6, 8);
	for (; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct vn_meta *md = vn_meta(m);
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
		uint64_t lens, sum;
		uint32_t w; /* TTL, protocol, checksum (wire order, loaded little endian) */

		lens = vn_mbuf_lens(m);
		memcpy(&w, ip + 8, sizeof(w));
		/* The MTU test is on pkt_len, what goes on the wire (ip4-input made it
		 * the total length). Separate branches, each never taken in the usual
		 * vector: a compare and jump fuse into one operation, fewer than
		 * combining the tests. */
		if (unlikely(md->adj != adj) || unlikely(md->flags & VN_META_F_LOCAL_ORIGIN) ||
		    unlikely((w & 0xff) <= 1) || unlikely((uint32_t)lens > mtu) ||
		    unlikely(m->data_off < RTE_ETHER_HDR_LEN))
			break;
		/* TTL - 1 and checksum + 0x0100 (RFC 1624) in one add: + 0xffff takes
		 * one from the TTL/protocol half (TTL > 1: no borrow) and carries one
		 * into the checksum's first byte, whose carry runs into its second
		 * (the end-around carry, in wire order); a carry out of the second
		 * comes back into the first. */
		sum = (uint64_t)w + 0xffff;
		w = (uint32_t)sum + ((uint32_t)(sum >> 32) << 16);
		memcpy(ip + 8, &w, sizeof(w));
		vn_mbuf_lens_set(m, lens + VN_MBUF_LENS_ADD(RTE_ETHER_HDR_LEN));
		m->data_off -= RTE_ETHER_HDR_LEN;
		memcpy(ip - RTE_ETHER_HDR_LEN, &eth_lo, 8);
		memcpy(ip - RTE_ETHER_HDR_LEN + 6, &eth_hi, 8);
		md->tx_if = tx_if;
	}
	return i;
}

/* One packet: rewritten by rewrite_run, or taken apart by rewrite_one. */
static inline uint16_t
rewrite_single(struct vn_node *node, struct rte_mbuf **pkts, uint16_t i, uint32_t *counts)
{
	if (likely(rewrite_run(pkts, i, i + 1, vn_meta(pkts[i])->adj) == i + 1))
		return RW_NEXT_OUTPUT;
	return rewrite_one(node, pkts[i], counts);
}

static uint16_t
rewrite_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t counts[RW_N_ERR] = {0};
	uint16_t i = 0, fast;
	uint32_t frame_if = VN_FRAME_IF_MIXED;

	/* The usual vector: runs through one adjacency (a vector mostly leaves
	 * through one), every packet forwarded, nothing stored per packet but the
	 * rewrite. The frame states the output interface when all runs share it. */
	while (i < n) {
		const struct vn_adj *adj = vn_meta(pkts[i])->adj;
		uint16_t end = rewrite_run(pkts, i, n, adj);
		if (end == i)
			break;
		frame_if = (i == 0 || adj->tx_if == frame_if) ? adj->tx_if : VN_FRAME_IF_MIXED;
		i = end;
	}
	fast = i;
	if (unlikely(fast < n)) {
		for (uint16_t k = 0; k < fast; k++)
			nexts[k] = RW_NEXT_OUTPUT;
		for (; i < n; i++)
			nexts[i] = rewrite_single(node, pkts, i, counts);
		/* Packets handed to ip4-icmp-error (TTL, MTU with DF) are counted
		 * here; drops by error-drop. */
		vn_node_count_errors(node, counts, RW_ERR_TTL, RW_ERR_MTU_DF + 1 - RW_ERR_TTL);
	}
	/* With features on the arc, the vector still moves whole when every
	 * packet goes to one place (e.g. all from one interface to its first feature). */
	vn_feature_arc_end(g, node, VN_ARC_IP4_OUTPUT, true, pkts, nexts, n, fast, RW_NEXT_OUTPUT,
			   frame_if);
	return n;
}

VN_NODE_REGISTER(ip4_rewrite) = {
	.name = "ip4-rewrite",
	.format_trace = vn_trace_format_ip4,
	.fn = rewrite_fn,
	.n_next = RW_N_NEXT,
	.next_names =
		{
			[RW_NEXT_OUTPUT] = "interface-output",
			[RW_NEXT_ICMP_ERROR] = "ip4-icmp-error",
		},
	.n_errors = RW_N_ERR,
	.error_names = rw_errors,
};

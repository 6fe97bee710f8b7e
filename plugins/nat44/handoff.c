/*
 * nat44-in2out-handoff and nat44-out2in-handoff: with several forwarding
 * threads, sessions are per worker, so both directions of a session must be
 * processed by the worker that owns it. These features run first on inside
 * and outside interfaces and hand each packet over through the engine's
 * handoff rings (include/vecnet/handoff.h). nat44.c enables them instead of
 * the translation nodes only when there is more than one forwarding thread,
 * so with one they cost nothing. The owner:
 *
 *   in2out: owner = hash(inside source address)          (all of a host's flows)
 *   out2in: static mapping of the destination -> hash(its local address)
 *           otherwise the worker whose port range holds the destination port
 *           (ICMP echo: identifier; ICMP error: the quoted packet's source port)
 *
 * The in2out worker allocates outside ports only from its own range
 * (port_alloc.c), so replies find it. Packets for the calling worker go
 * straight to the target node.
 *
 * Reads: the IPv4 header at data offset 0 and the L4 header (out2in: an
 * ICMP error's quoted packet too); out2in: the static mappings.
 * Writes: nothing in the packets.
 * Nexts: error-drop (0) only: vn_handoff_send hands the packets on through
 * handoff-input's arcs (to nat44-in2out, nat44-out2in), here or on the
 * owner's thread.
 * Errors: none of their own: a full ring is dropped under handoff-input's
 * reasons.
 */
#include <vecnet/handoff.h>

#include "node_common.h"

static uint16_t
i2o_handoff_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t nt = vn_handoff_n_threads();
	uint16_t dst[VN_FRAME_SIZE];
	uint16_t i = 0;

	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		for (uint16_t j = i; j < i + 4; j++)
			dst[j] = (uint16_t)nat44_owner_of_inside(
				rte_pktmbuf_mtod(pkts[j], struct rte_ipv4_hdr *)->src_addr, nt);
	}
	for (; i < n; i++)
		dst[i] = (uint16_t)nat44_owner_of_inside(
			rte_pktmbuf_mtod(pkts[i], struct rte_ipv4_hdr *)->src_addr, nt);
	vn_handoff_send(g, (uint16_t)nat44_main.q_in2out, pkts, dst, n);
	return n;
}

/* The worker owning the session a packet from outside belongs to. */
static inline uint16_t
o2i_owner(const struct nat44_static_table *st, struct rte_ipv4_hdr *ip, uint32_t nt)
{
	const struct nat44_static *sm;
	struct rte_ipv4_hdr *in;
	struct nat44_key k;
	uint16_t in_l4len;

	if (!nat44_key_of(ip, true, &k)) {
		const struct rte_icmp_hdr *ic =
			(const struct rte_icmp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		/* ICMP errors: the session of the quoted packet; the rest any worker
		 * (it passes or is dropped the same everywhere). */
		if (ip->next_proto_id != IPPROTO_ICMP || nat44_is_fragment(ip) ||
		    (size_t)(rte_be_to_cpu_16(ip->total_length) - nat44_ip_hlen(ip)) < sizeof(*ic) ||
		    !nat44_icmp_is_error(ic->icmp_type) || !nat44_icmp_inner(ip, &in, &in_l4len) ||
		    !nat44_icmp_inner_key(in, true, &k))
			return 0;
	}
	sm = nat44_static_by_ext(st, k.dst, k.dport, k.proto);
	if (sm)
		return (uint16_t)nat44_owner_of_inside(sm->local_addr, nt);
	return (uint16_t)nat44_owner_of_port(k.dport, nt);
}

static uint16_t
o2i_handoff_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	const struct nat44_static_table *st = nat44_statics_get();
	uint32_t nt = vn_handoff_n_threads();
	uint16_t dst[VN_FRAME_SIZE];
	uint16_t i = 0;

	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		for (uint16_t j = i; j < i + 4; j++)
			dst[j] = o2i_owner(st, rte_pktmbuf_mtod(pkts[j], struct rte_ipv4_hdr *), nt);
	}
	for (; i < n; i++)
		dst[i] = o2i_owner(st, rte_pktmbuf_mtod(pkts[i], struct rte_ipv4_hdr *), nt);
	vn_handoff_send(g, (uint16_t)nat44_main.q_out2in, pkts, dst, n);
	return n;
}

VN_NODE_REGISTER(nat44_in2out_handoff) = {
	.name = "nat44-in2out-handoff",
	.fn = i2o_handoff_fn,
};

VN_NODE_REGISTER(nat44_out2in_handoff) = {
	.name = "nat44-out2in-handoff",
	.fn = o2i_handoff_fn,
};

VN_FEATURE_REGISTER(nat44_in2out_handoff) = {
	.arc = "ip4-unicast",
	.node = "nat44-in2out-handoff",
	.runs_before = {"nat44-in2out"},
};

VN_FEATURE_REGISTER(nat44_out2in_handoff) = {
	.arc = "ip4-unicast",
	.node = "nat44-out2in-handoff",
	.runs_before = {"nat44-out2in"},
	.runs_after = {"nat44-in2out"},
};

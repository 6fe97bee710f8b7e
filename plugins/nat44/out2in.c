/*
 * nat44-out2in: translates packets arriving from the outside back to the
 * inside host, a feature on the ip4-unicast arc of outside interfaces; it
 * also receives hairpinned packets from nat44-in2out. With several
 * forwarding threads nat44-out2in-handoff runs first and hands each packet to
 * the worker owning its session (by outside port, or by the local address of
 * a static mapping). Fast path: session found in the worker's out2in table by
 * the packet's 5-tuple (endpoint-dependent: the remote must match too);
 * destination address and port rewritten to the session's inside pair with
 * incremental checksums: nat44-in2out's code with the other side of the
 * packet rewritten. The vector is handled by the template the two directions
 * share (xlate_node.h, with o2i true); what is this node's own is below: its
 * slow path (packets without a session), its error and next tables, its
 * registration. Slow path:
 *   - ICMP errors quoting a packet we translated: outer destination, quoted
 *     source and every checksum rewritten;
 *   - a static mapping (port forward, address-only, identity) of the
 *     destination creates a session;
 *   - anything else addressed to one of our outside addresses is dropped
 *     ("no session"); other traffic (to the router, transit) passes.
 *
 * Reads: the IPv4 header at data offset 0 (validated by ip4-input) and the
 * L4 header; vn_meta.rx_if; the pool, static mappings and the FIB (traffic
 * to the router itself).
 * Writes: the packet (destination address and port, checksums); sessions
 * (new ones for static mappings, TCP state, counters); vn_meta.feature_arc;
 * drops: vn_buf.error.
 * Nexts: error-drop (0), then the arc's later features and ip4-lookup (added
 * at graph build).
 * Errors: drop reasons (no session for an outside address, session table
 * full, fragment, protocol not translated, truncated L4 header, ICMP error
 * without a session, session key in use); counters: sessions created (static
 * mappings), packets passed untranslated, ICMP errors translated.
 */
#define VN_LOG_MOD "nat44"
#include "xlate_node.h"

enum { O2I_NEXT_DROP = VN_NEXT_DROP, O2I_N_NEXT };

enum {
	O2I_ERR_NO_SESSION,
	O2I_ERR_TABLE_FULL,
	O2I_ERR_FRAGMENT,
	O2I_ERR_PROTO,
	O2I_ERR_TRUNCATED,
	O2I_ERR_ICMP_NO_SESSION,
	O2I_ERR_COLLISION,
	/* counters */
	O2I_CNT_CREATED,
	O2I_CNT_PASSED,
	O2I_CNT_ICMP_ERROR,
	O2I_N_ERR,
};

_Static_assert(O2I_N_ERR <= NAT44_NODE_ERR_MAX, "nat44_node_ctx.counts too small");

static const char *const out2in_errors[] = {
	[O2I_ERR_NO_SESSION] = "no session for an outside address",
	[O2I_ERR_TABLE_FULL] = "session table full (new flow dropped)",
	[O2I_ERR_FRAGMENT] = "fragment (not translated)",
	[O2I_ERR_PROTO] = "protocol not translated (only tcp, udp, icmp)",
	[O2I_ERR_TRUNCATED] = "truncated l4 header",
	[O2I_ERR_ICMP_NO_SESSION] = "icmp error without a session",
	[O2I_ERR_COLLISION] = "session key in use",
	[O2I_CNT_CREATED] = "sessions created (static mappings)",
	[O2I_CNT_PASSED] = "packets passed untranslated",
	[O2I_CNT_ICMP_ERROR] = "icmp errors translated",
};

static __rte_noinline uint16_t
o2i_slow(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, struct nat44_node_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const struct nat44_pool *pool = nat44_pool_get();
	const struct nat44_static_table *st = nat44_statics_get();
	const struct nat44_static *sm = NULL;
	struct nat44_session s;
	struct nat44_key k, ki;
	bool key_ok, is_ours;
	uint64_t t0;
	int32_t idx;

	key_ok = nat44_key_of(ip, true, &k);
	if (key_ok && (idx = nat44_session_lookup(w, true, &k)) >= 0)
		return nat44_node_fast(node, &w->sess[idx], m, c, true);
	/* The router's own addresses pass, even when the pool includes one. */
	if (nat44_route_of(ip->dst_addr) == NAT44_ROUTE_LOCAL)
		return nat44_node_pass(node, m, c);
	is_ours = nat44_pool_has(pool, ip->dst_addr) || nat44_static_by_ext(st, ip->dst_addr, 0, 0) ||
		  nat44_static_has_ext_addr(st, ip->dst_addr);
	if (key_ok)
		sm = nat44_static_by_ext(st, ip->dst_addr, k.dport, k.proto);
	if (!key_ok) {
		uint16_t hlen = nat44_ip_hlen(ip);
		uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - hlen;
		/* An ICMP error from outside about a packet we translated on its way out. */
		if (ip->next_proto_id == IPPROTO_ICMP && !nat44_is_fragment(ip) &&
		    l4len >= sizeof(struct rte_icmp_hdr) &&
		    nat44_icmp_is_error(((const struct rte_icmp_hdr *)((uint8_t *)ip + hlen))->icmp_type))
			return nat44_node_icmp_error(node, w, m, c, true, !(is_ours || sm),
						     O2I_ERR_ICMP_NO_SESSION);
		if (!is_ours && !nat44_static_by_ext(st, ip->dst_addr, 0, 0))
			return nat44_node_pass(node, m, c);
		if (nat44_is_fragment(ip))
			return nat44_node_drop(node, m, O2I_ERR_FRAGMENT);
		if (ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP &&
		    ip->next_proto_id != IPPROTO_ICMP)
			return nat44_node_drop(node, m, O2I_ERR_PROTO);
		if (ip->next_proto_id == IPPROTO_ICMP && l4len >= sizeof(struct rte_icmp_hdr))
			return nat44_node_drop(node, m, O2I_ERR_NO_SESSION); /* other ICMP types */
		return nat44_node_drop(node, m, O2I_ERR_TRUNCATED);
	}
	if (!sm) {
		if (!is_ours)
			return nat44_node_pass(node, m, c);
		return nat44_node_drop(node, m, O2I_ERR_NO_SESSION);
	}
	if (k.proto == IPPROTO_ICMP &&
	    ((const struct rte_icmp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip)))->icmp_type !=
		    VN_ICMP_ECHO_REQUEST)
		return nat44_node_drop(node, m, O2I_ERR_NO_SESSION);

	t0 = rte_rdtsc();
	s = (struct nat44_session){
		.in_addr = sm->local_addr,
		.in_port = sm->proto ? sm->local_port : k.dport,
		.out_addr = k.dst,
		.out_port = k.dport,
		.rem_addr = k.src,
		.rem_port = k.sport,
		.proto = k.proto,
		.flags = NAT44_S_STATIC,
		.created = c->now,
		.last_seen = c->now,
	};
	/* From another inside host through the outside address: its replies
	 * come back through nat44-in2out and must hairpin too. */
	if (nat44_is_external(pool, st, k.src))
		s.flags |= NAT44_S_HAIRPIN;
	nat44_session_i2o_key(&s, &ki);
	if (nat44_session_lookup(w, false, &ki) >= 0)
		return nat44_node_drop(node, m, O2I_ERR_COLLISION);
	return nat44_node_create(node, w, m, &s, t0, O2I_ERR_TABLE_FULL, c, true);
}

/* The template's mixed chunk, out of line with this direction and slow path
 * as constants (xlate_node.h, nat44_node_chunk_mixed). */
static __rte_noinline void
o2i_chunk_mixed(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p, uint16_t cnt,
		const struct nat44_chunk *ck, uint16_t *nexts, struct nat44_node_ctx *c)
{
	nat44_node_chunk_mixed(node, w, p, cnt, ck, nexts, c, true, o2i_slow);
}

static const struct nat44_node_dir o2i_dir = {
	.chunk_mixed = o2i_chunk_mixed,
	.cnt_created = O2I_CNT_CREATED,
	.cnt_passed = O2I_CNT_PASSED,
	.cnt_icmp_error = O2I_CNT_ICMP_ERROR,
	.n_errors = O2I_N_ERR,
};

static uint16_t
out2in_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return nat44_xlate_node_inline(g, node, pkts, n, true, &o2i_dir);
}

VN_NODE_REGISTER(nat44_out2in) = {
	.name = "nat44-out2in",
	.fn = out2in_fn,
	.n_next = O2I_N_NEXT,
	.n_errors = O2I_N_ERR,
	.error_names = out2in_errors,
};

VN_FEATURE_REGISTER(nat44_out2in) = {
	.arc = "ip4-unicast",
	.node = "nat44-out2in",
	.runs_after = {"nat44-out2in-handoff", "nat44-in2out"},
};

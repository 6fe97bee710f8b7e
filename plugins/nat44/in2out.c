/*
 * nat44-in2out: translates packets from the inside on their way out, a
 * feature on the ip4-unicast arc of inside interfaces (between ip4-input and
 * ip4-lookup). With several forwarding threads nat44-in2out-handoff runs
 * first and hands each packet to the worker owning its inside address. The
 * vector is handled by the template the two directions share (xlate_node.h,
 * with o2i false): chunks of 64 looked up in the worker's in2out index, the
 * fast path rewriting the source address and port to the session's outside
 * pair. The index is our own, not rte_hash (a hit reads one bucket line and
 * the session line), and keys are built and compared in the 8-byte words
 * they are loaded as, so no load waits on a failed store forward
 * (node_common.h, nat44_session_has_key; docs/nat44.md tells how it got
 * there). What is this node's own is below: its slow path (packets without
 * a session), its error and next tables, its registration. The slow path:
 *   - ICMP errors: the session of the quoted packet; outer source, quoted
 *     destination and every checksum rewritten;
 *   - traffic to the router itself, or not routed out of an outside
 *     interface, passes untouched;
 *   - a new flow gets a session: from a static mapping of its source, else an
 *     outside address and port from the pool (port_alloc.c);
 *   - traffic to one of our outside addresses (hairpinning) is translated
 *     here, then sent to nat44-out2in(-handoff) for its destination.
 *
 * Reads: the IPv4 header at data offset 0 (validated by ip4-input) and the
 * L4 header; vn_meta.rx_if; the pool, static mappings and the FIB (where the
 * destination is routed).
 * Writes: the packet (source address and port, checksums); sessions (new
 * ones, TCP state, counters); vn_meta.feature_arc (vn_feature_next); drops:
 * vn_buf.error.
 * Nexts: error-drop (0), nat44-out2in, nat44-out2in-handoff (hairpinned
 * packets), then the arc's later features and ip4-lookup (added at graph
 * build). When every packet takes the same arc the whole vector moves.
 * Errors: drop reasons for the flows it cannot translate (session table
 * full, no pool address, no free outside port, fragment, protocol or ICMP
 * type not translated, truncated L4 header, ICMP error or echo reply without
 * a session, session key in use); counters: sessions created, packets passed
 * untranslated, packets hairpinned, ICMP errors translated.
 */
#define VN_LOG_MOD "nat44"
#include "xlate_node.h"

enum { I2O_NEXT_DROP = VN_NEXT_DROP, I2O_NEXT_OUT2IN, I2O_NEXT_OUT2IN_HANDOFF, I2O_N_NEXT };

enum {
	I2O_ERR_TABLE_FULL,
	I2O_ERR_NO_POOL,
	I2O_ERR_OUT_OF_PORTS,
	I2O_ERR_FRAGMENT,
	I2O_ERR_PROTO,
	I2O_ERR_ICMP_TYPE,
	I2O_ERR_TRUNCATED,
	I2O_ERR_ICMP_NO_SESSION,
	I2O_ERR_NO_SESSION,
	I2O_ERR_COLLISION,
	/* counters */
	I2O_CNT_CREATED,
	I2O_CNT_PASSED,
	I2O_CNT_HAIRPIN,
	I2O_CNT_ICMP_ERROR,
	I2O_N_ERR,
};

_Static_assert(I2O_N_ERR <= NAT44_NODE_ERR_MAX, "nat44_node_ctx.counts too small");

static const char *const in2out_errors[] = {
	[I2O_ERR_TABLE_FULL] = "session table full (new flow dropped)",
	[I2O_ERR_NO_POOL] = "no address in the pool",
	[I2O_ERR_OUT_OF_PORTS] = "no free outside port",
	[I2O_ERR_FRAGMENT] = "fragment (not translated)",
	[I2O_ERR_PROTO] = "protocol not translated (only tcp, udp, icmp)",
	[I2O_ERR_ICMP_TYPE] = "icmp type not translated",
	[I2O_ERR_TRUNCATED] = "truncated l4 header",
	[I2O_ERR_ICMP_NO_SESSION] = "icmp error without a session",
	[I2O_ERR_NO_SESSION] = "echo reply without a session",
	[I2O_ERR_COLLISION] = "session key in use",
	[I2O_CNT_CREATED] = "sessions created",
	[I2O_CNT_PASSED] = "packets passed untranslated",
	[I2O_CNT_HAIRPIN] = "packets hairpinned",
	[I2O_CNT_ICMP_ERROR] = "icmp errors translated",
};

static __rte_noinline uint16_t
i2o_slow(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, struct nat44_node_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	const struct nat44_pool *pool = nat44_pool_get();
	const struct nat44_static_table *st = nat44_statics_get();
	const struct nat44_static *sm;
	struct nat44_session s;
	struct nat44_key k;
	bool is_hairpin, key_ok;
	enum nat44_route route;
	uint64_t t0;
	int32_t idx;

	key_ok = nat44_key_of(ip, false, &k);
	/* A second packet of a flow created earlier in this vector. */
	if (key_ok && (idx = nat44_session_lookup(w, false, &k)) >= 0)
		return nat44_node_fast(node, &w->sess[idx], m, c, false);

	route = nat44_route_of(ip->dst_addr);
	if (route == NAT44_ROUTE_LOCAL)
		return nat44_node_pass(node, m, c);
	is_hairpin = nat44_is_external(pool, st, ip->dst_addr);
	if (!is_hairpin && route != NAT44_ROUTE_OUTSIDE)
		return nat44_node_pass(node, m, c);

	if (!key_ok) {
		const uint8_t *l4 = (const uint8_t *)ip + nat44_ip_hlen(ip);
		uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - nat44_ip_hlen(ip);
		if (nat44_is_fragment(ip))
			return nat44_node_drop(node, m, I2O_ERR_FRAGMENT);
		if (ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP &&
		    ip->next_proto_id != IPPROTO_ICMP)
			return nat44_node_drop(node, m, I2O_ERR_PROTO);
		if (ip->next_proto_id == IPPROTO_ICMP && l4len >= sizeof(struct rte_icmp_hdr)) {
			/* From an inside host about a packet it received from
			 * outside; route is its destination's, looked up above. */
			if (nat44_icmp_is_error(((const struct rte_icmp_hdr *)l4)->icmp_type))
				return nat44_node_icmp_error(node, w, m, c, false,
							     route != NAT44_ROUTE_OUTSIDE,
							     I2O_ERR_ICMP_NO_SESSION);
			return nat44_node_drop(node, m, I2O_ERR_ICMP_TYPE);
		}
		return nat44_node_drop(node, m, I2O_ERR_TRUNCATED);
	}

	t0 = rte_rdtsc();
	s = (struct nat44_session){
		.in_addr = k.src,
		.rem_addr = k.dst,
		.in_port = k.sport,
		.rem_port = k.dport,
		.proto = k.proto,
		.flags = is_hairpin ? NAT44_S_HAIRPIN : 0,
		.created = c->now,
		.last_seen = c->now,
	};
	sm = nat44_static_by_local(st, k.src, k.sport, k.proto);
	if (sm) {
		struct nat44_key ko;
		s.out_addr = sm->ext_addr;
		s.out_port = sm->proto ? sm->ext_port : k.sport;
		s.flags |= NAT44_S_STATIC;
		nat44_session_o2i_key(&s, &ko);
		if (nat44_session_lookup(w, true, &ko) >= 0)
			return nat44_node_drop(node, m, I2O_ERR_COLLISION);
	} else {
		const struct rte_icmp_hdr *ic =
			(const struct rte_icmp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		if (k.proto == IPPROTO_ICMP && ic->icmp_type != VN_ICMP_ECHO_REQUEST)
			return nat44_node_drop(node, m, I2O_ERR_NO_SESSION);
		if (!pool || pool->n == 0)
			return nat44_node_drop(node, m, I2O_ERR_NO_POOL);
		if (w->hwm - w->n_free >= w->cap)
			return nat44_node_full(node, w, m, I2O_ERR_TABLE_FULL);
		if (nat44_alloc_out(w, pool, st, &s) < 0)
			return nat44_node_drop(node, m, I2O_ERR_OUT_OF_PORTS);
	}
	return nat44_node_create(node, w, m, &s, t0, I2O_ERR_TABLE_FULL, c, false);
}

/* The template's mixed chunk, out of line with this direction and slow path
 * as constants (xlate_node.h, nat44_node_chunk_mixed). */
static __rte_noinline void
i2o_chunk_mixed(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p, uint16_t cnt,
		const struct nat44_chunk *ck, uint16_t *nexts, struct nat44_node_ctx *c)
{
	nat44_node_chunk_mixed(node, w, p, cnt, ck, nexts, c, false, i2o_slow);
}

static const struct nat44_node_dir i2o_dir = {
	.chunk_mixed = i2o_chunk_mixed,
	.cnt_created = I2O_CNT_CREATED,
	.cnt_passed = I2O_CNT_PASSED,
	.cnt_hairpin = I2O_CNT_HAIRPIN,
	.cnt_icmp_error = I2O_CNT_ICMP_ERROR,
	.n_errors = I2O_N_ERR,
	.next_hairpin = I2O_NEXT_OUT2IN,
	.next_hairpin_handoff = I2O_NEXT_OUT2IN_HANDOFF,
};

static uint16_t
in2out_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return nat44_xlate_node_inline(g, node, pkts, n, false, &i2o_dir);
}

VN_NODE_REGISTER(nat44_in2out) = {
	.name = "nat44-in2out",
	.fn = in2out_fn,
	.n_next = I2O_N_NEXT,
	.next_names =
		{
			[I2O_NEXT_OUT2IN] = "nat44-out2in",
			[I2O_NEXT_OUT2IN_HANDOFF] = "nat44-out2in-handoff",
		},
	.n_errors = I2O_N_ERR,
	.error_names = in2out_errors,
};

VN_FEATURE_REGISTER(nat44_in2out) = {
	.arc = "ip4-unicast",
	.node = "nat44-in2out",
	.runs_after = {"nat44-in2out-handoff"},
	.runs_before = {"nat44-out2in-handoff", "nat44-out2in"},
};

/*
 * nat44-out2in: translates packets arriving from the outside back to the
 * inside host, a feature on the ip4-unicast arc of outside interfaces; it
 * also receives hairpinned packets from nat44-in2out. With several
 * forwarding threads nat44-out2in-handoff runs first and hands each packet to
 * the worker owning its session (by outside port, or by the local address of
 * a static mapping).
 *
 * Fast path: session found in the worker's out2in table by the packet's
 * 5-tuple (endpoint-dependent: the remote must match too); destination
 * address and port rewritten with incremental checksums. The vector is
 * handled as in nat44-in2out (node_common.h): chunks of 64, signatures
 * inline, one bulk lookup, one test per chunk, nat44_xlate_l4 for the usual
 * TCP/UDP packet, everything else packet by packet out of line, whole-vector
 * enqueue. Slow path:
 *   - ICMP errors quoting a packet we translated: outer destination, quoted
 *     source and every checksum rewritten;
 *   - a static mapping (port forward, address-only, identity) of the
 *     destination creates a session;
 *   - anything else addressed to one of our outside addresses is dropped
 *     ("no session"); other traffic (to the router, transit) passes.
 *
 * Reads: IPv4 header at offset 0 (validated by ip4-input), rx_if.
 * Writes: the packet; vn_meta.feature_arc; error on drops.
 * Next: error-drop, then the arc's later features and ip4-lookup.
 * Errors: see out2in_errors.
 * Cost: not measured; no bench scenario sends from the outside yet (the fast
 * path is the same code as nat44-in2out's with the destination rewritten).
 */
#define VN_LOG_MOD "nat44"
#include <rte_cycles.h>

#include "node_common.h"
#include "tcp_state.h"

enum { O2I_NEXT_DROP, O2I_N_NEXT };

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

struct o2i_ctx {
	uint32_t now;
	struct nat44_next_cache nc;
	uint64_t created, passed, icmp_err;
};

/* The session's share of a packet, on its one cache line (prefetched). */
static inline void
o2i_touch(struct nat44_session *s, const struct rte_ipv4_hdr *ip, uint32_t now)
{
	s->last_seen = now;
	s->pkts_o2i++;
	s->bytes_o2i += rte_be_to_cpu_16(ip->total_length);
}

/* The usual packet (nat44_key_fast) with a session: TCP or UDP, 20-byte header. */
static inline uint16_t
o2i_fast_l4(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m, struct o2i_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (ip->next_proto_id == IPPROTO_TCP)
		s->tcp = nat44_tcp_next(s->tcp, ((const struct rte_tcp_hdr *)(ip + 1))->tcp_flags,
					true);
	nat44_xlate_l4(ip, false, s->in_addr, s->in_port);
	o2i_touch(s, ip, c->now);
	return nat44_feature_next(node, m, &c->nc);
}

/* Any packet with a session (ICMP echo, IP options too). */
static inline uint16_t
o2i_fast(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m, struct o2i_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (s->proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *t =
			(const struct rte_tcp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		s->tcp = nat44_tcp_next(s->tcp, t->tcp_flags, true);
	}
	nat44_xlate(ip, false, s->in_addr, s->in_port);
	o2i_touch(s, ip, c->now);
	return nat44_feature_next(node, m, &c->nc);
}

static inline uint16_t
o2i_drop(struct vn_node *node, struct rte_mbuf *m, uint16_t err)
{
	vn_drop_reason(node, m, err);
	return O2I_NEXT_DROP;
}

static inline uint16_t
o2i_pass(struct vn_node *node, struct rte_mbuf *m, struct o2i_ctx *c)
{
	c->passed++;
	return nat44_feature_next(node, m, &c->nc);
}

/* ICMP error from outside about a packet we translated on its way out. */
static uint16_t
o2i_icmp_error(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, bool is_ours,
	       struct o2i_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *), *in;
	struct nat44_session *s;
	struct nat44_key k;
	uint16_t in_l4len;
	int32_t idx;

	if (!nat44_icmp_inner(ip, &in, &in_l4len) || !nat44_icmp_inner_key(in, true, &k) ||
	    (idx = nat44_session_lookup(w, true, &k)) < 0) {
		if (!is_ours)
			return o2i_pass(node, m, c);
		return o2i_drop(node, m, O2I_ERR_ICMP_NO_SESSION);
	}
	s = &w->sess[idx];
	nat44_xlate_icmp_error(ip, in, in_l4len, true, s->in_addr, s->in_addr, s->in_port);
	c->icmp_err++;
	return nat44_feature_next(node, m, &c->nc);
}

static __rte_noinline uint16_t
o2i_slow(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, struct o2i_ctx *c)
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
		return o2i_fast(node, &w->sess[idx], m, c);
	/* The router's own addresses pass, even when the pool includes one. */
	if (nat44_route_of(ip->dst_addr) == NAT44_ROUTE_LOCAL)
		return o2i_pass(node, m, c);
	is_ours = nat44_pool_has(pool, ip->dst_addr) || nat44_static_by_ext(st, ip->dst_addr, 0, 0) ||
		  nat44_static_has_ext_addr(st, ip->dst_addr);
	if (key_ok)
		sm = nat44_static_by_ext(st, ip->dst_addr, k.dport, k.proto);
	if (!key_ok) {
		uint16_t hlen = nat44_ip_hlen(ip);
		uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - hlen;
		if (ip->next_proto_id == IPPROTO_ICMP && !nat44_is_fragment(ip) &&
		    l4len >= sizeof(struct rte_icmp_hdr) &&
		    nat44_icmp_is_error(((const struct rte_icmp_hdr *)((uint8_t *)ip + hlen))->icmp_type))
			return o2i_icmp_error(node, w, m, is_ours || sm, c);
		if (!is_ours && !nat44_static_by_ext(st, ip->dst_addr, 0, 0))
			return o2i_pass(node, m, c);
		if (nat44_is_fragment(ip))
			return o2i_drop(node, m, O2I_ERR_FRAGMENT);
		if (ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP &&
		    ip->next_proto_id != IPPROTO_ICMP)
			return o2i_drop(node, m, O2I_ERR_PROTO);
		if (ip->next_proto_id == IPPROTO_ICMP && l4len >= sizeof(struct rte_icmp_hdr))
			return o2i_drop(node, m, O2I_ERR_NO_SESSION); /* other ICMP types */
		return o2i_drop(node, m, O2I_ERR_TRUNCATED);
	}
	if (!sm) {
		if (!is_ours)
			return o2i_pass(node, m, c);
		return o2i_drop(node, m, O2I_ERR_NO_SESSION);
	}
	if (k.proto == IPPROTO_ICMP &&
	    ((const struct rte_icmp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip)))->icmp_type !=
		    VN_ICMP_ECHO_REQUEST)
		return o2i_drop(node, m, O2I_ERR_NO_SESSION);

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
		return o2i_drop(node, m, O2I_ERR_COLLISION);
	idx = nat44_session_create(w, &s);
	if (idx < 0) {
		nat44_count(&w->full_drops, 1);
		return o2i_drop(node, m, O2I_ERR_TABLE_FULL);
	}
	nat44_count(&w->create_cycles, rte_rdtsc() - t0);
	c->created++;
	return o2i_fast(node, &w->sess[idx], m, c);
}

/* A chunk that is not all usual packets with sessions: each packet by itself. */
static __rte_noinline void
o2i_chunk_mixed(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p, uint16_t cnt,
		const struct nat44_chunk *ck, uint16_t *nexts, struct o2i_ctx *c)
{
	for (uint16_t i = 0; i < cnt; i++) {
		uint64_t bit = 1ull << i;
		if (ck->hits & ck->fast & bit)
			nexts[i] = o2i_fast_l4(node, &w->sess[ck->idx[i]], p[i], c);
		else if (ck->hits & bit)
			nexts[i] = o2i_fast(node, &w->sess[ck->idx[i]], p[i], c);
		else
			nexts[i] = o2i_slow(node, w, p[i], c);
	}
}

static uint16_t
out2in_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct nat44_worker *w = nat44_worker_self(g);
	uint16_t nexts[VN_FRAME_SIZE];
	struct nat44_chunk ck;
	struct o2i_ctx c = {.nc = {.rx_if = UINT16_MAX}};
	uint16_t diff = 0; /* bits where some packet's next differs from nexts[0] */
	bool is_mixed = false;

	if (unlikely(!w)) {
		for (uint16_t i = 0; i < n; i++)
			nexts[i] = vn_feature_next(node, pkts[i]);
		vn_node_count_error(node, O2I_CNT_PASSED, n);
		vn_enqueue_nexts(g, node, pkts, nexts, n);
		return n;
	}
	c.now = nat44_now_from_tsc(rte_rdtsc()); /* once per vector */
	for (uint16_t base = 0; base < n; base += NAT44_CHUNK) {
		uint16_t cnt = VN_MIN(NAT44_CHUNK, n - base);
		struct rte_mbuf **p = pkts + base;
		uint16_t *nx = nexts + base;
		uint16_t i = 0;

		nat44_lookup_chunk(w, true, p, cnt, &ck);
		/* One test per chunk: every packet the usual one, with a session. */
		if (unlikely((ck.hits & ck.fast) != nat44_chunk_all(cnt))) {
			o2i_chunk_mixed(node, w, p, cnt, &ck, nx, &c);
			is_mixed = true;
			continue;
		}
		for (; i + 4 <= cnt; i += 4) {
			nx[i] = o2i_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c);
			nx[i + 1] = o2i_fast_l4(node, &w->sess[ck.idx[i + 1]], p[i + 1], &c);
			nx[i + 2] = o2i_fast_l4(node, &w->sess[ck.idx[i + 2]], p[i + 2], &c);
			nx[i + 3] = o2i_fast_l4(node, &w->sess[ck.idx[i + 3]], p[i + 3], &c);
			diff |= (nx[i] ^ nexts[0]) | (nx[i + 1] ^ nexts[0]) |
				(nx[i + 2] ^ nexts[0]) | (nx[i + 3] ^ nexts[0]);
		}
		for (; i < cnt; i++) {
			nx[i] = o2i_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c);
			diff |= nx[i] ^ nexts[0];
		}
	}
	/* Whole vector on one arc (the usual case): an array swap, no scan. */
	if (likely(!is_mixed && diff == 0))
		vn_enqueue(g, node, nexts[0], pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	if (c.created)
		vn_node_count_error(node, O2I_CNT_CREATED, c.created);
	if (c.passed)
		vn_node_count_error(node, O2I_CNT_PASSED, c.passed);
	if (c.icmp_err)
		vn_node_count_error(node, O2I_CNT_ICMP_ERROR, c.icmp_err);
	return n;
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

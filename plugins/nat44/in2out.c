/*
 * nat44-in2out: translates packets from the inside on their way out, a
 * feature on the ip4-unicast arc of inside interfaces (between ip4-input and
 * ip4-lookup). With several forwarding threads nat44-in2out-handoff runs
 * first and hands each packet to the worker owning its inside address.
 *
 * Per vector, in chunks of 64 (node_common.h): keys and their hashes built
 * (the usual packet - 20-byte header, TCP/UDP, not a fragment - in one test),
 * looked up in the worker's in2out index (session_hash.h: one bucket line,
 * then the session line, prefetched a pass ahead). A chunk whose packets are
 * all usual and all hit takes the fast path with no other test per packet
 * than TCP-or-UDP: source address and port rewritten (nat44_xlate_l4), TCP
 * flags tracked, last-seen (one TSC read per vector), packets and bytes on
 * the session's one cache line. Any other chunk goes packet by packet out of
 * line: hits that are not usual (ICMP echo, IP options) through nat44_xlate,
 * misses through the slow path:
 *   - ICMP errors: the session of the quoted packet; outer source, quoted
 *     destination and every checksum rewritten;
 *   - traffic to the router itself, or not routed out of an outside
 *     interface, passes untouched;
 *   - a new flow gets a session: from a static mapping of its source, else an
 *     outside address and port from the pool (port_alloc.c);
 *   - traffic to one of our outside addresses (hairpinning) is translated
 *     here, then sent to nat44-out2in(-handoff) for its destination.
 *
 * Reads: IPv4 header at data offset 0 (validated by ip4-input), rx_if.
 * Writes: the packet; vn_meta.feature_arc (vn_feature_next); error on drops.
 * Next: error-drop, nat44-out2in, nat44-out2in-handoff, then the arc's later
 * features and ip4-lookup (added at graph build). When every packet takes the
 * same arc the whole vector moves (vn_enqueue).
 * Errors: see in2out_errors.
 *
 * Cost (nat44-16k, 16,384 UDP flows all hitting, one worker, table sized for
 * 1M sessions; make bench): 30.6 clocks/packet, from 57-59 with rte_hash.
 * Most of the gain was not the index: the key was built with narrow stores
 * and hashed with 8-byte loads, and the session's key compared the same way,
 * so every packet waited twice on a failed store forward (~16 clocks each;
 * node_common.h, nat44_session_has_key). callgrind (perf/callgrind.sh):
 * ~213 instructions/packet, from 289 with rte_hash.
 */
#define VN_LOG_MOD "nat44"
#include <rte_cycles.h>
#include <vecnet/handoff.h>

#include "node_common.h"
#include "tcp_state.h"

enum { I2O_NEXT_DROP, I2O_NEXT_OUT2IN, I2O_NEXT_OUT2IN_HANDOFF, I2O_N_NEXT };

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

struct i2o_ctx {
	uint32_t now;
	struct nat44_next_cache nc;
	uint16_t hairpin_next;
	uint64_t created, passed, hairpin, icmp_err;
};

/* The session's share of a packet: last seen, packets and bytes, all on the
 * session's one cache line (prefetched by nat44_lookup_chunk). */
static inline void
i2o_touch(struct nat44_session *s, const struct rte_ipv4_hdr *ip, uint32_t now)
{
	s->last_seen = now;
	s->pkts_i2o++;
	s->bytes_i2o += rte_be_to_cpu_16(ip->total_length);
}

/* Where a translated packet goes: on (the arc's next feature or ip4-lookup),
 * or to out2in for its destination when the remote is one of ours. */
static inline uint16_t
i2o_next(struct vn_node *node, const struct nat44_session *s, struct rte_mbuf *m,
	 struct i2o_ctx *c)
{
	if (unlikely(s->flags & NAT44_S_HAIRPIN)) {
		c->hairpin++;
		return c->hairpin_next;
	}
	return nat44_feature_next(node, m, &c->nc);
}

/* The usual packet (nat44_key_fast) with a session: TCP or UDP, 20-byte header. */
static inline uint16_t
i2o_fast_l4(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m, struct i2o_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (ip->next_proto_id == IPPROTO_TCP)
		s->tcp = nat44_tcp_next(s->tcp, ((const struct rte_tcp_hdr *)(ip + 1))->tcp_flags,
					false);
	nat44_xlate_l4(ip, true, s->out_addr, s->out_port);
	i2o_touch(s, ip, c->now);
	return i2o_next(node, s, m, c);
}

/* Any packet with a session (ICMP echo, IP options too). */
static inline uint16_t
i2o_fast(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m, struct i2o_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (s->proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *t =
			(const struct rte_tcp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		s->tcp = nat44_tcp_next(s->tcp, t->tcp_flags, false);
	}
	nat44_xlate(ip, true, s->out_addr, s->out_port);
	i2o_touch(s, ip, c->now);
	return i2o_next(node, s, m, c);
}

static inline uint16_t
i2o_drop(struct vn_node *node, struct rte_mbuf *m, uint16_t err)
{
	vn_drop_reason(node, m, err);
	return I2O_NEXT_DROP;
}

static inline uint16_t
i2o_pass(struct vn_node *node, struct rte_mbuf *m, struct i2o_ctx *c)
{
	c->passed++;
	return nat44_feature_next(node, m, &c->nc);
}

/* ICMP error from an inside host about a packet it received from outside. */
static uint16_t
i2o_icmp_error(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m,
	       struct i2o_ctx *c)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *), *in;
	struct nat44_session *s;
	struct nat44_key k;
	uint16_t in_l4len;
	int32_t idx;

	if (!nat44_icmp_inner(ip, &in, &in_l4len) || !nat44_icmp_inner_key(in, false, &k) ||
	    (idx = nat44_session_lookup(w, false, &k)) < 0) {
		if (nat44_route_of(ip->dst_addr) != NAT44_ROUTE_OUTSIDE)
			return i2o_pass(node, m, c);
		return i2o_drop(node, m, I2O_ERR_ICMP_NO_SESSION);
	}
	s = &w->sess[idx];
	nat44_xlate_icmp_error(ip, in, in_l4len, false, s->out_addr, s->out_addr, s->out_port);
	c->icmp_err++;
	if (s->flags & NAT44_S_HAIRPIN)
		return c->hairpin_next;
	return nat44_feature_next(node, m, &c->nc);
}

static __rte_noinline uint16_t
i2o_slow(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, struct i2o_ctx *c)
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
		return i2o_fast(node, &w->sess[idx], m, c);

	route = nat44_route_of(ip->dst_addr);
	if (route == NAT44_ROUTE_LOCAL)
		return i2o_pass(node, m, c);
	is_hairpin = nat44_is_external(pool, st, ip->dst_addr);
	if (!is_hairpin && route != NAT44_ROUTE_OUTSIDE)
		return i2o_pass(node, m, c);

	if (!key_ok) {
		const uint8_t *l4 = (const uint8_t *)ip + nat44_ip_hlen(ip);
		uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - nat44_ip_hlen(ip);
		if (nat44_is_fragment(ip))
			return i2o_drop(node, m, I2O_ERR_FRAGMENT);
		if (ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP &&
		    ip->next_proto_id != IPPROTO_ICMP)
			return i2o_drop(node, m, I2O_ERR_PROTO);
		if (ip->next_proto_id == IPPROTO_ICMP && l4len >= sizeof(struct rte_icmp_hdr)) {
			if (nat44_icmp_is_error(((const struct rte_icmp_hdr *)l4)->icmp_type))
				return i2o_icmp_error(node, w, m, c);
			return i2o_drop(node, m, I2O_ERR_ICMP_TYPE);
		}
		return i2o_drop(node, m, I2O_ERR_TRUNCATED);
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
			return i2o_drop(node, m, I2O_ERR_COLLISION);
	} else {
		const struct rte_icmp_hdr *ic =
			(const struct rte_icmp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		if (k.proto == IPPROTO_ICMP && ic->icmp_type != VN_ICMP_ECHO_REQUEST)
			return i2o_drop(node, m, I2O_ERR_NO_SESSION);
		if (!pool || pool->n == 0)
			return i2o_drop(node, m, I2O_ERR_NO_POOL);
		if (w->hwm - w->n_free >= w->cap)
			goto full;
		if (nat44_alloc_out(w, pool, st, &s) < 0)
			return i2o_drop(node, m, I2O_ERR_OUT_OF_PORTS);
	}
	idx = nat44_session_create(w, &s);
	if (idx < 0)
		goto full;
	nat44_count(&w->create_cycles, rte_rdtsc() - t0);
	c->created++;
	return i2o_fast(node, &w->sess[idx], m, c);
full:
	nat44_count(&w->full_drops, 1);
	return i2o_drop(node, m, I2O_ERR_TABLE_FULL);
}

/* A chunk that is not all usual packets with sessions: each packet by itself. */
static __rte_noinline void
i2o_chunk_mixed(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p, uint16_t cnt,
		const struct nat44_chunk *ck, uint16_t *nexts, struct i2o_ctx *c)
{
	for (uint16_t i = 0; i < cnt; i++) {
		uint64_t bit = 1ull << i;
		if (ck->hits & ck->fast & bit)
			nexts[i] = i2o_fast_l4(node, &w->sess[ck->idx[i]], p[i], c);
		else if (ck->hits & bit)
			nexts[i] = i2o_fast(node, &w->sess[ck->idx[i]], p[i], c);
		else
			nexts[i] = i2o_slow(node, w, p[i], c);
	}
}

static uint16_t
in2out_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct nat44_worker *w = nat44_worker_self(g);
	uint16_t nexts[VN_FRAME_SIZE];
	struct nat44_chunk ck;
	struct i2o_ctx c = {.nc = {.rx_if = UINT16_MAX}};
	uint16_t diff = 0; /* bits where some packet's next differs from nexts[0] */
	bool is_mixed = false;

	if (unlikely(!w)) {
		for (uint16_t i = 0; i < n; i++)
			nexts[i] = vn_feature_next(node, pkts[i]);
		vn_node_count_error(node, I2O_CNT_PASSED, n);
		vn_enqueue_nexts(g, node, pkts, nexts, n);
		return n;
	}
	/* Per vector: the time, and where hairpinned packets go. */
	c.now = nat44_now_from_tsc(rte_rdtsc());
	c.hairpin_next = vn_handoff_n_threads() > 1 ? I2O_NEXT_OUT2IN_HANDOFF : I2O_NEXT_OUT2IN;
	for (uint16_t base = 0; base < n; base += NAT44_CHUNK) {
		uint16_t cnt = VN_MIN(NAT44_CHUNK, n - base);
		struct rte_mbuf **p = pkts + base;
		uint16_t *nx = nexts + base;
		uint16_t i = 0;

		nat44_lookup_chunk(w, false, p, cnt, &ck);
		/* One test per chunk: every packet the usual one, with a session. */
		if (unlikely((ck.hits & ck.fast) != nat44_chunk_all(cnt))) {
			i2o_chunk_mixed(node, w, p, cnt, &ck, nx, &c);
			is_mixed = true;
			continue;
		}
		for (; i + 4 <= cnt; i += 4) {
			nx[i] = i2o_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c);
			nx[i + 1] = i2o_fast_l4(node, &w->sess[ck.idx[i + 1]], p[i + 1], &c);
			nx[i + 2] = i2o_fast_l4(node, &w->sess[ck.idx[i + 2]], p[i + 2], &c);
			nx[i + 3] = i2o_fast_l4(node, &w->sess[ck.idx[i + 3]], p[i + 3], &c);
			diff |= (nx[i] ^ nexts[0]) | (nx[i + 1] ^ nexts[0]) |
				(nx[i + 2] ^ nexts[0]) | (nx[i + 3] ^ nexts[0]);
		}
		for (; i < cnt; i++) {
			nx[i] = i2o_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c);
			diff |= nx[i] ^ nexts[0];
		}
	}
	/* Whole vector on one arc (the usual case): an array swap, no scan. */
	if (likely(!is_mixed && diff == 0))
		vn_enqueue(g, node, nexts[0], pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	if (c.created)
		vn_node_count_error(node, I2O_CNT_CREATED, c.created);
	if (c.passed)
		vn_node_count_error(node, I2O_CNT_PASSED, c.passed);
	if (c.hairpin)
		vn_node_count_error(node, I2O_CNT_HAIRPIN, c.hairpin);
	if (c.icmp_err)
		vn_node_count_error(node, I2O_CNT_ICMP_ERROR, c.icmp_err);
	return n;
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

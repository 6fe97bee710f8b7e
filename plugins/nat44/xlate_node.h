/*
 * nat44-in2out and nat44-out2in from one template, the way acl_node.c builds
 * its input and output nodes: nat44_xlate_node_inline() is inlined into each
 * node's function with the direction (o2i) a constant, so every test of it
 * folds away and each node runs only its own direction's code, with no
 * branch on the direction per packet. The two directions' fast paths are the
 * same steps on the other side of the packet; what differs by more than that
 * stays in the node's file: its slow path (a packet the chunk lookup found
 * no session for), its error and next tables, its registration. The
 * template gets what it needs of them through a struct nat44_node_dir.
 * Every function here that takes o2i is __rte_always_inline, not just
 * inline: a plain inline is a hint the compiler may decline for a function
 * called from several places (GCC kept nat44_node_fast out of line), and
 * that out-of-line copy would test o2i at run time.
 *
 * Per vector, in chunks of 64 (node_common.h): keys and their hashes built
 * (the usual packet - 20-byte header, TCP/UDP, not a fragment - in one test),
 * looked up in the worker's index of the direction (session_hash.h: one
 * bucket line, then the session line, prefetched a pass ahead). A chunk whose
 * packets are all usual and all hit takes the fast path with no other test
 * per packet than TCP-or-UDP: the address and port on the NAT's side
 * rewritten (nat44_xlate_l4; in2out: source, to the session's outside pair;
 * out2in: destination, to its inside pair), TCP flags tracked, last-seen
 * (one TSC read per vector), packets and bytes on the session's one cache
 * line. Any other chunk goes packet by packet out of line: hits that are not
 * usual (ICMP echo, IP options) through nat44_xlate, misses through the
 * direction's slow path. When every packet takes the same arc the whole
 * vector moves (vn_enqueue).
 *
 * Reads: in both nodes, the IPv4 header at data offset 0 (validated by
 * ip4-input) and the L4 header, an ICMP error's quoted packet; vn_meta.rx_if
 * (the arc's next feature); the worker's index and sessions.
 * Writes: the packet (address, port, checksums); the session (TCP state,
 * last seen, packets, bytes); vn_meta.feature_arc; drops: vn_buf.error.
 * Nexts: error-drop (0), the node's own arcs (nat44_node_dir), then the
 * arc's later features and ip4-lookup (added at graph build).
 * Errors: the node's drop reasons (its file names them); its counters
 * (sessions created, packets passed untranslated, packets hairpinned, ICMP
 * errors translated) counted per vector in nat44_node_ctx.counts and added
 * once.
 */
#ifndef VN_NAT44_XLATE_NODE_H
#define VN_NAT44_XLATE_NODE_H

#include <rte_cycles.h>
#include <vecnet/handoff.h>

#include "node_common.h"
#include "tcp_state.h"

#define NAT44_NODE_ERR_MAX 16 /* at least either node's number of errors */

struct nat44_node_dir;

/* One vector's state: the time, the arc cache, and the node's counters,
 * indexed by its error enum (d says where each is) and added to the node
 * once, at the end of the vector. */
struct nat44_node_ctx {
	uint32_t now;
	struct nat44_next_cache nc;
	uint16_t hairpin_next; /* in2out: the arc to nat44-out2in or its handoff */
	const struct nat44_node_dir *d;
	uint32_t counts[NAT44_NODE_ERR_MAX];
};

/* A direction's slow path: a packet without a session in the chunk lookup. */
typedef uint16_t nat44_slow_fn(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m,
			       struct nat44_node_ctx *c);

/* A chunk that is not all usual packets with sessions (nat44_node_chunk_mixed). */
typedef void nat44_chunk_fn(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p,
			    uint16_t cnt, const struct nat44_chunk *ck, uint16_t *nexts,
			    struct nat44_node_ctx *c);

/* What a node's file hands the template besides the direction: its
 * out-of-line chunk function (see nat44_node_chunk_mixed), the indices of
 * its counters in its error enum (they close it, from cnt_created to
 * n_errors), and (in2out only) its arcs for hairpinned packets. out2in has
 * no hairpin counter or arcs: those fields are read only when !o2i. */
struct nat44_node_dir {
	nat44_chunk_fn *chunk_mixed;
	uint16_t cnt_created, cnt_passed, cnt_hairpin, cnt_icmp_error;
	uint16_t n_errors;
	uint16_t next_hairpin, next_hairpin_handoff;
};

/* The address and port a packet gets on the NAT's side: the session's
 * outside pair (in2out, as source), or its inside pair (out2in, as
 * destination). */
static __rte_always_inline uint32_t
nat44_node_new_addr(const struct nat44_session *s, bool o2i)
{
	return o2i ? s->in_addr : s->out_addr;
}

static __rte_always_inline uint16_t
nat44_node_new_port(const struct nat44_session *s, bool o2i)
{
	return o2i ? s->in_port : s->out_port;
}

/* The session's share of a packet: last seen, packets and bytes, all on the
 * session's one cache line (prefetched by nat44_lookup_chunk). */
static __rte_always_inline void
nat44_node_touch(struct nat44_session *s, const struct rte_ipv4_hdr *ip, uint32_t now, bool o2i)
{
	s->last_seen = now;
	if (o2i) {
		s->pkts_o2i++;
		s->bytes_o2i += rte_be_to_cpu_16(ip->total_length);
	} else {
		s->pkts_i2o++;
		s->bytes_i2o += rte_be_to_cpu_16(ip->total_length);
	}
}

/* Where a translated packet goes: on (the arc's next feature or ip4-lookup),
 * or, from in2out, to out2in for its destination when the remote is one of
 * ours. NAT44_S_HAIRPIN steers in2out only: out2in always sends on. */
static __rte_always_inline uint16_t
nat44_node_next(struct vn_node *node, const struct nat44_session *s, struct rte_mbuf *m,
		struct nat44_node_ctx *c, bool o2i)
{
	if (!o2i && unlikely(s->flags & NAT44_S_HAIRPIN)) {
		c->counts[c->d->cnt_hairpin]++;
		return c->hairpin_next;
	}
	return nat44_feature_next(node, m, &c->nc);
}

/* The usual packet (nat44_key_fast) with a session: TCP or UDP, 20-byte header. */
static __rte_always_inline uint16_t
nat44_node_fast_l4(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m,
		   struct nat44_node_ctx *c, bool o2i)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (ip->next_proto_id == IPPROTO_TCP)
		s->tcp =
		    nat44_tcp_next(s->tcp, ((const struct rte_tcp_hdr *)(ip + 1))->tcp_flags, o2i);
	nat44_xlate_l4(ip, !o2i, nat44_node_new_addr(s, o2i), nat44_node_new_port(s, o2i));
	nat44_node_touch(s, ip, c->now, o2i);
	return nat44_node_next(node, s, m, c, o2i);
}

/* Any packet with a session (ICMP echo, IP options too). */
static __rte_always_inline uint16_t
nat44_node_fast(struct vn_node *node, struct nat44_session *s, struct rte_mbuf *m,
		struct nat44_node_ctx *c, bool o2i)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	if (s->proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *t =
		    (const struct rte_tcp_hdr *)((uint8_t *)ip + nat44_ip_hlen(ip));
		s->tcp = nat44_tcp_next(s->tcp, t->tcp_flags, o2i);
	}
	nat44_xlate(ip, !o2i, nat44_node_new_addr(s, o2i), nat44_node_new_port(s, o2i));
	nat44_node_touch(s, ip, c->now, o2i);
	return nat44_node_next(node, s, m, c, o2i);
}

/* Both nodes' next tables start with error-drop (VN_NEXT_DROP). */
static inline uint16_t
nat44_node_drop(struct vn_node *node, struct rte_mbuf *m, uint16_t err)
{
	vn_drop_reason(node, m, err);
	return VN_NEXT_DROP;
}

static inline uint16_t
nat44_node_pass(struct vn_node *node, struct rte_mbuf *m, struct nat44_node_ctx *c)
{
	c->counts[c->d->cnt_passed]++;
	return nat44_feature_next(node, m, &c->nc);
}

/* A new flow the session table has no room for. */
static inline uint16_t
nat44_node_full(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m, uint16_t err)
{
	nat44_count(&w->full_drops, 1);
	return nat44_node_drop(node, m, err);
}

/* Stores s, the new session of m's flow (t0: when its creation began), then
 * translates m by it. A full table drops m with the node's reason err_full. */
static __rte_always_inline uint16_t
nat44_node_create(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m,
		  const struct nat44_session *s, uint64_t t0, uint16_t err_full,
		  struct nat44_node_ctx *c, bool o2i)
{
	int32_t idx = nat44_session_create(w, s);

	if (idx < 0)
		return nat44_node_full(node, w, m, err_full);
	nat44_count(&w->create_cycles, rte_rdtsc() - t0);
	c->counts[c->d->cnt_created]++;
	return nat44_node_fast(node, &w->sess[idx], m, c, o2i);
}

/*
 * An ICMP error about a packet of one of our sessions: the outer address and
 * the quoted packet (which travelled the other way) translated for the
 * session; the arc is nat44_node_next's, but the error counts as a
 * translated ICMP error, not as hairpinned. When the quoted packet is
 * malformed or has no session, nothing is rewritten and the error passes
 * (pass_on_miss: it is not addressed to the NAT's side) or is dropped with
 * the node's reason err_miss.
 */
static __rte_always_inline uint16_t
nat44_node_icmp_error(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf *m,
		      struct nat44_node_ctx *c, bool o2i, bool pass_on_miss, uint16_t err_miss)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *), *in;
	struct nat44_session *s;
	struct nat44_key k;
	uint16_t in_l4len;
	int32_t idx;

	if (!nat44_icmp_inner(ip, &in, &in_l4len) || !nat44_icmp_inner_key(in, o2i, &k) ||
	    (idx = nat44_session_lookup(w, o2i, &k)) < 0)
		return pass_on_miss ? nat44_node_pass(node, m, c)
				    : nat44_node_drop(node, m, err_miss);
	s = &w->sess[idx];
	nat44_xlate_icmp_error(ip, in, in_l4len, o2i, nat44_node_new_addr(s, o2i),
			       nat44_node_new_addr(s, o2i), nat44_node_new_port(s, o2i));
	c->counts[c->d->cnt_icmp_error]++;
	if (!o2i && (s->flags & NAT44_S_HAIRPIN))
		return c->hairpin_next;
	return nat44_feature_next(node, m, &c->nc);
}

/* A chunk that is not all usual packets with sessions: each packet by itself.
 * It runs out of line, so that the all-hit loop stays small: each node's file
 * wraps it in a __rte_noinline function of its own (its nat44_chunk_fn) with
 * its direction and slow path as constants. One shared out-of-line function
 * would get them as arguments: a test of the direction per packet and an
 * indirect call to the slow path. */
static __rte_always_inline void
nat44_node_chunk_mixed(struct vn_node *node, struct nat44_worker *w, struct rte_mbuf **p,
		       uint16_t cnt, const struct nat44_chunk *ck, uint16_t *nexts,
		       struct nat44_node_ctx *c, bool o2i, nat44_slow_fn *slow)
{
	for (uint16_t i = 0; i < cnt; i++) {
		uint64_t bit = 1ull << i;
		if (ck->hits & ck->fast & bit)
			nexts[i] = nat44_node_fast_l4(node, &w->sess[ck->idx[i]], p[i], c, o2i);
		else if (ck->hits & bit)
			nexts[i] = nat44_node_fast(node, &w->sess[ck->idx[i]], p[i], c, o2i);
		else
			nexts[i] = slow(node, w, p[i], c);
	}
}

/* The node function of one direction, inlined into the node's own function
 * so that o2i and d (a static const) are constants there. */
static __rte_always_inline uint16_t
nat44_xlate_node_inline(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
			uint16_t n, bool o2i, const struct nat44_node_dir *d)
{
	struct nat44_worker *w = nat44_worker_self(g);
	uint16_t nexts[VN_FRAME_SIZE];
	struct nat44_chunk ck;
	struct nat44_node_ctx c = {.nc = {.rx_if = UINT16_MAX}, .d = d};
	uint16_t diff = 0; /* bits where some packet's next differs from nexts[0] */
	bool is_mixed = false;

	if (unlikely(!w)) {
		for (uint16_t i = 0; i < n; i++)
			nexts[i] = vn_feature_next(node, pkts[i]);
		vn_node_count_error(node, d->cnt_passed, n);
		vn_enqueue_nexts(g, node, pkts, nexts, n);
		return n;
	}
	/* Per vector: the time, and (in2out) where hairpinned packets go. */
	c.now = nat44_now_from_tsc(rte_rdtsc());
	if (!o2i)
		c.hairpin_next =
		    vn_handoff_n_threads() > 1 ? d->next_hairpin_handoff : d->next_hairpin;
	for (uint16_t base = 0; base < n; base += NAT44_CHUNK) {
		uint16_t cnt = VN_MIN(NAT44_CHUNK, n - base);
		struct rte_mbuf **p = pkts + base;
		uint16_t *nx = nexts + base;
		uint16_t i = 0;

		nat44_lookup_chunk(w, o2i, p, cnt, &ck);
		/* One test per chunk: every packet the usual one, with a session. */
		if (unlikely((ck.hits & ck.fast) != nat44_chunk_all(cnt))) {
			d->chunk_mixed(node, w, p, cnt, &ck, nx, &c);
			is_mixed = true;
			continue;
		}
		for (; i + 4 <= cnt; i += 4) {
			nx[i] = nat44_node_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c, o2i);
			nx[i + 1] =
			    nat44_node_fast_l4(node, &w->sess[ck.idx[i + 1]], p[i + 1], &c, o2i);
			nx[i + 2] =
			    nat44_node_fast_l4(node, &w->sess[ck.idx[i + 2]], p[i + 2], &c, o2i);
			nx[i + 3] =
			    nat44_node_fast_l4(node, &w->sess[ck.idx[i + 3]], p[i + 3], &c, o2i);
			diff |= (nx[i] ^ nexts[0]) | (nx[i + 1] ^ nexts[0]) |
				(nx[i + 2] ^ nexts[0]) | (nx[i + 3] ^ nexts[0]);
		}
		for (; i < cnt; i++) {
			nx[i] = nat44_node_fast_l4(node, &w->sess[ck.idx[i]], p[i], &c, o2i);
			diff |= nx[i] ^ nexts[0];
		}
	}
	/* Whole vector on one arc (the usual case): an array swap, no scan. */
	if (likely(!is_mixed && diff == 0))
		vn_enqueue(g, node, nexts[0], pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, c.counts, d->cnt_created, d->n_errors - d->cnt_created);
	return n;
}

#endif

/*
 * tcp4-input and tcp6-input: TCP segments addressed to us, from ip4-local
 * and ip6-local (protocol 6; IPv6 after its extension headers, found again
 * with vn_ip6_walk). One function serves both, the family a constant.
 * Checks the header, the checksum and the options, finds the connection in
 * this worker's 4-tuple table or else a listener (RCU-published), and runs
 * the state machine (tcp.c). Segments for no connection and no listener are
 * answered with a reset made in place of the segment (RFC 9293 3.10.7.1).
 * When the worker already holds tcp_cfg.half_open_max half-open
 * connections, a SYN is answered with a SYN cookie instead (syn_cookie.c)
 * and an ACK to a listener that returns a valid cookie opens the connection.
 * What the state machine wants to send (ACKs, data) is left on the
 * worker's pending list for session-queue, which coalesces it to one ACK
 * per connection per loop.
 *
 * Reads: the IP header at data offset 0 (ip4-local or ip6-local checked it), the TCP
 * header and options, vn_meta.rx_if (MSS of a new connection from its MTU),
 * flags (L2 broadcast).
 * Writes: resets: the packet (in place), vn_meta.flags, adj; drops:
 * vn_buf.error. Accepted segments are consumed (their bytes copied into the
 * session's rx FIFO) and freed.
 * With several forwarding threads, a segment whose connection another
 * thread owns (tcp_owner: a symmetric hash of the 4-tuple) is handed to it
 * through the handoff rings first, so RSS or fanout may deliver anywhere.
 *
 * Nexts: error-drop (0), tcp4-output and tcp6-output (resets, and segments
 * the stack built: a callback on a connection of one family may write to
 * one of the other, as the proxy does).
 * Errors: drop reasons (truncated header, header past the first buffer, bad
 * data offset, bad checksum, SYN with FIN, SYN with RST, malformed options,
 * to a broadcast or multicast address, from an invalid source, RST for no
 * connection, not a SYN for a listener, connection table full, segment
 * handled by a connection: not a drop, see counters); counters: segments
 * to connections, resets sent for no listener.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/trace.h>
#include <vecnet/node.h>

#include "tcp/tcp_priv.h"

enum tcp_input_next {
	TCP_INPUT_NEXT_DROP = VN_NEXT_DROP,
	TCP_INPUT_NEXT_OUTPUT,
	TCP_INPUT_NEXT_OUTPUT6,
	TCP_INPUT_N_NEXT,
};

enum tcp_input_error {
	TCP_INPUT_ERR_TRUNCATED,
	TCP_INPUT_ERR_NOT_CONTIGUOUS,
	TCP_INPUT_ERR_BAD_OFFSET,
	TCP_INPUT_ERR_CHECKSUM,
	TCP_INPUT_ERR_SYN_FIN,
	TCP_INPUT_ERR_SYN_RST,
	TCP_INPUT_ERR_OPTIONS,
	TCP_INPUT_ERR_BCAST,
	TCP_INPUT_ERR_BAD_SRC,
	TCP_INPUT_ERR_RST_NO_CONN,
	TCP_INPUT_ERR_NOT_SYN,
	TCP_INPUT_ERR_TABLE_FULL,
	TCP_INPUT_ERR_NO_WORKER,
	TCP_INPUT_ERR_IP6_HEADERS,
	TCP_INPUT_ERR_LINK_LOCAL,
	/* counters, not drop reasons */
	TCP_INPUT_ERR_TO_CONN,
	TCP_INPUT_ERR_NEW_CONN,
	TCP_INPUT_ERR_RST_NO_LISTENER,
	TCP_INPUT_ERR_RST_NOT_SYN,
	TCP_INPUT_ERR_HANDED_OFF,
	TCP_INPUT_ERR_COOKIE_SENT,
	TCP_INPUT_ERR_COOKIE_CONN,
	TCP_INPUT_N_ERROR,
};

static const char *const tcp_input_error_names[TCP_INPUT_N_ERROR] = {
	[TCP_INPUT_ERR_TRUNCATED] = "tcp header truncated",
	[TCP_INPUT_ERR_NOT_CONTIGUOUS] = "tcp header past the first buffer",
	[TCP_INPUT_ERR_BAD_OFFSET] = "tcp data offset out of bounds",
	[TCP_INPUT_ERR_CHECKSUM] = "tcp bad checksum",
	[TCP_INPUT_ERR_SYN_FIN] = "tcp syn with fin",
	[TCP_INPUT_ERR_SYN_RST] = "tcp syn with rst",
	[TCP_INPUT_ERR_OPTIONS] = "tcp malformed options",
	[TCP_INPUT_ERR_BCAST] = "tcp to broadcast or multicast",
	[TCP_INPUT_ERR_BAD_SRC] = "tcp from invalid source",
	[TCP_INPUT_ERR_RST_NO_CONN] = "tcp rst for no connection",
	[TCP_INPUT_ERR_NOT_SYN] = "tcp non-syn to a listener without ack",
	[TCP_INPUT_ERR_TABLE_FULL] = "tcp connection table full",
	[TCP_INPUT_ERR_NO_WORKER] = "tcp stack not running on this thread",
	[TCP_INPUT_ERR_IP6_HEADERS] = "tcp ipv6 extension headers bad or a fragment",
	[TCP_INPUT_ERR_LINK_LOCAL] = "tcp to or from a link-local address (not supported)",
	[TCP_INPUT_ERR_TO_CONN] = "segments to connections",
	[TCP_INPUT_ERR_NEW_CONN] = "syns accepted (new connections)",
	[TCP_INPUT_ERR_RST_NO_LISTENER] = "resets sent: no listener",
	[TCP_INPUT_ERR_RST_NOT_SYN] = "resets sent: ack to a listener",
	[TCP_INPUT_ERR_HANDED_OFF] = "segments handed to their owner thread",
	[TCP_INPUT_ERR_COOKIE_SENT] = "syns answered with a cookie",
	[TCP_INPUT_ERR_COOKIE_CONN] = "connections opened from a cookie",
};

static inline bool
tcp_input_is_group(uint32_t a)
{
	return a == UINT32_MAX || (a & 0xf0000000u) == 0xe0000000u;
}

/* Directed to a subnet's broadcast address on the arrival interface (RFC
 * 1122 4.2.3.10: no TCP to broadcast). Not for /31 and /32. */
static inline bool
tcp_input_is_subnet_bcast(uint16_t rx_if, uint32_t dst)
{
	const struct vn_if_fp *fp = rx_if < VN_IF_MAX ? vn_if_fp(rx_if) : NULL;

	for (uint32_t i = 0; fp && i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if (fp->addrs[i].len < 31 && (dst & mask) == (fp->addrs[i].addr & mask) &&
		    (dst | mask) == UINT32_MAX)
			return true;
	}
	return false;
}

/* Verifies the TCP checksum over a segment that may span buffers, with
 * IPv4's pseudo-header or IPv6's (RFC 8200 8.1). */
static inline bool
tcp_input_csum_ok(struct rte_mbuf *m, const void *ip, uint16_t hl, uint32_t l4len, bool is6)
{
	uint16_t raw;
	uint32_t sum;

	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (rte_raw_cksum_mbuf(m, hl, l4len, &raw) < 0)
		return false;
	if (is6)
		sum = (uint32_t)raw +
		      tcp6_phdr_sum((const struct rte_ipv6_hdr *)ip, l4len);
	else
		sum = (uint32_t)raw + rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* A marked segment a connection took: one more trace record, with the
 * connection's state after it (tcp_trace_format). */
static inline void
tcp_input_trace_state(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m,
		      const struct tcp_conn *c)
{
	if (likely(!vn_buf(m)->trace_id))
		return;
	vn_meta(m)->user[0] = TCP_TRACE_STATE_MAGIC;
	vn_meta(m)->user[1] = c->state;
	vn_trace_again(g, node, m);
	/* The mbuf is recycled with its metadata: a later record taken on
	 * entry must not pass for one of these. */
	vn_meta(m)->user[0] = 0;
}

/* An IPv6 source we do not talk to: unspecified, multicast, loopback
 * (RFC 4291 2.5.3: never on the wire), or ours (src == dst). */
static inline bool
tcp_input_bad_src6(const struct rte_ipv6_hdr *ip)
{
	static const uint8_t loopback[16] = {[15] = 1};
	const struct vn_ip6 *src = (const struct vn_ip6 *)ip->src_addr;

	return vn_ip6_is_unspecified(src) || vn_ip6_is_multicast(src) ||
	       memcmp(src->b, loopback, 16) == 0 || memcmp(ip->src_addr, ip->dst_addr, 16) == 0;
}

/* Where the TCP header of an IPv6 segment starts (after extension
 * headers), and how many bytes from there are TCP; false when the chain
 * is bad, not TCP at its end, or a fragment (never reassembled). */
static inline bool
tcp_input_l4_6(struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, uint16_t *hl, uint32_t *l4len)
{
	uint32_t tot = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	struct vn_ip6_walk wk;

	if (likely(ip->proto == IPPROTO_TCP)) {
		*hl = sizeof(*ip);
		*l4len = tot - sizeof(*ip);
		return true;
	}
	if (vn_ip6_walk((const uint8_t *)ip, VN_MIN(tot, (uint32_t)rte_pktmbuf_data_len(m)),
			&wk) != VN_IP6_WALK_OK ||
	    wk.proto != IPPROTO_TCP || wk.is_fragment || wk.l4_off > tot)
		return false;
	*hl = wk.l4_off;
	*l4len = tot - wk.l4_off;
	return true;
}

/* Returns the next arc for m, or UINT16_MAX when consumed. */
static __rte_always_inline uint16_t
tcp_input_one(struct vn_graph *g, struct tcp_worker *w, struct vn_node *node, struct rte_mbuf *m,
	      uint32_t *counts, const bool is6)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint16_t hl, doff;
	uint32_t l4len, src = 0, dst = 0;
	struct rte_tcp_hdr *th;
	struct tcp_seg s = {0};
	struct tcp_tuple t;
	const struct tcp_listener *l;
	struct tcp_conn *c;
	uint16_t sport, dport, err;

	if (unlikely(!w)) {
		err = TCP_INPUT_ERR_NO_WORKER;
		goto drop;
	}
	if (is6) {
		if (unlikely(!tcp_input_l4_6(m, ip6, &hl, &l4len))) {
			err = TCP_INPUT_ERR_IP6_HEADERS;
			goto drop;
		}
	} else {
		hl = rte_ipv4_hdr_len(ip);
		l4len = rte_be_to_cpu_16(ip->total_length) - hl;
		src = rte_be_to_cpu_32(ip->src_addr);
		dst = rte_be_to_cpu_32(ip->dst_addr);
	}
	if (unlikely(l4len < sizeof(*th))) {
		err = TCP_INPUT_ERR_TRUNCATED;
		goto drop;
	}
	th = (struct rte_tcp_hdr *)((uint8_t *)ip + hl);
	if (unlikely(hl + sizeof(*th) > rte_pktmbuf_data_len(m))) {
		err = TCP_INPUT_ERR_NOT_CONTIGUOUS;
		goto drop;
	}
	doff = (th->data_off >> 4) * 4; /* read once the header is known to be there */
	if (unlikely(doff < sizeof(*th) || doff > l4len)) {
		err = TCP_INPUT_ERR_BAD_OFFSET;
		goto drop;
	}
	if (unlikely(hl + doff > rte_pktmbuf_data_len(m))) {
		err = TCP_INPUT_ERR_NOT_CONTIGUOUS;
		goto drop;
	}
	if (unlikely(!tcp_input_csum_ok(m, is6 ? (void *)ip6 : (void *)ip, hl, l4len, is6))) {
		err = TCP_INPUT_ERR_CHECKSUM;
		goto drop;
	}
	s.flags = th->tcp_flags & 0x3f; /* reserved bits are ignored (RFC 9293 3.1) */
	if (unlikely((s.flags & (TCP_F_SYN | TCP_F_FIN)) == (TCP_F_SYN | TCP_F_FIN))) {
		err = TCP_INPUT_ERR_SYN_FIN;
		goto drop;
	}
	if (unlikely((s.flags & (TCP_F_SYN | TCP_F_RST)) == (TCP_F_SYN | TCP_F_RST))) {
		err = TCP_INPUT_ERR_SYN_RST;
		goto drop;
	}
	if (is6) {
		/* ip6-local hands over unicast only; an L2 broadcast is still one. */
		if (unlikely(ip6->dst_addr[0] == 0xff ||
			     (vn_meta(m)->flags & VN_META_F_L2_BCAST))) {
			err = TCP_INPUT_ERR_BCAST;
			goto drop;
		}
		if (unlikely(tcp_input_bad_src6(ip6))) {
			err = TCP_INPUT_ERR_BAD_SRC;
			goto drop;
		}
		/* Our answers go through ip6-lookup, which never routes a
		 * link-local address: say so here rather than lose them there. */
		if (unlikely(vn_ip6_is_link_local((const struct vn_ip6 *)ip6->src_addr) ||
			     vn_ip6_is_link_local((const struct vn_ip6 *)ip6->dst_addr))) {
			err = TCP_INPUT_ERR_LINK_LOCAL;
			goto drop;
		}
	} else {
		if (unlikely(tcp_input_is_group(dst) || (vn_meta(m)->flags & VN_META_F_L2_BCAST) ||
			     tcp_input_is_subnet_bcast(vn_meta(m)->rx_if, dst))) {
			err = TCP_INPUT_ERR_BCAST;
			goto drop;
		}
		/* A source of ours (a LAND attack) would have us talk to ourselves. */
		if (unlikely(src == 0 || tcp_input_is_group(src) || (src >> 24) == 127 ||
			     src == dst)) {
			err = TCP_INPUT_ERR_BAD_SRC;
			goto drop;
		}
	}
	if (unlikely(doff > sizeof(*th) &&
		     tcp_parse_options((const uint8_t *)(th + 1), doff - sizeof(*th), &s) < 0)) {
		err = TCP_INPUT_ERR_OPTIONS;
		goto drop;
	}
	s.seq = rte_be_to_cpu_32(th->sent_seq);
	s.ack = rte_be_to_cpu_32(th->recv_ack);
	s.wnd = rte_be_to_cpu_16(th->rx_win);
	s.len = l4len - doff;
	if (s.len) {
		uint32_t off = hl + doff;
		s.data = off + s.len <= rte_pktmbuf_data_len(m)
				 ? rte_pktmbuf_mtod_offset(m, const uint8_t *, off)
				 : rte_pktmbuf_read(m, off, s.len, w->scratch);
	}
	sport = rte_be_to_cpu_16(th->src_port);
	dport = rte_be_to_cpu_16(th->dst_port);
	w->stats[TCP_STAT_SEGS_IN]++;

	if (is6)
		t = tcp_tuple6((const struct vn_ip6 *)ip6->dst_addr, dport,
			       (const struct vn_ip6 *)ip6->src_addr, sport);
	else
		t = tcp_tuple4(dst, dport, src, sport);
	c = tcp_conn_lookup(w, &t);
	/* A new SYN may take over a TIME_WAIT 4-tuple when its sequence
	 * number is above the old connection's (RFC 9293 3.6.1). */
	if (c && c->state == TCP_TIME_WAIT &&
	    (s.flags & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) == TCP_F_SYN &&
	    seq_gt(s.seq, c->rcv_nxt) && tcp_listener_find(&t)) {
		tcp_conn_abort(w, c);
		tcp_reap(w);
		w->stats[TCP_STAT_TIME_WAIT_REUSED]++;
		c = NULL;
	}
	if (c) {
		counts[TCP_INPUT_ERR_TO_CONN]++;
		tcp_input_conn(w, c, &s);
		tcp_input_trace_state(g, node, m, c);
		rte_pktmbuf_free(m);
		return UINT16_MAX;
	}
	if (s.flags & TCP_F_RST) {
		err = TCP_INPUT_ERR_RST_NO_CONN;
		goto drop;
	}
	l = vn_session_is_enabled ? tcp_listener_find(&t) : NULL;
	if (!l) {
		counts[TCP_INPUT_ERR_RST_NO_LISTENER]++;
		goto reset;
	}
	/* LISTEN (RFC 9293 3.10.7.2): an ACK is answered with a reset, only a
	 * SYN opens; unless the ACK returns one of our SYN cookies. */
	if (s.flags & TCP_F_ACK) {
		if (!(s.flags & TCP_F_SYN)) {
			c = tcp_syn_cookie_check(w, l, &t, &s, vn_meta(m)->rx_if);
			if (c) {
				counts[TCP_INPUT_ERR_COOKIE_CONN]++;
				if (!(c->flags & TCP_CF_CLEANUP))
					tcp_input_conn(w, c, &s); /* its data, if any */
				tcp_input_trace_state(g, node, m, c);
				rte_pktmbuf_free(m);
				return UINT16_MAX;
			}
		}
		counts[TCP_INPUT_ERR_RST_NOT_SYN]++;
		goto reset;
	}
	if (!(s.flags & TCP_F_SYN)) {
		err = TCP_INPUT_ERR_NOT_SYN;
		goto drop;
	}
	{
		const struct vn_if_fp *fp = vn_if_fp(vn_meta(m)->rx_if);
		uint16_t mtu = fp ? fp->mtu : 1500;
		/* Too many half-open: answer statelessly (SYN flood). */
		if (w->n_half_open >= tcp_cfg.half_open_max) {
			tcp_syn_cookie_send(w, &t, &s, mtu, vn_meta(m)->rx_if);
			counts[TCP_INPUT_ERR_COOKIE_SENT]++;
			rte_pktmbuf_free(m);
			return UINT16_MAX;
		}
		c = tcp_input_listen(w, l, &t, &s, mtu);
	}
	if (!c) {
		err = TCP_INPUT_ERR_TABLE_FULL;
		goto drop;
	}
	c->if_index = vn_meta(m)->rx_if;
	counts[TCP_INPUT_ERR_NEW_CONN]++;
	tcp_input_trace_state(g, node, m, c);
	rte_pktmbuf_free(m);
	return UINT16_MAX;
reset:
	if (!(is6 ? tcp_make_reset6(m, hl) : tcp_make_reset(m))) {
		err = TCP_INPUT_ERR_RST_NO_CONN;
		goto drop;
	}
	w->stats[TCP_STAT_RST_SENT]++;
	return is6 ? TCP_INPUT_NEXT_OUTPUT6 : TCP_INPUT_NEXT_OUTPUT;
drop:
	vn_drop_reason(node, m, err);
	return TCP_INPUT_NEXT_DROP;
}

/* Hands the segments this thread does not own to their owners; returns how
 * many stay, closed up at the front of pkts. */
static __rte_always_inline uint16_t
tcp_input_handoff(struct vn_graph *g, struct tcp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		  uint32_t *counts, const bool is6)
{
	struct rte_mbuf *away[VN_FRAME_SIZE];
	uint16_t dst[VN_FRAME_SIZE], n_away = 0, n_keep = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)ip;
		const struct rte_tcp_hdr *th;
		uint16_t hl = 0;
		uint32_t owner = w->fwd, l4len, la, ra;
		bool ok;
		if (is6) {
			ok = tcp_input_l4_6(m, ip6, &hl, &l4len);
			la = tcp_ip6_fold(ip6->dst_addr);
			ra = tcp_ip6_fold(ip6->src_addr);
		} else {
			hl = rte_ipv4_hdr_len(ip);
			ok = true;
			la = rte_be_to_cpu_32(ip->dst_addr);
			ra = rte_be_to_cpu_32(ip->src_addr);
		}
		if (ok && rte_pktmbuf_data_len(m) >= hl + 4u) { /* else it is dropped here */
			th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + hl);
			owner = tcp_owner(la, rte_be_to_cpu_16(th->dst_port), ra,
					  rte_be_to_cpu_16(th->src_port), w->n_fwd);
		}
		if (owner == w->fwd) {
			pkts[n_keep++] = m;
		} else {
			away[n_away] = m;
			dst[n_away++] = (uint16_t)owner;
		}
	}
	if (n_away) {
		counts[TCP_INPUT_ERR_HANDED_OFF] += n_away;
		vn_handoff_send(g, (uint16_t)(is6 ? tcp6_handoff_queue : tcp_handoff_queue), away,
				dst, n_away);
	}
	return n_keep;
}

static __rte_always_inline uint16_t
tcp_input_inline(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
		 const bool is6)
{
	uint16_t nexts[VN_FRAME_SIZE] = {0};
	uint32_t counts[TCP_INPUT_N_ERROR] = {0};
	struct tcp_worker *w = tcp_workers[g->thread_index];
	uint16_t n_out = 0, n_in = n;

	if (w) {
		tcp_worker_bind(w, g, node, TCP_INPUT_NEXT_OUTPUT, TCP_INPUT_NEXT_OUTPUT6);
		w->now_ms = rte_rdtsc() / w->tsc_per_ms;
		if (w->n_fwd > 1)
			n = tcp_input_handoff(g, w, pkts, n, counts, is6);
	}
	for (uint16_t i = 0; i < n; i++) {
		uint16_t next = tcp_input_one(g, w, node, pkts[i], counts, is6);
		if (next == UINT16_MAX)
			continue;
		pkts[n_out] = pkts[i];
		nexts[n_out++] = next;
	}
	vn_enqueue_nexts(g, node, pkts, nexts, n_out);
	if (w) {
		tcp_worker_flush(w);
		tcp_reap(w);
	}
	vn_node_count_errors(node, counts, TCP_INPUT_ERR_TO_CONN,
			     TCP_INPUT_N_ERROR - TCP_INPUT_ERR_TO_CONN);
	return n_in;
}

static uint16_t
tcp_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return tcp_input_inline(g, node, pkts, n, false);
}

static uint16_t
tcp6_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return tcp_input_inline(g, node, pkts, n, true);
}

static int
tcp_input_thread_init(struct vn_graph *g, struct vn_node *node)
{
	return tcp_worker_attach(g->thread_index) ? 0 : -1;
}

static void
tcp_input_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	tcp_worker_detach(g->thread_index);
}

VN_NODE_REGISTER(tcp4_input) = {
	.name = "tcp4-input",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INTERNAL,
	.fn = tcp_input_fn,
	.n_next = TCP_INPUT_N_NEXT,
	.next_names =
		{
			[TCP_INPUT_NEXT_DROP] = "error-drop",
			[TCP_INPUT_NEXT_OUTPUT] = "tcp4-output",
			[TCP_INPUT_NEXT_OUTPUT6] = "tcp6-output",
		},
	.n_errors = TCP_INPUT_N_ERROR,
	.error_names = tcp_input_error_names,
	.thread_init = tcp_input_thread_init,
	.thread_fini = tcp_input_thread_fini,
};

VN_NODE_REGISTER(tcp6_input) = {
	.name = "tcp6-input",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INTERNAL,
	.fn = tcp6_input_fn,
	.n_next = TCP_INPUT_N_NEXT,
	.next_names =
		{
			[TCP_INPUT_NEXT_DROP] = "error-drop",
			[TCP_INPUT_NEXT_OUTPUT] = "tcp4-output",
			[TCP_INPUT_NEXT_OUTPUT6] = "tcp6-output",
		},
	.n_errors = TCP_INPUT_N_ERROR,
	.error_names = tcp_input_error_names,
	.thread_init = tcp_input_thread_init,
	.thread_fini = tcp_input_thread_fini,
};

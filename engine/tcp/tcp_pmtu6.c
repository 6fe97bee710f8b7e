/*
 * Path MTU discovery over IPv6 (RFC 8201): an ICMPv6 packet too big that
 * quotes one of our segments in flight lowers its connection's MSS to the
 * reported MTU (at least IPv6's 1280) less 60, and what is in flight goes
 * again in segments that fit: go back N with the congestion window kept,
 * as Linux's tcp_simple_retransmit, since those segments were too big, not
 * lost to congestion. Runs in ip6-local (its too-big hook) on the
 * forwarding thread that received the message; a message for a connection
 * another thread owns goes to that thread's tcp6-pmtu node through a
 * handoff queue (RSS spreads ICMPv6 by the router's address, not by the
 * connection's 4-tuple).
 *
 * The quote is checked as RFC 5927 asks: the 4-tuple must name one of our
 * connections and the sequence number must be in flight (SND.UNA ..
 * SND.MAX), so a blind attacker cannot shrink a connection's segments.
 */
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/node.h>

#include "tcp/tcp_priv.h"

/* 0 when the packet too big at p (len bytes, data at the outer IPv6
 * header) quotes a TCP segment: its tuple (ours as local) in *t, its
 * sequence number and the MTU; -1 otherwise. */
int
tcp6_too_big_parse(const uint8_t *p, uint32_t len, struct tcp_tuple *t, uint32_t *seq,
		   uint32_t *mtu)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;
	struct vn_ip6_walk wk, qk;
	const uint8_t *icmp, *q, *th;
	uint32_t qlen;

	if (len < sizeof(*ip))
		return -1;
	len = VN_MIN(len, (uint32_t)sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len));
	if (vn_ip6_walk(p, len, &wk) != VN_IP6_WALK_OK || wk.proto != VN_IP6_NH_ICMP6 ||
	    wk.is_fragment || wk.l4_off + 8u > len || p[wk.l4_off] != VN_ICMP6_PACKET_TOO_BIG)
		return -1;
	icmp = p + wk.l4_off;
	q = icmp + 8;
	qlen = len - wk.l4_off - 8;
	/* The quoted segment: its IPv6 header, extension headers, and at
	 * least the TCP ports and sequence number. */
	if (qlen < sizeof(*ip) || vn_ip6_walk(q, qlen, &qk) != VN_IP6_WALK_OK ||
	    qk.proto != IPPROTO_TCP || qk.is_later_fragment || qk.l4_off + 8u > qlen)
		return -1;
	th = q + qk.l4_off;
	*t = tcp_tuple6((const struct vn_ip6 *)(q + 8), (uint16_t)(th[0] << 8 | th[1]),
			(const struct vn_ip6 *)(q + 24), (uint16_t)(th[2] << 8 | th[3]));
	*seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
	*mtu = (uint32_t)icmp[4] << 24 | (uint32_t)icmp[5] << 16 | (uint32_t)icmp[6] << 8 | icmp[7];
	return 0;
}

bool
tcp_conn_too_big(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint32_t mtu)
{
	uint16_t mss;

	if (!c || (c->flags & TCP_CF_CLEANUP) || seq_lt(seq, c->snd_una) ||
	    seq_geq(seq, c->snd_max))
		return false;
	/* RFC 8201 5: never below the IPv6 minimum MTU. */
	mtu = VN_MIN(VN_MAX(mtu, (uint32_t)VN_IP6_MIN_MTU), 65535u);
	mss = tcp_mss_for_mtu((uint16_t)mtu, true);
	if (mss >= c->snd_mss)
		return false;
	c->snd_mss = mss;
	c->flags &= ~TCP_CF_RTT_TIMING; /* Karn: what follows is sent again */
	c->snd_nxt = c->snd_una;
	tcp_want_output(w, c);
	w->stats[TCP_STAT_PMTU_LOWERED]++;
	return true;
}

static int tcp6_pmtu_queue = -1; /* handoff to the owner's tcp6-pmtu */

/* Applies m on w (and frees it), or hands it to the owner of the
 * connection it quotes. False: m quotes no segment of ours in flight, or
 * would not lower its MSS; m is left to the caller to drop. */
static bool
tcp6_too_big_one(struct vn_graph *g, struct tcp_worker *w, struct rte_mbuf *m, bool may_hand)
{
	struct tcp_tuple t;
	uint32_t seq, mtu, owner;

	if (!w || tcp6_too_big_parse(rte_pktmbuf_mtod(m, const uint8_t *),
				     rte_pktmbuf_data_len(m), &t, &seq, &mtu) < 0)
		goto ignored;
	owner = tcp_tuple_owner(&t, w->n_fwd);
	if (owner != w->fwd && may_hand && g && tcp6_pmtu_queue >= 0) {
		uint16_t dst = (uint16_t)owner;
		w->stats[TCP_STAT_PMTU_HANDED]++;
		vn_handoff_send(g, (uint16_t)tcp6_pmtu_queue, &m, &dst, 1);
		return true;
	}
	if (owner != w->fwd || !tcp_conn_too_big(w, tcp_conn_lookup(w, &t), seq, mtu))
		goto ignored;
	rte_pktmbuf_free(m);
	return true;
ignored:
	if (w)
		w->stats[TCP_STAT_PMTU_IGNORED]++;
	return false;
}

/* ip6-local's hook, inside its walk on this thread. */
static bool
tcp6_too_big(struct rte_mbuf *m)
{
	return tcp6_too_big_one(vn_graph_self(), tcp_worker_self, m, true);
}

enum { PMTU6_ERR_IGNORED, PMTU6_N_ERR };

static const char *const pmtu6_errors[] = {
	[PMTU6_ERR_IGNORED] = "packet too big for no segment in flight (or not lower)",
};

/* tcp6-pmtu: packet too big messages handed over by the thread that
 * received them. Nexts: error-drop (0), for those that change nothing. */
static uint16_t
tcp6_pmtu_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct tcp_worker *w = tcp_workers[g->thread_index];
	struct rte_mbuf *drops[VN_FRAME_SIZE];
	uint16_t n_drops = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (tcp6_too_big_one(g, w, pkts[i], false)) /* never round again */
			continue;
		vn_drop_reason(node, pkts[i], PMTU6_ERR_IGNORED);
		drops[n_drops++] = pkts[i];
	}
	if (n_drops)
		vn_enqueue(g, node, 0, drops, n_drops);
	return n;
}

VN_NODE_REGISTER(tcp6_pmtu) = {
	.name = "tcp6-pmtu",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INTERNAL,
	.fn = tcp6_pmtu_fn,
	.n_next = 1,
	.next_names = {[0] = "error-drop"},
	.n_errors = PMTU6_N_ERR,
	.error_names = pmtu6_errors,
};

int
tcp6_pmtu_init(void)
{
	vn_ip6_local_set_too_big_hook(tcp6_too_big);
	if (tcp6_pmtu_queue < 0)
		tcp6_pmtu_queue = vn_handoff_register("tcp6-pmtu", "tcp6-pmtu");
	return tcp6_pmtu_queue < 0 ? tcp6_pmtu_queue : 0;
}

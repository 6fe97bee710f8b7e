/*
 * Building segments: what a connection may send now (RFC 9293 3.8.6, RFC
 * 5681 windows), its options (MSS, window scale, SACK-permitted and SACK
 * blocks, timestamps), resets, ISNs (RFC 6528). Segments are built whole
 * here, headers included; tcp4-output fills in the checksums.
 */
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <string.h>
#include <vecnet/net/buffer.h>

#include "tcp/tcp_priv.h"

#define TCP_OPT_MAX 40

/* ---- options ---- */

static uint8_t *
opt_ts(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	*p++ = 8;
	*p++ = 10;
	tsval = rte_cpu_to_be_32(tsval);
	tsecr = rte_cpu_to_be_32(tsecr);
	memcpy(p, &tsval, 4);
	memcpy(p + 4, &tsecr, 4);
	return p + 8;
}

/* The rx FIFO interval holding the latest out-of-order segment, or -1. */
static int
sack_recent(const struct tcp_conn *c)
{
	for (uint32_t i = 0; i < c->rx.n_ooo; i++)
		if (seq_geq(c->rcv_sack_recent, c->rx.ooo[i].start) &&
		    seq_lt(c->rcv_sack_recent, c->rx.ooo[i].end))
			return (int)i;
	return -1;
}

/* SACK blocks from the rx FIFO's out-of-order intervals, up to max. RFC
 * 2018 4: the first holds the segment that came last; the rest follow
 * from the one nearest above rcv_nxt. */
static uint8_t *
opt_sack(uint8_t *p, const struct tcp_conn *c, uint32_t max)
{
	uint32_t n = VN_MIN((uint32_t)c->rx.n_ooo, max), order[TCP_FIFO_OOO_MAX], k = 0;
	int first = sack_recent(c);

	if (first >= 0)
		order[k++] = (uint32_t)first;
	for (uint32_t i = 0; i < c->rx.n_ooo && k < n; i++)
		if ((int)i != first)
			order[k++] = i;
	*p++ = 1;
	*p++ = 1;
	*p++ = 5;
	*p++ = (uint8_t)(2 + 8 * n);
	for (uint32_t j = 0; j < n; j++) {
		uint32_t i = order[j];
		uint32_t start = c->rcv_nxt + (c->rx.ooo[i].start - c->rx.tail);
		uint32_t end = c->rcv_nxt + (c->rx.ooo[i].end - c->rx.tail);
		start = rte_cpu_to_be_32(start);
		end = rte_cpu_to_be_32(end);
		memcpy(p, &start, 4);
		memcpy(p + 4, &end, 4);
		p += 8;
	}
	return p;
}

/* Options of a segment (not a SYN): timestamps, then SACK blocks. */
static uint32_t
opt_len_data(const struct tcp_conn *c)
{
	uint32_t len = (c->flags & TCP_CF_TS) ? 12 : 0;

	if ((c->flags & TCP_CF_SACK) && c->rx.n_ooo)
		len += 4 + 8 * VN_MIN((uint32_t)c->rx.n_ooo, (c->flags & TCP_CF_TS) ? 3u : 4u);
	return len;
}

static uint32_t
opt_write(uint8_t *p0, const struct tcp_worker *w, const struct tcp_conn *c, uint8_t flags)
{
	uint8_t *p = p0;
	uint16_t mss = rte_cpu_to_be_16(c->rcv_mss);

	if (flags & TCP_F_SYN) {
		bool active = !(flags & TCP_F_ACK);
		bool ts = active || (c->flags & TCP_CF_TS);
		bool sack = active || (c->flags & TCP_CF_SACK);
		bool ws = active || (c->flags & TCP_CF_WS);
		*p++ = 2;
		*p++ = 4;
		memcpy(p, &mss, 2);
		p += 2;
		if (sack && ts) {
			*p++ = 4;
			*p++ = 2;
			p = opt_ts(p, (uint32_t)w->now_ms + c->ts_off, c->ts_recent);
		} else if (ts) {
			*p++ = 1;
			*p++ = 1;
			p = opt_ts(p, (uint32_t)w->now_ms + c->ts_off, c->ts_recent);
		} else if (sack) {
			*p++ = 1;
			*p++ = 1;
			*p++ = 4;
			*p++ = 2;
		}
		if (ws) {
			*p++ = 1;
			*p++ = 3;
			*p++ = 3;
			*p++ = c->rcv_wscale;
		}
		return (uint32_t)(p - p0);
	}
	if (flags & TCP_F_RST)
		return 0;
	if (c->flags & TCP_CF_TS) {
		*p++ = 1;
		*p++ = 1;
		p = opt_ts(p, (uint32_t)w->now_ms + c->ts_off, c->ts_recent);
	}
	if ((c->flags & TCP_CF_SACK) && c->rx.n_ooo)
		p = opt_sack(p, c, (c->flags & TCP_CF_TS) ? 3 : 4);
	return (uint32_t)(p - p0);
}

/* ---- segments ---- */

/* A segment of c: seq, flags, and len payload bytes from the tx FIFO at
 * seq. NULL without a buffer (counted). */
static struct rte_mbuf *
seg_build(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	uint8_t opts[TCP_OPT_MAX];
	uint32_t olen = opt_write(opts, w, c, flags), wnd;
	uint8_t *l3;
	struct rte_tcp_hdr *th;
	uint16_t l3len = c->is_ip6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	uint16_t hlen = (uint16_t)(l3len + sizeof(*th) + olen);

	if (!m || !(l3 = (uint8_t *)rte_pktmbuf_append(m, hlen + len))) {
		rte_pktmbuf_free(m);
		w->stats[TCP_STAT_NO_BUFFER]++;
		return NULL;
	}
	if (c->is_ip6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;
		/* Flow label 0, hop limit 64 (Linux's default). */
		*ip6 = (struct rte_ipv6_hdr){
			.vtc_flow = rte_cpu_to_be_32(6u << 28),
			.payload_len = rte_cpu_to_be_16(hlen + len - l3len),
			.proto = IPPROTO_TCP,
			.hop_limits = 64,
		};
		memcpy(ip6->src_addr, c->laddr.ip6.b, 16);
		memcpy(ip6->dst_addr, c->raddr.ip6.b, 16);
	} else {
		*(struct rte_ipv4_hdr *)l3 = (struct rte_ipv4_hdr){
			.version_ihl = RTE_IPV4_VHL_DEF,
			.total_length = rte_cpu_to_be_16(hlen + len),
			.packet_id = rte_cpu_to_be_16((uint16_t)c->segs_out),
			.fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG),
			.time_to_live = 64,
			.next_proto_id = IPPROTO_TCP,
			.src_addr = rte_cpu_to_be_32(c->laddr.ip4),
			.dst_addr = rte_cpu_to_be_32(c->raddr.ip4),
		};
	}
	if (flags & TCP_F_SYN) {
		wnd = VN_MIN(tcp_conn_rcv_wnd(c), 65535u); /* never scaled */
	} else if (flags & TCP_F_RST) {
		wnd = 0;
	} else {
		wnd = VN_MIN(tcp_conn_rcv_wnd(c) >> c->rcv_wscale, 65535u);
		if (seq_gt(c->rcv_nxt + (wnd << c->rcv_wscale), c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + (wnd << c->rcv_wscale);
	}
	th = (struct rte_tcp_hdr *)(l3 + l3len);
	*th = (struct rte_tcp_hdr){
		.src_port = rte_cpu_to_be_16(c->lport),
		.dst_port = rte_cpu_to_be_16(c->rport),
		.sent_seq = rte_cpu_to_be_32(seq),
		.recv_ack = (flags & TCP_F_ACK) ? rte_cpu_to_be_32(c->rcv_nxt) : 0,
		.data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4),
		.tcp_flags = flags,
		.rx_win = rte_cpu_to_be_16((uint16_t)wnd),
	};
	memcpy(th + 1, opts, olen);
	if (len)
		tcp_fifo_peek(&c->tx, seq - c->snd_una, (uint8_t *)(th + 1) + olen, len);
	vn_meta_reset(m);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	vn_meta(m)->rx_if = c->if_index;
	vn_meta(m)->tx_if = c->if_index;
	c->segs_out++;
	c->bytes_out += len;
	if (flags & TCP_F_ACK)
		c->flags &= ~TCP_CF_ACK_NOW;
	return m;
}

void
tcp_emit(struct tcp_worker *w, struct rte_mbuf *m)
{
	w->stats[TCP_STAT_SEGS_OUT]++;
	w->out[w->n_out++] = m;
	if (w->n_out == TCP_OUT_BATCH)
		w->flush(w);
}

static bool
seg_send(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint8_t flags, uint32_t len)
{
	struct rte_mbuf *m = seg_build(w, c, seq, flags, len);

	if (!m)
		return false;
	tcp_emit(w, m);
	return true;
}

/* Payload bytes a segment of c may carry after its options. */
static uint32_t
seg_max_payload(const struct tcp_conn *c)
{
	uint32_t olen = opt_len_data(c);

	return c->snd_mss > olen ? c->snd_mss - olen : 1;
}

uint32_t
tcp_seg_max_payload(const struct tcp_conn *c)
{
	return seg_max_payload(c);
}

void
tcp_send_syn_ack(struct tcp_worker *w, struct tcp_conn *c)
{
	seg_send(w, c, c->iss, TCP_F_SYN | TCP_F_ACK, 0);
}

void
tcp_conn_send_rst(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, bool with_ack)
{
	if (seg_send(w, c, seq, TCP_F_RST | (with_ack ? TCP_F_ACK : 0), 0))
		w->stats[TCP_STAT_RST_SENT]++;
}

void
tcp_retransmit_first(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx);
	bool ok;

	if (seq_lt(c->snd_una, data_end))
		ok = seg_send(w, c, c->snd_una, TCP_F_ACK,
			      VN_MIN(data_end - c->snd_una, seg_max_payload(c)));
	else if ((c->flags & TCP_CF_FIN_SENT) && c->snd_una == c->fin_seq)
		ok = seg_send(w, c, c->snd_una, TCP_F_ACK | TCP_F_FIN, 0);
	else
		return;
	if (ok) {
		c->rtx_segs++;
		w->stats[TCP_STAT_RTX_SEGS]++;
	}
	c->flags &= ~TCP_CF_RTT_TIMING; /* Karn */
}

bool
tcp_sack_retransmit(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx), end;
	bool ok;

	if (seq_lt(seq, data_end)) {
		len = VN_MIN(VN_MIN(len, data_end - seq), seg_max_payload(c));
		ok = seg_send(w, c, seq, TCP_F_ACK, len);
		end = seq + len;
	} else if ((c->flags & TCP_CF_FIN_SENT) && seq == c->fin_seq) {
		ok = seg_send(w, c, seq, TCP_F_ACK | TCP_F_FIN, 0);
		end = seq + 1;
	} else {
		return false;
	}
	if (!ok)
		return false;
	tcp_sack_rtx_note(&c->sb, seq, end, c->snd_max);
	c->rtx_segs++;
	w->stats[TCP_STAT_RTX_SEGS]++;
	w->stats[TCP_STAT_SACK_RTX]++;
	c->flags &= ~TCP_CF_RTT_TIMING; /* Karn */
	return true;
}

bool
tcp_send_tlp(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx), pl = seg_max_payload(c);
	uint32_t in_wnd = c->snd_max - c->snd_una, len, end;

	c->flags &= ~TCP_CF_TLP_RTX;
	if (c->flags & TCP_CF_RECOVERY) {
		/* In recovery: the first hole (lost again, or its ACK was). */
		len = tcp_sack_hole_end(&c->sb, c->snd_una, c->snd_max) - c->snd_una;
		if (!tcp_sack_retransmit(w, c, c->snd_una, len))
			return false;
		c->flags |= TCP_CF_TLP_RTX;
		return true;
	}
	if (c->snd_nxt == c->snd_max && seq_lt(c->snd_nxt, data_end) && in_wnd < c->snd_wnd) {
		len = VN_MIN(data_end - c->snd_nxt, VN_MIN(pl, c->snd_wnd - in_wnd));
		if (!seg_send(w, c, c->snd_nxt, TCP_F_ACK, len))
			return false;
		c->snd_nxt += len;
		c->snd_max = c->snd_nxt;
		return true;
	}
	/* The last segment: its SACK (or the ACK) names what is missing. */
	end = seq_lt(data_end, c->snd_max) ? data_end : c->snd_max; /* not the FIN */
	len = VN_MIN(end - c->snd_una, pl);
	if (len == 0) { /* only the FIN is out */
		if (!(c->flags & TCP_CF_FIN_SENT) ||
		    !seg_send(w, c, c->fin_seq, TCP_F_ACK | TCP_F_FIN, 0))
			return false;
	} else if (!seg_send(w, c, end - len, TCP_F_ACK, len)) {
		return false;
	}
	c->rtx_segs++;
	w->stats[TCP_STAT_RTX_SEGS]++;
	c->flags |= TCP_CF_TLP_RTX;
	c->flags &= ~TCP_CF_RTT_TIMING; /* Karn */
	return true;
}

void
tcp_send_keepalive(struct tcp_worker *w, struct tcp_conn *c)
{
	if (seg_send(w, c, c->snd_una - 1, TCP_F_ACK, 0))
		w->stats[TCP_STAT_KEEPALIVES]++;
}

void
tcp_send_probe(struct tcp_worker *w, struct tcp_conn *c)
{
	if (!tcp_fifo_len(&c->tx) || !seg_send(w, c, c->snd_una, TCP_F_ACK, 1))
		return;
	if (seq_lt(c->snd_nxt, c->snd_una + 1))
		c->snd_nxt = c->snd_una + 1;
	if (seq_lt(c->snd_max, c->snd_nxt))
		c->snd_max = c->snd_nxt;
}

/* One segment of new data (or the FIN) at snd_nxt == snd_max, at most
 * room bytes, in SACK recovery. */
static bool
output_sack_new(struct tcp_worker *w, struct tcp_conn *c, uint32_t room)
{
	uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx);
	uint32_t len = VN_MIN(data_end - c->snd_nxt, VN_MIN(seg_max_payload(c), room));

	if (seq_lt(c->snd_nxt, data_end)) {
		if (!seg_send(w, c, c->snd_nxt, TCP_F_ACK, len))
			return false;
		c->snd_nxt += len;
	} else {
		if (!seg_send(w, c, c->snd_nxt, TCP_F_ACK | TCP_F_FIN, 0))
			return false;
		c->fin_seq = c->snd_nxt;
		c->flags |= TCP_CF_FIN_SENT;
		c->snd_nxt++;
	}
	c->snd_max = c->snd_nxt;
	return true;
}

/* RFC 6675 5 step (C): while cwnd - pipe >= 1 SMSS, what NextSeg() names. */
static uint32_t
output_sack_recovery(struct tcp_worker *w, struct tcp_conn *c, uint32_t budget)
{
	uint32_t n = 0, mss = seg_max_payload(c);

	while (n < budget) {
		uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx), seq, len;
		uint32_t pipe = tcp_sack_pipe(&c->sb, c->snd_una, c->snd_max, mss);
		uint32_t in_wnd = c->snd_max - c->snd_una;
		bool fin_due = (c->flags & TCP_CF_FIN_QUEUED) && !(c->flags & TCP_CF_FIN_SENT);
		bool new_ok = c->snd_nxt == c->snd_max &&
			      (seq_lt(c->snd_nxt, data_end) || fin_due) && in_wnd < c->snd_wnd;
		enum tcp_sack_next next;

		if (pipe + mss > c->cwnd)
			break;
		next = tcp_sack_next_seg(&c->sb, c->snd_una, c->snd_max, mss, new_ok, c->recover,
					 &seq, &len);
		if (next == TCP_SACK_NEXT_NONE)
			break;
		if (next == TCP_SACK_NEXT_NEW) {
			if (!output_sack_new(w, c, c->snd_wnd - in_wnd))
				break;
		} else {
			if (!tcp_sack_retransmit(w, c, seq, len))
				break;
			if (next == TCP_SACK_NEXT_RTX)
				c->sb.high_rxt = seq + len;
		}
		n++;
	}
	return n;
}

/* Data and FIN as the windows allow. */
static uint32_t
output_data(struct tcp_worker *w, struct tcp_conn *c, uint32_t budget)
{
	uint32_t n = 0;

	if ((c->flags & (TCP_CF_RECOVERY | TCP_CF_SACK)) == (TCP_CF_RECOVERY | TCP_CF_SACK))
		return output_sack_recovery(w, c, budget);
	while (n < budget) {
		uint32_t data_end = c->snd_una + tcp_fifo_len(&c->tx);
		/* Going back after a timeout: what the peer SACKs since is
		 * not sent again (RFC 6675 5.1). */
		if (seq_lt(c->snd_nxt, c->snd_max) && (c->flags & TCP_CF_SACK) && c->sb.n)
			c->snd_nxt = tcp_sack_skip(&c->sb, c->snd_nxt);
		if (seq_lt(c->snd_nxt, data_end)) {
			uint32_t wnd = VN_MIN(c->cwnd, c->snd_wnd);
			uint32_t flight = c->snd_nxt - c->snd_una, avail = data_end - c->snd_nxt;
			uint32_t max_pl = seg_max_payload(c), len;
			bool is_new = c->snd_nxt == c->snd_max, hole_cut = false;
			if (flight >= wnd) {
				if (c->snd_wnd == 0 && c->snd_una == c->snd_max)
					tcp_conn_rtx_start(w, c); /* persist: probe later */
				break;
			}
			len = VN_MIN(avail, VN_MIN(max_pl, wnd - flight));
			if (!is_new && (c->flags & TCP_CF_SACK) && c->sb.n) {
				uint32_t hole = tcp_sack_hole_end(&c->sb, c->snd_nxt, c->snd_max) -
						c->snd_nxt;
				hole_cut = hole < len;
				len = VN_MIN(len, hole);
			}
			/* Sender SWS avoidance (RFC 9293 3.8.6.2.1): a short
			 * segment only when it is all we have, or when nothing
			 * is in flight to bring an ACK. With Nagle (RFC 896)
			 * not even all we have, while anything is in flight;
			 * a FIN to follow sends it at once. */
			if (len < max_pl && flight > 0 && !hole_cut &&
			    (len < avail || ((c->flags & TCP_CF_NAGLE) &&
					     !(c->flags & TCP_CF_FIN_QUEUED))))
				break;
			if (!seg_send(w, c, c->snd_nxt, TCP_F_ACK | (len == avail ? TCP_F_PSH : 0),
				      len))
				break;
			if (is_new && !(c->flags & TCP_CF_RTT_TIMING)) {
				c->flags |= TCP_CF_RTT_TIMING;
				c->rtt_seq = c->snd_nxt + len;
				c->rtt_start = (uint32_t)w->now_ms;
			}
			if (!is_new) {
				c->rtx_segs++;
				w->stats[TCP_STAT_RTX_SEGS]++;
			}
			c->snd_nxt += len;
			if (seq_gt(c->snd_nxt, c->snd_max))
				c->snd_max = c->snd_nxt;
			tcp_conn_rtx_start(w, c);
			n++;
		} else if ((c->flags & TCP_CF_FIN_QUEUED) && c->snd_nxt == data_end &&
			   (!(c->flags & TCP_CF_FIN_SENT) || seq_leq(c->snd_una, c->fin_seq))) {
			if (!seg_send(w, c, c->snd_nxt, TCP_F_ACK | TCP_F_FIN, 0))
				break;
			c->fin_seq = c->snd_nxt;
			c->flags |= TCP_CF_FIN_SENT;
			c->snd_nxt++;
			if (seq_gt(c->snd_nxt, c->snd_max))
				c->snd_max = c->snd_nxt;
			tcp_conn_rtx_start(w, c);
			n++;
			break;
		} else {
			break;
		}
	}
	return n;
}

/* The sequence number of a bare ACK: the highest sent (BSD's snd_max: after
 * a timeout SND.NXT went back, and the peer may already have everything up
 * to SND.MAX), but never past the right edge of the peer's window (Linux's
 * tcp_acceptable_seq: after a zero-window probe the edge is SND.UNA).
 * RFC 9293 3.10.7.4: a peer takes a bare ACK only at RCV.NXT <= SEG.SEQ
 * (and with a shut window only at RCV.NXT); one it does not take is an
 * acknowledgment it never sees, and two stacks that both wait for the
 * other's acknowledgment never move again. */
static uint32_t
ack_seq(const struct tcp_conn *c)
{
	uint32_t edge = c->snd_una + c->snd_wnd;

	return seq_gt(c->snd_max, edge) ? edge : c->snd_max;
}

uint32_t
tcp_output(struct tcp_worker *w, struct tcp_conn *c, uint32_t budget)
{
	uint32_t n = 0;

	if (c->flags & TCP_CF_CLEANUP || budget == 0)
		return 0;
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		if (c->snd_nxt == c->iss) {
			uint8_t f = TCP_F_SYN | (c->state == TCP_SYN_RCVD ? TCP_F_ACK : 0);
			if (seg_send(w, c, c->iss, f, 0)) {
				c->snd_nxt = c->iss + 1;
				c->snd_max = c->snd_nxt;
				n++;
			}
			tcp_conn_rtx_start(w, c);
		}
		return n;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		n = output_data(w, c, budget);
		break;
	default:
		break;
	}
	if (n == 0 && (c->flags & TCP_CF_ACK_NOW) && c->state != TCP_CLOSED &&
	    seg_send(w, c, ack_seq(c), TCP_F_ACK, 0))
		n++;
	return n;
}

uint32_t
tcp_output_pending(struct tcp_worker *w, uint32_t budget)
{
	uint32_t i = 0, sent = 0;

	while (i < w->n_pending && sent < budget) {
		struct tcp_conn *c = w->pool[w->pending[i]];
		if (c) {
			sent += tcp_output(w, c, budget - sent);
			if (sent >= budget)
				break; /* c may have more: it stays first in line */
		}
		w->pending_slot[w->pending[i]] = 0;
		i++;
	}
	memmove(w->pending, w->pending + i, (w->n_pending - i) * sizeof(w->pending[0]));
	w->n_pending -= i;
	return sent;
}

/* Receiver SWS avoidance (RFC 9293 3.8.6.2.2): announce a window that grew
 * by at least min(half the FIFO, one MSS). */
void
tcp_app_read(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t edge = c->rcv_nxt + tcp_fifo_free_space(&c->rx);
	uint32_t grow = VN_MIN(c->rx.size / 2, (uint32_t)c->rcv_mss);

	if (c->state < TCP_ESTABLISHED || c->state == TCP_TIME_WAIT)
		return;
	if (seq_geq(edge, c->rcv_adv + grow)) {
		c->flags |= TCP_CF_ACK_NOW;
		tcp_want_output(w, c);
	}
}

/* ---- resets to segments without a connection ---- */

/* The reset's TCP header at rh for segment th (RFC 9293 3.10.7.1: its ACK
 * number as our sequence, or an ACK of all it occupied); len is its text. */
static void
reset_fill(struct rte_mbuf *m, struct rte_tcp_hdr *rh, const struct rte_tcp_hdr *th, uint32_t len)
{
	uint16_t sport = th->src_port, dport = th->dst_port;
	uint32_t seq = rte_be_to_cpu_32(th->sent_seq), ack = rte_be_to_cpu_32(th->recv_ack);
	uint8_t flags = th->tcp_flags;

	*rh = (struct rte_tcp_hdr){
		.src_port = dport,
		.dst_port = sport,
		.data_off = 5 << 4,
	};
	if (flags & TCP_F_ACK) {
		rh->sent_seq = rte_cpu_to_be_32(ack);
		rh->tcp_flags = TCP_F_RST;
	} else {
		len += !!(flags & TCP_F_SYN) + !!(flags & TCP_F_FIN);
		rh->recv_ack = rte_cpu_to_be_32(seq + len);
		rh->tcp_flags = TCP_F_RST | TCP_F_ACK;
	}
	vn_meta(m)->flags = (vn_meta(m)->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	vn_meta(m)->adj = NULL;
}

bool
tcp_make_reset(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hl = rte_ipv4_hdr_len(ip);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + hl);
	uint32_t src = ip->src_addr, dst = ip->dst_addr;
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - hl - (th->data_off >> 4) * 4u;
	struct rte_tcp_hdr seg = *th; /* the reset's header may overlap it */

	if (seg.tcp_flags & TCP_F_RST)
		return false;
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = m->pkt_len = sizeof(*ip) + sizeof(*th);
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*th)),
		.packet_id = rte_cpu_to_be_16((uint16_t)rte_rand()),
		.fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG),
		.time_to_live = 64,
		.next_proto_id = IPPROTO_TCP,
		.src_addr = dst,
		.dst_addr = src,
	};
	reset_fill(m, (struct rte_tcp_hdr *)(ip + 1), &seg, len);
	return true;
}

bool
tcp_make_reset6(struct rte_mbuf *m, uint16_t l4_off)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + l4_off);
	uint8_t src[16], dst[16];
	uint32_t len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) - l4_off -
		       (th->data_off >> 4) * 4u;
	struct rte_tcp_hdr seg = *th; /* the reset's header may overlap it */

	if (seg.tcp_flags & TCP_F_RST)
		return false;
	memcpy(src, ip->src_addr, 16);
	memcpy(dst, ip->dst_addr, 16);
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	/* The reset carries no extension headers: the TCP header moves up. */
	m->data_len = m->pkt_len = sizeof(*ip) + sizeof(*th);
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(sizeof(*th)),
		.proto = IPPROTO_TCP,
		.hop_limits = 64,
	};
	memcpy(ip->src_addr, dst, 16);
	memcpy(ip->dst_addr, src, 16);
	reset_fill(m, (struct rte_tcp_hdr *)(ip + 1), &seg, len);
	return true;
}

void
tcp_checksum6(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint32_t l4len = rte_be_to_cpu_16(ip->payload_len);
	uint32_t sum = tcp6_phdr_sum(ip, l4len);

	th->cksum = 0;
	sum += rte_raw_cksum(th, l4len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	/* RFC 8200 8.1: a computed 0 is sent as 0xffff. */
	th->cksum = (uint16_t)~sum ? (uint16_t)~sum : 0xffff;
}

void
tcp_checksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->cksum = 0;
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
}

/* ---- ISN (RFC 6528) ---- */

/* SipHash-2-4 (Aumasson, Bernstein): the keyed hash RFC 6528's F needs. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

uint64_t
tcp_siphash(const uint64_t k[2], const uint64_t *words, uint32_t n_words, uint32_t n_bytes)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ k[0], v1 = 0x646f72616e646f6dull ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ k[0], v3 = 0x7465646279746573ull ^ k[1];
	uint64_t b = (uint64_t)n_bytes << 56;

	for (uint32_t i = 0; i < n_words; i++) {
		v3 ^= words[i];
		SIPROUND;
		SIPROUND;
		v0 ^= words[i];
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static uint64_t isn_key[2];

uint32_t
tcp_isn(const struct tcp_tuple *t)
{
	uint64_t words[5];
	uint32_t n = tcp_tuple_words(t, words);
	static uint64_t tsc_per_4us;

	if (!isn_key[0] && !isn_key[1]) { /* first use: a secret for this run */
		isn_key[0] = rte_rand();
		isn_key[1] = rte_rand();
		tsc_per_4us = VN_MAX(rte_get_tsc_hz() / 250000, 1ull);
	}
	/* ISN = M + F(4-tuple, secret), M a 4 microsecond clock. */
	return (uint32_t)(rte_rdtsc() / tsc_per_4us) +
	       (uint32_t)tcp_siphash(isn_key, words, n, n * 8);
}

uint16_t
tcp_mss_for_mtu(uint16_t mtu, bool is_ip6)
{
	/* A segment is one buffer: headroom for the link header (and two VLAN
	 * tags), 40 bytes of IPv4 and TCP headers (60 with IPv6), 40 of options. */
	uint32_t hdrs = is_ip6 ? 60 : 40;
	uint32_t room = RTE_MBUF_DEFAULT_DATAROOM - RTE_PKTMBUF_HEADROOM - hdrs - 40;

	if (mtu < hdrs + 64)
		return 64;
	return (uint16_t)VN_MIN((uint32_t)mtu - hdrs, room);
}

/*
 * TCP's state machine (RFC 9293 3.10): what a connection does with each
 * segment, from the SYN exchange to the FIN, with its options, RTT and
 * congestion control. Connections, timers, opens and closes are in
 * tcp_conn.c; segment building in tcp_output.c; the nodes in tcp_input.c
 * and session_queue.c.
 *
 * Choices the RFCs leave open (docs/tcp.md says why):
 *  - every data segment is acknowledged, but ACKs are coalesced to one per
 *    connection per loop of the worker (no delayed-ACK timer);
 *  - RTO minimum 200 ms (Linux's), not RFC 6298's 1 s;
 *  - loss recovery is SACK-based (RFC 6675, sack.c) when the peer permits
 *    SACK, else NewReno (RFC 6582); go-back-N after a timeout, skipping
 *    what the peer SACKs again (the scoreboard is cleared by the timeout);
 *  - with SACK, beyond RFC 6675: a tail loss probe (RFC 8985 7, in
 *    recovery too), lost retransmissions sent again, spurious recoveries
 *    undone from timestamps (RFC 3522) with a DupThresh that grows;
 *  - a segment at our window's right edge has its ACK taken (RFC 9293's
 *    allowance for valid ACKs, Linux's tcp_sequence());
 *  - an out-of-order FIN is remembered and takes effect when the hole fills.
 */
#define VN_LOG_MOD "tcp"
#include <errno.h>
#include <string.h>

#include "tcp/tcp_priv.h"

/* ---- options and negotiation ---- */

int
tcp_parse_options(const uint8_t *opt, uint32_t len, struct tcp_seg *s)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t kind = opt[i], olen;
		if (kind == 0) /* end of list */
			break;
		if (kind == 1) { /* NOP */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return -1;
		switch (kind) {
		case 2:
			if (olen != 4)
				return -1;
			s->has_mss = true;
			s->mss = (uint16_t)(opt[i + 2] << 8 | opt[i + 3]);
			break;
		case 3:
			if (olen != 3)
				return -1;
			s->has_ws = true;
			s->ws = VN_MIN(opt[i + 2], 14); /* RFC 7323 2.3: larger is 14 */
			break;
		case 4:
			if (olen != 2)
				return -1;
			s->has_sack_perm = true;
			break;
		case 5:
			if (olen < 10 || (olen - 2) % 8)
				return -1;
			s->n_sack = 0;
			for (uint32_t b = 0; b < (olen - 2u) / 8 && b < 4; b++) {
				const uint8_t *p = opt + i + 2 + b * 8;
				s->sack[b].start = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
				s->sack[b].end = (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
				s->n_sack++;
			}
			break;
		case 8:
			if (olen != 10)
				return -1;
			s->has_ts = true;
			s->tsval = (uint32_t)opt[i + 2] << 24 | opt[i + 3] << 16 | opt[i + 4] << 8 |
				   opt[i + 5];
			s->tsecr = (uint32_t)opt[i + 6] << 24 | opt[i + 7] << 16 | opt[i + 8] << 8 |
				   opt[i + 9];
			break;
		default: /* unknown options are skipped (RFC 9293 3.1) */
			break;
		}
		i += olen;
	}
	return 0;
}

/* Our window shift: the smallest that lets the rx FIFO be advertised whole. */
uint8_t
tcp_our_wscale(void)
{
	uint8_t ws = 0;

	while (ws < 14 && (tcp_cfg.rx_fifo >> ws) > 65535)
		ws++;
	return ws;
}

/* What both ends agreed in the SYN exchange (s: the peer's SYN or SYN-ACK). */
static void
conn_negotiate(struct tcp_conn *c, const struct tcp_seg *s, uint16_t our_mss)
{
	uint16_t peer_mss = s->has_mss ? s->mss : tcp_cfg.mss_default;

	c->snd_mss = VN_MAX(VN_MIN(peer_mss, our_mss), 64);
	if (s->has_ws) {
		c->flags |= TCP_CF_WS;
		c->snd_wscale = s->ws;
		c->rcv_wscale = tcp_our_wscale();
	} else {
		c->snd_wscale = c->rcv_wscale = 0;
	}
	if (s->has_ts) {
		c->flags |= TCP_CF_TS;
		c->ts_recent = s->tsval;
	}
	if (s->has_sack_perm)
		c->flags |= TCP_CF_SACK;
	/* RFC 6928 initial window; RFC 5681 initial ssthresh: arbitrarily high. */
	c->cwnd = VN_MIN(10u * c->snd_mss, VN_MAX(2u * c->snd_mss, 14600u));
	c->ssthresh = UINT32_MAX / 2;
}

/* ---- RTT, RTO, congestion control ---- */

/* RFC 6298 2.2-2.3 in milliseconds; srtt kept x8, rttvar x4 (Jacobson). */
static void
conn_rtt_sample(struct tcp_conn *c, uint32_t r)
{
	if (c->srtt == 0) {
		c->srtt = r << 3;
		c->rttvar = r << 1;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(c->srtt >> 3);
		c->srtt += delta;
		if (delta < 0)
			delta = -delta;
		c->rttvar += delta - (int32_t)(c->rttvar >> 2);
	}
	c->rto = (c->srtt >> 3) + VN_MAX(1u, c->rttvar);
	c->rto = VN_MAX(c->rto, tcp_cfg.rto_min_ms);
	c->rto = VN_MIN(c->rto, tcp_cfg.rto_max_ms);
}

static inline uint32_t
conn_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

/* RFC 5681 3.1 eq. 4. */
void
tcp_conn_loss_ssthresh(struct tcp_conn *c)
{
	if (c->cc == TCP_CC_CUBIC) {
		tcp_cubic_loss(c);
		return;
	}
	c->ssthresh = VN_MAX(conn_flight(c) / 2, 2u * c->snd_mss); /* RFC 5681 3.1 eq. 4 */
}

static void
conn_cc_ack(struct tcp_worker *w, struct tcp_conn *c, uint32_t acked, uint32_t ack)
{
	if (c->flags & TCP_CF_RECOVERY) {
		if (seq_geq(ack, c->recover)) {
			/* Full ACK (RFC 6582 3.2 step 3, option 1). */
			c->cwnd = VN_MIN(c->ssthresh, conn_flight(c) + c->snd_mss);
			c->flags &= ~TCP_CF_RECOVERY;
			c->dupacks = 0;
		} else if (c->flags & TCP_CF_SACK) {
			/* Partial ACK: the scoreboard says what goes next (RFC
			 * 6675 step C, in output). But an ACK stopping at a byte
			 * not resent in this recovery says that byte is lost,
			 * SACK blocks or not (NewReno's rule, RFC 6582 3.2 step
			 * 4); without it a loss above every SACKed byte would
			 * wait for the timeout. */
			uint32_t len = tcp_sack_hole_end(&c->sb, c->snd_una, c->snd_max) - c->snd_una;
			if (seq_geq(c->snd_una, c->sb.high_rxt) &&
			    tcp_sack_skip(&c->sb, c->snd_una) == c->snd_una &&
			    tcp_sack_retransmit(w, c, c->snd_una, len)) {
				len = VN_MIN(len, tcp_seg_max_payload(c));
				c->sb.high_rxt = c->snd_una + len;
			}
			tcp_conn_rtx_rearm(w, c, true);
		} else {
			/* Partial ACK: the next hole is lost too; deflate by
			 * what was acked, add back one segment (step 4). */
			tcp_retransmit_first(w, c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			c->cwnd += c->snd_mss;
			tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
		}
		return;
	}
	c->dupacks = 0;
	if (c->cwnd < c->ssthresh)
		c->cwnd += VN_MIN(acked, (uint32_t)c->snd_mss); /* slow start */
	else if (c->cc == TCP_CC_CUBIC)
		tcp_cubic_ack(w, c, acked);
	else
		c->cwnd += VN_MAX(1u, (uint32_t)c->snd_mss * c->snd_mss / c->cwnd);
	c->cwnd = VN_MIN(c->cwnd, 1u << 30);
}

/* RFC 6675 5 (4): enter loss recovery with the scoreboard. */
void
tcp_conn_sack_recovery(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t mss = tcp_seg_max_payload(c), len;

	c->undo_cwnd = c->cwnd;
	c->undo_ssthresh = c->ssthresh;
	c->undo_tsval = (uint32_t)w->now_ms + c->ts_off;
	c->flags = (c->flags & ~TCP_CF_UNDO) | ((c->flags & TCP_CF_TS) ? TCP_CF_UNDO : 0);
	tcp_conn_loss_ssthresh(c);
	c->cwnd = c->ssthresh; /* (4.2): no inflation, pipe counts instead */
	c->recover = c->snd_max; /* (4.1) RecoveryPoint = HighData */
	c->flags |= TCP_CF_RECOVERY;
	c->flags &= ~TCP_CF_TLP_OUT;
	c->sb.high_rxt = c->snd_una;
	c->sb.has_rescue = false;
	c->sb.n_rtx = 0;
	w->stats[TCP_STAT_FAST_RTX]++;
	w->stats[TCP_STAT_SACK_RECOVERY]++;
	/* (4.3) The first segment presumed lost goes whatever pipe says. */
	len = VN_MIN(tcp_sack_hole_end(&c->sb, c->snd_una, c->snd_max) - c->snd_una, mss);
	if (tcp_sack_skip(&c->sb, c->snd_una) == c->snd_una &&
	    tcp_sack_retransmit(w, c, c->snd_una, len))
		c->sb.high_rxt = c->snd_una + len;
	tcp_conn_rtx_rearm(w, c, true);
	tcp_want_output(w, c); /* (4.4) and step (C): output sends what pipe allows */
}

/* A duplicate ACK, or one that SACKs newly bytes (newly). */
static void
conn_cc_dupack(struct tcp_worker *w, struct tcp_conn *c, uint32_t newly)
{
	c->dupacks++;
	if (c->flags & TCP_CF_RECOVERY) {
		if (!(c->flags & TCP_CF_SACK))
			c->cwnd += c->snd_mss; /* inflation: a segment has left the network */
		tcp_want_output(w, c);
		return;
	}
	/* RFC 6582 3.2 step 1: no new recovery for losses of the previous one
	 * (the ACK must cover more than recover). With SACK the scoreboard
	 * tells new losses from old: one at recover itself, the first byte
	 * sent after the last recovery, starts the next (RFC 6675 5 (3) has
	 * no such guard); only an ACK below recover (after a timeout: the
	 * go-back-N range) does not. */
	if (seq_lt(c->snd_una - !(c->flags & TCP_CF_SACK), c->recover))
		return;
	if (c->flags & TCP_CF_SACK) {
		/* RFC 6675 5 (2): DupThresh duplicates, or the scoreboard
		 * already says the first segment is lost. */
		if (c->dupacks >= tcp_sack_dupthresh(&c->sb) ||
		    tcp_sack_is_lost(&c->sb, c->snd_una, tcp_seg_max_payload(c))) {
			tcp_conn_sack_recovery(w, c);
		} else if ((c->flags & TCP_CF_TLP_OUT) && newly) {
			/* RFC 8985 7.4: the probe went out a PTO (two RTTs)
			 * after the tail; what it SACKs above SND.UNA was sent
			 * later than the hole by more than an RTT: RACK deems
			 * the hole lost. */
			w->stats[TCP_STAT_TLP_RECOVERY]++;
			tcp_conn_sack_recovery(w, c);
		}
		return;
	}
	if (c->dupacks != 3)
		return;
	tcp_conn_loss_ssthresh(c);
	c->recover = c->snd_max;
	c->flags |= TCP_CF_RECOVERY;
	w->stats[TCP_STAT_FAST_RTX]++;
	tcp_retransmit_first(w, c);
	c->cwnd = c->ssthresh + 3u * c->snd_mss;
	tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
	tcp_want_output(w, c);
}

/* RFC 3522 (Eifel) detection, Linux's undo: an ACK that moves SND.UNA in
 * SACK recovery and echoes a timestamp older than the recovery's first
 * retransmission was sent for an original segment: it was late, not lost.
 * The window comes back, recovery ends, and DupThresh grows to what the
 * late segment was passed by (Linux's tp->reordering; RACK would widen its
 * reordering window instead). */
static void
conn_spurious_undo(struct tcp_worker *w, struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t mss = tcp_seg_max_payload(c), top, passed;

	if ((c->flags & (TCP_CF_RECOVERY | TCP_CF_UNDO)) != (TCP_CF_RECOVERY | TCP_CF_UNDO) ||
	    !s->has_ts || !s->tsecr || !seq_lt(s->tsecr, c->undo_tsval))
		return;
	top = c->sb.n && seq_gt(c->sb.blk[c->sb.n - 1].end, s->ack) ? c->sb.blk[c->sb.n - 1].end
								    : s->ack;
	passed = (top - c->snd_una) / mss;
	c->sb.dupthresh = (uint8_t)VN_MIN(VN_MAX(passed, tcp_sack_dupthresh(&c->sb)),
					  (uint32_t)TCP_SACK_DUPTHRESH_MAX);
	c->cwnd = VN_MAX(c->cwnd, c->undo_cwnd);
	c->ssthresh = VN_MAX(c->ssthresh, c->undo_ssthresh);
	c->flags &= ~(TCP_CF_RECOVERY | TCP_CF_UNDO);
	c->recover = s->ack; /* a loss above may start a recovery of its own */
	c->dupacks = 0;
	c->sb.n_rtx = 0;
	w->stats[TCP_STAT_SPURIOUS_UNDO]++;
}

/* In SACK recovery: retransmissions the peer's SACKs show lost in turn go
 * again now, not after a timeout (tcp_sack_lost_rtx). Like the first
 * retransmission of a recovery, whatever pipe says: a handful at most. */
static void
conn_sack_lost_rtx(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t mss = tcp_seg_max_payload(c), seq, len, n = 0;

	while (n < TCP_SACK_RTX_LOG &&
	       tcp_sack_lost_rtx(&c->sb, c->snd_una, c->snd_max, mss, &seq, &len)) {
		if (!tcp_sack_retransmit(w, c, seq, len))
			break;
		w->stats[TCP_STAT_LOST_RTX]++;
		n++;
	}
	if (n)
		tcp_conn_rtx_rearm(w, c, true);
}

/* The SACK blocks of an ACK into the scoreboard; returns the bytes newly
 * SACKed. The cumulative ACK trims it even without blocks. */
static uint32_t
conn_sack_input(struct tcp_worker *w, struct tcp_conn *c, const struct tcp_seg *s,
		uint32_t *n_dsack)
{
	struct tcp_sack_block b[4];
	struct tcp_sack_update r;
	uint32_t una = seq_gt(s->ack, c->snd_una) ? s->ack : c->snd_una;

	for (uint32_t i = 0; i < s->n_sack; i++)
		b[i] = (struct tcp_sack_block){s->sack[i].start, s->sack[i].end};
	tcp_sack_update(&c->sb, una, c->snd_max, b, s->n_sack, &r);
	w->stats[TCP_STAT_DSACK_RCVD] += r.n_dsack;
	*n_dsack = r.n_dsack;
	w->stats[TCP_STAT_SACK_BAD] += r.n_bad;
	w->stats[TCP_STAT_SACK_FULL] += r.n_full;
	return r.newly;
}

/* ---- input ---- */

/* RFC 9293 3.10.7.4 first check: is any of the segment in the window? "But
 * special allowance should be made to accept valid ACKs": an empty segment
 * may also sit at the right edge (Linux's tcp_sequence()), where a peer
 * that filled our window, with a hole at RCV.NXT, sends its ACKs; and with
 * the window shut a segment at RCV.NXT (a zero-window probe, whose ACK may
 * be the one that lets our application drain the FIFO) is taken for its
 * ACK, its text cut at the window (conn_process_data), as BSD does, in the
 * states that take text. Refused, either would leave our sender deaf until
 * its RTO, or two of our stacks waiting on each other for ever. */
static bool
conn_seq_acceptable(const struct tcp_conn *c, const struct tcp_seg *s, uint32_t seg_len)
{
	uint32_t wnd = tcp_conn_rcv_wnd(c), nxt = c->rcv_nxt;

	if (seg_len == 0)
		return seq_geq(s->seq, nxt) && seq_leq(s->seq, nxt + wnd);
	if (wnd == 0)
		return s->seq == nxt && (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
					 c->state == TCP_FIN_WAIT_2);
	return (seq_geq(s->seq, nxt) && seq_lt(s->seq, nxt + wnd)) ||
	       (seq_geq(s->seq + seg_len - 1, nxt) && seq_lt(s->seq + seg_len - 1, nxt + wnd));
}

/* Established: SYN_RCVD -> ESTABLISHED on the ACK of our SYN. */
static bool
conn_established(struct tcp_worker *w, struct tcp_conn *c, const struct tcp_seg *s)
{
	tcp_conn_half_open_done(w, c);
	c->state = TCP_ESTABLISHED;
	tcp_conn_keepalive_start(w, c);
	c->snd_wnd = (uint32_t)s->wnd << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	c->flags |= TCP_CF_APP_KNOWS;
	if (c->flags & TCP_CF_ACTIVE) { /* a simultaneous open */
		w->stats[TCP_STAT_ACTIVE_OPENS]++;
		if (tcp_conn_app(c)->connected)
			tcp_conn_app(c)->connected((struct vn_session *)c, c->opaque, 0);
		return !(c->flags & TCP_CF_CLEANUP);
	}
	w->stats[TCP_STAT_PASSIVE_OPENS]++;
	if (tcp_conn_app(c)->accept && tcp_conn_app(c)->accept((struct vn_session *)c) != 0) {
		tcp_conn_abort(w, c);
		return false;
	}
	return true;
}

/* The ACK field of a segment in a synchronized state (RFC 9293 3.10.7.4,
 * fifth check). Returns false when the segment is to be dropped. */
static bool
conn_process_ack(struct tcp_worker *w, struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t acked, data_acked, newly = 0, n_dsack = 0;
	bool wnd_changed = false, tlp_repaired = false;

	if (seq_gt(s->ack, c->snd_max)) {
		/* ACK of something not yet sent: ACK back, drop. */
		c->flags |= TCP_CF_ACK_NOW;
		tcp_want_output(w, c);
		return false;
	}
	if (seq_lt(s->ack, c->snd_una - c->max_snd_wnd)) {
		/* RFC 5961 5.2: too old to be a real ACK. */
		c->flags |= TCP_CF_ACK_NOW;
		tcp_want_output(w, c);
		return false;
	}
	/* Window update (RFC 9293: only from a newer segment). A segment that
	 * acknowledges new data is newer too, whatever its SEQ (Linux's
	 * tcp_may_update_window): the peer's retransmission of the hole below
	 * an out-of-order segment is older by SEQ than that segment, but its
	 * window is the one for its ACK; kept from the older ACK, the window
	 * would reach past the peer's right edge, and what we send there (our
	 * bare ACKs too, ack_seq() in tcp_output.c) a shut window refuses. */
	if (seq_gt(s->ack, c->snd_una) || seq_lt(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && seq_leq(c->snd_wl2, s->ack))) {
		uint32_t wnd = (uint32_t)s->wnd << c->snd_wscale;
		wnd_changed = wnd != c->snd_wnd;
		c->snd_wnd = wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		c->max_snd_wnd = VN_MAX(c->max_snd_wnd, wnd);
		if (wnd_changed)
			tcp_want_output(w, c);
		if (wnd && (c->flags & TCP_CF_ZWP)) {
			/* The window opened: probing ends, normal timing resumes,
			 * from SND.UNA: a probe byte not acknowledged was not taken. */
			c->flags &= ~TCP_CF_ZWP;
			c->n_rtx = 0;
			c->snd_nxt = c->snd_una;
			tcp_conn_disarm(w, c, TCP_TIMER_RTX);
			if (c->snd_una != c->snd_max)
				tcp_conn_rtx_start(w, c);
		}
	}
	if (c->flags & TCP_CF_SACK)
		newly = conn_sack_input(w, c, s, &n_dsack);
	acked = s->ack - c->snd_una;
	if (seq_gt(s->ack, c->snd_una)) {
		/* RTT: timestamps survive retransmission (RFC 7323 4.1), the
		 * timed segment does not (Karn). */
		if ((c->flags & TCP_CF_TS) && s->has_ts && s->tsecr &&
		    (uint32_t)w->now_ms - s->tsecr < 60000)
			conn_rtt_sample(c, (uint32_t)w->now_ms - s->tsecr);
		else if ((c->flags & TCP_CF_RTT_TIMING) && seq_geq(s->ack, c->rtt_seq))
			conn_rtt_sample(c, (uint32_t)w->now_ms - c->rtt_start);
		if (seq_geq(s->ack, c->rtt_seq))
			c->flags &= ~TCP_CF_RTT_TIMING;
		if ((c->flags & TCP_CF_TLP_OUT) && seq_geq(s->ack, c->tlp_high)) {
			/* RFC 8985 7.4.2: a retransmitted probe that the peer
			 * did not report as a duplicate repaired a loss: the
			 * congestion response is due, as for any loss. */
			if ((c->flags & TCP_CF_TLP_RTX) && !n_dsack &&
			    !(c->flags & TCP_CF_RECOVERY)) {
				tcp_conn_loss_ssthresh(c); /* of the flight before this ACK */
				tlp_repaired = true;
				w->stats[TCP_STAT_TLP_REPAIRED]++;
			}
			c->flags &= ~(TCP_CF_TLP_OUT | TCP_CF_TLP_RTX);
		}
		c->n_rtx = 0;
		data_acked = acked;
		if (c->snd_una == c->iss) /* our SYN */
			data_acked--;
		data_acked = VN_MIN(data_acked, tcp_fifo_len(&c->tx));
		tcp_fifo_drop(&c->tx, data_acked);
		if (c->flags & TCP_CF_SACK)
			conn_spurious_undo(w, c, s);
		c->snd_una = s->ack;
		if (seq_lt(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		/* Congestion control counts data: the ACK of a SYN or FIN opens nothing. */
		if (data_acked)
			conn_cc_ack(w, c, data_acked, s->ack);
		if (tlp_repaired)
			c->cwnd = c->ssthresh;
		if (c->snd_una == c->snd_max)
			tcp_conn_disarm(w, c, TCP_TIMER_RTX);
		else if (!(c->flags & TCP_CF_RECOVERY))
			tcp_conn_rtx_rearm(w, c, true); /* RFC 6298 5.3, or a probe */
		tcp_want_output(w, c);
		if ((c->flags & TCP_CF_TX_FULL) && (c->flags & TCP_CF_APP_KNOWS) &&
		    !(c->flags & TCP_CF_FIN_QUEUED)) {
			c->flags &= ~TCP_CF_TX_FULL;
			if (tcp_conn_app(c)->tx_space)
				tcp_conn_app(c)->tx_space((struct vn_session *)c);
		}
	} else if (s->ack == c->snd_una && !(s->flags & (TCP_F_SYN | TCP_F_FIN)) &&
		   c->snd_una != c->snd_max && c->snd_wnd &&
		   ((s->len == 0 && !s->wnd_shut && !wnd_changed) || newly)) {
		/* RFC 5681 2: a duplicate ACK; RFC 6675 2: or one that
		 * SACKs new data. Not the answers to zero-window probes:
		 * nothing is lost there, the window is shut. */
		conn_cc_dupack(w, c, newly);
	}
	if ((c->flags & (TCP_CF_RECOVERY | TCP_CF_SACK)) == (TCP_CF_RECOVERY | TCP_CF_SACK) &&
	    !(c->flags & TCP_CF_CLEANUP))
		conn_sack_lost_rtx(w, c);
	return true;
}

static bool
conn_fin_acked(const struct tcp_conn *c)
{
	return (c->flags & TCP_CF_FIN_SENT) && c->snd_una == c->snd_max;
}

/* The peer's FIN became in order. */
static void
conn_peer_fin(struct tcp_worker *w, struct tcp_conn *c)
{
	c->flags &= ~TCP_CF_FIN_RCVD;
	c->flags |= TCP_CF_ACK_NOW;
	c->rcv_nxt++;
	tcp_want_output(w, c);
	switch (c->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		c->state = TCP_CLOSE_WAIT;
		if ((c->flags & TCP_CF_APP_KNOWS) && !(c->flags & TCP_CF_PEER_CLOSED)) {
			c->flags |= TCP_CF_PEER_CLOSED;
			if (tcp_conn_app(c)->peer_close)
				tcp_conn_app(c)->peer_close((struct vn_session *)c);
		}
		break;
	case TCP_FIN_WAIT_1:
		if (conn_fin_acked(c))
			tcp_conn_time_wait(w, c);
		else
			c->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_conn_time_wait(w, c);
		break;
	default:
		break;
	}
	/* A half-closed app still listens: it hears the peer's FIN too. */
	if ((c->flags & (TCP_CF_APP_HOLDS | TCP_CF_APP_KNOWS | TCP_CF_PEER_CLOSED)) ==
	    (TCP_CF_APP_HOLDS | TCP_CF_APP_KNOWS)) {
		c->flags |= TCP_CF_PEER_CLOSED;
		if (tcp_conn_app(c)->peer_close)
			tcp_conn_app(c)->peer_close((struct vn_session *)c);
	}
}

/* Segment text and FIN (RFC 9293 3.10.7.4, seventh and eighth checks). */
static void
conn_process_data(struct tcp_worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	uint32_t seq = s->seq, len = s->len, wnd;
	const uint8_t *data = s->data;
	bool fin = s->flags & TCP_F_FIN;
	int rc;

	if (s->flags & TCP_F_SYN) /* a SYN-ACK's SYN takes a sequence number */
		seq++;
	if (seq_lt(seq, c->rcv_nxt)) { /* already have the front */
		uint32_t d = c->rcv_nxt - seq;
		if (d >= len) {
			if (len || !fin || seq + len != c->rcv_nxt) {
				w->stats[TCP_STAT_DUP_SEGS]++;
				c->flags |= TCP_CF_ACK_NOW;
				tcp_want_output(w, c);
			}
			len = 0;
			d = 0;
			if (fin && seq_lt(s->seq + s->len, c->rcv_nxt))
				fin = false;
		} else {
			data += d;
			len -= d;
		}
		seq = c->rcv_nxt;
	}
	wnd = tcp_conn_rcv_wnd(c);
	if (len && seq - c->rcv_nxt + len > wnd) { /* past the window: cut */
		uint32_t room = wnd > seq - c->rcv_nxt ? wnd - (seq - c->rcv_nxt) : 0;
		len = room;
		fin = false;
		w->stats[TCP_STAT_WND_CUT]++;
		c->flags |= TCP_CF_ACK_NOW; /* the sender learns the window */
		tcp_want_output(w, c);
	}
	if (len) {
		uint32_t off = seq - c->rcv_nxt;
		rc = tcp_fifo_write_at(&c->rx, off, data, len);
		c->flags |= TCP_CF_ACK_NOW;
		tcp_want_output(w, c);
		if (rc < 0) {
			/* Not kept (more holes than we track): the duplicate
			 * ACK and SACK blocks make the peer send it again. */
			w->stats[TCP_STAT_OOO_REFUSED]++;
			fin = false;
		} else if (off) {
			w->stats[TCP_STAT_OOO_SEGS]++;
			c->rcv_sack_recent = c->rx.tail + off;
		} else if (rc > 0) {
			c->rcv_nxt += (uint32_t)rc;
			c->bytes_in += (uint32_t)rc;
			if ((c->flags & TCP_CF_APP_KNOWS) && tcp_conn_app(c)->rx)
				tcp_conn_app(c)->rx((struct vn_session *)c);
			if (c->flags & TCP_CF_CLEANUP)
				return;
		}
	}
	if (fin && !(c->flags & TCP_CF_FIN_RCVD)) {
		c->flags |= TCP_CF_FIN_RCVD;
		c->fin_rcv_seq = seq + len;
	}
	if ((c->flags & TCP_CF_FIN_RCVD) && c->rcv_nxt == c->fin_rcv_seq)
		conn_peer_fin(w, c);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void
conn_input_syn_sent(struct tcp_worker *w, struct tcp_conn *c, struct tcp_seg *s,
		    uint16_t our_mss)
{
	bool has_ack = s->flags & TCP_F_ACK;

	if (has_ack && (seq_leq(s->ack, c->iss) || seq_gt(s->ack, c->snd_max))) {
		/* Not for our SYN: answered with a reset by the caller's rule
		 * (a reset of our own would tear down this attempt). */
		if (!(s->flags & TCP_F_RST))
			tcp_conn_send_rst(w, c, s->ack, false);
		return;
	}
	if (s->flags & TCP_F_RST) {
		if (has_ack)
			tcp_conn_reset(w, c, -ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_F_SYN))
		return;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	conn_negotiate(c, s, our_mss);
	c->rcv_adv = c->rcv_nxt;
	if (!has_ack) {
		/* Simultaneous open: our SYN goes again with an ACK. */
		c->state = TCP_SYN_RCVD;
		c->snd_nxt = c->iss;
		tcp_want_output(w, c);
		return;
	}
	c->snd_una = s->ack;
	c->snd_nxt = VN_MAX(c->snd_nxt, s->ack);
	if ((c->flags & TCP_CF_TS) && s->has_ts && s->tsecr)
		conn_rtt_sample(c, (uint32_t)w->now_ms - s->tsecr);
	else if (c->n_rtx == 0)
		conn_rtt_sample(c, (uint32_t)w->now_ms - c->rtt_start);
	c->n_rtx = 0;
	tcp_conn_disarm(w, c, TCP_TIMER_RTX);
	c->state = TCP_ESTABLISHED;
	tcp_conn_keepalive_start(w, c);
	c->snd_wnd = s->wnd; /* a SYN's window is never scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	c->recover = c->snd_una;
	c->flags |= TCP_CF_ACK_NOW | TCP_CF_APP_KNOWS;
	w->stats[TCP_STAT_ACTIVE_OPENS]++;
	tcp_want_output(w, c);
	if (tcp_conn_app(c)->connected)
		tcp_conn_app(c)->connected((struct vn_session *)c, c->opaque, 0);
}

void
tcp_input_conn(struct tcp_worker *w, struct tcp_conn *c, struct tcp_seg *s)
{
	uint32_t seg_len = s->len + !!(s->flags & TCP_F_SYN) + !!(s->flags & TCP_F_FIN);

	c->segs_in++;
	c->last_rcv_ms = (uint32_t)w->now_ms; /* the peer is alive */
	c->n_keep_probes = 0;
	if (c->state == TCP_SYN_SENT) {
		conn_input_syn_sent(w, c, s, c->rcv_mss);
		return;
	}
	/* A retransmitted SYN: our SYN-ACK was lost, send it again. */
	if (c->state == TCP_SYN_RCVD && (s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN &&
	    s->seq == c->irs) {
		c->snd_nxt = c->iss;
		tcp_want_output(w, c);
		return;
	}
	/* PAWS (RFC 7323 5.3): an old timestamp is an old duplicate. */
	if ((c->flags & TCP_CF_TS) && s->has_ts && !(s->flags & TCP_F_RST) &&
	    seq_lt(s->tsval, c->ts_recent)) {
		c->flags |= TCP_CF_ACK_NOW;
		tcp_want_output(w, c);
		w->stats[TCP_STAT_DUP_SEGS]++;
		return;
	}
	/* RFC 9293 3.10.7.4: data at our window's right edge (a shut window:
	 * at RCV.NXT) is not acceptable, "but special allowance should be
	 * made to accept valid ACKs": the peer's ACKs and SACKs of our data
	 * ride on its data, and while our app waits for tx space (an echo)
	 * they are all our sender hears. */
	if (s->len && seq_geq(s->seq, c->rcv_nxt) &&
	    seq_leq(s->seq, c->rcv_nxt + tcp_conn_rcv_wnd(c)) &&
	    !conn_seq_acceptable(c, s, seg_len) &&
	    (s->flags & (TCP_F_ACK | TCP_F_SYN | TCP_F_RST)) == TCP_F_ACK) {
		w->stats[TCP_STAT_WND_SHUT_ACKS]++;
		s->len = 0;
		s->flags &= (uint8_t)~TCP_F_FIN;
		s->wnd_shut = true;
		seg_len = 0;
		c->flags |= TCP_CF_ACK_NOW; /* our window again */
		tcp_want_output(w, c);
	}
	if (!conn_seq_acceptable(c, s, seg_len)) {
		if (!(s->flags & TCP_F_RST)) {
			c->flags |= TCP_CF_ACK_NOW;
			tcp_want_output(w, c);
			if (c->state == TCP_TIME_WAIT && (s->flags & TCP_F_FIN))
				tcp_conn_arm(w, c, TCP_TIMER_WAIT, tcp_cfg.time_wait_ms);
		}
		w->stats[TCP_STAT_DUP_SEGS]++;
		return;
	}
	/* RFC 7323 4.3: remember the timestamp of the segment at the left edge. */
	if ((c->flags & TCP_CF_TS) && s->has_ts && seq_leq(s->seq, c->rcv_nxt))
		c->ts_recent = s->tsval;
	if (s->flags & TCP_F_RST) {
		/* RFC 5961 3.2: only the exact next sequence number resets. */
		if (s->seq != c->rcv_nxt) {
			tcp_conn_challenge_ack(w, c);
			return;
		}
		if ((c->state == TCP_SYN_RCVD && !(c->flags & TCP_CF_ACTIVE)) ||
		    c->state == TCP_TIME_WAIT || c->state == TCP_LAST_ACK ||
		    c->state == TCP_CLOSING) {
			tcp_conn_delete(w, c);
			return;
		}
		w->stats[TCP_STAT_ESTAB_RESETS]++;
		tcp_conn_reset(w, c, -ECONNRESET);
		return;
	}
	if (s->flags & TCP_F_SYN) {
		/* RFC 5961 4.2: any SYN in a synchronized state gets a challenge ACK. */
		tcp_conn_challenge_ack(w, c);
		return;
	}
	if (!(s->flags & TCP_F_ACK))
		return;
	if (c->state == TCP_SYN_RCVD) {
		if (seq_leq(s->ack, c->snd_una) || seq_gt(s->ack, c->snd_max)) {
			tcp_conn_send_rst(w, c, s->ack, false);
			return;
		}
		if (!conn_established(w, c, s))
			return;
	}
	if (!conn_process_ack(w, c, s) || (c->flags & TCP_CF_CLEANUP))
		return;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		if (conn_fin_acked(c)) {
			c->state = TCP_FIN_WAIT_2;
			/* Given up only when no app holds it (Linux's
			 * tcp_fin_timeout is for orphans too). */
			if (!(c->flags & TCP_CF_APP_HOLDS))
				tcp_conn_arm(w, c, TCP_TIMER_WAIT, tcp_cfg.fin_wait_2_ms);
		}
		break;
	case TCP_CLOSING:
		if (conn_fin_acked(c))
			tcp_conn_time_wait(w, c);
		return;
	case TCP_LAST_ACK:
		/* A half-closed app that has not read all yet keeps the
		 * session (its rx FIFO) in TIME_WAIT until it closes. */
		if (conn_fin_acked(c) && (c->flags & TCP_CF_APP_HOLDS))
			tcp_conn_time_wait(w, c);
		else if (conn_fin_acked(c))
			tcp_conn_delete(w, c);
		return;
	case TCP_TIME_WAIT:
		return;
	default:
		break;
	}
	if (c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
	    c->state == TCP_FIN_WAIT_2 || ((s->flags & TCP_F_FIN) && c->state == TCP_CLOSE_WAIT))
		if (s->len || (s->flags & TCP_F_FIN))
			conn_process_data(w, c, s);
}

struct tcp_conn *
tcp_input_listen(struct tcp_worker *w, const struct tcp_listener *l, const struct tcp_tuple *t,
		 const struct tcp_seg *s, uint16_t mtu)
{
	struct tcp_conn *c = tcp_conn_alloc(w, t);

	if (!c)
		return NULL;
	c->app = l->app;
	c->state = TCP_SYN_RCVD;
	c->flags |= TCP_CF_HALF_OPEN;
	w->n_half_open++;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->rcv_mss = tcp_mss_for_mtu(mtu, t->is_ip6);
	c->if_index = 0;
	conn_negotiate(c, s, c->rcv_mss);
	c->iss = tcp_isn(t);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss; /* output sends the SYN-ACK */
	c->recover = c->iss;
	c->snd_wnd = s->wnd;
	tcp_want_output(w, c);
	return c;
}

struct tcp_conn *
tcp_conn_from_cookie(struct tcp_worker *w, const struct tcp_listener *l, const struct tcp_tuple *t,
		     const struct tcp_seg *s, uint16_t mss, int ws, bool sack, uint16_t if_index)
{
	struct tcp_conn *c = tcp_conn_alloc(w, t);

	if (!c)
		return NULL;
	c->app = l->app;
	c->if_index = if_index;
	c->irs = s->seq - 1;
	c->rcv_nxt = c->rcv_adv = s->seq;
	c->iss = s->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_max = s->ack;
	c->recover = c->snd_una;
	c->rcv_mss = mss;
	c->snd_mss = mss;
	if (ws >= 0) {
		c->flags |= TCP_CF_WS;
		c->snd_wscale = (uint8_t)ws;
		c->rcv_wscale = tcp_our_wscale();
	}
	if (s->has_ts) {
		c->flags |= TCP_CF_TS;
		c->ts_recent = s->tsval;
	}
	if (sack)
		c->flags |= TCP_CF_SACK;
	c->cwnd = VN_MIN(10u * c->snd_mss, VN_MAX(2u * c->snd_mss, 14600u));
	c->ssthresh = UINT32_MAX / 2;
	c->state = TCP_SYN_RCVD; /* conn_established() takes it from here */
	conn_established(w, c, s); /* an app that refuses it resets it */
	return c;
}

/*
 * CUBIC congestion control (RFC 9438), selectable per connection (the
 * congestion-control setting, read when a connection is made): after a
 * loss the window follows W(t) = C (t - K)^3 + W_max from W_max * beta, flat
 * near the old maximum and probing beyond it, and never grows slower than
 * the Reno-friendly estimate W_est. Slow start and loss recovery (fast
 * retransmit, NewReno's partial ACKs, RTO) stay those of tcp.c.
 */
#include <math.h>

#include "tcp/tcp_priv.h"

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7
/* RFC 9438 4.3: alpha for W_est, so that CUBIC is as aggressive as Reno. */
#define CUBIC_ALPHA (3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))

void
tcp_cubic_loss(struct tcp_conn *c)
{
	/* Fast convergence (4.7): a window lower than the last maximum means
	 * a new flow takes its share; release some more. */
	if (c->cwnd < c->cubic_w_max)
		c->cubic_w_max = (uint32_t)(c->cwnd * (1.0 + CUBIC_BETA) / 2.0);
	else
		c->cubic_w_max = c->cwnd;
	c->cubic_epoch_valid = false;
	c->ssthresh = VN_MAX((uint32_t)((c->snd_max - c->snd_una) * CUBIC_BETA), 2u * c->snd_mss);
}

void
tcp_cubic_ack(struct tcp_worker *w, struct tcp_conn *c, uint32_t acked)
{
	double mss = c->snd_mss, cwnd = c->cwnd, t, target;

	if (!c->cubic_epoch_valid) {
		c->cubic_epoch_valid = true;
		c->cubic_epoch_ms = (uint32_t)w->now_ms;
		if (c->cubic_w_max <= c->cwnd) {
			c->cubic_w_max = c->cwnd;
			c->cubic_k = 0;
		} else {
			c->cubic_k = cbrt((c->cubic_w_max - cwnd) / mss / CUBIC_C);
		}
		c->cubic_w_est = cwnd;
	}
	/* Where the window should be one RTT from now (4.2). */
	t = ((uint32_t)w->now_ms - c->cubic_epoch_ms + (c->srtt >> 3)) / 1000.0;
	target = CUBIC_C * pow(t - c->cubic_k, 3) * mss + c->cubic_w_max;
	if (target < cwnd)
		target = cwnd;
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	c->cubic_w_est += CUBIC_ALPHA * mss * acked / cwnd;
	if (c->cubic_w_est > target) /* Reno-friendly region (4.3) */
		c->cwnd = (uint32_t)c->cubic_w_est;
	else
		c->cwnd += (uint32_t)((target - cwnd) * acked / cwnd);
	c->cwnd = VN_MIN(c->cwnd, 1u << 30);
}

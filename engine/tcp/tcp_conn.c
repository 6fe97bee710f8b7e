/*
 * TCP connections on their worker: the worker's state (4-tuple table, pool,
 * timer wheel), a connection's life from open to free, its timers
 * (retransmission and zero-window probes, keepalive, TIME_WAIT and
 * FIN_WAIT_2), and the application's open, close and abort. What a
 * connection does with a segment is in tcp.c.
 */
#define VN_LOG_MOD "tcp"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vecnet/handoff.h>
#include <vecnet/trace.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"

struct tcp_cfg tcp_cfg = {
	.rx_fifo = 1u << 16,
	.tx_fifo = 1u << 16,
	.max_conns = 16384,
	.time_wait_ms = 60000, /* Linux's TCP_TIMEWAIT_LEN, not RFC 9293's 4 min */
	.fin_wait_2_ms = 60000,
	.rto_min_ms = 200,
	.rto_max_ms = 60000,
	.rto_init_ms = 1000,
	.max_rtx = 12,
	.max_syn_rtx = 5,
	.challenge_acks_per_s = 1000,
	.half_open_max = 1024,
	.keepalive_idle_ms = 0,
	.keepalive_interval_ms = 75000,
	.keepalive_probes = 9,
	.nagle = 0,
	.cc = TCP_CC_NEWRENO,
	.mss_default = 536,
};

struct tcp_worker *tcp_workers[VN_THREAD_MAX];

const char *const tcp_state_names[TCP_N_STATE] = {
	[TCP_CLOSED] = "CLOSED",	 [TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN_SENT",	 [TCP_SYN_RCVD] = "SYN_RCVD",
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_CLOSING] = "CLOSING",	 [TCP_LAST_ACK] = "LAST_ACK",
	[TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *const tcp_stat_names[TCP_N_STAT] = {
#define _(n, s) [TCP_STAT_##n] = s,
	TCP_STATS(_)
#undef _
};

/* IPv4 keeps its 12-byte key; IPv6 tuples live in a table of their own
 * rather than tripling every IPv4 key. */
struct tcp_key {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

struct tcp_key6 {
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
};

/* The table of t's family, with t's key in k4 or k6; returns the key. */
static inline const void *
tcp_key_of(struct tcp_worker *w, const struct tcp_tuple *t, struct tcp_key *k4,
	   struct tcp_key6 *k6, struct rte_hash **h)
{
	if (!t->is_ip6) {
		*k4 = (struct tcp_key){.laddr = t->laddr.ip4, .raddr = t->raddr.ip4,
				       .lport = t->lport, .rport = t->rport};
		*h = w->table;
		return k4;
	}
	memcpy(k6->laddr, t->laddr.ip6.b, 16);
	memcpy(k6->raddr, t->raddr.ip6.b, 16);
	k6->lport = t->lport;
	k6->rport = t->rport;
	*h = w->table6;
	return k6;
}

/* ---- workers ---- */

static void
tcp_worker_free_tables(struct tcp_worker *w)
{
	void *req;

	while (w->requests && rte_ring_dequeue(w->requests, &req) == 0)
		session_request_discard(req);
	rte_ring_free(w->requests);
	rte_hash_free(w->table);
	rte_hash_free(w->table6);
	free(w->pool);
	free(w->free_next);
	free(w->pending);
	free(w->pending_slot);
	free(w->dead);
	rte_free(w);
}

struct tcp_worker *
tcp_worker_attach(uint32_t thread)
{
	struct tcp_worker *w = tcp_workers[thread];
	char name[RTE_HASH_NAMESIZE];
	uint32_t n = tcp_cfg.max_conns;

	if (w) {
		w->refs++;
		return w;
	}
	w = rte_zmalloc("tcp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE);
	if (!w)
		return NULL;
	w->thread = thread;
	w->refs = 1;
	snprintf(name, sizeof(name), "tcp%u_%" PRIx64, thread, rte_rand() & 0xffffff);
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = n < 1024 ? 1024 : n,
		.key_len = sizeof(struct tcp_key),
		.socket_id = (int)rte_socket_id(),
	};
	w->table = rte_hash_create(&hp);
	snprintf(name, sizeof(name), "tcp6%u_%" PRIx64, thread, rte_rand() & 0xffffff);
	hp.key_len = sizeof(struct tcp_key6);
	w->table6 = rte_hash_create(&hp);
	w->pool = calloc(n, sizeof(*w->pool));
	w->free_next = calloc(n, sizeof(*w->free_next));
	w->pending = calloc(n, sizeof(*w->pending));
	w->pending_slot = calloc(n, sizeof(*w->pending_slot));
	w->dead = calloc(n, sizeof(*w->dead));
	if (!w->table || !w->table6 || !w->pool || !w->free_next || !w->pending ||
	    !w->pending_slot || !w->dead) {
		tcp_worker_free_tables(w);
		return NULL;
	}
	w->pool_size = n;
	for (uint32_t i = 0; i < n; i++)
		w->free_next[i] = i + 1 < n ? i + 1 : UINT32_MAX;
	w->free_head = 0;
	w->tsc_per_ms = rte_get_tsc_hz() / 1000;
	w->now_ms = rte_rdtsc() / w->tsc_per_ms;
	tcp_wheel_init(&w->wheel, w->now_ms);
	snprintf(name, sizeof(name), "tcpq%u_%" PRIx64, thread, rte_rand() & 0xffffff);
	w->requests = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (!w->requests) {
		tcp_worker_free_tables(w);
		return NULL;
	}
	/* RFC 6056: the search for a free port starts somewhere random. */
	w->next_ephemeral = (uint16_t)(rte_rand() % 16384);
	tcp_workers[thread] = w;
	return w;
}

static void conn_free(struct tcp_worker *w, struct tcp_conn *c);

void
tcp_worker_detach(uint32_t thread)
{
	struct tcp_worker *w = tcp_workers[thread];

	if (!w || --w->refs)
		return;
	for (uint32_t i = 0; i < w->pool_size; i++) {
		if (w->pool[i]) {
			tcp_conn_app_detach(w->pool[i]);
			conn_free(w, w->pool[i]);
		}
	}
	rte_pktmbuf_free_bulk(w->out, w->n_out);
	tcp_wheel_fini(&w->wheel);
	tcp_workers[thread] = NULL;
	tcp_worker_free_tables(w);
}

void
tcp_worker_set_time(struct tcp_worker *w, uint64_t now_ms)
{
	w->now_ms = now_ms;
}

static void
tcp_flush_to_node(struct tcp_worker *w)
{
	struct rte_mbuf *v4[TCP_OUT_BATCH], *v6[TCP_OUT_BATCH];
	uint16_t n4 = 0, n6 = 0;

	/* `trace add session-queue N` marks the stack's own segments. */
	vn_trace_input(w->flush_g, w->flush_node, w->out, (uint16_t)w->n_out);
	for (uint32_t i = 0; i < w->n_out; i++) {
		struct rte_mbuf *m = w->out[i];
		if ((*rte_pktmbuf_mtod(m, const uint8_t *) >> 4) == 6)
			v6[n6++] = m;
		else
			v4[n4++] = m;
	}
	if (n4)
		vn_enqueue_copy(w->flush_g, w->flush_node->nexts[w->flush_next], v4, n4);
	if (n6)
		vn_enqueue_copy(w->flush_g, w->flush_node->nexts[w->flush_next6], v6, n6);
	w->n_out = 0;
}

__thread struct tcp_worker *tcp_worker_self;

void
tcp_worker_bind(struct tcp_worker *w, struct vn_graph *g, struct vn_node *node, uint16_t next4,
		uint16_t next6)
{
	tcp_worker_self = w;
	w->flush = tcp_flush_to_node;
	w->fwd = vn_handoff_self(g);
	w->n_fwd = vn_handoff_n_threads();
	w->flush_g = g;
	w->flush_node = node;
	w->flush_next = next4;
	w->flush_next6 = next6;
}

/* ---- connections ---- */

struct tcp_conn *
tcp_conn_alloc(struct tcp_worker *w, const struct tcp_tuple *t)
{
	struct tcp_key k4;
	struct tcp_key6 k6;
	struct rte_hash *h;
	const void *k = tcp_key_of(w, t, &k4, &k6, &h);
	struct tcp_conn *c;
	uint32_t i = w->free_head;

	if (i == UINT32_MAX)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (tcp_fifo_init(&c->rx, tcp_cfg.rx_fifo) < 0 || tcp_fifo_init(&c->tx, tcp_cfg.tx_fifo) < 0)
		goto fail;
	if (rte_hash_add_key_data(h, k, (void *)(uintptr_t)i) < 0)
		goto fail;
	w->free_head = w->free_next[i];
	w->pool[i] = c;
	w->n_conns++;
	c->idx = i;
	c->thread = w->thread;
	c->is_ip6 = t->is_ip6;
	c->laddr = t->laddr;
	c->raddr = t->raddr;
	c->lport = t->lport;
	c->rport = t->rport;
	c->rto = tcp_cfg.rto_init_ms;
	if (tcp_cfg.nagle)
		c->flags |= TCP_CF_NAGLE;
	c->cc = (uint8_t)tcp_cfg.cc;
	return c;
fail:
	tcp_fifo_free(&c->rx);
	tcp_fifo_free(&c->tx);
	free(c);
	return NULL;
}

/* Out of the table and off the timers: no segment or timer finds c again. */
static void
conn_unhash(struct tcp_worker *w, struct tcp_conn *c)
{
	struct tcp_tuple t = tcp_conn_tuple(c);
	struct tcp_key k4;
	struct tcp_key6 k6;
	struct rte_hash *h;
	const void *k = tcp_key_of(w, &t, &k4, &k6, &h);

	for (int i = 0; i < TCP_N_TIMER; i++) {
		tcp_wheel_stop(&w->wheel, c->timer[i]);
		c->timer[i] = 0;
	}
	rte_hash_del_key(h, k);
}

static void
conn_free(struct tcp_worker *w, struct tcp_conn *c)
{
	if (!(c->flags & TCP_CF_CLEANUP))
		conn_unhash(w, c);
	w->pool[c->idx] = NULL;
	w->free_next[c->idx] = w->free_head;
	w->free_head = c->idx;
	w->n_conns--;
	tcp_fifo_free(&c->rx);
	tcp_fifo_free(&c->tx);
	free(c);
}

struct tcp_conn *
tcp_conn_lookup(struct tcp_worker *w, const struct tcp_tuple *t)
{
	struct tcp_key k4;
	struct tcp_key6 k6;
	struct rte_hash *h;
	const void *k = tcp_key_of(w, t, &k4, &k6, &h);
	void *data;

	if (rte_hash_lookup_data(h, k, &data) < 0)
		return NULL;
	return w->pool[(uintptr_t)data];
}

/* The application is done with c: its last callback. */
void
tcp_conn_app_detach(struct tcp_conn *c)
{
	if (!(c->flags & TCP_CF_APP_KNOWS))
		return;
	c->flags &= ~TCP_CF_APP_KNOWS;
	if (tcp_conn_app(c)->cleanup)
		tcp_conn_app(c)->cleanup((struct vn_session *)c);
}

/* c is closed: it leaves the table now and is freed by tcp_reap() at the
 * end of the loop, so code up the stack that still holds it stays safe. */
void
tcp_conn_half_open_done(struct tcp_worker *w, struct tcp_conn *c)
{
	if (c->flags & TCP_CF_HALF_OPEN) {
		c->flags &= ~TCP_CF_HALF_OPEN;
		w->n_half_open--;
	}
}

void
tcp_conn_delete(struct tcp_worker *w, struct tcp_conn *c)
{
	if (c->flags & TCP_CF_CLEANUP)
		return;
	tcp_conn_half_open_done(w, c);
	c->state = TCP_CLOSED;
	conn_unhash(w, c);
	c->flags |= TCP_CF_CLEANUP;
	w->dead[w->n_dead++] = c->idx;
	tcp_conn_app_detach(c);
}

/* Reset by the peer or timed out: the app hears of it, then it is gone. */
void
tcp_conn_reset(struct tcp_worker *w, struct tcp_conn *c, int err)
{
	if (c->flags & TCP_CF_APP_KNOWS) {
		if (tcp_conn_app(c)->reset)
			tcp_conn_app(c)->reset((struct vn_session *)c);
	} else if ((c->flags & TCP_CF_ACTIVE) && tcp_conn_app(c)->connected) {
		/* The app opened it: it hears the failure, then cleanup. */
		c->flags |= TCP_CF_APP_KNOWS;
		tcp_conn_app(c)->connected((struct vn_session *)c, c->opaque, err);
	}
	tcp_conn_delete(w, c);
}

void
tcp_reap(struct tcp_worker *w)
{
	for (uint32_t i = 0; i < w->n_dead; i++) {
		struct tcp_conn *c = w->pool[w->dead[i]];
		if (c)
			conn_free(w, c);
	}
	w->n_dead = 0;
}

void
tcp_want_output(struct tcp_worker *w, struct tcp_conn *c)
{
	if ((c->flags & TCP_CF_CLEANUP) || w->pending_slot[c->idx])
		return;
	w->pending_slot[c->idx] = 1;
	w->pending[w->n_pending++] = c->idx;
}

void
tcp_conn_arm(struct tcp_worker *w, struct tcp_conn *c, uint8_t type, uint32_t ms)
{
	tcp_wheel_stop(&w->wheel, c->timer[type]);
	c->timer[type] = tcp_wheel_start(&w->wheel, c->idx, type, ms);
	if (type == TCP_TIMER_RTX) /* a probe timer is armed by tcp_conn_rtx_rearm() only */
		c->flags &= ~TCP_CF_TLP_TIMER;
}

void
tcp_conn_disarm(struct tcp_worker *w, struct tcp_conn *c, uint8_t type)
{
	tcp_wheel_stop(&w->wheel, c->timer[type]);
	c->timer[type] = 0;
	if (type == TCP_TIMER_RTX)
		c->flags &= ~TCP_CF_TLP_TIMER;
}

uint32_t
tcp_conn_rto(const struct tcp_conn *c)
{
	uint64_t rto = (uint64_t)c->rto << VN_MIN(c->n_rtx, 16);

	return (uint32_t)VN_MIN(rto, (uint64_t)tcp_cfg.rto_max_ms);
}

/* Linux delays an ACK by at most 40 ms (docs/tcp.md): with one segment out
 * the probe waits for it too (RFC 8985's WCDelAckT). The floor keeps a
 * probe from racing a peer that answers in well under a millisecond. */
#define TCP_TLP_DELACK_MS 40
#define TCP_TLP_MIN_MS 10

uint32_t
tcp_conn_pto(const struct tcp_conn *c)
{
	uint32_t pto = 2 * (c->srtt >> 3);

	if (c->snd_max - c->snd_una <= c->snd_mss)
		pto += TCP_TLP_DELACK_MS;
	pto = VN_MAX(pto, (uint32_t)TCP_TLP_MIN_MS);
	/* In recovery the retransmissions just sent may take their time: the
	 * probe (of the first hole) waits half the RTO, not a PTO. */
	if (c->flags & TCP_CF_RECOVERY)
		pto = VN_MAX(pto, tcp_conn_rto(c) / 2);
	return VN_MIN(pto, tcp_conn_rto(c));
}

/* RFC 8985 7.2: a probe when the peer permits SACK (its answer says what
 * is missing), no timeout is under way, and none is out yet. Unlike the
 * RFC (and Linux), in SACK recovery too: there RACK's time-based
 * detection covers lost retransmissions, but not the loss of the last
 * ACKs, or of a retransmission with nothing sent after it; here a probe
 * of the first hole does, half an RTO after the last ACK (without the
 * timeout's backoff and loss window) instead of a whole one. */
static bool
conn_tlp_allowed(const struct tcp_conn *c)
{
	return (c->flags & TCP_CF_SACK) && !(c->flags & (TCP_CF_ZWP | TCP_CF_TLP_OUT)) &&
	       c->n_rtx == 0 && c->snd_wnd && c->snd_una != c->snd_max &&
	       (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT ||
		c->state == TCP_FIN_WAIT_1 || c->state == TCP_CLOSING || c->state == TCP_LAST_ACK);
}

void
tcp_conn_rtx_rearm(struct tcp_worker *w, struct tcp_conn *c, bool restart)
{
	bool was_probe = c->flags & TCP_CF_TLP_TIMER;

	if (restart && c->snd_una == c->snd_max) {
		tcp_conn_disarm(w, c, TCP_TIMER_RTX);
		return;
	}
	if (conn_tlp_allowed(c)) {
		/* Restarted by each new segment and each ACK of new data
		 * (RFC 8985 7.2): it fires only once the tail went quiet. */
		tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_pto(c));
		c->flags |= TCP_CF_TLP_TIMER;
		return;
	}
	if (restart || was_probe || !c->timer[TCP_TIMER_RTX])
		tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
}

/* Arms the retransmission timer when something is outstanding and it is not
 * running (RFC 6298 5.1). */
static void
conn_arm_rtx_if_idle(struct tcp_worker *w, struct tcp_conn *c)
{
	if (!c->timer[TCP_TIMER_RTX])
		tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
}

void
tcp_conn_rtx_start(struct tcp_worker *w, struct tcp_conn *c)
{
	if (conn_tlp_allowed(c) || (c->flags & TCP_CF_TLP_TIMER))
		tcp_conn_rtx_rearm(w, c, false);
	else
		conn_arm_rtx_if_idle(w, c);
}

void
tcp_conn_time_wait(struct tcp_worker *w, struct tcp_conn *c)
{
	c->state = TCP_TIME_WAIT;
	tcp_conn_disarm(w, c, TCP_TIMER_RTX);
	tcp_conn_arm(w, c, TCP_TIMER_WAIT, tcp_cfg.time_wait_ms);
	tcp_fifo_free(&c->tx);
	/* A half-closed app may not have read everything yet: it keeps the
	 * rx FIFO until it closes (or the TIME_WAIT timer ends it). */
	if (c->flags & TCP_CF_APP_HOLDS)
		return;
	tcp_conn_app_detach(c);
	/* Only the sequence numbers matter now: a connection in TIME_WAIT
	 * holds no buffers (its window is 0, so anything but a FIN again is
	 * answered with an ACK). */
	tcp_fifo_free(&c->rx);
}

/* Keepalive (RFC 9293 3.8.4), off unless keepalive-idle-ms is set. */
void
tcp_conn_keepalive_start(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t idle = tcp_cfg.keepalive_idle_ms;

	c->last_rcv_ms = (uint32_t)w->now_ms;
	if (idle)
		tcp_conn_arm(w, c, TCP_TIMER_KEEP, idle);
}

static void
conn_keepalive_timeout(struct tcp_worker *w, struct tcp_conn *c)
{
	uint32_t idle = tcp_cfg.keepalive_idle_ms, quiet = (uint32_t)w->now_ms - c->last_rcv_ms;

	if (!idle || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
		return;
	/* Heard from recently, or data outstanding (retransmission covers it). */
	if ((c->n_keep_probes == 0 && quiet < idle) || c->snd_una != c->snd_max) {
		c->n_keep_probes = 0;
		tcp_conn_arm(w, c, TCP_TIMER_KEEP, quiet < idle ? idle - quiet : idle);
		return;
	}
	if (c->n_keep_probes >= tcp_cfg.keepalive_probes) {
		w->stats[TCP_STAT_CONN_TIMEOUTS]++;
		tcp_conn_send_rst(w, c, c->snd_nxt, true);
		tcp_conn_reset(w, c, -ETIMEDOUT);
		return;
	}
	c->n_keep_probes++;
	tcp_send_keepalive(w, c);
	tcp_conn_arm(w, c, TCP_TIMER_KEEP, tcp_cfg.keepalive_interval_ms);
}

/* RFC 5961 challenge ACK, limited to challenge_acks_per_s per worker. */
void
tcp_conn_challenge_ack(struct tcp_worker *w, struct tcp_conn *c)
{
	uint64_t sec = w->now_ms / 1000;

	if (sec != w->challenge_sec) {
		w->challenge_sec = sec;
		w->challenge_left = tcp_cfg.challenge_acks_per_s;
	}
	if (w->challenge_left == 0) {
		w->stats[TCP_STAT_CHALLENGE_LIMITED]++;
		return;
	}
	w->challenge_left--;
	w->stats[TCP_STAT_CHALLENGE_ACKS]++;
	c->flags |= TCP_CF_ACK_NOW;
	tcp_want_output(w, c);
}

/* RFC 6056 algorithm 1 (random start, linear search) over the ports whose
 * 4-tuple is free on this worker. */
struct tcp_conn *
tcp_connect(struct tcp_worker *w, uint32_t app, uint64_t opaque, const struct tcp_tuple *t,
	    uint16_t mtu)
{
	struct tcp_conn *c = NULL;
	struct tcp_tuple u = *t;
	const uint32_t first = 32768, n = 28232; /* Linux's ip_local_port_range */

	for (uint32_t i = 0; i < n && !c; i++) {
		u.lport = (uint16_t)(first + (w->next_ephemeral++ % n));
		/* The port must make this thread the owner (as mTCP picks it). */
		if (tcp_tuple_owner(&u, w->n_fwd) != w->fwd)
			continue;
		if (tcp_conn_lookup(w, &u) || tcp_listener_find(&u))
			continue;
		c = tcp_conn_alloc(w, &u);
		if (!c)
			return NULL;
	}
	if (!c)
		return NULL;
	w->next_ephemeral += (uint16_t)(rte_rand() & 0xff);
	c->app = app;
	c->opaque = opaque;
	c->state = TCP_SYN_SENT;
	c->flags |= TCP_CF_ACTIVE;
	c->rcv_mss = tcp_mss_for_mtu(mtu, u.is_ip6);
	c->snd_mss = c->rcv_mss; /* ours, until the SYN-ACK says theirs */
	c->iss = tcp_isn(&u);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->iss;
	c->rcv_wscale = tcp_our_wscale();
	c->rtt_start = (uint32_t)w->now_ms;
	tcp_want_output(w, c);
	return c;
}

void
tcp_conn_close(struct tcp_worker *w, struct tcp_conn *c)
{
	if (c->flags & TCP_CF_APP_HOLDS) {
		/* Half-closed before: the FIN is on its way; let go. */
		c->flags &= ~TCP_CF_APP_HOLDS;
		if (c->state == TCP_FIN_WAIT_2)
			tcp_conn_arm(w, c, TCP_TIMER_WAIT, tcp_cfg.fin_wait_2_ms);
		if (c->state == TCP_TIME_WAIT) {
			tcp_conn_app_detach(c);
			tcp_fifo_free(&c->rx);
		}
		return;
	}
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD: /* nothing was said yet: nothing to finish */
		tcp_conn_abort(w, c);
		return;
	case TCP_ESTABLISHED:
		c->state = TCP_FIN_WAIT_1;
		break;
	case TCP_CLOSE_WAIT:
		c->state = TCP_LAST_ACK;
		break;
	default:
		return; /* closing already */
	}
	c->flags |= TCP_CF_FIN_QUEUED;
	tcp_want_output(w, c);
}

/* FIN after the queued data, as close, but the app keeps receiving: it
 * hears rx and peer_close, and owns the session until it closes. */
void
tcp_conn_shutdown(struct tcp_worker *w, struct tcp_conn *c)
{
	bool is_open = c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT;

	if (c->flags & TCP_CF_APP_HOLDS)
		return; /* half-closed already: still ours */
	tcp_conn_close(w, c); /* not open yet: aborted; closing already: as it was */
	if (is_open)
		c->flags |= TCP_CF_APP_HOLDS;
}

void
tcp_conn_abort(struct tcp_worker *w, struct tcp_conn *c)
{
	if (c->flags & TCP_CF_CLEANUP)
		return;
	if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT)
		tcp_conn_send_rst(w, c, c->snd_nxt, true);
	tcp_conn_delete(w, c);
}

/* ---- timers ---- */

static void
conn_rtx_timeout(struct tcp_worker *w, struct tcp_conn *c)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD) {
		if (c->n_rtx >= tcp_cfg.max_syn_rtx) {
			w->stats[TCP_STAT_CONN_TIMEOUTS]++;
			if (c->flags & TCP_CF_ACTIVE)
				tcp_conn_reset(w, c, -ETIMEDOUT);
			else
				tcp_conn_delete(w, c);
			return;
		}
		c->n_rtx++;
		w->stats[TCP_STAT_RTO]++;
		c->snd_nxt = c->iss; /* the SYN again */
		c->rtx_segs++;
		tcp_want_output(w, c);
		return;
	}
	if (c->state == TCP_TIME_WAIT || c->state == TCP_CLOSED)
		return;
	if (c->flags & TCP_CF_TLP_TIMER) {
		/* RFC 8985 7.3: the tail went quiet for a PTO: probe it, so
		 * the peer's SACK says what is lost (tcp.c starts recovery on
		 * it) instead of waiting for the RTO. Not a timeout. */
		c->flags &= ~TCP_CF_TLP_TIMER;
		if ((c->flags & TCP_CF_SACK) && !(c->flags & TCP_CF_RECOVERY) && c->sb.n) {
			/* The peer SACKed above a hole a PTO (two RTTs) ago
			 * and nothing since: RACK deems the hole lost (RFC
			 * 8985 6.2, time for sequence order), recovery it is. */
			w->stats[TCP_STAT_TLP_RECOVERY]++;
			tcp_conn_sack_recovery(w, c);
			return;
		}
		if (c->snd_una != c->snd_max && tcp_send_tlp(w, c)) {
			c->flags |= TCP_CF_TLP_OUT;
			c->tlp_high = c->snd_max;
			w->stats[TCP_STAT_TLP]++;
		}
		tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
		return;
	}
	/* Zero window: probe with one byte past it (RFC 9293 3.8.6.1), with
	 * backoff, without counting it as loss: a peer that answers is alive. */
	if (c->snd_wnd == 0 && tcp_fifo_len(&c->tx) > 0) {
		c->flags |= TCP_CF_ZWP;
		if (c->n_rtx < 16)
			c->n_rtx++;
		w->stats[TCP_STAT_ZWP]++;
		c->snd_nxt = c->snd_una;
		tcp_send_probe(w, c);
		tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
		return;
	}
	if (c->snd_una == c->snd_max)
		return;
	if (++c->n_rtx > tcp_cfg.max_rtx) {
		w->stats[TCP_STAT_CONN_TIMEOUTS]++;
		tcp_conn_send_rst(w, c, c->snd_nxt, true);
		tcp_conn_reset(w, c, -ETIMEDOUT);
		return;
	}
	c->n_timeouts++;
	w->stats[TCP_STAT_RTO]++;
	/* RFC 5681 3.1: ssthresh from the flight, loss window of one
	 * segment; RFC 6582: the recovery point moves to what was sent. */
	tcp_conn_loss_ssthresh(c);
	c->cwnd = c->snd_mss;
	c->flags &= ~(TCP_CF_RECOVERY | TCP_CF_RTT_TIMING | TCP_CF_TLP_OUT);
	c->dupacks = 0;
	/* RFC 6675 5.1 / RFC 2018: the peer may have reneged; what it SACKs
	 * again is skipped by go-back-N (tcp_output.c). */
	{
		uint8_t dupthresh = c->sb.dupthresh; /* what reordering taught stays */
		tcp_sack_clear(&c->sb);
		c->sb.dupthresh = dupthresh;
	}
	c->recover = c->snd_max;
	c->snd_nxt = c->snd_una; /* go back N */
	c->rtx_segs++;
	tcp_conn_arm(w, c, TCP_TIMER_RTX, tcp_conn_rto(c));
	tcp_want_output(w, c);
}

void
tcp_timer_expired(void *ctx, uint32_t idx, uint8_t type)
{
	struct tcp_worker *w = ctx;
	struct tcp_conn *c = idx < w->pool_size ? w->pool[idx] : NULL;

	if (!c || (c->flags & TCP_CF_CLEANUP))
		return;
	c->timer[type] = 0;
	switch (type) {
	case TCP_TIMER_RTX:
		conn_rtx_timeout(w, c);
		break;
	case TCP_TIMER_KEEP:
		conn_keepalive_timeout(w, c);
		break;
	case TCP_TIMER_WAIT:
		/* TIME_WAIT over, or FIN_WAIT_2 given up. */
		if (c->state == TCP_FIN_WAIT_2)
			w->stats[TCP_STAT_CONN_TIMEOUTS]++;
		tcp_conn_delete(w, c);
		break;
	}
}

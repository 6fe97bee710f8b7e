/*
 * The TCP host stack's private state (docs/tcp.md). A connection belongs to
 * one forwarding thread for its whole life and is touched only by that
 * thread: its 4-tuple table, timer wheel, pending-output list and counters
 * are per worker (struct tcp_worker), so the fast path takes no lock. What
 * every worker reads and the main thread writes (the listener table) is
 * published under RCU.
 *
 * A connection is the application's session (struct vn_session in
 * include/vecnet/session.h is this struct): VPP keeps transport and session
 * apart because it has several transports; vecnet has one.
 */
#ifndef VN_TCP_PRIV_H
#define VN_TCP_PRIV_H

#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <string.h>
#include <rte_ring.h>
#include <vecnet/common.h>
#include <vecnet/graph.h>
#include <vecnet/session.h>

#include "tcp/sack.h"

/* ---- byte FIFOs (fifo.c) ---- */

#define TCP_FIFO_OOO_MAX 8 /* out-of-order intervals kept in one rx FIFO */

/* A ring of bytes. head and tail run freely (uint32 wrap); size is a power
 * of two. The rx FIFO also keeps out-of-order data: bytes beyond tail are
 * written in place and their intervals (offsets from tail, at insertion
 * time converted to absolute positions) remembered, so when the hole fills
 * they become readable without a copy. */
struct tcp_fifo {
	uint8_t *data;
	uint32_t size, mask;
	uint32_t head; /* next byte to read */
	uint32_t tail; /* next in-order byte to write */
	uint8_t n_ooo;
	struct {
		uint32_t start, end; /* absolute positions, start < end */
	} ooo[TCP_FIFO_OOO_MAX];
};

int tcp_fifo_init(struct tcp_fifo *f, uint32_t size);
void tcp_fifo_free(struct tcp_fifo *f);
static inline uint32_t
tcp_fifo_len(const struct tcp_fifo *f)
{
	return f->tail - f->head;
}
static inline uint32_t
tcp_fifo_free_space(const struct tcp_fifo *f)
{
	return f->size - tcp_fifo_len(f);
}
/* Appends up to len bytes at tail; returns how many fit. */
uint32_t tcp_fifo_write(struct tcp_fifo *f, const void *buf, uint32_t len);
/* Writes len bytes at offset off past tail (off 0: in order). Returns the
 * number of bytes that became readable (tail advance), or -ENOSPC when the
 * bytes do not fit the free space, -E2BIG when a new out-of-order interval
 * would exceed TCP_FIFO_OOO_MAX (nothing written then). */
int tcp_fifo_write_at(struct tcp_fifo *f, uint32_t off, const void *buf, uint32_t len);
/* Copies len bytes starting off bytes after head, without consuming. */
uint32_t tcp_fifo_peek(const struct tcp_fifo *f, uint32_t off, void *buf, uint32_t len);
uint32_t tcp_fifo_read(struct tcp_fifo *f, void *buf, uint32_t len);
void tcp_fifo_drop(struct tcp_fifo *f, uint32_t len);

/* ---- timer wheel (timer.c) ---- */

/* A handle: generation in the high 32 bits, entry index + 1 in the low.
 * 0 is "no timer". Stopping or re-arming bumps the entry's generation, so
 * an expiry collected before the stop finds a stale handle and is skipped. */
typedef uint64_t tcp_timer_handle;

#define TCP_WHEEL_SLOTS 2048 /* ticks of 1 ms; longer timers go round */

struct tcp_timer_entry {
	uint64_t expire; /* tick */
	uint32_t conn; /* index in the worker's pool */
	uint32_t gen;
	uint32_t next, prev; /* in the slot's list or the free list; UINT32_MAX ends */
	uint16_t slot;
	uint8_t type;
	bool is_armed;
};

struct tcp_wheel {
	uint64_t now; /* last tick processed */
	uint32_t slots[TCP_WHEEL_SLOTS]; /* list heads */
	struct tcp_timer_entry *e;
	uint32_t n_entries, free_head, n_armed;
};

typedef void (*tcp_timer_fn)(void *ctx, uint32_t conn, uint8_t type);

int tcp_wheel_init(struct tcp_wheel *w, uint64_t now);
void tcp_wheel_fini(struct tcp_wheel *w);
/* Arms a timer ticks from now; returns its handle, or 0 without memory. */
tcp_timer_handle tcp_wheel_start(struct tcp_wheel *w, uint32_t conn, uint8_t type,
				 uint64_t ticks);
/* Stops h if it still names an armed timer; always safe on 0 or stale handles. */
void tcp_wheel_stop(struct tcp_wheel *w, tcp_timer_handle h);
/* Advances to now and calls fn for every timer that expired; returns the count. */
uint32_t tcp_wheel_advance(struct tcp_wheel *w, uint64_t now, tcp_timer_fn fn, void *ctx);

/* ---- connections ---- */

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
	TCP_N_STATE,
};
extern const char *const tcp_state_names[TCP_N_STATE];

enum tcp_cc { TCP_CC_NEWRENO, TCP_CC_CUBIC };

enum tcp_timer_type { TCP_TIMER_RTX, TCP_TIMER_WAIT, TCP_TIMER_KEEP, TCP_N_TIMER };

/* Connection flags. */
#define TCP_CF_ACK_NOW 0x0001 /* send an ACK with the next output */
#define TCP_CF_FIN_QUEUED 0x0004 /* the app closed: FIN after the queued data */
#define TCP_CF_FIN_SENT 0x0008 /* FIN is in flight (snd_max covers it) */
#define TCP_CF_TS 0x0010 /* timestamps negotiated */
#define TCP_CF_SACK 0x0020 /* SACK permitted by the peer */
#define TCP_CF_WS 0x0040 /* window scaling negotiated */
#define TCP_CF_RTT_TIMING 0x0080 /* rtt_seq is being timed (Karn) */
#define TCP_CF_RECOVERY 0x0100 /* in NewReno fast recovery */
#define TCP_CF_APP_KNOWS 0x0200 /* accept/connected was delivered */
#define TCP_CF_FIN_RCVD 0x0400 /* peer's FIN (at fin_rcv_seq) seen, maybe out of order */
#define TCP_CF_ZWP 0x0800 /* the RTX timer is probing a zero window */
#define TCP_CF_CLEANUP 0x1000 /* freed at the end of this loop */
#define TCP_CF_PEER_CLOSED 0x2000 /* peer_close delivered */
#define TCP_CF_TX_FULL 0x4000 /* app found the tx FIFO full: tell it of space */
#define TCP_CF_ACTIVE 0x8000 /* we opened it (connect): the app hears connected */
#define TCP_CF_HALF_OPEN 0x10000 /* a passive SYN_RCVD, counted in n_half_open */
#define TCP_CF_NAGLE 0x20000 /* hold small segments while data is unacknowledged */
#define TCP_CF_APP_HOLDS 0x40000 /* half-closed (vn_session_shutdown): the app keeps
				 * the session, and its rx FIFO, until it closes */
#define TCP_CF_ACTIVE 0x8000 /* we opened it (connect), the app hears connected */
#define TCP_CF_TLP_TIMER 0x80000 /* the RTX timer runs as a tail loss probe (RFC 8985) */
#define TCP_CF_TLP_OUT 0x100000 /* a probe is out: its ACK's SACK starts recovery */
#define TCP_CF_TLP_RTX 0x200000 /* ... and it was a retransmission of the last segment */
#define TCP_CF_UNDO 0x400000 /* undo_* hold this recovery's state (timestamps on) */

/* A connection's 4-tuple, either family: IPv4 in host order, IPv6 in
 * network order (union vn_session_ip); the unused bytes are zero. */
struct tcp_tuple {
	union vn_session_ip laddr, raddr;
	uint16_t lport, rport;
	bool is_ip6;
};

static inline struct tcp_tuple
tcp_tuple4(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	return (struct tcp_tuple){.laddr.ip4 = laddr, .raddr.ip4 = raddr, .lport = lport,
				  .rport = rport};
}

static inline struct tcp_tuple
tcp_tuple6(const struct vn_ip6 *laddr, uint16_t lport, const struct vn_ip6 *raddr,
	   uint16_t rport)
{
	return (struct tcp_tuple){.laddr.ip6 = *laddr, .raddr.ip6 = *raddr, .lport = lport,
				  .rport = rport, .is_ip6 = true};
}

/* The words a keyed hash covers (ISN, SYN cookies): the addresses, then
 * the ports in the last word. IPv4 takes 2 words, IPv6 5. */
static inline uint32_t
tcp_tuple_words(const struct tcp_tuple *t, uint64_t words[5])
{
	if (!t->is_ip6) {
		words[0] = (uint64_t)t->laddr.ip4 << 32 | t->raddr.ip4;
		words[1] = (uint64_t)t->lport << 16 | t->rport;
		return 2;
	}
	memcpy(words, t->laddr.ip6.b, 16);
	memcpy(words + 2, t->raddr.ip6.b, 16);
	words[4] = (uint64_t)t->lport << 16 | t->rport;
	return 5;
}

struct tcp_conn {
	uint32_t idx; /* in the worker's pool */
	uint32_t thread;
	uint8_t state;
	bool is_ip6;
	uint32_t flags;
	union vn_session_ip laddr, raddr; /* IPv4 host order, IPv6 network order */
	uint16_t lport, rport;
	uint32_t app;
	uint64_t opaque;
	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint16_t snd_mss; /* payload per segment, options excluded */
	uint16_t rcv_mss; /* the MSS we announced (the interface MTU's) */
	uint16_t if_index; /* interface of the SYN (passive) or the route (active) */
	uint32_t fin_seq; /* our FIN's sequence number, once sent */
	uint8_t snd_wscale, rcv_wscale;
	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge last advertised */
	uint32_t fin_rcv_seq;
	uint32_t rcv_sack_recent; /* rx FIFO position of the latest out-of-order
				   * segment: its block is SACKed first (RFC 2018) */
	uint32_t ts_recent; /* RFC 7323 */
	uint32_t ts_off; /* added to our clock in TSval (only a SYN cookie's SYN-ACK) */
	/* congestion control, RFC 5681 / 6582, and RFC 9438 (CUBIC) */
	uint32_t cwnd, ssthresh, recover;
	uint32_t tlp_high; /* SND.MAX when the tail loss probe went (RFC 8985 7.3) */
	/* Before this SACK recovery (RFC 3522 Eifel): the window to give back
	 * if it was spurious, and our TSval of its first retransmission. */
	uint32_t undo_cwnd, undo_ssthresh, undo_tsval;
	uint32_t dupacks;
	struct tcp_sack_sb sb; /* what the peer SACKed (RFC 6675), with TCP_CF_SACK */
	uint8_t cc; /* enum tcp_cc */
	bool cubic_epoch_valid;
	uint32_t cubic_w_max, cubic_epoch_ms;
	double cubic_k, cubic_w_est;
	/* RTO, RFC 6298; milliseconds, srtt and rttvar scaled by 8 and 4 */
	uint32_t srtt, rttvar, rto;
	uint32_t rtt_seq, rtt_start;
	uint8_t n_rtx; /* consecutive timeouts (backoff exponent) */
	uint8_t n_keep_probes; /* keepalive probes unanswered */
	uint32_t last_rcv_ms; /* when a segment last arrived (keepalive) */
	tcp_timer_handle timer[TCP_N_TIMER];
	struct tcp_fifo rx, tx;
	/* per-connection counters for show session verbose */
	uint64_t segs_in, segs_out, bytes_in, bytes_out, rtx_segs, n_timeouts;
};

/* What a parsed segment says (host order). */
struct tcp_seg {
	uint32_t seq, ack;
	uint16_t wnd;
	uint8_t flags;
	uint32_t len; /* payload bytes */
	const uint8_t *data; /* payload, contiguous (a scratch copy when chained) */
	bool wnd_shut; /* its payload was dropped for our zero window, its ACK kept */
	/* options */
	bool has_mss, has_ws, has_sack_perm, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t tsval, tsecr;
	uint8_t n_sack;
	struct {
		uint32_t start, end;
	} sack[4];
};

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

/* Parses options (after the fixed header) into s; -1 when an option's length
 * overruns the header or is malformed. */
int tcp_parse_options(const uint8_t *opt, uint32_t len, struct tcp_seg *s);

/* Sequence arithmetic modulo 2^32. */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* The window we offer: the rx FIFO's room, and never less than what we
 * already advertised (RFC 9293 3.8.6.2.2: the right edge does not move left). */
static inline uint32_t
tcp_conn_rcv_wnd(const struct tcp_conn *c)
{
	uint32_t room = tcp_fifo_free_space(&c->rx);
	uint32_t adv = seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;

	return VN_MAX(room, adv);
}

/* The owner of a 4-tuple among n forwarding threads: a hash that gives
 * both directions the same value, so whichever thread RSS or fanout picks,
 * every segment of a connection is handled by one thread. */
static inline uint32_t
tcp_owner(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport, uint32_t n)
{
	uint64_t x = ((uint64_t)(laddr ^ raddr) << 16) ^ (uint16_t)(lport ^ rport);

	if (n <= 1)
		return 0;
	x *= 0x9E3779B97F4A7C15ull;
	return (uint32_t)((x >> 32) % n);
}

/* An IPv6 address folded to 32 bits for tcp_owner (XOR keeps it symmetric
 * and needs no secret: the owner only spreads load). */
static inline uint32_t
tcp_ip6_fold(const uint8_t a[16])
{
	uint32_t w[4];

	memcpy(w, a, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

static inline uint32_t
tcp_tuple_owner(const struct tcp_tuple *t, uint32_t n)
{
	if (!t->is_ip6)
		return tcp_owner(t->laddr.ip4, t->lport, t->raddr.ip4, t->rport, n);
	return tcp_owner(tcp_ip6_fold(t->laddr.ip6.b), t->lport, tcp_ip6_fold(t->raddr.ip6.b),
			 t->rport, n);
}

static inline struct tcp_tuple
tcp_conn_tuple(const struct tcp_conn *c)
{
	return (struct tcp_tuple){.laddr = c->laddr, .raddr = c->raddr, .lport = c->lport,
				  .rport = c->rport, .is_ip6 = c->is_ip6};
}

/* The sum of the IPv6 pseudo-header (RFC 8200 8.1: addresses, upper-layer
 * length, next header TCP) of a segment of l4len bytes, not folded; the
 * length is the TCP segment's, not the payload length field, which also
 * counts extension headers. */
static inline uint32_t
tcp6_phdr_sum(const struct rte_ipv6_hdr *ip, uint32_t l4len)
{
	uint32_t sum = rte_raw_cksum(ip->src_addr, 32); /* and dst_addr, which follows */

	sum += rte_cpu_to_be_16((uint16_t)(l4len >> 16)) + rte_cpu_to_be_16((uint16_t)l4len);
	sum += rte_cpu_to_be_16(IPPROTO_TCP);
	return sum;
}

/* ---- per-worker state ---- */

/* Counters: one set per worker, summed by `show tcp stats`. */
#define TCP_STATS(_)                                                                               \
	_(SEGS_IN, "segments received")                                                            \
	_(SEGS_OUT, "segments sent")                                                               \
	_(RTX_SEGS, "segments retransmitted")                                                      \
	_(RTO, "retransmission timeouts")                                                          \
	_(FAST_RTX, "fast retransmits")                                                            \
	_(TLP, "tail loss probes sent")                                                            \
	_(SPURIOUS_UNDO, "spurious recoveries undone (eifel: reordering)")                       \
	_(LOST_RTX, "lost retransmissions sent again (sack)")                                      \
	_(TLP_RECOVERY, "recoveries started at a probe (a sacked hole, rack)")                     \
	_(TLP_REPAIRED, "tail losses repaired by a probe")                                         \
	_(SACK_RECOVERY, "sack recovery episodes")                                                 \
	_(SACK_RTX, "segments retransmitted by sack recovery")                                     \
	_(DSACK_RCVD, "d-sack blocks received")                                                    \
	_(SACK_BAD, "sack blocks ignored (outside snd.una..snd.nxt)")                              \
	_(SACK_FULL, "sack blocks not kept (scoreboard full)")                                     \
	_(ZWP, "zero-window probes")                                                               \
	_(ACTIVE_OPENS, "connections opened (active)")                                             \
	_(PASSIVE_OPENS, "connections accepted (passive)")                                         \
	_(ESTAB_RESETS, "connections reset")                                                       \
	_(CONN_TIMEOUTS, "connections timed out")                                                  \
	_(RST_SENT, "resets sent")                                                                 \
	_(CHALLENGE_ACKS, "challenge acks sent")                                                   \
	_(CHALLENGE_LIMITED, "challenge acks suppressed (rate limit)")                             \
	_(OOO_SEGS, "out-of-order segments kept")                                                  \
	_(OOO_REFUSED, "out-of-order segments not kept (interval limit)")                          \
	_(DUP_SEGS, "duplicate segments")                                                          \
	_(WND_SHUT_ACKS, "segments at a zero window: data dropped, ack taken")                     \
	_(NO_BUFFER, "segments not sent (no buffer)")                                              \
	_(CONNECT_TABLE_FULL, "connects refused (connection table full)")                          \
	_(TIME_WAIT_REUSED, "time-wait connections reused by a new syn")                          \
	_(KEEPALIVES, "keepalive probes sent")                                                     \
	_(SYN_COOKIES_SENT, "syn cookies sent (half-open limit reached)")                          \
	_(SYN_COOKIES_OK, "connections opened from a syn cookie")                                  \
	_(SYN_COOKIES_BAD, "acks to a listener with no valid cookie")                              \
	_(WND_CUT, "segments cut at the receive window (zero-window probes)")                     \
	_(PMTU_LOWERED, "mss lowered by an icmp6 packet too big")                                  \
	_(PMTU_HANDED, "icmp6 packets too big handed to the connection's thread")                 \
	_(PMTU_IGNORED, "icmp6 packet too big ignored (no such segment in flight, not lower)")

enum tcp_stat {
#define _(n, s) TCP_STAT_##n,
	TCP_STATS(_)
#undef _
	TCP_N_STAT,
};
extern const char *const tcp_stat_names[TCP_N_STAT];

#define TCP_OUT_BATCH 256 /* segments built before they go to tcp4-output */

struct tcp_worker;
typedef void (*tcp_flush_fn)(struct tcp_worker *w);

struct tcp_worker {
	uint32_t thread;
	uint32_t fwd, n_fwd; /* this thread's forwarding index, of how many (handoff) */
	uint32_t refs;
	struct rte_hash *table; /* IPv4 4-tuple -> pool index (12-byte keys) */
	struct rte_hash *table6; /* IPv6 4-tuple -> pool index (36-byte keys) */
	struct tcp_conn **pool;
	uint32_t pool_size, n_conns, free_head;
	uint32_t n_half_open; /* passive connections in SYN_RCVD */
	uint32_t *free_next;
	struct tcp_wheel wheel;
	uint64_t now_ms;
	uint64_t tsc_per_ms;
	/* Connections with output to do this loop (ACK, data, FIN, SYN). */
	uint32_t *pending;
	/* Slots on the pending list. Per slot, not per connection: a
	 * connection freed while listed leaves its index there, and the one
	 * that reuses the slot must not be listed twice (the list holds at
	 * most one entry per slot). */
	uint8_t *pending_slot;
	uint32_t n_pending;
	/* Connections to free at the end of the loop (their callbacks done). */
	uint32_t *dead;
	uint32_t n_dead;
	/* Segments built and not yet handed to tcp4-output. */
	struct rte_mbuf *out[TCP_OUT_BATCH];
	uint32_t n_out;
	/* Where built segments go: the running node's arc to tcp4-output
	 * (tcp_worker_bind); unit tests put a capture here instead. */
	tcp_flush_fn flush;
	struct vn_graph *flush_g;
	struct vn_node *flush_node;
	uint16_t flush_next, flush_next6;
	/* Control requests from the main thread (connect, close): MP/SC. */
	struct rte_ring *requests;
	/* RFC 5961 challenge ACK limit: tokens per second. */
	uint64_t challenge_sec;
	uint32_t challenge_left;
	uint16_t next_ephemeral;
	uint64_t stats[TCP_N_STAT];
	uint8_t scratch[65536]; /* payload of a chained segment, made contiguous */
};

extern struct tcp_worker *tcp_workers[VN_THREAD_MAX];
/* The worker of the forwarding thread running now (set by tcp_worker_bind),
 * NULL on the main thread unless it forwards. */
extern __thread struct tcp_worker *tcp_worker_self;

struct tcp_worker *tcp_worker_attach(uint32_t thread);
void tcp_worker_detach(uint32_t thread);
void tcp_worker_set_time(struct tcp_worker *w, uint64_t now_ms);
/* The node now running the stack on this worker sends built segments to
 * its arcs next4 (tcp4-output) and next6 (tcp6-output). */
void tcp_worker_bind(struct tcp_worker *w, struct vn_graph *g, struct vn_node *node,
		     uint16_t next4, uint16_t next6);
static inline void
tcp_worker_flush(struct tcp_worker *w)
{
	if (w->n_out)
		w->flush(w);
}

/* A trace record tcp4-input takes of a segment after processing it
 * (vn_trace_again) carries this in vn_meta.user[0] and the connection's
 * state in user[1]; tcp_trace_format prints it as the state. */
#define TCP_TRACE_STATE_MAGIC 0x7c957a7eu

/* ---- configuration (set before sessions exist; `show tcp config`) ---- */

struct tcp_cfg {
	uint32_t rx_fifo, tx_fifo; /* bytes per session, powers of two */
	uint32_t max_conns; /* per worker */
	uint32_t time_wait_ms; /* 2 MSL */
	uint32_t fin_wait_2_ms;
	uint32_t rto_min_ms, rto_max_ms, rto_init_ms;
	uint32_t max_rtx; /* timeouts before the connection is abandoned */
	uint32_t max_syn_rtx;
	uint32_t challenge_acks_per_s;
	uint32_t half_open_max; /* per worker; beyond, SYNs are answered with cookies */
	uint32_t keepalive_idle_ms; /* 0: no keepalive */
	uint32_t keepalive_interval_ms, keepalive_probes;
	uint32_t nagle; /* 1: new connections start with Nagle's algorithm */
	uint32_t cc; /* enum tcp_cc of new connections */
	uint16_t mss_default; /* when the peer sends none (RFC 9293: 536) */
};
extern struct tcp_cfg tcp_cfg;

/* ---- listeners (RCU-published, read by every worker) ---- */

#define TCP_LISTEN_MAX 64

struct tcp_listener {
	union vn_session_ip addr; /* zero: any of ours (of the family) */
	uint16_t port;
	bool is_ip6;
	uint32_t app;
};

struct tcp_listen_table {
	uint32_t n;
	struct tcp_listener l[TCP_LISTEN_MAX];
};
extern struct tcp_listen_table *tcp_listeners;

/* The listener for t's local address and port (t's family only). */
const struct tcp_listener *tcp_listener_find(const struct tcp_tuple *t);

/* ---- applications (session.c) ---- */

#define TCP_APP_MAX 32
struct tcp_app {
	char name[32];
	struct vn_app_cb cb;
	bool is_used;
};
extern struct tcp_app tcp_apps[TCP_APP_MAX];
extern int tcp_handoff_queue; /* the handoff queue to tcp4-input */
extern int tcp6_handoff_queue; /* ... and to tcp6-input */
extern bool vn_session_is_enabled;

/* ---- connections (tcp_conn.c) ---- */

static inline const struct vn_app_cb *
tcp_conn_app(const struct tcp_conn *c)
{
	return &tcp_apps[c->app].cb;
}

/* A connection in the worker's pool and table, or NULL (pool full, no memory). */
struct tcp_conn *tcp_conn_alloc(struct tcp_worker *w, const struct tcp_tuple *t);
/* The application is done with c: its cleanup callback, once. */
void tcp_conn_app_detach(struct tcp_conn *c);
/* c left SYN_RCVD (passive): one half-open fewer. */
void tcp_conn_half_open_done(struct tcp_worker *w, struct tcp_conn *c);
/* c is closed: out of the table now, freed by tcp_reap() at the loop's end,
 * so callers up the stack that still hold it stay safe. */
void tcp_conn_delete(struct tcp_worker *w, struct tcp_conn *c);
/* Reset by the peer or timed out: the app hears reset (or connected with
 * err for an open), then c is deleted. */
void tcp_conn_reset(struct tcp_worker *w, struct tcp_conn *c, int err);
void tcp_conn_arm(struct tcp_worker *w, struct tcp_conn *c, uint8_t type, uint32_t ms);
void tcp_conn_disarm(struct tcp_worker *w, struct tcp_conn *c, uint8_t type);
/* The RTO with c's backoff applied, bounded by rto-max-ms. */
uint32_t tcp_conn_rto(const struct tcp_conn *c);
/* RFC 8985 7.2 PTO: twice the SRTT, and the peer's delayed-ACK time when one
 * segment is out; at least half the RTO in recovery; at most the RTO. */
uint32_t tcp_conn_pto(const struct tcp_conn *c);
/* The retransmission timer after data is sent (restart false: armed if
 * idle) or new data is ACKed (restart true, RFC 6298 5.3): a tail loss
 * probe when RFC 8985 allows one, else the RTO; disarmed when nothing is
 * outstanding. */
void tcp_conn_rtx_rearm(struct tcp_worker *w, struct tcp_conn *c, bool restart);
void tcp_conn_time_wait(struct tcp_worker *w, struct tcp_conn *c);
void tcp_conn_keepalive_start(struct tcp_worker *w, struct tcp_conn *c);
/* RFC 5961 challenge ACK, rate-limited per worker. */
void tcp_conn_challenge_ack(struct tcp_worker *w, struct tcp_conn *c);
/* CUBIC (cubic.c): after a loss (W_max, ssthresh), and in congestion
 * avoidance for acked bytes. */
void tcp_cubic_loss(struct tcp_conn *c);
void tcp_cubic_ack(struct tcp_worker *w, struct tcp_conn *c, uint32_t acked);
/* ssthresh after a loss by c's congestion control (tcp.c). */
void tcp_conn_loss_ssthresh(struct tcp_conn *c);

/* ---- the protocol (tcp.c, tcp_output.c) ---- */

/* Handles one parsed segment for the connection with that 4-tuple, or for a
 * listener. Returns true when an RST should answer it (no connection). */
void tcp_input_conn(struct tcp_worker *w, struct tcp_conn *c, struct tcp_seg *s);
/* A SYN to listener l: creates a SYN_RCVD connection; NULL when refused. */
struct tcp_conn *tcp_input_listen(struct tcp_worker *w, const struct tcp_listener *l,
				  const struct tcp_tuple *t, const struct tcp_seg *s, uint16_t mtu);
struct tcp_conn *tcp_conn_lookup(struct tcp_worker *w, const struct tcp_tuple *t);
/* Active open: a SYN_SENT connection with a free local port (t's lport
 * is not read). */
struct tcp_conn *tcp_connect(struct tcp_worker *w, uint32_t app, uint64_t opaque,
			     const struct tcp_tuple *t, uint16_t mtu);
void tcp_conn_close(struct tcp_worker *w, struct tcp_conn *c);
void tcp_conn_shutdown(struct tcp_worker *w, struct tcp_conn *c);
void tcp_conn_abort(struct tcp_worker *w, struct tcp_conn *c);
/* Frees the connections that died this loop (after their cleanup calls). */
void tcp_reap(struct tcp_worker *w);
void tcp_timer_expired(void *ctx, uint32_t conn, uint8_t type);
/* Puts c on the pending-output list (once). */
void tcp_want_output(struct tcp_worker *w, struct tcp_conn *c);
/* Sends what the pending connections may send, at most budget segments;
 * returns segments built. */
uint32_t tcp_output_pending(struct tcp_worker *w, uint32_t budget);
/* Builds segments of c now (ACK, data, FIN); returns segments built. */
uint32_t tcp_output(struct tcp_worker *w, struct tcp_conn *c, uint32_t budget);
/* The app read from the rx FIFO: send a window update when it grew enough. */
void tcp_app_read(struct tcp_worker *w, struct tcp_conn *c);
/* Sends c's SYN-ACK (seq iss) now. */
void tcp_send_syn_ack(struct tcp_worker *w, struct tcp_conn *c);
uint64_t tcp_siphash(const uint64_t k[2], const uint64_t *words, uint32_t n_words,
		     uint32_t n_bytes);
/* Our window shift for the configured rx FIFO. */
uint8_t tcp_our_wscale(void);

/* SYN cookies (syn_cookie.c, RFC 4987). */
/* Answers SYN s to listener l with a SYN-ACK whose ISN is a cookie; no
 * state is kept. */
void tcp_syn_cookie_send(struct tcp_worker *w, const struct tcp_tuple *t, const struct tcp_seg *s,
			 uint16_t mtu, uint16_t if_index);
/* An ACK s to listener l: the connection its cookie stands for, ESTABLISHED
 * (the app accepted it), or NULL when the cookie is not valid. */
struct tcp_conn *tcp_syn_cookie_check(struct tcp_worker *w, const struct tcp_listener *l,
				      const struct tcp_tuple *t, const struct tcp_seg *s,
				      uint16_t if_index);
/* Cookie arithmetic, for the tests: the ISN for a SYN, and its check (the
 * MSS index, or -1). */
uint32_t tcp_cookie_make(const struct tcp_tuple *t, uint32_t peer_isn, uint64_t now_ms,
			 uint32_t mss_idx);
int tcp_cookie_verify(const struct tcp_tuple *t, uint32_t peer_isn, uint64_t now_ms,
		      uint32_t cookie);
extern const uint16_t tcp_cookie_mss[8];
/* A connection made from a valid cookie (tcp.c). */
struct tcp_conn *tcp_conn_from_cookie(struct tcp_worker *w, const struct tcp_listener *l,
				      const struct tcp_tuple *t, const struct tcp_seg *s,
				      uint16_t mss, int ws, bool sack, uint16_t if_index);

/* RST for c: sequence seq, with an ACK of rcv_nxt when with_ack. */
void tcp_conn_send_rst(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, bool with_ack);
/* Sends the first unacknowledged segment again (fast retransmit). */
void tcp_retransmit_first(struct tcp_worker *w, struct tcp_conn *c);
/* SACK recovery: sends [seq, seq + len) again (the FIN when seq is its
 * number); false when nothing could be sent. */
bool tcp_sack_retransmit(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint32_t len);
/* RFC 8985 7.3: the tail loss probe: a new segment when the peer's window
 * has room for one (cwnd aside), else the last segment sent, again (sets
 * TCP_CF_TLP_RTX). False when nothing went. */
bool tcp_send_tlp(struct tcp_worker *w, struct tcp_conn *c);
/* RFC 6675 5 (4): c enters SACK loss recovery, its first hole goes now. */
void tcp_conn_sack_recovery(struct tcp_worker *w, struct tcp_conn *c);
/* Payload bytes a data segment of c may carry after its options. */
uint32_t tcp_seg_max_payload(const struct tcp_conn *c);
/* Keepalive probe: an ACK one below snd_una, which the peer must answer. */
void tcp_send_keepalive(struct tcp_worker *w, struct tcp_conn *c);
/* Zero-window probe: one byte at snd_una, past the window. */
void tcp_send_probe(struct tcp_worker *w, struct tcp_conn *c);
/* Arms the retransmission timer unless it runs (RFC 6298 5.1). */
void tcp_conn_rtx_start(struct tcp_worker *w, struct tcp_conn *c);
/* Queues a segment for tcp4-output. */
void tcp_emit(struct tcp_worker *w, struct rte_mbuf *m);
/* Turns m (a received segment, data at its IPv4 header) into the RST that
 * answers it per RFC 9293 3.10.7.1; false when none is due (m was an RST). */
bool tcp_make_reset(struct rte_mbuf *m);
/* The same for an IPv6 segment whose TCP header is l4_off bytes in (after
 * any extension headers, which the reset does not carry). */
bool tcp_make_reset6(struct rte_mbuf *m, uint16_t l4_off);
/* RFC 6528 initial sequence number. */
uint32_t tcp_isn(const struct tcp_tuple *t);
/* MSS we announce for an interface MTU (less 40 bytes of IPv4 and TCP
 * headers, or 60 of IPv6 and TCP), and that fits one buffer. */
uint16_t tcp_mss_for_mtu(uint16_t mtu, bool is_ip6);
struct vn_trace_rec;
/* Trace formatter of the TCP nodes: the IPv4 line and the TCP header. */
int tcp_trace_format(char *buf, size_t len, const struct vn_trace_rec *r,
		     const struct vn_trace_rec *next);
/* Path MTU discovery over IPv6 (tcp_pmtu6.c): the packet too big at p
 * (len bytes from its IPv6 header) quotes the segment of tuple t with
 * sequence number seq: 0, or -1 when it is not one that quotes TCP. */
int tcp6_too_big_parse(const uint8_t *p, uint32_t len, struct tcp_tuple *t, uint32_t *seq,
		       uint32_t *mtu);
/* c's MSS lowered for mtu when seq is in flight and the MSS shrinks (what
 * is in flight goes again); false when nothing changed. */
bool tcp_conn_too_big(struct tcp_worker *w, struct tcp_conn *c, uint32_t seq, uint32_t mtu);
/* Installs ip6-local's too-big hook and the handoff queue to tcp6-pmtu. */
int tcp6_pmtu_init(void);
/* Computes the IPv4 and TCP checksums of a segment built by the stack. */
void tcp_checksum(struct rte_mbuf *m);
/* The TCP checksum of an IPv6 segment built by the stack (no extension
 * headers). */
void tcp_checksum6(struct rte_mbuf *m);

#endif

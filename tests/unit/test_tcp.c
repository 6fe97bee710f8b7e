/*
 * The TCP host stack from inside: byte FIFOs with out-of-order inserts, the
 * timer wheel (reset before fire, stale handles), option parsing, and the
 * state machine driven by crafted segments, its answers read back from the
 * segments it builds (flags, sequence numbers, options).
 */
#include <errno.h>
#include <stdlib.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <string.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/trace.h>
#include <vecnet/session.h>

#include "tcp/session_priv.h"
#include "tcp/tcp_priv.h"
#include "vn_test.h"

#define THREAD 3
#define LADDR 0x0a000001u /* 10.0.0.1, us */
#define RADDR 0x0a000002u /* 10.0.0.2, the peer */
#define LPORT 80
#define RPORT 40000
#define PEER_ISS 1000000u
#define EP4(a, p) (&(struct vn_session_ep){.addr.ip4 = (a), .port = (p)})
/* A 4-tuple as tcp4-input builds it (local first). */
#define TUP(la, lp, ra, rp)                                                                        \
	(&(struct tcp_tuple){.laddr.ip4 = (la), .raddr.ip4 = (ra), .lport = (lp), .rport = (rp)})

static struct tcp_worker *w;
static int app;

/* ---- captured output ---- */

struct out_seg {
	bool is_ip6;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t wnd;
	struct tcp_seg opt;
	uint8_t data[2048];
};

#define OUT_MAX 512
static struct out_seg out[OUT_MAX];
static uint32_t n_out;

static void
capture_flush(struct tcp_worker *wk)
{
	for (uint32_t i = 0; i < wk->n_out; i++) {
		struct rte_mbuf *m = wk->out[i];
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint32_t doff = (th->data_off >> 4) * 4u;
		if ((ip->version_ihl >> 4) == 6) {
			/* What tcp6-output does; the checksum must verify with
			 * net/ip6.h's own upper-layer sum. */
			struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)ip;
			uint32_t l4len = rte_be_to_cpu_16(ip6->payload_len);
			th = (struct rte_tcp_hdr *)(ip6 + 1);
			doff = (th->data_off >> 4) * 4u;
			CU_ASSERT_EQUAL(ip6->proto, IPPROTO_TCP);
			CU_ASSERT_EQUAL(ip6->hop_limits, 64);
			tcp_checksum6(m);
			CU_ASSERT_EQUAL(vn_ip6_l4_cksum(ip6, th, l4len, IPPROTO_TCP), 0);
			if (n_out < OUT_MAX) {
				struct out_seg *o = &out[n_out++];
				memset(o, 0, sizeof(*o));
				o->is_ip6 = true;
				o->flags = th->tcp_flags;
				o->seq = rte_be_to_cpu_32(th->sent_seq);
				o->ack = rte_be_to_cpu_32(th->recv_ack);
				o->wnd = rte_be_to_cpu_16(th->rx_win);
				o->len = l4len - doff;
				CU_ASSERT_EQUAL(tcp_parse_options((uint8_t *)(th + 1), doff - 20,
								  &o->opt), 0);
				memcpy(o->data, (uint8_t *)th + doff, VN_MIN(o->len, sizeof(o->data)));
			}
			rte_pktmbuf_free(m);
			continue;
		}
		if (n_out < OUT_MAX) {
			struct out_seg *o = &out[n_out++];
			memset(o, 0, sizeof(*o));
			o->flags = th->tcp_flags;
			o->seq = rte_be_to_cpu_32(th->sent_seq);
			o->ack = rte_be_to_cpu_32(th->recv_ack);
			o->wnd = rte_be_to_cpu_16(th->rx_win);
			o->len = rte_be_to_cpu_16(ip->total_length) - 20 - doff;
			CU_ASSERT_EQUAL(tcp_parse_options((uint8_t *)(th + 1), doff - 20, &o->opt), 0);
			memcpy(o->data, (uint8_t *)th + doff, VN_MIN(o->len, sizeof(o->data)));
			/* What tcp4-output does, and it must verify. */
			tcp_checksum(m);
			CU_ASSERT_EQUAL(rte_ipv4_udptcp_cksum_verify(ip, th), 0);
		}
		rte_pktmbuf_free(m);
	}
	wk->n_out = 0;
}

/* Runs what session-queue runs each loop; returns the number of new segments. */
static uint32_t
loop(void)
{
	uint32_t before = n_out;

	tcp_wheel_advance(&w->wheel, w->now_ms, tcp_timer_expired, w);
	tcp_output_pending(w, 256);
	tcp_worker_flush(w);
	tcp_reap(w);
	return n_out - before;
}

static void
advance_ms(uint32_t ms)
{
	for (uint32_t i = 0; i < ms; i++) {
		w->now_ms++;
		loop();
	}
}

static const struct out_seg *
last(void)
{
	return n_out ? &out[n_out - 1] : NULL;
}

/* ---- the test application ---- */

static struct {
	uint32_t accepts, connected, rx, tx_space, peer_close, reset, cleanup;
	int connect_err;
	struct vn_session *s;
	bool refuse;
} ev;

static int
t_accept(struct vn_session *s)
{
	ev.accepts++;
	ev.s = s;
	return ev.refuse ? -1 : 0;
}
static void
t_connected(struct vn_session *s, uint64_t opaque, int err)
{
	ev.connected++;
	ev.connect_err = err;
	ev.s = s;
}
static void
t_rx(struct vn_session *s)
{
	ev.rx++;
}
static void
t_tx_space(struct vn_session *s)
{
	ev.tx_space++;
}
static void
t_peer_close(struct vn_session *s)
{
	ev.peer_close++;
}
static void
t_reset(struct vn_session *s)
{
	ev.reset++;
}
static void
t_cleanup(struct vn_session *s)
{
	ev.cleanup++;
	ev.s = NULL;
}

static const struct vn_app_cb test_cb = {
	.accept = t_accept,
	.connected = t_connected,
	.rx = t_rx,
	.tx_space = t_tx_space,
	.peer_close = t_peer_close,
	.reset = t_reset,
	.cleanup = t_cleanup,
};

/* ---- segments from the peer ---- */

static struct tcp_seg
seg(uint8_t flags, uint32_t seq, uint32_t ack, const void *data, uint32_t len)
{
	return (struct tcp_seg){
		.flags = flags, .seq = seq, .ack = ack, .wnd = 1000, .data = data, .len = len};
}

static struct tcp_conn *
conn(void)
{
	return tcp_conn_lookup(w, TUP(LADDR, LPORT, RADDR, RPORT));
}

static void
input(struct tcp_seg s)
{
	struct tcp_conn *c = conn();

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	tcp_input_conn(w, c, &s);
}

static struct tcp_listener listener;

/* A passive open completed: SYN (with MSS 1460, wscale 7, SACK-permitted
 * when sack, timestamps when ts), our SYN-ACK, the ACK. Returns our ISS. */
static uint32_t
establish_opts(bool ts, bool sack)
{
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	struct tcp_conn *c;
	uint32_t iss;

	s.has_mss = true;
	s.mss = 1460;
	s.has_ws = true;
	s.ws = 7;
	s.has_sack_perm = sack;
	s.has_ts = ts;
	s.tsval = 100;
	c = tcp_input_listen(w, &listener, TUP(LADDR, LPORT, RADDR, RPORT), &s, 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	loop();
	CU_ASSERT_EQUAL_FATAL(last()->flags, TCP_F_SYN | TCP_F_ACK);
	iss = last()->seq;
	s = seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
	s.wnd = 1000; /* x 128 */
	s.has_ts = ts;
	s.tsval = 101;
	s.tsecr = last()->opt.tsval;
	input(s);
	CU_ASSERT_EQUAL_FATAL(conn()->state, TCP_ESTABLISHED);
	loop();
	return iss;
}

static uint32_t
establish(bool ts)
{
	return establish_opts(ts, true);
}

static void
reset_all(void)
{
	for (uint32_t i = 0; i < w->pool_size; i++)
		if (w->pool[i])
			tcp_conn_abort(w, w->pool[i]);
	loop();
	memset(&ev, 0, sizeof(ev));
	n_out = 0;
	w->challenge_left = 1000;
}

/* ---- suite setup ---- */

static int
suite_init(void)
{
	if (vn_test_eal_init() < 0)
		return -1;
	w = tcp_worker_attach(THREAD);
	if (!w)
		return -1;
	w->flush = capture_flush;
	app = vn_app_register("test", &test_cb);
	if (app < 0)
		return -1;
	listener = (struct tcp_listener){.addr.ip4 = LADDR, .port = LPORT, .app = (uint32_t)app};
	vn_session_is_enabled = true;
	return 0;
}

/* Outside a test: no assertions, the segments just go back. */
static void
free_flush(struct tcp_worker *wk)
{
	rte_pktmbuf_free_bulk(wk->out, wk->n_out);
	wk->n_out = 0;
}

static int
suite_fini(void)
{
	w->flush = free_flush;
	reset_all();
	tcp_worker_detach(THREAD);
	return 0;
}

/* ---- FIFO ---- */

static void
test_fifo_in_order_and_wrap(void)
{
	struct tcp_fifo f;
	uint8_t buf[100], got[100];

	CU_ASSERT_EQUAL(tcp_fifo_init(&f, 100), -EINVAL); /* powers of two */
	CU_ASSERT_EQUAL_FATAL(tcp_fifo_init(&f, 64), 0);
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 50; i++)
			buf[i] = (uint8_t)(round * 50 + i);
		CU_ASSERT_EQUAL(tcp_fifo_write(&f, buf, 50), 50);
		CU_ASSERT_EQUAL(tcp_fifo_free_space(&f), 14);
		CU_ASSERT_EQUAL(tcp_fifo_peek(&f, 10, got, 5), 5);
		CU_ASSERT_EQUAL(got[0], buf[10]);
		CU_ASSERT_EQUAL(tcp_fifo_read(&f, got, 100), 50);
		CU_ASSERT_EQUAL(memcmp(got, buf, 50), 0);
	}
	CU_ASSERT_EQUAL(tcp_fifo_write(&f, buf, 100), 64); /* what fits */
	tcp_fifo_free(&f);
}

static void
test_fifo_out_of_order(void)
{
	struct tcp_fifo f;
	uint8_t data[64], got[64];

	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(i * 3 + 1);
	CU_ASSERT_EQUAL_FATAL(tcp_fifo_init(&f, 64), 0);
	/* [20,30) and [40,50) arrive first: nothing readable yet. */
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 40, data + 40, 10), 0);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 20, data + 20, 10), 0);
	CU_ASSERT_EQUAL(f.n_ooo, 2);
	CU_ASSERT_EQUAL(tcp_fifo_len(&f), 0);
	/* [25,45) overlaps both: one interval [20,50). */
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 25, data + 25, 20), 0);
	CU_ASSERT_EQUAL(f.n_ooo, 1);
	/* Past the room: refused. */
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 60, data, 10), -ENOSPC);
	/* [0,20) fills the hole: all 50 readable, in order. */
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 0, data, 20), 50);
	CU_ASSERT_EQUAL(f.n_ooo, 0);
	CU_ASSERT_EQUAL(tcp_fifo_read(&f, got, 64), 50);
	CU_ASSERT_EQUAL(memcmp(got, data, 50), 0);
	tcp_fifo_free(&f);
}

/* Overlapping segments that disagree: the first copy of a byte stays,
 * whether it arrived in order or not. */
static void
test_fifo_overlap_first_wins(void)
{
	struct tcp_fifo f;
	uint8_t data[64], junk[64], got[64];

	memset(junk, 'x', sizeof(junk));
	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)(i + 1);
	CU_ASSERT_EQUAL_FATAL(tcp_fifo_init(&f, 64), 0);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 10, data + 10, 10), 0);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 30, data + 30, 10), 0);
	/* [5,35) says other bytes over both: only [5,10) and [20,30) are new. */
	memcpy(junk + 5, data + 5, 5);
	memcpy(junk + 20, data + 20, 10);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 5, junk + 5, 30), 0);
	/* In order over the interval: its bytes stay too. */
	memset(junk, 'x', sizeof(junk));
	memcpy(junk, data, 5);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 0, junk, 15), 40);
	CU_ASSERT_EQUAL(tcp_fifo_read(&f, got, 64), 40);
	CU_ASSERT_EQUAL(memcmp(got, data, 40), 0);
	tcp_fifo_free(&f);
}

static void
test_fifo_ooo_limit(void)
{
	struct tcp_fifo f;
	uint8_t b[4] = {1, 2, 3, 4};

	CU_ASSERT_EQUAL_FATAL(tcp_fifo_init(&f, 1024), 0);
	for (uint32_t i = 0; i < TCP_FIFO_OOO_MAX; i++)
		CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 10 + i * 10, b, 4), 0);
	/* A ninth separate interval is refused, one touching another is not. */
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 500, b, 4), -E2BIG);
	CU_ASSERT_EQUAL(tcp_fifo_write_at(&f, 14, b, 4), 0);
	CU_ASSERT_EQUAL(f.n_ooo, TCP_FIFO_OOO_MAX);
	CU_ASSERT_EQUAL(f.ooo[0].end - f.ooo[0].start, 8);
	tcp_fifo_free(&f);
}

/* ---- timer wheel ---- */

static uint32_t fired[16], n_fired;
static struct tcp_wheel *cur_wheel;
static tcp_timer_handle victim;

static void
on_timer(void *ctx, uint32_t conn, uint8_t type)
{
	if (n_fired < 16)
		fired[n_fired++] = conn;
	if (type == 1) /* this one stops another timer of the same tick */
		tcp_wheel_stop(cur_wheel, victim);
}

static void
test_wheel(void)
{
	struct tcp_wheel wh;
	tcp_timer_handle h, h2;

	tcp_wheel_init(&wh, 1000);
	cur_wheel = &wh;
	n_fired = 0;
	h = tcp_wheel_start(&wh, 7, 0, 10);
	CU_ASSERT_NOT_EQUAL(h, 0);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, 1009, on_timer, NULL), 0);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, 1010, on_timer, NULL), 1);
	CU_ASSERT_EQUAL(fired[0], 7);
	/* Stopped before it is due: never fires; its stale handle stops nothing. */
	h = tcp_wheel_start(&wh, 8, 0, 5);
	tcp_wheel_stop(&wh, h);
	h2 = tcp_wheel_start(&wh, 9, 0, 5); /* likely the same entry, new generation */
	tcp_wheel_stop(&wh, h);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, 1100, on_timer, NULL), 1);
	CU_ASSERT_EQUAL(fired[1], 9);
	CU_ASSERT_EQUAL(wh.n_armed, 0);
	tcp_wheel_stop(&wh, h2); /* after it fired: harmless */
	/* Longer than a turn of the wheel. */
	tcp_wheel_start(&wh, 10, 0, 3 * TCP_WHEEL_SLOTS + 5);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, 1100 + 3 * TCP_WHEEL_SLOTS + 4, on_timer, NULL), 0);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, 1100 + 3 * TCP_WHEEL_SLOTS + 5, on_timer, NULL), 1);
	/* Two due in one tick; the first's callback stops the second, which
	 * was already collected for firing: it must not fire. */
	n_fired = 0;
	{
		uint64_t t = wh.now;
		tcp_wheel_start(&wh, 11, 1, 3);
		victim = tcp_wheel_start(&wh, 12, 0, 3);
		tcp_wheel_start(&wh, 13, 1, 3);
		CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, t + 3, on_timer, NULL), 2);
		CU_ASSERT_EQUAL(n_fired, 2);
		for (uint32_t i = 0; i < n_fired; i++)
			CU_ASSERT_NOT_EQUAL(fired[i], 12);
	}
	/* Many timers: the entry pool grows. */
	for (uint32_t i = 0; i < 5000; i++)
		CU_ASSERT_NOT_EQUAL(tcp_wheel_start(&wh, i, 0, 1 + i % 50), 0);
	CU_ASSERT_EQUAL(tcp_wheel_advance(&wh, wh.now + 50, on_timer, NULL), 5000);
	tcp_wheel_fini(&wh);
}

/* ---- options ---- */

static void
test_options(void)
{
	static const uint8_t good[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6,
				       1, 3, 3, 7, 99, 3, 0 /* unknown, skipped */, 0 /* EOL */};
	static const uint8_t overrun[] = {2, 4, 0x05};
	static const uint8_t zero_len[] = {8, 0, 1, 1};
	static const uint8_t bad_mss[] = {2, 3, 5, 1};
	static const uint8_t sack[] = {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9};
	static const uint8_t lone_kind[] = {1, 1, 3};
	struct tcp_seg s = {0};

	CU_ASSERT_EQUAL(tcp_parse_options(good, sizeof(good), &s), 0);
	CU_ASSERT(s.has_mss && s.mss == 1460);
	CU_ASSERT(s.has_sack_perm);
	CU_ASSERT(s.has_ts && s.tsval == 5 && s.tsecr == 6);
	CU_ASSERT(s.has_ws && s.ws == 7);
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(tcp_parse_options(overrun, sizeof(overrun), &s), -1);
	CU_ASSERT_EQUAL(tcp_parse_options(zero_len, sizeof(zero_len), &s), -1);
	CU_ASSERT_EQUAL(tcp_parse_options(bad_mss, sizeof(bad_mss), &s), -1);
	CU_ASSERT_EQUAL(tcp_parse_options(lone_kind, sizeof(lone_kind), &s), -1);
	CU_ASSERT_EQUAL(tcp_parse_options(sack, sizeof(sack), &s), 0);
	CU_ASSERT(s.n_sack == 1 && s.sack[0].start == 1 && s.sack[0].end == 9);
}

/* ---- state machine ---- */

static void
test_passive_open(void)
{
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	const struct out_seg *o;
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	s.has_mss = true;
	s.mss = 1400;
	s.has_ws = true;
	s.ws = 2;
	s.has_sack_perm = true;
	s.has_ts = true;
	s.tsval = 77;
	c = tcp_input_listen(w, &listener, TUP(LADDR, LPORT, RADDR, RPORT), &s, 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->state, TCP_SYN_RCVD);
	CU_ASSERT_EQUAL(loop(), 1);
	o = last();
	CU_ASSERT_EQUAL(o->flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(o->ack, PEER_ISS + 1);
	CU_ASSERT(o->opt.has_mss && o->opt.mss == 1460); /* ours, from the MTU */
	CU_ASSERT(o->opt.has_ws && o->opt.has_sack_perm && o->opt.has_ts);
	CU_ASSERT_EQUAL(o->opt.tsecr, 77);
	CU_ASSERT_EQUAL(c->snd_mss, 1400); /* the smaller */
	iss = o->seq;
	CU_ASSERT_EQUAL(ev.accepts, 0);
	/* A retransmitted SYN gets the SYN-ACK again. */
	input(seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(last()->seq, iss);
	/* An ACK of something else: reset <SEQ=SEG.ACK>, still SYN_RCVD. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 5, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_RST);
	CU_ASSERT_EQUAL(last()->seq, iss + 5);
	CU_ASSERT_EQUAL(c->state, TCP_SYN_RCVD);
	/* The right ACK: established, the app accepts. */
	s = seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
	s.has_ts = true;
	s.tsval = 78;
	s.wnd = 100;
	input(s);
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ev.accepts, 1);
	CU_ASSERT_EQUAL(c->snd_wnd, 400); /* scaled by the peer's shift */
	CU_ASSERT_EQUAL(c->cwnd, 10u * 1400); /* RFC 6928 */
}

static void
test_refused_accept(void)
{
	reset_all();
	ev.refuse = true;
	{
		struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
		tcp_input_listen(w, &listener, TUP(LADDR, LPORT, RADDR, RPORT), &s, 1500);
	}
	loop();
	input(seg(TCP_F_ACK, PEER_ISS + 1, last()->seq + 1, NULL, 0));
	loop();
	CU_ASSERT_EQUAL(ev.accepts, 1);
	CU_ASSERT_EQUAL(last()->flags & TCP_F_RST, TCP_F_RST);
	CU_ASSERT_PTR_NULL(conn());
	CU_ASSERT_EQUAL(ev.cleanup, 1);
}

static void
test_data_in_and_out_of_order(void)
{
	uint8_t data[3000], got[3000];
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i < 3000; i++)
		data[i] = (uint8_t)(i * 13);
	/* In order: delivered, acknowledged once for the loop. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, data, 1000));
	CU_ASSERT_EQUAL(ev.rx, 1);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 1001);
	/* [2000,3000) before [1000,2000): kept, SACKed, not delivered. */
	input(seg(TCP_F_ACK, PEER_ISS + 2001, iss + 1, data + 2000, 1000));
	CU_ASSERT_EQUAL(ev.rx, 1);
	CU_ASSERT_EQUAL(vn_session_rx_avail(ev.s), 1000);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 1001);
	CU_ASSERT_EQUAL_FATAL(last()->opt.n_sack, 1);
	CU_ASSERT_EQUAL(last()->opt.sack[0].start, PEER_ISS + 2001);
	CU_ASSERT_EQUAL(last()->opt.sack[0].end, PEER_ISS + 3001);
	/* The hole fills: everything in order. */
	input(seg(TCP_F_ACK, PEER_ISS + 1001, iss + 1, data + 1000, 1000));
	CU_ASSERT_EQUAL(ev.rx, 2);
	CU_ASSERT_EQUAL(c->rcv_nxt, PEER_ISS + 3001);
	CU_ASSERT_EQUAL(vn_session_read(ev.s, got, sizeof(got)), 3000);
	CU_ASSERT_EQUAL(memcmp(got, data, 3000), 0);
	loop();
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 3001);
	CU_ASSERT_EQUAL(last()->opt.n_sack, 0);
	/* A duplicate is acknowledged again, not delivered again. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, data, 1000));
	CU_ASSERT_EQUAL(ev.rx, 2);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 3001);
	/* Overlapping the left edge: only the new part is taken. */
	input(seg(TCP_F_ACK, PEER_ISS + 2501, iss + 1, data + 2500, 500 + 0));
	input(seg(TCP_F_ACK, PEER_ISS + 2801, iss + 1, data, 400));
	CU_ASSERT_EQUAL(c->rcv_nxt, PEER_ISS + 3201);
	CU_ASSERT_EQUAL(vn_session_read(ev.s, got, sizeof(got)), 200);
	CU_ASSERT_EQUAL(memcmp(got, data + 200, 200), 0);
}

static void
test_send_and_ack(void)
{
	uint8_t data[20000];
	struct tcp_conn *c;
	uint32_t iss, n;

	reset_all();
	iss = establish(false);
	c = conn();
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(vn_session_write(ev.s, data, sizeof(data)), sizeof(data));
	/* Initial window: 10 segments of 1460. */
	n = loop();
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_EQUAL(out[n_out - 10].seq, iss + 1);
	CU_ASSERT_EQUAL(out[n_out - 10].len, 1460);
	CU_ASSERT_EQUAL(memcmp(out[n_out - 9].data, data + 1460, 1460), 0);
	CU_ASSERT_EQUAL(c->snd_nxt, iss + 1 + 14600);
	CU_ASSERT_EQUAL(loop(), 0); /* window full */
	/* An ACK of 2 segments: slow start opens by 1460 (min(acked, mss)). */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1 + 2920, NULL, 0));
	CU_ASSERT_EQUAL(c->cwnd, 11u * 1460);
	CU_ASSERT_EQUAL(tcp_fifo_len(&c->tx), sizeof(data) - 2920);
	CU_ASSERT_EQUAL(loop(), 3);
	/* An ACK beyond what was sent: ACKed back and ignored. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, c->snd_max + 100, NULL, 0));
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 2920);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 0);
	CU_ASSERT_EQUAL(last()->seq, c->snd_nxt);
}

/* Sender SWS avoidance: no short segment while data is in flight. */
static void
test_sender_sws(void)
{
	uint8_t data[5000] = {0};
	struct tcp_seg s;
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	s = seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
	s.wnd = 16; /* x 128: 2048 bytes */
	input(s);
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 1460);
	/* Acked, the window slides: the next full segment fits. */
	s.ack = iss + 1 + 1460;
	input(s);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 1460);
	CU_ASSERT_EQUAL(c->snd_nxt, iss + 1 + 2920);
}

/* Nagle: a short segment waits for the ACK of what is in flight. */
static void
test_nagle(void)
{
	uint8_t data[100] = {0};
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_set_nodelay(ev.s, false);
	vn_session_write(ev.s, data, 100);
	CU_ASSERT_EQUAL(loop(), 1); /* nothing in flight: it goes */
	vn_session_write(ev.s, data, 100);
	CU_ASSERT_EQUAL(loop(), 0); /* held */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 101, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 100);
	/* No delay: the short segment goes with data in flight. */
	vn_session_set_nodelay(ev.s, true);
	vn_session_write(ev.s, data, 100);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(c->snd_nxt, iss + 301);
}

static void
test_rto_and_backoff(void)
{
	uint8_t data[3000] = {0};
	struct tcp_conn *c;
	uint32_t iss, rto;

	reset_all();
	iss = establish_opts(false, false); /* no SACK: no tail loss probe first */
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 3);
	rto = c->rto;
	CU_ASSERT(rto >= tcp_cfg.rto_min_ms);
	advance_ms(rto - 1);
	CU_ASSERT_EQUAL(loop(), 0);
	advance_ms(1);
	/* Go back N with a loss window of one segment. */
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	CU_ASSERT_EQUAL(last()->len, 1460);
	CU_ASSERT_EQUAL(c->cwnd, 1460);
	CU_ASSERT_EQUAL(c->ssthresh, 2u * 1460);
	CU_ASSERT_EQUAL(c->n_rtx, 1);
	/* Backoff: the next timeout comes after twice the RTO. */
	{
		uint32_t before = n_out;
		advance_ms(2 * rto - 1);
		CU_ASSERT_EQUAL(n_out, before);
		advance_ms(1);
		CU_ASSERT_EQUAL(n_out, before + 1);
		CU_ASSERT_EQUAL(last()->seq, iss + 1);
	}
	/* The ACK ends the backoff, and Karn keeps the retransmitted
	 * segment from being timed. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1 + 1460, NULL, 0));
	CU_ASSERT_EQUAL(c->n_rtx, 0);
	CU_ASSERT_EQUAL(c->srtt, 0);
}

/* A peer without SACK: fast retransmit and NewReno. */
static void
test_fast_retransmit(void)
{
	uint8_t data[14600] = {0};
	struct tcp_conn *c;
	uint32_t iss, before;

	reset_all();
	iss = establish_opts(false, false);
	c = conn();
	CU_ASSERT_FALSE(c->flags & TCP_CF_SACK);
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	before = n_out;
	for (int i = 0; i < 2; i++)
		input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0));
	CU_ASSERT_EQUAL(n_out, before);
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0)); /* the third */
	tcp_worker_flush(w);
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	CU_ASSERT_EQUAL(c->ssthresh, 5u * 1460);
	CU_ASSERT_EQUAL(c->cwnd, 8u * 1460);
	/* A full ACK ends recovery with cwnd = ssthresh (flight 0). */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1 + 14600, NULL, 0));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->cwnd, 1460u); /* min(ssthresh, flight + mss) */
}

/* ---- SACK-based loss recovery (RFC 6675, sack.c) ---- */

#define B(s, e) ((struct tcp_sack_block){(s), (e)})

static void
test_sack_scoreboard(void)
{
	struct tcp_sack_sb sb;
	struct tcp_sack_update r;
	struct tcp_sack_block b[4];
	const uint32_t una = 0xfffff000u, max = una + 20000; /* across the wrap */

	tcp_sack_clear(&sb);
	/* Two disjoint blocks, kept sorted. */
	b[0] = B(una + 5000, una + 6000);
	b[1] = B(una + 1000, una + 2000);
	tcp_sack_update(&sb, una, max, b, 2, &r);
	CU_ASSERT_EQUAL(r.newly, 2000);
	CU_ASSERT_EQUAL_FATAL(sb.n, 2);
	CU_ASSERT_EQUAL(sb.blk[0].start, una + 1000);
	CU_ASSERT_EQUAL(sb.blk[1].end, una + 6000);
	/* Overlapping one, touching the other: one interval, only the new
	 * bytes count. */
	b[0] = B(una + 1500, una + 5000);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT_EQUAL(r.newly, 3000);
	CU_ASSERT_EQUAL_FATAL(sb.n, 1);
	CU_ASSERT_EQUAL(sb.blk[0].start, una + 1000);
	CU_ASSERT_EQUAL(sb.blk[0].end, una + 6000);
	/* Again: nothing new. */
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT_EQUAL(r.newly, 0);
	/* Out of range: beyond SND.MAX, empty, below SND.UNA (not first). */
	b[0] = B(una + 8000, una + 9000);
	b[1] = B(max, max + 100);
	b[2] = B(una + 9000, una + 9000);
	b[3] = B(una - 3000, una - 2000);
	tcp_sack_update(&sb, una, max, b, 4, &r);
	CU_ASSERT_EQUAL(r.n_bad, 3);
	CU_ASSERT_EQUAL(r.n_dsack, 0);
	CU_ASSERT_EQUAL(r.newly, 1000);
	CU_ASSERT_EQUAL(sb.n, 2);
	/* D-SACK (RFC 2883): a first block below the ACK, or inside the
	 * second; counted, not added. */
	b[0] = B(una - 1000, una);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT_EQUAL(r.n_dsack, 1);
	CU_ASSERT_EQUAL(r.n_bad, 0);
	b[0] = B(una + 12000, una + 12500);
	b[1] = B(una + 12000, una + 13000);
	tcp_sack_update(&sb, una, max, b, 2, &r);
	CU_ASSERT_EQUAL(r.n_dsack, 1);
	CU_ASSERT_EQUAL(r.newly, 1000); /* the second block is new */
	CU_ASSERT_EQUAL(sb.n, 3);
	/* The cumulative ACK trims: a block it covers goes, one it cuts
	 * starts at SND.UNA. */
	tcp_sack_update(&sb, una + 5500, max, NULL, 0, &r);
	CU_ASSERT_EQUAL_FATAL(sb.n, 3);
	CU_ASSERT_EQUAL(sb.blk[0].start, una + 5500);
	tcp_sack_update(&sb, una + 9500, max, NULL, 0, &r);
	CU_ASSERT_EQUAL_FATAL(sb.n, 1);
	CU_ASSERT_EQUAL(sb.blk[0].start, una + 12000);
	/* A block partly below SND.UNA is cut to it. */
	tcp_sack_clear(&sb);
	b[0] = B(una + 100, una + 300);
	b[1] = B(una - 100, una + 50);
	tcp_sack_update(&sb, una, max, b, 2, &r);
	CU_ASSERT_EQUAL_FATAL(sb.n, 2);
	CU_ASSERT_EQUAL(sb.blk[0].start, una);
	CU_ASSERT_EQUAL(sb.blk[0].end, una + 50);
	/* The limit: the lowest TCP_SACK_SB_MAX intervals stay. */
	tcp_sack_clear(&sb);
	for (uint32_t i = TCP_SACK_SB_MAX + 2; i > 0; i--) {
		b[0] = B(una + i * 1000, una + i * 1000 + 100);
		tcp_sack_update(&sb, una, max, b, 1, &r);
		CU_ASSERT_EQUAL(r.n_full, i <= 2 ? 1 : 0);
	}
	CU_ASSERT_EQUAL(sb.n, TCP_SACK_SB_MAX);
	CU_ASSERT_EQUAL(sb.blk[0].start, una + 1000);
	CU_ASSERT_EQUAL(sb.blk[TCP_SACK_SB_MAX - 1].start, una + TCP_SACK_SB_MAX * 1000);
}

static void
test_sack_is_lost_and_pipe(void)
{
	struct tcp_sack_sb sb;
	struct tcp_sack_update r;
	struct tcp_sack_block b[3];
	const uint32_t una = 1000, mss = 100, max = una + 1000;

	tcp_sack_clear(&sb);
	/* Nothing SACKed: nothing lost, everything in flight. */
	CU_ASSERT_FALSE(tcp_sack_is_lost(&sb, una, mss));
	CU_ASSERT_EQUAL(tcp_sack_pipe(&sb, una, max, mss), 1000);
	/* Two segments above the first: not lost yet (DupThresh 3). */
	b[0] = B(una + 100, una + 300);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT_FALSE(tcp_sack_is_lost(&sb, una, mss));
	CU_ASSERT_EQUAL(tcp_sack_pipe(&sb, una, max, mss), 800);
	/* A third: [una, una+100) is lost, leaves the pipe. */
	b[0] = B(una + 300, una + 400);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT(tcp_sack_is_lost(&sb, una, mss));
	CU_ASSERT(tcp_sack_is_lost(&sb, una + 99, mss));
	CU_ASSERT_FALSE(tcp_sack_is_lost(&sb, una + 400, mss));
	CU_ASSERT_EQUAL(tcp_sack_pipe(&sb, una, max, mss), 600);
	/* Three small discontiguous SACKs above are enough too. */
	tcp_sack_clear(&sb);
	b[0] = B(una + 500, una + 510);
	b[1] = B(una + 600, una + 610);
	b[2] = B(una + 700, una + 710);
	tcp_sack_update(&sb, una, max, b, 3, &r);
	CU_ASSERT(tcp_sack_is_lost(&sb, una, mss));
	CU_ASSERT_FALSE(tcp_sack_is_lost(&sb, una + 510, mss));
	/* Retransmitted bytes count again: [una, una+100) lost and resent. */
	tcp_sack_clear(&sb);
	b[0] = B(una + 100, una + 400);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	sb.high_rxt = una + 100;
	CU_ASSERT_EQUAL(tcp_sack_pipe(&sb, una, max, mss), 100 + 600);
}

static void
test_sack_next_seg(void)
{
	struct tcp_sack_sb sb;
	struct tcp_sack_update r;
	struct tcp_sack_block b[3];
	const uint32_t una = 5000, mss = 100, max = una + 1000;
	uint32_t seq = 0, len = 0;

	/* Holes [0,100) and [400,500) lost, [800,1000) not. */
	tcp_sack_clear(&sb);
	sb.high_rxt = una;
	b[0] = B(una + 100, una + 400);
	b[1] = B(una + 500, una + 800);
	tcp_sack_update(&sb, una, max, b, 2, &r);
	/* Rule 1 first, even when new data could go. */
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, true, max, &seq, &len),
			TCP_SACK_NEXT_RTX);
	CU_ASSERT_EQUAL(seq, una);
	CU_ASSERT_EQUAL(len, 100);
	sb.high_rxt = seq + len;
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, true, max, &seq, &len),
			TCP_SACK_NEXT_RTX);
	CU_ASSERT_EQUAL(seq, una + 400);
	sb.high_rxt = seq + len;
	/* Rule 2: no lost hole left below the highest SACK: new data. */
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, true, max, &seq, &len),
			TCP_SACK_NEXT_NEW);
	/* Rule 3: a hole not yet lost below the highest SACK. */
	b[0] = B(una + 900, una + 950);
	tcp_sack_update(&sb, una, max, b, 1, &r);
	CU_ASSERT_FALSE(tcp_sack_is_lost(&sb, una + 800, mss));
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, false, max, &seq, &len),
			TCP_SACK_NEXT_RTX);
	CU_ASSERT_EQUAL(seq, una + 800);
	CU_ASSERT_EQUAL(len, 100);
	sb.high_rxt = seq + len;
	/* Rule 4: once, the segment holding the highest unSACKed byte. */
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, false, max, &seq, &len),
			TCP_SACK_NEXT_RESCUE);
	CU_ASSERT_EQUAL(seq, max - 50);
	CU_ASSERT_EQUAL(len, 50);
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, una, max, mss, false, max, &seq, &len),
			TCP_SACK_NEXT_NONE);
	/* Again only after the cumulative ACK passes RescueRxt. */
	CU_ASSERT_EQUAL(tcp_sack_next_seg(&sb, max + 1, max + 500, mss, false, max, &seq, &len),
			TCP_SACK_NEXT_RESCUE);
	CU_ASSERT_EQUAL(seq, max + 400);
}

/* The state machine fed SACK ACKs: ten segments, the second and the fifth
 * lost; only those two are sent again, each when the scoreboard says. */
static void
test_sack_recovery(void)
{
	uint8_t data[14600];
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[11];
	uint64_t episodes = w->stats[TCP_STAT_SACK_RECOVERY], rtx = w->stats[TCP_STAT_SACK_RTX];

	reset_all();
	iss = establish(false);
	c = conn();
	CU_ASSERT(c->flags & TCP_CF_SACK);
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	for (int i = 0; i <= 10; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[1], NULL, 0));
	CU_ASSERT_EQUAL(loop(), 0);
	before = n_out;
#define SACK_ACK(n, ...)                                                                           \
	do {                                                                                       \
		struct tcp_sack_block bl_[] = {__VA_ARGS__};                                      \
		s = seg(TCP_F_ACK, PEER_ISS + 1, (n), NULL, 0);                                    \
		s.n_sack = (uint8_t)RTE_DIM(bl_);                                            \
		for (uint32_t i_ = 0; i_ < s.n_sack; i_++) {                                       \
			s.sack[i_].start = bl_[i_].start;                                          \
			s.sack[i_].end = bl_[i_].end;                                              \
		}                                                                                  \
		input(s);                                                                          \
		loop();                                                                            \
	} while (0)
	SACK_ACK(S[1], B(S[2], S[3]));
	SACK_ACK(S[1], B(S[2], S[4]));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(n_out, before);
	/* The third duplicate: recovery, the first hole again, nothing else
	 * (pipe 6 segments, cwnd 4.5). */
	SACK_ACK(S[1], B(S[5], S[6]), B(S[2], S[4]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->recover, S[10]);
	CU_ASSERT_EQUAL(c->cwnd, 9u * 1460 / 2);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[1]);
	CU_ASSERT_EQUAL(last()->len, 1460);
	CU_ASSERT_EQUAL(memcmp(last()->data, data + 1460, 1460), 0);
	SACK_ACK(S[1], B(S[5], S[7]), B(S[2], S[4]));
	CU_ASSERT_EQUAL(n_out, before + 1);
	/* Three segments SACKed above [S4, S5): lost, and sent. */
	SACK_ACK(S[1], B(S[5], S[8]), B(S[2], S[4]));
	CU_ASSERT_EQUAL_FATAL(n_out, before + 2);
	CU_ASSERT_EQUAL(last()->seq, S[4]);
	CU_ASSERT_EQUAL(memcmp(last()->data, data + 4 * 1460, 1460), 0);
	/* Everything else SACKed: no hole left, nothing more. */
	SACK_ACK(S[1], B(S[5], S[10]), B(S[2], S[4]));
	CU_ASSERT_EQUAL(n_out, before + 2);
	/* A partial ACK keeps recovery; a full one ends it. */
	SACK_ACK(S[4], B(S[5], S[10]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(n_out, before + 2);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[10], NULL, 0));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->sb.n, 0);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_SACK_RECOVERY], episodes + 1);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_SACK_RTX], rtx + 2);
}

/* IsLost(SND.UNA) enters recovery before three duplicates (RFC 6675 5
 * (2)(d)): one ACK that SACKs three segments. A D-SACK is counted. After a
 * timeout the scoreboard is cleared (RFC 6675 5.1); what the peer SACKs
 * again is skipped by go-back-N. S0 and S1 lost, S2-S4 SACKed. */
static void
test_sack_lost_and_timeout(void)
{
	uint8_t data[14600] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[11];
	uint64_t dsack = w->stats[TCP_STAT_DSACK_RCVD];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 10; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	before = n_out;
	SACK_ACK(S[0], B(S[2], S[5]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->dupacks, 1);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(out[before].seq, S[0]);
	SACK_ACK(S[0], B(S[0] - 100, S[0]), B(S[2], S[5]));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_DSACK_RCVD], dsack + 1);
	/* No ACK for a PTO: in recovery too, a probe sends the first hole
	 * again (lost again, or its ACK was), without a timeout. */
	before = n_out;
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[0]);
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->n_rtx, 0);
	/* Timeout: scoreboard cleared, go back to S0 with one segment. */
	advance_ms(c->rto + 1);
	CU_ASSERT_EQUAL(c->n_rtx, 1);
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->sb.n, 0);
	CU_ASSERT_EQUAL(last()->seq, S[0]);
	/* S0 arrives, S2-S4 SACKed again: S1 goes, S2-S4 do not; then S5. */
	before = n_out;
	SACK_ACK(S[1], B(S[2], S[5]));
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[1]);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[5], NULL, 0));
	loop();
	CU_ASSERT(n_out > before + 1);
	for (uint32_t i = before + 1; i < n_out; i++)
		CU_ASSERT(seq_geq(out[i].seq, S[5]));
}

/* NextSeg rule 2 on a connection: with the hole resent and the rest
 * SACKed, recovery sends new data as far as cwnd - pipe allows. */
static void
test_sack_recovery_new_data(void)
{
	static uint8_t data[20 * 1460];
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[21];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 20; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[1], NULL, 0));
	CU_ASSERT_EQUAL(loop(), 2); /* slow start: S10, S11 */
	before = n_out;
	SACK_ACK(S[1], B(S[2], S[5]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->cwnd, 11u * 1460 / 2);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[1]);
	/* Everything else arrived: pipe is the resent hole; four new
	 * segments fit (4 x 1460 + 1460 <= 8030 < 6 x 1460). */
	SACK_ACK(S[1], B(S[2], S[12]));
	CU_ASSERT_EQUAL_FATAL(n_out, before + 5);
	for (uint32_t i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(out[before + 1 + i].seq, S[12 + i]);
	CU_ASSERT_EQUAL(c->snd_max, S[16]);
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
}

/* A partial ACK with nothing SACKed above it: the segment it stops at is
 * lost too (S1 and S5-S9 lost, S2-S4 arrived), resent at once, not after
 * a timeout. */
static void
test_sack_partial_ack(void)
{
	uint8_t data[14600] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[11];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 10; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[1], NULL, 0));
	CU_ASSERT_EQUAL(loop(), 0);
	before = n_out;
	SACK_ACK(S[1], B(S[2], S[3]));
	SACK_ACK(S[1], B(S[2], S[4]));
	SACK_ACK(S[1], B(S[2], S[5]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[1]);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[5], NULL, 0));
	loop();
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 2);
	CU_ASSERT_EQUAL(last()->seq, S[5]);
	CU_ASSERT_EQUAL(last()->len, 1460);
	/* The next partial ACK: the next one. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[6], NULL, 0));
	loop();
	CU_ASSERT_EQUAL_FATAL(n_out, before + 3);
	CU_ASSERT_EQUAL(last()->seq, S[6]);
}

/* DupThresh duplicates enter SACK recovery even without blocks; cwnd is
 * ssthresh, not NewReno's inflated ssthresh + 3 segments. */
static void
test_sack_three_dupacks(void)
{
	uint8_t data[14600] = {0};
	struct tcp_conn *c;
	uint32_t iss, before;

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 10);
	before = n_out;
	for (int i = 0; i < 2; i++)
		input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0));
	loop();
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->cwnd, 5u * 1460);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
}

/* RFC 2018 4: the first block holds the segment that came last. */
static void
test_sack_blocks_sent(void)
{
	uint8_t d[1000] = {0};
	uint32_t iss;

	reset_all();
	iss = establish(false);
	input(seg(TCP_F_ACK, PEER_ISS + 2001, iss + 1, d, 1000));
	input(seg(TCP_F_ACK, PEER_ISS + 5001, iss + 1, d, 1000));
	loop();
	CU_ASSERT_EQUAL_FATAL(last()->opt.n_sack, 2);
	CU_ASSERT_EQUAL(last()->opt.sack[0].start, PEER_ISS + 5001);
	CU_ASSERT_EQUAL(last()->opt.sack[1].start, PEER_ISS + 2001);
	/* Extending the lower one brings it first. */
	input(seg(TCP_F_ACK, PEER_ISS + 3001, iss + 1, d, 1000));
	loop();
	CU_ASSERT_EQUAL_FATAL(last()->opt.n_sack, 2);
	CU_ASSERT_EQUAL(last()->opt.sack[0].start, PEER_ISS + 2001);
	CU_ASSERT_EQUAL(last()->opt.sack[0].end, PEER_ISS + 4001);
	CU_ASSERT_EQUAL(last()->opt.sack[1].start, PEER_ISS + 5001);
}

/* RFC 8985 7.2: the PTO is twice the SRTT, plus the peer's delayed-ACK
 * time with one segment out, at least 10 ms (half the RTO in recovery),
 * at most the RTO. */
static void
test_tlp_pto(void)
{
	struct tcp_conn c = {.snd_mss = 1460, .snd_una = 1000, .snd_max = 1000 + 5 * 1460};

	c.srtt = 30 << 3;
	c.rto = 300;
	CU_ASSERT_EQUAL(tcp_conn_pto(&c), 60);
	c.snd_max = 1000 + 1460;
	CU_ASSERT_EQUAL(tcp_conn_pto(&c), 100);
	c.srtt = 1 << 3;
	c.snd_max = 1000 + 5 * 1460;
	CU_ASSERT_EQUAL(tcp_conn_pto(&c), 10);
	c.srtt = 200 << 3;
	CU_ASSERT_EQUAL(tcp_conn_pto(&c), 300);
	/* In recovery, at least half the RTO. */
	c.flags = TCP_CF_RECOVERY;
	c.srtt = 30 << 3;
	CU_ASSERT_EQUAL(tcp_conn_pto(&c), 150);
}

/* A loss at the tail of a flight, with no ACK to follow: after a PTO the
 * last segment goes again (no timeout, no backoff), and its SACK starts
 * recovery for the hole below it at once (RFC 8985 7.3, 7.4). */
static void
test_tlp_tail_loss(void)
{
	uint8_t data[4 * 1460];
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[5], pto, cwnd;
	uint64_t probes = w->stats[TCP_STAT_TLP], rtos = w->stats[TCP_STAT_RTO];
	uint64_t tlp_rec = w->stats[TCP_STAT_TLP_RECOVERY];

	reset_all();
	iss = establish(false);
	c = conn();
	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3);
	for (int i = 0; i <= 4; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 4);
	/* S0 and S1 arrive; S2 and S3 are lost. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[2], NULL, 0));
	loop();
	CU_ASSERT(c->flags & TCP_CF_TLP_TIMER);
	pto = tcp_conn_pto(c);
	CU_ASSERT(pto < c->rto);
	cwnd = c->cwnd;
	before = n_out;
	advance_ms(pto - 1);
	CU_ASSERT_EQUAL(n_out, before);
	advance_ms(1);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[3]);
	CU_ASSERT_EQUAL(last()->len, 1460);
	CU_ASSERT_EQUAL(memcmp(last()->data, data + 3 * 1460, 1460), 0);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP], probes + 1);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_RTO], rtos);
	CU_ASSERT_EQUAL(c->n_rtx, 0);
	CU_ASSERT_EQUAL(c->cwnd, cwnd); /* a probe is no loss by itself */
	/* One probe only: the RTO is next. */
	advance_ms(pto);
	CU_ASSERT_EQUAL(n_out, before + 1);
	/* The probe's SACK: S2 is lost, it goes at once. */
	SACK_ACK(S[2], B(S[3], S[4]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP_RECOVERY], tlp_rec + 1);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 2);
	CU_ASSERT_EQUAL(last()->seq, S[2]);
	CU_ASSERT_EQUAL(memcmp(last()->data, data + 2 * 1460, 1460), 0);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[4], NULL, 0));
	CU_ASSERT_FALSE(c->flags & (TCP_CF_RECOVERY | TCP_CF_TLP_OUT));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_RTO], rtos);
}

/* The probe is new data when the peer's window has room (cwnd aside); a
 * retransmitted probe that repairs the only loss (no D-SACK for it) still
 * halves the window; one the peer already had (D-SACK) does not. */
static void
test_tlp_new_data_and_repair(void)
{
	uint8_t data[4 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, S[5];
	uint64_t repaired = w->stats[TCP_STAT_TLP_REPAIRED];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 4; i++)
		S[i] = iss + 1 + 1460u * i;
	c->cwnd = 2 * 1460;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 2);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT_EQUAL(last()->seq, S[2]);
	CU_ASSERT_FALSE(c->flags & TCP_CF_TLP_RTX);
	CU_ASSERT_EQUAL(c->snd_max, S[3]);
	/* All three arrive: nothing was lost, nothing changes. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[3], NULL, 0));
	loop();
	CU_ASSERT_FALSE(c->flags & TCP_CF_TLP_OUT);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP_REPAIRED], repaired);
	/* S3 lost at the tail; the probe repeats it and repairs it. */
	c->cwnd = 10 * 1460;
	CU_ASSERT_EQUAL(loop(), 0);
	CU_ASSERT_EQUAL(c->snd_max, S[4]);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT(c->flags & TCP_CF_TLP_RTX);
	CU_ASSERT_EQUAL(last()->seq, S[3]);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[4], NULL, 0));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP_REPAIRED], repaired + 1);
	CU_ASSERT(c->cwnd < 10u * 1460);
	CU_ASSERT_EQUAL(c->cwnd, c->ssthresh);
	/* Again, but the peer had it: a D-SACK, no reduction. */
	c->cwnd = 10 * 1460;
	vn_session_write(ev.s, data, 1460);
	CU_ASSERT_EQUAL(loop(), 1);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT(c->flags & TCP_CF_TLP_RTX);
	SACK_ACK(S[4] + 1460, B(S[4], S[4] + 1460));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP_REPAIRED], repaired + 1);
	CU_ASSERT(c->cwnd >= 10u * 1460);
}

/* After a recovery ended at recover, a loss right there starts the next
 * one with SACK (RFC 6582's "more than recover" is for NewReno only). */
static void
test_sack_recovery_at_recover(void)
{
	uint8_t data[16 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[17];
	uint64_t episodes = w->stats[TCP_STAT_SACK_RECOVERY];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 16; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, 10 * 1460);
	CU_ASSERT_EQUAL(loop(), 10);
	SACK_ACK(S[0], B(S[1], S[4]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[10], NULL, 0));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(c->recover, S[10]);
	c->cwnd = 10 * 1460;
	vn_session_write(ev.s, data, 6 * 1460);
	CU_ASSERT_EQUAL(loop(), 6);
	before = n_out;
	SACK_ACK(S[10], B(S[11], S[14]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_SACK_RECOVERY], episodes + 2);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(out[before].seq, S[10]);
}

/* A retransmission lost in turn goes again once DupThresh segments sent
 * after it are SACKed (and not before), without the RTO. */
static void
test_sack_lost_retransmission(void)
{
	uint8_t data[12 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[13];
	uint64_t lost = w->stats[TCP_STAT_LOST_RTX], rtos = w->stats[TCP_STAT_RTO];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 12; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, 5 * 1460);
	CU_ASSERT_EQUAL(loop(), 5);
	before = n_out;
	SACK_ACK(S[0], B(S[1], S[5]));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[0]); /* sent when SND.MAX was S5 */
	/* Room for new data in recovery (NextSeg rule 2). */
	c->cwnd = 10 * 1460;
	vn_session_write(ev.s, data, 7 * 1460);
	loop();
	CU_ASSERT_EQUAL(c->snd_max, S[12]);
	/* Two segments sent after the retransmission SACKed: not yet. */
	before = n_out;
	SACK_ACK(S[0], B(S[1], S[7]));
	CU_ASSERT_EQUAL(n_out, before);
	/* A third: the retransmission of S0 was lost; S0 goes again. */
	SACK_ACK(S[0], B(S[1], S[8]));
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->seq, S[0]);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_LOST_RTX], lost + 1);
	/* Once: its new mark is S12. */
	SACK_ACK(S[0], B(S[1], S[9]));
	CU_ASSERT_EQUAL(n_out, before + 1);
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[12], NULL, 0));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_RTO], rtos);
}

/* SACKed data above a hole and no ACK since for a PTO: the hole is lost
 * (RACK's rule, RFC 8985 6.2), recovery starts without a probe. */
static void
test_tlp_sacked_hole(void)
{
	uint8_t data[4 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, before, S[5];
	uint64_t tlp_rec = w->stats[TCP_STAT_TLP_RECOVERY], probes = w->stats[TCP_STAT_TLP];

	reset_all();
	iss = establish(false);
	c = conn();
	for (int i = 0; i <= 4; i++)
		S[i] = iss + 1 + 1460u * i;
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 4);
	before = n_out;
	SACK_ACK(S[0], B(S[1], S[3]));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(n_out, before);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL_FATAL(n_out, before + 1);
	CU_ASSERT_EQUAL(out[before].seq, S[0]);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP_RECOVERY], tlp_rec + 1);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP], probes);
}

/* RFC 9293 3.10.7.4's allowance for valid ACKs: with our window shut,
 * the peer's data at RCV.NXT is refused but its ACK (and SACK) is taken;
 * a pure ACK at the right edge of the window is acceptable. */
static void
test_ack_at_shut_window(void)
{
	static uint8_t d[1u << 16];
	uint8_t data[2 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, off = 0, nxt;
	uint64_t cut = w->stats[TCP_STAT_WND_CUT];

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 2);
	/* The app reads nothing: the rx FIFO fills, the window shuts. */
	while (tcp_conn_rcv_wnd(c) > 0 && off < sizeof(d)) {
		uint32_t n = VN_MIN(1000u, tcp_conn_rcv_wnd(c));
		input(seg(TCP_F_ACK, PEER_ISS + 1 + off, iss + 1, d, n));
		off += n;
	}
	loop();
	CU_ASSERT_EQUAL_FATAL(tcp_conn_rcv_wnd(c), 0);
	nxt = c->rcv_nxt;
	CU_ASSERT_EQUAL(nxt, PEER_ISS + 1 + off);
	/* Data at RCV.NXT acknowledging our first segment: ACK taken, the
	 * text cut at the shut window. */
	input(seg(TCP_F_ACK, nxt, iss + 1 + 1460, d, 1000));
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 1460);
	CU_ASSERT_EQUAL(c->rcv_nxt, nxt);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_WND_CUT], cut + 1);
	CU_ASSERT_EQUAL(c->dupacks, 0);
	loop();
	CU_ASSERT_EQUAL(last()->ack, nxt); /* and it hears our window again */
	/* A pure ACK there too, and one at the edge of an open window. */
	input(seg(TCP_F_ACK, nxt, iss + 1 + 2920, NULL, 0));
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 2920);
	vn_session_write(ev.s, data, 1460);
	loop();
	c->rcv_adv = nxt + 2000;
	s = seg(TCP_F_ACK, nxt + 2000, iss + 1 + 2920 + 1460, NULL, 0);
	input(s);
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 2920 + 1460);
	/* Beyond the edge: refused. */
	vn_session_write(ev.s, data, 1460);
	loop();
	input(seg(TCP_F_ACK, nxt + 2001, iss + 1 + 4 * 1460, NULL, 0));
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 2920 + 1460);
}

/* RFC 3522 (Eifel): an ACK that moves SND.UNA in recovery with a TSecr
 * older than the first retransmission came from the original: the
 * window comes back, recovery ends, DupThresh grows to the reordering
 * seen. One echoing the retransmission's timestamp changes nothing. */
static void
test_sack_spurious_undo(void)
{
	uint8_t data[20 * 1460] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, S[21], ts0, cwnd0, rtx_ts;
	uint64_t undone = w->stats[TCP_STAT_SPURIOUS_UNDO];

#define TS_ACK(n, ecr, ...)                                                                        \
	do {                                                                                       \
		struct tcp_sack_block bl_[] = {__VA_ARGS__};                                      \
		s = seg(TCP_F_ACK, PEER_ISS + 1, (n), NULL, 0);                                    \
		s.has_ts = true;                                                                   \
		s.tsval = 200;                                                                     \
		s.tsecr = (ecr);                                                                   \
		s.n_sack = (uint8_t)RTE_DIM(bl_);                                                  \
		for (uint32_t i_ = 0; i_ < s.n_sack; i_++) {                                       \
			s.sack[i_].start = bl_[i_].start;                                          \
			s.sack[i_].end = bl_[i_].end;                                              \
		}                                                                                  \
		input(s);                                                                          \
		loop();                                                                            \
	} while (0)
	reset_all();
	iss = establish(true);
	c = conn();
	for (int i = 0; i <= 20; i++)
		S[i] = iss + 1 + 1448u * i; /* 1460 less the timestamps */
	vn_session_write(ev.s, data, 10 * 1448);
	CU_ASSERT_EQUAL(loop(), 10);
	ts0 = last()->opt.tsval;
	cwnd0 = c->cwnd;
	advance_ms(5);
	TS_ACK(S[0], ts0, B(S[1], S[5]));
	CU_ASSERT_FATAL(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(last()->seq, S[0]);
	CU_ASSERT(c->cwnd < cwnd0);
	/* The original S0 was late, not lost: its ACK echoes its time. */
	TS_ACK(S[5], ts0, B(S[5], S[5]));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT(c->cwnd >= cwnd0);
	CU_ASSERT_EQUAL(c->sb.dupthresh, 5);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_SPURIOUS_UNDO], undone + 1);
	/* Now DupThresh 5: four segments SACKed above a hole are not enough. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, S[10], NULL, 0));
	c->cwnd = 10 * 1448;
	vn_session_write(ev.s, data, 10 * 1448);
	CU_ASSERT_EQUAL(loop(), 10);
	ts0 = last()->opt.tsval;
	advance_ms(5);
	TS_ACK(S[10], ts0, B(S[11], S[15]));
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	TS_ACK(S[10], ts0, B(S[11], S[16]));
	CU_ASSERT_FATAL(c->flags & TCP_CF_RECOVERY);
	rtx_ts = last()->opt.tsval;
	CU_ASSERT_EQUAL(last()->seq, S[10]);
	cwnd0 = c->cwnd;
	/* A real loss: the ACK echoes the retransmission. No undo. */
	advance_ms(1);
	TS_ACK(S[16], rtx_ts, B(S[16], S[16]));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_SPURIOUS_UNDO], undone + 1);
	CU_ASSERT(c->cwnd <= cwnd0 + 1460);
#undef TS_ACK
}

/* The probe while closing (FIN_WAIT_1): the last data segment again, not
 * the FIN after it; the FIN when only it is out. */
static void
test_tlp_fin(void)
{
	uint8_t data[1460] = {0};
	struct tcp_conn *c;
	uint32_t iss;
	uint64_t probes = w->stats[TCP_STAT_TLP];

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	vn_session_close(ev.s);
	loop();
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_1);
	CU_ASSERT(c->flags & TCP_CF_FIN_SENT);
	CU_ASSERT_EQUAL(c->snd_max, iss + 1 + 1460 + 1);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP], probes + 1);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	CU_ASSERT_EQUAL(last()->len, 1460);
	/* Only the FIN out: the FIN alone is the probe. */
	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_close(ev.s);
	loop();
	CU_ASSERT_EQUAL(c->snd_max, iss + 2);
	CU_ASSERT(c->flags & TCP_CF_TLP_TIMER);
	advance_ms(tcp_conn_pto(c));
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_TLP], probes + 2);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK | TCP_F_FIN);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_2);
}

static void
test_rst_rules(void)
{
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	/* In the window but not exactly rcv_nxt: a challenge ACK (RFC 5961). */
	input(seg(TCP_F_RST, PEER_ISS + 100, 0, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 1);
	/* Outside the window: dropped without an answer. */
	input(seg(TCP_F_RST, PEER_ISS + 10000000, 0, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 0);
	/* A SYN on an established connection: a challenge ACK too. */
	input(seg(TCP_F_SYN, PEER_ISS + 1, 0, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK);
	/* Challenge ACKs are rate-limited. */
	w->challenge_left = 0;
	w->challenge_sec = w->now_ms / 1000;
	input(seg(TCP_F_SYN, PEER_ISS + 1, 0, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 0);
	/* Exactly rcv_nxt: the connection is reset. */
	input(seg(TCP_F_RST, PEER_ISS + 1, 0, NULL, 0));
	CU_ASSERT_EQUAL(ev.reset, 1);
	CU_ASSERT_EQUAL(ev.cleanup, 1);
	loop();
	CU_ASSERT_PTR_NULL(conn());
	(void)iss;
}

static void
test_outside_window(void)
{
	uint8_t d[10] = {0};
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	input(seg(TCP_F_ACK, PEER_ISS + 1 + (1u << 20), iss + 1, d, 10));
	CU_ASSERT_EQUAL(ev.rx, 0);
	CU_ASSERT_EQUAL(c->rx.n_ooo, 0);
	CU_ASSERT_EQUAL(loop(), 1); /* a duplicate ACK says where we are */
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 1);
}

/* Receiver flow control: an app that does not read closes the window; a
 * probe into the closed window is answered, not kept; reading reopens it
 * with a window update. */
static void
test_receive_window(void)
{
	static uint8_t data[1460];
	uint8_t sink[4096];
	struct tcp_conn *c;
	uint32_t iss, seq = PEER_ISS + 1, size;

	reset_all();
	iss = establish(false);
	c = conn();
	size = c->rx.size;
	for (uint32_t sent = 0; sent + sizeof(data) <= size; sent += sizeof(data)) {
		input(seg(TCP_F_ACK, seq, iss + 1, data, sizeof(data)));
		seq += sizeof(data);
	}
	input(seg(TCP_F_ACK, seq, iss + 1, data, size - (seq - PEER_ISS - 1)));
	seq = PEER_ISS + 1 + size;
	CU_ASSERT_EQUAL(tcp_fifo_free_space(&c->rx), 0);
	loop();
	CU_ASSERT_EQUAL(last()->ack, seq);
	CU_ASSERT_EQUAL(last()->wnd, 0);
	/* A zero-window probe: not kept, answered with the same ACK. */
	input(seg(TCP_F_ACK, seq, iss + 1, data, 1));
	CU_ASSERT_EQUAL(c->rcv_nxt, seq);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, seq);
	CU_ASSERT_EQUAL(last()->wnd, 0);
	/* Reading less than an MSS opens no window yet (receiver SWS)... */
	vn_session_read(ev.s, sink, 1000);
	CU_ASSERT_EQUAL(loop(), 0);
	/* ...more does, and the update says how much. */
	vn_session_read(ev.s, sink, 3000);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL((uint32_t)last()->wnd << c->rcv_wscale, 4000u);
	input(seg(TCP_F_ACK, seq, iss + 1, data, 1000));
	CU_ASSERT_EQUAL(c->rcv_nxt, seq + 1000);
}

static void
test_paws(void)
{
	uint8_t d[10] = {1};
	struct tcp_seg s;
	uint32_t iss;

	reset_all();
	iss = establish(true);
	CU_ASSERT(conn()->flags & TCP_CF_TS);
	s = seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, d, 10);
	s.has_ts = true;
	s.tsval = 50; /* older than 101 */
	input(s);
	CU_ASSERT_EQUAL(ev.rx, 0);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 1);
	s.tsval = 200;
	input(s);
	CU_ASSERT_EQUAL(ev.rx, 1);
	loop();
	CU_ASSERT_EQUAL(last()->opt.tsecr, 200);
}

static void
test_passive_close(void)
{
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 1, iss + 1, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_CLOSE_WAIT);
	CU_ASSERT_EQUAL(ev.peer_close, 1);
	loop();
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 2);
	vn_session_close(ev.s);
	CU_ASSERT_EQUAL(c->state, TCP_LAST_ACK);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK | TCP_F_FIN);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	input(seg(TCP_F_ACK, PEER_ISS + 2, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(ev.cleanup, 1);
	loop();
	CU_ASSERT_PTR_NULL(conn());
}

static void
test_active_close_time_wait(void)
{
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_close(ev.s);
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_1);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK | TCP_F_FIN);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_2);
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 1, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(ev.cleanup, 1); /* the app is done; TIME_WAIT is ours */
	CU_ASSERT_PTR_NULL(c->rx.data);
	loop();
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 2);
	/* The FIN again (our ACK was lost): ACKed again. */
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 1, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 2);
	advance_ms(tcp_cfg.time_wait_ms - 1);
	CU_ASSERT_PTR_NOT_NULL(conn());
	advance_ms(1);
	CU_ASSERT_PTR_NULL(conn());
}

/* vn_session_shutdown: our FIN goes, the app still receives, and keeps the
 * session (and unread bytes) past the peer's FIN until it closes. */
static void
test_shutdown_half_close(void)
{
	struct tcp_conn *c;
	uint32_t iss;
	char buf[8] = "";

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_shutdown(ev.s);
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_1);
	CU_ASSERT_EQUAL(vn_session_tx_space(ev.s), 0);
	vn_session_shutdown(ev.s); /* again: still half-closed, still ours */
	CU_ASSERT(c->flags & TCP_CF_APP_HOLDS);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK | TCP_F_FIN);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_FIN_WAIT_2);
	CU_ASSERT_EQUAL(c->timer[TCP_TIMER_WAIT], 0); /* held: not given up */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 2, "abc", 3));
	CU_ASSERT_EQUAL(ev.rx, 1);
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 4, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
	CU_ASSERT_EQUAL(ev.peer_close, 1);
	CU_ASSERT_EQUAL(ev.cleanup, 0);
	CU_ASSERT_EQUAL_FATAL(vn_session_rx_avail(ev.s), 3);
	CU_ASSERT_EQUAL(vn_session_read(ev.s, buf, sizeof(buf)), 3);
	CU_ASSERT_STRING_EQUAL(buf, "abc");
	vn_session_close(ev.s);
	CU_ASSERT_EQUAL(ev.cleanup, 1);
	CU_ASSERT_PTR_NULL(c->rx.data);
	loop();
	CU_ASSERT_EQUAL(last()->ack, PEER_ISS + 5);
}

/* Shut after the peer's FIN: unread bytes survive the ACK of our FIN. */
static void
test_shutdown_after_peer_close(void)
{
	struct tcp_conn *c;
	uint32_t iss;
	char buf[8] = "";

	reset_all();
	iss = establish(false);
	c = conn();
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 1, iss + 1, "xy", 2));
	CU_ASSERT_EQUAL(c->state, TCP_CLOSE_WAIT);
	CU_ASSERT_EQUAL(ev.peer_close, 1);
	vn_session_shutdown(ev.s);
	CU_ASSERT_EQUAL(c->state, TCP_LAST_ACK);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK | TCP_F_FIN);
	input(seg(TCP_F_ACK, PEER_ISS + 4, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(ev.cleanup, 0);
	CU_ASSERT_EQUAL(vn_session_read(ev.s, buf, sizeof(buf)), 2);
	CU_ASSERT_STRING_EQUAL(buf, "xy");
	vn_session_close(ev.s);
	CU_ASSERT_EQUAL(ev.cleanup, 1);
}

/* vn_session_connect_local needs a forwarding thread and a route. */
static void
test_connect_local_checks(void)
{
	tcp_worker_self = NULL;
	CU_ASSERT_EQUAL(vn_session_connect_local((uint32_t)app, EP4(RADDR, 80), 0), -ENODEV);
	tcp_worker_self = w;
	CU_ASSERT_EQUAL(vn_session_connect_local((uint32_t)app, EP4(RADDR, 0), 0), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_connect_local((uint32_t)app, EP4(RADDR, 80), 0), -EHOSTUNREACH);
	tcp_worker_self = NULL;
}

static void
test_simultaneous_close(void)
{
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_close(ev.s);
	loop();
	/* Their FIN crosses ours: CLOSING, then TIME_WAIT on the ACK. */
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 1, iss + 1, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_CLOSING);
	input(seg(TCP_F_ACK, PEER_ISS + 2, iss + 2, NULL, 0));
	CU_ASSERT_EQUAL(c->state, TCP_TIME_WAIT);
}

static void
test_out_of_order_fin(void)
{
	uint8_t d[100] = {0};
	struct tcp_conn *c;
	uint32_t iss;

	reset_all();
	iss = establish(false);
	c = conn();
	/* Data and FIN after a hole: the FIN waits for the hole. */
	input(seg(TCP_F_ACK | TCP_F_FIN, PEER_ISS + 101, iss + 1, d, 100));
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ev.peer_close, 0);
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, d, 100));
	CU_ASSERT_EQUAL(c->state, TCP_CLOSE_WAIT);
	CU_ASSERT_EQUAL(c->rcv_nxt, PEER_ISS + 202);
	CU_ASSERT_EQUAL(ev.peer_close, 1);
	CU_ASSERT_EQUAL(vn_session_rx_avail(ev.s), 200);
}

static void
test_zero_window_probe(void)
{
	uint8_t data[100] = {0};
	struct tcp_seg s;
	struct tcp_conn *c;
	uint32_t iss, before;

	reset_all();
	iss = establish(false);
	c = conn();
	s = seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0);
	s.wnd = 0;
	input(s);
	CU_ASSERT_EQUAL(c->snd_wnd, 0);
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 0); /* nothing fits */
	before = n_out;
	advance_ms(c->rto);
	CU_ASSERT_EQUAL(n_out, before + 1); /* one byte past the window */
	CU_ASSERT_EQUAL(last()->len, 1);
	CU_ASSERT_EQUAL(last()->seq, iss + 1);
	CU_ASSERT_EQUAL(c->cwnd, 10u * 1460); /* a probe is no loss */
	/* The peer answers probes with the window still shut: no duplicate
	 * ACKs, no recovery, nothing sent. */
	for (int i = 0; i < 3; i++)
		input(s);
	CU_ASSERT_FALSE(c->flags & TCP_CF_RECOVERY);
	CU_ASSERT_EQUAL(loop(), 0);
	/* The window opens, the probe byte not taken: all of it goes, from
	 * the first byte. */
	s.wnd = 1000;
	input(s);
	CU_ASSERT(loop() >= 1);
	CU_ASSERT_EQUAL(out[before + 1].seq, iss + 1);
	CU_ASSERT_EQUAL(out[before + 1].len, 100);
	CU_ASSERT_EQUAL(c->snd_nxt, iss + 101);
}

static void
test_active_open(void)
{
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss;

	reset_all();
	c = tcp_connect(w, (uint32_t)app, 42, TUP(LADDR, 0, RADDR, 8080), 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(c->lport >= 32768);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_SYN);
	CU_ASSERT(last()->opt.has_mss && last()->opt.has_ws && last()->opt.has_ts &&
		  last()->opt.has_sack_perm);
	iss = last()->seq;
	/* SYN retransmitted after the initial RTO (1 s). */
	advance_ms(tcp_cfg.rto_init_ms);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_SYN);
	CU_ASSERT_EQUAL(last()->seq, iss);
	/* A SYN-ACK with a bad ACK: reset <SEQ=SEG.ACK>, still SYN_SENT. */
	s = seg(TCP_F_SYN | TCP_F_ACK, 5000, iss + 7, NULL, 0);
	tcp_input_conn(w, c, &s);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_RST);
	CU_ASSERT_EQUAL(last()->seq, iss + 7);
	CU_ASSERT_EQUAL(c->state, TCP_SYN_SENT);
	/* The real SYN-ACK (no options: MSS 536, no scaling). */
	s = seg(TCP_F_SYN | TCP_F_ACK, 5000, iss + 1, NULL, 0);
	tcp_input_conn(w, c, &s);
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ev.connected, 1);
	CU_ASSERT_EQUAL(ev.connect_err, 0);
	CU_ASSERT_EQUAL(c->snd_mss, 536);
	CU_ASSERT_EQUAL(c->rcv_wscale, 0);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK);
	CU_ASSERT_EQUAL(last()->ack, 5001);
	CU_ASSERT_EQUAL(last()->opt.has_ts, false);
}

static void
test_active_open_refused(void)
{
	struct tcp_conn *c;
	struct tcp_seg s;

	reset_all();
	c = tcp_connect(w, (uint32_t)app, 42, TUP(LADDR, 0, RADDR, 8080), 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	loop();
	s = seg(TCP_F_RST | TCP_F_ACK, 0, last()->seq + 1, NULL, 0);
	tcp_input_conn(w, c, &s);
	CU_ASSERT_EQUAL(ev.connected, 1);
	CU_ASSERT_EQUAL(ev.connect_err, -ECONNREFUSED);
	CU_ASSERT_EQUAL(ev.cleanup, 1);
}

static void
test_simultaneous_open(void)
{
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss;

	reset_all();
	c = tcp_connect(w, (uint32_t)app, 42, TUP(LADDR, 0, RADDR, 8080), 1500);
	loop();
	iss = last()->seq;
	s = seg(TCP_F_SYN, 9000, 0, NULL, 0); /* their SYN crosses ours */
	tcp_input_conn(w, c, &s);
	CU_ASSERT_EQUAL(c->state, TCP_SYN_RCVD);
	loop();
	CU_ASSERT_EQUAL(last()->flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(last()->seq, iss);
	CU_ASSERT_EQUAL(last()->ack, 9001);
	s = seg(TCP_F_SYN | TCP_F_ACK, 9000, iss + 1, NULL, 0);
	tcp_input_conn(w, c, &s);
	/* The SYN in it is old; the ACK establishes: connected, not accept. */
	s = seg(TCP_F_ACK, 9001, iss + 1, NULL, 0);
	tcp_input_conn(w, c, &s);
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ev.connected, 1);
	CU_ASSERT_EQUAL(ev.accepts, 0);
}

/* A segment as it arrives: IPv4 and TCP headers, data at the IPv4 header. */
static struct rte_mbuf *
wire_seg(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, 40 + payload);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	if (!ip)
		abort();
	memset(ip, 0, 40 + payload);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(40 + payload);
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(RADDR);
	ip->dst_addr = rte_cpu_to_be_32(LADDR);
	th->src_port = rte_cpu_to_be_16(RPORT);
	th->dst_port = rte_cpu_to_be_16(LPORT);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = 5 << 4;
	th->tcp_flags = flags;
	vn_meta_reset(m);
	return m;
}

static void
test_reset_to_no_listener(void)
{
	struct rte_mbuf *m = wire_seg(TCP_F_SYN, 7000, 0, 0);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

	/* A SYN: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>, back to the sender. */
	CU_ASSERT_TRUE(tcp_make_reset(m));
	CU_ASSERT_EQUAL(th->tcp_flags, TCP_F_RST | TCP_F_ACK);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(th->recv_ack), 7001);
	CU_ASSERT_EQUAL(th->sent_seq, 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->dst_addr), RADDR);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(th->dst_port), RPORT);
	CU_ASSERT_EQUAL(m->pkt_len, 40);
	rte_pktmbuf_free(m);
	/* Data with an ACK: <SEQ=SEG.ACK><CTL=RST>. */
	m = wire_seg(TCP_F_ACK | TCP_F_PSH, 7000, 12345, 100);
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, 20);
	CU_ASSERT_TRUE(tcp_make_reset(m));
	CU_ASSERT_EQUAL(th->tcp_flags, TCP_F_RST);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(th->sent_seq), 12345);
	CU_ASSERT_EQUAL(m->pkt_len, 40);
	rte_pktmbuf_free(m);
	/* A reset is never answered. */
	m = wire_seg(TCP_F_RST, 7000, 0, 0);
	CU_ASSERT_FALSE(tcp_make_reset(m));
	rte_pktmbuf_free(m);
}


/* ---- IPv6 ---- */

#define TUP6(la, lp, ra, rp)                                                                       \
	(&(struct tcp_tuple){.laddr.ip6 = (la), .raddr.ip6 = (ra), .lport = (lp), .rport = (rp),   \
			     .is_ip6 = true})

static const struct vn_ip6 L6 = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}}; /* 2001:db8::1 */
static const struct vn_ip6 R6 = {{0x20, 0x01, 0x0d, 0xb8, [15] = 2}}; /* 2001:db8::2 */

/* An IPv6 TCP segment (no options) from src to dst in one mbuf. */
static struct rte_mbuf *
seg6(const struct vn_ip6 *src, const struct vn_ip6 *dst, uint16_t sport, uint16_t dport,
     uint8_t flags, uint32_t seq, const char *payload)
{
	uint32_t plen = (uint32_t)strlen(payload);
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *th;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, 40 + 20 + plen);
	*ip = (struct rte_ipv6_hdr){.vtc_flow = rte_cpu_to_be_32(6u << 28),
				    .payload_len = rte_cpu_to_be_16(20 + plen),
				    .proto = IPPROTO_TCP,
				    .hop_limits = 64};
	memcpy(ip->src_addr, src->b, 16);
	memcpy(ip->dst_addr, dst->b, 16);
	th = (struct rte_tcp_hdr *)(ip + 1);
	*th = (struct rte_tcp_hdr){.src_port = rte_cpu_to_be_16(sport),
				   .dst_port = rte_cpu_to_be_16(dport),
				   .sent_seq = rte_cpu_to_be_32(seq),
				   .data_off = 5 << 4,
				   .tcp_flags = flags,
				   .rx_win = rte_cpu_to_be_16(65535)};
	memcpy(th + 1, payload, plen);
	vn_meta_reset(m);
	return m;
}

/* RFC 8200 8.1: the checksum over the IPv6 pseudo-header, against scapy's
 * for the same segments (an even and an odd payload). */
static void
test_ip6_checksum_vector(void)
{
	static const struct {
		const char *payload;
		uint16_t cksum;
	} v[] = {{"hello", 0x7405}, {"abcdef", 0x8da9}};

	for (uint32_t i = 0; i < RTE_DIM(v); i++) {
		struct rte_mbuf *m = seg6(&L6, &R6, 80, 40000, TCP_F_SYN, 1, v[i].payload);
		struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint32_t l4len = 20 + (uint32_t)strlen(v[i].payload), sum;

		tcp_checksum6(m);
		CU_ASSERT_EQUAL(rte_be_to_cpu_16(th->cksum), v[i].cksum);
		/* Received: the sum over pseudo-header and segment folds to 0xffff. */
		sum = tcp6_phdr_sum(ip, l4len) + rte_raw_cksum(th, l4len);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		CU_ASSERT_EQUAL(sum, 0xffff);
		/* The length in the pseudo-header is the segment's: another
		 * length gives another sum. */
		sum = tcp6_phdr_sum(ip, l4len + 8) + rte_raw_cksum(th, l4len);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		CU_ASSERT_NOT_EQUAL(sum, 0xffff);
		rte_pktmbuf_free(m);
	}
}

/* IPv6 connections in their own table: found by their whole 4-tuple only,
 * never by an IPv4 tuple; a passive open over IPv6 announces MTU - 60 and
 * its segments leave with an IPv6 header. */
static void
test_ip6_conn_table(void)
{
	struct tcp_listener l6 = {.addr.ip6 = L6, .port = LPORT, .is_ip6 = true,
				  .app = (uint32_t)app};
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	struct vn_ip6 other = R6;
	struct tcp_conn *c;
	uint32_t w0 = tcp_tuple_owner(TUP6(L6, LPORT, R6, RPORT), 7);
	uint32_t la4;
	int32_t n4 = rte_hash_count(w->table), n6 = rte_hash_count(w->table6);

	memcpy(&la4, L6.b, 4);
	n_out = 0;
	ev = (typeof(ev)){0};
	s.has_mss = true;
	s.mss = 1460;
	c = tcp_input_listen(w, &l6, TUP6(L6, LPORT, R6, RPORT), &s, 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(c->is_ip6);
	CU_ASSERT_EQUAL(c->rcv_mss, 1440);
	CU_ASSERT_EQUAL(tcp_mss_for_mtu(1500, true), 1440);
	CU_ASSERT_EQUAL(tcp_mss_for_mtu(1280, true), 1220);
	CU_ASSERT_PTR_EQUAL(tcp_conn_lookup(w, TUP6(L6, LPORT, R6, RPORT)), c);
	CU_ASSERT_PTR_NULL(tcp_conn_lookup(w, TUP6(L6, LPORT, R6, RPORT + 1)));
	CU_ASSERT_PTR_NULL(tcp_conn_lookup(w, TUP6(R6, LPORT, L6, RPORT)));
	other.b[10] ^= 0x80; /* past any 32- or 64-bit prefix of the address */
	CU_ASSERT_PTR_NULL(tcp_conn_lookup(w, TUP6(L6, LPORT, other, RPORT)));
	CU_ASSERT_PTR_NULL(tcp_conn_lookup(w, TUP(la4, LPORT, 0, RPORT)));
	/* The IPv6 table took it; the IPv4 table is untouched. */
	CU_ASSERT_EQUAL(rte_hash_count(w->table6), n6 + 1);
	CU_ASSERT_EQUAL(rte_hash_count(w->table), n4);
	/* Both directions of a flow have one owner. */
	CU_ASSERT_EQUAL(tcp_tuple_owner(TUP6(R6, RPORT, L6, LPORT), 7), w0);
	/* The SYN-ACK: IPv6, our MSS, the checksum verified by capture_flush. */
	loop();
	CU_ASSERT_FATAL(n_out >= 1);
	CU_ASSERT(out[0].is_ip6);
	CU_ASSERT_EQUAL(out[0].flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(out[0].ack, PEER_ISS + 1);
	CU_ASSERT_EQUAL(out[0].opt.mss, 1440);
	/* The handshake completes; the app sees IPv6 endpoints. */
	{
		struct tcp_seg a = seg(TCP_F_ACK, PEER_ISS + 1, c->iss + 1, NULL, 0);
		struct vn_session_ep le, re;
		tcp_input_conn(w, c, &a);
		CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
		CU_ASSERT_EQUAL(ev.accepts, 1);
		vn_session_endpoints((struct vn_session *)c, &le, &re);
		CU_ASSERT(le.is_ip6 && re.is_ip6);
		CU_ASSERT(vn_ip6_eq(&le.addr.ip6, &L6) && vn_ip6_eq(&re.addr.ip6, &R6));
		CU_ASSERT(le.port == LPORT && re.port == RPORT);
	}
	tcp_conn_abort(w, c);
	loop();
	CU_ASSERT(out[n_out - 1].is_ip6 && (out[n_out - 1].flags & TCP_F_RST));
	CU_ASSERT_PTR_NULL(tcp_conn_lookup(w, TUP6(L6, LPORT, R6, RPORT)));
	n_out = 0;
}

/* A reset to an IPv6 segment that came with an extension header: the
 * header is not carried back, addresses and ports are swapped. */
static void
test_ip6_reset(void)
{
	struct rte_mbuf *m = seg6(&R6, &L6, RPORT, 7, TCP_F_SYN, 7000, "");
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *th;
	uint8_t *p;

	/* Insert 8 bytes of destination options (next header TCP, PadN) after
	 * the IPv6 header. */
	p = (uint8_t *)rte_pktmbuf_append(m, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p + 48, p + 40, 20);
	memcpy(p + 40, (const uint8_t[8]){IPPROTO_TCP, 0, 1, 4, 0, 0, 0, 0}, 8);
	ip = (struct rte_ipv6_hdr *)p;
	ip->proto = VN_IP6_NH_DEST_OPTS;
	ip->payload_len = rte_cpu_to_be_16(28);
	CU_ASSERT_TRUE(tcp_make_reset6(m, 48));
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	th = (struct rte_tcp_hdr *)(ip + 1);
	CU_ASSERT_EQUAL(m->pkt_len, 60);
	CU_ASSERT_EQUAL(ip->proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 20);
	CU_ASSERT(memcmp(ip->src_addr, L6.b, 16) == 0 && memcmp(ip->dst_addr, R6.b, 16) == 0);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(th->src_port), 7);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(th->dst_port), RPORT);
	CU_ASSERT_EQUAL(th->tcp_flags, TCP_F_RST | TCP_F_ACK);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(th->recv_ack), 7001);
	tcp_checksum6(m);
	CU_ASSERT_EQUAL(vn_ip6_l4_cksum(ip, th, 20, IPPROTO_TCP), 0);
	rte_pktmbuf_free(m);
	m = seg6(&R6, &L6, RPORT, 7, TCP_F_RST, 7000, "");
	CU_ASSERT_FALSE(tcp_make_reset6(m, 40));
	rte_pktmbuf_free(m);
}

/* A packet too big (RFC 8201) from router rt quoting our segment seq of
 * L6:LPORT -> R6:RPORT, reporting mtu; icmp_type to make a wrong one. */
static uint32_t
too_big(uint8_t *p, uint8_t icmp_type, uint32_t seq, uint32_t mtu)
{
	static const struct vn_ip6 rt = {{0x20, 0x01, 0x0d, 0xb8, 0, 9, [15] = 1}};
	struct rte_ipv6_hdr *o = (struct rte_ipv6_hdr *)p, *q;
	uint8_t *icmp = p + 40, *th;

	memset(p, 0, 40 + 8 + 40 + 20);
	*o = (struct rte_ipv6_hdr){.vtc_flow = rte_cpu_to_be_32(6u << 28),
				   .payload_len = rte_cpu_to_be_16(8 + 40 + 20),
				   .proto = VN_IP6_NH_ICMP6,
				   .hop_limits = 64};
	memcpy(o->src_addr, rt.b, 16);
	memcpy(o->dst_addr, L6.b, 16);
	icmp[0] = icmp_type;
	*(rte_be32_t *)(icmp + 4) = rte_cpu_to_be_32(mtu);
	q = (struct rte_ipv6_hdr *)(icmp + 8);
	*q = (struct rte_ipv6_hdr){.vtc_flow = rte_cpu_to_be_32(6u << 28),
				   .payload_len = rte_cpu_to_be_16(1420),
				   .proto = IPPROTO_TCP,
				   .hop_limits = 64};
	memcpy(q->src_addr, L6.b, 16);
	memcpy(q->dst_addr, R6.b, 16);
	th = (uint8_t *)(q + 1);
	*(struct rte_tcp_hdr *)th = (struct rte_tcp_hdr){.src_port = rte_cpu_to_be_16(LPORT),
							 .dst_port = rte_cpu_to_be_16(RPORT),
							 .sent_seq = rte_cpu_to_be_32(seq),
							 .data_off = 5 << 4};
	return 40 + 8 + 40 + 20;
}

/* Path MTU discovery: a packet too big quoting a segment in flight lowers
 * the MSS to MTU - 60 and sends the flight again in segments that fit;
 * one quoting what is not in flight, or an MTU that is not lower, changes
 * nothing; an MTU below 1280 counts as 1280. */
static void
test_ip6_too_big(void)
{
	struct tcp_listener l6 = {.addr.ip6 = L6, .port = LPORT, .is_ip6 = true,
				  .app = (uint32_t)app};
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	static uint8_t data[10000], pkt[256];
	struct tcp_tuple t;
	struct tcp_conn *c;
	uint32_t len, seq, mtu, first;

	n_out = 0;
	ev = (typeof(ev)){0};
	s.has_mss = true;
	s.mss = 1460;
	s.wnd = 65535;
	c = tcp_input_listen(w, &l6, TUP6(L6, LPORT, R6, RPORT), &s, 1500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	loop();
	s = seg(TCP_F_ACK, PEER_ISS + 1, c->iss + 1, NULL, 0);
	s.wnd = 65535;
	tcp_input_conn(w, c, &s);
	CU_ASSERT_EQUAL_FATAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(c->snd_mss, 1440);
	CU_ASSERT_EQUAL(vn_session_write((struct vn_session *)c, data, sizeof(data)), sizeof(data));
	first = n_out;
	loop();
	CU_ASSERT_FATAL(n_out > first);
	CU_ASSERT_EQUAL(out[first].len, 1440);
	CU_ASSERT(seq_gt(c->snd_max, c->snd_una + 1440));

	/* The quote parses back to the connection's tuple. */
	len = too_big(pkt, VN_ICMP6_PACKET_TOO_BIG, c->snd_una + 1440, 1280);
	CU_ASSERT_EQUAL_FATAL(tcp6_too_big_parse(pkt, len, &t, &seq, &mtu), 0);
	CU_ASSERT(t.is_ip6 && vn_ip6_eq(&t.laddr.ip6, &L6) && vn_ip6_eq(&t.raddr.ip6, &R6));
	CU_ASSERT(t.lport == LPORT && t.rport == RPORT && mtu == 1280);
	CU_ASSERT_PTR_EQUAL(tcp_conn_lookup(w, &t), c);
	/* Every truncation: refused until the quote holds the TCP ports and
	 * sequence number (96 bytes), parsed from there on. */
	for (uint32_t n = 0; n <= len; n++) {
		struct tcp_tuple t2;
		uint32_t seq2, mtu2;
		CU_ASSERT_EQUAL(tcp6_too_big_parse(pkt, n, &t2, &seq2, &mtu2), n < 96 ? -1 : 0);
	}
	too_big(pkt, VN_ICMP6_DEST_UNREACH, c->snd_una, 1280);
	CU_ASSERT_EQUAL(tcp6_too_big_parse(pkt, len, &t, &seq, &mtu), -1);

	/* Not in flight (blind): nothing. */
	CU_ASSERT_FALSE(tcp_conn_too_big(w, c, c->snd_max, 1280));
	CU_ASSERT_FALSE(tcp_conn_too_big(w, c, c->snd_una - 1, 1280));
	CU_ASSERT_FALSE(tcp_conn_too_big(w, c, c->snd_una, 1500)); /* not lower */
	CU_ASSERT_EQUAL(c->snd_mss, 1440);
	/* In flight: MSS 1220, the flight again from SND.UNA in 1220-byte segments. */
	CU_ASSERT_TRUE(tcp_conn_too_big(w, c, seq, 900)); /* below 1280: 1280 */
	CU_ASSERT_EQUAL(c->snd_mss, 1220);
	CU_ASSERT_EQUAL(c->snd_nxt, c->snd_una);
	first = n_out;
	loop();
	CU_ASSERT_FATAL(n_out > first);
	CU_ASSERT_EQUAL(out[first].seq, c->snd_una);
	for (uint32_t i = first; i < n_out; i++)
		CU_ASSERT(out[i].len <= 1220);
	CU_ASSERT_FALSE(tcp_conn_too_big(w, c, c->snd_una, 1280)); /* already there */
	tcp_conn_abort(w, c);
	loop();
	n_out = 0;
}

/* A SYN cookie over IPv6: a SYN-ACK with an IPv6 header and the IPv6 MSS,
 * no state; its ACK opens an IPv6 connection; a forged one does not. */
static void
test_ip6_cookie_connection(void)
{
	struct tcp_listener l6 = {.addr.ip6 = L6, .port = LPORT, .is_ip6 = true,
				  .app = (uint32_t)app};
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	const struct out_seg *o;
	struct tcp_conn *c;
	uint32_t cookie, n0 = w->n_conns;

	n_out = 0;
	ev = (typeof(ev)){0};
	s.has_mss = true;
	s.mss = 1460;
	tcp_syn_cookie_send(w, TUP6(L6, LPORT, R6, RPORT), &s, 1500, 0);
	tcp_worker_flush(w);
	CU_ASSERT_EQUAL(w->n_conns, n0); /* no state */
	o = last();
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(o->is_ip6);
	CU_ASSERT_EQUAL(o->flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(o->opt.mss, 1440); /* 1500 - 60, the cookie table's entry */
	cookie = o->seq;
	s = seg(TCP_F_ACK, PEER_ISS + 1, cookie + 2, NULL, 0);
	CU_ASSERT_PTR_NULL(tcp_syn_cookie_check(w, &l6, TUP6(L6, LPORT, R6, RPORT), &s, 0));
	s = seg(TCP_F_ACK, PEER_ISS + 1, cookie + 1, NULL, 0);
	/* The same cookie from another IPv6 source: refused. */
	CU_ASSERT_PTR_NULL(tcp_syn_cookie_check(w, &l6, TUP6(L6, LPORT, L6, RPORT), &s, 0));
	c = tcp_syn_cookie_check(w, &l6, TUP6(L6, LPORT, R6, RPORT), &s, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(c->is_ip6);
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(c->snd_mss, 1440);
	CU_ASSERT_PTR_EQUAL(tcp_conn_lookup(w, TUP6(L6, LPORT, R6, RPORT)), c);
	tcp_conn_abort(w, c);
	loop();
	n_out = 0;
}

/* Listeners by family: 0.0.0.0 takes IPv4 only and :: IPv6 only; an exact
 * address wins over the family's any; each is its own listener. */
static void
test_ip6_listeners(void)
{
	struct vn_session_ep any4 = vn_session_ep4(0, 8081);
	struct vn_session_ep any6 = vn_session_ep6(&(struct vn_ip6){{0}}, 8081);
	struct vn_session_ep l6 = vn_session_ep6(&L6, 8081);
	const struct tcp_listener *l;

	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, &any4), 0);
	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, &any4), -EADDRINUSE);
	CU_ASSERT_PTR_NULL(tcp_listener_find(TUP6(L6, 8081, R6, 1))); /* IPv4 only */
	l = tcp_listener_find(TUP(LADDR, 8081, RADDR, 1));
	CU_ASSERT(l && !l->is_ip6);
	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, &any6), 0);
	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, &l6), 0);
	l = tcp_listener_find(TUP6(L6, 8081, R6, 1));
	CU_ASSERT(l && l->is_ip6 && vn_ip6_eq(&l->addr.ip6, &L6));
	l = tcp_listener_find(TUP6(R6, 8081, L6, 1));
	CU_ASSERT(l && l->is_ip6 && vn_ip6_is_unspecified(&l->addr.ip6));
	CU_ASSERT_PTR_NULL(tcp_listener_find(TUP6(L6, 8082, R6, 1)));
	CU_ASSERT_EQUAL(vn_session_unlisten((uint32_t)app + 1, &l6), -ENOENT); /* not its */
	CU_ASSERT_EQUAL(vn_session_unlisten((uint32_t)app, &l6), 0);
	CU_ASSERT_EQUAL(vn_session_unlisten((uint32_t)app, &any6), 0);
	CU_ASSERT_PTR_NULL(tcp_listener_find(TUP6(L6, 8081, R6, 1)));
	CU_ASSERT_PTR_NOT_NULL(tcp_listener_find(TUP(LADDR, 8081, RADDR, 1)));
	CU_ASSERT_EQUAL(vn_session_unlisten((uint32_t)app, &any4), 0);
	CU_ASSERT_PTR_NULL(tcp_listener_find(TUP(LADDR, 8081, RADDR, 1)));
	any6.port = 0;
	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, &any6), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_listen((uint32_t)app, NULL), -EINVAL);
}

/* SYN cookies and ISNs over IPv6 cover all 128 bits of each address. */
static void
test_ip6_cookie_isn(void)
{
	uint64_t t = 10 * 64000 + 5;
	struct vn_ip6 r2 = R6;
	uint32_t c = tcp_cookie_make(TUP6(L6, LPORT, R6, RPORT), PEER_ISS, t, 4);

	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP6(L6, LPORT, R6, RPORT), PEER_ISS, t, c), 4);
	r2.b[13] ^= 1; /* in the address's last 64 bits */
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP6(L6, LPORT, r2, RPORT), PEER_ISS, t, c), -1);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP6(L6, LPORT, R6, RPORT + 1), PEER_ISS, t, c), -1);
	/* An IPv4 tuple never verifies an IPv6 cookie. */
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t, c), -1);
	CU_ASSERT_NOT_EQUAL(tcp_isn(TUP6(L6, 1, R6, 2)) - tcp_isn(TUP6(L6, 1, r2, 2)), 0);
}

static void
test_isn(void)
{
	uint32_t a = tcp_isn(TUP(LADDR, 1, RADDR, 2)), b = tcp_isn(TUP(LADDR, 1, RADDR, 3));
	uint32_t a2;

	rte_delay_us_block(400);
	a2 = tcp_isn(TUP(LADDR, 1, RADDR, 2));
	/* The same 4-tuple moves with the 4 us clock; another one is elsewhere. */
	CU_ASSERT(a2 - a >= 100 && a2 - a < 100000);
	CU_ASSERT_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(tcp_mss_for_mtu(1500, false), 1460);
	CU_ASSERT(tcp_mss_for_mtu(9000, false) < 2048);
}

static void
test_cookie_arithmetic(void)
{
	uint64_t t = 10 * 64000 + 5;
	uint32_t c = tcp_cookie_make(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t, 5);

	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t, c), 5);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t + 64000, c), 5);
	/* Too old, another peer ISN, another port, a flipped bit: refused. */
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t + 128000, c), -1);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS + 1, t, c), -1);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT + 1), PEER_ISS, t, c), -1);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t, c ^ 0x100), -1);
	CU_ASSERT_EQUAL(tcp_cookie_verify(TUP(LADDR, LPORT, RADDR, RPORT), PEER_ISS, t, c ^ 1), -1);
}

static void
test_cookie_connection(void)
{
	struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
	const struct out_seg *o;
	struct tcp_conn *c;
	uint32_t cookie, tsval;

	reset_all();
	s.has_mss = true;
	s.mss = 1460;
	s.has_ws = true;
	s.ws = 9;
	s.has_sack_perm = true;
	s.has_ts = true;
	s.tsval = 5555;
	tcp_syn_cookie_send(w, TUP(LADDR, LPORT, RADDR, RPORT), &s, 1500, 0);
	tcp_worker_flush(w);
	CU_ASSERT_EQUAL(w->n_conns, 0); /* no state */
	o = last();
	CU_ASSERT_EQUAL_FATAL(o->flags, TCP_F_SYN | TCP_F_ACK);
	CU_ASSERT_EQUAL(o->ack, PEER_ISS + 1);
	CU_ASSERT(o->opt.has_ws && o->opt.has_sack_perm && o->opt.has_ts && o->opt.mss == 1460);
	CU_ASSERT_EQUAL(o->opt.tsecr, 5555);
	cookie = o->seq;
	tsval = o->opt.tsval;
	CU_ASSERT_EQUAL(tsval & 0xf, 9);
	CU_ASSERT(tsval & 16);
	CU_ASSERT(tsval <= (uint32_t)w->now_ms); /* never ahead of our clock */
	/* A forged ACK: no connection. */
	s = seg(TCP_F_ACK, PEER_ISS + 1, cookie + 2, NULL, 0);
	CU_ASSERT_PTR_NULL(tcp_syn_cookie_check(w, &listener, TUP(LADDR, LPORT, RADDR, RPORT), &s, 0));
	/* The real one: established, the options restored. */
	s = seg(TCP_F_ACK, PEER_ISS + 1, cookie + 1, NULL, 0);
	s.has_ts = true;
	s.tsval = 5556;
	s.tsecr = tsval;
	c = tcp_syn_cookie_check(w, &listener, TUP(LADDR, LPORT, RADDR, RPORT), &s, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ev.accepts, 1);
	CU_ASSERT_EQUAL(c->snd_mss, 1460);
	CU_ASSERT_EQUAL(c->snd_wscale, 9);
	CU_ASSERT(c->flags & TCP_CF_SACK);
	CU_ASSERT(c->flags & TCP_CF_TS);
	CU_ASSERT_EQUAL(c->snd_wnd, 1000u << 9);
	CU_ASSERT_EQUAL(c->rcv_nxt, PEER_ISS + 1);
	CU_ASSERT_EQUAL(c->snd_una, cookie + 1);
	CU_ASSERT_EQUAL(w->n_half_open, 0);
}

static void
test_keepalive(void)
{
	struct tcp_conn *c;
	uint32_t iss, before;

	CU_ASSERT_EQUAL(vn_tcp_set("keepalive-idle-ms", 1000), 0);
	CU_ASSERT_EQUAL(vn_tcp_set("keepalive-interval-ms", 100), 0);
	CU_ASSERT_EQUAL(vn_tcp_set("keepalive-probes", 3), 0);
	reset_all();
	iss = establish(false);
	c = conn();
	CU_ASSERT_NOT_EQUAL_FATAL(c->timer[TCP_TIMER_KEEP], 0);
	before = n_out;
	advance_ms(999);
	CU_ASSERT_EQUAL(n_out, before);
	advance_ms(1);
	CU_ASSERT_EQUAL(n_out, before + 1);
	CU_ASSERT_EQUAL(last()->flags, TCP_F_ACK);
	CU_ASSERT_EQUAL(last()->seq, iss); /* one below snd_una */
	/* The peer answers: quiet again for a whole idle time. */
	input(seg(TCP_F_ACK, PEER_ISS + 1, iss + 1, NULL, 0));
	before = n_out;
	advance_ms(999);
	CU_ASSERT_EQUAL(n_out, before);
	/* Silence: three probes 100 ms apart, then the reset. */
	advance_ms(1);
	CU_ASSERT_EQUAL(n_out, before + 1);
	advance_ms(200);
	CU_ASSERT_EQUAL(n_out, before + 3);
	CU_ASSERT_EQUAL(ev.reset, 0);
	advance_ms(100);
	CU_ASSERT_EQUAL(ev.reset, 1);
	CU_ASSERT_EQUAL(last()->flags & TCP_F_RST, TCP_F_RST);
	CU_ASSERT_PTR_NULL(conn());
	vn_tcp_set("keepalive-idle-ms", 0);
	vn_tcp_set("keepalive-interval-ms", 75000);
	vn_tcp_set("keepalive-probes", 9);
}

/* CUBIC after a loss at 100 segments: from 70, concave up to W_max by K =
 * cbrt(30 / 0.4) = 4.2 s, convex beyond; fast convergence below W_max. */
static void
test_cubic(void)
{
	struct tcp_conn *c;
	uint32_t mss, at_half = 0, at_k = 0, at_2k = 0;

	CU_ASSERT_EQUAL(vn_tcp_set("congestion-control", TCP_CC_CUBIC), 0);
	reset_all();
	establish(false);
	c = conn();
	CU_ASSERT_EQUAL(c->cc, TCP_CC_CUBIC);
	mss = c->snd_mss;
	c->cwnd = 100 * mss;
	c->snd_max = c->snd_una + 100 * mss; /* a full window in flight */
	tcp_conn_loss_ssthresh(c);
	CU_ASSERT_EQUAL(c->cubic_w_max, 100 * mss);
	CU_ASSERT_EQUAL(c->ssthresh, 70 * mss);
	c->cwnd = c->ssthresh;
	c->snd_max = c->snd_una;
	/* One window acknowledged per 100 ms round trip. */
	for (uint32_t step = 1; step <= 85; step++) {
		w->now_ms += 100;
		tcp_cubic_ack(w, c, c->cwnd);
		if (step == 21)
			at_half = c->cwnd;
		if (step == 43)
			at_k = c->cwnd;
		if (step == 85)
			at_2k = c->cwnd;
	}
	/* Concave: near W_max already at K/2, far faster than Reno's 70 + 21. */
	CU_ASSERT(at_half > 94 * mss && at_half < 100 * mss);
	CU_ASSERT(at_k >= 99 * mss && at_k <= 101 * mss);
	CU_ASSERT(at_2k > 125 * mss && at_2k < 135 * mss);
	/* A loss below the last maximum releases more (fast convergence). */
	c->cubic_w_max = 200 * mss;
	c->cwnd = 100 * mss;
	tcp_conn_loss_ssthresh(c);
	CU_ASSERT_EQUAL(c->cubic_w_max, 85 * mss);
	CU_ASSERT_EQUAL(vn_tcp_set("congestion-control", TCP_CC_NEWRENO), 0);
}

static void
test_settings(void)
{
	uint32_t old = tcp_cfg.rx_fifo;

	CU_ASSERT_EQUAL(vn_tcp_set("rx-fifo-size", 100000), -ERANGE); /* not a power of two */
	CU_ASSERT_EQUAL(vn_tcp_set("rx-fifo-size", 1024), -ERANGE); /* too small */
	CU_ASSERT_EQUAL(vn_tcp_set("no-such-setting", 1), -ENOENT);
	CU_ASSERT_EQUAL(vn_tcp_set("rto-min-ms", tcp_cfg.rto_max_ms + 1), -ERANGE);
	CU_ASSERT_EQUAL(vn_tcp_set("rx-fifo-size", 1u << 18), 0);
	CU_ASSERT_EQUAL(tcp_cfg.rx_fifo, 1u << 18);
	/* A new connection gets the new FIFO, and a shift that offers it whole. */
	reset_all();
	establish(false);
	CU_ASSERT_EQUAL(conn()->rx.size, 1u << 18);
	CU_ASSERT_EQUAL(conn()->rcv_wscale, 3);
	CU_ASSERT_EQUAL(vn_tcp_set("rx-fifo-size", old), 0);
}

/* tcp.max-connections sizes a thread's table when its stack attaches; a
 * passive open beyond it is refused (tcp4-input counts "tcp connection
 * table full"), an active one reports -ENOMEM and is counted. */
static void
test_max_connections(void)
{
	const uint32_t thread = THREAD + 1, old = tcp_cfg.max_conns;
	struct tcp_worker *w2;
	struct session_request *r;
	uint32_t i;

	memset(&ev, 0, sizeof(ev));
	tcp_cfg.max_conns = 16;
	w2 = tcp_worker_attach(thread);
	tcp_cfg.max_conns = old;
	CU_ASSERT_PTR_NOT_NULL_FATAL(w2);
	w2->flush = free_flush;
	CU_ASSERT_EQUAL(w2->pool_size, 16);
	for (i = 0; i < 16; i++) {
		struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
		CU_ASSERT_PTR_NOT_NULL(tcp_input_listen(
			w2, &listener, TUP(LADDR, LPORT, RADDR, (uint16_t)(RPORT + i)), &s, 1500));
	}
	{
		struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
		CU_ASSERT_PTR_NULL(tcp_input_listen(
			w2, &listener, TUP(LADDR, LPORT, RADDR, (uint16_t)(RPORT + i)), &s, 1500));
	}
	CU_ASSERT_EQUAL(w2->n_conns, 16);
	/* The engine's own open: refused, counted, the app told. */
	r = calloc(1, sizeof(*r));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	*r = (struct session_request){.type = SESSION_REQ_CONNECT, .app = (uint32_t)app,
				      .local.addr.ip4 = LADDR, .remote = vn_session_ep4(RADDR, 8080),
				      .mtu = 1500};
	session_request_run(w2, r);
	CU_ASSERT_EQUAL(w2->stats[TCP_STAT_CONNECT_TABLE_FULL], 1);
	CU_ASSERT_EQUAL(ev.connected, 1);
	CU_ASSERT_EQUAL(ev.connect_err, -ENOMEM);
	CU_ASSERT_PTR_NULL(ev.s);
	/* A freed slot takes a new connection again. */
	tcp_conn_abort(w2, w2->pool[3]);
	tcp_reap(w2);
	{
		struct tcp_seg s = seg(TCP_F_SYN, PEER_ISS, 0, NULL, 0);
		CU_ASSERT_PTR_NOT_NULL(tcp_input_listen(
			w2, &listener, TUP(LADDR, LPORT, RADDR, (uint16_t)(RPORT + 100)), &s, 1500));
	}
	tcp_worker_detach(thread);
	memset(&ev, 0, sizeof(ev));
}

/* show session on a worker: the worker copies its connections (of one
 * state) into the request; the last of the two holders frees it. */
static struct session_request *
snapshot_req(uint32_t state, uint32_t max)
{
	struct session_request *r = calloc(1, sizeof(*r));

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	*r = (struct session_request){.type = SESSION_REQ_SNAPSHOT, .refs = 2, .state = state,
				      .max = max, .conns = calloc(max + 1, sizeof(struct tcp_conn))};
	return r;
}

static void
test_snapshot(void)
{
	struct session_request *r;

	reset_all();
	establish(false);
	r = snapshot_req(UINT32_MAX, 4);
	session_request_run(w, r);
	CU_ASSERT_EQUAL(r->refs, 1); /* the worker let go: ours to read */
	CU_ASSERT_EQUAL(r->n, 1);
	CU_ASSERT_EQUAL(r->n_match, 1);
	CU_ASSERT_EQUAL(r->conns[0].state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(r->conns[0].lport, LPORT);
	CU_ASSERT_EQUAL(r->conns[0].rport, RPORT);
	free(r->conns);
	free(r);
	/* A state filter; and more connections than room. */
	r = snapshot_req(TCP_SYN_SENT, 4);
	session_request_run(w, r);
	CU_ASSERT_EQUAL(r->n_match, 0);
	free(r->conns);
	free(r);
	CU_ASSERT_PTR_NOT_NULL(tcp_connect(w, (uint32_t)app, 1, TUP(LADDR, 0, RADDR, 8080), 1500));
	CU_ASSERT_PTR_NOT_NULL(tcp_connect(w, (uint32_t)app, 2, TUP(LADDR, 0, RADDR, 8080), 1500));
	r = snapshot_req(UINT32_MAX, 2);
	session_request_run(w, r);
	CU_ASSERT_EQUAL(r->n, 2);
	CU_ASSERT_EQUAL(r->n_match, 3);
	free(r->conns);
	free(r);
	/* The command gave up first (timeout): the worker frees it. */
	r = snapshot_req(UINT32_MAX, 4);
	r->refs = 1;
	session_request_run(w, r); /* ASan would see a leak or a double free */
	reset_all();
}

/* A segment a connection took is recorded again after processing; that
 * record prints the connection's state, the first the header. */
static void
test_trace_state(void)
{
	struct vn_trace_rec r = {0};
	struct vn_trace_meta *tm = (struct vn_trace_meta *)r.opaque;
	struct rte_mbuf *m = wire_seg(TCP_F_SYN | TCP_F_ACK, 7000, 1, 0);
	char text[512];

	r.data_len = 40;
	memcpy(r.data, rte_pktmbuf_mtod(m, void *), 40);
	rte_pktmbuf_free(m);
	CU_ASSERT(tcp_trace_format(text, sizeof(text), &r, NULL) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "tcp: 40000 -> 80 SYN ACK seq 7000 ack 1"));
	CU_ASSERT_PTR_NULL(strstr(text, "connection now"));
	tm->meta.user[0] = TCP_TRACE_STATE_MAGIC;
	tm->meta.user[1] = TCP_CLOSE_WAIT;
	CU_ASSERT(tcp_trace_format(text, sizeof(text), &r, NULL) > 0);
	CU_ASSERT_STRING_EQUAL(text, "  tcp: connection now CLOSE_WAIT\n");
	tm->meta.user[1] = 200; /* never crashes on a bad record */
	CU_ASSERT(tcp_trace_format(text, sizeof(text), &r, NULL) > 0);
}

/* URIs and application names of tcp.listen, tcp.connect and Lua. */
static void
test_uri_and_app_names(void)
{
	struct vn_session_ep ep;
	struct vn_ip6 a6;
	char buf[VN_SESSION_EP_STRLEN];
	int echo;

	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1/80", &ep), 0);
	CU_ASSERT_EQUAL(ep.addr.ip4, LADDR);
	CU_ASSERT_EQUAL(ep.port, 80);
	CU_ASSERT_FALSE(ep.is_ip6);
	CU_ASSERT_STRING_EQUAL(vn_session_fmt_ep(&ep, buf), "10.0.0.1:80");
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://0.0.0.0/65535", &ep), 0);
	CU_ASSERT_EQUAL(ep.port, 65535);
	CU_ASSERT(vn_session_ep_is_any(&ep));
	/* IPv6: VPP's form, the bracketed one, and :: (any IPv6 address). */
	CU_ASSERT_EQUAL(vn_parse_ip6("2001:db8::1", &a6), 0);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://2001:db8::1/80", &ep), 0);
	CU_ASSERT(ep.is_ip6);
	CU_ASSERT(vn_ip6_eq(&ep.addr.ip6, &a6));
	CU_ASSERT_EQUAL(ep.port, 80);
	CU_ASSERT_STRING_EQUAL(vn_session_fmt_ep(&ep, buf), "[2001:db8::1]:80");
	memset(&ep, 0xff, sizeof(ep));
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[2001:db8::1]/8080", &ep), 0);
	CU_ASSERT(ep.is_ip6 && vn_ip6_eq(&ep.addr.ip6, &a6) && ep.port == 8080);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://::/80", &ep), 0);
	CU_ASSERT(ep.is_ip6 && vn_session_ep_is_any(&ep));
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[::]/443", &ep), 0);
	CU_ASSERT(ep.is_ip6 && vn_session_ep_is_any(&ep) && ep.port == 443);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://::ffff:10.0.0.1/80", &ep), 0);
	CU_ASSERT(ep.is_ip6); /* a mapped address is an IPv6 endpoint */
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://2001:db8::1:80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[2001:db8::1]:80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[2001:db8::1/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://2001:db8::1]/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[10.0.0.1]/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://2001:db8:::1/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://fe80::1%eth0/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://2001:db8::1/0", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp:///80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://[]/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("udp://10.0.0.1/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1/", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1/0", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1/65536", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0/80", &ep), -EINVAL);
	CU_ASSERT_EQUAL(vn_session_parse_uri("tcp://10.0.0.1/80x", &ep), -EINVAL);
	/* Registered apps by name; the built-in servers on first use. */
	CU_ASSERT_EQUAL(vn_session_app_lookup("test"), app);
	CU_ASSERT_EQUAL(vn_app_find("echo-server"), -ENOENT);
	echo = vn_session_app_lookup("echo-server");
	CU_ASSERT(echo >= 0);
	CU_ASSERT_EQUAL(vn_app_find("echo-server"), echo);
	CU_ASSERT_EQUAL(vn_session_app_lookup("echo-server"), echo);
	CU_ASSERT(vn_session_app_lookup("discard-server") >= 0);
	CU_ASSERT_EQUAL(vn_session_app_lookup("echo-client"), -ENOENT);
	CU_ASSERT_EQUAL(vn_session_app_lookup("no-such-app"), -ENOENT);
}

/* A bare ACK's sequence number is one the peer takes (RFC 9293 3.10.7.4:
 * RCV.NXT =< SEG.SEQ, and with a shut window SEG.SEQ = RCV.NXT): the highest
 * sent, not SND.NXT after a timeout went back, and not past a shut window
 * after a zero-window probe. Two of our stacks whose ACKs the other refused
 * waited for each other for ever (the tcp bench's stalled connection). */
static void
test_bare_ack_seq(void)
{
	uint8_t data[3000] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, seq = PEER_ISS + 1;

	reset_all();
	iss = establish_opts(false, false); /* no SACK: no tail loss probe first */
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 3);
	advance_ms(c->rto); /* go back N: the first segment again */
	CU_ASSERT_EQUAL(c->snd_nxt, iss + 1 + 1460);
	CU_ASSERT_EQUAL(c->snd_max, iss + 1 + 3000);
	/* The peer has all 3000 (its ACK was lost) and sends data: our ACK
	 * of it says SND.MAX, where the peer's RCV.NXT is. */
	input(seg(TCP_F_ACK, seq, iss + 1, data, 100));
	seq += 100;
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 0);
	CU_ASSERT_EQUAL(last()->ack, seq);
	CU_ASSERT_EQUAL(last()->seq, iss + 1 + 3000);
	/* All acknowledged, the window shut; a probe goes after the RTO. */
	s = seg(TCP_F_ACK, seq, iss + 1 + 3000, NULL, 0);
	s.wnd = 0;
	input(s);
	vn_session_write(ev.s, data, 100);
	CU_ASSERT_EQUAL(loop(), 0);
	advance_ms(c->rto);
	CU_ASSERT_EQUAL(last()->len, 1);
	CU_ASSERT_EQUAL(c->snd_max, iss + 1 + 3001);
	/* Data from the peer (the probe byte not taken): our ACK is at the
	 * shut window's edge, the only sequence number the peer takes. */
	s = seg(TCP_F_ACK, seq, iss + 1 + 3000, data, 100);
	s.wnd = 0;
	input(s);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 0);
	CU_ASSERT_EQUAL(last()->seq, iss + 1 + 3000);
}

/* Our window shut: a segment at RCV.NXT (the peer's zero-window probe) is
 * taken for its ACK, its byte cut, and answered with the shut window. */
static void
test_zero_window_takes_ack(void)
{
	static uint8_t data[1460];
	struct tcp_conn *c;
	uint32_t iss, seq = PEER_ISS + 1, size;
	uint64_t cut = w->stats[TCP_STAT_WND_CUT];

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_write(ev.s, data, 1000); /* in flight, unacknowledged */
	size = c->rx.size;
	for (uint32_t sent = 0; sent < size; sent += sizeof(data)) {
		uint32_t n = VN_MIN((uint32_t)sizeof(data), size - sent);
		input(seg(TCP_F_ACK, seq, iss + 1, data, n));
		seq += n;
	}
	CU_ASSERT_EQUAL(tcp_fifo_free_space(&c->rx), 0);
	loop();
	CU_ASSERT_EQUAL(last()->wnd, 0);
	CU_ASSERT_EQUAL(c->snd_una, iss + 1);
	/* The probe acknowledges our 1000 bytes: what our app waits for to
	 * write more, and read (and so open the window). */
	input(seg(TCP_F_ACK, seq, iss + 1 + 1000, data, 1));
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 1000);
	CU_ASSERT_EQUAL(ev.tx_space, 0); /* the FIFO was never full */
	CU_ASSERT_EQUAL(c->rcv_nxt, seq);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_WND_CUT], cut + 1);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->ack, seq);
	CU_ASSERT_EQUAL(last()->wnd, 0);
	/* One past RCV.NXT is still refused, its ACK unread. */
	input(seg(TCP_F_ACK, seq + 1, iss + 1 + 1000, data, 1));
	CU_ASSERT_EQUAL(c->rcv_nxt, seq);
	CU_ASSERT_EQUAL(w->stats[TCP_STAT_WND_CUT], cut + 1);
}

/* The retransmission that fills the hole below an out-of-order segment is
 * older by SEQ, but it acknowledges new data: its window counts (a shut
 * one here), not the out-of-order segment's from before. */
static void
test_window_from_acking_segment(void)
{
	uint8_t data[3000] = {0};
	struct tcp_conn *c;
	struct tcp_seg s;
	uint32_t iss, seq = PEER_ISS + 1;

	reset_all();
	iss = establish(false);
	c = conn();
	vn_session_write(ev.s, data, sizeof(data));
	CU_ASSERT_EQUAL(loop(), 3);
	input(seg(TCP_F_ACK, seq + 100, iss + 1, data, 100)); /* out of order */
	CU_ASSERT_EQUAL(c->snd_wnd, 1000u << 7);
	s = seg(TCP_F_ACK, seq, iss + 1 + 3000, data, 100); /* the hole */
	s.wnd = 0;
	input(s);
	CU_ASSERT_EQUAL(c->rcv_nxt, seq + 200);
	CU_ASSERT_EQUAL(c->snd_una, iss + 1 + 3000);
	CU_ASSERT_EQUAL(c->snd_wnd, 0);
	/* So nothing goes past the peer's window; a probe will. */
	vn_session_write(ev.s, data, 100);
	CU_ASSERT_EQUAL(loop(), 1);
	CU_ASSERT_EQUAL(last()->len, 0);
	CU_ASSERT_PTR_NOT_NULL(c->timer[TCP_TIMER_RTX]);
}

/* ---- two of our stacks on one worker, over a lossy wire ---- */

/* What the tcp bench does between two engines (the echo client against the
 * echo server over a memif), in simulated time: both ends are connections of
 * this worker, their segments go through a wire that loses some at random
 * and, like a full TX ring, drops what one loop sends beyond wire_ring. */
#define SIM_CONNS 8
#define SIM_SERVER 0x0a000063u /* 10.0.0.99 */
#define SIM_PORT 7

static struct rte_mbuf *wire[OUT_MAX];
static uint32_t n_wire, wire_ring, wire_loss_pm, wire_rand, wire_lost;

static uint32_t
sim_rand(void)
{
	wire_rand = wire_rand * 1103515245u + 12345u;
	return wire_rand >> 8;
}

static void
wire_flush(struct tcp_worker *wk)
{
	for (uint32_t i = 0; i < wk->n_out; i++) {
		if (n_wire < wire_ring) {
			wire[n_wire++] = wk->out[i];
		} else {
			wire_lost++;
			rte_pktmbuf_free(wk->out[i]);
		}
	}
	wk->n_out = 0;
}

/* What tcp4-input does with a segment of ours, checks aside. */
static void
wire_deliver(struct rte_mbuf *m, const struct tcp_listener *l)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint32_t doff = (th->data_off >> 4) * 4u;
	uint32_t src = rte_be_to_cpu_32(ip->src_addr), dst = rte_be_to_cpu_32(ip->dst_addr);
	uint16_t sport = rte_be_to_cpu_16(th->src_port), dport = rte_be_to_cpu_16(th->dst_port);
	struct tcp_seg s = {0};
	struct tcp_conn *c;

	CU_ASSERT_EQUAL(tcp_parse_options((uint8_t *)(th + 1), doff - 20, &s), 0);
	s.flags = th->tcp_flags;
	s.seq = rte_be_to_cpu_32(th->sent_seq);
	s.ack = rte_be_to_cpu_32(th->recv_ack);
	s.wnd = rte_be_to_cpu_16(th->rx_win);
	s.len = rte_be_to_cpu_16(ip->total_length) - 20 - doff;
	s.data = (uint8_t *)th + doff;
	c = tcp_conn_lookup(w, TUP(dst, dport, src, sport));
	if (c)
		tcp_input_conn(w, c, &s);
	else if ((s.flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN && dport == l->port)
		tcp_input_listen(w, l, TUP(dst, dport, src, sport), &s, 1500);
	rte_pktmbuf_free(m);
}

/* One loop of the worker, then the wire: what it carried arrives. */
static void
sim_loop(const struct tcp_listener *l)
{
	struct rte_mbuf *m[OUT_MAX];
	uint32_t n;

	tcp_wheel_advance(&w->wheel, w->now_ms, tcp_timer_expired, w);
	tcp_output_pending(w, 256);
	tcp_worker_flush(w);
	tcp_reap(w);
	n = n_wire;
	memcpy(m, wire, n * sizeof(m[0]));
	n_wire = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (sim_rand() % 1000 < wire_loss_pm) {
			wire_lost++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		wire_deliver(m[i], l);
	}
	tcp_reap(w);
}

/* The echo client: B bytes of a pattern on each connection, every byte of
 * the echo checked, closed when all came back. */
static struct {
	uint32_t bytes;
	uint64_t sent[SIM_CONNS], rcvd[SIM_CONNS];
	bool ok[SIM_CONNS];
	uint32_t n_ok, n_bad, n_reset, n_cleanup;
} sim;

static uint8_t
sim_pattern(uint32_t i, uint64_t off)
{
	return (uint8_t)(off ^ (off >> 8) ^ (off >> 16) ^ (i * 37));
}

static void
sim_send(struct vn_session *s)
{
	uint32_t i = (uint32_t)vn_session_opaque(s);
	uint8_t buf[4096];

	while (sim.sent[i] < sim.bytes) {
		uint32_t n = (uint32_t)VN_MIN(sim.bytes - sim.sent[i], (uint64_t)sizeof(buf)), k;
		for (k = 0; k < n; k++)
			buf[k] = sim_pattern(i, sim.sent[i] + k);
		k = vn_session_write(s, buf, n);
		sim.sent[i] += k;
		if (k < n)
			break;
	}
}

static void
sim_connected(struct vn_session *s, uint64_t opaque, int err)
{
	if (!err)
		sim_send(s);
}

static void
sim_rx(struct vn_session *s)
{
	uint32_t i = (uint32_t)vn_session_opaque(s), n;
	uint8_t buf[4096];

	while ((n = vn_session_read(s, buf, sizeof(buf))) > 0) {
		for (uint32_t k = 0; k < n; k++)
			if (buf[k] != sim_pattern(i, sim.rcvd[i] + k))
				sim.n_bad++;
		sim.rcvd[i] += n;
	}
	if (!sim.ok[i] && sim.rcvd[i] == sim.bytes) {
		sim.ok[i] = true;
		sim.n_ok++;
		vn_session_close(s);
	}
}

static void
sim_reset(struct vn_session *s)
{
	sim.n_reset++;
}

static void
sim_cleanup(struct vn_session *s)
{
	sim.n_cleanup++;
}

static const struct vn_app_cb sim_client_cb = {
	.connected = sim_connected,
	.rx = sim_rx,
	.tx_space = sim_send,
	.reset = sim_reset,
	.cleanup = sim_cleanup,
};

/* Runs SIM_CONNS echo connections of bytes each way; returns the simulated
 * milliseconds they took, or UINT32_MAX when one was still open after
 * limit_ms. */
static uint32_t
sim_run(uint32_t seed, uint32_t bytes, uint32_t loss_pm, uint32_t ring, uint32_t limit_ms)
{
	static int client = -1;
	struct tcp_listener l = {.addr.ip4 = SIM_SERVER, .port = SIM_PORT};
	uint64_t start = w->now_ms;
	uint32_t ms;

	if (client < 0)
		client = vn_app_register("sim-client", &sim_client_cb);
	CU_ASSERT_FATAL(client >= 0);
	l.app = (uint32_t)vn_session_app_lookup("echo-server");
	memset(&sim, 0, sizeof(sim));
	sim.bytes = bytes;
	wire_rand = seed;
	wire_loss_pm = loss_pm;
	wire_ring = ring;
	wire_lost = 0;
	w->flush = wire_flush;
	for (uint32_t i = 0; i < SIM_CONNS; i++)
		CU_ASSERT_PTR_NOT_NULL(
		    tcp_connect(w, (uint32_t)client, i, TUP(LADDR, 0, SIM_SERVER, SIM_PORT), 1500));
	while (sim.n_cleanup < SIM_CONNS && w->now_ms - start < limit_ms) {
		/* Several loops a millisecond, as a polling worker has. */
		for (int k = 0; k < 4; k++)
			sim_loop(&l);
		w->now_ms++;
	}
	ms = (uint32_t)(w->now_ms - start);
	if (sim.n_cleanup < SIM_CONNS) {
		for (uint32_t i = 0; i < w->pool_size; i++) {
			struct tcp_conn *c = w->pool[i];
			if (!c)
				continue;
			printf("\n  %s %u->%u una %u nxt %u max %u wnd %u cwnd %u rcv_nxt %u adv %u"
			       " rx %u/%u tx %u flags %#x timer %d n_rtx %u",
			       tcp_state_names[c->state], c->lport, c->rport, c->snd_una - c->iss,
			       c->snd_nxt - c->iss, c->snd_max - c->iss, c->snd_wnd, c->cwnd,
			       c->rcv_nxt - c->irs, c->rcv_adv - c->rcv_nxt, tcp_fifo_len(&c->rx),
			       c->rx.n_ooo, tcp_fifo_len(&c->tx), c->flags,
			       !!c->timer[TCP_TIMER_RTX], c->n_rtx);
		}
		ms = UINT32_MAX;
	}
	w->flush = capture_flush;
	reset_all();
	return ms;
}

/* The tcp bench's stall: with 1 % loss and a ring that drops bursts, some
 * connection waited for ever for an ACK its peer had sent (and refused the
 * peer's in turn), at the bench's FIFO size and at a smaller one that
 * shuts windows more often. TCP_SIM_RUNS=N runs N seeds of each. */
static void
test_sim_lossy_echo(void)
{
	const uint32_t fifo[] = {1u << 16, 1u << 18};
	uint32_t saved_rx = tcp_cfg.rx_fifo, saved_tx = tcp_cfg.tx_fifo;
	uint32_t saved_tw = tcp_cfg.time_wait_ms;
	const char *env = getenv("TCP_SIM_RUNS");
	uint32_t runs = env ? (uint32_t)atoi(env) : 4;

	reset_all();
	tcp_cfg.time_wait_ms = 100;
	for (uint32_t f = 0; f < RTE_DIM(fifo); f++) {
		tcp_cfg.rx_fifo = tcp_cfg.tx_fifo = fifo[f];
		for (uint32_t seed = 1; seed <= runs; seed++) {
			uint32_t ms = sim_run(seed, 4u << 20, 10, 64, 120000);
			if (ms == UINT32_MAX)
				printf("\n  fifo %u seed %u: stalled (%u ok, %u reset, %u lost)",
				       fifo[f], seed, sim.n_ok, sim.n_reset, wire_lost);
			CU_ASSERT_NOT_EQUAL(ms, UINT32_MAX);
			CU_ASSERT_EQUAL(sim.n_bad, 0);
			CU_ASSERT_EQUAL(sim.n_reset, 0);
		}
	}
	tcp_cfg.rx_fifo = saved_rx;
	tcp_cfg.tx_fifo = saved_tx;
	tcp_cfg.time_wait_ms = saved_tw;
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"fifo: in order, wrapping", test_fifo_in_order_and_wrap},
		{"fifo: out-of-order intervals merge and fill", test_fifo_out_of_order},
		{"fifo: out-of-order interval limit", test_fifo_ooo_limit},
		{"fifo: overlapping segments, the first copy stays", test_fifo_overlap_first_wins},
		{"wheel: expiry, reset before fire, stale handles", test_wheel},
		{"options: parsed, malformed refused", test_options},
		{"passive open: SYN-ACK, options, bad ACK reset", test_passive_open},
		{"passive open refused by the app", test_refused_accept},
		{"data in and out of order, SACK, duplicates", test_data_in_and_out_of_order},
		{"sending: initial window, slow start, ACK of unsent", test_send_and_ack},
		{"sender SWS avoidance", test_sender_sws},
		{"Nagle and no-delay", test_nagle},
		{"RTO: go back N, backoff, Karn", test_rto_and_backoff},
		{"fast retransmit and NewReno recovery (no SACK)", test_fast_retransmit},
		{"sack: scoreboard merge, overlap, range, D-SACK, limit", test_sack_scoreboard},
		{"sack: IsLost and pipe", test_sack_is_lost_and_pipe},
		{"sack: NextSeg rules 1-4 in order", test_sack_next_seg},
		{"sack: recovery retransmits only the holes", test_sack_recovery},
		{"sack: IsLost entry, D-SACK, timeout clears", test_sack_lost_and_timeout},
		{"sack: new data in recovery (NextSeg rule 2)", test_sack_recovery_new_data},
		{"sack: a partial ACK with nothing SACKed above", test_sack_partial_ack},
		{"sack: three duplicates without blocks", test_sack_three_dupacks},
		{"sack: first block is the latest segment's", test_sack_blocks_sent},
		{"tlp: PTO from the SRTT, bounded", test_tlp_pto},
		{"tlp: tail loss probed, its SACK starts recovery", test_tlp_tail_loss},
		{"tlp: new data as the probe, repair halves cwnd", test_tlp_new_data_and_repair},
		{"tlp: a sacked hole at the PTO starts recovery", test_tlp_sacked_hole},
		{"tlp: while closing, the FIN alone", test_tlp_fin},
		{"sack: a loss at recover starts the next recovery", test_sack_recovery_at_recover},
		{"sack: a lost retransmission goes again", test_sack_lost_retransmission},
		{"ack taken from data at a shut window, at the edge", test_ack_at_shut_window},
		{"sack: spurious recovery undone (Eifel), DupThresh grows", test_sack_spurious_undo},
		{"RST and SYN rules (RFC 5961)", test_rst_rules},
		{"segment outside the window", test_outside_window},
		{"receive window: closed, probed, reopened", test_receive_window},
		{"PAWS", test_paws},
		{"passive close", test_passive_close},
		{"active close and TIME_WAIT", test_active_close_time_wait},
		{"simultaneous close", test_simultaneous_close},
		{"half-close: receiving after our FIN, held past the peer's", test_shutdown_half_close},
		{"half-close after the peer's FIN: unread bytes kept", test_shutdown_after_peer_close},
		{"connect from a worker: thread and route checks", test_connect_local_checks},
		{"out-of-order FIN", test_out_of_order_fin},
		{"zero-window probe", test_zero_window_probe},
		{"active open: SYN, retransmission, bad ACK", test_active_open},
		{"active open refused", test_active_open_refused},
		{"simultaneous open", test_simultaneous_open},
		{"reset to a segment without listener", test_reset_to_no_listener},
		{"ISN and MSS", test_isn},
		{"settings: ranges, new connections use them", test_settings},
		{"keepalive: probes after idle, reset after silence", test_keepalive},
		{"CUBIC: concave to W_max at K, convex beyond, fast convergence", test_cubic},
		{"syn cookie: encode, verify, expire", test_cookie_arithmetic},
		{"syn cookie: a connection from the ACK alone", test_cookie_connection},
		{"max-connections: table size, full table refuses", test_max_connections},
		{"uris and application names", test_uri_and_app_names},
		{"ipv6: checksum over the pseudo-header, known vectors", test_ip6_checksum_vector},
		{"ipv6: connection table, passive open, MSS", test_ip6_conn_table},
		{"ipv6: reset past an extension header", test_ip6_reset},
		{"ipv6: syn cookies and ISNs cover the whole address", test_ip6_cookie_isn},
		{"ipv6: a connection from a syn cookie", test_ip6_cookie_connection},
		{"ipv6: listeners by family", test_ip6_listeners},
		{"ipv6: packet too big lowers the MSS of a segment in flight", test_ip6_too_big},
		{"show session: a worker's snapshot", test_snapshot},
		{"trace: the connection's state after a segment", test_trace_state},
		{"bare ACK: at SND.MAX, within the peer's window", test_bare_ack_seq},
		{"shut window: a probe's ACK is taken", test_zero_window_takes_ack},
		{"window from a segment that acks new data", test_window_from_acking_segment},
		{"two stacks over a lossy wire: every echo completes", test_sim_lossy_echo},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"tcp", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}

/*
 * SYN cookies (RFC 4987): when a worker holds tcp_cfg.half_open_max passive
 * connections in SYN_RCVD, a SYN gets a SYN-ACK and no state. Its ISN is
 * the cookie:
 *
 *   bits 31..8  SipHash(secret, 4-tuple, the peer's ISN, bits 7..0) >> 40
 *   bits  7..3  time slot: now / 64 s, 5 bits (a cookie is good for 2 slots)
 *   bits  2..0  index of the MSS in tcp_cookie_mss
 *
 * and, when the peer sent timestamps, the low 6 bits of our TSval carry the
 * rest of the SYN's options (as Linux does): bits 3..0 the peer's window
 * shift (15: none), bit 4 SACK permitted. The peer's ACK echoes both (its
 * ACK number is the cookie + 1, its TSecr our TSval), so the connection is
 * made from the ACK alone. Without timestamps, window scaling and SACK are
 * lost for that connection (RFC 4987 3.6).
 */
#include <rte_random.h>
#include <string.h>

#include "tcp/tcp_priv.h"

#define COOKIE_SLOT_MS 64000
#define COOKIE_WS_NONE 15

const uint16_t tcp_cookie_mss[8] = {536, 1200, 1360, 1400, 1440, 1460, 4312, 8960};

static uint64_t cookie_key[2];

/* Covers the 4-tuple, the peer's ISN and the cookie's own low bits (slot
 * and MSS index), so none of them can be changed without the hash failing. */
static uint32_t
cookie_hash(const struct tcp_tuple *t, uint32_t peer_isn, uint32_t low)
{
	uint64_t words[6];
	uint32_t n = tcp_tuple_words(t, words);

	/* The ports' word (last) carries the peer's ISN too; IPv4 hashes the
	 * same three words as before IPv6. */
	words[n - 1] = (uint64_t)t->lport << 48 | (uint64_t)t->rport << 32 | peer_isn;
	words[n] = low;
	if (!cookie_key[0] && !cookie_key[1]) {
		cookie_key[0] = rte_rand();
		cookie_key[1] = rte_rand() | 1;
	}
	return (uint32_t)(tcp_siphash(cookie_key, words, n + 1, (n + 1) * 8) >> 40);
}

uint32_t
tcp_cookie_make(const struct tcp_tuple *t, uint32_t peer_isn, uint64_t now_ms, uint32_t mss_idx)
{
	uint32_t slot = (uint32_t)(now_ms / COOKIE_SLOT_MS) & 0x1f;

	uint32_t low = slot << 3 | (mss_idx & 7);

	return cookie_hash(t, peer_isn, low) << 8 | low;
}

int
tcp_cookie_verify(const struct tcp_tuple *t, uint32_t peer_isn, uint64_t now_ms, uint32_t cookie)
{
	uint32_t now_slot = (uint32_t)(now_ms / COOKIE_SLOT_MS) & 0x1f;
	uint32_t slot = (cookie >> 3) & 0x1f;

	/* This slot or the one before: a cookie lives 64 to 128 s. */
	if (slot != now_slot && slot != ((now_slot - 1) & 0x1f))
		return -1;
	if (cookie_hash(t, peer_isn, cookie & 0xff) != cookie >> 8)
		return -1;
	return (int)(cookie & 7);
}

void
tcp_syn_cookie_send(struct tcp_worker *w, const struct tcp_tuple *tu, const struct tcp_seg *s,
		    uint16_t mtu, uint16_t if_index)
{
	struct tcp_conn t; /* a template for the SYN-ACK, never in the table */
	uint16_t mss = VN_MIN(s->has_mss ? s->mss : tcp_cfg.mss_default,
			      tcp_mss_for_mtu(mtu, tu->is_ip6));
	uint32_t idx = 0;

	for (uint32_t i = 0; i < 8; i++)
		if (tcp_cookie_mss[i] <= mss)
			idx = i;
	memset(&t, 0, sizeof(t));
	t.is_ip6 = tu->is_ip6;
	t.laddr = tu->laddr;
	t.raddr = tu->raddr;
	t.lport = tu->lport;
	t.rport = tu->rport;
	t.if_index = if_index;
	t.state = TCP_SYN_RCVD;
	t.irs = s->seq;
	t.rcv_nxt = t.rcv_adv = s->seq + 1;
	t.iss = tcp_cookie_make(tu, s->seq, w->now_ms, idx);
	t.rcv_mss = tcp_cookie_mss[idx];
	t.rx.size = tcp_cfg.rx_fifo; /* the window a connection will have; no buffer */
	if (s->has_ws) {
		t.flags |= TCP_CF_WS;
		t.rcv_wscale = tcp_our_wscale();
	}
	if (s->has_sack_perm)
		t.flags |= TCP_CF_SACK;
	if (s->has_ts) {
		/* Options ride in the TSval's low bits, a little in the past
		 * so our clock never seems to go backwards afterwards. */
		uint32_t opts = (s->has_ws ? s->ws : COOKIE_WS_NONE) | (s->has_sack_perm ? 16 : 0);
		uint32_t tsval = (((uint32_t)w->now_ms - 64) & ~0x3fu) | opts;
		t.flags |= TCP_CF_TS;
		t.ts_recent = s->tsval;
		t.ts_off = tsval - (uint32_t)w->now_ms;
	} else {
		/* Without timestamps the options cannot come back. */
		t.flags &= ~(TCP_CF_WS | TCP_CF_SACK);
	}
	w->stats[TCP_STAT_SYN_COOKIES_SENT]++;
	tcp_send_syn_ack(w, &t);
}

struct tcp_conn *
tcp_syn_cookie_check(struct tcp_worker *w, const struct tcp_listener *l, const struct tcp_tuple *t,
		     const struct tcp_seg *s, uint16_t if_index)
{
	int idx = tcp_cookie_verify(t, s->seq - 1, w->now_ms, s->ack - 1);
	int ws = -1;
	bool sack = false;
	struct tcp_conn *c;

	if (idx < 0) {
		w->stats[TCP_STAT_SYN_COOKIES_BAD]++;
		return NULL;
	}
	if (s->has_ts && s->tsecr) {
		uint32_t wsv = s->tsecr & 0xf;
		ws = wsv == COOKIE_WS_NONE ? -1 : (int)VN_MIN(wsv, 14u);
		sack = s->tsecr & 16;
	}
	c = tcp_conn_from_cookie(w, l, t, s, tcp_cookie_mss[idx], ws, sack, if_index);
	if (c)
		w->stats[TCP_STAT_SYN_COOKIES_OK]++;
	return c;
}

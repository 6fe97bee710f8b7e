/*
 * ping X:X::X [repeat N] [interval SEC]: ICMPv6 echo from the engine, the
 * IPv6 half of `ping` (ping.c hands over when the address is IPv6), built
 * the same way: requests made here on the main thread (source: our address
 * on the egress interface, in the destination's or next hop's prefix when
 * one is), handed to a forwarding thread's control-inject node, which sends
 * them to ip6-lookup; replies come back through ip6-local's echo-reply hook,
 * posted to an MP/SC ring this command reads. Link-local destinations need
 * an interface to leave by: not yet.
 */
#define VN_LOG_MOD "ping"
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "net/ping6_priv.h"

#define PING6_DATA 56
#define PING6_HOP_LIMIT 64
#define PING6_TIMEOUT_MS 1000
#define PING6_MAX_REPEAT 1000
#define PING6_RING 256

static struct rte_ring *ping6_ring;

/* Forwarding thread, inside its graph walk: never blocks. */
static void
ping6_reply_hook(struct rte_mbuf *m)
{
	uint64_t tsc = rte_rdtsc();

	memcpy(vn_meta(m)->user, &tsc, sizeof(tsc));
	if (rte_ring_mp_enqueue(ping6_ring, m) != 0)
		rte_pktmbuf_free(m);
}

static void
ping6_ring_flush(void)
{
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ping6_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/* Our source address and the egress interface towards dst. */
static int
ping6_route(const struct vn_ip6 *dst, struct vn_ip6 *src, uint16_t *if_index,
	    struct vn_cli_out *out)
{
	struct vn_route6_info ri;
	const struct vn_if_fp *fp;
	const struct vn_adj *adj;
	char a[VN_IP6_STRLEN];

	if (vn_ip6_is_link_local(dst) || vn_ip6_is_multicast(dst))
		return vn_cli_error(out, "ping %s: link-local and multicast destinations are not "
					 "supported yet",
				    vn_fmt_ip6(dst, a));
	if (vn_fib6_lookup(dst, &ri) < 0 || ri.is_drop)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	adj = vn_adj_get(ri.adj[0] & ~VN_FIB_NH_ECMP);
	if (ri.adj[0] & VN_FIB_NH_ECMP || !adj || adj->type == VN_ADJ_UNREACH ||
	    adj->type == VN_ADJ_DROP)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	if (adj->type == VN_ADJ_LOCAL) {
		/* One of ours: ip6-local answers it, and the reply comes back here. */
		int i = vn_interface_for_addr6(dst);
		*src = *dst;
		*if_index = i >= 0 ? (uint16_t)i : 0;
		return 0;
	}
	fp = vn_if_fp(adj->tx_if);
	if (!fp)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip6(dst, a));
	*src = *vn_if_src6(fp, adj->type == VN_ADJ_GLEAN ? dst : &adj->nh6);
	*if_index = adj->tx_if;
	return 0;
}

static struct rte_mbuf *
ping6_build(const struct vn_ip6 *src, const struct vn_ip6 *dst, uint16_t if_index, uint16_t id,
	    uint16_t seq)
{
	uint16_t len = sizeof(struct rte_ipv6_hdr) + sizeof(struct vn_icmp6_hdr) + PING6_DATA;
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	struct rte_ipv6_hdr *ip;
	struct vn_icmp6_hdr *icmp;
	uint64_t tsc = rte_rdtsc();
	uint8_t *data;

	if (!m)
		return NULL;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, len);
	if (!ip) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(len - sizeof(*ip)),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = PING6_HOP_LIMIT,
	};
	memcpy(ip->src_addr, src->b, 16);
	memcpy(ip->dst_addr, dst->b, 16);
	icmp = (struct vn_icmp6_hdr *)(ip + 1);
	*icmp = (struct vn_icmp6_hdr){
		.type = VN_ICMP6_ECHO_REQUEST,
		.data = rte_cpu_to_be_32((uint32_t)id << 16 | seq),
	};
	data = (uint8_t *)(icmp + 1);
	memcpy(data, &tsc, sizeof(tsc));
	for (uint32_t i = sizeof(tsc); i < PING6_DATA; i++)
		data[i] = (uint8_t)i;
	icmp->cksum = vn_ip6_l4_cksum(ip, icmp, len - sizeof(*ip), VN_IP6_NH_ICMP6);
	vn_meta_reset(m);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	vn_meta(m)->rx_if = if_index;
	vn_meta(m)->tx_if = if_index;
	return m;
}

struct ping6_state {
	struct vn_ip6 dst;
	uint16_t id;
	uint32_t n_sent, n_received;
	uint64_t *sent_tsc; /* by seq - 1 */
	bool *got;
};

static void
ping6_receive(struct ping6_state *ps, struct vn_cli_out *out)
{
	uint64_t hz = rte_get_tsc_hz();
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ping6_ring, (void **)&m) == 0) {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		struct vn_ip6_walk w;
		uint64_t rx_tsc;
		char a[VN_IP6_STRLEN];

		memcpy(&rx_tsc, vn_meta(m)->user, sizeof(rx_tsc));
		if (vn_ip6_walk((const uint8_t *)ip, rte_pktmbuf_data_len(m), &w) == VN_IP6_WALK_OK &&
		    w.l4_off + sizeof(struct vn_icmp6_hdr) <= rte_pktmbuf_data_len(m) &&
		    memcmp(ip->src_addr, ps->dst.b, 16) == 0) {
			const struct vn_icmp6_hdr *icmp =
			    (const void *)((const uint8_t *)ip + w.l4_off);
			uint32_t data = rte_be_to_cpu_32(icmp->data);
			uint16_t seq = (uint16_t)data;

			if ((data >> 16) == ps->id && seq >= 1 && seq <= ps->n_sent &&
			    !ps->got[seq - 1] &&
			    rx_tsc - ps->sent_tsc[seq - 1] <= hz / 1000 * PING6_TIMEOUT_MS) {
				ps->got[seq - 1] = true;
				ps->n_received++;
				vn_cli_printf(out,
					      "%u bytes from %s: icmp_seq=%u hlim=%u time=%.3f ms\n",
					      rte_pktmbuf_data_len(m) - w.l4_off,
					      vn_fmt_ip6(&ps->dst, a), seq, ip->hop_limits,
					      (double)(rx_tsc - ps->sent_tsc[seq - 1]) * 1000.0 / hz);
			}
		}
		rte_pktmbuf_free(m);
	}
}

int
vn_ping6(struct vn_cli_out *out, const struct vn_ip6 *dst, uint32_t repeat, double interval)
{
	struct vn_graph *g = vn_graph_self(); /* non-NULL: the main thread forwards */
	struct ping6_state ps = {.dst = *dst, .id = (uint16_t)rte_rand()};
	uint64_t hz = rte_get_tsc_hz(), next_send, interval_tsc, deadline = 0;
	struct vn_ip6 src;
	uint16_t if_index;
	uint32_t thread;

	if (repeat < 1 || repeat > PING6_MAX_REPEAT)
		return vn_cli_error(out, "repeat: 1 to %u", PING6_MAX_REPEAT);
	if (ping6_route(dst, &src, &if_index, out) < 0)
		return -1;
	if (!ping6_ring) {
		ping6_ring = rte_ring_create("vn_ping6", PING6_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (!ping6_ring)
			return vn_cli_error(out, "cannot create the reply ring");
	}
	ps.sent_tsc = calloc(repeat, sizeof(*ps.sent_tsc));
	ps.got = calloc(repeat, sizeof(*ps.got));
	if (!ps.sent_tsc || !ps.got) {
		free(ps.sent_tsc);
		free(ps.got);
		return vn_cli_error(out, "out of memory");
	}
	thread = g ? g->thread_index : vn_fwd_thread_index(0);
	ping6_ring_flush();
	vn_ip6_local_set_echo_reply_hook(ping6_reply_hook);
	interval_tsc = (uint64_t)(interval * hz);
	next_send = rte_rdtsc();
	while (vn_engine_running()) {
		uint64_t now = rte_rdtsc();
		if (ps.n_sent < repeat && now >= next_send) {
			struct rte_mbuf *m = ping6_build(&src, dst, if_index, ps.id, ps.n_sent + 1);
			if (m && vn_control_inject(thread, &m, 1) != 1) {
				rte_pktmbuf_free(m);
				m = NULL;
			}
			if (!m)
				vn_cli_printf(out, "icmp_seq=%u: not sent (no buffer or queue full)\n",
					      ps.n_sent + 1);
			ps.sent_tsc[ps.n_sent++] = now;
			next_send += interval_tsc;
			if (ps.n_sent == repeat)
				deadline = now + hz / 1000 * PING6_TIMEOUT_MS;
		}
		if (g)
			vn_graph_run_once(g);
		vn_neighbor_process_learned();
		vn_pcap_poll();
		ping6_receive(&ps, out);
		if (ps.n_sent == repeat && (ps.n_received == repeat || now > deadline))
			break;
		if (!g) {
			struct timespec ts = {.tv_nsec = 20000};
			nanosleep(&ts, NULL);
		}
	}
	vn_ip6_local_set_echo_reply_hook(NULL);
	/* A worker may be inside the hook: after a grace period none is. */
	if (!g)
		vn_rcu_synchronize();
	ping6_receive(&ps, out);
	ping6_ring_flush();
	vn_cli_printf(out, "\nStatistics: %u sent, %u received, %u%% packet loss\n", ps.n_sent,
		      ps.n_received,
		      ps.n_sent ? (ps.n_sent - ps.n_received) * 100 / ps.n_sent : 0);
	free(ps.sent_tsc);
	free(ps.got);
	return 0;
}

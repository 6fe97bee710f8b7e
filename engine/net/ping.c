/*
 * ping ADDR [repeat N] [interval SEC]: ICMP echo from the engine itself.
 *
 * Requests are built here on the main thread (source: the first address of
 * the egress interface the FIB gives) and handed to a forwarding thread's
 * control-inject node, which sends them to ip4-lookup like any packet.
 * Replies come back through ip4-local's echo-reply hook on the forwarding
 * thread, which posts them to an MP/SC ring that this command reads.
 *
 * The command blocks its CLI client while it runs (bounded: repeat x interval
 * plus one second). Meanwhile it keeps doing the main loop's work: when there
 * are no workers the main thread IS the forwarder, so it runs the graph
 * itself (or nothing would be sent or received), and it processes learned
 * neighbours (the first request may be waiting on ARP) and the capture ring.
 */
#define VN_LOG_MOD "ping"
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vecnet/cli.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/icmp.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip4_local.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "net/ping6_priv.h"

#define PING_DATA 56 /* bytes after the ICMP header, as Linux ping */
#define PING_TTL 64
#define PING_TIMEOUT_MS 1000
#define PING_MAX_REPEAT 1000
#define PING_RING 256

static struct rte_ring *ping_ring;

/* Forwarding thread, inside its graph walk: never blocks. */
static void
ping_reply_hook(struct rte_mbuf *m)
{
	uint64_t tsc = rte_rdtsc();

	memcpy(vn_meta(m)->user, &tsc, sizeof(tsc)); /* the packet is ours now */
	if (rte_ring_mp_enqueue(ping_ring, m) != 0)
		rte_pktmbuf_free(m);
}

static void
ping_ring_flush(void)
{
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ping_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

struct ping_route {
	uint32_t src;
	uint16_t if_index;
};

static int
ping_route(uint32_t dst, struct ping_route *pr, struct vn_cli_out *out)
{
	struct vn_route_info ri;
	const struct vn_adj *adj;
	const struct vn_interface *ifp;
	char a[16];
	int i;

	if (vn_fib_lookup(dst, &ri) < 0 || ri.is_drop || ri.n_paths == 0)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip4(dst, a));
	adj = vn_adj_get(ri.adj[0]);
	if (!adj || adj->type == VN_ADJ_UNREACH || adj->type == VN_ADJ_DROP)
		return vn_cli_error(out, "no route to %s", vn_fmt_ip4(dst, a));
	if (adj->type == VN_ADJ_LOCAL) {
		/* One of ours: ip4-local answers it, and the reply comes back here. */
		i = vn_interface_for_addr(dst);
		pr->src = dst;
		pr->if_index = i >= 0 ? i : 0;
		return 0;
	}
	ifp = vn_interface_get(adj->tx_if);
	if (!ifp || ifp->n_addrs == 0)
		return vn_cli_error(out, "interface %s has no address to ping from",
				    ifp ? ifp->name : "?");
	pr->src = ifp->addrs[0].addr;
	for (uint32_t k = 0; k < ifp->n_addrs; k++) /* prefer the next hop's subnet */
		if (((adj->nh ? adj->nh : dst) & vn_prefix_mask(ifp->addrs[k].len)) ==
		    (ifp->addrs[k].addr & vn_prefix_mask(ifp->addrs[k].len)))
			pr->src = ifp->addrs[k].addr;
	pr->if_index = adj->tx_if;
	return 0;
}

static struct rte_mbuf *
ping_build(const struct ping_route *pr, uint32_t dst, uint16_t id, uint16_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	uint16_t len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + PING_DATA;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint8_t *data;
	uint64_t tsc = rte_rdtsc();

	if (!m)
		return NULL;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, len);
	if (!ip) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*ip = (struct rte_ipv4_hdr){
		.version_ihl = 0x45,
		.total_length = rte_cpu_to_be_16(len),
		.packet_id = rte_cpu_to_be_16((uint16_t)rte_rand()),
		.time_to_live = PING_TTL,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = rte_cpu_to_be_32(pr->src),
		.dst_addr = rte_cpu_to_be_32(dst),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	*icmp = (struct rte_icmp_hdr){
		.icmp_type = VN_ICMP_ECHO_REQUEST,
		.icmp_ident = rte_cpu_to_be_16(id),
		.icmp_seq_nb = rte_cpu_to_be_16(seq),
	};
	data = (uint8_t *)(icmp + 1);
	memcpy(data, &tsc, sizeof(tsc));
	for (uint32_t i = sizeof(tsc); i < PING_DATA; i++)
		data[i] = (uint8_t)i;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, len - sizeof(*ip));
	vn_meta_reset(m);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	/* No arrival interface; nodes that charge one (drops) get the egress. */
	vn_meta(m)->rx_if = pr->if_index;
	vn_meta(m)->tx_if = pr->if_index;
	return m;
}

struct ping_state {
	uint32_t dst;
	uint16_t id;
	uint32_t n_sent, n_received;
	uint64_t *sent_tsc; /* by seq - 1 */
	bool *got;
};

static void
ping_receive(struct ping_state *ps, struct vn_cli_out *out)
{
	uint64_t hz = rte_get_tsc_hz();
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ping_ring, (void **)&m) == 0) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		uint16_t hl = (ip->version_ihl & 0xf) * 4;
		const struct rte_icmp_hdr *icmp = (const void *)((const uint8_t *)ip + hl);
		uint16_t seq = rte_be_to_cpu_16(icmp->icmp_seq_nb);
		uint64_t rx_tsc;
		char a[16];

		memcpy(&rx_tsc, vn_meta(m)->user, sizeof(rx_tsc));
		if (rte_pktmbuf_data_len(m) >= hl + sizeof(*icmp) &&
		    rte_be_to_cpu_32(ip->src_addr) == ps->dst &&
		    rte_be_to_cpu_16(icmp->icmp_ident) == ps->id && seq >= 1 && seq <= ps->n_sent &&
		    !ps->got[seq - 1] &&
		    rx_tsc - ps->sent_tsc[seq - 1] <= hz / 1000 * PING_TIMEOUT_MS) {
			ps->got[seq - 1] = true;
			ps->n_received++;
			vn_cli_printf(out, "%u bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n",
				      rte_be_to_cpu_16(ip->total_length) - hl,
				      vn_fmt_ip4(ps->dst, a), seq, ip->time_to_live,
				      (double)(rx_tsc - ps->sent_tsc[seq - 1]) * 1000.0 / hz);
		}
		rte_pktmbuf_free(m);
	}
}

static int
ping_fn(struct vn_cli_out *out, struct vn_cli_args *args)
{
	struct vn_graph *g = vn_graph_self(); /* non-NULL: the main thread forwards */
	struct ping_state ps = {.id = (uint16_t)rte_rand()};
	struct ping_route pr;
	uint32_t repeat = 5, thread;
	double interval = 1.0;
	char word[32];
	uint64_t hz = rte_get_tsc_hz(), next_send, interval_tsc, deadline = 0;
	struct vn_ip6 dst6;
	bool is_ip6 = false;

	if (!vn_cli_arg_ip4(args, &ps.dst)) {
		if (!vn_cli_arg_ip6(args, &dst6))
			return vn_cli_unexpected(args);
		is_ip6 = true;
	}
	while (!vn_cli_args_end(args)) {
		if (vn_cli_arg_keyword(args, "repeat")) {
			if (!vn_cli_arg_u32_range(args, 1, PING_MAX_REPEAT, &repeat))
				return vn_cli_unexpected(args);
		} else if (vn_cli_arg_keyword(args, "interval")) {
			char *end;
			if (!vn_cli_arg_word(args, "SEC", word, sizeof(word)))
				return vn_cli_unexpected(args);
			interval = strtod(word, &end);
			if (*end || !(interval >= 0.001 && interval <= 10))
				return vn_cli_error(out, "interval: seconds from 0.001 to 10, not '%s'",
						    word);
		} else {
			return vn_cli_unexpected(args);
		}
	}
	if (repeat * interval > 60)
		return vn_cli_error(out, "repeat x interval is over 60 s; the CLI waits for ping");
	if (is_ip6)
		return vn_ping6(out, &dst6, repeat, interval);
	if (ping_route(ps.dst, &pr, out) < 0)
		return -1;
	if (!ping_ring) {
		ping_ring = rte_ring_create("vn_ping", PING_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (!ping_ring)
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
	ping_ring_flush();
	vn_ip4_local_set_echo_reply_hook(ping_reply_hook);
	interval_tsc = (uint64_t)(interval * hz);
	next_send = rte_rdtsc();
	while (vn_engine_running()) {
		uint64_t now = rte_rdtsc();
		if (ps.n_sent < repeat && now >= next_send) {
			struct rte_mbuf *m = ping_build(&pr, ps.dst, ps.id, ps.n_sent + 1);
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
				deadline = now + hz / 1000 * PING_TIMEOUT_MS;
		}
		if (g)
			vn_graph_run_once(g);
		vn_neighbor_process_learned();
		vn_pcap_poll();
		ping_receive(&ps, out);
		if (ps.n_sent == repeat && (ps.n_received == repeat || now > deadline))
			break;
		if (!g) {
			struct timespec ts = {.tv_nsec = 20000};
			nanosleep(&ts, NULL);
		}
	}
	vn_ip4_local_set_echo_reply_hook(NULL);
	/* A worker may be inside the hook right now: after a grace period no walk
	 * that saw it is still running, and the ring can be emptied for good. */
	if (!g)
		vn_rcu_synchronize();
	ping_receive(&ps, out);
	ping_ring_flush();
	vn_cli_printf(out, "\nStatistics: %u sent, %u received, %u%% packet loss\n", ps.n_sent,
		      ps.n_received,
		      ps.n_sent ? (ps.n_sent - ps.n_received) * 100 / ps.n_sent : 0);
	free(ps.sent_tsc);
	free(ps.got);
	return 0;
}

VN_CLI_COMMAND(ping) = {
	.path = "ping",
	.syntax = "ADDR [repeat N] [interval SEC]",
	.help = "ICMP or ICMPv6 echo from the engine (default 5 requests, 1 s apart, 1 s timeout)",
	.fn = ping_fn,
};

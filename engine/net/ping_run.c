/*
 * The `ping` loop shared by IPv4 and IPv6 (ping_priv.h). The command blocks
 * its CLI client while it runs (bounded: repeat x interval plus one second).
 * Meanwhile it keeps doing the main loop's work: when there are no workers
 * the main thread IS the forwarder, so it runs the graph itself (or nothing
 * would be sent or received), and it processes learned neighbours (the first
 * request may be waiting on resolution) and the capture ring.
 */
#define VN_LOG_MOD "ping"
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ring.h>
#include <vecnet/graph.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/inject.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/pcap_priv.h"
#include "net/ping_priv.h"

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

void
vn_ping_idle(void)
{
	struct vn_graph *g = vn_graph_self(); /* non-NULL: the main thread forwards */

	if (g)
		vn_graph_run_once(g);
	vn_neighbor_process_learned();
	vn_pcap_poll();
	if (!g) {
		struct timespec ts = {.tv_nsec = 20000};
		nanosleep(&ts, NULL);
	}
}

struct ping_tally {
	uint32_t n_sent, n_received;
	uint64_t *sent_tsc; /* by seq - 1 */
	bool *got;
};

static void
ping_receive(struct vn_ping *p, struct ping_tally *t, struct vn_cli_out *out)
{
	uint64_t hz = rte_get_tsc_hz();
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ping_ring, (void **)&m) == 0) {
		uint64_t rx_tsc;
		uint32_t bytes;
		uint16_t seq;
		uint8_t hops;

		memcpy(&rx_tsc, vn_meta(m)->user, sizeof(rx_tsc));
		if (p->parse(p, m, &seq, &bytes, &hops) && seq >= 1 && seq <= t->n_sent &&
		    !t->got[seq - 1] &&
		    rx_tsc - t->sent_tsc[seq - 1] <= hz / 1000 * VN_PING_TIMEOUT_MS) {
			t->got[seq - 1] = true;
			t->n_received++;
			vn_cli_printf(out, "%u bytes from %s: icmp_seq=%u %s=%u time=%.3f ms\n",
				      bytes, p->dst, seq, p->hops_name, hops,
				      (double)(rx_tsc - t->sent_tsc[seq - 1]) * 1000.0 / hz);
		}
		rte_pktmbuf_free(m);
	}
}

int
vn_ping_run(struct vn_cli_out *out, struct vn_ping *p, double interval)
{
	struct vn_graph *g = vn_graph_self();
	uint64_t hz = rte_get_tsc_hz(), next_send, interval_tsc, deadline = 0;
	struct ping_tally t = {0};
	uint32_t thread;

	if (!ping_ring) {
		ping_ring = rte_ring_create("vn_ping", PING_RING, SOCKET_ID_ANY, RING_F_SC_DEQ);
		if (!ping_ring)
			return vn_cli_error(out, "cannot create the reply ring");
	}
	t.sent_tsc = calloc(p->repeat, sizeof(*t.sent_tsc));
	t.got = calloc(p->repeat, sizeof(*t.got));
	if (!t.sent_tsc || !t.got) {
		free(t.sent_tsc);
		free(t.got);
		return vn_cli_error(out, "out of memory");
	}
	thread = g ? g->thread_index : vn_fwd_thread_index(0);
	ping_ring_flush();
	p->set_hook(ping_reply_hook);
	interval_tsc = (uint64_t)(interval * hz);
	next_send = rte_rdtsc();
	while (vn_engine_running()) {
		uint64_t now = rte_rdtsc();
		if (t.n_sent < p->repeat && now >= next_send) {
			struct rte_mbuf *m = p->build(p, t.n_sent + 1);
			if (m && vn_control_inject(thread, &m, 1) != 1) {
				rte_pktmbuf_free(m);
				m = NULL;
			}
			if (!m)
				vn_cli_printf(out,
					      "icmp_seq=%u: not sent (no buffer or queue full)\n",
					      t.n_sent + 1);
			t.sent_tsc[t.n_sent++] = now;
			next_send += interval_tsc;
			if (t.n_sent == p->repeat)
				deadline = now + hz / 1000 * VN_PING_TIMEOUT_MS;
		}
		vn_ping_idle();
		ping_receive(p, &t, out);
		if (t.n_sent == p->repeat && (t.n_received == p->repeat || now > deadline))
			break;
	}
	p->set_hook(NULL);
	/* A worker may be inside the hook right now: after a grace period no walk
	 * that saw it is still running, and the ring can be emptied for good. */
	if (!g)
		vn_rcu_synchronize();
	ping_receive(p, &t, out);
	ping_ring_flush();
	vn_cli_printf(out, "\nStatistics: %u sent, %u received, %u%% packet loss\n", t.n_sent,
		      t.n_received, t.n_sent ? (t.n_sent - t.n_received) * 100 / t.n_sent : 0);
	free(t.sent_tsc);
	free(t.got);
	return 0;
}

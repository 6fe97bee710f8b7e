/*
 * Forwarding threads. Every RX queue of every interface is owned by exactly
 * one forwarding thread; each thread has its own TX queue on every port.
 * With `workers: []` the main thread forwards between control work.
 */
#define VN_LOG_MOD "worker"
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <time.h>
#include <vecnet/interface.h>
#include <vecnet/rcu.h>

#include "engine_priv.h"
#include "worker_priv.h"

struct vn_engine vn_engine;

#define VN_RXQ_MAX 1024

static struct {
	struct vn_rxq q;
	uint32_t thread;
} placement[VN_RXQ_MAX];
static uint32_t n_placed;

int
vn_rxq_place(uint32_t n_fwd, const uint32_t *fwd_thread)
{
	uint32_t rr = 0;

	n_placed = 0;
	for (uint32_t i = 0; i < vn_interface_count(); i++) {
		struct vn_interface *ifp = vn_interface_get(i);
		for (uint16_t q = 0; q < ifp->n_rx_queues && ifp->port_id != UINT16_MAX; q++) {
			uint32_t t;
			if (n_placed >= VN_RXQ_MAX)
				return -ENOSPC;
			if (q < VN_ARRAY_LEN(ifp->rx_workers) && ifp->rx_workers[q] >= 0) {
				if ((uint32_t)ifp->rx_workers[q] >= n_fwd) {
					VN_ERR("%s: RX queue %u placed on worker %d, but there are %u",
					       ifp->name, q, ifp->rx_workers[q], n_fwd);
					return -EINVAL;
				}
				t = fwd_thread[ifp->rx_workers[q]];
			} else {
				t = fwd_thread[rr++ % n_fwd];
			}
			placement[n_placed].q = (struct vn_rxq){
				.port_id = ifp->port_id, .queue_id = q, .if_index = i};
			placement[n_placed++].thread = t;
		}
	}
	return 0;
}

uint16_t
vn_rxq_count_for_thread(uint32_t thread)
{
	uint16_t n = 0;

	for (uint32_t i = 0; i < n_placed; i++)
		n += placement[i].thread == thread;
	return n;
}

uint16_t
vn_rxq_for_thread(uint32_t thread, struct vn_rxq *out, uint16_t max)
{
	uint16_t n = 0;

	for (uint32_t i = 0; i < n_placed && n < max; i++)
		if (placement[i].thread == thread)
			out[n++] = placement[i].q;
	return n;
}

/* Adaptive polling: after this long without packets, sleep between polls. */
#define VN_IDLE_US 1000
#define VN_SLEEP_US 1000 /* each wake costs ~25 us of CPU on this VM: 500 us sleeps used 5 % of a core */

void
vn_idle_backoff(struct vn_graph *g, uint32_t n_pkts, bool rcu_reader)
{
	uint64_t now = g->walk_end_tsc; /* this loop's walk just ended */

	if (n_pkts || vn_engine.poll == VN_POLL_ALWAYS) {
		if (n_pkts)
			g->last_active_tsc = now;
		return;
	}
	if (now - g->last_active_tsc < rte_get_tsc_hz() / 1000000 * VN_IDLE_US)
		return;
	/* Offline while asleep, so a control-plane grace period never waits on us. */
	if (rcu_reader)
		vn_rcu_thread_offline(g->thread_index);
	struct timespec ts = {.tv_nsec = VN_SLEEP_US * 1000};
	nanosleep(&ts, NULL);
	if (rcu_reader)
		rte_rcu_qsbr_thread_online(vn_rcu, g->thread_index);
}

int
vn_worker_main(void *arg)
{
	struct vn_graph *g = arg;

	vn_graph_set_self(g);
	vn_rcu_thread_online(g->thread_index);
	VN_INFO("worker %u running on lcore %u (cpu %d)", g->thread_index, rte_lcore_id(),
		sched_getcpu());
	while (__atomic_load_n(&vn_engine.running, __ATOMIC_RELAXED)) {
		uint32_t n = vn_graph_run_once(g);
		__atomic_store_n(&g->heartbeat_tsc, g->walk_end_tsc, __ATOMIC_RELAXED);
		vn_rcu_quiescent(g->thread_index);
		vn_idle_backoff(g, n, true);
	}
	vn_rcu_thread_offline(g->thread_index);
	rte_rcu_qsbr_thread_unregister(vn_rcu, g->thread_index);
	return 0;
}

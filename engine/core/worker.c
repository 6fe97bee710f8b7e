/*
 * Forwarding threads: each runs its graph instance until the engine stops,
 * passing an RCU quiescent point after every walk. With `workers: []` the main
 * thread forwards between control work (app/main.c).
 */
#define VN_LOG_MOD "worker"
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <time.h>
#include "core/rcu_priv.h"

#include "core/graph_priv.h"
#include "core/worker_priv.h"
#include "core/worker_priv.h"

struct vn_engine vn_engine;

/* Adaptive polling: after this long without packets, sleep between polls. */
#define VN_IDLE_US 1000
#define VN_SLEEP_US 1000 /* each wake costs ~25 us of CPU on this VM: 500 us sleeps used 5 % of a core */

void
vn_idle_backoff(struct vn_graph *g, uint32_t n_pkts, bool rcu_reader)
{
	uint64_t now = vn_graph_rt(g)->walk_end_tsc; /* this loop's walk just ended */

	if (n_pkts || vn_engine.poll == VN_POLL_ALWAYS) {
		if (n_pkts)
			vn_graph_rt(g)->last_active_tsc = now;
		return;
	}
	if (now - vn_graph_rt(g)->last_active_tsc < rte_get_tsc_hz() / 1000000 * VN_IDLE_US)
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

	vn_graph_rt(g)->last_active_tsc = rte_rdtsc();
	vn_graph_set_self(g);
	vn_rcu_thread_online(g->thread_index);
	VN_INFO("worker %u running on lcore %u (cpu %d)", g->thread_index, rte_lcore_id(),
		sched_getcpu());
	while (__atomic_load_n(&vn_engine.running, __ATOMIC_RELAXED)) {
		uint32_t n = vn_graph_run_once(g);
		__atomic_store_n(&vn_graph_rt(g)->heartbeat_tsc, vn_graph_rt(g)->walk_end_tsc, __ATOMIC_RELAXED);
		vn_rcu_quiescent(g->thread_index);
		vn_idle_backoff(g, n, true);
	}
	vn_rcu_thread_offline(g->thread_index);
	rte_rcu_qsbr_thread_unregister(vn_rcu, g->thread_index);
	return 0;
}

uint32_t
vn_fwd_thread_count(void)
{
	return vn_engine.n_fwd;
}

uint32_t
vn_fwd_thread_index(uint32_t i)
{
	return i < vn_engine.n_fwd ? vn_engine.fwd_thread[i] : 0;
}

bool
vn_engine_running(void)
{
	return __atomic_load_n(&vn_engine.running, __ATOMIC_RELAXED);
}

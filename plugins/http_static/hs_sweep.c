/*
 * http-static-sweep: the server's per-worker input node. Ten times a
 * second it walks the worker's sessions and times out those past their
 * deadline (hs_sweep). A per-worker sweep rather than a timer per session:
 * deadlines move on every request and every write, and moving a number is
 * cheaper than re-arming a timer; the walk is over this worker's own
 * sessions, on its own thread, so it needs no lock.
 *
 * Reads: the worker's session list. Writes: closes and resets sessions.
 * Nexts: error-drop (0) only; it makes no packets.
 * Errors: counters: sweeps run.
 */
#include <stdlib.h>
#include <rte_cycles.h>
#include <vecnet/graph.h>
#include <vecnet/node.h>

#include "hs.h"
#include "hs_worker.h"

enum { HS_SWEEP_ERR_RUNS, HS_SWEEP_N_ERROR };

static const char *const hs_sweep_error_names[HS_SWEEP_N_ERROR] = {
	[HS_SWEEP_ERR_RUNS] = "sweeps run",
};

static uint16_t
hs_sweep_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct hs_worker *w = node->ctx;
	uint64_t now;

	(void)pkts;
	(void)n;
	/* Polled every loop: the clock is read one loop in 256 (well under a
	 * millisecond at the loop rates of a busy or idle worker). */
	if (!w || w->n_live == 0 || (++w->n_polls & 255))
		return 0;
	now = rte_rdtsc();
	if (now < w->next_sweep)
		return 0;
	w->next_sweep = now + rte_get_tsc_hz() / 10;
	hs_sweep(g->thread_index, now);
	vn_node_count_error(node, HS_SWEEP_ERR_RUNS, 1);
	return 0;
}

static int
hs_sweep_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct hs_worker *w = hs_workers[g->thread_index];

	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w)
			return -1;
		w->live.prev = w->live.next = &w->live;
		hs_workers[g->thread_index] = w;
	}
	node->ctx = w;
	return 0;
}

VN_NODE_REGISTER(hs_sweep_node) = {
	.name = "http-static-sweep",
	.type = VN_NODE_INPUT,
	.fn = hs_sweep_fn,
	.n_next = 1,
	.next_names = {[0] = "error-drop"},
	.n_errors = HS_SWEEP_N_ERROR,
	.error_names = hs_sweep_error_names,
	.thread_init = hs_sweep_thread_init,
};

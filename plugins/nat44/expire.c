/*
 * nat44-expire: an input node, polled on every forwarding thread, that
 * sweeps the thread's own session table; it produces no packets. Every
 * millisecond it looks at the next 1/1024 of the slots in use (at least 64,
 * at most 4096) and deletes at most 256 sessions that timed out (per
 * protocol and TCP state, nat44_session_timeout) or lost their pool address
 * or static mapping. The work per poll is bounded, so a worker never stalls;
 * a table of up to 4M sessions is swept in about a second, so a session
 * outlives its timeout by at most that plus the timestamp's one-second
 * granularity (timeouts are whole seconds, so a faster sweep buys nothing).
 * Paced by the table's size, not a fixed number of slots: 4096 slots every
 * millisecond swept a 16k-session table 250 times a second, and that cost
 * each forwarded packet more instructions than the NAT's own checksum work.
 *
 * Reads: the TSC; the worker's sessions (the next slots of the sweep), the
 * timeouts, the pool and static mappings.
 * Writes: the worker's session table and indexes (deleted sessions), its
 * sweep position and next scan time.
 * Nexts: error-drop (0) only, unused: it produces no packets.
 * Errors: counter: sessions expired or purged.
 */
#include <rte_cycles.h>

#include "node_common.h"

#define NAT44_EXPIRE_SCAN_MIN 64u
#define NAT44_EXPIRE_SCAN_MAX 4096u
#define NAT44_EXPIRE_DEL 256

enum { EXP_CNT_DELETED, EXP_N_CNT };

static const char *const expire_counters[] = {
	[EXP_CNT_DELETED] = "sessions expired or purged",
};

static uint16_t
expire_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t z)
{
	struct nat44_worker *w = nat44_worker_self(g);
	uint64_t tsc;
	uint32_t n, scan;

	if (!w)
		return 0;
	tsc = rte_rdtsc();
	if (tsc < w->next_scan_tsc)
		return 0;
	w->next_scan_tsc = tsc + nat44_main.tsc_hz / 1000;
	scan = RTE_MIN(RTE_MAX(w->hwm / 1024 + 1, NAT44_EXPIRE_SCAN_MIN), NAT44_EXPIRE_SCAN_MAX);
	n = nat44_expire_step(w, nat44_now_from_tsc(tsc), scan, NAT44_EXPIRE_DEL);
	if (n)
		vn_node_count_error(node, EXP_CNT_DELETED, n);
	return 0;
}

VN_NODE_REGISTER(nat44_expire) = {
	.name = "nat44-expire",
	.type = VN_NODE_INPUT,
	.fn = expire_fn,
	.n_errors = EXP_N_CNT,
	.error_names = expire_counters,
};

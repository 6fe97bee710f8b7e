/*
 * What a device node (port-rx, port-tx, error-drop, or a plugin's own port
 * type) needs from the network layer: the RX queues its thread polls, its TX
 * queue, and the per-thread interface counters it charges.
 */
#ifndef VECNET_NET_PORT_H
#define VECNET_NET_PORT_H

#include <vecnet/graph.h>
#include <vecnet/net/interface.h>

#define VN_PORT_NONE UINT16_MAX /* an interface without a DPDK port */

struct vn_rxq {
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t if_index;
};

/*
 * The RX queues a forwarding thread polls now. The set is immutable once
 * published: moving a queue (`set interface rx-placement`) publishes new sets
 * and frees the old ones after an RCU grace period. A device node loads its
 * thread's set once per call (vn_rxq_set_of, never NULL) and may use it until
 * its graph walk ends; it never keeps it across walks.
 */
struct vn_rxq_set {
	uint16_t n;
	struct vn_rxq q[];
};

extern const struct vn_rxq_set *vn_rxq_sets[VN_THREAD_MAX];

static inline const struct vn_rxq_set *
vn_rxq_set_of(uint32_t thread_index)
{
	return __atomic_load_n(&vn_rxq_sets[thread_index], __ATOMIC_ACQUIRE);
}

/* The RX queues placed on a forwarding thread now (control plane: the copy
 * is of the current placement, which the next move may change). */
uint16_t vn_rxq_count_for_thread(uint32_t thread_index);
uint16_t vn_rxq_for_thread(uint32_t thread_index, struct vn_rxq *out, uint16_t max);

/* The TX queue each forwarding thread uses on every port. */
extern uint16_t vn_port_thread_txq[VN_THREAD_MAX];

/* Interface counters, written only by the thread that owns the row. */
extern struct vn_if_counters vn_if_counters[VN_THREAD_MAX][VN_IF_MAX];

static inline struct vn_if_counters *
vn_if_counters_of(const struct vn_graph *g, uint16_t if_index)
{
	return &vn_if_counters[g->thread_index][if_index];
}

#endif

/* Forwarding threads and the RX queues they own (engine-private). */
#ifndef VN_WORKER_PRIV_H
#define VN_WORKER_PRIV_H

#include <vecnet/graph.h>

struct vn_rxq {
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t if_index;
};

/* Assigns every RX queue of every interface to a forwarding thread. */
int vn_rxq_place(uint32_t n_fwd_threads, const uint32_t *fwd_thread_index);
uint16_t vn_rxq_count_for_thread(uint32_t thread_index);
uint16_t vn_rxq_for_thread(uint32_t thread_index, struct vn_rxq *out, uint16_t max);

/* Marks up to g->trace_budget packets of this input vector for tracing. */
void vn_trace_mark_rx(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
		      uint16_t n);

#endif

/*
 * A graph instance: one per thread that forwards. Built once from the
 * registered nodes; each thread owns its node runtimes, pending queue,
 * counters and trace buffer, so the fast path shares nothing writable.
 */
#ifndef VECNET_GRAPH_H
#define VECNET_GRAPH_H

#include <vecnet/node.h>

#define VN_IF_MAX 64

struct vn_if_counters {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t drops; /* dropped after arriving on this interface */
	uint64_t tx_errors; /* refused by the device */
} __rte_cache_aligned;

struct vn_trace_rec; /* engine/trace.c */

struct vn_graph {
	uint32_t thread_index; /* 0 = main thread */
	uint32_t n_nodes;
	struct vn_node *nodes; /* indexed by vn_node_reg.index */
	struct vn_node **inputs; /* input nodes, polled */
	uint32_t n_inputs;
	struct vn_node **pending; /* FIFO ring of nodes with packets, n_nodes + 1 slots */
	uint32_t pending_head, pending_tail;
	uint64_t *error_counts; /* by global error code */
	struct vn_if_counters if_counters[VN_IF_MAX];
	uint64_t overflow_drops; /* packets refused because a node's queue was full */
	uint16_t tx_queue; /* this thread's TX queue on every port */
	uint64_t loops; /* main-loop iterations */
	uint64_t last_active_tsc; /* for adaptive polling */
	uint64_t heartbeat_tsc; /* last loop end, read by `show threads` */
	uint64_t walk_end_tsc; /* TSC when vn_graph_run_once last returned (no extra read) */
	uint32_t trace_budget; /* packets still to mark for tracing (set by control) */
	uint16_t trace_node; /* input node whose packets are marked */
	struct vn_trace_store *trace; /* this thread's trace records */
};

/* The graph instance of the calling thread (NULL on threads that don't forward). */
struct vn_graph *vn_graph_self(void);

/* Builds the node table (resolves every next arc by name); errors name node and arc. */
int vn_graph_build(void);
struct vn_graph *vn_graph_create(uint32_t thread_index);
void vn_graph_destroy(struct vn_graph *g);
/* Polls input nodes once and dispatches pending frames until none remain.
 * Returns the number of packets the input nodes produced. */
uint32_t vn_graph_run_once(struct vn_graph *g);
/* Sends a packet into the graph at node `name` (tests, ping, control injection). */
int vn_graph_inject(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n);
/* The same, stating that every packet is for interface frame_if (see
 * vn_node.frame_if; packets already queued for another make the frame mixed). */
int vn_graph_inject_if(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n,
		       uint16_t frame_if);
/* Frees every packet still queued in the graph. */
void vn_graph_flush(struct vn_graph *g);

/* Every thread's graph, for control-plane readers of counters. */
uint32_t vn_graph_count(void);
struct vn_graph *vn_graph_at(uint32_t i);

/* Sum of one error code over all threads. */
uint64_t vn_error_total(uint16_t code);
uint32_t vn_error_count(void); /* number of global error codes */
/* Node and name of a global error code. */
const struct vn_node_reg *vn_error_node(uint16_t code, const char **name);

#endif

/* The dispatcher's state of a graph instance (core-private). */
#ifndef VN_GRAPH_PRIV_H
#define VN_GRAPH_PRIV_H

#include <vecnet/graph.h>

struct vn_trace_store; /* core/trace.c */
struct vn_trace_ops;

struct vn_graph_rt {
	struct vn_graph pub; /* first: a node's g is &rt->pub */
	uint32_t n_nodes;
	struct vn_node *nodes; /* indexed by vn_node_reg.index */
	struct vn_node **inputs; /* input nodes, polled */
	uint32_t n_inputs;
	struct vn_node **pending; /* FIFO ring of nodes with packets, n_nodes + 1 slots */
	uint32_t pending_head, pending_tail;
	uint64_t overflow_drops; /* packets refused because a node's queue was full */
	uint64_t loops; /* main-loop iterations */
	uint64_t last_active_tsc; /* for adaptive polling */
	uint64_t heartbeat_tsc; /* last loop end, read by `show threads` */
	uint64_t walk_end_tsc; /* TSC when vn_graph_run_once last returned (no extra read) */
	uint16_t trace_node; /* input node whose packets are marked */
	struct vn_trace_store *trace; /* non-NULL while the walk carries marked packets */
};

static inline struct vn_graph_rt *
vn_graph_rt(const struct vn_graph *g)
{
	return (struct vn_graph_rt *)g;
}

/* Dispatcher: records the marked packets among pkts entering node. Called
 * only while rt->trace != NULL, i.e. the current walk carries marked packets. */
void vn_trace_capture(struct vn_graph_rt *rt, struct vn_node *node, struct rte_mbuf **pkts,
		      uint16_t n);

/* What the layer above installed for tracing (trace.c), or NULL. */
const struct vn_trace_ops *vn_trace_get_ops(void);

/* Node table (node_registry.c): next arc a of node i as a node index. */
extern uint16_t vn_next_index[VN_NODE_MAX][VN_NEXT_MAX];
/* Builds the node table (resolves every next arc by name); errors name node and arc. */
int vn_graph_build(void);
struct vn_graph *vn_graph_create(uint32_t thread_index);
void vn_graph_destroy(struct vn_graph *g);
/* Frees every packet still queued in the graph. */
void vn_graph_flush(struct vn_graph *g);

/* Runs the registered vn_graph_hooks around a build (graph.c). */
int vn_graph_hooks_build_begin(void);
void vn_graph_hooks_build_end(void);
/* Tests build several graphs from different node sets. */
void vn_graph_reset_build(void);

#endif

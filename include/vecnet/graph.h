/*
 * A graph instance: one per thread that forwards. Built once from the
 * registered nodes; each thread owns its node runtimes, pending queue,
 * counters and trace buffer, so the fast path shares nothing writable.
 */
#ifndef VECNET_GRAPH_H
#define VECNET_GRAPH_H

#include <vecnet/node.h>

/* What nodes see of their thread's graph; the dispatcher's own state (node
 * runtimes, pending ring, clocks) is private to the core. */
struct vn_graph {
	uint32_t thread_index; /* 0 = main thread */
	uint32_t trace_budget; /* packets still to mark for tracing (vn_trace_input) */
	uint64_t *error_counts; /* this thread's counters, by global error code */
};

/* The graph instance of the calling thread (NULL on threads that don't forward). */
struct vn_graph *vn_graph_self(void);

/* Polls input nodes once and dispatches pending frames until none remain.
 * Returns the number of packets the input nodes produced. */
uint32_t vn_graph_run_once(struct vn_graph *g);
/* Sends a packet into the graph at node `name` (tests, ping, control injection). */
int vn_graph_inject(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts, uint16_t n);
/* The same, stating scalar for every packet (see vn_node.scalar; packets
 * already queued with another make the frame mixed). */
int vn_graph_inject_scalar(struct vn_graph *g, uint16_t node_index, struct rte_mbuf **pkts,
			   uint16_t n, uint32_t scalar);
/* A node's runtime on this graph (its per-thread ctx, counters), or NULL. */
struct vn_node *vn_graph_node(struct vn_graph *g, uint32_t node_index);

/*
 * Modules above the core (feature arcs, interface counters) hook into the
 * build and into each thread's instance instead of the core calling them.
 * Hooks run in registration order; build_begin may add next arcs
 * (vn_node_add_next) and fails the build with a negative errno.
 */
struct vn_graph_hooks {
	int (*build_begin)(void); /* before next arcs are resolved */
	void (*build_end)(void); /* the node table is final */
	void (*instance_init)(struct vn_graph *g); /* a thread's graph was created */
	struct vn_graph_hooks *next;
};
void vn_graph_hooks_register(struct vn_graph_hooks *h);
void vn_graph_hooks_unregister(struct vn_graph_hooks *h);

#define VN_GRAPH_HOOKS(id) VN_REGISTRATION(vn_graph_hooks, id, vn_graph_hooks_register, \
					   vn_graph_hooks_unregister)

/* The forwarding threads (the main thread alone with `workers: []`): how many,
 * and the thread index of the i-th. */
uint32_t vn_fwd_thread_count(void);
uint32_t vn_fwd_thread_index(uint32_t i);
/* False once the engine is stopping: control-plane loops (ping) end then. */
bool vn_engine_running(void);

/* Every thread's graph, for control-plane readers of counters. */
uint32_t vn_graph_count(void);
struct vn_graph *vn_graph_at(uint32_t i);

/* Sum of one error code over all threads. */
uint64_t vn_error_total(uint16_t code);
uint32_t vn_error_count(void); /* number of global error codes */
/* Node and name of a global error code. */
const struct vn_node_reg *vn_error_node(uint16_t code, const char **name);

#endif

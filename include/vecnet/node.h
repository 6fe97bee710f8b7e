/*
 * Graph nodes. A node is data: a static registration with a name, a process
 * function, named next arcs (wired when the graph is built, so plugins add
 * nodes and arcs without touching the core), named errors and a trace
 * formatter. Next arc 0 is always "error-drop", so a zeroed next fails safe.
 *
 * The process function runs once per vector (at most VN_FRAME_SIZE packets)
 * and hands every packet to a next arc with the vn_enqueue*() helpers. Calls,
 * vectors and clocks are counted by the dispatcher, never by the node.
 */
#ifndef VECNET_NODE_H
#define VECNET_NODE_H

#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <vecnet/buffer.h>
#include <vecnet/common.h>

#define VN_FRAME_SIZE 256 /* packets per vector */
#define VN_NODE_QUEUE (4 * VN_FRAME_SIZE) /* packets a node can have pending */
#define VN_NODE_MAX 128
#define VN_NEXT_MAX 32
#define VN_NEXT_DROP 0

struct vn_graph;
struct vn_node;

/* Returns the number of packets handled (input nodes: produced). pkts/n are
 * NULL/0 for input nodes, which are polled. */
typedef uint16_t (*vn_node_fn)(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
			       uint16_t n);
struct vn_trace_rec;
/* Formats one trace record of this node into buf; next is the same packet's
 * record at the node it went to, or NULL. Returns chars written. */
typedef int (*vn_trace_fmt)(char *buf, size_t len, const struct vn_trace_rec *rec,
			    const struct vn_trace_rec *next);

enum vn_node_type { VN_NODE_INTERNAL, VN_NODE_INPUT };

struct vn_node_reg {
	const char *name; /* kebab-case, shown by the CLI */
	enum vn_node_type type;
	vn_node_fn fn;
	uint16_t n_next;
	const char *next_names[VN_NEXT_MAX]; /* [0] is forced to "error-drop" */
	uint16_t n_errors;
	const char *const *error_names; /* counter names shown by `show errors` */
	vn_trace_fmt format_trace;
	/* Per-thread init when a graph is instantiated; may set node->ctx. */
	int (*thread_init)(struct vn_graph *g, struct vn_node *node);
	void (*thread_fini)(struct vn_graph *g, struct vn_node *node);
	/* Filled by the registry. */
	uint16_t index; /* position in the graph */
	uint16_t error_base; /* global code of error 0 */
	struct vn_node_reg *next_reg;
};

void vn_node_register(struct vn_node_reg *reg);
void vn_node_unregister(struct vn_node_reg *reg);
/* Adds a next arc by name to an already-registered node (plugins splicing in);
 * returns the arc index or a negative errno. Only before the graph is built. */
int vn_node_add_next(const char *node, const char *next);
struct vn_node_reg *vn_node_reg_by_name(const char *name);

/* Another name a node answers to where a command names nodes: VPP's input
 * nodes, so `trace add dpdk-input 10` traces port-rx as an operator expects. */
struct vn_node_alias {
	const char *alias;
	const char *node;
	struct vn_node_alias *next;
};
void vn_node_alias_register(struct vn_node_alias *a);
void vn_node_alias_unregister(struct vn_node_alias *a);
#define VN_NODE_ALIAS(id)                                                                          \
	VN_REGISTRATION(vn_node_alias, id, vn_node_alias_register, vn_node_alias_unregister)
/* The node name stands for: itself when it is a node, an alias's node, or NULL. */
struct vn_node_reg *vn_node_reg_by_name_or_alias(const char *name);
uint32_t vn_node_count(void);
struct vn_node_reg *vn_node_reg_at(uint32_t index);

#define VN_NODE_REGISTER(id) VN_REGISTRATION(vn_node_reg, id, vn_node_register, vn_node_unregister)

/* Per-thread runtime of one node. */
struct vn_node {
	struct rte_mbuf **objs; /* pending packets */
	uint16_t n_objs;
	bool is_pending;
	uint16_t index;
	/* Frame scalar: one value the producers state for every queued packet
	 * (vn_enqueue_scalar), or VN_SCALAR_MIXED. The core only merges it; its
	 * meaning belongs to the layer above (the network layer's frame interface,
	 * vn_frame_if), so a node decides per vector what it would read per packet. */
	uint32_t scalar;
	const struct vn_node_reg *reg;
	struct vn_node *nexts[VN_NEXT_MAX];
	uint64_t *errors; /* this thread's counters, reg->n_errors of them */
	void *ctx; /* node's per-thread state */
	/* runtime statistics, written by the dispatcher only */
	uint64_t calls, vectors, clocks;
} __rte_cache_aligned;

#define VN_SCALAR_MIXED UINT32_MAX /* no single value is known */

/* Copies packets to target and marks it pending; its scalar becomes mixed
 * (vn_enqueue_scalar states one). Out of line: the uncommon case. */
void vn_enqueue_copy(struct vn_graph *g, struct vn_node *target, struct rte_mbuf **pkts,
		     uint16_t n);
void vn_node_set_pending(struct vn_graph *g, struct vn_node *target);

/* Sends n packets to one next arc, stating scalar for all of them (see
 * vn_node.scalar; VN_SCALAR_MIXED if none). When they are the node's whole
 * pending vector and the target is empty, the arrays are swapped, not copied. */
static inline void
vn_enqueue_scalar(struct vn_graph *g, struct vn_node *node, uint16_t next, struct rte_mbuf **pkts,
		  uint16_t n, uint32_t scalar)
{
	struct vn_node *t = node->nexts[next];

	if (n == 0)
		return;
	/* Packets already queued with another scalar make the frame mixed. */
	uint32_t merged = t->n_objs == 0 || t->scalar == scalar ? scalar : VN_SCALAR_MIXED;
	if (pkts == node->objs && n == node->n_objs && t->n_objs == 0) {
		t->scalar = merged;
		struct rte_mbuf **tmp = t->objs;
		t->objs = node->objs;
		node->objs = tmp;
		node->n_objs = 0;
		t->n_objs = n;
		vn_node_set_pending(g, t);
		return;
	}
	vn_enqueue_copy(g, t, pkts, n);
	t->scalar = merged;
}

static inline void
vn_enqueue(struct vn_graph *g, struct vn_node *node, uint16_t next, struct rte_mbuf **pkts,
	   uint16_t n)
{
	vn_enqueue_scalar(g, node, next, pkts, n, VN_SCALAR_MIXED);
}

/* Input nodes: hands the n packets the node received into its own objs on to
 * one next arc, whole (an array swap when the target is empty, else a copy),
 * stating scalar (like rte_node_next_stream_move). */
static inline void
vn_input_move(struct vn_graph *g, struct vn_node *node, uint16_t next, uint16_t n,
	      uint32_t scalar)
{
	node->n_objs = n;
	vn_enqueue_scalar(g, node, next, node->objs, n, scalar);
	node->n_objs = 0;
}

static inline void
vn_enqueue_one(struct vn_graph *g, struct vn_node *node, uint16_t next, struct rte_mbuf *m)
{
	vn_enqueue_copy(g, node->nexts[next], &m, 1);
}

/* Sends pkts[i] to nexts[i], in runs; the whole vector moves when all agree. */
void vn_enqueue_nexts(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
		      const uint16_t *nexts, uint16_t n);

/* Counters. Drops: set the reason on the packet and send it to VN_NEXT_DROP;
 * error-drop counts it under that reason. Other counters: add once per frame. */
static inline uint16_t
vn_node_error_code(const struct vn_node *node, uint16_t err)
{
	return node->reg->error_base + err;
}
static inline void
vn_drop_reason(const struct vn_node *node, struct rte_mbuf *m, uint16_t err)
{
	vn_buf(m)->error = vn_node_error_code(node, err);
}
static inline void
vn_node_count_error(struct vn_node *node, uint16_t err, uint64_t n)
{
	node->errors[err] += n;
}

/* Per-frame counters: a node counts into its own uint32_t counts[] indexed by
 * its error enum while it runs (no shared write per packet), then adds errors
 * [first, first + n) once at the end of the frame. */
static inline void
vn_node_count_errors(struct vn_node *node, const uint32_t *counts, uint16_t first, uint16_t n)
{
	for (uint16_t e = first; e < first + n; e++)
		if (counts[e])
			node->errors[e] += counts[e];
}

#endif

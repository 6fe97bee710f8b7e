/*
 * Packet trace. `trace add NODE N` marks the next N packets an input node
 * produces on every forwarding thread (vn_buf.trace_id != 0). While a graph
 * walk carries marked packets, the dispatcher stores one record per marked
 * packet entering each node, in a per-thread append-only store, so workers
 * never lock or allocate. The main thread formats the records at `show trace`
 * time with the node's format_trace, or the default the layer above installed
 * (vn_trace_set_ops), which also keeps its own metadata in each record.
 */
#ifndef VECNET_TRACE_H
#define VECNET_TRACE_H

#include <vecnet/graph.h>

#define VN_TRACE_DATA 96 /* bytes of packet data kept per record */
#define VN_TRACE_STORE_RECS 8192 /* records per thread; beyond, counted and lost */
#define VN_TRACE_OPAQUE 48 /* bytes of the layer above's metadata per record */

/* One node's view of one packet, taken when the packet entered the node. */
struct vn_trace_rec {
	uint32_t trace_id; /* per thread, in marking order */
	uint16_t node_index;
	uint16_t data_len; /* bytes in data[] */
	uint32_t pkt_len; /* whole packet */
	uint16_t error; /* vn_buf.error */
	uint64_t tsc;
	uint8_t opaque[VN_TRACE_OPAQUE] __rte_aligned(8); /* vn_trace_ops.capture's copy */
	uint8_t data[VN_TRACE_DATA]; /* from the current data offset */
};

/*
 * What the layer above adds to tracing (the network layer installs its own):
 * on_mark runs for each packet as it is marked, on its input node (to forget
 * state a recycled mbuf carries); capture fills a record's opaque bytes while
 * the walk still protects what the metadata points to; format_default formats
 * the records of nodes without a format_trace of their own.
 */
struct vn_trace_ops {
	void (*on_mark)(struct rte_mbuf *m);
	void (*capture)(void *opaque, struct rte_mbuf *m);
	vn_trace_fmt format_default;
};
void vn_trace_set_ops(const struct vn_trace_ops *ops);

/* Marks up to g->trace_budget of pkts for tracing if node is the traced input
 * node, and records their entry into it. Input nodes call this after filling
 * their vector (port-rx and control-inject do). */
void vn_trace_mark(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n);

/* Records m in node once more, as it is now: for a node that consumes a
 * marked packet (or changes what it means) so that `show trace` shows the
 * result, after the record taken when m entered. Nothing when m is not
 * marked. The layer above's capture tells the two records apart. */
void vn_trace_again(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m);

static inline void
vn_trace_input(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	if (unlikely(g->trace_budget))
		vn_trace_mark(g, node, pkts, n);
}

#endif

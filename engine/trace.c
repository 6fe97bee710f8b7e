/* Packet trace: marking at the input node (records per node come with the CLI). */
#include <vecnet/graph.h>

#include "worker_priv.h"

void
vn_trace_mark_rx(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	static uint32_t next_id;

	for (uint16_t i = 0; i < n && g->trace_budget; i++, g->trace_budget--)
		vn_meta(pkts[i])->trace_id = ++next_id;
}

/*
 * error-drop: the end of every discarded packet. Counts it under the reason
 * the dropping node set (vn_meta.error), charges the receive interface, and
 * frees the vector in one call.
 *
 * Reads: vn_meta.error, vn_meta.rx_if. Next: none. Errors: "no reason given".
 */
#include <vecnet/graph.h>

#include "../engine/pcap_priv.h"

static const char *const drop_errors[] = {"dropped without a reason"};

static uint16_t
drop_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t n_codes = vn_error_count();

	for (uint16_t i = 0; i < n; i++) {
		struct vn_meta *md = vn_meta(pkts[i]);
		uint16_t code = md->error < n_codes ? md->error : 0;
		g->error_counts[code]++;
		if (md->rx_if < VN_IF_MAX)
			g->if_counters[md->rx_if].drops++;
	}
	vn_pcap_hook(VN_PCAP_DROP, pkts, n);
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

VN_NODE_REGISTER(error_drop) = {
	.name = "error-drop",
	.fn = drop_fn,
	.n_errors = 1,
	.error_names = drop_errors,
};

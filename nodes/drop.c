/*
 * error-drop: the end of every discarded packet. Counts it under the reason
 * the dropping node set, charges the receive interface, hands the vector to
 * pcap drop capture, and frees it in one call: one place counts every drop,
 * and every drop has a named reason.
 *
 * Reads: vn_buf.error, vn_meta.rx_if.
 * Writes: this thread's error counters and the rx interface's drop counter;
 * frees the packets.
 * Nexts: none.
 * Errors: "dropped without a reason" (error code 0, or one out of range).
 */
#include <vecnet/net/interface.h>
#include <vecnet/net/pcap.h>
#include <vecnet/net/port.h>
#include <vecnet/net/trace.h>

static const char *const drop_errors[] = {"dropped without a reason"};

static uint16_t
drop_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t n_codes = vn_error_count();

	for (uint16_t i = 0; i < n; i++) {
		uint16_t code = vn_buf(pkts[i])->error;
		uint16_t rx_if = vn_meta(pkts[i])->rx_if;
		g->error_counts[code < n_codes ? code : 0]++;
		if (rx_if < VN_IF_MAX)
			vn_if_counters_of(g, rx_if)->drops++;
	}
	vn_pcap_hook(VN_PCAP_DROP, pkts, n);
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

VN_NODE_REGISTER(error_drop) = {
	.name = "error-drop",
	.format_trace = vn_trace_format_drop,
	.fn = drop_fn,
	.n_errors = 1,
	.error_names = drop_errors,
};

/*
 * tcp4-output: segments the stack built (data, ACKs, SYNs, FINs, resets)
 * get their IPv4 and TCP checksums here and go on to ip4-lookup, which
 * routes them like any packet the engine originates.
 *
 * Reads: the IPv4 header at data offset 0 (20 bytes, no options, as the
 * stack builds it) and the TCP header behind it.
 * Writes: the IPv4 header checksum and the TCP checksum.
 * Nexts: error-drop (0), ip4-lookup.
 * Errors: drop reasons (not a segment the stack built); counter: segments sent.
 */
#include <rte_ip.h>
#include <rte_tcp.h>
#include <vecnet/graph.h>
#include <vecnet/net/trace.h>
#include <vecnet/node.h>

#include "tcp/tcp_priv.h"

enum tcp_output_next {
	TCP_OUTPUT_NEXT_DROP = VN_NEXT_DROP,
	TCP_OUTPUT_NEXT_LOOKUP,
	TCP_OUTPUT_N_NEXT,
};

enum tcp_output_error {
	TCP_OUTPUT_ERR_MALFORMED,
	TCP_OUTPUT_ERR_SENT, /* counter */
	TCP_OUTPUT_N_ERROR,
};

static const char *const tcp_output_error_names[TCP_OUTPUT_N_ERROR] = {
	[TCP_OUTPUT_ERR_MALFORMED] = "not a segment of the stack",
	[TCP_OUTPUT_ERR_SENT] = "segments sent",
};

static uint16_t
tcp_output_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE] = {0};
	uint32_t counts[TCP_OUTPUT_N_ERROR] = {0};
	bool all_ok = true;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		/* Built by the stack: one buffer, a plain IPv4 header, TCP. */
		if (unlikely(m->nb_segs != 1 ||
			     m->data_len < sizeof(*ip) + sizeof(struct rte_tcp_hdr) ||
			     ip->version_ihl != RTE_IPV4_VHL_DEF ||
			     ip->next_proto_id != IPPROTO_TCP)) {
			vn_drop_reason(node, m, TCP_OUTPUT_ERR_MALFORMED);
			nexts[i] = TCP_OUTPUT_NEXT_DROP;
			all_ok = false;
			continue;
		}
		tcp_checksum(m);
		nexts[i] = TCP_OUTPUT_NEXT_LOOKUP;
		counts[TCP_OUTPUT_ERR_SENT]++;
	}
	if (all_ok)
		vn_enqueue(g, node, TCP_OUTPUT_NEXT_LOOKUP, pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, counts, TCP_OUTPUT_ERR_SENT, 1);
	return n;
}

VN_NODE_REGISTER(tcp4_output) = {
	.name = "tcp4-output",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INTERNAL,
	.fn = tcp_output_fn,
	.n_next = TCP_OUTPUT_N_NEXT,
	.next_names =
		{
			[TCP_OUTPUT_NEXT_DROP] = "error-drop",
			[TCP_OUTPUT_NEXT_LOOKUP] = "ip4-lookup",
		},
	.n_errors = TCP_OUTPUT_N_ERROR,
	.error_names = tcp_output_error_names,
};

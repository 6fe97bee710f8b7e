/*
 * tcp4-output and tcp6-output: segments the stack built (data, ACKs, SYNs,
 * FINs, resets) get their IPv4 and TCP checksums (or the TCP checksum over
 * IPv6's pseudo-header) here and go on to ip4-lookup (ip6-lookup), which
 * routes them like any packet the engine originates.
 *
 * Reads: the IPv4 header at data offset 0 (20 bytes, no options, as the
 * stack builds it), or the IPv6 header (40 bytes, no extension headers),
 * and the TCP header behind it.
 * Writes: the IPv4 header checksum and the TCP checksum.
 * Nexts: error-drop (0), ip4-lookup (ip6-lookup).
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

static __rte_always_inline uint16_t
tcp_output_inline(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
		  const bool is6)
{
	uint16_t nexts[VN_FRAME_SIZE] = {0};
	uint32_t counts[TCP_OUTPUT_N_ERROR] = {0};
	bool all_ok = true;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
		bool bad;
		/* Built by the stack: one buffer, a plain IP header, TCP. */
		if (is6)
			bad = m->nb_segs != 1 ||
			      m->data_len < sizeof(*ip6) + sizeof(struct rte_tcp_hdr) ||
			      (ip6->vtc_flow & rte_cpu_to_be_32(0xf0000000u)) !=
				      rte_cpu_to_be_32(6u << 28) ||
			      ip6->proto != IPPROTO_TCP ||
			      m->data_len != sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		else
			bad = m->nb_segs != 1 ||
			      m->data_len < sizeof(*ip) + sizeof(struct rte_tcp_hdr) ||
			      ip->version_ihl != RTE_IPV4_VHL_DEF ||
			      ip->next_proto_id != IPPROTO_TCP;
		if (unlikely(bad)) {
			vn_drop_reason(node, m, TCP_OUTPUT_ERR_MALFORMED);
			nexts[i] = TCP_OUTPUT_NEXT_DROP;
			all_ok = false;
			continue;
		}
		if (is6)
			tcp_checksum6(m);
		else
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

static uint16_t
tcp_output_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return tcp_output_inline(g, node, pkts, n, false);
}

static uint16_t
tcp6_output_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return tcp_output_inline(g, node, pkts, n, true);
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

VN_NODE_REGISTER(tcp6_output) = {
	.name = "tcp6-output",
	.format_trace = tcp_trace_format,
	.type = VN_NODE_INTERNAL,
	.fn = tcp6_output_fn,
	.n_next = TCP_OUTPUT_N_NEXT,
	.next_names =
		{
			[TCP_OUTPUT_NEXT_DROP] = "error-drop",
			[TCP_OUTPUT_NEXT_LOOKUP] = "ip6-lookup",
		},
	.n_errors = TCP_OUTPUT_N_ERROR,
	.error_names = tcp_output_error_names,
};

/*
 * port-tx: sends runs of packets for the same interface with one TX burst
 * on this thread's queue. When the frame states its interface nothing but
 * the byte count is per packet. What the device refuses after one retry (a
 * ring that was momentarily full often has room a moment later) is counted
 * and freed here.
 *
 * Reads: the frame's interface (vn_frame_if), or vn_meta.tx_if per packet;
 * pkt_len.
 * Writes: the interface's TX counters; nothing in the packets.
 * Nexts: error-drop (0) only, unused: every packet goes to the device or is
 * freed here.
 * Errors: counters of packets freed here: device TX queue full, interface
 * has no device, GSO frames that could not be cut; and of segments cut from
 * GSO super-frames for a port that cannot take them (net/gso.h).
 */
#include <rte_ethdev.h>
#include <vecnet/net/gso.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/pcap.h>
#include <vecnet/net/port.h>
#include <vecnet/net/trace.h>

enum {
	TX_ERR_FULL,
	TX_ERR_NO_DEVICE,
	TX_ERR_GSO_CUT,
	TX_ERR_GSO_TOO_MANY,
	TX_ERR_GSO_SEGMENTS,
	TX_N_ERR
};

static const char *const tx_errors[] = {
	[TX_ERR_FULL] = "device TX queue full",
	[TX_ERR_NO_DEVICE] = "interface has no device",
	[TX_ERR_GSO_CUT] = "GSO frame not cut (no buffers or bad headers)",
	[TX_ERR_GSO_TOO_MANY] = "GSO frame with more segments than a vector",
	[TX_ERR_GSO_SEGMENTS] = "segments cut from GSO frames",
};

static void tx_cut(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts,
		   uint16_t n, uint16_t tx_if);

/* Sends pkts (all for tx_if) with this thread's queue; bytes is their total
 * length, flags their ol_flags or'ed. */
static inline void
tx_run(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
       uint16_t tx_if, uint64_t bytes, uint64_t flags)
{
	const struct vn_if_fp *fp = vn_if_fp(tx_if);
	struct vn_if_counters *ic = vn_if_counters_of(g, tx_if);
	uint16_t sent = 0;

	if (unlikely(!fp || fp->port_id == VN_PORT_NONE)) {
		vn_node_count_error(node, TX_ERR_NO_DEVICE, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	if (unlikely(flags & RTE_MBUF_F_TX_TCP_SEG) && !vn_port_takes_gso(fp->port_id)) {
		tx_cut(g, node, pkts, n, tx_if);
		return;
	}
	/* Everything offered to the device; after the burst the driver owns them. */
	vn_pcap_hook(VN_PCAP_TX, pkts, n);
	/* One retry: a ring that was momentarily full often has room a moment later. */
	for (int tries = 0; tries < 2 && sent < n; tries++)
		sent += vn_port_tx_burst(fp->port_id, vn_port_thread_txq[g->thread_index], pkts + sent,
					 n - sent);
	if (unlikely(sent < n)) {
		for (uint16_t i = sent; i < n; i++)
			bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		vn_node_count_error(node, TX_ERR_FULL, n - sent);
		ic->tx_errors += n - sent;
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	ic->tx_packets += sent;
	ic->tx_bytes += bytes;
}

/*
 * GSO super-frames (net/gso.h) for a port that cannot take them: each is cut
 * into segments, sent as a run of its own; the other packets go in runs
 * between them.
 */
static __rte_noinline void
tx_cut(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
       uint16_t tx_if)
{
	struct rte_mbuf *segs[VN_FRAME_SIZE];
	uint16_t start = 0;

	for (uint16_t i = 0; i <= n; i++) {
		if (i < n && !vn_gso_is_super(pkts[i]))
			continue;
		uint64_t bytes = 0;
		for (uint16_t k = start; k < i; k++)
			bytes += rte_pktmbuf_pkt_len(pkts[k]);
		if (i > start)
			tx_run(g, node, pkts + start, i - start, tx_if, bytes, 0);
		start = i + 1;
		if (i == n)
			break;
		int ns = vn_gso_segment_mbuf(pkts[i], vn_pktmbuf_pool, segs, VN_FRAME_SIZE);
		if (ns <= 0) {
			vn_node_count_error(node, ns < 0 ? TX_ERR_GSO_TOO_MANY : TX_ERR_GSO_CUT, 1);
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		bytes = 0;
		for (int k = 0; k < ns; k++)
			bytes += rte_pktmbuf_pkt_len(segs[k]);
		vn_node_count_error(node, TX_ERR_GSO_SEGMENTS, (uint64_t)ns);
		tx_run(g, node, segs, (uint16_t)ns, tx_if, bytes, 0);
	}
}

static uint16_t
tx_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t start = 0;

	/* The frame states its interface (VN_FRAME_IF_MIXED is not below
	 * VN_IF_MAX): only the byte count is per packet. */
	if (likely(vn_frame_if(node) < VN_IF_MAX)) {
		uint64_t bytes = 0, flags = 0;
		for (uint16_t i = 0; i < n; i++) {
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
			flags |= pkts[i]->ol_flags;
		}
		tx_run(g, node, pkts, n, vn_frame_if(node), bytes, flags);
		return n;
	}
	/* One pass: runs of packets for one interface and their byte count. */
	while (start < n) {
		uint16_t tx_if = vn_meta(pkts[start])->tx_if, end = start + 1;
		uint64_t bytes = rte_pktmbuf_pkt_len(pkts[start]), flags = pkts[start]->ol_flags;
		for (; end < n; end++) {
			if (unlikely(vn_meta(pkts[end])->tx_if != tx_if))
				break;
			bytes += rte_pktmbuf_pkt_len(pkts[end]);
			flags |= pkts[end]->ol_flags;
		}
		tx_run(g, node, pkts + start, end - start, tx_if, bytes, flags);
		start = end;
	}
	return n;
}

VN_NODE_REGISTER(port_tx) = {
	.name = "port-tx",
	.format_trace = vn_trace_format_tx,
	.fn = tx_fn,
	.n_errors = TX_N_ERR,
	.error_names = tx_errors,
};

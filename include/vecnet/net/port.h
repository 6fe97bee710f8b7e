/*
 * What a device node (port-rx, port-tx, error-drop, or a plugin's own port
 * type) needs from the network layer: the RX queues its thread polls, its TX
 * queue, and the per-thread interface counters it charges.
 */
#ifndef VECNET_NET_PORT_H
#define VECNET_NET_PORT_H

#include <rte_ethdev.h>
#include <vecnet/graph.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/pcap.h>
#include <vecnet/trace.h>

#define VN_PORT_NONE UINT16_MAX /* an interface without a port */

/*
 * Ports that are not DPDK ethdevs: vecnet's own drivers (host interfaces on
 * AF_PACKET, loopbacks, a plugin's) register a port class and get port ids
 * from VN_PORT_OWN_BASE up, above every DPDK port id. Each class polls its
 * RX queues with an input node of its own (as VPP's af-packet-input), so its
 * drops have names in `show errors`; port-tx sends through
 * vn_port_tx_burst, where a DPDK port costs one predictable branch.
 */
struct vn_cli_out;

#define VN_PORT_OWN_BASE 0x1000
#define VN_PORT_OWN_MAX 64

struct vn_port_class {
	const char *name; /* "host", "loopback" */
	const char *input_node; /* the node that polls its RX queues ("host-input") */
	bool gso; /* tx_burst takes GSO super-frames (net/gso.h); else port-tx cuts them */
	/* Fast path, on the thread that owns the queue. tx_burst takes what it
	 * returns (it owns those mbufs); the rest stay the caller's. */
	uint16_t (*tx_burst)(void *dev, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);
	/* Control plane. */
	bool (*link_up)(void *dev);
	int (*set_mtu)(void *dev, uint16_t mtu); /* may be NULL */
	void (*close)(void *dev);
	/* `show hardware-interfaces`: rings, counters, offloads (may be NULL). */
	void (*show)(void *dev, struct vn_cli_out *out, bool verbose);
};

struct vn_port_own {
	const struct vn_port_class *cls;
	void *dev;
};

extern struct vn_port_own vn_ports_own[VN_PORT_OWN_MAX];

static inline bool
vn_port_is_dpdk(uint16_t port_id)
{
	return port_id < RTE_MAX_ETHPORTS;
}

/* The class and device of an own port, or NULL (a DPDK port, none). */
static inline const struct vn_port_own *
vn_port_own(uint16_t port_id)
{
	uint32_t i = (uint32_t)port_id - VN_PORT_OWN_BASE;

	return i < VN_PORT_OWN_MAX && vn_ports_own[i].cls ? &vn_ports_own[i] : NULL;
}

/* Whether the port takes GSO super-frames (net/gso.h) as they are. */
static inline bool
vn_port_takes_gso(uint16_t port_id)
{
	const struct vn_port_own *p = vn_port_own(port_id);

	return p && p->cls->gso;
}

static inline uint16_t
vn_port_tx_burst(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	if (likely(vn_port_is_dpdk(port_id)))
		return rte_eth_tx_burst(port_id, queue, pkts, n);
	const struct vn_port_own *p = vn_port_own(port_id);
	return p ? p->cls->tx_burst(p->dev, queue, pkts, n) : 0;
}

/* Registers an own port; its id, or VN_PORT_NONE when the table is full. */
uint16_t vn_port_own_add(const struct vn_port_class *cls, void *dev);
/* Forgets it (control plane, once no thread can still be using it). */
void vn_port_own_del(uint16_t port_id);
/* The input node that polls a port's RX queues: port-rx for DPDK's. */
const char *vn_port_input_node(uint16_t port_id);

struct vn_rxq {
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t if_index;
};

/*
 * The RX queues a forwarding thread polls now. The set is immutable once
 * published: moving a queue (`set interface rx-placement`) publishes new sets
 * and frees the old ones after an RCU grace period. A device node loads its
 * thread's set once per call (vn_rxq_set_of, never NULL) and may use it until
 * its graph walk ends; it never keeps it across walks.
 */
struct vn_rxq_set {
	uint16_t n;
	uint16_t n_dpdk; /* q[0, n_dpdk) are DPDK queues (port-rx's); own ports' follow */
	struct vn_rxq q[];
};

extern const struct vn_rxq_set *vn_rxq_sets[VN_THREAD_MAX];

static inline const struct vn_rxq_set *
vn_rxq_set_of(uint32_t thread_index)
{
	return __atomic_load_n(&vn_rxq_sets[thread_index], __ATOMIC_ACQUIRE);
}

/* The RX queues placed on a forwarding thread now (control plane: the copy
 * is of the current placement, which the next move may change). */
uint16_t vn_rxq_count_for_thread(uint32_t thread_index);
uint16_t vn_rxq_for_thread(uint32_t thread_index, struct vn_rxq *out, uint16_t max);

/* The TX queue each forwarding thread uses on every port. */
extern uint16_t vn_port_thread_txq[VN_THREAD_MAX];

/* Interface counters, written only by the thread that owns the row. */
extern struct vn_if_counters vn_if_counters[VN_THREAD_MAX][VN_IF_MAX];

static inline struct vn_if_counters *
vn_if_counters_of(const struct vn_graph *g, uint16_t if_index)
{
	return &vn_if_counters[g->thread_index][if_index];
}

/*
 * What every input node does with a burst from one interface, received into
 * node->objs: stamps the receive interface, counts it, offers it to pcap and
 * trace, picks ethernet-input (the node's arc next_ethernet) or the first
 * device-input feature, and hands the burst on whole (an array swap).
 */
static inline void
vn_port_rx_deliver(struct vn_graph *g, struct vn_node *node, uint16_t n, uint16_t if_index,
		   uint16_t next_ethernet)
{
	struct vn_if_counters *ic = vn_if_counters_of(g, if_index);
	struct rte_mbuf **pkts = node->objs;
	uint16_t next = next_ethernet;
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct vn_meta *md = vn_meta(pkts[i]);
		md->rx_if = if_index;
		md->flags = 0;
		vn_buf(pkts[i])->trace_id = 0;
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	}
	ic->rx_packets += n;
	ic->rx_bytes += bytes;
	vn_pcap_hook(VN_PCAP_RX, pkts, n);
	vn_trace_input(g, node, pkts, n);
	if (unlikely(vn_feature_arc_active(VN_ARC_DEVICE_INPUT))) {
		/* One interface per burst: one decision for the whole vector. */
		const struct vn_if_fp *fp = vn_if_fp(if_index);
		uint32_t bitmap = fp ? fp->features[VN_ARC_DEVICE_INPUT] : 0;
		for (uint16_t i = 0; bitmap && i < n; i++)
			next = vn_feature_first(node, bitmap, pkts[i]);
	}
	vn_input_move(g, node, next, n, if_index);
}

#endif

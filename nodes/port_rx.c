/*
 * port-rx: input node. Polls the DPDK RX queues this thread owns (own port
 * classes have input nodes of their own, host-input for host interfaces), a full vector
 * per burst, stamps the receive interface, and hands each burst on whole
 * (vn_input_move: an array swap). A burst comes from one interface, so it
 * states the frame's interface and decides the device-input feature arc
 * once per burst. The queues polled first rotate, so none always waits, and
 * one call stops while the next node's queue still has room for a vector.
 * Which queues it polls can change at run time (`set interface
 * rx-placement`): it loads its thread's RX queue set once per call, a pointer
 * the control plane replaces under RCU, and uses that set for the whole call.
 *
 * Reads: this thread's RX queue set (vn_rxq_set_of, once per call); the
 * device-input features of the burst's interface.
 * Writes: vn_meta.rx_if, flags (0), feature_arc (device-input features);
 * vn_buf.trace_id (0, then marks, vn_trace_input); the interface's RX
 * counters; the frame's interface (the burst's).
 * Nexts: error-drop (0), ethernet-input, or the first enabled device-input
 * feature.
 * Errors: none.
 */
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <vecnet/net/port.h>
#include <vecnet/net/trace.h>

enum { PORT_RX_NEXT_DROP, PORT_RX_NEXT_ETHERNET };
/* Leave room for the queues polled later in the same call. */
#define PORT_RX_MAX_PER_CALL (VN_NODE_QUEUE - VN_FRAME_SIZE)

struct port_rx_ctx {
	uint16_t start; /* rotates so no queue is always polled last */
};

static int
port_rx_init(struct vn_graph *g, struct vn_node *node)
{
	struct port_rx_ctx *c = rte_zmalloc("port_rx", sizeof(*c), RTE_CACHE_LINE_SIZE);

	if (!c)
		return -1;
	node->ctx = c;
	return 0;
}

static void
port_rx_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
	node->ctx = NULL;
}

static uint16_t
port_rx_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	struct port_rx_ctx *c = node->ctx;
	/* Valid until this walk ends: the old set of a moved queue is freed only
	 * after every worker has passed a quiescent state (between walks). */
	const struct vn_rxq_set *s = vn_rxq_set_of(g->thread_index);
	uint16_t n_queues = s->n_dpdk;
	uint32_t total = 0;

	for (uint16_t k = 0; k < n_queues && total < PORT_RX_MAX_PER_CALL; k++) {
		const struct vn_rxq *q = &s->q[(c->start + k) % n_queues];
		uint16_t n = rte_eth_rx_burst(q->port_id, q->queue_id, node->objs, VN_FRAME_SIZE);
		if (n == 0)
			continue;
		vn_port_rx_deliver(g, node, n, q->if_index, PORT_RX_NEXT_ETHERNET);
		total += n;
	}
	if (n_queues)
		c->start = (c->start + 1) % n_queues;
	return total;
}

VN_NODE_REGISTER(port_rx) = {
	.name = "port-rx",
	.format_trace = vn_trace_format_rx,
	.type = VN_NODE_INPUT,
	.fn = port_rx_fn,
	.thread_init = port_rx_init,
	.thread_fini = port_rx_fini,
	.n_next = 2,
	.next_names = {[PORT_RX_NEXT_ETHERNET] = "ethernet-input"},
};

/* VPP's name for the input node this one stands for. */
VN_NODE_ALIAS(dpdk_input) = {.alias = "dpdk-input", .node = "port-rx"};

/*
 * control-inject: input node. Packets the control plane makes (the `ping`
 * command) reach a forwarding thread through a per-thread SP/SC ring, so the
 * main thread never touches a worker's graph. Polling an empty ring costs
 * two loads per loop. Traceable: `trace add control-inject N`.
 *
 * Reads: its ring (node->ctx); nothing in the packets (the producer fills
 * vn_meta).
 * Writes: vn_buf.trace_id of the packets it marks (vn_trace_input).
 * Nexts: error-drop (0), ip4-lookup, ip6-lookup (IPv6 packets: the version
 * nibble says which; the whole vector moves when all are IPv4),
 * interface-output (whole frames flagged VN_META_F_L2_READY: neighbour
 * discovery that no lookup can route, e.g. to a link-local or group address).
 * Errors: none.
 */
#include <errno.h>
#include <rte_ring.h>
#include <stdio.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/inject.h>
#include <vecnet/trace.h>

enum {
	INJECT_NEXT_DROP,
	INJECT_NEXT_LOOKUP,
	INJECT_NEXT_LOOKUP6,
	INJECT_NEXT_OUTPUT,
	INJECT_N_NEXT,
};

#define INJECT_THREADS VN_THREAD_MAX
#define INJECT_RING 256

static struct rte_ring *inject_rings[INJECT_THREADS];

static int
inject_init(struct vn_graph *g, struct vn_node *node)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	if (g->thread_index >= INJECT_THREADS)
		return -1;
	snprintf(name, sizeof(name), "vn_inj_%u", g->thread_index);
	r = rte_ring_create(name, INJECT_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!r)
		return -1;
	node->ctx = r;
	__atomic_store_n(&inject_rings[g->thread_index], r, __ATOMIC_RELEASE);
	return 0;
}

static void
inject_fini(struct vn_graph *g, struct vn_node *node)
{
	struct rte_ring *r = node->ctx;
	struct rte_mbuf *m;

	if (!r)
		return;
	__atomic_store_n(&inject_rings[g->thread_index], NULL, __ATOMIC_RELEASE);
	while (rte_ring_sc_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
	node->ctx = NULL;
}

static inline uint16_t
inject_next(struct rte_mbuf *m)
{
	if (vn_meta(m)->flags & VN_META_F_L2_READY)
		return INJECT_NEXT_OUTPUT;
	return (rte_pktmbuf_mtod(m, uint8_t *)[0] >> 4) == 6 ? INJECT_NEXT_LOOKUP6
							     : INJECT_NEXT_LOOKUP;
}

static uint16_t
inject_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t zero)
{
	uint16_t n = rte_ring_sc_dequeue_burst(node->ctx, (void **)node->objs, VN_FRAME_SIZE, NULL);

	if (n == 0)
		return 0;
	vn_trace_input(g, node, node->objs, n);
	for (uint16_t i = 0; i < n; i++) {
		if ((rte_pktmbuf_mtod(node->objs[i], uint8_t *)[0] >> 4) != 6 &&
		    !(vn_meta(node->objs[i])->flags & VN_META_F_L2_READY))
			continue;
		uint16_t nexts[VN_FRAME_SIZE];
		for (uint16_t k = 0; k < n; k++)
			nexts[k] = inject_next(node->objs[k]);
		node->n_objs = n;
		vn_enqueue_nexts(g, node, node->objs, nexts, n);
		node->n_objs = 0;
		return n;
	}
	vn_input_move(g, node, INJECT_NEXT_LOOKUP, n, VN_SCALAR_MIXED);
	return n;
}

int
vn_control_inject(uint32_t thread_index, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_ring *r = thread_index < INJECT_THREADS
				     ? __atomic_load_n(&inject_rings[thread_index], __ATOMIC_ACQUIRE)
				     : NULL;

	if (!r)
		return -ENODEV;
	return rte_ring_sp_enqueue_burst(r, (void **)pkts, n, NULL);
}

VN_NODE_REGISTER(control_inject) = {
	.name = "control-inject",
	.type = VN_NODE_INPUT,
	.fn = inject_fn,
	.thread_init = inject_init,
	.thread_fini = inject_fini,
	.n_next = INJECT_N_NEXT,
	.next_names = {[INJECT_NEXT_LOOKUP] = "ip4-lookup",
		       [INJECT_NEXT_LOOKUP6] = "ip6-lookup",
		       [INJECT_NEXT_OUTPUT] = "interface-output"},
};

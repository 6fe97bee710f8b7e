/*
 * Handoff between forwarding threads (see include/vecnet/handoff.h), and
 * its node, handoff-input: an input node that drains every ring addressed
 * to this thread and hands each ring's packets on whole to the queue's
 * target node. Rings are SP/SC: exactly one thread writes ring[q][src][dst]
 * and one reads it, so neither side locks. vn_handoff_send, called by a
 * node on the sending thread, sends packets for that thread straight to the
 * target and drops what a full ring or a thread that does not exist
 * refuses, under handoff-input's reasons.
 *
 * Reads: the rings addressed to this thread; nothing in the packets.
 * Writes: nothing in the packets it hands on; vn_buf.error of those
 * vn_handoff_send drops.
 * Nexts: error-drop (0), then one arc per queue, to its target
 * (vn_handoff_register).
 * Errors: drop reasons: handoff ring full, handoff to a thread that does not
 * exist.
 */
#define VN_LOG_MOD "handoff"
#include <errno.h>
#include <stdlib.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <string.h>
#include <vecnet/graph.h>
#include <vecnet/handoff.h>

#include "core/graph_priv.h"

#define VN_HANDOFF_THREADS (VN_THREAD_MAX - 1) /* at most one per worker */

struct handoff_queue {
	const char *name;
	const char *target;
	uint16_t next; /* handoff-input's arc to target */
};

static struct handoff_queue queues[VN_HANDOFF_MAX];
static uint32_t n_queues;
static uint32_t n_threads;
static uint32_t fwd_of_thread[VN_HANDOFF_THREADS + 1]; /* graph thread index -> fwd index */
static struct rte_ring *rings[VN_HANDOFF_MAX][VN_HANDOFF_THREADS][VN_HANDOFF_THREADS];

enum { HANDOFF_ERR_FULL, HANDOFF_ERR_BAD_THREAD, HANDOFF_N_ERR };
static const char *const handoff_errors[] = {
	[HANDOFF_ERR_FULL] = "handoff ring full",
	[HANDOFF_ERR_BAD_THREAD] = "handoff to a thread that does not exist",
};

static struct vn_node_reg handoff_input_reg;

int
vn_handoff_register(const char *name, const char *target)
{
	int arc;

	if (n_queues >= VN_HANDOFF_MAX)
		return -ENOSPC;
	arc = vn_node_add_next("handoff-input", target);
	if (arc < 0)
		return arc;
	/* Copies, as the arc's name: the queue outlives a plugin that registered
	 * it and was unloaded (its init failed). */
	char *n = strdup(name), *t = strdup(target);
	if (n == NULL || t == NULL) {
		free(n);
		free(t);
		return -ENOMEM;
	}
	queues[n_queues] = (struct handoff_queue){.name = n, .target = t, .next = arc};
	return n_queues++;
}

int
vn_handoff_init(uint32_t n_fwd, const uint32_t *fwd_thread_index)
{
	char name[RTE_RING_NAMESIZE];

	if (n_fwd == 0 || n_fwd > VN_HANDOFF_THREADS)
		return -EINVAL;
	n_threads = n_fwd;
	for (uint32_t f = 0; f < n_fwd; f++)
		if (fwd_thread_index[f] <= VN_HANDOFF_THREADS)
			fwd_of_thread[fwd_thread_index[f]] = f;
	for (uint32_t q = 0; q < n_queues; q++)
		for (uint32_t s = 0; s < n_fwd; s++)
			for (uint32_t d = 0; d < n_fwd; d++) {
				if (s == d)
					continue;
				snprintf(name, sizeof(name), "vn_ho_%u_%u_%u", q, s, d);
				rings[q][s][d] = rte_ring_create(name, VN_HANDOFF_RING_SIZE,
								 SOCKET_ID_ANY,
								 RING_F_SP_ENQ | RING_F_SC_DEQ);
				if (!rings[q][s][d]) {
					VN_ERR("cannot create ring %s", name);
					vn_handoff_fini();
					return -ENOMEM;
				}
			}
	return 0;
}

void
vn_handoff_fini(void)
{
	for (uint32_t q = 0; q < VN_HANDOFF_MAX; q++)
		for (uint32_t s = 0; s < VN_HANDOFF_THREADS; s++)
			for (uint32_t d = 0; d < VN_HANDOFF_THREADS; d++) {
				struct rte_ring *r = rings[q][s][d];
				struct rte_mbuf *m;
				if (!r)
					continue;
				while (rte_ring_sc_dequeue(r, (void **)&m) == 0)
					rte_pktmbuf_free(m);
				rte_ring_free(r);
				rings[q][s][d] = NULL;
			}
}

uint32_t
vn_handoff_n_threads(void)
{
	return n_threads;
}

uint32_t
vn_handoff_self(const struct vn_graph *g)
{
	return g->thread_index <= VN_HANDOFF_THREADS ? fwd_of_thread[g->thread_index] : 0;
}

static struct vn_node *
handoff_node(struct vn_graph *g)
{
	return &vn_graph_rt(g)->nodes[handoff_input_reg.index];
}

void
vn_handoff_send(struct vn_graph *g, uint16_t id, struct rte_mbuf **pkts, const uint16_t *dst,
		uint16_t n)
{
	struct vn_node *hn = handoff_node(g);
	uint32_t self = vn_handoff_self(g);
	uint16_t i = 0;

	while (i < n) {
		uint16_t d = dst[i], j = i + 1;
		while (j < n && dst[j] == d)
			j++;
		if (d == self || n_threads <= 1) {
			vn_enqueue_copy(g, hn->nexts[queues[id].next], pkts + i, j - i);
		} else if (d >= n_threads) {
			for (uint16_t k = i; k < j; k++)
				vn_drop_reason(hn, pkts[k], HANDOFF_ERR_BAD_THREAD);
			vn_enqueue_copy(g, hn->nexts[VN_NEXT_DROP], pkts + i, j - i);
		} else {
			unsigned sent = rte_ring_sp_enqueue_burst(rings[id][self][d], (void **)(pkts + i),
								  j - i, NULL);
			if (sent < (unsigned)(j - i)) {
				for (uint16_t k = i + sent; k < j; k++)
					vn_drop_reason(hn, pkts[k], HANDOFF_ERR_FULL);
				vn_enqueue_copy(g, hn->nexts[VN_NEXT_DROP], pkts + i + sent,
						j - i - sent);
			}
		}
		i = j;
	}
}

/* Input node: drains every ring addressed to this thread. */
static uint16_t
handoff_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **unused, uint16_t z)
{
	uint32_t self = vn_handoff_self(g), total = 0;

	if (n_threads <= 1)
		return 0;
	for (uint32_t q = 0; q < n_queues; q++)
		for (uint32_t s = 0; s < n_threads; s++) {
			struct rte_ring *r = rings[q][s][self];
			unsigned n;
			if (!r || total + VN_FRAME_SIZE > VN_NODE_QUEUE - VN_FRAME_SIZE)
				continue;
			n = rte_ring_sc_dequeue_burst(r, (void **)node->objs, VN_FRAME_SIZE, NULL);
			if (n == 0)
				continue;
			vn_input_move(g, node, queues[q].next, n, VN_SCALAR_MIXED);
			total += n;
		}
	return total;
}

static struct vn_node_reg handoff_input_reg = {
	.name = "handoff-input",
	.type = VN_NODE_INPUT,
	.fn = handoff_input_fn,
	.n_errors = HANDOFF_N_ERR,
	.error_names = handoff_errors,
};

static void __attribute__((constructor))
handoff_input_register(void)
{
	vn_node_register(&handoff_input_reg);
}

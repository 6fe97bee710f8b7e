/*
 * nsim-input (device-input arc: everything an interface receives, ARP and
 * IPv6 too, before ethernet-input) and nsim-output (ip4-output arc: the
 * IPv4 frames an interface sends, after every other output feature).
 * device-input rather than ip4-unicast because a simulated link loses and
 * delays frames, not only IPv4 unicast ones; and with a feature there,
 * host-input cuts GSO frames first, so loss and delay act per wire segment.
 *
 * Per packet: lost with drop-fraction; else, when the settings hold packets,
 * it is due once the link has serialised it (bandwidth: the link is busy
 * until the previous packet is out, then len * 8 / bandwidth longer) plus
 * the delay, plus the delay again for the reorder-fraction held back; it is
 * put in this thread's wheel with the arc's next node, and nsim-wheel sends
 * it on when due. With only a loss set, packets pass at once.
 *
 * Reads: vn_meta.rx_if (input) or tx_if (output); the RCU-published
 * settings, once per vector; nsim_link_gen. Writes: vn_meta.feature_arc
 * (vn_feature_next); this thread's wheel and counters (nsim_wheels[], made at the first enable).
 * Nexts: error-drop (0), then the arc's later features and its end (added at
 * graph build). Errors: "dropped by simulated loss", "dropped: simulated
 * buffer full", "GSO frame that could not be cut"; counter "segments cut
 * from GSO frames" (a super-frame already in the graph when nsim was turned
 * on is cut here, so each segment is impaired on its own).
 */
#include <rte_random.h>
#include <vecnet/net/buffer.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/gso.h>
#include <vecnet/node.h>

#include "nsim.h"

enum nsim_error {
	NSIM_ERR_LOSS,
	NSIM_ERR_FULL,
	NSIM_ERR_GSO_BAD,
	NSIM_ERR_GSO_SEGMENTS,
	NSIM_N_ERR,
};

static const char *const nsim_error_names[] = {
	[NSIM_ERR_LOSS] = "dropped by simulated loss",
	[NSIM_ERR_FULL] = "dropped: simulated buffer full",
	[NSIM_ERR_GSO_BAD] = "GSO frame that could not be cut",
	[NSIM_ERR_GSO_SEGMENTS] = "segments cut from GSO frames",
};

#define NSIM_HELD UINT16_MAX /* not a next: the wheel has the packet */

static inline uint16_t
nsim_one(struct vn_node *node, struct nsim_wheel *w, const struct nsim_params *p, enum nsim_dir dir,
	 uint64_t now, struct rte_mbuf *m)
{
	const struct vn_meta *md = vn_meta(m);
	uint16_t if_index = dir == NSIM_DIR_INPUT ? md->rx_if : md->tx_if;
	uint16_t link, next;
	struct nsim_counters *c;
	uint64_t due = now, busy;
	bool reorder;

	if (unlikely(if_index >= VN_IF_MAX))
		return vn_feature_next(node, m);
	link = nsim_link(if_index, dir);
	c = &w->cnt[link];
	nsim_count(&c->received, 1);
	if (p->drop_below && rte_rand() < p->drop_below) {
		nsim_count(&c->dropped_loss, 1);
		vn_drop_reason(node, m, NSIM_ERR_LOSS);
		return VN_NEXT_DROP;
	}
	next = vn_feature_next(node, m);
	if (!p->holds)
		return next;
	busy = w->link_busy[link];
	if (p->byte_tsc_fp) {
		busy = RTE_MAX(now, busy) + nsim_serial_tsc(p, rte_pktmbuf_pkt_len(m));
		due = busy;
	}
	due += p->delay_tsc;
	reorder = p->reorder_below && rte_rand() < p->reorder_below;
	if (reorder)
		due += p->reorder_tsc;
	/* A dropped packet does not occupy the link: busy is kept only when held. */
	if (w->n_held >= p->buffer ||
	    nsim_wheel_hold(w, m, now, due, node->nexts[next], link,
			    __atomic_load_n(&nsim_link_gen[link], __ATOMIC_RELAXED)) < 0) {
		nsim_count(&c->dropped_full, 1);
		vn_drop_reason(node, m, NSIM_ERR_FULL);
		return VN_NEXT_DROP;
	}
	w->link_busy[link] = busy;
	nsim_count(&c->delayed, 1);
	if (reorder)
		nsim_count(&c->reordered, 1);
	return NSIM_HELD;
}

/* A super-frame: cut into its wire segments, each impaired on its own. */
static __rte_noinline void
nsim_super(struct vn_graph *g, struct vn_node *node, struct nsim_wheel *w,
	   const struct nsim_params *p, enum nsim_dir dir, uint64_t now, struct rte_mbuf *m)
{
	struct rte_mbuf *segs[VN_FRAME_SIZE];
	struct vn_meta md = *vn_meta(m);
	int n = vn_gso_segment_mbuf(m, vn_pktmbuf_pool, segs, VN_FRAME_SIZE);

	if (n <= 0) {
		vn_drop_reason(node, m, NSIM_ERR_GSO_BAD);
		vn_enqueue_one(g, node, VN_NEXT_DROP, m);
		return;
	}
	vn_node_count_error(node, NSIM_ERR_GSO_SEGMENTS, (uint64_t)n);
	for (int k = 0; k < n; k++) {
		*vn_meta(segs[k]) = md;
		uint16_t next = nsim_one(node, w, p, dir, now, segs[k]);
		if (next != NSIM_HELD)
			vn_enqueue_one(g, node, next, segs[k]);
	}
}

static inline uint16_t
nsim_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n,
	enum nsim_dir dir)
{
	const struct nsim_params *p = nsim_params_get();
	struct nsim_wheel *w = __atomic_load_n(&nsim_wheels[g->thread_index], __ATOMIC_ACQUIRE);
	uint16_t nexts[VN_FRAME_SIZE], kept = 0;
	uint64_t now = nsim_now();

	if (unlikely(!w)) {
		/* No wheel on this thread (no memory when enabled): the link is clean. */
		for (uint16_t i = 0; i < n; i++)
			nexts[i] = vn_feature_next(node, pkts[i]);
		vn_enqueue_nexts(g, node, pkts, nexts, n);
		return n;
	}

	/* Packets the wheel took leave the vector; the rest keep their order. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (unlikely(vn_gso_is_super(m))) {
			vn_enqueue_nexts(g, node, pkts, nexts, kept);
			kept = 0;
			nsim_super(g, node, w, p, dir, now, m);
			continue;
		}
		uint16_t next = nsim_one(node, w, p, dir, now, m);
		if (next == NSIM_HELD)
			continue;
		pkts[kept] = m;
		nexts[kept++] = next;
	}
	if (kept)
		vn_enqueue_nexts(g, node, pkts, nexts, kept);
	return n;
}

static uint16_t
nsim_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return nsim_fn(g, node, pkts, n, NSIM_DIR_INPUT);
}

static uint16_t
nsim_output_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return nsim_fn(g, node, pkts, n, NSIM_DIR_OUTPUT);
}

VN_NODE_REGISTER(nsim_input) = {
	.name = NSIM_NODE_INPUT,
	.fn = nsim_input_fn,
	.n_next = 1,
	.n_errors = NSIM_N_ERR,
	.error_names = nsim_error_names,
};

VN_NODE_REGISTER(nsim_output) = {
	.name = NSIM_NODE_OUTPUT,
	.fn = nsim_output_fn,
	.n_next = 1,
	.n_errors = NSIM_N_ERR,
	.error_names = nsim_error_names,
};

/* The wire is the last thing on the way in... */
/* The same link (and wheel slot) as nsim-output: one wire, both families. */
VN_NODE_REGISTER(nsim_output6) = {
	.name = NSIM_NODE_OUTPUT6,
	.fn = nsim_output_fn,
	.n_next = 1,
	.n_errors = NSIM_N_ERR,
	.error_names = nsim_error_names,
};

VN_FEATURE_REGISTER(nsim_input) = {
	.arc = "device-input",
	.node = NSIM_NODE_INPUT,
};

/* ...and on the way out: after the ACL output feature. */
VN_FEATURE_REGISTER(nsim_output) = {
	.arc = "ip4-output",
	.node = NSIM_NODE_OUTPUT,
	.runs_after = {"acl-plugin-out-ip4"},
};

VN_FEATURE_REGISTER(nsim_output6) = {
	.arc = "ip6-output",
	.node = NSIM_NODE_OUTPUT6,
	.runs_after = {"acl-plugin-out-ip6"},
};

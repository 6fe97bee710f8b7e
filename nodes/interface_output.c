/*
 * interface-output: last stop before the device, and the end of the
 * ip4-output feature arc. Refuses packets for an interface that is
 * administratively down or whose link is down (the FIB moves routes off a
 * down link; this covers the packets already on their way), except a
 * farewell frame (a final RA) on an interface just set admin down. The usual vector leaves on one interface, which
 * ip4-rewrite states (or one pass finds out): one state check for the whole
 * vector and, when the frame states it, no packet's tx_if read; the vector
 * moves on whole, stating the interface to port-tx.
 *
 * Reads: the frame's interface (vn_frame_if), or vn_meta.tx_if per packet
 * when the frame does not state one.
 * Writes: the frame's interface, for port-tx; drops: vn_buf.error.
 * Nexts: error-drop (0), port-tx.
 * Errors: drop reasons: output interface down, output link down.
 */
#include <vecnet/net/interface.h>
#include <vecnet/net/trace.h>

enum { OUT_NEXT_DROP, OUT_NEXT_TX, OUT_N_NEXT };
enum { OUT_ERR_DOWN, OUT_ERR_LINK_DOWN, OUT_N_ERR };

static const char *const out_errors[] = {
	[OUT_ERR_DOWN] = "output interface is down",
	[OUT_ERR_LINK_DOWN] = "output interface link is down",
};

/* Mixed interfaces or a down one: per packet, state read once per run. */
static __rte_noinline void
output_slow(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint16_t cur_if = UINT16_MAX, cur_next = OUT_NEXT_TX, cur_err = OUT_ERR_DOWN;
	bool cur_link_up = false;

	for (uint16_t i = 0; i < n; i++) {
		uint16_t tx_if = vn_meta(pkts[i])->tx_if;
		if (tx_if != cur_if) {
			const struct vn_if_fp *fp = tx_if < VN_IF_MAX ? vn_if_fp(tx_if) : NULL;
			cur_if = tx_if;
			cur_next = fp && fp->admin_up && fp->link_up ? OUT_NEXT_TX : OUT_NEXT_DROP;
			cur_err = fp && fp->admin_up ? OUT_ERR_LINK_DOWN : OUT_ERR_DOWN;
			cur_link_up = fp && fp->link_up;
		}
		nexts[i] = cur_next;
		/* A final RA sent as the interface went down still goes (6.2.5). */
		if (cur_next == OUT_NEXT_DROP && cur_link_up &&
		    (vn_meta(pkts[i])->flags & VN_META_F_FAREWELL))
			nexts[i] = OUT_NEXT_TX;
		if (nexts[i] == OUT_NEXT_DROP)
			vn_drop_reason(node, pkts[i], cur_err);
	}
	vn_enqueue_nexts(g, node, pkts, nexts, n);
}

static uint16_t
output_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t first = vn_frame_if(node), diff = 0;

	/* The usual vector leaves on one interface (ip4-rewrite says which, or
	 * one pass finds out): one state check for all of it. */
	if (unlikely(first == VN_FRAME_IF_MIXED)) {
		first = vn_meta(pkts[0])->tx_if;
		for (uint16_t i = 1; i < n; i++)
			diff |= vn_meta(pkts[i])->tx_if ^ first;
	}
	const struct vn_if_fp *fp = first < VN_IF_MAX ? vn_if_fp(first) : NULL;
	if (likely(diff == 0 && fp && fp->admin_up && fp->link_up))
		vn_enqueue_if(g, node, OUT_NEXT_TX, pkts, n, first);
	else
		output_slow(g, node, pkts, n);
	return n;
}

VN_NODE_REGISTER(interface_output) = {
	.name = "interface-output",
	.format_trace = vn_trace_format_tx,
	.fn = output_fn,
	.n_next = OUT_N_NEXT,
	.next_names = {[OUT_NEXT_TX] = "port-tx"},
	.n_errors = OUT_N_ERR,
	.error_names = out_errors,
};

/*
 * nsim-wheel: polled on every forwarding thread, it sends on the packets of
 * this thread's wheel that are due, at most a vector per poll, each to the
 * node that follows the nsim feature that held it on its arc. An idle wheel
 * costs one load per poll.
 *
 * Reads: this thread's wheel (nsim_wheels[]), nsim_flush_seq, nsim_link_on and
 * nsim_link_gen. Writes: the wheel. Nexts: error-drop (0); released packets
 * go straight to the runtime of the node the feature chose (stored with the
 * packet), as a feature's own next would. Errors: "held packets freed: nsim
 * disabled" (a link turned off or its interface deleted while it held them).
 * With `poll: adaptive` an idle thread sleeps 1 ms at a time between polls,
 * so a held packet may leave a millisecond or more late; `poll: always`
 * keeps time.
 */
#include <vecnet/node.h>

#include "nsim.h"

enum nsim_wheel_error {
	NSIM_WHEEL_ERR_FREED,
	NSIM_WHEEL_N_ERR,
};

static const char *const nsim_wheel_error_names[] = {
	[NSIM_WHEEL_ERR_FREED] = "held packets freed: nsim disabled",
};

/* A graph made after nsim was enabled (workers start after the config is
 * applied) gets its wheel now; without memory for one the thread passes
 * packets untouched rather than failing to start. */
static int
nsim_wheel_thread_init(struct vn_graph *g, struct vn_node *node)
{
	(void)node;
	nsim_thread_wheel_init(g->thread_index);
	return 0;
}

/* The graph goes away (shutdown): so do the wheel and what it holds. */
static void
nsim_wheel_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	(void)node;
	nsim_wheel_release_thread(g->thread_index);
}

static uint16_t
nsim_wheel_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct nsim_wheel *w = __atomic_load_n(&nsim_wheels[g->thread_index], __ATOMIC_ACQUIRE);
	uint32_t seq = __atomic_load_n(&nsim_flush_seq, __ATOMIC_ACQUIRE);
	struct rte_mbuf *m[VN_FRAME_SIZE];
	struct vn_node *to[VN_FRAME_SIZE];
	uint16_t link[VN_FRAME_SIZE], k;

	if (w == NULL)
		return 0;
	if (unlikely(seq != w->flush_seen)) {
		w->flush_seen = seq;
		vn_node_count_error(node, NSIM_WHEEL_ERR_FREED,
				    nsim_wheel_flush(w, nsim_link_gen, nsim_link_on));
	}
	if (likely(w->n_held == 0))
		return 0;
	k = nsim_wheel_release(w, nsim_now(), m, to, link, VN_FRAME_SIZE);
	for (uint16_t i = 0; i < k;) {
		uint16_t j = i + 1;
		/* A link turned off since: the flush above missed only packets held
		 * during this very change; they are freed, not sent. */
		if (unlikely(!__atomic_load_n(&nsim_link_on[link[i]], __ATOMIC_RELAXED))) {
			nsim_count(&w->cnt[link[i]].freed, 1);
			vn_drop_reason(node, m[i], NSIM_WHEEL_ERR_FREED);
			vn_enqueue_one(g, node, VN_NEXT_DROP, m[i]);
			i = j;
			continue;
		}
		while (j < k && to[j] == to[i] &&
		       __atomic_load_n(&nsim_link_on[link[j]], __ATOMIC_RELAXED))
			j++;
		vn_enqueue_copy(g, to[i], m + i, j - i);
		i = j;
	}
	(void)pkts;
	(void)n;
	return k;
}

VN_NODE_REGISTER(nsim_wheel) = {
	.name = NSIM_NODE_WHEEL,
	.type = VN_NODE_INPUT,
	.fn = nsim_wheel_fn,
	.n_next = 1,
	.n_errors = NSIM_WHEEL_N_ERR,
	.error_names = nsim_wheel_error_names,
	.thread_init = nsim_wheel_thread_init,
	.thread_fini = nsim_wheel_thread_fini,
};

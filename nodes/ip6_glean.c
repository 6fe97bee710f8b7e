/*
 * ip6-glean: packets whose next hop has no MAC yet (an IPv6 GLEAN adjacency:
 * their own destination on a connected prefix; INCOMPLETE: the route's next
 * hop). A neighbour solicitation goes out for that address (RFC 4861 7.2.2):
 * to its solicited-node group and the group's MAC, hop limit 255, from our
 * address on that link, with our MAC as source link-layer address; the
 * answer (ip6-local) fills the neighbour table and the adjacency.
 *
 * Holding: the packets wait in the hold queue shared with ip4-arp
 * (net/neighbor_hold.h: vn_neighbor_cfg.queue_len per next hop and thread,
 * `set ip neighbor-config`), are handed back to ip6-lookup in order once the
 * next hop resolves, and the solicitation is repeated every
 * VN_HOLD_RETRY_MS. When resolution fails (still unresolved after
 * resolve-timeout) they are answered with destination unreachable, code 3
 * address unreachable (RFC 4861 7.2.2), through ip6-icmp-error and its rate
 * limit; packets we originated ourselves are dropped instead. The node is
 * also an input node: polled on every loop, it costs one load while it holds
 * nothing. queue-length 0 holds nothing: the packet is dropped.
 *
 * Rate limit: per thread, one solicitation per target per VN_ND_RETRANS_MS
 * (a small table by hash; a collision only delays the other target's
 * solicitation), so a flood towards an absent host sends a few
 * solicitations, not one per packet.
 *
 * Reads: vn_meta.adj (GLEAN or INCOMPLETE, is_ip6), rx_if, flags; the IPv6
 * destination; for held packets the FIB6 and interface state.
 * Writes: the solicitation, a new packet (vn_meta reset, tx_if, flags
 * LOCAL_ORIGIN); held packets: vn_buf.trace_id zeroed (traced anew when
 * released); expired ones: vn_meta.icmp_type/icmp_code; drops: vn_buf.error.
 * Nexts: error-drop (0), interface-output, ip6-lookup, ip6-icmp-error.
 * Errors: drop reasons: resolution required and rate limited (queue-length
 * 0 only), interface gone or down, no buffer, hold queue full, too many
 * held, resolution timed out (our own packets); counters: solicitations
 * sent, packets held, held packets released, answered address unreachable.
 */
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/fib6.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/neighbor_hold.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>
#include <vecnet/trace.h>

#define VN_ND_RETRANS_MS 250
#define GLEAN6_SLOTS 256

enum { G6_NEXT_DROP, G6_NEXT_OUTPUT, G6_NEXT_LOOKUP, G6_NEXT_ICMP_ERROR, G6_N_NEXT };

enum {
	G6_ERR_RESOLVING,
	G6_ERR_RATE_LIMITED,
	G6_ERR_IF_DOWN,
	G6_ERR_NO_ROOM,
	G6_ERR_QUEUE_FULL,
	G6_ERR_HOLD_FULL,
	G6_ERR_TIMEOUT,
	/* counters, not drop reasons */
	G6_ERR_NS_SENT,
	G6_ERR_HELD,
	G6_ERR_RELEASED,
	G6_ERR_UNREACH,
	G6_N_ERR,
};

#define G6_HELD G6_N_ERR /* glean6_one: kept, not dropped */

static const char *const g6_errors[] = {
	[G6_ERR_RESOLVING] = "neighbor resolution required",
	[G6_ERR_RATE_LIMITED] = "neighbor resolution pending (solicitation rate limited)",
	[G6_ERR_IF_DOWN] = "interface gone or down",
	[G6_ERR_NO_ROOM] = "no buffer for the solicitation",
	[G6_ERR_QUEUE_FULL] = "hold queue full (next hop unresolved)",
	[G6_ERR_HOLD_FULL] = "too many packets held for resolution",
	[G6_ERR_TIMEOUT] = "address resolution timed out",
	[G6_ERR_NS_SENT] = "neighbor solicitations sent",
	[G6_ERR_HELD] = "packets held for address resolution",
	[G6_ERR_RELEASED] = "held packets released",
	[G6_ERR_UNREACH] = "held packets answered address unreachable",
};

struct glean6_ctx {
	uint64_t interval; /* TSC ticks between solicitations for one target */
	struct vn_hold_table *hold;
	struct {
		uint64_t tsc;
		uint32_t if_index;
		struct vn_ip6 target;
	} slot[GLEAN6_SLOTS];
};

static const struct vn_hold_family glean6_family;

static int
glean6_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct glean6_ctx *ctx = rte_zmalloc("ip6_glean_ctx", sizeof(*ctx), 0);

	if (!ctx)
		return -ENOMEM;
	ctx->hold = vn_hold_table_create(&glean6_family);
	if (!ctx->hold) {
		rte_free(ctx);
		return -ENOMEM;
	}
	ctx->interval = rte_get_tsc_hz() * VN_ND_RETRANS_MS / 1000;
	node->ctx = ctx;
	return 0;
}

/* Shutdown or graph rebuild: held packets go back to the pool. */
static void
glean6_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	struct glean6_ctx *ctx = node->ctx;

	if (ctx)
		vn_hold_table_free(ctx->hold);
	rte_free(ctx);
	node->ctx = NULL;
}

/* True if a solicitation for target may go now (and records it). */
static bool
glean6_may_send(struct glean6_ctx *ctx, uint32_t if_index, const struct vn_ip6 *target,
		uint64_t now)
{
	uint32_t h = rte_hash_crc(target->b, 16, if_index) % GLEAN6_SLOTS;

	if (ctx->slot[h].tsc && now - ctx->slot[h].tsc < ctx->interval &&
	    ctx->slot[h].if_index == if_index && vn_ip6_eq(&ctx->slot[h].target, target))
		return false;
	ctx->slot[h].tsc = now;
	ctx->slot[h].if_index = if_index;
	ctx->slot[h].target = *target;
	return true;
}

/* A neighbour solicitation for target out of fp, to its solicited-node group. */
static inline struct rte_mbuf *
glean6_ns_build(const struct vn_if_fp *fp, const struct vn_ip6 *target, uint16_t rx_if)
{
	struct rte_mbuf *m = vn_nd6_ns_build(fp, target, vn_if_src6(fp, target), NULL);

	if (likely(m))
		vn_meta(m)->rx_if = rx_if;
	return m;
}

/* Handles one packet; a solicitation, if any, is stored in *ns. Returns the
 * drop reason, or G6_HELD. */
static inline uint16_t
glean6_one(struct glean6_ctx *ctx, struct rte_mbuf *m, uint64_t now, uint32_t queue_len,
	   struct rte_mbuf **ns)
{
	const struct vn_adj *adj = vn_meta(m)->adj;
	const struct vn_if_fp *fp = vn_if_fp(adj->tx_if);
	union vn_hold_addr target = {0};
	bool may_send;

	*ns = NULL;
	if (unlikely(!fp || !fp->admin_up))
		return G6_ERR_IF_DOWN;
	if (adj->type == VN_ADJ_INCOMPLETE)
		target.ip6 = adj->nh6;
	else
		memcpy(target.ip6.b, rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *)->dst_addr, 16);
	may_send = glean6_may_send(ctx, adj->tx_if, &target.ip6, now);
	if (may_send) {
		*ns = glean6_ns_build(fp, &target.ip6, vn_meta(m)->rx_if);
		if (unlikely(!*ns))
			return G6_ERR_NO_ROOM;
	}
	if (queue_len == 0)
		return may_send ? G6_ERR_RESOLVING : G6_ERR_RATE_LIMITED;
	switch (vn_hold_add(ctx->hold, m, adj, &target, now, queue_len)) {
	case VN_HOLD_HELD:
		return G6_HELD;
	case VN_HOLD_QUEUE_FULL:
		return G6_ERR_QUEUE_FULL;
	default:
		return G6_ERR_HOLD_FULL;
	}
}

/* Glean: resolving adds a /128 host route for the target, so it looks up
 * elsewhere. Incomplete: the adjacency changed. */
static bool
glean6_hold_done(const struct vn_hold *h)
{
	const struct vn_adj *a;

	if (h->adj_type == VN_ADJ_INCOMPLETE) {
		a = vn_adj_get(h->adj_index);
		return a->type != VN_ADJ_INCOMPLETE || !vn_ip6_eq(&a->nh6, &h->target.ip6) ||
		       a->tx_if != h->if_index;
	}
	return vn_lpm6_lookup(vn_fib6, h->target.ip6.b) != h->adj_index;
}

static struct rte_mbuf *
glean6_hold_request(const struct vn_hold *h)
{
	return glean6_ns_build(vn_if_fp(h->if_index), &h->target.ip6, h->rx_if);
}

static const struct vn_hold_family glean6_family = {
	.done = glean6_hold_done,
	.request = glean6_hold_request,
};

/* The poll: resolved packets go back to ip6-lookup; those that waited in
 * vain are answered address unreachable (ours are dropped); solicitations
 * are repeated. */
static uint16_t
glean6_poll(struct vn_graph *g, struct vn_node *node, struct glean6_ctx *ctx)
{
	struct rte_mbuf *drops[VN_FRAME_SIZE];
	uint16_t n_drops = 0, n_unreach = 0;
	struct vn_hold_out out;

	if (likely(vn_hold_is_empty(ctx->hold)) || !vn_hold_poll(ctx->hold, rte_rdtsc(), &out))
		return 0;
	if (out.n_released) {
		vn_trace_input(g, node, out.released, out.n_released);
		vn_enqueue(g, node, G6_NEXT_LOOKUP, out.released, out.n_released);
		vn_node_count_error(node, G6_ERR_RELEASED, out.n_released);
	}
	for (uint16_t i = 0; i < out.n_expired; i++) {
		struct rte_mbuf *m = out.expired[i];
		struct vn_meta *meta = vn_meta(m);

		if (meta->flags & VN_META_F_LOCAL_ORIGIN) {
			vn_drop_reason(node, m, G6_ERR_TIMEOUT);
			drops[n_drops++] = m;
			continue;
		}
		meta->icmp_type = VN_ICMP6_DEST_UNREACH;
		meta->icmp_code = VN_ICMP6_CODE_ADDR_UNREACH;
		out.expired[n_unreach++] = m;
	}
	vn_enqueue(g, node, G6_NEXT_ICMP_ERROR, out.expired, n_unreach);
	if (n_unreach)
		vn_node_count_error(node, G6_ERR_UNREACH, n_unreach);
	vn_enqueue(g, node, G6_NEXT_DROP, drops, n_drops);
	vn_enqueue(g, node, G6_NEXT_OUTPUT, out.requests, out.n_requests);
	if (out.n_requests)
		vn_node_count_error(node, G6_ERR_NS_SENT, out.n_requests);
	return out.n_released + out.n_expired + out.n_requests;
}

static uint16_t
glean6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct glean6_ctx *ctx = node->ctx;
	struct rte_mbuf *nss[VN_FRAME_SIZE], *drops[VN_FRAME_SIZE];
	uint16_t n_nss = 0, n_drops = 0;
	uint32_t queue_len;
	uint64_t now;

	if (n == 0)
		return glean6_poll(g, node, ctx); /* polled as an input node */
	now = rte_rdtsc();
	queue_len = __atomic_load_n(&vn_neighbor_cfg.queue_len, __ATOMIC_RELAXED);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *ns;
		uint16_t r = glean6_one(ctx, pkts[i], now, queue_len, &ns);

		if (ns)
			nss[n_nss++] = ns;
		if (r == G6_HELD)
			continue;
		vn_drop_reason(node, pkts[i], r);
		drops[n_drops++] = pkts[i];
	}
	vn_enqueue(g, node, G6_NEXT_DROP, drops, n_drops);
	vn_enqueue(g, node, G6_NEXT_OUTPUT, nss, n_nss);
	if (n_nss)
		vn_node_count_error(node, G6_ERR_NS_SENT, n_nss);
	if (n_drops != n)
		vn_node_count_error(node, G6_ERR_HELD, n - n_drops);
	return n;
}

VN_NODE_REGISTER(ip6_glean) = {
	.name = "ip6-glean",
	.format_trace = vn_trace_format_ip6,
	.type = VN_NODE_INPUT, /* also polled: releases and expires held packets */
	.fn = glean6_fn,
	.n_next = G6_N_NEXT,
	.next_names =
		{
			[G6_NEXT_DROP] = "error-drop",
			[G6_NEXT_OUTPUT] = "interface-output",
			[G6_NEXT_LOOKUP] = "ip6-lookup",
			[G6_NEXT_ICMP_ERROR] = "ip6-icmp-error",
		},
	.n_errors = G6_N_ERR,
	.error_names = g6_errors,
	.thread_init = glean6_thread_init,
	.thread_fini = glean6_thread_fini,
};

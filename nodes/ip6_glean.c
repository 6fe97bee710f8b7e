/*
 * ip6-glean: a packet whose next hop has no MAC yet (an IPv6 GLEAN
 * adjacency: its own destination on a connected prefix; INCOMPLETE: the
 * route's next hop). The packet becomes a neighbour solicitation for that
 * address (RFC 4861 7.2.2): to its solicited-node group and the group's MAC,
 * hop limit 255, from our address on that link, with our MAC as source
 * link-layer address. The answer (ip6-local) fills the neighbour table and
 * the adjacency; the packets after it are forwarded. The packet that asked
 * is not held (IPv4's ip4-arp holds a few: not yet for IPv6).
 *
 * Rate limit: per thread, one solicitation per target per
 * VN_ND_RETRANS_MS (a small table by hash; a collision only delays the
 * other target's solicitation), so a flood towards an absent host sends
 * a few solicitations, not one per packet.
 *
 * Reads: vn_meta.adj (GLEAN or INCOMPLETE, is_ip6), the IPv6 destination.
 * Writes: the packet, now the solicitation (Ethernet header included),
 * vn_meta.tx_if, flags (LOCAL_ORIGIN); drops: vn_buf.error.
 * Nexts: error-drop (0), interface-output.
 * Errors: drop reasons: resolution already asked (rate limited), interface
 * gone or down, no buffer room; counter: solicitations sent.
 */
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

#define VN_ND_RETRANS_MS 250
#define GLEAN6_SLOTS 256
#define NS_LEN (sizeof(struct rte_ipv6_hdr) + sizeof(struct vn_nd_msg) + 8)

enum { G6_NEXT_DROP, G6_NEXT_OUTPUT, G6_N_NEXT };

enum { G6_ERR_RATE_LIMITED, G6_ERR_IF_DOWN, G6_ERR_NO_ROOM, G6_ERR_NS_SENT, G6_N_ERR };

static const char *const g6_errors[] = {
	[G6_ERR_RATE_LIMITED] = "neighbor resolution pending (solicitation rate limited)",
	[G6_ERR_IF_DOWN] = "interface gone or down",
	[G6_ERR_NO_ROOM] = "no buffer room for the solicitation",
	[G6_ERR_NS_SENT] = "neighbor solicitations sent",
};

struct glean6_ctx {
	uint64_t interval; /* TSC ticks between solicitations for one target */
	struct {
		uint64_t tsc;
		uint32_t if_index;
		struct vn_ip6 target;
	} slot[GLEAN6_SLOTS];
};

static int
glean6_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct glean6_ctx *ctx = rte_zmalloc("ip6_glean_ctx", sizeof(*ctx), 0);

	if (!ctx)
		return -ENOMEM;
	ctx->interval = rte_get_tsc_hz() * VN_ND_RETRANS_MS / 1000;
	node->ctx = ctx;
	return 0;
}

static void
glean6_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
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

static inline uint16_t
glean6_one(struct vn_node *node, struct glean6_ctx *ctx, struct rte_mbuf *m, uint64_t now,
	   uint32_t *counts)
{
	const struct vn_adj *adj = vn_meta(m)->adj;
	const struct vn_if_fp *fp = vn_if_fp(adj->tx_if);
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct vn_ip6 target, group;
	struct vn_nd_msg *ns;
	uint8_t mac[6], *opt;

	if (unlikely(!fp || !fp->admin_up)) {
		vn_drop_reason(node, m, G6_ERR_IF_DOWN);
		return G6_NEXT_DROP;
	}
	if (adj->type == VN_ADJ_INCOMPLETE)
		target = adj->nh6;
	else
		memcpy(target.b, ip->dst_addr, 16);
	if (!glean6_may_send(ctx, adj->tx_if, &target, now)) {
		vn_drop_reason(node, m, G6_ERR_RATE_LIMITED);
		return G6_NEXT_DROP;
	}
	/* The packet's buffer carries the solicitation: one segment, from the start. */
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	if (m->buf_len < RTE_PKTMBUF_HEADROOM + NS_LEN) {
		vn_drop_reason(node, m, G6_ERR_NO_ROOM);
		return G6_NEXT_DROP;
	}
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = NS_LEN;
	m->pkt_len = NS_LEN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	vn_ip6_solicited_node_of(&target, &group);
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(NS_LEN - sizeof(*ip)),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = VN_ND_HOP_LIMIT,
	};
	memcpy(ip->src_addr, vn_if_src6(fp, &target)->b, 16);
	memcpy(ip->dst_addr, group.b, 16);
	ns = (struct vn_nd_msg *)(ip + 1);
	*ns = (struct vn_nd_msg){
		.icmp = {.type = VN_ICMP6_NEIGHBOR_SOLICIT},
		.target = target,
	};
	opt = (uint8_t *)(ns + 1);
	opt[0] = VN_ND_OPT_SRC_LLADDR;
	opt[1] = 1;
	memcpy(opt + 2, fp->mac, 6);
	ns->icmp.cksum = vn_ip6_l4_cksum(ip, ns, NS_LEN - sizeof(*ip), VN_IP6_NH_ICMP6);
	vn_meta(m)->flags = VN_META_F_LOCAL_ORIGIN;
	vn_meta(m)->adj = NULL;
	vn_ip6_mcast_mac_of(&group, mac);
	if (unlikely(!vn_ip6_prepend_l2(m, fp, mac))) {
		vn_drop_reason(node, m, G6_ERR_NO_ROOM);
		return G6_NEXT_DROP;
	}
	counts[G6_ERR_NS_SENT]++;
	return G6_NEXT_OUTPUT;
}

static uint16_t
glean6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t counts[G6_N_ERR] = {0};
	uint16_t nexts[VN_FRAME_SIZE];
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++)
		nexts[i] = glean6_one(node, node->ctx, pkts[i], now, counts);
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, counts, G6_ERR_NS_SENT, 1);
	return n;
}

VN_NODE_REGISTER(ip6_glean) = {
	.name = "ip6-glean",
	.format_trace = vn_trace_format_ip6,
	.fn = glean6_fn,
	.n_next = G6_N_NEXT,
	.next_names =
		{
			[G6_NEXT_OUTPUT] = "interface-output",
		},
	.n_errors = G6_N_ERR,
	.error_names = g6_errors,
	.thread_init = glean6_thread_init,
	.thread_fini = glean6_thread_fini,
};

/*
 * ip4-arp: resolves next hops that have no MAC yet (VPP's ip4-glean and
 * ip4-arp in one node) and holds the packets waiting for them, as Linux's
 * arp_queue does, so the first ping or SYN to a new neighbour leaves once it
 * answers instead of being dropped. The target is the packet's own
 * destination for a GLEAN adjacency (connected subnet) and adj->nh for an
 * INCOMPLETE one. Requests are throttled per thread to one per target and
 * interface every VN_IP4_ARP_INTERVAL_MS, in a small set-associative table
 * keyed by (interface, target) with the TSC of the last request: a burst
 * towards an unresolved host costs one request. The request is one mbuf
 * from vn_pktmbuf_pool, a whole Ethernet frame for port-tx.
 *
 * Holding: the hold queue shared with ip6-glean (net/neighbor_hold.h):
 * each thread keeps, in its own table (nothing shared, nothing locked), up to
 * vn_neighbor_cfg.queue_len packets per (interface, target) and
 * VN_HOLD_PKTS in all. The node is also an input node: polled on
 * every loop, it costs one load while it holds nothing. While it holds
 * packets it looks at them again whenever the FIB moves (vn_fib_epoch) and
 * every VN_HOLD_SCAN_MS. A next hop that resolved (its adjacency is no
 * longer INCOMPLETE, or the target no longer looks up to the glean), or
 * whose interface went down or away, hands its packets back to ip4-lookup in
 * arrival order: the lookup finds their adjacency afresh (the one they
 * carried may be freed by now), and a down interface is dropped there with
 * its reason. Packets still unresolved after timeout_ms are dropped; the
 * request is repeated every VN_HOLD_RETRY_MS meanwhile (IPv4 drops them,
 * as VPP does; ip6-glean answers address unreachable). A thread's graph
 * going away frees what it holds. queue_len 0 holds nothing (VPP's way: the
 * trigger is dropped and the sender retransmits).
 *
 * Reads: vn_meta.adj, rx_if; the IPv4 destination at data offset 0 (GLEAN);
 * for held packets the FIB (LPM, adjacencies) and interface state.
 * Writes: the request, a new packet: vn_buf and vn_meta zeroed, then
 * vn_meta.rx_if (the trigger's), tx_if (adj->tx_if), flags (LOCAL_ORIGIN);
 * the trigger: vn_buf.error when dropped; vn_buf.trace_id zeroed when held
 * (a released packet is traced anew, as input).
 * Nexts: error-drop (0), port-tx for the requests, ip4-lookup for released
 * packets.
 * Errors: drop reasons (address resolution required and rate-limited only
 * with queue-length 0; hold queue full, too many packets held, resolution
 * timed out, no buffer, bad adjacency, truncated, interface down, no source
 * address, group target); counters: arp requests sent, packets held,
 * held packets released.
 */
#include <errno.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/net/vlan.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/net/neighbor_hold.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>
#include <vecnet/trace.h>

#define VN_IP4_ARP_INTERVAL_MS 100
#define IP4_ARP_BUCKET_BITS 8
#define IP4_ARP_BUCKETS (1u << IP4_ARP_BUCKET_BITS)
#define IP4_ARP_WAYS 4

enum ip4_arp_next {
	IP4_ARP_NEXT_DROP = VN_NEXT_DROP,
	IP4_ARP_NEXT_PORT_TX,
	IP4_ARP_NEXT_LOOKUP,
	IP4_ARP_N_NEXT,
};

enum ip4_arp_error {
	IP4_ARP_ERR_RESOLVING,
	IP4_ARP_ERR_THROTTLED,
	IP4_ARP_ERR_NO_BUFFER,
	IP4_ARP_ERR_BAD_ADJ,
	IP4_ARP_ERR_TRUNCATED,
	IP4_ARP_ERR_IF_DOWN,
	IP4_ARP_ERR_NO_SRC,
	IP4_ARP_ERR_GROUP,
	IP4_ARP_ERR_QUEUE_FULL,
	IP4_ARP_ERR_HOLD_FULL,
	IP4_ARP_ERR_TIMEOUT,
	/* counters, not drop reasons */
	IP4_ARP_ERR_REQUESTS_SENT,
	IP4_ARP_ERR_HELD,
	IP4_ARP_ERR_RELEASED,
	IP4_ARP_N_ERROR,
};

#define IP4_ARP_HELD IP4_ARP_N_ERROR /* ip4_arp_one: kept, not dropped */

static const char *const ip4_arp_error_names[IP4_ARP_N_ERROR] = {
	[IP4_ARP_ERR_RESOLVING] = "address resolution required",
	[IP4_ARP_ERR_THROTTLED] = "arp request rate-limited",
	[IP4_ARP_ERR_NO_BUFFER] = "no buffer for arp request",
	[IP4_ARP_ERR_BAD_ADJ] = "adjacency is not glean or incomplete",
	[IP4_ARP_ERR_TRUNCATED] = "truncated ip4 header",
	[IP4_ARP_ERR_IF_DOWN] = "interface down",
	[IP4_ARP_ERR_NO_SRC] = "no source address on interface",
	[IP4_ARP_ERR_GROUP] = "target is broadcast or multicast",
	[IP4_ARP_ERR_QUEUE_FULL] = "hold queue full (next hop unresolved)",
	[IP4_ARP_ERR_HOLD_FULL] = "too many packets held for resolution",
	[IP4_ARP_ERR_TIMEOUT] = "address resolution timed out",
	[IP4_ARP_ERR_REQUESTS_SENT] = "arp requests sent",
	[IP4_ARP_ERR_HELD] = "packets held for address resolution",
	[IP4_ARP_ERR_RELEASED] = "held packets released",
};

struct ip4_arp_entry {
	uint32_t addr;
	uint16_t if_index;
	bool is_used;
	uint64_t tsc; /* when the last request for addr went out */
};

struct ip4_arp_ctx {
	uint64_t interval_tsc;
	struct vn_hold_table *hold;
	struct ip4_arp_entry table[IP4_ARP_BUCKETS][IP4_ARP_WAYS];
};

static const struct vn_hold_family ip4_arp_family;

static int
ip4_arp_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct ip4_arp_ctx *ctx = rte_zmalloc("ip4_arp_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);

	if (!ctx)
		return -ENOMEM;
	ctx->hold = vn_hold_table_create(&ip4_arp_family);
	if (!ctx->hold) {
		rte_free(ctx);
		return -ENOMEM;
	}
	ctx->interval_tsc = rte_get_tsc_hz() / 1000 * VN_IP4_ARP_INTERVAL_MS;
	node->ctx = ctx;
	return 0;
}

/* Shutdown or graph rebuild: held packets go back to the pool. */
static void
ip4_arp_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	struct ip4_arp_ctx *ctx = node->ctx;

	if (ctx)
		vn_hold_table_free(ctx->hold);
	rte_free(ctx);
	node->ctx = NULL;
}

/* True when a request for (if_index, addr) may go now; records it if so. A
 * full bucket evicts its oldest entry, which at worst lets one extra request
 * through: the limit protects the wire, it is not an exact count. */
static inline bool
ip4_arp_may_send(struct ip4_arp_ctx *ctx, uint16_t if_index, uint32_t addr, uint64_t now)
{
	uint32_t h = (addr ^ ((uint32_t)if_index << 24)) * 0x9e3779b1u;
	/* Fibonacci hashing: the top bits are the well-mixed ones. */
	struct ip4_arp_entry *b = ctx->table[h >> (32 - IP4_ARP_BUCKET_BITS)];
	struct ip4_arp_entry *victim = &b[0];

	for (int w = 0; w < IP4_ARP_WAYS; w++) {
		struct ip4_arp_entry *e = &b[w];
		if (e->is_used && e->addr == addr && e->if_index == if_index) {
			if (now - e->tsc < ctx->interval_tsc)
				return false;
			e->tsc = now;
			return true;
		}
		if (!e->is_used || (victim->is_used && e->tsc < victim->tsc))
			victim = e;
	}
	*victim = (struct ip4_arp_entry){
		.addr = addr,
		.if_index = if_index,
		.is_used = true,
		.tsc = now,
	};
	return true;
}

/* The interface address on target's subnet, else the first one. */
static inline uint32_t
ip4_arp_src(const struct vn_if_fp *fp, uint32_t target)
{
	for (uint32_t i = 0; i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if ((target & mask) == (fp->addrs[i].addr & mask))
			return fp->addrs[i].addr;
	}
	return fp->addrs[0].addr;
}

/* Subnet-directed broadcast of the connected prefix (not for /31 and /32). */
static inline bool
ip4_arp_is_group(const struct vn_if_fp *fp, uint32_t target)
{
	if (target == UINT32_MAX || (target & 0xf0000000u) == 0xe0000000u)
		return true;
	for (uint32_t i = 0; i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if (fp->addrs[i].len < 31 && (target & mask) == (fp->addrs[i].addr & mask) &&
		    (target | mask) == UINT32_MAX)
			return true;
	}
	return false;
}

static inline struct rte_mbuf *
ip4_arp_build(const struct vn_if_fp *fp, uint32_t src, uint32_t target, uint16_t rx_if)
{
	static const uint8_t bcast[RTE_ETHER_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct rte_mbuf *r = rte_pktmbuf_alloc(vn_pktmbuf_pool);
	struct rte_arp_hdr *arp;
	struct vn_meta *meta;
	uint8_t *eth;

	if (unlikely(!r))
		return NULL;
	/* On a sub-interface the Ethernet header carries its VLAN tags. */
	eth = (uint8_t *)rte_pktmbuf_append(r, vn_if_l2_len(fp) + sizeof(*arp));
	if (unlikely(!eth)) {
		rte_pktmbuf_free(r);
		return NULL;
	}
	arp = (struct rte_arp_hdr *)(eth + vn_if_l2_len(fp));
	vn_if_l2_write(fp, eth, bcast, RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(arp->arp_data.arp_sha.addr_bytes, fp->mac, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_sip = rte_cpu_to_be_32(src);
	memset(arp->arp_data.arp_tha.addr_bytes, 0, RTE_ETHER_ADDR_LEN);
	arp->arp_data.arp_tip = rte_cpu_to_be_32(target);

	/* The private area is not reset by the pool: clear what a previous life
	 * left, the core's part (error, trace number) as well as vn_meta. */
	vn_meta_reset(r);
	meta = vn_meta(r);
	meta->rx_if = rx_if;
	meta->tx_if = fp->if_index;
	meta->flags = VN_META_F_LOCAL_ORIGIN;
	return r;
}

/* Handles one packet; a request, if any, is stored in *req. Returns the drop
 * reason, or IP4_ARP_HELD. */
static inline uint16_t
ip4_arp_one(struct ip4_arp_ctx *ctx, struct rte_mbuf *m, uint64_t now, uint32_t queue_len,
	    struct rte_mbuf **req)
{
	struct vn_meta *meta = vn_meta(m);
	const struct vn_adj *adj = meta->adj;
	const struct vn_if_fp *fp;
	uint32_t target;
	bool may_send;

	*req = NULL;
	if (unlikely(!adj))
		return IP4_ARP_ERR_BAD_ADJ;
	if (adj->type == VN_ADJ_GLEAN) {
		if (unlikely(rte_pktmbuf_data_len(m) < sizeof(struct rte_ipv4_hdr)))
			return IP4_ARP_ERR_TRUNCATED;
		target = rte_be_to_cpu_32(rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *)->dst_addr);
	} else if (adj->type == VN_ADJ_INCOMPLETE) {
		target = adj->nh;
	} else {
		return IP4_ARP_ERR_BAD_ADJ;
	}
	fp = adj->tx_if < VN_IF_MAX ? vn_if_fp(adj->tx_if) : NULL;
	if (unlikely(!fp || !fp->admin_up || !fp->link_up))
		return IP4_ARP_ERR_IF_DOWN;
	if (unlikely(fp->n_addrs == 0))
		return IP4_ARP_ERR_NO_SRC;
	if (unlikely(ip4_arp_is_group(fp, target)))
		return IP4_ARP_ERR_GROUP;
	may_send = ip4_arp_may_send(ctx, fp->if_index, target, now);
	if (may_send) {
		*req = ip4_arp_build(fp, ip4_arp_src(fp, target), target, meta->rx_if);
		if (unlikely(!*req))
			return IP4_ARP_ERR_NO_BUFFER;
	}
	if (queue_len == 0)
		return may_send ? IP4_ARP_ERR_RESOLVING : IP4_ARP_ERR_THROTTLED;
	switch (vn_hold_add(ctx->hold, m, adj, &(union vn_hold_addr){.ip4 = target}, now,
			    queue_len)) {
	case VN_HOLD_HELD:
		return IP4_ARP_HELD;
	case VN_HOLD_QUEUE_FULL:
		return IP4_ARP_ERR_QUEUE_FULL;
	default:
		return IP4_ARP_ERR_HOLD_FULL;
	}
}

/* Glean: resolving adds a host route for the target, so it looks up
 * elsewhere. Incomplete: the adjacency changed. */
static bool
ip4_arp_hold_done(const struct vn_hold *h)
{
	const struct vn_adj *a;
	uint32_t nh;

	if (h->adj_type == VN_ADJ_INCOMPLETE) {
		a = vn_adj_get(h->adj_index);
		return a->type != VN_ADJ_INCOMPLETE || a->nh != h->target.ip4 ||
		       a->tx_if != h->if_index;
	}
	return rte_lpm_lookup(vn_fib_lpm, h->target.ip4, &nh) != 0 || nh != h->adj_index;
}

static struct rte_mbuf *
ip4_arp_hold_request(const struct vn_hold *h)
{
	const struct vn_if_fp *fp = vn_if_fp(h->if_index);

	if (fp->n_addrs == 0)
		return NULL;
	return ip4_arp_build(fp, ip4_arp_src(fp, h->target.ip4), h->target.ip4, h->rx_if);
}

static const struct vn_hold_family ip4_arp_family = {
	.done = ip4_arp_hold_done,
	.request = ip4_arp_hold_request,
};

/* The poll: hands resolved packets to ip4-lookup, drops timed-out ones,
 * repeats requests. */
static uint16_t
ip4_arp_poll(struct vn_graph *g, struct vn_node *node, struct ip4_arp_ctx *ctx)
{
	struct vn_hold_out out;

	if (likely(vn_hold_is_empty(ctx->hold)) || !vn_hold_poll(ctx->hold, rte_rdtsc(), &out))
		return 0;
	if (out.n_released) {
		vn_trace_input(g, node, out.released, out.n_released);
		vn_enqueue(g, node, IP4_ARP_NEXT_LOOKUP, out.released, out.n_released);
		vn_node_count_error(node, IP4_ARP_ERR_RELEASED, out.n_released);
	}
	for (uint16_t i = 0; i < out.n_expired; i++)
		vn_drop_reason(node, out.expired[i], IP4_ARP_ERR_TIMEOUT);
	vn_enqueue(g, node, IP4_ARP_NEXT_DROP, out.expired, out.n_expired);
	vn_enqueue(g, node, IP4_ARP_NEXT_PORT_TX, out.requests, out.n_requests);
	if (out.n_requests)
		vn_node_count_error(node, IP4_ARP_ERR_REQUESTS_SENT, out.n_requests);
	return out.n_released + out.n_expired + out.n_requests;
}

static uint16_t
ip4_arp_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct ip4_arp_ctx *ctx = node->ctx;
	struct rte_mbuf *reqs[VN_FRAME_SIZE], *drops[VN_FRAME_SIZE];
	uint16_t n_reqs = 0, n_drops = 0;
	uint32_t queue_len;
	uint64_t now;

	if (n == 0)
		return ip4_arp_poll(g, node, ctx); /* polled as an input node */
	now = rte_rdtsc();
	queue_len = __atomic_load_n(&vn_neighbor_cfg.queue_len, __ATOMIC_RELAXED);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *req;
		uint16_t r = ip4_arp_one(ctx, pkts[i], now, queue_len, &req);

		if (req)
			reqs[n_reqs++] = req;
		if (r == IP4_ARP_HELD)
			continue;
		vn_drop_reason(node, pkts[i], r);
		drops[n_drops++] = pkts[i];
	}
	/* Nothing held: the whole vector moves to error-drop at once. */
	if (n_drops == n)
		vn_enqueue(g, node, IP4_ARP_NEXT_DROP, pkts, n);
	else
		vn_enqueue(g, node, IP4_ARP_NEXT_DROP, drops, n_drops);
	vn_enqueue(g, node, IP4_ARP_NEXT_PORT_TX, reqs, n_reqs);
	if (n_reqs)
		vn_node_count_error(node, IP4_ARP_ERR_REQUESTS_SENT, n_reqs);
	if (n_drops != n)
		vn_node_count_error(node, IP4_ARP_ERR_HELD, n - n_drops);
	return n;
}

VN_NODE_REGISTER(ip4_arp) = {
	.name = "ip4-arp",
	.format_trace = vn_trace_format_ip4,
	.type = VN_NODE_INPUT, /* also polled: releases and expires held packets */
	.fn = ip4_arp_fn,
	.n_next = IP4_ARP_N_NEXT,
	.next_names =
		{
			[IP4_ARP_NEXT_DROP] = "error-drop",
			[IP4_ARP_NEXT_PORT_TX] = "port-tx",
			[IP4_ARP_NEXT_LOOKUP] = "ip4-lookup",
		},
	.n_errors = IP4_ARP_N_ERROR,
	.error_names = ip4_arp_error_names,
	.thread_init = ip4_arp_thread_init,
	.thread_fini = ip4_arp_thread_fini,
};

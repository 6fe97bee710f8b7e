/*
 * ip4-arp: sends an ARP request for a packet whose next hop has no MAC yet
 * (VPP's ip4-glean and ip4-arp in one node), then drops the packet. The
 * target is the packet's own destination for a GLEAN adjacency (connected
 * subnet) and adj->nh for an INCOMPLETE one. Requests are throttled per
 * thread to one per target and interface every VN_IP4_ARP_INTERVAL_MS, in a
 * small set-associative table keyed by (interface, target) with the TSC of
 * the last request: a burst towards an unresolved host costs one request,
 * and no state is shared between threads. The request is one mbuf from
 * vn_pktmbuf_pool, a whole Ethernet frame for port-tx. Like VPP (and unlike
 * Linux) the triggering packet is not queued: the sender retransmits.
 *
 * Reads: vn_meta.adj, rx_if; the IPv4 destination at data offset 0 (GLEAN).
 * Writes: the request, a new packet: vn_buf and vn_meta zeroed, then
 * vn_meta.rx_if (the trigger's), tx_if (adj->tx_if), flags (LOCAL_ORIGIN);
 * the trigger: vn_buf.error.
 * Nexts: error-drop (0) for every input packet, port-tx for the requests.
 * Errors: drop reasons, one of which every input packet gets (address
 * resolution required, rate-limited, no buffer, bad adjacency, truncated,
 * interface down, no source address, group target); counter: arp requests
 * sent.
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
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

#define VN_IP4_ARP_INTERVAL_MS 100
#define IP4_ARP_BUCKET_BITS 8
#define IP4_ARP_BUCKETS (1u << IP4_ARP_BUCKET_BITS)
#define IP4_ARP_WAYS 4

enum ip4_arp_next {
	IP4_ARP_NEXT_DROP = VN_NEXT_DROP,
	IP4_ARP_NEXT_PORT_TX,
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
	/* counter, not a drop reason */
	IP4_ARP_ERR_REQUESTS_SENT,
	IP4_ARP_N_ERROR,
};

static const char *const ip4_arp_error_names[IP4_ARP_N_ERROR] = {
	[IP4_ARP_ERR_RESOLVING] = "address resolution required",
	[IP4_ARP_ERR_THROTTLED] = "arp request rate-limited",
	[IP4_ARP_ERR_NO_BUFFER] = "no buffer for arp request",
	[IP4_ARP_ERR_BAD_ADJ] = "adjacency is not glean or incomplete",
	[IP4_ARP_ERR_TRUNCATED] = "truncated ip4 header",
	[IP4_ARP_ERR_IF_DOWN] = "interface down",
	[IP4_ARP_ERR_NO_SRC] = "no source address on interface",
	[IP4_ARP_ERR_GROUP] = "target is broadcast or multicast",
	[IP4_ARP_ERR_REQUESTS_SENT] = "arp requests sent",
};

struct ip4_arp_entry {
	uint32_t addr;
	uint16_t if_index;
	bool is_used;
	uint64_t tsc; /* when the last request for addr went out */
};

struct ip4_arp_ctx {
	uint64_t interval_tsc;
	struct ip4_arp_entry table[IP4_ARP_BUCKETS][IP4_ARP_WAYS];
};

static int
ip4_arp_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct ip4_arp_ctx *ctx = rte_zmalloc("ip4_arp_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE);

	if (!ctx)
		return -ENOMEM;
	ctx->interval_tsc = rte_get_tsc_hz() * VN_IP4_ARP_INTERVAL_MS / 1000;
	node->ctx = ctx;
	return 0;
}

static void
ip4_arp_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
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

/* Handles one packet; a request, if any, is stored in *req. Returns the drop reason. */
static inline uint16_t
ip4_arp_one(struct ip4_arp_ctx *ctx, struct rte_mbuf *m, uint64_t now, struct rte_mbuf **req)
{
	struct vn_meta *meta = vn_meta(m);
	const struct vn_adj *adj = meta->adj;
	const struct vn_if_fp *fp;
	uint32_t target;

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
	if (unlikely(!fp || !fp->admin_up))
		return IP4_ARP_ERR_IF_DOWN;
	if (unlikely(fp->n_addrs == 0))
		return IP4_ARP_ERR_NO_SRC;
	if (unlikely(ip4_arp_is_group(fp, target)))
		return IP4_ARP_ERR_GROUP;
	if (!ip4_arp_may_send(ctx, fp->if_index, target, now))
		return IP4_ARP_ERR_THROTTLED;
	*req = ip4_arp_build(fp, ip4_arp_src(fp, target), target, meta->rx_if);
	if (unlikely(!*req))
		return IP4_ARP_ERR_NO_BUFFER;
	return IP4_ARP_ERR_RESOLVING;
}

static uint16_t
ip4_arp_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct ip4_arp_ctx *ctx = node->ctx;
	struct rte_mbuf *reqs[VN_FRAME_SIZE];
	uint16_t n_reqs = 0;
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *req;
		vn_drop_reason(node, pkts[i], ip4_arp_one(ctx, pkts[i], now, &req));
		if (req)
			reqs[n_reqs++] = req;
	}
	/* Every trigger is dropped, so the whole vector moves to error-drop at once. */
	vn_enqueue(g, node, IP4_ARP_NEXT_DROP, pkts, n);
	vn_enqueue(g, node, IP4_ARP_NEXT_PORT_TX, reqs, n_reqs);
	if (n_reqs)
		vn_node_count_error(node, IP4_ARP_ERR_REQUESTS_SENT, n_reqs);
	return n;
}

VN_NODE_REGISTER(ip4_arp) = {
	.name = "ip4-arp",
	.format_trace = vn_trace_format_ip4,
	.type = VN_NODE_INTERNAL,
	.fn = ip4_arp_fn,
	.n_next = IP4_ARP_N_NEXT,
	.next_names =
		{
			[IP4_ARP_NEXT_DROP] = "error-drop",
			[IP4_ARP_NEXT_PORT_TX] = "port-tx",
		},
	.n_errors = IP4_ARP_N_ERROR,
	.error_names = ip4_arp_error_names,
	.thread_init = ip4_arp_thread_init,
	.thread_fini = ip4_arp_thread_fini,
};

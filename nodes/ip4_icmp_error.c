/*
 * ip4-icmp-error: turns an offending packet into the ICMP error about it, in
 * place (RFC 792, RFC 1812 4.3.2), and routes the error through ip4-lookup.
 * The error quotes the offending header and as much payload as keeps it
 * within 576 bytes, comes from the rx interface's first address (any address
 * of ours if it has none), TTL 64, DF clear, TOS 0xc0 as Linux sends. No
 * error is sent about an ICMP error, a non-first fragment, a packet to a
 * broadcast or multicast address (or received as link broadcast), or from a
 * source that is not one host (0.0.0.0, loopback, multicast, class E): each
 * is dropped by name. A per-thread token bucket (VN_ICMP_ERROR_RATE/s, burst
 * VN_ICMP_ERROR_BURST) caps what a flood of expiring packets can make us
 * send, with no state shared between threads.
 *
 * Reads: vn_meta.icmp_type, icmp_code (what to report: destination
 * unreachable or time exceeded), icmp_mtu (fragmentation needed), rx_if,
 * flags; the offending IPv4 header at data offset 0 and what follows it in
 * the first segment.
 * Writes: the packet, now the error (IPv4 and ICMP headers prepended, quote
 * cut to length, later segments freed); vn_meta.flags (LOCAL_ORIGIN set,
 * L2_BCAST cleared), adj (NULL); rx_if unchanged; drops: vn_buf.error.
 * Nexts: error-drop (0), ip4-lookup.
 * Errors: drop reasons for every packet not answered (unsupported type
 * requested, truncated or bad offending header, source unspecified or not a
 * unicast host, broadcast destination, non-first fragment, an ICMP error
 * itself, no address to send from, rate limited, no headroom); counters: time
 * exceeded, destination unreachable and fragmentation needed sent.
 */
#include <errno.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <string.h>
#include <vecnet/net/icmp.h>
#include <vecnet/net/interface.h>
#include <vecnet/node.h>
#include <vecnet/ratelimit.h>
#include <vecnet/net/trace.h>

#define VN_ICMP_ERROR_RATE 1000 /* errors per second per thread */
#define VN_ICMP_ERROR_BURST 100
#define VN_ICMP_ERROR_MAX_LEN 576 /* RFC 1812 4.3.2.3 */
#define ICMP_ERROR_HDR_LEN (sizeof(struct rte_ipv4_hdr) + 8)

enum ip4_icmp_error_next {
	ICMP_ERROR_NEXT_DROP = VN_NEXT_DROP,
	ICMP_ERROR_NEXT_LOOKUP,
	ICMP_ERROR_N_NEXT,
};

enum ip4_icmp_error_error {
	ICMP_ERROR_ERR_BAD_REQUEST,
	ICMP_ERROR_ERR_TRUNCATED,
	ICMP_ERROR_ERR_BAD_HEADER,
	ICMP_ERROR_ERR_SRC_UNSPEC,
	ICMP_ERROR_ERR_SRC_INVALID,
	ICMP_ERROR_ERR_DST_BCAST,
	ICMP_ERROR_ERR_FRAGMENT,
	ICMP_ERROR_ERR_ICMP_ERROR,
	ICMP_ERROR_ERR_NO_SRC,
	ICMP_ERROR_ERR_RATE_LIMITED,
	ICMP_ERROR_ERR_NO_HEADROOM,
	/* counters, not drop reasons */
	ICMP_ERROR_ERR_TIME_EXCEEDED,
	ICMP_ERROR_ERR_UNREACH,
	ICMP_ERROR_ERR_FRAG_NEEDED,
	ICMP_ERROR_N_ERROR,
};

static const char *const ip4_icmp_error_names[ICMP_ERROR_N_ERROR] = {
	[ICMP_ERROR_ERR_BAD_REQUEST] = "unsupported icmp error type requested",
	[ICMP_ERROR_ERR_TRUNCATED] = "offending packet truncated",
	[ICMP_ERROR_ERR_BAD_HEADER] = "offending packet has a bad ip4 header",
	[ICMP_ERROR_ERR_SRC_UNSPEC] = "source address unspecified (0.0.0.0)",
	[ICMP_ERROR_ERR_SRC_INVALID] = "source address not a unicast host",
	[ICMP_ERROR_ERR_DST_BCAST] = "destination broadcast or multicast",
	[ICMP_ERROR_ERR_FRAGMENT] = "non-first fragment",
	[ICMP_ERROR_ERR_ICMP_ERROR] = "offending packet is an icmp error",
	[ICMP_ERROR_ERR_NO_SRC] = "no address to send from",
	[ICMP_ERROR_ERR_RATE_LIMITED] = "rate limited",
	[ICMP_ERROR_ERR_NO_HEADROOM] = "no headroom for icmp header",
	[ICMP_ERROR_ERR_TIME_EXCEEDED] = "time exceeded sent",
	[ICMP_ERROR_ERR_UNREACH] = "destination unreachable sent",
	[ICMP_ERROR_ERR_FRAG_NEEDED] = "fragmentation needed sent",
};

/* The rate limit: a token bucket per thread (vecnet/ratelimit.h). */
static int
ip4_icmp_error_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct vn_token_bucket *ctx = rte_zmalloc("icmp_error_ctx", sizeof(*ctx), 0);

	if (!ctx)
		return -ENOMEM;
	vn_token_bucket_init(ctx, VN_ICMP_ERROR_RATE, VN_ICMP_ERROR_BURST);
	node->ctx = ctx;
	return 0;
}

static void
ip4_icmp_error_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
	node->ctx = NULL;
}

static inline bool
ip4_icmp_is_group(uint32_t addr)
{
	return addr == UINT32_MAX || (addr & 0xf0000000u) == 0xe0000000u;
}

static inline bool
ip4_icmp_is_error_type(uint8_t type)
{
	return type == VN_ICMP_DEST_UNREACH || type == VN_ICMP_SOURCE_QUENCH ||
	       type == VN_ICMP_REDIRECT || type == VN_ICMP_TIME_EXCEEDED ||
	       type == VN_ICMP_PARAM_PROBLEM;
}

/* Directed broadcast of one of the rx interface's subnets. */
static inline bool
ip4_icmp_is_subnet_bcast(const struct vn_if_fp *fp, uint32_t dst)
{
	for (uint32_t i = 0; fp && i < fp->n_addrs; i++) {
		uint32_t mask = vn_prefix_mask(fp->addrs[i].len);
		if (fp->addrs[i].len < 31 && (dst & mask) == (fp->addrs[i].addr & mask) &&
		    (dst | mask) == UINT32_MAX)
			return true;
	}
	return false;
}

/* The rx interface's first address; if it has none (unnumbered, or the packet
 * is our own), the first address of any interface. 0 if we have none. */
static inline uint32_t
ip4_icmp_error_src(const struct vn_if_fp *rx)
{
	if (rx && rx->n_addrs)
		return rx->addrs[0].addr;
	for (uint32_t i = 0; i < VN_IF_MAX; i++) {
		const struct vn_if_fp *fp = vn_if_fp(i);
		if (fp && fp->n_addrs)
			return fp->addrs[0].addr;
	}
	return 0;
}

static inline uint16_t
ip4_icmp_error_one(struct vn_node *node, struct vn_token_bucket *ctx, struct rte_mbuf *m,
		   uint64_t now, uint32_t *counts)
{
	struct vn_meta *meta = vn_meta(m);
	const struct vn_if_fp *rx = meta->rx_if < VN_IF_MAX ? vn_if_fp(meta->rx_if) : NULL;
	uint8_t type = meta->icmp_type, code = meta->icmp_code;
	uint16_t data_len = rte_pktmbuf_data_len(m);
	uint16_t hl, tot_len, orig_len, quote_len;
	uint32_t src, dst, our_ip;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	uint16_t err;

	/* Only what the callers produce: a zeroed meta would make an echo reply. */
	if (unlikely(type != VN_ICMP_DEST_UNREACH && type != VN_ICMP_TIME_EXCEEDED)) {
		err = ICMP_ERROR_ERR_BAD_REQUEST;
		goto drop;
	}
	if (unlikely(data_len < sizeof(*ip))) {
		err = ICMP_ERROR_ERR_TRUNCATED;
		goto drop;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	hl = rte_ipv4_hdr_len(ip);
	tot_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely((ip->version_ihl >> 4) != 4 || hl < sizeof(*ip) || tot_len < hl)) {
		err = ICMP_ERROR_ERR_BAD_HEADER;
		goto drop;
	}
	if (unlikely(hl > data_len)) {
		err = ICMP_ERROR_ERR_TRUNCATED;
		goto drop;
	}
	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely(src == 0)) {
		err = ICMP_ERROR_ERR_SRC_UNSPEC;
		goto drop;
	}
	if (unlikely((src & 0xe0000000u) == 0xe0000000u || (src >> 24) == 127)) {
		err = ICMP_ERROR_ERR_SRC_INVALID; /* multicast, class E, broadcast, loopback */
		goto drop;
	}
	if (unlikely(ip4_icmp_is_group(dst) || (meta->flags & VN_META_F_L2_BCAST) ||
		     ip4_icmp_is_subnet_bcast(rx, dst))) {
		err = ICMP_ERROR_ERR_DST_BCAST;
		goto drop;
	}
	if (unlikely(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK))) {
		err = ICMP_ERROR_ERR_FRAGMENT;
		goto drop;
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		/* If the type isn't there we can't tell: say nothing, as for an error. */
		if (unlikely(data_len <= hl || tot_len <= hl)) {
			err = ICMP_ERROR_ERR_TRUNCATED;
			goto drop;
		}
		if (ip4_icmp_is_error_type(*((uint8_t *)ip + hl))) {
			err = ICMP_ERROR_ERR_ICMP_ERROR;
			goto drop;
		}
	}
	our_ip = ip4_icmp_error_src(rx);
	if (unlikely(our_ip == 0)) {
		err = ICMP_ERROR_ERR_NO_SRC;
		goto drop;
	}
	if (!vn_token_bucket_take(ctx, now)) {
		err = ICMP_ERROR_ERR_RATE_LIMITED;
		goto drop;
	}

	/* Quote what we hold of the datagram (not Ethernet padding), up to 576 in all. */
	orig_len = VN_MIN(tot_len, data_len);
	quote_len = VN_MIN(orig_len, VN_ICMP_ERROR_MAX_LEN - ICMP_ERROR_HDR_LEN);
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, ICMP_ERROR_HDR_LEN);
	if (unlikely(!ip)) {
		err = ICMP_ERROR_ERR_NO_HEADROOM;
		goto drop;
	}
	/* The quote lies in the first segment; later ones are never sent. */
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	/* An ordinary packet now, whatever it quotes: a GSO super-frame's
	 * offload flags (net/gso.h) would have the error cut or checksummed as
	 * TCP on its way out. */
	m->ol_flags &= ~(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM);
	m->tso_segsz = 0;
	m->data_len = ICMP_ERROR_HDR_LEN + quote_len;
	m->pkt_len = m->data_len;

	*ip = (struct rte_ipv4_hdr){
		.version_ihl = RTE_IPV4_VHL_DEF,
		.type_of_service = 0xc0, /* internetwork control, as Linux */
		.total_length = rte_cpu_to_be_16(m->data_len),
		.packet_id = rte_cpu_to_be_16((uint16_t)rte_rand()),
		.fragment_offset = 0,
		.time_to_live = 64,
		.next_proto_id = IPPROTO_ICMP,
		.src_addr = rte_cpu_to_be_32(our_ip),
		.dst_addr = rte_cpu_to_be_32(src),
	};
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	icmp = (struct rte_icmp_hdr *)(ip + 1);
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	icmp->icmp_ident = 0; /* "unused" in errors */
	icmp->icmp_seq_nb = 0;
	if (type == VN_ICMP_DEST_UNREACH && code == VN_ICMP_CODE_FRAG_NEEDED) {
		/* RFC 1191: next-hop MTU in the low half of the unused word. */
		icmp->icmp_seq_nb = rte_cpu_to_be_16(meta->icmp_mtu);
		counts[ICMP_ERROR_ERR_FRAG_NEEDED]++;
	} else if (type == VN_ICMP_DEST_UNREACH) {
		counts[ICMP_ERROR_ERR_UNREACH]++;
	} else {
		counts[ICMP_ERROR_ERR_TIME_EXCEEDED]++;
	}
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, 8 + quote_len);

	meta->flags = (meta->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	meta->adj = NULL;
	return ICMP_ERROR_NEXT_LOOKUP;
drop:
	vn_drop_reason(node, m, err);
	return ICMP_ERROR_NEXT_DROP;
}

static uint16_t
ip4_icmp_error_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	struct vn_token_bucket *ctx = node->ctx;
	uint32_t counts[ICMP_ERROR_N_ERROR] = {0};
	uint16_t nexts[VN_FRAME_SIZE];
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		nexts[i] = ip4_icmp_error_one(node, ctx, pkts[i], now, counts);
	}
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, counts, ICMP_ERROR_ERR_TIME_EXCEEDED,
			     ICMP_ERROR_N_ERROR - ICMP_ERROR_ERR_TIME_EXCEEDED);
	return n;
}

VN_NODE_REGISTER(ip4_icmp_error) = {
	.name = "ip4-icmp-error",
	.format_trace = vn_trace_format_ip4,
	.type = VN_NODE_INTERNAL,
	.fn = ip4_icmp_error_fn,
	.n_next = ICMP_ERROR_N_NEXT,
	.next_names =
		{
			[ICMP_ERROR_NEXT_DROP] = "error-drop",
			[ICMP_ERROR_NEXT_LOOKUP] = "ip4-lookup",
		},
	.n_errors = ICMP_ERROR_N_ERROR,
	.error_names = ip4_icmp_error_names,
	.thread_init = ip4_icmp_error_thread_init,
	.thread_fini = ip4_icmp_error_thread_fini,
};

/*
 * ip6-icmp-error: turns an offending packet into the ICMPv6 error about it,
 * in place (RFC 4443 2.4, 3; RFC 8201 for packet too big). The error quotes
 * as much of the offending packet as keeps it within the IPv6 minimum MTU
 * (1280 bytes), comes from the address the offending packet was sent to when
 * that is ours (RFC 4443 2.2), else from an address of the receiving
 * interface (one in the destination's prefix, else its first global one, else
 * its link-local one), with hop limit 64. No error is sent about an ICMPv6 error or a redirect,
 * to a source that is unspecified or multicast, or (but packet too big and
 * parameter problem, RFC 4443 2.4 e) about a packet sent to a multicast
 * group or as link broadcast; each is dropped by name. A per-thread token
 * bucket caps the rate.
 *
 * An error to a link-local source cannot be looked up (link-local addresses
 * are not in the FIB): it goes back out of the interface it came in on, to
 * the frame's source MAC. Everything else goes through ip6-lookup.
 *
 * Reads: vn_meta.icmp_type, icmp_code, icmp_mtu (packet too big: the MTU;
 * parameter problem: the pointer), rx_if, flags; the offending IPv6 header at
 * data offset 0, the frame's source MAC in the headroom.
 * Writes: the packet, now the error; vn_meta.flags (LOCAL_ORIGIN set,
 * L2_BCAST cleared), adj (NULL), tx_if (on-link errors); drops: vn_buf.error.
 * Nexts: error-drop (0), ip6-lookup, interface-output.
 * Errors: drop reasons for every packet not answered; counters: destination
 * unreachable, packet too big, time exceeded and parameter problem sent.
 */
#include <errno.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <string.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/node.h>
#include <vecnet/ratelimit.h>
#include <vecnet/net/trace.h>

#define VN_ICMP6_ERROR_RATE 1000 /* errors per second per thread */
#define VN_ICMP6_ERROR_BURST 100
#define ICMP6_ERROR_HDR_LEN (sizeof(struct rte_ipv6_hdr) + sizeof(struct vn_icmp6_hdr))

enum { ICMP6E_NEXT_DROP, ICMP6E_NEXT_LOOKUP, ICMP6E_NEXT_OUTPUT, ICMP6E_N_NEXT };

enum {
	ICMP6E_ERR_BAD_REQUEST,
	ICMP6E_ERR_TRUNCATED,
	ICMP6E_ERR_SRC_INVALID,
	ICMP6E_ERR_DST_MCAST,
	ICMP6E_ERR_ICMP_ERROR,
	ICMP6E_ERR_NO_IF,
	ICMP6E_ERR_RATE_LIMITED,
	ICMP6E_ERR_NO_HEADROOM,
	/* counters, not drop reasons */
	ICMP6E_ERR_UNREACH,
	ICMP6E_ERR_TOO_BIG,
	ICMP6E_ERR_TIME_EXCEEDED,
	ICMP6E_ERR_PARAM_PROBLEM,
	ICMP6E_N_ERR,
};

static const char *const icmp6e_errors[] = {
	[ICMP6E_ERR_BAD_REQUEST] = "unsupported icmp6 error type requested",
	[ICMP6E_ERR_TRUNCATED] = "offending packet truncated",
	[ICMP6E_ERR_SRC_INVALID] = "source unspecified or multicast",
	[ICMP6E_ERR_DST_MCAST] = "destination multicast",
	[ICMP6E_ERR_ICMP_ERROR] = "offending packet is an icmp6 error or redirect",
	[ICMP6E_ERR_NO_IF] = "no interface to send from",
	[ICMP6E_ERR_RATE_LIMITED] = "rate limited",
	[ICMP6E_ERR_NO_HEADROOM] = "no headroom for icmp6 header",
	[ICMP6E_ERR_UNREACH] = "destination unreachable sent",
	[ICMP6E_ERR_TOO_BIG] = "packet too big sent",
	[ICMP6E_ERR_TIME_EXCEEDED] = "time exceeded sent",
	[ICMP6E_ERR_PARAM_PROBLEM] = "parameter problem sent",
};

/* The rate limit: a token bucket per thread (vecnet/ratelimit.h). */
static int
icmp6e_thread_init(struct vn_graph *g, struct vn_node *node)
{
	struct vn_token_bucket *ctx = rte_zmalloc("icmp6_error_ctx", sizeof(*ctx), 0);

	if (!ctx)
		return -ENOMEM;
	vn_token_bucket_init(ctx, VN_ICMP6_ERROR_RATE, VN_ICMP6_ERROR_BURST);
	node->ctx = ctx;
	return 0;
}

static void
icmp6e_thread_fini(struct vn_graph *g, struct vn_node *node)
{
	rte_free(node->ctx);
	node->ctx = NULL;
}

static inline uint16_t
icmp6e_one(struct vn_node *node, struct vn_token_bucket *ctx, struct rte_mbuf *m, uint64_t now,
	   uint32_t *counts)
{
	struct vn_meta *md = vn_meta(m);
	const struct vn_if_fp *rx = md->rx_if < VN_IF_MAX ? vn_if_fp(md->rx_if) : NULL;
	uint8_t type = md->icmp_type, code = md->icmp_code;
	uint16_t data_len = rte_pktmbuf_data_len(m), quote_len, err;
	struct vn_ip6 src, dst;
	struct rte_ipv6_hdr *ip;
	struct vn_icmp6_hdr *icmp;
	struct vn_ip6_walk w;
	uint8_t peer_mac[6];
	bool on_link;

	if (unlikely(type < VN_ICMP6_DEST_UNREACH || type > VN_ICMP6_PARAM_PROBLEM)) {
		err = ICMP6E_ERR_BAD_REQUEST;
		goto drop;
	}
	if (unlikely(data_len < sizeof(*ip))) {
		err = ICMP6E_ERR_TRUNCATED;
		goto drop;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	memcpy(src.b, ip->src_addr, 16);
	memcpy(dst.b, ip->dst_addr, 16);
	if (unlikely(vn_ip6_is_unspecified(&src) || vn_ip6_is_multicast(&src))) {
		err = ICMP6E_ERR_SRC_INVALID;
		goto drop;
	}
	if (unlikely((vn_ip6_is_multicast(&dst) || (md->flags & VN_META_F_L2_BCAST)) &&
		     type != VN_ICMP6_PACKET_TOO_BIG && type != VN_ICMP6_PARAM_PROBLEM)) {
		err = ICMP6E_ERR_DST_MCAST;
		goto drop;
	}
	/* An error about an error (or a redirect) is never sent (RFC 4443 2.4 e). */
	if (vn_ip6_walk((const uint8_t *)ip, data_len, &w) == VN_IP6_WALK_OK &&
	    w.proto == VN_IP6_NH_ICMP6 && !w.is_later_fragment) {
		if (unlikely(w.l4_off >= data_len)) {
			err = ICMP6E_ERR_TRUNCATED;
			goto drop;
		}
		uint8_t t = ((const uint8_t *)ip)[w.l4_off];
		if (t < 128 || t == VN_ICMP6_REDIRECT) {
			err = ICMP6E_ERR_ICMP_ERROR;
			goto drop;
		}
	}
	if (unlikely(!rx)) {
		err = ICMP6E_ERR_NO_IF;
		goto drop;
	}
	if (!vn_token_bucket_take(ctx, now)) {
		err = ICMP6E_ERR_RATE_LIMITED;
		goto drop;
	}
	on_link = vn_ip6_is_link_local(&src);
	if (on_link)
		vn_ip6_frame_src_mac(m, rx, peer_mac); /* before the prepend covers it */

	quote_len = VN_MIN(data_len, VN_IP6_MIN_MTU - ICMP6_ERROR_HDR_LEN);
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_prepend(m, ICMP6_ERROR_HDR_LEN);
	if (unlikely(!ip)) {
		err = ICMP6E_ERR_NO_HEADROOM;
		goto drop;
	}
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_len = ICMP6_ERROR_HDR_LEN + quote_len;
	m->pkt_len = m->data_len;
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(sizeof(*icmp) + quote_len),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = 64,
	};
	/* md->adj is LOCAL for a packet ip6-lookup gave ip6-local. */
	if (!vn_ip6_is_multicast(&dst) &&
	    ((md->adj && md->adj->type == VN_ADJ_LOCAL) || vn_ip6_eq(&dst, &rx->ll6)))
		memcpy(ip->src_addr, dst.b, 16);
	else
		memcpy(ip->src_addr, vn_if_src6(rx, &src)->b, 16);
	memcpy(ip->dst_addr, src.b, 16);
	icmp = (struct vn_icmp6_hdr *)(ip + 1);
	icmp->type = type;
	icmp->code = code;
	icmp->cksum = 0;
	icmp->data = 0;
	if (type == VN_ICMP6_PACKET_TOO_BIG || type == VN_ICMP6_PARAM_PROBLEM)
		icmp->data = rte_cpu_to_be_32(md->icmp_mtu);
	counts[type == VN_ICMP6_DEST_UNREACH	 ? ICMP6E_ERR_UNREACH
	       : type == VN_ICMP6_PACKET_TOO_BIG ? ICMP6E_ERR_TOO_BIG
	       : type == VN_ICMP6_TIME_EXCEEDED	 ? ICMP6E_ERR_TIME_EXCEEDED
						 : ICMP6E_ERR_PARAM_PROBLEM]++;
	icmp->cksum = vn_ip6_l4_cksum(ip, icmp, sizeof(*icmp) + quote_len, VN_IP6_NH_ICMP6);
	md->flags = (md->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	md->adj = NULL;
	if (!on_link)
		return ICMP6E_NEXT_LOOKUP;
	if (unlikely(!vn_ip6_prepend_l2(m, rx, peer_mac))) {
		err = ICMP6E_ERR_NO_HEADROOM;
		goto drop;
	}
	return ICMP6E_NEXT_OUTPUT;
drop:
	vn_drop_reason(node, m, err);
	return ICMP6E_NEXT_DROP;
}

static uint16_t
icmp6e_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t counts[ICMP6E_N_ERR] = {0};
	uint16_t nexts[VN_FRAME_SIZE];
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++)
		nexts[i] = icmp6e_one(node, node->ctx, pkts[i], now, counts);
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	vn_node_count_errors(node, counts, ICMP6E_ERR_UNREACH, ICMP6E_N_ERR - ICMP6E_ERR_UNREACH);
	return n;
}

VN_NODE_REGISTER(ip6_icmp_error) = {
	.name = "ip6-icmp-error",
	.format_trace = vn_trace_format_ip6,
	.fn = icmp6e_fn,
	.n_next = ICMP6E_N_NEXT,
	.next_names =
		{
			[ICMP6E_NEXT_LOOKUP] = "ip6-lookup",
			[ICMP6E_NEXT_OUTPUT] = "interface-output",
		},
	.n_errors = ICMP6E_N_ERR,
	.error_names = icmp6e_errors,
	.thread_init = icmp6e_thread_init,
	.thread_fini = icmp6e_thread_fini,
};

/*
 * ip4-input: validates IPv4 headers before anything trusts them: version,
 * header length, total length against the frame (trailing padding trimmed),
 * header checksum, and source/destination sanity. Options are forwarded.
 *
 * Reads: data at the IPv4 header. Next: ip4-lookup (or the first enabled
 * ip4-unicast feature), error-drop.
 * Errors: one per check. TTL is checked where it matters, in ip4-rewrite,
 * so packets to the router itself are accepted with any TTL (as Linux does).
 * Measured: see perf/README.md.
 */
#include <rte_ip.h>
#include <string.h>
#include <vecnet/feature.h>

enum { IP4_IN_NEXT_DROP, IP4_IN_NEXT_LOOKUP, IP4_IN_N_NEXT };

enum {
	IP4_IN_ERR_SHORT,
	IP4_IN_ERR_VERSION,
	IP4_IN_ERR_IHL,
	IP4_IN_ERR_LENGTH,
	IP4_IN_ERR_CHECKSUM,
	IP4_IN_ERR_SRC,
	IP4_IN_ERR_DST,
	IP4_IN_N_ERR,
};

static const char *const ip4_in_errors[] = {
	[IP4_IN_ERR_SHORT] = "packet shorter than an IPv4 header",
	[IP4_IN_ERR_VERSION] = "IP version is not 4",
	[IP4_IN_ERR_IHL] = "bad IPv4 header length",
	[IP4_IN_ERR_LENGTH] = "IPv4 total length does not match the frame",
	[IP4_IN_ERR_CHECKSUM] = "bad IPv4 header checksum",
	[IP4_IN_ERR_SRC] = "bad source address (multicast, broadcast or loopback)",
	[IP4_IN_ERR_DST] = "destination is multicast, broadcast or reserved (not routed)",
};

/* Header checksum check. The common 20-byte header is summed as five 32-bit
 * words (memcpy: the header is only 2-byte aligned); options take the generic path. */
static inline bool
ip4_checksum_ok(const struct rte_ipv4_hdr *ip, uint16_t hlen)
{
	uint32_t w[5];
	uint64_t sum;

	if (unlikely(hlen != sizeof(*ip)))
		return rte_raw_cksum(ip, hlen) == 0xffff;
	memcpy(w, ip, sizeof(w));
	sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static inline uint16_t
ip4_input_one(struct vn_node *node, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint16_t len = rte_pktmbuf_data_len(m);
	uint16_t hlen, tlen, err;
	uint32_t src, dst;

	if (unlikely(len < sizeof(*ip))) {
		err = IP4_IN_ERR_SHORT;
		goto drop;
	}
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		err = IP4_IN_ERR_VERSION;
		goto drop;
	}
	hlen = (ip->version_ihl & 0xf) * 4;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(hlen < sizeof(*ip) || hlen > len)) {
		err = IP4_IN_ERR_IHL;
		goto drop;
	}
	if (unlikely(tlen < hlen || tlen > len)) {
		err = IP4_IN_ERR_LENGTH;
		goto drop;
	}
	if (unlikely(!ip4_checksum_ok(ip, hlen))) {
		err = IP4_IN_ERR_CHECKSUM;
		goto drop;
	}
	src = rte_be_to_cpu_32(ip->src_addr);
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely((src >> 28) == 0xe || src == 0xffffffff || (src >> 24) == 127)) {
		err = IP4_IN_ERR_SRC;
		goto drop;
	}
	if (unlikely((dst >> 28) >= 0xe || (dst >> 24) == 0 || (dst >> 24) == 127)) {
		err = IP4_IN_ERR_DST;
		goto drop;
	}
	if (unlikely(tlen < len)) /* Ethernet padding */
		rte_pktmbuf_trim(m, len - tlen);
	return IP4_IN_NEXT_LOOKUP;
drop:
	vn_drop_reason(node, m, err);
	return IP4_IN_NEXT_DROP;
}

static uint16_t
ip4_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint16_t i = 0;

	for (; i + 4 <= n; i += 4) {
		if (i + 8 <= n) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 5], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 6], void *));
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 7], void *));
		}
		nexts[i] = ip4_input_one(node, pkts[i]);
		nexts[i + 1] = ip4_input_one(node, pkts[i + 1]);
		nexts[i + 2] = ip4_input_one(node, pkts[i + 2]);
		nexts[i + 3] = ip4_input_one(node, pkts[i + 3]);
	}
	for (; i < n; i++)
		nexts[i] = ip4_input_one(node, pkts[i]);
	if (unlikely(vn_feature_arc_active(VN_ARC_IP4_UNICAST)))
		vn_feature_divert(node, VN_ARC_IP4_UNICAST, false, pkts, nexts, n, IP4_IN_NEXT_LOOKUP);
	vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

VN_NODE_REGISTER(ip4_input) = {
	.name = "ip4-input",
	.fn = ip4_input_fn,
	.n_next = IP4_IN_N_NEXT,
	.next_names = {[IP4_IN_NEXT_LOOKUP] = "ip4-lookup"},
	.n_errors = IP4_IN_N_ERR,
	.error_names = ip4_in_errors,
};

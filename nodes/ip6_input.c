/*
 * ip6-input: validates the IPv6 header (RFC 8200) and decides where the
 * packet goes. The usual packet (version 6, the frame holding the payload,
 * a unicast global source and destination, no extension header) passes one
 * test on values loaded once; anything else takes ip6_input_slow, out of
 * line, which walks the extension headers (vn_ip6_walk: bounded in count and
 * length) and names every drop.
 *
 * Destinations: a link-local destination is ours (ip6-local) or dropped, never
 * looked up; a multicast one is a group the interface joined (ip6-local) or
 * dropped, as there is no multicast forwarding; the rest goes to ip6-lookup.
 * The hop limit is checked where a packet is forwarded (ip6-rewrite), so a
 * packet for us with hop limit 0 or 1 is still ours.
 *
 * Reads: vn_meta.rx_if, flags; the IPv6 header at data offset 0 and its
 * extension headers; pkt_len, data_len.
 * Writes: frame padding trimmed (pkt_len = 40 + payload length);
 * vn_meta.adj (NULL) for a packet to ip6-local; drops: vn_buf.error.
 * Nexts: error-drop (0), ip6-lookup (or the first enabled ip6-unicast
 * feature, vn_meta.feature_arc set), ip6-local.
 * Errors: drop reasons (truncated header, version not 6, payload length
 * beyond the frame, multi-segment, source multicast / unspecified / loopback,
 * destination unspecified / loopback, link-local destination not ours,
 * multicast group not joined, hop-by-hop not first, unknown hop-by-hop option,
 * routing header type 0, extension headers truncated or too many, jumbogram).
 */
#include <rte_ip.h>
#include <string.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum { IP6_IN_NEXT_DROP, IP6_IN_NEXT_LOOKUP, IP6_IN_NEXT_LOCAL, IP6_IN_N_NEXT };

enum {
	IP6_IN_ERR_SHORT,
	IP6_IN_ERR_VERSION,
	IP6_IN_ERR_LENGTH,
	IP6_IN_ERR_SEGMENTED,
	IP6_IN_ERR_SRC_MCAST,
	IP6_IN_ERR_SRC_UNSPEC,
	IP6_IN_ERR_SRC_LOOPBACK,
	IP6_IN_ERR_DST_INVALID,
	IP6_IN_ERR_LL_NOT_OURS,
	IP6_IN_ERR_MCAST_NOT_JOINED,
	IP6_IN_ERR_HBH_NOT_FIRST,
	IP6_IN_ERR_HBH_OPTION,
	IP6_IN_ERR_RH0,
	IP6_IN_ERR_EXT_TRUNCATED,
	IP6_IN_ERR_EXT_TOO_MANY,
	IP6_IN_ERR_JUMBO,
	IP6_IN_N_ERR,
};

static const char *const ip6_in_errors[] = {
	[IP6_IN_ERR_SHORT] = "shorter than an ip6 header",
	[IP6_IN_ERR_VERSION] = "ip version not 6",
	[IP6_IN_ERR_LENGTH] = "payload length beyond the frame",
	[IP6_IN_ERR_SEGMENTED] = "multi-segment packet (not supported)",
	[IP6_IN_ERR_SRC_MCAST] = "source address multicast",
	[IP6_IN_ERR_SRC_UNSPEC] = "source address unspecified",
	[IP6_IN_ERR_SRC_LOOPBACK] = "source address loopback",
	[IP6_IN_ERR_DST_INVALID] = "destination unspecified or loopback",
	[IP6_IN_ERR_LL_NOT_OURS] = "link-local destination not ours",
	[IP6_IN_ERR_MCAST_NOT_JOINED] = "multicast group not joined",
	[IP6_IN_ERR_HBH_NOT_FIRST] = "hop-by-hop header not first",
	[IP6_IN_ERR_HBH_OPTION] = "hop-by-hop option unknown or malformed",
	[IP6_IN_ERR_RH0] = "routing header type 0 (RFC 5095)",
	[IP6_IN_ERR_EXT_TRUNCATED] = "extension header truncated",
	[IP6_IN_ERR_EXT_TOO_MANY] = "too many extension headers",
	[IP6_IN_ERR_JUMBO] = "jumbo payload (not supported)",
};

static const uint8_t loopback6[16] = {[15] = 1};

/* Hop-by-hop options (RFC 8200 4.2): padding and router alert are known and
 * skipped; an unknown option whose two high type bits ask to skip it is
 * skipped too; any other unknown option, one running past the header, or a
 * jumbo payload option (we need payload lengths) drops the packet. */
static uint16_t
ip6_input_hbh(const uint8_t *h, uint32_t hlen)
{
	for (uint32_t off = 2; off < hlen;) {
		uint8_t type = h[off], len;

		if (type == 0) { /* Pad1 */
			off++;
			continue;
		}
		if (off + 2 > hlen)
			return IP6_IN_ERR_HBH_OPTION;
		len = h[off + 1];
		if (off + 2 + len > hlen)
			return IP6_IN_ERR_HBH_OPTION;
		if (type == 0xc2)
			return IP6_IN_ERR_JUMBO;
		if (type != 1 && type != 5 && (type & 0xc0) != 0) /* PadN, router alert */
			return IP6_IN_ERR_HBH_OPTION;
		off += 2 + len;
	}
	return UINT16_MAX;
}

static const uint16_t walk_errors[] = {
	[VN_IP6_WALK_TRUNCATED] = IP6_IN_ERR_EXT_TRUNCATED,
	[VN_IP6_WALK_TOO_MANY] = IP6_IN_ERR_EXT_TOO_MANY,
	[VN_IP6_WALK_HBH_NOT_FIRST] = IP6_IN_ERR_HBH_NOT_FIRST,
	[VN_IP6_WALK_RH0] = IP6_IN_ERR_RH0,
};

static __rte_noinline uint16_t
ip6_input_slow(struct vn_node *node, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	const struct vn_ip6 *src, *dst;
	const struct vn_if_fp *fp;
	enum vn_ip6_walk_result wr;
	struct vn_ip6_walk w;
	uint32_t len;
	uint16_t err;

	if (unlikely(m->nb_segs > 1)) {
		err = IP6_IN_ERR_SEGMENTED;
		goto drop;
	}
	if (rte_pktmbuf_data_len(m) < sizeof(*ip)) {
		err = IP6_IN_ERR_SHORT;
		goto drop;
	}
	if ((((const uint8_t *)ip)[0] >> 4) != 6) {
		err = IP6_IN_ERR_VERSION;
		goto drop;
	}
	len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (len > rte_pktmbuf_data_len(m)) {
		err = IP6_IN_ERR_LENGTH;
		goto drop;
	}
	/* Ethernet padding is not the packet's: what follows trusts pkt_len. */
	if (len < rte_pktmbuf_pkt_len(m))
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - len));
	src = (const struct vn_ip6 *)ip->src_addr;
	dst = (const struct vn_ip6 *)ip->dst_addr;
	if (vn_ip6_is_multicast(src)) {
		err = IP6_IN_ERR_SRC_MCAST;
		goto drop;
	}
	if (memcmp(src->b, loopback6, 16) == 0) {
		err = IP6_IN_ERR_SRC_LOOPBACK;
		goto drop;
	}
	if (vn_ip6_is_unspecified(dst) || memcmp(dst->b, loopback6, 16) == 0) {
		err = IP6_IN_ERR_DST_INVALID;
		goto drop;
	}
	/* Only duplicate address detection sends from ::, to a solicited-node
	 * group (RFC 4861 4.3): ip6-local checks the rest. */
	if (vn_ip6_is_unspecified(src) && !vn_ip6_is_multicast(dst)) {
		err = IP6_IN_ERR_SRC_UNSPEC;
		goto drop;
	}
	wr = vn_ip6_walk((const uint8_t *)ip, len, &w);
	if (wr != VN_IP6_WALK_OK) {
		err = walk_errors[wr];
		goto drop;
	}
	if (w.hbh_off) {
		const uint8_t *h = (const uint8_t *)ip + w.hbh_off;
		err = ip6_input_hbh(h, ((uint32_t)h[1] + 1) * 8);
		if (err != UINT16_MAX)
			goto drop;
	}
	fp = vn_if_fp(vn_meta(m)->rx_if);
	/* Ours without a lookup: no adjacency. port-rx leaves the mbuf's last
	 * one in vn_meta.adj, freed since, and ip6-icmp-error reads it (a
	 * use-after-free the graph fuzzer found). */
	if (vn_ip6_is_link_local(dst)) {
		if (fp && vn_ip6_eq(&fp->ll6, dst)) {
			vn_meta(m)->adj = NULL;
			return IP6_IN_NEXT_LOCAL;
		}
		err = IP6_IN_ERR_LL_NOT_OURS;
		goto drop;
	}
	if (vn_ip6_is_multicast(dst)) {
		if (fp && vn_if_joined6(fp, dst)) {
			vn_meta(m)->adj = NULL;
			return IP6_IN_NEXT_LOCAL;
		}
		err = IP6_IN_ERR_MCAST_NOT_JOINED;
		goto drop;
	}
	if (vn_ip6_is_unspecified(src)) {
		err = IP6_IN_ERR_SRC_UNSPEC;
		goto drop;
	}
	return IP6_IN_NEXT_LOOKUP;
drop:
	vn_drop_reason(node, m, err);
	return IP6_IN_NEXT_DROP;
}

/* The usual packet: one segment, version 6, no extension header, payload
 * length equal to the frame's, source and destination unicast, neither
 * unspecified, loopback nor link-local (first bytes 0x00, 0xfe or 0xff are all
 * sent the slow way: rare for forwarded traffic, and cheap to test). */
static inline bool
ip6_input_fast_ok(const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t plen;

	memcpy(&plen, ip + 4, 2);
	return m->nb_segs == 1 && rte_pktmbuf_data_len(m) >= sizeof(struct rte_ipv6_hdr) &&
	       (ip[0] >> 4) == 6 && !vn_ip6_is_ext(ip[6]) &&
	       sizeof(struct rte_ipv6_hdr) + rte_be_to_cpu_16(plen) == rte_pktmbuf_pkt_len(m) &&
	       ip[8] != 0 && ip[8] < 0xfe && ip[24] != 0 && ip[24] < 0xfe;
}

static uint16_t
ip6_input_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint16_t i, fast;

	for (i = 0; i < n; i++)
		if (unlikely(!ip6_input_fast_ok(pkts[i])))
			break;
	fast = i;
	if (unlikely(fast < n)) {
		for (uint16_t k = 0; k < fast; k++)
			nexts[k] = IP6_IN_NEXT_LOOKUP;
		for (; i < n; i++)
			nexts[i] = ip6_input_fast_ok(pkts[i]) ? IP6_IN_NEXT_LOOKUP
							       : ip6_input_slow(node, pkts[i]);
	}
	/* Packets for ip6-lookup pass the ip6-unicast features enabled on their
	 * interface first; those for ip6-local (link-local, multicast: neighbour
	 * discovery) do not. No feature anywhere: one load and one test. */
	vn_feature_arc_end(g, node, VN_ARC_IP6_UNICAST, false, pkts, nexts, n, fast,
			   IP6_IN_NEXT_LOOKUP, VN_FRAME_IF_MIXED);
	return n;
}

VN_NODE_REGISTER(ip6_input) = {
	.name = "ip6-input",
	.format_trace = vn_trace_format_ip6,
	.fn = ip6_input_fn,
	.n_next = IP6_IN_N_NEXT,
	.next_names =
		{
			[IP6_IN_NEXT_LOOKUP] = "ip6-lookup",
			[IP6_IN_NEXT_LOCAL] = "ip6-local",
		},
	.n_errors = IP6_IN_N_ERR,
	.error_names = ip6_in_errors,
};

/*
 * ethernet-input: accepts frames addressed to the receiving interface's MAC
 * or broadcast, strips the Ethernet header and dispatches on ethertype. The
 * usual frame (unicast IPv4 or IPv6 for us on an up interface) passes one
 * test: the destination MAC compared as one 48-bit word, and the ethertype
 * (the vector's first frame's family); anything else takes the full checks
 * out of line. When the frame states its
 * interface (port-rx does) its state and MAC are read once per vector and no
 * packet's rx_if is read. No packet-data prefetch: finding the address costs
 * an mbuf load and a few instructions per packet, more than the miss.
 * A tagged frame (802.1Q, 802.1ad, QinQ) fails the one test like any other
 * unusual frame; out of line, its tags find the sub-interface in the
 * parent's VLAN map (net/vlan.h), which becomes its receive interface, and
 * the tags are stripped with the Ethernet header: the untagged fast path
 * pays nothing for VLANs.
 *
 * Reads: the frame's interface (vn_frame_if), or vn_meta.rx_if per packet
 * when the frame mixes interfaces; the Ethernet header at data offset 0.
 * Writes: data offset advanced past the Ethernet header (and VLAN tags);
 * vn_meta.flags (L2_BCAST on broadcast), rx_if (the sub-interface of a
 * tagged frame) and that sub-interface's RX counters; drops: vn_buf.error.
 * IPv6 frames (0x86DD) go to ip6-input; so do frames to the IPv6 multicast
 * MACs of the groups the interface has joined (all-nodes, and the
 * solicited-node groups of its addresses: neighbour discovery needs them),
 * flagged L2_BCAST like a broadcast. Other multicast is dropped.
 * Nexts: error-drop (0), ip4-input, arp-input, ip6-input.
 * Errors: drop reasons: frame shorter than an Ethernet header (with its
 * tags), another host's MAC, multicast (a group not joined), unknown
 * ethertype, interface down, VLAN tags no sub-interface has.
 */
#include <rte_ether.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/port.h>
#include <vecnet/net/trace.h>
#include <vecnet/net/vlan.h>

enum {
	ETH_NEXT_DROP,
	ETH_NEXT_IP4,
	ETH_NEXT_ARP,
	ETH_NEXT_IP6,
	ETH_N_NEXT,
};

enum {
	ETH_ERR_SHORT,
	ETH_ERR_OTHER_HOST,
	ETH_ERR_MCAST,
	ETH_ERR_ETHERTYPE,
	ETH_ERR_IF_DOWN,
	ETH_ERR_VLAN_UNKNOWN,
	ETH_N_ERR,
};

static const char *const eth_errors[] = {
	[ETH_ERR_SHORT] = "frame shorter than an Ethernet header",
	[ETH_ERR_OTHER_HOST] = "destination MAC is another host",
	[ETH_ERR_MCAST] = "multicast frame (not supported)",
	[ETH_ERR_ETHERTYPE] = "unknown ethertype",
	[ETH_ERR_IF_DOWN] = "interface is down",
	[ETH_ERR_VLAN_UNKNOWN] = "unknown VLAN tag (no such sub-interface)",
};

/* Frames start 2-byte aligned at best: compare MACs as three 16-bit words. */
static inline bool
mac_eq(const uint8_t *a, const uint8_t *b)
{
	return rte_is_same_ether_addr((const struct rte_ether_addr *)a,
				      (const struct rte_ether_addr *)b);
}

static inline uint16_t
eth_next_of(struct vn_node *node, struct rte_mbuf *m, uint16_t ether_type)
{
	switch (ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return ETH_NEXT_IP4;
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return ETH_NEXT_ARP;
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return ETH_NEXT_IP6;
	default:
		vn_drop_reason(node, m, ETH_ERR_ETHERTYPE);
		return ETH_NEXT_DROP;
	}
}

static inline uint16_t
eth_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A tagged frame on fp (the port it arrived on, its MAC already accepted):
 * the sub-interface with exactly these tags becomes the receive interface
 * (and counts the frame), and the tags go with the Ethernet header. */
static __rte_noinline uint16_t
eth_vlan(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m, const struct vn_if_fp *fp)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct vn_vlan_map *map = vn_vlan_map(fp->if_index);
	uint16_t len = rte_pktmbuf_data_len(m), l2_len = RTE_ETHER_HDR_LEN + 4;
	uint16_t tpid, vid, type, sub, next;
	const struct vn_if_fp *sfp;
	struct vn_if_counters *ic;

	if (unlikely(len < l2_len)) {
		vn_drop_reason(node, m, ETH_ERR_SHORT);
		return ETH_NEXT_DROP;
	}
	tpid = eth_be16(d + 12);
	vid = rte_be_to_cpu_16(eth_be16(d + 14)) & RTE_VLAN_ID_MASK;
	type = eth_be16(d + 16);
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		l2_len += 4;
		if (unlikely(len < l2_len)) {
			vn_drop_reason(node, m, ETH_ERR_SHORT);
			return ETH_NEXT_DROP;
		}
		sub = map ? vn_vlan_map_double(map, tpid, vid,
					       rte_be_to_cpu_16(eth_be16(d + 18)) & RTE_VLAN_ID_MASK)
			  : VN_VLAN_NONE;
		type = eth_be16(d + 20);
	} else if (map) {
		sub = tpid == RTE_BE16(RTE_ETHER_TYPE_VLAN) ? map->dot1q[vid] : map->dot1ad[vid];
	} else {
		sub = VN_VLAN_NONE;
	}
	if (sub == VN_VLAN_NONE) {
		vn_drop_reason(node, m, ETH_ERR_VLAN_UNKNOWN);
		return ETH_NEXT_DROP;
	}
	/* From here on the frame is the sub-interface's: its drops count there. */
	vn_meta(m)->rx_if = sub;
	sfp = vn_if_fp(sub);
	if (unlikely(!sfp || !sfp->admin_up)) {
		vn_drop_reason(node, m, ETH_ERR_IF_DOWN);
		return ETH_NEXT_DROP;
	}
	ic = vn_if_counters_of(g, sub);
	ic->rx_packets++;
	ic->rx_bytes += rte_pktmbuf_pkt_len(m);
	next = eth_next_of(node, m, type);
	if (next != ETH_NEXT_DROP)
		rte_pktmbuf_adj(m, l2_len);
	return next;
}

/* 33:33 + the low 32 bits of a group fp has joined (RFC 2464 7). */
static bool
eth_ip6_mcast_joined(const uint8_t *mac, const struct vn_if_fp *fp)
{
	struct vn_ip6 group = {.b = {0xff, 0x02}};

	if (mac[0] != 0x33 || mac[1] != 0x33)
		return false;
	memcpy(group.b + 12, mac + 2, 4);
	if (mac[2] == 0xff)
		group.b[11] = 0x01; /* solicited-node: ff02::1:ffXX:XXXX */
	return vn_if_joined6(fp, &group);
}

static inline uint16_t
eth_one(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m, const struct vn_if_fp *fp)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t next;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
		vn_drop_reason(node, m, ETH_ERR_SHORT);
		return ETH_NEXT_DROP;
	}
	if (unlikely(!mac_eq(eh->dst_addr.addr_bytes, fp->mac))) {
		if (rte_is_broadcast_ether_addr(&eh->dst_addr) ||
		    eth_ip6_mcast_joined(eh->dst_addr.addr_bytes, fp)) {
			vn_meta(m)->flags |= VN_META_F_L2_BCAST;
		} else {
			bool mcast = rte_is_multicast_ether_addr(&eh->dst_addr);
			vn_drop_reason(node, m, mcast ? ETH_ERR_MCAST : ETH_ERR_OTHER_HOST);
			return ETH_NEXT_DROP;
		}
	}
	if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	    eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ))
		return eth_vlan(g, node, m, fp);
	next = eth_next_of(node, m, eh->ether_type);
	if (next != ETH_NEXT_DROP)
		rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	return next;
}

/* The common case in one test: unicast to this interface's MAC, of ethertype
 * type (network order: IPv4 or IPv6), long enough. mac_sh is the interface MAC
 * shifted left 16 bits (the low 48 bits of a little-endian load, moved up), or
 * ETH_MAC_NONE, which no frame matches. */
static inline bool
eth_fast_ok(const struct rte_mbuf *m, uint64_t mac_sh, uint16_t type)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint64_t dst;
	uint16_t t;

	/* Loaded before the length check: data_off + 14 <= buf_len for every mbuf
	 * of our pools (headroom 128, buffers 2 KB), so this stays in the buffer. */
	memcpy(&dst, d, sizeof(dst));
	memcpy(&t, d + 12, sizeof(t));
	return (dst << 16) == mac_sh && t == type && rte_pktmbuf_data_len(m) >= RTE_ETHER_HDR_LEN;
}

/* The ethertype a vector is likely all of: its first frame's when IPv6 (a
 * unicast IPv6 vector then takes the fast path as an IPv4 one does), else IPv4. */
static inline uint16_t
eth_vector_type(const struct rte_mbuf *m)
{
	uint16_t t;

	memcpy(&t, rte_pktmbuf_mtod(m, const uint8_t *) + 12, sizeof(t));
	return t == RTE_BE16(RTE_ETHER_TYPE_IPV6) ? t : RTE_BE16(RTE_ETHER_TYPE_IPV4);
}

/* rte_pktmbuf_adj without its checks, which eth_fast_ok has made. */
static inline void
eth_strip(struct rte_mbuf *m)
{
	m->data_off += RTE_ETHER_HDR_LEN;
	m->data_len -= RTE_ETHER_HDR_LEN;
	m->pkt_len -= RTE_ETHER_HDR_LEN;
}

/* (dst << 16) always has its low 16 bits clear, so it never equals 1: a down
 * or missing interface sends every frame to eth_slow, which drops it. */
#define ETH_MAC_NONE 1

static inline uint64_t
eth_if_mac_sh(const struct vn_if_fp *fp)
{
	uint64_t mac = 0;

	if (!fp || !fp->admin_up)
		return ETH_MAC_NONE;
	memcpy(&mac, fp->mac, sizeof(fp->mac));
	return mac << 16;
}

/* Anything but a unicast IPv4 frame for us on an up interface: the full checks. */
static __rte_noinline uint16_t
eth_slow(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m, const struct vn_if_fp *fp)
{
	if (unlikely(!fp || !fp->admin_up)) {
		vn_drop_reason(node, m, ETH_ERR_IF_DOWN);
		return ETH_NEXT_DROP;
	}
	return eth_one(g, node, m, fp);
}

/* One packet, fast tests first: its next node (stripped when it is ip4-input
 * or ip6-input). */
static inline uint16_t
eth_classify(struct vn_graph *g, struct vn_node *node, struct rte_mbuf *m, uint64_t mac_sh,
	     const struct vn_if_fp *fp)
{
	if (likely(eth_fast_ok(m, mac_sh, RTE_BE16(RTE_ETHER_TYPE_IPV4)))) {
		eth_strip(m);
		return ETH_NEXT_IP4;
	}
	if (eth_fast_ok(m, mac_sh, RTE_BE16(RTE_ETHER_TYPE_IPV6))) {
		eth_strip(m);
		return ETH_NEXT_IP6;
	}
	return eth_slow(g, node, m, fp);
}

/* Frames from several interfaces: each packet's own, state read once per run. */
static __rte_noinline bool
eth_mixed(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t *nexts, uint16_t n)
{
	uint32_t cur_if = VN_FRAME_IF_MIXED;
	const struct vn_if_fp *fp = NULL;
	uint64_t mac_sh = ETH_MAC_NONE;
	bool all_ip4 = true;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint16_t rx_if = vn_meta(m)->rx_if;

		if (rx_if != cur_if) {
			cur_if = rx_if;
			fp = rx_if < VN_IF_MAX ? vn_if_fp(rx_if) : NULL;
			mac_sh = eth_if_mac_sh(fp);
		}
		nexts[i] = eth_classify(g, node, m, mac_sh, fp);
		all_ip4 &= nexts[i] == ETH_NEXT_IP4;
	}
	return all_ip4;
}

static uint16_t
eth_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nexts[VN_FRAME_SIZE];
	uint32_t if_index = vn_frame_if(node);
	uint16_t i = 0, next = ETH_NEXT_IP4;
	bool all_same;

	if (unlikely(if_index >= VN_IF_MAX)) { /* VN_FRAME_IF_MIXED is not below it */
		all_same = eth_mixed(g, node, pkts, nexts, n);
	} else {
		/* The usual frame: one receive interface (port-rx said which), so its
		 * state is read once and no packet's metadata is; and one family,
		 * that of the first frame, in one test per frame. */
		const struct vn_if_fp *fp = vn_if_fp(if_index);
		uint64_t mac_sh = eth_if_mac_sh(fp);
		uint16_t type = n ? eth_vector_type(pkts[0]) : RTE_BE16(RTE_ETHER_TYPE_IPV4);

		if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
			next = ETH_NEXT_IP6;
		for (; i < n; i++) {
			if (unlikely(!eth_fast_ok(pkts[i], mac_sh, type)))
				break;
			eth_strip(pkts[i]);
		}
		all_same = i == n;
		if (unlikely(!all_same)) {
			for (uint16_t k = 0; k < i; k++)
				nexts[k] = next;
			for (; i < n; i++)
				nexts[i] = eth_classify(g, node, pkts[i], mac_sh, fp);
		}
	}
	if (likely(all_same))
		vn_enqueue(g, node, next, pkts, n);
	else
		vn_enqueue_nexts(g, node, pkts, nexts, n);
	return n;
}

VN_NODE_REGISTER(ethernet_input) = {
	.name = "ethernet-input",
	.format_trace = vn_trace_format_frame,
	.fn = eth_fn,
	.n_next = ETH_N_NEXT,
	.next_names =
		{
			[ETH_NEXT_IP4] = "ip4-input",
			[ETH_NEXT_ARP] = "arp-input",
			[ETH_NEXT_IP6] = "ip6-input",
		},
	.n_errors = ETH_N_ERR,
	.error_names = eth_errors,
};

/*
 * IPv6 for nodes: ICMPv6 and neighbour-discovery constants (RFC 4443, RFC
 * 4861) that DPDK's headers lack, the extension-header walk every IPv6 node
 * shares, the upper-layer checksum and the on-link reply helpers.
 *
 * Nodes that send a packet to ip6-icmp-error set vn_meta.icmp_type/icmp_code
 * with these, and vn_meta.icmp_mtu with the MTU (packet too big) or the
 * pointer (parameter problem).
 */
#ifndef VECNET_NET_IP6_H
#define VECNET_NET_IP6_H

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <string.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/interface.h>

#define VN_ICMP6_DEST_UNREACH 1
#define VN_ICMP6_PACKET_TOO_BIG 2
#define VN_ICMP6_TIME_EXCEEDED 3
#define VN_ICMP6_PARAM_PROBLEM 4
#define VN_ICMP6_ECHO_REQUEST 128
#define VN_ICMP6_ECHO_REPLY 129
#define VN_ICMP6_MLD_QUERY 130
#define VN_ICMP6_MLD_REPORT 131
#define VN_ICMP6_MLD_DONE 132
#define VN_ICMP6_ROUTER_SOLICIT 133
#define VN_ICMP6_ROUTER_ADVERT 134
#define VN_ICMP6_NEIGHBOR_SOLICIT 135
#define VN_ICMP6_NEIGHBOR_ADVERT 136
#define VN_ICMP6_REDIRECT 137
#define VN_ICMP6_MLD2_REPORT 143

/* VN_ICMP6_DEST_UNREACH codes */
#define VN_ICMP6_CODE_NO_ROUTE 0
#define VN_ICMP6_CODE_BEYOND_SCOPE 2
#define VN_ICMP6_CODE_ADDR_UNREACH 3
#define VN_ICMP6_CODE_PORT_UNREACH 4
/* VN_ICMP6_PARAM_PROBLEM codes */
#define VN_ICMP6_CODE_BAD_HEADER 0
#define VN_ICMP6_CODE_BAD_NEXT_HEADER 1

/* Neighbour discovery (RFC 4861 4.3, 4.4, 4.6). */
#define VN_ND_HOP_LIMIT 255
#define VN_ND_OPT_SRC_LLADDR 1
#define VN_ND_OPT_TGT_LLADDR 2
#define VN_ND_NA_F_ROUTER 0x80000000u
#define VN_ND_NA_F_SOLICITED 0x40000000u
#define VN_ND_NA_F_OVERRIDE 0x20000000u

struct vn_icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t data; /* echo: id and sequence; NA: flags; PTB: MTU; errors: unused or pointer */
} __rte_packed;

/* NS and NA: the ICMPv6 header, then the target, then options. */
struct vn_nd_msg {
	struct vn_icmp6_hdr icmp;
	struct vn_ip6 target;
} __rte_packed;

/* IPv6 minimum MTU (RFC 8200 5): an ICMPv6 error is never longer. */
#define VN_IP6_MIN_MTU 1280
/* Extension headers a packet may carry before we give up on it. */
#define VN_IP6_EXT_MAX 16

#define VN_IP6_NH_HOP_BY_HOP 0
#define VN_IP6_NH_ROUTING 43
#define VN_IP6_NH_FRAGMENT 44
#define VN_IP6_NH_ESP 50
#define VN_IP6_NH_AUTH 51
#define VN_IP6_NH_ICMP6 58
#define VN_IP6_NH_NONE 59
#define VN_IP6_NH_DEST_OPTS 60

enum vn_ip6_walk_result {
	VN_IP6_WALK_OK,
	VN_IP6_WALK_TRUNCATED, /* a header runs past the payload */
	VN_IP6_WALK_TOO_MANY, /* more than VN_IP6_EXT_MAX headers */
	VN_IP6_WALK_HBH_NOT_FIRST, /* hop-by-hop anywhere but first (RFC 8200 4.1) */
	VN_IP6_WALK_RH0, /* routing header type 0 (RFC 5095) */
};

struct vn_ip6_walk {
	uint8_t proto; /* the upper-layer protocol, or the header the walk stopped at */
	bool is_fragment; /* a fragment header was met */
	bool is_later_fragment; /* ...with a non-zero offset: no upper-layer header here */
	uint16_t l4_off; /* offset of that header from the IPv6 header */
	uint16_t hbh_off; /* offset of the hop-by-hop header, 0 if none */
};

static inline bool
vn_ip6_is_ext(uint8_t nh)
{
	return nh == VN_IP6_NH_HOP_BY_HOP || nh == VN_IP6_NH_ROUTING ||
	       nh == VN_IP6_NH_FRAGMENT || nh == VN_IP6_NH_DEST_OPTS || nh == VN_IP6_NH_AUTH;
}

/*
 * Walks the extension headers of the IPv6 packet at ip, of which len bytes
 * (header included) are in the buffer and belong to the packet. Every length
 * is checked before it is used, each header moves the walk forward by at
 * least 8 bytes, and at most VN_IP6_EXT_MAX headers are read: a chain cannot
 * loop or run past the buffer.
 */
static inline enum vn_ip6_walk_result
vn_ip6_walk(const uint8_t *ip, uint32_t len, struct vn_ip6_walk *w)
{
	uint8_t nh = ip[6];
	uint32_t off = sizeof(struct rte_ipv6_hdr);

	*w = (struct vn_ip6_walk){0};
	for (uint32_t n = 0; vn_ip6_is_ext(nh); n++) {
		uint32_t hlen;

		if (n == VN_IP6_EXT_MAX)
			return VN_IP6_WALK_TOO_MANY;
		if (off + 8 > len)
			return VN_IP6_WALK_TRUNCATED;
		if (nh == VN_IP6_NH_HOP_BY_HOP) {
			if (n != 0)
				return VN_IP6_WALK_HBH_NOT_FIRST;
			w->hbh_off = (uint16_t)off;
		}
		if (nh == VN_IP6_NH_FRAGMENT) {
			hlen = 8;
			w->is_fragment = true;
			/* Offset (13 bits) in bytes 2-3: a later fragment carries data, not headers. */
			if ((((uint32_t)ip[off + 2] << 8 | ip[off + 3]) & 0xfff8) != 0) {
				w->is_later_fragment = true;
				w->proto = ip[off];
				w->l4_off = (uint16_t)(off + hlen);
				return VN_IP6_WALK_OK;
			}
		} else if (nh == VN_IP6_NH_AUTH) {
			hlen = ((uint32_t)ip[off + 1] + 2) * 4; /* RFC 4302: 4-byte units */
		} else {
			hlen = ((uint32_t)ip[off + 1] + 1) * 8;
		}
		if (nh == VN_IP6_NH_ROUTING && ip[off + 2] == 0)
			return VN_IP6_WALK_RH0;
		if (off + hlen > len)
			return VN_IP6_WALK_TRUNCATED;
		nh = ip[off];
		off += hlen;
	}
	w->proto = nh;
	w->l4_off = (uint16_t)off;
	return VN_IP6_WALK_OK;
}

/* The upper-layer checksum (RFC 8200 8.1) of ulen bytes at l4 for ip's
 * addresses and protocol proto; 0 when a received checksum is right. */
static inline uint16_t
vn_ip6_l4_cksum(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t ulen, uint8_t proto)
{
	uint32_t sum = rte_raw_cksum(ip->src_addr, 32);

	sum += rte_cpu_to_be_16((uint16_t)(ulen >> 16)) + rte_cpu_to_be_16((uint16_t)ulen);
	sum += rte_cpu_to_be_16(proto);
	sum += rte_raw_cksum(l4, ulen);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One of the multicast groups an interface has joined: all-nodes,
 * all-routers (a router's, RFC 4291 2.8: router solicitations come to it),
 * or the solicited-node group of one of its addresses. */
static inline bool
vn_if_joined6(const struct vn_if_fp *fp, const struct vn_ip6 *group)
{
	static const uint8_t all_nodes[15] = {0xff, 0x02};
	static const uint8_t sn_pfx[13] = {0xff, 0x02, [11] = 0x01, [12] = 0xff};

	if (memcmp(group->b, all_nodes, 15) == 0 && (group->b[15] == 1 || group->b[15] == 2))
		return true;
	if (memcmp(group->b, sn_pfx, 13) != 0)
		return false;
	if (memcmp(group->b + 13, fp->ll6.b + 13, 3) == 0)
		return true;
	for (uint32_t i = 0; i < fp->n_addrs6; i++)
		if (memcmp(group->b + 13, fp->addrs6[i].addr.b + 13, 3) == 0)
			return true;
	return false;
}

/* The address we send from towards dst on fp: a global address in dst's
 * prefix, else the first global one (for a global dst), else the link-local. */
static inline const struct vn_ip6 *
vn_if_src6(const struct vn_if_fp *fp, const struct vn_ip6 *dst)
{
	if (vn_ip6_is_link_local(dst) || fp->n_addrs6 == 0)
		return &fp->ll6;
	for (uint32_t i = 0; i < fp->n_addrs6; i++)
		if (vn_prefix6_contains(&fp->addrs6[i], dst))
			return &fp->addrs6[i].addr;
	return &fp->addrs6[0].addr;
}

/*
 * On-link replies (NA, and echo replies and errors to a link-local source,
 * which no route leads to): the sender is the frame's source MAC, still in
 * the headroom ethernet-input left behind. Reads it; call before anything is
 * prepended over it.
 */
static inline void
vn_ip6_frame_src_mac(const struct rte_mbuf *m, const struct vn_if_fp *rx, uint8_t mac[6])
{
	const uint8_t *l2 = rte_pktmbuf_mtod(m, const uint8_t *) - RTE_ETHER_HDR_LEN -
			    (rx ? rx->l2_tags_len : 0);

	memcpy(mac, l2 + 6, 6);
}

/* Prepends the Ethernet header (with fp's VLAN tags) for an IPv6 packet to
 * dst_mac and sets tx_if; false if there is no headroom. */
static inline bool
vn_ip6_prepend_l2(struct rte_mbuf *m, const struct vn_if_fp *fp, const uint8_t dst_mac[6])
{
	uint16_t l2_len = RTE_ETHER_HDR_LEN + fp->l2_tags_len;
	uint8_t *eth = (uint8_t *)rte_pktmbuf_prepend(m, l2_len);
	uint16_t type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);

	if (!eth)
		return false;
	memcpy(eth, dst_mac, 6);
	memcpy(eth + 6, fp->mac, 6);
	memcpy(eth + 12, fp->l2_tags, fp->l2_tags_len);
	memcpy(eth + 12 + fp->l2_tags_len, &type, 2);
	vn_meta(m)->tx_if = fp->if_index;
	return true;
}

#endif

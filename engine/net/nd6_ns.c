/*
 * Neighbour solicitations the engine sends (RFC 4861 4.3, 7.2.2, 7.3.3;
 * RFC 4862 5.4.2), one builder for each use: ip6-glean's multicast
 * resolution, the unicast reachability probes of neighbor6.c, and duplicate
 * address detection (from ::, without a source link-layer option).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/neighbor6.h>

#include "net/neighbor_priv.h"

#define NS_LEN (sizeof(struct rte_ipv6_hdr) + sizeof(struct vn_nd_msg))
#define NS_OPT_LEN 8

struct rte_mbuf *
vn_nd6_msg_alloc(uint16_t len, const struct vn_ip6 *src, const struct vn_ip6 *dst,
		 struct rte_ipv6_hdr **ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(vn_pktmbuf_pool);

	if (unlikely(!m))
		return NULL;
	*ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, len);
	if (unlikely(!*ip)) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	**ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(len - sizeof(**ip)),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = VN_ND_HOP_LIMIT,
	};
	memcpy((*ip)->src_addr, src->b, 16);
	memcpy((*ip)->dst_addr, dst->b, 16);
	return m;
}

void
vn_nd6_opt_src_lladdr(uint8_t *opt, const uint8_t mac[6])
{
	opt[0] = VN_ND_OPT_SRC_LLADDR;
	opt[1] = 1;
	memcpy(opt + 2, mac, 6);
}

struct rte_mbuf *
vn_nd6_msg_finish(struct rte_mbuf *m, const struct vn_if_fp *fp, struct rte_ipv6_hdr *ip,
		  rte_be16_t *icmp_cksum, const uint8_t mac[6], uint32_t flags)
{
	*icmp_cksum = vn_ip6_l4_cksum(ip, ip + 1, rte_be_to_cpu_16(ip->payload_len),
				      VN_IP6_NH_ICMP6);
	/* The private area is not reset by the pool. */
	vn_meta_reset(m);
	vn_meta(m)->flags = flags;
	if (unlikely(!vn_ip6_prepend_l2(m, fp, mac))) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

struct rte_mbuf *
vn_nd6_ns_build(const struct vn_if_fp *fp, const struct vn_ip6 *target, const struct vn_ip6 *src,
		const uint8_t *dst_mac)
{
	bool dad = vn_ip6_is_unspecified(src);
	uint16_t len = NS_LEN + (dad ? 0 : NS_OPT_LEN);
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	struct vn_ip6 dst;
	struct vn_nd_msg *ns;
	uint8_t mac[6];

	/* Unicast to the neighbour we probe, else to the target's group. */
	if (dst_mac) {
		dst = *target;
		memcpy(mac, dst_mac, 6);
	} else {
		vn_ip6_solicited_node_of(target, &dst);
		vn_ip6_mcast_mac_of(&dst, mac);
	}
	m = vn_nd6_msg_alloc(len, src, &dst, &ip);
	if (unlikely(!m))
		return NULL;
	ns = (struct vn_nd_msg *)(ip + 1);
	*ns = (struct vn_nd_msg){
		.icmp = {.type = VN_ICMP6_NEIGHBOR_SOLICIT},
		.target = *target,
	};
	if (!dad)
		vn_nd6_opt_src_lladdr((uint8_t *)(ns + 1), fp->mac);
	return vn_nd6_msg_finish(m, fp, ip, &ns->icmp.cksum, mac, VN_META_F_LOCAL_ORIGIN);
}

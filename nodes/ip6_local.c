/*
 * ip6-local: IPv6 packets for us (our address, our link-local address, or a
 * group we joined). ICMPv6 is checked (length, checksum) and handled here:
 * echo requests are answered in place; neighbour solicitations for our
 * addresses are answered with an advertisement and teach us the sender;
 * neighbour advertisements teach us the target (RFC 4861 7.1, 7.2: hop limit
 * 255, code 0, target not multicast, options well formed, solicited flag
 * clear when sent to a group). Only on-link addresses are learned (link-local
 * or in one of the interface's prefixes). An advertisement for an address we
 * own is a duplicate: logged by its counter and dropped. Router advertisements are
 * checked and counted but never acted on (no route or address is taken from
 * them); router solicitations are checked and, on an interface that
 * advertises, handed to the main thread to answer (net/ra6.h). Other protocols
 * to a unicast address of ours go to the node that claimed them
 * (vn_ip6_local_register_protocol); UDP and TCP nobody claimed get port
 * unreachable, other protocols parameter problem (unrecognised next header),
 * as a Linux host answers.
 *
 * Replies to a global source go through ip6-lookup; replies to a link-local
 * source (no route leads there) go back out of the receiving interface to
 * the frame's source MAC (or the solicitation's source link-layer address).
 *
 * Reads: vn_meta.rx_if, flags; the IPv6 packet at data offset 0 (ip6-input
 * validated its header and extension headers); the frame's source MAC.
 * Writes: replies: the packet (IPv6 and ICMPv6 headers, extension headers
 * removed), vn_meta.flags (LOCAL_ORIGIN), adj, tx_if; icmp_type/icmp_code/
 * icmp_mtu for ip6-icmp-error; drops: vn_buf.error.
 * Nexts: error-drop (0), ip6-lookup, interface-output, ip6-icmp-error, then
 * one arc per registered protocol handler. An echo reply handed to ping's
 * hook leaves the vector and goes to no arc.
 * Errors: drop reasons for every packet not answered, and for what was
 * consumed (advertisements learned); counters: echo replies, neighbour
 * advertisements sent, port unreachable.
 */
#include <errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <string.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/ip6.h>
#include <vecnet/net/dad6.h>
#include <vecnet/net/ip6_local.h>
#include <vecnet/net/neighbor6.h>
#include <vecnet/net/ra6.h>
#include <vecnet/node.h>
#include <vecnet/net/trace.h>

enum { L6_NEXT_DROP, L6_NEXT_LOOKUP, L6_NEXT_OUTPUT, L6_NEXT_ICMP_ERROR, L6_N_NEXT };

enum {
	L6_ERR_FRAGMENT,
	L6_ERR_ICMP_SHORT,
	L6_ERR_ICMP_CKSUM,
	L6_ERR_ECHO_MCAST_SRC,
	L6_ERR_ECHO_REPLY,
	L6_ERR_ND_HOP_LIMIT,
	L6_ERR_ND_BAD,
	L6_ERR_NS_NOT_OURS,
	L6_ERR_NS_DAD,
	L6_ERR_NA_DUPLICATE,
	L6_ERR_DAD_CONFLICT,
	L6_ERR_NA_LEARNED,
	L6_ERR_NA_NO_LLADDR,
	L6_ERR_NA_OFF_LINK,
	L6_ERR_LEARN_RING_FULL,
	L6_ERR_RS,
	L6_ERR_RS_BAD,
	L6_ERR_RS_ANSWERED,
	L6_ERR_RA,
	L6_ERR_RA_BAD,
	L6_ERR_REDIRECT,
	L6_ERR_MLD,
	L6_ERR_ICMP_ERROR_RX,
	L6_ERR_ICMP_TYPE,
	L6_ERR_MCAST_DATA,
	L6_ERR_NO_HEADROOM,
	/* counters, not drop reasons */
	L6_ERR_ECHO_SENT,
	L6_ERR_NA_SENT,
	L6_ERR_PORT_UNREACH,
	L6_ERR_PROTO_UNREACH,
	L6_ERR_ECHO_REPLY_RX,
	L6_N_ERR,
};

static const char *const l6_errors[] = {
	[L6_ERR_FRAGMENT] = "fragment (no reassembly)",
	[L6_ERR_ICMP_SHORT] = "icmp6 truncated",
	[L6_ERR_ICMP_CKSUM] = "icmp6 bad checksum",
	[L6_ERR_ECHO_MCAST_SRC] = "echo request from a bad source",
	[L6_ERR_ECHO_REPLY] = "echo reply (no ping listening)",
	[L6_ERR_ND_HOP_LIMIT] = "neighbor discovery hop limit not 255",
	[L6_ERR_ND_BAD] = "neighbor discovery message malformed",
	[L6_ERR_NS_NOT_OURS] = "neighbor solicitation for an address not ours",
	[L6_ERR_NS_DAD] = "duplicate address detection probe for our address",
	[L6_ERR_NA_DUPLICATE] = "neighbor advertisement for our address (duplicate)",
	[L6_ERR_DAD_CONFLICT] = "address we are probing is in use (duplicate address detected)",
	[L6_ERR_NA_LEARNED] = "neighbor advertisement learned",
	[L6_ERR_NA_NO_LLADDR] = "neighbor advertisement without link-layer address",
	[L6_ERR_NA_OFF_LINK] = "neighbor advertisement for an off-link target",
	[L6_ERR_LEARN_RING_FULL] = "neighbor learn queue full",
	[L6_ERR_RS] = "router solicitation (advertisements off)",
	[L6_ERR_RS_BAD] = "router solicitation malformed",
	[L6_ERR_RS_ANSWERED] = "router solicitation received (answered by the main thread)",
	[L6_ERR_RA] = "router advertisement ignored",
	[L6_ERR_RA_BAD] = "router advertisement malformed",
	[L6_ERR_REDIRECT] = "redirect ignored",
	[L6_ERR_MLD] = "multicast listener message ignored",
	[L6_ERR_ICMP_ERROR_RX] = "icmp6 error received",
	[L6_ERR_ICMP_TYPE] = "icmp6 type not handled",
	[L6_ERR_MCAST_DATA] = "multicast data for us (no listener)",
	[L6_ERR_NO_HEADROOM] = "no headroom for the reply",
	[L6_ERR_ECHO_SENT] = "echo replies sent",
	[L6_ERR_NA_SENT] = "neighbor advertisements sent",
	[L6_ERR_PORT_UNREACH] = "no listener (port unreachable)",
	[L6_ERR_PROTO_UNREACH] = "protocol not handled (parameter problem)",
	[L6_ERR_ECHO_REPLY_RX] = "echo replies to ping",
};

static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 0x01};

/* Next arc per upper-layer protocol; 0 = not claimed. Written before the graph is built. */
static uint16_t l6_proto_next[256];
static const char *l6_proto_node[256];
static vn_ip6_local_icmp_hook l6_echo_reply_hook;
static vn_ip6_local_too_big_hook l6_too_big_hook;

void
vn_ip6_local_set_too_big_hook(vn_ip6_local_too_big_hook fn)
{
	__atomic_store_n(&l6_too_big_hook, fn, __ATOMIC_RELEASE);
}

#define L6_CONSUMED UINT16_MAX /* the echo-reply hook took the packet */

void
vn_ip6_local_set_echo_reply_hook(vn_ip6_local_icmp_hook fn)
{
	__atomic_store_n(&l6_echo_reply_hook, fn, __ATOMIC_RELEASE);
}

/*
 * The packet becomes an IPv6 header and ulen bytes of ICMPv6 at l4 (which
 * stays where it is: extension headers between are dropped), from src to
 * dst, hop limit hl, checksummed; then it leaves towards dst: on-link to
 * dst_mac (link-local or multicast dst), or through ip6-lookup.
 */
static uint16_t
l6_send(struct vn_node *node, struct rte_mbuf *m, uint8_t *l4, uint16_t ulen,
	const struct vn_ip6 *src, const struct vn_ip6 *dst, uint8_t hl, const struct vn_if_fp *fp,
	const uint8_t *dst_mac)
{
	struct vn_meta *md = vn_meta(m);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(l4 - sizeof(*ip));
	struct vn_icmp6_hdr *icmp = (struct vn_icmp6_hdr *)l4;
	struct vn_ip6 s = *src, d = *dst; /* src and dst may lie where the header goes */

	rte_pktmbuf_adj(m, (uint16_t)((uint8_t *)ip - rte_pktmbuf_mtod(m, uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - sizeof(*ip) - ulen));
	*ip = (struct rte_ipv6_hdr){
		.vtc_flow = rte_cpu_to_be_32(6u << 28),
		.payload_len = rte_cpu_to_be_16(ulen),
		.proto = VN_IP6_NH_ICMP6,
		.hop_limits = hl,
	};
	memcpy(ip->src_addr, s.b, 16);
	memcpy(ip->dst_addr, d.b, 16);
	icmp->cksum = 0;
	icmp->cksum = vn_ip6_l4_cksum(ip, icmp, ulen, VN_IP6_NH_ICMP6);
	md->flags = (md->flags & ~VN_META_F_L2_BCAST) | VN_META_F_LOCAL_ORIGIN;
	md->adj = NULL;
	if (!dst_mac)
		return L6_NEXT_LOOKUP;
	if (unlikely(!vn_ip6_prepend_l2(m, fp, dst_mac))) {
		vn_drop_reason(node, m, L6_ERR_NO_HEADROOM);
		return L6_NEXT_DROP;
	}
	return L6_NEXT_OUTPUT;
}

/* The link-layer address option of type opt_type, if any; false if the
 * options are malformed (a zero length, or running past the message). */
static bool
l6_nd_opts(const uint8_t *opt, uint32_t len, uint8_t opt_type, const uint8_t **lladdr)
{
	*lladdr = NULL;
	while (len > 0) {
		uint32_t olen;

		if (len < 2 || opt[1] == 0)
			return false;
		olen = (uint32_t)opt[1] * 8;
		if (olen > len)
			return false;
		if (opt[0] == opt_type && olen == 8)
			*lladdr = opt + 2;
		opt += olen;
		len -= olen;
	}
	return true;
}

/* On this link: link-local, or inside one of the interface's prefixes. Only
 * such addresses are learned, so a spoofed advertisement cannot fill the
 * table with addresses no route would ever resolve there. */
static bool
l6_on_link(const struct vn_if_fp *fp, const struct vn_ip6 *a)
{
	if (vn_ip6_is_link_local(a))
		return true;
	for (uint32_t i = 0; i < fp->n_addrs6; i++)
		if (vn_prefix6_contains(&fp->addrs6[i], a))
			return true;
	return false;
}

/* True (and m dropped by name, the main thread told) if target is an
 * address of ours still under duplicate address detection. */
static bool
l6_dad_conflict(struct vn_node *node, struct rte_mbuf *m, const struct vn_if_fp *fp,
		const struct vn_ip6 *target)
{
	static const uint8_t none[6];

	if (likely(!vn_dad6_is_tentative(fp->if_index, target)))
		return false;
	if (!vn_neighbor6_post_learn(fp->if_index, target, none, VN_ND_LEARN_DAD))
		vn_drop_reason(node, m, L6_ERR_LEARN_RING_FULL);
	else
		vn_drop_reason(node, m, L6_ERR_DAD_CONFLICT);
	return true;
}

static uint16_t
l6_ns(struct vn_node *node, struct rte_mbuf *m, struct rte_ipv6_hdr *ip, uint8_t *l4,
      uint16_t ulen, const struct vn_if_fp *fp, uint32_t *counts)
{
	struct vn_nd_msg *ns = (struct vn_nd_msg *)l4;
	struct vn_ip6 src, dst, target;
	const uint8_t *slla;
	uint8_t frame_mac[6], *opt;
	bool is_dad;

	memcpy(src.b, ip->src_addr, 16);
	memcpy(dst.b, ip->dst_addr, 16);
	target = ns->target;
	is_dad = vn_ip6_is_unspecified(&src);
	if (ulen < sizeof(*ns) || vn_ip6_is_multicast(&target) ||
	    !l6_nd_opts(l4 + sizeof(*ns), ulen - sizeof(*ns), VN_ND_OPT_SRC_LLADDR, &slla) ||
	    (is_dad && (slla || !vn_ip6_is_multicast(&dst)))) {
		vn_drop_reason(node, m, L6_ERR_ND_BAD);
		return L6_NEXT_DROP;
	}
	/* Another node probing an address we probe too (RFC 4862 5.4.3):
	 * neither may use it. */
	if (is_dad && l6_dad_conflict(node, m, fp, &target))
		return L6_NEXT_DROP;
	if (!vn_if_has_addr6(fp, &target)) {
		vn_drop_reason(node, m, L6_ERR_NS_NOT_OURS);
		return L6_NEXT_DROP;
	}
	if (is_dad) {
		/* Someone wants our address; we keep it (no DAD of our own yet) and
		 * say so to all nodes, as RFC 4861 7.2.4 has a defender do. */
		counts[L6_ERR_NS_DAD]++;
		dst = *(const struct vn_ip6 *)all_nodes;
	} else if (slla && l6_on_link(fp, &src)) {
		if (!vn_neighbor6_post_learn(fp->if_index, &src, slla, 0))
			counts[L6_ERR_LEARN_RING_FULL]++;
	}
	vn_ip6_frame_src_mac(m, fp, frame_mac);
	if (is_dad)
		vn_ip6_mcast_mac_of(&dst, frame_mac);
	else if (slla)
		memcpy(frame_mac, slla, 6);
	/* The advertisement: router, solicited (not for DAD), override, our MAC. */
	ns->icmp.type = VN_ICMP6_NEIGHBOR_ADVERT;
	ns->icmp.code = 0;
	ns->icmp.data = rte_cpu_to_be_32(VN_ND_NA_F_ROUTER | VN_ND_NA_F_OVERRIDE |
					 (is_dad ? 0 : VN_ND_NA_F_SOLICITED));
	opt = l4 + sizeof(*ns);
	if ((uint32_t)(opt + 8 - rte_pktmbuf_mtod(m, uint8_t *)) > rte_pktmbuf_data_len(m) &&
	    !rte_pktmbuf_append(m, (uint16_t)(opt + 8 - rte_pktmbuf_mtod(m, uint8_t *)) -
					   rte_pktmbuf_data_len(m))) {
		vn_drop_reason(node, m, L6_ERR_NO_HEADROOM);
		return L6_NEXT_DROP;
	}
	opt[0] = VN_ND_OPT_TGT_LLADDR;
	opt[1] = 1;
	memcpy(opt + 2, fp->mac, 6);
	counts[L6_ERR_NA_SENT]++;
	/* The solicitor is on this link (hop limit 255), global address or not:
	 * answered there directly, at the MAC it gave (or sent from). */
	return l6_send(node, m, l4, sizeof(*ns) + 8, &target, is_dad ? &dst : &src,
		       VN_ND_HOP_LIMIT, fp, frame_mac);
}

static uint16_t
l6_na(struct vn_node *node, struct rte_mbuf *m, struct rte_ipv6_hdr *ip, uint8_t *l4,
      uint16_t ulen, const struct vn_if_fp *fp, uint32_t *counts)
{
	static const uint8_t zero_mac[6];
	const struct vn_nd_msg *na = (const struct vn_nd_msg *)l4;
	uint32_t flags;
	uint8_t learn;
	const uint8_t *tlla;

	if (ulen < sizeof(*na) || vn_ip6_is_multicast(&na->target) ||
	    !l6_nd_opts(l4 + sizeof(*na), ulen - sizeof(*na), VN_ND_OPT_TGT_LLADDR, &tlla)) {
		vn_drop_reason(node, m, L6_ERR_ND_BAD);
		return L6_NEXT_DROP;
	}
	flags = rte_be_to_cpu_32(na->icmp.data);
	if (vn_ip6_is_multicast((const struct vn_ip6 *)ip->dst_addr) &&
	    (flags & VN_ND_NA_F_SOLICITED)) {
		vn_drop_reason(node, m, L6_ERR_ND_BAD);
		return L6_NEXT_DROP;
	}
	/* Someone has the address we probe (RFC 4862 5.4.4). */
	if (l6_dad_conflict(node, m, fp, &na->target))
		return L6_NEXT_DROP;
	if (vn_if_has_addr6(fp, &na->target)) {
		vn_drop_reason(node, m, L6_ERR_NA_DUPLICATE);
		return L6_NEXT_DROP;
	}
	/* A solicited NA may leave the option out (an answer to a unicast
	 * probe, RFC 4861 7.2.4): it confirms the address we have. */
	if ((!tlla && !(flags & VN_ND_NA_F_SOLICITED)) || (tlla && (tlla[0] & 1))) {
		vn_drop_reason(node, m, L6_ERR_NA_NO_LLADDR);
		return L6_NEXT_DROP;
	}
	if (!l6_on_link(fp, &na->target)) {
		vn_drop_reason(node, m, L6_ERR_NA_OFF_LINK);
		return L6_NEXT_DROP;
	}
	learn = VN_ND_LEARN_NA | (tlla ? 0 : VN_ND_LEARN_NO_LLADDR) |
		(flags & VN_ND_NA_F_ROUTER ? VN_ND_LEARN_ROUTER : 0) |
		(flags & VN_ND_NA_F_SOLICITED ? VN_ND_LEARN_CONFIRMED : 0) |
		(flags & VN_ND_NA_F_OVERRIDE ? VN_ND_LEARN_OVERRIDE : 0);
	if (!vn_neighbor6_post_learn(fp->if_index, &na->target, tlla ? tlla : zero_mac, learn))
		vn_drop_reason(node, m, L6_ERR_LEARN_RING_FULL);
	else
		vn_drop_reason(node, m, L6_ERR_NA_LEARNED);
	return L6_NEXT_DROP;
}

static uint16_t
l6_icmp(struct vn_node *node, struct rte_mbuf *m, struct rte_ipv6_hdr *ip, uint8_t *l4,
	uint16_t ulen, const struct vn_if_fp *fp, uint32_t *counts)
{
	struct vn_icmp6_hdr *icmp = (struct vn_icmp6_hdr *)l4;
	struct vn_ip6 src, dst;
	uint8_t mac[6];

	if (ulen < sizeof(*icmp)) {
		vn_drop_reason(node, m, L6_ERR_ICMP_SHORT);
		return L6_NEXT_DROP;
	}
	if (vn_ip6_l4_cksum(ip, l4, ulen, VN_IP6_NH_ICMP6) != 0) {
		vn_drop_reason(node, m, L6_ERR_ICMP_CKSUM);
		return L6_NEXT_DROP;
	}
	switch (icmp->type) {
	case VN_ICMP6_NEIGHBOR_SOLICIT:
	case VN_ICMP6_NEIGHBOR_ADVERT:
	case VN_ICMP6_ROUTER_SOLICIT:
	case VN_ICMP6_ROUTER_ADVERT:
	case VN_ICMP6_REDIRECT:
		/* Only from the link itself (RFC 4861 6.1, 7.1): never forwarded. */
		if (ip->hop_limits != VN_ND_HOP_LIMIT) {
			vn_drop_reason(node, m, L6_ERR_ND_HOP_LIMIT);
			return L6_NEXT_DROP;
		}
		if (icmp->code != 0) {
			vn_drop_reason(node, m, L6_ERR_ND_BAD);
			return L6_NEXT_DROP;
		}
		break;
	default:
		break;
	}
	switch (icmp->type) {
	case VN_ICMP6_ECHO_REQUEST:
		memcpy(src.b, ip->src_addr, 16);
		memcpy(dst.b, ip->dst_addr, 16);
		if (vn_ip6_is_unspecified(&src)) {
			vn_drop_reason(node, m, L6_ERR_ECHO_MCAST_SRC);
			return L6_NEXT_DROP;
		}
		/* To a group we answer from our own address on that link. */
		if (vn_ip6_is_multicast(&dst))
			dst = *vn_if_src6(fp, &src);
		icmp->type = VN_ICMP6_ECHO_REPLY;
		counts[L6_ERR_ECHO_SENT]++;
		if (vn_ip6_is_link_local(&src)) {
			vn_ip6_frame_src_mac(m, fp, mac);
			return l6_send(node, m, l4, ulen, &dst, &src, 64, fp, mac);
		}
		return l6_send(node, m, l4, ulen, &dst, &src, 64, fp, NULL);
	case VN_ICMP6_NEIGHBOR_SOLICIT:
		return l6_ns(node, m, ip, l4, ulen, fp, counts);
	case VN_ICMP6_NEIGHBOR_ADVERT:
		return l6_na(node, m, ip, l4, ulen, fp, counts);
	case VN_ICMP6_ECHO_REPLY: {
		vn_ip6_local_icmp_hook hook = __atomic_load_n(&l6_echo_reply_hook, __ATOMIC_ACQUIRE);
		if (hook) {
			counts[L6_ERR_ECHO_REPLY_RX]++;
			hook(m);
			return L6_CONSUMED;
		}
		vn_drop_reason(node, m, L6_ERR_ECHO_REPLY);
		break;
	}
	case VN_ICMP6_ROUTER_SOLICIT: {
		static const uint8_t err[] = {
		    [VN_RA6_RX_OK] = L6_ERR_RS_ANSWERED,
		    [VN_RA6_RX_OFF] = L6_ERR_RS,
		    [VN_RA6_RX_BAD] = L6_ERR_RS_BAD,
		};
		vn_ip6_frame_src_mac(m, fp, mac);
		vn_drop_reason(node, m, err[vn_ra6_rs_input(fp->if_index, ip, l4, ulen, mac)]);
		break;
	}
	case VN_ICMP6_ROUTER_ADVERT:
		/* Never a route or an address from it (issue 19): counted only. */
		vn_drop_reason(node, m, vn_ra6_ra_input(fp->if_index, ip, l4, ulen) == VN_RA6_RX_OK
						? L6_ERR_RA
						: L6_ERR_RA_BAD);
		break;
	case VN_ICMP6_REDIRECT:
		vn_drop_reason(node, m, L6_ERR_REDIRECT);
		break;
	case VN_ICMP6_MLD_QUERY:
	case VN_ICMP6_MLD_REPORT:
	case VN_ICMP6_MLD_DONE:
	case VN_ICMP6_MLD2_REPORT:
		vn_drop_reason(node, m, L6_ERR_MLD);
		break;
	case VN_ICMP6_PACKET_TOO_BIG: {
		vn_ip6_local_too_big_hook hook = __atomic_load_n(&l6_too_big_hook, __ATOMIC_ACQUIRE);
		if (hook && hook(m)) /* path MTU discovery: the host stack's */
			return L6_CONSUMED;
		vn_drop_reason(node, m, L6_ERR_ICMP_ERROR_RX);
		break;
	}
	default:
		vn_drop_reason(node, m, icmp->type < 128 ? L6_ERR_ICMP_ERROR_RX : L6_ERR_ICMP_TYPE);
		break;
	}
	return L6_NEXT_DROP;
}

static inline uint16_t
l6_one(struct vn_node *node, struct rte_mbuf *m, uint32_t *counts)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	const struct vn_if_fp *fp = vn_if_fp(vn_meta(m)->rx_if);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct vn_ip6_walk w;

	/* ip6-input walked the chain; walking again finds the upper layer. */
	if (unlikely(!fp || vn_ip6_walk((uint8_t *)ip, len, &w) != VN_IP6_WALK_OK)) {
		vn_drop_reason(node, m, L6_ERR_ICMP_SHORT);
		return L6_NEXT_DROP;
	}
	if (w.is_fragment) {
		vn_drop_reason(node, m, L6_ERR_FRAGMENT);
		return L6_NEXT_DROP;
	}
	if (w.proto == VN_IP6_NH_ICMP6)
		return l6_icmp(node, m, ip, (uint8_t *)ip + w.l4_off, (uint16_t)(len - w.l4_off),
			       fp, counts);
	if (vn_ip6_is_multicast((const struct vn_ip6 *)ip->dst_addr)) {
		vn_drop_reason(node, m, L6_ERR_MCAST_DATA);
		return L6_NEXT_DROP;
	}
	if (l6_proto_next[w.proto])
		return l6_proto_next[w.proto];
	if (w.proto == IPPROTO_UDP || w.proto == IPPROTO_TCP) {
		vn_meta(m)->icmp_type = VN_ICMP6_DEST_UNREACH;
		vn_meta(m)->icmp_code = VN_ICMP6_CODE_PORT_UNREACH;
		counts[L6_ERR_PORT_UNREACH]++;
		return L6_NEXT_ICMP_ERROR;
	}
	/* Unrecognised next header: the pointer names the field that carries it. */
	vn_meta(m)->icmp_type = VN_ICMP6_PARAM_PROBLEM;
	vn_meta(m)->icmp_code = VN_ICMP6_CODE_BAD_NEXT_HEADER;
	vn_meta(m)->icmp_mtu = w.l4_off == sizeof(*ip) ? 6 : 0;
	counts[L6_ERR_PROTO_UNREACH]++;
	return L6_NEXT_ICMP_ERROR;
}

static uint16_t
l6_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t counts[L6_N_ERR] = {0};
	uint16_t nexts[VN_FRAME_SIZE];

	uint16_t k = 0;

	/* Packets the echo-reply hook took leave the vector. */
	for (uint16_t i = 0; i < n; i++) {
		uint16_t next = l6_one(node, pkts[i], counts);
		if (next == L6_CONSUMED)
			continue;
		pkts[k] = pkts[i];
		nexts[k++] = next;
	}
	vn_enqueue_nexts(g, node, pkts, nexts, k);
	vn_node_count_errors(node, counts, L6_ERR_NS_DAD, 1);
	vn_node_count_errors(node, counts, L6_ERR_LEARN_RING_FULL, 1);
	vn_node_count_errors(node, counts, L6_ERR_ECHO_SENT, L6_N_ERR - L6_ERR_ECHO_SENT);
	return n;
}

VN_NODE_REGISTER(ip6_local) = {
	.name = "ip6-local",
	.format_trace = vn_trace_format_ip6,
	.fn = l6_fn,
	.n_next = L6_N_NEXT,
	.next_names =
		{
			[L6_NEXT_LOOKUP] = "ip6-lookup",
			[L6_NEXT_OUTPUT] = "interface-output",
			[L6_NEXT_ICMP_ERROR] = "ip6-icmp-error",
		},
	.n_errors = L6_N_ERR,
	.error_names = l6_errors,
};

int
vn_ip6_local_register_protocol(uint8_t proto, const char *node_name)
{
	int arc;

	if (!node_name)
		return -EINVAL;
	if (proto == VN_IP6_NH_ICMP6)
		return -EBUSY;
	if (l6_proto_node[proto])
		return strcmp(l6_proto_node[proto], node_name) == 0 ? 0 : -EEXIST;
	arc = vn_node_add_next("ip6-local", node_name);
	if (arc < 0)
		return arc;
	if (arc == VN_NEXT_DROP) /* "error-drop": arc 0 means unclaimed */
		return -EINVAL;
	l6_proto_next[proto] = (uint16_t)arc;
	l6_proto_node[proto] = node_name;
	return 0;
}

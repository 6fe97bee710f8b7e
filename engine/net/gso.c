/*
 * Cutting GSO super-frames into segments (net/gso.h), for host-input (a
 * frame in its ring) and port-tx (a passed-through frame for a port that
 * cannot take it). We cut while copying, from one contiguous frame: DPDK's
 * rte_gso needs an mbuf chain first, yields two-segment indirect mbufs that
 * every node downstream would then see, and leaves checksums to hardware.
 */
#define VN_LOG_MOD "gso"
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <vecnet/buffer.h>
#include <vecnet/net/gso.h>

#include "net/mbuf_append.h"

/* Super-frames passed through at once: a vector of them and some in rings. */
#define VN_GSO_POOL_SIZE 1023

struct rte_mempool *
vn_gso_pool(void)
{
	static struct rte_mempool *pool;
	static bool tried;

	if (!pool && !tried) {
		tried = true;
		/* The largest data room an mbuf can have: buf_len is 16 bits. */
		pool = rte_pktmbuf_pool_create("vn_gso", VN_GSO_POOL_SIZE, 32, VN_BUF_PRIV_SIZE,
					       UINT16_MAX, rte_socket_id());
		if (!pool)
			VN_WARN("no pool for GSO super-frames (%s): host interfaces cut every one",
				rte_strerror(rte_errno));
	}
	return pool;
}

/* L3 offset and EtherType after any tags; 0 if the headers run out. */
static uint32_t
l3_offset(const uint8_t *hdr, uint32_t len, uint16_t *type)
{
	uint32_t off = 12;

	while (off + 2 <= len) {
		uint16_t t = (uint16_t)(hdr[off] << 8 | hdr[off + 1]);
		if (t != RTE_ETHER_TYPE_VLAN && t != RTE_ETHER_TYPE_QINQ) {
			*type = t;
			return off + 2;
		}
		off += 4;
	}
	return 0;
}

int
vn_gso_parse(const uint8_t *hdr, uint32_t hdr_len, uint32_t frame_len, uint8_t type,
	     uint16_t size, uint16_t l4, struct vn_gso *g)
{
	uint16_t ether;
	uint32_t l3 = l3_offset(hdr, hdr_len, &ether), l4_hlen;
	bool v4 = ether == RTE_ETHER_TYPE_IPV4;

	if (l3 == 0 || size == 0 || (!v4 && ether != RTE_ETHER_TYPE_IPV6) ||
	    (type == VN_GSO_TCP4 && !v4) || (type == VN_GSO_TCP6 && v4))
		return -1;
	if (l4 < l3 + (v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr)) ||
	    l4 + sizeof(struct rte_udp_hdr) > hdr_len)
		return -1;
	/* IPv6 extension headers: the checksum's length would count them, so
	 * such a frame is refused (Linux's own GSO frames carry none). */
	if (v4 ? l4 != l3 + (hdr[l3] & 0xf) * 4u : l4 != l3 + sizeof(struct rte_ipv6_hdr))
		return -1;
	if (type == VN_GSO_UDP) {
		l4_hlen = sizeof(struct rte_udp_hdr);
	} else {
		if (l4 + sizeof(struct rte_tcp_hdr) > hdr_len)
			return -1;
		l4_hlen = (hdr[l4 + 12] >> 4) * 4u;
		if (l4_hlen < sizeof(struct rte_tcp_hdr))
			return -1;
	}
	if (l4 + l4_hlen > hdr_len || l4 + l4_hlen > frame_len)
		return -1;
	*g = (struct vn_gso){
		.type = type, .size = size, .l3 = l3, .l4 = l4, .hlen = l4 + l4_hlen};
	return 0;
}

/* Segment k's headers: lengths, IP ID, sequence number, flags, checksums. */
static void
segment_fix(const struct vn_gso *g, struct rte_mbuf *m, uint32_t k, uint32_t n, uint32_t seg,
	    uint16_t ip_id, uint32_t seq, uint8_t flags)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t l4_len = g->hlen - g->l4 + seg;
	uint16_t *ck;

	if (g->type != VN_GSO_TCP6 && p[g->l3] >> 4 == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + g->l3);
		ip->total_length = rte_cpu_to_be_16((uint16_t)(g->l4 - g->l3 + l4_len));
		ip->packet_id = rte_cpu_to_be_16((uint16_t)(ip_id + k));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + g->l3);
		ip6->payload_len =
			rte_cpu_to_be_16((uint16_t)(g->l4 - g->l3 - sizeof(*ip6) + l4_len));
	}
	if (g->type == VN_GSO_UDP) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(p + g->l4);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)l4_len);
		ck = &uh->dgram_cksum;
	} else {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(p + g->l4);
		th->sent_seq = rte_cpu_to_be_32(seq + k * g->size);
		/* FIN and PSH end the stream's run: last segment only; CWR
		 * answers once: first segment only. */
		if (k + 1 < n)
			flags &= (uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		if (k > 0)
			flags &= (uint8_t)~RTE_TCP_CWR_FLAG;
		th->tcp_flags = flags;
		ck = &th->cksum;
	}
	*ck = 0;
	if (p[g->l3] >> 4 == 4)
		*ck = rte_ipv4_udptcp_cksum_mbuf(m, (struct rte_ipv4_hdr *)(p + g->l3), g->l4);
	else
		*ck = rte_ipv6_udptcp_cksum_mbuf(m, (struct rte_ipv6_hdr *)(p + g->l3), g->l4);
}

int
vn_gso_segment(const struct vn_gso *g, const uint8_t *hdr, const uint8_t *payload,
	       uint32_t payload_len, struct rte_mempool *mp, struct rte_mbuf **out, uint16_t room)
{
	uint32_t n = payload_len ? (payload_len + g->size - 1) / g->size : 1, seq = 0;
	uint16_t ip_id = 0;
	uint8_t flags = 0;

	if (n > room)
		return -1;
	if (hdr[g->l3] >> 4 == 4)
		ip_id = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)(hdr + g->l3))->packet_id);
	if (g->type != VN_GSO_UDP) {
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)(hdr + g->l4);
		seq = rte_be_to_cpu_32(th->sent_seq);
		flags = th->tcp_flags;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t off = k * g->size, seg = RTE_MIN((uint32_t)g->size, payload_len - off);
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *tail = m;
		if (!m || !vn_mbuf_append(m, &tail, hdr, g->hlen) ||
		    !vn_mbuf_append(m, &tail, payload + off, seg)) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free_bulk(out, k);
			return 0;
		}
		segment_fix(g, m, k, n, seg, ip_id, seq, flags);
		out[k] = m;
	}
	return (int)n;
}

int
vn_gso_segment_mbuf(struct rte_mbuf *m, struct rte_mempool *mp, struct rte_mbuf **out,
		    uint16_t room)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t ether;
	struct vn_gso g;
	int n;

	/* A passed-through frame is one segment (vn_gso_pool's data room). */
	uint32_t l3 = l3_offset(p, m->data_len, &ether);
	if (m->nb_segs != 1 || l3 == 0 ||
	    vn_gso_parse(p, m->data_len, m->data_len,
			 ether == RTE_ETHER_TYPE_IPV4 ? VN_GSO_TCP4 : VN_GSO_TCP6, m->tso_segsz,
			 (uint16_t)(l3 + (ether == RTE_ETHER_TYPE_IPV4 ? (p[l3] & 0xf) * 4u
									: sizeof(struct rte_ipv6_hdr))),
			 &g) < 0)
		return 0;
	n = vn_gso_segment(&g, p, p + g.hlen, m->data_len - g.hlen, mp, out, room);
	if (n > 0)
		rte_pktmbuf_free(m);
	return n;
}

/*
 * Packet translation and incremental checksums (RFC 1624), shared by the
 * in2out and out2in nodes and tested against reference packets.
 *
 * Checksum fields, addresses and ports are read as raw words in network byte
 * order: a one's complement sum does not depend on byte order as long as
 * every term is taken the same way. Each helper is HC' = ~(~HC + ~m + m').
 */
#ifndef VN_NAT44_XLATE_H
#define VN_NAT44_XLATE_H

#include <rte_icmp.h>
#include <string.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include <vecnet/net/icmp.h>

#include "nat44.h"

static inline uint16_t
nat44_csum_fold(uint64_t s)
{
	s = (s & 0xffffffffull) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* A 32-bit word changed (an address). */
static inline uint16_t
nat44_csum_adj32(uint16_t csum, uint32_t old_w, uint32_t new_w)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint32_t)~old_w;
	s += new_w;
	return (uint16_t)~nat44_csum_fold(s);
}

/* A 16-bit word changed (a port or an ICMP identifier). */
static inline uint16_t
nat44_csum_adj16(uint16_t csum, uint16_t old_w, uint16_t new_w)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint16_t)~old_w;
	s += new_w;
	return (uint16_t)~nat44_csum_fold(s);
}

/* An address and a port changed (TCP/UDP pseudo-header and header). */
static inline uint16_t
nat44_csum_adj48(uint16_t csum, uint32_t old_a, uint32_t new_a, uint16_t old_p, uint16_t new_p)
{
	uint64_t s = (uint16_t)~csum;

	s += (uint32_t)~old_a;
	s += new_a;
	s += (uint16_t)~old_p;
	s += new_p;
	return (uint16_t)~nat44_csum_fold(s);
}

/* IPv4 headers sit 2 bytes off a 4-byte boundary (after the 14-byte Ethernet
 * header of a line-aligned frame): addresses are read and written through
 * memcpy, never through a uint32_t pointer (UBSan: misaligned load). */
static inline uint32_t
nat44_load32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void
nat44_store32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline bool
nat44_icmp_is_echo(uint8_t type)
{
	return type == VN_ICMP_ECHO_REQUEST || type == VN_ICMP_ECHO_REPLY;
}

static inline bool
nat44_icmp_is_error(uint8_t type)
{
	return type == VN_ICMP_DEST_UNREACH || type == VN_ICMP_TIME_EXCEEDED ||
	       type == VN_ICMP_PARAM_PROBLEM || type == VN_ICMP_SOURCE_QUENCH ||
	       type == VN_ICMP_REDIRECT;
}

static inline uint16_t
nat44_ip_hlen(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)((ip->version_ihl & 0xf) * 4);
}

static inline bool
nat44_is_fragment(const struct rte_ipv4_hdr *ip)
{
	return (ip->fragment_offset &
		rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) != 0;
}

/*
 * The session key of a packet as it arrives (o2i: on the outside). Returns
 * true when the packet can take the fast path: TCP, UDP or ICMP echo, not a
 * fragment, its L4 header present. Otherwise k->proto is 0, which no session
 * has, so the lookup misses and the slow path looks at it. ip4-input has
 * checked that total_length fits in the first segment.
 */
static inline bool
nat44_key_of(const struct rte_ipv4_hdr *ip, bool o2i, struct nat44_key *k)
{
	uint16_t hlen = nat44_ip_hlen(ip);
	uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - hlen;
	const uint8_t *l4 = (const uint8_t *)ip + hlen;
	uint16_t p[2];

	k->src = ip->src_addr;
	k->dst = ip->dst_addr;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	k->proto = 0;
	k->sport = k->dport = 0;
	if (unlikely(nat44_is_fragment(ip)))
		return false;
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		if (unlikely(l4len < sizeof(struct rte_tcp_hdr)))
			return false;
		break;
	case IPPROTO_UDP:
		if (unlikely(l4len < sizeof(struct rte_udp_hdr)))
			return false;
		break;
	case IPPROTO_ICMP: {
		const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)l4;
		if (unlikely(l4len < sizeof(*ic) || !nat44_icmp_is_echo(ic->icmp_type)))
			return false;
		if (o2i)
			k->dport = ic->icmp_ident;
		else
			k->sport = ic->icmp_ident;
		k->proto = IPPROTO_ICMP;
		return true;
	}
	default:
		return false;
	}
	memcpy(p, l4, sizeof(p));
	k->sport = p[0];
	k->dport = p[1];
	k->proto = ip->next_proto_id;
	return true;
}

/* Rewrites the source (is_src) or destination address and port of a TCP, UDP
 * or ICMP echo packet, with incremental checksum updates. For ICMP echo the
 * "port" is the identifier, whichever side is rewritten. */
static inline void
nat44_xlate(struct rte_ipv4_hdr *ip, bool is_src, uint32_t new_a, uint16_t new_p)
{
	uint8_t *l4 = (uint8_t *)ip + nat44_ip_hlen(ip);
	void *ap = is_src ? &ip->src_addr : &ip->dst_addr;
	uint32_t old_a = nat44_load32(ap);

	nat44_store32(ap, new_a);
	ip->hdr_checksum = nat44_csum_adj32(ip->hdr_checksum, old_a, new_a);
	switch (ip->next_proto_id) {
	case IPPROTO_TCP: {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;
		uint16_t *pp = is_src ? &t->src_port : &t->dst_port;
		t->cksum = nat44_csum_adj48(t->cksum, old_a, new_a, *pp, new_p);
		*pp = new_p;
		break;
	}
	case IPPROTO_UDP: {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4;
		uint16_t *pp = is_src ? &u->src_port : &u->dst_port;
		if (u->dgram_cksum) { /* 0: sent without a checksum, stays so */
			uint16_t c = nat44_csum_adj48(u->dgram_cksum, old_a, new_a, *pp, new_p);
			u->dgram_cksum = c ? c : 0xffff;
		}
		*pp = new_p;
		break;
	}
	case IPPROTO_ICMP: {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)l4;
		ic->icmp_cksum = nat44_csum_adj16(ic->icmp_cksum, ic->icmp_ident, new_p);
		ic->icmp_ident = new_p;
		break;
	}
	default:
		break;
	}
}

/*
 * nat44_xlate for the usual packet (nat44_key_fast: 20-byte header, TCP or
 * UDP): no switch, and the address's checksum delta is summed once for both
 * checksums. Same result as nat44_xlate (the unit test compares them).
 */
static inline void
nat44_xlate_l4(struct rte_ipv4_hdr *ip, bool is_src, uint32_t new_a, uint16_t new_p)
{
	uint8_t *l4 = (uint8_t *)(ip + 1);
	bool is_tcp = ip->next_proto_id == IPPROTO_TCP;
	void *ap = is_src ? &ip->src_addr : &ip->dst_addr;
	uint16_t *pp = (uint16_t *)l4 + (is_src ? 0 : 1);
	uint16_t *cp = (uint16_t *)(l4 + (is_tcp ? offsetof(struct rte_tcp_hdr, cksum)
						  : offsetof(struct rte_udp_hdr, dgram_cksum)));
	/* The address's change as a 32-bit one's complement sum (end-around
	 * carry), then its two halves added: at most 0x1fffe. Each checksum adds
	 * at most four 16-bit terms to it, so two folds finish it. */
	uint32_t d = ~nat44_load32(ap) + new_a;
	uint32_t s;
	uint16_t c = *cp;

	d += d < new_a;
	d = (d & 0xffff) + (d >> 16);
	s = (uint16_t)~ip->hdr_checksum + d;
	s = (s & 0xffff) + (s >> 16);
	ip->hdr_checksum = (uint16_t)~(s + (s >> 16));
	if (likely(c != 0 || is_tcp)) { /* UDP 0: sent without a checksum, stays so */
		s = (uint32_t)(uint16_t)~c + d + (uint16_t)~*pp + new_p;
		s = (s & 0xffff) + (s >> 16);
		c = (uint16_t)~(s + (s >> 16));
		*cp = (c == 0 && !is_tcp) ? 0xffff : c;
	}
	nat44_store32(ap, new_a);
	*pp = new_p;
}

/*
 * An ICMP error quotes the packet that caused it: IPv4 header and at least 8
 * bytes of L4. Fills the quoted header's location and how many bytes of its
 * L4 part are present. false when malformed (not IPv4, header cut short).
 */
static inline bool
nat44_icmp_inner(struct rte_ipv4_hdr *ip, struct rte_ipv4_hdr **inner, uint16_t *inner_l4len)
{
	uint16_t hlen = nat44_ip_hlen(ip);
	uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - hlen;
	struct rte_ipv4_hdr *in;
	uint16_t ihlen;

	if (l4len < sizeof(struct rte_icmp_hdr) + sizeof(struct rte_ipv4_hdr) + 8)
		return false;
	in = (struct rte_ipv4_hdr *)((uint8_t *)ip + hlen + sizeof(struct rte_icmp_hdr));
	ihlen = nat44_ip_hlen(in);
	if ((in->version_ihl >> 4) != 4 || ihlen < sizeof(*in) ||
	    l4len < sizeof(struct rte_icmp_hdr) + ihlen + 8)
		return false;
	*inner = in;
	*inner_l4len = l4len - sizeof(struct rte_icmp_hdr) - ihlen;
	return true;
}

/* Key of the session an ICMP error belongs to. The quoted packet travelled
 * the other way, so its source and destination swap. o2i: the error arrived
 * on the outside. false when the quoted protocol is not translated. */
static inline bool
nat44_icmp_inner_key(const struct rte_ipv4_hdr *in, bool o2i, struct nat44_key *k)
{
	const uint8_t *l4 = (const uint8_t *)in + nat44_ip_hlen(in);
	uint16_t p[2];

	*k = (struct nat44_key){.src = in->dst_addr, .dst = in->src_addr, .proto = in->next_proto_id};
	switch (in->next_proto_id) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		memcpy(p, l4, sizeof(p));
		k->sport = p[1];
		k->dport = p[0];
		return true;
	case IPPROTO_ICMP: {
		const struct rte_icmp_hdr *ic = (const struct rte_icmp_hdr *)l4;
		if (!nat44_icmp_is_echo(ic->icmp_type))
			return false;
		if (o2i)
			k->dport = ic->icmp_ident;
		else
			k->sport = ic->icmp_ident;
		return true;
	}
	default:
		return false;
	}
}

/*
 * Translates an ICMP error: the outer address (src for in2out, dst for
 * out2in) becomes outer_a; in the quoted packet the address and port on the
 * NAT's side (dst for in2out, src for out2in) become new_a/new_p, with its
 * IPv4 checksum and, when quoted in full enough to hold it, its L4 checksum
 * updated. The ICMP checksum is then computed afresh over the message, which
 * the caller has checked lies in the first segment.
 */
static inline void
nat44_xlate_icmp_error(struct rte_ipv4_hdr *ip, struct rte_ipv4_hdr *in, uint16_t in_l4len,
		       bool o2i, uint32_t outer_a, uint32_t new_a, uint16_t new_p)
{
	uint16_t hlen = nat44_ip_hlen(ip);
	uint16_t l4len = rte_be_to_cpu_16(ip->total_length) - hlen;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	uint8_t *il4 = (uint8_t *)in + nat44_ip_hlen(in);
	void *oap = o2i ? &ip->dst_addr : &ip->src_addr;
	void *iap = o2i ? &in->src_addr : &in->dst_addr;
	uint32_t old_outer = nat44_load32(oap), old_a = nat44_load32(iap);
	uint16_t old_p, *pp = NULL, *cp = NULL;

	nat44_store32(oap, outer_a);
	ip->hdr_checksum = nat44_csum_adj32(ip->hdr_checksum, old_outer, outer_a);
	nat44_store32(iap, new_a);
	in->hdr_checksum = nat44_csum_adj32(in->hdr_checksum, old_a, new_a);

	switch (in->next_proto_id) {
	case IPPROTO_TCP: {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)il4;
		pp = o2i ? &t->src_port : &t->dst_port;
		if (in_l4len >= offsetof(struct rte_tcp_hdr, cksum) + 2)
			cp = &t->cksum;
		break;
	}
	case IPPROTO_UDP: {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)il4;
		pp = o2i ? &u->src_port : &u->dst_port;
		if (u->dgram_cksum)
			cp = &u->dgram_cksum;
		break;
	}
	case IPPROTO_ICMP: {
		struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)il4;
		old_p = ic->icmp_ident;
		ic->icmp_ident = new_p;
		ic->icmp_cksum = nat44_csum_adj16(ic->icmp_cksum, old_p, new_p);
		break;
	}
	default:
		break;
	}
	if (pp) {
		uint16_t p = *pp, c;
		*pp = new_p;
		if (cp) {
			c = nat44_csum_adj48(*cp, old_a, new_a, p, new_p);
			*cp = (c == 0 && in->next_proto_id == IPPROTO_UDP) ? 0xffff : c;
		}
	}
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, l4len);
}

#endif

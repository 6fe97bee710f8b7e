/*
 * What the nat44 nodes share: the vector lookup (keys of up to 64 packets,
 * one rte_hash bulk lookup, prefetch of the sessions found) and the route
 * test that decides whether a packet from the inside needs translating.
 */
#ifndef VN_NAT44_NODE_COMMON_H
#define VN_NAT44_NODE_COMMON_H

#include <rte_hash.h>
#include <rte_lpm.h>
#include <vecnet/feature.h>
#include <vecnet/fib.h>
#include <vecnet/node.h>

#include "nat44.h"
#include "xlate.h"

#define NAT44_CHUNK RTE_HASH_LOOKUP_BULK_MAX /* 64: keys per bulk lookup */

/*
 * The key of the usual packet in one test: a 20-byte IPv4 header, TCP or UDP,
 * not a fragment, the L4 header present. Its addresses and ports are two
 * loads from the header (the key's layout is the header's). Returns true for
 * it; any other packet gets nat44_key_of's key (ICMP echo, IP options) or
 * none (proto 0), and false.
 */
static inline bool
nat44_key_fast(const struct rte_ipv4_hdr *ip, bool o2i, struct nat44_key *k)
{
	const uint8_t *b = (const uint8_t *)ip;
	uint16_t tlen = rte_be_to_cpu_16(ip->total_length);
	uint8_t proto = ip->next_proto_id;
	uint32_t last = proto; /* proto, pad[3] = 0 (little endian) */
	bool ok = ip->version_ihl == 0x45 && !nat44_is_fragment(ip) &&
		  ((proto == IPPROTO_UDP && tlen >= 20 + sizeof(struct rte_udp_hdr)) ||
		   (proto == IPPROTO_TCP && tlen >= 20 + sizeof(struct rte_tcp_hdr)));

	if (likely(ok)) {
		memcpy(k, b + offsetof(struct rte_ipv4_hdr, src_addr), 12); /* addrs, ports */
		memcpy(&k->proto, &last, sizeof(last));
		return true;
	}
	nat44_key_of(ip, o2i, k);
	return false;
}

/* What the lookup of up to 64 packets found. */
struct nat44_chunk {
	uint64_t hits; /* bit i: pkts[i] has a session, idx[i] */
	uint64_t fast; /* bit i: pkts[i] is the usual TCP/UDP packet (nat44_key_fast) */
	int32_t idx[NAT44_CHUNK];
};

/* Looks up n (<= 64) packets in one direction's table: builds keys and their
 * signatures (prefetching packets 4 ahead), one rte_hash bulk lookup with the
 * signatures, then prefetches the session line of every hit so it is in cache
 * when the packet is rewritten. */
static inline void
nat44_lookup_chunk(const struct nat44_worker *w, bool o2i, struct rte_mbuf **pkts, uint16_t n,
		   struct nat44_chunk *ck)
{
	struct nat44_key keys[NAT44_CHUNK];
	const void *kp[NAT44_CHUNK];
	hash_sig_t sig[NAT44_CHUNK];
	void *data[NAT44_CHUNK];
	uint64_t fast = 0, hits = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		fast |= (uint64_t)nat44_key_fast(rte_pktmbuf_mtod(pkts[i], struct rte_ipv4_hdr *),
						 o2i, &keys[i])
			<< i;
		sig[i] = nat44_key_hash(&keys[i], 0);
		kp[i] = &keys[i];
	}
	rte_hash_lookup_with_hash_bulk_data(o2i ? w->o2i : w->i2o, kp, sig, n, &hits, data);
	for (uint64_t m = hits; m; m &= m - 1) {
		unsigned int i = (unsigned int)__builtin_ctzll(m);
		ck->idx[i] = (int32_t)(uintptr_t)data[i];
		rte_prefetch0(&w->sess[ck->idx[i]]);
	}
	ck->hits = hits;
	ck->fast = fast;
}

/* The bits of a chunk of n packets. */
static inline uint64_t
nat44_chunk_all(uint16_t n)
{
	return n == 64 ? UINT64_MAX : (1ull << n) - 1;
}

enum nat44_route { NAT44_ROUTE_OTHER, NAT44_ROUTE_LOCAL, NAT44_ROUTE_OUTSIDE };

/* Where the FIB sends dst (network order): to us, out of an outside
 * interface, or elsewhere (inside, unreachable, drop). */
static inline enum nat44_route
nat44_route_of(uint32_t dst)
{
	const struct vn_adj *adj;
	uint32_t nh;

	if (rte_lpm_lookup(vn_fib_lpm, rte_be_to_cpu_32(dst), &nh) != 0)
		return NAT44_ROUTE_OTHER;
	adj = vn_fib_adj(nh, 0);
	if (!adj)
		return NAT44_ROUTE_OTHER;
	if (adj->type == VN_ADJ_LOCAL)
		return NAT44_ROUTE_LOCAL;
	if ((adj->type == VN_ADJ_REWRITE || adj->type == VN_ADJ_GLEAN ||
	     adj->type == VN_ADJ_INCOMPLETE) &&
	    adj->tx_if < VN_IF_MAX &&
	    (__atomic_load_n(&nat44_main.if_role[adj->tx_if], __ATOMIC_RELAXED) & NAT44_IF_OUT))
		return NAT44_ROUTE_OUTSIDE;
	return NAT44_ROUTE_OTHER;
}

/* One of our outside addresses: in the pool or a static mapping's external. */
static inline bool
nat44_is_external(const struct nat44_pool *pool, const struct nat44_static_table *st,
		  uint32_t addr)
{
	return nat44_pool_has(pool, addr) || nat44_static_has_ext_addr(st, addr);
}

/* vn_feature_next() for a run of packets from one interface: the interface
 * snapshot cannot change within a vector (RCU), so the arc is computed once
 * per receiving interface and reused. */
struct nat44_next_cache {
	uint16_t rx_if;
	uint16_t next;
	uint16_t pos;
};

static inline uint16_t
nat44_feature_next(const struct vn_node *node, struct rte_mbuf *m, struct nat44_next_cache *nc)
{
	struct vn_meta *md = vn_meta(m);

	if (likely(md->rx_if == nc->rx_if)) {
		md->feature_arc = nc->pos;
		return nc->next;
	}
	nc->next = vn_feature_next(node, m);
	nc->rx_if = md->rx_if;
	nc->pos = md->feature_arc;
	return nc->next;
}

static inline void
nat44_count(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

#endif

/*
 * What the nat44 nodes share: the vector lookup (keys of up to 64 packets,
 * their index buckets, then their sessions) and the route
 * test that decides whether a packet from the inside needs translating.
 */
#ifndef VN_NAT44_NODE_COMMON_H
#define VN_NAT44_NODE_COMMON_H

#include <rte_lpm.h>
#include <vecnet/net/feature.h>
#include <vecnet/net/fib.h>
#include <vecnet/node.h>

#include "nat44.h"
#include "xlate.h"

#define NAT44_CHUNK 64 /* packets per lookup pass: one bit each in a uint64_t */

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

	bool ok = ip->version_ihl == 0x45 && !nat44_is_fragment(ip) &&
		  ((proto == IPPROTO_UDP && tlen >= 20 + sizeof(struct rte_udp_hdr)) ||
		   (proto == IPPROTO_TCP && tlen >= 20 + sizeof(struct rte_tcp_hdr)));

	if (likely(ok)) {
		/* Two 8-byte stores, the words nat44_key_hash loads: narrower
		 * stores would make those loads wait (failed store forwarding). */
		uint64_t addrs, rest;
		uint32_t ports;

		memcpy(&addrs, b + offsetof(struct rte_ipv4_hdr, src_addr), sizeof(addrs));
		memcpy(&ports, b + sizeof(*ip), sizeof(ports));
		rest = ports | (uint64_t)proto << 32; /* ports, proto, pad[3] = 0 (little endian) */
		memcpy(k, &addrs, sizeof(addrs));
		memcpy((uint8_t *)k + sizeof(addrs), &rest, sizeof(rest));
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

/* Looks up n (<= 64) packets in one direction's index, in three passes so
 * that each waits on memory fetched during the one before: keys and hashes
 * (prefetching packets 4 ahead and each key's home bucket), then the bucket
 * search along its chain (prefetching the candidate's session line), then the
 * check of the session's key. A packet without a candidate, or whose first
 * candidate has another key (equal hashes), is a miss here; the slow path
 * looks it up again (nat44_session_find). */
static inline void
nat44_lookup_chunk(const struct nat44_worker *w, bool o2i, struct rte_mbuf **pkts, uint16_t n,
		   struct nat44_chunk *ck)
{
	const struct nat44_shash *t = o2i ? &w->o2i : &w->i2o;
	struct nat44_key keys[NAT44_CHUNK];
	uint32_t sig[NAT44_CHUNK];
	uint64_t fast = 0, cand = 0, hits = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		fast |= (uint64_t)nat44_key_fast(rte_pktmbuf_mtod(pkts[i], struct rte_ipv4_hdr *),
						 o2i, &keys[i])
			<< i;
		sig[i] = nat44_sh_sig(nat44_key_hash(&keys[i], 0));
		rte_prefetch0(nat44_sh_home(t, sig[i]));
	}
	for (uint16_t i = 0; i < n; i++) {
		const struct nat44_sh_bucket *b = nat44_sh_home(t, sig[i]);
		uint32_t m = nat44_sh_match(b, sig[i]);

		while (unlikely(!m && b->next)) { /* a full bucket's chain (~1 in 20) */
			b = nat44_sh_next(t, b);
			m = nat44_sh_match(b, sig[i]);
		}
		if (likely(m)) {
			ck->idx[i] = (int32_t)b->slot[__builtin_ctz(m)];
			rte_prefetch0(&w->sess[ck->idx[i]]);
			cand |= 1ull << i;
		}
	}
	for (uint64_t m = cand; m; m &= m - 1) {
		unsigned int i = (unsigned int)__builtin_ctzll(m);
		hits |= (uint64_t)nat44_session_has_key(&w->sess[ck->idx[i]], o2i, &keys[i]) << i;
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

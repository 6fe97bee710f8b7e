/*
 * What a family gives the one neighbour table (engine-private). The table
 * (neighbor.c) keeps entries of both families, applies learning, runs the
 * reachability state machine and pushes every change to the FIB through
 * these operations; neighbor4.c (ARP) and neighbor6.c (neighbour discovery)
 * say what differs: which bindings are valid, how addresses order, which FIB
 * takes the change, and, for a family whose entries age, how a neighbour is
 * probed.
 */
#ifndef VN_NEIGHBOR_PRIV_H
#define VN_NEIGHBOR_PRIV_H

#include <rte_ip.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>

struct vn_nbr_family {
	/* False for an address or MAC this family never binds. */
	bool (*valid)(const union vn_nbr_addr *a, const uint8_t mac[6]);
	int (*cmp)(const union vn_nbr_addr *a, const union vn_nbr_addr *b);
	/* The next hop's adjacency and host route follow the binding (mac NULL: gone). */
	void (*fib_update)(uint32_t if_index, const union vn_nbr_addr *a, const uint8_t *mac);
	/*
	 * Reachability, NULL for a family whose entries never age: how long a
	 * confirmation lasts, whether the fast path used the entry since the
	 * last look (read and cleared), and a unicast probe.
	 */
	uint32_t (*reachable_ms)(void);
	bool (*used)(const struct vn_nbr *n);
	void (*probe)(const struct vn_nbr *n);
	/* A learn flagged VN_ND_LEARN_DAD: addr, ours, is in use elsewhere. */
	void (*conflict)(uint32_t if_index, const union vn_nbr_addr *a);
	/* Runs with the table's timers (every VN_NBR_TICK_MS at most). */
	void (*tick)(uint64_t now_ms);
};

#define VN_NBR_TICK_MS 100

extern const struct vn_nbr_family vn_nbr_ip4_family, vn_nbr_ip6_family;

/* The table's monotonic clock in ms (a test's fake one if set). */
uint64_t vn_nbr_now_ms(void);
void vn_nbr_set_clock(uint64_t (*now_ms)(void));

/* --- nd6_ns.c: the framing of every ND message the engine sends --------
 * An mbuf of len bytes (IPv6 header included) whose IPv6 header is filled
 * for ND (ICMPv6, hop limit 255, src to dst); *ip points at it. NULL when
 * the pool is empty. */
struct rte_mbuf *vn_nd6_msg_alloc(uint16_t len, const struct vn_ip6 *src, const struct vn_ip6 *dst,
				  struct rte_ipv6_hdr **ip);
/* Writes a source link-layer address option (8 bytes) at opt. */
void vn_nd6_opt_src_lladdr(uint8_t *opt, const uint8_t mac[6]);
/* Checksums the ICMPv6 message after ip (its checksum field at icmp_cksum),
 * resets the metadata to flags and prepends fp's Ethernet header to mac.
 * Frees m and returns NULL when there is no room. */
struct rte_mbuf *vn_nd6_msg_finish(struct rte_mbuf *m, const struct vn_if_fp *fp,
				   struct rte_ipv6_hdr *ip, rte_be16_t *icmp_cksum,
				   const uint8_t mac[6], uint32_t flags);

#endif

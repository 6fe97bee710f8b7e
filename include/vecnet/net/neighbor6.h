/*
 * IPv6 neighbours (RFC 4861): the typed calls and what only neighbour
 * discovery has (reachability timers, probes, DAD). The entries are the
 * IPv6 ones of the one table (net/neighbor.h): workers learn from
 * solicitations and advertisements through its ring, and every change feeds
 * the FIB, which rebuilds the adjacencies of that next hop and keeps a /128
 * host route for a global address on a connected prefix.
 */
#ifndef VECNET_NEIGHBOR6_H
#define VECNET_NEIGHBOR6_H

#include <rte_mbuf.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/neighbor.h>

/*
 * Reachability of dynamic neighbours (RFC 4861 7.3, the states in
 * net/neighbor.h): a solicited advertisement confirms an entry (REACHABLE);
 * after reachable_ms it is STALE; a STALE entry that forwards a packet goes
 * to DELAY, and if nothing confirms it within VN_ND_DELAY_FIRST_PROBE_MS, to
 * PROBE: up to VN_ND_MAX_UNICAST_SOLICIT unicast solicitations,
 * VN_ND_RETRANS_TIMER_MS apart, then the entry is removed. Static entries
 * stay REACHABLE. The state lives on the main thread only.
 */
#define VN_ND_REACHABLE_DEFAULT_MS 30000
#define VN_ND_REACHABLE_MAX_MS 3600000
#define VN_ND_DELAY_FIRST_PROBE_MS 5000
#define VN_ND_RETRANS_TIMER_MS 1000
#define VN_ND_MAX_UNICAST_SOLICIT 3
#define VN_ND_DAD_TRANSMITS_DEFAULT 1
#define VN_ND_DAD_TRANSMITS_MAX 10

struct vn_nd6_config {
	uint32_t reachable_ms; /* ReachableTime: 1 .. VN_ND_REACHABLE_MAX_MS */
	uint32_t dad_transmits; /* DupAddrDetectTransmits: 0 (off) .. VN_ND_DAD_TRANSMITS_MAX */
};

/* Main thread: -EINVAL when a value is out of range (nothing changes then). */
int vn_nd6_config_set(const struct vn_nd6_config *c);
void vn_nd6_config_get(struct vn_nd6_config *out);

/*
 * Use of a next hop, seen by ip6-rewrite: one byte per thread and adjacency,
 * set once per run of packets through it and only if clear (a read, no
 * write, while the main thread has not looked), cleared by the main thread
 * when it consumes it for a STALE neighbour.
 */
extern uint8_t vn_nd6_adj_used[VN_THREAD_MAX][VN_ADJ_MAX];

static inline void
vn_nd6_mark_used(uint32_t thread_index, uint32_t adj_index)
{
	uint8_t *u = &vn_nd6_adj_used[thread_index][adj_index];

	if (!__atomic_load_n(u, __ATOMIC_RELAXED))
		__atomic_store_n(u, 1, __ATOMIC_RELAXED);
}

/* A neighbour solicitation for target out of fp, a whole frame (tx_if set):
 * from src with our MAC as option (from :: and without it: DAD), to dst_mac
 * and target itself (a unicast probe) or, dst_mac NULL, to the target's
 * solicited-node group. NULL when no buffer. */
struct vn_if_fp;
struct rte_mbuf *vn_nd6_ns_build(const struct vn_if_fp *fp, const struct vn_ip6 *target,
				 const struct vn_ip6 *src, const uint8_t *dst_mac);

struct vn_neighbor6_info {
	uint32_t if_index;
	struct vn_ip6 addr;
	uint8_t mac[6];
	bool is_static;
	bool is_router; /* the last advertisement had the R flag */
	uint8_t state; /* enum vn_nd_state */
	uint8_t probes; /* PROBE: unicast solicitations sent */
	uint64_t updated_ms; /* monotonic ms of the last learn/refresh */
	uint64_t state_ms; /* monotonic ms the state was entered (or last probe) */
};

/* Static entries are never replaced by learning; a static set replaces a dynamic one. */
int vn_neighbor6_set(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
		     bool is_static);
int vn_neighbor6_del(uint32_t if_index, const struct vn_ip6 *addr); /* -ENOENT if absent */
int vn_neighbor6_get(uint32_t if_index, const struct vn_ip6 *addr, struct vn_neighbor6_info *out);
/* Walks entries ordered by interface then address. */
void vn_neighbor6_walk(void (*cb)(const struct vn_neighbor6_info *n, void *ctx), void *ctx);
uint32_t vn_neighbor6_count(void);

/* Fast path (any forwarding thread): queue a learned binding for the main
 * thread. Returns false when the ring is full (the caller counts it). */
#define VN_ND_LEARN_ROUTER 0x1 /* an NA with the R flag */
#define VN_ND_LEARN_CONFIRMED 0x2 /* a solicited NA: reachability confirmed */
#define VN_ND_LEARN_OVERRIDE 0x4 /* an NA with the O flag */
#define VN_ND_LEARN_NA 0x8 /* from an NA (else an NS) */
#define VN_ND_LEARN_NO_LLADDR 0x10 /* a solicited NA without the option: mac is not one */
#define VN_ND_LEARN_DAD 0x20 /* addr, tentative here, is in use by another node */
bool vn_neighbor6_post_learn(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
			     uint8_t flags);
/* Tests: a fake monotonic clock in ms for the whole table (both families'
 * stamps and its timers; NULL: CLOCK_MONOTONIC) and where probes go (NULL:
 * vn_control_inject to the first forwarding thread). */
void vn_neighbor6_set_clock(uint64_t (*now_ms)(void));
void vn_neighbor6_set_probe_sink(void (*sink)(struct rte_mbuf *m));
/* Main thread: sends a whole ND frame (VN_META_F_L2_READY) on its tx_if. */
void vn_nd6_send(struct rte_mbuf *m);

#endif

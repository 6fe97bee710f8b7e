/*
 * IPv6 neighbour table (RFC 4861), control plane only, beside the IPv4 one
 * (net/neighbor.h) and built the same way: workers learn from neighbour
 * solicitations and advertisements by posting to a ring the main thread
 * drains (vn_neighbor_process_learned drains both families), and every change
 * feeds the FIB, which rebuilds the adjacencies of that next hop and keeps a
 * /128 host route for a global address on a connected prefix.
 */
#ifndef VECNET_NEIGHBOR6_H
#define VECNET_NEIGHBOR6_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

struct vn_neighbor6_info {
	uint32_t if_index;
	struct vn_ip6 addr;
	uint8_t mac[6];
	bool is_static;
	bool is_router; /* the last advertisement had the R flag */
	uint64_t updated_ms; /* monotonic ms of the last learn/refresh */
};

/* Called by vn_neighbor_init / vn_neighbor_fini. */
int vn_neighbor6_init(void);
void vn_neighbor6_fini(void);
/* Static entries are never replaced by learning; a static set replaces a dynamic one. */
int vn_neighbor6_set(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
		     bool is_static);
int vn_neighbor6_del(uint32_t if_index, const struct vn_ip6 *addr); /* -ENOENT if absent */
int vn_neighbor6_get(uint32_t if_index, const struct vn_ip6 *addr, struct vn_neighbor6_info *out);
/* Walks entries ordered by interface then address. */
void vn_neighbor6_walk(void (*cb)(const struct vn_neighbor6_info *n, void *ctx), void *ctx);
uint32_t vn_neighbor6_count(void);
void vn_neighbor6_flush_interface(uint32_t if_index);

/* Fast path (any forwarding thread): queue a learned binding for the main
 * thread. Returns false when the ring is full (the caller counts it). */
bool vn_neighbor6_post_learn(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t mac[6],
			     bool is_router);
/* Main thread: applies queued bindings; returns how many. */
uint32_t vn_neighbor6_process_learned(void);

#endif

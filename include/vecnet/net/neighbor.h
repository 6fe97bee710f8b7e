/*
 * IPv4 neighbour (ARP) table, control plane only. Workers learn from ARP by
 * posting to a ring that the main thread drains (vn_neighbor_process_learned),
 * so nothing in the fast path takes a lock. Changes feed the FIB, which
 * rewrites the adjacencies of that next hop in place (by RCU pointer swap).
 */
#ifndef VECNET_NEIGHBOR_H
#define VECNET_NEIGHBOR_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

struct vn_neighbor_info {
	uint32_t if_index;
	uint32_t addr; /* host order */
	uint8_t mac[6];
	bool is_static;
	uint64_t updated_ms; /* monotonic ms of the last learn/refresh */
};

int vn_neighbor_init(void);
void vn_neighbor_fini(void);
/* Static entries are never replaced by learning; a static set replaces a dynamic one. */
int vn_neighbor_set(uint32_t if_index, uint32_t addr, const uint8_t mac[6], bool is_static);
int vn_neighbor_del(uint32_t if_index, uint32_t addr); /* -ENOENT if absent */
int vn_neighbor_get(uint32_t if_index, uint32_t addr, struct vn_neighbor_info *out);
/* Walks entries ordered by interface then address. */
void vn_neighbor_walk(void (*cb)(const struct vn_neighbor_info *n, void *ctx), void *ctx);
uint32_t vn_neighbor_count(void);
/* Removes every entry of an interface (address removed, interface gone). */
void vn_neighbor_flush_interface(uint32_t if_index);

/* Fast path (any forwarding thread): queue a learned binding for the main thread.
 * Returns false when the ring is full (the caller counts it). */
bool vn_neighbor_post_learn(uint32_t if_index, uint32_t addr, const uint8_t mac[6]);
/* Main thread: applies queued bindings; returns how many. */
uint32_t vn_neighbor_process_learned(void);

/*
 * Packets held while their next hop resolves (ip4-arp, Linux's arp_queue):
 * each forwarding thread keeps up to queue_len packets per unresolved next
 * hop and hands them back to ip4-lookup once the FIB changes under them
 * (vn_fib_epoch); those still unresolved after timeout_ms are dropped.
 * queue_len 0 holds nothing: the packet that triggers a request is dropped.
 */
#define VN_NEIGHBOR_QUEUE_DEFAULT 3
#define VN_NEIGHBOR_QUEUE_MAX 64
#define VN_NEIGHBOR_TIMEOUT_DEFAULT_MS 1000
#define VN_NEIGHBOR_TIMEOUT_MAX_MS 60000

struct vn_neighbor_config {
	uint32_t queue_len; /* 0 .. VN_NEIGHBOR_QUEUE_MAX */
	uint32_t timeout_ms; /* 1 .. VN_NEIGHBOR_TIMEOUT_MAX_MS */
};

/* Written by the main thread only, read by workers field by field. */
extern struct vn_neighbor_config vn_neighbor_cfg;

/* -EINVAL when a value is out of range (nothing changes then). */
int vn_neighbor_config_set(const struct vn_neighbor_config *c);
void vn_neighbor_config_get(struct vn_neighbor_config *out);

#endif

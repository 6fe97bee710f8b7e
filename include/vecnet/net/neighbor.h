/*
 * The neighbour table, control plane only: one table for ARP (IPv4) and
 * neighbour discovery (IPv6), entries keyed by family, interface and address.
 * Workers learn by posting to one ring that the main thread drains
 * (vn_neighbor_process_learned), so nothing in the fast path takes a lock.
 * Changes feed the FIB, which rewrites the adjacencies of that next hop in
 * place (by RCU pointer swap). The family-independent calls (vn_nbr_*) and
 * the typed ones of each family (vn_neighbor_* here, vn_neighbor6_* in
 * net/neighbor6.h) reach the same entries.
 */
#ifndef VECNET_NEIGHBOR_H
#define VECNET_NEIGHBOR_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>

/* --- both families ------------------------------------------------------- */

enum vn_nbr_af {
	VN_NBR_IP4,
	VN_NBR_IP6,
	VN_NBR_AF_N,
};
#define VN_NBR_AF_ANY VN_NBR_AF_N /* a walk or count of both families */

/* A neighbour's address: IPv4 in ip4 (host order) with the rest zero, or IPv6. */
union vn_nbr_addr {
	uint32_t ip4;
	struct vn_ip6 ip6;
};

/*
 * Reachability (RFC 4861 7.3): the one state machine of the table. Only
 * families that probe their neighbours age (IPv6's neighbour discovery,
 * net/neighbor6.h); ARP entries stay REACHABLE until deleted, as VPP's
 * (no ARP ageing by default). INCOMPLETE is a next hop being resolved: it has
 * no entry yet (ip4-arp and ip6-glean hold its packets).
 */
enum vn_nd_state {
	VN_ND_REACHABLE,
	VN_ND_STALE,
	VN_ND_DELAY,
	VN_ND_PROBE,
};

const char *vn_nd_state_name(uint8_t state);

struct vn_nbr {
	uint32_t if_index;
	uint8_t af; /* enum vn_nbr_af */
	uint8_t state; /* enum vn_nd_state */
	uint8_t probes; /* PROBE: unicast solicitations sent */
	bool is_static;
	bool is_router; /* IPv6: the last advertisement had the R flag */
	uint8_t mac[6];
	union vn_nbr_addr addr;
	uint64_t updated_ms; /* monotonic ms of the last learn/refresh */
	uint64_t state_ms; /* monotonic ms the state was entered (or last probe) */
};

/* Static entries are never replaced by learning; a static set replaces a dynamic one.
 * -EINVAL for a bad family, address or MAC, -ENODEV for no such interface. */
int vn_nbr_set(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, const uint8_t mac[6],
	       bool is_static);
int vn_nbr_del(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr); /* -ENOENT */
int vn_nbr_get(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr, struct vn_nbr *out);
/* Walks entries of af (or VN_NBR_AF_ANY) ordered by family, interface, address;
 * the callback may change the table. */
void vn_nbr_walk(uint8_t af, void (*cb)(const struct vn_nbr *n, void *ctx), void *ctx);
uint32_t vn_nbr_count(uint8_t af);

/* Fast path (any forwarding thread): queue a learned binding (flags
 * VN_ND_LEARN_*, net/neighbor6.h; 0 for ARP) for the main thread. Returns
 * false when the ring is full (the caller counts it). */
bool vn_nbr_post_learn(uint8_t af, uint32_t if_index, const union vn_nbr_addr *addr,
		       const uint8_t mac[6], uint8_t flags);

/* Text of either family: VN_NBR_AF_N when s is neither (the parsers of net/addr.h). */
uint8_t vn_parse_nbr_addr(const char *s, union vn_nbr_addr *addr);
/* Into buf, at least VN_IP6_STRLEN bytes; returns buf. */
char *vn_fmt_nbr_addr(uint8_t af, const union vn_nbr_addr *addr, char *buf);

/* --- IPv4 ----------------------------------------------------------------- */

struct vn_neighbor_info {
	uint32_t if_index;
	uint32_t addr; /* host order */
	uint8_t mac[6];
	bool is_static;
	uint64_t updated_ms; /* monotonic ms of the last learn/refresh */
};

/* Both families. */
int vn_neighbor_init(void);
void vn_neighbor_fini(void);
/* Static entries are never replaced by learning; a static set replaces a dynamic one. */
int vn_neighbor_set(uint32_t if_index, uint32_t addr, const uint8_t mac[6], bool is_static);
int vn_neighbor_del(uint32_t if_index, uint32_t addr); /* -ENOENT if absent */
int vn_neighbor_get(uint32_t if_index, uint32_t addr, struct vn_neighbor_info *out);
/* Walks entries ordered by interface then address. */
void vn_neighbor_walk(void (*cb)(const struct vn_neighbor_info *n, void *ctx), void *ctx);
uint32_t vn_neighbor_count(void);
/* Removes every entry of an interface, both families (interface gone). */
void vn_neighbor_flush_interface(uint32_t if_index);

/* Fast path (any forwarding thread): queue a learned binding for the main thread.
 * Returns false when the ring is full (the caller counts it). */
bool vn_neighbor_post_learn(uint32_t if_index, uint32_t addr, const uint8_t mac[6]);
/* Main thread: applies queued bindings of both families, then runs the
 * reachability timers (at most every 100 ms); returns how many bindings. */
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

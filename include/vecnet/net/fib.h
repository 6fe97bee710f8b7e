/*
 * IPv4 FIB: longest-prefix match in DPDK rte_lpm (with its RCU QSBR mode, so
 * tbl8 groups are reclaimed only after every worker has moved on), next hops
 * as adjacency indices. An LPM result is either an adjacency index or, with
 * VN_FIB_NH_ECMP set, the index of an ECMP group of adjacencies.
 *
 * Adjacencies and ECMP groups are immutable once published: a change builds
 * a new object, swaps the table pointer and frees the old one after a grace
 * period. A packet's vn_meta.adj is therefore valid for its whole graph walk.
 */
#ifndef VECNET_FIB_H
#define VECNET_FIB_H

#include <rte_lpm.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>

#define VN_ADJ_MAX (1u << 16)
#define VN_ECMP_MAX_GROUPS (1u << 14)
#define VN_ECMP_MAX_PATHS 16
#define VN_FIB_NH_ECMP (1u << 23) /* LPM next hop is an ECMP group index */

/* Adjacencies that always exist. */
#define VN_ADJ_INDEX_UNREACH 0 /* no route: ICMP destination unreachable */
#define VN_ADJ_INDEX_DROP 1 /* `via drop`: silently discarded (counted) */
#define VN_ADJ_INDEX_LOCAL 2 /* one of our addresses */

enum vn_adj_type {
	VN_ADJ_UNREACH,
	VN_ADJ_DROP,
	VN_ADJ_LOCAL,
	VN_ADJ_GLEAN, /* connected subnet: resolve the packet's own destination */
	VN_ADJ_INCOMPLETE, /* next hop without a MAC yet: resolve adj->nh */
	VN_ADJ_REWRITE, /* next hop resolved: prepend rewrite and send on tx_if */
};

/* MACs, up to two VLAN tags, ethertype (VN_L2_HDR_MAX in net/vlan.h). */
#define VN_ADJ_REWRITE_MAX 22

struct vn_adj {
	uint8_t type; /* enum vn_adj_type */
	uint8_t rewrite_len; /* REWRITE: 14, or 18/22 with a sub-interface's tags */
	uint16_t tx_if;
	uint16_t mtu; /* IP MTU of tx_if when the adjacency was built */
	uint16_t pad2;
	uint32_t index;
	uint32_t nh; /* INCOMPLETE, REWRITE: next-hop address (host order) */
	/* REWRITE: dst MAC, src MAC, the tx interface's VLAN tags, ethertype
	 * 0x0800 or 0x86DD (wire order) */
	uint8_t rewrite[VN_ADJ_REWRITE_MAX];
	bool is_ip6; /* an IPv6 next hop (nh6) or IPv6 glean */
	struct vn_ip6 nh6; /* IPv6 INCOMPLETE, REWRITE: next-hop address */
} __rte_cache_aligned;

struct vn_ecmp {
	uint16_t n_paths;
	uint32_t adj[VN_ECMP_MAX_PATHS];
};

extern struct rte_lpm *vn_fib_lpm;
extern struct vn_adj *vn_adj_table[VN_ADJ_MAX];
extern struct vn_ecmp *vn_ecmp_table[VN_ECMP_MAX_GROUPS];
/* Advanced after every change of what a lookup may return (routes,
 * adjacencies, interface state): a thread holding packets for an unresolved
 * next hop looks at them again when it moves. Release order: a reader that
 * sees a new value also sees the change. */
extern uint32_t vn_fib_epoch;

static inline uint32_t
vn_fib_epoch_get(void)
{
	return __atomic_load_n(&vn_fib_epoch, __ATOMIC_ACQUIRE);
}

static inline const struct vn_adj *
vn_adj_get(uint32_t index)
{
	return __atomic_load_n(&vn_adj_table[index], __ATOMIC_ACQUIRE);
}

/* Maps an LPM result (RTE_LPM_LOOKUP_SUCCESS stripped) and the flow hash to an adjacency. */
static inline const struct vn_adj *
vn_fib_adj(uint32_t nh, uint32_t hash)
{
	if (likely(!(nh & VN_FIB_NH_ECMP)))
		return vn_adj_get(nh);
	const struct vn_ecmp *e = __atomic_load_n(&vn_ecmp_table[nh & ~VN_FIB_NH_ECMP],
						  __ATOMIC_ACQUIRE);
	return vn_adj_get(e->adj[hash % e->n_paths]);
}

/* --- control plane (main thread only) ------------------------------------ */
#define VN_IF_ANY UINT32_MAX

struct vn_route_path {
	uint32_t via; /* host order */
	uint32_t if_index; /* VN_IF_ANY: resolve through the FIB */
};

enum vn_route_source {
	VN_ROUTE_STATIC, /* ip route add / config */
	VN_ROUTE_CONNECTED, /* interface subnet: glean */
	VN_ROUTE_LOCAL, /* interface address /32 */
	VN_ROUTE_HOST, /* /32 to a resolved neighbour on a connected subnet */
};

struct vn_route_info {
	struct vn_prefix prefix;
	enum vn_route_source source;
	bool is_drop;
	uint32_t n_paths;
	struct vn_route_path paths[VN_ECMP_MAX_PATHS];
	uint32_t adj[VN_ECMP_MAX_PATHS]; /* what each path resolves to now */
	uint32_t lpm_nh; /* programmed LPM next hop: adjacency or VN_FIB_NH_ECMP | group */
};

int vn_fib_init(uint32_t max_routes);
void vn_fib_fini(void);

/* Adds paths to the route for p (creating it); `ip route add` twice with
 * different vias gives ECMP, as in VPP. Recursive vias (not on a connected
 * subnet) resolve through the route covering them. */
int vn_route_add(const struct vn_prefix *p, const struct vn_route_path *paths, uint32_t n_paths);
int vn_route_add_drop(const struct vn_prefix *p);
/* Deletes one path (path != NULL) or the whole route. -ENOENT if absent. */
int vn_route_del(const struct vn_prefix *p, const struct vn_route_path *path);

/* Exact route for p; -ENOENT if none. */
int vn_fib_get(const struct vn_prefix *p, struct vn_route_info *out);
/* Longest-prefix match for addr in the control-plane view; -ENOENT if none. */
int vn_fib_lookup(uint32_t addr, struct vn_route_info *out);
/* Walks all routes in prefix order; stops when cb returns non-zero. */
int vn_fib_walk(int (*cb)(const struct vn_route_info *r, void *ctx), void *ctx);
uint32_t vn_fib_route_count(void);
/* "rewrite lan0 nh 10.0.1.2 02:00:00:00:01:02 mtu 1500",
 * "incomplete lan0 nh 10.0.1.9 (arp pending)", "glean lan0", "local", "drop", "unreachable" */
char *vn_adj_format(uint32_t adj_index, char *buf, size_t len);
/* Adjacencies in use (the 3 fixed ones included) and ECMP groups in use. */
uint32_t vn_adj_count(void);
uint32_t vn_ecmp_count(void);

#endif

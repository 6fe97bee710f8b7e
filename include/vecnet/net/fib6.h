/*
 * IPv6 FIB: longest-prefix match in DPDK rte_lpm6 (a 24-bit first level,
 * then 8-bit tbl8 groups shared along common prefixes), next hops as
 * adjacency indices shared with IPv4 (net/fib.h: the same adjacency table,
 * ECMP groups, fixed UNREACH / DROP / LOCAL adjacencies and RCU rules).
 * rte_lpm6 keeps 21-bit next hops: an ECMP group is stored as
 * VN_FIB6_LPM_ECMP | group and vn_fib6_nh() turns a lookup result into the
 * IPv4 encoding (adjacency index or VN_FIB_NH_ECMP | group).
 *
 * Link-local addresses are not in the FIB: a router never forwards them
 * (RFC 4291 2.5.6); ip6-input gives packets for our own link-local address
 * to ip6-local and drops other link-local destinations by name.
 */
#ifndef VECNET_FIB6_H
#define VECNET_FIB6_H

#include <rte_lpm6.h>
#include <vecnet/common.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/fib.h>

extern struct rte_lpm6 *vn_fib6;

#define VN_FIB6_LPM_ECMP (1u << 20) /* in an rte_lpm6 next hop: an ECMP group */

/* A result of rte_lpm6_lookup_bulk_func (-1: no route) as an adjacency index
 * or VN_FIB_NH_ECMP | group, for vn_fib_adj(). */
static inline uint32_t
vn_fib6_nh(int32_t lpm_nh)
{
	if (unlikely(lpm_nh < 0))
		return VN_ADJ_INDEX_UNREACH;
	if (unlikely(lpm_nh & VN_FIB6_LPM_ECMP))
		return VN_FIB_NH_ECMP | ((uint32_t)lpm_nh & ~VN_FIB6_LPM_ECMP);
	return (uint32_t)lpm_nh;
}

/* --- control plane (main thread only) ------------------------------------ */
struct vn_route6_path {
	struct vn_ip6 via;
	uint32_t if_index; /* VN_IF_ANY: the interface whose connected prefix holds via */
};

struct vn_route6_info {
	struct vn_prefix6 prefix;
	enum vn_route_source source;
	bool is_drop;
	uint32_t n_paths;
	struct vn_route6_path paths[VN_ECMP_MAX_PATHS];
	uint32_t adj[VN_ECMP_MAX_PATHS]; /* what each path resolves to */
	uint32_t fib_nh; /* programmed next hop: adjacency or VN_FIB_NH_ECMP | group */
};

/* Called by vn_fib_init / vn_fib_fini: one call sets up both families. */
int vn_fib6_init(uint32_t max_routes);
void vn_fib6_fini(void);

/* Adds paths to the route for p (creating it); adding again with another via
 * makes ECMP, as for IPv4. A via must lie in a connected prefix (or name its
 * interface: link-local vias must); recursive vias are not resolved yet
 * (-ENETUNREACH). */
int vn_route6_add(const struct vn_prefix6 *p, const struct vn_route6_path *paths,
		  uint32_t n_paths);
int vn_route6_add_drop(const struct vn_prefix6 *p);
/* Deletes one path (path != NULL) or the whole route. -ENOENT if absent,
 * -EPERM for a connected or local route. */
int vn_route6_del(const struct vn_prefix6 *p, const struct vn_route6_path *path);

int vn_fib6_get(const struct vn_prefix6 *p, struct vn_route6_info *out);
/* Longest-prefix match in the control-plane view; -ENOENT if none. */
int vn_fib6_lookup(const struct vn_ip6 *addr, struct vn_route6_info *out);
/* Walks all routes (trie order); stops when cb returns non-zero. */
int vn_fib6_walk(int (*cb)(const struct vn_route6_info *r, void *ctx), void *ctx);
uint32_t vn_fib6_route_count(void);

#endif

/*
 * IPv6 FIB: longest-prefix match in vecnet's own table (net/lpm6.h: a 24-bit
 * first level, then 8-bit groups shared along common prefixes), next hops as
 * adjacency indices shared with IPv4 (net/fib.h: the same adjacency table,
 * ECMP groups, fixed UNREACH / DROP / LOCAL adjacencies and RCU rules). A
 * lookup gives what vn_fib_adj() takes: an adjacency index or
 * VN_FIB_NH_ECMP | group; a miss is VN_ADJ_INDEX_UNREACH.
 *
 * Link-local addresses are not in the FIB: a router never forwards them
 * (RFC 4291 2.5.6); ip6-input gives packets for our own link-local address
 * to ip6-local and drops other link-local destinations by name.
 */
#ifndef VECNET_FIB6_H
#define VECNET_FIB6_H

#include <vecnet/common.h>
#include <vecnet/net/addr.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/lpm6.h>

extern struct vn_lpm6 *vn_fib6;

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

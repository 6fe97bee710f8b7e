/* Internals shared by fib.c (routes), adj.c (adjacencies, ECMP) and fib_lpm.c (LPM writer). */
#ifndef VN_FIB_PRIV_H
#define VN_FIB_PRIV_H

#include <vecnet/net/fib.h>
#include <vecnet/net/lpm6.h>

/* --- between the FIB and the interface and neighbour tables ------------- */
/* Called by the interface module. */
int vn_fib_connected_add(uint32_t if_index, const struct vn_prefix *p);
int vn_fib_connected_del(uint32_t if_index, const struct vn_prefix *p);
/* MAC / MTU / state: rebuild adjacencies; when the link went down or came
 * back, re-resolve the routes with paths through the interface (a path
 * through a down link is left out of its route and ECMP group). */
void vn_fib_interface_changed(uint32_t if_index);

/* The most static, connected and local routes the table holds
 * (engine.ip4-routes), and how many more fit now. Neighbours' host routes
 * have as much room again of their own. */
uint32_t vn_fib_route_max(void);
uint32_t vn_fib_route_room(void);

/* Called by the neighbour table when a MAC is learned, changed (mac) or removed (NULL). */
void vn_fib_neighbor_update(uint32_t if_index, uint32_t addr, const uint8_t *mac);

/* After each write workers may see (LPM entry, adjacency, ECMP group). */
static inline void
vn_fib_epoch_advance(void)
{
	__atomic_add_fetch(&vn_fib_epoch, 1, __ATOMIC_RELEASE);
}

/* --- tbl8_pool.c: LPM groups whose release waits for a grace period ------ */
struct vn_tbl8_pool {
	uint32_t n, n_free;
	uint32_t *free; /* stack of free group indices */
	struct rte_rcu_qsbr_dq *dq;
	void (*clear)(uint32_t g); /* empties g before it is handed out again; or NULL */
};
int vn_tbl8_pool_init(struct vn_tbl8_pool *p, const char *name, uint32_t n,
		      void (*clear)(uint32_t g));
void vn_tbl8_pool_fini(struct vn_tbl8_pool *p);
int vn_tbl8_pool_get(struct vn_tbl8_pool *p, uint32_t *g); /* -ENOSPC when none is free */
void vn_tbl8_pool_release(struct vn_tbl8_pool *p, uint32_t g);
/* Free groups after reclaiming what the workers no longer read; when fewer
 * than want are free and some still wait for a grace period, waits for one. */
uint32_t vn_tbl8_pool_free(struct vn_tbl8_pool *p, uint32_t want);
uint32_t vn_tbl8_pool_used(struct vn_tbl8_pool *p);

/* --- fib_lpm.c: programs vn_fib_lpm's tbl24/tbl8 directly ----------------
 * rte_lpm_add/delete keep a rule array searched linearly per depth, which is
 * quadratic (100k /24 routes: 1.2 s, 1M: minutes). The route table already
 * knows every prefix, so we write the DIR-24-8 entries ourselves with the same
 * encoding and ordering rules as rte_lpm; readers use rte_lpm_lookup*(). */
int vn_lpm_writer_init(struct rte_lpm *lpm, uint32_t n_tbl8);
void vn_lpm_writer_fini(void);
/* Points addr/len (masked) at nh; entries of longer prefixes are kept. */
int vn_lpm_set(uint32_t addr, uint8_t len, uint32_t nh);
/* Removes addr/len: its entries take the covering prefix (cover_len, cover_nh)
 * or become misses when cover_len < 0. */
void vn_lpm_clear(uint32_t addr, uint8_t len, int cover_len, uint32_t cover_nh);
/* Control-plane lookup that also returns the matched prefix length. */
bool vn_lpm_match(uint32_t addr, uint32_t *nh, uint8_t *len);
uint32_t vn_lpm_tbl8_used(void);

/* --- adj.c ---------------------------------------------------------------- */
int vn_adj_init(void);
void vn_adj_fini(void);
/* Find-or-create, each taking one reference. */
int vn_adj_nh_lock(uint32_t if_index, uint32_t nh, uint32_t *index);
int vn_adj_glean_lock(uint32_t if_index, uint32_t *index);
/* References on an LPM next-hop value (adjacency or VN_FIB_NH_ECMP | group);
 * the fixed adjacencies are not counted. */
void vn_fib_nh_lock(uint32_t nh);
void vn_fib_nh_unlock(uint32_t nh);
/* ECMP group with these members (order-insensitive), shared by equal sets;
 * takes one reference on the group. */
int vn_ecmp_lock(const uint32_t *adj, uint32_t n, uint32_t *group);
/* Neighbour change for (if, nh): rebuild that adjacency if it exists. */
void vn_adj_nh_update(uint32_t if_index, uint32_t nh, const uint8_t *mac);
void vn_adj_interface_rebuild(uint32_t if_index);
uint32_t vn_adj_refcount(uint32_t index);
/* GLEAN adjacency's interface, or -1 if index is not a glean. */
int vn_adj_glean_if(uint32_t index);
/* IPv6: the same, for next hops (if, nh6) and an interface's IPv6 glean. */
int vn_adj_nh6_lock(uint32_t if_index, const struct vn_ip6 *nh, uint32_t *index);
/* The adjacency of next hop (if, nh), if one exists (main thread). */
bool vn_adj_nh6_find(uint32_t if_index, const struct vn_ip6 *nh, uint32_t *index);
int vn_adj_glean6_lock(uint32_t if_index, uint32_t *index);
void vn_adj_nh6_update(uint32_t if_index, const struct vn_ip6 *nh, const uint8_t *mac);

/* --- lpm6.c: writes vn_fib6's tables (include/vecnet/net/lpm6.h) ---------
 * Same rules as fib_lpm.c: a group is filled before the entry that points to
 * it is published, and returns to the pool only after a grace period. */
/* The one IPv6 table (vn_fib6): NULL when its memory cannot be had. */
struct vn_lpm6 *vn_lpm6_create(uint32_t n_groups);
void vn_lpm6_free(void);
/* Points addr/len (masked) at nh; entries of longer prefixes are kept.
 * -ENOSPC when no group is left (the table is unchanged). */
int vn_lpm6_set(const struct vn_ip6 *addr, uint8_t len, uint32_t nh);
/* Removes addr/len: its entries take the covering prefix (cover_len,
 * cover_nh), or VN_ADJ_INDEX_UNREACH when cover_len < 0. */
void vn_lpm6_clear(const struct vn_ip6 *addr, uint8_t len, int cover_len, uint32_t cover_nh);
uint32_t vn_lpm6_groups_used(void);

/* --- fib6.c ---------------------------------------------------------------- */
/* Size of the IPv6 table the next vn_fib_init makes (engine.ip6-routes);
 * 0: its default, as many as IPv4 up to VN_FIB6_ROUTES_DEF. */
#define VN_FIB6_ROUTES_DEF (1u << 18)
void vn_fib6_set_max(uint32_t max_routes);
/* A hint before adding many routes: looks up to VN_FIB6_PREFETCH_MAX prefixes
 * at once in the route table, so that the adds that follow find its buckets
 * in the cache (a table of 1M routes misses it on every one, one after the
 * other). Changes nothing. */
#define VN_FIB6_PREFETCH_MAX 64
void vn_fib6_prefetch(const struct vn_prefix6 *p, uint32_t n);
int vn_fib6_connected_add(uint32_t if_index, const struct vn_prefix6 *p);
int vn_fib6_connected_del(uint32_t if_index, const struct vn_prefix6 *p);
/* Link state changed (called by vn_fib_interface_changed). */
void vn_fib6_interface_changed(uint32_t if_index);
/* Neighbour learned, changed (mac) or removed (NULL). */
void vn_fib6_neighbor_update(uint32_t if_index, const struct vn_ip6 *addr, const uint8_t *mac);

#endif
